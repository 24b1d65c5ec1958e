# The 7-stage funnel of the fixture, checked by hand in
# inputs/journeys.README.md: 5, 4, 2, 1, 1, 1, 1 customers.
args: funnel --funnel seven_stage inputs/journeys.ndjson
