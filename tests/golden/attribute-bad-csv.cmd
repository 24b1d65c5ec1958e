# A bad path table: every faulty record as FILE:LINE:COL, exit 2.
args: attribute --paths inputs/attribution-bad.csv
