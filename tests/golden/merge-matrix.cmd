# The matrix states of the halves merge into the matrix of the whole:
# equals matrix-csv.stdout.
args: merge --format csv inputs/journeys-part1.matrix.json inputs/journeys-part2.matrix.bin
