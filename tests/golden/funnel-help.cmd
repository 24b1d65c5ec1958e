# The help of the funnel command.
args: funnel --help
