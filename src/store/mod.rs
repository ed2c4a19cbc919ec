//! Project files: one self-contained, human-readable RON file per project.
//!
//! Reading goes bytes → UTF-8 → version check → parse → migrate → validate → model; each step
//! names the file, and where it can the line and column, of what it refuses. Writing is
//! deterministic (same project, same bytes) and atomic (temporary file in the same folder,
//! flushed, then renamed over the old one, which is kept as `NAME.ron.bak`).

mod convert;
mod fast;
mod file;
pub mod guard;
mod join;
mod problem;
mod reanchor;
mod split;
mod validate;

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

pub use convert::{file_to_project, project_to_file};
pub use file::{
    AnnotationRecord, DocumentRecord, FORMAT_VERSION, HEADER, OFFSET_UNIT, ProjectFile,
};
pub use problem::{Anchor, Problem, ProblemKind, Problems, StoreError, line_col};
pub use reanchor::{Moved, ReanchorReport, reanchor};

use crate::model::{Project, TextIndex};

/// RON options for reading: `Some` may be left out (as written), so hand-edited files may
/// write `source: "AP"` or `source: Some("AP")`.
fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
}

/// Reads a project file as text, naming the file if the OS refuses and the line and column
/// of the first byte that is not UTF-8.
pub fn read_source(path: &Path) -> Result<String, StoreError> {
    let bytes = guard::read_regular(path)
        .map_err(|e| StoreError::io(path, "cannot read the project file", e))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let (line, col) = line_col(&String::from_utf8_lossy(&e.as_bytes()[..valid]), valid);
        StoreError::Syntax {
            path: path.to_owned(),
            line,
            col,
            message: "the file is not valid UTF-8 text (a project file is RON text in UTF-8)"
                .into(),
        }
    })
}

fn syntax_error(path: &Path, source: &str, e: ron::error::SpannedError) -> StoreError {
    let end = line_col(source, source.len());
    let at_end = (e.span.end.line, e.span.end.col) >= end;
    let message = match &e.code {
        ron::Error::Eof => "the file ends too early: it was cut off, or a bracket or quote is not closed".to_owned(),
        ron::Error::ExpectedStringEnd => {
            "the string that starts here is not closed: expected a closing quote (was the file cut off?)".to_owned()
        }
        ron::Error::ExceededRecursionLimit => format!(
            "brackets are nested too deeply here (more than {RECURSION_LIMIT} levels): a project \
             file nests a few levels at most, so this part is not a project"
        ),
        code if at_end => format!("{} (the file ends here: was it cut off?)", plain(code)),
        code => plain(code),
    };
    StoreError::Syntax {
        path: path.to_owned(),
        line: e.span.start.line,
        col: e.span.start.col,
        message,
    }
}

/// How deeply the reader lets brackets nest (RON's own default).
const RECURSION_LIMIT: usize = 128;

/// The names the file's parts have in code, in the words a reader of the file uses.
const PART_NAMES: &[(&str, &str)] = &[
    ("VersionProbe", "the project"),
    ("ProjectFile", "the project"),
    ("DocumentRecord", "a document"),
    ("DocumentMeta", "a document's details"),
    ("DocStatus", "a document's status"),
    ("AnnotationRecord", "an annotation"),
    ("ReviewStatus", "a review status"),
    ("Fragment", "a fragment"),
    ("Relation", "a relation"),
    ("EntityKind", "an entity's kind"),
    ("Entity", "an entity"),
    ("DecisionReason", "a decision's reason"),
    ("Decision", "a decision"),
    ("Verdict", "a verdict"),
    ("Schema", "the schema"),
    ("TagType", "a tag type"),
    ("RelationType", "a relation type"),
    ("Rgb", "a colour"),
];

/// RON's message for `code`, with the parts named as the file names them, not as the code
/// does (`in the project`, not ``in `ProjectFile` ``).
fn plain(code: &ron::Error) -> String {
    if let ron::Error::MissingStructField { field, outer } = code {
        let whole = outer.as_deref().map_or("this part", |outer| {
            PART_NAMES
                .iter()
                .find(|(name, _)| *name == outer)
                .map_or("this part", |(_, words)| words)
        });
        return format!("{whole} lacks its `{field}` field (it must be given)");
    }
    let mut text = code.to_string();
    for (name, words) in PART_NAMES {
        for (pattern, with) in [
            (format!("in enum `{name}`"), format!("in {words}")),
            (format!("for struct `{name}`"), format!("for {words}")),
            (format!("`{name}`"), (*words).to_owned()),
        ] {
            text = text.replace(&pattern, &with);
        }
    }
    text
}

/// The `format_version` of the file, found cheaply when it is the first field (as written),
/// otherwise by a full parse that ignores everything else.
fn format_version(path: &Path, source: &str) -> Result<u32, StoreError> {
    let mut rest = source;
    loop {
        rest = rest.trim_start();
        if rest.starts_with("//") || rest.starts_with("#!") {
            rest = rest.split_once('\n').map_or("", |(_, r)| r);
        } else {
            break;
        }
    }
    let quick = rest
        .strip_prefix('(')
        .map(str::trim_start)
        .and_then(|r| r.strip_prefix("format_version"))
        .map(str::trim_start)
        .and_then(|r| r.strip_prefix(':'))
        .map(str::trim_start)
        .and_then(|r| {
            let digits = r.find(|c: char| !c.is_ascii_digit()).unwrap_or(r.len());
            r.get(..digits)?.parse().ok()
        });
    match quick {
        Some(v) => Ok(v),
        None => ron_options()
            .from_str::<file::VersionProbe>(source)
            .map(|p| p.format_version)
            .map_err(|e| syntax_error(path, source, e)),
    }
}

/// A problem with the `format_version` field, placed where the field is.
fn version_error(path: &Path, source: &str, message: String) -> StoreError {
    let (line, col) = source
        .find("format_version")
        .map_or((1, 1), |i| line_col(source, i));
    StoreError::Syntax {
        path: path.to_owned(),
        line,
        col,
        message,
    }
}

/// Parses project-file text: checks the version, parses, and migrates older versions to the
/// current shape. Does not validate.
pub fn parse(path: &Path, source: &str) -> Result<ProjectFile, StoreError> {
    let version = format_version(path, source)?;
    if version > FORMAT_VERSION {
        return Err(StoreError::NewerVersion {
            path: path.to_owned(),
            found: version,
            supported: FORMAT_VERSION,
        });
    }
    if version == 0 {
        return Err(version_error(
            path,
            source,
            format!("format_version 0 does not exist; expected 1 to {FORMAT_VERSION}"),
        ));
    }
    let mut file = match split::parse_parallel(source) {
        Some(file) => file,
        None => ron_options()
            .from_str::<ProjectFile>(source)
            .map_err(|e| syntax_error(path, source, e))?,
    };
    if file.format_version != version {
        // The quick look and the parser disagree (say `2_0`, which RON reads as 20): trust
        // neither half-way.
        let message = format!(
            "format_version must be written as a plain number (read {})",
            file.format_version
        );
        return Err(version_error(path, source, message));
    }
    migrate(&mut file, version);
    Ok(file)
}

/// Brings a file of an older format version to the current shape.
///
/// Version 2 had no `decisions` (nothing to change: they default to none).
/// Version 1 (before discontinuous spans) stored one `start`/`end` per annotation and had no
/// `offset_unit` (it always counted code points).
fn migrate(file: &mut ProjectFile, version: u32) {
    if version < 2 {
        for a in &mut file.annotations {
            let single = (a.start.take(), a.end.take());
            if let (Some(start), Some(end), true) = (single.0, single.1, a.fragments.is_empty()) {
                a.fragments.push((start, end));
            }
        }
    }
    file.format_version = file::version_needed(file);
}

/// `source` with each Windows line ending (CRLF) turned back into LF.
pub fn without_crlf(source: &str) -> String {
    source.replace("\r\n", "\n")
}

/// When every problem of a file comes from its line endings having been turned into CRLF
/// (git does so with `core.autocrlf`, and the texts' line breaks are inside their strings),
/// a first problem that says so and how to undo it.
fn explain_line_endings(path: &Path, source: &str, list: &mut Vec<Problem>) {
    if list.is_empty() || !source.contains("\r\n") {
        return;
    }
    let fixed = without_crlf(source);
    let clean = parse(path, &fixed).is_ok_and(|f| validate::check(&f).problems.is_empty());
    if !clean {
        return;
    }
    let texts = list
        .iter()
        .filter(|p| p.kind == ProblemKind::HashMismatch)
        .count();
    let message = format!(
        "the file's line endings were changed to Windows ones (CRLF), as git does with \
         core.autocrlf, so {texts} text(s) no longer match their hashes and the other \
         problems follow from that; with LF line endings the file is sound. `marginalia fmt \
         --fix-line-endings {}` puts them back (keeping a backup), and the line `*.ron -text` \
         in .gitattributes keeps git from converting them again",
        path.display()
    );
    list.insert(
        0,
        Problem::new(ProblemKind::LineEndings, Anchor::File, message),
    );
}

/// Validates a parsed file; problems carry line and column found in `source`.
pub fn check(path: &Path, source: &str, file: &ProjectFile) -> Problems {
    let mut list = validate::check(file).problems;
    problem::locate(source, &mut list);
    explain_line_endings(path, source, &mut list);
    Problems {
        path: path.to_owned(),
        list,
    }
}

/// Reads and validates a project file without building the project: every problem, listed.
pub fn validate_path(path: &Path) -> Result<Problems, StoreError> {
    let source = read_source(path)?;
    let file = parse(path, &source)?;
    Ok(check(path, &source, &file))
}

/// Builds a project from project-file text, refusing it (with every problem) if it does not
/// validate.
pub fn from_str(path: &Path, source: &str) -> Result<Project, StoreError> {
    let (file, indexes) = parse_checked(path, source)?;
    build(path, file, &indexes)
}

/// Loads and validates a project file.
pub fn load(path: &Path) -> Result<Project, StoreError> {
    let source = read_source(path)?;
    let (file, indexes) = parse_checked(path, &source)?;
    // The text is only needed to place problems: let it go before the project is built
    // beside the records, which is when a load holds the most (82 MB less at corpus scale).
    drop(source);
    build(path, file, &indexes)
}

/// The records of `source` and the text indexes of its documents, if it parses and
/// validates; otherwise the problems, placed in the text.
fn parse_checked(
    path: &Path,
    source: &str,
) -> Result<(ProjectFile, HashMap<String, TextIndex>), StoreError> {
    let file = parse(path, source)?;
    let checked = validate::check(&file);
    if !checked.problems.is_empty() {
        let mut list = checked.problems;
        problem::locate(source, &mut list);
        explain_line_endings(path, source, &mut list);
        return Err(StoreError::Invalid(Problems {
            path: path.to_owned(),
            list,
        }));
    }
    Ok((file, checked.indexes))
}

/// The project of records that validated.
fn build(
    path: &Path,
    file: ProjectFile,
    indexes: &HashMap<String, TextIndex>,
) -> Result<Project, StoreError> {
    file_to_project(file, indexes).map_err(|message| StoreError::Syntax {
        path: path.to_owned(),
        line: 1,
        col: 1,
        message,
    })
}

/// The canonical text of a project: the header comment and pretty RON, the same bytes for the
/// same project.
pub fn to_string(project: &Project) -> Result<String, StoreError> {
    file_to_string(&project_to_file(project))
}

/// The canonical text of a project file.
pub fn file_to_string(file: &ProjectFile) -> Result<String, StoreError> {
    let config = ron::ser::PrettyConfig::new()
        .indentor("    ")
        .new_line("\n")
        .escape_strings(false)
        .extensions(ron::extensions::Extensions::IMPLICIT_SOME);
    let body = match join::to_string_parallel(file, &config) {
        Some(body) => body,
        None => ron::ser::to_string_pretty(file, config)
            .map_err(|e| StoreError::Serialize(e.to_string()))?,
    };
    let mut out = String::with_capacity(HEADER.len() + body.len() + 1);
    out.push_str(HEADER);
    out.push_str(&body);
    out.push('\n');
    Ok(out)
}

/// The path of the backup kept beside `path`: `NAME.ron.bak`.
pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".bak");
    path.with_file_name(name)
}

/// Writes `text` to `path` atomically: a temporary file in the same folder, flushed to disk,
/// then renamed over `path`. The previous file, if any, is kept as `NAME.ron.bak`.
pub fn write_atomically(path: &Path, text: &str) -> Result<(), StoreError> {
    replace_file(path, text, Backup::Keep, Flush::Yes)
}

/// Writes `text` to `path` atomically, like [`write_atomically`], but keeps no backup of the
/// file it replaces: for files rewritten often whose previous version has no value, such as
/// the recovery file of an autosave.
pub fn write_without_backup(path: &Path, text: &str) -> Result<(), StoreError> {
    replace_file(path, text, Backup::Skip, Flush::Yes)
}

/// Replaces `path` with `text` atomically (a reader never sees half a file) but without
/// waiting for the disk: for files derived from the project, such as exports, which can be
/// written again. Waiting for the disk costs about 10 ms a file, which adds up to seconds for
/// an export of a folder with hundreds of files.
pub fn write_derived(path: &Path, text: &str) -> Result<(), StoreError> {
    replace_file(path, text, Backup::Skip, Flush::No)
}

/// Whether a write waits until the data is on the disk.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flush {
    Yes,
    No,
}

/// Whether a write keeps the file it replaces as `NAME.ron.bak`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Backup {
    Keep,
    Skip,
}

fn replace_file(path: &Path, text: &str, backup: Backup, flush: Flush) -> Result<(), StoreError> {
    stage_file(path, text, flush)?.commit_with(backup)
}

/// A file written (and, when asked, flushed) to a temporary file beside its target, not yet
/// in place. [`StagedWrite::commit`] puts it in place atomically; dropping it instead removes
/// the temporary file and leaves the target as it was. Staging lets slow disk writes overlap
/// other work that may still decide not to write.
pub struct StagedWrite {
    tmp: tempfile::NamedTempFile,
    /// The file written to (through a symbolic link, the file it points to).
    target: PathBuf,
    /// The path as the caller named it, for messages.
    path: PathBuf,
    /// The folder of `target`.
    dir: PathBuf,
    flush: Flush,
}

/// [`stage`]s `text` beside `path` on another thread while `file`, the records the text was
/// made from, gets the checks a load makes: the problems found, and the staged write, to be
/// committed only if there are none (dropped, it removes itself). That the text parses back
/// into those records is the serialiser's contract (the property tests hold it to it over
/// arbitrary Unicode), so the text is not parsed again: that would cost a whole load.
pub fn stage_checked(
    path: &Path,
    text: &str,
    file: &ProjectFile,
) -> (Problems, Result<StagedWrite, StoreError>) {
    std::thread::scope(|scope| {
        let staged = scope.spawn(|| stage(path, text));
        let problems = check(path, "", file);
        let staged = staged
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        (problems, staged)
    })
}

/// Writes `text` beside `path` and flushes it to the disk, without touching `path` yet; see
/// [`StagedWrite`]. [`StagedWrite::commit`] then does what [`write_atomically`] does.
pub fn stage(path: &Path, text: &str) -> Result<StagedWrite, StoreError> {
    stage_file(path, text, Flush::Yes)
}

/// Writes `text` beside `path` without waiting for the disk and without touching `path`
/// yet: [`StagedWrite::commit_derived`] then does what [`write_derived`] does.
pub fn stage_derived(path: &Path, text: &str) -> Result<StagedWrite, StoreError> {
    stage_file(path, text, Flush::No)
}

/// [`stage_derived`] with the contents written by `fill` through a buffer into the temporary
/// file as they are made, so that a large export is never held whole in memory. An error
/// `fill` returns is the write's error (the temporary file is removed).
pub fn stage_derived_with(
    path: &Path,
    fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
) -> Result<StagedWrite, StoreError> {
    stage_with(path, Flush::No, &mut |file| {
        // Small writes gathered into large ones; one larger than the buffer goes straight
        // through.
        let mut buffered = std::io::BufWriter::with_capacity(1 << 20, file);
        fill(&mut buffered)?;
        buffered.flush()
    })
}

fn stage_file(path: &Path, text: &str, flush: Flush) -> Result<StagedWrite, StoreError> {
    stage_with(path, flush, &mut |file| file.write_all(text.as_bytes()))
}

fn stage_with(
    path: &Path,
    flush: Flush,
    fill: &mut dyn FnMut(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<StagedWrite, StoreError> {
    // Through a symbolic link, write the file it points to (and keep the link).
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    refuse_read_only(path, &target)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(&temp_prefix(&target))
        .suffix(TEMP_SUFFIX)
        .tempfile_in(&dir)
        .map_err(|e| StoreError::io(path, "cannot create a temporary file beside it", e))?;
    // Held until the file is closed (put in place or removed): the lock tells a cleanup of
    // leftovers (`remove_leftovers`) that this one is being written, by whatever process.
    let _ = tmp.as_file().try_lock();
    // Through the file itself: the temporary file's own writer adds "at path …tmp" to an
    // error, naming a file the user never asked for.
    fill(tmp.as_file_mut())
        .and_then(|()| tmp.as_file().metadata())
        .and_then(|meta| {
            tmp.as_file()
                .set_permissions(permissions_for(&target, meta.permissions()))
        })
        .and_then(|()| {
            if flush == Flush::Yes {
                tmp.as_file().sync_all()
            } else {
                Ok(())
            }
        })
        .map_err(|e| StoreError::io(path, "cannot write", e))?;
    Ok(StagedWrite {
        tmp,
        target,
        path: path.to_owned(),
        dir,
        flush,
    })
}

impl StagedWrite {
    /// Renames the staged file over its target, keeping the previous file as `NAME.ron.bak`.
    pub fn commit(self) -> Result<(), StoreError> {
        self.commit_with(Backup::Keep)
    }

    /// [`Self::commit`], if `unchanged()` says the target is still the file the caller read:
    /// the look and the rename are made while holding the folder's writers' lock, which every
    /// project save takes, so that no other save (of another process, also one forced past
    /// the project's lock) comes between them. `Ok(false)`: changed, not written (the staged
    /// file is removed).
    pub fn commit_if(self, unchanged: impl FnOnce() -> bool) -> Result<bool, StoreError> {
        Ok(self.commit_if_then(unchanged, || ())?.is_some())
    }

    /// [`Self::commit_if`], then `then()` while the folder's writers' lock is still held (to
    /// take the new file's fingerprint before another save can replace it); `None`: changed,
    /// not written.
    pub fn commit_if_then<T>(
        self,
        unchanged: impl FnOnce() -> bool,
        then: impl FnOnce() -> T,
    ) -> Result<Option<T>, StoreError> {
        let _writers = WritersLock::take(&self.dir);
        if !unchanged() {
            return Ok(None);
        }
        self.put_in_place(Backup::Keep)?;
        Ok(Some(then()))
    }

    /// Renames the staged file over its target, keeping no backup: for exports.
    pub fn commit_derived(self) -> Result<(), StoreError> {
        self.commit_with(Backup::Skip)
    }

    fn commit_with(self, backup: Backup) -> Result<(), StoreError> {
        // Derived files (exports, thousands to a folder) are nobody's read-modify-write.
        let _writers = (self.flush == Flush::Yes).then(|| WritersLock::take(&self.dir));
        self.put_in_place(backup)
    }

    fn put_in_place(self, backup: Backup) -> Result<(), StoreError> {
        let StagedWrite {
            tmp,
            target,
            path,
            dir,
            flush,
        } = self;
        if backup == Backup::Keep && target.exists() {
            keep_backup(&target)?;
        }
        if flush == Flush::No && target.is_file() {
            // Renaming over an existing file makes ext4 flush the new data first (its
            // `auto_da_alloc`), which is the wait this write means to skip. Removing the old
            // file first leaves a moment with no file, never a half-written one.
            let _ = std::fs::remove_file(&target);
        }
        tmp.persist(&target)
            .map_err(|e| StoreError::io(&path, "cannot replace the file", e.error))?;
        if flush == Flush::Yes
            && let Ok(d) = std::fs::File::open(&dir)
        {
            let _ = d.sync_all(); // makes the rename durable where the platform allows it
        }
        Ok(())
    }
}

/// The lock the saves of one folder take around putting a file in place (an OS lock on the
/// folder itself, released when dropped), so that a save's "is the file still the one I
/// read?" and its rename are one step for every other save. Where the folder cannot be
/// opened or locked (not Unix, or a file system without locks), saves go on without it.
struct WritersLock {
    /// The folder, open and locked (`None`: not lockable here).
    _folder: Option<std::fs::File>,
}

impl WritersLock {
    /// How long a save waits for another's rename before it goes on without the lock: a
    /// rename takes milliseconds, so a holder this slow is stopped (a command suspended with
    /// Ctrl+Z), and the window must not freeze behind it.
    const PATIENCE: std::time::Duration = std::time::Duration::from_secs(5);

    fn take(dir: &Path) -> Self {
        let Ok(folder) = std::fs::File::open(dir) else {
            return WritersLock { _folder: None };
        };
        let since = std::time::Instant::now();
        loop {
            match folder.try_lock() {
                Ok(()) => {
                    return WritersLock {
                        _folder: Some(folder),
                    };
                }
                Err(std::fs::TryLockError::WouldBlock) if since.elapsed() < Self::PATIENCE => {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
                Err(_) => return WritersLock { _folder: None },
            }
        }
    }
}

/// The permissions the written file gets: those of the file it replaces, else (on Unix) the
/// usual `rw-r--r--`, since a temporary file starts private.
fn permissions_for(target: &Path, fresh: std::fs::Permissions) -> std::fs::Permissions {
    match std::fs::metadata(target) {
        Ok(meta) => meta.permissions(),
        #[cfg(unix)]
        Err(_) => {
            let _ = fresh;
            std::os::unix::fs::PermissionsExt::from_mode(0o644)
        }
        #[cfg(not(unix))]
        Err(_) => fresh,
    }
}

/// Keeps the current file as `NAME.ron.bak`: a hard link to it (the rename that follows
/// leaves the old contents there), or a copy where the file system cannot link. The link is
/// made under a temporary name and renamed over the old backup, so that a backup exists at
/// every moment, also when the save is killed half-way.
fn keep_backup(path: &Path) -> Result<(), StoreError> {
    let backup = backup_path(path);
    if std::fs::metadata(&backup).is_ok_and(|m| m.is_file() && m.permissions().readonly()) {
        return Err(StoreError::io(
            &backup,
            "is read-only, so it was not replaced by the previous version and nothing was saved",
            std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "make it writable (chmod u+w) or move it elsewhere to keep it",
            ),
        ));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = |n: u32| {
        dir.join(format!(
            "{}bak-{}-{n}{TEMP_SUFFIX}",
            temp_prefix(path),
            std::process::id()
        ))
    };
    let mut fresh = name(0);
    for n in 1..100 {
        if !fresh.exists() {
            break;
        }
        fresh = name(n);
    }
    let made =
        std::fs::hard_link(path, &fresh).or_else(|_| std::fs::copy(path, &fresh).map(|_| ()));
    if let Err(e) = made {
        let _ = std::fs::remove_file(&fresh);
        return Err(StoreError::io(
            &backup,
            "cannot keep the previous version as a backup",
            e,
        ));
    }
    std::fs::rename(&fresh, &backup).map_err(|e| {
        let _ = std::fs::remove_file(&fresh);
        StoreError::io(&backup, "cannot replace the old backup", e)
    })
}

/// The end of every temporary file a write makes beside its target.
const TEMP_SUFFIX: &str = ".tmp";

/// The start of the temporary files made beside `target`: `.NAME.marginalia-`, so that the
/// leftovers of a killed save of one project are told from another's.
fn temp_prefix(target: &Path) -> String {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(".{name}.marginalia-")
}

/// Refuses to replace a file whose permissions say read-only (renaming over it would
/// succeed, since a rename asks the folder, not the file).
fn refuse_read_only(path: &Path, target: &Path) -> Result<(), StoreError> {
    match std::fs::metadata(target) {
        Ok(meta) if meta.is_file() && meta.permissions().readonly() => Err(StoreError::io(
            path,
            "is read-only, so it was not replaced",
            std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "make it writable (chmod u+w) or write under another name",
            ),
        )),
        _ => Ok(()),
    }
}

/// What killed saves left beside the project at `path`: its temporary files
/// (`.NAME.marginalia-*.tmp`, and those of its backup and recovery file), and those of the
/// unnamed kind earlier versions made (`.marginalia-*.tmp`) once they are an hour old (no save
/// takes that long). Sorted.
pub fn leftovers(path: &Path) -> Vec<PathBuf> {
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    // The project's own temp files, and those of its backup and recovery file (an autosave
    // killed while writing it).
    let own: Vec<String> = [target.clone(), backup_path(&target), {
        let mut r = target.clone().into_os_string();
        r.push(".recovery");
        PathBuf::from(r)
    }]
    .iter()
    .map(|p| temp_prefix(p))
    .collect();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(TEMP_SUFFIX) {
            continue;
        }
        let old_kind = name.starts_with(".marginalia-")
            && entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t < hour_ago);
        if (own.iter().any(|own| name.starts_with(own)) || old_kind)
            && entry.file_type().is_ok_and(|t| t.is_file())
        {
            found.push(entry.path());
        }
    }
    found.sort();
    found
}

/// Removes the [`leftovers`] of the project at `path`. Call it holding the project's lock, so
/// that no save of this project is under way; a save that goes on without the lock (a command
/// given `--force`) is still seen and left alone: its temporary file is locked while it is
/// written, and the backup link it makes names its process. Returns what was removed.
pub fn remove_leftovers(path: &Path) -> Vec<PathBuf> {
    leftovers(path)
        .into_iter()
        .filter(|p| !being_written(p) && std::fs::remove_file(p).is_ok())
        .collect()
}

/// Whether the temporary file at `path` belongs to a save still running: it is locked (see
/// [`stage_file`]), or it is a backup link (`…bak-PID-N.tmp`) of a process still running.
fn being_written(path: &Path) -> bool {
    // A shared lock asks no write access (an exclusive one on a file opened for reading
    // fails on NFS, which would read as "not locked") and still meets the writer's lock.
    let locked = std::fs::File::open(path)
        .is_ok_and(|f| matches!(f.try_lock_shared(), Err(std::fs::TryLockError::WouldBlock)));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let linker = name
        .rsplit_once("bak-")
        .and_then(|(_, rest)| rest.split('-').next())
        .and_then(|pid| pid.parse::<u32>().ok());
    locked || linker.is_some_and(process_running)
}

/// Whether process `pid` of this host is running. Only Linux can tell (through `/proc`);
/// elsewhere, and where `/proc` is not mounted, every process is assumed to run, so nothing
/// of another's is taken on a guess.
pub fn process_running(pid: u32) -> bool {
    if cfg!(target_os = "linux") && Path::new("/proc/self").exists() {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

/// Saves a project (canonical text, atomic write, backup kept).
pub fn save(project: &Project, path: &Path) -> Result<(), StoreError> {
    write_atomically(path, &to_string(project)?)
}

#[cfg(test)]
mod tests;
