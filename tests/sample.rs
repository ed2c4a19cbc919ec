//! The bundled sample project: valid, complete, built from the shared articles, and coded by two
//! analysts whose layers differ the way a colleague's do.

#![allow(clippy::unwrap_used)] // a test that cannot set up should stop loudly

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use marginalia::model::{Annotation, DocStatus, Project, TagId};
use marginalia::review::{Units, agreement};
use marginalia::sample::sample_project;

/// The first analyst's layer and the colleague's, as the sample ships them.
const FIRST: &str = "analyst";
const SECOND: &str = "noor";

fn by_tag<'p>(project: &'p Project, tag: &str) -> Vec<&'p marginalia::model::Annotation> {
    project
        .annotations
        .values()
        .filter(|a| a.tag == TagId::from(tag))
        .collect()
}

#[test]
fn the_sample_is_annotated_as_the_issue_asks() {
    let project = sample_project().unwrap();
    assert_eq!(project.documents.len(), 2);
    assert!(
        project.annotations.len() >= 60,
        "{}",
        project.annotations.len()
    );
    // Every actor mention is linked to an entity that exists.
    for a in by_tag(&project, "actor") {
        let entity = a
            .entity
            .as_ref()
            .unwrap_or_else(|| panic!("actor {} ({}) has no entity", a.id, a.quote));
        assert!(project.entities.contains_key(entity));
    }
    // Both spellings of the Ukrainian president's name are one actor; "the French president" is Macron.
    let entity_of = |quote_part: &str| -> BTreeSet<String> {
        by_tag(&project, "actor")
            .into_iter()
            .filter(|a| a.quote.contains(quote_part))
            .filter_map(|a| a.entity.as_ref().map(|e| e.0.clone()))
            .collect()
    };
    let zelensky: BTreeSet<String> = entity_of("Zelenskiy")
        .union(&entity_of("Zelensky"))
        .cloned()
        .collect();
    assert_eq!(zelensky.len(), 1, "{zelensky:?}");
    let president = entity_of("the French president");
    let macron = entity_of("Emmanuel Macron");
    assert!(
        !president.is_empty() && president == macron,
        "{president:?} vs {macron:?}"
    );
    // Claims have speakers; conditions are attached to claims.
    let mut links: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for r in project.relations.values() {
        links
            .entry(r.kind.as_str())
            .or_default()
            .insert(r.from.0.clone());
        links
            .entry(r.kind.as_str())
            .or_default()
            .insert(r.to.0.clone());
    }
    let said = links.get("said_by").cloned().unwrap_or_default();
    let conditional = links.get("conditional_on").cloned().unwrap_or_default();
    assert!(
        by_tag(&project, "claim")
            .iter()
            .filter(|c| said.contains(&c.id.0))
            .count()
            >= 20
    );
    let conditions = by_tag(&project, "condition");
    assert!(!conditions.is_empty());
    assert!(conditions.iter().all(|c| conditional.contains(&c.id.0)));
}

#[test]
fn the_sample_texts_are_the_shared_articles_exactly() {
    let project = sample_project().unwrap();
    let articles = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/articles");
    for doc in &project.documents {
        let file = articles.join(format!("{}.txt", doc.id));
        let article = marginalia::intake::read_article(&file).unwrap();
        assert_eq!(article.text, doc.text, "{}", file.display());
        assert!(
            doc.meta
                .published
                .as_deref()
                .is_some_and(|p| doc.id.as_str().starts_with(p))
        );
    }
}

fn layer<'p>(project: &'p Project, annotator: &str) -> Vec<&'p Annotation> {
    project
        .annotations
        .values()
        .filter(|a| a.annotator == annotator)
        .collect()
}

/// Byte range covered (every sample span is one fragment).
fn range(a: &Annotation) -> (usize, usize) {
    (a.start().0, a.end().0)
}

fn overlaps(a: &Annotation, b: &Annotation) -> bool {
    a.doc == b.doc && a.start() < b.end() && b.start() < a.end()
}

fn same_span(a: &Annotation, b: &Annotation) -> bool {
    a.doc == b.doc && a.fragments == b.fragments
}

/// Whether `other` has an annotation with the same tag and fragments as `a`.
fn exact_in(a: &Annotation, other: &[&Annotation]) -> bool {
    other.iter().any(|b| b.tag == a.tag && same_span(a, b))
}

/// `outer` covers all of `inner` and more.
fn contains(outer: &Annotation, inner: &Annotation) -> bool {
    let ((os, oe), (is, ie)) = (range(outer), range(inner));
    outer.doc == inner.doc && os <= is && ie <= oe && (os, oe) != (is, ie)
}

/// One layer against the other: the quotes of `mine` tagged `tag` for which `pick(a, mine,
/// theirs)` holds.
fn quotes_where<'p>(
    mine: &[&'p Annotation],
    theirs: &[&'p Annotation],
    tag: &str,
    pick: impl Fn(&Annotation, &[&Annotation], &[&Annotation]) -> bool,
) -> Vec<&'p str> {
    mine.iter()
        .filter(|a| a.tag.as_str() == tag && pick(a, mine, theirs))
        .map(|a| a.quote.as_str())
        .collect()
}

/// The other drew `a`'s span wider (or narrower): a span of theirs with the same tag that
/// neither layer has exactly contains it (or lies inside it).
fn redrawn(wider: bool) -> impl Fn(&Annotation, &[&Annotation], &[&Annotation]) -> bool {
    move |a, mine, theirs| {
        !exact_in(a, theirs)
            && theirs.iter().any(|b| {
                b.tag == a.tag
                    && !exact_in(b, mine)
                    && if wider {
                        contains(b, a)
                    } else {
                        contains(a, b)
                    }
            })
    }
}

/// The other has nothing of its own for `a`: no exact match, and every span of theirs with the
/// same tag that overlaps it is one both layers have (say, the phrase `a` is nested in).
fn missed(a: &Annotation, mine: &[&Annotation], theirs: &[&Annotation]) -> bool {
    !exact_in(a, theirs)
        && theirs
            .iter()
            .filter(|b| b.tag == a.tag && overlaps(a, b))
            .all(|b| exact_in(b, mine))
}

/// The other read `a`'s words with another tag: overlapped by their `tag`, by none of `a`'s.
fn read_as(tag: &'static str) -> impl Fn(&Annotation, &[&Annotation], &[&Annotation]) -> bool {
    move |a, _, theirs| {
        theirs
            .iter()
            .any(|b| b.tag.as_str() == tag && overlaps(a, b))
            && !theirs.iter().any(|b| b.tag == a.tag && overlaps(a, b))
    }
}

#[test]
fn the_sample_has_a_second_layer_made_independently() {
    let project = sample_project().unwrap();
    assert_eq!(project.layers(), [FIRST, SECOND]);
    assert!(project.annotators.contains(SECOND));
    for doc in &project.documents {
        for who in [FIRST, SECOND] {
            assert_eq!(
                doc.meta.status.get(who),
                Some(&DocStatus::Done),
                "{} for {who}",
                doc.id
            );
        }
    }
    let (first, second) = (layer(&project, FIRST), layer(&project, SECOND));
    assert!(second.len() * 10 >= first.len() * 9, "{}", second.len());
    // Her own ids and times, her own links, and entity links on every actor she marked.
    assert!(second.iter().all(|a| a.id.0.starts_with("noor-")));
    assert!(second.iter().all(|a| a.created != first[0].created));
    for r in project.relations.values() {
        let ends = [&r.from, &r.to].map(|id| &project.annotations[id].annotator);
        assert!(ends.iter().all(|who| **who == r.annotator), "{}", r.id);
    }
    let kinds: BTreeSet<&str> = project
        .relations
        .values()
        .filter(|r| r.annotator == SECOND)
        .map(|r| r.kind.as_str())
        .collect();
    assert_eq!(kinds, BTreeSet::from(["conditional_on", "said_by"]));
    assert!(
        second
            .iter()
            .filter(|a| a.tag.as_str() == "actor")
            .all(|a| a.entity.is_some())
    );
}

#[test]
fn the_second_layer_differs_the_way_a_colleague_does() {
    let project = sample_project().unwrap();
    let (first, second) = (layer(&project, FIRST), layer(&project, SECOND));
    // Each kind of difference a second coder makes, several times over. A tag read differently
    // is listed from the side of the one who saw a condition.
    let at_least = |least: usize, kind: &str, quotes: Vec<&str>| {
        assert!(quotes.len() >= least, "{kind}: {quotes:?}");
    };
    let (f, s) = (&first, &second);
    at_least(
        3,
        "claim drawn wider",
        quotes_where(f, s, "claim", redrawn(true)),
    );
    at_least(
        3,
        "claim drawn narrower",
        quotes_where(f, s, "claim", redrawn(false)),
    );
    at_least(
        3,
        "actor drawn wider",
        quotes_where(f, s, "actor", redrawn(true)),
    );
    at_least(
        2,
        "actor drawn narrower",
        quotes_where(f, s, "actor", redrawn(false)),
    );
    at_least(5, "actor missed", quotes_where(f, s, "actor", missed));
    at_least(3, "actor only she saw", quotes_where(s, f, "actor", missed));
    at_least(2, "claim only she saw", quotes_where(s, f, "claim", missed));
    at_least(
        3,
        "claim read as condition",
        quotes_where(s, f, "condition", read_as("claim")),
    );
    at_least(
        2,
        "condition read as claim",
        quotes_where(f, s, "condition", read_as("claim")),
    );
    // Actors they both marked, linked to different entities.
    let relinked = first
        .iter()
        .filter(|a| {
            second
                .iter()
                .any(|b| same_span(a, b) && b.tag == a.tag && b.entity != a.entity)
        })
        .count();
    assert!(relinked >= 2, "{relinked}");
    // Most spans are the same: 10–20 % differ, as between real coders.
    let exact = first
        .iter()
        .filter(|a| second.iter().any(|b| b.tag == a.tag && same_span(a, b)))
        .count();
    let share = exact as f64 / first.len() as f64;
    assert!((0.75..=0.92).contains(&share), "{exact} of {}", first.len());
}

#[test]
fn agreement_on_the_sample_is_that_of_two_careful_coders() {
    let project = sample_project().unwrap();
    let names = [FIRST.to_owned(), SECOND.to_owned()];
    let units = Units::of(&project, &names);
    let report = agreement(&project, &units);
    assert_eq!(report.documents, 2);
    assert!(report.units > 500, "{}", report.units);
    let pair = &report.pairs[0];
    let kappa = pair.cohen_kappa.unwrap();
    assert!((0.6..=0.85).contains(&kappa), "kappa {kappa}");
    let alpha = report.krippendorff_alpha.unwrap();
    assert!((0.6..=0.85).contains(&alpha), "alpha {alpha}");
    assert_eq!(report.fleiss_kappa, None);
    let (exact, relaxed) = (pair.span_exact.f1.unwrap(), pair.span_relaxed.f1.unwrap());
    assert!((0.7..0.92).contains(&exact), "exact F1 {exact}");
    assert!(
        relaxed > exact + 0.05,
        "relaxed F1 {relaxed} vs exact {exact}"
    );
    // Every tag is in the table, and conditions, the hardest to agree on, agree least.
    let kappa_of = |tag: &str| {
        pair.per_tag
            .iter()
            .find(|t| t.tag == tag)
            .and_then(|t| t.cohen_kappa)
            .unwrap()
    };
    assert!(kappa_of("condition") < kappa_of("claim"));
    assert!(kappa_of("claim") < kappa_of("actor"));
    let relations = pair.relations.f1.unwrap();
    assert!((0.3..0.9).contains(&relations), "relation F1 {relations}");
}

/// Both analysts coded the claims' stance and concept and the conditions' concept, and differ
/// on a few of them as second coders do: high but imperfect agreement per attribute.
#[test]
fn the_sample_is_coded_and_its_codes_agree_as_careful_coders_do() {
    let project = sample_project().unwrap();
    let names = [FIRST.to_owned(), SECOND.to_owned()];
    let report = agreement(&project, &Units::of(&project, &names));
    let row = |tag: &str, attribute: &str| {
        report
            .per_attribute
            .iter()
            .find(|r| r.tag == tag && r.attribute == attribute)
            .unwrap_or_else(|| panic!("no agreement on {tag}.{attribute}"))
    };
    for attribute in ["stance", "concept"] {
        let r = row("claim", attribute);
        assert!(r.units >= 30 && r.units < r.matched + 1, "{r:?}");
        assert!(r.agree < r.units, "the analysts differ somewhere: {r:?}");
        for value in [r.cohen_kappa, r.gwet_ac1, r.krippendorff_alpha] {
            let value = value.unwrap();
            assert!((0.7..0.97).contains(&value), "{attribute}: {value}");
        }
    }
    assert!(row("condition", "concept").units > 0);
    // The concepts codebook holds the concepts the analysts used.
    let concepts =
        &project.codebooks[&marginalia::model::CodebookId::from(marginalia::model::CONCEPTS)];
    assert!(concepts.codes.len() >= 8, "{}", concepts.codes.len());
}

/// The first step of a review of the sample, with the reviewer's clock earlier than every
/// annotation's time (a colleague's clock may run ahead): accepting what the two analysts
/// agree on settles every agreement, and only the real differences stay open.
#[test]
fn accepting_the_agreements_of_the_sample_settles_them_whatever_the_clocks() {
    let mut project = sample_project().unwrap();
    let who = vec![FIRST.to_owned(), SECOND.to_owned()];
    let before = marginalia::review::compare_all(&project, &who);
    let agreed: usize = before.iter().map(|c| c.counts()[0]).sum();
    let differ: usize = before.iter().map(|c| c.differences.len()).sum::<usize>() - agreed;
    assert!(
        agreed > 50 && differ > 10,
        "{agreed} agreed, {differ} differ"
    );
    let ruling = marginalia::review::Ruling {
        reviewer: "reviewer".into(),
        reason: None,
        comment: String::new(),
        now: "2000-01-01T00:00:00Z".parse().unwrap(),
    };
    marginalia::review::accept_agreed(&project, &before, &ruling)
        .unwrap()
        .apply(&mut project)
        .unwrap();
    let after = marginalia::review::compare_all(&project, &who);
    let settled: usize = after.iter().map(|c| c.settled()).sum();
    let open: usize = after
        .iter()
        .map(|c| c.differences.len() - c.settled())
        .sum();
    assert_eq!((settled, open), (agreed, differ));
}
