# The help of the report command.
args: report --help
