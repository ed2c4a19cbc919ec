//! Files from the window: new, open, save, save as, adding articles (dialog, drop, paste),
//! and never losing work: autosave to a recovery file, recovery after a crash, a prompt
//! before closing with unsaved changes, a check that the file on disk did not change since
//! it was read, and a lock against a second instance. The mechanics are
//! [`crate::session`]; this module decides when to use them and what to ask.

use std::path::{Path, PathBuf};
use std::time::Instant;

use egui::Ui;

use crate::intake;
use crate::model::{Document, Project, ops};
use crate::session::{self, Autosave, Fingerprint, Lock, LockError, LockOwner};
use crate::store;

use super::app::MarginaliaApp;
use super::dialogs::{After, Modal};

/// What the window knows about the project file.
#[derive(Default)]
pub struct FileState {
    /// The file as it was when last read or written.
    fingerprint: Option<Fingerprint>,
    /// Our lock on the project file.
    lock: Option<Lock>,
    autosave: Autosave,
    /// When the recovery file was last written.
    pub autosaved: Option<Instant>,
    /// Whether the window had the focus last frame.
    focused: bool,
    /// Where to keep the recovery of a project never saved (eframe's storage folder).
    pub untitled_dir: Option<PathBuf>,
    /// Close the window once the current question is answered.
    quit: bool,
    /// When the file changed on disk: what the file has that the window's work lacks (what
    /// keeping mine would drop), and what the work has that the file lacks (what Reload would
    /// drop), one line each.
    pub conflict: (Vec<String>, Vec<String>),
    /// The window may close: unsaved work was saved or discarded.
    pub allow_close: bool,
    /// A save or autosave being written by another thread.
    job: Option<SaveJob>,
    /// A save asked for while an autosave was being written: started when it is done.
    save_queued: bool,
    /// Projects whose file would be larger than this (estimated) are saved and autosaved by
    /// another thread; smaller ones are written at once, in well under a frame.
    background_from: Option<usize>,
}

/// Projects estimated to write more than this many bytes are saved off the UI thread.
const BACKGROUND_FROM: usize = 2 * 1024 * 1024;

/// What a save running on another thread is writing.
enum SaveKind {
    /// The project file, as of history generation `generation`.
    Save { path: PathBuf, generation: u64 },
    /// The recovery file, as of history generation `generation`.
    Autosave { recovery: PathBuf, generation: u64 },
}

/// A save or autosave running on another thread, with a snapshot of the project (shared,
/// not copied: edits made meanwhile copy the project for themselves).
struct SaveJob {
    kind: SaveKind,
    /// The file written and its fingerprint, or what went wrong.
    handle: std::thread::JoinHandle<Result<Option<Fingerprint>, String>>,
}

impl SaveJob {
    /// Writes `project` as `kind` says on another thread: the project file (with its
    /// backup, and its fingerprint taken after) or the recovery file.
    fn start(project: &std::sync::Arc<Project>, kind: SaveKind) -> Self {
        let project = std::sync::Arc::clone(project);
        let (target, backup) = match &kind {
            SaveKind::Save { path, .. } => (path.clone(), true),
            SaveKind::Autosave { recovery, .. } => (recovery.clone(), false),
        };
        let handle = std::thread::spawn(move || {
            // One core fewer than the machine has: the frame keeps one (on two cores, a save
            // on both kept a frame waiting up to 20 ms; on one it takes longer, unseen).
            let text = crate::par::leaving_cores(1, || store::to_string(&project))
                .map_err(|e| e.to_string())?;
            // Let go of the snapshot before the slow part: an edit from now on changes the
            // window's project in place instead of copying it.
            drop(project);
            if backup {
                store::write_atomically(&target, &text).map_err(|e| e.to_string())?;
                Ok(Fingerprint::of(&target).ok())
            } else {
                store::write_without_backup(&target, &text).map_err(|e| e.to_string())?;
                Ok(None)
            }
        });
        SaveJob { kind, handle }
    }
}

/// A rough size of the project's file: its texts and about 250 bytes per annotation.
fn estimated_size(project: &Project) -> usize {
    let texts: usize = project.documents.iter().map(|d| d.text.len()).sum();
    texts + 250 * (project.annotations.len() + project.relations.len())
}

impl FileState {
    /// Remembers the fingerprint of the project file just loaded from `path`.
    pub fn track(&mut self, path: Option<&Path>) {
        self.fingerprint = path.and_then(|p| Fingerprint::of(p).ok());
    }

    /// Starts the autosave timing afresh, for a project just opened or created.
    pub fn reset_autosave(&mut self) {
        self.autosave = Autosave::default();
        self.autosaved = None;
    }

    /// Whether a save or autosave is being written.
    pub fn saving(&self) -> bool {
        self.job.is_some()
    }

    /// Sets the size from which saves go to another thread (`None`: the built-in 2 MB).
    pub fn save_in_background_from(&mut self, bytes: Option<usize>) {
        self.background_from = bytes;
    }

    fn in_background(&self, project: &Project) -> bool {
        estimated_size(project) >= self.background_from.unwrap_or(BACKGROUND_FROM)
    }

    /// Waits for a save being written; its outcome is dropped (the caller is about to write
    /// again, or to go).
    pub fn wait_for_job(&mut self) {
        if let Some(job) = self.job.take() {
            let _ = job.handle.join();
        }
    }

    /// Gives up the lock (on exit), once any save being written is on disk.
    pub fn release(&mut self) {
        self.wait_for_job();
        if let Some(lock) = self.lock.take() {
            let _ = lock.release();
        }
    }
}

impl MarginaliaApp {
    /// "saved", "unsaved", "autosaved 12:04".
    pub(super) fn save_state(&self) -> String {
        if let Some(job) = &self.files.job {
            return match job.kind {
                SaveKind::Save { .. } => "saving…".to_owned(),
                SaveKind::Autosave { .. } => "unsaved · autosaving…".to_owned(),
            };
        }
        if !self.is_dirty() {
            return "saved".to_owned();
        }
        match self.files.autosaved {
            Some(t) => format!("unsaved · autosaved {} s ago", t.elapsed().as_secs()),
            None => "unsaved".to_owned(),
        }
    }

    /// Takes the project file's lock; asks when another instance holds it.
    pub(super) fn lock(&mut self, path: &Path, for_save: bool) -> bool {
        self.finish_job();
        match Lock::acquire(path, &LockOwner::current()) {
            Ok(lock) => {
                self.files.release();
                self.files.lock = Some(lock);
                true
            }
            Err(LockError::Held(info)) => {
                self.modal = Some(Modal::Locked {
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
    pub(super) fn open_path(&mut self, path: PathBuf, steal_lock: bool) -> bool {
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
        self.files.track(Some(&path));
        self.files.autosaved = None;
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
    fn steal_lock(&mut self, path: &Path) {
        self.finish_job();
        match Lock::steal(path, &LockOwner::current()) {
            Ok(lock) => {
                self.files.release();
                self.files.lock = Some(lock);
            }
            Err(e) => self.notify(format!("No lock for {}: {e}", path.display())),
        }
    }

    /// Takes over the lock on `path` and saves there ("save anyway").
    pub(super) fn steal_and_write(&mut self, path: &Path) {
        self.steal_lock(path);
        self.write(path);
    }

    /// Offers work recovered from an autosave of the current project, if there is any.
    pub fn check_recovery(&mut self) {
        let found = match (&self.path, self.never_saved, &self.files.untitled_dir) {
            (Some(p), false, _) => session::find_recovery(p),
            (_, _, Some(dir)) => session::find_untitled_recovery(dir),
            _ => return,
        };
        match found {
            Ok(Some(found)) => {
                let lines = session::ProjectDiff::between(&self.project, &found.project).lines();
                self.modal = Some(Modal::Recover {
                    recovery: found.path,
                    lines,
                });
            }
            Ok(None) => {}
            Err(e) => self.error(e.to_string()),
        }
    }

    /// Where the current project's autosave goes.
    pub(super) fn recovery_path(&self) -> Option<PathBuf> {
        match (&self.path, self.never_saved) {
            (Some(p), false) => Some(session::recovery_path(p)),
            _ => self
                .files
                .untitled_dir
                .as_deref()
                .map(session::untitled_recovery_path),
        }
    }

    /// Accepts the recovered work: it replaces the project in the window, unsaved; the
    /// project file on disk is untouched until the analyst saves (Reload goes back to it).
    pub(super) fn recover(&mut self, recovery: &Path) {
        match store::load(recovery) {
            Ok(recovered) => {
                let path = self.path.clone();
                let never_saved = self.never_saved;
                self.replace_project(recovered, path);
                self.never_saved = never_saved;
                // Unsaved until saved: no generation of the new history matches this.
                self.saved_generation = u64::MAX;
                self.notify("Recovered the autosaved work; save to keep it.");
            }
            Err(e) => self.error(format!("Could not read {}: {e}", recovery.display())),
        }
    }

    /// Saves to the project file, or asks where when there is none; a large project on
    /// another thread.
    pub(super) fn save(&mut self) {
        self.save_with(false);
    }

    /// Saves now, on this thread, for what waits on the save (a quit, an open, a new
    /// project after "Save" in the unsaved-changes question).
    pub(super) fn save_and_wait(&mut self) {
        self.finish_job();
        self.save_with(true);
    }

    fn save_with(&mut self, wait: bool) {
        let Some(path) = self.path.clone().filter(|_| !self.never_saved) else {
            self.save_as();
            return;
        };
        if let Some(job) = &self.files.job {
            // One writer at a time: this save follows the one being written, unless that one
            // is already a save of this very work.
            let holds = matches!(job.kind, SaveKind::Save { generation, .. }
                if generation == self.history.generation());
            if !holds {
                self.files.save_queued = true;
            }
            return;
        }
        let changed = self
            .files
            .fingerprint
            .as_ref()
            .is_some_and(|fp| session::changed_on_disk(&path, fp).unwrap_or(true));
        if changed {
            self.files.conflict = match store::load(&path) {
                Ok(disk) => {
                    let theirs = session::lacking(&self.project, &disk);
                    if theirs.is_empty() {
                        // The work holds all the file has (a merge of it, say): writing it
                        // loses nothing.
                        self.write_soon(&path, wait);
                        return;
                    }
                    (theirs, session::lacking(&disk, &self.project))
                }
                Err(e) => (
                    vec![format!("the file on disk cannot be read: {e}")],
                    Vec::new(),
                ),
            };
            self.modal = Some(Modal::ChangedOnDisk);
            return;
        }
        self.write_soon(&path, wait);
    }

    /// Writes the project to its own file `path`: at once when it is small or `wait` says
    /// so, otherwise on another thread (the window goes on; [`Self::poll_save`] reports the
    /// outcome). No other save is being written (`save_with` saw to it).
    fn write_soon(&mut self, path: &Path, wait: bool) {
        if wait || !self.files.in_background(&self.project) {
            self.write(path);
            return;
        }
        let kind = SaveKind::Save {
            path: path.to_owned(),
            generation: self.history.generation(),
        };
        self.files.job = Some(SaveJob::start(&self.project, kind));
    }

    /// Writes the project to `path` now; on success it is the project's file from now on.
    pub(super) fn write(&mut self, path: &Path) -> bool {
        self.finish_job();
        match store::save(&self.project, path) {
            Ok(()) => {
                let fingerprint = Fingerprint::of(path).ok();
                self.saved(path, self.history.generation(), fingerprint);
                true
            }
            Err(e) => {
                self.error(format!("Could not save {}: {e}", path.display()));
                false
            }
        }
    }

    /// Books a save of history generation `generation` to `path`, now on disk.
    fn saved(&mut self, path: &Path, generation: u64, fingerprint: Option<Fingerprint>) {
        // No autosave runs while a save is written, so the recovery file holds no work the
        // file now lacks (work done meanwhile is in the window, for the next autosave).
        if let Some(old) = self.recovery_path() {
            let _ = session::discard_recovery(&old);
        }
        self.path = Some(path.to_owned());
        self.never_saved = false;
        self.saved_generation = generation;
        self.files.fingerprint = fingerprint;
        self.files.autosaved = None;
        self.prefs.remember(path);
        self.notify(format!("Saved {}", path.display()));
    }

    /// Collects a save or autosave written on another thread, once it is done.
    fn poll_save(&mut self, ctx: &egui::Context) {
        let Some(job) = self.files.job.take_if(|j| j.handle.is_finished()) else {
            if self.files.job.is_some() {
                ctx.request_repaint_after(std::time::Duration::from_millis(30));
            }
            return;
        };
        self.book(job);
        if std::mem::take(&mut self.files.save_queued) {
            self.save();
        }
    }

    /// Waits for a save or autosave being written on another thread and books its outcome,
    /// before anything else writes, takes or gives up the lock, or replaces the project. A
    /// save asked for meanwhile is then the caller's to make.
    pub(super) fn finish_job(&mut self) {
        if let Some(job) = self.files.job.take() {
            self.book(job);
        }
        self.files.save_queued = false;
    }

    /// What a finished job did: the save booked, or its error shown.
    fn book(&mut self, job: SaveJob) {
        let outcome = job
            .handle
            .join()
            .unwrap_or_else(|_| Err("the save stopped unexpectedly".into()));
        match (job.kind, outcome) {
            (SaveKind::Save { path, generation }, Ok(fingerprint)) => {
                self.saved(&path, generation, fingerprint);
            }
            (SaveKind::Save { path, .. }, Err(e)) => {
                self.error(format!("Could not save {}: {e}", path.display()));
            }
            (SaveKind::Autosave { generation, .. }, Ok(_)) => {
                self.files.autosave.mark_saved(self.now, generation);
                self.files.autosaved = Some(self.now);
            }
            (SaveKind::Autosave { recovery, .. }, Err(e)) => {
                self.files.autosave.mark_failed(self.now);
                self.error(format!("Autosave to {} failed: {e}", recovery.display()));
            }
        }
    }

    /// Asks for a file name and saves there.
    pub(super) fn save_as(&mut self) {
        let suggested = format!("{}.ron", self.project.name.trim().replace(' ', "-"));
        let Some(mut path) = self.dialogs.save_project(&suggested) else {
            return;
        };
        if path.extension().is_none() {
            path.set_extension("ron");
        }
        let same = self.path.as_deref() == Some(path.as_path());
        if !same && !self.lock(&path, true) {
            return;
        }
        self.write(&path);
    }

    /// Runs `after` now, or asks first when there is unsaved work.
    pub(super) fn ask_unsaved(&mut self, after: After) {
        if self.is_dirty() {
            self.modal = Some(Modal::Unsaved(after));
        } else {
            let _ = self.then(after);
        }
    }

    /// Does what was waiting for unsaved work to be settled; returns whether it happened
    /// (an Open can be cancelled or fail, and then the work on screen stays as it was).
    pub(super) fn then(&mut self, after: After) -> bool {
        match after {
            After::Quit => {
                self.files.allow_close = true;
                self.files.quit = true;
                true
            }
            After::New => {
                self.replace_project(Project::new("Untitled"), None);
                self.files.release();
                self.files.track(None);
                self.check_recovery();
                true
            }
            After::Open(path) => match path.or_else(|| self.dialogs.open_project()) {
                Some(path) => self.open_path(path, false),
                None => false,
            },
        }
    }

    /// Adds the articles at `paths` (files or folders) as one undoable step.
    pub(super) fn add_article_paths(&mut self, paths: &[PathBuf]) {
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
        let (edit, report) = intake::add_articles(&self.project, articles);
        let first_new = self.project.documents.len();
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
    pub(super) fn add_pasted(&mut self, title: &str, text: &str) -> bool {
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
        let id = self.project.unused_doc_id(&title);
        let edit = ops::add_document(&self.project, Document::new(id, title, text));
        let ok = self.apply("Paste article", edit);
        if ok {
            self.show_document(self.project.documents.len().saturating_sub(1));
        }
        ok
    }

    /// Per frame: dropped files, the close button, autosave.
    pub(super) fn files_frame(&mut self, ui: &mut Ui) {
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
        if !dropped.is_empty() && self.modal.is_none() {
            self.add_article_paths(&dropped);
        }
        if ctx.input(|i| i.viewport().close_requested()) && !self.files.allow_close {
            // A note being typed counts as work.
            self.commit_note_draft();
            if self.is_dirty() {
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                self.modal = Some(Modal::Unsaved(After::Quit));
            } else {
                self.files.allow_close = true;
            }
        }
        if self.files.quit {
            self.files.quit = false;
            self.files.release();
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        let focused = ctx.input(|i| i.viewport().focused.unwrap_or(true));
        let focus_lost = self.files.focused && !focused;
        self.files.focused = focused;
        let generation = self.history.generation();
        if self.is_dirty()
            && self.files.job.is_none()
            && self.files.autosave.due(self.now, generation, focus_lost)
        {
            self.autosave();
        }
        // Come back for the next autosave even if nothing happens on screen.
        if self.is_dirty() {
            ctx.request_repaint_after(self.files.autosave.interval);
        }
    }

    /// Writes the recovery file now.
    pub fn autosave(&mut self) {
        let Some(recovery) = self.recovery_path() else {
            return;
        };
        if self.files.in_background(&self.project) {
            if self.files.job.is_some() {
                return;
            }
            let kind = SaveKind::Autosave {
                recovery,
                generation: self.history.generation(),
            };
            self.files.job = Some(SaveJob::start(&self.project, kind));
            return;
        }
        match session::write_recovery(&recovery, &self.project) {
            Ok(()) => {
                self.files
                    .autosave
                    .mark_saved(self.now, self.history.generation());
                self.files.autosaved = Some(self.now);
            }
            Err(e) => {
                // Retried an interval later, not every frame.
                self.files.autosave.mark_failed(self.now);
                self.error(format!("Autosave to {} failed: {e}", recovery.display()));
            }
        }
    }

    /// Reloads the project from disk, dropping unsaved changes.
    pub(super) fn reload(&mut self) {
        if let Some(path) = self.path.clone() {
            match store::load(&path) {
                Ok(project) => {
                    self.replace_project(project, Some(path.clone()));
                    self.files.track(Some(&path));
                    self.notify(format!("Reloaded {}", path.display()));
                }
                Err(e) => self.error(format!("Could not reload {}: {e}", path.display())),
            }
        }
    }
}
