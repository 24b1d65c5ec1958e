args: classify --help
