#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""catalog_by_stage: print the built-in default catalog grouped by the
stages of the 7-stage funnel, then the touchpoints whose default stage is
outside that funnel, then those without a stage. The output is the same
as examples/catalog-by-stage.c's.

Run from a source tree:
    TOUCHPOINT_LIBRARY=build/lib/libtouchpoint.so.1 \\
    PYTHONPATH=bindings/python examples/python/catalog_by_stage.py
"""
import touchpoint


def print_stage(catalog, stage, prefix):
    print("%s%s (%s, %s)" % (prefix, stage.name, stage.id, stage.phase))
    print_touchpoints(catalog, stage.id)


def print_touchpoints(catalog, stage_id):
    for t in catalog.touchpoints_of_stage(stage_id):
        channel = catalog.channel(t.channel)
        print("  %s: %s [%s, %s]" % (t.id, t.name, channel.id, channel.kind))


def main():
    # The default catalog is compiled into the library: no file needed.
    with touchpoint.Catalog.default() as catalog:
        funnel = catalog.funnel("seven_stage")
        print("%s: %d stages" % (funnel.name, len(funnel.stages)))
        for k, stage_id in enumerate(funnel.stages, 1):
            print_stage(catalog, catalog.stage(stage_id), "\n%d. " % k)
        # Stages of the other funnels (b2b, b2c, four_step).
        for stage in catalog.stages:
            if stage.id not in funnel.stages:
                print_stage(catalog, stage, "\nOutside the funnel: ")
        print("\nWithout a stage")
        print_touchpoints(catalog, None)


if __name__ == "__main__":
    main()
