//! The window: documents on the left, the article in the centre, its annotations on the
//! right, a menu bar and a status bar.

use std::path::PathBuf;

use egui::{Panel, RichText, ScrollArea, Ui};

use crate::model::{AnnotationId, Project, TextIndex};
use crate::store;

use super::article::{article_ui, rect_of};
use super::theme;

/// The state of one window.
pub struct MarginaliaApp {
    project: Project,
    /// Where the project lives; `None` for the bundled sample.
    path: Option<PathBuf>,
    /// Index of the document shown.
    doc: usize,
    selected: Option<AnnotationId>,
    /// Scroll the article to the selected annotation on the next frame.
    scroll_to_selected: bool,
    /// Offset index of the document shown, rebuilt when the document changes.
    index: Option<(usize, TextIndex)>,
    /// The last error or notice, shown in the status bar.
    message: Option<String>,
}

impl MarginaliaApp {
    /// A window on `project`, read from `path` (`None`: the bundled sample).
    pub fn new(project: Project, path: Option<PathBuf>) -> Self {
        MarginaliaApp {
            project,
            path,
            doc: 0,
            selected: None,
            scroll_to_selected: false,
            index: None,
            message: None,
        }
    }

    /// The project shown.
    pub fn project(&self) -> &Project {
        &self.project
    }

    /// The file the project was read from.
    pub fn path(&self) -> Option<&PathBuf> {
        self.path.as_ref()
    }

    /// Index of the document shown.
    pub fn current_document(&self) -> usize {
        self.doc
    }

    /// The selected annotation.
    pub fn selected(&self) -> Option<&AnnotationId> {
        self.selected.as_ref()
    }

    /// Draws the whole window.
    pub fn ui(&mut self, ui: &mut Ui) {
        Panel::top("menu").show(ui, |ui| self.menu_ui(ui));
        Panel::bottom("status").show(ui, |ui| self.status_ui(ui));
        Panel::left("documents")
            .resizable(true)
            .default_size(240.0)
            .show(ui, |ui| self.documents_ui(ui));
        Panel::right("annotations")
            .resizable(true)
            .default_size(320.0)
            .show(ui, |ui| self.annotations_ui(ui));
        egui::CentralPanel::default_margins().show(ui, |ui| self.article_panel_ui(ui));
    }

    fn menu_ui(&mut self, ui: &mut Ui) {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui
                    .button("Open…")
                    .on_hover_text("Open a project file (.ron)")
                    .clicked()
                {
                    self.open_dialog();
                }
                if ui.button("Quit").clicked() {
                    ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
                }
            });
            ui.separator();
            for tag in &self.project.schema.tags {
                let key = tag
                    .key
                    .as_deref()
                    .map(|k| format!("{k} "))
                    .unwrap_or_default();
                theme::swatch_ui(ui, tag.color);
                ui.label(
                    RichText::new(format!("{key}{}", tag.label)).color(theme::color(tag.color)),
                )
                .on_hover_text(&tag.definition);
            }
        });
    }

    fn open_dialog(&mut self) {
        let Some(path) = rfd::FileDialog::new()
            .add_filter("Marginalia project", &["ron"])
            .pick_file()
        else {
            return;
        };
        match store::load(&path) {
            Ok(project) => {
                *self = MarginaliaApp::new(project, Some(path));
            }
            Err(e) => self.message = Some(e.to_string()),
        }
    }

    fn status_ui(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            let file = self.path.as_ref().map_or_else(
                || format!("{} (bundled sample)", crate::sample::SAMPLE_NAME),
                |p| p.display().to_string(),
            );
            ui.label(file);
            ui.separator();
            ui.label(format!(
                "{} documents · {} annotations · {} relations · {} entities",
                self.project.documents.len(),
                self.project.annotations.len(),
                self.project.relations.len(),
                self.project.entities.len()
            ));
            if let Some(message) = &self.message {
                ui.separator();
                ui.colored_label(ui.visuals().warn_fg_color, message);
            }
        });
    }

    fn documents_ui(&mut self, ui: &mut Ui) {
        ui.heading("Documents");
        // One pass over the annotations, not one per document.
        let mut counts: std::collections::HashMap<&crate::model::DocId, usize> =
            std::collections::HashMap::new();
        for a in self.project.annotations.values() {
            *counts.entry(&a.doc).or_default() += 1;
        }
        ScrollArea::vertical().show(ui, |ui| {
            for (i, doc) in self.project.documents.iter().enumerate() {
                let count = counts.get(&doc.id).copied().unwrap_or(0);
                let mut details = Vec::new();
                details.extend(doc.meta.source.clone());
                details.extend(doc.meta.published.clone());
                details.push(format!("{count} annotations"));
                let response = ui.add(
                    egui::Button::selectable(
                        i == self.doc,
                        RichText::new(&doc.meta.title).strong(),
                    )
                    .wrap(),
                );
                ui.label(
                    RichText::new(details.join(" · "))
                        .small()
                        .color(theme::weak(ui.visuals())),
                );
                ui.add_space(6.0);
                if response.clicked() && i != self.doc {
                    self.doc = i;
                    self.selected = None;
                }
            }
        });
    }

    fn annotations_ui(&mut self, ui: &mut Ui) {
        ui.heading("Annotations");
        let Some(doc) = self.project.documents.get(self.doc) else {
            return;
        };
        let annotations = self.project.annotations_of(&doc.id);
        ui.label(
            RichText::new(format!("{} in this document", annotations.len()))
                .color(theme::weak(ui.visuals())),
        );
        ScrollArea::vertical().show(ui, |ui| {
            for a in annotations {
                let tag = self.project.schema.tag(&a.tag);
                let is_selected = self.selected.as_ref() == Some(&a.id);
                ui.horizontal(|ui| {
                    if let Some(t) = tag {
                        theme::swatch_ui(ui, t.color).on_hover_text(&t.label);
                    }
                    let response = ui
                        .add(egui::Button::selectable(is_selected, &a.quote).wrap())
                        .on_hover_text(tag.map_or("", |t| t.definition.as_str()));
                    if response.clicked() {
                        self.selected = Some(a.id.clone());
                        self.scroll_to_selected = true;
                    }
                });
                let mut details = Vec::new();
                if let Some(e) = a.entity.as_ref().and_then(|e| self.project.entities.get(e)) {
                    details.push(format!("→ {}", e.name));
                }
                for r in self.project.relations_of(&a.id) {
                    let (other, kind) = if r.from == a.id {
                        (&r.to, r.kind.as_str())
                    } else {
                        (&r.from, r.kind.as_str())
                    };
                    let label = self
                        .project
                        .schema
                        .relation(&r.kind)
                        .map_or(kind, |k| k.label.as_str());
                    // "said by → Macron" on the claim; "said by ← the claim" on the actor.
                    let arrow = if r.from == a.id { "→" } else { "←" };
                    if let Some(o) = self.project.annotations.get(other) {
                        details.push(format!("{label} {arrow} {}", o.quote));
                    }
                }
                if !a.note.is_empty() {
                    details.push(format!("note: {}", a.note));
                }
                if !details.is_empty() {
                    ui.indent(&a.id, |ui| {
                        for d in details {
                            ui.label(RichText::new(d).small().color(theme::weak(ui.visuals())));
                        }
                    });
                }
            }
        });
    }

    fn article_panel_ui(&mut self, ui: &mut Ui) {
        let Some(doc) = self.project.documents.get(self.doc) else {
            ui.centered_and_justified(|ui| {
                ui.label("This project has no documents yet: add articles with `marginalia add`.")
            });
            return;
        };
        if self.index.as_ref().map(|(i, _)| *i) != Some(self.doc) {
            self.index = Some((self.doc, TextIndex::new(&doc.text)));
        }
        let Some((_, index)) = &self.index else {
            return;
        };
        ScrollArea::vertical().auto_shrink(false).show(ui, |ui| {
            ui.heading(&doc.meta.title);
            let meta: Vec<String> = [
                &doc.meta.source,
                &doc.meta.author,
                &doc.meta.published,
                &doc.meta.url,
            ]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
            if !meta.is_empty() {
                ui.label(RichText::new(meta.join(" · ")).color(theme::weak(ui.visuals())));
            }
            ui.add_space(8.0);
            let top = ui.cursor().min;
            let (output, galley) =
                article_ui(ui, &self.project, doc, index, self.selected.as_ref());
            if let Some(id) = output.clicked {
                self.selected = Some(id);
            } else if output.response.clicked() {
                self.selected = None;
            }
            if self.scroll_to_selected {
                self.scroll_to_selected = false;
                let start = self
                    .selected
                    .as_ref()
                    .and_then(|id| self.project.annotations.get(id))
                    .map(|a| a.start());
                if let Some(rect) = start.and_then(|s| rect_of(&galley, index, s)) {
                    ui.scroll_to_rect(rect.translate(top.to_vec2()), Some(egui::Align::Center));
                }
            }
        });
    }
}

impl eframe::App for MarginaliaApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        MarginaliaApp::ui(self, ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if let Some(path) = &self.path {
            storage.set_string(super::LAST_PROJECT_KEY, path.display().to_string());
        }
    }
}
