//! The lines of a brat `.ann` file, parsed as brat's `annotation.py` parses them, each line on
//! its own: a line that does not parse is a problem naming the file and line, and the others
//! are still read.
//!
//! A line is an id, a tab, the data and, for the kinds that have one, a tab and a free text
//! (which may itself hold tabs). The id's first character says the kind: `T` text-bound, `R`
//! relation, `E` event, `A` attribute (`M` its older form), `N` normalization, `#` note, and
//! `*` (no number) an equivalence.

use std::collections::HashSet;
use std::path::Path;

use crate::formats::{ImportProblem, Place};

/// One parsed line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Line {
    /// The id (`T1`, `#3` …; `*` for equivalences).
    pub id: String,
    /// 1-based line number.
    pub line: usize,
    /// What the line says.
    pub body: Body,
}

/// What a line says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Body {
    /// `T1\tPerson 0 5;7 9\ttext`.
    Text {
        /// The type.
        label: String,
        /// `(start, end)` in code points, in file order.
        spans: Vec<(usize, usize)>,
        /// The text field, if the line has one that is not empty.
        text: Option<String>,
    },
    /// `R1\tType Arg1:T1 Arg2:T2`: two `(role, id)` arguments.
    Relation {
        /// The type.
        kind: String,
        /// The first argument's id (the relation's source).
        from: String,
        /// The second argument's id.
        to: String,
    },
    /// `E1\tType:T3 Role:T1 Role2:E2`.
    Event {
        /// The type.
        kind: String,
        /// The trigger's id.
        trigger: String,
        /// `(role, id)` arguments.
        args: Vec<(String, String)>,
    },
    /// `A1\tName T1 Value`, `A1\tName T1` or `M1\tName T1`.
    Attribute {
        /// The attribute's name.
        name: String,
        /// The id it is attached to.
        target: String,
        /// Its value; `None` for a binary attribute.
        value: Option<String>,
    },
    /// `N1\tType T1 Db:Id\ttext`.
    Normalization {
        /// The type (`Reference`).
        kind: String,
        /// The id it is attached to.
        target: String,
        /// The resource.
        db: String,
        /// The id in the resource.
        key: String,
        /// The text field (the entry's name).
        text: String,
    },
    /// `#1\tAnnotatorNotes T1\ttext`.
    Note {
        /// The note type (`AnnotatorNotes`).
        kind: String,
        /// The id it is attached to.
        target: String,
        /// The text.
        text: String,
    },
    /// `*\tType T1 T2 T3`.
    Equiv {
        /// The type.
        kind: String,
        /// The members, in order.
        members: Vec<String>,
    },
}

/// Parses `text`, the contents of `.ann` file `file`. Blank lines are skipped.
pub(super) fn parse(text: &str, file: &Path, problems: &mut Vec<ImportProblem>) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut ids = HashSet::new();
    for (n, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if raw.trim().is_empty() {
            continue;
        }
        let line = n + 1;
        match parse_line(raw) {
            Ok(parsed) => {
                if parsed.id != "*" && !ids.insert(parsed.id.clone()) {
                    problems.push(ImportProblem::new(
                        Place::line(file, line),
                        format!(
                            "{}: the id is used twice in the file; expected a new id",
                            parsed.id
                        ),
                    ));
                    continue;
                }
                lines.push(Line {
                    id: parsed.id,
                    line,
                    body: parsed.body,
                });
            }
            Err(message) => problems.push(ImportProblem::new(Place::line(file, line), message)),
        }
    }
    lines
}

struct Parsed {
    id: String,
    body: Body,
}

fn parse_line(raw: &str) -> Result<Parsed, String> {
    let Some((id, rest)) = raw.split_once('\t') else {
        return Err(format!(
            "expected a brat annotation line: an id, a tab and the annotation (like \"T1\\tPerson 0 5\\tAlice\"), found {raw:?}"
        ));
    };
    let (data, tail) = match rest.split_once('\t') {
        Some((data, tail)) => (data, Some(tail)),
        None => (rest, None),
    };
    let kind = id_kind(id).ok_or_else(|| {
        format!("{id:?} is not a brat id: expected T, R, E, A, M, N or # and a number, or *")
    })?;
    let words: Vec<&str> = data.split_whitespace().collect();
    let body = match kind {
        'T' => text_bound(id, data, tail)?,
        'R' => {
            let (kind, args) = words
                .split_first()
                .ok_or_else(|| format!("{id}: expected \"TYPE Arg1:ID Arg2:ID\""))?;
            let args = arguments(id, args)?;
            match args.as_slice() {
                [(_, from), (_, to)] => Body::Relation {
                    kind: (*kind).to_owned(),
                    from: from.clone(),
                    to: to.clone(),
                },
                _ => {
                    return Err(format!(
                        "{id}: a relation has two arguments (\"TYPE Arg1:ID Arg2:ID\"), found {data:?}"
                    ));
                }
            }
        }
        'E' => {
            let (head, args) = words
                .split_first()
                .ok_or_else(|| format!("{id}: expected \"TYPE:TRIGGER ROLE:ID …\""))?;
            let (kind, trigger) = head
                .split_once(':')
                .filter(|(k, t)| !k.is_empty() && !t.is_empty())
                .ok_or_else(|| {
                    format!("{id}: expected the event's TYPE:TRIGGER first, found {head:?}")
                })?;
            Body::Event {
                kind: kind.to_owned(),
                trigger: trigger.to_owned(),
                args: arguments(id, args)?,
            }
        }
        'A' | 'M' => {
            // brat: `NAME TARGET VALUE`, the value being the rest of the line.
            let mut parts = data.splitn(3, ' ');
            match (parts.next(), parts.next(), parts.next()) {
                (Some(name), Some(target), value) if !name.is_empty() && !target.is_empty() => {
                    Body::Attribute {
                        name: name.to_owned(),
                        target: target.trim().to_owned(),
                        value: value
                            .map(str::trim)
                            .filter(|v| !v.is_empty())
                            .map(str::to_owned),
                    }
                }
                _ => {
                    return Err(format!(
                        "{id}: expected \"NAME TARGET\" or \"NAME TARGET VALUE\", found {data:?}"
                    ));
                }
            }
        }
        'N' => match words.as_slice() {
            [kind, target, reference] => {
                let (db, key) = reference
                    .split_once(':')
                    .filter(|(d, k)| !d.is_empty() && !k.is_empty())
                    .ok_or_else(|| {
                        format!("{id}: expected the reference as DB:ID, found {reference:?}")
                    })?;
                Body::Normalization {
                    kind: (*kind).to_owned(),
                    target: (*target).to_owned(),
                    db: db.to_owned(),
                    key: key.to_owned(),
                    text: tail.unwrap_or_default().to_owned(),
                }
            }
            _ => {
                return Err(format!(
                    "{id}: expected \"TYPE TARGET DB:ID\" then a tab and the name, found {data:?}"
                ));
            }
        },
        '#' => match words.as_slice() {
            [kind, target] => Body::Note {
                kind: (*kind).to_owned(),
                target: (*target).to_owned(),
                text: tail.unwrap_or_default().to_owned(),
            },
            _ => {
                return Err(format!(
                    "{id}: expected \"AnnotatorNotes TARGET\" then a tab and the note, found {data:?}"
                ));
            }
        },
        _ => match words.split_first() {
            Some((kind, members)) if members.len() >= 2 => Body::Equiv {
                kind: (*kind).to_owned(),
                members: members.iter().map(|m| (*m).to_owned()).collect(),
            },
            _ => {
                return Err(format!(
                    "*: expected \"TYPE ID ID …\" with at least two members, found {data:?}"
                ));
            }
        },
    };
    Ok(Parsed {
        id: id.to_owned(),
        body,
    })
}

/// The kind of annotation an id names (its first character), if it is a brat id: letters (or
/// `#` and letters) then a number, or `*`.
fn id_kind(id: &str) -> Option<char> {
    if id == "*" {
        return Some('*');
    }
    let first = id.chars().next()?;
    let rest = id.strip_prefix('#').unwrap_or(id);
    let letters = rest.chars().take_while(char::is_ascii_alphabetic).count();
    let digits = rest
        .chars()
        .skip(letters)
        .take_while(char::is_ascii_digit)
        .count();
    let prefix_ok = letters > 0 || first == '#';
    (prefix_ok && digits > 0 && "TRAEMN#".contains(first)).then_some(first)
}

/// `ROLE:ID` arguments.
fn arguments(id: &str, words: &[&str]) -> Result<Vec<(String, String)>, String> {
    words
        .iter()
        .map(|w| {
            w.split_once(':')
                .filter(|(role, target)| !role.is_empty() && !target.is_empty())
                .map(|(role, target)| (role.to_owned(), target.to_owned()))
                .ok_or_else(|| format!("{id}: expected an argument ROLE:ID, found {w:?}"))
        })
        .collect()
}

/// `TYPE START END[;START END…]` and the text field of a `T` line.
fn text_bound(id: &str, data: &str, tail: Option<&str>) -> Result<Body, String> {
    let expected = || {
        format!(
            "{id}: expected \"TYPE START END\" (several START END pairs separated by \";\") then a tab and the text, found {data:?}"
        )
    };
    let (label, rest) = data.split_once(' ').ok_or_else(expected)?;
    if label.is_empty() {
        return Err(expected());
    }
    let mut spans = Vec::new();
    for pair in rest.split(';') {
        let numbers: Vec<&str> = pair.split_whitespace().collect();
        let [start, end] = numbers.as_slice() else {
            return Err(expected());
        };
        let (Ok(start), Ok(end)) = (start.parse::<usize>(), end.parse::<usize>()) else {
            return Err(expected());
        };
        spans.push((start, end));
    }
    Ok(Body::Text {
        label: label.to_owned(),
        spans,
        text: tail.filter(|t| !t.is_empty()).map(str::to_owned),
    })
}
