//! Autosaved work: a recovery file beside the project (`NAME.ron.recovery`), written while the
//! analyst works and deleted after every successful save, so a crash loses at most the last
//! autosave interval.
//!
//! A recovery file is an ordinary project file: [`store::load`] reads it, and opening it
//! directly is a way out should everything else fail.

use std::io;
use std::path::{Path, PathBuf};

use crate::model::Project;
use crate::store::{self, StoreError};

/// The recovery file of the project saved at `project`: `NAME.ron.recovery` beside it.
pub fn recovery_path(project: &Path) -> PathBuf {
    super::beside(project, ".recovery")
}

/// The recovery file of a project never saved, kept in `dir` (the window's data folder):
/// `dir/untitled.ron.recovery`.
pub fn untitled_recovery_path(dir: &Path) -> PathBuf {
    dir.join("untitled.ron.recovery")
}

/// Writes `project` to the recovery file `recovery` (from [`recovery_path`] or
/// [`untitled_recovery_path`]) atomically, in the canonical project-file text, keeping no
/// backup of the previous recovery.
pub fn write_recovery(recovery: &Path, project: &Project) -> Result<(), StoreError> {
    store::write_without_backup(recovery, &store::to_string(project)?)
}

/// Deletes the recovery file `recovery`; one that is not there is fine.
pub fn discard_recovery(recovery: &Path) -> Result<(), StoreError> {
    match std::fs::remove_file(recovery) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(StoreError::Io {
            path: recovery.to_owned(),
            action: "cannot delete the recovery file",
            source: e,
        }),
        _ => Ok(()),
    }
}

/// What the saved project file held when a recovery was found.
#[derive(Debug)]
pub enum Saved {
    /// There is no saved file (the project was moved or deleted, or never saved).
    Missing,
    /// The saved file does not load; the error names it and what is wrong.
    Unreadable(StoreError),
    /// The saved project.
    Loaded(Box<Project>),
}

/// Work found in a recovery file that the saved file does not have.
#[derive(Debug)]
pub struct Recovery {
    /// The recovery file.
    pub path: PathBuf,
    /// The project it holds.
    pub project: Project,
    /// What the saved file holds, to compare with (see
    /// [`ProjectDiff::between`](super::ProjectDiff::between)).
    pub saved: Saved,
}

/// The unsaved work of the project at `project`, if its recovery file holds any.
///
/// `Ok(None)` when there is no recovery file, or it holds the same project as the saved file:
/// the same bytes (then it is not even parsed), or the same project written differently. A recovery file counts when the
/// saved file is missing or does not load. A recovery file that does not load is an error
/// naming it; it is left in place for the analyst to rescue by hand.
pub fn find_recovery(project: &Path) -> Result<Option<Recovery>, StoreError> {
    find(recovery_path(project), Some(project))
}

/// The unsaved work of a project never saved, if `dir` holds its recovery file (see
/// [`untitled_recovery_path`]). A recovery file that does not load is an error naming it.
pub fn find_untitled_recovery(dir: &Path) -> Result<Option<Recovery>, StoreError> {
    find(untitled_recovery_path(dir), None)
}

fn find(recovery: PathBuf, project: Option<&Path>) -> Result<Option<Recovery>, StoreError> {
    let Some(source) = read_if_there(&recovery)? else {
        return Ok(None);
    };
    let saved_source = project.map_or(Ok(None), read_if_there);
    if matches!(&saved_source, Ok(Some(saved)) if *saved == source) {
        return Ok(None);
    }
    let recovered = store::from_str(&recovery, &source)?;
    let saved = match (project, saved_source) {
        (Some(path), Ok(Some(text))) => match store::from_str(path, &text) {
            Ok(p) if p == recovered => return Ok(None),
            Ok(p) => Saved::Loaded(Box::new(p)),
            Err(e) => Saved::Unreadable(e),
        },
        (_, Err(e)) => Saved::Unreadable(e),
        _ => Saved::Missing,
    };
    Ok(Some(Recovery {
        path: recovery,
        project: recovered,
        saved,
    }))
}

/// The text of the file at `path`, or `None` if there is no such file.
fn read_if_there(path: &Path) -> Result<Option<String>, StoreError> {
    match store::read_source(path) {
        Ok(text) => Ok(Some(text)),
        Err(StoreError::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Document;

    fn project(name: &str) -> Project {
        let mut p = Project::new(name);
        p.documents.push(Document::new(
            "d",
            "Macron in Beijing",
            "Macron said talks could start",
        ));
        p
    }

    #[test]
    fn the_recovery_file_sits_beside_the_project() {
        assert_eq!(
            recovery_path(Path::new("/x/day.ron")),
            Path::new("/x/day.ron.recovery")
        );
        assert_eq!(
            untitled_recovery_path(Path::new("/data")),
            Path::new("/data/untitled.ron.recovery")
        );
    }

    #[test]
    fn unsaved_work_round_trips_through_the_recovery_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("day.ron");
        store::save(&project("saved"), &path).unwrap();
        let recovery = recovery_path(&path);
        write_recovery(&recovery, &project("first")).unwrap();
        write_recovery(&recovery, &project("edited")).unwrap();
        assert!(!store::backup_path(&recovery).exists());
        assert_eq!(store::load(&recovery).unwrap(), project("edited"));
        let found = find_recovery(&path).unwrap().unwrap();
        assert_eq!(found.path, recovery);
        assert_eq!(found.project, project("edited"));
        assert!(matches!(found.saved, Saved::Loaded(p) if *p == project("saved")));
        discard_recovery(&recovery).unwrap();
        assert!(find_recovery(&path).unwrap().is_none());
        discard_recovery(&recovery).unwrap(); // already gone: fine
    }

    #[test]
    fn a_recovery_equal_to_the_saved_project_is_no_recovery() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("day.ron");
        assert!(find_recovery(&path).unwrap().is_none());
        store::save(&project("same"), &path).unwrap();
        write_recovery(&recovery_path(&path), &project("same")).unwrap();
        assert!(find_recovery(&path).unwrap().is_none());
        // The same project written differently (a comment added by hand) is still the same.
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("// edited by hand\n{text}")).unwrap();
        assert!(find_recovery(&path).unwrap().is_none());
        // A recovery with the very bytes of the saved file is not even parsed: a problem in
        // them is the saved file's, reported when it is opened.
        for file in [&path, &recovery_path(&path)] {
            std::fs::write(file, "(format_version: 3, name: ").unwrap();
        }
        assert!(find_recovery(&path).unwrap().is_none());
    }

    #[test]
    fn a_recovery_counts_when_the_saved_file_is_missing_or_broken() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("day.ron");
        write_recovery(&recovery_path(&path), &project("only here")).unwrap();
        let found = find_recovery(&path).unwrap().unwrap();
        assert!(matches!(found.saved, Saved::Missing));
        std::fs::write(&path, "(format_version: 3, name: ").unwrap();
        let found = find_recovery(&path).unwrap().unwrap();
        assert_eq!(found.project.name, "only here");
        assert!(matches!(
            found.saved,
            Saved::Unreadable(StoreError::Syntax { .. })
        ));
    }

    #[test]
    fn a_garbled_recovery_is_an_error_naming_it_and_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("day.ron");
        store::save(&project("saved"), &path).unwrap();
        let recovery = recovery_path(&path);
        std::fs::write(&recovery, "(format_version: 3, name: \"cut").unwrap();
        let err = find_recovery(&path).unwrap_err();
        assert!(
            err.to_string().starts_with(&recovery.display().to_string()),
            "{err}"
        );
        assert!(recovery.exists());
    }

    #[test]
    fn an_untitled_project_is_recovered_from_the_data_folder() {
        let dir = tempfile::tempdir().unwrap();
        assert!(find_untitled_recovery(dir.path()).unwrap().is_none());
        write_recovery(&untitled_recovery_path(dir.path()), &project("draft")).unwrap();
        let found = find_untitled_recovery(dir.path()).unwrap().unwrap();
        assert_eq!(found.project, project("draft"));
        assert!(matches!(found.saved, Saved::Missing));
    }
}
