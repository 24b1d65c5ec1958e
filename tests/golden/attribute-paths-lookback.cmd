# Journey options with a path table: exit 2.
args: attribute --paths inputs/attribution-worked.csv --lookback-steps 2
