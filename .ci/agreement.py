#!/usr/bin/env python3
"""Checks `marginalia agree` against reference implementations.

Usage: .ci/agreement.py BINARY [SAMPLE.ron]

Builds a small project with three annotators in a temporary folder (overlapping spans, spans
that cut words, documents some annotators left out, one article nobody coded), runs
`agree --json --units FILE`, and recomputes from the same per-token labels:
Cohen's kappa (scikit-learn's cohen_kappa_score), overall and per tag; Krippendorff's alpha
(the `krippendorff` package, nominal); Fleiss' kappa (statsmodels). Claims carry a stance
(some left uncoded, some copies recoded), so the coefficients per attribute are recomputed too,
from the value pairs of the matched spans that `--units` lists: Cohen's kappa (scikit-learn),
Krippendorff's alpha (nominal) and Gwet's AC1 (irrCAC). Every number must agree to 1e-9.

Then does the same on the bundled sample project (SAMPLE.ron, by default
sample_projects/macron-china-ukraine.ron beside this folder), two analysts' real coding of real
articles: the token labels are recomputed from each layer's spans as `export --format jsonl`
writes them, the coefficients also per document, and span and relation F1 from the exported
spans (relaxed matching against scipy's optimal one-to-one assignment).
Needs: pip install scikit-learn krippendorff statsmodels irrCAC (scipy comes with scikit-learn)
"""

import json
import math
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
from irrCAC.raw import CAC
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

ANNOTATORS = ["ann", "ben", "cy"]
TAGS = ["actor", "claim", "condition"]
# The default schema's stance on claims, by its values' labels (as jsonl carries them).
STANCES = ["supports", "opposes", "neutral or unclear"]
WORDS = (
    "Macron said talks could start soon if Kyiv agrees ; Xi replied that peace "
    "needs a ceasefire first , while Scholz warned the café owners about élan "
    "and 2023 budgets under the new rules"
).split()
TOLERANCE = 1e-9


def run(binary, *args, cwd):
    out = subprocess.run([binary, *args], cwd=cwd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{binary} {' '.join(args)} failed ({out.returncode}):\n{out.stderr}")
    return out.stdout


def make_texts(rng, n):
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 30))) + "." for _ in range(n)]


def spans_for(rng, text, base=None):
    """Random spans in code points; with `base`, a perturbed copy of another annotator's."""
    spans = []
    if base is not None:
        for s in base:
            r = rng.random()
            if r < 0.15:
                continue  # missed
            start, end, label = s["start"], s["end"], s["label"]
            if r < 0.35:
                end = min(len(text), end + rng.randint(1, 6))  # boundary drawn wider
            elif r < 0.5:
                label = rng.choice(TAGS)  # read as another tag
            span = {"start": start, "end": end, "label": label}
            stance = s.get("attributes", {}).get("Stance")
            if label == "claim" and rng.random() < 0.9:
                # Mostly the same stance, sometimes another, sometimes left uncoded.
                if stance is None or rng.random() < 0.3:
                    stance = rng.choice(STANCES)
                span["attributes"] = {"Stance": stance}
            spans.append(span)
    for _ in range(rng.randint(1, 4)):
        start = rng.randrange(0, len(text) - 2)
        end = min(len(text), start + rng.randint(1, 25))
        span = {"start": start, "end": end, "label": rng.choice(TAGS)}
        if span["label"] == "claim" and rng.random() < 0.8:
            span["attributes"] = {"Stance": rng.choice(STANCES)}
        spans.append(span)
    unique = {(s["start"], s["end"], s["label"]): s for s in spans if s["start"] < s["end"]}
    return sorted(unique.values(), key=lambda s: (s["start"], s["end"], s["label"]))


def build(binary, folder, rng):
    run(binary, "new", "p.ron", cwd=folder)
    (folder / "uncoded.txt").write_text("Nobody coded this article about talks.\n")
    run(binary, "add", "p.ron", "uncoded.txt", cwd=folder)
    texts = make_texts(rng, 8)
    reference = [spans_for(rng, t) for t in texts]
    coded = {}
    for i, name in enumerate(ANNOTATORS):
        lines = []
        for n, text in enumerate(texts):
            # ann codes everything (so every document exists); the others skip some.
            if i > 0 and n % (i + 3) == 1:
                continue
            spans = reference[n] if i == 0 else spans_for(rng, text, reference[n])
            coded[(n, name)] = spans
            lines.append(json.dumps({"text": text, "spans": spans}))
        (folder / f"{name}.jsonl").write_text("\n".join(lines) + "\n")
        run(binary, "import", "p.ron", "-f", "jsonl", f"{name}.jsonl", "--annotator", name, cwd=folder)
    return texts, coded


def expected_labels(texts, coded, names):
    """The label matrix recomputed from the imported spans, for the coded documents: these
    texts are words between spaces and punctuation, so their UAX #29 words are the runs of
    other characters; a span covers a token when they overlap (in code points here)."""
    out = []
    for n, text in enumerate(texts):
        tokens = [(m.start(), m.end()) for m in re.finditer(r"[^\s;,.]+", text)]
        rows = []
        for start, end in tokens:
            row = []
            for name in names:
                spans = coded.get((n, name))
                if spans is None:
                    row.append(None)
                    continue
                tags = sorted({s["label"] for s in spans if s["start"] < end and start < s["end"]})
                row.append("+".join(tags))
            rows.append(row)
        out.append(rows)
    return out


def close(what, ours, theirs):
    if ours is None or theirs is None or (isinstance(theirs, float) and math.isnan(theirs)):
        if not (ours is None and (theirs is None or math.isnan(theirs))):
            sys.exit(f"{what}: marginalia {ours}, reference {theirs}")
        return
    if abs(ours - theirs) >= TOLERANCE:
        sys.exit(f"{what}: marginalia {ours!r}, reference {theirs!r}")
    print(f"ok  {what}: {ours:.12f}")


def check(report, units):
    names = units["annotators"]
    rows = [row for doc in units["documents"] for row in doc["labels"]]
    categories = sorted({c for row in rows for c in row if c is not None})
    code = {c: i for i, c in enumerate(categories)}

    pairable = sum(1 for row in rows if sum(c is not None for c in row) >= 2)
    if report["units"] != pairable:
        sys.exit(f"units: marginalia {report['units']}, recount {pairable}")

    for pair in report["pairs"]:
        i, j = names.index(pair["a"]), names.index(pair["b"])
        both = [(row[i], row[j]) for row in rows if row[i] is not None and row[j] is not None]
        x, y = [a for a, _ in both], [b for _, b in both]
        ref = cohen_kappa_score(x, y) if len(set(x) | set(y)) > 1 else None
        close(f"cohen {pair['a']}/{pair['b']}", pair["cohen_kappa"], ref)
        for tag in pair["per_tag"]:
            has = lambda c: tag["tag"] in c.split("+")  # noqa: E731
            xt, yt = [has(a) for a in x], [has(b) for b in y]
            ref = cohen_kappa_score(xt, yt) if len(set(xt) | set(yt)) > 1 else None
            close(f"cohen {pair['a']}/{pair['b']} {tag['tag']}", tag["cohen_kappa"], ref)

    data = np.array(
        [[np.nan if row[k] is None else code[row[k]] for row in rows] for k in range(len(names))],
        dtype=float,
    )
    ref = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    close("krippendorff alpha", report["krippendorff_alpha"], float(ref))

    full = [[code[c] for c in row] for row in rows if all(c is not None for c in row)]
    if len(names) >= 3 and full:
        table, _ = aggregate_raters(np.array(full))
        close("fleiss kappa", report["fleiss_kappa"], float(fleiss_kappa(table, method="fleiss")))
        if report["fleiss_units"] != len(full):
            sys.exit(f"fleiss units: marginalia {report['fleiss_units']}, recount {len(full)}")
    elif report["fleiss_kappa"] is not None:
        sys.exit("fleiss kappa should be null")


def check_attributes(report, units):
    """Per attribute and pair: kappa, alpha and AC1 over the matched spans both coded."""
    pairs = {(x["a"], x["b"], x["tag"], x["attribute"]): x["values"] for x in units["attributes"]}
    ours_all = report["per_attribute"]
    if len(ours_all) != len(pairs):
        sys.exit(f"per_attribute: {len(ours_all)} rows, but --units lists {len(pairs)}")
    for ours in ours_all:
        key = (ours["a"], ours["b"], ours["tag"], ours["attribute"])
        values = pairs[key]
        what = f"{ours['a']}/{ours['b']} {ours['tag']}.{ours['attribute']}"
        both = [(x, y) for x, y in values if x is not None and y is not None]
        if (ours["matched"], ours["units"]) != (len(values), len(both)):
            sys.exit(f"{what}: matched/units {ours['matched']}/{ours['units']}, "
                     f"recount {len(values)}/{len(both)}")
        agree = sum(x == y for x, y in both)
        if ours["agree"] != agree:
            sys.exit(f"{what}: agree {ours['agree']}, recount {agree}")
        x, y = [a for a, _ in both], [b for _, b in both]
        several = len(set(x) | set(y)) > 1
        close(f"cohen {what}", ours["cohen_kappa"], cohen_kappa_score(x, y) if several else None)
        if several:
            categories = sorted(set(x) | set(y))
            data = np.array([[categories.index(v) for v in x], [categories.index(v) for v in y]],
                            dtype=float)
            alpha = float(krippendorff.alpha(reliability_data=data,
                                             level_of_measurement="nominal"))
            ac1 = float(CAC(pd.DataFrame({"a": x, "b": y}), digits=17).gwet()["est"]
                        ["coefficient_value"])
        else:
            alpha = ac1 = None
        close(f"krippendorff alpha {what}", ours["krippendorff_alpha"], alpha)
        close(f"gwet AC1 {what}", ours["gwet_ac1"], ac1)
    return sum(len(v) for v in pairs.values())


SAMPLE = Path(__file__).resolve().parent.parent / "sample_projects" / "macron-china-ukraine.ron"


def layer_records(binary, folder, name):
    """Each document's record in the layer's jsonl export, by document id."""
    out = f"{name}.jsonl"
    run(binary, "export", "s.ron", "-f", "jsonl", "-o", out, "--annotator", name, cwd=folder)
    lines = (folder / out).read_text(encoding="utf-8").splitlines()
    return {r["meta"]["id"]: r for r in map(json.loads, lines)}


def sample_labels(units, records):
    """The token labels recomputed from the exported spans (code points), after checking that
    the tokens are words: each holds a letter or digit, none is left outside them."""
    names = units["annotators"]
    out = []
    for doc in units["documents"]:
        text = records[names[0]][doc["id"]]["text"]
        at = {}  # byte offset -> code point offset
        b = 0
        for i, ch in enumerate(text):
            at[b] = i
            b += len(ch.encode("utf-8"))
        at[b] = len(text)
        tokens = [(at[s], at[e]) for s, e in doc["tokens"]]
        covered = [False] * len(text)
        for start, end in tokens:
            word = text[start:end]
            if not any(c.isalnum() for c in word) or any(c.isspace() for c in word):
                sys.exit(f"{doc['id']}: token {word!r} at {start} is not a word")
            covered[start:end] = [True] * (end - start)
        stray = [i for i, c in enumerate(text) if c.isalnum() and not covered[i]]
        if stray:
            sys.exit(f"{doc['id']}: {text[stray[0]]!r} at {stray[0]} is in no token")
        rows = []
        for start, end in tokens:
            row = []
            for name in names:
                spans = records[name][doc["id"]]["spans"]
                tags = {s["label"] for s in spans if s["start"] < end and start < s["end"]}
                row.append("+".join(sorted(tags)))
            rows.append(row)
        out.append(rows)
    return out


def relaxed_matches(a, b):
    """Most one-to-one pairs of overlapping spans with the same label (scipy's assignment)."""
    if not a or not b:
        return 0

    def pairs(x, y):
        return x["label"] == y["label"] and x["start"] < y["end"] and y["start"] < x["end"]

    cost = np.array([[0 if pairs(x, y) else 1 for y in b] for x in a])
    rows, cols = linear_sum_assignment(cost)
    return int(sum(cost[r, c] == 0 for r, c in zip(rows, cols)))


def f1(matched, reference, predicted):
    return 2 * matched / (reference + predicted) if reference + predicted else None


def check_spans(pair, ra, rb):
    """Span F1 (exact and relaxed, overall and per tag) and relation F1 from the exports."""
    key = lambda doc, s: (doc, s["start"], s["end"], s["label"])  # noqa: E731
    tags = sorted({s["label"] for r in (ra, rb) for rec in r.values() for s in rec["spans"]})
    for tag in [None, *tags]:
        pick = lambda rec: [s for s in rec["spans"] if tag in (None, s["label"])]  # noqa: E731
        a = Counter(key(d, s) for d, rec in ra.items() for s in pick(rec))
        b = Counter(key(d, s) for d, rec in rb.items() for s in pick(rec))
        n_a, n_b = sum(a.values()), sum(b.values())
        exact = sum((a & b).values())
        relaxed = sum(relaxed_matches(pick(ra[d]), pick(rb[d])) for d in ra if d in rb)
        if tag is None:
            ours_exact, ours_relaxed = pair["span_f1_exact"], pair["span_f1_relaxed"]
        else:
            row = next(t for t in pair["per_tag"] if t["tag"] == tag)
            ours_exact, ours_relaxed = row["span_exact"]["f1"], row["span_relaxed"]["f1"]
        what = f"{pair['a']}/{pair['b']} {tag or 'all tags'}"
        close(f"span F1 exact {what}", ours_exact, f1(exact, n_a, n_b))
        close(f"span F1 relaxed {what}", ours_relaxed, f1(relaxed, n_a, n_b))
    end = lambda s: (s["start"], s["end"], s["label"])  # noqa: E731
    rel = lambda r: Counter(  # noqa: E731
        (d, x["label"], end(x["head_span"]), end(x["child_span"]))
        for d, rec in r.items()
        for x in rec["relations"]
    )
    a, b = rel(ra), rel(rb)
    close(f"relation F1 {pair['a']}/{pair['b']}", pair["relation_f1"],
          f1(sum((a & b).values()), sum(a.values()), sum(b.values())))


def check_per_document(report, units):
    names = units["annotators"]
    for doc, ours in zip(units["documents"], report["per_document"]):
        if ours["id"] != doc["id"]:
            sys.exit(f"per_document: {ours['id']} where {doc['id']} was expected")
        rows = doc["labels"]
        categories = sorted({c for row in rows for c in row if c is not None})
        data = np.array([[np.nan if row[k] is None else categories.index(row[k]) for row in rows]
                         for k in range(len(names))], dtype=float)
        ref = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        close(f"krippendorff alpha {doc['id']}", ours["krippendorff_alpha"], float(ref))
        for pair, kappa in zip(report["pairs"], ours["cohen_kappa"]):
            i, j = names.index(pair["a"]), names.index(pair["b"])
            x, y = [r[i] for r in rows], [r[j] for r in rows]
            ref = cohen_kappa_score(x, y) if len(set(x) | set(y)) > 1 else None
            close(f"cohen {pair['a']}/{pair['b']} {doc['id']}", kappa, ref)


def check_sample(binary, sample):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shutil.copyfile(sample, folder / "s.ron")
        print(f"# the sample project {sample}")
        out = run(binary, "agree", "s.ron", "--json", "--units", "units.json", cwd=folder)
        report = json.loads(out)
        units = json.loads((folder / "units.json").read_text())
        names = units["annotators"]
        if len(names) < 2 or report["annotators"] != names:
            sys.exit(f"the sample should have two or more layers, not {names}")
        rows = [row for doc in units["documents"] for row in doc["labels"]]
        if not rows or any(c is None for row in rows for c in row):
            sys.exit("every analyst of the sample coded every article: no label may be missing")
        records = {name: layer_records(binary, folder, name) for name in names}
        if [d["labels"] for d in units["documents"]] != sample_labels(units, records):
            sys.exit("the sample's token labels differ from those recomputed from its spans")
        check(report, units)
        check_per_document(report, units)
        check_attributes(report, units)
        for pair in report["pairs"]:
            check_spans(pair, records[pair["a"]], records[pair["b"]])


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    binary = str(Path(sys.argv[1]).resolve())
    sample = Path(sys.argv[2]).resolve() if len(sys.argv) == 3 else SAMPLE
    if not sample.is_file():
        sys.exit(f"{sample}: no such sample project")
    for seed in (1, 2, 3):
        rng = random.Random(seed)
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            texts, coded = build(binary, folder, rng)
            for chosen in (ANNOTATORS, ANNOTATORS[:2], [ANNOTATORS[2], ANNOTATORS[0]]):
                print(f"# seed {seed}, annotators {','.join(chosen)}")
                out = run(
                    binary, "agree", "p.ron", "--json", "--units", "units.json",
                    "--annotators", ",".join(chosen), cwd=folder,
                )
                report = json.loads(out)
                units = json.loads((folder / "units.json").read_text())
                if units["annotators"] != chosen or report["annotators"] != chosen:
                    sys.exit(f"annotators: {units['annotators']} != {chosen}")
                # The first document is the uncoded article: missing for everyone.
                docs = units["documents"]
                if any(c is not None for row in docs[0]["labels"] for c in row):
                    sys.exit("the uncoded article should have no labels")
                if [d["labels"] for d in docs[1:]] != expected_labels(texts, coded, chosen):
                    sys.exit("the token labels differ from those recomputed from the spans")
                check(report, units)
                if check_attributes(report, units) == 0:
                    sys.exit("the generated claims should have stances to compare")
    check_sample(binary, sample)
    print("agreement numbers match the reference implementations (generated and sample)")


if __name__ == "__main__":
    main()
