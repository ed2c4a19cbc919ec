//! Compare mode of the article view: the compared annotators' layers drawn together as thin
//! bands in each tag's colour — the first annotator's above the line of text, the others'
//! below it — and every difference marked by a soft tint of its kind, the current one
//! outlined. The reviewed layer is drawn as the usual fills by the view itself.
//!
//! Where each band goes is a pure function ([`band_place`]) and so is finding the
//! differences on screen ([`DiffIndex::meeting`]); this file only adds the painting.

use std::ops::Range;

use egui::{Painter, Rect, Stroke, pos2};

use crate::model::{ByteOffset, DocId, Project};
use crate::review::{Comparison, Difference};

use super::layers::{Item, Layers};
use super::rows::BAND_STEP;
use crate::ui::theme;

/// What the app gives the view to draw in compare mode.
pub struct CompareInput<'a> {
    /// The differences of the document shown, between the annotators compared.
    pub comparison: &'a Comparison,
    /// The current difference (an index into `comparison.differences`), outlined.
    pub current: Option<usize>,
    /// Whether settled differences are left unmarked.
    pub hide_settled: bool,
}

/// Where one annotator's band for one annotation goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BandPlace {
    /// Above the line of text (the first annotator) or below it (the others).
    pub above: bool,
    /// How far from the row's edge: 0 touches the top (above) or the foot (below).
    pub level: usize,
}

/// The band of the annotator at position `slot` of the comparison, for an annotation in
/// `lane` of that annotator's layer; `depths[i]` is how many lanes annotator `i`'s layer uses
/// in this document. The first annotator stacks down from the top of the row; the others
/// stack up from its foot, each above the ones before it, so no two bands share a place.
pub fn band_place(slot: usize, lane: usize, depths: &[usize]) -> BandPlace {
    if slot == 0 {
        return BandPlace {
            above: true,
            level: lane,
        };
    }
    let below: usize = depths.get(1..slot).map_or(0, |d| d.iter().sum());
    BandPlace {
        above: false,
        level: below + lane,
    }
}

/// The differences of a comparison by position, to find those on screen by binary search.
#[derive(Clone, Debug, Default)]
pub struct DiffIndex {
    /// The longest hull in bytes: how far back a difference meeting a point can start.
    longest: usize,
}

impl DiffIndex {
    /// The index for `comparison` (its differences are sorted by start).
    pub fn of(comparison: &Comparison) -> Self {
        DiffIndex {
            longest: comparison
                .differences
                .iter()
                .map(|d| d.hull.end.0.saturating_sub(d.hull.start.0))
                .max()
                .unwrap_or(0),
        }
    }

    /// The differences whose hull meets byte range `range`, with their index.
    pub fn meeting<'c>(
        &self,
        comparison: &'c Comparison,
        range: Range<usize>,
    ) -> impl Iterator<Item = (usize, &'c Difference)> {
        let list = &comparison.differences;
        let from = list.partition_point(|d| d.hull.start.0 + self.longest < range.start);
        let to = list.partition_point(|d| d.hull.start.0 < range.end);
        list.iter()
            .enumerate()
            .take(to)
            .skip(from)
            .filter(move |(_, d)| d.hull.end.0 > range.start)
    }
}

/// The compared annotators' layers of the document shown, rebuilt when the project, the
/// document or the annotators change.
#[derive(Default)]
pub struct CompareLayers {
    key: Option<(String, u64, Vec<String>)>,
    layers: Vec<Layers>,
    depths: Vec<usize>,
    index: DiffIndex,
}

impl CompareLayers {
    /// Brings the layers up to date for `comparison` of `doc` at project `version`; says
    /// whether they were rebuilt.
    pub fn sync(
        &mut self,
        project: &Project,
        doc: &DocId,
        version: u64,
        comparison: &Comparison,
    ) -> bool {
        let fresh = self.key.as_ref().is_some_and(|(d, v, who)| {
            d == doc.as_str() && *v == version && *who == comparison.annotators
        });
        if fresh {
            return false;
        }
        // The comparison holds every compared annotation: no walk over the project.
        self.layers = (0..comparison.annotators.len())
            .map(|slot| {
                Layers::from_annotations(
                    project,
                    comparison
                        .differences
                        .iter()
                        .filter_map(|d| d.sides.get(slot)?.as_ref())
                        .filter_map(|id| project.annotations.get(id)),
                )
            })
            .collect();
        self.depths = self.layers.iter().map(Layers::depth).collect();
        self.index = DiffIndex::of(comparison);
        self.key = Some((
            doc.as_str().to_owned(),
            version,
            comparison.annotators.clone(),
        ));
        true
    }

    /// How many band levels the compared annotations meeting `range` take above the line
    /// (the first annotator) and below it (the others), counting level 0.
    pub fn levels(&self, range: Range<usize>) -> (usize, usize) {
        let mut above = 0;
        let mut below = 0;
        for (slot, layer) in self.layers.iter().enumerate() {
            for item in layer.meeting(range.clone()) {
                let place = band_place(slot, item.lane, &self.depths);
                if place.above {
                    above = above.max(place.level + 1);
                } else {
                    below = below.max(place.level + 1);
                }
            }
        }
        (above, below)
    }

    /// The compared annotations with a fragment covering byte `at`.
    pub fn at(&self, at: ByteOffset) -> Vec<&Item> {
        self.layers.iter().flat_map(|l| l.at(at)).collect()
    }

    /// Tints the differences meeting `block` (under the text): each in its kind's colour,
    /// settled ones fainter (or not at all when hidden).
    pub fn paint_tints(
        &self,
        painter: &Painter,
        input: &CompareInput<'_>,
        block: Range<usize>,
        rects: &dyn Fn(Range<usize>) -> Vec<Rect>,
    ) {
        for (_, d) in self.index.meeting(input.comparison, block) {
            let settled = d.settled.is_some();
            if settled && input.hide_settled {
                continue;
            }
            for r in rects(d.hull.start.0..d.hull.end.0) {
                painter.rect_filled(r, 0.0, theme::diff_tint(d.kind, settled));
            }
        }
    }

    /// Draws every compared annotation meeting `block` as a band above or below its text,
    /// then outlines the current difference. The bands below start after `below_from` slots,
    /// which the shown layer's own bands take.
    pub fn paint_bands(
        &self,
        painter: &Painter,
        input: &CompareInput<'_>,
        block: Range<usize>,
        rects: &dyn Fn(Range<usize>) -> Vec<Rect>,
        outline: Stroke,
        below_from: usize,
    ) {
        for (slot, layer) in self.layers.iter().enumerate() {
            for item in layer.meeting(block.clone()) {
                let place = band_place(slot, item.lane, &self.depths);
                let stroke = theme::compare_band(item.color);
                for f in item.fragments.iter() {
                    for r in rects(f) {
                        band(painter, r, place, stroke, below_from);
                    }
                }
            }
        }
        let current = input
            .current
            .and_then(|i| input.comparison.differences.get(i));
        if let Some(d) =
            current.filter(|d| d.hull.start.0 < block.end && d.hull.end.0 > block.start)
        {
            for r in rects(d.hull.start.0..d.hull.end.0) {
                painter.rect_stroke(r.expand(1.5), 2.0, outline, egui::StrokeKind::Outside);
            }
        }
    }
}

/// Paints one band on a row rect (screen space): level 0 just inside the row's top (above)
/// or foot (below, after `below_from` slots), further levels a step out each, into the room
/// the view made over and under the row, so no band crosses the text.
fn band(painter: &Painter, rect: Rect, place: BandPlace, stroke: Stroke, below_from: usize) {
    let edge = stroke.width / 2.0 + 0.5;
    let y = if place.above {
        rect.min.y + edge - place.level as f32 * BAND_STEP
    } else {
        rect.max.y - edge + (below_from + place.level) as f32 * BAND_STEP
    };
    painter.line_segment([pos2(rect.min.x, y), pos2(rect.max.x, y)], stroke);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::compare;

    #[test]
    fn the_first_annotator_goes_above_and_the_others_stack_below() {
        let depths = [2, 2, 1];
        assert_eq!(
            band_place(0, 1, &depths),
            BandPlace {
                above: true,
                level: 1
            }
        );
        assert_eq!(
            band_place(1, 1, &depths),
            BandPlace {
                above: false,
                level: 1
            }
        );
        // The third annotator's bands sit above the second's two lanes.
        assert_eq!(
            band_place(2, 0, &depths),
            BandPlace {
                above: false,
                level: 2
            }
        );
    }

    #[test]
    fn finds_the_differences_on_screen() {
        let (mut project, _) = crate::model::project_from_marked(
            "[claim|Macron 🇫🇷 said talks could start] in 北京 and [actor|Zoe\u{301}] agreed",
            "ana",
            jiff::Timestamp::UNIX_EPOCH,
        )
        .unwrap();
        let text = project.documents[0].text.clone();
        let at = |s: &str| text.find(s).unwrap();
        let edit = crate::model::ops::add_annotation(
            &project,
            &"d".into(),
            &"actor".into(),
            vec![crate::model::Fragment::new(
                ByteOffset(at("北京"))..ByteOffset(at(" and")),
            )],
            "bo",
            jiff::Timestamp::UNIX_EPOCH,
        )
        .unwrap();
        edit.apply(&mut project).unwrap();
        let c = compare(&project, &"d".into(), &["ana".into(), "bo".into()]);
        assert_eq!(c.differences.len(), 3);
        let index = DiffIndex::of(&c);
        let found =
            |r: Range<usize>| -> Vec<usize> { index.meeting(&c, r).map(|(i, _)| i).collect() };
        // Inside the long claim, it is found though it starts far before.
        assert_eq!(found(at("could")..at("could") + 1), vec![0]);
        assert_eq!(found(at("北京")..text.len()), vec![1, 2]);
        assert_eq!(found(at(" in")..at("北京")), Vec::<usize>::new());
    }
}
