//! Matching a document rebuilt from tokens (a CoNLL file: tokens joined by spaces) to the
//! article of the project it was made from, whose text spaces its tokens otherwise
//! ("Macron's plan." came back as "Macron 's plan ."). Both have the same characters once
//! white space is left out, so that is what they are matched by, and the incoming offsets
//! are moved onto the article's text character by character.

use std::collections::HashMap;

use crate::model::{DocId, Project, sha256_hex};

use super::InDoc;

/// Whether `c` counts when texts are matched by their characters: not white space, not a
/// control character, and not U+FFFD, which a CoNLL export writes for those inside a token.
fn counts(c: char) -> bool {
    !(c.is_whitespace() || c.is_control() || c == '\u{fffd}')
}

/// The SHA-256 of the characters of `text` that count.
fn key(text: &str) -> String {
    sha256_hex(&text.chars().filter(|&c| counts(c)).collect::<String>())
}

/// The project's documents by the characters of their texts (the first of several).
pub(super) fn index(project: &Project) -> HashMap<String, DocId> {
    let mut by_key = HashMap::new();
    for d in &project.documents {
        by_key.entry(key(&d.text)).or_insert_with(|| d.id.clone());
    }
    by_key
}

/// The document of `index` with the characters of `text`, if any.
pub(super) fn find<'i>(index: &'i HashMap<String, DocId>, text: &str) -> Option<&'i DocId> {
    index.get(&key(text))
}

/// Moves `doc` (offsets in code points) onto `text`, which has the same characters: each
/// fragment starts at the first character that counts at or after its start and ends after
/// the last one before its end; quotes are left to be taken from `text`. `false`, and `doc`
/// unchanged, when a fragment holds no character that counts.
pub(super) fn onto(doc: &mut InDoc, text: &str) -> bool {
    // before[i]: how many counting characters the first i code points of doc.text hold.
    let mut before = Vec::with_capacity(doc.text.len() + 1);
    let mut n = 0;
    before.push(0);
    for c in doc.text.chars() {
        n += usize::from(counts(c));
        before.push(n);
    }
    // at[k]: the code point of text where its k-th counting character is.
    let at: Vec<usize> = text
        .chars()
        .enumerate()
        .filter(|&(_, c)| counts(c))
        .map(|(i, _)| i)
        .collect();
    let moved: Option<Vec<Vec<(usize, usize)>>> = doc
        .annotations
        .iter()
        .map(|a| {
            a.fragments
                .iter()
                .map(|&(s, e)| {
                    let first = *before.get(s)?;
                    let last = before.get(e)?.checked_sub(1)?;
                    let start = *at.get(first)?;
                    let end = *at.get(last)? + 1;
                    (first <= last).then_some((start, end))
                })
                .collect()
        })
        .collect();
    let Some(moved) = moved else {
        return false;
    };
    for (a, fragments) in doc.annotations.iter_mut().zip(moved) {
        a.fragments = fragments;
        a.quote = None;
    }
    doc.text = text.to_owned();
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::InAnnotation;

    #[test]
    fn offsets_move_onto_the_article_character_by_character() {
        let article = "Macron's plan.\n\n🇫🇷 e\u{301}lan";
        let rebuilt = "Macron 's plan .\n🇫🇷 e\u{301}lan";
        let span = |s, e| InAnnotation {
            fragments: vec![(s, e)],
            quote: Some("given".into()),
            ..InAnnotation::default()
        };
        let mut doc = InDoc {
            text: rebuilt.into(),
            // "Macron 's plan ." and "🇫🇷 e\u{301}lan"
            annotations: vec![span(0, 16), span(17, 25)],
            ..InDoc::default()
        };
        assert_eq!(key(article), key(rebuilt));
        assert!(onto(&mut doc, article));
        assert_eq!(doc.text, article);
        let got: Vec<_> = doc
            .annotations
            .iter()
            .map(|a| a.fragments.clone())
            .collect();
        assert_eq!(got, [vec![(0, 14)], vec![(16, 24)]]);
        assert!(doc.annotations.iter().all(|a| a.quote.is_none()));
    }

    #[test]
    fn a_fragment_of_white_space_alone_leaves_the_document_as_it_was() {
        let mut doc = InDoc {
            text: "a  b".into(),
            annotations: vec![InAnnotation {
                fragments: vec![(1, 3)],
                ..InAnnotation::default()
            }],
            ..InDoc::default()
        };
        let before = doc.clone();
        assert!(!onto(&mut doc, "a b"));
        assert_eq!(doc, before);
    }
}
