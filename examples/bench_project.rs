//! Benchmark of the project file store: load + validate and save of a generated project of
//! 200 articles, about 4 MiB of text, 40 000 annotations and 10 000 relations, with the same
//! data read and written as JSON (serde_json) in the same run for comparison.
//!
//! Run (release build, without the window):
//!
//! ```text
//! cargo run --release --no-default-features --example bench_project
//! cargo run --release --no-default-features --example bench_project -- --runs 9 --dir /some/disk
//! cargo run --release --no-default-features --example bench_project -- --verbose  # every run
//! cargo run --release --no-default-features --example bench_project -- generate /tmp/big.ron
//! ```
//!
//! (`generate PATH` only writes the generated project, to look at or open in the window;
//! `repeat load|save PATH N` loads, or loads once and saves, `N` times, for a profiler:
//! `perf record -g target/release/examples/bench_project repeat load /tmp/big.ron 20`.)
//!
//! Targets (from the issue): load and validate in ≤ 0.5 s, save in ≤ 0.5 s, peak memory of a
//! load under 10 times the file's size. Timings are the best, median and worst of `--runs`
//! runs (default 5) after one warm-up run; pass or fail is judged on the median. The program
//! exits with an error if a target is missed.
//!
//! On a shared virtual machine the host's speed varies (by up to 2× on the machine of
//! `BENCHMARKS.md`, with no steal time reported), so two reference rows time a fixed piece of
//! work (SHA-256 of all the text) before and after the rest, and the program says how much CPU
//! other processes of this machine used meanwhile.
//!
//! Peak memory cannot be measured with a counting global allocator here, because the crate
//! forbids `unsafe_code` (and `forbid` cannot be overridden by an example). Instead the
//! benchmark runs itself again as a child process (`noop`, `load-only PATH`, `load-save PATH
//! OUT`, `json-load PATH`) and reads the child's peak resident set size (`VmHWM` in
//! `/proc/self/status`); between loading and saving, the child resets that peak by writing `5`
//! to `/proc/self/clear_refs`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use jiff::Timestamp;
use marginalia::model::{
    Annotation, AnnotationId, ByteOffset, DocId, DocStatus, Document, DocumentMeta, Entity,
    EntityId, EntityKind, Fragment, Project, Relation, RelationId, ReviewStatus, TextIndex,
    quote_of, sha256_hex,
};
use marginalia::store::{self, ProjectFile};

const DOCUMENTS: usize = 200;
/// Total text aimed at: 4 MiB.
const TEXT_BYTES: usize = 4 * 1024 * 1024;
const ANNOTATIONS_PER_DOC: usize = 200;
const RELATIONS_PER_DOC: usize = 50;
const ENTITIES: usize = 50;
const SEED: u64 = 0x5EED_1DEA_2023_0411;

const TARGET_LOAD_MS: f64 = 500.0;
const TARGET_SAVE_MS: f64 = 500.0;
const TARGET_PEAK_RATIO: f64 = 10.0;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("noop") => child_noop(),
        Some("load-only") => child_load_only(path_arg(&args, 1)?),
        Some("load-save") => child_load_save(path_arg(&args, 1)?, path_arg(&args, 2)?),
        Some("json-load") => child_json_load(path_arg(&args, 1)?),
        Some("generate") => Ok(store::save(&generate()?, path_arg(&args, 1)?)?),
        Some("repeat") => child_repeat(&args),
        _ => bench(&args),
    }
}

fn path_arg(args: &[String], i: usize) -> anyhow::Result<&Path> {
    args.get(i)
        .map(Path::new)
        .with_context(|| format!("argument {i} (a path) is missing"))
}

// ---------------------------------------------------------------------------------------------
// Deterministic generation
// ---------------------------------------------------------------------------------------------

/// xorshift64: small, fast and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const ACTORS: &[&str] = &[
    "Emmanuel Macron",
    "Xi Jinping",
    "Volodymyr Zelensky",
    "Olaf Scholz",
    "the Élysée",
    "the Kremlin",
    "Beijing",
    "the European Commission",
    "Ursula von der Leyen",
    "NATO’s secretary-general",
    "Chinese diplomats",
    "Wang Yi",
    "officials in Kyiv",
    "the Quai d’Orsay",
    "José Manuel Albares",
    "Sergueï Lavrov",
    "a senior EU official",
    "Annalena Baerbock",
    "the Bundestag’s foreign affairs committee",
    "Lü Xiang, a researcher in 北京,",
];

const VERBS: &[&str] = &[
    "said",
    "argued",
    "warned",
    "insisted",
    "told reporters",
    "added",
    "suggested",
    "claimed",
    "wrote",
    "repeated",
];

const CLAIMS: &[&str] = &[
    "Europe must not become a follower of either superpower",
    "talks could begin within weeks",
    "sanctions should stay in place until the last soldier leaves",
    "a ceasefire now would freeze the front line",
    "China can play a major role in finding a path to peace",
    "strategic autonomy is the battle of our time",
    "the alliance remains united",
    "no decision about Ukraine can be taken without Ukraine",
    "trade with 中国 must be rebalanced",
    "the peace plan contains some useful ideas",
    "Taiwan is not Europe’s business",
    "weapons deliveries will continue through the winter",
    "the summit achieved more than anyone expected",
    "the relationship is based on mutual respect",
];

const CONDITIONS: &[&str] = &[
    "if Russia withdraws its troops",
    "provided that Washington agrees",
    "as long as Ukraine’s borders are respected",
    "unless Beijing changes course",
    "once the grain corridor reopens",
    "if the Élysée keeps its word",
    "on condition that inspectors return to Zaporizhzhia",
    "should the offensive stall",
    "when the time is right",
    "if both sides accept international mediation",
];

const SUBJECTS: &[&str] = &[
    "the visit",
    "the delegation",
    "business leaders",
    "ministers",
    "analysts in Brussels",
    "protesters outside the embassy",
    "the state dinner in Guangzhou",
    "a joint statement",
    "French exporters of cognac and pork",
    "the European Chamber of Commerce",
    "bankers in Zürich",
    "students at Sun Yat-sen University",
    "Airbus",
    "the press conference",
    "officials in Kraków",
    "the German chancellor’s office",
    "diplomats",
    "the foreign ministry’s spokesman",
];

const PREDICATES: &[&str] = &[
    "lasted three days",
    "signed contracts worth billions of euros",
    "asked questions about climate and trade",
    "gathered late on Friday",
    "expect further meetings next year",
    "was published after midnight",
    "discussed tariffs on electric cars",
    "reviewed the twelve-point peace plan",
    "raised the investigation into subsidies",
    "met their counterparts for bilateral talks",
    "welcomed the deal on fifty helicopters",
    "called for a more informal, café-style summit",
    "described the mood as naïve optimism",
    "listened to Dvořák at the reception",
    "spoke of a new rôle for Europe",
    "declined to comment",
    "pointed to record exports of aircraft and wine",
    "warned of a long war of attrition",
];

const TAILS: &[&str] = &[
    "",
    "",
    "",
    " in Beijing",
    " according to two people familiar with the plans",
    " on Thursday",
    " despite the criticism",
    " in São Paulo and Kyiv",
    " before the G20 summit",
    " while the war continued",
    " as allies in Washington watched closely",
    " for the first time since 2019",
];

const EMOJI: &[&str] = &["🇺🇦", "🇨🇳", "🇫🇷", "👩‍👩‍👧", "🤝", "🕊️"];

const CJK: &[(&str, &str)] = &[
    ("全面战略伙伴关系", "a comprehensive strategic partnership"),
    ("和平谈判", "peace talks"),
    ("中国", "China"),
    ("多极世界", "a multipolar world"),
];

const SOURCES: &[&str] = &[
    "Le Monde",
    "Süddeutsche Zeitung",
    "Politico Europe",
    "Reuters",
    "新华社",
    "The Guardian",
];

const AUTHORS: &[&str] = &[
    "Anne-Sophie Mercier",
    "Jürgen Weiß",
    "Li Wei",
    "Olena Kovalenko",
    "Tom Baker",
];

/// Punctuation trimmed off a token to find the word inside it.
fn is_punct(c: char) -> bool {
    matches!(
        c,
        '.' | ',' | ';' | ':' | '“' | '”' | '"' | '(' | ')' | '—' | '?' | '!'
    )
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A document's text and the byte ranges of its words (with the paragraph each is in).
#[derive(Default)]
struct TextBuilder {
    text: String,
    words: Vec<(usize, usize, usize)>,
    paragraph: usize,
    at_paragraph_start: bool,
}

impl TextBuilder {
    fn sentence(&mut self, sentence: &str) {
        for token in sentence.split(' ').filter(|t| !t.is_empty()) {
            if !self.text.is_empty() && !self.at_paragraph_start {
                self.text.push(' ');
            }
            self.at_paragraph_start = false;
            let base = self.text.len();
            self.text.push_str(token);
            let lead = token.len() - token.trim_start_matches(is_punct).len();
            let tail = token.trim_end_matches(is_punct).len();
            if lead < tail {
                self.words.push((base + lead, base + tail, self.paragraph));
            }
        }
    }

    fn end_paragraph(&mut self) {
        self.text.push_str("\n\n");
        self.paragraph += 1;
        self.at_paragraph_start = true;
    }
}

/// A plain news clause: subject, predicate and sometimes a circumstance.
fn filler(rng: &mut Rng) -> String {
    format!(
        "{} {}{}",
        rng.pick(SUBJECTS),
        rng.pick(PREDICATES),
        rng.pick(TAILS)
    )
}

fn sentence(rng: &mut Rng) -> String {
    let actor = rng.pick(ACTORS);
    let verb = rng.pick(VERBS);
    let claim = rng.pick(CLAIMS);
    let condition = rng.pick(CONDITIONS);
    match rng.below(12) {
        0 | 1 => capitalise(&format!("{actor} {verb} that {claim}, {condition}.")),
        2 => format!("“{},” {actor} {verb} — {condition}.", capitalise(claim)),
        3 => format!(
            "{}, speaking in Paris, {verb}: “{}.”",
            capitalise(actor),
            capitalise(claim)
        ),
        4 if rng.chance(40) => format!(
            "A widely shared post read: “{} {}”.",
            capitalise(claim),
            rng.pick(EMOJI)
        ),
        5 if rng.chance(25) => {
            let (cjk, gloss) = CJK[rng.below(CJK.len())];
            format!("State media called it “{cjk}”, or {gloss}.")
        }
        6 => {
            let first = filler(rng);
            format!("{} — {}.", capitalise(&first), filler(rng))
        }
        7 => {
            let first = filler(rng);
            format!("{}, and {}.", capitalise(&first), filler(rng))
        }
        _ => format!("{}.", capitalise(&filler(rng))),
    }
}

fn document_text(rng: &mut Rng, target_bytes: usize) -> TextBuilder {
    let mut b = TextBuilder::default();
    loop {
        for _ in 0..rng.between(3, 6) {
            let s = sentence(rng);
            b.sentence(&s);
        }
        if b.text.len() >= target_bytes {
            return b;
        }
        b.end_paragraph();
    }
}

/// The generated project, deterministic for [`SEED`].
fn generate() -> anyhow::Result<Project> {
    let mut rng = Rng(SEED);
    let mut project = Project::new("Benchmark: 200 generated articles");
    project.notes = "Generated by examples/bench_project.rs — not real articles.".into();
    project.annotators = BTreeSet::from(["analyst".to_owned(), "reviewer".to_owned()]);

    for i in 0..ENTITIES {
        let name = ACTORS[i % ACTORS.len()].trim_end_matches(',');
        let kind = match name {
            "Beijing" | "the Kremlin" | "the Élysée" => EntityKind::State,
            n if n.starts_with("the ") => EntityKind::Organisation,
            n if n.starts_with(char::is_lowercase) || n.starts_with("Chinese") => EntityKind::Group,
            _ => EntityKind::Person,
        };
        let entity = Entity {
            id: EntityId(format!("e-{i:03}")),
            name: if i < ACTORS.len() {
                name.to_owned()
            } else {
                format!("{name} ({})", i / ACTORS.len() + 1)
            },
            kind,
            aliases: if i % 3 == 0 {
                vec![format!("{} (alias)", name)]
            } else {
                Vec::new()
            },
            note: String::new(),
        };
        project.entities.insert(entity.id.clone(), entity);
    }

    let base_time = 1_680_000_000_i64;
    let mut annotation_n = 0usize;
    let mut relation_n = 0usize;
    let per_doc = TEXT_BYTES / DOCUMENTS;
    for d in 0..DOCUMENTS {
        let target = per_doc - per_doc / 8 + rng.below(per_doc / 4 + 1);
        let built = document_text(&mut rng, target);
        let doc_id = DocId(format!("doc-{d:03}"));
        let title = format!(
            "{} {} {}",
            capitalise(rng.pick(ACTORS).trim_end_matches(',')),
            rng.pick(VERBS),
            rng.pick(CLAIMS)
        );
        let meta = DocumentMeta {
            title,
            source: Some(rng.pick(SOURCES).to_owned()),
            author: Some(rng.pick(AUTHORS).to_owned()),
            published: Some(format!("2023-{:02}-{:02}", 1 + d % 12, 1 + d % 28)),
            url: Some(format!("https://example.org/news/{doc_id}")),
            status: BTreeMap::from([(
                "analyst".to_owned(),
                if d % 3 == 0 {
                    DocStatus::Done
                } else {
                    DocStatus::InProgress
                },
            )]),
        };

        let words = &built.words;
        let mut actors = Vec::new();
        let mut claims = Vec::new();
        for i in 0..ANNOTATIONS_PER_DOC {
            let (tag, len) = match i % 20 {
                0..7 => ("actor", rng.between(1, 3)),
                7..16 => ("claim", rng.between(4, 14)),
                _ => ("condition", rng.between(3, 8)),
            };
            let first = rng.below(words.len());
            let mut last = (first + len - 1).min(words.len() - 1);
            while last > first && words[last].2 != words[first].2 {
                last -= 1; // stay in the paragraph
            }
            let range =
                |a: usize, b: usize| Fragment::new(ByteOffset(words[a].0)..ByteOffset(words[b].1));
            let fragments = if tag == "claim" && last >= first + 5 && rng.chance(7) {
                let mid = first + (last - first) / 2;
                vec![range(first, mid - 1), range(mid + 1, last)]
            } else {
                vec![range(first, last)]
            };
            let quote =
                quote_of(&built.text, &fragments).context("generated fragment outside the text")?;
            annotation_n += 1;
            let id = AnnotationId(format!("a-{annotation_n:06}"));
            let created = Timestamp::from_second(base_time + 37 * annotation_n as i64)?;
            let annotation = Annotation {
                id: id.clone(),
                doc: doc_id.clone(),
                tag: tag.into(),
                fragments,
                quote,
                annotator: if i % 10 == 9 { "reviewer" } else { "analyst" }.to_owned(),
                entity: (tag == "actor" && rng.chance(80))
                    .then(|| EntityId(format!("e-{:03}", rng.below(ENTITIES)))),
                note: if rng.chance(10) {
                    "Check against the Élysée’s read-out — wording differs.".to_owned()
                } else {
                    String::new()
                },
                status: match rng.below(10) {
                    0..6 => ReviewStatus::Pending,
                    6..9 => ReviewStatus::Accepted,
                    _ => ReviewStatus::Rejected,
                },
                created,
                modified: if rng.chance(30) {
                    Timestamp::from_second(base_time + 37 * annotation_n as i64 + 600)?
                } else {
                    created
                },
            };
            match tag {
                "actor" => actors.push(id.clone()),
                "claim" => claims.push(id.clone()),
                _ => {}
            }
            project.annotations.insert(id, annotation);
        }
        for claim in claims.iter().take(RELATIONS_PER_DOC) {
            relation_n += 1;
            let relation = Relation {
                id: RelationId(format!("r-{relation_n:06}")),
                kind: "said_by".into(),
                from: claim.clone(),
                to: actors[rng.below(actors.len())].clone(),
                annotator: "analyst".to_owned(),
            };
            project.relations.insert(relation.id.clone(), relation);
        }
        project.documents.push(Document {
            id: doc_id,
            meta,
            text: built.text,
        });
    }
    Ok(project)
}

// ---------------------------------------------------------------------------------------------
// Timing
// ---------------------------------------------------------------------------------------------

/// Best, median and worst of several runs.
struct Stats {
    best: Duration,
    median: Duration,
    worst: Duration,
    /// Every timed run, in the order run.
    all: Vec<Duration>,
}

impl Stats {
    fn ms(d: Duration) -> f64 {
        d.as_secs_f64() * 1e3
    }
}

impl Stats {
    /// Summarises run times given in the order run.
    fn of(all: Vec<Duration>) -> Stats {
        let mut sorted = all.clone();
        sorted.sort();
        let pick = |i: usize| sorted.get(i).copied().unwrap_or_default();
        Stats {
            best: pick(0),
            median: pick(sorted.len() / 2),
            worst: pick(sorted.len().saturating_sub(1)),
            all,
        }
    }
}

/// One measured step: how it is labelled, and a run of it returning the time it took.
struct Step<'a> {
    name: &'static str,
    run: Box<dyn FnMut() -> anyhow::Result<Duration> + 'a>,
}

/// A step timing `f`; its result is dropped outside the timed part.
fn step<'a, T>(name: &'static str, mut f: impl FnMut() -> anyhow::Result<T> + 'a) -> Step<'a> {
    step_with(name, || Ok(()), move |()| f())
}

/// A step timing `f` on an input that `setup` prepares, untimed, for each run.
fn step_with<'a, I, T>(
    name: &'static str,
    mut setup: impl FnMut() -> anyhow::Result<I> + 'a,
    mut f: impl FnMut(I) -> anyhow::Result<T> + 'a,
) -> Step<'a> {
    Step {
        name,
        run: Box::new(move || {
            let input = setup()?;
            let start = Instant::now();
            let out = f(input)?;
            let elapsed = start.elapsed();
            drop(out);
            Ok(elapsed)
        }),
    }
}

/// Runs every step once per round, one warm-up round and then `runs` timed ones. Interleaving
/// the steps spreads a slow spell of the host over all of them instead of one.
fn measure(runs: usize, steps: &mut [Step<'_>]) -> anyhow::Result<Vec<(&'static str, Stats)>> {
    let mut times = vec![Vec::with_capacity(runs); steps.len()];
    for round in 0..=runs {
        for (step, times) in steps.iter_mut().zip(&mut times) {
            let elapsed = (step.run)().with_context(|| format!("step {:?}", step.name))?;
            if round > 0 {
                times.push(elapsed);
            }
        }
    }
    Ok(steps
        .iter()
        .zip(times)
        .map(|(step, times)| (step.name, Stats::of(times)))
        .collect())
}

fn indexes_of(file: &ProjectFile) -> HashMap<String, TextIndex> {
    file.documents
        .iter()
        .map(|d| (d.id.0.clone(), TextIndex::new(&d.text)))
        .collect()
}

/// Reads a JSON project file the way `store::load` reads RON: parse, validate, build.
fn load_json(path: &Path) -> anyhow::Result<Project> {
    let source = std::fs::read_to_string(path)?;
    let file: ProjectFile = serde_json::from_str(&source)?;
    let problems = store::check(path, &source, &file);
    ensure!(problems.list.is_empty(), "{problems}");
    let indexes = indexes_of(&file);
    store::file_to_project(file, &indexes).map_err(anyhow::Error::msg)
}

// ---------------------------------------------------------------------------------------------
// Peak memory, in child processes
// ---------------------------------------------------------------------------------------------

/// A field of `/proc/self/status` in KiB (`VmHWM`, `VmRSS`).
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn report(key: &str, field: &str) {
    if let Some(kib) = status_kib(field) {
        println!("{key}={kib}");
    }
}

fn child_noop() -> anyhow::Result<()> {
    report("peak_kib", "VmHWM");
    Ok(())
}

fn child_load_only(path: &Path) -> anyhow::Result<()> {
    let project = store::load(path)?;
    report("peak_kib", "VmHWM");
    println!("annotations={}", project.annotations.len());
    Ok(())
}

fn child_load_save(path: &Path, out: &Path) -> anyhow::Result<()> {
    let project = store::load(path)?;
    report("load_peak_kib", "VmHWM");
    // Resets VmHWM to the current RSS (Linux ≥ 4.0), so the next peak is the save's alone.
    if std::fs::write("/proc/self/clear_refs", "5").is_ok() {
        report("rss_before_save_kib", "VmRSS");
        store::save(&project, out)?;
        report("save_peak_kib", "VmHWM");
    }
    Ok(())
}

fn child_json_load(path: &Path) -> anyhow::Result<()> {
    let project = load_json(path)?;
    report("peak_kib", "VmHWM");
    println!("annotations={}", project.annotations.len());
    Ok(())
}

/// `repeat load|save PATH N`: the step alone, `N` times, for a profiler.
fn child_repeat(args: &[String]) -> anyhow::Result<()> {
    let path = path_arg(args, 2)?;
    let n: usize = args.get(3).map_or(Ok(10), |n| n.parse())?;
    match args.get(1).map(String::as_str) {
        Some("load") => {
            for _ in 0..n {
                drop(store::load(path)?);
            }
        }
        Some("save") => {
            let project = store::load(path)?;
            let out = path.with_extension("resaved.ron");
            for _ in 0..n {
                store::save(&project, &out)?;
            }
        }
        _ => bail!("usage: repeat load|save PATH N"),
    }
    Ok(())
}

/// Runs this program again with `args`; returns the `key=value` lines it printed.
fn child(args: &[&Path]) -> anyhow::Result<HashMap<String, u64>> {
    let exe = std::env::current_exe()?;
    let output = Command::new(exe).args(args).output()?;
    if !output.status.success() {
        bail!(
            "child {:?} failed: {}",
            args,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| {
            let (k, v) = l.split_once('=')?;
            Some((k.to_owned(), v.parse().ok()?))
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// The benchmark
// ---------------------------------------------------------------------------------------------

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("model name")?.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into())
}

fn mem_total_gib() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/meminfo").ok()?;
    let kib: f64 = s
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib / 1024.0 / 1024.0)
}

/// The file system type `path` lives on (longest matching mount point).
fn fs_type(path: &Path) -> String {
    let mounts = std::fs::read_to_string("/proc/self/mounts").unwrap_or_default();
    mounts
        .lines()
        .filter_map(|l| {
            let mut f = l.split(' ');
            let (_dev, mount, kind) = (f.next()?, f.next()?, f.next()?);
            path.starts_with(mount)
                .then(|| (mount.len(), kind.to_owned()))
        })
        .max()
        .map_or_else(|| "unknown".into(), |(_, kind)| kind)
}

/// CPU time, in clock ticks, spent by the whole machine (all but idle) and by this process
/// with its finished children: their difference over a run is what others used meanwhile.
fn cpu_ticks() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let total: Vec<u64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .filter_map(|v| v.parse().ok())
        .collect();
    let idle = total.get(3)? + total.get(4)?; // idle + iowait
    let busy = total.iter().take(8).sum::<u64>() - idle;
    let own = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which ends with the last ')'): utime is the 12th.
    let fields: Vec<u64> = own
        .rsplit_once(')')?
        .1
        .split_whitespace()
        .skip(11)
        .take(4)
        .filter_map(|v| v.parse().ok())
        .collect();
    Some((busy, fields.iter().sum()))
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / 1024.0 / 1024.0
}

fn verdict(ok: bool) -> &'static str {
    if ok { "PASS" } else { "FAIL" }
}

fn bench(args: &[String]) -> anyhow::Result<()> {
    let mut runs = 5usize;
    let mut dir: Option<PathBuf> = None;
    let mut verbose = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--runs" => runs = it.next().context("--runs needs a number")?.parse()?,
            "--dir" => dir = Some(it.next().context("--dir needs a folder")?.into()),
            "--verbose" => verbose = true,
            other => bail!(
                "unknown argument {other:?}; usage: bench_project [--runs N] [--dir DIR] [--verbose]"
            ),
        }
    }
    ensure!(runs > 0, "--runs must be at least 1");
    if cfg!(debug_assertions) {
        eprintln!("warning: debug build; run with --release for meaningful numbers");
    }
    let tmp = match &dir {
        Some(d) => tempfile::tempdir_in(d)?,
        None => tempfile::tempdir()?,
    };
    let path = tmp.path().join("bench.ron");
    let json_path = tmp.path().join("bench.json");
    let save_path = tmp.path().join("bench-saved.ron");

    let start = Instant::now();
    let project = generate()?;
    let generated_in = start.elapsed();
    store::save(&project, &path)?;

    // The generated project must validate and survive a round trip unchanged.
    let reloaded = store::load(&path).map_err(|e| anyhow::anyhow!("{e}"))?;
    ensure!(
        reloaded == project,
        "the project changed in a save/load round trip"
    );
    drop(reloaded);

    let file_size = std::fs::metadata(&path)?.len();
    let text_bytes: usize = project.documents.iter().map(|d| d.text.len()).sum();
    let (chars, wide) = project
        .documents
        .iter()
        .flat_map(|d| d.text.chars())
        .fold((0usize, 0usize), |(n, w), c| {
            (n + 1, w + usize::from(!c.is_ascii()))
        });
    let fragments: usize = project
        .annotations
        .values()
        .map(|a| a.fragments.len())
        .sum();

    let ticks_before = cpu_ticks();
    let timed_from = Instant::now();

    // Inputs of the partial steps, made once.
    let source = std::fs::read_to_string(&path)?;
    let parsed = store::parse(&path, &source)?;
    let indexes = indexes_of(&parsed);
    let file = store::project_to_file(&project);
    let text = store::to_string(&project)?;
    std::fs::write(&json_path, serde_json::to_string(&file)?)?;
    let json_size = std::fs::metadata(&json_path)?.len();
    let json_text = std::fs::read_to_string(&json_path)?;
    ensure!(
        load_json(&json_path)? == project,
        "the project changed in a JSON round trip"
    );
    // A fixed piece of CPU work: on a shared virtual machine the speed of the host changes,
    // and this shows by how much.
    let all_text: String = project.documents.iter().map(|d| d.text.as_str()).collect();

    let mut steps = vec![
        step("reference: SHA-256 of all the text", || {
            Ok(sha256_hex(&all_text))
        }),
        step("RON load: store::load (read+parse+validate+build)", || {
            Ok(store::load(&path)?)
        }),
        step("  read file to String", || {
            Ok(std::fs::read_to_string(&path)?)
        }),
        step("  store::from_str (parse+validate+build)", || {
            Ok(store::from_str(&path, &source)?)
        }),
        step("    store::parse (RON → ProjectFile)", || {
            Ok(store::parse(&path, &source)?)
        }),
        step("    store::check (validate)", || {
            let problems = store::check(&path, &source, &parsed);
            ensure!(problems.list.is_empty(), "{problems}");
            Ok(problems)
        }),
        step("    TextIndex for every document", || {
            Ok(indexes_of(&parsed))
        }),
        step_with(
            "    store::file_to_project",
            || Ok(parsed.clone()),
            |file| store::file_to_project(file, &indexes).map_err(anyhow::Error::msg),
        ),
        step("RON save: store::save (serialise+write+fsync+bak)", || {
            Ok(store::save(&project, &save_path)?)
        }),
        step("  store::to_string", || Ok(store::to_string(&project)?)),
        step("    store::project_to_file", || {
            Ok(store::project_to_file(&project))
        }),
        step("    store::file_to_string (RON pretty)", || {
            Ok(store::file_to_string(&file)?)
        }),
        step("  store::write_atomically", || {
            Ok(store::write_atomically(&save_path, &text)?)
        }),
        step("JSON load: read+serde_json+check+index+build", || {
            load_json(&json_path)
        }),
        step("  serde_json::from_str::<ProjectFile>", || {
            Ok(serde_json::from_str::<ProjectFile>(&json_text)?)
        }),
        step("JSON save: project_to_file+serde_json+fs::write", || {
            let json = serde_json::to_string(&store::project_to_file(&project))?;
            Ok(std::fs::write(&json_path, json)?)
        }),
        step("  serde_json::to_string(&ProjectFile)", || {
            Ok(serde_json::to_string(&file)?)
        }),
    ];
    let results = measure(runs, &mut steps)?;
    drop(steps);
    let stats = |name: &str| -> anyhow::Result<&Stats> {
        results
            .iter()
            .find(|(n, _)| n.trim_start().starts_with(name))
            .map(|(_, s)| s)
            .with_context(|| format!("no step {name:?}"))
    };
    let (load, save) = (stats("RON load")?, stats("RON save")?);
    let (parse, json_parse) = (stats("store::parse")?, stats("serde_json::from_str")?);
    let (json_load, file_to_string) = (stats("JSON load")?, stats("store::file_to_string")?);
    let json_ser = stats("serde_json::to_string")?;
    let reference = stats("reference")?;

    // Clock ticks are 1/100 s on Linux (USER_HZ).
    let others_cores = match (ticks_before, cpu_ticks()) {
        (Some((busy0, own0)), Some((busy1, own1))) => {
            let others = (busy1 - busy0).saturating_sub(own1 - own0) as f64 / 100.0;
            Some(others / timed_from.elapsed().as_secs_f64())
        }
        _ => None,
    };

    // --- Peak memory, each in a fresh process -------------------------------------------------
    let noop = child(&[Path::new("noop")])?;
    let load_only = child(&[Path::new("load-only"), &path])?;
    let load_save = child(&[Path::new("load-save"), &path, &save_path])?;
    let json_mem = child(&[Path::new("json-load"), &json_path])?;
    let kib = |m: &HashMap<String, u64>, k: &str| m.get(k).copied().unwrap_or(0) * 1024;
    let base_peak = kib(&noop, "peak_kib");
    let load_peak = kib(&load_only, "peak_kib");
    let json_peak = kib(&json_mem, "peak_kib");
    let save_peak = kib(&load_save, "save_peak_kib");
    let before_save = kib(&load_save, "rss_before_save_kib");

    // --- Report ------------------------------------------------------------------------------
    let parallelism = std::thread::available_parallelism().map_or(0, usize::from);
    println!();
    println!("Marginalia project store benchmark");
    println!("==================================");
    println!("machine      {} × {}", parallelism, cpu_model());
    if let Some(gib) = mem_total_gib() {
        println!("memory       {gib:.1} GiB");
    }
    println!(
        "temp folder  {} ({})",
        tmp.path().display(),
        fs_type(tmp.path())
    );
    println!(
        "runs         {runs} timed rounds (after 1 warm-up), each running every step once; \
         times in ms"
    );
    if let Some(cores) = others_cores {
        println!(
            "other load   {cores:.2} of {parallelism} cores busy with other processes during the timed runs{}",
            if cores > 0.2 {
                " — numbers are disturbed"
            } else {
                ""
            }
        );
    }
    println!();
    println!(
        "generated    {} documents, {:.2} MiB text ({} bytes, {} chars, {:.2}% non-ASCII), \
         {} annotations ({} fragments), {} relations, {} entities, in {:.0} ms",
        project.documents.len(),
        mib(text_bytes as u64),
        text_bytes,
        chars,
        100.0 * wide as f64 / chars as f64,
        project.annotations.len(),
        fragments,
        project.relations.len(),
        project.entities.len(),
        Stats::ms(generated_in)
    );
    println!(
        "RON file     {:.2} MiB ({} bytes); JSON file {:.2} MiB ({} bytes)",
        mib(file_size),
        file_size,
        mib(json_size),
        json_size
    );
    println!();
    println!(
        "{:<52} {:>8} {:>8} {:>8}",
        "step", "best", "median", "worst"
    );
    let row = |name: &str, s: &Stats| {
        print!(
            "{:<52} {:>8.1} {:>8.1} {:>8.1}",
            name,
            Stats::ms(s.best),
            Stats::ms(s.median),
            Stats::ms(s.worst)
        );
        if verbose {
            let all: Vec<String> = s
                .all
                .iter()
                .map(|d| format!("{:.0}", Stats::ms(*d)))
                .collect();
            print!("   [{}]", all.join(" "));
        }
        println!();
    };
    for (name, stats) in &results {
        row(name, stats);
    }
    println!();
    println!("peak RSS (VmHWM of a fresh child process)");
    let ratio = |b: u64| b as f64 / file_size as f64;
    println!("  noop (baseline)           {:>7.1} MiB", mib(base_peak));
    println!(
        "  RON store::load           {:>7.1} MiB = {:.1}× file ({:.1}× above baseline)",
        mib(load_peak),
        ratio(load_peak),
        ratio(load_peak.saturating_sub(base_peak))
    );
    if save_peak > 0 {
        println!(
            "  RON store::save after load {:>6.1} MiB = {:.1}× file (RSS before save {:.1} MiB, +{:.1} MiB)",
            mib(save_peak),
            ratio(save_peak),
            mib(before_save),
            mib(save_peak.saturating_sub(before_save))
        );
    }
    println!(
        "  JSON load (same steps)    {:>7.1} MiB = {:.1}× JSON file, {:.1}× RON file",
        mib(json_peak),
        json_peak as f64 / json_size as f64,
        ratio(json_peak)
    );
    println!();
    // The rounds in which the host ran at (nearly) full speed, judged by the reference work.
    let fast: Vec<usize> = (0..reference.all.len())
        .filter(|&i| reference.all[i].as_secs_f64() <= 1.15 * reference.best.as_secs_f64())
        .collect();
    let median_of = |s: &Stats| {
        let mut v: Vec<Duration> = fast.iter().filter_map(|&i| s.all.get(i).copied()).collect();
        v.sort();
        v.get(v.len() / 2).copied().unwrap_or_default()
    };
    println!(
        "host speed   the reference took {:.1} to {:.1} ms (×{:.2}); in the {} of {} rounds \
         within 15% of its best: load median {:.1} ms, save median {:.1} ms",
        Stats::ms(reference.best),
        Stats::ms(reference.worst),
        reference.worst.as_secs_f64() / reference.best.as_secs_f64().max(1e-9),
        fast.len(),
        reference.all.len(),
        Stats::ms(median_of(load)),
        Stats::ms(median_of(save))
    );
    println!();
    let load_ok = Stats::ms(load.median) <= TARGET_LOAD_MS;
    let save_ok = Stats::ms(save.median) <= TARGET_SAVE_MS;
    let peak_ok = ratio(load_peak) < TARGET_PEAK_RATIO;
    println!("targets (judged on the median; the best run in brackets)");
    let time_row = |label: &str, target: f64, stats: &Stats| {
        let (median, best) = (Stats::ms(stats.median), Stats::ms(stats.best));
        println!(
            "  {label:<15} ≤ {target:.0} ms   {median:>8.1} ms   {}   ({best:.1} ms {})",
            verdict(median <= target),
            verdict(best <= target)
        );
    };
    time_row("load + validate", TARGET_LOAD_MS, load);
    time_row("save", TARGET_SAVE_MS, save);
    println!(
        "  peak RSS of load < {TARGET_PEAK_RATIO:.0}× file  {:>7.1}×      {}",
        ratio(load_peak),
        verdict(peak_ok)
    );
    println!();
    println!(
        "RON vs JSON (best runs, the least disturbed by the host): parse {:.1}× slower than \
         serde_json; full load {:.1}× slower; serialise {:.1}× slower; file {:.2}× larger",
        Stats::ms(parse.best) / Stats::ms(json_parse.best),
        Stats::ms(load.best) / Stats::ms(json_load.best),
        Stats::ms(file_to_string.best) / Stats::ms(json_ser.best),
        file_size as f64 / json_size as f64
    );
    if !(load_ok && save_ok && peak_ok) {
        bail!("a target was missed");
    }
    Ok(())
}
