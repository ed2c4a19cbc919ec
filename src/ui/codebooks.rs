//! The codebook window (Edit › Codebooks…): every code of a codebook with how many spans and
//! links use it, its place in the hierarchy and its aliases; a code renamed, two merged (every
//! use follows, one undo step), and the spans of a code listed, each one click from its
//! article.

use egui::{RichText, ScrollArea};

use crate::model::{CodeId, CodebookId, ops};

use super::request::{Request, Requests};
use super::shared::Shared;
use super::theme;

/// The codebook window's own state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CodebookWindow {
    /// The codebook shown (`None`: the first).
    pub book: Option<CodebookId>,
    /// A code being renamed, and the name typed.
    pub rename: Option<(CodeId, String)>,
    /// A code being merged, and the code it goes into once chosen.
    pub merge: Option<(CodeId, Option<CodeId>)>,
    /// The code whose spans are listed.
    pub spans_of: Option<CodeId>,
}

impl CodebookWindow {
    /// The window over `slot` (closed: `None`).
    pub(super) fn window_ui(
        slot: &mut Option<CodebookWindow>,
        ctx: &egui::Context,
        cx: &Shared,
        out: &mut Requests,
    ) {
        let Some(state) = slot else {
            return;
        };
        let mut open = true;
        egui::Window::new("Codebooks")
            .open(&mut open)
            .default_width(560.0)
            .show(ctx, |ui| state.ui(ui, cx, out));
        if !open {
            *slot = None;
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, cx: &Shared, out: &mut Requests) {
        let books = &cx.project().codebooks;
        let Some(book) = self
            .book
            .as_ref()
            .and_then(|b| books.get(b))
            .or_else(|| books.values().next())
        else {
            ui.label("This project has no codebook: its schema codes nothing from one.");
            return;
        };
        if books.len() > 1 {
            let mut chosen = book.id.clone();
            ui.horizontal(|ui| {
                let caption = ui.label("Codebook");
                egui::ComboBox::from_id_salt("codebook shown")
                    .selected_text(&book.label)
                    .show_ui(ui, |ui| {
                        for b in books.values() {
                            ui.selectable_value(&mut chosen, b.id.clone(), &b.label);
                        }
                    })
                    .response
                    .labelled_by(caption.id);
            });
            if chosen != book.id {
                self.book = Some(chosen);
                return;
            }
        }
        if !book.definition.is_empty() {
            ui.label(RichText::new(&book.definition).color(theme::weak(ui.visuals())));
        }
        let counts = ops::code_counts(cx.project(), &book.id);
        if book.codes.is_empty() {
            ui.label(
                "No codes yet: type a name into a span's code field in the inspector and press \
                 Enter to make one.",
            );
            return;
        }
        ScrollArea::vertical().max_height(320.0).show(ui, |ui| {
            egui::Grid::new("codes").striped(true).show(ui, |ui| {
                for c in &book.codes {
                    let uses = counts.get(&c.id).copied().unwrap_or(0);
                    let path = book.path(&c.id).join(" › ");
                    ui.horizontal(|ui| {
                        if let Some(color) = c.color {
                            theme::swatch_ui(ui, color);
                        }
                        ui.label(&path).on_hover_text(if c.aliases.is_empty() {
                            c.definition.clone()
                        } else {
                            format!("{}\nalso: {}", c.definition, c.aliases.join(", "))
                        });
                    });
                    ui.label(format!("{uses} uses"));
                    let name = |verb: &str| format!("{verb} {}", c.label);
                    let button = |ui: &mut egui::Ui, text: &str, name: String| {
                        let b = ui.small_button(text);
                        b.widget_info(|| {
                            egui::WidgetInfo::labeled(egui::Role::Button, true, &name)
                        });
                        b.clicked()
                    };
                    if button(ui, "Rename…", name("Rename")) {
                        self.rename = Some((c.id.clone(), c.label.clone()));
                    }
                    if book.codes.len() > 1 && button(ui, "Merge into…", name("Merge")) {
                        self.merge = Some((c.id.clone(), None));
                    }
                    if uses > 0 && button(ui, "Spans", name("Spans of")) {
                        self.spans_of = Some(c.id.clone());
                    }
                    ui.end_row();
                }
            });
        });
        if let Some((code, typed)) = &mut self.rename {
            ui.separator();
            let r = super::widgets::labelled(ui, "New name", egui::TextEdit::singleline(typed));
            super::widgets::focus_when_shown(ui, &r);
            let enter = super::widgets::submitted(ui, &r);
            let mut done = false;
            ui.horizontal(|ui| {
                if (ui.button("Rename").clicked() || enter) && !typed.trim().is_empty() {
                    out.push(Request::RenameCode(
                        book.id.clone(),
                        code.clone(),
                        typed.trim().to_owned(),
                    ));
                    done = true;
                } else if ui.button("Cancel").clicked() {
                    done = true;
                }
            });
            if done {
                self.rename = None;
            }
        }
        if let Some((gone, keep)) = &mut self.merge {
            ui.separator();
            let gone_label = book
                .code(gone)
                .map_or(gone.as_str(), |c| c.label.as_str())
                .to_owned();
            ui.label(format!("Merge “{gone_label}” into:"));
            let shown = keep
                .as_ref()
                .and_then(|k| book.code(k))
                .map_or("choose…".to_owned(), |c| book.path(&c.id).join(" › "));
            egui::ComboBox::from_label("Code kept")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    for c in book.codes.iter().filter(|c| &c.id != gone) {
                        ui.selectable_value(keep, Some(c.id.clone()), book.path(&c.id).join(" › "));
                    }
                });
            ui.label(
                RichText::new(
                    "Every span coded with it is coded with the other; its name becomes an alias.",
                )
                .color(theme::weak(ui.visuals())),
            );
            let mut done = false;
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(keep.is_some(), egui::Button::new("Merge"))
                    .clicked()
                    && let Some(k) = keep.clone()
                {
                    out.push(Request::MergeCodes(book.id.clone(), k, gone.clone()));
                    done = true;
                } else if ui.button("Cancel").clicked() {
                    done = true;
                }
            });
            if done {
                self.merge = None;
            }
        }
        if let Some(code) = &self.spans_of {
            ui.separator();
            let ids = ops::coded_with(cx.project(), &book.id, code);
            let label = book.code(code).map_or(code.as_str(), |c| c.label.as_str());
            ui.label(RichText::new(format!("Spans coded “{label}”: {}", ids.len())).strong());
            ScrollArea::vertical()
                .id_salt("code spans")
                .max_height(200.0)
                .show(ui, |ui| {
                    for id in ids {
                        let Some(a) = cx.project().annotations.get(&id) else {
                            continue;
                        };
                        let title = cx
                            .project()
                            .document(&a.doc)
                            .map_or("", |d| d.meta.title.as_str());
                        if ui
                            .link(format!("“{}”", a.quote))
                            .on_hover_text(format!("{title} · {}", a.annotator))
                            .clicked()
                        {
                            out.push(Request::OpenSpan(id.clone()));
                        }
                    }
                });
        }
    }
}
