# A --rules argument that is neither a built-in name nor a readable file.
args: classify --rules no-such-rules.json inputs/classify-web.ndjson
