//! How the export writes the schema's attributes in brat's terms.
//!
//! brat has two places for a code: an attribute (`A1\tNegation T1`, binary; `A2\tConfidence
//! T1 High`, valued, its values a closed list in `annotation.conf`) and a note of a type
//! (`#1\tAnnotatorNotes T1\ttext`). A flag is a binary attribute; a choice, a scale and a code
//! are valued attributes whose values are the choice's labels, the scale's numbers and the
//! codes used; a free text, which no list can hold, is a note whose type is the attribute's
//! name, read back as that attribute.
//!
//! brat declares an attribute once for all the types it attaches to, so the attributes of
//! several tag or relation types that have the same name and the same form (binary, valued, or
//! text) are written as one, with the values of all of them. Names take brat's storage form of
//! the label (ASCII letters, digits, `_`, `-`; `visual.conf` gives the label when it differs),
//! distinct from the type names and from each other where forms differ. Values keep their
//! spelling except for what `annotation.conf` cannot hold in a value: white space, `,` and `|`
//! (which separate arguments and values) and `<`, `>` (which mark macros), each written `_`.

use std::collections::{HashMap, HashSet};

use crate::formats::select::Selection;
use crate::model::{Attribute, AttributeId, AttributeKind, Project, RelationKindId, TagId, Value};

use super::{NOTES, STATUS, storage_form};

/// The type an attribute belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) enum Owner {
    Tag(TagId),
    Kind(RelationKindId),
}

/// A brat attribute `annotation.conf` declares.
pub(super) struct Declared {
    /// Its name in `.ann` files.
    pub name: String,
    /// The label it stands for (the first one met).
    pub label: String,
    /// The brat names of the types it attaches to.
    pub types: Vec<String>,
    /// `(label, spelling)` of each value, in order; `None` for a binary attribute.
    pub values: Option<Vec<(String, String)>>,
}

/// Where one attribute of the schema goes.
enum Slot {
    /// The attribute at this index of [`Attrs::declared`].
    Attr(usize),
    /// Notes of this type.
    Note(String),
}

/// One line a value becomes.
pub(super) enum Written {
    /// `A` line: the attribute's name and, for a valued one, the value.
    Attr(String, Option<String>),
    /// `#` line(s): the note type and the text.
    Note(String, String),
}

/// The brat form of the schema's attributes, for one export.
pub(super) struct Attrs {
    /// Binary and valued attributes, in schema order.
    pub declared: Vec<Declared>,
    /// The note types of free-text attributes, with the label each stands for.
    pub notes: Vec<(String, String)>,
    slots: HashMap<(Owner, AttributeId), Slot>,
}

/// The form of an attribute in brat.
enum Shape {
    Binary,
    Valued(Vec<String>),
    Note,
}

/// A value as `annotation.conf` can hold it.
fn spelling(label: &str) -> String {
    let s: String = label
        .chars()
        .map(|c| {
            if c.is_whitespace() || c.is_control() || matches!(c, ',' | '|' | '<' | '>') {
                '_'
            } else {
                c
            }
        })
        .collect();
    if s.is_empty() { "_".to_owned() } else { s }
}

/// The name an attribute is written under, before it is made distinct: the storage form of
/// its label, or of its id when the label has no ASCII letter or digit.
fn base_name(a: &Attribute) -> String {
    let has_word = |s: &str| s.chars().any(|c| c.is_ascii_alphanumeric());
    if has_word(&a.label) {
        storage_form(&a.label)
    } else if has_word(a.id.as_str()) {
        storage_form(a.id.as_str())
    } else {
        "attribute".to_owned()
    }
}

/// The attributes of `owner` in the schema.
fn attributes_of<'p>(project: &'p Project, owner: &Owner) -> &'p [Attribute] {
    match owner {
        Owner::Tag(t) => project
            .schema
            .tag(t)
            .map_or(&[][..], |t| t.attributes.as_slice()),
        Owner::Kind(k) => project
            .schema
            .relation(k)
            .map_or(&[][..], |r| r.attributes.as_slice()),
    }
}

/// The label of `value` of attribute `a`, as its brat value is looked up: a choice's label, a
/// scale's number, a code's label.
fn value_labels(project: &Project, a: &Attribute, value: &Value) -> Option<Vec<String>> {
    match (&a.kind, value) {
        (AttributeKind::Choice { values, .. }, Value::Choice(chosen)) if !chosen.is_empty() => {
            chosen
                .iter()
                .map(|c| values.iter().find(|v| &v.id == c).map(|v| v.label.clone()))
                .collect()
        }
        (AttributeKind::Scale { .. }, Value::Scale(n)) => Some(vec![n.to_string()]),
        (AttributeKind::Code { codebook }, Value::Code(code)) => project
            .codebooks
            .get(codebook)
            .and_then(|b| b.code(code))
            .map(|c| vec![c.label.clone()]),
        _ => None,
    }
}

impl Attrs {
    /// The brat attributes of the types `tags` and `kinds` (id and brat name), avoiding the
    /// names `taken` (the type names).
    pub(super) fn new(
        sel: &Selection<'_>,
        tags: &[(TagId, String)],
        kinds: &[(RelationKindId, String)],
    ) -> Self {
        let project = sel.project;
        let mut taken: HashSet<String> = tags
            .iter()
            .map(|(_, n)| n)
            .chain(kinds.iter().map(|(_, n)| n))
            .map(|n| n.to_lowercase())
            .chain([STATUS.to_lowercase(), NOTES.to_lowercase()])
            .collect();
        // Values used, for code attributes (their codes used) and wide scales.
        let mut used: HashSet<(Owner, AttributeId, String)> = HashSet::new();
        for part in &sel.docs {
            let items = part
                .annotations
                .iter()
                .map(|a| (Owner::Tag(a.tag.clone()), &a.values))
                .chain(
                    part.relations
                        .iter()
                        .map(|r| (Owner::Kind(r.kind.clone()), &r.values)),
                );
            for (owner, values) in items {
                for (id, v) in values {
                    let key = match v {
                        Value::Code(c) => c.to_string(),
                        Value::Scale(n) => n.to_string(),
                        _ => continue,
                    };
                    used.insert((owner.clone(), id.clone(), key));
                }
            }
        }
        let mut out = Attrs {
            declared: Vec::new(),
            notes: Vec::new(),
            slots: HashMap::new(),
        };
        let mut note_owners: Vec<Vec<Owner>> = Vec::new();
        let owners = tags
            .iter()
            .map(|(t, n)| (Owner::Tag(t.clone()), n))
            .chain(kinds.iter().map(|(k, n)| (Owner::Kind(k.clone()), n)));
        for (owner, type_name) in owners {
            for a in attributes_of(project, &owner) {
                let is_used =
                    |key: &str| used.contains(&(owner.clone(), a.id.clone(), key.to_owned()));
                let shape = match &a.kind {
                    AttributeKind::Flag => Shape::Binary,
                    AttributeKind::Choice { values, .. } => {
                        Shape::Valued(values.iter().map(|v| v.label.clone()).collect())
                    }
                    AttributeKind::Scale { min, max } => {
                        let all = i64::from(*max) - i64::from(*min) <= 100;
                        Shape::Valued(
                            (*min..=*max)
                                .map(|n| n.to_string())
                                .filter(|n| all || is_used(n))
                                .collect(),
                        )
                    }
                    AttributeKind::Code { codebook } => Shape::Valued(
                        project
                            .codebooks
                            .get(codebook)
                            .map(|b| {
                                b.codes
                                    .iter()
                                    .filter(|c| is_used(c.id.as_str()))
                                    .map(|c| c.label.clone())
                                    .collect()
                            })
                            .unwrap_or_default(),
                    ),
                    AttributeKind::Text => Shape::Note,
                };
                if matches!(&shape, Shape::Valued(v) if v.is_empty()) {
                    // No value to write, so nothing to declare.
                    continue;
                }
                let base = base_name(a);
                let mut n = 1;
                let slot = loop {
                    let name = if n == 1 {
                        base.clone()
                    } else {
                        format!("{base}-{n}")
                    };
                    n += 1;
                    match &shape {
                        Shape::Note => {
                            if let Some(i) = out.notes.iter().position(|(x, _)| *x == name) {
                                if !note_owners[i].contains(&owner) {
                                    note_owners[i].push(owner.clone());
                                    break Slot::Note(name);
                                }
                                continue;
                            }
                            if taken.insert(name.to_lowercase()) {
                                out.notes.push((name.clone(), a.label.clone()));
                                note_owners.push(vec![owner.clone()]);
                                break Slot::Note(name);
                            }
                        }
                        Shape::Binary | Shape::Valued(_) => {
                            let binary = matches!(shape, Shape::Binary);
                            if let Some(i) = out.declared.iter().position(|d| d.name == name) {
                                let d = &mut out.declared[i];
                                if d.values.is_none() == binary && !d.types.contains(type_name) {
                                    d.types.push(type_name.clone());
                                    break Slot::Attr(i);
                                }
                                continue;
                            }
                            if taken.insert(name.to_lowercase()) {
                                out.declared.push(Declared {
                                    name,
                                    label: a.label.clone(),
                                    types: vec![type_name.clone()],
                                    values: (!binary).then(Vec::new),
                                });
                                break Slot::Attr(out.declared.len() - 1);
                            }
                        }
                    }
                };
                if let (Slot::Attr(i), Shape::Valued(labels)) = (&slot, &shape)
                    && let Some(values) = out.declared.get_mut(*i).and_then(|d| d.values.as_mut())
                {
                    for label in labels {
                        if values.iter().any(|(l, _)| l == label) {
                            continue;
                        }
                        let base = spelling(label);
                        let mut spelled = base.clone();
                        let mut k = 1;
                        while values.iter().any(|(_, s)| *s == spelled) {
                            k += 1;
                            spelled = format!("{base}-{k}");
                        }
                        values.push((label.clone(), spelled));
                    }
                }
                out.slots.insert((owner.clone(), a.id.clone()), slot);
            }
        }
        out
    }

    /// The lines `value` of attribute `id` of `owner` becomes, and whether a value was written
    /// in another spelling; `None` when it cannot be written (an attribute its type does not
    /// declare, a choice or code the schema lacks, a value of another kind).
    pub(super) fn lines(
        &self,
        project: &Project,
        owner: &Owner,
        id: &AttributeId,
        value: &Value,
    ) -> Option<(Vec<Written>, bool)> {
        let a = attributes_of(project, owner).iter().find(|a| &a.id == id)?;
        match self.slots.get(&(owner.clone(), id.clone()))? {
            Slot::Note(kind) => match value {
                Value::Text(t) => Some((vec![Written::Note(kind.clone(), t.clone())], false)),
                _ => None,
            },
            Slot::Attr(i) => {
                let d = self.declared.get(*i)?;
                match (&d.values, value) {
                    (None, Value::Flag) if matches!(a.kind, AttributeKind::Flag) => {
                        Some((vec![Written::Attr(d.name.clone(), None)], false))
                    }
                    (None, _) => None,
                    (Some(values), v) => {
                        let labels = value_labels(project, a, v)?;
                        let mut lines = Vec::new();
                        let mut respelled = false;
                        for label in labels {
                            let (_, spelled) = values.iter().find(|(l, _)| *l == label)?;
                            respelled |= *spelled != label;
                            lines.push(Written::Attr(d.name.clone(), Some(spelled.clone())));
                        }
                        Some((lines, respelled))
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::spelling;

    #[test]
    fn a_value_is_spelled_as_annotation_conf_can_hold_it() {
        assert_eq!(spelling("neutral or unclear"), "neutral_or_unclear");
        assert_eq!(spelling("a,b|c<d>"), "a_b_c_d_");
        assert_eq!(spelling("立场 🇫🇷 é"), "立场_🇫🇷_é");
        assert_eq!(spelling(""), "_");
        assert_eq!(spelling("-2"), "-2");
    }
}
