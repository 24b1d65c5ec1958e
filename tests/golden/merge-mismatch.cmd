# Funnel states of different funnels are refused: exit 2.
args: merge inputs/journeys-part1.funnel.json inputs/journeys-part2.funnel-other.json
