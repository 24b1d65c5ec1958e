# Broken down by the channel of the step-2 event, as JSON.
args: funnel --steps stage=discovery,stage=consideration --breakdown channel --breakdown-attribution step:2 inputs/journeys.ndjson
