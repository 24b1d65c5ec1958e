# Path counts of the halves merge into the path table of the whole:
# equals attribute-ndjson-paths.stdout.
args: merge --format csv inputs/journeys-part1.paths.json inputs/journeys-part2.paths.bin
