//! Validation of a parsed project file: every problem is listed, not just the first.

use std::collections::{HashMap, HashSet};

use crate::model::{
    Attribute, AttributeKind, CharOffset, Codebook, CodebookId, TextIndex, Values,
    is_grapheme_boundary, is_partial_iso_date, refuse_value, sha256_hex,
};

use super::file::{AnnotationRecord, OFFSET_UNIT, ProjectFile};
use super::problem::{Anchor, Problem, ProblemKind};
use crate::par::par_map;

/// What validation learned: the problems, and each document's offset index (reused to convert
/// offsets when the file becomes a project).
pub struct Checked {
    /// Every problem found, in file order.
    pub problems: Vec<Problem>,
    /// Offset index per document id.
    pub indexes: HashMap<String, TextIndex>,
}

/// Counts how often each id has been seen in the file (every kind together: a problem's
/// anchor is the nth `id:` with that text), and which ids each kind has, for duplicates: an
/// entity may share its id with a document, a choice value with a relation type.
struct Seen<'f>(HashMap<&'f str, usize>, HashSet<(&'static str, &'f str)>);

/// The `nth` occurrence of an id in the file; becomes an [`Anchor`] only if a problem is found.
#[derive(Clone, Copy)]
struct Place<'f> {
    id: &'f str,
    nth: usize,
}

impl Place<'_> {
    fn anchor(self) -> Anchor {
        Anchor::Id(self.id.to_owned(), self.nth)
    }
}

impl<'f> Seen<'f> {
    /// Records `id` of an item of `kind`; returns where this occurrence is and whether an
    /// item of that kind had the id before.
    fn see(&mut self, kind: &'static str, id: &'f str) -> (Place<'f>, bool) {
        let n = self.0.entry(id).or_insert(0);
        *n += 1;
        let dup = !self.1.insert((kind, id));
        (Place { id, nth: *n - 1 }, dup)
    }
}

/// Checks everything that can be wrong in `file`.
pub fn check(file: &ProjectFile) -> Checked {
    let mut out = Vec::new();
    let mut push =
        |kind, anchor: Anchor, message: String| out.push(Problem::new(kind, anchor, message));

    if file.offset_unit != OFFSET_UNIT {
        push(
            ProblemKind::BadValue,
            Anchor::File,
            format!(
                "offset_unit is {:?}; expected {OFFSET_UNIT:?}",
                file.offset_unit
            ),
        );
    }
    // Ids are looked up in the file by their text, so every kind shares one counter.
    let ids = file.schema.tags.len()
        + file.schema.relations.len()
        + file.entities.len()
        + file.documents.len()
        + file.annotations.len()
        + file.relations.len()
        + file.decisions.len();
    let mut seen = Seen(HashMap::with_capacity(ids), HashSet::with_capacity(ids));
    let tags: HashSet<&str> = file.schema.tags.iter().map(|t| t.id.as_str()).collect();
    let books: HashSet<&str> = file.codebooks.iter().map(|b| b.id.as_str()).collect();
    for t in &file.schema.tags {
        let (anchor, dup) = seen.see("tag", t.id.as_str());
        if dup {
            push(
                ProblemKind::DuplicateId,
                anchor.anchor(),
                format!("tag type {} is defined twice", t.id),
            );
        }
        let owner = format!("tag type {}", t.id);
        for (kind, anchor, message) in check_attributes(&owner, &t.attributes, &mut seen, &books) {
            push(kind, anchor, message);
        }
    }
    for r in &file.schema.relations {
        let (anchor, dup) = seen.see("relation type", r.id.as_str());
        if dup {
            push(
                ProblemKind::DuplicateId,
                anchor.anchor(),
                format!("relation type {} is defined twice", r.id),
            );
        }
        let owner = format!("relation type {}", r.id);
        for (kind, anchor, message) in check_attributes(&owner, &r.attributes, &mut seen, &books) {
            push(kind, anchor, message);
        }
        for t in r
            .from
            .iter()
            .chain(&r.to)
            .filter(|t| !tags.contains(t.as_str()))
        {
            push(
                ProblemKind::UnknownTag,
                anchor.anchor(),
                format!(
                    "relation type {} names tag {t}, which the schema does not define",
                    r.id
                ),
            );
        }
    }
    for v in &file.schema.variables {
        let (anchor, dup) = seen.see("variable", v.id.as_str());
        if dup {
            push(
                ProblemKind::DuplicateId,
                anchor.anchor(),
                format!("article variable {} is defined twice", v.id),
            );
        }
        if let crate::model::VariableKind::Choice { values } = &v.kind
            && values.is_empty()
        {
            push(
                ProblemKind::BadValue,
                anchor.anchor(),
                format!("article variable {} is a choice with no values", v.id),
            );
        }
    }
    for b in &file.codebooks {
        let (anchor, dup) = seen.see("codebook", b.id.as_str());
        if dup {
            push(
                ProblemKind::DuplicateId,
                anchor.anchor(),
                format!("codebook {} appears twice", b.id),
            );
        }
        for (kind, anchor, message) in check_codebook(b, &mut seen) {
            push(kind, anchor, message);
        }
    }
    let codebooks: crate::model::SharedMap<CodebookId, Codebook> = file
        .codebooks
        .iter()
        .map(|b| (b.id.clone(), b.clone()))
        .collect();
    let mut entities = HashSet::new();
    for e in &file.entities {
        let (anchor, dup) = seen.see("entity", e.id.as_str());
        if dup {
            push(
                ProblemKind::DuplicateId,
                anchor.anchor(),
                format!("entity {} appears twice", e.id),
            );
        }
        if e.name.trim().is_empty() {
            push(
                ProblemKind::BadValue,
                anchor.anchor(),
                format!("entity {} has no name", e.id),
            );
        }
        for x in e
            .refs
            .iter()
            .filter(|x| x.kb.trim().is_empty() || x.id.trim().is_empty())
        {
            push(
                ProblemKind::BadValue,
                anchor.anchor(),
                format!(
                    "entity {}: a knowledge-base reference needs both a base and an id (found {:?}:{:?})",
                    e.id, x.kb, x.id
                ),
            );
        }
        entities.insert(e.id.as_str());
    }

    let mut indexes = HashMap::with_capacity(file.documents.len());
    let mut texts = HashMap::with_capacity(file.documents.len());
    let mut prepared = par_map(&file.documents, |d| {
        (sha256_hex(&d.text), TextIndex::new(&d.text))
    })
    .into_iter();
    for d in &file.documents {
        let Some((hash, index)) = prepared.next() else {
            break;
        };
        let (anchor, dup) = seen.see("document", d.id.as_str());
        if dup {
            push(
                ProblemKind::DuplicateId,
                anchor.anchor(),
                format!("document {} appears twice", d.id),
            );
            continue;
        }
        if hash != d.sha256 {
            push(
                ProblemKind::HashMismatch,
                anchor.anchor(),
                format!(
                    "document {}: the text's SHA-256 is {hash}, but the file records {} (the text was changed)",
                    d.id, d.sha256
                ),
            );
        }
        if let Some(p) = d.published.as_deref().filter(|p| !is_partial_iso_date(p)) {
            push(
                ProblemKind::BadValue,
                anchor.anchor(),
                format!(
                    "document {}: published {p:?} is not a date like 2023-04-11",
                    d.id
                ),
            );
        }
        for (var, value) in &d.variables {
            let at = Anchor::Within(d.id.0.clone(), anchor.nth, format!("\"{var}\":"));
            match file.schema.variable(var) {
                None => push(
                    ProblemKind::UnknownAttribute,
                    at,
                    format!(
                        "document {}: variable {var} is not one of the project's article variables",
                        d.id
                    ),
                ),
                Some(v) => {
                    if let Some(why) = v.kind.refuse(value) {
                        push(
                            ProblemKind::BadValue,
                            at,
                            format!("document {}: variable {var}: {why}", d.id),
                        );
                    }
                }
            }
        }
        indexes.insert(d.id.0.clone(), index);
        texts.insert(d.id.as_str(), d.text.as_str());
    }

    // Each annotation against its text (the costly part), on every core; `None`: no such
    // document.
    let spans = par_map(&file.annotations, |a| {
        match (texts.get(a.doc.as_str()), indexes.get(a.doc.as_str())) {
            (Some(text), Some(index)) => Some(check_annotation(a, text, index)),
            _ => None,
        }
    });
    let mut annotation_docs: HashMap<&str, (&str, &str)> =
        HashMap::with_capacity(file.annotations.len()); // id → (doc, tag)
    for (a, span_problems) in file.annotations.iter().zip(spans) {
        let (anchor, dup) = seen.see("annotation", a.id.as_str());
        if dup {
            push(
                ProblemKind::DuplicateId,
                anchor.anchor(),
                format!("annotation {} appears twice", a.id),
            );
        } else {
            annotation_docs.insert(a.id.as_str(), (a.doc.as_str(), a.tag.as_str()));
        }
        match file.schema.tag(&a.tag) {
            None => push(
                ProblemKind::UnknownTag,
                anchor.anchor(),
                format!("annotation {}: tag {} is not in the schema", a.id, a.tag),
            ),
            Some(t) if !a.values.is_empty() => {
                let owner = ("annotation", a.id.as_str());
                let declared = (&t.attributes[..], ("a", t.id.as_str()));
                for (kind, at, message) in
                    check_values(owner, anchor, &a.values, declared, &codebooks)
                {
                    push(kind, at, message);
                }
            }
            Some(_) => {}
        }
        if let Some(e) = a.entity.as_ref().filter(|e| !entities.contains(e.as_str())) {
            push(
                ProblemKind::DanglingReference,
                anchor.anchor(),
                format!("annotation {}: entity {e} is not in the registry", a.id),
            );
        }
        if a.annotator.trim().is_empty() {
            push(
                ProblemKind::BadValue,
                anchor.anchor(),
                format!("annotation {} has no annotator", a.id),
            );
        }
        match span_problems {
            Some(problems) => {
                for (kind, message) in problems {
                    push(kind, anchor.anchor(), message);
                }
            }
            None => push(
                ProblemKind::DanglingReference,
                anchor.anchor(),
                format!(
                    "annotation {}: document {} is not in the project",
                    a.id, a.doc
                ),
            ),
        }
    }

    for r in &file.relations {
        let (anchor, dup) = seen.see("relation", r.id.as_str());
        if dup {
            push(
                ProblemKind::DuplicateId,
                anchor.anchor(),
                format!("relation {} appears twice", r.id),
            );
        }
        let ends = [&r.from, &r.to].map(|end| annotation_docs.get(end.as_str()).copied());
        for (end, found) in [&r.from, &r.to].iter().zip(&ends) {
            if found.is_none() {
                push(
                    ProblemKind::DanglingReference,
                    anchor.anchor(),
                    format!("relation {}: annotation {end} does not exist", r.id),
                );
            }
        }
        let Some(kind) = file.schema.relations.iter().find(|k| k.id == r.kind) else {
            push(
                ProblemKind::DanglingReference,
                anchor.anchor(),
                format!("relation {}: type {} is not in the schema", r.id, r.kind),
            );
            continue;
        };
        if !r.values.is_empty() {
            let owner = ("relation", r.id.as_str());
            let declared = (&kind.attributes[..], ("a link of type", kind.id.as_str()));
            for (k, at, message) in check_values(owner, anchor, &r.values, declared, &codebooks) {
                push(k, at, message);
            }
        }
        if let [Some((doc_a, tag_a)), Some((doc_b, tag_b))] = ends {
            if doc_a != doc_b {
                push(
                    ProblemKind::BadRelation,
                    anchor.anchor(),
                    format!(
                        "relation {} links annotations of two documents ({doc_a}, {doc_b})",
                        r.id
                    ),
                );
            }
            if !kind.allows(&tag_a.into(), &tag_b.into()) {
                push(
                    ProblemKind::BadRelation,
                    anchor.anchor(),
                    format!(
                        "relation {}: {} cannot link a {tag_a} to a {tag_b}",
                        r.id, r.kind
                    ),
                );
            }
        }
    }
    // A decision's annotations are a record of what it settled, which a later update of a
    // layer may remove; only its document must exist.
    for d in &file.decisions {
        let (anchor, dup) = seen.see("decision", d.id.as_str());
        if dup {
            push(
                ProblemKind::DuplicateId,
                anchor.anchor(),
                format!("decision {} appears twice", d.id),
            );
        }
        if !texts.contains_key(d.doc.as_str()) {
            push(
                ProblemKind::DanglingReference,
                anchor.anchor(),
                format!(
                    "decision {}: document {} is not in the project",
                    d.id, d.doc
                ),
            );
        }
        if !d.seen.is_empty() && d.seen.len() != d.sources.len() {
            push(
                ProblemKind::BadValue,
                anchor.anchor(),
                format!(
                    "decision {}: {} fingerprints for {} sources (expected one per source)",
                    d.id,
                    d.seen.len(),
                    d.sources.len()
                ),
            );
        }
        if d.decided_by.trim().is_empty() {
            push(
                ProblemKind::BadValue,
                anchor.anchor(),
                format!("decision {} names no reviewer", d.id),
            );
        }
    }
    Checked {
        problems: out,
        indexes,
    }
}

/// One problem: its kind, where it is, what is wrong.
type Found = (ProblemKind, Anchor, String);

/// Checks the attributes a tag or relation type (`owner`) declares, seeing their ids and
/// their values' ids in file order.
fn check_attributes<'f>(
    owner: &str,
    attributes: &'f [Attribute],
    seen: &mut Seen<'f>,
    books: &HashSet<&str>,
) -> Vec<Found> {
    let mut out = Vec::new();
    let mut ids = HashSet::new();
    for a in attributes {
        let (place, _) = seen.see("attribute", a.id.as_str());
        let at = place.anchor();
        if !ids.insert(a.id.as_str()) {
            out.push((
                ProblemKind::DuplicateId,
                at.clone(),
                format!("{owner} declares attribute {} twice", a.id),
            ));
        }
        match &a.kind {
            AttributeKind::Choice {
                values, default, ..
            } => {
                let mut value_ids = HashSet::new();
                for v in values {
                    let (place, _) = seen.see("choice value", v.id.as_str());
                    if !value_ids.insert(v.id.as_str()) {
                        out.push((
                            ProblemKind::DuplicateId,
                            place.anchor(),
                            format!("{owner}: attribute {} has the value {:?} twice", a.id, v.id),
                        ));
                    }
                }
                if values.is_empty() {
                    out.push((
                        ProblemKind::BadValue,
                        at.clone(),
                        format!("{owner}: attribute {} is a choice with no values", a.id),
                    ));
                }
                if let Some(d) = default.as_ref().filter(|d| !value_ids.contains(d.as_str())) {
                    out.push((
                        ProblemKind::BadValue,
                        at.clone(),
                        format!(
                            "{owner}: attribute {}'s default {d:?} is not one of its values",
                            a.id
                        ),
                    ));
                }
            }
            AttributeKind::Scale { min, max } if min >= max => out.push((
                ProblemKind::BadValue,
                at.clone(),
                format!(
                    "{owner}: attribute {} has the scale {min} to {max}; expected the smallest value first",
                    a.id
                ),
            )),
            AttributeKind::Code { codebook } if !books.contains(codebook.as_str()) => out.push((
                ProblemKind::DanglingReference,
                at.clone(),
                format!(
                    "{owner}: attribute {} takes codes of the codebook {codebook}, which the project lacks",
                    a.id
                ),
            )),
            _ => {}
        }
    }
    out
}

/// Checks a codebook's codes, seeing their ids in file order: each id once, each parent a
/// code of the book, no code its own ancestor.
fn check_codebook<'f>(book: &'f Codebook, seen: &mut Seen<'f>) -> Vec<Found> {
    let mut out = Vec::new();
    let mut ids = HashSet::new();
    for c in &book.codes {
        let (place, _) = seen.see("code", c.id.as_str());
        let at = place.anchor();
        if !ids.insert(c.id.as_str()) {
            out.push((
                ProblemKind::DuplicateId,
                at.clone(),
                format!("codebook {}: code {} appears twice", book.id, c.id),
            ));
        }
        if c.label.trim().is_empty() {
            out.push((
                ProblemKind::BadValue,
                at.clone(),
                format!("codebook {}: code {} has no label", book.id, c.id),
            ));
        }
        if let Some(p) = &c.parent {
            if book.code(p).is_none() {
                out.push((
                    ProblemKind::DanglingReference,
                    at.clone(),
                    format!(
                        "codebook {}: code {}'s parent {p} is not in the codebook",
                        book.id, c.id
                    ),
                ));
            } else {
                // Walk up: a cycle comes back to the code within as many steps as codes.
                let mut up = book.code(p);
                for _ in 0..book.codes.len() {
                    let Some(u) = up else { break };
                    if u.id == c.id {
                        out.push((
                            ProblemKind::BadValue,
                            at.clone(),
                            format!(
                                "codebook {}: code {} is its own ancestor (its parents go round in a circle)",
                                book.id, c.id
                            ),
                        ));
                        break;
                    }
                    up = u.parent.as_ref().and_then(|p| book.code(p));
                }
            }
        }
    }
    out
}

/// Checks the values of one annotation or relation (`owner`, at `place`) against the
/// attributes its type declares (`declared`: the attributes and what the type is called).
fn check_values(
    owner: (&str, &str),
    place: Place<'_>,
    values: &Values,
    declared: (&[Attribute], (&str, &str)),
    codebooks: &crate::model::SharedMap<CodebookId, Codebook>,
) -> Vec<Found> {
    let (attributes, (article, type_id)) = declared;
    let type_name = || format!("{article} {type_id}");
    let owner = || format!("{} {}", owner.0, owner.1);
    let mut out = Vec::new();
    for (id, value) in values {
        // Made only for a problem: most values have none.
        let at = || Anchor::Within(place.id.to_owned(), place.nth, format!("\"{id}\":"));
        match attributes.iter().find(|a| &a.id == id) {
            None => out.push((
                ProblemKind::UnknownAttribute,
                at(),
                format!(
                    "{}: {} has no attribute {id}{}",
                    owner(),
                    type_name(),
                    if attributes.is_empty() {
                        String::new()
                    } else {
                        format!(
                            " (it has {})",
                            attributes
                                .iter()
                                .map(|a| a.id.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    }
                ),
            )),
            Some(a) => {
                if let Some(why) = refuse_value(a, value, codebooks) {
                    out.push((ProblemKind::BadValue, at(), format!("{}: {why}", owner())));
                }
            }
        }
    }
    out
}

/// Checks one annotation's fragments and quote against its document's text.
fn check_annotation(
    a: &AnnotationRecord,
    text: &str,
    index: &TextIndex,
) -> Vec<(ProblemKind, String)> {
    let mut found = Vec::new();
    if a.fragments.is_empty() {
        found.push((
            ProblemKind::OffsetOutOfRange,
            format!("annotation {} has no fragments", a.id),
        ));
        return found;
    }
    let mut quote = String::new();
    let mut previous_end = 0;
    for (i, &(start, end)) in a.fragments.iter().enumerate() {
        if start >= end {
            found.push((
                ProblemKind::OffsetOutOfRange,
                format!(
                    "annotation {}: fragment ({start}, {end}) is empty or reversed",
                    a.id
                ),
            ));
            return found;
        }
        if i > 0 && start < previous_end {
            found.push((
                ProblemKind::BadFragments,
                format!("annotation {}: fragments overlap or are out of order", a.id),
            ));
        }
        previous_end = end;
        let len = index.len_chars().0;
        let (Ok(s), Ok(e)) = (
            index.char_to_byte(CharOffset(start)),
            index.char_to_byte(CharOffset(end)),
        ) else {
            found.push((
                ProblemKind::OffsetOutOfRange,
                format!("annotation {}: fragment ({start}, {end}) goes past the end of document {} ({len} code points)", a.id, a.doc),
            ));
            return found;
        };
        for (offset, byte) in [(start, s), (end, e)] {
            if !is_grapheme_boundary(text, byte) {
                found.push((
                    ProblemKind::NotOnGraphemeBoundary,
                    format!("annotation {}: offset {offset} splits a character (grapheme cluster) of document {}", a.id, a.doc),
                ));
            }
        }
        if i > 0 {
            quote.push(' ');
        }
        quote.push_str(text.get(s.0..e.0).unwrap_or_default());
    }
    if quote != a.quote {
        found.push((
            ProblemKind::QuoteMismatch,
            format!(
                "annotation {}: the text at its offsets is {:?}, but its quote is {:?}",
                a.id,
                shorten(&quote),
                shorten(&a.quote)
            ),
        ));
    }
    found
}

/// The first 60 characters of `s`, with an ellipsis if cut.
fn shorten(s: &str) -> String {
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}
