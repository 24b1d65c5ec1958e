#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check examples/attribution against the worked example, computed here on
its own (no library) with exact fractions from the definitions in
docs/attribution.md.

Usage: check-attribution.py EXAMPLE
"""
import difflib
import itertools
import subprocess
import sys
from fractions import Fraction as F

# items, days before the conversion, conversions, nulls, value
PATHS = [
    (["A", "B", "C"], [14, 7, 0], 2, 1, 100),
    (["A", "C"], [7, 7], 1, 2, 30),
    (["C", "B", "B"], [21, 7, 7], 1, 1, 40),
    (["C", "A"], [3, 1], 0, 2, 0),
]
ITEMS = ["A", "B", "C"]
MODELS = ["first", "last", "last_non_direct", "linear", "time_decay",
          "position", "markov", "shapley", "shapley_simple"]


def weighted(weights_of):
    """Credit each path's conversions and value by weights summing to 1."""
    conv = {i: F(0) for i in ITEMS}
    val = {i: F(0) for i in ITEMS}
    for items, days, c, n, v in PATHS:
        w = weights_of(items, days)
        s = sum(w)
        for it, x in zip(items, w):
            conv[it] += F(c) * x / s
            val[it] += F(v) * x / s
    return conv, val


def position(items, days):
    if len(items) == 1:
        return [F(1)]
    if len(items) == 2:
        return [F(1, 2), F(1, 2)]
    mid = F(1, 5) / (len(items) - 2)
    return [F(2, 5)] + [mid] * (len(items) - 2) + [F(2, 5)]


def solve(a, b):
    """Gaussian elimination over fractions; a is n x n, b a list."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for k in range(n):
        p = next(i for i in range(k, n) if m[i][k] != 0)
        m[k], m[p] = m[p], m[k]
        for i in range(n):
            if i != k and m[i][k] != 0:
                f = m[i][k] / m[k][k]
                m[i] = [x - f * y for x, y in zip(m[i], m[k])]
    return [m[i][n] / m[i][i] for i in range(n)]


def markov():
    """Order 1: repeats merged, weights conversions + nulls."""
    start, trans, conv_w, null_w, end_v = {}, {}, {}, {}, {}
    for items, _, c, n, v in PATHS:
        seq = [x for i, x in enumerate(items) if i == 0 or items[i - 1] != x]
        start[seq[0]] = start.get(seq[0], 0) + c + n
        for a, b in zip(seq, seq[1:]):
            trans[(a, b)] = trans.get((a, b), 0) + c + n
        conv_w[seq[-1]] = conv_w.get(seq[-1], 0) + c
        null_w[seq[-1]] = null_w.get(seq[-1], 0) + n
        end_v[seq[-1]] = end_v.get(seq[-1], 0) + v
    out = {s: sum(w for (a, _), w in trans.items() if a == s)
           + conv_w.get(s, 0) + null_w.get(s, 0) for s in ITEMS}
    total = sum(start.values())

    def run(removed):
        states = [s for s in ITEMS if s != removed]
        a = [[F(int(s == t)) - F(trans.get((s, t), 0), out[s]) for t in states]
             for s in states]
        xc = solve(a, [F(conv_w.get(s, 0), out[s]) for s in states])
        xv = solve(a, [F(end_v.get(s, 0), out[s]) for s in states])
        p = sum(F(start.get(s, 0), total) * x for s, x in zip(states, xc))
        v = sum(F(start.get(s, 0), total) * x for s, x in zip(states, xv))
        return p, v

    p0, v0 = run(None)
    re = {i: 1 - run(i)[0] / p0 for i in ITEMS}
    vre = {i: 1 - run(i)[1] / v0 for i in ITEMS}
    tc = sum(p[2] for p in PATHS)
    tv = sum(p[4] for p in PATHS)
    conv = {i: re[i] / sum(re.values()) * tc for i in ITEMS}
    val = {i: vre[i] / sum(vre.values()) * tv for i in ITEMS}
    return conv, val, p0, re, vre


def shapley():
    """v(S) = sum of r(T) over exact item sets T within S; standard weights."""
    rate_c, rate_v, weight = {}, {}, {}
    for items, _, c, n, v in PATHS:
        t = frozenset(items)
        rate_c[t] = rate_c.get(t, 0) + c
        rate_v[t] = rate_v.get(t, 0) + v
        weight[t] = weight.get(t, 0) + c + n

    def worth(s, rate):
        return sum(F(rate[t], weight[t]) for t in weight if t <= s)

    n = len(ITEMS)
    fact = [1, 1, 2, 6]
    res = []
    for rate in (rate_c, rate_v):
        phi = {}
        for i in ITEMS:
            others = [x for x in ITEMS if x != i]
            phi[i] = sum(F(fact[len(s)] * fact[n - len(s) - 1], fact[n])
                         * (worth(frozenset(s) | {i}, rate) - worth(frozenset(s), rate))
                         for k in range(n) for s in itertools.combinations(others, k))
        total = sum(p[2] for p in PATHS) if rate is rate_c else sum(p[4] for p in PATHS)
        res.append({i: phi[i] / sum(phi.values()) * total for i in ITEMS})
    return res


def expected():
    cols = {
        "first": weighted(lambda it, d: [F(1)] + [F(0)] * (len(it) - 1)),
        "last": weighted(lambda it, d: [F(0)] * (len(it) - 1) + [F(1)]),
        "linear": weighted(lambda it, d: [F(1)] * len(it)),
        # 2^(-days / 7): exact here, every day count is a multiple of 7
        # for the converting paths.
        "time_decay": weighted(lambda it, d: [F(1, 2 ** (x // 7)) for x in d]),
        "position": weighted(position),
        "shapley_simple": weighted(lambda it, d: [F(1, len(set(it))) if it.index(x) == k
                                                  else F(0) for k, x in enumerate(it)]),
    }
    cols["last_non_direct"] = cols["last"]
    mc, mv, p0, re, vre = markov()
    cols["markov"] = (mc, mv)
    cols["shapley"] = tuple(shapley())

    lines = ["Worked example: 4 paths, 4 conversions, 6 nulls, value 170"]
    for k, title in enumerate(["conversions", "value"]):
        lines.append("")
        lines.append("%-12s" % title + "".join(" %15s" % m for m in MODELS))
        for i in ITEMS:
            lines.append("%-12s" % i + "".join(" %15.6f" % float(cols[m][k][i])
                                              for m in MODELS))
    lines.append("")
    lines.append("Markov order 1: P(conversion) = %.6f" % float(p0))
    for i in ITEMS:
        lines.append("  removal effect of %s: %.6f (value: %.6f)"
                     % (i, float(re[i]), float(vre[i])))
    lines.append("")
    lines.append("The path table gives the same results.")
    return lines


def main():
    out = subprocess.run([sys.argv[1]], capture_output=True, text=True)
    if out.returncode != 0:
        print(out.stdout + out.stderr)
        print("example exited with", out.returncode)
        return 1
    got = out.stdout.splitlines()
    want = expected()
    if got != want:
        sys.stdout.writelines(difflib.unified_diff(
            [x + "\n" for x in want], [x + "\n" for x in got],
            "expected", "examples/attribution"))
        return 1
    print("\n".join(got))
    return 0


if __name__ == "__main__":
    sys.exit(main())
