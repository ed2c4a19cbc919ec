//! Frame times of the Analysis window's network tab with a large network drawn: the panel
//! driven headlessly at 1600 × 1000 (UI, layout and tessellation, as `frame_bench` measures
//! the article), over a project made by `network_bench --write`.
//!
//! ```text
//! cargo run --release --example network_bench -- --write /tmp/net500.ron 20000 1000 500
//! cargo run --release --example network_frame_bench -- /tmp/net500.ron
//! ```
//! It waits for the network (computed on a worker thread above 20,000 annotations), then
//! times 200 frames with the pointer moving over the canvas (hovering nodes and ties), 60
//! frames dragging it, 60 zooming it with the wheel and 100 idle ones, and prints the
//! median and 95th percentile of each.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use egui::{Event, Modifiers, PointerButton, Pos2, RawInput, Rect, Vec2};
use marginalia::ui::network_panel::NetworkPanel;
use marginalia::workspace::Workspace;

const SCREEN: Vec2 = Vec2::new(1600.0, 1000.0);

struct Bench {
    ctx: egui::Context,
    ws: Workspace,
    panel: NetworkPanel,
    layers: Vec<String>,
    time: f64,
}

impl Bench {
    fn frame(&mut self, events: Vec<Event>) -> Duration {
        self.time += 1.0 / 60.0;
        let input = RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, SCREEN)),
            time: Some(self.time),
            events,
            ..RawInput::default()
        };
        let start = Instant::now();
        let Bench {
            ws, panel, layers, ..
        } = self;
        let mut out = Vec::new();
        let output = self
            .ctx
            .run_ui(input, |ui| panel.ui(ui, ws, layers, &mut out));
        let primitives = self.ctx.tessellate(output.shapes, output.pixels_per_point);
        let took = start.elapsed();
        std::hint::black_box(primitives);
        took
    }
}

fn stats(name: &str, times: &[Duration]) {
    let mut ms: Vec<f64> = times.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
    println!(
        "{name:<34} median {:6.2} ms   p95 {:6.2} ms   max {:6.2} ms   ({} frames)",
        at(0.5),
        at(0.95),
        ms[ms.len() - 1],
        ms.len()
    );
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: network_frame_bench PROJECT.ron (made by network_bench --write)");
    let t = Instant::now();
    let project = marginalia::store::load(std::path::Path::new(&path)).unwrap();
    let layers = project.layers();
    println!(
        "{path}: {} articles, {} annotations, loaded in {:.2} s; layer {}",
        project.documents.len(),
        project.annotations.len(),
        t.elapsed().as_secs_f64(),
        layers.join(", ")
    );
    let ctx = egui::Context::default();
    marginalia::ui::install_fonts(&ctx);
    let mut b = Bench {
        ctx,
        ws: Workspace::new(project, None),
        panel: NetworkPanel::default(),
        layers: layers.into_iter().take(1).collect(),
        time: 0.0,
    };
    // The network and its layout, on the worker thread: frames until it is drawn.
    let t = Instant::now();
    while b.panel.places().is_empty() {
        b.frame(Vec::new());
        std::thread::sleep(Duration::from_millis(5));
        assert!(
            t.elapsed() < Duration::from_secs(600),
            "no network after 10 minutes"
        );
    }
    // Two frames more: the first lays out the new picture's text.
    let first = b.frame(Vec::new());
    b.frame(Vec::new());
    let (drawn, ties) = b.panel.ties();
    println!(
        "network computed and laid out in {:.2} s ({} nodes and {drawn} of {ties} ties drawn); first frame with it {:.1} ms",
        t.elapsed().as_secs_f64(),
        b.panel.places().len(),
        first.as_secs_f64() * 1000.0
    );
    // The canvas fills the left three fifths below the controls.
    let over = |i: usize| {
        let x = 60.0 + (i * 37 % 860) as f32;
        let y = 260.0 + (i * 53 % 640) as f32;
        Pos2::new(x, y)
    };
    let hover: Vec<Duration> = (0..200)
        .map(|i| b.frame(vec![Event::PointerMoved(over(i))]))
        .collect();
    let mut drag = Vec::new();
    let from = Pos2::new(500.0, 600.0);
    drag.push(b.frame(vec![Event::PointerButton {
        pos: from,
        button: PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::NONE,
    }]));
    for i in 1..60 {
        drag.push(b.frame(vec![Event::PointerMoved(
            from + Vec2::new(i as f32 * 3.0, i as f32),
        )]));
    }
    b.frame(vec![Event::PointerButton {
        pos: from + Vec2::new(180.0, 60.0),
        button: PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::NONE,
    }]);
    let zoom: Vec<Duration> = (0..60)
        .map(|_| {
            b.frame(vec![Event::MouseWheel {
                unit: egui::MouseWheelUnit::Point,
                delta: Vec2::new(0.0, 40.0),
                phase: egui::TouchPhase::Move,
                source: egui::MouseWheelSource::Wheel,
                modifiers: Modifiers::NONE,
            }])
        })
        .collect();
    let idle: Vec<Duration> = (0..100).map(|_| b.frame(Vec::new())).collect();
    stats("pointer over the canvas", &hover);
    stats("dragging (pan)", &drag);
    stats("wheel (zoom)", &zoom);
    stats("idle", &idle);
    let all: Vec<Duration> = [hover, drag, zoom, idle].concat();
    stats("all", &all);
}
