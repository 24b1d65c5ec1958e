# A well-shaped catalog with faults of meaning: duplicate id, unknown
# references, empty funnel.
args: catalog --catalog inputs/bad-refs.json
