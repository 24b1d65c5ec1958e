#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check examples/custom-catalog.

Usage: check-custom-catalog.py EXAMPLE [TOUCHPOINT]

The example must print exactly the catalog it builds, as JSON in the
catalog format; written to a file it must give the same text; and the
touchpoint command (when given) must read that file back and save it
unchanged.
"""
import json
import os
import subprocess
import sys
import tempfile

U = "unknown"


def tp(id, name, channel, stage, phase, initiator=U, personalization=U,
       intent=U, control=U, agent=U, business_model=U):
    return {"id": id, "name": name, "channel": channel, "stage": stage,
            "phase": phase, "initiator": initiator,
            "personalization": personalization, "intent": intent,
            "control": control, "agent": agent,
            "business_model": business_model}


EXPECTED = {
    "channels": [
        {"id": "website", "name": "Web shop", "kind": "digital"},
        {"id": "email", "name": "E-mail", "kind": "digital"},
        {"id": "physical_store", "name": "Shop on Main Street", "kind": "physical"},
    ],
    "touchpoints": [
        tp("newsletter", "Monthly newsletter", "email", "discovery", "pre_purchase",
           initiator="brand", personalization="mass", control="intentional",
           agent="machine"),
        tp("checkout", "Checkout", "website", "sale", "purchase",
           initiator="customer", agent="machine"),
        tp("store_purchase", "Purchase at the till", "physical_store", "sale",
           "purchase", initiator="customer", agent="human"),
        tp("thank_you_email", "Thank-you e-mail", "email", "loyalty",
           "post_purchase", initiator="brand", personalization="personalized",
           intent="proactive", control="intentional", agent="machine",
           business_model="b2c"),
    ],
    "stages": [
        {"id": "discovery", "name": "Discovery", "phase": "pre_purchase"},
        {"id": "sale", "name": "Sale", "phase": "purchase"},
        {"id": "loyalty", "name": "Loyalty", "phase": "post_purchase"},
    ],
    "funnels": [
        {"id": "shop", "name": "Shop journey",
         "stages": ["discovery", "sale", "loyalty"]},
    ],
}


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise SystemExit("%s exited with %d: %s" % (
            " ".join(cmd), p.returncode, p.stderr.decode(errors="replace")))
    return p.stdout.decode("utf-8")


def main(argv):
    if len(argv) not in (2, 3):
        sys.stderr.write(__doc__)
        return 2
    out = run([argv[1]])
    doc = json.loads(out)
    if doc != EXPECTED:
        print("the example's catalog differs from the expected one:")
        print(json.dumps(doc, indent=2))
        return 1
    # Key order is part of the format: the saved form lists members in a
    # fixed order.
    if list(doc) != ["channels", "touchpoints", "stages", "funnels"]:
        print("top-level members out of order: %s" % list(doc))
        return 1
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "shop.json")
        if run([argv[1], path]) != "":
            print("the example printed something while writing a file")
            return 1
        with open(path, encoding="utf-8") as f:
            if f.read() != out:
                print("the file differs from standard output")
                return 1
        if len(argv) == 3:
            back = run([argv[2], "catalog", "--catalog", path, "--format", "json"])
            if back != out:
                print("touchpoint catalog --catalog did not read it back unchanged")
                return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
