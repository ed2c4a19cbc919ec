//! Tests of the brat export and import: golden files, brat's own checks on what is written,
//! round trips through the disk, brat's example corpus, and bad input.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use crate::formats::incoming::InValue;
use crate::formats::{
    Export, ExportOptions, Format, ImportOptions, LayerChoice, LossKind, export, field, fixture,
    plan_import, read, write,
};
use crate::model::{
    Annotation, AnnotationId, ByteOffset, DocId, Document, Fragment, Project, Relation, RelationId,
    ReviewStatus, TagId, Value,
};

fn export_layer(p: &Project, layer: &str) -> Export {
    let options = ExportOptions {
        layer: LayerChoice::One(layer.into()),
        documents: None,
    };
    export(p, Format::Brat, &options, &mut |_, _| {}).expect("export")
}

fn file<'e>(e: &'e Export, name: &str) -> &'e str {
    e.files
        .iter()
        .find(|f| f.place == crate::formats::OutPlace::Inside(name.into()))
        .map(|f| f.text.as_str())
        .unwrap_or_else(|| panic!("no {name} in the export"))
}

fn options(layer: &str) -> ImportOptions {
    ImportOptions {
        annotator: None,
        fallback_annotator: layer.into(),
        skip_invalid: false,
        now: jiff::Timestamp::UNIX_EPOCH,
    }
}

/// Reads `inputs`, requires no problems, and imports into a new project.
fn import(inputs: &[PathBuf], layer: &str) -> Project {
    let incoming = read(Format::Brat, inputs).expect("brat reads");
    assert_eq!(incoming.problems, [], "problems reading {inputs:?}");
    let mut p = Project::new("x");
    let plan = plan_import(&p, incoming, &options(layer)).expect("plan");
    plan.edit.apply(&mut p).expect("applies");
    p
}

/// Writes `e` to a temporary folder and imports it into a new project.
fn through_disk(mut e: Export, layer: &str) -> Project {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("brat");
    write(&out, &mut e, &crate::formats::Protected::default()).expect("written");
    import(&[out], layer)
}

/// brat's checks (`annotation.py`) on one document: every `T` line's text is the text at its
/// offsets (code points), its fragments joined by one space; every other line refers to a `T`
/// that exists. Returns what fails.
fn brat_errors(txt: &str, ann: &str) -> Vec<String> {
    let chars: Vec<char> = txt.chars().collect();
    let mut ts = HashSet::new();
    let mut rs = HashSet::new();
    let mut errors = Vec::new();
    for line in ann.lines().filter(|l| l.starts_with('R')) {
        rs.insert(line.split('\t').next().unwrap_or_default().to_owned());
    }
    for line in ann.lines().filter(|l| l.starts_with('T')) {
        let parts: Vec<&str> = line.splitn(3, '\t').collect();
        let [id, data, text] = parts.as_slice() else {
            errors.push(format!("{line:?}: not three fields"));
            continue;
        };
        let (_, spans) = data.split_once(' ').expect("type and offsets");
        let mut pieces = Vec::new();
        for pair in spans.split(';') {
            let (s, e) = pair.split_once(' ').expect("start end");
            let (s, e): (usize, usize) = (s.parse().expect("start"), e.parse().expect("end"));
            pieces.push(
                chars
                    .get(s..e)
                    .expect("in the text")
                    .iter()
                    .collect::<String>(),
            );
        }
        if pieces.join(" ") != *text {
            errors.push(format!("{id}: {text:?} is not {:?}", pieces.join(" ")));
        }
        ts.insert((*id).to_owned());
    }
    for line in ann.lines().filter(|l| !l.starts_with('T')) {
        let data = line.split('\t').nth(1).unwrap_or_default();
        let refs: Vec<&str> = match line.chars().next() {
            Some('R') => data
                .split_whitespace()
                .skip(1)
                .filter_map(|a| a.split_once(':').map(|(_, t)| t))
                .collect(),
            Some('N' | '#' | 'A') => data.split_whitespace().nth(1).into_iter().collect(),
            _ => vec!["?"],
        };
        let on_relation = matches!(line.chars().next(), Some('#' | 'A'));
        for r in refs {
            if !(ts.contains(r) || on_relation && rs.contains(r)) {
                errors.push(format!("{line:?} refers to {r}, which is no T line"));
            }
        }
    }
    errors
}

#[test]
fn the_fixture_exports_as_the_golden_files_say() {
    let p = fixture::project();
    let mut steps = Vec::new();
    let options = ExportOptions {
        layer: LayerChoice::One("ana".into()),
        documents: None,
    };
    let e = export(&p, Format::Brat, &options, &mut |done, total| {
        steps.push((done, total))
    })
    .expect("export");
    assert_eq!(steps, [(1, 2), (2, 2)]);
    for name in [
        "d1.ann",
        "d2.ann",
        "annotation.conf",
        "visual.conf",
        "tools.conf",
        "kb_shortcuts.conf",
    ] {
        fixture::golden(&format!("brat/{name}"), file(&e, name));
    }
    assert_eq!(file(&e, "d1.txt"), fixture::TEXT, "the text, CRLF kept");
    assert_eq!(file(&e, "d2.txt"), fixture::TEXT2);
    assert_eq!(e.files.len(), 8);
    fixture::golden("brat/report.txt", &e.report.to_text());
    assert_eq!(
        (e.report.documents, e.report.annotations, e.report.relations),
        (2, 10, 3)
    );
    assert_eq!(e.report.not_carried, []);
    assert_eq!(
        e.report.fields_not_carried,
        BTreeMap::from([("document title", 2), ("entity kind", 2)])
    );
}

#[test]
fn what_is_written_passes_brats_checks() {
    let p = fixture::project();
    for layer in ["ana", "ben"] {
        let e = export_layer(&p, layer);
        for doc in ["d1", "d2"] {
            let errors = brat_errors(
                file(&e, &format!("{doc}.txt")),
                file(&e, &format!("{doc}.ann")),
            );
            assert_eq!(errors, Vec::<String>::new(), "{layer} {doc}");
        }
    }
    let (p, _) = line_break_project();
    let e = export_layer(&p, "ana");
    assert_eq!(
        brat_errors(file(&e, "d.txt"), file(&e, "d.ann")),
        Vec::<String>::new()
    );
}

#[test]
fn the_fixture_layer_comes_back_from_the_folder() {
    let p = fixture::project();
    let back = through_disk(export_layer(&p, "ana"), "ana");
    assert_eq!(
        fixture::spans(&back, Some("ana")),
        fixture::spans(&p, Some("ana"))
    );
    assert_eq!(
        fixture::links(&back, Some("ana")),
        fixture::links(&p, Some("ana"))
    );
    let accepted: Vec<&str> = back
        .annotations
        .values()
        .filter(|a| a.status == ReviewStatus::Accepted)
        .map(|a| a.quote.as_str())
        .collect();
    assert_eq!(accepted, ["Zoe\u{301} Ba\u{301}nh"]);
    let schema = |p: &Project| -> Vec<(String, String, String)> {
        p.schema
            .tags
            .iter()
            .map(|t| (t.id.to_string(), t.label.clone(), t.color.to_hex()))
            .collect()
    };
    assert_eq!(schema(&back), schema(&p), "tags, labels and colours");
}

#[test]
fn brats_examples_import_without_problems_and_survive_a_round_trip() {
    let first = import(&[fixture::brat_news()], "brat");
    assert_eq!(first.documents.len(), 13);
    assert_eq!(first.annotations.len(), 119, "every T line");
    assert_eq!(
        first.relations.len(),
        63,
        "R lines, event arguments, equivalences"
    );
    let second = through_disk(export_layer(&first, "brat"), "brat");
    assert_eq!(fixture::spans(&second, None), fixture::spans(&first, None));
    assert_eq!(fixture::links(&second, None), fixture::links(&first, None));
    let labels = |p: &Project| -> Vec<(String, String)> {
        p.schema
            .tags
            .iter()
            .map(|t| (t.id.to_string(), t.label.clone()))
            .collect()
    };
    assert_eq!(labels(&second), labels(&first));
}

/// The annotation of `doc` (a file stem of brat's examples, all ASCII) that starts at `start`
/// and covers `quote`.
fn find<'p>(p: &'p Project, doc: &str, start: usize, quote: &str) -> &'p Annotation {
    p.annotations
        .values()
        .find(|a| {
            a.doc.as_str() == doc
                && a.fragments.first().map(|f| f.start.0) == Some(start)
                && a.quote == quote
        })
        .unwrap_or_else(|| panic!("no {quote:?} at {start} in {doc}"))
}

/// The values of `a` as the analyst reads them: (attribute, value).
fn shown(p: &Project, a: &Annotation) -> Vec<(String, String)> {
    let attributes = p
        .schema
        .tag(&a.tag)
        .map(|t| t.attributes.clone())
        .unwrap_or_default();
    crate::model::shown_values(&attributes, &a.values, &p.codebooks)
        .into_iter()
        .map(|v| (v.attribute, v.text))
        .collect()
}

fn links_from(p: &Project, a: &Annotation) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = p
        .relations
        .values()
        .filter(|r| r.from == a.id)
        .map(|r| (r.kind.to_string(), p.annotations[&r.to].quote.clone()))
        .collect();
    v.sort();
    v
}

#[test]
fn events_equivalences_attributes_references_and_notes_are_all_kept() {
    let p = import(&[fixture::brat_news()], "brat");
    // E1 Transfer-money:T3 Giver-Arg:T1 Money-Arg:T2 Beneficiary-Arg:T4 Recipient-Arg:T6,
    // with A5 Confidence E1 High.
    let moving = find(&p, "000-introduction", 443, "moving");
    assert_eq!(moving.tag, TagId("Transfer money".into()));
    assert_eq!(moving.note, "");
    assert_eq!(shown(&p, moving), [("Confidence".into(), "High".into())]);
    assert_eq!(
        links_from(&p, moving),
        [
            ("Beneficiary-Arg".into(), "Raul Salinas de Gortari".into()),
            ("Giver-Arg".into(), "Citibank".into()),
            ("Money-Arg".into(), "$100 million".into()),
            ("Recipient-Arg".into(), "banks".into()),
        ]
    );
    // A3 Mention T5 Nominal, A4 Individual T5, N1 Reference T5 Wikipedia:64488.
    let former = find(&p, "000-introduction", 511, "former Mexican president");
    assert_eq!(former.note, "");
    assert_eq!(
        shown(&p, former),
        [
            ("Individual".into(), "yes".into()),
            ("Mention".into(), "Nominal".into())
        ]
    );
    let entity = former.entity.as_ref().and_then(|e| p.entities.get(e));
    assert_eq!(
        entity.map(|e| (e.name.as_str(), e.refs.clone())),
        Some((
            "Carlos Salinas de Gortari",
            vec![crate::model::ExternalRef {
                kb: "Wikipedia".into(),
                id: "64488".into()
            }]
        ))
    );
    // `[attributes]` declares them on the types they attach to, with their values.
    let person = p.schema.tag(&"Person".into()).expect("Person");
    let kinds: Vec<(&str, &str)> = person
        .attributes
        .iter()
        .map(|a| (a.label.as_str(), a.kind.name()))
        .collect();
    assert_eq!(kinds, [("Individual", "flag"), ("Mention", "choice")]);
    assert_eq!(
        find(&p, "000-introduction", 456, "$100 million").note,
        "100000000 USD"
    );
    // `*\tAlias T3 T4 T5`: Alias between consecutive members.
    let joanne = find(&p, "060-relation_annotation", 483, "Joanne Rowling");
    assert_eq!(
        links_from(&p, joanne),
        [("Alias".into(), "Jo Rowling".into())]
    );
    // E2 Merge-org:T3 Org-Arg:T4 Org-Arg2:T5: the roles keep their numbers.
    let merged = find(&p, "080-event-annotation", 303, "merged");
    assert_eq!(
        links_from(&p, merged),
        [
            ("Org-Arg".into(), "YouTube".into()),
            ("Org-Arg2".into(), "Google".into())
        ]
    );
    assert_eq!(
        p.schema
            .relation(&"Org-Arg2".into())
            .map(|r| r.label.as_str()),
        Some("Org-Arg2")
    );
    assert_eq!(
        p.schema
            .relation(&"Org-Arg".into())
            .map(|r| r.label.as_str()),
        Some("Org-Arg")
    );
    // A note on an event goes to the event; a note on a relation to the relation.
    let note_doc = "110-note_annotation";
    assert_eq!(
        find(&p, note_doc, 495, "merged").note,
        "Annotate as one merge event with three participants or two events with two participants each?"
    );
    let orville = find(&p, note_doc, 520, "Orville Wright");
    assert_eq!(orville.note, "");
    let family: Vec<&str> = p
        .relations
        .values()
        .filter(|r| r.from == orville.id)
        .map(|r| r.note.as_str())
        .collect();
    assert_eq!(
        family,
        ["Should this be marked? It's not explicitly stated."]
    );
    let tag = |id: &str| {
        p.schema
            .tag(&TagId(id.into()))
            .map(|t| (t.label.as_str(), t.color.to_hex()))
    };
    assert_eq!(tag("Person"), Some(("Person", "#FF821C".into())));
    assert_eq!(tag("GPE"), Some(("GPE", "#FFD412".into())));
    assert_eq!(tag("Be born").map(|t| t.0), Some("Be born"));
}

/// A project whose document has CRLF line ends, a span across one, a span of only a line
/// break (with a relation to it) and a note with a CRLF.
fn line_break_project() -> (Project, String) {
    let text = "one\r\ntwo three\u{2028}four";
    let mut p = Project::new("lines");
    p.documents.push(Document::new("d", "d", text));
    let at = |s: &str| {
        let start = text.find(s).expect("in the text");
        Fragment::new(ByteOffset(start)..ByteOffset(start + s.len()))
    };
    for (id, fragment, note) in [
        ("a", at("one\r\ntwo"), "first\r\nsecond"),
        ("b", at("\r\n"), ""),
        ("c", at("three\u{2028}four"), ""),
    ] {
        let fragments = vec![fragment];
        p.annotations.insert(
            AnnotationId(id.into()),
            Annotation {
                values: Default::default(),
                id: AnnotationId(id.into()),
                doc: DocId("d".into()),
                tag: TagId("claim".into()),
                quote: crate::model::quote_of(text, &fragments).expect("fits"),
                fragments,
                annotator: "ana".into(),
                entity: None,
                note: note.into(),
                status: ReviewStatus::Pending,
                created: jiff::Timestamp::UNIX_EPOCH,
                modified: jiff::Timestamp::UNIX_EPOCH,
                changed_by: None,
            },
        );
    }
    p.relations.insert(
        RelationId("r".into()),
        Relation {
            note: Default::default(),
            values: Default::default(),
            id: RelationId("r".into()),
            kind: "conditional_on".into(),
            from: AnnotationId("a".into()),
            to: AnnotationId("b".into()),
            annotator: "ana".into(),
            changed_by: None,
        },
    );
    (p, text.to_owned())
}

#[test]
fn a_span_across_a_line_break_is_cut_around_it_and_reported() {
    let (p, _) = line_break_project();
    let e = export_layer(&p, "ana");
    assert_eq!(
        file(&e, "d.ann"),
        "T1\tclaim 0 3;5 8\tone two\n\
         #1\tAnnotatorNotes T1\tfirst\n\
         #2\tAnnotatorNotes T1\tsecond\n\
         T2\tclaim 9 14;15 19\tthree four\n"
    );
    let kinds: Vec<(&str, &LossKind)> = e
        .report
        .not_carried
        .iter()
        .map(|l| (l.id.as_str(), &l.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("a", &LossKind::LineBreak { fragments: 2 }),
            ("b", &LossKind::LineBreak { fragments: 0 }),
            ("c", &LossKind::LineBreak { fragments: 2 }),
            (
                "r",
                &LossKind::Relation {
                    why: "an end covers only line breaks and was not written"
                }
            ),
        ]
    );
    assert_eq!((e.report.annotations, e.report.relations), (0, 0));
    assert_eq!(e.report.fields_not_carried.get("note line ends"), Some(&1));
    assert!(
        e.report
            .to_text()
            .contains("crosses a line break, written as 2 fragments")
    );
    let back = through_disk(e, "ana");
    let notes: Vec<&str> = back.annotations.values().map(|a| a.note.as_str()).collect();
    assert!(notes.contains(&"first\nsecond"), "{notes:?}");
}

/// Writes `files` (name, contents) into a new temporary folder.
fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("written");
    }
    dir
}

fn lines_of(problems: &[crate::formats::ImportProblem], file: &Path) -> Vec<usize> {
    problems
        .iter()
        .filter(|p| p.place.file == file)
        .filter_map(|p| p.place.line)
        .collect()
}

#[test]
fn bad_lines_are_problems_by_file_and_line_and_the_rest_is_read() {
    let dir = folder(&[
        ("doc.txt", "Alice met Bob.\n"),
        (
            "doc.ann",
            "T1\tPerson 0 5\tAlice\n\
             T2\tPerson 10 99\tBob\n\
             T3\tPerson 10 13\tBen\n\
             R1\tKnows Arg1:T1 Arg2:T9\n\
             this is not brat\n\
             X1\tfoo bar\n\
             T4\tPerson zero five\tAlice\n\
             A1\tNegation T8\n\
             E1\tMeet:T1 Who:T1\n\
             T1\tPerson 0 5\tAlice\n\
             \n\
             R2\tKnows Arg1:T1\n\
             N1\tReference T1 nocolon\tAlice\n",
        ),
    ]);
    let ann = dir.path().join("doc.ann");
    let incoming = read(Format::Brat, std::slice::from_ref(&ann)).expect("reads");
    assert_eq!(
        lines_of(&incoming.problems, &ann),
        [4, 5, 6, 7, 8, 9, 10, 12, 13]
    );
    assert_eq!(incoming.documents.len(), 1);
    let keys: Vec<&str> = incoming.documents[0]
        .annotations
        .iter()
        .map(|a| a.key.as_str())
        .collect();
    assert_eq!(keys, ["T1", "T2", "T3"], "the rest is still read");
    let failure = plan_import(&Project::new("x"), incoming, &options("ana")).expect_err("refused");
    assert_eq!(
        lines_of(&failure.problems, &ann),
        [2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13],
        "in line order"
    );
    let text = failure.to_string();
    assert!(
        text.contains(
            "doc.ann:3: T3: the text at its offsets is \"Bob\", but the file says \"Ben\""
        ),
        "{text}"
    );
    assert!(text.contains("doc.ann:2: T2: span 10–99"), "{text}");
    assert!(
        text.contains("doc.ann:4: R1: T9 is not a text-bound annotation"),
        "{text}"
    );
}

#[test]
fn a_missing_text_a_wrong_input_and_a_bad_colour_are_problems() {
    let dir = folder(&[
        ("lonely.ann", "T1\tPerson 0 5\tAlice\n"),
        ("notes.md", "# not brat\n"),
        ("visual.conf", "[drawing]\nPerson\tbgColor:#12\n"),
    ]);
    let incoming = read(
        Format::Brat,
        &[dir.path().to_owned(), dir.path().join("notes.md")],
    )
    .expect("reads");
    let places: Vec<String> = incoming
        .problems
        .iter()
        .map(|p| {
            format!(
                "{}:{}",
                p.place
                    .file
                    .file_name()
                    .map(|f| f.to_string_lossy())
                    .unwrap_or_default(),
                p.place.line.unwrap_or(0)
            )
        })
        .collect();
    assert_eq!(places, ["notes.md:0", "visual.conf:2", "lonely.ann:0"]);
}

#[test]
fn a_byte_order_mark_counted_by_brat_moves_the_offsets() {
    let dir = folder(&[
        ("doc.txt", "\u{feff}Alice met Bob."),
        ("doc.ann", "T1\tPerson 1 6\tAlice\nT2\tPerson 11 14\tBob\n"),
    ]);
    let p = import(&[dir.path().join("doc.txt")], "ana");
    let quotes: Vec<&str> = p.annotations.values().map(|a| a.quote.as_str()).collect();
    assert_eq!(quotes.len(), 2);
    assert!(quotes.contains(&"Alice") && quotes.contains(&"Bob"));
    assert_eq!(p.documents[0].text, "Alice met Bob.");
}

#[test]
fn configuration_names_colours_and_roles_read_as_brat_reads_them() {
    use super::conf::{color, role_name};
    use crate::model::Rgb;
    assert_eq!(color("#FF821C"), Ok(Some(Rgb(0xFF, 0x82, 0x1C))));
    assert_eq!(color("#fc0"), Ok(Some(Rgb(0xFF, 0xCC, 0x00))));
    assert_eq!(color("LightGreen"), Ok(Some(Rgb(0x90, 0xEE, 0x90))));
    assert_eq!(color("transparent"), Ok(None));
    assert_eq!(color("blurple"), Err(()));
    assert_eq!(role_name("Org-Arg2"), "Org-Arg");
    assert_eq!(role_name("Theme"), "Theme");
    assert_eq!(role_name("Arg12"), "Arg");
    assert_eq!(role_name("7"), "7");
    let mut problems = Vec::new();
    let conf = super::conf::Conf::read(&fixture::brat_news(), &mut problems);
    assert_eq!(problems, []);
    let (tags, kinds) = conf.declared();
    let names: Vec<&str> = tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Person",
            "Organization",
            "GPE",
            "Money",
            "Be born",
            "Marry",
            "Divorce",
            "Die",
            "Transfer ownership",
            "Transfer money",
            "Start org",
            "Merge org",
            "End org",
            "Report"
        ]
    );
    let located = kinds.iter().find(|k| k.name == "Located").expect("Located");
    assert_eq!(
        (located.from.as_slice(), located.to.as_slice()),
        (&["Person".to_owned()][..], &["GPE".to_owned()][..])
    );
    let event = kinds
        .iter()
        .find(|k| k.name == "Event-Arg")
        .expect("Event-Arg");
    assert_eq!(event.from, ["Report"]);
    assert_eq!(
        event.to.len(),
        10,
        "<EVENT> is every event type: {:?}",
        event.to
    );
    let agent = kinds
        .iter()
        .find(|k| k.name == "Agent-Arg")
        .expect("Agent-Arg");
    assert_eq!(
        agent.to,
        ["Person", "Organization", "GPE"],
        "the <POG> macro"
    );
}

/// brat's tutorial corpus on biomedical events, copied into the repository's test fixtures.
fn brat_bio() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/brat-bio")
}

/// The codes of a brat folder as facts that do not depend on ids, by document (file stem):
/// `A` lines (`M` lines read as the `A` lines they are; the export writes `A`), `N` lines other than the project's
/// own registry, and `#` lines, each with its target as (type, offsets, text) of a span (an
/// event by its trigger) or (type, from, to) of a relation. Type names are compared as brat
/// stores them, without case and with `-` as `_` (the import makes `Part-of` the relation
/// type `part_of`). Parsed here by hand, as brat's `annotation.py` splits the lines.
fn code_facts(dir: &Path) -> BTreeMap<String, BTreeSet<(char, String, String, String)>> {
    let norm = |t: &str| t.to_lowercase().replace('-', "_");
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("folder") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("ann") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("ann");
        let lines: Vec<Vec<&str>> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.splitn(3, '\t').collect())
            .collect();
        let mut keys: BTreeMap<String, String> = BTreeMap::new();
        for l in &lines {
            if l[0].starts_with('T') {
                let (kind, offsets) = l[1].split_once(' ').expect("type");
                keys.insert(
                    l[0].to_owned(),
                    format!("{} [{offsets}] {}", norm(kind), l.get(2).unwrap_or(&"")),
                );
            }
        }
        for l in &lines {
            if l[0].starts_with('E') {
                let trigger = l[1].split_whitespace().next().expect("trigger");
                let (_, t) = trigger.split_once(':').expect("TYPE:ID");
                keys.insert(l[0].to_owned(), keys[t].clone());
            }
        }
        for l in &lines {
            if l[0].starts_with('R') {
                let words: Vec<&str> = l[1].split_whitespace().collect();
                let arg = |w: &str| keys[w.split_once(':').expect("ROLE:ID").1].clone();
                keys.insert(
                    l[0].to_owned(),
                    format!("{}({}, {})", norm(words[0]), arg(words[1]), arg(words[2])),
                );
            }
        }
        let mut facts = BTreeSet::new();
        for l in &lines {
            let words: Vec<&str> = l[1].split_whitespace().collect();
            let kind = l[0].chars().next().expect("id");
            let fact = match kind {
                'A' | 'M' => (
                    'A',
                    words[0].to_owned(),
                    keys[words[1]].clone(),
                    words[2..].join(" "),
                ),
                'N' if !words[2].starts_with("marginalia:") => (
                    'N',
                    words[0].to_owned(),
                    keys[words[1]].clone(),
                    format!("{} {}", words[2], l.get(2).unwrap_or(&"").trim()),
                ),
                '#' => (
                    '#',
                    words[0].to_owned(),
                    keys[words[1]].clone(),
                    l.get(2).unwrap_or(&"").trim().to_owned(),
                ),
                _ => continue,
            };
            facts.insert(fact);
        }
        // The import makes `020-top_bar` the document `020-top-bar`, whose export is named so.
        let stem = path.file_stem().expect("stem").to_string_lossy();
        out.insert(stem.replace('_', "-"), facts);
    }
    out
}

#[test]
fn brats_tutorials_keep_their_attributes_normalizations_and_notes_through_a_round_trip() {
    for (dir, facts) in [(brat_bio(), 13), (fixture::brat_news(), 16)] {
        let before = code_facts(&dir);
        let counted: usize = before.values().map(BTreeSet::len).sum();
        assert_eq!(counted, facts, "{}: A, N and # lines", dir.display());
        let p = import(std::slice::from_ref(&dir), "brat");
        let mut e = export_layer(&p, "brat");
        for kind in [
            field::ATTRIBUTE_VALUE,
            field::LINK_VALUE,
            field::LINK_NOTE,
            field::ENTITY_REFERENCE,
        ] {
            assert_eq!(e.report.fields_not_carried.get(kind), None, "{kind}");
        }
        let tmp = tempfile::tempdir().expect("tempdir");
        let out = tmp.path().join("brat");
        write(&out, &mut e, &crate::formats::Protected::default()).expect("written");
        assert_eq!(code_facts(&out), before, "{}", dir.display());
        // And once more through Marginalia: the export reads back as it was written.
        let again = import(std::slice::from_ref(&out), "brat");
        let tmp2 = tempfile::tempdir().expect("tempdir");
        let out2 = tmp2.path().join("brat");
        let mut e2 = export_layer(&again, "brat");
        write(&out2, &mut e2, &crate::formats::Protected::default()).expect("written");
        assert_eq!(code_facts(&out2), before, "{} twice", dir.display());
    }
}

#[test]
fn brats_bio_tutorial_reads_attributes_of_events_and_notes_of_relations() {
    let p = import(&[brat_bio()], "brat");
    // A4 Negation E4 and A3 Confidence E4 Likely, on the trigger of E4.
    let doc = "100-attribute_annotation";
    let negated: Vec<(String, Vec<(String, String)>)> = p
        .annotations
        .values()
        .filter(|a| a.doc.as_str() == doc && shown(&p, a).iter().any(|(n, _)| n == "Negation"))
        .map(|a| (a.quote.clone(), shown(&p, a)))
        .collect();
    assert_eq!(
        negated,
        [(
            "bind".to_owned(),
            vec![
                ("Negation".to_owned(), "yes".to_owned()),
                ("Confidence".to_owned(), "Likely".to_owned())
            ]
        )]
    );
    let binding = p.schema.tag(&"Binding".into()).expect("Binding");
    let kinds: Vec<String> = binding
        .attributes
        .iter()
        .map(|a| match &a.kind {
            crate::model::AttributeKind::Choice { values, .. } => format!(
                "{}: {}",
                a.label,
                values
                    .iter()
                    .map(|v| v.label.as_str())
                    .collect::<Vec<_>>()
                    .join("|")
            ),
            k => format!("{}: {}", a.label, k.name()),
        })
        .collect();
    assert_eq!(
        kinds,
        ["Negation: flag", "Confidence: Possible|Likely|Certain"]
    );
    assert!(
        p.schema
            .tag(&"Protein".into())
            .is_some_and(|t| t.attributes.is_empty()),
        "the attributes are for events only"
    );
    // #3 AnnotatorNotes R1 on a Part-of relation.
    let notes: Vec<(String, String)> = p
        .relations
        .values()
        .filter(|r| !r.note.is_empty())
        .map(|r| (r.kind.to_string(), r.note.clone()))
        .collect();
    assert_eq!(
        notes,
        [(
            "Part-of".to_owned(),
            "Should this be annotated? There's no particularly explicit statement of the Part-of relation here.".to_owned()
        )]
    );
}

/// The fixture with values of every kind: on actors a flag, a scale, a free text and a choice
/// of several (labels with spaces, an apostrophe, CJK and emoji); on claims and conditions the
/// default stance and concept (codes with emoji and CJK); on `said_by` a choice and a free
/// text, and a note; references on both entities.
fn coded_project() -> Project {
    use crate::model::{AttributeKind, ChoiceValue, CodeId, ExternalRef, Rgb};
    let mut p = fixture::project();
    let choice = |id: &str, label: &str| ChoiceValue {
        id: id.into(),
        label: label.into(),
        color: Rgb(1, 2, 3),
        key: None,
    };
    let attribute = crate::formats::coded_fixture::attribute;
    let actor = p
        .schema
        .tags
        .iter_mut()
        .find(|t| t.id.as_str() == "actor")
        .expect("actor");
    actor.attributes = vec![
        attribute("quoted", "Quoted directly", AttributeKind::Flag),
        attribute(
            "intensity",
            "Intensité",
            AttributeKind::Scale { min: -2, max: 2 },
        ),
        attribute("comment", "Kommentar 注释", AttributeKind::Text),
        attribute(
            "roles",
            "Roles",
            AttributeKind::Choice {
                values: vec![
                    choice("spokes", "spokes person"),
                    choice("chef", "chef d'État"),
                    choice("leader", "领导人 👩‍👩‍👧"),
                ],
                multiple: true,
                default: None,
            },
        ),
    ];
    let said_by = p
        .schema
        .relations
        .iter_mut()
        .find(|r| r.id.as_str() == "said_by")
        .expect("said_by");
    said_by.attributes = vec![
        attribute(
            "certainty",
            "Certainty",
            AttributeKind::Choice {
                values: vec![choice("sure", "sure"), choice("hedged", "hedged, maybe")],
                multiple: false,
                default: None,
            },
        ),
        attribute("evidence", "Evidence", AttributeKind::Text),
    ];
    let book = p
        .codebooks
        .get_mut(&crate::model::CodebookId::from(crate::model::CONCEPTS))
        .expect("concepts");
    book.codes.extend(
        [
            ("ceasefire", "Ceasefire talks 🕊"),
            ("economy", "経済"),
            ("unused", "Unused"),
        ]
        .map(|(id, label)| crate::formats::coded_fixture::code(id, label, None)),
    );
    let set = crate::formats::coded_fixture::set_values;
    let code = |c: &str| Value::Code(CodeId(c.into()));
    let chosen = |c: &[&str]| Value::Choice(c.iter().map(|s| (*s).to_owned()).collect());
    set(
        &mut p,
        "a-macron",
        vec![
            ("quoted", Value::Flag),
            ("intensity", Value::Scale(-2)),
            (
                "comment",
                Value::Text("Zoe\u{301} 🤷🏽\u{200d}♀️ a dit\n习近平 said «\tthis»".into()),
            ),
            ("roles", chosen(&["spokes", "leader"])),
        ],
    );
    set(
        &mut p,
        "a-xi",
        vec![("intensity", Value::Scale(2)), ("roles", chosen(&["chef"]))],
    );
    set(
        &mut p,
        "a-claim",
        vec![
            ("stance", chosen(&["supports"])),
            ("concept", code("ceasefire")),
        ],
    );
    set(
        &mut p,
        "a-talks",
        vec![
            ("stance", chosen(&["neutral"])),
            ("concept", code("economy")),
        ],
    );
    set(&mut p, "a-cond", vec![("concept", code("economy"))]);
    let said = p
        .relations
        .get_mut(&RelationId("r-said".into()))
        .expect("r-said");
    said.values = [
        ("certainty".into(), chosen(&["hedged"])),
        ("evidence".into(), Value::Text("« pourraient » 🇫🇷".into())),
    ]
    .into();
    said.note = "a link's note, 习近平\nand a second line".into();
    for (id, refs) in [
        (
            "e-macron",
            vec![("Wikidata", "Q3052772"), ("Wikipedia", "19695")],
        ),
        ("e-xi", vec![("Wikidata", "Q15031")]),
    ] {
        let e = p
            .entities
            .get_mut(&crate::model::EntityId(id.into()))
            .expect("entity");
        e.refs = refs
            .into_iter()
            .map(|(kb, id)| ExternalRef {
                kb: kb.into(),
                id: id.into(),
            })
            .collect();
    }
    let text = crate::store::to_string(&p).expect("serialises");
    crate::store::from_str(Path::new("coded.ron"), &text).expect("a valid project");
    p
}

/// Every annotation's and relation's values as the analyst reads them, with relation notes
/// and the references of the entities mentioned.
fn codes_seen(p: &Project) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for a in p.annotations.values() {
        for (attribute, text) in shown(p, a) {
            out.insert(format!("{} {:?}: {attribute} = {text:?}", a.doc, a.quote));
        }
        if let Some(e) = a.entity.as_ref().and_then(|e| p.entities.get(e)) {
            out.insert(format!("{} {:?}: {} {:?}", a.doc, a.quote, e.name, e.refs));
        }
    }
    for r in p.relations.values() {
        let (from, to) = (&p.annotations[&r.from].quote, &p.annotations[&r.to].quote);
        let attributes = p
            .schema
            .relation(&r.kind)
            .map(|k| k.attributes.clone())
            .unwrap_or_default();
        for v in crate::model::shown_values(&attributes, &r.values, &p.codebooks) {
            out.insert(format!(
                "{} {from:?} → {to:?}: {} = {:?}",
                r.kind, v.attribute, v.text
            ));
        }
        if !r.note.is_empty() {
            out.insert(format!("{} {from:?} → {to:?}: note {:?}", r.kind, r.note));
        }
    }
    out
}

#[test]
fn values_of_every_kind_come_back_from_brat() {
    let p = coded_project();
    let e = export_layer(&p, "ana");
    for name in ["d1.ann", "annotation.conf", "visual.conf", "tools.conf"] {
        fixture::golden(&format!("brat/coded/{name}"), file(&e, name));
    }
    assert_eq!(
        brat_errors(file(&e, "d1.txt"), file(&e, "d1.ann")),
        Vec::<String>::new()
    );
    // Everything is written; the labels with what annotation.conf cannot hold in a value
    // (spaces, a comma) are written in another spelling and counted so.
    assert_eq!(
        e.report.fields_not_carried,
        BTreeMap::from([
            ("attribute value spelling", 5),
            ("document title", 2),
            ("entity kind", 2),
        ])
    );
    // Into a project with the same schema and codebooks, every value comes back as it was.
    let mut target = Project::new("x");
    target.schema = p.schema.clone();
    target.codebooks = p.codebooks.clone();
    let mut e2 = export_layer(&p, "ana");
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("brat");
    write(&out, &mut e2, &crate::formats::Protected::default()).expect("written");
    let incoming = read(Format::Brat, std::slice::from_ref(&out)).expect("reads");
    assert_eq!(incoming.problems, []);
    let plan = plan_import(&target, incoming, &options("ana")).expect("plan");
    plan.edit.apply(&mut target).expect("applies");
    let mut ana = p.clone();
    use crate::model::SharedMapExt as _;
    ana.annotations.retain(|_, a| a.annotator == "ana");
    ana.relations.retain(|_, r| r.annotator == "ana");
    assert_eq!(codes_seen(&target), codes_seen(&ana));
    assert_eq!(
        target.schema, p.schema,
        "no attribute, value or code was added"
    );
    assert_eq!(target.codebooks, p.codebooks);
    // Into a new project, the attributes come as brat declares them: the default stance and
    // concept as they were, the others by the names and values written.
    let fresh = through_disk(export_layer(&p, "ana"), "ana");
    let seen = codes_seen(&fresh);
    let claim = "les pourparlers pourraient commencer";
    let span =
        |quote: &str, attribute: &str, text: &str| format!("d1 {quote:?}: {attribute} = {text:?}");
    let link = |attribute: &str, text: &str| {
        format!("said_by {claim:?} → \"Macron\": {attribute} = {text:?}")
    };
    for expected in [
        span(claim, "Stance", "supports"),
        span("talks resume", "Stance", "neutral or unclear"),
        span("Macron", "Quoted directly", "yes"),
        span("Macron", "Intensité", "-2"),
        span("习近平", "Intensité", "+2"),
        span(
            "Macron",
            "Kommentar 注释",
            "Zoe\u{301} 🤷🏽\u{200d}♀\u{fe0f} a dit\n习近平 said «\tthis»",
        ),
        span("Macron", "Roles", "spokes_person, 领导人_👩‍👩‍👧"),
        format!(
            "d1 \"Macron\": Emmanuel Macron {:?}",
            p.entities[&crate::model::EntityId("e-macron".into())].refs
        ),
        link("Certainty", "hedged__maybe"),
        link("Evidence", "« pourraient » 🇫🇷"),
        format!(
            "said_by {claim:?} → \"Macron\": note {:?}",
            "a link's note, 习近平\nand a second line"
        ),
    ] {
        assert!(seen.contains(&expected), "{expected}\nnot in {seen:#?}");
    }
    let concepts = &fresh.codebooks[&crate::model::CodebookId::from(crate::model::CONCEPTS)];
    let labels: Vec<&str> = concepts.codes.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, ["Ceasefire_talks_🕊", "経済"], "the codes used");
}

#[test]
fn attributes_that_do_not_fit_annotation_conf_are_problems_by_file_and_line() {
    let dir = folder(&[
        (
            "annotation.conf",
            "[entities]\nPerson\n[relations]\nKnows Arg1:Person, Arg2:Person\n[events]\n\
             [attributes]\nNegation Arg:<ENTITY>\nConfidence Arg:<ENTITY>, Value:High|Low\n",
        ),
        ("doc.txt", "Alice met Bob.\n"),
        (
            "doc.ann",
            "T1\tPerson 0 5\tAlice\n\
             A1\tConfidence T1 Medium\n\
             A2\tNegation T7\n\
             A3\tNegation T1 Yes\n\
             A4\tConfidence T1\n\
             N1\tReference R9 Wikidata:Q1\tAlice\n\
             T2\tPerson 10 13\tBob\n\
             R1\tKnows Arg1:T1 Arg2:T2\n\
             N2\tReference R1 Wikidata:Q1\tAlice\n\
             A5\tConfidence T2 High\n\
             M1\tNegation T2\n\
             A6\tCertainty R1 sure\n",
        ),
    ]);
    let ann = dir.path().join("doc.ann");
    let incoming = read(Format::Brat, std::slice::from_ref(&ann)).expect("reads");
    assert_eq!(lines_of(&incoming.problems, &ann), [2, 3, 4, 5, 6, 9]);
    let messages: Vec<String> = incoming.problems.iter().map(|p| p.to_string()).collect();
    let expected = [
        "doc.ann:2: A1: \"Medium\" is not a value of Confidence: annotation.conf declares High|Low",
        "doc.ann:3: A2: T7 is not a text-bound annotation or an event of this file",
        "doc.ann:4: A3: Negation is a binary attribute in annotation.conf (present or absent); expected no value, found \"Yes\"",
        "doc.ann:5: A4: Confidence takes one of the values annotation.conf declares (High|Low); expected one after the id",
        "doc.ann:6: N1: R9 is not a text-bound annotation or an event of this file",
        "doc.ann:9: N2: normalizes relation R1; expected a text-bound annotation or an event",
    ];
    for (m, e) in messages.iter().zip(expected) {
        assert!(m.contains(e), "{m}\ndoes not say\n{e}");
    }
    // The lines that fit are read: an old-style M line is the binary attribute it names, an
    // attribute annotation.conf does not declare comes as it is written.
    let bob = &incoming.documents[0].annotations[1];
    assert_eq!(
        bob.values,
        [
            (
                "Confidence".to_owned(),
                InValue::Choice(vec!["High".into()])
            ),
            ("Negation".to_owned(), InValue::Flag),
        ]
    );
    assert_eq!(
        incoming.documents[0].relations[0].values,
        [("Certainty".to_owned(), InValue::Choice(vec!["sure".into()]))]
    );
    let failure = plan_import(&Project::new("x"), incoming, &options("ana")).expect_err("refused");
    assert_eq!(lines_of(&failure.problems, &ann), [2, 3, 4, 5, 6, 9]);
}

#[test]
fn an_old_style_m_line_comes_back_as_an_a_line() {
    let dir = folder(&[
        ("doc.txt", "Alice met Bob.\n"),
        (
            "doc.ann",
            "T1\tPerson 0 5\tAlice\nM1\tNegation T1\nA1\tMention T1 Name\nA2\tMention T1 Other\n",
        ),
    ]);
    let p = import(&[dir.path().to_owned()], "ana");
    let alice = p.annotations.values().next().expect("Alice");
    assert_eq!(
        shown(&p, alice),
        [
            ("Negation".into(), "yes".into()),
            ("Mention".into(), "Name, Other".into())
        ]
    );
    let e = export_layer(&p, "ana");
    assert_eq!(
        file(&e, "doc.ann"),
        "T1\tPerson 0 5\tAlice\nA1\tMention T1 Name\nA2\tMention T1 Other\nA3\tNegation T1\n"
    );
    assert!(
        file(&e, "annotation.conf")
            .contains("Negation\tArg:Person\nMention\tArg:Person, Value:Name|Other\n"),
        "{}",
        file(&e, "annotation.conf")
    );
}
