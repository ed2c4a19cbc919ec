//! Networks and statements as files: GraphML (Gephi, networkx, igraph), GEXF with time
//! windows (Gephi's timeline), UCINET DL, a matrix CSV, the flat statement list, and JSON.
//!
//! Every writer returns the text; the command line puts it in place (atomically, never over
//! the project). XML is escaped with the discourse network export's own [`xml_escape`];
//! weights are written in Rust's shortest form that reads back to the same `f64` (`3`,
//! `0.5`, `0.3333333333333333`), so a reader gets the number computed, to the last bit.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde_json::{Value as Json, json};

use super::network::{Network, Node, NodeKind, agg_name, combination, norm_name};
use super::statements::Statements;
use super::window::{WindowUnit, Windows};
use super::{Duplicates, NetworkOptions};
use crate::formats::xml_escape;
use crate::model::{AttributeKind, DocId, Project, TextIndex, Value};

/// A node's id: `entity:ID` or `name:KEY` for an actor, `concept:ID` for a concept.
pub fn node_id(st: &Statements, node: &Node) -> String {
    match node.kind {
        NodeKind::Actor => st
            .actors
            .get(node.index as usize)
            .map(|a| a.id.clone())
            .unwrap_or_default(),
        NodeKind::Concept => st
            .concepts
            .get(node.index as usize)
            .map(|c| format!("concept:{}", c.id))
            .unwrap_or_default(),
    }
}

/// A node's label: the actor's name, the concept's label.
pub fn node_label<'s>(st: &'s Statements, node: &Node) -> &'s str {
    match node.kind {
        NodeKind::Actor => st
            .actors
            .get(node.index as usize)
            .map_or("", |a| a.name.as_str()),
        NodeKind::Concept => st
            .concepts
            .get(node.index as usize)
            .map_or("", |c| c.label.as_str()),
    }
}

fn kind_name(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Actor => "actor",
        NodeKind::Concept => "concept",
    }
}

/// The nodes of a network once each: the rows, then (two-mode) the columns.
fn all_nodes<'n>(mode_one: bool, rows: &'n [Node], cols: &'n [Node]) -> Vec<&'n Node> {
    let mut out: Vec<&Node> = rows.iter().collect();
    if !mode_one {
        out.extend(cols);
    }
    out
}

/// The GraphML of one network: undirected (a two-mode network as a bipartite graph, the
/// node attribute `type` telling actors from concepts), nodes with `label`, `type` and
/// `statements`, edges with `weight` and `statements` (how many are behind the edge).
pub fn graphml(st: &Statements, net: &Network) -> String {
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n\
         \x20 <key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n\
         \x20 <key id=\"type\" for=\"node\" attr.name=\"type\" attr.type=\"string\"/>\n\
         \x20 <key id=\"nstatements\" for=\"node\" attr.name=\"statements\" attr.type=\"int\"/>\n\
         \x20 <key id=\"weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>\n\
         \x20 <key id=\"estatements\" for=\"edge\" attr.name=\"statements\" attr.type=\"int\"/>\n\
         \x20 <graph id=\"G\" edgedefault=\"undirected\">\n",
    );
    let one = net.mode.one_mode();
    for n in all_nodes(one, &net.rows, &net.cols) {
        let _ = writeln!(
            x,
            "    <node id=\"{}\">\n      <data key=\"label\">{}</data>\n      <data key=\"type\">{}</data>\n      <data key=\"nstatements\">{}</data>\n    </node>",
            xml_escape(&node_id(st, n)),
            xml_escape(node_label(st, n)),
            kind_name(n.kind),
            n.statements
        );
    }
    let behind = net.behind_edges(st);
    for (i, (e, b)) in net.edges.iter().zip(&behind).enumerate() {
        let (Some(r), Some(c)) = (net.rows.get(e.row), net.cols.get(e.col)) else {
            continue;
        };
        let _ = writeln!(
            x,
            "    <edge id=\"e{i}\" source=\"{}\" target=\"{}\">\n      <data key=\"weight\">{}</data>\n      <data key=\"estatements\">{}</data>\n    </edge>",
            xml_escape(&node_id(st, r)),
            xml_escape(&node_id(st, c)),
            e.weight,
            b.len()
        );
    }
    x.push_str("  </graph>\n</graphml>\n");
    x
}

/// GEXF 1.3 of a network, static.
pub fn gexf(st: &Statements, net: &Network) -> String {
    gexf_of(
        st,
        net.mode.one_mode(),
        &net.rows,
        &net.cols,
        &[(None, net)],
        None,
    )
}

/// GEXF 1.3 of a series of windows: `mode="dynamic"`, `timeformat="date"` (or `integer`,
/// the step's number, for statement windows), each edge with one spell per window in
/// which it has a weight and its weight per spell as a dynamic attribute. Windows overlap
/// while Gephi wants the intervals of one attribute apart, so a window's spell is its step,
/// from its first day to the day before the next window's first day (the last: its own
/// last day); each window's own first and last day are in the JSON (`--json`).
pub fn gexf_windows(st: &Statements, w: &Windows, unit: WindowUnit) -> String {
    let one = w.windows.first().is_none_or(|x| x.network.mode.one_mode());
    let mut spells = Vec::new();
    for (i, win) in w.windows.iter().enumerate() {
        let (start, end) = if unit == WindowUnit::Statements {
            (i.to_string(), i.to_string())
        } else {
            let end = w
                .windows
                .get(i + 1)
                .and_then(|n| n.start.yesterday().ok())
                .filter(|d| *d >= win.start)
                .unwrap_or(win.end);
            (win.start.to_string(), end.to_string())
        };
        spells.push((Some((start, end)), &win.network));
    }
    let format = if unit == WindowUnit::Statements {
        "integer"
    } else {
        "date"
    };
    gexf_of(st, one, &w.rows, &w.cols, &spells, Some(format))
}

type Spell = Option<(String, String)>;

/// A cell, and its weight in each network (window) where it has one.
type CellWeights = ((usize, usize), Vec<(usize, f64)>);

fn gexf_of(
    st: &Statements,
    one: bool,
    rows: &[Node],
    cols: &[Node],
    networks: &[(Spell, &Network)],
    timeformat: Option<&str>,
) -> String {
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <gexf xmlns=\"http://gexf.net/1.3\" version=\"1.3\">\n  <meta>\n    <creator>Marginalia</creator>\n  </meta>\n",
    );
    match timeformat {
        Some(f) => {
            let _ = writeln!(
                x,
                "  <graph defaultedgetype=\"undirected\" mode=\"dynamic\" timeformat=\"{f}\">"
            );
            x.push_str(
                "    <attributes class=\"edge\" mode=\"dynamic\">\n      <attribute id=\"weight\" title=\"weight\" type=\"double\"/>\n    </attributes>\n",
            );
        }
        None => x.push_str("  <graph defaultedgetype=\"undirected\" mode=\"static\">\n"),
    }
    x.push_str(
        "    <attributes class=\"node\" mode=\"static\">\n      <attribute id=\"type\" title=\"type\" type=\"string\"/>\n      <attribute id=\"statements\" title=\"statements\" type=\"integer\"/>\n    </attributes>\n    <nodes>\n",
    );
    for n in all_nodes(one, rows, cols) {
        let _ = writeln!(
            x,
            "      <node id=\"{}\" label=\"{}\">\n        <attvalues>\n          <attvalue for=\"type\" value=\"{}\"/>\n          <attvalue for=\"statements\" value=\"{}\"/>\n        </attvalues>\n      </node>",
            xml_escape(&node_id(st, n)),
            xml_escape(node_label(st, n)),
            kind_name(n.kind),
            n.statements
        );
    }
    x.push_str("    </nodes>\n    <edges>\n");
    // Each cell once, with its weight in every network (window) where it has one.
    let mut cells: Vec<CellWeights> = Vec::new();
    let mut at: HashMap<(usize, usize), usize> = HashMap::new();
    for (w, (_, net)) in networks.iter().enumerate() {
        for e in &net.edges {
            let slot = *at.entry((e.row, e.col)).or_insert_with(|| {
                cells.push(((e.row, e.col), Vec::new()));
                cells.len() - 1
            });
            if let Some(c) = cells.get_mut(slot) {
                c.1.push((w, e.weight));
            }
        }
    }
    cells.sort_by_key(|c| c.0);
    for (i, ((r, c), weights)) in cells.iter().enumerate() {
        let (Some(r), Some(c)) = (rows.get(*r), cols.get(*c)) else {
            continue;
        };
        let (source, target) = (xml_escape(&node_id(st, r)), xml_escape(&node_id(st, c)));
        if timeformat.is_none() {
            let weight = weights.first().map_or(0.0, |w| w.1);
            let _ = writeln!(
                x,
                "      <edge id=\"e{i}\" source=\"{source}\" target=\"{target}\" weight=\"{weight}\"/>"
            );
            continue;
        }
        let _ = writeln!(
            x,
            "      <edge id=\"e{i}\" source=\"{source}\" target=\"{target}\">\n        <attvalues>"
        );
        for (w, weight) in weights {
            if let Some((Some((s, e)), _)) = networks.get(*w) {
                let _ = writeln!(
                    x,
                    "          <attvalue for=\"weight\" value=\"{weight}\" start=\"{s}\" end=\"{e}\"/>"
                );
            }
        }
        x.push_str("        </attvalues>\n        <spells>\n");
        for (w, _) in weights {
            if let Some((Some((s, e)), _)) = networks.get(*w) {
                let _ = writeln!(x, "          <spell start=\"{s}\" end=\"{e}\"/>");
            }
        }
        x.push_str("        </spells>\n      </edge>\n");
    }
    x.push_str("    </edges>\n  </graph>\n</gexf>\n");
    x
}

/// A label as DNA writes it into DL: in double quotes, with no quote inside.
fn dl_label(s: &str) -> String {
    let clean: String = s
        .chars()
        .map(|c| match c {
            '"' | '\'' => ' ',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    format!("\"{clean}\"")
}

/// UCINET DL, full matrix, labels embedded, as DNA's `exportDL` writes it: `dl n = N` for a
/// one-mode network, `dl nr = R, nc = C` for a two-mode one.
pub fn dl(st: &Statements, net: &Network) -> String {
    let mut x = String::new();
    let one = net.mode.one_mode();
    if one {
        let _ = writeln!(x, "dl n = {}, format = fullmatrix", net.rows.len());
        x.push_str("labels:\n");
    } else {
        let _ = writeln!(
            x,
            "dl nr = {}, nc = {}, format = fullmatrix",
            net.rows.len(),
            net.cols.len()
        );
        x.push_str("row labels:\n");
    }
    for n in &net.rows {
        let _ = writeln!(x, "{}", dl_label(node_label(st, n)));
    }
    if !one {
        x.push_str("col labels:\n");
        for n in &net.cols {
            let _ = writeln!(x, "{}", dl_label(node_label(st, n)));
        }
    }
    x.push_str("data:\n");
    for row in net.matrix() {
        let cells: Vec<String> = row.iter().map(|w| w.to_string()).collect();
        let _ = writeln!(x, "{}", cells.join(" "));
    }
    x
}

fn csv_text(rows: Vec<Vec<String>>) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    for r in rows {
        let _ = w.write_record(r);
    }
    w.into_inner()
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default()
}

/// The matrix as CSV: a header of `""` and the column node ids, then per row its id and
/// its weights. Ids (not labels) head rows and columns, as they are unique.
pub fn matrix_csv(st: &Statements, net: &Network) -> String {
    let mut rows = Vec::with_capacity(net.rows.len() + 1);
    let mut head = vec![String::new()];
    head.extend(net.cols.iter().map(|n| node_id(st, n)));
    rows.push(head);
    for (n, weights) in net.rows.iter().zip(net.matrix()) {
        let mut r = vec![node_id(st, n)];
        r.extend(weights.iter().map(|w| w.to_string()));
        rows.push(r);
    }
    csv_text(rows)
}

/// An attribute value as a CSV cell: a flag `yes`, choices by id joined with `;`, a
/// scale's number, a code's id, text as it is.
fn value_text(v: &Value) -> String {
    match v {
        Value::Flag => "yes".to_owned(),
        Value::Choice(ids) => ids.join(";"),
        Value::Scale(n) => n.to_string(),
        Value::Text(t) => t.clone(),
        Value::Code(c) => c.to_string(),
    }
}

/// The flat statement list: one row per statement with every attribute of it, every
/// article variable and the speaker's entity. Columns: `statement` (the annotation id),
/// `document`, `date` (as written), `day` (the date read, a partial one as its first day),
/// `actor` (node id), `actor_name`, `mention` (the actor mention's annotation id),
/// `concept` (code id), `concept_label`, `qualifier` (the level id, empty without one),
/// `attr:ID` for every other attribute of the tag, `var:ID` for every article variable,
/// `entity`, `entity_name`, `entity_kind`, `entity_refs` (`KB:ID` joined with `;`),
/// `quote`, `start` and `end` (code points, the first fragment's start and the last's
/// end), `fragments`, `layer`.
pub fn statements_csv(project: &Project, st: &Statements) -> String {
    let tag = project.schema.tag(&st.tag.as_str().into());
    let others: Vec<(&str, bool)> = tag
        .map(|t| {
            t.attributes
                .iter()
                .filter(|a| {
                    a.id.as_str() != st.concept_attribute
                        && Some(a.id.as_str()) != st.qualifier.attribute.as_deref()
                })
                .map(|a| (a.id.as_str(), matches!(a.kind, AttributeKind::Flag)))
                .collect()
        })
        .unwrap_or_default();
    let variables: Vec<&str> = project
        .schema
        .variables
        .iter()
        .map(|v| v.id.as_str())
        .collect();
    let mut head: Vec<String> = [
        "statement",
        "document",
        "date",
        "day",
        "actor",
        "actor_name",
        "mention",
        "concept",
        "concept_label",
        "qualifier",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    head.extend(others.iter().map(|(a, _)| format!("attr:{a}")));
    head.extend(variables.iter().map(|v| format!("var:{v}")));
    head.extend(
        [
            "entity",
            "entity_name",
            "entity_kind",
            "entity_refs",
            "quote",
            "start",
            "end",
            "fragments",
            "layer",
        ]
        .iter()
        .map(|s| (*s).to_owned()),
    );
    let mut rows = vec![head];
    let mut indices: HashMap<&DocId, TextIndex> = HashMap::new();
    for s in &st.list {
        let Some(a) = project.annotations.get(&s.annotation) else {
            continue;
        };
        let doc = st.documents.get(s.doc as usize);
        let actor = st.actors.get(s.actor as usize);
        let concept = st.concepts.get(s.concept as usize);
        let mention = project.annotations.get(&s.mention);
        let entity = mention
            .and_then(|m| m.entity.as_ref())
            .and_then(|e| project.entities.get(e));
        let index = indices.entry(&a.doc).or_insert_with(|| {
            TextIndex::new(project.document(&a.doc).map_or("", |d| d.text.as_str()))
        });
        let char_at = |b| index.byte_to_char(b).map_or(0, |c| c.0);
        let mut r: Vec<String> = vec![
            s.annotation.to_string(),
            doc.map(|d| d.id.to_string()).unwrap_or_default(),
            doc.and_then(|d| d.published.clone()).unwrap_or_default(),
            s.date.map(|d| d.to_string()).unwrap_or_default(),
            actor.map(|x| x.id.clone()).unwrap_or_default(),
            actor.map(|x| x.name.clone()).unwrap_or_default(),
            s.mention.to_string(),
            concept.map(|c| c.id.clone()).unwrap_or_default(),
            concept.map(|c| c.label.clone()).unwrap_or_default(),
            s.level
                .and_then(|l| st.qualifier.levels.get(l as usize))
                .map(|l| l.id.clone())
                .unwrap_or_default(),
        ];
        for (attr, flag) in &others {
            r.push(match a.values.get(&(*attr).into()) {
                Some(v) => value_text(v),
                None if *flag => "no".to_owned(),
                None => String::new(),
            });
        }
        for v in &variables {
            r.push(
                doc.and_then(|d| d.variables.get(*v).cloned())
                    .unwrap_or_default(),
            );
        }
        r.push(
            mention
                .and_then(|m| m.entity.as_ref())
                .map(|e| e.to_string())
                .unwrap_or_default(),
        );
        r.push(entity.map(|e| e.name.clone()).unwrap_or_default());
        r.push(
            entity
                .map(|e| e.kind.label().to_owned())
                .unwrap_or_default(),
        );
        r.push(
            entity
                .map(|e| {
                    e.refs
                        .iter()
                        .map(|x| format!("{}:{}", x.kb, x.id))
                        .collect::<Vec<_>>()
                        .join(";")
                })
                .unwrap_or_default(),
        );
        r.push(a.quote.clone());
        r.push(char_at(a.start()).to_string());
        r.push(char_at(a.end()).to_string());
        r.push(a.fragments.len().to_string());
        r.push(a.annotator.clone());
        rows.push(r);
    }
    csv_text(rows)
}

fn duplicates_name(d: Duplicates) -> &'static str {
    match d {
        Duplicates::Statement => "statement",
        Duplicates::Document => "document",
        Duplicates::Week => "week",
        Duplicates::Month => "month",
        Duplicates::Year => "year",
    }
}

fn nodes_json(st: &Statements, one: bool, rows: &[Node], cols: &[Node]) -> Json {
    all_nodes(one, rows, cols)
        .into_iter()
        .map(|n| {
            json!({
                "id": node_id(st, n),
                "label": node_label(st, n),
                "type": kind_name(n.kind),
                "statements": n.statements,
            })
        })
        .collect()
}

fn edges_json(st: &Statements, net: &Network) -> Json {
    let behind = net.behind_edges(st);
    net.edges
        .iter()
        .zip(behind)
        .filter_map(|(e, b)| {
            let (r, c) = (net.rows.get(e.row)?, net.cols.get(e.col)?);
            let ids: Vec<String> = b
                .iter()
                .filter_map(|i| st.list.get(*i as usize))
                .map(|s| s.annotation.to_string())
                .collect();
            Some(json!({
                "source": node_id(st, r),
                "target": node_id(st, c),
                "weight": e.weight,
                "statements": ids,
            }))
        })
        .collect()
}

fn head_json(st: &Statements, options: &NetworkOptions) -> Json {
    json!({
        "mode": options.mode.name(),
        "tag": st.tag,
        "layers": st.layers,
        "qualifier": st.qualifier,
        "aggregation": agg_name(options.aggregation),
        "normalization": norm_name(options.normalization),
        "duplicates": duplicates_name(options.duplicates),
        "statements": st.list.len(),
        "skipped": st.skipped,
    })
}

fn combine_json(st: &Statements, options: &NetworkOptions, nets: &[&Network]) -> Option<Json> {
    if options.aggregation != super::Aggregation::Combine {
        return None;
    }
    let mut codes: Vec<u64> = nets
        .iter()
        .flat_map(|n| n.edges.iter().map(|e| e.weight as u64))
        .collect();
    codes.sort_unstable();
    codes.dedup();
    Some(
        codes
            .into_iter()
            .map(|c| json!({ "weight": c, "levels": combination(st, c as f64) }))
            .collect(),
    )
}

/// The network as JSON: the options, the qualifier's levels, how many statements there
/// are and which were skipped or left out, the nodes, and the edges with their weights and
/// the annotation ids behind them (for `combine`, which set of levels each code stands for).
pub fn network_json(st: &Statements, options: &NetworkOptions, net: &Network) -> Json {
    let mut out = head_json(st, options);
    out["taken"] = json!(net.statements.len());
    out["excluded"] = json!(net.excluded);
    out["nodes"] = nodes_json(st, net.mode.one_mode(), &net.rows, &net.cols);
    out["edges"] = edges_json(st, net);
    if let Some(c) = combine_json(st, options, &[net]) {
        out["combinations"] = c;
    }
    out
}

/// A series of windows as JSON: as [`network_json`], with `windows`, each with its first
/// and last day, its statements and its edges.
pub fn windows_json(
    st: &Statements,
    options: &NetworkOptions,
    w: &Windows,
    unit: WindowUnit,
    size: u32,
) -> Json {
    let one = options.mode.one_mode();
    let mut out = head_json(st, options);
    out["window"] = json!({ "unit": unit, "size": size });
    out["taken"] = json!(w.statements.len());
    out["excluded"] = json!(w.excluded);
    out["nodes"] = nodes_json(st, one, &w.rows, &w.cols);
    out["windows"] = w
        .windows
        .iter()
        .map(|win| {
            json!({
                "start": win.start.to_string(),
                "end": win.end.to_string(),
                "statements": win.network.statements.len(),
                "edges": edges_json(st, &win.network),
            })
        })
        .collect();
    let nets: Vec<&Network> = w.windows.iter().map(|x| &x.network).collect();
    if let Some(c) = combine_json(st, options, &nets) {
        out["combinations"] = c;
    }
    out
}
