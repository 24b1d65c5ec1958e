# The whole report on the fixture, as one JSON document.
args: report --format json inputs/journeys.ndjson
