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

/// Exact matches per tag between two annotators' annotations of one document.
pub fn exact(a: &[&Annotation], b: &[&Annotation]) -> BTreeMap<String, MatchCounts> {
    let mut keys: BTreeMap<SpanKey<'_>, (usize, usize)> = BTreeMap::new();
    for x in a {
        keys.entry(span_key(x)).or_default().0 += 1;
    }
    for y in b {
        keys.entry(span_key(y)).or_default().1 += 1;
    }
    let mut out: BTreeMap<String, MatchCounts> = BTreeMap::new();
    for ((tag, _), (na, nb)) in keys {
        out.entry(tag.to_owned()).or_default().add(MatchCounts {
            reference: na,
            predicted: nb,
            matched: na.min(nb),
        });
    }
    out
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

/// Relaxed matches per tag between two annotators' annotations of one document.
pub fn relaxed(a: &[&Annotation], b: &[&Annotation]) -> BTreeMap<String, MatchCounts> {
    let mut out: BTreeMap<String, MatchCounts> = BTreeMap::new();
    let order = |x: &&&Annotation, y: &&&Annotation| {
        (x.start(), x.end(), &x.id).cmp(&(y.start(), y.end(), &y.id))
    };
    let mut a: Vec<&&Annotation> = a.iter().collect();
    let mut b: Vec<&&Annotation> = b.iter().collect();
    a.sort_by(order);
    b.sort_by(order);
    for x in &a {
        out.entry(x.tag.as_str().to_owned()).or_default().reference += 1;
    }
    for y in &b {
        out.entry(y.tag.as_str().to_owned()).or_default().predicted += 1;
    }
    let mut candidates: Vec<(usize, usize, usize)> = Vec::new();
    for (i, x) in a.iter().enumerate() {
        for (j, y) in b.iter().enumerate() {
            if x.tag == y.tag {
                let shared = overlap(x, y);
                if shared > 0 {
                    candidates.push((shared, i, j));
                }
            }
        }
    }
    candidates.sort_by(|p, q| q.0.cmp(&p.0).then(p.1.cmp(&q.1)).then(p.2.cmp(&q.2)));
    let mut used_a = vec![false; a.len()];
    let mut used_b = vec![false; b.len()];
    for (_, i, j) in candidates {
        if used_a.get(i) == Some(&false) && used_b.get(j) == Some(&false) {
            used_a[i] = true;
            used_b[j] = true;
            if let Some(x) = a.get(i) {
                out.entry(x.tag.as_str().to_owned()).or_default().matched += 1;
            }
        }
    }
    out
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
    use crate::model::project_from_marked;

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
}
