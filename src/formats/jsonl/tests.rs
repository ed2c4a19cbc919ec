use std::path::Path;

use serde_json::Value;

use crate::formats::{
    Export, ExportOptions, Format, ImportOptions, ImportProblem, LayerChoice, Loss, LossKind,
    Place, export, fixture, plan_import, write,
};
use crate::model::{Project, ReviewStatus};

fn export_ana(project: &Project) -> Export {
    let options = ExportOptions {
        layer: LayerChoice::One("ana".into()),
        documents: None,
    };
    export(project, Format::Jsonl, &options, &mut |_, _| {}).expect("exports")
}

fn options() -> ImportOptions {
    ImportOptions {
        annotator: None,
        fallback_annotator: "imported".into(),
        skip_invalid: false,
        now: jiff::Timestamp::UNIX_EPOCH,
    }
}

/// Reads `path` as jsonl and imports it into an empty project.
fn import(path: &Path) -> Result<Project, Vec<ImportProblem>> {
    let incoming = crate::formats::read(Format::Jsonl, &[path.to_owned()]).expect("importable");
    let mut project = Project::new("x");
    let plan = plan_import(&project, incoming, &options()).map_err(|f| f.problems)?;
    plan.edit.apply(&mut project).expect("applies");
    Ok(project)
}

/// Writes `lines` to a file in `dir` and reads it as jsonl.
fn read_lines(dir: &Path, lines: &[&str]) -> (std::path::PathBuf, crate::formats::Incoming) {
    let path = dir.join("in.jsonl");
    std::fs::write(&path, lines.join("\n")).expect("written");
    let incoming =
        crate::formats::read(Format::Jsonl, std::slice::from_ref(&path)).expect("importable");
    (path, incoming)
}

#[test]
fn the_export_of_the_fixture_matches_the_golden_file() {
    let p = fixture::project();
    let export = export_ana(&p);
    assert_eq!(export.files.len(), 1);
    fixture::golden("jsonl/ana.jsonl", &export.files[0].text);
}

#[test]
fn the_report_lists_the_split_annotation_and_nothing_else() {
    let p = fixture::project();
    let options = ExportOptions {
        layer: LayerChoice::One("ana".into()),
        documents: None,
    };
    let mut steps = Vec::new();
    let report = export(&p, Format::Jsonl, &options, &mut |done, total| {
        steps.push((done, total))
    })
    .expect("exports")
    .report;
    assert_eq!(steps.last(), Some(&(2, 2)), "progress reaches the end");
    assert_eq!(report.format, "jsonl");
    assert_eq!(report.unit, Some("code points"));
    assert_eq!(report.layers, ["ana"]);
    assert_eq!(
        (report.documents, report.annotations, report.relations),
        (2, 9, 3)
    );
    assert_eq!(
        report.not_carried,
        [Loss {
            doc: "d1".into(),
            id: "a-talks".into(),
            label: "claim".into(),
            quote: "talks resume".into(),
            kind: LossKind::Split { fragments: 2 },
        }]
    );
    assert!(report.fields_not_carried.is_empty());
}

#[test]
fn offsets_count_code_points_as_python_does() {
    let p = fixture::project();
    let text = export_ana(&p).files.remove(0).text;
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).expect("json");
        let chars: Vec<char> = v["text"].as_str().expect("text").chars().collect();
        let slice = |item: &Value| -> String {
            let (s, e) = (item["start"].as_u64(), item["end"].as_u64());
            chars[s.expect("start") as usize..e.expect("end") as usize]
                .iter()
                .collect()
        };
        let tokens = v["tokens"].as_array().expect("tokens");
        for t in tokens {
            assert_eq!(slice(t), t["text"].as_str().expect("token text"));
        }
        for s in v["spans"].as_array().expect("spans") {
            assert_eq!(slice(s), s["text"].as_str().expect("span text"));
            let first = &tokens[s["token_start"].as_u64().expect("token_start") as usize];
            let last = &tokens[s["token_end"].as_u64().expect("token_end") as usize];
            assert_eq!(
                (first["start"].clone(), last["end"].clone()),
                (s["start"].clone(), s["end"].clone())
            );
        }
        assert_eq!(v["meta"]["offsets"], "code points");
    }
    // After "Macron 🇫🇷": the flag is two code points (bytes would say 8, UTF-16 4).
    let first: Value = serde_json::from_str(text.lines().next().expect("line")).expect("json");
    let claim = first["spans"]
        .as_array()
        .expect("spans")
        .iter()
        .find(|s| s["id"] == "a-claim")
        .expect("a-claim");
    assert_eq!(
        (claim["start"].as_u64(), claim["end"].as_u64()),
        (Some(20), Some(56))
    );
}

#[test]
fn a_round_trip_keeps_every_span_note_entity_status_and_relation() {
    let p = fixture::project();
    let mut export = export_ana(&p);
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out.jsonl");
    write(&out, &mut export, &crate::formats::Protected::default()).expect("written");
    let back = import(&out).expect("imports");
    assert_eq!(
        fixture::spans(&back, Some("ana")),
        fixture::spans(&p, Some("ana"))
    );
    assert_eq!(
        fixture::links(&back, Some("ana")),
        fixture::links(&p, Some("ana"))
    );
    assert!(back.annotations.values().all(|a| a.annotator == "ana"));
    let accepted: Vec<&str> = back
        .annotations
        .values()
        .filter(|a| a.status == ReviewStatus::Accepted)
        .map(|a| a.quote.as_str())
        .collect();
    assert_eq!(accepted, ["Zoe\u{301} Ba\u{301}nh"]);
    let titles: Vec<&str> = back
        .documents
        .iter()
        .map(|d| d.meta.title.as_str())
        .collect();
    assert_eq!(titles, ["Macron et la Chine", "Second"]);
    let kinds: Vec<_> = back
        .entities
        .values()
        .map(|e| (e.name.as_str(), e.kind))
        .collect();
    assert!(kinds.contains(&("Emmanuel Macron", crate::model::EntityKind::Person)));
}

#[test]
fn spacy_and_prodigy_lines_are_read_without_ids() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, incoming) = read_lines(
        dir.path(),
        &[
            r#"{"text": "👩‍👩‍👧 Xi said talks could start.", "meta": {"title": "Prodigy"}, "answer": "accept", "spans": [{"start": 6, "end": 8, "label": "PERSON", "token_start": 1, "token_end": 1}, {"start": 14, "end": 31, "label": "claim", "token_start": 3, "token_end": 5}], "relations": [{"head": 5, "child": 1, "head_span": {"start": 14, "end": 31, "label": "claim"}, "child_span": {"start": 6, "end": 8, "label": "PERSON"}, "label": "said_by"}]}"#,
            r#"{"text": "Putin spoke.", "spans": [{"start": 0, "end": 5, "label": "PERSON"}], "relations": []}"#,
        ],
    );
    assert_eq!(incoming.problems, []);
    assert_eq!(incoming.documents.len(), 2);
    let doc = &incoming.documents[0];
    assert_eq!(doc.place, Place::line(&path, 1));
    assert_eq!(doc.meta.title, "Prodigy");
    assert_eq!(doc.annotations[0].fragments, [(6, 8)]);
    assert_eq!(doc.relations[0].from, doc.annotations[1].key);
    assert_eq!(doc.relations[0].to, doc.annotations[0].key);

    let project = import(&path).expect("imports");
    let quotes: Vec<(&str, &str)> = project
        .annotations
        .values()
        .map(|a| (a.tag.as_str(), a.quote.as_str()))
        .collect();
    assert!(quotes.contains(&("person", "Xi")));
    assert!(quotes.contains(&("claim", "talks could start")));
    assert!(quotes.contains(&("person", "Putin")));
    let links = fixture::links(&project, None);
    assert_eq!(
        links.into_iter().collect::<Vec<_>>(),
        [(
            "said_by".to_owned(),
            "talks could start".to_owned(),
            "Xi".to_owned()
        )]
    );
    assert!(
        project
            .annotations
            .values()
            .all(|a| a.annotator == "imported")
    );
}

#[test]
fn a_relation_may_name_its_ends_by_their_last_token() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, incoming) = read_lines(
        dir.path(),
        &[
            r#"{"text": "Xi said talks could start.", "spans": [{"start": 0, "end": 2, "label": "actor", "token_end": 0}, {"start": 8, "end": 25, "label": "claim", "token_end": 4}], "relations": [{"head": 4, "child": 0, "label": "said_by"}, {"head": 3, "child": 0, "label": "said_by"}]}"#,
        ],
    );
    let doc = &incoming.documents[0];
    assert_eq!(doc.relations.len(), 1);
    assert_eq!(
        (doc.relations[0].from.as_str(), doc.relations[0].to.as_str()),
        ("#2", "#1")
    );
    assert_eq!(incoming.problems.len(), 1);
    assert!(
        incoming.problems[0]
            .message
            .contains("relation 2 (said_by): head token 3 ends no span")
    );
}

#[test]
fn bad_lines_are_reported_by_file_and_line_and_the_rest_is_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, incoming) = read_lines(
        dir.path(),
        &[
            r#"{"text": "Macron spoke.", "spans": [{"start": 0, "end": 6, "label": "actor"}]}"#,
            r#"{"text": "broken", "spans": [{"start": 0,"#,
            r#"{"text": "Putin spoke.", "spans": [{"start": 0, "end": 5, "label": "actor"}]}"#,
        ],
    );
    assert_eq!(incoming.documents.len(), 2);
    assert_eq!(incoming.problems.len(), 1, "{:?}", incoming.problems);
    assert_eq!(incoming.problems[0].place, Place::line(&path, 2));
    assert!(incoming.problems[0].message.contains("not JSON"));
    assert!(
        incoming.problems[0]
            .to_string()
            .starts_with(&format!("{}:2: ", path.display()))
    );
}

#[test]
fn lines_without_text_or_with_bad_fields_are_problems() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, incoming) = read_lines(
        dir.path(),
        &[
            r#"{"spans": []}"#,
            r#"[1, 2]"#,
            "",
            r#"{"text": "Macron spoke.", "spans": [{"start": "0", "end": 6, "label": "actor"}, {"start": 7, "end": 12, "label": "claim", "status": "maybe"}]}"#,
            r#"{"text": "Macron spoke.", "meta": {"sha256": "00"}}"#,
            r#"{"text": "Macron spoke.", "spans": [{"start": 0, "end": 6, "label": "actor", "id": "a"}, {"start": 7, "end": 12, "label": "claim", "id": "a"}]}"#,
            r#"{"text": "Macron spoke.", "relations": [{"label": "said_by", "head_span": {"start": 1, "end": 2}, "to": "x"}]}"#,
            r#"{"text": "Macron spoke.", "answer": "reject", "spans": [{"start": 0, "end": 6, "label": "actor"}]}"#,
        ],
    );
    let found: Vec<(usize, &str)> = incoming
        .problems
        .iter()
        .map(|p| (p.place.line.expect("line"), p.message.as_str()))
        .collect();
    let expect = [
        (1, "no \"text\" field"),
        (2, "expected a JSON object"),
        (4, "span 1: invalid type: string \"0\""),
        (4, "span 2: unknown variant `maybe`"),
        (5, "meta.sha256 is 00"),
        (6, "span 2: annotation a is labelled \"actor\""),
        (7, "relation 1 (said_by): head_span 1–2 matches no span"),
        (8, "Prodigy's answer is \"reject\""),
    ];
    assert_eq!(found.len(), expect.len(), "{found:?}");
    for ((line, message), (want_line, want)) in found.iter().zip(expect) {
        assert_eq!(*line, want_line, "{message}");
        assert!(
            message.contains(want),
            "line {line}: {message:?} lacks {want:?}"
        );
    }
    assert!(incoming.problems.iter().all(|p| p.place.file == path));
}

#[test]
fn offsets_past_the_end_and_quotes_that_differ_refuse_the_import_by_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, _) = read_lines(
        dir.path(),
        &[
            r#"{"text": "Macron spoke.", "spans": [{"start": 0, "end": 6, "label": "actor", "text": "Macron"}]}"#,
            r#"{"text": "Putin spoke.", "spans": [{"start": 6, "end": 40, "label": "claim"}]}"#,
            r#"{"text": "Xi spoke.", "spans": [{"start": 0, "end": 2, "label": "actor", "text": "Li"}]}"#,
        ],
    );
    let problems = import(&path).expect_err("refused");
    let found: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found[0].starts_with(&format!("{}:2: ", path.display())),
        "{}",
        found[0]
    );
    assert!(found[0].contains("past the end"), "{}", found[0]);
    assert!(
        found[1].starts_with(&format!("{}:3: ", path.display())),
        "{}",
        found[1]
    );
    assert!(found[1].contains("the file says \"Li\""), "{}", found[1]);
}
