//! The units agreement is measured on: the word tokens of each document and, for every chosen
//! annotator, the category each token gets.
//!
//! A token is a UAX #29 word segment that contains a letter or digit (what
//! `unicode_words` yields), kept with its byte range. An annotation *covers* a token when one
//! of its fragments overlaps it: `fragment.start < token.end && token.start < fragment.end`.
//! A token's label for an annotator is the sorted set of tags of the annotations of that
//! annotator covering it, written as one category (`actor+claim`, or `""` for none). A
//! document counts for an annotator when the annotator marked it done (or reviewed) or has an
//! annotation in it; otherwise the annotator's labels there are missing (`None`).

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use serde::Serialize;
use unicode_segmentation::UnicodeSegmentation;

use crate::model::{Annotation, DocId, DocStatus, Project};

/// A token's label for one annotator: its sorted tag ids (empty for none).
pub type Label = Vec<String>;

/// The units of one document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DocUnits {
    /// The document.
    pub id: String,
    /// Byte ranges of the tokens into `Document::text`, in text order.
    pub tokens: Vec<Range<usize>>,
    /// Per annotator (in the order of [`Units::annotators`]): whether the document counts.
    pub counted: Vec<bool>,
    /// `labels[token][annotator]`: the label, `None` where the document does not count.
    pub labels: Vec<Vec<Option<Label>>>,
}

/// The units of a whole project for a set of annotators.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Units {
    /// The annotators, in the order of the label columns.
    pub annotators: Vec<String>,
    /// One entry per document, in project order.
    pub documents: Vec<DocUnits>,
}

/// The word tokens of `text` as byte ranges: UAX #29 word segments containing a letter or
/// digit.
pub fn tokens(text: &str) -> Vec<Range<usize>> {
    text.split_word_bound_indices()
        .filter(|(_, word)| word.chars().any(char::is_alphanumeric))
        .map(|(start, word)| start..start + word.len())
        .collect()
}

/// The annotations grouped by document and annotator.
pub(crate) fn by_doc_and_layer(project: &Project) -> BTreeMap<(&DocId, &str), Vec<&Annotation>> {
    let mut map: BTreeMap<(&DocId, &str), Vec<&Annotation>> = BTreeMap::new();
    for a in project.annotations.values() {
        map.entry((&a.doc, a.annotator.as_str()))
            .or_default()
            .push(a);
    }
    map
}

impl Units {
    /// The units of every document of `project` for `annotators`.
    pub fn of(project: &Project, annotators: &[String]) -> Units {
        let grouped = by_doc_and_layer(project);
        // Documents are independent: spread them over the cores.
        let documents = crate::par::par_map(&project.documents, |doc| {
            let tokens = tokens(&doc.text);
            let mut labels: Vec<Vec<Option<Label>>> =
                vec![Vec::with_capacity(annotators.len()); tokens.len()];
            let mut counted = Vec::with_capacity(annotators.len());
            for name in annotators {
                let anns = grouped
                    .get(&(&doc.id, name.as_str()))
                    .map_or(&[][..], Vec::as_slice);
                let done = matches!(
                    doc.meta.status.get(name),
                    Some(DocStatus::Done | DocStatus::Reviewed)
                );
                let counts = done || !anns.is_empty();
                counted.push(counts);
                let column = counts.then(|| token_labels(&tokens, anns));
                for (i, row) in labels.iter_mut().enumerate() {
                    row.push(column.as_ref().and_then(|c| c.get(i).cloned()));
                }
            }
            DocUnits {
                id: doc.id.as_str().to_owned(),
                tokens,
                counted,
                labels,
            }
        });
        Units {
            annotators: annotators.to_vec(),
            documents,
        }
    }

    /// Tokens in all documents.
    pub fn token_count(&self) -> usize {
        self.documents.iter().map(|d| d.tokens.len()).sum()
    }

    /// Every category that occurs, sorted (`""` for no tag first).
    pub fn categories(&self) -> Vec<String> {
        let set: BTreeSet<String> = self
            .documents
            .iter()
            .flat_map(|d| d.labels.iter().flatten().flatten())
            .map(|l| category(l))
            .collect();
        set.into_iter().collect()
    }

    /// Every tag that occurs in a label, sorted.
    pub fn tags(&self) -> Vec<String> {
        let set: BTreeSet<&String> = self
            .documents
            .iter()
            .flat_map(|d| d.labels.iter().flatten().flatten().flatten())
            .collect();
        set.into_iter().cloned().collect()
    }

    /// The label matrix as JSON for outside checks: per document its id, token ranges and
    /// `labels[token][annotator]` as category strings, `null` where missing.
    pub fn to_json(&self) -> serde_json::Value {
        let documents: Vec<serde_json::Value> = self
            .documents
            .iter()
            .map(|d| {
                let labels: Vec<Vec<Option<String>>> = d
                    .labels
                    .iter()
                    .map(|row| {
                        row.iter()
                            .map(|l| l.as_ref().map(|l| category(l)))
                            .collect()
                    })
                    .collect();
                serde_json::json!({
                    "id": d.id,
                    "tokens": d.tokens.iter().map(|r| [r.start, r.end]).collect::<Vec<_>>(),
                    "labels": labels,
                })
            })
            .collect();
        serde_json::json!({ "annotators": self.annotators, "documents": documents })
    }
}

/// A label written as one category: tag ids joined with `+`, `""` for none.
pub fn category(label: &[String]) -> String {
    label.join("+")
}

/// The label of every token from one annotator's annotations in the document.
fn token_labels(tokens: &[Range<usize>], anns: &[&Annotation]) -> Vec<Label> {
    let mut sets: Vec<BTreeSet<&str>> = vec![BTreeSet::new(); tokens.len()];
    for a in anns {
        for f in &a.fragments {
            let range = f.bytes();
            // First token ending after the fragment starts; tokens are sorted and disjoint.
            let first = tokens.partition_point(|t| t.end <= range.start);
            for (t, set) in tokens.iter().zip(sets.iter_mut()).skip(first) {
                if t.start >= range.end {
                    break;
                }
                set.insert(a.tag.as_str());
            }
        }
    }
    sets.into_iter()
        .map(|s| s.into_iter().map(str::to_owned).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_words_with_a_letter_or_digit() {
        let text = "Macron said: «talks» 2023, 東京 café!";
        let words: Vec<&str> = tokens(text).into_iter().map(|r| &text[r]).collect();
        let expected: Vec<&str> = text.unicode_words().collect();
        assert_eq!(words, expected);
    }
}
