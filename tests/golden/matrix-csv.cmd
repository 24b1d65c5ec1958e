# The same as CSV, one line per non-empty cell.
args: matrix --format csv inputs/journeys.ndjson
