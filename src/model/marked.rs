//! Marked text, for readable tests and examples: `"[actor|Macron] said [claim|talks could
//! start]"` is the text "Macron said talks could start" with an actor and a claim on it.
//! Marks may nest: `"[claim|[actor|Macron] will go]"`.

use std::ops::Range;

use super::ids::TagId;
use super::offset::ByteOffset;

/// One mark: its tag and the byte range it covers in the plain text.
pub type Mark = (TagId, Range<ByteOffset>);

/// Splits marked text into the plain text and its `(tag, byte range)` marks, in the order the
/// marks open. Returns `None` when the brackets do not balance.
pub fn parse_marked(marked: &str) -> Option<(String, Vec<Mark>)> {
    let mut text = String::with_capacity(marked.len());
    let mut open: Vec<(usize, TagId, usize)> = Vec::new(); // (slot, tag, start)
    let mut marks: Vec<Option<Mark>> = Vec::new();
    let mut rest = marked;
    while let Some(c) = rest.chars().next() {
        let opening = (c == '[')
            .then(|| rest[1..].find('|').map(|bar| &rest[1..1 + bar]))
            .flatten()
            .filter(|tag| {
                !tag.is_empty()
                    && tag
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
            });
        if let Some(tag) = opening {
            open.push((marks.len(), tag.into(), text.len()));
            marks.push(None);
            rest = &rest[tag.len() + 2..];
        } else if c == ']' {
            let (slot, tag, start) = open.pop()?;
            *marks.get_mut(slot)? = Some((tag, ByteOffset(start)..ByteOffset(text.len())));
            rest = &rest[1..];
        } else {
            text.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    if !open.is_empty() {
        return None;
    }
    Some((text, marks.into_iter().collect::<Option<Vec<_>>>()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_marks_over_unicode() {
        let (text, marks) = parse_marked("[claim|[actor|Zelensky 🇺🇦] wants talks] ok").unwrap();
        assert_eq!(text, "Zelensky 🇺🇦 wants talks ok");
        assert_eq!(marks.len(), 2);
        let slice = |r: &Range<ByteOffset>| &text[r.start.0..r.end.0];
        assert_eq!(
            (marks[0].0.as_str(), slice(&marks[0].1)),
            ("claim", "Zelensky 🇺🇦 wants talks")
        );
        assert_eq!(
            (marks[1].0.as_str(), slice(&marks[1].1)),
            ("actor", "Zelensky 🇺🇦")
        );
        assert!(parse_marked("[actor|open").is_none());
        assert!(parse_marked("closed]").is_none());
    }
}
