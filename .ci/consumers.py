#!/usr/bin/env python3
"""Read Marginalia's exports back with the tools their users load them with.

Usage: .ci/consumers.py BINARY

Builds a project from the bundled sample plus an article full of emoji, flags, combining
accents, CJK, Arabic and CRLF line ends (its annotations come in through `import --format
jsonl`, spaCy-style, with offsets computed here in Python code points), exports it, and checks:

- jsonl: every span's offsets slice the text (Python code points) to the exported text; every
  span that spaCy's own tokenizer aligns (`spacy.blank("en")`, `Doc.char_span`) gives the
  exported label and text; the exported tokens slice the text to their own text; and
  `Doc(vocab, words, spaces)` built from each line's own tokens has the line's text, with every
  span at `doc.char_span(start, end) == doc[token_start:token_end + 1]` (an article of double
  spaces, blank lines, emoji, CJK and combining accents, with spans that start at a space or
  end inside a word, is added for this).
- labelstudio: every region's start/end, counted in code points (as Label Studio does),
  slices the text to `value.text`.
- brat: brat's rules: every T line's text equals the .txt slice of its fragments joined by a
  space; every R, #, N and A line refers to a T that exists.
- conll: spaCy's CoNLL-2003 NER converter reads it, with as many entities as B- tags.
- graphml: networkx reads it as it is: node types actor, claim and condition only; every
  claim and every condition span of the exported jsonl is a node; the says, conditional_on
  and shares_claim edges and their weights are what the jsonl's spans, entities and
  relations give when recomputed here (actors grouped by entity, else by the quote folded
  for case and white space; two actors tied once per claim both are speakers of).
- csv: Python's csv module reads it; every contiguous row's quote is the text slice.
- w3c: every target's source is `urn:sha256:` of a text of the export (Python's hashlib) and
  its TextPositionSelector, counted in code points as the model requires, slices that text to
  the TextQuoteSelector's `exact`, whose prefix and suffix surround it there; creators are
  Persons with an `id`; importing the file back adds nothing.
"""

import csv
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

import networkx
import spacy
from spacy.tokens import Doc
from spacy.training.converters import conll_ner_to_docs

BIN = os.path.abspath(sys.argv[1])
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

UNICODE_TEXT = (
    "Macron 🇫🇷 a dit : « les pourparlers pourraient commencer » si la Chine aide.\r\n"
    "习近平 said 👩\u200d👩\u200d👧 talks can resume.\r\n"
    "قال الرئيس إن المحادثات ستبدأ\r\n"
    "Zoe\u0301 Ba\u0301nh noted: café 🤷🏽\u200d♀️ ok, said Zoe\u0301."
)
SPANS = [
    ("Macron", "actor"),
    ("les pourparlers pourraient commencer", "claim"),
    ("si la Chine aide", "condition"),
    ("习近平", "actor"),
    ("talks can resume", "claim"),
    ("الرئيس", "actor"),
    ("المحادثات ستبدأ", "claim"),
    ("Zoe\u0301 Ba\u0301nh", "actor"),
    ("café 🤷🏽\u200d♀️ ok", "claim"),
]
# An article whose white space spaCy's tokenizer makes tokens of, with spans at awkward edges.
SPACES_TEXT = (
    "Macron  said:\n\n« les pourparlers »  🇫🇷 习近平 a dit\n\n\n"
    "Zoe\u0301 Ba\u0301nh 👩\u200d👩\u200d👧  noted \u3000 ok  "
)
SPACES_SPANS = [
    ("Macron", "actor"),
    (" said", "claim"),  # starts at the second of two spaces
    ("pourparlers »  ", "claim"),  # ends after a double space
    ("习近", "actor"),  # inside a run of CJK
    ("Zoe\u0301 Ba\u0301", "actor"),  # ends inside a word
    ("👩\u200d👩\u200d👧", "actor"),
    ("ok ", "claim"),  # ends at a token's trailing space
]
# Links between SPANS (by index): two claims each said by Macron and 习近平, so the network
# has an actor–actor tie of weight 2 even where the sample's claims have one speaker each.
LINKS = [
    ("said_by", 1, 0),
    ("said_by", 1, 3),
    ("said_by", 4, 3),
    ("said_by", 4, 0),
    ("conditional_on", 1, 2),
    ("said_by", 8, 7),
]

failures = []


def check(ok, message):
    if not ok:
        failures.append(message)


def run(*args):
    result = subprocess.run([BIN, *args], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"marginalia {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    return result.stdout


def name_key(quote):
    """Marginalia's grouping of actor mentions without an entity: case and white space folded."""
    return " ".join(w.lower() for w in quote.split())


def recompute_network(jsonl):
    """The discourse network's nodes and weighted edges, from an exported jsonl alone."""
    want = {"claim": set(), "condition": set(), "says": {}, "conditional_on": {}, "shares_claim": {}}
    with open(jsonl, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            by_name = {e["name"]: e["id"] for e in record.get("entities", [])}
            spans = {}
            for s in record["spans"]:
                spans[s["id"]] = s  # the fragments of a discontinuous span share one id
            def actor(s):
                entity = s.get("entity")
                return f"entity:{by_name[entity]}" if entity in by_name else f"name:{name_key(s['text'])}"
            for sid, s in spans.items():
                if s["label"] in ("claim", "condition"):
                    want[s["label"]].add(f"{s['label']}:{sid}")
            speakers = {}
            for r in record.get("relations", []):
                a, b = spans.get(r["from"]), spans.get(r["to"])
                if a is None or b is None:
                    continue
                if a["label"] != "claim":
                    a, b = b, a
                if a["label"] != "claim":
                    continue
                claim = f"claim:{a['id']}"
                if b["label"] == "actor":
                    key = (actor(b), claim)
                    want["says"][key] = want["says"].get(key, 0) + 1
                    speakers.setdefault(claim, set()).add(actor(b))
                elif b["label"] == "condition":
                    key = (claim, f"condition:{b['id']}")
                    want["conditional_on"][key] = want["conditional_on"].get(key, 0) + 1
            for who in speakers.values():
                who = sorted(who)
                for i, x in enumerate(who):
                    for y in who[i + 1 :]:
                        pair = frozenset((x, y))
                        want["shares_claim"][pair] = want["shares_claim"].get(pair, 0) + 1
    return want


def main():
    work = tempfile.mkdtemp(prefix="marginalia-consumers-")
    project = os.path.join(work, "p.ron")
    with open(os.path.join(HERE, "sample_projects/macron-china-ukraine.ron"), encoding="utf-8") as f:
        sample = f.read()
    with open(project, "w", encoding="utf-8") as f:
        f.write(sample)

    # The hard article comes in with spaCy-style spans whose offsets Python counts.
    spans = []
    for n, (quote, label) in enumerate(SPANS):
        start = UNICODE_TEXT.index(quote)
        spans.append({"id": f"u{n}", "start": start, "end": start + len(quote), "label": label})
    links = [{"label": kind, "from": f"u{a}", "to": f"u{b}"} for kind, a, b in LINKS]
    spaced = []
    for n, (quote, label) in enumerate(SPACES_SPANS):
        start = SPACES_TEXT.index(quote)
        spaced.append({"id": f"w{n}", "start": start, "end": start + len(quote), "label": label})
    incoming = os.path.join(work, "unicode.jsonl")
    with open(incoming, "w", encoding="utf-8", newline="") as f:
        line = {"text": UNICODE_TEXT, "meta": {"title": "Unicode"}, "spans": spans, "relations": links}
        f.write(json.dumps(line, ensure_ascii=False) + "\n")
        line = {"text": SPACES_TEXT, "meta": {"title": "Spaces"}, "spans": spaced}
        f.write(json.dumps(line, ensure_ascii=False) + "\n")
    # The formats that write one layer get the sample's first layer; the hard article joins it.
    stats = json.loads(run("stats", "--json", project))
    layer = sorted(stats["annotations_per_annotator"])[0]
    args = ["--annotator", layer]
    run("import", project, "--format", "jsonl", incoming, *args)

    nlp = spacy.blank("en")
    out = lambda name: os.path.join(work, name)

    # jsonl, read as spaCy users do.
    run("export", project, "--format", "jsonl", "-o", out("p.jsonl"), *args)
    aligned = total = placed = 0
    seen_unicode = seen_spaces = False
    with open(out("p.jsonl"), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            record = json.loads(line)
            text = record["text"]
            seen_unicode |= text == UNICODE_TEXT
            seen_spaces |= text == SPACES_TEXT
            for t in record.get("tokens", []):
                check(text[t["start"] : t["end"]] == t["text"], f"p.jsonl:{n}: token {t} does not slice the text")
            # The file's own tokens, as spaCy users build a Doc from them.
            tokens = record["tokens"]
            own = Doc(nlp.vocab, words=[t["text"] for t in tokens], spaces=[t["ws"] for t in tokens])
            check(own.text == text, f"p.jsonl:{n}: Doc(words, spaces) of the tokens is not the text")
            check([t["id"] for t in tokens] == list(range(len(tokens))), f"p.jsonl:{n}: token ids are not 0, 1, 2 …")
            for s in record["spans"]:
                span = own.char_span(s["start"], s["end"])
                if span is None:
                    check(False, f"p.jsonl:{n}: span {s['start']}-{s['end']} {s['text']!r} falls off the file's tokens")
                    continue
                want = own[s["token_start"] : s["token_end"] + 1]
                check(
                    (span.start, span.end) == (want.start, want.end),
                    f"p.jsonl:{n}: span {s['text']!r} is tokens {span.start}..{span.end}, the file says {s['token_start']}..{s['token_end']} inclusive",
                )
                placed += 1
            doc = nlp(text)
            for s in record["spans"]:
                total += 1
                check(
                    text[s["start"] : s["end"]] == s["text"],
                    f"p.jsonl:{n}: span {s['start']}-{s['end']} slices to {text[s['start']:s['end']]!r}, exported {s['text']!r}",
                )
                span = doc.char_span(s["start"], s["end"], label=s["label"])
                if span is not None:
                    aligned += 1
                    check(span.text == s["text"], f"p.jsonl:{n}: spaCy span {span.text!r} != {s['text']!r}")
                    check(span.label_ == s["label"], f"p.jsonl:{n}: spaCy label {span.label_!r} != {s['label']!r}")
    check(seen_unicode, "p.jsonl: the Unicode article is not in the export")
    check(seen_spaces, "p.jsonl: the article of spaces is not in the export")
    check(total > 100 and aligned > total // 2, f"p.jsonl: only {aligned} of {total} spans align with spaCy's tokens")
    print(f"jsonl: {total} spans slice the text in code points; {aligned} align with spaCy's tokenizer and match; "
          f"Doc(words, spaces) of the file's tokens rebuilds every text and places {placed} spans at token_start..token_end")

    # labelstudio: offsets in code points.
    run("export", project, "--format", "labelstudio", "-o", out("p.json"))
    regions = 0
    with open(out("p.json"), encoding="utf-8") as f:
        tasks = json.load(f)
    for task in tasks:
        text = task["data"]["text"]
        for annotation in task["annotations"]:
            for r in annotation["result"]:
                if r.get("type") != "labels":
                    continue
                regions += 1
                v = r["value"]
                got = text[v["start"] : v["end"]]
                check(got == v["text"], f"p.json: region {r.get('id')} {v['start']}-{v['end']} is {got!r} in code points, exported {v['text']!r}")
    check(regions > 100, f"p.json: only {regions} regions")
    print(f"labelstudio: {regions} regions slice the text in code points")

    # brat: brat's own rules.
    run("export", project, "--format", "brat", "-o", out("brat"), *args)
    t_lines = 0
    for name in sorted(os.listdir(out("brat"))):
        if not name.endswith(".ann"):
            continue
        with open(os.path.join(out("brat"), name[:-4] + ".txt"), encoding="utf-8", newline="") as f:
            text = f.read()
        ids = set()
        refs = []
        with open(os.path.join(out("brat"), name), encoding="utf-8", newline="") as f:
            for n, line in enumerate(f.read().split("\n"), 1):
                if not line:
                    continue
                where = f"brat/{name}:{n}"
                fields = line.split("\t")
                if line.startswith("T"):
                    t_lines += 1
                    check(len(fields) == 3, f"{where}: a T line has three tab-separated fields")
                    ident, middle, quote = fields[0], fields[1], fields[2]
                    ids.add(ident)
                    label, _, offsets = middle.partition(" ")
                    check(re.fullmatch(r"[^\s]+", label) is not None, f"{where}: type {label!r}")
                    parts = []
                    for frag in offsets.split(";"):
                        start, end = (int(x) for x in frag.split())
                        parts.append(text[start:end])
                    check(" ".join(parts) == quote, f"{where}: text {quote!r} != slice {' '.join(parts)!r}")
                elif line[0] in "R#NA*E":
                    refs.append((where, re.findall(r"\bT\d+\b", fields[1] if len(fields) > 1 else "")))
        for where, targets in refs:
            for t in targets:
                check(t in ids, f"{where}: refers to {t}, which is not a T line")
    check(t_lines > 100, f"brat: only {t_lines} T lines")
    print(f"brat: {t_lines} T lines equal their text slices; every reference resolves")

    # conll, through spaCy's CoNLL-2003 converter.
    run("export", project, "--format", "conll", "-o", out("p.conll"), *args)
    with open(out("p.conll"), encoding="utf-8") as f:
        conll = f.read()
    b_tags = sum(1 for line in conll.splitlines() if line.split() and line.split()[-1].startswith("B-"))
    docs = list(conll_ner_to_docs(conll, n_sents=10))
    ents = sum(len(d.ents) for d in docs)
    check(ents == b_tags and ents > 100, f"p.conll: spaCy reads {ents} entities, the file has {b_tags} B- tags")
    print(f"conll: spaCy's converter reads {len(docs)} docs with {ents} entities (= B- tags)")

    # graphml, through networkx, against the network recomputed from the jsonl.
    run("export", project, "--format", "graphml", "-o", out("p.graphml"), *args)
    g = networkx.read_graphml(out("p.graphml"))
    check(isinstance(g, networkx.DiGraph), "p.graphml: networkx does not read a directed graph")
    kinds = {d.get("type") for _, d in g.nodes(data=True)}
    check(kinds == {"actor", "claim", "condition"}, f"p.graphml: node types {kinds}")
    want = recompute_network(out("p.jsonl"))
    for kind in ("claim", "condition"):
        have = {n for n, d in g.nodes(data=True) if d.get("type") == kind}
        check(have == want[kind], f"p.graphml: {kind} nodes differ from the jsonl's spans: "
              f"missing {sorted(want[kind] - have)[:5]}, extra {sorted(have - want[kind])[:5]}")
    edges = {}
    for s, t, d in g.edges(data=True):
        edges.setdefault(d["kind"], {})[(s, t)] = d["weight"]
    check(set(edges) <= {"says", "conditional_on", "shares_claim"}, f"p.graphml: edge kinds {set(edges)}")
    for kind in ("says", "conditional_on"):
        got = {k: int(w) for k, w in edges.get(kind, {}).items()}
        check(got == want[kind], f"p.graphml: {kind} edges differ from the jsonl's relations "
              f"({len(got)} exported, {len(want[kind])} recomputed)")
    ties = {frozenset(k): int(w) for k, w in edges.get("shares_claim", {}).items()}
    check(ties == want["shares_claim"], f"p.graphml: actor–actor weights {ties} != recomputed {want['shares_claim']}")
    check(len(ties) > 0 and max(ties.values(), default=0) >= 2, f"p.graphml: expected a tie of weight 2, got {ties}")
    check(len(want["condition"]) > 1, f"p.graphml: only {len(want['condition'])} conditions")
    print(
        f"graphml: networkx reads {g.number_of_nodes()} nodes ({len(want['claim'])} claims, "
        f"{len(want['condition'])} conditions) and {g.number_of_edges()} edges, checked against the "
        f"jsonl's: says "
        f"({len(want['says'])}), conditional_on ({len(want['conditional_on'])}) and actor–actor "
        f"ties ({len(ties)}, weights {sorted(ties.values(), reverse=True)})"
    )

    # csv, through Python's csv module.
    run("export", project, "--format", "csv", "-o", out("p.csv"))
    texts = {}
    with open(out("p.jsonl"), encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            texts[record["meta"]["id"]] = record["text"]
    rows = 0
    with open(out("p.csv"), encoding="utf-8", newline="") as f:
        for n, row in enumerate(csv.DictReader(f), 2):
            rows += 1
            text = texts.get(row["document"])
            if text is None or ";" in row.get("fragments", ""):
                continue
            got = text[int(row["start"]) : int(row["end"])]
            check(got == row["quote"], f"p.csv:{n}: quote {row['quote']!r} != slice {got!r}")
    check(rows > 100, f"p.csv: only {rows} rows")
    print(f"csv: {rows} rows read; quotes equal their code-point slices")

    # w3c, read as the Web Annotation model says: positions in code points.
    run("export", project, "--format", "w3c", "-o", out("p.w3c.json"))
    by_hash = {hashlib.sha256(t.encode("utf-8")).hexdigest(): t for t in texts.values()}
    with open(out("p.w3c.json"), encoding="utf-8") as f:
        collection = json.load(f)
    targets = 0
    for item in collection["first"]["items"]:
        creator = item["creator"]
        check(creator.get("type") == "Person" and creator.get("id") and creator.get("name"), f"p.w3c.json: {item['id']}: creator {creator}")
        if item["motivation"] == "linking":
            continue
        for t in item["target"] if isinstance(item["target"], list) else [item["target"]]:
            targets += 1
            source = t["source"]
            text = by_hash.get(source["id"].removeprefix("urn:sha256:"))
            check(text is not None and source.get("partOf"), f"p.w3c.json: {item['id']}: source {source}")
            if text is None:
                continue
            position, quote = t["selector"]
            start, end = position["start"], position["end"]
            check(text[start:end] == quote["exact"], f"p.w3c.json: {item['id']}: {start}-{end} is {text[start:end]!r}, exact {quote['exact']!r}")
            check(text[:start].endswith(quote.get("prefix", "")), f"p.w3c.json: {item['id']}: prefix {quote.get('prefix')!r}")
            check(text[end:].startswith(quote.get("suffix", "")), f"p.w3c.json: {item['id']}: suffix {quote.get('suffix')!r}")
    check(targets > 100, f"p.w3c.json: only {targets} targets")
    again = run("import", project, "--format", "w3c", out("p.w3c.json"))
    check("nothing new" in again, f"p.w3c.json: importing it back changed the project:\n{again}")
    print(f"w3c: {targets} targets slice their texts (found by SHA-256) in code points to their quotes; importing the file back adds nothing")

    if failures:
        print(f"\n{len(failures)} failure(s):", file=sys.stderr)
        for message in failures[:50]:
            print("  " + message, file=sys.stderr)
        sys.exit(1)
    print("all exports read back by their consumers")


main()
