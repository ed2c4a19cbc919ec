//! What an answer to a question does: the runner's side of [`crate::ui::questions`].

use crate::model::ops;
use crate::ui::app::MarginaliaApp;
use crate::ui::questions::Answer;

impl MarginaliaApp {
    /// Carries out an answer. The question closes first, so a question the answer leads to
    /// (a lock met while saving, say) is the one shown next; an answer that can fail (an
    /// article without text, a position not in the text, a refused edit) leaves it open.
    pub(crate) fn answer(&mut self, answer: Answer) {
        let closing = !matches!(
            answer,
            Answer::AddPasted { .. }
                | Answer::GoTo(_)
                | Answer::Details(..)
                | Answer::MergeEntities(..)
        );
        if closing {
            self.asking.modal = None;
        }
        match answer {
            Answer::SaveThen(after) => {
                self.save_and_wait();
                if !self.is_dirty() {
                    let _ = self.then(after);
                }
            }
            Answer::DiscardThen(after) => self.discard_and(after),
            Answer::Recover(recovery) => self.recover(&recovery),
            Answer::DiscardRecovery(recovery) => {
                if let Err(e) = crate::session::discard_recovery(&recovery) {
                    self.error(format!("Could not remove {}: {e}", recovery.display()));
                }
            }
            Answer::MergeFromDisk => {
                if let Some(p) = self.ws.path().cloned() {
                    self.open_merge_from(p);
                }
            }
            Answer::Reload => self.reload(),
            Answer::KeepMine => {
                if let Some(p) = self.ws.path().cloned() {
                    // The analyst chose to write over the file as it is now (a change after
                    // this answer still stops the save).
                    self.ws.track(Some(&p));
                    self.write(&p);
                }
            }
            Answer::SaveAs => self.save_as(),
            Answer::Locked {
                path,
                for_save,
                anyway,
            } => {
                if anyway && for_save {
                    self.steal_and_write(&path);
                } else if anyway {
                    self.open_path(path, true);
                } else if !for_save && self.ws.path() == Some(&path) {
                    // Opened at start-up on a locked file: keep nothing tied to it, or our
                    // autosave would write beside the other instance's.
                    let project = crate::model::Project::clone(self.ws.project());
                    self.replace_project(project, None);
                    self.notify("Not tied to the locked file: Save as to keep this work.");
                }
            }
            Answer::Annotator(name) => {
                self.prefs.annotator = name;
                self.check_recovery();
            }
            Answer::AddPasted { title, text } => {
                if self.add_pasted(&title, &text) {
                    self.asking.modal = None;
                }
            }
            Answer::GoTo(target) => match self.go_to(&target) {
                Ok(()) => self.asking.modal = None,
                Err(e) => {
                    self.error(e);
                    self.selection.focus = Some("go to");
                }
            },
            Answer::Details(doc, meta) => {
                let edit = ops::set_document_meta(self.ws.project(), &doc, meta);
                if self.apply("Edit details", edit) {
                    self.asking.modal = None;
                }
            }
            Answer::MergeEntities(keep, gone) => {
                let edit =
                    ops::merge_entities(self.ws.project(), &keep, &gone, jiff::Timestamp::now());
                if self.apply("Merge entities", edit) {
                    self.asking.modal = None;
                }
            }
            Answer::OpenLayer(layer) => self.open_layer(&layer),
            Answer::DeleteTag(tag) => self.confirm_delete_tag(&tag),
        }
    }
}
