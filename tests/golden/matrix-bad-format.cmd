# An unknown format: exit 2.
args: matrix --format xml inputs/journeys.ndjson
