use std::collections::{HashMap, HashSet};

use super::*;
use crate::formats::{Export, ExportOptions, Format, fixture};

/// The fixture exported with the default layer choice (every layer, as csv records who
/// annotated).
fn export_fixture() -> Export {
    crate::formats::export(
        &fixture::project(),
        Format::Csv,
        &ExportOptions::default(),
        &mut |_, _| {},
    )
    .expect("exports")
}

/// The rows of a CSV text, each as column name → value.
fn rows(text: &str) -> Vec<HashMap<String, String>> {
    let mut reader = ::csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    reader
        .records()
        .map(|r| {
            let r = r.expect("a well-formed row");
            header
                .iter()
                .cloned()
                .zip(r.iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

fn code_points(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}

#[test]
fn the_fixture_exports_as_the_golden_files() {
    let export = export_fixture();
    let places: Vec<&OutPlace> = export.files.iter().map(|f| &f.place).collect();
    assert_eq!(
        places,
        [&OutPlace::Main, &OutPlace::Sibling(".relations.csv")]
    );
    fixture::golden("csv/fixture.csv", &export.files[0].text);
    fixture::golden("csv/fixture.relations.csv", &export.files[1].text);
}

#[test]
fn everything_but_the_entities_kinds_is_carried_from_every_layer() {
    let report = export_fixture().report;
    assert_eq!(report.layers, ["ana", "ben"]);
    assert_eq!(report.unit, Some("code points"));
    assert_eq!(
        (report.documents, report.annotations, report.relations),
        (2, 12, 4)
    );
    assert!(report.not_carried.is_empty(), "{:?}", report.not_carried);
    // Both entities are persons; the entity column holds only their names.
    assert_eq!(report.fields_not_carried, [("entity kind", 2)].into());
}

#[test]
fn rows_read_back_with_offsets_that_match_their_quotes() {
    let p = fixture::project();
    let mut export = export_fixture();
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out.csv");
    crate::formats::write(&out, &mut export, &crate::formats::Protected::default())
        .expect("written");
    let main = std::fs::read_to_string(&out).expect("main file");
    let relations =
        std::fs::read_to_string(dir.path().join("out.relations.csv")).expect("relations file");
    assert!(!main.starts_with('\u{feff}'));

    let rows = rows(&main);
    assert_eq!(rows.len(), p.annotations.len());
    for row in &rows {
        let doc = p.document(&row["document"].as_str().into()).expect("doc");
        assert_eq!(row["title"], doc.meta.title);
        let a = &p.annotations[&row["annotation"].as_str().into()];
        assert_eq!(row["quote"], a.quote);
        assert_eq!(row["tag"], a.tag.as_str());
        let start: usize = row["start"].parse().expect("start");
        let end: usize = row["end"].parse().expect("end");
        let pieces: Vec<String> = row["fragments"]
            .split(';')
            .map(|f| {
                let (s, e) = f.split_once('-').expect("s-e");
                code_points(&doc.text, s.parse().expect("s"), e.parse().expect("e"))
            })
            .collect();
        assert_eq!(pieces.join(" "), row["quote"], "{row:?}");
        if a.fragments.len() == 1 {
            assert_eq!(code_points(&doc.text, start, end), row["quote"], "{row:?}");
        }
    }
    let ids: HashSet<&str> = rows.iter().map(|r| r["annotation"].as_str()).collect();
    let links = self::rows(&relations);
    assert_eq!(links.len(), 4);
    for link in &links {
        assert!(ids.contains(link["from"].as_str()) && ids.contains(link["to"].as_str()));
        assert_eq!(
            link["from_quote"],
            p.annotations[&link["from"].as_str().into()].quote
        );
    }
    let macron = rows
        .iter()
        .find(|r| r["annotation"] == "a-macron")
        .expect("row");
    assert_eq!(
        macron["note"],
        "French president; \"quoted\" twice,\nsee line 2"
    );
    assert_eq!(macron["entity"], "Emmanuel Macron");
    let zoe = rows
        .iter()
        .find(|r| r["annotation"] == "a-zoe")
        .expect("row");
    assert_eq!(zoe["status"], "accepted");
}

#[test]
fn linked_quotes_are_listed_in_both_directions() {
    let rows = rows(&export_fixture().files[0].text);
    let cell = |id: &str, column: &str| {
        rows.iter()
            .find(|r| r["annotation"] == id)
            .map(|r| r[column].clone())
            .expect("row")
    };
    assert_eq!(cell("a-claim", "said_by"), "Macron");
    assert_eq!(cell("a-claim", "conditional_on"), "si la Chine aide");
    assert_eq!(
        cell("a-macron", "said_by"),
        "les pourparlers pourraient commencer"
    );
    assert_eq!(
        cell("a-cond", "conditional_on"),
        "les pourparlers pourraient commencer"
    );
    assert_eq!(cell("a-china", "said_by"), "");
    assert_eq!(cell("b-macron", "said_by"), "talks can resume");
}

#[test]
fn an_actor_saying_several_claims_lists_them_in_text_order() {
    let mut p = fixture::project();
    let mut r = p.relations[&"r-xi".into()].clone();
    r.id = "r-xi-2".into();
    r.from = "a-claim".into();
    p.relations.insert(r.id.clone(), r);
    let export = crate::formats::export(&p, Format::Csv, &ExportOptions::default(), &mut |_, _| {})
        .expect("exports");
    let rows = rows(&export.files[0].text);
    let xi = rows
        .iter()
        .find(|r| r["annotation"] == "a-xi")
        .expect("row");
    assert_eq!(
        xi["said_by"],
        "les pourparlers pourraient commencer | talks resume"
    );
}
