//! Reviews a merge makes stale: a reviewed document reopened by a colleague's change its
//! review has not seen, and left reviewed when the change was reviewed too or lies in a layer
//! the review did not compare.

use super::tests::{UA, assert_valid, merged, t, tag, with_docs};
use super::*;
use crate::model::{DocId, DocStatus, Fragment, ops};
use jiff::Timestamp;

/// A ruling by `reviewer` at `now`, without reason or comment.
fn ruling(reviewer: &str, now: Timestamp) -> crate::review::Ruling {
    crate::review::Ruling {
        reviewer: reviewer.into(),
        reason: None,
        comment: String::new(),
        now,
    }
}

/// Alice and Bob coded UA alike, and a reviewer settled it: reviewed, with decisions.
fn reviewed_project() -> Project {
    let mut p = with_docs(&[("ua", UA)]);
    tag(&mut p, "ua", UA, "alice", t(0));
    tag(&mut p, "ua", UA, "bob", t(0));
    let who = vec!["alice".to_owned(), "bob".to_owned()];
    let comparisons = crate::review::compare_all(&p, &who);
    let ruling = ruling("rev", t(20));
    crate::review::accept_agreed(&p, &comparisons, &ruling)
        .unwrap()
        .apply(&mut p)
        .unwrap();
    assert_eq!(reviewed_status(&p), Some(DocStatus::Reviewed));
    p
}

fn reviewed_status(p: &Project) -> Option<DocStatus> {
    p.documents[0]
        .meta
        .status
        .get(crate::model::REVIEWED_LAYER)
        .copied()
}

/// Bob's copy of the reviewed project, where he then narrows his claim at `at`.
fn bob_changes_his_claim(reviewed: &Project, at: Timestamp) -> Project {
    let mut theirs = reviewed.clone();
    let claim = theirs
        .annotations
        .values()
        .find(|a| a.annotator == "bob" && a.tag.as_str() == "claim")
        .unwrap()
        .clone();
    let narrower = vec![Fragment::new(
        claim.start()..crate::model::ByteOffset(claim.end().0 - 6),
    )];
    ops::resize(&theirs, &claim.id, narrower, at)
        .unwrap()
        .apply(&mut theirs)
        .unwrap();
    theirs
}

#[test]
fn a_change_the_review_has_not_seen_reopens_the_reviewed_document_once() {
    let mine = reviewed_project();
    let theirs = bob_changes_his_claim(&mine, t(30));
    let (out, report) = merged(&mine, &theirs, &MergeOptions::default());
    assert_eq!(reviewed_status(&out), Some(DocStatus::InProgress));
    assert_eq!(report.reviews_reopened, vec![DocId::from("ua")]);
    assert!(
        report.to_text().contains("reviews reopened"),
        "{}",
        report.to_text()
    );
    let who = vec!["alice".to_owned(), "bob".to_owned()];
    let open = crate::review::compare(&out, &"ua".into(), &who);
    assert_eq!(open.differences.len() - open.settled(), 1);
    assert_valid(&out);
    // Their file still says reviewed; the second merge leaves it open and changes nothing.
    let again = plan_merge(&out, &theirs, &MergeOptions::default()).unwrap();
    assert!(again.edit.is_empty(), "{}", again.report.to_text());
    assert!(again.report.reviews_reopened.is_empty());
}

#[test]
fn a_change_their_own_review_settled_or_a_layer_never_compared_keeps_it_reviewed() {
    let mine = reviewed_project();
    // They changed it, then decided on it again themselves: their decisions come too.
    let mut theirs = bob_changes_his_claim(&mine, t(30));
    let who = vec!["alice".to_owned(), "bob".to_owned()];
    let c = crate::review::compare(&theirs, &"ua".into(), &who);
    let k = c
        .differences
        .iter()
        .position(|d| d.settled.is_none())
        .unwrap();
    let ruling = ruling("rev2", t(40));
    crate::review::decide(&theirs, &c, k, crate::review::Action::Accept(1), &ruling)
        .unwrap()
        .apply(&mut theirs)
        .unwrap();
    assert_eq!(reviewed_status(&theirs), Some(DocStatus::Reviewed));
    let (out, report) = merged(&mine, &theirs, &MergeOptions::default());
    assert_eq!(reviewed_status(&out), Some(DocStatus::Reviewed));
    assert!(report.reviews_reopened.is_empty());
    assert_valid(&out);

    // A layer the review did not compare arrives: the review still stands.
    let mut carol = with_docs(&[("ua", UA)]);
    tag(&mut carol, "ua", UA, "carol", t(50));
    let (out, report) = merged(&mine, &carol, &MergeOptions::default());
    assert_eq!(reviewed_status(&out), Some(DocStatus::Reviewed));
    assert!(report.reviews_reopened.is_empty());
}

/// The reviewer compared Alice with Bob while Bob had not started: every span was Alice's
/// alone, and accepted. Bob's layer arriving later reopens the review.
#[test]
fn a_layer_compared_while_still_empty_reopens_the_review_when_it_arrives() {
    let mut mine = with_docs(&[("ua", UA)]);
    tag(&mut mine, "ua", UA, "alice", t(0));
    let who = vec!["alice".to_owned(), "bob".to_owned()];
    let ruling = ruling("rev", t(20));
    loop {
        let c = crate::review::compare(&mine, &"ua".into(), &who);
        let Some(k) = c.differences.iter().position(|d| d.settled.is_none()) else {
            break;
        };
        crate::review::decide(&mine, &c, k, crate::review::Action::Accept(0), &ruling)
            .unwrap()
            .apply(&mut mine)
            .unwrap();
    }
    assert_eq!(reviewed_status(&mine), Some(DocStatus::Reviewed));
    let mut bob = with_docs(&[("ua", UA)]);
    tag(&mut bob, "ua", UA, "bob", t(30));
    let (out, report) = merged(&mine, &bob, &MergeOptions::default());
    assert_eq!(report.reviews_reopened, vec![DocId::from("ua")]);
    assert_eq!(reviewed_status(&out), Some(DocStatus::InProgress));
}
