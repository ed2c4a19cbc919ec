//! The workspace without a window: undo and redo, the dirty state, saves and autosave timing.

use std::time::{Duration, Instant};

use super::*;
use crate::model::{ByteOffset, Fragment, ops, project_from_marked};

fn sample() -> Project {
    project_from_marked(
        "[actor|Macron] said [claim|talks must start] soon",
        "ana",
        jiff::Timestamp::UNIX_EPOCH,
    )
    .unwrap()
    .0
}

/// Tags "soon" as a condition.
fn tag_soon(ws: &mut Workspace) -> Change {
    let doc = ws.project().documents[0].id.clone();
    let at = ws.project().documents[0].text.find("soon").unwrap();
    let edit = ops::add_annotation(
        ws.project(),
        &doc,
        &"condition".into(),
        vec![Fragment::new(ByteOffset(at)..ByteOffset(at + 4))],
        "ana",
        jiff::Timestamp::UNIX_EPOCH,
    )
    .unwrap();
    ws.apply("Tag", edit).unwrap()
}

#[test]
fn an_edit_is_undone_and_redone_with_what_it_touched() {
    let mut ws = Workspace::new(sample(), None);
    let v0 = ws.version();
    assert_eq!(ws.project().annotations.len(), 2);
    let change = tag_soon(&mut ws);
    assert_eq!(ws.project().annotations.len(), 3);
    let added = change.touched.clone().unwrap();
    assert_eq!(added.len(), 1);
    assert!(ws.project().annotations.contains_key(&added[0]));
    let moves = change.moves.unwrap();
    assert_eq!(moves.len(), 1);
    assert!(moves[0].0.is_none() && moves[0].1.as_ref().unwrap().1 == "ana");
    assert_eq!(ws.version(), v0 + 1);

    let (label, undone) = ws.undo().unwrap().unwrap();
    assert_eq!(label, "Tag");
    assert_eq!(undone.touched.unwrap(), added);
    assert_eq!(ws.project().annotations.len(), 2);
    assert_eq!(ws.version(), v0 + 2);
    assert!(ws.undo().unwrap().is_none(), "nothing more to undo");
    assert_eq!(ws.version(), v0 + 2, "an undo of nothing changes nothing");

    let (label, _) = ws.redo().unwrap().unwrap();
    assert_eq!(label, "Tag");
    assert!(ws.project().annotations.contains_key(&added[0]));
    assert!(ws.redo().unwrap().is_none());
}

#[test]
fn a_group_is_one_step() {
    let mut ws = Workspace::new(sample(), None);
    let id = ws.project().annotations.keys().next().unwrap().clone();
    ws.begin_group("Two tags");
    tag_soon(&mut ws);
    let edit = ops::set_note(ws.project(), &id, "checked", jiff::Timestamp::UNIX_EPOCH);
    ws.apply("Note", edit.unwrap()).unwrap();
    ws.end_group();
    let (label, change) = ws.undo().unwrap().unwrap();
    assert_eq!(label, "Two tags");
    assert_eq!(change.touched.unwrap().len(), 2);
    assert_eq!(ws.project().annotations.len(), 2);
    assert!(ws.project().annotations[&id].note.is_empty());
}

#[test]
fn dirty_follows_edits_saves_and_undo_back_to_the_saved_state() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.ron");
    store::save(&sample(), &path).unwrap();
    let mut ws = Workspace::new(store::load(&path).unwrap(), Some(path.clone()));
    assert!(!ws.is_dirty(), "a project just opened is saved");
    tag_soon(&mut ws);
    assert!(ws.is_dirty());
    // Every step, undo included, is a new generation: undoing back to what the file holds
    // still counts as a change (as the window always has).
    ws.undo().unwrap();
    assert!(ws.is_dirty());
    ws.redo().unwrap();
    assert!(ws.is_dirty());
    ws.write(&path).unwrap();
    assert!(!ws.is_dirty());
    assert_eq!(store::load(&path).unwrap().annotations.len(), 3);
    ws.undo().unwrap();
    assert!(
        ws.is_dirty(),
        "the file now holds the tag the undo took away"
    );
    assert!(
        !ws.changed_on_disk(&path),
        "our own write is not a change by another"
    );
    std::fs::write(&path, store::to_string(&sample()).unwrap() + "\n").unwrap();
    assert!(ws.changed_on_disk(&path));
}

#[test]
fn a_never_saved_project_is_dirty_once_changed_and_recovered_work_until_saved() {
    let mut ws = Workspace::new(sample(), None);
    assert!(!ws.is_dirty() && ws.never_saved());
    tag_soon(&mut ws);
    assert!(ws.is_dirty());
    ws.recovered(sample());
    assert!(ws.is_dirty(), "recovered work is unsaved");
    assert!(ws.never_saved(), "still never saved");
    assert_eq!(ws.history().generation(), 0);
    ws.mark_settled();
    assert!(!ws.is_dirty(), "discarded");
}

#[test]
fn autosave_waits_for_its_interval_and_goes_at_once_when_the_focus_goes() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::new(sample(), None);
    ws.set_untitled_dir(Some(dir.path().to_owned()));
    ws.set_autosave_interval(Duration::from_secs(30));
    let start = Instant::now();
    ws.set_clock(start);
    assert!(!ws.autosave_due(false), "nothing to autosave");
    tag_soon(&mut ws);
    assert!(ws.autosave_due(false), "the first change is due at once");
    assert_eq!(ws.autosave(), Some(Finished::Autosaved));
    let recovery = ws.recovery_path().unwrap();
    assert_eq!(store::load(&recovery).unwrap().annotations.len(), 3);
    assert_eq!(ws.autosaved(), Some(start));
    assert!(!ws.autosave_due(false), "that work is in the recovery file");

    ws.undo().unwrap();
    ws.set_clock(start + Duration::from_secs(29));
    assert!(!ws.autosave_due(false), "within the interval");
    assert!(ws.autosave_due(true), "the window lost the focus");
    ws.set_clock(start + Duration::from_secs(30));
    assert!(ws.autosave_due(false), "the interval passed");
    assert_eq!(ws.autosave(), Some(Finished::Autosaved));
    assert_eq!(store::load(&recovery).unwrap().annotations.len(), 2);
}

#[test]
fn a_failed_autosave_is_tried_again_an_interval_later() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::new(sample(), None);
    // A recovery file that cannot be written: its folder is a file.
    let not_a_folder = dir.path().join("file");
    std::fs::write(&not_a_folder, "x").unwrap();
    ws.set_untitled_dir(Some(not_a_folder));
    let start = Instant::now();
    ws.set_clock(start);
    tag_soon(&mut ws);
    assert!(matches!(
        ws.autosave(),
        Some(Finished::AutosaveFailed { .. })
    ));
    assert!(!ws.autosave_due(false), "not again on the next frame");
    ws.set_clock(start + ws.autosave_interval());
    assert!(ws.autosave_due(false));
}

#[test]
fn a_background_save_is_booked_when_done_and_a_save_asked_meanwhile_follows_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.ron");
    store::save(&sample(), &path).unwrap();
    let mut ws = Workspace::new(store::load(&path).unwrap(), Some(path.clone()));
    ws.save_in_background_from(Some(0));
    tag_soon(&mut ws);
    assert!(
        ws.write_soon(&path, false).is_none(),
        "started on another thread"
    );
    assert!(matches!(ws.saving(), Some(SaveKind::Save { .. })));
    assert!(
        ws.queue_save(),
        "a save of the same work waits for nothing more"
    );
    assert!(!ws.take_queued_save());
    // Work done while it is written is not in that save.
    tag_soon(&mut ws);
    assert!(ws.queue_save());
    let finished = loop {
        if let Some(f) = ws.poll() {
            break f;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    assert_eq!(finished, Finished::Saved { path: path.clone() });
    assert!(ws.take_queued_save(), "the later work is queued for a save");
    assert!(ws.is_dirty(), "the second tag is not saved yet");
    assert_eq!(store::load(&path).unwrap().annotations.len(), 3);
    assert!(!ws.changed_on_disk(&path));
    assert!(ws.write_soon(&path, true).is_some_and(|r| r.is_ok()));
    assert!(!ws.is_dirty());
    assert_eq!(store::load(&path).unwrap().annotations.len(), 4);
}

#[test]
fn a_save_that_fails_keeps_the_work_unsaved() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::new(sample(), None);
    tag_soon(&mut ws);
    let bad = dir.path().join("missing-folder").join("p.ron");
    assert!(ws.write(&bad).is_err());
    assert!(ws.is_dirty() && ws.never_saved() && ws.path().is_none());
}

#[test]
fn the_lock_is_taken_refused_to_another_and_given_up() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.ron");
    store::save(&sample(), &path).unwrap();
    let mut ours = Workspace::new(sample(), Some(path.clone()));
    ours.acquire_lock(&path).unwrap();
    assert!(session::lock_path(&path).exists());
    ours.release();
    assert!(!session::lock_path(&path).exists());
}

#[test]
fn a_file_another_program_wrote_meanwhile_is_not_saved_over_at_once_or_in_the_background() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.ron");
    store::save(&sample(), &path).unwrap();
    let mut ws = Workspace::new(store::load(&path).unwrap(), Some(path.clone()));
    tag_soon(&mut ws);
    // A command forced past the window's lock writes the file after the window read it.
    let mut theirs = sample();
    theirs.name = "theirs".into();
    store::save(&theirs, &path).unwrap();
    let err = ws.write(&path).unwrap_err().to_string();
    assert!(
        err.contains("changed on disk while it was being saved"),
        "{err}"
    );
    assert_eq!(
        store::load(&path).unwrap().name,
        "theirs",
        "their work kept"
    );
    assert!(ws.is_dirty(), "ours still to save");
    assert!(
        ws.changed_on_disk(&path),
        "so the next save asks which to keep"
    );
    // Written on another thread, the same.
    ws.save_in_background_from(Some(0));
    assert!(
        ws.write_soon(&path, false).is_none(),
        "started on another thread"
    );
    let finished = loop {
        if let Some(f) = ws.poll() {
            break f;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    assert!(
        matches!(&finished, Finished::SaveFailed { error, .. } if error.contains("changed on disk")),
        "{finished:?}"
    );
    assert_eq!(store::load(&path).unwrap().name, "theirs");
    // Saved as another file (a Save As), nothing is checked.
    let other = dir.path().join("mine.ron");
    ws.write(&other).unwrap();
    assert_eq!(store::load(&other).unwrap().annotations.len(), 3);
}

#[test]
fn an_edit_while_a_save_holds_the_project_shares_what_it_did_not_change() {
    let marked: String = (0..600).map(|n| format!("[actor|w{n}] ")).collect();
    let project = project_from_marked(&marked, "ana", jiff::Timestamp::UNIX_EPOCH)
        .unwrap()
        .0;
    let mut ws = Workspace::new(project, None);
    // What a background save holds while it serialises.
    let snapshot = ws.shared();
    let doc = ws.project().documents[0].id.clone();
    let edit = ops::add_annotation(
        ws.project(),
        &doc,
        &"claim".into(),
        vec![Fragment::new(ByteOffset(0)..ByteOffset(10))],
        "ana",
        jiff::Timestamp::UNIX_EPOCH,
    )
    .unwrap();
    ws.apply("Tag", edit).unwrap();
    assert_eq!(
        snapshot.annotations.len(),
        600,
        "the save's copy is as it was"
    );
    assert_eq!(ws.project().annotations.len(), 601);
    // An annotation the edit did not touch is the same value in memory in both, not a copy,
    // except in the few nodes on the path to the new one.
    let shared = snapshot
        .annotations
        .iter()
        .filter(|(id, a)| std::ptr::eq(*a, &ws.project().annotations[*id]))
        .count();
    assert!(shared >= 550, "only {shared} of 600 annotations shared");
    // Changing one of them changes only the workspace's project.
    let first = snapshot.annotations.keys().next().unwrap().clone();
    let edit = ops::remove_annotation(ws.project(), &first).unwrap();
    ws.apply("Delete", edit).unwrap();
    assert!(snapshot.annotations.contains_key(&first));
    assert!(!ws.project().annotations.contains_key(&first));
}
