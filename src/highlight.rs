//! Highlight runs: the article text cut where any annotation starts or ends, each piece
//! listing the annotations that cover it. A pure function of (text length, spans), tested
//! here; the window only paints what it returns.

use std::ops::Range;

/// A stretch of text covered by the same set of annotations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// Byte range into the text.
    pub range: Range<usize>,
    /// Indexes (into the spans given) of the annotations covering this run, outermost first:
    /// the longest span first, so nested spans stack inside it.
    pub layers: Vec<usize>,
}

/// Cuts `0..len` into runs. `spans` are `(byte range, annotation index)`; a discontinuous
/// annotation gives one span per fragment with the same index. Empty spans are ignored.
pub fn runs(len: usize, spans: &[(Range<usize>, usize)]) -> Vec<Run> {
    let mut cuts: Vec<usize> = Vec::with_capacity(spans.len() * 2 + 2);
    cuts.push(0);
    cuts.push(len);
    for (r, _) in spans {
        cuts.push(r.start.min(len));
        cuts.push(r.end.min(len));
    }
    cuts.sort_unstable();
    cuts.dedup();

    // Spans sorted by start; the active set grows as we pass starts and shrinks at ends.
    let mut order: Vec<&(Range<usize>, usize)> =
        spans.iter().filter(|(r, _)| r.start < r.end).collect();
    order.sort_by_key(|(r, i)| (r.start, std::cmp::Reverse(r.end), *i));
    let mut next = 0;
    let mut active: Vec<&(Range<usize>, usize)> = Vec::new();
    let mut out = Vec::with_capacity(cuts.len());
    for pair in cuts.windows(2) {
        let &[start, end] = pair else { continue };
        active.retain(|(r, _)| r.end > start);
        while let Some(span) = order.get(next).filter(|(r, _)| r.start <= start) {
            if span.0.end > start {
                active.push(span);
            }
            next += 1;
        }
        let mut layers: Vec<&(Range<usize>, usize)> = active.clone();
        layers.sort_by_key(|(r, i)| (std::cmp::Reverse(r.end - r.start), r.start, *i));
        let mut ids: Vec<usize> = layers.iter().map(|(_, i)| *i).collect();
        ids.dedup();
        out.push(Run {
            range: start..end,
            layers: ids,
        });
    }
    out
}

/// Assigns each span a lane so that spans that overlap never share one: lane 0 for the
/// outermost, then 1, 2 … for spans nested in or overlapping it. `hulls[i]` is the byte range
/// from the start of annotation `i`'s first fragment to the end of its last. Greedy interval
/// partitioning: spans by start, longest first, each takes the lowest lane free at its start,
/// so the number of lanes is the deepest nesting, which is the fewest possible.
pub fn lanes(hulls: &[Range<usize>]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..hulls.len()).collect();
    order.sort_by_key(|&i| {
        hulls
            .get(i)
            .map(|r| (r.start, std::cmp::Reverse(r.end)))
            .unwrap_or_default()
    });
    // `ends[lane]`: where the last span placed in that lane ends.
    let mut ends: Vec<usize> = Vec::new();
    let mut out = vec![0; hulls.len()];
    for i in order {
        let Some(r) = hulls.get(i) else { continue };
        let lane = match ends.iter().position(|&end| end <= r.start) {
            Some(lane) => lane,
            None => {
                ends.push(0);
                ends.len() - 1
            }
        };
        if let Some(end) = ends.get_mut(lane) {
            *end = r.end.max(r.start + 1);
        }
        if let Some(slot) = out.get_mut(i) {
            *slot = lane;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_spans_never_share_a_lane() {
        // claim 0..17 holds actor 0..6; condition 12..20 overlaps the claim; 30..40 is alone.
        let hulls = vec![0..17, 0..6, 12..20, 30..40, 6..9];
        let got = lanes(&hulls);
        assert_eq!(got, vec![0, 1, 1, 0, 1]);
        for (i, a) in hulls.iter().enumerate() {
            for (j, b) in hulls.iter().enumerate() {
                if i != j && a.start < b.end && b.start < a.end {
                    assert_ne!(got[i], got[j], "{a:?} and {b:?} overlap");
                }
            }
        }
        assert!(lanes(&[]).is_empty());
    }

    #[test]
    fn nested_and_overlapping_spans_stay_distinct() {
        // "Macron said talks" : claim 0..17 contains actor 0..6; condition 12..20 overlaps claim.
        let spans = vec![(0..17, 0), (0..6, 1), (12..20, 2)];
        let got = runs(25, &spans);
        let summary: Vec<(Range<usize>, Vec<usize>)> =
            got.into_iter().map(|r| (r.range, r.layers)).collect();
        assert_eq!(
            summary,
            vec![
                (0..6, vec![0, 1]),
                (6..12, vec![0]),
                (12..17, vec![0, 2]),
                (17..20, vec![2]),
                (20..25, vec![])
            ]
        );
    }

    #[test]
    fn fragments_of_one_annotation_and_empty_text() {
        let got = runs(10, &[(0..2, 7), (5..7, 7)]);
        assert_eq!(got.iter().filter(|r| r.layers == vec![7]).count(), 2);
        assert_eq!(runs(0, &[]), vec![]);
        assert_eq!(got.iter().map(|r| r.range.len()).sum::<usize>(), 10);
    }
}
