# The touchpoint matrix of the fixture (channels by stages), checked by
# hand in inputs/journeys.README.md.
args: matrix inputs/journeys.ndjson
