//! The schema editor: tags and relation types added, renamed, recoloured, reordered, given
//! keys and definitions. Changes are made on a draft and applied as one undoable step;
//! a changed tag id migrates its annotations, and deleting a tag in use asks first. The window
//! asks for the draft to be applied (`Request::ApplySchema`); `run/schema.rs` applies it.

use egui::{RichText, Ui};

use crate::model::{PALETTE, RelationKindId, RelationType, Rgb, Schema, TagId, TagType};

use super::dialogs::Modal;
use super::request::{Request, Requests};
use super::shared::Shared;

/// A tag as edited.
#[derive(Clone, Debug, PartialEq)]
pub struct TagRow {
    /// The id it had when the editor opened (`None`: added now).
    pub original: Option<TagId>,
    /// Id (what files and exports use).
    pub id: String,
    /// Name shown.
    pub label: String,
    /// Colour.
    pub color: [u8; 3],
    /// Key ("1" … or a letter; empty for none).
    pub key: String,
    /// Definition, shown as a tooltip where the analyst tags.
    pub definition: String,
    /// Longer guideline, kept as it was.
    pub guideline: String,
    /// Its attributes, kept as they were (edited elsewhere).
    pub attributes: Vec<crate::model::Attribute>,
}

/// The editor's draft of the schema.
#[derive(Clone, Debug, PartialEq)]
pub struct SchemaDraft {
    /// Tags in order.
    pub tags: Vec<TagRow>,
    /// Relation types.
    pub relations: Vec<RelationType>,
    /// Article variables, kept as they were.
    pub variables: Vec<crate::model::Variable>,
    /// Tags deleted (the analyst confirmed when they were in use).
    pub deleted: Vec<TagId>,
    /// The last problem found when applying.
    pub problem: Option<String>,
}

impl SchemaDraft {
    /// A draft of `schema`.
    pub fn of(schema: &Schema) -> Self {
        SchemaDraft {
            tags: schema
                .tags
                .iter()
                .map(|t| TagRow {
                    original: Some(t.id.clone()),
                    id: t.id.as_str().to_owned(),
                    label: t.label.clone(),
                    color: [t.color.0, t.color.1, t.color.2],
                    key: t.key.clone().unwrap_or_default(),
                    definition: t.definition.clone(),
                    guideline: t.guideline.clone(),
                    attributes: t.attributes.clone(),
                })
                .collect(),
            relations: schema.relations.clone(),
            variables: schema.variables.clone(),
            deleted: Vec::new(),
            problem: None,
        }
    }

    /// The schema the draft describes, with tag ids as they will be after renames.
    pub fn schema(&self) -> Schema {
        Schema {
            variables: self.variables.clone(),
            tags: self
                .tags
                .iter()
                .map(|r| TagType {
                    attributes: r.attributes.clone(),
                    id: TagId(r.id.trim().to_owned()),
                    label: r.label.trim().to_owned(),
                    color: Rgb(r.color[0], r.color[1], r.color[2]),
                    key: Some(r.key.trim().to_owned()).filter(|k| !k.is_empty()),
                    definition: r.definition.trim().to_owned(),
                    guideline: r.guideline.clone(),
                })
                .collect(),
            relations: self
                .relations
                .iter()
                .map(|r| {
                    let mut r = r.clone();
                    for list in [&mut r.from, &mut r.to] {
                        for t in list.iter_mut() {
                            *t = self.renamed(t);
                        }
                    }
                    r
                })
                .collect(),
        }
    }

    /// What tag `id` (as it was when the editor opened) is called in the draft.
    fn renamed(&self, id: &TagId) -> TagId {
        self.tags
            .iter()
            .find(|r| r.original.as_ref() == Some(id))
            .map_or_else(|| id.clone(), |r| TagId(r.id.trim().to_owned()))
    }
}

impl SchemaDraft {
    /// The schema editor window over `slot` (closed: `None`).
    pub(super) fn window_ui(
        slot: &mut Option<SchemaDraft>,
        ctx: &egui::Context,
        cx: &Shared,
        out: &mut Requests,
    ) {
        let Some(draft) = slot else {
            return;
        };
        let mut open = true;
        let mut apply = false;
        let mut ask_delete = None;
        egui::Window::new("Tags and relations")
            .open(&mut open)
            .default_width(820.0)
            .show(ctx, |ui| {
                ui.label(
                    RichText::new(
                        "Definitions appear as tooltips on the tag buttons: the guidelines, inline.",
                    )
                    .weak(),
                );
                tags_ui(ui, draft, cx.project(), &mut ask_delete);
                ui.separator();
                relations_ui(ui, draft);
                if let Some(p) = &draft.problem {
                    ui.colored_label(ui.visuals().error_fg_color, p);
                }
                ui.horizontal(|ui| {
                    if ui.button("Apply").clicked() {
                        apply = true;
                    }
                    ui.label(RichText::new("One step: Ctrl+Z undoes it.").weak());
                });
            });
        if let Some((tag, uses)) = ask_delete {
            out.push(Request::Ask(Modal::DeleteTag { tag, uses }));
        }
        if apply {
            // The runner closes the editor if the schema is taken, else shows why here.
            out.push(Request::ApplySchema(Box::new(draft.clone())));
        }
        if !open {
            *slot = None;
        }
    }
}

fn tags_ui(
    ui: &mut Ui,
    draft: &mut SchemaDraft,
    project: &crate::model::Project,
    ask_delete: &mut Option<(TagId, usize)>,
) {
    ui.heading("Tags");
    let mut swap = None;
    let mut remove = None;
    let n = draft.tags.len();
    egui::Grid::new("tag rows").striped(true).show(ui, |ui| {
        for h in ["", "Name", "Id", "Key", "Colour", "Definition", ""] {
            ui.strong(h);
        }
        ui.end_row();
        for (i, row) in draft.tags.iter_mut().enumerate() {
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(i > 0, egui::Button::new("↑"))
                    .on_hover_text("Move up")
                    .clicked()
                {
                    swap = Some((i - 1, i));
                }
                if ui
                    .add_enabled(i + 1 < n, egui::Button::new("↓"))
                    .on_hover_text("Move down")
                    .clicked()
                {
                    swap = Some((i, i + 1));
                }
            });
            let name = format!("tag {}", i + 1);
            text_cell(ui, &mut row.label, &format!("Name of {name}"), 140.0);
            text_cell(ui, &mut row.id, &format!("Id of {name}"), 110.0);
            text_cell(ui, &mut row.key, &format!("Key of {name}"), 36.0);
            ui.color_edit_button_srgb(&mut row.color)
                .on_hover_text(format!("Colour of {name}"));
            text_cell(
                ui,
                &mut row.definition,
                &format!("Definition of {name}"),
                300.0,
            );
            if ui
                .button("Delete")
                .on_hover_text(format!("Delete {name}"))
                .clicked()
            {
                remove = Some(i);
            }
            ui.end_row();
        }
    });
    if let Some((a, b)) = swap {
        draft.tags.swap(a, b);
    }
    if let Some(i) = remove
        && let Some(row) = draft.tags.get(i)
    {
        let uses = row.original.as_ref().map_or(0, |t| {
            project.annotations.values().filter(|a| &a.tag == t).count()
        });
        match (&row.original, uses) {
            (Some(t), n) if n > 0 => *ask_delete = Some((t.clone(), n)),
            (original, _) => {
                if let Some(t) = original.clone() {
                    draft.deleted.push(t);
                }
                draft.tags.remove(i);
            }
        }
    }
    if ui.button("Add tag").clicked() {
        let k = draft.tags.len();
        let color = PALETTE
            .get(k % PALETTE.len())
            .copied()
            .unwrap_or(Rgb(128, 128, 128));
        let key = if k < 9 {
            (k + 1).to_string()
        } else {
            String::new()
        };
        draft.tags.push(TagRow {
            attributes: Default::default(),
            original: None,
            id: format!("tag{}", k + 1),
            label: format!("Tag {}", k + 1),
            color: [color.0, color.1, color.2],
            key,
            definition: String::new(),
            guideline: String::new(),
        });
    }
}

fn relations_ui(ui: &mut Ui, draft: &mut SchemaDraft) {
    ui.heading("Relations");
    let tag_ids: Vec<(TagId, String)> = draft
        .tags
        .iter()
        .map(|r| (TagId(r.id.trim().to_owned()), r.label.clone()))
        .collect();
    let mut remove = None;
    for (i, rel) in draft.relations.iter_mut().enumerate() {
        ui.group(|ui| {
            ui.horizontal(|ui| {
                let name = format!("relation {}", i + 1);
                text_cell(ui, &mut rel.label, &format!("Name of {name}"), 120.0);
                text_cell(
                    ui,
                    &mut rel.definition,
                    &format!("Definition of {name}"),
                    260.0,
                );
                if ui
                    .button("Delete")
                    .on_hover_text(format!("Delete {name}"))
                    .clicked()
                {
                    remove = Some(i);
                }
            });
            for (side, list) in [("from", &mut rel.from), ("to", &mut rel.to)] {
                ui.horizontal_wrapped(|ui| {
                    ui.label(format!("{side}:"));
                    for (id, label) in &tag_ids {
                        let mut on = list.contains(id);
                        if ui.checkbox(&mut on, label).changed() {
                            if on {
                                list.push(id.clone());
                            } else {
                                list.retain(|t| t != id);
                            }
                        }
                    }
                });
            }
        });
    }
    if let Some(i) = remove {
        draft.relations.remove(i);
    }
    if ui.button("Add relation").clicked() {
        let k = draft.relations.len() + 1;
        draft.relations.push(RelationType {
            attributes: Default::default(),
            id: RelationKindId(format!("relation{k}")),
            label: format!("relation {k}"),
            from: Vec::new(),
            to: Vec::new(),
            definition: String::new(),
        });
    }
}

/// A text field `width` points wide. `add_sized`, because a grid cell gives a field only
/// the width its column had last frame, which for a new grid is next to nothing.
fn text_cell(ui: &mut Ui, value: &mut String, label: &str, width: f32) {
    let height = ui.spacing().interact_size.y;
    let response = ui.add_sized([width, height], egui::TextEdit::singleline(value));
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, label));
}
