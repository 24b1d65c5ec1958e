# The worked example, every model side by side, as text.
args: attribute --paths inputs/attribution-worked.csv --format text
