//! Imports: the format-neutral shape every reader produces, and the planner that checks it
//! and turns it into one edit.
//!
//! The planner matches documents by the SHA-256 of their text (titles may differ), a document
//! rebuilt from tokens (CoNLL) also by its characters without white space, and adds the others, maps incoming labels to the schema (adding the tag and relation types it lacks),
//! finds or creates entities by name, and checks every item: offsets past the text or inside a
//! character or grapheme, fragments that overlap, a quote that does not match, a relation to an
//! unknown span. Any problem refuses the whole import unless problems may be skipped; either
//! way the project is changed by one edit or not at all. Annotations already in the layer
//! (same document, tag and fragments) are not added twice, so importing a file again changes
//! nothing; items marked [`InAnnotation::distinct`] (brat's events sharing a trigger) each take
//! at most one of them, the one with the same links if there is one.

use std::fmt;
use std::path::PathBuf;

use jiff::Timestamp;
use serde::Serialize;

use crate::model::{
    DocId, DocumentMeta, Edit, EntityKind, ExternalRef, Project, RelationKindId, ReviewStatus, Rgb,
    TagId, VariableKind,
};

mod codes;
mod planner;
mod respaced;

pub(crate) use planner::slug;

/// Where an incoming item was read: a file and, where the format has lines, a 1-based line.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Place {
    /// The input file.
    pub file: PathBuf,
    /// The 1-based line, when the format has lines.
    pub line: Option<usize>,
}

impl Place {
    /// A place in `file` at 1-based `line`.
    pub fn line(file: impl Into<PathBuf>, line: usize) -> Self {
        Self {
            file: file.into(),
            line: Some(line),
        }
    }

    /// A whole file.
    pub fn file(file: impl Into<PathBuf>) -> Self {
        Self {
            file: file.into(),
            line: None,
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}", self.file.display()),
            None => write!(f, "{}", self.file.display()),
        }
    }
}

/// One problem found in the input: where, and what was expected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ImportProblem {
    /// Where.
    pub place: Place,
    /// What is wrong and what was expected.
    pub message: String,
}

impl ImportProblem {
    /// A problem at `place`.
    pub fn new(place: Place, message: impl Into<String>) -> Self {
        Self {
            place,
            message: message.into(),
        }
    }
}

impl fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

/// The unit the incoming offsets count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OffsetUnit {
    /// Unicode code points (brat, doccano, spaCy, Label Studio, our own files).
    #[default]
    CodePoints,
    /// UTF-16 code units (WebAnno TSV, and our Label Studio exports before they counted code
    /// points).
    Utf16,
}

/// Everything a reader found in its inputs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Incoming {
    /// The documents, with their annotations.
    pub documents: Vec<InDoc>,
    /// Tag types the input declares (brat's `annotation.conf` and `visual.conf`), in order.
    pub tags: Vec<InTag>,
    /// Relation types the input declares.
    pub relation_kinds: Vec<InRelationKind>,
    /// Article variables the input declares (Label Studio's task-level choices …), by name.
    /// A variable a document names without a declaration comes in as text.
    pub variables: Vec<InVariable>,
    /// Problems met while reading (a line that does not parse …).
    pub problems: Vec<ImportProblem>,
    /// What the reader read otherwise than the input says, one counted line each (Label
    /// Studio's bidirectional relations taken as from → to …), for the import report.
    pub notes: Vec<String>,
    /// Paragraphs for the project's notes, each added unless the notes hold it already
    /// (brat's `annotation.conf`, kept so that the export writes the corpus's rules back).
    pub project_notes: Vec<String>,
}

/// A declared tag type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InTag {
    /// The label as the input writes it.
    pub name: String,
    /// Its colour, if the input gives one.
    pub color: Option<Rgb>,
    /// The attributes it declares (brat's `[attributes]`, a WebAnno feature column …).
    pub attributes: Vec<InAttribute>,
}

/// An attribute an incoming tag or relation type declares. A value of an attribute no
/// declaration names comes in as an attribute of the kind its value has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InAttribute {
    /// The name as the input writes it (`Negation`, `stance`).
    pub name: String,
    /// What its values are.
    pub kind: InAttributeKind,
}

/// The kinds of incoming attribute, as [`crate::model::AttributeKind`] without ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InAttributeKind {
    /// Present or not.
    Flag,
    /// One (or several) of these values, as the input spells them.
    Choice {
        /// The values, in order.
        values: Vec<String>,
        /// Whether several may be chosen at once.
        multiple: bool,
    },
    /// An integer from `min` to `max`.
    Scale {
        /// Smallest value.
        min: i32,
        /// Largest value.
        max: i32,
    },
    /// Free text.
    Text,
    /// A code of an open vocabulary, named by the attribute (a codebook of that name).
    Code,
}

/// A value read for an attribute of a span or link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InValue {
    /// A flag that is set.
    Flag,
    /// Choices, as the input spells them (a value's label or id).
    Choice(Vec<String>),
    /// A whole number.
    Number(i32),
    /// Free text.
    Text(String),
    /// A code, by its label, id or alias.
    Code(String),
}

/// An article variable the input declares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InVariable {
    /// The name as the input writes it.
    pub name: String,
    /// What its values are.
    pub kind: VariableKind,
}

/// A declared relation type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InRelationKind {
    /// The name as the input writes it.
    pub name: String,
    /// Labels it may start from.
    pub from: Vec<String>,
    /// Labels it may point to.
    pub to: Vec<String>,
    /// The attributes it declares.
    pub attributes: Vec<InAttribute>,
}

/// One incoming document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InDoc {
    /// Where the text came from.
    pub place: Place,
    /// Title and other metadata for a document that is new to the project (`status` is ignored).
    pub meta: DocumentMeta,
    /// The text, exactly as the offsets count it. Empty when the input does not carry the
    /// text (W3C annotations point at it): then `sha256` names a document of the project.
    pub text: String,
    /// The SHA-256 (lower-case hex) of the text, for inputs that name the document by hash
    /// instead of carrying its text.
    pub sha256: Option<String>,
    /// What the offsets count.
    pub unit: OffsetUnit,
    /// The annotations.
    pub annotations: Vec<InAnnotation>,
    /// The relations, by annotation key.
    pub relations: Vec<InRelation>,
    /// Values of article variables, by the variable's name as the input writes it. A
    /// document already in the project gains those it has no value for.
    pub variables: Vec<(String, String)>,
    /// The input keeps the text but not its white space everywhere (WebAnno TSV keeps the
    /// sentences and fills what lies between them with spaces and line breaks): a project
    /// document that differs only in which white-space character stands where, and in white
    /// space at the end, is this one, and its text is kept.
    pub white_space_may_differ: bool,
}

/// One incoming annotation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InAnnotation {
    /// Its id in the input (brat's `T3`, a span index …), for relations to refer to.
    pub key: String,
    /// Where it was read.
    pub place: Place,
    /// The label as the input writes it.
    pub label: String,
    /// `(start, end)` pairs in the document's unit.
    pub fragments: Vec<(usize, usize)>,
    /// The covered text, if the input records it (checked against the offsets).
    pub quote: Option<String>,
    /// Who made it, if the input says.
    pub annotator: Option<String>,
    /// The entity it mentions, if the input says.
    pub entity: Option<InEntity>,
    /// A note.
    pub note: String,
    /// Review status, if the input records one.
    pub status: Option<ReviewStatus>,
    /// Values of attributes, by the attribute's name as the input writes it.
    pub values: Vec<(String, InValue)>,
    /// An item of its own even where another of the input has the same tag and fragments
    /// (brat's events sharing a trigger): the planner matches it to an annotation already in
    /// the project only one to one, never two incoming to one.
    pub distinct: bool,
}

/// An entity named by the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InEntity {
    /// Canonical name.
    pub name: String,
    /// Kind, if given.
    pub kind: Option<EntityKind>,
    /// References to knowledge bases (brat's `N` lines); an entity already in the registry
    /// gains those it lacks.
    pub refs: Vec<ExternalRef>,
}

/// One incoming relation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InRelation {
    /// Where it was read.
    pub place: Place,
    /// The relation type as the input writes it.
    pub kind: String,
    /// Key of the annotation it starts from.
    pub from: String,
    /// Key of the annotation it points to.
    pub to: String,
    /// Who made it, if the input says.
    pub annotator: Option<String>,
    /// A note.
    pub note: String,
    /// Values of attributes, by the attribute's name as the input writes it.
    pub values: Vec<(String, InValue)>,
}

/// How to import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportOptions {
    /// Put everything in this layer (`--annotator`), whatever the input says.
    pub annotator: Option<String>,
    /// The layer for items whose input does not say who made them.
    pub fallback_annotator: String,
    /// Skip invalid items (and report them) instead of refusing the whole import.
    pub skip_invalid: bool,
    /// The time stamped on new annotations.
    pub now: Timestamp,
}

/// What an import will do, before it is applied.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// Documents already in the project (matched by text), by id.
    pub documents_matched: Vec<DocId>,
    /// Documents added, by id.
    pub documents_added: Vec<DocId>,
    /// Annotations added.
    pub annotations: usize,
    /// Relations added.
    pub relations: usize,
    /// Annotations and relations already in the project, not added again.
    pub already_there: usize,
    /// Tag types added to the schema.
    pub new_tags: Vec<TagId>,
    /// Relation types added to the schema (or widened to allow new ends).
    pub new_relation_kinds: Vec<RelationKindId>,
    /// Entities added to the registry.
    pub new_entities: Vec<String>,
    /// Attributes added to the schema (or widened to allow new values), as `tag.attribute`.
    pub new_attributes: Vec<String>,
    /// Codes added to codebooks, as `codebook: code`.
    pub new_codes: Vec<String>,
    /// Article variables added to the schema.
    pub new_variables: Vec<String>,
    /// Values set: on spans and links, and article variables of documents.
    pub values: usize,
    /// The layers that received annotations.
    pub layers: Vec<String>,
    /// Problems skipped (only with `skip_invalid`).
    pub skipped: Vec<ImportProblem>,
    /// What the reader read otherwise than the input says, one counted line each.
    pub notes: Vec<String>,
}

impl ImportReport {
    /// The report as lines of text.
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "{} annotations and {} relations into {} ({} documents matched by text, {} added)\n",
            self.annotations,
            self.relations,
            if self.layers.is_empty() {
                "no layer".to_owned()
            } else {
                self.layers.join(", ")
            },
            self.documents_matched.len(),
            self.documents_added.len(),
        );
        if self.already_there > 0 {
            s.push_str(&format!(
                "{} already in the project, not added again\n",
                self.already_there
            ));
        }
        let list = |ids: Vec<String>| ids.join(", ");
        if !self.new_tags.is_empty() {
            s.push_str(&format!(
                "new tag types: {}\n",
                list(self.new_tags.iter().map(ToString::to_string).collect())
            ));
        }
        if !self.new_relation_kinds.is_empty() {
            s.push_str(&format!(
                "new or widened relation types: {}\n",
                list(
                    self.new_relation_kinds
                        .iter()
                        .map(ToString::to_string)
                        .collect()
                )
            ));
        }
        if !self.new_entities.is_empty() {
            s.push_str(&format!("new entities: {}\n", self.new_entities.join(", ")));
        }
        if self.values > 0 {
            s.push_str(&format!(
                "{} values of attributes and variables\n",
                self.values
            ));
        }
        for (what, names) in [
            ("new or widened attributes", &self.new_attributes),
            ("new codes", &self.new_codes),
            ("new article variables", &self.new_variables),
        ] {
            if !names.is_empty() {
                s.push_str(&format!("{what}: {}\n", names.join(", ")));
            }
        }
        for note in &self.notes {
            s.push_str(note);
            s.push('\n');
        }
        if !self.skipped.is_empty() {
            s.push_str(&format!("{} problems skipped:\n", self.skipped.len()));
            for p in &self.skipped {
                s.push_str(&format!("  {p}\n"));
            }
        }
        s
    }
}

/// A checked import: the edit to apply and what it does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportPlan {
    /// One edit (one undo step) that does the whole import.
    pub edit: Edit,
    /// What it does.
    pub report: ImportReport,
}

/// An import refused: every problem, by file and line. Nothing was changed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ImportFailure {
    /// The problems, in input order.
    pub problems: Vec<ImportProblem>,
}

impl fmt::Display for ImportFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "nothing imported: {} problem{} (use --skip-invalid to import the rest)",
            self.problems.len(),
            if self.problems.len() == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            writeln!(f, "  {p}")?;
        }
        Ok(())
    }
}

/// Checks `incoming` against `project` and plans the import as one edit.
pub fn plan_import(
    project: &Project,
    incoming: Incoming,
    options: &ImportOptions,
) -> Result<ImportPlan, ImportFailure> {
    let mut planner = planner::Planner::new(project, options);
    planner.problems.extend(incoming.problems);
    planner.report.notes = incoming.notes;
    planner.project_notes = incoming.project_notes;
    planner.declare(&incoming.tags, &incoming.relation_kinds);
    planner.declare_variables(&incoming.variables);
    for doc in incoming.documents {
        planner.document(doc);
    }
    planner.finish()
}

#[cfg(test)]
mod tests;
