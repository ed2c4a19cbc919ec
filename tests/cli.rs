//! Command-line tests: the real binary, run in a temporary folder.

#![allow(clippy::unwrap_used)] // a test that cannot set up should stop loudly

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SAMPLE: &str = include_str!("../sample_projects/macron-china-ukraine.ron");

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Self {
        Dir(tempfile::tempdir().unwrap())
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_marginalia"))
            .current_dir(self.0.path())
            .args(args)
            .output()
            .unwrap()
    }
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn new_creates_a_valid_project_and_never_overwrites() {
    let dir = Dir::new();
    let out = dir.run(&["new", "p.ron", "--name", "Coding «day» 1"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let before = read(&dir.path("p.ron"));
    assert!(String::from_utf8_lossy(&before).contains("Coding «day» 1"));
    assert_eq!(code(&dir.run(&["validate", "p.ron"])), 0);
    let again = dir.run(&["new", "p.ron"]);
    assert_eq!(code(&again), 1);
    assert!(
        stderr(&again).contains("p.ron: already exists"),
        "{}",
        stderr(&again)
    );
    assert_eq!(read(&dir.path("p.ron")), before);
}

#[test]
fn add_takes_a_folder_of_articles_and_keeps_text_exactly() {
    let dir = Dir::new();
    dir.run(&["new", "p.ron"]);
    dir.write("in/a.txt", "Zelensky 🇺🇦 said\r\nhi\u{a0}there\r\n");
    dir.write("in/b.html", "<html><head><title>Talks</title><meta name=author content='Ana'></head><body><nav>menu</nav><p>Macron   spoke.</p><script>x()</script></body></html>");
    dir.write("in/skip.png", [0x89u8, b'P', b'N', b'G', 0, 0]);
    let out = dir.run(&["add", "p.ron", "in"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out).matches("added").count(), 2, "{}", stdout(&out));
    let project = marginalia::store::load(&dir.path("p.ron")).unwrap();
    assert_eq!(
        project.documents[0].text,
        "Zelensky 🇺🇦 said\nhi\u{a0}there\n"
    );
    assert_eq!(project.documents[1].text, "Macron spoke.");
    assert_eq!(project.documents[1].meta.title, "Talks");
    assert_eq!(project.documents[1].meta.author.as_deref(), Some("Ana"));
    // Adding the same articles again adds nothing.
    let out = dir.run(&["add", "p.ron", "in/a.txt"]);
    assert!(stdout(&out).contains("skipped"), "{}", stdout(&out));
    assert_eq!(
        marginalia::store::load(&dir.path("p.ron"))
            .unwrap()
            .documents
            .len(),
        2
    );
}

#[test]
fn add_refuses_binary_empty_and_undecodable_files_and_adds_nothing() {
    let dir = Dir::new();
    dir.run(&["new", "p.ron"]);
    let before = read(&dir.path("p.ron"));
    dir.write("good.txt", "A good article.");
    dir.write("empty.txt", "");
    dir.write(
        "binary.txt",
        [0x89u8, b'P', b'N', b'G', 0, 0, 0, 13, 0, 1, 2, 3],
    );
    dir.write(
        "noise.txt",
        (0..400)
            .map(|i| 0x80 + (i * 37 % 0x7f) as u8)
            .collect::<Vec<u8>>(),
    );
    for bad in ["empty.txt", "binary.txt", "noise.txt"] {
        let out = dir.run(&["add", "p.ron", "good.txt", bad]);
        assert_eq!(code(&out), 1, "{bad}: {}", stdout(&out));
        assert!(stderr(&out).contains(bad), "{bad}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("nothing was added"),
            "{}",
            stderr(&out)
        );
        assert_eq!(
            read(&dir.path("p.ron")),
            before,
            "{bad} changed the project"
        );
    }
}

#[test]
fn add_of_an_empty_folder_or_a_file_of_two_encodings_says_so_and_adds_nothing() {
    let dir = Dir::new();
    dir.run(&["new", "p.ron"]);
    let before = read(&dir.path("p.ron"));
    std::fs::create_dir_all(dir.path("empty")).unwrap();
    dir.write("pictures/cover.png", [0x89u8, b'P', b'N', b'G']);
    let mut mixed = "Caf\u{e9} cr\u{e8}me in UTF-8\nline two\n"
        .as_bytes()
        .to_vec();
    mixed.extend_from_slice(b"and caf\xe9 in Latin-1\n");
    dir.write("mixed.txt", mixed);
    for (args, expected) in [
        (
            vec!["add", "p.ron", "empty"],
            "empty: the folder holds no article",
        ),
        (
            vec!["add", "p.ron", "pictures"],
            "pictures: the folder holds no article",
        ),
        (vec!["add", "p.ron", "mixed.txt"], "starts on line 3"),
    ] {
        let out = dir.run(&args);
        assert_eq!(code(&out), 1, "{args:?}: {}", stdout(&out));
        assert!(
            stderr(&out).contains(expected),
            "{args:?}: {}",
            stderr(&out)
        );
        assert_eq!(
            read(&dir.path("p.ron")),
            before,
            "{args:?} changed the project"
        );
    }
}

#[test]
fn a_project_whose_line_endings_git_turned_into_crlf_is_explained_and_repaired() {
    let dir = Dir::new();
    let crlf = SAMPLE.replace('\n', "\r\n");
    let path = dir.write("p.ron", &crlf);
    let out = dir.run(&["validate", "p.ron"]);
    assert_eq!(code(&out), 1);
    let said = format!("{}{}", stdout(&out), stderr(&out));
    assert!(said.contains("line endings were changed"), "{said}");
    assert!(said.contains("fmt --fix-line-endings p.ron"), "{said}");
    let out = dir.run(&["stats", "p.ron"]);
    assert_eq!(code(&out), 1);
    // Said last too, below the long list, where the reader is left.
    let last = stderr(&out).lines().last().unwrap_or_default().to_owned();
    assert!(last.contains("--fix-line-endings"), "{}", stderr(&out));
    assert_eq!(read(&path), crlf.as_bytes());

    let out = dir.run(&["fmt", "--fix-line-endings", "p.ron"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(read(&path), SAMPLE.as_bytes());
    assert_eq!(read(&dir.path("p.ron.bak")), crlf.as_bytes());
    assert_eq!(code(&dir.run(&["validate", "p.ron"])), 0);

    // A file broken otherwise too is not blamed on its line endings.
    let worse = crlf.replacen("quote: \"China\"", "quote: \"Chine\"", 1);
    dir.write("q.ron", &worse);
    let out = dir.run(&["validate", "q.ron"]);
    assert_eq!(code(&out), 1);
    assert!(!stdout(&out).contains("line endings"), "{}", stdout(&out));
}

#[test]
fn messages_name_the_parts_of_the_file_not_the_types_of_the_code() {
    let dir = Dir::new();
    let nested = format!("(name: {}", "[".repeat(300));
    let cases = [
        (
            "unversioned.ron",
            "(name: \"x\")".to_owned(),
            "format_version",
        ),
        ("nested.ron", nested, "nested too deeply"),
        (
            "field.ron",
            SAMPLE.replacen("published:", "publised:", 1),
            "publised",
        ),
        (
            "zero.ron",
            SAMPLE.replacen("format_version: 6", "format_version: 0", 1),
            &format!("expected 1 to {}", marginalia::store::FORMAT_VERSION),
        ),
    ];
    for (name, text, expected) in &cases {
        dir.write(name, text);
        let out = dir.run(&["validate", name]);
        assert_eq!(code(&out), 1, "{name}");
        let said = format!("{}{}", stdout(&out), stderr(&out));
        assert!(said.contains(expected), "{name}: {said}");
        for internal in [
            "VersionProbe",
            "ProjectFile",
            "DocumentRecord",
            "AnnotationRecord",
            "ron::",
            "serde",
        ] {
            assert!(!said.contains(internal), "{name} names {internal}: {said}");
        }
    }
}

#[test]
fn the_sample_validates_is_canonical_and_has_stats() {
    let dir = Dir::new();
    let path = dir.write("s.ron", SAMPLE);
    assert_eq!(code(&dir.run(&["validate", "s.ron"])), 0);
    assert_eq!(code(&dir.run(&["fmt", "--check", "s.ron"])), 0);
    let out = dir.run(&["stats", "s.ron", "--json"]);
    let stats: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(stats["documents"], 2);
    assert!(stats["annotations"].as_u64().unwrap() >= 60);
    assert!(stats["relations_per_kind"]["said_by"].as_u64().unwrap() > 0);
    assert_eq!(read(&path), SAMPLE.as_bytes());
}

#[test]
fn damaged_files_give_exit_1_a_position_and_stay_untouched() {
    let dir = Dir::new();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("cut.ron", SAMPLE.as_bytes()[..SAMPLE.len() / 2].to_vec()),
        (
            "quote.ron",
            SAMPLE
                .replacen("quote: \"China\"", "quote: \"Chine\"", 1)
                .into_bytes(),
        ),
        ("latin1.ron", {
            let mut b = SAMPLE.as_bytes().to_vec();
            b[400] = 0xE9;
            b
        }),
        (
            "newer.ron",
            SAMPLE
                .replacen("format_version: 6", "format_version: 9", 1)
                .into_bytes(),
        ),
    ];
    for (name, bytes) in cases {
        let path = dir.write(name, &bytes);
        for args in [
            vec!["validate", name],
            vec!["fmt", name],
            vec!["stats", name],
        ] {
            let out = dir.run(&args);
            assert_eq!(code(&out), 1, "{args:?}");
            let said = format!("{}{}", stdout(&out), stderr(&out));
            assert!(said.contains(name), "{args:?}: {said}");
            if name != "newer.ron" {
                assert!(
                    said.contains(&format!("{name}:"))
                        && said
                            .split(':')
                            .nth(2)
                            .is_some_and(|l| l.trim().parse::<usize>().is_ok()),
                    "{args:?}: no line:col in {said}"
                );
            } else {
                assert!(said.contains("newer"), "{said}");
            }
            assert!(!said.contains("panicked"), "{said}");
            assert_eq!(read(&path), bytes, "{args:?} changed {name}");
        }
    }
}

#[test]
fn validate_json_lists_every_problem() {
    let dir = Dir::new();
    let broken = SAMPLE
        .replacen("quote: \"China\"", "quote: \"Chine\"", 1)
        .replacen("entity: \"macron\"", "entity: \"nobody\"", 1);
    dir.write("b.ron", broken);
    let out = dir.run(&["validate", "b.ron", "--json"]);
    assert_eq!(code(&out), 1);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let problems = report["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems.iter().all(|p| p["line"].as_u64().is_some()));
}

#[test]
fn validate_json_reports_an_unparsable_file_as_one_problem() {
    let dir = Dir::new();
    dir.write("cut.ron", &SAMPLE[..SAMPLE.len() / 3]);
    let out = dir.run(&["validate", "cut.ron", "--json"]);
    assert_eq!(code(&out), 1);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["problems"][0]["kind"], "Syntax");
    assert!(report["problems"][0]["line"].as_u64().is_some());
}

#[test]
fn fmt_rewrites_canonically_with_a_backup_and_check_reports() {
    let dir = Dir::new();
    let messy = SAMPLE.replace("    ", "  ");
    let path = dir.write("m.ron", &messy);
    let check = dir.run(&["fmt", "--check", "m.ron"]);
    assert_eq!(code(&check), 1);
    assert_eq!(read(&path), messy.as_bytes());
    assert_eq!(code(&dir.run(&["fmt", "m.ron"])), 0);
    assert_eq!(read(&path), SAMPLE.as_bytes());
    assert_eq!(read(&dir.path("m.ron.bak")), messy.as_bytes());
    assert_eq!(code(&dir.run(&["fmt", "--check", "m.ron"])), 0);
}

#[test]
fn fmt_reanchor_moves_annotations_after_a_text_correction() {
    let dir = Dir::new();
    let fixed = SAMPLE.replacen(
        "French President Emmanuel Macron is looking",
        "UPDATED: French President Emmanuel Macron is looking",
        1,
    );
    let path = dir.write("r.ron", &fixed);
    assert_eq!(code(&dir.run(&["validate", "r.ron"])), 1);
    let out = dir.run(&["fmt", "--reanchor", "r.ron"]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).contains("moved p23-macron-1"),
        "{}",
        stdout(&out)
    );
    assert_eq!(code(&dir.run(&["validate", "r.ron"])), 0);
    // A quote that is gone entirely cannot be placed: nothing is written.
    let gone = SAMPLE.replace("Wang Yi", "W. Yi");
    let path2 = dir.write("g.ron", &gone);
    let out = dir.run(&["fmt", "--reanchor", "g.ron"]);
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains("cannot place"), "{}", stdout(&out));
    assert_eq!(read(&path2), gone.as_bytes());
    assert!(read(&path) != fixed.as_bytes());
}

#[test]
fn usage_errors_exit_2() {
    let dir = Dir::new();
    assert_eq!(code(&dir.run(&["validate"])), 2);
    assert_eq!(code(&dir.run(&["stats", "x.ron", "--bogus"])), 2);
    assert_eq!(
        code(&dir.run(&["fmt", "--check", "--reanchor", "x.ron"])),
        2
    );
}

#[test]
fn export_writes_jsonl_and_says_what_it_wrote() {
    let dir = Dir::new();
    dir.write("p.ron", SAMPLE);
    // The sample has two analysts' layers; jsonl writes one.
    let out = dir.run(&[
        "export",
        "p.ron",
        "--format",
        "jsonl",
        "-o",
        "out.jsonl",
        "--annotator",
        "analyst",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let report = stdout(&out);
    assert!(
        report.starts_with("jsonl: 2 documents, 143 annotations"),
        "{report}"
    );
    assert!(report.contains("offsets in code points"), "{report}");
    let jsonl = String::from_utf8(read(&dir.path("out.jsonl"))).unwrap();
    assert_eq!(jsonl.lines().count(), 2);
    for line in jsonl.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let text: Vec<char> = v["text"].as_str().unwrap().chars().collect();
        for s in v["spans"].as_array().unwrap() {
            let (a, b) = (
                s["start"].as_u64().unwrap() as usize,
                s["end"].as_u64().unwrap() as usize,
            );
            let slice: String = text[a..b].iter().collect();
            assert_eq!(slice, s["text"].as_str().unwrap());
        }
    }
    // JSON report on request.
    let out = dir.run(&[
        "export",
        "p.ron",
        "-f",
        "doccano",
        "-o",
        "d.jsonl",
        "--json",
        "--annotator",
        "analyst",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["format"], "doccano");
    assert_eq!(v["fields_not_carried"]["entity"], 97);
}

#[test]
fn export_with_several_layers_asks_which_and_writes_nothing() {
    let dir = Dir::new();
    dir.write("p.ron", SAMPLE);
    let line = serde_json::json!({"text": "Paris said yes.", "spans": [{"start": 0, "end": 5, "label": "actor"}]});
    dir.write("in.jsonl", format!("{line}\n"));
    let out = dir.run(&[
        "import",
        "p.ron",
        "-f",
        "jsonl",
        "in.jsonl",
        "--annotator",
        "ben",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = dir.run(&["export", "p.ron", "-f", "conll", "-o", "out.conll"]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("several annotator layers (analyst, ben, noor)"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("--annotator"));
    assert!(!dir.path("out.conll").exists());
    let out = dir.run(&[
        "export",
        "p.ron",
        "-f",
        "jsonl",
        "-o",
        "ben.jsonl",
        "--annotator",
        "ben",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("1 annotations"), "{}", stdout(&out));
}

#[test]
fn import_is_all_or_nothing_unless_told_to_skip() {
    let dir = Dir::new();
    dir.write("p.ron", SAMPLE);
    let before = read(&dir.path("p.ron"));
    let good = serde_json::json!({"text": "Zoé 👩‍👩‍👧 said yes.", "spans": [{"start": 0, "end": 3, "label": "actor"}]});
    let bad =
        serde_json::json!({"text": "Short.", "spans": [{"start": 0, "end": 60, "label": "actor"}]});
    dir.write("in.jsonl", format!("{good}\n{bad}\nnot json\n"));
    let out = dir.run(&["import", "p.ron", "--format", "jsonl", "in.jsonl"]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(err.contains("nothing imported: 2 problems"), "{err}");
    assert!(err.contains("in.jsonl:2:"), "{err}");
    assert!(err.contains("in.jsonl:3:"), "{err}");
    assert_eq!(
        read(&dir.path("p.ron")),
        before,
        "the project file is untouched"
    );

    let out = dir.run(&[
        "import",
        "p.ron",
        "-f",
        "jsonl",
        "in.jsonl",
        "--skip-invalid",
        "--annotator",
        "cleo",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let report = stdout(&out);
    assert!(
        report.contains("1 annotations and 0 relations into cleo"),
        "{report}"
    );
    assert!(report.contains("2 problems skipped"), "{report}");
    assert!(dir.path("p.ron.bak").exists());
    let stats = dir.run(&["stats", "p.ron", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&stats)).unwrap();
    assert_eq!(v["annotations_per_annotator"]["cleo"], 1);
    assert_eq!(
        v["documents"], 4,
        "both texts come in; only the bad span is skipped"
    );

    // The same input again adds nothing and leaves the file as it is.
    let saved = read(&dir.path("p.ron"));
    let out = dir.run(&[
        "import",
        "p.ron",
        "-f",
        "jsonl",
        "in.jsonl",
        "--skip-invalid",
        "--annotator",
        "cleo",
    ]);
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).contains("nothing new"), "{}", stdout(&out));
    assert_eq!(read(&dir.path("p.ron")), saved);
}

#[test]
fn export_and_import_name_a_missing_input() {
    let dir = Dir::new();
    dir.write("p.ron", SAMPLE);
    let out = dir.run(&["import", "p.ron", "-f", "brat", "nowhere"]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("nowhere: no such file or folder"),
        "{}",
        stderr(&out)
    );
    let out = dir.run(&[
        "export",
        "p.ron",
        "-f",
        "csv",
        "-o",
        "x.csv",
        "--annotator",
        "nobody",
    ]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("no annotator layer \"nobody\""),
        "{}",
        stderr(&out)
    );
    // A format that does not import is a usage error, and not offered.
    let out = dir.run(&["import", "p.ron", "-f", "csv", "x.csv"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("invalid value 'csv' for '--format <FORMAT>'"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn import_help_lists_only_the_formats_that_import_and_the_doccano_keys() {
    let dir = Dir::new();
    let out = dir.run(&["import", "--help"]);
    assert_eq!(code(&out), 0);
    let help = stdout(&out);
    let listed: Vec<&str> = help
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- "))
        .filter_map(|l| l.split(':').next())
        .collect();
    // webanno: its reader is being built beside this list (issue 15).
    assert_eq!(
        listed,
        [
            "jsonl",
            "doccano",
            "conll",
            "brat",
            "labelstudio",
            "webanno",
            "w3c"
        ]
    );
    for format in [
        "csv",
        "graphml",
        "network-csv",
        "summary-md",
        "summary-html",
    ] {
        let out = dir.run(&["import", "p.ron", "-f", format, "x"]);
        assert_eq!(code(&out), 2, "{format}: {}", stderr(&out));
    }
    assert!(help.contains("--text-key <KEY>"), "{help}");
    assert!(help.contains("--label-key <KEY>"), "{help}");
}

#[test]
fn doccano_text_and_label_keys_import_named_columns_and_a_wrong_key_changes_nothing() {
    let dir = Dir::new();
    dir.write("p.ron", SAMPLE);
    let before = read(&dir.path("p.ron"));
    // doccano's own example of a project that named its columns.
    dir.write(
        "in.jsonl",
        read(Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/doccano-peers/column_data.jsonl"
        ))),
    );
    let import = |extra: &[&str]| {
        let mut args = vec!["import", "p.ron", "-f", "doccano", "in.jsonl"];
        args.extend(extra);
        dir.run(&args)
    };
    for (extra, says) in [
        (
            &[][..],
            "no example has the member \"text\" or \"data\" (name another with --text-key); the examples have \"column_data\", \"column_label\"",
        ),
        (
            &["--text-key", "body"][..],
            "no example has the member \"body\", which --text-key names",
        ),
        (
            &["--text-key", "column_data", "--label-key", "labels"][..],
            "no example has the member \"labels\", which --label-key names",
        ),
    ] {
        let out = import(extra);
        assert_eq!(code(&out), 1, "{extra:?}");
        let err = stderr(&out);
        assert!(
            err.contains(&format!("in.jsonl: {says}")),
            "{extra:?}: {err}"
        );
        assert!(err.contains("p.ron: unchanged"), "{err}");
        assert_eq!(read(&dir.path("p.ron")), before, "{extra:?}: untouched");
    }
    // The keys belong to doccano: with another format they are a usage error.
    let out = dir.run(&[
        "import",
        "p.ron",
        "-f",
        "jsonl",
        "in.jsonl",
        "--text-key",
        "column_data",
    ]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("jsonl has fixed names"),
        "{}",
        stderr(&out)
    );
    assert_eq!(read(&dir.path("p.ron")), before);

    let out = import(&[
        "--text-key",
        "column_data",
        "--label-key",
        "column_label",
        "--annotator",
        "cleo",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("3 annotations and 0 relations into cleo"),
        "{}",
        stdout(&out)
    );
    let stats = dir.run(&["stats", "p.ron", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&stats)).unwrap();
    assert_eq!(v["annotations_per_annotator"]["cleo"], 3);
}

#[test]
fn a_prodigy_db_out_with_an_ignored_task_imports_and_says_what_it_skipped() {
    let dir = Dir::new();
    dir.write("p.ron", SAMPLE);
    dir.write(
        "news.jsonl",
        read(Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/prodigy-peers/annotated_news_headlines-ORG-PERSON-LOCATION-ner.jsonl"
        ))),
    );
    let out = dir.run(&[
        "import",
        "p.ron",
        "-f",
        "jsonl",
        "news.jsonl",
        "--annotator",
        "cleo",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let report = stdout(&out);
    assert!(
        report.contains("303 annotations and 0 relations into cleo"),
        "{report}"
    );
    assert!(
        report.contains("1 task answered ignore, skipped"),
        "{report}"
    );
    assert!(
        report.contains("task fields not kept: _input_hash (372 tasks)"),
        "{report}"
    );
}

#[test]
fn agree_reports_pairs_alpha_and_writes_the_units() {
    let dir = Dir::new();
    assert_eq!(code(&dir.run(&["new", "p.ron"])), 0);
    let text = "Macron said talks could start soon.";
    let layers = [
        (
            "ann",
            serde_json::json!([[0, 6, "actor"], [12, 29, "claim"]]),
        ),
        (
            "ben",
            serde_json::json!([[0, 11, "actor"], [12, 23, "claim"]]),
        ),
    ];
    for (name, spans) in layers {
        let spans: Vec<_> = spans
            .as_array()
            .unwrap()
            .iter()
            .map(|s| serde_json::json!({"start": s[0], "end": s[1], "label": s[2]}))
            .collect();
        let line = serde_json::json!({"text": text, "spans": spans});
        dir.write(&format!("{name}.jsonl"), format!("{line}\n"));
        let out = dir.run(&[
            "import",
            "p.ron",
            "-f",
            "jsonl",
            &format!("{name}.jsonl"),
            "--annotator",
            name,
        ]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
    }

    let out = dir.run(&["agree", "p.ron", "--json", "--units", "units.json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["units"], 6);
    assert!(report["fleiss_kappa"].is_null());
    assert!(report["seed"].is_u64());
    let pair = &report["pairs"][0];
    assert_eq!(
        (pair["a"].as_str(), pair["b"].as_str()),
        (Some("ann"), Some("ben"))
    );
    // Labels ann: actor,-,claim,claim,claim,-; ben: actor,actor,claim,claim,-,-.
    // p_o = 4/6, p_e = (1·2 + 2·2 + 3·2)/36 → κ = 0.5.
    assert!((pair["cohen_kappa"].as_f64().unwrap() - 0.5).abs() < 1e-12);
    assert_eq!(pair["span_f1_exact"], 0.0);
    assert_eq!(pair["span_f1_relaxed"], 1.0);
    assert_eq!(pair["per_tag"].as_array().unwrap().len(), 2);
    let units: serde_json::Value = serde_json::from_slice(&read(&dir.path("units.json"))).unwrap();
    assert_eq!(
        units["documents"][0]["labels"][1],
        serde_json::json!(["", "actor"])
    );

    let out = dir.run(&["agree", "p.ron"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("ann / ben"), "{}", stdout(&out));

    let out = dir.run(&["agree", "p.ron", "--annotators", "ann"]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("at least two annotators"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn commands_that_write_refuse_a_project_open_in_a_window_unless_forced() {
    let dir = Dir::new();
    let project = dir.write("day.ron", SAMPLE);
    dir.write("more.txt", "A new article about the talks.\n");
    // This test process plays the window: it holds the project's lock while it runs.
    let window = marginalia::session::LockOwner::current();
    let lock = marginalia::session::Lock::acquire(&project, &window).unwrap();
    let before = read(&project);
    for args in [
        vec!["add", "day.ron", "more.txt"],
        vec!["fmt", "day.ron"],
        vec!["merge", "day.ron", "day.ron", "-o", "day.ron"],
    ] {
        let out = dir.run(&args);
        assert_eq!(code(&out), 1, "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("day.ron: the project is open elsewhere")
                && err.contains(&format!("process {}", std::process::id()))
                && err.contains("--force")
                && err.contains("Nothing was changed"),
            "{args:?}: {err}"
        );
        assert_eq!(read(&project), before, "{args:?} left the file as it was");
    }
    // Checking writes nothing, so it needs no lock.
    assert_eq!(code(&dir.run(&["fmt", "day.ron", "--check"])), 0);
    // Forced, the command writes, and the window's lock stays where it was.
    let out = dir.run(&["add", "day.ron", "more.txt", "--force"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_ne!(read(&project), before);
    assert!(marginalia::session::lock_path(&project).exists());
    lock.release().unwrap();
    // Once the window is closed, no force is needed, and the command leaves no lock behind.
    dir.write("third.txt", "A third article.\n");
    let out = dir.run(&["add", "day.ron", "third.txt"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!marginalia::session::lock_path(&project).exists());
}

#[test]
fn no_command_writes_over_its_project_its_backup_or_its_recovery_by_any_path() {
    let dir = Dir::new();
    let project = dir.write("day.ron", SAMPLE);
    dir.write("day.ron.bak", "the previous version");
    std::fs::create_dir(dir.path("sub")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&project, dir.path("link.ron")).unwrap();
    std::fs::hard_link(&project, dir.path("hard.ron")).unwrap();
    let before = read(&project);
    let mut attempts: Vec<Vec<&str>> = Vec::new();
    for out in [
        "day.ron",
        "./sub/../day.ron",
        "hard.ron",
        #[cfg(unix)]
        "link.ron",
        "day.ron.bak",
        "day.ron.recovery",
    ] {
        for format in ["jsonl", "csv", "w3c", "summary-md"] {
            attempts.push(vec![
                "export",
                "day.ron",
                "-f",
                format,
                "--annotator",
                "analyst",
                "-o",
                out,
            ]);
        }
        attempts.push(vec!["agree", "day.ron", "--units", out]);
    }
    // merge may write MINE, never THEIRS or a backup.
    attempts.push(vec!["merge", "mine.ron", "day.ron", "-o", "day.ron"]);
    attempts.push(vec!["merge", "day.ron", "day.ron", "-o", "day.ron.bak"]);
    dir.write("mine.ron", SAMPLE);
    for args in &attempts {
        let out = dir.run(args);
        let err = stderr(&out);
        assert_eq!(code(&out), 1, "{args:?}: {err}");
        assert!(
            err.contains("would destroy it") && err.contains("Nothing was written"),
            "{args:?}: {err}"
        );
        assert_eq!(read(&project), before, "{args:?} changed the project");
        assert_eq!(
            read(&dir.path("day.ron.bak")),
            b"the previous version",
            "{args:?}"
        );
        assert!(!dir.path("day.ron.recovery").exists(), "{args:?}");
    }
}

#[test]
fn export_onto_a_side_file_of_the_project_is_refused() {
    let dir = Dir::new();
    // csv writes OUT and OUT's stem + ".relations.csv": with OUT "x.csv" beside a project
    // called "x.relations.csv", the side file would be the project.
    let project = dir.write("x.relations.csv", SAMPLE);
    let before = read(&project);
    let out = dir.run(&["export", "x.relations.csv", "-f", "csv", "-o", "x.csv"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("x.relations.csv is the project"),
        "{}",
        stderr(&out)
    );
    assert_eq!(read(&project), before);
    assert!(
        !dir.path("x.csv").exists(),
        "nothing written, not even the main file"
    );
}

#[cfg(unix)]
#[test]
fn fifos_and_devices_are_refused_without_waiting_and_dash_is_standard_output() {
    let dir = Dir::new();
    dir.write("day.ron", SAMPLE);
    let fifo = dir.path("pipe.ron");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    dir.write("a.txt", "An article.\n");
    // Read as a project, an article or an import: refused at once (a blocked read would
    // hang the test, which is what it checks).
    for args in [
        vec!["stats", "pipe.ron"],
        vec!["validate", "pipe.ron"],
        vec!["add", "pipe.ron", "a.txt"],
        vec!["stats", "/dev/zero"],
    ] {
        let out = dir.run(&args);
        assert_eq!(code(&out), 1, "{args:?}");
        let err = stderr(&out);
        assert!(err.contains("not a regular file"), "{args:?}: {err}");
        assert_eq!(
            err.matches("not a regular file").count(),
            1,
            "said once: {err}"
        );
    }
    std::fs::rename(&fifo, dir.path("pipe.txt")).unwrap();
    let out = dir.run(&["add", "day.ron", "pipe.txt"]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("pipe.txt") && stderr(&out).contains("FIFO"),
        "{}",
        stderr(&out)
    );
    // Written to: a device or FIFO is refused; `-` is standard output.
    for target in ["/dev/null", "pipe.txt"] {
        let out = dir.run(&["export", "day.ron", "-f", "w3c", "-o", target]);
        assert_eq!(code(&out), 1, "{target}");
        assert!(
            stderr(&out).contains("not a regular file"),
            "{}",
            stderr(&out)
        );
    }
    let out = dir.run(&[
        "export",
        "day.ron",
        "-f",
        "jsonl",
        "--annotator",
        "analyst",
        "-o",
        "-",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let first: serde_json::Value =
        serde_json::from_str(stdout(&out).lines().next().unwrap()).unwrap();
    assert!(first["text"].as_str().unwrap().contains("Macron"));
    assert!(
        stderr(&out).contains("jsonl: 2 documents"),
        "the report on stderr"
    );
    let out = dir.run(&["export", "day.ron", "-f", "csv", "-o", "-"]);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("cannot go to standard output"));
    // Over the size limit: refused before reading, with the way out.
    let out = dir.run(&["stats", "day.ron", "--max-size", "1K"]);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("--max-size"), "{}", stderr(&out));
}

/// Two imports of different articles into one project at the same moment, `rounds` times:
/// (exit codes, documents at the end) of each round.
fn race_imports(extra: &[&str], rounds: usize) -> Vec<((i32, i32), u64)> {
    let dir = Dir::new();
    let line = |who: &str| serde_json::json!({"text": format!("{who} said talks could start."), "spans": [{"start": 0, "end": who.len(), "label": "actor"}]});
    let mut results = Vec::new();
    for round in 0..rounds {
        dir.write("p.ron", SAMPLE);
        dir.write("a.jsonl", format!("{}\n", line(&format!("Ana{round}"))));
        dir.write("b.jsonl", format!("{}\n", line(&format!("Bea{round}"))));
        let start = std::sync::Barrier::new(2);
        let (a, b) = std::thread::scope(|s| {
            let run = |input: &'static str| {
                let start = &start;
                let dir = &dir;
                s.spawn(move || {
                    let mut args = vec!["import", "p.ron", "-f", "jsonl", input];
                    args.extend_from_slice(extra);
                    start.wait();
                    dir.run(&args)
                })
            };
            let (a, b) = (run("a.jsonl"), run("b.jsonl"));
            (a.join().unwrap(), b.join().unwrap())
        });
        for out in [&a, &b] {
            assert!(
                code(out) == 0
                    || stderr(out).contains("open elsewhere")
                    || stderr(out).contains("the file changed while this command ran"),
                "{}",
                stderr(out)
            );
        }
        let stats = dir.run(&["stats", "p.ron", "--json"]);
        let v: serde_json::Value = serde_json::from_str(&stdout(&stats)).unwrap();
        results.push(((code(&a), code(&b)), v["documents"].as_u64().unwrap()));
    }
    results
}

#[test]
fn two_imports_at_once_are_both_applied_or_the_second_refused_never_one_lost() {
    // The sample has 2 documents; each import adds one.
    for ((a, b), docs) in race_imports(&[], 12) {
        let succeeded = u64::from(a == 0) + u64::from(b == 0);
        assert!(succeeded >= 1, "one of them always gets the lock");
        assert_eq!(
            docs,
            2 + succeeded,
            "exits ({a}, {b}): every success is in the file"
        );
    }
    // Told to wait, the second waits for the first and both land.
    for ((a, b), docs) in race_imports(&["--wait", "30"], 6) {
        assert_eq!((a, b, docs), (0, 0, 4));
    }
    // Forced past the lock, the later one finds the file changed (its look and its rename
    // are one step for the other writer) and stops; or both land one after the other.
    for ((a, b), docs) in race_imports(&["--force"], 20) {
        let succeeded = u64::from(a == 0) + u64::from(b == 0);
        assert!(succeeded >= 1, "one of them always lands");
        assert_eq!(docs, 2 + succeeded, "forced, exits ({a}, {b}): none lost");
    }
}

/// Runs the binary in a pseudo-terminal (util-linux's `script`), so that its standard error is
/// a terminal, with progress drawn from the start; returns what the terminal showed.
#[cfg(target_os = "linux")]
fn on_a_terminal(dir: &Dir, args: &[&str]) -> (i32, String) {
    let quoted: Vec<String> = std::iter::once(env!("CARGO_BIN_EXE_marginalia"))
        .chain(args.iter().copied())
        .map(|a| format!("'{a}'"))
        .collect();
    let out = Command::new("script")
        .args(["-qec", &quoted.join(" "), "/dev/null"])
        .current_dir(dir.0.path())
        .env("MARGINALIA_PROGRESS_AFTER_MS", "0")
        .output()
        .expect("util-linux's `script` runs the command in a pseudo-terminal");
    (code(&out), stdout(&out))
}

#[cfg(target_os = "linux")]
#[test]
fn long_commands_show_progress_on_a_terminal_only_never_with_json_and_wipe_it() {
    let dir = Dir::new();
    dir.write("p.ron", SAMPLE);
    // On a terminal: the step is named, then the line is wiped before the result.
    let (status, shown) = on_a_terminal(&dir, &["validate", "p.ron"]);
    assert_eq!(status, 0, "{shown}");
    let step = shown.find("checking p.ron (").expect(&shown);
    let wiped = shown.rfind("\x1b[2K").expect(&shown);
    let result = shown.find("p.ron: ok").expect(&shown);
    assert!(step < wiped && wiped < result, "{shown:?}");
    let (status, shown) = on_a_terminal(
        &dir,
        &[
            "export",
            "p.ron",
            "--format",
            "jsonl",
            "--annotator",
            "analyst",
            "-o",
            "p.jsonl",
        ],
    );
    assert_eq!(status, 0, "{shown}");
    assert!(shown.contains("reading p.ron ("), "{shown:?}");
    // An error comes after the wiped line, never inside it.
    let (status, shown) = on_a_terminal(
        &dir,
        &["export", "p.ron", "--format", "jsonl", "-o", "q.jsonl"],
    );
    assert_eq!(status, 1, "{shown}");
    let error = shown.find("error:").expect(&shown);
    assert!(shown.rfind("\x1b[2K").expect(&shown) < error, "{shown:?}");
    // --json: nothing but the JSON, even on a terminal.
    let (status, shown) = on_a_terminal(&dir, &["stats", "--json", "p.ron"]);
    assert_eq!(status, 0, "{shown}");
    assert!(
        !shown.contains("reading") && !shown.contains('\x1b'),
        "{shown:?}"
    );
    serde_json::from_str::<serde_json::Value>(&shown.replace("\r\n", "\n")).expect(&shown);
    // Not a terminal: nothing, whatever the delay.
    let out = Command::new(env!("CARGO_BIN_EXE_marginalia"))
        .current_dir(dir.0.path())
        .env("MARGINALIA_PROGRESS_AFTER_MS", "0")
        .args(["validate", "p.ron"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0);
    assert_eq!(stderr(&out), "");
    assert_eq!(stdout(&out), "p.ron: ok\n");
}

#[test]
fn import_places_w3c_annotations_of_other_tools_on_the_projects_article() {
    let dir = Dir::new();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let recogito = fixtures.join("w3c-tools/recogito.json");
    let spec = fixtures.join("w3c-spec/anno23.json");
    assert_eq!(code(&dir.run(&["new", "p.ron"])), 0);
    dir.write(
        "troy.txt",
        "Troy 🏛\u{fe0f} fell, and the news reached 東京 and Ithaca; Zoe\u{301} wrote of Troy again.\n",
    );
    assert_eq!(code(&dir.run(&["add", "p.ron", "troy.txt"])), 0);
    // RecogitoJS names no source: the project's only article it is, and the report says so.
    let out = dir.run(&["import", "p.ron", "-f", "w3c", recogito.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let report = stdout(&out);
    assert!(
        report.contains("3 annotations and 1 relations into Zoé"),
        "{report}"
    );
    assert!(
        report.contains("placed on the project's only article"),
        "{report}"
    );
    // The specification's quote is not in this article: refused, by file and annotation.
    let before = read(&dir.path("p.ron"));
    let out = dir.run(&["import", "p.ron", "-f", "w3c", spec.to_str().unwrap()]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(
        err.contains("anno23.json:")
            && err
                .contains("http://example.org/anno23: the quote \"anotation\" is not in the text"),
        "{err}"
    );
    assert_eq!(read(&dir.path("p.ron")), before, "unchanged");
}

#[test]
fn webanno_export_imports_back_onto_its_articles_and_bad_tsv_is_refused_by_line() {
    let dir = Dir::new();
    dir.write("p.ron", SAMPLE);
    let out = dir.run(&[
        "export",
        "p.ron",
        "-f",
        "webanno",
        "-o",
        "tsv",
        "--annotator",
        "analyst",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // The export says what INCEpTION needs before it imports the files.
    assert!(
        stdout(&out).contains("webanno.custom.Marginalia"),
        "{}",
        stdout(&out)
    );
    let out = dir.run(&[
        "import",
        "p.ron",
        "-f",
        "webanno",
        "tsv",
        "--annotator",
        "analyst",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let report = stdout(&out);
    // Every span and link is already there, on the articles it came from.
    assert!(report.contains("nothing new"), "{report}");

    let suite =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/inception-tsv3");
    let zero = suite.join("testZeroLengthSpansWithFeatureValues/reference.tsv");
    dir.write("zero.tsv", std::fs::read_to_string(zero).unwrap());
    let before = read(&dir.path("p.ron"));
    let out = dir.run(&["import", "p.ron", "-f", "webanno", "zero.tsv"]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(
        err.contains("zero.tsv:7: a zero-length Span annotation"),
        "{err}"
    );
    assert!(err.contains("zero.tsv:12:"), "{err}");
    assert_eq!(read(&dir.path("p.ron")), before);
}

#[test]
fn a_command_that_only_reads_reports_what_an_interrupted_save_left_and_a_write_removes_it() {
    let dir = Dir::new();
    dir.write("p.ron", SAMPLE);
    let left = dir.write(".p.ron.marginalia-Xy12ab.tmp", "half a save");
    for args in [
        &["validate", "p.ron"][..],
        &["stats", "p.ron"],
        &[
            "export",
            "p.ron",
            "-f",
            "jsonl",
            "--annotator",
            "analyst",
            "-o",
            "o.jsonl",
        ],
    ] {
        let out = dir.run(args);
        assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("1 temporary file(s) an interrupted save left lie beside it"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(
            left.exists(),
            "{args:?} only reads: it leaves the file to a writer"
        );
    }
    let out = dir.run(&["fmt", "p.ron"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("removed 1 temporary file(s)"),
        "{}",
        stderr(&out)
    );
    assert!(!left.exists());
    let out = dir.run(&["validate", "p.ron"]);
    assert!(!stderr(&out).contains("temporary"), "{}", stderr(&out));
}

#[test]
fn an_import_names_a_fifo_it_was_given_for_what_it_is() {
    let dir = Dir::new();
    dir.write("p.ron", SAMPLE);
    let fifo = dir.path("in.jsonl");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let out = dir.run(&["import", "p.ron", "-f", "jsonl", "in.jsonl"]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("in.jsonl: it is a FIFO (named pipe), not a regular file"),
        "{}",
        stderr(&out)
    );
    // In a folder, beside a file that imports, it is named too, not passed over.
    std::fs::create_dir(dir.path("in")).unwrap();
    std::fs::rename(&fifo, dir.path("in/pipe.jsonl")).unwrap();
    let out = dir.run(&["import", "p.ron", "-f", "jsonl", "in"]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("pipe.jsonl: it is a FIFO (named pipe), not a regular file"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn add_of_a_folder_holding_a_fifo_named_like_an_article_refuses_it_by_name() {
    let dir = Dir::new();
    assert_eq!(code(&dir.run(&["new", "p.ron"])), 0);
    let before = read(&dir.path("p.ron"));
    dir.write("in/a.txt", "A plain article.\n");
    let made = Command::new("mkfifo")
        .arg(dir.path("in/b.txt"))
        .status()
        .unwrap();
    assert!(made.success());
    let out = dir.run(&["add", "p.ron", "in"]);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("b.txt"), "{}", stderr(&out));
    assert!(stderr(&out).contains("FIFO"), "{}", stderr(&out));
    assert_eq!(read(&dir.path("p.ron")), before, "nothing was added");
}
