#!/usr/bin/env python3
"""Convert Marginalia's Label Studio export with Label Studio's own converter.

Usage: .ci/labelstudio_convert.py BINARY

Exports two projects to `--format labelstudio` (tasks plus `OUT.config.xml`):

- the bundled sample (`sample_projects/macron-china-ukraine.ron`), the `analyst` layer;
- a generated project whose article has emoji (with joiners, skin tones, a flag), CJK,
  combining accents and Arabic, its spans placed here in Python code points;

and runs label-studio-converter (`Converter(config=..., project_dir=...)`) on each:

- `convert_to_conll2003`: the tokens are the converter's own (NLTK's Treebank tokenizer,
  recomputed here to know where each token is); every token it tags `B-X`/`I-X` lies on a span
  of ours labelled X, and every span that overlaps no other span of its layer has all its
  tokens tagged with its label, the first one `B-`;
- `convert_to_json` (Label Studio's JSON) and `convert_to_json_min`: every span's `text` is the
  text's slice at its `start`/`end` in code points, and JSON-min names our layer as the
  annotator;
- `convert_to_csv`: one row per task (one layer), each with its task id and our layer name.
"""

import csv
import json
import os
import subprocess
import sys
import tempfile

from label_studio_converter import Converter
from nltk.tokenize.treebank import TreebankWordTokenizer

BIN = os.path.abspath(sys.argv[1])
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLE = os.path.join(HERE, "sample_projects/macron-china-ukraine.ron")

UNICODE_TEXT = (
    "🐱 Warning: This is a test text.\n"
    "Macron 🇫🇷 a dit : « les pourparlers pourraient commencer » si la Chine aide.\n"
    "习近平 said 👩\u200d👩\u200d👧 talks can resume in 北京.\n"
    "قال الرئيس إن المحادثات ستبدأ\n"
    "Zoe\u0301 Ba\u0301nh noted: the cafe\u0301 🤷🏽\u200d♀️ deal is ok, said Zoe\u0301."
)
SPANS = [
    ("test", "claim"),
    ("Macron", "actor"),
    ("les pourparlers pourraient commencer", "claim"),
    ("si la Chine aide", "condition"),
    ("习近平", "actor"),
    ("talks can resume", "claim"),
    ("الرئيس", "actor"),
    ("المحادثات ستبدأ", "claim"),
    ("Zoe\u0301 Ba\u0301nh", "actor"),
    ("deal is ok", "claim"),
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


def items(tasks):
    """(task, annotation or None) in the order the converter yields them: per task its
    annotations (none cancelled; all without `created_at`, so in file order), or the task alone
    when it has none."""
    for task in tasks:
        annotations = [a for a in task["annotations"] if not a.get("was_cancelled")]
        if not task["annotations"]:
            yield task, None
        for a in annotations:
            yield task, a


def regions(annotation):
    if annotation is None:
        return []
    return [r["value"] for r in annotation["result"] if r.get("type") == "labels"]


def overlaps(a, b):
    return a[0] < b[1] and b[0] < a[1]


def check_conll(name, path, tasks, layer):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    check(lines[0] == "-DOCSTART- -X- O", f"{name}: starts with {lines[0]!r}")
    blocks, block = [], []
    for line in lines[1:]:
        if line:
            block.append(line.rsplit(" ", 3))
        elif block:
            blocks.append(block)
            block = []
    expected = list(items(tasks))
    check(len(blocks) == len(expected), f"{name}: {len(blocks)} blocks for {len(expected)} annotations")
    tagged = isolated = 0
    for n, ((task, annotation), block) in enumerate(zip(expected, blocks), 1):
        text = task["data"]["text"]
        where = f"{name}: block {n} (task {task['id']})"
        places = list(TreebankWordTokenizer().span_tokenize(text))
        check(len(places) == len(block), f"{where}: {len(block)} tokens, the tokenizer makes {len(places)}")
        spans = [((v["start"], v["end"]), v["labels"][0]) for v in regions(annotation)]
        tags = {}
        for (start, end), (token, _, _, tag) in zip(places, block):
            check(text[start:end] == token, f"{where}: token {token!r} is {text[start:end]!r} in the text")
            tags[(start, end)] = tag
            if tag == "O":
                continue
            tagged += 1
            prefix, _, label = tag.partition("-")
            check(prefix in ("B", "I"), f"{where}: tag {tag!r}")
            check(
                any(l == label and overlaps((start, end), s) for s, l in spans),
                f"{where}: token {token!r} at {start}-{end} is tagged {tag}, but no {label} span of ours covers it",
            )
        for i, (s, label) in enumerate(spans):
            if any(overlaps(s, o) for j, (o, _) in enumerate(spans) if j != i):
                continue
            isolated += 1
            on = [tags[p] for p in places if overlaps(p, s)]
            want = [f"B-{label}"] + [f"I-{label}"] * (len(on) - 1)
            check(on == want, f"{where}: span {text[s[0]:s[1]]!r} ({label}) has tokens tagged {on}")
    check(tagged > 0 and isolated > 0, f"{name}: {tagged} tagged tokens, {isolated} spans on their own")
    print(f"  conll2003: {len(blocks)} blocks; {tagged} tagged tokens all on spans of ours; {isolated} spans on their own tagged exactly")


def check_json(name, path, tasks):
    with open(path, encoding="utf-8") as f:
        converted = json.load(f)
    check(len(converted) == len(tasks), f"{name}: {len(converted)} tasks for {len(tasks)}")
    n = 0
    for task in converted:
        text = task["data"]["text"]
        for annotation in task["annotations"]:
            for v in regions(annotation):
                n += 1
                got = text[v["start"] : v["end"]]
                check(got == v["text"], f"{name}: task {task['id']}: {v['start']}-{v['end']} is {got!r}, the span says {v['text']!r}")
    print(f"  json: {n} spans, each its text's slice in code points")
    return n


def check_json_min(name, path, tasks, layer):
    with open(path, encoding="utf-8") as f:
        records = json.load(f)
    expected = list(items(tasks))
    check(len(records) == len(expected), f"{name}: {len(records)} records for {len(expected)} annotations")
    n = 0
    for record, (task, annotation) in zip(records, expected):
        check(record.get("id") == task["id"], f"{name}: record id {record.get('id')} for task {task['id']}")
        if annotation is None:
            continue
        check(record.get("annotator") == layer, f"{name}: task {task['id']}: annotator {record.get('annotator')!r}, not {layer!r}")
        labels = record.get("label", [])
        if isinstance(labels, dict):
            labels = [labels]
        for v in labels:
            n += 1
            got = record["text"][v["start"] : v["end"]]
            check(got == v["text"], f"{name}: task {task['id']}: {v['start']}-{v['end']} is {got!r}, the span says {v['text']!r}")
    check(n == sum(len(regions(a)) for _, a in expected), f"{name}: {n} spans in JSON-min")
    print(f"  json-min: {len(records)} records named {layer!r}; {n} spans, each its text's slice in code points")


def check_csv(name, path, tasks, layer):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    check(len(rows) == len(tasks), f"{name}: {len(rows)} rows for {len(tasks)} tasks")
    ids = sorted(int(float(r["id"])) for r in rows)
    check(ids == sorted(t["id"] for t in tasks), f"{name}: row ids {ids}")
    for row, task in zip(rows, tasks):
        if task["annotations"]:
            check(row["annotator"] == layer, f"{name}: annotator {row['annotator']!r}, not {layer!r}")
        check(row["text"] == task["data"]["text"], f"{name}: task {row['id']}: the text differs")
    print(f"  csv: {len(rows)} rows, one per task, annotator {layer!r}")


def convert(name, project, layer, work):
    out = os.path.join(work, name)
    os.makedirs(out)
    tasks_path = os.path.join(out, "tasks.json")
    run("export", project, "--format", "labelstudio", "-o", tasks_path, "--annotator", layer)
    config = os.path.join(out, "tasks.config.xml")
    with open(tasks_path, encoding="utf-8") as f:
        tasks = json.load(f)
    spans = sum(len(regions(a)) for t in tasks for a in t["annotations"])
    print(f"{name}: {len(tasks)} tasks, {spans} spans of layer {layer!r}")
    check(spans > 0, f"{name}: no spans exported")
    converter = Converter(config=config, project_dir=out)
    converter.convert_to_conll2003(tasks_path, os.path.join(out, "conll"), is_dir=False)
    check_conll(name, os.path.join(out, "conll", "result.conll"), tasks, layer)
    converter.convert_to_json(tasks_path, os.path.join(out, "json"), is_dir=False)
    check(check_json(name, os.path.join(out, "json", "result.json"), tasks) == spans, f"{name}: JSON lost spans")
    converter.convert_to_json_min(tasks_path, os.path.join(out, "json-min"), is_dir=False)
    check_json_min(name, os.path.join(out, "json-min", "result.json"), tasks, layer)
    converter.convert_to_csv(tasks_path, os.path.join(out, "csv"), is_dir=False, sep=",", header=True)
    check_csv(name, os.path.join(out, "csv", "result.csv"), tasks, layer)


def main():
    work = tempfile.mkdtemp(prefix="marginalia-labelstudio-")
    convert("sample", SAMPLE, "analyst", work)

    project = os.path.join(work, "unicode.ron")
    run("new", project, "--name", "Unicode")
    spans = []
    for quote, label in SPANS:
        start = UNICODE_TEXT.index(quote)
        spans.append({"start": start, "end": start + len(quote), "label": label})
    check(UNICODE_TEXT[spans[0]["start"] : spans[0]["end"]] == "test" and spans[0]["start"] == 21,
          "Label Studio's own example: 'test' is at 21-25 in code points")
    incoming = os.path.join(work, "unicode.jsonl")
    with open(incoming, "w", encoding="utf-8", newline="") as f:
        line = {"text": UNICODE_TEXT, "meta": {"title": "Unicode"}, "spans": spans}
        f.write(json.dumps(line, ensure_ascii=False) + "\n")
    run("import", project, "--format", "jsonl", incoming, "--annotator", "tester")
    convert("unicode", project, "tester", work)
    with open(os.path.join(work, "unicode", "tasks.json"), encoding="utf-8") as f:
        test = next(v for v in regions(json.load(f)[0]["annotations"][0]) if v["text"] == "test")
    check((test["start"], test["end"]) == (21, 25), f"unicode: 'test' exported at {test['start']}-{test['end']}, Label Studio counts 21-25")

    if failures:
        print(f"\n{len(failures)} problems:", file=sys.stderr)
        for f in failures[:50]:
            print(f"  {f}", file=sys.stderr)
        sys.exit(1)
    print("ok: label-studio-converter reads both exports; CoNLL, JSON, JSON-min and CSV agree with our spans")


if __name__ == "__main__":
    main()
