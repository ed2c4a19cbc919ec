"""brat's own checks on the brat export: brat's `verify_annotations.py` (the checks its server
runs when it opens a document) and its project configuration reader, taken from nlplab/brat at
a pinned commit, on

- the export of the sample project (every layer in turn), and
- the export of brat's own tutorial folders (`tests/fixtures/brat-bio`, `brat-news`) after an
  import into a new project: their events, attributes, normalizations and notes come back, and
  the attributes must be declared in the `annotation.conf` written for the types they are on.

Every issue brat reports fails the check, and so does any warning its configuration reader
gives on the `annotation.conf`, `visual.conf` and `tools.conf` written.

Usage: python .ci/brat_verify.py target/debug/marginalia

brat's modules are vendored in `.ci/vendor/brat` (MIT, unchanged; see its README), so the
check runs on machines that cannot reach GitHub.
"""

import glob
import json
import os
import subprocess
import sys
import tempfile
import types

BIN = os.path.abspath(sys.argv[1])
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BRAT_COMMIT = "44ecd825810167eed2a5d8ad875d832218e734e8"  # the commit .ci/vendor/brat is from
BRAT = os.path.join(HERE, ".ci", "vendor", "brat")


def run(*args):
    result = subprocess.run([BIN, *args], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"marginalia {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    return result.stdout


def load_brat(work):
    """brat's modules, with the `config` its server reads (the folders stop at `work`, so the
    search for configuration files ends there) and its text files opened without the 'U'
    mode Python 3.11 no longer has (brat's reading is otherwise unchanged)."""
    config = types.ModuleType("config")
    config.BASE_DIR = work
    config.DATA_DIR = work
    config.WORK_DIR = work
    config.DEBUG = False
    sys.modules["config"] = config
    sys.path.insert(0, BRAT)
    import annotation
    from codecs import open as codecs_open

    annotation.open_textfile = lambda filename, mode="r": codecs_open(
        filename, mode.replace("U", ""), encoding="utf8", errors="strict"
    )
    import projectconfig
    import verify_annotations
    from message import Messager

    return annotation, projectconfig, verify_annotations, Messager


def main():
    work = tempfile.mkdtemp(prefix="marginalia-brat-")
    annotation, projectconfig, verify, messager = load_brat(work)
    folders = []

    sample = os.path.join(HERE, "sample_projects/macron-china-ukraine.ron")
    stats = json.loads(run("stats", "--json", sample))
    for layer in sorted(stats["annotations_per_annotator"]):
        out = os.path.join(work, f"sample-{layer}")
        run("export", sample, "--format", "brat", "-o", out, "--annotator", layer)
        folders.append(out)
    for name in ["brat-bio", "brat-news"]:
        project = os.path.join(work, f"{name}.ron")
        run("new", project)
        run("import", project, "--format", "brat", os.path.join(HERE, "tests/fixtures", name),
            "--annotator", "brat")
        out = os.path.join(work, name)
        run("export", project, "--format", "brat", "-o", out, "--annotator", "brat")
        folders.append(out)

    failures = []
    attribute_lines = 0
    for folder in folders:
        conf = projectconfig.ProjectConfiguration(folder)
        conf.get_attribute_types()
        conf.get_labels()
        for path in sorted(glob.glob(os.path.join(folder, "*.ann"))):
            with annotation.TextAnnotations(path[: -len(".ann")], read_only=True) as doc:
                attribute_lines += sum(1 for _ in doc.get_attributes())
                for issue in verify.verify_annotation(doc, conf):
                    failures.append(f"{path}: {issue.ann_id}: {issue.type} {issue.description}")
        shown = {}
        messager.output_json(shown)
        for m in shown.get("messages", []):
            failures.append(f"{folder}: brat says: {m[0]}")
    if attribute_lines < 20:
        failures.append(f"only {attribute_lines} attribute lines checked")
    for f in failures:
        print("error:", f)
    if failures:
        sys.exit(1)
    print(f"brat: {len(folders)} exports pass verify_annotations ({attribute_lines} attribute lines)")


if __name__ == "__main__":
    main()
