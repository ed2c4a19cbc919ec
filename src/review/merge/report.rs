//! What a merge brings in, as data (`--json`) and as lines for the analyst.

use std::fmt::Write as _;

use serde::Serialize;

use crate::model::{DecisionId, DocId, EntityId, RelationId, RelationKindId, TagId};

use super::schema::TagMapped;

/// What happens to one of their layers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LayerStatus {
    /// I have no such layer: it comes in whole.
    New,
    /// Both have it, and theirs brings annotations or relations I lack, or newer versions.
    Updated,
    /// Both have it, the same.
    Unchanged,
    /// Both have it and differ, but theirs brings nothing new or newer: mine stays.
    KeptYours,
}

impl LayerStatus {
    /// Words for the analyst.
    pub fn label(self) -> &'static str {
        match self {
            LayerStatus::New => "new",
            LayerStatus::Updated => "updated",
            LayerStatus::Unchanged => "unchanged",
            LayerStatus::KeptYours => "nothing newer in theirs, yours kept",
        }
    }
}

/// One of their layers: what it is relative to mine and, if it comes in, what changes.
///
/// The counts compare their copy with mine whatever the status, so a layer left out or kept
/// shows how far the two copies differ.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LayerReport {
    /// The annotator's name.
    pub name: String,
    /// Whether it was chosen to come in.
    pub chosen: bool,
    /// New, updated, unchanged or kept.
    pub status: LayerStatus,
    /// Annotations in their copy.
    pub annotations: usize,
    /// Relations in their copy.
    pub relations: usize,
    /// Annotations theirs has and mine lacks.
    pub added: usize,
    /// Annotations both have (same id) where theirs is the newer version.
    pub changed: usize,
    /// Annotations mine has and theirs lacks: they stay (a merge never removes).
    pub removed: usize,
    /// Relations theirs has and mine lacks.
    pub relations_added: usize,
    /// Relations both have that differ (mine stays).
    pub relations_changed: usize,
    /// Relations mine has and theirs lacks (they stay).
    pub relations_removed: usize,
    /// Documents whose progress status for this layer changes.
    pub statuses: usize,
}

impl LayerReport {
    /// Whether the merge changes this layer's annotations or relations.
    pub fn comes_in(&self) -> bool {
        self.chosen && matches!(self.status, LayerStatus::New | LayerStatus::Updated)
    }
}

/// What kind of item got a new id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RenamedKind {
    /// An annotation.
    Annotation,
    /// A relation.
    Relation,
    /// A document (its id was taken by another text).
    Document,
}

impl RenamedKind {
    /// Words for the analyst.
    pub fn label(self) -> &'static str {
        match self {
            RenamedKind::Annotation => "annotation",
            RenamedKind::Relation => "relation",
            RenamedKind::Document => "document",
        }
    }
}

/// An incoming id that was already used in my project by something else, and the id it got.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Renamed {
    /// What was renamed.
    pub kind: RenamedKind,
    /// The layer it belongs to (empty for documents).
    pub layer: String,
    /// Its id in their file.
    pub from: String,
    /// Its id in the result.
    pub to: String,
}

/// Everything a merge brings in or leaves, for the preview and `marginalia merge --json`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MergeReport {
    /// Whether the merge changes anything (false: merging it again does nothing).
    pub changed: bool,
    /// Their documents found in my project (same text).
    pub documents_matched: usize,
    /// Their documents added, by their id in the result.
    pub documents_added: Vec<DocId>,
    /// Their layers, sorted by name.
    pub layers: Vec<LayerReport>,
    /// Their tags added to my schema.
    pub tags_added: Vec<TagId>,
    /// Their tags mapped to mine under another id.
    pub tags_mapped: Vec<TagMapped>,
    /// Their relation types added to my schema.
    pub relation_types_added: Vec<RelationKindId>,
    /// My relation types that now also allow the tags their relations link.
    pub relation_types_widened: Vec<RelationKindId>,
    /// Their entities added to the registry.
    pub entities_added: Vec<EntityId>,
    /// Entities both have under one id with different content: mine kept.
    pub entities_kept: Vec<EntityId>,
    /// Their decisions added.
    pub decisions_added: Vec<DecisionId>,
    /// Decisions both have under one id with different content: mine kept.
    pub decisions_kept: Vec<DecisionId>,
    /// Incoming ids already used in my project by another layer or item, and their new ids.
    pub renamed: Vec<Renamed>,
    /// Their relations not brought in because an end is not in the result (it is in a layer
    /// left out or kept as mine).
    pub relations_left_out: Vec<RelationId>,
    /// Annotations the merge adds, changes or removes, in all (for the status line).
    pub annotations_touched: usize,
    /// Documents marked reviewed that go back to in progress: the merge brings an annotation
    /// their review has not seen.
    pub reviews_reopened: Vec<DocId>,
    /// Their attributes (`tag.attribute`) and article variables added to my schema.
    pub attributes_added: Vec<String>,
    /// Attributes and variables both define under one id differently: mine kept.
    pub attributes_kept: Vec<String>,
    /// Their codebooks added.
    pub codebooks_added: Vec<crate::model::CodebookId>,
    /// Their codes added to codebooks both have.
    pub codes_added: usize,
    /// Codes (`codebook.code`) both have under one id with different content: mine kept.
    pub codes_kept: Vec<String>,
    /// Values on incoming annotations and links that the result does not allow (an
    /// attribute kept as mine with other values): left out.
    pub values_left_out: usize,
}

impl MergeReport {
    /// How many things needed a decision the analyst may want to check: ids renamed,
    /// entities and decisions kept as mine although theirs differ, relations left out and
    /// chosen layers whose copy in their file is older than mine and differs.
    pub fn conflicts(&self) -> usize {
        self.renamed.len()
            + self.attributes_kept.len()
            + self.codes_kept.len()
            + self.values_left_out
            + self.entities_kept.len()
            + self.decisions_kept.len()
            + self.relations_left_out.len()
            + self
                .layers
                .iter()
                .filter(|l| l.chosen && l.status == LayerStatus::KeptYours)
                .count()
    }

    /// The report as lines for the analyst; the last says if nothing changed.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let list = |items: &mut dyn Iterator<Item = String>| items.collect::<Vec<_>>().join(", ");
        let _ = write!(
            out,
            "documents: {} matched by text, {} added",
            self.documents_matched,
            self.documents_added.len()
        );
        if !self.documents_added.is_empty() {
            let _ = write!(
                out,
                " ({})",
                list(&mut self.documents_added.iter().map(ToString::to_string))
            );
        }
        out.push('\n');
        for l in &self.layers {
            let _ = write!(out, "layer {}: ", l.name);
            let differs = format!(
                "{} added, {} newer, {} only in yours; relations {} added, {} differ, {} only in yours",
                l.added,
                l.changed,
                l.removed,
                l.relations_added,
                l.relations_changed,
                l.relations_removed
            );
            match (l.chosen, l.status) {
                (false, status) => {
                    let _ = write!(out, "not chosen ({})", status.label());
                }
                (true, LayerStatus::New) => {
                    let _ = write!(
                        out,
                        "new: {} annotations, {} relations",
                        l.annotations, l.relations
                    );
                }
                (true, LayerStatus::Updated) => {
                    let _ = write!(out, "updated: {differs}");
                }
                (true, LayerStatus::Unchanged) => out.push_str("unchanged"),
                (true, LayerStatus::KeptYours) => {
                    let _ = write!(out, "nothing newer in theirs, yours kept ({differs})");
                }
            }
            if l.chosen && l.statuses > 0 {
                let _ = write!(out, "; progress of {} document(s)", l.statuses);
            }
            out.push('\n');
        }
        let mut line = |label: &str, items: Vec<String>| {
            if !items.is_empty() {
                let _ = writeln!(out, "{label}: {}", items.join(", "));
            }
        };
        let ids = |v: &[TagId]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
        line("tags added", ids(&self.tags_added));
        line(
            "tags mapped",
            self.tags_mapped
                .iter()
                .map(|m| format!("{} → {}", m.theirs, m.mine))
                .collect(),
        );
        let kinds = |v: &[RelationKindId]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
        line("relation types added", kinds(&self.relation_types_added));
        line(
            "relation types widened to allow their links",
            kinds(&self.relation_types_widened),
        );
        line("attributes added", self.attributes_added.clone());
        line(
            "attributes kept as yours (same id, different definition)",
            self.attributes_kept.clone(),
        );
        line(
            "codebooks added",
            self.codebooks_added
                .iter()
                .map(ToString::to_string)
                .collect(),
        );
        line("codes added", vec_of(self.codes_added, "code", "codes"));
        line(
            "codes kept as yours (same id, different content)",
            self.codes_kept.clone(),
        );
        line(
            "values left out (not allowed by your definition of their attribute)",
            vec_of(self.values_left_out, "value", "values"),
        );
        line(
            "entities added",
            vec_of(self.entities_added.len(), "entity", "entities"),
        );
        line(
            "entities kept as yours (same id, different content)",
            self.entities_kept.iter().map(ToString::to_string).collect(),
        );
        line(
            "decisions added",
            vec_of(self.decisions_added.len(), "decision", "decisions"),
        );
        line(
            "decisions kept as yours (same id, different content)",
            self.decisions_kept
                .iter()
                .map(ToString::to_string)
                .collect(),
        );
        line(
            "ids renamed (already used in your project)",
            self.renamed
                .iter()
                .map(|r| format!("{} {} → {}", r.kind.label(), r.from, r.to))
                .collect(),
        );
        line(
            "relations left out (an end is not in the result)",
            self.relations_left_out
                .iter()
                .map(ToString::to_string)
                .collect(),
        );
        line(
            "reviews reopened (new or changed annotations to review)",
            self.reviews_reopened
                .iter()
                .map(ToString::to_string)
                .collect(),
        );
        if !self.changed {
            out.push_str("nothing changed: everything in their file is already here\n");
        }
        out
    }
}

/// `["3 entities"]`, or nothing for zero.
fn vec_of(n: usize, one: &str, many: &str) -> Vec<String> {
    match n {
        0 => Vec::new(),
        1 => vec![format!("1 {one}")],
        n => vec![format!("{n} {many}")],
    }
}
