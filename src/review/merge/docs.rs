//! Documents: theirs matched to mine by text, the new ones appended, and progress statuses.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::model::{DocId, DocStatus, Document, DocumentMeta, Edit, Project, REVIEWED_LAYER};

use super::ids::{IdSpace, Owner};
use super::report::{LayerReport, LayerStatus, Renamed, RenamedKind};
use super::stale::Seen;

/// Their documents against mine.
pub(super) struct Docs {
    /// Their document id → its id in the result.
    pub doc_of: HashMap<DocId, DocId>,
    /// (their index, my index) of each matched document.
    pub matched: Vec<(usize, usize)>,
    /// (their index, id in the result) of each added document.
    pub added: Vec<(usize, DocId)>,
    pub renamed: Vec<Renamed>,
}

pub(super) fn match_documents(mine: &Project, theirs: &Project, ids: &mut IdSpace<'_>) -> Docs {
    // My documents by text; copies of one text are matched in order, the same id first.
    let mut by_text: HashMap<&str, Vec<usize>> = HashMap::with_capacity(mine.documents.len());
    for (i, d) in mine.documents.iter().enumerate() {
        by_text.entry(d.text.as_str()).or_default().push(i);
    }
    let mut docs = Docs {
        doc_of: HashMap::with_capacity(theirs.documents.len()),
        matched: Vec::new(),
        added: Vec::new(),
        renamed: Vec::new(),
    };
    for (t, d) in theirs.documents.iter().enumerate() {
        let candidates = by_text.get_mut(d.text.as_str());
        let found = candidates.and_then(|c| {
            let k = c
                .iter()
                .position(|&m| mine.documents.get(m).is_some_and(|my| my.id == d.id))
                .unwrap_or(0);
            (k < c.len()).then(|| c.remove(k))
        });
        if let Some(my) = found.and_then(|m| Some((m, &mine.documents.get(m)?.id))) {
            docs.matched.push((t, my.0));
            docs.doc_of.insert(d.id.clone(), my.1.clone());
            continue;
        }
        let id = ids
            .claim(d.id.as_str(), Owner::Other)
            .map_or_else(|| d.id.clone(), DocId);
        if id != d.id {
            docs.renamed.push(Renamed {
                kind: RenamedKind::Document,
                layer: String::new(),
                from: d.id.0.clone(),
                to: id.0.clone(),
            });
        }
        docs.doc_of.insert(d.id.clone(), id.clone());
        docs.added.push((t, id));
    }
    docs
}

/// The document edits: their new documents appended, and the progress statuses of the layers
/// that come in (or are unchanged) on matched documents, with the reviews the merge makes
/// stale reopened (see [`super::stale`]). Also counts, per layer, the documents whose status
/// changes, and lists the reviews reopened.
pub(super) fn document_edits(
    mine: &Project,
    theirs: &Project,
    docs: &Docs,
    layers: &[LayerReport],
    seen: &Seen<'_>,
) -> DocEdits {
    // Layer → whether their status replaces mine (else the further along is kept).
    let rule: HashMap<&str, bool> = layers
        .iter()
        .filter(|l| l.chosen && l.status != LayerStatus::KeptYours)
        .map(|l| (l.name.as_str(), l.status == LayerStatus::New))
        .collect();
    let touched = seen.touched();
    let mut out = DocEdits::default();
    for &(t, m) in &docs.matched {
        let (Some(their), Some(my)) = (theirs.documents.get(t), mine.documents.get(m)) else {
            continue;
        };
        let mut meta = my.meta.clone();
        for (&layer, &replace) in &rule {
            let theirs_status = their.meta.status.get(layer).copied();
            let current = meta.status.get(layer).copied();
            let wanted: Option<DocStatus> = if replace {
                theirs_status
            } else {
                current.max(theirs_status)
            };
            set_status(&mut meta, layer, wanted);
        }
        // Their article variables where mine has none (mine kept where both are set).
        for (var, value) in &their.meta.variables {
            meta.variables
                .entry(var.clone())
                .or_insert_with(|| value.clone());
        }
        out.reopen_if_stale(&my.id, is_reviewed(&my.meta), &mut meta, seen, &touched);
        let layers: BTreeSet<&str> = rule.keys().copied().chain([REVIEWED_LAYER]).collect();
        for layer in layers {
            if meta.status.get(layer) != my.meta.status.get(layer) {
                *out.counts.entry(layer.to_owned()).or_default() += 1;
            }
        }
        if my.meta != meta {
            out.edits.push(Edit::DocumentMeta {
                doc: my.id.clone(),
                before: Box::new(my.meta.clone()),
                after: Box::new(meta),
            });
        }
    }
    for (k, (t, id)) in docs.added.iter().enumerate() {
        let Some(their) = theirs.documents.get(*t) else {
            continue;
        };
        let mut doc: Document = their.clone();
        doc.id = id.clone();
        doc.meta
            .status
            .retain(|layer, _| rule.contains_key(layer.as_str()));
        out.reopen_if_stale(id, false, &mut doc.meta, seen, &touched);
        for layer in doc.meta.status.keys() {
            *out.counts.entry(layer.clone()).or_default() += 1;
        }
        out.edits.push(Edit::Document {
            index: mine.documents.len() + k,
            before: None,
            after: Some(Box::new(doc)),
        });
    }
    out
}

/// What [`document_edits`] plans.
#[derive(Default)]
pub(super) struct DocEdits {
    pub edits: Vec<Edit>,
    /// Layer → how many documents' status of it changes.
    pub counts: HashMap<String, usize>,
    /// Documents whose review the merge reopened.
    pub reopened: Vec<DocId>,
}

impl DocEdits {
    /// Sets the reviewed status of `doc` back to in progress when the merge would leave it
    /// reviewed over an annotation its review has not seen: one the merge brings, or any when
    /// the merge is what raises it to reviewed.
    fn reopen_if_stale(
        &mut self,
        doc: &DocId,
        was_reviewed: bool,
        meta: &mut DocumentMeta,
        seen: &Seen<'_>,
        touched: &HashSet<DocId>,
    ) {
        if !is_reviewed(meta) {
            return;
        }
        let raised = !was_reviewed;
        if touched.contains(doc) || (raised && seen.holds_unseen(doc)) {
            set_status(meta, REVIEWED_LAYER, Some(DocStatus::InProgress));
            if !raised {
                self.reopened.push(doc.clone());
            }
        }
    }
}

fn is_reviewed(meta: &DocumentMeta) -> bool {
    meta.status.get(REVIEWED_LAYER) == Some(&DocStatus::Reviewed)
}

fn set_status(meta: &mut DocumentMeta, layer: &str, status: Option<DocStatus>) {
    match status {
        Some(s) => meta.status.insert(layer.to_owned(), s),
        None => meta.status.remove(layer),
    };
}
