//! "Tag all matches": what tagging every hit would do, then the one edit that does it.
//!
//! Only the annotator's own layer counts: another annotator's annotations are their own
//! coding, and tagging alongside them is what comparing layers needs. Each hit can be tagged
//! as it is, or widened to its sentence or paragraph ([`Extent`]); a hit that is a known
//! entity's name or alias, tagged with the tag that entity's mentions have, is linked to it
//! (the way accepting an alias suggestion links it).

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;

use jiff::Timestamp;

use crate::model::ops::{self, NewAnnotation};
use crate::model::{
    Annotation, AnnotationId, ByteOffset, DocId, Edit, EditError, EntityId, Fragment, Project,
    TagId, is_grapheme_boundary,
};

use super::Hit;

/// What tagging one hit would do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProposalStatus {
    /// Nothing of this tag in the annotator's layer touches the span.
    New,
    /// An annotation of this tag in the annotator's layer covers exactly this span (one
    /// fragment); the proposal is skipped.
    AlreadyTagged(AnnotationId),
    /// The span overlaps an annotation of this tag in the annotator's layer (the first by
    /// position), such as "Macron" inside a tagged "Emmanuel Macron". It can still be tagged,
    /// but is not ticked by default: two overlapping spans of one tag are usually a mistake.
    Overlaps(AnnotationId),
}

impl ProposalStatus {
    /// Whether [`tag_all_edit`] adds the proposal when it is accepted.
    pub fn is_taggable(&self) -> bool {
        !matches!(self, ProposalStatus::AlreadyTagged(_))
    }

    /// Whether the proposal starts out accepted in the preview: only [`ProposalStatus::New`].
    pub fn accepted_by_default(&self) -> bool {
        matches!(self, ProposalStatus::New)
    }
}

/// One span that "tag all matches" would tag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposal {
    /// The document.
    pub doc: DocId,
    /// Byte range into the document's text, on grapheme boundaries.
    pub range: Range<ByteOffset>,
    /// The text of the range.
    pub quote: String,
    /// What tagging it would do.
    pub status: ProposalStatus,
    /// The known entity the span names, which the new annotation is linked to.
    pub entity: Option<EntityId>,
}

/// How much of the text around each hit is tagged.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Extent {
    /// The hit itself.
    #[default]
    Hit,
    /// The sentences the hit is in.
    Sentence,
    /// The paragraph (line) the hit is in.
    Paragraph,
}

impl Extent {
    /// Every extent, in the order the preview offers them.
    pub const ALL: [Extent; 3] = [Extent::Hit, Extent::Sentence, Extent::Paragraph];

    /// How the preview names it.
    pub fn label(self) -> &'static str {
        match self {
            Extent::Hit => "the match",
            Extent::Sentence => "its sentence",
            Extent::Paragraph => "its paragraph",
        }
    }

    /// The sentences (or paragraphs) of `text` that hits of this extent are widened to, in
    /// order, each without the white space around it: found once per document, so widening
    /// thousands of hits in a long one-line article costs one pass over it.
    fn segments(self, text: &str) -> Vec<Range<usize>> {
        use unicode_segmentation::UnicodeSegmentation;
        let trim = |r: Range<usize>| {
            let t = crate::model::trim_whitespace(text, ByteOffset(r.start)..ByteOffset(r.end));
            t.start.0..t.end.0
        };
        let mut out = Vec::new();
        let mut start = 0;
        for line in text.split_inclusive('\n') {
            let range = start..start + line.len();
            start = range.end;
            match self {
                Extent::Hit => {}
                Extent::Paragraph => out.push(trim(range)),
                Extent::Sentence => out.extend(
                    line.split_sentence_bound_indices()
                        .map(|(i, s)| trim(range.start + i..range.start + i + s.len())),
                ),
            }
        }
        out.retain(|r| r.start < r.end);
        out
    }

    /// The range tagged for `hit`, given the document's `segments` (see
    /// [`Extent::segments`]): the hit with the segments it touches.
    fn around(self, segments: &[Range<usize>], hit: Range<ByteOffset>) -> Range<ByteOffset> {
        if self == Extent::Hit {
            return hit;
        }
        // The first segment that ends after the hit starts, and the last that starts before
        // it ends.
        let first = segments.partition_point(|s| s.end <= hit.start.0);
        let last = segments.partition_point(|s| s.start < hit.end.0);
        let start = segments
            .get(first)
            .map_or(hit.start.0, |s| s.start.min(hit.start.0));
        let end = last
            .checked_sub(1)
            .and_then(|i| segments.get(i))
            .map_or(hit.end.0, |s| s.end.max(hit.end.0));
        ByteOffset(start)..ByteOffset(end)
    }
}

/// What tagging all hits would do, for the analyst to review before anything changes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TagAllPreview {
    /// One proposal per hit, in the order of the hits.
    pub items: Vec<Proposal>,
}

/// The proposals for tagging every hit with `tag` in `annotator`'s layer. A hit repeated, or
/// one that no longer fits the project (its document removed, its range outside the text or
/// splitting a grapheme), is left out.
pub fn preview_tag_all(
    project: &Project,
    hits: &[Hit],
    tag: &TagId,
    annotator: &str,
) -> TagAllPreview {
    preview_tag_all_around(project, hits, tag, annotator, Extent::Hit, false)
}

/// [`preview_tag_all`], each hit widened to `extent`; hits in one sentence (or paragraph)
/// make one proposal. `blind` (blind coding): entities are recognised from `annotator`'s
/// own annotations only, as in [`super::alias_suggestions`].
pub fn preview_tag_all_around(
    project: &Project,
    hits: &[Hit],
    tag: &TagId,
    annotator: &str,
    extent: Extent,
    blind: bool,
) -> TagAllPreview {
    let layer = Layer::new(project, tag, annotator);
    let names = Names::new(project, tag, blind.then_some(annotator));
    let mut seen = HashSet::new();
    let mut items = Vec::new();
    let mut segments: BTreeMap<&DocId, Vec<Range<usize>>> = BTreeMap::new();
    for hit in hits {
        let Some(doc) = project.document(&hit.doc) else {
            continue;
        };
        let fits = hit.range.start < hit.range.end
            && hit.range.end.0 <= doc.text.len()
            && is_grapheme_boundary(&doc.text, hit.range.start)
            && is_grapheme_boundary(&doc.text, hit.range.end);
        if !fits {
            continue;
        }
        let segments = segments
            .entry(&hit.doc)
            .or_insert_with(|| extent.segments(&doc.text));
        let range = extent.around(segments, hit.range.clone());
        let Some(quote) = doc.text.get(range.start.0..range.end.0) else {
            continue;
        };
        if range.start >= range.end || !seen.insert((&hit.doc, range.start, range.end)) {
            continue;
        }
        items.push(Proposal {
            doc: hit.doc.clone(),
            status: layer.status(&hit.doc, &range),
            entity: names.entity(quote),
            quote: quote.to_owned(),
            range,
        });
    }
    TagAllPreview { items }
}

/// The names and aliases of the entities whose mentions have a tag, to link a span tagged
/// so to the one entity it names.
struct Names {
    by_name: BTreeMap<String, Vec<EntityId>>,
}

impl Names {
    fn new(project: &Project, tag: &TagId, only: Option<&str>) -> Self {
        let mut by_name: BTreeMap<String, Vec<EntityId>> = BTreeMap::new();
        for known in super::alias::known_entities(project, only) {
            if &known.tag != tag {
                continue;
            }
            for alias in &known.aliases {
                let ids = by_name.entry(alias.to_lowercase()).or_default();
                if !ids.contains(known.entity) {
                    ids.push(known.entity.clone());
                }
            }
        }
        Names { by_name }
    }

    /// The entity `quote` names, if exactly one does (ignoring case).
    fn entity(&self, quote: &str) -> Option<EntityId> {
        match self.by_name.get(&quote.trim().to_lowercase())?.as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        }
    }
}

/// One edit (one undo step) that tags the accepted proposals (by index into
/// `preview.items`) with `tag` in `annotator`'s layer. Proposals already tagged are skipped,
/// both those the preview says so of and those tagged since it was made.
pub fn tag_all_edit(
    project: &Project,
    preview: &TagAllPreview,
    accepted: impl Fn(usize) -> bool,
    tag: &TagId,
    annotator: &str,
    now: Timestamp,
) -> Result<Edit, EditError> {
    let layer = Layer::new(project, tag, annotator);
    let mut seen = HashSet::new();
    let items: Vec<NewAnnotation> = preview
        .items
        .iter()
        .enumerate()
        .filter(|(i, p)| {
            accepted(*i)
                && p.status.is_taggable()
                && layer.status(&p.doc, &p.range).is_taggable()
                && seen.insert((&p.doc, p.range.start, p.range.end))
        })
        .map(|(_, p)| NewAnnotation {
            doc: p.doc.clone(),
            tag: tag.clone(),
            fragments: vec![Fragment::new(p.range.clone())],
            entity: p.entity.clone(),
        })
        .collect();
    ops::add_annotations(project, items, annotator, now)
}

/// The annotations of one tag in one annotator's layer, by document and position.
struct Layer<'p> {
    by_doc: BTreeMap<&'p DocId, Vec<&'p Annotation>>,
}

impl<'p> Layer<'p> {
    fn new(project: &'p Project, tag: &TagId, annotator: &str) -> Self {
        let mut by_doc: BTreeMap<&DocId, Vec<&Annotation>> = BTreeMap::new();
        for a in project
            .annotations
            .values()
            .filter(|a| &a.tag == tag && a.annotator == annotator)
        {
            by_doc.entry(&a.doc).or_default().push(a);
        }
        for list in by_doc.values_mut() {
            list.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        }
        Layer { by_doc }
    }

    fn status(&self, doc: &DocId, range: &Range<ByteOffset>) -> ProposalStatus {
        let list = self.by_doc.get(doc).map_or(&[][..], Vec::as_slice);
        let span = [Fragment::new(range.clone())];
        if let Some(a) = list.iter().find(|a| a.fragments == span) {
            return ProposalStatus::AlreadyTagged(a.id.clone());
        }
        let overlaps = |a: &&&Annotation| {
            a.fragments
                .iter()
                .any(|f| f.start < range.end && range.start < f.end)
        };
        match list.iter().find(overlaps) {
            Some(a) => ProposalStatus::Overlaps(a.id.clone()),
            None => ProposalStatus::New,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::History;
    use crate::search::testing::{add_marked_doc, t};
    use crate::search::{SearchOptions, search_project};

    fn statuses(preview: &TagAllPreview) -> Vec<(&str, &str)> {
        preview
            .items
            .iter()
            .map(|p| {
                let status = match p.status {
                    ProposalStatus::New => "new",
                    ProposalStatus::AlreadyTagged(_) => "tagged",
                    ProposalStatus::Overlaps(_) => "overlaps",
                };
                (p.quote.as_str(), status)
            })
            .collect()
    }

    /// Macron tagged as an actor once exactly, once inside "Emmanuel Macron", and once as a
    /// claim; bo's layer has an actor on the last one.
    fn project() -> (Project, Vec<AnnotationId>) {
        let mut project = Project::new("t");
        let ids = add_marked_doc(
            &mut project,
            "d",
            "[actor|Macron] met [actor|Emmanuel Macron]. [claim|Macron] and macron left.",
            "ana",
        );
        add_marked_doc(&mut project, "e", "Emmanuel [actor|Macron] 🇫🇷", "bo");
        (project, ids)
    }

    #[test]
    fn the_preview_tells_new_tagged_and_overlapping_spans_apart() {
        let (project, ids) = project();
        let hits = search_project(&project, "macron", &SearchOptions::default());
        let preview = preview_tag_all(&project, &hits, &"actor".into(), "ana");
        assert_eq!(
            statuses(&preview),
            [
                ("Macron", "tagged"),
                ("Macron", "overlaps"),
                ("Macron", "new"),
                ("macron", "new"),
                ("Macron", "new"),
            ]
        );
        assert_eq!(
            preview.items[0].status,
            ProposalStatus::AlreadyTagged(ids[0].clone())
        );
        assert_eq!(
            preview.items[1].status,
            ProposalStatus::Overlaps(ids[1].clone())
        );
        let defaults: Vec<bool> = preview
            .items
            .iter()
            .map(|p| p.status.accepted_by_default())
            .collect();
        assert_eq!(defaults, [false, false, true, true, true]);
        // In bo's layer only the span bo tagged counts.
        let bo = preview_tag_all(&project, &hits, &"actor".into(), "bo");
        let new = ("Macron", "new");
        assert_eq!(
            statuses(&bo),
            [new, new, new, ("macron", "new"), ("Macron", "tagged")]
        );
    }

    #[test]
    fn stale_and_repeated_hits_are_left_out() {
        let (project, _) = project();
        let mut hits = search_project(&project, "macron", &SearchOptions::default());
        hits.push(hits[2].clone());
        let mut gone = hits[0].clone();
        gone.doc = "gone".into();
        hits.push(gone);
        let mut split = hits[4].clone();
        split.range = ByteOffset(16)..ByteOffset(20); // 🇫 of 🇫🇷
        hits.push(split);
        let mut outside = hits[4].clone();
        outside.range = ByteOffset(20)..ByteOffset(99);
        hits.push(outside);
        let preview = preview_tag_all(&project, &hits, &"actor".into(), "ana");
        assert_eq!(preview.items.len(), 5);
    }

    #[test]
    fn tagging_all_is_one_step_that_undoes_exactly() {
        let (mut project, _) = project();
        let start = project.clone();
        let hits = search_project(&project, "macron", &SearchOptions::default());
        let preview = preview_tag_all(&project, &hits, &"actor".into(), "cy");
        // cy has no annotations yet: every hit is new. Accept all but the fourth.
        let edit =
            tag_all_edit(&project, &preview, |i| i != 3, &"actor".into(), "cy", t(5)).unwrap();
        let mut history = History::new();
        history.apply(&mut project, "tag all", edit).unwrap();
        let added: Vec<&Annotation> = project
            .annotations
            .values()
            .filter(|a| a.annotator == "cy")
            .collect();
        assert_eq!(added.len(), 4);
        assert!(
            added
                .iter()
                .all(|a| a.quote == "Macron" && a.tag.as_str() == "actor")
        );
        assert!(added.iter().all(|a| a.created == t(5)));
        assert!(project.annotators.contains("cy"));
        assert!(history.undo(&mut project).unwrap().is_some());
        assert_eq!(project, start);
        assert_eq!(history.undo(&mut project).unwrap(), None);
    }

    #[test]
    fn tagged_and_refused_proposals_are_never_added_twice() {
        let (mut project, _) = project();
        let hits = search_project(&project, "macron", &SearchOptions::default());
        let preview = preview_tag_all(&project, &hits, &"actor".into(), "ana");
        // Accepting everything still skips the span already tagged.
        let edit =
            tag_all_edit(&project, &preview, |_| true, &"actor".into(), "ana", t(5)).unwrap();
        let before = project.annotations.len();
        edit.apply(&mut project).unwrap();
        assert_eq!(project.annotations.len(), before + 4);
        // The same preview, now stale, adds nothing more.
        let again =
            tag_all_edit(&project, &preview, |_| true, &"actor".into(), "ana", t(6)).unwrap();
        assert!(again.is_empty());
        let unknown = tag_all_edit(&project, &preview, |_| true, &"nope".into(), "ana", t(6));
        assert!(matches!(unknown, Err(EditError::Invalid(_))));
    }

    #[test]
    fn a_hit_can_take_its_sentence_or_its_paragraph_and_one_sentence_is_one_proposal() {
        let mut project = Project::new("t");
        add_marked_doc(
            &mut project,
            "d",
            "Macron spoke. Xi and Macron met; Macron left.\nA second paragraph on Macron.",
            "ana",
        );
        let hits = search_project(&project, "macron", &SearchOptions::default());
        assert_eq!(hits.len(), 4);
        let quotes = |extent| {
            preview_tag_all_around(&project, &hits, &"claim".into(), "ana", extent, false)
                .items
                .into_iter()
                .map(|p| p.quote)
                .collect::<Vec<_>>()
        };
        assert_eq!(quotes(Extent::Hit), ["Macron"; 4]);
        assert_eq!(
            quotes(Extent::Sentence),
            [
                "Macron spoke.",
                "Xi and Macron met; Macron left.",
                "A second paragraph on Macron."
            ]
        );
        assert_eq!(
            quotes(Extent::Paragraph),
            [
                "Macron spoke. Xi and Macron met; Macron left.",
                "A second paragraph on Macron."
            ]
        );
    }

    #[test]
    fn a_hit_naming_one_known_entity_is_linked_to_it() {
        let mut project = Project::new("t");
        let ids = add_marked_doc(
            &mut project,
            "d",
            "[actor|Emmanuel Macron] spoke; the French president and Macron left. Xi too.",
            "ana",
        );
        let entity = crate::model::Entity {
            refs: Default::default(),
            id: "e-macron".into(),
            name: "Emmanuel Macron".into(),
            kind: Default::default(),
            aliases: vec!["the French president".into(), "Macron".into()],
            note: String::new(),
        };
        ops::put_entity(&project, entity)
            .unwrap()
            .apply(&mut project)
            .unwrap();
        ops::set_entity(&project, &ids[0], Some(&"e-macron".into()), t(1))
            .unwrap()
            .apply(&mut project)
            .unwrap();
        let opts = SearchOptions {
            whole_word: true,
            ..SearchOptions::default()
        };
        let mut hits = search_project(&project, "macron", &opts);
        hits.extend(search_project(&project, "the french president", &opts));
        hits.extend(search_project(&project, "xi", &opts));
        let preview = preview_tag_all(&project, &hits, &"actor".into(), "cy");
        let linked: Vec<(&str, Option<&str>)> = preview
            .items
            .iter()
            .map(|p| (p.quote.as_str(), p.entity.as_ref().map(|e| e.as_str())))
            .collect();
        assert_eq!(
            linked,
            [
                ("Macron", Some("e-macron")),
                ("Macron", Some("e-macron")),
                ("the French president", Some("e-macron")),
                ("Xi", None),
            ]
        );
        let edit = tag_all_edit(&project, &preview, |_| true, &"actor".into(), "cy", t(2)).unwrap();
        edit.apply(&mut project).unwrap();
        let cy: Vec<_> = project
            .annotations
            .values()
            .filter(|a| a.annotator == "cy")
            .map(|a| (a.quote.as_str(), a.entity.as_ref().map(|e| e.as_str())))
            .collect();
        assert_eq!(cy.iter().filter(|(_, e)| e.is_some()).count(), 3);
        // Tagged as claims, the names are not the actor's mentions: nothing is linked.
        let claims = preview_tag_all(&project, &hits, &"claim".into(), "cy");
        assert!(claims.items.iter().all(|p| p.entity.is_none()));
    }

    #[test]
    fn widening_from_segments_found_once_matches_the_caret_motions() {
        use crate::model::motion;
        let text = "Macron spoke. Xi and Macron met; Macron left!\r\n\n  A second paragraph, on Macron? Yes.  \nLast 🇫🇷 line";
        let words: Vec<Range<ByteOffset>> = text
            .match_indices(|c: char| c.is_alphanumeric())
            .map(|(i, c)| ByteOffset(i)..ByteOffset(i + c.len()))
            .collect();
        for extent in [Extent::Sentence, Extent::Paragraph] {
            let segments = extent.segments(text);
            for hit in &words {
                let expected = match extent {
                    Extent::Sentence => motion::extend_to_sentences(text, hit.clone()),
                    _ => {
                        let first = motion::paragraph_at(text, hit.start);
                        let last = motion::paragraph_at(text, hit.end);
                        first.start.min(hit.start)..last.end.max(hit.end)
                    }
                };
                assert_eq!(
                    extent.around(&segments, hit.clone()),
                    expected,
                    "{extent:?} around {:?}",
                    &text[hit.start.0..hit.end.0]
                );
            }
        }
    }
}
