//! The agreement report: Cohen's κ and span and relation F1 per pair of annotators,
//! Krippendorff's α and Fleiss' κ over all of them, with bootstrap confidence intervals.
//!
//! Units are word tokens (see [`super::units`]). Coefficients that are undefined — no units,
//! or only one category so that chance agreement is 1 — are `None` (`null` in JSON, `–` in
//! text). Confidence intervals are 95 % percentile intervals (linear interpolation, as numpy's
//! default percentile) over [`RESAMPLES`] bootstrap resamples of the *documents*, drawn with a
//! xorshift64 generator seeded with [`SEED`]; resamples where the coefficient is undefined
//! are left out, and the interval is `None` when fewer than half remain.

use std::collections::BTreeMap;

use serde::Serialize;

use super::coef::{AlphaTable, FleissTable, PairTable};
use super::spans::MatchCounts;
use super::tally::{Counter, PairSpans};
use super::units::{DocUnits, Units};
use crate::model::{Document, Project, REVIEWED_LAYER};

/// One value per pair of annotators, in report order.
type PerPair = Vec<Option<f64>>;

/// The bootstrap seed, stated in every report.
pub const SEED: u64 = 0x5EED_1DEA_2026;
/// Bootstrap resamples.
pub const RESAMPLES: usize = 1000;

/// Why no report could be made.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AgreeError {
    /// Agreement needs two layers.
    #[error(
        "agreement needs at least two annotators with annotations; found {}",
        if .0.is_empty() { "none".to_owned() } else { .0.join(", ") }
    )]
    TooFewAnnotators(Vec<String>),
    /// A requested annotator has no layer in the project.
    #[error("no annotator {0:?} in the project (layers with annotations: {1})")]
    UnknownAnnotator(String, String),
}

/// Precision, recall and F1 with the counts behind them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scores {
    /// Items of the first annotator (the reference).
    pub reference: usize,
    /// Items of the second annotator (the prediction).
    pub predicted: usize,
    /// Items matched one to one.
    pub matched: usize,
    /// matched / predicted.
    pub precision: Option<f64>,
    /// matched / reference.
    pub recall: Option<f64>,
    /// Harmonic mean of precision and recall.
    pub f1: Option<f64>,
}

impl From<MatchCounts> for Scores {
    fn from(c: MatchCounts) -> Self {
        Scores {
            reference: c.reference,
            predicted: c.predicted,
            matched: c.matched,
            precision: c.precision(),
            recall: c.recall(),
            f1: c.f1(),
        }
    }
}

/// Agreement on one tag between two annotators.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TagAgreement {
    /// The tag id.
    pub tag: String,
    /// Cohen's κ over the tokens both labelled: carries the tag or not.
    pub cohen_kappa: Option<f64>,
    /// Exact span matching for this tag.
    pub span_exact: Scores,
    /// Relaxed span matching for this tag.
    pub span_relaxed: Scores,
}

/// Agreement between two annotators; `a` is the reference for precision and recall.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PairAgreement {
    /// First annotator (reference).
    pub a: String,
    /// Second annotator (prediction).
    pub b: String,
    /// Documents both labelled.
    pub documents: usize,
    /// Tokens both labelled.
    pub units: usize,
    /// Cohen's κ over the label categories.
    pub cohen_kappa: Option<f64>,
    /// 95 % bootstrap interval of `cohen_kappa`.
    pub cohen_kappa_ci: Option<[f64; 2]>,
    /// F1 of exact span matching, all tags.
    pub span_f1_exact: Option<f64>,
    /// F1 of relaxed span matching, all tags.
    pub span_f1_relaxed: Option<f64>,
    /// Exact span matching, all tags.
    pub span_exact: Scores,
    /// Relaxed span matching, all tags.
    pub span_relaxed: Scores,
    /// F1 over relations (same kind, both ends matching exactly).
    pub relation_f1: Option<f64>,
    /// Relation matching.
    pub relations: Scores,
    /// Per tag, sorted by tag id.
    pub per_tag: Vec<TagAgreement>,
}

/// Agreement within one document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DocAgreement {
    /// The document id.
    pub id: String,
    /// Tokens in the document.
    pub tokens: usize,
    /// The annotators for whom the document counts.
    pub annotators: Vec<String>,
    /// Krippendorff's α over this document's tokens.
    pub krippendorff_alpha: Option<f64>,
    /// Cohen's κ per pair, in the order of [`Agreement::pairs`].
    pub cohen_kappa: Vec<Option<f64>>,
    /// F1 of exact span matching per pair, all tags (`None` where the pair did not both
    /// label the document, or neither marked a span).
    pub span_f1_exact: Vec<Option<f64>>,
    /// F1 of relaxed span matching per pair, all tags.
    pub span_f1_relaxed: Vec<Option<f64>>,
}

/// The whole report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Agreement {
    /// The annotators compared, in the order given (or sorted).
    pub annotators: Vec<String>,
    /// Documents in the project.
    pub documents: usize,
    /// Tokens labelled by at least two annotators: the pairable units of α.
    pub units: usize,
    /// Tokens in all documents.
    pub tokens: usize,
    /// Krippendorff's α (nominal) over all annotators.
    pub krippendorff_alpha: Option<f64>,
    /// 95 % bootstrap interval of α.
    pub krippendorff_alpha_ci: Option<[f64; 2]>,
    /// Fleiss' κ over the tokens all annotators labelled; `None` with fewer than three
    /// annotators or no such token.
    pub fleiss_kappa: Option<f64>,
    /// Tokens Fleiss' κ counts.
    pub fleiss_units: usize,
    /// One entry per pair, in annotator order.
    pub pairs: Vec<PairAgreement>,
    /// One entry per document, in project order.
    pub per_document: Vec<DocAgreement>,
    /// Per pair and attribute of a tag (stance, concept …): κ, AC1 and α over the matched
    /// spans both coded (see [`super::values`]), pairs in the order of `pairs`, attributes in
    /// schema order.
    pub per_attribute: Vec<super::values::AttributeAgreement>,
    /// The bootstrap seed.
    pub seed: u64,
    /// Bootstrap resamples.
    pub resamples: usize,
    /// Confidence level of the intervals.
    pub confidence: f64,
}

/// The annotators to compare: `wanted` (each a layer, a known annotator or one who set a
/// document status), or else every layer with annotations but the reviewed layer
/// ([`REVIEWED_LAYER`], compared only when named); at least two.
pub fn choose_annotators(project: &Project, wanted: &[String]) -> Result<Vec<String>, AgreeError> {
    let layers = project.layers();
    let chosen: Vec<String> = if wanted.is_empty() {
        layers
            .iter()
            .filter(|l| l.as_str() != REVIEWED_LAYER)
            .cloned()
            .collect()
    } else {
        let mut chosen: Vec<String> = Vec::new();
        for name in wanted {
            let known = layers.contains(name)
                || project.annotators.contains(name)
                || project
                    .documents
                    .iter()
                    .any(|d| d.meta.status.contains_key(name));
            if !known {
                return Err(AgreeError::UnknownAnnotator(
                    name.clone(),
                    layers.join(", "),
                ));
            }
            if !chosen.contains(name) {
                chosen.push(name.clone());
            }
        }
        chosen
    };
    if chosen.len() < 2 {
        return Err(AgreeError::TooFewAnnotators(chosen));
    }
    Ok(chosen)
}

/// The agreement report for `annotators` (see [`choose_annotators`]) over the units `units`
/// built from `project`.
pub fn agreement(project: &Project, units: &Units) -> Agreement {
    let names = &units.annotators;
    let k = names.len();
    let categories = units.categories();
    let tags = units.tags();
    let counter = Counter::new(project, units);
    let pairs = &counter.pairs;
    // Documents are counted on every core, then summed in document order (see `tally`).
    let work: Vec<(&Document, &DocUnits)> =
        project.documents.iter().zip(&units.documents).collect();
    let tallies = crate::par::par_map(&work, |(doc, du)| counter.tally(doc, du));

    let mut fleiss = FleissTable::new(k, categories.len());
    let mut tag_tables = vec![vec![PairTable::new(2); tags.len()]; pairs.len()];
    let mut spans: Vec<PairSpans> = vec![Default::default(); pairs.len()];
    let mut alpha_units = 0;
    for tally in &tallies {
        fleiss.add(&tally.fleiss);
        alpha_units += tally.alpha_units;
        for (total, doc) in tag_tables.iter_mut().zip(&tally.tags) {
            for (total, doc) in total.iter_mut().zip(doc) {
                total.add(doc, 1.0);
            }
        }
        for ((exact, relaxed, rel), (e, r, l)) in spans.iter_mut().zip(&tally.spans) {
            for (tag, c) in e {
                exact.entry(tag.clone()).or_default().add(*c);
            }
            for (tag, c) in r {
                relaxed.entry(tag.clone()).or_default().add(*c);
            }
            rel.add(*l);
        }
    }
    let pair_docs: Vec<usize> = pairs
        .iter()
        .map(|&(i, j)| {
            units
                .documents
                .iter()
                .filter(|d| d.counts(i) && d.counts(j))
                .count()
        })
        .collect();
    // Per document and pair: span F1, exact and relaxed.
    let doc_f1: Vec<(PerPair, PerPair)> = tallies
        .iter()
        .map(|t| {
            let f1 = |m: &BTreeMap<String, MatchCounts>| {
                let mut all = MatchCounts::default();
                m.values().for_each(|c| all.add(*c));
                all.f1()
            };
            t.spans.iter().map(|(e, r, _)| (f1(e), f1(r))).unzip()
        })
        .collect();
    let (doc_pairs, doc_alpha): (Vec<Vec<PairTable>>, Vec<AlphaTable>) =
        tallies.into_iter().map(|t| (t.pairs, t.alpha)).unzip();

    let sum_pair = |p: usize, weights: &[f64]| {
        let mut total = PairTable::new(categories.len());
        for (tables, &w) in doc_pairs.iter().zip(weights) {
            if w > 0.0 {
                total.add(&tables[p], w);
            }
        }
        total
    };
    let sum_alpha = |weights: &[f64]| {
        let mut total = AlphaTable::new(categories.len());
        for (table, &w) in doc_alpha.iter().zip(weights) {
            if w > 0.0 {
                total.add(table, w);
            }
        }
        total
    };
    let ones = vec![1.0; units.documents.len()];
    let resamples = bootstrap_weights(units.documents.len(), RESAMPLES, SEED);
    let interval = |f: &dyn Fn(&[f64]) -> Option<f64>| {
        let values: Vec<f64> = resamples.iter().filter_map(|w| f(w)).collect();
        percentile_interval(values, RESAMPLES)
    };

    let pair_reports = pairs
        .iter()
        .enumerate()
        .map(|(p, &(i, j))| {
            let (exact, relaxed, relations) = &spans[p];
            let total = |m: &BTreeMap<String, MatchCounts>| {
                let mut all = MatchCounts::default();
                m.values().for_each(|c| all.add(*c));
                all
            };
            let (all_exact, all_relaxed) = (total(exact), total(relaxed));
            let mut tag_ids: Vec<&String> = tags.iter().chain(exact.keys()).collect();
            tag_ids.sort();
            tag_ids.dedup();
            let per_tag = tag_ids
                .into_iter()
                .map(|tag| TagAgreement {
                    tag: tag.clone(),
                    cohen_kappa: tags
                        .iter()
                        .position(|t| t == tag)
                        .and_then(|t| tag_tables[p][t].kappa()),
                    span_exact: exact.get(tag).copied().unwrap_or_default().into(),
                    span_relaxed: relaxed.get(tag).copied().unwrap_or_default().into(),
                })
                .collect();
            let table = sum_pair(p, &ones);
            PairAgreement {
                a: names[i].clone(),
                b: names[j].clone(),
                documents: pair_docs[p],
                units: table.n as usize,
                cohen_kappa: table.kappa(),
                cohen_kappa_ci: interval(&|w| sum_pair(p, w).kappa()),
                span_f1_exact: all_exact.f1(),
                span_f1_relaxed: all_relaxed.f1(),
                span_exact: all_exact.into(),
                span_relaxed: all_relaxed.into(),
                relation_f1: relations.f1(),
                relations: (*relations).into(),
                per_tag,
            }
        })
        .collect();

    let per_document = units
        .documents
        .iter()
        .zip(doc_pairs.iter().zip(&doc_alpha).zip(doc_f1))
        .map(|(doc, ((tables, alpha), (exact, relaxed)))| DocAgreement {
            id: doc.id.clone(),
            tokens: doc.tokens.len(),
            annotators: names
                .iter()
                .enumerate()
                .filter(|(a, _)| doc.counts(*a))
                .map(|(_, n)| n.clone())
                .collect(),
            krippendorff_alpha: alpha.alpha(),
            cohen_kappa: tables.iter().map(PairTable::kappa).collect(),
            span_f1_exact: exact,
            span_f1_relaxed: relaxed,
        })
        .collect();
    let fleiss_kappa = fleiss.kappa();
    Agreement {
        annotators: names.clone(),
        documents: units.documents.len(),
        units: alpha_units,
        tokens: units.token_count(),
        krippendorff_alpha: sum_alpha(&ones).alpha(),
        krippendorff_alpha_ci: interval(&|w| sum_alpha(w).alpha()),
        fleiss_kappa,
        fleiss_units: if k >= 3 { fleiss.units as usize } else { 0 },
        pairs: pair_reports,
        per_document,
        per_attribute: super::values::attribute_agreement(project, units),
        seed: SEED,
        resamples: RESAMPLES,
        confidence: 0.95,
    }
}

/// A xorshift64 generator: small, fast and the same on every platform.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

/// `resamples` bootstrap draws of `n` documents with replacement, each as a weight per
/// document (how often it was drawn).
fn bootstrap_weights(n: usize, resamples: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = XorShift(seed.max(1));
    (0..resamples)
        .map(|_| {
            let mut w = vec![0.0; n];
            for _ in 0..n {
                // n is far below 2^64, so the modulo bias is negligible.
                if let Some(x) = w.get_mut((rng.next() % n as u64) as usize) {
                    *x += 1.0;
                }
            }
            w
        })
        .collect()
}

/// The 2.5 and 97.5 percentiles of `values` (linear interpolation); `None` when fewer than
/// half of the `resamples` gave a value.
fn percentile_interval(mut values: Vec<f64>, resamples: usize) -> Option<[f64; 2]> {
    if values.is_empty() || values.len() * 2 < resamples {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let at = |q: f64| {
        let pos = q * (values.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        let (x, y) = (values.get(lo).copied()?, values.get(hi).copied()?);
        Some(x + (y - x) * (pos - lo as f64))
    };
    Some([at(0.025)?, at(0.975)?])
}

#[cfg(test)]
#[path = "agree_tests.rs"]
mod tests;
