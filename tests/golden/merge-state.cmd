# Merging into a state again (to merge further), JSON form.
args: merge --format state inputs/journeys-part1.matrix.json inputs/journeys-part2.matrix.bin
