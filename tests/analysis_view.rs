//! The Analysis window on the sample project: opened from the menu, a matrix chosen, a cell
//! clicked, its spans listed, a span opened in its article, and a stance typed in the
//! article changing the matrix at once.

mod common;

use egui::{Key, Modifiers, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use marginalia::matrices::{Kind, Query, Rows, Rule, Work, compute};
use marginalia::model::{AnnotationId, Project, Value};
use marginalia::ui::{MarginaliaApp, Prefs};

fn sample() -> Harness<'static, MarginaliaApp> {
    let project = marginalia::sample::sample_project().expect("the sample loads");
    let prefs = Prefs {
        annotator: "analyst".into(),
        ..Prefs::default()
    };
    common::window(
        MarginaliaApp::new(project, None).with_prefs(prefs),
        Vec2::new(1400.0, 900.0),
    )
}

fn choose(h: &mut Harness<'static, MarginaliaApp>, combo: &str, entry: &str) {
    h.get_by_label(combo).click();
    h.run();
    h.get_by_label(entry).click();
    h.run();
}

/// Concept × stance on the same span, as the window computes it for the analyst's layer.
fn concept_by_stance(p: &Project) -> marginalia::matrices::Matrix {
    let query = Query {
        layers: vec!["analyst".into()],
        rows: Rows::Attribute("concept".into()),
        kind: Kind::CoOccurrence(Rows::Attribute("stance".into()), Rule::SameSpan),
    };
    compute(p, &query, &Work::default()).expect("computed")
}

/// The accessible name of cell (`r`, `c`) showing counts.
fn cell(m: &marginalia::matrices::Matrix, r: usize, c: usize) -> String {
    format!(
        "{} × {}: {}",
        m.rows[r].label,
        m.cols[c].label,
        m.count(r, c)
    )
}

fn open_analysis(h: &mut Harness<'static, MarginaliaApp>) {
    h.get_by_label("View").click();
    h.run();
    h.get_by_label("Analysis: matrices, network and time chart… Ctrl+Shift+Y")
        .click();
    h.run();
}

#[test]
fn a_cell_lists_its_spans_and_a_span_opens_in_its_article() {
    let mut h = sample();
    open_analysis(&mut h);
    // Tags × articles first: every tag is a row.
    assert!(h.query_by_label("Codes × articles").is_some());
    h.get_by_label("Codes × codes").click();
    h.run();
    choose(&mut h, "Rows", "Concept (code)");
    choose(&mut h, "Columns", "Stance (choice)");
    let m = concept_by_stance(h.state().project());
    let supports = m
        .cols
        .iter()
        .position(|c| c.key == "supports")
        .expect("a supports column");
    // The concept most supported.
    let row = (0..m.rows.len())
        .max_by_key(|&r| m.count(r, supports))
        .expect("a row");
    let n = m.count(row, supports);
    assert!(n > 0, "the sample has supported concepts");
    h.get_by_label(&cell(&m, row, supports)).click();
    h.run();
    let heading = format!(
        "Spans behind {} × {}: {n} (click one to show it in its article)",
        m.rows[row].label, m.cols[supports].label
    );
    assert!(h.query_by_label(&heading).is_some(), "{heading}");
    // The first span listed opens in its article, selected.
    let first: AnnotationId = m.behind(row, supports)[0].clone();
    let (quote, doc) = {
        let p = h.state().project();
        let a = &p.annotations[&first];
        (
            a.quote.clone(),
            p.document_index(&a.doc).expect("its article"),
        )
    };
    h.get_by_label(&format!("“{quote}”")).click();
    h.run();
    assert_eq!(h.state().selected(), Some(&first));
    assert_eq!(h.state().current_document(), doc);

    // A stance typed on the selected claim moves it from supports to opposes in the table.
    h.event(egui::Event::Text("-".into()));
    h.run();
    assert_eq!(
        h.state().project().annotations[&first]
            .values
            .get(&"stance".into()),
        Some(&Value::Choice(vec!["opposes".into()]))
    );
    let after = concept_by_stance(h.state().project());
    assert_eq!(after.count(row, supports), n - 1);
    assert!(
        h.query_by_label(&cell(&after, row, supports)).is_some(),
        "the table shows the new count at once"
    );
    let opposes = after
        .cols
        .iter()
        .position(|c| c.key == "opposes")
        .expect("an opposes column");
    assert!(h.query_by_label(&cell(&after, row, opposes)).is_some());
    // Undo puts it back.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert!(h.query_by_label(&cell(&m, row, supports)).is_some());
}

#[test]
fn codes_by_articles_and_over_time_show_their_tables() {
    let mut h = sample();
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Y);
    h.run();
    // Codes × articles shows the articles as rows: the concept in a column.
    choose(&mut h, "Rows", "Concept (code)");
    let query = Query {
        layers: vec!["analyst".into()],
        rows: Rows::Attribute("concept".into()),
        kind: Kind::Articles,
    };
    let m = compute(h.state().project(), &query, &Work::default()).expect("computed");
    let (r, c) = (0..m.rows.len())
        .flat_map(|r| (0..m.cols.len()).map(move |c| (r, c)))
        .max_by_key(|&(r, c)| m.count(r, c))
        .expect("a cell");
    h.get_by_label(&cell(&m, r, c)).click();
    h.run();
    assert!(h.query_by_label_contains("Spans behind").is_some());
    // Row percentages of the table as shown (articles as rows): the matrix's column %.
    h.get_by_label("Row %").click();
    h.run();
    let pct = m.col_percent(r, c).expect("a column with spans");
    let name = format!("{} × {}: {pct:.1}%", m.rows[r].label, m.cols[c].label);
    assert!(h.query_by_label(&name).is_some(), "{name}");
    // Over time, per year: the sample's articles are of 2023 and 2025.
    h.get_by_label("Over time").click();
    h.run();
    choose(&mut h, "Per", "year");
    assert!(h.query_all_by_label_contains("× 2023:").next().is_some());
    assert!(
        h.query_all_by_label_contains("× 2024: 0").next().is_some(),
        "the year between is in the table, empty"
    );
    assert!(h.query_all_by_label_contains("× 2025:").next().is_some());
}

#[test]
fn the_network_tab_draws_the_ties_and_a_tie_reaches_its_spans_in_the_article() {
    let mut h = sample();
    open_analysis(&mut h);
    h.get_by_label("Network").click();
    h.run();
    // Actors × actors by congruence on the analyst's layer (the command line gives the same:
    // `marginalia network --annotator analyst --aggregation congruence`).
    assert!(
        h.query_by_label_contains("Network: ").is_some(),
        "the canvas is drawn"
    );
    h.get_by_label("China – Emmanuel Macron (6)").click();
    h.run();
    let behind = [
        "p23-claim-5",
        "p23-claim-20",
        "p25-claim-1",
        "p25-claim-11",
        "p25-claim-14",
    ];
    let link = h
        .get_all_by(|n| {
            n.label()
                .is_some_and(|l| l.starts_with('“') && l.contains("— China,"))
        })
        .next()
        .expect("a claim of China's behind the tie")
        .accesskit_node()
        .label()
        .expect("labelled");
    h.get_by_label(&link).click();
    h.run();
    let selected = h.state().selected().cloned().expect("a span selected");
    assert!(behind.contains(&selected.as_str()), "{selected}");
    let p = h.state().project();
    let doc = p
        .document_index(&p.annotations[&selected].doc)
        .expect("its article");
    assert_eq!(h.state().current_document(), doc, "shown in its article");
}
