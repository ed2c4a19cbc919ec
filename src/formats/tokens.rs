//! Tokens and sentences for the token-based formats (CoNLL, WebAnno TSV, the `jsonl` token
//! list).
//!
//! Tokens are the UAX #29 word segments that are not white space, so punctuation is a token of
//! its own. A token that an annotation boundary falls inside is cut there, so every span
//! starts and ends on a token edge and no format has to move a boundary. Sentences are the
//! UAX #29 sentences; a line break always ends one.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use crate::model::ByteOffset;

/// One token: a byte range of the text and the sentence it belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// Byte offset of its first character.
    pub start: ByteOffset,
    /// Byte offset just past its last character.
    pub end: ByteOffset,
    /// Index of its sentence, counting from 0.
    pub sentence: usize,
}

impl Token {
    /// The token's byte range, for slicing the text.
    pub fn bytes(&self) -> Range<usize> {
        self.start.0..self.end.0
    }
}

/// The tokens of `text`, cut at every offset of `cuts` that falls inside one. `cuts` need not
/// be sorted; offsets that are not `char` boundaries are ignored.
pub fn tokenize(text: &str, cuts: &[ByteOffset]) -> Vec<Token> {
    tokens_of(text, cuts, true)
}

/// The tokens of `text` as [`tokenize`] cuts them, all in sentence 0: for formats that do not
/// need sentences (finding sentence breaks costs as much as finding the words).
pub fn tokenize_without_sentences(text: &str, cuts: &[ByteOffset]) -> Vec<Token> {
    tokens_of(text, cuts, false)
}

fn tokens_of(text: &str, cuts: &[ByteOffset], sentences: bool) -> Vec<Token> {
    let mut cuts: Vec<usize> = cuts
        .iter()
        .map(|c| c.0)
        .filter(|&c| text.is_char_boundary(c))
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    let sentence_starts: Vec<usize> = if sentences {
        text.split_sentence_bound_indices()
            .map(|(i, _)| i)
            .collect()
    } else {
        Vec::new()
    };

    let mut tokens = Vec::new();
    let mut sentence = 0;
    let mut cut = 0; // index of the first cut not behind us
    for (start, word) in text.split_word_bound_indices() {
        if word.chars().all(char::is_whitespace) {
            continue;
        }
        let end = start + word.len();
        while sentence + 1 < sentence_starts.len()
            && sentence_starts
                .get(sentence + 1)
                .is_some_and(|&s| s <= start)
        {
            sentence += 1;
        }
        while cuts.get(cut).is_some_and(|&c| c <= start) {
            cut += 1;
        }
        let mut from = start;
        while let Some(&c) = cuts.get(cut).filter(|&&c| c < end) {
            tokens.push(Token {
                start: ByteOffset(from),
                end: ByteOffset(c),
                sentence,
            });
            from = c;
            cut += 1;
        }
        tokens.push(Token {
            start: ByteOffset(from),
            end: ByteOffset(end),
            sentence,
        });
    }
    renumber_sentences(&mut tokens);
    tokens
}

/// Makes sentence numbers run 0, 1, 2 … over the sentences that have tokens.
fn renumber_sentences(tokens: &mut [Token]) {
    let mut last = None;
    let mut n = 0;
    for t in tokens.iter_mut() {
        if let Some(prev) = last
            && prev != t.sentence
        {
            n += 1;
        }
        last = Some(t.sentence);
        t.sentence = n;
    }
}

/// The tokens that `range` covers entirely, as an index range into `tokens`; `None` when it
/// covers none. Tokens are sorted, so this is two binary searches.
pub fn covered(tokens: &[Token], range: Range<ByteOffset>) -> Option<Range<usize>> {
    let first = tokens.partition_point(|t| t.start < range.start);
    let last = tokens.partition_point(|t| t.end <= range.end);
    (first < last).then_some(first..last)
}

/// Whether `range` starts at a token's start and ends at a token's end.
pub fn aligned(tokens: &[Token], range: Range<ByteOffset>) -> bool {
    let starts = tokens
        .binary_search_by(|t| t.start.cmp(&range.start))
        .is_ok();
    let ends = tokens.binary_search_by(|t| t.end.cmp(&range.end)).is_ok();
    starts && ends
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words<'t>(text: &'t str, tokens: &[Token]) -> Vec<&'t str> {
        tokens.iter().map(|t| &text[t.bytes()]).collect()
    }

    #[test]
    fn punctuation_is_a_token_and_space_is_none() {
        let text = "Macron said: talks could start.";
        let t = tokenize(text, &[]);
        assert_eq!(
            words(text, &t),
            ["Macron", "said", ":", "talks", "could", "start", "."]
        );
    }

    #[test]
    fn sentences_and_lines_are_numbered_from_zero() {
        let text = "One two. Three four.\nFive";
        let t = tokenize(text, &[]);
        let sentences: Vec<usize> = t.iter().map(|t| t.sentence).collect();
        assert_eq!(sentences, [0, 0, 0, 1, 1, 1, 2]);
    }

    #[test]
    fn an_annotation_edge_inside_a_word_cuts_it() {
        let text = "Macron's plan";
        assert_eq!(words(text, &tokenize(text, &[])), ["Macron's", "plan"]);
        let t = tokenize(text, &[ByteOffset(6)]);
        assert_eq!(words(text, &t), ["Macron", "'s", "plan"]);
        assert_eq!(covered(&t, ByteOffset(0)..ByteOffset(6)), Some(0..1));
        assert!(aligned(&t, ByteOffset(0)..ByteOffset(6)));
        assert!(!aligned(&t, ByteOffset(0)..ByteOffset(5)));
    }

    #[test]
    fn emoji_flags_and_cjk_stay_whole() {
        let text = "👩‍👩‍👧 🇫🇷 中国 e\u{301}";
        let t = tokenize(text, &[]);
        assert!(words(text, &t).contains(&"👩‍👩‍👧"));
        assert!(words(text, &t).contains(&"🇫🇷"));
        assert!(words(text, &t).contains(&"e\u{301}"));
        for tok in &t {
            assert!(text.is_char_boundary(tok.start.0) && text.is_char_boundary(tok.end.0));
        }
    }

    #[test]
    fn without_sentences_the_tokens_are_the_same() {
        let text = "One two. Three four.\nFive 🇫🇷";
        let cuts = [ByteOffset(1)];
        let with: Vec<_> = tokenize(text, &cuts)
            .iter()
            .map(|t| (t.start, t.end))
            .collect();
        let without: Vec<_> = tokenize_without_sentences(text, &cuts)
            .iter()
            .map(|t| (t.start, t.end))
            .collect();
        assert_eq!(with, without);
    }

    #[test]
    fn covered_takes_only_whole_tokens() {
        let text = "a bb ccc";
        let t = tokenize(text, &[]);
        assert_eq!(covered(&t, ByteOffset(0)..ByteOffset(4)), Some(0..2));
        assert_eq!(covered(&t, ByteOffset(3)..ByteOffset(4)), None);
    }
}
