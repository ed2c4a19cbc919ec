//! The schema: which tags and relations a project uses.

use serde::{Deserialize, Serialize};

use super::codes::{Attribute, AttributeKind, ChoiceValue, Variable};
use super::ids::{RelationKindId, TagId};

/// An sRGB colour, written `#RRGGBB` in project files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// Parses `#RRGGBB` (the `#` is optional).
    pub fn parse(s: &str) -> Option<Self> {
        let hex = s.strip_prefix('#').unwrap_or(s);
        if hex.len() != 6 || !hex.is_ascii() {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
        Some(Rgb(byte(0)?, byte(2)?, byte(4)?))
    }

    /// The colour formatted `#RRGGBB`.
    pub fn to_hex(self) -> String {
        format!("#{:02X}{:02X}{:02X}", self.0, self.1, self.2)
    }
}

impl Serialize for Rgb {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for Rgb {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Rgb::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!("expected a colour \"#RRGGBB\", found {s:?}"))
        })
    }
}

/// The Okabe–Ito palette: eight colours told apart with every common colour-vision deficiency.
pub const PALETTE: [Rgb; 7] = [
    Rgb(0x00, 0x72, 0xB2), // blue
    Rgb(0xE6, 0x9F, 0x00), // orange
    Rgb(0x00, 0x9E, 0x73), // bluish green
    Rgb(0xCC, 0x79, 0xA7), // reddish purple
    Rgb(0x56, 0xB4, 0xE9), // sky blue
    Rgb(0xD5, 0x5E, 0x00), // vermillion
    Rgb(0xF0, 0xE4, 0x42), // yellow
];

/// A kind of span an analyst can tag.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagType {
    /// Stable identifier, used by annotations and exports.
    pub id: TagId,
    /// Name shown to the analyst.
    pub label: String,
    /// Highlight colour.
    pub color: Rgb,
    /// The key that applies this tag (`"1"`, `"2"` …), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// One-line definition, shown as a tooltip where the analyst tags.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub definition: String,
    /// Longer coding guideline.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub guideline: String,
    /// What is coded on a span of this type (stance, concept …). (New in format version 6.)
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
}

impl TagType {
    /// The attribute with this id.
    pub fn attribute(&self, id: &crate::model::AttributeId) -> Option<&Attribute> {
        self.attributes.iter().find(|a| &a.id == id)
    }
}

/// A kind of link between two annotations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationType {
    /// Stable identifier.
    pub id: RelationKindId,
    /// Name shown to the analyst.
    pub label: String,
    /// Tags allowed at the source (empty: any).
    #[serde(default)]
    pub from: Vec<TagId>,
    /// Tags allowed at the target (empty: any).
    #[serde(default)]
    pub to: Vec<TagId>,
    /// One-line definition.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub definition: String,
    /// What is coded on a link of this type. (New in format version 6.)
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
}

impl RelationType {
    /// The attribute with this id.
    pub fn attribute(&self, id: &crate::model::AttributeId) -> Option<&Attribute> {
        self.attributes.iter().find(|a| &a.id == id)
    }

    /// Whether this relation may link an annotation tagged `from` to one tagged `to`.
    pub fn allows(&self, from: &TagId, to: &TagId) -> bool {
        (self.from.is_empty() || self.from.contains(from))
            && (self.to.is_empty() || self.to.contains(to))
    }
}

/// The tag and relation types of a project, in the order the analyst sees them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schema {
    /// Tag types.
    pub tags: Vec<TagType>,
    /// Relation types.
    #[serde(default)]
    pub relations: Vec<RelationType>,
    /// Article variables (outlet, country …), beside title, source, author, date and URL.
    /// (New in format version 6.)
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variables: Vec<Variable>,
}

impl Schema {
    /// The tag type with this id.
    pub fn tag(&self, id: &TagId) -> Option<&TagType> {
        self.tags.iter().find(|t| &t.id == id)
    }

    /// The relation type with this id.
    pub fn relation(&self, id: &RelationKindId) -> Option<&RelationType> {
        self.relations.iter().find(|r| &r.id == id)
    }

    /// The article variable with this id.
    pub fn variable(&self, id: &crate::model::VariableId) -> Option<&Variable> {
        self.variables.iter().find(|v| &v.id == id)
    }

    /// The default schema as it was before codes: the same tags and relations, no attributes.
    /// A file that leaves its schema out was written meaning this one.
    pub fn without_codes() -> Self {
        let mut schema = Schema::default();
        for t in &mut schema.tags {
            t.attributes.clear();
        }
        schema
    }

    /// Whether anything in the schema needs format version 6 (attributes or variables).
    pub fn has_codes(&self) -> bool {
        !self.variables.is_empty()
            || self.tags.iter().any(|t| !t.attributes.is_empty())
            || self.relations.iter().any(|r| !r.attributes.is_empty())
    }
}

/// The id of the codebook the default schema's `concept` attributes take their codes from.
pub const CONCEPTS: &str = "concepts";

/// The default `stance` of a claim: supports (+), opposes (−), neutral or unclear (0), the
/// agreement qualifier of discourse network analysis.
pub fn stance_attribute() -> Attribute {
    let value = |id: &str, label: &str, color: Rgb, key: &str| ChoiceValue {
        id: id.to_owned(),
        label: label.to_owned(),
        color,
        key: Some(key.to_owned()),
    };
    Attribute {
        id: "stance".into(),
        label: "Stance".to_owned(),
        definition: "Whether the claim supports or opposes its concept.".to_owned(),
        kind: AttributeKind::Choice {
            values: vec![
                value("supports", "supports", PALETTE[2], "+"),
                value("opposes", "opposes", PALETTE[5], "-"),
                value("neutral", "neutral or unclear", Rgb(0x80, 0x80, 0x80), "0"),
            ],
            multiple: false,
            default: None,
        },
    }
}

/// The default `concept` of a claim or condition: a code from the concepts codebook.
pub fn concept_attribute() -> Attribute {
    Attribute {
        id: "concept".into(),
        label: "Concept".to_owned(),
        definition: "What the claim or condition is about, as a code of the concepts codebook."
            .to_owned(),
        kind: AttributeKind::Code {
            codebook: CONCEPTS.into(),
        },
    }
}

impl Default for Schema {
    /// Actors, claims and conditions; claims said by actors and conditional on conditions.
    fn default() -> Self {
        let tag = |id: &str, label: &str, color: Rgb, key: &str, definition: &str| TagType {
            id: id.into(),
            label: label.to_owned(),
            color,
            key: Some(key.to_owned()),
            definition: definition.to_owned(),
            guideline: String::new(),
            attributes: Vec::new(),
        };
        let [blue, orange, green, ..] = PALETTE;
        let mut schema = Schema {
            tags: vec![
                tag(
                    "actor",
                    "Actor",
                    blue,
                    "1",
                    "A person, organisation, state or group that speaks, wants or acts.",
                ),
                tag(
                    "claim",
                    "Claim",
                    orange,
                    "2",
                    "A position, demand, proposal or assertion that an actor puts forward.",
                ),
                tag(
                    "condition",
                    "Condition",
                    green,
                    "3",
                    "A condition or circumstance on which a claim depends.",
                ),
            ],
            relations: vec![
                RelationType {
                    id: "said_by".into(),
                    label: "said by".to_owned(),
                    from: vec!["claim".into()],
                    to: vec!["actor".into()],
                    definition: "Links a claim to the actor who makes it.".to_owned(),
                    attributes: Vec::new(),
                },
                RelationType {
                    id: "conditional_on".into(),
                    label: "conditional on".to_owned(),
                    from: vec!["claim".into()],
                    to: vec!["condition".into()],
                    definition: "Links a claim to a condition it depends on.".to_owned(),
                    attributes: Vec::new(),
                },
            ],
            variables: Vec::new(),
        };
        // A claim's stance and concept, a condition's concept: the statements of discourse
        // network analysis (actor, concept, qualifier).
        schema.tags[1].attributes = vec![stance_attribute(), concept_attribute()];
        schema.tags[2].attributes = vec![concept_attribute()];
        schema
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_round_trip_and_bad_ones_are_refused() {
        assert_eq!(Rgb::parse("#0072B2"), Some(Rgb(0, 0x72, 0xB2)));
        assert_eq!(Rgb(0, 0x72, 0xB2).to_hex(), "#0072B2");
        assert_eq!(Rgb::parse("#12345"), None);
        assert_eq!(Rgb::parse("#12345é"), None);
    }

    #[test]
    fn default_schema_links_claims_to_actors_and_conditions() {
        let schema = Schema::default();
        let said_by = schema.relation(&"said_by".into());
        assert!(said_by.is_some_and(|r| r.allows(&"claim".into(), &"actor".into())));
        assert!(said_by.is_some_and(|r| !r.allows(&"actor".into(), &"claim".into())));
        let keys: Vec<_> = schema
            .tags
            .iter()
            .filter_map(|t| t.key.as_deref())
            .collect();
        assert_eq!(keys, ["1", "2", "3"]);
    }
}
