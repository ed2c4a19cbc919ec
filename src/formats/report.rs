//! What an export wrote and what the format could not carry.
//!
//! Nothing is dropped silently: every span or relation a format cannot hold is listed with the
//! reason, and fields it has no place for (notes, entities …) are counted.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::PathBuf;

use serde::Serialize;

use crate::model::{Annotation, DocId, Document, EntityId, EntityKind, Project, Relation};

/// The names under which [`Report`] counts fields not carried that are shared by several
/// formats, so that every format counts a value under the same name.
pub mod field {
    /// A document's title.
    pub const DOCUMENT_TITLE: &str = "document title";
    /// A document's source (publication or site).
    pub const DOCUMENT_SOURCE: &str = "document source";
    /// A document's author.
    pub const DOCUMENT_AUTHOR: &str = "document author";
    /// A document's publication date.
    pub const DOCUMENT_DATE: &str = "document date";
    /// A document's url.
    pub const DOCUMENT_URL: &str = "document url";
    /// A document's progress per annotator.
    pub const DOCUMENT_STATUS: &str = "document status";
    /// An entity's kind, when it is not the default.
    pub const ENTITY_KIND: &str = "entity kind";
    /// An entity's aliases.
    pub const ENTITY_ALIASES: &str = "entity aliases";
    /// An entity's note.
    pub const ENTITY_NOTE: &str = "entity note";
    /// A relation's annotator, when it differs from its source annotation's.
    pub const RELATION_ANNOTATOR: &str = "relation annotator";
    /// A value of an attribute on a span (stance, concept …).
    pub const ATTRIBUTE_VALUE: &str = "attribute value";
    /// A value of an attribute on a link.
    pub const LINK_VALUE: &str = "link attribute value";
    /// A note on a link.
    pub const LINK_NOTE: &str = "link note";
    /// A value of an article variable.
    pub const ARTICLE_VARIABLE: &str = "article variable";
    /// An entity's reference to a knowledge base.
    pub const ENTITY_REFERENCE: &str = "entity reference";
}

/// The outcome of an export.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The format's command-line name (`conll`, `brat` …).
    pub format: &'static str,
    /// The unit the offsets were written in, for formats that write offsets.
    pub unit: Option<&'static str>,
    /// The annotator layers exported.
    pub layers: Vec<String>,
    /// Documents written.
    pub documents: usize,
    /// Annotations written in full (a split or dropped one is in `not_carried` instead).
    pub annotations: usize,
    /// Relations written.
    pub relations: usize,
    /// Files written, once they are on disk.
    pub files: Vec<PathBuf>,
    /// Folders the export made because the output named them and they did not exist, parents
    /// first (said, so that a mistyped `-o` does not go unnoticed).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub folders_made: Vec<PathBuf>,
    /// Spans and relations the format could not carry as they are, one entry each.
    pub not_carried: Vec<Loss>,
    /// Fields the format has no place for, by name (`note`, `entity` …): how many values were
    /// left out.
    pub fields_not_carried: BTreeMap<&'static str, usize>,
    /// What the tool that reads the files must have before it can (INCEpTION: the layers and
    /// features of a WebAnno TSV export), one sentence each.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub requires: Vec<String>,
}

/// One span or relation a format could not carry as it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Loss {
    /// The document it belongs to.
    pub doc: DocId,
    /// The annotation's or relation's id.
    pub id: String,
    /// The tag or relation type.
    pub label: String,
    /// The covered text (for a relation: the two ends' quotes joined by an arrow).
    pub quote: String,
    /// What happened to it.
    #[serde(flatten)]
    pub kind: LossKind,
}

/// Why, and what became of the item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum LossKind {
    /// Not written: it shares tokens with `with`, which was written, and the format holds one
    /// label per token.
    Overlap {
        /// The annotation written instead.
        with: String,
    },
    /// Not written: it has several fragments and the format holds one continuous span.
    Discontinuous {
        /// How many fragments it has.
        fragments: usize,
    },
    /// Written as one span per fragment, so a reader sees `fragments` spans, not one.
    Split {
        /// How many fragments it has.
        fragments: usize,
    },
    /// Not written: it covers no whole token, and the format labels tokens.
    NoToken,
    /// Written with its fragments cut around the line breaks it covers, because the format
    /// holds no line break inside a span (brat's text field is one line): a reader sees
    /// `fragments` fragments that leave the line breaks out. With none it covers only line
    /// breaks and was not written.
    LineBreak {
        /// How many fragments were written.
        fragments: usize,
    },
    /// Written without the white space at its start or end: the format cannot address the
    /// space between tokens.
    Trimmed,
    /// Not written: the format has no place for a span of its tag (the discourse network
    /// holds actors, claims and conditions only).
    Omitted {
        /// Why the span is missing.
        why: &'static str,
    },
    /// A relation not written, with the reason.
    Relation {
        /// Why the relation is missing.
        why: &'static str,
    },
}

impl LossKind {
    /// Words for the analyst.
    pub fn describe(&self) -> String {
        match self {
            LossKind::Overlap { with } => format!("overlaps {with}, which was written instead"),
            LossKind::Discontinuous { fragments } => {
                format!("discontinuous ({fragments} fragments), not written")
            }
            LossKind::Split { fragments } => {
                format!("discontinuous, written as {fragments} separate spans")
            }
            LossKind::NoToken => "covers no whole token, not written".to_owned(),
            LossKind::LineBreak { fragments: 0 } => {
                "covers only line breaks, not written".to_owned()
            }
            LossKind::LineBreak { fragments } => {
                format!("crosses a line break, written as {fragments} fragments around it")
            }
            LossKind::Trimmed => "starts or ends in white space, written without it".to_owned(),
            LossKind::Omitted { why } => format!("not written: {why}"),
            LossKind::Relation { why } => format!("relation not written: {why}"),
        }
    }

    /// A short name for counting.
    pub fn name(&self) -> &'static str {
        match self {
            LossKind::Overlap { .. } => "overlapping",
            LossKind::Discontinuous { .. } => "discontinuous",
            LossKind::Split { .. } => "split",
            LossKind::NoToken => "no whole token",
            LossKind::LineBreak { .. } => "line breaks",
            LossKind::Trimmed => "trimmed",
            LossKind::Omitted { .. } => "left out",
            LossKind::Relation { .. } => "relations",
        }
    }
}

impl Report {
    /// A report for `format` with offsets in `unit`.
    pub fn new(format: &'static str, unit: Option<&'static str>, layers: Vec<String>) -> Self {
        Self {
            format,
            unit,
            layers,
            ..Self::default()
        }
    }

    /// Records that `annotation` could not be carried as it is.
    pub fn span(&mut self, annotation: &Annotation, kind: LossKind) {
        self.not_carried.push(Loss {
            doc: annotation.doc.clone(),
            id: annotation.id.to_string(),
            label: annotation.tag.to_string(),
            quote: annotation.quote.clone(),
            kind,
        });
    }

    /// Records that `relation` (between `from` and `to`) was not written, and why.
    pub fn relation(
        &mut self,
        relation: &Relation,
        from: &Annotation,
        to: &Annotation,
        why: &'static str,
    ) {
        self.not_carried.push(Loss {
            doc: from.doc.clone(),
            id: relation.id.to_string(),
            label: relation.kind.to_string(),
            quote: format!("{} → {}", from.quote, to.quote),
            kind: LossKind::Relation { why },
        });
    }

    /// Counts one value of `field` the format has no place for.
    pub fn field(&mut self, field: &'static str) {
        *self.fields_not_carried.entry(field).or_default() += 1;
    }

    /// Counts the fields of `annotation` that are set and that the format cannot carry, among
    /// `note`, `entity` and `status`.
    pub fn fields_of(&mut self, annotation: &Annotation, carried: &[&str]) {
        let set = [
            ("note", !annotation.note.is_empty()),
            ("entity", annotation.entity.is_some()),
            (
                "status",
                annotation.status != crate::model::ReviewStatus::Pending,
            ),
        ];
        for (field, is_set) in set {
            if is_set && !carried.contains(&field) {
                self.field(field);
            }
        }
    }

    /// Adds what another report of the same export (one document's, made in parallel) counted.
    pub fn absorb(&mut self, other: Report) {
        self.documents += other.documents;
        self.annotations += other.annotations;
        self.relations += other.relations;
        self.not_carried.extend(other.not_carried);
        for (field, n) in other.fields_not_carried {
            *self.fields_not_carried.entry(field).or_default() += n;
        }
    }

    /// Counts the metadata of `doc` that is set (not blank) and that the format cannot carry:
    /// the `document …` names of [`field`] not in `carried`, one count per value.
    pub fn document_fields(&mut self, doc: &Document, carried: &[&str]) {
        let meta = &doc.meta;
        let set = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
        for (name, is_set) in [
            (field::DOCUMENT_TITLE, !meta.title.trim().is_empty()),
            (field::DOCUMENT_SOURCE, set(&meta.source)),
            (field::DOCUMENT_AUTHOR, set(&meta.author)),
            (field::DOCUMENT_DATE, set(&meta.published)),
            (field::DOCUMENT_URL, set(&meta.url)),
            (field::DOCUMENT_STATUS, !meta.status.is_empty()),
        ] {
            if is_set && !carried.contains(&name) {
                self.field(name);
            }
        }
    }

    /// Counts the details of the entities `mentioned` (each entity once, however often it is
    /// mentioned) that the format cannot carry: a kind other than the default, aliases and a
    /// note, under the `entity …` names of [`field`] not in `carried`. Ids missing from the
    /// registry are skipped: the caller counts them as `entity`.
    pub fn entity_fields<'a>(
        &mut self,
        project: &Project,
        mentioned: impl IntoIterator<Item = &'a EntityId>,
        carried: &[&str],
    ) {
        let unique: BTreeSet<&EntityId> = mentioned.into_iter().collect();
        for e in unique.into_iter().filter_map(|id| project.entities.get(id)) {
            for (name, is_set) in [
                (field::ENTITY_KIND, e.kind != EntityKind::default()),
                (field::ENTITY_ALIASES, !e.aliases.is_empty()),
                (field::ENTITY_NOTE, !e.note.is_empty()),
            ] {
                if is_set && !carried.contains(&name) {
                    self.field(name);
                }
            }
        }
    }

    /// Counts the codes of the selection that the format has no place for: values on spans
    /// and links, notes on links, article variables, and the knowledge-base references of
    /// the entities mentioned, under the names of [`field`] not in `carried`.
    pub fn codes_of(&mut self, sel: &super::select::Selection<'_>, carried: &[&str]) {
        let mut count = |name: &'static str, n: usize| {
            if n > 0 && !carried.contains(&name) {
                *self.fields_not_carried.entry(name).or_default() += n;
            }
        };
        let mut mentioned = BTreeSet::new();
        for part in &sel.docs {
            count(field::ARTICLE_VARIABLE, part.doc.meta.variables.len());
            count(
                field::ATTRIBUTE_VALUE,
                part.annotations.iter().map(|a| a.values.len()).sum(),
            );
            count(
                field::LINK_VALUE,
                part.relations.iter().map(|r| r.values.len()).sum(),
            );
            count(
                field::LINK_NOTE,
                part.relations.iter().filter(|r| !r.note.is_empty()).count(),
            );
            mentioned.extend(part.annotations.iter().filter_map(|a| a.entity.as_ref()));
        }
        let refs = mentioned
            .into_iter()
            .filter_map(|id| sel.project.entities.get(id))
            .map(|e| e.refs.len())
            .sum();
        count(field::ENTITY_REFERENCE, refs);
    }

    /// For a format that writes relations without their annotator: counts `relation`'s
    /// annotator as not carried when it differs from that of `from`, its source annotation.
    /// When they are the same a reader loses nothing: it puts the relation in the layer of the
    /// annotation it starts from.
    pub fn relation_annotator(&mut self, relation: &Relation, from: &Annotation) {
        if relation.annotator != from.annotator {
            self.field(field::RELATION_ANNOTATOR);
        }
    }

    /// How many items were not carried, by [`LossKind::name`].
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for loss in &self.not_carried {
            *counts.entry(loss.kind.name()).or_default() += 1;
        }
        counts
    }

    /// The report as lines of text: a summary line, the counts, then every item.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let unit = self
            .unit
            .map(|u| format!(", offsets in {u}"))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "{}: {} documents, {} annotations, {} relations written{unit} (layers: {})",
            self.format,
            self.documents,
            self.annotations,
            self.relations,
            if self.layers.is_empty() {
                "none".to_owned()
            } else {
                self.layers.join(", ")
            }
        );
        for d in &self.folders_made {
            let _ = writeln!(s, "  made the folder {}", d.display());
        }
        for f in &self.files {
            let _ = writeln!(s, "  {}", f.display());
        }
        for r in &self.requires {
            let _ = writeln!(s, "before importing: {r}");
        }
        if self.not_carried.is_empty() && self.fields_not_carried.is_empty() {
            let _ = writeln!(s, "everything was carried");
            return s;
        }
        if !self.not_carried.is_empty() {
            let counts: Vec<String> = self
                .counts()
                .iter()
                .map(|(k, n)| format!("{n} {k}"))
                .collect();
            let _ = writeln!(
                s,
                "not carried by {}: {} ({})",
                self.format,
                self.not_carried.len(),
                counts.join(", ")
            );
            for loss in &self.not_carried {
                let _ = writeln!(
                    s,
                    "  {} {} {} {:?}: {}",
                    loss.doc,
                    loss.id,
                    loss.label,
                    loss.quote,
                    loss.kind.describe()
                );
            }
        }
        if !self.fields_not_carried.is_empty() {
            let fields: Vec<String> = self
                .fields_not_carried
                .iter()
                .map(|(k, n)| format!("{k} ({n})"))
                .collect();
            let _ = writeln!(
                s,
                "fields {} has no place for: {}",
                self.format,
                fields.join(", ")
            );
        }
        s
    }
}

#[cfg(test)]
#[path = "report_tests.rs"]
mod tests;
