# An unknown catalog funnel: exit 2.
args: funnel --funnel nosuch inputs/journeys.ndjson
