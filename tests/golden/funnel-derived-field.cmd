# Steps on a field the classifier derives from the url (url_path): the
# grinder's page (ana, dee, fay), the cart (ana), the purchase (ana).
args: funnel --steps url_path=/products/grinder,url_path=/cart,purchase --format text inputs/journeys.ndjson
