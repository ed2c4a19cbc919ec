//! The shape of a project file on disk (format version 6, or 5 or 4 when nothing needs more),
//! apart
//! from the in-memory model.
//!
//! Offsets here are [`CharOffset`](crate::model::CharOffset)s (code points), as the header says;
//! the model works in bytes. [`super::convert`] translates between the two.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::model::{
    AnnotationId, Codebook, Decision, DocId, DocStatus, Entity, EntityId, Relation, ReviewStatus,
    Schema, TagId, Tokens, Values, VariableId,
};

/// The newest format version this build reads and writes (files are written at the lowest
/// version that holds them, see [`version_needed`]).
pub const FORMAT_VERSION: u32 = 7;

/// The only offset unit project files use.
pub const OFFSET_UNIT: &str = "code_points";

/// The comment every project file starts with.
pub const HEADER: &str = "\
// Marginalia project file. Human-readable RON.
// Offsets count Unicode code points from the start of each document's text, end exclusive,
// as Python, brat, doccano and spaCy count. `sha256` is the hash of the document's text.
";

/// A whole project file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectFile {
    /// Version of this format; older versions are migrated on load, newer ones refused.
    pub format_version: u32,
    /// Unit of every offset in the file: always `"code_points"`. (Absent in version 1.)
    #[serde(default = "default_unit")]
    pub offset_unit: String,
    /// Project name.
    pub name: String,
    /// Project notes.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// Tag and relation types. A file without them was written meaning the default schema
    /// of before codes.
    #[serde(default = "Schema::without_codes")]
    pub schema: Schema,
    /// The codebooks, by id (version 6).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codebooks: Vec<Codebook>,
    /// Known annotators, sorted.
    #[serde(default)]
    pub annotators: Vec<String>,
    /// The actor registry, sorted by id.
    #[serde(default)]
    pub entities: Vec<Entity>,
    /// Documents, in the analyst's order.
    #[serde(default)]
    pub documents: Vec<DocumentRecord>,
    /// Annotations, by document and position.
    #[serde(default)]
    pub annotations: Vec<AnnotationRecord>,
    /// Relations, by the position of their source annotation.
    #[serde(default)]
    pub relations: Vec<Relation>,
    /// Reviewers' decisions, by id. (New in version 3; their `seen` times in version 4.)
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<Decision>,
}

fn default_unit() -> String {
    OFFSET_UNIT.to_owned()
}

/// A document as written: metadata first, the text last so the file reads like a dossier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentRecord {
    /// Identifier.
    pub id: DocId,
    /// Title.
    pub title: String,
    /// Publication or site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Author.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Publication date (ISO 8601 or a prefix of it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// Where it was found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Progress per annotator.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub status: BTreeMap<String, DocStatus>,
    /// Values of the article variables (version 6).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub variables: BTreeMap<VariableId, String>,
    /// How the text divides into tokens, when not into words (version 7).
    #[serde(default, skip_serializing_if = "Tokens::is_words")]
    pub tokens: Tokens,
    /// SHA-256 of `text`, lower-case hex.
    pub sha256: String,
    /// The text.
    pub text: String,
}

/// An annotation as written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnotationRecord {
    /// Identifier.
    pub id: AnnotationId,
    /// Document.
    pub doc: DocId,
    /// Tag type.
    pub tag: TagId,
    /// `(start, end)` pairs in code points, end exclusive.
    #[serde(default)]
    pub fragments: Vec<(usize, usize)>,
    /// Version 1 only: the start of the single span (code points).
    #[serde(default, skip_serializing)]
    pub start: Option<usize>,
    /// Version 1 only: the end of the single span (code points).
    #[serde(default, skip_serializing)]
    pub end: Option<usize>,
    /// Covered text, fragments joined by one space.
    pub quote: String,
    /// Layer.
    pub annotator: String,
    /// Canonical actor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<EntityId>,
    /// Note.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// Review decision.
    #[serde(default, skip_serializing_if = "is_pending")]
    pub status: ReviewStatus,
    /// Creation time.
    pub created: Timestamp,
    /// Last change; absent when it is the creation time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<Timestamp>,
    /// Who last changed it when not its annotator (version 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed_by: Option<String>,
    /// Values of its tag type's attributes (version 6).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub values: Values,
}

/// The version a file is written at: the lowest that holds all it has, so that a colleague
/// on an earlier release still opens every file that uses nothing newer. Version 5 is needed
/// only for `changed_by`; version 6 for codes (attributes and their values, codebooks, article
/// variables, notes on relations, entities' knowledge-base references); version 7 for a
/// document whose tokens are its text's runs between spaces (one read from CoNLL).
pub fn version_needed(file: &ProjectFile) -> u32 {
    if file.documents.iter().any(|d| !d.tokens.is_words()) {
        return 7;
    }
    let codes = file.schema.has_codes()
        || !file.codebooks.is_empty()
        || file.annotations.iter().any(|a| !a.values.is_empty())
        || file
            .relations
            .iter()
            .any(|r| !r.values.is_empty() || !r.note.is_empty())
        || file.entities.iter().any(|e| !e.refs.is_empty())
        || file.documents.iter().any(|d| !d.variables.is_empty())
        || file.decisions.iter().any(|d| !d.values_from.is_empty());
    if codes {
        6
    } else if file.annotations.iter().any(|a| a.changed_by.is_some())
        || file.relations.iter().any(|r| r.changed_by.is_some())
    {
        5
    } else {
        4
    }
}

fn is_pending(s: &ReviewStatus) -> bool {
    *s == ReviewStatus::Pending
}

/// Just the version, read before anything else so a newer file is never half-read.
#[derive(Deserialize)]
pub(super) struct VersionProbe {
    pub format_version: u32,
}
