//! Saves and autosaves written on another thread, from a snapshot of the project shared with
//! the workspace (an edit made meanwhile copies the list of documents and the map nodes it
//! changes; the maps are `model::SharedMap`s).

use std::path::PathBuf;
use std::sync::Arc;

use crate::model::Project;
use crate::session::Fingerprint;
use crate::store;

/// Projects estimated to write more than this many bytes are saved off the caller's thread.
pub(super) const BACKGROUND_FROM: usize = 2 * 1024 * 1024;

/// What a save running on another thread is writing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveKind {
    /// The project file, as of history generation `generation`.
    Save {
        /// The project file.
        path: PathBuf,
        /// The history generation written.
        generation: u64,
    },
    /// The recovery file, as of history generation `generation`.
    Autosave {
        /// The recovery file.
        recovery: PathBuf,
        /// The history generation written.
        generation: u64,
    },
}

/// A save or autosave running on another thread.
pub(super) struct SaveJob {
    pub(super) kind: SaveKind,
    /// The file written and its fingerprint, or what went wrong.
    pub(super) handle: std::thread::JoinHandle<Result<Option<Fingerprint>, String>>,
}

impl SaveJob {
    /// Writes `project` as `kind` says on another thread: the project file (with its
    /// backup, and its fingerprint taken after) or the recovery file. A project file is put
    /// in place only while it is still `expected` (the file the workspace read or last
    /// wrote; `None`: whatever is there, as a Save As the analyst confirmed), see
    /// [`write_checked`].
    pub(super) fn start(
        project: &Arc<Project>,
        kind: SaveKind,
        expected: Option<Fingerprint>,
    ) -> Self {
        let project = Arc::clone(project);
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
            // workspace's project in place instead of copying it.
            drop(project);
            if backup {
                write_checked(&target, &text, expected.as_ref()).map_err(|e| e.to_string())
            } else {
                store::write_without_backup(&target, &text).map_err(|e| e.to_string())?;
                Ok(None)
            }
        });
        SaveJob { kind, handle }
    }

    /// Waits for the job; a panic on its thread is an error like any other.
    pub(super) fn join(self) -> (SaveKind, Result<Option<Fingerprint>, String>) {
        let outcome = self
            .handle
            .join()
            .unwrap_or_else(|_| Err("the save stopped unexpectedly".into()));
        (self.kind, outcome)
    }
}

/// Writes `text` as the project file at `path` (keeping the backup) if the file is still
/// `expected` (`None`: no check), and returns the new file's fingerprint, taken before any
/// other save can replace it. A file that changed meanwhile (a command forced past the lock
/// wrote it) is not written over: the error says so, and the next save asks the analyst what
/// to keep, as for any change on disk.
pub(super) fn write_checked(
    path: &std::path::Path,
    text: &str,
    expected: Option<&Fingerprint>,
) -> Result<Option<Fingerprint>, store::StoreError> {
    let unchanged = || match expected {
        Some(fp) => crate::session::changed_on_disk(path, fp).is_ok_and(|changed| !changed),
        None => true,
    };
    store::stage(path, text)?
        .commit_if_then(unchanged, || Fingerprint::of(path).ok())?
        .ok_or_else(|| store::StoreError::Io {
            path: path.to_owned(),
            action: "changed on disk while it was being saved (another program wrote it), \
                         so it was not written over",
            source: std::io::Error::other("save again to choose which version to keep"),
        })
}

/// A rough size of the project's file: its texts and about 250 bytes per annotation.
pub(super) fn estimated_size(project: &Project) -> usize {
    let texts: usize = project.documents.iter().map(|d| d.text.len()).sum();
    texts + 250 * (project.annotations.len() + project.relations.len())
}
