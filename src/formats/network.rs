//! The discourse network: which actors say which claims, and which actors share claims, as
//! GraphML (`graphml`) or as CSV node and edge lists (`network-csv`).
//!
//! # The graph
//! Built from [`Summary`], so actors and speakers follow the summary's rules.
//! - **Actor nodes**, one per actor grouped as in the summary (by entity, else by quote
//!   ignoring case and white space). Id: [`ActorKey::id`](crate::summary::ActorKey::id) (`entity:ID` or `name:KEY`); label:
//!   the actor's name; type `actor`; `mentions`: its mentions in the selection; documents:
//!   the ids of the documents that mention it, joined by `;`, in project order.
//! - **Claim nodes**, one per claim annotation. Id `claim:ANNOTATION-ID`; label: the quote;
//!   type `claim`; `mentions` 1; document: its document's id.
//! - **`says` edges**, actor → claim, one per actor and claim linked by at least one speaker
//!   relation; `weight`: how many speaker relations link the actor's mentions to the claim
//!   (usually 1).
//! - **`shares_claim` edges** between two actors who are both speakers of one claim;
//!   `weight`: how many claims they share. The tie is symmetric but written once, from the
//!   actor listed first (most claims, then most mentions, then name) to the other, because
//!   GraphML readers such as networkx and igraph refuse graphs that mix directed and
//!   undirected edges: select `kind == "shares_claim"` and treat those edges as undirected.
//!
//! Actors who say nothing and claims nobody says stay in as isolated nodes. Nodes come in
//! summary order (actors, then claims by document and position); edges `says` first, then
//! `shares_claim`, each by source then target node order.
//!
//! The network is a view, not a dataset: the report counts the documents taken, the
//! annotations that became nodes (actor mentions and claims) and the relations that became
//! `says` edges, and lists nothing as not carried. Everything else (conditions, notes,
//! offsets) is simply not part of this view; the summary and the dataset formats carry it.
//!
//! XML is written by hand with [`xml_escape`]: `&`, `<`, `>`, quotes, and tab, CR and LF as
//! character references (so a parser keeps them as written); control characters XML 1.0
//! forbids become U+FFFD. CSV goes through the `csv` crate (RFC 4180 quoting, LF line ends).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::{ExportError, OutFile, OutPlace, Report, Selection};
use crate::model::{DocId, RelationId};
use crate::summary::Summary;

/// The codes (names of [`super::report::field`]) this format carries; the others are counted
/// as not carried.
pub(super) const CODES_CARRIED: &[&str] = &[];

/// What a node stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NodeType {
    Actor,
    Claim,
}

impl NodeType {
    fn name(self) -> &'static str {
        match self {
            NodeType::Actor => "actor",
            NodeType::Claim => "claim",
        }
    }
}

/// What an edge stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum EdgeKind {
    Says,
    SharesClaim,
}

impl EdgeKind {
    fn name(self) -> &'static str {
        match self {
            EdgeKind::Says => "says",
            EdgeKind::SharesClaim => "shares_claim",
        }
    }
}

struct Node {
    id: String,
    label: String,
    kind: NodeType,
    mentions: usize,
    documents: Vec<DocId>,
}

impl Node {
    fn documents(&self) -> String {
        let ids: Vec<&str> = self.documents.iter().map(DocId::as_str).collect();
        ids.join(";")
    }
}

/// An edge between node indices.
struct Edge {
    source: usize,
    target: usize,
    kind: EdgeKind,
    weight: usize,
}

/// The network of a selection, and what it used for the report.
struct Network {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    annotations: usize,
    relations: usize,
}

impl Network {
    fn of(sel: &Selection) -> Self {
        let docs: Vec<DocId> = sel.docs.iter().map(|d| d.doc.id.clone()).collect();
        let summary = Summary::of(sel.project, &sel.layers, Some(&docs));
        let mut nodes: Vec<Node> = summary
            .actors
            .iter()
            .map(|a| Node {
                id: a.key.id(),
                label: a.name.clone(),
                kind: NodeType::Actor,
                mentions: a.mentions,
                documents: a.documents.clone(),
            })
            .collect();
        let mut says: BTreeMap<(usize, usize), usize> = BTreeMap::new();
        let mut shares: BTreeMap<(usize, usize), usize> = BTreeMap::new();
        let mut used: BTreeSet<&RelationId> = BTreeSet::new();
        for d in &summary.documents {
            for c in &d.claims {
                let node = nodes.len();
                nodes.push(Node {
                    id: format!("claim:{}", c.mention.id),
                    label: c.mention.quote.clone(),
                    kind: NodeType::Claim,
                    mentions: 1,
                    documents: vec![d.id.clone()],
                });
                for s in &c.speakers {
                    *says.entry((s.actor, node)).or_default() += 1;
                    used.insert(&s.relation);
                }
                let speakers: BTreeSet<usize> = c.speakers.iter().map(|s| s.actor).collect();
                for &a in &speakers {
                    for &b in speakers.range(a + 1..) {
                        *shares.entry((a, b)).or_default() += 1;
                    }
                }
            }
        }
        let edges = says
            .into_iter()
            .map(|(k, w)| (EdgeKind::Says, k, w))
            .chain(
                shares
                    .into_iter()
                    .map(|(k, w)| (EdgeKind::SharesClaim, k, w)),
            )
            .map(|(kind, (source, target), weight)| Edge {
                source,
                target,
                kind,
                weight,
            })
            .collect();
        Network {
            annotations: summary.actors.iter().map(|a| a.mentions).sum::<usize>()
                + summary
                    .documents
                    .iter()
                    .map(|d| d.claims.len())
                    .sum::<usize>(),
            relations: used.len(),
            nodes,
            edges,
        }
    }

    fn id(&self, node: usize) -> &str {
        self.nodes.get(node).map_or("", |n| n.id.as_str())
    }

    fn report(&self, format: &'static str, sel: &Selection) -> Report {
        let mut report = Report::new(format, None, sel.layers.clone());
        report.documents = sel.docs.len();
        report.annotations = self.annotations;
        report.relations = self.relations;
        report
    }
}

/// `s` escaped for XML 1.0 text and attribute values (see the module docs).
pub(crate) fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Writes the network of `sel` as one GraphML file.
pub(crate) fn export_graphml(
    sel: &Selection,
    step: &mut dyn FnMut(usize),
) -> Result<(Vec<OutFile>, Report), ExportError> {
    let net = Network::of(sel);
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns \
         http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
    );
    for (id, on, ty) in [
        ("label", "node", "string"),
        ("type", "node", "string"),
        ("mentions", "node", "int"),
        ("document", "node", "string"),
        ("kind", "edge", "string"),
        ("weight", "edge", "double"),
    ] {
        let _ = writeln!(
            x,
            "  <key id=\"{id}\" for=\"{on}\" attr.name=\"{id}\" attr.type=\"{ty}\"/>"
        );
    }
    x.push_str("  <graph id=\"discourse-network\" edgedefault=\"directed\">\n");
    for n in &net.nodes {
        let _ = writeln!(
            x,
            "    <node id=\"{}\">\n      <data key=\"label\">{}</data>\n      \
             <data key=\"type\">{}</data>\n      <data key=\"mentions\">{}</data>\n      \
             <data key=\"document\">{}</data>\n    </node>",
            xml_escape(&n.id),
            xml_escape(&n.label),
            n.kind.name(),
            n.mentions,
            xml_escape(&n.documents())
        );
    }
    for (i, e) in net.edges.iter().enumerate() {
        let _ = writeln!(
            x,
            "    <edge id=\"e{}\" source=\"{}\" target=\"{}\">\n      \
             <data key=\"kind\">{}</data>\n      <data key=\"weight\">{}</data>\n    </edge>",
            i + 1,
            xml_escape(net.id(e.source)),
            xml_escape(net.id(e.target)),
            e.kind.name(),
            e.weight
        );
    }
    x.push_str("  </graph>\n</graphml>\n");
    step(sel.docs.len());
    Ok((
        vec![OutFile {
            place: OutPlace::Main,
            text: x,
        }],
        net.report("graphml", sel),
    ))
}

/// Writes the network of `sel` as `nodes.csv` and `edges.csv` in the output folder.
pub(crate) fn export_csv(
    sel: &Selection,
    step: &mut dyn FnMut(usize),
) -> Result<(Vec<OutFile>, Report), ExportError> {
    let net = Network::of(sel);
    let nodes = csv_text(
        ["id", "label", "type", "mentions", "documents"],
        net.nodes.iter().map(|n| {
            [
                n.id.clone(),
                n.label.clone(),
                n.kind.name().to_owned(),
                n.mentions.to_string(),
                n.documents(),
            ]
        }),
    )?;
    let edges = csv_text(
        ["source", "target", "kind", "weight"],
        net.edges.iter().map(|e| {
            [
                net.id(e.source).to_owned(),
                net.id(e.target).to_owned(),
                e.kind.name().to_owned(),
                e.weight.to_string(),
            ]
        }),
    )?;
    step(sel.docs.len());
    Ok((
        vec![
            OutFile {
                place: OutPlace::Inside("nodes.csv".into()),
                text: nodes,
            },
            OutFile {
                place: OutPlace::Inside("edges.csv".into()),
                text: edges,
            },
        ],
        net.report("network-csv", sel),
    ))
}

/// A CSV file with `header` and `rows`.
fn csv_text<const N: usize>(
    header: [&str; N],
    rows: impl Iterator<Item = [String; N]>,
) -> Result<String, ExportError> {
    let encode = |e: &dyn std::fmt::Display| ExportError::Encode(e.to_string());
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).map_err(|e| encode(&e))?;
    for row in rows {
        w.write_record(&row).map_err(|e| encode(&e))?;
    }
    let bytes = w.into_inner().map_err(|e| encode(&e))?;
    String::from_utf8(bytes).map_err(|e| encode(&e))
}

#[cfg(test)]
mod tests;
