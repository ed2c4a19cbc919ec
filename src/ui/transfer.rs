//! The Export and Import windows: datasets and summaries out, colleagues' annotations in.
//! The windows edit their drafts and ask for the rest (`Request::StartExport`,
//! `ChooseImportFiles`, `CheckImport`, `ConfirmImport`), which the runner's `run/transfer.rs`
//! carries out.
//!
//! An export runs on a worker thread over a copy of the project, so a large export never
//! freezes the window; the window shows a progress bar, then the report of what was written
//! and what the format could not carry. An import is read and checked first and shown as a
//! preview (what comes in, which tag types would be added, every problem with its file and
//! line); nothing changes until the analyst confirms, and then it is one undo step.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::JoinHandle;

use egui::{RichText, ScrollArea, Ui};

use crate::formats::{Format, ImportFailure, ImportPlan, LayerChoice, Report};
use crate::model::DocId;

use super::request::{Request, Requests};
use super::shared::Shared;

/// The Export window's choices and the running or finished export.
pub struct ExportDraft {
    /// The format chosen.
    pub format: Format,
    /// The layer chosen.
    pub layer: LayerChoice,
    /// The documents chosen (all of them when the window opens).
    pub documents: BTreeSet<DocId>,
    pub(crate) job: Option<ExportJob>,
    /// The report of the last export, or why it failed.
    pub outcome: Option<Result<Report, String>>,
}

/// An export on its worker thread: documents done, documents in all, and the thread.
pub(crate) struct ExportJob {
    pub(crate) done: Arc<AtomicUsize>,
    pub(crate) total: Arc<AtomicUsize>,
    pub(crate) handle: JoinHandle<Result<Report, String>>,
}

impl ExportDraft {
    /// Whether an export is running.
    pub fn running(&self) -> bool {
        self.job.is_some()
    }
}

/// The Import window's choices and the checked import waiting for confirmation.
pub struct ImportDraft {
    /// The format of the input.
    pub format: Format,
    /// The layer to put everything in; empty: as the input records, else the analyst's name.
    pub layer: String,
    /// Import the valid items and skip the others.
    pub skip_invalid: bool,
    /// The files chosen.
    pub inputs: Vec<PathBuf>,
    /// The checked import, or every problem found.
    pub plan: Option<Result<ImportPlan, ImportFailure>>,
}

/// The windows that bring files in and out, while open.
#[derive(Default)]
pub struct Transfer {
    /// The Export window, while open (or while its export runs).
    pub export: Option<ExportDraft>,
    /// The Import window, while open.
    pub import: Option<ImportDraft>,
    /// The window merging a colleague's project: the file being read, then the preview.
    pub merge: super::merge_window::MergeState,
}

impl Transfer {
    /// The Export, Import and Merge windows, those open.
    pub(super) fn ui(&mut self, ctx: &egui::Context, cx: &Shared, out: &mut Requests) {
        self.export_ui(ctx, cx, out);
        self.import_ui(ctx, out);
        self.merge.ui(ctx, cx, out);
    }

    /// The Export window.
    fn export_ui(&mut self, ctx: &egui::Context, cx: &Shared, out: &mut Requests) {
        let Some(mut draft) = self.export.take() else {
            return;
        };
        let mut open = true;
        let mut start = false;
        let layers = cx.layers;
        egui::Window::new("Export")
            .open(&mut open)
            .default_width(560.0)
            .show(ctx, |ui| {
                ui.add_enabled_ui(draft.job.is_none(), |ui| {
                    export_choices_ui(ui, &mut draft, cx.project(), layers);
                });
                ui.separator();
                if let Some(job) = &draft.job {
                    let (n, of) = (
                        job.done.load(Ordering::Relaxed),
                        job.total.load(Ordering::Relaxed),
                    );
                    let fraction = if of == 0 { 0.0 } else { n as f32 / of as f32 };
                    ui.add(
                        egui::ProgressBar::new(fraction)
                            .text(format!("{n} of {of} documents"))
                            .show_percentage(),
                    );
                } else {
                    ui.horizontal(|ui| {
                        let ready = !draft.documents.is_empty();
                        if ui
                            .add_enabled(ready, egui::Button::new("Export…"))
                            .on_hover_text("Choose where to write, then export")
                            .clicked()
                        {
                            start = true;
                        }
                        ui.label(RichText::new(draft.format.describe()).weak());
                    });
                }
                match &draft.outcome {
                    Some(Ok(report)) => report_ui(ui, report),
                    Some(Err(e)) => {
                        ui.colored_label(ui.visuals().error_fg_color, e);
                    }
                    None => {}
                }
            });
        self.export = (open || draft.running()).then_some(draft);
        if start {
            out.push(Request::StartExport);
        }
    }

    /// The Import window.
    fn import_ui(&mut self, ctx: &egui::Context, out: &mut Requests) {
        let Some(mut draft) = self.import.take() else {
            return;
        };
        let mut open = true;
        let (mut choose, mut recheck, mut confirm) = (false, false, false);
        egui::Window::new("Import annotations")
            .open(&mut open)
            .default_width(560.0)
            .show(ctx, |ui| {
                egui::Grid::new("import options")
                    .num_columns(2)
                    .show(ui, |ui| {
                        let caption = ui.label("Format");
                        let before = draft.format;
                        egui::ComboBox::from_id_salt("import format")
                            .selected_text(draft.format.name())
                            .show_ui(ui, |ui| {
                                for f in Format::IMPORTABLE {
                                    ui.selectable_value(&mut draft.format, f, f.name())
                                        .on_hover_text(f.describe());
                                }
                            })
                            .response
                            .labelled_by(caption.id);
                        recheck |= before != draft.format;
                        ui.end_row();
                        let caption = ui.label("Into layer");
                        let layer = ui
                            .add(
                                egui::TextEdit::singleline(&mut draft.layer)
                                    .hint_text("as the files record, else you"),
                            )
                            .labelled_by(caption.id);
                        recheck |= layer.lost_focus();
                        ui.end_row();
                    });
                recheck |= ui
                    .checkbox(
                        &mut draft.skip_invalid,
                        "Skip invalid items and import the rest",
                    )
                    .changed();
                ui.horizontal(|ui| {
                    if ui.button("Choose files…").clicked() {
                        choose = true;
                    }
                    let n = draft.inputs.len();
                    if n > 0 {
                        ui.label(format!("{n} chosen"));
                    }
                });
                ui.separator();
                match &draft.plan {
                    Some(Ok(plan)) => {
                        ui.label(RichText::new("Ready to import").strong());
                        if !plan.report.new_tags.is_empty() {
                            ui.label(format!(
                                "These tag types are not in the schema and will be added: {}",
                                plan.report
                                    .new_tags
                                    .iter()
                                    .map(ToString::to_string)
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ));
                        }
                        lines_ui(ui, "import preview", &plan.report.to_text());
                        ui.horizontal(|ui| {
                            if ui.button("Import").clicked() {
                                confirm = true;
                            }
                            ui.label(RichText::new("One step: Ctrl+Z undoes it.").weak());
                        });
                    }
                    Some(Err(failure)) => {
                        ui.colored_label(
                            ui.visuals().error_fg_color,
                            format!(
                                "Nothing can be imported yet: {} problems. Fix the files, or tick \
                                 “Skip invalid items” to import the rest.",
                                failure.problems.len()
                            ),
                        );
                        let lines: Vec<String> =
                            failure.problems.iter().map(ToString::to_string).collect();
                        lines_ui(ui, "import problems", &lines.join("\n"));
                    }
                    None => {
                        ui.label(
                            RichText::new(
                                "Choose the files: nothing changes until you confirm the preview.",
                            )
                            .weak(),
                        );
                    }
                }
            });
        if !open {
            return;
        }
        let inputs = !draft.inputs.is_empty();
        self.import = Some(draft);
        if choose {
            out.push(Request::ChooseImportFiles);
        } else if recheck && inputs {
            out.push(Request::CheckImport);
        }
        if confirm {
            out.push(Request::ConfirmImport);
        }
    }
}

/// Format, layer and documents.
fn export_choices_ui(
    ui: &mut Ui,
    draft: &mut ExportDraft,
    project: &crate::model::Project,
    layers: &[String],
) {
    egui::Grid::new("export options")
        .num_columns(2)
        .show(ui, |ui| {
            let caption = ui.label("Format");
            egui::ComboBox::from_id_salt("export format")
                .selected_text(draft.format.name())
                .width(220.0)
                .show_ui(ui, |ui| {
                    for f in Format::ALL {
                        ui.selectable_value(&mut draft.format, f, f.name())
                            .on_hover_text(f.describe());
                    }
                })
                .response
                .labelled_by(caption.id);
            ui.end_row();
            let caption = ui.label("Layer");
            let auto = if draft.format.records_annotator() {
                "every layer".to_owned()
            } else {
                "automatic (reviewed, or the only one)".to_owned()
            };
            let shown = match &draft.layer {
                LayerChoice::Auto => auto.clone(),
                LayerChoice::One(l) => l.clone(),
            };
            egui::ComboBox::from_id_salt("export layer")
                .selected_text(shown)
                .width(220.0)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut draft.layer, LayerChoice::Auto, auto);
                    for l in layers {
                        ui.selectable_value(&mut draft.layer, LayerChoice::One(l.clone()), l);
                    }
                })
                .response
                .labelled_by(caption.id);
            ui.end_row();
        });
    ui.horizontal(|ui| {
        ui.label(format!(
            "Documents: {} of {}",
            draft.documents.len(),
            project.documents.len()
        ));
        if ui.small_button("All").clicked() {
            draft.documents = project.documents.iter().map(|d| d.id.clone()).collect();
        }
        if ui.small_button("None").clicked() {
            draft.documents.clear();
        }
    });
    ScrollArea::vertical()
        .id_salt("export documents")
        .max_height(160.0)
        .show(ui, |ui| {
            for d in &project.documents {
                let mut on = draft.documents.contains(&d.id);
                if ui.checkbox(&mut on, &d.meta.title).changed() {
                    if on {
                        draft.documents.insert(d.id.clone());
                    } else {
                        draft.documents.remove(&d.id);
                    }
                }
            }
        });
}

/// The report of a finished export.
fn report_ui(ui: &mut Ui, report: &Report) {
    ui.label(RichText::new("Report").strong());
    lines_ui(ui, "export report", &report.to_text());
}

/// Selectable lines of text in a scroll area.
fn lines_ui(ui: &mut Ui, id: &str, text: &str) {
    ScrollArea::vertical()
        .id_salt(id)
        .max_height(220.0)
        .show(ui, |ui| {
            for line in text.lines() {
                ui.add(egui::Label::new(RichText::new(line).monospace()).wrap());
            }
        });
}

/// A file name made from a project name.
pub(crate) fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let stem = stem.trim_matches('_').to_owned();
    if stem.is_empty() {
        "export".into()
    } else {
        stem
    }
}
