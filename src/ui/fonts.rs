//! Fonts shipped in `assets/fonts/` so that any text an analyst pastes is drawn: egui's own
//! fonts first, then DejaVu Sans (symbols, arrows, Greek, Cyrillic, Arabic, Hebrew), egui's
//! monochrome emoji, and Droid Sans Fallback (Chinese, Japanese, Korean).

use std::sync::Arc;

use egui::{FontData, FontDefinitions, FontFamily};

const DEJAVU_SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const DROID_SANS_FALLBACK: &[u8] = include_bytes!("../../assets/fonts/DroidSansFallbackFull.ttf");

/// egui's default fonts with the shipped fallbacks appended to both families.
pub fn font_definitions() -> FontDefinitions {
    let mut fonts = FontDefinitions::default();
    for (name, bytes) in [
        ("DejaVuSans", DEJAVU_SANS),
        ("DroidSansFallback", DROID_SANS_FALLBACK),
    ] {
        fonts
            .font_data
            .insert(name.to_owned(), Arc::new(FontData::from_static(bytes)));
        for family in [FontFamily::Proportional, FontFamily::Monospace] {
            fonts
                .families
                .entry(family)
                .or_default()
                .push(name.to_owned());
        }
    }
    fonts
}

/// Installs the fonts; they take effect from the next frame.
pub fn install_fonts(ctx: &egui::Context) {
    ctx.set_fonts(font_definitions());
}
