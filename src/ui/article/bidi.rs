//! Right-to-left text: each row of a block that holds right-to-left characters is reordered
//! by the Unicode bidirectional algorithm (UAX #9, through `unicode-bidi`), while selection,
//! caret and hit-testing stay on logical offsets.
//!
//! egui 0.37 shapes each run of one font in the direction its first strong character says
//! and lays the runs out left to right in logical order: the letters of an Arabic word join
//! and read right to left, but the words of an Arabic phrase come out in typing order, its
//! carets are mirrored, and its glyphs no longer match its characters one to one. So such a
//! block is broken into rows here (after white space, as egui does; line breaking is logical
//! in UAX #9 too); then each row's visual runs are laid out piece by piece (a right-to-left
//! run word by word, the words in reverse order and brackets mirrored, so every piece egui
//! shapes is one word of one direction) and placed left to right, a right-to-left
//! paragraph's rows against the right edge. The rows carry the pieces' meshes and glyphs in
//! screen order (the tessellator finds colour emoji by their glyphs), and [`BidiBlock`]
//! holds where each character landed, so the view finds carets and selection rectangles
//! from it.

use std::ops::Range;
use std::sync::Arc;

use egui::text::{LayoutJob, TextFormat};
use egui::{Galley, Pos2, Rect, Ui, pos2};
use unicode_bidi::BidiInfo;
use unicode_segmentation::UnicodeSegmentation;

/// Whether `text` has a character that the bidirectional algorithm reads right to left (or
/// an explicit right-to-left mark): only then does a block need [`layout`].
pub fn needs_bidi(text: &str) -> bool {
    use unicode_bidi::BidiClass::{AL, R, RLE, RLI, RLO};
    // Every right-to-left character is at U+0590 or above, whose UTF-8 starts at 0xD6.
    text.bytes().any(|b| b >= 0xD6)
        && text
            .chars()
            .any(|c| matches!(unicode_bidi::bidi_class(c), R | AL | RLE | RLO | RLI))
}

/// Where one character of a row landed: its box, and whether it reads right to left.
#[derive(Clone, Copy, Debug, PartialEq)]
struct CharBox {
    left: f32,
    right: f32,
    rtl: bool,
}

/// One row: its first character (a char index into the block) and each character's box, in
/// logical order, x relative to the row.
#[derive(Clone, Debug, Default, PartialEq)]
struct BidiRow {
    start: usize,
    boxes: Vec<CharBox>,
}

/// Where the characters of a reordered block are, row by row.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BidiBlock {
    rows: Vec<BidiRow>,
    /// Whether the paragraph reads right to left (its rows sit against the right edge).
    pub rtl_paragraph: bool,
}

impl BidiBlock {
    /// The row holding char `at` of the block (the last row for the end).
    fn row_of(&self, at: usize) -> Option<(usize, &BidiRow)> {
        let i = self
            .rows
            .partition_point(|r| r.start <= at)
            .saturating_sub(1);
        self.rows.get(i).map(|r| (i, r))
    }

    /// The x (row-relative) of the caret before char `at` of the block, and its row.
    pub fn caret(&self, at: usize) -> Option<(usize, f32)> {
        let (i, row) = self.row_of(at)?;
        let col = at - row.start;
        let x = match row.boxes.get(col) {
            // Before a right-to-left character: at its right side.
            Some(b) if b.rtl => b.right,
            Some(b) => b.left,
            // After the row's last character: past it, in its direction.
            None => row
                .boxes
                .last()
                .map_or(0.0, |b| if b.rtl { b.left } else { b.right }),
        };
        Some((i, x))
    }

    /// The char of the block whose caret is nearest to `x` on row `row`.
    pub fn char_at(&self, row: usize, x: f32) -> Option<usize> {
        let r = self.rows.get(row)?;
        // The character under x (or nearest to it), then its side.
        let (col, b) = r.boxes.iter().enumerate().min_by(|(_, a), (_, b)| {
            let d = |c: &CharBox| {
                if x < c.left {
                    c.left - x
                } else if x > c.right {
                    x - c.right
                } else {
                    0.0
                }
            };
            d(a).total_cmp(&d(b))
        })?;
        let first_half = x < (b.left + b.right) / 2.0;
        let before = first_half != b.rtl;
        Some(r.start + col + usize::from(!before))
    }

    /// The x extents (row-relative) that chars `range` of the block cover on row `row`: one
    /// per stretch of them that is together on screen.
    pub fn spans(&self, row: usize, range: Range<usize>) -> Vec<(f32, f32)> {
        let Some(r) = self.rows.get(row) else {
            return Vec::new();
        };
        let from = range.start.saturating_sub(r.start).min(r.boxes.len());
        let to = range.end.saturating_sub(r.start).min(r.boxes.len());
        let mut boxes: Vec<(f32, f32)> = r
            .boxes
            .get(from..to.max(from))
            .unwrap_or_default()
            .iter()
            .map(|b| (b.left, b.right))
            .collect();
        boxes.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut out: Vec<(f32, f32)> = Vec::new();
        for (l, rt) in boxes {
            match out.last_mut() {
                Some(last) if l <= last.1 + 2.0 => last.1 = last.1.max(rt),
                _ => out.push((l, rt)),
            }
        }
        out
    }

    /// How many rows.
    pub fn rows(&self) -> usize {
        self.rows.len()
    }

    /// The rows that chars `range` of the block are on.
    pub fn rows_of(&self, range: Range<usize>) -> Range<usize> {
        let first = self.row_of(range.start).map_or(0, |(i, _)| i);
        let last = self
            .row_of(range.end.saturating_sub(1).max(range.start))
            .map_or(first, |(i, _)| i);
        first..last + 1
    }

    /// The chars of the block on each row.
    pub fn row_chars(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        self.rows.iter().map(|r| r.start..r.start + r.boxes.len())
    }
}

/// The block `piece` laid out in rows of at most `width` and reordered: the galley to paint,
/// and where its characters are. `logical` is egui's own layout of it, whose first row
/// serves as the pattern of every row (egui's rows cannot be made from scratch outside
/// epaint); egui's own line breaks are not used, as its glyphs for right-to-left runs do not
/// match the characters one to one.
pub fn layout(
    ui: &Ui,
    piece: &str,
    logical: &Arc<Galley>,
    format: &TextFormat,
    width: f32,
) -> (Arc<Galley>, BidiBlock) {
    let info = BidiInfo::new(piece, None);
    let (Some(para), Some(pattern)) = (info.paragraphs.first(), logical.rows.first()) else {
        return (logical.clone(), BidiBlock::default());
    };
    let rtl_paragraph = para.level.is_rtl();
    let offsets = super::rows::char_starts(piece);
    let shape = |text: &str| -> Arc<Galley> {
        let mut job = LayoutJob::single_section(text.to_owned(), format.clone());
        job.wrap.max_width = f32::INFINITY;
        ui.painter().layout_job(job)
    };
    let measure = |range: Range<usize>| shape(piece.get(range).unwrap_or_default());
    let lines = break_lines(piece, width, |r| measure(r).size().x);
    let row_height = pattern.row.size.y;
    let mut galley = (**logical).clone();
    galley.rows.clear();
    let mut block = BidiBlock {
        rows: Vec::with_capacity(lines.len()),
        rtl_paragraph,
    };
    let mut widest = 0.0f32;
    for (i, line) in lines.into_iter().enumerate() {
        let start = offsets.partition_point(|&b| b < line.start);
        let end = offsets.partition_point(|&b| b < line.end);
        let mut boxes = vec![
            CharBox {
                left: 0.0,
                right: 0.0,
                rtl: false
            };
            end - start
        ];
        let mut mesh = egui::Mesh::default();
        // The pieces' glyphs, in the order painted: the tessellator finds colour glyphs
        // (emoji, which it must not tint) by the vertices each glyph starts at.
        let mut glyphs: Vec<egui::epaint::text::Glyph> = Vec::new();
        let mut x = 0.0;
        if !line.is_empty() {
            let (levels, runs) = info.visual_runs(para, line.clone());
            for run in runs {
                let rtl = levels.get(run.start).is_some_and(|l| l.is_rtl());
                for part in pieces(piece, run, rtl) {
                    let text = piece.get(part.clone()).unwrap_or_default();
                    let shaped = if rtl {
                        shape(&mirrored(text))
                    } else {
                        shape(text)
                    };
                    let w = shaped.size().x;
                    for r in &shaped.rows {
                        let first = mesh.vertices.len() as u32;
                        glyphs.extend(r.row.glyphs.iter().map(|g| {
                            let mut g = *g;
                            g.pos.x += x + r.pos.x;
                            g.first_vertex += first;
                            g
                        }));
                        let mut m = r.row.visuals.mesh.clone();
                        m.translate(egui::vec2(x + r.pos.x, r.pos.y));
                        mesh.append(m);
                    }
                    place(&mut boxes, &offsets, start, part, &shaped, x, w, rtl);
                    x += w;
                }
            }
        }
        // A right-to-left paragraph's rows end at the right edge; the white space after the
        // row's last word (on its left, in such a row) may hang past the left one.
        let shift = if rtl_paragraph && width.is_finite() {
            let text = piece.get(line.clone()).unwrap_or_default();
            let hanging = text.len() - text.trim_end().len();
            let ws = if hanging > 0 {
                measure(line.end - hanging..line.end).size().x
            } else {
                0.0
            };
            (width - x).max(-ws).min(width)
        } else {
            0.0
        };
        if shift != 0.0 {
            mesh.translate(egui::vec2(shift, 0.0));
            for g in &mut glyphs {
                g.pos.x += shift;
            }
            for b in &mut boxes {
                b.left += shift;
                b.right += shift;
            }
        }
        widest = widest.max(x + shift);
        let mut placed = pattern.clone();
        placed.pos = pos2(0.0, pattern.pos.y + i as f32 * row_height);
        placed.ends_with_newline = false;
        let row = Arc::make_mut(&mut placed.row);
        row.size.x = x + shift;
        row.glyphs = glyphs;
        row.visuals.mesh_bounds = mesh_bounds(&mesh);
        row.visuals.glyph_vertex_range = 0..mesh.vertices.len();
        row.visuals.glyph_index_start = 0;
        row.visuals.mesh = mesh;
        galley.rows.push(placed);
        block.rows.push(BidiRow { start, boxes });
    }
    let rows = galley.rows.len().max(1) as f32;
    galley.rect = Rect::from_min_size(Pos2::ZERO, egui::vec2(widest, rows * row_height));
    galley.mesh_bounds = galley
        .rows
        .iter()
        .map(|r| r.row.visuals.mesh_bounds.translate(r.pos.to_vec2()))
        .fold(Rect::NOTHING, |a, b| a.union(b));
    galley.num_vertices = galley
        .rows
        .iter()
        .map(|r| r.row.visuals.mesh.vertices.len())
        .sum();
    galley.num_indices = galley
        .rows
        .iter()
        .map(|r| r.row.visuals.mesh.indices.len())
        .sum();
    (Arc::new(galley), block)
}

/// The rows of `text` (byte ranges) at most `width` wide by `measure`: broken after a run of
/// white space, the white space hanging past the edge; a word wider than a row has one.
fn break_lines(text: &str, width: f32, measure: impl Fn(Range<usize>) -> f32) -> Vec<Range<usize>> {
    // Segments: a word or other piece, with the white space after it.
    let mut segments: Vec<Range<usize>> = Vec::new();
    for (i, w) in text.split_word_bound_indices() {
        let range = i..i + w.len();
        match segments.last_mut() {
            Some(last) if w.chars().all(char::is_whitespace) => last.end = range.end,
            _ => segments.push(range),
        }
    }
    let mut lines: Vec<Range<usize>> = Vec::new();
    let mut line: Option<Range<usize>> = None;
    for seg in segments {
        let candidate = line.as_ref().map_or(seg.clone(), |l| l.start..seg.end);
        let visible = text
            .get(candidate.clone())
            .map_or(0, |s| s.trim_end().len());
        let fits = measure(candidate.start..candidate.start + visible) <= width;
        match line.take() {
            Some(l) if !fits => {
                lines.push(l);
                line = Some(seg);
            }
            _ => line = Some(candidate),
        }
    }
    lines.extend(line);
    if lines.is_empty() {
        lines.push(0..0);
    }
    lines
}

/// The text of a right-to-left piece as it is displayed: its brackets mirrored, as the
/// bidirectional algorithm shows them in right-to-left text (rule L4), "(" as ")".
fn mirrored(s: &str) -> std::borrow::Cow<'_, str> {
    let pair = |c: char| match c {
        '(' => Some(')'),
        ')' => Some('('),
        '[' => Some(']'),
        ']' => Some('['),
        '{' => Some('}'),
        '}' => Some('{'),
        '<' => Some('>'),
        '>' => Some('<'),
        '«' => Some('»'),
        '»' => Some('«'),
        '‹' => Some('›'),
        '›' => Some('‹'),
        _ => None,
    };
    if s.chars().any(|c| pair(c).is_some()) {
        s.chars()
            .map(|c| pair(c).unwrap_or(c))
            .collect::<String>()
            .into()
    } else {
        s.into()
    }
}

/// The pieces a run is laid out in, left to right: a left-to-right run whole; a
/// right-to-left one word by word (spaces and punctuation between them on their own),
/// last word first.
fn pieces(text: &str, run: Range<usize>, rtl: bool) -> Vec<Range<usize>> {
    if !rtl {
        return vec![run];
    }
    let Some(s) = text.get(run.clone()) else {
        return Vec::new();
    };
    let mut parts: Vec<Range<usize>> = s
        .split_word_bound_indices()
        .map(|(i, w)| run.start + i..run.start + i + w.len())
        .collect();
    parts.reverse();
    parts
}

/// Records where the chars of `part` (bytes of the block) landed, laid out as `shaped` at
/// `x` with width `w`: a left-to-right piece glyph by glyph as egui placed them; a
/// right-to-left word, whose glyphs egui keeps in visual order, its chars in equal shares of
/// its width from the right (exact at the word's edges, where selections end).
#[allow(clippy::too_many_arguments)]
fn place(
    boxes: &mut [CharBox],
    offsets: &[usize],
    row_start: usize,
    part: Range<usize>,
    shaped: &Galley,
    x: f32,
    w: f32,
    rtl: bool,
) {
    let first = offsets.partition_point(|&b| b < part.start);
    let last = offsets.partition_point(|&b| b < part.end);
    let n = last - first;
    let glyphs: Vec<&egui::epaint::text::Glyph> = shaped
        .rows
        .iter()
        .flat_map(|r| r.row.glyphs.iter())
        .collect();
    for k in 0..n {
        let Some(b) = (first + k)
            .checked_sub(row_start)
            .and_then(|c| boxes.get_mut(c))
        else {
            continue;
        };
        *b = if rtl {
            let share = w / n as f32;
            CharBox {
                left: x + w - share * (k + 1) as f32,
                right: x + w - share * k as f32,
                rtl: true,
            }
        } else {
            match glyphs.get(k) {
                Some(g) => CharBox {
                    left: x + g.pos.x,
                    right: x + g.pos.x + g.advance_width,
                    rtl: false,
                },
                None => CharBox {
                    left: x + w,
                    right: x + w,
                    rtl: false,
                },
            }
        };
    }
}

/// The bounds of a mesh's vertices.
fn mesh_bounds(mesh: &egui::Mesh) -> Rect {
    mesh.vertices.iter().fold(Rect::NOTHING, |r, v| {
        r.union(Rect::from_min_max(v.pos, v.pos))
    })
}

/// A point on row `row` of `galley` at row-relative `x`, for the caret's rectangle.
pub fn caret_rect(galley: &Galley, row: usize, x: f32) -> Rect {
    let Some(r) = galley.rows.get(row) else {
        return Rect::from_min_max(Pos2::ZERO, Pos2::ZERO);
    };
    Rect::from_min_max(pos2(r.pos.x + x, r.min_y()), pos2(r.pos.x + x, r.max_y()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `check` with the galley of `text` laid out logically and reordered.
    fn with_block(text: &str, width: f32, check: impl FnOnce(&Galley, &BidiBlock)) {
        let ctx = egui::Context::default();
        crate::ui::install_fonts(&ctx);
        let mut check = Some(check);
        for _ in 0..2 {
            // Fonts come in from the second frame.
            let mut out = ctx.run_ui(Default::default(), |ui| {
                if ui.ctx().cumulative_frame_nr() == 0 {
                    return;
                }
                let format = TextFormat {
                    font_id: egui::FontId::proportional(16.0),
                    ..TextFormat::default()
                };
                let mut job = LayoutJob::single_section(text.to_owned(), format.clone());
                job.wrap.max_width = width;
                let logical = ui.painter().layout_job(job);
                let (g, b) = layout(ui, text, &logical, &format, width);
                if let Some(check) = check.take() {
                    check(&g, &b);
                }
            });
            out.textures_delta.clear();
        }
    }

    fn chars_before(text: &str, needle: &str) -> usize {
        text[..text.find(needle).unwrap()].chars().count()
    }

    #[test]
    fn only_text_with_right_to_left_characters_is_reordered() {
        assert!(!needs_bidi("Macron said 北京 🇫🇷 café"));
        assert!(needs_bidi("Macron قال"));
        assert!(needs_bidi("The word שלום"));
        assert!(needs_bidi("a\u{202E}b"));
    }

    #[test]
    fn the_words_of_a_right_to_left_phrase_read_right_to_left_in_a_left_to_right_line() {
        let text = "Macron قال الرئيس said";
        with_block(text, 1000.0, |_, b| {
            assert!(!b.rtl_paragraph);
            let at = |w: &str| b.caret(chars_before(text, w)).unwrap().1;
            // The phrase's first word is on the right of its second.
            assert!(
                at("قال") > at("الرئيس"),
                "{} vs {}",
                at("قال"),
                at("الرئيس")
            );
            // And the phrase sits between the English words.
            assert!(at("Macron") < at("الرئيس") && at("قال") < at("said"));
            // The caret before a right-to-left word is at its right edge: the end of the
            // word before it in typing order is further right still (past the space).
            let end_of_first = b.caret(chars_before(text, " الرئيس")).unwrap().1;
            assert!(end_of_first < at("قال"));
        });
    }

    #[test]
    fn a_right_to_left_paragraph_sits_against_the_right_edge_with_its_words_reversed() {
        let text = "قال ماكرون إن المحادثات قد تبدأ";
        with_block(text, 800.0, |g, b| {
            assert!(b.rtl_paragraph);
            let first = b.caret(0).unwrap().1;
            let last = b.caret(text.chars().count()).unwrap().1;
            assert!(first > last, "reads from the right");
            assert!(
                (first - 800.0).abs() < 1.0,
                "starts at the right edge: {first}"
            );
            assert!(
                g.rows[0].row.visuals.mesh.vertices.len() > 40,
                "its glyphs are painted"
            );
        });
    }

    #[test]
    fn a_long_right_to_left_paragraph_wraps_into_rows_that_each_hold_their_words() {
        let word = "المحادثات ";
        let text = format!("قال {}النهاية", word.repeat(30));
        with_block(&text, 300.0, |g, b| {
            assert!(b.rows() > 3, "{} rows", b.rows());
            assert_eq!(g.rows.len(), b.rows());
            let mut next = 0;
            let chars: Vec<char> = text.chars().collect();
            for (i, r) in b.row_chars().enumerate() {
                assert_eq!(r.start, next, "row {i} follows the one before");
                next = r.end;
                // Every row's words fit (the space after its last word may hang).
                let mut words = r.clone();
                while words.end > words.start && chars[words.end - 1] == ' ' {
                    words.end -= 1;
                }
                let spans = b.spans(i, words);
                let right = spans.iter().map(|s| s.1).fold(0.0f32, f32::max);
                let left = spans.iter().map(|s| s.0).fold(f32::MAX, f32::min);
                assert!(right <= 300.5 && left >= -0.5, "row {i}: {left}..{right}");
            }
            assert_eq!(next, text.chars().count(), "every char is on a row");
            // The first word is at the top right.
            let (row, x) = b.caret(0).unwrap();
            assert_eq!(row, 0);
            assert!(x > 250.0, "{x}");
        });
    }

    #[test]
    fn brackets_in_right_to_left_text_are_mirrored() {
        assert_eq!(mirrored("(2025)"), ")2025(");
        assert_eq!(mirrored("قال"), "قال");
    }

    #[test]
    fn a_click_lands_on_the_logical_offset_under_it_and_spans_follow_the_screen() {
        let text = "Macron قال الرئيس said";
        with_block(text, 1000.0, |_, b| {
            for at in [
                0,
                chars_before(text, "قال"),
                chars_before(text, "الرئيس"),
                chars_before(text, "said"),
            ] {
                let (row, x) = b.caret(at).unwrap();
                assert_eq!(b.char_at(row, x), Some(at), "caret {at} at {x}");
            }
            // The two Arabic words, selected together, are one stretch on screen.
            let from = chars_before(text, "قال");
            let to = chars_before(text, " said");
            let spans = b.spans(0, from..to);
            assert_eq!(spans.len(), 1, "{spans:?}");
            // "Macron قال" is two stretches: Macron on the left, قال at the phrase's right.
            let spans = b.spans(0, 0..chars_before(text, " الرئيس"));
            assert_eq!(spans.len(), 2, "{spans:?}");
        });
    }
}
