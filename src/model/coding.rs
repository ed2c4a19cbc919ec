//! The coding operations: values set on spans and links (one at a time or many at once),
//! codes added, renamed and merged, article variables set. Each is built as an [`Edit`]
//! against the current project and refused, with the reason, when it would leave the project
//! invalid; re-exported from [`super::ops`].

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;

use super::annotation::Annotation;
use super::codes::{Code, Codebook, Value, refuse_value};
use super::edit::{Edit, EditError};
use super::ids::{AnnotationId, AttributeId, CodeId, CodebookId, DocId, RelationId, VariableId};
use super::project::Project;
use super::schema::Schema;

fn invalid(msg: impl Into<String>) -> EditError {
    EditError::Invalid(msg.into())
}

/// Why `value` cannot be attribute `attribute` of annotation `a` (`None`: it can).
fn refuse_on_annotation(
    project: &Project,
    a: &Annotation,
    attribute: &AttributeId,
    value: &Value,
) -> Option<String> {
    let Some(tag) = project.schema.tag(&a.tag) else {
        return Some(format!("the schema has no tag {}", a.tag));
    };
    match tag.attribute(attribute) {
        None => Some(format!(
            "the tag {} has no attribute {attribute}",
            tag.label
        )),
        Some(declared) => refuse_value(declared, value, &project.codebooks),
    }
}

/// Sets (`Some`) or clears (`None`) attribute `attribute` on annotation `id`.
pub fn set_value(
    project: &Project,
    id: &AnnotationId,
    attribute: &AttributeId,
    value: Option<Value>,
    now: Timestamp,
) -> Result<Edit, EditError> {
    set_values(project, std::slice::from_ref(id), attribute, value, now)
}

/// Sets or clears attribute `attribute` on every annotation of `ids`, as one undo step; every
/// annotation must declare it (so a bulk stance is refused on a selection holding an actor).
pub fn set_values(
    project: &Project,
    ids: &[AnnotationId],
    attribute: &AttributeId,
    value: Option<Value>,
    now: Timestamp,
) -> Result<Edit, EditError> {
    let mut edits = Vec::new();
    let unique: BTreeSet<&AnnotationId> = ids.iter().collect();
    for id in unique {
        let old = project
            .annotations
            .get(id)
            .ok_or_else(|| invalid(format!("no annotation {id}")))?;
        if let Some(v) = &value
            && let Some(why) = refuse_on_annotation(project, old, attribute, v)
        {
            return Err(invalid(format!("annotation {id}: {why}")));
        }
        if old.values.get(attribute) == value.as_ref() {
            continue;
        }
        let mut new = old.clone();
        match &value {
            Some(v) => new.values.insert(attribute.clone(), v.clone()),
            None => new.values.remove(attribute),
        };
        new.modified = now;
        edits.push(Edit::Annotation {
            id: id.clone(),
            before: Some(Box::new(old.clone())),
            after: Some(Box::new(new)),
        });
    }
    Ok(match edits.len() {
        1 => edits.pop().unwrap_or_else(Edit::none),
        _ => Edit::Batch(edits),
    })
}

/// Sets or clears attribute `attribute` on relation `id`.
pub fn set_relation_value(
    project: &Project,
    id: &RelationId,
    attribute: &AttributeId,
    value: Option<Value>,
) -> Result<Edit, EditError> {
    let old = project
        .relations
        .get(id)
        .ok_or_else(|| invalid(format!("no relation {id}")))?;
    if let Some(v) = &value {
        let kind = project
            .schema
            .relation(&old.kind)
            .ok_or_else(|| invalid(format!("the schema has no relation type {}", old.kind)))?;
        let declared = kind.attribute(attribute).ok_or_else(|| {
            invalid(format!(
                "the link type {} has no attribute {attribute}",
                kind.label
            ))
        })?;
        if let Some(why) = refuse_value(declared, v, &project.codebooks) {
            return Err(invalid(format!("relation {id}: {why}")));
        }
    }
    let mut new = old.clone();
    match value {
        Some(v) => new.values.insert(attribute.clone(), v),
        None => new.values.remove(attribute),
    };
    if new == *old {
        return Ok(Edit::none());
    }
    Ok(Edit::Relation {
        id: id.clone(),
        before: Some(old.clone()),
        after: Some(new),
    })
}

/// Sets the note of relation `id`.
pub fn set_relation_note(
    project: &Project,
    id: &RelationId,
    note: &str,
) -> Result<Edit, EditError> {
    let old = project
        .relations
        .get(id)
        .ok_or_else(|| invalid(format!("no relation {id}")))?;
    if old.note == note {
        return Ok(Edit::none());
    }
    let mut new = old.clone();
    new.note = note.to_owned();
    Ok(Edit::Relation {
        id: id.clone(),
        before: Some(old.clone()),
        after: Some(new),
    })
}

fn codebook<'p>(project: &'p Project, id: &CodebookId) -> Result<&'p Codebook, EditError> {
    project
        .codebooks
        .get(id)
        .ok_or_else(|| invalid(format!("no codebook {id}")))
}

fn replace_codebook(project: &Project, book: Codebook) -> Result<Edit, EditError> {
    let before = project.codebooks.get(&book.id).cloned();
    if before.as_ref() == Some(&book) {
        return Ok(Edit::none());
    }
    Ok(Edit::Codebook {
        id: book.id.clone(),
        before: before.map(Box::new),
        after: Some(Box::new(book)),
    })
}

/// Adds codebook `book` or replaces the one with its id (its label, definition, codes);
/// refused when a code in use would go.
pub fn put_codebook(project: &Project, book: Codebook) -> Result<Edit, EditError> {
    if book.label.trim().is_empty() {
        return Err(invalid("a codebook needs a name"));
    }
    let mut ids = BTreeSet::new();
    for c in &book.codes {
        if !ids.insert(&c.id) {
            return Err(invalid(format!(
                "two codes of {} are called {}",
                book.id, c.id
            )));
        }
        if c.label.trim().is_empty() {
            return Err(invalid(format!("code {} needs a label", c.id)));
        }
        if let Some(p) = c.parent.as_ref().filter(|p| book.code(p).is_none()) {
            return Err(invalid(format!(
                "code {}'s parent {p} is not in {}",
                c.id, book.id
            )));
        }
        if c.parent.is_some() && book.path(&c.id).len() > book.codes.len() {
            return Err(invalid(format!(
                "code {}'s parents go round in a circle",
                c.id
            )));
        }
    }
    if let Some((code, who)) = uses(project, &book.id)
        .into_iter()
        .find(|(code, _)| book.code(code).is_none())
    {
        return Err(invalid(format!("code {code} is still used by {who}")));
    }
    replace_codebook(project, book)
}

/// Adds `code` to codebook `book` (or replaces the code with its id): what the type-ahead's
/// "new code" does.
pub fn put_code(project: &Project, book: &CodebookId, code: Code) -> Result<Edit, EditError> {
    let mut new = codebook(project, book)?.clone();
    match new.codes.iter_mut().find(|c| c.id == code.id) {
        Some(slot) => *slot = code,
        None => new.codes.push(code),
    }
    put_codebook(project, new)
}

/// Renames code `code` of `book`; its uses keep it (they name its id).
pub fn rename_code(
    project: &Project,
    book: &CodebookId,
    code: &CodeId,
    label: &str,
) -> Result<Edit, EditError> {
    let mut new = codebook(project, book)?.clone();
    let slot = new
        .codes
        .iter_mut()
        .find(|c| &c.id == code)
        .ok_or_else(|| invalid(format!("{book} has no code {code}")))?;
    slot.label = label.trim().to_owned();
    put_codebook(project, new)
}

/// Every use of a code of `book`: the code and who uses it ("annotation a-1").
fn uses(project: &Project, book: &CodebookId) -> Vec<(CodeId, String)> {
    let code_attributes = code_attributes(&project.schema, book);
    let mut out = Vec::new();
    if code_attributes.is_empty() {
        return out;
    }
    for a in project.annotations.values() {
        for (attr, v) in &a.values {
            if let Value::Code(c) = v
                && code_attributes.contains(&(Owner::Tag(a.tag.as_str()), attr.as_str()))
            {
                out.push((c.clone(), format!("annotation {}", a.id)));
            }
        }
    }
    for r in project.relations.values() {
        for (attr, v) in &r.values {
            if let Value::Code(c) = v
                && code_attributes.contains(&(Owner::Relation(r.kind.as_str()), attr.as_str()))
            {
                out.push((c.clone(), format!("relation {}", r.id)));
            }
        }
    }
    out
}

/// A tag or relation type, by id.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Owner<'s> {
    Tag(&'s str),
    Relation(&'s str),
}

/// The (type, attribute) pairs whose codes come from `book`.
fn code_attributes<'s>(schema: &'s Schema, book: &CodebookId) -> BTreeSet<(Owner<'s>, &'s str)> {
    use super::codes::AttributeKind;
    let from_book =
        |k: &AttributeKind| matches!(k, AttributeKind::Code { codebook } if codebook == book);
    let mut out = BTreeSet::new();
    for t in &schema.tags {
        for a in t.attributes.iter().filter(|a| from_book(&a.kind)) {
            out.insert((Owner::Tag(t.id.as_str()), a.id.as_str()));
        }
    }
    for r in &schema.relations {
        for a in r.attributes.iter().filter(|a| from_book(&a.kind)) {
            out.insert((Owner::Relation(r.id.as_str()), a.id.as_str()));
        }
    }
    out
}

/// How many spans and links use each code of `book`.
pub fn code_counts(project: &Project, book: &CodebookId) -> BTreeMap<CodeId, usize> {
    let mut counts = BTreeMap::new();
    for (code, _) in uses(project, book) {
        *counts.entry(code).or_default() += 1;
    }
    counts
}

/// The annotations coded with `code` of `book`, in no particular order.
pub fn coded_with(project: &Project, book: &CodebookId, code: &CodeId) -> Vec<AnnotationId> {
    let attributes = code_attributes(&project.schema, book);
    project
        .annotations
        .values()
        .filter(|a| {
            a.values.iter().any(|(attr, v)| {
                matches!(v, Value::Code(c) if c == code)
                    && attributes.contains(&(Owner::Tag(a.tag.as_str()), attr.as_str()))
            })
        })
        .map(|a| a.id.clone())
        .collect()
}

/// Merges code `gone` of `book` into `keep`: every span and link coded `gone` is coded
/// `keep`, `gone`'s label and aliases become aliases of `keep`, its children move under
/// `keep`, and `gone` leaves the codebook; one undo step.
pub fn merge_codes(
    project: &Project,
    book: &CodebookId,
    keep: &CodeId,
    gone: &CodeId,
    now: Timestamp,
) -> Result<Edit, EditError> {
    if keep == gone {
        return Err(invalid("a code cannot be merged into itself"));
    }
    let old = codebook(project, book)?;
    let kept = old
        .code(keep)
        .ok_or_else(|| invalid(format!("{book} has no code {keep}")))?;
    let merged = old
        .code(gone)
        .ok_or_else(|| invalid(format!("{book} has no code {gone}")))?;
    let mut new = old.clone();
    let mut aliases = kept.aliases.clone();
    for name in std::iter::once(&merged.label).chain(&merged.aliases) {
        if name != &kept.label && !aliases.contains(name) {
            aliases.push(name.clone());
        }
    }
    // Kept somewhere under the merged code, the kept one takes its place (else the codes
    // between them would go round in a circle).
    let under_gone = {
        let mut up = kept.parent.as_ref();
        let mut found = false;
        for _ in 0..old.codes.len() {
            let Some(p) = up else { break };
            if p == gone {
                found = true;
                break;
            }
            up = old.code(p).and_then(|c| c.parent.as_ref());
        }
        found
    };
    new.codes.retain(|c| &c.id != gone);
    for c in &mut new.codes {
        if &c.id == keep {
            c.aliases = aliases.clone();
            if under_gone {
                c.parent = merged.parent.clone();
            }
        } else if c.parent.as_ref() == Some(gone) {
            c.parent = Some(keep.clone());
        }
    }
    let attributes = code_attributes(&project.schema, book);
    let mut edits = Vec::new();
    for a in project.annotations.values() {
        let mut changed = a.clone();
        for (attr, v) in &mut changed.values {
            if matches!(v, Value::Code(c) if c == gone)
                && attributes.contains(&(Owner::Tag(a.tag.as_str()), attr.as_str()))
            {
                *v = Value::Code(keep.clone());
            }
        }
        if changed != *a {
            changed.modified = now;
            edits.push(Edit::Annotation {
                id: a.id.clone(),
                before: Some(Box::new(a.clone())),
                after: Some(Box::new(changed)),
            });
        }
    }
    for r in project.relations.values() {
        let mut changed = r.clone();
        for (attr, v) in &mut changed.values {
            if matches!(v, Value::Code(c) if c == gone)
                && attributes.contains(&(Owner::Relation(r.kind.as_str()), attr.as_str()))
            {
                *v = Value::Code(keep.clone());
            }
        }
        if changed != *r {
            edits.push(Edit::Relation {
                id: r.id.clone(),
                before: Some(r.clone()),
                after: Some(changed),
            });
        }
    }
    // The uses move first, so the codebook's own check finds no use of `gone` left.
    edits.push(Edit::Codebook {
        id: book.clone(),
        before: Some(Box::new(old.clone())),
        after: Some(Box::new(new)),
    });
    Ok(Edit::Batch(edits))
}

/// Sets (`Some`) or clears (`None`) article variable `variable` of document `doc`.
pub fn set_variable(
    project: &Project,
    doc: &DocId,
    variable: &VariableId,
    value: Option<&str>,
) -> Result<Edit, EditError> {
    let document = project
        .document(doc)
        .ok_or_else(|| invalid(format!("no document {doc}")))?;
    let mut meta = document.meta.clone();
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => {
            let declared = project.schema.variable(variable).ok_or_else(|| {
                invalid(format!("the project has no article variable {variable}"))
            })?;
            if let Some(why) = declared.kind.refuse(v) {
                return Err(invalid(format!("{}: {why}", declared.label)));
            }
            meta.variables.insert(variable.clone(), v.to_owned());
        }
        None => {
            meta.variables.remove(variable);
        }
    }
    super::ops::set_document_meta(project, doc, meta)
}

/// The values of `a` that tag `tag` keeps: those it declares, with a value it allows.
pub(super) fn values_kept(
    project: &Project,
    a: &Annotation,
    tag: &super::ids::TagId,
) -> super::codes::Values {
    let Some(t) = project.schema.tag(tag) else {
        return Default::default();
    };
    a.values
        .iter()
        .filter(|(attr, v)| {
            t.attribute(attr)
                .is_some_and(|d| refuse_value(d, v, &project.codebooks).is_none())
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Why `schema` cannot replace the project's schema for the values coded so far (`None`:
/// it can): every value must still be one its type declares and allows.
pub(super) fn refuse_schema_for_values(project: &Project, schema: &Schema) -> Option<String> {
    for a in project
        .annotations
        .values()
        .filter(|a| !a.values.is_empty())
    {
        let t = schema.tag(&a.tag)?;
        for (attr, v) in &a.values {
            let why = match t.attribute(attr) {
                None => Some(format!("a {} would have no attribute {attr}", t.label)),
                Some(d) => refuse_value(d, v, &project.codebooks),
            };
            if let Some(why) = why {
                return Some(format!(
                    "annotation {} is coded so: {why} (clear or recode it first)",
                    a.id
                ));
            }
        }
    }
    for r in project.relations.values().filter(|r| !r.values.is_empty()) {
        let k = schema.relation(&r.kind)?;
        for (attr, v) in &r.values {
            let why = match k.attribute(attr) {
                None => Some(format!("a {} link would have no attribute {attr}", k.label)),
                Some(d) => refuse_value(d, v, &project.codebooks),
            };
            if let Some(why) = why {
                return Some(format!("relation {} is coded so: {why}", r.id));
            }
        }
    }
    for d in &project.documents {
        for (var, value) in &d.meta.variables {
            let why = match schema.variable(var) {
                None => Some(format!("there would be no article variable {var}")),
                Some(v) => v.kind.refuse(value),
            };
            if let Some(why) = why {
                return Some(format!("document {} has {var} set: {why}", d.id));
            }
        }
    }
    None
}

/// Checks the attributes and variables a schema declares against the project's codebooks:
/// ids unique within their type, a choice with values (each once, the default among them), a
/// scale from a smaller to a larger number, a code attribute's codebook present.
pub(super) fn check_definitions(schema: &Schema, project: &Project) -> Result<(), EditError> {
    use super::codes::AttributeKind;
    let types = schema
        .tags
        .iter()
        .map(|t| (format!("tag {}", t.id), &t.attributes))
        .chain(
            schema
                .relations
                .iter()
                .map(|r| (format!("relation type {}", r.id), &r.attributes)),
        );
    for (owner, attributes) in types {
        let mut ids = BTreeSet::new();
        for a in attributes {
            if !ids.insert(&a.id) {
                return Err(invalid(format!("{owner} has two attributes {}", a.id)));
            }
            match &a.kind {
                AttributeKind::Choice {
                    values, default, ..
                } => {
                    if values.is_empty() {
                        return Err(invalid(format!("{owner}: {} has no values", a.label)));
                    }
                    let mut seen = BTreeSet::new();
                    if let Some(v) = values.iter().find(|v| !seen.insert(&v.id)) {
                        return Err(invalid(format!("{owner}: {} has {} twice", a.label, v.id)));
                    }
                    if let Some(d) = default
                        .as_ref()
                        .filter(|d| !values.iter().any(|v| &v.id == *d))
                    {
                        return Err(invalid(format!(
                            "{owner}: {}'s default {d} is not one of its values",
                            a.label
                        )));
                    }
                }
                AttributeKind::Scale { min, max } if min >= max => {
                    return Err(invalid(format!(
                        "{owner}: {} needs a scale from a smaller to a larger number",
                        a.label
                    )));
                }
                AttributeKind::Code { codebook } if !project.codebooks.contains_key(codebook) => {
                    return Err(invalid(format!(
                        "{owner}: {} takes codes of {codebook}, which the project has no codebook for",
                        a.label
                    )));
                }
                _ => {}
            }
        }
    }
    let mut ids = BTreeSet::new();
    for v in &schema.variables {
        if !ids.insert(&v.id) {
            return Err(invalid(format!(
                "two article variables are called {}",
                v.id
            )));
        }
        if matches!(&v.kind, super::codes::VariableKind::Choice { values } if values.is_empty()) {
            return Err(invalid(format!(
                "article variable {} has no values",
                v.label
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ops, project_from_marked};

    fn now() -> Timestamp {
        Timestamp::UNIX_EPOCH
    }

    /// A project on the default schema: an actor, two claims and a condition, with two
    /// concepts in the codebook.
    fn coded() -> (Project, Vec<AnnotationId>) {
        let (mut p, ids) = project_from_marked(
            "[actor|Macron] wants [claim|a ceasefire 🕊️] and [claim|talks in 北京] if [condition|Kyiv agrees]",
            "ana",
            now(),
        )
        .unwrap();
        p.codebooks = Project::new("x").codebooks;
        for (id, label) in [("ceasefire", "Ceasefire"), ("talks", "Peace talks")] {
            let code = Code {
                id: id.into(),
                label: label.into(),
                color: None,
                definition: String::new(),
                parent: None,
                aliases: Vec::new(),
            };
            ops::put_code(&p, &"concepts".into(), code)
                .unwrap()
                .apply(&mut p)
                .unwrap();
        }
        (p, ids)
    }

    fn stance(v: &str) -> Value {
        Value::Choice(vec![v.to_owned()])
    }

    #[test]
    fn a_stance_is_set_cleared_and_undone_and_a_wrong_one_refused() {
        let (mut p, ids) = coded();
        let edit = set_value(
            &p,
            &ids[1],
            &"stance".into(),
            Some(stance("supports")),
            now(),
        )
        .unwrap();
        let undo = edit.apply(&mut p).unwrap();
        assert_eq!(
            p.annotations[&ids[1]].values[&"stance".into()],
            stance("supports")
        );
        undo.apply(&mut p).unwrap();
        assert!(p.annotations[&ids[1]].values.is_empty(), "undone");
        let err = set_value(&p, &ids[1], &"stance".into(), Some(stance("maybe")), now())
            .unwrap_err()
            .to_string();
        assert!(err.contains("stance has no value \"maybe\""), "{err}");
        let err = set_value(
            &p,
            &ids[0],
            &"stance".into(),
            Some(stance("supports")),
            now(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("the tag Actor has no attribute stance"),
            "{err}"
        );
        let err = set_value(&p, &ids[1], &"stance".into(), Some(Value::Scale(2)), now())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("a choice attribute, but the value is a scale"),
            "{err}"
        );
        let err = set_value(
            &p,
            &ids[1],
            &"concept".into(),
            Some(Value::Code("peace".into())),
            now(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("which the codebook \"concepts\" lacks"),
            "{err}"
        );
    }

    #[test]
    fn a_bulk_value_is_one_undo_step_and_refused_whole_on_a_type_without_it() {
        let (mut p, ids) = coded();
        let claims = [ids[1].clone(), ids[2].clone()];
        let edit = set_values(
            &p,
            &claims,
            &"stance".into(),
            Some(stance("opposes")),
            now(),
        )
        .unwrap();
        let undo = edit.apply(&mut p).unwrap();
        assert!(
            claims
                .iter()
                .all(|c| p.annotations[c].values[&"stance".into()] == stance("opposes"))
        );
        undo.apply(&mut p).unwrap();
        assert!(
            claims.iter().all(|c| p.annotations[c].values.is_empty()),
            "one step undoes both"
        );
        let mixed = [ids[0].clone(), ids[1].clone()];
        assert!(set_values(&p, &mixed, &"stance".into(), Some(stance("opposes")), now()).is_err());
    }

    #[test]
    fn a_retag_keeps_only_the_values_the_new_tag_declares() {
        let (mut p, ids) = coded();
        for (attr, v) in [
            ("stance", stance("supports")),
            ("concept", Value::Code("ceasefire".into())),
        ] {
            set_value(&p, &ids[1], &attr.into(), Some(v), now())
                .unwrap()
                .apply(&mut p)
                .unwrap();
        }
        ops::retag(&p, &ids[1], &"condition".into(), now())
            .unwrap()
            .apply(&mut p)
            .unwrap();
        let values = &p.annotations[&ids[1]].values;
        assert_eq!(values.len(), 1, "{values:?}");
        assert_eq!(values[&"concept".into()], Value::Code("ceasefire".into()));
    }

    #[test]
    fn merging_codes_recodes_every_use_keeps_the_name_as_alias_and_undoes_in_one_step() {
        let (mut p, ids) = coded();
        for (id, code) in [
            (&ids[1], "ceasefire"),
            (&ids[2], "talks"),
            (&ids[3], "talks"),
        ] {
            set_value(
                &p,
                id,
                &"concept".into(),
                Some(Value::Code(code.into())),
                now(),
            )
            .unwrap()
            .apply(&mut p)
            .unwrap();
        }
        let before = p.clone();
        assert_eq!(
            code_counts(&p, &"concepts".into())[&CodeId::from("talks")],
            2
        );
        let edit = merge_codes(
            &p,
            &"concepts".into(),
            &"ceasefire".into(),
            &"talks".into(),
            now(),
        )
        .unwrap();
        let undo = edit.apply(&mut p).unwrap();
        let book = &p.codebooks[&CodebookId::from("concepts")];
        assert!(book.code(&"talks".into()).is_none());
        assert_eq!(
            book.code(&"ceasefire".into()).unwrap().aliases,
            vec!["Peace talks".to_owned()]
        );
        assert_eq!(
            book.find("peace talks").map(|c| c.id.as_str()),
            Some("ceasefire")
        );
        let mut coded = coded_with(&p, &"concepts".into(), &"ceasefire".into());
        coded.sort();
        let mut expected = vec![ids[1].clone(), ids[2].clone(), ids[3].clone()];
        expected.sort();
        assert_eq!(coded, expected);
        undo.apply(&mut p).unwrap();
        assert_eq!(
            p, before,
            "one undo step brings both codes and every use back"
        );
    }

    #[test]
    fn merging_a_code_into_one_deep_under_it_makes_no_circle() {
        let (mut p, _) = coded();
        let mut book = p.codebooks[&CodebookId::from("concepts")].clone();
        // security › talks › ceasefire: ceasefire is kept, security merged into it.
        book.codes.push(Code {
            id: "security".into(),
            label: "Security".into(),
            color: None,
            definition: String::new(),
            parent: None,
            aliases: Vec::new(),
        });
        book.codes[1].parent = Some("security".into()); // talks
        book.codes[0].parent = Some("talks".into()); // ceasefire
        put_codebook(&p, book).unwrap().apply(&mut p).unwrap();
        merge_codes(
            &p,
            &"concepts".into(),
            &"ceasefire".into(),
            &"security".into(),
            now(),
        )
        .unwrap()
        .apply(&mut p)
        .unwrap();
        let book = p.codebooks[&CodebookId::from("concepts")].clone();
        assert_eq!(book.code(&"ceasefire".into()).unwrap().parent, None);
        assert_eq!(
            book.code(&"talks".into()).unwrap().parent,
            Some("ceasefire".into())
        );
        assert!(
            put_codebook(&p, book).is_ok(),
            "a sound codebook: no circle"
        );
    }

    #[test]
    fn a_code_in_use_cannot_leave_its_codebook_and_a_cycle_is_refused() {
        let (mut p, ids) = coded();
        set_value(
            &p,
            &ids[1],
            &"concept".into(),
            Some(Value::Code("talks".into())),
            now(),
        )
        .unwrap()
        .apply(&mut p)
        .unwrap();
        let mut book = p.codebooks[&CodebookId::from("concepts")].clone();
        book.codes.retain(|c| c.id.as_str() != "talks");
        let err = put_codebook(&p, book).unwrap_err().to_string();
        assert!(
            err.contains("code talks is still used by annotation"),
            "{err}"
        );
        let mut book = p.codebooks[&CodebookId::from("concepts")].clone();
        book.codes[0].parent = Some("talks".into());
        book.codes[1].parent = Some("ceasefire".into());
        let err = put_codebook(&p, book).unwrap_err().to_string();
        assert!(err.contains("circle"), "{err}");
    }

    #[test]
    fn article_variables_are_typed() {
        let (mut p, _) = coded();
        let mut schema = p.schema.clone();
        schema.variables = vec![
            super::super::codes::Variable {
                id: "outlet".into(),
                label: "Outlet".into(),
                definition: String::new(),
                kind: super::super::codes::VariableKind::Choice {
                    values: vec!["Le Monde".into(), "人民日报".into()],
                },
            },
            super::super::codes::Variable {
                id: "words".into(),
                label: "Words".into(),
                definition: String::new(),
                kind: super::super::codes::VariableKind::Number,
            },
        ];
        ops::set_schema(&p, schema).unwrap().apply(&mut p).unwrap();
        let doc = p.documents[0].id.clone();
        set_variable(&p, &doc, &"outlet".into(), Some("人民日报"))
            .unwrap()
            .apply(&mut p)
            .unwrap();
        assert_eq!(
            p.documents[0].meta.variables[&VariableId::from("outlet")],
            "人民日报"
        );
        let err = set_variable(&p, &doc, &"words".into(), Some("many"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("expected a number"), "{err}");
        let err = set_variable(&p, &doc, &"outlet".into(), Some("Bild"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("expected one of"), "{err}");
        // The variable in use cannot leave the schema silently.
        let mut schema = p.schema.clone();
        schema.variables.clear();
        assert!(ops::set_schema(&p, schema).is_err());
    }

    #[test]
    fn an_attribute_in_use_cannot_leave_the_schema_but_an_unused_one_can() {
        let (mut p, ids) = coded();
        let mut without_stance = p.schema.clone();
        without_stance.tags[1]
            .attributes
            .retain(|a| a.id.as_str() != "stance");
        assert!(
            ops::set_schema(&p, without_stance.clone()).is_ok(),
            "nothing coded yet"
        );
        set_value(
            &p,
            &ids[1],
            &"stance".into(),
            Some(stance("neutral")),
            now(),
        )
        .unwrap()
        .apply(&mut p)
        .unwrap();
        let err = ops::set_schema(&p, without_stance).unwrap_err().to_string();
        assert!(err.contains("would have no attribute stance"), "{err}");
        let mut bad = p.schema.clone();
        bad.tags[0].attributes.push(super::super::codes::Attribute {
            id: "intensity".into(),
            label: "Intensity".into(),
            definition: String::new(),
            kind: super::super::codes::AttributeKind::Scale { min: 2, max: -2 },
        });
        assert!(
            ops::set_schema(&p, bad)
                .unwrap_err()
                .to_string()
                .contains("smaller to a larger")
        );
    }
}
