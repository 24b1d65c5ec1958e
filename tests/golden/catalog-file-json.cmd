# A small catalog from a file, saved back: absent dimensions come out as
# "unknown", the touchpoint's phase is taken from its stage.
args: catalog --catalog inputs/small-catalog.json --format json
