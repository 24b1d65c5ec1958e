# The same as grids and a table of cells.
args: matrix --format text inputs/journeys.ndjson
