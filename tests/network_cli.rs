//! `marginalia network` end to end on the sample project: every format read back, the
//! options that do not go together refused, and the project never written over.

#![allow(clippy::unwrap_used)] // a test that cannot set up should stop loudly

use std::path::PathBuf;
use std::process::{Command, Output};

const SAMPLE: &str = include_str!("../sample_projects/macron-china-ukraine.ron");

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Self {
        let d = Dir(tempfile::tempdir().unwrap());
        std::fs::write(d.path("p.ron"), SAMPLE).unwrap();
        d
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_marginalia"))
            .current_dir(self.0.path())
            .arg("network")
            .arg("p.ron")
            .args(["--annotator", "analyst"])
            .args(args)
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?} should fail with 1");
        String::from_utf8(out.stderr).unwrap()
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap()
    }
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

/// Element names of an XML text, in order (start and empty tags), checking it is
/// well-formed on the way.
fn elements(xml: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut names = Vec::new();
    let mut depth = 0i32;
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Start(e) => {
                depth += 1;
                names.push(String::from_utf8_lossy(e.name().as_ref()).into_owned());
            }
            quick_xml::events::Event::Empty(e) => {
                names.push(String::from_utf8_lossy(e.name().as_ref()).into_owned());
            }
            quick_xml::events::Event::End(_) => depth -= 1,
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0, "every element closed");
    names
}

fn count(names: &[String], name: &str) -> usize {
    names.iter().filter(|n| *n == name).count()
}

#[test]
fn the_json_names_nodes_edges_and_the_claims_behind_them() {
    let d = Dir::new();
    let j = json(&d.ok(&["--aggregation", "congruence", "--json"]));
    assert_eq!(j["mode"], "actor-actor");
    assert_eq!(j["layers"], serde_json::json!(["analyst"]));
    let nodes = j["nodes"].as_array().unwrap();
    let edges = j["edges"].as_array().unwrap();
    assert!(nodes.len() > 5 && !edges.is_empty());
    for e in edges {
        assert!(e["weight"].as_f64().unwrap() != 0.0);
        let behind = e["statements"].as_array().unwrap();
        assert!(behind.len() >= 2, "at least one statement of each end");
        assert!(behind.iter().all(|s| s.as_str().unwrap().contains("claim")));
    }
    assert!(j["skipped"]["no_speaker"].is_u64());
}

#[test]
fn graphml_is_well_formed_and_has_the_nodes_and_edges_of_the_json() {
    let d = Dir::new();
    let j = json(&d.ok(&["--mode", "actor-concept", "--json"]));
    let text = d.ok(&["--mode", "actor-concept", "-f", "graphml", "-o", "-"]);
    let names = elements(&text);
    assert_eq!(count(&names, "node"), j["nodes"].as_array().unwrap().len());
    assert_eq!(count(&names, "edge"), j["edges"].as_array().unwrap().len());
    assert!(text.contains("edgedefault=\"undirected\""));
    assert!(text.contains("<data key=\"type\">concept</data>"));
}

#[test]
fn dl_and_the_matrix_csv_are_square_for_a_one_mode_network() {
    let d = Dir::new();
    d.ok(&["--normalize", "average", "-f", "dl", "-o", "net.dl"]);
    let dl = d.read("net.dl");
    let lines: Vec<&str> = dl.lines().collect();
    let n: usize = lines[0]
        .strip_prefix("dl n = ")
        .and_then(|r| r.strip_suffix(", format = fullmatrix"))
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(lines[1], "labels:");
    assert!(
        lines[2..2 + n]
            .iter()
            .all(|l| l.starts_with('"') && l.ends_with('"'))
    );
    assert_eq!(lines[2 + n], "data:");
    let rows = &lines[3 + n..];
    assert_eq!(rows.len(), n);
    assert!(rows.iter().all(|r| r.split(' ').count() == n));

    d.ok(&["--normalize", "average", "-f", "csv", "-o", "net.csv"]);
    let csv = d.read("net.csv");
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), n + 1);
    assert!(rows.iter().all(|r| r.len() == n + 1), "square, with ids");
    // Symmetric, with a zero diagonal.
    for (i, row) in rows.iter().enumerate().skip(1) {
        assert_eq!(row[i], "0");
        for (k, other) in rows.iter().enumerate().skip(1) {
            assert_eq!(row[k], other[i]);
        }
    }
}

#[test]
fn the_two_mode_dl_has_row_and_column_labels() {
    let d = Dir::new();
    let dl = d.ok(&["--mode", "actor-concept", "-f", "dl", "-o", "-"]);
    let head = dl.lines().next().unwrap();
    assert!(
        head.starts_with("dl nr = ") && head.contains(", nc = "),
        "{head}"
    );
    assert!(dl.contains("\nrow labels:\n") && dl.contains("\ncol labels:\n"));
}

#[test]
fn the_statement_list_has_a_row_per_statement_with_every_field() {
    let d = Dir::new();
    let j = json(&d.ok(&["--json"]));
    let text = d.ok(&["-f", "statements", "-o", "-"]);
    let mut reader = csv_rows(&text);
    let head = reader.remove(0);
    for col in [
        "statement",
        "document",
        "date",
        "actor",
        "actor_name",
        "concept",
        "concept_label",
        "qualifier",
        "entity",
        "quote",
        "start",
        "end",
        "layer",
    ] {
        assert!(head.iter().any(|h| h == col), "column {col}");
    }
    assert_eq!(reader.len() as u64, j["statements"].as_u64().unwrap());
    assert!(reader.iter().all(|r| r.len() == head.len()));
}

/// A CSV text's records (quoted fields may hold commas and new lines).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => field.push(c),
        }
    }
    rows
}

#[test]
fn windows_go_into_one_gexf_or_a_folder_of_graphml_files() {
    let d = Dir::new();
    // The sample's articles are dated 2023 and 2025: one-year windows from 1 January 2023
    // until one reaches 1 January 2025, i.e. 2023, 2024 and 2025, so that the second
    // article's statements are in a window too.
    let j = json(&d.ok(&["--window", "years:1", "--json"]));
    let windows = j["windows"].as_array().unwrap();
    assert_eq!(windows.len(), 3);
    assert_eq!(windows[0]["start"], "2023-01-01");
    assert_eq!(windows[0]["end"], "2023-12-31");
    assert_eq!(windows[1]["statements"], 0);
    assert_eq!(windows[2]["start"], "2025-01-01");
    let in_windows: u64 = windows
        .iter()
        .map(|w| w["statements"].as_u64().unwrap())
        .sum();
    assert_eq!(
        in_windows,
        j["taken"].as_u64().unwrap(),
        "every statement taken is in a window: {j}"
    );

    let gexf = d.ok(&["--window", "years:1", "-f", "gexf", "-o", "-"]);
    let names = elements(&gexf);
    assert!(gexf.contains("mode=\"dynamic\"") && gexf.contains("timeformat=\"date\""));
    assert!(count(&names, "spell") > 0);
    assert!(gexf.contains("start=\"2023-01-01\" end=\"2023-12-31\""));

    d.ok(&["--window", "years:1", "-f", "graphml", "-o", "windows"]);
    let mut files: Vec<String> = std::fs::read_dir(d.path("windows"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "001-2023-01-01-2023-12-31.graphml",
            "002-2024-01-01-2024-12-31.graphml",
            "003-2025-01-01-2025-12-31.graphml"
        ]
    );
    elements(&d.read("windows/001-2023-01-01-2023-12-31.graphml"));
    // Written again into the same folder: refused, not mixed with the series there.
    let err = d.fails(&["--window", "months:1", "-f", "graphml", "-o", "windows"]);
    assert!(err.contains("already holds files"), "{err}");
    assert_eq!(std::fs::read_dir(d.path("windows")).unwrap().count(), 3);
    // A folder of windows does not go to standard output, even a series of one.
    let err = d.fails(&["--window", "years:5", "-f", "dl", "-o", "-"]);
    assert!(err.contains("one file per window"), "{err}");
    let err = d.fails(&["--window", "years:1", "-f", "graphml", "-o", "-"]);
    assert!(err.contains("one file per window"), "{err}");
    let err = d.fails(&["--window", "years:1", "-f", "statements", "-o", "s.csv"]);
    assert!(err.contains("statement list is one list"), "{err}");
}

#[test]
fn a_year_or_month_given_as_to_means_its_last_day() {
    let d = Dir::new();
    // The sample's second article, dated 15 March 2025 for this test.
    let text = d
        .read("p.ron")
        .replace("published: \"2025\"", "published: \"2025-03-15\"");
    std::fs::write(d.path("p.ron"), text).unwrap();
    for to in ["2025", "2025-03"] {
        let j = json(&d.ok(&["--from", "2025", "--to", to, "--json"]));
        assert_eq!(j["taken"], 18, "--to {to}: the March article's statements");
    }
    let j = json(&d.ok(&["--from", "2025", "--to", "2025-02", "--json"]));
    assert_eq!(j["taken"], 0, "February ends before 15 March");
}

#[test]
fn options_that_do_not_go_together_exit_1_with_a_sentence() {
    let d = Dir::new();
    let cases: &[(&[&str], &str)] = &[
        (&["--normalize", "activity", "--json"], "two-mode"),
        (
            &[
                "--mode",
                "actor-concept",
                "--aggregation",
                "conflict",
                "--json",
            ],
            "one-mode",
        ),
        (&["--window", "months", "--json"], "expected UNIT:N"),
        (&["--window", "fortnights:2", "--json"], "expected UNIT:N"),
        (&["--qualifier", "mood", "--json"], "no attribute \"mood\""),
        (
            &[
                "--qualifier",
                "none",
                "--aggregation",
                "congruence",
                "--json",
            ],
            "qualifier is `none`",
        ),
        (
            &["--qualifier-order", "supports,opposes", "--json"],
            "leaves out \"neutral\"",
        ),
        (&["--from", "last week", "--json"], "is not a date"),
        (&["--variable", "outlet", "--json"], "NAME=VALUE"),
        (&[], "-o"),
    ];
    for (args, says) in cases {
        let err = d.fails(args);
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!err.contains("panicked"));
    }
    // A layer that does not exist names those that do.
    let out = Command::new(env!("CARGO_BIN_EXE_marginalia"))
        .current_dir(d.0.path())
        .args(["network", "p.ron", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("analyst, noor"));
    // An unknown value is clap's usage error.
    let out = d.run(&["--mode", "actor-claim", "--json"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_network_never_lands_on_the_project() {
    let d = Dir::new();
    for target in ["p.ron", "./p.ron", "p.ron.bak"] {
        let err = d.fails(&["-f", "graphml", "-o", target]);
        assert!(err.contains("Nothing was written"), "{target}: {err}");
    }
    assert_eq!(d.read("p.ron"), SAMPLE, "the project is untouched");
}
