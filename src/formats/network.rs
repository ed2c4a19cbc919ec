//! The discourse network: which actors say which claims, under which conditions, and which
//! actors share claims, as GraphML (`graphml`) or as CSV node and edge lists (`network-csv`).
//!
//! # The graph
//! Built from [`Summary`], so actors, speakers and conditions follow the summary's rules.
//! - **Actor nodes**, one per actor grouped as in the summary (by entity, else by quote
//!   ignoring case and white space). Id: [`ActorKey::id`](crate::summary::ActorKey::id)
//!   (`entity:ID` or `name:KEY`); label: the actor's name; type `actor`; `mentions`: its
//!   mentions in the selection; documents: the ids of the documents that mention it, joined by
//!   `;`, in project order.
//! - **Claim nodes**, one per claim annotation. Id `claim:ANNOTATION-ID`; label: the quote;
//!   type `claim`; `mentions` 1; document: its document's id; `stance` and `concept`: the
//!   claim's stance and concept as the summary shows them (by label), where it has them.
//! - **Condition nodes**, one per condition annotation, whether or not a claim depends on it.
//!   Id `condition:ANNOTATION-ID`; label: the quote; type `condition`; `mentions` 1; document;
//!   `concept`, where it has one.
//! - **`says` edges**, actor → claim, one per actor and claim linked by at least one speaker
//!   relation; `weight`: how many speaker relations link the actor's mentions to the claim
//!   (usually 1); `stance`: the claim's stance, where it has one.
//! - **`conditional_on` edges**, claim → condition, one per claim and condition linked by a
//!   relation between the two (`conditional_on` in the default schema, but any kind, as the
//!   summary counts it); `weight`: how many such relations (usually 1).
//! - **`shares_claim` edges** between two actors who are both speakers of one claim
//!   annotation; `weight`: how many claims they share. The tie is symmetric but written once,
//!   from the actor listed first (most claims, then most mentions, then name) to the other,
//!   because GraphML readers such as networkx and igraph refuse graphs that mix directed and
//!   undirected edges: select `kind == "shares_claim"` and treat those edges as undirected.
//!
//! Actors who say nothing, claims nobody says and conditions nothing depends on stay in as
//! isolated nodes. Nodes come in summary order (actors, then per document its claims and then
//! its conditions, each by position); edges `says` first, then `conditional_on`, then
//! `shares_claim`, each by source then target node order.
//!
//! # The report
//! It counts the documents taken, the annotations that became nodes (actor mentions, claims,
//! conditions) and the relations that became `says` or `conditional_on` edges. It lists as
//! not carried every span of another tag and every relation that links anything but a claim
//! to an actor or a condition, and counts the fields the network has no place for: notes and
//! review statuses of the spans taken, the documents' metadata but their ids, the entities'
//! kinds, aliases and notes, attribute values other than the claims' stances and concepts and the conditions' concepts,
//! link values and notes, article variables and entity references. An actor's mentions are
//! folded into its node by design (the network is a view of who says what): their offsets
//! and spellings are not counted, nor is any offset (the format writes none).
//!
//! XML is written by hand with [`xml_escape`]: `&`, `<`, `>`, quotes, and tab, CR and LF as
//! character references (so a parser keeps them as written); control characters XML 1.0
//! forbids become U+FFFD. CSV goes through the `csv` crate (RFC 4180 quoting, LF line ends).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use super::{ExportError, LossKind, OutFile, OutPlace, Report, Selection, field};
use crate::model::{AnnotationId, DocId, RelationId};
use crate::summary::{ACTOR, CLAIM, CONCEPT, CONDITION, Summary, coded};

/// The codes (names of [`super::report::field`]) this format carries; the others are counted
/// as not carried. Of the attribute values, only the claims' stances and concepts and the
/// conditions' concepts are written;
/// [`Network::report`] counts the others.
pub(super) const CODES_CARRIED: &[&str] = &[field::ATTRIBUTE_VALUE];

/// Why a span of another tag is not in the network.
const OTHER_TAG: &str = "the network has nodes for actors, claims and conditions only";
/// Why a relation is not in the network.
const OTHER_LINK: &str =
    "the network has edges only from a claim to its speakers and to its conditions";

/// What a node stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NodeType {
    Actor,
    Claim,
    Condition,
}

impl NodeType {
    fn name(self) -> &'static str {
        match self {
            NodeType::Actor => "actor",
            NodeType::Claim => "claim",
            NodeType::Condition => "condition",
        }
    }
}

/// What an edge stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum EdgeKind {
    Says,
    ConditionalOn,
    SharesClaim,
}

impl EdgeKind {
    fn name(self) -> &'static str {
        match self {
            EdgeKind::Says => "says",
            EdgeKind::ConditionalOn => "conditional_on",
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
    /// A claim's stance, by label.
    stance: Option<String>,
    /// A claim's or a condition's concept, by its path in the codebook.
    concept: Option<String>,
}

impl Node {
    fn documents(&self) -> String {
        let ids: Vec<&str> = self.documents.iter().map(DocId::as_str).collect();
        ids.join(";")
    }

    /// A node for one claim or condition annotation.
    fn span(kind: NodeType, id: &AnnotationId, quote: &str, doc: &DocId) -> Self {
        Node {
            id: format!("{}:{id}", kind.name()),
            label: quote.to_owned(),
            kind,
            mentions: 1,
            documents: vec![doc.clone()],
            stance: None,
            concept: None,
        }
    }
}

/// An edge between node indices.
struct Edge {
    source: usize,
    target: usize,
    kind: EdgeKind,
    weight: usize,
    /// For `says`: the claim's stance, by label.
    stance: Option<String>,
}

/// The network of a selection, and what it used for the report.
struct Network {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    /// Annotations that became nodes or were folded into an actor's.
    annotations: usize,
    /// The relations that became `says` and `conditional_on` edges.
    used: BTreeSet<RelationId>,
    /// Attribute values written: the claims' stances and concepts, the conditions' concepts.
    values: usize,
}

impl Network {
    fn of(sel: &Selection) -> Self {
        let summary = Summary::of_parts(sel.project, &sel.layers, &sel.docs);
        let mut nodes: Vec<Node> = summary
            .actors
            .iter()
            .map(|a| Node {
                id: a.key.id(),
                label: a.name.clone(),
                kind: NodeType::Actor,
                mentions: a.mentions,
                documents: a.documents.clone(),
                stance: None,
                concept: None,
            })
            .collect();
        let parts: HashMap<&DocId, &super::DocPart> =
            sel.docs.iter().map(|p| (&p.doc.id, p)).collect();
        let mut says: BTreeMap<(usize, usize), usize> = BTreeMap::new();
        let mut conditional: BTreeMap<(usize, usize), usize> = BTreeMap::new();
        let mut shares: BTreeMap<(usize, usize), usize> = BTreeMap::new();
        let mut stances: HashMap<usize, String> = HashMap::new();
        let mut used: BTreeSet<RelationId> = BTreeSet::new();
        let mut values = 0;
        for d in &summary.documents {
            let mut claim_nodes = Vec::with_capacity(d.claims.len());
            for c in &d.claims {
                let node = nodes.len();
                let mut n = Node::span(NodeType::Claim, &c.mention.id, &c.mention.quote, &d.id);
                n.stance = c.stance.as_ref().map(|s| s.label.clone());
                n.concept = c.concept.as_ref().map(|s| s.label.clone());
                values += usize::from(n.stance.is_some()) + usize::from(n.concept.is_some());
                if let Some(s) = &n.stance {
                    stances.insert(node, s.clone());
                }
                nodes.push(n);
                claim_nodes.push(node);
                for s in &c.speakers {
                    *says.entry((s.actor, node)).or_default() += 1;
                    used.insert(s.relation.clone());
                }
                let speakers: BTreeSet<usize> = c.speakers.iter().map(|s| s.actor).collect();
                for &a in &speakers {
                    for &b in speakers.range(a + 1..) {
                        *shares.entry((a, b)).or_default() += 1;
                    }
                }
            }
            // Every condition of the document, attached or not, in text order.
            let mut condition_node: HashMap<&AnnotationId, usize> = HashMap::new();
            let conditions = parts
                .get(&d.id)
                .map(|p| p.annotations.as_slice())
                .unwrap_or_default()
                .iter()
                .filter(|a| a.tag.as_str() == CONDITION);
            for a in conditions {
                condition_node.insert(&a.id, nodes.len());
                let mut n = Node::span(NodeType::Condition, &a.id, &a.quote, &d.id);
                n.concept = coded(sel.project, a, CONCEPT).map(|c| c.label);
                values += usize::from(n.concept.is_some());
                nodes.push(n);
            }
            for (c, &claim) in d.claims.iter().zip(&claim_nodes) {
                for cond in &c.conditions {
                    if let Some(&target) = condition_node.get(&cond.mention.id) {
                        *conditional.entry((claim, target)).or_default() += 1;
                        used.insert(cond.relation.clone());
                    }
                }
            }
        }
        let edges = says
            .into_iter()
            .map(|(k, w)| (EdgeKind::Says, k, w))
            .chain(
                conditional
                    .into_iter()
                    .map(|(k, w)| (EdgeKind::ConditionalOn, k, w)),
            )
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
                stance: (kind == EdgeKind::Says)
                    .then(|| stances.get(&target).cloned())
                    .flatten(),
            })
            .collect();
        Network {
            annotations: summary.actors.iter().map(|a| a.mentions).sum::<usize>()
                + nodes.iter().filter(|n| n.kind != NodeType::Actor).count(),
            used,
            values,
            nodes,
            edges,
        }
    }

    fn id(&self, node: usize) -> &str {
        self.nodes.get(node).map_or("", |n| n.id.as_str())
    }

    /// What the network wrote and what it left out (see the module docs).
    fn report(&self, format: &'static str, sel: &Selection) -> Report {
        let mut report = Report::new(format, None, sel.layers.clone());
        report.documents = sel.docs.len();
        report.annotations = self.annotations;
        report.relations = self.used.len();
        let in_view = |tag: &str| matches!(tag, ACTOR | CLAIM | CONDITION);
        let mut values = 0;
        for part in &sel.docs {
            report.document_fields(part.doc, &[]);
            for a in &part.annotations {
                values += a.values.len();
                if a.tag.as_str() == ACTOR {
                    report.fields_of(a, &["entity"]);
                } else if in_view(a.tag.as_str()) {
                    report.fields_of(a, &[]);
                } else {
                    report.span(a, LossKind::Omitted { why: OTHER_TAG });
                }
            }
            for r in &part.relations {
                let ends = (
                    sel.project.annotations.get(&r.from),
                    sel.project.annotations.get(&r.to),
                );
                let (Some(from), Some(to)) = ends else {
                    continue;
                };
                if self.used.contains(&r.id) {
                    report.relation_annotator(r, from);
                } else {
                    report.relation(r, from, to, OTHER_LINK);
                }
            }
        }
        for _ in self.values..values {
            report.field(field::ATTRIBUTE_VALUE);
        }
        let mentioned = sel
            .docs
            .iter()
            .flat_map(|p| &p.annotations)
            .filter(|a| a.tag.as_str() == ACTOR)
            .filter_map(|a| a.entity.as_ref());
        report.entity_fields(sel.project, mentioned, &[]);
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
    for (id, on, name, ty) in [
        ("label", "node", "label", "string"),
        ("type", "node", "type", "string"),
        ("mentions", "node", "mentions", "int"),
        ("document", "node", "document", "string"),
        ("stance", "node", "stance", "string"),
        ("concept", "node", "concept", "string"),
        ("kind", "edge", "kind", "string"),
        ("weight", "edge", "weight", "double"),
        ("edge_stance", "edge", "stance", "string"),
    ] {
        let _ = writeln!(
            x,
            "  <key id=\"{id}\" for=\"{on}\" attr.name=\"{name}\" attr.type=\"{ty}\"/>"
        );
    }
    x.push_str("  <graph id=\"discourse-network\" edgedefault=\"directed\">\n");
    // A value the node or edge lacks is left out, as GraphML readers expect of a missing one.
    let optional = |x: &mut String, key: &str, value: &Option<String>| {
        if let Some(v) = value {
            let _ = writeln!(x, "      <data key=\"{key}\">{}</data>", xml_escape(v));
        }
    };
    for n in &net.nodes {
        let _ = writeln!(
            x,
            "    <node id=\"{}\">\n      <data key=\"label\">{}</data>\n      \
             <data key=\"type\">{}</data>\n      <data key=\"mentions\">{}</data>\n      \
             <data key=\"document\">{}</data>",
            xml_escape(&n.id),
            xml_escape(&n.label),
            n.kind.name(),
            n.mentions,
            xml_escape(&n.documents())
        );
        optional(&mut x, "stance", &n.stance);
        optional(&mut x, "concept", &n.concept);
        x.push_str("    </node>\n");
    }
    for (i, e) in net.edges.iter().enumerate() {
        let _ = writeln!(
            x,
            "    <edge id=\"e{}\" source=\"{}\" target=\"{}\">\n      \
             <data key=\"kind\">{}</data>\n      <data key=\"weight\">{}</data>",
            i + 1,
            xml_escape(net.id(e.source)),
            xml_escape(net.id(e.target)),
            e.kind.name(),
            e.weight
        );
        optional(&mut x, "edge_stance", &e.stance);
        x.push_str("    </edge>\n");
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
        [
            "id",
            "label",
            "type",
            "mentions",
            "documents",
            "stance",
            "concept",
        ],
        net.nodes.iter().map(|n| {
            [
                n.id.clone(),
                n.label.clone(),
                n.kind.name().to_owned(),
                n.mentions.to_string(),
                n.documents(),
                n.stance.clone().unwrap_or_default(),
                n.concept.clone().unwrap_or_default(),
            ]
        }),
    )?;
    let edges = csv_text(
        ["source", "target", "kind", "weight", "stance"],
        net.edges.iter().map(|e| {
            [
                net.id(e.source).to_owned(),
                net.id(e.target).to_owned(),
                e.kind.name().to_owned(),
                e.weight.to_string(),
                e.stance.clone().unwrap_or_default(),
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
