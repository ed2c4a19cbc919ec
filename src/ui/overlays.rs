//! Windows over the workspace: the command palette (Ctrl+K), the keyboard cheat sheet (F1),
//! the preferences and the schema editor (the questions are [`super::questions`]).

use egui::{Key, RichText};

use super::commands::Command;
use super::prefs::ThemeChoice;
use super::request::{Request, Requests};
use super::shared::Shared;

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
    /// The codebook window, while open.
    pub codebooks: Option<super::codebooks::CodebookWindow>,
    /// The Analysis window (matrices, network and time chart), while open.
    pub analysis: Option<super::analysis_view::AnalysisView>,
}

impl Overlays {
    /// The palette, the cheat sheet, preferences, the schema editor and tag-all preview.
    pub(super) fn ui(&mut self, ctx: &egui::Context, cx: &Shared, out: &mut Requests) {
        self.palette_ui(ctx, cx, out);
        self.cheat_sheet_ui(ctx, cx);
        self.preferences_ui(ctx, cx, out);
        super::schema_editor::SchemaDraft::window_ui(&mut self.schema_editor, ctx, cx, out);
        super::codebooks::CodebookWindow::window_ui(&mut self.codebooks, ctx, cx, out);
    }

    fn palette_ui(&mut self, ctx: &egui::Context, cx: &Shared, out: &mut Requests) {
        let Some((mut query, mut chosen)) = self.palette.take() else {
            return;
        };
        let q = query.to_lowercase();
        let matches: Vec<(Command, String, String)> = all_commands(cx.project(), ctx)
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
            out.push(Request::Run(c));
        } else if keep {
            self.palette = Some((query, chosen));
        }
    }

    fn cheat_sheet_ui(&mut self, ctx: &egui::Context, cx: &Shared) {
        if !self.cheat_sheet {
            return;
        }
        let list = all_commands(cx.project(), ctx);
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
        self.cheat_sheet = open;
    }

    fn preferences_ui(&mut self, ctx: &egui::Context, cx: &Shared, out: &mut Requests) {
        if !self.preferences {
            return;
        }
        let mut prefs = cx.prefs.clone();
        let mut open = true;
        egui::Window::new("Preferences")
            .open(&mut open)
            .show(ctx, |ui| {
                super::widgets::labelled(
                    ui,
                    "Annotator name",
                    egui::TextEdit::singleline(&mut prefs.annotator),
                );
                ui.horizontal(|ui| {
                    ui.label("Theme:");
                    for (choice, label) in [
                        (ThemeChoice::System, "System"),
                        (ThemeChoice::Light, "Light"),
                        (ThemeChoice::Dark, "Dark"),
                    ] {
                        ui.radio_value(&mut prefs.theme, choice, label);
                    }
                });
                ui.add(egui::Slider::new(&mut prefs.view.font_size, 10.0..=32.0).text("Text size"));
                ui.add(
                    egui::Slider::new(&mut prefs.view.line_spacing, 1.0..=2.5).text("Line spacing"),
                );
                ui.add(
                    egui::Slider::new(&mut prefs.view.line_length, 0..=200)
                        .text("Longest line (characters; 0: the full width)"),
                );
                ui.checkbox(&mut prefs.view.word_snap, "Snap selections to words");
                ui.checkbox(
                    &mut prefs.view.show_labels,
                    "Show tag names on the spans (so colour is not the only cue)",
                );
                ui.checkbox(
                    &mut prefs.view.show_relations,
                    "Show every relation as a labelled arc",
                );
                ui.checkbox(&mut prefs.show_documents, "Show the document list");
                ui.checkbox(&mut prefs.show_annotations, "Show the annotation list");
                ui.checkbox(&mut prefs.show_summary, "Show the summary panel");
                ui.checkbox(&mut prefs.show_agreement, "Show the agreement panel");
            });
        if prefs.annotator.trim().is_empty() {
            prefs.annotator = super::prefs::login_name();
        }
        if prefs != *cx.prefs {
            out.push(Request::Prefs(Box::new(prefs)));
        }
        self.preferences = open;
    }
}

/// Every command with its shortcut, tags included.
fn all_commands(
    project: &crate::model::Project,
    ctx: &egui::Context,
) -> Vec<(Command, String, String)> {
    let mut list: Vec<(Command, String, String)> = project
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
            .map(|s| crate::ui::commands::shortcut_text(ctx, &s))
            .unwrap_or_default();
        (c, c.label(), keys)
    }));
    list
}
