//! The centre of the window: the article view with its header and search bar, what a click,
//! an edge drag or the context menu on the text does.

use egui::Ui;

use crate::model::{ByteOffset, ops};

use super::app::MarginaliaApp;
use super::article::ArticleInput;
use super::commands::Command;

impl MarginaliaApp {
    pub(super) fn article_panel_ui(&mut self, ui: &mut Ui) {
        if self.selection.doc < self.ws.project().documents.len() {
            // Header and search bar line up with the text column below them.
            let (margin, width) = self.prefs.view.column(ui.ctx(), ui.available_width());
            ui.horizontal(|ui| {
                ui.add_space(margin);
                ui.vertical(|ui| {
                    ui.set_max_width(width);
                    self.article_header_ui(ui);
                    self.search_bar_ui(ui);
                });
            });
        }
        // Showing the reviewed result: the reviewed layer alone, as outside compare mode.
        let comparison = self.comparison().filter(|_| !self.showing_result());
        let shown = self.shown_layers();
        let Some(doc) = self.ws.project().documents.get(self.selection.doc) else {
            ui.centered_and_justified(|ui| {
                ui.label(
                    "This project has no articles yet: File › Add articles…, drop files on \
                     the window, or paste text (Ctrl+Shift+V).",
                )
            });
            return;
        };
        let linked = self.linked();
        let hits: Vec<std::ops::Range<ByteOffset>> = self.search.hits_in(doc);
        let input = ArticleInput {
            project: self.ws.project(),
            doc,
            version: self.ws.version(),
            layers: shown.as_deref(),
            selected: self.selection.annotation.as_ref(),
            linked: &linked,
            hits: &hits,
            current_hit: self
                .search
                .current_in(doc)
                .and_then(|c| hits.iter().position(|h| *h == c)),
            settings: self.prefs.view,
            keyboard: self.asking.modal.is_none(),
            compare: comparison.as_deref().map(|c| super::article::CompareInput {
                comparison: c,
                current: self.current_difference(),
                hide_settled: self.review.compare.as_ref().is_some_and(|s| s.hide_settled),
            }),
        };
        let out = self.view.show(ui, &input, &mut self.selection.text);
        if let Some(at) = out.clicked_at
            && comparison.is_some()
        {
            self.compare_clicked(at);
        }
        if let Some(clicked) = out.clicked {
            match (&self.selection.linking, clicked) {
                (Some(_), Some(target)) => self.finish_link(&target),
                (Some(_), None) => {}
                (None, id) => {
                    self.commit_note_draft();
                    self.details.entity_query.clear();
                    self.details.note_draft = None;
                    self.selection.annotation = id;
                }
            }
        }
        if let Some((id, fragments)) = out.resized {
            let edit = ops::resize(self.ws.project(), &id, fragments, jiff::Timestamp::now());
            self.change_annotation("Resize", &id, edit);
        }
        if let Some(response) = out.response {
            response.context_menu(|ui| self.context_menu_ui(ui));
        }
    }

    fn context_menu_ui(&mut self, ui: &mut Ui) {
        let tags: Vec<(usize, String, String)> = self
            .ws
            .project()
            .schema
            .tags
            .iter()
            .enumerate()
            .map(|(i, t)| (i, t.label.clone(), t.definition.clone()))
            .collect();
        let verb = if self.selection.text.is_empty() {
            "Retag as"
        } else {
            "Tag as"
        };
        for (i, label, definition) in tags {
            if ui
                .button(format!("{verb} {label}"))
                .on_hover_text(definition)
                .clicked()
            {
                self.run(Command::Tag(i), ui.ctx());
                ui.close();
            }
        }
        ui.separator();
        for c in [
            Command::StartLink,
            Command::Delete,
            Command::Copy,
            Command::ExtendToSentence,
        ] {
            if ui.button(c.label()).clicked() {
                self.run(c, ui.ctx());
                ui.close();
            }
        }
    }
}
