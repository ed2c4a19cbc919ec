//! The questions the window asks (unsaved changes, recovery, a file changed on disk or
//! locked, the annotator's name, a pasted article, go to, article details, merging
//! entities, opening a colleague's layer, deleting a tag in use), drawn as modal windows.
//! A question keeps what is typed into it in its [`Modal`]; an answer goes to the runner as
//! an [`Answer`], which decides what happens and whether the question closes.

use std::path::PathBuf;

use egui::{Key, Ui};

use crate::model::{DocId, DocumentMeta, EntityId, TagId};

use super::dialogs::{After, Asking, Modal};
use super::request::{Request, Requests};
use super::shared::Shared;

/// Sends an answer to the runner.
fn answered(out: &mut Requests, answer: Answer) {
    out.push(Request::Answer(Box::new(answer)));
}

/// How the analyst answered a question.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    /// Save, then do this.
    SaveThen(After),
    /// Discard the unsaved changes, then do this.
    DiscardThen(After),
    /// Take the autosaved work of this recovery file.
    Recover(PathBuf),
    /// Delete this recovery file.
    DiscardRecovery(PathBuf),
    /// Preview a merge of the file on disk into the work.
    MergeFromDisk,
    /// Reload the file from disk, dropping the unsaved work.
    Reload,
    /// Overwrite the file on disk with the work.
    KeepMine,
    /// Save the work under another name.
    SaveAs,
    /// A locked project: open or save it anyway, or not.
    Locked {
        /// The locked file.
        path: PathBuf,
        /// Whether the lock was met saving (else opening).
        for_save: bool,
        /// Go on despite the lock.
        anyway: bool,
    },
    /// The annotator's name, given at first start.
    Annotator(String),
    /// Add this pasted article.
    AddPasted {
        /// Its title.
        title: String,
        /// Its text.
        text: String,
    },
    /// Go to this position ("12", "12:5", "#340").
    GoTo(String),
    /// Save these details of an article.
    Details(DocId, DocumentMeta),
    /// Merge the second entity into the first.
    MergeEntities(EntityId, EntityId),
    /// Let the analyst change this colleague's layer.
    OpenLayer(String),
    /// Delete this tag and its annotations.
    DeleteTag(TagId),
}

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

impl Asking {
    /// The question being asked, if any, as a modal window.
    pub(super) fn modal_ui(
        &mut self,
        ui: &mut Ui,
        cx: &Shared,
        conflict: &(Vec<String>, Vec<String>),
        out: &mut Requests,
    ) {
        let Some(modal) = self.modal.clone() else {
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
                            answered(out, Answer::SaveThen(after.clone()));
                        }
                        if answer(ui, "Discard changes") {
                            answered(out, Answer::DiscardThen(after.clone()));
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
                            answered(out, Answer::Recover(recovery.clone()));
                        }
                        if answer(ui, "Discard recovered work") {
                            answered(out, Answer::DiscardRecovery(recovery.clone()));
                        }
                    });
                }
                Modal::ChangedOnDisk => {
                    ui.heading("The file changed on disk");
                    ui.label(
                        "Another program, instance or colleague changed the project file since \
                         it was opened. Saving now would overwrite those changes.",
                    );
                    let (theirs, mine) = conflict;
                    for (lines, caption) in [
                        (theirs, "The file on disk has what your work lacks (keeping yours drops it):"),
                        (mine, "Your work has what the file lacks (reloading drops it):"),
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
                            answered(out, Answer::MergeFromDisk);
                        }
                        if answer(ui, "Reload from disk (drop my changes)") {
                            answered(out, Answer::Reload);
                        }
                        if answer(ui, "Keep mine (overwrite)") {
                            answered(out, Answer::KeepMine);
                        }
                        if answer(ui, "Save as…") {
                            answered(out, Answer::SaveAs);
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
                            answered(out, Answer::Locked { path: path.clone(), for_save, anyway: true });
                        }
                        if answer(ui, "Cancel") || escape {
                            answered(out, Answer::Locked { path: path.clone(), for_save, anyway: false });
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
                        answered(out, Answer::Annotator(name.trim().to_owned()));
                    }
                    next = Some(Some(Modal::Annotator(name)));
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
                        if answer(ui, "Add article") || enter {
                            answered(out, Answer::AddPasted { title: title.clone(), text: text.clone() });
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
                    if cx.selection.focus == Some("go to") {
                        r.request_focus();
                        out.push(Request::Focused);
                    }
                    next = Some(Some(Modal::GoTo(target.clone())));
                    let enter = super::widgets::submitted(ui, &r);
                    ui.horizontal(|ui| {
                        if answer(ui, "Go") || enter {
                            answered(out, Answer::GoTo(target.clone()));
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
                    // The project's article variables, each as its kind asks.
                    for v in &cx.project().schema.variables {
                        let label = match &v.kind {
                            crate::model::VariableKind::Number => format!("{} (a number)", v.label),
                            crate::model::VariableKind::Date => {
                                format!("{} (YYYY, YYYY-MM or YYYY-MM-DD)", v.label)
                            }
                            _ => v.label.clone(),
                        };
                        let mut value = meta.variables.get(&v.id).cloned();
                        match &v.kind {
                            crate::model::VariableKind::Choice { values } => {
                                ui.horizontal(|ui| {
                                    let caption = ui.label(&label);
                                    egui::ComboBox::from_id_salt(("variable", v.id.as_str()))
                                        .selected_text(value.clone().unwrap_or_else(|| "none".to_owned()))
                                        .show_ui(ui, |ui| {
                                            ui.selectable_value(&mut value, None, "none");
                                            for choice in values {
                                                ui.selectable_value(&mut value, Some(choice.clone()), choice);
                                            }
                                        })
                                        .response
                                        .labelled_by(caption.id);
                                });
                            }
                            _ => field(ui, &label, &mut value),
                        }
                        match value {
                            Some(x) => meta.variables.insert(v.id.clone(), x),
                            None => meta.variables.remove(&v.id),
                        };
                    }
                    next = Some(Some(Modal::Metadata(doc_id.clone(), meta.clone())));
                    ui.horizontal(|ui| {
                        if answer(ui, "Save details") {
                            answered(out, Answer::Details(doc_id.clone(), meta.clone()));
                        }
                        if answer(ui, "Cancel") || escape {
                            next = Some(None);
                        }
                    });
                }
                Modal::MergeEntities { mut keep, mut gone } => {
                    ui.heading("Merge two entities");
                    ui.label("Mentions of the second become mentions of the first; its names become aliases.");
                    let entities: Vec<_> = cx
                        .project()
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
                            cx.in_other_layers(|a| a.entity.as_ref() == Some(g))
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
                            answered(out, Answer::MergeEntities(k.clone(), g.clone()));
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
                            answered(out, Answer::OpenLayer(layer.clone()));
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
                    if let Some((n, place)) = cx.in_other_layers(|a| a.tag == tag) {
                        let verb = if n == 1 { "is" } else { "are" };
                        ui.label(format!("{n} of them {verb} {place}: deleted there too."));
                    }
                    ui.horizontal(|ui| {
                        if answer(ui, "Delete tag and its annotations") {
                            answered(out, Answer::DeleteTag(tag.clone()));
                        }
                        if answer(ui, "Keep the tag") || escape {
                            next = Some(None);
                        }
                    });
                }
            }
        });
        // The question as edited this frame; the runner closes it once answered.
        if let Some(n) = next {
            self.modal = n;
        }
    }
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;

    use super::*;
    use crate::model::Project;
    use crate::ui::prefs::Prefs;
    use crate::ui::protect::Protection;
    use crate::ui::selection::Selection;
    use crate::workspace::Workspace;

    fn alone(modal: Modal) -> Harness<'static, (Asking, Workspace, Requests)> {
        let asking = Asking {
            modal: Some(modal),
            ..Asking::default()
        };
        let state = (asking, Workspace::new(Project::new("P"), None), Vec::new());
        Harness::builder()
            .with_size(egui::Vec2::new(700.0, 500.0))
            .with_context_setup(crate::ui::install_fonts)
            .build_ui_state(
                |ui, (asking, ws, out): &mut (Asking, Workspace, Requests)| {
                    let (selection, prefs, protection) = (
                        Selection::default(),
                        Prefs::default(),
                        Protection::default(),
                    );
                    let cx = Shared {
                        ws,
                        selection: &selection,
                        prefs: &prefs,
                        protection: &protection,
                        comparing: false,
                        layers: &[],
                    };
                    asking.modal_ui(ui, &cx, &(Vec::new(), Vec::new()), out);
                },
                state,
            )
    }

    /// A question alone: what is typed stays in it, an answer goes out as an `Answer` and the
    /// question stays until the runner settles it; Cancel closes it with no answer.
    #[test]
    fn an_answer_is_sent_and_cancel_closes_the_question() {
        let mut h = alone(Modal::GoTo(String::new()));
        h.run_steps(2);
        h.get_by_label("Line, line:column or #offset")
            .type_text("12:5");
        h.run_steps(2);
        h.get_by_label("Go").click();
        h.run_steps(2);
        let (asking, _, out) = h.state();
        assert_eq!(
            out,
            &[Request::Answer(Box::new(Answer::GoTo("12:5".into())))]
        );
        assert_eq!(
            asking.modal,
            Some(Modal::GoTo("12:5".into())),
            "still asked, as typed"
        );
        h.get_by_label("Cancel").click();
        h.run_steps(2);
        let (asking, _, out) = h.state();
        assert_eq!(asking.modal, None, "Cancel closed it");
        assert_eq!(out.len(), 1, "with no answer");
    }

    /// The locked-project question answers with the file and whether to go on anyway.
    #[test]
    fn a_locked_project_is_opened_anyway_only_when_asked() {
        let path = std::path::PathBuf::from("/tmp/p.ron");
        let mut h = alone(Modal::Locked {
            holder: "ben on host".into(),
            path: path.clone(),
            for_save: false,
        });
        h.run_steps(2);
        h.get_by_label("Open anyway").click();
        h.run_steps(2);
        assert_eq!(
            h.state().2,
            vec![Request::Answer(Box::new(Answer::Locked {
                path,
                for_save: false,
                anyway: true
            }))]
        );
    }
}
