//! The W3C import on annotations in the shapes Hypothesis and RecogitoJS write
//! (`tests/fixtures/w3c-tools/`), on texts with emoji, CJK and combining accents, and on quotes
//! that are missing, ambiguous or at odds with their positions.

use std::path::PathBuf;

use crate::formats::{
    ExportOptions, Format, ImportOptions, Incoming, Protected, export, plan_import, read_for, write,
};
use crate::model::{Document, Project};

/// The article the Hypothesis annotations were made on (its URL as the project has it: `http`
/// and a trailing slash where Hypothesis says `https` and none).
const STORM: &str = "Storm hits 北京\n\nThe mayor Zoe\u{301} Ba\u{301}nh said the 🌊 flood would pass by Monday. Officials said the flood was over.";
/// A PDF Hypothesis knows by its fingerprint; the project by its title.
const SECOND: &str =
    "Second article 第二\n\nThe minister 👩🏽\u{200d}⚕\u{fe0f} Dr. Okafor spoke on Monday.";
/// The text of the Recogito annotations.
const TROY: &str =
    "Troy 🏛\u{fe0f} fell, and the news reached 東京 and Ithaca; Zoe\u{301} wrote of Troy again.";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/w3c-tools")
        .join(name)
}

fn options() -> ImportOptions {
    crate::formats::fixture::import_options()
}

fn storm_project() -> Project {
    let mut p = Project::new("storm");
    let mut storm = Document::new("storm", "Storm hits 北京", STORM);
    storm.meta.url = Some("http://news.example/storm-2026/".into());
    p.documents = vec![
        storm,
        Document::new("second", "Second article 第二", SECOND),
    ];
    p
}

/// (article, tag, quote, note, layer) of every annotation, sorted.
fn spans(p: &Project) -> Vec<(String, String, String, String, String)> {
    let mut v: Vec<_> = p
        .annotations
        .values()
        .map(|a| {
            let doc = p.document(&a.doc).expect("article");
            let slice: Vec<&str> = a.fragments.iter().map(|f| &doc.text[f.bytes()]).collect();
            assert_eq!(
                a.quote,
                slice.join(" "),
                "the quote is the text at the offsets"
            );
            let tag = p
                .schema
                .tag(&a.tag)
                .map_or(a.tag.to_string(), |t| t.label.clone());
            (
                a.doc.to_string(),
                tag,
                a.quote.clone(),
                a.note.clone(),
                a.annotator.clone(),
            )
        })
        .collect();
    v.sort();
    v
}

fn import(p: &mut Project, inputs: &[PathBuf]) -> Incoming {
    let incoming = read_for(Format::W3c, inputs, p).expect("reads");
    assert!(incoming.problems.is_empty(), "{:#?}", incoming.problems);
    let plan = plan_import(p, incoming.clone(), &options()).expect("plans");
    plan.edit.apply(p).expect("applies");
    incoming
}

#[test]
fn a_hypothesis_export_lands_on_its_articles_by_url_and_title() {
    let mut p = storm_project();
    let incoming = import(&mut p, &[fixture("hypothesis.json")]);
    let me = "acct:analyst@hypothes.is";
    let row = |doc: &str, tag: &str, quote: &str, note: &str| {
        (
            doc.to_owned(),
            tag.to_owned(),
            quote.to_owned(),
            note.to_owned(),
            me.to_owned(),
        )
    };
    assert_eq!(
        spans(&p),
        [
            // Hypothesis' `actor` and `claim` are the project's Actor and Claim.
            row("second", "Actor", "Dr. Okafor", ""),
            row(
                "storm",
                "Actor",
                "Zoe\u{301} Ba\u{301}nh",
                "The mayor — check the spelling 🤔"
            ),
            row("storm", "Claim", "the flood was over", ""),
            row("storm", "annotation", "flood", ""),
        ]
    );
    // The first "flood" (after the wave), not the second: the prefix told them apart.
    let flood = p
        .annotations
        .values()
        .find(|a| a.quote == "flood")
        .expect("flood");
    assert_eq!(
        flood.fragments[0].start.0,
        STORM.find("flood").expect("flood")
    );
    let ids = |n: &[u8]| -> String {
        n.iter()
            .map(|d| format!("Hq{d}mZ0b5EfCkQ7sYbL0aIg"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut want = vec![
        format!(
            "skipped 1 annotation written as a reply to another annotation (Hypothesis `references`), not to the text: {}",
            ids(&[5])
        ),
        format!(
            "skipped 1 annotation whose target is a whole resource, not a span of its text: {}",
            ids(&[4])
        ),
        // Before the wave, UTF-16 units (what the client counts) and code points agree.
        format!(
            "1 annotation placed by a later selector of their list (the first, RangeSelector, cannot be resolved on plain text): {}",
            ids(&[1])
        ),
        // After it, they do not: the quote places the span, and the report says so.
        format!(
            "3 annotations whose TextPositionSelector does not hold their quote, so they were placed by the quote: {}",
            ids(&[2, 3, 6])
        ),
        format!(
            "1 annotation without a tagging or classifying body, so tagged \"annotation\": {}",
            ids(&[3])
        ),
    ];
    want.sort();
    let mut got = incoming.notes.clone();
    got.sort();
    assert_eq!(got, want);
}

#[test]
fn recogito_annotations_without_a_source_land_on_the_only_article() {
    let mut p = Project::new("troy");
    p.documents = vec![Document::new("troy", "Troy", TROY)];
    let incoming = import(&mut p, &[fixture("recogito.json")]);
    let row = |tag: &str, quote: &str, note: &str| {
        (
            "troy".to_owned(),
            tag.to_owned(),
            quote.to_owned(),
            note.to_owned(),
            "Zoé".to_owned(),
        )
    };
    assert_eq!(
        spans(&p),
        [
            row("Person", "Zoe\u{301}", "The chronicler"),
            row("Place", "Troy", ""),
            row("Place", "東京", "Seat of government 政府"),
        ]
    );
    // "Troy" stands twice and has no context: its position chose the second.
    let troy = p
        .annotations
        .values()
        .find(|a| a.quote == "Troy")
        .expect("Troy");
    assert_eq!(troy.fragments[0].start.0, TROY.rfind("Troy").expect("Troy"));
    // The link joins the chronicler to the city, under its own name, in the layer of the
    // annotation it starts from (it names no creator of its own).
    let links: Vec<(String, String, String, String)> = p
        .relations
        .values()
        .map(|r| {
            let quote = |id| {
                p.annotations
                    .get(id)
                    .map(|a| a.quote.clone())
                    .unwrap_or_default()
            };
            let kind = p.schema.relation(&r.kind).map(|k| k.label.clone());
            (
                kind.unwrap_or_default(),
                quote(&r.from),
                quote(&r.to),
                r.annotator.clone(),
            )
        })
        .collect();
    assert_eq!(
        links,
        [(
            "isRelatedTo".to_owned(),
            "Zoe\u{301}".to_owned(),
            "Troy".to_owned(),
            "Zoé".to_owned()
        )]
    );
    assert_eq!(
        incoming.notes,
        [
            "3 annotations whose source (none) matches no article's URL, title or text, so they were placed on the project's only article: #6a1c7e52-4b7f-4a0e-9c61-1f0d2f6b9a01, #0d4e8a17-2c3b-4f55-8e0a-7b9c1d2e3f04, #c3f2a9b8-5d6e-4f70-a1b2-c3d4e5f60718"
        ]
    );
}

#[test]
fn what_came_from_hypothesis_goes_out_and_back_in_our_export() {
    let mut p = storm_project();
    import(&mut p, &[fixture("hypothesis.json")]);
    let mut out =
        export(&p, Format::W3c, &ExportOptions::default(), &mut |_, _| {}).expect("exports");
    let json: serde_json::Value = serde_json::from_str(&out.files[0].text).expect("json");
    let first = &json["first"]["items"][0];
    // The layer's IRI is the Hypothesis account it came from.
    assert_eq!(first["creator"]["id"], "acct:analyst@hypothes.is");
    assert_eq!(first["creator"]["name"], "acct:analyst@hypothes.is");
    assert_eq!(
        first["target"]["source"]["partOf"],
        "urn:marginalia:project:storm"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("back.json");
    write(&file, &mut out, &Protected::default()).expect("written");
    let mut again = storm_project();
    let incoming = import(&mut again, &[file]);
    assert!(incoming.notes.is_empty(), "{:?}", incoming.notes);
    assert_eq!(spans(&again), spans(&p));
}

fn problems(json: &str, p: &Project) -> Vec<String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("odd.json");
    std::fs::write(&file, json).expect("written");
    read_for(Format::W3c, &[file], p)
        .expect("reads")
        .problems
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn one_article(text: &str) -> Project {
    let mut p = Project::new("x");
    let mut a = Document::new("a", "A", text);
    a.meta.url = Some("http://x.example/a".into());
    p.documents = vec![a];
    p
}

fn anno(id: &str, selectors: &str) -> String {
    format!(
        r#"{{"id": "{id}", "type": "Annotation", "body": {{"type": "TextualBody", "purpose": "tagging", "value": "actor"}},
  "target": {{"source": "http://x.example/a", "selector": {selectors}}}}}"#
    )
}

#[test]
fn quotes_missing_ambiguous_or_at_odds_with_their_positions_are_problems_naming_the_annotation() {
    let p = one_article("Troy fought. Troy won. 🏛\u{fe0f} e\u{301}");
    let json = format!(
        "[\n{},\n{},\n{},\n{},\n{}\n]",
        anno("n1", r#"{"type": "TextQuoteSelector", "exact": "Sparta"}"#),
        anno("n2", r#"{"type": "TextQuoteSelector", "exact": "Troy"}"#),
        anno(
            "n3",
            r#"[{"type": "TextPositionSelector", "start": 0, "end": 4}, {"type": "TextQuoteSelector", "exact": "Rome"}]"#
        ),
        // "e" alone would split the accented letter: no occurrence on a grapheme boundary.
        anno("n4", r#"{"type": "TextQuoteSelector", "exact": "e"}"#),
        anno(
            "n5",
            r#"{"type": "TextPositionSelector", "start": 18446744073709551614, "end": 18446744073709551615}"#
        ),
    );
    let got = problems(&json, &p);
    assert_eq!(got.len(), 5, "{got:#?}");
    assert!(got[4].contains("n5: its TextPositionSelector 18446744073709551614–18446744073709551615 goes past the end of the text"), "{}", got[4]);
    assert!(
        got[0].contains("odd.json:2: n1: the quote \"Sparta\" is not in the text"),
        "{}",
        got[0]
    );
    assert!(
        got[1].contains("odd.json:4: n2: the quote \"Troy\" is in the text 2 times with the same context (at characters 0, 13)"),
        "{}",
        got[1]
    );
    assert!(
        got[2].contains("n3: its TextPositionSelector selects \"Troy\", not the quote \"Rome\"; the quote \"Rome\" is not in the text"),
        "{}",
        got[2]
    );
    assert!(
        got[3].contains("n4: the quote \"e\" is not in the text"),
        "{}",
        got[3]
    );
}

#[test]
fn positions_count_code_points_and_context_tells_repeated_quotes_apart() {
    let text = "👩🏽\u{200d}⚕\u{fe0f} 東京 said talks. Zoe\u{301} said talks.";
    let p = one_article(text);
    let second = text.rfind("talks").expect("talks");
    let cp = text[..second].chars().count();
    let json = format!(
        "[\n{},\n{},\n{}\n]",
        anno(
            "c1",
            &format!(
                r#"{{"type": "TextPositionSelector", "start": {cp}, "end": {}}}"#,
                cp + 5
            )
        ),
        anno(
            "c2",
            r#"{"type": "TextQuoteSelector", "exact": "talks", "prefix": "Zoé said ", "suffix": "."}"#
        ),
        // The prefix in other white space (a line break for the space) still matches.
        anno(
            "c3",
            r#"{"type": "TextQuoteSelector", "exact": "said", "prefix": "東京\n"}"#
        ),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("c.json");
    std::fs::write(&file, json).expect("written");
    let incoming = read_for(Format::W3c, &[file], &p).expect("reads");
    // "Zoé" precomposed in the prefix is not the text's decomposed "Zoe\u{301}": not found.
    let messages: Vec<String> = incoming.problems.iter().map(ToString::to_string).collect();
    assert_eq!(messages.len(), 1, "{messages:#?}");
    assert!(
        messages[0].contains(
            "c2: the quote \"talks\" is in the text 2 times, but never after \"Zoé said \""
        ),
        "{}",
        messages[0]
    );
    let spans: Vec<(usize, usize)> = incoming.documents[0]
        .annotations
        .iter()
        .map(|a| a.fragments[0])
        .collect();
    let said = text[..text.find("said").expect("said")].chars().count();
    assert_eq!(spans, [(cp, cp + 5), (said, said + 4)]);
    assert_eq!(
        incoming.notes,
        [
            "1 annotation whose quote's prefix or suffix matched only with white space evened out: c3"
        ]
    );
}

#[test]
fn ranges_char_fragments_and_refinements_count_from_what_they_refine() {
    let text = "Intro. 東京 🙂 said: the talks can resume. End.";
    let p = one_article(text);
    let at = |s: &str| text[..text.find(s).expect("in the text")].chars().count();
    let talks = at("the talks");
    let json = format!(
        "[\n{},\n{},\n{}\n]",
        // From the start of one quote to the start of the other.
        anno(
            "r1",
            r#"{"type": "RangeSelector", "startSelector": {"type": "TextQuoteSelector", "exact": "the talks"}, "endSelector": {"type": "TextQuoteSelector", "exact": ". End"}}"#
        ),
        // RFC 5147 characters, refined by positions counted from the fragment's start.
        anno(
            "r2",
            &format!(
                r#"{{"type": "FragmentSelector", "conformsTo": "http://tools.ietf.org/rfc/rfc5147", "value": "char={talks},{}", "refinedBy": {{"type": "TextPositionSelector", "start": 4, "end": 9}}}}"#,
                talks + 24
            )
        ),
        // A refinement past the end of what it refines does not fit.
        anno(
            "r3",
            &format!(
                r#"{{"type": "FragmentSelector", "value": "char={talks},{}", "refinedBy": {{"type": "TextPositionSelector", "start": 4, "end": 9}}}}"#,
                talks + 5
            )
        ),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("r.json");
    std::fs::write(&file, json).expect("written");
    let incoming = read_for(Format::W3c, &[file], &p).expect("reads");
    let messages: Vec<String> = incoming.problems.iter().map(ToString::to_string).collect();
    assert_eq!(messages.len(), 1, "{messages:#?}");
    assert!(
        messages[0].contains(
            "r3: its TextPositionSelector 4–9 goes past the end of what it refines (5 characters)"
        ),
        "{}",
        messages[0]
    );
    let got: Vec<(String, Option<String>)> = incoming.documents[0]
        .annotations
        .iter()
        .map(|a| (a.key.clone(), a.quote.clone()))
        .collect();
    assert_eq!(
        got,
        [
            ("r1".to_owned(), Some("the talks can resume".to_owned())),
            ("r2".to_owned(), Some("talks".to_owned())),
        ]
    );
    assert_eq!(
        incoming.documents[0].annotations[1].fragments,
        [(talks + 4, talks + 9)]
    );
}

#[test]
fn bodies_and_creators_of_every_shape_the_model_allows() {
    let text = "Ana met Ben in 北京.";
    let p = one_article(text);
    let quote = |exact: &str| {
        format!(
            r#"{{"source": "http://x.example/a", "selector": {{"type": "TextQuoteSelector", "exact": "{exact}"}}}}"#
        )
    };
    let json = format!(
        r#"[
{{"id": "b1", "type": "Annotation", "creator": "http://example.org/user1", "bodyValue": "met in person", "target": {}}},
{{"id": "b2", "type": "Annotation", "creator": {{"id": "http://example.org/user2", "type": "Person", "nickname": "pseudo"}},
  "body": [{{"type": "TextualBody", "purpose": "classifying", "value": "Person"}},
           {{"type": "TextualBody", "purpose": "describing", "value": "a colleague"}},
           {{"type": "Choice", "items": [{{"type": "TextualBody", "purpose": "commenting", "value": "first choice"}},
                                        {{"type": "TextualBody", "purpose": "commenting", "value": "second"}}]}}],
  "target": {}}},
{{"id": "b3", "type": "Annotation", "motivation": "tagging", "creator": {{"name": "A. Person", "nickname": "user1"}},
  "body": {{"type": "TextualBody", "value": "City"}}, "target": [{}, "http://example.org/image1"]}}
]"#,
        quote("Ana"),
        quote("Ben"),
        quote("北京"),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("b.json");
    std::fs::write(&file, json).expect("written");
    let incoming = read_for(Format::W3c, &[file], &p).expect("reads");
    assert!(incoming.problems.is_empty(), "{:#?}", incoming.problems);
    let got: Vec<(String, String, String, Option<String>)> = incoming.documents[0]
        .annotations
        .iter()
        .map(|a| {
            (
                a.key.clone(),
                a.label.clone(),
                a.note.clone(),
                a.annotator.clone(),
            )
        })
        .collect();
    let row = |k: &str, l: &str, n: &str, who: &str| {
        (
            k.to_owned(),
            l.to_owned(),
            n.to_owned(),
            Some(who.to_owned()),
        )
    };
    assert_eq!(
        got,
        [
            row(
                "b1",
                "annotation",
                "met in person",
                "http://example.org/user1"
            ),
            row("b2", "Person", "a colleague\nfirst choice", "pseudo"),
            // With motivation `tagging`, a body without a purpose is the tag.
            row("b3", "City", "", "A. Person"),
        ]
    );
    let mut notes = incoming.notes.clone();
    notes.sort();
    assert_eq!(
        notes,
        [
            "1 annotation with a Choice body, of which the first item was taken: b2",
            "1 annotation with targets besides text that select no text (whole resources), which were left out: b3",
            "1 annotation without a tagging or classifying body, so tagged \"annotation\": b1",
        ]
    );
}
