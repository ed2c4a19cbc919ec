//! Merging a colleague's project into mine, as one edit (one undo step) and a report of what
//! it brings in.
//!
//! The rules, in the order the planner applies them:
//!
//! - **Documents** are the same article when their texts are byte-identical, which is what the
//!   SHA-256 each project file records identifies (a load has checked every recorded hash
//!   against its text, so the planner compares the texts through a hash map instead of hashing
//!   4 MB again). Titles and other details may differ; mine are kept. Their annotations on a
//!   matched document are moved to my document's id. Copies of one text in a project are
//!   paired in order, the same id first. Their other documents are appended in their order,
//!   under their id, or under a fresh one (`id-2` …) when I use that id already.
//! - **Layers**: an annotator's annotations and relations. `MergeOptions::layers` chooses
//!   which of their layers come in (`None`: all their layers: every annotator with an
//!   annotation, a relation or a progress status on a document).
//!   A layer I lack comes in whole (`new`). A layer we both have is joined item by item,
//!   never replaced: their annotations I lack come in; where both have an annotation, their
//!   version replaces mine only if its `modified` time is later; what only I have stays
//!   (`updated` when anything of theirs comes in, `kept_yours` when nothing does, `unchanged`
//!   when the copies are the same). So merging an updated file from the same colleague brings
//!   their additions and changes without duplicating anything, and a stale copy of my own
//!   layer, or of the shared `reviewed` layer, in their file never takes my work away. Without
//!   a common ancestor a removal of theirs cannot be told from an addition of mine, so it is
//!   not carried over: it stays, counted in the report as "only in yours".
//! - **Progress**: for a new layer, their status of it on each of their documents is taken;
//!   for a layer we both have, the further-along status of the two is kept.
//! - **Relations** belong to their annotator's layer and follow it. One whose end is not in the
//!   result (it lies in a layer left out or kept as mine) is left out and reported. When my
//!   relation type of the same id does not allow the tags one of theirs links, the type is
//!   widened to allow them (reported). A relation carries no time: where both copies have
//!   one id, mine stays.
//! - **Ids**: an incoming annotation or relation keeps its id unless my project uses that id for
//!   something other than the same layer's item; then it takes `id-layer` (or `id-layer-2` …),
//!   the same on every merge, and is reported. Nothing of mine is ever overwritten by a
//!   different layer's item.
//! - **Schema**: the same tag id is the same tag. `MergeOptions::tag_map` sends their tag ids to
//!   mine (a tag mapped to its own id, when I have no such tag, is added as new). An unmapped
//!   tag whose label equals one of mine, ignoring case, maps to it; any other is added (its key
//!   dropped if one of my tags has it). Their relation types I lack are added.
//! - **Entities** and **decisions**: the union by id; the same id with different content keeps
//!   mine and is reported. Their decisions name my document ids and the incoming ids.
//! - **Annotators**: the layers that come in join the project's annotators.
//! - **Reviews**: a document marked reviewed goes back to in progress when the merge brings
//!   it an annotation, in a layer its review compared, that no decision has seen as it is
//!   now (see [`stale`]); the report lists these documents.
//!
//! Merging the same file twice changes nothing the second time: every rule above is a function
//! of the two projects, and the second time everything of theirs is found in mine.

mod codes;
mod docs;
mod ids;
mod layers;
mod report;
mod schema;
mod stale;

pub use report::{LayerReport, LayerStatus, MergeReport, Renamed, RenamedKind};
pub use schema::{TagMapped, TagProposal, tag_proposals};

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::model::{AnnotationId, Edit, Project, TagId, project_meta};

use docs::{Docs, document_edits, match_documents};
use ids::IdSpace;
use layers::{Layer, compare, incoming_layers, layer_edits, layers_of};

/// What to take from their project.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MergeOptions {
    /// Their layers to bring in; `None`: every layer of theirs.
    pub layers: Option<Vec<String>>,
    /// Their tag id → my tag id (or their own id: add it as a new tag).
    pub tag_map: BTreeMap<TagId, TagId>,
}

/// A checked merge: the edit that performs it (one [`Edit::Batch`], so one undo step; empty
/// when nothing would change) and what it does.
#[derive(Clone, Debug)]
pub struct MergePlan {
    /// Applies the merge to the project it was planned against.
    pub edit: Edit,
    /// What comes in, what is kept, what was renamed.
    pub report: MergeReport,
}

/// Why a merge cannot be planned; nothing is changed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    /// A layer asked for is not in their project.
    #[error("their project has no layer {layer:?} (its layers: {})", available.join(", "))]
    UnknownLayer {
        /// The layer asked for.
        layer: String,
        /// Their layers.
        available: Vec<String>,
    },
    /// A tag mapping names a tag their schema lacks.
    #[error(
        "their schema has no tag {tag} to map (its tags: {})",
        joined(available)
    )]
    UnknownTag {
        /// The tag named.
        tag: TagId,
        /// Their tags.
        available: Vec<TagId>,
    },
    /// A tag mapping sends a tag to one my schema lacks.
    #[error(
        "cannot map their tag {tag} to {target}: your schema has no tag {target} (your tags: {}; map a tag to itself to add it as new)",
        joined(available)
    )]
    UnknownTarget {
        /// Their tag.
        tag: TagId,
        /// The tag asked for.
        target: TagId,
        /// My tags.
        available: Vec<TagId>,
    },
    /// Their project refers to something it does not hold (a loaded project never does).
    #[error("their project is inconsistent: {0}")]
    Inconsistent(String),
}

fn joined(ids: &[TagId]) -> String {
    ids.iter().map(TagId::as_str).collect::<Vec<_>>().join(", ")
}

/// Plans merging `theirs` into `mine` by the rules of the module documentation. Reads both
/// projects only; apply [`MergePlan::edit`] to `mine` to perform it.
pub fn plan_merge(
    mine: &Project,
    theirs: &Project,
    options: &MergeOptions,
) -> Result<MergePlan, MergeError> {
    let mut schema = schema::merge_schema(&mine.schema, &theirs.schema, &options.tag_map)?;
    let mut report = MergeReport::default();
    codes::merge_definitions(
        &mut schema.schema,
        &theirs.schema,
        &schema.tag_of,
        &mut report,
    );
    let (codebook_edits, codebooks) = codes::merge_codebooks(mine, theirs, &mut report);
    let their_layers = layers_of(theirs);
    let chosen = chosen_layers(&their_layers, options)?;
    let mine_layers = layers_of(mine);
    let mut ids = IdSpace::new(mine, theirs);
    let docs = match_documents(mine, theirs, &mut ids);
    let translated = incoming_layers(&their_layers, &docs, &schema.tag_of, &mut ids)?;

    report.documents_matched = docs.matched.len();
    report.documents_added = docs.added.iter().map(|(_, id)| id.clone()).collect();
    report.renamed = docs.renamed.clone();
    for (name, inc) in &translated.layers {
        let is_chosen = chosen.contains(name.as_str());
        let mine_layer = mine_layers.get(name.as_str());
        report
            .layers
            .push(compare(name, is_chosen, inc, mine_layer, mine));
    }
    let coming: Vec<&LayerReport> = report.layers.iter().filter(|l| l.comes_in()).collect();
    let mut layers = layer_edits(mine, translated.layers, &coming, &mut schema.schema);
    codes::check_values(
        &mut layers.annotations,
        &schema.schema,
        &codebooks,
        &mut report,
    );
    codes::check_values(
        &mut layers.relations,
        &schema.schema,
        &codebooks,
        &mut report,
    );
    let registry = registry_edits(mine, theirs, &docs, &translated.renames, &mut report);
    let seen = stale::Seen::new(mine, &layers.annotations, &registry);
    let mut documents = document_edits(mine, theirs, &docs, &report.layers, &seen);
    drop(seen);
    for l in &mut report.layers {
        l.statuses = documents.counts.get(l.name.as_str()).copied().unwrap_or(0);
    }
    report.reviews_reopened = documents.reopened;

    let mut edits = Vec::new();
    if schema.schema != mine.schema {
        edits.push(Edit::Schema {
            before: Box::new(mine.schema.clone()),
            after: Box::new(schema.schema.clone()),
        });
    }
    let before = project_meta(mine);
    let mut after = before.clone();
    for l in report.layers.iter().filter(|l| l.comes_in()) {
        after.annotators.insert(l.name.clone());
    }
    if after != before {
        edits.push(Edit::Project {
            before: Box::new(before),
            after: Box::new(after),
        });
    }
    report.annotations_touched = layers.annotations.len();
    edits.extend(codebook_edits);
    codes::check_values(
        &mut documents.edits,
        &schema.schema,
        &codebooks,
        &mut report,
    );
    edits.extend(documents.edits);
    edits.extend(registry);
    edits.extend(layers.annotations);
    edits.extend(layers.relations);

    report.renamed.extend(layers.renamed);
    report.tags_added = schema.tags_added;
    report.tags_mapped = schema.tags_mapped;
    report.relation_types_added = schema.relation_types_added;
    report.relation_types_widened = layers.widened;
    report.relations_left_out = layers.left_out;
    let edit = Edit::Batch(edits);
    report.changed = !edit.is_empty();
    Ok(MergePlan { edit, report })
}

/// The layers `options` chooses among theirs.
fn chosen_layers<'t>(
    their_layers: &BTreeMap<&'t str, Layer<'_>>,
    options: &MergeOptions,
) -> Result<BTreeSet<&'t str>, MergeError> {
    let Some(list) = &options.layers else {
        return Ok(their_layers.keys().copied().collect());
    };
    let mut chosen = BTreeSet::new();
    for l in list {
        let Some((&name, _)) = their_layers.get_key_value(l.as_str()) else {
            return Err(MergeError::UnknownLayer {
                layer: l.clone(),
                available: their_layers.keys().map(|s| (*s).to_owned()).collect(),
            });
        };
        chosen.insert(name);
    }
    Ok(chosen)
}

/// Entities and decisions: the union by id, mine kept (and reported) where both differ.
/// Their decisions are moved to my document ids and the incoming annotation ids.
fn registry_edits(
    mine: &Project,
    theirs: &Project,
    docs: &Docs,
    renames: &HashMap<AnnotationId, AnnotationId>,
    report: &mut MergeReport,
) -> Vec<Edit> {
    let mut edits = Vec::new();
    for e in theirs.entities.values() {
        match mine.entities.get(&e.id) {
            Some(m) if m == e => {}
            Some(_) => report.entities_kept.push(e.id.clone()),
            None => {
                report.entities_added.push(e.id.clone());
                edits.push(Edit::Entity {
                    id: e.id.clone(),
                    before: None,
                    after: Some(e.clone()),
                });
            }
        }
    }
    let rename = |id: &mut AnnotationId| {
        if let Some(new) = renames.get(id) {
            *id = new.clone();
        }
    };
    for d in theirs.decisions.values() {
        let mut d2 = d.clone();
        if let Some(doc) = docs.doc_of.get(&d.doc) {
            d2.doc = doc.clone();
        }
        d2.sources.iter_mut().for_each(rename);
        for (source, copy) in &mut d2.taken {
            rename(source);
            rename(copy);
        }
        match mine.decisions.get(&d.id) {
            Some(m) if *m == d2 => {}
            Some(_) => report.decisions_kept.push(d.id.clone()),
            None => {
                report.decisions_added.push(d.id.clone());
                edits.push(Edit::Decision {
                    id: d.id.clone(),
                    before: None,
                    after: Some(Box::new(d2)),
                });
            }
        }
    }
    edits
}

#[cfg(test)]
#[path = "merge_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "merge_lossless_tests.rs"]
mod lossless_tests;

#[cfg(test)]
#[path = "merge_stale_tests.rs"]
mod stale_tests;
