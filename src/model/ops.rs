//! The operations an analyst performs, each built as an [`Edit`] against the current project.
//!
//! These functions only read the project; applying the edit (through
//! [`History::apply`](super::History::apply)) is what changes it.

use jiff::Timestamp;

use super::annotation::{Annotation, Entity, Fragment, Relation, ReviewStatus, quote_of};
use super::document::{Document, DocumentMeta, is_partial_iso_date};
use super::edit::{Edit, EditError, project_meta};
use super::ids::{self, AnnotationId, DocId, EntityId, RelationId, RelationKindId, TagId};
use super::project::Project;
use super::schema::Schema;
use super::snap::is_grapheme_boundary;

pub use super::coding::{
    code_counts, coded_with, merge_codes, put_code, put_codebook, rename_code, set_relation_note,
    set_relation_value, set_value, set_values, set_variable,
};

fn invalid(msg: impl Into<String>) -> EditError {
    EditError::Invalid(msg.into())
}

fn annotation<'p>(project: &'p Project, id: &AnnotationId) -> Result<&'p Annotation, EditError> {
    project
        .annotations
        .get(id)
        .ok_or_else(|| invalid(format!("no annotation {id}")))
}

fn change_annotation(
    project: &Project,
    id: &AnnotationId,
    now: Timestamp,
    change: impl FnOnce(&mut Annotation),
) -> Result<Edit, EditError> {
    let old = annotation(project, id)?;
    let mut new = old.clone();
    change(&mut new);
    if new == *old {
        return Ok(Edit::none());
    }
    new.modified = now;
    Ok(Edit::Annotation {
        id: id.clone(),
        before: Some(Box::new(old.clone())),
        after: Some(Box::new(new)),
    })
}

/// Checks that `fragments` are sorted, non-empty, disjoint and on grapheme boundaries of the
/// document's text, and returns their quote.
fn checked_quote(doc: &Document, fragments: &[Fragment]) -> Result<String, EditError> {
    if fragments.is_empty() {
        return Err(invalid("an annotation needs at least one fragment"));
    }
    for (i, f) in fragments.iter().enumerate() {
        if f.start >= f.end {
            return Err(invalid(format!(
                "fragment {}..{} is empty or reversed",
                f.start, f.end
            )));
        }
        if !is_grapheme_boundary(&doc.text, f.start) || !is_grapheme_boundary(&doc.text, f.end) {
            return Err(invalid(format!(
                "fragment {}..{} does not lie on character boundaries of {}",
                f.start, f.end, doc.id
            )));
        }
        if i > 0 && fragments.get(i - 1).is_some_and(|prev| prev.end > f.start) {
            return Err(invalid("fragments overlap or are out of order"));
        }
    }
    quote_of(&doc.text, fragments).ok_or_else(|| invalid("fragment outside the text"))
}

fn document<'p>(project: &'p Project, id: &DocId) -> Result<&'p Document, EditError> {
    project
        .document(id)
        .ok_or_else(|| invalid(format!("no document {id}")))
}

fn tag_exists(project: &Project, tag: &TagId) -> Result<(), EditError> {
    match project.schema.tag(tag) {
        Some(_) => Ok(()),
        None => Err(invalid(format!("the schema has no tag {tag}"))),
    }
}

/// Tags `fragments` of `doc` with `tag` in `annotator`'s layer. The new annotation's id is
/// fresh; find it in the returned edit with [`added_annotation`].
pub fn add_annotation(
    project: &Project,
    doc: &DocId,
    tag: &TagId,
    fragments: Vec<Fragment>,
    annotator: &str,
    now: Timestamp,
) -> Result<Edit, EditError> {
    let item = NewAnnotation {
        doc: doc.clone(),
        tag: tag.clone(),
        fragments,
        entity: None,
    };
    add_annotations(project, vec![item], annotator, now)
}

/// One annotation for [`add_annotations`] to add.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAnnotation {
    /// The document tagged.
    pub doc: DocId,
    /// The tag type; the schema must have it.
    pub tag: TagId,
    /// Byte ranges into the document's text: sorted, disjoint, on grapheme boundaries.
    pub fragments: Vec<Fragment>,
    /// The entity of the registry the span mentions, if any.
    pub entity: Option<EntityId>,
}

/// Adds several annotations to `annotator`'s layer as one edit (one undo step). All are built
/// against the same project, so each gets a fresh id that differs from the project's ids and
/// from the others in the batch. Nothing to add gives [`Edit::none`]; any invalid item refuses
/// the whole batch.
pub fn add_annotations(
    project: &Project,
    items: Vec<NewAnnotation>,
    annotator: &str,
    now: Timestamp,
) -> Result<Edit, EditError> {
    if items.is_empty() {
        return Ok(Edit::none());
    }
    if annotator.trim().is_empty() {
        return Err(invalid("an annotation needs an annotator"));
    }
    let mut taken = std::collections::HashSet::new();
    let mut edits = Vec::with_capacity(items.len() + 1);
    for item in items {
        tag_exists(project, &item.tag)?;
        if let Some(e) = item
            .entity
            .as_ref()
            .filter(|e| !project.entities.contains_key(*e))
        {
            return Err(invalid(format!("no entity {e}")));
        }
        let quote = checked_quote(document(project, &item.doc)?, &item.fragments)?;
        let id = loop {
            let id = AnnotationId(ids::fresh("a"));
            if !project.annotations.contains_key(&id) && taken.insert(id.clone()) {
                break id;
            }
        };
        let annotation = Annotation {
            values: Default::default(),
            id: id.clone(),
            doc: item.doc,
            tag: item.tag,
            fragments: item.fragments,
            quote,
            annotator: annotator.to_owned(),
            entity: item.entity,
            note: String::new(),
            status: ReviewStatus::Pending,
            created: now,
            modified: now,
            changed_by: None,
        };
        edits.push(Edit::Annotation {
            id,
            before: None,
            after: Some(Box::new(annotation)),
        });
    }
    edits.extend(ensure_annotator(project, annotator));
    Ok(Edit::Batch(edits))
}

/// The annotation an [`add_annotation`] edit adds.
pub fn added_annotation(edit: &Edit) -> Option<&AnnotationId> {
    match edit {
        Edit::Annotation {
            id,
            before: None,
            after: Some(_),
        } => Some(id),
        Edit::Batch(edits) => edits.iter().find_map(added_annotation),
        _ => None,
    }
}

/// Adds `annotator` to the project's annotators if it is new.
pub fn ensure_annotator(project: &Project, annotator: &str) -> Option<Edit> {
    if annotator.is_empty() || project.annotators.contains(annotator) {
        return None;
    }
    let before = project_meta(project);
    let mut after = before.clone();
    after.annotators.insert(annotator.to_owned());
    Some(Edit::Project {
        before: Box::new(before),
        after: Box::new(after),
    })
}

/// Removes an annotation and every relation that starts or ends at it.
pub fn remove_annotation(project: &Project, id: &AnnotationId) -> Result<Edit, EditError> {
    let old = annotation(project, id)?;
    let mut edits: Vec<Edit> = project.relations_of(id).map(remove_relation_edit).collect();
    edits.push(Edit::Annotation {
        id: id.clone(),
        before: Some(Box::new(old.clone())),
        after: None,
    });
    Ok(Edit::Batch(edits))
}

/// Removes several annotations at once (one undo step).
pub fn remove_annotations(project: &Project, ids: &[AnnotationId]) -> Result<Edit, EditError> {
    let ids: std::collections::BTreeSet<&AnnotationId> = ids.iter().collect();
    let mut edits: Vec<Edit> = project
        .relations
        .values()
        .filter(|r| ids.contains(&r.from) || ids.contains(&r.to))
        .map(remove_relation_edit)
        .collect();
    for id in ids {
        edits.push(Edit::Annotation {
            id: id.clone(),
            before: Some(Box::new(annotation(project, id)?.clone())),
            after: None,
        });
    }
    Ok(Edit::Batch(edits))
}

fn remove_relation_edit(r: &Relation) -> Edit {
    Edit::Relation {
        id: r.id.clone(),
        before: Some(r.clone()),
        after: None,
    }
}

/// Gives an annotation another tag. Relations the schema no longer allows are removed with it.
pub fn retag(
    project: &Project,
    id: &AnnotationId,
    tag: &TagId,
    now: Timestamp,
) -> Result<Edit, EditError> {
    retag_all(project, std::slice::from_ref(id), tag, now)
}

/// Gives several annotations one tag (one undo step).
pub fn retag_all(
    project: &Project,
    ids: &[AnnotationId],
    tag: &TagId,
    now: Timestamp,
) -> Result<Edit, EditError> {
    tag_exists(project, tag)?;
    let ids: Vec<AnnotationId> = ids
        .iter()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .cloned()
        .collect();
    let ids = ids.as_slice();
    let mut edits = Vec::new();
    for id in ids {
        // Values the new tag does not declare (a stance on what is now an actor) go.
        let kept = super::coding::values_kept(project, annotation(project, id)?, tag);
        edits.push(change_annotation(project, id, now, |a| {
            a.tag = tag.clone();
            a.values = kept;
        })?);
    }
    // Relations whose ends no longer fit their type go with the retag, so the project stays valid.
    let tag_after = |a: &AnnotationId| -> Option<&TagId> {
        if ids.contains(a) {
            Some(tag)
        } else {
            project.annotations.get(a).map(|x| &x.tag)
        }
    };
    for r in project
        .relations
        .values()
        .filter(|r| ids.contains(&r.from) || ids.contains(&r.to))
    {
        let allowed = match (
            project.schema.relation(&r.kind),
            tag_after(&r.from),
            tag_after(&r.to),
        ) {
            (Some(kind), Some(from), Some(to)) => kind.allows(from, to),
            _ => false,
        };
        if !allowed {
            edits.push(remove_relation_edit(r));
        }
    }
    Ok(Edit::Batch(edits))
}

/// Moves an annotation's boundaries.
pub fn resize(
    project: &Project,
    id: &AnnotationId,
    fragments: Vec<Fragment>,
    now: Timestamp,
) -> Result<Edit, EditError> {
    let old = annotation(project, id)?;
    let quote = checked_quote(document(project, &old.doc)?, &fragments)?;
    change_annotation(project, id, now, |a| {
        a.fragments = fragments;
        a.quote = quote;
    })
}

/// Sets an annotation's note.
pub fn set_note(
    project: &Project,
    id: &AnnotationId,
    note: &str,
    now: Timestamp,
) -> Result<Edit, EditError> {
    change_annotation(project, id, now, |a| a.note = note.to_owned())
}

/// Links an annotation to an entity of the registry, or unlinks it.
pub fn set_entity(
    project: &Project,
    id: &AnnotationId,
    entity: Option<&EntityId>,
    now: Timestamp,
) -> Result<Edit, EditError> {
    if let Some(e) = entity.filter(|e| !project.entities.contains_key(*e)) {
        return Err(invalid(format!("no entity {e}")));
    }
    change_annotation(project, id, now, |a| a.entity = entity.cloned())
}

/// Records a review decision.
pub fn set_review_status(
    project: &Project,
    id: &AnnotationId,
    status: ReviewStatus,
    now: Timestamp,
) -> Result<Edit, EditError> {
    change_annotation(project, id, now, |a| a.status = status)
}

/// Links two annotations of the same document with a relation the schema allows.
pub fn add_relation(
    project: &Project,
    kind: &RelationKindId,
    from: &AnnotationId,
    to: &AnnotationId,
    annotator: &str,
) -> Result<Edit, EditError> {
    let (a, b) = (annotation(project, from)?, annotation(project, to)?);
    allowed_relation(project, kind, a, b)?;
    if a.doc != b.doc {
        return Err(invalid("a relation links annotations of one document"));
    }
    if project
        .relations
        .values()
        .any(|r| &r.kind == kind && &r.from == from && &r.to == to)
    {
        return Ok(Edit::none());
    }
    let relation = Relation {
        note: Default::default(),
        values: Default::default(),
        id: RelationId(ids::fresh("r")),
        kind: kind.clone(),
        from: from.clone(),
        to: to.clone(),
        annotator: annotator.to_owned(),
        changed_by: None,
    };
    Ok(Edit::Relation {
        id: relation.id.clone(),
        before: None,
        after: Some(relation),
    })
}

/// Removes a relation.
pub fn remove_relation(project: &Project, id: &RelationId) -> Result<Edit, EditError> {
    let r = project
        .relations
        .get(id)
        .ok_or_else(|| invalid(format!("no relation {id}")))?;
    Ok(remove_relation_edit(r))
}

/// The schema's relation `kind`, if it may link `a` to `b`.
fn allowed_relation<'p>(
    project: &'p Project,
    kind: &RelationKindId,
    a: &Annotation,
    b: &Annotation,
) -> Result<&'p crate::model::RelationType, EditError> {
    let rel = project
        .schema
        .relation(kind)
        .ok_or_else(|| invalid(format!("the schema has no relation {kind}")))?;
    if !rel.allows(&a.tag, &b.tag) {
        return Err(invalid(format!(
            "{} cannot link a {} to a {}",
            rel.label, a.tag, b.tag
        )));
    }
    Ok(rel)
}

/// Gives a relation another type, which the schema must allow between its two ends; the
/// same type again changes nothing. A relation of that type between the same ends already
/// there makes this one a duplicate, and it is refused.
pub fn set_relation_kind(
    project: &Project,
    id: &RelationId,
    kind: &RelationKindId,
) -> Result<Edit, EditError> {
    let r = project
        .relations
        .get(id)
        .ok_or_else(|| invalid(format!("no relation {id}")))?;
    if &r.kind == kind {
        return Ok(Edit::none());
    }
    let (a, b) = (annotation(project, &r.from)?, annotation(project, &r.to)?);
    let rel = allowed_relation(project, kind, a, b)?;
    if project
        .relations
        .values()
        .any(|o| &o.kind == kind && o.from == r.from && o.to == r.to)
    {
        return Err(invalid(format!(
            "these two are already linked as {}",
            rel.label
        )));
    }
    let mut after = r.clone();
    after.kind = kind.clone();
    // Values the new type does not declare (or allow) go, as a retag's do.
    after.values.retain(|attr, v| {
        rel.attribute(attr)
            .is_some_and(|d| super::codes::refuse_value(d, v, &project.codebooks).is_none())
    });
    Ok(Edit::Relation {
        id: id.clone(),
        before: Some(r.clone()),
        after: Some(after),
    })
}

/// Adds an entity to the registry, or replaces the one with the same id.
pub fn put_entity(project: &Project, entity: Entity) -> Result<Edit, EditError> {
    if entity.name.trim().is_empty() {
        return Err(invalid("an entity needs a name"));
    }
    let before = project.entities.get(&entity.id).cloned();
    if before.as_ref() == Some(&entity) {
        return Ok(Edit::none());
    }
    Ok(Edit::Entity {
        id: entity.id.clone(),
        before,
        after: Some(entity),
    })
}

/// Merges entity `gone` into `keep`: its mentions point to `keep`, its name and aliases become
/// aliases of `keep`, and `gone` leaves the registry.
pub fn merge_entities(
    project: &Project,
    keep: &EntityId,
    gone: &EntityId,
    now: Timestamp,
) -> Result<Edit, EditError> {
    let missing = |id: &EntityId| invalid(format!("no entity {id}"));
    let kept = project.entities.get(keep).ok_or_else(|| missing(keep))?;
    let removed = project.entities.get(gone).ok_or_else(|| missing(gone))?;
    if keep == gone {
        return Ok(Edit::none());
    }
    let mut merged = kept.clone();
    for alias in std::iter::once(&removed.name).chain(&removed.aliases) {
        if alias != &merged.name && !merged.aliases.contains(alias) {
            merged.aliases.push(alias.clone());
        }
    }
    let mut edits = vec![put_entity(project, merged)?];
    for a in project
        .annotations
        .values()
        .filter(|a| a.entity.as_ref() == Some(gone))
    {
        edits.push(change_annotation(project, &a.id, now, |a| {
            a.entity = Some(keep.clone())
        })?);
    }
    edits.push(Edit::Entity {
        id: gone.clone(),
        before: Some(removed.clone()),
        after: None,
    });
    Ok(Edit::Batch(edits))
}

/// Removes an entity; its mentions are unlinked, not removed.
pub fn remove_entity(project: &Project, id: &EntityId, now: Timestamp) -> Result<Edit, EditError> {
    let entity = project
        .entities
        .get(id)
        .ok_or_else(|| invalid(format!("no entity {id}")))?;
    let mut edits = Vec::new();
    for a in project
        .annotations
        .values()
        .filter(|a| a.entity.as_ref() == Some(id))
    {
        edits.push(change_annotation(project, &a.id, now, |a| a.entity = None)?);
    }
    edits.push(Edit::Entity {
        id: id.clone(),
        before: Some(entity.clone()),
        after: None,
    });
    Ok(Edit::Batch(edits))
}

/// Adds a document at the end of the list.
pub fn add_document(project: &Project, doc: Document) -> Result<Edit, EditError> {
    if project.document(&doc.id).is_some() {
        return Err(invalid(format!(
            "a document {} is already in the project",
            doc.id
        )));
    }
    Ok(Edit::Document {
        index: project.documents.len(),
        before: None,
        after: Some(Box::new(doc)),
    })
}

/// Removes a document with its annotations, their relations and the decisions on it.
pub fn remove_document(project: &Project, id: &DocId) -> Result<Edit, EditError> {
    let index = project
        .document_index(id)
        .ok_or_else(|| invalid(format!("no document {id}")))?;
    let ids: Vec<AnnotationId> = project
        .annotations
        .values()
        .filter(|a| &a.doc == id)
        .map(|a| a.id.clone())
        .collect();
    let mut edits = vec![remove_annotations(project, &ids)?];
    edits.extend(
        project
            .decisions
            .values()
            .filter(|d| &d.doc == id)
            .map(|d| Edit::Decision {
                id: d.id.clone(),
                before: Some(Box::new(d.clone())),
                after: None,
            }),
    );
    let doc = project.documents.get(index).cloned().map(Box::new);
    edits.push(Edit::Document {
        index,
        before: doc,
        after: None,
    });
    Ok(Edit::Batch(edits))
}

/// Changes a document's metadata.
pub fn set_document_meta(
    project: &Project,
    id: &DocId,
    meta: DocumentMeta,
) -> Result<Edit, EditError> {
    let doc = document(project, id)?;
    if let Some(date) = meta
        .published
        .as_deref()
        .filter(|d| !is_partial_iso_date(d))
    {
        return Err(invalid(format!(
            "published {date:?} is not a date like 2023-04-11, 2023-04 or 2023"
        )));
    }
    for (var, value) in &meta.variables {
        let declared = project
            .schema
            .variable(var)
            .ok_or_else(|| invalid(format!("the project has no article variable {var}")))?;
        if let Some(why) = declared.kind.refuse(value) {
            return Err(invalid(format!("{}: {why}", declared.label)));
        }
    }
    if doc.meta == meta {
        return Ok(Edit::none());
    }
    Ok(Edit::DocumentMeta {
        doc: id.clone(),
        before: Box::new(doc.meta.clone()),
        after: Box::new(meta),
    })
}

/// Replaces the schema as a whole (colours, labels, keys, order, definitions). Tag and
/// relation ids that annotations use must stay: use [`rename_tag`] to change one.
pub fn set_schema(project: &Project, schema: Schema) -> Result<Edit, EditError> {
    check_schema(&schema)?;
    super::coding::check_definitions(&schema, project)?;
    // The project fits its schema (every load and edit checks that), so only what the new
    // schema takes away or changes needs the annotations and relations walked: a colour,
    // label, key or definition changed, or a tag added, is answered without them.
    let tags_kept = project
        .schema
        .tags
        .iter()
        .all(|t| schema.tag(&t.id).is_some());
    let relations_same = schema.relations == project.schema.relations;
    // (`take(0)`, not a filter: a filter that refuses everything still walks the map.)
    let relations_to_check = if relations_same { 0 } else { usize::MAX };
    let annotations_to_check = if tags_kept { 0 } else { usize::MAX };
    for r in project.relations.values().take(relations_to_check) {
        let ends = (
            project.annotations.get(&r.from),
            project.annotations.get(&r.to),
        );
        let allowed = match (schema.relation(&r.kind), ends) {
            (Some(kind), (Some(from), Some(to))) => kind.allows(&from.tag, &to.tag),
            _ => false,
        };
        if !allowed {
            return Err(invalid(format!(
                "relation {} would no longer fit its type {}",
                r.id, r.kind
            )));
        }
    }
    for a in project.annotations.values().take(annotations_to_check) {
        if schema.tag(&a.tag).is_none() {
            return Err(invalid(format!(
                "tag {} is still used by annotation {}",
                a.tag, a.id
            )));
        }
    }
    for r in project.relations.values().take(relations_to_check) {
        if schema.relation(&r.kind).is_none() {
            return Err(invalid(format!(
                "relation type {} is still used by relation {}",
                r.kind, r.id
            )));
        }
    }
    if schema == project.schema {
        return Ok(Edit::none());
    }
    let attributes_same = schema.variables == project.schema.variables
        && schema.tags.iter().all(|t| {
            project
                .schema
                .tag(&t.id)
                .is_some_and(|o| o.attributes == t.attributes)
        })
        && schema.relations.iter().all(|r| {
            project
                .schema
                .relation(&r.id)
                .is_some_and(|o| o.attributes == r.attributes)
        });
    if !attributes_same && let Some(why) = super::coding::refuse_schema_for_values(project, &schema)
    {
        return Err(invalid(why));
    }
    Ok(Edit::Schema {
        before: Box::new(project.schema.clone()),
        after: Box::new(schema),
    })
}

/// Checks a schema on its own: unique ids, relation types that name existing tags.
fn check_schema(schema: &Schema) -> Result<(), EditError> {
    let mut tags = std::collections::HashSet::new();
    for t in &schema.tags {
        if !tags.insert(&t.id) {
            return Err(invalid(format!("two tag types are called {}", t.id)));
        }
    }
    let mut kinds = std::collections::HashSet::new();
    for r in &schema.relations {
        if !kinds.insert(&r.id) {
            return Err(invalid(format!("two relation types are called {}", r.id)));
        }
        if let Some(t) = r.from.iter().chain(&r.to).find(|t| !tags.contains(t)) {
            return Err(invalid(format!(
                "relation type {} names tag {t}, which the schema does not have",
                r.id
            )));
        }
    }
    Ok(())
}

/// Renames a tag's id (and label): its annotations and the relation types that name it follow.
pub fn rename_tag(
    project: &Project,
    old: &TagId,
    new: &TagId,
    label: &str,
    now: Timestamp,
) -> Result<Edit, EditError> {
    tag_exists(project, old)?;
    if old != new && project.schema.tag(new).is_some() {
        return Err(invalid(format!("the schema already has a tag {new}")));
    }
    let mut schema = project.schema.clone();
    for t in schema.tags.iter_mut().filter(|t| &t.id == old) {
        t.id = new.clone();
        t.label = label.to_owned();
    }
    for r in &mut schema.relations {
        for t in r
            .from
            .iter_mut()
            .chain(r.to.iter_mut())
            .filter(|t| *t == old)
        {
            *t = new.clone();
        }
    }
    let mut edits = Vec::new();
    for a in project.annotations.values().filter(|a| &a.tag == old) {
        edits.push(change_annotation(project, &a.id, now, |a| {
            a.tag = new.clone()
        })?);
    }
    edits.push(Edit::Schema {
        before: Box::new(project.schema.clone()),
        after: Box::new(schema),
    });
    Ok(Edit::Batch(edits))
}
