//! One network from statements: DNA's `filterStatements`, `createArray`,
//! `computeOneModeMatrix` and `computeTwoModeMatrix`.

use std::collections::{BTreeMap, HashMap, HashSet};

use jiff::civil::Date;
use serde::Serialize;

use super::NetworkError;
use super::statements::{QualifierKind, Statement, Statements};

/// Which network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Two-mode: actors × concepts.
    ActorConcept,
    /// One-mode: actors tied through the concepts both speak about.
    ActorActor,
    /// One-mode: concepts tied through the actors who speak about both.
    ConceptConcept,
}

impl Mode {
    /// Whether the network has one kind of node.
    pub fn one_mode(self) -> bool {
        !matches!(self, Mode::ActorConcept)
    }

    /// The command line's name.
    pub fn name(self) -> &'static str {
        match self {
            Mode::ActorConcept => "actor-concept",
            Mode::ActorActor => "actor-actor",
            Mode::ConceptConcept => "concept-concept",
        }
    }
}

/// How statements' qualifiers combine into a weight (DNA's `qualifierAggregation`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    /// The qualifier does not matter: one-mode `Σ_j n₁ⱼ·n₂ⱼ`, two-mode the count.
    Ignore,
    /// One-mode: agreement, `Σ_j Σ_k Σ_k' a₁ⱼₖ·a₂ⱼₖ'·sim(k, k')`.
    Congruence,
    /// One-mode: disagreement, the same with `1 − sim(k, k')`.
    Conflict,
    /// One-mode: congruence − conflict; two-mode: statements signed by their qualifier.
    Subtract,
    /// Two-mode: which qualifier values occur, as one number (DNA's `lexRank`: a flag gives
    /// 1 set only, 2 unset only, 3 both).
    Combine,
}

/// How weights are normalised (DNA's `normalization`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Normalization {
    /// Raw weights.
    None,
    /// One-mode: divided by the mean of the two nodes' statement counts, `(n₁ + n₂) / 2`.
    Average,
    /// One-mode: divided by `m₁₀ + m₀₁ + m₁₁` over concepts and qualifier values, as DNA
    /// counts them (`m₁₁` the product of both counts where both are non-zero).
    Jaccard,
    /// One-mode: divided by `√(n₁²)·√(n₂²) = n₁·n₂`, exactly as DNA computes it.
    Cosine,
    /// Two-mode: each row (actor) divided by the row's statement count.
    Activity,
    /// Two-mode: each column (concept) divided by the column's statement count.
    Prominence,
}

/// Which statements count as one (DNA's `duplicates`): the first (by date) of those with
/// the same actor, concept and (unless the aggregation ignores it) qualifier value within
/// the same unit is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Duplicates {
    /// Every statement counts (DNA's `include`).
    Statement,
    /// Once per article.
    Document,
    /// Once per ISO calendar week (DNA's UK weeks are ISO weeks).
    Week,
    /// Once per calendar month. DNA compares the month number alone, so that January 2023
    /// and January 2024 would be one month; here the year counts too.
    Month,
    /// Once per calendar year.
    Year,
}

/// Which statements are taken.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// The first day taken (statements of undated articles are then left out).
    pub from: Option<Date>,
    /// The last day taken.
    pub to: Option<Date>,
    /// Article variables: a statement is taken if, for each variable named, its article's
    /// value is one of those given for it.
    pub variables: Vec<(String, String)>,
    /// Nodes with fewer statements (after the other filters and duplicates) are left out
    /// with their statements: the actors of an actor × actor network, the concepts of a
    /// concept × concept one, both of a two-mode one. Counted once, not repeated.
    pub min_statements: usize,
}

/// What to compute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkOptions {
    /// Which network.
    pub mode: Mode,
    /// How qualifiers combine.
    pub aggregation: Aggregation,
    /// How weights are normalised.
    pub normalization: Normalization,
    /// Which statements count as one.
    pub duplicates: Duplicates,
    /// Which statements are taken.
    pub filter: Filter,
}

impl Default for NetworkOptions {
    fn default() -> Self {
        NetworkOptions {
            mode: Mode::ActorActor,
            aggregation: Aggregation::Ignore,
            normalization: Normalization::None,
            duplicates: Duplicates::Statement,
            filter: Filter::default(),
        }
    }
}

impl NetworkOptions {
    /// Refuses the options that do not go together, in the user's words.
    pub fn check(&self, statements: &Statements) -> Result<(), NetworkError> {
        use Aggregation as A;
        use Normalization as N;
        let refuse = |s: String| Err(NetworkError::Options(s));
        let mode = self.mode.name();
        if self.mode.one_mode() {
            if self.aggregation == A::Combine {
                return refuse(format!(
                    "--aggregation combine is for the two-mode network (actor-concept); {mode} takes ignore, congruence, conflict or subtract"
                ));
            }
            if matches!(self.normalization, N::Activity | N::Prominence) {
                return refuse(format!(
                    "--normalize {} is for the two-mode network (actor-concept); {mode} takes none, average, jaccard or cosine",
                    norm_name(self.normalization)
                ));
            }
        } else {
            if matches!(self.aggregation, A::Congruence | A::Conflict) {
                return refuse(format!(
                    "--aggregation {} is for the one-mode networks (actor-actor, concept-concept); actor-concept takes ignore, combine or subtract",
                    agg_name(self.aggregation)
                ));
            }
            if matches!(self.normalization, N::Average | N::Jaccard | N::Cosine) {
                return refuse(format!(
                    "--normalize {} is for the one-mode networks (actor-actor, concept-concept); actor-concept takes none, activity or prominence",
                    norm_name(self.normalization)
                ));
            }
        }
        if self.aggregation != A::Ignore && statements.qualifier.kind == QualifierKind::None {
            return refuse(format!(
                "--aggregation {} compares qualifiers, and the qualifier is `none`: name one with --qualifier, or use --aggregation ignore",
                agg_name(self.aggregation)
            ));
        }
        if self.aggregation == A::Combine {
            if self.normalization != N::None {
                return refuse(
                    "--aggregation combine gives codes (1, 2, 3 …), not counts, so it cannot be normalised (DNA warns the result is uninterpretable): use --normalize none".to_owned(),
                );
            }
            if statements.qualifier.levels.len() > 30 {
                return refuse(format!(
                    "--aggregation combine codes each set of qualifier values as one number, and {} has {} values (at most 30)",
                    statements
                        .qualifier
                        .attribute
                        .as_deref()
                        .unwrap_or_default(),
                    statements.qualifier.levels.len()
                ));
            }
        }
        if let (Some(from), Some(to)) = (self.filter.from, self.filter.to)
            && from > to
        {
            return refuse(format!("--from {from} is after --to {to}"));
        }
        Ok(())
    }
}

/// The command line's name of an aggregation.
pub(crate) fn agg_name(a: Aggregation) -> &'static str {
    match a {
        Aggregation::Ignore => "ignore",
        Aggregation::Congruence => "congruence",
        Aggregation::Conflict => "conflict",
        Aggregation::Subtract => "subtract",
        Aggregation::Combine => "combine",
    }
}

/// The command line's name of a normalisation.
pub(crate) fn norm_name(n: Normalization) -> &'static str {
    match n {
        Normalization::None => "none",
        Normalization::Average => "average",
        Normalization::Jaccard => "jaccard",
        Normalization::Cosine => "cosine",
        Normalization::Activity => "activity",
        Normalization::Prominence => "prominence",
    }
}

/// What a node stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// An index into [`Statements::actors`].
    Actor,
    /// An index into [`Statements::concepts`].
    Concept,
}

/// A row or column of the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Node {
    /// What it stands for.
    pub kind: NodeKind,
    /// Index into [`Statements::actors`] or [`Statements::concepts`].
    pub index: u32,
    /// Statements of the node taken in this network (window).
    pub statements: usize,
}

/// A non-zero cell. In a one-mode network `row < col` (the matrix is symmetric, its
/// diagonal zero).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Edge {
    /// Index into [`Network::rows`].
    pub row: usize,
    /// Index into [`Network::cols`].
    pub col: usize,
    /// The weight.
    pub weight: f64,
}

/// Statements left out, and why.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Excluded {
    /// Outside the date range, or of an article without the variable values asked for.
    pub filtered: usize,
    /// Of an undated article, where a date range or a time window needs a date.
    pub undated: usize,
    /// Without a value of the qualifier, where the aggregation compares qualifiers (DNA
    /// leaves out statements with an empty qualifier likewise).
    pub no_qualifier: usize,
    /// Duplicates of a statement taken.
    pub duplicates: usize,
    /// Of nodes with fewer statements than the minimum.
    pub below_minimum: usize,
}

/// One network: its nodes, its weighted edges, and the statements behind it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Network {
    /// Which network.
    pub mode: Mode,
    /// The rows (actors, or concepts for concept × concept), in the order of
    /// [`Statements::actors`] / [`Statements::concepts`].
    pub rows: Vec<Node>,
    /// The columns: the rows again in a one-mode network, the concepts in a two-mode one.
    pub cols: Vec<Node>,
    /// The non-zero cells, by row then column.
    pub edges: Vec<Edge>,
    /// The statements taken (indices into [`Statements::list`]), by date (undated last),
    /// then in list order.
    pub statements: Vec<u32>,
    /// What was left out.
    pub excluded: Excluded,
}

/// The row variable and the column (two-mode) or "through" (one-mode) variable of a
/// statement.
fn vars(mode: Mode, s: &Statement) -> (u32, u32) {
    match mode {
        Mode::ActorConcept | Mode::ActorActor => (s.actor, s.concept),
        Mode::ConceptConcept => (s.concept, s.actor),
    }
}

/// A date's unit for duplicates, `None` undated.
fn period(d: Duplicates, s: &Statement, i: u32) -> i64 {
    let Some(date) = s.date else {
        return if d == Duplicates::Statement {
            i64::from(i)
        } else {
            i64::MIN
        };
    };
    match d {
        Duplicates::Statement => i64::from(i),
        Duplicates::Document => i64::from(s.doc),
        Duplicates::Week => {
            let w = date.iso_week_date();
            i64::from(w.year()) * 100 + i64::from(w.week())
        }
        Duplicates::Month => i64::from(date.year()) * 100 + i64::from(date.month()),
        Duplicates::Year => i64::from(date.year()),
    }
}

/// The statements taken by the filters and the duplicates rule, sorted by date (undated
/// last), and the row and column nodes they make (DNA's `filterStatements`).
pub(super) fn take(st: &Statements, options: &NetworkOptions) -> (Vec<u32>, Excluded) {
    let f = &options.filter;
    let mut excluded = Excluded::default();
    let mut wanted: BTreeMap<&str, HashSet<&str>> = BTreeMap::new();
    for (k, v) in &f.variables {
        wanted.entry(k.as_str()).or_default().insert(v.as_str());
    }
    let doc_ok: Vec<bool> = st
        .documents
        .iter()
        .map(|d| {
            wanted
                .iter()
                .all(|(k, vs)| d.variables.get(*k).is_some_and(|v| vs.contains(v.as_str())))
        })
        .collect();
    let compares = options.aggregation != Aggregation::Ignore;
    let mut taken: Vec<u32> = Vec::with_capacity(st.list.len());
    for (i, s) in st.list.iter().enumerate() {
        if !doc_ok.get(s.doc as usize).copied().unwrap_or(false) {
            excluded.filtered += 1;
            continue;
        }
        if f.from.is_some() || f.to.is_some() {
            match s.date {
                None => {
                    excluded.undated += 1;
                    continue;
                }
                Some(d) if f.from.is_some_and(|x| d < x) || f.to.is_some_and(|x| d > x) => {
                    excluded.filtered += 1;
                    continue;
                }
                Some(_) => {}
            }
        }
        if compares && s.level.is_none() {
            excluded.no_qualifier += 1;
            continue;
        }
        taken.push(i as u32);
    }
    let list = &st.list;
    let at = |i: &u32| &list[*i as usize];
    taken.sort_by_key(|i| (at(i).date.is_none(), at(i).date, *i));
    if options.duplicates != Duplicates::Statement {
        let mut seen: HashSet<(u32, u32, u32, i64)> = HashSet::with_capacity(taken.len());
        taken.retain(|&i| {
            let s = at(&i);
            let level = if compares {
                s.level.unwrap_or(u32::MAX)
            } else {
                u32::MAX
            };
            let fresh = seen.insert((s.actor, s.concept, level, period(options.duplicates, s, i)));
            if !fresh {
                excluded.duplicates += 1;
            }
            fresh
        });
    }
    let mode = options.mode;
    let rows_len = match mode {
        Mode::ConceptConcept => st.concepts.len(),
        _ => st.actors.len(),
    };
    let cols_len = match mode {
        Mode::ConceptConcept => st.actors.len(),
        _ => st.concepts.len(),
    };
    if f.min_statements > 1 {
        let mut rc = vec![0usize; rows_len];
        let mut cc = vec![0usize; cols_len];
        for i in &taken {
            let (r, c) = vars(mode, at(i));
            if let Some(n) = rc.get_mut(r as usize) {
                *n += 1;
            }
            if let Some(n) = cc.get_mut(c as usize) {
                *n += 1;
            }
        }
        let two = !mode.one_mode();
        taken.retain(|i| {
            let (r, c) = vars(mode, at(i));
            let keep = rc.get(r as usize).is_some_and(|n| *n >= f.min_statements)
                && (!two || cc.get(c as usize).is_some_and(|n| *n >= f.min_statements));
            if !keep {
                excluded.below_minimum += 1;
            }
            keep
        });
    }
    (taken, excluded)
}

/// The row and column nodes (indices into the actor or concept table, ascending) of the
/// statements `taken`.
pub(super) fn nodes_of(st: &Statements, mode: Mode, taken: &[u32]) -> (Vec<u32>, Vec<u32>) {
    let (rows_len, cols_len) = match mode {
        Mode::ConceptConcept => (st.concepts.len(), st.actors.len()),
        _ => (st.actors.len(), st.concepts.len()),
    };
    let at = |i: &u32| st.list.get(*i as usize);
    let mut rows_used = vec![false; rows_len];
    let mut cols_used = vec![false; cols_len];
    for s in taken.iter().filter_map(at) {
        let (r, c) = vars(mode, s);
        if let Some(u) = rows_used.get_mut(r as usize) {
            *u = true;
        }
        if let Some(u) = cols_used.get_mut(c as usize) {
            *u = true;
        }
    }
    let used = |v: Vec<bool>| {
        v.iter()
            .enumerate()
            .filter(|(_, u)| **u)
            .map(|(i, _)| i as u32)
            .collect::<Vec<u32>>()
    };
    let rows = used(rows_used);
    let cols = if mode.one_mode() {
        rows.clone()
    } else {
        used(cols_used)
    };
    (rows, cols)
}

impl Network {
    /// The network of the statements the options take (check them first with
    /// [`NetworkOptions::check`]; unchecked, a one-mode `combine` is taken as `ignore`).
    pub fn compute(st: &Statements, options: &NetworkOptions) -> Network {
        let (taken, excluded) = take(st, options);
        let (rows, cols) = nodes_of(st, options.mode, &taken);
        let mut net = compute_on(st, options, &taken, &rows, &cols);
        net.excluded = excluded;
        net
    }

    /// The weight of a cell (0 if no edge); in a one-mode network either order.
    pub fn weight(&self, row: usize, col: usize) -> f64 {
        let (r, c) = if self.mode.one_mode() && row > col {
            (col, row)
        } else {
            (row, col)
        };
        self.edges
            .binary_search_by(|e| (e.row, e.col).cmp(&(r, c)))
            .ok()
            .and_then(|i| self.edges.get(i))
            .map_or(0.0, |e| e.weight)
    }

    /// The whole matrix, rows × columns (zeros included).
    pub fn matrix(&self) -> Vec<Vec<f64>> {
        let mut m = vec![vec![0.0; self.cols.len()]; self.rows.len()];
        for e in &self.edges {
            if let Some(x) = m.get_mut(e.row).and_then(|r| r.get_mut(e.col)) {
                *x = e.weight;
            }
            if self.mode.one_mode()
                && let Some(x) = m.get_mut(e.col).and_then(|r| r.get_mut(e.row))
            {
                *x = e.weight;
            }
        }
        m
    }

    /// The statements behind a cell (indices into [`Statements::list`], ascending): in a
    /// two-mode network the row's statements about the column; in a one-mode network both
    /// nodes' statements about what ties them (the concepts both speak about).
    pub fn behind(&self, st: &Statements, row: usize, col: usize) -> Vec<u32> {
        let (Some(a), Some(b)) = (self.rows.get(row), self.cols.get(col)) else {
            return Vec::new();
        };
        let of = |i: &u32| st.list.get(*i as usize).map(|s| vars(self.mode, s));
        let mut out: Vec<u32> = if self.mode.one_mode() {
            let through = |n: u32| -> HashSet<u32> {
                self.statements
                    .iter()
                    .filter_map(of)
                    .filter(|(r, _)| *r == n)
                    .map(|(_, c)| c)
                    .collect()
            };
            let (ta, tb) = (through(a.index), through(b.index));
            self.statements
                .iter()
                .copied()
                .filter(|i| {
                    of(i).is_some_and(|(r, c)| {
                        (r == a.index || r == b.index) && ta.contains(&c) && tb.contains(&c)
                    })
                })
                .collect()
        } else {
            self.statements
                .iter()
                .copied()
                .filter(|i| of(i) == Some((a.index, b.index)))
                .collect()
        };
        out.sort_unstable();
        out
    }

    /// [`Network::behind`] for every edge, in edge order, in one pass over the statements.
    pub fn behind_edges(&self, st: &Statements) -> Vec<Vec<u32>> {
        let mut cells: HashMap<(u32, u32), Vec<u32>> = HashMap::new();
        let mut through: HashMap<u32, Vec<u32>> = HashMap::new();
        for &i in &self.statements {
            if let Some(s) = st.list.get(i as usize) {
                let (r, c) = vars(self.mode, s);
                let cell = cells.entry((r, c)).or_default();
                if cell.is_empty() {
                    through.entry(r).or_default().push(c);
                }
                cell.push(i);
            }
        }
        for v in through.values_mut() {
            v.sort_unstable();
        }
        let empty = Vec::new();
        self.edges
            .iter()
            .map(|e| {
                let (Some(a), Some(b)) = (self.rows.get(e.row), self.cols.get(e.col)) else {
                    return Vec::new();
                };
                let mut out: Vec<u32> = if self.mode.one_mode() {
                    let tb = through.get(&b.index).unwrap_or(&empty);
                    through
                        .get(&a.index)
                        .unwrap_or(&empty)
                        .iter()
                        .filter(|c| tb.binary_search(c).is_ok())
                        .flat_map(|c| {
                            let x = cells.get(&(a.index, *c)).unwrap_or(&empty);
                            let y = cells.get(&(b.index, *c)).unwrap_or(&empty);
                            x.iter().chain(y).copied()
                        })
                        .collect()
                } else {
                    cells.get(&(a.index, b.index)).cloned().unwrap_or_default()
                };
                out.sort_unstable();
                out
            })
            .collect()
    }
}

/// Pair sums of a one-mode network: the weight, and for Jaccard `Σ a₁ (where a₂ > 0)`,
/// `Σ a₂ (where a₁ > 0)` and `m₁₁`.
type PairSums = [f64; 4];

/// Pair sums in a triangle for small networks, a map for large ones.
enum Pairs {
    Dense { n: usize, sums: Vec<PairSums> },
    Sparse(HashMap<(u32, u32), PairSums>),
}

impl Pairs {
    fn new(n: usize) -> Self {
        if n <= 1024 {
            Pairs::Dense {
                n,
                sums: vec![[0.0; 4]; n * n.saturating_sub(1) / 2],
            }
        } else {
            Pairs::Sparse(HashMap::new())
        }
    }

    /// The sums of `a < b`.
    fn at(&mut self, a: usize, b: usize) -> Option<&mut PairSums> {
        match self {
            Pairs::Dense { n, sums } => sums.get_mut(a * (2 * *n - a - 1) / 2 + (b - a - 1)),
            Pairs::Sparse(map) => Some(map.entry((a as u32, b as u32)).or_insert([0.0; 4])),
        }
    }

    /// Every pair with sums, by `(a, b)`.
    fn into_sorted(self) -> Vec<(usize, usize, PairSums)> {
        match self {
            Pairs::Dense { n, sums } => {
                let mut out = Vec::new();
                let mut it = sums.into_iter();
                for a in 0..n {
                    for b in a + 1..n {
                        if let Some(s) = it.next()
                            && s != [0.0; 4]
                        {
                            out.push((a, b, s));
                        }
                    }
                }
                out
            }
            Pairs::Sparse(map) => {
                let mut out: Vec<_> = map
                    .into_iter()
                    .map(|((a, b), s)| (a as usize, b as usize, s))
                    .collect();
                out.sort_by_key(|(a, b, _)| (*a, *b));
                out
            }
        }
    }
}

/// DNA's `lexRank`: the presence of each level as a binary number, the first level the
/// highest bit.
fn lex_rank(counts: &[f64], levels: usize) -> f64 {
    let mut r: u64 = 0;
    for (k, c) in counts.iter().take(levels).enumerate() {
        if *c > 0.0 {
            r |= 1 << (levels - k - 1);
        }
    }
    r as f64
}

/// The levels of a combine weight, first level first: DNA's "combinatorial mapping".
pub fn combination(st: &Statements, weight: f64) -> Vec<&str> {
    let n = st.qualifier.levels.len();
    let w = weight as u64;
    st.qualifier
        .levels
        .iter()
        .enumerate()
        .filter(|(k, _)| w >> (n - k - 1) & 1 == 1)
        .map(|(_, l)| l.id.as_str())
        .collect()
}

/// The network of the statements `taken`, with the row and column nodes given (so that the
/// windows of a series share their nodes).
pub(super) fn compute_on(
    st: &Statements,
    options: &NetworkOptions,
    taken: &[u32],
    rows: &[u32],
    cols: &[u32],
) -> Network {
    let mode = options.mode;
    let q = &st.qualifier;
    let levels = q.levels.len();
    // One slot per level, and one for "no value" (only taken when the qualifier is ignored,
    // as DNA keeps an empty short text as a value of its own there).
    let width = if q.kind == QualifierKind::None {
        1
    } else {
        levels + 1
    };
    let table = |n: usize, nodes: &[u32]| {
        let mut pos = vec![u32::MAX; n];
        for (p, i) in nodes.iter().enumerate() {
            if let Some(x) = pos.get_mut(*i as usize) {
                *x = p as u32;
            }
        }
        pos
    };
    let (rows_table, cols_table) = match mode {
        Mode::ConceptConcept => (st.concepts.len(), st.actors.len()),
        _ => (st.actors.len(), st.concepts.len()),
    };
    let row_pos = table(rows_table, rows);
    let col_pos = if mode.one_mode() {
        // The through variable: every index is its own position.
        (0..cols_table as u32).collect()
    } else {
        table(cols_table, cols)
    };
    // (through-or-column, row, level) for every statement, sorted: DNA's 3-d array, sparse.
    let mut triples: Vec<(u32, u32, u32)> = Vec::with_capacity(taken.len());
    let mut row_count = vec![0usize; rows.len()];
    let mut col_count = vec![0usize; if mode.one_mode() { 0 } else { cols.len() }];
    for i in taken {
        let Some(s) = st.list.get(*i as usize) else {
            continue;
        };
        let (r, c) = vars(mode, s);
        let (Some(&rp), Some(&cp)) = (row_pos.get(r as usize), col_pos.get(c as usize)) else {
            continue;
        };
        if rp == u32::MAX || cp == u32::MAX {
            continue;
        }
        let k = if width == 1 {
            0
        } else {
            s.level.unwrap_or(levels as u32)
        };
        triples.push((cp, rp, k));
        if let Some(n) = row_count.get_mut(rp as usize) {
            *n += 1;
        }
        if let Some(n) = col_count.get_mut(cp as usize) {
            *n += 1;
        }
    }
    triples.sort_unstable();
    // Cells: (column, row) with `width` counts each.
    let mut cells: Vec<(u32, u32)> = Vec::new();
    let mut counts: Vec<f64> = Vec::new();
    for (c, r, k) in triples {
        if cells.last() != Some(&(c, r)) {
            cells.push((c, r));
            counts.extend(std::iter::repeat_n(0.0, width));
        }
        let base = (cells.len() - 1) * width;
        if let Some(x) = counts.get_mut(base + k as usize) {
            *x += 1.0;
        }
    }
    let cell_counts = |i: usize| counts.get(i * width..(i + 1) * width).unwrap_or(&[]);
    let node = |kind: NodeKind, index: u32, statements: usize| Node {
        kind,
        index,
        statements,
    };
    let (row_kind, col_kind) = match mode {
        Mode::ActorConcept => (NodeKind::Actor, NodeKind::Concept),
        Mode::ActorActor => (NodeKind::Actor, NodeKind::Actor),
        Mode::ConceptConcept => (NodeKind::Concept, NodeKind::Concept),
    };
    let row_nodes: Vec<Node> = rows
        .iter()
        .zip(&row_count)
        .map(|(i, n)| node(row_kind, *i, *n))
        .collect();
    let mut edges = Vec::new();
    if mode.one_mode() {
        // sim(k, k') per aggregation; the "no value" slot is only there under ignore.
        let mut weight = vec![1.0; width * width];
        for k1 in 0..width {
            for k2 in 0..width {
                let s = q.similarity(k1, k2);
                let w = match options.aggregation {
                    Aggregation::Ignore | Aggregation::Combine => 1.0,
                    Aggregation::Congruence => s,
                    Aggregation::Conflict => 1.0 - s,
                    Aggregation::Subtract => s - (1.0 - s),
                };
                if let Some(x) = weight.get_mut(k1 * width + k2) {
                    *x = w;
                }
            }
        }
        let jaccard = options.normalization == Normalization::Jaccard;
        let mut pairs = Pairs::new(rows.len());
        let mut start = 0;
        while start < cells.len() {
            let through = cells.get(start).map_or(0, |c| c.0);
            let end = start
                + cells
                    .get(start..)
                    .unwrap_or(&[])
                    .iter()
                    .take_while(|c| c.0 == through)
                    .count();
            for x in start..end {
                let ca = cell_counts(x);
                let a = cells.get(x).map_or(0, |c| c.1 as usize);
                for y in x + 1..end {
                    let cb = cell_counts(y);
                    let b = cells.get(y).map_or(0, |c| c.1 as usize);
                    let mut w = 0.0;
                    for (k1, n1) in ca.iter().enumerate() {
                        if *n1 == 0.0 {
                            continue;
                        }
                        for (k2, n2) in cb.iter().enumerate() {
                            w += n1 * n2 * weight.get(k1 * width + k2).copied().unwrap_or(0.0);
                        }
                    }
                    let Some(sums) = pairs.at(a, b) else {
                        continue;
                    };
                    sums[0] += w;
                    if jaccard {
                        for (n1, n2) in ca.iter().zip(cb) {
                            if *n1 > 0.0 && *n2 > 0.0 {
                                sums[1] += n1;
                                sums[2] += n2;
                                sums[3] += n1 * n2;
                            }
                        }
                    }
                }
            }
            start = end;
        }
        let total = |i: usize| row_count.get(i).copied().unwrap_or(0) as f64;
        for (a, b, sums) in pairs.into_sorted() {
            let (na, nb) = (total(a), total(b));
            let norm = match options.normalization {
                Normalization::Average => (na + nb) / 2.0,
                // DNA: Math.sqrt(i1count * i1count) * Math.sqrt(i2count * i2count).
                Normalization::Cosine => na * nb,
                Normalization::Jaccard => (na - sums[1]) + (nb - sums[2]) + sums[3],
                _ => 1.0,
            };
            let w = if norm == 0.0 { 0.0 } else { sums[0] / norm };
            if w != 0.0 {
                edges.push(Edge {
                    row: a,
                    col: b,
                    weight: w,
                });
            }
        }
        Network {
            mode,
            cols: row_nodes.clone(),
            rows: row_nodes,
            edges,
            statements: taken.to_vec(),
            excluded: Excluded::default(),
        }
    } else {
        for (i, &(c, r)) in cells.iter().enumerate() {
            let n = cell_counts(i);
            let mut w = match options.aggregation {
                Aggregation::Combine => lex_rank(n, levels),
                Aggregation::Subtract => n
                    .iter()
                    .take(levels)
                    .enumerate()
                    .map(|(k, x)| q.signed(k) * x)
                    .sum(),
                _ => n.iter().sum(),
            };
            let denominator = match options.normalization {
                Normalization::Activity => row_count.get(r as usize).copied(),
                Normalization::Prominence => col_count.get(c as usize).copied(),
                _ => Some(1),
            }
            .unwrap_or(0) as f64;
            w = if denominator == 0.0 {
                0.0
            } else {
                w / denominator
            };
            if w != 0.0 {
                edges.push(Edge {
                    row: r as usize,
                    col: c as usize,
                    weight: w,
                });
            }
        }
        edges.sort_by_key(|e| (e.row, e.col));
        Network {
            mode,
            rows: row_nodes,
            cols: cols
                .iter()
                .zip(&col_count)
                .map(|(i, n)| node(col_kind, *i, *n))
                .collect(),
            edges,
            statements: taken.to_vec(),
            excluded: Excluded::default(),
        }
    }
}
