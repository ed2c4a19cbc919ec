//! Ids for incoming items: their own where free, else a derived one that is the same on
//! every merge.

use std::collections::{HashMap, HashSet};

use crate::model::{AnnotationId, Project, RelationId, unique_doc_id};

/// What holds an id in my project.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Owner<'p> {
    Annotation(&'p str),
    Relation(&'p str),
    Other,
}

/// Every id in use, so incoming items get ids that collide with nothing (project files keep
/// one id space across every kind of item).
pub(super) struct IdSpace<'p> {
    mine: HashMap<&'p str, Owner<'p>>,
    theirs: &'p Project,
    given: HashSet<String>,
}

impl<'p> IdSpace<'p> {
    pub(super) fn new(mine: &'p Project, theirs: &'p Project) -> Self {
        let mut ids = HashMap::with_capacity(mine.annotations.len() + mine.relations.len());
        for a in mine.annotations.values() {
            ids.insert(a.id.as_str(), Owner::Annotation(a.annotator.as_str()));
        }
        for r in mine.relations.values() {
            ids.insert(r.id.as_str(), Owner::Relation(r.annotator.as_str()));
        }
        let others = mine.documents.iter().map(|d| d.id.as_str());
        let others = others
            .chain(mine.schema.tags.iter().map(|t| t.id.as_str()))
            .chain(mine.schema.relations.iter().map(|r| r.id.as_str()))
            .chain(mine.entities.keys().map(|e| e.as_str()))
            .chain(mine.decisions.keys().map(|d| d.as_str()));
        for id in others {
            ids.entry(id).or_insert(Owner::Other);
        }
        IdSpace {
            mine: ids,
            theirs,
            given: HashSet::new(),
        }
    }

    /// Whether their project uses `id` for an annotation, a relation or a document.
    fn theirs_use(&self, id: &str) -> bool {
        self.theirs
            .annotations
            .contains_key(&AnnotationId(id.to_owned()))
            || self
                .theirs
                .relations
                .contains_key(&RelationId(id.to_owned()))
            || self.theirs.documents.iter().any(|d| d.id.as_str() == id)
    }

    /// Whether an incoming item `wanted` (owned as `owner`) may take `candidate`.
    fn free(&self, candidate: &str, wanted: &str, owner: Owner<'_>) -> bool {
        (candidate == wanted || !self.theirs_use(candidate))
            && !self.given.contains(candidate)
            && self.mine.get(candidate).is_none_or(|o| {
                *o == owner && owner != Owner::Other // a layer's own item of that id
            })
    }

    /// The id an incoming item takes: `None` to keep `wanted` (free), else `wanted-layer`,
    /// `wanted-layer-2` …. Only new ids need remembering: an item keeping its own id cannot
    /// meet another, since a new id is never one of their ids.
    pub(super) fn claim(&mut self, wanted: &str, owner: Owner<'_>) -> Option<String> {
        if self.free(wanted, wanted, owner) {
            return None;
        }
        let layer = match owner {
            Owner::Annotation(l) | Owner::Relation(l) => l,
            Owner::Other => "",
        };
        let id = unique_doc_id(&format!("{wanted}-{layer}"), |c| {
            !self.free(c, wanted, owner)
        })
        .0;
        self.given.insert(id.clone());
        Some(id)
    }
}
