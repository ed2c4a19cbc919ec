use serde_json::Value;

use crate::formats::{
    ExportOptions, Format, ImportOptions, ImportProblem, LayerChoice, LossKind, export, fixture,
    plan_import, read, write,
};
use crate::model::{AnnotationId, Project, ReviewStatus};

fn options() -> ImportOptions {
    crate::formats::fixture::import_options()
}

fn exported() -> crate::formats::Export {
    export(
        &fixture::project(),
        Format::Labelstudio,
        &ExportOptions::default(),
        &mut |_, _| {},
    )
    .expect("exports")
}

#[test]
fn the_fixture_exports_as_golden_tasks_and_config() {
    let out = exported();
    assert_eq!(out.files.len(), 2);
    fixture::golden("labelstudio/fixture.json", &out.files[0].text);
    fixture::golden("labelstudio/fixture.config.xml", &out.files[1].text);
    let r = &out.report;
    assert_eq!(r.layers, ["ana", "ben"]);
    assert_eq!((r.documents, r.annotations, r.relations), (2, 11, 4));
    assert_eq!(r.not_carried.len(), 1);
    assert_eq!(r.not_carried[0].id, "a-talks");
    assert_eq!(r.not_carried[0].kind, LossKind::Split { fragments: 2 });
    // Both entities are persons; the entity text area holds only the name.
    assert_eq!(r.fields_not_carried, [("entity kind", 2)].into());
    assert_eq!(r.unit, Some("code points"));
}

#[test]
fn every_region_is_its_code_point_slice_of_the_text() {
    let out = exported();
    let tasks: Value = serde_json::from_str(&out.files[0].text).expect("json");
    let mut regions = 0;
    for task in tasks.as_array().expect("array") {
        let text: Vec<char> = task["data"]["text"]
            .as_str()
            .expect("text")
            .chars()
            .collect();
        for ann in task["annotations"].as_array().expect("annotations") {
            for item in ann["result"].as_array().expect("result") {
                if item["type"] != "labels" {
                    continue;
                }
                let v = &item["value"];
                let (s, e) = (
                    v["start"].as_u64().expect("start"),
                    v["end"].as_u64().expect("end"),
                );
                let slice: String = text[s as usize..e as usize].iter().collect();
                assert_eq!(slice, v["text"].as_str().expect("quote"), "{item}");
                regions += 1;
            }
        }
    }
    // 12 annotations, one of them in two fragments.
    assert_eq!(regions, 13);
}

/// The fixture as Label Studio carries it: `a-talks` as two spans, its relation from the first.
fn as_carried() -> Project {
    as_carried_from(fixture::project())
}

/// `p` with `a-talks` as its two fragments, its relation from the first.
fn as_carried_from(mut p: Project) -> Project {
    let talks = p
        .annotations
        .remove(&AnnotationId("a-talks".into()))
        .expect("a-talks");
    let text = p.documents[0].text.clone();
    for (k, f) in talks.fragments.iter().enumerate() {
        let mut part = talks.clone();
        part.id = AnnotationId(format!("a-talks-{k}"));
        part.fragments = vec![*f];
        part.quote = text[f.bytes()].to_owned();
        p.annotations.insert(part.id.clone(), part);
    }
    use crate::model::SharedMapExt as _;
    p.relations.change_each(|_, r| {
        if r.from.as_str() == "a-talks" {
            r.from = AnnotationId("a-talks-0".into());
        }
    });
    p
}

#[test]
fn a_round_trip_keeps_every_layer_span_note_entity_status_and_relation() {
    let mut out = exported();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("tasks.json");
    write(&file, &mut out, &crate::formats::Protected::default()).expect("written");
    assert!(dir.path().join("tasks.config.xml").is_file());
    let incoming = read(Format::Labelstudio, &[file]).expect("reads");
    assert!(incoming.problems.is_empty(), "{:?}", incoming.problems);
    let mut p = Project::new("x");
    let plan = plan_import(&p, incoming, &options()).expect("plans");
    plan.edit.apply(&mut p).expect("applies");
    let want = as_carried();
    for layer in ["ana", "ben"] {
        assert_eq!(
            fixture::spans(&p, Some(layer)),
            fixture::spans(&want, Some(layer)),
            "{layer}"
        );
        assert_eq!(
            fixture::links(&p, Some(layer)),
            fixture::links(&want, Some(layer)),
            "{layer}"
        );
    }
    assert!(fixture::spans(&p, Some("imported")).is_empty());
    let accepted: Vec<&str> = p
        .annotations
        .values()
        .filter(|a| a.status == ReviewStatus::Accepted)
        .map(|a| a.quote.as_str())
        .collect();
    assert_eq!(accepted, ["Zoe\u{301} Ba\u{301}nh"]);
    assert_eq!(p.documents[0].meta.title, "Macron et la Chine");
}

fn problems_of(name: &str, json: &str) -> (tempfile::TempDir, Vec<ImportProblem>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join(name);
    std::fs::write(&file, json).expect("written");
    let incoming = read(Format::Labelstudio, &[file]).expect("reads");
    let problems = match plan_import(&Project::new("x"), incoming, &options()) {
        Ok(_) => Vec::new(),
        Err(failure) => failure.problems,
    };
    (dir, problems)
}

fn at(problems: &[ImportProblem]) -> Vec<(String, usize)> {
    problems
        .iter()
        .map(|p| {
            let file = p
                .place
                .file
                .file_name()
                .map(|f| f.to_string_lossy().into_owned());
            (file.unwrap_or_default(), p.place.line.unwrap_or(0))
        })
        .collect()
}

#[test]
fn broken_json_is_one_problem_at_its_line() {
    let (_dir, problems) = problems_of(
        "broken.json",
        "[\n  {\"data\": {\"text\": \"a\"}},\n  {\"data\": }\n]\n",
    );
    assert_eq!(at(&problems), [("broken.json".to_owned(), 3)]);
    assert!(
        problems[0].message.contains("not valid JSON"),
        "{}",
        problems[0]
    );
}

#[test]
fn bad_offsets_and_shapes_are_reported_by_line_without_stopping() {
    let json = r#"[
  {"data": {"text": "a👩‍👩‍👧b"},
   "annotations": [{"result": [
     {"id": "r1", "type": "labels", "from_name": "label", "to_name": "text",
      "value": {"start": 1, "end": 2, "labels": ["actor"]}},
     {"id": "r2", "type": "labels", "value": {"start": 0, "end": 99, "labels": ["actor"]}},
     {"id": "r3", "type": "labels", "value": {"start": 0, "end": 1, "text": "b", "labels": ["actor"]}},
     {"id": "r4", "type": "rectanglelabels", "value": {"x": 1}},
     {"id": "r5", "type": "labels", "value": {"start": -1, "end": 1, "labels": ["actor"]}}
   ]}]},
  {"data": {"image": "x.png"}},
  {"data": {"text": "fine"}, "annotations": [{"result": [
     {"id": "ok", "type": "labels", "value": {"start": 0, "end": 4, "text": "fine", "labels": ["claim"]}}]}]}
]
"#;
    let (_dir, problems) = problems_of("bad.json", json);
    let lines: Vec<usize> = at(&problems).into_iter().map(|(_, l)| l).collect();
    let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
    // Reader and planner problems together, in line order.
    assert_eq!(lines, [4, 6, 7, 8, 9, 11], "{messages:#?}");
    assert!(
        messages[0].contains("inside a character"),
        "{}",
        messages[0]
    );
    assert!(messages[1].contains("past the end"), "{}", messages[1]);
    assert!(messages[2].contains("\"b\""), "{}", messages[2]);
    assert!(messages[3].contains("rectanglelabels"));
    assert!(messages[4].contains("whole numbers"));
    assert!(messages[5].contains("data.text"));
    assert!(problems.iter().all(|p| {
        p.to_string()
            .starts_with(&p.place.file.display().to_string())
    }));
}

#[test]
fn label_studios_own_export_is_read_with_its_annotators_and_per_region_fields() {
    let json = r#"{
  "id": 7,
  "data": {"text": "Macron said talks could start."},
  "annotations": [
    {"completed_by": {"id": 3, "email": "cleo@example.org"}, "result": [
      {"id": "x1", "type": "labels", "from_name": "label", "to_name": "text",
       "value": {"start": 0, "end": 6, "text": "Macron", "labels": ["Person"]}},
      {"id": "x2", "type": "labels", "value": {"start": 12, "end": 29, "labels": ["claim"]}},
      {"id": "x1", "type": "textarea", "from_name": "comments", "value": {"start": 0, "end": 6, "text": ["check"]}},
      {"from_id": "x2", "to_id": "x1", "type": "relation", "direction": "left", "labels": ["cites"]}
    ]},
    {"completed_by": 12, "result": [
      {"id": "y1", "type": "labels", "value": {"start": 0, "end": 6, "labels": ["actor"]}}
    ]}
  ]
}"#;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("one.json");
    std::fs::write(&file, json).expect("written");
    let incoming = read(Format::Labelstudio, &[file]).expect("reads");
    assert!(incoming.problems.is_empty(), "{:?}", incoming.problems);
    let mut p = Project::new("x");
    let plan = plan_import(&p, incoming, &options()).expect("plans");
    assert_eq!(plan.report.layers, ["cleo@example.org", "user 12"]);
    plan.edit.apply(&mut p).expect("applies");
    let cleo = fixture::spans(&p, Some("cleo@example.org"));
    let notes: Vec<&str> = cleo.iter().map(|s| s.3.as_str()).collect();
    assert_eq!(
        notes,
        ["", ""],
        "a per-region text area is a value, not a note"
    );
    let macron = p
        .annotations
        .values()
        .find(|a| a.quote == "Macron" && a.annotator == "cleo@example.org")
        .expect("Macron");
    assert_eq!(
        macron.values.values().collect::<Vec<_>>(),
        [&crate::model::Value::Text("check".into())]
    );
    assert_eq!(
        fixture::links(&p, Some("cleo@example.org")),
        [(
            "cites".to_owned(),
            "Macron".to_owned(),
            "talks could start".to_owned()
        )]
        .into()
    );
    assert_eq!(fixture::spans(&p, Some("user 12")).len(), 1);
    assert_eq!(p.documents[0].meta.title, "one");
}

#[test]
fn one_layer_can_be_chosen() {
    let out = export(
        &fixture::project(),
        Format::Labelstudio,
        &ExportOptions {
            layer: LayerChoice::One("ben".into()),
            documents: None,
        },
        &mut |_, _| {},
    )
    .expect("exports");
    let tasks: Value = serde_json::from_str(&out.files[0].text).expect("json");
    let annotators: Vec<&str> = tasks[0]["annotations"]
        .as_array()
        .expect("list")
        .iter()
        .map(|a| a["completed_by"]["email"].as_str().expect("name"))
        .collect();
    assert_eq!(annotators, ["ben"]);
    assert_eq!(tasks[1]["annotations"].as_array().map(Vec::len), Some(0));
    assert_eq!(out.report.relations, 1);
}

#[test]
fn a_region_with_two_labels_keeps_its_relations() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("two.json");
    let json = r#"[{"data": {"text": "Paris said yes."}, "annotations": [{"result": [
  {"id": "p", "type": "labels", "value": {"start": 0, "end": 5, "text": "Paris", "labels": ["actor", "place"]}},
  {"id": "c", "type": "labels", "value": {"start": 11, "end": 14, "text": "yes", "labels": ["claim"]}},
  {"type": "relation", "from_id": "c", "to_id": "p", "direction": "right", "labels": ["said_by"]}
]}]}]"#;
    std::fs::write(&file, json).expect("written");
    let incoming = read(Format::Labelstudio, std::slice::from_ref(&file)).expect("readable");
    let plan = plan_import(&Project::new("x"), incoming, &options()).expect("valid");
    assert_eq!((plan.report.annotations, plan.report.relations), (3, 1));
}

/// The fixture with codes of every kind: the claim's default stance and concept plus a flag,
/// a scale, a free text and a multiple choice; a condition's concept; a value on the
/// discontinuous `a-talks`; a link's note and value, an entity reference; article variables
/// of every kind. Labels, codes and texts full of emoji, CJK and combining accents.
pub(in crate::formats) fn coded() -> Project {
    use crate::model::{
        AttributeKind, ChoiceValue, CodeId, CodebookId, ExternalRef, Rgb, Value, Variable,
        VariableKind,
    };
    let mut p = fixture::project();
    let attribute = crate::formats::coded_fixture::attribute;
    let claim = &mut p.schema.tags[1];
    claim.attributes.extend([
        attribute("negated", "Negated", AttributeKind::Flag),
        attribute(
            "intensity",
            "Intensité",
            AttributeKind::Scale { min: -2, max: 2 },
        ),
        attribute("comment", "Comment 💬", AttributeKind::Text),
        attribute(
            "frames",
            "Frames",
            AttributeKind::Choice {
                values: ["économie 💶", "安全", "Zoe\u{301}"]
                    .iter()
                    .enumerate()
                    .map(|(i, l)| ChoiceValue {
                        id: format!("f{i}"),
                        label: (*l).to_owned(),
                        color: Rgb(10, 20, 30),
                        key: None,
                    })
                    .collect(),
                multiple: true,
                default: None,
            },
        ),
    ]);
    p.schema.relations[0]
        .attributes
        .push(attribute("certain", "Certain", AttributeKind::Flag));
    let book = p
        .codebooks
        .get_mut(&CodebookId::from(crate::model::CONCEPTS))
        .expect("concepts");
    book.codes.extend(
        [("ceasefire", "Cessez-le-feu 🕊️"), ("talks", "和谈 talks")]
            .map(|(id, label)| crate::formats::coded_fixture::code(id, label, None)),
    );
    let set = crate::formats::coded_fixture::set_values;
    set(
        &mut p,
        "a-claim",
        vec![
            ("stance", Value::Choice(vec!["supports".into()])),
            ("concept", Value::Code(CodeId::from("ceasefire"))),
            ("negated", Value::Flag),
            ("intensity", Value::Scale(-2)),
            (
                "comment",
                Value::Text("hedged — 慎重,\nZoe\u{301} 🤷🏽‍♀️".into()),
            ),
            ("frames", Value::Choice(vec!["f0".into(), "f2".into()])),
        ],
    );
    set(
        &mut p,
        "a-talks",
        vec![
            ("stance", Value::Choice(vec!["opposes".into()])),
            ("intensity", Value::Scale(1)),
        ],
    );
    set(
        &mut p,
        "a-cond",
        vec![("concept", Value::Code(CodeId::from("talks")))],
    );
    set(
        &mut p,
        "b-talks",
        vec![("stance", Value::Choice(vec!["neutral".into()]))],
    );
    let said = p
        .relations
        .get_mut(&crate::model::RelationId("r-said".into()))
        .expect("r-said");
    said.note = "reported 🗞️".into();
    said.values = [("certain".into(), Value::Flag)].into();
    p.entities
        .get_mut(&crate::model::EntityId("e-macron".into()))
        .expect("macron")
        .refs = vec![ExternalRef {
        kb: "Wikidata".into(),
        id: "Q3052772".into(),
    }];
    let variable = |id: &str, label: &str, kind| Variable {
        id: id.into(),
        label: label.into(),
        definition: String::new(),
        kind,
    };
    p.schema.variables = vec![
        variable(
            "outlet",
            "Outlet",
            VariableKind::Choice {
                values: vec!["Le Monde".into(), "人民日报".into()],
            },
        ),
        variable("country", "Pays 🌍", VariableKind::Text),
        variable("words", "Words", VariableKind::Number),
        variable("day", "Day", VariableKind::Date),
    ];
    let vars = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).to_owned()))
            .collect()
    };
    p.documents[0].meta.variables = vars(&[
        ("outlet", "人民日报"),
        ("country", "France 🇫🇷, Zoe\u{301}"),
        ("words", "812"),
        ("day", "2023-04"),
    ]);
    p.documents[1].meta.variables = vars(&[("outlet", "Le Monde")]);
    p
}

/// Each annotation's values as the analyst reads them, by layer, tag and fragments (bytes):
/// `(attribute label, value text)`, sorted.
pub(in crate::formats) type ShownKey = (String, String, Vec<(usize, usize)>);

/// The values of every annotation of `p` as [`ShownKey`] → shown values.
pub(in crate::formats) fn shown(
    p: &Project,
) -> std::collections::BTreeMap<ShownKey, Vec<(String, String)>> {
    p.annotations
        .values()
        .map(|a| {
            let attributes = p
                .schema
                .tag(&a.tag)
                .map(|t| t.attributes.as_slice())
                .unwrap_or_default();
            let mut values: Vec<(String, String)> =
                crate::model::shown_values(attributes, &a.values, &p.codebooks)
                    .into_iter()
                    .map(|v| (v.attribute, v.text))
                    .collect();
            values.sort();
            (
                (
                    a.annotator.clone(),
                    a.tag.to_string(),
                    a.fragments.iter().map(|f| (f.start.0, f.end.0)).collect(),
                ),
                values,
            )
        })
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

/// `p`'s article variables by document title and variable label.
fn variables_of(p: &Project) -> std::collections::BTreeSet<(String, String, String)> {
    p.documents
        .iter()
        .flat_map(|d| {
            d.meta.variables.iter().map(|(id, v)| {
                let label = p
                    .schema
                    .variable(id)
                    .map_or(id.to_string(), |x| x.label.clone());
                (d.meta.title.clone(), label, v.clone())
            })
        })
        .collect()
}

/// [`coded`] as Label Studio carries it: `a-talks` as two spans, each with its values.
fn coded_as_carried() -> Project {
    let coded = coded();
    let mut p = as_carried_from(coded.clone());
    let values = coded.annotations[&AnnotationId("a-talks".into())]
        .values
        .clone();
    for k in 0..2 {
        p.annotations
            .get_mut(&AnnotationId(format!("a-talks-{k}")))
            .expect("part")
            .values = values.clone();
    }
    p
}

fn coded_export() -> crate::formats::Export {
    export(
        &coded(),
        Format::Labelstudio,
        &ExportOptions::default(),
        &mut |_, _| {},
    )
    .expect("exports")
}

#[test]
fn codes_of_every_kind_are_per_region_results_and_task_choices() {
    let out = coded_export();
    fixture::golden("labelstudio/coded.json", &out.files[0].text);
    fixture::golden("labelstudio/coded.config.xml", &out.files[1].text);
    let tasks: Value = serde_json::from_str(&out.files[0].text).expect("json");
    let ana = &tasks[0]["annotations"][0];
    assert_eq!(ana["completed_by"]["email"], "ana");
    let results = ana["result"].as_array().expect("results");
    let of =
        |from: &str| -> Vec<&Value> { results.iter().filter(|r| r["from_name"] == from).collect() };
    // Every per-region result shares its region's id and offsets.
    for r in results.iter().filter(|r| r["value"]["start"].is_u64()) {
        let region = results
            .iter()
            .find(|x| x["type"] == "labels" && x["id"] == r["id"])
            .unwrap_or_else(|| panic!("no region for {r}"));
        assert_eq!(r["value"]["start"], region["value"]["start"], "{r}");
        assert_eq!(r["value"]["end"], region["value"]["end"], "{r}");
    }
    let stance: Vec<&Value> = of("Stance")
        .iter()
        .map(|r| &r["value"]["choices"])
        .collect();
    assert_eq!(
        stance,
        [
            &serde_json::json!(["supports"]),
            &serde_json::json!(["opposes"]),
            &serde_json::json!(["opposes"])
        ],
        "a-talks has its stance on both fragments"
    );
    let claim = |from: &str| {
        of(from)
            .into_iter()
            .find(|r| r["id"] == "a-claim")
            .unwrap_or_else(|| panic!("{from}"))
            .clone()
    };
    assert_eq!(
        claim("Concept")["value"]["choices"],
        serde_json::json!(["Cessez-le-feu 🕊️"])
    );
    assert_eq!(claim("Negated")["type"], "choices");
    assert_eq!(
        claim("Negated")["value"]["choices"],
        serde_json::json!(["Negated"])
    );
    assert_eq!(claim("Intensité")["type"], "number");
    assert_eq!(claim("Intensité")["value"]["number"], -2);
    assert_eq!(claim("Comment 💬")["type"], "textarea");
    assert_eq!(
        claim("Comment 💬")["value"]["text"],
        serde_json::json!(["hedged — 慎重,\nZoe\u{301} 🤷🏽‍♀️"])
    );
    assert_eq!(
        claim("Frames")["value"]["choices"],
        serde_json::json!(["économie 💶", "Zoe\u{301}"])
    );
    assert_eq!(
        claim("Frames")["value"]["text"],
        "les pourparlers pourraient commencer"
    );
    // The choice variable is a task-level result of each annotation; all are in meta.
    let outlet = of("Outlet");
    assert_eq!(outlet.len(), 1);
    assert_eq!(
        outlet[0]["value"],
        serde_json::json!({"choices": ["人民日报"]})
    );
    assert_eq!(
        tasks[0]["annotations"][1]["result"]
            .as_array()
            .map(|r| r.iter().filter(|x| x["from_name"] == "Outlet").count()),
        Some(1)
    );
    assert_eq!(
        tasks[0]["meta"]["variables"],
        serde_json::json!({"Outlet": "人民日报", "Pays 🌍": "France 🇫🇷, Zoe\u{301}", "Words": "812", "Day": "2023-04"})
    );
    let config = &out.files[1].text;
    for want in [
        "<Choices name=\"Stance\" toName=\"text\" perRegion=\"true\" whenLabelValue=\"claim\" choice=\"single\"",
        "<Choices name=\"Concept\" toName=\"text\" perRegion=\"true\" whenLabelValue=\"claim,condition\" choice=\"single\"",
        "<Choice value=\"Cessez-le-feu 🕊️\"/>",
        "<Choices name=\"Negated\" toName=\"text\" perRegion=\"true\" whenLabelValue=\"claim\" choice=\"multiple\"",
        "<Number name=\"Intensité\" toName=\"text\" perRegion=\"true\" whenLabelValue=\"claim\" min=\"-2\" max=\"2\"/>",
        "<TextArea name=\"Comment 💬\" toName=\"text\" perRegion=\"true\" whenLabelValue=\"claim\"",
        "<Choices name=\"Outlet\" toName=\"text\" choice=\"single\"",
    ] {
        assert!(config.contains(want), "{want} not in\n{config}");
    }
    // Links have labels only; entities no references.
    let r = &out.report;
    assert_eq!(r.fields_not_carried.get("link attribute value"), Some(&1));
    assert_eq!(r.fields_not_carried.get("link note"), Some(&1));
    assert_eq!(r.fields_not_carried.get("entity reference"), Some(&1));
    assert_eq!(r.fields_not_carried.get("attribute value"), None);
    assert_eq!(r.fields_not_carried.get("article variable"), None);
}

#[test]
fn codes_of_every_kind_round_trip_through_our_reader() {
    let mut out = coded_export();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("coded.json");
    write(&file, &mut out, &crate::formats::Protected::default()).expect("written");
    let incoming = read(Format::Labelstudio, &[file]).expect("reads");
    assert!(incoming.problems.is_empty(), "{:?}", incoming.problems);
    let mut p = Project::new("x");
    let plan = plan_import(&p, incoming, &options()).expect("plans");
    plan.edit.apply(&mut p).expect("applies");
    let want = coded_as_carried();
    assert_eq!(
        shown(&want).len(),
        5,
        "a-claim, both parts of a-talks, a-cond, b-talks"
    );
    assert_eq!(shown(&p), shown(&want));
    assert_eq!(variables_of(&p), variables_of(&want));
    // The config declared what the values alone could not say.
    let claim = p.schema.tag(&"claim".into()).expect("claim");
    let kinds: Vec<(&str, &str)> = claim
        .attributes
        .iter()
        .map(|a| (a.label.as_str(), a.kind.name()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("Stance", "choice"),
            ("Concept", "code"),
            ("Negated", "flag"),
            ("Intensité", "scale"),
            ("Comment 💬", "text"),
            ("Frames", "choice")
        ]
    );
    assert_eq!(
        claim.attributes[3].kind,
        crate::model::AttributeKind::Scale { min: -2, max: 2 }
    );
    let outlet = p
        .schema
        .variables
        .iter()
        .find(|v| v.label == "Outlet")
        .expect("outlet");
    assert_eq!(
        outlet.kind,
        crate::model::VariableKind::Choice {
            values: vec!["Le Monde".into(), "人民日报".into()]
        }
    );
    let saved = crate::store::to_string(&p).expect("saves");
    crate::store::from_str(std::path::Path::new("p.ron"), &saved).expect("loads");
}

/// Label Studio's own example of global and per-region classifications on a text
/// (label-studio-frontend `e2e/examples/nested.js`), wrapped as a task with its config.
#[test]
fn label_studios_per_region_choices_and_text_areas_come_in_as_values() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/labelstudio-nested");
    let incoming = read(Format::Labelstudio, &[dir.join("tasks.json")]).expect("reads");
    assert!(incoming.problems.is_empty(), "{:?}", incoming.problems);
    let mut p = Project::new("x");
    let plan = plan_import(&p, incoming, &options()).expect("plans");
    plan.edit.apply(&mut p).expect("applies");
    let values = shown(&p);
    let by_quote = |quote: &str| -> Vec<(String, String)> {
        let a = p
            .annotations
            .values()
            .find(|a| a.quote == quote)
            .unwrap_or_else(|| panic!("{quote}"));
        values
            .get(&(
                a.annotator.clone(),
                a.tag.to_string(),
                a.fragments.iter().map(|f| (f.start.0, f.end.0)).collect(),
            ))
            .cloned()
            .unwrap_or_default()
    };
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    };
    assert_eq!(
        by_quote("amazon"),
        pairs(&[
            ("description", "huge corp"),
            ("gender", "Male"),
            ("sentiment2", "Negative")
        ])
    );
    assert_eq!(by_quote("Not"), pairs(&[("sentiment2", "Positive")]));
    assert!(p.annotations.values().all(|a| a.note.is_empty()));
    // The config's choices are declared, the ones not chosen too.
    let person = p.schema.tag(&"Person".into()).expect("Person");
    let gender = person
        .attributes
        .iter()
        .find(|a| a.label == "gender")
        .expect("gender");
    match &gender.kind {
        crate::model::AttributeKind::Choice {
            values, multiple, ..
        } => {
            let labels: Vec<&str> = values.iter().map(|v| v.label.as_str()).collect();
            assert_eq!((labels, *multiple), (vec!["Female", "Male"], false));
        }
        k => panic!("{k:?}"),
    }
    // `gender` is for Person regions only (whenLabelValue); `sentiment2` for every label.
    let time = p.schema.tag(&"Time".into()).expect("Time");
    let labels: Vec<&str> = time.attributes.iter().map(|a| a.label.as_str()).collect();
    assert_eq!(labels, ["sentiment2"]);
    // The task-level choice is the article's variable, with the config's values.
    assert_eq!(
        variables_of(&p),
        [(
            "tasks".to_owned(),
            "sentiment".to_owned(),
            "Neutral".to_owned()
        )]
        .into()
    );
    let sentiment = &p.schema.variables[0];
    assert_eq!(
        sentiment.kind,
        crate::model::VariableKind::Choice {
            values: vec!["Positive".into(), "Negative".into(), "Neutral".into()]
        }
    );
}
