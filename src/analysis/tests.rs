//! Networks of small hand-made projects, each weight worked out by hand in the comments.

use proptest::prelude::*;

use super::*;
use crate::formats::LayerChoice;
use crate::model::{
    Attribute, AttributeKind, ByteOffset, DocId, Document, Fragment, Project, Relation, RelationId,
    Value, ops,
};

const NOW: jiff::Timestamp = jiff::Timestamp::UNIX_EPOCH;

/// One statement to make: speaker, concept, stance (`None`: no stance).
type S<'a> = (&'a str, &'a str, Option<&'a str>);

/// A project with one document per entry (id, published date, statements), each statement
/// an actor mention and a claim linked by `said_by`, in layer `layer`.
fn project_in(docs: &[(&str, Option<&str>, &[S])], layer: &str) -> Project {
    let mut p = Project::new("t");
    add_docs(&mut p, docs, layer);
    p
}

fn project(docs: &[(&str, Option<&str>, &[S])]) -> Project {
    project_in(docs, "ana")
}

fn add_docs(p: &mut Project, docs: &[(&str, Option<&str>, &[S])], layer: &str) {
    p.annotators.insert(layer.to_owned());
    for (id, date, statements) in docs {
        let mut text = String::new();
        let mut spans = Vec::new();
        for (n, (actor, concept, stance)) in statements.iter().enumerate() {
            let a = text.len()..text.len() + actor.len();
            text.push_str(actor);
            text.push_str(" said ");
            let claim = format!("claim{n}");
            let c = text.len()..text.len() + claim.len();
            text.push_str(&claim);
            text.push_str(". ");
            spans.push((a, c, *concept, *stance));
        }
        if p.document(&DocId((*id).to_owned())).is_none() {
            let mut d = Document::new(*id, *id, text);
            d.meta.published = date.map(str::to_owned);
            p.documents.push(d);
        }
        for (a, c, concept, stance) in spans {
            let add = |p: &mut Project, tag: &str, r: std::ops::Range<usize>| {
                let f = Fragment::new(ByteOffset(r.start)..ByteOffset(r.end));
                let edit = ops::add_annotation(p, &(*id).into(), &tag.into(), vec![f], layer, NOW)
                    .expect("add");
                let new = ops::added_annotation(&edit).expect("added").clone();
                edit.apply(p).expect("applies");
                new
            };
            let actor = add(p, "actor", a);
            let claim = add(p, "claim", c);
            let ann = p.annotations.get_mut(&claim).expect("claim");
            ann.values
                .insert("concept".into(), Value::Code(concept.into()));
            if let Some(s) = stance {
                ann.values
                    .insert("stance".into(), Value::Choice(vec![s.to_owned()]));
            }
            let rid = RelationId(format!("r{}", p.relations.len() + 1));
            p.relations.insert(
                rid.clone(),
                Relation {
                    id: rid,
                    kind: "said_by".into(),
                    from: claim,
                    to: actor,
                    annotator: layer.to_owned(),
                    changed_by: None,
                    note: String::new(),
                    values: Default::default(),
                },
            );
        }
    }
}

/// The main example: three actors, two concepts, two documents.
///
/// ```text
/// d1 2024-01-10: A x supports, B x supports, C x opposes, A y opposes
/// d2 2024-02-20: B y opposes,  C y supports, A x supports, B x opposes
/// ```
/// Counts per actor and concept, (supports, opposes); the levels that occur, by id, are
/// [opposes, supports]:
/// ```text
///      x       y       total
/// A  (2, 0)  (0, 1)    3
/// B  (1, 1)  (0, 1)    3
/// C  (0, 1)  (1, 0)    2
/// ```
fn example() -> Project {
    let mut p = project(&[
        (
            "d1",
            Some("2024-01-10"),
            &[
                ("A", "x", Some("supports")),
                ("B", "x", Some("supports")),
                ("C", "x", Some("opposes")),
                ("A", "y", Some("opposes")),
            ],
        ),
        (
            "d2",
            Some("2024-02-20"),
            &[
                ("B", "y", Some("opposes")),
                ("C", "y", Some("supports")),
                ("A", "x", Some("supports")),
                ("B", "x", Some("opposes")),
            ],
        ),
    ]);
    for (d, outlet) in [("d1", "le_monde"), ("d2", "figaro")] {
        if let Some(doc) = p.documents.iter_mut().find(|x| x.id.as_str() == d) {
            doc.meta
                .variables
                .insert("outlet".into(), outlet.to_owned());
        }
    }
    p
}

fn statements(p: &Project) -> Statements {
    Statements::of(p, &StatementOptions::default()).expect("statements")
}

fn opts(mode: Mode, aggregation: Aggregation, normalization: Normalization) -> NetworkOptions {
    NetworkOptions {
        mode,
        aggregation,
        normalization,
        ..NetworkOptions::default()
    }
}

/// The weight between two nodes named by label (actors by name, concepts by id).
fn w(st: &Statements, net: &Network, a: &str, b: &str) -> f64 {
    let find = |nodes: &[Node], name: &str| {
        nodes
            .iter()
            .position(|n| write::node_label(st, n) == name)
            .unwrap_or_else(|| panic!("no node {name}"))
    };
    net.weight(find(&net.rows, a), find(&net.cols, b))
}

fn net(p: &Project, o: &NetworkOptions) -> (Statements, Network) {
    let st = statements(p);
    o.check(&st).expect("options go together");
    let n = Network::compute(&st, o);
    (st, n)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn statements_are_one_per_claim_and_speaker_with_interned_ids() {
    let p = example();
    let st = statements(&p);
    assert_eq!(st.list.len(), 8);
    let names: Vec<&str> = st.actors.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["A", "B", "C"]);
    let concepts: Vec<&str> = st.concepts.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(concepts, ["x", "y"]);
    let levels: Vec<&str> = st.qualifier.levels.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(
        levels,
        ["opposes", "supports"],
        "the values that occur, by id"
    );
    assert_eq!(st.qualifier.kind, QualifierKind::Categorical);
    assert_eq!(st.list[0].date, parse_date("2024-01-10"));
    assert_eq!(st.skipped, Skipped::default());
}

#[test]
fn a_claim_without_speaker_or_concept_makes_no_statement_and_is_counted() {
    let mut p = example();
    // A claim nobody says, and a said claim without a concept.
    let edit = ops::add_annotation(
        &p,
        &"d1".into(),
        &"claim".into(),
        vec![Fragment::new(ByteOffset(0)..ByteOffset(1))],
        "ana",
        NOW,
    )
    .expect("add");
    edit.apply(&mut p).expect("applies");
    let said = p
        .relations
        .values()
        .next()
        .expect("a said claim")
        .from
        .clone();
    p.annotations
        .get_mut(&said)
        .expect("claim")
        .values
        .remove(&"concept".into());
    let st = statements(&p);
    assert_eq!(
        st.skipped,
        Skipped {
            no_speaker: 1,
            no_concept: 1
        }
    );
    assert_eq!(st.list.len(), 7);
}

#[test]
fn two_speakers_of_one_claim_make_two_statements_one_actor_twice_makes_one() {
    let mut p = project(&[("d1", None, &[("A", "x", Some("supports"))])]);
    let claim = p
        .annotations
        .values()
        .find(|a| a.tag.as_str() == "claim")
        .expect("claim")
        .id
        .clone();
    // "claim0" is also said by B (a new mention) and by A again (a second mention).
    let text = p.documents[0].text.clone();
    let add = |p: &mut Project, r: std::ops::Range<usize>| {
        let edit = ops::add_annotation(
            p,
            &"d1".into(),
            &"actor".into(),
            vec![Fragment::new(ByteOffset(r.start)..ByteOffset(r.end))],
            "ana",
            NOW,
        )
        .expect("add");
        let id = ops::added_annotation(&edit).expect("added").clone();
        edit.apply(p).expect("applies");
        id
    };
    let said = text.find("said").expect("said");
    let a_again = add(&mut p, 0..1); // "A" again: overlapping spans are allowed
    let b = add(&mut p, said..said + 4); // "said", grouped as the actor "said"
    for (n, to) in [a_again, b].into_iter().enumerate() {
        let id = RelationId(format!("extra{n}"));
        p.relations.insert(
            id.clone(),
            Relation {
                id,
                kind: "said_by".into(),
                from: claim.clone(),
                to,
                annotator: "ana".into(),
                changed_by: None,
                note: String::new(),
                values: Default::default(),
            },
        );
    }
    let st = statements(&p);
    let speakers: Vec<&str> = st
        .list
        .iter()
        .map(|s| st.actors[s.actor as usize].name.as_str())
        .collect();
    assert_eq!(speakers, ["A", "said"]);
}

#[test]
fn actor_actor_ignore() {
    // Σ_j n_Aj·n_Bj: A,B = x 2·2 + y 1·1 = 5; A,C = x 2·1 + y 1·1 = 3; B,C = 2·1 + 1·1 = 3.
    let (st, n) = net(
        &example(),
        &opts(Mode::ActorActor, Aggregation::Ignore, Normalization::None),
    );
    assert_eq!(w(&st, &n, "A", "B"), 5.0);
    assert_eq!(w(&st, &n, "A", "C"), 3.0);
    assert_eq!(w(&st, &n, "B", "C"), 3.0);
    assert_eq!(w(&st, &n, "B", "A"), 5.0, "symmetric");
    assert_eq!(w(&st, &n, "A", "A"), 0.0, "no loops");
    assert_eq!(n.edges.len(), 3);
}

#[test]
fn actor_actor_congruence_conflict_subtract() {
    let p = example();
    // Congruence, same value: A,B = x supports 2·1 + y opposes 1·1 = 3; A,C = x (2·0, 0·1)
    // + y (0·1, 1·0) = 0; B,C = x opposes 1·1 = 1.
    let (st, n) = net(
        &p,
        &opts(
            Mode::ActorActor,
            Aggregation::Congruence,
            Normalization::None,
        ),
    );
    assert_eq!(
        (
            w(&st, &n, "A", "B"),
            w(&st, &n, "A", "C"),
            w(&st, &n, "B", "C")
        ),
        (3.0, 0.0, 1.0)
    );
    assert_eq!(n.edges.len(), 2, "A–C has no edge");
    // Conflict, different values: A,B = x s_A·o_B 2·1 = 2; A,C = x s_A·o_C 2·1 + y o_A·s_C
    // 1·1 = 3; B,C = x s_B·o_C 1·1 + y o_B·s_C 1·1 = 2.
    let (st, n) = net(
        &p,
        &opts(Mode::ActorActor, Aggregation::Conflict, Normalization::None),
    );
    assert_eq!(
        (
            w(&st, &n, "A", "B"),
            w(&st, &n, "A", "C"),
            w(&st, &n, "B", "C")
        ),
        (2.0, 3.0, 2.0)
    );
    // Subtract = congruence − conflict: 1, −3, −1.
    let (st, n) = net(
        &p,
        &opts(Mode::ActorActor, Aggregation::Subtract, Normalization::None),
    );
    assert_eq!(
        (
            w(&st, &n, "A", "B"),
            w(&st, &n, "A", "C"),
            w(&st, &n, "B", "C")
        ),
        (1.0, -3.0, -1.0)
    );
}

#[test]
fn actor_actor_normalisations() {
    let p = example();
    // Average: congruence / ((n1 + n2) / 2): A,B = 3 / 3 = 1; B,C = 1 / 2.5 = 0.4.
    let (st, n) = net(
        &p,
        &opts(
            Mode::ActorActor,
            Aggregation::Congruence,
            Normalization::Average,
        ),
    );
    assert!(close(w(&st, &n, "A", "B"), 1.0));
    assert!(close(w(&st, &n, "B", "C"), 0.4));
    // Cosine as DNA computes it, n1·n2: A,B = 3 / 9; B,C = 1 / 6.
    let (st, n) = net(
        &p,
        &opts(
            Mode::ActorActor,
            Aggregation::Congruence,
            Normalization::Cosine,
        ),
    );
    assert!(close(w(&st, &n, "A", "B"), 1.0 / 3.0));
    assert!(close(w(&st, &n, "B", "C"), 1.0 / 6.0));
    // Jaccard over (concept, value) cells: A (x,s)=2 (y,o)=1; B (x,s)=1 (x,o)=1 (y,o)=1;
    // C (x,o)=1 (y,s)=1.
    // A,B: m10 = 0, m01 = B's (x,o) = 1, m11 = 2·1 + 1·1 = 3: 3 / 4.
    // B,C: m10 = B's (x,s) + (y,o) = 2, m01 = C's (y,s) = 1, m11 = (x,o) 1·1 = 1: 1 / 4.
    let (st, n) = net(
        &p,
        &opts(
            Mode::ActorActor,
            Aggregation::Congruence,
            Normalization::Jaccard,
        ),
    );
    assert!(close(w(&st, &n, "A", "B"), 0.75));
    assert!(close(w(&st, &n, "B", "C"), 0.25));
    assert_eq!(w(&st, &n, "A", "C"), 0.0);
    // Ignore with Jaccard uses the same cells: A,B = 5 / 4; A,C: m10 = 2 + 1 (C has neither
    // (x,s) nor (y,o)), m01 = 1 + 1, m11 = 0: 3 / 5; B,C: 3 / 4.
    let (st, n) = net(
        &p,
        &opts(
            Mode::ActorActor,
            Aggregation::Ignore,
            Normalization::Jaccard,
        ),
    );
    assert!(close(w(&st, &n, "A", "B"), 1.25));
    assert!(close(w(&st, &n, "A", "C"), 0.6));
    assert!(close(w(&st, &n, "B", "C"), 0.75));
}

#[test]
fn concept_concept_through_actors() {
    // Σ_i n_ix·n_iy = A 2·1 + B 2·1 + C 1·1 = 5. Congruence: A (2,0)·(0,1) = 0, B s 1·0 +
    // o 1·1 = 1, C (0,1)·(1,0) = 0: 1. Conflict: A 2·1 = 2, B s_x·o_y 1·1 = 1, C o_x·s_y 1:
    // 4.
    let p = example();
    let (st, n) = net(
        &p,
        &opts(
            Mode::ConceptConcept,
            Aggregation::Ignore,
            Normalization::None,
        ),
    );
    assert_eq!(w(&st, &n, "x", "y"), 5.0);
    let (st, n) = net(
        &p,
        &opts(
            Mode::ConceptConcept,
            Aggregation::Congruence,
            Normalization::None,
        ),
    );
    assert_eq!(w(&st, &n, "x", "y"), 1.0);
    let (st, n) = net(
        &p,
        &opts(
            Mode::ConceptConcept,
            Aggregation::Conflict,
            Normalization::None,
        ),
    );
    assert_eq!(w(&st, &n, "x", "y"), 4.0);
}

#[test]
fn actor_concept_ignore_combine_and_normalisations() {
    let p = example();
    let (st, n) = net(
        &p,
        &opts(Mode::ActorConcept, Aggregation::Ignore, Normalization::None),
    );
    let cells = |st: &Statements, n: &Network| {
        [
            w(st, n, "A", "x"),
            w(st, n, "A", "y"),
            w(st, n, "B", "x"),
            w(st, n, "B", "y"),
            w(st, n, "C", "x"),
            w(st, n, "C", "y"),
        ]
    };
    assert_eq!(cells(&st, &n), [2.0, 1.0, 2.0, 1.0, 1.0, 1.0]);
    // Combine, levels [opposes, supports]: opposes the high bit (2), supports 1: A–x
    // supports only 1, A–y opposes only 2, B–x both 3, B–y 2, C–x 2, C–y 1.
    let (st, n) = net(
        &p,
        &opts(
            Mode::ActorConcept,
            Aggregation::Combine,
            Normalization::None,
        ),
    );
    assert_eq!(cells(&st, &n), [1.0, 2.0, 3.0, 2.0, 2.0, 1.0]);
    assert_eq!(write::node_label(&st, &n.rows[0]), "A");
    // Subtract on a categorical qualifier adds (DNA: "nothing to subtract").
    let (st, n) = net(
        &p,
        &opts(
            Mode::ActorConcept,
            Aggregation::Subtract,
            Normalization::None,
        ),
    );
    assert_eq!(cells(&st, &n), [2.0, 1.0, 2.0, 1.0, 1.0, 1.0]);
    // Activity: by the actor's statements (A 3, B 3, C 2).
    let (st, n) = net(
        &p,
        &opts(
            Mode::ActorConcept,
            Aggregation::Ignore,
            Normalization::Activity,
        ),
    );
    let got = cells(&st, &n);
    let want = [2.0 / 3.0, 1.0 / 3.0, 2.0 / 3.0, 1.0 / 3.0, 0.5, 0.5];
    assert!(got.iter().zip(want).all(|(a, b)| close(*a, b)), "{got:?}");
    // Prominence: by the concept's statements (x 5, y 3).
    let (st, n) = net(
        &p,
        &opts(
            Mode::ActorConcept,
            Aggregation::Ignore,
            Normalization::Prominence,
        ),
    );
    let got = cells(&st, &n);
    let want = [0.4, 1.0 / 3.0, 0.4, 1.0 / 3.0, 0.2, 1.0 / 3.0];
    assert!(got.iter().zip(want).all(|(a, b)| close(*a, b)), "{got:?}");
}

#[test]
fn an_ordered_choice_is_compared_by_rank_and_signs_subtract() {
    // opposes −1, neutral 0, supports +1; the values that occur run from −1 to 1 (range 2).
    // A x supports, B x neutral, C x opposes.
    let p = project(&[(
        "d1",
        None,
        &[
            ("A", "x", Some("supports")),
            ("B", "x", Some("neutral")),
            ("C", "x", Some("opposes")),
        ],
    )]);
    let options = StatementOptions {
        qualifier_order: Some(vec!["opposes".into(), "neutral".into(), "supports".into()]),
        ..StatementOptions::default()
    };
    let st = Statements::of(&p, &options).expect("statements");
    assert_eq!(st.qualifier.kind, QualifierKind::Ordered);
    let values: Vec<Option<i64>> = st.qualifier.levels.iter().map(|l| l.value).collect();
    assert_eq!(values, [Some(-1), Some(0), Some(1)]);
    let one = |a| {
        let o = opts(Mode::ActorActor, a, Normalization::None);
        Network::compute(&st, &o)
    };
    // A,B: sim = 1 − 1/2 = 0.5; A,C: 1 − 2/2 = 0; B,C: 0.5.
    let n = one(Aggregation::Congruence);
    assert_eq!(
        (
            w(&st, &n, "A", "B"),
            w(&st, &n, "A", "C"),
            w(&st, &n, "B", "C")
        ),
        (0.5, 0.0, 0.5)
    );
    let n = one(Aggregation::Conflict);
    assert_eq!(
        (
            w(&st, &n, "A", "B"),
            w(&st, &n, "A", "C"),
            w(&st, &n, "B", "C")
        ),
        (0.5, 1.0, 0.5)
    );
    let n = one(Aggregation::Subtract);
    assert_eq!(
        (
            w(&st, &n, "A", "B"),
            w(&st, &n, "A", "C"),
            w(&st, &n, "B", "C")
        ),
        (0.0, -1.0, 0.0)
    );
    // Two-mode subtract: each statement its number: A +1, B 0 (no edge), C −1.
    let n = Network::compute(
        &st,
        &opts(
            Mode::ActorConcept,
            Aggregation::Subtract,
            Normalization::None,
        ),
    );
    assert_eq!((w(&st, &n, "A", "x"), w(&st, &n, "C", "x")), (1.0, -1.0));
    assert_eq!(n.edges.len(), 2);
}

#[test]
fn a_flag_is_binary_unset_counting_as_zero() {
    let mut p = project(&[(
        "d1",
        None,
        &[("A", "x", None), ("B", "x", None), ("C", "x", None)],
    )]);
    if let Some(t) = p.schema.tags.iter_mut().find(|t| t.id.as_str() == "claim") {
        t.attributes.push(Attribute {
            id: "negated".into(),
            label: "Negated".into(),
            definition: String::new(),
            kind: AttributeKind::Flag,
        });
    }
    // A and C negate; B does not.
    let claims: Vec<_> = p
        .annotations
        .values()
        .filter(|a| a.tag.as_str() == "claim")
        .map(|a| (a.start(), a.id.clone()))
        .collect();
    let mut claims = claims;
    claims.sort();
    for i in [0, 2] {
        p.annotations
            .get_mut(&claims[i].1)
            .expect("claim")
            .values
            .insert("negated".into(), Value::Flag);
    }
    let options = StatementOptions {
        qualifier: Some("negated".into()),
        ..StatementOptions::default()
    };
    let st = Statements::of(&p, &options).expect("statements");
    assert_eq!(st.qualifier.kind, QualifierKind::Binary);
    // Congruence: A,C same (1); A,B and B,C differ (0). Conflict the other way round.
    let n = Network::compute(
        &st,
        &opts(
            Mode::ActorActor,
            Aggregation::Congruence,
            Normalization::None,
        ),
    );
    assert_eq!(
        (
            w(&st, &n, "A", "B"),
            w(&st, &n, "A", "C"),
            w(&st, &n, "B", "C")
        ),
        (0.0, 1.0, 0.0)
    );
    let n = Network::compute(
        &st,
        &opts(Mode::ActorActor, Aggregation::Conflict, Normalization::None),
    );
    assert_eq!(
        (
            w(&st, &n, "A", "B"),
            w(&st, &n, "A", "C"),
            w(&st, &n, "B", "C")
        ),
        (1.0, 0.0, 1.0)
    );
    // Two-mode: combine, levels [no, yes]: set only 1, unset only 2; subtract +1 / −1.
    let n = Network::compute(
        &st,
        &opts(
            Mode::ActorConcept,
            Aggregation::Combine,
            Normalization::None,
        ),
    );
    assert_eq!((w(&st, &n, "A", "x"), w(&st, &n, "B", "x")), (1.0, 2.0));
    let n = Network::compute(
        &st,
        &opts(
            Mode::ActorConcept,
            Aggregation::Subtract,
            Normalization::None,
        ),
    );
    assert_eq!((w(&st, &n, "A", "x"), w(&st, &n, "B", "x")), (1.0, -1.0));
}

#[test]
fn statements_without_the_qualifier_count_only_where_it_is_ignored() {
    let p = project(&[(
        "d1",
        None,
        &[("A", "x", None), ("B", "x", Some("supports"))],
    )]);
    let st = statements(&p);
    let n = Network::compute(
        &st,
        &opts(Mode::ActorActor, Aggregation::Ignore, Normalization::None),
    );
    assert_eq!(w(&st, &n, "A", "B"), 1.0);
    let n = Network::compute(
        &st,
        &opts(
            Mode::ActorActor,
            Aggregation::Congruence,
            Normalization::None,
        ),
    );
    assert_eq!(n.excluded.no_qualifier, 1);
    assert_eq!(n.rows.len(), 1, "only B is left");
}

/// A says x supports six times: twice in d1 (Monday 1 January 2024), then on 3 January (same
/// ISO week), 20 January (same month), 1 May (same year) and 2 January 2025.
fn repeated() -> Project {
    let s: &[S] = &[("A", "x", Some("supports"))];
    project(&[
        (
            "d1",
            Some("2024-01-01"),
            &[("A", "x", Some("supports")), ("A", "x", Some("supports"))],
        ),
        ("d2", Some("2024-01-03"), s),
        ("d3", Some("2024-01-20"), s),
        ("d4", Some("2024-05-01"), s),
        ("d5", Some("2025-01-02"), s),
    ])
}

#[test]
fn duplicates_per_statement_document_week_month_and_year() {
    let p = repeated();
    let st = statements(&p);
    let count = |d: Duplicates| {
        let o = NetworkOptions {
            duplicates: d,
            ..opts(Mode::ActorConcept, Aggregation::Ignore, Normalization::None)
        };
        let n = Network::compute(&st, &o);
        (w(&st, &n, "A", "x"), n.excluded.duplicates)
    };
    assert_eq!(count(Duplicates::Statement), (6.0, 0));
    assert_eq!(count(Duplicates::Document), (5.0, 1), "d1's second");
    assert_eq!(count(Duplicates::Week), (4.0, 2), "1 and 3 January 2024");
    // January 2024 once, May 2024, January 2025 (DNA, comparing the month alone, would
    // count January 2025 with January 2024).
    assert_eq!(count(Duplicates::Month), (3.0, 3));
    assert_eq!(count(Duplicates::Year), (2.0, 4));
}

#[test]
fn a_different_stance_is_no_duplicate_where_the_qualifier_counts() {
    let p = project(&[(
        "d1",
        Some("2024-01-01"),
        &[
            ("A", "x", Some("supports")),
            ("A", "x", Some("opposes")),
            ("A", "x", Some("supports")),
        ],
    )]);
    let st = statements(&p);
    let o = |a| NetworkOptions {
        duplicates: Duplicates::Document,
        ..opts(Mode::ActorConcept, a, Normalization::None)
    };
    // Ignoring the stance, one statement; with it (combine), supports and opposes: 3.
    let n = Network::compute(&st, &o(Aggregation::Ignore));
    assert_eq!((w(&st, &n, "A", "x"), n.excluded.duplicates), (1.0, 2));
    let n = Network::compute(&st, &o(Aggregation::Combine));
    assert_eq!((w(&st, &n, "A", "x"), n.excluded.duplicates), (3.0, 1));
}

#[test]
fn filters_by_variable_date_layer_and_minimum() {
    let mut p = example();
    let st = statements(&p);
    let base = opts(Mode::ActorActor, Aggregation::Ignore, Normalization::None);
    // d1 only (le_monde): A,B = x 1·1 = 1; A,C = x 1·1 = 1; B,C = 1; y: only A.
    let o = NetworkOptions {
        filter: Filter {
            variables: vec![("outlet".into(), "le_monde".into())],
            ..Filter::default()
        },
        ..base.clone()
    };
    let n = Network::compute(&st, &o);
    assert_eq!(n.excluded.filtered, 4);
    assert_eq!(
        (
            w(&st, &n, "A", "B"),
            w(&st, &n, "A", "C"),
            w(&st, &n, "B", "C")
        ),
        (1.0, 1.0, 1.0)
    );
    // Either outlet: everything.
    let o = NetworkOptions {
        filter: Filter {
            variables: vec![
                ("outlet".into(), "le_monde".into()),
                ("outlet".into(), "figaro".into()),
            ],
            ..Filter::default()
        },
        ..base.clone()
    };
    assert_eq!(Network::compute(&st, &o).statements.len(), 8);
    // From February: d2 only: A,B = x 1·1 + y 0 = 1; B,C = x 1·0 + y 1·1 = 1; A,C = 0.
    let o = NetworkOptions {
        filter: Filter {
            from: parse_date("2024-02"),
            ..Filter::default()
        },
        ..base.clone()
    };
    let n = Network::compute(&st, &o);
    assert_eq!(
        (
            w(&st, &n, "A", "B"),
            w(&st, &n, "A", "C"),
            w(&st, &n, "B", "C")
        ),
        (1.0, 0.0, 1.0)
    );
    // Up to January: d1.
    let o = NetworkOptions {
        filter: Filter {
            to: parse_date("2024-01-31"),
            ..Filter::default()
        },
        ..base.clone()
    };
    assert_eq!(Network::compute(&st, &o).statements.len(), 4);
    // At least 3 statements: C (2) goes, with its statements.
    let o = NetworkOptions {
        filter: Filter {
            min_statements: 3,
            ..Filter::default()
        },
        ..base.clone()
    };
    let n = Network::compute(&st, &o);
    assert_eq!(n.rows.len(), 2);
    assert_eq!(n.excluded.below_minimum, 2);
    assert_eq!(w(&st, &n, "A", "B"), 5.0);
    // An undated article is in the network, but not in a date range.
    add_docs(
        &mut p,
        &[("d3", None, &[("A", "y", Some("supports"))])],
        "ana",
    );
    let st = statements(&p);
    assert_eq!(Network::compute(&st, &base).statements.len(), 9);
    let o = NetworkOptions {
        filter: Filter {
            from: parse_date("2024"),
            ..Filter::default()
        },
        ..base.clone()
    };
    let n = Network::compute(&st, &o);
    assert_eq!((n.statements.len(), n.excluded.undated), (8, 1));
    // Another layer: only its statements, when asked for.
    add_docs(
        &mut p,
        &[(
            "d1",
            None,
            &[("A", "x", Some("supports")), ("B", "x", None)],
        )],
        "bob",
    );
    let bob = Statements::of(
        &p,
        &StatementOptions {
            layer: LayerChoice::One("bob".into()),
            ..StatementOptions::default()
        },
    )
    .expect("bob's statements");
    assert_eq!(bob.list.len(), 2);
    assert_eq!(bob.layers, ["bob"]);
    assert!(
        Statements::of(&p, &StatementOptions::default()).is_err(),
        "two layers: choose one"
    );
}

#[test]
fn the_statements_behind_an_edge() {
    let p = example();
    let (st, n) = net(
        &p,
        &opts(Mode::ActorActor, Aggregation::Ignore, Normalization::None),
    );
    // A,C share x and y: every statement of A (3) and C (2).
    let (a, c) = (0, 2);
    let behind = n.behind(&st, a, c);
    assert_eq!(behind.len(), 5);
    let all = n.behind_edges(&st);
    let i = n
        .edges
        .iter()
        .position(|e| (e.row, e.col) == (a, c))
        .expect("edge");
    assert_eq!(all[i], behind);
    // Two-mode: B's statements about x.
    let (st, n) = net(
        &p,
        &opts(Mode::ActorConcept, Aggregation::Ignore, Normalization::None),
    );
    let behind: Vec<(&str, u32)> = n
        .behind(&st, 1, 0)
        .iter()
        .map(|i| {
            (
                st.list[*i as usize].annotation.as_str(),
                st.list[*i as usize].actor,
            )
        })
        .collect();
    assert_eq!(behind.len(), 2);
    assert!(behind.iter().all(|(_, actor)| *actor == 1));
}

#[test]
fn options_that_do_not_go_together_are_refused() {
    let st = statements(&example());
    let bad = [
        opts(Mode::ActorActor, Aggregation::Combine, Normalization::None),
        opts(
            Mode::ActorActor,
            Aggregation::Ignore,
            Normalization::Activity,
        ),
        opts(
            Mode::ActorConcept,
            Aggregation::Congruence,
            Normalization::None,
        ),
        opts(
            Mode::ActorConcept,
            Aggregation::Ignore,
            Normalization::Jaccard,
        ),
        opts(
            Mode::ActorConcept,
            Aggregation::Combine,
            Normalization::Activity,
        ),
    ];
    for o in bad {
        assert!(o.check(&st).is_err(), "{o:?}");
    }
    let none = Statements::of(
        &example(),
        &StatementOptions {
            qualifier: None,
            ..StatementOptions::default()
        },
    )
    .expect("statements");
    assert!(
        opts(
            Mode::ActorActor,
            Aggregation::Congruence,
            Normalization::None
        )
        .check(&none)
        .is_err()
    );
    let e = Statements::of(
        &example(),
        &StatementOptions {
            qualifier: Some("mood".into()),
            ..StatementOptions::default()
        },
    )
    .expect_err("no such attribute");
    assert!(e.to_string().contains("no attribute \"mood\""), "{e}");
    assert!("months".parse::<WindowSpec>().is_err());
    assert!("months:0".parse::<WindowSpec>().is_err());
    assert!("fortnights:2".parse::<WindowSpec>().is_err());
    assert_eq!(
        "months:6".parse::<WindowSpec>().expect("spec"),
        WindowSpec {
            unit: WindowUnit::Months,
            size: 6
        }
    );
}

fn series(p: &Project, spec: &str) -> Vec<(String, String, usize)> {
    let st = statements(p);
    let o = opts(Mode::ActorConcept, Aggregation::Ignore, Normalization::None);
    let w = windows(&st, &o, &spec.parse().expect("spec")).expect("windows");
    w.windows
        .iter()
        .map(|x| {
            (
                x.start.to_string(),
                x.end.to_string(),
                x.network.statements.len(),
            )
        })
        .collect()
}

#[test]
fn windows_of_days_weeks_months_years_and_statements() {
    // Statements on 1 Jan 2024 (2), 3 Jan, 20 Jan, 1 May 2024, 2 Jan 2025.
    let p = repeated();
    let days = series(&p, "days:3");
    // From 2024-01-01 while the end (start + 2 days) is on or before 2025-01-02: 366.
    assert_eq!(days.len(), 366);
    assert_eq!(days[0], ("2024-01-01".into(), "2024-01-03".into(), 3));
    assert_eq!(days[1], ("2024-01-02".into(), "2024-01-04".into(), 1));
    assert_eq!(
        days.last().cloned(),
        Some(("2024-12-31".into(), "2025-01-02".into(), 1))
    );
    let weeks = series(&p, "weeks:1");
    // Until one reaches 2 Jan 2025: ends 7 Jan + 7k ≥ 2 Jan 2025 first at k = 52 (the week
    // of 30 December 2024 to 5 January 2025): 53 windows, the last holding 2 January.
    assert_eq!(weeks.len(), 53);
    assert_eq!(weeks[0], ("2024-01-01".into(), "2024-01-07".into(), 3));
    assert_eq!(
        weeks.last().cloned(),
        Some(("2024-12-30".into(), "2025-01-05".into(), 1))
    );
    let months = series(&p, "months:1");
    // January 2024 … January 2025, the last holding 2 January 2025.
    assert_eq!(months.len(), 13);
    assert_eq!(months[0], ("2024-01-01".into(), "2024-01-31".into(), 4));
    assert_eq!(months[1], ("2024-02-01".into(), "2024-02-29".into(), 0));
    assert_eq!(months[4].2, 1, "May");
    assert_eq!(months[12], ("2025-01-01".into(), "2025-01-31".into(), 1));
    let six = series(&p, "months:6");
    // Six months starting January … August 2024 (August's ends 31 January 2025, the first
    // to reach the last date).
    assert_eq!(six.len(), 8);
    assert_eq!(six[0], ("2024-01-01".into(), "2024-06-30".into(), 5));
    assert_eq!(six[7], ("2024-08-01".into(), "2025-01-31".into(), 1));
    let years = series(&p, "years:1");
    assert_eq!(
        years,
        [
            ("2024-01-01".into(), "2024-12-31".into(), 5),
            ("2025-01-01".into(), "2025-12-31".into(), 1)
        ]
    );
    let statements = series(&p, "statements:2");
    assert_eq!(statements.len(), 5);
    assert_eq!(statements[0], ("2024-01-01".into(), "2024-01-01".into(), 2));
    assert_eq!(statements[4], ("2024-05-01".into(), "2025-01-02".into(), 2));
    // Longer than the dates, or than the statements: one window of them all.
    assert_eq!(
        series(&p, "years:2"),
        [("2024-01-01".into(), "2025-12-31".into(), 6)]
    );
    assert_eq!(series(&p, "statements:10").len(), 1);
    assert_eq!(series(&p, "statements:10")[0].2, 6);
}

#[test]
fn windows_share_their_nodes_and_leave_undated_statements_out() {
    let mut p = example();
    add_docs(
        &mut p,
        &[("d3", None, &[("D", "y", Some("supports"))])],
        "ana",
    );
    let st = statements(&p);
    let o = opts(Mode::ActorActor, Aggregation::Ignore, Normalization::None);
    let ws = windows(&st, &o, &"days:31".parse().expect("spec")).expect("windows");
    assert_eq!(ws.excluded.undated, 1);
    assert_eq!(ws.rows.len(), 3, "D is undated");
    // 10 January to 20 February: 42 days, so 12 windows of 31 days.
    assert_eq!(ws.windows.len(), 12);
    for x in &ws.windows {
        assert_eq!(x.network.rows.len(), 3);
    }
    // The first holds d1 only: A,B = 1 (x), A,C = 1, B,C = 1.
    let first = &ws.windows[0].network;
    assert_eq!(first.statements.len(), 4);
    assert_eq!(w(&st, first, "A", "B"), 1.0);
}

/// Random statements: actor, concept, level (or none) and day.
fn arbitrary_statements() -> impl Strategy<Value = (Vec<(u32, u32, Option<u32>)>, bool)> {
    (
        prop::collection::vec((0u32..5, 0u32..4, prop::option::of(0u32..3)), 0..60),
        any::<bool>(),
    )
}

fn synthetic(list: &[(u32, u32, Option<u32>)], ordered: bool) -> Statements {
    let level = |id: &str, value: i64| Level {
        id: id.to_owned(),
        label: id.to_owned(),
        value: ordered.then_some(value),
    };
    Statements {
        list: list
            .iter()
            .enumerate()
            .map(|(i, (a, c, l))| Statement {
                annotation: crate::model::AnnotationId(format!("c{i}")),
                mention: crate::model::AnnotationId(format!("m{i}")),
                doc: 0,
                actor: *a,
                concept: *c,
                level: *l,
                date: None,
            })
            .collect(),
        actors: (0..5)
            .map(|i| ActorNode {
                key: crate::summary::ActorKey::Name(format!("a{i}")),
                id: format!("name:a{i}"),
                name: format!("a{i}"),
            })
            .collect(),
        concepts: (0..4)
            .map(|i| ConceptNode {
                id: format!("k{i}"),
                label: format!("k{i}"),
            })
            .collect(),
        documents: vec![DocInfo {
            id: "d".into(),
            published: None,
            date: None,
            index: 0,
            variables: Default::default(),
        }],
        qualifier: Qualifier {
            attribute: Some("stance".into()),
            kind: if ordered {
                QualifierKind::Ordered
            } else {
                QualifierKind::Categorical
            },
            levels: vec![level("a", -2), level("b", 0), level("c", 3)],
        },
        skipped: Skipped::default(),
        tag: "claim".into(),
        concept_attribute: "concept".into(),
        layers: vec!["ana".into()],
    }
}

proptest! {
    #[test]
    fn subtract_is_congruence_minus_conflict((list, ordered) in arbitrary_statements()) {
        let st = synthetic(&list, ordered);
        for mode in [Mode::ActorActor, Mode::ConceptConcept] {
            for norm in [
                Normalization::None,
                Normalization::Average,
                Normalization::Jaccard,
                Normalization::Cosine,
            ] {
                let m = |a| Network::compute(&st, &opts(mode, a, norm)).matrix();
                let (cong, conf, sub) = (
                    m(Aggregation::Congruence),
                    m(Aggregation::Conflict),
                    m(Aggregation::Subtract),
                );
                for ((r1, r2), r3) in cong.iter().zip(&conf).zip(&sub) {
                    for ((a, b), c) in r1.iter().zip(r2).zip(r3) {
                        prop_assert!((a - b - c).abs() < 1e-9, "{a} − {b} ≠ {c}");
                    }
                }
                // And congruence + conflict = ignore without normalisation, on the
                // statements that have a qualifier value.
                if norm == Normalization::None {
                    let with: Vec<_> = list.iter().copied().filter(|s| s.2.is_some()).collect();
                    let st2 = synthetic(&with, ordered);
                    let ig = Network::compute(&st2, &opts(mode, Aggregation::Ignore, norm)).matrix();
                    let c2 = Network::compute(&st2, &opts(mode, Aggregation::Congruence, norm)).matrix();
                    let f2 = Network::compute(&st2, &opts(mode, Aggregation::Conflict, norm)).matrix();
                    for ((r1, r2), r3) in c2.iter().zip(&f2).zip(&ig) {
                        for ((a, b), c) in r1.iter().zip(r2).zip(r3) {
                            prop_assert!((a + b - c).abs() < 1e-9);
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn the_summarys_strongest_ties_are_the_networks_congruence_and_conflict() {
    // The summary weighs its ties itself (it sits below this layer); on the sample's analyst
    // layer they must be this module's categorical congruence and conflict, edge for edge.
    let p = crate::sample::sample_project().expect("the sample");
    let s = crate::summary::Summary::of(&p, &["analyst".to_owned()], None);
    let st = Statements::of(
        &p,
        &StatementOptions {
            layer: LayerChoice::One("analyst".into()),
            ..StatementOptions::default()
        },
    )
    .expect("statements");
    for (ties, aggregation) in [
        (&s.agreements, Aggregation::Congruence),
        (&s.conflicts, Aggregation::Conflict),
    ] {
        let o = opts(Mode::ActorActor, aggregation, Normalization::None);
        let network = Network::compute(&st, &o);
        assert!(!ties.is_empty(), "{aggregation:?}: the sample has ties");
        let strongest = network.edges.iter().map(|e| e.weight).fold(0.0, f64::max);
        assert_eq!(ties[0].weight as f64, strongest, "{aggregation:?}");
        for tie in ties.iter() {
            let name = |i: usize| s.actors[i].name.as_str();
            let weight = w(&st, &network, name(tie.a), name(tie.b));
            assert_eq!(
                tie.weight as f64,
                weight,
                "{aggregation:?}: {} – {}",
                name(tie.a),
                name(tie.b)
            );
        }
    }
}
