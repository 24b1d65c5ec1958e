# A matrix of derived fields: the referrer's medium by phase, as CSV.
args: matrix --rows referrer_medium --cols phase --format csv inputs/journeys.ndjson
