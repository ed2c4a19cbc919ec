//! The selected annotation's details below the annotation list: its tag, its entity (with a
//! type-ahead that finds or creates one), its links and its note.

use egui::{RichText, Ui};

use crate::model::{AnnotationId, Entity, EntityId, EntityKind};

use super::commands::Command;
use super::request::{Request, Requests};
use super::shared::Shared;
use super::theme;

/// Who made an annotation (and who changed it, if not they) and its review status.
fn byline(a: &crate::model::Annotation) -> String {
    let status = format!("{:?}", a.status).to_lowercase();
    match &a.changed_by {
        Some(by) => format!("by {}, changed by {by} · {status}", a.annotator),
        None => format!("by {} · {status}", a.annotator),
    }
}

/// The annotation list's and the inspector's own state.
#[derive(Default)]
pub struct Details {
    /// Show only this tag in the annotation list.
    pub tag_filter: Option<crate::model::TagId>,
    /// With a tag filter: show only the annotations that carry this value.
    pub value_filter: Option<crate::search::ValueFilter>,
    /// How `value_filter` is shown (its label when chosen).
    pub value_filter_label: String,
    /// Text typed in the entity field of the selected annotation.
    pub entity_query: String,
    /// The note being edited, for the selected annotation.
    pub note_draft: Option<(crate::model::AnnotationId, String)>,
    /// Type-ahead over the candidates of a link being made.
    pub link_filter: String,
    /// What is typed into the selected annotation's value fields.
    pub values: super::values::ValueDrafts,
}

impl Details {
    /// The selected annotation: tag, entity (type-ahead, new entity), links, note.
    pub(super) fn inspector_ui(&mut self, ui: &mut Ui, cx: &Shared, out: &mut Requests) {
        let Some(a) = cx.selected() else {
            ui.label(
                RichText::new("Select text and press a tag's key; click an annotation to edit it.")
                    .color(theme::weak(ui.visuals())),
            );
            ui.separator();
            return;
        };
        if let Some(why) = cx.protected(&a.id) {
            read_only_ui(ui, cx, a, &why, out);
            return;
        }
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.label(RichText::new(format!("“{}”", a.quote)).strong());
            ui.horizontal_wrapped(|ui| {
                ui.label("Tag:");
                for t in &cx.project().schema.tags {
                    // The tag chosen in the selection's own colours: a tag's colour on the
                    // selection's blue would not read.
                    let chosen = t.id == a.tag;
                    let label = if chosen {
                        RichText::new(&t.label).strong()
                    } else {
                        RichText::new(&t.label).color(theme::color(t.color))
                    };
                    theme::swatch_ui(ui, t.color);
                    if ui
                        .selectable_label(chosen, label)
                        .on_hover_text(&t.definition)
                        .clicked()
                        && t.id != a.tag
                    {
                        out.push(Request::Retag(a.id.clone(), t.id.clone()));
                    }
                }
            });
            ui.label(RichText::new(byline(a)).small());
            self.entity_ui(ui, cx, a, out);
            self.values.ui(ui, cx, a, out);
            self.links_ui(ui, cx, &a.id, out);
            self.note_ui(ui, cx, &a.id, &a.note, out);
            if ui.button("Delete annotation (Del)").clicked() {
                out.push(Request::Run(Command::Delete));
            }
        });
        ui.separator();
    }

    fn entity_ui(
        &mut self,
        ui: &mut Ui,
        cx: &Shared,
        a: &crate::model::Annotation,
        out: &mut Requests,
    ) {
        let (id, current, quote) = (&a.id, a.entity.as_ref(), a.quote.as_str());
        ui.horizontal(|ui| {
            ui.label("Entity:");
            match current.and_then(|e| cx.project().entities.get(e)) {
                Some(e) => {
                    ui.strong(&e.name);
                    if ui.small_button("Unlink").clicked() {
                        out.push(Request::SetEntity(id.clone(), None));
                    }
                }
                None => {
                    ui.weak("none");
                }
            }
        });
        let field = egui::TextEdit::singleline(&mut self.entity_query)
            .hint_text("Type to find or create an entity (E)")
            .desired_width(ui.available_width());
        let response = super::widgets::labelled(ui, "Find entity", field);
        if cx.selection.focus == Some("entity") {
            response.request_focus();
            out.push(Request::Focused);
        }
        let query = self.entity_query.trim().to_lowercase();
        if query.is_empty() {
            return;
        }
        let matches: Vec<(EntityId, String)> = cx
            .project()
            .entities
            .values()
            .filter(|e| {
                e.name.to_lowercase().contains(&query)
                    || e.aliases.iter().any(|a| a.to_lowercase().contains(&query))
            })
            .take(8)
            .map(|e| (e.id.clone(), e.name.clone()))
            .collect();
        let enter = super::widgets::submitted(ui, &response);
        let mut chosen = None;
        for (n, (eid, name)) in matches.iter().enumerate() {
            if ui.button(format!("→ {name}")).clicked() || (enter && n == 0) {
                chosen = Some(eid.clone());
            }
        }
        let typed = self.entity_query.trim().to_owned();
        let exact = matches.iter().any(|(_, n)| n.eq_ignore_ascii_case(&typed));
        let create = (!exact && ui.button(format!("New entity “{typed}”")).clicked())
            || (enter && matches.is_empty());
        if create {
            let entity = Entity {
                refs: Default::default(),
                id: EntityId(crate::model::fresh_id("e")),
                name: typed.clone(),
                kind: EntityKind::default(),
                aliases: if quote == typed {
                    Vec::new()
                } else {
                    vec![quote.to_owned()]
                },
                note: String::new(),
            };
            // Created and linked as one undo step.
            out.push(Request::NewEntityFor(id.clone(), Box::new(entity)));
            return;
        }
        if let Some(e) = chosen {
            out.push(Request::SetEntity(id.clone(), Some(e)));
        }
    }

    fn links_ui(&mut self, ui: &mut Ui, cx: &Shared, id: &AnnotationId, out: &mut Requests) {
        for r in cx.project().relations_of(id) {
            let text = cx.link_text(r, id).unwrap_or_default();
            ui.horizontal(|ui| {
                // The button first: the truncated label then takes what width is left.
                if ui
                    .small_button("Remove link")
                    .on_hover_text(format!("Remove the link “{text}”"))
                    .clicked()
                {
                    out.push(Request::RemoveRelation(r.id.clone()));
                }
                ui.add(egui::Label::new(text).truncate());
            });
        }
        if cx.selection.linking.as_ref().is_some_and(|l| &l.from == id) {
            self.link_picker_ui(ui, cx, id, out);
        }
    }

    /// Type-ahead over the annotations the selected one may link to.
    fn link_picker_ui(&mut self, ui: &mut Ui, cx: &Shared, id: &AnnotationId, out: &mut Requests) {
        ui.label(RichText::new("Link to… (click it in the text, or type)").strong());
        let response = super::widgets::labelled(
            ui,
            "Find link target",
            egui::TextEdit::singleline(&mut self.link_filter)
                .hint_text("actor or condition")
                .desired_width(ui.available_width()),
        );
        if cx.selection.focus == Some("link") {
            response.request_focus();
            out.push(Request::Focused);
        }
        let filter = self.link_filter.to_lowercase();
        let Some((doc, layer)) = cx
            .project()
            .annotations
            .get(id)
            .map(|a| (a.doc.clone(), a.annotator.clone()))
        else {
            return;
        };
        let Some(text) = cx.project().document(&doc).map(|d| d.text.as_str()) else {
            return;
        };
        // Targets in the claim's own layer: a link joins one analyst's reading of the text,
        // and the others' spans are theirs (in blind coding, not even shown).
        let candidates: Vec<(AnnotationId, String, String)> = cx
            .project()
            .annotations_of(&doc)
            .into_iter()
            .filter(|a| &a.id != id && a.annotator == layer)
            .filter(|a| cx.relation_kind(id, &a.id).is_some())
            .filter(|a| filter.is_empty() || a.quote.to_lowercase().contains(&filter))
            .take(10)
            .map(|a| {
                let tag = cx
                    .project()
                    .schema
                    .tag(&a.tag)
                    .map_or(a.tag.as_str(), |t| t.label.as_str());
                let context = crate::search::kwic(text, a.start()..a.end(), 5).line();
                (
                    a.id.clone(),
                    format!("→ {tag} “{}” · {layer}", a.quote),
                    context,
                )
            })
            .collect();
        let enter = super::widgets::submitted(ui, &response);
        for (n, (cid, label, context)) in candidates.iter().enumerate() {
            if ui.button(label).on_hover_text(context).clicked() || (enter && n == 0) {
                out.push(Request::FinishLink(cid.clone()));
                break;
            }
            ui.label(
                RichText::new(context)
                    .small()
                    .color(theme::weak(ui.visuals())),
            );
        }
    }

    fn note_ui(
        &mut self,
        ui: &mut Ui,
        cx: &Shared,
        id: &AnnotationId,
        note: &str,
        out: &mut Requests,
    ) {
        if self.note_draft.as_ref().is_none_or(|(d, _)| d != id) {
            self.note_draft = Some((id.clone(), note.to_owned()));
        }
        let Some((_, draft)) = &mut self.note_draft else {
            return;
        };
        let label = ui.label("Note (F2):");
        let response = ui
            .add(
                egui::TextEdit::multiline(draft)
                    .desired_rows(2)
                    .desired_width(ui.available_width()),
            )
            .labelled_by(label.id);
        if cx.selection.focus == Some("note") {
            response.request_focus();
            out.push(Request::Focused);
        }
        if response.lost_focus() && draft != note {
            out.push(Request::SetNote(id.clone(), draft.clone()));
        }
    }
}

/// Another annotator's annotation: what it is, and the way to change it.
fn read_only_ui(
    ui: &mut Ui,
    cx: &Shared,
    a: &crate::model::Annotation,
    why: &str,
    out: &mut Requests,
) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.label(RichText::new(format!("“{}”", a.quote)).strong());
        let tag = cx.project().schema.tag(&a.tag);
        ui.horizontal(|ui| {
            if let Some(t) = tag {
                theme::swatch_ui(ui, t.color);
            }
            ui.label(tag.map_or(a.tag.as_str(), |t| t.label.as_str()));
            if let Some(e) = a.entity.as_ref().and_then(|e| cx.project().entities.get(e)) {
                ui.label(format!("→ {}", e.name));
            }
        });
        ui.label(RichText::new(byline(a)).small());
        for r in cx.project().relations_of(&a.id) {
            if let Some(text) = cx.link_text(r, &a.id) {
                ui.add(egui::Label::new(text).truncate());
            }
        }
        if !a.note.is_empty() {
            ui.label(format!("Note: {}", a.note));
        }
        ui.label(
            RichText::new(format!("Read-only: {}'s layer.", a.annotator))
                .color(theme::weak(ui.visuals())),
        )
        .on_hover_text(why);
        if ui
            .button(format!("Edit {}'s layer…", a.annotator))
            .on_hover_text(Command::EditTheirLayer.tooltip())
            .clicked()
        {
            out.push(Request::Run(Command::EditTheirLayer));
        }
    });
    ui.separator();
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;

    use super::*;
    use crate::model::project_from_marked;
    use crate::ui::prefs::Prefs;
    use crate::ui::protect::Protection;
    use crate::ui::selection::Selection;
    use crate::workspace::Workspace;

    /// What the inspector reads, and what it asked for.
    struct Alone {
        details: Details,
        ws: Workspace,
        selection: Selection,
        prefs: Prefs,
        out: Requests,
    }

    fn alone(annotator: &str) -> (Harness<'static, Alone>, Vec<AnnotationId>) {
        let (project, ids) = project_from_marked(
            "[actor|President Macron] met Xi.",
            "ana",
            jiff::Timestamp::UNIX_EPOCH,
        )
        .unwrap();
        let state = Alone {
            details: Details::default(),
            ws: Workspace::new(project, None),
            selection: Selection {
                annotation: Some(ids[0].clone()),
                focus: Some("entity"),
                ..Selection::default()
            },
            prefs: Prefs {
                annotator: annotator.into(),
                ..Prefs::default()
            },
            out: Vec::new(),
        };
        let harness = Harness::builder()
            .with_size(egui::Vec2::new(360.0, 500.0))
            .with_context_setup(crate::ui::install_fonts)
            .build_ui_state(
                |ui, s: &mut Alone| {
                    let protection = Protection::default();
                    let cx = Shared {
                        ws: &s.ws,
                        selection: &s.selection,
                        prefs: &s.prefs,
                        protection: &protection,
                        comparing: false,
                        layers: &[],
                    };
                    s.details.inspector_ui(ui, &cx, &mut s.out);
                },
                state,
            );
        (harness, ids)
    }

    /// The inspector alone: a new entity typed and Enter ask for the entity to be made and
    /// given (one request, so one undo step), a retag asks for the edit; the project is
    /// unchanged until the runner acts.
    #[test]
    fn typing_a_new_entity_and_retagging_are_requests() {
        let (mut h, ids) = alone("ana");
        h.run_steps(2);
        let before = h.state().ws.version();
        // No runner here clears the focus asked for, so the field reports taking it each frame.
        let out = &h.state().out;
        assert!(
            !out.is_empty() && out.iter().all(|r| *r == Request::Focused),
            "the entity field took the focus: {out:?}"
        );
        h.state_mut().out.clear();
        h.state_mut().selection.focus = None;
        h.get_by_label("Find entity").type_text("Emmanuel Macron");
        h.run_steps(2);
        h.key_press(egui::Key::Enter);
        h.run_steps(2);
        let asked = std::mem::take(&mut h.state_mut().out);
        match asked.as_slice() {
            [Request::NewEntityFor(id, entity)] => {
                assert_eq!(id, &ids[0]);
                assert_eq!(entity.name, "Emmanuel Macron");
                assert_eq!(entity.aliases, vec!["President Macron".to_owned()]);
            }
            other => panic!("expected one new-entity request, got {other:?}"),
        }
        h.get_by_label("Claim").click();
        h.run_steps(2);
        let asked = std::mem::take(&mut h.state_mut().out);
        assert!(
            matches!(asked.as_slice(), [Request::Retag(id, tag)] if id == &ids[0] && tag.as_str() == "claim"),
            "{asked:?}"
        );
        assert_eq!(
            h.state().ws.version(),
            before,
            "the inspector changed nothing itself"
        );
    }

    /// Another annotator's annotation is shown read-only, with the way to open their layer
    /// as a command.
    #[test]
    fn a_colleagues_annotation_offers_only_to_open_their_layer() {
        let (mut h, _) = alone("ben");
        h.run_steps(2);
        assert!(
            h.query_by_label("Find entity").is_none(),
            "no entity field on ana's span"
        );
        h.get_by_label("Edit ana's layer…").click();
        h.run_steps(2);
        assert_eq!(
            h.state().out,
            vec![Request::Run(Command::EditTheirLayer)],
            "the button asks for the command"
        );
    }
}
