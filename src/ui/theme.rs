//! Look as data: every colour and size the window uses comes from here or from the schema.

use egui::{Color32, FontId, Stroke};

use crate::model::Rgb;

/// Size of article text in points.
pub const ARTICLE_FONT_SIZE: f32 = 16.0;
/// Extra space between article lines, as a factor of the font size.
pub const ARTICLE_LINE_HEIGHT: f32 = 1.45;
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

/// The underline marking an inner annotation tagged with `rgb`.
pub fn underline(rgb: Rgb) -> Stroke {
    Stroke::new(NESTED_UNDERLINE, color(rgb))
}

/// The article's font.
pub fn article_font() -> FontId {
    FontId::proportional(ARTICLE_FONT_SIZE)
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
