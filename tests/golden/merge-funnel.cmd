# The funnel states of the two halves of the fixture (split by customer;
# one JSON, one binary) merge into exactly the funnel of the whole: this
# output equals funnel-json.stdout.
args: merge inputs/journeys-part1.funnel.json inputs/journeys-part2.funnel.bin
