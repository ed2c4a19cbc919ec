//! Annotations, the relations between them, and the entities (canonical actors) they mention.

use std::ops::Range;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::codes::{ExternalRef, Values};
use super::ids::{AnnotationId, DocId, EntityId, RelationId, RelationKindId, TagId};
use super::offset::ByteOffset;

/// One contiguous piece of an annotation: a byte range into the document text, on grapheme
/// boundaries, `start < end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fragment {
    /// First byte covered.
    pub start: ByteOffset,
    /// One past the last byte covered.
    pub end: ByteOffset,
}

impl Fragment {
    /// The fragment covering `range`.
    pub fn new(range: Range<ByteOffset>) -> Self {
        Fragment {
            start: range.start,
            end: range.end,
        }
    }

    /// The byte range as `usize`s, for slicing.
    pub fn bytes(&self) -> Range<usize> {
        self.start.0..self.end.0
    }
}

/// The annotator name of the reviewed layer: the annotations a reviewer settled on. Exports
/// prefer it when it exists.
pub const REVIEWED_LAYER: &str = "reviewed";

/// Where a reviewer stands on an annotation.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    /// Not reviewed yet.
    #[default]
    Pending,
    /// Accepted by a reviewer.
    Accepted,
    /// Rejected by a reviewer.
    Rejected,
}

/// A tagged span of a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Annotation {
    /// Unique across independently made files.
    pub id: AnnotationId,
    /// The document annotated.
    pub doc: DocId,
    /// The tag type.
    pub tag: TagId,
    /// One fragment, or several for a discontinuous span; sorted, not overlapping.
    pub fragments: Vec<Fragment>,
    /// The covered text: the fragments' texts joined by one space (as brat does).
    pub quote: String,
    /// Who made it: the annotation's layer.
    pub annotator: String,
    /// For actors: the canonical actor mentioned.
    pub entity: Option<EntityId>,
    /// Free-form analyst note.
    pub note: String,
    /// Review decision.
    pub status: ReviewStatus,
    /// When it was made.
    pub created: Timestamp,
    /// When it was last changed.
    pub modified: Timestamp,
    /// Who last changed it, when that was not its annotator: an analyst who, with the
    /// window's confirmation, edited another's layer outside review. `None` when its
    /// annotator made the last change. (New in format version 5.)
    pub changed_by: Option<String>,
    /// The values of its tag type's attributes (stance, concept …). (New in format version 6.)
    pub values: Values,
}

impl Annotation {
    /// The first byte covered.
    pub fn start(&self) -> ByteOffset {
        self.fragments.first().map_or(ByteOffset(0), |f| f.start)
    }

    /// One past the last byte covered.
    pub fn end(&self) -> ByteOffset {
        self.fragments.last().map_or(ByteOffset(0), |f| f.end)
    }

    /// The order annotations are listed and written in: by position, then tag, then id.
    pub fn sort_key(
        &self,
    ) -> (
        ByteOffset,
        std::cmp::Reverse<ByteOffset>,
        &TagId,
        &AnnotationId,
    ) {
        (
            self.start(),
            std::cmp::Reverse(self.end()),
            &self.tag,
            &self.id,
        )
    }
}

/// The text `fragments` cover in `text`, joined by one space; `None` if a fragment does not
/// fit the text.
pub fn quote_of(text: &str, fragments: &[Fragment]) -> Option<String> {
    let mut quote = String::new();
    for (i, f) in fragments.iter().enumerate() {
        if i > 0 {
            quote.push(' ');
        }
        quote.push_str(text.get(f.bytes())?);
    }
    Some(quote)
}

/// A typed link between two annotations of the same document (a claim said by an actor …).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Relation {
    /// Unique across independently made files.
    pub id: RelationId,
    /// The relation type.
    pub kind: RelationKindId,
    /// Source annotation (for `said_by`: the claim).
    pub from: AnnotationId,
    /// Target annotation (for `said_by`: the actor).
    pub to: AnnotationId,
    /// Who made the link: the layer it belongs to.
    pub annotator: String,
    /// Who last changed it (made or retyped it), when that was not its annotator: an analyst
    /// who, with the window's confirmation, edited another's layer. (New in format version 5.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed_by: Option<String>,
    /// Free-form analyst note. (New in format version 6.)
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// The values of its relation type's attributes. (New in format version 6.)
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub values: Values,
}

/// What kind of actor an entity is.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// A person.
    Person,
    /// An organisation: a party, company, ministry, agency.
    Organisation,
    /// A state or its government.
    State,
    /// A group of people or states ("allies", "people familiar with the plans").
    Group,
    /// Anything else.
    #[default]
    Other,
}

impl EntityKind {
    /// Every kind, in the order offered to the analyst.
    pub const ALL: [EntityKind; 5] = [
        EntityKind::Person,
        EntityKind::Organisation,
        EntityKind::State,
        EntityKind::Group,
        EntityKind::Other,
    ];

    /// Words for the analyst.
    pub fn label(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Organisation => "organisation",
            EntityKind::State => "state",
            EntityKind::Group => "group",
            EntityKind::Other => "other",
        }
    }
}

/// A canonical actor of the registry: "Macron", "the French president" and "Emmanuel Macron"
/// are three mentions of one entity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entity {
    /// Identifier, unique across independently made files.
    pub id: EntityId,
    /// Canonical name.
    pub name: String,
    /// Person, organisation, state …
    pub kind: EntityKind,
    /// Other names seen for it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Free-form note.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// The same actor in knowledge bases (`Wikidata:Q3052772`). (New in format version 6.)
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refs: Vec<ExternalRef>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_join_fragments_with_a_space_and_refuse_bad_ranges() {
        let text = "Macron said talks could start";
        let f = |s, e| Fragment::new(ByteOffset(s)..ByteOffset(e));
        assert_eq!(
            quote_of(text, &[f(0, 6), f(12, 17)]).as_deref(),
            Some("Macron talks")
        );
        assert_eq!(quote_of(text, &[f(0, 99)]), None);
        assert_eq!(quote_of("é", &[f(0, 1)]), None);
    }
}
