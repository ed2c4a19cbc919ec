//! Save benchmark of the window at corpus scale: how long the project takes to open to the
//! first frame, and the longest frame while it is saved and autosaved, with the writing on
//! the UI thread (as before) and on another thread (as now), with an edit made meanwhile.
//!
//! ```text
//! cargo build --release --examples
//! target/release/examples/corpus_bench --dir /tmp/corpus --skip-exports   # makes corpus.ron
//! target/release/examples/save_bench /tmp/corpus/corpus.ron
//! ```
//!
//! The project is copied into a temporary folder first; the original is not written. Frames
//! are driven at 60 a second (the benchmark sleeps for the rest of each 16.7 ms) and timed
//! from input to tessellated output on the one thread egui runs on.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark that cannot set up should stop

use std::path::Path;
use std::time::{Duration, Instant};

use egui::{Event, Key, Modifiers, Pos2, RawInput, Rect, Vec2};
use marginalia::model::ByteOffset;
use marginalia::ui::{Command, MarginaliaApp, Prefs, TextSel};

// The binary's allocator, so the copies and frames cost what they cost in the window.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SCREEN: Vec2 = Vec2::new(1280.0, 800.0);
const FRAME: Duration = Duration::from_micros(16_667);

struct Window {
    ctx: egui::Context,
    app: MarginaliaApp,
    time: f64,
}

impl Window {
    fn frame(&mut self, events: Vec<Event>) -> Duration {
        self.time += FRAME.as_secs_f64();
        let input = RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, SCREEN)),
            time: Some(self.time),
            events,
            ..RawInput::default()
        };
        let start = Instant::now();
        let app = &mut self.app;
        let output = self.ctx.run_ui(input, |ui| app.ui(ui));
        std::hint::black_box(self.ctx.tessellate(output.shapes, output.pixels_per_point));
        start.elapsed()
    }

    /// Frames at 60 a second until no save is being written (at least `min` frames); the
    /// longest frame and how long the save took.
    fn frames_while_saving(
        &mut self,
        first: Vec<Event>,
        edit_at: Option<usize>,
    ) -> (Duration, Duration) {
        let start = Instant::now();
        let mut longest = self.frame(first);
        let mut n = 0;
        while self.app.is_saving() || n < 3 {
            let began = Instant::now();
            if edit_at == Some(n) {
                // Work done while the file is written: a word tagged.
                let text = &self.app.project().documents[self.app.current_document()].text;
                let from = text.find(' ').map_or(0, |i| i + 1);
                let to = text[from..].find(' ').map_or(text.len(), |i| from + i);
                self.app.set_text_selection(TextSel {
                    anchor: ByteOffset(from),
                    head: ByteOffset(to),
                });
                self.app.run(Command::Tag(0), &self.ctx);
            }
            let saving = self.app.is_saving();
            let took = began.elapsed() + self.frame(Vec::new());
            if std::env::var_os("SAVE_BENCH_VERBOSE").is_some() && took > FRAME {
                println!("  frame {n}: {} ms (saving before it: {saving})", ms(took));
            }
            longest = longest.max(took);
            std::thread::sleep(FRAME.saturating_sub(began.elapsed()));
            n += 1;
        }
        (longest, start.elapsed())
    }
}

fn ctrl_s() -> Vec<Event> {
    let key = |pressed| Event::Key {
        key: Key::S,
        physical_key: None,
        pressed,
        repeat: false,
        modifiers: Modifiers::COMMAND,
    };
    vec![key(true), key(false)]
}

fn open(path: &Path, background: bool) -> (Window, Duration, Duration) {
    let start = Instant::now();
    let project = marginalia::store::load(path).expect("the project loads");
    let loaded = start.elapsed();
    let ctx = egui::Context::default();
    marginalia::ui::install_fonts(&ctx);
    let prefs = Prefs {
        annotator: "bench".into(),
        ..Prefs::default()
    };
    let mut app = MarginaliaApp::new(project, Some(path.to_owned())).with_prefs(prefs);
    app.start(Some(path));
    if !background {
        app.save_in_background_from(Some(usize::MAX));
    }
    let mut window = Window {
        ctx,
        app,
        time: 0.0,
    };
    window.frame(Vec::new());
    let first_frame = start.elapsed();
    (window, loaded, first_frame)
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn main() {
    let source = std::env::args()
        .nth(1)
        .expect("usage: save_bench PROJECT.ron");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corpus.ron");
    std::fs::copy(&source, &path).expect("the project can be copied");
    let size = std::fs::metadata(&path).unwrap().len();
    println!("project {source}: {:.1} MB", size as f64 / 1e6);

    for background in [false, true] {
        let (mut w, loaded, first_frame) = open(&path, background);
        let how = if background {
            "another thread"
        } else {
            "the UI thread"
        };
        println!(
            "open: load {} ms, first frame {} ms after the start",
            ms(loaded),
            ms(first_frame)
        );
        let idle = (0..30)
            .map(|_| w.frame(Vec::new()))
            .max()
            .unwrap_or_default();
        println!("idle: longest of 30 frames {} ms", ms(idle));
        let (tagging, _) = w.frames_while_saving(Vec::new(), Some(0));
        println!("a span tagged, no save: longest frame {} ms", ms(tagging));
        let began = Instant::now();
        w.app.run(Command::Undo, &w.ctx);
        let undo = began.elapsed() + w.frame(Vec::new());
        println!("the tag undone: {} ms to the frame that shows it", ms(undo));
        w.app.run(Command::Redo, &w.ctx);
        w.frame(Vec::new());
        let (longest, took) = w.frames_while_saving(ctrl_s(), None);
        assert!(!w.app.is_dirty(), "saved");
        println!(
            "save on {how}: longest frame {} ms, saved after {} ms",
            ms(longest),
            ms(took)
        );
        let (longest, took) = w.frames_while_saving(ctrl_s(), Some(1));
        println!(
            "save on {how}, a span tagged meanwhile: longest frame {} ms, saved after {} ms",
            ms(longest),
            ms(took)
        );
        let began = Instant::now();
        w.app.autosave();
        let call = began.elapsed();
        let (longest, took) = w.frames_while_saving(Vec::new(), None);
        println!(
            "autosave on {how}: the call {} ms, longest frame after it {} ms, written after {} ms",
            ms(call),
            ms(longest),
            ms(took + call)
        );
        // Saved, so the next start offers no recovery.
        w.frames_while_saving(ctrl_s(), None);
        drop(w);
        let _ = std::fs::remove_file(marginalia::session::recovery_path(&path));
    }
    let reread = marginalia::store::load(&path).expect("what was saved loads");
    println!(
        "saved file loads: {} documents, {} annotations",
        reread.documents.len(),
        reread.annotations.len()
    );
}
