//! Frame benchmark: drives the real window (`MarginaliaApp::ui`, article view included)
//! headlessly on a generated article while scrolling it from top to bottom, and times each
//! frame: building the UI, laying text out, and tessellating.
//!
//! ```text
//! cargo run --release --example frame_bench -- --chars 1000000 --annotations 10000
//! cargo run --release --example frame_bench -- --chars 1000000 --annotations 10000 --coded
//! ```
//!
//! The last line is `median_ms=<x> p95_ms=<y>` for the scrolling frames. Before it, the same
//! for a 10 KB article, the cost of tagging a span, of a change of window width, and of the
//! first frame of the bundled sample. Times are wall-clock on the one thread egui runs on.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark that cannot set up should stop

use std::time::{Duration, Instant};

use egui::{Event, Key, Modifiers, Pos2, RawInput, Rect, Vec2};
use marginalia::model::{
    Annotation, AnnotationId, ByteOffset, Document, Fragment, Project, ReviewStatus, TagId,
};
use marginalia::ui::{MarginaliaApp, Prefs, TextSel};

const SCREEN: Vec2 = Vec2::new(1280.0, 800.0);

struct Args {
    chars: usize,
    annotations: usize,
    step: f32,
    /// Every claim coded with a stance, so each draws its badge.
    coded: bool,
}

fn args() -> Args {
    let mut a = Args {
        chars: 1_000_000,
        annotations: 10_000,
        step: 200.0,
        coded: false,
    };
    let mut list: Vec<String> = std::env::args().skip(1).collect();
    if let Some(at) = list.iter().position(|s| s == "--coded") {
        list.remove(at);
        a.coded = true;
    }
    for pair in list.chunks(2) {
        let value = pair.get(1).map(String::as_str).unwrap_or_default();
        match pair.first().map(String::as_str) {
            Some("--chars") => a.chars = value.parse().expect("--chars N"),
            Some("--annotations") => a.annotations = value.parse().expect("--annotations M"),
            Some("--step") => a.step = value.parse().expect("--step PIXELS"),
            other => {
                panic!(
                    "unknown argument {other:?}; use --chars N --annotations M [--step PX] [--coded]"
                )
            }
        }
    }
    a
}

/// A small deterministic generator, so every run measures the same text.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
}

/// News-like text of about `bytes` bytes: paragraphs of 40–140 words, a few of them
/// non-Latin (accents, CJK, a flag), so layout meets every kind of glyph.
fn article(bytes: usize, rng: &mut Lcg) -> String {
    const WORDS: [&str; 24] = [
        "Macron",
        "said",
        "the",
        "talks",
        "could",
        "start",
        "if",
        "Beijing",
        "agreed",
        "to",
        "press",
        "Moscow",
        "toward",
        "a",
        "ceasefire",
        "in",
        "Ukraine",
        "président",
        "négociations",
        "中国",
        "和平",
        "🇫🇷",
        "officials",
        "Zelenskiy",
    ];
    let mut text = String::with_capacity(bytes + 200);
    while text.len() < bytes {
        let n = 40 + rng.next() % 100;
        for i in 0..n {
            if i > 0 {
                text.push(' ');
            }
            text.push_str(WORDS[rng.next() % WORDS.len()]);
        }
        text.push_str(".\n\n");
    }
    text
}

/// A project with one article and `count` annotations on whole words, some nested.
fn project(bytes: usize, count: usize, coded: bool) -> Project {
    let mut rng = Lcg(7);
    let text = article(bytes, &mut rng);
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices(' ').map(|(i, _)| i + 1))
        .collect();
    let mut project = Project::new("bench");
    project
        .documents
        .push(Document::new("d", "Benchmark article", text));
    let text = &project.documents[0].text;
    let tags = ["actor", "claim", "condition"];
    let now = jiff::Timestamp::UNIX_EPOCH;
    for i in 0..count {
        let w = (i * starts.len()) / count.max(1) + rng.next() % 3;
        let Some(&start) = starts.get(w) else {
            continue;
        };
        let words = 1 + rng.next() % 6;
        let end_word = starts.get(w + words).copied().unwrap_or(text.len());
        let end = text[..end_word].trim_end().len();
        if end <= start {
            continue;
        }
        let fragments = vec![Fragment::new(ByteOffset(start)..ByteOffset(end))];
        let quote = text[start..end].to_owned();
        let id = AnnotationId(format!("a{i}"));
        let tag = TagId::from(tags[rng.next() % 3]);
        let mut values = marginalia::model::Values::new();
        if coded && tag.as_str() == "claim" {
            let stance = ["supports", "opposes", "neutral"][i % 3];
            values.insert(
                "stance".into(),
                marginalia::model::Value::Choice(vec![stance.to_owned()]),
            );
        }
        project.annotations.insert(
            id.clone(),
            Annotation {
                values,
                id,
                doc: "d".into(),
                tag,
                fragments,
                quote,
                annotator: "bench".into(),
                entity: None,
                note: String::new(),
                status: ReviewStatus::Pending,
                created: now,
                modified: now,
                changed_by: None,
            },
        );
    }
    project.annotators.insert("bench".into());
    project
}

struct Bench {
    ctx: egui::Context,
    app: MarginaliaApp,
    size: Vec2,
    time: f64,
    /// Frames in a row the view has not moved (`None`: scrolling not started).
    still: Option<usize>,
    last_visible: Option<std::ops::Range<usize>>,
}

impl Bench {
    fn new(project: Project) -> Self {
        let ctx = egui::Context::default();
        marginalia::ui::install_fonts(&ctx);
        ctx.all_styles_mut(|s| s.scroll_animation = egui::style::ScrollAnimation::none());
        let prefs = Prefs {
            annotator: "bench".into(),
            ..Prefs::default()
        };
        let app = MarginaliaApp::new(project, None).with_prefs(prefs);
        Bench {
            ctx,
            app,
            size: SCREEN,
            time: 0.0,
            still: None,
            last_visible: None,
        }
    }

    /// One frame with `events`; returns its time (UI, layout and tessellation).
    fn frame(&mut self, events: Vec<Event>) -> Duration {
        self.time += 1.0 / 60.0;
        let input = RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, self.size)),
            time: Some(self.time),
            events,
            ..RawInput::default()
        };
        let start = Instant::now();
        let app = &mut self.app;
        let output = self.ctx.run_ui(input, |ui| app.ui(ui));
        let primitives = self.ctx.tessellate(output.shapes, output.pixels_per_point);
        let took = start.elapsed();
        std::hint::black_box(primitives);
        took
    }

    /// Scrolls the article by `step` points per frame until it stops moving; the times.
    fn scroll_through(&mut self, step: f32) -> Vec<Duration> {
        let mut times = Vec::new();
        while self.scroll_some(step, 1000, &mut times) {}
        times
    }

    /// Scrolls up to `frames` frames further, adding their times; `false` once the end of
    /// the article is reached (the view stopped moving).
    fn scroll_some(&mut self, step: f32, frames: usize, times: &mut Vec<Duration>) -> bool {
        if self.still.is_none() {
            let over_article = Pos2::new(SCREEN.x / 2.0, SCREEN.y / 2.0);
            self.frame(vec![Event::PointerMoved(over_article)]);
            self.still = Some(0);
        }
        for _ in 0..frames {
            let wheel = Event::MouseWheel {
                unit: egui::MouseWheelUnit::Point,
                delta: Vec2::new(0.0, -step),
                phase: egui::TouchPhase::Move,
                source: egui::MouseWheelSource::Wheel,
                modifiers: Modifiers::NONE,
            };
            times.push(self.frame(vec![wheel]));
            let visible = self.app.article_view().visible_blocks();
            let still = if Some(&visible) == self.last_visible.as_ref() {
                self.still.unwrap_or(0) + 1
            } else {
                0
            };
            self.still = Some(still);
            self.last_visible = Some(visible);
            if still >= 3 {
                return false;
            }
        }
        true
    }
}

fn stats(times: &[Duration]) -> (f64, f64) {
    let mut ms: Vec<f64> = times.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.95))
}

fn main() {
    let a = args();

    let start = Instant::now();
    let sample = marginalia::sample::sample_project().expect("the bundled sample loads");
    let mut first = Bench::new(sample);
    first.frame(Vec::new());
    let first_frame = start.elapsed();

    let small = 10_000;
    let small_annotations = (a.annotations * small / a.chars.max(1)).max(10);
    // The host's speed drifts, so the two articles are measured interleaved: a fresh 10 KB
    // run (it scrolls through in a few frames), then the next stretch of the 1 MB one, until
    // the long one reaches its end. Both medians then come from the same stretches of time.
    let mut bench = Bench::new(project(a.chars, a.annotations, a.coded));
    bench.frame(Vec::new());
    bench.frame(Vec::new());
    let mut pooled = Vec::new();
    let mut times = Vec::new();
    loop {
        let mut short = Bench::new(project(small, small_annotations, a.coded));
        short.frame(Vec::new());
        short.frame(Vec::new());
        pooled.extend(short.scroll_through(a.step));
        if !bench.scroll_some(a.step, 36, &mut times) {
            break;
        }
    }
    let (s_median, s_p95) = stats(&pooled);
    let s_frames = pooled.len();
    let (median, p95) = stats(&times);
    let frames = times.len();

    // Tagging: select a few words in view and press the first tag's key.
    let text_len = bench.app.project().documents[0].text.len();
    let at = text_len.saturating_sub(400);
    let text = bench.app.project().documents[0].text.clone();
    let start_word = text[at..].find(' ').map_or(at, |i| at + i + 1);
    let end_word = text[start_word..]
        .find(' ')
        .map_or(text_len, |i| start_word + i);
    bench.app.set_text_selection(TextSel {
        anchor: ByteOffset(start_word),
        head: ByteOffset(end_word),
    });
    let before = bench.app.project().annotations.len();
    let press = |pressed| Event::Key {
        key: Key::Num1,
        physical_key: None,
        pressed,
        repeat: false,
        modifiers: Modifiers::NONE,
    };
    let tag = bench.frame(vec![press(true), press(false)]);
    let redraw = bench.frame(Vec::new());
    assert_eq!(
        bench.app.project().annotations.len(),
        before + 1,
        "the key tagged"
    );

    // The same again in two halves: the edit alone, then the frame that shows it.
    let at2 = text_len.saturating_sub(800);
    let s2 = text[at2..].find(' ').map_or(at2, |i| at2 + i + 1);
    let e2 = text[s2..].find(' ').map_or(text_len, |i| s2 + i);
    bench.app.set_text_selection(TextSel {
        anchor: ByteOffset(s2),
        head: ByteOffset(e2),
    });
    let start = Instant::now();
    bench.app.run(marginalia::ui::Command::Tag(0), &bench.ctx);
    let edit_only = start.elapsed();
    let shown = bench.frame(Vec::new());
    let halves = (edit_only, shown);

    // Undo and redo of that tag, each the frame with the key press (Ctrl+Z, Ctrl+Y), then a
    // schema change (a tag's colour, through the editor's draft) and the frame showing it.
    let key = |key, pressed| Event::Key {
        key,
        physical_key: None,
        pressed,
        repeat: false,
        modifiers: Modifiers::COMMAND,
    };
    let count = bench.app.project().annotations.len();
    let undo = bench.frame(vec![key(Key::Z, true), key(Key::Z, false)]);
    assert_eq!(
        bench.app.project().annotations.len(),
        count - 1,
        "Ctrl+Z undid the tag"
    );
    let after_undo = bench.frame(Vec::new());
    let redo = bench.frame(vec![key(Key::Y, true), key(Key::Y, false)]);
    assert_eq!(
        bench.app.project().annotations.len(),
        count,
        "Ctrl+Y redid it"
    );
    let after_redo = bench.frame(Vec::new());
    let mut draft = marginalia::ui::SchemaDraft::of(&bench.app.project().schema);
    draft.tags[0].color = [12, 130, 200];
    let start = Instant::now();
    assert!(
        bench.app.apply_schema_draft(&draft),
        "the schema change applied"
    );
    let schema_edit = start.elapsed();
    let schema_frame = bench.frame(Vec::new());

    // What a change of the project costs the view: its annotation layers rebuilt.
    let start = Instant::now();
    let doc = &bench.app.project().documents[0];
    let layers = marginalia::ui::Layers::of(bench.app.project(), &doc.id, None);
    let rebuild = start.elapsed();
    std::hint::black_box(layers);

    // A change of window width: the whole article re-wraps.
    bench.size = Vec2::new(SCREEN.x - 180.0, SCREEN.y);
    let resize = bench.frame(Vec::new());

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "machine: {} cores; screen {}x{}; scroll step {} pt per frame",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        SCREEN.x,
        SCREEN.y,
        a.step
    );
    println!(
        "first frame of the sample (load + fonts + layout): {:.1} ms",
        ms(first_frame)
    );
    println!(
        "10 KB article, {small_annotations} annotations: {s_frames} frames (fresh runs between stretches of the long one), median {s_median:.2} ms, p95 {s_p95:.2} ms"
    );
    println!(
        "{} bytes, {} annotations: {frames} frames, median {median:.2} ms, p95 {p95:.2} ms",
        a.chars, a.annotations
    );
    println!(
        "ratio to 10 KB: median {:.2}x, p95 {:.2}x",
        median / s_median,
        p95 / s_p95
    );
    println!(
        "tagging a span: {:.2} ms (next frame {:.2} ms)",
        ms(tag),
        ms(redraw)
    );
    println!("change of window width: {:.2} ms", ms(resize));
    println!(
        "annotation layers rebuilt from scratch (after undo, a schema change): {:.2} ms",
        ms(rebuild)
    );
    println!(
        "tagging in two halves: the edit {:.2} ms, the frame showing it {:.2} ms",
        ms(halves.0),
        ms(halves.1)
    );
    println!(
        "undo of the tag (Ctrl+Z): {:.2} ms (next frame {:.2} ms); redo (Ctrl+Y): {:.2} ms (next frame {:.2} ms)",
        ms(undo),
        ms(after_undo),
        ms(redo),
        ms(after_redo)
    );
    println!(
        "schema change (a tag's colour): the edit {:.2} ms, the frame showing it {:.2} ms",
        ms(schema_edit),
        ms(schema_frame)
    );
    println!("median_ms={median:.3} p95_ms={p95:.3}");
}
