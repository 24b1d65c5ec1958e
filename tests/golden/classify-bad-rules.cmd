# A rule file with faults: each is printed as FILE:LINE:COL: message, no
# event is read, exit status 2.
args: classify --rules ../data/rules/several-faults.json inputs/classify-web.ndjson
