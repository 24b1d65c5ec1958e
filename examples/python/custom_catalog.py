#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""custom_catalog: build a small catalog for a shop in code, with the
builder, and write it as JSON (docs/catalog-format.md) to standard output
or to the file named on the command line, as examples/custom-catalog.c
does. `touchpoint catalog --catalog FILE` reads it back.
"""
import sys

import touchpoint


def build():
    with touchpoint.CatalogBuilder() as b:
        b.add_channel("website", "Web shop", kind="digital")
        b.add_channel("email", "E-mail", kind="digital")
        b.add_channel("physical_store", "Shop on Main Street", kind="physical")
        b.add_stage("discovery", "Discovery", phase="pre_purchase")
        b.add_stage("sale", "Sale", phase="purchase")
        b.add_stage("loyalty", "Loyalty", phase="post_purchase")
        # A brand-initiated mass e-mail, sent by a machine.
        b.add_touchpoint("newsletter", "email", "Monthly newsletter", "discovery",
                         initiator="brand", personalization="mass",
                         control="intentional", agent="machine")
        # The customer pays online; the phase comes from the stage.
        b.add_touchpoint("checkout", "website", "Checkout", "sale",
                         initiator="customer", agent="machine")
        # Paying at the till, with a person.
        b.add_touchpoint("store_purchase", "physical_store", "Purchase at the till",
                         "sale", initiator="customer", agent="human")
        # A personal thank-you after the purchase.
        b.add_touchpoint("thank_you_email", "email", "Thank-you e-mail", "loyalty",
                         initiator="brand", personalization="personalized",
                         intent="proactive", control="intentional",
                         agent="machine", business_model="b2c")
        b.add_funnel("shop", ["discovery", "sale", "loyalty"], "Shop journey")
        return b.finish()


def main(argv):
    if len(argv) > 2:
        sys.stderr.write("usage: custom_catalog.py [FILE]\n")
        return 2
    try:
        with build() as catalog:
            if len(argv) == 2:
                catalog.save(argv[1])
            else:
                sys.stdout.write(catalog.dumps())
    except touchpoint.Error as e:
        for x in e.errors:
            sys.stderr.write("custom_catalog: %s\n" % x)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
