//! A network drawn with the painter: nodes as discs sized by weight, edges as lines whose
//! width and colour the caller chooses, pannable (drag) and zoomable (wheel or pinch, about
//! the pointer), with a click on a node or an edge reported back. The layout is the caller's
//! (`crate::graph_layout`, in `[-1, 1]²`); the canvas only maps it to the screen.
//!
//! Drawing 500 nodes and a few thousand edges is a few thousand shapes a frame: labels are
//! drawn only for the largest nodes (and the hovered and selected ones) so that text, the
//! dear part, stays bounded.

use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Stroke, Vec2};

/// A node as drawn.
#[derive(Clone, Debug)]
pub struct CanvasNode {
    /// Its name, drawn beside it and read by screen readers.
    pub label: String,
    /// Its size relative to the largest node, in `0..=1` (disc area grows with it).
    pub size: f32,
    /// Its fill.
    pub color: Color32,
    /// What hovering it shows.
    pub tip: String,
}

/// An edge as drawn.
#[derive(Clone, Debug)]
pub struct CanvasEdge {
    /// One end (a node index).
    pub a: usize,
    /// The other end.
    pub b: usize,
    /// Its width relative to the heaviest edge, in `0..=1`.
    pub width: f32,
    /// Its colour.
    pub color: Color32,
    /// What hovering it shows.
    pub tip: String,
}

/// What was clicked or is hovered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hit {
    /// A node, by index.
    Node(usize),
    /// An edge, by index.
    Edge(usize),
}

/// The canvas's own state: where it looks.
#[derive(Clone, Debug)]
pub struct GraphCanvas {
    /// Screen offset of the layout's centre from the canvas's centre.
    pan: Vec2,
    /// Magnification on top of fitting `[-1, 1]²` into the canvas.
    zoom: f32,
}

impl Default for GraphCanvas {
    fn default() -> Self {
        GraphCanvas {
            pan: Vec2::ZERO,
            zoom: 1.0,
        }
    }
}

/// How many node labels are drawn at most (largest nodes first), besides the hovered and
/// selected one.
const LABELS: usize = 15;

impl GraphCanvas {
    /// Back to the whole network in view.
    pub fn fit(&mut self) {
        *self = GraphCanvas::default();
    }

    /// Draws `nodes` at `places` (one per node, `[-1, 1]²`) and `edges` in a canvas of
    /// `size`, with `selected` outlined; returns what was clicked this frame.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        size: Vec2,
        nodes: &[CanvasNode],
        edges: &[CanvasEdge],
        places: &[[f64; 2]],
        selected: Option<Hit>,
    ) -> Option<Hit> {
        let (response, painter) = ui.allocate_painter(size, Sense::click_and_drag());
        let rect = response.rect;
        response.widget_info(|| {
            egui::WidgetInfo::labeled(
                egui::Role::Image,
                true,
                format!("Network: {} nodes, {} edges", nodes.len(), edges.len()),
            )
        });
        // Pan by dragging, zoom about the pointer.
        if response.dragged() {
            self.pan += response.drag_delta();
        }
        if let Some(pointer) = response.hover_pos() {
            let (scroll, pinch) = ui.input(|i| (i.smooth_scroll_delta.y, i.zoom_delta()));
            let factor = pinch * (scroll / 400.0).exp();
            if (factor - 1.0).abs() > 1e-4 {
                let new_zoom = (self.zoom * factor).clamp(0.2, 40.0);
                let applied = new_zoom / self.zoom;
                let from_centre = pointer - rect.center() - self.pan;
                self.pan -= from_centre * (applied - 1.0);
                self.zoom = new_zoom;
            }
        }
        let visuals = ui.visuals();
        painter.rect_filled(rect, 2.0, visuals.extreme_bg_color);
        let scale = 0.45 * rect.width().min(rect.height()) * self.zoom;
        let centre = rect.center() + self.pan;
        let at = |i: usize| -> Pos2 {
            let p = places.get(i).copied().unwrap_or([0.0, 0.0]);
            centre + Vec2::new(p[0] as f32, p[1] as f32) * scale
        };
        let radius = |n: &CanvasNode| 3.0 + 13.0 * n.size.clamp(0.0, 1.0).sqrt();
        let pointer = response.hover_pos();
        let hit = pointer.and_then(|p| self.hit(p, nodes, edges, &at, &radius));
        let painter = painter.with_clip_rect(rect);
        for (i, e) in edges.iter().enumerate() {
            if e.a >= nodes.len() || e.b >= nodes.len() {
                continue;
            }
            let marked = hit == Some(Hit::Edge(i)) || selected == Some(Hit::Edge(i));
            let width = 0.6 + 4.0 * e.width.clamp(0.0, 1.0) + if marked { 2.0 } else { 0.0 };
            painter.line_segment([at(e.a), at(e.b)], Stroke::new(width, e.color));
        }
        let outline = visuals.strong_text_color();
        for (i, n) in nodes.iter().enumerate() {
            let marked = hit == Some(Hit::Node(i)) || selected == Some(Hit::Node(i));
            let stroke = if marked {
                Stroke::new(2.5, outline)
            } else {
                Stroke::new(1.0, visuals.extreme_bg_color)
            };
            painter.circle(at(i), radius(n), n.color, stroke);
        }
        // Labels: the largest nodes, then the hovered and the selected one.
        let mut by_size: Vec<usize> = (0..nodes.len()).collect();
        by_size.sort_by(|&a, &b| nodes[b].size.total_cmp(&nodes[a].size).then(a.cmp(&b)));
        by_size.truncate(LABELS);
        for extra in [hit, selected].into_iter().flatten() {
            if let Hit::Node(i) = extra
                && i < nodes.len()
                && !by_size.contains(&i)
            {
                by_size.push(i);
            }
        }
        let font = FontId::proportional(12.0);
        let text = visuals.text_color();
        for i in by_size {
            let n = &nodes[i];
            let p = at(i) + Vec2::new(0.0, radius(n) + 1.0);
            if rect.contains(p) {
                painter.text(p, Align2::CENTER_TOP, &n.label, font.clone(), text);
            }
        }
        let response = match hit {
            Some(Hit::Node(i)) => response.on_hover_text(&nodes[i].tip),
            Some(Hit::Edge(i)) => response.on_hover_text(&edges[i].tip),
            None => response,
        };
        if response.double_clicked() {
            self.fit();
        }
        response.clicked().then_some(hit).flatten()
    }

    /// The node under `p` (the nearest whose disc, widened by 3 points, holds it), else the
    /// edge within 4 points of it (the nearest).
    fn hit(
        &self,
        p: Pos2,
        nodes: &[CanvasNode],
        edges: &[CanvasEdge],
        at: &dyn Fn(usize) -> Pos2,
        radius: &dyn Fn(&CanvasNode) -> f32,
    ) -> Option<Hit> {
        let node = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (i, at(i).distance(p), radius(n) + 3.0))
            .filter(|(_, d, r)| d <= r)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, ..)| Hit::Node(i));
        node.or_else(|| {
            edges
                .iter()
                .enumerate()
                .filter(|(_, e)| e.a < nodes.len() && e.b < nodes.len())
                .map(|(i, e)| (i, to_segment(p, at(e.a), at(e.b))))
                .filter(|(_, d)| *d <= 4.0)
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(i, _)| Hit::Edge(i))
        })
    }

    /// Where a node at layout place `place` is drawn in a canvas at `rect` (for tests that
    /// click one).
    pub fn screen_place(&self, rect: Rect, place: [f64; 2]) -> Pos2 {
        let scale = 0.45 * rect.width().min(rect.height()) * self.zoom;
        rect.center() + self.pan + Vec2::new(place[0] as f32, place[1] as f32) * scale
    }
}

/// The distance from `p` to the segment `a`–`b`.
fn to_segment(p: Pos2, a: Pos2, b: Pos2) -> f32 {
    let ab = b - a;
    let len2 = ab.length_sq();
    if len2 < 1e-6 {
        return p.distance(a);
    }
    let t = ((p - a).dot(ab) / len2).clamp(0.0, 1.0);
    p.distance(a + ab * t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_distance_to_a_segment_is_to_its_nearest_point() {
        let (a, b) = (Pos2::new(0.0, 0.0), Pos2::new(10.0, 0.0));
        assert_eq!(to_segment(Pos2::new(5.0, 3.0), a, b), 3.0);
        assert_eq!(to_segment(Pos2::new(-4.0, 3.0), a, b), 5.0);
        assert_eq!(to_segment(Pos2::new(13.0, 4.0), a, b), 5.0);
        assert_eq!(to_segment(Pos2::new(1.0, 1.0), a, a), 2.0_f32.sqrt());
    }
}
