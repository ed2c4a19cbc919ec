//! Comparison and agreement between annotators' layers.
//!
//! Depends on [`crate::model`] only. [`units`] turns a project into word-token units with one
//! label per annotator; [`coef`] holds the coefficients (Cohen's κ, Krippendorff's α, Fleiss'
//! κ); [`spans`] matches annotations for span and relation F1; [`agree`] puts them together in
//! one report with bootstrap confidence intervals; [`behind`] lists the spans behind a figure.

pub mod agree;
pub mod behind;
pub mod coef;
pub mod spans;
mod tally;
mod text;
pub mod units;

pub use agree::{AgreeError, Agreement, agreement, choose_annotators};
pub use units::Units;
