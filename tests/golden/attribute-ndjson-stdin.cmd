# Events on standard input.
args: attribute --model first - 
stdin: inputs/journeys.ndjson
