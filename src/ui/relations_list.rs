//! The article's relations as a list, in place of the annotation list when chosen: each one
//! from → type → to with the two quotes, either end a link to its span, the type changeable
//! to another the schema allows between the two tags, and a button to remove it. With the
//! arcs in the article (View › Show every relation as an arc), it is how an article's links
//! are audited, as doccano and Label Studio list them.

use egui::{RichText, ScrollArea, Ui};

use crate::model::{AnnotationId, Project, RelationKindId};

use super::article::{Link, LinkIndex};
use super::request::Request;
use super::theme;

/// What the relations list reads.
pub struct RelationsInput<'a> {
    /// The project.
    pub project: &'a Project,
    /// The relations between the annotations the article shows.
    pub links: &'a LinkIndex,
    /// The selected annotation.
    pub selected: Option<&'a AnnotationId>,
}

/// The relations list, which has no state of its own.
pub struct RelationsList;

impl RelationsList {
    /// The relations between the annotations the article shows; selecting an end, a new
    /// type and removing a link are asked for through `out`.
    pub fn ui(ui: &mut Ui, input: &RelationsInput, out: &mut Vec<Request>) {
        let links = &input.links.links;
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
        let row_height =
            2.0 * ui.text_style_height(&egui::TextStyle::Body) + 3.0 * ui.spacing().item_spacing.y;
        ScrollArea::vertical()
            .id_salt("relations list")
            .auto_shrink(false)
            .show_rows(ui, row_height, links.len(), |ui, rows| {
                for link in links.get(rows).unwrap_or_default() {
                    row_ui(ui, input, link, out);
                }
            });
    }
}

/// One relation: its source, its type, its target, and removing it.
fn row_ui(ui: &mut Ui, input: &RelationsInput, link: &Link, out: &mut Vec<Request>) {
    let project = input.project;
    let (Some(from), Some(to), Some(relation)) = (
        project.annotations.get(&link.from),
        project.annotations.get(&link.to),
        project.relations.get(&link.id),
    ) else {
        return;
    };
    let end = |ui: &mut Ui, a: &crate::model::Annotation, out: &mut Vec<Request>| {
        let tag = project.schema.tag(&a.tag);
        if let Some(t) = tag {
            theme::swatch_ui(ui, t.color);
        }
        let selected = input.selected == Some(&a.id);
        let button = egui::Button::selectable(selected, format!("“{}”", a.quote)).truncate();
        let tip = tag.map_or(String::new(), |t| format!("{}: {}", t.label, a.quote));
        if ui.add(button).on_hover_text(tip).clicked() {
            out.push(Request::Select(Some(a.id.clone())));
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
            out.push(Request::RemoveRelation(link.id.clone()));
        }
        end(ui, from, out);
    });
    ui.horizontal(|ui| {
        ui.add_space(18.0);
        // The types the schema allows between these two tags, the current one first.
        let kinds: Vec<(RelationKindId, String)> = project
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
            out.push(Request::RetypeRelation(link.id.clone(), chosen));
        }
        end(ui, to, out);
        if let Some(by) = &relation.changed_by {
            ui.label(
                RichText::new(format!("{}'s, changed by {by}", relation.annotator))
                    .color(theme::weak(ui.visuals())),
            );
        }
    });
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;

    use super::*;
    use crate::model::{RelationKindId, ops, project_from_marked};

    /// The list alone, with no window: clicking an end or the remove button asks for it, and
    /// the project is not changed by the list itself.
    #[test]
    fn rows_ask_for_selection_and_removal() {
        let (mut project, ids) = project_from_marked(
            "[actor|Macron] said [claim|talks must start]",
            "ana",
            jiff::Timestamp::UNIX_EPOCH,
        )
        .unwrap();
        let said = RelationKindId("said_by".into());
        let edit = ops::add_relation(&project, &said, &ids[1], &ids[0], "ana").unwrap();
        edit.apply(&mut project).unwrap();
        let relation = project.relations.keys().next().unwrap().clone();
        let mut view = super::super::article::ArticleView::default();
        view.sync(&project, &project.documents[0], 0, None);
        let links = view.links(&project);
        let state = (project, links, Vec::<Request>::new());
        let mut harness =
            Harness::builder()
                .with_size(egui::Vec2::new(420.0, 400.0))
                .with_context_setup(crate::ui::install_fonts)
                .build_ui_state(
                    |ui,
                     (project, links, out): &mut (
                        Project,
                        std::sync::Arc<LinkIndex>,
                        Vec<Request>,
                    )| {
                        let input = RelationsInput {
                            project,
                            links,
                            selected: None,
                        };
                        RelationsList::ui(ui, &input, out);
                    },
                    state,
                );
        harness.run_steps(2);
        harness.get_by_label("1 links in this article");
        harness.get_by_label("“Macron”").click();
        harness.run_steps(2);
        harness
            .get_by_label("Remove the link talks must start → said by → Macron")
            .click();
        harness.run_steps(2);
        let (project, _, out) = harness.state();
        assert_eq!(
            out,
            &[
                Request::Select(Some(ids[0].clone())),
                Request::RemoveRelation(relation)
            ]
        );
        assert_eq!(
            project.relations.len(),
            1,
            "the list changed nothing itself"
        );
    }
}
