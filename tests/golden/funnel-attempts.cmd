# Every attempt counts: each consideration event starts one. ana (2
# attempts: product page, newsletter) and dee (2: newsletter, product page)
# reach a sale with both, ben with his one; cai (2) and fay (1) do not:
# 8 attempts, 5 reach step 2 (customers: 5 and 3).
args: funnel --steps stage=consideration,stage=sale --count attempts --format text inputs/journeys.ndjson
