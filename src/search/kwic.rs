//! Keyword in context: a span with the words around it, as concordances show a hit, so a
//! choice made over a list of hits or link targets is made with each one's context in view.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use crate::model::ByteOffset;

/// A span with up to a number of words on each side, within its line (its paragraph, in a
/// news article), line breaks and tabs shown as spaces.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Kwic {
    /// The words before the span.
    pub before: String,
    /// The span itself.
    pub hit: String,
    /// The words after it.
    pub after: String,
    /// Whether the line goes on before `before` (shown as an ellipsis).
    pub cut_before: bool,
    /// Whether the line goes on after `after`.
    pub cut_after: bool,
}

impl Kwic {
    /// The context on one line, the span in «guillemets»: `"… said that «the talks» could
    /// start …"`.
    pub fn line(&self) -> String {
        format!(
            "{}{}«{}»{}{}",
            if self.cut_before { "… " } else { "" },
            self.before,
            self.hit,
            self.after,
            if self.cut_after { " …" } else { "" }
        )
    }
}

/// Whether a UAX #29 word segment is a word (has a letter or a digit).
fn is_word(segment: &str) -> bool {
    segment.chars().any(char::is_alphanumeric)
}

/// How far either side of a span its context is looked for, in bytes: a few dozen words is
/// all a context shows, and a one-line article of a megabyte must not be scanned per hit.
const REACH: usize = 2048;

/// `range` of `text` with up to `words` words before and after it, in its line (or the
/// [`REACH`] bytes either side of it, on a longer line).
pub fn kwic(text: &str, range: Range<ByteOffset>, words: usize) -> Kwic {
    let (start, end) = (range.start.0.min(text.len()), range.end.0.min(text.len()));
    let floor = |mut b: usize| {
        while !text.is_char_boundary(b) {
            b -= 1;
        }
        b
    };
    let ceil = |mut b: usize| {
        while b < text.len() && !text.is_char_boundary(b) {
            b += 1;
        }
        b.min(text.len())
    };
    let reach_back = ceil(start.saturating_sub(REACH));
    let reach_on = floor((end + REACH).min(text.len()));
    let line_start = text
        .get(reach_back..start)
        .and_then(|s| s.rfind('\n'))
        .map_or(reach_back, |i| reach_back + i + 1);
    let line_end = text
        .get(end..reach_on)
        .and_then(|s| s.find('\n'))
        .map_or(reach_on, |i| end + i);
    let left = text.get(line_start..start).unwrap_or_default();
    let mut from = left.len();
    let mut counted = 0;
    for (i, segment) in left.split_word_bound_indices().rev() {
        if counted == words {
            break;
        }
        counted += usize::from(is_word(segment));
        from = i;
    }
    // Do not open on the space before the first word kept.
    let kept = left.get(from..).unwrap_or_default();
    let from = from + (kept.len() - kept.trim_start().len());
    let right = text.get(end..line_end).unwrap_or_default();
    let mut to = 0;
    let mut counted = 0;
    for (i, segment) in right.split_word_bound_indices() {
        if counted == words {
            break;
        }
        counted += usize::from(is_word(segment));
        to = i + segment.len();
    }
    let kept = right.get(..to).unwrap_or_default();
    let to = kept.trim_end().len();
    Kwic {
        before: one_line(left.get(from..).unwrap_or_default()),
        hit: one_line(text.get(start..end).unwrap_or_default()),
        after: one_line(right.get(..to).unwrap_or_default()),
        cut_before: !left.get(..from).unwrap_or_default().trim().is_empty(),
        cut_after: !right.get(to..).unwrap_or_default().trim().is_empty(),
    }
}

/// `s` with line breaks and tabs as spaces.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, needle: &str) -> Range<ByteOffset> {
        let i = text.find(needle).unwrap();
        ByteOffset(i)..ByteOffset(i + needle.len())
    }

    #[test]
    fn a_hit_comes_with_its_words_on_each_side_within_its_line() {
        let text =
            "Headline\nMacron said on Monday that the talks could start if Xi agreed.\nNext.";
        let k = kwic(text, at(text, "the talks"), 3);
        assert_eq!(k.before, "on Monday that ");
        assert_eq!(k.hit, "the talks");
        assert_eq!(k.after, " could start if");
        assert!(k.cut_before && k.cut_after);
        assert_eq!(k.line(), "… on Monday that «the talks» could start if …");
        // At the line's ends: no ellipsis, and nothing from the next line.
        let k = kwic(text, at(text, "Macron"), 3);
        assert_eq!(k.line(), "«Macron» said on Monday …");
        let k = kwic(text, at(text, "agreed"), 2);
        assert_eq!(k.line(), "… if Xi «agreed».");
    }

    #[test]
    fn a_hit_in_a_very_long_line_looks_only_nearby() {
        let text = format!(
            "{}Macron said{}",
            "word ".repeat(100_000),
            " more".repeat(100_000)
        );
        let k = kwic(&text, at(&text, "Macron"), 3);
        assert_eq!(k.line(), "… word word word «Macron» said more more …");
    }

    #[test]
    fn words_are_counted_in_any_script_and_punctuation_is_not_a_word() {
        let text = "他说 — 和谈 «可能» 开始 🇫🇷 ، قال ماكرون إن المحادثات";
        let k = kwic(text, at(text, "ماكرون"), 1);
        assert_eq!(k.before, "قال ");
        assert_eq!(k.after, " إن");
        // UAX #29 counts each CJK ideograph as a word; a flag and a comma are no words.
        let k = kwic(text, at(text, "开始"), 2);
        assert_eq!(k.before, "可能» ");
        assert_eq!(k.after, " 🇫🇷 ، قال ماكرون");
    }
}
