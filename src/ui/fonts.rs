//! Fonts shipped in `assets/fonts/` so that any text an analyst pastes is drawn: egui's own
//! fonts first, then DejaVu Sans (symbols, arrows, Greek, Cyrillic, Arabic, Hebrew), egui's
//! monochrome emoji, and Droid Sans Fallback (Chinese, Japanese, Korean).
//!
//! Colour emoji come from the system's colour emoji font when it has one (Noto Color Emoji on
//! Linux, Apple Color Emoji on macOS, Segoe UI Emoji on Windows; or the file named by
//! `MARGINALIA_EMOJI_FONT`): egui 0.37 draws `COLR`, `sbix` and `CBDT` glyphs, so flags,
//! skin tones and joined sequences such as a family show as one coloured picture each. It
//! goes before egui's monochrome emoji, which remain for a system without one. The font is
//! not shipped: Noto Color Emoji alone is 11 MB.

use std::sync::Arc;

use egui::{FontData, FontDefinitions, FontFamily};

const DEJAVU_SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const DROID_SANS_FALLBACK: &[u8] = include_bytes!("../../assets/fonts/DroidSansFallbackFull.ttf");

/// Where systems keep their colour emoji font, most likely first.
const EMOJI_FONTS: &[&str] = &[
    "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf",
    "/usr/share/fonts/noto/NotoColorEmoji.ttf",
    "/usr/share/fonts/google-noto-emoji/NotoColorEmoji.ttf",
    "/usr/share/fonts/google-noto-color-emoji-fonts/NotoColorEmoji.ttf",
    "/usr/share/fonts/TTF/NotoColorEmoji.ttf",
    "/usr/local/share/fonts/NotoColorEmoji.ttf",
    "/System/Library/Fonts/Apple Color Emoji.ttc",
    "C:\\Windows\\Fonts\\seguiemj.ttf",
];

/// The system's colour emoji font, if it has one: the file named by
/// `MARGINALIA_EMOJI_FONT`, else the first of [`EMOJI_FONTS`] that can be read.
fn colour_emoji() -> Option<Vec<u8>> {
    let named = std::env::var_os("MARGINALIA_EMOJI_FONT").map(std::path::PathBuf::from);
    named
        .into_iter()
        .chain(EMOJI_FONTS.iter().map(std::path::PathBuf::from))
        .find_map(|p| std::fs::read(p).ok())
}

/// The text font alone (egui's first proportional font), to ask whether it has a glyph.
pub const TEXT_ONLY: &str = "text only";

/// The family that draws a letter with combining marks the text font lacks: DejaVu Sans
/// (which has them all) first, then the usual chain. egui keeps a grapheme cluster in its
/// base letter's font, so "q" with a combining breve would lose the breve in the text font.
pub const MARKS: &str = "marks";

/// Whether `c` is a combining diacritical mark of the blocks Latin, Greek and Cyrillic text
/// uses (whose base letters the text font has).
pub fn is_combining_mark(c: char) -> bool {
    matches!(u32::from(c), 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// egui's default fonts with the shipped fallbacks appended to both families, and the
/// system's colour emoji font, if any, before egui's monochrome emoji.
pub fn font_definitions() -> FontDefinitions {
    let mut fonts = font_definitions_without_colour_emoji();
    if let Some(bytes) = colour_emoji() {
        fonts.font_data.insert(
            "ColourEmoji".to_owned(),
            Arc::new(FontData::from_owned(bytes)),
        );
        let family = fonts.families.entry(FontFamily::Proportional).or_default();
        // Right after the text font: before egui's monochrome emoji.
        let at = family.len().min(1);
        family.insert(at, "ColourEmoji".to_owned());
    }
    fonts
}

/// egui's default fonts with the shipped fallbacks appended to both families.
pub fn font_definitions_without_colour_emoji() -> FontDefinitions {
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
    let proportional = fonts
        .families
        .get(&FontFamily::Proportional)
        .cloned()
        .unwrap_or_default();
    fonts.families.insert(
        FontFamily::Name(TEXT_ONLY.into()),
        proportional.iter().take(1).cloned().collect(),
    );
    let mut marks = vec!["DejaVuSans".to_owned()];
    marks.extend(proportional.into_iter().filter(|f| f != "DejaVuSans"));
    fonts.families.insert(FontFamily::Name(MARKS.into()), marks);
    fonts
}

/// Installs the fonts; they take effect from the next frame.
pub fn install_fonts(ctx: &egui::Context) {
    ctx.set_fonts(font_definitions());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `family` has a glyph for `c`, in the shipped fonts.
    fn has_glyph(family: &FontFamily, c: char) -> bool {
        let ctx = egui::Context::default();
        ctx.set_fonts(font_definitions_without_colour_emoji());
        let mut out = ctx.run_ui(Default::default(), |_| {});
        out.textures_delta.clear();
        ctx.fonts_mut(|f| f.has_glyph(&egui::FontId::new(16.0, family.clone()), c))
    }

    /// The glyphs egui lays `text` out with in `family`, in the fonts installed (shipped
    /// only: a test must not depend on the machine's own fonts).
    fn glyphs(text: &str, family: &FontFamily) -> Vec<egui::epaint::text::Glyph> {
        let ctx = egui::Context::default();
        ctx.set_fonts(font_definitions_without_colour_emoji());
        let mut found = Vec::new();
        for frame in 0..2 {
            let mut out = ctx.run_ui(Default::default(), |ui| {
                if frame == 0 {
                    return;
                }
                let job = egui::text::LayoutJob::simple_singleline(
                    text.to_owned(),
                    egui::FontId::new(16.0, family.clone()),
                    egui::Color32::WHITE,
                );
                let galley = ui.painter().layout_job(job);
                found = galley
                    .rows
                    .iter()
                    .flat_map(|r| r.row.glyphs.clone())
                    .collect();
            });
            out.textures_delta.clear();
        }
        found
    }

    /// The ink of `text`: the atlas places of its glyphs that have any.
    fn ink(text: &str, family: &FontFamily) -> Vec<(usize, [u16; 2], [u16; 2])> {
        glyphs(text, family)
            .into_iter()
            .enumerate()
            .filter(|(_, g)| !g.uv_rect.is_nothing())
            .map(|(i, g)| (i, g.uv_rect.min, g.uv_rect.max))
            .collect()
    }

    #[test]
    fn a_combining_mark_the_text_font_lacks_is_drawn_in_the_marks_family() {
        let text_only = FontFamily::Name(TEXT_ONLY.into());
        let marks = FontFamily::Name(MARKS.into());
        for (base, mark) in [
            ('q', '\u{306}'),
            ('a', '\u{306}'),
            ('x', '\u{301}'),
            ('s', '\u{323}'),
        ] {
            let text = format!("{base}{mark}");
            // In the text font the cluster stays with its letter's font, which lacks it:
            // nothing but the letter is drawn.
            if !has_glyph(&text_only, mark) {
                let lost = ink(&text, &text_only);
                assert!(lost.len() <= 1, "{text}: {lost:?}");
            }
            // In the marks family the mark has ink, on its own or composed into the letter.
            let alone = ink(&base.to_string(), &marks);
            let marked = ink(&text, &marks);
            assert!(
                marked.len() > alone.len() || marked != alone,
                "U+{:04X} on {base} leaves no trace: {marked:?}",
                u32::from(mark)
            );
        }
    }

    #[test]
    fn every_script_of_the_quality_bar_has_a_font() {
        let ctx = egui::Context::default();
        ctx.set_fonts(font_definitions_without_colour_emoji());
        let mut out = ctx.run_ui(Default::default(), |_| {});
        out.textures_delta.clear();
        let font = egui::FontId::proportional(16.0);
        // Korean, Thai, Devanagari and the rest come from the system's fonts (eframe's
        // system font provider), which a test must not depend on.
        for text in [
            "Ελλάδα",
            "Україна",
            "قال",
            "שלום",
            "北京",
            "日本語",
            "かなカナ",
            "😀",
        ] {
            assert!(
                ctx.fonts_mut(|f| f.has_glyphs(&font, text)),
                "{text} has a font"
            );
        }
    }
}
