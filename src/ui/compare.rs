//! The compare view: a right-side panel to choose the annotators compared, the counts and the
//! list of the document's differences, and for the current one the reviewer's actions (accept a
//! side, accept all, reject, edit, with a reason and a comment). While it is open the article
//! draws the compared layers as bands and the differences as tints, and shows the reviewed
//! layer as its annotations.
//!
//! The differences come from [`crate::review::compare`], computed once per change of the
//! project, the document or the annotators chosen; every ruling is one edit from
//! [`crate::review::adjudicate`] applied through [`MarginaliaApp::apply`], so Ctrl+Z undoes it.

use std::sync::Arc;

use egui::{RichText, ScrollArea, Ui};

use crate::model::{ByteOffset, DecisionReason, REVIEWED_LAYER};
use crate::review::adjudicate::decision_in;
use crate::review::{Action, Comparison, DiffKind, Difference, Ruling, compare, compare_all};

use super::app::MarginaliaApp;
use super::article::TextSel;
use super::theme;

/// The compare view's state while it is open.
#[derive(Default)]
pub struct CompareState {
    /// The annotators compared, in the order chosen (the first is drawn above the text).
    pub annotators: Vec<String>,
    /// Leave settled differences out of the list, the stepping and the article.
    pub hide_settled: bool,
    /// The current difference: an index into the comparison of document `doc`.
    current: Option<usize>,
    /// The document `current` belongs to.
    doc: usize,
    /// The reason offered with the next ruling.
    pub reason: Option<DecisionReason>,
    /// The comment offered with the next ruling.
    pub comment: String,
    /// The comparison and what it was made for: (project version, document, annotators).
    cache: Option<(CompareKey, Arc<Comparison>)>,
}

/// What a comparison was made for: (project version, document, annotators).
type CompareKey = (u64, usize, Vec<String>);

/// The positions of the differences listed, in order (all, or the unsettled ones).
fn listed(c: &Comparison, hide_settled: bool) -> Vec<usize> {
    c.differences
        .iter()
        .enumerate()
        .filter(|(_, d)| !hide_settled || d.settled.is_none())
        .map(|(i, _)| i)
        .collect()
}

impl MarginaliaApp {
    /// Opens the compare view on the first two annotator layers, or closes it.
    pub(super) fn toggle_compare(&mut self) {
        if self.compare.take().is_none() {
            self.open_compare();
        }
        // The view's layers and the annotation list change with the mode.
        self.list_cache = None;
    }

    /// Opens the compare view if it is closed.
    pub(super) fn open_compare(&mut self) {
        if self.compare.is_none() {
            let annotators: Vec<String> = self
                .layers()
                .into_iter()
                .filter(|l| l != REVIEWED_LAYER)
                .take(2)
                .collect();
            self.compare = Some(CompareState {
                annotators,
                doc: self.doc,
                ..CompareState::default()
            });
            self.list_cache = None;
        }
    }

    /// The layer the article and the annotation list show: the reviewed one in compare
    /// mode, every layer otherwise.
    pub(super) fn shown_layer(&self) -> Option<&'static str> {
        self.compare.as_ref().map(|_| REVIEWED_LAYER)
    }

    /// Whether the compare view is open (for tests).
    pub fn comparing(&self) -> bool {
        self.compare.is_some()
    }

    /// The current difference of the compare view: its position in the document's list of
    /// differences (for tests).
    pub fn current_difference(&self) -> Option<usize> {
        let state = self.compare.as_ref()?;
        (state.doc == self.doc).then_some(state.current).flatten()
    }

    /// The differences of the document shown, computed once per change. `None` when the
    /// view is closed, there is no document or fewer than two annotators are chosen.
    pub(super) fn comparison(&mut self) -> Option<Arc<Comparison>> {
        let doc = self.project.documents.get(self.doc)?;
        let state = self.compare.as_mut()?;
        if state.doc != self.doc {
            state.doc = self.doc;
            state.current = None;
        }
        if state.annotators.len() < 2 {
            return None;
        }
        let key = (self.version, self.doc, state.annotators.clone());
        if let Some((k, c)) = &state.cache
            && *k == key
        {
            return Some(c.clone());
        }
        let c = Arc::new(compare(&self.project, &doc.id, &state.annotators));
        if state.current.is_some_and(|i| i >= c.differences.len()) {
            state.current = None;
        }
        state.cache = Some((key, c.clone()));
        Some(c)
    }

    /// Moves to the next (or previous) difference listed and scrolls the article to it.
    /// Opens the view if it is closed.
    pub(super) fn step_difference(&mut self, forward: bool) {
        self.open_compare();
        let Some(c) = self.comparison() else {
            self.notify("Choose two or more annotators to compare.");
            return;
        };
        let Some(state) = self.compare.as_mut() else {
            return;
        };
        let list = listed(&c, state.hide_settled);
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
    fn go_to_difference(&mut self, c: &Comparison, i: usize) {
        let Some(d) = c.differences.get(i) else {
            return;
        };
        if let Some(state) = self.compare.as_mut() {
            state.current = Some(i);
        }
        self.view.reveal(d.hull.start, true);
        self.sel = TextSel::caret(d.hull.start);
    }

    /// A click in the article at `at` makes the innermost difference there current.
    pub(super) fn compare_clicked(&mut self, at: ByteOffset) {
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
        if let (Some(i), Some(state)) = (hit, self.compare.as_mut()) {
            state.current = Some(i);
        }
    }

    /// The ruling the reviewer is about to make: who, when, the reason and comment given.
    fn ruling(&self) -> Ruling {
        let (reason, comment) = self
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
    pub(super) fn adjudicate(&mut self, action: Action) {
        let Some(c) = self.comparison() else {
            return;
        };
        let Some(index) = self.current_difference() else {
            self.notify("Choose a difference first (F8 or N steps to the next one).");
            return;
        };
        let edit = crate::review::decide(&self.project, &c, index, action, &self.ruling());
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
        };
        if !self.apply(label, edit) {
            return;
        }
        if let Some(state) = self.compare.as_mut() {
            state.comment.clear();
            state.reason = None;
        }
        if let (Action::Edit(_), Some(copy)) = (action, copy) {
            self.select(Some(copy));
            self.notify("Accepted into the reviewed layer: change it with the tag keys, Alt+arrows or by dragging its ends.");
            return;
        }
        // On to the next unsettled difference, if there is one.
        if let Some(c) = self.comparison() {
            let open: Vec<usize> = listed(&c, true);
            let next = open.iter().find(|&&i| i > index).or(open.first()).copied();
            match next {
                Some(i) => self.go_to_difference(&c, i),
                None => self.notify("Every difference in this document is settled."),
            }
        }
    }

    /// Settles every difference the annotators agree on, in the document shown or in every
    /// document, as one undoable step.
    pub(super) fn accept_agreed(&mut self, every_document: bool) {
        self.open_compare();
        let Some(c) = self.comparison() else {
            self.notify("Choose two or more annotators to compare.");
            return;
        };
        let comparisons: Vec<Comparison> = if every_document {
            compare_all(&self.project, &c.annotators)
        } else {
            vec![(*c).clone()]
        };
        let edit = crate::review::accept_agreed(&self.project, &comparisons, &self.ruling());
        if edit.as_ref().is_ok_and(|e| e.is_empty()) {
            self.notify("Nothing agreed is left to accept.");
            return;
        }
        let decided = edit.as_ref().map(count_decisions).unwrap_or_default();
        if self.apply("Accept all agreed", edit) {
            self.notify(format!("Settled {decided} agreed differences."));
        }
    }

    /// The compare panel.
    pub(super) fn compare_ui(&mut self, ui: &mut Ui) {
        ui.set_max_width(ui.available_width());
        ui.heading("Compare annotators");
        self.annotators_ui(ui);
        let Some(c) = self.comparison() else {
            ui.label(
                RichText::new(
                    "Choose two or more annotators. A colleague's layer comes in with \
                     File › Import.",
                )
                .color(theme::weak(ui.visuals())),
            );
            return;
        };
        legend_ui(ui, &c);
        if let Some(state) = self.compare.as_mut() {
            ui.checkbox(&mut state.hide_settled, "Hide settled")
                .on_hover_text("Leave settled differences out of the list, the steps and the text");
        }
        ui.separator();
        self.current_ui(ui, &c);
        ui.separator();
        if self.selected.is_some() {
            // The reviewed annotation being edited ("Edit…", or clicked in the text).
            self.inspector_ui(ui);
        }
        ui.horizontal_wrapped(|ui| {
            if ui
                .button("Accept all agreed")
                .on_hover_text("Take every span the annotators agree on in this article into the reviewed layer")
                .clicked()
            {
                self.accept_agreed(false);
            }
            if ui
                .button("Accept all agreed in every document")
                .on_hover_text("The same for every article of the project, as one step")
                .clicked()
            {
                self.accept_agreed(true);
            }
        });
        ui.separator();
        self.differences_ui(ui, &c);
    }

    /// One checkbox per annotator layer.
    fn annotators_ui(&mut self, ui: &mut Ui) {
        let layers: Vec<String> = self
            .layers()
            .into_iter()
            .filter(|l| l != REVIEWED_LAYER)
            .collect();
        let Some(state) = self.compare.as_mut() else {
            return;
        };
        ui.horizontal_wrapped(|ui| {
            ui.label("Annotators:");
            for l in &layers {
                let mut on = state.annotators.contains(l);
                if ui
                    .checkbox(&mut on, l)
                    .on_hover_text("The first chosen is drawn above the text, the others below")
                    .changed()
                {
                    if on {
                        state.annotators.push(l.clone());
                    } else {
                        state.annotators.retain(|a| a != l);
                    }
                    state.current = None;
                }
            }
        });
        if let [first, rest @ ..] = state.annotators.as_slice()
            && !rest.is_empty()
        {
            ui.label(
                RichText::new(format!(
                    "above the line: {first} · below: {}",
                    rest.join(", ")
                ))
                .small()
                .color(theme::weak(ui.visuals())),
            );
        }
    }

    /// The current difference: what each annotator has, the actions, reason and comment.
    fn current_ui(&mut self, ui: &mut Ui, c: &Comparison) {
        ui.horizontal(|ui| {
            if ui
                .button("◀ Previous")
                .on_hover_text("Previous difference (Shift+F8, P)")
                .clicked()
            {
                self.step_difference(false);
            }
            if ui
                .button("Next ▶")
                .on_hover_text("Next difference (F8, N)")
                .clicked()
            {
                self.step_difference(true);
            }
        });
        let Some((index, d)) = self
            .current_difference()
            .and_then(|i| Some((i, c.differences.get(i)?)))
        else {
            ui.label(
                RichText::new("Press F8 (or N) to go to the first difference, or click one below.")
                    .color(theme::weak(ui.visuals())),
            );
            return;
        };
        ui.label(
            RichText::new(format!(
                "Difference {} of {} · {}",
                index + 1,
                c.differences.len(),
                d.kind.label()
            ))
            .strong()
            .color(theme::diff_color(d.kind)),
        );
        for (slot, who) in c.annotators.iter().enumerate() {
            let held = d
                .sides
                .get(slot)
                .and_then(Option::as_ref)
                .and_then(|id| self.project.annotations.get(id));
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(format!("{who}:")).strong());
                match held {
                    Some(a) => {
                        let tag = self.project.schema.tag(&a.tag);
                        if let Some(t) = tag {
                            theme::swatch_ui(ui, t.color);
                        }
                        ui.label(tag.map_or(a.tag.as_str(), |t| t.label.as_str()));
                        ui.label(format!("“{}”", a.quote));
                    }
                    None => {
                        ui.weak("nothing here");
                    }
                }
            });
        }
        if let Some(decision) = d
            .settled
            .as_ref()
            .and_then(|id| self.project.decisions.get(id))
        {
            let mut text = format!(
                "Settled: {} by {}",
                decision.verdict.label(),
                decision.decided_by
            );
            if let Some(r) = decision.reason {
                text.push_str(&format!(" ({})", r.label()));
            }
            if !decision.comment.is_empty() {
                text.push_str(&format!(" — {}", decision.comment));
            }
            ui.label(RichText::new(text).strong());
            let id = decision.id.clone();
            if ui
                .button("Reopen")
                .on_hover_text("Take this decision back: its reviewed annotations go too")
                .clicked()
            {
                let edit = crate::review::reopen(&self.project, &id);
                self.apply("Reopen", edit);
            }
            return;
        }
        self.actions_ui(ui, c, d);
    }

    /// The buttons, the reason and the comment for an unsettled difference.
    fn actions_ui(&mut self, ui: &mut Ui, c: &Comparison, d: &Difference) {
        let mut action = None;
        ui.horizontal_wrapped(|ui| {
            for (slot, who) in c.annotators.iter().enumerate() {
                if matches!(d.sides.get(slot), Some(Some(_)))
                    && ui
                        .button(format!("Accept {who}"))
                        .on_hover_text(format!("Take {who}'s annotation into the reviewed layer"))
                        .clicked()
                {
                    action = Some(Action::Accept(slot));
                }
            }
            if d.sides.iter().flatten().count() > 1
                && ui
                    .button("Accept all")
                    .on_hover_text("Take every annotator's annotation")
                    .clicked()
            {
                action = Some(Action::AcceptAll);
            }
            if ui
                .button("Reject")
                .on_hover_text("Take nothing from here into the reviewed layer")
                .clicked()
            {
                action = Some(Action::Reject);
            }
            let first = d.sides.iter().position(Option::is_some);
            if let Some(first) = first
                && ui
                    .button("Edit…")
                    .on_hover_text(
                        "Take the first annotator's annotation and change it in the reviewed layer",
                    )
                    .clicked()
            {
                action = Some(Action::Edit(first));
            }
        });
        if let Some(state) = self.compare.as_mut() {
            ui.horizontal(|ui| {
                let caption = ui.label("Reason");
                let shown = state.reason.map_or("none", DecisionReason::label);
                egui::ComboBox::from_id_salt("decision reason")
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut state.reason, None, "none");
                        for r in DecisionReason::ALL {
                            ui.selectable_value(&mut state.reason, Some(r), r.label());
                        }
                    })
                    .response
                    .labelled_by(caption.id);
            });
            super::widgets::labelled(
                ui,
                "Comment",
                egui::TextEdit::singleline(&mut state.comment)
                    .hint_text("Why (optional)")
                    .desired_width(ui.available_width()),
            );
        }
        if let Some(action) = action {
            self.adjudicate(action);
        }
    }

    /// The list of differences, the current one highlighted; a click makes one current.
    fn differences_ui(&mut self, ui: &mut Ui, c: &Comparison) {
        let hide = self.compare.as_ref().is_some_and(|s| s.hide_settled);
        let rows = listed(c, hide);
        let current = self.current_difference();
        let row_height = ui
            .spacing()
            .interact_size
            .y
            .max(ui.text_style_height(&egui::TextStyle::Body))
            + ui.spacing().item_spacing.y;
        let mut clicked = None;
        ScrollArea::vertical()
            .id_salt("differences")
            .auto_shrink(false)
            .show_rows(ui, row_height, rows.len(), |ui, range| {
                for &i in rows.get(range).unwrap_or_default() {
                    let Some(d) = c.differences.get(i) else {
                        continue;
                    };
                    let text = self.difference_text(c, d);
                    ui.horizontal(|ui| {
                        kind_swatch_ui(ui, d.kind);
                        let response =
                            ui.add(egui::Button::selectable(current == Some(i), text).truncate());
                        if response.clicked() {
                            clicked = Some(i);
                        }
                    });
                }
            });
        if let Some(i) = clicked {
            self.go_to_difference(c, i);
        }
    }

    /// One line for a difference: settled mark, kind, tags, quote and who.
    fn difference_text(&self, c: &Comparison, d: &Difference) -> String {
        let mut tags: Vec<&str> = Vec::new();
        let mut who: Vec<&str> = Vec::new();
        let mut quote = "";
        for (slot, id) in d.sides.iter().enumerate() {
            let Some(a) = id.as_ref().and_then(|id| self.project.annotations.get(id)) else {
                continue;
            };
            let tag = self
                .project
                .schema
                .tag(&a.tag)
                .map_or(a.tag.as_str(), |t| t.label.as_str());
            if !tags.contains(&tag) {
                tags.push(tag);
            }
            if quote.is_empty() {
                quote = a.quote.as_str();
            }
            if let Some(name) = c.annotators.get(slot) {
                who.push(name);
            }
        }
        let mark = if d.settled.is_some() { "✔ " } else { "" };
        format!(
            "{mark}{} · {} · “{quote}” · {}",
            d.kind.label(),
            tags.join("/"),
            who.join(", ")
        )
    }
}

/// The counts of each kind with its colour, and how many are settled.
fn legend_ui(ui: &mut Ui, c: &Comparison) {
    let counts = c.counts();
    ui.horizontal_wrapped(|ui| {
        for (kind, n) in DiffKind::ALL.iter().zip(counts) {
            kind_swatch_ui(ui, *kind);
            ui.label(format!("{} {n}", kind.label()));
        }
    });
    ui.label(
        RichText::new(format!(
            "{} of {} settled",
            c.settled(),
            c.differences.len()
        ))
        .color(theme::weak(ui.visuals())),
    );
}

/// A small square in the colour of a kind of difference.
fn kind_swatch_ui(ui: &mut Ui, kind: DiffKind) {
    let size = egui::Vec2::splat(ui.text_style_height(&egui::TextStyle::Body) * 0.7);
    let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
    ui.painter().rect_filled(rect, 2.0, theme::diff_color(kind));
}

/// How many decisions an edit records.
fn count_decisions(edit: &crate::model::Edit) -> usize {
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
