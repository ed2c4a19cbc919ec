//! Comparison and agreement between annotators' layers.
//!
//! Depends on [`crate::model`] only. [`units`] turns a project into word-token units with one
//! label per annotator; [`coef`] holds the coefficients (Cohen's κ, Krippendorff's α, Fleiss'
//! κ); [`spans`] matches annotations for span and relation F1; [`agree`] puts them together in
//! one report with bootstrap confidence intervals. [`merge`] joins a colleague's project into
//! mine, layer by layer, as one edit.

pub mod agree;
pub mod coef;
pub mod merge;
pub mod spans;
mod text;
pub mod units;

pub use agree::{AgreeError, Agreement, agreement, choose_annotators};
pub use merge::{MergeError, MergeOptions, MergePlan, MergeReport, plan_merge, tag_proposals};
pub use units::Units;
