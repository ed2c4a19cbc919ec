//! The codes of a merge: their attributes, article variables and codebooks united with mine
//! by id (mine kept, and reported, where both define one id differently), and the values
//! they bring checked against the result, so a merge never leaves a value its project does
//! not declare.

use std::collections::HashMap;

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
        if let Some(mine) = schema.tags.iter_mut().find(|m| &m.id == id) {
            let owner = mine.id.to_string();
            unite(
                &mut mine.attributes,
                &t.attributes,
                |a| format!("{owner}.{}", a.id),
                report,
            );
        }
    }
    for r in &theirs.relations {
        if let Some(mine) = schema.relations.iter_mut().find(|m| m.id == r.id) {
            let owner = mine.id.to_string();
            unite(
                &mut mine.attributes,
                &r.attributes,
                |a| format!("{owner}.{}", a.id),
                report,
            );
        }
    }
    unite(
        &mut schema.variables,
        &theirs.variables,
        |v| format!("article variable {}", v.id),
        report,
    );
}

/// Something both schemas may define by id: an attribute or an article variable.
trait Defined: Clone + PartialEq {
    fn same_id(&self, other: &Self) -> bool;
}

impl Defined for crate::model::Attribute {
    fn same_id(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Defined for crate::model::Variable {
    fn same_id(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

/// Adds to `mine` each of `theirs` it lacks by id, and reports (under `name`) those added
/// and those both define differently (mine kept).
fn unite<T: Defined>(
    mine: &mut Vec<T>,
    theirs: &[T],
    name: impl Fn(&T) -> String,
    report: &mut MergeReport,
) {
    for t in theirs {
        match mine.iter().find(|m| m.same_id(t)) {
            None => {
                report.attributes_added.push(name(t));
                mine.push(t.clone());
            }
            Some(m) if m != t => report.attributes_kept.push(name(t)),
            Some(_) => {}
        }
    }
}

/// Their codebooks and codes that mine lack, as edits; the codebooks of the result.
pub(super) fn merge_codebooks(
    mine: &Project,
    theirs: &Project,
    report: &mut MergeReport,
) -> (Vec<Edit>, crate::model::SharedMap<CodebookId, Codebook>) {
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
    codebooks: &crate::model::SharedMap<CodebookId, Codebook>,
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
    codebooks: &crate::model::SharedMap<CodebookId, Codebook>,
) -> usize {
    let declared = schema.tag(&a.tag).map_or(&[][..], |t| &t.attributes[..]);
    keep_values(&mut a.values, declared, codebooks)
}

fn keep_relation_values(
    r: &mut Relation,
    schema: &Schema,
    codebooks: &crate::model::SharedMap<CodebookId, Codebook>,
) -> usize {
    let declared = schema
        .relation(&r.kind)
        .map_or(&[][..], |k| &k.attributes[..]);
    keep_values(&mut r.values, declared, codebooks)
}

/// Keeps the values `declared` declares and allows; how many went.
fn keep_values(
    values: &mut crate::model::Values,
    declared: &[crate::model::Attribute],
    codebooks: &crate::model::SharedMap<CodebookId, Codebook>,
) -> usize {
    let before = values.len();
    values.retain(|id, v| {
        declared
            .iter()
            .find(|d| &d.id == id)
            .is_some_and(|d| refuse_value(d, v, codebooks).is_none())
    });
    before - values.len()
}
