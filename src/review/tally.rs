//! Counting one document for the agreement report: the coefficient tables and the span and
//! relation matches of every pair of annotators.
//!
//! Documents are independent, so they are counted on several cores and the tallies summed in
//! document order afterwards. Every count is a whole number (tables hold them as `f64`, exact
//! up to 2^53), so the sums, and every coefficient read off them, are the same to the last bit
//! as counting token by token on one thread.

use std::collections::BTreeMap;

use super::coef::{AlphaTable, FleissTable, PairTable};
use super::spans::{self, MatchCounts};
use super::units::{DocUnits, LabelId, Units, by_doc_and_layer};
use crate::model::{Annotation, DocId, Document, Project, Relation};

/// Span and relation matches of one pair: exact and relaxed per tag, and relations.
pub(super) type PairSpans = (
    BTreeMap<String, MatchCounts>,
    BTreeMap<String, MatchCounts>,
    MatchCounts,
);

/// One document's counts.
pub(super) struct Tally {
    /// Per pair: Cohen's κ table over the tokens both labelled.
    pub pairs: Vec<PairTable>,
    /// Per pair and tag (in the order of [`Units::tags`]): carries the tag or not.
    pub tags: Vec<Vec<PairTable>>,
    /// Krippendorff's α over all annotators.
    pub alpha: AlphaTable,
    /// Fleiss' κ over the tokens every annotator labelled (three or more annotators).
    pub fleiss: FleissTable,
    /// Tokens labelled by two or more annotators.
    pub alpha_units: usize,
    /// Per pair: span and relation matches (empty unless both annotators count here).
    pub spans: Vec<PairSpans>,
}

/// What counting a document needs, prepared once for all of them.
pub(super) struct Counter<'p> {
    project: &'p Project,
    names: &'p [String],
    /// The pairs of annotators, as indices into `names`, in report order.
    pub pairs: Vec<(usize, usize)>,
    categories: usize,
    /// Per label: the index of its category.
    label_category: Vec<usize>,
    /// Per label: 1 for each tag it carries, else 0 (in the order of [`Units::tags`]).
    has_tag: Vec<Vec<usize>>,
    no_tags: Vec<usize>,
    annotations: BTreeMap<(&'p DocId, &'p str), Vec<&'p Annotation>>,
    relations: BTreeMap<(&'p str, &'p str), Vec<&'p Relation>>,
}

impl<'p> Counter<'p> {
    /// Prepares counting the documents of `project` over `units`.
    pub fn new(project: &'p Project, units: &'p Units) -> Self {
        let k = units.annotators.len();
        let tags = units.tags();
        let mut relations: BTreeMap<(&str, &str), Vec<&Relation>> = BTreeMap::new();
        for r in project.relations.values() {
            if let Some(from) = project.annotations.get(&r.from) {
                relations
                    .entry((from.doc.as_str(), r.annotator.as_str()))
                    .or_default()
                    .push(r);
            }
        }
        Counter {
            project,
            names: &units.annotators,
            pairs: (0..k)
                .flat_map(|i| (i + 1..k).map(move |j| (i, j)))
                .collect(),
            categories: units.categories().len(),
            label_category: (0..units.labels().len())
                .map(|l| units.category_of(l as LabelId).unwrap_or_default())
                .collect(),
            has_tag: units
                .labels()
                .iter()
                .map(|l| tags.iter().map(|t| usize::from(l.contains(t))).collect())
                .collect(),
            no_tags: vec![0; tags.len()],
            annotations: by_doc_and_layer(project),
            relations,
        }
    }

    /// One annotator's annotations in a document (by index into the annotators).
    pub fn annotations<'s>(&'s self, doc: &'p DocId, a: usize) -> &'s [&'p Annotation] {
        self.names
            .get(a)
            .and_then(|name| self.annotations.get(&(doc, name.as_str())))
            .map_or(&[], Vec::as_slice)
    }

    fn relations<'s>(&'s self, doc: &'p DocId, a: usize) -> &'s [&'p Relation] {
        self.names
            .get(a)
            .and_then(|name| self.relations.get(&(doc.as_str(), name.as_str())))
            .map_or(&[], Vec::as_slice)
    }

    /// Counts one document.
    pub fn tally(&self, doc: &'p Document, units: &DocUnits) -> Tally {
        let k = self.names.len();
        let ncat = self.categories;
        let mut tally = Tally {
            pairs: vec![PairTable::new(ncat); self.pairs.len()],
            tags: vec![vec![PairTable::new(2); self.no_tags.len()]; self.pairs.len()],
            alpha: AlphaTable::new(ncat),
            fleiss: FleissTable::new(k, ncat),
            alpha_units: 0,
            spans: vec![PairSpans::default(); self.pairs.len()],
        };
        let mut row: Vec<Option<usize>> = vec![None; k];
        let mut cats: Vec<Option<usize>> = vec![None; k];
        let mut present: Vec<usize> = Vec::with_capacity(k);
        for t in 0..units.tokens.len() {
            for (a, (label, cat)) in row.iter_mut().zip(&mut cats).enumerate() {
                *label = units.label(t, a).map(|l| l as usize);
                *cat = label.and_then(|l| self.label_category.get(l).copied());
            }
            let tags_of = |a: usize| {
                row.get(a)
                    .copied()
                    .flatten()
                    .and_then(|l| self.has_tag.get(l))
                    .unwrap_or(&self.no_tags)
            };
            for ((&(i, j), table), tag_tables) in
                self.pairs.iter().zip(&mut tally.pairs).zip(&mut tally.tags)
            {
                if let (Some(Some(x)), Some(Some(y))) = (cats.get(i), cats.get(j)) {
                    table.record(*x, *y);
                    for (table, (x, y)) in
                        tag_tables.iter_mut().zip(tags_of(i).iter().zip(tags_of(j)))
                    {
                        table.record(*x, *y);
                    }
                }
            }
            present.clear();
            present.extend(cats.iter().flatten());
            if present.len() >= 2 {
                tally.alpha_units += 1;
            }
            tally.alpha.record(&present);
            if k >= 3 && present.len() == k {
                tally.fleiss.record(&present);
            }
        }
        for (&(i, j), (exact, relaxed, rel)) in self.pairs.iter().zip(&mut tally.spans) {
            if !units.counts(i) || !units.counts(j) {
                continue;
            }
            let (a, b) = (self.annotations(&doc.id, i), self.annotations(&doc.id, j));
            *exact = spans::exact(a, b);
            *relaxed = spans::relaxed(a, b);
            *rel = spans::relations(
                self.project,
                self.relations(&doc.id, i),
                self.relations(&doc.id, j),
            );
        }
        tally
    }
}
