args: catalog --catalog
