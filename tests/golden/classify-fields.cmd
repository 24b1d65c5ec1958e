# Segment-shaped events read through a field map (--fields): the canonical
# attributes come from userId, type, context.page.* and context.campaign.*.
args: classify --fields inputs/segment-fields.json inputs/classify-segment.ndjson
