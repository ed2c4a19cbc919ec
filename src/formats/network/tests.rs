//! Tests of the discourse network exports.

use std::collections::{BTreeMap, BTreeSet};

use quick_xml::events::Event;

use super::*;
use crate::formats::{ExportOptions, Format, LayerChoice, export, fixture};
use crate::model::{AnnotationId, Project, Relation, RelationId, project_from_marked};

fn ana() -> ExportOptions {
    ExportOptions {
        layer: LayerChoice::One("ana".into()),
        documents: None,
    }
}

fn files(p: &Project, format: Format) -> (Vec<OutFile>, Report) {
    let e = export(p, format, &ana(), &mut |_, _| {}).expect("export");
    (e.files, e.report)
}

/// What a parse of GraphML finds: keys (id → (for, attr.name)), node ids with their data by
/// key id, edges as (source, target, data).
#[derive(Default)]
struct Parsed {
    keys: BTreeMap<String, (String, String)>,
    nodes: BTreeMap<String, BTreeMap<String, String>>,
    edges: Vec<(String, String, BTreeMap<String, String>)>,
}

fn parse_graphml(xml: &str) -> Parsed {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut parsed = Parsed::default();
    let mut element: Option<(bool, String)> = None; // (is node, id)
    let mut data_key: Option<String> = None;
    let mut data: BTreeMap<String, String> = BTreeMap::new();
    let mut edge_ends = (String::new(), String::new());
    loop {
        let event = reader.read_event().expect("well-formed XML");
        let attr = |e: &quick_xml::events::BytesStart, name: &str| {
            e.try_get_attribute(name).expect("attribute").map(|a| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .expect("escaped")
                    .into_owned()
            })
        };
        match event {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"key" => {
                    let id = attr(&e, "id").expect("key id");
                    let name = attr(&e, "attr.name").expect("attr.name");
                    parsed
                        .keys
                        .insert(id, (attr(&e, "for").expect("for"), name));
                }
                b"node" => {
                    element = Some((true, attr(&e, "id").expect("node id")));
                    data.clear();
                }
                b"edge" => {
                    element = Some((false, attr(&e, "id").expect("edge id")));
                    edge_ends = (
                        attr(&e, "source").expect("source"),
                        attr(&e, "target").expect("target"),
                    );
                    data.clear();
                }
                b"data" => data_key = Some(attr(&e, "key").expect("data key")),
                _ => {}
            },
            Event::Text(t) => {
                if let Some(key) = &data_key {
                    let text = t.decode().expect("utf-8");
                    let text = quick_xml::escape::unescape(&text).expect("escaped");
                    data.entry(key.clone()).or_default().push_str(&text);
                }
            }
            Event::GeneralRef(r) => {
                if let Some(key) = &data_key {
                    let c = r
                        .resolve_char_ref()
                        .expect("char ref")
                        .map(String::from)
                        .unwrap_or_else(|| {
                            let name = r.decode().expect("utf-8");
                            quick_xml::escape::unescape(&format!("&{name};"))
                                .expect("entity")
                                .into_owned()
                        });
                    data.entry(key.clone()).or_default().push_str(&c);
                }
            }
            Event::End(e) => match e.name().as_ref() {
                b"data" => {
                    if let Some(key) = data_key.take() {
                        data.entry(key).or_default();
                    }
                }
                b"node" | b"edge" => {
                    let (is_node, id) = element.take().expect("open element");
                    let owner = if is_node { "node" } else { "edge" };
                    for key in data.keys() {
                        assert_eq!(
                            parsed.keys.get(key).map(|k| k.0.as_str()),
                            Some(owner),
                            "{id}: data key {key} is not declared for {owner}s"
                        );
                    }
                    if is_node {
                        assert!(parsed.nodes.insert(id, data.clone()).is_none());
                    } else {
                        parsed
                            .edges
                            .push((edge_ends.0.clone(), edge_ends.1.clone(), data.clone()));
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    parsed
}

#[test]
fn graphml_matches_the_golden_file_and_reports_what_entered_the_network() {
    let (files, report) = files(&fixture::project(), Format::Graphml);
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].place, OutPlace::Main);
    fixture::golden("graphml/fixture-ana.graphml", &files[0].text);
    assert_eq!((report.format, report.unit), ("graphml", None));
    assert_eq!(report.layers, ["ana"]);
    // 6 actor mentions + 3 claims + 1 condition; r-said, r-xi and r-cond.
    assert_eq!(
        (report.documents, report.annotations, report.relations),
        (2, 10, 3)
    );
    assert!(report.not_carried.is_empty());
    // Macron's note, Zoé's review status, the two titles and the entities' kinds.
    assert_eq!(
        report.fields_not_carried,
        [
            ("document title", 2),
            (field::ENTITY_KIND, 2),
            ("note", 1),
            ("status", 1)
        ]
        .into()
    );
    assert!(!report.to_text().contains("everything was carried"));
}

#[test]
fn graphml_parses_with_declared_keys_and_the_expected_nodes_and_edges() {
    let (files, _) = files(&fixture::project(), Format::Graphml);
    let g = parse_graphml(&files[0].text);
    let declared: BTreeSet<&str> = g.keys.keys().map(String::as_str).collect();
    assert_eq!(
        declared,
        BTreeSet::from([
            "concept",
            "document",
            "edge_stance",
            "kind",
            "label",
            "mentions",
            "stance",
            "type",
            "weight"
        ])
    );
    assert_eq!(
        g.keys["edge_stance"],
        ("edge".to_owned(), "stance".to_owned())
    );
    let of_type = |t: &str| g.nodes.values().filter(|d| d["type"] == t).count();
    assert_eq!(
        (of_type("actor"), of_type("claim"), of_type("condition")),
        (6, 3, 1)
    );
    assert_eq!(g.edges.len(), 3);
    for (source, target, data) in &g.edges {
        assert!(g.nodes.contains_key(source) && g.nodes.contains_key(target));
        assert_eq!(data["weight"], "1");
    }
    let kinds: Vec<&str> = g.edges.iter().map(|e| e.2["kind"].as_str()).collect();
    assert_eq!(kinds, ["says", "says", "conditional_on"]);
    assert!(g.edges.iter().any(|(s, t, d)| s == "claim:a-claim"
        && t == "condition:a-cond"
        && d["kind"] == "conditional_on"));
    assert_eq!(g.nodes["condition:a-cond"]["label"], "si la Chine aide");
    let macron = &g.nodes["entity:e-macron"];
    assert_eq!(macron["label"], "Emmanuel Macron");
    assert_eq!(
        (macron["mentions"].as_str(), macron["document"].as_str()),
        ("1", "d1")
    );
    assert_eq!(g.nodes["claim:a-talks"]["label"], "talks resume");
    assert_eq!(g.nodes["name:zoe\u{301} ba\u{301}nh"]["type"], "actor");
    assert!(
        g.edges
            .iter()
            .any(|(s, t, _)| s == "entity:e-xi" && t == "claim:a-talks")
    );
}

/// Two actors who both say two claims, one of them twice over.
fn shared() -> Project {
    let (mut p, ids) = project_from_marked(
        "[actor|Anna] and [actor|BEN] say [claim|yes]; [actor|anna]  and [actor|Ben] \
         say [claim|no] & [condition|if \"x\" < y].",
        "ana",
        jiff::Timestamp::UNIX_EPOCH,
    )
    .expect("marked");
    let rel = |p: &mut Project, n: usize, from: usize, to: usize| {
        let id = RelationId(format!("r{n}"));
        p.relations.insert(
            id.clone(),
            Relation {
                note: Default::default(),
                values: Default::default(),
                id,
                kind: "said_by".into(),
                from: ids[from].clone(),
                to: ids[to].clone(),
                annotator: "ana".into(),
                changed_by: None,
            },
        );
    };
    rel(&mut p, 1, 2, 0);
    rel(&mut p, 2, 2, 1);
    rel(&mut p, 3, 5, 3);
    rel(&mut p, 4, 5, 4);
    rel(&mut p, 5, 5, 1);
    p.annotators.insert("ana".into());
    p
}

#[test]
fn actors_who_say_the_same_claims_share_one_weighted_tie() {
    let p = shared();
    let (files, report) = files(&p, Format::Graphml);
    let g = parse_graphml(&files[0].text);
    assert_eq!(g.nodes.len(), 5, "anna, ben, two claims and the condition");
    let ties: Vec<_> = g
        .edges
        .iter()
        .filter(|(_, _, d)| d["kind"] == "shares_claim")
        .collect();
    assert_eq!(ties.len(), 1, "one edge per pair of actors");
    assert_eq!(
        (ties[0].0.as_str(), ties[0].1.as_str()),
        ("name:anna", "name:ben"),
        "as many claims and mentions each, so by name"
    );
    assert_eq!(
        g.nodes["name:ben"]["label"], "BEN",
        "spellings tie: the first in order"
    );
    assert_eq!(ties[0].2["weight"], "2");
    let says: BTreeMap<(String, String), String> = g
        .edges
        .iter()
        .filter(|(_, _, d)| d["kind"] == "says")
        .map(|(s, t, d)| ((s.clone(), t.clone()), d["weight"].clone()))
        .collect();
    assert_eq!(says.len(), 4);
    let no = format!(
        "claim:{}",
        p.annotations
            .values()
            .find(|a| a.quote == "no")
            .expect("no")
            .id
    );
    assert_eq!(
        says[&("name:ben".to_owned(), no)],
        "2",
        "two mentions of Ben say no"
    );
    assert_eq!((report.annotations, report.relations), (7, 5));
}

#[test]
fn network_csv_writes_nodes_and_edges_that_refer_to_each_other() {
    let (files, report) = files(&fixture::project(), Format::NetworkCsv);
    assert_eq!(Format::NetworkCsv.output(), crate::formats::Output::Folder);
    let places: Vec<&OutPlace> = files.iter().map(|f| &f.place).collect();
    assert_eq!(
        places,
        [
            &OutPlace::Inside("nodes.csv".into()),
            &OutPlace::Inside("edges.csv".into())
        ]
    );
    fixture::golden("network-csv/fixture-ana/nodes.csv", &files[0].text);
    fixture::golden("network-csv/fixture-ana/edges.csv", &files[1].text);
    assert_eq!(
        (report.format, report.annotations, report.relations),
        ("network-csv", 10, 3)
    );
    let read = |text: &str| {
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = r
            .headers()
            .expect("header")
            .iter()
            .map(str::to_owned)
            .collect();
        let rows: Vec<Vec<String>> = r
            .records()
            .map(|row| row.expect("row").iter().map(str::to_owned).collect())
            .collect();
        (header, rows)
    };
    let (nh, nodes) = read(&files[0].text);
    let (eh, edges) = read(&files[1].text);
    assert_eq!(
        nh,
        [
            "id",
            "label",
            "type",
            "mentions",
            "documents",
            "stance",
            "concept"
        ]
    );
    assert_eq!(eh, ["source", "target", "kind", "weight", "stance"]);
    assert_eq!(nodes.len(), 10);
    assert_eq!(edges.len(), 3);
    let ids: BTreeSet<&str> = nodes.iter().map(|n| n[0].as_str()).collect();
    assert_eq!(ids.len(), nodes.len(), "node ids are unique");
    assert!(
        edges
            .iter()
            .all(|e| ids.contains(e[0].as_str()) && ids.contains(e[1].as_str()))
    );
}

#[test]
fn the_csv_quotes_what_needs_it_and_the_graph_escapes_markup() {
    let p = shared();
    let (files, _) = files(&p, Format::NetworkCsv);
    assert!(
        files[0]
            .text
            .starts_with("id,label,type,mentions,documents,stance,concept\n")
    );
    let (graph, _) = super::tests::files(&p, Format::Graphml);
    assert!(!graph[0].text.contains("\"x\" <"));
    let mut p = shared();
    let yes = p
        .annotations
        .values()
        .find(|a| a.quote == "yes")
        .map(|a| a.id.clone())
        .expect("yes");
    let claim = p.annotations.get_mut(&yes).expect("yes");
    claim.quote = "a, \"b\"\r\nc <&> \u{1}".into();
    let id: AnnotationId = claim.id.clone();
    let (files, _) = super::tests::files(&p, Format::NetworkCsv);
    assert!(files[0].text.contains(&format!(
        "claim:{id},\"a, \"\"b\"\"\r\nc <&> \u{1}\",claim,1,d,,\n"
    )));
    let (graph, _) = super::tests::files(&p, Format::Graphml);
    assert!(
        graph[0]
            .text
            .contains("a, &quot;b&quot;&#13;&#10;c &lt;&amp;&gt; \u{FFFD}")
    );
    let g = parse_graphml(&graph[0].text);
    assert_eq!(
        g.nodes[&format!("claim:{id}")]["label"],
        "a, \"b\"\r\nc <&> \u{FFFD}"
    );
}

#[test]
fn network_csv_is_written_as_a_folder_of_two_files() {
    let mut e = export(
        &fixture::project(),
        Format::NetworkCsv,
        &ana(),
        &mut |_, _| {},
    )
    .expect("export");
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("network");
    crate::formats::write(&out, &mut e, &crate::formats::Protected::default()).expect("written");
    assert_eq!(
        e.report.files,
        [out.join("nodes.csv"), out.join("edges.csv")]
    );
    let nodes = std::fs::read_to_string(out.join("nodes.csv")).expect("nodes");
    assert_eq!(nodes.lines().count(), 11, "a header and 10 nodes");
}

#[test]
fn every_condition_is_a_node_and_the_claims_that_depend_on_it_point_to_it() {
    let (mut p, ids) = project_from_marked(
        "[actor|Macron] says [claim|talks can start] if [condition|Kyiv agrees] and \
         [condition|Moscow withdraws]; [condition|nobody asked].",
        "ana",
        jiff::Timestamp::UNIX_EPOCH,
    )
    .expect("marked");
    for (n, kind, from, to) in [
        (1, "said_by", 1, 0),
        (2, "conditional_on", 1, 2),
        (3, "conditional_on", 1, 3),
    ] {
        let id = RelationId(format!("r{n}"));
        p.relations.insert(
            id.clone(),
            Relation {
                note: Default::default(),
                values: Default::default(),
                id,
                kind: kind.into(),
                from: ids[from].clone(),
                to: ids[to].clone(),
                annotator: "ana".into(),
                changed_by: None,
            },
        );
    }
    p.annotators.insert("ana".into());
    let (files, report) = files(&p, Format::Graphml);
    let g = parse_graphml(&files[0].text);
    let conditions: Vec<&str> = g
        .nodes
        .values()
        .filter(|d| d["type"] == "condition")
        .map(|d| d["label"].as_str())
        .collect();
    assert_eq!(
        conditions.len(),
        3,
        "the unattached one too: {conditions:?}"
    );
    let claim = format!("claim:{}", ids[1]);
    let depends: BTreeSet<&str> = g
        .edges
        .iter()
        .filter(|(s, _, d)| *s == claim && d["kind"] == "conditional_on")
        .map(|(_, t, _)| t.as_str())
        .collect();
    assert_eq!(
        depends,
        BTreeSet::from([
            format!("condition:{}", ids[2]).as_str(),
            format!("condition:{}", ids[3]).as_str()
        ])
    );
    assert_eq!((report.annotations, report.relations), (5, 3));
}

#[test]
fn stances_and_concepts_are_written_and_the_other_values_counted() {
    let p = crate::formats::coded_fixture::project();
    let (files, report) = files(&p, Format::Graphml);
    let g = parse_graphml(&files[0].text);
    let claim = &g.nodes["claim:a-talks"];
    assert_eq!(
        (claim["stance"].as_str(), claim["concept"].as_str()),
        ("opposes", "Sécurité › Waffenstillstand 停火")
    );
    assert_eq!(g.nodes["condition:a-cond"]["concept"], "Trade");
    assert!(!g.nodes["entity:e-xi"].contains_key("stance"));
    let says = g
        .edges
        .iter()
        .find(|(s, t, _)| s == "entity:e-xi" && t == "claim:a-talks")
        .expect("Xi says the talks claim");
    assert_eq!(says.2["edge_stance"], "opposes");
    let cond = g
        .edges
        .iter()
        .find(|(_, _, d)| d["kind"] == "conditional_on")
        .expect("the condition");
    assert!(!cond.2.contains_key("edge_stance"), "a stance is a claim's");
    // ana's layer holds 13 values; 3 stances and 4 concepts are written. The link's value
    // and note, the articles' variables and the entity's reference have no place.
    assert_eq!(report.fields_not_carried[field::ATTRIBUTE_VALUE], 6);
    assert_eq!(report.fields_not_carried[field::LINK_VALUE], 1);
    assert_eq!(report.fields_not_carried[field::LINK_NOTE], 1);
    assert_eq!(report.fields_not_carried[field::ENTITY_REFERENCE], 1);
    let (csv, _) = super::tests::files(&p, Format::NetworkCsv);
    assert!(
        csv[0].text.lines().any(|l| l
            == "claim:a-talks,talks resume,claim,1,d1,opposes,Sécurité › Waffenstillstand 停火"),
        "{}",
        csv[0].text
    );
    assert!(
        csv[1]
            .text
            .lines()
            .any(|l| l == "entity:e-xi,claim:a-talks,says,1,opposes"),
        "{}",
        csv[1].text
    );
}

#[test]
fn spans_of_other_tags_and_links_the_network_has_no_place_for_are_listed() {
    let (mut p, ids) = project_from_marked(
        "[actor|Anna] told [actor|Ben] that [claim|prices rise] on [condition|Monday].",
        "ana",
        jiff::Timestamp::UNIX_EPOCH,
    )
    .expect("marked");
    // A tag the project's analysts added.
    p.annotations.get_mut(&ids[3]).expect("Monday").tag = "date".into();
    for (n, kind, from, to) in [(1, "said_by", 2, 0), (2, "knows", 0, 1)] {
        let id = RelationId(format!("r{n}"));
        p.relations.insert(
            id.clone(),
            Relation {
                note: Default::default(),
                values: Default::default(),
                id,
                kind: kind.into(),
                from: ids[from].clone(),
                to: ids[to].clone(),
                annotator: "ana".into(),
                changed_by: None,
            },
        );
    }
    p.annotators.insert("ana".into());
    let (_, report) = files(&p, Format::Graphml);
    assert_eq!((report.annotations, report.relations), (3, 1));
    let lost: Vec<(&str, &str)> = report
        .not_carried
        .iter()
        .map(|l| (l.label.as_str(), l.kind.name()))
        .collect();
    assert_eq!(lost, [("date", "left out"), ("knows", "relations")]);
    let text = report.to_text();
    assert!(!text.contains("everything was carried"), "{text}");
    assert!(text.contains("not carried by graphml: 2 (1 left out, 1 relations)"));
}

#[test]
fn everything_was_carried_only_when_it_was() {
    let (mut p, ids) = project_from_marked(
        "[actor|Anna] says [claim|prices rise] if [condition|oil is dear].",
        "ana",
        jiff::Timestamp::UNIX_EPOCH,
    )
    .expect("marked");
    p.documents[0].meta.title = String::new();
    for (n, kind, from, to) in [(1, "said_by", 1, 0), (2, "conditional_on", 1, 2)] {
        let id = RelationId(format!("r{n}"));
        p.relations.insert(
            id.clone(),
            Relation {
                note: Default::default(),
                values: Default::default(),
                id,
                kind: kind.into(),
                from: ids[from].clone(),
                to: ids[to].clone(),
                annotator: "ana".into(),
                changed_by: None,
            },
        );
    }
    p.annotators.insert("ana".into());
    let (_, report) = files(&p, Format::NetworkCsv);
    assert!(
        report.to_text().contains("everything was carried"),
        "{report:?}"
    );
    p.annotations
        .get_mut(&ids[1])
        .expect("claim")
        .note
        .push_str("check the source");
    let (_, report) = files(&p, Format::NetworkCsv);
    assert_eq!(report.fields_not_carried, [("note", 1)].into());
    assert!(!report.to_text().contains("everything was carried"));
}
