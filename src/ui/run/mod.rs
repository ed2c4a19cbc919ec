//! Runs a [`Command`]: the one place where menus, shortcuts, the palette and the context
//! menu turn into changes.

mod answers;
pub(crate) mod files;
mod layers;
mod review;
mod schema;
mod search;
mod transfer;

pub(crate) use files::WindowState;

use jiff::Timestamp;

use crate::model::motion;
use crate::model::{ByteOffset, Fragment, ops};
use crate::review::Action;

use crate::ui::app::MarginaliaApp;
use crate::ui::article::{TextSel, move_edge_of};
use crate::ui::commands::Command;
use crate::ui::dialogs::{After, Modal};
use crate::ui::request::Request;
use crate::ui::selection::Linking;
use crate::workspace::Change;

/// Smallest and largest article type sizes.
const FONT_RANGE: std::ops::RangeInclusive<f32> = 10.0..=32.0;

impl MarginaliaApp {
    /// Carries out what panels asked for, in the order they asked.
    pub(crate) fn act_all(&mut self, requests: Vec<Request>, ctx: &egui::Context) {
        for request in requests {
            self.act(request, ctx);
        }
    }

    /// Carries out what a panel asked for.
    pub(crate) fn act(&mut self, request: Request, ctx: &egui::Context) {
        match request {
            Request::Select(id) => self.select(id),
            Request::ShowDocument(i) => self.show_document(i),
            Request::Pick(id) => {
                self.commit_note_draft();
                self.details.entity_query.clear();
                self.details.note_draft = None;
                self.selection.annotation = id;
            }
            Request::SelectText(text) => self.selection.text = text,
            Request::CompareClicked(at) => self.compare_clicked(at),
            Request::Run(command) => self.run(command, ctx),
            Request::Edit(label, edit) => {
                self.apply(&label, *edit);
            }
            Request::Retag(id, tag) => {
                let edit = ops::retag(self.ws.project(), &id, &tag, Timestamp::now());
                self.change_annotation("Retag", &id, edit);
            }
            Request::SetNote(id, note) => {
                // The draft is what is being saved: it is no longer a draft.
                if self
                    .details
                    .note_draft
                    .as_ref()
                    .is_some_and(|(d, _)| *d == id)
                {
                    self.details.note_draft = Some((id.clone(), note.clone()));
                }
                let unchanged = self
                    .ws
                    .project()
                    .annotations
                    .get(&id)
                    .is_some_and(|a| a.note == note);
                if !unchanged {
                    let edit = ops::set_note(self.ws.project(), &id, &note, Timestamp::now());
                    self.change_annotation("Note", &id, edit);
                }
            }
            Request::SetValue(id, attribute, value) => {
                let label = self.attribute_label(&id, &attribute);
                let edit =
                    ops::set_value(self.ws.project(), &id, &attribute, value, Timestamp::now());
                self.change_annotation(&label, &id, edit);
            }
            Request::RenameCode(book, code, label) => {
                let edit = ops::rename_code(self.ws.project(), &book, &code, &label);
                self.apply("Rename code", edit);
            }
            Request::MergeCodes(book, keep, gone) => {
                let edit =
                    ops::merge_codes(self.ws.project(), &book, &keep, &gone, Timestamp::now());
                if self.apply("Merge codes", edit) {
                    self.notify("Codes merged: every use follows (Ctrl+Z undoes it).");
                }
            }
            Request::SetValues(ids, attribute, value) => {
                if let Some(why) = ids.iter().find_map(|id| self.protected(id)) {
                    self.error(why);
                    return;
                }
                let n = ids.len();
                let edit =
                    ops::set_values(self.ws.project(), &ids, &attribute, value, Timestamp::now())
                        .map(|e| self.stamp(e));
                if self.apply("Set values", edit) {
                    self.notify(format!("Set on {n} annotations (Ctrl+Z undoes it)."));
                }
            }
            Request::NewCode(id, attribute, book, code) => {
                if let Some(why) = self.protected(&id) {
                    self.error(why);
                    return;
                }
                let code_id = code.id.clone();
                // Creating and coding is one undo step.
                self.ws.begin_group("New code");
                if self.apply("New code", ops::put_code(self.ws.project(), &book, *code)) {
                    let value = Some(crate::model::Value::Code(code_id));
                    let edit =
                        ops::set_value(self.ws.project(), &id, &attribute, value, Timestamp::now());
                    self.change_annotation("Set code", &id, edit);
                }
                self.ws.end_group();
            }
            Request::Resize(id, fragments) => {
                let edit = ops::resize(self.ws.project(), &id, fragments, Timestamp::now());
                self.change_annotation("Resize", &id, edit);
            }
            Request::SetEntity(id, entity) => {
                let now = Timestamp::now();
                let edit = ops::set_entity(self.ws.project(), &id, entity.as_ref(), now);
                let label = if entity.is_some() {
                    "Set entity"
                } else {
                    "Unlink entity"
                };
                if self.change_annotation(label, &id, edit) && entity.is_some() {
                    self.details.entity_query.clear();
                }
            }
            Request::NewEntityFor(id, entity) => {
                if let Some(why) = self.protected(&id) {
                    self.error(why);
                    return;
                }
                let eid = entity.id.clone();
                // Creating and linking is one undo step.
                self.ws.begin_group("New entity");
                if self.apply("New entity", ops::put_entity(self.ws.project(), *entity)) {
                    let edit =
                        ops::set_entity(self.ws.project(), &id, Some(&eid), Timestamp::now());
                    self.change_annotation("Set entity", &id, edit);
                }
                self.ws.end_group();
                self.details.entity_query.clear();
            }
            Request::RetypeRelation(id, kind) => {
                let edit = ops::set_relation_kind(self.ws.project(), &id, &kind);
                self.change_relation("Change link type", &id, edit);
            }
            Request::RemoveRelation(id) => {
                let edit = ops::remove_relation(self.ws.project(), &id);
                self.change_relation("Remove link", &id, edit);
            }
            Request::FinishLink(to) => self.finish_link(&to),
            Request::Focused => self.selection.focus = None,
            Request::ShowLayer(choice) => {
                self.shown_layer.choice = choice;
                self.derived.forget_list();
                self.selection.annotation = None;
            }
            Request::Prefs(prefs) => self.prefs = *prefs,
            Request::Ask(modal) => self.asking.modal = Some(modal),
            Request::OpenRecent(path) => self.ask_unsaved(After::Open(Some(path))),
            Request::ShowHit => self.show_current_hit(),
            Request::PreviewTagAll(tag) => self.set_preview_tag(tag),
            Request::CommitTagAll => self.commit_tag_all(),
            Request::ApplySchema(draft) => {
                if self.apply_schema_draft(&draft) {
                    self.notify("Tags and relations updated.");
                    self.overlays.schema_editor = None;
                } else if let Some(open) = &mut self.overlays.schema_editor {
                    open.problem = self.asking.message.as_ref().map(|(m, _)| m.clone());
                }
            }
            Request::Answer(answer) => self.answer(*answer),
            Request::OpenSpan(id) => self.open_span(id),
            Request::Adjudicate(action) => self.adjudicate(action),
            Request::GoToDifference(i) => {
                if let Some(c) = self.comparison() {
                    self.go_to_difference(&c, i);
                }
            }
            Request::ConfirmMerge => self.confirm_merge(),
            Request::StartExport => self.start_export(),
            Request::ChooseImportFiles => self.choose_import_inputs(),
            Request::CheckImport => self.check_import(),
            Request::ConfirmImport => self.confirm_import(),
        }
    }

    /// Runs one command.
    pub fn run(&mut self, command: Command, ctx: &egui::Context) {
        self.commit_note_draft();
        match command {
            Command::New => self.ask_unsaved(After::New),
            Command::Open => self.ask_unsaved(After::Open(None)),
            Command::Save => self.save(),
            Command::SaveAs => self.save_as(),
            Command::AddArticles => {
                let paths = self.asking.dialogs.pick_articles();
                self.add_article_paths(&paths);
            }
            Command::AddFolder => {
                if let Some(dir) = self.asking.dialogs.pick_folder() {
                    self.add_article_paths(&[dir]);
                }
            }
            Command::PasteArticle => {
                // The integration answers with an `Event::Paste` of the clipboard's text
                // next frame; the dialog takes it as the article.
                ctx.send_viewport_cmd(egui::ViewportCommand::RequestPaste);
                self.asking.modal = Some(Modal::Paste {
                    title: String::new(),
                    text: String::new(),
                    awaiting_clipboard: true,
                });
            }
            Command::EditMetadata => {
                if let Some(doc) = self.ws.project().documents.get(self.selection.doc) {
                    self.asking.modal = Some(Modal::Metadata(doc.id.clone(), doc.meta.clone()));
                }
            }
            Command::Quit => self.ask_unsaved(After::Quit),
            Command::Undo => self.undo(),
            Command::Redo | Command::RedoAlt => self.redo(),
            Command::Copy => self.copy(ctx),
            Command::Delete => self.delete(),
            Command::Tag(i) => self.tag(i),
            Command::StartLink => self.start_link(),
            Command::Cancel => {
                if self.selection.linking.take().is_some() {
                    self.notify("Link cancelled.");
                } else if self.article.search.open {
                    self.article.search.open = false;
                } else if !self.selection.text.is_empty() {
                    self.selection.text = TextSel::caret(self.selection.text.head);
                } else {
                    self.selection.annotation = None;
                }
            }
            Command::ExtendToSentence => {
                let text = self.current_text();
                let r = motion::extend_to_sentences(text, self.selection.text.range());
                self.selection.text = TextSel::over(r);
            }
            Command::ExtendToParagraph => {
                let text = self.current_text();
                let r = motion::paragraph_at(text, self.selection.text.head);
                self.selection.text = TextSel::over(r);
            }
            Command::MoveStartLeft => self.move_edge(true, false),
            Command::MoveStartRight => self.move_edge(true, true),
            Command::MoveEndLeft => self.move_edge(false, false),
            Command::MoveEndRight => self.move_edge(false, true),
            Command::NextAnnotation => self.step_annotation(true),
            Command::PrevAnnotation => self.step_annotation(false),
            Command::NextDocument => {
                if self.selection.doc + 1 < self.ws.project().documents.len() {
                    self.show_document(self.selection.doc + 1);
                }
            }
            Command::PrevDocument => self.show_document(self.selection.doc.saturating_sub(1)),
            Command::ToggleCompare => self.toggle_compare(),
            Command::EditTheirLayer => self.ask_edit_layer(),
            Command::ToggleBlind => self.toggle_blind(),
            Command::ToggleResult => self.toggle_result(),
            Command::NextDifference => self.step_difference(true),
            Command::PrevDifference => self.step_difference(false),
            Command::AcceptFirst => self.adjudicate(Action::Accept(0)),
            Command::AcceptSecond => self.adjudicate(Action::Accept(1)),
            Command::AcceptBoth => self.adjudicate(Action::AcceptAll),
            Command::RejectDifference => self.adjudicate(Action::Reject),
            Command::EditDifference => self.adjudicate_edit(),
            Command::AcceptAgreed => self.accept_agreed(false),
            Command::AcceptAgreedEverywhere => self.accept_agreed(true),
            Command::GoTo => self.asking.modal = Some(Modal::GoTo(String::new())),
            Command::Find => {
                self.article.search.open = true;
                self.article.search.project_wide = false;
                self.selection.focus = Some("search");
            }
            Command::FindInProject => {
                self.article.search.open = true;
                self.article.search.project_wide = true;
                self.selection.focus = Some("search");
            }
            Command::NextHit => self.step_hit(true),
            Command::PrevHit => self.step_hit(false),
            Command::TagAllMatches => self.preview_tag_all(),
            Command::Suggest => self.suggest(),
            Command::AcceptSuggestion => self.accept_suggestion(),
            Command::SkipSuggestion => self.skip_suggestion(),
            Command::EditEntity => self.selection.focus = Some("entity"),
            Command::EditNote => self.selection.focus = Some("note"),
            Command::ZoomIn => self.zoom(1.0),
            Command::ZoomOut => self.zoom(-1.0),
            Command::ZoomReset => {
                self.prefs.view.font_size = crate::ui::theme::ARTICLE_FONT_SIZE;
            }
            Command::ToggleWordSnap => {
                self.prefs.view.word_snap = !self.prefs.view.word_snap;
                let state = if self.prefs.view.word_snap {
                    "on"
                } else {
                    "off"
                };
                self.notify(format!("Snapping to words is {state}."));
            }
            Command::ToggleLabels => {
                self.prefs.view.show_labels = !self.prefs.view.show_labels;
            }
            Command::ToggleArcs => {
                self.prefs.view.show_relations = !self.prefs.view.show_relations;
            }
            Command::ToggleDocuments => {
                self.prefs.show_documents = !self.prefs.show_documents;
            }
            Command::ToggleAnnotations => {
                self.prefs.show_annotations = !self.prefs.show_annotations;
            }
            Command::ToggleSummary => {
                self.prefs.show_summary = !self.prefs.show_summary;
            }
            Command::ToggleAgreement => {
                self.prefs.show_agreement = !self.prefs.show_agreement;
            }
            Command::SchemaEditor => self.open_schema_editor(),
            Command::Analysis => {
                self.overlays.analysis = match self.overlays.analysis.take() {
                    Some(_) => None,
                    None => Some(Default::default()),
                };
            }
            Command::Codebooks => {
                self.overlays.codebooks = Some(super::codebooks::CodebookWindow::default());
            }
            Command::Export => self.open_export(),
            Command::Import => self.open_import(),
            Command::ImportColleague => self.open_merge(),
            Command::MergeEntities => {
                self.asking.modal = Some(Modal::MergeEntities {
                    keep: None,
                    gone: None,
                });
            }
            Command::Preferences => self.overlays.preferences = true,
            Command::Palette => self.overlays.palette = Some((String::new(), 0)),
            Command::CheatSheet => self.overlays.cheat_sheet = !self.overlays.cheat_sheet,
        }
    }

    /// The text of the document shown ("" when there is none).
    pub(crate) fn current_text(&self) -> &str {
        self.ws
            .project()
            .documents
            .get(self.selection.doc)
            .map_or("", |d| d.text.as_str())
    }

    fn undo(&mut self) {
        let result = self.ws.undo();
        self.after_history(result, "Undid", "undo");
    }

    fn redo(&mut self) {
        let result = self.ws.redo();
        self.after_history(result, "Redid", "redo");
    }

    /// Reports an undo or redo and keeps the view on something that still exists.
    fn after_history(
        &mut self,
        result: Result<Option<(String, Change)>, crate::model::EditError>,
        done: &str,
        verb: &str,
    ) {
        match result {
            Ok(Some((label, change))) => {
                self.changed(change);
                self.notify(format!("{done}: {label}"));
            }
            Ok(None) => {
                self.notify(format!("Nothing to {verb}."));
                return;
            }
            Err(e) => {
                self.error(format!("{verb} failed: {e}"));
                return;
            }
        }
        if self.selection.doc >= self.ws.project().documents.len() {
            self.selection.doc = self.ws.project().documents.len().saturating_sub(1);
        }
        if let Some(id) = &self.selection.annotation
            && !self.ws.project().annotations.contains_key(id)
        {
            self.selection.annotation = None;
        }
        self.selection.text = TextSel::caret(
            self.selection
                .text
                .head
                .min(ByteOffset(self.current_text().len())),
        );
        self.article
            .search
            .refresh_hits(self.ws.project(), self.selection.doc);
    }

    fn copy(&mut self, ctx: &egui::Context) {
        let text = self.current_text();
        let copied = if self.selection.text.is_empty() {
            self.selection
                .annotation
                .as_ref()
                .and_then(|id| self.ws.project().annotations.get(id))
                .map(|a| a.quote.clone())
        } else {
            let r = self.selection.text.range();
            text.get(r.start.0..r.end.0).map(str::to_owned)
        };
        if let Some(copied) = copied {
            ctx.copy_text(copied);
        }
    }

    fn delete(&mut self) {
        let Some(id) = self.selection.annotation.clone() else {
            return;
        };
        let edit = ops::remove_annotation(self.ws.project(), &id);
        if self.change_annotation("Delete annotation", &id, edit) {
            self.selection.annotation = None;
        }
    }

    /// "Set Stance": the undo label of a value of `attribute` on annotation `id`.
    fn attribute_label(
        &self,
        id: &crate::model::AnnotationId,
        attribute: &crate::model::AttributeId,
    ) -> String {
        let label = self
            .ws
            .project()
            .annotations
            .get(id)
            .and_then(|a| self.ws.project().schema.tag(&a.tag))
            .and_then(|t| t.attribute(attribute))
            .map_or(attribute.as_str(), |a| a.label.as_str());
        format!("Set {label}")
    }

    /// The id of the document shown, if there is one.
    pub(crate) fn current_doc_id(&self) -> Option<crate::model::DocId> {
        self.ws
            .project()
            .documents
            .get(self.selection.doc)
            .map(|d| d.id.clone())
    }

    /// Tags the text selection with tag `i`, or retags the selected annotation.
    pub(crate) fn tag(&mut self, i: usize) {
        let Some(tag) = self.ws.project().schema.tags.get(i).map(|t| t.id.clone()) else {
            return;
        };
        let Some(doc) = self.current_doc_id() else {
            return;
        };
        let now = Timestamp::now();
        if !self.selection.text.is_empty() {
            // A keyboard selection is extended word by word and may start or end on the
            // space before a word: the span keeps the words only, as a mouse selection does.
            let trim = crate::model::SnapOptions {
                words: false,
                trim: true,
            };
            let Some(range) = crate::model::snap_selection(
                self.current_text(),
                self.selection.text.range(),
                trim,
            ) else {
                self.notify("Only white space is selected: there is nothing to tag.");
                return;
            };
            let edit = ops::add_annotation(
                self.ws.project(),
                &doc,
                &tag,
                vec![Fragment::new(range.clone())],
                &self.prefs.annotator,
                now,
            );
            let added = edit.as_ref().ok().and_then(ops::added_annotation).cloned();
            if self.apply("Tag", edit) {
                self.selection.annotation = added;
                self.selection.text = TextSel::caret(range.end);
                self.details.entity_query.clear();
            }
        } else if let Some(id) = self.selection.annotation.clone() {
            let edit = ops::retag(self.ws.project(), &id, &tag, now);
            self.change_annotation("Retag", &id, edit);
        } else {
            self.notify("Select some text first (drag, double-click, or Shift+arrows).");
        }
    }

    fn start_link(&mut self) {
        let Some(from) = self.selection.annotation.clone() else {
            self.notify("Select a claim first, then press L to link it.");
            return;
        };
        // A link belongs to its claim's layer: another annotator's only when opened.
        if let Some(why) = self.protected(&from) {
            self.error(why);
            return;
        }
        self.selection.linking = Some(Linking { from });
        self.details.link_filter.clear();
        self.notify("Click the actor or condition to link, or type to find it (Esc cancels).");
        self.selection.focus = Some("link");
    }

    /// Moves the selected annotation's start (or end) one word (or grapheme) left or right.
    fn move_edge(&mut self, start: bool, right: bool) {
        let Some(a) = self
            .selection
            .annotation
            .as_ref()
            .and_then(|id| self.ws.project().annotations.get(id))
        else {
            return;
        };
        let text = self.current_text();
        let at = if start { a.start() } else { a.end() };
        let to = match (self.prefs.view.word_snap, start, right) {
            (false, _, true) => motion::next_grapheme(text, at),
            (false, _, false) => motion::prev_grapheme(text, at),
            (true, true, true) => next_word_start(text, at),
            (true, true, false) => motion::prev_word_start(text, at),
            (true, false, true) => motion::next_word_end(text, at),
            (true, false, false) => {
                let before = motion::prev_word_start(text, motion::prev_word_start(text, at));
                motion::next_word_end(text, before)
            }
        };
        let fragments = move_edge_of(&a.fragments, start, to);
        if fragments == a.fragments {
            return;
        }
        let id = a.id.clone();
        let edit = ops::resize(self.ws.project(), &id, fragments, Timestamp::now());
        self.change_annotation("Resize", &id, edit);
    }

    fn step_annotation(&mut self, forward: bool) {
        let at = self
            .selection
            .annotation
            .as_ref()
            .and_then(|id| self.ws.project().annotations.get(id))
            .map_or(self.selection.text.head, |a| a.start());
        // The view's layers are this document's annotations, already sorted by position.
        let shown = self.shown_layers();
        if let Some(doc) = self.ws.project().documents.get(self.selection.doc) {
            self.article
                .view
                .sync(self.ws.project(), doc, self.ws.version(), shown.as_deref());
        }
        let layers = self.article.view.layers();
        // From a bare caret, an annotation starting right at it is the next one.
        let from_caret = self.selection.annotation.is_none() && forward;
        let next = if from_caret {
            layers.items().iter().find(|item| item.hull.start >= at.0)
        } else {
            layers.neighbour(at, forward)
        }
        .or(if self.selection.annotation.is_none() {
            layers.items().first()
        } else {
            None
        })
        .map(|item| item.id.clone());
        if let Some(id) = next {
            self.select(Some(id));
        }
    }

    fn zoom(&mut self, by: f32) {
        let size = (self.prefs.view.font_size + by).clamp(*FONT_RANGE.start(), *FONT_RANGE.end());
        self.prefs.view.font_size = size;
    }

    /// Moves the caret to a position typed as `line`, `line:column` (from 1) or `#offset`
    /// (code points from 0).
    pub(crate) fn go_to(&mut self, target: &str) -> Result<(), String> {
        let text = self.current_text();
        let at = parse_position(text, target)?;
        self.selection.text = TextSel::caret(at);
        self.article.view.reveal(at, true);
        Ok(())
    }
}

/// The start of the word after the one at `at`.
fn next_word_start(text: &str, at: ByteOffset) -> ByteOffset {
    let end = motion::next_word_end(text, at);
    let next_end = motion::next_word_end(text, end);
    if next_end == end {
        return end;
    }
    motion::prev_word_start(text, next_end)
}

/// Parses `line`, `line:column` (both from 1) or `#offset` (code points from 0) into a byte
/// offset into `text`, on a grapheme boundary.
pub fn parse_position(text: &str, target: &str) -> Result<ByteOffset, String> {
    let target = target.trim();
    let bad = || format!("“{target}” is not a position: type a line, line:column, or #offset");
    let byte_of_char = |c: usize| -> Result<ByteOffset, String> {
        text.char_indices()
            .map(|(b, _)| b)
            .chain(std::iter::once(text.len()))
            .nth(c)
            .map(|b| crate::model::floor_grapheme(text, ByteOffset(b)))
            .ok_or_else(|| format!("the text has only {} characters", text.chars().count()))
    };
    if let Some(offset) = target.strip_prefix('#') {
        return byte_of_char(offset.trim().parse().map_err(|_| bad())?);
    }
    let (line, column) = match target.split_once(':') {
        Some((l, c)) => (l, Some(c)),
        None => (target, None),
    };
    let line: usize = line.trim().parse().map_err(|_| bad())?;
    let column: usize = column.map_or(Ok(1), |c| c.trim().parse().map_err(|_| bad()))?;
    if line == 0 || column == 0 {
        return Err(bad());
    }
    let lines = text.split('\n').count();
    let start = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum::<usize>();
    if line > lines {
        return Err(format!("the text has only {lines} lines"));
    }
    let line_text = text.get(start..).unwrap_or_default();
    let within = line_text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(line_text.len()))
        .nth(column - 1)
        .unwrap_or(line_text.len());
    Ok(crate::model::floor_grapheme(
        text,
        ByteOffset(start + within),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_parse_as_lines_columns_and_offsets() {
        let text = "première ligne\nsecond 🇫🇷 line\nthird";
        assert_eq!(parse_position(text, "1"), Ok(ByteOffset(0)));
        assert_eq!(parse_position(text, "2"), Ok(ByteOffset(16)));
        assert_eq!(parse_position(text, "2:8"), Ok(ByteOffset(23)));
        // Column 9 is inside the flag: it snaps back to its start.
        assert_eq!(parse_position(text, "2:9"), Ok(ByteOffset(23)));
        assert_eq!(parse_position(text, "#3"), Ok(ByteOffset(3)));
        assert!(
            parse_position(text, "9")
                .unwrap_err()
                .contains("only 3 lines")
        );
        assert!(parse_position(text, "x").is_err());
        assert!(parse_position(text, "0").is_err());
        assert!(
            parse_position(text, "#999")
                .unwrap_err()
                .contains("characters")
        );
    }
}
