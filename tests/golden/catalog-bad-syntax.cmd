# A catalog that is not JSON.
args: catalog --catalog inputs/bad-syntax.json
