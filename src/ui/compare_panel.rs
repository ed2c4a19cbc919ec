//! The compare panel's widgets: the annotators chosen, the counts per kind with their colours,
//! the current difference with the reviewer's actions (reason and comment included) and the
//! list of differences. The actions are requests; the runner's `run/review.rs` carries them
//! out.

use egui::{RichText, ScrollArea, Ui};

use crate::model::{DecisionReason, REVIEWED_LAYER};
use crate::review::{Action, Comparison, DiffKind, Difference};

use super::commands::Command;
use super::compare::{CompareState, listed};
use super::request::{Request, Requests};
use super::shared::Shared;
use super::theme;

impl CompareState {
    /// The compare panel's upper part: the annotators, the legend, the options and the
    /// current difference (`c`: the differences of the article, once two annotators are
    /// chosen). The window draws the selected annotation's details below it.
    pub(super) fn head_ui(
        &mut self,
        ui: &mut Ui,
        cx: &Shared,
        c: Option<&Comparison>,
        out: &mut Requests,
    ) {
        ui.set_max_width(ui.available_width());
        ui.heading("Compare annotators");
        self.annotators_ui(ui, cx);
        let Some(c) = c else {
            ui.label(
                RichText::new(
                    "Choose two or more annotators. A colleague's layer comes in with \
                     File › Import.",
                )
                .color(theme::weak(ui.visuals())),
            );
            return;
        };
        legend_ui(ui, c);
        {
            let state = &mut *self;
            ui.horizontal_wrapped(|ui| {
                ui.checkbox(&mut state.hide_settled, "Hide settled")
                    .on_hover_text(
                        "Leave settled differences out of the list, the steps and the text",
                    );
                ui.checkbox(&mut state.step_agreements, "Step through agreements")
                    .on_hover_text(
                        "F8 and N visit the spans the annotators agree on too (Accept all \
                         agreed takes them at once)",
                    );
            });
            let result = super::commands::Command::ToggleResult;
            ui.horizontal(|ui| {
                ui.label("Show:");
                let differences = ui.selectable_label(!state.show_result, "Differences");
                let reviewed = ui
                    .selectable_label(state.show_result, "Reviewed result")
                    .on_hover_text(format!(
                        "The reviewed layer alone, as exports take it ({})",
                        result
                            .shortcut()
                            .map(|s| super::commands::shortcut_text(ui.ctx(), &s))
                            .unwrap_or_default()
                    ));
                if differences.clicked() {
                    state.show_result = false;
                }
                if reviewed.clicked() {
                    state.show_result = true;
                }
            });
        }
        ui.separator();
        self.current_ui(ui, cx, c, out);
        ui.separator();
    }

    /// The compare panel's lower part: accepting what is agreed, and every difference.
    pub(super) fn list_ui(&mut self, ui: &mut Ui, cx: &Shared, c: &Comparison, out: &mut Requests) {
        ui.horizontal_wrapped(|ui| {
            if ui
                .button("Accept all agreed")
                .on_hover_text("Take every span the annotators agree on in this article into the reviewed layer")
                .clicked()
            {
                out.push(Request::Run(Command::AcceptAgreed));
            }
            if ui
                .button("Accept all agreed in every document")
                .on_hover_text("The same for every article of the project, as one step")
                .clicked()
            {
                out.push(Request::Run(Command::AcceptAgreedEverywhere));
            }
        });
        ui.separator();
        self.differences_ui(ui, cx, c, out);
    }

    /// One checkbox per annotator layer.
    fn annotators_ui(&mut self, ui: &mut Ui, cx: &Shared) {
        let layers: Vec<&String> = cx.layers.iter().filter(|l| *l != REVIEWED_LAYER).collect();
        let state = self;
        ui.horizontal_wrapped(|ui| {
            ui.label("Annotators:");
            for &l in &layers {
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
    fn current_ui(&mut self, ui: &mut Ui, cx: &Shared, c: &Comparison, out: &mut Requests) {
        ui.horizontal(|ui| {
            if ui
                .button("◀ Previous")
                .on_hover_text("Previous difference (Shift+F8, P)")
                .clicked()
            {
                out.push(Request::Run(Command::PrevDifference));
            }
            if ui
                .button("Next ▶")
                .on_hover_text("Next difference (F8, N)")
                .clicked()
            {
                out.push(Request::Run(Command::NextDifference));
            }
        });
        let Some((index, d)) = self
            .current_in(cx.selection.doc)
            .and_then(|i| Some((i, c.differences.get(i)?)))
        else {
            ui.label(
                RichText::new("Press F8 (or N) to go to the first difference, or click one below.")
                    .color(theme::weak(ui.visuals())),
            );
            return;
        };
        // Counted among the differences stepped through; an agreement clicked in the list
        // while agreements are not stepped through is named as one.
        let steps = self.steps(c);
        let heading = match steps.iter().position(|&i| i == index) {
            Some(k) => format!(
                "Difference {} of {} · {}",
                k + 1,
                steps.len(),
                d.kind.label()
            ),
            None => format!(
                "{} (not counted among the {} differences)",
                d.kind.label(),
                steps.len()
            ),
        };
        ui.label(
            RichText::new(heading)
                .strong()
                .color(theme::diff_color(d.kind)),
        );
        for (slot, who) in c.annotators.iter().enumerate() {
            let held = d
                .sides
                .get(slot)
                .and_then(Option::as_ref)
                .and_then(|id| cx.project().annotations.get(id));
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(format!("{who}:")).strong());
                match held {
                    Some(a) => {
                        let tag = cx.project().schema.tag(&a.tag);
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
            .and_then(|id| cx.project().decisions.get(id))
        {
            let mut text = format!(
                "Settled: {} by {}",
                decision.verdict.label(),
                decision.decided_by
            );
            if let Some(r) = decision.reason {
                text.push_str(&format!(" ({})", r.label()));
            }
            if !decision.values_from.is_empty() {
                let attributes = d
                    .annotations()
                    .next()
                    .and_then(|id| cx.project().annotations.get(id))
                    .and_then(|a| cx.project().schema.tag(&a.tag))
                    .map_or(&[][..], |t| t.attributes.as_slice());
                let parts: Vec<String> = decision
                    .values_from
                    .iter()
                    .map(|(id, who)| {
                        let label = attributes
                            .iter()
                            .find(|a| &a.id == id)
                            .map_or(id.as_str(), |a| a.label.as_str());
                        format!("{label} from {who}")
                    })
                    .collect();
                text.push_str(&format!("; {}", parts.join(", ")));
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
                let edit = crate::review::reopen(cx.project(), &id);
                out.push(Request::Edit("Reopen".into(), Box::new(edit)));
            }
            return;
        }
        if d.kind == DiffKind::Values {
            self.values_ui(ui, cx, c, (cx.selection.doc, index), d, out);
        }
        self.actions_ui(ui, c, d, out);
    }

    /// For a *value differs*: each attribute on which the annotators differ, with a choice of
    /// whose value to take, and the button that takes the chosen values.
    fn values_ui(
        &mut self,
        ui: &mut Ui,
        cx: &Shared,
        c: &Comparison,
        at: (usize, usize),
        d: &Difference,
        out: &mut Requests,
    ) {
        if self.values_for != Some(at) {
            self.values_for = Some(at);
            self.values_from.clear();
        }
        let project = cx.project();
        let held: Vec<(usize, &crate::model::Annotation)> = d
            .sides
            .iter()
            .enumerate()
            .filter_map(|(slot, id)| Some((slot, project.annotations.get(id.as_ref()?)?)))
            .collect();
        let Some(&(_, first)) = held.first() else {
            return;
        };
        let declared = project
            .schema
            .tag(&first.tag)
            .map_or(&[][..], |t| t.attributes.as_slice());
        let mut attributes: Vec<crate::model::AttributeId> =
            declared.iter().map(|a| a.id.clone()).collect();
        for (_, a) in &held {
            for id in a.values.keys() {
                if !attributes.contains(id) {
                    attributes.push(id.clone());
                }
            }
        }
        attributes.retain(|id| {
            let one = first.values.get(id);
            held.iter().any(|(_, a)| a.values.get(id) != one)
        });
        ui.label(RichText::new("Choose whose value each attribute takes:").strong());
        for id in &attributes {
            let attribute = declared.iter().find(|a| &a.id == id);
            let label = attribute.map_or(id.as_str(), |a| a.label.as_str());
            ui.horizontal_wrapped(|ui| {
                ui.label(format!("{label}:"));
                for (slot, a) in &held {
                    let who = c.annotators.get(*slot).map_or("?", String::as_str);
                    let shown = a
                        .values
                        .get(id)
                        .map(|v| {
                            let one = std::iter::once((id.clone(), v.clone())).collect();
                            crate::model::shown_values(declared, &one, &project.codebooks)
                                .into_iter()
                                .map(|s| s.text)
                                .collect::<Vec<_>>()
                                .join(", ")
                        })
                        .unwrap_or_else(|| "no value".to_owned());
                    let chosen = self.values_from.get(id) == Some(slot);
                    let response = ui
                        .add(egui::Button::selectable(chosen, format!("{who}: {shown}")))
                        .on_hover_text(format!("Take {who}'s {label}"));
                    if response.clicked() {
                        self.values_from.insert(id.clone(), *slot);
                    }
                }
            });
        }
        let ready = attributes
            .iter()
            .all(|id| self.values_from.contains_key(id));
        let button = ui
            .add_enabled(ready, egui::Button::new("Accept these values"))
            .on_hover_text(
                "Take the span and tag the annotators share, with the values chosen above",
            )
            .on_disabled_hover_text("Choose a value for every attribute above first");
        if button.clicked() {
            let from = self
                .values_from
                .iter()
                .filter(|(id, _)| attributes.contains(id))
                .map(|(id, slot)| (id.clone(), *slot))
                .collect();
            out.push(Request::Adjudicate(Action::Values(from)));
        }
    }

    /// The buttons, the reason and the comment for an unsettled difference.
    fn actions_ui(&mut self, ui: &mut Ui, c: &Comparison, d: &Difference, out: &mut Requests) {
        let mut action = None;
        ui.horizontal_wrapped(|ui| {
            for (slot, who) in c.annotators.iter().enumerate() {
                if matches!(d.sides.get(slot), Some(Some(_)))
                    && ui
                        .button(format!("Accept {who}"))
                        .on_hover_text(match slot {
                            0 | 1 => format!(
                                "Take {who}'s annotation into the reviewed layer (Alt+{})",
                                slot + 1
                            ),
                            _ => format!("Take {who}'s annotation into the reviewed layer"),
                        })
                        .clicked()
                {
                    action = Some(Action::Accept(slot));
                }
            }
            if d.sides.iter().flatten().count() > 1
                && ui
                    .button("Accept all")
                    .on_hover_text("Take every annotator's annotation (Alt+A)")
                    .clicked()
            {
                action = Some(Action::AcceptAll);
            }
            if ui
                .button("Reject")
                .on_hover_text("Take nothing from here into the reviewed layer (Alt+R)")
                .clicked()
            {
                action = Some(Action::Reject);
            }
            let first = d.sides.iter().position(Option::is_some);
            if let Some(first) = first
                && ui
                    .button("Edit…")
                    .on_hover_text(
                        "Take the first annotator's annotation and change it in the reviewed \
                         layer (Alt+E)",
                    )
                    .clicked()
            {
                action = Some(Action::Edit(first));
            }
        });
        {
            let state = &mut *self;
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
            out.push(Request::Adjudicate(action));
        }
    }

    /// The list of differences, the current one highlighted; a click makes one current.
    fn differences_ui(&mut self, ui: &mut Ui, cx: &Shared, c: &Comparison, out: &mut Requests) {
        // Every difference is listed, agreements too (greyed): clicking one reviews it.
        let rows = listed(c, self.hide_settled, true);
        let current = self.current_in(cx.selection.doc);
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
                    let text = difference_text(cx, c, d);
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
            out.push(Request::GoToDifference(i));
        }
    }
}

/// One line for a difference: settled mark, kind, tags, quote and who.
fn difference_text(cx: &Shared, c: &Comparison, d: &Difference) -> String {
    let mut tags: Vec<&str> = Vec::new();
    let mut who: Vec<&str> = Vec::new();
    let mut quote = "";
    for (slot, id) in d.sides.iter().enumerate() {
        let Some(a) = id.as_ref().and_then(|id| cx.project().annotations.get(id)) else {
            continue;
        };
        let tag = cx
            .project()
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
