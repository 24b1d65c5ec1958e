# The help of the matrix command.
args: matrix --help
