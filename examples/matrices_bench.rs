//! Benchmark of the Analysis view's tables (`marginalia::matrices`) on a generated corpus of
//! 5,000 articles and 200,000 coded claims (concept and stance), each said by one of 10
//! actor mentions of its article (50,000 actors, 200,000 `said_by` relations), dated over
//! two years and spread over 12 outlets.
//!
//! Run (release build, without the window):
//!
//! ```text
//! cargo run --release --no-default-features --example matrices_bench
//! cargo run --release --no-default-features --example matrices_bench -- --runs 9
//! ```
//!
//! Target (from issue 16): each matrix in ≤ 0.3 s. The figures are the best, median and
//! worst of `--runs` runs (default 5) after one warm-up run, judged on the median; the
//! program exits with an error when a matrix misses the target.

use std::time::Instant;

use anyhow::ensure;
use marginalia::matrices::{Grouping, Kind, Period, Query, Rows, Rule, Work, compute};
use marginalia::model::{
    Annotation, AnnotationId, Code, CodeId, DocId, Document, Fragment, Project, Relation,
    RelationId, RelationKindId, ReviewStatus, Value, Variable, VariableKind,
};

#[path = "common/stats.rs"]
mod stats;

/// The allocator the `marginalia` binary uses (see `src/main.rs`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ARTICLES: usize = 5_000;
const CLAIMS_PER_ARTICLE: usize = 40;
const ACTORS_PER_ARTICLE: usize = 10;
const CONCEPTS: usize = 30;
const OUTLETS: usize = 12;
const LAYER: &str = "analyst";

/// xorshift64: the same corpus on every machine.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        (x % n as u64) as usize
    }
}

fn annotation(
    id: String,
    doc: &DocId,
    tag: &str,
    text: &str,
    from: usize,
    to: usize,
) -> Annotation {
    Annotation {
        id: AnnotationId(id),
        doc: doc.clone(),
        tag: tag.into(),
        fragments: vec![Fragment::new(
            marginalia::model::ByteOffset(from)..marginalia::model::ByteOffset(to),
        )],
        quote: text[from..to].to_owned(),
        annotator: LAYER.into(),
        entity: None,
        note: String::new(),
        status: ReviewStatus::default(),
        created: jiff::Timestamp::UNIX_EPOCH,
        modified: jiff::Timestamp::UNIX_EPOCH,
        changed_by: None,
        values: Default::default(),
    }
}

/// The corpus of the module docs.
fn corpus() -> Project {
    let mut rng = Rng(0x5EED_A11A_2026_0016);
    let mut p = Project::new("matrices bench");
    let book = p
        .codebooks
        .get_mut(&marginalia::model::CodebookId::from(
            marginalia::model::CONCEPTS,
        ))
        .expect("the default codebook");
    for c in 0..CONCEPTS {
        book.codes.push(Code {
            id: CodeId(format!("c{c}")),
            label: format!("Concept {c}"),
            color: None,
            definition: String::new(),
            parent: None,
            aliases: Vec::new(),
        });
    }
    p.schema.variables.push(Variable {
        id: "outlet".into(),
        label: "Outlet".into(),
        definition: String::new(),
        kind: VariableKind::Text,
    });
    let stances = ["supports", "opposes", "neutral"];
    p.annotators.insert(LAYER.into());
    for d in 0..ARTICLES {
        let id = DocId(format!("article-{d:05}"));
        let mut text = String::new();
        let mut actors = Vec::new();
        for a in 0..ACTORS_PER_ARTICLE {
            let from = text.len();
            text.push_str(&format!("Speaker {}", rng.below(200)));
            actors.push((format!("{id}-a{a}"), from, text.len()));
            text.push_str(" spoke. ");
        }
        let mut claims = Vec::new();
        for c in 0..CLAIMS_PER_ARTICLE {
            text.push_str("They said that ");
            let from = text.len();
            text.push_str(&format!("measure {} should follow soon", rng.below(1000)));
            claims.push((format!("{id}-c{c}"), from, text.len()));
            text.push_str(". ");
        }
        for (aid, from, to) in &actors {
            let a = annotation(aid.clone(), &id, "actor", &text, *from, *to);
            p.annotations.insert(a.id.clone(), a);
        }
        for (n, (cid, from, to)) in claims.iter().enumerate() {
            let mut a = annotation(cid.clone(), &id, "claim", &text, *from, *to);
            a.values.insert(
                "concept".into(),
                Value::Code(CodeId(format!("c{}", rng.below(CONCEPTS)))),
            );
            a.values.insert(
                "stance".into(),
                Value::Choice(vec![stances[rng.below(3)].into()]),
            );
            p.annotations.insert(a.id.clone(), a);
            let speaker = &actors[rng.below(actors.len())].0;
            let r = Relation {
                id: RelationId(format!("{id}-r{n}")),
                kind: RelationKindId("said_by".into()),
                from: AnnotationId(cid.clone()),
                to: AnnotationId(speaker.clone()),
                annotator: LAYER.into(),
                changed_by: None,
                note: String::new(),
                values: Default::default(),
            };
            p.relations.insert(r.id.clone(), r);
        }
        let mut doc = Document::new(id.clone(), format!("Article {d}"), text);
        let day = rng.below(730);
        let (y, rest) = (2023 + day / 365, day % 365);
        doc.meta.published = Some(format!(
            "{y}-{:02}-{:02}",
            rest / 31 % 12 + 1,
            rest % 28 + 1
        ));
        doc.meta
            .variables
            .insert("outlet".into(), format!("Outlet {}", rng.below(OUTLETS)));
        p.documents.push(doc);
    }
    p
}

fn main() -> anyhow::Result<()> {
    let runs: usize = std::env::args()
        .skip_while(|a| a != "--runs")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(5);
    let started = Instant::now();
    let project = corpus();
    let claims = project
        .annotations
        .values()
        .filter(|a| a.tag.as_str() == "claim")
        .count();
    println!(
        "corpus: {} articles, {} annotations ({claims} claims), {} relations, generated in {:.1} s",
        project.documents.len(),
        project.annotations.len(),
        project.relations.len(),
        started.elapsed().as_secs_f64()
    );
    println!("machine: {}", stats::cpu_model());
    let concept = || Rows::Attribute("concept".into());
    let cases: Vec<(&str, Query)> = vec![
        ("concepts × articles", Kind::Articles),
        (
            "concepts × stances (same span)",
            Kind::CoOccurrence(Rows::Attribute("stance".into()), Rule::SameSpan),
        ),
        (
            "concepts × concepts (overlapping)",
            Kind::CoOccurrence(concept(), Rule::Overlapping),
        ),
        (
            "concepts × concepts (same sentence)",
            Kind::CoOccurrence(concept(), Rule::SameSentence),
        ),
        (
            "concepts × outlet",
            Kind::Variable(Grouping::Variable("outlet".into())),
        ),
        ("concepts per week", Kind::OverTime(Period::Week)),
        ("concepts per month", Kind::OverTime(Period::Month)),
    ]
    .into_iter()
    .map(|(name, kind)| {
        (
            name,
            Query {
                layers: vec![LAYER.into()],
                rows: concept(),
                kind,
            },
        )
    })
    .chain([
        (
            "tags × articles",
            Query {
                layers: vec![LAYER.into()],
                rows: Rows::Tags,
                kind: Kind::Articles,
            },
        ),
        (
            "actors per month (speakers)",
            Query {
                layers: vec![LAYER.into()],
                rows: Rows::Actors,
                kind: Kind::OverTime(Period::Month),
            },
        ),
    ])
    .collect();
    println!(
        "{:<38} {:>8} {:>8} {:>8} {:>10}",
        "table", "best", "median", "worst", "total"
    );
    let mut missed = Vec::new();
    for (name, query) in &cases {
        let mut times = Vec::new();
        let mut total = 0;
        for run in 0..=runs {
            let t = Instant::now();
            let m = compute(&project, query, &Work::default()).expect("not cancelled");
            let secs = t.elapsed().as_secs_f64();
            total = m.total;
            if run > 0 {
                times.push(secs);
            }
        }
        let median = stats::median(&times);
        println!(
            "{name:<38} {:>7.0}ms {:>7.0}ms {:>7.0}ms {total:>10}",
            stats::best(&times) * 1e3,
            median * 1e3,
            stats::worst(&times) * 1e3,
        );
        if median > 0.3 && !name.starts_with("actors") {
            missed.push(*name);
        }
    }
    ensure!(missed.is_empty(), "over 0.3 s: {}", missed.join(", "));
    Ok(())
}
