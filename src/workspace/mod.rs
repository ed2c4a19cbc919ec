//! The project being worked on, with no window types: the project and its history, where it
//! lives, whether it is saved, the version that everything derived from it is cached against,
//! its lock and fingerprint on disk, and when and how it is saved and autosaved (large
//! projects on another thread).
//!
//! The window owns one [`Workspace`] and changes the project only through
//! [`Workspace::apply`], [`Workspace::undo`] and [`Workspace::redo`]; each returns the
//! [`Change`] it made, so what the window derives is patched rather than made afresh. What a
//! save or autosave did comes back as a [`Finished`] for the window to report. The clock is
//! the caller's ([`Workspace::set_clock`]), so the autosave timing is tested without waiting.
//!
//! May use: [`crate::model`], [`crate::store`], [`crate::session`].

mod change;
mod save;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::model::{Edit, EditError, History, Project};
use crate::session::{self, Autosave, Fingerprint, Lock, LockError, LockOwner};
use crate::store::{self, StoreError};

pub use change::{AnnotationMove, Change};
pub use save::SaveKind;

use save::SaveJob;

/// What a save or autosave did, once it is done, for the window to report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finished {
    /// The project file was written; it is the project's file from now on.
    Saved {
        /// The project file.
        path: PathBuf,
    },
    /// The project file could not be written.
    SaveFailed {
        /// The project file.
        path: PathBuf,
        /// What went wrong.
        error: String,
    },
    /// The recovery file was written.
    Autosaved,
    /// The recovery file could not be written; it is tried again an interval later.
    AutosaveFailed {
        /// The recovery file.
        recovery: PathBuf,
        /// What went wrong.
        error: String,
    },
}

/// One project being worked on; see the module documentation.
pub struct Workspace {
    /// Shared with a save being written on another thread; an edit meanwhile copies the list
    /// of documents and the few map nodes it changes (the maps are `SharedMap`s).
    project: Arc<Project>,
    history: History,
    /// Where the project lives; `None` for one never saved (or the bundled sample).
    path: Option<PathBuf>,
    /// Whether the project was never saved to `path` (a new project, the sample, a recovery).
    never_saved: bool,
    /// The history generation when the project was last saved or loaded.
    saved_generation: u64,
    /// Bumped by every change to the project, including loading another.
    version: u64,
    /// The caller's clock, for autosave.
    now: Instant,
    autosave: Autosave,
    /// When the recovery file was last written.
    autosaved: Option<Instant>,
    /// The project file as it was when last read or written.
    fingerprint: Option<Fingerprint>,
    /// Our lock on the project file.
    lock: Option<Lock>,
    /// A save or autosave being written by another thread.
    job: Option<SaveJob>,
    /// A save asked for while an autosave was being written: to start when it is done.
    save_queued: bool,
    /// Projects whose file would be larger than this (estimated) are saved and autosaved by
    /// another thread; smaller ones are written at once, in well under a frame.
    background_from: Option<usize>,
    /// Where to keep the recovery of a project never saved (eframe's storage folder).
    untitled_dir: Option<PathBuf>,
}

impl Workspace {
    /// A workspace on `project`, read from `path` (`None`: never saved, e.g. the sample).
    pub fn new(project: Project, path: Option<PathBuf>) -> Self {
        let mut ws = Workspace {
            project: Arc::new(project),
            history: History::new(),
            never_saved: path.is_none(),
            path,
            saved_generation: 0,
            version: 0,
            now: Instant::now(),
            autosave: Autosave::default(),
            autosaved: None,
            fingerprint: None,
            lock: None,
            job: None,
            save_queued: false,
            background_from: None,
            untitled_dir: None,
        };
        ws.track(ws.path.clone().as_deref());
        ws
    }

    /// The project.
    pub fn project(&self) -> &Project {
        &self.project
    }

    /// The project, shared (a copy costs nothing; an edit made while one is held copies the
    /// list of documents and the map nodes it changes): for work on another thread.
    pub fn shared(&self) -> Arc<Project> {
        Arc::clone(&self.project)
    }

    /// The undo history.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// The file the project was read from or last saved to.
    pub fn path(&self) -> Option<&PathBuf> {
        self.path.as_ref()
    }

    /// Whether the project was never saved to its path (a new project, the sample).
    pub fn never_saved(&self) -> bool {
        self.never_saved
    }

    /// Bumped by every change to the project: what is derived from it is cached against it.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The history's generation (see [`History::generation`]).
    pub fn generation(&self) -> u64 {
        self.history.generation()
    }

    /// Whether there are changes not saved to the project file.
    pub fn is_dirty(&self) -> bool {
        self.generation() != self.saved_generation || (self.never_saved && self.generation() > 0)
    }

    /// Applies `edit` as one undoable step called `label` (or part of the open group).
    pub fn apply(&mut self, label: &str, edit: Edit) -> Result<Change, EditError> {
        let change = Change::of(&edit);
        self.history
            .apply(Arc::make_mut(&mut self.project), label, edit)?;
        self.version += 1;
        Ok(change)
    }

    /// Undoes the last step: its label and what it changed, or `None` when there is none.
    pub fn undo(&mut self) -> Result<Option<(String, Change)>, EditError> {
        self.history.end_group();
        let Some(change) = self.history.next_undo().map(Change::of) else {
            return Ok(None);
        };
        let label = self.history.undo(Arc::make_mut(&mut self.project))?;
        self.version += 1;
        Ok(label.map(|l| (l, change)))
    }

    /// Redoes the last step undone: its label and what it changed, or `None`.
    pub fn redo(&mut self) -> Result<Option<(String, Change)>, EditError> {
        self.history.end_group();
        let Some(change) = self.history.next_redo().map(Change::of) else {
            return Ok(None);
        };
        let label = self.history.redo(Arc::make_mut(&mut self.project))?;
        self.version += 1;
        Ok(label.map(|l| (l, change)))
    }

    /// Starts collecting edits into one undo step called `label`.
    pub fn begin_group(&mut self, label: &str) {
        self.history.begin_group(label);
    }

    /// Closes the group begun last; it becomes one undo step if it changed anything.
    pub fn end_group(&mut self) {
        self.history.end_group();
    }

    /// Puts `project` (opened, new, reloaded) in place of this one, from `path`: no history,
    /// saved as it is, autosave timing afresh. A save being written is waited for first;
    /// what it did is returned to be reported.
    pub fn replace(&mut self, project: Project, path: Option<PathBuf>) -> Option<Finished> {
        let finished = self.finish_job();
        self.project = Arc::new(project);
        self.never_saved = path.is_none();
        self.path = path;
        self.history = History::new();
        self.saved_generation = 0;
        self.autosave = Autosave::default();
        self.autosaved = None;
        self.version += 1;
        finished
    }

    /// Puts work recovered from an autosave in place of the project: same file, unsaved
    /// until saved.
    pub fn recovered(&mut self, project: Project) -> Option<Finished> {
        let never_saved = self.never_saved;
        let finished = self.replace(project, self.path.clone());
        self.never_saved = never_saved;
        // No generation of the new history matches this.
        self.saved_generation = u64::MAX;
        finished
    }

    /// Counts the work as settled without saving it (the analyst chose to discard it).
    pub fn mark_settled(&mut self) {
        self.saved_generation = self.generation();
        self.never_saved = false;
    }

    /// Keeps the autosave of a never-saved project in `dir`.
    pub fn set_untitled_dir(&mut self, dir: Option<PathBuf>) {
        self.untitled_dir = dir;
    }

    /// Where the autosave of a never-saved project is kept.
    pub fn untitled_dir(&self) -> Option<&Path> {
        self.untitled_dir.as_deref()
    }

    /// Where the project's autosave goes.
    pub fn recovery_path(&self) -> Option<PathBuf> {
        match (&self.path, self.never_saved) {
            (Some(p), false) => Some(session::recovery_path(p)),
            _ => self
                .untitled_dir
                .as_deref()
                .map(session::untitled_recovery_path),
        }
    }

    /// Sets the clock that autosave reads (each frame; tests move it on).
    pub fn set_clock(&mut self, now: Instant) {
        self.now = now;
    }

    /// When the recovery file was last written since the last load or save.
    pub fn autosaved(&self) -> Option<Instant> {
        self.autosaved
    }

    /// The longest a change waits for an autosave.
    pub fn autosave_interval(&self) -> Duration {
        self.autosave.interval
    }

    /// Sets the longest a change waits for an autosave.
    pub fn set_autosave_interval(&mut self, interval: Duration) {
        self.autosave.interval = interval;
    }

    /// What is being written on another thread, if anything.
    pub fn saving(&self) -> Option<&SaveKind> {
        self.job.as_ref().map(|j| &j.kind)
    }

    /// Saves and autosaves projects estimated larger than `bytes` on another thread
    /// (`None`: the built-in 2 MB).
    pub fn save_in_background_from(&mut self, bytes: Option<usize>) {
        self.background_from = bytes;
    }

    fn in_background(&self) -> bool {
        save::estimated_size(&self.project) >= self.background_from.unwrap_or(save::BACKGROUND_FROM)
    }

    /// Remembers the fingerprint of the project file just read from `path`.
    pub fn track(&mut self, path: Option<&Path>) {
        self.fingerprint = path.and_then(|p| Fingerprint::of(p).ok());
    }

    /// Whether the file at `path` changed since it was read or written here (a file that
    /// cannot be looked at counts as changed).
    pub fn changed_on_disk(&self, path: &Path) -> bool {
        self.fingerprint
            .as_ref()
            .is_some_and(|fp| session::changed_on_disk(path, fp).unwrap_or(true))
    }

    /// Takes the lock on `path` (giving up any other), unless another process holds it.
    pub fn acquire_lock(&mut self, path: &Path) -> Result<(), LockError> {
        let lock = Lock::acquire(path, &LockOwner::current())?;
        self.release();
        self.lock = Some(lock);
        Ok(())
    }

    /// Takes over the lock on `path` from whoever holds it.
    pub fn steal_lock(&mut self, path: &Path) -> Result<(), LockError> {
        let lock = Lock::steal(path, &LockOwner::current())?;
        self.release();
        self.lock = Some(lock);
        Ok(())
    }

    /// Gives up the lock (on exit, or for another file), once any save being written is on
    /// disk; that save's outcome is dropped.
    pub fn release(&mut self) {
        if let Some(job) = self.job.take() {
            let _ = job.join();
        }
        if let Some(lock) = self.lock.take() {
            let _ = lock.release();
        }
    }

    /// While a save or autosave is being written: makes sure a save of the work as it is now
    /// follows it (unless it is already that save) and returns `true`; `false` when nothing
    /// is being written.
    pub fn queue_save(&mut self) -> bool {
        let Some(job) = &self.job else {
            return false;
        };
        let holds = matches!(job.kind, SaveKind::Save { generation, .. }
            if generation == self.history.generation());
        if !holds {
            self.save_queued = true;
        }
        true
    }

    /// Whether a save was queued behind the job just finished (and forgets it).
    pub fn take_queued_save(&mut self) -> bool {
        std::mem::take(&mut self.save_queued)
    }

    /// Writes the project to `path`: at once (`Some`, with the outcome) when it is small or
    /// `wait` says so, else on another thread (`None`; [`Self::poll`] tells when it is done).
    /// Nothing else may be being written (see [`Self::queue_save`]).
    pub fn write_soon(&mut self, path: &Path, wait: bool) -> Option<Result<(), StoreError>> {
        if wait || !self.in_background() {
            return Some(self.write(path));
        }
        let kind = SaveKind::Save {
            path: path.to_owned(),
            generation: self.history.generation(),
        };
        let expected = self.expected_on(path);
        self.job = Some(SaveJob::start(&self.project, kind, expected));
        None
    }

    /// What the file at `path` must still be for a save to go over it: the file read or last
    /// written there (`None` for another path: a Save As the analyst confirmed, or a project
    /// never saved).
    fn expected_on(&self, path: &Path) -> Option<Fingerprint> {
        self.fingerprint
            .clone()
            .filter(|_| self.path.as_deref() == Some(path))
    }

    /// Writes the project to `path` now; on success it is the project's file from now on.
    /// A save being written is waited for first (call [`Self::finish_job`] before to hear
    /// what it did).
    pub fn write(&mut self, path: &Path) -> Result<(), StoreError> {
        let _ = self.finish_job();
        let text = store::to_string(&self.project)?;
        let expected = self.expected_on(path);
        let fingerprint = save::write_checked(path, &text, expected.as_ref())?;
        self.saved(path, self.history.generation(), fingerprint);
        Ok(())
    }

    /// Books a save of history generation `generation` to `path`, now on disk.
    fn saved(&mut self, path: &Path, generation: u64, fingerprint: Option<Fingerprint>) {
        // No autosave runs while a save is written, so the recovery file holds no work the
        // file now lacks (work done meanwhile is here, for the next autosave).
        if let Some(old) = self.recovery_path() {
            let _ = session::discard_recovery(&old);
        }
        self.path = Some(path.to_owned());
        self.never_saved = false;
        self.saved_generation = generation;
        self.fingerprint = fingerprint;
        self.autosaved = None;
    }

    /// What a save or autosave written on another thread did, once it is done (`None` while
    /// it runs or when there is none).
    pub fn poll(&mut self) -> Option<Finished> {
        let job = self.job.take_if(|j| j.handle.is_finished())?;
        Some(self.book(job))
    }

    /// Waits for a save or autosave being written on another thread and returns what it did,
    /// before anything else writes, takes or gives up the lock, or replaces the project. A
    /// save queued behind it is then the caller's to make.
    pub fn finish_job(&mut self) -> Option<Finished> {
        self.save_queued = false;
        let job = self.job.take()?;
        Some(self.book(job))
    }

    fn book(&mut self, job: SaveJob) -> Finished {
        match job.join() {
            (SaveKind::Save { path, generation }, Ok(fingerprint)) => {
                self.saved(&path, generation, fingerprint);
                Finished::Saved { path }
            }
            (SaveKind::Save { path, .. }, Err(error)) => Finished::SaveFailed { path, error },
            (SaveKind::Autosave { generation, .. }, Ok(_)) => {
                self.autosave.mark_saved(self.now, generation);
                self.autosaved = Some(self.now);
                Finished::Autosaved
            }
            (SaveKind::Autosave { recovery, .. }, Err(error)) => {
                self.autosave.mark_failed(self.now);
                Finished::AutosaveFailed { recovery, error }
            }
        }
    }

    /// Whether an autosave is due now: unsaved work, nothing being written, and the interval
    /// passed since the last one (or the window just lost the focus, `focus_lost`).
    pub fn autosave_due(&self, focus_lost: bool) -> bool {
        self.is_dirty()
            && self.job.is_none()
            && self
                .autosave
                .due(self.now, self.history.generation(), focus_lost)
    }

    /// Writes the recovery file: what it did when written at once, `None` when it was started
    /// on another thread (or there is nowhere to write it, or a save is being written).
    pub fn autosave(&mut self) -> Option<Finished> {
        let recovery = self.recovery_path()?;
        if self.in_background() {
            if self.job.is_none() {
                let kind = SaveKind::Autosave {
                    recovery,
                    generation: self.history.generation(),
                };
                self.job = Some(SaveJob::start(&self.project, kind, None));
            }
            return None;
        }
        Some(match session::write_recovery(&recovery, &self.project) {
            Ok(()) => {
                self.autosave
                    .mark_saved(self.now, self.history.generation());
                self.autosaved = Some(self.now);
                Finished::Autosaved
            }
            Err(e) => {
                // Tried again an interval later, not every frame.
                self.autosave.mark_failed(self.now);
                Finished::AutosaveFailed {
                    recovery,
                    error: e.to_string(),
                }
            }
        })
    }
}
