//! WebAnno TSV 3.3, the tab-separated format INCEpTION imports and exports.
//!
//! A TSV file is one document (one header, then the document's sentences; INCEpTION makes one
//! document of each file it imports), so the export is a folder with one `<doc-id>.tsv` per
//! document. Each file follows what INCEpTION's own writer produces:
//!
//! - the header `#FORMAT=WebAnno TSV 3.3`, one span layer `webanno.custom.Marginalia` with
//!   the features `label` (the tag id), `entity` (the entity's name), `note` and `status`
//!   (`accepted`/`rejected`) and one per attribute of the schema's tags (`Stance`,
//!   `Concept` …), and one relation layer `webanno.custom.MarginaliaLink` with the features
//!   `label` (the relation type), `note` and one per attribute of the relation types, between
//!   Marginalia spans, then two empty lines (attribute columns: see [`codes`]);
//! - per sentence (from [`tokenize`], cut at every annotation edge so spans are whole tokens):
//!   an empty line, its text as `#Text=` lines (split at line feeds), then one line per token:
//!   `sentence-token`, the UTF-16 `begin-end` offsets, the token, and one column per feature,
//!   each followed by a tab;
//! - `_` for a token without an annotation of the layer, `*` for an empty feature; values
//!   escaped with a backslash (`\ [ ] | _ -> ; * tab newline`), `#Text` lines with Java-style
//!   escapes for control characters and backslashes;
//! - a span over several tokens, and every span stacked on a token with another, carries a
//!   disambiguation id `[n]` (numbered per file in the order INCEpTION would give them);
//!   stacked values are joined with `|`;
//! - a relation sits on the first token of its target and names the first token of its
//!   source, with `[source_target]` disambiguation ids when either end has one (0 for none).
//!
//! The layers must exist in the INCEpTION project before import (Project settings → Layers:
//! a span layer `Marginalia` with string features `label`, `entity`, `note`, `status` and one
//! per attribute, named by its label (a boolean one for a flag, string for the others), and a
//! relation layer `MarginaliaLink` over it with string features `label` and `note` and one per
//! link attribute).
//!
//! The export's report says so (`Report::requires`), as the README does.
//!
//! [`read`] is the import: INCEpTION's files and our own come back in (see its module).
//!
//! Losses, each reported: a discontinuous annotation becomes one span per fragment (relations
//! attach to the first); a span that starts or ends in white space is written without it (the
//! format cannot address the space between tokens); a span that covers no token is not written.
//! Carriage returns in notes become line feeds (a raw one would end the line for INCEpTION).
//! Article variables and entity references have no place; values with no column are counted.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use crate::model::{
    Annotation, AnnotationId, ByteOffset, Document, Fragment, Project, ReviewStatus, TextIndex,
};

use super::tokens::{Token, aligned, covered, tokenize};
use super::{
    DocPart, ExportError, LossKind, OffsetUnit, OutFile, OutPlace, Report, Selection, offsets,
};

/// The span layer's type name.
const SPAN_LAYER: &str = "webanno.custom.Marginalia";
/// The relation layer's type name.
const LINK_LAYER: &str = "webanno.custom.MarginaliaLink";

/// The codes (names of [`super::report::field`]) this format carries; the others are counted
/// as not carried. Values with no column (see [`codes`]) are counted by the writer itself. A
/// TSV file has no place for article variables, and the entity feature holds the entity's
/// name without its references.
pub(super) const CODES_CARRIED: &[&str] = &[
    super::field::ATTRIBUTE_VALUE,
    super::field::LINK_VALUE,
    super::field::LINK_NOTE,
];

/// The span layer's own features, before the attribute columns.
const SPAN_FEATURES: [&str; 4] = ["label", "entity", "note", "status"];
/// The link layer's own features, before the attribute columns.
const LINK_FEATURES: [&str; 2] = ["label", "note"];

mod codes;
mod read;
mod syntax;
use codes::Columns;

pub(crate) use read::read;

/// Writes one TSV file per document.
pub(crate) fn export(
    sel: &Selection<'_>,
    step: &mut dyn FnMut(usize),
) -> Result<(Vec<OutFile>, Report), ExportError> {
    let mut report = Report::new("webanno", Some("UTF-16 code units"), sel.layers.clone());
    let schema = &sel.project.schema;
    let columns = Layers {
        span: Columns::new(
            schema
                .tags
                .iter()
                .map(|t| (t.id.as_str(), t.attributes.as_slice())),
            &SPAN_FEATURES,
        ),
        link: Columns::new(
            schema
                .relations
                .iter()
                .map(|r| (r.id.as_str(), r.attributes.as_slice())),
            &LINK_FEATURES,
        ),
    };
    report.requires = requirements(&columns);
    let texts = super::per_document(sel, step, |part| {
        let mut part_report = Report::default();
        let text = document(sel.project, &columns, part, &mut part_report);
        part_report.documents += 1;
        // A TSV file holds the text and its annotations: the article's title, date, source
        // and progress have no place in it.
        part_report.document_fields(part.doc, &[]);
        (text, part_report)
    });
    let mut files = Vec::with_capacity(sel.docs.len());
    let mut names = HashSet::new();
    for (part, (text, part_report)) in sel.docs.iter().zip(texts) {
        files.push(OutFile {
            place: OutPlace::Inside(file_name(part.doc, &mut names)),
            text,
        });
        report.absorb(part_report);
    }
    // The entity column holds the entity's name: its kind, aliases and note stay behind.
    let mentioned: std::collections::BTreeSet<_> = sel
        .docs
        .iter()
        .flat_map(|part| part.annotations.iter().filter_map(|a| a.entity.clone()))
        .collect();
    report.entity_fields(sel.project, mentioned.iter(), &[]);
    Ok((files, report))
}

/// `<doc-id>.tsv`, with anything but letters, digits, `-`, `_` and `.` made `-`, unique among
/// `taken`.
fn file_name(doc: &Document, taken: &mut HashSet<String>) -> String {
    let stem: String = doc
        .id
        .as_str()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let stem = stem.trim_start_matches('.');
    let stem = if stem.is_empty() { "document" } else { stem };
    let mut name = format!("{stem}.tsv");
    let mut n = 2;
    while !taken.insert(name.to_lowercase()) {
        name = format!("{stem}-{n}.tsv");
        n += 1;
    }
    name
}

/// What an INCEpTION project needs before it imports the files: its own reader refuses a
/// file whose layers or features the project lacks.
fn requirements(columns: &Layers) -> Vec<String> {
    let features = |own: &[&str], c: &Columns| {
        own.iter()
            .map(|f| format!("{f} (string)"))
            .chain(c.list.iter().map(|c| {
                format!(
                    "{} ({})",
                    c.name,
                    if c.boolean { "boolean" } else { "string" }
                )
            }))
            .collect::<Vec<_>>()
            .join(", ")
    };
    vec![
        format!(
            "INCEpTION imports these files only into a project that has, in Settings › Layers, a span layer named Marginalia (type {SPAN_LAYER}) with the features {}",
            features(&SPAN_FEATURES, &columns.span)
        ),
        format!(
            "and a relation layer named MarginaliaLink (type {LINK_LAYER}) attached to Marginalia with the features {}",
            features(&LINK_FEATURES, &columns.link)
        ),
    ]
}

/// The attribute columns of the two layers.
struct Layers {
    span: Columns,
    link: Columns,
}

/// The header of every file: the format, the span layer and the link layer with their
/// features, then two empty lines.
fn header(columns: &Layers) -> String {
    let names = |own: &[&str], c: &Columns| {
        own.iter()
            .map(|s| (*s).to_owned())
            .chain(c.list.iter().map(|c| c.name.clone()))
            .collect::<Vec<_>>()
            .join("|")
    };
    format!(
        "#FORMAT=WebAnno TSV 3.3\n#T_SP={SPAN_LAYER}|{}\n#T_RL={LINK_LAYER}|{}|BT_{SPAN_LAYER}\n\n",
        names(&SPAN_FEATURES, &columns.span),
        names(&LINK_FEATURES, &columns.link)
    )
}

/// A cell of an attribute column: its value, or what marks none (`false` in a boolean one).
fn or_none(value: Option<String>, column: Option<&codes::Column>) -> String {
    value.unwrap_or_else(|| {
        if column.is_some_and(|c| c.boolean) {
            "false".to_owned()
        } else {
            "*".to_owned()
        }
    })
}

/// One fragment written as a span: which tokens it covers.
struct Span<'a> {
    annotation: &'a Annotation,
    fragment: usize,
    range: Fragment,
    /// Index of its first and last token.
    first: usize,
    last: usize,
}

/// The TSV text of one document.
fn document(
    project: &Project,
    columns: &Layers,
    part: &DocPart<'_>,
    report: &mut Report,
) -> String {
    let text = &part.doc.text;
    let index = TextIndex::new(text);
    let cuts: Vec<ByteOffset> = part
        .annotations
        .iter()
        .flat_map(|a| a.fragments.iter().flat_map(|f| [f.start, f.end]))
        .collect();
    let tokens = tokenize(text, &cuts);

    let mut spans = Vec::new();
    for a in &part.annotations {
        let mut trimmed = false;
        let before = spans.len();
        for (k, f) in a.fragments.iter().enumerate() {
            let Some(run) = covered(&tokens, f.start..f.end) else {
                continue;
            };
            trimmed |= !aligned(&tokens, f.start..f.end);
            spans.push(Span {
                annotation: a,
                fragment: k,
                range: *f,
                first: run.start,
                last: run.end - 1,
            });
        }
        if a.note.contains('\r') {
            // A feature value is one line: a CR in a note is written as a line feed.
            report.field("note line ends");
        }
        let written = spans.len() - before;
        if written == 0 {
            report.span(a, LossKind::NoToken);
        } else if written > 1 {
            report.span(a, LossKind::Split { fragments: written });
        } else if trimmed || a.fragments.len() > 1 {
            // One span written: its edges cut at white space, or a fragment of white space
            // alone left out.
            report.span(a, LossKind::Trimmed);
        } else {
            report.annotations += 1;
        }
    }
    // The order of UIMA's annotation index: by start, longest first.
    spans.sort_by(|x, y| {
        (
            x.range.start,
            std::cmp::Reverse(x.range.end),
            &x.annotation.tag,
            &x.annotation.id,
            x.fragment,
        )
            .cmp(&(
                y.range.start,
                std::cmp::Reverse(y.range.end),
                &y.annotation.tag,
                &y.annotation.id,
                y.fragment,
            ))
    });

    // Spans on each token, and disambiguation ids, as INCEpTION assigns them: when a second
    // span lands on a token, every span there gets an id; a span over several tokens gets one.
    let mut on_token: Vec<Vec<usize>> = vec![Vec::new(); tokens.len()];
    let mut ids: Vec<Option<usize>> = vec![None; spans.len()];
    let mut next_id = 0;
    let mut assign = |ids: &mut Vec<Option<usize>>, s: usize| {
        if let Some(slot) = ids.get_mut(s)
            && slot.is_none()
        {
            next_id += 1;
            *slot = Some(next_id);
        }
    };
    for (s, span) in spans.iter().enumerate() {
        let mut order = vec![span.first];
        if span.last != span.first {
            order.push(span.last);
            order.extend(span.first + 1..span.last);
        }
        for t in order {
            let Some(list) = on_token.get_mut(t) else {
                continue;
            };
            if list.contains(&s) {
                continue;
            }
            list.push(s);
            if list.len() > 1 {
                for &x in list.iter() {
                    assign(&mut ids, x);
                }
            }
        }
        if span.last != span.first {
            assign(&mut ids, s);
        }
    }

    let unit_ids = unit_ids(&tokens);
    let unit = |t: usize| unit_ids.get(t).copied().unwrap_or_default();

    // Relations, on the first token of their target's first span.
    let mut first_span: HashMap<&AnnotationId, usize> = HashMap::new();
    for (s, span) in spans.iter().enumerate() {
        first_span.entry(&span.annotation.id).or_insert(s);
    }
    // Per token, the links that end there: their feature cells, then the source reference.
    let mut links: Vec<Vec<(Vec<String>, String)>> = vec![Vec::new(); tokens.len()];
    for r in &part.relations {
        let (Some(from), Some(to)) = (
            project.annotations.get(&r.from),
            project.annotations.get(&r.to),
        ) else {
            continue;
        };
        let (Some(&source), Some(&target)) = (first_span.get(&r.from), first_span.get(&r.to))
        else {
            report.relation(
                r,
                from,
                to,
                "one of its ends covers no token and was not written",
            );
            continue;
        };
        let (Some(src), Some(tgt)) = (spans.get(source), spans.get(target)) else {
            continue;
        };
        let mut reference = unit(src.first).to_string();
        let (a, b) = (
            ids.get(source).copied().flatten(),
            ids.get(target).copied().flatten(),
        );
        if a.is_some() || b.is_some() {
            let _ = write!(reference, "[{}_{}]", a.unwrap_or(0), b.unwrap_or(0));
        }
        if let Some(list) = links.get_mut(tgt.first) {
            if r.note.contains('\r') {
                report.field("note line ends");
            }
            let note = (!r.note.is_empty())
                .then(|| escape_value(&r.note.replace("\r\n", "\n").replace('\r', "\n")));
            let attributes = project
                .schema
                .relation(&r.kind)
                .map(|k| k.attributes.as_slice())
                .unwrap_or_default();
            let cells = columns.link.cells(
                r.kind.as_str(),
                attributes,
                &r.values,
                &project.codebooks,
                report,
                codes::LINK,
            );
            let mut features = vec![escape_value(r.kind.as_str()), or_none(note, None)];
            features.extend(
                cells
                    .into_iter()
                    .zip(&columns.link.list)
                    .map(|(v, c)| or_none(v, Some(c))),
            );
            list.push((features, reference));
            report.relations += 1;
        }
    }

    let mut out = header(columns);
    for a in &part.annotations {
        if a.entity
            .as_ref()
            .is_some_and(|e| !project.entities.contains_key(e))
        {
            report.field("entity");
        }
    }
    // Each annotation's attribute cells, counted once however many spans it is written as.
    let mut cells: HashMap<&AnnotationId, Vec<Option<String>>> = HashMap::new();
    for span in &spans {
        let a = span.annotation;
        cells.entry(&a.id).or_insert_with(|| {
            let attributes = project
                .schema
                .tag(&a.tag)
                .map(|t| t.attributes.as_slice())
                .unwrap_or_default();
            columns.span.cells(
                a.tag.as_str(),
                attributes,
                &a.values,
                &project.codebooks,
                report,
                codes::SPAN,
            )
        });
    }
    // Each span's feature values, escaped once rather than on every token it covers.
    let values: Vec<Vec<String>> = spans
        .iter()
        .map(|span| {
            let own = Feature::ALL.iter().map(|f| {
                f.value(project, span.annotation)
                    .unwrap_or_else(|| "*".to_owned())
            });
            let attributes = cells
                .get(&span.annotation.id)
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .zip(&columns.span.list)
                .map(|(v, c)| or_none(v.clone(), Some(c)));
            own.chain(attributes).collect()
        })
        .collect();
    let span_columns = Feature::ALL.len() + columns.span.list.len();
    let link_columns = LINK_FEATURES.len() + columns.link.list.len();
    for sentence in sentences(&tokens) {
        let (Some(first), Some(last)) = (tokens.get(sentence.start), tokens.get(sentence.end - 1))
        else {
            continue;
        };
        out.push('\n');
        for line in text
            .get(first.start.0..last.end.0)
            .unwrap_or_default()
            .split('\n')
        {
            out.push_str("#Text=");
            out.push_str(&escape_text(line));
            out.push('\n');
        }
        for t in sentence {
            let Some(token) = tokens.get(t) else {
                continue;
            };
            let fragment = Fragment::new(token.start..token.end);
            let (begin, end) = offsets(&index, &fragment, OffsetUnit::Utf16);
            let _ = write!(
                out,
                "{}\t{begin}-{end}\t{}\t",
                unit(t),
                text.get(token.bytes()).unwrap_or_default()
            );
            let here = on_token.get(t).map(Vec::as_slice).unwrap_or_default();
            for column in 0..span_columns {
                if here.is_empty() {
                    out.push('_');
                }
                for (i, &s) in here.iter().enumerate() {
                    if i > 0 {
                        out.push('|');
                    }
                    let value = values.get(s).and_then(|v| v.get(column));
                    out.push_str(value.map_or("*", String::as_str));
                    if let Some(id) = ids.get(s).copied().flatten() {
                        let _ = write!(out, "[{id}]");
                    }
                }
                out.push('\t');
            }
            let here = links.get(t).map(Vec::as_slice).unwrap_or_default();
            if here.is_empty() {
                out.push_str(&"_\t".repeat(link_columns + 1));
            } else {
                // Stacked links: each column joins their values with `|`.
                for column in 0..link_columns {
                    let cells: Vec<&str> = here
                        .iter()
                        .map(|l| l.0.get(column).map_or("*", String::as_str))
                        .collect();
                    let _ = write!(out, "{}\t", cells.join("|"));
                }
                let refs: Vec<&str> = here.iter().map(|l| l.1.as_str()).collect();
                let _ = write!(out, "{}\t", refs.join("|"));
            }
            out.push('\n');
        }
    }
    out
}

/// The span layer's features, in column order.
#[derive(Clone, Copy)]
enum Feature {
    Label,
    Entity,
    Note,
    Status,
}

impl Feature {
    const ALL: [Feature; 4] = [
        Feature::Label,
        Feature::Entity,
        Feature::Note,
        Feature::Status,
    ];

    /// The escaped value of this feature for `a`; `None` when it has none (written `*`).
    fn value(self, project: &Project, a: &Annotation) -> Option<String> {
        match self {
            Feature::Label => Some(escape_value(a.tag.as_str())),
            Feature::Entity => {
                let e = a.entity.as_ref().and_then(|e| project.entities.get(e))?;
                Some(escape_value(&e.name))
            }
            Feature::Note => (!a.note.is_empty())
                .then(|| escape_value(&a.note.replace("\r\n", "\n").replace('\r', "\n"))),
            Feature::Status => match a.status {
                ReviewStatus::Pending => None,
                ReviewStatus::Accepted => Some("accepted".to_owned()),
                ReviewStatus::Rejected => Some("rejected".to_owned()),
            },
        }
    }
}

/// A token's `sentence-token` id, both counted from 1.
#[derive(Clone, Copy, Default)]
struct Unit {
    sentence: usize,
    position: usize,
}

impl std::fmt::Display for Unit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.sentence, self.position)
    }
}

/// Each token's `sentence-token` id.
fn unit_ids(tokens: &[Token]) -> Vec<Unit> {
    let mut ids = Vec::with_capacity(tokens.len());
    let mut position = 0;
    let mut sentence = None;
    for t in tokens {
        if sentence != Some(t.sentence) {
            sentence = Some(t.sentence);
            position = 0;
        }
        position += 1;
        ids.push(Unit {
            sentence: t.sentence + 1,
            position,
        });
    }
    ids
}

/// The token index ranges of the sentences.
fn sentences(tokens: &[Token]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=tokens.len() {
        let boundary = match (tokens.get(i - 1), tokens.get(i)) {
            (Some(a), Some(b)) => a.sentence != b.sentence,
            _ => true,
        };
        if boundary {
            out.push(start..i);
            start = i;
        }
    }
    out
}

/// A feature value escaped as INCEpTION's `Escaping.escapeValue` does.
fn escape_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '|' => out.push_str("\\|"),
            '_' => out.push_str("\\_"),
            ';' => out.push_str("\\;"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '*' => out.push_str("\\*"),
            '-' if chars.peek() == Some(&'>') => {
                chars.next();
                out.push_str("\\->");
            }
            c => out.push(c),
        }
    }
    out
}

/// A `#Text=` line escaped as INCEpTION's `Escaping.escapeText` does: control characters
/// other than U+0009–U+000D behind a backslash, the usual Java escapes for tab, line feed,
/// form feed, carriage return and backspace, and doubled backslashes.
fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\u{8}' => out.push_str("\\b"),
            '\\' => out.push_str("\\\\"),
            '\u{0}'..='\u{7}' | '\u{e}'..='\u{1f}' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
