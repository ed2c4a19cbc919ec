//! What the panels show that is derived from the project, made once per version of the
//! workspace (and patched by an edit's [`Change`](crate::workspace::Change) where that is
//! cheaper than making it afresh), not every frame: the layer list, the annotations per
//! document, the annotation list of the document shown and the status bar's position text.

use std::collections::BTreeMap;

use crate::model::{DocId, Project};
use crate::workspace::{AnnotationMove, Workspace};

use super::article::TextSel;

/// The cached annotation list: what it was built for, and the ids in order.
pub type ListKey = (
    (
        usize,
        u64,
        Option<crate::model::TagId>,
        Option<Vec<String>>,
        Option<crate::search::ValueFilter>,
    ),
    std::sync::Arc<AnnotationList>,
);

/// The annotation list of the document shown, and counts for the panels, derived once per
/// change of the project rather than every frame.
#[derive(Default)]
pub struct AnnotationList {
    /// Positions in the article view's layer items (text order), under the tag filter.
    pub items: Vec<usize>,
    /// Annotations of the document per tag, by position in the schema (unfiltered).
    pub per_tag: Vec<usize>,
    /// Annotations in the document.
    pub total: usize,
    /// Annotations per document, by position in the project, for the document list.
    pub per_doc: Vec<usize>,
}

/// The caches, each with what it was made for.
#[derive(Default)]
pub struct Derived {
    /// The annotator layers with annotations (and how many each), and the version they were
    /// listed for.
    pub layers: Option<(u64, BTreeMap<String, usize>)>,
    /// Annotations per document (by position) for the layers shown, and the version and
    /// layers they were counted for; patched by an edit of annotations, not recounted.
    pub per_doc: Option<(u64, Option<Vec<String>>, Vec<usize>)>,
    /// The annotation list of the document shown: (document, version, filter) and the ids.
    pub list: Option<ListKey>,
    /// The status bar's position text and what it was counted for.
    pub position: Option<((u64, usize, TextSel), String)>,
}

impl Derived {
    /// "line 3, column 12 · 14 characters selected", counted again only when the caret,
    /// the document or the project changed (it walks the text up to the caret).
    pub fn position(&mut self, ws: &Workspace, doc: usize, sel: TextSel) -> String {
        let key = (ws.version(), doc, sel);
        if let Some((k, text)) = &self.position
            && *k == key
        {
            return text.clone();
        }
        let text = ws
            .project()
            .documents
            .get(doc)
            .map_or("", |d| d.text.as_str());
        let head = sel.head.0.min(text.len());
        let before = text.get(..head).unwrap_or_default();
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let r = sel.range();
        let chosen = text
            .get(r.start.0..r.end.0)
            .map_or(0, |s| s.chars().count());
        let shown = if chosen > 0 {
            format!("line {line}, column {column} · {chosen} characters selected")
        } else {
            format!("line {line}, column {column}")
        };
        self.position = Some((key, shown.clone()));
        shown
    }

    /// The annotator layers with annotations in the workspace's project.
    pub fn layers(&mut self, ws: &Workspace) -> Vec<String> {
        if !matches!(&self.layers, Some((version, _)) if *version == ws.version()) {
            self.layers = Some((ws.version(), ws.project().layer_counts()));
        }
        self.layers
            .as_ref()
            .map(|(_, counts)| counts.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Forgets the annotation list (the layers shown or the filter changed).
    pub fn forget_list(&mut self) {
        self.list = None;
    }

    /// Brings the layer list and the per-document counts of the version before an edit up
    /// to this version, from what the edit did to annotations (`moves`: each annotation's
    /// document and layer before and after). On a project of 180,000 annotations counting
    /// afresh took about 90 ms a tag.
    pub fn patch_counts(&mut self, project: &Project, now: u64, moves: &[AnnotationMove]) {
        let before = now - 1;
        if let Some((version, counts)) = &mut self.layers {
            // Each layer's number of annotations follows the moves; one emptied leaves the list.
            let mut consistent = *version == before;
            for (b, a) in moves
                .iter()
                .filter(|(b, a)| b.as_ref().map(|b| &b.1) != a.as_ref().map(|a| &a.1))
            {
                if !consistent {
                    break;
                }
                if let Some((_, layer)) = b {
                    match counts.get_mut(layer) {
                        Some(n) if *n > 1 => *n -= 1,
                        Some(_) => {
                            counts.remove(layer);
                        }
                        None => consistent = false,
                    }
                }
                if let Some((_, layer)) = a {
                    *counts.entry(layer.clone()).or_default() += 1;
                }
            }
            if consistent {
                *version = now;
            } else {
                self.layers = None;
            }
        }
        let Some((version, shown, counts)) = &mut self.per_doc else {
            return;
        };
        if *version != before {
            self.per_doc = None;
            return;
        }
        let counted = |layer: &str| shown.as_ref().is_none_or(|s| s.iter().any(|l| l == layer));
        // A note, an entity or a tag changed: the annotation stays where it was counted.
        let moved: Vec<&AnnotationMove> = moves.iter().filter(|(b, a)| b != a).collect();
        // Where each document is in the list: looked up one by one for a few moves, from a
        // map for many (a project-wide delete is one batch).
        let documents = &project.documents;
        let map: Option<std::collections::HashMap<&DocId, usize>> = (moved.len() > 16).then(|| {
            documents
                .iter()
                .enumerate()
                .map(|(i, d)| (&d.id, i))
                .collect()
        });
        let index = |doc: &DocId| match &map {
            Some(map) => map.get(doc).copied(),
            None => documents.iter().position(|d| &d.id == doc),
        };
        for (b, a) in moved {
            for (side, step) in [(b, -1isize), (a, 1)] {
                let Some((doc, layer)) = side else { continue };
                if !counted(layer) {
                    continue;
                }
                if let Some(n) = index(doc).and_then(|i| counts.get_mut(i)) {
                    *n = n.saturating_add_signed(step);
                }
            }
        }
        *version = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ByteOffset, Fragment, ops, project_from_marked};

    /// Patched counts after tags by two analysts and their undo equal counts made afresh;
    /// counts made for another version are dropped, not patched.
    #[test]
    fn patched_counts_equal_counts_made_afresh() {
        let project = project_from_marked(
            "[actor|Macron] said [claim|talks] must start soon",
            "ana",
            jiff::Timestamp::UNIX_EPOCH,
        )
        .unwrap()
        .0;
        let mut ws = Workspace::new(project, None);
        let mut derived = Derived::default();
        let per_doc = |p: &Project| -> Vec<usize> {
            p.documents
                .iter()
                .map(|d| p.annotations.values().filter(|a| a.doc == d.id).count())
                .collect()
        };
        assert_eq!(derived.layers(&ws), ["ana"]);
        derived.per_doc = Some((ws.version(), None, per_doc(ws.project())));
        let doc = ws.project().documents[0].id.clone();
        for who in ["noor", "ana", "noor"] {
            let at = ws.project().documents[0].text.find("soon").unwrap();
            let edit = ops::add_annotation(
                ws.project(),
                &doc,
                &"condition".into(),
                vec![Fragment::new(ByteOffset(at)..ByteOffset(at + 4))],
                who,
                jiff::Timestamp::UNIX_EPOCH,
            )
            .unwrap();
            let change = ws.apply("Tag", edit).unwrap();
            derived.patch_counts(ws.project(), ws.version(), change.moves.as_ref().unwrap());
            assert_eq!(derived.layers.as_ref().unwrap().0, ws.version(), "patched");
            assert_eq!(
                derived.layers.as_ref().unwrap().1,
                ws.project().layer_counts()
            );
            assert_eq!(derived.per_doc.as_ref().unwrap().2, per_doc(ws.project()));
        }
        for _ in 0..3 {
            let (_, change) = ws.undo().unwrap().unwrap();
            derived.patch_counts(ws.project(), ws.version(), change.moves.as_ref().unwrap());
            assert_eq!(
                derived.layers.as_ref().unwrap().1,
                ws.project().layer_counts()
            );
            assert_eq!(derived.per_doc.as_ref().unwrap().2, per_doc(ws.project()));
        }
        assert_eq!(
            derived.layers(&ws),
            ["ana"],
            "noor's emptied layer left the list"
        );
        // Counts of an older version are not patched as if they were current.
        let stale_version = ws.version();
        ws.redo().unwrap();
        let (_, change) = ws.redo().unwrap().unwrap();
        derived.patch_counts(ws.project(), ws.version(), change.moves.as_ref().unwrap());
        assert!(derived.per_doc.is_none() && derived.layers.is_none());
        assert_ne!(stale_version, ws.version());
        assert_eq!(derived.layers(&ws), ["ana", "noor"]);
    }
}
