# The hand-made fixture (inputs/journeys.README.md): six customers, lines
# out of order; journeys in customer order, events by time, fay's two
# simultaneous events in input order; ben's purchase exactly 30 min after
# his store visit starts a new session.
args: journeys inputs/journeys.ndjson
