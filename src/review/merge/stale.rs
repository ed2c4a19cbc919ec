//! Reviews a merge makes stale: a document marked reviewed goes back to in progress when the
//! merge brings it an annotation its review has not seen.
//!
//! A document's review rests on its decisions. The layers it compared are those the decisions
//! name (or, in files of format version 3, their sources' layers); an annotation of such a layer is *seen* when a decision settles it as it
//! is now ([`Decision::settles`]: listed, and unchanged since). A merge reopens a reviewed document when it adds or changes
//! an unseen annotation there, or when it would raise the document to reviewed from their file
//! while the result holds an unseen one (so the reopened status stays on a second merge). A
//! document without decisions (its status set by hand) is left as it is, and so is a layer the
//! review did not compare.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

use crate::model::{Annotation, AnnotationId, Decision, DocId, Edit, Project, REVIEWED_LAYER};

/// What the decisions of the result have seen, per annotation and per document.
pub(super) struct Seen<'p> {
    mine: &'p Project,
    /// The incoming annotations, by id (their version replaces mine).
    incoming: HashMap<&'p AnnotationId, &'p Annotation>,
    /// Annotation → the decisions that list it.
    decided: HashMap<&'p AnnotationId, Vec<&'p Decision>>,
    /// Document → the layers its decisions compared.
    compared: HashMap<&'p DocId, HashSet<&'p str>>,
    /// The result's annotations of the reviewed documents, by document (made when first
    /// needed).
    by_doc: OnceCell<HashMap<&'p DocId, Vec<&'p Annotation>>>,
}

impl<'p> Seen<'p> {
    /// `annotations` and `registry` are the merge's annotation and registry edits.
    pub fn new(mine: &'p Project, annotations: &'p [Edit], registry: &'p [Edit]) -> Self {
        let incoming: HashMap<&AnnotationId, &Annotation> = annotations
            .iter()
            .filter_map(|e| match e {
                Edit::Annotation {
                    id, after: Some(a), ..
                } => Some((id, a.as_ref())),
                _ => None,
            })
            .collect();
        let theirs = registry.iter().filter_map(|e| match e {
            Edit::Decision { after: Some(d), .. } => Some(d.as_ref()),
            _ => None,
        });
        let mut seen = Seen {
            mine,
            incoming,
            decided: HashMap::new(),
            compared: HashMap::new(),
            by_doc: OnceCell::new(),
        };
        for d in mine.decisions.values().chain(theirs) {
            seen.note(d);
        }
        seen
    }

    fn note(&mut self, d: &'p Decision) {
        let layers = self.compared.entry(&d.doc).or_default();
        layers.extend(d.compared.iter().map(String::as_str));
        for s in &d.sources {
            self.decided.entry(s).or_default().push(d);
            let annotation = self
                .incoming
                .get(s)
                .copied()
                .or_else(|| self.mine.annotations.get(s));
            if let (Some(a), true) = (annotation, d.compared.is_empty()) {
                layers.insert(a.annotator.as_str());
            }
        }
    }

    /// Whether `a` lies in a layer its document's review compared and no decision has seen
    /// it as it is now.
    pub fn unseen(&self, a: &Annotation) -> bool {
        a.annotator != REVIEWED_LAYER
            && self
                .compared
                .get(&a.doc)
                .is_some_and(|layers| layers.contains(a.annotator.as_str()))
            && !self
                .decided
                .get(&a.id)
                .is_some_and(|ds| ds.iter().any(|d| d.settles(a)))
    }

    /// The documents where the merge adds or changes an unseen annotation.
    pub fn touched(&self) -> HashSet<DocId> {
        self.incoming
            .values()
            .filter(|a| self.unseen(a))
            .map(|a| a.doc.clone())
            .collect()
    }

    /// Whether `doc` holds an unseen annotation once the merge is applied.
    pub fn holds_unseen(&self, doc: &DocId) -> bool {
        if !self.compared.contains_key(doc) {
            return false;
        }
        let by_doc = self.by_doc.get_or_init(|| {
            let mut by_doc: HashMap<&DocId, Vec<&Annotation>> = HashMap::new();
            let mine = self.mine.annotations.values();
            let theirs = self.incoming.values().copied();
            let result = mine
                .map(|a| self.incoming.get(&a.id).copied().unwrap_or(a))
                .chain(theirs.filter(|a| !self.mine.annotations.contains_key(&a.id)));
            for a in result {
                if let Some((d, _)) = self.compared.get_key_value(&a.doc) {
                    by_doc.entry(*d).or_default().push(a);
                }
            }
            by_doc
        });
        by_doc
            .get(doc)
            .is_some_and(|list| list.iter().any(|a| self.unseen(a)))
    }
}
