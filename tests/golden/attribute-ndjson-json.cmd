# Attribution of the fixture's journeys (NDJSON input), every model
# including time_decay (journeys carry times); checked by hand in
# inputs/journeys.README.md.
args: attribute inputs/journeys.ndjson
