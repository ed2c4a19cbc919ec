use std::collections::BTreeSet;
use std::path::Path;

use crate::formats::{
    Export, ExportOptions, Format, ImportOptions, ImportProblem, LayerChoice, Loss, LossKind,
    Place, export, fixture, plan_import, write,
};
use crate::model::{DocId, Project};

fn export_ana(project: &Project, documents: Option<Vec<DocId>>) -> Export {
    let options = ExportOptions {
        layer: LayerChoice::One("ana".into()),
        documents,
    };
    export(project, Format::Doccano, &options, &mut |_, _| {}).expect("exports")
}

fn import(path: &Path) -> Result<Project, Vec<ImportProblem>> {
    let incoming = crate::formats::read(Format::Doccano, &[path.to_owned()]).expect("reads");
    let mut project = Project::new("x");
    let options = ImportOptions {
        annotator: Some("ana".into()),
        fallback_annotator: "imported".into(),
        skip_invalid: false,
        now: jiff::Timestamp::UNIX_EPOCH,
    };
    let plan = plan_import(&project, incoming, &options).map_err(|f| f.problems)?;
    plan.edit.apply(&mut project).expect("applies");
    Ok(project)
}

fn write_lines(dir: &Path, lines: &[&str]) -> std::path::PathBuf {
    let path = dir.join("doccano.jsonl");
    std::fs::write(&path, lines.join("\n")).expect("written");
    path
}

#[test]
fn the_exports_of_the_fixture_match_the_golden_files() {
    let p = fixture::project();
    // ana's layer has relations: the relation-extraction shape.
    fixture::golden("doccano/ana.jsonl", &export_ana(&p, None).files[0].text);
    // The second document alone has none: the sequence-labelling shape.
    let plain = export_ana(&p, Some(vec!["d2".into()]));
    fixture::golden("doccano/ana-d2.jsonl", &plain.files[0].text);
}

#[test]
fn the_report_lists_the_split_annotation_and_the_fields_doccano_lacks() {
    let report = export_ana(&fixture::project(), None).report;
    assert_eq!(
        (report.format, report.unit),
        ("doccano", Some("code points"))
    );
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
    let fields: Vec<(&str, usize)> = report
        .fields_not_carried
        .iter()
        .map(|(k, n)| (*k, *n))
        .collect();
    assert_eq!(
        fields,
        [
            ("entity", 2),
            ("entity kind", 2),
            ("note", 1),
            ("status", 1)
        ]
    );
}

#[test]
fn a_round_trip_keeps_tags_fragments_and_relations() {
    let p = fixture::project();
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, documents) in [("re", None), ("seq", Some(vec!["d2".into()]))] {
        let mut export = export_ana(&p, documents);
        let out = dir.path().join(format!("{name}.jsonl"));
        write(&out, &mut export, &crate::formats::Protected::default()).expect("written");
        let back = import(&out).expect("imports");
        // What doccano carries: each fragment as a span of its own, without note or entity.
        let wanted_docs: BTreeSet<&str> = back.documents.iter().map(|d| d.text.as_str()).collect();
        let expected: BTreeSet<_> = fixture::spans(&p, Some("ana"))
            .into_iter()
            .filter(|s| wanted_docs.contains(s.0.as_str()))
            .flat_map(|(text, tag, fragments, _, _)| {
                fragments
                    .into_iter()
                    .map(move |f| (text.clone(), tag.clone(), vec![f], String::new(), None))
            })
            .collect();
        assert_eq!(fixture::spans(&back, Some("ana")), expected, "{name}");
        let links: BTreeSet<_> = fixture::links(&p, Some("ana"))
            .into_iter()
            .map(|(kind, from, to)| (kind, from.replace("talks resume", "talks"), to))
            .filter(|_| name == "re")
            .collect();
        assert_eq!(fixture::links(&back, Some("ana")), links, "{name}");
    }
}

#[test]
fn both_shapes_label_or_labels_and_entity_only_lines_are_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_lines(
        dir.path(),
        &[
            r#"{"id": 7, "text": "EU rejects German call to boycott British lamb.", "label": [[0, 2, "ORG"], [11, 17, "MISC"]]}"#,
            r#"{"text": "Peter Blackburn", "labels": [{"start_offset": 0, "end_offset": 15, "label": "PERSON"}], "title": "PB"}"#,
            r#"{"text": "Google was founded by Larry Page.", "entities": [{"id": 0, "start_offset": 0, "end_offset": 6, "label": "ORG"}, {"id": 1, "start_offset": 22, "end_offset": 32, "label": "PERSON"}], "relations": [{"from_id": 0, "to_id": 1, "type": "foundedBy"}]}"#,
            r#"{"text": "👩‍👩‍👧 Xi", "entities": [{"id": 4, "start_offset": 6, "end_offset": 8, "label": "PERSON"}]}"#,
        ],
    );
    let incoming =
        crate::formats::read(Format::Doccano, std::slice::from_ref(&path)).expect("reads");
    assert_eq!(incoming.problems, []);
    let spans: Vec<Vec<(usize, usize)>> = incoming
        .documents
        .iter()
        .map(|d| {
            d.annotations
                .iter()
                .flat_map(|a| a.fragments.clone())
                .collect()
        })
        .collect();
    assert_eq!(
        spans,
        [
            vec![(0, 2), (11, 17)],
            vec![(0, 15)],
            vec![(0, 6), (22, 32)],
            vec![(6, 8)]
        ]
    );
    assert_eq!(incoming.documents[1].meta.title, "PB");
    assert_eq!(incoming.documents[2].place, Place::line(&path, 3));
    let r = &incoming.documents[2].relations[0];
    assert_eq!(
        (r.kind.as_str(), r.from.as_str(), r.to.as_str()),
        ("foundedBy", "0", "1")
    );

    let project = import(&path).expect("imports");
    assert_eq!(project.annotations.len(), 6);
    let links: Vec<_> = fixture::links(&project, None).into_iter().collect();
    assert_eq!(
        links,
        [(
            "foundedBy".to_owned(),
            "Google".to_owned(),
            "Larry Page".to_owned()
        )]
    );
    let xi = project.annotations.values().find(|a| a.quote == "Xi");
    assert!(xi.is_some(), "code points: the family emoji counts 5");
}

#[test]
fn bad_lines_are_reported_by_file_and_line_without_stopping() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_lines(
        dir.path(),
        &[
            r#"{"text": "Macron spoke.", "label": [[0, 6, "actor"], ["a", 6, "actor"], ["positive"]]}"#,
            r#"{"text": "broken", "label": [[0, 6,"#,
            r#"{"data": "Putin spoke.", "entities": [{"id": 1, "start_offset": 0, "end_offset": 5}], "relations": [{"from_id": 1, "type": "said_by"}]}"#,
        ],
    );
    let incoming =
        crate::formats::read(Format::Doccano, std::slice::from_ref(&path)).expect("reads");
    assert_eq!(incoming.documents.len(), 2);
    let found: Vec<String> = incoming.problems.iter().map(ToString::to_string).collect();
    let at = |line: usize| format!("{}:{line}: ", path.display());
    let expect = [
        (at(1), "label 2: expected [start, end, \"label\"]"),
        (at(1), "label 3: expected [start, end, \"label\"]"),
        (at(2), "not JSON"),
        (at(3), "entity 1: missing field `label`"),
        (at(3), "relation 1: missing field `to_id`"),
    ];
    assert_eq!(found.len(), expect.len(), "{found:?}");
    for (f, (place, message)) in found.iter().zip(expect) {
        assert!(
            f.starts_with(&place) && f.contains(message),
            "{f:?} lacks {place}{message}"
        );
    }
}

#[test]
fn offsets_past_the_end_and_unknown_relation_ends_refuse_the_import_by_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_lines(
        dir.path(),
        &[
            r#"{"text": "Macron spoke.", "label": [[0, 6, "actor"]]}"#,
            r#"{"text": "Putin spoke.", "label": [[6, 99, "claim"]]}"#,
            r#"{"text": "Xi spoke.", "entities": [{"id": 1, "start_offset": 0, "end_offset": 2, "label": "actor"}], "relations": [{"from_id": 1, "to_id": 9, "type": "said_by"}]}"#,
        ],
    );
    let problems = import(&path).expect_err("refused");
    let found: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found[0].starts_with(&format!("{}:2: ", path.display()))
            && found[0].contains("past the end"),
        "{}",
        found[0]
    );
    assert!(
        found[1].starts_with(&format!("{}:3: ", path.display()))
            && found[1].contains("refers to 9"),
        "{}",
        found[1]
    );
}

fn peer(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/doccano-peers")
        .join(name)
}

fn read_with(path: &Path, columns: &crate::formats::Columns) -> crate::formats::Incoming {
    crate::formats::read_with(Format::Doccano, &[path.to_owned()], columns).expect("reads")
}

/// Imports `incoming` into an empty project, skipping invalid items.
fn plan(incoming: crate::formats::Incoming) -> (Project, crate::formats::ImportReport) {
    let mut project = Project::new("x");
    let options = ImportOptions {
        annotator: Some("ana".into()),
        fallback_annotator: "imported".into(),
        skip_invalid: true,
        now: jiff::Timestamp::UNIX_EPOCH,
    };
    let plan = plan_import(&project, incoming, &options).unwrap_or_else(|f| panic!("{f}"));
    plan.edit.apply(&mut project).expect("applies");
    (project, plan.report)
}

/// (text, tag label as the schema spells it, quote), sorted.
fn quotes(p: &Project) -> Vec<(String, String, String)> {
    let mut out: Vec<_> = p
        .annotations
        .values()
        .map(|a| {
            let text = p.document(&a.doc).expect("doc").text.clone();
            let label = p.schema.tag(&a.tag).expect("tag").label.clone();
            (text, label, a.quote.clone())
        })
        .collect();
    out.sort();
    out
}

/// The article variables of every document, by text and label.
fn variables(p: &Project) -> BTreeSet<(String, String, String)> {
    p.documents
        .iter()
        .flat_map(|d| {
            d.meta.variables.iter().map(|(id, v)| {
                let label = p.schema.variable(id).expect("declared").label.clone();
                (d.text.clone(), label, v.clone())
            })
        })
        .collect()
}

fn triple(a: &str, b: &str, c: &str) -> (String, String, String) {
    (a.to_owned(), b.to_owned(), c.to_owned())
}

#[test]
fn doccanos_own_example_keeps_meta_and_names_the_line_without_text() {
    let path = peer("example.jsonl");
    let incoming = read_with(&path, &Default::default());
    let found: Vec<String> = incoming.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        found,
        [format!(
            "{}:3: no \"text\" or \"data\" field; expected the document's text there",
            path.display()
        )],
        "doccano's own test expects this line refused"
    );
    let (project, _) = plan(incoming);
    assert_eq!(
        quotes(&project),
        [triple("exampleA", "LOC", "e")],
        "exampleB has no labels"
    );
    assert_eq!(
        variables(&project),
        [
            triple("exampleA", "wikiPageID", "1"),
            triple("exampleB", "wikiPageID", "2")
        ]
        .into()
    );

    // The same span twice is one annotation, the other counted as already there.
    let (project, report) = plan(read_with(
        &peer("example_overlapping.jsonl"),
        &Default::default(),
    ));
    assert_eq!(quotes(&project), [triple("exampleA", "LOC", "e")]);
    assert_eq!((report.annotations, report.already_there), (1, 1));
    assert_eq!(
        variables(&project),
        [triple("exampleA", "wikiPageID", "1")].into()
    );
}

#[test]
fn doccanos_pretty_printed_relation_example_is_read_as_one_object() {
    let path = peer("relation_extraction_pretty.jsonl");
    let incoming = read_with(&path, &Default::default());
    assert_eq!(incoming.problems, []);
    assert_eq!(incoming.documents.len(), 1);
    assert_eq!(incoming.documents[0].place, Place::line(&path, 1));
    let (project, report) = plan(incoming);
    assert_eq!((report.annotations, report.relations), (4, 3));
    let text = "Google was founded on September 4, 1998, by Larry Page and Sergey Brin.";
    assert_eq!(
        quotes(&project),
        [
            triple(text, "DATE", "September 4, 1998"),
            triple(text, "ORG", "Google"),
            triple(text, "PERSON", "Larry Page"),
            triple(text, "PERSON", "Sergey Brin"),
        ]
    );
    let mut links: Vec<(String, String, String)> = project
        .relations
        .values()
        .map(|r| {
            let kind = project
                .schema
                .relation(&r.kind)
                .expect("kind")
                .label
                .clone();
            let quote = |id| project.annotations.get(id).map(|a| a.quote.clone());
            (
                kind,
                quote(&r.from).unwrap_or_default(),
                quote(&r.to).unwrap_or_default(),
            )
        })
        .collect();
    links.sort();
    assert_eq!(
        links,
        [
            triple("foundedAt", "Google", "September 4, 1998"),
            triple("foundedBy", "Google", "Larry Page"),
            triple("foundedBy", "Google", "Sergey Brin"),
        ]
    );
}

#[test]
fn a_whole_file_array_is_read_with_the_line_of_each_example_and_round_trips_unicode() {
    let path = peer("example_array.json");
    let starts: Vec<usize> = std::fs::read_to_string(&path)
        .expect("read")
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == "    {")
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(starts.len(), 3);
    let incoming = read_with(&path, &Default::default());
    assert_eq!(incoming.problems, []);
    let places: Vec<usize> = incoming
        .documents
        .iter()
        .filter_map(|d| d.place.line)
        .collect();
    assert_eq!(places, starts);
    assert_eq!(
        incoming.notes,
        ["example fields not kept: id (1 example)"],
        "doccano's database id; the empty Comments carry nothing"
    );
    let (project, _) = plan(incoming);
    let text = "Zoe\u{301} 👩‍👩‍👧 met 習近平 in Paris.";
    assert_eq!(
        quotes(&project),
        [
            triple(text, "LOC", "Paris"),
            triple(text, "PER", "Zoe\u{301}"),
            triple(text, "PER", "習近平"),
            triple("exampleA", "LOC", "e"),
        ]
    );
    assert!(variables(&project).contains(&triple(text, "source", "constructed")));

    // Out as doccano and back: the same spans after the emoji, CJK and combining accent.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut out = export_ana(&project, None);
    let again = dir.path().join("again.jsonl");
    write(&again, &mut out, &crate::formats::Protected::default()).expect("written");
    let (back, _) = plan(read_with(&again, &Default::default()));
    // The labels come back as they were spelled (LOC, PER), not respelled as ids.
    assert_eq!(quotes(&back), quotes(&project));
}

#[test]
fn custom_text_and_label_keys_read_a_project_that_named_its_columns() {
    let path = peer("column_data.jsonl");
    let columns = crate::formats::Columns {
        text: Some("column_data".into()),
        label: Some("column_label".into()),
    };
    let incoming = read_with(&path, &columns);
    assert_eq!(incoming.problems, []);
    assert_eq!(incoming.notes, Vec::<String>::new(), "nothing left out");
    let (project, _) = plan(incoming);
    assert_eq!(
        quotes(&project),
        [
            triple(
                "EU rejects German call to boycott British lamb.",
                "ORG",
                "EU"
            ),
            triple("Peter Blackburn", "PERSON", "Peter Blackburn"),
            triple("President Obama", "PERSON", "Obama"),
        ]
    );
    assert_eq!(
        variables(&project),
        BTreeSet::new(),
        "the columns are not metadata"
    );

    // Without the keys, or with a wrong one: one problem for the file, naming its members.
    for (columns, says) in [
        (
            crate::formats::Columns::default(),
            "no example has the member \"text\" or \"data\" (name another with --text-key)",
        ),
        (
            crate::formats::Columns {
                text: Some("column_data".into()),
                label: Some("labels".into()),
            },
            "no example has the member \"labels\", which --label-key names",
        ),
    ] {
        let incoming = read_with(&path, &columns);
        let found: Vec<String> = incoming.problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            found,
            [format!(
                "{}: {says}; the examples have \"column_data\", \"column_label\"",
                path.display()
            )]
        );
        assert_eq!(incoming.documents, []);
    }
    // Other formats have fixed names.
    let err = crate::formats::read_with(Format::Jsonl, std::slice::from_ref(&path), &columns)
        .expect_err("fixed");
    assert!(err.to_string().contains("jsonl has fixed names"), "{err}");
}

#[test]
fn a_bad_array_or_pretty_object_is_named_by_file_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, body, line, expected) in [
        (
            "bad.json",
            "[\n  {\"text\": \"a\"},\n  {\"text\": }\n]\n",
            3,
            "column 12: not JSON (expected value); expected a JSON array of examples",
        ),
        (
            "bad.jsonl",
            "{\n  \"text\": \"a\"\n}\n{\n  \"text\" \"b\"\n}\n",
            5,
            "column 10: not JSON (expected `:`); expected JSON objects",
        ),
        (
            "items.json",
            "[\n  {\"text\": \"a\"},\n  [1, 2]\n]\n",
            3,
            "expected a JSON object ({\"text\": …}) for each example",
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, body).expect("written");
        let incoming = read_with(&path, &Default::default());
        let found: Vec<String> = incoming.problems.iter().map(ToString::to_string).collect();
        assert_eq!(found.len(), 1, "{name}: {found:?}");
        let at = format!("{}:{line}: ", path.display());
        assert!(
            found[0].starts_with(&at) && found[0].contains(expected),
            "{name}: {:?} lacks {at}{expected}",
            found[0]
        );
    }
    // JSON lines whose first line is broken: that line is named, the next one read.
    let path = dir.path().join("first.jsonl");
    std::fs::write(
        &path,
        "{\"text\": \"a\", \"label\": [[0,\n{\"text\": \"b\"}\n",
    )
    .expect("written");
    let incoming = read_with(&path, &Default::default());
    assert_eq!(incoming.problems.len(), 1);
    assert_eq!(incoming.problems[0].place, Place::line(&path, 1));
    assert!(
        incoming.problems[0]
            .message
            .contains("expected one JSON object per line")
    );
    assert_eq!(incoming.documents.len(), 1);
    assert_eq!(incoming.documents[0].text, "b");

    // A folder reads both .jsonl and .json files.
    let folder = tempfile::tempdir().expect("tempdir");
    std::fs::write(folder.path().join("a.jsonl"), "{\"text\": \"one\"}\n").expect("written");
    std::fs::write(folder.path().join("b.json"), "[{\"text\": \"two\"}]").expect("written");
    let incoming = read_with(folder.path(), &Default::default());
    assert_eq!(incoming.problems, []);
    assert_eq!(incoming.documents.len(), 2);
}
