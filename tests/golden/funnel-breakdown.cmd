# Broken down by the channel group of the step-1 event.
args: funnel --steps stage=discovery,stage=consideration,event=purchase --breakdown channel_group --format text inputs/journeys.ndjson
