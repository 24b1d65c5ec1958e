# A step naming a stage the catalog lacks: exit 2 before the input is read.
args: funnel --steps stage=discovery,stage=nosuch inputs/journeys.ndjson
