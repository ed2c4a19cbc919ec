//! Reading doccano: JSON lines, a whole-file JSON array (doccano's JSON export) or
//! pretty-printed objects one after another (doccano's own relation-extraction example), with
//! the text and label columns a project named (`--text-key`, `--label-key`).
//!
//! As doccano does, every member of an example other than its text, its labels, `entities`
//! and `relations` is metadata: each becomes an article variable by its name, and so does
//! each member of a `meta` object (doccano's import examples put metadata there). A string,
//! a number or a boolean is kept as it is written, a list or an object as JSON text (counted
//! in the report). doccano's `id` (its database's number for the example) and `Comments` are
//! counted as not kept; `title` and `doc_id` are what our export adds, the title kept and the
//! id internal.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::formats::jsonl::{Tally, carries, key_of, line_text, list, variables_of, why};
use crate::formats::{
    ImportProblem, InAnnotation, InDoc, InRelation, Incoming, OffsetUnit, Place, input_files,
    read_text,
};
use crate::model::DocumentMeta;

/// The columns a doccano project names (doccano's `column_data` and `column_label`).
/// `None` takes doccano's defaults: the text in `text` (or `data`), the spans in `label` (or
/// `labels`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Columns {
    /// The member that holds the text (`--text-key`).
    pub text: Option<String>,
    /// The member that holds the spans (`--label-key`).
    pub label: Option<String>,
}

/// Members that are not metadata: read, or ours.
const READ: &[&str] = &["entities", "relations", "title", "doc_id", "meta"];

/// Members counted as not kept.
const NOT_KEPT: &[&str] = &["id", "Comments"];

/// A span of a `label` list: `[start, end, "tag"]` or doccano's dictionary form.
#[derive(Deserialize)]
#[serde(untagged)]
enum LabelItem {
    Tuple(usize, usize, String),
    Object {
        start_offset: usize,
        end_offset: usize,
        label: String,
    },
}

#[derive(Deserialize)]
struct InEntity {
    id: Option<Value>,
    start_offset: usize,
    end_offset: usize,
    label: String,
}

#[derive(Deserialize)]
struct InRel {
    from_id: Value,
    to_id: Value,
    #[serde(rename = "type")]
    kind: String,
}

/// Reads every `.jsonl` and `.json` file of `inputs`; every example is one document.
pub(crate) fn read(inputs: &[PathBuf], columns: &Columns) -> Incoming {
    let mut incoming = Incoming::default();
    let mut tally = Tally::default();
    for file in input_files(inputs, &["jsonl", "json"], &mut incoming.problems) {
        let mut problems = Vec::new();
        let records = records(&file, &mut problems);
        if has_columns(&file, &records, columns, &mut problems) {
            for (place, obj) in records {
                incoming.documents.extend(document(
                    place,
                    &obj,
                    columns,
                    &mut problems,
                    &mut tally,
                ));
            }
        }
        // In input order: the file's own problems first, then line by line.
        problems.sort_by_key(|p| p.place.line);
        incoming.problems.extend(problems);
    }
    incoming.notes.extend(tally.notes("example"));
    incoming
}

/// The examples of one file with their places (the line each starts on), in file order.
/// JSON lines go on after a bad line; an array or pretty-printed objects stop at the first
/// place that is not JSON, which is reported.
fn records(path: &Path, problems: &mut Vec<ImportProblem>) -> Vec<(Place, Map<String, Value>)> {
    let Some(text) = read_text(path, problems) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let not_json = |e: &serde_json::Error, expected: &str| {
        ImportProblem::new(
            Place::line(path, e.line()),
            format!(
                "column {}: not JSON ({}); expected {expected}",
                e.column(),
                why(e)
            ),
        )
    };
    let not_object = |place: Place| {
        ImportProblem::new(
            place,
            "expected a JSON object ({\"text\": …}) for each example",
        )
    };
    if text.trim_start().starts_with('[') {
        // A whole-file array, as doccano's JSON export writes it.
        let items: Vec<&RawValue> = match serde_json::from_str(&text) {
            Ok(items) => items,
            Err(e) => {
                problems.push(not_json(&e, "a JSON array of examples ({\"text\": …})"));
                return out;
            }
        };
        let mut lines = LineCounter::new(&text);
        for item in items {
            let start = (item.get().as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
            let place = Place::line(path, lines.at(start));
            match serde_json::from_str::<Value>(item.get()) {
                Ok(Value::Object(obj)) => out.push((place, obj)),
                Ok(_) => problems.push(not_object(place)),
                Err(e) => problems.push(not_json(&e, "a JSON object")),
            }
        }
    } else if first_line.trim() != "{" {
        // JSON lines (a pretty printer puts an object's brace on a line of its own): a bad
        // line is reported and the others read.
        for (i, line) in text.lines().enumerate() {
            let place = Place::line(path, i + 1);
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<Value>(line) {
                Ok(Value::Object(obj)) => out.push((place, obj)),
                Ok(_) => problems.push(not_object(place)),
                Err(e) => problems.push(ImportProblem::new(
                    place,
                    format!(
                        "column {}: not JSON ({}); expected one JSON object per line",
                        e.column(),
                        why(&e)
                    ),
                )),
            }
        }
    } else {
        // Objects over several lines each, one after another.
        let mut lines = LineCounter::new(&text);
        let mut stream = serde_json::Deserializer::from_str(&text).into_iter::<Value>();
        loop {
            let rest = text.get(stream.byte_offset()..).unwrap_or_default();
            let start = text.len() - rest.trim_start().len();
            match stream.next() {
                None => break,
                Some(Ok(Value::Object(obj))) => out.push((Place::line(path, lines.at(start)), obj)),
                Some(Ok(_)) => problems.push(not_object(Place::line(path, lines.at(start)))),
                Some(Err(e)) => {
                    problems.push(not_json(
                        &e,
                        "JSON objects ({\"text\": …}), one per line or one after another",
                    ));
                    break;
                }
            }
        }
    }
    out
}

/// 1-based line numbers of byte offsets, asked in increasing order.
struct LineCounter<'t> {
    text: &'t str,
    offset: usize,
    line: usize,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t str) -> Self {
        Self {
            text,
            offset: 0,
            line: 1,
        }
    }

    fn at(&mut self, offset: usize) -> usize {
        let between = self.text.get(self.offset..offset).unwrap_or_default();
        self.line += between.bytes().filter(|&b| b == b'\n').count();
        self.offset = offset.max(self.offset);
        self.line
    }
}

/// Whether the file's examples have their text where `--text-key` (or doccano's default)
/// says, and their spans where `--label-key` says: when none of them has it, that is one
/// problem for the file, naming the members they have, instead of one for every example.
fn has_columns(
    path: &Path,
    records: &[(Place, Map<String, Value>)],
    columns: &Columns,
    problems: &mut Vec<ImportProblem>,
) -> bool {
    let text = match &columns.text {
        Some(k) => (vec![k.as_str()], format!("{k:?}, which --text-key names")),
        None => (
            vec!["text", "data"],
            "\"text\" or \"data\" (name another with --text-key)".to_owned(),
        ),
    };
    let label = columns
        .label
        .as_ref()
        .map(|k| (vec![k.as_str()], format!("{k:?}, which --label-key names")));
    let mut fine = true;
    for (keys, what) in std::iter::once(text).chain(label) {
        if records.is_empty()
            || records
                .iter()
                .any(|(_, obj)| keys.iter().any(|k| obj.contains_key(*k)))
        {
            continue;
        }
        let mut members: Vec<&str> = records
            .iter()
            .flat_map(|(_, obj)| obj.keys().map(String::as_str))
            .collect();
        members.sort_unstable();
        members.dedup();
        problems.push(ImportProblem::new(
            Place::file(path),
            format!(
                "no example has the member {what}; the examples have {}",
                members
                    .iter()
                    .map(|m| format!("{m:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
        fine = false;
    }
    fine
}

fn document(
    place: Place,
    obj: &Map<String, Value>,
    columns: &Columns,
    problems: &mut Vec<ImportProblem>,
    tally: &mut Tally,
) -> Option<InDoc> {
    let text_keys: Vec<&str> = match &columns.text {
        Some(k) => vec![k.as_str()],
        None => vec!["text", "data"],
    };
    let text = line_text(&place, obj, &text_keys, problems)?;
    let problem = |message: String| ImportProblem::new(place.clone(), message);
    let span = |key: String, start: usize, end: usize, label: String| InAnnotation {
        key,
        place: place.clone(),
        label,
        fragments: vec![(start, end)],
        ..InAnnotation::default()
    };
    let mut annotations = Vec::new();
    let field = match &columns.label {
        Some(k) => k.as_str(),
        None if obj.contains_key("label") => "label",
        None => "labels",
    };
    for (i, v) in list(&place, obj, field, problems).iter().enumerate() {
        match LabelItem::deserialize(v) {
            Ok(LabelItem::Tuple(start, end, label))
            | Ok(LabelItem::Object {
                start_offset: start,
                end_offset: end,
                label,
            }) => annotations.push(span(format!("#{}", i + 1), start, end, label)),
            Err(_) => problems.push(problem(format!(
                "{field} {}: expected [start, end, \"label\"] or {{\"start_offset\", \"end_offset\", \"label\"}}, offsets in code points",
                i + 1
            ))),
        }
    }
    for (i, v) in list(&place, obj, "entities", problems).iter().enumerate() {
        match InEntity::deserialize(v) {
            Ok(e) => {
                let key =
                    e.id.as_ref()
                        .and_then(key_of)
                        .unwrap_or_else(|| format!("entity #{}", i + 1));
                annotations.push(span(key, e.start_offset, e.end_offset, e.label));
            }
            Err(e) => problems.push(problem(format!(
                "entity {}: {}; expected {{\"id\", \"label\", \"start_offset\", \"end_offset\"}}",
                i + 1,
                why(&e)
            ))),
        }
    }
    let mut relations = Vec::new();
    for (i, v) in list(&place, obj, "relations", problems).iter().enumerate() {
        let r = InRel::deserialize(v).map_err(|e| why(&e)).and_then(|r| {
            match (key_of(&r.from_id), key_of(&r.to_id)) {
                (Some(from), Some(to)) => Ok((from, to, r.kind)),
                _ => Err("from_id and to_id should be entity ids".to_owned()),
            }
        });
        match r {
            Ok((from, to, kind)) => relations.push(InRelation {
                note: Default::default(),
                values: Default::default(),
                place: place.clone(),
                kind,
                from,
                to,
                annotator: None,
            }),
            Err(why) => problems.push(problem(format!(
                "relation {}: {why}; expected {{\"from_id\", \"to_id\", \"type\"}}",
                i + 1
            ))),
        }
    }

    // Metadata: every other member, and the members of `meta`.
    let mut fixed: Vec<&str> = [READ, NOT_KEPT].concat();
    fixed.extend(&text_keys);
    fixed.push(field);
    if columns.label.is_none() {
        fixed.extend(["label", "labels"]);
    }
    for key in NOT_KEPT {
        if obj.get(*key).is_some_and(carries) {
            *tally.task_fields.entry((*key).to_owned()).or_default() += 1;
        }
    }
    let mut variables = variables_of(obj, &fixed, &mut tally.json_variables);
    match obj.get("meta") {
        Some(Value::Object(meta)) => {
            variables.extend(variables_of(meta, &[], &mut tally.json_variables));
        }
        Some(other) => {
            let name = "meta".to_owned();
            variables.extend(variables_of(
                [(&name, other)],
                &[],
                &mut tally.json_variables,
            ));
        }
        None => {}
    }
    Some(InDoc {
        white_space_may_differ: false,
        variables,
        meta: DocumentMeta {
            title: obj
                .get("title")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            ..DocumentMeta::default()
        },
        place,
        text,
        sha256: None,
        unit: OffsetUnit::CodePoints,
        annotations,
        relations,
    })
}
