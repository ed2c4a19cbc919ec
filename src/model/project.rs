//! The project: everything one analyst (or a team, in layers) has coded.

use std::collections::{BTreeSet, HashMap, HashSet};

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

    /// The documents `docs` names (all when `None`), in project order, each with its
    /// annotations in `layers` by position and the relations whose two ends are both among
    /// them (in id order, with the document of the annotation they start from).
    ///
    /// One pass over the annotations and one over the relations; a relation's ends are
    /// looked up in the annotation map rather than in a set of every annotation taken, which
    /// at 190,000 annotations cost more than the rest of the grouping.
    pub fn in_layers(&self, layers: &[String], docs: Option<&[DocId]>) -> Vec<DocLayers<'_>> {
        let wanted: Option<HashSet<&DocId>> = docs.map(|d| d.iter().collect());
        let mut parts: Vec<DocLayers<'_>> = self
            .documents
            .iter()
            .filter(|d| wanted.as_ref().is_none_or(|w| w.contains(&d.id)))
            .map(|doc| DocLayers {
                doc,
                annotations: Vec::new(),
                relations: Vec::new(),
            })
            .collect();
        let index: HashMap<&DocId, usize> = parts
            .iter()
            .enumerate()
            .map(|(i, p)| (&p.doc.id, i))
            .collect();
        // Projects have a handful of layers: a scan of them is cheaper than hashing a name.
        let in_layer = |a: &Annotation| layers.contains(&a.annotator);
        let part_of = |a: &Annotation| {
            if in_layer(a) {
                index.get(&a.doc).copied()
            } else {
                None
            }
        };
        for a in self.annotations.values() {
            if let Some(part) = part_of(a).and_then(|i| parts.get_mut(i)) {
                part.annotations.push(a);
            }
        }
        for part in &mut parts {
            part.annotations
                .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        }
        for r in self.relations.values() {
            let end = |id: &AnnotationId| self.annotations.get(id).and_then(part_of);
            if let (Some(i), Some(_)) = (end(&r.from), end(&r.to))
                && let Some(part) = parts.get_mut(i)
            {
                part.relations.push(r);
            }
        }
        parts
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

/// One document with its annotations in some layers and the relations between them: see
/// [`Project::in_layers`].
#[derive(Debug)]
pub struct DocLayers<'p> {
    /// The document.
    pub doc: &'p Document,
    /// Its annotations in the layers, by start (then longest first).
    pub annotations: Vec<&'p Annotation>,
    /// Relations whose two ends are both among `annotations`, in id order.
    pub relations: Vec<&'p Relation>,
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
    fn in_layers_takes_a_relation_only_when_both_its_ends_are_taken() {
        use crate::model::{AnnotationId, RelationId};
        let (mut p, ids) = crate::model::project_from_marked(
            "[actor|Macron] said [claim|talks could start].",
            "ana",
            jiff::Timestamp::UNIX_EPOCH,
        )
        .expect("marked");
        let [actor, claim] = [&ids[0], &ids[1]].map(|id| p.annotations[id].clone());
        p.documents
            .push(Document::new("e", "Other", "Macron said so."));
        let copy = |a: &Annotation, suffix: &str, doc: &str, layer: &str| {
            let mut b = a.clone();
            b.id = AnnotationId(format!("{}-{suffix}", a.id));
            b.doc = doc.into();
            b.annotator = layer.to_owned();
            b
        };
        let ben_actor = copy(&actor, "ben", "d", "ben");
        let (e_actor, e_claim) = (copy(&actor, "e", "e", "ana"), copy(&claim, "e", "e", "ana"));
        for a in [&ben_actor, &e_actor, &e_claim] {
            p.annotations.insert(a.id.clone(), a.clone());
        }
        let link = |id: &str, from: &AnnotationId, to: &AnnotationId| Relation {
            id: RelationId(id.into()),
            kind: "said_by".into(),
            from: from.clone(),
            to: to.clone(),
            annotator: "ana".into(),
            changed_by: None,
            note: String::new(),
            values: Default::default(),
        };
        for r in [
            link("r1", &claim.id, &actor.id),
            link("r2", &claim.id, &ben_actor.id),
            link("r3", &e_claim.id, &e_actor.id),
            link("r4", &AnnotationId("gone".into()), &actor.id),
        ] {
            p.relations.insert(r.id.clone(), r);
        }
        let ids_of = |parts: &[DocLayers]| -> Vec<(String, Vec<String>, Vec<String>)> {
            parts
                .iter()
                .map(|part| {
                    (
                        part.doc.id.to_string(),
                        part.annotations.iter().map(|a| a.id.to_string()).collect(),
                        part.relations.iter().map(|r| r.id.to_string()).collect(),
                    )
                })
                .collect()
        };
        let s = |v: &[&AnnotationId]| v.iter().map(|id| id.to_string()).collect::<Vec<_>>();
        let ana = ["ana".to_owned()];
        assert_eq!(
            ids_of(&p.in_layers(&ana, None)),
            [
                ("d".into(), s(&[&actor.id, &claim.id]), vec!["r1".into()]),
                (
                    "e".into(),
                    s(&[&e_actor.id, &e_claim.id]),
                    vec!["r3".into()]
                ),
            ]
        );
        let both = ["ana".to_owned(), "ben".to_owned()];
        let only_d = [DocId::from("d")];
        let mut in_d = s(&[&actor.id, &ben_actor.id, &claim.id]);
        in_d[..2].sort();
        assert_eq!(
            ids_of(&p.in_layers(&both, Some(&only_d))),
            [("d".into(), in_d, vec!["r1".into(), "r2".into()])]
        );
        assert!(
            p.in_layers(&["cleo".to_owned()], None)[0]
                .annotations
                .is_empty()
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
