//! The `doccano` format: the JSONL doccano exports from a sequence-labelling project and
//! imports into one, offsets in code points.
//!
//! Without relations in the selection each line is doccano's sequence-labelling shape,
//! `{"id": n, "text": …, "label": [[start, end, "tag"], …]}`; with any, every line takes its
//! relation-extraction shape, `{"id", "text", "entities": [{"id", "label", "start_offset",
//! "end_offset"}], "relations": [{"id", "from_id", "to_id", "type"}]}`. doccano keeps the
//! fields of a line it does not know as the example's metadata, so each line also carries the
//! document's `title` and `doc_id`.
//!
//! doccano has no discontinuous spans, notes, entities, review status, document metadata
//! other than the title, or annotators: a discontinuous annotation is written as one span per
//! fragment (reported as [`LossKind::Split`]), and a relation to or from it attaches to its
//! *first* fragment; the other fields are counted in the report's `fields_not_carried` (a
//! relation's annotator only when it is not its source annotation's, which the reader gives
//! it back). The reader ([`read`]) takes both shapes, `label` or `labels` (or the column a
//! project named, [`Columns`]), spans as `[start, end, "tag"]` or `{"start_offset",
//! "end_offset", "label"}`, lines with entities and no relations, a whole-file JSON array
//! (doccano's JSON export) and pretty-printed objects; doccano's metadata comes in as article
//! variables.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use crate::model::{AnnotationId, TextIndex};

use super::{
    ExportError, LossKind, OffsetUnit, OutFile, OutPlace, Report, Selection, field, offsets,
};

/// The codes (names of [`super::report::field`]) this format carries; the others are counted
/// as not carried.
pub(super) const CODES_CARRIED: &[&str] = &[];

/// A sequence-labelling line.
#[derive(Serialize)]
struct Labelled<'a> {
    id: usize,
    text: &'a str,
    title: &'a str,
    doc_id: &'a str,
    /// `[start, end, tag]`, sorted as doccano sorts them.
    label: Vec<(usize, usize, &'a str)>,
}

/// A relation-extraction line.
#[derive(Serialize)]
struct Related<'a> {
    id: usize,
    text: &'a str,
    title: &'a str,
    doc_id: &'a str,
    entities: Vec<Entity<'a>>,
    relations: Vec<Relation<'a>>,
}

#[derive(Serialize)]
struct Entity<'a> {
    id: usize,
    label: &'a str,
    start_offset: usize,
    end_offset: usize,
}

#[derive(Serialize)]
struct Relation<'a> {
    id: usize,
    from_id: usize,
    to_id: usize,
    #[serde(rename = "type")]
    kind: &'a str,
}

/// Writes one doccano line per document. Line, entity and relation ids count from 1 across
/// the whole file, as doccano's own database ids do.
pub(crate) fn export(
    sel: &Selection,
    step: &mut dyn FnMut(usize),
) -> Result<(Vec<OutFile>, Report), ExportError> {
    let mut report = Report::new("doccano", Some("code points"), sel.layers.clone());
    let with_relations = sel.docs.iter().any(|d| !d.relations.is_empty());
    let (mut next_entity, mut next_relation) = (1, 1);
    let mut out = String::new();
    let mut mentioned = BTreeSet::new();
    for (i, part) in sel.docs.iter().enumerate() {
        let doc = part.doc;
        let index = TextIndex::new(&doc.text);
        let mut label = Vec::new();
        let mut entities = Vec::new();
        let mut first: HashMap<&AnnotationId, usize> = HashMap::new();
        for a in &part.annotations {
            for f in &a.fragments {
                let (start, end) = offsets(&index, f, OffsetUnit::CodePoints);
                if with_relations {
                    first.entry(&a.id).or_insert(next_entity);
                    entities.push(Entity {
                        id: next_entity,
                        label: a.tag.as_str(),
                        start_offset: start,
                        end_offset: end,
                    });
                    next_entity += 1;
                } else {
                    label.push((start, end, a.tag.as_str()));
                }
            }
            if a.fragments.len() > 1 {
                let fragments = a.fragments.len();
                report.span(a, LossKind::Split { fragments });
            } else {
                report.annotations += 1;
            }
            report.fields_of(a, &[]);
        }
        mentioned.extend(part.annotations.iter().flat_map(|a| &a.entity));
        report.document_fields(doc, &[field::DOCUMENT_TITLE]);
        let mut relations = Vec::new();
        for r in &part.relations {
            let (Some(&from_id), Some(&to_id)) = (first.get(&r.from), first.get(&r.to)) else {
                continue; // the selection only keeps relations whose ends it holds
            };
            relations.push(Relation {
                id: next_relation,
                from_id,
                to_id,
                kind: r.kind.as_str(),
            });
            next_relation += 1;
            report.relations += 1;
            if let Some(source) = sel.project.annotations.get(&r.from) {
                report.relation_annotator(r, source);
            }
        }
        let (id, text, title, doc_id) =
            (i + 1, doc.text.as_str(), &doc.meta.title, doc.id.as_str());
        let json = if with_relations {
            serde_json::to_string(&Related {
                id,
                text,
                title,
                doc_id,
                entities,
                relations,
            })
        } else {
            label.sort();
            serde_json::to_string(&Labelled {
                id,
                text,
                title,
                doc_id,
                label,
            })
        };
        out.push_str(&json.map_err(|e| ExportError::Encode(e.to_string()))?);
        out.push('\n');
        report.documents += 1;
        step(i + 1);
    }
    report.entity_fields(sel.project, mentioned, &[]);
    Ok((
        vec![OutFile {
            place: OutPlace::Main,
            text: out,
        }],
        report,
    ))
}

mod read;

pub use read::Columns;
pub(crate) use read::read;

#[cfg(test)]
mod tests;
