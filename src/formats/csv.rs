//! A spreadsheet of the annotations: one CSV row per annotation, and a relations file beside
//! it (`out.csv` → `out.relations.csv`).
//!
//! The files are UTF-8 without a byte-order mark, comma-separated, with a header row, fields
//! quoted where they hold a comma, a quote or a line break (RFC 4180), rows ending in a line
//! feed. Python, R, pandas and LibreOffice read them as they are. Excel guesses the legacy
//! code page when a CSV file is double-clicked, which garbles accents, emoji, CJK and Arabic;
//! open it instead with Data → From Text/CSV and choose "65001: Unicode (UTF-8)", which also
//! keeps the line breaks inside notes in their cells. A byte-order mark would spare Excel
//! users that step but shows up as part of the first column's name in most other tools.
//!
//! Offsets count code points. `start` is the first fragment's start and `end` the last
//! fragment's end; `fragments` lists every fragment as `start-end`, joined by `;`.
//!
//! Codes have a column each, headed by labels as the analyst spelled them (see
//! [`attribute_columns`]): one per attribute of the tags (a choice's values by label, several
//! joined by ` | `; a code by its label; a scale as a number; a flag `yes` or empty), then one
//! per article variable, on every row of the article. The relations file has a `note` column
//! and one column per attribute of the relation types.

use std::collections::{BTreeSet, HashMap};

use crate::model::{
    Annotation, AnnotationId, Attribute, AttributeId, RelationKindId, ReviewStatus, TextIndex,
};

use super::values::{Named, named, variables};
use super::{ExportError, OffsetUnit, OutFile, OutPlace, Report, Selection, field, offsets};

/// The columns before the one-per-relation-type columns.
const COLUMNS: [&str; 13] = [
    "document",
    "title",
    "annotation",
    "tag",
    "start",
    "end",
    "fragments",
    "quote",
    "entity",
    "entity_refs",
    "annotator",
    "note",
    "status",
];

/// The columns of the relations file.
const RELATION_COLUMNS: [&str; 11] = [
    "id",
    "document",
    "kind",
    "from",
    "from_tag",
    "from_quote",
    "to",
    "to_tag",
    "to_quote",
    "annotator",
    "note",
];

/// Joins the quotes of several linked annotations in one cell.
const SEPARATOR: &str = " | ";

/// The codes (names of [`super::report::field`]) this format carries; the others are counted
/// as not carried.
/// Every value is written but one whose attribute its type does not declare (it has no
/// column), which the writer counts itself; likewise a variable the schema lacks.
pub(super) const CODES_CARRIED: &[&str] = &[
    field::ATTRIBUTE_VALUE,
    field::LINK_VALUE,
    field::LINK_NOTE,
    field::ARTICLE_VARIABLE,
    field::ENTITY_REFERENCE,
];

/// One column of codes: its header, and the (tag or relation type id, attribute) pairs whose
/// values go in it.
#[derive(Debug, PartialEq, Eq)]
struct CodeColumn<'a> {
    header: String,
    members: Vec<(&'a str, &'a AttributeId)>,
}

/// The code columns of the attributes of `owners` (id, label, attributes; tags or relation
/// types, in schema order), their headers kept apart from `taken`.
///
/// Attributes that share a label and a kind share a column headed by the label: a claim's
/// `Concept` and a condition's `Concept` are one column, as every row has one tag. Attributes
/// that share a label but not a kind (an actor's free-text `Stance` beside a claim's choice of
/// stance) each have a column headed `Owner: Label` (`Actor: Stance`, `Claim: Stance`), the
/// owner's label as spelled; so does an attribute whose label is already a header
/// (`note`, `quote` …).
fn attribute_columns<'a>(
    owners: impl Iterator<Item = (&'a str, &'a str, &'a [Attribute])> + Clone,
    taken: &mut Vec<String>,
) -> Vec<CodeColumn<'a>> {
    let all: Vec<(&str, &str, &Attribute)> = owners
        .flat_map(|(id, label, attrs)| attrs.iter().map(move |a| (id, label, a)))
        .collect();
    let mut columns: Vec<CodeColumn> = Vec::new();
    let mut shared: HashMap<&str, usize> = HashMap::new();
    for &(owner, owner_label, a) in &all {
        let alike = all
            .iter()
            .filter(|(_, _, b)| b.label == a.label)
            .all(|(_, _, b)| b.kind == a.kind);
        if alike && let Some(&i) = shared.get(a.label.as_str()) {
            if let Some(c) = columns.get_mut(i) {
                c.members.push((owner, &a.id));
            }
            continue;
        }
        let plain = alike && !taken.iter().any(|t| t == &a.label);
        let header = if plain {
            shared.insert(&a.label, columns.len());
            a.label.clone()
        } else {
            unique(format!("{owner_label}: {}", a.label), taken)
        };
        taken.push(header.clone());
        columns.push(CodeColumn {
            header,
            members: vec![(owner, &a.id)],
        });
    }
    columns
}

/// `header`, or `header (2)`, `header (3)` … if it is taken.
fn unique(header: String, taken: &[String]) -> String {
    if !taken.contains(&header) {
        return header;
    }
    (2..)
        .map(|n| format!("{header} ({n})"))
        .find(|h| !taken.contains(h))
        .unwrap_or(header)
}

/// The cells of `columns` for a row of `owner` with values `named`.
fn code_cells(columns: &[CodeColumn<'_>], owner: &str, named: &[Named<'_>]) -> Vec<String> {
    columns
        .iter()
        .map(|c| {
            c.members
                .iter()
                .filter(|(o, _)| *o == owner)
                .find_map(|(_, id)| named.iter().find(|n| &n.attribute.id == *id))
                .map(|n| n.words.joined(SEPARATOR))
                .unwrap_or_default()
        })
        .collect()
}

/// Writes the selection as `annotations.csv` (the `-o` file) and its relations file.
///
/// After the fixed columns comes one column per relation type (its id: `said_by`,
/// `conditional_on` …, in schema order, then any type the schema lacks), listing the quotes of
/// the annotations linked to the row's annotation by that type in either direction, in text
/// order, joined by ` | `: a claim's `said_by` cell lists its speakers, and an actor's lists
/// the claims it says. Then the code columns ([`attribute_columns`]) and one column per article
/// variable, headed by its label (`article: Label` if that is taken). `entity_refs` lists the
/// entity's knowledge-base references as `kb:id`, joined by ` | `. The relations file has
/// every relation with both ends, by annotation id, its note and its attributes' columns.
/// Only the documents' metadata other than the title and the entities' details (kind,
/// aliases, note) have no column; they are counted in the report.
pub(crate) fn export(
    sel: &Selection<'_>,
    step: &mut dyn FnMut(usize),
) -> Result<(Vec<OutFile>, Report), ExportError> {
    let project = sel.project;
    let mut report = Report::new("csv", Some("code points"), sel.layers.clone());
    let mut kinds: Vec<&RelationKindId> = project.schema.relations.iter().map(|r| &r.id).collect();
    let extra: BTreeSet<&RelationKindId> = sel
        .docs
        .iter()
        .flat_map(|d| d.relations.iter().map(|r| &r.kind))
        .filter(|k| !kinds.contains(k))
        .collect();
    kinds.extend(extra);

    let schema = &project.schema;
    let mut header: Vec<String> = COLUMNS
        .iter()
        .copied()
        .chain(kinds.iter().map(|k| k.as_str()))
        .map(str::to_owned)
        .collect();
    let columns = attribute_columns(
        schema
            .tags
            .iter()
            .map(|t| (t.id.as_str(), t.label.as_str(), t.attributes.as_slice())),
        &mut header,
    );
    for v in &schema.variables {
        let h = if header.contains(&v.label) {
            unique(format!("article: {}", v.label), &header)
        } else {
            v.label.clone()
        };
        header.push(h);
    }
    let mut rows = writer();
    rows.write_record(&header).map_err(encode)?;
    let mut link_header: Vec<String> = RELATION_COLUMNS.iter().map(|c| (*c).to_owned()).collect();
    let link_columns = attribute_columns(
        schema
            .relations
            .iter()
            .map(|r| (r.id.as_str(), r.label.as_str(), r.attributes.as_slice())),
        &mut link_header,
    );
    let mut links = writer();
    links.write_record(&link_header).map_err(encode)?;

    let mut entities = BTreeSet::new();
    for (done, part) in sel.docs.iter().enumerate() {
        // The `title` column holds the title; the rest of the metadata has no column.
        report.document_fields(part.doc, &[field::DOCUMENT_TITLE]);
        entities.extend(part.annotations.iter().flat_map(|a| &a.entity));
        let (vars, left) = variables(schema, part.doc);
        for _ in 0..left {
            report.field(field::ARTICLE_VARIABLE);
        }
        let index = TextIndex::new(&part.doc.text);
        let by_id: HashMap<&AnnotationId, &Annotation> =
            part.annotations.iter().map(|a| (&a.id, *a)).collect();
        // Annotation id → (relation type, linked annotation), both directions.
        let mut linked: HashMap<&AnnotationId, Vec<(&RelationKindId, &Annotation)>> =
            HashMap::new();
        for r in &part.relations {
            let (Some(from), Some(to)) = (by_id.get(&r.from), by_id.get(&r.to)) else {
                continue;
            };
            linked.entry(&r.from).or_default().push((&r.kind, to));
            linked.entry(&r.to).or_default().push((&r.kind, from));
            let declared = schema
                .relation(&r.kind)
                .map(|k| k.attributes.as_slice())
                .unwrap_or_default();
            let (values, left) = named(declared, &r.values, &project.codebooks);
            for _ in 0..left {
                report.field(field::LINK_VALUE);
            }
            let mut record: Vec<String> = [
                r.id.as_str(),
                part.doc.id.as_str(),
                r.kind.as_str(),
                from.id.as_str(),
                from.tag.as_str(),
                &from.quote,
                to.id.as_str(),
                to.tag.as_str(),
                &to.quote,
                &r.annotator,
                &r.note,
            ]
            .map(str::to_owned)
            .into();
            record.extend(code_cells(&link_columns, r.kind.as_str(), &values));
            links.write_record(&record).map_err(encode)?;
            report.relations += 1;
        }
        for a in &part.annotations {
            let spans: Vec<(usize, usize)> = a
                .fragments
                .iter()
                .map(|f| offsets(&index, f, OffsetUnit::CodePoints))
                .collect();
            let start = spans.first().map_or(0, |s| s.0);
            let end = spans.last().map_or(0, |s| s.1);
            let fragments: Vec<String> = spans.iter().map(|(s, e)| format!("{s}-{e}")).collect();
            let known = a.entity.as_ref().and_then(|id| project.entities.get(id));
            let entity = a
                .entity
                .as_ref()
                .map(|id| known.map_or_else(|| id.to_string(), |e| e.name.clone()));
            let refs: Vec<String> = known
                .map(|e| {
                    e.refs
                        .iter()
                        .map(|r| format!("{}:{}", r.kb, r.id))
                        .collect()
                })
                .unwrap_or_default();
            let mut record = vec![
                part.doc.id.to_string(),
                part.doc.meta.title.clone(),
                a.id.to_string(),
                a.tag.to_string(),
                start.to_string(),
                end.to_string(),
                fragments.join(";"),
                a.quote.clone(),
                entity.unwrap_or_default(),
                refs.join(SEPARATOR),
                a.annotator.clone(),
                a.note.clone(),
                status(a.status).to_owned(),
            ];
            let mine = linked.get(&a.id).map(Vec::as_slice).unwrap_or_default();
            for kind in &kinds {
                let mut others: Vec<&Annotation> = mine
                    .iter()
                    .filter(|(k, _)| k == kind)
                    .map(|(_, other)| *other)
                    .collect();
                others.sort_by(|x, y| x.sort_key().cmp(&y.sort_key()));
                others.dedup_by(|x, y| x.id == y.id);
                let quotes: Vec<&str> = others.iter().map(|o| o.quote.as_str()).collect();
                record.push(quotes.join(SEPARATOR));
            }
            let declared = schema
                .tag(&a.tag)
                .map(|t| t.attributes.as_slice())
                .unwrap_or_default();
            let (values, left) = named(declared, &a.values, &project.codebooks);
            for _ in 0..left {
                report.field(field::ATTRIBUTE_VALUE);
            }
            record.extend(code_cells(&columns, a.tag.as_str(), &values));
            record.extend(schema.variables.iter().map(|v| {
                vars.iter()
                    .find(|(var, _)| var.id == v.id)
                    .map(|(_, value)| (*value).to_owned())
                    .unwrap_or_default()
            }));
            rows.write_record(&record).map_err(encode)?;
            report.annotations += 1;
        }
        report.documents += 1;
        step(done + 1);
    }
    report.entity_fields(project, entities, &[]);
    Ok((
        vec![
            OutFile {
                place: OutPlace::Main,
                text: finish(rows)?,
            },
            OutFile {
                place: OutPlace::Sibling(".relations.csv"),
                text: finish(links)?,
            },
        ],
        report,
    ))
}

/// The review status as the project file spells it.
fn status(s: ReviewStatus) -> &'static str {
    match s {
        ReviewStatus::Pending => "pending",
        ReviewStatus::Accepted => "accepted",
        ReviewStatus::Rejected => "rejected",
    }
}

/// A CSV writer into memory: commas, quotes only where needed, `\n` after each row.
fn writer() -> ::csv::Writer<Vec<u8>> {
    ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new())
}

fn finish(w: ::csv::Writer<Vec<u8>>) -> Result<String, ExportError> {
    let bytes = w
        .into_inner()
        .map_err(|e| ExportError::Encode(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| ExportError::Encode(e.to_string()))
}

fn encode(e: ::csv::Error) -> ExportError {
    ExportError::Encode(e.to_string())
}

#[cfg(test)]
#[path = "csv_tests.rs"]
mod tests;
