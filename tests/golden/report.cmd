# The whole report on the fixture, as text.
args: report inputs/journeys.ndjson
