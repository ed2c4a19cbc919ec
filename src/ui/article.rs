//! The article view: the document text with its annotations highlighted, laid out by egui
//! from the runs [`crate::highlight::runs`] computes. Clicking selects the innermost
//! annotation under the pointer; hovering tells what is there.

use std::sync::Arc;

use egui::text::{CCursor, LayoutJob, TextFormat};
use egui::{Galley, Response, Sense, Ui};

use crate::highlight::{Run, runs};
use crate::model::{
    Annotation, AnnotationId, ByteOffset, CharOffset, Document, Project, TextIndex,
};

use super::theme;

/// What the article view reports back.
pub struct ArticleOutput {
    /// The view's response.
    pub response: Response,
    /// The annotation clicked, if any.
    pub clicked: Option<AnnotationId>,
}

/// Builds the layout job for `doc`: one section per highlight run.
pub fn layout_job(
    project: &Project,
    doc: &Document,
    annotations: &[&Annotation],
    selected: Option<&AnnotationId>,
    ui: &Ui,
) -> (LayoutJob, Vec<Run>) {
    let spans: Vec<(std::ops::Range<usize>, usize)> = annotations
        .iter()
        .enumerate()
        .flat_map(|(i, a)| a.fragments.iter().map(move |f| (f.bytes(), i)))
        .collect();
    let runs = runs(doc.text.len(), &spans);
    let text_color = ui.visuals().text_color();
    let font = theme::article_font();
    let mut job = LayoutJob::default();
    job.wrap.max_width = ui.available_width();
    for run in &runs {
        let mut format = TextFormat {
            font_id: font.clone(),
            color: text_color,
            line_height: Some(theme::ARTICLE_FONT_SIZE * theme::ARTICLE_LINE_HEIGHT),
            ..TextFormat::default()
        };
        let tag_color = |i: usize| {
            annotations
                .get(i)
                .and_then(|a| project.schema.tag(&a.tag))
                .map(|t| t.color)
        };
        if let Some(&outer) = run.layers.first() {
            let is_selected = run
                .layers
                .iter()
                .any(|&i| annotations.get(i).map(|a| &a.id) == selected);
            if let Some(rgb) = tag_color(outer) {
                format.background = theme::fill(rgb, is_selected);
            }
            if let Some(rgb) = run
                .layers
                .last()
                .filter(|_| run.layers.len() > 1)
                .and_then(|&i| tag_color(i))
            {
                format.underline = theme::underline(rgb);
            }
        }
        if let Some(piece) = doc.text.get(run.range.clone()) {
            job.append(piece, 0.0, format);
        }
    }
    (job, runs)
}

/// The annotations under byte offset `at`, innermost (shortest) first.
pub fn annotations_at<'a>(annotations: &[&'a Annotation], at: ByteOffset) -> Vec<&'a Annotation> {
    let mut hits: Vec<&Annotation> = annotations
        .iter()
        .copied()
        .filter(|a| a.fragments.iter().any(|f| f.start <= at && at < f.end))
        .collect();
    hits.sort_by_key(|a| {
        a.fragments
            .iter()
            .map(|f| f.end.0 - f.start.0)
            .sum::<usize>()
    });
    hits
}

/// Shows the article; returns the galley so callers can scroll to an annotation.
pub fn article_ui(
    ui: &mut Ui,
    project: &Project,
    doc: &Document,
    index: &TextIndex,
    selected: Option<&AnnotationId>,
) -> (ArticleOutput, Arc<Galley>) {
    let annotations = project.annotations_of(&doc.id);
    let (job, _) = layout_job(project, doc, &annotations, selected, ui);
    let galley = ui.painter().layout_job(job);
    let (rect, response) = ui.allocate_exact_size(galley.size(), Sense::click());
    let response = response.on_hover_cursor(egui::CursorIcon::Text);
    response.widget_info(|| {
        egui::WidgetInfo::labeled(
            egui::Role::Document,
            true,
            format!("Article text: {}", doc.meta.title),
        )
    });
    ui.painter()
        .galley(rect.min, galley.clone(), ui.visuals().text_color());

    let offset_at = |pos: egui::Pos2| -> Option<ByteOffset> {
        let cursor = galley.cursor_from_pos(pos - rect.min);
        index.char_to_byte(CharOffset(cursor.index.0)).ok()
    };
    let clicked = response
        .interact_pointer_pos()
        .filter(|_| response.clicked())
        .and_then(offset_at)
        .and_then(|at| {
            annotations_at(&annotations, at)
                .first()
                .map(|a| a.id.clone())
        });
    let hovered: Vec<&Annotation> = response
        .hover_pos()
        .and_then(offset_at)
        .map(|at| annotations_at(&annotations, at))
        .unwrap_or_default();
    let response = if hovered.is_empty() {
        response
    } else {
        response.on_hover_ui(|ui| {
            for a in &hovered {
                hover_card_ui(ui, project, a);
            }
        })
    };
    (ArticleOutput { response, clicked }, galley)
}

/// Tag, entity, note and annotator of one annotation, for the hover card.
fn hover_card_ui(ui: &mut Ui, project: &Project, a: &Annotation) {
    let tag = project.schema.tag(&a.tag);
    ui.horizontal(|ui| {
        if let Some(t) = tag {
            theme::swatch_ui(ui, t.color);
        }
        ui.strong(tag.map_or(a.tag.as_str(), |t| t.label.as_str()));
        if let Some(e) = a.entity.as_ref().and_then(|e| project.entities.get(e)) {
            ui.label(format!("→ {}", e.name));
        }
    });
    if !a.note.is_empty() {
        ui.label(&a.note);
    }
    ui.weak(format!("by {}", a.annotator));
}

/// The rectangle (relative to the galley) where byte offset `at` is drawn.
pub fn rect_of(galley: &Galley, index: &TextIndex, at: ByteOffset) -> Option<egui::Rect> {
    let c = index.byte_to_char(at).ok()?;
    Some(galley.pos_from_cursor(CCursor::new(egui::text::CharIndex(c.0))))
}
