//! What Label Studio's own files and readers expect: offsets in code points, task ids,
//! `completed_by`, the text key of the labeling config, bidirectional relations, and our older
//! UTF-16 exports.

use serde_json::{Value, json};

use crate::formats::{
    ExportOptions, Format, ImportOptions, ImportProblem, ImportReport, Protected, export, fixture,
    plan_import, read, write,
};
use crate::model::{Project, project_from_marked};

/// Label Studio's own example (label-studio-frontend, `charsToCodePoints` since
/// label-studio#1559): `test` is at 21–25 in code points, 22–26 in UTF-16 units.
const CAT: &str = "🐱 Warning: This is a test text";

fn options() -> ImportOptions {
    crate::formats::fixture::import_options()
}

/// Imports `tasks` (with `config` beside them as `tasks.config.xml`) into an empty project.
fn import(
    tasks: &Value,
    config: Option<&str>,
) -> Result<(Project, ImportReport), Vec<ImportProblem>> {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("tasks.json");
    std::fs::write(&file, tasks.to_string()).expect("written");
    if let Some(xml) = config {
        std::fs::write(dir.path().join("tasks.config.xml"), xml).expect("written");
    }
    let incoming = read(Format::Labelstudio, &[file]).expect("reads");
    let mut p = Project::new("x");
    let plan = plan_import(&p, incoming, &options()).map_err(|f| f.problems)?;
    plan.edit.apply(&mut p).expect("applies");
    Ok((p, plan.report))
}

/// A one-region task on `text`: `(start, end)` covering `quote`, by `completed_by`.
fn task(text: &str, (start, end): (usize, usize), quote: &str, completed_by: Value) -> Value {
    json!({
        "id": 1,
        "data": {"text": text},
        "annotations": [{"completed_by": completed_by, "result": [{
            "id": "r1", "type": "labels", "from_name": "label", "to_name": "text",
            "value": {"start": start, "end": end, "text": quote, "labels": ["claim"]}
        }]}]
    })
}

/// Every annotation as (its tag's label, its quote), sorted.
fn labelled(p: &Project) -> Vec<(&str, &str)> {
    let mut got: Vec<(&str, &str)> = p
        .annotations
        .values()
        .map(|a| {
            let label = p
                .schema
                .tag(&a.tag)
                .map_or(a.tag.as_str(), |t| t.label.as_str());
            (label, a.quote.as_str())
        })
        .collect();
    got.sort();
    got
}

fn quotes(p: &Project) -> Vec<(&str, &str)> {
    p.annotations
        .values()
        .map(|a| (a.annotator.as_str(), a.quote.as_str()))
        .collect()
}

#[test]
fn label_studios_own_example_is_written_and_read_in_code_points() {
    let (p, _) = project_from_marked(
        "🐱 Warning: This is a [claim|test] text",
        "ana",
        jiff::Timestamp::UNIX_EPOCH,
    )
    .expect("marked");
    let out = export(
        &p,
        Format::Labelstudio,
        &ExportOptions::default(),
        &mut |_, _| {},
    )
    .expect("exports");
    let tasks: Value = serde_json::from_str(&out.files[0].text).expect("json");
    let value = &tasks[0]["annotations"][0]["result"][0]["value"];
    assert_eq!(value["start"], 21);
    assert_eq!(value["end"], 25);
    assert_eq!(value["text"], "test");
    assert_eq!(out.report.unit, Some("code points"));

    let (q, report) =
        import(&json!([task(CAT, (21, 25), "test", json!(1))]), None).expect("imports");
    assert_eq!(quotes(&q), [("user 1", "test")]);
    assert!(report.notes.is_empty(), "{:?}", report.notes);
}

#[test]
fn tasks_have_ids_and_annotations_completed_by_with_the_layer_name() {
    let out = export(
        &fixture::project(),
        Format::Labelstudio,
        &ExportOptions::default(),
        &mut |_, _| {},
    )
    .expect("exports");
    let tasks: Value = serde_json::from_str(&out.files[0].text).expect("json");
    let tasks = tasks.as_array().expect("array");
    let ids: Vec<&Value> = tasks.iter().map(|t| &t["id"]).collect();
    assert_eq!(ids, [&json!(1), &json!(2)]);
    let by: Vec<&Value> = tasks[0]["annotations"]
        .as_array()
        .expect("annotations")
        .iter()
        .map(|a| &a["completed_by"])
        .collect();
    assert_eq!(by, [&json!({"email": "ana"}), &json!({"email": "ben"})]);
    assert!(tasks[0]["annotations"][0].get("annotator").is_none());
}

#[test]
fn emoji_cjk_and_combining_accents_round_trip_in_code_points() {
    let marked = "[actor|👩\u{200d}👩\u{200d}👧 Zoe\u{301}] said in 北京 that \
                  [claim|ca\u{301}fe\u{301} 🇫🇷 和谈 could start] \
                  [condition|if 🤷🏽\u{200d}♀\u{fe0f} Ba\u{301}nh agrees]";
    let (p, _) = project_from_marked(marked, "ana", jiff::Timestamp::UNIX_EPOCH).expect("marked");
    let mut out = export(
        &p,
        Format::Labelstudio,
        &ExportOptions::default(),
        &mut |_, _| {},
    )
    .expect("exports");
    let tasks: Value = serde_json::from_str(&out.files[0].text).expect("json");
    let text: Vec<char> = p.documents[0].text.chars().collect();
    let mut regions = 0;
    for item in tasks[0]["annotations"][0]["result"]
        .as_array()
        .expect("result")
    {
        let v = &item["value"];
        let (s, e) = (
            v["start"].as_u64().expect("start"),
            v["end"].as_u64().expect("end"),
        );
        let slice: String = text[s as usize..e as usize].iter().collect();
        assert_eq!(slice, v["text"].as_str().expect("text"), "{item}");
        regions += 1;
    }
    assert_eq!(regions, 3);

    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("tasks.json");
    write(&file, &mut out, &Protected::default()).expect("written");
    let incoming = read(Format::Labelstudio, &[file]).expect("reads");
    let mut q = Project::new("x");
    let plan = plan_import(&q, incoming, &options()).expect("plans");
    assert!(plan.report.notes.is_empty(), "{:?}", plan.report.notes);
    plan.edit.apply(&mut q).expect("applies");
    assert_eq!(
        fixture::spans(&q, Some("ana")),
        fixture::spans(&p, Some("ana"))
    );
}

#[test]
fn our_older_utf16_exports_come_in_and_the_report_says_so() {
    let old = json!([
        {"data": {"text": CAT}, "annotations": [{"annotator": "ana", "result": [{
            "id": "r1", "type": "labels", "from_name": "label", "to_name": "text",
            "value": {"start": 22, "end": 26, "text": "test", "labels": ["claim"]}}]}]},
        {"data": {"text": "plain ASCII text"}, "annotations": [{"annotator": "ana", "result": [{
            "id": "r1", "type": "labels",
            "value": {"start": 6, "end": 11, "text": "ASCII", "labels": ["claim"]}}]}]}
    ]);
    let (p, report) = import(&old, None).expect("imports");
    let mut got = quotes(&p);
    got.sort();
    assert_eq!(got, [("ana", "ASCII"), ("ana", "test")]);
    assert_eq!(report.notes.len(), 1, "{:?}", report.notes);
    assert!(
        report.notes[0].starts_with("1 task read in UTF-16"),
        "{}",
        report.notes[0]
    );
    assert!(report.to_text().contains("UTF-16 code units"));
}

#[test]
fn a_task_that_fits_neither_way_throughout_is_refused() {
    // "test" fits only in UTF-16 units, "Warning" only in code points: no guess is made.
    let mixed = json!([{"data": {"text": CAT}, "annotations": [{"result": [
        {"id": "r1", "type": "labels", "value": {"start": 22, "end": 26, "text": "test", "labels": ["claim"]}},
        {"id": "r2", "type": "labels", "value": {"start": 2, "end": 9, "text": "Warning", "labels": ["claim"]}}
    ]}]}]);
    let problems = import(&mixed, None).expect_err("refused");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].message.contains("\"test\""),
        "{}",
        problems[0].message
    );
}

#[test]
fn completed_by_names_the_layer_in_every_shape_label_studio_writes() {
    let tasks = json!([
        task(
            "one two",
            (0, 3),
            "one",
            json!({"id": 3, "email": "cleo@example.org"})
        ),
        task(
            "one three",
            (0, 3),
            "one",
            json!({"id": 4, "first_name": "Dan", "last_name": "Roe"})
        ),
        task("one four", (0, 3), "one", json!({"id": 5})),
        task("one five", (0, 3), "one", json!(7)),
        task("one six", (0, 3), "one", json!("eve")),
    ]);
    let (p, report) = import(&tasks, None).expect("imports");
    assert_eq!(
        report.layers,
        ["Dan Roe", "cleo@example.org", "eve", "user 5", "user 7"]
    );
    assert_eq!(p.annotations.len(), 5);
}

#[test]
fn the_text_is_the_key_the_labeling_config_names() {
    let config = r#"<View>
  <Labels name="label" toName="text"><Label value="claim"/></Labels>
  <Text name="text" value="$article"/>
</View>"#;
    let tasks = json!([{
        "id": 1,
        "data": {"article": "Macron said talks could start.", "headline": "Talks soon"},
        "annotations": [{"completed_by": 1, "result": [{
            "id": "r1", "type": "labels", "from_name": "label", "to_name": "text",
            "value": {"start": 12, "end": 29, "text": "talks could start", "labels": ["claim"]}}]}]
    }]);
    let (p, _) = import(&tasks, Some(config)).expect("imports");
    assert_eq!(p.documents[0].text, "Macron said talks could start.");
    assert_eq!(quotes(&p), [("user 1", "talks could start")]);
}

#[test]
fn without_a_config_the_text_is_the_tasks_only_string_field() {
    let tasks = json!([{
        "data": {"body": "Macron said talks could start.", "ref": "doc-17", "n": 3},
        "annotations": [{"result": [{
            "id": "r1", "type": "labels",
            "value": {"start": 0, "end": 6, "text": "Macron", "labels": ["actor"]}}]}]
    }]);
    let (p, _) = import(&tasks, None).expect("imports");
    assert_eq!(p.documents[0].text, "Macron said talks could start.");

    let two = json!([{"data": {"body": "one text here", "summary": "another text"}}]);
    let problems = import(&two, None).expect_err("refused");
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].message.contains("body, summary"),
        "{}",
        problems[0].message
    );
}

#[test]
fn a_bidirectional_relation_comes_in_from_to_and_is_counted() {
    let tasks = json!([{
        "data": {"text": "Macron met Xi in Beijing."},
        "annotations": [{"completed_by": 2, "result": [
            {"id": "m", "type": "labels", "value": {"start": 0, "end": 6, "text": "Macron", "labels": ["actor"]}},
            {"id": "x", "type": "labels", "value": {"start": 11, "end": 13, "text": "Xi", "labels": ["actor"]}},
            {"from_id": "m", "to_id": "x", "type": "relation", "direction": "bi", "labels": ["met"]}
        ]}]
    }]);
    let (p, report) = import(&tasks, None).expect("imports");
    assert_eq!(
        fixture::links(&p, Some("user 2")),
        [("met".to_owned(), "Macron".to_owned(), "Xi".to_owned())].into()
    );
    assert_eq!(report.relations, 1);
    assert_eq!(report.notes.len(), 1, "{:?}", report.notes);
    assert!(
        report.notes[0].starts_with("1 bidirectional relation"),
        "{}",
        report.notes[0]
    );
}

/// Imports the files of `tests/fixtures/labelstudio-peers/` named by `names`.
fn import_peers(names: &[&str]) -> (Project, ImportReport) {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/labelstudio-peers");
    let files: Vec<_> = names.iter().map(|n| dir.join(n)).collect();
    let incoming = read(Format::Labelstudio, &files).expect("reads");
    assert!(incoming.problems.is_empty(), "{:?}", incoming.problems);
    let mut p = Project::new("x");
    let plan = plan_import(&p, incoming, &options()).expect("plans");
    plan.edit.apply(&mut p).expect("applies");
    (p, plan.report)
}

#[test]
fn label_studios_emoji_test_file_comes_in_at_its_code_points() {
    let (p, report) = import_peers(&["ls_emoji_codepoints.json"]);
    assert_eq!(
        labelled(&p),
        [
            ("region", "Warning:\n🐱 This is a test"),
            ("region", "test")
        ]
    );
    assert!(report.notes.is_empty(), "{:?}", report.notes);
}

#[test]
fn label_studios_ner_files_come_in_with_and_without_region_text_and_with_their_relation() {
    let (p, report) = import_peers(&["ner_text_tasks.json", "ner_text_with_relation.json"]);
    // Three tasks on one text: one article, each region once.
    assert_eq!(p.documents.len(), 1);
    assert_eq!(
        labelled(&p),
        [
            ("Person", "Alice"),
            ("Words", "But I don’t want to go among mad people")
        ]
    );
    assert_eq!(
        fixture::links(&p, Some("imported")),
        [(
            "said".to_owned(),
            "Alice".to_owned(),
            "But I don’t want to go among mad people".to_owned()
        )]
        .into()
    );
    assert_eq!(report.already_there, 4);
    assert!(report.notes.is_empty(), "{:?}", report.notes);
}

#[test]
fn label_studios_exported_annotation_without_a_task_id_comes_in() {
    let (p, _) = import_peers(&["named_entity/1.json"]);
    assert_eq!(labelled(&p), [("Date", "February 22")]);
}
