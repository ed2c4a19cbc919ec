//! The lossless property: analysts who started from one project and coded different
//! documents merge without a conflict, in either direction, and again without a change.

use proptest::prelude::*;

use super::tests::{assert_valid, merged, t};
use super::*;
use crate::model::{DocId, DocStatus, Document, Fragment, ops};

/// Words of generated articles.
const WORDS: [&str; 8] = [
    "Zelensky",
    "🇺🇦",
    "cafe\u{301}",
    "习近平",
    "talks",
    "👩‍👩‍👧",
    "said",
    "peace",
];

/// A base project of `texts` (word indices), plus alice's and bob's copies: each codes the
/// documents assigned to them (`who`: 0 nobody, 1 alice, 2 bob) with `picks` (word, tag).
fn two_analysts(
    texts: &[Vec<usize>],
    who: &[u8],
    picks: &[Vec<(usize, usize)>],
) -> (Project, Project) {
    let mut base = Project::new("base");
    for (i, words) in texts.iter().enumerate() {
        let text: Vec<&str> = words.iter().map(|w| WORDS[w % WORDS.len()]).collect();
        base.documents
            .push(Document::new(format!("d{i}").as_str(), "T", text.join(" ")));
    }
    let first = WORDS[texts[0][0] % WORDS.len()].len();
    let range = crate::model::ByteOffset(0)..crate::model::ByteOffset(first);
    let seed = ops::add_annotation(
        &base,
        &"d0".into(),
        &"actor".into(),
        vec![Fragment::new(range)],
        "seed",
        t(0),
    );
    seed.unwrap().apply(&mut base).unwrap();
    let (mut alice, mut bob) = (base.clone(), base);
    for (i, words) in texts.iter().enumerate() {
        let Some(&w) = who.get(i) else { continue };
        let (p, name) = match w {
            1 => (&mut alice, "alice"),
            2 => (&mut bob, "bob"),
            _ => continue,
        };
        let doc = DocId(format!("d{i}"));
        let mut starts = vec![0];
        for w in words {
            starts.push(starts.last().unwrap() + WORDS[w % WORDS.len()].len() + 1);
        }
        for (k, &(word, tag_n)) in picks.get(i).into_iter().flatten().enumerate() {
            let word = word % words.len();
            let range = crate::model::ByteOffset(starts[word])
                ..crate::model::ByteOffset(starts[word + 1] - 1);
            let tag = ["actor", "claim", "condition"][tag_n % 3];
            let e = ops::add_annotation(
                p,
                &doc,
                &tag.into(),
                vec![Fragment::new(range)],
                name,
                t(k as i64 + 1),
            )
            .unwrap();
            e.apply(p).unwrap();
        }
        let status = DocStatus::Done;
        p.documents[i].meta.status.insert(name.into(), status);
    }
    (alice, bob)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Two analysts who started from the same project and coded different documents merge
    /// without a conflict, every annotation of both is in the result, in either direction,
    /// and a second merge changes nothing.
    #[test]
    fn analysts_of_one_project_merge_losslessly_without_conflicts(
        texts in prop::collection::vec(prop::collection::vec(0usize..8, 1..12), 1..5),
        who in prop::collection::vec(0u8..3, 5),
        picks in prop::collection::vec(prop::collection::vec((0usize..12, 0usize..3), 0..6), 5),
    ) {
        let (alice, bob) = two_analysts(&texts, &who, &picks);
        let (ab, report) = merged(&alice, &bob, &MergeOptions::default());
        prop_assert_eq!(report.conflicts(), 0, "{}", report.to_text());
        for a in alice.annotations.values().chain(bob.annotations.values()) {
            prop_assert_eq!(ab.annotations.get(&a.id), Some(a));
        }
        prop_assert_eq!(ab.annotations.len(), alice.annotations.len() + bob.annotations.values().filter(|a| a.annotator == "bob").count());
        let (ba, _) = merged(&bob, &alice, &MergeOptions::default());
        prop_assert_eq!(&ab.annotations, &ba.annotations);
        prop_assert_eq!(&ab.documents, &ba.documents);
        prop_assert!(plan_merge(&ab, &bob, &MergeOptions::default()).unwrap().edit.is_empty());
        prop_assert!(plan_merge(&ab, &alice, &MergeOptions::default()).unwrap().edit.is_empty());
        assert_valid(&ab);
    }
}
