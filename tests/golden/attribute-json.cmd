# The worked example of docs/attribution.md, every model, as JSON
# (time_decay is skipped with a note: a path table has no times).
args: attribute --paths inputs/attribution-worked.csv
