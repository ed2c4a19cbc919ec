//! The article's relations as a list, in place of the annotation list when chosen: each one
//! from → type → to with the two quotes, either end a link to its span, the type changeable
//! to another the schema allows between the two tags, and a button to remove it. With the
//! arcs in the article (View › Show every relation as an arc), it is how an article's links
//! are audited, as doccano and Label Studio list them.

use egui::{RichText, ScrollArea, Ui};

use crate::model::{AnnotationId, RelationId, RelationKindId, ops};

use super::app::MarginaliaApp;
use super::theme;

/// What a row asked for.
enum Action {
    Select(AnnotationId),
    Retype(RelationId, RelationKindId),
    Remove(RelationId),
}

impl MarginaliaApp {
    /// The relations between the annotations the article shows.
    pub(super) fn relations_list_ui(&mut self, ui: &mut Ui) {
        let index = self.view.links(self.ws.project());
        let links = &index.links;
        ui.label(
            RichText::new(format!("{} links in this article", links.len()))
                .color(theme::weak(ui.visuals())),
        );
        if links.is_empty() {
            ui.label(
                RichText::new(
                    "Select a claim and press L to link it to its speaker or a condition.",
                )
                .color(theme::weak(ui.visuals())),
            );
            return;
        }
        ui.separator();
        let mut action = None;
        let row_height =
            2.0 * ui.text_style_height(&egui::TextStyle::Body) + 3.0 * ui.spacing().item_spacing.y;
        ScrollArea::vertical()
            .id_salt("relations list")
            .auto_shrink(false)
            .show_rows(ui, row_height, links.len(), |ui, rows| {
                for link in links.get(rows).unwrap_or_default() {
                    self.relation_row_ui(ui, link, &mut action);
                }
            });
        match action {
            Some(Action::Select(id)) => self.select(Some(id)),
            Some(Action::Retype(id, kind)) => {
                let edit = ops::set_relation_kind(self.ws.project(), &id, &kind);
                self.change_relation("Change link type", &id, edit);
            }
            Some(Action::Remove(id)) => {
                let edit = ops::remove_relation(self.ws.project(), &id);
                self.change_relation("Remove link", &id, edit);
            }
            None => {}
        }
    }

    /// One relation: its source, its type, its target, and removing it.
    fn relation_row_ui(
        &self,
        ui: &mut Ui,
        link: &super::article::Link,
        action: &mut Option<Action>,
    ) {
        let (Some(from), Some(to), Some(relation)) = (
            self.ws.project().annotations.get(&link.from),
            self.ws.project().annotations.get(&link.to),
            self.ws.project().relations.get(&link.id),
        ) else {
            return;
        };
        let end = |ui: &mut Ui, a: &crate::model::Annotation, action: &mut Option<Action>| {
            let tag = self.ws.project().schema.tag(&a.tag);
            if let Some(t) = tag {
                theme::swatch_ui(ui, t.color);
            }
            let selected = self.selection.annotation.as_ref() == Some(&a.id);
            let button = egui::Button::selectable(selected, format!("“{}”", a.quote)).truncate();
            let tip = tag.map_or(String::new(), |t| format!("{}: {}", t.label, a.quote));
            if ui.add(button).on_hover_text(tip).clicked() {
                *action = Some(Action::Select(a.id.clone()));
            }
        };
        ui.horizontal(|ui| {
            let remove = ui.small_button("✕").on_hover_text("Remove this link");
            let name = format!(
                "Remove the link {} → {} → {}",
                from.quote, link.label, to.quote
            );
            remove.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &name));
            if remove.clicked() {
                *action = Some(Action::Remove(link.id.clone()));
            }
            end(ui, from, action);
        });
        ui.horizontal(|ui| {
            ui.add_space(18.0);
            // The types the schema allows between these two tags, the current one first.
            let kinds: Vec<(RelationKindId, String)> = self
                .ws
                .project()
                .schema
                .relations
                .iter()
                .filter(|k| k.allows(&from.tag, &to.tag))
                .map(|k| (k.id.clone(), k.label.clone()))
                .collect();
            let mut chosen = relation.kind.clone();
            egui::ComboBox::from_id_salt(("link type", link.id.as_str()))
                .selected_text(format!("→ {} →", link.label))
                .show_ui(ui, |ui| {
                    for (id, label) in &kinds {
                        ui.selectable_value(&mut chosen, id.clone(), label);
                    }
                })
                .response
                .widget_info(|| {
                    egui::WidgetInfo::labeled(
                        egui::Role::ComboBox,
                        true,
                        format!("Type of the link from {}", from.quote),
                    )
                });
            if chosen != relation.kind {
                *action = Some(Action::Retype(link.id.clone(), chosen));
            }
            end(ui, to, action);
            if let Some(by) = &relation.changed_by {
                ui.label(
                    RichText::new(format!("{}'s, changed by {by}", relation.annotator))
                        .color(theme::weak(ui.visuals())),
                );
            }
        });
    }
}
