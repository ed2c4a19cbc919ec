//! Reading W3C Web Annotations into [`Incoming`].
//!
//! A body with a `schema:propertyID` (see [`super::PROPERTY`]) is a value of the attribute it
//! names, whatever its purpose: one such body is a value in words (a string, which the import
//! planner fits to the kind the project declares for the attribute, and free text for an
//! attribute the project lacks), several of the same attribute are choices. A classifying
//! body without one is a tag, as before. A linking annotation's `commenting` body is the
//! link's note.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::model::ReviewStatus;

use super::super::incoming::InValue;
use super::super::jsonpos::{Lines, Node, parse_with_outline};
use super::super::{
    ImportProblem, InAnnotation, InDoc, InEntity, InRelation, Incoming, OffsetUnit, Place,
    input_files, read_text,
};
use super::PROPERTY;

/// Reads W3C Web Annotation JSON-LD files (a collection with embedded pages, a page, an array
/// of annotations or one annotation), or every `.json`/`.jsonld` file of a folder. Documents
/// are named by `urn:sha256:` sources; positions count code points.
pub(crate) fn read(inputs: &[PathBuf]) -> Incoming {
    let mut incoming = Incoming::default();
    for file in input_files(inputs, &["json", "jsonld"], &mut incoming.problems) {
        read_file(&file, &mut incoming);
    }
    incoming
}

/// One file being read.
struct Reader<'a> {
    path: &'a Path,
    lines: Lines,
    problems: &'a mut Vec<ImportProblem>,
    /// The documents of this file, by text hash, in order of first mention.
    docs: Vec<InDoc>,
    by_hash: HashMap<String, usize>,
    /// Annotation id → index of its document.
    doc_of: HashMap<String, usize>,
    relations: Vec<InRelation>,
}

impl Reader<'_> {
    fn place(&self, node: Option<&Node>) -> Place {
        Place::line(self.path, self.lines.of(node, 1))
    }

    fn problem(&mut self, place: Place, message: impl Into<String>) {
        self.problems.push(ImportProblem::new(place, message));
    }
}

fn read_file(path: &Path, incoming: &mut Incoming) {
    let Some(text) = read_text(path, &mut incoming.problems) else {
        return;
    };
    let Some((root, tree)) =
        parse_with_outline(path, &text, "W3C Web Annotations", &mut incoming.problems)
    else {
        return;
    };
    let mut r = Reader {
        path,
        lines: Lines::new(&text),
        problems: &mut incoming.problems,
        docs: Vec::new(),
        by_hash: HashMap::new(),
        doc_of: HashMap::new(),
        relations: Vec::new(),
    };
    items(&mut r, &root, tree.as_ref());
    let Reader {
        mut docs,
        doc_of,
        relations,
        ..
    } = r;
    for rel in relations {
        match doc_of.get(&rel.from).and_then(|&i| docs.get_mut(i)) {
            Some(doc) => doc.relations.push(rel),
            None => incoming.problems.push(ImportProblem::new(
                rel.place.clone(),
                format!(
                    "relation {} starts from {}, which is no annotation of this file",
                    rel.kind, rel.from
                ),
            )),
        }
    }
    incoming.documents.extend(docs);
}

/// Whether `value`'s `type` is (or lists) `kind`.
fn is_type(value: &Value, kind: &str) -> bool {
    match value.get("type") {
        Some(Value::String(s)) => s == kind,
        Some(Value::Array(list)) => list.iter().any(|t| t.as_str() == Some(kind)),
        _ => false,
    }
}

/// Finds the annotations in whatever container the file holds.
fn items(r: &mut Reader<'_>, root: &Value, node: Option<&Node>) {
    match root {
        Value::Array(list) => {
            for (i, item) in list.iter().enumerate() {
                annotation(r, item, node.and_then(|n| n.index(i)));
            }
        }
        Value::Object(obj) if is_type(root, "AnnotationCollection") => {
            let mut page = obj.get("first");
            let mut page_node = node.and_then(|n| n.key("first"));
            while let Some(p) = page {
                if !p.is_object() {
                    let place = r.place(page_node);
                    r.problem(
                        place,
                        "the collection's page is not in the file (only its id is); expected the AnnotationPage embedded",
                    );
                    return;
                }
                items(r, p, page_node);
                page = p.get("next");
                page_node = page_node.and_then(|n| n.key("next"));
            }
        }
        Value::Object(obj) if is_type(root, "AnnotationPage") => {
            let list = obj.get("items").and_then(Value::as_array);
            let list_node = node.and_then(|n| n.key("items"));
            for (i, item) in list.into_iter().flatten().enumerate() {
                annotation(r, item, list_node.and_then(|n| n.index(i)));
            }
        }
        Value::Object(_) if is_type(root, "Annotation") => annotation(r, root, node),
        _ => {
            let place = r.place(node);
            r.problem(
                place,
                "expected an AnnotationCollection, an AnnotationPage, a list of annotations or one Annotation",
            );
        }
    }
}

/// A value that is one item or a list of them, as a list.
fn many(value: Option<&Value>) -> Vec<&Value> {
    match value {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(list)) => list.iter().collect(),
        Some(one) => vec![one],
    }
}

/// The IRI a value names: itself if a string, else its `id` (or, for a specific resource,
/// its `source`).
fn iri_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Object(obj) => obj
            .get("id")
            .and_then(Value::as_str)
            .or_else(|| obj.get("source").and_then(iri_of_str))
            .map(str::to_owned),
        _ => None,
    }
}

fn iri_of_str(value: &Value) -> Option<&str> {
    match value {
        Value::String(s) => Some(s),
        Value::Object(obj) => obj.get("id").and_then(Value::as_str),
        _ => None,
    }
}

/// Who made it: a creator's name, nickname or id (the first creator if several).
fn creator_of(obj: &Map<String, Value>) -> Option<String> {
    let first = many(obj.get("creator")).into_iter().next()?;
    match first {
        Value::String(s) => Some(s.clone()),
        Value::Object(agent) => ["name", "nickname", "id"]
            .iter()
            .find_map(|k| agent.get(*k).and_then(Value::as_str))
            .map(str::to_owned),
        _ => None,
    }
}

/// The values the bodies with a [`PROPERTY`] hold, by attribute in order of first mention: one
/// body's value as text, several bodies' as choices. A body whose attribute or value is not a
/// string is a problem at `place`.
fn values_of(
    bodies: &[&Value],
    place: &Place,
    problems: &mut Vec<ImportProblem>,
) -> Vec<(String, InValue)> {
    let mut found: Vec<(String, Vec<String>)> = Vec::new();
    for b in bodies {
        let Some(name) = b.get(PROPERTY) else {
            continue;
        };
        let (Some(name), Some(value)) = (name.as_str(), b.get("value").and_then(Value::as_str))
        else {
            problems.push(ImportProblem::new(
                place.clone(),
                format!(
                    "a body with {PROPERTY} needs the attribute's name there and its value as the string \"value\""
                ),
            ));
            continue;
        };
        match found.iter_mut().find(|(n, _)| n == name) {
            Some((_, list)) => list.push(value.to_owned()),
            None => found.push((name.to_owned(), vec![value.to_owned()])),
        }
    }
    found
        .into_iter()
        .map(|(name, mut list)| {
            let value = if list.len() == 1 {
                InValue::Text(list.remove(0))
            } else {
                InValue::Choice(list)
            };
            (name, value)
        })
        .collect()
}

/// One annotation or relation.
fn annotation(r: &mut Reader<'_>, value: &Value, node: Option<&Node>) {
    let place = r.place(node);
    let Some(obj) = value.as_object() else {
        r.problem(place, "expected an annotation object");
        return;
    };
    let id = obj.get("id").and_then(Value::as_str).map(str::to_owned);
    let motivations: Vec<&str> = many(obj.get("motivation"))
        .into_iter()
        .filter_map(Value::as_str)
        .collect();
    let bodies = many(obj.get("body"));
    let purpose = |b: &Value| -> Option<String> {
        many(b.get("purpose"))
            .into_iter()
            .find_map(Value::as_str)
            .map(str::to_owned)
    };
    let annotator = creator_of(obj);
    let linking = motivations.contains(&"linking")
        || bodies
            .iter()
            .any(|b| purpose(b).as_deref() == Some("linking"));
    let values = values_of(&bodies, &place, r.problems);
    // The bodies that are not values.
    let bodies: Vec<&Value> = bodies
        .into_iter()
        .filter(|b| b.get(PROPERTY).is_none())
        .collect();
    if linking {
        let named = |b: &&&Value| b.get("value").and_then(Value::as_str).is_some();
        let kind = bodies
            .iter()
            .filter(named)
            .find(|b| purpose(b).as_deref() == Some("tagging"))
            .or_else(|| {
                bodies
                    .iter()
                    .filter(named)
                    .find(|b| !matches!(purpose(b).as_deref(), Some("linking" | "commenting")))
            })
            .and_then(|b| b.get("value"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        let note: Vec<&str> = bodies
            .iter()
            .filter(|b| purpose(b).as_deref() == Some("commenting"))
            .filter_map(|b| b.get("value").and_then(Value::as_str))
            .collect();
        let to = bodies
            .iter()
            .find(|b| b.get("value").is_none())
            .and_then(|b| iri_of(b));
        let from = many(obj.get("target")).into_iter().next().and_then(iri_of);
        let (Some(from), Some(to)) = (from, to) else {
            r.problem(
                place,
                "a linking annotation needs a target (the annotation it starts from) and a body naming the annotation it points to",
            );
            return;
        };
        r.relations.push(InRelation {
            note: note.join("\n"),
            values,
            place,
            kind: kind.to_owned(),
            from,
            to,
            annotator,
        });
        return;
    }

    let mut a = InAnnotation {
        key: id.clone().unwrap_or_else(|| format!("{place}")),
        place: place.clone(),
        annotator,
        values,
        ..InAnnotation::default()
    };
    let mut labels = Vec::new();
    if let Some(value) = obj.get("bodyValue").and_then(Value::as_str) {
        labels_or_note(&mut a, &mut labels, None, value, &motivations);
    }
    for b in &bodies {
        // A textual body's value, or the IRI an external body names.
        let value = match b.get("value") {
            Some(v) => v.as_str().map(str::to_owned),
            None => iri_of(b),
        };
        if let Some(value) = value {
            labels_or_note(
                &mut a,
                &mut labels,
                purpose(b).as_deref(),
                &value,
                &motivations,
            );
        }
    }
    let (source, title, fragments, quotes) = match targets(obj) {
        Ok(t) => t,
        Err(message) => {
            r.problem(place, message);
            return;
        }
    };
    let Some(hash) = source
        .strip_prefix("urn:sha256:")
        .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_ascii_lowercase)
    else {
        r.problem(
            place,
            format!(
                "the target's source {source:?} is not urn:sha256:<64 hex digits>; Marginalia finds the article by the SHA-256 of its text"
            ),
        );
        return;
    };
    if labels.is_empty() {
        r.problem(place, "the annotation has no tagging body (its tag)");
        return;
    }
    a.fragments = fragments;
    a.quote = quotes.map(|q| q.join(" "));
    let doc = match r.by_hash.get(&hash) {
        Some(&i) => i,
        None => {
            r.docs.push(InDoc {
                place: place.clone(),
                sha256: Some(hash.clone()),
                unit: OffsetUnit::CodePoints,
                ..InDoc::default()
            });
            if let Some(d) = r.docs.last_mut() {
                d.meta.title = title.unwrap_or_default();
            }
            r.by_hash.insert(hash, r.docs.len() - 1);
            r.docs.len() - 1
        }
    };
    r.doc_of.insert(a.key.clone(), doc);
    if let Some(d) = r.docs.get_mut(doc) {
        for label in labels {
            d.annotations.push(InAnnotation { label, ..a.clone() });
        }
    }
}

/// Files a textual body under the tag, the entity, the status or the note, by its purpose
/// (or, without one, by the annotation's motivation).
fn labels_or_note(
    a: &mut InAnnotation,
    labels: &mut Vec<String>,
    purpose: Option<&str>,
    value: &str,
    motivations: &[&str],
) {
    let purpose = purpose.or_else(|| motivations.first().copied());
    match purpose {
        Some("tagging" | "classifying") => labels.push(value.to_owned()),
        Some("identifying") => {
            a.entity = Some(InEntity {
                refs: Default::default(),
                name: value.to_owned(),
                kind: None,
            });
        }
        Some("assessing") if matches!(value, "accepted" | "rejected" | "pending") => {
            a.status = Some(match value {
                "accepted" => ReviewStatus::Accepted,
                "rejected" => ReviewStatus::Rejected,
                _ => ReviewStatus::Pending,
            });
        }
        other => {
            if !a.note.is_empty() {
                a.note.push('\n');
            }
            match other {
                None | Some("commenting") => {}
                Some(p) => a.note.push_str(&format!("{p}: ")),
            }
            a.note.push_str(value);
        }
    }
}

/// Source, title, fragments (code points) and exact quotes (when every target has one) of an
/// annotation's targets.
type Targets = (
    String,
    Option<String>,
    Vec<(usize, usize)>,
    Option<Vec<String>>,
);

fn targets(obj: &Map<String, Value>) -> Result<Targets, String> {
    let list = many(obj.get("target"));
    if list.is_empty() {
        return Err("the annotation has no target".into());
    }
    let mut source: Option<String> = None;
    let mut title = None;
    let mut fragments = Vec::new();
    let mut quotes = Some(Vec::new());
    for t in list {
        let Some(t) = t.as_object() else {
            return Err("a target is a whole resource, not a span of its text; expected a TextPositionSelector".into());
        };
        let Some(this) = t.get("source").and_then(iri_of_str) else {
            return Err("a target has no source".into());
        };
        if source.as_deref().is_some_and(|s| s != this) {
            return Err("the targets point at different documents".into());
        }
        source = Some(this.to_owned());
        if title.is_none() {
            title = t
                .get("source")
                .and_then(|s| s.get("label"))
                .and_then(Value::as_str)
                .map(str::to_owned);
        }
        let selectors = many(t.get("selector"));
        let position = selectors
            .iter()
            .find(|s| is_type(s, "TextPositionSelector"))
            .and_then(|s| {
                let num = |k: &str| s.get(k)?.as_u64().and_then(|n| usize::try_from(n).ok());
                Some((num("start")?, num("end")?))
            });
        let Some(position) = position else {
            return Err("a target has no TextPositionSelector with whole-number start and end; a quote alone cannot be placed".into());
        };
        fragments.push(position);
        let exact = selectors
            .iter()
            .find(|s| is_type(s, "TextQuoteSelector"))
            .and_then(|s| s.get("exact"))
            .and_then(Value::as_str);
        match (exact, quotes.as_mut()) {
            (Some(q), Some(list)) => list.push(q.to_owned()),
            _ => quotes = None,
        }
    }
    Ok((source.unwrap_or_default(), title, fragments, quotes))
}
