//! Reviewing: opening the compare view, its differences, stepping, adjudicating and
//! accepting what is agreed; showing a span from the agreement panel.

use std::sync::Arc;

use crate::model::{AnnotationId, ByteOffset, REVIEWED_LAYER};
use crate::review::adjudicate::decision_in;
use crate::review::{Action, Comparison, Ruling, compare, compare_all};
use crate::ui::app::MarginaliaApp;
use crate::ui::article::TextSel;
use crate::ui::compare::{CompareState, count_decisions, listed};

impl MarginaliaApp {
    /// Opens the compare view on the first two annotator layers, or closes it.
    pub(crate) fn toggle_compare(&mut self) {
        if self.review.compare.take().is_none() {
            self.open_compare();
        }
        // The view's layers and the annotation list change with the mode.
        self.derived.forget_list();
    }

    /// Opens the compare view if it is closed (not while coding blind).
    pub(crate) fn open_compare(&mut self) {
        if self.blind() {
            self.notify(
                "Blind coding is on: comparing would show your colleagues' layers. Turn it off \
                 first (View › Blind coding).",
            );
            return;
        }
        if self.review.compare.is_none() {
            let annotators: Vec<String> = self
                .layers()
                .into_iter()
                .filter(|l| l != REVIEWED_LAYER)
                .take(2)
                .collect();
            self.review.compare = Some(CompareState {
                annotators,
                doc: self.selection.doc,
                ..CompareState::default()
            });
            self.derived.forget_list();
        }
    }

    /// Whether the compare view is open (for tests).
    pub fn comparing(&self) -> bool {
        self.review.compare.is_some()
    }

    /// Whether the compare view shows the reviewed result instead of the differences.
    pub fn showing_result(&self) -> bool {
        self.review.compare.as_ref().is_some_and(|s| s.show_result)
    }

    /// Switches the compare view between the differences and the reviewed result (opening
    /// it if it is closed).
    pub(crate) fn toggle_result(&mut self) {
        self.open_compare();
        if let Some(state) = self.review.compare.as_mut() {
            state.show_result = !state.show_result;
        }
    }

    /// The current difference of the compare view: its position in the document's list of
    /// differences (for tests).
    pub fn current_difference(&self) -> Option<usize> {
        let state = self.review.compare.as_ref()?;
        (state.doc == self.selection.doc)
            .then_some(state.current)
            .flatten()
    }

    /// The differences of the document shown, computed once per change. `None` when the
    /// view is closed, there is no document or fewer than two annotators are chosen.
    pub(crate) fn comparison(&mut self) -> Option<Arc<Comparison>> {
        let doc = self.ws.project().documents.get(self.selection.doc)?;
        let state = self.review.compare.as_mut()?;
        if state.doc != self.selection.doc {
            state.doc = self.selection.doc;
            state.current = None;
        }
        if state.annotators.len() < 2 {
            return None;
        }
        let key = (
            self.ws.version(),
            self.selection.doc,
            state.annotators.clone(),
        );
        if let Some((k, c)) = &state.cache
            && *k == key
        {
            return Some(c.clone());
        }
        let c = Arc::new(compare(self.ws.project(), &doc.id, &state.annotators));
        if state.current.is_some_and(|i| i >= c.differences.len()) {
            state.current = None;
        }
        state.cache = Some((key, c.clone()));
        Some(c)
    }

    /// Moves to the next (or previous) difference listed and scrolls the article to it.
    /// Opens the view if it is closed.
    pub(crate) fn step_difference(&mut self, forward: bool) {
        self.open_compare();
        if self.review.compare.is_none() {
            return; // refused, and said why (blind coding)
        }
        let Some(c) = self.comparison() else {
            self.notify("Choose two or more annotators to compare.");
            return;
        };
        let Some(state) = self.review.compare.as_mut() else {
            return;
        };
        let list = state.steps(&c);
        let next = match state.current {
            None if forward => list.first(),
            None => list.last(),
            Some(at) if forward => list.iter().find(|&&i| i > at),
            Some(at) => list.iter().rev().find(|&&i| i < at),
        }
        .copied();
        match next {
            Some(i) => self.go_to_difference(&c, i),
            None if list.is_empty() => self.notify("No differences to review here."),
            None => self.notify(if forward {
                "That was the last difference."
            } else {
                "That was the first difference."
            }),
        }
    }

    /// Makes difference `i` current and scrolls the article to it.
    pub(crate) fn go_to_difference(&mut self, c: &Comparison, i: usize) {
        let Some(d) = c.differences.get(i) else {
            return;
        };
        if let Some(state) = self.review.compare.as_mut() {
            state.current = Some(i);
            // Going to a difference is going back to the differences.
            state.show_result = false;
        }
        self.article.view.reveal(d.hull.start, true);
        self.selection.text = TextSel::caret(d.hull.start);
    }

    /// A click in the article at `at` makes the innermost difference there current.
    pub(crate) fn compare_clicked(&mut self, at: ByteOffset) {
        let Some(c) = self.comparison() else {
            return;
        };
        let hit = c
            .differences
            .iter()
            .enumerate()
            .filter(|(_, d)| d.hull.start <= at && at < d.hull.end)
            .min_by_key(|(_, d)| d.hull.end.0 - d.hull.start.0)
            .map(|(i, _)| i);
        if let (Some(i), Some(state)) = (hit, self.review.compare.as_mut()) {
            state.current = Some(i);
        }
    }

    /// The ruling the reviewer is about to make: who, when, the reason and comment given.
    pub(crate) fn ruling(&self) -> Ruling {
        let (reason, comment) = self
            .review
            .compare
            .as_ref()
            .map(|s| (s.reason, s.comment.trim().to_owned()))
            .unwrap_or_default();
        Ruling {
            reviewer: self.prefs.annotator.clone(),
            reason,
            comment,
            now: jiff::Timestamp::now(),
        }
    }

    /// Settles the current difference as `action` says, as one undoable step; then moves on
    /// to the next unsettled difference (after "Edit…": selects the reviewed copy instead).
    pub(crate) fn adjudicate(&mut self, action: Action) {
        let Some(c) = self.comparison() else {
            self.notify("Open the compare view (Ctrl+Shift+D) and choose two annotators first.");
            return;
        };
        let Some(index) = self.current_difference() else {
            self.notify("Choose a difference first (F8 or N steps to the next one).");
            return;
        };
        let edit =
            crate::review::decide(self.ws.project(), &c, index, action.clone(), &self.ruling());
        let copy = edit
            .as_ref()
            .ok()
            .and_then(decision_in)
            .and_then(|d| d.taken.first())
            .map(|(_, copy)| copy.clone());
        let label = match action {
            Action::Accept(_) => "Accept",
            Action::AcceptAll => "Accept all",
            Action::Reject => "Reject",
            Action::Edit(_) => "Accept to edit",
            Action::Values(_) => "Accept values",
        };
        if !self.apply(label, edit) {
            return;
        }
        if let Some(state) = self.review.compare.as_mut() {
            state.comment.clear();
            state.reason = None;
            state.values_from.clear();
        }
        if let (Action::Edit(_), Some(copy)) = (action, copy) {
            self.select(Some(copy));
            self.notify("Accepted into the reviewed layer: change it with the tag keys, Alt+arrows or by dragging its ends.");
            return;
        }
        // On to the next unsettled difference, if there is one.
        if let Some(c) = self.comparison() {
            let agreements = self
                .review
                .compare
                .as_ref()
                .is_some_and(|s| s.step_agreements);
            let open: Vec<usize> = listed(&c, true, agreements);
            let next = open.iter().find(|&&i| i > index).or(open.first()).copied();
            match next {
                Some(i) => self.go_to_difference(&c, i),
                None => self.notify("Every difference in this document is settled."),
            }
        }
    }

    /// "Edit…": accepts the first annotator that has an annotation in the current difference,
    /// with verdict edited, and selects the copy.
    pub(crate) fn adjudicate_edit(&mut self) {
        let first = self.comparison().and_then(|c| {
            let d = c.differences.get(self.current_difference()?)?;
            d.sides.iter().position(Option::is_some)
        });
        self.adjudicate(Action::Edit(first.unwrap_or(0)));
    }

    /// Settles every difference the annotators agree on, in the document shown or in every
    /// document, as one undoable step.
    pub(crate) fn accept_agreed(&mut self, every_document: bool) {
        self.open_compare();
        let Some(c) = self.comparison() else {
            self.notify("Choose two or more annotators to compare.");
            return;
        };
        let comparisons: Vec<Comparison> = if every_document {
            compare_all(self.ws.project(), &c.annotators)
        } else {
            vec![(*c).clone()]
        };
        let edit = crate::review::accept_agreed(self.ws.project(), &comparisons, &self.ruling());
        if edit.as_ref().is_ok_and(|e| e.is_empty()) {
            self.notify("Nothing agreed is left to accept.");
            return;
        }
        let decided = edit.as_ref().map(count_decisions).unwrap_or_default();
        if self.apply("Accept all agreed", edit) {
            self.notify(format!("Settled {decided} agreed differences."));
        }
    }

    /// Shows an annotation from the span list in its article, selected, switching the layer
    /// shown to its annotator's when the article does not show that layer.
    pub(crate) fn open_span(&mut self, id: AnnotationId) {
        let Some(layer) = self
            .ws
            .project()
            .annotations
            .get(&id)
            .map(|a| a.annotator.clone())
        else {
            return;
        };
        let hidden = self
            .shown_layers()
            .is_some_and(|shown| !shown.contains(&layer));
        if hidden && self.review.compare.is_none() {
            self.shown_layer.choice = crate::ui::layer_choice::ShownLayer::One(layer.clone());
            self.derived.forget_list();
            self.notify(format!("Showing {layer}'s layer."));
        }
        self.select(Some(id));
    }
}
