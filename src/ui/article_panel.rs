//! The centre of the window: the article view with its header and search bar; what a click,
//! an edge drag or the context menu on the text asks for.

use egui::Ui;

use crate::model::{AnnotationId, ByteOffset};

use super::article::{ArticleInput, ArticleView, CompareInput};
use super::commands::Command;
use super::request::{Request, Requests};
use super::search_ui::SearchState;
use super::shared::Shared;

/// The article panel's own state: the view (its layout, the drawn layers, the scroll
/// position) and the search bar above it.
#[derive(Default)]
pub struct ArticlePanel {
    /// The article view.
    pub view: ArticleView,
    /// The search bar and its hits.
    pub search: SearchState,
}

/// What the article panel reads besides [`Shared`].
pub struct ArticleFrame<'a> {
    /// The layers shown (`None`: every layer).
    pub shown: Option<&'a [String]>,
    /// The compare view's differences to draw, when comparing (not showing the result).
    pub compare: Option<CompareInput<'a>>,
    /// Whether the article takes the keyboard (no question is being asked).
    pub keyboard: bool,
}

impl ArticlePanel {
    /// The article shown, with its header and search bar.
    pub(super) fn ui(&mut self, ui: &mut Ui, cx: &Shared, input: ArticleFrame, out: &mut Requests) {
        if cx.selection.doc < cx.project().documents.len() {
            // Header and search bar line up with the text column below them.
            let (margin, width) = cx.prefs.view.column(ui.ctx(), ui.available_width());
            ui.horizontal(|ui| {
                ui.add_space(margin);
                ui.vertical(|ui| {
                    ui.set_max_width(width);
                    super::panels::article_header_ui(ui, cx, out);
                    self.search.bar_ui(ui, cx, out);
                });
            });
        }
        let Some(doc) = cx.project().documents.get(cx.selection.doc) else {
            ui.centered_and_justified(|ui| {
                ui.label(
                    "This project has no articles yet: File › Add articles…, drop files on \
                     the window, or paste text (Ctrl+Shift+V).",
                )
            });
            return;
        };
        let linked = linked(cx);
        let hits: Vec<std::ops::Range<ByteOffset>> = self.search.hits_in(doc);
        let comparing = input.compare.is_some();
        let article = ArticleInput {
            project: cx.project(),
            doc,
            version: cx.ws.version(),
            layers: input.shown,
            selected: cx.selection.annotation.as_ref(),
            linked: &linked,
            hits: &hits,
            current_hit: self
                .search
                .current_in(doc)
                .and_then(|c| hits.iter().position(|h| *h == c)),
            settings: cx.prefs.view,
            keyboard: input.keyboard,
            compare: input.compare,
        };
        let mut text = cx.selection.text;
        let shown = self.view.show(ui, &article, &mut text);
        if text != cx.selection.text {
            out.push(Request::SelectText(text));
        }
        if let Some(at) = shown.clicked_at
            && comparing
        {
            out.push(Request::CompareClicked(at));
        }
        if let Some(clicked) = shown.clicked {
            match (&cx.selection.linking, clicked) {
                (Some(_), Some(target)) => out.push(Request::FinishLink(target)),
                (Some(_), None) => {}
                (None, id) => out.push(Request::Pick(id)),
            }
        }
        if let Some((id, fragments)) = shown.resized {
            out.push(Request::Resize(id, fragments));
        }
        if let Some(response) = shown.response {
            response.context_menu(|ui| context_menu_ui(ui, cx, out));
        }
    }
}

/// The annotations linked to the selected one.
fn linked(cx: &Shared) -> Vec<AnnotationId> {
    let Some(id) = &cx.selection.annotation else {
        return Vec::new();
    };
    cx.project()
        .relations_of(id)
        .map(|r| {
            if &r.from == id {
                r.to.clone()
            } else {
                r.from.clone()
            }
        })
        .collect()
}

/// The text's context menu: tag or retag, and the commands on a span.
fn context_menu_ui(ui: &mut Ui, cx: &Shared, out: &mut Requests) {
    let verb = if cx.selection.text.is_empty() {
        "Retag as"
    } else {
        "Tag as"
    };
    for (i, t) in cx.project().schema.tags.iter().enumerate() {
        if ui
            .button(format!("{verb} {}", t.label))
            .on_hover_text(&t.definition)
            .clicked()
        {
            out.push(Request::Run(Command::Tag(i)));
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
            out.push(Request::Run(c));
            ui.close();
        }
    }
}
