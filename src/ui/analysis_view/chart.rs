//! The time chart: the rows with most statements as grouped bars per period (egui_plot),
//! "(undated)" last; a click on a bar picks its cell, listing the spans behind it.

use std::cmp::Reverse;

use egui_plot::{Bar, BarChart, Legend, Plot};

use crate::matrices::Matrix;
use crate::model::PALETTE;
use crate::ui::theme;

/// The most rows drawn as bars (the table below has them all).
const MOST: usize = 8;

/// The chart of `m`, rows as series and columns as periods.
pub(super) fn chart_ui(
    ui: &mut egui::Ui,
    m: &Matrix,
    height: f32,
    picked: &mut Option<(usize, usize)>,
) {
    let total = |r: usize| m.row_totals.get(r).copied().unwrap_or(0);
    let mut order: Vec<usize> = (0..m.rows.len()).filter(|&r| total(r) > 0).collect();
    order.sort_by_key(|&r| Reverse(total(r)));
    let left_out = order.len().saturating_sub(MOST);
    order.truncate(MOST);
    if order.is_empty() {
        return;
    }
    let k = order.len();
    let width = 0.8 / k as f64;
    let offset = |i: usize| (i as f64 - (k - 1) as f64 / 2.0) * width;
    let charts: Vec<BarChart> = order
        .iter()
        .enumerate()
        .map(|(i, &r)| {
            let item = &m.rows[r];
            let color = theme::color(item.color.unwrap_or(PALETTE[i % PALETTE.len()]));
            let bars = (0..m.cols.len())
                .filter_map(|c| {
                    let n = m.count(r, c);
                    (n > 0).then(|| {
                        Bar::new(c as f64 + offset(i), f64::from(n))
                            .width(width * 0.95)
                            .name(format!("{} · {}", item.label, m.cols[c].label))
                            .fill(color)
                    })
                })
                .collect();
            BarChart::new(item.label.clone(), bars).color(color)
        })
        .collect();
    let labels: Vec<String> = m.cols.iter().map(|c| c.label.clone()).collect();
    let response = Plot::new("analysis chart")
        .height(height)
        .legend(Legend::default())
        .allow_scroll(false)
        .allow_zoom(false)
        .allow_drag(false)
        .include_y(0.0)
        .y_axis_label("statements")
        .x_axis_formatter(move |mark, _| {
            let v = mark.value;
            if (v - v.round()).abs() < 1e-6 && v >= 0.0 {
                labels.get(v.round() as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .show(ui, |plot| {
            for chart in charts {
                plot.bar_chart(chart);
            }
            plot.pointer_coordinate()
        });
    if response.response.clicked()
        && let Some(at) = response.inner
    {
        let c = at.x.round();
        let i = ((at.x - c) / width + (k - 1) as f64 / 2.0).round();
        if c >= 0.0 && i >= 0.0 {
            let (c, i) = (c as usize, i as usize);
            if let Some(&r) = order.get(i)
                && m.count(r, c) > 0
                && at.y <= f64::from(m.count(r, c))
            {
                *picked = Some((r, c));
            }
        }
    }
    if left_out > 0 {
        ui.label(
            egui::RichText::new(format!(
                "The {MOST} rows with most statements are drawn; {left_out} more are in the table."
            ))
            .color(theme::weak(ui.visuals())),
        );
    }
}
