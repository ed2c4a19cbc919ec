//! Reading W3C Web Annotations into [`Incoming`].
//!
//! Our own export comes back as it went out; annotations of other tools come in by what the
//! model says: the tag from `tagging` and `classifying` bodies (or from the motivation, else
//! `annotation`, when there is none), the note from `commenting` and `describing` bodies and
//! bodies without a purpose, `bodyValue`, the first item of a `Choice`; Hypothesis' own API
//! shape (an annotation without `type`, `text` as the note, `tags`, `user`, `uri` and
//! `document.title`; a search result's `rows` or a client export's `annotations`); and
//! RecogitoJS' (no `source`, the creator on the bodies, links as two targets). Where each
//! target lands is [`super::target`]'s and [`super::anchor`]'s business; what selects no text
//! is skipped and counted, by reason, in the report's notes.
//!
//! A body with a `schema:propertyID` (see [`super::PROPERTY`]) is a value of the attribute it
//! names, whatever its purpose: one such body is a value in words (a string, which the import
//! planner fits to the kind the project declares for the attribute, and free text for an
//! attribute the project lacks), several of the same attribute are choices. A classifying
//! body without one is a tag, as before. A linking annotation's `commenting` body is the
//! link's note.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::model::{Document, ReviewStatus};

use super::super::incoming::InValue;
use super::super::jsonpos::{Lines, Node, parse_with_outline};
use super::super::{
    ImportProblem, InAnnotation, InDoc, InEntity, InRelation, Incoming, OffsetUnit, Place,
    input_files, read_text,
};
use super::PROPERTY;
use super::anchor::Placed;
use super::tally::{Tally, unmatched_message};
use super::target::{
    Articles, Matched, Spans, TargetIn, adjusted_words, hash_of, kinds, many, own_position, push,
    targets,
};

/// Reads W3C Web Annotation JSON-LD files (a collection with embedded pages, a page, an array
/// of annotations or one annotation; Hypothesis' API and export shapes too), or every
/// `.json`/`.jsonld` file of a folder, placing the annotations on `articles` (the project's).
/// Positions count code points.
pub(crate) fn read(inputs: &[PathBuf], articles: &[Document]) -> Incoming {
    let mut incoming = Incoming::default();
    let mut shared = Shared {
        articles: Articles::new(articles),
        tally: Tally::default(),
    };
    for file in input_files(inputs, &["json", "jsonld"], &mut incoming.problems) {
        read_file(&file, &mut incoming, &mut shared);
    }
    incoming.notes.extend(shared.tally.lines());
    incoming
}

/// What the files of one import share: the articles and the report's tally.
struct Shared<'a> {
    articles: Articles<'a>,
    tally: Tally,
}

/// One file being read.
struct Reader<'a, 's> {
    path: &'a Path,
    shared: &'a mut Shared<'s>,
    lines: Lines,
    problems: &'a mut Vec<ImportProblem>,
    /// The documents of this file, by text hash, in order of first mention.
    docs: Vec<InDoc>,
    by_hash: HashMap<String, usize>,
    /// Annotation id → index of its document.
    doc_of: HashMap<String, usize>,
    relations: Vec<InRelation>,
    /// Sources no article matched → the place of the first annotation and the ids.
    unmatched: BTreeMap<Option<String>, (Place, Vec<String>)>,
}

impl Reader<'_, '_> {
    fn place(&self, node: Option<&Node>) -> Place {
        Place::line(self.path, self.lines.of(node, 1))
    }

    fn problem(&mut self, place: Place, message: impl Into<String>) {
        self.problems.push(ImportProblem::new(place, message));
    }
}

fn read_file(path: &Path, incoming: &mut Incoming, shared: &mut Shared<'_>) {
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
        shared,
        unmatched: BTreeMap::new(),
        lines: Lines::new(&text),
        problems: &mut incoming.problems,
        docs: Vec::new(),
        by_hash: HashMap::new(),
        doc_of: HashMap::new(),
        relations: Vec::new(),
    };
    items(&mut r, &root, tree.as_ref());
    let articles = r.shared.articles.len();
    let Reader {
        mut docs,
        doc_of,
        relations,
        unmatched,
        ..
    } = r;
    for (source, (place, ids)) in unmatched {
        incoming.problems.push(ImportProblem::new(
            place,
            unmatched_message(source.as_deref(), &ids, articles),
        ));
    }
    for mut rel in relations {
        match doc_of.get(&rel.from).and_then(|&i| docs.get_mut(i)) {
            Some(doc) => {
                // A link that names no creator is in the layer of the span it starts from.
                if rel.annotator.is_none() {
                    rel.annotator = doc
                        .annotations
                        .iter()
                        .find(|a| a.key == rel.from)
                        .and_then(|a| a.annotator.clone());
                }
                doc.relations.push(rel);
            }
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
fn items(r: &mut Reader<'_, '_>, root: &Value, node: Option<&Node>) {
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
        // Hypothesis: a search result's `rows`, a client export's `annotations`.
        Value::Object(obj)
            if ["rows", "annotations"]
                .iter()
                .any(|k| obj.get(*k).is_some_and(Value::is_array)) =>
        {
            for key in ["rows", "annotations"] {
                if let Some(list) = obj.get(key) {
                    items(r, list, node.and_then(|n| n.key(key)));
                }
            }
        }
        // Hypothesis' API annotation has no `type`.
        Value::Object(obj) if obj.get("type").is_none() && obj.contains_key("target") => {
            annotation(r, root, node);
        }
        _ => {
            let place = r.place(node);
            r.problem(
                place,
                "expected an AnnotationCollection, an AnnotationPage, a list of annotations or one Annotation (or Hypothesis' rows or annotations)",
            );
        }
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

/// Who made it: the annotation's creator, else Hypothesis' `user`, else the creator of the
/// first body that names one (RecogitoJS puts it there).
fn annotator_of(obj: &Map<String, Value>, bodies: &[&Value]) -> Option<String> {
    creator_of(obj)
        .or_else(|| obj.get("user").and_then(Value::as_str).map(str::to_owned))
        .or_else(|| {
            bodies
                .iter()
                .find_map(|b| b.as_object().and_then(creator_of))
        })
}

/// The bodies, with a `Choice` as its first item (and whether there was one).
fn bodies_of(obj: &Map<String, Value>) -> (Vec<&Value>, bool) {
    let mut chose = false;
    let bodies = many(obj.get("body"))
        .into_iter()
        .filter_map(|b| {
            if is_type(b, "Choice") {
                chose = true;
                many(b.get("items")).into_iter().next()
            } else {
                Some(b)
            }
        })
        .collect();
    (bodies, chose)
}

/// One annotation or relation.
fn annotation(r: &mut Reader<'_, '_>, value: &Value, node: Option<&Node>) {
    let place = r.place(node);
    let Some(obj) = value.as_object() else {
        r.problem(place, "expected an annotation object");
        return;
    };
    let id = obj.get("id").and_then(Value::as_str).map(str::to_owned);
    let name = id.clone().unwrap_or_else(|| format!("{place}"));
    let motivations: Vec<&str> = many(obj.get("motivation"))
        .into_iter()
        .filter_map(Value::as_str)
        .collect();
    let (bodies, chose) = bodies_of(obj);
    let purpose = |b: &Value| -> Option<String> {
        many(b.get("purpose"))
            .into_iter()
            .find_map(Value::as_str)
            .map(str::to_owned)
    };
    let annotator = annotator_of(obj, &bodies);
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
        let ends: Vec<String> = many(obj.get("target"))
            .into_iter()
            .filter_map(iri_of)
            .collect();
        // Ours: the target starts, a body points. RecogitoJS: two targets, from and to.
        let to = bodies
            .iter()
            .find(|b| b.get("value").is_none())
            .and_then(|b| iri_of(b))
            .or_else(|| ends.get(1).cloned());
        let from = ends.first().cloned();
        let (Some(from), Some(to)) = (from, to) else {
            r.problem(
                place,
                "a linking annotation needs a target (the annotation it starts from) and a body or a second target naming the annotation it points to",
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
    if many(obj.get("references")).iter().any(|v| v.is_string()) {
        r.shared.tally.skip(
            "written as a reply to another annotation (Hypothesis `references`), not to the text",
            &name,
        );
        return;
    }

    let mut a = InAnnotation {
        key: name.clone(),
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
    // Hypothesis' API shape.
    if let Some(text) = obj
        .get("text")
        .and_then(Value::as_str)
        .filter(|t| !t.trim().is_empty())
    {
        labels_or_note(&mut a, &mut labels, Some("commenting"), text, &[]);
    }
    labels.extend(
        many(obj.get("tags"))
            .into_iter()
            .filter_map(Value::as_str)
            .filter(|t| !t.trim().is_empty())
            .map(str::to_owned),
    );
    let title = obj
        .get("document")
        .and_then(|d| many(d.get("title")).into_iter().find_map(Value::as_str));
    let uri = obj.get("uri").and_then(Value::as_str);
    let all = targets(obj.get("target"), uri, title);
    if all.is_empty() {
        r.problem(place, format!("{name} has no target"));
        return;
    }
    let (text, other): (Vec<TargetIn<'_>>, Vec<TargetIn<'_>>) =
        all.into_iter().partition(TargetIn::selects_text);
    if text.is_empty() {
        let reason = if other.iter().all(|t| t.selectors.is_empty()) {
            "whose target is a whole resource, not a span of its text".to_owned()
        } else {
            format!("whose selectors select no text ({})", kinds(&other))
        };
        r.shared.tally.skip(reason, &name);
        return;
    }
    // What the report says of this annotation once it is placed.
    let mut said: Vec<String> = Vec::new();
    if !other.is_empty() {
        let what = match kinds(&other) {
            k if k.is_empty() => "whole resources".to_owned(),
            k => k,
        };
        said.push(format!(
            "with targets besides text that select no text ({what}), which were left out"
        ));
    }
    if chose {
        said.push("with a Choice body, of which the first item was taken".into());
    }
    if labels.is_empty() {
        let tag = motivations
            .first()
            .copied()
            .unwrap_or("annotation")
            .to_owned();
        said.push(format!(
            "without a tagging or classifying body, so tagged {tag:?}"
        ));
        labels.push(tag);
    }
    // Each target on its article: (article, or the hash of a text not in the project) →
    // fragments and quotes.
    let mut placed: Vec<Spans> = Vec::new();
    for t in &text {
        let found = r
            .shared
            .articles
            .find(t.source.as_deref(), t.title.as_deref());
        let Some((article, how)) = found else {
            if let Some(hash) = t.source.as_deref().and_then(hash_of) {
                // A text of ours that the project lacks: the planner says so, by hash.
                match own_position(t) {
                    Ok((span, quote)) => push(&mut placed, Err(hash), span, quote),
                    Err(message) => {
                        r.problem(place, format!("{name}: {message}"));
                        return;
                    }
                }
                continue;
            }
            let entry = r
                .unmatched
                .entry(t.source.clone())
                .or_insert_with(|| (place.clone(), Vec::new()));
            entry.1.push(name.clone());
            return;
        };
        if how == Matched::Only {
            said.push(format!(
                    "whose source {} matches no article's URL, title or text, so they were placed on the project's only article",
                    t.source.as_deref().map_or("(none)".to_owned(), |s| format!("{s:?}"))
                ));
        }
        match r.shared.articles.place(article, &t.selectors) {
            (Placed::Span { start, end, notes }, quote) => {
                said.extend(notes.iter().map(adjusted_words));
                push(&mut placed, Ok(article), (start, end), quote);
            }
            (Placed::Unresolvable(outer), _) => {
                r.shared.tally.skip(
                    format!(
                        "whose text selectors count from inside a {outer}, which plain text cannot resolve"
                    ),
                    &name,
                );
                return;
            }
            (Placed::NotText(_), _) => {
                r.shared.tally.skip("whose selectors select no text", &name);
                return;
            }
            (Placed::Failed(why), _) => {
                r.problem(place, format!("{name}: {why}"));
                return;
            }
        }
    }
    // Once per annotation, however many of its targets it concerns.
    said.sort();
    said.dedup();
    for what in said {
        r.shared.tally.adjust(what, &name);
    }
    for (article, fragments, quotes) in placed {
        let key = match &article {
            Ok(i) => r.shared.articles.hash(*i),
            Err(hash) => hash.clone(),
        };
        let doc = match r.by_hash.get(&key) {
            Some(&i) => i,
            None => {
                let mut d = InDoc {
                    place: place.clone(),
                    sha256: Some(key.clone()),
                    unit: OffsetUnit::CodePoints,
                    ..InDoc::default()
                };
                if article.is_err() {
                    d.meta.title = text
                        .iter()
                        .find_map(|t| t.title.clone())
                        .unwrap_or_default();
                }
                r.docs.push(d);
                r.by_hash.insert(key, r.docs.len() - 1);
                r.docs.len() - 1
            }
        };
        r.doc_of.entry(a.key.clone()).or_insert(doc);
        let mut one = a.clone();
        one.fragments = fragments;
        one.quote = Some(quotes.join(" "));
        if let Some(d) = r.docs.get_mut(doc) {
            for label in &labels {
                d.annotations.push(InAnnotation {
                    label: label.clone(),
                    ..one.clone()
                });
            }
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
                None | Some("commenting" | "describing") => {}
                Some(p) => a.note.push_str(&format!("{p}: ")),
            }
            a.note.push_str(value);
        }
    }
}
