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

/// The least contrast the article's text keeps on anything behind it: WCAG 2's 4.5:1 for
/// body text (success criterion 1.4.3, level AA).
pub const MIN_CONTRAST: f32 = 4.5;

/// The article's text colour: stronger than egui's body text, whose grey 140 on the dark
/// panel (5.1:1) falls under 4.5:1 on every tag's fill.
pub fn article_text(visuals: &egui::Visuals) -> Color32 {
    if visuals.dark_mode {
        Color32::from_gray(225)
    } else {
        Color32::from_gray(25)
    }
}

/// The background the article is painted on.
pub fn article_background(visuals: &egui::Visuals) -> Color32 {
    visuals.panel_fill
}

/// WCAG 2 relative luminance of an opaque colour.
fn luminance(c: Color32) -> f32 {
    let lin = |v: u8| {
        let v = f32::from(v) / 255.0;
        if v <= 0.039_28 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c.r()) + 0.7152 * lin(c.g()) + 0.0722 * lin(c.b())
}

/// WCAG 2 contrast ratio of two opaque colours (1 to 21).
pub fn contrast(a: Color32, b: Color32) -> f32 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// `tint` (premultiplied, as egui keeps colours) laid over the opaque `bg`, blended as the
/// painter blends: in gamma space.
pub fn over(tint: Color32, bg: Color32) -> Color32 {
    let keep = 1.0 - f32::from(tint.a()) / 255.0;
    let mix = |t: u8, b: u8| (f32::from(t) + f32::from(b) * keep).round().min(255.0) as u8;
    Color32::from_rgb(
        mix(tint.r(), bg.r()),
        mix(tint.g(), bg.g()),
        mix(tint.b(), bg.b()),
    )
}

/// `rgb` at the largest alpha up to `want` that keeps the article's text readable on it
/// (at least [`MIN_CONTRAST`]), so any colour an analyst gives a tag stays legible.
fn readable(visuals: &egui::Visuals, rgb: Rgb, want: u8) -> Color32 {
    let (text, bg) = (article_text(visuals), article_background(visuals));
    let tint = |a: u8| Color32::from_rgba_unmultiplied(rgb.0, rgb.1, rgb.2, a);
    let ok = |a: u8| contrast(text, over(tint(a), bg)) >= MIN_CONTRAST;
    if ok(want) {
        return tint(want);
    }
    // The contrast only falls as the tint gets stronger: the largest alpha that passes.
    let (mut lo, mut hi) = (0u8, want);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if ok(mid) { lo = mid } else { hi = mid }
    }
    tint(lo)
}

/// The translucent fill behind text tagged with `rgb`; stronger when selected, never so
/// strong that the text on it falls under [`MIN_CONTRAST`]. Remembered per colour and theme,
/// as the article asks for it for every span it paints, every frame.
pub fn fill(visuals: &egui::Visuals, rgb: Rgb, selected: bool) -> Color32 {
    type Key = ([u8; 3], bool, Color32, Color32);
    thread_local! {
        static FILLS: std::cell::RefCell<std::collections::HashMap<Key, Color32>> =
            std::cell::RefCell::default();
    }
    let key = (
        [rgb.0, rgb.1, rgb.2],
        selected,
        article_text(visuals),
        article_background(visuals),
    );
    FILLS.with(|cache| {
        *cache
            .borrow_mut()
            .entry(key)
            .or_insert_with(|| readable(visuals, rgb, if selected { 150 } else { 70 }))
    })
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

/// A neutral tint (no hue, so no tag's colour) of `strength` (0–1): lighter than the panel
/// in the dark theme, darker in the light one.
/// A neutral tint (no hue, so no tag's colour) of `strength` (0–1) that moves what is under
/// it away from the text's colour: darker in the dark theme, lighter in the light one. Laid
/// over a tag's fill it can only raise the text's contrast, so the selection and the current
/// hit keep what [`fill`] guarantees.
fn neutral(visuals: &egui::Visuals, strength: f32) -> Color32 {
    let alpha = (strength * 255.0).round() as u8;
    if visuals.dark_mode {
        Color32::from_rgba_unmultiplied(0, 0, 0, alpha)
    } else {
        Color32::from_rgba_unmultiplied(255, 255, 255, alpha)
    }
}

/// A search hit: an outline in the text's colour, which no tag's fill or band looks like.
pub fn search_hit(visuals: &egui::Visuals) -> Stroke {
    Stroke::new(1.5, article_text(visuals).gamma_multiply(0.8))
}

/// The current search hit: a neutral tint and a strong outline.
pub fn current_hit(visuals: &egui::Visuals) -> (Color32, Stroke) {
    (
        neutral(visuals, 0.5),
        Stroke::new(2.5, article_text(visuals)),
    )
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

/// The text selection: a neutral tint and a dashed outline in the text's colour (egui's blue
/// selection looked like an actor's fill). The tint alone could not show on a plain panel
/// without taking contrast from the text on a fill; the outline shows it everywhere.
pub fn selection(visuals: &egui::Visuals) -> (Color32, Stroke) {
    (
        neutral(visuals, 0.45),
        Stroke::new(1.0, article_text(visuals).gamma_multiply(0.8)),
    )
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
        DiffKind::Values => Color32::from_rgb(86, 180, 233),
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

/// The hue of the Analysis view's heat-shaded cells (the palette's blue, Okabe–Ito).
const HEAT: Rgb = crate::model::PALETTE[0];

/// A heat-shaded cell at `strength` (0 to 1 of the table's largest value): the fill, and
/// black or white text, whichever contrasts more with it, so a figure stays legible at every
/// shade in both themes.
pub fn heat(visuals: &egui::Visuals, strength: f32) -> (Color32, Color32) {
    let alpha = (30.0 + 225.0 * strength.clamp(0.0, 1.0)).round() as u8;
    let tint = Color32::from_rgba_unmultiplied(HEAT.0, HEAT.1, HEAT.2, alpha);
    let fill = over(tint, visuals.panel_fill);
    let text = if contrast(Color32::WHITE, fill) >= contrast(Color32::BLACK, fill) {
        Color32::WHITE
    } else {
        Color32::BLACK
    };
    (fill, text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PALETTE;
    use crate::review::DiffKind;

    fn themes() -> [egui::Visuals; 2] {
        [egui::Visuals::dark(), egui::Visuals::light()]
    }

    #[test]
    fn the_article_text_keeps_aa_contrast_on_every_tint_in_both_themes() {
        for v in themes() {
            let (text, bg) = (article_text(&v), article_background(&v));
            let mut tints: Vec<(String, Color32)> = vec![
                ("panel".into(), Color32::TRANSPARENT),
                ("selection".into(), selection(&v).0),
                ("current hit".into(), current_hit(&v).0),
            ];
            for rgb in PALETTE
                .iter()
                .chain(&[Rgb(255, 255, 255), Rgb(0, 0, 0), Rgb(255, 0, 0)])
            {
                for selected in [false, true] {
                    tints.push((
                        format!("{rgb:?} selected {selected}"),
                        fill(&v, *rgb, selected),
                    ));
                }
            }
            for kind in DiffKind::ALL {
                for settled in [false, true] {
                    tints.push((
                        format!("{kind:?} settled {settled}"),
                        diff_tint(kind, settled),
                    ));
                }
            }
            // Each tint alone, and with the selection or the current hit laid over it.
            let overlays = [
                ("", Color32::TRANSPARENT),
                (" under the selection", selection(&v).0),
                (" under the current hit", current_hit(&v).0),
            ];
            for (name, tint) in tints {
                for (over_name, overlay) in overlays {
                    let on = over(overlay, over(tint, bg));
                    let ratio = contrast(text, on);
                    assert!(
                        ratio >= MIN_CONTRAST,
                        "{} theme: text on {name}{over_name} is {ratio:.2}:1",
                        if v.dark_mode { "dark" } else { "light" }
                    );
                }
            }
        }
    }

    #[test]
    fn the_selection_and_search_hits_have_no_hue_a_tag_could_have() {
        for v in themes() {
            for c in [selection(&v).0, current_hit(&v).0] {
                assert!(c.r() == c.g() && c.g() == c.b(), "{c:?} is grey");
            }
            let hit = search_hit(&v).color;
            assert!(hit.r() == hit.g() && hit.g() == hit.b());
            // The selection is told apart from the current hit by the outline the hit has.
            assert!(current_hit(&v).1.width > 0.0);
        }
    }

    #[test]
    fn contrast_matches_wcag_examples() {
        assert!((contrast(Color32::BLACK, Color32::WHITE) - 21.0).abs() < 0.01);
        assert!((contrast(Color32::from_gray(118), Color32::WHITE) - 4.54).abs() < 0.02);
        // Half-transparent white over black is grey 128 in gamma space.
        assert_eq!(
            over(
                Color32::from_rgba_unmultiplied(255, 255, 255, 128),
                Color32::BLACK
            )
            .r(),
            128
        );
    }
}
