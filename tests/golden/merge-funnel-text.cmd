# The same merge printed as text: equals funnel-text.stdout.
args: merge --format text inputs/journeys-part1.funnel.json inputs/journeys-part2.funnel.bin
