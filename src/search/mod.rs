//! Finding text: the window's search (Ctrl+F), "tag all matches" and alias suggestions.
//!
//! Headless: plain functions over a [`Project`](crate::model::Project) that return byte ranges
//! into document texts and [`Edit`](crate::model::Edit)s; the window only shows them.
//!
//! Matching folds the text and the query character by character (lower case, and without
//! diacritics if asked), finds the query in the folded text, and maps each match back to the
//! original text. A match that would split a grapheme cluster (`e` of `e` + U+0301, one person
//! of 👩‍👩‍👧) is no match.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use crate::model::{ByteOffset, is_grapheme_boundary};

mod alias;
mod fold;
mod hits;
mod kwic;
mod tag_all;
#[cfg(test)]
mod testing;
mod within;

pub use alias::{Suggestion, accept_suggestion_edit, alias_suggestions};
pub use hits::{Hit, search_project};
pub use kwic::{Kwic, kwic};
pub use tag_all::{
    Extent, Proposal, ProposalStatus, TagAllPreview, preview_tag_all, preview_tag_all_around,
    tag_all_edit,
};
pub use within::{ValueFilter, hits_within, value_filters};

/// How a query matches text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SearchOptions {
    /// Upper and lower case differ (`Macron` does not find `MACRON`). When false, each
    /// character is compared by its Unicode lower case (so `STRAẞE` finds `straße`, and a final
    /// `ς` equals `σ`); `ß` does not equal `ss`.
    pub case_sensitive: bool,
    /// A match must start and end at word boundaries (UAX #29), so `Macron` does not find
    /// `Macronist`. UAX #29 keeps `Macron’s` one word, so it is not found either.
    pub whole_word: bool,
    /// Letters match whatever their diacritics: combining marks are dropped and precomposed
    /// Latin, Greek and Cyrillic letters compare as their base letter (`Łódź` finds `Lodz`).
    pub ignore_diacritics: bool,
}

impl Default for SearchOptions {
    /// Case-insensitive, anywhere in a word, diacritics respected.
    fn default() -> Self {
        SearchOptions {
            case_sensitive: false,
            whole_word: false,
            ignore_diacritics: false,
        }
    }
}

/// Every match of `query` in `text`, left to right and not overlapping, as byte ranges into
/// `text` that start and end on grapheme-cluster boundaries. An empty query (or one that folds
/// to nothing, such as a lone accent with diacritics ignored) matches nothing.
///
/// Linear in the text: it is folded once, and the search resumes where the last match ended.
pub fn find_all(text: &str, query: &str, opts: &SearchOptions) -> Vec<Range<ByteOffset>> {
    Haystack::new(text, opts).find_all(&fold::fold_str(query, opts))
}

/// A text prepared for any number of searches with one set of options.
struct Haystack<'t> {
    text: &'t str,
    folded: fold::Folded<'t>,
    opts: SearchOptions,
    /// Byte offsets of the word boundaries of `text`, ascending; only for whole-word search.
    words: Vec<usize>,
}

impl<'t> Haystack<'t> {
    fn new(text: &'t str, opts: &SearchOptions) -> Self {
        let words = if opts.whole_word {
            text.split_word_bound_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(text.len()))
                .collect()
        } else {
            Vec::new()
        };
        Haystack {
            text,
            folded: fold::Folded::new(text, opts),
            opts: *opts,
            words,
        }
    }

    /// The matches of `needle`, which must already be folded with the same options.
    fn find_all(&self, needle: &str) -> Vec<Range<ByteOffset>> {
        let hay: &str = &self.folded.text;
        let mut found = Vec::new();
        if needle.is_empty() {
            return found;
        }
        let mut from = 0;
        while let Some(at) = hay.get(from..).and_then(|rest| rest.find(needle)) {
            let start = from + at;
            let end = start + needle.len();
            if let Some(range) = self.original_range(start, end) {
                found.push(range);
                from = end;
            } else {
                // A refused match may hide a good one that overlaps it: go on one character later.
                let step = hay
                    .get(start..)
                    .and_then(|s| s.chars().next())
                    .map_or(1, char::len_utf8);
                from = start + step;
            }
        }
        found
    }

    /// The original range of the folded match `start..end`, if it is a match: not inside a
    /// folded character, on grapheme boundaries, and on word boundaries if asked.
    fn original_range(&self, start: usize, end: usize) -> Option<Range<ByteOffset>> {
        let start = ByteOffset(self.folded.to_original(start)?);
        let end = ByteOffset(self.folded.to_original(end)?);
        let fits = start < end
            && is_grapheme_boundary(self.text, start)
            && is_grapheme_boundary(self.text, end)
            && (!self.opts.whole_word
                || (self.words.binary_search(&start.0).is_ok()
                    && self.words.binary_search(&end.0).is_ok()));
        fits.then_some(start..end)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use unicode_segmentation::UnicodeSegmentation;

    use super::*;

    /// The matched slices of `text`.
    fn found<'t>(text: &'t str, query: &str, opts: SearchOptions) -> Vec<&'t str> {
        find_all(text, query, &opts)
            .into_iter()
            .map(|r| &text[r.start.0..r.end.0])
            .collect()
    }

    /// The matches as `(start, end)` byte offsets.
    fn ranges(text: &str, query: &str, opts: SearchOptions) -> Vec<(usize, usize)> {
        find_all(text, query, &opts)
            .into_iter()
            .map(|r| (r.start.0, r.end.0))
            .collect()
    }

    const ANY_CASE: SearchOptions = SearchOptions {
        case_sensitive: false,
        whole_word: false,
        ignore_diacritics: false,
    };
    const EXACT: SearchOptions = SearchOptions {
        case_sensitive: true,
        ..ANY_CASE
    };
    const WORDS: SearchOptions = SearchOptions {
        whole_word: true,
        ..ANY_CASE
    };
    const NO_ACCENTS: SearchOptions = SearchOptions {
        ignore_diacritics: true,
        ..ANY_CASE
    };

    #[test]
    fn ascii_matches_go_left_to_right_without_overlapping() {
        assert_eq!(SearchOptions::default(), ANY_CASE);
        assert_eq!(ranges("aaaaa", "aa", ANY_CASE), [(0, 2), (2, 4)]);
        let text = "Macron met MACRON and macron";
        assert_eq!(
            ranges(text, "macron", ANY_CASE),
            [(0, 6), (11, 17), (22, 28)]
        );
        assert_eq!(ranges(text, "Macron", EXACT), [(0, 6)]);
        assert_eq!(ranges(text, "Xi", ANY_CASE), []);
    }

    #[test]
    fn an_empty_query_finds_nothing() {
        assert_eq!(ranges("abc", "", ANY_CASE), []);
        assert_eq!(ranges("", "", ANY_CASE), []);
        assert_eq!(ranges("e\u{301}", "\u{301}", NO_ACCENTS), []);
    }

    #[test]
    fn case_folding_that_changes_lengths_maps_back_to_the_original() {
        // ẞ is 3 bytes, its lower case ß is 2: the second match must still land on "STRAẞE".
        let text = "straße STRAẞE";
        assert_eq!(ranges(text, "STRASSE", ANY_CASE), []);
        assert_eq!(ranges(text, "straße", ANY_CASE), [(0, 7), (8, 16)]);
        // İ lower-cases to i + U+0307: "i" alone would split it.
        assert_eq!(found("İstanbul", "i\u{307}stanbul", ANY_CASE), ["İstanbul"]);
        assert_eq!(ranges("İx", "i", ANY_CASE), []);
        assert_eq!(found("x İstanbul", "istanbul", NO_ACCENTS), ["İstanbul"]);
        assert_eq!(found("ΟΔΥΣΣΕΥΣ", "οδυσσευς", ANY_CASE), ["ΟΔΥΣΣΕΥΣ"]);
        assert_eq!(found("Ünal ünal", "ÜNAL", ANY_CASE), ["Ünal", "ünal"]);
    }

    #[test]
    fn a_combining_accent_belongs_to_its_letter() {
        let text = "cafe\u{301} cafe";
        assert_eq!(ranges(text, "cafe", ANY_CASE), [(7, 11)]);
        assert_eq!(ranges(text, "cafe\u{301}", ANY_CASE), [(0, 6)]);
        assert_eq!(ranges(text, "\u{301}", ANY_CASE), []);
        assert_eq!(ranges("café", "cafe\u{301}", ANY_CASE), []);
    }

    #[test]
    fn emoji_sequences_are_never_split() {
        let family = "👩‍👩‍👧";
        let text = format!("{family} 👩 👍🏽");
        assert_eq!(found(&text, "👩", ANY_CASE), ["👩"]);
        assert_eq!(ranges(&text, "👩", ANY_CASE), [(19, 23)]);
        assert_eq!(found(&text, family, ANY_CASE), [family]);
        assert_eq!(ranges(&text, "👍", ANY_CASE), []);
        assert_eq!(ranges("🇺🇦🇫🇷", "🇦🇫", ANY_CASE), []);
    }

    #[test]
    fn cjk_text_has_a_word_boundary_at_every_ideograph() {
        let text = "中国外交部说中国";
        assert_eq!(ranges(text, "中国", ANY_CASE), [(0, 6), (18, 24)]);
        assert_eq!(ranges(text, "中国", WORDS), [(0, 6), (18, 24)]);
        assert_eq!(ranges(text, "交部说", EXACT), [(9, 18)]);
    }

    #[test]
    fn whole_words_only_when_asked() {
        let text = "Macron, Macronist, macron’s and «Macron»";
        assert_eq!(found(text, "macron", ANY_CASE).len(), 4);
        assert_eq!(ranges(text, "macron", WORDS), [(0, 6), (36, 42)]);
        assert_eq!(found(text, "Macron, Macronist", WORDS).len(), 1);
        assert_eq!(ranges(text, "acro", WORDS), []);
        // "a a" at 1 starts inside "ba"; the match that overlaps it at 3 is still found.
        assert_eq!(ranges("ba a a", "a a", WORDS), [(3, 6)]);
    }

    #[test]
    fn diacritics_are_ignored_only_when_asked() {
        let text = "Łódź, São Paulo, Nguyễn, Zelenskyj, Ἀθῆναι, Лёша, Cafe\u{301}";
        assert_eq!(ranges(text, "lodz", ANY_CASE), []);
        assert_eq!(found(text, "lodz", NO_ACCENTS), ["Łódź"]);
        assert_eq!(found(text, "sao", NO_ACCENTS), ["São"]);
        assert_eq!(found(text, "NGUYEN", NO_ACCENTS), ["Nguyễn"]);
        assert_eq!(found(text, "αθηναι", NO_ACCENTS), ["Ἀθῆναι"]);
        assert_eq!(found(text, "леша", NO_ACCENTS), ["Лёша"]);
        assert_eq!(found(text, "café", NO_ACCENTS), ["Cafe\u{301}"]);
        assert_eq!(
            found("naïve naive", "naïve", NO_ACCENTS),
            ["naïve", "naive"]
        );
        let exact_accents = SearchOptions {
            ignore_diacritics: true,
            ..EXACT
        };
        assert_eq!(found(text, "Sao", exact_accents), ["São"]);
        assert_eq!(found(text, "sao", exact_accents), Vec::<&str>::new());
    }

    #[test]
    fn a_megabyte_of_text_is_searched_in_one_pass() {
        let line = "Emmanuel Macron a dit: «La France, l’Europe et la Chine» — 中国 👩‍👩‍👧 é\n";
        let text = line.repeat(1_000_000 / line.len() + 1);
        let per_line = |q: &str, opts| find_all(&text, q, &opts).len() / (text.len() / line.len());
        assert_eq!(per_line("macron", ANY_CASE), 1);
        assert_eq!(per_line("la", WORDS), 2);
        assert_eq!(per_line("e", NO_ACCENTS), 8);
    }

    /// A substring of `text` on grapheme boundaries, picked by two numbers.
    fn grapheme_slice(text: &str, a: usize, b: usize) -> &str {
        let bounds: Vec<usize> = text
            .grapheme_indices(true)
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        let (x, y) = (bounds[a % bounds.len()], bounds[b % bounds.len()]);
        &text[x.min(y)..x.max(y)]
    }

    /// Text from a few pieces that are prefixes of one another or fold alike, so that a query
    /// often occurs again inside a grapheme or inside a folded character.
    fn dense_text() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "e",
            "e\u{301}",
            "é",
            "E",
            " ",
            "👩",
            "👩\u{200d}👩\u{200d}👧",
            "\u{200d}",
            "🇺",
            "🇺🇦",
            "👍",
            "👍🏽",
            "İ",
            "i",
            "i\u{307}",
            "ẞ",
            "ß",
            "Σ",
            "ς",
            "中",
        ]);
        prop::collection::vec(pieces, 0..30).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn matches_lie_on_graphemes_and_fold_equal_to_the_query(
            text in prop_oneof![crate::model::unicode_text(), dense_text()],
            a in any::<usize>(),
            b in any::<usize>(),
            accents in any::<bool>(),
        ) {
            let opts = SearchOptions { ignore_diacritics: accents, ..ANY_CASE };
            let query = grapheme_slice(&text, a, b);
            let needle = fold::fold_str(query, &opts);
            let matches = find_all(&text, query, &opts);
            for m in &matches {
                prop_assert!(is_grapheme_boundary(&text, m.start));
                prop_assert!(is_grapheme_boundary(&text, m.end));
                prop_assert_eq!(&fold::fold_str(&text[m.start.0..m.end.0], &opts), &needle);
            }
            prop_assert!(matches.windows(2).all(|w| w[0].end <= w[1].start));
            // The query's own place is a match unless an earlier match overlaps it.
            prop_assert_eq!(matches.is_empty(), needle.is_empty());
        }
    }
}
