//! The Analysis window's network tab with egui_kittest, on the sample project's analyst
//! layer: the strongest tie is listed and drawn, a click on it lists the spans behind it and
//! a click on a span asks to show it; a stance changed in the project changes the tie at
//! once; a monthly window gives a slider whose steps are other networks.
#![cfg(feature = "gui")]
#![allow(clippy::unwrap_used)] // a test that cannot set up should stop loudly

use egui::Vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use marginalia::model::{AnnotationId, Value, ops};
use marginalia::ui::Request;
use marginalia::ui::network_panel::NetworkPanel;
use marginalia::workspace::Workspace;

struct State {
    ws: Workspace,
    panel: NetworkPanel,
    out: Vec<Request>,
}

fn harness() -> Harness<'static, State> {
    let project = marginalia::sample::sample_project().unwrap();
    let state = State {
        ws: Workspace::new(project, None),
        panel: NetworkPanel::default(),
        out: Vec::new(),
    };
    Harness::builder()
        .with_size(Vec2::new(1200.0, 800.0))
        .with_context_setup(marginalia::ui::install_fonts)
        .build_ui_state(
            |ui, s: &mut State| {
                let layers = ["analyst".to_owned()];
                s.panel.ui(ui, &s.ws, &layers, &mut s.out);
            },
            state,
        )
}

/// The label of the first widget whose label starts with `start`.
fn label_starting(h: &Harness<'static, State>, start: &str) -> String {
    h.get_all_by(|n| n.label().is_some_and(|l| l.starts_with(start)))
        .next()
        .and_then(|n| n.accesskit_node().label())
        .unwrap_or_else(|| panic!("no widget labelled {start}…"))
}

#[test]
fn a_tie_lists_its_spans_and_a_span_opens_in_its_article() {
    let mut h = harness();
    h.run();
    // Congruence on the analyst's layer: China and Macron share 6 (worked out by the
    // command line's --json and the library's hand-made tests).
    assert_eq!(
        label_starting(&h, "China – Emmanuel Macron"),
        "China – Emmanuel Macron (6)"
    );
    let canvas = label_starting(&h, "Network: ");
    assert!(canvas.ends_with("edges"), "{canvas}");
    h.get_by_label("China – Emmanuel Macron (6)").click();
    h.run();
    // The spans behind the tie: claims of both on the concepts they share.
    let span = h
        .get_all_by(|n| {
            n.label()
                .is_some_and(|l| l.starts_with('“') && l.contains("China"))
        })
        .next()
        .expect("a span of China's listed");
    span.click();
    h.run();
    let opened: Vec<&AnnotationId> = h
        .state()
        .out
        .iter()
        .filter_map(|r| match r {
            Request::OpenSpan(id) => Some(id),
            _ => None,
        })
        .collect();
    assert_eq!(opened.len(), 1, "{:?}", h.state().out);
    let behind = [
        "p23-claim-5",
        "p23-claim-20",
        "p25-claim-1",
        "p25-claim-11",
        "p25-claim-14",
    ];
    assert!(behind.contains(&opened[0].as_str()), "{opened:?}");
}

#[test]
fn a_stance_changed_in_the_project_changes_the_tie_at_once() {
    let mut h = harness();
    h.run();
    assert_eq!(
        label_starting(&h, "China – Emmanuel Macron"),
        "China – Emmanuel Macron (6)"
    );
    // China's claim p25-claim-11 turns from its stance to the other one.
    {
        let s = h.state_mut();
        let id = AnnotationId::from("p25-claim-11");
        let old = s.ws.project().annotations[&id].values[&"stance".into()].clone();
        let other = if old == Value::Choice(vec!["supports".into()]) {
            "opposes"
        } else {
            "supports"
        };
        let edit = ops::set_value(
            s.ws.project(),
            &id,
            &"stance".into(),
            Some(Value::Choice(vec![other.into()])),
            jiff::Timestamp::UNIX_EPOCH,
        )
        .unwrap();
        s.ws.apply("stance", edit).unwrap();
    }
    let before = h.state().panel.places();
    h.run();
    let tie = label_starting(&h, "China – Emmanuel Macron");
    assert_ne!(
        tie, "China – Emmanuel Macron (6)",
        "the view follows the project"
    );
    // The picture settles from where it was instead of being laid out afresh.
    let after: std::collections::HashMap<String, [f64; 2]> =
        h.state().panel.places().into_iter().collect();
    assert_eq!(after.len(), before.len());
    let moved: f64 = before
        .iter()
        .map(|(id, p)| {
            let q = after[id];
            ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2)).sqrt()
        })
        .sum::<f64>()
        / before.len() as f64;
    assert!(moved < 0.2, "nodes moved {moved:.3} on average");
}

#[test]
fn a_monthly_window_gives_a_slider_over_other_networks() {
    let mut h = harness();
    h.run();
    assert!(
        h.query_by_label("Window").is_none(),
        "no slider for the whole period"
    );
    h.state_mut().panel.settings.window = Some("months:6".parse().unwrap());
    h.run();
    assert!(
        h.query_all_by_label("Window").count() >= 1,
        "a slider over the windows"
    );
    let first = label_starting(&h, "Network: ");
    // The sample's articles are dated 2023 and 2025 (read as 1 January): six-month windows
    // from January 2023 until one reaches 1 January 2025 (August 2024 – January 2025), 20 in
    // all; the first holds the first article's ties, the last the second's.
    let steps = h.state().panel.step;
    assert_eq!(steps, 0);
    // The slider, moved from the keyboard as an analyst would, a step a press.
    h.get_by_role(egui::accesskit::Role::Slider).focus();
    h.run();
    for _ in 0..30 {
        h.key_press(egui::Key::ArrowRight);
        h.run();
    }
    assert_eq!(
        h.state().panel.step,
        19,
        "the slider stops at the last window"
    );
    let later = label_starting(&h, "Network: ");
    assert_ne!(first, later, "another window, another network");
}

#[test]
fn a_node_picked_from_the_list_lists_its_claims() {
    let mut h = harness();
    h.run();
    // The largest nodes are listed beside the canvas (for the keyboard and screen readers):
    // Macron speaks the most claims on the analyst's layer.
    let macron = label_starting(&h, "Emmanuel Macron: ");
    h.get_by_label(&macron).click();
    h.run();
    let claims: Vec<String> = h
        .get_all_by(|n| n.label().is_some_and(|l| l.starts_with('“')))
        .filter_map(|n| n.accesskit_node().label())
        .collect();
    let statements: usize = macron
        .trim_start_matches("Emmanuel Macron: ")
        .trim_end_matches(" statements")
        .parse()
        .unwrap();
    assert_eq!(claims.len(), statements, "{claims:?}");
    assert!(
        claims.iter().all(|c| c.contains("— Emmanuel Macron,")),
        "{claims:?}"
    );
}

#[test]
fn a_tie_picked_stays_that_tie_when_the_slider_moves() {
    let mut h = harness();
    h.state_mut().panel.settings.window = Some("months:6".parse().unwrap());
    h.run();
    // The strongest tie of the first window (the 2023 article), picked from the list.
    let first = h
        .get_all_by(|n| {
            n.label()
                .is_some_and(|l| l.contains(" – ") && l.ends_with(')'))
        })
        .next()
        .and_then(|n| n.accesskit_node().label())
        .expect("a tie listed");
    let pair = first.rsplit_once(" (").unwrap().0.to_owned();
    h.get_by_label(&first).click();
    h.run();
    assert!(h.query_by_label(&pair).is_some(), "{pair} shown as picked");
    // The last window holds the 2025 article: the pick is that pair there, or said absent,
    // never the tie that happens to sit at the same place in the other network.
    h.get_by_role(egui::accesskit::Role::Slider).focus();
    h.run();
    for _ in 0..30 {
        h.key_press(egui::Key::ArrowRight);
        h.run();
    }
    assert!(
        h.query_by_label(&pair).is_some()
            || h.query_by_label("The tie picked is not in this window.")
                .is_some(),
        "{pair}: the pick followed the edge's number instead of the pair"
    );
}
