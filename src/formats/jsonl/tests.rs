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
    crate::formats::fixture::import_options()
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

    // An article's progress per annotator has no place in `meta`, and is said.
    let mut p = p;
    p.documents[0]
        .meta
        .status
        .insert("ana".into(), crate::model::DocStatus::Done);
    let report = export(&p, Format::Jsonl, &options, &mut |_, _| {})
        .expect("exports")
        .report;
    assert_eq!(
        report.fields_not_carried.get("document status"),
        Some(&1),
        "{:?}",
        report.fields_not_carried
    );
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
    assert!(quotes.contains(&("PERSON", "Xi")));
    assert!(quotes.contains(&("claim", "talks could start")));
    assert!(quotes.contains(&("PERSON", "Putin")));
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
            r#"{"text": "Macron spoke.", "answer": "maybe", "spans": [{"start": 0, "end": 6, "label": "actor"}]}"#,
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
        (9, "Prodigy's answer is \"maybe\""),
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

/// The coded fixture with its documents and schema but no annotations, relations, article
/// variables or entity references: what a round trip must fill again.
fn emptied(p: &Project) -> Project {
    let mut empty = p.clone();
    empty.annotations.clear();
    empty.relations.clear();
    empty.entities.clear();
    for d in &mut empty.documents {
        d.meta.variables.clear();
    }
    empty
}

/// Reads `path` as jsonl and imports it into `project`.
fn import_into(project: &mut Project, path: &Path) -> crate::formats::ImportReport {
    let incoming = crate::formats::read(Format::Jsonl, &[path.to_owned()]).expect("importable");
    assert_eq!(incoming.problems, []);
    let plan = plan_import(project, incoming, &options()).expect("plans");
    plan.edit.apply(project).expect("applies");
    plan.report
}

/// The values of the annotations of `layer`, by (tag, fragments in bytes).
fn coded_spans(
    p: &Project,
    layer: &str,
) -> std::collections::BTreeMap<(String, Vec<(usize, usize)>), crate::model::Values> {
    p.annotations
        .values()
        .filter(|a| a.annotator == layer)
        .map(|a| {
            (
                (
                    a.tag.to_string(),
                    a.fragments.iter().map(|f| (f.start.0, f.end.0)).collect(),
                ),
                a.values.clone(),
            )
        })
        .collect()
}

#[test]
fn the_export_of_the_coded_fixture_matches_the_golden_file() {
    let p = crate::formats::coded_fixture::project();
    let export = export_ana(&p);
    fixture::golden("jsonl/coded-ana.jsonl", &export.files[0].text);
    assert!(
        export.report.fields_not_carried.is_empty(),
        "every code is carried: {:?}",
        export.report.fields_not_carried
    );
}

#[test]
fn codes_are_written_by_label_as_json_of_their_kind() {
    let p = crate::formats::coded_fixture::project();
    let text = export_ana(&p).files.remove(0).text;
    let first: Value = serde_json::from_str(text.lines().next().expect("line")).expect("json");
    let span = |id: &str| {
        first["spans"]
            .as_array()
            .expect("spans")
            .iter()
            .find(|s| s["id"] == id)
            .cloned()
            .expect("span")
    };
    assert_eq!(
        span("a-claim")["attributes"],
        serde_json::json!({
            "Stance": "supports",
            "Concept": "Waffenstillstand 停火",
            "Negated": true,
            "Intensity": -2,
            "Comment 注": "« talks », \"quoted\" 北京 👩‍👩‍👧 e\u{301}\nline 2",
            "Frames": ["économie", "安全"],
        })
    );
    // Both spans of the split claim carry its values.
    let talks: Vec<&Value> = first["spans"]
        .as_array()
        .expect("spans")
        .iter()
        .filter(|s| s["id"] == "a-talks")
        .collect();
    assert_eq!(talks.len(), 2);
    for s in talks {
        assert_eq!(
            s["attributes"],
            serde_json::json!({"Stance": "opposes", "Concept": "Waffenstillstand 停火", "Intensity": 1})
        );
    }
    assert_eq!(
        span("a-macron")["attributes"],
        serde_json::json!({"Stance": "pro-EU ✓"})
    );
    assert!(span("a-xi").get("attributes").is_none());
    let meta = &first["meta"];
    assert_eq!(
        (
            &meta["Outlet"],
            &meta["Words"],
            &meta["Seen"],
            &meta["Desk 🗞️"]
        ),
        (
            &Value::from("人民日报"),
            &Value::from("-12.5"),
            &Value::from("2023-04"),
            &Value::from("Außenpolitik, Asien")
        )
    );
    let said = first["relations"]
        .as_array()
        .expect("relations")
        .iter()
        .find(|r| r["id"] == "r-said")
        .expect("r-said");
    assert_eq!(said["note"], "said on TV 📺, \"live\"");
    assert_eq!(said["attributes"], serde_json::json!({"Certainty": 3}));
    let macron = first["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .find(|e| e["name"] == "Emmanuel Macron")
        .expect("entity");
    assert_eq!(
        macron["refs"],
        serde_json::json!([{"kb": "Wikidata", "id": "Q3052772"}])
    );
}

#[test]
fn codes_of_every_kind_round_trip_into_the_project_they_came_from() {
    let p = crate::formats::coded_fixture::project();
    let mut export = export_ana(&p);
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out.jsonl");
    write(&out, &mut export, &crate::formats::Protected::default()).expect("written");
    let mut back = emptied(&p);
    let report = import_into(&mut back, &out);
    assert!(
        report.new_attributes.is_empty(),
        "{:?}",
        report.new_attributes
    );
    assert!(report.new_codes.is_empty(), "{:?}", report.new_codes);
    assert!(
        report.new_variables.is_empty(),
        "{:?}",
        report.new_variables
    );
    assert_eq!(back.schema, p.schema, "the schema fits as it is");
    assert_eq!(coded_spans(&back, "ana"), coded_spans(&p, "ana"));
    let links = |p: &Project| {
        p.relations
            .values()
            .filter(|r| r.annotator == "ana")
            .map(|r| {
                let from = &p.annotations[&r.from].quote;
                (
                    (r.kind.to_string(), from.clone()),
                    (r.note.clone(), r.values.clone()),
                )
            })
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    assert_eq!(links(&back), links(&p));
    for (b, o) in back.documents.iter().zip(&p.documents) {
        assert_eq!(b.meta.variables, o.meta.variables, "{}", o.id);
    }
    let refs = |p: &Project| {
        p.entities
            .values()
            .map(|e| (e.name.clone(), e.refs.clone()))
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    assert_eq!(refs(&back), refs(&p));
    // And the project saves and loads with them.
    let saved = crate::store::to_string(&back).expect("saves");
    crate::store::from_str(Path::new("back.ron"), &saved).expect("valid");
}

#[test]
fn into_a_new_project_each_value_brings_an_attribute_of_its_kind() {
    use crate::model::{AttributeKind, Value as V};
    let p = crate::formats::coded_fixture::project();
    let mut export = export_ana(&p);
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out.jsonl");
    write(&out, &mut export, &crate::formats::Protected::default()).expect("written");
    let back = import(&out).expect("imports");
    let kind = |tag: &str, label: &str| {
        back.schema
            .tag(&tag.into())
            .and_then(|t| t.attributes.iter().find(|a| a.label == label))
            .map(|a| a.kind.clone())
            .unwrap_or_else(|| panic!("{tag} has no {label}"))
    };
    assert_eq!(kind("claim", "Negated"), AttributeKind::Flag);
    assert_eq!(kind("claim", "Comment 注"), AttributeKind::Text);
    assert!(matches!(
        kind("claim", "Frames"),
        AttributeKind::Choice { multiple: true, .. }
    ));
    assert_eq!(
        kind("claim", "Intensity"),
        AttributeKind::Scale { min: -2, max: 1 }
    );
    // The default schema's stance and concept take the strings as a choice and a code.
    assert!(matches!(
        kind("claim", "Stance"),
        AttributeKind::Choice { .. }
    ));
    assert!(matches!(
        kind("claim", "Concept"),
        AttributeKind::Code { .. }
    ));
    // An actor has no stance by default: the string is free text.
    assert_eq!(kind("actor", "Stance"), AttributeKind::Text);
    let claim = back
        .annotations
        .values()
        .find(|a| a.quote == "les pourparlers pourraient commencer")
        .expect("claim");
    assert_eq!(
        claim.values.get(&"stance".into()),
        Some(&V::Choice(vec!["supports".into()]))
    );
    let concept = match claim.values.get(&"concept".into()) {
        Some(V::Code(c)) => c.clone(),
        other => panic!("concept is {other:?}"),
    };
    let book = &back.codebooks[&crate::model::CodebookId::from(crate::model::CONCEPTS)];
    assert_eq!(
        book.code(&concept).map(|c| c.label.as_str()),
        Some("Waffenstillstand 停火")
    );
    let d1 = &back.documents[0];
    let outlet = back
        .schema
        .variables
        .iter()
        .find(|v| v.label == "Outlet")
        .expect("Outlet");
    assert_eq!(d1.meta.variables[&outlet.id], "人民日报");
}

#[test]
fn bad_attribute_values_are_problems_at_their_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, incoming) = read_lines(
        dir.path(),
        &[
            r#"{"text": "Macron spoke.", "meta": {"Outlet": "Le Monde", "Words": 12, "nested": {"a": 1}}, "spans": [{"start": 0, "end": 6, "label": "actor", "attributes": {"Frames": [1, 2], "Stance": "pro", "Gone": null, "Off": false, "Where": {"x": 1}, "Share": 0.5}}], "relations": [{"label": "said_by", "from": "a", "to": "a", "attributes": {"Oops": {}}}]}"#,
        ],
    );
    let found: Vec<(usize, &str)> = incoming
        .problems
        .iter()
        .map(|p| (p.place.line.expect("line"), p.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (
                1,
                "span 1: attribute \"Frames\" is a list of something other than strings; expected the labels of its choices"
            ),
            (
                1,
                "span 1: attribute \"Where\" is an object; expected true, a number, a string or a list of strings"
            ),
            (
                1,
                "relation 1: attribute \"Oops\" is an object; expected true, a number, a string or a list of strings"
            ),
        ]
    );
    assert!(incoming.problems.iter().all(|p| p.place.file == path));
    let doc = &incoming.documents[0];
    use crate::formats::incoming::InValue;
    assert_eq!(
        doc.annotations[0].values,
        [
            ("Share".to_owned(), InValue::Text("0.5".into())),
            ("Stance".to_owned(), InValue::Text("pro".into())),
        ]
    );
    assert_eq!(
        doc.variables,
        [
            ("Outlet".to_owned(), "Le Monde".to_owned()),
            ("Words".to_owned(), "12".to_owned()),
            ("nested".to_owned(), r#"{"a":1}"#.to_owned()),
        ],
        "an object in meta is kept as JSON text, and counted"
    );
    assert_eq!(
        incoming.notes,
        ["1 meta value is a list or an object, kept as JSON text in an article variable"]
    );
}

#[test]
fn a_variable_labelled_like_a_member_of_meta_is_counted_not_written() {
    let mut p = crate::formats::coded_fixture::project();
    p.schema.variables[0].label = "title".into();
    let mut export = export_ana(&p);
    let first: Value =
        serde_json::from_str(export.files.remove(0).text.lines().next().expect("line"))
            .expect("json");
    assert_eq!(first["meta"]["title"], "Macron et la Chine");
    assert_eq!(
        export.report.fields_not_carried,
        [(crate::formats::field::ARTICLE_VARIABLE, 2)].into(),
        "the outlet of both articles"
    );
}

#[test]
fn tokens_and_their_spaces_rebuild_the_text_and_hold_every_span() {
    let (p, _) = crate::model::project_from_marked(
        "[actor|Macron]  said:\n\n[claim| a deal ] 🇫🇷 中国 [actor|e\u{301}]x \u{3000}end",
        "ana",
        jiff::Timestamp::UNIX_EPOCH,
    )
    .expect("marked");
    let text = export_ana(&p).files.remove(0).text;
    let v: Value = serde_json::from_str(text.lines().next().expect("line")).expect("json");
    let tokens = v["tokens"].as_array().expect("tokens");
    // What spaCy's Doc(words, spaces) joins.
    let mut rebuilt = String::new();
    for t in tokens {
        rebuilt.push_str(t["text"].as_str().expect("text"));
        if t["ws"] == true {
            rebuilt.push(' ');
        }
    }
    assert_eq!(rebuilt, v["text"].as_str().expect("text"));
    let words: Vec<(&str, bool)> = tokens
        .iter()
        .map(|t| (t["text"].as_str().expect("text"), t["ws"] == true))
        .collect();
    assert_eq!(
        words[..6],
        [
            ("Macron", true),
            (" ", false),
            ("said", false),
            (":", false),
            ("\n\n", false),
            // " a deal " starts at a space: the space is a token of its own.
            (" ", false)
        ]
    );
    for s in v["spans"].as_array().expect("spans") {
        let (first, last) = (&s["token_start"], &s["token_end"]);
        let first = &tokens[first.as_u64().expect("token_start") as usize];
        let last = &tokens[last.as_u64().expect("token_end") as usize];
        assert_eq!((&first["start"], &last["end"]), (&s["start"], &s["end"]));
    }
}
