//! The compare view and adjudication driven like a reviewer would: open the view, step
//! through the differences with the keys, settle them with the buttons, then check the
//! reviewed layer, the decisions and the document's status, and that Ctrl+Z undoes each step.
#![cfg(feature = "gui")]
#![allow(clippy::unwrap_used)] // a test that cannot set up should stop loudly

mod common;

use egui::{Key, Modifiers, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::model::{
    Annotation, DecisionReason, DocStatus, Document, Fragment, Project, REVIEWED_LAYER, Verdict,
    ops, parse_marked, project_from_marked,
};
use marginalia::ui::{MarginaliaApp, Prefs};

/// Ana's and Bo's layers over the same text: Macron agreed, the claim's boundary, 北京 only
/// in Ana's, the condition read by Bo as a claim, Zoé only in Ana's.
const ANA: &str = "[actor|Macron 🇫🇷] said [claim|talks could start] in [actor|北京] \
                   [condition|if Xi agreed], said [actor|Zoe\u{301}].";
const BO: &str = "[actor|Macron 🇫🇷] said [claim|talks could start in 北京] \
                  [claim|if Xi agreed], said Zoe\u{301}.";

/// Adds `annotator`'s marks of `marked` to document `doc` (whose text they must match).
fn add_layer(p: &mut Project, doc: &str, annotator: &str, marked: &str) {
    let (text, marks) = parse_marked(marked).unwrap();
    assert_eq!(p.document(&doc.into()).unwrap().text, text);
    for (tag, range) in marks {
        ops::add_annotation(
            p,
            &doc.into(),
            &tag,
            vec![Fragment::new(range)],
            annotator,
            jiff::Timestamp::UNIX_EPOCH,
        )
        .unwrap()
        .apply(p)
        .unwrap();
    }
}

fn project() -> Project {
    let (mut p, _) = project_from_marked(ANA, "ana", jiff::Timestamp::UNIX_EPOCH).unwrap();
    add_layer(&mut p, "d", "bo", BO);
    p
}

fn harness(project: Project) -> Harness<'static, MarginaliaApp> {
    let app = MarginaliaApp::new(project, None).with_prefs(Prefs {
        annotator: "rev".into(),
        ..Prefs::default()
    });
    common::window(app, Vec2::new(1400.0, 900.0))
}

fn key(h: &mut Harness<'static, MarginaliaApp>, modifiers: Modifiers, key: Key) {
    h.key_press_modifiers(modifiers, key);
    h.run();
}

fn click(h: &mut Harness<'static, MarginaliaApp>, label: &str) {
    h.get_by_label(label).click();
    h.run();
}

/// Opens the compare view and steps to difference `n` (0-based, in the list of all) with
/// F8, which passes over the agreements.
fn open_at(h: &mut Harness<'static, MarginaliaApp>, n: usize) {
    key(h, Modifiers::COMMAND | Modifiers::SHIFT, Key::D);
    assert!(h.state().comparing());
    for _ in 0..=n {
        if h.state().current_difference() == Some(n) {
            break;
        }
        key(h, Modifiers::NONE, Key::F8);
    }
    assert_eq!(h.state().current_difference(), Some(n));
}

fn reviewed(p: &Project) -> Vec<&Annotation> {
    p.annotations
        .values()
        .filter(|a| a.annotator == REVIEWED_LAYER)
        .collect()
}

fn status(p: &Project, doc: usize) -> Option<DocStatus> {
    p.documents[doc].meta.status.get(REVIEWED_LAYER).copied()
}

/// Ctrl+Z, then the project must be what it was before.
fn undo_gives_back(h: &mut Harness<'static, MarginaliaApp>, before: &Project) {
    key(h, Modifiers::COMMAND, Key::Z);
    assert_eq!(h.state().project(), before, "Ctrl+Z undoes the ruling");
}

#[test]
fn the_compare_view_lists_the_differences_and_steps_with_the_keys() {
    let before = project();
    let mut h = harness(before.clone());
    key(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::D);
    h.get_by_label("Compare annotators");
    // The two layers are chosen by default; the counts per kind are shown.
    for label in [
        "agree 1",
        "boundary 1",
        "label 1",
        "only in one layer 2",
        "0 of 5 settled",
    ] {
        h.get_by_label(label);
    }
    h.get_by_label_contains("boundary · Claim · “talks could start” · ana, bo");
    h.get_by_label_contains("only in one layer · Actor · “北京” · ana");
    assert_eq!(h.state().current_difference(), None);
    // F8 goes to where the annotators differ: past the agreement (Macron), to the boundary.
    key(&mut h, Modifiers::NONE, Key::F8);
    assert_eq!(h.state().current_difference(), Some(1));
    h.get_by_label("Difference 1 of 4 · boundary");
    h.get_by_label("“talks could start in 北京”");
    key(&mut h, Modifiers::NONE, Key::N);
    assert_eq!(h.state().current_difference(), Some(2));
    h.get_by_label("Difference 2 of 4 · only in one layer");
    h.get_by_label("nothing here");
    key(&mut h, Modifiers::SHIFT, Key::F8);
    key(&mut h, Modifiers::NONE, Key::P);
    assert_eq!(
        h.state().current_difference(),
        Some(1),
        "the first difference; the agreement before it is not stepped on"
    );
    // With "Step through agreements", the agreement is a step too.
    click(&mut h, "Step through agreements");
    key(&mut h, Modifiers::NONE, Key::P);
    assert_eq!(h.state().current_difference(), Some(0));
    h.get_by_label("Difference 1 of 5 · agree");
    click(&mut h, "Step through agreements");
    // The caret follows, so the article scrolls to the difference.
    key(&mut h, Modifiers::NONE, Key::N);
    let text = &h.state().project().documents[0].text;
    let at = h.state().text_selection().head.0;
    assert!(text[at..].starts_with("talks could start"));
    // Clicking a row makes it current.
    h.get_by_label_contains("only in one layer · Actor · “Zoe\u{301}”")
        .click();
    h.run();
    assert_eq!(h.state().current_difference(), Some(4));
    // Nothing changed in the project by looking.
    assert_eq!(h.state().project(), &before);
    // Ctrl+Shift+D closes it again; the annotation list is back.
    key(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::D);
    assert!(!h.state().comparing());
    assert!(h.query_by_label("Compare annotators").is_none());
}

#[test]
fn accepting_one_side_copies_it_into_the_reviewed_layer() {
    let before = project();
    let mut h = harness(before.clone());
    open_at(&mut h, 1);
    click(&mut h, "Accept bo");
    let p = h.state().project();
    let copies = reviewed(p);
    assert_eq!(copies.len(), 1);
    assert_eq!(copies[0].quote, "talks could start in 北京");
    assert_eq!(copies[0].tag.as_str(), "claim");
    let d = p.decisions.values().next().unwrap();
    assert_eq!(d.verdict, Verdict::Accepted);
    assert_eq!(d.proposed_by, vec!["bo".to_owned()]);
    assert_eq!(d.decided_by, "rev");
    assert_eq!(d.sources.len(), 2);
    assert_eq!(d.taken[0].1, copies[0].id);
    assert_eq!(status(p, 0), Some(DocStatus::InProgress));
    assert!(p.annotators.contains(REVIEWED_LAYER));
    // On to the next unsettled difference; the list marks the settled one.
    assert_eq!(h.state().current_difference(), Some(2));
    h.get_by_label("1 of 5 settled");
    h.get_by_label_contains("✔ boundary");
    undo_gives_back(&mut h, &before);
    h.get_by_label("0 of 5 settled");
}

#[test]
fn accepting_all_takes_both_annotators_versions() {
    let before = project();
    let mut h = harness(before.clone());
    open_at(&mut h, 3);
    h.get_by_label("Difference 3 of 4 · label");
    click(&mut h, "Accept all");
    let p = h.state().project();
    let mut tags: Vec<&str> = reviewed(p).iter().map(|a| a.tag.as_str()).collect();
    tags.sort();
    assert_eq!(tags, vec!["claim", "condition"]);
    let d = p.decisions.values().next().unwrap();
    assert_eq!(d.verdict, Verdict::AcceptedAll);
    assert_eq!(d.proposed_by, vec!["ana".to_owned(), "bo".to_owned()]);
    undo_gives_back(&mut h, &before);
}

#[test]
fn rejecting_records_the_reason_and_the_comment() {
    let before = project();
    let mut h = harness(before.clone());
    open_at(&mut h, 2);
    click(&mut h, "Reason");
    click(&mut h, "missed");
    click(&mut h, "Comment");
    h.get_by_label("Comment").type_text("not an actor — 地名 ✓");
    h.run();
    click(&mut h, "Reject");
    let p = h.state().project();
    assert!(reviewed(p).is_empty());
    let d = p.decisions.values().next().unwrap();
    assert_eq!(d.verdict, Verdict::Rejected);
    assert_eq!(d.reason, Some(DecisionReason::Missed));
    assert_eq!(d.comment, "not an actor — 地名 ✓");
    assert_eq!(d.proposed_by, vec!["ana".to_owned()]);
    assert!(d.taken.is_empty());
    assert_eq!(h.state().current_difference(), Some(3));
    undo_gives_back(&mut h, &before);
}

#[test]
fn edit_accepts_the_first_side_and_selects_the_copy_to_change_it() {
    let before = project();
    let mut h = harness(before.clone());
    open_at(&mut h, 1);
    click(&mut h, "Edit…");
    let copy = {
        let p = h.state().project();
        let d = p.decisions.values().next().unwrap();
        assert_eq!(d.verdict, Verdict::Edited);
        assert_eq!(d.proposed_by, vec!["ana".to_owned()]);
        d.taken[0].1.clone()
    };
    assert_eq!(h.state().selected(), Some(&copy));
    assert_eq!(
        h.state().project().annotations[&copy].quote,
        "talks could start"
    );
    // The usual keys change the copy: its end moves right by a word.
    key(&mut h, Modifiers::ALT, Key::ArrowRight);
    let after = h.state().project().clone();
    let quote = &after.annotations[&copy].quote;
    assert!(quote.starts_with("talks could start "), "{quote}");
    assert_eq!(after.annotations[&copy].annotator, REVIEWED_LAYER);
    // Two steps back: the change, then the ruling.
    key(&mut h, Modifiers::COMMAND, Key::Z);
    undo_gives_back(&mut h, &before);
}

#[test]
fn accepting_all_agreed_then_settling_the_rest_makes_the_document_reviewed() {
    let mut p = project();
    // A second article where both annotators agree on everything.
    p.documents
        .push(Document::new("e", "Zweiter 文章", "Olaf Scholz 👋 agreed."));
    add_layer(&mut p, "e", "ana", "[actor|Olaf Scholz] 👋 agreed.");
    add_layer(&mut p, "e", "bo", "[actor|Olaf Scholz] 👋 agreed.");
    let before = p.clone();
    let mut h = harness(p);
    key(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::D);
    click(&mut h, "Accept all agreed");
    {
        let p = h.state().project();
        assert_eq!(p.decisions.len(), 1, "only this article");
        let d = p.decisions.values().next().unwrap();
        assert_eq!(d.verdict, Verdict::Agreed);
        assert_eq!(reviewed(p).len(), 1);
        assert_eq!(reviewed(p)[0].quote, "Macron 🇫🇷");
        assert_eq!(status(p, 0), Some(DocStatus::InProgress));
    }
    undo_gives_back(&mut h, &before);
    click(&mut h, "Accept all agreed in every document");
    {
        let p = h.state().project();
        assert_eq!(p.decisions.len(), 2);
        assert_eq!(status(p, 0), Some(DocStatus::InProgress));
        assert_eq!(status(p, 1), Some(DocStatus::Reviewed));
    }
    // The second article shows as reviewed in the document list.
    assert!(
        h.query_all_by_label_contains("· reviewed").count() == 1,
        "one document listed as reviewed"
    );
    // Hide what is settled and reject the rest of the first article, one by one.
    click(&mut h, "Hide settled");
    key(&mut h, Modifiers::NONE, Key::F8);
    assert_eq!(h.state().current_difference(), Some(1));
    for _ in 0..4 {
        click(&mut h, "Reject");
    }
    let p = h.state().project().clone();
    assert_eq!(p.decisions.len(), 6);
    assert_eq!(status(&p, 0), Some(DocStatus::Reviewed));
    h.get_by_label("5 of 5 settled");
    assert_eq!(h.query_all_by_label_contains("· reviewed").count(), 2);
    // Undoing the last ruling takes the document back to in progress.
    key(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(status(h.state().project(), 0), Some(DocStatus::InProgress));
}

#[test]
fn every_ruling_has_a_key() {
    let before = project();
    let mut h = harness(before.clone());
    open_at(&mut h, 1);
    key(&mut h, Modifiers::ALT, Key::Num2);
    key(&mut h, Modifiers::ALT, Key::R);
    key(&mut h, Modifiers::ALT, Key::A);
    key(&mut h, Modifiers::ALT, Key::E);
    let p = h.state().project().clone();
    let verdicts: Vec<(Verdict, Vec<String>)> = {
        let mut list: Vec<_> = p.decisions.values().collect();
        list.sort_by_key(|d| p.annotations[&d.sources[0]].start());
        list.iter()
            .map(|d| (d.verdict, d.proposed_by.clone()))
            .collect()
    };
    let names = |n: &[&str]| n.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        verdicts,
        vec![
            (Verdict::Accepted, names(&["bo"])),
            (Verdict::Rejected, names(&["ana"])),
            (Verdict::AcceptedAll, names(&["ana", "bo"])),
            (Verdict::Edited, names(&["ana"])),
        ]
    );
    assert_eq!(
        h.state()
            .selected()
            .map(|id| p.annotations[id].quote.as_str()),
        Some("Zoe\u{301}"),
        "the copy to edit is selected"
    );
    for _ in 0..4 {
        key(&mut h, Modifiers::COMMAND, Key::Z);
    }
    assert_eq!(h.state().project(), &before);
}

#[test]
fn outside_the_compare_view_the_article_shows_one_layer_and_the_choice_shows_all() {
    let mut h = harness(project());
    // Ana's 5 annotations (her layer comes first); Bo's 3 would double the agreed span.
    assert_eq!(h.state().shown_annotations(), 5);
    h.get_by_label("Layer shown").click();
    h.run();
    click(&mut h, "all layers");
    assert_eq!(h.state().shown_annotations(), 8);
    h.get_by_label("Layer shown").click();
    h.run();
    click(&mut h, "bo");
    assert_eq!(h.state().shown_annotations(), 3);
    // The compare view shows the reviewed layer as its fills, whatever was chosen.
    key(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::D);
    assert_eq!(h.state().shown_annotations(), 0);
}

#[test]
fn a_new_project_closes_the_comparison_of_the_old_one() {
    let mut h = harness(project());
    open_at(&mut h, 1);
    key(&mut h, Modifiers::COMMAND, Key::N);
    assert!(!h.state().comparing());
    assert!(h.state().project().annotations.is_empty());
}

#[test]
fn the_reviewed_result_can_be_shown_alone_and_going_to_a_difference_comes_back() {
    let mut h = harness(project());
    open_at(&mut h, 1);
    click(&mut h, "Accept bo");
    assert!(h.state().article_view().drawing_comparison());
    // Ctrl+Shift+R: the reviewed layer alone, as exports take it.
    key(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::R);
    assert!(h.state().showing_result());
    assert!(!h.state().article_view().drawing_comparison());
    let shown = common::shown(&h);
    assert_eq!(shown, ["reviewed:talks could start in 北京"]);
    // The panel's choice says so, and stepping goes back to the differences.
    h.get_by_label("Reviewed result");
    key(&mut h, Modifiers::NONE, Key::F8);
    assert!(!h.state().showing_result());
    assert!(h.state().article_view().drawing_comparison());
    click(&mut h, "Reviewed result");
    assert!(h.state().showing_result());
    click(&mut h, "Differences");
    assert!(!h.state().showing_result());
}

#[test]
fn a_value_differs_is_adjudicated_attribute_by_attribute_and_undone() {
    // Both mark the same claim; ana codes it as supporting, bo as opposing.
    let text = "[actor|Macron 🇫🇷] said [claim|talks could start in 北京], said Zoe\u{301}.";
    let (mut p, _) = project_from_marked(text, "ana", jiff::Timestamp::UNIX_EPOCH).unwrap();
    add_layer(&mut p, "d", "bo", text);
    common::set_stances(&mut p, "d", &[("ana", "supports"), ("bo", "opposes")]);
    let before = p.clone();
    let mut h = harness(p);
    open_at(&mut h, 1);
    h.get_by_label_contains("Difference 1 of 1 · value differs");
    // Nothing is taken before a value is chosen for the stance.
    click(&mut h, "Accept these values");
    assert!(reviewed(h.state().project()).is_empty());
    click(&mut h, "bo: opposes");
    click(&mut h, "Accept these values");
    let project = h.state().project().clone();
    let copies = reviewed(&project);
    assert_eq!(copies.len(), 1);
    assert_eq!(
        copies[0].values.get(&"stance".into()),
        Some(&marginalia::model::Value::Choice(vec!["opposes".into()]))
    );
    let decision = project.decisions.values().next().unwrap();
    assert_eq!(decision.verdict, Verdict::Accepted);
    assert_eq!(
        decision
            .values_from
            .get(&"stance".into())
            .map(String::as_str),
        Some("bo")
    );
    // The agreed actor is not settled yet.
    assert_eq!(status(&project, 0), Some(DocStatus::InProgress));
    h.get_by_label_contains("Stance from bo");
    undo_gives_back(&mut h, &before);
}
