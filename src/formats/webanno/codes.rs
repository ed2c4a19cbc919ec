//! Attribute values as feature columns: one per attribute name, on the span layer for the
//! tags' attributes and on the link layer for the relation types'.
//!
//! A column is named as INCEpTION names a feature created with the attribute's label as its
//! name (`Stance` → `Stance`, `Comment 💬` → `Comment`: every character but ASCII letters,
//! digits and `_` dropped), so that the layer is set up by typing the labels. Attributes of
//! several types with one name share a column. A column of flags only is a boolean feature
//! (`true`, or `false` as INCEpTION writes an unset boolean); any other column is a string
//! feature, `*` where a span or link has no value: a choice's label, a scale's number, a text,
//! a code's label. A value with no place is counted as not carried: its attribute's name is
//! no valid feature name (none left, a leading digit, `__`, a name UIMA reserves, or one of the
//! layer's own features), several choices at once (a TSV feature holds one string), a choice
//! or code the schema lacks, or an attribute its type does not declare.

use std::collections::HashMap;

use crate::model::{Attribute, AttributeId, AttributeKind, Codebook, CodebookId, Value, Values};

use super::escape_value;
use crate::formats::{Report, field};

/// Feature names INCEpTION refuses (`WebAnnoConst.RESTRICTED_FEATURE_NAMES`).
const RESTRICTED: &[&str] = &[
    "address",
    "begin",
    "end",
    "coveredText",
    "booleanValue",
    "doubleValue",
    "byteValue",
    "CAS",
    "CASImpl",
    "class",
    "featureValue",
    "floatValue",
    "longValue",
    "lowLevelCas",
    "printRefs",
    "sofa",
    "stringValue",
    "type",
    "typeIndexId",
    "view",
];

/// The feature name INCEpTION gives a feature named `label` (`uiName.replaceAll("\\W", "")`),
/// if it is a valid one that none of `taken` is.
pub(super) fn feature_name(label: &str, taken: &[&str]) -> Option<String> {
    let name: String = label
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic())
        && !name.contains("__")
        && !RESTRICTED.contains(&name.as_str())
        && !taken.iter().any(|t| t.eq_ignore_ascii_case(&name));
    valid.then_some(name)
}

/// One feature column.
#[derive(Debug)]
pub(super) struct Column {
    /// Its feature name.
    pub name: String,
    /// A boolean feature (flags only).
    pub boolean: bool,
}

/// The feature columns of one layer.
pub(super) struct Columns {
    /// In the order of the types and their attributes.
    pub list: Vec<Column>,
    /// The column of an attribute of a type (by the type's id).
    by_attribute: HashMap<(String, AttributeId), usize>,
}

impl Columns {
    /// The columns for the attributes of `types` (type id, its attributes); `taken` are the
    /// layer's own features.
    pub fn new<'a>(
        types: impl Iterator<Item = (&'a str, &'a [Attribute])>,
        taken: &[&str],
    ) -> Self {
        let mut list: Vec<Column> = Vec::new();
        let mut by_attribute = HashMap::new();
        for (owner, attributes) in types {
            for a in attributes {
                let Some(name) = feature_name(&a.label, taken) else {
                    continue;
                };
                let flag = matches!(a.kind, AttributeKind::Flag);
                let i = match list.iter().position(|c| c.name == name) {
                    Some(i) => i,
                    None => {
                        list.push(Column {
                            name,
                            boolean: true,
                        });
                        list.len() - 1
                    }
                };
                if let Some(c) = list.get_mut(i) {
                    c.boolean &= flag;
                }
                by_attribute.insert((owner.to_owned(), a.id.clone()), i);
            }
        }
        Columns { list, by_attribute }
    }

    /// The escaped cell of each column for `values` of an item of type `owner` declaring
    /// `attributes`; `None` for no value (written `*`, or `false` in a boolean column).
    /// Values with no place are counted in `report` under `counted_as`.
    pub fn cells(
        &self,
        owner: &str,
        attributes: &[Attribute],
        values: &Values,
        codebooks: &crate::model::SharedMap<CodebookId, Codebook>,
        report: &mut Report,
        counted_as: &'static str,
    ) -> Vec<Option<String>> {
        let mut cells = vec![None; self.list.len()];
        for (id, value) in values {
            let column = self.by_attribute.get(&(owner.to_owned(), id.clone()));
            let attribute = attributes.iter().find(|a| &a.id == id);
            let text = column
                .zip(attribute)
                .and_then(|(_, a)| cell(a, value, codebooks));
            match (column.and_then(|&c| cells.get_mut(c)), text) {
                (Some(slot), Some(text)) => *slot = Some(text),
                _ => report.field(counted_as),
            }
        }
        cells
    }
}

/// `value` of `attribute` as an escaped feature value, if it has one.
fn cell(
    attribute: &Attribute,
    value: &Value,
    codebooks: &crate::model::SharedMap<CodebookId, Codebook>,
) -> Option<String> {
    let text = match (&attribute.kind, value) {
        (AttributeKind::Flag, Value::Flag) => "true".to_owned(),
        (AttributeKind::Choice { values, .. }, Value::Choice(chosen)) => match chosen.as_slice() {
            [one] => values.iter().find(|v| &v.id == one)?.label.clone(),
            _ => return None,
        },
        (AttributeKind::Scale { .. }, Value::Scale(n)) => n.to_string(),
        (AttributeKind::Text, Value::Text(t)) => t.replace("\r\n", "\n").replace('\r', "\n"),
        (AttributeKind::Code { codebook }, Value::Code(code)) => {
            codebooks.get(codebook)?.code(code)?.label.clone()
        }
        _ => return None,
    };
    Some(escape_value(&text))
}

/// The field a value of a span counts under.
pub(super) const SPAN: &str = field::ATTRIBUTE_VALUE;
/// The field a value of a link counts under.
pub(super) const LINK: &str = field::LINK_VALUE;

#[cfg(test)]
mod tests {
    use super::feature_name;

    #[test]
    fn feature_names_are_what_inception_makes_of_a_label() {
        let taken = ["label", "note"];
        assert_eq!(feature_name("Stance", &taken).as_deref(), Some("Stance"));
        assert_eq!(
            feature_name("Comment 💬", &taken).as_deref(),
            Some("Comment")
        );
        assert_eq!(
            feature_name("Intensité", &taken).as_deref(),
            Some("Intensit")
        );
        assert_eq!(
            feature_name("is_negated", &taken).as_deref(),
            Some("is_negated")
        );
        for refused in ["2nd", "_x", "a__b", "begin", "Note", "立场", ""] {
            assert_eq!(feature_name(refused, &taken), None, "{refused}");
        }
    }
}
