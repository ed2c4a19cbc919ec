//! Searching every document of a project, with a line of context for the list of hits.

use std::ops::Range;

use crate::model::{ByteOffset, DocId, Project, ceil_grapheme, floor_grapheme};

use super::{Haystack, SearchOptions, fold};

/// How many characters of context a hit shows on each side of the match, at most.
const CONTEXT_CHARS: usize = 40;

/// One match of a project-wide search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    /// The document it is in.
    pub doc: DocId,
    /// Byte range into that document's text, on grapheme boundaries.
    pub range: Range<ByteOffset>,
    /// The match with up to 40 characters on each side (cut on grapheme boundaries), line
    /// breaks and tabs shown as spaces: one line for the list of hits.
    pub context: String,
    /// Byte range of the match within `context`, to show it in bold.
    pub context_match: Range<usize>,
}

/// Every match of `query` in every document, in document order and then by position.
pub fn search_project(project: &Project, query: &str, opts: &SearchOptions) -> Vec<Hit> {
    let needle = fold::fold_str(query, opts);
    if needle.is_empty() {
        return Vec::new();
    }
    let mut hits = Vec::new();
    for doc in &project.documents {
        for range in Haystack::new(&doc.text, opts).find_all(&needle) {
            let (context, context_match) = context(&doc.text, &range);
            hits.push(Hit {
                doc: doc.id.clone(),
                range,
                context,
                context_match,
            });
        }
    }
    hits
}

/// The context line of `range` in `text`, and where the match sits in it.
fn context(text: &str, range: &Range<ByteOffset>) -> (String, Range<usize>) {
    let (start, end) = (range.start.0, range.end.0);
    let before = text.get(..start).unwrap_or_default();
    let from = before
        .char_indices()
        .rev()
        .nth(CONTEXT_CHARS - 1)
        .map_or(0, |(i, _)| i);
    let after = text.get(end..).unwrap_or_default();
    let to = after
        .char_indices()
        .nth(CONTEXT_CHARS)
        .map_or(text.len(), |(i, _)| end + i);
    // Narrow to grapheme boundaries; the match's own ends are boundaries, so it stays whole.
    let from = ceil_grapheme(text, ByteOffset(from)).0.min(start);
    let to = floor_grapheme(text, ByteOffset(to)).0.max(end);
    let piece = |r: Range<usize>| one_line(text.get(r).unwrap_or_default());
    let mut line = piece(from..start);
    let match_start = line.len();
    line.push_str(&piece(start..end));
    let match_end = line.len();
    line.push_str(&piece(end..to));
    (line, match_start..match_end)
}

/// `s` with each line break (CRLF counts as one) and tab as a space.
fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' | '\t' | '\u{b}' | '\u{c}' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
                out.push(' ')
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Document;

    fn project(docs: &[(&str, &str)]) -> Project {
        let mut project = Project::new("t");
        for (id, text) in docs {
            project.documents.push(Document::new(*id, *id, *text));
        }
        project
    }

    #[test]
    fn hits_come_in_document_order_with_their_ranges() {
        let p = project(&[("b", "Xi met Macron.\nMacron left."), ("a", "MACRON")]);
        let hits = search_project(&p, "macron", &SearchOptions::default());
        let got: Vec<(&str, Range<usize>)> = hits
            .iter()
            .map(|h| (h.doc.as_str(), h.range.start.0..h.range.end.0))
            .collect();
        assert_eq!(got, [("b", 7..13), ("b", 15..21), ("a", 0..6)]);
        assert_eq!(hits[0].context, "Xi met Macron. Macron left.");
        assert_eq!(&hits[0].context[hits[0].context_match.clone()], "Macron");
        assert_eq!(hits[1].context_match, 15..21);
        assert!(search_project(&p, "", &SearchOptions::default()).is_empty());
    }

    #[test]
    fn context_is_cut_to_forty_characters_on_grapheme_boundaries() {
        let left = "é".repeat(50);
        let right = format!("{}👩‍👩‍👧", "x".repeat(39));
        let text = format!("{left}\r\nMacron{right} tail");
        let p = project(&[("d", &text)]);
        let hits = search_project(&p, "macron", &SearchOptions::default());
        let hit = &hits[0];
        // 38 é and the CRLF (one space) before; 39 x after, as the 40th character would split
        // the family.
        let expected = format!("{} Macron{}", "é".repeat(38), "x".repeat(39));
        assert_eq!(hit.context, expected);
        assert_eq!(&hit.context[hit.context_match.clone()], "Macron");
    }

    #[test]
    fn the_context_never_splits_a_grapheme() {
        let text = format!("xe\u{301}{}Macron", "a".repeat(39));
        let p = project(&[("d", &text)]);
        let hit = &search_project(&p, "macron", &SearchOptions::default())[0];
        // 40 characters back would start at the accent; the context starts after its letter.
        assert_eq!(hit.context, format!("{}Macron", "a".repeat(39)));
    }
}
