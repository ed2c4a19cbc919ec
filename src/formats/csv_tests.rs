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
        let a = &p.annotations[&crate::model::AnnotationId::from(row["annotation"].as_str())];
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
            p.annotations[&crate::model::AnnotationId::from(link["from"].as_str())].quote
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
    let mut r = p.relations[&crate::model::RelationId::from("r-xi")].clone();
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

/// The coded fixture exported (every layer).
fn export_coded(p: &crate::model::Project) -> Export {
    crate::formats::export(p, Format::Csv, &ExportOptions::default(), &mut |_, _| {})
        .expect("exports")
}

fn header(text: &str) -> Vec<String> {
    let mut reader = ::csv::Reader::from_reader(text.as_bytes());
    reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect()
}

#[test]
fn codes_have_a_column_each_headed_by_labels() {
    let export = export_coded(&crate::formats::coded_fixture::project());
    let expected: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .chain([
            "said_by",
            "conditional_on",
            // The actor's free-text Stance and the claim's choice share a label, not a kind.
            "Actor: Stance",
            "Claim: Stance",
            // The claim's and the condition's Concept are one attribute: one column.
            "Concept",
            "Negated",
            "Intensity",
            "Comment 注",
            "Frames",
            "Outlet",
            "Words",
            "Seen",
            "Desk 🗞️",
        ])
        .collect();
    assert_eq!(header(&export.files[0].text), expected);
    let mut links: Vec<&str> = RELATION_COLUMNS.to_vec();
    links.push("Certainty");
    assert_eq!(header(&export.files[1].text), links);
}

#[test]
fn every_kind_of_value_reads_back_by_label_from_its_cell() {
    let export = export_coded(&crate::formats::coded_fixture::project());
    let rows = rows(&export.files[0].text);
    let row = |id: &str| rows.iter().find(|r| r["annotation"] == id).expect("row");
    let cells = |id: &str, columns: &[&str]| -> Vec<String> {
        columns.iter().map(|c| row(id)[*c].clone()).collect()
    };
    let codes = [
        "Actor: Stance",
        "Claim: Stance",
        "Concept",
        "Negated",
        "Intensity",
        "Comment 注",
        "Frames",
    ];
    assert_eq!(
        cells("a-claim", &codes),
        [
            "",
            "supports",
            "Waffenstillstand 停火",
            "yes",
            "-2",
            "« talks », \"quoted\" 北京 👩‍👩‍👧 e\u{301}\nline 2",
            "économie | 安全",
        ]
    );
    assert_eq!(
        cells("a-talks", &codes),
        ["", "opposes", "Waffenstillstand 停火", "", "1", "", ""]
    );
    assert_eq!(
        cells("a-arabic", &codes[1..3]),
        ["neutral or unclear", "Trade"]
    );
    assert_eq!(cells("a-cond", &codes), ["", "", "Trade", "", "", "", ""]);
    assert_eq!(cells("a-macron", &codes[..2]), ["pro-EU ✓", ""]);
    assert_eq!(row("a-macron")["entity_refs"], "Wikidata:Q3052772");
    assert_eq!(row("a-xi")["entity_refs"], "");
    let variables = ["Outlet", "Words", "Seen", "Desk 🗞️"];
    for id in ["a-claim", "a-zoe", "b-macron"] {
        assert_eq!(
            cells(id, &variables),
            ["人民日报", "-12.5", "2023-04", "Außenpolitik, Asien"],
            "every row of d1 has its article's variables"
        );
    }
    assert_eq!(cells("a-putin", &variables), ["Le Monde", "", "", ""]);

    let links = self::rows(&export.files[1].text);
    let said = links.iter().find(|l| l["id"] == "r-said").expect("r-said");
    assert_eq!(
        (said["note"].as_str(), said["Certainty"].as_str()),
        ("said on TV 📺, \"live\"", "3")
    );
    let xi = links.iter().find(|l| l["id"] == "r-xi").expect("r-xi");
    assert_eq!((xi["note"].as_str(), xi["Certainty"].as_str()), ("", ""));
}

#[test]
fn codes_are_carried_but_for_a_value_no_attribute_declares() {
    let mut p = crate::formats::coded_fixture::project();
    let report = export_coded(&p).report;
    assert_eq!(report.fields_not_carried, [("entity kind", 2)].into());
    // A value of an attribute the claim does not declare, a variable the schema lacks and a
    // link value its type does not declare have no column: counted.
    let claim = p
        .annotations
        .get_mut(&crate::model::AnnotationId::from("a-arabic"))
        .expect("claim");
    claim
        .values
        .insert("colour".into(), crate::model::Value::Flag);
    p.documents[1]
        .meta
        .variables
        .insert("region".into(), "Asie".into());
    let link = p
        .relations
        .get_mut(&crate::model::RelationId::from("r-cond"))
        .expect("r-cond");
    link.values
        .insert("certainty".into(), crate::model::Value::Scale(1));
    let report = export_coded(&p).report;
    assert_eq!(
        report.fields_not_carried,
        [
            ("entity kind", 2),
            (field::ATTRIBUTE_VALUE, 1),
            (field::ARTICLE_VARIABLE, 1),
            (field::LINK_VALUE, 1),
        ]
        .into()
    );
}

#[test]
fn an_attribute_or_variable_named_like_a_column_gets_its_owner_in_the_header() {
    let mut p = crate::formats::coded_fixture::project();
    let claim = p
        .schema
        .tags
        .iter_mut()
        .find(|t| t.id.as_str() == "claim")
        .expect("claim");
    claim.attributes.push(crate::model::Attribute {
        id: "note2".into(),
        label: "note".into(),
        definition: String::new(),
        kind: crate::model::AttributeKind::Text,
    });
    p.schema.variables[0].label = "Negated".into();
    let mut a = p.annotations[&crate::model::AnnotationId::from("a-claim")].clone();
    a.values
        .insert("note2".into(), crate::model::Value::Text("coded".into()));
    p.annotations.insert(a.id.clone(), a);
    let export = export_coded(&p);
    let head = header(&export.files[0].text);
    assert!(head.contains(&"Claim: note".to_owned()), "{head:?}");
    assert!(head.contains(&"article: Negated".to_owned()), "{head:?}");
    let unique: HashSet<&String> = head.iter().collect();
    assert_eq!(unique.len(), head.len(), "no header twice: {head:?}");
    let rows = rows(&export.files[0].text);
    let row = rows
        .iter()
        .find(|r| r["annotation"] == "a-claim")
        .expect("row");
    assert_eq!(row["Claim: note"], "coded");
    assert_eq!(row["note"], "");
    assert_eq!(row["article: Negated"], "人民日报");
    assert_eq!(row["Negated"], "yes");
}

#[test]
fn the_coded_fixture_exports_as_the_golden_files() {
    let export = export_coded(&crate::formats::coded_fixture::project());
    fixture::golden("csv/coded.csv", &export.files[0].text);
    fixture::golden("csv/coded.relations.csv", &export.files[1].text);
}
