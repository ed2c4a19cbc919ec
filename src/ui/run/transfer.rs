//! The Export, Import and Merge windows' commands: open them, run an export, read and
//! preview an import, load and preview a colleague's project, and confirm.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use jiff::Timestamp;

use crate::formats::{self, *};
use crate::model::{DocId, Project};
use crate::review::{MergeOptions, plan_merge, tag_proposals};
use crate::store;
use crate::ui::app::MarginaliaApp;
use crate::ui::merge_window::*;
use crate::ui::transfer::*;

impl MarginaliaApp {
    /// Opens the Export window with every document chosen.
    pub(crate) fn open_export(&mut self) {
        if self
            .transfer
            .export
            .as_ref()
            .is_some_and(ExportDraft::running)
        {
            return;
        }
        self.transfer.export = Some(ExportDraft {
            format: Format::Jsonl,
            layer: LayerChoice::Auto,
            documents: self
                .ws
                .project()
                .documents
                .iter()
                .map(|d| d.id.clone())
                .collect(),
            job: None,
            outcome: None,
        });
    }

    /// Opens the Import window.
    pub(crate) fn open_import(&mut self) {
        self.transfer.import = Some(ImportDraft {
            format: Format::Brat,
            layer: String::new(),
            skip_invalid: false,
            inputs: Vec::new(),
            plan: None,
        });
    }

    /// Asks where to write, then starts the export on a worker thread.
    pub fn start_export(&mut self) {
        let Some(draft) = self.transfer.export.as_mut() else {
            return;
        };
        let format = draft.format;
        let suggested = match format.extension() {
            Some(ext) => format!("{}.{ext}", file_stem(&self.ws.project().name)),
            None => format!("{}-{}", file_stem(&self.ws.project().name), format.name()),
        };
        let Some(out) = self.asking.dialogs.export_target(format, &suggested) else {
            return;
        };
        // The documents ticked that are still in the project, in project order.
        let chosen: Vec<DocId> = self
            .ws
            .project()
            .documents
            .iter()
            .filter(|d| draft.documents.contains(&d.id))
            .map(|d| d.id.clone())
            .collect();
        let options = ExportOptions {
            layer: draft.layer.clone(),
            documents: Some(chosen),
        };
        let project = self.ws.shared();
        // Never over the project open (or its backup, recovery file or lock), by any path.
        let protected = self
            .ws
            .path()
            .map(std::path::PathBuf::as_path)
            .map_or_else(formats::Protected::default, formats::Protected::project);
        let done = Arc::new(AtomicUsize::new(0));
        let total = Arc::new(AtomicUsize::new(0));
        let (d, t) = (done.clone(), total.clone());
        let handle = std::thread::spawn(move || {
            formats::export_to(
                &project,
                format,
                &options,
                &out,
                &protected,
                &mut |n, of| {
                    d.store(n, Ordering::Relaxed);
                    t.store(of, Ordering::Relaxed);
                },
            )
            .map_err(|e| e.to_string())
        });
        draft.outcome = None;
        draft.job = Some(ExportJob {
            done,
            total,
            handle,
        });
    }

    /// Collects a finished export's report.
    pub(crate) fn poll_export(&mut self, ctx: &egui::Context) {
        let Some(draft) = self.transfer.export.as_mut() else {
            return;
        };
        let Some(job) = draft.job.take_if(|j| j.handle.is_finished()) else {
            if draft.job.is_some() {
                ctx.request_repaint_after(std::time::Duration::from_millis(50));
            }
            return;
        };
        let outcome = job
            .handle
            .join()
            .unwrap_or_else(|_| Err("the export stopped unexpectedly".into()));
        let message = match &outcome {
            Ok(r) => (
                format!(
                    "Exported {} annotations as {}{}.",
                    r.annotations,
                    r.format,
                    if r.not_carried.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "; {} could not be carried (see the report)",
                            r.not_carried.len()
                        )
                    }
                ),
                false,
            ),
            Err(e) => (format!("Export failed: {e}"), true),
        };
        draft.outcome = Some(outcome);
        self.asking.message = Some(message);
    }

    /// Asks for the files, then reads and checks them into a preview.
    pub fn choose_import_inputs(&mut self) {
        let Some(format) = self.transfer.import.as_ref().map(|d| d.format) else {
            return;
        };
        let inputs = self.asking.dialogs.import_inputs(format);
        if inputs.is_empty() {
            return;
        }
        if let Some(draft) = self.transfer.import.as_mut() {
            draft.inputs = inputs;
        }
        self.check_import();
    }

    /// Reads and checks the chosen inputs again (after a change of option).
    pub fn check_import(&mut self) {
        let Some(draft) = self.transfer.import.as_mut() else {
            return;
        };
        let options = ImportOptions {
            annotator: Some(draft.layer.trim().to_owned()).filter(|s| !s.is_empty()),
            fallback_annotator: self.prefs.annotator.clone(),
            skip_invalid: draft.skip_invalid,
            now: Timestamp::now(),
        };
        draft.plan = Some(
            match formats::read_for(draft.format, &draft.inputs, self.ws.project()) {
                Ok(incoming) => formats::plan_import(self.ws.project(), incoming, &options),
                Err(e) => Err(ImportFailure {
                    problems: vec![formats::ImportProblem::new(
                        formats::Place::default(),
                        e.to_string(),
                    )],
                }),
            },
        );
    }

    /// Checks the import again against the project as it is now (it may have changed since the
    /// preview), and applies it as one undo step if it still holds.
    pub fn confirm_import(&mut self) {
        let shown = self.transfer.import.as_ref().and_then(|d| d.plan.clone());
        self.check_import();
        let Some(Some(Ok(plan))) = self.transfer.import.as_mut().map(|d| d.plan.take()) else {
            return;
        };
        if shown
            .as_ref()
            .and_then(|p| p.as_ref().ok())
            .map(|p| &p.report)
            != Some(&plan.report)
        {
            // The project changed under the preview: show the new one instead of applying.
            if let Some(draft) = self.transfer.import.as_mut() {
                draft.plan = Some(Ok(plan));
            }
            self.notify("The project changed since the preview: check the new preview.");
            return;
        }
        let report = plan.report.clone();
        if self.apply("Import", Ok(plan.edit)) {
            self.transfer.import = None;
            self.notify(format!(
                "Imported {} annotations and {} relations into {}.",
                report.annotations,
                report.relations,
                report.layers.join(", ")
            ));
        }
    }
}

impl MarginaliaApp {
    /// Asks for a colleague's project, loads it and opens the preview.
    pub(crate) fn open_merge(&mut self) {
        let Some(path) = self.asking.dialogs.colleague_project() else {
            return;
        };
        self.open_merge_from(path);
    }

    /// Reads `path` as a colleague's project on a worker thread; the preview opens when it is
    /// read (see [`Self::merge_loading`]).
    pub fn open_merge_from(&mut self, path: PathBuf) {
        let file = path.clone();
        let handle = std::thread::spawn(move || store::load(&file).map_err(|e| e.to_string()));
        self.transfer.merge = MergeState {
            loading: Some(MergeLoad { path, handle }),
            draft: None,
        };
    }

    /// Whether a colleague's project is being read for the merge window.
    pub fn merge_loading(&self) -> bool {
        self.transfer.merge.loading.is_some()
    }

    /// Opens the preview once the colleague's project is read, or says why it could not be.
    pub(crate) fn poll_merge_load(&mut self, ctx: &egui::Context) {
        let Some(load) = self
            .transfer
            .merge
            .loading
            .take_if(|l| l.handle.is_finished())
        else {
            if self.transfer.merge.loading.is_some() {
                ctx.request_repaint_after(std::time::Duration::from_millis(30));
            }
            return;
        };
        let loaded = load
            .handle
            .join()
            .unwrap_or_else(|_| Err("reading it stopped unexpectedly".into()));
        match loaded {
            Ok(theirs) => self.transfer.merge.draft = Some(self.preview(load.path, theirs)),
            Err(e) => self.error(format!("Cannot merge: {e}")),
        }
    }

    /// The preview of merging `theirs`, with every layer chosen and the default tag mapping.
    pub(crate) fn preview(&self, path: PathBuf, theirs: Project) -> MergeDraft {
        let proposals = tag_proposals(self.ws.project(), &theirs);
        let mut draft = MergeDraft {
            path,
            layers: BTreeMap::new(),
            tag_map: proposals
                .iter()
                .map(|p| (p.tag.clone(), p.default.clone()))
                .collect(),
            proposals,
            plan: None,
            theirs,
        };
        // Every layer the planner sees, chosen.
        let all = plan_merge(
            self.ws.project(),
            &draft.theirs,
            &MergeOptions {
                layers: None,
                tag_map: draft.options().tag_map,
            },
        );
        if let Ok(plan) = &all {
            draft.layers = plan
                .report
                .layers
                .iter()
                .map(|l| (l.name.clone(), true))
                .collect();
        }
        draft.plan = Some(all.map_err(|e| e.to_string()));
        draft
    }

    /// Plans the merge again against the project as it is now and applies it as one step.
    pub fn confirm_merge(&mut self) {
        let Some(mut draft) = self.transfer.merge.draft.take() else {
            return;
        };
        draft.replan(self.ws.project());
        let Some(Ok(plan)) = draft.plan.take() else {
            self.transfer.merge.draft = Some(draft);
            return;
        };
        let report = plan.report.clone();
        let name = draft
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !report.changed {
            self.notify(format!("{name}: nothing new; the project is unchanged."));
            return;
        }
        if self.apply("Merge a colleague's project", Ok(plan.edit)) {
            let layers: Vec<&str> = report
                .layers
                .iter()
                .filter(|l| l.comes_in())
                .map(|l| l.name.as_str())
                .collect();
            self.notify(format!(
                "Merged {name}: {} annotations changed in {}, {} articles added. Ctrl+Z undoes it.",
                report.annotations_touched,
                if layers.is_empty() {
                    "no layer".to_owned()
                } else {
                    layers.join(", ")
                },
                report.documents_added.len()
            ));
        } else {
            self.transfer.merge.draft = Some(draft);
        }
    }
}
