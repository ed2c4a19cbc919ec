//! Snapping ranges to grapheme clusters and words, and trimming whitespace.
//!
//! A selection never splits a grapheme cluster: not 👩‍👩‍👧, not 🇺🇦, not `e` + U+0301, not CRLF.
//! All functions take and return byte ranges into the text they are given.

use std::ops::Range;

use unicode_segmentation::{GraphemeCursor, UnicodeSegmentation};

use super::offset::ByteOffset;

/// How far a selection snaps beyond grapheme clusters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SnapOptions {
    /// Widen to whole words: a range that starts or ends inside a word takes all of it.
    pub words: bool,
    /// Drop whitespace at both ends.
    pub trim: bool,
}

/// Clamps `b` to the text and moves it back to a `char` boundary.
fn floor_char(text: &str, b: usize) -> usize {
    let mut b = b.min(text.len());
    while !text.is_char_boundary(b) {
        b -= 1;
    }
    b
}

/// Whether byte offset `b` lies on a grapheme-cluster boundary of `text` (the two ends count).
pub fn is_grapheme_boundary(text: &str, b: ByteOffset) -> bool {
    if b.0 > text.len() || !text.is_char_boundary(b.0) {
        return false;
    }
    GraphemeCursor::new(b.0, text.len(), true)
        .is_boundary(text, 0)
        .unwrap_or(false)
}

/// The grapheme boundary at or before `b`.
pub fn floor_grapheme(text: &str, b: ByteOffset) -> ByteOffset {
    let b = floor_char(text, b.0);
    let mut cursor = GraphemeCursor::new(b, text.len(), true);
    if cursor.is_boundary(text, 0).unwrap_or(true) {
        return ByteOffset(b);
    }
    ByteOffset(cursor.prev_boundary(text, 0).ok().flatten().unwrap_or(0))
}

/// The grapheme boundary at or after `b`.
pub fn ceil_grapheme(text: &str, b: ByteOffset) -> ByteOffset {
    let mut b = b.0.min(text.len());
    while !text.is_char_boundary(b) {
        b += 1;
    }
    let mut cursor = GraphemeCursor::new(b, text.len(), true);
    if cursor.is_boundary(text, 0).unwrap_or(true) {
        return ByteOffset(b);
    }
    ByteOffset(
        cursor
            .next_boundary(text, 0)
            .ok()
            .flatten()
            .unwrap_or(text.len()),
    )
}

/// Widens `range` outward to grapheme-cluster boundaries (and clamps it to the text).
pub fn snap_to_graphemes(text: &str, range: Range<ByteOffset>) -> Range<ByteOffset> {
    let (start, end) = (range.start.min(range.end), range.start.max(range.end));
    floor_grapheme(text, start)..ceil_grapheme(text, end)
}

/// Widens `range` outward so that it does not start or end inside a word.
///
/// Only the line around each end is segmented, so this stays cheap on long texts.
pub fn snap_to_words(text: &str, range: Range<ByteOffset>) -> Range<ByteOffset> {
    let range = snap_to_graphemes(text, range);
    let word_around = |b: usize| -> Option<Range<usize>> {
        let line_start = text[..b].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[b..].find('\n').map_or(text.len(), |i| b + i);
        text[line_start..line_end]
            .split_word_bound_indices()
            .map(|(i, w)| (line_start + i)..(line_start + i + w.len()))
            .find(|w| w.start < b && b < w.end)
            .filter(|w| text[w.clone()].chars().any(char::is_alphanumeric))
    };
    let start = word_around(range.start.0).map_or(range.start.0, |w| w.start);
    let end = word_around(range.end.0).map_or(range.end.0, |w| w.end);
    ByteOffset(start)..ByteOffset(end)
}

/// Narrows `range` so that it neither starts nor ends with whitespace (an all-space range
/// becomes empty, at its start). Whole grapheme clusters are dropped, never part of one: a
/// space joined to what follows it (a space and a zero-width joiner) stays.
pub fn trim_whitespace(text: &str, range: Range<ByteOffset>) -> Range<ByteOffset> {
    let Some(slice) = text.get(range.start.0..range.end.0) else {
        return range;
    };
    let blank = |g: &&str| g.chars().all(char::is_whitespace);
    let lead: usize = slice.graphemes(true).take_while(blank).map(str::len).sum();
    let trail: usize = slice
        .graphemes(true)
        .rev()
        .take_while(blank)
        .map(str::len)
        .sum();
    let start = range.start.0 + lead;
    let end = (range.end.0 - trail.min(slice.len())).max(start);
    ByteOffset(start)..ByteOffset(end)
}

/// Snaps a raw selection the way the article view does: to graphemes, optionally to words,
/// optionally trimmed. Returns `None` when nothing but whitespace was selected.
pub fn snap_selection(
    text: &str,
    range: Range<ByteOffset>,
    options: SnapOptions,
) -> Option<Range<ByteOffset>> {
    let mut range = snap_to_graphemes(text, range);
    if options.trim {
        range = trim_whitespace(text, range);
    }
    if options.words {
        range = snap_to_words(text, range);
    }
    (range.start < range.end).then_some(range)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(r: Range<usize>) -> Range<ByteOffset> {
        ByteOffset(r.start)..ByteOffset(r.end)
    }

    fn snapped(text: &str, r: Range<usize>) -> &str {
        let r = snap_to_graphemes(text, b(r));
        &text[r.start.0..r.end.0]
    }

    #[test]
    fn never_splits_a_grapheme_cluster() {
        let family = "x👩‍👩‍👧y";
        assert_eq!(snapped(family, 5..6), "👩‍👩‍👧");
        let flag = "x🇺🇦y";
        assert_eq!(snapped(flag, 1..5), "🇺🇦");
        let accent = "cafe\u{301}!";
        assert_eq!(snapped(accent, 3..4), "e\u{301}");
        let crlf = "a\r\nb";
        assert_eq!(snapped(crlf, 2..3), "\r\n");
        let skin = "👍🏽";
        assert_eq!(snapped(skin, 0..4), "👍🏽");
    }

    #[test]
    fn boundaries_are_reported_exactly() {
        let text = "e\u{301}🇺🇦";
        assert!(is_grapheme_boundary(text, ByteOffset(0)));
        assert!(!is_grapheme_boundary(text, ByteOffset(1)));
        assert!(is_grapheme_boundary(text, ByteOffset(3)));
        assert!(!is_grapheme_boundary(text, ByteOffset(7)));
        assert!(is_grapheme_boundary(text, ByteOffset(text.len())));
        assert!(!is_grapheme_boundary(text, ByteOffset(text.len() + 1)));
    }

    #[test]
    fn words_and_trimming() {
        let text = "  Emmanuel Macron said: talks  ";
        let opts = SnapOptions {
            words: true,
            trim: true,
        };
        let r = snap_selection(text, b(4..13), opts).map(|r| &text[r.start.0..r.end.0]);
        assert_eq!(r, Some("Emmanuel Macron"));
        let r = snap_selection(text, b(0..2), opts);
        assert_eq!(r, None);
        let r = snap_selection(text, b(17..24), opts).map(|r| &text[r.start.0..r.end.0]);
        assert_eq!(r, Some("said:"));
    }

    #[test]
    fn snapping_survives_any_offsets() {
        let text = "中国 👩‍👩‍👧 e\u{301}";
        for s in 0..=text.len() + 2 {
            for e in s..=text.len() + 2 {
                let r = snap_to_graphemes(text, b(s..e));
                assert!(is_grapheme_boundary(text, r.start) && is_grapheme_boundary(text, r.end));
                let w = snap_to_words(text, b(s..e));
                assert!(is_grapheme_boundary(text, w.start) && is_grapheme_boundary(text, w.end));
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn snapped_ranges_lie_on_boundaries_and_cover_the_input(
            text in crate::model::offset::tests::unicode_text(),
            x in 0usize..400,
            y in 0usize..400,
        ) {
            let (s, e) = (x.min(text.len()), y.min(text.len()));
            let r = snap_to_graphemes(&text, b(s.min(e)..s.max(e)));
            proptest::prop_assert!(is_grapheme_boundary(&text, r.start) && is_grapheme_boundary(&text, r.end));
            proptest::prop_assert!(r.start.0 <= s.min(e) && r.end.0 >= s.max(e));
            let w = snap_to_words(&text, r.clone());
            proptest::prop_assert!(w.start <= r.start && w.end >= r.end);
            proptest::prop_assert!(is_grapheme_boundary(&text, w.start) && is_grapheme_boundary(&text, w.end));
        }
    }
}
