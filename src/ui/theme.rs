//! Look as data: every colour and size the window uses comes from here or from the schema.

use egui::{Color32, Stroke};

use crate::model::Rgb;

/// Size of article text in points.
pub const ARTICLE_FONT_SIZE: f32 = 16.0;
/// Extra space between article lines, as a factor of the font size.
pub const ARTICLE_LINE_HEIGHT: f32 = 1.45;
/// The longest article line, in average characters: about what print and WCAG's 1.4.8 (80
/// at most) call comfortable.
pub const ARTICLE_LINE_LENGTH: u32 = 80;
/// Width of the underline that marks an inner (nested or overlapping) annotation.
pub const NESTED_UNDERLINE: f32 = 2.5;

/// A tag colour as an egui colour.
pub fn color(rgb: Rgb) -> Color32 {
    Color32::from_rgb(rgb.0, rgb.1, rgb.2)
}

/// The translucent fill behind text tagged with `rgb`; stronger when selected.
pub fn fill(rgb: Rgb, selected: bool) -> Color32 {
    let alpha = if selected { 150 } else { 70 };
    Color32::from_rgba_unmultiplied(rgb.0, rgb.1, rgb.2, alpha)
}

/// Muted colour for secondary text (metadata, counts).
pub fn weak(visuals: &egui::Visuals) -> Color32 {
    visuals.weak_text_color()
}

/// A small square in a tag's colour, as a legend or list marker.
pub fn swatch_ui(ui: &mut egui::Ui, rgb: Rgb) -> egui::Response {
    let size = egui::Vec2::splat(ui.text_style_height(&egui::TextStyle::Body) * 0.7);
    let (rect, response) = ui.allocate_exact_size(size, egui::Sense::hover());
    ui.painter().rect_filled(rect, 2.0, color(rgb));
    response
}

/// Search hits behind the text; the current one stronger.
pub fn search_hit(visuals: &egui::Visuals, current: bool) -> Color32 {
    let base = if visuals.dark_mode {
        Color32::from_rgb(200, 170, 40)
    } else {
        Color32::from_rgb(255, 214, 0)
    };
    base.gamma_multiply(if current { 0.9 } else { 0.4 })
}

/// The colour of an agreement outcome in the span list: agreed spans in the ordinary text
/// colour, boundary differences in the warning colour, spans one annotator alone has in the
/// error colour.
pub fn outcome(visuals: &egui::Visuals, outcome: crate::review::behind::Outcome) -> Color32 {
    use crate::review::behind::Outcome;
    match outcome {
        Outcome::Same => visuals.text_color(),
        Outcome::Overlap => visuals.warn_fg_color,
        Outcome::OnlyFirst | Outcome::OnlySecond => visuals.error_fg_color,
    }
}

/// The text selection's fill.
pub fn selection(visuals: &egui::Visuals) -> Color32 {
    visuals.selection.bg_fill.gamma_multiply(0.6)
}

/// The band under the text for a nested or overlapping annotation; thicker when selected.
pub fn band(rgb: Rgb, selected: bool) -> Stroke {
    let width = if selected {
        NESTED_UNDERLINE + 1.5
    } else {
        NESTED_UNDERLINE
    };
    Stroke::new(width, color(rgb))
}

/// The outline around the selected annotation.
pub fn selected_stroke(visuals: &egui::Visuals) -> Stroke {
    Stroke::new(1.5, visuals.strong_text_color())
}

/// The outline of an annotation being resized, before it is committed.
pub fn preview_stroke(visuals: &egui::Visuals) -> Stroke {
    Stroke::new(1.5, visuals.selection.stroke.color)
}

/// The outline of an annotation linked to the selected one.
pub fn link_stroke(color: Color32) -> Stroke {
    Stroke::new(1.5, color)
}

/// The thread drawn from the selected claim to each annotation it is linked to.
pub fn thread(color: Color32) -> Stroke {
    Stroke::new(1.0, color.gamma_multiply(0.7))
}

/// The colour that marks a kind of difference in the compare view (legend, list and tint).
/// Agreement, the common case, is a neutral grey so the eye goes to the differences; the
/// others are Okabe–Ito colours (told apart with every common kind of colour blindness) that
/// the default tags (blue, orange, green) do not use.
pub fn diff_color(kind: crate::review::DiffKind) -> Color32 {
    use crate::review::DiffKind;
    match kind {
        DiffKind::Agree => Color32::from_rgb(150, 150, 150),
        DiffKind::Boundary => Color32::from_rgb(240, 228, 66),
        DiffKind::Label => Color32::from_rgb(213, 94, 0),
        DiffKind::Missing => Color32::from_rgb(204, 121, 167),
    }
}

/// The soft tint behind a difference in the article; faint for agreement and once settled.
pub fn diff_tint(kind: crate::review::DiffKind, settled: bool) -> Color32 {
    let strength = match (kind, settled) {
        (_, true) => 0.06,
        (crate::review::DiffKind::Agree, false) => 0.10,
        _ => 0.30,
    };
    diff_color(kind).gamma_multiply(strength)
}

/// Width of a compared annotator's band above or below the text.
pub const COMPARE_BAND: f32 = 2.0;

/// The band that draws a compared annotator's annotation in its tag's colour.
pub fn compare_band(rgb: Rgb) -> Stroke {
    Stroke::new(COMPARE_BAND, color(rgb))
}

/// The outline around the current difference.
pub fn current_difference(visuals: &egui::Visuals) -> Stroke {
    Stroke::new(2.0, visuals.strong_text_color())
}
