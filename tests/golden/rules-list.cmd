args: rules list
