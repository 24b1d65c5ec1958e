# Several files: each is checked and every fault of each is printed; a
# file that is not JSON stops at its syntax error. Exit status 2.
args: rules check ../data/rules/several-faults.json inputs/bad-syntax.json
