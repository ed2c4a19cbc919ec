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


def main():
    data_path, out_path, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    nlp = spacy.blank("en")
    with open(data_path, encoding="utf-8") as f:
        data = json.load(f)
    produce(nlp, data, out_path)  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        produce(nlp, data, out_path)
        times.append(time.perf_counter() - start)
    print(json.dumps({"seconds": times}))


main()
