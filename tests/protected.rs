//! Colleagues' layers are theirs: read-only outside review unless opened for editing (and
//! then every change is recorded as made by the one who made it), never hidden or swapped
//! by the view on its own, and out of sight altogether in blind coding.
#![cfg(feature = "gui")]
#![allow(clippy::unwrap_used)] // a test that cannot set up should stop loudly

mod common;

use egui::{Key, Modifiers, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use marginalia::model::{AnnotationId, ByteOffset, Fragment, Project, ops, project_from_marked};
use marginalia::ui::{MarginaliaApp, Modal, Prefs, TextSel};

/// noor's layer: a claim and its speaker, linkable.
const NOOR: &str = "[actor|Macron] said that [claim|talks could start] if Xi agreed.";

fn project() -> Project {
    project_from_marked(NOOR, "noor", jiff::Timestamp::UNIX_EPOCH)
        .unwrap()
        .0
}

fn harness_as(
    me: &str,
    project: Project,
    path: Option<std::path::PathBuf>,
) -> Harness<'static, MarginaliaApp> {
    let app = MarginaliaApp::new(project, path).with_prefs(Prefs {
        annotator: me.into(),
        ..Prefs::default()
    });
    common::window(app, Vec2::new(1280.0, 800.0))
}

fn key(h: &mut Harness<'static, MarginaliaApp>, modifiers: Modifiers, key: Key) {
    h.key_press_modifiers(modifiers, key);
    h.run();
}

fn id_of(h: &Harness<'static, MarginaliaApp>, quote: &str) -> AnnotationId {
    h.state()
        .project()
        .annotations
        .values()
        .find(|a| a.quote == quote)
        .unwrap()
        .id
        .clone()
}

/// Selects the annotation with `quote` by clicking it in the annotation list.
fn select(h: &mut Harness<'static, MarginaliaApp>, quote: &str) {
    h.get_by_label_contains(quote).click();
    h.run();
    assert_eq!(h.state().selected(), Some(&id_of(h, quote)));
}

/// The first annotation of `layer` tagged `tag`.
fn first_of(h: &Harness<'static, MarginaliaApp>, layer: &str, tag: &str) -> AnnotationId {
    h.state()
        .project()
        .annotations
        .values()
        .find(|a| a.annotator == layer && a.tag.as_str() == tag)
        .unwrap()
        .id
        .clone()
}

/// Whether the status line says `words`.
fn says(h: &Harness<'static, MarginaliaApp>, words: &str) -> bool {
    h.state().message().unwrap_or_default().contains(words)
}

#[test]
fn a_colleagues_annotation_is_read_only_outside_review() {
    let before = project();
    let mut h = harness_as("maya", before.clone(), None);
    select(&mut h, "talks could start");
    h.get_by_label_contains("Read-only: noor's layer.");
    // Delete, a tag key, Alt+arrows: each refused, saying why, and nothing changes.
    for (mods, k) in [
        (Modifiers::NONE, Key::Delete),
        (Modifiers::NONE, Key::Num1),
        (Modifiers::ALT, Key::ArrowRight),
        (Modifiers::NONE, Key::L),
    ] {
        key(&mut h, mods, k);
        assert_eq!(h.state().project(), &before, "{k:?} changed noor's work");
        let said = h.state().message().unwrap_or_default();
        assert!(said.contains("noor's annotation"), "{k:?}: {said}");
    }
    // The inspector offers no editing of it, only the way to open the layer.
    assert!(h.query_by_label("Delete annotation (Del)").is_none());
    assert!(h.query_by_label("Find entity").is_none());
}

#[test]
fn opening_a_colleagues_layer_asks_first_and_records_each_change_as_mine() {
    let before = project();
    let mut h = harness_as("maya", before.clone(), None);
    select(&mut h, "talks could start");
    h.get_by_label("Edit noor's layer…").click();
    h.run();
    assert!(matches!(h.state().modal(), Some(Modal::EditLayer(l)) if l == "noor"));
    h.get_by_label("Cancel").click();
    h.run();
    key(&mut h, Modifiers::NONE, Key::Num3);
    assert_eq!(h.state().project(), &before, "cancelled: still read-only");
    h.get_by_label("Edit noor's layer…").click();
    h.run();
    h.get_by_label("Edit noor's layer").click();
    h.run();
    // Retagged as a condition: still noor's, changed by maya.
    key(&mut h, Modifiers::NONE, Key::Num3);
    let id = id_of(&h, "talks could start");
    let a = &h.state().project().annotations[&id];
    assert_eq!(a.tag.as_str(), "condition");
    assert_eq!(a.annotator, "noor");
    assert_eq!(a.changed_by.as_deref(), Some("maya"));
    h.get_by_label_contains("by noor, changed by maya");
    // Undone, it is noor's as it was.
    key(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(h.state().project(), &before);
    // A link made in noor's layer is noor's, made by maya, and says so.
    key(&mut h, Modifiers::NONE, Key::L);
    let actor = first_of(&h, "noor", "actor");
    h.state_mut().finish_link(&actor);
    h.run();
    let link = h.state().project().relations.values().next().unwrap();
    assert_eq!(
        (link.annotator.as_str(), link.changed_by.as_deref()),
        ("noor", Some("maya"))
    );
    assert!(
        h.query_all_by_label_contains("noor's, changed by maya")
            .count()
            >= 1
    );
    // (Clicked in the article, the target takes the keys from the picker's field.)
    h.get_by_label_contains("Article text:").click();
    h.run();
    h.state_mut().select_annotation(Some(id.clone()));
    h.run();
    // Deleting is allowed too, now.
    key(&mut h, Modifiers::NONE, Key::Delete);
    assert!(!h.state().project().annotations.contains_key(&id));
}

#[test]
fn tagging_in_a_colleagues_project_keeps_their_layer_in_view() {
    let mut h = harness_as("maya", project(), None);
    assert_eq!(common::shown(&h), ["noor:Macron", "noor:talks could start"]);
    // maya's first span: her layer appears, noor's stays.
    h.state_mut()
        .set_text_selection(TextSel::over(ByteOffset(38)..ByteOffset(40)));
    key(&mut h, Modifiers::NONE, Key::Num1);
    let shown = common::shown(&h);
    assert!(shown.contains(&"maya:Xi".to_owned()), "{shown:?}");
    assert!(shown.contains(&"noor:Macron".to_owned()), "{shown:?}");
    assert_eq!(shown.len(), 3);
}

/// View › Blind coding, as the analyst would.
fn blind_toggle(h: &mut Harness<'static, MarginaliaApp>) {
    h.get_by_label("View").click();
    h.run();
    h.get_by_label("Blind coding: show only my layer (on/off)")
        .click();
    h.run();
}

#[test]
fn blind_coding_shows_only_my_layer_and_links_only_within_it() {
    let mut p = project();
    let doc = p.documents[0].id.clone();
    // maya's own claim and actor, overlapping noor's.
    for (tag, range) in [("claim", 17..34), ("actor", 0..6)] {
        ops::add_annotation(
            &p,
            &doc,
            &tag.into(),
            vec![Fragment::new(
                ByteOffset(range.start)..ByteOffset(range.end),
            )],
            "maya",
            jiff::Timestamp::UNIX_EPOCH,
        )
        .unwrap()
        .apply(&mut p)
        .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.ron");
    marginalia::store::save(&p, &path).unwrap();
    let mut h = harness_as("maya", p, Some(path.clone()));
    // noor's layer shown beside maya's own.
    h.get_by_label("Layer shown").click();
    h.run();
    h.get_by_label("noor").click();
    h.run();
    assert_eq!(common::shown(&h).len(), 4, "noor's and maya's");
    blind_toggle(&mut h);
    assert!(h.state().blind());
    assert_eq!(common::shown(&h), ["maya:Macron", "maya:talks could start"]);
    assert!(
        h.state().prefs().blind_projects.contains(&path),
        "kept for the project"
    );
    // Linking my claim: the candidates are my spans only, with their layer and context.
    let claim = first_of(&h, "maya", "claim");
    h.state_mut().select_annotation(Some(claim));
    h.run();
    key(&mut h, Modifiers::NONE, Key::L);
    let targets: Vec<String> = h
        .query_all_by_label_contains("→ Actor")
        .filter_map(|n| n.accesskit_node().label())
        .collect();
    assert_eq!(targets, ["→ Actor “Macron” · maya"], "{targets:?}");
    h.get_by_label_contains("«Macron» said that talks");
    // noor's actor, clicked in the article (were it shown), is refused with the reason.
    let theirs = first_of(&h, "noor", "actor");
    let links = h.state().project().relations.len();
    h.state_mut().finish_link(&theirs);
    h.run();
    assert_eq!(h.state().project().relations.len(), links, "not linked");
    h.get_by_label_contains("a link joins annotations of one layer");
    assert!(
        h.state().linking(),
        "still linking: another target may be picked"
    );
    key(&mut h, Modifiers::NONE, Key::Escape);
    // No comparison, no agreement figures while blind.
    key(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::D);
    assert!(!h.state().comparing());
    assert!(says(&h, "Blind coding is on"));
    // Stepping to the next difference says so too (another message on the line first).
    h.state_mut().select_annotation(None);
    key(&mut h, Modifiers::NONE, Key::L);
    assert!(says(&h, "Select a claim first"));
    key(&mut h, Modifiers::NONE, Key::F8);
    assert!(!h.state().comparing());
    assert!(says(&h, "Blind coding is on"));
    // Off again: noor's layer is back.
    blind_toggle(&mut h);
    assert!(!h.state().blind());
    assert_eq!(common::shown(&h).len(), 4, "the layer chosen is back");
}

#[test]
fn deleting_a_tag_says_how_much_of_colleagues_work_goes_with_it() {
    let mut p = project();
    let doc = p.documents[0].id.clone();
    // maya's own claim beside noor's.
    ops::add_annotation(
        &p,
        &doc,
        &"claim".into(),
        vec![Fragment::new(ByteOffset(35)..ByteOffset(47))],
        "maya",
        jiff::Timestamp::UNIX_EPOCH,
    )
    .unwrap()
    .apply(&mut p)
    .unwrap();
    // Schema editor (Ctrl+Shift+K), Delete on the claim tag's row.
    let ask_to_delete_claim = |h: &mut Harness<'static, MarginaliaApp>| {
        key(h, Modifiers::COMMAND | Modifiers::SHIFT, Key::K);
        let row = h
            .state()
            .project()
            .schema
            .tags
            .iter()
            .position(|t| t.id.as_str() == "claim")
            .unwrap();
        h.get_all_by_label("Delete").nth(row).unwrap().click();
        h.run();
        assert!(matches!(
            h.state().modal(),
            Some(Modal::DeleteTag { uses: 2, .. })
        ));
        h.get_by_label_contains("2 annotations are tagged claim");
    };
    let mut h = harness_as("maya", p.clone(), None);
    ask_to_delete_claim(&mut h);
    h.get_by_label_contains("1 of them is in colleagues' layers (noor 1)");
    // Blind, the question still warns, without naming whose work it is.
    let mut h = harness_as("maya", p, None);
    blind_toggle(&mut h);
    ask_to_delete_claim(&mut h);
    h.get_by_label_contains("1 of them is in colleagues' layers: deleted there too.");
    assert!(h.query_by_label_contains("noor").is_none(), "noor unnamed");
}
