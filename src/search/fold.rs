//! Folding text for matching, and the map from folded offsets back to the original text.
//!
//! Each character folds on its own, so the folded text of a slice is the slice of the folded
//! text: the property that lets a match in the folded text be mapped back to the original.

use std::borrow::Cow;

use super::SearchOptions;

/// A text folded for matching, with what is needed to map folded offsets back.
pub(super) struct Folded<'t> {
    /// The folded text; the original itself when nothing folds.
    pub(super) text: Cow<'t, str>,
    /// One entry per original character whose folded form is not a single character of the
    /// same length, in text order. Between entries the two texts advance byte for byte.
    spans: Vec<Span>,
}

/// Where one original character and its folded form sit, in bytes.
#[derive(Clone, Copy, Debug)]
struct Span {
    folded: usize,
    folded_len: usize,
    orig: usize,
    orig_len: usize,
}

impl<'t> Folded<'t> {
    /// Folds `text` in one pass. With case and diacritics both respected nothing is copied.
    pub(super) fn new(text: &'t str, opts: &SearchOptions) -> Self {
        if opts.case_sensitive && !opts.ignore_diacritics {
            return Folded {
                text: Cow::Borrowed(text),
                spans: Vec::new(),
            };
        }
        let mut out = String::with_capacity(text.len());
        let mut spans = Vec::new();
        for (orig, c) in text.char_indices() {
            if c.is_ascii() {
                out.push(if opts.case_sensitive {
                    c
                } else {
                    c.to_ascii_lowercase()
                });
                continue;
            }
            let folded = out.len();
            fold_char(c, opts, &mut out);
            let folded_len = out.len() - folded;
            let one_char_of_same_length = folded_len == c.len_utf8()
                && out
                    .get(folded..)
                    .and_then(|s| s.chars().next())
                    .is_some_and(|f| f.len_utf8() == folded_len);
            if !one_char_of_same_length {
                spans.push(Span {
                    folded,
                    folded_len,
                    orig,
                    orig_len: c.len_utf8(),
                });
            }
        }
        Folded {
            text: Cow::Owned(out),
            spans,
        }
    }

    /// The original byte offset at folded byte offset `f`, or `None` when `f` falls inside the
    /// folded form of one character (a match there would split it). Where dropped combining
    /// marks leave several original offsets for one folded offset, the last is taken: a match
    /// then starts after marks that belong to the previous letter and ends after its own.
    pub(super) fn to_original(&self, f: usize) -> Option<usize> {
        let i = self.spans.partition_point(|s| s.folded <= f);
        let Some(s) = i.checked_sub(1).and_then(|i| self.spans.get(i)) else {
            return Some(f); // nothing folded differently before `f`
        };
        if f == s.folded && s.folded_len > 0 {
            return Some(s.orig);
        }
        let end = s.folded + s.folded_len;
        if f < end {
            return None;
        }
        Some(s.orig + s.orig_len + (f - end))
    }
}

/// `text` folded as [`Folded::new`] folds it.
pub(super) fn fold_str<'t>(text: &'t str, opts: &SearchOptions) -> Cow<'t, str> {
    Folded::new(text, opts).text
}

/// Appends the folded form of `c` to `out`: its base letter when diacritics are ignored, then
/// its lower case (with final sigma as sigma) unless case matters, without combining marks when
/// diacritics are ignored.
fn fold_char(c: char, opts: &SearchOptions, out: &mut String) {
    let c = if opts.ignore_diacritics {
        base_letter(c)
    } else {
        c
    };
    let mut push = |c: char| {
        if !(opts.ignore_diacritics && is_combining_mark(c)) {
            out.push(c);
        }
    };
    if opts.case_sensitive {
        push(c);
    } else {
        for l in c.to_lowercase() {
            push(if l == 'ς' { 'σ' } else { l });
        }
    }
}

/// Whether `c` is a combining mark that diacritic-insensitive matching drops: the combining
/// diacritical marks blocks (U+0300–U+036F, U+1AB0–U+1AFF, U+1DC0–U+1DFF), those for symbols
/// (U+20D0–U+20FF) and the half marks (U+FE20–U+FE2F).
pub(super) fn is_combining_mark(c: char) -> bool {
    matches!(
        c,
        '\u{300}'..='\u{36f}'
            | '\u{1ab0}'..='\u{1aff}'
            | '\u{1dc0}'..='\u{1dff}'
            | '\u{20d0}'..='\u{20ff}'
            | '\u{fe20}'..='\u{fe2f}'
    )
}

/// A block of [`BASES`]: the code points from `first`, sixteen to a row.
struct Block {
    first: u32,
    rows: &'static [&'static str],
}

/// The base letter of each precomposed letter, sixteen code points to a row, `.` where the
/// character stays as it is.
///
/// Derived from Unicode's canonical decompositions: a character maps to the first character of
/// its full decomposition when everything after it is a mark [`is_combining_mark`] drops (so
/// `ễ` → `e`, `Ά` → `Α`, `й` → `и`). Added by hand, because a reader takes their stroke for a
/// diacritic although Unicode does not decompose them: `Ø ø Đ đ Ħ ħ ı Ł ł Ŧ ŧ`.
const BASES: [Block; 3] = [
    Block {
        first: 0x00C0,
        rows: &[
            "AAAAAA.CEEEEIIII", // U+00C0
            ".NOOOOO.OUUUUY..", // U+00D0
            "aaaaaa.ceeeeiiii", // U+00E0
            ".nooooo.ouuuuy.y", // U+00F0
            "AaAaAaCcCcCcCcDd", // U+0100
            "DdEeEeEeEeEeGgGg", // U+0110
            "GgGgHhHhIiIiIiIi", // U+0120
            "Ii..JjKk.LlLlLl.", // U+0130
            ".LlNnNnNn...OoOo", // U+0140
            "Oo..RrRrRrSsSsSs", // U+0150
            "SsTtTtTtUuUuUuUu", // U+0160
            "UuUuWwYyYZzZzZz.", // U+0170
            "................", // U+0180
            "................", // U+0190
            "Oo.............U", // U+01A0
            "u...............", // U+01B0
            ".............AaI", // U+01C0
            "iOoUuUuUuUuUu.Aa", // U+01D0
            "AaÆæ..GgKkOoOoƷʒ", // U+01E0
            "j...Gg..NnAaÆæØø", // U+01F0
            "AaAaEeEeIiIiOoOo", // U+0200
            "RrRrUuUuSsTt..Hh", // U+0210
            "......AaEeOoOoOo", // U+0220
            "OoYy............", // U+0230
            "................", // U+0240
        ],
    },
    Block {
        first: 0x0370,
        rows: &[
            "................", // U+0370
            "......Α.ΕΗΙ.Ο.ΥΩ", // U+0380
            "ι...............", // U+0390
            "..........ΙΥαεηι", // U+03A0
            "υ...............", // U+03B0
            "..........ιυουω.", // U+03C0
            "...ϒϒ...........", // U+03D0
            "................", // U+03E0
            "................", // U+03F0
            "ЕЕ.Г...І....КИУ.", // U+0400
            ".........И......", // U+0410
            "................", // U+0420
            ".........и......", // U+0430
            "................", // U+0440
            "ее.г...і....киу.", // U+0450
            "................", // U+0460
            "......Ѵѵ........", // U+0470
            "................", // U+0480
            "................", // U+0490
            "................", // U+04A0
            "................", // U+04B0
            ".Жж.............", // U+04C0
            "АаАа..Ее..ӘәЖжЗз", // U+04D0
            "..ИиИиОо..ӨөЭэУу", // U+04E0
            "УуУуЧч..Ыы......", // U+04F0
        ],
    },
    Block {
        first: 0x1E00,
        rows: &[
            "AaBbBbBbCcDdDdDd", // U+1E00
            "DdDdEeEeEeEeEeFf", // U+1E10
            "GgHhHhHhHhHhIiIi", // U+1E20
            "KkKkKkLlLlLlLlMm", // U+1E30
            "MmMmNnNnNnNnOoOo", // U+1E40
            "OoOoPpPpRrRrRrRr", // U+1E50
            "SsSsSsSsSsTtTtTt", // U+1E60
            "TtUuUuUuUuUuVvVv", // U+1E70
            "WwWwWwWwWwXxXxYy", // U+1E80
            "ZzZzZzhtwy.ſ....", // U+1E90
            "AaAaAaAaAaAaAaAa", // U+1EA0
            "AaAaAaAaEeEeEeEe", // U+1EB0
            "EeEeEeEeIiIiOoOo", // U+1EC0
            "OoOoOoOoOoOoOoOo", // U+1ED0
            "OoOoUuUuUuUuUuUu", // U+1EE0
            "UuYyYyYyYy......", // U+1EF0
            "ααααααααΑΑΑΑΑΑΑΑ", // U+1F00
            "εεεεεε..ΕΕΕΕΕΕ..", // U+1F10
            "ηηηηηηηηΗΗΗΗΗΗΗΗ", // U+1F20
            "ιιιιιιιιΙΙΙΙΙΙΙΙ", // U+1F30
            "οοοοοο..ΟΟΟΟΟΟ..", // U+1F40
            "υυυυυυυυ.Υ.Υ.Υ.Υ", // U+1F50
            "ωωωωωωωωΩΩΩΩΩΩΩΩ", // U+1F60
            "ααεεηηιιοουυωω..", // U+1F70
            "ααααααααΑΑΑΑΑΑΑΑ", // U+1F80
            "ηηηηηηηηΗΗΗΗΗΗΗΗ", // U+1F90
            "ωωωωωωωωΩΩΩΩΩΩΩΩ", // U+1FA0
            "ααααα.ααΑΑΑΑΑ...", // U+1FB0
            "..ηηη.ηηΕΕΗΗΗ...", // U+1FC0
            "ιιιι..ιιΙΙΙΙ....", // U+1FD0
            "υυυυρρυυΥΥΥΥΡ...", // U+1FE0
            "..ωωω.ωωΟΟΩΩΩ...", // U+1FF0
        ],
    },
];

/// The base letter of a precomposed letter (`é` → `e`), or `c` itself.
fn base_letter(c: char) -> char {
    let cp = u32::from(c);
    BASES
        .iter()
        .find_map(|block| {
            let i = usize::try_from(cp.checked_sub(block.first)?).ok()?;
            block.rows.get(i / 16)?.chars().nth(i % 16)
        })
        .filter(|&base| base != '.')
        .unwrap_or(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_of_the_table_has_sixteen_letters() {
        for block in &BASES {
            for (i, row) in block.rows.iter().enumerate() {
                let n = row.chars().count();
                assert_eq!(n, 16, "row U+{:04X}", block.first as usize + i * 16);
                assert!(row.chars().all(|c| c == '.' || c.is_alphabetic()), "{row}");
            }
        }
    }

    #[test]
    fn precomposed_letters_fold_to_their_base() {
        let pairs = [
            ('À', 'A'),
            ('é', 'e'),
            ('ÿ', 'y'),
            ('Ł', 'L'),
            ('ś', 's'),
            ('ž', 'z'),
            ('ǎ', 'a'),
            ('ễ', 'e'),
            ('ỹ', 'y'),
            ('ά', 'α'),
            ('ῷ', 'ω'),
            ('й', 'и'),
            ('Ё', 'Е'),
            ('ø', 'o'),
        ];
        for (c, base) in pairs {
            assert_eq!(base_letter(c), base, "{c}");
        }
        for same in ['a', 'Æ', 'ß', 'Ð', 'þ', 'ƒ', 'Ω', 'я', '中', '👍'] {
            assert_eq!(base_letter(same), same, "{same}");
        }
    }

    #[test]
    fn folded_offsets_map_back_and_refuse_the_inside_of_an_expansion() {
        let opts = SearchOptions::default();
        // İ (2 bytes) lower-cases to i + U+0307 (3 bytes); ẞ (3 bytes) to ß (2 bytes).
        let folded = Folded::new("İxẞy", &opts);
        assert_eq!(folded.text, "i\u{307}xßy");
        let back: Vec<Option<usize>> = (0..=folded.text.len())
            .map(|f| folded.to_original(f))
            .collect();
        assert_eq!(
            back,
            [
                Some(0),
                None,
                None,
                Some(2),
                Some(3),
                None,
                Some(6),
                Some(7)
            ]
        );
    }

    #[test]
    fn dropped_marks_map_to_the_offset_after_them() {
        let opts = SearchOptions {
            ignore_diacritics: true,
            ..SearchOptions::default()
        };
        let folded = Folded::new("e\u{301}\u{308}x", &opts);
        assert_eq!(folded.text, "ex");
        assert_eq!(folded.to_original(0), Some(0));
        assert_eq!(folded.to_original(1), Some(5));
        assert_eq!(folded.to_original(2), Some(6));
    }
}
