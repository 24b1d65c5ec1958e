#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Attribution of the worked example (docs/attribution.md) with every
model, side by side; the same output as examples/attribution.c.

The four paths are added one by one with the time of each touch, so that
the time-decay model can run too; the same paths read from a path table
(CSV) give the same results for every other model, which is checked.
"""
import sys

import touchpoint

DAY = 24 * 3600 * 1000
CONVERSION = 1767225600000      # 2026-01-01T00:00:00Z
TABLE = ("path,conversions,nulls,value\n"
         "A > B > C,2,1,100\n"
         "A > C,1,2,30\n"
         "C > B > B,1,1,40\n"
         "C > A,0,2,0\n")
# items, days before the conversion, conversions, nulls, value
PATHS = [
    (["A", "B", "C"], [14, 7, 0], 2, 1, 100),
    (["A", "C"], [7, 7], 1, 2, 30),
    (["C", "B", "B"], [21, 7, 7], 1, 1, 40),
    (["C", "A"], [3, 1], 0, 2, 0),
]


def main():
    with touchpoint.Paths(by="channel") as timed, \
            touchpoint.Paths.loads_csv(TABLE, "table") as table:
        for items, days, conversions, nulls, value in PATHS:
            timed.add(items, conversions, nulls, value,
                      times=[CONVERSION - d * DAY for d in days],
                      conversion_time=CONVERSION)
        print("Worked example: %d paths, %g conversions, %g nulls, value %g"
              % (len(timed), timed.total_conversions, timed.total_nulls,
                 timed.total_value))
        results = [timed.attribute(m) for m in touchpoint.attribution_models()]

        # Conversions, then value, one column per model.
        for title in ("conversions", "value"):
            print("\n%-12s" % title + "".join(" %15s" % r.model for r in results))
            for k, item in enumerate(results[0].items):
                print("%-12s" % item.id + "".join(
                    " %15.6f" % getattr(r.items[k], title) for r in results))

        for r in results:
            if r.conversion_probability is None:     # only Markov has one
                continue
            print("\nMarkov order %d: P(conversion) = %.6f"
                  % (r.order, r.conversion_probability))
            for item in r:
                print("  removal effect of %s: %.6f (value: %.6f)"
                      % (item.id, item.removal_effect, item.value_removal_effect))

        # The path table gives the same results, time decay apart (a path
        # table has no times).
        same = True
        for r in results:
            try:
                other = table.attribute(r.model)
            except touchpoint.Error:
                continue                 # time decay needs timed paths
            for a, b in zip(r.items, other.items):
                if abs(a.conversions - b.conversions) > 1e-12:
                    print("%s differs on the path table" % r.model)
                    same = False
        if same:
            print("\nThe path table gives the same results.")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
