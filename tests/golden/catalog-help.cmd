args: catalog --help
