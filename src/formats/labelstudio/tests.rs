use serde_json::Value;

use crate::formats::{
    ExportOptions, Format, ImportOptions, ImportProblem, LayerChoice, LossKind, export, fixture,
    plan_import, read, write,
};
use crate::model::{AnnotationId, Project, ReviewStatus};

fn options() -> ImportOptions {
    ImportOptions {
        annotator: None,
        fallback_annotator: "imported".into(),
        skip_invalid: false,
        now: jiff::Timestamp::UNIX_EPOCH,
    }
}

fn exported() -> crate::formats::Export {
    export(
        &fixture::project(),
        Format::Labelstudio,
        &ExportOptions::default(),
        &mut |_, _| {},
    )
    .expect("exports")
}

#[test]
fn the_fixture_exports_as_golden_tasks_and_config() {
    let out = exported();
    assert_eq!(out.files.len(), 2);
    fixture::golden("labelstudio/fixture.json", &out.files[0].text);
    fixture::golden("labelstudio/fixture.config.xml", &out.files[1].text);
    let r = &out.report;
    assert_eq!(r.layers, ["ana", "ben"]);
    assert_eq!((r.documents, r.annotations, r.relations), (2, 11, 4));
    assert_eq!(r.not_carried.len(), 1);
    assert_eq!(r.not_carried[0].id, "a-talks");
    assert_eq!(r.not_carried[0].kind, LossKind::Split { fragments: 2 });
    // Both entities are persons; the entity text area holds only the name.
    assert_eq!(r.fields_not_carried, [("entity kind", 2)].into());
    assert_eq!(r.unit, Some("UTF-16 code units"));
}

#[test]
fn every_region_is_its_utf16_slice_of_the_text() {
    let out = exported();
    let tasks: Value = serde_json::from_str(&out.files[0].text).expect("json");
    let mut regions = 0;
    for task in tasks.as_array().expect("array") {
        let text: Vec<u16> = task["data"]["text"]
            .as_str()
            .expect("text")
            .encode_utf16()
            .collect();
        for ann in task["annotations"].as_array().expect("annotations") {
            for item in ann["result"].as_array().expect("result") {
                if item["type"] != "labels" {
                    continue;
                }
                let v = &item["value"];
                let (s, e) = (
                    v["start"].as_u64().expect("start"),
                    v["end"].as_u64().expect("end"),
                );
                let slice = String::from_utf16(&text[s as usize..e as usize]).expect("whole chars");
                assert_eq!(slice, v["text"].as_str().expect("quote"), "{item}");
                regions += 1;
            }
        }
    }
    // 12 annotations, one of them in two fragments.
    assert_eq!(regions, 13);
}

/// The fixture as Label Studio carries it: `a-talks` as two spans, its relation from the first.
fn as_carried() -> Project {
    let mut p = fixture::project();
    let talks = p
        .annotations
        .remove(&AnnotationId("a-talks".into()))
        .expect("a-talks");
    let text = p.documents[0].text.clone();
    for (k, f) in talks.fragments.iter().enumerate() {
        let mut part = talks.clone();
        part.id = AnnotationId(format!("a-talks-{k}"));
        part.fragments = vec![*f];
        part.quote = text[f.bytes()].to_owned();
        p.annotations.insert(part.id.clone(), part);
    }
    for r in p.relations.values_mut() {
        if r.from.as_str() == "a-talks" {
            r.from = AnnotationId("a-talks-0".into());
        }
    }
    p
}

#[test]
fn a_round_trip_keeps_every_layer_span_note_entity_status_and_relation() {
    let mut out = exported();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("tasks.json");
    write(&file, &mut out, &crate::formats::Protected::default()).expect("written");
    assert!(dir.path().join("tasks.config.xml").is_file());
    let incoming = read(Format::Labelstudio, &[file]).expect("reads");
    assert!(incoming.problems.is_empty(), "{:?}", incoming.problems);
    let mut p = Project::new("x");
    let plan = plan_import(&p, incoming, &options()).expect("plans");
    plan.edit.apply(&mut p).expect("applies");
    let want = as_carried();
    for layer in ["ana", "ben"] {
        assert_eq!(
            fixture::spans(&p, Some(layer)),
            fixture::spans(&want, Some(layer)),
            "{layer}"
        );
        assert_eq!(
            fixture::links(&p, Some(layer)),
            fixture::links(&want, Some(layer)),
            "{layer}"
        );
    }
    assert!(fixture::spans(&p, Some("imported")).is_empty());
    let accepted: Vec<&str> = p
        .annotations
        .values()
        .filter(|a| a.status == ReviewStatus::Accepted)
        .map(|a| a.quote.as_str())
        .collect();
    assert_eq!(accepted, ["Zoe\u{301} Ba\u{301}nh"]);
    assert_eq!(p.documents[0].meta.title, "Macron et la Chine");
}

fn problems_of(name: &str, json: &str) -> (tempfile::TempDir, Vec<ImportProblem>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join(name);
    std::fs::write(&file, json).expect("written");
    let incoming = read(Format::Labelstudio, &[file]).expect("reads");
    let problems = match plan_import(&Project::new("x"), incoming, &options()) {
        Ok(_) => Vec::new(),
        Err(failure) => failure.problems,
    };
    (dir, problems)
}

fn at(problems: &[ImportProblem]) -> Vec<(String, usize)> {
    problems
        .iter()
        .map(|p| {
            let file = p
                .place
                .file
                .file_name()
                .map(|f| f.to_string_lossy().into_owned());
            (file.unwrap_or_default(), p.place.line.unwrap_or(0))
        })
        .collect()
}

#[test]
fn broken_json_is_one_problem_at_its_line() {
    let (_dir, problems) = problems_of(
        "broken.json",
        "[\n  {\"data\": {\"text\": \"a\"}},\n  {\"data\": }\n]\n",
    );
    assert_eq!(at(&problems), [("broken.json".to_owned(), 3)]);
    assert!(
        problems[0].message.contains("not valid JSON"),
        "{}",
        problems[0]
    );
}

#[test]
fn bad_offsets_and_shapes_are_reported_by_line_without_stopping() {
    let json = r#"[
  {"data": {"text": "a😀b"},
   "annotations": [{"result": [
     {"id": "r1", "type": "labels", "from_name": "label", "to_name": "text",
      "value": {"start": 1, "end": 2, "labels": ["actor"]}},
     {"id": "r2", "type": "labels", "value": {"start": 0, "end": 99, "labels": ["actor"]}},
     {"id": "r3", "type": "labels", "value": {"start": 0, "end": 1, "text": "b", "labels": ["actor"]}},
     {"id": "r4", "type": "rectanglelabels", "value": {"x": 1}},
     {"id": "r5", "type": "labels", "value": {"start": -1, "end": 1, "labels": ["actor"]}}
   ]}]},
  {"data": {"image": "x.png"}},
  {"data": {"text": "fine"}, "annotations": [{"result": [
     {"id": "ok", "type": "labels", "value": {"start": 0, "end": 4, "text": "fine", "labels": ["claim"]}}]}]}
]
"#;
    let (_dir, problems) = problems_of("bad.json", json);
    let lines: Vec<usize> = at(&problems).into_iter().map(|(_, l)| l).collect();
    let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
    // Reader and planner problems together, in line order.
    assert_eq!(lines, [4, 6, 7, 8, 9, 11], "{messages:#?}");
    assert!(
        messages[0].contains("inside a character"),
        "{}",
        messages[0]
    );
    assert!(messages[1].contains("past the end"), "{}", messages[1]);
    assert!(messages[2].contains("\"b\""), "{}", messages[2]);
    assert!(messages[3].contains("rectanglelabels"));
    assert!(messages[4].contains("whole numbers"));
    assert!(messages[5].contains("data.text"));
    assert!(problems.iter().all(|p| {
        p.to_string()
            .starts_with(&p.place.file.display().to_string())
    }));
}

#[test]
fn label_studios_own_export_is_read_with_its_annotators_and_per_region_fields() {
    let json = r#"{
  "id": 7,
  "data": {"text": "Macron said talks could start."},
  "annotations": [
    {"completed_by": {"id": 3, "email": "cleo@example.org"}, "result": [
      {"id": "x1", "type": "labels", "from_name": "label", "to_name": "text",
       "value": {"start": 0, "end": 6, "text": "Macron", "labels": ["Person"]}},
      {"id": "x2", "type": "labels", "value": {"start": 12, "end": 29, "labels": ["claim"]}},
      {"id": "x1", "type": "textarea", "from_name": "comments", "value": {"start": 0, "end": 6, "text": ["check"]}},
      {"from_id": "x2", "to_id": "x1", "type": "relation", "direction": "left", "labels": ["cites"]}
    ]},
    {"completed_by": 12, "result": [
      {"id": "y1", "type": "labels", "value": {"start": 0, "end": 6, "labels": ["actor"]}}
    ]}
  ]
}"#;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("one.json");
    std::fs::write(&file, json).expect("written");
    let incoming = read(Format::Labelstudio, &[file]).expect("reads");
    assert!(incoming.problems.is_empty(), "{:?}", incoming.problems);
    let mut p = Project::new("x");
    let plan = plan_import(&p, incoming, &options()).expect("plans");
    assert_eq!(plan.report.layers, ["cleo@example.org", "imported"]);
    plan.edit.apply(&mut p).expect("applies");
    let cleo = fixture::spans(&p, Some("cleo@example.org"));
    let notes: Vec<&str> = cleo.iter().map(|s| s.3.as_str()).collect();
    assert_eq!(notes, ["", "comments: check"]);
    assert_eq!(
        fixture::links(&p, Some("cleo@example.org")),
        [(
            "cites".to_owned(),
            "Macron".to_owned(),
            "talks could start".to_owned()
        )]
        .into()
    );
    assert_eq!(fixture::spans(&p, Some("imported")).len(), 1);
    assert_eq!(p.documents[0].meta.title, "one");
}

#[test]
fn one_layer_can_be_chosen() {
    let out = export(
        &fixture::project(),
        Format::Labelstudio,
        &ExportOptions {
            layer: LayerChoice::One("ben".into()),
            documents: None,
        },
        &mut |_, _| {},
    )
    .expect("exports");
    let tasks: Value = serde_json::from_str(&out.files[0].text).expect("json");
    let annotators: Vec<&str> = tasks[0]["annotations"]
        .as_array()
        .expect("list")
        .iter()
        .map(|a| a["annotator"].as_str().expect("name"))
        .collect();
    assert_eq!(annotators, ["ben"]);
    assert_eq!(tasks[1]["annotations"].as_array().map(Vec::len), Some(0));
    assert_eq!(out.report.relations, 1);
}

#[test]
fn a_region_with_two_labels_keeps_its_relations() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("two.json");
    let json = r#"[{"data": {"text": "Paris said yes."}, "annotations": [{"result": [
  {"id": "p", "type": "labels", "value": {"start": 0, "end": 5, "text": "Paris", "labels": ["actor", "place"]}},
  {"id": "c", "type": "labels", "value": {"start": 11, "end": 14, "text": "yes", "labels": ["claim"]}},
  {"type": "relation", "from_id": "c", "to_id": "p", "direction": "right", "labels": ["said_by"]}
]}]}]"#;
    std::fs::write(&file, json).expect("written");
    let incoming = read(Format::Labelstudio, std::slice::from_ref(&file)).expect("readable");
    let plan = plan_import(&Project::new("x"), incoming, &options()).expect("valid");
    assert_eq!((plan.report.annotations, plan.report.relations), (3, 1));
}
