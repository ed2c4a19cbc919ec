//! The annotations of the document shown, prepared for drawing: sorted by start, each with
//! its lane (see [`crate::highlight::lanes`]) and colour, so the view finds those on screen
//! by binary search instead of walking all of them every frame.

use std::ops::Range;

use crate::highlight::lanes;
use crate::model::{AnnotationId, ByteOffset, DocId, Project, Rgb, TagId};

/// The fragments of one annotation as byte ranges; the first inline, since nearly every
/// annotation has just one, so building the layers allocates little.
#[derive(Clone, Debug)]
pub struct Fragments {
    first: Range<usize>,
    rest: Option<Box<[Range<usize>]>>,
}

impl Fragments {
    fn of(fragments: &[crate::model::Fragment]) -> Self {
        let mut ranges = fragments.iter().map(|f| f.bytes());
        let first = ranges.next().unwrap_or(0..0);
        let rest: Vec<Range<usize>> = ranges.collect();
        Fragments {
            first,
            rest: (!rest.is_empty()).then(|| rest.into_boxed_slice()),
        }
    }

    /// The byte ranges, in order.
    pub fn iter(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        std::iter::once(self.first.clone()).chain(self.rest.iter().flat_map(|r| r.iter().cloned()))
    }
}

/// One annotation, ready to draw.
#[derive(Clone, Debug)]
pub struct Item {
    /// The annotation.
    pub id: AnnotationId,
    /// Byte ranges of its fragments, in order.
    pub fragments: Fragments,
    /// From the start of the first fragment to the end of the last.
    pub hull: Range<usize>,
    /// Its tag's position in the schema (`usize::MAX` for a tag the schema lacks).
    pub tag: usize,
    /// 0 for the outermost; overlapping items never share a lane.
    pub lane: usize,
    /// The tag's colour.
    pub color: Rgb,
}

/// One annotation as drawn.
fn item_of(project: &Project, a: &crate::model::Annotation) -> Item {
    let tag = project
        .schema
        .tags
        .iter()
        .position(|t| t.id == a.tag)
        .unwrap_or(usize::MAX);
    let color = project
        .schema
        .tags
        .get(tag)
        .map_or(Rgb(128, 128, 128), |t| t.color);
    Item {
        id: a.id.clone(),
        tag,
        fragments: Fragments::of(&a.fragments),
        hull: a.start().0..a.end().0,
        lane: 0,
        color,
    }
}

/// The schema's tag ids by place.
fn tag_places(project: &Project) -> Vec<TagId> {
    project.schema.tags.iter().map(|t| t.id.clone()).collect()
}

/// By position, the longest first where two start together.
fn order(a: &Item, b: &Item) -> std::cmp::Ordering {
    (a.hull.start, std::cmp::Reverse(a.hull.end), a.tag, &a.id).cmp(&(
        b.hull.start,
        std::cmp::Reverse(b.hull.end),
        b.tag,
        &b.id,
    ))
}

/// The annotations of one document, sorted by start.
#[derive(Clone, Debug, Default)]
pub struct Layers {
    items: Vec<Item>,
    /// Longest hull, bounding how far back an item covering a point can start.
    longest: usize,
    /// Deepest lane plus one.
    depth: usize,
    /// The schema's tags, in order, when the items' `tag` places were given: a restyle maps
    /// each old place to its new one instead of looking every annotation up.
    places: Vec<TagId>,
}

impl Layers {
    /// The annotations of `doc` in `project`, optionally only those of some annotator layers.
    pub fn of(project: &Project, doc: &DocId, layers: Option<&[String]>) -> Self {
        Self::from_annotations(
            project,
            project
                .annotations
                .values()
                .filter(|a| &a.doc == doc && layers.is_none_or(|ls| ls.contains(&a.annotator))),
        )
    }

    /// The layers of exactly these annotations (of one document), without walking the
    /// project's others.
    pub fn from_annotations<'p>(
        project: &Project,
        annotations: impl IntoIterator<Item = &'p crate::model::Annotation>,
    ) -> Self {
        let mut items: Vec<Item> = annotations
            .into_iter()
            .map(|a| item_of(project, a))
            .collect();
        items.sort_by(order);
        let mut layers = Layers {
            items,
            longest: 0,
            depth: 0,
            places: tag_places(project),
        };
        layers.assign_lanes();
        layers
    }

    /// Brings the layers up to date after the annotations `ids` changed (added, removed or
    /// edited) in `project`: each is taken out and, if it still belongs here, put back in its
    /// place. Costs a search per id and one pass for the lanes, not a rebuild.
    pub fn patch(
        &mut self,
        project: &Project,
        doc: &DocId,
        layers: Option<&[String]>,
        ids: &[AnnotationId],
    ) {
        if self.places != tag_places(project) {
            // New items take the schema's places as it is now; the others must agree.
            self.restyle(project);
        }
        for id in ids {
            self.items.retain(|i| &i.id != id);
            if let Some(a) = project
                .annotations
                .get(id)
                .filter(|a| &a.doc == doc && layers.is_none_or(|ls| ls.contains(&a.annotator)))
            {
                let item = item_of(project, a);
                let at = self
                    .items
                    .partition_point(|i| order(i, &item) == std::cmp::Ordering::Less);
                self.items.insert(at, item);
            }
        }
        self.assign_lanes();
    }

    /// Each item's tag place and colour from the schema as it now is, re-sorted (a tag's place
    /// breaks ties) only if that changed the order: one pass, where a rebuild walks every
    /// annotation of the project.
    pub fn restyle(&mut self, project: &Project) {
        let now: std::collections::HashMap<&TagId, (usize, Rgb)> = project
            .schema
            .tags
            .iter()
            .enumerate()
            .map(|(i, t)| (&t.id, (i, t.color)))
            .collect();
        const UNKNOWN: (usize, Rgb) = (usize::MAX, Rgb(128, 128, 128));
        // Old place → new place and colour, for the few tags there are.
        let moved: Vec<(usize, Rgb)> = self
            .places
            .iter()
            .map(|t| now.get(t).copied().unwrap_or(UNKNOWN))
            .collect();
        for item in &mut self.items {
            let (tag, color) = match moved.get(item.tag) {
                Some(&style) => style,
                // A tag the old schema lacked may be in the new one: look this one up.
                None => project
                    .annotations
                    .get(&item.id)
                    .and_then(|a| now.get(&a.tag).copied())
                    .unwrap_or(UNKNOWN),
            };
            item.tag = tag;
            item.color = color;
        }
        self.places = tag_places(project);
        if !self.items.is_sorted_by(|a, b| order(a, b).is_le()) {
            self.items.sort_by(order);
            self.assign_lanes();
        }
    }

    fn assign_lanes(&mut self) {
        let hulls: Vec<Range<usize>> = self.items.iter().map(|i| i.hull.clone()).collect();
        for (item, lane) in self.items.iter_mut().zip(lanes(&hulls)) {
            item.lane = lane;
        }
        self.longest = hulls.iter().map(|h| h.len()).max().unwrap_or(0);
        self.depth = self.items.iter().map(|i| i.lane + 1).max().unwrap_or(0);
    }

    /// Every item, by position.
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// Number of lanes in use.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// The items whose hull meets `range`.
    pub fn meeting(&self, range: Range<usize>) -> impl Iterator<Item = &Item> {
        let from = self
            .items
            .partition_point(|i| i.hull.start + self.longest < range.start);
        let to = self.items.partition_point(|i| i.hull.start < range.end);
        self.items
            .get(from..to.max(from))
            .unwrap_or_default()
            .iter()
            .filter(move |i| i.hull.end > range.start || i.hull.start == range.start)
    }

    /// The annotations with a fragment covering byte `at`, innermost (shortest) first.
    pub fn at(&self, at: ByteOffset) -> Vec<&Item> {
        let mut hits: Vec<&Item> = self
            .meeting(at.0..at.0 + 1)
            .filter(|i| i.fragments.iter().any(|f| f.start <= at.0 && at.0 < f.end))
            .collect();
        hits.sort_by_key(|i| (i.fragments.iter().map(|f| f.len()).sum::<usize>(), i.lane));
        hits
    }

    /// The first annotation starting after `at`, or the last one starting before it.
    pub fn neighbour(&self, at: ByteOffset, forward: bool) -> Option<&Item> {
        if forward {
            self.items.iter().find(|i| i.hull.start > at.0)
        } else {
            self.items.iter().rev().find(|i| i.hull.start < at.0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ByteOffset;

    #[test]
    fn finds_annotations_on_screen_and_under_the_pointer() {
        let project = crate::model::project_from_marked(
            "[claim|[actor|Macron] said [condition|if talks] begin] and [actor|Xi] agreed",
            "ana",
            jiff::Timestamp::UNIX_EPOCH,
        )
        .unwrap()
        .0;
        let doc = project.documents[0].id.clone();
        let layers = Layers::of(&project, &doc, None);
        assert_eq!(layers.depth(), 2);
        let text = &project.documents[0].text;
        let at = |s: &str| ByteOffset(text.find(s).expect("in text"));
        let hits: Vec<&str> = layers
            .at(at("acron"))
            .iter()
            .map(|i| project.annotations[&i.id].tag.as_str())
            .collect();
        assert_eq!(hits, vec!["actor", "claim"]);
        let xi = at("Xi").0;
        let on_screen: Vec<usize> = layers.meeting(xi..xi + 2).map(|i| i.hull.start).collect();
        assert_eq!(on_screen, vec![xi]);
        // The claim starts before the range but covers it.
        let talks = at("talks").0;
        assert_eq!(layers.meeting(talks..talks + 1).count(), 2);
        assert!(layers.at(at(" and")).is_empty());
        let next = layers.neighbour(ByteOffset(0), true).expect("one after");
        assert!(next.hull.start > 0);
    }

    #[test]
    fn patching_after_an_edit_gives_what_a_rebuild_gives() {
        let (mut project, ids) = crate::model::project_from_marked(
            "[claim|[actor|Macron] said talks] and [actor|Xi] agreed",
            "ana",
            jiff::Timestamp::UNIX_EPOCH,
        )
        .unwrap();
        let doc = project.documents[0].id.clone();
        let mut layers = Layers::of(&project, &doc, None);
        let edit = crate::model::ops::add_annotation(
            &project,
            &doc,
            &"condition".into(),
            vec![crate::model::Fragment::new(ByteOffset(7)..ByteOffset(18))],
            "ana",
            jiff::Timestamp::UNIX_EPOCH,
        )
        .unwrap();
        let added = crate::model::ops::added_annotation(&edit).unwrap().clone();
        edit.apply(&mut project).unwrap();
        project.annotations.remove(&ids[2]);
        layers.patch(&project, &doc, None, &[added, ids[2].clone()]);
        let rebuilt = Layers::of(&project, &doc, None);
        let summary = |l: &Layers| -> Vec<(String, usize, Range<usize>)> {
            l.items()
                .iter()
                .map(|i| (i.id.as_str().to_owned(), i.lane, i.hull.clone()))
                .collect()
        };
        assert_eq!(summary(&layers), summary(&rebuilt));
        assert_eq!(layers.depth(), rebuilt.depth());
    }

    #[test]
    fn restyling_after_a_schema_change_gives_what_a_rebuild_gives() {
        // Two spans on the same words, so the tags' order decides which is outer.
        let (mut project, _) = crate::model::project_from_marked(
            "[claim|[actor|Macron]] said talks and [condition|Xi] agreed",
            "ana",
            jiff::Timestamp::UNIX_EPOCH,
        )
        .unwrap();
        let doc = project.documents[0].id.clone();
        let mut layers = Layers::of(&project, &doc, None);
        project.schema.tags.reverse();
        project.schema.tags[0].color = Rgb(1, 2, 3);
        layers.restyle(&project);
        let rebuilt = Layers::of(&project, &doc, None);
        let summary = |l: &Layers| -> Vec<(String, usize, usize, Rgb)> {
            l.items()
                .iter()
                .map(|i| (i.id.as_str().to_owned(), i.lane, i.tag, i.color))
                .collect()
        };
        assert_eq!(summary(&layers), summary(&rebuilt));
        assert!(layers.items().iter().any(|i| i.color == Rgb(1, 2, 3)));
    }

    #[test]
    fn restyling_finds_tags_that_were_missing_or_removed() {
        let (mut project, _) = crate::model::project_from_marked(
            "[claim|[actor|Macron] said] and [condition|Xi] agreed",
            "ana",
            jiff::Timestamp::UNIX_EPOCH,
        )
        .unwrap();
        let doc = project.documents[0].id.clone();
        let summary = |l: &Layers| -> Vec<(String, usize, usize, Rgb)> {
            l.items()
                .iter()
                .map(|i| (i.id.as_str().to_owned(), i.lane, i.tag, i.color))
                .collect()
        };
        // The condition tag leaves the schema (its span is drawn grey), then comes back
        // first and in another colour.
        let mut condition = project.schema.tags.remove(2);
        let mut layers = Layers::of(&project, &doc, None);
        assert!(layers.items().iter().any(|i| i.tag == usize::MAX));
        condition.color = Rgb(9, 8, 7);
        project.schema.tags.insert(0, condition);
        layers.restyle(&project);
        assert_eq!(summary(&layers), summary(&Layers::of(&project, &doc, None)));
        assert!(
            layers
                .items()
                .iter()
                .any(|i| i.tag == 0 && i.color == Rgb(9, 8, 7))
        );
        // Taken away again: the places of the others follow.
        project.schema.tags.remove(0);
        layers.restyle(&project);
        assert_eq!(summary(&layers), summary(&Layers::of(&project, &doc, None)));
        // A patch after a schema change that was not restyled still agrees with a rebuild.
        project.schema.tags.swap(0, 1);
        layers.patch(&project, &doc, None, &[]);
        assert_eq!(summary(&layers), summary(&Layers::of(&project, &doc, None)));
    }
}
