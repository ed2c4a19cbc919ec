use super::*;
use crate::formats::fixture;
use crate::model::{Annotation, EntityId, sha256_hex};

fn options() -> ImportOptions {
    ImportOptions {
        annotator: None,
        fallback_annotator: "imported".into(),
        skip_invalid: false,
        now: Timestamp::UNIX_EPOCH,
    }
}

fn ann(key: &str, label: &str, fragments: &[(usize, usize)], line: usize) -> InAnnotation {
    InAnnotation {
        key: key.into(),
        place: Place::line("in.txt", line),
        label: label.into(),
        fragments: fragments.to_vec(),
        ..InAnnotation::default()
    }
}

fn doc(text: &str, annotations: Vec<InAnnotation>, relations: Vec<InRelation>) -> InDoc {
    InDoc {
        place: Place::file("in.txt"),
        text: text.into(),
        annotations,
        relations,
        ..InDoc::default()
    }
}

fn rel(kind: &str, from: &str, to: &str) -> InRelation {
    InRelation {
        note: Default::default(),
        values: Default::default(),
        place: Place::line("in.txt", 9),
        kind: kind.into(),
        from: from.into(),
        to: to.into(),
        annotator: None,
    }
}

fn apply(project: &mut Project, incoming: Incoming, options: &ImportOptions) -> ImportReport {
    let plan = plan_import(project, incoming, options).expect("plan");
    plan.edit.apply(project).expect("applies");
    plan.report
}

#[test]
fn documents_match_by_text_and_offsets_count_code_points_or_utf16() {
    let mut p = fixture::project();
    let before = p.annotations.len();
    // "习近平" starts after the first line; count its code points and UTF-16 units.
    let text = fixture::TEXT;
    let byte = text.find("习近平").expect("in text");
    let chars = text[..byte].chars().count();
    let units = text[..byte].encode_utf16().count();
    assert_ne!(
        chars, units,
        "the flag before it is two code points, four UTF-16 units"
    );
    let mut utf16 = doc(
        text,
        vec![ann("x", "Actor", &[(units, units + 3)], 1)],
        vec![],
    );
    utf16.unit = OffsetUnit::Utf16;
    let incoming = Incoming {
        documents: vec![
            doc(
                text,
                vec![ann("x", "actor", &[(chars, chars + 3)], 1)],
                vec![],
            ),
            utf16,
        ],
        ..Incoming::default()
    };
    let report = apply(&mut p, incoming, &options());
    assert_eq!(report.documents_matched, [DocId("d1".into())]);
    assert!(report.documents_added.is_empty());
    // The same span twice in one layer is added once.
    assert_eq!((report.annotations, report.already_there), (1, 1));
    assert_eq!(p.annotations.len(), before + 1);
    let added = p
        .annotations
        .values()
        .find(|a| a.annotator == "imported")
        .expect("added");
    assert_eq!(added.quote, "习近平");
    assert_eq!(added.tag, TagId("actor".into()));
}

#[test]
fn new_labels_become_tag_types_and_relations_widen_the_schema() {
    let mut p = Project::new("x");
    let incoming = Incoming {
        documents: vec![doc(
            "Paris said yes.",
            vec![
                ann("T1", "Location", &[(0, 5)], 1),
                ann("T2", "claim", &[(11, 14)], 2),
            ],
            vec![rel("said_by", "T2", "T1"), rel("Origin", "T1", "T2")],
        )],
        tags: vec![InTag {
            attributes: Default::default(),
            name: "Location".into(),
            color: Some(Rgb(1, 2, 3)),
        }],
        ..Incoming::default()
    };
    let report = apply(&mut p, incoming, &options());
    assert_eq!(report.new_tags, [TagId("Location".into())]);
    let location = p.schema.tag(&TagId("Location".into())).expect("added");
    assert_eq!(
        (location.label.as_str(), location.color),
        ("Location", Rgb(1, 2, 3))
    );
    assert_eq!(
        report.new_relation_kinds,
        [
            RelationKindId("said_by".into()),
            RelationKindId("Origin".into())
        ]
    );
    let said_by = p
        .schema
        .relation(&RelationKindId("said_by".into()))
        .expect("kept");
    assert!(said_by.allows(&TagId("claim".into()), &TagId("Location".into())));
    assert_eq!(p.relations.len(), 2);
    assert_eq!(report.documents_added.len(), 1);
    assert_eq!(p.documents.len(), 1);
}

#[test]
fn every_problem_is_reported_with_its_place_and_nothing_changes() {
    let p = fixture::project();
    let text = "e\u{301}t\u{e9} 👩‍👩‍👧";
    let mut quoted = ann("T3", "actor", &[(0, 2)], 3);
    quoted.quote = Some("wrong".into());
    let incoming = Incoming {
        documents: vec![doc(
            text,
            vec![
                ann("T1", "actor", &[(0, 99)], 1),
                ann("T2", "actor", &[(0, 1)], 2),
                quoted,
                ann("T4", "actor", &[(3, 3)], 4),
                ann("T5", "actor", &[(5, 10)], 5),
            ],
            vec![rel("said_by", "T5", "T9")],
        )],
        problems: vec![ImportProblem::new(Place::line("in.txt", 7), "not brat")],
        ..Incoming::default()
    };
    let err = plan_import(&p, incoming.clone(), &options()).expect_err("refused");
    let lines: Vec<String> = err.problems.iter().map(ToString::to_string).collect();
    assert_eq!(lines.len(), 6, "{lines:#?}");
    assert!(lines[0].starts_with("in.txt:1: T1: span 0–99: offset 99 is past the end"));
    assert!(lines[1].starts_with("in.txt:2: T2: offset 1 falls inside"));
    assert!(lines[2].starts_with("in.txt:3: T3: the text at its offsets is"));
    assert!(lines[2].ends_with("but the file says \"wrong\""));
    assert!(lines[3].starts_with("in.txt:4: T4: span 3–3 is empty"));
    assert_eq!(
        lines[4], "in.txt:7: not brat",
        "reading and checking problems, in line order"
    );
    assert!(lines[5].starts_with("in.txt:9: relation said_by refers to T9"));
    assert!(err.to_string().starts_with("nothing imported: 6 problems"));

    let skip = ImportOptions {
        skip_invalid: true,
        ..options()
    };
    let plan = plan_import(&p, incoming, &skip).expect("the rest");
    assert_eq!(plan.report.annotations, 1, "only T5 is valid");
    assert_eq!(plan.report.skipped.len(), 6);
}

#[test]
fn entities_are_found_by_name_or_created_and_the_layer_is_forced_by_the_option() {
    let mut p = fixture::project();
    let entity = |name: &str| {
        Some(InEntity {
            refs: Default::default(),
            name: name.into(),
            kind: None,
        })
    };
    let mut macron = ann("a", "actor", &[(0, 6)], 1);
    macron.entity = entity("emmanuel macron");
    macron.annotator = Some("zoe".into());
    let putin = fixture::TEXT2.find("Putin").expect("in text");
    let mut vlad = ann("b", "actor", &[(putin, putin + 5)], 1);
    vlad.entity = entity("Vladimir Putin");
    let incoming = Incoming {
        documents: vec![
            doc(fixture::TEXT, vec![macron], vec![]),
            doc(fixture::TEXT2, vec![vlad], vec![]),
        ],
        ..Incoming::default()
    };
    let forced = ImportOptions {
        annotator: Some("cleo".into()),
        ..options()
    };
    let report = apply(&mut p, incoming, &forced);
    assert_eq!(report.layers, ["cleo"]);
    assert_eq!(report.new_entities, ["Vladimir Putin"]);
    let by_layer: Vec<&Annotation> = p
        .annotations
        .values()
        .filter(|a| a.annotator == "cleo")
        .collect();
    assert_eq!(by_layer.len(), 2);
    assert!(
        by_layer
            .iter()
            .any(|a| a.entity == Some(EntityId("e-macron".into())))
    );
    assert!(p.annotators.contains("cleo"));
}

#[test]
fn importing_the_same_input_twice_changes_nothing_the_second_time() {
    let mut p = Project::new("x");
    let incoming = Incoming {
        documents: vec![doc(
            "Paris said yes.",
            vec![
                ann("T1", "actor", &[(0, 5)], 1),
                ann("T2", "claim", &[(11, 14)], 2),
            ],
            vec![rel("said_by", "T2", "T1")],
        )],
        ..Incoming::default()
    };
    apply(&mut p, incoming.clone(), &options());
    let once = p.clone();
    let report = apply(&mut p, incoming, &options());
    assert_eq!(p, once);
    assert_eq!(
        (report.annotations, report.relations, report.already_there),
        (0, 0, 3)
    );
}

#[test]
fn a_document_named_by_hash_takes_the_project_text() {
    let p = fixture::project();
    let named = InDoc {
        place: Place::file("w3c.json"),
        sha256: Some(sha256_hex(fixture::TEXT2)),
        annotations: vec![ann("x", "actor", &[(16, 21)], 4)],
        ..InDoc::default()
    };
    let unknown = InDoc {
        sha256: Some("00".repeat(32)),
        ..named.clone()
    };
    let plan = plan_import(
        &p,
        Incoming {
            documents: vec![named.clone()],
            ..Incoming::default()
        },
        &options(),
    )
    .expect("known");
    assert_eq!(plan.report.documents_matched, [DocId("d2".into())]);
    let err = plan_import(
        &p,
        Incoming {
            documents: vec![unknown],
            ..Incoming::default()
        },
        &options(),
    )
    .expect_err("unknown text");
    assert!(err.problems[0].message.contains("not in the project"));
}

#[test]
fn new_ids_never_clash_with_any_id_of_the_project_and_the_result_loads_again() {
    let mut p = fixture::project();
    let mut titled = doc(
        "A text called Claim.",
        vec![ann("T1", "Claim", &[(0, 1)], 1)],
        vec![],
    );
    titled.meta.title = "claim".into();
    let mut nameless = ann("T2", "d1", &[(2, 6)], 2);
    nameless.entity = Some(InEntity {
        refs: Default::default(),
        name: " ".into(),
        kind: None,
    });
    titled.annotations.push(nameless);
    let incoming = Incoming {
        documents: vec![titled],
        ..Incoming::default()
    };
    let blank_layer = ImportOptions {
        annotator: Some("  ".into()),
        ..options()
    };
    let report = apply(&mut p, incoming, &blank_layer);
    // "claim" is a tag and "d1" a document: the new document and tag get other ids.
    assert_eq!(report.documents_added, [DocId("claim-2".into())]);
    assert_eq!(report.new_tags, [TagId("d1_2".into())]);
    assert_eq!(report.layers, ["imported"], "a blank layer name falls back");
    assert!(report.new_entities.is_empty(), "a nameless entity is none");
    let text = crate::store::to_string(&p).expect("serialises");
    crate::store::from_str(std::path::Path::new("p.ron"), &text).expect("loads again");
}

/// A project whose schema has no codes, so that every attribute comes from the input.
fn uncoded() -> Project {
    let mut p = fixture::project();
    p.schema = crate::model::Schema::without_codes();
    p
}

#[test]
fn values_of_every_kind_come_in_declaring_what_the_schema_lacks() {
    let mut p = uncoded();
    let text = "Ça va 🎉 习近平 said: ceasefire now.";
    let mut claim = ann("T1", "Claim", &[(0, 5)], 3);
    claim.values = vec![
        ("Negated".into(), InValue::Flag),
        ("Stance".into(), InValue::Choice(vec!["Supports".into()])),
        ("Intensity".into(), InValue::Number(-2)),
        ("Comment".into(), InValue::Text("hedged — 慎重".into())),
        ("Concept".into(), InValue::Code("Ceasefire".into())),
    ];
    let mut other = ann("T2", "claim", &[(8, 11)], 4);
    other.values = vec![
        ("stance".into(), InValue::Choice(vec!["Opposes".into()])),
        ("intensity".into(), InValue::Number(2)),
        ("concept".into(), InValue::Code("ceasefire".into())),
    ];
    let mut link = rel("said_by", "T1", "T2");
    link.note = "reported speech".into();
    link.values = vec![("Certain".into(), InValue::Flag)];
    let mut d = doc(text, vec![claim, other], vec![link]);
    d.variables = vec![
        ("Outlet".into(), "Le Monde".into()),
        ("Country".into(), "FR".into()),
    ];
    let incoming = Incoming {
        documents: vec![d],
        variables: vec![InVariable {
            name: "Country".into(),
            kind: VariableKind::Choice {
                values: vec!["DE".into()],
            },
        }],
        ..Incoming::default()
    };
    let report = apply(&mut p, incoming, &options());
    let claim_type = p.schema.tag(&TagId::from("claim")).expect("claim");
    let labels: Vec<&str> = claim_type
        .attributes
        .iter()
        .map(|a| a.label.as_str())
        .collect();
    assert_eq!(
        labels,
        ["Negated", "Stance", "Intensity", "Comment", "Concept"]
    );
    let kinds: Vec<&str> = claim_type
        .attributes
        .iter()
        .map(|a| a.kind.name())
        .collect();
    assert_eq!(kinds, ["flag", "choice", "scale", "text", "code"]);
    match &claim_type.attributes[1].kind {
        crate::model::AttributeKind::Choice { values, .. } => {
            let v: Vec<&str> = values.iter().map(|v| v.label.as_str()).collect();
            assert_eq!(v, ["Supports", "Opposes"], "widened by the second span");
        }
        k => panic!("{k:?}"),
    }
    assert_eq!(
        claim_type.attributes[2].kind,
        crate::model::AttributeKind::Scale { min: -2, max: 2 }
    );
    // Both spans name one code, spelled differently: one code, one codebook.
    // A "Concept" attribute takes its codes from the project's "concepts" codebook.
    let book = &p.codebooks[&crate::model::CodebookId::from("concepts")];
    assert_eq!(
        claim_type.attributes[4].kind,
        crate::model::AttributeKind::Code {
            codebook: book.id.clone()
        }
    );
    assert_eq!(book.codes.len(), 1);
    assert_eq!(book.codes[0].label, "Ceasefire");
    let first = p
        .annotations
        .values()
        .find(|a| a.quote == "Ça va")
        .expect("first");
    assert_eq!(first.values.len(), 5);
    assert_eq!(
        first
            .values
            .get(&crate::model::AttributeId::from("comment")),
        Some(&crate::model::Value::Text("hedged — 慎重".into()))
    );
    let r = p
        .relations
        .values()
        .find(|r| r.note == "reported speech")
        .expect("link");
    assert_eq!(r.values.len(), 1);
    let doc = p.documents.last().expect("added");
    let outlet = p
        .schema
        .variables
        .iter()
        .find(|v| v.label == "Outlet")
        .expect("outlet");
    assert_eq!(outlet.kind, VariableKind::Text);
    assert_eq!(
        doc.meta.variables.get(&outlet.id).map(String::as_str),
        Some("Le Monde")
    );
    let country = p
        .schema
        .variables
        .iter()
        .find(|v| v.label == "Country")
        .expect("country");
    assert_eq!(
        country.kind,
        VariableKind::Choice {
            values: vec!["DE".into(), "FR".into()]
        }
    );
    assert_eq!(report.values, 5 + 3 + 1 + 2);
    assert!(report.new_codes.iter().any(|c| c.contains("Ceasefire")));
    assert!(
        report
            .to_text()
            .contains("new article variables: Country, Outlet")
    );
    // The project is still valid as a whole and saves.
    let saved = crate::store::to_string(&p).expect("saves");
    let loaded = crate::store::from_str(std::path::Path::new("p.ron"), &saved).expect("loads");
    assert_eq!(loaded.codebooks, p.codebooks);
}

#[test]
fn values_meet_the_attributes_the_schema_declares() {
    let mut p = fixture::project();
    let mut claim = ann("T1", "claim", &[(0, 5)], 3);
    claim.values = vec![
        ("Stance".into(), InValue::Choice(vec!["opposes".into()])),
        ("concept".into(), InValue::Code("Sanctions".into())),
    ];
    let mut bad = ann("T2", "claim", &[(6, 9)], 7);
    bad.values = vec![("stance".into(), InValue::Flag)];
    let mut scale = ann("T3", "claim", &[(10, 12)], 8);
    scale.values = vec![("concept".into(), InValue::Flag)];
    let incoming = Incoming {
        documents: vec![doc(fixture::TEXT, vec![claim, bad, scale], vec![])],
        ..Incoming::default()
    };
    let err = plan_import(&p, incoming.clone(), &options()).expect_err("flags are no values here");
    assert_eq!(err.problems.len(), 2, "{err}");
    assert_eq!(err.problems[0].place, Place::line("in.txt", 7));
    assert!(
        err.problems[0].message.contains("stance is a choice"),
        "{err}"
    );
    assert_eq!(err.problems[1].place, Place::line("in.txt", 8));
    assert!(
        err.problems[1].message.contains("concept takes one code"),
        "{err}"
    );
    let report = apply(
        &mut p,
        incoming,
        &ImportOptions {
            skip_invalid: true,
            ..options()
        },
    );
    assert!(
        report.new_attributes.is_empty(),
        "{:?}",
        report.new_attributes
    );
    let first = p
        .annotations
        .values()
        .find(|a| a.annotator == "imported" && a.fragments[0].start.0 == 0)
        .expect("imported");
    assert_eq!(
        first.values.get(&crate::model::AttributeId::from("stance")),
        Some(&crate::model::Value::Choice(vec!["opposes".into()]))
    );
    let concepts = &p.codebooks[&crate::model::CodebookId::from("concepts")];
    assert!(concepts.find("Sanctions").is_some());
}

#[test]
fn entity_references_and_notes_on_links_come_in() {
    let mut p = fixture::project();
    let known = p.entities.values().next().expect("an entity").clone();
    let mut a = ann("T1", "actor", &[(0, 5)], 1);
    a.entity = Some(InEntity {
        name: known.name.clone(),
        kind: None,
        refs: vec![ExternalRef {
            kb: "Wikidata".into(),
            id: "Q3052772".into(),
        }],
    });
    let mut b = ann("T2", "actor", &[(6, 9)], 2);
    b.entity = Some(InEntity {
        name: "Ангела Меркель".into(),
        kind: None,
        refs: vec![ExternalRef {
            kb: "Wikipedia".into(),
            id: "64488".into(),
        }],
    });
    let incoming = Incoming {
        documents: vec![doc(fixture::TEXT, vec![a, b], vec![])],
        ..Incoming::default()
    };
    apply(&mut p, incoming.clone(), &options());
    assert_eq!(p.entities[&known.id].refs.len(), known.refs.len() + 1);
    let new = p
        .entities
        .values()
        .find(|e| e.name == "Ангела Меркель")
        .expect("new entity");
    assert_eq!(new.refs[0].id, "64488");
    // Again: nothing changes.
    let before = p.clone();
    apply(&mut p, incoming, &options());
    assert_eq!(p.entities, before.entities);
}

#[test]
fn an_event_that_gained_an_argument_keeps_its_own_annotation_on_a_shared_trigger() {
    // Two events on one trigger; the second import gives the first a third argument. Which
    // existing annotation each takes must not depend on the order of their random ids.
    let text = "Zeta binds Alpha and Beta at Gamma.";
    let file = |site: bool| {
        let mut e1 = ann("E1", "Binding", &[(5, 10)], 1);
        e1.distinct = true;
        let mut e2 = ann("E2", "Binding", &[(5, 10)], 2);
        e2.distinct = true;
        let mut rels = vec![rel("Theme", "E1", "T2"), rel("Theme", "E2", "T3")];
        if site {
            rels.push(rel("Theme", "E1", "T4"));
        }
        doc(
            text,
            vec![
                ann("T2", "Protein", &[(11, 16)], 3),
                ann("T3", "Protein", &[(21, 25)], 4),
                ann("T4", "Protein", &[(29, 34)], 5),
                e1,
                e2,
            ],
            rels,
        )
    };
    for _ in 0..20 {
        let mut p = fixture::project();
        let incoming = |site| Incoming {
            documents: vec![file(site)],
            ..Incoming::default()
        };
        apply(&mut p, incoming(false), &options());
        let report = apply(&mut p, incoming(true), &options());
        assert_eq!(report.relations, 1, "only the new argument is added");
        let mut themes: Vec<usize> = p
            .annotations
            .values()
            .filter(|a| a.tag.as_str() == "Binding")
            .map(|b| {
                p.relations
                    .values()
                    .filter(|r| r.from == b.id && r.kind.as_str() == "Theme")
                    .count()
            })
            .collect();
        themes.sort();
        assert_eq!(themes, [1, 2]);
    }
}

#[test]
fn documents_whose_white_space_differs_match_once_and_are_counted_once() {
    let mut p = fixture::project();
    let article = p.documents[0].text.clone();
    // The same text with each run of white space another one, twice in one import, and a
    // new text with its copy: each matches, by an index rather than a scan, and is counted
    // once.
    let respaced: String = article
        .chars()
        .map(|c| if c == ' ' { '\n' } else { c })
        .collect();
    let may_differ = |text: &str| {
        let mut d = doc(text, vec![], vec![]);
        d.white_space_may_differ = true;
        d
    };
    let report = apply(
        &mut p,
        Incoming {
            documents: vec![
                may_differ(&respaced),
                may_differ(&respaced),
                may_differ("Ein neuer Text."),
                may_differ("Ein\u{3000}neuer Text.  "),
            ],
            ..Incoming::default()
        },
        &options(),
    );
    assert_eq!(report.documents_matched, [p.documents[0].id.clone()]);
    assert_eq!(
        report.documents_added.len(),
        1,
        "{:?}",
        report.documents_added
    );
    assert!(
        report.notes.iter().any(|n| n
            .starts_with("1 documents matched to articles whose text differs only in white space")),
        "{:?}",
        report.notes
    );
}

#[test]
fn the_same_events_given_twice_in_one_import_are_added_once() {
    let mut p = fixture::project();
    let before = (p.annotations.len(), p.relations.len());
    let file = || {
        let mut e1 = ann("E1", "Binding", &[(5, 10)], 1);
        e1.distinct = true;
        let mut e2 = ann("E2", "Binding", &[(5, 10)], 2);
        e2.distinct = true;
        doc(
            "Zeta binds Alpha and Beta.",
            vec![
                ann("T2", "Protein", &[(11, 16)], 3),
                ann("T3", "Protein", &[(21, 25)], 4),
                e1,
                e2,
            ],
            vec![rel("Theme", "E1", "T2"), rel("Theme", "E2", "T3")],
        )
    };
    let report = apply(
        &mut p,
        Incoming {
            documents: vec![file(), file()],
            ..Incoming::default()
        },
        &options(),
    );
    assert_eq!((report.annotations, report.relations), (4, 2));
    assert_eq!(
        (p.annotations.len(), p.relations.len()),
        (before.0 + 4, before.1 + 2)
    );
}
