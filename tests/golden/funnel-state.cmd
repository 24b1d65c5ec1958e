# The mergeable state, JSON form.
args: funnel --funnel seven_stage --format state inputs/journeys.ndjson
