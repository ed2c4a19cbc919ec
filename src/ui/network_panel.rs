//! The Analysis window's network: the discourse network of [`crate::analysis`] (who agrees
//! with whom, through which concepts), drawn on a [`GraphCanvas`] with the options of
//! `marginalia network`, a time slider over moving windows, and the spans behind a node or
//! a tie one click away.
//!
//! # What is drawn
//! - Nodes: the network's rows (one-mode), or actors and then concepts (two-mode); a disc's
//!   area grows with the node's statements in the window shown. Actors are blue, concepts
//!   orange.
//! - Edges: width by weight relative to the heaviest of the window; colour by what the weight
//!   means: green for agreement (congruence, a positive subtract), vermillion for conflict
//!   (conflict, a negative subtract), grey where the qualifier is ignored or combined.
//! - Places: one force-directed layout of the whole period's network, kept for every
//!   window, so that moving the slider shows ties appear and fade without the picture
//!   jumping (Gephi's timeline does the same).
//!
//! # Cost
//! Statements, networks, windows and the layout are computed again only when the project's
//! version, the layer or an option changes. Up to [`BACKGROUND_FROM`] annotations that is done
//! in the frame (the sample takes well under a millisecond); above, on a worker thread over
//! the shared project, with Cancel, the last picture staying on screen meanwhile.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use egui::{Color32, RichText, ScrollArea};

use crate::analysis::{
    self, Aggregation, Duplicates, Filter, Mode, Network, NetworkOptions, Node, NodeKind,
    Normalization, StatementOptions, Statements, WindowSpec, WindowUnit, Windows,
};
use crate::formats::LayerChoice;
use crate::graph_layout::{LayoutEdge, LayoutOptions, force_directed_until};
use crate::model::{AnnotationId, AttributeKind, Project};

use super::graph_canvas::{CanvasEdge, CanvasNode, GraphCanvas, Hit};
use super::request::{Request, Requests};

/// Projects with more annotations than this are computed on a worker thread.
pub const BACKGROUND_FROM: usize = 20_000;

/// The stance's values, lowest first, when it is read as a scale.
const STANCE_SCALE: [&str; 3] = ["opposes", "neutral", "supports"];

const ACTOR_BLUE: Color32 = Color32::from_rgb(0x00, 0x72, 0xB2);
const CONCEPT_ORANGE: Color32 = Color32::from_rgb(0xE6, 0x9F, 0x00);
const AGREE_GREEN: Color32 = Color32::from_rgb(0x00, 0x9E, 0x73);
const CONFLICT_RED: Color32 = Color32::from_rgb(0xD5, 0x5E, 0x00);
const NEUTRAL_GREY: Color32 = Color32::from_rgb(0x99, 0x99, 0x99);

/// The analyst's choices, the options of `marginalia network`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetSettings {
    /// Which network.
    pub mode: Mode,
    /// How stances combine.
    pub aggregation: Aggregation,
    /// How weights are normalised.
    pub normalization: Normalization,
    /// Which statements count as one.
    pub duplicates: Duplicates,
    /// The stance read as a scale (opposes < neutral < supports) instead of categories.
    pub stance_scale: bool,
    /// Nodes with fewer statements are left out.
    pub min_statements: usize,
    /// A moving window, or the whole period.
    pub window: Option<WindowSpec>,
}

impl Default for NetSettings {
    fn default() -> Self {
        NetSettings {
            mode: Mode::ActorActor,
            aggregation: Aggregation::Congruence,
            normalization: Normalization::None,
            duplicates: Duplicates::Statement,
            stance_scale: false,
            min_statements: 0,
            window: None,
        }
    }
}

impl NetSettings {
    fn options(&self) -> NetworkOptions {
        NetworkOptions {
            mode: self.mode,
            aggregation: self.aggregation,
            normalization: self.normalization,
            duplicates: self.duplicates,
            filter: Filter {
                min_statements: self.min_statements,
                ..Filter::default()
            },
        }
    }

    /// The aggregations and normalisations the mode takes (the others are refused by
    /// [`NetworkOptions::check`]); a choice the new mode lacks becomes its first.
    fn fit_mode(&mut self) {
        let (aggs, norms) = choices(self.mode);
        if !aggs.iter().any(|(a, _)| *a == self.aggregation) {
            self.aggregation = aggs[0].0;
        }
        if !norms.iter().any(|(n, _)| *n == self.normalization)
            || self.aggregation == Aggregation::Combine
        {
            self.normalization = Normalization::None;
        }
    }
}

type AggChoices = &'static [(Aggregation, &'static str)];
type NormChoices = &'static [(Normalization, &'static str)];

fn choices(mode: Mode) -> (AggChoices, NormChoices) {
    if mode.one_mode() {
        (
            &[
                (Aggregation::Congruence, "congruence (same stance)"),
                (Aggregation::Conflict, "conflict (other stance)"),
                (Aggregation::Subtract, "subtract (congruence − conflict)"),
                (Aggregation::Ignore, "ignore the stance"),
            ],
            &[
                (Normalization::None, "none"),
                (Normalization::Average, "average"),
                (Normalization::Jaccard, "Jaccard"),
                (Normalization::Cosine, "cosine"),
            ],
        )
    } else {
        (
            &[
                (Aggregation::Ignore, "ignore the stance"),
                (Aggregation::Subtract, "subtract (signed by stance)"),
                (Aggregation::Combine, "combine (which stances)"),
            ],
            &[
                (Normalization::None, "none"),
                (Normalization::Activity, "activity"),
                (Normalization::Prominence, "prominence"),
            ],
        )
    }
}

/// What was computed, for one project version, layer and set of choices.
struct Drawn {
    key: Key,
    statements: Arc<Statements>,
    /// One network per step (the whole period: one).
    steps: Vec<Step>,
    /// The nodes drawn (those of every step).
    nodes: Vec<Node>,
    /// Where each node is, in `[-1, 1]²`.
    places: Vec<[f64; 2]>,
}

/// One network of the series.
struct Step {
    /// "2023-04-01 – 2023-09-30", or "whole period".
    label: String,
    network: Network,
    /// The statements behind each edge, in edge order.
    behind: Vec<Vec<u32>>,
}

/// (project version, layer, choices).
type Key = (u64, String, NetSettings);

/// At most this many ties are drawn, the strongest (the list beside the canvas and the
/// spans behind a tie still take them all): a dense network of 500 actors has over 100,000,
/// which would cost tens of milliseconds a frame and read as a grey mass.
pub const DRAWN_TIES: usize = 4_000;

/// What the canvas draws for one step, made once per (key, step) rather than every frame.
struct Picture {
    key: Key,
    step: usize,
    nodes: Vec<CanvasNode>,
    edges: Vec<CanvasEdge>,
    /// The network's edge behind each canvas edge.
    edge_of: Vec<usize>,
    /// The network's edges, strongest first.
    strongest: Vec<usize>,
    /// The drawn nodes, most statements first (the list beside the canvas).
    largest: Vec<usize>,
}

/// A computation on the worker thread.
struct Job {
    key: Key,
    cancel: Arc<AtomicBool>,
    result: mpsc::Receiver<Result<Drawn, String>>,
}

/// What the analyst clicked, by node ids (`entity:…`, `concept:…`), so that it stays the same
/// node or tie when the slider moves or an edit renumbers the network's nodes and edges.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pick {
    /// A node.
    Node(String),
    /// The tie between two nodes (row, then column, as the network lists them).
    Tie(String, String),
}

/// `pick` in the network of `step`: the drawn node's index, or the network's edge index;
/// `None` where it is not in this network (a tie of another window).
fn resolve(pick: &Pick, drawn: &Drawn, step: &Step) -> Option<Hit> {
    let st = &drawn.statements;
    let node_of = |id: &str| {
        drawn
            .nodes
            .iter()
            .find(|n| analysis::write::node_id(st, n) == id)
    };
    match pick {
        Pick::Node(id) => drawn
            .nodes
            .iter()
            .position(|n| analysis::write::node_id(st, n) == *id)
            .map(Hit::Node),
        Pick::Tie(a, b) => {
            let (a, b) = (node_of(a)?, node_of(b)?);
            let net = &step.network;
            let at = |list: &[Node], n: &Node| {
                list.iter()
                    .position(|m| m.kind == n.kind && m.index == n.index)
            };
            let (mut r, mut c) = (at(&net.rows, a)?, at(&net.cols, b)?);
            if net.mode.one_mode() && r > c {
                std::mem::swap(&mut r, &mut c);
            }
            net.edges
                .binary_search_by(|e| (e.row, e.col).cmp(&(r, c)))
                .ok()
                .map(Hit::Edge)
        }
    }
}

/// The pick of a node (drawn index) or edge (network index) of `step`.
fn pick_of(hit: Hit, drawn: &Drawn, step: &Step) -> Option<Pick> {
    let st = &drawn.statements;
    match hit {
        Hit::Node(i) => drawn
            .nodes
            .get(i)
            .map(|n| Pick::Node(analysis::write::node_id(st, n))),
        Hit::Edge(e) => {
            let net = &step.network;
            let edge = net.edges.get(e)?;
            Some(Pick::Tie(
                analysis::write::node_id(st, net.rows.get(edge.row)?),
                analysis::write::node_id(st, net.cols.get(edge.col)?),
            ))
        }
    }
}

/// What is on the canvas this frame: the network, its step and picture, and the pick in it.
#[derive(Clone, Copy)]
struct OnScreen<'a> {
    drawn: &'a Drawn,
    step: &'a Step,
    pic: &'a Picture,
    resolved: Option<Hit>,
}

/// The network tab's own state.
#[derive(Default)]
pub struct NetworkPanel {
    /// The analyst's choices.
    pub settings: NetSettings,
    /// The window shown, on the slider.
    pub step: usize,
    /// The node or tie clicked.
    pub picked: Option<Pick>,
    canvas: GraphCanvas,
    drawn: Option<Drawn>,
    picture: Option<Picture>,
    /// Why nothing could be drawn for the current key.
    failed: Option<(Key, String)>,
    job: Option<Job>,
    stopped: Option<Key>,
}

impl Drop for NetworkPanel {
    fn drop(&mut self) {
        if let Some(job) = &self.job {
            job.cancel.store(true, Ordering::Relaxed);
        }
    }
}

/// Where the nodes of a picture shown were, by node id (`entity:…`, `concept:…`).
type Seed = std::collections::HashMap<String, [f64; 2]>;

/// Statements, networks and the layout for `key`; `Err` in the user's words. `cancel` is
/// asked between steps. Nodes found in `seed` start where they were and the layout only
/// settles, so an edit or a changed option moves the picture little.
fn compute(
    project: &Project,
    key: &Key,
    cancel: &AtomicBool,
    seed: &Seed,
    known: Option<Arc<Statements>>,
) -> Result<Drawn, String> {
    let (_, _, settings) = key;
    let st = match known {
        Some(st) => st,
        None => Arc::new(read_statements(project, key)?),
    };
    let options = settings.options();
    options.check(&st).map_err(|e| e.to_string())?;
    let whole = Network::compute(&st, &options);
    let (nodes, steps) = match &settings.window {
        None => {
            let behind = whole.behind_edges(&st);
            let nodes = drawn_nodes(&whole.rows, &whole.cols, whole.mode);
            let step = Step {
                label: "whole period".to_owned(),
                network: whole.clone(),
                behind,
            };
            (nodes, vec![step])
        }
        Some(spec) => {
            let Windows {
                windows,
                rows,
                cols,
                ..
            } = analysis::windows(&st, &options, spec).map_err(|e| e.to_string())?;
            let nodes = drawn_nodes(&rows, &cols, settings.mode);
            let mut steps = Vec::with_capacity(windows.len());
            for w in windows {
                if cancel.load(Ordering::Relaxed) {
                    return Err("cancelled".to_owned());
                }
                let label = format!("{} – {}", w.start, w.end);
                let behind = w.network.behind_edges(&st);
                steps.push(Step {
                    label,
                    network: w.network,
                    behind,
                });
            }
            (nodes, steps)
        }
    };
    // One layout for every step: that of the whole period's network, on the nodes drawn.
    let index_of = |n: &Node| {
        nodes
            .iter()
            .position(|m| m.kind == n.kind && m.index == n.index)
    };
    let layout_edges: Vec<LayoutEdge> = whole
        .edges
        .iter()
        .filter_map(|e| {
            let a = whole.rows.get(e.row).and_then(index_of)?;
            let b = whole.cols.get(e.col).and_then(index_of)?;
            Some(LayoutEdge {
                a,
                b,
                weight: e.weight.abs(),
            })
        })
        .collect();
    let start: Vec<Option<[f64; 2]>> = nodes
        .iter()
        .map(|n| seed.get(&analysis::write::node_id(&st, n)).copied())
        .collect();
    let known = start.iter().filter(|p| p.is_some()).count();
    // Mostly known: settle the picture; else lay it out afresh.
    let layout = if known * 2 > nodes.len() {
        LayoutOptions::settling(nodes.len())
    } else {
        LayoutOptions::for_nodes(nodes.len())
    };
    let places = force_directed_until(nodes.len(), &layout_edges, &start, layout, &|| {
        cancel.load(Ordering::Relaxed)
    })
    .ok_or_else(|| "cancelled".to_owned())?;
    Ok(Drawn {
        key: key.clone(),
        statements: st,
        steps,
        nodes,
        places,
    })
}

/// What the statements are read for: (project version, layer, stance read as a scale); the
/// other choices reuse them.
type ReadKey = (u64, String, bool);

fn read_key(key: &Key) -> ReadKey {
    (key.0, key.1.clone(), key.2.stance_scale)
}

/// The statements of `key`'s layer, the stance read as its choices say.
fn read_statements(project: &Project, key: &Key) -> Result<Statements, String> {
    let (_, layer, settings) = key;
    let stance_scale = settings.stance_scale && stance_is_scale(project);
    Statements::of(
        project,
        &StatementOptions {
            layer: LayerChoice::One(layer.clone()),
            qualifier_order: stance_scale
                .then(|| STANCE_SCALE.iter().map(|s| (*s).to_owned()).collect()),
            ..StatementOptions::default()
        },
    )
    .map_err(|e| e.to_string())
}

/// The nodes drawn: the rows, and in a two-mode network the columns after them.
fn drawn_nodes(rows: &[Node], cols: &[Node], mode: Mode) -> Vec<Node> {
    let mut nodes = rows.to_vec();
    if !mode.one_mode() {
        nodes.extend_from_slice(cols);
    }
    nodes
}

/// Whether the project's claims have the default stance (opposes, neutral, supports), which
/// can be read as a scale.
fn stance_is_scale(project: &Project) -> bool {
    project
        .schema
        .tag(&crate::summary::CLAIM.into())
        .and_then(|t| t.attribute(&crate::summary::STANCE.into()))
        .is_some_and(|a| match &a.kind {
            AttributeKind::Choice { values, .. } => {
                values.len() == STANCE_SCALE.len()
                    && STANCE_SCALE
                        .iter()
                        .all(|s| values.iter().any(|v| v.id.as_str() == *s))
            }
            _ => false,
        })
}

/// A combo box captioned by a label (kittest finds it by the caption).
fn choice<T: PartialEq + Copy>(
    ui: &mut egui::Ui,
    caption: &str,
    value: &mut T,
    options: &[(T, &str)],
) {
    let shown = options
        .iter()
        .find(|(v, _)| v == value)
        .map_or("", |(_, l)| l);
    let label = ui.label(caption);
    egui::ComboBox::from_id_salt(("network", caption))
        .selected_text(shown)
        .show_ui(ui, |ui| {
            for (v, l) in options {
                ui.selectable_value(value, *v, *l);
            }
        })
        .response
        .labelled_by(label.id);
}

impl NetworkPanel {
    /// The tab's contents: the choices, the network and the spans behind what was clicked.
    /// `layers` are those the Analysis window takes (the network takes one).
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        ws: &crate::workspace::Workspace,
        layers: &[String],
        out: &mut Requests,
    ) {
        let project = ws.project();
        let before = self.settings.clone();
        self.controls_ui(ui, project);
        if self.settings != before {
            self.picked = None;
            self.step = 0;
        }
        let [layer] = layers else {
            ui.label(
                "The network takes one layer: choose one with Layer above (the reviewed layer, \
                 or one analyst's).",
            );
            return;
        };
        let key: Key = (ws.version(), layer.clone(), self.settings.clone());
        self.refresh(ws, &key);
        if let Some(job) = &self.job {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Computing the network…");
                if ui.button("Cancel").clicked() {
                    job.cancel.store(true, Ordering::Relaxed);
                    self.stopped = Some(job.key.clone());
                }
            });
        }
        if let Some((k, why)) = &self.failed
            && *k == key
        {
            ui.colored_label(ui.visuals().error_fg_color, why);
            return;
        }
        if self.stopped.as_ref() == Some(&key) {
            let mut again = false;
            ui.horizontal(|ui| {
                ui.label(if self.drawn.is_some() {
                    "Cancelled: the network shown is of earlier choices or an earlier state of \
                     the project."
                } else {
                    "Cancelled."
                });
                again = ui.button("Compute again").clicked();
            });
            if again {
                self.stopped = None;
            }
            if self.drawn.is_none() {
                return;
            }
        }
        // Taken out while drawn, so that the panel's other fields can change meanwhile.
        let drawn = self.drawn.take();
        self.network_ui(ui, project, drawn.as_ref(), out);
        if self.drawn.is_none() {
            self.drawn = drawn;
        }
    }

    /// Where each node drawn is, by node id (`entity:…`, `concept:…`), in `[-1, 1]²`.
    pub fn places(&self) -> Vec<(String, [f64; 2])> {
        self.drawn.as_ref().map_or_else(Vec::new, |d| {
            d.nodes
                .iter()
                .zip(&d.places)
                .map(|(n, p)| (analysis::write::node_id(&d.statements, n), *p))
                .collect()
        })
    }

    /// The ties drawn and those in the network shown (the canvas draws at most
    /// [`DRAWN_TIES`]).
    pub fn ties(&self) -> (usize, usize) {
        let total = self
            .drawn
            .as_ref()
            .and_then(|d| d.steps.get(self.step.min(d.steps.len().saturating_sub(1))))
            .map_or(0, |s| s.network.edges.len());
        (self.picture.as_ref().map_or(0, |p| p.edges.len()), total)
    }

    /// Starts, polls or runs the computation for `key`.
    fn refresh(&mut self, ws: &crate::workspace::Workspace, key: &Key) {
        if let Some(job) = &self.job {
            match job.result.try_recv() {
                Ok(result) => {
                    let done = self.job.take().map(|j| j.key);
                    self.take_result(done, result);
                }
                Err(mpsc::TryRecvError::Empty) => {}
                Err(mpsc::TryRecvError::Disconnected) => self.job = None,
            }
        }
        let current = self.drawn.as_ref().is_some_and(|d| d.key == *key)
            || self.failed.as_ref().is_some_and(|(k, _)| k == key)
            || self.stopped.as_ref() == Some(key);
        let running = self.job.as_ref().is_some_and(|j| j.key == *key);
        if current || running {
            return;
        }
        if let Some(old) = self.job.take() {
            old.cancel.store(true, Ordering::Relaxed);
        }
        let project = ws.project();
        let seed: Seed = self.places().into_iter().collect();
        // The statements shown are read again only when the project, the layer or the way
        // the stance is read changed; other choices only compute networks from them.
        let known = self
            .drawn
            .as_ref()
            .filter(|d| read_key(&d.key) == read_key(key))
            .map(|d| Arc::clone(&d.statements));
        let big = project.annotations.len() + project.relations.len() > BACKGROUND_FROM;
        if !big {
            let result = compute(project, key, &AtomicBool::new(false), &seed, known);
            self.take_result(Some(key.clone()), result);
            return;
        }
        let shared = ws.shared();
        let cancel = Arc::new(AtomicBool::new(false));
        let (tx, rx) = mpsc::channel();
        let (k, c) = (key.clone(), Arc::clone(&cancel));
        std::thread::spawn(move || {
            let _ = tx.send(compute(&shared, &k, &c, &seed, known));
        });
        self.job = Some(Job {
            key: key.clone(),
            cancel,
            result: rx,
        });
    }

    fn take_result(&mut self, key: Option<Key>, result: Result<Drawn, String>) {
        match (key, result) {
            (_, Ok(drawn)) => {
                self.failed = None;
                self.step = self.step.min(drawn.steps.len().saturating_sub(1));
                self.drawn = Some(drawn);
            }
            (Some(k), Err(why)) if why != "cancelled" => {
                self.failed = Some((k, why));
            }
            _ => {}
        }
    }

    fn controls_ui(&mut self, ui: &mut egui::Ui, project: &Project) {
        let s = &mut self.settings;
        ui.horizontal_wrapped(|ui| {
            let mode_before = s.mode;
            choice(
                ui,
                "Network",
                &mut s.mode,
                &[
                    (Mode::ActorActor, "actors × actors"),
                    (Mode::ConceptConcept, "concepts × concepts"),
                    (Mode::ActorConcept, "actors × concepts"),
                ],
            );
            if s.mode != mode_before {
                s.fit_mode();
            }
            let (aggs, norms) = choices(s.mode);
            choice(ui, "Stances", &mut s.aggregation, aggs);
            s.fit_mode();
            if s.aggregation != Aggregation::Combine {
                choice(ui, "Normalise", &mut s.normalization, norms);
            }
            choice(
                ui,
                "Count once per",
                &mut s.duplicates,
                &[
                    (Duplicates::Statement, "statement"),
                    (Duplicates::Document, "article"),
                    (Duplicates::Week, "week"),
                    (Duplicates::Month, "month"),
                    (Duplicates::Year, "year"),
                ],
            );
        });
        ui.horizontal_wrapped(|ui| {
            if stance_is_scale(project) {
                ui.checkbox(
                    &mut s.stance_scale,
                    "Stance as a scale (opposes < neutral < supports)",
                )
                .on_hover_text(
                    "Off: a stance is a category, and two different ones are in conflict. \
                         On: neutral is half-way, so neutral and supports agree by half.",
                );
            }
            let label = ui.label("At least");
            ui.add(egui::DragValue::new(&mut s.min_statements).range(0..=1000))
                .labelled_by(label.id);
            ui.label("statements per node");
        });
        ui.horizontal_wrapped(|ui| {
            let mut unit = s.window.map(|w| w.unit);
            let label = ui.label("Time window");
            egui::ComboBox::from_id_salt(("network", "window"))
                .selected_text(match unit {
                    None => "whole period",
                    Some(WindowUnit::Days) => "days",
                    Some(WindowUnit::Weeks) => "weeks",
                    Some(WindowUnit::Months) => "months",
                    Some(WindowUnit::Years) => "years",
                    Some(WindowUnit::Statements) => "statements",
                })
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut unit, None, "whole period");
                    for (u, l) in [
                        (WindowUnit::Days, "days"),
                        (WindowUnit::Weeks, "weeks"),
                        (WindowUnit::Months, "months"),
                        (WindowUnit::Years, "years"),
                        (WindowUnit::Statements, "statements"),
                    ] {
                        ui.selectable_value(&mut unit, Some(u), l);
                    }
                })
                .response
                .labelled_by(label.id);
            match (unit, &mut s.window) {
                (None, w) => *w = None,
                (Some(u), Some(w)) => w.unit = u,
                (Some(u), w) => *w = Some(WindowSpec { unit: u, size: 6 }),
            }
            if let Some(w) = &mut s.window {
                let label = ui.label("wide");
                ui.add(egui::DragValue::new(&mut w.size).range(1..=1000))
                    .labelled_by(label.id);
            }
        });
    }

    fn network_ui(
        &mut self,
        ui: &mut egui::Ui,
        project: &Project,
        drawn: Option<&Drawn>,
        out: &mut Requests,
    ) {
        let Some(drawn) = drawn else {
            return;
        };
        let st = &drawn.statements;
        let skipped = &st.skipped;
        ui.label(
            RichText::new(format!(
                "{} statements from {} layer; {} claims without a speaker and {} without a concept make none.",
                st.list.len(),
                st.layers.join(", "),
                skipped.no_speaker,
                skipped.no_concept
            ))
            .weak(),
        );
        if drawn.steps.len() > 1 {
            let last = drawn.steps.len() - 1;
            ui.horizontal(|ui| {
                let label = ui.label("Window");
                ui.add(
                    egui::Slider::new(&mut self.step, 0..=last).custom_formatter(|v, _| {
                        drawn
                            .steps
                            .get(v as usize)
                            .map_or_else(String::new, |s| s.label.clone())
                    }),
                )
                .labelled_by(label.id);
            });
        } else if drawn.steps.is_empty() {
            ui.label("No window holds a dated statement.");
            return;
        }
        let Some(step) = drawn.steps.get(self.step.min(drawn.steps.len() - 1)) else {
            return;
        };
        let net = &step.network;
        if net.statements.is_empty() {
            ui.label("No statement is taken with these choices.");
        }
        let at = self.step.min(drawn.steps.len() - 1);
        if !self
            .picture
            .as_ref()
            .is_some_and(|p| p.key == drawn.key && p.step == at)
        {
            self.picture = Some(picture(drawn, at, self.settings.aggregation));
        }
        let Some(pic) = self.picture.take() else {
            return;
        };
        if pic.edges.len() < net.edges.len() {
            ui.label(
                RichText::new(format!(
                    "The {} strongest of {} ties are drawn; the list has them all.",
                    pic.edges.len(),
                    net.edges.len()
                ))
                .weak(),
            );
        }
        // The pick in this network; the canvas speaks of its own edges, the panel of the
        // network's.
        let resolved = self.picked.as_ref().and_then(|p| resolve(p, drawn, step));
        let picked = match resolved {
            Some(Hit::Edge(e)) => pic.edge_of.iter().position(|&x| x == e).map(Hit::Edge),
            other => other,
        };
        // The canvas takes three fifths of the width and at least 380 points of height (the
        // window grows to hold it); the ties and spans the rest, scrolling.
        let width = ui.available_width();
        let height = (ui.available_height() - 8.0).max(380.0);
        ui.horizontal_top(|ui| {
            let size = egui::vec2((width * 0.6).max(320.0), height);
            if let Some(hit) =
                self.canvas
                    .show(ui, size, &pic.nodes, &pic.edges, &drawn.places, picked)
            {
                let hit = match hit {
                    Hit::Edge(e) => pic.edge_of.get(e).copied().map(Hit::Edge),
                    node => Some(node),
                };
                self.picked = hit.and_then(|h| pick_of(h, drawn, step));
            }
            ui.vertical(|ui| {
                ui.set_max_height(height);
                ScrollArea::vertical()
                    .id_salt("network-side")
                    .max_height(height)
                    .show(ui, |ui| {
                        let on = OnScreen {
                            drawn,
                            step,
                            pic: &pic,
                            resolved,
                        };
                        self.side_ui(ui, project, on, out);
                    });
            });
        });
        self.picture = Some(pic);
    }

    /// The strongest ties and, once something is clicked, the spans behind it.
    fn side_ui(&mut self, ui: &mut egui::Ui, project: &Project, on: OnScreen, out: &mut Requests) {
        let OnScreen {
            drawn,
            step,
            pic,
            resolved,
        } = on;
        let st = &drawn.statements;
        let nodes = &pic.nodes;
        if self.picked.is_some() && resolved.is_none() {
            ui.horizontal(|ui| {
                ui.label("The tie picked is not in this window.");
                if ui.small_button("Clear").clicked() {
                    self.picked = None;
                }
            });
            ui.separator();
        }
        if let Some(hit) = resolved {
            let (title, behind) = match hit {
                Hit::Node(i) => (
                    nodes.get(i).map_or_else(String::new, |n| n.label.clone()),
                    node_statements(st, &step.network, drawn.nodes.get(i)),
                ),
                Hit::Edge(e) => (
                    tie_label(st, &step.network, e),
                    step.behind.get(e).cloned().unwrap_or_default(),
                ),
            };
            ui.horizontal(|ui| {
                ui.strong(title);
                if ui.small_button("Clear").clicked() {
                    self.picked = None;
                }
            });
            spans_ui(ui, project, st, &behind, out);
            ui.separator();
        }
        ui.strong("Strongest ties");
        if pic.strongest.is_empty() {
            ui.label("No tie in this network.");
        }
        for &e in pic.strongest.iter().take(25) {
            let w = step.network.edges[e].weight;
            let text = format!("{} ({})", tie_label(st, &step.network, e), weight_text(w));
            if ui
                .selectable_label(resolved == Some(Hit::Edge(e)), text)
                .clicked()
            {
                self.picked = pick_of(Hit::Edge(e), drawn, step);
            }
        }
        ui.separator();
        ui.strong("Nodes");
        for &i in pic.largest.iter().take(40) {
            if ui
                .selectable_label(resolved == Some(Hit::Node(i)), &nodes[i].tip)
                .clicked()
            {
                self.picked = pick_of(Hit::Node(i), drawn, step);
            }
        }
    }
}

/// The nodes and (the strongest [`DRAWN_TIES`]) edges of step `at` as the canvas draws them.
fn picture(drawn: &Drawn, at: usize, aggregation: Aggregation) -> Picture {
    let st = &drawn.statements;
    let mut pic = Picture {
        key: drawn.key.clone(),
        step: at,
        nodes: Vec::new(),
        edges: Vec::new(),
        edge_of: Vec::new(),
        strongest: Vec::new(),
        largest: Vec::new(),
    };
    let Some(step) = drawn.steps.get(at) else {
        return pic;
    };
    let net = &step.network;
    let place: std::collections::HashMap<(NodeKind, u32), usize> = drawn
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| ((n.kind, n.index), i))
        .collect();
    let index_of = |n: &Node| place.get(&(n.kind, n.index)).copied();
    // Each node's statements in this step (rows, and a two-mode network's columns).
    let mut in_step = vec![0; drawn.nodes.len()];
    let cols: &[Node] = if net.mode.one_mode() { &[] } else { &net.cols };
    for m in net.rows.iter().chain(cols) {
        if let Some(i) = index_of(m) {
            in_step[i] = m.statements;
        }
    }
    let most = in_step.iter().copied().max().unwrap_or(0).max(1);
    pic.nodes = drawn
        .nodes
        .iter()
        .zip(&in_step)
        .map(|(n, &count)| {
            let label = analysis::write::node_label(st, n).to_owned();
            let base = match n.kind {
                NodeKind::Actor => ACTOR_BLUE,
                NodeKind::Concept => CONCEPT_ORANGE,
            };
            CanvasNode {
                tip: format!(
                    "{label}: {count} statement{}",
                    if count == 1 { "" } else { "s" }
                ),
                label,
                size: count as f32 / most as f32,
                color: if count == 0 {
                    base.gamma_multiply(0.35)
                } else {
                    base
                },
            }
        })
        .collect();
    pic.largest = (0..pic.nodes.len()).collect();
    pic.largest.sort_by(|&a, &b| {
        let (na, nb) = (&pic.nodes[a], &pic.nodes[b]);
        nb.size.total_cmp(&na.size).then(a.cmp(&b))
    });
    let heaviest = net
        .edges
        .iter()
        .map(|e| e.weight.abs())
        .fold(0.0_f64, f64::max)
        .max(f64::MIN_POSITIVE);
    pic.strongest = (0..net.edges.len()).collect();
    pic.strongest.sort_by(|&a, &b| {
        let (wa, wb) = (net.edges[a].weight, net.edges[b].weight);
        wb.abs().total_cmp(&wa.abs()).then(a.cmp(&b))
    });
    // Drawn lightest first, so that the strongest lie on top.
    for &i in pic.strongest.iter().take(DRAWN_TIES).rev() {
        let Some(e) = net.edges.get(i) else {
            continue;
        };
        let (Some(a), Some(b)) = (
            net.rows.get(e.row).and_then(index_of),
            net.cols.get(e.col).and_then(index_of),
        ) else {
            continue;
        };
        let color = match aggregation {
            Aggregation::Congruence => AGREE_GREEN,
            Aggregation::Conflict => CONFLICT_RED,
            Aggregation::Subtract if e.weight > 0.0 => AGREE_GREEN,
            Aggregation::Subtract if e.weight < 0.0 => CONFLICT_RED,
            _ => NEUTRAL_GREY,
        };
        pic.edges.push(CanvasEdge {
            a,
            b,
            width: (e.weight.abs() / heaviest) as f32,
            color: color.gamma_multiply(0.8),
            tip: format!("{} ({})", tie_label(st, net, i), weight_text(e.weight)),
        });
        pic.edge_of.push(i);
    }
    pic
}

/// "Macron – Xi".
fn tie_label(st: &Statements, net: &Network, edge: usize) -> String {
    let Some(e) = net.edges.get(edge) else {
        return String::new();
    };
    let name = |n: Option<&Node>| n.map_or("", |n| analysis::write::node_label(st, n));
    format!(
        "{} – {}",
        name(net.rows.get(e.row)),
        name(net.cols.get(e.col))
    )
}

fn weight_text(w: f64) -> String {
    if w.fract() == 0.0 {
        format!("{w:.0}")
    } else {
        format!("{w:.3}")
    }
}

/// The statements of `node` taken in `net`.
fn node_statements(st: &Statements, net: &Network, node: Option<&Node>) -> Vec<u32> {
    let Some(node) = node else {
        return Vec::new();
    };
    net.statements
        .iter()
        .copied()
        .filter(|&i| {
            st.list.get(i as usize).is_some_and(|s| match node.kind {
                NodeKind::Actor => s.actor == node.index,
                NodeKind::Concept => s.concept == node.index,
            })
        })
        .collect()
}

/// The spans behind `statements`, one line each (a claim said by two actors once); a click
/// shows the span in its article.
fn spans_ui(
    ui: &mut egui::Ui,
    project: &Project,
    st: &Statements,
    statements: &[u32],
    out: &mut Requests,
) {
    let mut seen: Vec<&AnnotationId> = Vec::new();
    for &i in statements {
        let Some(s) = st.list.get(i as usize) else {
            continue;
        };
        if seen.contains(&&s.annotation) {
            continue;
        }
        seen.push(&s.annotation);
        let Some(a) = project.annotations.get(&s.annotation) else {
            continue;
        };
        let actor = st
            .actors
            .get(s.actor as usize)
            .map_or("", |a| a.name.as_str());
        let concept = st
            .concepts
            .get(s.concept as usize)
            .map_or("", |c| c.label.as_str());
        let stance = s
            .level
            .and_then(|l| st.qualifier.levels.get(l as usize))
            .map_or("no stance", |l| l.label.as_str());
        let article = st
            .documents
            .get(s.doc as usize)
            .and_then(|d| project.documents.get(d.index))
            .map_or("", |d| d.meta.title.as_str());
        let quote: String = a.quote.chars().take(90).collect();
        let more = if a.quote.chars().count() > 90 {
            "…"
        } else {
            ""
        };
        let text = format!("“{quote}{more}” — {actor}, {stance}, {concept} ({article})");
        if ui.link(text).clicked() {
            out.push(Request::OpenSpan(s.annotation.clone()));
        }
    }
    if seen.is_empty() {
        ui.label("No span.");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cancelled_computation_says_the_network_shown_is_older_and_computes_again_on_asking() {
        use egui_kittest::kittest::Queryable;
        let ws = crate::workspace::Workspace::new(
            crate::sample::sample_project().expect("the sample"),
            None,
        );
        let mut panel = NetworkPanel::default();
        panel.refresh(
            &ws,
            &(ws.version(), "analyst".into(), NetSettings::default()),
        );
        // The analyst chose conflict, and cancelled its computation.
        panel.settings.aggregation = Aggregation::Conflict;
        let wanted: Key = (ws.version(), "analyst".into(), panel.settings.clone());
        panel.stopped = Some(wanted.clone());
        let mut h = egui_kittest::Harness::builder()
            .with_size(egui::vec2(1200.0, 800.0))
            .build_ui_state(
                |ui, (panel, ws): &mut (NetworkPanel, crate::workspace::Workspace)| {
                    panel.ui(ui, ws, &["analyst".to_owned()], &mut Vec::new());
                },
                (panel, ws),
            );
        h.run();
        assert!(
            h.query_by_label_contains("the network shown is of earlier choices")
                .is_some()
        );
        assert_ne!(h.state().0.drawn.as_ref().expect("drawn").key, wanted);
        h.get_by_label("Compute again").click();
        h.run();
        assert_eq!(h.state().0.drawn.as_ref().expect("drawn").key, wanted);
        assert!(
            h.query_by_label_contains("the network shown is of earlier choices")
                .is_none()
        );
    }

    #[test]
    fn other_choices_reuse_the_statements_and_a_new_version_reads_them_again() {
        let ws = crate::workspace::Workspace::new(
            crate::sample::sample_project().expect("the sample"),
            None,
        );
        let mut panel = NetworkPanel::default();
        let key = |settings: NetSettings| -> Key { (ws.version(), "analyst".into(), settings) };
        let read =
            |panel: &NetworkPanel| Arc::clone(&panel.drawn.as_ref().expect("drawn").statements);
        panel.refresh(&ws, &key(NetSettings::default()));
        let first = read(&panel);
        let conflict = NetSettings {
            aggregation: Aggregation::Conflict,
            window: Some("months:6".parse().expect("a window")),
            ..NetSettings::default()
        };
        panel.refresh(&ws, &key(conflict.clone()));
        assert_eq!(panel.drawn.as_ref().expect("drawn").key.2, conflict);
        assert!(Arc::ptr_eq(&first, &read(&panel)), "the same statements");
        let scale = NetSettings {
            stance_scale: true,
            ..conflict
        };
        panel.refresh(&ws, &key(scale));
        assert!(
            !Arc::ptr_eq(&first, &read(&panel)),
            "read again, the stance as a scale"
        );
    }

    #[test]
    fn the_picture_draws_the_strongest_ties_on_top_each_edge_knowing_its_tie() {
        let project = crate::sample::sample_project().expect("the sample");
        let key: Key = (0, "analyst".to_owned(), NetSettings::default());
        let drawn =
            compute(&project, &key, &AtomicBool::new(false), &Seed::new(), None).expect("drawn");
        let pic = picture(&drawn, 0, Aggregation::Congruence);
        let net = &drawn.steps[0].network;
        assert_eq!(pic.edges.len(), net.edges.len().min(DRAWN_TIES));
        assert_eq!(pic.edge_of.len(), pic.edges.len());
        // Each canvas edge joins the ends of the tie it stands for.
        for (c, &e) in pic.edges.iter().zip(&pic.edge_of) {
            let tie = &net.edges[e];
            let (a, b) = (&drawn.nodes[c.a], &drawn.nodes[c.b]);
            assert_eq!(
                (a.kind, a.index),
                (net.rows[tie.row].kind, net.rows[tie.row].index)
            );
            assert_eq!(
                (b.kind, b.index),
                (net.cols[tie.col].kind, net.cols[tie.col].index)
            );
        }
        // Lightest first, so the last drawn (on top) is the strongest tie listed first.
        let weights: Vec<f64> = pic.edge_of.iter().map(|&e| net.edges[e].weight).collect();
        assert!(weights.windows(2).all(|w| w[0] <= w[1]), "{weights:?}");
        assert_eq!(pic.edge_of.last(), pic.strongest.first());
        assert_eq!(
            tie_label(&drawn.statements, net, pic.strongest[0]),
            "China – Emmanuel Macron"
        );
    }
}
