# The refused lines of classify-ndjson as NDJSON in the --rejects file
# (here standard output; the classified events go to /dev/null): file,
# line, column, reason, length and the text (bytes JSON cannot carry
# escaped). Only the summary is left on stderr.
args: classify --max-line-bytes 300 -o /dev/null --rejects /dev/stdout inputs/classify-events.ndjson
