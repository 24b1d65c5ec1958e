# The help of the attribute command.
args: attribute --help
