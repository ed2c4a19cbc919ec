//! Benchmark of the compare view's core: grouping two coders' layers into differences, per
//! document (what the window does after every change) and for the whole project, and
//! accepting everything the coders agree on in one step.
//!
//! Run (release build, without the window):
//!
//! ```text
//! cargo run --release --no-default-features --example compare_bench
//! ```
//!
//! The project is the generated one of 200 articles (about 4 MiB) with the layers `analyst`
//! and `colleague` of 40 000 annotations each (about 200 per layer per article). Target: one
//! document compared in a few milliseconds at most, since the window compares the document
//! shown after every change. Timings are wall-clock, best and median of `--runs` runs.

use std::time::Instant;

use anyhow::Context;
use marginalia::review::{Ruling, accept_agreed, compare, compare_all, compare_among};

#[path = "common/generated.rs"]
mod generated;
#[path = "common/stats.rs"]
mod stats;
use stats::median;

/// The binary's allocator, so the timings are what the window and the command line see.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn ms(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1e3
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runs: usize = match args.iter().position(|a| a == "--runs") {
        Some(i) => args.get(i + 1).context("--runs N")?.parse()?,
        None => 5,
    };
    let project = generated::two_layers()?;
    let who = vec!["analyst".to_owned(), "colleague".to_owned()];
    let docs: Vec<_> = project.documents.iter().map(|d| d.id.clone()).collect();
    println!(
        "{} documents, {} annotations, {} relations",
        docs.len(),
        project.annotations.len(),
        project.relations.len()
    );

    // One document at a time, as the window does: every document once per run.
    let mut per_doc = Vec::new();
    let mut differences = 0;
    for _ in 0..runs {
        for d in &docs {
            let t = Instant::now();
            let c = compare(&project, d, &who);
            per_doc.push(ms(t));
            differences += c.differences.len();
        }
    }
    // The grouping alone, from each document's annotations gathered beforehand.
    let mut of_doc: std::collections::HashMap<_, Vec<_>> = std::collections::HashMap::new();
    for a in project.annotations.values() {
        of_doc.entry(a.doc.clone()).or_insert_with(Vec::new).push(a);
    }
    let mut grouping = Vec::new();
    for _ in 0..runs {
        for d in &docs {
            let mine = of_doc.get(d).map_or(&[][..], Vec::as_slice);
            let t = Instant::now();
            let c = compare_among(&project, d, &who, mine.iter().copied());
            grouping.push(ms(t));
            std::hint::black_box(c);
        }
    }
    println!(
        "group one document's 2 x ~200 annotations (compare_among): median {:.3} ms, max {:.3} ms",
        median(&grouping),
        grouping.iter().copied().fold(0.0, f64::max)
    );
    per_doc.sort_by(f64::total_cmp);
    let p95 = per_doc
        .get(per_doc.len() * 95 / 100)
        .copied()
        .unwrap_or(f64::NAN);
    println!(
        "compare one document (walking all 80 000 annotations): median {:.3} ms, p95 {:.3} ms, max {:.3} ms ({} differences per run)",
        median(&per_doc),
        p95,
        per_doc.last().copied().unwrap_or(f64::NAN),
        differences / runs.max(1)
    );

    let mut all = Vec::new();
    let mut agreed = Vec::new();
    let mut applied = Vec::new();
    let mut settled = (0, 0, 0);
    for _ in 0..runs {
        let t = Instant::now();
        let comparisons = compare_all(&project, &who);
        all.push(ms(t));
        let ruling = Ruling {
            reviewer: "bench".into(),
            reason: None,
            comment: String::new(),
            now: jiff::Timestamp::UNIX_EPOCH,
        };
        let t = Instant::now();
        let edit = accept_agreed(&project, &comparisons, &ruling)?;
        agreed.push(ms(t));
        let mut copy = project.clone();
        let t = Instant::now();
        edit.apply(&mut copy)?;
        applied.push(ms(t));
        settled = (
            copy.decisions.len(),
            copy.annotations.len() - project.annotations.len(),
            copy.relations.len() - project.relations.len(),
        );
    }
    println!("compare every document: median {:.1} ms", median(&all));
    println!(
        "accept all agreed in every document: build {:.1} ms, apply {:.1} ms (medians); \
         {} decisions, {} reviewed copies, {} relations",
        median(&agreed),
        median(&applied),
        settled.0,
        settled.1,
        settled.2
    );
    Ok(())
}
