//! The units agreement is measured on: the word tokens of each document and, for every chosen
//! annotator, the label each token gets.
//!
//! A token is a UAX #29 word segment that contains a letter or digit (what
//! `unicode_words` yields), kept with its byte range. An annotation *covers* a token when one
//! of its fragments overlaps it: `fragment.start < token.end && token.start < fragment.end`.
//! A token's label for an annotator is the sorted set of tags of the annotations of that
//! annotator covering it, written as one category (`actor+claim`, or `""` for none). A
//! document counts for an annotator when the annotator marked it done (or reviewed) or has an
//! annotation in it; otherwise the annotator's labels there are missing.
//!
//! Labels are interned: every distinct label that occurs is stored once in [`Units::labels`]
//! and tokens hold its index, so building and counting the units of a 4 MB project handles
//! integers, not a string per token and annotator.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

use serde::Serialize;
use unicode_segmentation::UnicodeSegmentation;

use crate::model::{Annotation, DocId, DocStatus, Document, Project};

/// A token's label for one annotator: its sorted tag ids (empty for none).
pub type Label = Vec<String>;

/// An index into [`Units::labels`].
pub type LabelId = u32;

/// The units of one document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DocUnits {
    /// The document.
    pub id: String,
    /// Byte ranges of the tokens into `Document::text`, in text order.
    pub tokens: Vec<Range<usize>>,
    /// Per annotator (in the order of [`Units::annotators`]): `None` where the document does
    /// not count for the annotator, else one label per token (same length as `tokens`).
    pub labels: Vec<Option<Vec<LabelId>>>,
}

impl DocUnits {
    /// Whether the document counts for annotator `a` (an index into [`Units::annotators`]).
    pub fn counts(&self, a: usize) -> bool {
        matches!(self.labels.get(a), Some(Some(_)))
    }

    /// The label annotator `a` gave token `t`; `None` where missing.
    pub fn label(&self, t: usize, a: usize) -> Option<LabelId> {
        self.labels.get(a)?.as_ref()?.get(t).copied()
    }
}

/// The units of a whole project for a set of annotators.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Units {
    /// The annotators, in the order of the label columns.
    pub annotators: Vec<String>,
    /// One entry per document, in project order.
    pub documents: Vec<DocUnits>,
    /// Every label some counted token has, sorted; [`LabelId`]s index it.
    labels: Vec<Label>,
    /// Every category that occurs, sorted (`""` for no tag first).
    categories: Vec<String>,
    /// `label_category[l]`: the index in `categories` of label `l`.
    label_category: Vec<usize>,
    /// Every tag that occurs in a label, sorted.
    tags: Vec<String>,
}

/// The word tokens of `text` as byte ranges: UAX #29 word segments containing a letter or
/// digit.
pub fn tokens(text: &str) -> Vec<Range<usize>> {
    text.split_word_bound_indices()
        .filter(|(_, word)| word.chars().any(char::is_alphanumeric))
        .map(|(start, word)| start..start + word.len())
        .collect()
}

/// Whether `doc` counts for `annotator`: marked done (or reviewed) by them, or holding some
/// of their annotations (`has_annotations`). Where it does not, their labels are missing.
pub fn counts(doc: &Document, annotator: &str, has_annotations: bool) -> bool {
    has_annotations
        || matches!(
            doc.meta.status.get(annotator),
            Some(DocStatus::Done | DocStatus::Reviewed)
        )
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

/// One document's units with labels numbered within the document: `local[id]` is the label,
/// as tag ids.
struct LocalUnits<'p> {
    tokens: Vec<Range<usize>>,
    columns: Vec<Option<Vec<LabelId>>>,
    local: Vec<Vec<&'p str>>,
}

impl Units {
    /// The units of every document of `project` for `annotators`.
    pub fn of(project: &Project, annotators: &[String]) -> Units {
        let grouped = by_doc_and_layer(project);
        // Documents are independent: spread them over the cores.
        let local = crate::par::par_map(&project.documents, |doc| {
            let tokens = tokens(&doc.text);
            let layers: Vec<Option<&[&Annotation]>> = annotators
                .iter()
                .map(|name| {
                    let anns = grouped
                        .get(&(&doc.id, name.as_str()))
                        .map_or(&[][..], Vec::as_slice);
                    counts(doc, name, !anns.is_empty()).then_some(anns)
                })
                .collect();
            // The document's tags in sorted order, so that sorted indices are sorted tags.
            let tags: Vec<&str> = layers
                .iter()
                .flatten()
                .flat_map(|anns| anns.iter().map(|a| a.tag.as_str()))
                .collect::<BTreeSet<&str>>()
                .into_iter()
                .collect();
            let mut interner = Interner::default();
            let columns = layers
                .iter()
                .map(|anns| anns.map(|anns| token_labels(&tokens, anns, &tags, &mut interner)))
                .collect();
            let local = interner
                .sets
                .into_iter()
                .map(|set| {
                    set.iter()
                        .filter_map(|&t| tags.get(usize::from(t)).copied())
                        .collect()
                })
                .collect();
            LocalUnits {
                tokens,
                columns,
                local,
            }
        });
        Units::merge(project, annotators, local)
    }

    /// Numbers the labels of all documents in one sorted list and renumbers the tokens.
    fn merge(project: &Project, annotators: &[String], local: Vec<LocalUnits<'_>>) -> Units {
        let all: BTreeSet<&Vec<&str>> = local.iter().flat_map(|d| &d.local).collect();
        let labels: Vec<Label> = all
            .iter()
            .map(|l| l.iter().map(|t| (*t).to_owned()).collect())
            .collect();
        let global: BTreeMap<Vec<&str>, LabelId> = all
            .iter()
            .enumerate()
            .map(|(i, l)| ((*l).clone(), i as LabelId))
            .collect();
        drop(all);
        let categories: Vec<String> = labels
            .iter()
            .map(|l| category(l))
            .collect::<BTreeSet<String>>()
            .into_iter()
            .collect();
        let label_category = labels
            .iter()
            .map(|l| {
                let c = category(l);
                categories.partition_point(|x| *x < c)
            })
            .collect();
        let tags: Vec<String> = labels
            .iter()
            .flatten()
            .collect::<BTreeSet<&String>>()
            .into_iter()
            .cloned()
            .collect();
        let documents = project
            .documents
            .iter()
            .zip(local)
            .map(|(doc, d)| {
                let renumber: Vec<LabelId> = d
                    .local
                    .iter()
                    .map(|l| global.get(l).copied().unwrap_or_default())
                    .collect();
                let labels = d
                    .columns
                    .into_iter()
                    .map(|column| {
                        column.map(|mut c| {
                            for id in &mut c {
                                *id = renumber.get(*id as usize).copied().unwrap_or_default();
                            }
                            c
                        })
                    })
                    .collect();
                DocUnits {
                    id: doc.id.as_str().to_owned(),
                    tokens: d.tokens,
                    labels,
                }
            })
            .collect();
        Units {
            annotators: annotators.to_vec(),
            documents,
            labels,
            categories,
            label_category,
            tags,
        }
    }

    /// Tokens in all documents.
    pub fn token_count(&self) -> usize {
        self.documents.iter().map(|d| d.tokens.len()).sum()
    }

    /// Every distinct label that some counted token has, sorted; a [`LabelId`] indexes it.
    pub fn labels(&self) -> &[Label] {
        &self.labels
    }

    /// The label with this id (empty for an id out of range).
    pub fn label(&self, id: LabelId) -> &[String] {
        self.labels.get(id as usize).map_or(&[], Vec::as_slice)
    }

    /// Every category that occurs, sorted (`""` for no tag first).
    pub fn categories(&self) -> &[String] {
        &self.categories
    }

    /// The index into [`Units::categories`] of a label's category.
    pub fn category_of(&self, id: LabelId) -> Option<usize> {
        self.label_category.get(id as usize).copied()
    }

    /// Every tag that occurs in a label, sorted.
    pub fn tags(&self) -> &[String] {
        &self.tags
    }

    /// The label matrix as JSON for outside checks: per document its id, token ranges and
    /// `labels[token][annotator]` as category strings, `null` where missing.
    pub fn to_json(&self) -> serde_json::Value {
        let documents: Vec<serde_json::Value> = self
            .documents
            .iter()
            .map(|d| {
                let labels: Vec<Vec<Option<&str>>> = (0..d.tokens.len())
                    .map(|t| {
                        (0..self.annotators.len())
                            .map(|a| {
                                let c = self.category_of(d.label(t, a)?)?;
                                self.categories.get(c).map(String::as_str)
                            })
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

/// Numbers the distinct sets of (document-local) tag indices in the order first seen.
#[derive(Default)]
struct Interner {
    ids: HashMap<Vec<u16>, LabelId>,
    sets: Vec<Vec<u16>>,
}

impl Interner {
    fn id(&mut self, set: &[u16]) -> LabelId {
        if let Some(&id) = self.ids.get(set) {
            return id;
        }
        let id = self.sets.len() as LabelId;
        self.sets.push(set.to_vec());
        self.ids.insert(set.to_vec(), id);
        id
    }
}

/// The label of every token from one annotator's annotations in the document; `tags` are
/// the document's tags, sorted.
fn token_labels(
    tokens: &[Range<usize>],
    anns: &[&Annotation],
    tags: &[&str],
    interner: &mut Interner,
) -> Vec<LabelId> {
    // (token, tag) for every token a fragment covers, then sorted into one run per token.
    let mut covered: Vec<(u32, u16)> = Vec::new();
    for a in anns {
        let tag = tags.binary_search(&a.tag.as_str()).unwrap_or_default() as u16;
        for f in &a.fragments {
            let range = f.bytes();
            // First token ending after the fragment starts; tokens are sorted and disjoint.
            let first = tokens.partition_point(|t| t.end <= range.start);
            for (i, t) in tokens.iter().enumerate().skip(first) {
                if t.start >= range.end {
                    break;
                }
                covered.push((i as u32, tag));
            }
        }
    }
    covered.sort_unstable();
    covered.dedup();
    let mut labels = Vec::with_capacity(tokens.len());
    let mut set: Vec<u16> = Vec::new();
    let mut rest = covered.as_slice();
    for i in 0..tokens.len() {
        set.clear();
        while let Some(((t, tag), tail)) = rest.split_first()
            && *t as usize == i
        {
            set.push(*tag);
            rest = tail;
        }
        labels.push(interner.id(&set));
    }
    labels
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::project_from_marked;

    #[test]
    fn tokens_are_words_with_a_letter_or_digit() {
        let text = "Macron said: «talks» 2023, 東京 café!";
        let words: Vec<&str> = tokens(text).into_iter().map(|r| &text[r]).collect();
        let expected: Vec<&str> = text.unicode_words().collect();
        assert_eq!(words, expected);
    }

    #[test]
    fn labels_are_sorted_tag_sets_shared_across_documents() {
        // Nested marks give "actor+claim"; the flag and the combining accent are one token
        // each only where UAX #29 says so.
        let (mut p, _) = project_from_marked(
            "[claim|[actor|Zoe\u{301}] 👩‍👩‍👧 said 東京] wins [condition|if] 🇫🇷",
            "ann",
            jiff::Timestamp::UNIX_EPOCH,
        )
        .expect("marked");
        let mut second = p.documents[0].clone();
        second.id = "e".into();
        p.documents.push(second);
        let units = Units::of(&p, &["ann".to_owned(), "ben".to_owned()]);
        assert_eq!(
            units.categories(),
            ["", "actor+claim", "claim", "condition"]
        );
        assert_eq!(units.tags(), ["actor", "claim", "condition"]);
        let d = &units.documents[0];
        let text = &p.documents[0].text;
        let words: Vec<&str> = d.tokens.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(words, ["Zoe\u{301}", "said", "東", "京", "wins", "if"]);
        let cats: Vec<&str> = (0..d.tokens.len())
            .map(|t| {
                let c = units.category_of(d.label(t, 0).expect("counted"));
                units.categories()[c.expect("category")].as_str()
            })
            .collect();
        assert_eq!(
            cats,
            ["actor+claim", "claim", "claim", "claim", "", "condition"]
        );
        // ben has nothing here: missing, not empty; the second document has no annotation.
        assert!(d.counts(0) && !d.counts(1));
        assert_eq!(d.label(0, 1), None);
        assert!(!units.documents[1].counts(0));
        assert_eq!(
            units.label(d.label(0, 0).expect("counted")),
            ["actor", "claim"]
        );
    }
}
