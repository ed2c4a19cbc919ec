//! "Tag all matches": what tagging every hit would do, then the one edit that does it.
//!
//! Only the annotator's own layer counts: another annotator's annotations are their own
//! coding, and tagging alongside them is what comparing layers needs.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;

use jiff::Timestamp;

use crate::model::ops::{self, NewAnnotation};
use crate::model::{
    Annotation, AnnotationId, ByteOffset, DocId, Edit, EditError, Fragment, Project, TagId,
    is_grapheme_boundary,
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
    let layer = Layer::new(project, tag, annotator);
    let mut seen = HashSet::new();
    let mut items = Vec::new();
    for hit in hits {
        let Some(doc) = project.document(&hit.doc) else {
            continue;
        };
        let Some(quote) = doc.text.get(hit.range.start.0..hit.range.end.0) else {
            continue;
        };
        let fits = hit.range.start < hit.range.end
            && is_grapheme_boundary(&doc.text, hit.range.start)
            && is_grapheme_boundary(&doc.text, hit.range.end);
        if !fits || !seen.insert((&hit.doc, hit.range.start, hit.range.end)) {
            continue;
        }
        items.push(Proposal {
            doc: hit.doc.clone(),
            range: hit.range.clone(),
            quote: quote.to_owned(),
            status: layer.status(&hit.doc, &hit.range),
        });
    }
    TagAllPreview { items }
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
            entity: None,
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
}
