# A lookback of 2 touches and 1 day, by touchpoint, linear and last.
args: attribute --by touchpoint --lookback-steps 2 --lookback-days 1 --model linear,last --format text inputs/journeys.ndjson
