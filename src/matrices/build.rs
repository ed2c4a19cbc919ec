//! The tables computed: one pass over the spans taken, document by document.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

use unicode_segmentation::UnicodeSegmentation;

use crate::model::{Annotation, Project, VariableKind};

use super::carrier::{Carrier, Taken};
use super::{Grouping, Item, Kind, Matrix, Period, Query, Rule, Work};

/// The label of the column of articles without a value.
pub const NONE: &str = "(none)";
/// The label of the column of articles without a date precise enough for the period.
pub const UNDATED: &str = "(undated)";

/// Collects what each unit adds to the table.
struct Builder {
    cols: u64,
    /// One cell index per unit that adds one to it.
    hits: Vec<u64>,
    /// (cell, span) pairs.
    behind: Vec<(u64, u32)>,
}

impl Builder {
    fn cell(&self, row: u32, col: u32) -> u64 {
        u64::from(row) * self.cols + u64::from(col)
    }

    /// One unit, one span: the annotation counts in the cell and is behind it.
    fn one(&mut self, row: u32, col: u32, span: usize) {
        let cell = self.cell(row, col);
        self.hits.push(cell);
        self.behind.push((cell, span as u32));
    }

    fn finish(
        mut self,
        rows: Vec<Item>,
        cols: Vec<Item>,
        none_col: Option<usize>,
        taken: &Taken,
        carrier: &Carrier,
    ) -> Matrix {
        self.hits.sort_unstable();
        let mut counts: Vec<(u64, u32)> = Vec::new();
        for cell in self.hits {
            match counts.last_mut() {
                Some((c, n)) if *c == cell => *n += 1,
                _ => counts.push((cell, 1)),
            }
        }
        self.behind.sort_unstable();
        self.behind.dedup();
        let ncols = self.cols.max(1);
        let mut row_totals = vec![0u64; rows.len()];
        let mut col_totals = vec![0u64; cols.len()];
        for (cell, n) in &counts {
            if let Some(t) = row_totals.get_mut((cell / ncols) as usize) {
                *t += u64::from(*n);
            }
            if let Some(t) = col_totals.get_mut((cell % ncols) as usize) {
                *t += u64::from(*n);
            }
        }
        let uncoded = (0..taken.anns.len())
            .filter(|s| carrier.of_span(*s).is_empty())
            .count();
        Matrix {
            total: row_totals.iter().sum(),
            rows,
            cols,
            none_col,
            row_totals,
            col_totals,
            counts,
            behind: self.behind,
            spans: taken.anns.iter().map(|a| a.id.clone()).collect(),
            uncoded,
        }
    }
}

/// The table `query` asks for; `None` if `work` was cancelled meanwhile.
pub fn compute(project: &Project, query: &Query, work: &Work) -> Option<Matrix> {
    let taken = Taken::of(project, &query.layers);
    let rows = Carrier::new(project, &taken, &query.layers, &query.rows);
    work.total.store(project.documents.len(), Ordering::Relaxed);
    work.done.store(0, Ordering::Relaxed);
    let (cols, none_col, mut b) = match &query.kind {
        Kind::Articles => {
            let cols: Vec<Item> = project
                .documents
                .iter()
                .map(|d| {
                    let title = if d.meta.title.is_empty() {
                        d.id.as_str()
                    } else {
                        &d.meta.title
                    };
                    Item::new(d.id.as_str(), title, None)
                })
                .collect();
            let col_of: Vec<Option<u32>> = (0..cols.len() as u32).map(Some).collect();
            let b = per_article(&taken, &rows, &col_of, cols.len(), work)?;
            (cols, None, b)
        }
        Kind::Variable(grouping) => {
            let (cols, col_of, none) = groups(project, grouping);
            let b = per_article(&taken, &rows, &col_of, cols.len(), work)?;
            (cols, none, b)
        }
        Kind::OverTime(period) => {
            let (cols, col_of, none) = periods(project, *period);
            let b = per_article(&taken, &rows, &col_of, cols.len(), work)?;
            (cols, none, b)
        }
        Kind::CoOccurrence(col_rows, rule) => {
            let other = (col_rows != &query.rows)
                .then(|| Carrier::new(project, &taken, &query.layers, col_rows));
            let cols_carrier = other.as_ref().unwrap_or(&rows);
            let b = co_occurrence(project, &taken, &rows, cols_carrier, *rule, work)?;
            (cols_carrier.items.clone(), None, b)
        }
    };
    b.cols = cols.len() as u64;
    Some(b.finish(rows.items.clone(), cols, none_col, &taken, &rows))
}

/// Rows × columns of articles: each span counts in its article's column (`col_of`, by
/// document; `None`: in no column).
fn per_article(
    taken: &Taken,
    rows: &Carrier,
    col_of: &[Option<u32>],
    ncols: usize,
    work: &Work,
) -> Option<Builder> {
    let mut b = Builder {
        cols: ncols as u64,
        hits: Vec::with_capacity(taken.anns.len()),
        behind: Vec::with_capacity(taken.anns.len()),
    };
    for (d, spans) in taken.by_doc.iter().enumerate() {
        if work.cancelled() {
            return None;
        }
        if let Some(&Some(col)) = col_of.get(d) {
            for s in spans.clone() {
                for &row in rows.of_span(s) {
                    b.one(row, col, s);
                }
            }
        }
        work.done.fetch_add(1, Ordering::Relaxed);
    }
    Some(b)
}

/// Whether two annotations share a byte.
fn overlap(a: &Annotation, b: &Annotation) -> bool {
    a.fragments.iter().any(|f| {
        b.fragments
            .iter()
            .any(|g| f.start < g.end && g.start < f.end)
    })
}

/// Rows × columns counting units by `rule`.
fn co_occurrence(
    project: &Project,
    taken: &Taken,
    rows: &Carrier,
    cols: &Carrier,
    rule: Rule,
    work: &Work,
) -> Option<Builder> {
    let mut b = Builder {
        cols: cols.items.len() as u64,
        hits: Vec::new(),
        behind: Vec::new(),
    };
    let mut cells: Vec<u64> = Vec::new();
    // Sentence boundaries of the documents with a coded span, on every core (UAX #29 is
    // most of the cost of this rule).
    let starts: Vec<Vec<usize>> = if rule == Rule::SameSentence {
        let docs: Vec<(usize, &str)> = taken
            .by_doc
            .iter()
            .enumerate()
            .map(|(d, spans)| {
                let coded = spans
                    .clone()
                    .any(|s| !rows.of_span(s).is_empty() || !cols.of_span(s).is_empty());
                let text = project.documents.get(d).map_or("", |doc| doc.text.as_str());
                (d, if coded { text } else { "" })
            })
            .collect();
        crate::par::par_map(&docs, |(_, text)| {
            text.split_sentence_bound_indices()
                .map(|(i, _)| i)
                .collect()
        })
    } else {
        Vec::new()
    };
    for (d, spans) in taken.by_doc.iter().enumerate() {
        if work.cancelled() {
            return None;
        }
        work.done.fetch_add(1, Ordering::Relaxed);
        // Only spans carrying a row or a column item take part.
        let coded: Vec<usize> = spans
            .clone()
            .filter(|&s| !rows.of_span(s).is_empty() || !cols.of_span(s).is_empty())
            .collect();
        if coded.is_empty() {
            continue;
        }
        match rule {
            Rule::SameSpan => {
                for &s in &coded {
                    for &r in rows.of_span(s) {
                        for &c in cols.of_span(s) {
                            b.one(r, c, s);
                        }
                    }
                }
            }
            Rule::Overlapping => {
                for (k, &s) in coded.iter().enumerate() {
                    let a = taken.anns.get(s)?;
                    for &t in coded.get(k + 1..).unwrap_or_default() {
                        let other = taken.anns.get(t)?;
                        if other.start() >= a.end() {
                            break;
                        }
                        if !overlap(a, other) {
                            continue;
                        }
                        cells.clear();
                        for (x, y) in [(s, t), (t, s)] {
                            for &r in rows.of_span(x) {
                                for &c in cols.of_span(y) {
                                    cells.push(b.cell(r, c));
                                }
                            }
                        }
                        cells.sort_unstable();
                        cells.dedup();
                        for &cell in &cells {
                            b.hits.push(cell);
                            b.behind.push((cell, s as u32));
                            b.behind.push((cell, t as u32));
                        }
                    }
                }
            }
            Rule::SameSentence => {
                let starts = starts.get(d).map(Vec::as_slice).unwrap_or_default();
                same_sentence(&mut b, starts, taken, &coded, rows, cols);
            }
        }
    }
    Some(b)
}

/// The units of one document's sentences: every sentence adds one to each (row, column)
/// pair of items carried in it; `starts` are its sentences' first bytes (UAX #29).
fn same_sentence(
    b: &mut Builder,
    starts: &[usize],
    taken: &Taken,
    coded: &[usize],
    rows: &Carrier,
    cols: &Carrier,
) {
    let sentence_of = |byte: usize| starts.partition_point(|&s| s <= byte).saturating_sub(1);
    let mut in_sentence: Vec<(usize, usize)> = Vec::with_capacity(coded.len());
    for &s in coded {
        let Some(a) = taken.anns.get(s) else {
            continue;
        };
        let first = sentence_of(a.start().0);
        let last = sentence_of(a.end().0.saturating_sub(1).max(a.start().0));
        in_sentence.extend((first..=last).map(|k| (k, s)));
    }
    in_sentence.sort_unstable();
    let (mut here_rows, mut here_cols) = (Vec::new(), Vec::new());
    for group in in_sentence.chunk_by(|x, y| x.0 == y.0) {
        here_rows.clear();
        here_cols.clear();
        for &(_, s) in group {
            here_rows.extend_from_slice(rows.of_span(s));
            here_cols.extend_from_slice(cols.of_span(s));
        }
        here_rows.sort_unstable();
        here_rows.dedup();
        here_cols.sort_unstable();
        here_cols.dedup();
        for &r in &here_rows {
            for &c in &here_cols {
                b.hits.push(b.cell(r, c));
            }
        }
        for &(_, s) in group {
            for &r in rows.of_span(s) {
                for &c in &here_cols {
                    b.behind.push((b.cell(r, c), s as u32));
                }
            }
            for &c in cols.of_span(s) {
                for &r in &here_rows {
                    b.behind.push((b.cell(r, c), s as u32));
                }
            }
        }
    }
}

/// The columns of codes × variable: each value met, in order (numbers by value, a choice
/// variable's values as declared, others as text), then "(none)"; and each document's column.
fn groups(project: &Project, grouping: &Grouping) -> (Vec<Item>, Vec<Option<u32>>, Option<usize>) {
    let value_of = |d: &crate::model::Document| -> Option<String> {
        let v = match grouping {
            Grouping::Variable(id) => d.meta.variables.get(id).cloned(),
            Grouping::Source => d.meta.source.clone(),
            Grouping::Author => d.meta.author.clone(),
            Grouping::Year => d
                .meta
                .published
                .as_deref()
                .and_then(|p| Period::Year.of(p))
                .map(|y| y.to_string()),
        };
        v.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
    };
    let values: Vec<Option<String>> = project.documents.iter().map(value_of).collect();
    let kind = match grouping {
        Grouping::Variable(id) => project
            .schema
            .variables
            .iter()
            .find(|v| &v.id == id)
            .map(|v| v.kind.clone()),
        _ => None,
    };
    // Sort keys: (declared position or number, text).
    let declared = |v: &str| -> (u8, f64) {
        match &kind {
            Some(VariableKind::Choice { values }) => match values.iter().position(|x| x == v) {
                Some(i) => (0, i as f64),
                None => (1, 0.0),
            },
            Some(VariableKind::Number) => v.parse::<f64>().map_or((1, 0.0), |n| (0, n)),
            _ => (0, 0.0),
        }
    };
    let mut distinct: Vec<&str> = values.iter().flatten().map(String::as_str).collect();
    distinct.sort_unstable();
    distinct.dedup();
    distinct.sort_by(|a, b| {
        let (ka, kb) = (declared(a), declared(b));
        ka.0.cmp(&kb.0)
            .then(ka.1.total_cmp(&kb.1))
            .then_with(|| a.cmp(b))
    });
    let index: BTreeMap<&str, u32> = distinct
        .iter()
        .enumerate()
        .map(|(i, v)| (*v, i as u32))
        .collect();
    let mut cols: Vec<Item> = distinct.iter().map(|v| Item::new(*v, *v, None)).collect();
    let none = values.iter().any(Option::is_none).then_some(cols.len());
    if none.is_some() {
        cols.push(Item::new("", NONE, None));
    }
    let col_of = values
        .iter()
        .map(|v| match v {
            Some(v) => index.get(v.as_str()).copied(),
            None => none.map(|n| n as u32),
        })
        .collect();
    (cols, col_of, none)
}

/// The columns of a time series: every period from the first date to the last, then
/// "(undated)"; and each document's column.
fn periods(project: &Project, period: Period) -> (Vec<Item>, Vec<Option<u32>>, Option<usize>) {
    let of: Vec<Option<i64>> = project
        .documents
        .iter()
        .map(|d| d.meta.published.as_deref().and_then(|p| period.of(p)))
        .collect();
    let (first, last) = (
        of.iter().flatten().min().copied(),
        of.iter().flatten().max().copied(),
    );
    let mut cols: Vec<Item> = match (first, last) {
        (Some(f), Some(l)) => (f..=l)
            .map(|n| {
                let name = period.label(n);
                Item::new(name.clone(), name, None)
            })
            .collect(),
        _ => Vec::new(),
    };
    let none = of.iter().any(Option::is_none).then_some(cols.len());
    if none.is_some() {
        cols.push(Item::new("", UNDATED, None));
    }
    let col_of = of
        .iter()
        .map(|p| match (p, first) {
            (Some(p), Some(f)) => u32::try_from(p - f).ok(),
            _ => none.map(|n| n as u32),
        })
        .collect();
    (cols, col_of, none)
}
