# --paths is required until journeys can be read from NDJSON.
args: attribute --model linear
