# The built-in catalog as a table grouped by funnel stage (the default format).
args: catalog
