# strict_order: an event matching no step ends the attempt. ana's wish list
# and coupon, ben's store visit come between consideration and sale; only
# dee goes straight on (a second consideration event does not interrupt):
# 5 customers, 1 reaches the sale.
args: funnel --steps stage=consideration,stage=sale --mode strict_order --format text inputs/journeys.ndjson
