//! The differences between annotators' layers in one document, for the compare view and for
//! adjudication.
//!
//! Annotations of the compared layers are grouped, at most one per annotator per group, in
//! passes over what is still ungrouped:
//!
//! 1. same tag and same fragments;
//! 2. same tag, overlapping (largest overlap first);
//! 3. overlapping, another tag (largest overlap first);
//! 4. whatever is left stands alone.
//!
//! A pass joins two groups through a pair of their annotations when the groups have no
//! annotator in common, so with two annotators matching is one to one, and with three an
//! annotation can join a pair the earlier passes made. Each group is one [`Difference`]; its
//! [`DiffKind`] follows from what the group holds (see [`kind_of`]). Annotations of
//! [`REVIEWED_LAYER`] are never compared: that layer is what the differences settle into.
//!
//! The cost is a sort and a sweep over the document's annotations of the compared layers,
//! plus the overlapping pairs: a few hundred annotations compare in well under a millisecond.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use crate::model::{
    Annotation, AnnotationId, ByteOffset, Decision, DecisionId, DocId, Fragment, Project,
    REVIEWED_LAYER,
};

/// How the annotators differ on one stretch of text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DiffKind {
    /// Every annotator has the same span with the same tag.
    Agree,
    /// Same tag, but the spans differ.
    Boundary,
    /// The tags differ (on the same or overlapping spans).
    Label,
    /// Same span and tag, but the values of attributes differ (stance, concept …).
    Values,
    /// Some annotator has nothing here ("only in one layer" with two annotators).
    Missing,
}

impl DiffKind {
    /// Every kind, in the order the compare view lists them.
    pub const ALL: [DiffKind; 5] = [
        DiffKind::Agree,
        DiffKind::Boundary,
        DiffKind::Label,
        DiffKind::Values,
        DiffKind::Missing,
    ];

    /// Words for the analyst.
    pub fn label(self) -> &'static str {
        match self {
            DiffKind::Agree => "agree",
            DiffKind::Boundary => "boundary",
            DiffKind::Label => "label",
            DiffKind::Values => "value differs",
            DiffKind::Missing => "only in one layer",
        }
    }
}

/// One group of the compared annotators' annotations over one stretch of text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// What kind of difference it is.
    pub kind: DiffKind,
    /// From the first byte any of its annotations covers to one past the last (byte offsets
    /// into the document text, on grapheme boundaries).
    pub hull: Range<ByteOffset>,
    /// One slot per compared annotator, in the order of [`Comparison::annotators`]: that
    /// annotator's annotation in the group, or `None`. At least one slot is filled.
    pub sides: Vec<Option<AnnotationId>>,
    /// The decision that settled it: one whose sources contain every annotation of the group,
    /// none changed since (see [`Decision::settles`]).
    pub settled: Option<DecisionId>,
}

impl Difference {
    /// The annotations of the group, in annotator order.
    pub fn annotations(&self) -> impl Iterator<Item = &AnnotationId> {
        self.sides.iter().flatten()
    }
}

/// The differences between some annotators' layers in one document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    /// The document compared.
    pub doc: DocId,
    /// The annotators compared, in the order asked, without repeats and without
    /// [`REVIEWED_LAYER`].
    pub annotators: Vec<String>,
    /// The differences, sorted by position (start, longest first, then kind and ids).
    pub differences: Vec<Difference>,
}

impl Comparison {
    /// How many differences there are of each kind, in the order of [`DiffKind::ALL`].
    pub fn counts(&self) -> [usize; 5] {
        let mut counts = [0; 5];
        for d in &self.differences {
            if let Some(n) = DiffKind::ALL
                .iter()
                .position(|k| *k == d.kind)
                .and_then(|i| counts.get_mut(i))
            {
                *n += 1;
            }
        }
        counts
    }

    /// How many differences are settled.
    pub fn settled(&self) -> usize {
        self.differences
            .iter()
            .filter(|d| d.settled.is_some())
            .count()
    }

    /// Whether every difference is settled (true for a document with none).
    pub fn all_settled(&self) -> bool {
        self.differences.iter().all(|d| d.settled.is_some())
    }
}

/// The annotators to compare: `wanted` in order, without repeats and without the reviewed
/// layer.
fn compared(wanted: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(wanted.len());
    for a in wanted {
        if a != REVIEWED_LAYER && !out.contains(a) {
            out.push(a.clone());
        }
    }
    out
}

/// The differences between `annotators`' layers in document `doc`. Walks every annotation of
/// the project to find the document's; [`compare_among`] skips that walk.
pub fn compare(project: &Project, doc: &DocId, annotators: &[String]) -> Comparison {
    compare_among(project, doc, annotators, project.annotations.values())
}

/// [`compare`] over `annotations` only: a caller that already holds the document's
/// annotations (or a superset) saves the walk over the whole project. Annotations of other
/// documents and other layers are left out.
pub fn compare_among<'p>(
    project: &'p Project,
    doc: &DocId,
    annotators: &[String],
    annotations: impl IntoIterator<Item = &'p Annotation>,
) -> Comparison {
    let annotators = compared(annotators);
    let annotations: Vec<&Annotation> = annotations
        .into_iter()
        .filter(|a| &a.doc == doc && annotators.contains(&a.annotator))
        .collect();
    let decisions: Vec<&Decision> = project
        .decisions
        .values()
        .filter(|d| &d.doc == doc)
        .collect();
    compare_annotations(doc.clone(), annotators, annotations, &decisions)
}

/// The differences between `annotators`' layers in every document, in document order.
/// Walks the project once, so it costs about what one [`compare`] does.
pub fn compare_all(project: &Project, annotators: &[String]) -> Vec<Comparison> {
    let annotators = compared(annotators);
    let mut by_doc: HashMap<&DocId, Vec<&Annotation>> = HashMap::new();
    for a in project.annotations.values() {
        if annotators.contains(&a.annotator) {
            by_doc.entry(&a.doc).or_default().push(a);
        }
    }
    let mut decisions: HashMap<&DocId, Vec<&Decision>> = HashMap::new();
    for d in project.decisions.values() {
        decisions.entry(&d.doc).or_default().push(d);
    }
    project
        .documents
        .iter()
        .map(|doc| {
            compare_annotations(
                doc.id.clone(),
                annotators.clone(),
                by_doc.remove(&doc.id).unwrap_or_default(),
                decisions.get(&doc.id).map_or(&[][..], Vec::as_slice),
            )
        })
        .collect()
}

/// Bytes shared by two annotations' fragments (both sorted and disjoint).
pub(crate) fn overlap(a: &[Fragment], b: &[Fragment]) -> usize {
    let mut shared = 0;
    for f in a {
        for g in b {
            shared += f
                .end
                .0
                .min(g.end.0)
                .saturating_sub(f.start.0.max(g.start.0));
        }
    }
    shared
}

/// A pair of annotations of two annotators that overlap: (shared bytes, first, second), the
/// indexes into the sorted list.
type Pair = (usize, usize, usize);

/// Groups of annotations as a union-find forest that also knows each group's annotators.
struct Groups {
    parent: Vec<usize>,
    /// For each root: which annotators (by position) its group holds.
    who: Vec<Vec<bool>>,
}

impl Groups {
    fn new(slots: &[usize], annotators: usize) -> Self {
        let who = slots
            .iter()
            .map(|&s| {
                let mut w = vec![false; annotators];
                if let Some(x) = w.get_mut(s) {
                    *x = true;
                }
                w
            })
            .collect();
        Groups {
            parent: (0..slots.len()).collect(),
            who,
        }
    }

    fn root(&mut self, mut i: usize) -> usize {
        while let Some(&p) = self.parent.get(i) {
            if p == i {
                break;
            }
            // Path halving keeps the trees flat.
            let grand = self.parent.get(p).copied().unwrap_or(p);
            if let Some(slot) = self.parent.get_mut(i) {
                *slot = grand;
            }
            i = grand;
        }
        i
    }

    /// Joins the groups of `a` and `b` if they hold no annotator in common.
    fn join(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.root(a), self.root(b));
        if ra == rb {
            return;
        }
        let (Some(wa), Some(wb)) = (self.who.get(ra), self.who.get(rb)) else {
            return;
        };
        if wa.iter().zip(wb).any(|(x, y)| *x && *y) {
            return;
        }
        let merged: Vec<bool> = wa.iter().zip(wb).map(|(x, y)| *x || *y).collect();
        let (keep, gone) = if ra < rb { (ra, rb) } else { (rb, ra) };
        if let Some(p) = self.parent.get_mut(gone) {
            *p = keep;
        }
        if let Some(w) = self.who.get_mut(keep) {
            *w = merged;
        }
    }
}

/// The grouping and kinds for one document's annotations of the compared layers.
fn compare_annotations(
    doc: DocId,
    annotators: Vec<String>,
    mut annotations: Vec<&Annotation>,
    decisions: &[&Decision],
) -> Comparison {
    annotations.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let slots: Vec<usize> = annotations
        .iter()
        .map(|a| {
            annotators
                .iter()
                .position(|n| n == &a.annotator)
                .unwrap_or(0)
        })
        .collect();
    // Every overlapping pair of two annotators, found by one sweep over the starts.
    let mut pairs: Vec<Pair> = Vec::new();
    for (i, a) in annotations.iter().enumerate() {
        for (j, b) in annotations.iter().enumerate().skip(i + 1) {
            if b.start() >= a.end() {
                break;
            }
            if slots.get(i) != slots.get(j) {
                let shared = overlap(&a.fragments, &b.fragments);
                if shared > 0 {
                    pairs.push((shared, i, j));
                }
            }
        }
    }
    // Largest overlap first; ties in text order, so the grouping is deterministic.
    pairs.sort_by(|p, q| q.0.cmp(&p.0).then(p.1.cmp(&q.1)).then(p.2.cmp(&q.2)));
    let mut groups = Groups::new(&slots, annotators.len());
    let same_tag = |i: usize, j: usize| match (annotations.get(i), annotations.get(j)) {
        (Some(a), Some(b)) => a.tag == b.tag,
        _ => false,
    };
    let same_span = |i: usize, j: usize| match (annotations.get(i), annotations.get(j)) {
        (Some(a), Some(b)) => a.fragments == b.fragments,
        _ => false,
    };
    for pass in 0..3 {
        for &(_, i, j) in &pairs {
            let fits = match pass {
                0 => same_tag(i, j) && same_span(i, j),
                1 => same_tag(i, j),
                _ => true,
            };
            if fits {
                groups.join(i, j);
            }
        }
    }
    // Collect the groups, in the order of their first annotation.
    let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..annotations.len() {
        let r = groups.root(i);
        members.entry(r).or_default().push(i);
    }
    let mut settles: HashMap<&AnnotationId, Vec<&Decision>> = HashMap::new();
    for d in decisions {
        for s in &d.sources {
            settles.entry(s).or_default().push(d);
        }
    }
    let mut differences: Vec<Difference> = members
        .values()
        .map(|group| {
            let list: Vec<(usize, &Annotation)> = group
                .iter()
                .filter_map(|&i| Some((*slots.get(i)?, *annotations.get(i)?)))
                .collect();
            let mut sides = vec![None; annotators.len()];
            for (slot, a) in &list {
                if let Some(s) = sides.get_mut(*slot) {
                    *s = Some(a.id.clone());
                }
            }
            let held: Vec<&Annotation> = list.iter().map(|(_, a)| *a).collect();
            let hull = held.iter().map(|a| a.start()).min().unwrap_or_default()
                ..held.iter().map(|a| a.end()).max().unwrap_or_default();
            let settled = held.first().and_then(|first| {
                settles.get(&first.id).and_then(|ds| {
                    ds.iter()
                        .filter(|d| held.iter().all(|a| d.settles(a)))
                        .map(|d| d.id.clone())
                        .min()
                })
            });
            Difference {
                kind: kind_of(&held, annotators.len()),
                hull,
                sides,
                settled,
            }
        })
        .collect();
    differences.sort_by(|a, b| {
        (
            a.hull.start,
            std::cmp::Reverse(a.hull.end),
            a.kind,
            &a.sides,
        )
            .cmp(&(
                b.hull.start,
                std::cmp::Reverse(b.hull.end),
                b.kind,
                &b.sides,
            ))
    });
    Comparison {
        doc,
        annotators,
        differences,
    }
}

/// The kind of a group holding `held` (at most one annotation per annotator) out of
/// `annotators` compared: label if the tags differ, else boundary if the spans differ, else
/// missing if some annotator has none, else value differs if the values differ, else agree.
pub fn kind_of(held: &[&Annotation], annotators: usize) -> DiffKind {
    let Some(first) = held.first() else {
        return DiffKind::Missing;
    };
    if held.iter().any(|a| a.tag != first.tag) {
        DiffKind::Label
    } else if held.iter().any(|a| a.fragments != first.fragments) {
        DiffKind::Boundary
    } else if held.len() < annotators {
        DiffKind::Missing
    } else if held.iter().any(|a| a.values != first.values) {
        DiffKind::Values
    } else {
        DiffKind::Agree
    }
}

#[cfg(test)]
#[path = "diff_tests.rs"]
pub(crate) mod tests;
