//! Prodigy's own files: answers honoured, `meta` kept, what is left out counted.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::formats::{
    ExportOptions, Format, ImportOptions, ImportReport, LayerChoice, Protected, export, fixture,
    plan_import, write,
};
use crate::model::Project;

fn peer(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/prodigy-peers")
        .join(name)
}

fn options(skip_invalid: bool) -> ImportOptions {
    ImportOptions {
        annotator: None,
        fallback_annotator: "imported".into(),
        skip_invalid,
        now: jiff::Timestamp::UNIX_EPOCH,
    }
}

/// Imports `path` as jsonl into an empty project.
fn import(path: &Path, skip_invalid: bool) -> (Project, ImportReport) {
    let incoming = crate::formats::read(Format::Jsonl, &[path.to_owned()]).expect("importable");
    let mut project = Project::new("x");
    let plan =
        plan_import(&project, incoming, &options(skip_invalid)).unwrap_or_else(|f| panic!("{f}"));
    plan.edit.apply(&mut project).expect("applies");
    (project, plan.report)
}

/// (text, label, covered text) of a span.
type Span = (String, String, String);

/// What an accepted task holds, read from the file with serde_json alone: (text, label,
/// covered text) of every span not answered `reject` or `ignore`, and the tasks' answers.
fn expected(path: &Path) -> (Vec<Span>, BTreeMap<String, usize>) {
    let mut spans = Vec::new();
    let mut answers = BTreeMap::new();
    for line in std::fs::read_to_string(path).expect("read").lines() {
        let task: Value = serde_json::from_str(line).expect("json");
        let answer = task["answer"].as_str().expect("answer").to_owned();
        *answers.entry(answer.clone()).or_insert(0) += 1;
        if answer != "accept" {
            continue;
        }
        let text = task["text"].as_str().expect("text");
        for s in task["spans"].as_array().into_iter().flatten() {
            if matches!(s["answer"].as_str(), Some("reject" | "ignore")) {
                continue;
            }
            let (start, end) = (
                s["start"].as_u64().expect("start"),
                s["end"].as_u64().expect("end"),
            );
            let covered: String = text
                .chars()
                .skip(start as usize)
                .take((end - start) as usize)
                .collect();
            spans.push((
                text.to_owned(),
                s["label"].as_str().expect("label").to_owned(),
                covered,
            ));
        }
    }
    spans.sort();
    (spans, answers)
}

/// (text, tag label as the schema spells it, quote) of every annotation.
fn imported(p: &Project) -> Vec<Span> {
    let mut out: Vec<_> = p
        .annotations
        .values()
        .map(|a| {
            let doc = p.document(&a.doc).expect("doc");
            let label = p.schema.tag(&a.tag).expect("tag").label.clone();
            (doc.text.clone(), label, a.quote.clone())
        })
        .collect();
    out.sort();
    out
}

/// The article variables of the document with `text`, by label.
fn variables(p: &Project, text: &str) -> BTreeMap<String, String> {
    let doc = p
        .documents
        .iter()
        .find(|d| d.text == text)
        .expect("document");
    doc.meta
        .variables
        .iter()
        .map(|(id, v)| {
            let label = p.schema.variable(id).expect("declared").label.clone();
            (label, v.clone())
        })
        .collect()
}

#[test]
fn the_news_headlines_db_out_imports_without_skip_invalid_and_counts_the_ignored_task() {
    let path = peer("annotated_news_headlines-ORG-PERSON-LOCATION-ner.jsonl");
    let (spans, answers) = expected(&path);
    assert_eq!(
        answers,
        [("accept".into(), 372), ("ignore".into(), 1)].into()
    );
    let (project, report) = import(&path, false);
    assert_eq!(report.skipped, []);
    assert_eq!(
        imported(&project),
        spans,
        "every span of every accepted task, as it was"
    );
    assert_eq!(report.annotations, 303);
    assert_eq!(project.documents.len(), 372);
    assert!(
        project
            .documents
            .iter()
            .all(|d| d.meta.source.as_deref() == Some("The New York Times")),
        "meta.source is the article's source"
    );
    assert_eq!(
        report.notes,
        [
            "1 task answered ignore, skipped",
            "task fields not kept: _input_hash (372 tasks), _task_hash (372 tasks), _view_id (372 tasks), tokens (372 tasks) (tokens are made again from the text on export)",
            "span fields not kept: input_hash (94 spans), source (94 spans)",
        ]
    );
    assert!(report.to_text().contains("1 task answered ignore, skipped"));
}

#[test]
fn rejected_tasks_and_a_rejected_span_in_an_accepted_task_are_skipped_and_counted() {
    let path = peer("reddit-PRODUCT-ner-head.jsonl");
    let (spans, answers) = expected(&path);
    assert_eq!(
        answers,
        [
            ("accept".into(), 28),
            ("ignore".into(), 7),
            ("reject".into(), 86)
        ]
        .into()
    );
    let (project, report) = import(&path, false);
    // Two accepted tasks of the same text mark Apache alike: one annotation, the other
    // counted as already there.
    let mut once = spans.clone();
    once.dedup();
    assert_eq!(imported(&project), once);
    assert_eq!((report.annotations, report.already_there), (28, 1));
    assert_eq!(spans.len(), 29);
    assert!(
        !project.annotations.values().any(|a| a.quote == "G3"),
        "the span answered reject inside the accepted MacBook task is not a positive span"
    );
    let macbook = &spans.iter().find(|s| s.2 == "MacBook").expect("MacBook").0;
    assert_eq!(
        variables(&project, macbook),
        [
            ("score".into(), "0.8660578904".into()),
            ("section".into(), "apple".into())
        ]
        .into()
    );
    assert_eq!(
        report.notes,
        [
            "86 tasks answered reject, 7 ignore, skipped",
            "1 span in accepted tasks answered reject, skipped",
            "task fields not kept: _input_hash (28 tasks), _task_hash (28 tasks)",
            "span fields not kept: input_hash (29 spans), rank (29 spans), score (29 spans), source (29 spans)",
        ]
    );
}

const HAND_MADE: &[&str] = &[
    r##"{"text": "Zoe\u0301 👩‍👩‍👧 met 習近平 in Paris.", "_annotator_id": "news-cleo", "meta": {"title": "T", "outlet": "Le Monde", "pages": 3, "front": true, "tags": ["a", "b"], "by": {"x": 1}, "empty": null, "id": "art-7"}, "spans": [{"start": 0, "end": 4, "label": "PERSON", "answer": "accept"}, {"start": 15, "end": 18, "label": "PERSON", "answer": "reject"}, {"start": 22, "end": 27, "label": "GPE"}], "relations": [{"head_span": {"start": 0, "end": 4, "label": "PERSON"}, "child_span": {"start": 15, "end": 18, "label": "PERSON"}, "label": "MET", "color": "#c5bdf4"}, {"head_span": {"start": 0, "end": 4}, "child_span": {"start": 22, "end": 27}, "label": "IN"}], "answer": "accept"}"##,
    r#"{"text": "Putin spoke.", "spans": [{"start": 0, "end": 5, "label": "PERSON"}], "answer": "reject"}"#,
    r#"{"text": "Xi spoke.", "spans": [{"start": 0, "end": 2, "label": "PERSON"}], "answer": "ignore"}"#,
    r#"{"text": "Modi spoke.", "spans": [{"start": 0, "end": 4, "label": "PERSON"}], "answer": "maybe"}"#,
    r#"{"text": "Lula spoke.", "spans": [{"start": 0, "end": 4, "label": "PERSON", "answer": "perhaps"}], "answer": "accept"}"#,
];

#[test]
fn hand_made_answers_meta_and_unicode_come_in_as_prodigy_meant_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("prodigy.jsonl");
    std::fs::write(&path, HAND_MADE.join("\n")).expect("written");
    let incoming = crate::formats::read(Format::Jsonl, std::slice::from_ref(&path)).expect("reads");
    let found: Vec<String> = incoming.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        found,
        [
            format!(
                "{}:4: Prodigy's answer is \"maybe\"; expected \"accept\", \"reject\" or \"ignore\"",
                path.display()
            ),
            format!(
                "{}:5: span 1: Prodigy's answer is \"perhaps\"; expected \"accept\", \"reject\" or \"ignore\"",
                path.display()
            ),
        ]
    );
    assert_eq!(
        incoming.notes,
        [
            "1 task answered reject, 1 ignore, skipped",
            "1 span in accepted tasks answered reject, skipped",
            "1 relation to a skipped span, skipped",
            "task fields not kept: meta.id (1 task)",
            "relation fields not kept: color (1 relation)",
            "2 meta values are a list or an object, kept as JSON text in an article variable",
        ]
    );
    // Without --skip-invalid the unknown answers refuse the import; with it, the rest comes in.
    let project = Project::new("x");
    let failure = plan_import(&project, incoming.clone(), &options(false)).expect_err("refused");
    assert_eq!(failure.problems.len(), 2);
    let (project, report) = import(&path, true);
    assert_eq!(report.skipped.len(), 2);
    assert_eq!(report.notes, incoming.notes, "the notes reach the report");
    let text = "Zoe\u{301} 👩‍👩‍👧 met 習近平 in Paris.";
    let quotes: Vec<(&str, &str)> = project
        .annotations
        .values()
        .map(|a| (a.annotator.as_str(), a.quote.as_str()))
        .collect();
    assert_eq!(quotes.len(), 2, "two quotes: {quotes:?}");
    assert!(quotes.contains(&("news-cleo", "Zoe\u{301}")), "{quotes:?}");
    assert!(quotes.contains(&("news-cleo", "Paris")), "{quotes:?}");
    assert!(
        !quotes.iter().any(|q| q.1 == "習近平"),
        "rejected span left out"
    );
    let links: Vec<(&str, &str, &str)> = project
        .relations
        .values()
        .map(|r| {
            let kind = project.schema.relation(&r.kind).expect("kind");
            let end = |id| project.annotations.get(id).map(|a| a.quote.as_str());
            (
                kind.label.as_str(),
                end(&r.from).unwrap_or(""),
                end(&r.to).unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        links,
        [("IN", "Zoe\u{301}", "Paris")],
        "the link to the rejected span is left out"
    );
    assert_eq!(
        variables(&project, text),
        [
            ("by".into(), r#"{"x":1}"#.into()),
            ("front".into(), "true".into()),
            ("outlet".into(), "Le Monde".into()),
            ("pages".into(), "3".into()),
            ("tags".into(), r#"["a","b"]"#.into()),
        ]
        .into()
    );

    // Out and back: spans, layers and variables survive the emoji, CJK and combining accent.
    let options = ExportOptions {
        layer: LayerChoice::One("news-cleo".into()),
        documents: None,
    };
    let mut out = export(&project, Format::Jsonl, &options, &mut |_, _| {}).expect("exports");
    let again = dir.path().join("again.jsonl");
    write(&again, &mut out, &Protected::default()).expect("written");
    let (back, report) = import(&again, false);
    assert_eq!(
        fixture::spans(&back, Some("news-cleo")),
        fixture::spans(&project, Some("news-cleo"))
    );
    assert_eq!(variables(&back, text), variables(&project, text));
    assert_eq!(
        report.notes,
        Vec::<String>::new(),
        "our own lines lose nothing"
    );
}
