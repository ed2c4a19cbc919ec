//! A test project that exercises every hard case of the formats: emoji with joiners and skin
//! tones, flags, combining accents, CJK, Arabic, CRLF line ends; nested, overlapping and
//! discontinuous spans; notes, entities, review status, relations and two layers.

use std::collections::BTreeSet;

use crate::model::{
    Annotation, AnnotationId, DocId, Document, Entity, EntityId, EntityKind, Fragment, Project,
    Relation, RelationId, RelationKindId, ReviewStatus, TagId, quote_of,
};

/// The first document's text.
pub const TEXT: &str = "Macron 🇫🇷 a dit : « les pourparlers pourraient commencer » si la Chine aide.\r\n\
习近平 said 👩‍👩‍👧 talks can resume.\r\n\
قال الرئيس إن المحادثات ستبدأ\r\n\
Zoe\u{301} Ba\u{301}nh noted: café 🤷🏽‍♀️ ok.";

/// The second document's text.
pub const TEXT2: &str = "Second article.\nPutin spoke on Monday.";

fn span(text: &str, needle: &str, nth: usize) -> Fragment {
    let start = text
        .match_indices(needle)
        .nth(nth)
        .map(|(i, _)| i)
        .unwrap_or_else(|| panic!("{needle:?} not in the text"));
    Fragment::new(crate::model::ByteOffset(start)..crate::model::ByteOffset(start + needle.len()))
}

fn add(p: &mut Project, doc: &str, id: &str, tag: &str, layer: &str, parts: &[&str]) {
    let text = p
        .document(&DocId(doc.into()))
        .map(|d| d.text.clone())
        .expect("doc");
    let fragments: Vec<Fragment> = parts.iter().map(|s| span(&text, s, 0)).collect();
    let quote = quote_of(&text, &fragments).expect("fits");
    p.annotations.insert(
        AnnotationId(id.into()),
        Annotation {
            values: Default::default(),
            id: AnnotationId(id.into()),
            doc: DocId(doc.into()),
            tag: TagId(tag.into()),
            fragments,
            quote,
            annotator: layer.into(),
            entity: None,
            note: String::new(),
            status: ReviewStatus::Pending,
            created: jiff::Timestamp::UNIX_EPOCH,
            modified: jiff::Timestamp::UNIX_EPOCH,
            changed_by: None,
        },
    );
}

fn link(p: &mut Project, id: &str, kind: &str, from: &str, to: &str, layer: &str) {
    p.relations.insert(
        RelationId(id.into()),
        Relation {
            note: Default::default(),
            values: Default::default(),
            id: RelationId(id.into()),
            kind: RelationKindId(kind.into()),
            from: AnnotationId(from.into()),
            to: AnnotationId(to.into()),
            annotator: layer.into(),
            changed_by: None,
        },
    );
}

/// The options of a test import: into the layers the input names, else `imported`; all or
/// nothing; at the start of the epoch, so decisions' times compare the same in every run.
pub fn import_options() -> crate::formats::ImportOptions {
    crate::formats::ImportOptions {
        annotator: None,
        fallback_annotator: "imported".into(),
        skip_invalid: false,
        now: jiff::Timestamp::UNIX_EPOCH,
    }
}

/// The project: documents `d1` (hard text) and `d2` (plain); layers `ana` and `ben`.
///
/// `ana` has a nested actor inside a condition (`a-china` in `a-cond`), a discontinuous claim
/// (`a-talks`: "talks" + "resume"), notes, entities, an accepted status and two relations.
/// `ben` has one actor that includes a flag and one contiguous claim.
pub fn project() -> Project {
    let mut p = Project::new("fixture");
    p.documents
        .push(Document::new("d1", "Macron et la Chine", TEXT));
    p.documents.push(Document::new("d2", "Second", TEXT2));
    for (id, name) in [("e-macron", "Emmanuel Macron"), ("e-xi", "Xi Jinping")] {
        p.entities.insert(
            EntityId(id.into()),
            Entity {
                refs: Default::default(),
                id: EntityId(id.into()),
                name: name.into(),
                kind: EntityKind::Person,
                aliases: Vec::new(),
                note: String::new(),
            },
        );
    }
    add(&mut p, "d1", "a-macron", "actor", "ana", &["Macron"]);
    add(
        &mut p,
        "d1",
        "a-claim",
        "claim",
        "ana",
        &["les pourparlers pourraient commencer"],
    );
    add(
        &mut p,
        "d1",
        "a-cond",
        "condition",
        "ana",
        &["si la Chine aide"],
    );
    add(&mut p, "d1", "a-china", "actor", "ana", &["la Chine"]);
    add(&mut p, "d1", "a-xi", "actor", "ana", &["习近平"]);
    add(
        &mut p,
        "d1",
        "a-talks",
        "claim",
        "ana",
        &["talks", "resume"],
    );
    add(&mut p, "d1", "a-president", "actor", "ana", &["الرئيس"]);
    add(
        &mut p,
        "d1",
        "a-arabic",
        "claim",
        "ana",
        &["المحادثات ستبدأ"],
    );
    add(
        &mut p,
        "d1",
        "a-zoe",
        "actor",
        "ana",
        &["Zoe\u{301} Ba\u{301}nh"],
    );
    add(&mut p, "d2", "a-putin", "actor", "ana", &["Putin"]);
    add(&mut p, "d1", "b-macron", "actor", "ben", &["Macron 🇫🇷"]);
    add(
        &mut p,
        "d1",
        "b-talks",
        "claim",
        "ben",
        &["talks can resume"],
    );
    link(&mut p, "r-said", "said_by", "a-claim", "a-macron", "ana");
    link(
        &mut p,
        "r-cond",
        "conditional_on",
        "a-claim",
        "a-cond",
        "ana",
    );
    link(&mut p, "r-xi", "said_by", "a-talks", "a-xi", "ana");
    link(&mut p, "r-ben", "said_by", "b-talks", "b-macron", "ben");
    let get = |p: &mut Project, id: &str| {
        p.annotations
            .get_mut(&AnnotationId(id.into()))
            .expect("annotation")
            .clone()
    };
    let mut macron = get(&mut p, "a-macron");
    macron.entity = Some(EntityId("e-macron".into()));
    macron.note = "French president; \"quoted\" twice,\nsee line 2".into();
    let mut xi = get(&mut p, "a-xi");
    xi.entity = Some(EntityId("e-xi".into()));
    let mut zoe = get(&mut p, "a-zoe");
    zoe.status = ReviewStatus::Accepted;
    for a in [macron, xi, zoe] {
        p.annotations.insert(a.id.clone(), a);
    }
    p.annotators = ["ana".to_owned(), "ben".to_owned()].into();
    p
}

/// One annotation as a round trip must keep it: document text, tag, fragments (bytes), note
/// and entity name.
pub type SpanKey = (String, String, Vec<(usize, usize)>, String, Option<String>);

/// The annotations of `layer` as comparable keys (all layers when `None`).
pub fn spans(p: &Project, layer: Option<&str>) -> BTreeSet<SpanKey> {
    p.annotations
        .values()
        .filter(|a| layer.is_none_or(|l| a.annotator == l))
        .map(|a| {
            let text = p
                .document(&a.doc)
                .map(|d| d.text.clone())
                .unwrap_or_default();
            (
                text,
                a.tag.to_string(),
                a.fragments.iter().map(|f| (f.start.0, f.end.0)).collect(),
                a.note.clone(),
                a.entity
                    .as_ref()
                    .and_then(|e| p.entities.get(e))
                    .map(|e| e.name.clone()),
            )
        })
        .collect()
}

/// The relations of `layer` as (kind, from quote, to quote).
pub fn links(p: &Project, layer: Option<&str>) -> BTreeSet<(String, String, String)> {
    p.relations
        .values()
        .filter(|r| layer.is_none_or(|l| r.annotator == l))
        .filter_map(|r| {
            let from = p.annotations.get(&r.from)?;
            let to = p.annotations.get(&r.to)?;
            Some((r.kind.to_string(), from.quote.clone(), to.quote.clone()))
        })
        .collect()
}

/// Compares `actual` with the golden file `tests/golden/{path}`; with `UPDATE_GOLDEN=1` in
/// the environment, writes it instead. Review changes to golden files like code.
pub fn golden(path: &str, actual: &str) {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(path);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).expect("golden folder");
        }
        std::fs::write(&file, actual).expect("golden file written");
        return;
    }
    let expected = std::fs::read_to_string(&file).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with UPDATE_GOLDEN=1 to create it)",
            file.display()
        )
    });
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
        panic!(
            "{} differs from the export at line {} (run with UPDATE_GOLDEN=1 to accept)\nexpected: {:?}\nactual:   {:?}",
            file.display(),
            line + 1,
            expected.lines().nth(line),
            actual.lines().nth(line)
        );
    }
}

/// brat's news corpus, copied into the repository's test fixtures.
pub fn brat_news() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/brat-news")
}

#[test]
fn the_fixture_is_a_valid_project() {
    let p = project();
    let text = crate::store::to_string(&p).expect("serialises");
    let back = crate::store::from_str(std::path::Path::new("fixture.ron"), &text).expect("valid");
    assert_eq!(spans(&back, None), spans(&p, None));
    assert_eq!(links(&back, None).len(), 4);
}
