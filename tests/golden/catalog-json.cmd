# The built-in catalog in the JSON catalog format (what --catalog reads).
args: catalog --format json
