//! Reading Label Studio JSON tasks into [`Incoming`].

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::model::{DocumentMeta, ReviewStatus};

use super::super::jsonpos::{Lines, Node, parse_with_outline};
use super::super::{
    ImportProblem, InAnnotation, InDoc, InEntity, InRelation, Incoming, OffsetUnit, Place,
    input_files, read_text,
};
use super::{ENTITY, NOTE, STATUS};

/// Reads Label Studio JSON files (a JSON array of tasks, or one task), or every `.json` file of
/// a folder. Offsets count UTF-16 code units; `value.text` is checked as the quote.
pub(crate) fn read(inputs: &[PathBuf]) -> Incoming {
    let mut incoming = Incoming::default();
    for file in input_files(inputs, &["json"], &mut incoming.problems) {
        read_file(&file, &mut incoming);
    }
    incoming
}

/// Reading one file: where problems go and how lines are found.
struct Reader<'a> {
    path: &'a Path,
    lines: Lines,
    problems: &'a mut Vec<ImportProblem>,
}

impl Reader<'_> {
    fn place(&self, node: Option<&Node>, fallback: usize) -> Place {
        Place::line(self.path, self.lines.of(node, fallback))
    }

    fn problem(&mut self, place: Place, message: impl Into<String>) {
        self.problems.push(ImportProblem::new(place, message));
    }
}

fn read_file(path: &Path, incoming: &mut Incoming) {
    let Some(text) = read_text(path, &mut incoming.problems) else {
        return;
    };
    let Some((root, tree)) = parse_with_outline(
        path,
        &text,
        "a JSON array of Label Studio tasks",
        &mut incoming.problems,
    ) else {
        return;
    };
    let mut reader = Reader {
        path,
        lines: Lines::new(&text),
        problems: &mut incoming.problems,
    };
    match &root {
        Value::Array(tasks) => {
            for (i, t) in tasks.iter().enumerate() {
                let node = tree.as_ref().and_then(|n| n.index(i));
                if let Some(doc) = task(&mut reader, t, node) {
                    incoming.documents.push(doc);
                }
            }
        }
        Value::Object(_) => {
            if let Some(doc) = task(&mut reader, &root, tree.as_ref()) {
                incoming.documents.push(doc);
            }
        }
        _ => {
            let place = reader.place(tree.as_ref(), 1);
            reader.problem(
                place,
                "expected a JSON array of Label Studio tasks, or one task object",
            );
        }
    }
}

fn str_of<'v>(obj: &'v Map<String, Value>, key: &str) -> Option<&'v str> {
    obj.get(key).and_then(Value::as_str)
}

/// One task as an incoming document.
fn task(r: &mut Reader<'_>, value: &Value, node: Option<&Node>) -> Option<InDoc> {
    let place = r.place(node, 1);
    let Some(obj) = value.as_object() else {
        r.problem(
            place,
            "expected a task object: {\"data\": {\"text\": …}, \"annotations\": […]}",
        );
        return None;
    };
    let data = obj.get("data").and_then(Value::as_object);
    let Some(text) = data.and_then(|d| str_of(d, "text")) else {
        r.problem(
            place,
            "the task has no data.text (the article text as a string); only text tasks can be imported",
        );
        return None;
    };
    let meta = obj.get("meta").and_then(Value::as_object);
    let field = |key: &str| {
        data.and_then(|d| str_of(d, key))
            .or_else(|| meta.and_then(|m| str_of(m, key)))
            .map(str::to_owned)
    };
    let mut doc = InDoc {
        place: place.clone(),
        meta: DocumentMeta {
            title: field("title").unwrap_or_default(),
            source: field("source"),
            author: field("author"),
            published: field("published"),
            url: field("url"),
            ..DocumentMeta::default()
        },
        text: text.to_owned(),
        unit: OffsetUnit::Utf16,
        ..InDoc::default()
    };
    let (key, list) = match (obj.get("annotations"), obj.get("completions")) {
        (Some(list), _) => ("annotations", list),
        (None, Some(list)) => ("completions", list),
        (None, None) => return Some(doc),
    };
    let Some(list) = list.as_array() else {
        r.problem(place, format!("\"{key}\" must be a list of annotations"));
        return Some(doc);
    };
    let list_node = node.and_then(|n| n.key(key));
    for (i, a) in list.iter().enumerate() {
        annotation(r, &mut doc, i, a, list_node.and_then(|n| n.index(i)));
    }
    Some(doc)
}

/// Who made an annotation: `completed_by` when it is a name or e-mail (or an object with an
/// `email`), else an `annotator` name. Numeric user ids say nothing outside Label Studio.
fn annotator_of(obj: &Map<String, Value>) -> Option<String> {
    let completed = match obj.get("completed_by") {
        Some(Value::String(s)) => Some(s.as_str()),
        Some(Value::Object(user)) => str_of(user, "email").or_else(|| str_of(user, "username")),
        _ => None,
    };
    completed
        .or_else(|| str_of(obj, "annotator"))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// One entry of a task's `annotations`: its regions, per-region results and relations.
fn annotation(
    r: &mut Reader<'_>,
    doc: &mut InDoc,
    index: usize,
    value: &Value,
    node: Option<&Node>,
) {
    let place = r.place(node, doc.place.line.unwrap_or(1));
    let Some(obj) = value.as_object() else {
        r.problem(
            place,
            "expected an annotation object with a \"result\" list",
        );
        return;
    };
    let annotator = annotator_of(obj);
    let results = match obj.get("result") {
        None | Some(Value::Null) => return,
        Some(Value::Array(results)) => results,
        Some(_) => {
            r.problem(place, "\"result\" must be a list of regions and relations");
            return;
        }
    };
    let results_node = node.and_then(|n| n.key("result"));
    let key = |id: &str| format!("{index}:{id}");
    let first = doc.annotations.len();
    let mut later = Vec::new();
    for (i, item) in results.iter().enumerate() {
        let place = r.place(
            results_node.and_then(|n| n.index(i)),
            place.line.unwrap_or(1),
        );
        let Some(item) = item.as_object() else {
            r.problem(place, "expected a result object");
            continue;
        };
        let value = item.get("value").and_then(Value::as_object);
        let id = match item.get("id") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => format!("#{}", i + 1),
        };
        match str_of(item, "type") {
            Some("labels") => {
                let Some((start, end)) = value.and_then(span_of) else {
                    r.problem(
                        place,
                        format!("region {id}: value.start and value.end must be whole numbers (UTF-16 offsets)"),
                    );
                    continue;
                };
                let labels: Vec<&str> = value
                    .and_then(|v| v.get("labels"))
                    .and_then(Value::as_array)
                    .map(|l| l.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                if labels.is_empty() {
                    r.problem(place, format!("region {id}: value.labels names no label"));
                    continue;
                }
                let quote = value.and_then(|v| str_of(v, "text")).map(str::to_owned);
                // A region with several labels becomes one annotation per label; relations
                // to the region attach to the first.
                for (n, label) in labels.into_iter().enumerate() {
                    doc.annotations.push(InAnnotation {
                        key: if n == 0 {
                            key(&id)
                        } else {
                            key(&format!("{id}\u{1f}{label}"))
                        },
                        place: place.clone(),
                        label: label.to_owned(),
                        fragments: vec![(start, end)],
                        quote: quote.clone(),
                        annotator: annotator.clone(),
                        ..InAnnotation::default()
                    });
                }
            }
            Some("relation") => {
                let (Some(from), Some(to)) = (id_of(item, "from_id"), id_of(item, "to_id")) else {
                    r.problem(place, "a relation needs from_id and to_id");
                    continue;
                };
                let (from, to) = if str_of(item, "direction") == Some("left") {
                    (to, from)
                } else {
                    (from, to)
                };
                let labels: Vec<&str> = item
                    .get("labels")
                    .and_then(Value::as_array)
                    .map(|l| l.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                // A relation without a label reaches the planner with an empty type, which it
                // reports.
                for kind in if labels.is_empty() { vec![""] } else { labels } {
                    doc.relations.push(InRelation { note: Default::default(), values: Default::default(),
                        place: place.clone(),
                        kind: kind.to_owned(),
                        from: key(&from),
                        to: key(&to),
                        annotator: annotator.clone(),
                    });
                }
            }
            Some(kind @ ("textarea" | "choices")) => later.push((place, id, kind, item)),
            other => r.problem(
                place,
                format!(
                    "result type {} is not a text region (labels), a relation, or a per-region text area or choice; not imported",
                    other.map_or_else(|| "(none)".to_owned(), |t| format!("{t:?}"))
                ),
            ),
        }
    }
    // The regions of this annotation entry by key (a region with two labels is two), so each
    // per-region result finds its regions without a scan.
    let mut by_key: std::collections::HashMap<&str, Vec<usize>> = std::collections::HashMap::new();
    for (i, a) in doc.annotations.iter().enumerate().skip(first) {
        let region = a.key.split('\u{1f}').next().unwrap_or(&a.key);
        by_key.entry(region).or_default().push(i);
    }
    let mut notes = Vec::with_capacity(later.len());
    for (place, id, kind, item) in later {
        let regions = by_key.get(key(&id).as_str()).cloned().unwrap_or_default();
        notes.push((place, id, kind, item, regions));
    }
    drop(by_key);
    for (place, id, kind, item, regions) in notes {
        if regions.is_empty() {
            r.problem(
                place,
                format!("a {kind} result ({id}) that belongs to no labelled region; Marginalia keeps notes on spans only"),
            );
            continue;
        }
        let name = str_of(item, "from_name").unwrap_or(NOTE);
        let value = item.get("value").and_then(Value::as_object);
        let words = |field: &str| -> Vec<String> {
            match value.and_then(|v| v.get(field)) {
                Some(Value::String(s)) => vec![s.clone()],
                Some(Value::Array(a)) => a
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect(),
                _ => Vec::new(),
            }
        };
        let text = words(if kind == "textarea" {
            "text"
        } else {
            "choices"
        });
        let status = match (kind, name, text.as_slice()) {
            ("choices", STATUS, [one]) => match one.as_str() {
                "accepted" => Some(ReviewStatus::Accepted),
                "rejected" => Some(ReviewStatus::Rejected),
                "pending" => Some(ReviewStatus::Pending),
                _ => None,
            },
            _ => None,
        };
        for i in regions {
            let Some(a) = doc.annotations.get_mut(i) else {
                continue;
            };
            if status.is_some() {
                a.status = status;
            } else if kind == "textarea" && name == ENTITY && !text.is_empty() {
                a.entity = Some(InEntity {
                    refs: Default::default(),
                    name: text.join(" "),
                    kind: None,
                });
            } else if !text.is_empty() {
                let line = if kind == "textarea" && name == NOTE {
                    text.join("\n")
                } else {
                    format!("{name}: {}", text.join(", "))
                };
                if !a.note.is_empty() {
                    a.note.push('\n');
                }
                a.note.push_str(&line);
            }
        }
    }
}

fn id_of(item: &Map<String, Value>, key: &str) -> Option<String> {
    match item.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `value.start` and `value.end` as whole numbers.
fn span_of(value: &Map<String, Value>) -> Option<(usize, usize)> {
    let num = |k: &str| value.get(k)?.as_u64().and_then(|n| usize::try_from(n).ok());
    Some((num("start")?, num("end")?))
}
