//! The schema side of a merge: which of their tags are mine under another id, which come in
//! as new tags, and the relation types that come with them.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::model::{Project, RelationKindId, Schema, TagId, TagType};

use super::MergeError;

/// One of their tag types that my schema lacks (by id), and where a merge puts it unless told
/// otherwise: for the window's mapping step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TagProposal {
    /// Their tag id.
    pub tag: TagId,
    /// Their label for it.
    pub label: String,
    /// My tag whose label equals theirs ignoring case, which it maps to by default; `None`:
    /// it is added as a new tag.
    pub default: Option<TagId>,
    /// How many of their annotations carry it.
    pub uses: usize,
}

/// Their tags that my schema does not have under the same id, in their schema's order, each
/// with the mapping a merge uses by default (see [`TagProposal::default`]).
pub fn tag_proposals(mine: &Project, theirs: &Project) -> Vec<TagProposal> {
    let mut uses: HashMap<&TagId, usize> = HashMap::new();
    for a in theirs.annotations.values() {
        *uses.entry(&a.tag).or_default() += 1;
    }
    theirs
        .schema
        .tags
        .iter()
        .filter(|t| mine.schema.tag(&t.id).is_none())
        .map(|t| TagProposal {
            tag: t.id.clone(),
            label: t.label.clone(),
            default: same_label(&mine.schema, t).map(|m| m.id.clone()),
            uses: uses.get(&t.id).copied().unwrap_or(0),
        })
        .collect()
}

/// My first tag whose label equals `theirs`' label, ignoring case (Unicode lower case).
fn same_label<'s>(mine: &'s Schema, theirs: &TagType) -> Option<&'s TagType> {
    let wanted = theirs.label.trim().to_lowercase();
    mine.tags
        .iter()
        .find(|m| m.label.trim().to_lowercase() == wanted)
}

/// Their tag mapped to one of mine under another id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TagMapped {
    /// Their tag id.
    pub theirs: TagId,
    /// My tag id, which their annotations take.
    pub mine: TagId,
}

/// The merged schema and how their tag ids translate into it.
pub(super) struct SchemaMerge {
    /// My schema with their new tags and relation types appended.
    pub schema: Schema,
    /// Their tag id → the id it has in the merged schema.
    pub tag_of: HashMap<TagId, TagId>,
    /// Their tags added, in their order.
    pub tags_added: Vec<TagId>,
    /// Their tags mapped to one of mine with another id.
    pub tags_mapped: Vec<TagMapped>,
    /// Their relation types added, in their order.
    pub relation_types_added: Vec<RelationKindId>,
}

/// Merges their schema into mine.
///
/// `map` sends their tag ids to mine; mapping a tag to its own id when I have no tag of that
/// id means "add it as a new tag" (overriding a match by label). Unmapped tags keep their id
/// when I have it, else take my tag with the same label (ignoring case), else are added. An
/// added tag keeps its key unless one of the merged tags already uses it. A relation type I
/// lack is added, its allowed tags translated.
pub(super) fn merge_schema(
    mine: &Schema,
    theirs: &Schema,
    map: &BTreeMap<TagId, TagId>,
) -> Result<SchemaMerge, MergeError> {
    for (from, to) in map {
        if theirs.tag(from).is_none() {
            return Err(MergeError::UnknownTag {
                tag: from.clone(),
                available: theirs.tags.iter().map(|t| t.id.clone()).collect(),
            });
        }
        if from != to && mine.tag(to).is_none() {
            return Err(MergeError::UnknownTarget {
                tag: from.clone(),
                target: to.clone(),
                available: mine.tags.iter().map(|t| t.id.clone()).collect(),
            });
        }
    }
    let mut schema = mine.clone();
    let mut out = SchemaMerge {
        schema: Schema::default(),
        tag_of: HashMap::with_capacity(theirs.tags.len()),
        tags_added: Vec::new(),
        tags_mapped: Vec::new(),
        relation_types_added: Vec::new(),
    };
    for t in &theirs.tags {
        let target = match map.get(&t.id) {
            Some(to) => mine.tag(to).map(|m| m.id.clone()),
            None => mine
                .tag(&t.id)
                .or_else(|| same_label(mine, t))
                .map(|m| m.id.clone()),
        };
        match target {
            Some(id) => {
                if id != t.id {
                    out.tags_mapped.push(TagMapped {
                        theirs: t.id.clone(),
                        mine: id.clone(),
                    });
                }
                out.tag_of.insert(t.id.clone(), id);
            }
            None => {
                let mut added = t.clone();
                let key_taken = |k: &String| {
                    let k = k.trim().to_lowercase();
                    schema.tags.iter().any(|m| {
                        m.key
                            .as_ref()
                            .is_some_and(|mk| mk.trim().to_lowercase() == k)
                    })
                };
                if added.key.as_ref().is_some_and(key_taken) {
                    added.key = None;
                }
                schema.tags.push(added);
                out.tags_added.push(t.id.clone());
                out.tag_of.insert(t.id.clone(), t.id.clone());
            }
        }
    }
    for r in &theirs.relations {
        if schema.relation(&r.id).is_some() {
            continue;
        }
        let translate = |tags: &[TagId]| {
            let mut list: Vec<TagId> = Vec::with_capacity(tags.len());
            for t in tags {
                let t = out.tag_of.get(t).unwrap_or(t).clone();
                if !list.contains(&t) {
                    list.push(t);
                }
            }
            list
        };
        let mut added = r.clone();
        added.from = translate(&r.from);
        added.to = translate(&r.to);
        schema.relations.push(added);
        out.relation_types_added.push(r.id.clone());
    }
    out.schema = schema;
    Ok(out)
}
