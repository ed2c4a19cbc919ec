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

/// The widest each side panel may be, given the window's width and the panels' preferred
/// widths in the order given: all of its preferred width while they fit beside the article's
/// minimum, else the same fraction of it each, so no panel is squeezed to nothing and the
/// article never is.
pub fn panel_max(window: f32, preferred: &[f32]) -> Vec<f32> {
    let budget = (window - article_min(window)).max(0.0);
    let wanted: f32 = preferred.iter().sum();
    let scale = if wanted > budget && wanted > 0.0 {
        budget / wanted
    } else {
        1.0
    };
    preferred.iter().map(|p| p * scale).collect()
}

/// What a side panel should be this frame: the width the analyst last gave it (or its
/// preferred width), within what the window allows now. egui keeps the width a panel was
/// last drawn at, so a panel narrowed for a small window would stay narrow once the window
/// grows again; this gives it back.
pub fn restored(drawn: f32, wanted: f32, max: f32) -> Option<f32> {
    let target = wanted.min(max);
    ((drawn - target).abs() > 0.5 && drawn < target).then_some(target)
}

/// The widths the analyst gave the side panels, kept apart from the narrower widths a small
/// window forces on them for a while.
#[derive(Default)]
pub struct PanelWidths {
    wanted: BTreeMap<&'static str, f32>,
}

impl PanelWidths {
    /// Before a panel is shown: widens egui's stored width back toward the wanted one, as far
    /// as `max` allows. `id` is the panel's id salt, shown in `ui`.
    pub fn before(&mut self, ui: &egui::Ui, id: &'static str, preferred: f32, max: f32) {
        let wanted = *self.wanted.entry(id).or_insert(preferred);
        let panel = ui.scope_id().with(id);
        if let Some(mut state) = egui::containers::panel::PanelState::load(ui.ctx(), panel)
            && let Some(width) = restored(state.outer_rect.width(), wanted, max)
        {
            state.outer_rect.set_width(width);
            ui.ctx().data_mut(|d| d.insert_persisted(panel, state));
        }
    }

    /// After it was shown at `width`: the width the analyst dragged it to (below the limit)
    /// is their choice. Only a drag of its edge counts: a panel's first frames, or one
    /// narrowed by the window, say nothing of what the analyst wants.
    pub fn after(&mut self, ui: &egui::Ui, id: &'static str, width: f32, max: f32) {
        let handle = ui.scope_id().with(id).with("__resize");
        let dragged = ui
            .ctx()
            .read_response(handle)
            .is_some_and(|r| r.dragged() || r.drag_stopped());
        if dragged && width < max - 0.5 {
            self.wanted.insert(id, width);
        }
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

    fn article_left(window: f32, preferred: &[f32]) -> f32 {
        window - panel_max(window, preferred).iter().sum::<f32>()
    }

    #[test]
    fn panels_keep_their_widths_while_they_fit() {
        assert_eq!(
            panel_max(1600.0, &[DOCS, ANNOTATIONS]),
            vec![DOCS, ANNOTATIONS]
        );
    }

    #[test]
    fn agreement_beside_compare_leaves_the_article_its_share_at_1280() {
        // Before: 240 + 480 + 380 of 1280 left the article 180 points (less its margins).
        let left = article_left(1280.0, &[DOCS, AGREE, COMPARE]);
        assert!((left - 512.0).abs() < 0.01, "{left}");
        let each = panel_max(1280.0, &[DOCS, AGREE, COMPARE]);
        assert!(each.iter().all(|w| *w > PANEL_MIN), "{each:?}");
        // In proportion to what each asked for.
        assert!((each[1] / each[0] - AGREE / DOCS).abs() < 1e-4);
    }

    #[test]
    fn a_small_window_gives_the_article_at_least_240_points() {
        // Before: at 700 × 500 the article had about 110 points.
        assert!(article_left(700.0, &[DOCS, ANNOTATIONS]) >= 280.0 - 0.01);
        assert!(article_left(500.0, &[DOCS, ANNOTATIONS]) >= 240.0 - 0.01);
        assert_eq!(article_min(200.0), 200.0, "never more than the window");
    }

    #[test]
    fn a_panel_narrowed_by_a_small_window_widens_again_with_it() {
        // Narrowed to 174 at 700 points; the window is wide again and allows 340.
        assert_eq!(restored(174.0, 340.0, 340.0), Some(340.0));
        // Allowed only part of the way back.
        assert_eq!(restored(174.0, 340.0, 250.0), Some(250.0));
        // As wanted, or wider than wanted (being dragged wider): left alone.
        assert_eq!(restored(340.0, 340.0, 400.0), None);
        assert_eq!(restored(380.0, 340.0, 400.0), None);
    }

    #[test]
    fn lines_stop_at_the_measure_in_wide_windows_only() {
        // 80 characters of 7.7 points: 616 points.
        assert_eq!(measure(1200.0, 80, 7.7), 616.0);
        assert_eq!(measure(400.0, 80, 7.7), 400.0);
        assert_eq!(measure(1200.0, 0, 7.7), 1200.0, "0: no limit");
    }
}
