//! The summary panel: who says what under which conditions, for the article shown or the whole
//! project, from the same [`Summary`] the `summary-md` and `summary-html` exports render.
//! Clicking a claim, a speaker or a condition selects it in the article.

use egui::{Color32, RichText, ScrollArea, Sense, Ui, Vec2};

use crate::model::AnnotationId;
use crate::summary::{Claim, DocSummary, Summary};

use super::app::MarginaliaApp;
use super::theme;

/// What the panel summarises.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SummaryScope {
    /// The article shown.
    #[default]
    Article,
    /// Every article.
    Project,
}

/// The summary shown and what it was computed for: (project version, scope, layer, document).
#[derive(Default)]
pub struct SummaryCache {
    key: Option<(u64, SummaryScope, Option<String>, usize)>,
    summary: Option<Summary>,
}

/// The summary panel's own state.
#[derive(Default)]
pub struct SummaryPanel {
    /// What it summarises.
    pub scope: SummaryScope,
    /// For which layer (`None`: every layer).
    pub layer: Option<String>,
    /// The summary and what it was made for.
    pub cache: SummaryCache,
}

impl MarginaliaApp {
    /// Computes the summary for the panel's scope and layer, once per change.
    fn refresh_summary(&mut self) {
        // Blind coding: the analyst's own layer only.
        let layer = if self.blind() {
            Some(self.prefs.annotator.clone())
        } else {
            self.summary.layer.clone()
        };
        let key = (
            self.ws.version(),
            self.summary.scope,
            layer.clone(),
            self.selection.doc,
        );
        if self.summary.cache.key.as_ref() != Some(&key) {
            let layers = match &layer {
                Some(l) => vec![l.clone()],
                None => self.layers(),
            };
            let docs = match self.summary.scope {
                SummaryScope::Article => self
                    .ws
                    .project()
                    .documents
                    .get(self.selection.doc)
                    .map(|d| vec![d.id.clone()]),
                SummaryScope::Project => None,
            };
            self.summary.cache.summary =
                Some(Summary::of(self.ws.project(), &layers, docs.as_deref()));
            self.summary.cache.key = Some(key);
        }
    }

    /// The summary panel's contents.
    pub(super) fn summary_ui(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            ui.heading("Summary");
        });
        ui.horizontal(|ui| {
            ui.selectable_value(
                &mut self.summary.scope,
                SummaryScope::Article,
                "This article",
            );
            ui.selectable_value(
                &mut self.summary.scope,
                SummaryScope::Project,
                "All articles",
            );
        });
        let layers = self.layers();
        if layers.len() > 1 && !self.blind() {
            let caption = ui.label("Layer");
            let shown = self
                .summary
                .layer
                .clone()
                .unwrap_or_else(|| "every layer".into());
            egui::ComboBox::from_id_salt("summary layer")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.summary.layer, None, "every layer");
                    for l in &layers {
                        ui.selectable_value(&mut self.summary.layer, Some(l.clone()), l);
                    }
                })
                .response
                .labelled_by(caption.id);
        }
        ui.separator();
        self.refresh_summary();
        // Taken out while drawn (the panel needs `self` for clicks), then put back.
        let Some(summary) = self.summary.cache.summary.take() else {
            return;
        };
        let mut clicked: Option<AnnotationId> = None;
        ScrollArea::both()
            .id_salt("summary")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui.set_max_width(ui.available_width());
                totals_ui(ui, &summary);
                who_ui(ui, &summary);
                for doc in &summary.documents {
                    if summary.documents.len() > 1 {
                        ui.add_space(6.0);
                        ui.label(RichText::new(&doc.title).strong());
                    }
                    claims_ui(ui, &summary, doc, &mut clicked);
                    unlinked_ui(ui, &summary, doc, &mut clicked);
                }
                if summary.documents.len() > 1 {
                    heat_map_ui(ui, &summary);
                }
                progress_ui(ui, &summary);
            });
        self.summary.cache.summary = Some(summary);
        if let Some(id) = clicked {
            self.select(Some(id));
        }
    }
}

fn totals_ui(ui: &mut Ui, s: &Summary) {
    ui.label(format!(
        "{} annotations, {} relations in {} article{} (layers: {})",
        s.annotations,
        s.relations,
        s.documents.len(),
        if s.documents.len() == 1 { "" } else { "s" },
        s.layers.join(", ")
    ));
    ui.horizontal_wrapped(|ui| {
        for t in &s.tags {
            theme::swatch_ui(ui, t.color);
            ui.label(format!("{} {}", t.label, t.count));
        }
    });
}

fn who_ui(ui: &mut Ui, s: &Summary) {
    ui.collapsing(
        RichText::new(format!("Who ({} actors)", s.actors.len())).strong(),
        |ui| {
            egui::Grid::new("summary actors")
                .striped(true)
                .num_columns(3)
                .show(ui, |ui| {
                    ui.label(RichText::new("Actor").weak());
                    ui.label(RichText::new("mentions").weak());
                    ui.label(RichText::new("claims").weak());
                    ui.end_row();
                    for a in &s.actors {
                        ui.label(&a.name)
                            .on_hover_text(format!("Written as: {}", a.spellings.join(" · ")));
                        ui.label(a.mentions.to_string());
                        ui.label(a.claims.to_string());
                        ui.end_row();
                    }
                });
        },
    );
}

/// One clickable quote; its accessible name is the quote.
fn quote_link(ui: &mut Ui, quote: &str, id: &AnnotationId, clicked: &mut Option<AnnotationId>) {
    let shown = if quote.chars().count() > 90 {
        format!("“{}…”", quote.chars().take(89).collect::<String>())
    } else {
        format!("“{quote}”")
    };
    if ui
        .link(shown)
        .on_hover_text("Show in the article")
        .clicked()
    {
        *clicked = Some(id.clone());
    }
}

fn claims_ui(ui: &mut Ui, s: &Summary, doc: &DocSummary, clicked: &mut Option<AnnotationId>) {
    let heading = format!("What they claim ({})", doc.claims.len());
    egui::CollapsingHeader::new(RichText::new(heading).strong())
        .id_salt(("claims", &doc.id))
        .default_open(true)
        .show(ui, |ui| {
            for claim in &doc.claims {
                claim_ui(ui, s, claim, clicked);
            }
        });
}

fn claim_ui(ui: &mut Ui, s: &Summary, claim: &Claim, clicked: &mut Option<AnnotationId>) {
    ui.horizontal_wrapped(|ui| {
        let names: Vec<String> = claim
            .speakers
            .iter()
            .filter_map(|sp| s.actors.get(sp.actor).map(|a| a.name.clone()))
            .collect();
        let who = if names.is_empty() {
            RichText::new("(no speaker)")
                .italics()
                .color(ui.visuals().warn_fg_color)
        } else {
            RichText::new(names.join(", ")).strong()
        };
        ui.label(who);
        quote_link(ui, &claim.mention.quote, &claim.mention.id, clicked);
    });
    for c in &claim.conditions {
        ui.horizontal_wrapped(|ui| {
            ui.add_space(16.0);
            ui.label(RichText::new("if").weak());
            quote_link(ui, &c.mention.quote, &c.mention.id, clicked);
        });
    }
}

fn unlinked_ui(ui: &mut Ui, s: &Summary, doc: &DocSummary, clicked: &mut Option<AnnotationId>) {
    let silent: Vec<_> = doc.silent_actors().collect();
    let no_speaker: Vec<_> = doc.claims_without_speaker().collect();
    let n = silent.len() + no_speaker.len() + doc.unattached_conditions.len();
    egui::CollapsingHeader::new(RichText::new(format!("Left unlinked ({n})")).strong())
        .id_salt(("unlinked", &doc.id))
        .default_open(n > 0)
        .show(ui, |ui| {
            if n == 0 {
                ui.label(
                    RichText::new("Every claim has a speaker and every condition a claim.").weak(),
                );
            }
            for claim in no_speaker {
                ui.horizontal_wrapped(|ui| {
                    ui.label("Claim with no speaker:");
                    quote_link(ui, &claim.mention.quote, &claim.mention.id, clicked);
                });
            }
            for c in &doc.unattached_conditions {
                ui.horizontal_wrapped(|ui| {
                    ui.label("Condition attached to nothing:");
                    quote_link(ui, &c.quote, &c.id, clicked);
                });
            }
            for a in silent {
                if let Some(actor) = s.actors.get(a.actor) {
                    ui.label(format!("Actor who claims nothing here: {}", actor.name));
                }
            }
        });
}

/// Actors × articles: how many claims each actor makes in each article, as shaded cells.
fn heat_map_ui(ui: &mut Ui, s: &Summary) {
    egui::CollapsingHeader::new(RichText::new("Actors × articles").strong())
        .id_salt("heat map")
        .default_open(true)
        .show(ui, |ui| {
            let max = s.max_claims_in().max(1) as f32;
            let accent = theme::color(s.color_of("claim"));
            let cell = Vec2::new(22.0, 16.0);
            egui::Grid::new("summary heat map")
                .spacing(Vec2::new(2.0, 2.0))
                .show(ui, |ui| {
                    ui.label("");
                    for (i, d) in s.documents.iter().enumerate() {
                        ui.label(RichText::new((i + 1).to_string()).weak())
                            .on_hover_text(&d.title);
                    }
                    ui.end_row();
                    for (a, actor) in s.actors.iter().enumerate().filter(|(_, a)| a.claims > 0) {
                        ui.label(&actor.name);
                        for (d, doc) in s.documents.iter().enumerate() {
                            let n = s.claims_in(a, d);
                            let (rect, response) = ui.allocate_exact_size(cell, Sense::hover());
                            let fill = if n == 0 {
                                ui.visuals().faint_bg_color
                            } else {
                                accent.gamma_multiply(0.25 + 0.75 * n as f32 / max)
                            };
                            ui.painter().rect_filled(rect, 2.0, fill);
                            if n > 0 {
                                ui.painter().text(
                                    rect.center(),
                                    egui::Align2::CENTER_CENTER,
                                    n.to_string(),
                                    egui::FontId::proportional(11.0),
                                    Color32::BLACK,
                                );
                            }
                            response.on_hover_text(format!(
                                "{}: {n} claim{} in “{}”",
                                actor.name,
                                if n == 1 { "" } else { "s" },
                                doc.title
                            ));
                        }
                        ui.end_row();
                    }
                });
        });
}

fn progress_ui(ui: &mut Ui, s: &Summary) {
    ui.collapsing(RichText::new("Progress by annotator").strong(), |ui| {
        for p in &s.progress {
            let statuses: Vec<String> = p
                .documents
                .iter()
                .map(|(status, n)| format!("{n} {}", status.label()))
                .collect();
            ui.label(format!(
                "{}: {} annotations, {} relations; articles: {}",
                p.annotator,
                p.annotations,
                p.relations,
                if statuses.is_empty() {
                    "none marked".to_owned()
                } else {
                    statuses.join(", ")
                }
            ));
        }
    });
}
