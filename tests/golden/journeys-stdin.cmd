# Events on standard input (-).
args: journeys -
stdin: inputs/journeys-part2.ndjson
