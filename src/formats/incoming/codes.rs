//! The planner's part for codes: attributes declared or met on incoming spans and links,
//! their values, codes grown into codebooks, article variables and entity references.
//!
//! Names are matched to the schema as tags are (label or id, without regard to case); an
//! attribute, choice value, code or variable the project lacks is added with the spelling the
//! input gave it as its label, and an id made from it. A choice attribute or a scale that meets
//! a value it does not allow is widened, as a relation type is widened to allow new ends; a
//! value that cannot be a value of its attribute's kind at all is a problem at its place.

use std::collections::BTreeMap;

use crate::model::{
    Attribute, AttributeId, AttributeKind, ChoiceValue, Code, CodeId, CodebookId, DocId,
    ExternalRef, PALETTE, RelationKindId, Rgb, TagId, Value, Values, Variable, VariableId,
    VariableKind,
};

use super::planner::{Planner, slug, unique};
use super::{ImportProblem, InAttribute, InAttributeKind, InValue, InVariable, Place};

/// The tag or relation type an attribute belongs to.
#[derive(Clone, Debug)]
pub(super) enum Owner {
    Tag(TagId),
    Kind(RelationKindId),
}

impl Owner {
    fn name(&self) -> &str {
        match self {
            Owner::Tag(t) => t.as_str(),
            Owner::Kind(k) => k.as_str(),
        }
    }
}

/// The kind an attribute gets when the input names it only by a value.
fn hint_of(value: &InValue) -> InAttributeKind {
    match value {
        InValue::Flag => InAttributeKind::Flag,
        InValue::Choice(v) => InAttributeKind::Choice {
            values: v.clone(),
            multiple: v.len() > 1,
        },
        InValue::Number(n) => InAttributeKind::Scale { min: *n, max: *n },
        InValue::Text(_) => InAttributeKind::Text,
        InValue::Code(_) => InAttributeKind::Code,
    }
}

fn color(i: usize) -> Rgb {
    PALETTE
        .get(i % PALETTE.len())
        .copied()
        .unwrap_or(Rgb(128, 128, 128))
}

/// A label as an id within a list: its slug, numbered if taken.
fn fresh_in<'a>(label: &str, taken: impl Iterator<Item = &'a str>) -> String {
    let taken: Vec<&str> = taken.collect();
    unique(&slug(label), |s| taken.contains(&s))
}

impl Planner<'_> {
    fn attributes_mut(&mut self, owner: &Owner) -> Option<&mut Vec<Attribute>> {
        match owner {
            Owner::Tag(id) => self
                .schema
                .tags
                .iter_mut()
                .find(|t| &t.id == id)
                .map(|t| &mut t.attributes),
            Owner::Kind(id) => self
                .schema
                .relations
                .iter_mut()
                .find(|r| &r.id == id)
                .map(|r| &mut r.attributes),
        }
    }

    fn widened(&mut self, owner: &Owner, id: &AttributeId) {
        let name = format!("{}.{}", owner.name(), id);
        if !self.report.new_attributes.contains(&name) {
            self.report.new_attributes.push(name);
        }
    }

    /// Declares the attributes an input's tag or relation type declares.
    pub(super) fn declare_attributes(&mut self, owner: &Owner, attributes: &[InAttribute]) {
        for a in attributes {
            self.attribute(owner, &a.name, &a.kind);
        }
    }

    /// The attribute of `owner` named `name`, added (of kind `hint`) if it has none, and widened
    /// to allow what `hint` allows when it is a choice or a scale.
    fn attribute(
        &mut self,
        owner: &Owner,
        name: &str,
        hint: &InAttributeKind,
    ) -> Option<AttributeId> {
        let wanted = name.trim();
        let found = self.attributes_mut(owner)?.iter().position(|a| {
            a.label.eq_ignore_ascii_case(wanted)
                || a.id.as_str().eq_ignore_ascii_case(wanted)
                || a.id.as_str() == slug(wanted)
        });
        // A label respelled as INCEpTION names a feature (`Intensité` → `Intensit`).
        let found = found.or_else(|| {
            let feature = |l: &str| -> String {
                l.chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect()
            };
            self.attributes_mut(owner)?
                .iter()
                .position(|a| !wanted.is_empty() && feature(&a.label) == wanted)
        });
        let Some(i) = found else {
            let codebook =
                matches!(hint, InAttributeKind::Code).then(|| self.codebook_named(wanted));
            let attrs = self.attributes_mut(owner)?;
            let id = AttributeId(fresh_in(wanted, attrs.iter().map(|a| a.id.as_str())));
            let kind = match hint {
                InAttributeKind::Flag => AttributeKind::Flag,
                InAttributeKind::Choice { values, multiple } => {
                    let mut list: Vec<ChoiceValue> = Vec::new();
                    for v in values {
                        if !list.iter().any(|c| c.label == v.trim()) {
                            let id = fresh_in(v, list.iter().map(|c| c.id.as_str()));
                            list.push(ChoiceValue {
                                id,
                                label: v.trim().to_owned(),
                                color: color(list.len()),
                                key: None,
                            });
                        }
                    }
                    AttributeKind::Choice {
                        values: list,
                        multiple: *multiple,
                        default: None,
                    }
                }
                // A scale needs two ends (the store refuses `42 to 42`): one value seen makes
                // a scale from it to the next.
                InAttributeKind::Scale { min, max } if min >= max => match min.checked_add(1) {
                    Some(next) => AttributeKind::Scale {
                        min: *min,
                        max: next,
                    },
                    None => AttributeKind::Scale {
                        min: min - 1,
                        max: *min,
                    },
                },
                InAttributeKind::Scale { min, max } => AttributeKind::Scale {
                    min: *min,
                    max: *max,
                },
                InAttributeKind::Text => AttributeKind::Text,
                InAttributeKind::Code => AttributeKind::Code {
                    codebook: codebook.unwrap_or_else(|| CodebookId(slug(wanted))),
                },
            };
            attrs.push(Attribute {
                id: id.clone(),
                label: wanted.to_owned(),
                definition: String::new(),
                kind,
            });
            self.widened(owner, &id);
            return Some(id);
        };
        let attrs = self.attributes_mut(owner)?;
        let attr = &mut attrs[i];
        let id = attr.id.clone();
        let mut widen = false;
        match (&mut attr.kind, hint) {
            (
                AttributeKind::Choice {
                    values, multiple, ..
                },
                InAttributeKind::Choice {
                    values: wanted,
                    multiple: several,
                },
            ) => {
                for v in wanted {
                    if choice_id(values, v).is_none() {
                        let vid = fresh_in(v, values.iter().map(|c| c.id.as_str()));
                        let n = values.len();
                        values.push(ChoiceValue {
                            id: vid,
                            label: v.trim().to_owned(),
                            color: color(n),
                            key: None,
                        });
                        widen = true;
                    }
                }
                if *several && !*multiple {
                    *multiple = true;
                    widen = true;
                }
            }
            (AttributeKind::Scale { min, max }, InAttributeKind::Scale { min: lo, max: hi })
                if lo < min || hi > max =>
            {
                *min = (*min).min(*lo);
                *max = (*max).max(*hi);
                widen = true;
            }
            _ => {}
        }
        if widen {
            self.widened(owner, &id);
        }
        Some(id)
    }

    /// The codebook for a code attribute named `name`: one with that label or id, or a new one.
    fn codebook_named(&mut self, name: &str) -> CodebookId {
        let wanted = name.trim();
        if let Some(b) = self.codebooks.values().find(|b| {
            b.label.eq_ignore_ascii_case(wanted) || b.id.as_str().eq_ignore_ascii_case(wanted)
        }) {
            return b.id.clone();
        }
        let plural = format!("{}s", slug(wanted));
        if let Some(b) = self.codebooks.get(&CodebookId(plural)) {
            return b.id.clone();
        }
        let id = CodebookId(fresh_in(wanted, self.codebooks.keys().map(|k| k.as_str())));
        self.codebooks.insert(
            id.clone(),
            crate::model::Codebook {
                id: id.clone(),
                label: wanted.to_owned(),
                definition: String::new(),
                codes: Vec::new(),
            },
        );
        id
    }

    /// The code of `book` called `name` (label, id or alias), added if the codebook lacks it.
    fn code(&mut self, book: &CodebookId, name: &str) -> Option<CodeId> {
        let book = self.codebooks.get_mut(book)?;
        let wanted = name.trim();
        if let Some(c) = book
            .find(wanted)
            .or_else(|| book.codes.iter().find(|c| c.id.as_str() == wanted))
            // A label respelled by a format that cannot hold it (brat: `Ceasefire_talks`).
            .or_else(|| book.codes.iter().find(|c| slug(&c.label) == slug(wanted)))
        {
            return Some(c.id.clone());
        }
        let id = CodeId(fresh_in(wanted, book.codes.iter().map(|c| c.id.as_str())));
        book.codes.push(Code {
            id: id.clone(),
            label: wanted.to_owned(),
            color: None,
            definition: String::new(),
            parent: None,
            aliases: Vec::new(),
        });
        self.report
            .new_codes
            .push(format!("{}: {}", book.label, wanted));
        Some(id)
    }

    /// The values of a span or link of `owner`, as the project stores them. A value that
    /// cannot be one of its attribute is a problem at `place`; the others are kept.
    pub(super) fn values(
        &mut self,
        owner: &Owner,
        incoming: Vec<(String, InValue)>,
        place: &Place,
    ) -> Values {
        let mut values = Values::new();
        for (name, value) in incoming {
            if name.trim().is_empty() {
                self.problems.push(ImportProblem::new(
                    place.clone(),
                    "a value without the name of its attribute",
                ));
                continue;
            }
            let Some(id) = self.attribute(owner, &name, &hint_of(&value)) else {
                continue;
            };
            let kind = self
                .attributes_mut(owner)
                .and_then(|a| a.iter().find(|a| a.id == id))
                .map(|a| a.kind.clone());
            let stored = match (kind, value) {
                (Some(AttributeKind::Flag), _) => Ok(Value::Flag),
                (Some(AttributeKind::Choice { .. }), InValue::Flag) => Err(format!(
                    "{name} is a choice; expected one of its values, found a flag without one"
                )),
                (Some(AttributeKind::Choice { values: list, .. }), v) => {
                    let names = match v {
                        InValue::Choice(names) => names,
                        InValue::Text(s) | InValue::Code(s) => vec![s],
                        InValue::Number(n) => vec![n.to_string()],
                        InValue::Flag => Vec::new(),
                    };
                    // The attribute was widened above to hold a choice; a value of another
                    // kind widens it here.
                    let mut ids = Vec::new();
                    for n in &names {
                        match choice_id(&list, n) {
                            Some(c) => ids.push(c),
                            None => {
                                self.attribute(
                                    owner,
                                    &name,
                                    &InAttributeKind::Choice {
                                        values: vec![n.clone()],
                                        multiple: false,
                                    },
                                );
                                let list = self.choices(owner, &id);
                                ids.extend(choice_id(&list, n));
                            }
                        }
                    }
                    Ok(Value::Choice(ids))
                }
                (Some(AttributeKind::Scale { min, max }), v) => {
                    let n = match v {
                        InValue::Number(n) => Some(n),
                        InValue::Text(s) | InValue::Code(s) => s.trim().parse().ok(),
                        InValue::Choice(s) if s.len() == 1 => s[0].trim().parse().ok(),
                        _ => None,
                    };
                    match n {
                        Some(n) => {
                            if n < min || n > max {
                                self.attribute(
                                    owner,
                                    &name,
                                    &InAttributeKind::Scale { min: n, max: n },
                                );
                            }
                            Ok(Value::Scale(n))
                        }
                        None => Err(format!(
                            "{name} is a scale from {min} to {max}; expected a whole number"
                        )),
                    }
                }
                (Some(AttributeKind::Text), v) => match v {
                    InValue::Text(s) | InValue::Code(s) => Ok(Value::Text(s)),
                    InValue::Choice(s) => Ok(Value::Text(s.join(", "))),
                    InValue::Number(n) => Ok(Value::Text(n.to_string())),
                    InValue::Flag => Err(format!("{name} is free text; expected a text")),
                },
                (Some(AttributeKind::Code { codebook }), v) => {
                    let code = match v {
                        InValue::Code(s) | InValue::Text(s) => Some(s),
                        InValue::Choice(mut s) if s.len() == 1 => s.pop(),
                        InValue::Number(n) => Some(n.to_string()),
                        _ => None,
                    };
                    match code.filter(|c| !c.trim().is_empty()) {
                        Some(c) => self.code(&codebook, &c).map(Value::Code).ok_or_else(|| {
                            format!("{name} takes codes of {codebook}, which the project lacks")
                        }),
                        None => Err(format!("{name} takes one code; expected its name")),
                    }
                }
                (None, _) => continue,
            };
            match stored {
                Ok(v) => {
                    values.insert(id, v);
                }
                Err(message) => self
                    .problems
                    .push(ImportProblem::new(place.clone(), message)),
            }
        }
        self.report.values += values.len();
        values
    }

    fn choices(&mut self, owner: &Owner, id: &AttributeId) -> Vec<ChoiceValue> {
        match self
            .attributes_mut(owner)
            .and_then(|a| a.iter().find(|a| &a.id == id))
            .map(|a| &a.kind)
        {
            Some(AttributeKind::Choice { values, .. }) => values.clone(),
            _ => Vec::new(),
        }
    }

    /// Declares the article variables an input declares.
    pub(super) fn declare_variables(&mut self, variables: &[InVariable]) {
        for v in variables {
            self.variable(&v.name, Some(&v.kind));
        }
    }

    /// The variable named `name`, added (as `kind`, or text) if the schema has none; a choice
    /// variable is widened to `kind`'s values.
    fn variable(&mut self, name: &str, kind: Option<&VariableKind>) -> VariableId {
        let wanted = name.trim();
        if let Some(v) = self.schema.variables.iter_mut().find(|v| {
            v.label.eq_ignore_ascii_case(wanted) || v.id.as_str().eq_ignore_ascii_case(wanted)
        }) {
            if let (VariableKind::Choice { values }, Some(VariableKind::Choice { values: more })) =
                (&mut v.kind, kind)
            {
                let before = values.len();
                for m in more {
                    if !values.contains(m) {
                        values.push(m.clone());
                    }
                }
                if values.len() > before && !self.report.new_variables.contains(&v.label) {
                    self.report.new_variables.push(v.label.clone());
                }
            }
            return v.id.clone();
        }
        let id = VariableId(fresh_in(
            wanted,
            self.schema.variables.iter().map(|v| v.id.as_str()),
        ));
        self.schema.variables.push(Variable {
            id: id.clone(),
            label: wanted.to_owned(),
            definition: String::new(),
            kind: kind.cloned().unwrap_or(VariableKind::Text),
        });
        self.report.new_variables.push(wanted.to_owned());
        id
    }

    /// Checks a document's variables; those to set, by id. A value its variable refuses is a
    /// problem at `place`.
    pub(super) fn variables(
        &mut self,
        incoming: Vec<(String, String)>,
        place: &Place,
    ) -> BTreeMap<VariableId, String> {
        let mut set = BTreeMap::new();
        for (name, value) in incoming {
            if name.trim().is_empty() || value.trim().is_empty() {
                continue;
            }
            let id = self.variable(&name, None);
            let Some(var) = self.schema.variables.iter_mut().find(|v| v.id == id) else {
                continue;
            };
            let refused = match &mut var.kind {
                VariableKind::Choice { values } if !values.contains(&value) => {
                    // A choice meets a new value as a choice attribute does: it is widened.
                    values.push(value.clone());
                    if !self.report.new_variables.contains(&var.label) {
                        self.report.new_variables.push(var.label.clone());
                    }
                    None
                }
                kind => kind.refuse(&value),
            };
            match refused {
                Some(why) => self.problems.push(ImportProblem::new(
                    place.clone(),
                    format!("article variable {name}: {why}"),
                )),
                None => {
                    set.insert(id, value);
                }
            }
        }
        self.report.values += set.len();
        set
    }

    /// Gives a document already in the project the variables it has no value for.
    pub(super) fn fill_variables(&mut self, doc: &DocId, set: BTreeMap<VariableId, String>) {
        let Some(known) = self.project.document(doc) else {
            return;
        };
        let planned = self
            .meta_updates
            .entry(doc.clone())
            .or_insert_with(|| known.meta.clone());
        for (id, value) in set {
            planned.variables.entry(id).or_insert(value);
        }
    }

    /// Adds to an entity the references it lacks.
    pub(super) fn add_refs(&mut self, entity: &crate::model::EntityId, refs: &[ExternalRef]) {
        if refs.is_empty() {
            return;
        }
        let target = match self.new_entities.iter_mut().find(|e| &e.id == entity) {
            Some(e) => &mut e.refs,
            None => match self.project.entities.get(entity) {
                Some(known) => {
                    &mut self
                        .entity_updates
                        .entry(entity.clone())
                        .or_insert_with(|| known.clone())
                        .refs
                }
                None => return,
            },
        };
        for r in refs {
            if !target.contains(r) {
                target.push(r.clone());
            }
        }
    }
}

/// The id of the choice value spelled `name` (its label or id, without regard to case).
fn choice_id(values: &[ChoiceValue], name: &str) -> Option<String> {
    let name = name.trim();
    values
        .iter()
        .find(|v| v.label.eq_ignore_ascii_case(name) || v.id.eq_ignore_ascii_case(name))
        .or_else(|| values.iter().find(|v| v.id == slug(name)))
        // A label respelled by a format that cannot hold it (brat: `neutral_or_unclear`).
        .or_else(|| values.iter().find(|v| slug(&v.label) == slug(name)))
        .map(|v| v.id.clone())
}
