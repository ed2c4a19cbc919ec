use super::*;
use crate::model::{DocStatus, Document, Fragment, REVIEWED_LAYER, ops, parse_marked};

/// A project from documents, each given as `(annotator, marked text)` layers over one text.
fn project(docs: &[&[(&str, &str)]]) -> Project {
    let mut project = Project::new("t");
    for (n, layers) in docs.iter().enumerate() {
        let id = format!("d{n}");
        let text = parse_marked(layers[0].1).expect("balanced").0;
        project
            .documents
            .push(Document::new(id.as_str(), "Doc", text));
        for (annotator, marked) in layers.iter() {
            let (plain, marks) = parse_marked(marked).expect("balanced");
            assert_eq!(plain, project.documents[n].text);
            for (tag, range) in marks {
                let edit = ops::add_annotation(
                    &project,
                    &id.as_str().into(),
                    &tag,
                    vec![Fragment::new(range)],
                    annotator,
                    jiff::Timestamp::UNIX_EPOCH,
                )
                .expect("valid annotation");
                edit.apply(&mut project).expect("applies");
            }
        }
    }
    project
}

fn report(project: &Project, wanted: &[&str]) -> Agreement {
    let wanted: Vec<String> = wanted.iter().map(|s| s.to_string()).collect();
    let names = choose_annotators(project, &wanted).expect("two annotators");
    agreement(project, &Units::of(project, &names))
}

fn close(x: Option<f64>, y: f64) {
    let x = x.unwrap_or(f64::NAN);
    assert!((x - y).abs() < 1e-12, "{x} != {y}");
}

const A: &str = "[actor|Macron] said [claim|talks could start] soon";
const B: &str = "[actor|Macron said] [claim|talks could] [condition|start] soon";

#[test]
fn two_annotators_with_overlapping_spans() {
    let p = project(&[&[("ann", A), ("ben", B)]]);
    let r = report(&p, &[]);
    assert_eq!(r.annotators, ["ann", "ben"]);
    assert_eq!((r.tokens, r.units), (6, 6));
    let pair = &r.pairs[0];
    // Labels: ann actor,-,claim,claim,claim,- ; ben actor,actor,claim,claim,condition,-.
    // p_o = 4/6, p_e = 10/36 → κ = 7/13.
    close(pair.cohen_kappa, 7.0 / 13.0);
    // n = 12, n_c = (3, 3, 5, 1), D_o = 4 → α = 1 − 11·4/(144 − 44).
    close(r.krippendorff_alpha, 0.56);
    assert_eq!(r.fleiss_kappa, None);
    assert_eq!(pair.span_f1_exact, Some(0.0));
    close(pair.span_f1_relaxed, 0.8);
    let actor = pair
        .per_tag
        .iter()
        .find(|t| t.tag == "actor")
        .expect("actor");
    // actor per token: ann 1,0,0,0,0,0; ben 1,1,0,0,0,0 → p_o 5/6, p_e (1·2+5·4)/36.
    close(
        actor.cohen_kappa,
        (5.0 / 6.0 - 22.0 / 36.0) / (1.0 - 22.0 / 36.0),
    );
}

#[test]
fn a_document_nobody_else_labelled_is_missing_not_empty() {
    let with = project(&[&[("ann", A), ("ben", B)], &[("ann", "[actor|Xi] spoke")]]);
    let without = project(&[&[("ann", A), ("ben", B)]]);
    let (r1, r2) = (report(&with, &[]), report(&without, &[]));
    assert_eq!(r1.pairs[0].cohen_kappa, r2.pairs[0].cohen_kappa);
    assert_eq!(r1.krippendorff_alpha, r2.krippendorff_alpha);
    assert_eq!((r1.tokens, r1.units, r1.pairs[0].documents), (8, 6, 1));
    assert_eq!(r1.per_document[1].annotators, ["ann"]);
    assert_eq!(r1.per_document[1].cohen_kappa, [None]);
    assert_eq!(r1.per_document[0].cohen_kappa, [r1.pairs[0].cohen_kappa]);
    // Span F1 per document: the pair's own where it is the only shared document.
    assert_eq!(r1.per_document[0].span_f1_exact, [Some(0.0)]);
    assert_eq!(
        r1.per_document[0].span_f1_relaxed,
        [r1.pairs[0].span_f1_relaxed]
    );
    assert_eq!(r1.per_document[1].span_f1_relaxed, [None]);
    assert_eq!(r1.pairs[0].span_exact.reference, 2);
    // Marked done, the same document counts with every token untagged for ben.
    let mut done = with.clone();
    done.documents[1]
        .meta
        .status
        .insert("ben".into(), DocStatus::Done);
    let r3 = report(&done, &[]);
    assert_eq!((r3.units, r3.pairs[0].documents), (8, 2));
    assert_ne!(r3.pairs[0].cohen_kappa, r1.pairs[0].cohen_kappa);
}

#[test]
fn three_annotators_give_fleiss_kappa() {
    let mut p = project(&[&[
        ("ann", "[actor|one] two three"),
        ("ben", "[actor|one] [claim|two] three"),
        ("cy", "one two three"),
    ]]);
    p.documents[0]
        .meta
        .status
        .insert("cy".into(), DocStatus::Done);
    let r = report(&p, &["ann", "ben", "cy"]);
    // Units: (actor, actor, -), (-, claim, -), (-, -, -).
    // P̄ = (19 − 9)/18, P̄_e = 41/81 → κ = 0.1; α = 1 − 8·4/(81 − 41) = 0.2.
    close(r.fleiss_kappa, 0.1);
    assert_eq!(r.fleiss_units, 3);
    close(r.krippendorff_alpha, 0.2);
    assert_eq!(r.pairs.len(), 3);
    assert_eq!(
        (r.pairs[2].a.as_str(), r.pairs[2].b.as_str()),
        ("ben", "cy")
    );
}

#[test]
fn too_few_or_unknown_annotators_are_errors() {
    let p = project(&[&[("ann", A)]]);
    assert_eq!(
        choose_annotators(&p, &[]),
        Err(AgreeError::TooFewAnnotators(vec!["ann".into()]))
    );
    assert!(matches!(
        choose_annotators(&p, &["ann".into(), "zoe".into()]),
        Err(AgreeError::UnknownAnnotator(..))
    ));
}

#[test]
fn bootstrap_is_deterministic_and_brackets_the_estimate() {
    let docs: Vec<[(&str, &str); 2]> = vec![
        [("ann", A), ("ben", B)],
        [
            ("ann", "[actor|Xi] said [claim|no]"),
            ("ben", "[actor|Xi] said no"),
        ],
        [
            ("ann", "[actor|Scholz] [claim|agreed]"),
            ("ben", "[actor|Scholz] [claim|agreed]"),
        ],
    ];
    let refs: Vec<&[(&str, &str)]> = docs.iter().map(|d| &d[..]).collect();
    let p = project(&refs);
    let (r1, r2) = (report(&p, &[]), report(&p, &[]));
    assert_eq!(r1, r2);
    let [lo, hi] = r1.pairs[0].cohen_kappa_ci.expect("interval");
    assert!(lo <= hi);
    assert!(r1.krippendorff_alpha_ci.is_some());
    assert_eq!(r1.seed, SEED);
}

#[test]
fn percentiles_interpolate_like_numpy() {
    let values: Vec<f64> = (0..=100).map(f64::from).collect();
    assert_eq!(percentile_interval(values, 101), Some([2.5, 97.5]));
    assert_eq!(percentile_interval(vec![1.0], 10), None);
}

#[test]
fn the_reviewed_layer_is_compared_only_when_named() {
    let p = project(&[&[
        ("ann", "[actor|Zoe\u{301}] said [claim|北京 talks 🙂]"),
        ("ben", "[actor|Zoe\u{301}] said [claim|北京 talks] 🙂"),
        (
            REVIEWED_LAYER,
            "[actor|Zoe\u{301}] said [claim|北京 talks 🙂]",
        ),
    ]]);
    assert_eq!(
        choose_annotators(&p, &[]).unwrap(),
        vec!["ann".to_owned(), "ben".to_owned()]
    );
    assert_eq!(
        choose_annotators(&p, &["ann".into(), REVIEWED_LAYER.into()]).unwrap(),
        vec!["ann".to_owned(), REVIEWED_LAYER.to_owned()]
    );
    // Only one colleague besides the reviewed layer: too few.
    let p = project(&[&[
        ("ann", "[actor|Zoe\u{301}]"),
        (REVIEWED_LAYER, "[actor|Zoe\u{301}]"),
    ]]);
    assert_eq!(
        choose_annotators(&p, &[]),
        Err(AgreeError::TooFewAnnotators(vec!["ann".into()]))
    );
}
