//! Parsing a large project file on several cores.
//!
//! Almost all of a large file's parse time goes to the annotation and relation records. This
//! module finds where those two lists and their items are, with a small scanner that knows
//! RON's strings, raw strings and comments, and parses slices of each list on other threads
//! while the rest of the file is parsed on this one. Line numbers are kept: every slice is
//! parsed behind as many newlines as precede it in the file.
//!
//! It is only a faster route to the same result. When anything does not fit (no such lists, a
//! slice that does not parse, a record count that differs from the items the scanner saw),
//! the caller parses the whole file the ordinary way, which also gives the exact error.

use std::ops::Range;

use serde::de::DeserializeOwned;

use super::fast::{self, Record};
use super::file::{AnnotationRecord, ProjectFile};
use crate::model::Relation;

/// Files smaller than this are parsed on one thread: splitting would not pay.
const PARALLEL_FROM: usize = 1 << 20;

/// Where one list field of the top-level struct is: its brackets, and its items.
#[derive(Debug, Default, PartialEq, Eq)]
struct List {
    /// From the `[` to the `]`, inclusive.
    span: Range<usize>,
    /// Each item's bytes (without the separating commas).
    items: Vec<Range<usize>>,
}

/// Finds the lists named `annotations` and `relations` directly in the top-level struct.
fn find_lists(source: &str) -> Option<(List, List)> {
    let bytes = source.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    let (mut annotations, mut relations) = (None::<List>, None::<List>);
    let mut current: Option<(bool, List, usize)> = None; // (is annotations, list, item start)
    let mut pending: Option<bool> = None; // saw `annotations:` / `relations:` at depth 1
    let mut fields_seen = std::collections::HashSet::new();
    while let Some(&b) = bytes.get(i) {
        // Inside the lists and deeper only brackets, commas, strings and comments matter:
        // skip everything else in a tight loop (most of a large file is records).
        if depth >= 2 && !SPECIAL[usize::from(b)] {
            i += 1;
            while bytes.get(i).is_some_and(|&b| !SPECIAL[usize::from(b)]) {
                i += 1;
            }
            continue;
        }
        match b {
            b'"' => i = skip_string(bytes, i + 1)?,
            b'r' | b'b' if !is_ident(bytes, i.wrapping_sub(1)) && starts_string(bytes, i) => {
                i = skip_prefixed_string(bytes, i)?;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = source.get(i..)?.find('\n').map_or(bytes.len(), |n| i + n);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => i = skip_block_comment(bytes, i)?,
            b'\'' => return None, // no char literals in project files
            b'(' | b'[' | b'{' => {
                depth += 1;
                if b == b'['
                    && depth == 2
                    && let Some(which) = pending.take()
                {
                    let list = List {
                        span: i..i,
                        items: Vec::new(),
                    };
                    current = Some((which, list, i + 1));
                }
                i += 1;
            }
            b')' | b']' | b'}' => {
                if depth == 2
                    && b == b']'
                    && let Some((which, mut list, start)) = current.take()
                {
                    // After the last comma only blanks may stand (a trailing comma); other
                    // white space there is an error for the parser to report.
                    let last = source.get(start..i)?;
                    if last.trim().is_empty() && !is_blank(last) {
                        return None;
                    }
                    if !is_blank(last) {
                        list.items.push(start..i);
                    }
                    list.span = list.span.start..i + 1;
                    if which {
                        annotations = Some(list)
                    } else {
                        relations = Some(list)
                    }
                }
                depth = depth.checked_sub(1)?;
                i += 1;
            }
            b',' if depth == 2 => {
                if let Some((_, list, start)) = &mut current {
                    // An empty slot before a comma is a syntax error: leave it to the parser.
                    if is_blank(source.get(*start..i)?) {
                        return None;
                    }
                    list.items.push(*start..i);
                    *start = i + 1;
                }
                i += 1;
            }
            b'#' if depth == 0 => {
                // Only the attribute the writer puts there, whose meaning is the parser's
                // default anyway; any other could change how the slices parse.
                if !source.get(i..)?.starts_with(IMPLICIT_SOME) {
                    return None;
                }
                i += IMPLICIT_SOME.len();
            }
            _ if depth == 1 && is_ident(bytes, i) && !is_ident(bytes, i.wrapping_sub(1)) => {
                let end = (i..bytes.len())
                    .find(|&j| !is_ident(bytes, j))
                    .unwrap_or(bytes.len());
                let word = source.get(i..end)?;
                let is_field = source.get(end..)?.trim_start().starts_with(':');
                // Any field the file shape does not know, or a field named twice, is for the
                // ordinary parse to judge. (A word not followed by `:` is a value.)
                if is_field && (!FIELDS.contains(&word) || !fields_seen.insert(word)) {
                    return None;
                }
                pending = match (word, is_field) {
                    ("annotations", true) => Some(true),
                    ("relations", true) => Some(false),
                    _ => None,
                };
                i = end;
            }
            _ => i += 1,
        }
    }
    Some((annotations?, relations?))
}

/// The bytes the scanner has to look at below the top level: quotes and the prefixes of raw
/// and byte strings, comments, char literals, brackets and commas.
const SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let special = b"\"rb/'([{)]},";
    let mut i = 0;
    while i < special.len() {
        table[special[i] as usize] = true;
        i += 1;
    }
    table
};

/// The top-level fields of a project file (format version 4).
const FIELDS: [&str; 12] = [
    "format_version",
    "offset_unit",
    "name",
    "notes",
    "schema",
    "codebooks",
    "annotators",
    "entities",
    "documents",
    "annotations",
    "relations",
    "decisions",
];

/// The one inner attribute the writer emits.
const IMPLICIT_SOME: &str = "#![enable(implicit_some)]";

/// Whether `s` is only what RON counts as whitespace.
fn is_blank(s: &str) -> bool {
    s.chars().all(|c| {
        matches!(
            c,
            ' ' | '\t'
                | '\n'
                | '\r'
                | '\x0B'
                | '\x0C'
                | '\u{85}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{2028}'
                | '\u{2029}'
        )
    })
}

/// Whether byte `i` can be part of an identifier (non-ASCII counts: RON allows it, and a
/// longer word than expected only makes the scan give up).
fn is_ident(bytes: &[u8], i: usize) -> bool {
    bytes
        .get(i)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b >= 0x80)
}

/// Whether a (raw or byte) string starts at `i`: `r"`, `r#…"`, `b"`, `br"`, `br#…"`.
fn starts_string(bytes: &[u8], i: usize) -> bool {
    let mut j = i;
    if bytes.get(j) == Some(&b'b') {
        j += 1;
        if bytes.get(j) == Some(&b'"') {
            return true;
        }
    }
    if bytes.get(j) != Some(&b'r') {
        return false;
    }
    j += 1;
    while bytes.get(j) == Some(&b'#') {
        j += 1;
    }
    bytes.get(j) == Some(&b'"')
}

/// Index after the closing quote of an escaped string whose content starts at `i`.
fn skip_string(bytes: &[u8], mut i: usize) -> Option<usize> {
    loop {
        // Jump to the next quote or backslash (most strings have no escape).
        i += memchr::memchr2(b'"', b'\\', bytes.get(i..)?)?;
        match bytes.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// Index after a string that starts with a prefix at `i` (`b"…"`, `r#"…"#`, `br"…"`).
fn skip_prefixed_string(bytes: &[u8], mut i: usize) -> Option<usize> {
    if bytes.get(i) == Some(&b'b') {
        i += 1;
        if bytes.get(i) == Some(&b'"') {
            return skip_string(bytes, i + 1);
        }
    }
    i += 1; // the `r`
    let hashes = bytes.get(i..)?.iter().take_while(|&&b| b == b'#').count();
    i += hashes + 1; // the hashes and the opening quote
    loop {
        if bytes.get(i)? == &b'"' && bytes.get(i + 1..i + 1 + hashes)?.iter().all(|&b| b == b'#') {
            return Some(i + 1 + hashes);
        }
        i += 1;
    }
}

/// Index after a (possibly nested) block comment starting at `i`.
fn skip_block_comment(bytes: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 0usize;
    loop {
        match (bytes.get(i)?, bytes.get(i + 1)) {
            (b'/', Some(b'*')) => {
                depth += 1;
                i += 2;
            }
            (b'*', Some(b'/')) => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => i += 1,
        }
    }
}

/// `source[range]` as a list of its own, behind newlines so that it keeps its line numbers.
fn slice_as_list(source: &str, items: &[Range<usize>]) -> Option<String> {
    let (first, last) = (items.first()?, items.last()?);
    let lines = source
        .get(..first.start)?
        .bytes()
        .filter(|&b| b == b'\n')
        .count();
    let body = source.get(first.start..last.end)?;
    let mut text = String::with_capacity(lines + body.len() + 2);
    text.extend(std::iter::repeat_n('\n', lines));
    text.push('[');
    text.push_str(body);
    text.push(']');
    Some(text)
}

/// Parses `items` of `source` in `parts` slices on scoped threads: each with the quick reader
/// of canonical records, or else with RON.
fn parse_slices<'s, T: DeserializeOwned + Record + Send + 's>(
    scope: &'s std::thread::Scope<'s, '_>,
    source: &'s str,
    items: &'s [Range<usize>],
    parts: usize,
) -> Vec<std::thread::ScopedJoinHandle<'s, Option<Vec<T>>>> {
    let per = items.len().div_ceil(parts.max(1)).max(1);
    items
        .chunks(per)
        .enumerate()
        .map(|(i, chunk)| {
            // The first part's list has room for all, so that the others are appended to it
            // without a second list of every record (58 MB at corpus scale).
            let room = if i == 0 { items.len() } else { 0 };
            scope.spawn(move || {
                if let Some(records) = fast::read_items(source, chunk, room) {
                    return Some(records);
                }
                let text = slice_as_list(source, chunk)?;
                // One level shallower than in the file, so one level less may nest.
                super::ron_options()
                    .with_recursion_limit(127)
                    .from_str::<Vec<T>>(&text)
                    .ok()
            })
        })
        .collect()
}

fn join_all<T>(handles: Vec<std::thread::ScopedJoinHandle<'_, Option<Vec<T>>>>) -> Option<Vec<T>> {
    let mut parts = Vec::with_capacity(handles.len());
    for h in handles {
        parts.push(h.join().ok()??);
    }
    let mut parts = parts.into_iter();
    let mut all = parts.next().unwrap_or_default();
    // Room for the rest (the quick reader made it already): each part is moved in and let go.
    let rest: usize = parts.as_slice().iter().map(Vec::len).sum();
    all.reserve(rest);
    for part in parts {
        all.extend(part);
    }
    Some(all)
}

/// Parses a large project file with its annotation and relation lists split across threads;
/// `None` means "parse it the ordinary way".
pub(super) fn parse_parallel(source: &str) -> Option<ProjectFile> {
    let threads = crate::par::threads();
    if source.len() < PARALLEL_FROM || threads < 2 {
        return None;
    }
    let (annotations, relations) = find_lists(source)?;
    // The rest of the file, with both lists emptied but every newline kept in place.
    let mut rest = String::with_capacity(source.len());
    let mut at = 0;
    let mut spans = [&annotations.span, &relations.span];
    spans.sort_by_key(|s| s.start);
    for span in spans {
        rest.push_str(source.get(at..span.start)?);
        rest.push('[');
        rest.extend(std::iter::repeat_n(
            '\n',
            source
                .get(span.clone())?
                .bytes()
                .filter(|&b| b == b'\n')
                .count(),
        ));
        rest.push(']');
        at = span.end;
    }
    rest.push_str(source.get(at..)?);

    std::thread::scope(|scope| {
        let a = parse_slices::<AnnotationRecord>(scope, source, &annotations.items, threads);
        let r = parse_slices::<Relation>(scope, source, &relations.items, 1);
        let file = super::ron_options().from_str::<ProjectFile>(&rest).ok();
        let (mut file, a, r) = (file?, join_all(a)?, join_all(r)?);
        if a.len() != annotations.items.len() || r.len() != relations.items.len() {
            return None;
        }
        file.annotations = a;
        file.relations = r;
        Some(file)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_lists_past_strings_comments_and_nesting() {
        let source = r##"// c ( [
#![enable(implicit_some)]
(
    name: "annotations: [\"x\"",
    notes: r#"relations: [ ") "#,
    /* relations: [ /* nested */ ] */
    annotations: [
        (id: "a", fragments: [(1, 2), (3, 4)], quote: "a, b"),
        (id: "b", quote: r#"c"), ("#),
    ],
    relations: [(id: "r")],
)"##;
        let (a, r) = find_lists(source).unwrap();
        let items: Vec<&str> = a.items.iter().map(|i| source[i.clone()].trim()).collect();
        assert_eq!(
            items,
            [
                r#"(id: "a", fragments: [(1, 2), (3, 4)], quote: "a, b")"#,
                r##"(id: "b", quote: r#"c"), ("#)"##
            ]
        );
        assert_eq!(r.items.len(), 1);
        assert!(source[a.span.clone()].starts_with('[') && source[a.span].ends_with(']'));
    }

    #[test]
    fn anything_the_parser_might_read_differently_is_left_to_it() {
        let ok = "#![enable(implicit_some)]\n(format_version: 3, annotations: [(id: \"a\"),\n], relations: [])";
        assert!(find_lists(ok).is_some());
        for bad in [
            "(annotations: [ , (id: \"a\")], relations: [])",
            "(annotations: [(id: \"a\"),, ], relations: [])",
            "(annotations: [(id: \"a\"),\u{a0}], relations: [])",
            "(annotations: [(id: \"a\")], relations: [], r#old-annotations: [(id: \"z\")])",
            "(annotations: [(id: \"a\")], relations: [], éannotations: [(id: \"z\")])",
            "(annotations: [(id: \"a\")], relations: [], annotations: [])",
            "#![enable(unwrap_newtypes)]\n(annotations: [], relations: [])",
        ] {
            assert_eq!(find_lists(bad), None, "{bad}");
        }
    }

    #[test]
    fn no_lists_no_split() {
        assert_eq!(find_lists("(name: \"x\")"), None);
        assert_eq!(find_lists("(annotations: [(id: \"a\")], notes: 'x')"), None);
    }
}
