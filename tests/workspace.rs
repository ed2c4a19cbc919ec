//! The annotation workspace driven like an analyst would: drag and keys, then the project
//! state checked. egui_kittest finds widgets by their accessible labels.
#![cfg(feature = "gui")]
#![allow(clippy::unwrap_used)] // a test that cannot set up should stop loudly

mod common;

use std::path::PathBuf;

use egui::{Key, Modifiers, Pos2, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::model::{AnnotationId, ByteOffset, Project, TagId, is_grapheme_boundary};
use marginalia::ui::{MarginaliaApp, Modal, Prefs, ScriptedDialogs, TextSel};

/// A text with a flag, a combining accent, a family emoji and CJK before and after words.
const TEXT: &str = "Macron 🇫🇷 café\u{301} 👩\u{200d}👩\u{200d}👧 你好 said that talks could start \
                    if Xi agreed.\n\nA second paragraph mentions Macron again.";

/// The analyst's own marked work (their layer, `tester`, is theirs to change).
fn project(marked: &str) -> Project {
    marginalia::model::project_from_marked(marked, "tester", jiff::Timestamp::UNIX_EPOCH)
        .unwrap()
        .0
}

fn prefs() -> Prefs {
    Prefs {
        annotator: "tester".into(),
        ..Prefs::default()
    }
}

fn harness_with(app: MarginaliaApp) -> Harness<'static, MarginaliaApp> {
    common::window(app, Vec2::new(1280.0, 800.0))
}

fn harness(marked: &str) -> Harness<'static, MarginaliaApp> {
    harness_with(MarginaliaApp::new(project(marked), None).with_prefs(prefs()))
}

fn key(h: &mut Harness<'static, MarginaliaApp>, modifiers: Modifiers, key: Key) {
    h.key_press_modifiers(modifiers, key);
    h.run();
}

fn article_rect(h: &Harness<'static, MarginaliaApp>) -> egui::Rect {
    h.get_by_label_contains("Article text:").rect()
}

fn drag(h: &mut Harness<'static, MarginaliaApp>, from: Pos2, to: Pos2) {
    h.hover_at(from);
    h.drag_at(from);
    h.run();
    let steps = 6;
    for i in 1..=steps {
        let t = i as f32 / steps as f32;
        h.hover_at(from + (to - from) * t);
        h.run();
    }
    h.drop_at(to);
    h.run();
}

fn only_annotation(h: &Harness<'static, MarginaliaApp>) -> marginalia::model::Annotation {
    let all: Vec<_> = h.state().project().annotations.values().cloned().collect();
    assert_eq!(all.len(), 1, "{all:?}");
    all.into_iter().next().unwrap()
}

#[test]
fn dragging_across_text_and_pressing_a_key_tags_whole_words_with_exact_offsets() {
    let mut h = harness(TEXT);
    let r = article_rect(&h);
    // From inside "Macron" to somewhere further along the first line.
    drag(
        &mut h,
        r.min + Vec2::new(12.0, 10.0),
        r.min + Vec2::new(260.0, 10.0),
    );
    let sel = h.state().text_selection();
    assert!(!sel.is_empty(), "the drag selected something");
    key(&mut h, Modifiers::NONE, Key::Num1);
    let a = only_annotation(&h);
    assert_eq!(a.tag, TagId::from("actor"));
    assert_eq!(a.annotator, "tester");
    let (start, end) = (a.start().0, a.end().0);
    assert_eq!(start, 0, "snapped back to the start of Macron");
    assert_eq!(&TEXT[start..end], a.quote);
    assert!(is_grapheme_boundary(TEXT, a.end()));
    // Word snapping: the selection never ends inside a word or a cluster.
    let next = TEXT[end..].chars().next().unwrap();
    assert!(
        !next.is_alphanumeric(),
        "ends at a word end, not before {next:?}"
    );
    assert!(!a.quote.ends_with(' '), "surrounding space dropped");
}

#[test]
fn keyboard_alone_selects_by_word_and_by_grapheme_and_tags() {
    let mut h = harness(TEXT);
    key(&mut h, Modifiers::COMMAND, Key::Home);
    key(
        &mut h,
        Modifiers::COMMAND | Modifiers::SHIFT,
        Key::ArrowRight,
    );
    key(
        &mut h,
        Modifiers::COMMAND | Modifiers::SHIFT,
        Key::ArrowRight,
    );
    let sel = h.state().text_selection();
    assert_eq!(
        &TEXT[sel.range().start.0..sel.range().end.0],
        "Macron 🇫🇷 café\u{301}"
    );
    // Shift+Right by one grapheme: the space, then the whole family emoji.
    key(&mut h, Modifiers::SHIFT, Key::ArrowRight);
    key(&mut h, Modifiers::SHIFT, Key::ArrowRight);
    let sel = h.state().text_selection();
    let quote = &TEXT[sel.range().start.0..sel.range().end.0];
    assert_eq!(quote, "Macron 🇫🇷 café\u{301} 👩\u{200d}👩\u{200d}👧");
    key(&mut h, Modifiers::SHIFT, Key::ArrowLeft);
    key(&mut h, Modifiers::SHIFT, Key::ArrowLeft);
    key(&mut h, Modifiers::NONE, Key::Num2);
    let a = only_annotation(&h);
    assert_eq!(a.tag, TagId::from("claim"));
    assert_eq!(a.quote, "Macron 🇫🇷 café\u{301}");
    assert_eq!(a.fragments[0].start, ByteOffset(0));
    // S extends to the sentence around the caret.
    key(&mut h, Modifiers::NONE, Key::S);
    let sel = h.state().text_selection();
    assert!(TEXT[sel.range().start.0..sel.range().end.0].ends_with("if Xi agreed."));
}

#[test]
fn home_and_end_follow_the_reading_order_of_a_right_to_left_paragraph() {
    let text = "Left to right first.\nשלום עולם, hello מה שלומך\nLast.";
    let mut h = harness(text);
    let hebrew = text.find('ש').unwrap();
    let line_end = text[hebrew..].find('\n').unwrap() + hebrew;
    let caret = |h: &Harness<'static, MarginaliaApp>| h.state().text_selection().head.0;
    for (at, home, end) in [(hebrew + 4, hebrew, line_end), (2, 0, 20)] {
        h.state_mut().set_text_selection(TextSel {
            anchor: ByteOffset(at),
            head: ByteOffset(at),
        });
        h.run();
        key(&mut h, Modifiers::NONE, Key::Home);
        assert_eq!(caret(&h), home, "Home from {at}: the line's logical start");
        key(&mut h, Modifiers::NONE, Key::End);
        assert_eq!(caret(&h), end, "End from {at}: the line's logical end");
    }
}

#[test]
fn undo_and_redo_every_change_with_both_redo_keys() {
    let mut h = harness(TEXT);
    h.state_mut().set_text_selection(TextSel {
        anchor: ByteOffset(0),
        head: ByteOffset(6),
    });
    key(&mut h, Modifiers::NONE, Key::Num1);
    assert_eq!(h.state().project().annotations.len(), 1);
    key(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(h.state().project().annotations.is_empty());
    key(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    assert_eq!(h.state().project().annotations.len(), 1);
    key(&mut h, Modifiers::COMMAND, Key::Z);
    key(&mut h, Modifiers::COMMAND, Key::Y);
    assert_eq!(only_annotation(&h).quote, "Macron");
}

#[test]
fn the_same_key_retags_and_delete_removes_the_selected_annotation() {
    let mut h = harness("[actor|Macron] said talks could start.");
    let id = only_annotation(&h).id;
    h.get_by_label("Macron").click();
    h.run();
    assert_eq!(h.state().selected(), Some(&id));
    key(&mut h, Modifiers::NONE, Key::Num2);
    assert_eq!(only_annotation(&h).tag, TagId::from("claim"));
    key(&mut h, Modifiers::NONE, Key::Delete);
    assert!(h.state().project().annotations.is_empty());
    assert_eq!(h.state().selected(), None);
}

#[test]
fn a_claim_links_to_its_speaker_by_key_and_click() {
    let mut h = harness("[actor|Macron] said [claim|talks could start].");
    let ids: Vec<AnnotationId> = h.state().project().annotations.keys().cloned().collect();
    let claim = h
        .state()
        .project()
        .annotations
        .values()
        .find(|a| a.tag.as_str() == "claim")
        .unwrap()
        .id
        .clone();
    h.get_by_label("talks could start").click();
    h.run();
    key(&mut h, Modifiers::NONE, Key::L);
    // Click the actor in the article: the first characters of the text.
    let r = article_rect(&h);
    h.hover_at(r.min + Vec2::new(10.0, 10.0));
    h.drag_at(r.min + Vec2::new(10.0, 10.0));
    h.drop_at(r.min + Vec2::new(10.0, 10.0));
    h.run();
    let rel: Vec<_> = h.state().project().relations.values().collect();
    assert_eq!(rel.len(), 1, "one link made");
    assert_eq!(rel[0].from, claim);
    assert_eq!(rel[0].kind.as_str(), "said_by");
    assert!(ids.contains(&rel[0].to));
    // The link can be removed from the inspector.
    h.get_by_label("Remove link").click();
    h.run();
    assert!(h.state().project().relations.is_empty());
}

#[test]
fn search_then_tag_all_matches_after_a_preview_is_one_undo_step() {
    let mut h = harness(TEXT);
    key(&mut h, Modifiers::COMMAND, Key::F);
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Find")
        .type_text("macron");
    h.run();
    h.run();
    h.get_by_label("1 of 2");
    h.get_by_label("Tag all…").click();
    h.run();
    h.get_by_label("Tag 2 matches").click();
    h.run();
    assert_eq!(common::quotes(&h), ["Macron", "Macron"]);
    key(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(h.state().project().annotations.is_empty(), "one step");
}

#[test]
fn save_as_and_open_go_through_the_scripted_dialogs() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("mine.ron");
    let dialogs = ScriptedDialogs::new();
    let app = MarginaliaApp::new(project("[actor|Macron] spoke."), None)
        .with_prefs(prefs())
        .with_dialogs(Box::new(dialogs.clone()));
    let mut h = harness_with(app);
    dialogs.answer(vec![saved.clone()]);
    key(&mut h, Modifiers::COMMAND, Key::S);
    assert_eq!(h.state().path(), Some(&saved));
    assert!(!h.state().is_dirty());
    let loaded = marginalia::store::load(&saved).unwrap();
    assert_eq!(&loaded, h.state().project());

    let other = dir.path().join("other.ron");
    marginalia::store::save(&project("[claim|talks] begin"), &other).unwrap();
    dialogs.answer(vec![other.clone()]);
    key(&mut h, Modifiers::COMMAND, Key::O);
    assert_eq!(h.state().path(), Some(&other));
    assert_eq!(only_annotation(&h).quote, "talks");
    assert_eq!(dialogs.pending(), 0);
}

#[test]
fn an_unreadable_file_is_reported_and_nothing_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.ron");
    std::fs::write(&bad, "(format_version: 3, oops").unwrap();
    let dialogs = ScriptedDialogs::new();
    let app = MarginaliaApp::new(project("[actor|Macron] spoke."), None)
        .with_prefs(prefs())
        .with_dialogs(Box::new(dialogs.clone()));
    let mut h = harness_with(app);
    dialogs.answer(vec![bad.clone()]);
    key(&mut h, Modifiers::COMMAND, Key::O);
    let message = h.state().message().unwrap().to_owned();
    assert!(message.contains("bad.ron"), "{message}");
    assert_eq!(
        only_annotation(&h).quote,
        "Macron",
        "the open project is kept"
    );
}

#[test]
fn closing_with_unsaved_changes_asks_first() {
    let mut h = harness(TEXT);
    h.state_mut().set_text_selection(TextSel {
        anchor: ByteOffset(0),
        head: ByteOffset(6),
    });
    key(&mut h, Modifiers::NONE, Key::Num1);
    key(&mut h, Modifiers::COMMAND, Key::Q);
    assert!(matches!(h.state().modal(), Some(Modal::Unsaved(_))));
    h.get_by_label("Cancel").click();
    h.run();
    assert!(h.state().modal().is_none());
    assert_eq!(h.state().project().annotations.len(), 1, "nothing lost");
}

#[test]
fn a_crash_leaves_a_recovery_that_the_next_start_offers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("day.ron");
    let saved = project("[actor|Macron] said talks could start.");
    marginalia::store::save(&saved, &path).unwrap();
    // The crashed session had tagged a claim and autosaved.
    let crashed = project("[actor|Macron] said [claim|talks could start].");
    marginalia::session::write_recovery(&marginalia::session::recovery_path(&path), &crashed)
        .unwrap();

    let mut app = MarginaliaApp::new(marginalia::store::load(&path).unwrap(), Some(path.clone()))
        .with_prefs(prefs());
    app.start(Some(&path));
    let mut h = harness_with(app);
    let Some(Modal::Recover { lines, .. }) = h.state().modal().cloned() else {
        panic!("no recovery offered: {:?}", h.state().modal());
    };
    assert!(lines.iter().any(|l| l.contains("added")), "{lines:?}");
    h.get_by_label("Recover").click();
    h.run();
    assert_eq!(h.state().project().annotations.len(), 2);
    assert!(h.state().is_dirty(), "recovered work is not saved yet");
    assert_eq!(
        marginalia::store::load(&path).unwrap(),
        saved,
        "file untouched"
    );
}

/// Runs frames until the save being written on another thread is collected.
fn until_saved(h: &mut Harness<'static, MarginaliaApp>) {
    for _ in 0..2000 {
        if !h.state().is_saving() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
        h.step();
    }
    panic!("the save never finished");
}

/// A project saved in a temporary folder and opened in a window that saves on another
/// thread however small the project, with "Macron" retagged as a claim (unsaved work).
fn saved_and_retagged() -> (tempfile::TempDir, PathBuf, Harness<'static, MarginaliaApp>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("day.ron");
    marginalia::store::save(&project("[actor|Macron] said talks could start."), &path).unwrap();
    let mut app = MarginaliaApp::new(marginalia::store::load(&path).unwrap(), Some(path.clone()))
        .with_prefs(prefs());
    app.start(Some(&path));
    app.save_in_background_from(Some(0));
    let mut h = harness_with(app);
    h.get_by_label("Macron").click();
    h.run();
    key(&mut h, Modifiers::NONE, Key::Num2);
    // An autosave may have started on the retag (on one core it can take a few frames):
    // each test then starts from no write under way, so its Save is not queued behind it.
    until_saved(&mut h);
    (dir, path, h)
}

#[test]
fn a_save_written_on_another_thread_keeps_the_work_done_meanwhile_unsaved() {
    let (_dir, path, mut h) = saved_and_retagged();
    let retagged = h.state().project().clone();
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.step();
    // Work done while the file is written (or just after: the thread may be quick): a
    // claim tagged.
    h.state_mut().set_text_selection(TextSel {
        anchor: ByteOffset(11),
        head: ByteOffset(28),
    });
    h.key_press(Key::Num2);
    h.step();
    until_saved(&mut h);
    h.run();
    assert_eq!(
        marginalia::store::load(&path).unwrap(),
        retagged,
        "the file holds the work as it was when Save was pressed"
    );
    assert_eq!(h.state().project().annotations.len(), 2);
    assert!(
        h.state().is_dirty(),
        "the claim tagged meanwhile is not saved yet"
    );
    assert!(h.state().message().unwrap_or_default().contains("Saved"));
    // The next save writes it, and then nothing is unsaved.
    key(&mut h, Modifiers::COMMAND, Key::S);
    until_saved(&mut h);
    h.run();
    assert_eq!(
        &marginalia::store::load(&path).unwrap(),
        h.state().project()
    );
    assert!(!h.state().is_dirty());
}

#[test]
fn save_asked_again_while_a_save_is_written_follows_it_and_asks_nothing() {
    let (_dir, path, mut h) = saved_and_retagged();
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.step();
    // More work and a second Save, most likely while the first is still being written.
    h.state_mut().set_text_selection(TextSel {
        anchor: ByteOffset(11),
        head: ByteOffset(28),
    });
    h.key_press(Key::Num2);
    h.step();
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.step();
    until_saved(&mut h);
    h.run();
    until_saved(&mut h);
    h.run();
    assert!(h.state().modal().is_none(), "{:?}", h.state().modal());
    assert!(!h.state().is_dirty(), "the second save was made");
    assert_eq!(
        &marginalia::store::load(&path).unwrap(),
        h.state().project()
    );
}

#[test]
fn save_in_the_unsaved_changes_question_finishes_before_what_waited_for_it() {
    let (_dir, path, mut h) = saved_and_retagged();
    let recovery = marginalia::session::recovery_path(&path);
    key(&mut h, Modifiers::COMMAND, Key::Q);
    assert!(matches!(h.state().modal(), Some(Modal::Unsaved(_))));
    h.get_by_label("Save").click();
    h.step();
    assert!(
        !h.state().is_dirty(),
        "saved before quitting, not left running"
    );
    assert!(!h.state().is_saving());
    assert_eq!(
        &marginalia::store::load(&path).unwrap(),
        h.state().project()
    );
    assert!(
        !recovery.exists(),
        "no recovery older than the file is left"
    );
}

#[test]
fn saving_over_a_file_changed_on_disk_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("day.ron");
    marginalia::store::save(&project("[actor|Macron] spoke."), &path).unwrap();
    let mut app = MarginaliaApp::new(marginalia::store::load(&path).unwrap(), Some(path.clone()))
        .with_prefs(prefs());
    app.start(Some(&path));
    let mut h = harness_with(app);
    // A colleague's sync rewrites the file.
    marginalia::store::save(&project("[claim|Someone] else spoke."), &path).unwrap();
    h.get_by_label("Macron").click();
    h.run();
    key(&mut h, Modifiers::NONE, Key::Num2);
    key(&mut h, Modifiers::COMMAND, Key::S);
    assert!(matches!(h.state().modal(), Some(Modal::ChangedOnDisk)));
    h.get_by_label("Keep mine (overwrite)").click();
    h.run();
    let on_disk = marginalia::store::load(&path).unwrap();
    assert_eq!(&on_disk, h.state().project());
}

#[test]
fn a_second_instance_is_told_the_project_is_locked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("day.ron");
    marginalia::store::save(&project("[actor|Macron] spoke."), &path).unwrap();
    let _held = marginalia::session::Lock::acquire(
        &path,
        &marginalia::session::LockOwner {
            user: "colleague".into(),
            host: "elsewhere".into(),
            pid: 1,
        },
    )
    .unwrap();
    let dialogs = ScriptedDialogs::new();
    let app = MarginaliaApp::new(project("x"), None)
        .with_prefs(prefs())
        .with_dialogs(Box::new(dialogs.clone()));
    let mut h = harness_with(app);
    dialogs.answer(vec![path.clone()]);
    key(&mut h, Modifiers::COMMAND, Key::O);
    let Some(Modal::Locked { holder, .. }) = h.state().modal().cloned() else {
        panic!("no lock warning: {:?}", h.state().modal());
    };
    assert!(holder.contains("colleague"), "{holder}");
    h.get_by_label("Open anyway").click();
    h.run();
    assert_eq!(h.state().path(), Some(&PathBuf::from(&path)));
}

#[test]
fn renaming_a_tag_in_the_schema_editor_migrates_its_annotations() {
    let mut h = harness("[actor|Macron] said [actor|Xi] agreed.");
    key(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::K);
    let field = h.get_by_label("Id of tag 1");
    field.click();
    h.run();
    key(&mut h, Modifiers::COMMAND, Key::A);
    h.get_by_label("Id of tag 1").type_text("speaker");
    h.run();
    h.get_by_label("Apply").click();
    h.run();
    let tags: Vec<&str> = h
        .state()
        .project()
        .annotations
        .values()
        .map(|a| a.tag.as_str())
        .collect();
    assert_eq!(tags, vec!["speaker", "speaker"]);
    assert!(
        h.state()
            .project()
            .schema
            .tag(&TagId::from("speaker"))
            .is_some()
    );
    key(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(
        h.state()
            .project()
            .annotations
            .values()
            .all(|a| a.tag.as_str() == "actor")
    );
}

#[test]
fn clicking_again_cycles_through_stacked_annotations() {
    let mut h = harness("[claim|[actor|Macron] said talks could start] today.");
    let r = article_rect(&h);
    let at = r.min + Vec2::new(10.0, 10.0);
    let mut seen = Vec::new();
    for _ in 0..3 {
        h.hover_at(at);
        h.drag_at(at);
        h.drop_at(at);
        h.run();
        // Far apart in time, so clicks are not read as a double click.
        h.step();
        let id = h.state().selected().cloned().unwrap();
        seen.push(h.state().project().annotations[&id].tag.as_str().to_owned());
        for _ in 0..40 {
            h.step();
        }
    }
    assert_eq!(seen, vec!["actor", "claim", "actor"]);
}

#[test]
fn the_palette_runs_commands_and_f1_lists_the_keys() {
    let mut h = harness(TEXT);
    key(&mut h, Modifiers::COMMAND, Key::K);
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Command")
        .type_text("larger text");
    h.run();
    key(&mut h, Modifiers::NONE, Key::Enter);
    assert!(h.state().prefs().view.font_size > 16.0);
    key(&mut h, Modifiers::NONE, Key::F1);
    h.get_by_label("Cycle stacked annotations");
    assert!(h.query_all_by_label("Tag as Actor").count() >= 1);
}

#[test]
fn the_article_exposes_its_text_and_selection_to_accessibility() {
    let mut h = harness(TEXT);
    h.state_mut().set_text_selection(TextSel {
        anchor: ByteOffset(0),
        head: ByteOffset(6),
    });
    h.run();
    let node = h.get_by_label_contains("Article text:");
    let value = node.value().unwrap_or_default();
    assert!(value.starts_with("Macron 🇫🇷"), "{value}");
}

#[test]
fn a_note_being_typed_is_kept_when_the_document_changes() {
    let mut p = project("[actor|Macron] spoke.");
    p.documents.push(marginalia::model::Document::new(
        "d2",
        "Second",
        "Another text.",
    ));
    let mut h = harness_with(MarginaliaApp::new(p, None).with_prefs(prefs()));
    h.get_by_label("Macron").click();
    h.run();
    h.get_by_label("Note (F2):").click();
    h.run();
    h.get_by_label("Note (F2):").type_text("quoted by Reuters");
    h.run();
    key(&mut h, Modifiers::COMMAND, Key::PageDown);
    assert_eq!(h.state().current_document(), 1);
    assert_eq!(only_annotation(&h).note, "quoted by Reuters");
}

/// A retag clicked while a note is being typed keeps both, with no error: each edit is made
/// against the project as it is when it is carried out, the note first.
#[test]
fn a_retag_while_a_note_is_typed_keeps_both_without_an_error() {
    let p = project("[actor|Macron] spoke.");
    let mut h = harness_with(MarginaliaApp::new(p, None).with_prefs(prefs()));
    h.get_by_label("Macron").click();
    h.run();
    h.get_by_label("Note (F2):").click();
    h.run();
    h.get_by_label("Note (F2):").type_text("quoted by Reuters");
    h.run();
    h.get_by_label("Claim").click();
    h.run();
    let a = only_annotation(&h);
    assert_eq!(a.note, "quoted by Reuters");
    assert_eq!(a.tag.as_str(), "claim");
    let message = h.state().message().unwrap_or_default().to_owned();
    assert!(!message.contains("changed since"), "{message}");
}

#[test]
fn discarding_for_an_open_that_is_cancelled_keeps_the_work() {
    let dialogs = ScriptedDialogs::new();
    let app = MarginaliaApp::new(project(TEXT), None)
        .with_prefs(prefs())
        .with_dialogs(Box::new(dialogs.clone()));
    let mut h = harness_with(app);
    h.state_mut().set_text_selection(TextSel {
        anchor: ByteOffset(0),
        head: ByteOffset(6),
    });
    key(&mut h, Modifiers::NONE, Key::Num1);
    key(&mut h, Modifiers::COMMAND, Key::O);
    h.get_by_label("Discard changes").click();
    h.run();
    // The open dialog was cancelled (no scripted answer): nothing replaced the work.
    assert_eq!(h.state().project().annotations.len(), 1);
    assert!(h.state().is_dirty(), "still unsaved, so closing still asks");
}

#[test]
fn copy_puts_the_selected_text_on_the_clipboard() {
    let mut h = harness(TEXT);
    h.state_mut().set_text_selection(TextSel {
        anchor: ByteOffset(0),
        head: ByteOffset(15),
    });
    h.event(egui::Event::Copy);
    h.step();
    let copied: Vec<String> = h
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|c| match c {
            egui::OutputCommand::CopyText(t) => Some(t.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(copied, vec!["Macron 🇫🇷".to_owned()]);
}

#[test]
fn alt_arrows_move_the_selected_annotations_edges_by_word() {
    let mut h = harness("Emmanuel [actor|Macron] said talks could start.");
    h.get_by_label("Macron").click();
    h.run();
    key(&mut h, Modifiers::ALT, Key::ArrowRight);
    assert_eq!(only_annotation(&h).quote, "Macron said");
    key(&mut h, Modifiers::ALT | Modifiers::SHIFT, Key::ArrowLeft);
    assert_eq!(only_annotation(&h).quote, "Emmanuel Macron said");
    key(&mut h, Modifiers::ALT, Key::ArrowLeft);
    assert_eq!(only_annotation(&h).quote, "Emmanuel Macron");
    key(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(
        only_annotation(&h).quote,
        "Emmanuel Macron said",
        "each move one step"
    );
}

#[test]
fn mentions_of_a_known_actor_are_suggested_and_accepted_with_one_key() {
    let mut p = project("[actor|Macron] met Xi. Later Macron left.");
    let entity = marginalia::model::Entity {
        refs: Default::default(),
        id: "e-macron".into(),
        name: "Emmanuel Macron".into(),
        kind: Default::default(),
        aliases: Vec::new(),
        note: String::new(),
    };
    p.entities.insert(entity.id.clone(), entity);
    use marginalia::model::SharedMapExt as _;
    p.annotations.change_each(|_, a| {
        a.entity = Some("e-macron".into());
    });
    let mut h = harness_with(MarginaliaApp::new(p, None).with_prefs(prefs()));
    key(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::E);
    key(&mut h, Modifiers::NONE, Key::Y);
    let mut quotes: Vec<(String, Option<String>)> = h
        .state()
        .project()
        .annotations
        .values()
        .map(|a| {
            (
                a.quote.clone(),
                a.entity.as_ref().map(|e| e.as_str().to_owned()),
            )
        })
        .collect();
    quotes.sort();
    let macron = Some("e-macron".to_owned());
    assert_eq!(
        quotes,
        vec![("Macron".into(), macron.clone()), ("Macron".into(), macron)]
    );
}

#[test]
fn brackets_step_through_annotations_in_text_order() {
    let mut h = harness("[actor|Macron] met [actor|Xi] and [claim|talks began].");
    let quote = |h: &Harness<'static, MarginaliaApp>| {
        let id = h.state().selected().cloned().unwrap();
        h.state().project().annotations[&id].quote.clone()
    };
    h.get_by_label("Macron").click();
    h.run();
    assert_eq!(quote(&h), "Macron");
    key(&mut h, Modifiers::NONE, Key::CloseBracket);
    assert_eq!(quote(&h), "Xi");
    key(&mut h, Modifiers::NONE, Key::CloseBracket);
    assert_eq!(quote(&h), "talks began");
    key(&mut h, Modifiers::NONE, Key::OpenBracket);
    assert_eq!(quote(&h), "Xi");
}

#[test]
fn the_next_annotation_from_a_bare_caret_includes_one_starting_there() {
    let mut h = harness("[actor|Macron] met [actor|Xi].");
    key(&mut h, Modifiers::NONE, Key::CloseBracket);
    let id = h.state().selected().cloned().unwrap();
    assert_eq!(h.state().project().annotations[&id].quote, "Macron");
}
