//! Comparison and agreement between annotators' layers.
//!
//! Depends on [`crate::model`] only. [`units`] turns a project into word-token units with one
//! label per annotator; [`coef`] holds the coefficients (Cohen's κ, Krippendorff's α, Fleiss'
//! κ); [`spans`] matches annotations for span and relation F1; [`agree`] puts them together in
//! one report with bootstrap confidence intervals, [`values`] adds agreement per attribute
//! (stance, concept …) over the matched spans, and [`behind`] lists the spans behind a
//! figure. [`diff`] groups the layers' annotations into the differences the compare view
//! shows, and [`adjudicate`] turns a reviewer's ruling on one into an edit that fills the
//! reviewed layer. [`merge`] joins a colleague's project into mine, layer by layer, as one
//! edit.

pub mod adjudicate;
pub mod agree;
pub mod behind;
pub mod coef;
pub mod diff;
pub mod merge;
pub mod spans;
mod tally;
mod text;
pub mod units;
pub mod values;

pub use adjudicate::{Action, Ruling, accept_agreed, decide, reopen};
pub use agree::{AgreeError, Agreement, agreement, choose_annotators};
pub use diff::{Comparison, DiffKind, Difference, compare, compare_all, compare_among};
pub use merge::{MergeError, MergeOptions, MergePlan, MergeReport, plan_merge, tag_proposals};
pub use units::Units;
