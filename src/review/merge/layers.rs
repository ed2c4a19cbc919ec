//! Layers: each annotator's annotations and relations, translated into the result's ids and
//! compared with mine.

use std::collections::{BTreeMap, HashMap, HashSet};

use jiff::Timestamp;

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
    pub annotations: BTreeMap<AnnotationId, Annotation>,
    pub relations: BTreeMap<RelationId, Relation>,
    pub renamed: Vec<Renamed>,
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
        let mut incoming = Incoming {
            annotations: BTreeMap::new(),
            relations: BTreeMap::new(),
            renamed: Vec::new(),
        };
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
                incoming.renamed.push(Renamed {
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
            incoming.annotations.insert(a2.id.clone(), a2);
        }
        out.insert(layer.to_owned(), incoming);
    }
    for (&layer, l) in their_layers {
        let Some(incoming) = out.get_mut(layer) else {
            continue;
        };
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
            incoming.relations.insert(r2.id.clone(), r2);
        }
    }
    Ok(Translated {
        layers: out,
        renames,
    })
}

/// The latest `modified` time among annotations.
fn latest<'a>(annotations: impl Iterator<Item = &'a Annotation>) -> Option<Timestamp> {
    annotations.map(|a| a.modified).max()
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
    for (id, a) in &incoming.annotations {
        match mine.annotations.get(id).filter(|m| m.annotator == name) {
            None => report.added += 1,
            Some(m) if m != a => report.changed += 1,
            Some(_) => {}
        }
    }
    for (id, r) in &incoming.relations {
        match mine.relations.get(id).filter(|m| m.annotator == name) {
            None => report.relations_added += 1,
            Some(m) if m != r => report.relations_changed += 1,
            Some(_) => {}
        }
    }
    report.removed = l
        .annotations
        .iter()
        .filter(|a| !incoming.annotations.contains_key(&a.id))
        .count();
    report.relations_removed = l
        .relations
        .iter()
        .filter(|r| !incoming.relations.contains_key(&r.id))
        .count();
    let differs = report.added
        + report.changed
        + report.removed
        + report.relations_added
        + report.relations_changed
        + report.relations_removed
        > 0;
    report.status = if !differs {
        LayerStatus::Unchanged
    } else if latest(incoming.annotations.values()) > latest(l.annotations.iter().copied()) {
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
    pub links_removed: Vec<RelationId>,
}

/// Brings in the layers that come in (new or updated): their annotations and relations in,
/// my copy of an updated layer out, relation types widened for their links, and my links to
/// annotations an update removes taken away with them. Their annotations move into the edits.
pub(super) fn layer_edits(
    mine: &Project,
    mine_layers: &BTreeMap<&str, Layer<'_>>,
    mut incoming: BTreeMap<String, Incoming>,
    coming: &[&LayerReport],
    schema: &mut Schema,
) -> LayerEdits {
    let mut out = LayerEdits::default();
    let replaced: HashSet<&str> = coming
        .iter()
        .filter(|l| l.status == LayerStatus::Updated)
        .map(|l| l.name.as_str())
        .collect();
    // Relations first, while the annotations that come in can be looked up for their ends.
    let mut arriving: HashMap<&AnnotationId, &Annotation> = HashMap::new();
    for l in coming {
        if let Some(inc) = incoming.get(&l.name) {
            arriving.extend(inc.annotations.iter());
        }
    }
    let end = |id: &AnnotationId| {
        arriving.get(id).copied().or_else(|| {
            mine.annotations
                .get(id)
                .filter(|m| !replaced.contains(m.annotator.as_str()))
        })
    };
    for l in coming {
        let Some(inc) = incoming.get(&l.name) else {
            continue;
        };
        for (id, r) in &inc.relations {
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
            let before = mine.relations.get(id).filter(|m| m.annotator == l.name);
            if before != Some(r) {
                out.relations.push(Edit::Relation {
                    id: id.clone(),
                    before: before.cloned(),
                    after: Some(r.clone()),
                });
            }
        }
        let Some(m) = mine_layers.get(l.name.as_str()) else {
            continue;
        };
        for r in m
            .relations
            .iter()
            .filter(|r| !inc.relations.contains_key(&r.id) || out.left_out.contains(&r.id))
        {
            out.relations.push(Edit::Relation {
                id: r.id.clone(),
                before: Some((*r).clone()),
                after: None,
            });
        }
    }
    drop(arriving);
    let mut removed: HashSet<&AnnotationId> = HashSet::new();
    for l in coming {
        let Some(inc) = incoming.remove(&l.name) else {
            continue;
        };
        if let Some(m) = mine_layers.get(l.name.as_str()) {
            for a in &m.annotations {
                if !inc.annotations.contains_key(&a.id) {
                    removed.insert(&a.id);
                    out.annotations.push(Edit::Annotation {
                        id: a.id.clone(),
                        before: Some(Box::new((*a).clone())),
                        after: None,
                    });
                }
            }
        }
        out.renamed.extend(inc.renamed);
        let new_layer = l.status == LayerStatus::New;
        for (id, a) in inc.annotations {
            let before = match new_layer {
                true => None,
                false => mine.annotations.get(&id).filter(|m| m.annotator == l.name),
            };
            if before != Some(&a) {
                out.annotations.push(Edit::Annotation {
                    id,
                    before: before.cloned().map(Box::new),
                    after: Some(Box::new(a)),
                });
            }
        }
    }
    if !removed.is_empty() {
        for r in mine.relations.values() {
            if !replaced.contains(r.annotator.as_str())
                && (removed.contains(&r.from) || removed.contains(&r.to))
            {
                out.links_removed.push(r.id.clone());
                out.relations.push(Edit::Relation {
                    id: r.id.clone(),
                    before: Some(r.clone()),
                    after: None,
                });
            }
        }
    }
    out
}
