//! The W3C import on the Web Annotation Data Model's own examples (`tests/fixtures/w3c-spec/`):
//! the four that select text land where their selectors say, every other one is skipped and
//! counted by its reason.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::formats::{Format, ImportOptions, Incoming, plan_import, read_for};
use crate::model::{Document, Project};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/w3c-spec")
}

fn options() -> ImportOptions {
    crate::formats::fixture::import_options()
}

/// `text` as an article found at `url`.
fn article(id: &str, url: &str, text: &str) -> Document {
    let mut d = Document::new(id, id, text);
    d.meta.url = Some(url.into());
    d
}

/// The page the quote examples (23, 29) select from: each quote also stands elsewhere, so only
/// the context places it.
const PAGE1: &str = "An anotation of mine. Then this is an anotation that has some typos, and Selected Text \
     twice: once here, then the text before the Selected Text and text after it.";

/// 800 code points for Example 24 (positions 412–795): CJK and emoji before the span, combining
/// accents in it, so counting bytes or UTF-16 units would land elsewhere.
fn ebook1() -> String {
    let head = "東京で会議。".repeat(68) + "🙂🙂🙂🙂"; // 408 + 4 = 412 code points
    let span = "Zoe\u{301} ".repeat(76) + "abc"; // 380 + 3 = 383
    let tail = "…the end";
    format!("{head}{span}{tail}")
}

fn project() -> Project {
    let mut p = Project::new("spec");
    p.documents = vec![
        article("page1", "http://example.org/page1", PAGE1),
        article("ebook1", "http://example.org/ebook1", &ebook1()),
        article(
            "document1",
            "http://example.com/document1",
            "<doc><body><section>…</section></body></doc>",
        ),
    ];
    p
}

/// The skipped annotations by reason (the report's "skipped" lines), as sorted id lists.
fn skipped(incoming: &Incoming) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for line in &incoming.notes {
        let Some(rest) = line.strip_prefix("skipped ") else {
            continue;
        };
        let (head, ids) = rest.split_once(": ").expect("reason: ids");
        let (count, reason) = head.split_once(' ').expect("count");
        let reason = reason
            .trim_start_matches("annotations ")
            .trim_start_matches("annotation ");
        let mut ids: Vec<String> = ids
            .split(", ")
            .map(|s| s.trim_start_matches("http://example.org/").to_owned())
            .collect();
        assert_eq!(
            count.parse::<usize>().expect("a count"),
            ids.len(),
            "{line}"
        );
        ids.sort();
        out.insert(reason.to_owned(), ids);
    }
    out
}

fn names(ids: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = ids.iter().map(|s| (*s).to_owned()).collect();
    v.sort();
    v
}

fn expected_skips() -> BTreeMap<String, Vec<String>> {
    let whole: Vec<String> = (1..=18)
        .chain([20, 30, 31, 32, 33, 34, 35, 37, 39, 40, 41, 42, 43])
        .map(|n| format!("anno{n}"))
        .collect();
    let whole: Vec<&str> = whole.iter().map(String::as_str).collect();
    [
        (
            "whose target is a whole resource, not a span of its text",
            names(&whole),
        ),
        (
            "whose selectors select no text (a selector by reference)",
            names(&["anno19", "anno36"]),
        ),
        (
            "whose selectors select no text (CssSelector)",
            names(&["anno21"]),
        ),
        (
            "whose selectors select no text (XPathSelector)",
            names(&["anno22"]),
        ),
        (
            "whose selectors select no text (DataPositionSelector)",
            names(&["anno25"]),
        ),
        (
            "whose selectors select no text (SvgSelector)",
            names(&["anno26", "anno27"]),
        ),
        (
            "whose selectors select no text (RangeSelector)",
            names(&["anno28"]),
        ),
        (
            "whose text selectors count from inside a FragmentSelector, which plain text cannot resolve",
            names(&["anno38"]),
        ),
    ]
    .into_iter()
    .map(|(r, ids)| (r.to_owned(), ids))
    .collect()
}

/// Reads `inputs` for the project, imports, and checks where each text example landed.
fn import_and_check(inputs: &[PathBuf]) -> Incoming {
    let mut p = project();
    let incoming = read_for(Format::W3c, inputs, &p).expect("reads");
    assert!(incoming.problems.is_empty(), "{:#?}", incoming.problems);
    assert_eq!(skipped(&incoming), expected_skips());
    let skipped_total: usize = expected_skips().values().map(Vec::len).sum();
    assert_eq!(skipped_total + 3, 43, "every example is counted once");
    let plan = plan_import(&p, incoming.clone(), &options()).expect("plans");
    assert_eq!(plan.report.annotations, 3);
    assert_eq!(plan.report.documents_matched.len(), 2);
    assert!(plan.report.documents_added.is_empty());
    plan.edit.apply(&mut p).expect("applies");

    let mut got: Vec<(String, usize, usize, String, String)> = p
        .annotations
        .values()
        .map(|a| {
            let doc = p.document(&a.doc).expect("its article");
            let f = &a.fragments[0];
            let chars = |b: usize| doc.text[..b].chars().count();
            // The quote recorded is the text at the offsets, character for character.
            assert_eq!(a.quote, doc.text[f.bytes()]);
            (
                a.doc.to_string(),
                chars(f.start.0),
                chars(f.end.0),
                a.quote.clone(),
                a.note.clone(),
            )
        })
        .collect();
    got.sort();
    let chars = |s: &str, at: usize| s[..at].chars().count();
    let second = PAGE1.find("this is an ").expect("ctx") + "this is an ".len();
    let refined = PAGE1.find("before the ").expect("ctx") + "before the ".len();
    let span: String = ebook1().chars().skip(412).take(383).collect();
    assert_eq!(
        got,
        [
            (
                "ebook1".to_owned(),
                412,
                795,
                span,
                "http://example.org/review1".to_owned()
            ),
            (
                "page1".to_owned(),
                chars(PAGE1, second),
                chars(PAGE1, second) + 9,
                "anotation".to_owned(),
                "http://example.org/comment1".to_owned()
            ),
            (
                "page1".to_owned(),
                chars(PAGE1, refined),
                chars(PAGE1, refined) + 13,
                "Selected Text".to_owned(),
                "http://example.org/comment1".to_owned()
            ),
        ]
    );
    // No tag in any of them: the tag says so, and the report too.
    assert!(
        p.annotations
            .values()
            .all(|a| a.tag.as_str() == "annotation")
    );
    assert!(p.annotations.values().all(|a| a.annotator == "imported"));
    incoming
}

#[test]
fn the_specification_examples_that_select_text_land_where_they_say() {
    let inputs: Vec<PathBuf> = (1..=43)
        .map(|n| fixtures().join(format!("anno{n}.json")))
        .collect();
    let incoming = import_and_check(&inputs);
    assert!(
        incoming.notes.contains(
            &"3 annotations without a tagging or classifying body, so tagged \"annotation\": http://example.org/anno23, http://example.org/anno24, http://example.org/anno29".to_owned()
        ),
        "{:#?}",
        incoming.notes
    );
    assert!(incoming.notes.iter().any(|n| n.starts_with(
        "1 annotation whose quote refines a FragmentSelector, which plain text cannot resolve, so it was searched in the whole text: http://example.org/anno29"
    )));
}

#[test]
fn the_specification_collection_comes_in_as_its_examples_do() {
    import_and_check(&[fixtures().join("collection1.json")]);
}

#[test]
fn without_the_articles_the_sources_are_named_with_how_to_match_them() {
    let mut p = project();
    p.documents.retain(|d| d.id.as_str() == "ebook1");
    p.documents
        .push(article("other", "https://elsewhere.example/x", "x"));
    let inputs = [
        fixtures().join("anno23.json"),
        fixtures().join("anno24.json"),
    ];
    let incoming = read_for(Format::W3c, &inputs, &p).expect("reads");
    let messages: Vec<String> = incoming.problems.iter().map(ToString::to_string).collect();
    assert_eq!(messages.len(), 1, "{messages:#?}");
    assert!(messages[0].contains("anno23.json:"), "{}", messages[0]);
    assert!(
        messages[0].contains("1 annotation (http://example.org/anno23) points at \"http://example.org/page1\", which matches no article"),
        "{}",
        messages[0]
    );
    assert!(messages[0].contains("give the article that URL"));
    // anno24 found its article by URL.
    assert_eq!(incoming.documents.len(), 1);
}
