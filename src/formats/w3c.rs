//! W3C Web Annotation Data Model, as JSON-LD.
//!
//! The export is one `AnnotationCollection` (context `http://www.w3.org/ns/anno.jsonld`) with
//! its single `AnnotationPage` embedded as `first`: the model's own container for many
//! annotations in one document, which annotation servers (Web Annotation Protocol) and
//! JSON-LD tools read as it is; a bare array is not a JSON-LD document of the model.
//!
//! Each annotation (`urn:marginalia:annotation:<id>`, motivation `tagging`) has a `creator`
//! (a `Person` named by the annotator layer, with the layer's IRI as `id`: the name itself when
//! it is an absolute IRI, such as a Hypothesis `acct:`, else `urn:marginalia:annotator:<name>`),
//! `created`/`modified`, and textual bodies by
//! purpose: `tagging` (the tag id), `identifying` (the entity's canonical name),
//! `commenting` (the note) and `assessing` (the review status, `accepted` or `rejected`). Its
//! target's `source` is the document as `urn:sha256:<hex of its UTF-8 text>` (type `Text`,
//! with the title as `label` and the project, `urn:marginalia:project:<name>`, as `partOf`;
//! the page is `partOf` the collection, as the model has it), and two equivalent selectors: a `TextPositionSelector` counting
//! code points (as the model counts characters) and a `TextQuoteSelector` with the exact text
//! and up to 32 characters of `prefix` and `suffix`, cut on grapheme boundaries. A
//! discontinuous annotation has one target per fragment. The document's other metadata and
//! an entity's kind, aliases and note have no place: the report counts them.
//!
//! A relation is an annotation with motivation `linking` (`urn:marginalia:relation:<id>`):
//! its `target` is the id of the annotation it starts from (for `said_by`, the claim), and
//! its bodies are a `tagging` body with the relation type and a `SpecificResource` with
//! purpose `linking` whose `source` is the annotation it points to (the actor).
//!
//! Codes: each value of a span or a link is a body of its own with purpose `classifying`, a
//! `TextualBody` whose `value` is the value in words (a choice's label, a code's label, a
//! scale's number, the text, `yes` for a flag) and whose `schema:propertyID` is the
//! attribute's label: `{"type": "TextualBody", "purpose": "classifying", "value": "supports",
//! "schema:propertyID": "Stance"}`. A choice of several values has a body per value. The key
//! is a compact IRI (schema.org's `propertyID`, the name of the property a value is of) under
//! the `schema` prefix that the model's own context declares, so the file stays valid JSON-LD
//! with that context alone, and a JSON-LD processor reads the attribute's name as
//! `http://schema.org/propertyID`. A link's note is its `commenting` body. Article variables
//! and entities' references have no place: the report counts them.
//!
//! The reader ([`read`]) takes that shape back, or a page, an array or a single annotation,
//! and other tools' annotations (Hypothesis, RecogitoJS, the model's own examples): the text
//! is not in the file, so each target's source is matched to an article of the project (by
//! hash, URL or title, or the only article) and its selectors placed on that text (module
//! `anchor`); what selects no text is skipped and counted in the report.

use std::collections::BTreeSet;

use serde::Serialize;
use unicode_segmentation::GraphemeCursor;

use crate::model::{
    Annotation, Attribute, EntityId, Relation, ReviewStatus, TextIndex, Values, sha256_hex,
};

use super::values::{Words, named};

use super::{DocPart, ExportError, OffsetUnit, OutPlace, Report, Selection, Sink, field, offsets};

mod anchor;
mod read;
mod tally;
mod target;

/// The codes (names of [`super::report::field`]) this format carries; the others are counted
/// as not carried.
/// Every value and link note is written, but for a value no attribute declares, which the
/// writer counts itself.
pub(super) const CODES_CARRIED: &[&str] =
    &[field::ATTRIBUTE_VALUE, field::LINK_VALUE, field::LINK_NOTE];

/// The key of a classifying body that names the attribute its value is of.
pub(crate) const PROPERTY: &str = "schema:propertyID";

pub(crate) use read::read;

/// The JSON-LD context of the Web Annotation model.
const CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";
/// How many characters of context a quote selector keeps on each side, at most.
const CONTEXT_CHARS: usize = 32;

#[derive(Serialize)]
struct Collection<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    label: &'a str,
    total: usize,
    first: Page<'a>,
}

#[derive(Serialize)]
struct Page<'a> {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    /// The collection the page is part of.
    #[serde(rename = "partOf")]
    part_of: String,
    #[serde(rename = "startIndex")]
    start_index: usize,
    items: Vec<Item<'a>>,
}

#[derive(Serialize)]
struct Item<'a> {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    motivation: &'static str,
    creator: Agent<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    modified: Option<String>,
    body: Vec<Body<'a>>,
    target: Targets<'a>,
}

#[derive(Serialize)]
struct Agent<'a> {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    name: &'a str,
}

impl<'a> Agent<'a> {
    /// The annotator layer `name` as a `Person`.
    fn person(name: &'a str) -> Self {
        Agent {
            id: annotator_iri(name),
            kind: "Person",
            name,
        }
    }
}

#[derive(Serialize)]
#[serde(tag = "type")]
enum Body<'a> {
    #[serde(rename = "TextualBody")]
    Textual {
        purpose: &'static str,
        value: &'a str,
    },
    SpecificResource {
        purpose: &'static str,
        source: String,
    },
    /// A value of an attribute (purpose `classifying`).
    #[serde(rename = "TextualBody")]
    Value {
        purpose: &'static str,
        value: String,
        #[serde(rename = "schema:propertyID")]
        attribute: &'a str,
    },
}

/// The classifying bodies of `values` (of a span or link whose type declares `declared`): one
/// per value, one per choice of several; a value no attribute declares is counted under
/// `left_out`.
fn value_bodies<'a>(
    sel: &Selection<'a>,
    declared: &'a [Attribute],
    values: &'a Values,
    left_out: &'static str,
    report: &mut Report,
) -> Vec<Body<'a>> {
    let (named, left) = named(declared, values, &sel.project.codebooks);
    for _ in 0..left {
        report.field(left_out);
    }
    let mut out = Vec::new();
    for n in named {
        let attribute = n.attribute.label.as_str();
        let words: Vec<String> = match &n.words {
            Words::Choices { labels, .. } => labels.iter().map(|l| (*l).to_owned()).collect(),
            other => vec![other.joined("")],
        };
        out.extend(words.into_iter().map(|value| Body::Value {
            purpose: "classifying",
            value,
            attribute,
        }));
    }
    out
}

#[derive(Serialize)]
#[serde(untagged)]
enum Targets<'a> {
    Iri(String),
    One(Target<'a>),
    Many(Vec<Target<'a>>),
}

#[derive(Serialize)]
struct Target<'a> {
    source: Source<'a>,
    selector: [Selector<'a>; 2],
}

#[derive(Serialize)]
struct Source<'a> {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "str::is_empty")]
    label: &'a str,
    /// The project the text is an article of.
    #[serde(rename = "partOf")]
    part_of: &'a str,
}

#[derive(Serialize)]
#[serde(tag = "type")]
enum Selector<'a> {
    TextPositionSelector {
        start: usize,
        end: usize,
    },
    TextQuoteSelector {
        exact: &'a str,
        #[serde(skip_serializing_if = "str::is_empty")]
        prefix: &'a str,
        #[serde(skip_serializing_if = "str::is_empty")]
        suffix: &'a str,
    },
}

/// Writes the collection.
pub(crate) fn export(
    sel: &Selection<'_>,
    step: &mut dyn FnMut(usize),
    sink: &mut dyn Sink,
) -> Result<Report, ExportError> {
    let project = sel.project;
    let mut report = Report::new("w3c", Some("code points"), sel.layers.clone());
    let mut entities = BTreeSet::new();
    let project_iri = format!("urn:marginalia:project:{}", iri_part(&project.name));
    let id = format!("urn:marginalia:collection:{}", iri_part(&project.name));
    let collection = Collection {
        context: CONTEXT,
        id: id.clone(),
        kind: "AnnotationCollection",
        label: &project.name,
        total: sel
            .docs
            .iter()
            .map(|p| p.annotations.len() + p.relations.len())
            .sum(),
        first: Page {
            id: format!("{id}:page-1"),
            kind: "AnnotationPage",
            part_of: id.clone(),
            start_index: 0,
            items: Vec::new(),
        },
    };
    // The collection indented, each annotation compact on a line of its own: readable, easy
    // to diff and grep, and half the size (and reading time) of indenting everything. The
    // annotations of each batch of documents are made on all cores and written into the file
    // as the batch is done, so they are never all held (at corpus scale, 117 MB).
    let encode = |e: serde_json::Error| ExportError::Encode(e.to_string());
    let head = serde_json::to_string_pretty(&collection).map_err(encode)?;
    // `items` is the collection's last field: its last mention is the empty list to fill.
    let marker = "\"items\": []";
    let at = head
        .rfind(marker)
        .ok_or_else(|| ExportError::Encode("the collection has no item list".into()))?;
    sink.file(OutPlace::Main, &mut |out| {
        let written = |r: std::io::Result<()>| r.map_err(super::write_error);
        written(out.write_all(&head.as_bytes()[..at]))?;
        written(out.write_all(b"\"items\": "))?;
        let mut first = true;
        let mut failed = None;
        super::per_document_each(
            sel,
            step,
            |part| document_items(sel, part, &project_iri),
            |done| {
                if failed.is_some() {
                    return;
                }
                let (lines, part_report, mentioned) = match done {
                    Ok(done) => done,
                    Err(e) => {
                        failed = Some(e);
                        return;
                    }
                };
                // Each item starts with `,\n` and its indent; the list's first with `[\n`.
                let r = if lines.is_empty() {
                    Ok(())
                } else if first {
                    first = false;
                    out.write_all(b"[\n")
                        .and_then(|()| out.write_all(&lines[2..]))
                } else {
                    out.write_all(&lines)
                };
                match written(r) {
                    Ok(()) => {
                        report.absorb(part_report);
                        entities.extend(mentioned);
                    }
                    Err(e) => failed = Some(e),
                }
            },
        );
        if let Some(e) = failed {
            return Err(e);
        }
        written(out.write_all(if first { b"[]" } else { b"\n    ]" }))?;
        written(out.write_all(&head.as_bytes()[at + marker.len()..]))?;
        written(out.write_all(b"\n"))
    })?;
    report.entity_fields(project, entities, &[]);
    Ok(report)
}

/// One document's annotations and relations as W3C items, each on a line of its own that
/// starts with `,\n` and the list's indent; what it could not carry; the entities it mentions.
fn document_items<'p>(
    sel: &Selection<'p>,
    part: &DocPart<'p>,
    project_iri: &str,
) -> Result<(Vec<u8>, Report, Vec<&'p EntityId>), ExportError> {
    let project = sel.project;
    let mut report = Report::default();
    let mut lines = Vec::new();
    let mut push = |item: &Item<'_>| {
        lines.extend_from_slice(b",\n      ");
        serde_json::to_writer(&mut lines, item).map_err(|e| ExportError::Encode(e.to_string()))
    };
    let doc = part.doc;
    // The title is the `label` of each target's source; the rest has no place.
    report.document_fields(doc, &[field::DOCUMENT_TITLE]);
    let mentioned: Vec<&EntityId> = part.annotations.iter().flat_map(|a| &a.entity).collect();
    let text = doc.text.as_str();
    let index = TextIndex::new(text);
    let source = format!("urn:sha256:{}", sha256_hex(text));
    for a in &part.annotations {
        let mut targets: Vec<Target<'_>> = a
            .fragments
            .iter()
            .map(|f| {
                let (start, end) = offsets(&index, f, OffsetUnit::CodePoints);
                Target {
                    source: Source {
                        id: source.clone(),
                        kind: "Text",
                        label: &doc.meta.title,
                        part_of: project_iri,
                    },
                    selector: [
                        Selector::TextPositionSelector { start, end },
                        Selector::TextQuoteSelector {
                            exact: text.get(f.bytes()).unwrap_or_default(),
                            prefix: before(text, f.start.0),
                            suffix: after(text, f.end.0),
                        },
                    ],
                }
            })
            .collect();
        let target = if targets.len() == 1 {
            targets
                .pop()
                .map_or(Targets::Many(Vec::new()), Targets::One)
        } else {
            Targets::Many(targets)
        };
        let entity = a.entity.as_ref().map(|e| project.entities.get(e));
        if let Some(None) = entity {
            report.field("entity");
        }
        let mut item = annotation(a, entity.flatten().map(|e| e.name.as_str()), target);
        let declared = project
            .schema
            .tag(&a.tag)
            .map(|t| t.attributes.as_slice())
            .unwrap_or_default();
        item.body.extend(value_bodies(
            sel,
            declared,
            &a.values,
            field::ATTRIBUTE_VALUE,
            &mut report,
        ));
        push(&item)?;
        report.annotations += 1;
    }
    for r in &part.relations {
        let mut item = relation(r);
        let declared = project
            .schema
            .relation(&r.kind)
            .map(|k| k.attributes.as_slice())
            .unwrap_or_default();
        item.body.extend(value_bodies(
            sel,
            declared,
            &r.values,
            field::LINK_VALUE,
            &mut report,
        ));
        push(&item)?;
        report.relations += 1;
    }
    report.documents += 1;
    Ok((lines, report, mentioned))
}

/// The id of an annotation in the export.
pub(crate) fn annotation_iri(id: &str) -> String {
    format!("urn:marginalia:annotation:{}", iri_part(id))
}

fn annotation<'a>(a: &'a Annotation, entity: Option<&'a str>, target: Targets<'a>) -> Item<'a> {
    let text = |purpose, value| Body::Textual { purpose, value };
    let mut body = vec![text("tagging", a.tag.as_str())];
    if let Some(name) = entity {
        body.push(text("identifying", name));
    }
    if !a.note.is_empty() {
        body.push(text("commenting", &a.note));
    }
    match a.status {
        ReviewStatus::Pending => {}
        ReviewStatus::Accepted => body.push(text("assessing", "accepted")),
        ReviewStatus::Rejected => body.push(text("assessing", "rejected")),
    }
    Item {
        id: annotation_iri(a.id.as_str()),
        kind: "Annotation",
        motivation: "tagging",
        creator: Agent::person(&a.annotator),
        created: Some(a.created.to_string()),
        modified: Some(a.modified.to_string()),
        body,
        target,
    }
}

fn relation(r: &Relation) -> Item<'_> {
    let mut body = vec![
        Body::Textual {
            purpose: "tagging",
            value: r.kind.as_str(),
        },
        Body::SpecificResource {
            purpose: "linking",
            source: annotation_iri(r.to.as_str()),
        },
    ];
    if !r.note.is_empty() {
        body.push(Body::Textual {
            purpose: "commenting",
            value: &r.note,
        });
    }
    Item {
        id: format!("urn:marginalia:relation:{}", iri_part(r.id.as_str())),
        kind: "Annotation",
        motivation: "linking",
        creator: Agent::person(&r.annotator),
        created: None,
        modified: None,
        body,
        target: Targets::Iri(annotation_iri(r.from.as_str())),
    }
}

/// The IRI of an annotator layer: its name if that is an absolute IRI already (a layer
/// imported from a creator known only by its IRI, `acct:…` of Hypothesis), else
/// `urn:marginalia:annotator:<name>`.
fn annotator_iri(name: &str) -> String {
    let scheme = name.split_once(':').map(|(s, _)| s).unwrap_or_default();
    let absolute = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !name.chars().any(char::is_whitespace);
    if absolute {
        name.to_owned()
    } else {
        format!("urn:marginalia:annotator:{}", iri_part(name))
    }
}

/// `s` percent-encoded for the last part of a URN: letters, digits and `-._~` stay.
fn iri_part(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Up to [`CONTEXT_CHARS`] characters of `text` just before byte `at` (a grapheme boundary),
/// starting on a grapheme boundary.
fn before(text: &str, at: usize) -> &str {
    if !text.is_char_boundary(at) {
        return "";
    }
    let mut cursor = GraphemeCursor::new(at, text.len(), true);
    let mut start = at;
    while let Ok(Some(b)) = cursor.prev_boundary(text, 0) {
        if text.get(b..at).map_or(usize::MAX, |s| s.chars().count()) > CONTEXT_CHARS {
            break;
        }
        start = b;
    }
    text.get(start..at).unwrap_or_default()
}

/// Up to [`CONTEXT_CHARS`] characters of `text` just after byte `at` (a grapheme boundary),
/// ending on a grapheme boundary.
fn after(text: &str, at: usize) -> &str {
    if !text.is_char_boundary(at) {
        return "";
    }
    let mut cursor = GraphemeCursor::new(at, text.len(), true);
    let mut end = at;
    while let Ok(Some(b)) = cursor.next_boundary(text, 0) {
        if text.get(at..b).map_or(usize::MAX, |s| s.chars().count()) > CONTEXT_CHARS {
            break;
        }
        end = b;
    }
    text.get(at..end).unwrap_or_default()
}

#[cfg(test)]
mod spec_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tool_tests;
