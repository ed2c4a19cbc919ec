//! Painting the blocks on screen ([`ArticleView::paint`]), and the geometry it rests on: the
//! rectangles a char range covers on each row, and the shapes for highlights, stacked underline
//! bands, search hits, the selection and the caret.

use std::ops::Range;

use egui::{Galley, Painter, Pos2, Rect, Stroke, pos2};

use super::*;

/// The rectangles (relative to the galley) covering chars `range` of the galley, one per row.
pub fn row_rects(galley: &Galley, range: Range<usize>) -> Vec<Rect> {
    let mut out = Vec::new();
    let mut row_start = 0;
    for row in &galley.rows {
        let glyphs = row.row.glyphs.len();
        let row_end = row_start + glyphs;
        let from = range.start.max(row_start);
        let to = range.end.min(row_end);
        // An empty range still gets a caret-wide rect on its row.
        let touches = from < to || (range.is_empty() && range.start == from && from <= row_end);
        if touches && range.start <= row_end {
            let x0 = row.pos.x + row.row.x_offset(egui::text::CharIndex(from - row_start));
            let x1 = row.pos.x + row.row.x_offset(egui::text::CharIndex(to - row_start));
            out.push(Rect::from_min_max(
                pos2(x0, row.min_y()),
                pos2(x1.max(x0), row.max_y()),
            ));
            if range.is_empty() {
                break;
            }
        }
        row_start = row_end + usize::from(row.ends_with_newline);
        if row_start > range.end {
            break;
        }
    }
    out
}

/// The rectangles (relative to the galley) covering chars `range` of a reordered block: on
/// each row, one per stretch of them that is together on screen.
pub fn bidi_rects(
    galley: &Galley,
    block: &super::bidi::BidiBlock,
    range: Range<usize>,
) -> Vec<Rect> {
    let mut out = Vec::new();
    let rows = block.rows_of(range.clone());
    for (i, row) in galley
        .rows
        .iter()
        .enumerate()
        .take(block.rows())
        .skip(rows.start)
        .take(rows.len())
    {
        let spans = if range.is_empty() {
            block
                .caret(range.start)
                .filter(|(r, _)| *r == i)
                .map(|(_, x)| vec![(x, x)])
                .unwrap_or_default()
        } else {
            block.spans(i, range.clone())
        };
        for (l, r) in spans {
            out.push(Rect::from_min_max(
                pos2(row.pos.x + l, row.min_y()),
                pos2(row.pos.x + r, row.max_y()),
            ));
        }
    }
    out
}

/// Where the caret before char `at` is drawn: a zero-width rect as high as its row.
pub fn caret_rect(galley: &Galley, at: usize) -> Rect {
    galley.pos_from_cursor(egui::text::CCursor::new(egui::text::CharIndex(at)))
}

/// Paints `rect` (already in screen space) as one stacked band for `lane` (1, 2 …): lane 1
/// at the foot of its row, each further lane a step lower, in the room the view made under
/// the row ([`super::rows`]), so nested and overlapping annotations stay apart instead of
/// blending and no band crosses the glyphs.
pub fn band(painter: &Painter, rect: Rect, lane: usize, stroke: Stroke) {
    let y = rect.max.y - 1.0 - stroke.width / 2.0
        + super::rows::BAND_STEP * (lane.saturating_sub(1)) as f32;
    painter.line_segment([pos2(rect.min.x, y), pos2(rect.max.x, y)], stroke);
}

/// The outline of `r` as a dashed line.
fn dashed_rect(painter: &Painter, r: Rect, stroke: Stroke) {
    let corners = [
        r.left_top(),
        r.right_top(),
        r.right_bottom(),
        r.left_bottom(),
        r.left_top(),
    ];
    painter.extend(egui::Shape::dashed_line(&corners, stroke, 3.0, 2.0));
}

/// A dot in each coloured value's colour (a stance, a code) at the top right of the span's
/// last row, so what a span was coded shows without opening it: one dot per value, in the
/// order its tag declares them, outlined so a pale colour shows on any fill.
fn paint_badges(
    painter: &Painter,
    input: &ArticleInput<'_>,
    items: &[&Item],
    block: Range<usize>,
    rects: &dyn Fn(Range<usize>) -> Vec<Rect>,
    visuals: &egui::Visuals,
) {
    let outline = egui::Stroke::new(1.0, theme::article_text(visuals).gamma_multiply(0.8));
    for item in items
        .iter()
        .filter(|it| it.hull.end > block.start && it.hull.end <= block.end)
    {
        let Some(a) = input.project.annotations.get(&item.id) else {
            continue;
        };
        if a.values.is_empty() {
            continue;
        }
        let declared = input
            .project
            .schema
            .tags
            .get(item.tag)
            .map_or(&[][..], |t| &t.attributes[..]);
        let colours = crate::model::value_colors(declared, &a.values, &input.project.codebooks);
        let Some(last) = item.fragments.iter().last() else {
            continue;
        };
        let Some(r) = rects(last).into_iter().last() else {
            continue;
        };
        let radius = (r.height() * 0.2).clamp(3.5, 6.0);
        for (n, c) in colours.iter().enumerate() {
            let centre = pos2(
                r.max.x - radius - n as f32 * (2.0 * radius + 1.5),
                r.min.y + radius,
            );
            painter.circle(centre, radius, theme::color(*c), outline);
        }
    }
}

/// Moves a galley-relative rect to the screen.
pub fn place(rect: Rect, origin: Pos2) -> Rect {
    rect.translate(origin.to_vec2())
}

impl ArticleView {
    /// Writes each annotation's tag name in the room over the row where it starts, pushed
    /// right where it would run into the name before it on that row.
    fn paint_labels(
        &self,
        painter: &Painter,
        input: &ArticleInput<'_>,
        items: &[&Item],
        block: Range<usize>,
        rects: &dyn Fn(Range<usize>) -> Vec<Rect>,
        visuals: &egui::Visuals,
    ) {
        let size = super::rows::label_size(self.font_size());
        let font = egui::FontId::proportional(size);
        let color = theme::article_text(visuals).gamma_multiply(0.75);
        let mut row_end: Vec<(f32, f32)> = Vec::new();
        for item in items.iter().filter(|it| block.contains(&it.hull.start)) {
            let Some(first) = item.fragments.iter().next() else {
                continue;
            };
            let Some(r) = rects(first).into_iter().next() else {
                continue;
            };
            let name = input
                .project
                .schema
                .tags
                .get(item.tag)
                .map_or("?", |t| t.label.as_str());
            let galley = painter.layout_no_wrap(name.to_owned(), font.clone(), color);
            let top = r.min.y - super::rows::label_height(self.font_size());
            let mut x = r.min.x;
            if let Some((_, end)) = row_end.iter().find(|(y, _)| (*y - top).abs() < 0.5) {
                x = x.max(end + 4.0);
            }
            row_end.retain(|(y, _)| (*y - top).abs() >= 0.5);
            row_end.push((top, x + galley.size().x));
            painter.galley(pos2(x, top), galley, color);
        }
    }

    pub(super) fn paint(
        &mut self,
        ui: &Ui,
        input: &ArticleInput<'_>,
        sel: &TextSel,
        origin: Pos2,
        viewport: Rect,
    ) {
        let text = input.doc.text.as_str();
        let first = self.heights.index_at(viewport.min.y);
        let mut i = first;
        let painter = ui.painter();
        let visuals = ui.visuals();
        let selection = sel.range();
        let mut selected_rects = Vec::new();
        let mut linked_rects: Vec<(Rect, Color32)> = Vec::new();
        // The first row of each span on screen, where its arcs begin and end.
        let mut anchors: std::collections::HashMap<AnnotationId, Rect> = Default::default();
        while i < self.blocks.len() {
            let top = self.heights.top(i);
            if top > viewport.max.y {
                break;
            }
            let Some((galley, delta)) = self.galley(ui, text, i) else {
                break;
            };
            if top < viewport.min.y {
                // Keep what is on screen still while heights above it become exact.
                self.scroll_fix += delta;
            }
            let Some(block) = self.blocks.get(i).cloned() else {
                break;
            };
            let block_origin = origin + vec2(0.0, top);
            let reordered = self.bidi_of(i);
            let rects = |range: Range<usize>| -> Vec<Rect> {
                let from = range.start.max(block.bytes.start);
                let to = range.end.min(block.bytes.end);
                if from > to || (from == to && !range.is_empty()) {
                    return Vec::new();
                }
                let c0 = char_of(text, &block, from);
                let c1 = char_of(text, &block, to);
                let local = match &reordered {
                    Some(b) => bidi_rects(&galley, b, c0..c1),
                    None => row_rects(&galley, c0..c1),
                };
                local.into_iter().map(|r| place(r, block_origin)).collect()
            };
            let items: Vec<&Item> = self.layers.meeting(block.bytes.clone()).collect();
            if let Some(c) = &input.compare {
                self.compare
                    .paint_tints(painter, c, block.bytes.clone(), &rects);
            }
            // Fills first, under the text: the outermost annotation of each stack.
            for item in items.iter().filter(|it| it.lane == 0) {
                let is_selected = input.selected == Some(&item.id);
                for f in item.fragments.iter() {
                    for r in rects(f) {
                        painter.rect_filled(r, 2.0, theme::fill(visuals, item.color, is_selected));
                    }
                }
            }
            // Hits are in text order: skip to the first that can reach this block.
            let first_hit = input.hits.partition_point(|h| h.end.0 < block.bytes.start);
            for (h, hit) in input.hits.iter().enumerate().skip(first_hit) {
                if hit.start.0 > block.bytes.end {
                    break;
                }
                let current = input.current_hit == Some(h);
                for r in rects(hit.start.0..hit.end.0) {
                    if current {
                        let (fill, stroke) = theme::current_hit(visuals);
                        painter.rect_filled(r, 2.0, fill);
                        painter.rect_stroke(r, 2.0, stroke, egui::StrokeKind::Outside);
                    } else {
                        painter.rect_stroke(
                            r,
                            2.0,
                            theme::search_hit(visuals),
                            egui::StrokeKind::Outside,
                        );
                    }
                }
            }
            if !sel.is_empty() {
                let (fill, stroke) = theme::selection(visuals);
                for r in rects(selection.start.0..selection.end.0) {
                    painter.rect_filled(r, 0.0, fill);
                    dashed_rect(painter, r, stroke);
                }
            }
            painter.galley(block_origin, galley.clone(), theme::article_text(visuals));
            if self.labels {
                self.paint_labels(painter, input, &items, block.bytes.clone(), &rects, visuals);
            }
            if input.compare.is_none() {
                paint_badges(painter, input, &items, block.bytes.clone(), &rects, visuals);
            }
            if let Some(c) = &input.compare {
                let outline = theme::current_difference(visuals);
                let below_from = self.deepest_lane(block.bytes.clone());
                self.compare.paint_bands(
                    painter,
                    c,
                    block.bytes.clone(),
                    &rects,
                    outline,
                    below_from,
                );
            }
            // Bands over the text's foot: everything nested or overlapping.
            for item in items.iter().filter(|it| it.lane > 0) {
                let is_selected = input.selected == Some(&item.id);
                for f in item.fragments.iter() {
                    for r in rects(f) {
                        band(painter, r, item.lane, theme::band(item.color, is_selected));
                    }
                }
            }
            if self.arcs {
                for item in items
                    .iter()
                    .filter(|it| block.bytes.contains(&it.hull.start))
                {
                    if let Some(r) = item
                        .fragments
                        .iter()
                        .next()
                        .and_then(|f| rects(f).into_iter().next())
                    {
                        anchors.insert(item.id.clone(), r);
                    }
                }
            }
            for item in &items {
                let is_selected = input.selected == Some(&item.id);
                let linked = input.linked.contains(&item.id);
                if !is_selected && !linked {
                    continue;
                }
                for f in item.fragments.iter() {
                    for r in rects(f) {
                        if linked {
                            linked_rects.push((r, theme::color(item.color)));
                        }
                        if is_selected {
                            selected_rects.push(r);
                        }
                    }
                }
            }
            // The edge being dragged: its preview.
            if let Some(edge) = &self.edge_drag {
                for f in &edge.fragments {
                    for r in rects(f.bytes()) {
                        painter.rect_stroke(
                            r,
                            2.0,
                            theme::preview_stroke(visuals),
                            egui::StrokeKind::Outside,
                        );
                    }
                }
            }
            if sel.is_empty() && input.keyboard {
                let head = sel.head.0;
                if block.bytes.start <= head && head <= block.bytes.end {
                    let at = char_of(text, &block, head);
                    let r = match reordered.as_ref().and_then(|b| b.caret(at)) {
                        Some((row, x)) => super::bidi::caret_rect(&galley, row, x),
                        None => caret_rect(&galley, at),
                    };
                    let r = place(r, block_origin);
                    painter.line_segment(
                        [r.center_top(), r.center_bottom()],
                        visuals.text_cursor.stroke,
                    );
                }
            }
            i += 1;
        }
        self.visible = first..i;
        for r in &selected_rects {
            painter.rect_stroke(
                r.expand(1.0),
                2.0,
                theme::selected_stroke(visuals),
                egui::StrokeKind::Outside,
            );
        }
        if self.arcs
            && let Some((_, links)) = &self.links
        {
            let size = self.font_size();
            let base = if self.labels {
                super::rows::label_height(size)
            } else {
                0.0
            };
            let view = viewport.translate(origin.to_vec2());
            super::arcs::paint(
                painter,
                links,
                &anchors,
                view,
                visuals,
                (size, base, super::rows::link_height(size) - 2.0),
            );
        }
        // The selected claim's links: each linked span outlined, a thread from the claim.
        let anchor = selected_rects.first().map(|r| r.left_top());
        for (r, color) in &linked_rects {
            painter.rect_stroke(
                *r,
                2.0,
                theme::link_stroke(*color),
                egui::StrokeKind::Outside,
            );
            if let Some(a) = anchor {
                painter.line_segment([a, r.left_top()], theme::thread(*color));
            }
        }
        self.evict();
    }
}
