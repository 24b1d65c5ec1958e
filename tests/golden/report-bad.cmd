# The report of a file with bad lines: they are reported, the summary
# accounts for them, exit 1.
args: report inputs/journeys-bad.ndjson
