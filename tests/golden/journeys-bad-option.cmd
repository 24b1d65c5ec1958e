# A bad --session-timeout: exit 2 before reading.
args: journeys --session-timeout soon inputs/journeys.ndjson
