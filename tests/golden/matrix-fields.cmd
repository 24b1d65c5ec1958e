# Channel groups by phase, as text.
args: matrix --rows channel_group --cols phase --format text inputs/journeys.ndjson
