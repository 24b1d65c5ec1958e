# A rule file of one's own after the ga4 rule set: both run, in order; the
# file's channel_group replaces GA4's, and its touchpoints bring their
# channel and stage from the catalog.
args: classify --rules ga4 --rules ../data/rules/valid.json inputs/classify-web.ndjson
