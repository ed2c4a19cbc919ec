//! What a file on disk looked like when it was loaded, to tell before overwriting it whether
//! something else has written it since.

use std::io;
use std::path::Path;
use std::time::SystemTime;

use sha2::{Digest, Sha256};

/// The identity of a file's contents at one moment: its length, its modification time and
/// the SHA-256 of its bytes.
///
/// Length and time are the cheap check; the hash is the truth. Two fingerprints describe the
/// same contents when their lengths and hashes are equal, whatever their times.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fingerprint {
    /// Length of the file in bytes.
    pub len: u64,
    /// Last modification time, where the platform records one.
    pub modified: Option<SystemTime>,
    /// SHA-256 of the file's bytes, 64 lower-case hex digits.
    pub sha256: String,
}

impl Fingerprint {
    /// The fingerprint of the file at `path` now.
    ///
    /// Length and time come from the same open file as the bytes hashed, so a file replaced
    /// by a rename while it is read still gives a consistent fingerprint. Take it *before*
    /// loading the file: a write in between then shows as a change (a needless question),
    /// where taken after it would go unnoticed (lost work).
    pub fn of(path: &Path) -> io::Result<Fingerprint> {
        let (mut file, meta) = crate::store::guard::open_regular(path)?;
        let mut hasher = Sha256::new();
        io::copy(&mut file, &mut hasher)?;
        Ok(Fingerprint {
            len: meta.len(),
            modified: meta.modified().ok(),
            sha256: hex(&hasher.finalize()),
        })
    }
}

/// Whether the file at `path` no longer holds the contents `known` describes: "the file on
/// disk changed since it was loaded".
///
/// - Same length and same modification time: unchanged, without reading the file. (A write
///   that keeps the length within the file system's time resolution goes unseen, as in
///   every editor that checks times.)
/// - Different length: changed, without reading the file.
/// - Same length, different (or unknown) time: the file is hashed, and it has changed only if
///   the hash differs. A file touched, or rewritten with the same bytes, is not a change.
/// - The file is gone: changed. Saving would silently bring back a file that someone moved
///   or deleted, so the caller should ask first.
///
/// Other errors (permission denied …) are returned: whether it changed is then unknown.
pub fn changed_on_disk(path: &Path, known: &Fingerprint) -> io::Result<bool> {
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(true),
        Err(e) => return Err(e),
    };
    if meta.len() != known.len {
        return Ok(true);
    }
    if known.modified.is_some() && meta.modified().ok() == known.modified {
        return Ok(false);
    }
    match Fingerprint::of(path) {
        Ok(now) => Ok(now.len != known.len || now.sha256 != known.sha256),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(e),
    }
}

/// Lower-case hex of `bytes`.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// Sets the file's modification time `secs` seconds after the one it has.
    fn shift_mtime(path: &Path, secs: u64) {
        let file = std::fs::File::options().write(true).open(path).unwrap();
        let old = file.metadata().unwrap().modified().unwrap();
        file.set_modified(old + Duration::from_secs(secs)).unwrap();
    }

    #[test]
    fn the_hash_is_the_sha256_of_the_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.ron");
        std::fs::write(&path, "abc").unwrap();
        let print = Fingerprint::of(&path).unwrap();
        assert_eq!(print.len, 3);
        assert_eq!(
            print.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_touched_or_identically_rewritten_file_is_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.ron");
        std::fs::write(&path, "(name: \"day\")").unwrap();
        let known = Fingerprint::of(&path).unwrap();
        assert!(!changed_on_disk(&path, &known).unwrap());
        shift_mtime(&path, 60);
        assert!(!changed_on_disk(&path, &known).unwrap());
        std::fs::write(&path, "(name: \"day\")").unwrap();
        shift_mtime(&path, 120);
        assert!(!changed_on_disk(&path, &known).unwrap());
    }

    #[test]
    fn a_rewritten_file_is_changed_even_at_the_same_length() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.ron");
        std::fs::write(&path, "(name: \"day\")").unwrap();
        let known = Fingerprint::of(&path).unwrap();
        std::fs::write(&path, "(name: \"dax\")").unwrap();
        shift_mtime(&path, 60);
        assert!(changed_on_disk(&path, &known).unwrap());
        std::fs::write(&path, "(name: \"longer\")").unwrap();
        assert!(changed_on_disk(&path, &known).unwrap());
    }

    #[test]
    fn same_length_and_time_is_trusted_without_hashing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.ron");
        std::fs::write(&path, "abc").unwrap();
        let known = Fingerprint {
            sha256: "not the hash".into(),
            ..Fingerprint::of(&path).unwrap()
        };
        assert!(!changed_on_disk(&path, &known).unwrap());
        let unknown_time = Fingerprint {
            modified: None,
            ..known
        };
        assert!(changed_on_disk(&path, &unknown_time).unwrap());
    }

    #[test]
    fn a_vanished_file_is_a_change() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.ron");
        std::fs::write(&path, "abc").unwrap();
        let known = Fingerprint::of(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert!(changed_on_disk(&path, &known).unwrap());
        assert!(Fingerprint::of(&path).is_err());
    }
}
