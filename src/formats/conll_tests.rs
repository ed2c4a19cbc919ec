use std::path::{Path, PathBuf};

use super::*;
use crate::formats::{
    ExportOptions, Format, ImportOptions, LayerChoice, Loss, fixture, plan_import,
};
use crate::model::{Project, project_from_marked};

fn export_layer(p: &Project, layer: &str) -> crate::formats::Export {
    let options = ExportOptions {
        layer: LayerChoice::One(layer.into()),
        documents: None,
    };
    crate::formats::export(p, Format::Conll, &options, &mut |_, _| {}).expect("exports")
}

fn marked(text: &str) -> Project {
    project_from_marked(text, "ana", jiff::Timestamp::UNIX_EPOCH)
        .expect("marked")
        .0
}

fn options() -> ImportOptions {
    ImportOptions {
        annotator: None,
        fallback_annotator: "ana".into(),
        skip_invalid: false,
        now: jiff::Timestamp::UNIX_EPOCH,
    }
}

/// Writes `text` as `name` in a fresh folder and reads it back.
fn read_str(name: &str, text: &str) -> (tempfile::TempDir, PathBuf, Incoming) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("written");
    let incoming = read(std::slice::from_ref(&path));
    (dir, path, incoming)
}

/// Each span read, as (label, quote).
fn spans_of(doc: &InDoc) -> Vec<(String, String)> {
    doc.annotations
        .iter()
        .map(|a| (a.label.clone(), a.quote.clone().unwrap_or_default()))
        .collect()
}

#[test]
fn the_fixture_exports_as_the_golden_file() {
    let export = export_layer(&fixture::project(), "ana");
    assert_eq!(export.files.len(), 1);
    assert_eq!(export.files[0].place, OutPlace::Main);
    fixture::golden("conll/fixture_ana.conll", &export.files[0].text);
}

#[test]
fn the_report_lists_exactly_what_bio_cannot_hold() {
    let report = export_layer(&fixture::project(), "ana").report;
    let lost: Vec<(&str, &str, &LossKind)> = report
        .not_carried
        .iter()
        .map(|l: &Loss| (l.doc.as_str(), l.id.as_str(), &l.kind))
        .collect();
    let why = "CoNLL has no relations";
    assert_eq!(
        lost,
        [
            (
                "d1",
                "a-china",
                &LossKind::Overlap {
                    with: "a-cond".into()
                }
            ),
            ("d1", "a-talks", &LossKind::Discontinuous { fragments: 2 }),
            ("d1", "r-cond", &LossKind::Relation { why }),
            ("d1", "r-said", &LossKind::Relation { why }),
            ("d1", "r-xi", &LossKind::Relation { why }),
        ]
    );
    assert_eq!(
        report.fields_not_carried,
        [
            ("document title", 2),
            ("entity", 2),
            ("entity kind", 2),
            ("note", 1),
            ("status", 1)
        ]
        .into()
    );
    assert_eq!(
        (report.documents, report.annotations, report.relations),
        (2, 8, 0)
    );
    assert_eq!(report.layers, ["ana"]);
}

#[test]
fn export_read_import_export_gives_the_same_text() {
    let mut first = export_layer(&fixture::project(), "ana");
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("fixture.conll");
    crate::formats::write(&out, &mut first, &crate::formats::Protected::default())
        .expect("written");
    let incoming = crate::formats::read(Format::Conll, std::slice::from_ref(&out)).expect("reads");
    assert!(incoming.problems.is_empty(), "{:?}", incoming.problems);
    assert_eq!(incoming.documents.len(), 2);
    assert_eq!(incoming.documents[0].meta.title, "fixture 1");
    let mut p = Project::new("x");
    let plan = plan_import(&p, incoming, &options()).expect("imports");
    assert_eq!(plan.report.annotations, 8);
    plan.edit.apply(&mut p).expect("applies");
    assert_eq!(
        p.documents[1].text,
        "Second article .\nPutin spoke on Monday ."
    );
    let again = export_layer(&p, "ana");
    assert_eq!(again.files[0].text, first.files[0].text);
    assert!(again.report.not_carried.is_empty());
}

#[test]
fn the_reader_rebuilds_text_and_spans() {
    let (_dir, path, incoming) = read_str(
        "news.conll",
        "-DOCSTART- -X- -X- O\n\nMacron NNP B-NP B-actor\nsaid VBD B-VP O\n\n\
         talks NNS B-NP B-claim\nresume VBP B-VP I-claim\n",
    );
    assert!(incoming.problems.is_empty(), "{:?}", incoming.problems);
    let [doc] = incoming.documents.as_slice() else {
        panic!("one document: {:?}", incoming.documents);
    };
    assert_eq!(doc.text, "Macron said\ntalks resume");
    assert_eq!(doc.meta.title, "news");
    let offsets: Vec<Vec<(usize, usize)>> = doc
        .annotations
        .iter()
        .map(|a| a.fragments.clone())
        .collect();
    assert_eq!(offsets, [vec![(0, 6)], vec![(12, 24)]]);
    assert_eq!(doc.annotations[1].place, Place::line(path, 6));
}

#[test]
fn iob1_iobes_bilou_and_two_columns_are_read() {
    let (_dir, _, incoming) = read_str(
        "schemes.txt",
        // IOB1: I- starts a span, B- only splits two of one type.
        "New I-LOC\nYork I-LOC\nParis B-LOC\nsaid O\n\n\
         Emmanuel B-PER\nMacron E-PER\nXi S-PER\nand O\nLi U-PER\n\n\
         Olaf B-PER\nScholz L-PER\nspoke O\nthen I-PER\n",
    );
    assert!(incoming.problems.is_empty(), "{:?}", incoming.problems);
    let spans = spans_of(&incoming.documents[0]);
    let want = [
        ("LOC", "New York"),
        ("LOC", "Paris"),
        ("PER", "Emmanuel Macron"),
        ("PER", "Xi"),
        ("PER", "Li"),
        ("PER", "Olaf Scholz"),
        ("PER", "then"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(l, q)| (l.to_string(), q.to_string()))
        .collect();
    assert_eq!(spans, want);
}

#[test]
fn an_inside_of_another_type_starts_a_new_span_as_seqeval_does() {
    let (_dir, _, incoming) = read_str("x.conll", "a B-actor\nb I-claim\nc I-claim\nd E-actor\n");
    let spans = spans_of(&incoming.documents[0]);
    let want: Vec<(String, String)> = [("actor", "a"), ("claim", "b c"), ("actor", "d")]
        .iter()
        .map(|(l, q)| (l.to_string(), q.to_string()))
        .collect();
    assert_eq!(spans, want);
}

#[test]
fn bad_lines_are_problems_with_file_and_line() {
    let (_dir, path, incoming) = read_str(
        "bad.conll",
        "-DOCSTART- -X- O O\n\nMacron -X- O B-actor\nsaid -X- O X-claim\nlonely\n\
         talks -X- O B-\nok -X- O o\n",
    );
    let problems: Vec<(Option<usize>, bool)> = incoming
        .problems
        .iter()
        .map(|p| (p.place.line, p.place.file == path))
        .collect();
    assert_eq!(
        problems,
        [
            (Some(4), true),
            (Some(5), true),
            (Some(6), true),
            (Some(7), true)
        ]
    );
    assert!(incoming.problems[0].message.contains("\"X-claim\""));
    assert!(
        incoming.problems[1]
            .message
            .contains("found only \"lonely\"")
    );
    assert!(
        incoming.problems[0]
            .to_string()
            .starts_with(&format!("{}:4:", path.display()))
    );
    // The rest is still read, so --skip-invalid imports it.
    assert_eq!(incoming.documents[0].text, "Macron said lonely talks ok");
    assert_eq!(spans_of(&incoming.documents[0]).len(), 1);
    let failure =
        plan_import(&Project::new("x"), incoming.clone(), &options()).expect_err("refused");
    assert_eq!(failure.problems.len(), 4);
    let skip = ImportOptions {
        skip_invalid: true,
        ..options()
    };
    let plan = plan_import(&Project::new("x"), incoming, &skip).expect("skips");
    assert_eq!(plan.report.annotations, 1);
}

#[test]
fn empty_and_missing_input_is_a_problem_not_a_panic() {
    let (_dir, path, incoming) = read_str("empty.conll", "\n\n-DOCSTART- -X- O O\n\n");
    assert!(incoming.documents.is_empty());
    assert_eq!(incoming.problems.len(), 1);
    assert_eq!(incoming.problems[0].place, Place::file(&path));
    let missing = read(&[path.with_file_name("nope.conll")]);
    assert_eq!(missing.problems.len(), 1);
}

#[test]
fn odd_characters_cannot_break_a_line_or_a_column() {
    // A lone control character, a space or an ideographic space carrying a combining mark
    // (one word segment), NEL and a line separator.
    let mut p = marked("a \u{1c} b \u{301} c \u{3000}\u{301} d\u{85}e\u{2028}[actor|f g]");
    p.schema.tags[0].id = "public actor".into();
    use crate::model::SharedMapExt as _;
    p.annotations.change_each(|_, a| {
        a.tag = "public actor".into();
    });
    let export = export_layer(&p, "ana");
    let text = &export.files[0].text;
    // Python's str.split() also splits at U+001C–U+001F; splitlines() at those and U+0085.
    let python_split = |c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c);
    for line in text.split('\n').filter(|l| !l.is_empty()) {
        assert_eq!(line.split(' ').count(), 4, "{line:?}");
        let columns = line.split(python_split).filter(|c| !c.is_empty()).count();
        assert_eq!(columns, 4, "{line:?}");
        assert!(!line.chars().any(char::is_control), "{line:?}");
    }
    assert!(text.contains("f -X- O B-public_actor\ng -X- O I-public_actor\n"));
    assert_eq!(export.report.fields_not_carried.get(REPLACED), Some(&3));
    assert_eq!(
        export.report.fields_not_carried.get(TAG_RESPELLED),
        Some(&1)
    );
}

#[test]
fn a_span_across_sentences_stays_one() {
    let p = marked("He said: [claim|Talks begin. They end.] Then he left.");
    let text = export_layer(&p, "ana").files[0].text.clone();
    assert!(
        text.contains(". -X- O I-claim\nThey -X- O I-claim\n"),
        "{text}"
    );
    assert!(text.contains(". -X- O I-claim\n\nThen -X- O O\n"), "{text}");
    let (_dir, _, incoming) = read_str("s.conll", &text);
    assert_eq!(
        spans_of(&incoming.documents[0]),
        [("claim".to_owned(), "Talks begin . They end .".to_owned())]
    );
}

#[test]
fn a_span_inside_a_word_cuts_it_and_one_with_white_space_at_its_edges_is_listed_as_trimmed() {
    let mut p = marked("[actor|Macron]'s plan and [claim| a deal ]");
    let export = export_layer(&p, "ana");
    let text = &export.files[0].text;
    assert!(
        text.contains("Macron -X- O B-actor\n's -X- O O\n"),
        "{text}"
    );
    assert!(
        text.contains("a -X- O B-claim\ndeal -X- O I-claim\n"),
        "{text}"
    );
    // " a deal " is written as "a deal": listed as trimmed, not counted as written in full.
    let trimmed: Vec<(&str, &LossKind)> = export
        .report
        .not_carried
        .iter()
        .map(|l| (l.quote.as_str(), &l.kind))
        .collect();
    assert_eq!(trimmed, [(" a deal ", &LossKind::Trimmed)]);
    assert_eq!(export.report.annotations, 1);
    assert_eq!(
        export.report.fields_not_carried,
        [("document title", 1)].into()
    );
    // A span of white space alone labels no token.
    let mut blank = p.annotations.values().next().cloned().expect("one");
    blank.id = "a-blank".into();
    blank.fragments = vec![crate::model::Fragment::new(ByteOffset(13)..ByteOffset(14))];
    blank.quote = " ".into();
    p.annotations.insert(blank.id.clone(), blank);
    let report = export_layer(&p, "ana").report;
    let lost: Vec<(&str, &LossKind)> = report
        .not_carried
        .iter()
        .map(|l| (l.id.as_str(), &l.kind))
        .collect();
    assert_eq!(lost[0], ("a-blank", &LossKind::NoToken));
    assert_eq!(lost[1].1, &LossKind::Trimmed);
    assert_eq!(lost.len(), 2);
}

/// A file of `tests/fixtures/conll-peers/`.
fn peer(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/conll-peers")
        .join(name)
}

/// (token, label) of every token line, the first column and the last.
fn token_lines(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| {
            let columns: Vec<&str> = l.split_whitespace().collect();
            let (first, last) = (columns.first()?, columns.last()?);
            (*first != "-DOCSTART-").then(|| (first.to_string(), last.to_string()))
        })
        .collect()
}

/// Imports `files` into `project` (layer `ana`), returning the import report.
fn import_into(project: &mut Project, files: &[PathBuf]) -> crate::formats::ImportReport {
    let incoming = crate::formats::read(Format::Conll, files).expect("reads");
    let plan = plan_import(project, incoming, &options()).expect("imports");
    plan.edit.apply(project).expect("applies");
    plan.report
}

#[test]
fn peer_files_come_back_out_with_their_tokens_and_labels() {
    for name in ["doccano-example.conll", "doccano-labeling.trailing.conll"] {
        let path = peer(name);
        let input = std::fs::read_to_string(&path).expect("fixture");
        let mut p = Project::new("x");
        let report = import_into(&mut p, std::slice::from_ref(&path));
        assert!(report.notes.is_empty(), "{name}: {:?}", report.notes);
        let out = export_layer(&p, "ana");
        // AL-AIN and 1996-12-06 stay one token each; ORG stays ORG.
        assert_eq!(
            token_lines(&out.files[0].text),
            token_lines(&input),
            "{name}"
        );
        assert!(out.report.not_carried.is_empty(), "{name}");
        assert_eq!(
            out.report.fields_not_carried,
            [("document title", 1)].into(),
            "{name}"
        );
    }
}

#[test]
fn a_dkpro_file_keeps_its_tokens_and_names_what_it_writes_otherwise() {
    let path = peer("dkpro-en-orig.conll");
    let input = std::fs::read_to_string(&path).expect("fixture");
    let mut p = Project::new("x");
    let report = import_into(&mut p, std::slice::from_ref(&path));
    // The part-of-speech and chunk columns of every line, and the three IOB1 I- that start a
    // span, are named in the import report.
    assert_eq!(report.notes.len(), 2, "{:?}", report.notes);
    assert!(report.notes[0].contains("of 7 token lines are not kept"));
    assert!(report.notes[1].contains("3 labels in IOB1 or IOBES form"));
    let out = export_layer(&p, "ana");
    let got = token_lines(&out.files[0].text);
    let want: Vec<(String, String)> = token_lines(&input)
        .into_iter()
        .map(|(token, label)| (token, label.replacen("I-", "B-", 1)))
        .collect();
    // "U.N." stays one token; IOB1's I-ORG starting a span is written B-ORG.
    assert_eq!(got, want);
    assert_eq!(got[0], ("U.N.".to_owned(), "B-ORG".to_owned()));
}

#[test]
fn importing_our_own_export_again_matches_its_articles() {
    // A file read from CoNLL, exported and read again: the same document, nothing added.
    let path = peer("dkpro-en-orig.conll");
    let mut p = Project::new("x");
    import_into(&mut p, std::slice::from_ref(&path));
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("again.conll");
    let mut export = export_layer(&p, "ana");
    crate::formats::write(&out, &mut export, &crate::formats::Protected::default())
        .expect("written");
    let again = import_into(&mut p, std::slice::from_ref(&out));
    assert_eq!((again.documents_added.len(), again.annotations), (0, 0));
    assert_eq!((again.documents_matched.len(), again.already_there), (1, 3));

    // Articles that were never CoNLL: matched by their characters, every span written in full
    // found already there.
    let mut p = fixture::project();
    let before = p.clone();
    let mut export = export_layer(&p, "ana");
    let out = dir.path().join("fixture.conll");
    crate::formats::write(&out, &mut export, &crate::formats::Protected::default())
        .expect("written");
    let report = import_into(&mut p, std::slice::from_ref(&out));
    assert!(report.documents_added.is_empty(), "{report:?}");
    assert_eq!(report.documents_matched.len(), 2);
    assert_eq!((report.annotations, report.already_there), (0, 8));
    assert_eq!(report.notes.len(), 2, "{:?}", report.notes);
    assert!(report.notes[0].contains("matched to article d1 by its characters"));
    assert_eq!(p.documents, before.documents);
    assert_eq!(p.annotations, before.annotations);
}

#[test]
fn a_token_cut_by_a_later_span_is_counted() {
    let (_dir, path, incoming) = read_str("s.conll", "spider-man B-PER\nsaid O\n");
    assert!(incoming.problems.is_empty());
    let mut p = Project::new("x");
    plan_import(&p, incoming, &options())
        .expect("imports")
        .edit
        .apply(&mut p)
        .expect("applies");
    assert_eq!(p.documents[0].meta.tokens, crate::model::Tokens::Spaces);
    let first = export_layer(&p, "ana");
    assert_eq!(
        token_lines(&first.files[0].text),
        token_lines(&std::fs::read_to_string(&path).expect("read"))
    );
    // A span on "spider" alone cuts the token the document came with: counted.
    let mut a = p.annotations.values().next().cloned().expect("one");
    a.fragments = vec![crate::model::Fragment::new(ByteOffset(0)..ByteOffset(6))];
    a.quote = "spider".into();
    p.annotations.insert(a.id.clone(), a);
    let cut = export_layer(&p, "ana");
    assert!(
        cut.files[0]
            .text
            .contains("spider -X- O B-PER\n-man -X- O O\n")
    );
    assert_eq!(cut.report.fields_not_carried.get(TOKEN_CUT), Some(&1));
}

#[test]
fn a_line_without_a_label_is_a_problem_naming_the_file_and_line() {
    let path = peer("doccano-labeling.invalid.conll");
    let incoming = read(std::slice::from_ref(&path));
    assert_eq!(incoming.problems.len(), 1, "{:?}", incoming.problems);
    assert_eq!(incoming.problems[0].place, Place::line(&path, 1));
    assert!(incoming.problems[0].message.contains("\"SOCCERO\""));
    assert!(plan_import(&Project::new("x"), incoming, &options()).is_err());
}
