# Neither --steps nor --funnel: exit 2.
args: funnel inputs/journeys.ndjson
