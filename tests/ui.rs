//! Window tests with egui_kittest: widgets found by their accessible labels, clicked, and the
//! app's state checked.
#![cfg(feature = "gui")]
#![allow(clippy::unwrap_used)] // a test that cannot set up should stop loudly

use egui::Vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use marginalia::model::AnnotationId;
use marginalia::ui::MarginaliaApp;

fn window(app: MarginaliaApp) -> Harness<'static, MarginaliaApp> {
    Harness::builder()
        .with_size(Vec2::new(1280.0, 800.0))
        .with_context_setup(|ctx| {
            marginalia::ui::install_fonts(ctx);
            // Scrolling jumps, so a widget scrolled to is where the next click lands.
            ctx.all_styles_mut(|s| s.scroll_animation = egui::style::ScrollAnimation::none());
        })
        .build_ui_state(|ui, app: &mut MarginaliaApp| app.ui(ui), app)
}

fn harness() -> Harness<'static, MarginaliaApp> {
    // The sample's first analyst only: these tests click one layer's spans, and the second
    // analyst's layer (noor) repeats most of them; comparing layers has its own tests.
    let mut project = marginalia::sample::sample_project().unwrap();
    use marginalia::model::SharedMapExt as _;
    project.annotations.retain(|_, a| a.annotator == "analyst");
    project.relations.retain(|_, r| r.annotator == "analyst");
    window(MarginaliaApp::new(project, None))
}

fn id_of(app: &MarginaliaApp, quote: &str) -> AnnotationId {
    let doc = &app.project().documents[app.current_document()].id;
    let matches: Vec<_> = app
        .project()
        .annotations
        .values()
        .filter(|a| &a.doc == doc && a.quote == quote)
        .collect();
    assert_eq!(matches.len(), 1, "{quote:?} is not unique");
    matches[0].id.clone()
}

#[test]
fn opens_on_the_sample_with_its_documents_and_annotations() {
    let mut harness = harness();
    harness.run();
    let first = "Macron Approaches China With Plan to Lay Groundwork for Russia-Ukraine Talks";
    assert!(
        harness.query_all_by_label(first).count() >= 2,
        "title in the list and as heading"
    );
    harness.get_by_label_contains("Article text:");
    // The list shows the first annotations of the article, with their links.
    assert!(
        harness
            .query_all_by_label_contains("French President Emmanuel Macron")
            .count()
            >= 1
    );
    harness.get_by_label_contains("2 documents");
}

#[test]
fn clicking_a_document_shows_it() {
    let mut harness = harness();
    harness.run();
    let second =
        "Macron Ends Beijing Visit Urging Xi to Press Russia Toward a Ceasefire in Ukraine";
    harness.get_by_label(second).click();
    harness.run();
    assert_eq!(harness.state().current_document(), 1);
    harness.get_by_label(&format!("Article text: {second}"));
}

#[test]
fn clicking_an_annotation_in_the_list_selects_it() {
    let mut harness = harness();
    harness.run();
    // Only conditions: the list is short enough to show this one.
    let filter = harness
        .query_all_by_label_contains("Condition ")
        .find(|n| !n.accesskit_node().label().unwrap_or_default().contains('('))
        .unwrap();
    filter.click();
    harness.run();
    harness.get_by_label_contains("if all goes well").click();
    harness.run();
    let expected = id_of(harness.state(), "if all goes well");
    assert_eq!(harness.state().selected(), Some(&expected));
}

#[test]
fn clicking_highlighted_text_selects_the_annotation_and_plain_text_clears_it() {
    let mut harness = harness();
    harness.run();
    // Click along the first lines: "French President Emmanuel Macron is looking to reverse …"
    // opens with an actor, then plain text, then (further on, on the second or third line
    // as the column's width wraps it) a claim.
    let rect = harness.get_by_label_contains("Article text:").rect();
    let mut seen = Vec::new();
    let line = 16.0 * 1.45;
    let points = [10.0, 10.0 + line, 10.0 + 2.0 * line]
        .into_iter()
        .flat_map(|y| {
            (6..rect.width() as i32)
                .step_by(24)
                .map(move |x| Vec2::new(x as f32, y))
        });
    for offset in points {
        let pos = rect.min + offset;
        harness.hover_at(pos);
        harness.drag_at(pos);
        harness.drop_at(pos);
        harness.run();
        let selected = harness.state().selected().map(|id| id.as_str().to_owned());
        if seen.last() != Some(&selected) {
            seen.push(selected);
        }
    }
    let actor = id_of(harness.state(), "French President Emmanuel Macron");
    assert_eq!(
        seen.first(),
        Some(&Some(actor.as_str().to_owned())),
        "{seen:?}"
    );
    assert_eq!(
        seen.get(1),
        Some(&None),
        "plain text after the actor clears: {seen:?}"
    );
    assert!(seen.contains(&Some("p23-claim-1".to_owned())), "{seen:?}");
}

#[test]
fn a_long_document_list_lays_out_only_the_rows_in_view_and_scrolls_to_the_last() {
    let mut project = marginalia::model::Project::new("Corpus");
    for i in 0..600 {
        project.documents.push(marginalia::model::Document::new(
            format!("doc-{i:03}"),
            format!("Article {i:03}"),
            format!("Text of article {i}."),
        ));
    }
    let mut h = window(MarginaliaApp::new(project, None));
    h.run();
    h.run();
    // The first article is shown: its title is in the list and above the text.
    let first = h
        .query_all_by_label("Article 000")
        .map(|n| n.rect())
        .min_by(|a, b| a.left().total_cmp(&b.left()))
        .unwrap();
    assert!(
        h.query_by_label("Article 599").is_none(),
        "a row far out of view is not laid out"
    );
    // Scrolled to the end, the last rows are there to click.
    h.hover_at(first.center());
    for _ in 0..80 {
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: Vec2::new(0.0, -2000.0),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
            modifiers: egui::Modifiers::NONE,
        });
        h.run_steps(2);
    }
    h.run_steps(8);
    assert_eq!(
        h.query_all_by_label("Article 000").count(),
        1,
        "only above the text"
    );
    h.get_by_label("Article 599").click();
    h.run_steps(4);
    assert_eq!(h.state().current_document(), 599);
}

#[test]
fn the_document_list_counts_follow_tags_deletes_and_undo_without_a_recount() {
    let mut project = marginalia::model::Project::new("Two");
    for i in 0..2 {
        project.documents.push(marginalia::model::Document::new(
            format!("doc-{i}"),
            format!("Article {i}"),
            "Macron met Xi in Beijing.".to_owned(),
        ));
    }
    let prefs = marginalia::ui::Prefs {
        annotator: "tester".into(),
        ..marginalia::ui::Prefs::default()
    };
    let mut h = window(MarginaliaApp::new(project, None).with_prefs(prefs));
    h.run();
    let counts = |h: &Harness<'static, MarginaliaApp>| {
        // The document list's detail lines, "N annotations · status", and the status bar's
        // "2 documents · N annotations · 0 relations".
        ["0 annotations ·", "1 annotations ·", "2 annotations ·"]
            .map(|label| h.query_all_by_label_contains(label).count())
    };
    assert_eq!(counts(&h), [3, 0, 0]);
    for (from, to) in [(0, 6), (11, 13)] {
        h.state_mut().set_text_selection(marginalia::ui::TextSel {
            anchor: marginalia::model::ByteOffset(from),
            head: marginalia::model::ByteOffset(to),
        });
        h.key_press(egui::Key::Num1);
        h.run();
    }
    assert_eq!(counts(&h), [1, 0, 2], "two tags in the first article");
    h.key_press(egui::Key::Delete);
    h.run();
    assert_eq!(counts(&h), [1, 2, 0], "the selected one deleted");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert_eq!(counts(&h), [1, 0, 2], "undone");
    // The next article: its own count, the first one's kept.
    h.get_by_label("Article 1").click();
    h.run();
    h.state_mut().set_text_selection(marginalia::ui::TextSel {
        anchor: marginalia::model::ByteOffset(0),
        head: marginalia::model::ByteOffset(6),
    });
    h.key_press(egui::Key::Num1);
    h.run();
    assert_eq!(
        counts(&h),
        [0, 1, 1],
        "2 and 1 in the list, 3 in the status bar"
    );
}

/// The summary panel in the window: a click on a claim's quote selects that claim.
#[test]
fn a_claim_clicked_in_the_summary_is_selected() {
    let mut harness = harness();
    harness.run_steps(2);
    let ctx = harness.ctx.clone();
    harness
        .state_mut()
        .run(marginalia::ui::Command::ToggleSummary, &ctx);
    harness.run_steps(3);
    let app = harness.state();
    let doc = &app.project().documents[app.current_document()].id;
    let claim = app
        .project()
        .annotations
        .values()
        .filter(|a| &a.doc == doc && a.tag.as_str() == "claim" && a.quote.chars().count() < 90)
        .min_by_key(|a| a.fragments[0].start)
        .unwrap();
    let (id, label) = (claim.id.clone(), format!("“{}”", claim.quote));
    assert_ne!(app.selected(), Some(&id));
    harness.get_by_label(&label).click();
    harness.run_steps(3);
    assert_eq!(harness.state().selected(), Some(&id));
}
