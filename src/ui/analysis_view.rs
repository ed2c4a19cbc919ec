//! The Analysis window (View › Analysis…, Ctrl+Shift+Y): the tables of [`crate::matrices`]
//! as heat-shaded tables with totals, shown as counts, row or column percentages, and the
//! statements over time as a bar chart. A click on a cell (or a bar) lists the spans behind
//! it; a click on a span shows it in its article (`Request::OpenSpan`).
//!
//! It takes layers by the summary panel's rule ([`summary_layers`]) and follows the project:
//! the table is computed again whenever the project's version changes, so a value changed in
//! the inspector shows at once. On a large project (over [`BACKGROUND_FROM`] annotations) it
//! is computed on a worker thread over the shared project (`Workspace::shared`, no copy),
//! with progress and Cancel; the last table stays on screen meanwhile.
//!
//! The window owns only its choices, its table and its worker; it changes nothing but asks
//! for spans to be shown.

mod chart;
mod table;

use std::sync::Arc;
use std::sync::mpsc;

use egui::{RichText, ScrollArea};

use crate::matrices::{self, Grouping, Kind, Matrix, Period, Query, Rows, Rule, Shown, Work};
use crate::model::{AnnotationId, AttributeKind};

use super::request::{Request, Requests};
use super::summary_panel::{SummaryInput, SummaryLayer, summary_layers};
use super::theme;

/// Projects with more annotations than this are computed on a worker thread: 250,000 take
/// 100–240 ms a table in a release build (BENCHMARKS.md), so 20,000 take about 10–20 ms,
/// and more would stall frames.
pub const BACKGROUND_FROM: usize = 20_000;

/// Which table the window shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Tab {
    /// Codes or tags × articles.
    #[default]
    Articles,
    /// Codes × codes.
    Codes,
    /// Codes × an article variable.
    Variable,
    /// Codes over time.
    OverTime,
    /// The discourse network (`super::network_panel`).
    Network,
}

impl Tab {
    const ALL: [Tab; 5] = [
        Tab::Articles,
        Tab::Codes,
        Tab::Variable,
        Tab::OverTime,
        Tab::Network,
    ];

    fn label(self) -> &'static str {
        match self {
            Tab::Articles => "Codes × articles",
            Tab::Codes => "Codes × codes",
            Tab::Variable => "Codes × variable",
            Tab::OverTime => "Over time",
            Tab::Network => "Network",
        }
    }
}

/// A table being computed on the worker thread.
struct Job {
    key: (u64, Query),
    work: Arc<Work>,
    result: mpsc::Receiver<Option<Matrix>>,
}

/// The Analysis window's own state.
pub struct AnalysisView {
    /// The table shown.
    pub tab: Tab,
    /// Its rows.
    pub rows: Rows,
    /// The columns of codes × codes.
    pub cols: Rows,
    /// What makes codes co-occur.
    pub rule: Rule,
    /// The columns of codes × variable.
    pub grouping: Grouping,
    /// The periods of the time series.
    pub period: Period,
    /// Counts or percentages.
    pub shown: Shown,
    /// Whose annotations.
    pub layer: SummaryLayer,
    /// The cell clicked, as (row, column) of the matrix.
    pub picked: Option<(usize, usize)>,
    /// The network tab.
    pub network: super::network_panel::NetworkPanel,
    /// The table on screen and what it was computed for (version, query).
    table: Option<((u64, Query), Arc<Matrix>)>,
    job: Option<Job>,
    /// What was being computed when the analyst cancelled (not started again until asked,
    /// or until the project or the choices change).
    stopped: Option<(u64, Query)>,
}

impl Default for AnalysisView {
    fn default() -> Self {
        AnalysisView {
            tab: Tab::default(),
            rows: Rows::Tags,
            cols: Rows::Tags,
            rule: Rule::default(),
            grouping: Grouping::Year,
            period: Period::default(),
            shown: Shown::default(),
            layer: SummaryLayer::default(),
            picked: None,
            network: super::network_panel::NetworkPanel::default(),
            table: None,
            job: None,
            stopped: None,
        }
    }
}

impl Drop for AnalysisView {
    fn drop(&mut self) {
        if let Some(job) = &self.job {
            job.work
                .cancel
                .store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

/// The attributes rows can be made of (codes, choices, flags, scales), by id, each once.
fn attributes(project: &crate::model::Project) -> Vec<(crate::model::AttributeId, String)> {
    let mut out: Vec<(crate::model::AttributeId, String)> = Vec::new();
    for t in &project.schema.tags {
        for a in &t.attributes {
            if !matches!(a.kind, AttributeKind::Text) && !out.iter().any(|(id, _)| id == &a.id) {
                out.push((a.id.clone(), format!("{} ({})", a.label, a.kind.name())));
            }
        }
    }
    out
}

fn rows_label(project: &crate::model::Project, rows: &Rows) -> String {
    match rows {
        Rows::Tags => "tags".to_owned(),
        Rows::Actors => "actors (speakers of claims)".to_owned(),
        Rows::Attribute(id) => attributes(project)
            .into_iter()
            .find(|(a, _)| a == id)
            .map_or_else(|| id.to_string(), |(_, l)| l),
    }
}

fn grouping_label(project: &crate::model::Project, g: &Grouping) -> String {
    match g {
        Grouping::Variable(id) => project
            .schema
            .variables
            .iter()
            .find(|v| &v.id == id)
            .map_or_else(|| id.to_string(), |v| v.label.clone()),
        Grouping::Source => "source".to_owned(),
        Grouping::Author => "author".to_owned(),
        Grouping::Year => "year published".to_owned(),
    }
}

fn rule_label(rule: Rule) -> &'static str {
    match rule {
        Rule::SameSpan => "on the same span",
        Rule::Overlapping => "on overlapping spans",
        Rule::SameSentence => "in the same sentence",
    }
}

/// A combo box captioned by a label (kittest finds it by the caption).
fn choice<T: PartialEq + Clone>(
    ui: &mut egui::Ui,
    caption: &str,
    value: &mut T,
    options: &[(T, String)],
) {
    let shown = options
        .iter()
        .find(|(v, _)| v == value)
        .map_or_else(String::new, |(_, l)| l.clone());
    let label = ui.label(caption);
    egui::ComboBox::from_id_salt(("analysis", caption))
        .selected_text(shown)
        .show_ui(ui, |ui| {
            for (v, l) in options {
                ui.selectable_value(value, v.clone(), l);
            }
        })
        .response
        .labelled_by(label.id);
}

impl AnalysisView {
    /// The window over `slot` (closed: `None`).
    pub(super) fn window_ui(
        slot: &mut Option<AnalysisView>,
        ctx: &egui::Context,
        input: &SummaryInput,
        out: &mut Requests,
    ) {
        let Some(state) = slot else {
            return;
        };
        let mut open = true;
        egui::Window::new("Analysis")
            .open(&mut open)
            .default_size([900.0, 640.0])
            .resizable(true)
            .show(ctx, |ui| state.ui(ui, input, out));
        if !open {
            *slot = None;
        }
    }

    /// The window's contents.
    pub fn ui(&mut self, ui: &mut egui::Ui, input: &SummaryInput, out: &mut Requests) {
        let project = input.ws.project();
        ui.horizontal_wrapped(|ui| {
            for tab in Tab::ALL {
                if ui.selectable_label(self.tab == tab, tab.label()).clicked() && self.tab != tab {
                    self.tab = tab;
                    self.picked = None;
                }
            }
        });
        let before = self.choices();
        self.controls_ui(ui, input);
        if before != self.choices() {
            self.picked = None;
        }
        ui.separator();
        let Some(layers) = summary_layers(&self.layer, input) else {
            ui.label(format!(
                "The project has several layers ({}) and the article shows them all: choose \
                 a layer above.",
                input.layers.join(", ")
            ));
            return;
        };
        let kind = match self.tab {
            Tab::Articles => Kind::Articles,
            Tab::Codes => Kind::CoOccurrence(self.cols.clone(), self.rule),
            Tab::Variable => Kind::Variable(self.grouping.clone()),
            Tab::OverTime => Kind::OverTime(self.period),
            Tab::Network => {
                self.network.ui(ui, input.ws, &layers, out);
                return;
            }
        };
        let query = Query {
            layers,
            rows: self.rows.clone(),
            kind,
        };
        self.refresh(ui, input, query);
        let Some((key, matrix)) = self.table.clone() else {
            return;
        };
        ui.label(
            RichText::new(format!(
                "Layers: {}. {} in the table{}.",
                key.1.layers.join(", "),
                matrix.total,
                if matrix.uncoded > 0 {
                    format!(
                        "; {} annotations carry no {}",
                        matrix.uncoded,
                        rows_label(project, &key.1.rows)
                    )
                } else {
                    String::new()
                }
            ))
            .color(theme::weak(ui.visuals())),
        );
        if matrix.rows.is_empty() || matrix.cols.is_empty() {
            ui.label("Nothing to count: no annotation carries these rows.");
            return;
        }
        let spans_height = if self.picked.is_some() { 180.0 } else { 0.0 };
        let room = (ui.available_height() - spans_height).max(120.0);
        if self.tab == Tab::OverTime {
            chart::chart_ui(ui, &matrix, (room * 0.5).max(120.0), &mut self.picked);
        }
        let flip = self.tab == Tab::Articles;
        table::table_ui(
            ui,
            &matrix,
            table::Layout {
                flip,
                shown: self.shown,
                max_height: if self.tab == Tab::OverTime {
                    room * 0.5
                } else {
                    room
                },
            },
            &mut self.picked,
        );
        if let Some((r, c)) = self.picked {
            ui.separator();
            spans_ui(ui, input, &matrix, r, c, out);
        }
    }

    /// What the table is computed for: a change of any drops the cell picked.
    fn choices(&self) -> (Rows, Rows, Rule, Grouping, Period, SummaryLayer) {
        (
            self.rows.clone(),
            self.cols.clone(),
            self.rule,
            self.grouping.clone(),
            self.period,
            self.layer.clone(),
        )
    }

    /// The choices of rows, columns, rule, variable, period, layer and what cells show.
    fn controls_ui(&mut self, ui: &mut egui::Ui, input: &SummaryInput) {
        let project = input.ws.project();
        let mut row_options = vec![
            (Rows::Tags, rows_label(project, &Rows::Tags)),
            (Rows::Actors, rows_label(project, &Rows::Actors)),
        ];
        row_options.extend(
            attributes(project)
                .into_iter()
                .map(|(id, label)| (Rows::Attribute(id), label)),
        );
        ui.horizontal_wrapped(|ui| {
            if self.tab != Tab::Network {
                choice(ui, "Rows", &mut self.rows, &row_options);
            }
            match self.tab {
                Tab::Codes => {
                    choice(ui, "Columns", &mut self.cols, &row_options);
                    let rules = [Rule::SameSpan, Rule::Overlapping, Rule::SameSentence]
                        .map(|r| (r, rule_label(r).to_owned()));
                    choice(ui, "Co-occurring", &mut self.rule, &rules);
                }
                Tab::Variable => {
                    let mut groups: Vec<(Grouping, String)> = project
                        .schema
                        .variables
                        .iter()
                        .map(|v| Grouping::Variable(v.id.clone()))
                        .chain([Grouping::Source, Grouping::Author, Grouping::Year])
                        .map(|g| {
                            let l = grouping_label(project, &g);
                            (g, l)
                        })
                        .collect();
                    groups.dedup();
                    choice(ui, "Variable", &mut self.grouping, &groups);
                }
                Tab::OverTime => {
                    let periods = [Period::Week, Period::Month, Period::Year]
                        .map(|p| (p, p.name().to_owned()));
                    choice(ui, "Per", &mut self.period, &periods);
                }
                Tab::Articles | Tab::Network => {}
            }
            if input.layers.len() > 1 && input.blind.is_none() {
                let mut layers = vec![(SummaryLayer::Shown, "layer shown".to_owned())];
                layers.extend(
                    input
                        .layers
                        .iter()
                        .map(|l| (SummaryLayer::One(l.clone()), l.clone())),
                );
                layers.push((SummaryLayer::Every, "every layer (added up)".to_owned()));
                choice(ui, "Layer", &mut self.layer, &layers);
            }
        });
        if self.tab == Tab::Network {
            return;
        }
        ui.horizontal(|ui| {
            ui.label("Show");
            ui.selectable_value(&mut self.shown, Shown::Counts, "Counts");
            ui.selectable_value(&mut self.shown, Shown::RowPercent, "Row %");
            ui.selectable_value(&mut self.shown, Shown::ColPercent, "Column %");
        });
    }

    /// Brings the table up to the project's version and the query: at once on a small
    /// project, on the worker thread on a large one (with progress and Cancel meanwhile).
    fn refresh(&mut self, ui: &mut egui::Ui, input: &SummaryInput, query: Query) {
        let key = (input.ws.version(), query);
        if self.table.as_ref().is_some_and(|(k, _)| *k == key) {
            self.job = None;
            return;
        }
        if self.stopped.as_ref() == Some(&key) {
            ui.horizontal(|ui| {
                ui.label("Counting was cancelled; the table shown is of an earlier state.");
                if ui.button("Count again").clicked() {
                    self.stopped = None;
                }
            });
            return;
        }
        if let Some(job) = &self.job {
            match job.result.try_recv() {
                Ok(Some(m)) if job.key == key => {
                    self.table = Some((key, Arc::new(m)));
                    self.job = None;
                    return;
                }
                Err(mpsc::TryRecvError::Empty) if job.key == key => {
                    let (done, total) = job.work.progress();
                    let mut cancel = false;
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label(format!("Counting… {done} of {total} articles"));
                        cancel = ui.button("Cancel").clicked();
                    });
                    if cancel {
                        job.work
                            .cancel
                            .store(true, std::sync::atomic::Ordering::Relaxed);
                        // Keep what is on screen, and say it is of an earlier state.
                        self.job = None;
                        self.stopped = Some(key);
                    } else {
                        ui.ctx()
                            .request_repaint_after(std::time::Duration::from_millis(100));
                    }
                    return;
                }
                _ => {
                    job.work
                        .cancel
                        .store(true, std::sync::atomic::Ordering::Relaxed);
                    self.job = None;
                }
            }
        }
        let project = input.ws.shared();
        if project.annotations.len() <= BACKGROUND_FROM {
            if let Some(m) = matrices::compute(&project, &key.1, &Work::default()) {
                self.table = Some((key, Arc::new(m)));
            }
            return;
        }
        let work = Arc::new(Work::default());
        let (tx, rx) = mpsc::channel();
        let (query, worker) = (key.1.clone(), Arc::clone(&work));
        let ctx = ui.ctx().clone();
        let spawned = std::thread::Builder::new()
            .name("analysis".into())
            .spawn(move || {
                let m = matrices::compute(&project, &query, &worker);
                // The window may have closed meanwhile; then nobody wants the table.
                let _ = tx.send(m);
                ctx.request_repaint();
            });
        if spawned.is_ok() {
            self.job = Some(Job {
                key,
                work,
                result: rx,
            });
            ui.ctx().request_repaint();
        }
    }
}

/// The spans behind cell (`r`, `c`): quote, article, tag and values; a click shows one in
/// its article.
fn spans_ui(
    ui: &mut egui::Ui,
    input: &SummaryInput,
    m: &Matrix,
    r: usize,
    c: usize,
    out: &mut Requests,
) {
    let project = input.ws.project();
    let ids: Vec<&AnnotationId> = m.behind(r, c);
    let (row, col) = (
        m.rows.get(r).map_or("", |i| i.label.as_str()),
        m.cols.get(c).map_or("", |i| i.label.as_str()),
    );
    ui.label(
        RichText::new(format!(
            "Spans behind {row} × {col}: {} (click one to show it in its article)",
            ids.len()
        ))
        .strong(),
    );
    let height = ui.text_style_height(&egui::TextStyle::Body) + ui.spacing().item_spacing.y;
    ScrollArea::vertical()
        .id_salt("analysis spans")
        .auto_shrink([false, true])
        .max_height(160.0)
        .show_rows(ui, height, ids.len(), |ui, range| {
            for id in ids.get(range).unwrap_or_default() {
                let Some(a) = project.annotations.get(*id) else {
                    continue;
                };
                let title = project
                    .document(&a.doc)
                    .map_or("", |d| d.meta.title.as_str());
                let tag = project
                    .schema
                    .tag(&a.tag)
                    .map_or(a.tag.as_str(), |t| t.label.as_str());
                let declared = project
                    .schema
                    .tag(&a.tag)
                    .map_or(&[][..], |t| &t.attributes[..]);
                let values: Vec<String> =
                    crate::model::shown_values(declared, &a.values, &project.codebooks)
                        .into_iter()
                        .map(|v| format!("{}: {}", v.attribute.to_lowercase(), v.text))
                        .collect();
                let quote: String = if a.quote.chars().count() > 80 {
                    format!("“{}…”", a.quote.chars().take(79).collect::<String>())
                } else {
                    format!("“{}”", a.quote)
                };
                ui.horizontal(|ui| {
                    if ui
                        .link(quote)
                        .on_hover_text("Show in the article")
                        .clicked()
                    {
                        out.push(Request::OpenSpan((*id).clone()));
                    }
                    let mut about = vec![title.to_owned(), tag.to_owned()];
                    about.extend(values);
                    ui.label(RichText::new(about.join(" · ")).color(theme::weak(ui.visuals())));
                });
            }
        });
}
