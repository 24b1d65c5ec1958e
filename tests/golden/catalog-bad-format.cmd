args: catalog --format xml
