# A rule file with one fault of each kind: every fault is printed as
# FILE:LINE:COL: message (at JSON path), exit status 2.
args: rules check ../data/rules/several-faults.json
