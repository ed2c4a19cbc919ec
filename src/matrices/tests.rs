//! Every table on a small corpus whose figures are worked out by hand in the comments.
//!
//! - a (2023-04-11, outlet Le Monde): "[actor|Macron]: [claim|Peace talks must start] and
//!   [claim|trade must grow]. [condition|Security first]." Claims said by Macron: peace
//!   (supports), trade (opposes); the condition: security.
//! - b (2023-05-02, outlet Le Figaro): "[actor|Xi] agreed. [claim|Peace [condition|if
//!   security] holds]. [claim|Peace again]." Claims said by Xi: peace (supports), peace
//!   (neutral); the nested condition: security.
//! - c (no date, no outlet): "[claim|Trade]." coded trade, no stance, no speaker; and ben's
//!   claim on the same word, coded trade, in another layer.

use crate::model::{
    AnnotationId, Code, CodeId, Document, Fragment, Project, RelationKindId, Value, Variable,
    VariableKind, ops, parse_marked,
};

use super::{Grouping, Kind, Matrix, Period, Query, Rows, Rule, Shown, Work, compute};

const NOW: jiff::Timestamp = jiff::Timestamp::UNIX_EPOCH;

/// Adds a document from marked text, its marks as `who`'s annotations; their ids in order.
fn add_doc(p: &mut Project, id: &str, marked: &str, who: &str) -> Vec<AnnotationId> {
    let (text, marks) = parse_marked(marked).expect("balanced marks");
    if p.document(&id.into()).is_none() {
        p.documents.push(Document::new(id, id, text));
    }
    marks
        .into_iter()
        .map(|(tag, range)| {
            let edit =
                ops::add_annotation(p, &id.into(), &tag, vec![Fragment::new(range)], who, NOW)
                    .expect("adds");
            let new = ops::added_annotation(&edit).expect("one added").clone();
            edit.apply(p).expect("applies");
            new
        })
        .collect()
}

fn code(p: &mut Project, id: &AnnotationId, attribute: &str, value: Value) {
    ops::set_value(p, id, &attribute.into(), Some(value), NOW)
        .expect("declared")
        .apply(p)
        .expect("applies");
}

fn concept(c: &str) -> Value {
    Value::Code(CodeId(c.into()))
}

fn stance(s: &str) -> Value {
    Value::Choice(vec![s.into()])
}

fn said_by(p: &mut Project, claim: &AnnotationId, actor: &AnnotationId) {
    ops::add_relation(p, &RelationKindId("said_by".into()), claim, actor, "ana")
        .expect("allowed")
        .apply(p)
        .expect("applies");
}

/// The corpus of the module docs.
fn corpus() -> Project {
    let mut p = Project::new("corpus");
    let book = p
        .codebooks
        .get_mut(&crate::model::CodebookId::from(crate::model::CONCEPTS))
        .expect("the default schema's codebook");
    for c in ["peace", "trade", "security"] {
        book.codes.push(Code {
            id: CodeId(c.into()),
            label: c.to_owned(),
            color: None,
            definition: String::new(),
            parent: None,
            aliases: Vec::new(),
        });
    }
    p.schema.variables.push(Variable {
        id: "outlet".into(),
        label: "Outlet".into(),
        definition: String::new(),
        kind: VariableKind::Text,
    });
    let a = add_doc(
        &mut p,
        "a",
        "[actor|Macron]: [claim|Peace talks must start] and [claim|trade must grow]. \
         [condition|Security first].",
        "ana",
    );
    let b = add_doc(
        &mut p,
        "b",
        "[actor|Xi] agreed. [claim|Peace [condition|if security] holds]. [claim|Peace again].",
        "ana",
    );
    let c = add_doc(&mut p, "c", "[claim|Trade].", "ana");
    let ben = add_doc(&mut p, "c", "[claim|Trade].", "ben");
    for (doc, date, outlet) in [
        ("a", "2023-04-11", "Le Monde"),
        ("b", "2023-05-02", "Le Figaro"),
    ] {
        let d = p
            .documents
            .iter_mut()
            .find(|d| d.id.as_str() == doc)
            .expect("added");
        d.meta.published = Some(date.into());
        d.meta.variables.insert("outlet".into(), outlet.into());
    }
    code(&mut p, &a[1], "concept", concept("peace"));
    code(&mut p, &a[1], "stance", stance("supports"));
    code(&mut p, &a[2], "concept", concept("trade"));
    code(&mut p, &a[2], "stance", stance("opposes"));
    code(&mut p, &a[3], "concept", concept("security"));
    code(&mut p, &b[1], "concept", concept("peace"));
    code(&mut p, &b[1], "stance", stance("supports"));
    code(&mut p, &b[2], "concept", concept("security"));
    code(&mut p, &b[3], "concept", concept("peace"));
    code(&mut p, &b[3], "stance", stance("neutral"));
    code(&mut p, &c[0], "concept", concept("trade"));
    code(&mut p, &ben[0], "concept", concept("trade"));
    said_by(&mut p, &a[1], &a[0]);
    said_by(&mut p, &a[2], &a[0]);
    said_by(&mut p, &b[1], &b[0]);
    said_by(&mut p, &b[3], &b[0]);
    p
}

fn table(p: &Project, rows: Rows, kind: Kind) -> Matrix {
    let query = Query {
        layers: vec!["ana".into()],
        rows,
        kind,
    };
    compute(p, &query, &Work::default()).expect("not cancelled")
}

fn concepts() -> Rows {
    Rows::Attribute("concept".into())
}

/// Every cell, row by row.
fn cells(m: &Matrix) -> Vec<Vec<u32>> {
    (0..m.rows.len())
        .map(|r| (0..m.cols.len()).map(|c| m.count(r, c)).collect())
        .collect()
}

fn labels(items: &[super::Item]) -> Vec<&str> {
    items.iter().map(|i| i.label.as_str()).collect()
}

/// The quotes behind a cell.
fn quotes(p: &Project, m: &Matrix, r: usize, c: usize) -> Vec<String> {
    m.behind(r, c)
        .into_iter()
        .map(|id| p.annotations[id].quote.clone())
        .collect()
}

#[test]
fn codes_by_articles_count_coded_spans_with_totals_and_percentages() {
    let p = corpus();
    let m = table(&p, concepts(), Kind::Articles);
    assert_eq!(labels(&m.rows), ["peace", "trade", "security"]);
    assert_eq!(labels(&m.cols), ["a", "b", "c"]);
    // peace: a's first claim, b's two; trade: a's second, c's (not ben's); security: the
    // two conditions.
    assert_eq!(cells(&m), [[1, 2, 0], [1, 0, 1], [1, 1, 0]]);
    assert_eq!(m.row_totals, [3, 2, 2]);
    assert_eq!(m.col_totals, [3, 3, 1]);
    assert_eq!(m.total, 7);
    assert_eq!(m.max(), 2);
    assert_eq!(m.uncoded, 2, "the two actors carry no concept");
    let close = |x: Option<f64>, y: f64| x.is_some_and(|x| (x - y).abs() < 1e-9);
    assert!(close(m.row_percent(0, 1), 200.0 / 3.0));
    assert!(close(m.col_percent(0, 1), 200.0 / 3.0));
    assert!(close(m.col_percent(1, 2), 100.0));
    assert!(close(m.value(2, 0, Shown::RowPercent), 50.0));
    assert_eq!(m.value(2, 2, Shown::Counts), Some(0.0));
    assert_eq!(
        quotes(&p, &m, 0, 1),
        ["Peace if security holds", "Peace again"]
    );
    assert_eq!(m.behind_row(1).len(), 2);
}

#[test]
fn tags_by_articles_and_layers_added_up_only_when_given() {
    let mut p = corpus();
    let m = table(&p, Rows::Tags, Kind::Articles);
    assert_eq!(labels(&m.rows), ["Actor", "Claim", "Condition"]);
    assert_eq!(cells(&m), [[1, 1, 0], [2, 2, 1], [1, 1, 0]]);
    assert_eq!(m.uncoded, 0);
    let both = Query {
        layers: vec!["ana".into(), "ben".into()],
        rows: concepts(),
        kind: Kind::Articles,
    };
    let m = compute(&p, &both, &Work::default()).expect("computed");
    assert_eq!(m.count(1, 2), 2, "ana's and ben's trade in c");
    // A value changed is in the next table.
    let trade_in_c = p
        .annotations
        .values()
        .find(|a| a.doc.as_str() == "c" && a.annotator == "ana")
        .map(|a| a.id.clone())
        .expect("ana's claim in c");
    code(&mut p, &trade_in_c, "concept", concept("peace"));
    let m = table(&p, concepts(), Kind::Articles);
    assert_eq!(cells(&m), [[1, 2, 1], [1, 0, 0], [1, 1, 0]]);
}

#[test]
fn codes_by_a_variable_put_articles_without_a_value_in_none_last() {
    let p = corpus();
    let m = table(
        &p,
        concepts(),
        Kind::Variable(Grouping::Variable("outlet".into())),
    );
    assert_eq!(labels(&m.cols), ["Le Figaro", "Le Monde", "(none)"]);
    assert_eq!(m.none_col, Some(2));
    assert_eq!(cells(&m), [[2, 1, 0], [0, 1, 1], [1, 1, 0]]);
    assert_eq!(m.col_totals, [3, 3, 1]);
    let m = table(&p, concepts(), Kind::Variable(Grouping::Year));
    assert_eq!(labels(&m.cols), ["2023", "(none)"]);
    assert_eq!(cells(&m), [[3, 0], [1, 1], [2, 0]]);
    let m = table(&p, concepts(), Kind::Variable(Grouping::Source));
    assert_eq!(labels(&m.cols), ["(none)"], "no article has a source");
    assert_eq!(cells(&m), [[3], [2], [2]]);
}

#[test]
fn same_span_crosses_two_attributes_of_one_annotation() {
    let p = corpus();
    let m = table(
        &p,
        concepts(),
        Kind::CoOccurrence(Rows::Attribute("stance".into()), Rule::SameSpan),
    );
    assert_eq!(
        labels(&m.cols),
        ["supports", "opposes", "neutral or unclear"]
    );
    // peace: supported twice (a, b), neutral once (b); trade opposed once (a; c has no
    // stance); security: conditions have no stance.
    assert_eq!(cells(&m), [[2, 0, 1], [0, 1, 0], [0, 0, 0]]);
    assert_eq!(m.row_totals, [3, 1, 0]);
    assert_eq!(m.row_percent(2, 0), None, "an empty row has no percentages");
    assert_eq!(
        quotes(&p, &m, 0, 0),
        ["Peace talks must start", "Peace if security holds"]
    );
}

#[test]
fn overlapping_pairs_a_span_with_the_spans_it_shares_text_with() {
    let p = corpus();
    let m = table(
        &p,
        concepts(),
        Kind::CoOccurrence(concepts(), Rule::Overlapping),
    );
    // One pair overlaps: b's peace claim and the security condition inside it.
    assert_eq!(cells(&m), [[0, 0, 1], [0, 0, 0], [1, 0, 0]]);
    assert_eq!(
        quotes(&p, &m, 0, 2),
        ["Peace if security holds", "if security"]
    );
    assert_eq!(m.total, 2);
}

#[test]
fn same_sentence_counts_sentences_where_both_occur() {
    let p = corpus();
    let m = table(
        &p,
        concepts(),
        Kind::CoOccurrence(concepts(), Rule::SameSentence),
    );
    // Sentences: a "Macron: Peace … grow." {peace, trade}, a "Security first." {security},
    // b "Xi agreed." {}, b "Peace if security holds." {peace, security}, b "Peace again."
    // {peace}, c "Trade." {trade}.
    assert_eq!(cells(&m), [[3, 1, 1], [1, 2, 0], [1, 0, 2]]);
    assert_eq!(
        quotes(&p, &m, 0, 1),
        ["Peace talks must start", "trade must grow"]
    );
    assert_eq!(quotes(&p, &m, 2, 2), ["Security first", "if security"]);
}

#[test]
fn a_span_across_a_sentence_boundary_belongs_to_both_sentences() {
    let mut p = Project::new("two sentences");
    let ids = add_doc(
        &mut p,
        "d",
        "[claim|One. Two.] [condition|Three.] [actor|Four]",
        "ana",
    );
    let m = table(
        &p,
        Rows::Tags,
        Kind::CoOccurrence(Rows::Tags, Rule::SameSentence),
    );
    // UAX #29 breaks after each ". ": "One. ", "Two. ", "Three. ", "Four". The claim is in
    // the first two sentences, the condition in the third, the actor in the last.
    assert_eq!(cells(&m), [[1, 0, 0], [0, 2, 0], [0, 0, 1]]);
    assert_eq!(ids.len(), 3);
}

#[test]
fn actors_are_the_speakers_of_claims_over_time() {
    let p = corpus();
    let m = table(&p, Rows::Actors, Kind::OverTime(Period::Month));
    assert_eq!(labels(&m.rows), ["Macron", "Xi"]);
    assert_eq!(labels(&m.cols), ["2023-04", "2023-05", "(undated)"]);
    assert_eq!(cells(&m), [[2, 0, 0], [0, 2, 0]]);
    assert_eq!(m.none_col, Some(2));
    // The claim in c has no speaker: it carries no actor.
    assert_eq!(m.uncoded, p.annotations.len() - 1 - 4);
    let m = table(
        &p,
        Rows::Actors,
        Kind::CoOccurrence(concepts(), Rule::SameSpan),
    );
    assert_eq!(cells(&m), [[1, 1, 0], [2, 0, 0]], "actor × concept");
}

#[test]
fn codes_over_weeks_fill_the_weeks_between_and_count_the_undated() {
    let p = corpus();
    let m = table(&p, concepts(), Kind::OverTime(Period::Week));
    assert_eq!(
        labels(&m.cols),
        ["2023-W15", "2023-W16", "2023-W17", "2023-W18", "(undated)"]
    );
    assert_eq!(
        cells(&m),
        [[1, 0, 0, 2, 0], [1, 0, 0, 0, 1], [1, 0, 0, 1, 0]]
    );
    let m = table(&p, concepts(), Kind::OverTime(Period::Year));
    assert_eq!(labels(&m.cols), ["2023", "(undated)"]);
}

#[test]
fn a_cancelled_computation_returns_nothing() {
    let p = corpus();
    let work = Work::default();
    work.cancel
        .store(true, std::sync::atomic::Ordering::Relaxed);
    let query = Query {
        layers: vec!["ana".into()],
        rows: Rows::Tags,
        kind: Kind::Articles,
    };
    assert!(compute(&p, &query, &work).is_none());
    let work = Work::default();
    assert!(compute(&p, &query, &work).is_some());
    assert_eq!(work.progress(), (3, 3));
}
