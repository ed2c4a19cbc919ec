#!/usr/bin/env python3
"""Recompute Marginalia's discourse networks independently, with numpy and networkx.

Usage: .ci/networks.py BINARY GENERATOR

GENERATOR is the debug build of `examples/network_bench.rs`; it writes a project of 600
claims over 40 articles (dated over five years, some undated, some claims without a stance or
a speaker, a few with two speakers). From `marginalia network --format statements` (the flat
statement list) alone, this script rebuilds DNA's actor × concept × qualifier array and
computes, as Exporter.java's computeOneModeMatrix / computeTwoModeMatrix do (with the
decisions of ARCHITECTURE.md: categorical conflict counts different values on a shared
concept; cosine is n1·n2):

- actor × actor and concept × concept: ignore, congruence, conflict, subtract × none,
  average, jaccard, cosine, for the stance read as categorical and as ordered
  (--qualifier-order opposes,neutral,supports);
- actor × concept: ignore, subtract × none, activity, prominence; combine;
- duplicates per month; a moving window of three months;

and compares every cell with `marginalia network --json` to 1e-9 (an edge missing on one
side must be 0 on the other). networkx then reads the GraphML and the GEXF (static and with
windows) as they are, with the nodes and weights of the JSON.
"""

import calendar
import csv
import datetime
import itertools
import json
import os
import subprocess
import sys
import tempfile

import networkx
import numpy

BIN = os.path.abspath(sys.argv[1])
GEN = os.path.abspath(sys.argv[2])
TOL = 1e-9
ORDER = ["opposes", "neutral", "supports"]


def run(*args):
    out = subprocess.run([BIN, *args], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"error: marginalia {' '.join(args)}: exit {out.returncode}: {out.stderr}")
    return out.stdout


def read_statements(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r["day"] = datetime.date.fromisoformat(r["day"]) if r["day"] else None
    return rows


def take(rows, aggregation, duplicates="statement"):
    """DNA's filterStatements: qualifier present where compared; first of duplicates."""
    compares = aggregation != "ignore"
    kept = [(i, r) for i, r in enumerate(rows) if not (compares and r["qualifier"] == "")]
    kept.sort(key=lambda ir: (ir[1]["day"] is None, ir[1]["day"] or datetime.date.min, ir[0]))
    if duplicates == "statement":
        return [r for _, r in kept]
    seen, out = set(), []
    for i, r in kept:
        d = r["day"]
        period = None if d is None else {"month": (d.year, d.month), "year": d.year}[duplicates]
        key = (r["actor"], r["concept"], r["qualifier"] if compares else None, period)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def array(rows, var1, var2, levels, names1=None, names2=None):
    names1 = names1 or sorted({r[var1] for r in rows})
    names2 = names2 or sorted({r[var2] for r in rows})
    slots = levels + [""]  # the last: no value (only under ignore)
    a = numpy.zeros((len(names1), len(names2), len(slots)))
    i1 = {n: i for i, n in enumerate(names1)}
    i2 = {n: i for i, n in enumerate(names2)}
    for r in rows:
        a[i1[r[var1]], i2[r[var2]], slots.index(r["qualifier"])] += 1
    return a, names1, names2


def similarity(levels, ordered):
    n = len(levels) + 1
    s = numpy.ones((n, n))
    if ordered:
        values = [ORDER.index(l) - 1 for l in levels] + [0]
        rng = max(values[:-1]) - min(values[:-1])
        for a, b in itertools.product(range(n), range(n)):
            s[a, b] = 1.0 if rng == 0 else 1.0 - abs(values[a] - values[b]) / rng
    else:
        s = numpy.eye(n)
    return s


def one_mode(a, aggregation, normalization, sim):
    n = a.shape[0]
    m = numpy.zeros((n, n))
    w = {"ignore": numpy.ones_like(sim), "congruence": sim, "conflict": 1 - sim, "subtract": 2 * sim - 1}[aggregation]
    totals = a.sum(axis=(1, 2))
    for i, k in itertools.combinations(range(n), 2):
        x = numpy.einsum("jp,jq,pq->", a[i], a[k], w)
        if normalization == "average":
            norm = (totals[i] + totals[k]) / 2
        elif normalization == "cosine":
            norm = numpy.sqrt(totals[i] ** 2) * numpy.sqrt(totals[k] ** 2)
        elif normalization == "jaccard":
            m10 = a[i][a[k] == 0].sum()
            m01 = a[k][a[i] == 0].sum()
            both = (a[i] > 0) & (a[k] > 0)
            m11 = (a[i][both] * a[k][both]).sum()
            norm = m10 + m01 + m11
        else:
            norm = 1.0
        m[i, k] = m[k, i] = 0.0 if norm == 0 else x / norm
    return m


def two_mode(a, aggregation, normalization, levels, ordered):
    nlev = len(levels)
    if aggregation == "combine":
        bits = numpy.array([2 ** (nlev - k - 1) for k in range(nlev)] + [0])
        m = ((a > 0) * bits).sum(axis=2).astype(float)
    elif aggregation == "subtract" and ordered:
        signs = numpy.array([ORDER.index(l) - 1 for l in levels] + [0])
        m = (a * signs).sum(axis=2)
    else:
        m = a.sum(axis=2)
    counts = a.sum(axis=2)
    if normalization == "activity":
        d = counts.sum(axis=1, keepdims=True)
        m = numpy.divide(m, d, out=numpy.zeros_like(m), where=d != 0)
    elif normalization == "prominence":
        d = counts.sum(axis=0, keepdims=True)
        m = numpy.divide(m, d, out=numpy.zeros_like(m), where=d != 0)
    return m


def edges_of(j_edges, one):
    out = {}
    for e in j_edges:
        key = frozenset((e["source"], e["target"])) if one else (e["source"], e["target"])
        out[key] = e["weight"]
    return out


def compare(label, m, names1, names2, j_edges, one, prefix2=""):
    got = edges_of(j_edges, one)
    expected = {}
    for i, a in enumerate(names1):
        for k, b in enumerate(names2):
            if one and k <= i:
                continue
            if m[i, k] != 0:
                key = frozenset((a, b)) if one else (a, prefix2 + b if prefix2 else b)
                expected[key] = m[i, k]
    keys = set(got) | set(expected)
    worst = 0.0
    for key in keys:
        diff = abs(got.get(key, 0.0) - expected.get(key, 0.0))
        worst = max(worst, diff)
        if diff > TOL:
            sys.exit(f"error: {label}: cell {sorted(key) if one else key}: marginalia {got.get(key, 0.0)}, numpy {expected.get(key, 0.0)}")
    return len(expected), worst


def main():
    tmp = tempfile.mkdtemp()
    project = os.path.join(tmp, "generated.ron")
    subprocess.run([GEN, "--write", project, "600", "40"], check=True, capture_output=True)
    checked = 0
    for ordered in (False, True):
        order = ["--qualifier-order", ",".join(ORDER)] if ordered else []
        stmts = os.path.join(tmp, "statements.csv")
        run("network", project, "-f", "statements", "-o", stmts, *order)
        rows = read_statements(stmts)
        levels = sorted({r["qualifier"] for r in rows if r["qualifier"]})
        if ordered:
            levels.sort(key=ORDER.index)
        sim = similarity(levels, ordered)
        for mode, var1, var2 in (("actor-actor", "actor", "concept"), ("concept-concept", "concept", "actor")):
            for agg in ("ignore", "congruence", "conflict", "subtract"):
                for norm in ("none", "average", "jaccard", "cosine"):
                    j = json.loads(run("network", project, "--mode", mode, "--aggregation", agg, "--normalize", norm, "--json", *order))
                    taken = take(rows, agg)
                    a, n1, _ = array(taken, var1, var2, levels)
                    m = one_mode(a, agg, norm, sim)
                    ids = n1 if var1 == "actor" else ["concept:" + c for c in n1]
                    n, worst = compare(f"{mode} {agg} {norm} ordered={ordered}", m, ids, ids, j["edges"], True)
                    checked += n
        for agg, norms in (("ignore", ("none", "activity", "prominence")), ("subtract", ("none", "activity", "prominence")), ("combine", ("none",))):
            for norm in norms:
                j = json.loads(run("network", project, "--mode", "actor-concept", "--aggregation", agg, "--normalize", norm, "--json", *order))
                a, n1, n2 = array(take(rows, agg), "actor", "concept", levels)
                m = two_mode(a, agg, norm, levels, ordered)
                n, _ = compare(f"actor-concept {agg} {norm} ordered={ordered}", m, n1, ["concept:" + c for c in n2], j["edges"], False)
                checked += n
    # Duplicates per month, categorical congruence.
    stmts = os.path.join(tmp, "statements.csv")
    run("network", project, "-f", "statements", "-o", stmts)
    rows = read_statements(stmts)
    levels = sorted({r["qualifier"] for r in rows if r["qualifier"]})
    sim = similarity(levels, False)
    j = json.loads(run("network", project, "--aggregation", "congruence", "--duplicates", "month", "--json"))
    a, n1, _ = array(take(rows, "congruence", "month"), "actor", "concept", levels)
    n, _ = compare("duplicates month", one_mode(a, "congruence", "none", sim), n1, n1, j["edges"], True)
    checked += n
    # A moving window of three months, from the first date, until one reaches the last.
    j = json.loads(run("network", project, "--aggregation", "congruence", "--normalize", "average", "--window", "months:3", "--json"))
    dated = [r for r in take(rows, "congruence") if r["day"] is not None]
    first, last = dated[0]["day"], dated[-1]["day"]

    def add_months(d, k):
        y, m = divmod(d.month - 1 + k, 12)
        y += d.year
        m += 1
        return datetime.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))

    k, windows = 0, []
    while True:
        start, end = add_months(first, k), add_months(first, k + 3) - datetime.timedelta(days=1)
        windows.append((start, end))
        if end >= last:
            break
        k += 1
    if len(windows) != len(j["windows"]):
        sys.exit(f"error: {len(windows)} windows expected, marginalia made {len(j['windows'])}")
    actors = sorted({r["actor"] for r in dated})
    for (start, end), w in zip(windows, j["windows"]):
        if (str(start), str(end)) != (w["start"], w["end"]):
            sys.exit(f"error: window {w['start']}–{w['end']}, expected {start}–{end}")
        inside = [r for r in dated if start <= r["day"] <= end]
        if len(inside) != w["statements"]:
            sys.exit(f"error: window {start}: {w['statements']} statements, expected {len(inside)}")
        a, n1, _ = array(inside, "actor", "concept", levels, names1=actors, names2=sorted({r["concept"] for r in dated}))
        n, _ = compare(f"window {start}", one_mode(a, "congruence", "average", sim), actors, actors, w["edges"], True)
        checked += n

    # networkx reads GraphML and GEXF as they are.
    j = json.loads(run("network", project, "--aggregation", "subtract", "--normalize", "jaccard", "--json"))
    want = edges_of(j["edges"], True)
    for fmt in ("graphml", "gexf"):
        out = os.path.join(tmp, f"net.{fmt}")
        run("network", project, "--aggregation", "subtract", "--normalize", "jaccard", "-f", fmt, "-o", out)
        g = networkx.read_graphml(out) if fmt == "graphml" else networkx.read_gexf(out)
        if g.is_directed() or g.number_of_nodes() != len(j["nodes"]) or g.number_of_edges() != len(want):
            sys.exit(f"error: {fmt}: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges; the JSON has {len(j['nodes'])}, {len(want)}")
        for u, v, data in g.edges(data=True):
            if abs(float(data["weight"]) - want[frozenset((u, v))]) > TOL:
                sys.exit(f"error: {fmt}: edge {u}–{v} weight {data['weight']}, JSON {want[frozenset((u, v))]}")
    out = os.path.join(tmp, "windows.gexf")
    run("network", project, "--aggregation", "congruence", "--window", "months:3", "-f", "gexf", "-o", out)
    g = networkx.read_gexf(out)
    spells = sum(len(d.get("spells", [])) for _, _, d in g.edges(data=True))
    in_windows = sum(len(w["edges"]) for w in json.loads(run("network", project, "--aggregation", "congruence", "--window", "months:3", "--json"))["windows"])
    if spells != in_windows:
        sys.exit(f"error: windowed gexf: {spells} spells, the windows have {in_windows} edges")
    print(f"networks: {checked} cells agree with numpy to {TOL:g}; networkx read GraphML, GEXF and windowed GEXF ({spells} spells)")


if __name__ == "__main__":
    main()
