//! The brat import: `.ann` files (named, or found in the folders named) with the `.txt` beside
//! each, and the `annotation.conf` and `visual.conf` of their folder when there are any.
//!
//! Everything brat writes is kept (see the module above for where each kind of line goes);
//! whether a `T` line's text matches the document is checked by the planner against
//! [`InAnnotation::quote`], as brat checks it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::formats::incoming::{InAttribute, InValue};
use crate::formats::{
    ImportProblem, InAnnotation, InDoc, InEntity, InRelation, Incoming, OffsetUnit, Place,
    input_files, read_text,
};
use crate::model::{ExternalRef, ReviewStatus};

use super::ann::{self, Body, Line};
use super::conf::{Conf, role_name, scale_of};
use super::kept;
use super::{ENTITY_DB, NOTES, STATUS};

/// Reads the brat documents named by `inputs` (`.ann` files, or folders of them).
pub(crate) fn read(inputs: &[PathBuf]) -> Incoming {
    let mut incoming = Incoming::default();
    let mut problems = Vec::new();
    let mut confs: Vec<(PathBuf, Conf)> = Vec::new();
    let mut named_triggers = 0;
    for file in ann_files(inputs, &mut problems) {
        let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
        let index = match confs.iter().position(|(d, _)| *d == dir) {
            Some(i) => i,
            None => {
                let conf = Conf::read(&dir, &mut problems);
                let (tags, kinds) = conf.declared();
                for t in tags {
                    match incoming
                        .tags
                        .iter_mut()
                        .find(|x| x.name.eq_ignore_ascii_case(&t.name))
                    {
                        Some(known) => add_attributes(&mut known.attributes, t.attributes),
                        None => incoming.tags.push(t),
                    }
                }
                for k in kinds {
                    match incoming
                        .relation_kinds
                        .iter_mut()
                        .find(|x| x.name.eq_ignore_ascii_case(&k.name))
                    {
                        Some(known) => {
                            known.from.extend(k.from);
                            known.to.extend(k.to);
                            add_attributes(&mut known.attributes, k.attributes);
                        }
                        None => incoming.relation_kinds.push(k),
                    }
                }
                if let Some(text) = &conf.annotation_text {
                    let folder = dir
                        .file_name()
                        .map_or_else(|| dir.display().to_string(), |n| n.to_string_lossy().into());
                    incoming.project_notes.push(kept::paragraph(&folder, text));
                }
                confs.push((dir, conf));
                confs.len() - 1
            }
        };
        if let Some((_, conf)) = confs.get(index)
            && let Some(doc) = document(&file, conf, &mut problems, &mut named_triggers)
        {
            incoming.documents.push(doc);
        }
    }
    for (dir, conf) in &confs {
        if conf.annotation_text.is_none()
            && let Some(text) = made_conf(dir, &incoming.documents)
        {
            let folder = dir
                .file_name()
                .map_or_else(|| dir.display().to_string(), |n| n.to_string_lossy().into());
            incoming.project_notes.push(kept::paragraph(&folder, &text));
        }
    }
    if named_triggers > 0 {
        incoming.notes.push(format!(
            "lines that name an event's trigger (T) instead of the event, taken as naming its first event: {named_triggers}"
        ));
    }
    incoming.problems = problems;
    incoming
}

/// For a folder without `annotation.conf` whose documents hold events, the configuration that
/// declares them (each role optional and repeatable, to the types it was seen pointing at) and
/// the other types as entities, so that the export writes the events back as events.
fn made_conf(dir: &Path, docs: &[InDoc]) -> Option<String> {
    let mut entities: Vec<&str> = Vec::new();
    // Event type → its roles, each with the types it points at.
    type Roles<'d> = Vec<(String, Vec<&'d str>)>;
    let mut events: Vec<(&str, Roles)> = Vec::new();
    let docs: Vec<&InDoc> = docs
        .iter()
        .filter(|d| d.place.file.parent() == Some(dir))
        .collect();
    for d in &docs {
        for a in &d.annotations {
            let list = if a.distinct {
                if !events.iter().any(|(t, _)| *t == a.label) {
                    events.push((&a.label, Vec::new()));
                }
                continue;
            } else {
                &mut entities
            };
            if !list.contains(&a.label.as_str()) {
                list.push(&a.label);
            }
        }
    }
    if events.is_empty() {
        return None;
    }
    for d in &docs {
        let label = |key: &str| d.annotations.iter().find(|a| a.key == key);
        for r in &d.relations {
            let (Some(from), Some(to)) = (label(&r.from), label(&r.to)) else {
                continue;
            };
            let Some((_, roles)) = events
                .iter_mut()
                .find(|(t, _)| from.distinct && *t == from.label)
            else {
                continue;
            };
            let role = role_name(&r.kind);
            match roles.iter_mut().find(|(n, _)| *n == role) {
                Some((_, types)) => {
                    if !types.contains(&to.label.as_str()) {
                        types.push(&to.label);
                    }
                }
                None => roles.push((role, vec![&to.label])),
            }
        }
    }
    let mut s = String::from("[entities]\n\n");
    for e in entities
        .iter()
        .filter(|e| !events.iter().any(|(t, _)| t == *e))
    {
        s.push_str(e);
        s.push('\n');
    }
    s.push_str("\n[relations]\n\n[events]\n\n");
    for (t, roles) in &events {
        let roles: Vec<String> = roles
            .iter()
            .map(|(r, types)| format!("{r}*:{}", types.join("|")))
            .collect();
        s.push_str(&format!("{t}\t{}\n", roles.join(", ")));
    }
    s.push_str("\n[attributes]\n");
    Some(s)
}

/// Adds to `known` the attributes of `more` it does not name yet (a type declared by the
/// configurations of several folders).
fn add_attributes(known: &mut Vec<InAttribute>, more: Vec<InAttribute>) {
    for a in more {
        if !known.iter().any(|k| k.name.eq_ignore_ascii_case(&a.name)) {
            known.push(a);
        }
    }
}

/// The `.ann` files named by `inputs`: folders give theirs; a `.txt` named gives the `.ann`
/// beside it.
fn ann_files(inputs: &[PathBuf], problems: &mut Vec<ImportProblem>) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    for file in input_files(inputs, &["ann"], problems) {
        let ext = file
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let ann = match ext.as_deref() {
            Some("ann") => file,
            Some("txt") if file.with_extension("ann").is_file() => file.with_extension("ann"),
            _ => {
                problems.push(ImportProblem::new(
                    Place::file(&file),
                    "expected a brat .ann file (with its .txt beside it) or a folder of them",
                ));
                continue;
            }
        };
        if !out.contains(&ann) {
            out.push(ann);
        }
    }
    out
}

/// Whether the file starts with a UTF-8 byte-order mark, which brat counts as a character.
fn starts_with_bom(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 3];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok()
        && head == [0xEF, 0xBB, 0xBF]
}

/// One document: the `.ann` file `file` and the `.txt` beside it.
fn document(
    file: &Path,
    conf: &Conf,
    problems: &mut Vec<ImportProblem>,
    named_triggers: &mut usize,
) -> Option<InDoc> {
    let txt = file.with_extension("txt");
    if !txt.is_file() {
        problems.push(ImportProblem::new(
            Place::file(file),
            format!(
                "the text {} is missing: brat keeps each document's text beside its .ann file",
                txt.display()
            ),
        ));
        return None;
    }
    let text = read_text(&txt, problems)?;
    // The text is taken without its byte-order mark; brat counted it, so offsets move back one.
    let shift = usize::from(starts_with_bom(&txt));
    let ann_text = read_text(file, problems)?;
    let mut found = Vec::new();
    let lines = ann::parse(&ann_text, file, &mut found);
    let mut doc = Builder {
        file,
        conf,
        problems: &mut found,
        spans: Vec::new(),
        span_at: HashMap::new(),
        events: HashMap::new(),
        triggers: Vec::new(),
        on_trigger: 0,
        relations: HashMap::new(),
        out: Vec::new(),
    };
    doc.read(&lines, shift);
    let Builder {
        spans,
        out,
        triggers,
        on_trigger,
        ..
    } = doc;
    *named_triggers += on_trigger;
    // In line order, whichever pass found them.
    found.sort_by_key(|p| p.place.line);
    problems.append(&mut found);
    let annotations = spans
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !triggers.contains(i))
        .map(|(_, s)| s.finish(&text))
        .collect();
    Some(InDoc {
        place: Place::file(&txt),
        text,
        unit: OffsetUnit::CodePoints,
        annotations,
        relations: out,
        ..InDoc::default()
    })
}

/// A span being read, with what other lines attach to it.
struct Span {
    annotation: InAnnotation,
    /// Note lines, in file order.
    notes: Vec<String>,
    /// The entity's name from a normalization to the project's registry ([`ENTITY_DB`]).
    entity: Option<String>,
    /// The name the first other normalization gives.
    other_name: Option<String>,
    /// References to other knowledge bases, in file order.
    refs: Vec<ExternalRef>,
}

impl Span {
    fn new(annotation: InAnnotation) -> Self {
        Span {
            annotation,
            notes: Vec::new(),
            entity: None,
            other_name: None,
            refs: Vec::new(),
        }
    }

    /// The annotation, with its notes as lines and, when a normalization names a knowledge
    /// base, an entity: named by the registry's line, else by that normalization's text, else
    /// by the covered text of `doc`.
    fn finish(mut self, doc: &str) -> InAnnotation {
        self.annotation.note = self.notes.join("\n");
        let refs = self.refs;
        let name = match (self.entity, refs.is_empty()) {
            (Some(name), _) => Some(name),
            (None, true) => None,
            (None, false) => Some(self.other_name.unwrap_or_else(|| {
                self.annotation
                    .quote
                    .clone()
                    .unwrap_or_else(|| covered(doc, &self.annotation.fragments))
            })),
        };
        self.annotation.entity = name.map(|name| InEntity {
            name,
            kind: None,
            refs,
        });
        self.annotation
    }
}

/// The text of `fragments` (code points) in `doc`, joined by one space as brat joins them.
fn covered(doc: &str, fragments: &[(usize, usize)]) -> String {
    let chars: Vec<char> = doc.chars().collect();
    fragments
        .iter()
        .map(|&(s, e)| {
            chars
                .get(s..e)
                .unwrap_or_default()
                .iter()
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// What an id attaches to.
enum Target {
    /// The span at this index.
    Span(usize),
    /// The relation at this index of the relations read.
    Relation(usize),
}

struct Builder<'a> {
    file: &'a Path,
    conf: &'a Conf,
    problems: &'a mut Vec<ImportProblem>,
    spans: Vec<Span>,
    /// `T` id → index in `spans`.
    span_at: HashMap<String, usize>,
    /// `E` id → index in `spans` of the event's own span.
    events: HashMap<String, usize>,
    /// Indices in `spans` of the `T` lines that are triggers: each of their events is a span
    /// of its own, so the trigger itself is not imported.
    triggers: Vec<usize>,
    /// How many lines name a trigger that has events (they are put on its first event).
    on_trigger: usize,
    /// `R` id → index in `out`.
    relations: HashMap<String, usize>,
    out: Vec<InRelation>,
}

/// Adds `value` of attribute `name` to `values`: a second value of a valued attribute makes
/// it a choice of several (the export writes one `A` line per value chosen), a second line
/// of a free text another line of it. Anything else given twice is refused.
fn add_value(
    values: &mut Vec<(String, InValue)>,
    name: String,
    value: InValue,
) -> Result<(), String> {
    let Some((_, known)) = values.iter_mut().find(|(n, _)| *n == name) else {
        values.push((name, value));
        return Ok(());
    };
    match (known, value) {
        (InValue::Flag, InValue::Flag) => Ok(()),
        (InValue::Choice(have), InValue::Choice(more)) => {
            for m in more {
                if !have.contains(&m) {
                    have.push(m);
                }
            }
            Ok(())
        }
        (InValue::Text(have), InValue::Text(more)) => {
            have.push('\n');
            have.push_str(&more);
            Ok(())
        }
        _ => Err(format!(
            "{name} is given a second value; expected one (or, for a valued attribute, one line per value)"
        )),
    }
}

impl Builder<'_> {
    fn problem(&mut self, line: usize, message: String) {
        self.problems
            .push(ImportProblem::new(Place::line(self.file, line), message));
    }

    /// Spans first (each event a span of its own), then what links them, then what attaches
    /// to them, each in file order (ids may be used before the line that defines them).
    fn read(&mut self, lines: &[Line], shift: usize) {
        for l in lines {
            if let Body::Text { label, spans, text } = &l.body {
                self.span_at.insert(l.id.clone(), self.spans.len());
                self.spans.push(Span::new(InAnnotation {
                    key: l.id.clone(),
                    place: Place::line(self.file, l.line),
                    label: self.conf.display(label),
                    fragments: spans
                        .iter()
                        .map(|&(s, e)| (s.saturating_sub(shift), e.saturating_sub(shift)))
                        .collect(),
                    quote: text.clone(),
                    ..InAnnotation::default()
                }));
            }
        }
        // What names a trigger (an attribute, a note, a relation) names its first event.
        let mut first_event: HashMap<String, usize> = HashMap::new();
        for l in lines {
            if let Body::Event { kind, trigger, .. } = &l.body {
                self.event(l, kind, trigger, &mut first_event);
            }
        }
        // Lines that name a trigger rather than its event (brat's BioNLP compatibility lets
        // relations do so) are counted for the report.
        self.on_trigger = lines
            .iter()
            .filter(|l| {
                let named: Vec<&String> = match &l.body {
                    Body::Relation { from, to, .. } => vec![from, to],
                    Body::Attribute { target, .. }
                    | Body::Normalization { target, .. }
                    | Body::Note { target, .. } => vec![target],
                    Body::Equiv { members, .. } => members.iter().collect(),
                    _ => Vec::new(),
                };
                named.iter().any(|id| first_event.contains_key(id.as_str()))
            })
            .count();
        self.span_at.extend(first_event);
        for l in lines {
            self.link(l);
        }
        for l in lines {
            self.attach(l);
        }
    }

    /// The span of event `l`: the event's type on its trigger's text, distinct from the other
    /// events on that trigger.
    fn event(
        &mut self,
        l: &Line,
        kind: &str,
        trigger: &str,
        first_event: &mut HashMap<String, usize>,
    ) {
        let Some(&t) = self.span_at.get(trigger) else {
            let m = format!(
                "{}: its trigger {trigger} is not a text-bound annotation of this file",
                l.id
            );
            return self.problem(l.line, m);
        };
        let Some(span) = self.spans.get(t) else {
            return;
        };
        let label = self.conf.display(kind);
        if span.annotation.label != label {
            let m = format!(
                "{}: the event is a {kind}, but its trigger {trigger} is a {}; brat expects the same type",
                l.id, span.annotation.label
            );
            return self.problem(l.line, m);
        }
        let annotation = InAnnotation {
            key: l.id.clone(),
            place: Place::line(self.file, l.line),
            distinct: true,
            ..span.annotation.clone()
        };
        if !self.triggers.contains(&t) {
            self.triggers.push(t);
        }
        first_event
            .entry(trigger.to_owned())
            .or_insert(self.spans.len());
        self.events.insert(l.id.clone(), self.spans.len());
        self.spans.push(Span::new(annotation));
    }

    /// The span an argument names: a `T` (a trigger: its first event), or an `E`.
    fn span(&self, id: &str) -> Result<usize, String> {
        if let Some(&i) = self.span_at.get(id).or_else(|| self.events.get(id)) {
            return Ok(i);
        }
        Err(format!(
            "{id} is not a text-bound annotation or an event of this file"
        ))
    }

    fn relation(&mut self, line: usize, kind: &str, from: usize, to: usize) {
        let key = |i: usize| self.spans.get(i).map(|s| s.annotation.key.clone());
        if let (Some(from), Some(to)) = (key(from), key(to)) {
            self.out.push(InRelation {
                note: Default::default(),
                values: Default::default(),
                place: Place::line(self.file, line),
                kind: kind.to_owned(),
                from,
                to,
                annotator: None,
            });
        }
    }

    /// Relations, events and equivalences.
    fn link(&mut self, l: &Line) {
        match &l.body {
            Body::Relation { kind, from, to } => match (self.span(from), self.span(to)) {
                (Ok(f), Ok(t)) => {
                    let kind = self.conf.display(kind);
                    let at = self.out.len();
                    self.relation(l.line, &kind, f, t);
                    if self.out.len() > at {
                        self.relations.insert(l.id.clone(), at);
                    }
                }
                (Err(m), _) | (_, Err(m)) => self.problem(l.line, format!("{}: {m}", l.id)),
            },
            Body::Event { args, .. } => {
                let Some(&e) = self.events.get(&l.id) else {
                    return;
                };
                for (role, arg) in args {
                    match self.span(arg) {
                        // The role as the line writes it: `Theme2` stays `Theme2`.
                        Ok(a) => {
                            let kind = self.conf.display(role);
                            self.relation(l.line, &kind, e, a);
                        }
                        Err(m) => self.problem(l.line, format!("{}: {m}", l.id)),
                    }
                }
            }
            Body::Equiv { kind, members } => {
                let kind = self.conf.display(kind);
                let mut previous = None;
                for m in members {
                    match self.span(m) {
                        Ok(i) => {
                            if let Some(p) = previous {
                                self.relation(l.line, &kind, p, i);
                            }
                            previous = Some(i);
                        }
                        Err(message) => self.problem(l.line, format!("*: {message}")),
                    }
                }
            }
            _ => {}
        }
    }

    /// What an attribute, normalization or note line is attached to.
    fn target(&self, id: &str) -> Result<Target, String> {
        if let Some(&i) = self.relations.get(id) {
            return Ok(Target::Relation(i));
        }
        self.span(id).map(Target::Span)
    }

    /// The value of attribute `name` an `A` (or `M`) line gives, checked against what
    /// `annotation.conf` declares: a binary attribute takes no value, a valued one one of its
    /// values. An attribute it does not declare is binary without a value, valued with one.
    fn attribute_value(&self, name: &str, value: Option<&str>) -> Result<InValue, String> {
        let Some(declared) = self.conf.attribute(name) else {
            return Ok(value.map_or(InValue::Flag, |v| InValue::Choice(vec![v.to_owned()])));
        };
        match (&declared.values, value) {
            (None, None) => Ok(InValue::Flag),
            (None, Some(v)) => Err(format!(
                "{name} is a binary attribute in annotation.conf (present or absent); expected no value, found {v:?}"
            )),
            (Some(values), None) => Err(format!(
                "{name} takes one of the values annotation.conf declares ({}); expected one after the id",
                values.join("|")
            )),
            (Some(values), Some(v)) if values.iter().any(|x| x == v) => {
                match (scale_of(values), v.parse::<i32>()) {
                    (Some(_), Ok(n)) => Ok(InValue::Number(n)),
                    _ => Ok(InValue::Choice(vec![v.to_owned()])),
                }
            }
            (Some(values), Some(v)) => Err(format!(
                "{v:?} is not a value of {name}: annotation.conf declares {}",
                values.join("|")
            )),
        }
    }

    /// Attributes, normalizations and notes, onto their spans and relations.
    fn attach(&mut self, l: &Line) {
        let at = |target: &str| format!("{}: {target}", l.id);
        match &l.body {
            Body::Attribute {
                name,
                target,
                value,
            } => {
                let status = match value.as_deref().map(str::to_ascii_lowercase).as_deref() {
                    Some("accepted") => Some(ReviewStatus::Accepted),
                    Some("rejected") => Some(ReviewStatus::Rejected),
                    Some("pending") => Some(ReviewStatus::Pending),
                    _ => None,
                };
                let found = self.target(target);
                if name == STATUS
                    && self.conf.attribute(name).is_none()
                    && let (Some(status), Ok(Target::Span(i))) = (status, &found)
                    && let Some(span) = self.spans.get_mut(*i)
                    && span.annotation.status.is_none()
                {
                    span.annotation.status = Some(status);
                    return;
                }
                let value = match self.attribute_value(name, value.as_deref()) {
                    Ok(v) => v,
                    Err(m) => return self.problem(l.line, format!("{}: {m}", l.id)),
                };
                let name = self.conf.display(name);
                let values = match found {
                    Ok(Target::Span(i)) => self.spans.get_mut(i).map(|s| &mut s.annotation.values),
                    Ok(Target::Relation(i)) => self.out.get_mut(i).map(|r| &mut r.values),
                    Err(m) => return self.problem(l.line, format!("{}: {m}", l.id)),
                };
                if let Some(values) = values
                    && let Err(m) = add_value(values, name, value)
                {
                    self.problem(l.line, format!("{}: {m}", at(target)));
                }
            }
            Body::Normalization {
                kind: _,
                target,
                db,
                key,
                text,
            } => {
                let name = text.trim();
                match self.target(target) {
                    Ok(Target::Span(i)) => {
                        let Some(span) = self.spans.get_mut(i) else {
                            return;
                        };
                        if db == ENTITY_DB {
                            if span.entity.is_none() && !name.is_empty() {
                                span.entity = Some(name.to_owned());
                            }
                            return;
                        }
                        if span.other_name.is_none() && !name.is_empty() {
                            span.other_name = Some(name.to_owned());
                        }
                        let r = ExternalRef {
                            kb: db.clone(),
                            id: key.clone(),
                        };
                        if !span.refs.contains(&r) {
                            span.refs.push(r);
                        }
                    }
                    Ok(Target::Relation(_)) => self.problem(
                        l.line,
                        format!(
                            "{}: normalizes relation {target}; expected a text-bound annotation or an event (references belong to the entity a span mentions)",
                            l.id
                        ),
                    ),
                    Err(m) => self.problem(l.line, format!("{}: {m}", l.id)),
                }
            }
            Body::Note { kind, target, text } => {
                let found = self.target(target);
                if kind == NOTES {
                    match found {
                        Ok(Target::Span(i)) => {
                            if let Some(span) = self.spans.get_mut(i) {
                                span.notes.push(text.clone());
                            }
                        }
                        Ok(Target::Relation(i)) => {
                            if let Some(r) = self.out.get_mut(i) {
                                if !r.note.is_empty() {
                                    r.note.push('\n');
                                }
                                r.note.push_str(text);
                            }
                        }
                        Err(m) => self.problem(l.line, format!("{}: {m}", l.id)),
                    }
                    return;
                }
                // A note of another type is a free text named by its type (how the export
                // writes a text attribute).
                let name = self.conf.display(kind);
                let values = match found {
                    Ok(Target::Span(i)) => self.spans.get_mut(i).map(|s| &mut s.annotation.values),
                    Ok(Target::Relation(i)) => self.out.get_mut(i).map(|r| &mut r.values),
                    Err(m) => return self.problem(l.line, format!("{}: {m}", l.id)),
                };
                if let Some(values) = values
                    && let Err(m) = add_value(values, name, InValue::Text(text.clone()))
                {
                    self.problem(l.line, format!("{}: {m}", at(target)));
                }
            }
            _ => {}
        }
    }
}
