//! Room for stacked bands: a row of text whose annotations stack deeper than one band gets
//! space under it (and, in compare mode, over it) so that no band is drawn across the glyphs.
//!
//! egui lays a block out with one line height for all its rows; [`spread`] moves the rows of
//! that layout apart by what each needs, which keeps every glyph where egui put it within
//! its row, so hit-testing and the caret work on the moved rows as they did before.

use std::ops::Range;

use egui::Galley;

use crate::ui::theme;

/// The distance between two stacked bands: a band's width and a gap.
pub const BAND_STEP: f32 = theme::NESTED_UNDERLINE + 1.0;

/// The size of the tag names written above spans, for article type of `font_size`.
pub fn label_size(font_size: f32) -> f32 {
    (font_size * 0.62).max(8.0)
}

/// The room a row needs over it for tag names.
pub fn label_height(font_size: f32) -> f32 {
    label_size(font_size) * 1.25
}

/// The room a row needs over it for the arcs of its relations and their names.
pub fn link_height(font_size: f32) -> f32 {
    label_height(font_size) + 6.0
}

/// Extra space one row needs, in points.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Room {
    /// Over the row, for bands stacked up from its top (compare mode's first annotator).
    pub above: f32,
    /// Under the row, for bands stacked down from its foot.
    pub below: f32,
}

impl Room {
    /// The room for `slots_below` bands stacked down from the foot of a row and
    /// `levels_above` bands stacked up from its top: the first of each fits in the row's own
    /// leading, every further one takes a step.
    pub fn for_bands(slots_below: usize, levels_above: usize) -> Self {
        Room {
            above: levels_above.saturating_sub(1) as f32 * BAND_STEP,
            below: slots_below.saturating_sub(1) as f32 * BAND_STEP,
        }
    }
}

/// The byte where each char of `piece` starts, and its end: char index to byte offset.
pub fn char_starts(piece: &str) -> Vec<usize> {
    piece
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(piece.len()))
        .collect()
}

/// The byte range of each row of `galley`, laid out from `piece`, which starts at byte
/// `start` of the text.
pub fn row_bytes(piece: &str, start: usize, galley: &Galley) -> Vec<Range<usize>> {
    let offsets = char_starts(piece);
    let at = |chars: usize| offsets.get(chars).copied().unwrap_or(piece.len());
    let mut chars = 0;
    galley
        .rows
        .iter()
        .map(|row| {
            let from = at(chars);
            chars += row.row.glyphs.len() + usize::from(row.ends_with_newline);
            start + from..start + at(chars)
        })
        .collect()
}

/// `galley` with its rows moved apart: row `i` gets `rooms[i].above` over it and
/// `rooms[i].below` under it (rounded to whole pixels, as egui places rows). Rows beyond
/// `rooms` keep no extra room.
pub fn spread(galley: &Galley, rooms: &[Room], pixels_per_point: f32) -> Galley {
    let px = |v: f32| (v * pixels_per_point).round() / pixels_per_point;
    let mut out = galley.clone();
    let mut shift = 0.0;
    for (i, row) in out.rows.iter_mut().enumerate() {
        let room = rooms.get(i).copied().unwrap_or_default();
        shift += px(room.above);
        row.pos.y += shift;
        shift += px(room.below);
    }
    out.rect.max.y += shift;
    out.mesh_bounds.max.y += shift;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn galley(ctx: &egui::Context, text: &str, width: f32) -> std::sync::Arc<Galley> {
        let mut job = egui::text::LayoutJob::simple(
            text.to_owned(),
            egui::FontId::proportional(16.0),
            egui::Color32::WHITE,
            width,
        );
        job.wrap.max_width = width;
        ctx.fonts_mut(|f| f.layout_job(job))
    }

    fn with_galley(text: &str, width: f32, check: impl FnOnce(&Galley)) {
        let ctx = egui::Context::default();
        let mut check = Some(check);
        let mut out = ctx.run_ui(Default::default(), |ui| {
            if let Some(check) = check.take() {
                check(&galley(ui.ctx(), text, width));
            }
        });
        out.textures_delta.clear();
    }

    #[test]
    fn rows_cover_the_piece_in_bytes_without_gaps() {
        let text = "Le président 🇫🇷 a dit\u{301} que les pourparlers pourraient commencer si Xi 你好 était d’accord.";
        with_galley(text, 120.0, |g| {
            assert!(g.rows.len() > 2);
            let rows = row_bytes(text, 100, g);
            assert_eq!(rows.len(), g.rows.len());
            assert_eq!(rows.first().map(|r| r.start), Some(100));
            assert_eq!(rows.last().map(|r| r.end), Some(100 + text.len()));
            for pair in rows.windows(2) {
                assert_eq!(pair[0].end, pair[1].start);
            }
            for r in &rows {
                assert!(text.is_char_boundary(r.start - 100) && text.is_char_boundary(r.end - 100));
            }
        });
    }

    #[test]
    fn spreading_moves_rows_apart_and_keeps_their_glyphs() {
        let text = "one two three four five six seven eight nine ten eleven twelve";
        with_galley(text, 90.0, |g| {
            let rooms = [
                Room::for_bands(3, 0),
                Room::default(),
                Room::for_bands(1, 2),
            ];
            let spread = spread(g, &rooms, 1.0);
            // Whole pixels: two steps under the first row, one over the third.
            let (under, over) = ((2.0 * BAND_STEP).round(), BAND_STEP.round());
            assert_eq!(spread.rows[0].pos.y, g.rows[0].pos.y);
            assert_eq!(spread.rows[1].pos.y, g.rows[1].pos.y + under);
            assert_eq!(spread.rows[2].pos.y, g.rows[2].pos.y + under + over);
            assert_eq!(spread.rect.height(), g.rect.height() + under + over);
            for (a, b) in spread.rows.iter().zip(&g.rows) {
                assert_eq!(a.row.glyphs.len(), b.row.glyphs.len());
            }
        });
    }

    #[test]
    fn one_band_needs_no_room_and_each_further_one_a_step() {
        assert_eq!(Room::for_bands(0, 0), Room::default());
        assert_eq!(Room::for_bands(1, 1), Room::default());
        assert_eq!(Room::for_bands(3, 0).below, 2.0 * BAND_STEP);
        assert_eq!(Room::for_bands(0, 2).above, BAND_STEP);
    }
}
