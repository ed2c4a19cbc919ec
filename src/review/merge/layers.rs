//! Layers: each annotator's annotations and relations, translated into the result's ids and
//! compared with mine.

use std::collections::{BTreeMap, HashMap};

use crate::model::{
    Annotation, AnnotationId, Edit, Project, Relation, RelationId, RelationKindId, Schema, TagId,
};

use super::MergeError;
use super::docs::Docs;
use super::ids::{IdSpace, Owner};
use super::report::{LayerReport, LayerStatus, Renamed, RenamedKind};

/// One annotator's items in a project, in id order. An annotator with only a progress status
/// (say "done" on an article with nothing to tag) has a layer too.
#[derive(Default)]
pub(super) struct Layer<'p> {
    pub annotations: Vec<&'p Annotation>,
    pub relations: Vec<&'p Relation>,
}

pub(super) fn layers_of(project: &Project) -> BTreeMap<&str, Layer<'_>> {
    let mut layers: BTreeMap<&str, Layer<'_>> = BTreeMap::new();
    for a in project.annotations.values() {
        layers
            .entry(a.annotator.as_str())
            .or_default()
            .annotations
            .push(a);
    }
    for r in project.relations.values() {
        layers
            .entry(r.annotator.as_str())
            .or_default()
            .relations
            .push(r);
    }
    for d in &project.documents {
        for name in d.meta.status.keys() {
            layers.entry(name.as_str()).or_default();
        }
    }
    layers
}

/// One of their layers as it would come in: final ids, my document ids, merged tag ids.
pub(super) struct Incoming {
    pub annotations: ById<Annotation>,
    pub relations: ById<Relation>,
    pub renamed: Vec<Renamed>,
}

/// Something with an id.
pub(super) trait HasId {
    /// The kind of id.
    type Id: Ord;
    /// Its id.
    fn id(&self) -> &Self::Id;
}

impl HasId for Annotation {
    type Id = AnnotationId;
    fn id(&self) -> &AnnotationId {
        &self.id
    }
}

impl HasId for Relation {
    type Id = RelationId;
    fn id(&self) -> &RelationId {
        &self.id
    }
}

/// Items sorted by id and found by binary search: cheaper to build than a map for the tens
/// of thousands of annotations a layer brings, which arrive already in id order.
pub(super) struct ById<T>(Vec<T>);

impl<T: HasId> ById<T> {
    fn new(mut items: Vec<T>) -> Self {
        if !items.is_sorted_by(|a, b| a.id() <= b.id()) {
            items.sort_by(|a, b| a.id().cmp(b.id()));
        }
        ById(items)
    }

    pub fn get(&self, id: &T::Id) -> Option<&T> {
        let i = self.0.binary_search_by(|x| x.id().cmp(id)).ok()?;
        self.0.get(i)
    }

    pub fn contains(&self, id: &T::Id) -> bool {
        self.get(id).is_some()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn into_vec(self) -> Vec<T> {
        self.0
    }
}

/// Their layers translated, and the annotations that got new ids (their id → new id).
pub(super) struct Translated {
    pub layers: BTreeMap<String, Incoming>,
    pub renames: HashMap<AnnotationId, AnnotationId>,
}

/// Translates their layers into the result's ids.
pub(super) fn incoming_layers(
    their_layers: &BTreeMap<&str, Layer<'_>>,
    docs: &Docs,
    tag_of: &HashMap<TagId, TagId>,
    ids: &mut IdSpace<'_>,
) -> Result<Translated, MergeError> {
    let mut renames: HashMap<AnnotationId, AnnotationId> = HashMap::new();
    let mut out = BTreeMap::new();
    for (&layer, l) in their_layers {
        let mut annotations = Vec::with_capacity(l.annotations.len());
        let mut renamed = Vec::new();
        for a in &l.annotations {
            let (Some(doc), Some(tag)) = (docs.doc_of.get(&a.doc), tag_of.get(&a.tag)) else {
                return Err(MergeError::Inconsistent(format!(
                    "annotation {} names document {} or tag {}, which it does not hold",
                    a.id, a.doc, a.tag
                )));
            };
            let mut a2 = (*a).clone();
            if let Some(id) = ids.claim(a.id.as_str(), Owner::Annotation(layer)) {
                let id = AnnotationId(id);
                renamed.push(Renamed {
                    kind: RenamedKind::Annotation,
                    layer: layer.to_owned(),
                    from: a.id.0.clone(),
                    to: id.0.clone(),
                });
                renames.insert(a.id.clone(), id.clone());
                a2.id = id;
            }
            if a2.doc != *doc {
                a2.doc = doc.clone();
            }
            if a2.tag != *tag {
                a2.tag = tag.clone();
            }
            annotations.push(a2);
        }
        let incoming = Incoming {
            annotations: ById::new(annotations),
            relations: ById(Vec::new()),
            renamed,
        };
        out.insert(layer.to_owned(), incoming);
    }
    for (&layer, l) in their_layers {
        let Some(incoming) = out.get_mut(layer) else {
            continue;
        };
        let mut relations = Vec::with_capacity(l.relations.len());
        for r in &l.relations {
            let mut r2 = (*r).clone();
            if let Some(id) = ids.claim(r.id.as_str(), Owner::Relation(layer)) {
                let id = RelationId(id);
                incoming.renamed.push(Renamed {
                    kind: RenamedKind::Relation,
                    layer: layer.to_owned(),
                    from: r.id.0.clone(),
                    to: id.0.clone(),
                });
                r2.id = id;
            }
            for end in [&mut r2.from, &mut r2.to] {
                if let Some(new) = renames.get(end) {
                    *end = new.clone();
                }
            }
            relations.push(r2);
        }
        incoming.relations = ById::new(relations);
    }
    Ok(Translated {
        layers: out,
        renames,
    })
}

/// Compares their copy of a layer with mine and decides its status.
pub(super) fn compare(
    name: &str,
    chosen: bool,
    incoming: &Incoming,
    mine_layer: Option<&Layer<'_>>,
    mine: &Project,
) -> LayerReport {
    let mut report = LayerReport {
        name: name.to_owned(),
        chosen,
        status: LayerStatus::New,
        annotations: incoming.annotations.len(),
        relations: incoming.relations.len(),
        added: 0,
        changed: 0,
        removed: 0,
        relations_added: 0,
        relations_changed: 0,
        relations_removed: 0,
        statuses: 0,
    };
    let Some(l) = mine_layer else {
        // A layer I lack: everything of it is new (ids my other layers use were renamed).
        report.added = incoming.annotations.len();
        report.relations_added = incoming.relations.len();
        return report;
    };
    let mut older = 0;
    for a in incoming.annotations.iter() {
        match mine.annotations.get(&a.id).filter(|m| m.annotator == name) {
            None => report.added += 1,
            Some(m) if m != a && a.modified > m.modified => report.changed += 1,
            Some(m) if m != a => older += 1,
            Some(_) => {}
        }
    }
    for r in incoming.relations.iter() {
        match mine.relations.get(&r.id).filter(|m| m.annotator == name) {
            None => report.relations_added += 1,
            Some(m) if m != r => report.relations_changed += 1,
            Some(_) => {}
        }
    }
    report.removed = l
        .annotations
        .iter()
        .filter(|a| !incoming.annotations.contains(&a.id))
        .count();
    report.relations_removed = l
        .relations
        .iter()
        .filter(|r| !incoming.relations.contains(&r.id))
        .count();
    let differs = report.added
        + report.changed
        + older
        + report.removed
        + report.relations_added
        + report.relations_changed
        + report.relations_removed
        > 0;
    report.status = if !differs {
        LayerStatus::Unchanged
    } else if report.added + report.changed + report.relations_added > 0 {
        LayerStatus::Updated
    } else {
        LayerStatus::KeptYours
    };
    report
}

/// The edits that bring the chosen layers in, and what they leave out or widen.
#[derive(Default)]
pub(super) struct LayerEdits {
    pub annotations: Vec<Edit>,
    pub relations: Vec<Edit>,
    pub renamed: Vec<Renamed>,
    pub widened: Vec<RelationKindId>,
    pub left_out: Vec<RelationId>,
}

/// Brings in the layers that come in (new or updated): their annotations and relations in,
/// my copy of an updated layer out, relation types widened for their links, and my links to
/// annotations an update removes taken away with them. Their annotations move into the edits.
pub(super) fn layer_edits(
    mine: &Project,
    mut incoming: BTreeMap<String, Incoming>,
    coming: &[&LayerReport],
    schema: &mut Schema,
) -> LayerEdits {
    let mut out = LayerEdits::default();
    // Relations first, while the annotations that come in can be looked up for their ends.
    let arriving: Vec<&ById<Annotation>> = coming
        .iter()
        .filter_map(|l| incoming.get(&l.name).map(|inc| &inc.annotations))
        .collect();
    let end = |id: &AnnotationId| {
        arriving
            .iter()
            .find_map(|l| l.get(id))
            .or_else(|| mine.annotations.get(id))
    };
    for l in coming {
        let Some(inc) = incoming.get(&l.name) else {
            continue;
        };
        for r in inc.relations.iter() {
            let id = &r.id;
            let (Some(from), Some(to)) = (end(&r.from), end(&r.to)) else {
                out.left_out.push(id.clone());
                continue;
            };
            if from.doc != to.doc {
                out.left_out.push(id.clone());
                continue;
            }
            if let Some(kind) = schema.relations.iter_mut().find(|k| k.id == r.kind)
                && !kind.allows(&from.tag, &to.tag)
            {
                if !kind.from.is_empty() && !kind.from.contains(&from.tag) {
                    kind.from.push(from.tag.clone());
                }
                if !kind.to.is_empty() && !kind.to.contains(&to.tag) {
                    kind.to.push(to.tag.clone());
                }
                if !out.widened.contains(&kind.id) {
                    out.widened.push(kind.id.clone());
                }
            }
            // A relation carries no time: where both copies have one, mine stays.
            if !mine.relations.contains_key(id) {
                out.relations.push(Edit::Relation {
                    id: id.clone(),
                    before: None,
                    after: Some(r.clone()),
                });
            }
        }
    }
    drop(arriving);
    for l in coming {
        let Some(inc) = incoming.remove(&l.name) else {
            continue;
        };
        out.renamed.extend(inc.renamed);
        let new_layer = l.status == LayerStatus::New;
        for a in inc.annotations.into_vec() {
            let before = match new_layer {
                true => None,
                false => mine
                    .annotations
                    .get(&a.id)
                    .filter(|m| m.annotator == l.name),
            };
            // Only a newer version replaces mine; mine newer or the same time stays.
            if before.is_none_or(|m| m != &a && a.modified > m.modified) {
                out.annotations.push(Edit::Annotation {
                    id: a.id.clone(),
                    before: before.cloned().map(Box::new),
                    after: Some(Box::new(a)),
                });
            }
        }
    }
    out
}
