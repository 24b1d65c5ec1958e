# A catalog file that does not exist.
args: catalog --catalog inputs/no-such-catalog.json
