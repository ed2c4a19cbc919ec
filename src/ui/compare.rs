//! The compare view's state: which annotators are compared, the current difference, the
//! options and the reason and comment of the next ruling. While it is open the article draws
//! the compared layers as bands and the differences as tints, and shows the reviewed layer as
//! its annotations; the panel's widgets are in [`super::compare_panel`], and what the
//! reviewer's actions do (stepping, the rulings: accept a side, accept all, reject, edit,
//! accept everything agreed) in the runner's `run/review.rs`.
//!
//! The differences come from [`crate::review::compare`], computed once per change of the
//! project, the document or the annotators chosen; every ruling is one edit from
//! [`crate::review::adjudicate`] applied as one undo step, so Ctrl+Z undoes it.

use std::sync::Arc;

use crate::model::DecisionReason;
use crate::review::Comparison;

/// The compare view's state while it is open.
#[derive(Default)]
pub struct CompareState {
    /// The annotators compared, in the order chosen (the first is drawn above the text).
    pub annotators: Vec<String>,
    /// Leave settled differences out of the list, the stepping and the article.
    pub hide_settled: bool,
    /// Step through agreements too. Off by default: what needs a reviewer's eye is where
    /// the annotators differ; "Accept all agreed" takes the agreements at once.
    pub step_agreements: bool,
    /// Show the reviewed result alone (the reviewed layer's annotations, no bands or tints)
    /// instead of the differences.
    pub show_result: bool,
    /// The current difference: an index into the comparison of document `doc`.
    pub(super) current: Option<usize>,
    /// The document `current` belongs to.
    pub(crate) doc: usize,
    /// The reason offered with the next ruling.
    pub reason: Option<DecisionReason>,
    /// The comment offered with the next ruling.
    pub comment: String,
    /// For a *value differs*: the annotator (by position) whose value each attribute takes.
    pub values_from: std::collections::BTreeMap<crate::model::AttributeId, usize>,
    /// The (document, difference) `values_from` was chosen for.
    pub(crate) values_for: Option<(usize, usize)>,
    /// The comparison and what it was made for: (project version, document, annotators).
    pub(crate) cache: Option<(CompareKey, Arc<Comparison>)>,
}

/// What a comparison was made for: (project version, document, annotators).
type CompareKey = (u64, usize, Vec<String>);

/// The positions of the differences listed, in order: all, or the unsettled ones; with the
/// agreements or without them.
pub(crate) fn listed(c: &Comparison, hide_settled: bool, agreements: bool) -> Vec<usize> {
    c.differences
        .iter()
        .enumerate()
        .filter(|(_, d)| !hide_settled || d.settled.is_none())
        .filter(|(_, d)| agreements || d.kind != crate::review::DiffKind::Agree)
        .map(|(i, _)| i)
        .collect()
}

impl CompareState {
    /// The current difference, when the view is on document `doc`.
    pub(super) fn current_in(&self, doc: usize) -> Option<usize> {
        (self.doc == doc).then_some(self.current).flatten()
    }

    /// The differences F8 and N step through, and the counter counts.
    pub(super) fn steps(&self, c: &Comparison) -> Vec<usize> {
        listed(c, self.hide_settled, self.step_agreements)
    }
}

/// The review's own state: the agreement panel and the compare view.
#[derive(Default)]
pub struct Review {
    /// The agreement panel: annotators chosen, the report (computed off this thread).
    pub agree: super::agree_panel::AgreeState,
    /// The compare view, while open (it takes the annotation list's place).
    pub compare: Option<CompareState>,
}

/// How many decisions an edit records.
pub(crate) fn count_decisions(edit: &crate::model::Edit) -> usize {
    match edit {
        crate::model::Edit::Decision {
            before: None,
            after: Some(_),
            ..
        } => 1,
        crate::model::Edit::Batch(edits) => edits.iter().map(count_decisions).sum(),
        _ => 0,
    }
}
