//! The annotations taken, in document and text order, and the items each one carries under a
//! [`Rows`] choice, interned as numbers.

use std::collections::HashMap;
use std::ops::Range;

use crate::model::{Annotation, AttributeKind, DocId, Project, Value};
use crate::summary::Summary;

use super::{Item, Rows};

/// The annotations of the layers taken, sorted by document (project order) and position.
pub(super) struct Taken<'p> {
    /// The annotations, by span number.
    pub anns: Vec<&'p Annotation>,
    /// Each document's spans.
    pub by_doc: Vec<Range<usize>>,
}

impl<'p> Taken<'p> {
    /// The annotations of `layers` in the project's documents.
    pub fn of(project: &'p Project, layers: &[String]) -> Self {
        let doc_index: HashMap<&DocId, u32> = project
            .documents
            .iter()
            .enumerate()
            .map(|(i, d)| (&d.id, i as u32))
            .collect();
        let wanted = |layer: &str| layers.iter().any(|l| l == layer);
        let mut list: Vec<(u32, &Annotation)> = project
            .annotations
            .values()
            .filter(|a| wanted(&a.annotator))
            .filter_map(|a| Some((*doc_index.get(&a.doc)?, a)))
            .collect();
        list.sort_unstable_by(|(da, a), (db, b)| {
            (da, a.start(), a.end(), &a.id).cmp(&(db, b.start(), b.end(), &b.id))
        });
        let mut by_doc = vec![0..0; project.documents.len()];
        let mut at = 0;
        for (d, range) in by_doc.iter_mut().enumerate() {
            let from = at;
            while list.get(at).is_some_and(|(doc, _)| *doc as usize == d) {
                at += 1;
            }
            *range = from..at;
        }
        let anns = list.into_iter().map(|(_, a)| a).collect();
        Taken { anns, by_doc }
    }
}

/// The items every span carries, and what they are.
pub(super) struct Carrier {
    /// The items, in the order rows show them (the schema's or codebook's, then as met).
    pub items: Vec<Item>,
    /// Where each span's items start in `flat` (one more entry than spans).
    offs: Vec<u32>,
    flat: Vec<u32>,
}

/// Items by key, each made once.
#[derive(Default)]
struct Interner {
    items: Vec<Item>,
    index: HashMap<String, u32>,
}

impl Interner {
    fn add(&mut self, item: Item) -> u32 {
        if let Some(&i) = self.index.get(&item.key) {
            return i;
        }
        let i = self.items.len() as u32;
        self.index.insert(item.key.clone(), i);
        self.items.push(item);
        i
    }

    /// The item with this key, made by `make` if new (no allocation when it is known).
    fn get(&mut self, key: &str, make: impl FnOnce() -> Item) -> u32 {
        match self.index.get(key) {
            Some(&i) => i,
            None => self.add(make()),
        }
    }
}

impl Carrier {
    /// The items of span `s` (none for a span carrying nothing).
    pub fn of_span(&self, s: usize) -> &[u32] {
        let (Some(&from), Some(&to)) = (self.offs.get(s), self.offs.get(s + 1)) else {
            return &[];
        };
        self.flat
            .get(from as usize..to as usize)
            .unwrap_or_default()
    }

    /// The items each span of `taken` carries under `rows`.
    pub fn new(project: &Project, taken: &Taken, layers: &[String], rows: &Rows) -> Self {
        match rows {
            Rows::Tags => {
                let mut interner = Interner::default();
                for t in &project.schema.tags {
                    interner.add(Item::new(t.id.as_str(), &t.label, Some(t.color)));
                }
                Self::collect(taken, interner, |interner, a, out| {
                    let tag = a.tag.as_str();
                    out.push(interner.get(tag, || Item::new(tag, tag, None)));
                })
            }
            Rows::Attribute(id) => {
                let mut interner = Interner::default();
                let kind = project
                    .schema
                    .tags
                    .iter()
                    .find_map(|t| t.attribute(id))
                    .map(|a| (a.kind.clone(), a.label.clone()));
                let mut scale = None;
                match &kind {
                    Some((AttributeKind::Choice { values, .. }, _)) => {
                        for v in values {
                            interner.add(Item::new(&v.id, &v.label, Some(v.color)));
                        }
                    }
                    Some((AttributeKind::Code { codebook }, _)) => {
                        if let Some(book) = project.codebooks.get(codebook) {
                            for c in &book.codes {
                                let path = book.path(&c.id).join(" › ");
                                interner.add(Item::new(c.id.as_str(), path, c.color));
                            }
                        }
                    }
                    Some((AttributeKind::Scale { min, max }, _)) if max >= min => {
                        scale = Some((*min, *max, interner.items.len() as u32));
                        for n in *min..=*max {
                            interner.add(Item::new(n.to_string(), n.to_string(), None));
                        }
                    }
                    Some((AttributeKind::Flag, label)) => {
                        interner.add(Item::new("yes", label, None));
                    }
                    _ => {}
                }
                Self::collect(taken, interner, |interner, a, out| match a.values.get(id) {
                    None => {}
                    Some(Value::Flag) => {
                        out.push(interner.get("yes", || Item::new("yes", id.as_str(), None)))
                    }
                    Some(Value::Choice(vs)) => {
                        for v in vs {
                            out.push(interner.get(v, || Item::new(v, v, None)));
                        }
                    }
                    Some(Value::Code(c)) => {
                        let c = c.as_str();
                        out.push(interner.get(c, || Item::new(c, c, None)));
                    }
                    Some(Value::Scale(n)) => match scale {
                        Some((min, max, base)) if (min..=max).contains(n) => {
                            out.push(base + (n - min) as u32);
                        }
                        _ => {
                            let key = n.to_string();
                            out.push(interner.get(&key, || Item::new(&key, &key, None)));
                        }
                    },
                    Some(Value::Text(t)) => out.push(interner.get(t, || Item::new(t, t, None))),
                })
            }
            Rows::Actors => Self::actors(project, taken, layers),
        }
    }

    /// Calls `carry` on every span to list its items, then sorts and de-duplicates each list.
    fn collect(
        taken: &Taken,
        mut interner: Interner,
        mut carry: impl FnMut(&mut Interner, &Annotation, &mut Vec<u32>),
    ) -> Self {
        let mut offs = Vec::with_capacity(taken.anns.len() + 1);
        let mut flat = Vec::with_capacity(taken.anns.len());
        offs.push(0);
        for a in &taken.anns {
            let from = flat.len();
            carry(&mut interner, a, &mut flat);
            if let Some(mine) = flat.get_mut(from..)
                && mine.len() > 1
            {
                mine.sort_unstable();
                let mut kept = from + 1;
                for i in from + 1..flat.len() {
                    if flat.get(i) != flat.get(kept - 1) {
                        flat.swap(kept, i);
                        kept += 1;
                    }
                }
                flat.truncate(kept);
            }
            offs.push(flat.len() as u32);
        }
        Carrier {
            items: interner.items,
            offs,
            flat,
        }
    }

    /// A claim carries its speakers, as the summary finds and groups them.
    fn actors(project: &Project, taken: &Taken, layers: &[String]) -> Self {
        let summary = Summary::of(project, layers, None);
        let items = summary
            .actors
            .iter()
            .map(|a| Item::new(a.key.id(), &a.name, None))
            .collect();
        let span_of: HashMap<&crate::model::AnnotationId, usize> = taken
            .anns
            .iter()
            .enumerate()
            .map(|(i, a)| (&a.id, i))
            .collect();
        let mut pairs: Vec<(usize, u32)> = summary
            .documents
            .iter()
            .flat_map(|d| &d.claims)
            .filter_map(|c| Some((*span_of.get(&c.mention.id)?, &c.speakers)))
            .flat_map(|(s, speakers)| speakers.iter().map(move |sp| (s, sp.actor as u32)))
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        let mut offs = Vec::with_capacity(taken.anns.len() + 1);
        let mut at = 0;
        offs.push(0);
        for s in 0..taken.anns.len() {
            while pairs.get(at).is_some_and(|(p, _)| *p == s) {
                at += 1;
            }
            offs.push(at as u32);
        }
        Carrier {
            items,
            offs,
            flat: pairs.into_iter().map(|(_, a)| a).collect(),
        }
    }
}
