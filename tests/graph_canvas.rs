//! The network canvas with egui_kittest: a click on a node or an edge is reported, a click on
//! nothing is not, dragging pans and the wheel zooms about the pointer.
#![cfg(feature = "gui")]
#![allow(clippy::unwrap_used)] // a test that cannot set up should stop loudly

use egui::{Color32, Pos2, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::graph_layout::{LayoutEdge, LayoutOptions, force_directed};
use marginalia::ui::graph_canvas::{CanvasEdge, CanvasNode, GraphCanvas, Hit};

struct State {
    canvas: GraphCanvas,
    nodes: Vec<CanvasNode>,
    edges: Vec<CanvasEdge>,
    places: Vec<[f64; 2]>,
    clicks: Vec<Hit>,
}

fn harness() -> Harness<'static, State> {
    let node = |label: &str, size| CanvasNode {
        label: label.into(),
        size,
        color: Color32::from_rgb(0, 114, 178),
        tip: format!("{label}: statements"),
    };
    let nodes = vec![node("Macron", 1.0), node("Xi", 0.5), node("Zelensky", 0.3)];
    let edge = |a, b| CanvasEdge {
        a,
        b,
        width: 1.0,
        color: Color32::from_rgb(213, 94, 0),
        tip: String::new(),
    };
    let edges = vec![edge(0, 1), edge(1, 2)];
    let layout: Vec<LayoutEdge> = edges
        .iter()
        .map(|e| LayoutEdge {
            a: e.a,
            b: e.b,
            weight: 1.0,
        })
        .collect();
    let places = force_directed(3, &layout, &[], LayoutOptions::for_nodes(3));
    let state = State {
        canvas: GraphCanvas::default(),
        nodes,
        edges,
        places,
        clicks: Vec::new(),
    };
    Harness::builder()
        .with_size(Vec2::new(600.0, 500.0))
        .build_ui_state(
            |ui, s: &mut State| {
                let size = ui.available_size();
                if let Some(hit) = s.canvas.show(
                    ui,
                    size,
                    &s.nodes,
                    &s.edges,
                    &s.places,
                    s.clicks.last().copied(),
                ) {
                    s.clicks.push(hit);
                }
            },
            state,
        )
}

fn click(h: &mut Harness<'static, State>, pos: Pos2) {
    h.hover_at(pos);
    h.run();
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
    }
    h.run();
}

fn place_of(h: &Harness<'static, State>, node: usize) -> Pos2 {
    let rect = h.get_by_label("Network: 3 nodes, 2 edges").rect();
    h.state().canvas.screen_place(rect, h.state().places[node])
}

#[test]
fn a_node_and_an_edge_are_clicked_and_nothing_is_not() {
    let mut h = harness();
    h.run();
    let xi = place_of(&h, 1);
    click(&mut h, xi);
    assert_eq!(h.state().clicks, [Hit::Node(1)]);
    // The middle of the edge Macron–Xi.
    let (a, b) = (place_of(&h, 0), place_of(&h, 1));
    click(&mut h, a + (b - a) / 2.0);
    assert_eq!(h.state().clicks, [Hit::Node(1), Hit::Edge(0)]);
    // A corner, far from everything: no click reported.
    let rect = h.get_by_label("Network: 3 nodes, 2 edges").rect();
    click(&mut h, rect.min + Vec2::splat(3.0));
    assert_eq!(h.state().clicks.len(), 2);
}

#[test]
fn dragging_pans_and_the_wheel_zooms_about_the_pointer() {
    let mut h = harness();
    h.run();
    let before = place_of(&h, 0);
    let rect = h.get_by_label("Network: 3 nodes, 2 edges").rect();
    let from = rect.min + Vec2::splat(10.0);
    h.drag_at(from);
    h.run();
    for step in 1..=5 {
        h.hover_at(from + Vec2::new(8.0 * step as f32, 4.0 * step as f32));
        h.run();
    }
    h.drop_at(from + Vec2::new(40.0, 20.0));
    h.run();
    let moved = place_of(&h, 0) - before;
    assert!(
        (moved - Vec2::new(40.0, 20.0)).length() < 12.0,
        "panned by the drag: {moved:?}"
    );
    assert!(h.state().clicks.is_empty(), "a drag is not a click");
    // The wheel over node 0 zooms about it: node 0 stays put, node 2 moves away from it.
    let (zero, two) = (place_of(&h, 0), place_of(&h, 2));
    h.hover_at(zero);
    h.run();
    h.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: Vec2::new(0.0, 200.0),
        modifiers: egui::Modifiers::NONE,
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
    });
    for _ in 0..20 {
        h.step(); // the scroll is smoothed over a few frames
    }
    let (zero_after, two_after) = (place_of(&h, 0), place_of(&h, 2));
    assert!(
        (zero_after - zero).length() < 2.0,
        "{zero:?} → {zero_after:?}"
    );
    assert!(
        (two_after - zero_after).length() > (two - zero).length() * 1.2,
        "zoomed in: {} → {}",
        (two - zero).length(),
        (two_after - zero_after).length()
    );
}
