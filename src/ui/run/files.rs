//! Files from the window: new, open, save, save as, adding articles (dialog, drop, paste),
//! and never losing work: autosave to a recovery file, recovery after a crash, a prompt
//! before closing with unsaved changes, a check that the file on disk did not change since
//! it was read, and a lock against a second instance. The mechanics are
//! [`crate::session`]; this module decides when to use them and what to ask.

use std::path::{Path, PathBuf};

use egui::Ui;

use crate::intake;
use crate::model::{Document, Project, ops};
use crate::session::{self, LockError};
use crate::store;
use crate::workspace::{Finished, SaveKind};

use crate::ui::app::MarginaliaApp;
use crate::ui::dialogs::{After, Modal};

/// The window's own state beyond the workspace and the panels: its focus, closing, a file
/// changed on disk, and the side panels' widths.
#[derive(Default)]
pub struct WindowState {
    /// Whether the window had the focus last frame.
    focused: bool,
    /// Close the window once the current question is answered.
    quit: bool,
    /// When the file changed on disk: what the file has that the window's work lacks (what
    /// keeping mine would drop), and what the work has that the file lacks (what Reload would
    /// drop), one line each.
    pub conflict: (Vec<String>, Vec<String>),
    /// The window may close: unsaved work was saved or discarded.
    pub allow_close: bool,
    /// The side panels' widths as the analyst set them.
    pub panel_widths: crate::ui::sizing::PanelWidths,
}

impl MarginaliaApp {
    /// "saved", "unsaved", "autosaved 12:04".
    pub(crate) fn save_state(&self) -> String {
        if let Some(kind) = self.ws.saving() {
            return match kind {
                SaveKind::Save { .. } => "saving…".to_owned(),
                SaveKind::Autosave { .. } => "unsaved · autosaving…".to_owned(),
            };
        }
        if !self.is_dirty() {
            return "saved".to_owned();
        }
        match self.ws.autosaved() {
            Some(t) => format!("unsaved · autosaved {} s ago", t.elapsed().as_secs()),
            None => "unsaved".to_owned(),
        }
    }

    /// Takes the project file's lock; asks when another instance holds it.
    pub(crate) fn lock(&mut self, path: &Path, for_save: bool) -> bool {
        self.finish_job();
        match self.ws.acquire_lock(path) {
            Ok(()) => true,
            Err(LockError::Held(info)) => {
                self.asking.modal = Some(Modal::Locked {
                    holder: info.to_string(),
                    path: path.to_owned(),
                    for_save,
                });
                false
            }
            Err(e) => {
                // A folder where no lock can be written (read-only media): open without one.
                self.notify(format!("No lock for {}: {e}", path.display()));
                true
            }
        }
    }

    /// Opens the project at `path` (after any question about unsaved work was answered).
    /// Returns whether the project was replaced.
    pub(crate) fn open_path(&mut self, path: PathBuf, steal_lock: bool) -> bool {
        let project = match store::load(&path) {
            Ok(p) => p,
            Err(e) => {
                self.error(format!("Could not open {}: {e}", path.display()));
                return false;
            }
        };
        if steal_lock {
            self.steal_lock(&path);
        } else if !self.lock(&path, false) {
            return false;
        }
        // Holding the lock, no save of this project is under way: what a killed one left
        // beside it can go. (Not after taking the lock from another instance: its save may
        // be under way.)
        let leftovers = if steal_lock {
            0
        } else {
            store::remove_leftovers(&path).len()
        };
        self.replace_project(project, Some(path.clone()));
        self.ws.track(Some(&path));
        self.notify(match leftovers {
            0 => format!("Opened {}", path.display()),
            n => format!(
                "Opened {} (and removed {n} temporary file{} an interrupted save had left)",
                path.display(),
                if n == 1 { "" } else { "s" }
            ),
        });
        self.check_recovery();
        true
    }

    /// Takes over the lock on `path` ("anyway" over another instance).
    pub(crate) fn steal_lock(&mut self, path: &Path) {
        self.finish_job();
        match self.ws.steal_lock(path) {
            Ok(()) => {}
            Err(e) => self.notify(format!("No lock for {}: {e}", path.display())),
        }
    }

    /// Takes over the lock on `path` and saves there ("save anyway").
    pub(crate) fn steal_and_write(&mut self, path: &Path) {
        self.steal_lock(path);
        self.write(path);
    }

    /// Offers work recovered from an autosave of the current project, if there is any.
    pub fn check_recovery(&mut self) {
        let found = match (
            self.ws.path(),
            self.ws.never_saved(),
            self.ws.untitled_dir(),
        ) {
            (Some(p), false, _) => session::find_recovery(p),
            (_, _, Some(dir)) => session::find_untitled_recovery(dir),
            _ => return,
        };
        match found {
            Ok(Some(found)) => {
                let lines =
                    session::ProjectDiff::between(self.ws.project(), &found.project).lines();
                self.asking.modal = Some(Modal::Recover {
                    recovery: found.path,
                    lines,
                });
            }
            Ok(None) => {}
            Err(e) => self.error(e.to_string()),
        }
    }

    /// Where the current project's autosave goes.
    pub(crate) fn recovery_path(&self) -> Option<PathBuf> {
        self.ws.recovery_path()
    }

    /// Accepts the recovered work: it replaces the project in the window, unsaved; the
    /// project file on disk is untouched until the analyst saves (Reload goes back to it).
    pub(crate) fn recover(&mut self, recovery: &Path) {
        match store::load(recovery) {
            Ok(recovered) => {
                // The same file, unsaved until saved.
                if let Some(finished) = self.ws.recovered(recovered) {
                    self.report(finished);
                }
                self.forget_views();
                self.notify("Recovered the autosaved work; save to keep it.");
            }
            Err(e) => self.error(format!("Could not read {}: {e}", recovery.display())),
        }
    }

    /// Saves to the project file, or asks where when there is none; a large project on
    /// another thread.
    pub(crate) fn save(&mut self) {
        self.save_with(false);
    }

    /// Saves now, on this thread, for what waits on the save (a quit, an open, a new
    /// project after "Save" in the unsaved-changes question).
    pub(crate) fn save_and_wait(&mut self) {
        self.finish_job();
        self.save_with(true);
    }

    pub(crate) fn save_with(&mut self, wait: bool) {
        let Some(path) = self.ws.path().cloned().filter(|_| !self.ws.never_saved()) else {
            self.save_as();
            return;
        };
        // One writer at a time: this save follows the one being written, unless that one is
        // already a save of this very work.
        if self.ws.queue_save() {
            return;
        }
        if self.ws.changed_on_disk(&path) {
            self.window.conflict = match store::load(&path) {
                Ok(disk) => {
                    let theirs = session::lacking(self.ws.project(), &disk);
                    if theirs.is_empty() {
                        // The work holds all the file has (a merge of it, say): writing it
                        // loses nothing. The file as it is now is the one written over (a
                        // change after this look still stops the save).
                        self.ws.track(Some(&path));
                        self.write_soon(&path, wait);
                        return;
                    }
                    (theirs, session::lacking(&disk, self.ws.project()))
                }
                Err(e) => (
                    vec![format!("the file on disk cannot be read: {e}")],
                    Vec::new(),
                ),
            };
            self.asking.modal = Some(Modal::ChangedOnDisk);
            return;
        }
        self.write_soon(&path, wait);
    }

    /// Writes the project to its own file `path`: at once when it is small or `wait` says
    /// so, otherwise on another thread (the window goes on; [`Self::files_frame`] reports the
    /// outcome). No other save is being written (`save_with` saw to it).
    pub(crate) fn write_soon(&mut self, path: &Path, wait: bool) {
        if let Some(result) = self.ws.write_soon(path, wait) {
            self.report_write(path, result);
        }
    }

    /// Writes the project to `path` now; on success it is the project's file from now on.
    pub(crate) fn write(&mut self, path: &Path) -> bool {
        self.finish_job();
        let result = self.ws.write(path);
        self.report_write(path, result)
    }

    pub(crate) fn report_write(
        &mut self,
        path: &Path,
        result: Result<(), store::StoreError>,
    ) -> bool {
        match result {
            Ok(()) => {
                self.report(Finished::Saved {
                    path: path.to_owned(),
                });
                true
            }
            Err(e) => {
                self.error(format!("Could not save {}: {e}", path.display()));
                false
            }
        }
    }

    /// Collects a save or autosave written on another thread, once it is done.
    pub(crate) fn poll_save(&mut self, ctx: &egui::Context) {
        let Some(finished) = self.ws.poll() else {
            if self.ws.saving().is_some() {
                ctx.request_repaint_after(std::time::Duration::from_millis(30));
            }
            return;
        };
        self.report(finished);
        if self.ws.take_queued_save() {
            self.save();
        }
    }

    /// Waits for a save or autosave being written on another thread and reports its
    /// outcome, before anything else writes, takes or gives up the lock, or replaces the
    /// project. A save asked for meanwhile is then the caller's to make.
    pub(crate) fn finish_job(&mut self) {
        if let Some(finished) = self.ws.finish_job() {
            self.report(finished);
        }
    }

    /// Tells the analyst what a save or autosave did.
    pub(crate) fn report(&mut self, finished: Finished) {
        match finished {
            Finished::Saved { path } => {
                self.prefs.remember(&path);
                self.notify(format!("Saved {}", path.display()));
            }
            Finished::SaveFailed { path, error } => {
                self.error(format!("Could not save {}: {error}", path.display()));
            }
            Finished::Autosaved => {}
            Finished::AutosaveFailed { recovery, error } => {
                self.error(format!(
                    "Autosave to {} failed: {error}",
                    recovery.display()
                ));
            }
        }
    }

    /// Asks for a file name and saves there.
    pub(crate) fn save_as(&mut self) {
        let suggested = format!("{}.ron", self.ws.project().name.trim().replace(' ', "-"));
        let Some(mut path) = self.asking.dialogs.save_project(&suggested) else {
            return;
        };
        if path.extension().is_none() {
            path.set_extension("ron");
        }
        let same = self.ws.path().map(std::path::PathBuf::as_path) == Some(path.as_path());
        if !same && !self.lock(&path, true) {
            return;
        }
        self.write(&path);
    }

    /// Runs `after` now, or asks first when there is unsaved work.
    pub(crate) fn ask_unsaved(&mut self, after: After) {
        if self.is_dirty() {
            self.asking.modal = Some(Modal::Unsaved(after));
        } else {
            let _ = self.then(after);
        }
    }

    /// Does what was waiting for unsaved work to be settled; returns whether it happened
    /// (an Open can be cancelled or fail, and then the work on screen stays as it was).
    pub(crate) fn then(&mut self, after: After) -> bool {
        match after {
            After::Quit => {
                self.window.allow_close = true;
                self.window.quit = true;
                true
            }
            After::New => {
                self.replace_project(Project::new("Untitled"), None);
                self.ws.release();
                self.ws.track(None);
                self.check_recovery();
                true
            }
            After::Open(path) => match path.or_else(|| self.asking.dialogs.open_project()) {
                Some(path) => self.open_path(path, false),
                None => false,
            },
        }
    }

    /// Adds the articles at `paths` (files or folders) as one undoable step.
    pub(crate) fn add_article_paths(&mut self, paths: &[PathBuf]) {
        if paths.is_empty() {
            return;
        }
        let articles = match intake::read_articles(paths) {
            Ok(a) => a,
            Err(e) => {
                self.error(format!("Nothing added: {e}"));
                return;
            }
        };
        let (edit, report) = intake::add_articles(self.ws.project(), articles);
        let first_new = self.ws.project().documents.len();
        if self.apply("Add articles", Ok(edit)) {
            let (added, skipped) = (report.added.len(), report.skipped.len());
            self.notify(format!(
                "Added {added} articles{}",
                if skipped > 0 {
                    format!("; {skipped} already in the project were skipped")
                } else {
                    String::new()
                }
            ));
            if added > 0 {
                self.show_document(first_new);
            }
        }
    }

    /// Adds pasted text as a new article titled `title`.
    pub(crate) fn add_pasted(&mut self, title: &str, text: &str) -> bool {
        // Pasted text ends lines as the program it came from did (CRLF, or a lone CR from
        // old Mac programs and some PDF viewers); the article keeps LF, as opened files do.
        let text = crate::intake::decode::normalize_line_ends(text.trim_start_matches('\u{FEFF}'));
        if text.trim().is_empty() {
            self.error("Paste some text first.");
            return false;
        }
        let title = if title.trim().is_empty() {
            text.lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .unwrap_or("Pasted article")
                .chars()
                .take(80)
                .collect()
        } else {
            title.trim().to_owned()
        };
        let id = self.ws.project().unused_doc_id(&title);
        let edit = ops::add_document(self.ws.project(), Document::new(id, title, text));
        let ok = self.apply("Paste article", edit);
        if ok {
            self.show_document(self.ws.project().documents.len().saturating_sub(1));
        }
        ok
    }

    /// Per frame: dropped files, the close button, autosave.
    pub(crate) fn files_frame(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        self.poll_save(&ctx);
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        // Not while a question is open: it may be about the document shown.
        if !dropped.is_empty() && self.asking.modal.is_none() {
            self.add_article_paths(&dropped);
        }
        if ctx.input(|i| i.viewport().close_requested()) && !self.window.allow_close {
            // A note being typed counts as work.
            self.commit_note_draft();
            if self.is_dirty() {
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                self.asking.modal = Some(Modal::Unsaved(After::Quit));
            } else {
                self.window.allow_close = true;
            }
        }
        if self.window.quit {
            self.window.quit = false;
            self.ws.release();
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        let focused = ctx.input(|i| i.viewport().focused.unwrap_or(true));
        let focus_lost = self.window.focused && !focused;
        self.window.focused = focused;
        if self.ws.autosave_due(focus_lost) {
            self.autosave();
        }
        // Come back for the next autosave even if nothing happens on screen.
        if self.is_dirty() {
            ctx.request_repaint_after(self.ws.autosave_interval());
        }
    }

    /// Writes the recovery file now.
    pub fn autosave(&mut self) {
        if let Some(finished) = self.ws.autosave() {
            self.report(finished);
        }
    }

    /// Reloads the project from disk, dropping unsaved changes.
    pub(crate) fn reload(&mut self) {
        if let Some(path) = self.ws.path().cloned() {
            match store::load(&path) {
                Ok(project) => {
                    self.replace_project(project, Some(path.clone()));
                    self.ws.track(Some(&path));
                    self.notify(format!("Reloaded {}", path.display()));
                }
                Err(e) => self.error(format!("Could not reload {}: {e}", path.display())),
            }
        }
    }
}

impl MarginaliaApp {
    /// Drops unsaved work (and its autosave) once what was waiting has happened; if it did
    /// not (an Open cancelled or failed), the work stays, still unsaved, with its autosave.
    pub(crate) fn discard_and(&mut self, after: After) {
        // An autosave being written would put the recovery file back after it is deleted.
        self.finish_job();
        let recovery = self.recovery_path();
        let quitting = after == After::Quit;
        if quitting {
            // Mark it settled first, so the close is not asked about again.
            self.ws.mark_settled();
        }
        if self.then(after)
            && let Some(r) = recovery
        {
            let _ = crate::session::discard_recovery(&r);
        }
    }
}
