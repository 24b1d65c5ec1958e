# An exclusion: a product page between discovery and the purchase
# disqualifies the attempt, so ana and ben do not count at all; cai and
# fay reach step 1 only (fay's product page is simultaneous with her step-1
# event, not between two steps); dee's purchase follows her paid_search
# directly.
args: funnel --steps stage=discovery,purchase --exclude touchpoint=product_page_view --format text inputs/journeys.ndjson
