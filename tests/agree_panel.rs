//! The agreement panel driven like an analyst would: open it, read figures by their labels,
//! click a figure for the spans behind it, click a span to see it in its article.
#![cfg(feature = "gui")]
#![allow(clippy::unwrap_used)] // a test that cannot set up should stop loudly

mod common;

use egui::{Key, Modifiers, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use marginalia::model::{DocStatus, Document, Fragment, Project, ops, parse_marked};
use marginalia::review::{Units, agreement, choose_annotators};
use marginalia::ui::{MarginaliaApp, Prefs};

/// The first article as three people coded it: ben draws the claim shorter and tags a
/// condition inside it, cy only marks the actor.
const FIRST: [(&str, &str); 3] = [
    (
        "ann",
        "[actor|Zoe\u{301}] 👩‍👩‍👧 said [claim|東京 talks could start] [condition|if] 🇫🇷 agrees.",
    ),
    (
        "ben",
        "[actor|Zoe\u{301}] 👩‍👩‍👧 said [claim|東京 talks] could [condition|start] if 🇫🇷 agrees.",
    ),
    (
        "cy",
        "[actor|Zoe\u{301}] 👩‍👩‍👧 said 東京 talks could start if 🇫🇷 agrees.",
    ),
];

/// The second article: ben alone marks a claim.
const SECOND: [(&str, &str); 2] = [
    ("ann", "[actor|Xi] replied 不 today."),
    ("ben", "[actor|Xi] [claim|replied 不] today."),
];

fn add_layers(project: &mut Project, doc: &str, title: &str, layers: &[(&str, &str)]) {
    let text = parse_marked(layers[0].1).unwrap().0;
    project
        .documents
        .push(Document::new(doc, title, text.clone()));
    for (who, marked) in layers {
        let (plain, marks) = parse_marked(marked).unwrap();
        assert_eq!(plain, text);
        for (tag, range) in marks {
            ops::add_annotation(
                project,
                &doc.into(),
                &tag,
                vec![Fragment::new(range)],
                who,
                jiff::Timestamp::UNIX_EPOCH,
            )
            .unwrap()
            .apply(project)
            .unwrap();
        }
    }
}

fn project() -> Project {
    let mut p = Project::new("Two articles, three coders");
    add_layers(&mut p, "d1", "Talks 東京", &FIRST);
    add_layers(&mut p, "d2", "Xi replies", &SECOND);
    p
}

fn harness(project: Project) -> Harness<'static, MarginaliaApp> {
    let app = MarginaliaApp::new(project, None).with_prefs(Prefs {
        annotator: "tester".into(),
        show_documents: false,
        ..Prefs::default()
    });
    common::window(app, Vec2::new(1600.0, 1200.0))
}

/// Runs frames until the agreement report is in and shows the figure `label`.
fn wait_for(h: &mut Harness<'static, MarginaliaApp>, label: &str) {
    for _ in 0..400 {
        h.step();
        if !h.state().agreement_computing() && h.query_by_label(label).is_some() {
            h.run();
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    panic!("no figure {label:?} appeared");
}

/// The figure `label` shows, as text and as its exact value.
fn figure(h: &Harness<'static, MarginaliaApp>, label: &str) -> (String, Option<f64>) {
    let node = h.get_by_label(label);
    (
        node.value().unwrap_or_default(),
        node.accesskit_node().numeric_value(),
    )
}

#[test]
fn the_panel_shows_the_report_and_the_spans_behind_a_figure() {
    let p = project();
    let names = choose_annotators(&p, &[]).unwrap();
    let expected = agreement(&p, &Units::of(&p, &names));
    let mut h = harness(p.clone());
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::G);
    wait_for(&mut h, "Cohen's κ, ann / ben");

    // The κ cell shows the library's figure, to three decimals, and carries it exactly.
    let ann_ben = &expected.pairs[0];
    assert_eq!((ann_ben.a.as_str(), ann_ben.b.as_str()), ("ann", "ben"));
    let kappa = ann_ben.cohen_kappa.unwrap();
    assert_eq!(
        figure(&h, "Cohen's κ, ann / ben"),
        (format!("{kappa:.3}"), Some(kappa))
    );
    assert_eq!(
        figure(&h, "relaxed F1, ann / ben").1,
        ann_ben.span_f1_relaxed
    );
    // Per tag, and per document with "–" where the figure is undefined: cy did not code
    // the second article, so κ between ann and cy is undefined there.
    let claim = ann_ben.per_tag.iter().find(|t| t.tag == "claim").unwrap();
    assert_eq!(
        figure(&h, "Cohen's κ, ann / ben, tag claim").1,
        claim.cohen_kappa
    );
    // Clicking a pair's figure shows that pair in the per-tag and per-document tables.
    h.get_by_label("Cohen's κ, ann / cy").click();
    h.run();
    assert_eq!(
        figure(&h, "Cohen's κ, ann / cy, document Xi replies"),
        ("–".to_owned(), None)
    );

    // Relaxed F1 between ann and ben: the spans behind it, then one shown in its article.
    h.get_by_label("relaxed F1, ann / ben").click();
    h.run();
    h.get_by_label_contains("Spans behind it: Relaxed matching · ann / ben");
    // ann's claim matched ben's shorter one; ben's condition "start" and claim in the
    // second article are his alone.
    h.get_by_label("ann: “東京 talks could start”");
    h.get_by_label("ben: “東京 talks”");
    h.get_by_label("ben: “start”");
    assert_eq!(h.state().current_document(), 0);
    h.get_by_label("ben: “replied 不”").click();
    h.run();
    let app = h.state();
    assert_eq!(app.current_document(), 1, "the span's article is shown");
    let selected = app
        .selected()
        .and_then(|id| app.project().annotations.get(id));
    let selected = selected.expect("the span is selected");
    assert_eq!(
        (selected.quote.as_str(), selected.annotator.as_str()),
        ("replied 不", "ben")
    );
    // The article showed ann's layer (the first); it now shows ben's, where the span is.
    assert_eq!(app.message(), Some("Showing ben's layer."));
}

#[test]
fn unticking_an_annotator_recomputes_and_an_edit_updates_the_figures() {
    let mut p = project();
    // cy marks the second article done (nothing in it), so it counts for cy as all "none".
    p.documents[1]
        .meta
        .status
        .insert("cy".into(), DocStatus::Done);
    let mut h = harness(p);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::G);
    wait_for(&mut h, "Cohen's κ, ben / cy");
    h.get_by_label("Compare cy").click();
    h.step(); // the report is recomputed at once: the panel keeps repainting meanwhile
    wait_for(&mut h, "Cohen's κ, ann / ben");
    assert!(h.query_by_label("Cohen's κ, ben / cy").is_none());

    // An edit (ben's claim in the second article deleted) changes the figures shown.
    let before = figure(&h, "relaxed F1, ann / ben").1.unwrap();
    let id = h
        .state()
        .project()
        .annotations
        .values()
        .find(|a| a.annotator == "ben" && a.quote == "replied 不")
        .unwrap()
        .id
        .clone();
    h.get_by_label("relaxed F1, ann / ben").click();
    h.run();
    h.get_by_label("ben: “replied 不”").click();
    h.run();
    assert_eq!(h.state().selected(), Some(&id));
    // ben's layer is ben's: changing it takes saying so first.
    h.get_by_label("Edit ben's layer…").click();
    h.run();
    h.get_by_label("Edit ben's layer").click();
    h.run();
    h.key_press(Key::Delete);
    // The panel waits for the project to settle before recomputing: step, do not run.
    h.step();
    assert!(!h.state().project().annotations.contains_key(&id));
    for _ in 0..400 {
        h.step();
        let now = figure(&h, "relaxed F1, ann / ben").1.unwrap();
        if !h.state().agreement_computing() && now != before {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let after = figure(&h, "relaxed F1, ann / ben").1.unwrap();
    assert!(after > before, "F1 {before} -> {after}");
    // The list behind the figure no longer offers the deleted span.
    assert!(h.query_by_label("ben: “replied 不”").is_none());
}

#[test]
fn the_reviewed_layer_is_offered_unticked() {
    let mut p = project();
    add_layers(
        &mut p,
        "d3",
        "Reviewed 🇫🇷",
        &[
            ("ann", "[actor|Zoe\u{301}] 🇫🇷 北京"),
            ("reviewed", "[actor|Zoe\u{301}] 🇫🇷 北京"),
        ],
    );
    let mut h = harness(p);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::G);
    wait_for(&mut h, "Cohen's κ, ann / ben");
    assert!(h.query_by_label("Cohen's κ, ann / reviewed").is_none());
    h.get_by_label("Compare reviewed").click();
    h.step();
    wait_for(&mut h, "Cohen's κ, ann / reviewed");
}

#[test]
fn the_spans_listed_follow_the_pair_clicked_not_its_position() {
    let mut h = harness(project());
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::G);
    wait_for(&mut h, "Cohen's κ, ann / ben");
    h.get_by_label("relaxed F1, ann / ben").click();
    h.run();
    h.get_by_label("ben: “東京 talks”");
    // Without ben, ann / cy comes first: ann / ben's spans must not be listed under it.
    h.get_by_label("Compare ben").click();
    h.step();
    wait_for(&mut h, "Cohen's κ, ann / cy");
    assert!(h.query_by_label("Cohen's κ, ann / ben").is_none());
    assert!(h.query_by_label("ben: “東京 talks”").is_none());
    assert!(
        h.query_by_label("cy: “東京 talks”").is_none(),
        "ben's span under cy's name"
    );
    assert!(
        h.query_by_label_contains("Spans behind it: Relaxed matching · ann / cy")
            .is_none()
    );
    // ben back: the figure's spans are listed again.
    h.get_by_label("Compare ben").click();
    h.step();
    wait_for(&mut h, "Cohen's κ, ann / ben");
    h.get_by_label("ben: “東京 talks”");
    // A document's figure lists that document's spans only.
    h.get_by_label("relaxed F1, ann / ben, document Xi replies")
        .click();
    h.run();
    h.get_by_label_contains(
        "Spans behind it: Relaxed matching · ann / ben · all tags · Xi replies",
    );
    assert!(h.query_by_label("ben: “東京 talks”").is_none());
    h.get_by_label("ben: “replied 不”");
}

#[test]
fn the_per_code_table_shows_kappa_ac1_and_alpha_of_each_attribute() {
    // ann and ben match on the claim of the first article; each gives it a stance.
    let mut p = project();
    let claims = p
        .annotations
        .values()
        .filter(|a| a.tag.as_str() == "claim" && a.doc.as_str() == "d1")
        .count();
    assert_eq!(claims, 2);
    common::set_stances(&mut p, "d1", &[("ann", "supports"), ("ben", "opposes")]);
    let names = choose_annotators(&p, &[]).unwrap();
    let expected = agreement(&p, &Units::of(&p, &names));
    let stance = expected
        .per_attribute
        .iter()
        .find(|x| x.a == "ann" && x.b == "ben" && x.attribute == "stance")
        .unwrap();
    assert_eq!((stance.units, stance.agree), (1, 0));
    let mut h = harness(p);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::G);
    wait_for(&mut h, "Gwet's AC1, ann / ben, claim Stance");
    h.get_by_label_contains("0 / 1 (of 1 matched)");
    assert_eq!(
        figure(&h, "Gwet's AC1, ann / ben, claim Stance").1,
        stance.gwet_ac1
    );
    // One unit, coded differently: κ is 0 (no agreement beyond chance, which is 0 here).
    assert_eq!(stance.cohen_kappa, Some(0.0));
    assert_eq!(
        figure(&h, "Cohen's κ, ann / ben, claim Stance"),
        ("0.000".to_owned(), Some(0.0))
    );
    h.get_by_label("Krippendorff's α, ann / ben, claim Stance")
        .click();
    h.run();
    h.get_by_label_contains("Spans behind it: Relaxed matching · ann / ben");
    h.get_by_label("ann: “東京 talks could start”");
}
