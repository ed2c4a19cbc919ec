//! The `jsonl` format: one JSON object per document per line, in the shape spaCy and Prodigy
//! users load (`text`, `meta`, `tokens`, `spans`, `relations`), with our ids, notes, entities
//! and review status alongside so that a round trip loses nothing.
//!
//! Offsets count Unicode code points (Python's `len()`), and `meta.offsets` says so. Tokens
//! divide white space as spaCy's tokenizer does ([`spacy_tokens`]): `ws` is one ordinary space
//! after the token, and other white space (a second space, a line break) is a token of its
//! own, so `Doc(vocab, words, spaces)` built from them has the line's `text`. Words are the
//! UAX #29 words (the tokens a CoNLL import came with for a document read from CoNLL), cut at
//! every fragment edge, so every span starts on a token's start and ends on a token's end and
//! spaCy's `doc.char_span(start, end)` is `doc[token_start:token_end + 1]`: `token_end` is
//! inclusive, as Prodigy writes it. A discontinuous
//! annotation becomes one span per fragment sharing the annotation's `id`, each with its
//! `fragment` index: spaCy sees several spans, so the report lists it as
//! [`LossKind::Split`]. A relation's Prodigy fields (`head`, `child`, `head_span`,
//! `child_span`) name the *first* fragment of a split end; `from` and `to` name the whole
//! annotation, and our reader prefers them.
//!
//! Codes: a span (each span of a split annotation) has an `attributes` object, and so has a
//! relation, by attribute label: a flag `true`, a choice its value's label (a list of labels
//! when the attribute allows several, even of one), a scale a number, free text and a code
//! (by its label) a string: `{"Stance": "supports", "Concept": "Ceasefire", "Negated": true,
//! "Intensity": -2}`. A relation has its `note`; an entity its `refs` (`[{"kb", "id"}]`).
//! Article variables are members of `meta` by label, beside the fixed members
//! ([`META_KEYS`]); a variable labelled like one of those has no place and is counted, as is a
//! value no attribute of its type declares. spaCy and Prodigy keep unknown span members and
//! `meta` as they are.
//!
//! The reader ([`read`]) takes our own lines and plain spaCy/Prodigy lines alike.

mod read;
mod tally;

/// The codes (names of [`super::report::field`]) this format carries; the others are counted
/// as not carried.
/// Every code is written, but for a value no attribute declares and a variable named like a
/// fixed member of `meta`, which the writer counts itself.
pub(super) const CODES_CARRIED: &[&str] = &[
    field::ATTRIBUTE_VALUE,
    field::LINK_VALUE,
    field::LINK_NOTE,
    field::ARTICLE_VARIABLE,
    field::ENTITY_REFERENCE,
];

/// The members of `meta` that are not article variables.
pub const META_KEYS: [&str; 8] = [
    "id",
    "title",
    "source",
    "author",
    "published",
    "url",
    "sha256",
    "offsets",
];

#[cfg(test)]
mod prodigy_tests;
#[cfg(test)]
mod tests;

use std::path::Path;

use serde::Serialize;

use crate::model::{
    Annotation, Attribute, ByteOffset, EntityKind, ExternalRef, Fragment, ReviewStatus, TextIndex,
    Values,
};

use super::tokens::{SpacyToken, spacy_tokens};
use super::{
    DocPart, ExportError, ImportProblem, LossKind, OffsetUnit, OutPlace, Place, Report, Selection,
    Sink, field, offsets,
};

/// Values by attribute label, as JSON.
type Attributes = serde_json::Map<String, serde_json::Value>;

pub(crate) use read::{key_of, line_text, list, read, variables_of, why};
pub(crate) use tally::{Tally, carries};

/// What `meta.offsets` says about the unit of every offset in the file.
pub const OFFSETS: &str = "code points";

/// One line: one document.
#[derive(Serialize)]
struct Line<'a> {
    text: &'a str,
    meta: Meta<'a>,
    tokens: Vec<Tok<'a>>,
    spans: Vec<Span<'a>>,
    relations: Vec<Rel<'a>>,
    entities: Vec<Ent<'a>>,
}

/// The document's metadata; `offsets` names the unit.
#[derive(Serialize)]
struct Meta<'a> {
    id: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    sha256: String,
    offsets: &'static str,
    /// The article variables, by label.
    #[serde(flatten)]
    variables: std::collections::BTreeMap<&'a str, &'a str>,
}

/// A Prodigy token: code-point offsets, its index, and whether white space follows it.
#[derive(Serialize)]
struct Tok<'a> {
    text: &'a str,
    start: usize,
    end: usize,
    id: usize,
    ws: bool,
}

/// One span: a whole annotation, or one fragment of a discontinuous one.
#[derive(Serialize)]
struct Span<'a> {
    id: &'a str,
    start: usize,
    end: usize,
    label: &'a str,
    text: &'a str,
    /// Absent only for a fragment that covers no token (none: every fragment has tokens).
    #[serde(skip_serializing_if = "Option::is_none")]
    token_start: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_end: Option<usize>,
    annotator: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    note: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    entity: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<ReviewStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fragment: Option<usize>,
    #[serde(skip_serializing_if = "Attributes::is_empty")]
    attributes: Attributes,
}

/// Where a relation's end is, as Prodigy's `head_span` / `child_span` give it.
#[derive(Serialize)]
struct SpanRef<'a> {
    start: usize,
    end: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_start: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_end: Option<usize>,
    label: &'a str,
}

/// A relation: Prodigy's fields, then ours.
#[derive(Serialize)]
struct Rel<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    head: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    child: Option<usize>,
    head_span: SpanRef<'a>,
    child_span: SpanRef<'a>,
    label: &'a str,
    id: &'a str,
    from: &'a str,
    to: &'a str,
    annotator: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    note: &'a str,
    #[serde(skip_serializing_if = "Attributes::is_empty")]
    attributes: Attributes,
}

/// A registry entry some span of the line mentions.
#[derive(Serialize)]
struct Ent<'a> {
    id: &'a str,
    name: &'a str,
    kind: EntityKind,
    aliases: &'a [String],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    refs: &'a [ExternalRef],
}

/// The values of a span or link of a type declaring `declared`, by label; a value no
/// attribute declares is counted under `left_out`.
fn attributes(
    sel: &Selection<'_>,
    declared: &[Attribute],
    values: &Values,
    left_out: &'static str,
    report: &mut Report,
) -> Attributes {
    let (named, left) = super::values::named(declared, values, &sel.project.codebooks);
    for _ in 0..left {
        report.field(left_out);
    }
    named
        .iter()
        .map(|n| (n.attribute.label.clone(), n.words.json()))
        .collect()
}

/// Writes the selection as one JSON line per document, offsets in code points.
pub(crate) fn export(
    sel: &Selection,
    step: &mut dyn FnMut(usize),
    sink: &mut dyn Sink,
) -> Result<Report, ExportError> {
    let mut report = Report::new("jsonl", Some(OFFSETS), sel.layers.clone());
    // Each batch's lines go into the file as the batch is done: the lines are never all held
    // (at corpus scale, 300 MB).
    sink.file(OutPlace::Main, &mut |out| {
        let mut failed = None;
        super::per_document_each(
            sel,
            step,
            |part| {
                let mut part_report = Report::default();
                let json = serde_json::to_vec(&line(sel, part, &mut part_report));
                part_report.documents += 1;
                // `meta` holds the metadata but for the progress per annotator.
                part_report.document_fields(
                    part.doc,
                    &[
                        field::DOCUMENT_TITLE,
                        field::DOCUMENT_SOURCE,
                        field::DOCUMENT_AUTHOR,
                        field::DOCUMENT_DATE,
                        field::DOCUMENT_URL,
                    ],
                );
                (json, part_report)
            },
            |(json, part_report)| {
                if failed.is_some() {
                    return;
                }
                let written = json
                    .map_err(|e| ExportError::Encode(e.to_string()))
                    .and_then(|json| {
                        out.write_all(&json)
                            .and_then(|()| out.write_all(b"\n"))
                            .map_err(super::write_error)
                    });
                match written {
                    Ok(()) => report.absorb(part_report),
                    Err(e) => failed = Some(e),
                }
            },
        );
        failed.map_or(Ok(()), Err)
    })?;
    Ok(report)
}

/// The first and last token (inclusive) a fragment covers.
fn token_range(tokens: &[SpacyToken], f: &Fragment) -> (Option<usize>, Option<usize>) {
    let first = tokens.partition_point(|t| t.start < f.start);
    let last = tokens.partition_point(|t| t.end <= f.end);
    if first < last {
        (Some(first), Some(last - 1))
    } else {
        (None, None)
    }
}

fn line<'a>(sel: &Selection<'a>, part: &DocPart<'a>, report: &mut Report) -> Line<'a> {
    let doc = part.doc;
    let text = doc.text.as_str();
    let index = TextIndex::new(text);
    let edges: Vec<std::ops::Range<ByteOffset>> = part
        .annotations
        .iter()
        .flat_map(|a| a.fragments.iter().map(|f| f.start..f.end))
        .collect();
    let tokens = spacy_tokens(text, doc.meta.tokens, &edges);
    let toks = tokens
        .iter()
        .enumerate()
        .map(|(id, t)| {
            let (start, end) = offsets(
                &index,
                &Fragment::new(t.start..t.end),
                OffsetUnit::CodePoints,
            );
            Tok {
                text: text.get(t.start.0..t.end.0).unwrap_or_default(),
                start,
                end,
                id,
                ws: t.ws,
            }
        })
        .collect();

    let mut spans = Vec::new();
    let mut mentioned = std::collections::BTreeSet::new();
    for a in &part.annotations {
        let entity = a.entity.as_ref().and_then(|e| sel.project.entities.get(e));
        if let Some(e) = entity {
            mentioned.insert(&e.id);
        }
        let split = a.fragments.len() > 1;
        let declared = sel
            .project
            .schema
            .tag(&a.tag)
            .map(|t| t.attributes.as_slice())
            .unwrap_or_default();
        let values = attributes(sel, declared, &a.values, field::ATTRIBUTE_VALUE, report);
        for (i, f) in a.fragments.iter().enumerate() {
            let (start, end) = offsets(&index, f, OffsetUnit::CodePoints);
            let (token_start, token_end) = token_range(&tokens, f);
            spans.push(Span {
                id: a.id.as_str(),
                start,
                end,
                label: a.tag.as_str(),
                text: text.get(f.bytes()).unwrap_or_default(),
                token_start,
                token_end,
                annotator: &a.annotator,
                note: &a.note,
                entity: entity.map(|e| e.name.as_str()),
                status: (a.status != ReviewStatus::Pending).then_some(a.status),
                fragment: split.then_some(i),
                attributes: values.clone(),
            });
        }
        if split {
            report.span(
                a,
                LossKind::Split {
                    fragments: a.fragments.len(),
                },
            );
        } else {
            report.annotations += 1;
        }
        report.fields_of(a, &["note", "entity", "status"]);
    }

    let by_id: std::collections::HashMap<_, &Annotation> =
        part.annotations.iter().map(|a| (&a.id, *a)).collect();
    let end_of = |a: &'a Annotation| {
        let f = a
            .fragments
            .first()
            .copied()
            .unwrap_or(Fragment::new(ByteOffset(0)..ByteOffset(0)));
        let (start, end) = offsets(&index, &f, OffsetUnit::CodePoints);
        let (token_start, token_end) = token_range(&tokens, &f);
        SpanRef {
            start,
            end,
            token_start,
            token_end,
            label: a.tag.as_str(),
        }
    };
    let mut relations = Vec::new();
    for r in &part.relations {
        let (Some(from), Some(to)) = (by_id.get(&r.from), by_id.get(&r.to)) else {
            continue; // the selection only keeps relations whose ends it holds
        };
        let (head_span, child_span) = (end_of(from), end_of(to));
        let declared = sel
            .project
            .schema
            .relation(&r.kind)
            .map(|k| k.attributes.as_slice())
            .unwrap_or_default();
        relations.push(Rel {
            head: head_span.token_end,
            child: child_span.token_end,
            head_span,
            child_span,
            label: r.kind.as_str(),
            id: r.id.as_str(),
            from: r.from.as_str(),
            to: r.to.as_str(),
            annotator: &r.annotator,
            note: &r.note,
            attributes: attributes(sel, declared, &r.values, field::LINK_VALUE, report),
        });
        report.relations += 1;
    }

    let entities = mentioned
        .into_iter()
        .filter_map(|id| sel.project.entities.get(id))
        .inspect(|e| {
            if !e.note.is_empty() {
                report.field(super::report::field::ENTITY_NOTE);
            }
        })
        .map(|e| Ent {
            id: e.id.as_str(),
            name: &e.name,
            kind: e.kind,
            aliases: &e.aliases,
            refs: &e.refs,
        })
        .collect();

    let (declared, left) = super::values::variables(&sel.project.schema, doc);
    let mut variables = std::collections::BTreeMap::new();
    for (v, value) in declared {
        if META_KEYS.contains(&v.label.as_str()) || variables.contains_key(v.label.as_str()) {
            report.field(field::ARTICLE_VARIABLE);
        } else {
            variables.insert(v.label.as_str(), value);
        }
    }
    for _ in 0..left {
        report.field(field::ARTICLE_VARIABLE);
    }

    Line {
        text,
        meta: Meta {
            id: doc.id.as_str(),
            title: &doc.meta.title,
            source: doc.meta.source.as_deref(),
            author: doc.meta.author.as_deref(),
            published: doc.meta.published.as_deref(),
            url: doc.meta.url.as_deref(),
            sha256: doc.sha256(),
            offsets: OFFSETS,
            variables,
        },
        tokens: toks,
        spans,
        relations,
        entities,
    }
}

/// What [`json_lines`] calls with each line's object, its place and the problem list.
pub(crate) type EachLine<'a> =
    dyn FnMut(Place, &serde_json::Map<String, serde_json::Value>, &mut Vec<ImportProblem>) + 'a;

/// Calls `each` with every JSON object of a JSON-lines file and its place (`file:line`,
/// 1-based), in file order. Blank lines are skipped; a line that is not a JSON object is a
/// problem, and reading goes on, so problems come in input order.
pub(crate) fn json_lines(path: &Path, problems: &mut Vec<ImportProblem>, each: &mut EachLine<'_>) {
    let Some(text) = super::read_text(path, problems) else {
        return;
    };
    for (i, line) in text.lines().enumerate() {
        let place = Place::line(path, i + 1);
        if line.trim().is_empty() {
            continue;
        }
        match object_without_tokens(line) {
            Ok(Some(map)) => each(place, &map, problems),
            Ok(None) => problems.push(ImportProblem::new(
                place,
                "expected a JSON object ({\"text\": …}) on this line",
            )),
            Err(e) => problems.push(ImportProblem::new(
                place,
                format!(
                    "column {}: not JSON ({}); expected one JSON object per line",
                    e.column(),
                    read::why(&e)
                ),
            )),
        }
    }
}

/// The line as a JSON object, without its `tokens` (checked to be JSON, never built: no
/// reader needs them, and a Prodigy line holds far more tokens than anything else; `true`
/// stands in their place when there are some); `None`
/// when the line is JSON but not an object.
fn object_without_tokens(
    line: &str,
) -> Result<Option<serde_json::Map<String, serde_json::Value>>, serde_json::Error> {
    use serde_json::value::RawValue;
    let raw: serde_json::Value =
        match serde_json::from_str::<std::collections::BTreeMap<String, &RawValue>>(line) {
            Ok(members) => {
                let mut map = serde_json::Map::new();
                for (key, value) in members {
                    if key != "tokens" {
                        map.insert(key, serde_json::from_str(value.get())?);
                    } else if !matches!(value.get().trim(), "[]" | "null") {
                        // A marker in their place, so that the reader counts them.
                        map.insert(key, serde_json::Value::Bool(true));
                    }
                }
                return Ok(Some(map));
            }
            // Not an object: say what it is, or where it stops being JSON.
            Err(_) => serde_json::from_str(line)?,
        };
    Ok(raw.as_object().cloned())
}
