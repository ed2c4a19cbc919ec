//! The window's state and frame: documents on the left, the article in the centre, the
//! annotations of the article on the right, a menu bar, a tag toolbar and a status bar.
//!
//! Every change to the project goes through [`MarginaliaApp::apply`] (or undo and redo), so
//! it is undoable, bumps the version the views cache against, and marks the project unsaved.

use std::path::PathBuf;
use std::time::Instant;

use egui::{Panel, Ui};

use crate::model::{AnnotationId, Edit, EditError, Project, RelationKindId, ops};
use crate::workspace::{Change, Workspace};

use super::article::{ArticleView, TextSel};
use super::article_panel::ArticlePanel;
use super::commands::{self, Command};
use super::dialogs::{FileDialogs, Modal};
use super::prefs::Prefs;
use super::search_ui::SearchState;
use super::shared::Shared;

/// What the panels read ([`Shared`]), borrowed field by field so that a panel's own state
/// can be borrowed mutably beside it.
macro_rules! shared {
    ($app:ident, $layers:expr) => {
        Shared {
            ws: &$app.ws,
            selection: &$app.selection,
            prefs: &$app.prefs,
            protection: &$app.protection,
            comparing: $app.review.compare.is_some(),
            layers: $layers,
        }
    };
}

/// The state of one window: the workspace, what is selected, what is derived from the
/// project, and one struct of its own state per panel or window.
pub struct MarginaliaApp {
    /// The project, its history, file, saved state and saves.
    pub(super) ws: Workspace,
    /// The document shown, the annotation and text selected, the field focused next, a link
    /// being made.
    pub(super) selection: super::selection::Selection,
    /// What the panels show that is derived from the project, cached against its version.
    pub(super) derived: super::derived::Derived,
    /// The analyst's preferences (annotator, theme, recent files, line length).
    pub(super) prefs: Prefs,
    /// The question asked, the last notice, and the file dialogs.
    pub(super) asking: super::dialogs::Asking,
    /// The window's own state: focus, closing, a file changed on disk, panel widths.
    pub(super) window: super::run::WindowState,
    /// Other layers opened for editing, and blind coding for this run.
    pub(super) protection: super::protect::Protection,
    /// Which layer the article shows outside the compare view.
    pub(super) shown_layer: super::layer_choice::LayerChoice,
    /// The article panel: the view (layout, drawn layers, scroll position) and search bar.
    pub(super) article: ArticlePanel,
    /// The document list: its filter and row heights.
    pub(super) doc_list: super::panels::DocumentList,
    /// The annotation list's filter and the selected annotation's drafts.
    pub(super) details: super::inspector::Details,
    /// The summary panel: what it summarises, for which layer, and the summary.
    pub(super) summary: super::summary_panel::SummaryPanel,
    /// Reviewing colleagues' layers: the agreement panel and the compare view.
    pub(super) review: super::compare::Review,
    /// The Export, Import and Merge windows.
    pub(super) transfer: super::transfer::Transfer,
    /// The windows over the frame: palette, cheat sheet, preferences, schema editor.
    pub(super) overlays: super::overlays::Overlays,
}

impl MarginaliaApp {
    /// A window on `project`, read from `path` (`None`: never saved, e.g. the sample).
    pub fn new(project: Project, path: Option<PathBuf>) -> Self {
        let mut app = MarginaliaApp {
            asking: Default::default(),
            review: Default::default(),
            transfer: Default::default(),
            shown_layer: Default::default(),
            details: Default::default(),
            doc_list: Default::default(),
            overlays: Default::default(),
            summary: Default::default(),
            ws: Workspace::new(project, path),
            selection: Default::default(),
            article: ArticlePanel::default(),
            prefs: Prefs::default(),
            derived: Default::default(),
            window: Default::default(),
            protection: Default::default(),
        };
        app.prefs.annotator = super::prefs::login_name();
        app
    }

    /// Uses these preferences (an empty annotator name makes the window ask for one).
    pub fn with_prefs(mut self, prefs: Prefs) -> Self {
        if prefs.annotator.trim().is_empty() {
            self.asking.modal = Some(Modal::Annotator(super::prefs::login_name()));
        }
        self.prefs = prefs;
        self
    }

    /// Uses these file dialogs (tests script them).
    pub fn with_dialogs(mut self, dialogs: Box<dyn FileDialogs>) -> Self {
        self.asking.dialogs = dialogs;
        self
    }

    /// Keeps the autosave of a never-saved project in `dir` (eframe's storage folder).
    pub fn set_untitled_dir(&mut self, dir: Option<PathBuf>) {
        self.ws.set_untitled_dir(dir);
    }

    /// Called once the window opens on `path`: takes its lock and offers any recovered work.
    pub fn start(&mut self, path: Option<&std::path::Path>) {
        if let Some(p) = path {
            if self.lock(p, false) && self.asking.modal.is_none() {
                let n = crate::store::remove_leftovers(p).len();
                if n > 0 {
                    self.notify(format!(
                        "Removed {n} temporary file{} an interrupted save had left beside {}",
                        if n == 1 { "" } else { "s" },
                        p.display()
                    ));
                }
            }
            self.prefs.remember(p);
        }
        if self.asking.modal.is_none() {
            self.check_recovery();
        }
    }

    /// The project shown.
    pub fn project(&self) -> &Project {
        self.ws.project()
    }

    /// The file the project was read from or last saved to.
    pub fn path(&self) -> Option<&PathBuf> {
        self.ws.path()
    }

    /// Index of the document shown.
    pub fn current_document(&self) -> usize {
        self.selection.doc
    }

    /// The selected annotation.
    pub fn selected(&self) -> Option<&AnnotationId> {
        self.selection.annotation.as_ref()
    }

    /// The text selection (byte offsets into the current document).
    pub fn text_selection(&self) -> TextSel {
        self.selection.text
    }

    /// Sets the text selection (tests and scripted use).
    pub fn set_text_selection(&mut self, sel: TextSel) {
        self.selection.text = sel;
    }

    /// The preferences in force.
    pub fn prefs(&self) -> &Prefs {
        &self.prefs
    }

    /// The question the window is asking, if any.
    pub fn modal(&self) -> Option<&Modal> {
        self.asking.modal.as_ref()
    }

    /// The last notice or error shown in the status bar.
    pub fn message(&self) -> Option<&str> {
        self.asking.message.as_ref().map(|(m, _)| m.as_str())
    }

    /// The article view's state (for tests and the benchmark).
    pub fn article_view(&self) -> &ArticleView {
        &self.article.view
    }

    /// Whether a save or autosave is being written on another thread.
    pub fn is_saving(&self) -> bool {
        self.ws.saving().is_some()
    }

    /// Saves and autosaves projects estimated larger than `bytes` on another thread
    /// (`None`: the built-in 2 MB); tests set 0 to take that path with small projects.
    pub fn save_in_background_from(&mut self, bytes: Option<usize>) {
        self.ws.save_in_background_from(bytes);
    }

    /// Whether there are changes not saved to the project file.
    pub fn is_dirty(&self) -> bool {
        self.ws.is_dirty()
    }

    /// Shows a notice in the status bar.
    pub(super) fn notify(&mut self, message: impl Into<String>) {
        self.asking.message = Some((message.into(), false));
    }

    /// The annotator layers with annotations, listed once per change of the project rather
    /// than on every frame a window that offers them is open.
    pub(super) fn layers(&mut self) -> Vec<String> {
        self.derived.layers(&self.ws)
    }

    /// Shows an error in the status bar.
    pub(super) fn error(&mut self, message: impl Into<String>) {
        self.asking.message = Some((message.into(), true));
    }

    /// Applies an edit as one undoable step; reports a refused edit in the status bar.
    pub(super) fn apply(&mut self, label: &str, edit: Result<Edit, EditError>) -> bool {
        match edit.and_then(|e| self.ws.apply(label, e)) {
            Ok(change) => {
                self.changed(change);
                true
            }
            Err(e) => {
                self.error(format!("{label}: {e}"));
                false
            }
        }
    }

    /// After an edit, an undo or a redo: a new version, with what it touched patched into
    /// the counts and the view's layers instead of rebuilt.
    pub(super) fn changed(&mut self, effects: Change) {
        if let Some(moves) = &effects.moves {
            self.derived
                .patch_counts(self.ws.project(), self.ws.version(), moves);
        }
        // Only annotations changed: patch the view's layers instead of rebuilding.
        if let (Some(ids), Some(doc)) = (
            effects.touched,
            &self.ws.project().documents.get(self.selection.doc),
        ) {
            self.article.view.patch(
                self.ws.project(),
                doc,
                self.ws.version() - 1,
                self.ws.version(),
                &ids,
            );
            if effects.restyle {
                self.article
                    .view
                    .restyle(self.ws.project(), doc, self.ws.version());
            }
        }
    }

    /// Replaces the project (open, new, reload, recovery); forgets history and selection.
    pub(super) fn replace_project(&mut self, project: Project, path: Option<PathBuf>) {
        if let Some(finished) = self.ws.replace(project, path) {
            self.report(finished);
        }
        self.forget_views();
    }

    /// After the project was replaced: what was shown, chosen or drafted for the old one.
    pub(super) fn forget_views(&mut self) {
        // A preview or a document choice belongs to the project it was made for.
        self.transfer.import = None;
        self.review.agree = Default::default();
        self.transfer.merge = Default::default();
        if !self
            .transfer
            .export
            .as_ref()
            .is_some_and(super::transfer::ExportDraft::running)
        {
            self.transfer.export = None;
        }
        self.doc_list.rows.clear();
        self.shown_layer.choice = Default::default();
        // A comparison's annotators and current difference belong to the old project.
        self.review.compare = None;
        self.selection.doc = 0;
        self.selection.annotation = None;
        self.selection.text = TextSel::default();
        self.selection.linking = None;
        self.article.search = SearchState::default();
        self.article.view = ArticleView::default();
        if let Some(p) = self.ws.path().cloned() {
            self.prefs.remember(&p);
        }
    }

    /// Saves the note being typed, if it changed: whatever takes the selection away (another
    /// annotation, a document, a command, closing) first keeps what was typed.
    pub(super) fn commit_note_draft(&mut self) {
        let Some((id, draft)) = self.details.note_draft.clone() else {
            return;
        };
        let changed = self
            .ws
            .project()
            .annotations
            .get(&id)
            .is_some_and(|a| a.note != draft);
        if changed {
            let edit = ops::set_note(self.ws.project(), &id, &draft, jiff::Timestamp::now());
            self.change_annotation("Note", &id, edit);
        }
    }

    /// Shows document `i`, keeping nothing selected.
    pub(super) fn show_document(&mut self, i: usize) {
        self.commit_note_draft();
        if i < self.ws.project().documents.len() && i != self.selection.doc {
            self.article.search.suggestions.clear();
            self.selection.doc = i;
            self.selection.annotation = None;
            self.selection.text = TextSel::default();
            self.selection.linking = None;
            self.article
                .search
                .refresh_hits(self.ws.project(), self.selection.doc);
        }
    }

    /// Selects an annotation, showing its document and scrolling to it.
    pub(super) fn select(&mut self, id: Option<AnnotationId>) {
        self.commit_note_draft();
        let found = id
            .as_ref()
            .and_then(|id| self.ws.project().annotations.get(id))
            .map(|a| (self.ws.project().document_index(&a.doc), a.start()));
        if let Some((doc, start)) = found {
            if let Some(i) = doc {
                self.show_document(i);
            }
            self.article.view.reveal(start, true);
            self.selection.text = TextSel::caret(start);
        }
        self.details.entity_query.clear();
        self.details.note_draft = None;
        self.selection.annotation = id;
    }

    /// How many annotations the article shows for the document open (for tests).
    pub fn shown_annotations(&self) -> usize {
        self.article.view.layers().items().len()
    }

    /// Whether the agreement panel's report is being computed on its worker thread.
    pub fn agreement_computing(&self) -> bool {
        self.review.agree.computing()
    }

    /// Whether a claim is being linked (its target not yet picked).
    pub fn linking(&self) -> bool {
        self.selection.linking.is_some()
    }

    /// Selects an annotation (`None`: none), showing its document (tests and scripted use).
    pub fn select_annotation(&mut self, id: Option<AnnotationId>) {
        self.select(id);
    }

    /// The relation type that can link `from` to `to`, if the schema allows one.
    pub(super) fn relation_kind(
        &self,
        from: &AnnotationId,
        to: &AnnotationId,
    ) -> Option<RelationKindId> {
        let (a, b) = (
            self.ws.project().annotations.get(from)?,
            self.ws.project().annotations.get(to)?,
        );
        self.ws
            .project()
            .schema
            .relations
            .iter()
            .find(|r| r.allows(&a.tag, &b.tag))
            .map(|r| r.id.clone())
    }

    /// Links the claim being linked to `to`: what clicking `to` in the article does while
    /// linking (public for tests and scripted use).
    pub fn finish_link(&mut self, to: &AnnotationId) {
        let Some(linking) = self.selection.linking.take() else {
            return;
        };
        let Some(kind) = self.relation_kind(&linking.from, to) else {
            self.error("The schema has no relation between these two tags.");
            self.selection.linking = Some(linking);
            return;
        };
        // The link is in its claim's layer (the analyst's own, or one opened for editing).
        let layer = self
            .ws
            .project()
            .annotations
            .get(&linking.from)
            .map_or(self.prefs.annotator.clone(), |a| a.annotator.clone());
        // A link joins two annotations of one layer: a colleague's actor is not the
        // analyst's to link to (the picker offers only the claim's layer).
        if let Some(target) = self.ws.project().annotations.get(to)
            && target.annotator != layer
        {
            let whose = if target.annotator == self.prefs.annotator {
                "your".to_owned()
            } else {
                format!("{}'s", target.annotator)
            };
            self.error(format!(
                "That is {whose} annotation; a link joins annotations of one layer, here \
                 {layer}'s. Tag the span in {layer}'s layer first, then link to it."
            ));
            self.selection.linking = Some(linking);
            return;
        }
        if !self.may_edit_layer(&layer) {
            self.error(format!(
                "The claim is {layer}'s, which only {layer} changes: choose Edit › Edit this \
                 annotator's layer… to link it as theirs."
            ));
            return;
        }
        let edit = ops::add_relation(self.ws.project(), &kind, &linking.from, to, &layer)
            .map(|e| self.stamp(e));
        if self.apply("Link", edit) {
            self.notify("Linked.");
        }
    }

    /// What the panels read, with `layers` as the project's annotator layers.
    pub(super) fn shared<'a>(&'a self, layers: &'a [String]) -> Shared<'a> {
        shared!(self, layers)
    }

    /// Draws the whole window and handles its keys. Each panel draws from what it reads and
    /// its own state; what it asks for is carried out after it has drawn, in order.
    pub fn ui(&mut self, ui: &mut Ui) {
        self.ws.set_clock(Instant::now());
        let ctx = ui.ctx().clone();
        ctx.set_theme(self.prefs.theme.preference());
        self.files_frame(ui);
        self.resolve_shown_layer();
        // Background work that finished since the last frame.
        self.poll_export(&ctx);
        self.poll_merge_load(&ctx);
        let layers = self.layers();
        let mut out = Vec::new();
        // Keys typed into a question's field are that field's, also in the frame the
        // question is answered (Enter and the last digit typed can arrive together).
        let asking = self.asking.modal.is_some();
        let cx = shared!(self, &layers);
        self.asking
            .modal_ui(ui, &cx, &self.window.conflict, &mut out);
        self.act_all(std::mem::take(&mut out), &ctx);
        if !asking && self.asking.modal.is_none() {
            self.shortcuts(ui);
        }
        let save_state = self.save_state();
        let position = self
            .derived
            .position(&self.ws, self.selection.doc, self.selection.text);
        let cx = self.shared(&layers);
        Panel::top("menu").show(ui, |ui| super::panels::menu_ui(ui, &cx, &mut out));
        Panel::top("toolbar").show(ui, |ui| {
            super::panels::toolbar_ui(ui, &cx, &self.shown_layer, &mut out);
        });
        Panel::bottom("status").show(ui, |ui| {
            super::panels::status_ui(
                ui,
                &cx,
                &save_state,
                &position,
                self.asking.message.as_ref(),
            );
        });
        self.act_all(std::mem::take(&mut out), &ctx);
        // The layers again: a command may have changed them (cached per version, so cheap).
        let layers = self.layers();
        self.side_panels_ui(ui, &layers);
        self.article_ui(ui, &layers);
        let layers = self.layers();
        let own = self.blind().then(|| self.prefs.annotator.clone());
        let named_shown = self.layer_named_shown();
        let input = super::summary_panel::SummaryInput {
            ws: &self.ws,
            doc: self.selection.doc,
            layers: &layers,
            blind: own.as_deref(),
            shown: named_shown.as_deref(),
        };
        super::analysis_view::AnalysisView::window_ui(
            &mut self.overlays.analysis,
            &ctx,
            &input,
            &mut out,
        );
        let cx = shared!(self, &layers);
        self.overlays.ui(&ctx, &cx, &mut out);
        self.article.search.tag_all_ui(&ctx, &cx, &mut out);
        self.transfer.ui(&ctx, &cx, &mut out);
        self.act_all(out, &ctx);
    }

    /// The side panels open, with their preferred widths; they yield to the article when
    /// the window cannot hold them all beside it.
    fn side_panels_ui(&mut self, ui: &mut Ui, layers: &[String]) {
        let ctx = ui.ctx().clone();
        let comparing = self.review.compare.is_some();
        let open = [
            (SidePanel::Documents, self.prefs.show_documents, 240.0),
            (SidePanel::Summary, self.prefs.show_summary, 380.0),
            (SidePanel::Agreement, self.prefs.show_agreement, 480.0),
            (SidePanel::Compare, comparing, 380.0),
            (
                SidePanel::Annotations,
                !comparing && self.prefs.show_annotations,
                340.0,
            ),
        ]
        .into_iter()
        .filter(|(_, shown, _)| *shown)
        .map(|(panel, _, width)| (panel, width))
        .collect::<Vec<_>>();
        let id_of = |panel: SidePanel| match panel {
            SidePanel::Documents => "documents",
            SidePanel::Summary => "summary",
            SidePanel::Agreement => "agreement",
            SidePanel::Compare => "compare",
            SidePanel::Annotations => "annotations",
        };
        let wanted: Vec<f32> = open
            .iter()
            .map(|(panel, preferred)| self.window.panel_widths.wanted(id_of(*panel), *preferred))
            .collect();
        let widths = super::sizing::panel_widths(ui.available_width(), &wanted);
        for ((panel, _), (width, max)) in open.into_iter().zip(widths) {
            let id = id_of(panel);
            self.window.panel_widths.before(ui, id, width);
            let side = if panel == SidePanel::Documents {
                Panel::left(id)
            } else {
                Panel::right(id)
            };
            // What the panel draws from, derived before it draws.
            let list = matches!(panel, SidePanel::Documents | SidePanel::Annotations)
                .then(|| self.annotation_list());
            let links = (panel == SidePanel::Annotations && self.prefs.list_relations)
                .then(|| self.article.view.links(self.ws.project()));
            let comparison = (panel == SidePanel::Compare)
                .then(|| self.comparison())
                .flatten();
            let own = self.blind().then(|| self.prefs.annotator.clone());
            let named_shown = self.layer_named_shown();
            let mut out = Vec::new();
            let cx = shared!(self, layers);
            let shown = side
                .resizable(true)
                .default_size(width)
                .min_size(super::sizing::PANEL_MIN.min(width))
                .max_size(max)
                .show(ui, |ui| match panel {
                    SidePanel::Documents => {
                        let per_doc = list.as_ref().map_or(&[][..], |l| &l.per_doc[..]);
                        self.doc_list.ui(ui, &cx, per_doc, &mut out);
                    }
                    SidePanel::Summary => {
                        let input = super::summary_panel::SummaryInput {
                            ws: &self.ws,
                            doc: self.selection.doc,
                            layers,
                            blind: own.as_deref(),
                            shown: named_shown.as_deref(),
                        };
                        self.summary.ui(ui, &input, &mut out);
                    }
                    SidePanel::Agreement => self.review.agree.ui(ui, &cx, &mut out),
                    SidePanel::Compare => {
                        if let Some(state) = self.review.compare.as_mut() {
                            state.head_ui(ui, &cx, comparison.as_deref(), &mut out);
                            if let Some(c) = comparison.as_deref() {
                                if self.selection.annotation.is_some() {
                                    // The reviewed annotation being edited ("Edit…", or
                                    // clicked in the text).
                                    self.details.inspector_ui(ui, &cx, &mut out);
                                }
                                state.list_ui(ui, &cx, c, &mut out);
                            }
                        }
                    }
                    SidePanel::Annotations => {
                        let default = super::derived::AnnotationList::default();
                        let input = super::panels::ListInput {
                            list: list.as_deref().unwrap_or(&default),
                            items: self.article.view.layers().items(),
                            links: links.as_deref(),
                        };
                        self.details.annotations_ui(ui, &cx, &input, &mut out);
                    }
                });
            self.window
                .panel_widths
                .after(ui, id, shown.response.rect.width());
            self.act_all(out, &ctx);
        }
    }

    /// The article in the centre, with its header and search bar.
    fn article_ui(&mut self, ui: &mut Ui, layers: &[String]) {
        let ctx = ui.ctx().clone();
        // Showing the reviewed result: the reviewed layer alone, as outside compare mode.
        let comparison = self.comparison().filter(|_| !self.showing_result());
        let shown = self.shown_layers();
        let current = self.current_difference();
        let hide_settled = self.review.compare.as_ref().is_some_and(|s| s.hide_settled);
        let keyboard = self.asking.modal.is_none();
        let mut out = Vec::new();
        let cx = shared!(self, layers);
        let frame = super::article_panel::ArticleFrame {
            shown: shown.as_deref(),
            compare: comparison.as_deref().map(|c| super::article::CompareInput {
                comparison: c,
                current,
                hide_settled,
            }),
            keyboard,
        };
        egui::CentralPanel::default_margins().show(ui, |ui| {
            self.article.ui(ui, &cx, frame, &mut out);
        });
        self.act_all(out, &ctx);
    }

    /// Matches this frame's key presses against the commands and the tag keys.
    fn shortcuts(&mut self, ui: &mut Ui) {
        let typing = ui.ctx().text_edit_focused();
        let fixed: Vec<Command> = Command::FIXED
            .into_iter()
            .filter(|c| !typing || c.works_while_typing())
            .collect();
        let mut to_run = Vec::new();
        let mut values = Vec::new();
        let copy = ui.input(|i| i.events.iter().any(|e| matches!(e, egui::Event::Copy)));
        if copy && !typing {
            to_run.push(Command::Copy);
        }
        let comparing = self.review.compare.is_some();
        ui.input_mut(|i| {
            // In the compare view N and P step through the differences.
            if comparing && !typing {
                if commands::take_key(i, egui::Modifiers::NONE, egui::Key::N) {
                    to_run.push(Command::NextDifference);
                }
                if commands::take_key(i, egui::Modifiers::NONE, egui::Key::P) {
                    to_run.push(Command::PrevDifference);
                }
            }
            for c in fixed {
                if let Some(s) = c.shortcut()
                    && commands::take_key(i, s.modifiers, s.logical_key)
                {
                    to_run.push(c);
                }
            }
            if !typing {
                if commands::take_key(i, egui::Modifiers::NONE, egui::Key::Backspace) {
                    to_run.push(Command::Delete);
                }
                for (n, tag) in self.ws.project().schema.tags.iter().enumerate() {
                    if let Some(key) = tag.key.as_deref().and_then(commands::key_of)
                        && commands::take_key(i, egui::Modifiers::NONE, key)
                    {
                        to_run.push(Command::Tag(n));
                    }
                }
                // A value's key (`+` supports, `-` opposes, `0` neutral) on the selected
                // annotation: typed text, so `+` works whatever key makes it.
                let selected = self
                    .selection
                    .annotation
                    .as_ref()
                    .and_then(|id| self.ws.project().annotations.get(id));
                if let Some(a) = selected {
                    let cx = shared!(self, &[]);
                    i.events.retain(|e| match e {
                        egui::Event::Text(t) => match super::values::value_of_key(&cx, a, t) {
                            Some((attribute, value)) => {
                                values.push(super::request::Request::SetValue(
                                    a.id.clone(),
                                    attribute,
                                    value,
                                ));
                                false
                            }
                            None => true,
                        },
                        _ => true,
                    });
                }
            }
        });
        for c in to_run {
            self.run(c, ui.ctx());
        }
        self.act_all(values, ui.ctx());
    }
}

/// The panels beside the article, in the order they are laid out.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SidePanel {
    Documents,
    Summary,
    Agreement,
    Compare,
    Annotations,
}

impl eframe::App for MarginaliaApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        MarginaliaApp::ui(self, ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        // The last project is in the preferences (`Prefs::remember`).
        self.prefs.store(storage);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.ws.release();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ByteOffset, Document, Rgb};

    /// A window on one short article, coding as `ana`.
    fn one_article_as_ana() -> MarginaliaApp {
        let mut project = Project::new("One");
        project.documents.push(Document::new(
            "d".to_owned(),
            "D".to_owned(),
            "Macron met Xi in Beijing.".to_owned(),
        ));
        let prefs = Prefs {
            annotator: "ana".into(),
            ..Prefs::default()
        };
        MarginaliaApp::new(project, None).with_prefs(prefs)
    }

    /// The layer list follows tags, undo and redo by its counts: the cache stays at the
    /// current version (no walk over every annotation), and a layer emptied by an undo
    /// leaves the list.
    #[test]
    fn the_layer_list_follows_tags_and_undo_without_a_recount() {
        let mut app = one_article_as_ana();
        let ctx = egui::Context::default();
        assert!(app.layers().is_empty());
        let patched = |app: &MarginaliaApp| matches!(&app.derived.layers, Some((v, _)) if *v == app.ws.version());
        for (from, to) in [(0, 6), (11, 13)] {
            app.set_text_selection(TextSel {
                anchor: ByteOffset(from),
                head: ByteOffset(to),
            });
            app.run(Command::Tag(0), &ctx);
            assert!(patched(&app), "tagging patched the list");
            assert_eq!(app.layers(), ["ana"]);
        }
        app.run(Command::Undo, &ctx);
        assert!(patched(&app));
        assert_eq!(app.layers(), ["ana"], "one of ana's two is left");
        app.run(Command::Undo, &ctx);
        assert!(patched(&app), "the undo patched the list");
        assert!(app.layers().is_empty(), "the emptied layer left the list");
        app.run(Command::Redo, &ctx);
        assert!(patched(&app));
        assert_eq!(app.layers(), ["ana"]);
        assert_eq!(app.layers(), app.project().layers(), "as a count afresh");
    }

    /// A tag's new colour reaches the drawn highlights at once, and its undo brings the old
    /// one back, though neither rebuilds the view's layers.
    #[test]
    fn a_schema_change_and_its_undo_recolour_the_highlights() {
        let mut app = one_article_as_ana();
        let ctx = egui::Context::default();
        app.set_text_selection(TextSel {
            anchor: ByteOffset(0),
            head: ByteOffset(6),
        });
        app.run(Command::Tag(0), &ctx);
        let doc = app.project().documents[0].clone();
        app.article
            .view
            .sync(app.ws.project(), &doc, app.ws.version(), None);
        let drawn = |app: &MarginaliaApp| app.article.view.layers().items()[0].color;
        let before = drawn(&app);
        let mut draft = super::super::SchemaDraft::of(&app.project().schema);
        draft.tags[0].color = [12, 130, 200];
        assert!(app.apply_schema_draft(&draft));
        assert_eq!(
            drawn(&app),
            Rgb(12, 130, 200),
            "the new colour, without a sync"
        );
        app.run(Command::Undo, &ctx);
        assert_eq!(drawn(&app), before, "the old colour back");
    }
}
