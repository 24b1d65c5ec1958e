#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the committed hostile corpus (tests/hostile/KIND/NAME).

    tests/hostile/gen.py [DIR]

Run once after changing a case; the files are committed, so the test does
not need this script. The inputs that would be too big to commit (lines of
10 MB) are made at test time by run.py. tests/hostile/README.md lists what
each kind of file exercises.
"""
import os
import sys

out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
BOM = b"\xef\xbb\xbf"


def w(kind, name, data):
    d = os.path.join(out, kind)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# Each JSON reader: a valid document to spoil, and where a string and a
# number sit in it (the hostile bytes go there).
catalog = (b'{\n'
           b'  "channels": [\n'
           b'    {"id": "email", "name": "E-mail", "kind": "digital"},\n'
           b'    {"id": "store", "name": "Store", "kind": "physical"}\n'
           b'  ],\n'
           b'  "stages": [{"id": "interest", "name": "Interest", "phase": "pre_purchase"}],\n'
           b'  "touchpoints": [\n'
           b'    {"id": "newsletter", "name": "NAME", "channel": "email", "stage": "interest"}\n'
           b'  ],\n'
           b'  "funnels": [{"id": "simple", "stages": ["interest"]}]\n'
           b'}\n')
rules = (b'{\n'
         b'  "name": "hostile",\n'
         b'  "groups": [\n'
         b'    {"name": "channel", "rules": [\n'
         b'      {"name": "NAME", "when": {"field": "medium", "eq": "email"},\n'
         b'       "set": {"channel": "email"}}\n'
         b'    ]}\n'
         b'  ]\n'
         b'}\n')
refdb = (b'{\n'
         b'  "search": {\n'
         b'    "NAME": {"domains": ["example-search.com"], "parameters": ["q"]}\n'
         b'  },\n'
         b'  "social": {"Friends": {"domains": ["friends.example"]}}\n'
         b'}\n')

deep_array = b"[" * 10000 + b"]" * 10000
deep_object = b'{"a":' * 10000 + b"1" + b"}" * 10000

# Where a value sits in each document, and how to repeat a key there.
value_at = {"catalog": b'"NAME"', "rules": b'"NAME"', "refdb": b'"q"'}
duplicate = {
    "catalog": (b'"name": "NAME"', b'"name": "NAME", "name": "again"'),
    "rules": (b'"name": "NAME"', b'"name": "NAME", "name": "again"'),
    "refdb": (b'"parameters": ["q"]', b'"parameters": ["q"], "parameters": ["p"]'),
}

for kind, doc in (("catalog", catalog), ("rules", rules), ("refdb", refdb)):
    v = value_at[kind]
    w(kind, "valid.json", doc)
    w(kind, "bom.json", BOM + doc)
    w(kind, "crlf.json", doc.replace(b"\n", b"\r\n"))
    lines = doc.split(b"\n")
    lines[2] = b"@" + lines[2]
    w(kind, "crlf-fault-line-3.json", b"\r\n".join(lines))
    w(kind, "cr-only.json", doc.replace(b"\n", b"\r"))
    w(kind, "invalid-utf8-byte.json", doc.replace(b"NAME", b"N\xffME"))
    w(kind, "invalid-utf8-overlong.json", doc.replace(b"NAME", b"N\xc0\xafME"))
    w(kind, "invalid-utf8-surrogate.json", doc.replace(b"NAME", b"N\xed\xa0\x80ME"))
    w(kind, "invalid-utf8-cut.json", doc.replace(b"NAME", b"NAME\xe2\x82"))
    w(kind, "invalid-utf8-key.json", doc.replace(b'"NAME"', b'"NAME", "k\xfe": 1')
      if kind != "refdb" else doc.replace(b"NAME", b"NA\xfeME"))
    w(kind, "lone-surrogate-escape.json", doc.replace(b"NAME", b"N\\ud800ME"))
    w(kind, "nul-escape.json", doc.replace(b"NAME", b"N\\u0000ME"))
    w(kind, "nul-in-string.json", doc.replace(b"NAME", b"N\x00ME"))
    w(kind, "nul-between-tokens.json", doc.replace(b"{\n", b"{\x00\n", 1))
    w(kind, "control-char-in-string.json", doc.replace(b"NAME", b"N\x01ME"))
    w(kind, "deep-array-10000.json", deep_array)
    w(kind, "deep-object-10000.json", deep_object)
    w(kind, "deep-inside-10000.json", doc.replace(v, deep_array))
    w(kind, "huge-number.json", doc.replace(v, b"1" + b"0" * 400))
    w(kind, "huge-exponent.json", doc.replace(v, b"1e999999999999"))
    w(kind, "negative-huge.json", doc.replace(v, b"-1e400"))
    w(kind, "duplicate-keys.json", doc.replace(*duplicate[kind]))
    w(kind, "truncated-half.json", doc[:len(doc) // 2])
    w(kind, "truncated-in-string.json", doc[:doc.index(b"NAME") + 2])
    w(kind, "truncated-escape.json", doc[:doc.index(b"NAME")] + b"\\u00")
    w(kind, "empty.json", b"")
    w(kind, "whitespace-only.json", b" \r\n\t\n")
    w(kind, "trailing-garbage.json", doc + b"}\n")
    w(kind, "two-documents.json", doc + doc)
    w(kind, "not-an-object.json", b"[1, 2, 3]\n")
    w(kind, "bare-string.json", b'"catalog"')
    w(kind, "long-string-64k.json", doc.replace(b"NAME", b"x" * 65536))

# NDJSON events: one case per file, lines mixing good and bad.
ok = b'{"customer_id": "c1", "event": "page_view", "url": "https://shop.example.com/?utm_source=newsletter&utm_medium=email"}'
w("ndjson", "valid.ndjson", ok + b"\n" + ok + b"\n")
w("ndjson", "bom-first-line.ndjson", BOM + ok + b"\n" + ok + b"\n")
w("ndjson", "crlf.ndjson", ok + b"\r\n" + b"{bad\r\n" + ok + b"\r\n\r\n")
w("ndjson", "no-final-newline.ndjson", ok + b"\n" + ok)
w("ndjson", "blank-lines.ndjson", b"\n   \n\t\r\n" + ok + b"\n\n")
w("ndjson", "invalid-utf8.ndjson",
  ok + b"\n" + ok.replace(b"page_view", b"page\xffview") + b"\n" +
  ok.replace(b"c1", b"c\xc0\xaf") + b"\n" + ok.replace(b"c1", b"c\xed\xa0\x80") + b"\n" +
  ok.replace(b'"c1"}', b'"c1\xe2\x82"}') + b"\n" + ok + b"\n")
w("ndjson", "nul-bytes.ndjson",
  ok.replace(b"page_view", b"page\x00view") + b"\n" + b"{\x00}\n" + b"\x00\n" +
  ok.replace(b"page_view", b"page\\u0000view") + b"\n" + ok + b"\n")
w("ndjson", "deep-nesting.ndjson",
  b'{"a":' * 64 + b"1" + b"}" * 64 + b"\n" +
  b'{"a":' * 65 + b"1" + b"}" * 65 + b"\n" +
  b'{"a":' + deep_array + b"}\n" + deep_object + b"\n" + ok + b"\n")
w("ndjson", "huge-numbers.ndjson",
  b'{"event": "purchase", "value": 1' + b"0" * 400 + b"}\n" +
  b'{"event": "purchase", "value": 1e999999999999}\n' +
  b'{"event": "purchase", "value": -1e400, "score": 1e-400}\n' +
  b'{"event": "purchase", "customer_id": 123456789012345678901234567890}\n' +
  b'{"event": "purchase", "value": 9007199254740993}\n')
w("ndjson", "timestamps.ndjson",
  b'{"event": "x", "timestamp": -1}\n' +
  b'{"event": "x", "timestamp": "1969-12-31T23:59:59Z"}\n' +
  b'{"event": "x", "timestamp": "0001-01-01T00:00:00Z"}\n' +
  b'{"event": "x", "timestamp": "-0001-01-01T00:00:00Z"}\n' +
  b'{"event": "x", "timestamp": "9999-12-31T23:59:59.999Z"}\n' +
  b'{"event": "x", "timestamp": "10000-01-01T00:00:00Z"}\n' +
  b'{"event": "x", "timestamp": 253402300800000}\n' +
  b'{"event": "x", "timestamp": 1e300}\n' +
  b'{"event": "x", "timestamp": -62135596800001}\n' +
  b'{"event": "x", "timestamp": "2026-02-30T00:00:00Z"}\n')
w("ndjson", "duplicate-keys.ndjson",
  b'{"event": "page_view", "event": "purchase", "utm_source": "a", "utm_source": "b"}\n' +
  b'{"a": {"b": 1}, "a.b": 2, "a": [1]}\n')
w("ndjson", "truncated.ndjson", ok + b"\n" + ok[:40])
w("ndjson", "truncated-in-escape.ndjson", ok + b"\n" + b'{"event": "\\u00')
w("ndjson", "not-objects.ndjson",
  b"[1, 2]\n\"text\"\n42\nnull\ntrue\n" + ok + b" " + ok + b"\n" + ok + b"\n")
w("ndjson", "control-chars.ndjson",
  b'{"event": "a\x01b"}\n' + b'{"event": "a\tb"}\n' + b'{"ev\x7fent": "x"}\n')

# Path tables (CSV).
head = b"path,conversions,nulls,value\n"
w("pathtable", "valid.csv", head + b"A > B,2,1,10\nB,0,3,0\n")
w("pathtable", "bom.csv", BOM + head + b"A > B,2,1,10\n")
w("pathtable", "crlf.csv", (head + b"A > B,2,1,10\nB,0,3,0\n").replace(b"\n", b"\r\n"))
w("pathtable", "crlf-fault-line-3.csv",
  (head + b"A > B,2,1,10\nB,x,3,0\n").replace(b"\n", b"\r\n"))
w("pathtable", "invalid-utf8.csv", head + b"A > B,2,1,10\nA > \xff,1,0,0\n")
w("pathtable", "invalid-utf8-header.csv", b"pa\xc0\xafth,conversions\nA,1\n")
w("pathtable", "nul-byte.csv", head + b"A > B\x00,2,1,10\n")
w("pathtable", "huge-numbers.csv", head + b"A,1" + b"0" * 400 + b",0,0\nB,1e999999,0,0\n")
w("pathtable", "negative-numbers.csv", head + b"A,-1,0,0\n")
w("pathtable", "nan-inf.csv", head + b"A,nan,0,0\nB,inf,0,0\n")
w("pathtable", "duplicate-columns.csv", b"path,conversions,path\nA,1,B\n")
w("pathtable", "missing-column.csv", b"path,nulls\nA,1\n")
w("pathtable", "wrong-field-count.csv", head + b"A,1,0\nB,1,0,0,9\n")
w("pathtable", "empty-item.csv", head + b"A >  > B,1,0,0\n > A,1,0,0\n")
w("pathtable", "truncated-quote.csv", head + b'"A > B,1,0,0\n')
w("pathtable", "quote-in-unquoted.csv", head + b'A"B,1,0,0\n')
w("pathtable", "empty.csv", b"")
w("pathtable", "header-only.csv", head)
w("pathtable", "truncated-record.csv", head + b"A > B,2")
w("pathtable", "long-path-10000.csv", head + b" > ".join(b"t%d" % i for i in range(10000)) + b",1,0,0\n")

# Timestamps, one per line.
w("timestamp", "cases.txt", "\n".join([
    "2026-03-01T12:30:00Z", "2026-03-01T12:30:00.250+01:00", "-1", "0",
    "-62135596800000", "-62135596800001", "253402300799999", "253402300800000",
    "0001-01-01T00:00:00Z", "0000-12-31T23:59:59Z", "-0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999Z", "10000-01-01T00:00:00Z", "1e300", "1e20",
    "99999999999999999999999999999", "9223372036854775807", "-9223372036854775808",
    "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-03-01T24:00:00Z",
    "2026-03-01T23:59:60Z", "2026-03-01T12:30:00+24:00", "2026-03-01T12:30:00",
    "2026-03-01", "", " ", "2026-03-01T12:30:00Z ", "nan", "inf",
    "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00",
    "2026-03-01T12:30:00.1234567890123Z",
]) + "\n")
w("timestamp", "bytes.txt", b"2026-03-01T12:30:00\x00Z\n2026-03-01T12:30:00\xffZ\n"
  b"\xef\xbb\xbf2026-03-01T12:30:00Z\n2026-03-01T12:30:00Z\r\n")

# Referrer URLs (URL parsing through tp_refdb_lookup), one per line.
w("referrer", "urls.txt", b"\n".join([
    b"https://www.google.com/search?q=red+shoes",
    b"https://www.google.com:99999/search?q=x",
    b"https://[::1/search?q=x",
    b"https://www.google.com/search?q=%ff%fe%C3",
    b"https://www.google.com/search?q=%00nul",
    b"https://www.google.com/search?q=" + b"%E2%82%AC" * 100,
    b"https://" + b"a." * 5000 + b"google.com/?q=deep",
    b"https://www.goo\xffgle.com/?q=x",
    b"https://www.google.com/search?q=caf\xc3\xa9",
    b"google.com",
    b"",
    b"://",
    b"https://user:pass@www.google.com:443/search?q=x#q=y",
    b"\x00https://www.google.com/",
]) + b"\n")
