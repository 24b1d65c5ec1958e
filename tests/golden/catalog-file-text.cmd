# A small catalog from a file, in text form: no seven_stage funnel, a
# touchpoint without a stage, unknown dimensions shown as '-'.
args: catalog --catalog inputs/small-catalog.json --format=text
