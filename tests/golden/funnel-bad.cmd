# Bad input lines: reported, summarized, exit 1; the funnel of the rest.
args: funnel --steps stage=discovery,purchase --format text inputs/journeys-bad.ndjson
