# Bad lines in the events: reported and summarized, the rest attributed,
# exit 1.
args: attribute --model first,linear --format csv inputs/journeys-bad.ndjson
