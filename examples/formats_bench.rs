//! Benchmark of the formats: export of the generated 4 MiB / 40 000-annotation project in
//! every format, import of the same size from every importable format, and the `jsonl`
//! export compared in the same run with producing the same file with Python and spaCy.
//!
//! Run (release build, without the window):
//!
//! ```text
//! cargo run --release --no-default-features --example formats_bench
//! cargo run --release --no-default-features --example formats_bench -- --runs 9
//! cargo run --release --no-default-features --example formats_bench -- --only brat
//! ```
//!
//! Targets (from the issue): export ≤ 0.5 s per format, import ≤ 1 s. Timings are the best,
//! median and worst of `--runs` runs (default 5) after one warm-up run, judged on the median;
//! the program exits with an error if a target is missed.
//!
//! - An export is timed from the project in memory to the files on disk (selection, building
//!   the text, the report, writing). Formats that write one layer export `analyst` (36 000
//!   annotations); the others take both layers (40 000).
//! - An import is timed from the exported files on disk to the changed project in memory
//!   (reading and parsing, checking every item, planning, applying the edit), into the
//!   project with its documents and none of its annotations: a colleague's annotations of
//!   the same articles.
//! - The Python comparison (`examples/jsonl_with_spacy.py`) gets the same documents and spans
//!   as JSON and writes the same shape of file; its time excludes starting Python, importing
//!   spaCy and reading its input. Without Python and spaCy the row says so.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use marginalia::formats::{self, ExportOptions, Format, ImportOptions, LayerChoice, Output};
use marginalia::model::{ByteOffset, Project, TextIndex};

#[path = "common/generated.rs"]
mod generated;
#[path = "common/stats.rs"]
mod stats;
use stats::{best, cpu_model, median, worst};

/// The allocator the `marginalia` binary uses (see `src/main.rs`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TARGET_EXPORT_MS: f64 = 500.0;
const TARGET_IMPORT_MS: f64 = 1000.0;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runs = match args.iter().position(|a| a == "--runs") {
        Some(i) => args
            .get(i + 1)
            .context("--runs needs a number")?
            .parse::<usize>()?,
        None => 5,
    };
    // `--only NAME` measures one format (export and import), for a profiler.
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .cloned();
    let wanted = |f: Format| only.as_deref().is_none_or(|o| o == f.name());
    let project = generated::generate()?;
    let dir = tempfile::tempdir()?;
    let chars: usize = project.documents.iter().map(|d| d.text.len()).sum();
    println!(
        "project: {} documents, {:.1} MiB of text, {} annotations, {} relations; {runs} runs after a warm-up",
        project.documents.len(),
        chars as f64 / (1024.0 * 1024.0),
        project.annotations.len(),
        project.relations.len(),
    );
    println!("machine: {}", cpu_model());
    // A fixed piece of work timed before and after, to show how fast the (shared, virtual)
    // host ran meanwhile: its speed varies by up to 2× on the machine of BENCHMARKS.md.
    let all_text: String = project.documents.iter().map(|d| d.text.as_str()).collect();
    let reference = || {
        measure(runs, || {
            Ok(marginalia::model::sha256_hex(&all_text)).map(|_| ())
        })
    };
    let before = reference()?;
    println!();
    println!(
        "{:<14} {:>9} {:>9} {:>9} {:>10} {:>11}  target ≤ 500 ms",
        "export", "best ms", "median", "worst", "size KiB", "not carried"
    );
    let mut missed = Vec::new();
    for format in Format::ALL.into_iter().filter(|&f| wanted(f)) {
        let out = dir.path().join(match format.output() {
            Output::Folder => format.name().to_owned(),
            Output::File => format!("out.{}", format.extension().unwrap_or("txt")),
        });
        let options = export_options(format);
        let mut report = None;
        let times = measure(runs, || {
            let mut export = formats::export(&project, format, &options, &mut |_, _| {})?;
            formats::write(&out, &mut export, &formats::Protected::default())?;
            report = Some(export.report);
            Ok(())
        })?;
        let report = report.context("no run")?;
        let size: u64 = report
            .files
            .iter()
            .filter_map(|f| std::fs::metadata(f).ok())
            .map(|m| m.len())
            .sum();
        let ok = median(&times) <= TARGET_EXPORT_MS;
        if !ok {
            missed.push(format!("export {format}"));
        }
        println!(
            "{:<14} {:>9.1} {:>9.1} {:>9.1} {:>10} {:>11}  {}",
            format.name(),
            best(&times),
            median(&times),
            worst(&times),
            size / 1024,
            report.not_carried.len(),
            verdict(ok)
        );
    }

    println!();
    println!(
        "{:<14} {:>9} {:>9} {:>9} {:>12}  target ≤ 1000 ms",
        "import", "best ms", "median", "worst", "annotations"
    );
    let mut base = project.clone();
    base.annotations.clear();
    base.relations.clear();
    base.entities.clear();
    base.annotators.clear();
    for format in Format::IMPORTABLE.into_iter().filter(|&f| wanted(f)) {
        let out = dir.path().join(format!("import-{}", format.name()));
        let out = match format.output() {
            Output::Folder => out,
            Output::File => out.with_extension(format.extension().unwrap_or("txt")),
        };
        let mut export =
            formats::export(&project, format, &export_options(format), &mut |_, _| {})?;
        formats::write(&out, &mut export, &formats::Protected::default())?;
        let options = ImportOptions {
            annotator: None,
            fallback_annotator: "colleague".into(),
            skip_invalid: false,
            now: jiff::Timestamp::now(),
        };
        let mut added = 0;
        let times = measure(runs, || {
            let mut target = base.clone();
            let started = Instant::now();
            let incoming = formats::read(format, std::slice::from_ref(&out))?;
            let plan = formats::plan_import(&target, incoming, &options)?;
            added = plan.report.annotations;
            plan.edit.apply(&mut target)?;
            Ok(started.elapsed())
        })?;
        let ok = median(&times) <= TARGET_IMPORT_MS;
        if !ok {
            missed.push(format!("import {format}"));
        }
        println!(
            "{:<14} {:>9.1} {:>9.1} {:>9.1} {:>12}  {}",
            format.name(),
            best(&times),
            median(&times),
            worst(&times),
            added,
            verdict(ok)
        );
    }

    println!();
    if only.is_none() {
        compare_with_spacy(&project, dir.path(), runs)?;
    }
    let after = reference()?;
    println!();
    println!(
        "host speed: SHA-256 of all the text took {:.1} ms (median) before and {:.1} ms after; \
         best {:.1}, worst {:.1}",
        median(&before),
        median(&after),
        best(&before).min(best(&after)),
        worst(&before).max(worst(&after)),
    );
    ensure!(missed.is_empty(), "targets missed: {}", missed.join(", "));
    Ok(())
}

fn export_options(format: Format) -> ExportOptions {
    ExportOptions {
        layer: if format.records_annotator() {
            LayerChoice::Auto
        } else {
            LayerChoice::One("analyst".into())
        },
        documents: None,
    }
}

/// The `jsonl` export against Python + spaCy producing the same file from the same data.
fn compare_with_spacy(project: &Project, dir: &Path, runs: usize) -> anyhow::Result<()> {
    let options = export_options(Format::Jsonl);
    let out = dir.join("ours.jsonl");
    let ours = measure(runs, || {
        let mut export = formats::export(project, Format::Jsonl, &options, &mut |_, _| {})?;
        formats::write(&out, &mut export, &formats::Protected::default())?;
        Ok(())
    })?;
    // The same documents and spans, as a Python user would have them.
    let docs: Vec<serde_json::Value> = project
        .documents
        .iter()
        .map(|d| {
            let index = TextIndex::new(&d.text);
            let spans: Vec<serde_json::Value> = project
                .annotations
                .values()
                .filter(|a| a.doc == d.id && a.annotator == "analyst")
                .flat_map(|a| {
                    let index = &index;
                    a.fragments.iter().map(move |f| {
                        let (start, end) = offsets(index, f.start.0, f.end.0);
                        serde_json::json!({"id": a.id.as_str(), "start": start, "end": end,
                            "label": a.tag.as_str(), "annotator": a.annotator})
                    })
                })
                .collect();
            serde_json::json!({"text": d.text, "meta": {"id": d.id.as_str(), "title": d.meta.title}, "spans": spans})
        })
        .collect();
    let data = dir.join("data.json");
    std::fs::write(&data, serde_json::to_string(&docs)?)?;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/jsonl_with_spacy.py");
    let python = std::process::Command::new("python3")
        .arg(&script)
        .arg(&data)
        .arg(dir.join("python.jsonl"))
        .arg(runs.to_string())
        .output();
    println!(
        "{:<22} {:>9} {:>9} {:>9}",
        "jsonl, same data", "best ms", "median", "worst"
    );
    let row = |name: &str, t: &[f64]| {
        println!(
            "{name:<22} {:>9.1} {:>9.1} {:>9.1}",
            best(t),
            median(t),
            worst(t)
        )
    };
    row("marginalia (Rust)", &ours);
    match python {
        Ok(out) if out.status.success() => {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout)?;
            let theirs: Vec<f64> = v["seconds"]
                .as_array()
                .context("python output")?
                .iter()
                .filter_map(serde_json::Value::as_f64)
                .map(|s| s * 1e3)
                .collect();
            row("Python + spaCy", &theirs);
            println!(
                "Python + spaCy takes {:.1}× as long (medians)",
                median(&theirs) / median(&ours)
            );
        }
        Ok(out) => println!(
            "Python + spaCy: not measured ({})",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("failed")
        ),
        Err(e) => println!("Python + spaCy: not measured (python3: {e})"),
    }
    Ok(())
}

/// A byte range as code points, as Python counts.
fn offsets(index: &TextIndex, start: usize, end: usize) -> (usize, usize) {
    let chars = |b| index.byte_to_char(ByteOffset(b)).map_or(0, |c| c.0);
    (chars(start), chars(end))
}

/// Runs `f` once to warm up, then `runs` times; the times in milliseconds. `f` may return the
/// time it wants counted (`Duration`) or `()` to count the whole call.
fn measure<T: Timed>(
    runs: usize,
    mut f: impl FnMut() -> anyhow::Result<T>,
) -> anyhow::Result<Vec<f64>> {
    f()?;
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        let counted = f()?.counted(started.elapsed());
        times.push(counted.as_secs_f64() * 1e3);
    }
    Ok(times)
}

/// What a measured closure returns.
trait Timed {
    fn counted(self, whole: Duration) -> Duration;
}

impl Timed for () {
    fn counted(self, whole: Duration) -> Duration {
        whole
    }
}

impl Timed for Duration {
    fn counted(self, _whole: Duration) -> Duration {
        self
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok { "ok" } else { "MISSED" }
}
