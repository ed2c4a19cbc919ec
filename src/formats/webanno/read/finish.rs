//! The second half of reading a file: once every line is read, the annotations are checked
//! against the text and turned into the neutral [`InDoc`].

use std::collections::HashMap;

use super::*;

/// How a feature column's values are read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Typed {
    /// Only `true` and `false`: `true` is a flag that is set.
    Flag,
    /// Only whole numbers.
    Number,
    Text,
}

/// A feature of our own layers that is no attribute.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Own {
    Label,
    Entity,
    Note,
    Status,
}

fn own(layer: &str, feature: &str) -> Option<Own> {
    match (layer, feature) {
        (SPAN_LAYER | LINK_LAYER, "label") => Some(Own::Label),
        (SPAN_LAYER, "entity") => Some(Own::Entity),
        (SPAN_LAYER | LINK_LAYER, "note") => Some(Own::Note),
        (SPAN_LAYER, "status") => Some(Own::Status),
        _ => None,
    }
}

impl Doc<'_> {
    /// The document, or `None` when the file held no sentence; problems go to `problems`.
    pub(super) fn finish(
        mut self,
        problems: &mut Vec<ImportProblem>,
        counts: &mut Counts,
    ) -> Option<InDoc> {
        for (unit, layer, i, c, value) in std::mem::take(&mut self.deferred) {
            if let Some(s) = self.stacked(unit, layer, i) {
                self.feature_of_span(s, c, &value);
            }
        }
        if !self.problems.is_empty() && self.units.is_empty() {
            problems.append(&mut self.problems);
            return None;
        }
        self.check_tokens();
        let typed = self.typed();
        let (title, annotator) = inception_names(self.file);
        let mut doc = InDoc {
            place: Place::file(self.file),
            meta: crate::model::DocumentMeta {
                title: title.unwrap_or_default(),
                ..Default::default()
            },
            text: std::mem::take(&mut self.text),
            unit: OffsetUnit::Utf16,
            white_space_may_differ: true,
            ..InDoc::default()
        };
        // Keys, and the lines of spans refused.
        let mut keys: Vec<String> = Vec::with_capacity(self.spans.len());
        let mut used: HashMap<String, usize> = HashMap::new();
        let mut refused: HashMap<usize, usize> = HashMap::new();
        // Tag, begin and end of each annotation kept → its index.
        let mut seen: HashMap<(String, usize, usize), usize> = HashMap::new();
        for (s, span) in self.spans.iter().enumerate() {
            let layer = self.layers.get(span.layer);
            let short = layer.map_or("", |l| l.short.as_str());
            let unit = self.units.get(span.unit).map_or("", |u| u.id.as_str());
            let base = format!("{short} at {unit}");
            let n = used.entry(base.clone()).or_insert(0);
            *n += 1;
            keys.push(if *n == 1 {
                base
            } else {
                format!("{base} ({n})")
            });
            if span.begin >= span.end {
                refused.insert(s, span.line);
                self.problems.push(ImportProblem::new(
                    Place::line(self.file, span.line),
                    format!(
                        "a zero-length {short} annotation at {} (INCEpTION's zero-width annotations cover no text; a span in Marginalia covers at least one character)",
                        span.begin
                    ),
                ));
                continue;
            }
            let mut a = InAnnotation {
                key: keys.last().cloned().unwrap_or_default(),
                place: Place::line(self.file, span.line),
                label: short.to_owned(),
                fragments: vec![(span.begin, span.end)],
                ..InAnnotation::default()
            };
            let layer_name = layer.map_or("", |l| l.name.as_str());
            let label_column = layer.and_then(|l| l.label);
            for (&c, value) in &span.features {
                let Some(column) = self.columns.get(c) else {
                    continue;
                };
                let special = own(layer_name, &column.feature);
                if special == Some(Own::Label) || (special.is_none() && Some(c) == label_column) {
                    a.label = value.clone();
                    continue;
                }
                match special {
                    Some(Own::Entity) => {
                        a.entity = Some(InEntity {
                            name: value.clone(),
                            kind: None,
                            refs: Vec::new(),
                        })
                    }
                    Some(Own::Note) => a.note = value.clone(),
                    Some(Own::Status) => match value.as_str() {
                        "accepted" => a.status = Some(ReviewStatus::Accepted),
                        "rejected" => a.status = Some(ReviewStatus::Rejected),
                        other => self.problems.push(ImportProblem::new(
                            a.place.clone(),
                            format!("status {other:?}: expected accepted or rejected"),
                        )),
                    },
                    _ => {
                        let t = typed.get(&c).copied().unwrap_or(Typed::Text);
                        if let Some(v) = in_value(t, value) {
                            a.values.push((column.feature.clone(), v));
                        }
                    }
                }
            }
            if a.label.trim() != a.label {
                counts.trimmed += 1;
            }
            // Marginalia keeps one annotation per tag and text in a layer: a stacked one
            // identical to another is that one; one with other features cannot come in.
            let place = (a.label.trim().to_owned(), span.begin, span.end);
            let same = seen.get(&place).and_then(|&i| doc.annotations.get(i));
            if let Some(b) = same {
                let identical = (&b.values, &b.note, &b.entity, b.status)
                    == (&a.values, &a.note, &a.entity, a.status);
                if identical {
                    counts.merged += 1;
                    if let Some(k) = keys.last_mut() {
                        *k = b.key.clone();
                    }
                } else {
                    refused.insert(s, span.line);
                    self.problems.push(ImportProblem::new(
                        a.place.clone(),
                        format!(
                            "a second {} annotation on the same text with other features (stacked on line {}); a layer in Marginalia holds one annotation of a tag on a text",
                            a.label,
                            b.place.line.unwrap_or_default()
                        ),
                    ));
                }
                continue;
            }
            seen.insert(place, doc.annotations.len());
            doc.annotations.push(a);
        }
        self.relations(&mut doc, &keys, &refused, &typed, counts);
        self.slots(&mut doc, &keys, &refused, counts);
        self.chain_links(&mut doc, &keys, &refused);
        if let Some(who) = annotator {
            for a in &mut doc.annotations {
                a.annotator = Some(who.clone());
            }
            for r in &mut doc.relations {
                r.annotator = Some(who.clone());
            }
        }
        problems.append(&mut self.problems);
        Some(doc)
    }

    /// Every token's text must be the text at its offsets.
    fn check_tokens(&mut self) {
        let units: Vec<u16> = self.text.encode_utf16().collect();
        let mut found = Vec::new();
        for u in &self.units {
            let slice = units
                .get(u.begin..u.end)
                .filter(|_| u.begin <= u.end)
                .map(String::from_utf16);
            match slice {
                Some(Ok(s)) if s == u.form => {}
                Some(Ok(s)) => found.push((
                    u.line,
                    format!(
                        "token {:?} at {}-{}: the sentence's text there is {s:?}",
                        u.form, u.begin, u.end
                    ),
                )),
                Some(Err(_)) => found.push((
                    u.line,
                    format!(
                        "token {:?} at {}-{}: the offsets split a character (they count UTF-16 code units)",
                        u.form, u.begin, u.end
                    ),
                )),
                None => found.push((
                    u.line,
                    format!(
                        "token {:?} at {}-{}: past the end of the sentences' text ({} UTF-16 code units)",
                        u.form,
                        u.begin,
                        u.end,
                        units.len()
                    ),
                )),
            }
        }
        for (line, message) in found {
            self.problem(line, message);
        }
    }

    /// How each feature column is read, from all its values in the file.
    fn typed(&self) -> HashMap<usize, Typed> {
        let mut values: HashMap<usize, Vec<&str>> = HashMap::new();
        let features = self
            .spans
            .iter()
            .flat_map(|s| s.features.iter())
            .chain(self.rels.iter().flat_map(|r| r.features.iter()));
        for (&c, v) in features {
            values.entry(c).or_default().push(v);
        }
        values
            .into_iter()
            .map(|(c, vs)| {
                let t = if vs.iter().all(|v| matches!(*v, "true" | "false")) {
                    Typed::Flag
                } else if vs.iter().all(|v| whole(v).is_some()) {
                    Typed::Number
                } else {
                    Typed::Text
                };
                (c, t)
            })
            .collect()
    }

    /// The span a reference names: by disambiguation id, else the first annotation of
    /// `type_name` on the unit (of any span layer when the file declares no such layer).
    fn resolve(&self, type_name: &str, unit: &str, id: u32) -> Result<usize, String> {
        if id > 0 {
            return self
                .by_id
                .get(&id)
                .copied()
                .ok_or_else(|| format!("no annotation has the disambiguation id [{id}]"));
        }
        let u = self
            .unit_ids
            .get(unit)
            .and_then(|&u| self.units.get(u))
            .ok_or_else(|| format!("there is no token {unit}"))?;
        let declared = self
            .layers
            .iter()
            .position(|l| l.name == type_name && l.kind != LayerKind::Relation);
        let first = match declared {
            Some(layer) => u.stacks.get(&layer).and_then(|s| s.first()).copied(),
            None => self
                .layers
                .iter()
                .enumerate()
                .filter(|(_, l)| l.kind != LayerKind::Relation)
                .find_map(|(i, _)| u.stacks.get(&i).and_then(|s| s.first()).copied()),
        };
        first.ok_or_else(|| {
            let short = type_name.rsplit('.').next().unwrap_or(type_name);
            format!("there is no {short} annotation on token {unit}")
        })
    }

    fn end_of(
        &self,
        end: Result<usize, String>,
        keys: &[String],
        refused: &HashMap<usize, usize>,
    ) -> Result<String, String> {
        let s = end?;
        if let Some(line) = refused.get(&s) {
            return Err(format!(
                "it links the zero-length annotation refused at line {line}"
            ));
        }
        keys.get(s)
            .cloned()
            .ok_or_else(|| "no such annotation".into())
    }

    fn relations(
        &mut self,
        doc: &mut InDoc,
        keys: &[String],
        refused: &HashMap<usize, usize>,
        typed: &HashMap<usize, Typed>,
        counts: &mut Counts,
    ) {
        let mut found = Vec::new();
        for rel in &self.rels {
            let Some(layer) = self.layers.get(rel.layer) else {
                continue;
            };
            let place = Place::line(self.file, rel.line);
            let base = self.columns.iter().find_map(|c| match &c.kind {
                ColKind::RelationRef(b) if c.layer == rel.layer => Some(b.clone()),
                _ => None,
            });
            let (Some(base), Some((source, a, b))) = (base, rel.source.clone()) else {
                found.push(ImportProblem::new(
                    place,
                    format!("a {} relation without its source", layer.short),
                ));
                continue;
            };
            let declared = self.layers.iter().any(|l| l.name == base);
            if !declared && base.ends_with(".Token") {
                found.push(ImportProblem::new(
                    place,
                    format!(
                        "the {} relation links tokens ({base}); Marginalia links annotations, so it cannot come in",
                        layer.short
                    ),
                ));
                continue;
            }
            let target = self.units.get(rel.unit).map_or("", |u| u.id.as_str());
            let ends = (
                self.end_of(self.resolve(&base, &source, a), keys, refused),
                self.end_of(self.resolve(&base, target, b), keys, refused),
            );
            let (from, to) = match ends {
                (Ok(f), Ok(t)) => (f, t),
                (Err(m), _) => {
                    found.push(ImportProblem::new(
                        place,
                        format!("{} relation from {source}: {m}", layer.short),
                    ));
                    continue;
                }
                (_, Err(m)) => {
                    found.push(ImportProblem::new(
                        place,
                        format!("{} relation to {target}: {m}", layer.short),
                    ));
                    continue;
                }
            };
            let mut r = InRelation {
                place,
                kind: layer.short.clone(),
                from,
                to,
                ..InRelation::default()
            };
            for (&c, value) in &rel.features {
                let Some(column) = self.columns.get(c) else {
                    continue;
                };
                match own(&layer.name, &column.feature) {
                    Some(Own::Label) => r.kind = value.clone(),
                    Some(Own::Note) => r.note = value.clone(),
                    _ if Some(c) == layer.label => r.kind = value.clone(),
                    _ => {
                        let t = typed.get(&c).copied().unwrap_or(Typed::Text);
                        if let Some(v) = in_value(t, value) {
                            r.values.push((column.feature.clone(), v));
                        }
                    }
                }
            }
            if r.kind.trim() != r.kind {
                counts.trimmed += 1;
            }
            doc.relations.push(r);
        }
        self.problems.extend(found);
    }

    /// Slot links as relations from the host to each filler, named by the role.
    fn slots(
        &mut self,
        doc: &mut InDoc,
        keys: &[String],
        refused: &HashMap<usize, usize>,
        counts: &mut Counts,
    ) {
        let mut found = Vec::new();
        for (s, span) in self.spans.iter().enumerate() {
            let Some((feature, slots)) = &span.slots else {
                continue;
            };
            let target_type = self
                .columns
                .iter()
                .find_map(|c| match &c.kind {
                    ColKind::SlotTarget(t) if c.layer == span.layer && &c.feature == feature => {
                        Some(t.as_str())
                    }
                    _ => None,
                })
                .unwrap_or_default();
            let place = Place::line(self.file, span.line);
            for slot in slots {
                let Some((unit, id)) = &slot.target else {
                    counts.empty_slots += 1;
                    continue;
                };
                let kind = slot.role.clone().unwrap_or_else(|| feature.clone());
                let ends = (
                    self.end_of(Ok(s), keys, refused),
                    self.end_of(self.resolve(target_type, unit, *id), keys, refused),
                );
                match ends {
                    (Ok(from), Ok(to)) => doc.relations.push(InRelation {
                        place: place.clone(),
                        kind,
                        from,
                        to,
                        ..InRelation::default()
                    }),
                    (Err(m), _) => found.push(ImportProblem::new(
                        place.clone(),
                        format!("slot {kind}: {m}"),
                    )),
                    (_, Err(m)) => found.push(ImportProblem::new(
                        place.clone(),
                        format!("slot {kind} filled by {unit}: {m}"),
                    )),
                }
            }
        }
        self.problems.extend(found);
    }

    /// Each chain as relations from every element to the next.
    fn chain_links(&mut self, doc: &mut InDoc, keys: &[String], refused: &HashMap<usize, usize>) {
        let mut found = Vec::new();
        for elements in self.chains.values() {
            let order: Vec<usize> = elements.values().copied().collect();
            for pair in order.windows(2) {
                let (Some(&a), Some(&b)) = (pair.first(), pair.get(1)) else {
                    continue;
                };
                let Some(span) = self.spans.get(a) else {
                    continue;
                };
                let short = self.layers.get(span.layer).map_or("", |l| l.short.as_str());
                let kind = span.next.clone().unwrap_or_else(|| short.to_owned());
                let place = Place::line(self.file, span.line);
                match (
                    self.end_of(Ok(a), keys, refused),
                    self.end_of(Ok(b), keys, refused),
                ) {
                    (Ok(from), Ok(to)) => doc.relations.push(InRelation {
                        place,
                        kind,
                        from,
                        to,
                        ..InRelation::default()
                    }),
                    (Err(m), _) | (_, Err(m)) => {
                        found.push(ImportProblem::new(place, format!("{short} chain: {m}")))
                    }
                }
            }
        }
        self.problems.extend(found);
    }
}

/// The document's name and the layer, where the file sits as INCEpTION's project export
/// lays it out: `annotation/<document>/<user>.tsv` (the user's layer) and
/// `curation/<document>/CURATION_USER.tsv` (the reviewed layer). Elsewhere the document is
/// named by the file, and the layer is the one the import is told.
fn inception_names(file: &Path) -> (Option<String>, Option<String>) {
    let name = |p: Option<&Path>| {
        p.and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
    };
    let document = file.parent();
    let (Some(doc), Some(kind), Some(user)) = (
        name(document),
        name(document.and_then(Path::parent)),
        file.file_stem().map(|s| s.to_string_lossy().into_owned()),
    ) else {
        return (None, None);
    };
    match kind.as_str() {
        "annotation" => (Some(doc), Some(user)),
        "curation" => (Some(doc), Some(crate::model::REVIEWED_LAYER.to_owned())),
        _ => (None, None),
    }
}

/// A whole number as written (`-2`, not `+2` or `02`).
fn whole(s: &str) -> Option<i32> {
    s.parse::<i32>().ok().filter(|n| n.to_string() == s)
}

fn in_value(t: Typed, value: &str) -> Option<InValue> {
    match t {
        Typed::Flag => (value == "true").then_some(InValue::Flag),
        Typed::Number => whole(value).map(InValue::Number),
        Typed::Text => Some(InValue::Text(value.to_owned())),
    }
}
