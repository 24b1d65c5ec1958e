args: rules show nope
