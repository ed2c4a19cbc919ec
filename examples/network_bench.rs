//! Discourse networks on a generated project: how long statements and windowed networks take.
//!
//! ```text
//! cargo run --release --example network_bench [STATEMENTS ARTICLES]   (default 200000 5000)
//! cargo run --example network_bench -- --write OUT.ron STATEMENTS ARTICLES [ACTORS]
//! ```
//! The project: ARTICLES articles dated over five years (2020–2024, one in forty undated),
//! each with an `outlet` variable; STATEMENTS claims, each said by one of 300 actors (or ACTORS) (half of
//! them entities) about one of 40 concepts, with a stance (supports, opposes, neutral; one in
//! twenty without); one claim in fifty has a second speaker and one in a hundred none.
//! `--write` saves it (the CI's network check reads it), otherwise the times are printed:
//! reading the statements, the actor × actor network, and the same with a moving window of
//! one month and of six months (congruence, average).

#![allow(clippy::unwrap_used)]

use std::time::Instant;

use marginalia::analysis::{
    self, Aggregation, Mode, Network, NetworkOptions, Normalization, StatementOptions, Statements,
};
use marginalia::model::{
    Annotation, AnnotationId, ByteOffset, Code, Document, Entity, EntityId, EntityKind, Fragment,
    Project, Relation, RelationId, ReviewStatus, Value, Variable, VariableKind,
};

/// A small deterministic generator (xorshift), so every run makes the same project.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A claim to make: its speakers (actor number and mention range) and its range.
type Item = (Vec<(u64, std::ops::Range<usize>)>, std::ops::Range<usize>);

/// Actors unless told otherwise.
const ACTORS: u64 = 300;
const CONCEPTS: u64 = 40;
const OUTLETS: [&str; 3] = ["le_monde", "figaro", "liberation"];
const STANCES: [&str; 3] = ["supports", "opposes", "neutral"];

fn generate(statements: usize, articles: usize, actors: u64) -> Project {
    let now = jiff::Timestamp::UNIX_EPOCH;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut p = Project::new("generated");
    p.annotators.insert("ana".to_owned());
    p.schema.variables.push(Variable {
        id: "outlet".into(),
        label: "Outlet".to_owned(),
        definition: String::new(),
        kind: VariableKind::Text,
    });
    if let Some(book) = p
        .codebooks
        .get_mut(&marginalia::model::CodebookId::from("concepts"))
    {
        for c in 0..CONCEPTS {
            book.codes.push(Code {
                id: format!("c{c:02}").as_str().into(),
                label: format!("Concept {c:02}"),
                color: None,
                definition: String::new(),
                parent: None,
                aliases: Vec::new(),
            });
        }
    }
    for a in (0..actors).step_by(2) {
        let id = EntityId(format!("e{a:03}"));
        p.entities.insert(
            id.clone(),
            Entity {
                id,
                name: format!("Actor {a:03}"),
                kind: EntityKind::Person,
                aliases: Vec::new(),
                note: String::new(),
                refs: Vec::new(),
            },
        );
    }
    let start = jiff::civil::date(2020, 1, 1);
    let per_article = statements.div_ceil(articles.max(1));
    let mut made = 0;
    let mut n = 0usize;
    for d in 0..articles {
        let doc_id = format!("a{d:05}");
        let mut text = String::new();
        let mut items: Vec<Item> = Vec::new();
        for _ in 0..per_article.min(statements - made) {
            made += 1;
            let speakers = match rng.below(100) {
                0 => 0,
                1 | 2 => 2,
                _ => 1,
            };
            let mut mentions = Vec::new();
            for _ in 0..speakers {
                let a = rng.below(actors);
                let name = format!("Actor {a:03}");
                mentions.push((a, text.len()..text.len() + name.len()));
                text.push_str(&name);
                text.push_str(" and ");
            }
            text.push_str("said that ");
            let claim = format!("claim number {n}");
            n += 1;
            let range = text.len()..text.len() + claim.len();
            text.push_str(&claim);
            text.push_str(".\n");
            items.push((mentions, range));
        }
        let mut doc = Document::new(doc_id.as_str(), format!("Article {d}"), text.clone());
        if rng.below(40) != 0 {
            let day = start
                .checked_add(jiff::Span::new().days(rng.below(1827) as i64))
                .unwrap();
            doc.meta.published = Some(day.to_string());
        }
        doc.meta
            .variables
            .insert("outlet".into(), OUTLETS[rng.below(3) as usize].to_owned());
        p.documents.push(doc);
        for (mentions, claim) in items {
            let annotation = |id: String, tag: &str, r: &std::ops::Range<usize>| Annotation {
                id: AnnotationId(id),
                doc: doc_id.as_str().into(),
                tag: tag.into(),
                fragments: vec![Fragment::new(ByteOffset(r.start)..ByteOffset(r.end))],
                quote: text[r.clone()].to_owned(),
                annotator: "ana".to_owned(),
                entity: None,
                note: String::new(),
                status: ReviewStatus::Pending,
                created: now,
                modified: now,
                changed_by: None,
                values: Default::default(),
            };
            let claim_id = format!("{doc_id}-c{}", claim.start);
            let mut c = annotation(claim_id.clone(), "claim", &claim);
            c.values.insert(
                "concept".into(),
                Value::Code(format!("c{:02}", rng.below(CONCEPTS)).as_str().into()),
            );
            if rng.below(20) != 0 {
                c.values.insert(
                    "stance".into(),
                    Value::Choice(vec![STANCES[rng.below(3) as usize].to_owned()]),
                );
            }
            p.annotations.insert(c.id.clone(), c);
            for (a, r) in mentions {
                let id = format!("{doc_id}-a{}", r.start);
                let mut m = annotation(id.clone(), "actor", &r);
                if a % 2 == 0 {
                    m.entity = Some(EntityId(format!("e{a:03}")));
                }
                p.annotations.insert(m.id.clone(), m);
                let rid = RelationId(format!("{doc_id}-r{}", r.start));
                p.relations.insert(
                    rid.clone(),
                    Relation {
                        id: rid,
                        kind: "said_by".into(),
                        from: AnnotationId(claim_id.clone()),
                        to: AnnotationId(id),
                        annotator: "ana".to_owned(),
                        changed_by: None,
                        note: String::new(),
                        values: Default::default(),
                    },
                );
            }
        }
    }
    p
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--write") {
        let out = args
            .get(1)
            .expect("--write OUT.ron STATEMENTS ARTICLES [ACTORS]");
        let statements = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(600);
        let articles = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(40);
        let actors = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(ACTORS);
        let p = generate(statements, articles, actors);
        marginalia::store::save(&p, std::path::Path::new(out)).unwrap();
        println!(
            "wrote {out}: {} articles, {} annotations",
            p.documents.len(),
            p.annotations.len()
        );
        return;
    }
    let statements: usize = args.first().and_then(|s| s.parse().ok()).unwrap_or(200_000);
    let articles: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(5_000);
    let t = Instant::now();
    let p = generate(statements, articles, ACTORS);
    println!(
        "generated {} articles, {} annotations in {:.2} s",
        p.documents.len(),
        p.annotations.len(),
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let st = Statements::of(&p, &StatementOptions::default()).unwrap();
    println!(
        "statements: {} (skipped {:?}) in {:.3} s",
        st.list.len(),
        st.skipped,
        t.elapsed().as_secs_f64()
    );
    let options = NetworkOptions {
        mode: Mode::ActorActor,
        aggregation: Aggregation::Congruence,
        normalization: Normalization::Average,
        ..NetworkOptions::default()
    };
    options.check(&st).unwrap();
    let t = Instant::now();
    let net = Network::compute(&st, &options);
    println!(
        "actor × actor, congruence, average: {} nodes, {} edges in {:.3} s",
        net.rows.len(),
        net.edges.len(),
        t.elapsed().as_secs_f64()
    );
    for spec in ["months:1", "months:6"] {
        let t = Instant::now();
        let w = analysis::windows(&st, &options, &spec.parse().unwrap()).unwrap();
        let edges: usize = w.windows.iter().map(|x| x.network.edges.len()).sum();
        println!(
            "  window {spec}: {} networks, {edges} edges in all, in {:.3} s",
            w.windows.len(),
            t.elapsed().as_secs_f64()
        );
    }
}
