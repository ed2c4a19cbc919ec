//! Edits: every change to a project is an [`Edit`] value, applied in one place, that returns
//! its own inverse. Undo is applying the inverse; history is a list of inverses.
//!
//! Each edit states what it expects to find (`before`) as well as what it leaves (`after`), so
//! a stale edit — one built against a project that has changed since — is refused instead of
//! silently overwriting work.

use super::annotation::{Annotation, Entity, Relation};
use super::codes::Codebook;
use super::decision::Decision;
use super::document::{Document, DocumentMeta};
use super::ids::{AnnotationId, CodebookId, DecisionId, DocId, EntityId, RelationId};
use super::project::{Project, SharedMap};
use super::schema::Schema;

/// Project-wide fields other than the collections.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProjectMeta {
    /// Project name.
    pub name: String,
    /// Project notes.
    pub notes: String,
    /// Known annotators.
    pub annotators: std::collections::BTreeSet<String>,
}

/// One change to a project, with what it expects to find.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    /// Adds (`before: None`), changes, or removes (`after: None`) an annotation.
    Annotation {
        /// Which annotation.
        id: AnnotationId,
        /// Expected current value.
        before: Option<Box<Annotation>>,
        /// Value left behind.
        after: Option<Box<Annotation>>,
    },
    /// Adds, changes or removes a relation.
    Relation {
        /// Which relation.
        id: RelationId,
        /// Expected current value.
        before: Option<Relation>,
        /// Value left behind.
        after: Option<Relation>,
    },
    /// Adds, changes or removes an entity.
    Entity {
        /// Which entity.
        id: EntityId,
        /// Expected current value.
        before: Option<Entity>,
        /// Value left behind.
        after: Option<Entity>,
    },
    /// Adds, changes or removes a reviewer's decision.
    Decision {
        /// Which decision.
        id: DecisionId,
        /// Expected current value.
        before: Option<Box<Decision>>,
        /// Value left behind.
        after: Option<Box<Decision>>,
    },
    /// Inserts a document at `index` (`before: None`) or removes it from there (`after: None`).
    Document {
        /// Position in the document list.
        index: usize,
        /// Expected document at `index`.
        before: Option<Box<Document>>,
        /// Document left at `index`.
        after: Option<Box<Document>>,
    },
    /// Changes a document's metadata (title, source, status …), not its text.
    DocumentMeta {
        /// Which document.
        doc: DocId,
        /// Expected current metadata.
        before: Box<DocumentMeta>,
        /// Metadata left behind.
        after: Box<DocumentMeta>,
    },
    /// Adds, changes or removes a codebook (its codes with it).
    Codebook {
        /// Which codebook.
        id: CodebookId,
        /// Expected current value.
        before: Option<Box<Codebook>>,
        /// Value left behind.
        after: Option<Box<Codebook>>,
    },
    /// Replaces the schema.
    Schema {
        /// Expected current schema.
        before: Box<Schema>,
        /// Schema left behind.
        after: Box<Schema>,
    },
    /// Changes the project's name, notes or annotator list.
    Project {
        /// Expected current values.
        before: Box<ProjectMeta>,
        /// Values left behind.
        after: Box<ProjectMeta>,
    },
    /// Several edits applied together, all or none.
    Batch(Vec<Edit>),
}

/// Why an edit could not be applied. The project is left as it was.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// The project no longer holds what the edit expected.
    #[error("the {what} changed since this edit was made")]
    Stale {
        /// What was found changed.
        what: String,
    },
    /// The edit does not make sense for this project.
    #[error("{0}")]
    Invalid(String),
}

fn stale(what: impl Into<String>) -> EditError {
    EditError::Stale { what: what.into() }
}

/// Replaces `map[id]` with `after` if it currently equals `before`.
fn swap_in_map<K: Ord + Clone + std::fmt::Display, V: PartialEq + Clone>(
    map: &mut SharedMap<K, V>,
    id: &K,
    before: &Option<V>,
    after: Option<V>,
    what: &str,
) -> Result<(), EditError> {
    if map.get(id) != before.as_ref() {
        return Err(stale(format!("{what} {id}")));
    }
    match after {
        Some(value) => map.insert(id.clone(), value),
        None => map.remove(id),
    };
    Ok(())
}

impl Edit {
    /// An edit that changes nothing.
    pub fn none() -> Edit {
        Edit::Batch(Vec::new())
    }

    /// Whether this edit changes nothing.
    pub fn is_empty(&self) -> bool {
        match self {
            Edit::Batch(edits) => edits.iter().all(Edit::is_empty),
            _ => false,
        }
    }

    /// Applies the edit to `project` and returns its inverse. On error the project is unchanged.
    pub fn apply(self, project: &mut Project) -> Result<Edit, EditError> {
        self.apply_in(project, &mut DocIds::default())
    }

    fn apply_in(self, project: &mut Project, doc_ids: &mut DocIds) -> Result<Edit, EditError> {
        Ok(match self {
            Edit::Annotation { id, before, after } => {
                let (b, a) = (before.map(|b| *b), after.map(|a| *a));
                if let Some(a) = a.as_ref().filter(|a| a.id != id) {
                    return Err(EditError::Invalid(format!(
                        "annotation {} filed as {id}",
                        a.id
                    )));
                }
                swap_in_map(&mut project.annotations, &id, &b, a.clone(), "annotation")?;
                Edit::Annotation {
                    id,
                    before: a.map(Box::new),
                    after: b.map(Box::new),
                }
            }
            Edit::Relation { id, before, after } => {
                swap_in_map(
                    &mut project.relations,
                    &id,
                    &before,
                    after.clone(),
                    "relation",
                )?;
                Edit::Relation {
                    id,
                    before: after,
                    after: before,
                }
            }
            Edit::Entity { id, before, after } => {
                swap_in_map(&mut project.entities, &id, &before, after.clone(), "entity")?;
                Edit::Entity {
                    id,
                    before: after,
                    after: before,
                }
            }
            Edit::Decision { id, before, after } => {
                let (b, a) = (before.map(|b| *b), after.map(|a| *a));
                if let Some(a) = a.as_ref().filter(|a| a.id != id) {
                    return Err(EditError::Invalid(format!(
                        "decision {} filed as {id}",
                        a.id
                    )));
                }
                swap_in_map(&mut project.decisions, &id, &b, a.clone(), "decision")?;
                Edit::Decision {
                    id,
                    before: a.map(Box::new),
                    after: b.map(Box::new),
                }
            }
            Edit::Codebook { id, before, after } => {
                let (b, a) = (before.map(|b| *b), after.map(|a| *a));
                if let Some(a) = a.as_ref().filter(|a| a.id != id) {
                    return Err(EditError::Invalid(format!(
                        "codebook {} filed as {id}",
                        a.id
                    )));
                }
                swap_in_map(&mut project.codebooks, &id, &b, a.clone(), "codebook")?;
                Edit::Codebook {
                    id,
                    before: a.map(Box::new),
                    after: b.map(Box::new),
                }
            }
            Edit::Document {
                index,
                before,
                after,
            } => {
                apply_document(project, index, before.as_deref(), after.as_deref(), doc_ids)?;
                Edit::Document {
                    index,
                    before: after,
                    after: before,
                }
            }
            Edit::DocumentMeta { doc, before, after } => {
                let document = project
                    .documents
                    .iter_mut()
                    .find(|d| d.id == doc)
                    .ok_or_else(|| stale(format!("document {doc}")))?;
                if document.meta != *before {
                    return Err(stale(format!("metadata of document {doc}")));
                }
                document.meta = (*after).clone();
                Edit::DocumentMeta {
                    doc,
                    before: after,
                    after: before,
                }
            }
            Edit::Schema { before, after } => {
                if project.schema != *before {
                    return Err(stale("schema"));
                }
                project.schema = (*after).clone();
                Edit::Schema {
                    before: after,
                    after: before,
                }
            }
            Edit::Project { before, after } => {
                if project_meta(project) != *before {
                    return Err(stale("project name, notes or annotators"));
                }
                project.name = after.name.clone();
                project.notes = after.notes.clone();
                project.annotators = after.annotators.clone();
                Edit::Project {
                    before: after,
                    after: before,
                }
            }
            Edit::Batch(edits) => {
                let mut inverses = Vec::with_capacity(edits.len());
                // Many documents added in one batch (an import) check their ids against a
                // set, not each against the whole list; batches inside share it.
                if doc_ids.0.is_none()
                    && edits.len() > 64
                    && edits
                        .iter()
                        .any(|e| matches!(e, Edit::Document { .. } | Edit::Batch(_)))
                {
                    *doc_ids = DocIds::of(project);
                }
                for edit in edits {
                    match edit.apply_in(project, doc_ids) {
                        Ok(inverse) => inverses.push(inverse),
                        Err(e) => {
                            // Roll back what this batch already did, newest first.
                            for inverse in inverses.into_iter().rev() {
                                let _ = inverse.apply(project);
                            }
                            return Err(e);
                        }
                    }
                }
                inverses.reverse();
                Edit::Batch(inverses)
            }
        })
    }
}

/// The project's name, notes and annotators as one value.
pub fn project_meta(project: &Project) -> ProjectMeta {
    ProjectMeta {
        name: project.name.clone(),
        notes: project.notes.clone(),
        annotators: project.annotators.clone(),
    }
}

/// The document ids of the project, kept for the edits of one batch; without them (`None`)
/// each check looks through the list.
#[derive(Default)]
struct DocIds(Option<std::collections::HashSet<crate::model::DocId>>);

impl DocIds {
    fn of(project: &Project) -> Self {
        DocIds(Some(
            project.documents.iter().map(|d| d.id.clone()).collect(),
        ))
    }

    fn contains(&self, project: &Project, id: &crate::model::DocId) -> bool {
        match &self.0 {
            Some(ids) => ids.contains(id),
            None => project.document(id).is_some(),
        }
    }

    fn insert(&mut self, id: &crate::model::DocId) {
        if let Some(ids) = &mut self.0 {
            ids.insert(id.clone());
        }
    }

    fn remove(&mut self, id: &crate::model::DocId) {
        if let Some(ids) = &mut self.0 {
            ids.remove(id);
        }
    }
}

fn apply_document(
    project: &mut Project,
    index: usize,
    before: Option<&Document>,
    after: Option<&Document>,
    ids: &mut DocIds,
) -> Result<(), EditError> {
    match (before, after) {
        (None, Some(doc)) => {
            if index > project.documents.len() || ids.contains(project, &doc.id) {
                return Err(stale(format!("document list (adding {})", doc.id)));
            }
            project.documents.insert(index, doc.clone());
            ids.insert(&doc.id);
        }
        (Some(doc), after) => {
            if project.documents.get(index) != Some(doc) {
                return Err(stale(format!("document {}", doc.id)));
            }
            match after {
                Some(new) => {
                    if let Some(slot) = project.documents.get_mut(index) {
                        ids.remove(&slot.id);
                        *slot = new.clone();
                        ids.insert(&new.id);
                    }
                }
                None => {
                    project.documents.remove(index);
                    ids.remove(&doc.id);
                }
            }
        }
        (None, None) => {}
    }
    Ok(())
}
