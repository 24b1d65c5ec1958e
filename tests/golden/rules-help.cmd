args: rules --help
