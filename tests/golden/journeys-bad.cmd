# Bad input: a line without customer_id, a bad timestamp, invalid JSON,
# no timestamp, a blank line, an array, an empty customer_id. Each refused
# line is reported with its reason; the summary accounts for every line;
# the journey of the good lines is printed; exit 1.
args: journeys inputs/journeys-bad.ndjson
