//! Who stands where: each speaking actor's claims per concept by stance (the actors ×
//! concepts table), and the actors most tied by agreeing or disagreeing on concepts (the
//! strongest ties), each with the claims it rests on.
//!
//! The ties are the discourse network's, as `marginalia network --aggregation congruence`
//! (or `conflict`) computes it with the stance as categories, every statement counted and no
//! normalisation: for actors `a` and `b`, agreement is `Σ_c Σ_k n(a,c,k)·n(b,c,k)` over
//! concepts `c` and stances `k`, conflict `Σ_c Σ_{k≠k'} n(a,c,k)·n(b,c,k')`, where `n(a,c,k)`
//! counts the claims `a` is a speaker of, coded with concept `c` and stance `k` (a claim
//! without a stance takes part in neither, as DNA leaves out statements without a
//! qualifier).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{ConceptSummary, DocSummary, OPPOSES, SUPPORTS};
use crate::model::AnnotationId;

/// How many ties of each kind the summary lists.
pub const STRONGEST: usize = 5;

/// One actor's claims on one concept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Stand {
    /// Index into [`super::Summary::actors`].
    pub actor: usize,
    /// Index into [`super::Summary::concepts`].
    pub concept: usize,
    /// Claims that support it.
    pub supports: usize,
    /// Claims that oppose it.
    pub opposes: usize,
    /// Claims with another stance, or none.
    pub other: usize,
}

/// Two actors tied by what they say about the same concepts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Tie {
    /// Index into [`super::Summary::actors`] (the one listed first in the summary).
    pub a: usize,
    /// Index into [`super::Summary::actors`].
    pub b: usize,
    /// The tie's weight (see the module docs).
    pub weight: usize,
    /// The concepts it goes through (indices into [`super::Summary::concepts`]), in order.
    pub concepts: Vec<usize>,
    /// The claims it rests on: both actors' claims on those concepts with a stance that
    /// counts towards it, in article then text order.
    pub claims: Vec<AnnotationId>,
}

/// The stands, then the strongest agreements and conflicts ([`STRONGEST`] of each, heaviest
/// first, then in actor order).
pub(super) fn stands_and_ties(
    documents: &[DocSummary],
    concepts: &[ConceptSummary],
) -> (Vec<Stand>, Vec<Tie>, Vec<Tie>) {
    let concept_index: BTreeMap<&str, usize> = concepts
        .iter()
        .enumerate()
        .map(|(i, c)| (c.concept.id.as_str(), i))
        .collect();
    // (actor, concept) → claims by stance id ("" for none), in order.
    let mut said: BTreeMap<(usize, usize), BTreeMap<&str, Vec<&AnnotationId>>> = BTreeMap::new();
    for claim in documents.iter().flat_map(|d| &d.claims) {
        let Some(c) = claim
            .concept
            .as_ref()
            .and_then(|c| concept_index.get(c.id.as_str()))
        else {
            continue;
        };
        let stance = claim.stance.as_ref().map_or("", |s| s.id.as_str());
        let speakers: BTreeSet<usize> = claim.speakers.iter().map(|s| s.actor).collect();
        for a in speakers {
            said.entry((a, *c))
                .or_default()
                .entry(stance)
                .or_default()
                .push(&claim.mention.id);
        }
    }
    let stands = said
        .iter()
        .map(|(&(actor, concept), by)| {
            let n = |k: &str| by.get(k).map_or(0, Vec::len);
            let all: usize = by.values().map(Vec::len).sum();
            Stand {
                actor,
                concept,
                supports: n(SUPPORTS),
                opposes: n(OPPOSES),
                other: all - n(SUPPORTS) - n(OPPOSES),
            }
        })
        .collect();
    // Each (actor, concept)'s claims with a stance, counted by stance.
    let stanced: BTreeMap<(usize, usize), Vec<(&str, usize)>> = said
        .iter()
        .map(|(&key, by)| {
            let counts = by
                .iter()
                .filter(|(k, _)| !k.is_empty())
                .map(|(k, v)| (*k, v.len()))
                .collect();
            (key, counts)
        })
        .collect();
    // Pairs of actors through each concept both speak about.
    let mut by_concept: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &(a, c) in said.keys() {
        by_concept.entry(c).or_default().push(a);
    }
    let mut agree: BTreeMap<(usize, usize), Tie> = BTreeMap::new();
    let mut conflict: BTreeMap<(usize, usize), Tie> = BTreeMap::new();
    for (c, speakers) in &by_concept {
        for (i, &a) in speakers.iter().enumerate() {
            for &b in &speakers[i + 1..] {
                let (Some(sa), Some(sb)) = (said.get(&(a, *c)), said.get(&(b, *c))) else {
                    continue;
                };
                let (Some(ka), Some(kb)) = (stanced.get(&(a, *c)), stanced.get(&(b, *c))) else {
                    continue;
                };
                let mut same = 0;
                let mut differ = 0;
                for (x, nx) in ka {
                    for (y, ny) in kb {
                        if x == y {
                            same += nx * ny;
                        } else {
                            differ += nx * ny;
                        }
                    }
                }
                let add = |ties: &mut BTreeMap<(usize, usize), Tie>, w: usize, same: bool| {
                    if w == 0 {
                        return;
                    }
                    let tie = ties.entry((a, b)).or_insert_with(|| Tie {
                        a,
                        b,
                        weight: 0,
                        concepts: Vec::new(),
                        claims: Vec::new(),
                    });
                    tie.weight += w;
                    tie.concepts.push(*c);
                    // The claims that count: for agreement, those on a stance both take;
                    // for conflict, those on a stance the other does not (only) take.
                    for (mine, other) in [(sa, sb), (sb, sa)] {
                        for (k, ids) in mine.iter().filter(|(k, _)| !k.is_empty()) {
                            let shared = other.contains_key(k);
                            let others_differ = other.keys().any(|o| !o.is_empty() && o != k);
                            if (same && shared) || (!same && others_differ) {
                                tie.claims.extend(ids.iter().map(|&id| id.clone()));
                            }
                        }
                    }
                };
                add(&mut agree, same, true);
                add(&mut conflict, differ, false);
            }
        }
    }
    // Where each claim comes in the summary: (article, place in the article).
    let order: std::collections::HashMap<&AnnotationId, (usize, usize)> = documents
        .iter()
        .enumerate()
        .flat_map(|(d, doc)| {
            doc.claims
                .iter()
                .enumerate()
                .map(move |(i, c)| (&c.mention.id, (d, i)))
        })
        .collect();
    let strongest = |ties: BTreeMap<(usize, usize), Tie>| -> Vec<Tie> {
        let mut list: Vec<Tie> = ties.into_values().collect();
        list.sort_by(|x, y| y.weight.cmp(&x.weight).then((x.a, x.b).cmp(&(y.a, y.b))));
        list.truncate(STRONGEST);
        for tie in &mut list {
            tie.claims
                .sort_by_key(|id| order.get(id).copied().unwrap_or((usize::MAX, usize::MAX)));
            tie.claims.dedup();
        }
        list
    };
    (stands, strongest(agree), strongest(conflict))
}
