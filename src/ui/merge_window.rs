//! The window that merges a colleague's project into this one (File › Import a colleague's
//! project…). The file is read on a worker thread (with a spinner and Cancel); the preview
//! is then planned on the UI thread (about 80 ms for two layers of 40,000 annotations), with
//! a checkbox per layer and the mapping of their tags that this schema lacks. Nothing changes
//! until "Merge"; then the merge is planned again against the project as it is at that moment
//! and applied as one undo step (the runner's `run/transfer.rs`, on `Request::ConfirmMerge`).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::thread::JoinHandle;

use egui::{RichText, ScrollArea, Ui};

use crate::model::{Project, TagId};
use crate::review::merge::{LayerReport, LayerStatus, TagProposal};
use crate::review::{MergeOptions, MergePlan, plan_merge};

use super::request::{Request, Requests};
use super::shared::Shared;

/// The merge window: the colleague's file being read on a worker thread, then the preview.
#[derive(Default)]
pub struct MergeState {
    pub(crate) loading: Option<MergeLoad>,
    pub(crate) draft: Option<MergeDraft>,
}

/// A colleague's project being read (a 35 MB file takes about 0.3 s).
pub(crate) struct MergeLoad {
    pub(crate) path: PathBuf,
    pub(crate) handle: JoinHandle<Result<Project, String>>,
}

/// The merge window's state: their project, the analyst's choices and the preview.
pub struct MergeDraft {
    /// The colleague's project file.
    pub path: PathBuf,
    /// Their project, as loaded.
    pub(crate) theirs: Project,
    /// Their layers, and whether each is to come in.
    pub layers: BTreeMap<String, bool>,
    /// Their tags this schema lacks, with the default mapping.
    pub(crate) proposals: Vec<TagProposal>,
    /// For each proposal: my tag it becomes, or `None` to add it as a new tag.
    pub tag_map: BTreeMap<TagId, Option<TagId>>,
    /// The preview against the project as it was when last planned, or why it failed.
    pub(crate) plan: Option<Result<MergePlan, String>>,
}

impl MergeDraft {
    /// The options the analyst's choices amount to.
    pub fn options(&self) -> MergeOptions {
        MergeOptions {
            layers: Some(
                self.layers
                    .iter()
                    .filter(|(_, on)| **on)
                    .map(|(name, _)| name.clone())
                    .collect(),
            ),
            tag_map: self
                .tag_map
                .iter()
                .map(|(theirs, mine)| (theirs.clone(), mine.clone().unwrap_or(theirs.clone())))
                .collect(),
        }
    }

    pub(crate) fn replan(&mut self, mine: &Project) {
        self.plan =
            Some(plan_merge(mine, &self.theirs, &self.options()).map_err(|e| e.to_string()));
    }
}

impl MergeState {
    /// The window while the colleague's project is read: its name, a spinner and Cancel.
    fn loading_ui(&mut self, ctx: &egui::Context) {
        let Some(load) = &self.loading else {
            return;
        };
        let mut open = true;
        let mut cancel = false;
        egui::Window::new("Import a colleague's project")
            .open(&mut open)
            .default_width(600.0)
            .show(ctx, |ui| {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(format!("Reading {}…", load.path.display()));
                });
                cancel = ui.button("Cancel").clicked();
            });
        if !open || cancel {
            // The reading thread finishes on its own; what it read is dropped.
            self.loading = None;
        }
    }

    /// The merge window.
    pub(super) fn ui(&mut self, ctx: &egui::Context, cx: &Shared, out: &mut Requests) {
        self.loading_ui(ctx);
        let Some(mut draft) = self.draft.take() else {
            return;
        };
        let mut open = true;
        let (mut changed, mut confirm, mut cancel) = (false, false, false);
        let my_tags: Vec<(TagId, String)> = cx
            .project()
            .schema
            .tags
            .iter()
            .map(|t| (t.id.clone(), t.label.clone()))
            .collect();
        egui::Window::new("Import a colleague's project")
            .open(&mut open)
            .default_width(600.0)
            .show(ctx, |ui| {
                ui.label(format!(
                    "{} — “{}”, {} articles",
                    draft.path.display(),
                    draft.theirs.name,
                    draft.theirs.documents.len()
                ));
                let report = draft
                    .plan
                    .as_ref()
                    .and_then(|p| p.as_ref().ok())
                    .map(|p| &p.report);
                if let Some(r) = report {
                    ui.label(format!(
                        "Articles: {} matched by their text, {} new",
                        r.documents_matched,
                        r.documents_added.len()
                    ));
                }
                ui.separator();
                ui.label(RichText::new("Their layers").strong());
                let rows: Vec<LayerReport> = report.map(|r| r.layers.clone()).unwrap_or_default();
                egui::Grid::new("merge layers")
                    .num_columns(2)
                    .show(ui, |ui| {
                        for (name, on) in &mut draft.layers {
                            changed |= ui.checkbox(on, name.as_str()).changed();
                            let row = rows.iter().find(|l| &l.name == name);
                            ui.label(row.map(layer_summary).unwrap_or_default());
                            ui.end_row();
                        }
                    });
                if !draft.proposals.is_empty() {
                    ui.separator();
                    ui.label(RichText::new("Their tags that your schema lacks").strong());
                    egui::Grid::new("merge tags").num_columns(2).show(ui, |ui| {
                        for p in &draft.proposals {
                            changed |= tag_choice_ui(ui, p, &my_tags, &mut draft.tag_map);
                            ui.end_row();
                        }
                    });
                }
                ui.separator();
                match &draft.plan {
                    Some(Ok(plan)) => {
                        ScrollArea::vertical()
                            .id_salt("merge preview")
                            .max_height(200.0)
                            .show(ui, |ui| {
                                for line in plan.report.to_text().lines() {
                                    ui.add(
                                        egui::Label::new(RichText::new(line).monospace()).wrap(),
                                    );
                                }
                            });
                    }
                    Some(Err(e)) => {
                        ui.colored_label(ui.visuals().error_fg_color, e);
                    }
                    None => {}
                }
                ui.horizontal(|ui| {
                    let ready = draft
                        .plan
                        .as_ref()
                        .is_some_and(|p| p.as_ref().is_ok_and(|p| p.report.changed));
                    if ui
                        .add_enabled(ready, egui::Button::new("Merge"))
                        .on_hover_text("Bring in what the preview lists, as one undo step")
                        .clicked()
                    {
                        confirm = true;
                    }
                    if ui.button("Cancel").clicked() {
                        cancel = true;
                    }
                    ui.label(RichText::new("One step: Ctrl+Z undoes it.").weak());
                });
            });
        if !open || cancel {
            return;
        }
        if changed {
            draft.replan(cx.project());
        }
        self.draft = Some(draft);
        if confirm {
            out.push(Request::ConfirmMerge);
        }
    }
}

/// One line on a layer: its status and what it changes.
fn layer_summary(l: &LayerReport) -> String {
    match l.status {
        LayerStatus::New => format!(
            "new: {} annotations, {} relations",
            l.annotations, l.relations
        ),
        LayerStatus::Updated => format!(
            "updated: {} added, {} newer, {} only in yours (kept)",
            l.added, l.changed, l.removed
        ),
        LayerStatus::Unchanged => "unchanged".to_owned(),
        LayerStatus::KeptYours => format!(
            "nothing newer in theirs, yours kept ({} added, {} newer, {} only in yours)",
            l.added, l.changed, l.removed
        ),
    }
}

/// The mapping of one of their tags: a caption and a combo of "add as new tag" or one of
/// mine. Returns whether the choice changed.
fn tag_choice_ui(
    ui: &mut Ui,
    proposal: &TagProposal,
    my_tags: &[(TagId, String)],
    tag_map: &mut BTreeMap<TagId, Option<TagId>>,
) -> bool {
    let caption = ui.label(format!(
        "Their tag {} ({}), used {} times",
        proposal.tag, proposal.label, proposal.uses
    ));
    let current = tag_map.get(&proposal.tag).cloned().flatten();
    let mut chosen = current.clone();
    let shown = |id: &Option<TagId>| match id {
        None => "add as new tag".to_owned(),
        Some(id) => {
            let label = my_tags
                .iter()
                .find(|(t, _)| t == id)
                .map_or(id.as_str(), |(_, l)| l.as_str());
            format!("as your tag {label}")
        }
    };
    egui::ComboBox::from_id_salt(("merge tag", proposal.tag.as_str()))
        .selected_text(shown(&chosen))
        .width(220.0)
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut chosen, None, shown(&None));
            for (id, _) in my_tags {
                let value = Some(id.clone());
                let text = shown(&value);
                ui.selectable_value(&mut chosen, value, text);
            }
        })
        .response
        .labelled_by(caption.id);
    if chosen != current {
        tag_map.insert(proposal.tag.clone(), chosen);
        true
    } else {
        false
    }
}
