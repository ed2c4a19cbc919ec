//! The small syntax of a TSV 3.3 cell, for the reader: escapes, the separators that are not
//! escaped, and the suffixes that name an annotation (`[3]`, `[1_2]`, `->1-2`).
//!
//! A backslash escapes the character after it, so a separator or bracket counts only when an
//! even number of backslashes stands before it. INCEpTION's reader looks at one character
//! back instead (a value ending in an escaped backslash before a `|` is not split there); for
//! what its writer writes, where every backslash of a value is doubled, the two agree.

/// Whether the character at byte `at` of `s` is escaped (an odd run of backslashes before it).
fn escaped(s: &str, at: usize) -> bool {
    let before = s.get(..at).unwrap_or_default();
    before.bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1
}

/// `s` split at every `sep` that is not escaped.
pub(super) fn split_unescaped(s: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if c == sep && !escaped(s, i) {
            parts.push(s.get(start..i).unwrap_or_default());
            start = i + c.len_utf8();
        }
    }
    parts.push(s.get(start..).unwrap_or_default());
    parts
}

/// `s` without a trailing, unescaped `[…]`, and what the brackets held.
pub(super) fn strip_id(s: &str) -> (&str, Option<&str>) {
    if !s.ends_with(']') || escaped(s, s.len() - 1) {
        return (s, None);
    }
    match s.rfind('[') {
        Some(open) if !escaped(s, open) => (
            s.get(..open).unwrap_or_default(),
            s.get(open + 1..s.len() - 1),
        ),
        _ => (s, None),
    }
}

/// A chain cell `VALUE->CHAIN-ELEMENT`: the value, the chain and the element's number.
pub(super) fn strip_chain(s: &str) -> Option<(&str, u32, u32)> {
    let arrow = s.rfind("->")?;
    if escaped(s, arrow) {
        return None;
    }
    let (chain, element) = s.get(arrow + 2..)?.split_once('-')?;
    Some((s.get(..arrow)?, number(chain)?, number(element)?))
}

/// A whole number written with digits only.
pub(super) fn number(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A feature value unescaped as INCEpTION's `Escaping.unescapeValue` does: `\\ \[ \] \| \_
/// \-> \; \* \t \n` become what they stand for; any other backslash stays.
pub(super) fn unescape_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some(n @ ('\\' | '[' | ']' | '|' | '_' | ';' | '*')) => {
                chars.next();
                out.push(n);
            }
            Some('t') => {
                chars.next();
                out.push('\t');
            }
            Some('n') => {
                chars.next();
                out.push('\n');
            }
            Some('-') => {
                let mut ahead = chars.clone();
                ahead.next();
                if ahead.peek() == Some(&'>') {
                    chars.next();
                    chars.next();
                    out.push_str("->");
                } else {
                    out.push('\\');
                }
            }
            _ => out.push('\\'),
        }
    }
    out
}

/// A `#Text=` line unescaped as INCEpTION's `Escaping.unescapeText` does for TSV 3.2 and 3.3:
/// `\t \n \f \r \b \\`, and a backslash before a control character (other than U+0008–U+000D)
/// dropped; any other backslash stays.
pub(super) fn unescape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let replaced = match chars.peek().copied() {
            Some('t') => Some('\t'),
            Some('n') => Some('\n'),
            Some('f') => Some('\u{c}'),
            Some('r') => Some('\r'),
            Some('b') => Some('\u{8}'),
            Some('\\') => Some('\\'),
            Some(n @ ('\u{0}'..='\u{7}' | '\u{e}'..='\u{1f}')) => Some(n),
            _ => None,
        };
        match replaced {
            Some(r) => {
                chars.next();
                out.push(r);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{escape_text, escape_value};
    use super::*;

    #[test]
    fn separators_count_only_when_not_escaped() {
        assert_eq!(split_unescaped("a|b\\|c|d", '|'), ["a", "b\\|c", "d"]);
        // An escaped backslash before a separator: the separator counts.
        assert_eq!(split_unescaped("a\\\\|b", '|'), ["a\\\\", "b"]);
        assert_eq!(split_unescaped("_", '|'), ["_"]);
        assert_eq!(strip_id("NE[12]"), ("NE", Some("12")));
        assert_eq!(strip_id("1-1[1_2]"), ("1-1", Some("1_2")));
        assert_eq!(strip_id("a\\]"), ("a\\]", None));
        assert_eq!(strip_id("a\\[1]"), ("a\\[1]", None));
        assert_eq!(strip_chain("*->1-12"), Some(("*", 1, 12)));
        assert_eq!(strip_chain("a\\->1-2"), None);
    }

    #[test]
    fn unescaping_undoes_the_writers_escapes() {
        for s in [
            "plain",
            "a|b [c] d_e; f* -> g\\h\tTab\nline",
            "#*'\"`´\t:;{}|[ ]()\\§$%?=&_\n",
            "😀 和谈 e\u{301}",
        ] {
            assert_eq!(unescape_value(&escape_value(s)), s, "{s:?}");
        }
        for s in [
            "a\\b",
            "tab\there",
            "cr\r bs\u{8} ff\u{c} nul\u{0} esc\u{1b}",
        ] {
            assert_eq!(unescape_text(&escape_text(s)), s, "{s:?}");
        }
        // A backslash before anything else is kept.
        assert_eq!(unescape_value("a\\x"), "a\\x");
        assert_eq!(unescape_text("a\\x"), "a\\x");
    }
}
