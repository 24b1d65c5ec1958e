# time_decay asked for explicitly on a path table (no times): exit 2.
args: attribute --paths inputs/attribution-worked.csv --model time_decay
