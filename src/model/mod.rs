//! The data model: projects, documents, annotations and the edits that change them.
//!
//! Pure data: nothing here touches files, the clock (callers pass `now`) or a window.

mod annotation;
mod codes;
mod coding;
mod decision;
mod document;
mod edit;
mod history;
mod ids;
mod marked;
mod offset;
mod project;
mod schema;
mod snap;

pub mod motion;
pub mod ops;

pub use annotation::{
    Annotation, Entity, EntityKind, Fragment, REVIEWED_LAYER, Relation, ReviewStatus, quote_of,
};
pub use codes::{
    Attribute, AttributeKind, ChoiceValue, Code, Codebook, ExternalRef, ShownValue, Value, Values,
    Variable, VariableKind, refuse_value, shown_values, value_colors,
};
pub use decision::{Decision, DecisionReason, Verdict, fingerprint};
pub use document::{DocStatus, Document, DocumentMeta, Tokens, is_partial_iso_date, sha256_hex};
pub use edit::{Edit, EditError, ProjectMeta, project_meta};
pub use history::History;
pub use ids::{
    AnnotationId, AttributeId, CodeId, CodebookId, DecisionId, DocId, EntityId, RelationId,
    RelationKindId, TagId, VariableId, fresh as fresh_id,
};
pub use marked::{parse_marked, project_from_marked};
pub use offset::{ByteOffset, CharOffset, OffsetError, TextIndex, Utf16Offset};
pub use project::{DocIdSeries, DocLayers, Project, SharedMap, SharedMapExt, unique_doc_id};
pub use schema::{CONCEPTS, PALETTE, RelationType, Rgb, Schema, TagType};
pub use snap::{
    SnapOptions, ceil_grapheme, floor_grapheme, is_grapheme_boundary, snap_selection,
    snap_to_graphemes, snap_to_words, trim_whitespace,
};

#[cfg(test)]
mod tests;

/// Strategies shared by property tests across modules.
#[cfg(test)]
pub(crate) use offset::tests::unicode_text;
