//! Never lose work: the pieces the window uses to keep an analyst's work safe, with no window
//! types.
//!
//! - [`fingerprint`](Fingerprint): what the project file looked like when it was loaded, so a
//!   save can notice that something else has written it since.
//! - [`lock`](Lock): `NAME.ron.lock` beside the project, so two instances do not silently
//!   overwrite each other.
//! - [`recovery`](find_recovery): `NAME.ron.recovery` beside the project, the autosaved work
//!   offered back after a crash.
//! - [`diff`](ProjectDiff): what the recovered work changes, for the "recover your work?"
//!   question.
//! - [`autosave`](Autosave): when to write the recovery file.

mod autosave;
mod diff;
mod fingerprint;
mod lock;
mod recovery;

use std::path::{Path, PathBuf};

pub use autosave::{Autosave, DEFAULT_INTERVAL};
pub use diff::{Counts, DocumentDiff, ProjectDiff, lacking};
pub use fingerprint::{Fingerprint, changed_on_disk};
pub use lock::{GARBLED_GRACE, Lock, LockError, LockInfo, LockOwner, UNKNOWN, lock_path};
pub use recovery::{
    Recovery, Saved, discard_recovery, find_recovery, find_untitled_recovery, recovery_path,
    untitled_recovery_path, write_recovery,
};

/// The file beside `path` whose name is `path`'s with `suffix` added: `/x/day.ron` and
/// `".lock"` give `/x/day.ron.lock`.
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// The login name, the default annotator name.
pub fn login_name() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "analyst".to_owned())
}
