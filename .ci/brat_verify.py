"""brat's own checks on the brat export: brat's `verify_annotations.py` (the checks its server
runs when it opens a document) and its project configuration reader, taken from nlplab/brat at
a pinned commit, on

- the export of the sample project (every layer in turn), and
- the export of brat's own tutorial folders (`tests/fixtures/brat-bio`, `brat-news`) and of
  dkpro-core's event without `annotation.conf` (`tests/fixtures/dkpro-brat`) after an
  import into a new project: their events, attributes, normalizations and notes come back, and
  the attributes must be declared in the `annotation.conf` written for the types they are on;
- the export of brat's copy of the BioNLP-ST 2011 GE corpus after an import: every `E` line
  comes back as an `E` line (distinct events sharing a trigger included, with one `T` line for
  the trigger), every argument with its role as written, and a second import of the same folder
  changes nothing. The corpus is not committed (its licence is for research use): it is taken
  from `BRAT_GE` (a folder), else `target/brat-GE`, else fetched there from GitHub with git;
  where none of these works the GE check is skipped and says so (`BRAT_GE_REQUIRED=1` fails).

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
# brat's copy of the BioNLP-ST 2011 GE corpus: events that share triggers, events as arguments.
GE_PATH = "example-data/corpora/BioNLP-ST_2011/BioNLP-ST_2011_GE"
GE_CACHE = os.path.join(HERE, "target", "brat-GE")
BRAT_GIT = os.environ.get("BRAT_GIT", "https://github.com/nlplab/brat.git")


def ge_corpus():
    """The GE corpus folder, or None when it can be neither found nor fetched."""
    given = os.environ.get("BRAT_GE")
    if given:
        return given
    folder = os.path.join(GE_CACHE, GE_PATH)
    if os.path.isfile(os.path.join(folder, "annotation.conf")):
        return folder
    import shutil

    shutil.rmtree(GE_CACHE, ignore_errors=True)
    try:
        os.makedirs(GE_CACHE)
        for args in [
            ("init", "-q"),
            ("remote", "add", "origin", BRAT_GIT),
            ("sparse-checkout", "set", GE_PATH),
            ("fetch", "-q", "--depth", "1", "--filter=blob:none", "origin", BRAT_COMMIT),
            ("checkout", "-q", "FETCH_HEAD"),
        ]:
            subprocess.run(("git", *args), cwd=GE_CACHE, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return folder
    except (subprocess.CalledProcessError, OSError) as e:
        shutil.rmtree(GE_CACHE, ignore_errors=True)
        print(f"the GE corpus could not be fetched from {BRAT_GIT}: {e}", file=sys.stderr)
        return None


def events(folder):
    """The events of a brat folder as facts without ids, per document: (type, trigger offsets,
    sorted (role, argument) pairs), an argument being a text-bound annotation's (type, offsets)
    or an event's trigger offsets and type."""
    out = {}
    for path in sorted(glob.glob(os.path.join(folder, "*.ann"))):
        lines = {}
        with open(path, encoding="utf-8") as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 2:
                    lines[parts[0]] = parts[1].split(" ")
        def fact(i, depth=0):
            data = lines.get(i, [])
            if i.startswith("T") and data:
                return (data[0], " ".join(data[1:]))
            if i.startswith("E") and data and depth < 5:
                kind, trigger = data[0].split(":", 1)
                args = sorted((a.split(":", 1)[0], fact(a.split(":", 1)[1], depth + 1)) for a in data[1:])
                return (kind, fact(trigger), tuple(args))
            return (i,)
        # (Document file names are compared without case and `_`/`-`: ours are the ids.)
        doc = os.path.basename(path)[: -len(".ann")].lower().replace("_", "-")
        out[doc] = sorted(fact(i) for i in lines if i.startswith("E"))
    return out




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
    for name in ["brat-bio", "brat-news", "dkpro-brat"]:
        project = os.path.join(work, f"{name}.ron")
        run("new", project)
        run("import", project, "--format", "brat", os.path.join(HERE, "tests/fixtures", name),
            "--annotator", "brat")
        out = os.path.join(work, name)
        run("export", project, "--format", "brat", "-o", out, "--annotator", "brat")
        folders.append(out)

    failures = []
    ge = ge_corpus()
    n_events = None
    if ge is None:
        if os.environ.get("BRAT_GE_REQUIRED") == "1":
            sys.exit("the GE corpus is needed (BRAT_GE_REQUIRED=1) and could not be found or fetched")
        print("skipped: the GE corpus's events (set BRAT_GE to a copy of it)")
    else:
        project = os.path.join(work, "ge.ron")
        run("new", project)
        run("import", project, "--format", "brat", ge, "--annotator", "brat")
        again = run("import", project, "--format", "brat", ge, "--annotator", "brat")
        if "0 annotations and 0 relations" not in again:
            failures.append(f"a second import of the GE corpus changed the project: {again.strip()}")
        out = os.path.join(work, "ge")
        run("export", project, "--format", "brat", "-o", out, "--annotator", "brat")
        folders.append(out)
        want, got = events(ge), events(out)
        n_events = sum(len(v) for v in want.values())
        if want != got:
            for doc in sorted(set(want) | set(got)):
                if want.get(doc) != got.get(doc):
                    failures.append(f"GE {doc}: events differ after import and export:\n  {want.get(doc)}\n  {got.get(doc)}")
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
    ge_said = "" if n_events is None else f"; the GE corpus's {n_events} events come back as they were"
    print(f"brat: {len(folders)} exports pass verify_annotations ({attribute_lines} attribute lines){ge_said}")


if __name__ == "__main__":
    main()
