use super::*;
use crate::model::{Decision, Verdict, ops, parse_marked, project_from_marked};
use proptest::prelude::*;

/// A project with one document whose layers are given as marked texts of the same text:
/// `(annotator, marked)`, the first also making the project.
pub(crate) fn layered(layers: &[(&str, &str)]) -> Project {
    let now = jiff::Timestamp::UNIX_EPOCH;
    let ((first, marked), rest) = layers.split_first().expect("a layer");
    let (mut project, _) = project_from_marked(marked, first, now).expect("valid marked text");
    for (annotator, marked) in rest {
        add_layer(&mut project, annotator, marked);
    }
    project
}

/// Adds `annotator`'s marks of `marked` (over the same text) to document `d`.
pub(crate) fn add_layer(project: &mut Project, annotator: &str, marked: &str) {
    let (text, marks) = parse_marked(marked).expect("valid marked text");
    assert_eq!(text, project.documents[0].text, "same text in every layer");
    for (tag, range) in marks {
        ops::add_annotation(
            project,
            &"d".into(),
            &tag,
            vec![Fragment::new(range)],
            annotator,
            jiff::Timestamp::UNIX_EPOCH,
        )
        .unwrap()
        .apply(project)
        .unwrap();
    }
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// Each difference as (kind, the quotes of its sides).
fn summary(p: &Project, c: &Comparison) -> Vec<(DiffKind, Vec<Option<String>>)> {
    c.differences
        .iter()
        .map(|d| {
            let quotes = d
                .sides
                .iter()
                .map(|s| s.as_ref().map(|id| p.annotations[id].quote.clone()))
                .collect();
            (d.kind, quotes)
        })
        .collect()
}

fn q(s: &str) -> Option<String> {
    Some(s.to_owned())
}

const ANA: &str = "[actor|Macron 🇫🇷] said [claim|talks could start] in [actor|北京] \
                   [condition|if Xi agreed], said [actor|Zoe\u{301}].";
const BO: &str = "[actor|Macron 🇫🇷] said [claim|talks could start in 北京] \
                  [claim|if Xi agreed], said Zoe\u{301}.";

#[test]
fn two_layers_give_every_kind_in_text_order() {
    let p = layered(&[("ana", ANA), ("bo", BO)]);
    let c = compare(&p, &"d".into(), &names(&["ana", "bo"]));
    assert_eq!(c.annotators, names(&["ana", "bo"]));
    assert_eq!(
        summary(&p, &c),
        vec![
            (DiffKind::Agree, vec![q("Macron 🇫🇷"), q("Macron 🇫🇷")]),
            (
                DiffKind::Boundary,
                vec![q("talks could start"), q("talks could start in 北京")]
            ),
            // Bo's claim is taken by the boundary pass before the label pass could pair it.
            (DiffKind::Missing, vec![q("北京"), None]),
            (DiffKind::Label, vec![q("if Xi agreed"), q("if Xi agreed")]),
            (DiffKind::Missing, vec![q("Zoe\u{301}"), None]),
        ]
    );
    let text = &p.documents[0].text;
    let boundary = &c.differences[1];
    assert_eq!(
        &text[boundary.hull.start.0..boundary.hull.end.0],
        "talks could start in 北京"
    );
    assert_eq!(c.counts(), [1, 1, 1, 0, 2]);
    assert!(c.differences.iter().all(|d| d.settled.is_none()));
    assert_eq!(DiffKind::Missing.label(), "only in one layer");
}

#[test]
fn boundary_matching_is_one_to_one_by_largest_overlap() {
    let p = layered(&[
        ("ana", "[claim|one two three four]"),
        ("bo", "[claim|one] [claim|two three four]"),
    ]);
    let c = compare(&p, &"d".into(), &names(&["ana", "bo"]));
    assert_eq!(
        summary(&p, &c),
        vec![
            (
                DiffKind::Boundary,
                vec![q("one two three four"), q("two three four")]
            ),
            (DiffKind::Missing, vec![None, q("one")]),
        ]
    );
}

#[test]
fn a_label_difference_takes_the_largest_overlap_of_another_tag() {
    let p = layered(&[
        ("ana", "[claim|talks start] soon, [actor|Xi 习近平] said"),
        ("bo", "[condition|talks] start soon, [claim|Xi 习近平 said]"),
    ]);
    let c = compare(&p, &"d".into(), &names(&["bo", "ana"]));
    assert_eq!(
        summary(&p, &c),
        vec![
            (DiffKind::Label, vec![q("talks"), q("talks start")]),
            (DiffKind::Label, vec![q("Xi 习近平 said"), q("Xi 习近平")]),
        ]
    );
}

#[test]
fn three_annotators_group_one_annotation_each() {
    let p = layered(&[
        (
            "ana",
            "[actor|Zoe\u{301}] met [actor|Xi] on [claim|talks] 🤝🏽 [actor|Li]",
        ),
        (
            "bo",
            "[actor|Zoe\u{301}] met [actor|Xi on] [condition|talks] 🤝🏽 [actor|Li]",
        ),
        (
            "cy",
            "[actor|Zoe\u{301}] met [actor|Xi] on [claim|talks] 🤝🏽 Li",
        ),
    ]);
    let c = compare(&p, &"d".into(), &names(&["ana", "bo", "cy"]));
    assert_eq!(
        summary(&p, &c),
        vec![
            (
                DiffKind::Agree,
                vec![q("Zoe\u{301}"), q("Zoe\u{301}"), q("Zoe\u{301}")]
            ),
            (DiffKind::Boundary, vec![q("Xi"), q("Xi on"), q("Xi")]),
            (DiffKind::Label, vec![q("talks"), q("talks"), q("talks")]),
            (DiffKind::Missing, vec![q("Li"), q("Li"), None]),
        ]
    );
}

#[test]
fn the_reviewed_layer_and_repeated_names_are_not_compared() {
    let mut p = layered(&[("ana", "[actor|Macron] said 🇫🇷"), ("bo", "Macron said 🇫🇷")]);
    add_layer(&mut p, REVIEWED_LAYER, "[actor|Macron] said 🇫🇷");
    let c = compare(&p, &"d".into(), &names(&["ana", "reviewed", "ana", "bo"]));
    assert_eq!(c.annotators, names(&["ana", "bo"]));
    assert_eq!(
        summary(&p, &c),
        vec![(DiffKind::Missing, vec![q("Macron"), None])]
    );
}

#[test]
fn a_difference_is_settled_by_a_decision_over_all_its_annotations() {
    let mut p = layered(&[
        ("ana", "[actor|Macron] and [actor|Xi]"),
        ("bo", "[actor|Macron] and [claim|Xi]"),
    ]);
    let c = compare(&p, &"d".into(), &names(&["ana", "bo"]));
    let ids = |i: usize| -> Vec<AnnotationId> { c.differences[i].annotations().cloned().collect() };
    let decision = |id: &str, sources: Vec<AnnotationId>| Decision {
        values_from: Default::default(),
        id: DecisionId(id.into()),
        doc: "d".into(),
        verdict: Verdict::Accepted,
        sources,
        seen: Vec::new(),
        compared: Vec::new(),
        taken: Vec::new(),
        proposed_by: Vec::new(),
        decided_by: "rev".into(),
        decided: jiff::Timestamp::UNIX_EPOCH,
        reason: None,
        comment: String::new(),
    };
    // A decision over both annotations settles the first; one over half of the second does not.
    for d in [
        decision("d-1", ids(0)),
        decision("d-2", ids(1)[..1].to_vec()),
    ] {
        p.decisions.insert(d.id.clone(), d);
    }
    let c = compare(&p, &"d".into(), &names(&["ana", "bo"]));
    assert_eq!(c.differences[0].settled, Some(DecisionId("d-1".into())));
    assert_eq!(c.differences[1].settled, None);
    assert_eq!(c.settled(), 1);
    assert!(!c.all_settled());
}

#[test]
fn comparing_every_document_gives_what_comparing_each_gives() {
    let mut p = layered(&[("ana", ANA), ("bo", BO)]);
    let mut second = p.documents[0].clone();
    second.id = "e".into();
    second.text = "Nothing 🙂 here".into();
    p.documents.push(second);
    let who = names(&["ana", "bo"]);
    let all = compare_all(&p, &who);
    assert_eq!(all.len(), 2);
    assert_eq!(all[0], compare(&p, &"d".into(), &who));
    assert_eq!(all[1], compare(&p, &"e".into(), &who));
    assert!(all[1].differences.is_empty() && all[1].all_settled());
}

/// Random layers over a plain text: (annotator, tag, start, length).
fn random_layers() -> impl Strategy<Value = Vec<(usize, usize, usize, usize)>> {
    prop::collection::vec((0..3usize, 0..3usize, 0..40usize, 1..12usize), 0..30)
}

proptest! {
    #[test]
    fn every_annotation_is_in_exactly_one_difference(spans in random_layers()) {
        let text = "abcdefghij".repeat(6);
        let mut project = Project::new("t");
        project.documents.push(crate::model::Document::new("d", "Doc", text));
        let who = names(&["a", "b", "c"]);
        let tags = ["actor", "claim", "condition"];
        for (annotator, tag, start, len) in spans {
            ops::add_annotation(
                &project,
                &"d".into(),
                &tags[tag].into(),
                vec![Fragment::new(ByteOffset(start)..ByteOffset(start + len))],
                &who[annotator],
                jiff::Timestamp::UNIX_EPOCH,
            )
            .unwrap()
            .apply(&mut project)
            .unwrap();
        }
        for compared in [&who[..2], &who[..]] {
            let c = compare(&project, &"d".into(), compared);
            let mut seen = std::collections::BTreeSet::new();
            for d in &c.differences {
                let held: Vec<&Annotation> =
                    d.annotations().map(|id| &project.annotations[id]).collect();
                prop_assert!(!held.is_empty());
                prop_assert_eq!(d.kind, kind_of(&held, compared.len()));
                for (slot, id) in d.sides.iter().enumerate() {
                    if let Some(id) = id {
                        prop_assert_eq!(&project.annotations[id].annotator, &compared[slot]);
                        prop_assert!(seen.insert(id.clone()), "{} twice", id);
                    }
                }
                prop_assert!(held.iter().all(|a| d.hull.start <= a.start() && a.end() <= d.hull.end));
            }
            let expected = project
                .annotations
                .values()
                .filter(|a| compared.contains(&a.annotator))
                .count();
            prop_assert_eq!(seen.len(), expected);
        }
    }
}
