//! Codes as the formats write them: every value by its attribute's label and its own words (a
//! choice by its values' labels, a code by its label), never by id, as names travel as they
//! came; article variables by their labels.
//!
//! Only what the schema declares is named: a value of an attribute its tag or relation type
//! does not declare (or of a variable the project lacks) has no label to be written under,
//! and the writers count it as not carried.

use crate::model::{
    Attribute, AttributeKind, Codebook, CodebookId, Document, Schema, Value, Values, Variable,
};

/// One value in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Words<'a> {
    /// A flag that is set.
    Flag,
    /// The labels of the values chosen, in the order chosen; `multiple` when the attribute
    /// allows several (a reader should then expect a list, even of one).
    Choices {
        /// The labels (a value id the attribute lacks stands for itself).
        labels: Vec<&'a str>,
        /// Whether the attribute allows several values.
        multiple: bool,
    },
    /// A point on a scale.
    Number(i32),
    /// Free text, or a code's label (its id if its codebook lacks it).
    Text(&'a str),
}

/// A value with the label of its attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Named<'a> {
    /// The attribute's declaration.
    pub attribute: &'a Attribute,
    /// The value.
    pub words: Words<'a>,
}

/// The values of a span or link whose type declares `attributes`, in declaration order, and
/// how many values were left out because no attribute declares them.
pub(crate) fn named<'a>(
    attributes: &'a [Attribute],
    values: &'a Values,
    codebooks: &'a crate::model::SharedMap<CodebookId, Codebook>,
) -> (Vec<Named<'a>>, usize) {
    let mut out = Vec::with_capacity(values.len());
    for attribute in attributes {
        let Some(value) = values.get(&attribute.id) else {
            continue;
        };
        let words = match (&attribute.kind, value) {
            (_, Value::Flag) => Words::Flag,
            (
                AttributeKind::Choice {
                    values: list,
                    multiple,
                    ..
                },
                Value::Choice(chosen),
            ) => Words::Choices {
                labels: chosen
                    .iter()
                    .map(|c| {
                        list.iter()
                            .find(|v| &v.id == c)
                            .map_or(c.as_str(), |v| v.label.as_str())
                    })
                    .collect(),
                multiple: *multiple,
            },
            (_, Value::Choice(chosen)) => Words::Choices {
                labels: chosen.iter().map(String::as_str).collect(),
                multiple: chosen.len() > 1,
            },
            (_, Value::Scale(n)) => Words::Number(*n),
            (_, Value::Text(t)) => Words::Text(t),
            (AttributeKind::Code { codebook }, Value::Code(code)) => Words::Text(
                codebooks
                    .get(codebook)
                    .and_then(|b| b.code(code))
                    .map_or(code.as_str(), |c| c.label.as_str()),
            ),
            (_, Value::Code(code)) => Words::Text(code.as_str()),
        };
        out.push(Named { attribute, words });
    }
    let left = values.len() - out.len();
    (out, left)
}

/// The article variables of `doc` that the schema declares, with their values, in schema
/// order, and how many values were left out because the schema lacks their variable.
pub(crate) fn variables<'a>(
    schema: &'a Schema,
    doc: &'a Document,
) -> (Vec<(&'a Variable, &'a str)>, usize) {
    let set = &doc.meta.variables;
    let out: Vec<(&Variable, &str)> = schema
        .variables
        .iter()
        .filter_map(|v| Some((v, set.get(&v.id)?.as_str())))
        .collect();
    let left = set.len() - out.len();
    (out, left)
}

impl Words<'_> {
    /// The value as one line of text: a flag `yes`, choices joined by `separator`, a number in
    /// decimal (`-2`, `1`).
    pub(crate) fn joined(&self, separator: &str) -> String {
        match self {
            Words::Flag => "yes".to_owned(),
            Words::Choices { labels, .. } => labels.join(separator),
            Words::Number(n) => n.to_string(),
            Words::Text(t) => (*t).to_owned(),
        }
    }

    /// The value as JSON: a flag `true`, a choice its label (a list of labels if the
    /// attribute allows several), a number a number, text and codes strings.
    pub(crate) fn json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Words::Flag => J::Bool(true),
            Words::Choices {
                labels,
                multiple: false,
            } if labels.len() == 1 => J::String(labels[0].to_owned()),
            Words::Choices { labels, .. } => {
                J::Array(labels.iter().map(|l| J::String((*l).to_owned())).collect())
            }
            Words::Number(n) => J::from(*n),
            Words::Text(t) => J::String((*t).to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::coded_fixture;

    #[test]
    fn values_are_named_by_labels_in_declaration_order() {
        let p = coded_fixture::project();
        let claim = &p.annotations[&crate::model::AnnotationId::from("a-claim")];
        let attrs = &p.schema.tag(&claim.tag).expect("claim").attributes;
        let (named, left) = named(attrs, &claim.values, &p.codebooks);
        assert_eq!(left, 0);
        let shown: Vec<(&str, String, serde_json::Value)> = named
            .iter()
            .map(|n| {
                (
                    n.attribute.label.as_str(),
                    n.words.joined(" | "),
                    n.words.json(),
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                ("Stance", "supports".to_owned(), "supports".into()),
                (
                    "Concept",
                    "Waffenstillstand 停火".to_owned(),
                    "Waffenstillstand 停火".into()
                ),
                ("Negated", "yes".to_owned(), true.into()),
                ("Intensity", "-2".to_owned(), (-2).into()),
                (
                    "Comment 注",
                    "« talks », \"quoted\" 北京 👩‍👩‍👧 e\u{301}\nline 2".to_owned(),
                    "« talks », \"quoted\" 北京 👩‍👩‍👧 e\u{301}\nline 2".into()
                ),
                (
                    "Frames",
                    "économie | 安全".to_owned(),
                    serde_json::json!(["économie", "安全"])
                ),
            ]
        );
    }

    #[test]
    fn an_undeclared_value_or_variable_is_counted_not_named() {
        let mut p = coded_fixture::project();
        let claim = p
            .annotations
            .get_mut(&crate::model::AnnotationId::from("a-arabic"))
            .expect("claim");
        claim.values.insert("colour".into(), Value::Flag);
        let claim = &p.annotations[&crate::model::AnnotationId::from("a-arabic")];
        let attrs = &p.schema.tag(&claim.tag).expect("claim").attributes;
        let (named, left) = named(attrs, &claim.values, &p.codebooks);
        assert_eq!((named.len(), left), (2, 1));
        let mut doc = p.documents[0].clone();
        doc.meta.variables.insert("region".into(), "Asie".into());
        let (vars, left) = variables(&p.schema, &doc);
        let vars: Vec<(&str, &str)> = vars.iter().map(|(v, x)| (v.label.as_str(), *x)).collect();
        assert_eq!(
            vars,
            [
                ("Outlet", "人民日报"),
                ("Words", "-12.5"),
                ("Seen", "2023-04"),
                ("Desk 🗞️", "Außenpolitik, Asien")
            ]
        );
        assert_eq!(left, 1);
    }
}
