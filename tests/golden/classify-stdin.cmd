# Events from standard input through the ga4 rule set only: no touchpoint,
# channel or stage, every line classified: exit status 0.
args: classify --rules ga4
stdin: inputs/classify-web.ndjson
