//! Periods of the time series: ISO weeks, months and years of an article's `published` date
//! (ISO 8601 or a prefix of it: `2023`, `2023-04`, `2023-04-11`), numbered so that every
//! period between the first and the last has its place.

/// How long one period of the time series is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Period {
    /// ISO weeks (Monday to Sunday), named `2023-W15`.
    Week,
    /// Calendar months, named `2023-04`.
    #[default]
    Month,
    /// Calendar years, named `2023`.
    Year,
}

/// The year, month and day a date gives (month and day where it gives them).
fn parts(date: &str) -> Option<(i64, Option<i64>, Option<i64>)> {
    let date = date.trim();
    let head = date.get(..10.min(date.len()))?;
    let mut it = head.split('-');
    let num = |p: Option<&str>, n: usize| {
        p.filter(|p| p.len() == n && p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse::<i64>().ok())
    };
    let year = num(it.next(), 4)?;
    let month = num(it.next(), 2).filter(|m| (1..=12).contains(m));
    let day = month
        .and(num(it.next(), 2))
        .filter(|d| (1..=31).contains(d));
    Some((year, month, day))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count (`civil_from_days`).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Day 4 of the count, 1970-01-05, was a Monday.
const FIRST_MONDAY: i64 = 4;

impl Period {
    /// The period number of a `published` date (consecutive periods, consecutive numbers);
    /// `None` when the date is missing, unreadable or says less than the period.
    pub fn of(self, date: &str) -> Option<i64> {
        let (y, m, d) = parts(date)?;
        match self {
            Period::Year => Some(y),
            Period::Month => Some(y * 12 + m? - 1),
            Period::Week => {
                let days = days_from_civil(y, m?, d?);
                Some((days - FIRST_MONDAY).div_euclid(7))
            }
        }
    }

    /// The name of period number `n`: `2023`, `2023-04`, `2023-W15` (ISO week year and
    /// week: the week's Thursday decides its year).
    pub fn label(self, n: i64) -> String {
        match self {
            Period::Year => n.to_string(),
            Period::Month => format!("{}-{:02}", n.div_euclid(12), n.rem_euclid(12) + 1),
            Period::Week => {
                let thursday = FIRST_MONDAY + n * 7 + 3;
                let (y, _, _) = civil_from_days(thursday);
                let week = (thursday - days_from_civil(y, 1, 1)) / 7 + 1;
                format!("{y}-W{week:02}")
            }
        }
    }

    /// The period's name as the view offers it.
    pub fn name(self) -> &'static str {
        match self {
            Period::Week => "week",
            Period::Month => "month",
            Period::Year => "year",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_are_iso_weeks_and_months_follow_each_other() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        // 2023-04-11 was a Tuesday of ISO week 15; 2021-01-03 a Sunday of 2020's week 53.
        let w = Period::Week;
        assert_eq!(w.label(w.of("2023-04-11").unwrap()), "2023-W15");
        assert_eq!(w.of("2023-04-10"), w.of("2023-04-16"), "Monday to Sunday");
        assert_eq!(w.of("2023-04-17"), w.of("2023-04-16").map(|n| n + 1));
        assert_eq!(w.label(w.of("2021-01-03").unwrap()), "2020-W53");
        assert_eq!(w.label(w.of("2024-12-30").unwrap()), "2025-W01");
        let m = Period::Month;
        assert_eq!(m.of("2023-12").map(|n| n + 1), m.of("2024-01-31"));
        assert_eq!(m.label(m.of("2024-01").unwrap()), "2024-01");
        assert_eq!(Period::Year.of("2023-04-11"), Some(2023));
    }

    #[test]
    fn a_date_coarser_than_the_period_has_no_period() {
        assert_eq!(Period::Month.of("2023"), None);
        assert_eq!(Period::Week.of("2023-04"), None);
        assert_eq!(Period::Year.of(""), None);
        assert_eq!(Period::Year.of("April 2023"), None);
    }
}
