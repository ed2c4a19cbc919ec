//! Time windows: one network per step of a moving window (DNA's
//! `computeTimeWindowMatrices`).

use jiff::Span;
use jiff::civil::Date;
use serde::Serialize;

use super::NetworkError;
use super::network::{Excluded, Network, NetworkOptions, Node, compute_on, nodes_of, take};
use super::statements::Statements;

/// The unit of a window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowUnit {
    /// Days.
    Days,
    /// Weeks of seven days.
    Weeks,
    /// Calendar months (a month after 31 January is the last day of February).
    Months,
    /// Calendar years.
    Years,
    /// Statements, in date order (DNA's `events`).
    Statements,
}

/// A moving window: `size` units wide, moved by one unit at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct WindowSpec {
    /// The unit.
    pub unit: WindowUnit,
    /// The width, in units (at least 1).
    pub size: u32,
}

impl std::str::FromStr for WindowSpec {
    type Err = NetworkError;

    /// `months:6`, `days:30`, `statements:100`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            NetworkError::Options(format!(
                "--window {s:?}: expected UNIT:N, UNIT one of days, weeks, months, years or statements and N a whole number from 1 (months:6)"
            ))
        };
        let (unit, size) = s.split_once(':').ok_or_else(bad)?;
        let unit = match unit.trim() {
            "days" | "day" => WindowUnit::Days,
            "weeks" | "week" => WindowUnit::Weeks,
            "months" | "month" => WindowUnit::Months,
            "years" | "year" => WindowUnit::Years,
            "statements" | "statement" | "events" => WindowUnit::Statements,
            _ => return Err(bad()),
        };
        let size: u32 = size.trim().parse().map_err(|_| bad())?;
        if size == 0 {
            return Err(bad());
        }
        Ok(WindowSpec { unit, size })
    }
}

/// One step of the window.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Window {
    /// The first day in the window.
    pub start: Date,
    /// The last day in the window.
    pub end: Date,
    /// The network of the statements dated from `start` to `end`, both included (for
    /// statement windows, the `size` statements of the step). Its nodes are those of the
    /// whole series, so that the windows compare cell by cell; each node's `statements`
    /// are those of the window.
    pub network: Network,
}

/// A series of windows.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Windows {
    /// The windows, in time order.
    pub windows: Vec<Window>,
    /// The nodes of the series: rows.
    pub rows: Vec<Node>,
    /// Columns (the rows again in a one-mode network).
    pub cols: Vec<Node>,
    /// The statements of the series (dated), as [`Network::statements`].
    pub statements: Vec<u32>,
    /// What was left out (undated statements included).
    pub excluded: Excluded,
}

/// The day `k` units after `from`.
fn step(from: Date, unit: WindowUnit, k: i64) -> Option<Date> {
    let span = match unit {
        WindowUnit::Days | WindowUnit::Statements => Span::new().try_days(k).ok()?,
        WindowUnit::Weeks => Span::new().try_weeks(k).ok()?,
        WindowUnit::Months => Span::new().try_months(k).ok()?,
        WindowUnit::Years => Span::new().try_years(k).ok()?,
    };
    from.checked_add(span).ok()
}

/// The networks of a moving window over the statements the options take.
///
/// DNA centres its window on each step `t` and takes `[t − a, t + a]`, both ends included,
/// `a = round((N − 1) / 2)`: for an odd number of days, N days. For other units that is
/// not N units (six months would be six months and a day, one month a single day), so here
/// a window is N whole units from `t`: `[t, t + N units − 1 day]`, with `t` the first day
/// (the date range's `from`, else the first statement's date) and each step one unit later,
/// the last the first that reaches the last day (`to`, else the last statement's date), so
/// that every statement taken is in a window, as in DNA's (a series shorter than one window
/// is one window). A statement window is N consecutive statements in date order, stepping by
/// one (DNA takes `2·⌊N/2⌋ + 1` around each statement, shuffling ties at random; here ties
/// keep list order); fewer than N statements make one window. Statements of undated
/// articles are in no window, and counted.
pub fn windows(
    st: &Statements,
    options: &NetworkOptions,
    spec: &WindowSpec,
) -> Result<Windows, NetworkError> {
    options.check(st)?;
    let (taken, mut excluded) = take(st, options);
    let date = |i: &u32| st.list.get(*i as usize).and_then(|s| s.date);
    let dated: Vec<u32> = taken
        .iter()
        .copied()
        .filter(|i| date(i).is_some())
        .collect();
    excluded.undated += taken.len() - dated.len();
    // The nodes of the dated statements, shared by every window.
    let (rows, cols) = nodes_of(st, options.mode, &dated);
    let mut out = Vec::new();
    let first = dated.first().and_then(date);
    let last = dated.last().and_then(date);
    if let (Some(first), Some(last)) = (first, last) {
        if spec.unit == WindowUnit::Statements {
            // Fewer statements than a window holds: one window of them all.
            let n = (spec.size as usize).min(dated.len());
            if n > 0 {
                for i in 0..=dated.len() - n {
                    let slice = dated.get(i..i + n).unwrap_or(&[]);
                    let (Some(start), Some(end)) =
                        (slice.first().and_then(date), slice.last().and_then(date))
                    else {
                        continue;
                    };
                    out.push(Window {
                        start,
                        end,
                        network: compute_on(st, options, slice, &rows, &cols),
                    });
                }
            }
        } else {
            let from = options.filter.from.unwrap_or(first);
            let to = options.filter.to.unwrap_or(last);
            let mut k: i64 = 0;
            while let (Some(start), Some(next)) = (
                step(from, spec.unit, k),
                step(from, spec.unit, k + i64::from(spec.size)),
            ) {
                let Ok(end) = next.yesterday() else {
                    break;
                };
                if start > to {
                    break;
                }
                let lo = dated.partition_point(|i| date(i).is_some_and(|d| d < start));
                let hi = dated.partition_point(|i| date(i).is_some_and(|d| d <= end));
                let slice = dated.get(lo..hi).unwrap_or(&[]);
                out.push(Window {
                    start,
                    end,
                    network: compute_on(st, options, slice, &rows, &cols),
                });
                // The first window that reaches the last day is the last: every statement
                // taken is in one.
                if end >= to {
                    break;
                }
                k += 1;
            }
        }
    }
    let whole = compute_on(st, options, &dated, &rows, &cols);
    Ok(Windows {
        windows: out,
        rows: whole.rows,
        cols: whole.cols,
        statements: dated,
        excluded,
    })
}
