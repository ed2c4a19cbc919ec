//! The summary panel: who says what under which conditions, for the article shown or the whole
//! project, from the same [`Summary`] the `summary-md` and `summary-html` exports render.
//! Clicking a claim, a speaker or a condition selects it in the article.
//!
//! # Which layer
//! The panel takes layers as the datasets do and never adds them up unless asked. By default
//! it follows the article: the layer the toolbar's *Layer shown* names (without the analyst's
//! own, which the article adds beside it: a summary of two layers would count every span the
//! analysts agree on twice). Where the article shows every layer (the toolbar's "all layers",
//! or the compare view), it takes the reviewed layer if there is one, else the only layer,
//! else it summarises nothing and lists the layers to choose from. Its own *Layer* choice
//! picks one layer instead, or "every layer (added up)", the one way to add layers up. Under
//! blind coding it takes the analyst's own layer only.

use egui::{Color32, RichText, ScrollArea, Sense, Ui, Vec2};

use crate::model::{AnnotationId, REVIEWED_LAYER};
use crate::summary::{Claim, DocSummary, Summary};

use super::request::Request;
use super::theme;
use crate::workspace::Workspace;

/// What the panel summarises.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SummaryScope {
    /// The article shown.
    #[default]
    Article,
    /// Every article.
    Project,
}

/// Which layers the panel summarises.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum SummaryLayer {
    /// The layer the article shows, else the datasets' rule (see the module docs).
    #[default]
    Shown,
    /// This layer (while it exists; then as [`SummaryLayer::Shown`]).
    One(String),
    /// Every layer, added up: asked for, never by default.
    Every,
}

/// The summary shown and what it was computed for: (project version, scope, layers,
/// document).
#[derive(Default)]
pub struct SummaryCache {
    key: Option<(u64, SummaryScope, Vec<String>, usize)>,
    summary: Option<Summary>,
}

/// The summary panel's own state.
#[derive(Default)]
pub struct SummaryPanel {
    /// What it summarises.
    pub scope: SummaryScope,
    /// For which layers.
    pub layer: SummaryLayer,
    /// The summary and what it was made for.
    pub cache: SummaryCache,
}

/// What the summary panel reads.
pub struct SummaryInput<'a> {
    /// The project and its version.
    pub ws: &'a Workspace,
    /// The document shown.
    pub doc: usize,
    /// The annotator layers with annotations.
    pub layers: &'a [String],
    /// Under blind coding, the analyst's own layer: the only one summarised or offered.
    pub blind: Option<&'a str>,
    /// The layer the article shows, as the toolbar's *Layer shown* names it (without the
    /// analyst's own); `None` where it shows every layer.
    pub shown: Option<&'a str>,
}

/// The layers summarised for `choice`, by the rule of the module docs; `None`: there are
/// several and nothing says which, so the analyst chooses.
pub fn summary_layers(choice: &SummaryLayer, input: &SummaryInput) -> Option<Vec<String>> {
    let layers = input.layers;
    let exists = |l: &str| layers.iter().any(|x| x == l);
    if let Some(own) = input.blind {
        return Some(vec![own.to_owned()]);
    }
    match choice {
        SummaryLayer::Every => return Some(layers.to_vec()),
        SummaryLayer::One(l) if exists(l) => return Some(vec![l.clone()]),
        SummaryLayer::One(_) | SummaryLayer::Shown => {}
    }
    if let Some(l) = input.shown.filter(|l| exists(l)) {
        Some(vec![l.to_owned()])
    } else if exists(REVIEWED_LAYER) {
        Some(vec![REVIEWED_LAYER.to_owned()])
    } else if layers.len() <= 1 {
        Some(layers.to_vec())
    } else {
        None
    }
}

impl SummaryPanel {
    /// Computes the summary for the panel's scope and `layers`, once per change.
    fn refresh(&mut self, input: &SummaryInput, layers: Vec<String>) {
        let key = (input.ws.version(), self.scope, layers, input.doc);
        if self.cache.key.as_ref() != Some(&key) {
            let layers = &key.2;
            let project = input.ws.project();
            let docs = match self.scope {
                SummaryScope::Article => {
                    project.documents.get(input.doc).map(|d| vec![d.id.clone()])
                }
                SummaryScope::Project => None,
            };
            self.cache.summary = Some(Summary::of(project, layers, docs.as_deref()));
            self.cache.key = Some(key);
        }
    }

    /// The panel's contents; a click on a claim, a speaker or a condition asks for it to be
    /// selected.
    pub fn ui(&mut self, ui: &mut Ui, input: &SummaryInput, out: &mut Vec<Request>) {
        ui.horizontal(|ui| {
            ui.heading("Summary");
        });
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.scope, SummaryScope::Article, "This article");
            ui.selectable_value(&mut self.scope, SummaryScope::Project, "All articles");
        });
        if input.layers.len() > 1 && input.blind.is_none() {
            self.layer_ui(ui, input);
        }
        ui.separator();
        let Some(layers) = summary_layers(&self.layer, input) else {
            self.choose_ui(ui, input);
            return;
        };
        self.refresh(input, layers);
        let Some(summary) = &self.cache.summary else {
            return;
        };
        let mut clicked: Option<AnnotationId> = None;
        ScrollArea::both()
            .id_salt("summary")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui.set_max_width(ui.available_width());
                totals_ui(ui, summary);
                who_ui(ui, summary);
                for doc in &summary.documents {
                    if summary.documents.len() > 1 {
                        ui.add_space(6.0);
                        ui.label(RichText::new(&doc.title).strong());
                    }
                    claims_ui(ui, summary, doc, &mut clicked);
                    unlinked_ui(ui, summary, doc, &mut clicked);
                }
                if summary.documents.len() > 1 {
                    heat_map_ui(ui, summary);
                }
                progress_ui(ui, summary);
            });
        if let Some(id) = clicked {
            out.push(Request::Select(Some(id)));
        }
    }
}

impl SummaryPanel {
    /// The panel's *Layer* choice: the layer shown, one layer, or every layer added up.
    fn layer_ui(&mut self, ui: &mut Ui, input: &SummaryInput) {
        let shown = match input.shown {
            Some(l) => format!("layer shown ({l})"),
            None => "layer shown".to_owned(),
        };
        let every = "every layer (added up)";
        let text = match &self.layer {
            SummaryLayer::Shown => shown.clone(),
            SummaryLayer::One(l) => l.clone(),
            SummaryLayer::Every => every.to_owned(),
        };
        ui.horizontal(|ui| {
            let caption = ui.label("Layer");
            egui::ComboBox::from_id_salt("summary layer")
                .selected_text(text)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.layer, SummaryLayer::Shown, shown);
                    for l in input.layers {
                        ui.selectable_value(&mut self.layer, SummaryLayer::One(l.clone()), l);
                    }
                    ui.selectable_value(&mut self.layer, SummaryLayer::Every, every);
                })
                .response
                .on_hover_text(
                    "Whose annotations the summary counts: one layer, as exports take it \
                     (every layer adds up each analyst's copy of a span)",
                )
                .labelled_by(caption.id);
        });
    }

    /// Several layers, none shown alone and none reviewed: the layers to choose from.
    fn choose_ui(&mut self, ui: &mut Ui, input: &SummaryInput) {
        ui.label(format!(
            "The project has several layers ({}) and the article shows them all. \
             Choose the layer to summarise:",
            input.layers.join(", ")
        ));
        ui.horizontal_wrapped(|ui| {
            for l in input.layers {
                if ui
                    .button(l)
                    .on_hover_text(format!("Summarise {l}'s annotations"))
                    .clicked()
                {
                    self.layer = SummaryLayer::One(l.clone());
                }
            }
        });
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

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;

    use super::*;
    use crate::model::{RelationKindId, project_from_marked};

    /// The panel alone, on a workspace, with no window around it: it lists the claim under
    /// its speaker, and a click on the claim asks for it to be selected, changing nothing
    /// itself.
    #[test]
    fn a_click_on_a_claim_asks_for_it_to_be_selected() {
        let (mut project, ids) = project_from_marked(
            "[actor|Macron] said [claim|talks must start] if [condition|Kyiv agrees]",
            "ana",
            jiff::Timestamp::UNIX_EPOCH,
        )
        .unwrap();
        let said = crate::model::ops::add_relation(
            &project,
            &RelationKindId("said_by".into()),
            &ids[1],
            &ids[0],
            "ana",
        )
        .unwrap();
        said.apply(&mut project).unwrap();
        let ws = Workspace::new(project, None);
        let before = ws.version();
        let state = (SummaryPanel::default(), ws, Vec::<Request>::new());
        let mut harness = Harness::builder()
            .with_size(egui::Vec2::new(420.0, 600.0))
            .with_context_setup(crate::ui::install_fonts)
            .build_ui_state(
                |ui, (panel, ws, out): &mut (SummaryPanel, Workspace, Vec<Request>)| {
                    let layers = vec!["ana".to_owned()];
                    let input = SummaryInput {
                        ws,
                        doc: 0,
                        layers: &layers,
                        blind: None,
                        shown: None,
                    };
                    panel.ui(ui, &input, out);
                },
                state,
            );
        harness.run_steps(3);
        harness.get_by_label("Macron");
        harness.get_by_label("“talks must start”").click();
        harness.run_steps(2);
        let (_, ws, out) = harness.state();
        assert_eq!(out, &[Request::Select(Some(ids[1].clone()))]);
        assert_eq!(ws.version(), before, "the panel changed nothing itself");
    }

    /// ana's claim said by Macron, and ben's claim with no speaker.
    fn two_layers() -> (Workspace, Vec<AnnotationId>) {
        let (mut project, ids) = project_from_marked(
            "[actor|Macron] said [claim|talks must start] and [claim|peace is near]",
            "ana",
            jiff::Timestamp::UNIX_EPOCH,
        )
        .unwrap();
        let said = crate::model::ops::add_relation(
            &project,
            &RelationKindId("said_by".into()),
            &ids[1],
            &ids[0],
            "ana",
        )
        .unwrap();
        said.apply(&mut project).unwrap();
        project.annotations.get_mut(&ids[2]).unwrap().annotator = "ben".into();
        project.annotators.insert("ben".into());
        (Workspace::new(project, None), ids)
    }

    type State = (SummaryPanel, Workspace, Vec<Request>, Option<String>);

    /// The panel on `ws`, with the project's layers and `shown` as the toolbar's layer.
    fn panel(ws: Workspace, shown: Option<&str>) -> Harness<'static, State> {
        let state = (
            SummaryPanel::default(),
            ws,
            Vec::new(),
            shown.map(str::to_owned),
        );
        let mut harness = Harness::builder()
            .with_size(egui::Vec2::new(420.0, 600.0))
            .with_context_setup(crate::ui::install_fonts)
            .build_ui_state(
                |ui, (panel, ws, out, shown): &mut State| {
                    let layers = ws.project().layers();
                    let input = SummaryInput {
                        ws,
                        doc: 0,
                        layers: &layers,
                        blind: None,
                        shown: shown.as_deref(),
                    };
                    panel.ui(ui, &input, out);
                },
                state,
            );
        harness.run_steps(3);
        harness
    }

    fn has(h: &Harness<'static, State>, label: &str) -> bool {
        h.query_all_by_label(label).next().is_some()
    }

    /// Two analysts' copies are never summed by default: the panel takes the layer the
    /// article shows, and "every layer" only when chosen.
    #[test]
    fn the_panel_follows_the_layer_shown_and_adds_layers_up_only_when_asked() {
        let (ws, _) = two_layers();
        let mut h = panel(ws, Some("ben"));
        assert!(has(&h, "“peace is near”"), "ben's claim");
        assert!(!has(&h, "“talks must start”"), "not ana's");
        assert!(h.query_by_label_contains("(layers: ben)").is_some());
        h.get_by_label("Layer").click();
        h.run_steps(2);
        h.get_by_label("every layer (added up)").click();
        h.run_steps(3);
        assert_eq!(h.state().0.layer, SummaryLayer::Every);
        assert!(has(&h, "“peace is near”") && has(&h, "“talks must start”"));
        assert!(h.query_by_label_contains("(layers: ana, ben)").is_some());
    }

    /// With every layer in the article and none reviewed, the panel summarises nothing and
    /// lists the layers; a click on one summarises it.
    #[test]
    fn with_every_layer_shown_the_panel_asks_which_layer_to_summarise() {
        let (ws, _) = two_layers();
        let mut h = panel(ws, None);
        assert!(
            h.query_by_label_contains("several layers (ana, ben)")
                .is_some()
        );
        assert!(!has(&h, "“peace is near”") && !has(&h, "“talks must start”"));
        h.get_by_label("ana").click();
        h.run_steps(3);
        assert_eq!(h.state().0.layer, SummaryLayer::One("ana".into()));
        assert!(has(&h, "“talks must start”") && !has(&h, "“peace is near”"));
    }

    /// The reviewed layer is what exports take: the panel takes it too when the article shows
    /// every layer.
    #[test]
    fn with_every_layer_shown_the_reviewed_layer_is_summarised() {
        let (mut ws, ids) = two_layers();
        let mut project = ws.project().clone();
        let mut reviewed = project.annotations[&ids[2]].clone();
        reviewed.id = AnnotationId("reviewed-peace".into());
        reviewed.annotator = crate::model::REVIEWED_LAYER.into();
        project.annotations.insert(reviewed.id.clone(), reviewed);
        ws = Workspace::new(project, None);
        let h = panel(ws, None);
        assert!(h.query_by_label_contains("(layers: reviewed)").is_some());
        assert!(has(&h, "“peace is near”") && !has(&h, "“talks must start”"));
    }
}
