//! The WebAnno TSV 3.3 import: one document per `.tsv` file (named, or found in the folders
//! named), read as INCEpTION's own reader (`Tsv3XDeserializer`) reads it.
//!
//! - The text is what INCEpTION's reader makes of the `#Text=` lines: each sentence's lines
//!   joined by line feeds, placed at its first token's offset, the gap before it filled with
//!   the previous sentence's line break and spaces, a line break after the last. Offsets count
//!   UTF-16 code units. The planner matches it to an article of the project whose text differs
//!   only in its white space (the file does not keep what lies between sentences).
//! - Span layers: each annotation is a span whose tag is the value of the layer's `value` or
//!   `label` feature, or the layer's short name (`NamedEntity`, `Span`) where it has none; the
//!   other features are attribute values named by the feature. Our own layer
//!   `webanno.custom.Marginalia` also gives the entity (`entity`), the note and the review
//!   status. Relation layers likewise give relation types; slot (link) features are relations
//!   from the host to each filler, named by the role (or by the feature where the role is
//!   empty); chains are relations from each element to the next, named by the element's
//!   `referenceRelation` (or the chain layer's short name), the elements spans named by their
//!   `referenceType` (or the layer's short name).
//! - A column whose values are all `true`/`false` is read as a flag, one whose values are all
//!   whole numbers as numbers, any other as text.
//! - Refused, each with its file and line: a zero-length annotation (INCEpTION's zero-width
//!   annotations cover no text), a relation or slot link to one, a relation between tokens
//!   (Marginalia links annotations), a token whose text is not the sentence's text at its
//!   offsets, and anything that does not parse.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::formats::incoming::InValue;
use crate::formats::{
    ImportProblem, InAnnotation, InDoc, InEntity, InRelation, Incoming, OffsetUnit, Place,
    input_files, read_text,
};
use crate::model::ReviewStatus;

use super::syntax::{
    number, split_unescaped, strip_chain, strip_id, unescape_text, unescape_value,
};
use super::{LINK_LAYER, SPAN_LAYER};

/// What the reader noticed across all files, for the report's notes.
#[derive(Default)]
struct Counts {
    sentence_ids: usize,
    empty_slots: usize,
    trimmed: usize,
    merged: usize,
}

/// Reads the TSV files named by `inputs` (files, or folders of `.tsv` files).
pub(crate) fn read(inputs: &[PathBuf]) -> Incoming {
    let mut incoming = Incoming::default();
    let mut problems = Vec::new();
    let mut counts = Counts::default();
    for file in input_files(inputs, &["tsv"], &mut problems) {
        let Some(text) = read_text(&file, &mut problems) else {
            continue;
        };
        let mut doc = Doc::new(&file);
        if !doc.parse(&text) {
            problems.append(&mut doc.problems);
            problems.push(ImportProblem::new(
                Place::file(&file),
                "nothing of this file was read: the problem above stops the reader",
            ));
            continue;
        }
        counts.sentence_ids += doc.sentence_ids;
        if let Some(d) = doc.finish(&mut problems, &mut counts) {
            incoming.documents.push(d);
        }
    }
    for (n, what) in [
        (
            counts.sentence_ids,
            "sentence ids (#Sentence.id) not kept: an article in Marginalia has no sentences",
        ),
        (
            counts.empty_slots,
            "slot links without a filler left out (a relation needs both ends)",
        ),
        (
            counts.merged,
            "stacked annotations identical to another of their layer on the same text (same features) taken as that one: a layer in Marginalia holds one annotation of a tag on a text",
        ),
        (
            counts.trimmed,
            "labels with white space at their start or end, which a tag's or relation type's name cannot keep: trimmed",
        ),
    ] {
        if n > 0 {
            incoming.notes.push(format!("{n} {what}"));
        }
    }
    incoming.problems = problems;
    incoming
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum LayerKind {
    Span,
    Relation,
    Chain,
}

/// A layer the header declares.
struct Layer {
    /// The type name (`webanno.custom.Span`).
    name: String,
    /// The part after the last dot (`Span`).
    short: String,
    kind: LayerKind,
    /// The column whose value names the tag or relation type.
    label: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum ColKind {
    /// A layer without features: `*` marks an annotation.
    Placeholder,
    /// A feature with a value.
    Primitive,
    /// The roles of a slot feature.
    SlotRole,
    /// The fillers of the slot feature in the column before, of this type.
    SlotTarget(String),
    /// A relation's source, on annotations of this type.
    RelationRef(String),
    /// A chain element's link to the next, with its chain and element number.
    ChainLink,
    /// A chain element's type.
    ChainType,
}

struct Column {
    layer: usize,
    feature: String,
    kind: ColKind,
}

/// A token or sub-token line.
struct Unit {
    id: String,
    begin: usize,
    end: usize,
    line: usize,
    form: String,
    /// Per layer, the annotations on this unit in stacking order (spans or relations).
    stacks: HashMap<usize, Vec<usize>>,
}

/// One slot link of a host span.
#[derive(Default)]
struct Slot {
    role: Option<String>,
    /// The filler's unit and disambiguation id.
    target: Option<(String, u32)>,
}

/// A span annotation (also a chain element).
struct Span {
    layer: usize,
    unit: usize,
    begin: usize,
    end: usize,
    line: usize,
    /// Feature values by column, unescaped; `*` (no value) left out.
    features: BTreeMap<usize, String>,
    /// The slot feature's name and its links.
    slots: Option<(String, Vec<Slot>)>,
    targets_read: bool,
    /// A chain element's `referenceRelation`, the type of its link to the next.
    next: Option<String>,
}

/// A relation annotation.
struct Rel {
    layer: usize,
    unit: usize,
    line: usize,
    features: BTreeMap<usize, String>,
    /// The source's unit, and the source's and target's disambiguation ids (0: none).
    source: Option<(String, u32, u32)>,
}

/// One file being read.
struct Doc<'f> {
    file: &'f Path,
    layers: Vec<Layer>,
    columns: Vec<Column>,
    text: String,
    /// The text's length in UTF-16 code units.
    len16: usize,
    units: Vec<Unit>,
    unit_ids: HashMap<String, usize>,
    spans: Vec<Span>,
    by_id: HashMap<u32, usize>,
    rels: Vec<Rel>,
    /// Chain → element number → span.
    chains: BTreeMap<u32, BTreeMap<u32, usize>>,
    /// Chain element features, set once every element exists: unit, layer, stack index,
    /// column, value.
    deferred: Vec<(usize, usize, usize, usize, String)>,
    sentence_ids: usize,
    problems: Vec<ImportProblem>,
}

impl<'f> Doc<'f> {
    fn new(file: &'f Path) -> Self {
        Self {
            file,
            layers: Vec::new(),
            columns: Vec::new(),
            text: String::new(),
            len16: 0,
            units: Vec::new(),
            unit_ids: HashMap::new(),
            spans: Vec::new(),
            by_id: HashMap::new(),
            rels: Vec::new(),
            chains: BTreeMap::new(),
            deferred: Vec::new(),
            sentence_ids: 0,
            problems: Vec::new(),
        }
    }

    fn problem(&mut self, line: usize, message: impl Into<String>) {
        self.problems
            .push(ImportProblem::new(Place::line(self.file, line), message));
    }

    /// Reads the header and the sentences; false when a problem leaves the rest unreadable.
    fn parse(&mut self, source: &str) -> bool {
        let mut lines = source
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .enumerate()
            .map(|(i, l)| (i + 1, l))
            .peekable();
        match lines.next() {
            Some((_, first)) if first.starts_with("#FORMAT=WebAnno TSV 3.") => {
                let minor = first
                    .trim_end()
                    .trim_start_matches("#FORMAT=WebAnno TSV 3.");
                if !matches!(minor, "2" | "3") {
                    self.problem(
                        1,
                        format!(
                            "{first:?}: this reader reads WebAnno TSV 3.2 and 3.3 (INCEpTION writes 3.3)"
                        ),
                    );
                    return false;
                }
            }
            _ => {
                self.problem(
                    1,
                    "expected the header #FORMAT=WebAnno TSV 3.3 (a WebAnno TSV file from INCEpTION)",
                );
                return false;
            }
        }
        while let Some(&(n, line)) = lines.peek() {
            let kind = if let Some(rest) = line.strip_prefix("#T_SP=") {
                (LayerKind::Span, rest)
            } else if let Some(rest) = line.strip_prefix("#T_RL=") {
                (LayerKind::Relation, rest)
            } else if let Some(rest) = line.strip_prefix("#T_CH=") {
                (LayerKind::Chain, rest)
            } else {
                break;
            };
            lines.next();
            if !self.layer(n, kind.0, kind.1) {
                return false;
            }
        }
        let mut sentence: Option<String> = None;
        let mut in_tokens = false;
        for (n, line) in lines {
            if line.is_empty() {
                in_tokens = false;
                continue;
            }
            if line.starts_with('#') && !in_tokens {
                let text = sentence.get_or_insert_with(String::new);
                if let Some(t) = line.strip_prefix("#Text=") {
                    text.push_str(&unescape_text(t));
                    text.push('\n');
                } else if line.starts_with("#Sentence.id=") {
                    self.sentence_ids += 1;
                }
                continue;
            }
            let fields: Vec<&str> = line.split('\t').collect();
            let (Some(&id), Some(&offsets), Some(&form)) =
                (fields.first(), fields.get(1), fields.get(2))
            else {
                self.problem(
                    n,
                    "expected a token line: ID, TAB, BEGIN-END, TAB, the token, then the feature columns",
                );
                return false;
            };
            if fields.len() < self.columns.len() + 3 {
                self.problem(
                    n,
                    format!(
                        "expected {} columns (id, offsets, token and one per feature the header declares), found {}",
                        self.columns.len() + 3,
                        fields.len()
                    ),
                );
                return false;
            }
            let Some((begin, end)) = offsets
                .split_once('-')
                .and_then(|(b, e)| Some((number(b)? as usize, number(e)? as usize)))
            else {
                self.problem(
                    n,
                    format!("offsets {offsets:?}: expected BEGIN-END in UTF-16 code units"),
                );
                return false;
            };
            let sub = id.contains('.');
            if !in_tokens {
                // The first token of a sentence places the sentence's text.
                let Some(text) = sentence.take() else {
                    self.problem(
                        n,
                        "a token line outside a sentence; expected #Text= lines before it",
                    );
                    return false;
                };
                if sub {
                    self.problem(n, "a sub-token line must follow its token's line");
                    return false;
                }
                if self.len16 > begin {
                    if self.len16 == begin + 1 && self.text.ends_with('\n') {
                        self.text.pop();
                        self.len16 -= 1;
                    } else {
                        self.problem(
                            n,
                            format!(
                                "the sentence starts at {begin}, inside the text before it (which ends at {})",
                                self.len16.saturating_sub(1)
                            ),
                        );
                        return false;
                    }
                }
                while self.len16 < begin {
                    self.text.push(' ');
                    self.len16 += 1;
                }
                self.len16 += text.encode_utf16().count();
                self.text.push_str(&text);
                in_tokens = true;
            }
            if self.unit_ids.contains_key(id) {
                self.problem(n, format!("the unit id {id} is used twice"));
                return false;
            }
            let unit = self.units.len();
            self.unit_ids.insert(id.to_owned(), unit);
            self.units.push(Unit {
                id: id.to_owned(),
                begin,
                end,
                line: n,
                form: form.to_owned(),
                stacks: HashMap::new(),
            });
            for c in 0..self.columns.len() {
                let raw = fields.get(c + 3).copied().unwrap_or("_");
                if raw == "_" {
                    continue;
                }
                for (i, value) in split_unescaped(raw, '|').into_iter().enumerate() {
                    self.cell(n, unit, c, i, value);
                }
            }
        }
        true
    }

    /// Declares one layer; false when its declaration does not parse.
    fn layer(&mut self, n: usize, kind: LayerKind, rest: &str) -> bool {
        let fields: Vec<&str> = rest.split('|').filter(|f| !f.is_empty()).collect();
        let Some(&name) = fields.first() else {
            self.problem(n, "a layer declaration without a type name");
            return false;
        };
        let layer = self.layers.len();
        let short = name.rsplit('.').next().unwrap_or(name).to_owned();
        self.layers.push(Layer {
            name: name.to_owned(),
            short,
            kind,
            label: None,
        });
        let mut previous: Option<ColKind> = None;
        for &decl in fields.get(1..).unwrap_or_default() {
            let (feature, col) = match kind {
                LayerKind::Span if decl.starts_with("ROLE_") => {
                    // ROLE_<host type>:<feature>_<link type>
                    let feature = decl
                        .split_once(':')
                        .and_then(|(_, r)| r.split_once('_'))
                        .map(|(f, _)| f.to_owned());
                    let Some(feature) = feature else {
                        self.problem(
                            n,
                            format!("{decl:?}: expected ROLE_<type>:<feature>_<link type>"),
                        );
                        return false;
                    };
                    (feature, ColKind::SlotRole)
                }
                LayerKind::Span if decl.contains('.') => {
                    if previous != Some(ColKind::SlotRole) {
                        self.problem(
                            n,
                            format!("{decl:?}: a slot's target type must follow its ROLE_ column"),
                        );
                        return false;
                    }
                    let feature = self
                        .columns
                        .last()
                        .map(|c| c.feature.clone())
                        .unwrap_or_default();
                    (feature, ColKind::SlotTarget(decl.to_owned()))
                }
                LayerKind::Relation if decl.starts_with("BT_") => (
                    String::new(),
                    ColKind::RelationRef(decl.trim_start_matches("BT_").to_owned()),
                ),
                LayerKind::Chain if decl == "referenceRelation" => {
                    (decl.to_owned(), ColKind::ChainLink)
                }
                LayerKind::Chain if decl == "referenceType" => {
                    (decl.to_owned(), ColKind::ChainType)
                }
                _ => (decl.to_owned(), ColKind::Primitive),
            };
            let label_like = match col {
                ColKind::Primitive => {
                    feature.eq_ignore_ascii_case("value") || feature.eq_ignore_ascii_case("label")
                }
                ColKind::ChainType => true,
                _ => false,
            };
            if label_like
                && let Some(l) = self.layers.get_mut(layer)
                && l.label.is_none()
            {
                l.label = Some(self.columns.len());
            }
            previous = Some(col.clone());
            self.columns.push(Column {
                layer,
                feature,
                kind: col,
            });
        }
        if fields.len() == 1 {
            self.columns.push(Column {
                layer,
                feature: String::new(),
                kind: ColKind::Placeholder,
            });
        }
        true
    }

    /// The `i`-th annotation of `layer` on `unit`, if there is one yet.
    fn stacked(&self, unit: usize, layer: usize, i: usize) -> Option<usize> {
        self.units
            .get(unit)?
            .stacks
            .get(&layer)
            .and_then(|s| s.get(i))
            .copied()
    }

    fn push_stack(&mut self, unit: usize, layer: usize, item: usize) {
        if let Some(u) = self.units.get_mut(unit) {
            u.stacks.entry(layer).or_default().push(item);
        }
    }

    /// A new span of `layer` covering `unit`.
    fn new_span(&mut self, unit: usize, layer: usize, line: usize) -> usize {
        let (begin, end) = self
            .units
            .get(unit)
            .map(|u| (u.begin, u.end))
            .unwrap_or_default();
        self.spans.push(Span {
            layer,
            unit,
            begin,
            end,
            line,
            features: BTreeMap::new(),
            slots: None,
            targets_read: false,
            next: None,
        });
        let s = self.spans.len() - 1;
        self.push_stack(unit, layer, s);
        s
    }

    /// Widens span `s` to cover `unit` too and stacks it there.
    fn extend(&mut self, s: usize, unit: usize, layer: usize) {
        let (begin, end) = self
            .units
            .get(unit)
            .map(|u| (u.begin, u.end))
            .unwrap_or_default();
        if let Some(span) = self.spans.get_mut(s) {
            span.begin = span.begin.min(begin);
            span.end = span.end.max(end);
        }
        self.push_stack(unit, layer, s);
    }

    /// The span of `layer` the `i`-th stacked value on `unit` names (with its disambiguation
    /// id, if any), found or made.
    fn span_for(
        &mut self,
        n: usize,
        unit: usize,
        layer: usize,
        i: usize,
        id: Option<u32>,
    ) -> usize {
        if let Some(s) = self.stacked(unit, layer, i) {
            return s;
        }
        let s = match id.and_then(|id| self.by_id.get(&id).copied()) {
            Some(s) => {
                self.extend(s, unit, layer);
                s
            }
            None => self.new_span(unit, layer, n),
        };
        if let Some(id) = id {
            self.by_id.insert(id, s);
        }
        s
    }

    /// Reads the `i`-th stacked value of column `c` on `unit`.
    fn cell(&mut self, n: usize, unit: usize, c: usize, i: usize, value: &str) {
        let Some(column) = self.columns.get(c) else {
            return;
        };
        let (layer, kind) = (column.layer, column.kind.clone());
        let layer_kind = self.layers.get(layer).map(|l| l.kind);
        match (layer_kind, kind) {
            (Some(LayerKind::Span), ColKind::SlotTarget(_)) => {
                let s = match self.stacked(unit, layer, i) {
                    Some(s) => s,
                    None => self.new_span(unit, layer, n),
                };
                self.slot_targets(n, s, value);
            }
            (Some(LayerKind::Span), kind) => {
                let (v, id) = strip_id(value);
                let id = match id.map(|id| (id, number(id))) {
                    Some((_, Some(id))) => Some(id),
                    Some((raw, None)) => {
                        self.problem(
                            n,
                            format!("{value:?}: expected a disambiguation id [N], found [{raw}]"),
                        );
                        return;
                    }
                    None => None,
                };
                let s = self.span_for(n, unit, layer, i, id);
                match kind {
                    ColKind::Primitive => self.feature_of_span(s, c, v),
                    ColKind::SlotRole => {
                        let feature = self
                            .columns
                            .get(c)
                            .map(|c| c.feature.clone())
                            .unwrap_or_default();
                        if let Some(span) = self.spans.get_mut(s)
                            && span.slots.is_none()
                        {
                            let roles = if v == "_" {
                                Vec::new()
                            } else {
                                split_unescaped(v, ';')
                                    .into_iter()
                                    .map(|r| Slot {
                                        role: (r != "*").then(|| unescape_value(r)),
                                        target: None,
                                    })
                                    .collect()
                            };
                            span.slots = Some((feature, roles));
                        }
                    }
                    _ => {}
                }
            }
            (Some(LayerKind::Relation), kind) => {
                let r = match self.stacked(unit, layer, i) {
                    Some(r) => r,
                    None => {
                        self.rels.push(Rel {
                            layer,
                            unit,
                            line: n,
                            features: BTreeMap::new(),
                            source: None,
                        });
                        let r = self.rels.len() - 1;
                        self.push_stack(unit, layer, r);
                        r
                    }
                };
                match kind {
                    ColKind::Primitive => {
                        let (v, _) = strip_id(value);
                        if v != "*"
                            && let Some(rel) = self.rels.get_mut(r)
                        {
                            rel.features.entry(c).or_insert_with(|| unescape_value(v));
                        }
                    }
                    ColKind::RelationRef(_) => {
                        let (source, ids) = strip_id(value);
                        let ids = match ids {
                            None => Some((0, 0)),
                            Some(ids) => ids
                                .split_once('_')
                                .and_then(|(a, b)| Some((number(a)?, number(b)?))),
                        };
                        match ids {
                            Some((a, b)) => {
                                if let Some(rel) = self.rels.get_mut(r) {
                                    rel.source = Some((source.to_owned(), a, b));
                                }
                            }
                            None => self.problem(
                                n,
                                format!(
                                    "{value:?}: expected the source's unit, optionally with [SOURCE_TARGET] ids"
                                ),
                            ),
                        }
                    }
                    _ => {}
                }
            }
            (Some(LayerKind::Chain), ColKind::ChainLink) => {
                let Some((v, chain, element)) = strip_chain(value) else {
                    self.problem(
                        n,
                        format!("{value:?}: expected a chain link VALUE->CHAIN-ELEMENT"),
                    );
                    return;
                };
                let known = self
                    .chains
                    .get(&chain)
                    .and_then(|c| c.get(&element))
                    .copied();
                let s = match (self.stacked(unit, layer, i), known) {
                    (Some(s), _) => s,
                    (None, Some(s)) => {
                        self.extend(s, unit, layer);
                        s
                    }
                    (None, None) => self.new_span(unit, layer, n),
                };
                self.chains.entry(chain).or_default().insert(element, s);
                if v != "*"
                    && let Some(span) = self.spans.get_mut(s)
                    && span.next.is_none()
                {
                    span.next = Some(unescape_value(v));
                }
            }
            (Some(LayerKind::Chain), _) => {
                let (v, _) = strip_id(value);
                self.deferred.push((unit, layer, i, c, v.to_owned()));
            }
            (None, _) => {}
        }
    }

    fn feature_of_span(&mut self, s: usize, c: usize, v: &str) {
        if v != "*"
            && v != "_"
            && let Some(span) = self.spans.get_mut(s)
        {
            span.features.entry(c).or_insert_with(|| unescape_value(v));
        }
    }

    /// The fillers of a host span's slots, `UNIT[ID];UNIT…`, `*` for none.
    fn slot_targets(&mut self, n: usize, s: usize, value: &str) {
        let Some(span) = self.spans.get(s) else {
            return;
        };
        if span.targets_read {
            return;
        }
        let targets: Vec<&str> = if value == "_" || value == "*" {
            Vec::new()
        } else {
            split_unescaped(value, ';')
        };
        let slots = span.slots.as_ref().map_or(0, |(_, s)| s.len());
        if !targets.is_empty() && targets.len() != slots {
            self.problem(
                n,
                format!(
                    "{} slot fillers for {slots} roles; expected one filler (or *) per role",
                    targets.len()
                ),
            );
        }
        let mut parsed = Vec::new();
        for t in targets {
            if t == "*" {
                parsed.push(None);
                continue;
            }
            let (unit, id) = strip_id(t);
            let id = match id {
                None => Some(0),
                Some(id) => number(id),
            };
            match id {
                Some(id) => parsed.push(Some((unit.to_owned(), id))),
                None => {
                    self.problem(n, format!("{t:?}: expected a unit id with an optional [N]"));
                    parsed.push(None);
                }
            }
        }
        if let Some(span) = self.spans.get_mut(s) {
            span.targets_read = true;
            if let Some((_, slots)) = span.slots.as_mut() {
                for (slot, target) in slots.iter_mut().zip(parsed) {
                    slot.target = target;
                }
            }
        }
    }
}

mod finish;
#[cfg(test)]
mod tests;
