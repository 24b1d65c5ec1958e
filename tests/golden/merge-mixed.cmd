# States of different kinds are refused: exit 2.
args: merge inputs/journeys-part1.funnel.json inputs/journeys-part2.matrix.bin
