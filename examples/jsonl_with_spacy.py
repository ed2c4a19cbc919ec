#!/usr/bin/env python3
"""The path a user would otherwise take to the `jsonl` export: Python and spaCy.

Usage: jsonl_with_spacy.py DATA.json OUT.jsonl RUNS

DATA.json holds the same documents and spans as the benchmark project (text, and spans with
start/end in code points, label, id). For each document this does what a spaCy user's script
does to produce the same file: tokenise the text with `spacy.blank("en")`, find each span's
tokens with `Doc.char_span` (expanding to token edges where spaCy's tokens differ), and write
one JSON object per line with the text, tokens, spans (token_start, token_end) and the rest.

Prints one line of JSON: the seconds each run took (loading spaCy and reading DATA.json are
not counted; writing the file is).

DATA may also be a doccano JSONL (`.jsonl`: one `{"text", "label": [[start, end, label]]}` per
line), the source a user would start from; RUNS 0 then writes the file once, with no warm-up,
so that `/usr/bin/time` measures the whole process (BENCHMARKS.md, corpus scale).
"""

import json
import sys
import time

import spacy


def produce(nlp, data, out_path):
    with open(out_path, "w", encoding="utf-8") as out:
        for record in data:
            text = record["text"]
            doc = nlp.make_doc(text)
            tokens = [
                {"text": t.text, "start": t.idx, "end": t.idx + len(t.text), "id": t.i, "ws": bool(t.whitespace_)}
                for t in doc
            ]
            spans = []
            for s in record["spans"]:
                span = doc.char_span(s["start"], s["end"], alignment_mode="expand")
                spans.append(
                    {
                        "id": s["id"],
                        "start": s["start"],
                        "end": s["end"],
                        "label": s["label"],
                        "text": text[s["start"] : s["end"]],
                        "token_start": span.start if span is not None else None,
                        "token_end": span.end - 1 if span is not None else None,
                        "annotator": s["annotator"],
                    }
                )
            line = {"text": text, "meta": record["meta"], "tokens": tokens, "spans": spans}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")


def doccano_record(i, line):
    spans = [
        {"id": f"d{i}-{k}", "start": start, "end": end, "label": label, "annotator": "doccano"}
        for k, (start, end, label) in enumerate(line.get("label", []))
    ]
    meta = {key: value for key, value in line.items() if key not in ("text", "label")}
    return {"text": line["text"], "spans": spans, "meta": meta}


def main():
    data_path, out_path, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    nlp = spacy.blank("en")
    with open(data_path, encoding="utf-8") as f:
        if data_path.endswith(".jsonl"):
            data = [doccano_record(i, json.loads(line)) for i, line in enumerate(f) if line.strip()]
        else:
            data = json.load(f)
    produce(nlp, data, out_path)  # warm-up, or the one run
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        produce(nlp, data, out_path)
        times.append(time.perf_counter() - start)
    print(json.dumps({"seconds": times}))


main()
