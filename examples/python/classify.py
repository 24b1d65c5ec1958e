#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""classify: classify a few events, or every line of an NDJSON file, and
print one line per event:

    CUSTOMER EVENT -> TOUCHPOINT / CHANNEL GROUP / CHANNEL / STAGE

("-" where a member is absent). Refused lines of a file go to stderr with
their file, line and column, as `touchpoint classify` reports them.

    examples/python/classify.py [FILE.ndjson]
"""
import sys

import touchpoint

EVENTS = [
    # A click on a paid search ad (utm parameters in the landing URL).
    {"customer_id": "c1", "event": "page_view",
     "url": "https://shop.example.com/?utm_source=google&utm_medium=cpc&utm_campaign=spring"},
    # A visit from a Google search: the referrer database knows it.
    {"customer_id": "c2", "event": "page_view", "url": "https://shop.example.com/shoes",
     "referrer": "https://www.google.co.uk/search?q=running+shoes"},
    # An e-mail opened.
    {"customer_id": "c1", "event": "email_open", "utm_source": "newsletter",
     "utm_medium": "email", "utm_campaign": "welcome"},
    # An offline event: a visit to the shop.
    {"customer_id": "c3", "event": "store_visit", "channel": "physical_store"},
]


def line(event, tp):
    def get(d, k):
        return d.get(k) or "-"
    return "%s %s -> %s / %s / %s / %s" % (
        get(event, "customer_id"), get(event, "event"), get(tp, "touchpoint"),
        get(tp, "channel_group"), get(tp, "channel"), get(tp, "stage"))


def main(argv):
    with touchpoint.Classifier(rules="default") as classifier:
        if len(argv) < 2:
            for event, tp in zip(EVENTS, classifier.classify_many(EVENTS)):
                print(line(event, tp))
            return 0
        rejected = []

        def reject(e):
            rejected.append(e)
            sys.stderr.write("%s\n" % e)
        for obj in classifier.classify_file(argv[1], on_reject=reject):
            print(line(obj, obj["tp"]))
        return 1 if rejected else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
