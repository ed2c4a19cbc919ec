//! Merging a colleague's project in the window, driven like an analyst would: the shortcut or
//! the File menu, a scripted file dialog, the preview's layer checkboxes and tag mapping, then
//! Merge and Ctrl+Z.
#![cfg(feature = "gui")]
#![allow(clippy::unwrap_used)] // a test that cannot set up should stop loudly

mod common;

use egui::{Key, Modifiers, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::model::{Fragment, Project, TagType, ops, parse_marked, project_from_marked};
use marginalia::ui::{MarginaliaApp, Prefs, ScriptedDialogs};

/// Emoji with a flag, a combining accent and CJK.
const MARKED: &str = "[claim|[actor|Macron] 🇫🇷 said talks could start] [condition|if [actor|Xi] \
                      agreed].\n\nZoe\u{301} 你好 [actor|Zoe\u{301}] agreed.";

fn t(secs: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_second(1_700_000_000 + secs).unwrap()
}

fn mine() -> Project {
    project_from_marked(MARKED, "ana", t(0)).unwrap().0
}

/// Adds the marks of `marked` (over the document's text) to `layer`.
fn tag(p: &mut Project, marked: &str, layer: &str) {
    let (plain, marks) = parse_marked(marked).unwrap();
    assert_eq!(plain, p.documents[0].text);
    for (tag, range) in marks {
        let e = ops::add_annotation(
            p,
            &"d".into(),
            &tag,
            vec![Fragment::new(range)],
            layer,
            t(9),
        )
        .unwrap();
        e.apply(p).unwrap();
    }
}

/// The same article coded by bob (with a tag `org` my schema lacks) and carol, saved.
fn theirs_file(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let mut theirs = project_from_marked(MARKED, "bob", t(5)).unwrap().0;
    theirs.documents[0].meta.title = "Their title".into();
    theirs.schema.tags.push(TagType {
        attributes: Default::default(),
        id: "org".into(),
        label: "Organisation".into(),
        color: marginalia::model::PALETTE[4],
        key: None,
        definition: String::new(),
        guideline: String::new(),
    });
    tag(
        &mut theirs,
        "Macron 🇫🇷 said talks could start if Xi agreed.\n\n[org|Zoe\u{301} 你好] Zoe\u{301} agreed.",
        "bob",
    );
    tag(
        &mut theirs,
        "Macron 🇫🇷 said talks could start if Xi agreed.\n\nZoe\u{301} 你好 [claim|Zoe\u{301} agreed].",
        "carol",
    );
    let path = dir.path().join("colleague.ron");
    marginalia::store::save(&theirs, &path).unwrap();
    path
}

fn harness(dialogs: &ScriptedDialogs) -> Harness<'static, MarginaliaApp> {
    let app = MarginaliaApp::new(mine(), None)
        .with_prefs(Prefs {
            annotator: "ana".into(),
            ..Prefs::default()
        })
        .with_dialogs(Box::new(dialogs.clone()));
    common::window(app, Vec2::new(1280.0, 900.0))
}

fn count(p: &Project, layer: &str) -> usize {
    p.annotations
        .values()
        .filter(|a| a.annotator == layer)
        .count()
}

#[test]
fn a_layer_left_out_and_a_tag_mapped_merge_as_one_undo_step() {
    let dir = tempfile::tempdir().unwrap();
    let path = theirs_file(&dir);
    let dialogs = ScriptedDialogs::new();
    let mut h = harness(&dialogs);
    let before = h.state().project().clone();

    dialogs.answer(vec![path]);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::O);
    common::wait_loaded(&mut h);
    assert_eq!(dialogs.pending(), 0, "the shortcut asked for the file");
    assert!(
        h.query_by_label_contains("matched by their text, 0 new")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("layer bob: new: 6 annotations")
            .is_some()
    );
    assert_eq!(h.state().project(), &before, "nothing changes before Merge");

    // Leave carol out; bob's organisations become my actors.
    h.get_by_label("carol").click();
    h.run();
    assert!(
        h.query_by_label_contains("layer carol: not chosen")
            .is_some()
    );
    h.get_by_label("Their tag org (Organisation), used 1 times")
        .click();
    h.run();
    h.get_by_label("as your tag Actor").click();
    h.run();
    assert!(
        h.query_by_label_contains("tags mapped: org → actor")
            .is_some()
    );

    h.get_by_label("Merge").click();
    h.run();
    let merged = h.state().project().clone();
    assert_eq!(
        (
            count(&merged, "ana"),
            count(&merged, "bob"),
            count(&merged, "carol")
        ),
        (5, 6, 0)
    );
    assert!(merged.schema.tag(&"org".into()).is_none());
    let zoe = merged
        .annotations
        .values()
        .find(|a| a.annotator == "bob" && a.quote == "Zoe\u{301} 你好")
        .unwrap();
    assert_eq!(zoe.tag.as_str(), "actor");
    assert_eq!(merged.documents[0].meta.title, "Doc", "my title is kept");
    assert!(h.query_by_label("Merge").is_none(), "the window closed");
    assert!(
        h.state()
            .message()
            .unwrap()
            .contains("Merged colleague.ron")
    );

    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(
        h.state().project(),
        &before,
        "one Ctrl+Z undoes the whole merge"
    );
}

#[test]
fn the_file_menu_opens_it_and_cancel_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = theirs_file(&dir);
    let dialogs = ScriptedDialogs::new();
    let mut h = harness(&dialogs);
    let before = h.state().project().clone();

    // A cancelled file dialog opens nothing.
    h.get_by_label("File").click();
    h.run();
    // The menu entry's label ends with its shortcut.
    h.get_by_label_contains("Import a colleague's project…")
        .click();
    h.run();
    assert!(h.query_by_label("Merge").is_none());

    dialogs.answer(vec![path]);
    h.get_by_label("File").click();
    h.run();
    // The menu entry's label ends with its shortcut.
    h.get_by_label_contains("Import a colleague's project…")
        .click();
    common::wait_loaded(&mut h);
    assert!(h.query_by_label("Merge").is_some());
    h.get_by_label("Cancel").click();
    h.run();
    assert!(h.query_by_label("Merge").is_none());
    assert_eq!(h.state().project(), &before);

    // A file that is not a project says why, and opens nothing.
    let bad = dir.path().join("notes.ron");
    std::fs::write(&bad, "(format_version: 3, oops").unwrap();
    dialogs.answer(vec![bad]);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::O);
    common::wait_loaded(&mut h);
    assert!(h.query_by_label("Merge").is_none());
    assert!(
        h.state().message().unwrap().contains("notes.ron"),
        "{:?}",
        h.state().message()
    );
}
