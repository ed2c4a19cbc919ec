//! Never lose work: the pieces the window uses to keep an analyst's work safe, with no window
//! types.
//!
//! - [`fingerprint`](Fingerprint): what the project file looked like when it was loaded, so a
//!   save can notice that something else has written it since.
//! - [`lock`](Lock): `NAME.ron.lock` beside the project, so two instances do not silently
//!   overwrite each other.

mod fingerprint;
mod lock;

use std::path::{Path, PathBuf};

pub use fingerprint::{Fingerprint, changed_on_disk};
pub use lock::{GARBLED_GRACE, Lock, LockError, LockInfo, LockOwner, UNKNOWN, lock_path};

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
