//! Marked text, for readable tests and examples: `"[actor|Macron] said [claim|talks could
//! start]"` is the text "Macron said talks could start" with an actor and a claim on it.
//! Marks may nest: `"[claim|[actor|Macron] will go]"`.

use std::ops::Range;

use super::annotation::Fragment;
use super::document::Document;
use super::ids::{AnnotationId, TagId};
use super::offset::ByteOffset;
use super::ops;
use super::project::Project;

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

/// A project with one document (id `d`, title "Doc") made from marked text, each mark added
/// as an annotation by `annotator` at `now`; returns the project and the annotation ids in
/// mark order. `None` when the marks do not balance or a tag is not in the default schema.
pub fn project_from_marked(
    marked: &str,
    annotator: &str,
    now: jiff::Timestamp,
) -> Option<(Project, Vec<AnnotationId>)> {
    let (text, marks) = parse_marked(marked)?;
    let mut project = Project::new("test");
    project.documents.push(Document::new("d", "Doc", text));
    let mut ids = Vec::new();
    for (tag, range) in marks {
        let edit = ops::add_annotation(
            &project,
            &"d".into(),
            &tag,
            vec![Fragment::new(range)],
            annotator,
            now,
        )
        .ok()?;
        ids.push(ops::added_annotation(&edit)?.clone());
        edit.apply(&mut project).ok()?;
    }
    Some((project, ids))
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
