//! What each export counts as not carried, on one project that sets every field: the same
//! value is counted under the same name whichever format leaves it out.

use std::collections::BTreeMap;

use crate::formats::{
    ExportOptions, Format, ImportOptions, LayerChoice, LossKind, export, fixture, plan_import,
    read, write,
};
use crate::model::{DocStatus, EntityId, Project, RelationId};

/// The fixture with every document field set on `d1`, aliases and a note on Macron's entity,
/// and `r-said` (between two of ana's annotations) made by ben.
fn everything_set() -> Project {
    let mut p = fixture::project();
    let meta = &mut p.documents[0].meta;
    meta.source = Some("Le Monde".into());
    meta.author = Some("A. Journalist".into());
    meta.published = Some("2023-04-11".into());
    meta.url = Some("https://example.org/a".into());
    meta.status.insert("ana".into(), DocStatus::Done);
    let macron = p
        .entities
        .get_mut(&EntityId("e-macron".into()))
        .expect("entity");
    macron.aliases = vec!["the French president".into()];
    macron.note = "since 2017".into();
    p.relations
        .get_mut(&RelationId("r-said".into()))
        .expect("relation")
        .annotator = "ben".into();
    p
}

fn ana(p: &Project, format: Format) -> crate::formats::Export {
    let options = ExportOptions {
        layer: LayerChoice::One("ana".into()),
        documents: None,
    };
    export(p, format, &options, &mut |_, _| {}).expect("exports")
}

#[test]
fn every_format_counts_the_metadata_entity_details_and_relation_annotators_it_drops() {
    let p = everything_set();
    // Document fields of d1 other than the title (each set once).
    let meta = [
        ("document author", 1),
        ("document date", 1),
        ("document source", 1),
        ("document status", 1),
        ("document url", 1),
    ];
    // Both entities are persons (not the default kind); Macron's has aliases and a note.
    let entity = [
        ("entity aliases", 1),
        ("entity kind", 2),
        ("entity note", 1),
    ];
    // What the annotations themselves lose where the format has no place for it.
    let annotation = [("entity", 2), ("note", 1), ("status", 1)];
    let relation = [("relation annotator", 1)];
    let titles = [("document title", 2)];
    let cases: [(Format, Vec<(&str, usize)>); 6] = [
        // The file name is the document's id, not its title.
        (
            Format::Brat,
            [&meta[..], &entity, &relation, &titles].concat(),
        ),
        (
            Format::Doccano,
            [&meta[..], &entity, &annotation, &relation].concat(),
        ),
        (
            Format::Conll,
            [&meta[..], &entity, &annotation, &titles].concat(),
        ),
        (Format::W3c, [&meta[..], &entity].concat()),
        (
            Format::Labelstudio,
            [&[("document status", 1)][..], &entity].concat(),
        ),
        (Format::Csv, [&meta[..], &entity].concat()),
    ];
    let mut wrong = Vec::new();
    for (format, expected) in cases {
        let report = ana(&p, format).report;
        let expected: BTreeMap<&str, usize> = expected.into_iter().collect();
        if report.fields_not_carried != expected {
            wrong.push((format, report.fields_not_carried, expected));
        }
    }
    assert!(wrong.is_empty(), "(format, counted, expected): {wrong:#?}");
}

#[test]
fn a_relation_made_by_its_sources_annotator_is_not_counted() {
    // In the fixture every relation is made by the annotator of both its ends.
    for format in [Format::Brat, Format::Doccano] {
        let report = ana(&fixture::project(), format).report;
        assert_eq!(
            report.fields_not_carried.get("relation annotator"),
            None,
            "{format:?}"
        );
    }
    // Label Studio does not write a relation between regions of another layer: it is listed.
    let report = ana(&everything_set(), Format::Labelstudio).report;
    let relations: Vec<&str> = report
        .not_carried
        .iter()
        .filter(|l| matches!(l.kind, LossKind::Relation { .. }))
        .map(|l| l.id.as_str())
        .collect();
    assert_eq!(relations, ["r-said"]);
}

#[test]
fn brat_and_doccano_readers_give_a_relation_the_layer_of_its_source() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (format, name) in [(Format::Brat, "brat"), (Format::Doccano, "d.jsonl")] {
        let mut e = ana(&fixture::project(), format);
        let out = dir.path().join(name);
        write(&out, &mut e, &crate::formats::Protected::default()).expect("written");
        let incoming = read(format, &[out]).expect("reads");
        let options = ImportOptions {
            annotator: None,
            fallback_annotator: "imported".into(),
            skip_invalid: false,
            now: jiff::Timestamp::UNIX_EPOCH,
        };
        let mut back = Project::new("x");
        let plan = plan_import(&back, incoming, &options).expect("plans");
        plan.edit.apply(&mut back).expect("applies");
        assert_eq!(back.relations.len(), 3, "{format:?}");
        for r in back.relations.values() {
            let source = back.annotations.get(&r.from).expect("source");
            assert_eq!(r.annotator, source.annotator, "{format:?}");
        }
    }
}

/// A format with no place for codes (doccano) counts each value, link note, article variable
/// and entity reference it leaves out, so its report never says everything was carried.
#[test]
fn codes_not_carried_are_counted_and_everything_carried_is_not_claimed() {
    use crate::model::{ExternalRef, Value, ops};
    let mut p = crate::formats::fixture::project();
    let claim = p
        .annotations
        .values()
        .find(|a| a.tag.as_str() == "claim")
        .unwrap();
    let layer = claim.annotator.clone();
    let claim = claim.id.clone();
    let now = jiff::Timestamp::UNIX_EPOCH;
    ops::set_value(
        &p,
        &claim,
        &"stance".into(),
        Some(Value::Choice(vec!["opposes".into()])),
        now,
    )
    .unwrap()
    .apply(&mut p)
    .unwrap();
    let link = p
        .relations
        .values()
        .find(|r| r.annotator == layer)
        .unwrap()
        .id
        .clone();
    ops::set_relation_note(&p, &link, "on TV 📺")
        .unwrap()
        .apply(&mut p)
        .unwrap();
    if let Some(e) = p.entities.values().next().cloned() {
        let mut e = e;
        e.refs.push(ExternalRef {
            kb: "Wikidata".into(),
            id: "Q1".into(),
        });
        ops::put_entity(&p, e).unwrap().apply(&mut p).unwrap();
    }
    let export = crate::formats::export(
        &p,
        crate::formats::Format::Doccano,
        &crate::formats::ExportOptions {
            layer: crate::formats::LayerChoice::One(layer),
            documents: None,
        },
        &mut |_, _| {},
    )
    .unwrap();
    let fields = &export.report.fields_not_carried;
    assert_eq!(
        fields.get(crate::formats::report::field::ATTRIBUTE_VALUE),
        Some(&1),
        "{fields:?}"
    );
    assert_eq!(
        fields.get(crate::formats::report::field::LINK_NOTE),
        Some(&1),
        "{fields:?}"
    );
    assert!(!export.report.to_text().contains("everything was carried"));
}
