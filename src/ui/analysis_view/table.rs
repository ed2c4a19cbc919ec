//! A heat-shaded table of a [`Matrix`] with a totals row and column: only the cells in view
//! are laid out, painted and made clickable, so 5,000 articles × 50 codes draws as fast as
//! ten; the header row and the label column stay in place while the cells scroll.

use egui::{Align2, FontId, Rect, ScrollArea, Sense, Vec2, pos2, vec2};

use crate::matrices::{Item, Matrix, Shown};

use crate::ui::theme;

/// How the table is laid out.
pub(super) struct Layout {
    /// Matrix columns as rows (the articles of codes × articles).
    pub flip: bool,
    /// What the cells show, as the analyst reads the table (rows as shown).
    pub shown: Shown,
    /// The most height the table takes.
    pub max_height: f32,
}

const LABEL_WIDTH: f32 = 220.0;
const CELL: Vec2 = vec2(64.0, 20.0);
const HEADER: f32 = 22.0;

/// A figure as a cell shows it.
fn figure(value: Option<f64>, shown: Shown) -> String {
    match (value, shown) {
        (None, _) => "–".to_owned(),
        (Some(v), Shown::Counts) => format!("{v:.0}"),
        (Some(v), _) => format!("{v:.1}%"),
    }
}

/// The table; a click on a cell puts its (row, column) of the matrix in `picked`.
pub(super) fn table_ui(
    ui: &mut egui::Ui,
    m: &Matrix,
    layout: Layout,
    picked: &mut Option<(usize, usize)>,
) {
    let flip = layout.flip;
    let (rows, cols): (&[Item], &[Item]) = if flip {
        (&m.cols, &m.rows)
    } else {
        (&m.rows, &m.cols)
    };
    let (row_totals, col_totals) = if flip {
        (&m.col_totals, &m.row_totals)
    } else {
        (&m.row_totals, &m.col_totals)
    };
    // The matrix's own percentage for the one asked of the table as shown.
    let shown = match (flip, layout.shown) {
        (true, Shown::RowPercent) => Shown::ColPercent,
        (true, Shown::ColPercent) => Shown::RowPercent,
        (_, s) => s,
    };
    let at = |vr: usize, vc: usize| if flip { (vc, vr) } else { (vr, vc) };
    let max = match shown {
        Shown::Counts => f64::from(m.max().max(1)),
        _ => 100.0,
    };
    let (nr, nc) = (rows.len(), cols.len());
    let visuals = ui.visuals().clone();
    let font = FontId::proportional(12.5);
    ScrollArea::both()
        .id_salt("analysis table")
        .auto_shrink([false, true])
        .max_height(layout.max_height)
        .show_viewport(ui, |ui, viewport| {
            let size = vec2(
                LABEL_WIDTH + (nc + 1) as f32 * CELL.x,
                HEADER + (nr + 1) as f32 * CELL.y,
            );
            let (whole, _) = ui.allocate_exact_size(size, Sense::hover());
            let origin = whole.min;
            let span = |from: f32, to: f32, step: f32, n: usize| {
                let first = (from / step).floor().max(0.0) as usize;
                let last = ((to / step).ceil().max(0.0) as usize).min(n);
                first..last
            };
            let shown_rows = span(
                viewport.min.y - HEADER,
                viewport.max.y - HEADER,
                CELL.y,
                nr + 1,
            );
            let shown_cols = span(
                viewport.min.x - LABEL_WIDTH,
                viewport.max.x - LABEL_WIDTH,
                CELL.x,
                nc + 1,
            );
            let painter = ui.painter().clone();
            let cell_rect = |vr: usize, vc: usize| {
                Rect::from_min_size(
                    pos2(
                        origin.x + LABEL_WIDTH + vc as f32 * CELL.x,
                        origin.y + HEADER + vr as f32 * CELL.y,
                    ),
                    CELL,
                )
                .shrink(1.0)
            };
            // Cells under the header row or the label column are covered: not clickable.
            let (top, left) = (origin.y + viewport.min.y, origin.x + viewport.min.x);
            let covered = |rect: Rect| {
                rect.min.y < top + HEADER - 1.0 || rect.min.x < left + LABEL_WIDTH - 1.0
            };
            for vr in shown_rows.clone() {
                for vc in shown_cols.clone() {
                    let rect = cell_rect(vr, vc);
                    if vr == nr || vc == nc {
                        // Totals: counts, on the faint background.
                        let total = if vr == nr && vc == nc {
                            m.total
                        } else if vr == nr {
                            col_totals.get(vc).copied().unwrap_or(0)
                        } else {
                            row_totals.get(vr).copied().unwrap_or(0)
                        };
                        painter.rect_filled(rect, 2.0, visuals.faint_bg_color);
                        painter.text(
                            rect.center(),
                            Align2::CENTER_CENTER,
                            total.to_string(),
                            FontId::proportional(12.5),
                            visuals.strong_text_color(),
                        );
                        continue;
                    }
                    let (r, c) = at(vr, vc);
                    let n = m.count(r, c);
                    let value = m.value(r, c, shown);
                    let text = figure(value, shown);
                    if n > 0 {
                        let strength = value.unwrap_or(0.0) / max;
                        let (fill, ink) = theme::heat(&visuals, strength as f32);
                        painter.rect_filled(rect, 2.0, fill);
                        painter.text(
                            rect.center(),
                            Align2::CENTER_CENTER,
                            &text,
                            font.clone(),
                            ink,
                        );
                    } else {
                        painter.text(
                            rect.center(),
                            Align2::CENTER_CENTER,
                            "·",
                            font.clone(),
                            theme::weak(&visuals),
                        );
                    }
                    if *picked == Some((r, c)) {
                        painter.rect_stroke(
                            rect,
                            2.0,
                            theme::selected_stroke(&visuals),
                            egui::StrokeKind::Inside,
                        );
                    }
                    if covered(rect) {
                        continue;
                    }
                    let response =
                        ui.interact(rect, ui.scope_id().with(("cell", r, c)), Sense::click());
                    let (row, col) = (
                        m.rows.get(r).map_or("", |i| i.label.as_str()),
                        m.cols.get(c).map_or("", |i| i.label.as_str()),
                    );
                    response.widget_info(|| {
                        egui::WidgetInfo::labeled(
                            egui::Role::Button,
                            true,
                            format!("{row} × {col}: {text}"),
                        )
                    });
                    let response = response.on_hover_ui(|ui| {
                        ui.label(format!(
                            "{row} × {col}: {n} ({} of the row, {} of the column)",
                            figure(m.row_percent(r, c), Shown::RowPercent),
                            figure(m.col_percent(r, c), Shown::ColPercent),
                        ));
                    });
                    if response.clicked() {
                        *picked = Some((r, c));
                    }
                }
            }
            // The header row and the label column, over the cells that scrolled under them.
            let clip = ui.clip_rect();
            painter.rect_filled(
                Rect::from_min_max(pos2(clip.min.x, top), pos2(clip.max.x, top + HEADER)),
                0.0,
                visuals.panel_fill,
            );
            painter.rect_filled(
                Rect::from_min_max(pos2(left, clip.min.y), pos2(left + LABEL_WIDTH, clip.max.y)),
                0.0,
                visuals.panel_fill,
            );
            let text_color = visuals.text_color();
            for vc in shown_cols {
                let x = origin.x + LABEL_WIDTH + vc as f32 * CELL.x;
                let rect = Rect::from_min_size(pos2(x, top), vec2(CELL.x, HEADER)).shrink(1.0);
                let label = cols.get(vc).map_or("Total", |i| i.label.as_str());
                painter.with_clip_rect(rect.intersect(clip)).text(
                    rect.left_center(),
                    Align2::LEFT_CENTER,
                    label,
                    font.clone(),
                    text_color,
                );
                ui.interact(rect, ui.scope_id().with(("col head", vc)), Sense::hover())
                    .on_hover_text(label);
            }
            for vr in shown_rows {
                let y = origin.y + HEADER + vr as f32 * CELL.y;
                let rect =
                    Rect::from_min_size(pos2(left, y), vec2(LABEL_WIDTH, CELL.y)).shrink(1.0);
                if rect.max.y < top + HEADER {
                    continue;
                }
                let item = rows.get(vr);
                let label = item.map_or("Total", |i| i.label.as_str());
                let mut text_at = rect.left_center() + vec2(4.0, 0.0);
                if let Some(color) = item.and_then(|i| i.color) {
                    let swatch = Rect::from_center_size(
                        rect.left_center() + vec2(8.0, 0.0),
                        Vec2::splat(9.0),
                    );
                    painter.rect_filled(swatch, 2.0, theme::color(color));
                    text_at.x += 14.0;
                }
                painter.with_clip_rect(rect.intersect(clip)).text(
                    text_at,
                    Align2::LEFT_CENTER,
                    label,
                    font.clone(),
                    text_color,
                );
                ui.interact(rect, ui.scope_id().with(("row head", vr)), Sense::hover())
                    .on_hover_text(label);
            }
            painter.rect_filled(
                Rect::from_min_size(pos2(left, top), vec2(LABEL_WIDTH, HEADER)),
                0.0,
                visuals.panel_fill,
            );
        });
}
