# Touches are the first events of the sessions, by channel group.
args: attribute --by channel_group --touches sessions --model first,last_non_direct,linear --format csv inputs/journeys.ndjson
