//! The generated benchmark project, shared by the benchmarks (`#[path]`-included): 200
//! articles, about 4 MiB of text, 40 000 annotations in two layers (`analyst` and
//! `reviewer`) and 10 000 relations, the same on every machine.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Context;
use jiff::Timestamp;
use marginalia::model::{
    Annotation, AnnotationId, ByteOffset, DocId, DocStatus, Document, DocumentMeta, Entity,
    EntityId, EntityKind, Fragment, Project, Relation, RelationId, ReviewStatus, quote_of,
};

/// Documents generated.
pub const DOCUMENTS: usize = 200;
/// Total text aimed at: 4 MiB.
pub const TEXT_BYTES: usize = 4 * 1024 * 1024;
/// Annotations per document.
pub const ANNOTATIONS_PER_DOC: usize = 200;
/// Relations per document.
pub const RELATIONS_PER_DOC: usize = 50;
const ENTITIES: usize = 50;
const SEED: u64 = 0x5EED_1DEA_2023_0411;

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
/// The benchmark project.
pub fn generate() -> anyhow::Result<Project> {
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
            refs: Default::default(),
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
            variables: Default::default(),
            tokens: Default::default(),
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
                values: Default::default(),
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
                changed_by: None,
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
                note: Default::default(),
                values: Default::default(),
                id: RelationId(format!("r-{relation_n:06}")),
                kind: "said_by".into(),
                from: claim.clone(),
                to: actors[rng.below(actors.len())].clone(),
                annotator: "analyst".to_owned(),
                changed_by: None,
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

/// The benchmark project for review: every generated annotation in the `analyst` layer
/// (40 000), and a `colleague` layer of 40 000 made from it with the differences two coders
/// have: 72 % the same, 10 % drawn from a word later, 10 % tagged otherwise, 8 % somewhere
/// else (a span the analyst missed, for one the colleague missed). Relations follow the
/// annotations both layers have.
#[allow(
    dead_code,
    reason = "not every benchmark that includes this module uses it"
)]
pub fn two_layers() -> anyhow::Result<Project> {
    let mut project = generate()?;
    project.name = "Benchmark: 200 generated articles, two coders".into();
    project.annotators = BTreeSet::from(["analyst".to_owned(), "colleague".to_owned()]);
    use marginalia::model::SharedMapExt as _;
    project.annotations.change_each(|_, a| {
        a.annotator = "analyst".to_owned();
    });
    project.relations.change_each(|_, r| {
        r.annotator = "analyst".to_owned();
    });
    for d in &mut project.documents {
        if let Some(status) = d.meta.status.get("analyst").copied() {
            d.meta.status.insert("colleague".to_owned(), status);
        }
    }
    let texts: BTreeMap<DocId, String> = project
        .documents
        .iter()
        .map(|d| (d.id.clone(), d.text.clone()))
        .collect();
    let mut rng = Rng(SEED ^ 0xC011_EA6E);
    let mut copies = BTreeMap::new();
    let mut added = Vec::new();
    for a in project.annotations.values() {
        let text = &texts[&a.doc];
        let mut b = a.clone();
        b.id = AnnotationId(format!("b{}", &a.id.0[1..]));
        b.annotator = "colleague".to_owned();
        b.status = ReviewStatus::Pending;
        let roll = rng.below(100);
        let first = a.fragments[0];
        let later_word = text[first.bytes()]
            .find(' ')
            .map(|i| first.start.0 + i + 1)
            .filter(|&s| s < first.end.0);
        let elsewhere = text[a.end().0..].find(' ').and_then(|i| {
            let start = a.end().0 + i + 1;
            let len = text[start..].find([' ', '\n'])?;
            (len > 0).then(|| Fragment::new(ByteOffset(start)..ByteOffset(start + len)))
        });
        match roll {
            72..82 if later_word.is_some() => {
                b.fragments[0].start = ByteOffset(later_word.unwrap_or(first.start.0));
            }
            82..92 => {
                b.tag = match a.tag.as_str() {
                    "claim" => "condition",
                    "condition" => "claim",
                    _ => "claim",
                }
                .into();
                b.entity = None;
                // Its links would no longer fit the relation types.
                b.quote = quote_of(text, &b.fragments).context("colleague's span")?;
                added.push(b);
                continue;
            }
            92.. if elsewhere.is_some() => {
                b.fragments = elsewhere.into_iter().collect();
                b.entity = None;
                b.quote = quote_of(text, &b.fragments).context("span elsewhere")?;
                added.push(b);
                continue;
            }
            _ => {}
        }
        b.quote = quote_of(text, &b.fragments).context("colleague's span")?;
        copies.insert(a.id.clone(), b.id.clone());
        added.push(b);
    }
    let relations: Vec<Relation> = project
        .relations
        .values()
        .filter_map(|r| {
            Some(Relation {
                note: Default::default(),
                values: Default::default(),
                id: RelationId(format!("s{}", &r.id.0[1..])),
                kind: r.kind.clone(),
                from: copies.get(&r.from)?.clone(),
                to: copies.get(&r.to)?.clone(),
                annotator: "colleague".to_owned(),
                changed_by: None,
            })
        })
        .collect();
    for b in added {
        project.annotations.insert(b.id.clone(), b);
    }
    for r in relations {
        project.relations.insert(r.id.clone(), r);
    }
    Ok(project)
}

/// The benchmark project with three values on every annotation: a confidence (a choice), an
/// intensity (a scale) and a concept (one of 50 codes), declared on every tag.
#[allow(dead_code)] // not every example that includes this file codes
pub fn coded() -> anyhow::Result<Project> {
    use marginalia::model::{Attribute, AttributeKind, ChoiceValue, Code, CodebookId, Rgb, Value};
    let mut project = generate()?;
    let book = CodebookId::from("concepts");
    let codes: Vec<Code> = (0..50)
        .map(|i| Code {
            id: format!("c{i}").as_str().into(),
            label: format!("Concept {i}"),
            color: None,
            definition: String::new(),
            parent: (i >= 10).then(|| format!("c{}", i % 10).as_str().into()),
            aliases: Vec::new(),
        })
        .collect();
    if let Some(b) = project.codebooks.get_mut(&book) {
        b.codes = codes;
    }
    let levels = ["low", "mid", "high"];
    for t in &mut project.schema.tags {
        t.attributes
            .retain(|a| a.id.as_str() != "concept" && a.id.as_str() != "stance");
        t.attributes.push(Attribute {
            id: "confidence".into(),
            label: "Confidence".into(),
            definition: String::new(),
            kind: AttributeKind::Choice {
                values: levels
                    .iter()
                    .map(|l| ChoiceValue {
                        id: (*l).to_owned(),
                        label: (*l).to_owned(),
                        color: Rgb(0x80, 0x80, 0x80),
                        key: None,
                    })
                    .collect(),
                multiple: false,
                default: None,
            },
        });
        t.attributes.push(Attribute {
            id: "intensity".into(),
            label: "Intensity".into(),
            definition: String::new(),
            kind: AttributeKind::Scale { min: -2, max: 2 },
        });
        t.attributes.push(Attribute {
            id: "concept".into(),
            label: "Concept".into(),
            definition: String::new(),
            kind: AttributeKind::Code {
                codebook: book.clone(),
            },
        });
    }
    let mut n = 0;
    use marginalia::model::SharedMapExt as _;
    project.annotations.change_each(|_, a| {
        a.values.insert(
            "confidence".into(),
            Value::Choice(vec![levels[n % 3].to_owned()]),
        );
        a.values
            .insert("intensity".into(), Value::Scale((n % 5) as i32 - 2));
        a.values.insert(
            "concept".into(),
            Value::Code(format!("c{}", n % 50).as_str().into()),
        );
        n += 1;
    });

    Ok(project)
}
