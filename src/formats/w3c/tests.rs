use serde_json::Value;
use unicode_segmentation::UnicodeSegmentation;

use super::{after, before};
use crate::formats::{
    ExportOptions, Format, ImportOptions, ImportProblem, export, fixture, plan_import, read, write,
};
use crate::model::{Project, ReviewStatus, sha256_hex};

fn options() -> ImportOptions {
    crate::formats::fixture::import_options()
}

fn exported() -> crate::formats::Export {
    export(
        &fixture::project(),
        Format::W3c,
        &ExportOptions::default(),
        &mut |_, _| {},
    )
    .expect("exports")
}

/// A project that has the fixture's documents and nothing else.
fn with_documents() -> Project {
    let mut p = Project::new("x");
    p.documents = fixture::project().documents;
    p
}

#[test]
fn the_fixture_exports_as_a_golden_collection() {
    let out = exported();
    assert_eq!(out.files.len(), 1);
    fixture::golden("w3c/fixture.json", &out.files[0].text);
    let r = &out.report;
    assert_eq!(r.layers, ["ana", "ben"]);
    assert_eq!((r.documents, r.annotations, r.relations), (2, 12, 4));
    assert!(r.not_carried.is_empty(), "{:?}", r.not_carried);
    // Both entities are persons; an `identifying` body holds only the name.
    assert_eq!(r.fields_not_carried, [("entity kind", 2)].into());
    assert_eq!(r.unit, Some("code points"));
}

#[test]
fn selectors_agree_with_the_text() {
    let p = fixture::project();
    let out = exported();
    let json: Value = serde_json::from_str(&out.files[0].text).expect("json");
    assert_eq!(json["@context"], "http://www.w3.org/ns/anno.jsonld");
    let mut targets = 0;
    for item in json["first"]["items"].as_array().expect("items") {
        if item["motivation"] == "linking" {
            continue;
        }
        let list = match &item["target"] {
            Value::Array(list) => list.clone(),
            one => vec![one.clone()],
        };
        for t in list {
            let hash = t["source"]["id"].as_str().expect("source");
            let doc = p
                .documents
                .iter()
                .find(|d| format!("urn:sha256:{}", sha256_hex(&d.text)) == hash)
                .expect("a document of the project");
            let chars: Vec<char> = doc.text.chars().collect();
            let [position, quote] = [&t["selector"][0], &t["selector"][1]];
            let (s, e) = (
                position["start"].as_u64().expect("start") as usize,
                position["end"].as_u64().expect("end") as usize,
            );
            let exact: String = chars[s..e].iter().collect();
            assert_eq!(quote["exact"].as_str(), Some(exact.as_str()));
            let prefix = quote["prefix"].as_str().unwrap_or("");
            let suffix = quote["suffix"].as_str().unwrap_or("");
            let before_text: String = chars[..s].iter().collect();
            let after_text: String = chars[e..].iter().collect();
            assert!(before_text.ends_with(prefix) && prefix.chars().count() <= 32);
            assert!(after_text.starts_with(suffix) && suffix.chars().count() <= 32);
            targets += 1;
        }
    }
    // 12 annotations, one of them in two fragments.
    assert_eq!(targets, 13);
}

#[test]
fn context_stops_at_32_characters_on_a_grapheme_boundary() {
    let text = "ab👩‍👩‍👧 0123456789012345678901234567890 X 🇫🇷🇫🇷 e\u{301}";
    let x = text.find('X').expect("X");
    let prefix = before(text, x);
    assert_eq!(prefix, "0123456789012345678901234567890 ");
    let family = text.find('👩').expect("family");
    let long = format!("{}{}", "y".repeat(30), &text[family..]);
    // 30 + the 5-code-point family would be 35: the family is left out, not split.
    assert_eq!(after(&long, 0), "y".repeat(30));
    let flags = text.find('🇫').expect("flag");
    let tail = after(text, flags);
    assert_eq!(tail, "🇫🇷🇫🇷 e\u{301}");
    assert!(tail.graphemes(true).count() == 4);
}

#[test]
fn a_round_trip_into_a_project_with_the_documents_keeps_everything() {
    let mut out = exported();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("annotations.json");
    write(&file, &mut out, &crate::formats::Protected::default()).expect("written");
    let incoming = read(Format::W3c, &[file]).expect("reads");
    assert!(incoming.problems.is_empty(), "{:?}", incoming.problems);
    assert!(
        incoming
            .documents
            .iter()
            .all(|d| d.text.is_empty() && d.sha256.is_some())
    );
    let mut p = with_documents();
    let plan = plan_import(&p, incoming, &options()).expect("plans");
    assert_eq!(plan.report.documents_matched.len(), 2);
    assert!(plan.report.documents_added.is_empty());
    plan.edit.apply(&mut p).expect("applies");
    let want = fixture::project();
    for layer in ["ana", "ben"] {
        assert_eq!(
            fixture::spans(&p, Some(layer)),
            fixture::spans(&want, Some(layer))
        );
        assert_eq!(
            fixture::links(&p, Some(layer)),
            fixture::links(&want, Some(layer))
        );
    }
    let accepted: Vec<&str> = p
        .annotations
        .values()
        .filter(|a| a.status == ReviewStatus::Accepted)
        .map(|a| a.quote.as_str())
        .collect();
    assert_eq!(accepted, ["Zoe\u{301} Ba\u{301}nh"]);
}

fn problems_of(json: &str, project: &Project) -> Vec<ImportProblem> {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("w3c.json");
    std::fs::write(&file, json).expect("written");
    let incoming = read(Format::W3c, &[file]).expect("reads");
    match plan_import(project, incoming, &options()) {
        Ok(_) => Vec::new(),
        Err(failure) => failure.problems,
    }
}

fn lines(problems: &[ImportProblem]) -> Vec<usize> {
    problems.iter().map(|p| p.place.line.unwrap_or(0)).collect()
}

#[test]
fn broken_json_is_one_problem_at_its_line() {
    let problems = problems_of(
        "{\n  \"type\": \"AnnotationPage\",\n  \"items\": [,]\n}\n",
        &with_documents(),
    );
    assert_eq!(lines(&problems), [3]);
    assert!(
        problems[0].to_string().contains("w3c.json:3: column"),
        "{}",
        problems[0]
    );
}

#[test]
fn unknown_texts_bad_positions_and_dangling_links_are_reported_by_line() {
    let p = with_documents();
    let known = sha256_hex(&p.documents[1].text);
    let target = |hash: &str, s: usize, e: usize, exact: &str| {
        format!(
            r#"{{"source": "urn:sha256:{hash}", "selector": [{{"type": "TextPositionSelector", "start": {s}, "end": {e}}}, {{"type": "TextQuoteSelector", "exact": "{exact}"}}]}}"#
        )
    };
    let unknown = "0".repeat(64);
    let json = format!(
        r#"[
  {{"id": "u1", "type": "Annotation", "body": {{"purpose": "tagging", "value": "actor"}},
    "target": {}}},
  {{"id": "u2", "type": "Annotation", "body": {{"purpose": "tagging", "value": "actor"}},
    "target": {}}},
  {{"id": "u3", "type": "Annotation", "body": {{"purpose": "tagging", "value": "actor"}},
    "target": {}}},
  {{"id": "u4", "type": "Annotation", "body": {{"purpose": "tagging", "value": "actor"}},
    "target": "http://example.org/article"}},
  {{"id": "u6", "type": "Annotation", "body": {{"purpose": "tagging", "value": "actor"}},
    "target": {}}},
  {{"id": "u5", "type": "Annotation", "motivation": "linking",
    "body": [{{"purpose": "tagging", "value": "said_by"}}, {{"type": "SpecificResource", "purpose": "linking", "source": "u9"}}],
    "target": "u6"}}
]"#,
        target(&unknown, 0, 5, "Putin"),
        target(&known, 16, 99, "Putin"),
        target(&known, 16, 21, "Pudin"),
        target(&known, 16, 21, "Putin"),
    );
    let problems = problems_of(&json, &p);
    let messages: Vec<String> = problems.iter().map(ToString::to_string).collect();
    // The planner's (the unknown text, the offset past the end, the wrong quote, the link to
    // an annotation that is not there), in line order.
    assert_eq!(lines(&problems), [2, 4, 6, 12], "{messages:#?}");
    assert!(messages[0].contains("not in the project"));
    assert!(messages[1].contains("past the end"));
    assert!(messages[2].contains("\"Pudin\""));
    assert!(messages[3].contains("u9"));
    // A whole-resource target is no problem of the file: it is skipped, and counted.
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("w3c.json");
    std::fs::write(&file, &json).expect("written");
    let incoming = read(Format::W3c, &[file]).expect("reads");
    assert_eq!(
        incoming.notes,
        ["skipped 1 annotation whose target is a whole resource, not a span of its text: u4"]
    );
}

fn exported_coded() -> crate::formats::Export {
    export(
        &crate::formats::coded_fixture::project(),
        Format::W3c,
        &ExportOptions::default(),
        &mut |_, _| {},
    )
    .expect("exports")
}

/// The item with this id in an exported collection.
fn item(json: &Value, id: &str) -> Value {
    json["first"]["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("no item {id}"))
}

#[test]
fn the_coded_fixture_exports_as_a_golden_collection() {
    let out = exported_coded();
    fixture::golden("w3c/coded.json", &out.files[0].text);
    // Values and link notes are carried; variables and references have no place.
    assert_eq!(
        out.report.fields_not_carried,
        [
            ("article variable", 5),
            ("entity kind", 2),
            ("entity reference", 1)
        ]
        .into()
    );
}

#[test]
fn each_value_is_a_classifying_body_naming_its_attribute() {
    let out = exported_coded();
    let json: Value = serde_json::from_str(&out.files[0].text).expect("json");
    let claim = item(&json, "urn:marginalia:annotation:a-claim");
    let value = |attribute: &str, value: &str| {
        serde_json::json!({
            "type": "TextualBody",
            "purpose": "classifying",
            "value": value,
            "schema:propertyID": attribute,
        })
    };
    assert_eq!(
        claim["body"],
        serde_json::json!([
            {"type": "TextualBody", "purpose": "tagging", "value": "claim"},
            value("Stance", "supports"),
            value("Concept", "Waffenstillstand 停火"),
            value("Negated", "yes"),
            value("Intensity", "-2"),
            value("Comment 注", "« talks », \"quoted\" 北京 👩‍👩‍👧 e\u{301}\nline 2"),
            value("Frames", "économie"),
            value("Frames", "安全"),
        ])
    );
    let said = item(&json, "urn:marginalia:relation:r-said");
    assert_eq!(
        said["body"],
        serde_json::json!([
            {"type": "TextualBody", "purpose": "tagging", "value": "said_by"},
            {"type": "SpecificResource", "purpose": "linking", "source": "urn:marginalia:annotation:a-macron"},
            {"type": "TextualBody", "purpose": "commenting", "value": "said on TV 📺, \"live\""},
            value("Certainty", "3"),
        ])
    );
}

#[test]
fn codes_round_trip_into_the_project_they_came_from() {
    let want = crate::formats::coded_fixture::project();
    let mut out = exported_coded();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("annotations.json");
    write(&file, &mut out, &crate::formats::Protected::default()).expect("written");
    let incoming = read(Format::W3c, &[file]).expect("reads");
    assert!(incoming.problems.is_empty(), "{:?}", incoming.problems);
    let mut p = want.clone();
    p.annotations.clear();
    p.relations.clear();
    p.entities.clear();
    let plan = plan_import(&p, incoming, &options()).expect("plans");
    assert!(
        plan.report.new_attributes.is_empty(),
        "{:?}",
        plan.report.new_attributes
    );
    assert!(
        plan.report.new_codes.is_empty(),
        "{:?}",
        plan.report.new_codes
    );
    plan.edit.apply(&mut p).expect("applies");
    assert_eq!(p.schema, want.schema);
    let values = |p: &Project| {
        p.annotations
            .values()
            .map(|a| {
                (
                    (a.annotator.clone(), a.quote.clone(), a.tag.to_string()),
                    a.values.clone(),
                )
            })
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    assert_eq!(values(&p), values(&want));
    let links = |p: &Project| {
        p.relations
            .values()
            .map(|r| {
                let from = p.annotations[&r.from].quote.clone();
                (
                    (r.kind.to_string(), from),
                    (r.note.clone(), r.values.clone()),
                )
            })
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    assert_eq!(links(&p), links(&want));
}

#[test]
fn a_classifying_body_without_an_attribute_is_a_tag_and_a_bad_value_a_problem() {
    let p = with_documents();
    let hash = sha256_hex(&p.documents[1].text);
    let target = format!(
        r#"{{"source": "urn:sha256:{hash}", "selector": {{"type": "TextPositionSelector", "start": 16, "end": 21}}}}"#
    );
    let json = format!(
        r#"[
  {{"id": "u1", "type": "Annotation", "body": [{{"purpose": "classifying", "value": "actor"}}, {{"purpose": "classifying", "value": "Russia", "schema:propertyID": "Country"}}],
    "target": {target}}},
  {{"id": "u2", "type": "Annotation", "body": [{{"purpose": "tagging", "value": "actor"}}, {{"purpose": "classifying", "value": 3, "schema:propertyID": "Rank"}}],
    "target": {target}}}
]"#
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("w3c.json");
    std::fs::write(&file, json).expect("written");
    let incoming = read(Format::W3c, &[file]).expect("reads");
    assert_eq!(lines(&incoming.problems), [4]);
    assert!(
        incoming.problems[0].message.contains("schema:propertyID"),
        "{}",
        incoming.problems[0]
    );
    let first = &incoming.documents[0].annotations[0];
    assert_eq!(first.label, "actor");
    assert_eq!(
        first.values,
        [(
            "Country".to_owned(),
            crate::formats::incoming::InValue::Text("Russia".into())
        )]
    );
}
