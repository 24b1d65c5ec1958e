# The same funnel as a table with drop-off.
args: funnel --funnel seven_stage --format text inputs/journeys.ndjson
