//! Windows over the workspace: the modal questions, the command palette (Ctrl+K), the
//! keyboard cheat sheet (F1) and the preferences.

use egui::{Key, RichText, Ui};

use crate::model::ops;

use super::app::MarginaliaApp;
use super::commands::Command;
use super::dialogs::{After, Modal};
use super::prefs::ThemeChoice;

/// Takes the first paste out of this frame's events.
fn take_paste(events: &mut Vec<egui::Event>) -> Option<String> {
    let at = events
        .iter()
        .position(|e| matches!(e, egui::Event::Paste(_)))?;
    match events.remove(at) {
        egui::Event::Paste(text) => Some(text),
        _ => None,
    }
}

/// One answer button of a modal; its label is also its accessible name.
fn answer(ui: &mut Ui, label: &str) -> bool {
    ui.button(label).clicked()
}

/// The windows drawn over the frame, while open.
#[derive(Default)]
pub struct Overlays {
    /// The command palette: what is typed and the row chosen.
    pub palette: Option<(String, usize)>,
    /// The cheat sheet (F1).
    pub cheat_sheet: bool,
    /// The preferences window.
    pub preferences: bool,
    /// The schema editor's draft.
    pub schema_editor: Option<super::schema_editor::SchemaDraft>,
}

impl MarginaliaApp {
    /// The question being asked, if any, as a modal window.
    pub(super) fn modal_ui(&mut self, ui: &mut Ui) {
        let Some(modal) = self.asking.modal.clone() else {
            return;
        };
        let ctx = ui.ctx().clone();
        let mut next: Option<Option<Modal>> = None;
        // Taken, so the Esc that answers a question does not also cancel what is behind it.
        let escape = ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, Key::Escape));
        egui::Modal::new(egui::Id::unique("modal")).show(&ctx, |ui| {
            ui.set_max_width(520.0);
            match modal {
                Modal::Unsaved(after) => {
                    ui.heading("Unsaved changes");
                    ui.label("The project has changes that are not saved.");
                    ui.horizontal(|ui| {
                        if answer(ui, "Save") {
                            self.asking.modal = None;
                            self.save_and_wait();
                            if !self.is_dirty() {
                                let _ = self.then(after.clone());
                            }
                            next = Some(self.asking.modal.take());
                        }
                        if answer(ui, "Discard changes") {
                            self.discard_and(after.clone());
                            next = Some(self.asking.modal.take());
                        }
                        if answer(ui, "Cancel") || escape {
                            next = Some(None);
                        }
                    });
                }
                Modal::Recover { recovery, lines } => {
                    ui.heading("Recover unsaved work?");
                    ui.label(format!(
                        "Marginalia found autosaved work in {} that was never saved:",
                        recovery.display()
                    ));
                    for l in &lines {
                        ui.label(format!("• {l}"));
                    }
                    ui.horizontal(|ui| {
                        if answer(ui, "Recover") {
                            self.recover(&recovery);
                            next = Some(None);
                        }
                        if answer(ui, "Discard recovered work") {
                            if let Err(e) = crate::session::discard_recovery(&recovery) {
                                self.error(format!("Could not remove {}: {e}", recovery.display()));
                            }
                            next = Some(None);
                        }
                    });
                }
                Modal::ChangedOnDisk => {
                    ui.heading("The file changed on disk");
                    ui.label(
                        "Another program, instance or colleague changed the project file since \
                         it was opened. Saving now would overwrite those changes.",
                    );
                    let (theirs, mine) = self.files.conflict.clone();
                    for (lines, caption) in [
                        (&theirs, "The file on disk has what your work lacks (keeping yours drops it):"),
                        (&mine, "Your work has what the file lacks (reloading drops it):"),
                    ] {
                        if lines.is_empty() {
                            continue;
                        }
                        ui.label(caption);
                        for l in lines.iter().take(10) {
                            ui.label(format!("• {l}"));
                        }
                        if lines.len() > 10 {
                            ui.label(format!("• … and {} more", lines.len() - 10));
                        }
                    }
                    ui.label("Merging takes what the file has into your work and loses neither.");
                    ui.horizontal_wrapped(|ui| {
                        if answer(ui, "Merge theirs into mine…") {
                            // The merge preview of the file on disk; Save then writes both.
                            if let Some(p) = self.ws.path().cloned() {
                                self.open_merge_from(p);
                            }
                            next = Some(None);
                        }
                        if answer(ui, "Reload from disk (drop my changes)") {
                            self.reload();
                            next = Some(None);
                        }
                        if answer(ui, "Keep mine (overwrite)") {
                            if let Some(p) = self.ws.path().cloned() {
                                self.write(&p);
                            }
                            next = Some(None);
                        }
                        if answer(ui, "Save as…") {
                            self.asking.modal = None;
                            self.save_as();
                            next = Some(self.asking.modal.take());
                        }
                        if answer(ui, "Cancel") || escape {
                            next = Some(None);
                        }
                    });
                }
                Modal::Locked {
                    holder,
                    path,
                    for_save,
                } => {
                    ui.heading("The project is open elsewhere");
                    ui.label(format!("{} is locked by {holder}.", path.display()));
                    ui.label("Working on it here too risks one of you overwriting the other.");
                    ui.horizontal(|ui| {
                        let go = if for_save { "Save anyway" } else { "Open anyway" };
                        if answer(ui, go) {
                            self.asking.modal = None;
                            if for_save {
                                self.steal_and_write(&path);
                            } else {
                                self.open_path(path.clone(), true);
                            }
                            next = Some(self.asking.modal.take());
                        }
                        if answer(ui, "Cancel") || escape {
                            // Opened at start-up on a locked file: keep nothing tied to it,
                            // or our autosave would write beside the other instance's.
                            if !for_save && self.ws.path().map(std::path::PathBuf::as_path) == Some(path.as_path()) {
                                let project = crate::model::Project::clone(self.ws.project());
                                self.replace_project(project, None);
                                self.notify("Not tied to the locked file: Save as to keep this work.");
                            }
                            next = Some(None);
                        }
                    });
                }
                Modal::Annotator(mut name) => {
                    ui.heading("Who is annotating?");
                    ui.label("Your annotations are kept in a layer under this name.");
                    let r = super::widgets::labelled(ui, "Annotator name", egui::TextEdit::singleline(&mut name));
                    super::widgets::focus_when_shown(ui, &r);
                    let enter = super::widgets::submitted(ui, &r);
                    if enter && name.trim().is_empty() {
                        r.request_focus();
                    }
                    if (answer(ui, "Start annotating") || enter) && !name.trim().is_empty() {
                        self.prefs.annotator = name.trim().to_owned();
                        next = Some(None);
                        self.asking.modal = None;
                        self.check_recovery();
                        if self.asking.modal.is_some() {
                            next = Some(self.asking.modal.take());
                        }
                    } else {
                        next = Some(Some(Modal::Annotator(name)));
                    }
                }
                Modal::Paste {
                    mut title,
                    mut text,
                    mut awaiting_clipboard,
                } => {
                    ui.heading("New article from pasted text");
                    // The clipboard's text, asked for when the dialog opened, is the article
                    // (taken before the fields see it, so it never lands in the title);
                    // once the analyst typed either, pastes go where the focus is (with an empty
                    // clipboard nothing arrives, and a title typed first keeps its pastes).
                    awaiting_clipboard &= text.is_empty() && title.is_empty();
                    if awaiting_clipboard
                        && let Some(pasted) = ui.input_mut(|i| take_paste(&mut i.events))
                    {
                        awaiting_clipboard = false;
                        text = pasted;
                    }
                    let r = super::widgets::labelled(ui, "Article title", egui::TextEdit::singleline(&mut title).hint_text("Title"));
                    super::widgets::focus_when_shown(ui, &r);
                    let enter = super::widgets::submitted(ui, &r);
                    let label = ui.label("Article text");
                    egui::ScrollArea::vertical().max_height(300.0).show(ui, |ui| {
                        ui.add(
                            egui::TextEdit::multiline(&mut text)
                                .desired_rows(10)
                                .desired_width(f32::INFINITY),
                        )
                        .labelled_by(label.id);
                    });
                    next = Some(Some(Modal::Paste {
                        title: title.clone(),
                        text: text.clone(),
                        awaiting_clipboard,
                    }));
                    ui.horizontal(|ui| {
                        if (answer(ui, "Add article") || enter) && self.add_pasted(&title, &text) {
                            next = Some(None);
                        }
                        if answer(ui, "Cancel") || escape {
                            next = Some(None);
                        }
                    });
                }
                Modal::GoTo(mut target) => {
                    ui.heading("Go to position");
                    let r = super::widgets::labelled(
                        ui,
                        "Line, line:column or #offset",
                        egui::TextEdit::singleline(&mut target).hint_text("12, 12:5 or #340"),
                    );
                    super::widgets::focus_when_shown(ui, &r);
                    next = Some(Some(Modal::GoTo(target.clone())));
                    let enter = super::widgets::submitted(ui, &r);
                    ui.horizontal(|ui| {
                        if answer(ui, "Go") || enter {
                            match self.go_to(&target) {
                                Ok(()) => next = Some(None),
                                Err(e) => {
                                    self.error(e);
                                    r.request_focus();
                                }
                            }
                        }
                        if answer(ui, "Cancel") || escape {
                            next = Some(None);
                        }
                    });
                }
                Modal::Metadata(doc_id, mut meta) => {
                    ui.heading("Article details");
                    let field = |ui: &mut Ui, label: &str, value: &mut Option<String>| {
                        let mut s = value.clone().unwrap_or_default();
                        super::widgets::labelled(ui, label, egui::TextEdit::singleline(&mut s));
                        *value = Some(s.trim().to_owned()).filter(|s| !s.is_empty());
                    };
                    super::widgets::labelled(ui, "Title", egui::TextEdit::singleline(&mut meta.title));
                    field(ui, "Source", &mut meta.source);
                    field(ui, "Author", &mut meta.author);
                    field(ui, "Published (YYYY, YYYY-MM or YYYY-MM-DD)", &mut meta.published);
                    field(ui, "URL", &mut meta.url);
                    next = Some(Some(Modal::Metadata(doc_id.clone(), meta.clone())));
                    ui.horizontal(|ui| {
                        if answer(ui, "Save details") {
                            let edit = ops::set_document_meta(self.ws.project(), &doc_id, meta.clone());
                            if self.apply("Edit details", edit) {
                                next = Some(None);
                            }
                        }
                        if answer(ui, "Cancel") || escape {
                            next = Some(None);
                        }
                    });
                }
                Modal::MergeEntities { mut keep, mut gone } => {
                    ui.heading("Merge two entities");
                    ui.label("Mentions of the second become mentions of the first; its names become aliases.");
                    let entities: Vec<_> = self
                        .ws.project()
                        .entities
                        .values()
                        .map(|e| (e.id.clone(), e.name.clone()))
                        .collect();
                    for (label, slot) in [("Keep", &mut keep), ("Merge into it", &mut gone)] {
                        let shown = slot
                            .as_ref()
                            .and_then(|id| entities.iter().find(|(e, _)| e == id))
                            .map_or("choose…", |(_, n)| n.as_str())
                            .to_owned();
                        egui::ComboBox::from_label(label)
                            .selected_text(shown)
                            .show_ui(ui, |ui| {
                                for (id, name) in &entities {
                                    ui.selectable_value(slot, Some(id.clone()), name);
                                }
                            });
                    }
                    if let Some(g) = &gone
                        && keep.as_ref() != Some(g)
                        && let Some((n, place)) =
                            self.in_other_layers(|a| a.entity.as_ref() == Some(g))
                    {
                        let (verb, it) = if n == 1 { ("is", "it moves") } else { ("are", "they move") };
                        ui.label(format!(
                            "{n} of its mentions {verb} {place}: {it} too."
                        ));
                    }
                    next = Some(Some(Modal::MergeEntities {
                        keep: keep.clone(),
                        gone: gone.clone(),
                    }));
                    ui.horizontal(|ui| {
                        let ready = keep.is_some() && gone.is_some() && keep != gone;
                        if ui.add_enabled(ready, egui::Button::new("Merge")).clicked()
                            && let (Some(k), Some(g)) = (&keep, &gone)
                        {
                            let edit =
                                ops::merge_entities(self.ws.project(), k, g, jiff::Timestamp::now());
                            if self.apply("Merge entities", edit) {
                                next = Some(None);
                            }
                        }
                        if answer(ui, "Cancel") || escape {
                            next = Some(None);
                        }
                    });
                }
                Modal::EditLayer(layer) => {
                    ui.heading(format!("Change {layer}'s annotations?"));
                    ui.label(format!(
                        "{layer}'s layer is their work. What you change stays in their layer, \
                         marked as changed by you, and shows as theirs in comparisons and \
                         agreement. To settle differences, review them in the compare view \
                         (Ctrl+Shift+D) instead."
                    ));
                    ui.horizontal(|ui| {
                        if answer(ui, &format!("Edit {layer}'s layer")) {
                            self.open_layer(&layer);
                            next = Some(None);
                        }
                        if answer(ui, "Cancel") || escape {
                            next = Some(None);
                        }
                    });
                }
                Modal::DeleteTag { tag, uses } => {
                    ui.heading("Delete a tag in use?");
                    ui.label(format!(
                        "{uses} annotations are tagged {tag}. Deleting the tag deletes them too \
                         (when you apply the schema; Ctrl+Z brings them back)."
                    ));
                    if let Some((n, place)) = self.in_other_layers(|a| a.tag == tag) {
                        let verb = if n == 1 { "is" } else { "are" };
                        ui.label(format!("{n} of them {verb} {place}: deleted there too."));
                    }
                    ui.horizontal(|ui| {
                        if answer(ui, "Delete tag and its annotations") {
                            self.confirm_delete_tag(&tag);
                            next = Some(None);
                        }
                        if answer(ui, "Keep the tag") || escape {
                            next = Some(None);
                        }
                    });
                }
            }
        });
        if let Some(n) = next {
            self.asking.modal = n;
        }
    }

    /// Drops unsaved work (and its autosave) once what was waiting has happened; if it did
    /// not (an Open cancelled or failed), the work stays, still unsaved, with its autosave.
    fn discard_and(&mut self, after: After) {
        // An autosave being written would put the recovery file back after it is deleted.
        self.finish_job();
        let recovery = self.recovery_path();
        let quitting = after == After::Quit;
        if quitting {
            // Mark it settled first, so the close is not asked about again.
            self.ws.mark_settled();
        }
        if self.then(after)
            && let Some(r) = recovery
        {
            let _ = crate::session::discard_recovery(&r);
        }
    }

    /// The palette, the cheat sheet, preferences, the schema editor and tag-all preview.
    pub(super) fn overlays_ui(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        self.palette_ui(&ctx);
        self.cheat_sheet_ui(&ctx);
        self.preferences_ui(&ctx);
        self.schema_editor_ui(&ctx);
        self.tag_all_ui(&ctx);
        self.export_ui(&ctx);
        self.import_ui(&ctx);
        self.merge_ui(&ctx);
    }

    /// Every command with its shortcut, tags included.
    fn all_commands(&self, ctx: &egui::Context) -> Vec<(Command, String, String)> {
        let mut list: Vec<(Command, String, String)> = self
            .ws
            .project()
            .schema
            .tags
            .iter()
            .enumerate()
            .map(|(i, t)| {
                (
                    Command::Tag(i),
                    format!("Tag as {}", t.label),
                    t.key.clone().unwrap_or_default(),
                )
            })
            .collect();
        list.extend(Command::FIXED.iter().map(|&c| {
            let keys = c
                .shortcut()
                .map(|s| super::commands::shortcut_text(ctx, &s))
                .unwrap_or_default();
            (c, c.label(), keys)
        }));
        list
    }

    fn palette_ui(&mut self, ctx: &egui::Context) {
        let Some((mut query, mut chosen)) = self.overlays.palette.take() else {
            return;
        };
        let q = query.to_lowercase();
        let matches: Vec<(Command, String, String)> = self
            .all_commands(ctx)
            .into_iter()
            .filter(|(_, label, _)| {
                q.split_whitespace()
                    .all(|w| label.to_lowercase().contains(w))
            })
            .collect();
        chosen = chosen.min(matches.len().saturating_sub(1));
        let mut run = None;
        let mut keep = true;
        egui::Modal::new(egui::Id::unique("palette")).show(ctx, |ui| {
            ui.set_width(480.0);
            let r = super::widgets::labelled(
                ui,
                "Command",
                egui::TextEdit::singleline(&mut query).hint_text("Type a command…"),
            );
            super::widgets::focus_when_shown(ui, &r);
            ui.input_mut(|i| {
                if i.consume_key(egui::Modifiers::NONE, Key::ArrowDown) {
                    chosen = (chosen + 1).min(matches.len().saturating_sub(1));
                }
                if i.consume_key(egui::Modifiers::NONE, Key::ArrowUp) {
                    chosen = chosen.saturating_sub(1);
                }
                if i.consume_key(egui::Modifiers::NONE, Key::Enter) {
                    run = matches.get(chosen).map(|(c, _, _)| *c);
                }
                if i.consume_key(egui::Modifiers::NONE, Key::Escape) {
                    keep = false;
                }
            });
            egui::ScrollArea::vertical()
                .max_height(360.0)
                .show(ui, |ui| {
                    for (n, (c, label, keys)) in matches.iter().enumerate() {
                        let button = egui::Button::selectable(n == chosen, label.as_str())
                            .shortcut_text(keys.as_str());
                        if ui.add(button).clicked() {
                            run = Some(*c);
                        }
                    }
                });
        });
        if let Some(c) = run {
            self.run(c, ctx);
        } else if keep {
            self.overlays.palette = Some((query, chosen));
        }
    }

    fn cheat_sheet_ui(&mut self, ctx: &egui::Context) {
        if !self.overlays.cheat_sheet {
            return;
        }
        let list = self.all_commands(ctx);
        let mut open = true;
        egui::Window::new("Keyboard cheat sheet")
            .open(&mut open)
            .default_width(520.0)
            .show(ctx, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    egui::Grid::new("keys").striped(true).show(ui, |ui| {
                        for (label, keys) in [
                            ("Move the caret", "←/→ (Ctrl: by word), ↑/↓, Home/End"),
                            ("Extend the selection", "Shift + the caret keys"),
                            ("Select a word / sentence", "double-click / triple-click"),
                            ("Character precision while dragging", "hold Alt"),
                            ("Cycle stacked annotations", "click again"),
                        ] {
                            ui.label(label);
                            ui.label(RichText::new(keys).monospace());
                            ui.end_row();
                        }
                        for (_, label, keys) in &list {
                            if keys.is_empty() {
                                continue;
                            }
                            ui.label(label);
                            ui.label(RichText::new(keys).monospace());
                            ui.end_row();
                        }
                    });
                });
            });
        self.overlays.cheat_sheet = open;
    }

    fn preferences_ui(&mut self, ctx: &egui::Context) {
        if !self.overlays.preferences {
            return;
        }
        let mut open = true;
        egui::Window::new("Preferences")
            .open(&mut open)
            .show(ctx, |ui| {
                super::widgets::labelled(
                    ui,
                    "Annotator name",
                    egui::TextEdit::singleline(&mut self.prefs.annotator),
                );
                ui.horizontal(|ui| {
                    ui.label("Theme:");
                    for (choice, label) in [
                        (ThemeChoice::System, "System"),
                        (ThemeChoice::Light, "Light"),
                        (ThemeChoice::Dark, "Dark"),
                    ] {
                        ui.radio_value(&mut self.prefs.theme, choice, label);
                    }
                });
                ui.add(
                    egui::Slider::new(&mut self.prefs.view.font_size, 10.0..=32.0)
                        .text("Text size"),
                );
                ui.add(
                    egui::Slider::new(&mut self.prefs.view.line_spacing, 1.0..=2.5)
                        .text("Line spacing"),
                );
                ui.add(
                    egui::Slider::new(&mut self.prefs.view.line_length, 0..=200)
                        .text("Longest line (characters; 0: the full width)"),
                );
                ui.checkbox(&mut self.prefs.view.word_snap, "Snap selections to words");
                ui.checkbox(
                    &mut self.prefs.view.show_labels,
                    "Show tag names on the spans (so colour is not the only cue)",
                );
                ui.checkbox(
                    &mut self.prefs.view.show_relations,
                    "Show every relation as a labelled arc",
                );
                ui.checkbox(&mut self.prefs.show_documents, "Show the document list");
                ui.checkbox(&mut self.prefs.show_annotations, "Show the annotation list");
                ui.checkbox(&mut self.prefs.show_summary, "Show the summary panel");
                ui.checkbox(&mut self.prefs.show_agreement, "Show the agreement panel");
            });
        if self.prefs.annotator.trim().is_empty() {
            self.prefs.annotator = super::prefs::login_name();
        }
        self.overlays.preferences = open;
    }
}
