//! Tests of the WebAnno TSV import: INCEpTION's own test suite (copied into
//! `tests/fixtures/inception-tsv3/`), our own export read back, and bad input.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::formats::incoming::InValue;
use crate::formats::{
    ExportOptions, Format, ImportFailure, ImportOptions, ImportPlan, Incoming, LayerChoice,
    Protected, export, plan_import, read, write,
};
use crate::model::{Project, Value};

fn suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/inception-tsv3")
}

fn case(name: &str) -> PathBuf {
    suite().join(name).join("reference.tsv")
}

fn options(skip_invalid: bool) -> ImportOptions {
    ImportOptions {
        annotator: None,
        fallback_annotator: "ana".into(),
        skip_invalid,
        now: jiff::Timestamp::UNIX_EPOCH,
    }
}

fn read_paths(paths: &[PathBuf]) -> Incoming {
    read(Format::Webanno, paths).expect("webanno is importable")
}

fn try_import(p: &Project, paths: &[PathBuf], skip: bool) -> Result<ImportPlan, ImportFailure> {
    plan_import(p, read_paths(paths), &options(skip))
}

/// Imports one case of the suite into a new project; it must have no problems.
fn import_case(name: &str) -> Project {
    let mut p = Project::new("x");
    let plan = try_import(&p, &[case(name)], false).unwrap_or_else(|e| panic!("{name}: {e}"));
    plan.edit.apply(&mut p).expect("applies");
    assert_valid(&p, name);
    p
}

/// The project passes the checks of a load, as the command line checks an import's result.
fn assert_valid(p: &Project, name: &str) {
    let file = crate::store::project_to_file(p);
    let problems = crate::store::check(Path::new("p.ron"), "", &file);
    assert!(problems.list.is_empty(), "{name}: {problems}");
}

fn label(p: &Project, tag: &crate::model::TagId) -> String {
    p.schema
        .tag(tag)
        .map(|t| t.label.clone())
        .unwrap_or_else(|| tag.to_string())
}

/// The spans as (tag label, quote), sorted.
fn spans(p: &Project) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = p
        .annotations
        .values()
        .map(|a| (label(p, &a.tag), a.quote.clone()))
        .collect();
    v.sort();
    v
}

/// The relations as (type label, from quote, to quote), sorted.
fn links(p: &Project) -> Vec<(String, String, String)> {
    let mut v: Vec<(String, String, String)> = p
        .relations
        .values()
        .map(|r| {
            let kind = p
                .schema
                .relation(&r.kind)
                .map(|k| k.label.clone())
                .unwrap_or_else(|| r.kind.to_string());
            (
                kind,
                p.annotations[&r.from].quote.clone(),
                p.annotations[&r.to].quote.clone(),
            )
        })
        .collect();
    v.sort();
    v
}

fn s(label: &str, quote: &str) -> (String, String) {
    (label.into(), quote.into())
}

fn l(kind: &str, from: &str, to: &str) -> (String, String, String) {
    (kind.into(), from.into(), to.into())
}

#[test]
fn multi_token_and_cross_sentence_spans_are_one_annotation() {
    let p = import_case("testMultiTokenSpanWithoutFeatureValue");
    // INCEpTION's reader makes the text of the sentences, a line break after each.
    assert_eq!(p.documents[0].text, "This is a test .\n");
    assert_eq!(p.documents[0].id.as_str(), "reference");
    assert_eq!(spans(&p), [s("Span", "This is a test .")]);

    let p = import_case("testCrossSentenceSpanWithoutFeatureValue");
    assert_eq!(p.documents[0].text, "He loves her .\nShe loves him not .\n");
    assert_eq!(
        spans(&p),
        [s("Span", "He loves her .\nShe loves him not .")]
    );

    let p = import_case("testSentenceWithLineBreak");
    assert_eq!(p.documents[0].text, "This is\na test .\n");
    assert_eq!(spans(&p), [s("Span", "This")]);
}

#[test]
fn stacked_spans_are_told_apart_by_their_ids() {
    let p = import_case("testMultiTokenStackedSpanWithFeatureValue");
    assert_eq!(
        spans(&p),
        [
            s("LOCATION", "This is a test ."),
            s("PERSON", "This is a test .")
        ]
    );
    // Two identical NE spans on each token: a layer holds one annotation of a tag on a
    // text, so each pair is one, and the report says so.
    let file = case("testTokenBoundedStackedSpanWithFeatureValue");
    let plan = try_import(&Project::new("x"), std::slice::from_ref(&file), false).expect("imports");
    assert_eq!(plan.report.annotations, 5);
    assert!(
        plan.report
            .notes
            .iter()
            .any(|n| n.starts_with("5 stacked annotations identical")),
        "{:?}",
        plan.report.notes
    );
    // Without ids, a value on each token is a span of its own.
    let p = import_case("testTokenBoundedSpanWithFeatureValue");
    assert_eq!(
        spans(&p),
        [
            s("NE 0", "This"),
            s("NE 1", "is"),
            s("NE 2", "a"),
            s("NE 3", "test"),
            s("NE 4", ".")
        ]
    );
}

#[test]
fn sub_tokens_give_spans_inside_tokens() {
    let p = import_case("testSubMultiTokenSpanWithoutFeatureValue3");
    assert_eq!(spans(&p), [s("Span", "his i"), s("Span", "s a te")]);
    let p = import_case("testSubTokenRelation");
    assert_eq!(spans(&p), [s("OTH", "T"), s("OTH", "t")]);
    assert_eq!(links(&p), [l("Relation", "T", "t")]);
}

#[test]
fn relations_come_with_their_features() {
    let p = import_case("testSingleNonMultiTokenRelationWithoutFeatureValue");
    assert_eq!(links(&p), [l("Relation", "This is", "a test")]);
    let p = import_case("testSingleStackedNonTokenRelationWithoutFeatureValue");
    // The relation names its source's id 1 and its target's id 3.
    assert_eq!(links(&p), [l("Relation", "This", ".")]);
    // Two identical spans stacked on each end: one each.
    assert_eq!(p.annotations.len(), 2);

    let p = import_case("testStackedNonMultiTokenRelationWithMultipleFeatureValues");
    assert_eq!(
        links(&p),
        [
            l("nsubj", "This is", "a test"),
            l("obj", "This is", "a test")
        ]
    );
    let kind = |name: &str| {
        p.schema
            .relations
            .iter()
            .find(|k| k.label == name)
            .unwrap_or_else(|| panic!("no {name}"))
    };
    let values = |name: &str| {
        let k = kind(name);
        let r = p
            .relations
            .values()
            .find(|r| r.kind == k.id)
            .expect("relation");
        k.attributes
            .iter()
            .map(|a| (a.label.clone(), r.values.get(&a.id).cloned()))
            .collect::<Vec<_>>()
    };
    // `true|false` is a flag set on the first and unset on the second; the numbers are numbers.
    assert_eq!(
        values("nsubj"),
        [
            ("boolValue".into(), Some(Value::Flag)),
            ("integerValue".into(), Some(Value::Scale(42)))
        ]
    );
    // A scale seen with one value reaches to the next (a scale needs two ends).
    let scale = kind("nsubj")
        .attributes
        .iter()
        .find(|a| a.label == "integerValue")
        .map(|a| a.kind.clone());
    assert_eq!(
        scale,
        Some(crate::model::AttributeKind::Scale { min: 42, max: 43 })
    );
    assert_eq!(
        values("obj"),
        [("integerValue".into(), Some(Value::Scale(43)))]
    );
}

#[test]
fn slot_features_become_role_relations() {
    let p = import_case("testMultiTokenSlotFeature");
    assert_eq!(
        spans(&p),
        [
            s("SimpleLinkHost", "This"),
            s("SimpleSpan", "is a"),
            s("SimpleSpan", "test .")
        ]
    );
    assert_eq!(
        links(&p),
        [l("p1", "This", "is a"), l("p2", "This", "test .")]
    );
    let p = import_case("testSimpleSameRoleSlotFeature");
    assert_eq!(links(&p), [l("p1", "This", "a"), l("p1", "This", "is")]);
    // Slots without roles are named by the feature.
    let p = import_case("testComplexSlotFeatureWithoutValues");
    assert_eq!(
        links(&p),
        [l("links", "This", "a"), l("links", "This", "is")]
    );
    // Fillers named by id across layers (the slot's type is any annotation).
    let p = import_case("sampleSlotAnnotation1");
    assert_eq!(links(&p), [l("pr1", "This", "is"), l("pr2", "This", "a")]);
    assert!(spans(&p).contains(&s("SurfaceForm", "test")));
}

#[test]
fn chains_are_relations_from_each_element_to_the_next() {
    let p = import_case("testSimpleChain");
    assert_eq!(
        spans(&p),
        [
            s("SimpleLink", "This"),
            s("SimpleLink", "a"),
            s("SimpleLink", "is")
        ]
    );
    assert_eq!(
        links(&p),
        [l("SimpleLink", "This", "is"), l("SimpleLink", "is", "a")]
    );
}

#[test]
fn special_symbols_are_unescaped() {
    let p = import_case("testTokenBoundedSpanWithSpecialSymbolsValue");
    let got = spans(&p);
    assert_eq!(got.len(), 5);
    // The value ends in a line break, which a tag's name cannot keep: trimmed, and said so.
    let expected = "#*'\"`´\t:;{}|[ ]()\\§$%?=&_";
    assert!(got.iter().all(|(label, _)| label == expected), "{got:?}");
    let plan = try_import(
        &Project::new("x"),
        &[case("testTokenBoundedSpanWithSpecialSymbolsValue")],
        false,
    )
    .expect("imports");
    assert!(
        plan.report
            .notes
            .iter()
            .any(|n| n.starts_with("5 labels with white space")),
        "{:?}",
        plan.report.notes
    );
}

#[test]
fn zero_length_spans_are_refused_with_file_and_line() {
    let file = case("testZeroLengthSpansWithFeatureValues");
    let failure =
        try_import(&Project::new("x"), std::slice::from_ref(&file), false).expect_err("refused");
    let places: Vec<String> = failure
        .problems
        .iter()
        .map(|p| p.place.to_string())
        .collect();
    assert_eq!(
        places,
        [
            format!("{}:7", file.display()),
            format!("{}:12", file.display())
        ]
    );
    assert!(
        failure.problems[0]
            .message
            .contains("zero-length Span annotation at 0")
    );
    // Skipped under --skip-invalid, and named in the report.
    let plan = try_import(&Project::new("x"), std::slice::from_ref(&file), true).expect("skips");
    assert_eq!(plan.report.annotations, 0);
    assert_eq!(plan.report.skipped.len(), 2);

    // A slot filled by a zero-length span is refused with it; the other slot comes in.
    let file = case("testZeroLengthSlotFeature2");
    let plan = try_import(&Project::new("x"), std::slice::from_ref(&file), true).expect("skips");
    let messages: Vec<&str> = plan
        .report
        .skipped
        .iter()
        .map(|p| p.message.as_str())
        .collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages[0].contains("slot p2 filled by 1-3.1"),
        "{messages:?}"
    );
    assert!(
        messages[1].contains("zero-length SimpleSpan"),
        "{messages:?}"
    );
    assert_eq!(plan.report.relations, 1);
}

#[test]
fn relations_between_tokens_are_refused() {
    let file = case("testSingleTokenRelationWithMultipleFeatureValues");
    let failure =
        try_import(&Project::new("x"), std::slice::from_ref(&file), false).expect_err("refused");
    assert_eq!(failure.problems.len(), 1);
    assert_eq!(failure.problems[0].place.line, Some(10));
    assert!(
        failure.problems[0].message.contains("links tokens"),
        "{}",
        failure.problems[0]
    );
}

/// Every case of INCEpTION's suite imports or is refused with problems that name the file
/// and a line; which are refused is known.
#[test]
fn every_case_of_the_suite_has_a_definite_outcome() {
    let mut refused = BTreeSet::new();
    let mut cases = 0;
    for entry in std::fs::read_dir(suite()).expect("suite") {
        let dir = entry.expect("entry").path();
        if !dir.is_dir() {
            continue;
        }
        cases += 1;
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let file = dir.join("reference.tsv");
        match try_import(&Project::new("x"), std::slice::from_ref(&file), false) {
            Ok(plan) => {
                assert_eq!(plan.report.documents_added.len(), 1, "{name}");
                if name != "testSentenceId" {
                    assert!(plan.report.annotations > 0, "{name}: no annotation");
                }
                let mut p = Project::new("x");
                plan.edit.apply(&mut p).expect("applies");
                assert_valid(&p, &name);
            }
            Err(failure) => {
                assert!(!failure.problems.is_empty(), "{name}");
                for p in &failure.problems {
                    assert_eq!(p.place.file, file, "{name}: {p}");
                    assert!(p.place.line.is_some(), "{name}: {p}");
                }
                refused.insert(name);
            }
        }
    }
    assert_eq!(cases, 38);
    assert_eq!(
        refused,
        BTreeSet::from(
            [
                "testSingleTokenRelationWithMultipleFeatureValues",
                "testStackedSubMultiTokenSpanWithFeatureValue",
                "testSubtokenChain",
                "testZeroLengthSlotFeature2",
                "testZeroLengthSpansWithFeatureValues",
                "testZeroLengthSpansWithoutFeatures",
                "testZeroWidthAnnotationBeforeFirstTokenIsMovedToBeginOfFirstToken",
                "testZeroWidthAnnotationBeyondLastTokenIsMovedToEndOfLastToken",
            ]
            .map(String::from)
        )
    );
}

#[test]
fn utf16_offsets_become_code_points() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("emoji.tsv");
    // 🐱 is two UTF-16 units, 👩‍👩‍👧 eight, é one plus a combining accent.
    std::fs::write(
        &file,
        "#FORMAT=WebAnno TSV 3.3\n#T_SP=webanno.custom.Span|value\n\n\n\
         #Text=🐱 Zoe\u{301} 和谈 👩‍👩‍👧 ok\n\
         1-1\t0-2\t🐱\t_\t\n\
         1-2\t3-7\tZoe\u{301}\tPER\t\n\
         1-3\t8-10\t和谈\tTOPIC[1]\t\n\
         1-4\t11-19\t👩‍👩‍👧\tTOPIC[1]\t\n\
         1-5\t20-22\tok\tX\t\n",
    )
    .expect("written");
    let mut p = Project::new("x");
    try_import(&p, std::slice::from_ref(&file), false)
        .expect("imports")
        .edit
        .apply(&mut p)
        .expect("applies");
    assert_eq!(
        spans(&p),
        [s("PER", "Zoe\u{301}"), s("TOPIC", "和谈 👩‍👩‍👧"), s("X", "ok")]
    );
}

#[test]
fn bad_input_names_the_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let write_case = |name: &str, text: &str| {
        let f = dir.path().join(name);
        std::fs::write(&f, text).expect("written");
        f
    };
    let header = "#FORMAT=WebAnno TSV 3.3\n#T_SP=webanno.custom.Span|value\n\n\n";
    for (name, text, line, expected) in [
        ("format.tsv", "#FORMAT=WebAnno TSV 2\n", 1, "TSV 3.3"),
        (
            "columns.tsv",
            &format!("{header}#Text=a b\n1-1\t0-1\ta\n") as &str,
            6,
            "expected 4 columns",
        ),
        (
            "offsets.tsv",
            &format!("{header}#Text=a b\n1-1\t0-x\ta\t_\t\n"),
            6,
            "BEGIN-END",
        ),
        (
            "form.tsv",
            &format!("{header}#Text=a b\n1-1\t0-1\ta\t_\t\n1-2\t2-3\tc\tX\t\n"),
            7,
            "the sentence's text there is \"b\"",
        ),
        (
            "surrogate.tsv",
            &format!("{header}#Text=🐱\n1-1\t0-1\t?\tX\t\n"),
            6,
            "split a character",
        ),
        (
            "id.tsv",
            &format!("{header}#Text=a\n1-1\t0-1\ta\tX[y]\t\n"),
            6,
            "disambiguation id",
        ),
    ] {
        let file = write_case(name, text);
        let failure =
            try_import(&Project::new("x"), std::slice::from_ref(&file), false).expect_err(name);
        let first = failure
            .problems
            .iter()
            .find(|p| p.place.line.is_some())
            .unwrap_or_else(|| panic!("{name}: no problem with a line: {failure}"));
        assert_eq!(first.place.file, file, "{name}");
        assert_eq!(first.place.line, Some(line), "{name}: {first}");
        assert!(first.message.contains(expected), "{name}: {first}");
    }
}

#[test]
fn values_are_typed_by_their_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("typed.tsv");
    std::fs::write(
        &file,
        "#FORMAT=WebAnno TSV 3.3\n#T_SP=webanno.custom.Span|value|flag|n|text\n\n\n\
         #Text=a b\n\
         1-1\t0-1\ta\tX\ttrue\t1\t007\t\n\
         1-2\t2-3\tb\tX\tfalse\t-2\tz\t\n",
    )
    .expect("written");
    let incoming = read_paths(std::slice::from_ref(&file));
    assert_eq!(incoming.problems, []);
    let a = &incoming.documents[0].annotations;
    assert_eq!(
        a[0].values,
        [
            ("flag".into(), InValue::Flag),
            ("n".into(), InValue::Number(1)),
            ("text".into(), InValue::Text("007".into()))
        ]
    );
    assert_eq!(
        a[1].values,
        [
            ("n".into(), InValue::Number(-2)),
            ("text".into(), InValue::Text("z".into()))
        ]
    );
}

/// What a layer holds, by document, tag, fragments (a fragment each where an annotation has
/// several: the export writes one span per fragment), note, entity, status and values; and
/// its relations by their ends' first fragments.
type Seen = (BTreeSet<String>, BTreeSet<String>);

fn seen(p: &Project, layer: &str) -> Seen {
    let mut spans = BTreeSet::new();
    for a in p.annotations.values().filter(|a| a.annotator == layer) {
        // A choice of several values has no place in a TSV string feature (counted by the
        // export).
        let values: Vec<String> = a
            .values
            .iter()
            .filter(|(_, v)| !matches!(v, Value::Choice(c) if c.len() > 1))
            .map(|(k, v)| format!("{k}={v:?}"))
            .collect();
        for f in &a.fragments {
            spans.insert(format!(
                "{} {} {}..{} note={:?} entity={:?} status={:?} {values:?}",
                a.doc, a.tag, f.start.0, f.end.0, a.note, a.entity, a.status
            ));
        }
    }
    let end = |id: &crate::model::AnnotationId| {
        p.annotations
            .get(id)
            .map(|a| format!("{} {} {}", a.doc, a.tag, a.fragments[0].start.0))
            .unwrap_or_default()
    };
    let links = p
        .relations
        .values()
        .filter(|r| r.annotator == layer)
        .map(|r| {
            format!(
                "{} {} → {} note={:?} {:?}",
                r.kind,
                end(&r.from),
                end(&r.to),
                r.note,
                r.values
            )
        })
        .collect();
    (spans, links)
}

#[test]
fn our_export_comes_back_as_it_was() {
    let p = crate::formats::labelstudio::tests::coded();
    let mut e = export(
        &p,
        Format::Webanno,
        &ExportOptions {
            layer: LayerChoice::One("ana".into()),
            documents: None,
        },
        &mut |_, _| {},
    )
    .expect("exports");
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("tsv");
    write(&out, &mut e, &Protected::default()).expect("written");

    // Into the project it came from, without its annotations: every span, tag, value,
    // relation, note, entity and status is back, on the same articles.
    let mut target = p.clone();
    target.annotations.clear();
    target.relations.clear();
    let plan = try_import(&target, std::slice::from_ref(&out), false).expect("imports");
    assert_eq!(plan.report.documents_added, []);
    assert_eq!(plan.report.documents_matched.len(), p.documents.len());
    assert!(
        plan.report
            .notes
            .iter()
            .any(|n| n.contains("differs only in white space")),
        "{:?}",
        plan.report.notes
    );
    plan.edit.apply(&mut target).expect("applies");
    assert_eq!(target.schema, p.schema, "nothing added to the schema");
    assert_eq!(target.codebooks, p.codebooks, "no code added");
    assert_eq!(target.entities, p.entities, "no entity added");
    let (want_spans, want_links) = seen(&p, "ana");
    // The coded fixture: spans with stances, concepts, flags, scales, texts, an entity, a
    // note with a line break and a review status; links with a flag.
    assert!(
        want_spans.len() >= 9 && want_links.len() >= 3,
        "{want_spans:?}"
    );
    for needle in [
        "Scale(-2)",
        "Flag",
        "Text(",
        "Code(",
        "Choice(",
        "Accepted",
        "entity=Some",
    ] {
        assert!(
            want_spans.iter().any(|s| s.contains(needle)),
            "no {needle} in {want_spans:?}"
        );
    }
    let (got_spans, got_links) = seen(&target, "ana");
    assert_eq!(got_spans, want_spans);
    assert_eq!(got_links, want_links);

    // Importing it again adds nothing.
    let again = try_import(&target, std::slice::from_ref(&out), false).expect("imports");
    assert_eq!((again.report.annotations, again.report.relations), (0, 0));
}

#[test]
fn inception_project_exports_name_the_document_and_the_layer() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tsv = std::fs::read_to_string(case("testSimpleChain")).expect("case");
    let mut files = Vec::new();
    for (folder, user) in [
        ("annotation", "ana"),
        ("annotation", "ben"),
        ("curation", "CURATION_USER"),
    ] {
        let d = dir.path().join(folder).join("article 1.txt");
        std::fs::create_dir_all(&d).expect("folder");
        let f = d.join(format!("{user}.tsv"));
        std::fs::write(&f, &tsv).expect("written");
        files.push(f);
    }
    let mut p = Project::new("x");
    let plan = try_import(&p, &files, false).expect("imports");
    assert_eq!(plan.report.layers, ["ana", "ben", "reviewed"]);
    assert_eq!(
        plan.report.documents_added.len(),
        1,
        "one document, three layers"
    );
    plan.edit.apply(&mut p).expect("applies");
    assert_eq!(p.documents[0].meta.title, "article 1.txt");
    assert_eq!(p.annotations.len(), 9);
}
