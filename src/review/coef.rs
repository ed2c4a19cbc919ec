//! Agreement coefficients as additive tables: each document contributes a table, tables add
//! up (with a weight, for bootstrap resampling), and the coefficient is read off the sum. The
//! same code gives the point estimate and every bootstrap replicate.
//!
//! Categories are indices into one sorted list of category strings. A coefficient that is
//! undefined (no units, or chance agreement of 1 because only one category occurs) is `None`.

/// Cohen's κ between two annotators: the counts over units both labelled.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PairTable {
    /// Units both labelled.
    pub n: f64,
    /// Units with the same category.
    pub agree: f64,
    /// Units per category for the first annotator.
    pub a: Vec<f64>,
    /// Units per category for the second annotator.
    pub b: Vec<f64>,
}

impl PairTable {
    /// An empty table over `categories` categories.
    pub fn new(categories: usize) -> Self {
        PairTable {
            n: 0.0,
            agree: 0.0,
            a: vec![0.0; categories],
            b: vec![0.0; categories],
        }
    }

    /// Counts one unit labelled `x` by the first annotator and `y` by the second.
    pub fn record(&mut self, x: usize, y: usize) {
        self.n += 1.0;
        if x == y {
            self.agree += 1.0;
        }
        if let Some(c) = self.a.get_mut(x) {
            *c += 1.0;
        }
        if let Some(c) = self.b.get_mut(y) {
            *c += 1.0;
        }
    }

    /// Adds `weight` copies of `other` (same number of categories).
    pub fn add(&mut self, other: &PairTable, weight: f64) {
        self.n += weight * other.n;
        self.agree += weight * other.agree;
        add_scaled(&mut self.a, &other.a, weight);
        add_scaled(&mut self.b, &other.b, weight);
    }

    /// κ = (p_o − p_e) / (1 − p_e); `None` without units or when p_e = 1.
    pub fn kappa(&self) -> Option<f64> {
        if self.n <= 0.0 {
            return None;
        }
        let n = self.n;
        let p_o = self.agree / n;
        let p_e: f64 = self.a.iter().zip(&self.b).map(|(x, y)| x * y).sum::<f64>() / (n * n);
        if (1.0 - p_e).abs() < 1e-12 {
            return None;
        }
        Some((p_o - p_e) / (1.0 - p_e))
    }

    /// Gwet's AC1 = (p_o − p_e) / (1 − p_e) with p_e = Σ_q π_q (1 − π_q) / (Q − 1), π_q the
    /// share of category q among both annotators' values and Q the categories that occur (as
    /// irrCAC counts them); `None` without units, with one category, or when p_e = 1.
    pub fn ac1(&self) -> Option<f64> {
        if self.n <= 0.0 {
            return None;
        }
        let n = self.n;
        let shares: Vec<f64> = self
            .a
            .iter()
            .zip(&self.b)
            .map(|(x, y)| (x + y) / (2.0 * n))
            .filter(|pi| *pi > 0.0)
            .collect();
        let q = shares.len() as f64;
        if q < 2.0 {
            return None;
        }
        let p_e = shares.iter().map(|pi| pi * (1.0 - pi)).sum::<f64>() / (q - 1.0);
        if (1.0 - p_e).abs() < 1e-12 {
            return None;
        }
        Some((self.agree / n - p_e) / (1.0 - p_e))
    }
}

/// Krippendorff's α (nominal) from the coincidence matrix, kept in reduced form: the summed
/// observed disagreement and the number of pairable values per category.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AlphaTable {
    /// Σ over pairable units of (m_u² − Σ_c n_uc²) / (m_u − 1): the off-diagonal mass of the
    /// coincidence matrix.
    pub disagreement: f64,
    /// n_c: pairable values per category (row sums of the coincidence matrix).
    pub values: Vec<f64>,
}

impl AlphaTable {
    /// An empty table over `categories` categories.
    pub fn new(categories: usize) -> Self {
        AlphaTable {
            disagreement: 0.0,
            values: vec![0.0; categories],
        }
    }

    /// Counts one unit from the categories its annotators gave (missing values left out). A
    /// unit with fewer than two values is not pairable and adds nothing.
    pub fn record(&mut self, unit: &[usize]) {
        let m = unit.len();
        if m < 2 {
            return;
        }
        let mut counts: Vec<(usize, f64)> = Vec::new();
        for &c in unit {
            match counts.iter_mut().find(|(k, _)| *k == c) {
                Some((_, n)) => *n += 1.0,
                None => counts.push((c, 1.0)),
            }
        }
        let m = m as f64;
        let same: f64 = counts.iter().map(|(_, n)| n * n).sum();
        self.disagreement += (m * m - same) / (m - 1.0);
        for (c, n) in counts {
            if let Some(v) = self.values.get_mut(c) {
                *v += n;
            }
        }
    }

    /// Adds `weight` copies of `other`.
    pub fn add(&mut self, other: &AlphaTable, weight: f64) {
        self.disagreement += weight * other.disagreement;
        add_scaled(&mut self.values, &other.values, weight);
    }

    /// α = 1 − (n − 1) · D_o / (n² − Σ n_c²); `None` with fewer than two pairable values or
    /// when only one category occurs.
    pub fn alpha(&self) -> Option<f64> {
        let n: f64 = self.values.iter().sum();
        let expected = n * n - self.values.iter().map(|v| v * v).sum::<f64>();
        if n < 2.0 || expected.abs() < 1e-12 {
            return None;
        }
        Some(1.0 - (n - 1.0) * self.disagreement / expected)
    }
}

/// Fleiss' κ over units every one of `raters` annotators labelled.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FleissTable {
    /// Annotators per unit.
    pub raters: f64,
    /// Units counted.
    pub units: f64,
    /// Σ_i Σ_j n_ij²: the squared category counts summed over units.
    pub squares: f64,
    /// Σ_i n_ij per category.
    pub totals: Vec<f64>,
}

impl FleissTable {
    /// An empty table for `raters` annotators over `categories` categories.
    pub fn new(raters: usize, categories: usize) -> Self {
        FleissTable {
            raters: raters as f64,
            units: 0.0,
            squares: 0.0,
            totals: vec![0.0; categories],
        }
    }

    /// Counts one unit from the categories of all its annotators (exactly `raters` values).
    pub fn record(&mut self, unit: &[usize]) {
        let mut counts = vec![0.0; self.totals.len()];
        for &c in unit {
            if let Some(n) = counts.get_mut(c) {
                *n += 1.0;
            }
        }
        self.units += 1.0;
        self.squares += counts.iter().map(|n| n * n).sum::<f64>();
        add_scaled(&mut self.totals, &counts, 1.0);
    }

    /// Adds the units of `other` (same raters and categories).
    pub fn add(&mut self, other: &FleissTable) {
        self.units += other.units;
        self.squares += other.squares;
        add_scaled(&mut self.totals, &other.totals, 1.0);
    }

    /// κ = (P̄ − P̄_e) / (1 − P̄_e); `None` without units, with fewer than two raters, or when
    /// P̄_e = 1.
    pub fn kappa(&self) -> Option<f64> {
        let (n, r) = (self.units, self.raters);
        if n <= 0.0 || r < 2.0 {
            return None;
        }
        let p_bar = (self.squares - n * r) / (n * r * (r - 1.0));
        let p_e: f64 = self.totals.iter().map(|t| (t / (n * r)).powi(2)).sum();
        if (1.0 - p_e).abs() < 1e-12 {
            return None;
        }
        Some((p_bar - p_e) / (1.0 - p_e))
    }
}

fn add_scaled(into: &mut [f64], from: &[f64], weight: f64) {
    for (x, y) in into.iter_mut().zip(from) {
        *x += weight * y;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(x: Option<f64>, y: f64) {
        let x = x.unwrap_or(f64::NAN);
        assert!((x - y).abs() < 1e-9, "{x} != {y}");
    }

    #[test]
    fn cohen_textbook_example() {
        // Wikipedia "Cohen's kappa": 50 proposals, yes/yes 20, yes/no 5, no/yes 10, no/no 15;
        // p_o = 0.7, p_e = 0.5, κ = 0.4.
        let mut t = PairTable::new(2);
        for (x, y, k) in [(0, 0, 20), (0, 1, 5), (1, 0, 10), (1, 1, 15)] {
            for _ in 0..k {
                t.record(x, y);
            }
        }
        close(t.kappa(), 0.4);
    }

    #[test]
    fn cohen_is_undefined_with_one_category_or_no_units() {
        let mut t = PairTable::new(2);
        assert_eq!(t.kappa(), None);
        t.record(1, 1);
        t.record(1, 1);
        assert_eq!(t.kappa(), None);
    }

    #[test]
    fn krippendorff_example_with_missing_values() {
        // Krippendorff (2011), "Computing Krippendorff's alpha-reliability", nominal example:
        // 4 observers, 12 units, missing values; α = 0.743.
        let data: [[u8; 12]; 4] = [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3],
            [0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0],
        ];
        let mut t = AlphaTable::new(6);
        for u in 0..12 {
            let unit: Vec<usize> = data
                .iter()
                .map(|row| row[u] as usize)
                .filter(|&v| v != 0)
                .collect();
            t.record(&unit);
        }
        // The paper's coincidences: n = 40 pairable values, n_c = (9, 13, 10, 5, 3), D_o
        // mass 8 → α = 1 − 39 · 8 / (1600 − 384) = 0.7434….
        close(t.alpha(), 1.0 - 312.0 / 1216.0);
        assert!((t.alpha().unwrap_or(0.0) - 0.743).abs() < 5e-4);
    }

    #[test]
    fn fleiss_wikipedia_example() {
        // Wikipedia "Fleiss' kappa": 10 subjects, 14 raters, 5 categories, κ = 0.210.
        let rows: [[usize; 5]; 10] = [
            [0, 0, 0, 0, 14],
            [0, 2, 6, 4, 2],
            [0, 0, 3, 5, 6],
            [0, 3, 9, 2, 0],
            [2, 2, 8, 1, 1],
            [7, 7, 0, 0, 0],
            [3, 2, 6, 3, 0],
            [2, 5, 3, 2, 2],
            [6, 5, 2, 1, 0],
            [0, 2, 2, 3, 7],
        ];
        let mut t = FleissTable::new(14, 5);
        for row in rows {
            let unit: Vec<usize> = row
                .iter()
                .enumerate()
                .flat_map(|(c, &n)| std::iter::repeat_n(c, n))
                .collect();
            t.record(&unit);
        }
        // P̄ = 0.378, P̄_e = 0.213 → κ = 0.20993…
        assert!((t.kappa().unwrap_or(0.0) - 0.20993).abs() < 1e-5);
    }

    #[test]
    fn tables_add_like_the_units_they_count() {
        let mut whole = AlphaTable::new(3);
        let mut parts = AlphaTable::new(3);
        let units: [&[usize]; 3] = [&[0, 0, 1], &[2], &[1, 2]];
        for u in units {
            whole.record(u);
            let mut one = AlphaTable::new(3);
            one.record(u);
            parts.add(&one, 1.0);
        }
        assert_eq!(whole, parts);
    }
}
