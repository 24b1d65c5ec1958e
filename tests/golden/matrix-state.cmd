# The mergeable state, JSON form.
args: matrix --format state inputs/journeys.ndjson
