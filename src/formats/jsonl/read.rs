//! Reading `jsonl`: our own lines, and plain spaCy/Prodigy lines
//! (`{"text": …, "spans": [{"start", "end", "label"}], "relations": [{"head_span", "child_span",
//! "label"}]}`).
//!
//! Prodigy's answers are honoured: a task answered `reject` or `ignore` is skipped, and so is
//! a span answered `reject` (or `ignore`) inside an accepted task; both are counted in the
//! import report ([`Tally`]). Any other answer is a problem. A task's `_annotator_id` (else
//! its `_session_id`) is the layer of spans that do not name their annotator. Every member of
//! `meta` that is not one of [`super::META_KEYS`] becomes an article variable (a string, a
//! number or `true`/`false` as it is written; a list or an object as JSON text, counted); a
//! member of a task, span or relation that has no place in the project (Prodigy's hashes,
//! `_view_id`, a span's `source`, the tokens …) is counted by name.
//!
//! Spans that share an `id` are joined back into one discontinuous annotation. A relation
//! names its ends by `from`/`to` annotation ids when it has them; otherwise by `head_span` /
//! `child_span` (matched to a span by start, end and label), or failing that by the `head` /
//! `child` token, which Prodigy sets to the span's last token.

use std::collections::HashMap;
use std::path::PathBuf;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::formats::incoming::InValue;
use crate::formats::{
    ImportProblem, InAnnotation, InDoc, InEntity, InRelation, Incoming, OffsetUnit, Place,
    input_files,
};
use crate::model::{DocumentMeta, EntityKind, ExternalRef, ReviewStatus, sha256_hex};

use super::json_lines;
use super::tally::{Tally, carries};

/// Reads every `.jsonl` file of `inputs`; every line is one document.
pub(crate) fn read(inputs: &[PathBuf]) -> Incoming {
    let mut tally = Tally::default();
    let mut incoming = read_documents(inputs, &mut |place, obj, problems| {
        document(place, obj, problems, &mut tally)
    });
    incoming.notes.extend(tally.notes("task"));
    incoming
}

/// A format's reading of one line's object into a document.
pub(crate) type ReadLine<'a> =
    dyn FnMut(Place, &Map<String, Value>, &mut Vec<ImportProblem>) -> Option<InDoc> + 'a;

/// Reads every `.jsonl` file of `inputs`, turning each line's object into a document with
/// `document` (which reports its own problems), in file and line order.
pub(crate) fn read_documents(inputs: &[PathBuf], document: &mut ReadLine<'_>) -> Incoming {
    let mut incoming = Incoming::default();
    let files = input_files(inputs, &["jsonl"], &mut incoming.problems);
    let mut documents = Vec::new();
    for file in files {
        json_lines(
            &file,
            &mut incoming.problems,
            &mut |place, obj, problems| {
                documents.extend(document(place, obj, problems));
            },
        );
    }
    incoming.documents = documents;
    incoming
}

/// The document's text from the first of `keys` the line has, or a problem.
pub(crate) fn line_text(
    place: &Place,
    obj: &Map<String, Value>,
    keys: &[&str],
    problems: &mut Vec<ImportProblem>,
) -> Option<String> {
    let expected = keys
        .iter()
        .map(|k| format!("{k:?}"))
        .collect::<Vec<_>>()
        .join(" or ");
    let problem = |message: String| ImportProblem::new(place.clone(), message);
    match keys.iter().find_map(|k| obj.get(*k)) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::String(_)) => {
            problems.push(problem(format!("the {expected} field is empty")));
            None
        }
        Some(_) => {
            problems.push(problem(format!("the {expected} field should be a string")));
            None
        }
        None => {
            problems.push(problem(format!(
                "no {expected} field; expected the document's text there"
            )));
            None
        }
    }
}

/// An id written as a string or a number, as text.
pub(crate) fn key_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The list under `key` (absent: empty), or a problem if it is not a list.
pub(crate) fn list<'v>(
    place: &Place,
    obj: &'v Map<String, Value>,
    key: &str,
    problems: &mut Vec<ImportProblem>,
) -> &'v [Value] {
    match obj.get(key) {
        None | Some(Value::Null) => &[],
        Some(Value::Array(items)) => items,
        Some(_) => {
            problems.push(ImportProblem::new(
                place.clone(),
                format!("{key:?} should be a list"),
            ));
            &[]
        }
    }
}

/// serde's message without the position inside the one-line value it parsed.
pub(crate) fn why(e: &serde_json::Error) -> String {
    let s = e.to_string();
    s.split(" at line ").next().unwrap_or_default().to_owned()
}

/// A string, a number or a boolean as text (`None` for anything else).
pub(crate) fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The article variables of a `meta`-like object, by name, leaving out `fixed` members: a
/// scalar as its text, a list or an object as JSON text (counted in `json`); nothing for
/// `null` or an empty list or object, which carry nothing.
pub(crate) fn variables_of<'m>(
    members: impl IntoIterator<Item = (&'m String, &'m Value)>,
    fixed: &[&str],
    json: &mut usize,
) -> Vec<(String, String)> {
    members
        .into_iter()
        .filter(|(k, v)| !fixed.contains(&k.as_str()) && carries(v))
        .map(|(k, v)| {
            let text = scalar(v).unwrap_or_else(|| {
                *json += 1;
                v.to_string()
            });
            (k.clone(), text)
        })
        .collect()
}

/// The members of a task this reader takes (`tokens` is counted: it is made again).
const TASK_FIELDS: &[&str] = &[
    "text",
    "meta",
    "spans",
    "relations",
    "entities",
    "answer",
    "_annotator_id",
    "_session_id",
];

/// The members of a span this reader takes.
const SPAN_FIELDS: &[&str] = &[
    "id",
    "start",
    "end",
    "label",
    "text",
    "token_start",
    "token_end",
    "annotator",
    "note",
    "entity",
    "status",
    "attributes",
    "fragment",
    "answer",
];

/// The members of a relation this reader takes.
const RELATION_FIELDS: &[&str] = &[
    "id",
    "label",
    "from",
    "to",
    "head",
    "child",
    "head_span",
    "child_span",
    "annotator",
    "note",
    "attributes",
];

#[derive(Deserialize)]
struct InSpan {
    id: Option<Value>,
    start: usize,
    end: usize,
    label: String,
    text: Option<String>,
    token_end: Option<usize>,
    annotator: Option<String>,
    note: Option<String>,
    entity: Option<String>,
    status: Option<ReviewStatus>,
    attributes: Option<Map<String, Value>>,
}

#[derive(Deserialize)]
struct InRef {
    start: usize,
    end: usize,
    label: Option<String>,
}

#[derive(Deserialize)]
struct InRel {
    label: String,
    from: Option<Value>,
    to: Option<Value>,
    head: Option<usize>,
    child: Option<usize>,
    head_span: Option<InRef>,
    child_span: Option<InRef>,
    annotator: Option<String>,
    note: Option<String>,
    attributes: Option<Map<String, Value>>,
}

#[derive(Deserialize)]
struct InEnt {
    name: String,
    kind: Option<EntityKind>,
    #[serde(default)]
    refs: Vec<ExternalRef>,
}

/// The values of an `attributes` object, in its order; `what` names its owner in problems
/// ("span 3", "relation 1").
fn values(
    attributes: Option<&Map<String, Value>>,
    what: &str,
    problem: &dyn Fn(String) -> ImportProblem,
    problems: &mut Vec<ImportProblem>,
) -> Vec<(String, InValue)> {
    let mut out = Vec::new();
    for (name, v) in attributes.into_iter().flatten() {
        let value = match v {
            Value::Null | Value::Bool(false) => continue,
            Value::Bool(true) => InValue::Flag,
            Value::Number(n) => match n.as_i64().and_then(|n| i32::try_from(n).ok()) {
                Some(n) => InValue::Number(n),
                // A fraction or a huge number fits no scale; as text the planner says so, or
                // keeps it for a text attribute.
                None => InValue::Text(n.to_string()),
            },
            Value::String(s) => InValue::Text(s.clone()),
            Value::Array(items) => {
                match items
                    .iter()
                    .map(Value::as_str)
                    .collect::<Option<Vec<&str>>>()
                {
                    Some(list) => InValue::Choice(list.into_iter().map(str::to_owned).collect()),
                    None => {
                        problems.push(problem(format!(
                            "{what}: attribute {name:?} is a list of something other than strings; expected the labels of its choices"
                        )));
                        continue;
                    }
                }
            }
            Value::Object(_) => {
                problems.push(problem(format!(
                    "{what}: attribute {name:?} is an object; expected true, a number, a string or a list of strings"
                )));
                continue;
            }
        };
        out.push((name.clone(), value));
    }
    out
}

/// A span as relations may find it: where it is, and the key of its annotation.
struct Found {
    start: usize,
    end: usize,
    label: String,
    token_end: Option<usize>,
    key: String,
}

/// One annotation being put together from its spans: `(start, end, text)` per fragment.
struct Group {
    annotation: InAnnotation,
    parts: Vec<(usize, usize, Option<String>)>,
}

/// What Prodigy's `answer` (of a task or a span) asks of the reader.
enum Answer {
    /// Absent or `accept`: take it.
    Take,
    /// `reject` or `ignore`: skip it, counted.
    Skip(String),
    /// Anything else: a problem.
    Unknown(String),
}

fn answer(v: Option<&Value>) -> Answer {
    match v {
        None | Some(Value::Null) => Answer::Take,
        Some(Value::String(a)) if a == "accept" => Answer::Take,
        Some(Value::String(a)) if a == "reject" || a == "ignore" => Answer::Skip(a.clone()),
        Some(other) => Answer::Unknown(other.to_string()),
    }
}

fn document(
    place: Place,
    obj: &Map<String, Value>,
    problems: &mut Vec<ImportProblem>,
    tally: &mut Tally,
) -> Option<InDoc> {
    let problem = |message: String| ImportProblem::new(place.clone(), message);
    match answer(obj.get("answer")) {
        Answer::Take => {}
        Answer::Skip(a) => {
            *tally.answers.entry(a).or_default() += 1;
            return None;
        }
        Answer::Unknown(a) => {
            problems.push(problem(format!(
                "Prodigy's answer is {a}; expected \"accept\", \"reject\" or \"ignore\""
            )));
            return None;
        }
    }
    let text = line_text(&place, obj, &["text"], problems)?;
    let meta = obj.get("meta").and_then(Value::as_object);
    let field = |k: &str| meta.and_then(|m| m.get(k)).and_then(scalar);
    if let Some(hash) = field("sha256") {
        let actual = sha256_hex(&text);
        if !hash.eq_ignore_ascii_case(&actual) {
            problems.push(problem(format!(
                "meta.sha256 is {hash} but the text's SHA-256 is {actual}: the text changed after the export, so its offsets cannot be trusted"
            )));
            return None;
        }
    }
    if let Some(unit) = field("offsets")
        && unit != super::OFFSETS
    {
        problems.push(problem(format!(
            "meta.offsets says {unit:?}; this reader takes offsets in {:?}",
            super::OFFSETS
        )));
        return None;
    }

    // Prodigy's annotator: `_annotator_id`, else `_session_id` (the same in most setups).
    let task_annotator = ["_annotator_id", "_session_id"]
        .iter()
        .find_map(|k| obj.get(*k).and_then(Value::as_str))
        .filter(|a| !a.trim().is_empty())
        .map(str::to_owned);
    // Our own lines carry `meta.offsets`: their `meta.id` is our document id, internal, and
    // their tokens are made from the text as the export makes them again.
    let ours = meta.is_some_and(|m| m.contains_key("offsets"));
    let known = [TASK_FIELDS, if ours { &["tokens"] } else { &[] }].concat();
    Tally::others(&mut tally.task_fields, obj, &known);
    if !ours && meta.and_then(|m| m.get("id")).is_some_and(carries) {
        *tally.task_fields.entry("meta.id".to_owned()).or_default() += 1;
    }

    let mut kinds: HashMap<String, EntityKind> = HashMap::new();
    let mut refs: HashMap<String, Vec<ExternalRef>> = HashMap::new();
    for (i, v) in list(&place, obj, "entities", problems).iter().enumerate() {
        match InEnt::deserialize(v) {
            Ok(e) => {
                let key = e.name.trim().to_lowercase();
                if let Some(kind) = e.kind {
                    kinds.insert(key.clone(), kind);
                }
                if !e.refs.is_empty() {
                    refs.insert(key, e.refs);
                }
            }
            Err(e) => problems.push(problem(format!(
                "entity {}: {}; expected {{\"name\", \"kind\"}}",
                i + 1,
                why(&e)
            ))),
        }
    }

    let mut groups: Vec<Group> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut found = Vec::new();
    // Spans answered `reject` or `ignore`, so that relations to them are skipped too.
    let mut skipped = Vec::new();
    for (i, v) in list(&place, obj, "spans", problems).iter().enumerate() {
        let n = i + 1;
        let s = match InSpan::deserialize(v) {
            Ok(s) => s,
            Err(e) => {
                problems.push(problem(format!(
                    "span {n}: {}; expected {{\"start\", \"end\", \"label\"}} with offsets in code points",
                    why(&e)
                )));
                continue;
            }
        };
        match answer(v.get("answer")) {
            Answer::Take => {}
            Answer::Skip(a) => {
                *tally.span_answers.entry(a).or_default() += 1;
                skipped.push(Found {
                    start: s.start,
                    end: s.end,
                    label: s.label,
                    token_end: s.token_end,
                    key: s.id.as_ref().and_then(key_of).unwrap_or_default(),
                });
                continue;
            }
            Answer::Unknown(a) => {
                problems.push(problem(format!(
                    "span {n}: Prodigy's answer is {a}; expected \"accept\", \"reject\" or \"ignore\""
                )));
                continue;
            }
        }
        if let Some(members) = v.as_object() {
            Tally::others(&mut tally.span_fields, members, SPAN_FIELDS);
        }
        let key =
            s.id.as_ref()
                .and_then(key_of)
                .unwrap_or_else(|| format!("#{n}"));
        found.push(Found {
            start: s.start,
            end: s.end,
            label: s.label.clone(),
            token_end: s.token_end,
            key: key.clone(),
        });
        if let Some(group) = by_key.get(&key).and_then(|&g| groups.get_mut(g)) {
            if group.annotation.label != s.label {
                problems.push(problem(format!(
                    "span {n}: annotation {key} is labelled {:?} by an earlier span and {:?} here",
                    group.annotation.label, s.label
                )));
                continue;
            }
            group.parts.push((s.start, s.end, s.text));
            continue;
        }
        let entity = s
            .entity
            .filter(|e| !e.trim().is_empty())
            .map(|name| InEntity {
                refs: refs
                    .get(&name.trim().to_lowercase())
                    .cloned()
                    .unwrap_or_default(),
                kind: kinds.get(&name.trim().to_lowercase()).copied(),
                name,
            });
        // A split annotation's spans carry the same values; the first span's are taken.
        let values = values(
            s.attributes.as_ref(),
            &format!("span {n}"),
            &problem,
            problems,
        );
        by_key.insert(key.clone(), groups.len());
        groups.push(Group {
            annotation: InAnnotation {
                values,
                key,
                place: place.clone(),
                label: s.label,
                fragments: Vec::new(),
                quote: None,
                annotator: s.annotator.or_else(|| task_annotator.clone()),
                entity,
                note: s.note.unwrap_or_default(),
                status: s.status,
                ..InAnnotation::default()
            },
            parts: vec![(s.start, s.end, s.text)],
        });
    }

    let mut relations = Vec::new();
    for (i, v) in list(&place, obj, "relations", problems).iter().enumerate() {
        let n = i + 1;
        let r = match InRel::deserialize(v) {
            Ok(r) => r,
            Err(e) => {
                problems.push(problem(format!(
                    "relation {n}: {}; expected {{\"label\", \"from\", \"to\"}} or {{\"label\", \"head_span\", \"child_span\"}}",
                    why(&e)
                )));
                continue;
            }
        };
        if let Some(members) = v.as_object() {
            Tally::others(&mut tally.relation_fields, members, RELATION_FIELDS);
        }
        if to_skipped(
            r.from.as_ref(),
            r.head_span.as_ref(),
            r.head,
            &found,
            &skipped,
        ) || to_skipped(
            r.to.as_ref(),
            r.child_span.as_ref(),
            r.child,
            &found,
            &skipped,
        ) {
            tally.relations_to_skipped += 1;
            continue;
        }
        let ends = (
            end(
                r.from.as_ref(),
                r.head_span.as_ref(),
                r.head,
                &found,
                "from",
                "head",
            ),
            end(
                r.to.as_ref(),
                r.child_span.as_ref(),
                r.child,
                &found,
                "to",
                "child",
            ),
        );
        let (from, to) = match ends {
            (Ok(f), Ok(t)) => (f, t),

            (Err(m), _) | (_, Err(m)) => {
                problems.push(problem(format!("relation {n} ({}): {m}", r.label)));
                continue;
            }
        };
        // Who made the relation; lines without it (spaCy's) take its source span's layer.
        let annotator = r.annotator.clone().or_else(|| {
            by_key
                .get(&from)
                .and_then(|&g| groups.get(g))
                .and_then(|g| g.annotation.annotator.clone())
        });
        let values = values(
            r.attributes.as_ref(),
            &format!("relation {n}"),
            &problem,
            problems,
        );
        relations.push(InRelation {
            note: r.note.unwrap_or_default(),
            values,
            place: place.clone(),
            kind: r.label,
            from,
            to,
            annotator,
        });
    }

    let annotations = groups
        .into_iter()
        .map(|mut g| {
            g.parts.sort_by_key(|p| (p.0, p.1));
            g.annotation.fragments = g.parts.iter().map(|p| (p.0, p.1)).collect();
            g.annotation.quote = g
                .parts
                .iter()
                .map(|p| p.2.as_deref())
                .collect::<Option<Vec<&str>>>()
                .map(|texts| texts.join(" "));
            g.annotation
        })
        .collect();

    let variables = variables_of(
        meta.into_iter().flatten(),
        &super::META_KEYS,
        &mut tally.json_variables,
    );
    Some(InDoc {
        variables,
        white_space_may_differ: false,
        meta: DocumentMeta {
            variables: Default::default(),
            title: field("title").unwrap_or_default(),
            source: field("source"),
            author: field("author"),
            published: field("published"),
            url: field("url"),
            status: Default::default(),
            tokens: Default::default(),
        },
        place,
        text,
        sha256: None,
        unit: OffsetUnit::CodePoints,
        annotations,
        relations,
    })
}

/// Whether a relation end names a span that was skipped (answered `reject` or `ignore`) and
/// none that was taken.
fn to_skipped(
    id: Option<&Value>,
    span: Option<&InRef>,
    token: Option<usize>,
    found: &[Found],
    skipped: &[Found],
) -> bool {
    if let Some(key) = id.and_then(key_of) {
        return skipped.iter().any(|f| f.key == key) && found.iter().all(|f| f.key != key);
    }
    end(None, span, token, skipped, "", "").is_ok()
        && end(None, span, token, found, "", "").is_err()
}

/// The key of the annotation a relation end names: by its id, else by its span, else by the
/// span's last token.
fn end(
    id: Option<&Value>,
    span: Option<&InRef>,
    token: Option<usize>,
    found: &[Found],
    id_field: &str,
    token_field: &str,
) -> Result<String, String> {
    if let Some(id) = id {
        return key_of(id)
            .ok_or_else(|| format!("{id_field:?} should be an annotation id (text or number)"));
    }
    if let Some(s) = span {
        return found
            .iter()
            .find(|f| {
                f.start == s.start
                    && f.end == s.end
                    && s.label.as_ref().is_none_or(|l| *l == f.label)
            })
            .map(|f| f.key.clone())
            .ok_or_else(|| {
                format!(
                    "{token_field}_span {}–{} matches no span of the line",
                    s.start, s.end
                )
            });
    }
    if let Some(t) = token {
        return found
            .iter()
            .find(|f| f.token_end == Some(t))
            .map(|f| f.key.clone())
            .ok_or_else(|| format!("{token_field} token {t} ends no span of the line"));
    }
    Err(format!(
        "expected {id_field:?} (an annotation id) or {token_field}_span"
    ))
}
