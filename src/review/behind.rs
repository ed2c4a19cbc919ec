//! The spans behind an agreement figure: for two annotators, and optionally one tag and one
//! document, every annotation of either side with what the span matching paired it with.
//!
//! The documents are those both annotators labelled (see [`super::units::counts`]), as for
//! the report, and the pairs are those [`spans::exact_pairs`] or [`spans::relaxed_pairs`]
//! choose, so the rows add up to the report's counts: matched rows are `matched`, rows with
//! the first annotator's span are `reference`, rows with the second's are `predicted`.
//! Matching never pairs two tags, so keeping one tag's annotations before matching gives the
//! same pairs as matching all and keeping that tag's.

use serde::Serialize;

use super::spans;
use super::units::{by_doc_and_layer, counts};
use crate::model::{Annotation, AnnotationId, ByteOffset, DocId, Project};

/// Which matching the rows follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Matching {
    /// Same tag and the same fragments.
    Exact,
    /// Same tag and overlapping, one to one by the largest overlap.
    Relaxed,
}

/// How a span fared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Outcome {
    /// Matched, with the same fragments: the two agree.
    Same,
    /// Matched under relaxed matching, with other boundaries.
    Overlap,
    /// Only the first annotator has it (a miss for the second).
    OnlyFirst,
    /// Only the second annotator has it.
    OnlySecond,
}

impl Outcome {
    /// A short description for lists: `agreed`, `boundary`, `only A`.
    pub fn describe(self, first: &str, second: &str) -> String {
        match self {
            Outcome::Same => "agreed".to_owned(),
            Outcome::Overlap => "boundary differs".to_owned(),
            Outcome::OnlyFirst => format!("only {first}"),
            Outcome::OnlySecond => format!("only {second}"),
        }
    }
}

/// One row: a matched pair, or a span only one annotator has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpanRow {
    /// The document.
    pub doc: DocId,
    /// The tag (of both, when matched).
    pub tag: String,
    /// How the span fared.
    pub outcome: Outcome,
    /// The first annotator's annotation, when there is one.
    pub first: Option<AnnotationId>,
    /// The second annotator's annotation, when there is one.
    pub second: Option<AnnotationId>,
    /// Where the row starts: the earlier start of its annotations (byte offset into the
    /// document's text).
    pub start: ByteOffset,
}

/// The rows behind a figure for `first` and `second` (the report's `a` and `b`), over the
/// documents both labelled, limited to `tag` and `doc` when given; in document order, then by
/// position.
pub fn behind(
    project: &Project,
    first: &str,
    second: &str,
    tag: Option<&str>,
    doc: Option<&DocId>,
    matching: Matching,
) -> Vec<SpanRow> {
    let grouped = by_doc_and_layer(project);
    let mut rows = Vec::new();
    for d in project
        .documents
        .iter()
        .filter(|d| doc.is_none_or(|id| *id == d.id))
    {
        let layer = |name: &str| -> Vec<&Annotation> {
            grouped
                .get(&(&d.id, name))
                .map(|v| {
                    v.iter()
                        .copied()
                        .filter(|a| tag.is_none_or(|t| a.tag.as_str() == t))
                        .collect()
                })
                .unwrap_or_default()
        };
        let has = |name: &str| grouped.contains_key(&(&d.id, name));
        if !counts(d, first, has(first)) || !counts(d, second, has(second)) {
            continue;
        }
        let (a, b) = (layer(first), layer(second));
        let pairs = match matching {
            Matching::Exact => spans::exact_pairs(&a, &b),
            Matching::Relaxed => spans::relaxed_pairs(&a, &b),
        };
        let mut in_doc = Vec::with_capacity(a.len() + b.len());
        let (mut used_a, mut used_b) = (vec![false; a.len()], vec![false; b.len()]);
        for &(i, j) in &pairs {
            let (Some(x), Some(y)) = (a.get(i), b.get(j)) else {
                continue;
            };
            used_a[i] = true;
            used_b[j] = true;
            let same = {
                let (mut f, mut g) = (x.fragments.clone(), y.fragments.clone());
                f.sort();
                g.sort();
                f == g
            };
            in_doc.push(SpanRow {
                doc: d.id.clone(),
                tag: x.tag.as_str().to_owned(),
                outcome: if same {
                    Outcome::Same
                } else {
                    Outcome::Overlap
                },
                first: Some(x.id.clone()),
                second: Some(y.id.clone()),
                start: x.start().min(y.start()),
            });
        }
        let alone = |list: &[&Annotation], used: &[bool], outcome: Outcome| -> Vec<SpanRow> {
            list.iter()
                .zip(used)
                .filter(|(_, used)| !**used)
                .map(|(x, _)| SpanRow {
                    doc: d.id.clone(),
                    tag: x.tag.as_str().to_owned(),
                    outcome,
                    first: (outcome == Outcome::OnlyFirst).then(|| x.id.clone()),
                    second: (outcome == Outcome::OnlySecond).then(|| x.id.clone()),
                    start: x.start(),
                })
                .collect()
        };
        in_doc.extend(alone(&a, &used_a, Outcome::OnlyFirst));
        in_doc.extend(alone(&b, &used_b, Outcome::OnlySecond));
        in_doc.sort_by(|x, y| {
            (x.start, x.outcome, &x.first, &x.second)
                .cmp(&(y.start, y.outcome, &y.first, &y.second))
        });
        rows.extend(in_doc);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DocStatus, Document, Fragment, ops, parse_marked};
    use crate::review::{Units, agreement, choose_annotators};

    /// One document coded by two people over the same text, plus one only ann coded.
    fn project() -> Project {
        let layers = [
            (
                "ann",
                "[actor|Zoe\u{301}] 👩‍👩‍👧 said [claim|東京 talks could start] [condition|if] 🇫🇷",
            ),
            (
                "ben",
                "[actor|Zoe\u{301}] 👩‍👩‍👧 [actor|said] [claim|東京 talks] could [claim|start] if 🇫🇷",
            ),
        ];
        let mut p = Project::new("t");
        let text = parse_marked(layers[0].1).expect("marked").0;
        p.documents.push(Document::new("d", "Doc", text));
        p.documents
            .push(Document::new("e", "Other", "Xi spoke.".to_owned()));
        for (who, marked) in layers {
            for (tag, range) in parse_marked(marked).expect("marked").1 {
                ops::add_annotation(
                    &p,
                    &"d".into(),
                    &tag,
                    vec![Fragment::new(range)],
                    who,
                    jiff::Timestamp::UNIX_EPOCH,
                )
                .expect("valid")
                .apply(&mut p)
                .expect("applies");
            }
        }
        ops::add_annotation(
            &p,
            &"e".into(),
            &"actor".into(),
            vec![Fragment::new(ByteOffset(0)..ByteOffset(2))],
            "ann",
            jiff::Timestamp::UNIX_EPOCH,
        )
        .expect("valid")
        .apply(&mut p)
        .expect("applies");
        p
    }

    fn quote(p: &Project, id: &Option<AnnotationId>) -> String {
        id.as_ref()
            .and_then(|id| p.annotations.get(id))
            .map(|a| a.quote.clone())
            .unwrap_or_default()
    }

    #[test]
    fn rows_say_what_matched_and_what_one_side_alone_has() {
        let p = project();
        let rows = behind(&p, "ann", "ben", None, None, Matching::Relaxed);
        let seen: Vec<(Outcome, String, String)> = rows
            .iter()
            .map(|r| (r.outcome, quote(&p, &r.first), quote(&p, &r.second)))
            .collect();
        assert_eq!(
            seen,
            [
                (Outcome::Same, "Zoe\u{301}".into(), "Zoe\u{301}".into()),
                (Outcome::OnlySecond, String::new(), "said".into()),
                (
                    Outcome::Overlap,
                    "東京 talks could start".into(),
                    "東京 talks".into()
                ),
                (Outcome::OnlySecond, String::new(), "start".into()),
                (Outcome::OnlyFirst, "if".into(), String::new()),
            ]
        );
        // Document e counts for ann only: none of its spans are behind the pair's figures,
        // until ben marks it done.
        assert!(rows.iter().all(|r| r.doc.as_str() == "d"));
        let mut done = p.clone();
        done.documents[1]
            .meta
            .status
            .insert("ben".into(), DocStatus::Done);
        let rows = behind(
            &done,
            "ann",
            "ben",
            None,
            Some(&"e".into()),
            Matching::Exact,
        );
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].outcome, Outcome::OnlyFirst);
    }

    #[test]
    fn rows_add_up_to_the_report_per_tag_and_matching() {
        let p = project();
        let names = choose_annotators(&p, &[]).expect("two");
        let report = agreement(&p, &Units::of(&p, &names));
        let pair = &report.pairs[0];
        for (matching, scores) in [
            (Matching::Exact, &pair.span_exact),
            (Matching::Relaxed, &pair.span_relaxed),
        ] {
            let rows = behind(&p, "ann", "ben", None, None, matching);
            let matched = rows
                .iter()
                .filter(|r| r.first.is_some() && r.second.is_some());
            assert_eq!(matched.count(), scores.matched);
            assert_eq!(
                rows.iter().filter(|r| r.first.is_some()).count(),
                scores.reference
            );
            assert_eq!(
                rows.iter().filter(|r| r.second.is_some()).count(),
                scores.predicted
            );
        }
        for t in &pair.per_tag {
            let rows = behind(&p, "ann", "ben", Some(&t.tag), None, Matching::Relaxed);
            assert!(rows.iter().all(|r| r.tag == t.tag));
            let matched = rows
                .iter()
                .filter(|r| r.first.is_some() && r.second.is_some());
            assert_eq!(matched.count(), t.span_relaxed.matched, "{}", t.tag);
            assert_eq!(
                rows.len(),
                t.span_relaxed.reference + t.span_relaxed.predicted - t.span_relaxed.matched
            );
        }
    }
}
