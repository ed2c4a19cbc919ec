//! Geometry on a laid-out block: the rectangles a char range covers on each row, and the
//! shapes for highlights, stacked underline bands, search hits, the selection and the caret.

use std::ops::Range;

use egui::{Galley, Painter, Pos2, Rect, Stroke, pos2};

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

/// Where the caret before char `at` is drawn: a zero-width rect as high as its row.
pub fn caret_rect(galley: &Galley, at: usize) -> Rect {
    galley.pos_from_cursor(egui::text::CCursor::new(egui::text::CharIndex(at)))
}

/// Paints `rect` (already in screen space) as one stacked band for `lane` (1, 2 …) at the
/// foot of its row: lane 1 lowest, each further lane a band higher, so nested and overlapping
/// annotations stay apart instead of blending.
pub fn band(painter: &Painter, rect: Rect, lane: usize, stroke: Stroke) {
    let step = stroke.width + 1.0;
    let y = rect.max.y - 1.0 - step * (lane.saturating_sub(1)) as f32 - stroke.width / 2.0;
    painter.line_segment([pos2(rect.min.x, y), pos2(rect.max.x, y)], stroke);
}

/// Moves a galley-relative rect to the screen.
pub fn place(rect: Rect, origin: Pos2) -> Rect {
    rect.translate(origin.to_vec2())
}
