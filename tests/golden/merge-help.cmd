# The help of the merge command.
args: merge --help
