# The help of the journeys command.
args: journeys --help
