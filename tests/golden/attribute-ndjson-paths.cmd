# The path table of the fixture's journeys (what --paths reads back).
args: attribute --format paths inputs/journeys.ndjson
