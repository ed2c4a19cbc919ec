//! The project: everything one analyst (or a team, in layers) has coded.

use std::collections::BTreeSet;

use super::annotation::{Annotation, Entity, Relation};
use super::codes::Codebook;
use super::decision::Decision;
use super::document::Document;
use super::ids::{AnnotationId, CodebookId, DecisionId, DocId, EntityId, RelationId};
use super::schema::Schema;

/// A project: documents, the annotations on them, links, the actor registry and the schema.
///
/// Collections keyed by id are ordered maps so that iteration, and so every file written, is in
/// a stable order. They are persistent maps ([`SharedMap`]): a copy of the project shares
/// them, so an edit made while a save writes the project on another thread copies a few
/// nodes, not every annotation.
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
    pub annotations: SharedMap<AnnotationId, Annotation>,
    /// Relations by id.
    pub relations: SharedMap<RelationId, Relation>,
    /// The actor registry by id.
    pub entities: SharedMap<EntityId, Entity>,
    /// Reviewers' decisions on differences between layers, by id.
    pub decisions: SharedMap<DecisionId, Decision>,
    /// The codebooks the schema's code attributes take their codes from, by id.
    pub codebooks: SharedMap<CodebookId, Codebook>,
}

/// An ordered map whose copies share their nodes until one of them changes (a B-tree of
/// reference-counted nodes, `imbl::OrdMap`): a copy costs nothing, and a change to a copy
/// copies only the nodes on the path to what changed.
pub type SharedMap<K, V> = imbl::OrdMap<K, V>;

/// What [`SharedMap`] lacks of `BTreeMap`'s interface: `retain`, and changing every value.
pub trait SharedMapExt<K, V> {
    /// Keeps only the entries for which `keep` is true.
    fn retain(&mut self, keep: impl FnMut(&K, &V) -> bool);
    /// Calls `change` on every value, in key order (each node is copied at most once).
    fn change_each(&mut self, change: impl FnMut(&K, &mut V));
}

impl<K: Ord + Clone, V: Clone> SharedMapExt<K, V> for SharedMap<K, V> {
    fn retain(&mut self, mut keep: impl FnMut(&K, &V) -> bool) {
        let gone: Vec<K> = self
            .iter()
            .filter(|(k, v)| !keep(k, v))
            .map(|(k, _)| k.clone())
            .collect();
        for k in gone {
            self.remove(&k);
        }
    }

    fn change_each(&mut self, mut change: impl FnMut(&K, &mut V)) {
        let keys: Vec<K> = self.keys().cloned().collect();
        for k in keys {
            if let Some(v) = self.get_mut(&k) {
                change(&k, v);
            }
        }
    }
}

impl Project {
    /// An empty project with the default schema, and the empty concepts codebook its
    /// `concept` attributes take their codes from.
    pub fn new(name: impl Into<String>) -> Self {
        let concepts = Codebook {
            id: super::schema::CONCEPTS.into(),
            label: "Concepts".to_owned(),
            definition: "What claims and conditions are about.".to_owned(),
            codes: Vec::new(),
        };
        Project {
            name: name.into(),
            codebooks: SharedMap::unit(concepts.id.clone(), concepts),
            ..Project::default()
        }
    }

    /// The annotator layers that hold at least one annotation, sorted.
    pub fn layers(&self) -> Vec<String> {
        self.layer_counts().into_keys().collect()
    }

    /// How many annotations each annotator layer holds, by layer name (only layers with some).
    pub fn layer_counts(&self) -> std::collections::BTreeMap<String, usize> {
        let mut counts = std::collections::HashMap::<&str, usize>::new();
        for a in self.annotations.values() {
            *counts.entry(a.annotator.as_str()).or_default() += 1;
        }
        counts
            .into_iter()
            .map(|(layer, n)| (layer.to_owned(), n))
            .collect()
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
/// `taken` is false: `wanted`, else `wanted-2`, `wanted-3` … For many ids at once, use a
/// [`DocIdSeries`], which does not try the numbers already handed out again.
pub fn unique_doc_id(wanted: &str, taken: impl Fn(&str) -> bool) -> DocId {
    DocIdSeries::default().id(wanted, taken)
}

/// Hands out document ids as [`unique_doc_id`] does, remembering for each base the next
/// number to try: 100,000 documents all called "in" get `in`, `in-2` … `in-100000` in linear
/// time, where trying from 2 each time would take quadratic time (minutes).
#[derive(Clone, Debug, Default)]
pub struct DocIdSeries {
    next: std::collections::HashMap<String, u64>,
}

impl DocIdSeries {
    /// The id for `wanted` for which `taken` is false (the caller then counts it as taken).
    pub fn id(&mut self, wanted: &str, taken: impl Fn(&str) -> bool) -> DocId {
        let base = doc_slug(wanted);
        if !taken(&base) {
            return DocId(base);
        }
        let next = self.next.entry(base.clone()).or_insert(2);
        for _ in 0..1_000_000 {
            let id = format!("{base}-{next}");
            *next += 1;
            if !taken(&id) {
                return DocId(id);
            }
        }
        DocId(super::ids::fresh("doc"))
    }
}

/// `wanted` as spelled (a file name such as `PMID-10429004` or `Bericht_2024.1` stays the
/// name exports write), with every run of anything but letters, digits, `-`, `_` and `.` as
/// one dash, no dash or dot at the ends; "doc" when nothing is left.
fn doc_slug(wanted: &str) -> String {
    let mut slug = String::with_capacity(wanted.len());
    for c in wanted.chars() {
        if c.is_alphanumeric() || (matches!(c, '_' | '.') && !slug.is_empty()) {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with(['-', '.']) {
        slug.pop();
    }
    if slug.is_empty() {
        "doc".to_owned()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_series_of_ids_for_one_name_counts_on_without_trying_again() {
        let mut taken = std::collections::HashSet::new();
        let mut series = DocIdSeries::default();
        for n in 1..=5000 {
            let id = series.id("in", |s| taken.contains(s));
            let want = if n == 1 {
                "in".to_owned()
            } else {
                format!("in-{n}")
            };
            assert_eq!(id.as_str(), want);
            taken.insert(id.0);
        }
        // A number already used some other way is passed over; the same as one at a time.
        taken.insert("in-5002".into());
        assert_eq!(series.id("in", |s| taken.contains(s)).as_str(), "in-5001");
        taken.insert("in-5001".into());
        assert_eq!(series.id("in", |s| taken.contains(s)).as_str(), "in-5003");
        assert_eq!(
            unique_doc_id("in", |s| taken.contains(s)).as_str(),
            "in-5003"
        );
        assert_eq!(
            unique_doc_id(" -- Ünïcode?? title-- ", |_| false).as_str(),
            "Ünïcode-title"
        );
    }

    #[test]
    fn doc_ids_are_slugs_and_unique() {
        let mut p = Project::new("t");
        assert_eq!(
            p.unused_doc_id("2023 Macron: China!").as_str(),
            "2023-Macron-China"
        );
        // A file name keeps its spelling: brat's PMID-10429004, a dotted version.
        assert_eq!(p.unused_doc_id("PMID-10429004").as_str(), "PMID-10429004");
        assert_eq!(p.unused_doc_id("report_v2.1").as_str(), "report_v2.1");
        assert_eq!(p.unused_doc_id(".hidden.").as_str(), "hidden");
        p.documents
            .push(Document::new("2023-Macron-China", "t", "x"));
        assert_eq!(
            p.unused_doc_id("2023 Macron: China!").as_str(),
            "2023-Macron-China-2"
        );
        assert_eq!(p.unused_doc_id("???").as_str(), "doc");
    }
}
