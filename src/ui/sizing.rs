//! How the frame shares its width: side panels yield to the article, and the article's lines
//! keep a readable length. The arithmetic is pure and tested without a window;
//! [`PanelWidths`] applies it to egui's panels.

use std::collections::BTreeMap;

/// The narrowest a side panel gets, in points, while the window can spare it.
pub const PANEL_MIN: f32 = 120.0;

/// The article's share of the width that side panels may not take: 40 % of the window, at
/// least 240 points (about thirty words a line) and at most 560 (where a line of the default
/// type already holds seventy characters).
pub fn article_min(window: f32) -> f32 {
    (window * 0.4).clamp(240.0, 560.0).min(window)
}

/// Each side panel's width this frame and the most it may be dragged to, given the window's
/// width and the widths the panels want (in the order given): all they want while they fit
/// beside the article's minimum, else the same fraction of it each, so no panel is squeezed
/// to nothing and the article never is; a panel may be widened into what the others leave of
/// that budget.
pub fn panel_widths(window: f32, wanted: &[f32]) -> Vec<(f32, f32)> {
    let budget = (window - article_min(window)).max(0.0);
    let total: f32 = wanted.iter().sum();
    let scale = if total > budget && total > 0.0 {
        budget / total
    } else {
        1.0
    };
    let widths: Vec<f32> = wanted.iter().map(|w| w * scale).collect();
    let sum: f32 = widths.iter().sum();
    widths
        .iter()
        .map(|&w| (w, (budget - (sum - w)).max(w)))
        .collect()
}

/// The widths the analyst gave the side panels (by dragging their edges), kept apart from
/// the narrower widths a small window forces on them for a while: egui keeps the width a
/// panel was last drawn at, so a panel narrowed for a small window would stay narrow once
/// the window grows again.
#[derive(Default)]
pub struct PanelWidths {
    wanted: BTreeMap<&'static str, f32>,
}

impl PanelWidths {
    /// The width panel `id` wants: the one the analyst dragged it to, else `preferred`.
    pub fn wanted(&self, id: &'static str, preferred: f32) -> f32 {
        self.wanted.get(id).copied().unwrap_or(preferred)
    }

    /// Before a panel is shown: sets egui's stored width to `width` (what [`panel_widths`]
    /// gives it), unless its edge is being dragged. `id` is the panel's id salt, shown in `ui`.
    pub fn before(&mut self, ui: &egui::Ui, id: &'static str, width: f32) {
        if self.dragged(ui, id) {
            return;
        }
        let panel = ui.scope_id().with(id);
        if let Some(mut state) = egui::containers::panel::PanelState::load(ui.ctx(), panel)
            && (state.outer_rect.width() - width).abs() > 0.5
        {
            state.outer_rect.set_width(width);
            ui.ctx().data_mut(|d| d.insert_persisted(panel, state));
        }
    }

    /// After it was shown at `width`: the width the analyst dragged it to is their choice.
    /// Only a drag of its edge counts: a panel's first frames, or one narrowed by the window,
    /// say nothing of what the analyst wants.
    pub fn after(&mut self, ui: &egui::Ui, id: &'static str, width: f32) {
        if self.dragged(ui, id) {
            self.wanted.insert(id, width);
        }
    }

    /// Whether panel `id`'s edge is being dragged (or was let go this frame).
    fn dragged(&self, ui: &egui::Ui, id: &'static str) -> bool {
        let handle = ui.scope_id().with(id).with("__resize");
        ui.ctx()
            .read_response(handle)
            .is_some_and(|r| r.dragged() || r.drag_stopped())
    }
}

/// The width of the article's text column: all of `available`, or at most `chars` average
/// characters of `char_width` points each (`chars == 0`: no limit).
pub fn measure(available: f32, chars: u32, char_width: f32) -> f32 {
    if chars == 0 || char_width <= 0.0 {
        return available;
    }
    available.min(chars as f32 * char_width)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCS: f32 = 240.0;
    const AGREE: f32 = 480.0;
    const COMPARE: f32 = 380.0;
    const ANNOTATIONS: f32 = 340.0;

    fn article_left(window: f32, wanted: &[f32]) -> f32 {
        window
            - panel_widths(window, wanted)
                .iter()
                .map(|(w, _)| w)
                .sum::<f32>()
    }

    #[test]
    fn panels_keep_their_widths_while_they_fit() {
        let widths = panel_widths(1600.0, &[DOCS, ANNOTATIONS]);
        assert_eq!(widths[0].0, DOCS);
        assert_eq!(widths[1].0, ANNOTATIONS);
    }

    #[test]
    fn a_panel_may_be_widened_into_what_the_others_leave() {
        // 1600 points: the article keeps 560, the panels share 1040; the documents take 240,
        // so the annotation list may grow to 800 (not just its default 340).
        let widths = panel_widths(1600.0, &[DOCS, ANNOTATIONS]);
        assert!((widths[1].1 - 800.0).abs() < 0.01, "{widths:?}");
        assert!((widths[0].1 - 700.0).abs() < 0.01, "{widths:?}");
        // Dragged to 700, it gets it, and the documents list may still be 340.
        let widths = panel_widths(1600.0, &[DOCS, 700.0]);
        assert_eq!(widths[1].0, 700.0);
        assert!((widths[0].1 - 340.0).abs() < 0.01, "{widths:?}");
    }

    #[test]
    fn agreement_beside_compare_leaves_the_article_its_share_at_1280() {
        // Before: 240 + 480 + 380 of 1280 left the article 180 points (less its margins).
        let left = article_left(1280.0, &[DOCS, AGREE, COMPARE]);
        assert!((left - 512.0).abs() < 0.01, "{left}");
        let each = panel_widths(1280.0, &[DOCS, AGREE, COMPARE]);
        assert!(
            each.iter().all(|(w, max)| *w > PANEL_MIN && max >= w),
            "{each:?}"
        );
        // In proportion to what each asked for, and none may grow: the budget is spent.
        assert!((each[1].0 / each[0].0 - AGREE / DOCS).abs() < 1e-4);
        assert!(each.iter().all(|(w, max)| (max - w).abs() < 0.01));
    }

    #[test]
    fn a_small_window_gives_the_article_at_least_240_points() {
        // Before: at 700 × 500 the article had about 110 points.
        assert!(article_left(700.0, &[DOCS, ANNOTATIONS]) >= 280.0 - 0.01);
        assert!(article_left(500.0, &[DOCS, ANNOTATIONS]) >= 240.0 - 0.01);
        assert_eq!(article_min(200.0), 200.0, "never more than the window");
    }

    #[test]
    fn lines_stop_at_the_measure_in_wide_windows_only() {
        // 80 characters of 7.7 points: 616 points.
        assert_eq!(measure(1200.0, 80, 7.7), 616.0);
        assert_eq!(measure(400.0, 80, 7.7), 400.0);
        assert_eq!(measure(1200.0, 0, 7.7), 1200.0, "0: no limit");
    }
}
