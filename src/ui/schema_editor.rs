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
    /// The tag whose attributes are shown (an index into `tags`).
    pub attributes_of: usize,
    /// The values of each choice variable as typed ("Le Monde, Bild"), by index.
    pub variable_text: std::collections::BTreeMap<usize, String>,
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
            attributes_of: 0,
            variable_text: Default::default(),
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
                ui.separator();
                attributes_ui(ui, draft, cx.project());
                ui.separator();
                variables_ui(ui, draft);
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
/// The kinds of attribute, by the name the analyst picks.
const KINDS: [&str; 5] = ["flag", "choice", "scale", "text", "code"];

/// A new attribute of kind `name` (a choice with two values to start from, a scale −2 … +2,
/// a code of the project's first codebook).
fn attribute_kind(name: &str, project: &crate::model::Project) -> crate::model::AttributeKind {
    use crate::model::{AttributeKind, ChoiceValue};
    match name {
        "choice" => AttributeKind::Choice {
            values: ["yes", "no"]
                .iter()
                .zip([PALETTE[2], PALETTE[5]])
                .map(|(v, color)| ChoiceValue {
                    id: (*v).to_owned(),
                    label: (*v).to_owned(),
                    color,
                    key: None,
                })
                .collect(),
            multiple: false,
            default: None,
        },
        "scale" => AttributeKind::Scale { min: -2, max: 2 },
        "text" => AttributeKind::Text,
        "code" => AttributeKind::Code {
            codebook: project
                .codebooks
                .keys()
                .next()
                .cloned()
                .unwrap_or_else(|| crate::model::CONCEPTS.into()),
        },
        _ => AttributeKind::Flag,
    }
}

/// The attributes of one tag: name, id, kind and definition, a choice's values (name, key,
/// colour), a scale's range, a code's codebook; added and deleted.
fn attributes_ui(ui: &mut Ui, draft: &mut SchemaDraft, project: &crate::model::Project) {
    use crate::model::{Attribute, AttributeKind, ChoiceValue};
    ui.heading("Attributes");
    if draft.tags.is_empty() {
        return;
    }
    draft.attributes_of = draft.attributes_of.min(draft.tags.len() - 1);
    let mut of = draft.attributes_of;
    ui.horizontal(|ui| {
        let caption = ui.label("What is coded on a");
        egui::ComboBox::from_id_salt("attributes of")
            .selected_text(
                draft
                    .tags
                    .get(of)
                    .map_or("", |t| t.label.as_str())
                    .to_owned(),
            )
            .show_ui(ui, |ui| {
                for (i, t) in draft.tags.iter().enumerate() {
                    ui.selectable_value(&mut of, i, &t.label);
                }
            })
            .response
            .labelled_by(caption.id);
    });
    draft.attributes_of = of;
    let Some(row) = draft.tags.get_mut(of) else {
        return;
    };
    let mut remove = None;
    for (k, a) in row.attributes.iter_mut().enumerate() {
        let name = format!("attribute {}", k + 1);
        ui.horizontal_wrapped(|ui| {
            let mut label = a.label.clone();
            text_cell(ui, &mut label, &format!("Name of {name}"), 120.0);
            a.label = label;
            let mut id = a.id.as_str().to_owned();
            text_cell(ui, &mut id, &format!("Id of {name}"), 90.0);
            a.id = id.trim().into();
            let mut kind = a.kind.name();
            let kind_name = format!("Kind of {name}");
            egui::ComboBox::from_id_salt(("kind", k))
                .selected_text(kind)
                .show_ui(ui, |ui| {
                    for n in KINDS {
                        ui.selectable_value(&mut kind, n, n);
                    }
                })
                .response
                .widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, &kind_name));
            if kind != a.kind.name() {
                a.kind = attribute_kind(kind, project);
            }
            text_cell(
                ui,
                &mut a.definition,
                &format!("Definition of {name}"),
                220.0,
            );
            if ui
                .button("Delete")
                .on_hover_text(format!("Delete {name}"))
                .clicked()
            {
                remove = Some(k);
            }
        });
        match &mut a.kind {
            AttributeKind::Choice {
                values, multiple, ..
            } => {
                ui.indent(("values", k), |ui| {
                    let mut gone = None;
                    for (j, v) in values.iter_mut().enumerate() {
                        let vname = format!("value {} of {name}", j + 1);
                        ui.horizontal(|ui| {
                            text_cell(ui, &mut v.label, &format!("Name of {vname}"), 140.0);
                            let mut key = v.key.clone().unwrap_or_default();
                            text_cell(ui, &mut key, &format!("Key of {vname}"), 30.0);
                            v.key = Some(key.trim().to_owned()).filter(|k| !k.is_empty());
                            let mut c = [v.color.0, v.color.1, v.color.2];
                            ui.color_edit_button_srgb(&mut c)
                                .on_hover_text(format!("Colour of {vname}"));
                            v.color = Rgb(c[0], c[1], c[2]);
                            let delete = format!("Delete {vname}");
                            let b = ui.small_button("✕").on_hover_text(&delete);
                            b.widget_info(|| {
                                egui::WidgetInfo::labeled(egui::Role::Button, true, &delete)
                            });
                            if b.clicked() {
                                gone = Some(j);
                            }
                        });
                    }
                    if let Some(j) = gone {
                        values.remove(j);
                    }
                    ui.horizontal(|ui| {
                        if ui.button("Add value").clicked() {
                            let n = values.len() + 1;
                            values.push(ChoiceValue {
                                id: format!("value{n}"),
                                label: format!("value {n}"),
                                color: PALETTE
                                    .get(n % PALETTE.len())
                                    .copied()
                                    .unwrap_or(Rgb(128, 128, 128)),
                                key: None,
                            });
                        }
                        ui.checkbox(multiple, "Several at once");
                    });
                });
            }
            AttributeKind::Scale { min, max } => {
                ui.indent(("scale", k), |ui| {
                    ui.horizontal(|ui| {
                        ui.label("From");
                        ui.add(egui::DragValue::new(min));
                        ui.label("to");
                        ui.add(egui::DragValue::new(max));
                    });
                });
            }
            AttributeKind::Code { codebook } => {
                ui.indent(("code", k), |ui| {
                    ui.horizontal(|ui| {
                        let caption = ui.label("Codes from");
                        egui::ComboBox::from_id_salt(("codebook", k))
                            .selected_text(
                                project
                                    .codebooks
                                    .get(codebook)
                                    .map_or(codebook.as_str(), |b| b.label.as_str())
                                    .to_owned(),
                            )
                            .show_ui(ui, |ui| {
                                for b in project.codebooks.values() {
                                    ui.selectable_value(codebook, b.id.clone(), &b.label);
                                }
                            })
                            .response
                            .labelled_by(caption.id);
                    });
                });
            }
            AttributeKind::Flag | AttributeKind::Text => {}
        }
    }
    if let Some(k) = remove {
        row.attributes.remove(k);
    }
    if ui.button("Add attribute").clicked() {
        let n = row.attributes.len() + 1;
        row.attributes.push(Attribute {
            id: format!("attribute{n}").as_str().into(),
            label: format!("Attribute {n}"),
            definition: String::new(),
            kind: AttributeKind::Flag,
        });
    }
}

/// The project's article variables: name, id, kind (a choice's values separated by commas).
fn variables_ui(ui: &mut Ui, draft: &mut SchemaDraft) {
    use crate::model::{Variable, VariableKind};
    ui.heading("Article variables");
    let mut remove = None;
    let SchemaDraft {
        variables,
        variable_text,
        ..
    } = draft;
    for (k, v) in variables.iter_mut().enumerate() {
        let name = format!("variable {}", k + 1);
        ui.horizontal_wrapped(|ui| {
            text_cell(ui, &mut v.label, &format!("Name of {name}"), 120.0);
            let mut id = v.id.as_str().to_owned();
            text_cell(ui, &mut id, &format!("Id of {name}"), 90.0);
            v.id = id.trim().into();
            let current = match &v.kind {
                VariableKind::Text => "text",
                VariableKind::Number => "number",
                VariableKind::Date => "date",
                VariableKind::Choice { .. } => "choice",
            };
            let mut kind = current;
            let kind_name = format!("Kind of {name}");
            egui::ComboBox::from_id_salt(("variable kind", k))
                .selected_text(kind)
                .show_ui(ui, |ui| {
                    for n in ["text", "number", "date", "choice"] {
                        ui.selectable_value(&mut kind, n, n);
                    }
                })
                .response
                .widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, &kind_name));
            if kind != current {
                variable_text.remove(&k);
                v.kind = match kind {
                    "number" => VariableKind::Number,
                    "date" => VariableKind::Date,
                    "choice" => VariableKind::Choice { values: Vec::new() },
                    _ => VariableKind::Text,
                };
            }
            if let VariableKind::Choice { values } = &mut v.kind {
                // Kept as typed (a space or comma at the end stays), read into values.
                let raw = variable_text.entry(k).or_insert_with(|| values.join(", "));
                text_cell(ui, raw, &format!("Values of {name}"), 220.0);
                *values = raw
                    .split(',')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect();
            }
            if ui
                .button("Delete")
                .on_hover_text(format!("Delete {name}"))
                .clicked()
            {
                remove = Some(k);
            }
        });
    }
    if let Some(k) = remove {
        variables.remove(k);
        variable_text.clear();
    }
    if ui.button("Add article variable").clicked() {
        let n = variables.len() + 1;
        variables.push(Variable {
            id: format!("variable{n}").as_str().into(),
            label: format!("Variable {n}"),
            definition: String::new(),
            kind: VariableKind::Text,
        });
    }
}

fn text_cell(ui: &mut Ui, value: &mut String, label: &str, width: f32) {
    let height = ui.spacing().interact_size.y;
    let response = ui.add_sized([width, height], egui::TextEdit::singleline(value));
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, label));
}
