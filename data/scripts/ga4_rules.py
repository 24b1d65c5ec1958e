#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Fill the GA4 rule-set template with GA4's source-category lists.

Usage: ga4_rules.py TEMPLATE.json CATEGORIES.csv OUTPUT.json

CATEGORIES.csv has the header `source,source_category`, one row per
site, the category one of SOURCE_CATEGORY_SEARCH, _SOCIAL, _SHOPPING or
_VIDEO. The template's "lists" member is the string
"@GA4_SOURCE_CATEGORIES@"; it becomes an object with the lists
search_sites, social_sites, shopping_sites and video_sites, each sorted,
without duplicates. Only the standard library is used.
"""

import csv
import json
import os
import sys

CATEGORIES = {
    "SOURCE_CATEGORY_SEARCH": "search_sites",
    "SOURCE_CATEGORY_SOCIAL": "social_sites",
    "SOURCE_CATEGORY_SHOPPING": "shopping_sites",
    "SOURCE_CATEGORY_VIDEO": "video_sites",
}


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    template, csv_path, out_path = argv[1:]
    lists = {name: set() for name in CATEGORIES.values()}
    with open(csv_path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != ["source", "source_category"]:
            sys.stderr.write("%s: unexpected header %r\n" % (csv_path, reader.fieldnames))
            return 1
        for lineno, row in enumerate(reader, start=2):
            cat = CATEGORIES.get(row["source_category"])
            if cat is None or not row["source"]:
                sys.stderr.write("%s:%d: unknown category %r\n"
                                 % (csv_path, lineno, row["source_category"]))
                return 1
            lists[cat].add(row["source"].strip().lower())
    with open(template, encoding="utf-8") as f:
        doc = json.load(f)
    if doc.get("lists") != "@GA4_SOURCE_CATEGORIES@":
        sys.stderr.write("%s: \"lists\" is not the placeholder\n" % template)
        return 1
    doc["lists"] = {k: sorted(v) for k, v in sorted(lists.items())}
    tmp = out_path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")
    os.replace(tmp, out_path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
