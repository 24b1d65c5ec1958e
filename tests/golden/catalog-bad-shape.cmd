# A catalog with shape faults: every one is reported with file, line,
# column and JSON path, and the exit status is 2.
args: catalog --catalog inputs/bad-shape.json
