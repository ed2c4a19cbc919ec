//! A lock file beside the project (`NAME.ron.lock`), so that two instances editing one
//! project do not silently overwrite each other's work.
//!
//! The lock is advisory: it tells another Marginalia who has the project open, and that one
//! asks its user before opening it anyway ([`Lock::steal`]). The file holds one line of JSON,
//! a [`LockInfo`].

use std::fmt;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// The name used for a user or host that cannot be found out.
pub const UNKNOWN: &str = "unknown";

/// How old a lock file that is not a lock record must be before it counts as the leftover of
/// a crash and is taken over. Younger, it may be the lock another instance has just created
/// and not yet written.
pub const GARBLED_GRACE: Duration = Duration::from_secs(60);

/// How often [`Lock::acquire`] tries again when the lock file vanishes while it is looked at.
const ATTEMPTS: usize = 3;

/// The lock file of the project at `project`: `NAME.ron.lock` beside it.
pub fn lock_path(project: &Path) -> PathBuf {
    super::beside(project, ".lock")
}

/// Who holds a lock, as recorded in the lock file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockInfo {
    /// Login name of the holder, or [`UNKNOWN`].
    pub user: String,
    /// Host name of the machine the holder runs on, or [`UNKNOWN`].
    pub host: String,
    /// Process id of the holder on that host; 0 when the lock file could not be read.
    pub pid: u32,
    /// When the lock was taken.
    pub since: Timestamp,
}

impl LockInfo {
    /// The holder reported for a lock file that cannot be read or is not a lock record.
    fn unknown(since: Timestamp) -> Self {
        LockInfo {
            user: UNKNOWN.to_owned(),
            host: UNKNOWN.to_owned(),
            pid: 0,
            since,
        }
    }

    /// The holder in words, with `since` in the time zone `tz` to the minute: `"alice on
    /// host-1 (process 4242) since 2026-11-21 22:40"`.
    pub fn describe(&self, tz: &TimeZone) -> String {
        let since = self.since.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M");
        if self.pid == 0 {
            format!("an unknown holder (the lock file is unreadable) since {since}")
        } else {
            let LockInfo {
                user, host, pid, ..
            } = self;
            format!("{user} on {host} (process {pid}) since {since}")
        }
    }
}

impl fmt::Display for LockInfo {
    /// [`LockInfo::describe`] in the system's time zone.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(&TimeZone::system()))
    }
}

/// Who is taking a lock: this user, on this host, in this process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockOwner {
    /// Login name.
    pub user: String,
    /// Host name.
    pub host: String,
    /// Process id.
    pub pid: u32,
}

impl LockOwner {
    /// The current process: the user from `USER` or `USERNAME`, the host from `/etc/hostname`,
    /// `/proc/sys/kernel/hostname` or `HOSTNAME`, each the first that is set and not blank,
    /// else [`UNKNOWN`].
    pub fn current() -> Self {
        let env = |name| std::env::var(name).ok();
        let file = |path| std::fs::read_to_string(path).ok();
        LockOwner {
            user: first_named([env("USER"), env("USERNAME")]),
            host: first_named([
                file("/etc/hostname"),
                file("/proc/sys/kernel/hostname"),
                env("HOSTNAME"),
            ]),
            pid: std::process::id(),
        }
    }

    /// A record of this owner taking a lock now.
    fn info_now(&self) -> LockInfo {
        LockInfo {
            user: self.user.clone(),
            host: self.host.clone(),
            pid: self.pid,
            since: fresh_since(),
        }
    }

    /// Whether the lock was taken by this very process.
    fn is_process_of(&self, info: &LockInfo) -> bool {
        same_host(&self.host, &info.host) && self.pid == info.pid
    }

    /// Whether the lock was taken by a process of this host that has ended.
    fn sees_ended(&self, info: &LockInfo) -> bool {
        same_host(&self.host, &info.host) && !crate::store::process_running(info.pid)
    }
}

/// The first candidate that is not blank, trimmed, else [`UNKNOWN`].
fn first_named(candidates: impl IntoIterator<Item = Option<String>>) -> String {
    candidates
        .into_iter()
        .flatten()
        .map(|s| s.trim().to_owned())
        .find(|s| !s.is_empty())
        .unwrap_or_else(|| UNKNOWN.to_owned())
}

/// Whether two host names name one machine. A host that is [`UNKNOWN`] is never the same as
/// another: two machines without a name must not take each other's locks for their own.
fn same_host(a: &str, b: &str) -> bool {
    a == b && a != UNKNOWN
}

/// The current time, later than any this process has given a lock before: two locks taken
/// by one process never have equal records, so an earlier [`Lock`] recognises that the file
/// is no longer its own.
fn fresh_since() -> Timestamp {
    static LAST: Mutex<Option<Timestamp>> = Mutex::new(None);
    let mut last = LAST.lock().unwrap_or_else(PoisonError::into_inner);
    let since = later_than(*last, Timestamp::now());
    *last = Some(since);
    since
}

/// `now`, or one nanosecond after `last` if `now` is not after it.
fn later_than(last: Option<Timestamp>, now: Timestamp) -> Timestamp {
    match last {
        Some(t) if t >= now => t.checked_add(SignedDuration::from_nanos(1)).unwrap_or(now),
        _ => now,
    }
}

/// Why a lock could not be taken or released.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another instance, still running or not known to have ended, has the project open.
    #[error("the project is already open: {0}")]
    Held(LockInfo),
    /// The operating system refused.
    #[error("{}: {action}: {source}", path.display())]
    Io {
        /// The lock file.
        path: PathBuf,
        /// What was being done.
        action: &'static str,
        /// The OS error.
        source: io::Error,
    },
}

fn io_error(path: &Path, action: &'static str) -> impl FnOnce(io::Error) -> LockError {
    let path = path.to_owned();
    move |source| LockError::Io {
        path,
        action,
        source,
    }
}

/// What the lock file holds.
enum Found {
    /// No lock file.
    Missing,
    /// A lock record.
    Record(LockInfo),
    /// A file that is not a lock record (empty, cut off, not JSON), modified at this time.
    Garbled(SystemTime),
    /// A file that cannot be read.
    Unreadable,
}

fn read_lock(path: &Path) -> Found {
    match std::fs::read(path) {
        Ok(bytes) => match serde_json::from_slice(&bytes) {
            Ok(info) => Found::Record(info),
            Err(_) => std::fs::metadata(path)
                .and_then(|m| m.modified())
                .map_or(Found::Unreadable, Found::Garbled),
        },
        Err(e) if e.kind() == io::ErrorKind::NotFound => Found::Missing,
        Err(_) => Found::Unreadable,
    }
}

/// Writes `info` as one line of JSON and flushes it to disk.
fn write_record(file: &mut File, info: &LockInfo) -> io::Result<()> {
    let mut line = serde_json::to_vec(info).map_err(io::Error::other)?;
    line.push(b'\n');
    file.write_all(&line)?;
    file.sync_all()
}

/// Creates the lock file at `path` holding `info`, failing with `AlreadyExists` if there is
/// one. The record is written to a temporary file first and linked into place (a link, unlike
/// a rename, fails when the name is taken), so another instance never reads a lock file
/// that exists but is still empty and takes its holder for unknown. Where the file system
/// cannot link, the file is created empty (`create_new`) and then written.
fn create_whole(path: &Path, info: &LockInfo) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    if let Ok(mut tmp) = tempfile::Builder::new()
        .prefix(".marginalia-")
        .suffix(".lock.tmp")
        .tempfile_in(&dir)
    {
        set_readable(tmp.as_file())?;
        write_record(tmp.as_file_mut(), info)?;
        match std::fs::hard_link(tmp.path(), path) {
            Ok(()) => return Ok(()), // the temporary name goes when `tmp` drops
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Err(e),
            Err(_) => {} // no links here: create it in place
        }
    }
    let mut file = File::options().write(true).create_new(true).open(path)?;
    if let Err(e) = write_record(&mut file, info) {
        // The write error is the one to report; a half-written lock file that cannot be
        // removed either will read as garbled.
        let _ = std::fs::remove_file(path);
        return Err(e);
    }
    Ok(())
}

/// Makes a lock file others sharing the folder can read (a temporary file starts private).
fn set_readable(file: &File) -> io::Result<()> {
    #[cfg(unix)]
    let readable = std::os::unix::fs::PermissionsExt::from_mode(0o644);
    #[cfg(not(unix))]
    let readable = file.metadata()?.permissions();
    file.set_permissions(readable)
}

/// A lock on a project, held until [`Lock::release`] or drop.
///
/// Releasing deletes the lock file only if it still holds this lock's record: a lock taken
/// over since ([`Lock::steal`] by another instance) is left to its new holder.
#[derive(Debug)]
#[must_use = "the lock is released when dropped"]
pub struct Lock {
    path: PathBuf,
    info: LockInfo,
    held: bool,
}

impl Lock {
    /// Takes the lock of the project at `project` for `owner`. Through a symbolic link, the
    /// lock is the one beside the file it points to.
    ///
    /// - No lock file: one is created atomically (`create_new`), so of two instances
    ///   starting at once exactly one gets it.
    /// - A lock of this very process (same host and process id): it is ours, and is taken
    ///   again with a new record.
    /// - A lock of an ended process of this host (see [`LockOwner`]): stale, taken over
    ///   silently.
    /// - A file that is not a lock record and is older than [`GARBLED_GRACE`]: the leftover
    ///   of a crash, taken over silently. Younger, or a file that cannot be read:
    ///   [`LockError::Held`] by an unknown holder (`pid` 0) since the file's modification
    ///   time.
    /// - Any other lock: [`LockError::Held`] with its holder.
    ///
    /// Taking over replaces the file atomically, but the look before it is not atomic with it:
    /// two instances taking over the same stale lock at the same instant may both succeed.
    pub fn acquire(project: &Path, owner: &LockOwner) -> Result<Lock, LockError> {
        let path = lock_path(&real_path(project));
        for _ in 0..ATTEMPTS {
            let info = owner.info_now();
            match create_whole(&path, &info) {
                Ok(()) => return Ok(Lock::held(path, info)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(io_error(&path, "cannot create the lock file")(e)),
            }
            match read_lock(&path) {
                Found::Missing => continue, // released meanwhile: try again
                Found::Record(held) if owner.is_process_of(&held) || owner.sees_ended(&held) => {
                    return replace(path, owner);
                }
                Found::Record(held) => return Err(LockError::Held(held)),
                Found::Garbled(modified) if is_older_than(modified, GARBLED_GRACE) => {
                    return replace(path, owner);
                }
                Found::Garbled(_) | Found::Unreadable => {
                    return Err(LockError::Held(LockInfo::unknown(modified_at(&path))));
                }
            }
        }
        Err(io_error(&path, "cannot take the lock file")(
            io::Error::other("it keeps appearing and vanishing"),
        ))
    }

    /// Takes the lock of the project at `project` for `owner` whoever holds it: "open
    /// anyway". The lock file is replaced atomically; the previous holder's [`Lock`] will
    /// leave the new file alone when it is released.
    pub fn steal(project: &Path, owner: &LockOwner) -> Result<Lock, LockError> {
        replace(lock_path(&real_path(project)), owner)
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The record this lock wrote.
    pub fn info(&self) -> &LockInfo {
        &self.info
    }

    /// Releases the lock: deletes the lock file if it still holds this lock's record, and
    /// reports an error deleting it (which dropping the lock cannot).
    pub fn release(mut self) -> Result<(), LockError> {
        self.release_file()
    }

    fn held(path: PathBuf, info: LockInfo) -> Self {
        Lock {
            path,
            info,
            held: true,
        }
    }

    fn release_file(&mut self) -> Result<(), LockError> {
        if !std::mem::replace(&mut self.held, false) {
            return Ok(());
        }
        match read_lock(&self.path) {
            Found::Record(info) if info == self.info => match std::fs::remove_file(&self.path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => {
                    Err(io_error(&self.path, "cannot delete the lock file")(e))
                }
                _ => Ok(()),
            },
            _ => Ok(()), // gone, or someone else's now: not ours to delete
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Drop cannot report; `release` is the way to see the error.
        let _ = self.release_file();
    }
}

/// The project's own path, through symbolic links, so that opening a project by a link and by
/// its name takes the same lock; as given if it does not exist yet.
fn real_path(project: &Path) -> PathBuf {
    std::fs::canonicalize(project).unwrap_or_else(|_| project.to_owned())
}

/// When the file at `path` was last modified, or now if that cannot be found out.
fn modified_at(path: &Path) -> Timestamp {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| Timestamp::try_from(t).ok())
        .unwrap_or_else(Timestamp::now)
}

/// Whether `time` is more than `age` ago (a time in the future is not).
fn is_older_than(time: SystemTime, age: Duration) -> bool {
    SystemTime::now()
        .duration_since(time)
        .is_ok_and(|elapsed| elapsed > age)
}

/// Writes a new lock record for `owner` to a temporary file beside `path` and renames it
/// over `path`.
fn replace(path: PathBuf, owner: &LockOwner) -> Result<Lock, LockError> {
    let info = owner.info_now();
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".marginalia-")
        .suffix(".lock.tmp")
        .tempfile_in(&dir)
        .map_err(io_error(
            &path,
            "cannot create a temporary file beside the lock file",
        ))?;
    set_readable(tmp.as_file())
        .and_then(|()| write_record(tmp.as_file_mut(), &info))
        .map_err(io_error(&path, "cannot write the lock file"))?;
    tmp.persist(&path)
        .map_err(|e| io_error(&path, "cannot replace the lock file")(e.error))?;
    Ok(Lock::held(path, info))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A process id that no Linux system runs (pid_max is at most 2^22).
    const ENDED: u32 = 4_000_000_000;

    fn owner(user: &str, host: &str, pid: u32) -> LockOwner {
        LockOwner {
            user: user.into(),
            host: host.into(),
            pid,
        }
    }

    fn held_by(result: Result<Lock, LockError>) -> LockInfo {
        match result {
            Err(LockError::Held(info)) => info,
            other => panic!("expected the lock to be held, got {other:?}"),
        }
    }

    fn record(path: &Path) -> LockInfo {
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
    }

    #[test]
    fn the_lock_file_sits_beside_the_project() {
        assert_eq!(
            lock_path(Path::new("/x/day.ron")),
            Path::new("/x/day.ron.lock")
        );
    }

    #[test]
    fn a_second_owner_finds_the_lock_held_and_may_steal_it() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("day.ron");
        let alice = owner("alice", "host-1", 4242);
        let bob = owner("bob", "host-2", 7);
        let lock = Lock::acquire(&project, &alice).unwrap();
        assert_eq!(lock.path(), lock_path(&project));
        assert_eq!(record(lock.path()), *lock.info());
        let holder = held_by(Lock::acquire(&project, &bob));
        assert_eq!((holder.user.as_str(), holder.pid), ("alice", 4242));
        let stolen = Lock::steal(&project, &bob).unwrap();
        assert_eq!(record(stolen.path()).user, "bob");
        assert_eq!(held_by(Lock::acquire(&project, &alice)).user, "bob");
        drop(stolen);
        assert!(!lock_path(&project).exists());
    }

    #[test]
    fn a_live_process_of_this_host_holds_its_lock() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("day.ron");
        let _lock = Lock::acquire(&project, &owner("alice", "host-1", 1)).unwrap();
        let holder = held_by(Lock::acquire(&project, &owner("bob", "host-1", 2)));
        assert_eq!(holder.pid, 1);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_lock_of_an_ended_process_of_this_host_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("day.ron");
        let crashed = Lock::acquire(&project, &owner("alice", "host-1", ENDED)).unwrap();
        std::mem::forget(crashed); // a crash leaves the file behind
        let lock = Lock::acquire(&project, &owner("bob", "host-1", 2)).unwrap();
        assert_eq!(record(lock.path()).user, "bob");
        // On another host the process cannot be checked, so the lock stands.
        let other = dir.path().join("other.ron");
        std::mem::forget(Lock::acquire(&other, &owner("alice", "host-1", ENDED)).unwrap());
        held_by(Lock::acquire(&other, &owner("bob", "host-2", 2)));
        // Nor can it be when neither host has a name.
        let nameless = dir.path().join("nameless.ron");
        std::mem::forget(Lock::acquire(&nameless, &owner("alice", UNKNOWN, ENDED)).unwrap());
        held_by(Lock::acquire(&nameless, &owner("bob", UNKNOWN, 2)));
    }

    #[test]
    fn a_lock_of_this_same_process_is_ours_and_only_the_newest_releases_it() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("day.ron");
        // A running process (this one), so the lock is ours, not merely stale.
        let me = owner("alice", "host-1", std::process::id());
        let first = Lock::acquire(&project, &me).unwrap();
        let second = Lock::acquire(&project, &me).unwrap();
        assert_ne!(first.info(), second.info());
        drop(first);
        assert_eq!(record(&lock_path(&project)), *second.info());
        drop(second);
        assert!(!lock_path(&project).exists());
    }

    #[test]
    fn dropping_or_releasing_deletes_the_lock_file() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("day.ron");
        let me = owner("alice", "host-1", 4242);
        drop(Lock::acquire(&project, &me).unwrap());
        assert!(!lock_path(&project).exists());
        Lock::acquire(&project, &me).unwrap().release().unwrap();
        assert!(!lock_path(&project).exists());
    }

    #[test]
    fn a_lock_taken_over_is_not_deleted_by_its_previous_holder() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("day.ron");
        let alice = Lock::acquire(&project, &owner("alice", "host-1", 4242)).unwrap();
        let bob = Lock::steal(&project, &owner("bob", "host-2", 7)).unwrap();
        alice.release().unwrap();
        assert_eq!(record(&lock_path(&project)), *bob.info());
        std::fs::remove_file(lock_path(&project)).unwrap();
        bob.release().unwrap(); // already gone: fine
    }

    #[test]
    fn a_lock_file_is_never_seen_before_its_record_is_in_it() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("day.ron");
        let lock = lock_path(&project);
        let alice = owner("alice", "host-1", 4242);
        let done = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|s| {
            let reader = s.spawn(|| {
                let mut seen = 0;
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    match read_lock(&lock) {
                        Found::Record(_) => seen += 1,
                        Found::Missing => {}
                        Found::Garbled(_) | Found::Unreadable => {
                            panic!("a lock file without its record was seen")
                        }
                    }
                }
                seen
            });
            for _ in 0..2000 {
                Lock::acquire(&project, &alice).unwrap().release().unwrap();
            }
            done.store(true, std::sync::atomic::Ordering::Relaxed);
            assert!(reader.join().unwrap() > 0, "the reader saw some locks");
        });
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(names.is_empty(), "no temporary file left: {names:?}");
    }

    #[test]
    fn a_garbled_lock_file_is_held_by_an_unknown_holder_until_it_is_old() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("day.ron");
        let path = lock_path(&project);
        std::fs::write(&path, "{\"user\": \"al").unwrap();
        let me = owner("alice", "host-1", 4242);
        let holder = held_by(Lock::acquire(&project, &me));
        assert_eq!((holder.user.as_str(), holder.pid), (UNKNOWN, 0));
        let written = std::fs::metadata(&path).unwrap().modified().unwrap();
        assert_eq!(holder.since, Timestamp::try_from(written).unwrap());
        assert!(
            holder
                .describe(&TimeZone::UTC)
                .starts_with("an unknown holder")
        );
        let file = File::options().write(true).open(&path).unwrap();
        file.set_modified(SystemTime::now() - GARBLED_GRACE * 2)
            .unwrap();
        let lock = Lock::acquire(&project, &me).unwrap();
        assert_eq!(record(&path), *lock.info());
    }

    #[cfg(unix)]
    #[test]
    fn a_project_opened_through_a_link_takes_the_lock_of_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("day.ron");
        std::fs::write(&project, "").unwrap();
        let link = dir.path().join("link.ron");
        std::os::unix::fs::symlink(&project, &link).unwrap();
        let lock = Lock::acquire(&link, &owner("alice", "host-1", 4242)).unwrap();
        assert_eq!(
            lock.path(),
            lock_path(&std::fs::canonicalize(&project).unwrap())
        );
        held_by(Lock::acquire(&project, &owner("bob", "host-2", 7)));
    }

    #[test]
    fn the_holder_reads_as_a_sentence() {
        let info = LockInfo {
            user: "alice".into(),
            host: "host-1".into(),
            pid: 4242,
            since: "2026-11-21T22:40:59Z".parse().unwrap(),
        };
        assert_eq!(
            info.describe(&TimeZone::UTC),
            "alice on host-1 (process 4242) since 2026-11-21 22:40"
        );
    }

    #[test]
    fn the_owner_is_the_first_name_given() {
        let s = |v: &str| Some(v.to_owned());
        assert_eq!(first_named([None, s("  \n"), s("vm\n")]), "vm");
        assert_eq!(first_named([None, None]), UNKNOWN);
        assert_eq!(LockOwner::current().pid, std::process::id());
    }

    #[test]
    fn lock_times_of_one_process_never_repeat() {
        let t: Timestamp = "2026-11-21T22:40:00Z".parse().unwrap();
        let next = later_than(Some(t), t);
        assert!(next > t);
        assert!(later_than(Some(next), t) > next);
        let later = t + SignedDuration::from_secs(1);
        assert_eq!(later_than(Some(t), later), later);
        assert_eq!(later_than(None, t), t);
        assert!(fresh_since() < fresh_since());
    }
}
