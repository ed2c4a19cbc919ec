//! Codes: what a span or a link *is*, beyond where it is. The schema declares attributes per
//! tag type and per relation type (a flag, a choice from a closed list, a point on a scale, free
//! text, or a code from an open codebook); annotations and relations carry values for them.
//! Codebooks are named, editable vocabularies grown while coding, with a hierarchy and aliases,
//! like the entity registry. Articles carry typed variables (outlet, country …) beside their
//! title, source, author, date and URL.
//!
//! The statement model of discourse network analysis (actor, concept, agreement qualifier) is
//! the default: a claim has a `stance` and a `concept`, a condition a `concept`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::ids::{AttributeId, CodeId, CodebookId, VariableId};
use super::schema::Rgb;

/// An attribute a tag or relation type declares: its values are what an analyst codes on a
/// span or link of that type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attribute {
    /// Stable identifier, unique within its tag or relation type.
    pub id: AttributeId,
    /// Name shown to the analyst.
    pub label: String,
    /// One-line definition, shown as a tooltip where the analyst codes.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub definition: String,
    /// What its values are.
    pub kind: AttributeKind,
}

/// The kinds of attribute.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AttributeKind {
    /// Present or not (brat's binary attribute: `A1 Negation T1`).
    Flag,
    /// One (or, if `multiple`, several) of a closed list of values.
    Choice {
        /// The values, in the order shown.
        values: Vec<ChoiceValue>,
        /// Whether several values may be chosen at once.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        multiple: bool,
        /// The value a new span of the type gets, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default: Option<String>,
    },
    /// An integer from `min` to `max` (DNA's intensity qualifier, −2 … +2).
    Scale {
        /// Smallest value.
        min: i32,
        /// Largest value.
        max: i32,
    },
    /// Free text.
    Text,
    /// A code from this codebook.
    Code {
        /// The codebook its codes come from.
        codebook: CodebookId,
    },
}

impl AttributeKind {
    /// The kind's name as the analyst reads it.
    pub fn name(&self) -> &'static str {
        match self {
            AttributeKind::Flag => "flag",
            AttributeKind::Choice { .. } => "choice",
            AttributeKind::Scale { .. } => "scale",
            AttributeKind::Text => "text",
            AttributeKind::Code { .. } => "code",
        }
    }
}

/// One value of a choice attribute.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceValue {
    /// Stable identifier, unique within its attribute.
    pub id: String,
    /// Name shown to the analyst.
    pub label: String,
    /// Colour of the value's badge.
    pub color: Rgb,
    /// The key that sets it right after tagging (`+`, `-`, `0` …), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// A value of an attribute on a span or link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Value {
    /// The flag is set.
    Flag,
    /// The choices made, by value id (one unless the attribute allows several).
    Choice(Vec<String>),
    /// A point on the scale.
    Scale(i32),
    /// Free text.
    Text(String),
    /// A code of the attribute's codebook.
    Code(CodeId),
}

impl Value {
    /// The value's kind, as [`AttributeKind::name`] names it.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Flag => "flag",
            Value::Choice(_) => "choice",
            Value::Scale(_) => "scale",
            Value::Text(_) => "text",
            Value::Code(_) => "code",
        }
    }
}

/// The values of one span or link, by attribute.
pub type Values = BTreeMap<AttributeId, Value>;

/// One value as the analyst reads it: the attribute's label, the value's words, and its
/// colour where it has one (a choice value's, a code's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShownValue {
    /// "Stance".
    pub attribute: String,
    /// "supports", "Security › Ceasefire", "yes", "+1".
    pub text: String,
    /// The colour of its badge, if any.
    pub color: Option<Rgb>,
}

/// The colours of `values` that have one (a choice value's, a code's), in the order
/// `attributes` declares them: the badges a span shows. Allocates nothing but the list.
pub fn value_colors(
    attributes: &[Attribute],
    values: &Values,
    codebooks: &super::project::SharedMap<CodebookId, Codebook>,
) -> Vec<Rgb> {
    let mut out = Vec::new();
    for a in attributes {
        let color = match (&a.kind, values.get(&a.id)) {
            (
                AttributeKind::Choice {
                    values: choices, ..
                },
                Some(Value::Choice(chosen)),
            ) => chosen
                .first()
                .and_then(|c| choices.iter().find(|v| &v.id == c))
                .map(|v| v.color),
            (AttributeKind::Code { codebook }, Some(Value::Code(code))) => codebooks
                .get(codebook)
                .and_then(|b| b.code(code))
                .and_then(|c| c.color),
            _ => None,
        };
        out.extend(color);
    }
    out
}

/// `values` of a span or link whose type declares `attributes`, as the analyst reads them,
/// in the attributes' order; a value of an attribute not declared shows by its id.
pub fn shown_values(
    attributes: &[Attribute],
    values: &Values,
    codebooks: &super::project::SharedMap<CodebookId, Codebook>,
) -> Vec<ShownValue> {
    let mut out = Vec::new();
    let mut show = |attribute: Option<&Attribute>, id: &AttributeId, value: &Value| {
        let label = attribute.map_or_else(|| id.to_string(), |a| a.label.clone());
        let (text, color) = match (attribute.map(|a| &a.kind), value) {
            (_, Value::Flag) => ("yes".to_owned(), None),
            (Some(AttributeKind::Choice { values, .. }), Value::Choice(chosen)) => {
                let found: Vec<&ChoiceValue> = chosen
                    .iter()
                    .filter_map(|c| values.iter().find(|v| &v.id == c))
                    .collect();
                let text = chosen
                    .iter()
                    .map(|c| {
                        values
                            .iter()
                            .find(|v| &v.id == c)
                            .map_or(c.as_str(), |v| v.label.as_str())
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                (text, found.first().map(|v| v.color))
            }
            (_, Value::Choice(chosen)) => (chosen.join(", "), None),
            (_, Value::Scale(n)) => (
                if *n > 0 {
                    format!("+{n}")
                } else {
                    n.to_string()
                },
                None,
            ),
            (_, Value::Text(t)) => (t.clone(), None),
            (Some(AttributeKind::Code { codebook }), Value::Code(code)) => {
                match codebooks.get(codebook) {
                    Some(book) => {
                        let path = book.path(code);
                        let text = if path.is_empty() {
                            code.to_string()
                        } else {
                            path.join(" › ")
                        };
                        (text, book.code(code).and_then(|c| c.color))
                    }
                    None => (code.to_string(), None),
                }
            }
            (_, Value::Code(code)) => (code.to_string(), None),
        };
        out.push(ShownValue {
            attribute: label,
            text,
            color,
        });
    };
    for a in attributes {
        if let Some(v) = values.get(&a.id) {
            show(Some(a), &a.id, v);
        }
    }
    for (id, v) in values
        .iter()
        .filter(|(id, _)| !attributes.iter().any(|a| &a.id == *id))
    {
        show(None, id, v);
    }
    out
}

/// A named, open vocabulary of codes (the concepts of a discourse network …).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Codebook {
    /// Identifier, unique in the project.
    pub id: CodebookId,
    /// Name shown to the analyst.
    pub label: String,
    /// What its codes are about.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub definition: String,
    /// The codes, in the order shown (parents before their children need not hold).
    #[serde(default)]
    pub codes: Vec<Code>,
}

impl Codebook {
    /// The code with this id.
    pub fn code(&self, id: &CodeId) -> Option<&Code> {
        self.codes.iter().find(|c| &c.id == id)
    }

    /// The code whose label or one of whose aliases is `name`, ignoring case.
    pub fn find(&self, name: &str) -> Option<&Code> {
        let name = name.trim();
        self.codes.iter().find(|c| {
            c.label.eq_ignore_ascii_case(name)
                || c.label.to_lowercase() == name.to_lowercase()
                || c.aliases
                    .iter()
                    .any(|a| a.to_lowercase() == name.to_lowercase())
        })
    }

    /// The labels from the root down to code `id` ("Security › Ceasefire").
    pub fn path(&self, id: &CodeId) -> Vec<&str> {
        let mut out = Vec::new();
        let mut at = self.code(id);
        // A cycle is a validation problem; the walk stops after as many steps as codes.
        for _ in 0..=self.codes.len() {
            let Some(c) = at else { break };
            out.push(c.label.as_str());
            at = c.parent.as_ref().and_then(|p| self.code(p));
        }
        out.reverse();
        out
    }
}

/// One code of a codebook.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Code {
    /// Identifier, unique in its codebook.
    pub id: CodeId,
    /// Name shown to the analyst.
    pub label: String,
    /// Colour of its badge, if it has its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<Rgb>,
    /// What it covers.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub definition: String,
    /// The broader code it belongs under, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<CodeId>,
    /// Other names for it (what the type-ahead also finds).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

/// An article variable the project declares (outlet, country, section …).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variable {
    /// Identifier, unique in the project.
    pub id: VariableId,
    /// Name shown to the analyst.
    pub label: String,
    /// What it records.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub definition: String,
    /// What its values are.
    pub kind: VariableKind,
}

/// The kinds of article variable.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum VariableKind {
    /// Free text.
    Text,
    /// A number (written as decimal text: `12`, `-3.5`).
    Number,
    /// A date, ISO 8601 or a prefix of it (`2023`, `2023-04`, `2023-04-11`).
    Date,
    /// One of these values.
    Choice {
        /// The values allowed.
        values: Vec<String>,
    },
}

impl VariableKind {
    /// Why `value` is not a value of this kind (`None`: it is).
    pub fn refuse(&self, value: &str) -> Option<String> {
        match self {
            VariableKind::Text => None,
            VariableKind::Number => (value.trim().parse::<f64>().map_or(true, |n| !n.is_finite()))
                .then(|| format!("expected a number, found {value:?}")),
            VariableKind::Date => (!super::document::is_partial_iso_date(value)).then(|| {
                format!("expected a date as YYYY, YYYY-MM or YYYY-MM-DD, found {value:?}")
            }),
            VariableKind::Choice { values } => (!values.iter().any(|v| v == value)).then(|| {
                format!(
                    "expected one of {}, found {value:?}",
                    values
                        .iter()
                        .map(|v| format!("{v:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }),
        }
    }
}

/// A link from an entity to a knowledge base (`Wikidata:Q3052772`, `Wikipedia:64488`), as
/// brat's normalizations and INCEpTION's knowledge-base links record them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExternalRef {
    /// The knowledge base (`Wikidata`, `Wikipedia`, `GeoNames` …).
    pub kb: String,
    /// The item's id there.
    pub id: String,
}

/// Why `value` cannot be a value of `attribute` (`None`: it can). `codebooks` are the
/// project's, for a code attribute.
pub fn refuse_value(
    attribute: &Attribute,
    value: &Value,
    codebooks: &super::project::SharedMap<CodebookId, Codebook>,
) -> Option<String> {
    let name = &attribute.id;
    match (&attribute.kind, value) {
        (AttributeKind::Flag, Value::Flag) | (AttributeKind::Text, Value::Text(_)) => None,
        (
            AttributeKind::Choice {
                values, multiple, ..
            },
            Value::Choice(chosen),
        ) => {
            if chosen.is_empty() {
                return Some(format!("{name} has no value chosen"));
            }
            if chosen.len() > 1 && !multiple {
                return Some(format!("{name} takes one value, found {}", chosen.len()));
            }
            chosen
                .iter()
                .find(|c| !values.iter().any(|v| &v.id == *c))
                .map(|c| {
                    format!(
                        "{name} has no value {c:?}; expected one of {}",
                        values
                            .iter()
                            .map(|v| format!("{:?}", v.id))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })
        }
        (AttributeKind::Scale { min, max }, Value::Scale(n)) => {
            (n < min || n > max).then(|| format!("{name} is {n}, outside its scale {min} to {max}"))
        }
        (AttributeKind::Code { codebook }, Value::Code(code)) => match codebooks.get(codebook) {
            None => Some(format!(
                "{name} takes codes of the codebook {codebook:?}, which the project lacks"
            )),
            Some(book) => book.code(code).is_none().then(|| {
                format!("{name} is the code \"{code}\", which the codebook \"{codebook}\" lacks")
            }),
        },
        (kind, value) => Some(format!(
            "{name} is a {} attribute, but the value is a {}",
            kind.name(),
            value.kind_name()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Project, schema::stance_attribute};

    #[test]
    fn values_read_as_words_and_badges_take_their_colours() {
        let mut books = Project::new("p").codebooks;
        let concepts = books.get_mut(&CodebookId::from("concepts")).unwrap();
        for (id, label, parent, color) in [
            ("security", "Security", None, None),
            ("truce", "停火 truce", Some("security"), Some(Rgb(1, 2, 3))),
        ] {
            concepts.codes.push(Code {
                id: id.into(),
                label: label.into(),
                color,
                definition: String::new(),
                parent: parent.map(Into::into),
                aliases: Vec::new(),
            });
        }
        let attributes = vec![
            stance_attribute(),
            crate::model::schema::concept_attribute(),
        ];
        let values: Values = [
            ("concept".into(), Value::Code("truce".into())),
            ("stance".into(), Value::Choice(vec!["opposes".into()])),
            ("extra".into(), Value::Scale(2)),
        ]
        .into_iter()
        .collect();
        let shown = shown_values(&attributes, &values, &books);
        let words: Vec<String> = shown
            .iter()
            .map(|v| format!("{}: {}", v.attribute, v.text))
            .collect();
        assert_eq!(
            words,
            [
                "Stance: opposes",
                "Concept: Security › 停火 truce",
                "extra: +2"
            ]
        );
        let opposes = match &attributes[0].kind {
            AttributeKind::Choice { values, .. } => values[1].color,
            _ => unreachable!(),
        };
        assert_eq!(
            value_colors(&attributes, &values, &books),
            vec![opposes, Rgb(1, 2, 3)]
        );
    }
}
