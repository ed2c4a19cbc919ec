//! The relations of the article: listed once per change (for the relations list and the
//! arcs), and drawn, when asked, as labelled arcs from each source span to its target, so a
//! whole article's links can be audited at a glance, as brat draws them. An arc whose other
//! end is off screen runs to the edge of the view, pointing the way.

use std::collections::HashMap;

use egui::{Align2, Painter, Pos2, Rect, Stroke, pos2, vec2};

use crate::model::{AnnotationId, Project, RelationId};
use crate::ui::theme;

use super::layers::Layers;

/// One relation between two annotations the view shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The relation.
    pub id: RelationId,
    /// Its type's name (the id for a type the schema lacks).
    pub label: String,
    /// Its source annotation, and where that starts (a byte offset).
    pub from: AnnotationId,
    /// Where the source starts.
    pub from_start: usize,
    /// Its target annotation.
    pub to: AnnotationId,
    /// Where the target starts.
    pub to_start: usize,
}

/// The links of the article with what finds them fast: the starts of their ends, sorted
/// (does a row hold an end?), and the links at each annotation (which to draw for the spans
/// on screen), so a frame never walks every link of a long article.
#[derive(Debug, Default)]
pub struct LinkIndex {
    /// The links, in the order of [`links`].
    pub links: Vec<Link>,
    ends: Vec<usize>,
    at: HashMap<AnnotationId, Vec<usize>>,
}

impl LinkIndex {
    /// The index of `links`.
    pub fn new(links: Vec<Link>) -> Self {
        let mut ends: Vec<usize> = links
            .iter()
            .flat_map(|l| [l.from_start, l.to_start])
            .collect();
        ends.sort_unstable();
        let mut at: HashMap<AnnotationId, Vec<usize>> = HashMap::new();
        for (i, l) in links.iter().enumerate() {
            at.entry(l.from.clone()).or_default().push(i);
            if l.to != l.from {
                at.entry(l.to.clone()).or_default().push(i);
            }
        }
        LinkIndex { links, ends, at }
    }

    /// Whether a link starts or ends at a byte in `range`.
    pub fn ends_in(&self, range: std::ops::Range<usize>) -> bool {
        let i = self.ends.partition_point(|&e| e < range.start);
        self.ends.get(i).is_some_and(|&e| e < range.end)
    }

    /// The links touching any of `ids`, each once, in the index's order.
    fn touching<'a>(&'a self, ids: impl Iterator<Item = &'a AnnotationId>) -> Vec<&'a Link> {
        let mut found: Vec<usize> = ids
            .filter_map(|id| self.at.get(id))
            .flatten()
            .copied()
            .collect();
        found.sort_unstable();
        found.dedup();
        found
            .into_iter()
            .filter_map(|i| self.links.get(i))
            .collect()
    }
}

/// The relations whose two ends are both among `layers`' annotations, in the order of their
/// sources, then their targets.
pub fn links(project: &Project, layers: &Layers) -> Vec<Link> {
    let starts: HashMap<&AnnotationId, usize> = layers
        .items()
        .iter()
        .map(|it| (&it.id, it.hull.start))
        .collect();
    let mut out: Vec<Link> = project
        .relations
        .values()
        .filter_map(|r| {
            let (from_start, to_start) = (*starts.get(&r.from)?, *starts.get(&r.to)?);
            Some(Link {
                id: r.id.clone(),
                label: project
                    .schema
                    .relation(&r.kind)
                    .map_or(r.kind.as_str(), |k| k.label.as_str())
                    .to_owned(),
                from: r.from.clone(),
                from_start,
                to: r.to.clone(),
                to_start,
            })
        })
        .collect();
    out.sort_by(|a, b| (a.from_start, a.to_start, &a.id).cmp(&(b.from_start, b.to_start, &b.id)));
    out
}

/// Draws `links` between the annotations whose first rows are at `anchors` (each span's
/// first row, screen space), from `base` points over the row's top, curving up into the
/// `lift` points of room the view made there; a link with one end on screen runs to the top
/// or bottom of `view` (screen space) toward the other.
pub fn paint(
    painter: &Painter,
    index: &LinkIndex,
    anchors: &HashMap<AnnotationId, Rect>,
    view: Rect,
    visuals: &egui::Visuals,
    (font_size, base, lift): (f32, f32, f32),
) {
    let color = theme::article_text(visuals).gamma_multiply(0.7);
    let stroke = Stroke::new(1.2, color);
    let font = egui::FontId::proportional((font_size * 0.62).max(8.0));
    let top = |r: &Rect| pos2(r.min.x + r.width().min(24.0) / 2.0, r.min.y - base);
    for link in index.touching(anchors.keys()) {
        let (from, to) = (anchors.get(&link.from), anchors.get(&link.to));
        let (a, b) = match (from, to) {
            (Some(f), Some(t)) => (top(f), top(t)),
            (Some(f), None) => (top(f), edge(view, top(f), link.to_start > link.from_start)),
            (None, Some(t)) => (edge(view, top(t), link.from_start > link.to_start), top(t)),
            (None, None) => continue,
        };
        let c1 = a - vec2(0.0, lift);
        let c2 = b - vec2(0.0, lift);
        painter.add(egui::epaint::CubicBezierShape::from_points_stroke(
            [a, c1, c2, b],
            false,
            egui::Color32::TRANSPARENT,
            stroke,
        ));
        arrow_head(painter, c2, b, stroke);
        // The name on the arc's crest, in the room over the upper end's row.
        let crest = pos2((a.x + b.x) / 2.0, a.y.min(b.y) - lift * 0.75);
        let galley = painter.layout_no_wrap(link.label.clone(), font.clone(), color);
        let rect = Align2::CENTER_CENTER
            .anchor_size(crest, galley.size())
            .expand(1.5);
        painter.rect_filled(rect, 2.0, theme::article_background(visuals));
        painter.galley(rect.min + vec2(1.5, 1.5), galley, color);
    }
}

/// The point of the view's top (or bottom, `down`) edge an arc leaves by, above `from`.
fn edge(view: Rect, from: Pos2, down: bool) -> Pos2 {
    pos2(from.x + 40.0, if down { view.max.y } else { view.min.y })
}

/// A small arrow head at `tip`, coming from `from`.
fn arrow_head(painter: &Painter, from: Pos2, tip: Pos2, stroke: Stroke) {
    let dir = (tip - from).normalized();
    let side = vec2(-dir.y, dir.x);
    let back = tip - dir * 6.0;
    painter.line_segment([tip, back + side * 3.5], stroke);
    painter.line_segment([tip, back - side * 3.5], stroke);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ops, project_from_marked};

    #[test]
    fn links_join_shown_annotations_only_in_text_order() {
        let (mut p, ids) = project_from_marked(
            "[claim|talks could start] said [actor|Macron] [condition|if Xi agrees]",
            "ana",
            jiff::Timestamp::UNIX_EPOCH,
        )
        .unwrap();
        for (kind, to) in [("conditional_on", &ids[2]), ("said_by", &ids[1])] {
            ops::add_relation(&p, &kind.into(), &ids[0], to, "ana")
                .unwrap()
                .apply(&mut p)
                .unwrap();
        }
        let doc = p.documents[0].id.clone();
        let all = links(&p, &Layers::of(&p, &doc, None));
        let shown: Vec<(&str, usize)> =
            all.iter().map(|l| (l.label.as_str(), l.to_start)).collect();
        assert_eq!(shown, [("said by", 23), ("conditional on", 30)]);
        let index = LinkIndex::new(all);
        assert!(index.ends_in(0..5) && index.ends_in(23..29) && index.ends_in(30..31));
        assert!(!index.ends_in(5..23) && !index.ends_in(31..99));
        let claim = &index.links[0].from;
        assert_eq!(
            index.touching([claim, claim].into_iter()).len(),
            2,
            "each link once"
        );
        // Another layer shown: none of these.
        let none = links(&p, &Layers::of(&p, &doc, Some(&["bo".to_owned()])));
        assert!(none.is_empty());
    }
}
