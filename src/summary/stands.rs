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
    // The weights of every pair first (two numbers a pair), the claims only for the few
    // ties listed: collecting claims for every pair would hold the product of the speakers'
    // claims in memory (gigabytes on a corpus of 200,000 claims).
    let weigh = |a: usize, b: usize, c: usize| -> (usize, usize) {
        let (Some(ka), Some(kb)) = (stanced.get(&(a, c)), stanced.get(&(b, c))) else {
            return (0, 0);
        };
        let (mut same, mut differ) = (0, 0);
        for (x, nx) in ka {
            for (y, ny) in kb {
                if x == y {
                    same += nx * ny;
                } else {
                    differ += nx * ny;
                }
            }
        }
        (same, differ)
    };
    let mut weights: std::collections::HashMap<(usize, usize), (usize, usize)> =
        std::collections::HashMap::new();
    for (c, speakers) in &by_concept {
        for (i, &a) in speakers.iter().enumerate() {
            for &b in &speakers[i + 1..] {
                let (same, differ) = weigh(a, b, *c);
                if same + differ > 0 {
                    let w = weights.entry((a, b)).or_default();
                    w.0 += same;
                    w.1 += differ;
                }
            }
        }
    }
    let top = |pick: fn(&(usize, usize)) -> usize| -> Vec<((usize, usize), usize)> {
        let mut list: Vec<((usize, usize), usize)> = weights
            .iter()
            .map(|(&pair, w)| (pair, pick(w)))
            .filter(|(_, w)| *w > 0)
            .collect();
        list.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
        list.truncate(STRONGEST);
        list
    };
    // A listed tie's concepts and the claims that count: for agreement, those on a stance
    // both take; for conflict, those on a stance the other does not (only) take.
    let tie = |(a, b): (usize, usize), weight: usize, same: bool| -> Tie {
        let mut tie = Tie {
            a,
            b,
            weight,
            concepts: Vec::new(),
            claims: Vec::new(),
        };
        for c in 0..concepts.len() {
            let (ws, wd) = weigh(a, b, c);
            if (same && ws == 0) || (!same && wd == 0) {
                continue;
            }
            tie.concepts.push(c);
            let (Some(sa), Some(sb)) = (said.get(&(a, c)), said.get(&(b, c))) else {
                continue;
            };
            for (mine, other) in [(sa, sb), (sb, sa)] {
                for (k, ids) in mine.iter().filter(|(k, _)| !k.is_empty()) {
                    let shared = other.contains_key(k);
                    let others_differ = other.keys().any(|o| !o.is_empty() && o != k);
                    if (same && shared) || (!same && others_differ) {
                        tie.claims.extend(ids.iter().map(|&id| id.clone()));
                    }
                }
            }
        }
        tie
    };
    if weights.is_empty() {
        return (stands, Vec::new(), Vec::new());
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
    let strongest = |same: bool| -> Vec<Tie> {
        let pick: fn(&(usize, usize)) -> usize = if same { |w| w.0 } else { |w| w.1 };
        top(pick)
            .into_iter()
            .map(|(pair, weight)| {
                let mut t = tie(pair, weight, same);
                t.claims
                    .sort_by_key(|id| order.get(id).copied().unwrap_or((usize::MAX, usize::MAX)));
                t.claims.dedup();
                t
            })
            .collect()
    };
    (stands, strongest(true), strongest(false))
}
