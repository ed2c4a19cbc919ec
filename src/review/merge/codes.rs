//! The codes of a merge: their attributes, article variables and codebooks united with mine
//! by id (mine kept, and reported, where both define one id differently), and the values
//! they bring checked against the result, so a merge never leaves a value its project does
//! not declare.

use std::collections::{BTreeMap, HashMap};

use crate::model::{
    Annotation, Codebook, CodebookId, Edit, Project, Relation, Schema, TagId, refuse_value,
};

use super::report::MergeReport;

/// Adds their attributes (through their tags' ids in the result, `tag_of`) and article
/// variables that `schema` lacks; reports those kept as mine.
pub(super) fn merge_definitions(
    schema: &mut Schema,
    theirs: &Schema,
    tag_of: &HashMap<TagId, TagId>,
    report: &mut MergeReport,
) {
    for t in &theirs.tags {
        let id = tag_of.get(&t.id).unwrap_or(&t.id);
        let Some(mine) = schema.tags.iter_mut().find(|m| &m.id == id) else {
            continue;
        };
        for a in &t.attributes {
            match mine.attributes.iter().find(|m| m.id == a.id) {
                None => {
                    report
                        .attributes_added
                        .push(format!("{}.{}", mine.id, a.id));
                    mine.attributes.push(a.clone());
                }
                Some(m) if m != a => report.attributes_kept.push(format!("{}.{}", mine.id, a.id)),
                Some(_) => {}
            }
        }
    }
    for r in &theirs.relations {
        let Some(mine) = schema.relations.iter_mut().find(|m| m.id == r.id) else {
            continue;
        };
        for a in &r.attributes {
            match mine.attributes.iter().find(|m| m.id == a.id) {
                None => {
                    report
                        .attributes_added
                        .push(format!("{}.{}", mine.id, a.id));
                    mine.attributes.push(a.clone());
                }
                Some(m) if m != a => report.attributes_kept.push(format!("{}.{}", mine.id, a.id)),
                Some(_) => {}
            }
        }
    }
    for v in &theirs.variables {
        match schema.variables.iter().find(|m| m.id == v.id) {
            None => {
                report
                    .attributes_added
                    .push(format!("article variable {}", v.id));
                schema.variables.push(v.clone());
            }
            Some(m) if m != v => report
                .attributes_kept
                .push(format!("article variable {}", v.id)),
            Some(_) => {}
        }
    }
}

/// Their codebooks and codes that mine lack, as edits; the codebooks of the result.
pub(super) fn merge_codebooks(
    mine: &Project,
    theirs: &Project,
    report: &mut MergeReport,
) -> (Vec<Edit>, BTreeMap<CodebookId, Codebook>) {
    let mut result = mine.codebooks.clone();
    let mut edits = Vec::new();
    for book in theirs.codebooks.values() {
        match mine.codebooks.get(&book.id) {
            None => {
                report.codebooks_added.push(book.id.clone());
                result.insert(book.id.clone(), book.clone());
                edits.push(Edit::Codebook {
                    id: book.id.clone(),
                    before: None,
                    after: Some(Box::new(book.clone())),
                });
            }
            Some(m) => {
                let mut united = m.clone();
                for c in &book.codes {
                    match m.code(&c.id) {
                        None => {
                            report.codes_added += 1;
                            united.codes.push(c.clone());
                        }
                        Some(mc) if mc != c => {
                            report.codes_kept.push(format!("{}.{}", book.id, c.id));
                        }
                        Some(_) => {}
                    }
                }
                // A parent of theirs that is not in the result would dangle: such a code
                // goes under no parent.
                let ids: Vec<_> = united.codes.iter().map(|c| c.id.clone()).collect();
                for c in &mut united.codes {
                    if c.parent.as_ref().is_some_and(|p| !ids.contains(p)) {
                        c.parent = None;
                    }
                }
                if united != *m {
                    result.insert(book.id.clone(), united.clone());
                    edits.push(Edit::Codebook {
                        id: book.id.clone(),
                        before: Some(Box::new(m.clone())),
                        after: Some(Box::new(united)),
                    });
                }
            }
        }
    }
    (edits, result)
}

/// Leaves out of incoming annotations and relations every value the result's schema and
/// codebooks refuse (an attribute kept as mine with other values, say), counting them.
pub(super) fn check_values(
    edits: &mut [Edit],
    schema: &Schema,
    codebooks: &BTreeMap<CodebookId, Codebook>,
    report: &mut MergeReport,
) {
    for edit in edits {
        match edit {
            Edit::Annotation { after: Some(a), .. } => {
                report.values_left_out += keep_annotation_values(a, schema, codebooks)
            }
            Edit::Relation { after: Some(r), .. } => {
                report.values_left_out += keep_relation_values(r, schema, codebooks)
            }
            Edit::Document { after: Some(d), .. } => {
                report.values_left_out += keep_variables(&mut d.meta, schema)
            }
            Edit::DocumentMeta { after, .. } => {
                report.values_left_out += keep_variables(after, schema);
            }
            Edit::Batch(inner) => check_values(inner, schema, codebooks, report),
            _ => {}
        }
    }
}

/// Leaves out the article variables `schema` does not declare or whose kind refuses them.
fn keep_variables(meta: &mut crate::model::DocumentMeta, schema: &Schema) -> usize {
    let before = meta.variables.len();
    meta.variables.retain(|id, v| {
        schema
            .variable(id)
            .is_some_and(|d| d.kind.refuse(v).is_none())
    });
    before - meta.variables.len()
}

fn keep_annotation_values(
    a: &mut Annotation,
    schema: &Schema,
    codebooks: &BTreeMap<CodebookId, Codebook>,
) -> usize {
    let before = a.values.len();
    let declared = schema.tag(&a.tag).map(|t| &t.attributes[..]).unwrap_or(&[]);
    a.values.retain(|id, v| {
        declared
            .iter()
            .find(|d| &d.id == id)
            .is_some_and(|d| refuse_value(d, v, codebooks).is_none())
    });
    before - a.values.len()
}

fn keep_relation_values(
    r: &mut Relation,
    schema: &Schema,
    codebooks: &BTreeMap<CodebookId, Codebook>,
) -> usize {
    let before = r.values.len();
    let declared = schema
        .relation(&r.kind)
        .map(|k| &k.attributes[..])
        .unwrap_or(&[]);
    r.values.retain(|id, v| {
        declared
            .iter()
            .find(|d| &d.id == id)
            .is_some_and(|d| refuse_value(d, v, codebooks).is_none())
    });
    before - r.values.len()
}
