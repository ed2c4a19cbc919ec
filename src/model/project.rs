//! The project: everything one analyst (or a team, in layers) has coded.

use std::collections::{BTreeMap, BTreeSet};

use super::annotation::{Annotation, Entity, Relation};
use super::decision::Decision;
use super::document::Document;
use super::ids::{AnnotationId, DecisionId, DocId, EntityId, RelationId};
use super::schema::Schema;

/// A project: documents, the annotations on them, links, the actor registry and the schema.
///
/// Collections keyed by id are `BTreeMap`s so that iteration, and so every file written, is in
/// a stable order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Project {
    /// Name shown in the title bar and summaries.
    pub name: String,
    /// Free-form project notes (coding instructions, sources).
    pub notes: String,
    /// Tag and relation types.
    pub schema: Schema,
    /// Annotators known to the project (every layer, including those with no work yet).
    pub annotators: BTreeSet<String>,
    /// Documents in the order the analyst arranged them.
    pub documents: Vec<Document>,
    /// Annotations by id.
    pub annotations: BTreeMap<AnnotationId, Annotation>,
    /// Relations by id.
    pub relations: BTreeMap<RelationId, Relation>,
    /// The actor registry by id.
    pub entities: BTreeMap<EntityId, Entity>,
    /// Reviewers' decisions on differences between layers, by id.
    pub decisions: BTreeMap<DecisionId, Decision>,
}

impl Project {
    /// An empty project with the default schema.
    pub fn new(name: impl Into<String>) -> Self {
        Project {
            name: name.into(),
            ..Project::default()
        }
    }

    /// The annotator layers that hold at least one annotation, sorted.
    pub fn layers(&self) -> Vec<String> {
        let set: std::collections::BTreeSet<&str> = self
            .annotations
            .values()
            .map(|a| a.annotator.as_str())
            .collect();
        set.into_iter().map(str::to_owned).collect()
    }

    /// The document with this id.
    pub fn document(&self, id: &DocId) -> Option<&Document> {
        self.documents.iter().find(|d| &d.id == id)
    }

    /// Position of the document with this id in [`Project::documents`].
    pub fn document_index(&self, id: &DocId) -> Option<usize> {
        self.documents.iter().position(|d| &d.id == id)
    }

    /// The annotations of one document, by position.
    pub fn annotations_of(&self, doc: &DocId) -> Vec<&Annotation> {
        let mut list: Vec<_> = self
            .annotations
            .values()
            .filter(|a| &a.doc == doc)
            .collect();
        list.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        list
    }

    /// The relations that start or end at `annotation`.
    pub fn relations_of<'a>(
        &'a self,
        annotation: &'a AnnotationId,
    ) -> impl Iterator<Item = &'a Relation> + 'a {
        self.relations
            .values()
            .filter(move |r| &r.from == annotation || &r.to == annotation)
    }

    /// A document id not used yet, derived from `wanted` (see [`unique_doc_id`]).
    pub fn unused_doc_id(&self, wanted: &str) -> DocId {
        unique_doc_id(wanted, |id| {
            self.documents.iter().any(|d| d.id.as_str() == id)
        })
    }
}

/// A document id made from `wanted` (lower-case, non-alphanumerics as single dashes) for which
/// `taken` is false: `wanted`, else `wanted-2`, `wanted-3` …
pub fn unique_doc_id(wanted: &str, taken: impl Fn(&str) -> bool) -> DocId {
    let mut base: String = wanted
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    while base.contains("--") {
        base = base.replace("--", "-");
    }
    let base = base.trim_matches('-');
    let base = if base.is_empty() { "doc" } else { base };
    if !taken(base) {
        return DocId(base.to_owned());
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken(id))
        .map(DocId)
        .unwrap_or_else(|| DocId(super::ids::fresh("doc")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_ids_are_slugs_and_unique() {
        let mut p = Project::new("t");
        assert_eq!(
            p.unused_doc_id("2023 Macron: China!").as_str(),
            "2023-macron-china"
        );
        p.documents
            .push(Document::new("2023-macron-china", "t", "x"));
        assert_eq!(
            p.unused_doc_id("2023 Macron: China!").as_str(),
            "2023-macron-china-2"
        );
        assert_eq!(p.unused_doc_id("???").as_str(), "doc");
    }
}
