//! Names travel as they came: a tag, relation type, role or article imported from another
//! tool is exported with the spelling it had there, not as an internal id made from it
//! (`Organization`, not `organization`; `foundedAt`, not `foundedat`; `PMID-10429004`, not
//! `pmid-10429004`). The real binary, in a temporary folder.

#![allow(clippy::unwrap_used)] // a test that cannot set up should stop loudly

use std::path::Path;
use std::process::Command;

fn run(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_marginalia"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

const TEXT: &str = "Zoë of ACME-東京 👩‍👩‍👧 founded Café Noël in 1999.";

/// Code points of `part` in [`TEXT`].
fn at(part: &str) -> (usize, usize) {
    let start = TEXT[..TEXT.find(part).unwrap()].chars().count();
    (start, start + part.chars().count())
}

#[test]
fn labels_relation_types_and_file_names_are_exported_as_they_were_imported() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    run(d, &["new", "p.ron"]);

    // doccano with relations: labels and a relation type in another tool's spelling.
    let (zs, ze) = at("Zoë");
    let (os, oe) = at("ACME-東京");
    let (cs, ce) = at("Café Noël");
    let line = serde_json::json!({
        "text": TEXT,
        "entities": [
            {"id": 1, "start_offset": zs, "end_offset": ze, "label": "PERSON"},
            {"id": 2, "start_offset": os, "end_offset": oe, "label": "Organization"},
            {"id": 3, "start_offset": cs, "end_offset": ce, "label": "Organization"}
        ],
        "relations": [{"id": 1, "from_id": 1, "to_id": 3, "type": "foundedAt"}]
    });
    std::fs::write(d.join("in.jsonl"), format!("{line}\n")).unwrap();
    run(
        d,
        &[
            "import",
            "p.ron",
            "--format",
            "doccano",
            "in.jsonl",
            "--annotator",
            "ana",
        ],
    );

    // brat: an article named as brat's corpora name them, a hyphenated relation type.
    let brat = d.join("brat");
    std::fs::create_dir_all(&brat).unwrap();
    std::fs::write(brat.join("PMID-10429004.txt"), "IL-2 binds p53 here.\n").unwrap();
    std::fs::write(
        brat.join("PMID-10429004.ann"),
        "T1\tProtein 0 4\tIL-2\nT2\tProtein 11 14\tp53\nR1\tMerge-org Arg1:T1 Arg2:T2\n",
    )
    .unwrap();
    run(
        d,
        &[
            "import",
            "p.ron",
            "--format",
            "brat",
            "brat",
            "--annotator",
            "ana",
        ],
    );

    run(
        d,
        &["export", "p.ron", "--format", "jsonl", "-o", "out.jsonl"],
    );
    let jsonl = read(&d.join("out.jsonl"));
    let labels: Vec<String> = jsonl
        .lines()
        .flat_map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let spans = v["spans"].as_array().cloned().unwrap_or_default();
            let relations = v["relations"].as_array().cloned().unwrap_or_default();
            spans
                .into_iter()
                .chain(relations)
                .map(|s| s["label"].as_str().unwrap_or_default().to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    for name in [
        "PERSON",
        "Organization",
        "foundedAt",
        "Protein",
        "Merge-org",
    ] {
        assert!(labels.iter().any(|l| l == name), "{name} in {labels:?}");
    }
    for respelled in [
        "person",
        "organization",
        "foundedat",
        "protein",
        "merge_org",
    ] {
        assert!(
            !labels.iter().any(|l| l == respelled),
            "{respelled} in {labels:?}"
        );
    }

    run(
        d,
        &["export", "p.ron", "--format", "conll", "-o", "out.conll"],
    );
    let conll = read(&d.join("out.conll"));
    assert!(
        conll.contains(" B-Organization") || conll.contains("\tB-Organization"),
        "{conll}"
    );
    assert!(conll.contains("B-PERSON"), "{conll}");

    run(
        d,
        &["export", "p.ron", "--format", "brat", "-o", "out-brat"],
    );
    let ann = read(&d.join("out-brat").join("PMID-10429004.ann"));
    assert!(ann.contains("\tProtein 0 4\tIL-2"), "{ann}");
    assert!(ann.contains("\tMerge-org Arg1:"), "{ann}");
}
