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

use std::collections::{BTreeSet, HashMap};

use crate::model::{Annotation, AnnotationId, RelationKindId, ReviewStatus, TextIndex};

use super::{ExportError, OffsetUnit, OutFile, OutPlace, Report, Selection, field, offsets};

/// The columns before the one-per-relation-type columns.
const COLUMNS: [&str; 12] = [
    "document",
    "title",
    "annotation",
    "tag",
    "start",
    "end",
    "fragments",
    "quote",
    "entity",
    "annotator",
    "note",
    "status",
];

/// The columns of the relations file.
const RELATION_COLUMNS: [&str; 10] = [
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
];

/// Joins the quotes of several linked annotations in one cell.
const SEPARATOR: &str = " | ";

/// The codes (names of [`super::report::field`]) this format carries; the others are counted
/// as not carried.
pub(super) const CODES_CARRIED: &[&str] = &[];

/// Writes the selection as `annotations.csv` (the `-o` file) and its relations file.
///
/// After the fixed columns comes one column per relation type (its id: `said_by`,
/// `conditional_on` …, in schema order, then any type the schema lacks), listing the quotes of
/// the annotations linked to the row's annotation by that type in either direction, in text
/// order, joined by ` | `: a claim's `said_by` cell lists its speakers, and an actor's lists
/// the claims it says. The relations file has every relation with both ends, by annotation
/// id. Only the documents' metadata other than the title and the entities' details (kind,
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

    let mut rows = writer();
    let header = COLUMNS
        .iter()
        .copied()
        .chain(kinds.iter().map(|k| k.as_str()));
    rows.write_record(header).map_err(encode)?;
    let mut links = writer();
    links.write_record(RELATION_COLUMNS).map_err(encode)?;

    let mut entities = BTreeSet::new();
    for (done, part) in sel.docs.iter().enumerate() {
        // The `title` column holds the title; the rest of the metadata has no column.
        report.document_fields(part.doc, &[field::DOCUMENT_TITLE]);
        entities.extend(part.annotations.iter().flat_map(|a| &a.entity));
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
            links
                .write_record([
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
                ])
                .map_err(encode)?;
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
            let entity = a.entity.as_ref().map(|id| {
                project
                    .entities
                    .get(id)
                    .map_or_else(|| id.to_string(), |e| e.name.clone())
            });
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
