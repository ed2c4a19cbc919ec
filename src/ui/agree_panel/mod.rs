//! The agreement panel: how far the chosen annotators agree, from the same report
//! `marginalia agree` prints, as tables per pair, per tag and per document; clicking a figure
//! lists the spans behind it, and clicking a span shows it in its article.
//!
//! The report takes a while on a large project (the token units of every article and 1 000
//! bootstrap resamples), so it is computed on a worker thread over a copy of the project,
//! once per change of the project or of the annotators ticked; frames only poll the worker.
//! While it runs, the last report stays on screen, marked as being brought up to date.
//! After an edit the copy waits until the project has been still for [`SETTLE`], so that the
//! worker does not start again at every key: typing and tagging stay smooth, and the figures
//! follow a moment later. (The copy itself once took 28 ms for 80 000 annotations; since the
//! maps are shared it costs the list of documents.)

use std::collections::BTreeSet;
use std::sync::Arc;
use std::thread::JoinHandle;

use egui::{Grid, RichText, Role, ScrollArea, Ui, WidgetInfo};

use crate::model::{AnnotationId, DocId, Project, REVIEWED_LAYER};
use crate::review::behind::{self, Matching, Outcome, SpanRow};
use crate::review::{self, Agreement};

use crate::workspace::Workspace;

use super::request::{Request, Requests};
use super::shared::Shared;
use super::theme;
use tables::{attributes_ui, documents_ui, overall_ui, pairs_ui, tags_ui};

mod tables;

/// How long the project must stay unchanged before the report is brought up to date.
pub const SETTLE: std::time::Duration = std::time::Duration::from_millis(400);

/// What a report was computed for: the project's version and the annotators compared.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Key {
    version: u64,
    annotators: Vec<String>,
}

/// A figure clicked: the pair (by the annotators' names), tag and document (by id) its spans
/// come from, and the matching it counts. Names, not positions: another choice of
/// annotators reorders the pairs, and the spans listed must stay those of the figure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Focus {
    a: String,
    b: String,
    tag: Option<String>,
    doc: Option<DocId>,
    matching: Matching,
}

/// The report being computed on the worker thread.
struct Job {
    key: Key,
    handle: JoinHandle<Result<Agreement, String>>,
}

/// The panel's state: choices, the worker, the last report and the spans listed.
#[derive(Default)]
pub struct AgreeState {
    /// Layers the analyst unticked; every other layer is compared (new ones too), but the
    /// reviewed layer.
    unticked: BTreeSet<String>,
    /// Whether the analyst ticked the reviewed layer ([`REVIEWED_LAYER`]; unticked at first:
    /// colleagues are compared with each other, not with the adjudicated result).
    reviewed_ticked: bool,
    /// The pair the per-tag and per-document tables show (index into the report's pairs).
    pair: usize,
    job: Option<Job>,
    report: Option<(Key, Result<Arc<Agreement>, String>)>,
    focus: Option<Focus>,
    /// Show only rows with this outcome.
    only: Option<Outcome>,
    /// The rows listed for `focus`, and the project version they were listed at.
    rows: Option<(u64, Focus, Arc<Vec<SpanRow>>)>,
    /// The project version last seen, and when it was first seen.
    seen: Option<(u64, std::time::Instant)>,
}

/// Computes the report for `names` over `project`, as `marginalia agree` does.
fn compute(project: &Project, names: &[String]) -> Result<Agreement, String> {
    let names = review::choose_annotators(project, names).map_err(|e| e.to_string())?;
    let units = review::Units::of(project, &names);
    Ok(review::agreement(project, &units))
}

impl AgreeState {
    /// Whether the agreement panel's report is being computed on its worker thread.
    pub fn computing(&self) -> bool {
        self.job.is_some()
    }

    /// Collects a finished report, and starts one when the project or the choice changed.
    fn refresh(&mut self, ctx: &egui::Context, ws: &Workspace, names: &[String]) {
        let key = Key {
            version: ws.version(),
            annotators: names.to_vec(),
        };
        if let Some(job) = self.job.take_if(|j| j.handle.is_finished()) {
            let result = job
                .handle
                .join()
                .unwrap_or_else(|_| Err("the computation stopped unexpectedly".into()));
            self.report = Some((job.key, result.map(Arc::new)));
        }
        if self.seen.is_none_or(|(v, _)| v != ws.version()) {
            self.seen = Some((ws.version(), std::time::Instant::now()));
        }
        let current = self.report.as_ref().is_some_and(|(k, _)| *k == key);
        // Right away for the first report or another choice of annotators; after an edit,
        // once the project has settled.
        let settled = match (&self.report, self.seen) {
            (Some((k, _)), Some((_, since))) if k.annotators == key.annotators => {
                since.elapsed() >= SETTLE
            }
            _ => true,
        };
        if !current && settled && self.job.is_none() {
            let project = ws.shared();
            let names = names.to_vec();
            let handle = std::thread::spawn(move || compute(&project, &names));
            self.job = Some(Job { key, handle });
        }
        if self.job.is_some() || !current {
            ctx.request_repaint_after(std::time::Duration::from_millis(50));
        }
    }

    /// The agreement panel's contents.
    pub(super) fn ui(&mut self, ui: &mut Ui, cx: &Shared, out: &mut Requests) {
        ui.set_max_width(ui.available_width());
        ui.heading("Agreement");
        if cx.blind() {
            ui.label(
                RichText::new(
                    "Blind coding is on: agreement figures would tell you about your \
                     colleagues' coding. Turn it off first (View › Blind coding).",
                )
                .color(theme::weak(ui.visuals())),
            );
            return;
        }
        let layers = cx.layers;
        let mut names = Vec::new();
        ui.horizontal_wrapped(|ui| {
            ui.label("Annotators:");
            for layer in layers {
                let reviewed = layer == REVIEWED_LAYER;
                let mut on = if reviewed {
                    self.reviewed_ticked
                } else {
                    !self.unticked.contains(layer)
                };
                let response = ui
                    .checkbox(&mut on, layer)
                    .on_hover_text(format!("Compare {layer}'s layer"));
                response.widget_info(|| {
                    WidgetInfo::selected(Role::CheckBox, true, on, format!("Compare {layer}"))
                });
                if reviewed {
                    self.reviewed_ticked = on;
                } else if on {
                    self.unticked.remove(layer);
                } else {
                    self.unticked.insert(layer.clone());
                }
                if on {
                    names.push(layer.clone());
                }
            }
        });
        if names.len() < 2 {
            ui.label(
                RichText::new(if layers.len() < 2 {
                    "Agreement needs two or more annotators' layers: import or merge a \
                     colleague's work first."
                } else {
                    "Tick two or more annotators to compare."
                })
                .color(theme::weak(ui.visuals())),
            );
            return;
        }
        self.refresh(ui.ctx(), cx.ws, &names);
        let Some((key, result)) = &self.report else {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Computing agreement…");
            });
            return;
        };
        let stale = key.version != cx.ws.version() || key.annotators != names;
        let report = match result {
            Ok(report) => report.clone(),
            Err(e) => {
                ui.colored_label(ui.visuals().error_fg_color, e.clone());
                return;
            }
        };
        if stale {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(RichText::new("Updating…").color(theme::weak(ui.visuals())));
            });
        }
        let mut clicked: Option<Focus> = None;
        ScrollArea::both()
            .id_salt("agreement")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                overall_ui(ui, &report);
                pairs_ui(ui, &report, &mut clicked);
                if report.pairs.len() > 1 {
                    ui.horizontal(|ui| {
                        let caption = ui.label("Pair");
                        let shown = report
                            .pairs
                            .get(self.pair)
                            .map(|p| format!("{} / {}", p.a, p.b))
                            .unwrap_or_default();
                        egui::ComboBox::from_id_salt("agreement pair")
                            .selected_text(shown)
                            .show_ui(ui, |ui| {
                                for (i, p) in report.pairs.iter().enumerate() {
                                    ui.selectable_value(
                                        &mut self.pair,
                                        i,
                                        format!("{} / {}", p.a, p.b),
                                    );
                                }
                            })
                            .response
                            .labelled_by(caption.id);
                    });
                }
                let pair = self.pair.min(report.pairs.len().saturating_sub(1));
                tags_ui(ui, &report, pair, &mut clicked);
                attributes_ui(ui, &report, pair, &mut clicked);
                documents_ui(ui, cx.project(), &report, pair, &mut clicked);
                self.behind_ui(ui, cx, &report, out);
            });
        if let Some(focus) = clicked {
            if let Some(i) = report
                .pairs
                .iter()
                .position(|p| p.a == focus.a && p.b == focus.b)
            {
                self.pair = i;
            }
            self.only = None;
            self.focus = Some(focus);
        }
    }

    /// The spans behind the figure clicked, each one a link to its article.
    fn behind_ui(&mut self, ui: &mut Ui, cx: &Shared, report: &Agreement, out: &mut Requests) {
        let Some(focus) = self.focus.clone() else {
            ui.add_space(6.0);
            ui.label(
                RichText::new("Click a figure to list the spans behind it.")
                    .color(theme::weak(ui.visuals())),
            );
            return;
        };
        // The figure's pair left with an annotator unticked: nothing to list.
        let Some(pair) = report
            .pairs
            .iter()
            .find(|p| p.a == focus.a && p.b == focus.b)
        else {
            return;
        };
        let fresh = matches!(&self.rows, Some((v, f, _)) if *v == cx.ws.version() && *f == focus);
        if !fresh {
            let rows = behind::behind(
                cx.project(),
                &pair.a,
                &pair.b,
                focus.tag.as_deref(),
                focus.doc.as_ref(),
                focus.matching,
            );
            self.rows = Some((cx.ws.version(), focus.clone(), Arc::new(rows)));
        }
        let Some((_, _, rows)) = self.rows.clone() else {
            return;
        };
        ui.add_space(8.0);
        ui.separator();
        let scope = format!(
            "{} matching · {} / {} · {} · {}",
            match focus.matching {
                Matching::Exact => "Exact",
                Matching::Relaxed => "Relaxed",
            },
            pair.a,
            pair.b,
            focus
                .tag
                .as_deref()
                .map_or("all tags".to_owned(), |t| format!("tag {t}")),
            focus
                .doc
                .as_ref()
                .and_then(|d| cx.project().document(d))
                .map_or("all documents".to_owned(), |d| d.meta.title.clone()),
        );
        ui.label(RichText::new(format!("Spans behind it: {scope}")).strong());
        let outcomes = [
            Outcome::Same,
            Outcome::Overlap,
            Outcome::OnlyFirst,
            Outcome::OnlySecond,
        ];
        ui.horizontal_wrapped(|ui| {
            if ui
                .selectable_label(self.only.is_none(), format!("all {}", rows.len()))
                .clicked()
            {
                self.only = None;
            }
            for o in outcomes {
                let n = rows.iter().filter(|r| r.outcome == o).count();
                let text = RichText::new(format!("{} {n}", o.describe(&pair.a, &pair.b)))
                    .color(theme::outcome(ui.visuals(), o));
                if ui.selectable_label(self.only == Some(o), text).clicked() {
                    self.only = Some(o);
                }
            }
        });
        let shown: Vec<&SpanRow> = rows
            .iter()
            .filter(|r| self.only.is_none_or(|o| r.outcome == o))
            .collect();
        let mut open: Option<AnnotationId> = None;
        let height = ui.text_style_height(&egui::TextStyle::Body) + ui.spacing().item_spacing.y;
        ScrollArea::vertical()
            .id_salt("agreement spans")
            .max_height(320.0)
            .auto_shrink([false, true])
            .show_rows(ui, height, shown.len(), |ui, range| {
                for row in shown.get(range).unwrap_or_default() {
                    span_row_ui(ui, cx, row, &pair.a, &pair.b, &mut open);
                }
            });
        if let Some(id) = open {
            out.push(Request::OpenSpan(id));
        }
    }
}

/// One row of the span list: its outcome, then each side's quote as a link.
fn span_row_ui(
    ui: &mut Ui,
    cx: &Shared,
    row: &SpanRow,
    first: &str,
    second: &str,
    open: &mut Option<AnnotationId>,
) {
    ui.horizontal(|ui| {
        ui.label(
            RichText::new(row.outcome.describe(first, second))
                .color(theme::outcome(ui.visuals(), row.outcome)),
        );
        ui.label(RichText::new(&row.tag).color(theme::weak(ui.visuals())));
        for (who, id) in [(first, &row.first), (second, &row.second)] {
            let Some(a) = id.as_ref().and_then(|id| cx.project().annotations.get(id)) else {
                continue;
            };
            let quote = if a.quote.chars().count() > 60 {
                format!("“{}…”", a.quote.chars().take(59).collect::<String>())
            } else {
                format!("“{}”", a.quote)
            };
            let label = format!("{who}: {quote}");
            let response = ui
                .link(quote)
                .on_hover_text(format!("{who}'s span; click to show it in the article"));
            response.widget_info(|| WidgetInfo::labeled(Role::Link, true, &label));
            if response.clicked() {
                *open = Some(a.id.clone());
            }
        }
    });
}
