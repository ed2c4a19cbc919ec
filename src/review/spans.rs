//! Matching two annotators' annotations for span F1 and relation F1.
//!
//! The first annotator is the reference, the second the prediction: precision = matched /
//! predicted, recall = matched / reference, F1 = 2 · matched / (reference + predicted).
//! *Exact* matches share the tag and every fragment. *Relaxed* matches share the tag and
//! overlap by at least one byte; they are paired one to one, greedily by the largest overlap
//! in bytes, ties broken by the annotations' order (start, end, id), so the result is
//! deterministic. A relation matches when its kind matches and both ends match exactly.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{Annotation, Fragment, Project, Relation};

/// Counts for precision, recall and F1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MatchCounts {
    /// Items of the reference (first) annotator.
    pub reference: usize,
    /// Items of the predicting (second) annotator.
    pub predicted: usize,
    /// Items matched one to one.
    pub matched: usize,
}

impl MatchCounts {
    /// Adds another set of counts.
    pub fn add(&mut self, other: MatchCounts) {
        self.reference += other.reference;
        self.predicted += other.predicted;
        self.matched += other.matched;
    }

    /// matched / predicted; `None` when nothing was predicted.
    pub fn precision(&self) -> Option<f64> {
        ratio(self.matched, self.predicted)
    }

    /// matched / reference; `None` when the reference is empty.
    pub fn recall(&self) -> Option<f64> {
        ratio(self.matched, self.reference)
    }

    /// 2 · matched / (reference + predicted); `None` when both are empty.
    pub fn f1(&self) -> Option<f64> {
        ratio(2 * self.matched, self.reference + self.predicted)
    }
}

fn ratio(x: usize, y: usize) -> Option<f64> {
    (y > 0).then(|| x as f64 / y as f64)
}

/// The identity of an annotation for exact matching: tag and fragments.
type SpanKey<'a> = (&'a str, Vec<Fragment>);

fn span_key(a: &Annotation) -> SpanKey<'_> {
    let mut fragments = a.fragments.clone();
    fragments.sort();
    (a.tag.as_str(), fragments)
}

/// Counts per tag of a one-to-one matching between `a` and `b` (pairs of indices into them).
fn counts_per_tag(
    a: &[&Annotation],
    b: &[&Annotation],
    pairs: &[(usize, usize)],
) -> BTreeMap<String, MatchCounts> {
    let mut out: BTreeMap<String, MatchCounts> = BTreeMap::new();
    for x in a {
        out.entry(x.tag.as_str().to_owned()).or_default().reference += 1;
    }
    for y in b {
        out.entry(y.tag.as_str().to_owned()).or_default().predicted += 1;
    }
    for &(i, _) in pairs {
        if let Some(x) = a.get(i) {
            out.entry(x.tag.as_str().to_owned()).or_default().matched += 1;
        }
    }
    out
}

/// Exact matches per tag between two annotators' annotations of one document.
pub fn exact(a: &[&Annotation], b: &[&Annotation]) -> BTreeMap<String, MatchCounts> {
    counts_per_tag(a, b, &exact_pairs(a, b))
}

/// The exact matching itself: pairs `(i, j)` of indices into `a` and `b` with the same tag
/// and fragments, one to one; annotations with the same key are paired in the order given.
/// Sorted by `i`.
pub fn exact_pairs(a: &[&Annotation], b: &[&Annotation]) -> Vec<(usize, usize)> {
    let mut keys: BTreeMap<SpanKey<'_>, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
    for (i, x) in a.iter().enumerate() {
        keys.entry(span_key(x)).or_default().0.push(i);
    }
    for (j, y) in b.iter().enumerate() {
        keys.entry(span_key(y)).or_default().1.push(j);
    }
    let mut pairs: Vec<(usize, usize)> = keys
        .into_values()
        .flat_map(|(xs, ys)| xs.into_iter().zip(ys))
        .collect();
    pairs.sort_unstable();
    pairs
}

/// Bytes shared by two annotations' fragments.
fn overlap(a: &Annotation, b: &Annotation) -> usize {
    let mut shared = 0;
    for f in &a.fragments {
        for g in &b.fragments {
            shared += f
                .end
                .0
                .min(g.end.0)
                .saturating_sub(f.start.0.max(g.start.0));
        }
    }
    shared
}

/// `list` sorted by start, end and id, with each annotation's index in `list`.
fn in_order<'p>(list: &[&'p Annotation]) -> (Vec<usize>, Vec<&'p Annotation>) {
    let mut v: Vec<(usize, &Annotation)> = list.iter().copied().enumerate().collect();
    v.sort_by(|(_, x), (_, y)| (x.start(), x.end(), &x.id).cmp(&(y.start(), y.end(), &y.id)));
    v.into_iter().unzip()
}

/// Relaxed matches per tag between two annotators' annotations of one document.
pub fn relaxed(a: &[&Annotation], b: &[&Annotation]) -> BTreeMap<String, MatchCounts> {
    counts_per_tag(a, b, &relaxed_pairs(a, b))
}

/// The relaxed matching itself: pairs `(i, j)` of indices into `a` and `b` with the same tag
/// that overlap, one to one, chosen greedily by the largest overlap (ties by the
/// annotations' order: start, end, id). Sorted by `i`.
pub fn relaxed_pairs(a: &[&Annotation], b: &[&Annotation]) -> Vec<(usize, usize)> {
    let ((ia, xs), (ib, ys)) = (in_order(a), in_order(b));
    // Only annotations whose extents overlap can share a byte: with `ys` sorted by start,
    // those of `x` start after `x.start() - longest` and before `x.end()`.
    let longest = ys
        .iter()
        .map(|y| y.end().0.saturating_sub(y.start().0))
        .max()
        .unwrap_or(0);
    let mut candidates: Vec<(usize, usize, usize)> = Vec::new();
    for (i, x) in xs.iter().enumerate() {
        let from = x.start().0.saturating_sub(longest);
        let first = ys.partition_point(|y| y.start().0 < from);
        for (j, y) in ys.iter().enumerate().skip(first) {
            if y.start() >= x.end() {
                break;
            }
            if x.tag == y.tag {
                let shared = overlap(x, y);
                if shared > 0 {
                    candidates.push((shared, i, j));
                }
            }
        }
    }
    candidates.sort_by(|p, q| q.0.cmp(&p.0).then(p.1.cmp(&q.1)).then(p.2.cmp(&q.2)));
    let mut used_a = vec![false; xs.len()];
    let mut used_b = vec![false; ys.len()];
    let mut pairs = Vec::new();
    for (_, i, j) in candidates {
        if used_a.get(i) == Some(&false) && used_b.get(j) == Some(&false) {
            used_a[i] = true;
            used_b[j] = true;
            if let (Some(&x), Some(&y)) = (ia.get(i), ib.get(j)) {
                pairs.push((x, y));
            }
        }
    }
    pairs.sort_unstable();
    pairs
}

/// Relation matches between two annotators' relations of one document: same kind, both ends
/// matching exactly (tag and fragments). Relations whose ends are missing count but never
/// match.
pub fn relations(project: &Project, a: &[&Relation], b: &[&Relation]) -> MatchCounts {
    type Key<'p> = (&'p str, Option<SpanKey<'p>>, Option<SpanKey<'p>>);
    fn key<'p>(project: &'p Project, r: &'p Relation) -> Key<'p> {
        (
            r.kind.as_str(),
            project.annotations.get(&r.from).map(span_key),
            project.annotations.get(&r.to).map(span_key),
        )
    }
    let mut keys: BTreeMap<Key<'_>, (usize, usize)> = BTreeMap::new();
    for r in a {
        keys.entry(key(project, r)).or_default().0 += 1;
    }
    for r in b {
        keys.entry(key(project, r)).or_default().1 += 1;
    }
    let mut counts = MatchCounts::default();
    for ((_, from, to), (na, nb)) in keys {
        let matchable = from.is_some() && to.is_some();
        counts.add(MatchCounts {
            reference: na,
            predicted: nb,
            matched: if matchable { na.min(nb) } else { 0 },
        });
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ByteOffset, ReviewStatus, project_from_marked};
    use proptest::prelude::*;

    fn marked(text: &str) -> Project {
        project_from_marked(text, "x", jiff::Timestamp::UNIX_EPOCH)
            .expect("valid marked text")
            .0
    }

    #[test]
    fn exact_and_relaxed_matching() {
        // Same text marked by two people: one boundary drawn wider, one tag differs.
        let a = marked("[actor|Macron] said [claim|talks could start] soon");
        let b = marked("[actor|Macron said] [claim|talks could] [condition|start] soon");
        let xa: Vec<&Annotation> = a.annotations.values().collect();
        let xb: Vec<&Annotation> = b.annotations.values().collect();
        let e = exact(&xa, &xb);
        assert_eq!(
            e["actor"],
            MatchCounts {
                reference: 1,
                predicted: 1,
                matched: 0
            }
        );
        let r = relaxed(&xa, &xb);
        assert_eq!(
            r["actor"],
            MatchCounts {
                reference: 1,
                predicted: 1,
                matched: 1
            }
        );
        assert_eq!(
            r["claim"],
            MatchCounts {
                reference: 1,
                predicted: 1,
                matched: 1
            }
        );
        assert_eq!(
            r["condition"],
            MatchCounts {
                reference: 0,
                predicted: 1,
                matched: 0
            }
        );
        let mut all = MatchCounts::default();
        r.values().for_each(|c| all.add(*c));
        assert_eq!(all.precision(), Some(2.0 / 3.0));
        assert_eq!(all.recall(), Some(1.0));
        assert_eq!(all.f1(), Some(0.8));
    }

    #[test]
    fn relaxed_matches_one_to_one_by_largest_overlap() {
        let a = marked("[claim|one two three four]");
        let b = marked("[claim|one] [claim|two three four]");
        let xa: Vec<&Annotation> = a.annotations.values().collect();
        let xb: Vec<&Annotation> = b.annotations.values().collect();
        let r = relaxed(&xa, &xb);
        assert_eq!(
            r["claim"],
            MatchCounts {
                reference: 1,
                predicted: 2,
                matched: 1
            }
        );
    }

    /// The matching as first written: every pair of annotations tried.
    fn relaxed_all_pairs(a: &[&Annotation], b: &[&Annotation]) -> Vec<(usize, usize)> {
        let order = |x: &Annotation| (x.start(), x.end(), x.id.clone());
        let mut ia: Vec<usize> = (0..a.len()).collect();
        let mut ib: Vec<usize> = (0..b.len()).collect();
        ia.sort_by_key(|&i| order(a[i]));
        ib.sort_by_key(|&j| order(b[j]));
        let mut candidates = Vec::new();
        for (i, &x) in ia.iter().enumerate() {
            for (j, &y) in ib.iter().enumerate() {
                let shared = overlap(a[x], b[y]);
                if a[x].tag == b[y].tag && shared > 0 {
                    candidates.push((shared, i, j));
                }
            }
        }
        candidates.sort_by(|p, q| q.0.cmp(&p.0).then(p.1.cmp(&q.1)).then(p.2.cmp(&q.2)));
        let (mut used_a, mut used_b) = (vec![false; a.len()], vec![false; b.len()]);
        let mut pairs = Vec::new();
        for (_, i, j) in candidates {
            if !used_a[i] && !used_b[j] {
                used_a[i] = true;
                used_b[j] = true;
                pairs.push((ia[i], ib[j]));
            }
        }
        pairs.sort_unstable();
        pairs
    }

    /// Annotations from (tag, [(start, length)…]) with sorted, disjoint fragments.
    fn annotations(prefix: &str, spec: &[(u8, Vec<(usize, usize)>)]) -> Vec<Annotation> {
        spec.iter()
            .enumerate()
            .map(|(n, (tag, parts))| {
                let mut fragments = Vec::new();
                let mut at = 0;
                for &(gap, len) in parts {
                    let start = at + gap;
                    fragments.push(Fragment::new(ByteOffset(start)..ByteOffset(start + len)));
                    at = start + len + 1;
                }
                Annotation {
                    values: Default::default(),
                    id: format!("{prefix}{n:03}").as_str().into(),
                    doc: "d".into(),
                    tag: ["actor", "claim", "condition"][usize::from(*tag) % 3].into(),
                    fragments,
                    quote: String::new(),
                    annotator: prefix.to_owned(),
                    entity: None,
                    note: String::new(),
                    status: ReviewStatus::Pending,
                    created: jiff::Timestamp::UNIX_EPOCH,
                    modified: jiff::Timestamp::UNIX_EPOCH,
                    changed_by: None,
                }
            })
            .collect()
    }

    fn layer() -> impl Strategy<Value = Vec<(u8, Vec<(usize, usize)>)>> {
        let fragments = prop::collection::vec((0usize..40, 1usize..30), 1..3);
        prop::collection::vec((0u8..3, fragments), 0..25)
    }

    proptest! {
        #[test]
        fn relaxed_matching_looks_only_near_but_finds_the_same_pairs(a in layer(), b in layer()) {
            let (a, b) = (annotations("a", &a), annotations("b", &b));
            let (a, b): (Vec<&Annotation>, Vec<&Annotation>) = (a.iter().collect(), b.iter().collect());
            prop_assert_eq!(relaxed_pairs(&a, &b), relaxed_all_pairs(&a, &b));
            // Exact pairs are one to one and really equal.
            let exact = exact_pairs(&a, &b);
            for &(i, j) in &exact {
                prop_assert_eq!(span_key(a[i]), span_key(b[j]));
            }
            let mut js: Vec<usize> = exact.iter().map(|p| p.1).collect();
            js.sort_unstable();
            js.dedup();
            prop_assert_eq!(js.len(), exact.len());
        }
    }
}
