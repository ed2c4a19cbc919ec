//! The codes of an export in Label Studio's terms: one per-region control per attribute label
//! (the tags that declare it named in `whenLabelValue`), and a task-level `Choices` per choice
//! variable.
//!
//! Attributes of several tags that share a label share a control when their kinds agree (a
//! choice and a code both become `Choices`, their values united; scales unite their ranges).
//! An attribute whose label is taken by a control of another kind, or by one of the export's
//! own controls (`label`, `text`, `note`, `entity`, `status`), gets no control: its values are
//! counted as not carried, as is a choice or code the schema or codebook lacks. A control
//! with no values to offer (a code attribute of an empty codebook) is left out of the config:
//! Label Studio refuses a `Choices` without a `Choice`.

use std::collections::HashMap;

use crate::model::{AttributeId, AttributeKind, Project, TagId, Value, VariableKind};

use super::{ENTITY, LABELS, NOTE, STATUS, TEXT};

/// What a per-region control asks for.
#[derive(Debug, PartialEq)]
pub(super) enum ControlKind {
    /// `<Choices>` with these values (a choice's labels, a codebook's code labels).
    Choices {
        /// Value labels, as spelled.
        values: Vec<String>,
        /// `choice="multiple"`.
        multiple: bool,
    },
    /// A `<Choices choice="multiple">` with one choice, the attribute's label: a checkbox.
    Flag,
    /// `<Number min max>`.
    Number {
        /// Smallest value.
        min: i32,
        /// Largest value.
        max: i32,
    },
    /// `<TextArea>`.
    TextArea,
}

/// One per-region control.
#[derive(Debug)]
pub(super) struct Control {
    /// Its `name`: the attribute label as spelled.
    pub name: String,
    /// What it asks for.
    pub kind: ControlKind,
    /// Ids of the tags whose regions it codes (the labels the export writes).
    pub tags: Vec<String>,
}

/// A value as a per-region result carries it.
pub(super) enum Written<'a> {
    /// `value.choices`.
    Choices(Vec<&'a str>),
    /// `value.number`.
    Number(i32),
    /// `value.text`, one submission.
    Text(&'a str),
}

/// The controls of one export.
pub(super) struct Controls {
    /// Per-region controls, in the order of the schema's tags and their attributes.
    pub per_region: Vec<Control>,
    /// Which control codes an attribute of a tag.
    by_attribute: HashMap<(TagId, AttributeId), usize>,
    /// Task-level `Choices`: a choice variable's label and values.
    pub task: Vec<(String, Vec<String>)>,
}

/// Whether `name` is taken by one of the export's own controls.
fn reserved(name: &str) -> bool {
    [LABELS, TEXT, NOTE, ENTITY, STATUS]
        .iter()
        .any(|r| r.eq_ignore_ascii_case(name))
}

impl Controls {
    /// The controls for `project`'s schema.
    pub fn new(project: &Project) -> Self {
        let mut per_region: Vec<Control> = Vec::new();
        let mut by_attribute = HashMap::new();
        for tag in &project.schema.tags {
            for a in &tag.attributes {
                if reserved(&a.label) {
                    continue;
                }
                let kind = match &a.kind {
                    AttributeKind::Flag => ControlKind::Flag,
                    AttributeKind::Choice {
                        values, multiple, ..
                    } => ControlKind::Choices {
                        values: values.iter().map(|v| v.label.clone()).collect(),
                        multiple: *multiple,
                    },
                    AttributeKind::Scale { min, max } => ControlKind::Number {
                        min: *min,
                        max: *max,
                    },
                    AttributeKind::Text => ControlKind::TextArea,
                    AttributeKind::Code { codebook } => ControlKind::Choices {
                        values: project
                            .codebooks
                            .get(codebook)
                            .map(|b| b.codes.iter().map(|c| c.label.clone()).collect())
                            .unwrap_or_default(),
                        multiple: false,
                    },
                };
                let index = match per_region.iter().position(|c| c.name == a.label) {
                    None => {
                        per_region.push(Control {
                            name: a.label.clone(),
                            kind,
                            tags: Vec::new(),
                        });
                        per_region.len() - 1
                    }
                    Some(i) => {
                        let Some(control) = per_region.get_mut(i) else {
                            continue;
                        };
                        if !unite(&mut control.kind, kind) {
                            continue;
                        }
                        i
                    }
                };
                if let Some(control) = per_region.get_mut(index)
                    && !control.tags.contains(&tag.id.to_string())
                {
                    control.tags.push(tag.id.to_string());
                }
                by_attribute.insert((tag.id.clone(), a.id.clone()), index);
            }
        }
        let task = project
            .schema
            .variables
            .iter()
            .filter_map(|v| match &v.kind {
                VariableKind::Choice { values } => Some((v.label.clone(), values.clone())),
                _ => None,
            })
            .filter(|(name, _)| {
                !reserved(name) && !per_region.iter().any(|c| c.name.eq_ignore_ascii_case(name))
            })
            .collect();
        Controls {
            per_region,
            by_attribute,
            task,
        }
    }

    /// The control for `value` of attribute `attribute` on a span tagged `tag`, and the value
    /// as its result writes it; `None` when it has no control (counted as not carried).
    pub fn result<'p>(
        &self,
        project: &'p Project,
        tag: &TagId,
        attribute: &AttributeId,
        value: &'p Value,
    ) -> Option<(&Control, Written<'p>)> {
        let control = self
            .by_attribute
            .get(&(tag.clone(), attribute.clone()))
            .and_then(|&i| self.per_region.get(i))?;
        let a = project.schema.tag(tag)?.attribute(attribute)?;
        let written = match (&a.kind, value) {
            (AttributeKind::Flag, Value::Flag) => Written::Choices(vec![a.label.as_str()]),
            // A choice or code the schema lacks has no `<Choice>` in the config either.
            (AttributeKind::Choice { values, .. }, Value::Choice(chosen)) => Written::Choices(
                chosen
                    .iter()
                    .map(|c| values.iter().find(|v| &v.id == c).map(|v| v.label.as_str()))
                    .collect::<Option<_>>()?,
            ),
            (AttributeKind::Scale { .. }, Value::Scale(n)) => Written::Number(*n),
            (AttributeKind::Text, Value::Text(t)) => Written::Text(t),
            (AttributeKind::Code { codebook }, Value::Code(code)) => Written::Choices(vec![
                project
                    .codebooks
                    .get(codebook)
                    .and_then(|b| b.code(code))?
                    .label
                    .as_str(),
            ]),
            _ => return None,
        };
        Some((control, written))
    }
}

/// `kind` widened to take what `other` asks for; false when they cannot share a control.
fn unite(kind: &mut ControlKind, other: ControlKind) -> bool {
    match (kind, other) {
        (ControlKind::Flag, ControlKind::Flag) | (ControlKind::TextArea, ControlKind::TextArea) => {
            true
        }
        (
            ControlKind::Choices { values, multiple },
            ControlKind::Choices {
                values: more,
                multiple: several,
            },
        ) => {
            for v in more {
                if !values.contains(&v) {
                    values.push(v);
                }
            }
            *multiple |= several;
            true
        }
        (ControlKind::Number { min, max }, ControlKind::Number { min: lo, max: hi }) => {
            *min = (*min).min(lo);
            *max = (*max).max(hi);
            true
        }
        _ => false,
    }
}
