use super::*;
use crate::model::ops;
use crate::review::diff::tests::{add_layer, layered};
use crate::review::diff::{DiffKind, compare};

const ANA: &str = "[actor|Macron 🇫🇷] said [claim|talks could start] in [actor|北京] \
                   [condition|if Xi agreed], said [actor|Zoe\u{301}].";
const BO: &str = "[actor|Macron 🇫🇷] said [claim|talks could start in 北京] \
                  [claim|if Xi agreed], said Zoe\u{301}.";

fn who(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn ruling() -> Ruling {
    Ruling {
        reviewer: "rev".into(),
        reason: Some(DecisionReason::Boundary),
        comment: "per guideline §2 — 见第二条".into(),
        now: Timestamp::from_second(1_700_000_000).unwrap(),
    }
}

fn two() -> (Project, Comparison) {
    let p = layered(&[("ana", ANA), ("bo", BO)]);
    let c = compare(&p, &"d".into(), &who(&["ana", "bo"]));
    (p, c)
}

/// Applies `edit`, checks that its inverse gives back the project before, and returns the
/// project after.
fn apply_undoably(before: &Project, edit: Edit) -> Project {
    let mut after = before.clone();
    let inverse = edit.clone().apply(&mut after).unwrap();
    let mut undone = after.clone();
    inverse.apply(&mut undone).unwrap();
    assert_eq!(&undone, before, "undo gives back the project before");
    after
}

fn reviewed(p: &Project) -> Vec<&Annotation> {
    p.annotations
        .values()
        .filter(|a| a.annotator == REVIEWED_LAYER)
        .collect()
}

fn only_decision(p: &Project) -> &Decision {
    assert_eq!(p.decisions.len(), 1);
    p.decisions.values().next().unwrap()
}

fn status(p: &Project) -> Option<DocStatus> {
    p.documents[0].meta.status.get(REVIEWED_LAYER).copied()
}

#[test]
fn accepting_one_side_copies_it_and_records_the_decision() {
    let (p, c) = two();
    assert_eq!(c.differences[1].kind, DiffKind::Boundary);
    let edit = decide(&p, &c, 1, Action::Accept(1), &ruling()).unwrap();
    let after = apply_undoably(&p, edit);
    let copies = reviewed(&after);
    assert_eq!(copies.len(), 1);
    let bo = &p.annotations[c.differences[1].sides[1].as_ref().unwrap()];
    let copy = copies[0];
    assert_eq!(copy.quote, "talks could start in 北京");
    assert_eq!(
        (&copy.tag, &copy.fragments, &copy.entity, &copy.note),
        (&bo.tag, &bo.fragments, &bo.entity, &bo.note)
    );
    assert_eq!(copy.status, ReviewStatus::Accepted);
    assert_ne!(copy.id, bo.id);
    assert!(copy.id.as_str().starts_with("a-"));
    let d = only_decision(&after);
    assert_eq!(d.verdict, Verdict::Accepted);
    assert_eq!(d.doc.as_str(), "d");
    assert_eq!(
        d.sources,
        c.differences[1].annotations().cloned().collect::<Vec<_>>()
    );
    assert_eq!(d.taken, vec![(bo.id.clone(), copy.id.clone())]);
    assert_eq!(d.proposed_by, who(&["bo"]));
    assert_eq!(d.decided_by, "rev");
    assert_eq!(d.decided, ruling().now);
    assert_eq!(d.reason, Some(DecisionReason::Boundary));
    assert_eq!(d.comment, ruling().comment);
    assert!(after.annotators.contains(REVIEWED_LAYER));
    assert_eq!(status(&after), Some(DocStatus::InProgress));
    // The difference is settled now, and cannot be decided again.
    let again = compare(&after, &"d".into(), &who(&["ana", "bo"]));
    assert_eq!(again.differences[1].settled, Some(d.id.clone()));
    assert!(matches!(
        decide(&after, &again, 1, Action::Reject, &ruling()),
        Err(EditError::Invalid(_))
    ));
    // Nor through the stale comparison made before the decision.
    assert!(matches!(
        decide(&after, &c, 1, Action::Reject, &ruling()),
        Err(EditError::Invalid(_))
    ));
}

#[test]
fn accepting_all_takes_every_side_and_identical_sides_share_one_copy() {
    let (p, c) = two();
    // The label difference: two tags, two copies.
    let after = apply_undoably(&p, decide(&p, &c, 3, Action::AcceptAll, &ruling()).unwrap());
    let mut tags: Vec<&str> = reviewed(&after).iter().map(|a| a.tag.as_str()).collect();
    tags.sort();
    assert_eq!(tags, vec!["claim", "condition"]);
    let d = only_decision(&after);
    assert_eq!(d.verdict, Verdict::AcceptedAll);
    assert_eq!(d.proposed_by, who(&["ana", "bo"]));
    assert_eq!(d.taken.len(), 2);
    // The agreed difference: one copy for both.
    let after = apply_undoably(&p, decide(&p, &c, 0, Action::AcceptAll, &ruling()).unwrap());
    let copies = reviewed(&after);
    assert_eq!(copies.len(), 1);
    assert_eq!(copies[0].quote, "Macron 🇫🇷");
    let d = only_decision(&after);
    assert_eq!(d.taken.len(), 2);
    assert!(d.taken.iter().all(|(_, copy)| copy == &copies[0].id));
}

#[test]
fn rejecting_takes_nothing_and_names_whose_work_was_rejected() {
    let (p, c) = two();
    assert_eq!(c.differences[2].kind, DiffKind::Missing);
    let after = apply_undoably(&p, decide(&p, &c, 2, Action::Reject, &ruling()).unwrap());
    assert!(reviewed(&after).is_empty());
    let d = only_decision(&after);
    assert_eq!(d.verdict, Verdict::Rejected);
    assert!(d.taken.is_empty());
    assert_eq!(d.proposed_by, who(&["ana"]));
    assert_eq!(d.sources.len(), 1);
}

#[test]
fn editing_accepts_the_side_with_verdict_edited_and_names_the_copy() {
    let (p, c) = two();
    let edit = decide(&p, &c, 1, Action::Edit(0), &ruling()).unwrap();
    let d = decision_in(&edit).unwrap().clone();
    assert_eq!(d.verdict, Verdict::Edited);
    let after = apply_undoably(&p, edit);
    let copy = &after.annotations[&d.taken[0].1];
    assert_eq!(copy.quote, "talks could start");
    assert_eq!(copy.annotator, REVIEWED_LAYER);
    assert_eq!(d.proposed_by, who(&["ana"]));
}

#[test]
fn a_side_without_an_annotation_or_a_stale_comparison_is_refused() {
    let (p, c) = two();
    assert!(matches!(
        decide(&p, &c, 2, Action::Accept(1), &ruling()),
        Err(EditError::Invalid(_))
    ));
    assert!(decide(&p, &c, 99, Action::Reject, &ruling()).is_err());
    assert!(decide(&p, &c, 0, Action::Accept(5), &ruling()).is_err());
    let mut changed = p.clone();
    let gone = c.differences[0].sides[0].clone().unwrap();
    ops::remove_annotation(&changed, &gone)
        .unwrap()
        .apply(&mut changed)
        .unwrap();
    assert!(matches!(
        decide(&changed, &c, 0, Action::Accept(0), &ruling()),
        Err(EditError::Stale { .. })
    ));
}

#[test]
fn the_document_is_reviewed_when_its_last_difference_is_settled() {
    let (mut p, c) = two();
    let who = who(&["ana", "bo"]);
    let n = c.differences.len();
    for i in 0..n {
        let c = compare(&p, &"d".into(), &who);
        let edit = decide(&p, &c, i, Action::AcceptAll, &ruling()).unwrap();
        p = apply_undoably(&p, edit);
        let expected = if i + 1 == n {
            DocStatus::Reviewed
        } else {
            DocStatus::InProgress
        };
        assert_eq!(status(&p), Some(expected), "after decision {}", i + 1);
    }
    assert!(compare(&p, &"d".into(), &who).all_settled());
    // Reopening one takes the document back to in progress, and the difference is open again.
    let first = compare(&p, &"d".into(), &who).differences[0]
        .settled
        .clone()
        .unwrap();
    let after = apply_undoably(&p, reopen(&p, &first).unwrap());
    assert_eq!(status(&after), Some(DocStatus::InProgress));
    assert_eq!(compare(&after, &"d".into(), &who).settled(), n - 1);
    assert!(!after.decisions.contains_key(&first));
}

#[test]
fn accepting_what_is_agreed_settles_only_agreements_in_one_step() {
    let (p, c) = two();
    let edit = accept_agreed(&p, std::slice::from_ref(&c), &ruling()).unwrap();
    let after = apply_undoably(&p, edit);
    let d = only_decision(&after);
    assert_eq!(d.verdict, Verdict::Agreed);
    assert_eq!(d.proposed_by, who(&["ana", "bo"]));
    assert_eq!(reviewed(&after).len(), 1);
    assert_eq!(status(&after), Some(DocStatus::InProgress));
    let again = compare(&after, &"d".into(), &who(&["ana", "bo"]));
    assert!(again.differences[0].settled.is_some());
    assert_eq!(again.settled(), 1);
    // Nothing left to agree on: nothing to do.
    assert!(
        accept_agreed(&after, std::slice::from_ref(&again), &ruling())
            .unwrap()
            .is_empty()
    );
    // A document where everything is agreed ends reviewed.
    let same = layered(&[
        ("ana", "[actor|Zoe\u{301}] 🙂"),
        ("bo", "[actor|Zoe\u{301}] 🙂"),
    ]);
    let c = compare(&same, &"d".into(), &who(&["ana", "bo"]));
    let after = apply_undoably(
        &same,
        accept_agreed(&same, &[c.clone(), c], &ruling()).unwrap(),
    );
    assert_eq!(status(&after), Some(DocStatus::Reviewed));
    assert_eq!(
        after.decisions.len(),
        1,
        "a document given twice is settled once"
    );
}

/// Links every claim of `annotator` to every actor of theirs with `said_by`.
fn link_claims(p: &mut Project, annotator: &str) {
    let of = |tag: &str| -> Vec<AnnotationId> {
        p.annotations
            .values()
            .filter(|a| a.annotator == annotator && a.tag.as_str() == tag)
            .map(|a| a.id.clone())
            .collect()
    };
    let (claims, actors) = (of("claim"), of("actor"));
    for claim in &claims {
        for actor in &actors {
            ops::add_relation(p, &"said_by".into(), claim, actor, annotator)
                .unwrap()
                .apply(p)
                .unwrap();
        }
    }
}

#[test]
fn relations_follow_once_both_ends_are_reviewed() {
    let mut p = layered(&[
        ("ana", "[actor|Xi 习近平] said [claim|talks] now"),
        ("bo", "[actor|Xi 习近平] said [claim|talks now]"),
    ]);
    link_claims(&mut p, "ana");
    link_claims(&mut p, "bo");
    let who = who(&["ana", "bo"]);
    let c = compare(&p, &"d".into(), &who);
    // The claim first: its speaker has no reviewed copy yet, so no link.
    let p = apply_undoably(&p, decide(&p, &c, 1, Action::Accept(1), &ruling()).unwrap());
    let reviewed_links = |p: &Project| -> Vec<Relation> {
        p.relations
            .values()
            .filter(|r| r.annotator == REVIEWED_LAYER)
            .cloned()
            .collect()
    };
    assert!(reviewed_links(&p).is_empty());
    // Then the agreed speaker: both annotators' links map to the same pair of copies, once.
    let c = compare(&p, &"d".into(), &who);
    let p = apply_undoably(&p, accept_agreed(&p, &[c], &ruling()).unwrap());
    let links = reviewed_links(&p);
    assert_eq!(links.len(), 1);
    let (from, to) = (&p.annotations[&links[0].from], &p.annotations[&links[0].to]);
    assert_eq!(
        (from.quote.as_str(), to.quote.as_str()),
        ("talks now", "Xi 习近平")
    );
    assert!(from.annotator == REVIEWED_LAYER && to.annotator == REVIEWED_LAYER);
    assert_eq!(status(&p), Some(DocStatus::Reviewed));
    // Reopening the claim's decision takes its copy and the link with it.
    let claim = p
        .decisions
        .values()
        .find(|d| d.verdict == Verdict::Accepted)
        .unwrap()
        .id
        .clone();
    let p = apply_undoably(&p, reopen(&p, &claim).unwrap());
    assert!(reviewed_links(&p).is_empty());
    assert_eq!(reviewed(&p).len(), 1);
}

#[test]
fn three_annotators_accept_all_with_one_copy_per_distinct_span() {
    let mut p = layered(&[
        ("ana", "[actor|Xi] on talks 🤝🏽"),
        ("bo", "[actor|Xi on] talks 🤝🏽"),
    ]);
    add_layer(&mut p, "cy", "[actor|Xi] on talks 🤝🏽");
    let c = compare(&p, &"d".into(), &who(&["ana", "bo", "cy"]));
    assert_eq!(c.differences.len(), 1);
    assert_eq!(c.differences[0].kind, DiffKind::Boundary);
    let after = apply_undoably(&p, decide(&p, &c, 0, Action::AcceptAll, &ruling()).unwrap());
    let mut quotes: Vec<&str> = reviewed(&after).iter().map(|a| a.quote.as_str()).collect();
    quotes.sort();
    assert_eq!(quotes, vec!["Xi", "Xi on"]);
    let d = only_decision(&after);
    assert_eq!(d.proposed_by, who(&["ana", "bo", "cy"]));
    assert_eq!(d.sources.len(), 3);
    assert_eq!(status(&after), Some(DocStatus::Reviewed));
    // Accepting the third annotator alone.
    let after = apply_undoably(&p, decide(&p, &c, 0, Action::Accept(2), &ruling()).unwrap());
    assert_eq!(only_decision(&after).proposed_by, who(&["cy"]));
}

#[test]
fn a_relation_is_not_copied_onto_a_retagged_copy_the_schema_refuses() {
    let mut p = layered(&[
        ("ana", "[actor|Zoe\u{301} 🙂] said [claim|talks 北京] now"),
        ("bo", "[actor|Zoe\u{301}] 🙂 said [claim|talks 北京 now]"),
    ]);
    link_claims(&mut p, "ana");
    let who = who(&["ana", "bo"]);
    let c = compare(&p, &"d".into(), &who);
    assert_eq!(c.differences.len(), 2);
    // Edit… the actor, then retag its reviewed copy to a condition.
    let p = apply_undoably(&p, decide(&p, &c, 0, Action::Edit(0), &ruling()).unwrap());
    let copy = reviewed(&p)[0].id.clone();
    let retag = ops::retag(&p, &copy, &"condition".into(), ruling().now).unwrap();
    let p = apply_undoably(&p, retag);
    // Accepting ana's claim must not link it to the condition with `said_by`.
    let c = compare(&p, &"d".into(), &who);
    let p = apply_undoably(&p, decide(&p, &c, 1, Action::Accept(0), &ruling()).unwrap());
    assert_eq!(reviewed(&p).len(), 2);
    assert!(
        p.relations.values().all(|r| r.annotator != REVIEWED_LAYER),
        "no said_by from a claim to a condition"
    );
    let text = crate::store::to_string(&p).unwrap();
    crate::store::from_str(std::path::Path::new("p.ron"), &text).expect("the saved project loads");
}

#[test]
fn a_source_taken_earlier_keeps_its_copy_when_a_colleague_joins_it() {
    let p = layered(&[
        ("ana", "[actor|Zoe\u{301} 北京] 🙂 said"),
        ("bo", "Zoe\u{301} 北京 🙂 said"),
    ]);
    let who = who(&["ana", "bo"]);
    let c = compare(&p, &"d".into(), &who);
    assert_eq!(c.differences.len(), 1);
    let mut p = apply_undoably(&p, decide(&p, &c, 0, Action::Accept(0), &ruling()).unwrap());
    let first = reviewed(&p)[0].id.clone();
    // bo marks the same span later: the group {ana, bo} is new and unsettled.
    add_layer(&mut p, "bo", "[actor|Zoe\u{301} 北京] 🙂 said");
    let c = compare(&p, &"d".into(), &who);
    assert_eq!(c.differences[0].kind, DiffKind::Agree);
    assert!(c.differences[0].settled.is_none());
    let after = apply_undoably(&p, accept_agreed(&p, &[c], &ruling()).unwrap());
    let copies: Vec<&AnnotationId> = reviewed(&after).iter().map(|a| &a.id).collect();
    assert_eq!(
        copies,
        vec![&first],
        "one reviewed annotation, the earlier copy"
    );
    let agreed = after
        .decisions
        .values()
        .find(|d| d.verdict == Verdict::Agreed)
        .unwrap();
    assert_eq!(agreed.taken.len(), 2);
    assert!(agreed.taken.iter().all(|(_, copy)| copy == &first));
    // Reopening the agreement leaves the copy the first decision still stands on.
    let reopened = apply_undoably(&after, reopen(&after, &agreed.id).unwrap());
    assert_eq!(reviewed(&reopened).len(), 1);
}

/// `p` with Bo's annotation `bo_id` resized to `fragments` at `at`, compared again, and the
/// position of the difference that holds it.
fn resized(
    p: &Project,
    bo_id: &AnnotationId,
    fragments: &[crate::model::Fragment],
    at: Timestamp,
) -> (Project, Comparison, usize) {
    let mut changed = p.clone();
    ops::resize(p, bo_id, fragments.to_vec(), at)
        .unwrap()
        .apply(&mut changed)
        .unwrap();
    let again = compare(&changed, &"d".into(), &who(&["ana", "bo"]));
    let k = again
        .differences
        .iter()
        .position(|d| d.sides[1].as_ref() == Some(bo_id))
        .unwrap();
    (changed, again, k)
}

/// A colleague changes an annotation after it was decided on (their update merged in): the
/// difference is open again, and deciding it again replaces the copy made of the old version.
#[test]
fn a_source_changed_after_the_decision_reopens_it_and_the_new_ruling_replaces_its_copy() {
    let (p, c) = two();
    let bo_id = c.differences[1].sides[1].clone().unwrap();
    let decided = apply_undoably(&p, decide(&p, &c, 1, Action::Accept(1), &ruling()).unwrap());
    let first = only_decision(&decided).clone();
    let seen: Vec<String> = first
        .sources
        .iter()
        .map(|id| fingerprint(&decided.annotations[id]))
        .collect();
    assert_eq!(first.seen, seen);
    assert_eq!(first.compared, who(&["ana", "bo"]));
    let old_copy = first.taken[0].1.clone();

    // A note added later (by a colleague whose clock runs a day ahead) changes neither tag
    // nor span: still settled.
    let ahead = Timestamp::from_second(1_700_086_400).unwrap();
    let mut noted = decided.clone();
    ops::set_note(&decided, &bo_id, "Bo's note", ahead)
        .unwrap()
        .apply(&mut noted)
        .unwrap();
    let cs = compare(&noted, &"d".into(), &who(&["ana", "bo"]));
    assert_eq!(cs.differences[1].settled, Some(first.id.clone()));
    let bo = &decided.annotations[&bo_id];
    let end = crate::model::ByteOffset(bo.end().0 - " 北京".len());
    let narrower = vec![crate::model::Fragment::new(bo.start()..end)];

    // Bo narrows it after the ruling (whatever his clock reads): the difference is open
    // again.
    let later = Timestamp::from_second(1_700_000_100).unwrap();
    let (changed, again, k) = resized(&decided, &bo_id, &narrower, later);
    assert_eq!(again.differences[k].settled, None);

    let mut r = ruling();
    r.now = Timestamp::from_second(1_700_000_200).unwrap();
    let after = apply_undoably(
        &changed,
        decide(&changed, &again, k, Action::Accept(1), &r).unwrap(),
    );
    let copies = reviewed(&after);
    assert_eq!(copies.len(), 1, "the old copy is replaced, not kept beside");
    assert_ne!(copies[0].id, old_copy);
    assert_eq!(copies[0].fragments, narrower);
    assert_eq!(copies[0].quote, "talks could start in");
    assert_eq!(
        after.decisions.len(),
        2,
        "the first decision stays as history"
    );
    let now = compare(&after, &"d".into(), &who(&["ana", "bo"]));
    assert!(now.differences[k].settled.is_some());
    // Reopening the first decision now takes nothing else away.
    let reopened = apply_undoably(&after, reopen(&after, &first.id).unwrap());
    assert_eq!(reviewed(&reopened).len(), 1);
}

/// An agreement accepted with one copy for both annotators; then Bo narrows his span. The
/// shared copy goes with a rejection or with Bo's new version, and stays with Ana's.
#[test]
fn a_shared_copy_of_an_agreement_follows_the_new_ruling_after_one_side_changes() {
    let (p, c) = two();
    let agreed = apply_undoably(
        &p,
        accept_agreed(&p, std::slice::from_ref(&c), &ruling()).unwrap(),
    );
    let k = c
        .differences
        .iter()
        .position(|d| d.kind == DiffKind::Agree)
        .unwrap();
    let ana_id = c.differences[k].sides[0].clone().unwrap();
    let bo_id = c.differences[k].sides[1].clone().unwrap();
    let shared = reviewed(&agreed)
        .into_iter()
        .find(|r| r.fragments == agreed.annotations[&ana_id].fragments)
        .unwrap()
        .id
        .clone();
    let copies = reviewed(&agreed).len();

    let bo = &agreed.annotations[&bo_id];
    let first_char = bo.quote.chars().next().unwrap().len_utf8();
    let narrower = vec![crate::model::Fragment::new(
        crate::model::ByteOffset(bo.start().0 + first_char)..bo.end(),
    )];
    let (changed, again, k) = resized(&agreed, &bo_id, &narrower, ruling().now);
    assert_eq!(again.differences[k].settled, None, "open again");

    let rule = |action| {
        let edit = decide(&changed, &again, k, action, &ruling()).unwrap();
        apply_undoably(&changed, edit)
    };
    let rejected = rule(Action::Reject);
    assert!(!rejected.annotations.contains_key(&shared));
    assert_eq!(reviewed(&rejected).len(), copies - 1);

    let bos = rule(Action::Accept(1));
    assert!(!bos.annotations.contains_key(&shared));
    assert_eq!(reviewed(&bos).len(), copies);
    assert!(reviewed(&bos).iter().any(|r| r.fragments == narrower));

    let anas = rule(Action::Accept(0));
    assert!(
        anas.annotations.contains_key(&shared),
        "Ana's version is the copy"
    );
    assert_eq!(reviewed(&anas).len(), copies);
}

/// Two annotators mark the same claim and actor; they code the claim differently: ana says it
/// supports a ceasefire, bo that it opposes it, with the same concept.
fn coded() -> (Project, Comparison) {
    let text = "[actor|Macron 🇫🇷] said [claim|talks could start in 北京], said Zoe\u{301}.";
    let mut p = layered(&[("ana", text), ("bo", text)]);
    let now = Timestamp::UNIX_EPOCH;
    let concepts: crate::model::CodebookId = "concepts".into();
    let code = crate::model::Code {
        id: "ceasefire".into(),
        label: "Ceasefire 停火".into(),
        color: None,
        definition: String::new(),
        parent: None,
        aliases: Vec::new(),
    };
    ops::put_code(&p, &concepts, code)
        .unwrap()
        .apply(&mut p)
        .unwrap();
    let claims: Vec<(String, AnnotationId)> = p
        .annotations
        .values()
        .filter(|a| a.tag.as_str() == "claim")
        .map(|a| (a.annotator.clone(), a.id.clone()))
        .collect();
    for (who, id) in claims {
        let stance = if who == "ana" { "supports" } else { "opposes" };
        for (attr, value) in [
            ("stance", crate::model::Value::Choice(vec![stance.into()])),
            ("concept", crate::model::Value::Code("ceasefire".into())),
        ] {
            ops::set_value(&p, &id, &attr.into(), Some(value), now)
                .unwrap()
                .apply(&mut p)
                .unwrap();
        }
    }
    let c = compare(&p, &"d".into(), &who(&["ana", "bo"]));
    (p, c)
}

#[test]
fn a_value_differs_is_settled_attribute_by_attribute() {
    let (p, c) = coded();
    let kinds: Vec<DiffKind> = c.differences.iter().map(|d| d.kind).collect();
    assert_eq!(kinds, [DiffKind::Agree, DiffKind::Values]);
    assert_eq!(c.counts(), [1, 0, 0, 1, 0]);
    assert_eq!(DiffKind::Values.label(), "value differs");
    // Both share the concept, so only the stance must be chosen; bo's is taken.
    let from: BTreeMap<AttributeId, usize> = [("stance".into(), 1)].into_iter().collect();
    let edit = decide(&p, &c, 1, Action::Values(from), &ruling()).unwrap();
    let after = apply_undoably(&p, edit);
    let d = only_decision(&after);
    assert_eq!(d.verdict, Verdict::Accepted, "every chosen value is bo's");
    assert_eq!(d.proposed_by, ["bo"]);
    assert_eq!(
        d.values_from
            .get(&AttributeId::from("stance"))
            .map(String::as_str),
        Some("bo")
    );
    assert_eq!(d.sources.len(), 2);
    let copy = reviewed(&after)[0];
    assert_eq!(
        copy.values.get(&AttributeId::from("stance")),
        Some(&crate::model::Value::Choice(vec!["opposes".into()]))
    );
    assert_eq!(
        copy.values.get(&AttributeId::from("concept")),
        Some(&crate::model::Value::Code("ceasefire".into()))
    );
    let again = compare(&after, &"d".into(), &who(&["ana", "bo"]));
    assert!(again.differences[1].settled.is_some());
    // A value changed since reopens it: values are part of what the reviewer saw.
    let bo_claim = after
        .annotations
        .values()
        .find(|a| a.annotator == "bo" && a.tag.as_str() == "claim")
        .unwrap()
        .id
        .clone();
    let mut changed = after.clone();
    ops::set_value(
        &changed,
        &bo_claim,
        &"stance".into(),
        Some(crate::model::Value::Choice(vec!["neutral".into()])),
        Timestamp::UNIX_EPOCH,
    )
    .unwrap()
    .apply(&mut changed)
    .unwrap();
    let reopened = compare(&changed, &"d".into(), &who(&["ana", "bo"]));
    assert!(reopened.differences[1].settled.is_none());
}

#[test]
fn values_taken_from_both_annotators_are_an_edited_copy() {
    let (mut p, _) = coded();
    // bo also drops the concept; ana's concept and bo's stance are taken.
    let bo_claim = p
        .annotations
        .values()
        .find(|a| a.annotator == "bo" && a.tag.as_str() == "claim")
        .unwrap()
        .id
        .clone();
    ops::set_value(
        &p,
        &bo_claim,
        &"concept".into(),
        None,
        Timestamp::UNIX_EPOCH,
    )
    .unwrap()
    .apply(&mut p)
    .unwrap();
    let c = compare(&p, &"d".into(), &who(&["ana", "bo"]));
    // Choosing only the stance is refused: the concept differs too.
    let only_stance: BTreeMap<AttributeId, usize> = [("stance".into(), 1)].into_iter().collect();
    let err = decide(&p, &c, 1, Action::Values(only_stance), &ruling()).unwrap_err();
    assert!(err.to_string().contains("Concept"), "{err}");
    let from: BTreeMap<AttributeId, usize> = [("stance".into(), 1), ("concept".into(), 0)]
        .into_iter()
        .collect();
    let after = apply_undoably(
        &p,
        decide(&p, &c, 1, Action::Values(from), &ruling()).unwrap(),
    );
    let d = only_decision(&after);
    assert_eq!(d.verdict, Verdict::Edited);
    let copy = reviewed(&after)[0];
    assert_eq!(copy.values.len(), 2);
    assert_eq!(
        copy.values.get(&AttributeId::from("concept")),
        Some(&crate::model::Value::Code("ceasefire".into()))
    );
    // Values are chosen one by one only on the same span and tag.
    let (lp, lc) = two();
    let label = lc
        .differences
        .iter()
        .position(|d| d.kind == DiffKind::Label)
        .unwrap();
    let err = decide(&lp, &lc, label, Action::Values(BTreeMap::new()), &ruling()).unwrap_err();
    assert!(err.to_string().contains("same span"), "{err}");
}
