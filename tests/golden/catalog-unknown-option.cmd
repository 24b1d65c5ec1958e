args: catalog --colour
