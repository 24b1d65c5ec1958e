# The same, side by side as text.
args: attribute --format text inputs/journeys.ndjson
