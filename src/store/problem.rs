//! Errors and validation findings, each naming the file and, where it can, the line and column.

use std::fmt;
use std::path::{Path, PathBuf};

/// What kind of problem validation found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProblemKind {
    /// An offset beyond the end of the text, or a fragment empty or reversed.
    OffsetOutOfRange,
    /// An offset inside a grapheme cluster.
    NotOnGraphemeBoundary,
    /// Fragments out of order or overlapping.
    BadFragments,
    /// The recorded quote is not the text at the offsets.
    QuoteMismatch,
    /// The recorded hash is not the hash of the text.
    HashMismatch,
    /// The file's line endings were turned into CRLF (by git, say): the explanation of the
    /// hash and offset problems that follow, which LF line endings would all settle.
    LineEndings,
    /// A reference to a document, annotation, entity or relation type that is not there.
    DanglingReference,
    /// Two items with one id.
    DuplicateId,
    /// An annotation's tag is not in the schema.
    UnknownTag,
    /// A relation that its type does not allow (wrong tags, two documents).
    BadRelation,
    /// A field with a value it cannot have.
    BadValue,
    /// A value for an attribute or article variable that the item's type (or the project)
    /// does not declare.
    UnknownAttribute,
}

/// Where in a project file a problem is, as found by looking for the item's id.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Anchor {
    /// The file as a whole.
    File,
    /// The `nth` (0-based) item with this id (`id: "…"`).
    Id(String, usize),
    /// The first `needle` after the `nth` item with this id (a value inside its record), or
    /// the item itself when the needle is not found nearby.
    Within(String, usize, String),
}

/// One thing wrong in a project file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// What kind of problem.
    pub kind: ProblemKind,
    /// Which item it is about.
    pub anchor: Anchor,
    /// What is wrong and what was expected.
    pub message: String,
    /// 1-based line and column of the item in the file, when known.
    pub position: Option<(usize, usize)>,
}

impl Problem {
    pub(super) fn new(kind: ProblemKind, anchor: Anchor, message: impl Into<String>) -> Self {
        Problem {
            kind,
            anchor,
            message: message.into(),
            position: None,
        }
    }
}

/// Problems found in one file, printable one per line as `FILE:LINE:COL: message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problems {
    /// The file checked.
    pub path: PathBuf,
    /// Every problem, in file order.
    pub list: Vec<Problem>,
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.list.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            match p.position {
                Some((line, col)) => {
                    write!(f, "{}:{line}:{col}: {}", self.path.display(), p.message)?
                }
                None => write!(f, "{}: {}", self.path.display(), p.message)?,
            }
        }
        Ok(())
    }
}

/// Why a project file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The operating system refused.
    #[error("{}: {action}: {source}", path.display())]
    Io {
        /// File concerned.
        path: PathBuf,
        /// What was being done ("cannot read", "cannot write" …).
        action: &'static str,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file is not valid RON of the expected shape.
    #[error("{}:{line}:{col}: {message}", path.display())]
    Syntax {
        /// File concerned.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column (in characters).
        col: usize,
        /// What was expected.
        message: String,
    },
    /// Written by a newer Marginalia.
    #[error("{}: format version {found} is newer than this Marginalia understands (up to {supported}); update Marginalia to open it", path.display())]
    NewerVersion {
        /// File concerned.
        path: PathBuf,
        /// Version in the file.
        found: u32,
        /// Newest version this build reads.
        supported: u32,
    },
    /// The project could not be turned into text (nothing was written).
    #[error("cannot write the project as RON: {0}")]
    Serialize(String),
    /// The file parsed but its content does not hold together.
    #[error("{0}")]
    Invalid(Problems),
}

impl StoreError {
    pub(super) fn io(path: &Path, action: &'static str, source: std::io::Error) -> Self {
        StoreError::Io {
            path: path.to_owned(),
            action,
            source,
        }
    }
}

/// Byte offset → 1-based (line, column in characters) of `source`.
pub fn line_col(source: &str, byte: usize) -> (usize, usize) {
    let mut byte = byte.min(source.len());
    while !source.is_char_boundary(byte) {
        byte -= 1;
    }
    let before = &source[..byte];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, source[line_start..byte].chars().count() + 1)
}

/// Fills in each problem's position by finding its item's `id: "…"` in the source, in one pass.
pub(super) fn locate(source: &str, problems: &mut [Problem]) {
    use std::collections::HashMap;
    let wanted: std::collections::HashSet<&str> = problems
        .iter()
        .filter_map(|p| match &p.anchor {
            Anchor::Id(id, _) | Anchor::Within(id, _, _) => Some(id.as_str()),
            Anchor::File => None,
        })
        .collect();
    if wanted.is_empty() {
        return;
    }
    let mut found: HashMap<&str, Vec<usize>> = HashMap::new();
    let needle = "id: ";
    let mut from = 0;
    while let Some(i) = source.get(from..).and_then(|s| s.find(needle)) {
        let at = from + i;
        from = at + needle.len();
        let Some(rest) = source.get(from..) else {
            break;
        };
        // A field starts a line or follows `(` or `,`; `id: "…"` inside an article's text
        // (which starts elsewhere on its line) is not one.
        let line_start = source
            .get(..at)
            .and_then(|s| s.rfind('\n'))
            .map_or(0, |n| n + 1);
        let is_field = source.get(line_start..at).is_some_and(|before| {
            before.trim_end().is_empty() || before.trim_end().ends_with(['(', ','])
        });
        if let Some(id) = quoted_prefix(rest).filter(|id| is_field && wanted.contains(id)) {
            found.entry(id).or_default().push(at);
        }
    }
    let mut lines = LineIndex::new(source);
    for p in problems.iter_mut() {
        let (id, nth, needle) = match &p.anchor {
            Anchor::Id(id, nth) => (id, nth, None),
            Anchor::Within(id, nth, needle) => (id, nth, Some(needle.as_str())),
            Anchor::File => continue,
        };
        p.position = found.get(id.as_str()).and_then(|v| v.get(*nth)).map(|&at| {
            // A record's values follow its id within a few lines.
            let inside = needle.and_then(|n| {
                let mut end = (at + 4096).min(source.len());
                while !source.is_char_boundary(end) {
                    end -= 1;
                }
                let window = source.get(at..end)?;
                window.find(n).map(|i| at + i)
            });
            lines.line_col(inside.unwrap_or(at))
        });
    }
}

/// The content of a `"…"` (or `r#"…"#`) string at the start of `s`, if it has no escapes.
fn quoted_prefix(s: &str) -> Option<&str> {
    let s = s.strip_prefix('"')?;
    let end = s.find('"')?;
    let id = &s[..end];
    (!id.contains('\\')).then_some(id)
}

/// Line starts of a text, for many byte → line/column lookups.
struct LineIndex<'s> {
    source: &'s str,
    starts: Vec<usize>,
}

impl<'s> LineIndex<'s> {
    fn new(source: &'s str) -> Self {
        let starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { source, starts }
    }

    fn line_col(&mut self, byte: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= byte).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let col = self
            .source
            .get(start..byte)
            .map_or(1, |s| s.chars().count() + 1);
        (line, col)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        assert_eq!(line_col("ab\nc€d", 0), (1, 1));
        assert_eq!(line_col("ab\nc€d", 3), (2, 1));
        assert_eq!(line_col("ab\nc€d", 7), (2, 3));
        assert_eq!(line_col("ab", 99), (1, 3));
    }

    #[test]
    fn problems_are_located_by_id_and_occurrence() {
        let source = "(\n  a: (id: \"x\"),\n  b: (id: \"y\"),\n  c: (id: \"x\"),\n)";
        let mut problems = vec![
            Problem::new(ProblemKind::DuplicateId, Anchor::Id("x".into(), 1), "dup"),
            Problem::new(ProblemKind::BadValue, Anchor::Id("y".into(), 0), "bad"),
            Problem::new(ProblemKind::BadValue, Anchor::File, "file"),
        ];
        locate(source, &mut problems);
        assert_eq!(problems[0].position, Some((4, 7)));
        assert_eq!(problems[1].position, Some((3, 7)));
        assert_eq!(problems[2].position, None);
    }
}
