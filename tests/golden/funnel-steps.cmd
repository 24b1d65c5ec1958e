# Custom steps (a bare word is an event name) with a 1-day window: ana's
# purchase comes 23h15m after her paid_search and dee's 6 min after hers,
# both within the window; ben's comes 2 days after his social post, too
# late. 5 customers, 2 reach the purchase.
args: funnel --steps stage=discovery,purchase --window 1d --format text inputs/journeys.ndjson
