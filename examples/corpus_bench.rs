//! Corpus-scale benchmark of the command line: generates the inputs, runs the release binary
//! on them, and prints wall time and peak memory of each step (issue 17's sizes).
//!
//! 1. 100,000 one-line documents (a doccano JSONL without titles: every id is made from the
//!    same file name, `in`, `in-2` …), imported into a new project.
//! 2. 5,000 articles of about 5 KB with about 38 spans each (a doccano JSONL of about 30 MB),
//!    imported into a new project: the corpus project.
//! 3. On the corpus project: `stats` (a load), `fmt` (a load and a save), and every export.
//!
//! Run: `cargo build --release && cargo run --release --example corpus_bench -- [--bin
//! target/release/marginalia] [--dir DIR] [--articles N] [--lines N] [--skip-exports]`.
//! Peak memory comes from `/usr/bin/time -f %M` when it is there.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut bin = PathBuf::from("target/release/marginalia");
    let mut dir: Option<PathBuf> = None;
    let mut articles = 5000usize;
    let mut lines = 100_000usize;
    let mut exports = true;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--bin" => bin = args.next().map(PathBuf::from).unwrap_or(bin),
            "--dir" => dir = args.next().map(PathBuf::from),
            "--articles" => articles = args.next().and_then(|n| n.parse().ok()).unwrap_or(articles),
            "--lines" => lines = args.next().and_then(|n| n.parse().ok()).unwrap_or(lines),
            "--skip-exports" => exports = false,
            other => anyhow::bail!("unknown argument {other}"),
        }
    }
    let bin = std::fs::canonicalize(&bin)?;
    let temp = tempfile::tempdir()?;
    let dir = dir.unwrap_or_else(|| temp.path().to_owned());
    std::fs::create_dir_all(&dir)?;
    println!("binary {}, working in {}", bin.display(), dir.display());

    // 1. Many one-line documents, all untitled.
    let one_liners = dir.join("in.jsonl");
    write_one_liners(&one_liners, lines)?;
    run(&bin, &dir, &["new", "lines.ron"])?;
    let t = run(
        &bin,
        &dir,
        &[
            "import",
            "lines.ron",
            "-f",
            "doccano",
            "in.jsonl",
            "--annotator",
            "bench",
        ],
    )?;
    println!("import of {lines} one-line documents: {t}");

    // 2. The corpus.
    let corpus = dir.join("corpus.jsonl");
    let (bytes, spans) = write_corpus(&corpus, articles)?;
    println!(
        "corpus: {articles} articles, {:.1} MB of doccano JSONL, {spans} spans",
        bytes as f64 / 1e6
    );
    run(&bin, &dir, &["new", "corpus.ron"])?;
    let t = run(
        &bin,
        &dir,
        &[
            "import",
            "corpus.ron",
            "-f",
            "doccano",
            "corpus.jsonl",
            "--annotator",
            "bench",
        ],
    )?;
    println!("import of the corpus: {t}");
    let size = std::fs::metadata(dir.join("corpus.ron"))?.len();
    println!("corpus project: {:.1} MB", size as f64 / 1e6);

    // 3. Load, save and export it.
    let t = run(&bin, &dir, &["stats", "corpus.ron"])?;
    println!("stats (load): {t}");
    // `fmt` of a canonical file loads and compares; add a blank line so it writes.
    let mut text = std::fs::read_to_string(dir.join("corpus.ron"))?;
    text.push('\n');
    std::fs::write(dir.join("corpus.ron"), text)?;
    let t = run(&bin, &dir, &["fmt", "corpus.ron"])?;
    println!("fmt (load and save): {t}");
    if exports {
        for (format, out) in [
            ("jsonl", "out.jsonl"),
            ("doccano", "out.doccano.jsonl"),
            ("conll", "out.conll"),
            ("labelstudio", "out.ls.json"),
            ("csv", "out.csv"),
            ("w3c", "out.w3c.json"),
            ("graphml", "out.graphml"),
            ("brat", "out-brat"),
            ("webanno", "out-webanno"),
            ("network-csv", "out-network"),
            ("summary-md", "out.md"),
            ("summary-html", "out.html"),
        ] {
            let t = run(
                &bin,
                &dir,
                &["export", "corpus.ron", "-f", format, "-o", out],
            )?;
            let written = written_bytes(&dir.join(out));
            println!(
                "export {format}: {t}, {:.1} MB written",
                written as f64 / 1e6
            );
        }
    }
    Ok(())
}

/// Runs the binary in `dir`; returns "1.23 s, 456 MB peak".
fn run(bin: &Path, dir: &Path, args: &[&str]) -> anyhow::Result<String> {
    let timed = Path::new("/usr/bin/time").exists();
    let mut command = if timed {
        let mut c = Command::new("/usr/bin/time");
        c.args(["-f", "%M"]).arg(bin);
        c
    } else {
        Command::new(bin)
    };
    command.current_dir(dir).args(args);
    let started = Instant::now();
    let out = command.output()?;
    let secs = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        anyhow::bail!("{args:?} failed: {stderr}");
    }
    let peak = timed
        .then(|| stderr.lines().last()?.trim().parse::<f64>().ok())
        .flatten()
        .map_or(String::new(), |kb| format!(", {:.0} MB peak", kb / 1024.0));
    Ok(format!("{secs:.2} s{peak}"))
}

fn written_bytes(path: &Path) -> u64 {
    if path.is_dir() {
        std::fs::read_dir(path)
            .map(|d| d.flatten().map(|e| written_bytes(&e.path())).sum())
            .unwrap_or(0)
    } else {
        std::fs::metadata(path).map_or(0, |m| m.len())
    }
}

/// A small deterministic random source (the same corpus on every machine).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const WORDS: [&str; 24] = [
    "talks",
    "could",
    "start",
    "if",
    "the",
    "ceasefire",
    "holds",
    "Macron",
    "said",
    "Beijing",
    "would",
    "support",
    "a",
    "framework",
    "for",
    "peace",
    "Zelensky",
    "Xi",
    "negotiations",
    "between",
    "Russia",
    "and",
    "Ukraine",
    "Élysée",
];

fn write_one_liners(path: &Path, n: usize) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for i in 0..n {
        let text = format!("Line {i}: Macron said talks could start.");
        let start = text.find("Macron").unwrap_or(0);
        let line = serde_json::json!({"text": text, "label": [[start, start + 6, "actor"]]});
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    Ok(())
}

/// Writes `n` articles of about 5 KB with about 38 spans each; returns (bytes, spans).
fn write_corpus(path: &Path, n: usize) -> anyhow::Result<(u64, usize)> {
    use std::io::Write as _;
    let mut rng = Rng(17);
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut spans = 0;
    let labels = ["actor", "claim", "condition"];
    for i in 0..n {
        let mut text = format!("Article {i}. ");
        let mut labelled = Vec::new();
        while text.len() < 5000 {
            // A sentence of 8 to 20 words; about two in three get a span of 1 to 4 words.
            let words = 8 + rng.below(13);
            let span_at = (rng.below(3) != 0).then(|| (rng.below(words), 1 + rng.below(4)));
            for w in 0..words {
                if span_at.is_some_and(|(at, _)| at == w) {
                    labelled.push((text.chars().count(), 0usize));
                }
                text.push_str(WORDS[rng.below(WORDS.len())]);
                if let Some((at, len)) = span_at
                    && w + 1 == (at + len).min(words)
                    && let Some(last) = labelled.last_mut()
                {
                    last.1 = text.chars().count();
                }
                text.push(if w + 1 == words { '.' } else { ' ' });
            }
            text.push(' ');
        }
        let label: Vec<serde_json::Value> = labelled
            .iter()
            .filter(|(s, e)| e > s)
            .map(|(s, e)| serde_json::json!([s, e, labels[rng.below(3)]]))
            .collect();
        spans += label.len();
        let line = serde_json::json!({"text": text.trim_end(), "label": label});
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    Ok((std::fs::metadata(path)?.len(), spans))
}
