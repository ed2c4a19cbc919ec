//! A quick reader for annotation and relation records written exactly as this program writes
//! them, for the lists [`super::split`] hands to other threads.
//!
//! Almost all of a large project file is these records, and a general RON parser spends most
//! of the load time on them. This reader accepts only the canonical shape: the fields in the
//! order the writer puts them (optional ones may be missing, as serde's defaults allow), a
//! comma between fields, plain strings without escapes (`"…"`) or raw strings (`r#"…"#`),
//! decimal numbers, the ids of review statuses, and spaces, tabs and line ends between
//! tokens. Anything else (a comment, an escape, a field out of order or unknown, a number in
//! hex) makes it give up with `None`, and the caller parses the slice with RON, which reads it
//! or reports the exact error. So the result, when there is one, is what RON would give.

use std::ops::Range;

use jiff::Timestamp;

use super::file::AnnotationRecord;
use crate::model::{Relation, ReviewStatus, Value, Values};

/// A record type the quick reader knows.
pub(super) trait Record: Sized {
    /// Reads one record at the cursor; `None` when it is not in the canonical shape.
    fn read(c: &mut Cursor<'_>) -> Option<Self>;
}

/// Reads every item (byte ranges of `source`, each one record with blanks around it), into a
/// list with room for at least `room` records.
pub(super) fn read_items<T: Record>(
    source: &str,
    items: &[Range<usize>],
    room: usize,
) -> Option<Vec<T>> {
    let mut out = Vec::with_capacity(items.len().max(room));
    for item in items {
        let mut c = Cursor {
            s: source.get(item.clone())?,
            at: 0,
            comma: false,
        };
        out.push(T::read(&mut c)?);
        c.blanks();
        if c.at != c.s.len() {
            return None;
        }
    }
    Some(out)
}

/// A position in one item's text.
pub(super) struct Cursor<'s> {
    s: &'s str,
    at: usize,
    /// Whether a comma followed the last field's value.
    comma: bool,
}

impl<'s> Cursor<'s> {
    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.at).copied()
    }

    fn blanks(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn byte(&mut self, b: u8) -> Option<()> {
        self.blanks();
        (self.peek() == Some(b)).then(|| self.at += 1)
    }

    /// The `(` that opens a record.
    fn open(&mut self) -> Option<()> {
        self.byte(b'(')?;
        self.comma = true; // the first field needs no comma before it
        Some(())
    }

    /// The `)` that closes a record.
    fn close(&mut self) -> Option<()> {
        self.byte(b')')
    }

    /// Whether the next field is `name`; if so, moves past its `:`. A field needs a comma
    /// after the previous one.
    fn field(&mut self, name: &str) -> bool {
        self.blanks();
        let rest = self.s.get(self.at..).unwrap_or("");
        let after = rest
            .strip_prefix(name)
            .filter(|r| !r.starts_with(|c: char| c.is_alphanumeric() || c == '_'));
        let Some(after) = after else {
            return false;
        };
        let colon = after.trim_start_matches([' ', '\t', '\n', '\r']);
        if !self.comma || !colon.starts_with(':') {
            return false;
        }
        self.at = self.s.len() - colon.len() + 1;
        true
    }

    /// After a value: an optional comma.
    fn end_value(&mut self) {
        self.blanks();
        self.comma = self.peek() == Some(b',');
        if self.comma {
            self.at += 1;
        }
    }

    /// A plain string without escapes, or a raw string.
    fn string(&mut self) -> Option<&'s str> {
        self.blanks();
        let rest = self.s.get(self.at..)?;
        let (body, used) = if let Some(r) = rest.strip_prefix('"') {
            let end = memchr::memchr2(b'"', b'\\', r.as_bytes())?;
            if r.as_bytes().get(end) != Some(&b'"') {
                return None; // an escape: left to RON
            }
            (r.get(..end)?, 1 + end + 1)
        } else if let Some(r) = rest.strip_prefix('r') {
            let hashes = r.len() - r.trim_start_matches('#').len();
            let open = r.get(hashes..)?.strip_prefix('"')?;
            let close: String = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let end = open.find(&close)?;
            (open.get(..end)?, 1 + hashes + 1 + end + close.len())
        } else {
            return None;
        };
        self.at += used;
        Some(body)
    }

    /// A decimal number: digits only, no sign, no `_`, no leading zero.
    fn number(&mut self) -> Option<usize> {
        self.blanks();
        let rest = self.s.get(self.at..)?;
        let len = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let digits = rest.get(..len)?;
        if digits.is_empty() || (digits.len() > 1 && digits.starts_with('0')) {
            return None;
        }
        let n = digits.parse().ok()?;
        self.at += len;
        Some(n)
    }

    /// An identifier (a variant's name).
    fn ident(&mut self) -> Option<&'s str> {
        self.blanks();
        let rest = self.s.get(self.at..)?;
        let len = rest.len()
            - rest
                .trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_')
                .len();
        let word = rest.get(..len).filter(|w| !w.is_empty())?;
        self.at += len;
        Some(word)
    }

    /// A decimal integer, perhaps negative (a scale's point).
    fn integer(&mut self) -> Option<i32> {
        self.blanks();
        let negative = self.peek() == Some(b'-');
        if negative {
            self.at += 1;
            // The sign and the digits together, as the writer puts them.
            if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
                return None;
            }
        }
        let n = i32::try_from(self.number()?).ok()?;
        Some(if negative { -n } else { n })
    }

    /// `[ "a", "b", ]`: plain strings, a trailing comma allowed.
    fn strings(&mut self) -> Option<Vec<String>> {
        self.list(b'[', b']', |c| c.string().map(str::to_owned))
    }

    /// Items read by `item` between `open` and `close`, separated by commas, a trailing
    /// comma allowed.
    fn list<T>(
        &mut self,
        open: u8,
        close: u8,
        mut item: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<Vec<T>> {
        self.byte(open)?;
        let mut out = Vec::new();
        loop {
            self.blanks();
            if self.peek() == Some(close) {
                self.at += 1;
                return Some(out);
            }
            out.push(item(self)?);
            self.blanks();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b) if b == close => {}
                _ => return None,
            }
        }
    }

    /// One value: `Flag`, `Choice([…])`, `Scale(n)`, `Text("…")` or `Code("…")`.
    fn value(&mut self) -> Option<Value> {
        let value = match self.ident()? {
            "Flag" => return Some(Value::Flag),
            "Choice" => {
                self.byte(b'(')?;
                Value::Choice(self.strings()?)
            }
            "Scale" => {
                self.byte(b'(')?;
                Value::Scale(self.integer()?)
            }
            "Text" => {
                self.byte(b'(')?;
                Value::Text(self.string()?.to_owned())
            }
            "Code" => {
                self.byte(b'(')?;
                Value::Code(self.string()?.into())
            }
            _ => return None,
        };
        self.blanks();
        if self.peek() == Some(b',') {
            self.at += 1; // a trailing comma inside the variant
        }
        self.byte(b')')?;
        Some(value)
    }

    /// `{ "attribute": value, … }`, a trailing comma allowed; keys in order, each once (as
    /// the writer's sorted map has them: anything else is left to RON).
    fn values(&mut self) -> Option<Values> {
        let entries = self.list(b'{', b'}', |c| {
            let key = c.string()?;
            c.byte(b':')?;
            Some((key, c.value()?))
        })?;
        // Sorted and each once, as the writer's map has them.
        if entries.windows(2).any(|w| w[0].0 >= w[1].0) {
            return None;
        }
        Some(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// The `values` field, which may be missing (no values).
    fn optional_values(&mut self) -> Option<Values> {
        if !self.field("values") {
            return Some(Values::new());
        }
        let v = self.values()?;
        self.end_value();
        Some(v)
    }

    /// A string field that must be there.
    fn string_field(&mut self, name: &str) -> Option<&'s str> {
        if !self.field(name) {
            return None;
        }
        let s = self.string()?;
        self.end_value();
        Some(s)
    }

    /// A string field that may be missing.
    fn optional_string(&mut self, name: &str) -> Option<Option<&'s str>> {
        if !self.field(name) {
            return Some(None);
        }
        let s = self.string()?;
        self.end_value();
        Some(Some(s))
    }

    fn timestamp(s: &str) -> Option<Timestamp> {
        s.parse().ok()
    }

    /// `[(start, end), …]`, a trailing comma allowed.
    fn pairs(&mut self) -> Option<Vec<(usize, usize)>> {
        self.list(b'[', b']', |c| {
            c.byte(b'(')?;
            let start = c.number()?;
            c.byte(b',')?;
            let end = c.number()?;
            c.blanks();
            if c.peek() == Some(b',') {
                c.at += 1; // a trailing comma inside the tuple
            }
            c.byte(b')')?;
            Some((start, end))
        })
    }

    /// An identifier naming a review status.
    fn status(&mut self) -> Option<ReviewStatus> {
        self.blanks();
        let rest = self.s.get(self.at..)?;
        let len = rest.len()
            - rest
                .trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_')
                .len();
        let status = match rest.get(..len)? {
            "pending" => ReviewStatus::Pending,
            "accepted" => ReviewStatus::Accepted,
            "rejected" => ReviewStatus::Rejected,
            _ => return None,
        };
        self.at += len;
        Some(status)
    }
}

impl Record for AnnotationRecord {
    fn read(c: &mut Cursor<'_>) -> Option<Self> {
        c.open()?;
        let id = c.string_field("id")?;
        let doc = c.string_field("doc")?;
        let tag = c.string_field("tag")?;
        let fragments = if c.field("fragments") {
            let pairs = c.pairs()?;
            c.end_value();
            pairs
        } else {
            Vec::new()
        };
        let quote = c.string_field("quote")?;
        let annotator = c.string_field("annotator")?;
        let entity = c.optional_string("entity")?;
        let note = c.optional_string("note")?;
        let status = if c.field("status") {
            let s = c.status()?;
            c.end_value();
            s
        } else {
            ReviewStatus::Pending
        };
        let created = Cursor::timestamp(c.string_field("created")?)?;
        let modified = match c.optional_string("modified")? {
            Some(m) => Some(Cursor::timestamp(m)?),
            None => None,
        };
        let changed_by = c.optional_string("changed_by")?;
        let values = c.optional_values()?;
        c.close()?;
        Some(AnnotationRecord {
            id: id.into(),
            doc: doc.into(),
            tag: tag.into(),
            fragments,
            start: None,
            end: None,
            quote: quote.to_owned(),
            annotator: annotator.to_owned(),
            entity: entity.map(Into::into),
            note: note.unwrap_or_default().to_owned(),
            status,
            created,
            modified,
            changed_by: changed_by.map(str::to_owned),
            values,
        })
    }
}

impl Record for Relation {
    fn read(c: &mut Cursor<'_>) -> Option<Self> {
        c.open()?;
        let id = c.string_field("id")?;
        let kind = c.string_field("kind")?;
        let from = c.string_field("from")?;
        let to = c.string_field("to")?;
        let annotator = c.string_field("annotator")?;
        let changed_by = c.optional_string("changed_by")?;
        let note = c.optional_string("note")?;
        let values = c.optional_values()?;
        c.close()?;
        Some(Relation {
            note: note.unwrap_or_default().to_owned(),
            values,
            id: id.into(),
            kind: kind.into(),
            from: from.into(),
            to: to.into(),
            annotator: annotator.to_owned(),
            changed_by: changed_by.map(str::to_owned),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AnnotationId, Fragment, Project, ReviewStatus, ops, parse_marked};
    use proptest::prelude::*;
    use serde::de::DeserializeOwned;

    /// What the quick reader reads from one item.
    fn quick<T: Record>(item: &str) -> Option<T> {
        read_items::<T>(item, std::slice::from_ref(&(0..item.len())), 1)
            .and_then(|v| v.into_iter().next())
    }

    /// What RON reads from one item.
    fn ron<T: DeserializeOwned>(item: &str) -> Option<T> {
        super::super::ron_options().from_str::<T>(item).ok()
    }

    /// Each record of `list` read both ways: quick (if it accepts) and RON.
    fn both<T: DeserializeOwned + Record + PartialEq + std::fmt::Debug>(items: &[&str]) {
        for item in items {
            let read = quick::<T>(item);
            let slow = ron::<T>(item);
            if let Some(q) = &read {
                assert_eq!(Some(q), slow.as_ref(), "the quick reader differs on {item}");
            }
        }
    }

    /// A project whose annotations carry `quote`-like text in their notes and quotes.
    fn project(text: &str, note: &str) -> Project {
        let (plain, marks) = parse_marked(text).expect("balanced");
        let mut p = Project::new("t");
        p.documents
            .push(crate::model::Document::new("d", "Doc", plain));
        let mut ids: Vec<AnnotationId> = Vec::new();
        for (tag, range) in marks {
            let edit = ops::add_annotation(
                &p,
                &"d".into(),
                &tag,
                vec![Fragment::new(range)],
                "ann",
                jiff::Timestamp::UNIX_EPOCH,
            )
            .expect("valid");
            ids.push(ops::added_annotation(&edit).expect("added").clone());
            edit.apply(&mut p).expect("applies");
        }
        for id in &ids {
            ops::set_note(
                &p,
                id,
                note,
                jiff::Timestamp::from_second(60).expect("time"),
            )
            .expect("note")
            .apply(&mut p)
            .expect("applies");
        }
        if let (Some(a), Some(b)) = (ids.first(), ids.get(1)) {
            if let Some(x) = p.annotations.get_mut(a) {
                x.status = ReviewStatus::Accepted;
                x.changed_by = Some("rev".into());
                x.fragments.push(Fragment::new(
                    crate::model::ByteOffset(x.end().0 + 1)
                        ..crate::model::ByteOffset(x.end().0 + 2),
                ));
            }
            ops::add_relation(&p, &"said_by".into(), b, a, "ann")
                .expect("relation")
                .apply(&mut p)
                .expect("applies");
        }
        p
    }

    /// The items of the annotation and relation lists of a saved project.
    fn items(saved: &str, list: &str) -> Vec<String> {
        let start = saved.find(&format!("\n    {list}: [")).expect("list");
        let body = &saved[start..];
        let end = body.find("\n    ],").expect("end of list");
        body[..end]
            .split("\n        ),")
            .filter_map(|item| {
                let open = item.find("\n        (")?;
                Some(format!("{})", &item[open..]))
            })
            .collect()
    }

    #[test]
    fn canonical_records_read_as_ron_reads_them() {
        let p = project(
            "[actor|Zoe\u{301}] said [claim|東京 talks] 👩‍👩‍👧 [condition|\"if\" r#\"raw\"#]",
            "a \"quoted\" note with \\ and \"# and a\nnew line 🇺🇦",
        );
        let saved = super::super::to_string(&p).expect("saved");
        let annotations = items(&saved, "annotations");
        assert_eq!(annotations.len(), 3);
        for item in &annotations {
            let read = quick::<AnnotationRecord>(item);
            assert!(read.is_some(), "not read quickly: {item}");
            assert_eq!(read, ron(item));
        }
        let relations = items(&saved, "relations");
        assert_eq!(relations.len(), 1);
        both::<Relation>(&relations.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(quick::<Relation>(&relations[0]).is_some());
    }

    #[test]
    fn anything_else_is_left_to_ron() {
        let good = r#"(id: "a", doc: "d", tag: "actor", fragments: [(1, 2)], quote: "x", annotator: "ann", created: "1970-01-01T00:00:00Z")"#;
        assert!(quick::<AnnotationRecord>(good).is_some());
        let variants = [
            good.replace("quote: \"x\"", "quote: \"x\\\"y\""),
            good.replace(", doc:", " doc:"),
            good.replace("(id", "(/* c */ id"),
            good.replace("doc: \"d\", tag: \"actor\"", "tag: \"actor\", doc: \"d\""),
            good.replace("(1, 2)", "(0x1, 2)"),
            good.replace("(1, 2)", "(1_0, 2)"),
            good.replace("(1, 2)", "(01, 2)"),
            good.replace("annotator", "start: 1, annotator"),
            good.replace(")", ", colour: \"red\")"),
            good.replace("created", "status: maybe, created"),
            good.replace("\"1970-01-01T00:00:00Z\"", "\"yesterday\""),
            good.replace("quote: \"x\"", "quote: Some(\"x\")"),
            good.replace("id: \"a\"", "id:\u{85}\"a\""),
            good.replace("\"x\"", "r##\"x\"#\"##"),
            format!("{good} trailing"),
        ];
        let refs: Vec<&str> = variants.iter().map(String::as_str).collect();
        both::<AnnotationRecord>(&refs);
        // The escapes, the missing comma and the comment are never read quickly.
        for v in &variants[..3] {
            assert!(quick::<AnnotationRecord>(v).is_none(), "{v}");
        }
    }

    #[test]
    fn values_of_every_kind_read_quickly_as_ron_reads_them() {
        use crate::model::{Value, Values};
        let mut p = project("[actor|Zoe\u{301}] said [claim|東京 talks]", "n");
        let values: Values = [
            ("concept", Value::Code("c-1".into())),
            (
                "frames",
                Value::Choice(vec!["économie".into(), "安全".into()]),
            ),
            ("hedged", Value::Flag),
            ("intensity", Value::Scale(-2)),
            ("paraphrase", Value::Text("« talks » 👩‍👩‍👧".into())),
            ("stance", Value::Choice(vec!["supports".into()])),
        ]
        .into_iter()
        .map(|(k, v)| (k.into(), v))
        .collect();
        use crate::model::SharedMapExt as _;
        p.annotations.change_each(|_, a| {
            a.values = values.clone();
        });
        p.relations.change_each(|_, r| {
            r.values = [("certainty".into(), Value::Scale(3))]
                .into_iter()
                .collect();
            r.note = "on TV 📺".into();
        });
        let saved = super::super::to_string(&p).expect("saved");
        for item in items(&saved, "annotations") {
            let read = quick::<AnnotationRecord>(&item);
            assert!(read.is_some(), "not read quickly: {item}");
            assert_eq!(read, ron(&item));
            assert_eq!(read.map(|r| r.values), Some(values.clone()));
        }
        let relations = items(&saved, "relations");
        let read = quick::<Relation>(&relations[0]);
        assert!(read.is_some(), "not read quickly: {}", relations[0]);
        assert_eq!(read, ron(&relations[0]));
        // What the writer never writes is left to RON (which reads it or says where it fails).
        let good = r#"(id: "a", doc: "d", tag: "claim", quote: "x", annotator: "ann", created: "1970-01-01T00:00:00Z", values: {"a": Flag, "b": Scale(-1), "c": Choice(["x", "y",]), "d": Code("k")})"#;
        assert!(quick::<AnnotationRecord>(good).is_some());
        let variants = [
            good.replace(r#""a": Flag, "b""#, r#""b": Flag, "a""#),
            good.replace("Scale(-1)", "Scale(0x1)"),
            good.replace("Scale(-1)", "Scale(- 1)"),
            good.replace("Flag", "Maybe"),
            good.replace(r#"Code("k")"#, r#"Code("k"")"#),
            good.replace(r#""a": Flag"#, r#""a": Flag, "a": Flag"#),
        ];
        for v in &variants {
            assert!(quick::<AnnotationRecord>(v).is_none(), "{v}");
        }
        let refs: Vec<&str> = variants.iter().map(String::as_str).collect();
        both::<AnnotationRecord>(&refs);
    }

    proptest! {
        #[test]
        fn any_note_reads_back_the_same(note in "\\PC*", quote in "[a-z\"#\\\\ 🇫🇷é東]{1,12}") {
            let p = project(&format!("[actor|{quote}] [claim|x]"), &note);
            let saved = super::super::to_string(&p).expect("saved");
            for item in items(&saved, "annotations") {
                let read = quick::<AnnotationRecord>(&item);
                prop_assert!(read.is_some(), "not read quickly: {}", item);
                prop_assert_eq!(read, ron(&item));
            }
        }
    }
}
