//! Tokens and sentences for the token-based formats (CoNLL, WebAnno TSV, the `jsonl` token
//! list).
//!
//! Tokens are the UAX #29 word segments that are not white space, so punctuation is a token of
//! its own; in a document whose [`Tokens`] are [`Tokens::Spaces`] (its text was rebuilt from
//! CoNLL tokens joined by spaces) they are the runs between white space and its lines are its
//! sentences, so the tokens it came with are the tokens it goes out with. A token that an
//! annotation boundary falls inside is cut there, so every span starts and ends on a token
//! edge and no format has to move a boundary. Sentences are the UAX #29 sentences; a line
//! break always ends one.
//!
//! [`spacy_tokens`] makes the jsonl token list as spaCy's tokenizer treats white space: white
//! space of any kind (Python's `str.isspace`) separates tokens; one ordinary space after a token
//! is that token's `ws`, and any other white space (a second space, a line break, a tab) is a
//! token of its own, so the tokens' texts and their `ws` spaces rebuild the text.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use crate::model::{ByteOffset, Tokens};

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

/// The tokens of `text` by `rule`, cut as [`tokenize`] cuts them: for [`Tokens::Spaces`] the
/// runs between white space, one sentence per line.
pub fn tokenize_by(rule: Tokens, text: &str, cuts: &[ByteOffset]) -> Vec<Token> {
    match rule {
        Tokens::Words => tokenize(text, cuts),
        Tokens::Spaces => space_tokens(text, cuts),
    }
}

/// The runs of `text` between white space, each line a sentence, cut at `cuts`.
fn space_tokens(text: &str, cuts: &[ByteOffset]) -> Vec<Token> {
    let cuts = sorted_cuts(text, cuts);
    let mut tokens = Vec::new();
    let mut line_start = 0;
    for (sentence, line) in text.split('\n').enumerate() {
        let mut from = None;
        for (i, c) in line.char_indices().chain([(line.len(), ' ')]) {
            match (c.is_whitespace(), from) {
                (false, None) => from = Some(i),
                (true, Some(f)) => {
                    cut_into(&mut tokens, &cuts, line_start + f..line_start + i, sentence);
                    from = None;
                }
                _ => {}
            }
        }
        line_start += line.len() + 1;
    }
    renumber_sentences(&mut tokens);
    tokens
}

/// Pushes the token `range` of sentence `sentence`, cut at every offset of `cuts` inside it.
fn cut_into(tokens: &mut Vec<Token>, cuts: &[usize], range: Range<usize>, sentence: usize) {
    let first = cuts.partition_point(|&c| c <= range.start);
    let mut from = range.start;
    for &c in cuts.get(first..).unwrap_or_default() {
        if c >= range.end {
            break;
        }
        tokens.push(Token {
            start: ByteOffset(from),
            end: ByteOffset(c),
            sentence,
        });
        from = c;
    }
    tokens.push(Token {
        start: ByteOffset(from),
        end: ByteOffset(range.end),
        sentence,
    });
}

/// `cuts` as sorted, distinct byte offsets on `char` boundaries of `text`.
fn sorted_cuts(text: &str, cuts: &[ByteOffset]) -> Vec<usize> {
    let mut cuts: Vec<usize> = cuts
        .iter()
        .map(|c| c.0)
        .filter(|&c| text.is_char_boundary(c))
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    cuts
}

/// One token of the jsonl token list: a byte range of the text and whether one space (U+0020)
/// follows it that belongs to no token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpacyToken {
    /// Byte offset of its first character.
    pub start: ByteOffset,
    /// Byte offset just past its last character.
    pub end: ByteOffset,
    /// Whether the one space at `end` is its trailing white space (spaCy's `whitespace_`).
    pub ws: bool,
}

/// Python's `str.isspace`, where spaCy's tokenizer separates tokens: Unicode white space and
/// the information separators U+001C–U+001F.
pub fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// The tokens of `text` as spaCy's tokenizer divides white space (see the module), the runs
/// between white space divided by `rule`, and cut so that every span of `spans` (byte ranges,
/// on `char` boundaries) starts at a token's start and ends at a token's end: a run is cut
/// where an edge falls inside it, and a token's `ws` space becomes a token of its own when a
/// span starts at it or ends just after it.
pub fn spacy_tokens(text: &str, rule: Tokens, spans: &[Range<ByteOffset>]) -> Vec<SpacyToken> {
    let edges: Vec<ByteOffset> = spans.iter().flat_map(|r| [r.start, r.end]).collect();
    let cuts = sorted_cuts(text, &edges);
    let starts = sorted_cuts(text, &spans.iter().map(|r| r.start).collect::<Vec<_>>());
    let ends = sorted_cuts(text, &spans.iter().map(|r| r.end).collect::<Vec<_>>());
    let mut pieces = Vec::new();
    let mut tokens: Vec<SpacyToken> = Vec::new();
    let mut push = |tokens: &mut Vec<SpacyToken>, range: Range<usize>| {
        pieces.clear();
        cut_into(&mut pieces, &cuts, range, 0);
        tokens.extend(pieces.iter().map(|p| SpacyToken {
            start: p.start,
            end: p.end,
            ws: false,
        }));
    };
    let mut run_start = 0;
    let mut in_space = text.chars().next().is_some_and(is_python_space);
    for (i, c) in text.char_indices().chain([(text.len(), '\0')]) {
        let space = is_python_space(c);
        if i < text.len() && space == in_space {
            continue;
        }
        let run = run_start..i;
        let run_is_space = in_space;
        run_start = i;
        in_space = space;
        if run.is_empty() {
            continue;
        }
        if !run_is_space {
            match rule {
                Tokens::Spaces => push(&mut tokens, run),
                Tokens::Words => {
                    let word = text.get(run.clone()).unwrap_or_default();
                    for (at, w) in word.split_word_bound_indices() {
                        push(&mut tokens, run.start + at..run.start + at + w.len());
                    }
                }
            }
            continue;
        }
        let mut from = run.start;
        if let Some(last) = tokens.last_mut().filter(|t| t.end.0 == from)
            && text.get(from..).is_some_and(|r| r.starts_with(' '))
        {
            let own =
                starts.binary_search(&from).is_ok() || ends.binary_search(&(from + 1)).is_ok();
            if !own {
                last.ws = true;
                from += 1;
            }
        }
        if from < run.end {
            push(&mut tokens, from..run.end);
        }
    }
    tokens
}

/// The tokens of `text` as [`tokenize`] cuts them, all in sentence 0: for formats that do not
/// need sentences (finding sentence breaks costs as much as finding the words).
pub fn tokenize_without_sentences(text: &str, cuts: &[ByteOffset]) -> Vec<Token> {
    tokens_of(text, cuts, false)
}

fn tokens_of(text: &str, cuts: &[ByteOffset], sentences: bool) -> Vec<Token> {
    let cuts = sorted_cuts(text, cuts);
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

    /// (text, ws) of each token.
    fn spacy(text: &str, rule: Tokens, spans: &[Range<usize>]) -> Vec<(String, bool)> {
        let spans: Vec<Range<ByteOffset>> = spans
            .iter()
            .map(|r| ByteOffset(r.start)..ByteOffset(r.end))
            .collect();
        spacy_tokens(text, rule, &spans)
            .iter()
            .map(|t| (text[t.start.0..t.end.0].to_owned(), t.ws))
            .collect()
    }

    fn pairs(want: &[(&str, bool)]) -> Vec<(String, bool)> {
        want.iter().map(|(t, w)| (t.to_string(), *w)).collect()
    }

    #[test]
    fn white_space_is_divided_as_spacy_divides_it() {
        // What spaCy 3's tokenizer gives (`[(t.text, t.whitespace_) for t in nlp(text)]`).
        let cases: [(&str, &[(&str, bool)]); 9] = [
            ("a  b", &[("a", true), (" ", false), ("b", false)]),
            ("a\n\nb", &[("a", false), ("\n\n", false), ("b", false)]),
            ("a \n b", &[("a", true), ("\n ", false), ("b", false)]),
            (" a", &[(" ", false), ("a", false)]),
            ("a  ", &[("a", true), (" ", false)]),
            ("a\tb", &[("a", false), ("\t", false), ("b", false)]),
            ("x\u{1c}y", &[("x", false), ("\u{1c}", false), ("y", false)]),
            ("a\u{a0}b", &[("a", false), ("\u{a0}", false), ("b", false)]),
            (
                "Macron said: talks.",
                &[
                    ("Macron", true),
                    ("said", false),
                    (":", true),
                    ("talks", false),
                    (".", false),
                ],
            ),
        ];
        for (text, want) in cases {
            assert_eq!(spacy(text, Tokens::Words, &[]), pairs(want), "{text:?}");
        }
    }

    #[test]
    fn spans_at_a_trailing_space_or_inside_a_word_get_tokens_of_their_own() {
        let text = "and  a deal xy";
        // " a deal " starts at the space after "and"; "x" ends inside "xy".
        let got = spacy(text, Tokens::Words, &[3..12, 12..13]);
        let want = [
            ("and", false),
            ("  ", false),
            ("a", true),
            ("deal", false),
            (" ", false),
            ("x", false),
            ("y", false),
        ];
        assert_eq!(got, pairs(&want));
    }

    #[test]
    fn spaces_tokens_keep_the_runs_whole() {
        let text = "U.N. official spider-man\nJAPAN GET";
        let spacy = spacy(text, Tokens::Spaces, &[]);
        let words: Vec<&str> = spacy.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            words,
            ["U.N.", "official", "spider-man", "\n", "JAPAN", "GET"]
        );
        let t = tokenize_by(Tokens::Spaces, text, &[ByteOffset(20)]);
        assert_eq!(
            words_of(text, &t),
            ["U.N.", "official", "spider", "-man", "JAPAN", "GET"]
        );
        let sentences: Vec<usize> = t.iter().map(|t| t.sentence).collect();
        assert_eq!(sentences, [0, 0, 0, 0, 1, 1]);
    }

    fn words_of<'t>(text: &'t str, tokens: &[Token]) -> Vec<&'t str> {
        words(text, tokens)
    }

    proptest::proptest! {
        #[test]
        fn spacy_tokens_rebuild_the_text_and_place_every_span(
            text in "[a b\n\t\u{3000}\u{301}.,é👩‍👩‍👧中]{0,24}",
            picks in proptest::collection::vec((0usize..30, 0usize..30), 0..4),
            spaces in proptest::bool::ANY,
        ) {
            let bounds: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
            let spans: Vec<Range<ByteOffset>> = picks
                .iter()
                .map(|&(a, b)| {
                    let (a, b) = (bounds[a % bounds.len()], bounds[b % bounds.len()]);
                    ByteOffset(a.min(b))..ByteOffset(a.max(b))
                })
                .filter(|r| r.start < r.end)
                .collect();
            let rule = if spaces { Tokens::Spaces } else { Tokens::Words };
            let tokens = spacy_tokens(&text, rule, &spans);
            let mut rebuilt = String::new();
            for t in &tokens {
                proptest::prop_assert!(t.start < t.end);
                rebuilt.push_str(&text[t.start.0..t.end.0]);
                if t.ws {
                    rebuilt.push(' ');
                }
            }
            proptest::prop_assert_eq!(&rebuilt, &text);
            for r in &spans {
                proptest::prop_assert!(tokens.iter().any(|t| t.start == r.start), "{:?}", r);
                proptest::prop_assert!(tokens.iter().any(|t| t.end == r.end), "{:?}", r);
            }
        }
    }
}
