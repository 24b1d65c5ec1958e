args: version --help
