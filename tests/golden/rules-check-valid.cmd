# A valid rule file: one "ok" line with the number of rules and the memory
# of the compiled rule set (64-bit build), exit status 0.
args: rules check ../data/rules/valid.json
