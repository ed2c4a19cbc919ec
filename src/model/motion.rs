//! Caret motions over a text: by grapheme, by word, and the word, sentence or paragraph
//! around an offset. Every offset returned lies on a grapheme boundary.
//!
//! Words and sentences are those of Unicode (UAX #29). Work is confined to the paragraph (the
//! line) around the offset, so a motion costs the same in a 1 MB text as in a short one.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use super::offset::ByteOffset;
use super::snap::{ceil_grapheme, floor_grapheme, trim_whitespace};

/// The line (paragraph) around byte `b`, without its line end.
pub fn line_at(text: &str, b: ByteOffset) -> Range<ByteOffset> {
    let b = floor_grapheme(text, b).0;
    let start = text
        .get(..b)
        .and_then(|s| s.rfind('\n'))
        .map_or(0, |i| i + 1);
    let end = text
        .get(b..)
        .and_then(|s| s.find('\n'))
        .map_or(text.len(), |i| b + i);
    let end = if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
        end - 1
    } else {
        end
    };
    ByteOffset(start)..ByteOffset(end.max(start))
}

/// The grapheme boundary after `b` (or the end of the text).
pub fn next_grapheme(text: &str, b: ByteOffset) -> ByteOffset {
    let b = floor_grapheme(text, b);
    text.get(b.0..)
        .and_then(|rest| rest.graphemes(true).next())
        .map_or(ByteOffset(text.len()), |g| ByteOffset(b.0 + g.len()))
}

/// The grapheme boundary before `b` (or the start of the text).
pub fn prev_grapheme(text: &str, b: ByteOffset) -> ByteOffset {
    let b = ceil_grapheme(text, b);
    text.get(..b.0)
        .and_then(|head| head.graphemes(true).next_back())
        .map_or(ByteOffset(0), |g| ByteOffset(b.0 - g.len()))
}

fn is_word(s: &str) -> bool {
    s.chars().any(char::is_alphanumeric)
}

/// Words (segments with a letter or digit) of the line around `b`, as absolute ranges.
fn words_of_line(text: &str, b: ByteOffset) -> Vec<Range<usize>> {
    let line = line_at(text, b);
    let start = line.start.0;
    text.get(line.start.0..line.end.0)
        .map(|l| {
            l.split_word_bound_indices()
                .filter(|(_, w)| is_word(w))
                .map(|(i, w)| (start + i)..(start + i + w.len()))
                .collect()
        })
        .unwrap_or_default()
}

/// The end of the word at or after `b`: Ctrl+Right. Crosses into the next line at a line end.
pub fn next_word_end(text: &str, b: ByteOffset) -> ByteOffset {
    let mut at = floor_grapheme(text, b);
    loop {
        if let Some(w) = words_of_line(text, at).into_iter().find(|w| w.end > at.0) {
            return ByteOffset(w.end);
        }
        // On to the next line; every turn moves strictly forward.
        match text.get(at.0..).and_then(|rest| rest.find('\n')) {
            Some(i) => at = ByteOffset(at.0 + i + 1),
            None => return ByteOffset(text.len()),
        }
    }
}

/// The start of the word at or before `b`: Ctrl+Left. Crosses into the previous line.
pub fn prev_word_start(text: &str, b: ByteOffset) -> ByteOffset {
    let mut at = ceil_grapheme(text, b);
    loop {
        if let Some(w) = words_of_line(text, at)
            .into_iter()
            .rev()
            .find(|w| w.start < at.0)
        {
            return ByteOffset(w.start);
        }
        // Back to the previous line; every turn moves strictly backward.
        let line = line_at(text, at);
        match text.get(..line.start.0).and_then(|head| head.rfind('\n')) {
            Some(i) if i < at.0 => at = floor_grapheme(text, ByteOffset(i)),
            _ => return ByteOffset(0),
        }
    }
}

/// The word under byte `b` (double-click); `None` on whitespace or punctuation.
pub fn word_at(text: &str, b: ByteOffset) -> Option<Range<ByteOffset>> {
    words_of_line(text, b)
        .into_iter()
        .find(|w| w.start <= b.0 && b.0 < w.end)
        .map(|w| ByteOffset(w.start)..ByteOffset(w.end))
}

/// The sentence around byte `b` (triple-click), without surrounding whitespace.
pub fn sentence_at(text: &str, b: ByteOffset) -> Range<ByteOffset> {
    let line = line_at(text, b);
    let sentence = text
        .get(line.start.0..line.end.0)
        .and_then(|l| {
            l.split_sentence_bound_indices()
                .map(|(i, s)| (line.start.0 + i)..(line.start.0 + i + s.len()))
                .find(|s| s.start <= b.0 && b.0 < s.end)
                .or_else(|| {
                    l.split_sentence_bound_indices()
                        .last()
                        .map(|(i, s)| (line.start.0 + i)..(line.start.0 + i + s.len()))
                })
        })
        .map_or(line.clone(), |s| ByteOffset(s.start)..ByteOffset(s.end));
    trim_whitespace(text, sentence)
}

/// The sentences touched by `range`, joined: extends a selection to whole sentences.
pub fn extend_to_sentences(text: &str, range: Range<ByteOffset>) -> Range<ByteOffset> {
    let first = sentence_at(text, range.start);
    let last_byte = if range.end > range.start {
        prev_grapheme(text, range.end)
    } else {
        range.end
    };
    let last = sentence_at(text, last_byte);
    first.start.min(last.start)..first.end.max(last.end)
}

/// The paragraph around byte `b`, without surrounding whitespace.
pub fn paragraph_at(text: &str, b: ByteOffset) -> Range<ByteOffset> {
    trim_whitespace(text, line_at(text, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str, r: Range<ByteOffset>) -> &str {
        &text[r.start.0..r.end.0]
    }

    #[test]
    fn graphemes_step_over_clusters() {
        let text = "a👩‍👩‍👧e\u{301}🇺🇦";
        let mut at = ByteOffset(0);
        let mut stops = vec![];
        while at.0 < text.len() {
            at = next_grapheme(text, at);
            stops.push(at.0);
        }
        assert_eq!(stops, vec![1, 19, 22, 30]);
        let mut back = vec![];
        while at.0 > 0 {
            at = prev_grapheme(text, at);
            back.push(at.0);
        }
        assert_eq!(back, vec![22, 19, 1, 0]);
    }

    #[test]
    fn words_move_like_ctrl_arrows() {
        let text = "Macron said, \"talks\"\nnext line";
        let end = next_word_end(text, ByteOffset(0));
        assert_eq!(&text[..end.0], "Macron");
        let end = next_word_end(text, end);
        assert_eq!(&text[..end.0], "Macron said");
        let end = next_word_end(text, end);
        assert_eq!(&text[..end.0], "Macron said, \"talks");
        let end = next_word_end(text, end);
        assert_eq!(&text[..end.0], "Macron said, \"talks\"\nnext");
        let start = prev_word_start(text, end);
        assert_eq!(&text[start.0..], "next line");
        let start = prev_word_start(text, start);
        assert_eq!(&text[start.0..], "talks\"\nnext line");
        assert_eq!(prev_word_start(text, ByteOffset(3)), ByteOffset(0));
        assert_eq!(next_word_end(text, ByteOffset(text.len())).0, text.len());
    }

    #[test]
    fn word_sentence_and_paragraph_around_an_offset() {
        let text = "First one. Xi Jinping met Macron.  Third!\r\nNew para here.";
        let w = word_at(text, ByteOffset(14)).expect("a word");
        assert_eq!(s(text, w), "Jinping");
        assert_eq!(word_at(text, ByteOffset(9)), None);
        assert_eq!(
            s(text, sentence_at(text, ByteOffset(14))),
            "Xi Jinping met Macron."
        );
        assert_eq!(s(text, sentence_at(text, ByteOffset(37))), "Third!");
        assert_eq!(
            s(text, paragraph_at(text, ByteOffset(3))),
            "First one. Xi Jinping met Macron.  Third!"
        );
        assert_eq!(
            s(text, paragraph_at(text, ByteOffset(45))),
            "New para here."
        );
        let both = extend_to_sentences(text, ByteOffset(5)..ByteOffset(14));
        assert_eq!(s(text, both), "First one. Xi Jinping met Macron.");
    }

    #[test]
    fn cjk_and_emoji_words() {
        let text = "他说 👍🏽 好";
        let w = word_at(text, ByteOffset(0)).expect("a word");
        assert!(s(text, w.clone()).starts_with('他'));
        assert!(is_on_boundaries(text, &w));
        let end = next_word_end(text, ByteOffset(0));
        assert!(end.0 > 0 && end.0 <= text.len());
    }

    fn is_on_boundaries(text: &str, r: &Range<ByteOffset>) -> bool {
        crate::model::is_grapheme_boundary(text, r.start)
            && crate::model::is_grapheme_boundary(text, r.end)
    }

    proptest::proptest! {
        #[test]
        fn motions_stay_on_grapheme_boundaries(
            text in crate::model::unicode_text(),
            at in 0usize..400,
        ) {
            let b = ByteOffset(at.min(text.len()));
            for m in [
                next_grapheme(&text, b),
                prev_grapheme(&text, b),
                next_word_end(&text, b),
                prev_word_start(&text, b),
            ] {
                proptest::prop_assert!(crate::model::is_grapheme_boundary(&text, m));
            }
            let r = sentence_at(&text, b);
            proptest::prop_assert!(is_on_boundaries(&text, &r));
            let r = paragraph_at(&text, b);
            proptest::prop_assert!(is_on_boundaries(&text, &r));
        }
    }
}
