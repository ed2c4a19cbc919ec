//! The Analysis view's tables, computed from `model` alone (no egui): codes or tags ×
//! articles, codes × codes, codes × the values of an article variable, and counts per week,
//! month or year. Each is a [`Matrix`] whose every cell knows the annotations behind it, so a
//! click on a figure can list its spans.
//!
//! # Rules
//! - **What is taken**: the annotations of the layers given (the summary's rule picks them:
//!   the layer shown, the reviewed one, the only one, or every layer when asked), in every
//!   document of the project.
//! - **Rows** ([`Rows`]): an annotation carries its tag ([`Rows::Tags`]); or the values it has
//!   for an attribute ([`Rows::Attribute`]: a code, one or several choice values, a flag, a
//!   point on a scale, a text), an annotation without one carrying nothing; or, for a claim,
//!   the actors who say it ([`Rows::Actors`], speakers as [`crate::summary`] finds them: an
//!   actor mention at the other end of a relation, grouped by [`crate::summary::ActorKey`]).
//!   An item is counted once per annotation however often it is carried.
//! - **Codes × articles** and **codes × variable**: a cell counts the annotations carrying the
//!   row's item in the column's article, or in the articles with the column's value of the
//!   variable. Articles without a value (or, for the year, without a date) are one column,
//!   "(none)", last.
//! - **Codes × codes** counts units ([`Rule`]): an annotation (same span), a pair of distinct
//!   annotations whose fragments share a byte (overlapping: the row's item on one, the
//!   column's on the other), or a sentence (UAX #29 sentence boundaries, as the article's
//!   triple-click finds them; a span across a boundary belongs to every sentence it touches).
//!   A unit adds one to a cell however many of its annotations carry the two items. With the
//!   same items as rows and columns, the diagonal counts the units where the item occurs
//!   (overlapping: pairs where both spans carry it).
//! - **Over time**: the annotations carrying the row's item per period of their article's
//!   `published` date, every period from the first to the last (empty ones included); an
//!   article whose date says less than the period (`2023` by month, `2023-04` by week) or
//!   none is counted in the last column, "(undated)".
//! - **Totals and percentages**: a row's total is the sum of its cells, a column's likewise,
//!   so row percentages add up to 100 across a row and column percentages down a column. An
//!   annotation carrying two row items counts in both rows.
//!
//! # Cost
//! One pass over the annotations taken (sorted by document and position), with items
//! interned as numbers: a cell is a `u64` index, no string is made per cell. Overlaps are
//! found by a sweep over each document's spans in start order; sentences by binary search of
//! each span's ends among the document's sentence starts (documents without a carrying span
//! are not split). [`Work`] carries a progress count and a cancel flag, so a window can run
//! [`compute`] on another thread.

mod build;
mod carrier;
mod periods;
#[cfg(test)]
mod tests;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::model::{AnnotationId, AttributeId, Rgb, VariableId};

pub use build::{NONE, UNDATED, compute};
pub use periods::Period;

/// What the rows (or columns) of a table are.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Rows {
    /// The tags of the annotations.
    Tags,
    /// The values of this attribute (of every tag that declares it).
    Attribute(AttributeId),
    /// The actors who say a claim.
    Actors,
}

/// What makes two items co-occur.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Rule {
    /// Both on one annotation (a concept and a stance; two codes).
    #[default]
    SameSpan,
    /// On two annotations whose fragments overlap.
    Overlapping,
    /// On annotations in one sentence.
    SameSentence,
}

/// How articles are grouped into the columns of codes × variable.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Grouping {
    /// By the value of this article variable.
    Variable(VariableId),
    /// By source.
    Source,
    /// By author.
    Author,
    /// By the year of `published`.
    Year,
}

/// Which table, and its columns.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Rows × articles (in the project's order).
    Articles,
    /// Rows × these items, co-occurring by this rule.
    CoOccurrence(Rows, Rule),
    /// Rows × the values of an article variable.
    Variable(Grouping),
    /// Rows × periods.
    OverTime(Period),
}

/// What to compute.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Query {
    /// The layers taken.
    pub layers: Vec<String>,
    /// The rows.
    pub rows: Rows,
    /// The table.
    pub kind: Kind,
}

/// A row or column: what it stands for and how it reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// A stable id: the tag, value or code id, the document id, the period ("2023-04").
    pub key: String,
    /// As the analyst reads it.
    pub label: String,
    /// Its colour, where it has one (a tag, a choice value, a code).
    pub color: Option<Rgb>,
}

impl Item {
    fn new(key: impl Into<String>, label: impl Into<String>, color: Option<Rgb>) -> Self {
        Item {
            key: key.into(),
            label: label.into(),
            color,
        }
    }
}

/// Progress and cancellation of a computation that may run on another thread.
#[derive(Debug, Default)]
pub struct Work {
    /// Set to stop: [`compute`] then returns `None` soon.
    pub cancel: AtomicBool,
    /// Documents done.
    pub done: AtomicUsize,
    /// Documents to do (set when the work starts).
    pub total: AtomicUsize,
}

impl Work {
    /// Whether the work was asked to stop.
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// (done, total) documents.
    pub fn progress(&self) -> (usize, usize) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }
}

/// A table of counts with the annotations behind each cell. Cells are stored sparsely
/// (sorted by index), so 5,000 actors × 5,000 articles costs what the non-empty cells cost.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Matrix {
    /// The rows, in order.
    pub rows: Vec<Item>,
    /// The columns, in order.
    pub cols: Vec<Item>,
    /// The column that holds what has no value or date ("(none)", "(undated)"), if any.
    pub none_col: Option<usize>,
    /// Each row's total (the sum of its cells).
    pub row_totals: Vec<u64>,
    /// Each column's total.
    pub col_totals: Vec<u64>,
    /// The sum of every cell.
    pub total: u64,
    /// Non-empty cells: (row × columns + column, count), sorted.
    counts: Vec<(u64, u32)>,
    /// (cell, span) pairs, sorted: the annotations behind each cell.
    behind: Vec<(u64, u32)>,
    /// The annotations taken, by span number.
    spans: Vec<AnnotationId>,
    /// Annotations taken that carry no row item (uncoded), for the view to say so.
    pub uncoded: usize,
}

/// What a cell shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Shown {
    /// The count.
    #[default]
    Counts,
    /// The count as a percentage of its row's total.
    RowPercent,
    /// The count as a percentage of its column's total.
    ColPercent,
}

impl Matrix {
    fn cell(&self, row: usize, col: usize) -> u64 {
        row as u64 * self.cols.len() as u64 + col as u64
    }

    /// The count in a cell (0 outside the table).
    pub fn count(&self, row: usize, col: usize) -> u32 {
        if row >= self.rows.len() || col >= self.cols.len() {
            return 0;
        }
        let cell = self.cell(row, col);
        self.counts
            .binary_search_by_key(&cell, |(c, _)| *c)
            .map_or(0, |i| self.counts.get(i).map_or(0, |(_, n)| *n))
    }

    /// The largest count (0 for an empty table).
    pub fn max(&self) -> u32 {
        self.counts.iter().map(|(_, n)| *n).max().unwrap_or(0)
    }

    /// The count as a percentage of its row's total (`None` for an empty row).
    pub fn row_percent(&self, row: usize, col: usize) -> Option<f64> {
        let total = *self.row_totals.get(row)?;
        (total > 0).then(|| 100.0 * f64::from(self.count(row, col)) / total as f64)
    }

    /// The count as a percentage of its column's total (`None` for an empty column).
    pub fn col_percent(&self, row: usize, col: usize) -> Option<f64> {
        let total = *self.col_totals.get(col)?;
        (total > 0).then(|| 100.0 * f64::from(self.count(row, col)) / total as f64)
    }

    /// The value a cell shows: its count, or its row or column percentage.
    pub fn value(&self, row: usize, col: usize, shown: Shown) -> Option<f64> {
        match shown {
            Shown::Counts => Some(f64::from(self.count(row, col))),
            Shown::RowPercent => self.row_percent(row, col),
            Shown::ColPercent => self.col_percent(row, col),
        }
    }

    /// The annotations behind a cell, in the order taken (document, then position).
    pub fn behind(&self, row: usize, col: usize) -> Vec<&AnnotationId> {
        if row >= self.rows.len() || col >= self.cols.len() {
            return Vec::new();
        }
        let cell = self.cell(row, col);
        let from = self.behind.partition_point(|(c, _)| *c < cell);
        let to = self.behind.partition_point(|(c, _)| *c <= cell);
        self.behind
            .get(from..to)
            .unwrap_or_default()
            .iter()
            .filter_map(|(_, s)| self.spans.get(*s as usize))
            .collect()
    }

    /// The annotations behind a whole row (every column).
    pub fn behind_row(&self, row: usize) -> Vec<&AnnotationId> {
        let mut spans: Vec<u32> = (0..self.cols.len())
            .flat_map(|col| {
                let cell = self.cell(row, col);
                let from = self.behind.partition_point(|(c, _)| *c < cell);
                let to = self.behind.partition_point(|(c, _)| *c <= cell);
                self.behind
                    .get(from..to)
                    .unwrap_or_default()
                    .iter()
                    .map(|(_, s)| *s)
            })
            .collect();
        spans.sort_unstable();
        spans.dedup();
        spans
            .iter()
            .filter_map(|s| self.spans.get(*s as usize))
            .collect()
    }
}
