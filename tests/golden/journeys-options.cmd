# No session timeout (one session per journey) and two conversion events:
# the purchase and the loyalty signup.
args: journeys --session-timeout 0 --conversion purchase --conversion event=loyalty_signup inputs/journeys-part1.ndjson
