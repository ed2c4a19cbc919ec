//! Reading Label Studio JSON tasks into [`Incoming`].
//!
//! Per-region `choices`, `number`, `rating` and `textarea` results (other than our own note,
//! entity and status) become values of the region's annotation, named by their `from_name`;
//! task-level ones (no region, no `value.start`) and `meta.variables` become article
//! variables. The labeling config beside the tasks (`NAME.config.xml`, as the export writes
//! it, or `config.xml` in the same folder), when there is one, says which data key holds the
//! text, declares the attributes of the labels the regions use (a `Choices` with its values,
//! a one-choice checkbox as a flag, a `Number` with `min` and `max` as a scale, a `TextArea` as
//! text) and the variables (a task-level `Choices` with its values).
//!
//! The text is the task's `data` key that the config's `<Text value="$key">` names; without
//! a config (or a `Text` in it), `data.text`, else the task's only string field in `data` (of
//! those with a space or line break in them: a file name or URL is no article).
//!
//! Offsets count Unicode code points, as Label Studio does. Our exports before that counted
//! UTF-16 code units: a task whose regions' `value.text` fit their offsets only as UTF-16
//! units (some region fits only so, none only as code points) is read in UTF-16 units, and
//! the import report counts those tasks. A relation with `direction: "bi"` (Label Studio's
//! two-headed arrow) comes in as one relation `from_id` → `to_id`, since ours point one way;
//! the report counts those too. `direction: "left"` is read as `to_id` → `from_id`.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::model::{CharOffset, DocumentMeta, ReviewStatus, TextIndex, Utf16Offset};

use super::super::incoming::{InAttribute, InValue, InVariable};
use super::super::jsonpos::{Lines, Node, parse_with_outline};
use super::super::{
    ImportProblem, InAnnotation, InDoc, InEntity, InRelation, InTag, Incoming, OffsetUnit, Place,
    input_files, read_text,
};
use super::config::{self, Config};
use super::{ENTITY, NOTE, STATUS};

/// Reads Label Studio JSON files (a JSON array of tasks, or one task), or every `.json` file of
/// a folder. Offsets count code points (UTF-16 units in our older files); `value.text` is
/// checked as the quote.
pub(crate) fn read(inputs: &[PathBuf]) -> Incoming {
    let mut incoming = Incoming::default();
    let mut configs: HashMap<PathBuf, Config> = HashMap::new();
    let mut counts = Counts::default();
    for file in input_files(inputs, &["json"], &mut incoming.problems) {
        let first = incoming.documents.len();
        let config = config_of(&file, &mut configs, &mut incoming.problems);
        read_file(&file, config, &mut counts, &mut incoming);
        if let Some(config) = config {
            let documents = incoming.documents.get(first..).unwrap_or_default();
            declare(
                config,
                documents,
                &mut incoming.tags,
                &mut incoming.variables,
            );
        }
    }
    incoming.notes = counts.notes();
    incoming
}

/// What the reader read otherwise than the files say, for the import report.
#[derive(Default)]
struct Counts {
    /// Tasks read in UTF-16 code units (our older exports).
    utf16_tasks: usize,
    /// Relations with `direction: "bi"`, read as from → to.
    bidirectional: usize,
}

impl Counts {
    fn notes(&self) -> Vec<String> {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let mut notes = Vec::new();
        if self.utf16_tasks > 0 {
            notes.push(format!(
                "{} task{} read in UTF-16 code units, not code points: their regions' text fits their offsets only so (an export of Marginalia before it counted code points)",
                self.utf16_tasks,
                plural(self.utf16_tasks)
            ));
        }
        if self.bidirectional > 0 {
            notes.push(format!(
                "{} bidirectional relation{} (direction \"bi\") read as one relation from_id → to_id",
                self.bidirectional,
                plural(self.bidirectional)
            ));
        }
        notes
    }
}

/// The labeling config for the tasks in `file`: `NAME.config.xml` beside `NAME.json`, else
/// `config.xml` in its folder; read once per run.
fn config_of<'c>(
    file: &Path,
    configs: &'c mut HashMap<PathBuf, Config>,
    problems: &mut Vec<ImportProblem>,
) -> Option<&'c Config> {
    let own = file.with_extension("config.xml");
    let shared = file.with_file_name("config.xml");
    let path = [own, shared].into_iter().find(|p| p.is_file())?;
    if !configs.contains_key(&path) {
        let xml = read_text(&path, problems)?;
        configs.insert(path.clone(), config::parse(&xml));
    }
    configs.get(&path)
}

/// The tags and variables `config` declares, for the labels the documents use and the
/// variables not declared yet.
fn declare(
    config: &Config,
    documents: &[InDoc],
    tags: &mut Vec<InTag>,
    variables: &mut Vec<InVariable>,
) {
    let used: BTreeSet<&str> = documents
        .iter()
        .flat_map(|d| d.annotations.iter().map(|a| a.label.as_str()))
        .collect();
    for label in used {
        let attributes: Vec<_> = config
            .per_region
            .iter()
            .filter(|c| c.when.is_empty() || c.when.iter().any(|w| w == label))
            .map(|c| InAttribute {
                name: c.name.clone(),
                kind: c.kind.clone(),
            })
            .collect();
        let color = config
            .labels
            .iter()
            .find(|(l, _)| l == label)
            .and_then(|(_, c)| *c);
        let known = tags.iter().any(|t| t.name == label);
        if !known && (color.is_some() || !attributes.is_empty()) {
            tags.push(InTag {
                name: label.to_owned(),
                color,
                attributes,
            });
        }
    }
    for (name, kind) in &config.task {
        if !variables.iter().any(|v| &v.name == name) {
            variables.push(InVariable {
                name: name.clone(),
                kind: kind.clone(),
            });
        }
    }
}

/// Reading one file: where problems go and how lines are found.
struct Reader<'a> {
    path: &'a Path,
    lines: Lines,
    problems: &'a mut Vec<ImportProblem>,
    /// The labeling config beside the file, if any.
    config: Option<&'a Config>,
    /// What was read otherwise than the file says.
    counts: &'a mut Counts,
}

impl Reader<'_> {
    fn place(&self, node: Option<&Node>, fallback: usize) -> Place {
        Place::line(self.path, self.lines.of(node, fallback))
    }

    fn problem(&mut self, place: Place, message: impl Into<String>) {
        self.problems.push(ImportProblem::new(place, message));
    }
}

fn read_file(path: &Path, config: Option<&Config>, counts: &mut Counts, incoming: &mut Incoming) {
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
        config,
        counts,
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
    let text = match text_of(data, r.config.and_then(|c| c.text_key.as_deref())) {
        Ok(text) => text,
        Err(message) => {
            r.problem(place, message);
            return None;
        }
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
        unit: OffsetUnit::CodePoints,
        ..InDoc::default()
    };
    let (key, list) = match (obj.get("annotations"), obj.get("completions")) {
        (Some(list), _) => ("annotations", Some(list)),
        (None, Some(list)) => ("completions", Some(list)),
        (None, None) => ("annotations", None),
    };
    match list.map(Value::as_array) {
        None => {}
        Some(None) => r.problem(
            place.clone(),
            format!("\"{key}\" must be a list of annotations"),
        ),
        Some(Some(list)) => {
            let list_node = node.and_then(|n| n.key(key));
            for (i, a) in list.iter().enumerate() {
                annotation(r, &mut doc, i, a, list_node.and_then(|n| n.index(i)));
            }
        }
    }
    if fits_only_as_utf16(&doc) {
        doc.unit = OffsetUnit::Utf16;
        r.counts.utf16_tasks += 1;
    }
    // Variables the export keeps in the task's meta, for those no result has given.
    if let Some(vars) = meta
        .and_then(|m| m.get("variables"))
        .and_then(Value::as_object)
    {
        for (name, value) in vars {
            let value = match value {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => {
                    r.problem(
                        place.clone(),
                        format!("meta.variables.{name} must be a string or a number"),
                    );
                    continue;
                }
            };
            set_variable(&mut doc, name, value);
        }
    }
    Some(doc)
}

/// The task's text: `data[key]` for the key the labeling config names, else `data.text`, else
/// the only string field of `data` with whitespace in it; or the problem's message.
fn text_of<'v>(data: Option<&'v Map<String, Value>>, key: Option<&str>) -> Result<&'v str, String> {
    if let Some(key) = key {
        return data.and_then(|d| str_of(d, key)).ok_or_else(|| {
            format!("the task has no data.{key} (the article text as a string, which the labeling config's <Text value=\"${key}\"> names); only text tasks can be imported")
        });
    }
    if let Some(text) = data.and_then(|d| str_of(d, "text")) {
        return Ok(text);
    }
    let strings: Vec<(&String, &str)> = data
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k, v.as_str()?)))
        // A word, a file name or a URL (`"image": "/data/upload/x.png"`) is no article.
        .filter(|(_, v)| v.contains(char::is_whitespace))
        .collect();
    match strings.as_slice() {
        [(_, text)] => Ok(text),
        [] => Err("the task has no data.text (the article text as a string) and no other text in data; only text tasks can be imported".to_owned()),
        several => Err(format!(
            "the task has no data.text and several string fields in data ({}); a labeling config beside the file (NAME.config.xml or config.xml) whose <Text value=\"$key\"> names the text says which",
            several.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>().join(", ")
        )),
    }
}

/// Whether the regions of `doc` (offsets as written) fit their `value.text` only as UTF-16
/// code units: some region's text fits only so, and none fits only as code points. A text in
/// ASCII counts the same either way.
fn fits_only_as_utf16(doc: &InDoc) -> bool {
    if doc.text.is_ascii() {
        return false;
    }
    let index = TextIndex::new(&doc.text);
    let slice = |start: usize, end: usize, utf16: bool| {
        let byte = |o: usize| {
            if utf16 {
                index.utf16_to_byte(Utf16Offset(o)).ok()
            } else {
                index.char_to_byte(CharOffset(o)).ok()
            }
        };
        doc.text.get(byte(start)?.0..byte(end)?.0)
    };
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let fits = |quote: &str, covered: Option<&str>| {
        covered.is_some_and(|c| c == quote || squash(c) == squash(quote))
    };
    let mut utf16_only = false;
    for a in &doc.annotations {
        let (Some(quote), Some(&(start, end))) = (a.quote.as_deref(), a.fragments.first()) else {
            continue;
        };
        let as_chars = fits(quote, slice(start, end, false));
        let as_utf16 = fits(quote, slice(start, end, true));
        if as_chars && !as_utf16 {
            return false;
        }
        utf16_only |= as_utf16 && !as_chars;
    }
    utf16_only
}

/// Gives `doc` the variable `name`, unless it has one (the first annotation's task-level
/// choice wins over later ones: a variable is the article's, not an annotator's).
fn set_variable(doc: &mut InDoc, name: &str, value: String) {
    if !doc.variables.iter().any(|(n, _)| n == name) {
        doc.variables.push((name.to_owned(), value));
    }
}

/// Who made an annotation, from `completed_by`: a name or e-mail; a user object's `email`,
/// else its first and last name, else its `username`, else its `id`; a user id as `user N`
/// (Label Studio's own exports name users by id only). Else an `annotator` name (our older
/// exports).
fn annotator_of(obj: &Map<String, Value>) -> Option<String> {
    let nonempty = |s: &str| Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_owned);
    let user_id = |id: Option<&Value>| match id? {
        Value::Number(n) => Some(format!("user {n}")),
        Value::String(s) => nonempty(s).map(|s| format!("user {s}")),
        _ => None,
    };
    let completed = match obj.get("completed_by") {
        Some(Value::String(s)) => nonempty(s),
        Some(id @ Value::Number(_)) => user_id(Some(id)),
        Some(Value::Object(user)) => str_of(user, "email")
            .and_then(nonempty)
            .or_else(|| {
                let first = str_of(user, "first_name").unwrap_or_default().trim();
                let last = str_of(user, "last_name").unwrap_or_default().trim();
                nonempty(&format!("{first} {last}"))
            })
            .or_else(|| str_of(user, "username").and_then(nonempty))
            .or_else(|| user_id(user.get("id"))),
        _ => None,
    };
    completed.or_else(|| str_of(obj, "annotator").and_then(nonempty))
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
                        format!("region {id}: value.start and value.end must be whole numbers (code points)"),
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
                let (from, to) = match str_of(item, "direction") {
                    Some("left") => (to, from),
                    Some("bi") => {
                        r.counts.bidirectional += 1;
                        (from, to)
                    }
                    _ => (from, to),
                };
                let labels: Vec<&str> = item
                    .get("labels")
                    .and_then(Value::as_array)
                    .map(|l| l.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                // A relation without a label reaches the planner with an empty type, which it
                // reports.
                for kind in if labels.is_empty() { vec![""] } else { labels } {
                    doc.relations.push(InRelation {
                        note: Default::default(),
                        values: Default::default(),
                        place: place.clone(),
                        kind: kind.to_owned(),
                        from: key(&from),
                        to: key(&to),
                        annotator: annotator.clone(),
                    });
                }
            }
            Some(kind @ ("textarea" | "choices" | "number" | "rating")) => {
                later.push((place, id, kind, item))
            }
            other => r.problem(
                place,
                format!(
                    "result type {} is not a text region (labels), a relation, or a choice, number, rating or text area; not imported",
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
    let mut results = Vec::with_capacity(later.len());
    for (place, id, kind, item) in later {
        let regions = by_key.get(key(&id).as_str()).cloned().unwrap_or_default();
        results.push((place, id, kind, item, regions));
    }
    drop(by_key);
    for (place, id, kind, item, regions) in results {
        let value = item.get("value").and_then(Value::as_object);
        let name = str_of(item, "from_name").unwrap_or(NOTE);
        let Some(read) = result_value(kind, name, value, r.config) else {
            r.problem(
                place,
                format!(
                    "a {kind} result ({id}) whose value.{} is not a whole number",
                    kind
                ),
            );
            continue;
        };
        if regions.is_empty() {
            if value.is_some_and(|v| v.contains_key("start")) {
                r.problem(
                    place,
                    format!("a {kind} result ({id}) that belongs to no labelled region"),
                );
                continue;
            }
            // A task-level classification: an article variable.
            let words = match read {
                Read::Value(InValue::Choice(words)) => words.join(", "),
                Read::Value(InValue::Number(n)) => n.to_string(),
                Read::Value(InValue::Text(t)) | Read::Note(t) | Read::Entity(t) => t,
                Read::Value(InValue::Flag) => name.to_owned(),
                Read::Value(InValue::Code(c)) => c,
                Read::Status(_) | Read::Nothing => continue,
            };
            set_variable(doc, name, words);
            continue;
        }
        for i in regions {
            let Some(a) = doc.annotations.get_mut(i) else {
                continue;
            };
            match &read {
                Read::Status(status) => a.status = Some(*status),
                Read::Entity(name) => {
                    a.entity = Some(InEntity {
                        refs: Default::default(),
                        name: name.clone(),
                        kind: None,
                    })
                }
                Read::Note(text) => {
                    if !a.note.is_empty() {
                        a.note.push('\n');
                    }
                    a.note.push_str(text);
                }
                Read::Value(v) => a.values.push((name.to_owned(), v.clone())),
                Read::Nothing => {}
            }
        }
    }
}

/// What a choices, number, rating or text area result says.
enum Read {
    /// Our own review status.
    Status(ReviewStatus),
    /// Our own entity name.
    Entity(String),
    /// Our own note.
    Note(String),
    /// A value of the control `from_name` names.
    Value(InValue),
    /// Nothing (no choice made, an empty text).
    Nothing,
}

/// The meaning of a `kind` result from the control `name`; `None` when a number is not a
/// whole number.
fn result_value(
    kind: &str,
    name: &str,
    value: Option<&Map<String, Value>>,
    config: Option<&Config>,
) -> Option<Read> {
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
    Some(match kind {
        "number" | "rating" => match value.and_then(|v| v.get(kind)) {
            None | Some(Value::Null) => Read::Nothing,
            Some(n) => {
                let n = n
                    .as_i64()
                    .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
                    .and_then(|n| i32::try_from(n).ok())?;
                Read::Value(InValue::Number(n))
            }
        },
        "textarea" => {
            let text = words("text").join("\n");
            match name {
                _ if text.is_empty() => Read::Nothing,
                NOTE => Read::Note(text),
                ENTITY => Read::Entity(text),
                _ => Read::Value(InValue::Text(text)),
            }
        }
        _ => {
            let choices = words("choices");
            let status = match (name, choices.as_slice()) {
                (STATUS, [one]) => match one.as_str() {
                    "accepted" => Some(ReviewStatus::Accepted),
                    "rejected" => Some(ReviewStatus::Rejected),
                    "pending" => Some(ReviewStatus::Pending),
                    _ => None,
                },
                _ => None,
            };
            match status {
                Some(s) => Read::Status(s),
                None if choices.is_empty() => Read::Nothing,
                None if config.is_some_and(|c| c.is_flag(name)) => Read::Value(InValue::Flag),
                None => Read::Value(InValue::Choice(choices)),
            }
        }
    })
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
