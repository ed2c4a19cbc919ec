//! Where each value of a JSON text starts, so that a reader can name the line of a problem.
//!
//! `serde_json::Value` forgets positions. [`outline`] walks the same text once more and keeps
//! only the skeleton: for every value its byte offset, and for arrays and objects their
//! children in order. Readers parse with `serde_json` first and call this only on text that
//! parsed, then walk the outline beside the `Value` (array indices and object keys match).

use std::path::Path;

use serde_json::Value;

use super::{ImportProblem, Place};

/// One JSON value: where it starts and, for containers, its children.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Node {
    /// Byte offset of its first character (`{`, `[`, `"`, a digit …).
    pub start: usize,
    kids: Kids,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Kids {
    Leaf,
    Array(Vec<Node>),
    /// Keys as written between the quotes (escapes not decoded), in file order.
    Object(Vec<(String, Node)>),
}

impl Node {
    /// The `i`-th element, if this is an array that long.
    pub fn index(&self, i: usize) -> Option<&Node> {
        match &self.kids {
            Kids::Array(items) => items.get(i),
            _ => None,
        }
    }

    /// The value of `key`, if this is an object that has it (the last one, as `serde_json`
    /// keeps the last of repeated keys).
    pub fn key(&self, key: &str) -> Option<&Node> {
        match &self.kids {
            Kids::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|m| &m.1),
            _ => None,
        }
    }
}

/// The outline of `text`, a JSON text; `None` if it is not well-formed JSON.
pub(crate) fn outline(text: &str) -> Option<Node> {
    let mut p = Parser {
        bytes: text.as_bytes(),
        at: 0,
    };
    let node = p.value(0)?;
    p.space();
    (p.at == p.bytes.len()).then_some(node)
}

/// [`parse`] and [`outline`] of `text` at once, on two threads (they are independent passes
/// over the same text): the value, and the outline when the text is JSON.
pub(crate) fn parse_with_outline(
    path: &Path,
    text: &str,
    expected: &str,
    problems: &mut Vec<ImportProblem>,
) -> Option<(Value, Option<Node>)> {
    let (value, tree) = std::thread::scope(|scope| {
        let tree = scope.spawn(|| outline(text));
        let value = parse(path, text, expected, problems);
        // The outline only panics if it has a bug; then read without line numbers.
        (value, tree.join().ok().flatten())
    });
    value.map(|v| (v, tree))
}

/// `text` parsed as JSON, or a problem naming the line and column where it stops being JSON
/// and what was `expected` there.
pub(crate) fn parse(
    path: &Path,
    text: &str,
    expected: &str,
    problems: &mut Vec<ImportProblem>,
) -> Option<Value> {
    match serde_json::from_str(text) {
        Ok(v) => Some(v),
        Err(e) => {
            // serde_json's message without its own " at line … column …".
            let message = e.to_string();
            let reason = message
                .find(" at line ")
                .and_then(|i| message.get(..i))
                .unwrap_or(&message);
            problems.push(ImportProblem::new(
                Place::line(path, e.line().max(1)),
                format!(
                    "column {}: not valid JSON ({reason}); expected {expected}",
                    e.column()
                ),
            ));
            None
        }
    }
}

/// Line starts of a text, for turning byte offsets into 1-based line numbers.
#[derive(Clone, Debug)]
pub(crate) struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    /// The line starts of `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { starts }
    }

    /// The 1-based line of byte offset `byte`.
    pub fn line(&self, byte: usize) -> usize {
        self.starts.partition_point(|&s| s <= byte).max(1)
    }

    /// The line of `node`, or `fallback` when there is no node.
    pub fn of(&self, node: Option<&Node>, fallback: usize) -> usize {
        node.map_or(fallback, |n| self.line(n.start))
    }
}

/// serde_json nests at most 128 levels; the outline follows only text serde_json accepted.
const MAX_DEPTH: usize = 256;

struct Parser<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn space(&mut self) {
        while self
            .peek()
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.at += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.space();
        let start = self.at;
        let kids = match self.peek()? {
            b'{' => {
                self.at += 1;
                let mut members = Vec::new();
                loop {
                    self.space();
                    match self.peek()? {
                        b'}' => {
                            self.at += 1;
                            break;
                        }
                        b',' => self.at += 1,
                        b'"' => {
                            let raw = self.string()?;
                            let key = String::from_utf8_lossy(self.bytes.get(raw)?).into_owned();
                            self.space();
                            if self.peek()? != b':' {
                                return None;
                            }
                            self.at += 1;
                            let value = self.value(depth + 1)?;
                            members.push((key, value));
                        }
                        _ => return None,
                    }
                }
                Kids::Object(members)
            }
            b'[' => {
                self.at += 1;
                let mut items = Vec::new();
                loop {
                    self.space();
                    match self.peek()? {
                        b']' => {
                            self.at += 1;
                            break;
                        }
                        b',' => self.at += 1,
                        _ => items.push(self.value(depth + 1)?),
                    }
                }
                Kids::Array(items)
            }
            b'"' => {
                self.string()?;
                Kids::Leaf
            }
            _ => {
                // A number, `true`, `false` or `null`: up to the next delimiter.
                while self.peek().is_some_and(|b| {
                    !matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r')
                }) {
                    self.at += 1;
                }
                if self.at == start {
                    return None;
                }
                Kids::Leaf
            }
        };
        Some(Node { start, kids })
    }

    /// Skips a string starting at the current `"`; where its raw contents are (only keys are
    /// copied: values can be whole article texts).
    fn string(&mut self) -> Option<std::ops::Range<usize>> {
        self.at += 1;
        let from = self.at;
        loop {
            match self.peek()? {
                b'"' => break,
                b'\\' => self.at += 2,
                _ => self.at += 1,
            }
        }
        let raw = from..self.at;
        self.at += 1;
        Some(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_found_by_index_and_key() {
        let text = "[\n  {\"a\": 1,\n   \"b\": [true, \"x\\\"]\"]},\n  {\"a\": null}\n]\n";
        let root = outline(text).expect("valid");
        let lines = Lines::new(text);
        let second = root.index(1).expect("two items");
        assert_eq!(lines.line(second.start), 4);
        let b = root.index(0).and_then(|o| o.key("b")).expect("b");
        assert_eq!(lines.line(b.start), 3);
        assert_eq!(b.index(1).map(|n| &text[n.start..n.start + 1]), Some("\""));
        assert!(root.index(2).is_none());
        assert!(root.key("a").is_none());
        assert_eq!(lines.of(None, 7), 7);
    }

    #[test]
    fn broken_text_has_no_outline() {
        assert!(outline("[1, 2").is_none());
        assert!(outline("{\"a\" 1}").is_none());
        assert!(outline("\"open").is_none());
        assert!(outline("[1] x").is_none());
        assert!(outline("").is_none());
    }
}
