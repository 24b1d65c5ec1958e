# A path table and events together: exit 2.
args: attribute --paths inputs/attribution-worked.csv inputs/journeys.ndjson
