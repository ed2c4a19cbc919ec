//! Alias suggestions: untagged mentions of known entities, offered for tagging in one click.
//!
//! An entity's known aliases are its name, the other names the registry lists for it, and the
//! distinct quotes of the one-fragment annotations linked to it (a discontinuous quote is not
//! text that occurs), each trimmed; aliases of fewer than 2 characters are ignored.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use jiff::Timestamp;

use crate::model::ops::{self, NewAnnotation};
use crate::model::{
    ByteOffset, DocId, Edit, EditError, EntityId, Fragment, Project, Schema, TagId,
};

use super::{Haystack, SearchOptions, fold};

/// A mention of a known entity that nobody in this layer has tagged yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    /// The document.
    pub doc: DocId,
    /// Byte range into the document's text, on word (and so grapheme) boundaries.
    pub range: Range<ByteOffset>,
    /// The entity mentioned.
    pub entity: EntityId,
    /// The tag to give it: the one most used on the entity's annotations.
    pub tag: TagId,
    /// The alias found: the text of `range`.
    pub alias: String,
}

/// The mentions of known entities in `doc` that no annotation of `annotator`'s layer (of any
/// tag) overlaps, sorted by position.
///
/// An alias matches as a whole word with case and diacritics respected. Where two aliases
/// overlap, the longer wins (then the earlier, then the entity with the smaller id), so
/// "Emmanuel Macron" is one suggestion, not also "Macron". The tag is the one most used on the
/// entity's annotations (ties go to the tag first in the schema); for an entity with none, the
/// one most used on annotations linked to any entity, else the schema's first tag.
///
/// `blind` (blind coding): only `annotator`'s own annotations teach names and tags; the
/// registry's names and aliases still count, but no colleague's quote does, so where they
/// found a mention does not show through.
pub fn alias_suggestions(
    project: &Project,
    doc: &DocId,
    annotator: &str,
    blind: bool,
) -> Vec<Suggestion> {
    let Some(document) = project.document(doc) else {
        return Vec::new();
    };
    let opts = SearchOptions {
        case_sensitive: true,
        whole_word: true,
        ignore_diacritics: false,
    };
    let haystack = Haystack::new(&document.text, &opts);
    let covered = Coverage::new(project, doc, annotator);
    let mut candidates = Vec::new();
    for known in known_entities(project, blind.then_some(annotator)) {
        for alias in &known.aliases {
            for range in haystack.find_all(&fold::fold_str(alias, &opts)) {
                if !covered.overlaps(&range) {
                    candidates.push(Suggestion {
                        doc: doc.clone(),
                        range,
                        entity: known.entity.clone(),
                        tag: known.tag.clone(),
                        alias: alias.clone(),
                    });
                }
            }
        }
    }
    candidates.sort_by(|a, b| {
        let key = |s: &Suggestion| (Reverse(s.range.end.0 - s.range.start.0), s.range.start);
        key(a).cmp(&key(b)).then_with(|| a.entity.cmp(&b.entity))
    });
    // Kept suggestions by start; they never overlap, so only the last one starting before a
    // candidate ends can overlap it.
    let mut kept: BTreeMap<ByteOffset, Suggestion> = BTreeMap::new();
    for s in candidates {
        let clash = kept
            .range(..s.range.end)
            .next_back()
            .is_some_and(|(_, k)| k.range.end > s.range.start);
        if !clash {
            kept.insert(s.range.start, s);
        }
    }
    kept.into_values().collect()
}

/// The edit that accepts `suggestion`: an annotation of its tag, linked to its entity, in
/// `annotator`'s layer.
pub fn accept_suggestion_edit(
    project: &Project,
    suggestion: &Suggestion,
    annotator: &str,
    now: Timestamp,
) -> Result<Edit, EditError> {
    let text = project
        .document(&suggestion.doc)
        .and_then(|d| d.text.get(suggestion.range.start.0..suggestion.range.end.0));
    if text != Some(suggestion.alias.as_str()) {
        return Err(EditError::Invalid(format!(
            "{:?} is no longer at {}..{} of {}",
            suggestion.alias, suggestion.range.start, suggestion.range.end, suggestion.doc
        )));
    }
    let item = NewAnnotation {
        doc: suggestion.doc.clone(),
        tag: suggestion.tag.clone(),
        fragments: vec![Fragment::new(suggestion.range.clone())],
        entity: Some(suggestion.entity.clone()),
    };
    ops::add_annotations(project, vec![item], annotator, now)
}

/// An entity with the tag its mentions get and the names it is known by.
pub(super) struct Known<'p> {
    pub(super) entity: &'p EntityId,
    pub(super) tag: TagId,
    pub(super) aliases: BTreeSet<String>,
}

/// Every entity of the registry that has a tag to give, in id order. With `only` a layer,
/// only that layer's annotations teach names (their quotes) and tags: the registry's own
/// names and aliases are shared, like a codebook, but where a colleague found a mention is
/// theirs.
pub(super) fn known_entities<'p>(project: &'p Project, only: Option<&str>) -> Vec<Known<'p>> {
    let mut quotes: BTreeMap<&EntityId, BTreeSet<&str>> = BTreeMap::new();
    let mut tags: BTreeMap<&EntityId, BTreeMap<&TagId, usize>> = BTreeMap::new();
    let mut linked_tags: BTreeMap<&TagId, usize> = BTreeMap::new();
    for a in project.annotations.values() {
        let Some(entity) = &a.entity else { continue };
        if only.is_some_and(|layer| a.annotator != layer) {
            continue;
        }
        if a.fragments.len() == 1 {
            quotes.entry(entity).or_default().insert(&a.quote);
        }
        *tags.entry(entity).or_default().entry(&a.tag).or_default() += 1;
        *linked_tags.entry(&a.tag).or_default() += 1;
    }
    let fallback = most_used(&project.schema, &linked_tags)
        .or_else(|| project.schema.tags.first().map(|t| t.id.clone()));
    let mut known = Vec::new();
    for entity in project.entities.values() {
        let tag = tags
            .get(&entity.id)
            .and_then(|counts| most_used(&project.schema, counts))
            .or_else(|| fallback.clone());
        let Some(tag) = tag else { continue };
        let aliases = std::iter::once(entity.name.as_str())
            .chain(entity.aliases.iter().map(String::as_str))
            .chain(quotes.get(&entity.id).into_iter().flatten().copied())
            .map(str::trim)
            .filter(|alias| alias.chars().count() >= 2)
            .map(str::to_owned)
            .collect();
        known.push(Known {
            entity: &entity.id,
            tag,
            aliases,
        });
    }
    known
}

/// The schema's tag with the highest count, the first in the schema on a tie; `None` if no tag
/// of the schema was counted.
fn most_used(schema: &Schema, counts: &BTreeMap<&TagId, usize>) -> Option<TagId> {
    let mut best: Option<(&TagId, usize)> = None;
    for tag in &schema.tags {
        let n = counts.get(&tag.id).copied().unwrap_or(0);
        if n > 0 && best.is_none_or(|(_, most)| n > most) {
            best = Some((&tag.id, n));
        }
    }
    best.map(|(tag, _)| tag.clone())
}

/// The fragments of one layer of one document, for overlap tests in O(log n).
struct Coverage {
    /// Fragment starts, ascending.
    starts: Vec<ByteOffset>,
    /// `max_end[i]`: the furthest end among the first `i + 1` fragments.
    max_end: Vec<ByteOffset>,
}

impl Coverage {
    fn new(project: &Project, doc: &DocId, annotator: &str) -> Self {
        let mut fragments: Vec<Fragment> = project
            .annotations
            .values()
            .filter(|a| &a.doc == doc && a.annotator == annotator)
            .flat_map(|a| a.fragments.iter().copied())
            .collect();
        fragments.sort();
        let starts = fragments.iter().map(|f| f.start).collect();
        let max_end = fragments
            .iter()
            .scan(ByteOffset(0), |end, f| {
                *end = (*end).max(f.end);
                Some(*end)
            })
            .collect();
        Coverage { starts, max_end }
    }

    /// Whether any fragment overlaps `range`.
    fn overlaps(&self, range: &Range<ByteOffset>) -> bool {
        let before_end = self.starts.partition_point(|s| *s < range.end);
        before_end
            .checked_sub(1)
            .and_then(|i| self.max_end.get(i))
            .is_some_and(|end| *end > range.start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AnnotationId, Entity, EntityKind};
    use crate::search::testing::{add_marked_doc, t};

    fn put_entity(project: &mut Project, id: &str, name: &str, aliases: &[&str]) {
        let entity = Entity {
            refs: Default::default(),
            id: id.into(),
            name: name.into(),
            kind: EntityKind::Person,
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            note: String::new(),
        };
        ops::put_entity(project, entity)
            .unwrap()
            .apply(project)
            .unwrap();
    }

    fn link(project: &mut Project, annotation: &AnnotationId, entity: &str) {
        ops::set_entity(project, annotation, Some(&entity.into()), t(1))
            .unwrap()
            .apply(project)
            .unwrap();
    }

    /// What is suggested, as (quote, entity, tag).
    fn suggested(project: &Project, annotator: &str) -> Vec<(String, String, String)> {
        alias_suggestions(project, &"d".into(), annotator, false)
            .into_iter()
            .map(|s| {
                let text = &project.documents[0].text[s.range.start.0..s.range.end.0];
                assert_eq!(text, s.alias);
                (s.alias, s.entity.0, s.tag.0)
            })
            .collect()
    }

    fn s(alias: &str, entity: &str, tag: &str) -> (String, String, String) {
        (alias.into(), entity.into(), tag.into())
    }

    /// "Macron" tagged and linked once; mentioned again untagged, in other words, and in
    /// another case.
    fn macron() -> Project {
        let mut project = Project::new("t");
        let ids = add_marked_doc(
            &mut project,
            "d",
            "[actor|Macron] spoke. Macron left; Macronist MACRON [claim|Macron said] Macron’s",
            "ana",
        );
        put_entity(&mut project, "macron", "Emmanuel Macron", &[]);
        link(&mut project, &ids[0], "macron");
        project
    }

    #[test]
    fn an_untagged_mention_of_a_known_alias_is_suggested() {
        let project = macron();
        let got = alias_suggestions(&project, &"d".into(), "ana", false);
        assert_eq!(got.len(), 1, "{got:?}");
        let at = project.documents[0].text.find("Macron left").unwrap();
        assert_eq!(got[0].range, ByteOffset(at)..ByteOffset(at + 6));
        assert_eq!(got[0].entity.as_str(), "macron");
        assert_eq!(got[0].tag.as_str(), "actor");
        // Another layer has tagged nothing: every whole-word "Macron" is bo's to tag.
        assert_eq!(suggested(&project, "bo").len(), 3);
        assert!(alias_suggestions(&project, &"nope".into(), "ana", false).is_empty());
    }

    #[test]
    fn blind_a_colleagues_quotes_and_tags_do_not_show_through() {
        let mut project = macron();
        let open = alias_suggestions(&project, &"d".into(), "ana", false);
        assert_eq!(alias_suggestions(&project, &"d".into(), "ana", true), open);
        // Open, bo is told of every "Macron", learned from ana's mention.
        assert_eq!(suggested(&project, "bo").len(), 3);
        // Blind, ana's quote is not bo's to learn: the registry's name alone is not in the
        // text, so nothing is suggested.
        assert!(alias_suggestions(&project, &"d".into(), "bo", true).is_empty());
        // An entity of the registry whose name is in the text is suggested all the same.
        put_entity(&mut project, "elysee", "Macronist", &[]);
        let got: Vec<String> = alias_suggestions(&project, &"d".into(), "bo", true)
            .into_iter()
            .map(|s| s.alias)
            .collect();
        assert_eq!(got, ["Macronist"]);
        // And what bo links teaches bo: bo's own "Macron" makes the others suggestions.
        let bo = add_marked_doc(&mut project, "d2", "[actor|Macron] and Macron", "bo");
        link(&mut project, &bo[0], "macron");
        let on_d2 = alias_suggestions(&project, &"d2".into(), "bo", true);
        assert_eq!(on_d2.len(), 1, "{on_d2:?}");
        assert_eq!(on_d2[0].entity.as_str(), "macron");
    }

    #[test]
    fn the_longer_alias_wins_and_short_ones_are_ignored() {
        let mut project = Project::new("t");
        let ids = add_marked_doc(
            &mut project,
            "d",
            "[actor|Macron] met [actor|X]. Then Emmanuel Macron and X and Xi spoke.",
            "ana",
        );
        put_entity(&mut project, "macron", "Emmanuel Macron", &[]);
        put_entity(&mut project, "x", "X", &[" Xi "]);
        link(&mut project, &ids[0], "macron");
        link(&mut project, &ids[1], "x");
        assert_eq!(
            suggested(&project, "ana"),
            [
                s("Emmanuel Macron", "macron", "actor"),
                s("Xi", "x", "actor")
            ]
        );
    }

    #[test]
    fn a_longer_alias_beats_an_earlier_shorter_one_it_overlaps() {
        let mut project = Project::new("t");
        add_marked_doc(
            &mut project,
            "d",
            "The Chinese President Xi Jinping spoke.",
            "ana",
        );
        put_entity(&mut project, "office", "Chinese President", &[]);
        put_entity(&mut project, "xi", "Xi Jinping", &["President Xi Jinping"]);
        // No annotation is linked to any entity yet: the schema's first tag.
        assert_eq!(
            suggested(&project, "ana"),
            [s("President Xi Jinping", "xi", "actor")]
        );
    }

    #[test]
    fn the_tag_is_the_one_most_used_on_the_entity_with_ties_in_schema_order() {
        let mut project = Project::new("t");
        let ids = add_marked_doc(
            &mut project,
            "d",
            "[condition|Kyiv] [claim|Kyiv] [condition|Kyiv] Kyiv [claim|Paris] [condition|Paris] Paris Rome",
            "ana",
        );
        put_entity(&mut project, "kyiv", "Kyiv", &[]);
        put_entity(&mut project, "paris", "Paris", &[]);
        put_entity(&mut project, "rome", "Rome", &[]);
        for (i, entity) in ["kyiv", "kyiv", "kyiv", "paris", "paris"]
            .iter()
            .enumerate()
        {
            link(&mut project, &ids[i], entity);
        }
        assert_eq!(
            suggested(&project, "ana"),
            [
                s("Kyiv", "kyiv", "condition"),
                s("Paris", "paris", "claim"),
                // Rome has no annotation: the tag most used on linked annotations.
                s("Rome", "rome", "condition"),
            ]
        );
    }

    #[test]
    fn accepting_a_suggestion_tags_and_links_it_in_one_undoable_edit() {
        let mut project = macron();
        let start = project.clone();
        let suggestion = alias_suggestions(&project, &"d".into(), "ana", false).remove(0);
        let edit = accept_suggestion_edit(&project, &suggestion, "ana", t(7)).unwrap();
        let inverse = edit.apply(&mut project).unwrap();
        let added = project
            .annotations
            .values()
            .find(|a| a.start() == suggestion.range.start)
            .unwrap();
        assert_eq!(added.entity.as_ref().map(EntityId::as_str), Some("macron"));
        assert_eq!(
            (added.tag.as_str(), added.quote.as_str()),
            ("actor", "Macron")
        );
        assert!(alias_suggestions(&project, &"d".into(), "ana", false).is_empty());
        inverse.apply(&mut project).unwrap();
        assert_eq!(project, start);

        let mut moved = suggestion.clone();
        moved.range = ByteOffset(0)..ByteOffset(6);
        moved.alias = "Macro".into();
        assert!(matches!(
            accept_suggestion_edit(&project, &moved, "ana", t(7)),
            Err(EditError::Invalid(_))
        ));
    }
}
