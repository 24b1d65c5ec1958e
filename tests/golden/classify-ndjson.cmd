# Every kind of NDJSON line: web hits (utm, search and social referrers,
# internal referrer), e-mail, offline events with an explicit channel,
# nested members, an empty object, blank lines, invalid JSON, a value that
# is not an object, invalid UTF-8, a line over --max-line-bytes and CRLF
# line ends. Classified lines come back unchanged with "tp" added; refused
# ones go to stderr with FILE:LINE:COL and the run goes on; the summary
# counts every line; some lines were refused: exit status 1.
args: classify --max-line-bytes 300 inputs/classify-events.ndjson
