//! Benchmark of `marginalia agree` on the generated project with two coders' layers of 40 000
//! annotations each over 200 articles (about 4 MiB of text): the library path the command
//! takes, end to end, from the project file on disk to the report's text.
//!
//! Run (release build, without the window):
//!
//! ```text
//! cargo run --release --no-default-features --example agree_bench
//! cargo run --release --no-default-features --example agree_bench -- --runs 9
//! cargo run --release --no-default-features --example agree_bench -- --runs 9 --json
//! ```
//!
//! Target (from the issue): ≤ 1 s end to end. The project is generated
//! (`generated::two_layers()`), written to a temporary file once, then each run loads it
//! (`store::load`: parse and validate), builds the token units, computes the report with its
//! 1 000 bootstrap resamples and renders it as the command prints it (text, or JSON with
//! `--json`). The figures are the best, median and worst of `--runs` runs (default 5) after
//! one warm-up run, judged on the median, with the median of each phase beside them. The
//! program exits with an error when the target is missed.

use std::time::Instant;

use anyhow::{Context, ensure};
use marginalia::{review, store};

#[path = "common/generated.rs"]
mod generated;

/// The allocator the `marginalia` binary uses (see `src/main.rs`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TARGET_MS: f64 = 1000.0;

/// Milliseconds spent in each phase of one run: wall-clock time, and CPU time of all the
/// process's threads (which other programs on a shared machine do not inflate as much).
#[derive(Clone, Copy, Default)]
struct Phases {
    load: f64,
    units: f64,
    report: f64,
    render: f64,
    cpu_load: f64,
    cpu_units: f64,
    cpu_report: f64,
}

impl Phases {
    fn total(&self) -> f64 {
        self.load + self.units + self.report + self.render
    }
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runs = match args.iter().position(|a| a == "--runs") {
        Some(i) => args
            .get(i + 1)
            .context("--runs needs a number")?
            .parse::<usize>()
            .context("--runs needs a number")?,
        None => 5,
    };
    let json = args.iter().any(|a| a == "--json");

    let project = generated::two_layers()?;
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("two-layers.ron");
    store::save(&project, &path)?;
    let size = std::fs::metadata(&path)?.len();
    let text: usize = project.documents.iter().map(|d| d.text.len()).sum();
    println!(
        "project: {} documents, {:.1} MiB of text, {} annotations, {} relations, layers {}; \
         file {:.1} MiB; {runs} runs after a warm-up; threads: {}",
        project.documents.len(),
        text as f64 / (1024.0 * 1024.0),
        project.annotations.len(),
        project.relations.len(),
        project.layers().join(", "),
        size as f64 / (1024.0 * 1024.0),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
    );
    // The window's agreement panel computes on a worker thread over a copy of the project;
    // the copy is made on the UI thread, once per change while the panel is open.
    let mut clones = Vec::with_capacity(runs.max(1));
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        let copy = project.clone();
        clones.push(ms(started));
        drop(copy);
    }
    let clone_ms = median(clones);
    drop(project);

    let mut output = 0;
    let mut one_run = || -> anyhow::Result<Phases> {
        let mut phases = Phases::default();
        let (started, cpu) = (Instant::now(), cpu_ms());
        let project = store::load(&path)?;
        let names = review::choose_annotators(&project, &[])?;
        (phases.load, phases.cpu_load) = (ms(started), cpu_ms() - cpu);
        let (started, cpu) = (Instant::now(), cpu_ms());
        let units = review::Units::of(&project, &names);
        (phases.units, phases.cpu_units) = (ms(started), cpu_ms() - cpu);
        let (started, cpu) = (Instant::now(), cpu_ms());
        let report = review::agreement(&project, &units);
        (phases.report, phases.cpu_report) = (ms(started), cpu_ms() - cpu);
        let started = Instant::now();
        output = if json {
            serde_json::to_string_pretty(&report)?.len()
        } else {
            report.to_text().len()
        };
        phases.render = ms(started);
        Ok(phases)
    };
    one_run()?;
    let mut all = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        all.push(one_run()?);
    }
    let phase = |f: fn(&Phases) -> f64| median(all.iter().map(f).collect());
    let totals: Vec<f64> = all.iter().map(Phases::total).collect();
    let mut sorted = totals.clone();
    sorted.sort_by(f64::total_cmp);
    let (best, worst) = (
        sorted.first().copied().unwrap_or(f64::NAN),
        sorted.last().copied().unwrap_or(f64::NAN),
    );
    let median_total = median(totals);
    println!(
        "\n{:<26} {:>9} {:>9} {:>9}  target ≤ {TARGET_MS:.0} ms",
        "agree (end to end)", "best ms", "median", "worst"
    );
    let ok = median_total <= TARGET_MS;
    println!(
        "{:<26} {best:>9.1} {median_total:>9.1} {worst:>9.1}  {}",
        if json {
            "load → JSON report"
        } else {
            "load → text report"
        },
        if ok { "ok" } else { "MISSED" }
    );
    println!("\nmedian per phase       wall ms   CPU ms (all threads)");
    println!(
        "  load and validate  {:>8.1} {:>8.0}",
        phase(|p| p.load),
        phase(|p| p.cpu_load)
    );
    println!(
        "  token units        {:>8.1} {:>8.0}",
        phase(|p| p.units),
        phase(|p| p.cpu_units)
    );
    println!(
        "  report (bootstrap) {:>8.1} {:>8.0}",
        phase(|p| p.report),
        phase(|p| p.cpu_report)
    );
    println!(
        "  render             {:>8.1}          ({output} bytes)",
        phase(|p| p.render)
    );
    println!("\ncopying the project for the window's worker: {clone_ms:.1} ms (median)");
    ensure!(
        ok,
        "agree took {median_total:.0} ms (median), over the {TARGET_MS:.0} ms target"
    );
    Ok(())
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1e3
}

/// CPU time of the whole process so far (user and system, all threads), in milliseconds, from
/// `/proc/self/stat` (clock ticks of 10 ms); NaN where there is no such file.
fn cpu_ms() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return f64::NAN;
    };
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    // utime and stime are fields 14 and 15 of the line; after the name, field 3 is index 0.
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok());
    match (ticks(11), ticks(12)) {
        (Some(user), Some(system)) => (user + system) * 10.0,
        _ => f64::NAN,
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}
