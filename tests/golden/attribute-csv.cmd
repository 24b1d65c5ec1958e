# The worked example, every model, as CSV (one row per model and item).
args: attribute --paths inputs/attribution-worked.csv --format csv
