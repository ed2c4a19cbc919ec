//! What may be read and what may be written over.
//!
//! - **Reading** takes regular files only, and only up to a size limit: a FIFO would block the
//!   command forever and `/dev/zero` would fill the memory, so [`read_regular`] opens without
//!   blocking, looks at what it opened, and refuses anything but a regular file of at most
//!   [`size_limit`] bytes, before reading a byte.
//! - **Writing** goes to regular files (or folders) only: [`check_target`] refuses a device,
//!   FIFO or socket (run as root, writing "over" `/dev/null` would replace it).
//! - **Never over the input**: [`Protected`] names the files a command must not write over (its
//!   project, the project's backup, recovery and lock files), and recognises them by any path:
//!   a symbolic link, a hard link, `./` or `..` detours.

use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The default [`size_limit`]: 2 GiB, far above any article or project met so far (a
/// corpus of 5,000 articles with 191,000 annotations is an 85 MB project).
pub const DEFAULT_SIZE_LIMIT: u64 = 2 << 30;

static SIZE_LIMIT: AtomicU64 = AtomicU64::new(DEFAULT_SIZE_LIMIT);

/// The largest file, in bytes, that [`read_regular`] reads (projects, articles, imports).
pub fn size_limit() -> u64 {
    SIZE_LIMIT.load(Ordering::Relaxed)
}

/// Sets [`size_limit`] for the rest of the process (the command line's `--max-size`).
pub fn set_size_limit(bytes: u64) {
    SIZE_LIMIT.store(bytes, Ordering::Relaxed);
}

/// Reads the whole of `path`, which must be a regular file of at most [`size_limit`] bytes;
/// anything else is refused with an error saying what it is, without blocking.
pub fn read_regular(path: &Path) -> io::Result<Vec<u8>> {
    read_within(path, size_limit())
}

fn read_within(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let (file, meta) = open_within(path, limit)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // A file that grows while it is read stops at the limit, one byte over to tell.
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "it grew past the limit of {} as it was read",
                bytes_text(limit)
            ),
        ));
    }
    Ok(bytes)
}

/// Opens `path` for reading if it is a regular file of at most [`size_limit`] bytes (see
/// [`read_regular`]), with its metadata as opened.
pub fn open_regular(path: &Path) -> io::Result<(std::fs::File, std::fs::Metadata)> {
    open_within(path, size_limit())
}

fn open_within(path: &Path, limit: u64) -> io::Result<(std::fs::File, std::fs::Metadata)> {
    let mut options = std::fs::File::options();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        // Opening a FIFO for reading waits for a writer; without blocking it opens at once,
        // and the check below refuses it. A regular file reads the same either way.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("it is {}, not a regular file", kind_of(&meta)),
        ));
    }
    if meta.len() > limit {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "it is {}, more than the limit of {} (raise it with --max-size)",
                bytes_text(meta.len()),
                bytes_text(limit)
            ),
        ));
    }
    Ok((file, meta))
}

/// Checks that `path` may be written as a file: it does not exist, or is a regular file (a
/// symbolic link to one is fine). A folder, device, FIFO or socket is refused.
pub fn check_target(path: &Path) -> io::Result<()> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => Ok(()),
        Ok(meta) => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "it is {}, not a regular file; name a file to write{}",
                kind_of(&meta),
                if meta.is_dir() {
                    ""
                } else {
                    " (or - for standard output, where the format is one file)"
                }
            ),
        )),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// What kind of file `meta` describes, for messages ("a FIFO (named pipe)").
pub fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    "not a regular file"
}

/// `n` bytes as people read them: "85.3 MB", "2.0 GiB" style, in powers of 1024.
fn bytes_text(n: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} bytes")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// A file a command must not write over, known by every path to it.
#[derive(Clone, Debug)]
struct Guarded {
    /// What it is, for the message ("the project", "the project's backup").
    what: String,
    /// The path as given.
    path: PathBuf,
    /// Where it is, with links and `..` resolved.
    resolved: PathBuf,
    /// Device and inode, when it exists (a hard link is another path to the same one).
    identity: Option<(u64, u64)>,
}

/// The files a command reads or keeps and so must never write over.
#[derive(Clone, Debug, Default)]
pub struct Protected {
    files: Vec<Guarded>,
}

impl Protected {
    /// The project at `project` and the files kept beside it: its backup (`.bak`), recovery
    /// file (`.recovery`) and lock (`.lock`), both beside the path given and beside the file
    /// it links to.
    pub fn project(project: &Path) -> Self {
        let mut p = Protected::default();
        p.add_project(project, "the project");
        p
    }

    /// Adds `project` (called `what` in messages) and the files kept beside it.
    pub fn add_project(&mut self, project: &Path, what: &str) {
        self.add_companions(project, what);
        self.add(project, what);
    }

    /// Adds only the files kept beside `project` (its backup, recovery file and lock), not the
    /// project itself: for `merge -o MINE`, which may write MINE but none of those.
    pub fn add_companions(&mut self, project: &Path, what: &str) {
        let real = resolve(project);
        for base in [project.to_owned(), real] {
            self.add(&super::backup_path(&base), &format!("{what}'s backup"));
            for (suffix, name) in [(".recovery", "recovery file"), (".lock", "lock file")] {
                let mut file = base
                    .file_name()
                    .map(|n| n.to_os_string())
                    .unwrap_or_default();
                file.push(suffix);
                self.add(&base.with_file_name(file), &format!("{what}'s {name}"));
            }
        }
    }

    /// Adds one file, called `what` in messages.
    pub fn add(&mut self, path: &Path, what: &str) {
        self.files.push(Guarded {
            what: what.to_owned(),
            path: path.to_owned(),
            resolved: resolve(path),
            identity: identity(path),
        });
    }

    /// `Err` with the message to show when writing `out` would write over a protected file.
    pub fn check(&self, out: &Path) -> Result<(), String> {
        let resolved = resolve(out);
        let id = identity(out);
        match self
            .files
            .iter()
            .find(|g| g.resolved == resolved || (id.is_some() && g.identity == id))
        {
            None => Ok(()),
            Some(g) if g.path == out => Err(format!(
                "{} is {}: writing the output there would destroy it. Name another file.",
                out.display(),
                g.what
            )),
            Some(g) => Err(format!(
                "{} is {} ({}) by another path: writing the output there would destroy it. \
                 Name another file.",
                out.display(),
                g.what,
                g.path.display()
            )),
        }
    }
}

/// Device and inode of the file at `path` (following links), if it exists.
fn identity(path: &Path) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Where `path` leads: absolute, with symbolic links followed as far as they exist (also a
/// link to a file not yet there) and `.` and `..` resolved.
fn resolve(path: &Path) -> PathBuf {
    let mut current = absolute(path);
    for _ in 0..40 {
        if let Ok(real) = std::fs::canonicalize(&current) {
            return real;
        }
        // Not there (yet): resolve the folder, and follow the last part if it is a link.
        match std::fs::read_link(&current) {
            Ok(target) => {
                let base = current.parent().map(Path::to_owned).unwrap_or_default();
                current = lexical(&base.join(target));
            }
            Err(_) => {
                let (Some(parent), Some(name)) = (current.parent(), current.file_name()) else {
                    return current;
                };
                let parent = std::fs::canonicalize(parent).unwrap_or_else(|_| parent.to_owned());
                return parent.join(name);
            }
        }
    }
    current
}

fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_owned()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    lexical(&joined)
}

/// `path` with `.` dropped and `..` taking off the part before it.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_project_and_its_companions_are_known_by_every_path() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("day.ron");
        std::fs::write(&project, "x").unwrap();
        let guard = Protected::project(&project);
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        let detour = sub.join("..").join("day.ron");
        let hard = dir.path().join("hard.ron");
        std::fs::hard_link(&project, &hard).unwrap();
        #[cfg(unix)]
        let link = {
            let link = dir.path().join("link.ron");
            std::os::unix::fs::symlink(&project, &link).unwrap();
            link
        };
        for out in [&project, &detour, &hard, &link] {
            let why = guard.check(out).unwrap_err();
            assert!(why.contains("the project"), "{}: {why}", out.display());
        }
        // The backup, though it does not exist yet, and a link pointing at it.
        let bak = dir.path().join("day.ron.bak");
        assert!(guard.check(&bak).unwrap_err().contains("backup"));
        #[cfg(unix)]
        {
            let dangling = dir.path().join("to-bak");
            std::os::unix::fs::symlink(&bak, &dangling).unwrap();
            assert!(guard.check(&dangling).unwrap_err().contains("backup"));
        }
        assert!(guard.check(&dir.path().join("day.ron.recovery")).is_err());
        assert!(guard.check(&dir.path().join("day.ron.lock")).is_err());
        // Another file is fine, also one whose name starts the same.
        assert!(guard.check(&dir.path().join("day.ron.csv")).is_ok());
        assert!(guard.check(&dir.path().join("day.jsonl")).is_ok());
    }

    #[test]
    fn only_regular_files_are_read_and_written() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.txt");
        std::fs::write(&file, "text").unwrap();
        assert_eq!(read_regular(&file).unwrap(), b"text");
        assert!(check_target(&file).is_ok());
        assert!(check_target(&dir.path().join("new.txt")).is_ok());
        let folder = read_regular(dir.path()).unwrap_err().to_string();
        assert!(folder.contains("a folder"), "{folder}");
        assert!(
            check_target(dir.path())
                .unwrap_err()
                .to_string()
                .contains("a folder")
        );
        #[cfg(unix)]
        {
            let zero = read_regular(Path::new("/dev/zero"))
                .unwrap_err()
                .to_string();
            assert!(zero.contains("a device"), "{zero}");
            let null = check_target(Path::new("/dev/null"))
                .unwrap_err()
                .to_string();
            assert!(null.contains("a device") && null.contains("- for standard output"));
            // A FIFO with no writer: refused at once, not waited on.
            let fifo = dir.path().join("pipe.ron");
            let made = std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap();
            assert!(made.success());
            let why = read_regular(&fifo).unwrap_err().to_string();
            assert!(why.contains("FIFO"), "{why}");
            assert!(
                check_target(&fifo)
                    .unwrap_err()
                    .to_string()
                    .contains("FIFO")
            );
        }
    }

    #[test]
    fn a_file_over_the_limit_is_refused_before_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("big.txt");
        std::fs::write(&file, vec![b'a'; 3000]).unwrap();
        let why = read_within(&file, 2048).unwrap_err().to_string();
        assert!(why.contains("2.9 KiB") && why.contains("2.0 KiB") && why.contains("--max-size"));
    }
}
