//! The brat import: `.ann` files (named, or found in the folders named) with the `.txt` beside
//! each, and the `annotation.conf` and `visual.conf` of their folder when there are any.
//!
//! Everything brat writes is kept (see the module above for where each kind of line goes);
//! whether a `T` line's text matches the document is checked by the planner against
//! [`InAnnotation::quote`], as brat checks it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::formats::{
    ImportProblem, InAnnotation, InDoc, InEntity, InRelation, Incoming, OffsetUnit, Place,
    input_files, read_text,
};
use crate::model::ReviewStatus;

use super::ann::{self, Body, Line};
use super::conf::{Conf, role_name};
use super::{ENTITY_DB, NOTES, STATUS};

/// Reads the brat documents named by `inputs` (`.ann` files, or folders of them).
pub(crate) fn read(inputs: &[PathBuf]) -> Incoming {
    let mut incoming = Incoming::default();
    let mut problems = Vec::new();
    let mut confs: Vec<(PathBuf, Conf)> = Vec::new();
    for file in ann_files(inputs, &mut problems) {
        let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
        let index = match confs.iter().position(|(d, _)| *d == dir) {
            Some(i) => i,
            None => {
                let conf = Conf::read(&dir, &mut problems);
                let (tags, kinds) = conf.declared();
                for t in tags {
                    if !incoming
                        .tags
                        .iter()
                        .any(|x| x.name.eq_ignore_ascii_case(&t.name))
                    {
                        incoming.tags.push(t);
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
                        }
                        None => incoming.relation_kinds.push(k),
                    }
                }
                confs.push((dir, conf));
                confs.len() - 1
            }
        };
        if let Some((_, conf)) = confs.get(index)
            && let Some(doc) = document(&file, conf, &mut problems)
        {
            incoming.documents.push(doc);
        }
    }
    incoming.problems = problems;
    incoming
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
fn document(file: &Path, conf: &Conf, problems: &mut Vec<ImportProblem>) -> Option<InDoc> {
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
        triggers: HashMap::new(),
        relations: HashMap::new(),
        out: Vec::new(),
    };
    doc.read(&lines, shift);
    let Builder { spans, out, .. } = doc;
    // In line order, whichever pass found them.
    found.sort_by_key(|p| p.place.line);
    problems.append(&mut found);
    Some(InDoc {
        place: Place::file(&txt),
        text,
        unit: OffsetUnit::CodePoints,
        annotations: spans.into_iter().map(Span::finish).collect(),
        relations: out,
        ..InDoc::default()
    })
}

/// A span being read, with what other lines attach to it.
struct Span {
    annotation: InAnnotation,
    /// Note lines, in file order.
    notes: Vec<String>,
    /// Bracketed attributes and references, in file order.
    items: Vec<String>,
}

impl Span {
    /// The annotation, with its notes as lines and its items as one last line.
    fn finish(mut self) -> InAnnotation {
        if !self.items.is_empty() {
            self.notes.push(self.items.join(" "));
        }
        self.annotation.note = self.notes.join("\n");
        self.annotation
    }
}

/// What an id attaches to.
enum Target {
    /// The span at this index.
    Span(usize),
    /// The relation with this id (its kind, source span and target span indices).
    Relation(String, usize, usize),
}

struct Builder<'a> {
    file: &'a Path,
    conf: &'a Conf,
    problems: &'a mut Vec<ImportProblem>,
    spans: Vec<Span>,
    /// `T` id → index in `spans`.
    span_at: HashMap<String, usize>,
    /// `E` id → its trigger's `T` id.
    triggers: HashMap<String, String>,
    /// `R` id → (kind as imported, source span, target span).
    relations: HashMap<String, (String, usize, usize)>,
    out: Vec<InRelation>,
}

impl Builder<'_> {
    fn problem(&mut self, line: usize, message: String) {
        self.problems
            .push(ImportProblem::new(Place::line(self.file, line), message));
    }

    /// Spans first, then what links them, then what attaches to them, each in file order
    /// (ids may be used before the line that defines them).
    fn read(&mut self, lines: &[Line], shift: usize) {
        for l in lines {
            if let Body::Text { label, spans, text } = &l.body {
                self.span_at.insert(l.id.clone(), self.spans.len());
                self.spans.push(Span {
                    annotation: InAnnotation {
                        key: l.id.clone(),
                        place: Place::line(self.file, l.line),
                        label: self.conf.display(label),
                        fragments: spans
                            .iter()
                            .map(|&(s, e)| (s.saturating_sub(shift), e.saturating_sub(shift)))
                            .collect(),
                        quote: text.clone(),
                        ..InAnnotation::default()
                    },
                    notes: Vec::new(),
                    items: Vec::new(),
                });
            } else if let Body::Event { trigger, .. } = &l.body {
                self.triggers.insert(l.id.clone(), trigger.clone());
            }
        }
        for l in lines {
            self.link(l);
        }
        for l in lines {
            self.attach(l);
        }
    }

    /// The span an argument names: a `T`, or an `E` by its trigger.
    fn span(&self, id: &str) -> Result<usize, String> {
        if let Some(&i) = self.span_at.get(id) {
            return Ok(i);
        }
        if let Some(trigger) = self.triggers.get(id) {
            return self.span_at.get(trigger).copied().ok_or_else(|| {
                format!(
                    "event {id}'s trigger {trigger} is not a text-bound annotation of this file"
                )
            });
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
                    self.relation(l.line, &kind, f, t);
                    self.relations.insert(l.id.clone(), (kind, f, t));
                }
                (Err(m), _) | (_, Err(m)) => self.problem(l.line, format!("{}: {m}", l.id)),
            },
            Body::Event {
                kind,
                trigger,
                args,
            } => {
                let Some(&t) = self.span_at.get(trigger) else {
                    let m = format!(
                        "{}: its trigger {trigger} is not a text-bound annotation of this file",
                        l.id
                    );
                    return self.problem(l.line, m);
                };
                let label = self.spans.get(t).map(|s| s.annotation.label.clone());
                if label.as_deref() != Some(self.conf.display(kind).as_str()) {
                    let m = format!(
                        "{}: the event is a {kind}, but its trigger {trigger} is a {}; brat expects the same type",
                        l.id,
                        label.unwrap_or_default()
                    );
                    self.problem(l.line, m);
                }
                for (role, arg) in args {
                    match self.span(arg) {
                        Ok(a) => {
                            let kind = self.conf.display(&role_name(role));
                            self.relation(l.line, &kind, t, a);
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
        if let Some((kind, from, to)) = self.relations.get(id) {
            return Ok(Target::Relation(kind.clone(), *from, *to));
        }
        self.span(id).map(Target::Span)
    }

    /// Attributes, normalizations and notes, onto their spans.
    fn attach(&mut self, l: &Line) {
        let (target, note, item) = match &l.body {
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
                if name == STATUS
                    && let (Some(status), Ok(Target::Span(i))) = (status, self.target(target))
                    && let Some(span) = self.spans.get_mut(i)
                    && span.annotation.status.is_none()
                {
                    span.annotation.status = Some(status);
                    return;
                }
                let item = match value {
                    Some(v) => format!("{name}={v}"),
                    None => name.clone(),
                };
                (target, None, Some(item))
            }
            Body::Normalization {
                kind,
                target,
                db,
                key,
                text,
            } => {
                let name = text.trim();
                if let Ok(Target::Span(i)) = self.target(target)
                    && let Some(span) = self.spans.get_mut(i)
                    && span.annotation.entity.is_none()
                    && !name.is_empty()
                {
                    span.annotation.entity = Some(InEntity {
                        refs: Default::default(),
                        name: name.to_owned(),
                        kind: None,
                    });
                    if db != ENTITY_DB {
                        span.items.push(format!("[{kind}={db}:{key}]"));
                    }
                    return;
                }
                let item = if name.is_empty() {
                    format!("{kind}={db}:{key}")
                } else {
                    format!("{kind}={db}:{key} {name}")
                };
                (target, None, Some(item))
            }
            Body::Note { kind, target, text } => {
                let note = if kind == NOTES {
                    text.clone()
                } else {
                    format!("{kind}: {text}")
                };
                (target, Some(note), None)
            }
            _ => return,
        };
        match self.target(target) {
            Ok(Target::Span(i)) => {
                if let Some(span) = self.spans.get_mut(i) {
                    span.notes.extend(note);
                    span.items.extend(item.map(|i| format!("[{i}]")));
                }
            }
            Ok(Target::Relation(kind, from, to)) => {
                let to_text = self
                    .spans
                    .get(to)
                    .map(|s| {
                        s.annotation
                            .quote
                            .clone()
                            .unwrap_or_else(|| s.annotation.key.clone())
                    })
                    .unwrap_or_default();
                if let Some(span) = self.spans.get_mut(from) {
                    span.notes
                        .extend(note.map(|n| format!("{kind} → {to_text}: {n}")));
                    span.items
                        .extend(item.map(|i| format!("[{kind} → {to_text}: {i}]")));
                }
            }
            Err(m) => self.problem(l.line, format!("{}: {m}", l.id)),
        }
    }
}
