# Custom steps (a bare word is an event name) with a 1-day window:
# dee's second attempt (paid_search, then purchase 6 min later) counts;
# ana's purchase is 23h15m after her paid_search, within the window.
args: funnel --steps stage=discovery,purchase --window 1d --format text inputs/journeys.ndjson
