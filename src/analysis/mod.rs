//! Discourse networks as the Discourse Network Analyzer (DNA) defines them: statements
//! (who says what about which concept, with which stance, when) and the networks they make.
//!
//! The layer has no egui and no files: [`Statements::of`] reads a [`Project`] once, and
//! [`Network::compute`] and [`windows`] turn the statements into networks as often as a
//! caller likes (the window redraws them as the analyst changes the options; the command
//! line writes them with [`write`]). Ids are interned: a [`Statement`] holds indices into
//! [`Statements::actors`], [`Statements::concepts`] and [`Statements::documents`], so the
//! inner loops count integers.
//!
//! # Reference
//! The formulas are those of DNA's exporter (`dna/src/main/java/dna/export/Exporter.java`,
//! leifeld/dna: `filterStatements`, `createArray`, `computeOneModeMatrix`,
//! `computeTwoModeMatrix`, `computeTimeWindowMatrices`), and rDNA's `dna_network` names the
//! options. Where this module departs from it, the item's documentation says so and why.

mod network;
mod statements;
mod window;
pub mod write;

#[cfg(test)]
mod tests;

pub use network::{
    Aggregation, Duplicates, Edge, Excluded, Filter, Mode, Network, NetworkOptions, Node, NodeKind,
    Normalization,
};
pub use statements::{
    ActorNode, ConceptNode, DocInfo, Level, Qualifier, QualifierKind, Skipped, Statement,
    StatementOptions, Statements, parse_date,
};
pub use window::{Window, WindowSpec, WindowUnit, Windows, windows};

#[cfg(doc)]
use crate::model::Project;

/// Why statements or a network cannot be made from these options. Nothing was written.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum NetworkError {
    /// The layer or document choice failed (the export's own message).
    #[error("{0}")]
    Select(#[from] crate::formats::ExportError),
    /// The statement tag is not in the schema.
    #[error("there is no tag {tag:?} in the project's schema; the tags are: {}", tags.join(", "))]
    NoSuchTag {
        /// The tag asked for.
        tag: String,
        /// The schema's tags.
        tags: Vec<String>,
    },
    /// The qualifier (or concept) attribute is not declared on the tag.
    #[error("the tag {tag:?} has no attribute {attribute:?}; its attributes are: {}", if attributes.is_empty() { "none".to_owned() } else { attributes.join(", ") })]
    NoSuchAttribute {
        /// The tag.
        tag: String,
        /// The attribute asked for.
        attribute: String,
        /// The tag's attributes.
        attributes: Vec<String>,
    },
    /// `--qualifier-order` for an attribute that is not a choice, or with values it lacks.
    #[error("{0}")]
    BadOrder(String),
    /// An option that does not go with the others.
    #[error("{0}")]
    Options(String),
}
