# A file that is not a state: exit 2.
args: merge inputs/journeys.ndjson
