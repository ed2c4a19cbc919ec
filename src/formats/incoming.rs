//! Imports: the format-neutral shape every reader produces, and the planner that checks it
//! and turns it into one edit.
//!
//! The planner matches documents by the SHA-256 of their text (titles may differ) and adds
//! the others, maps incoming labels to the schema (adding the tag and relation types it lacks),
//! finds or creates entities by name, and checks every item: offsets past the text or inside a
//! character or grapheme, fragments that overlap, a quote that does not match, a relation to an
//! unknown span. Any problem refuses the whole import unless problems may be skipped; either
//! way the project is changed by one edit or not at all. Annotations already in the layer
//! (same document, tag and fragments) are not added twice, so importing a file again changes
//! nothing.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;
use std::path::PathBuf;

use jiff::Timestamp;
use serde::Serialize;

use crate::model::{
    Annotation, AnnotationId, CharOffset, DocId, Document, DocumentMeta, Edit, Entity, EntityId,
    EntityKind, Fragment, PALETTE, Project, Relation, RelationId, RelationKindId, RelationType,
    ReviewStatus, Rgb, Schema, TagId, TagType, TextIndex, Utf16Offset, fresh_id,
    is_grapheme_boundary, project_meta, quote_of, sha256_hex, unique_doc_id,
};

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
    /// Unicode code points (brat, doccano, spaCy, our own files).
    #[default]
    CodePoints,
    /// UTF-16 code units (Label Studio, WebAnno TSV).
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
    /// Problems met while reading (a line that does not parse …).
    pub problems: Vec<ImportProblem>,
}

/// A declared tag type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InTag {
    /// The label as the input writes it.
    pub name: String,
    /// Its colour, if the input gives one.
    pub color: Option<Rgb>,
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
}

/// An entity named by the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InEntity {
    /// Canonical name.
    pub name: String,
    /// Kind, if given.
    pub kind: Option<EntityKind>,
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
    /// The layers that received annotations.
    pub layers: Vec<String>,
    /// Problems skipped (only with `skip_invalid`).
    pub skipped: Vec<ImportProblem>,
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
    let mut planner = Planner::new(project, options);
    planner.problems.extend(incoming.problems);
    planner.declare(&incoming.tags, &incoming.relation_kinds);
    for doc in incoming.documents {
        planner.document(doc);
    }
    planner.finish()
}

/// The state of one import being planned.
struct Planner<'p> {
    project: &'p Project,
    options: &'p ImportOptions,
    schema: Schema,
    /// Incoming label (lower-cased) → tag id.
    tags: HashMap<String, TagId>,
    /// Incoming relation name (lower-cased) → relation type id.
    kinds: HashMap<String, RelationKindId>,
    /// Document text hash → doc id, for the project and the documents added so far.
    by_hash: HashMap<String, DocId>,
    /// Every id in the project and planned so far: a project file's tags, relation types,
    /// entities, documents, annotations and relations share one namespace.
    taken: HashSet<String>,
    /// Entity name or alias (lower-cased) → id, for the registry and new entities.
    entities: HashMap<String, EntityId>,
    /// (doc, tag, fragments, annotator) of every annotation, existing or planned → its id.
    spans: HashMap<(DocId, TagId, Vec<Fragment>, String), AnnotationId>,
    /// (kind, from, to, annotator) of every relation, existing or planned.
    links: HashSet<(RelationKindId, AnnotationId, AnnotationId, String)>,
    /// Ids of the annotations planned so far, with their tags.
    new_tags_of: HashMap<AnnotationId, TagId>,
    new_docs: Vec<Document>,
    new_entities: Vec<Entity>,
    annotations: Vec<Annotation>,
    relations: Vec<Relation>,
    layers: BTreeSet<String>,
    problems: Vec<ImportProblem>,
    report: ImportReport,
}

impl<'p> Planner<'p> {
    fn new(project: &'p Project, options: &'p ImportOptions) -> Self {
        let mut tags = HashMap::new();
        for t in &project.schema.tags {
            tags.insert(t.label.to_lowercase(), t.id.clone());
            tags.insert(t.id.as_str().to_lowercase(), t.id.clone());
        }
        let mut kinds = HashMap::new();
        for r in &project.schema.relations {
            kinds.insert(r.label.to_lowercase(), r.id.clone());
            kinds.insert(r.id.as_str().to_lowercase(), r.id.clone());
        }
        let mut entities = HashMap::new();
        for e in project.entities.values() {
            for name in std::iter::once(&e.name).chain(&e.aliases) {
                entities
                    .entry(name.to_lowercase())
                    .or_insert_with(|| e.id.clone());
            }
        }
        let spans = project
            .annotations
            .values()
            .map(|a| {
                (
                    (
                        a.doc.clone(),
                        a.tag.clone(),
                        a.fragments.clone(),
                        a.annotator.clone(),
                    ),
                    a.id.clone(),
                )
            })
            .collect();
        let links = project
            .relations
            .values()
            .map(|r| {
                (
                    r.kind.clone(),
                    r.from.clone(),
                    r.to.clone(),
                    r.annotator.clone(),
                )
            })
            .collect();
        Self {
            project,
            options,
            schema: project.schema.clone(),
            tags,
            kinds,
            by_hash: project
                .documents
                .iter()
                .map(|d| (d.sha256(), d.id.clone()))
                .collect(),
            taken: project
                .schema
                .tags
                .iter()
                .map(|t| t.id.to_string())
                .chain(project.schema.relations.iter().map(|r| r.id.to_string()))
                .chain(project.entities.keys().map(ToString::to_string))
                .chain(project.documents.iter().map(|d| d.id.to_string()))
                .chain(project.annotations.keys().map(ToString::to_string))
                .chain(project.relations.keys().map(ToString::to_string))
                .collect(),
            entities,
            spans,
            links,
            new_tags_of: HashMap::new(),
            new_docs: Vec::new(),
            new_entities: Vec::new(),
            annotations: Vec::new(),
            relations: Vec::new(),
            layers: BTreeSet::new(),
            problems: Vec::new(),
            report: ImportReport::default(),
        }
    }

    /// Adds the declared tag and relation types the schema lacks.
    fn declare(&mut self, tags: &[InTag], kinds: &[InRelationKind]) {
        for t in tags {
            let id = self.tag(&t.name);
            if let (Some(color), Some(tag)) = (
                t.color,
                self.schema
                    .tags
                    .iter_mut()
                    .find(|x| x.id == id && self.report.new_tags.contains(&x.id)),
            ) {
                tag.color = color;
            }
        }
        for k in kinds {
            let from: Vec<TagId> = k.from.iter().map(|l| self.tag(l)).collect();
            let to: Vec<TagId> = k.to.iter().map(|l| self.tag(l)).collect();
            let id = self.kind(&k.name);
            for (f, t) in from.iter().flat_map(|f| to.iter().map(move |t| (f, t))) {
                self.allow(&id, f, t);
            }
        }
    }

    /// `wanted`, or `wanted_2`, `wanted_3` …, whichever no id of the project or the plan has
    /// taken; taken from now on.
    fn claim(&mut self, wanted: &str) -> String {
        let id = unique(wanted, |s| self.taken.contains(s));
        self.taken.insert(id.clone());
        id
    }

    /// A fresh random id with `prefix`, taken from now on.
    fn fresh(&mut self, prefix: &str) -> String {
        loop {
            let id = fresh_id(prefix);
            if self.taken.insert(id.clone()) {
                return id;
            }
        }
    }

    /// The tag id for an incoming label, adding a tag type if the schema has none.
    fn tag(&mut self, label: &str) -> TagId {
        let key = label.trim().to_lowercase();
        if let Some(id) = self.tags.get(&key).or_else(|| self.tags.get(&slug(label))) {
            return id.clone();
        }
        let id = TagId(self.claim(&slug(label)));
        let color = PALETTE
            .get(self.schema.tags.len() % PALETTE.len())
            .copied()
            .unwrap_or(Rgb(128, 128, 128));
        self.schema.tags.push(TagType {
            id: id.clone(),
            label: label.trim().to_owned(),
            color,
            key: None,
            definition: String::new(),
            guideline: String::new(),
        });
        self.tags.insert(key, id.clone());
        self.report.new_tags.push(id.clone());
        id
    }

    /// The relation type id for an incoming name, adding a type if the schema has none.
    fn kind(&mut self, name: &str) -> RelationKindId {
        let key = name.trim().to_lowercase();
        if let Some(id) = self.kinds.get(&key).or_else(|| self.kinds.get(&slug(name))) {
            return id.clone();
        }
        let id = RelationKindId(self.claim(&slug(name)));
        self.schema.relations.push(RelationType {
            id: id.clone(),
            label: name.trim().to_owned(),
            from: Vec::new(),
            to: Vec::new(),
            definition: String::new(),
        });
        self.kinds.insert(key, id.clone());
        self.report.new_relation_kinds.push(id.clone());
        id
    }

    /// Lets relation type `id` link `from` to `to`, widening it if needed.
    fn allow(&mut self, id: &RelationKindId, from: &TagId, to: &TagId) {
        let Some(r) = self.schema.relations.iter_mut().find(|r| &r.id == id) else {
            return;
        };
        if r.allows(from, to) {
            return;
        }
        if !r.from.contains(from) {
            r.from.push(from.clone());
        }
        if !r.to.contains(to) {
            r.to.push(to.clone());
        }
        if !self.report.new_relation_kinds.contains(id) {
            self.report.new_relation_kinds.push(id.clone());
        }
    }

    fn annotator(&self, given: Option<&str>) -> String {
        self.options
            .annotator
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .or_else(|| {
                given
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| self.options.fallback_annotator.clone())
    }

    fn document(&mut self, mut doc: InDoc) {
        if doc.text.is_empty()
            && let Some(hash) = doc.sha256.as_deref()
        {
            let known = self
                .by_hash
                .get(&hash.to_lowercase())
                .and_then(|id| self.project.document(id));
            match known {
                Some(d) => doc.text = d.text.clone(),
                None => {
                    self.problems.push(ImportProblem::new(
                        doc.place.clone(),
                        format!(
                            "the annotations point at a text (SHA-256 {hash}) that is not in the project; add the article first"
                        ),
                    ));
                    return;
                }
            }
        }
        let hash = sha256_hex(&doc.text);
        let id = match self.by_hash.get(&hash) {
            Some(id) => {
                if !self.report.documents_matched.contains(id)
                    && !self.report.documents_added.contains(id)
                {
                    self.report.documents_matched.push(id.clone());
                }
                id.clone()
            }
            None => {
                let wanted = if doc.meta.title.trim().is_empty() {
                    doc.place
                        .file
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_else(|| "document".into())
                } else {
                    doc.meta.title.clone()
                };
                let id = unique_doc_id(&wanted, |s| self.taken.contains(s));
                let mut meta = doc.meta.clone();
                if meta.title.trim().is_empty() {
                    meta.title = wanted;
                }
                meta.status.clear();
                if meta
                    .published
                    .as_deref()
                    .is_some_and(|d| !crate::model::is_partial_iso_date(d))
                {
                    meta.published = None;
                }
                self.new_docs.push(Document {
                    id: id.clone(),
                    meta,
                    text: doc.text.clone(),
                });
                self.taken.insert(id.to_string());
                self.by_hash.insert(hash, id.clone());
                self.report.documents_added.push(id.clone());
                id
            }
        };
        let index = TextIndex::new(&doc.text);
        let mut keys: HashMap<String, Option<AnnotationId>> = HashMap::new();
        for a in doc.annotations {
            let key = a.key.clone();
            let placed = self.annotation(&id, &doc.text, &index, doc.unit, a);
            if keys.insert(key.clone(), placed).is_some() {
                // Two items with one key: relations to it would be ambiguous.
                keys.insert(key, None);
            }
        }
        for r in doc.relations {
            self.relation(&keys, r);
        }
    }

    /// Checks and plans one annotation; its id (new, or the one already there), or `None` if
    /// it was refused.
    fn annotation(
        &mut self,
        doc: &DocId,
        text: &str,
        index: &TextIndex,
        unit: OffsetUnit,
        a: InAnnotation,
    ) -> Option<AnnotationId> {
        let fail = |this: &mut Self, message: String| {
            this.problems
                .push(ImportProblem::new(a.place.clone(), message));
            None
        };
        if a.label.trim().is_empty() {
            return fail(self, format!("{} has no label", a.key));
        }
        if a.fragments.is_empty() {
            return fail(self, format!("{} has no offsets", a.key));
        }
        let mut fragments = Vec::with_capacity(a.fragments.len());
        for &(start, end) in &a.fragments {
            let to_byte = |o: usize| match unit {
                OffsetUnit::CodePoints => index.char_to_byte(CharOffset(o)),
                OffsetUnit::Utf16 => index.utf16_to_byte(Utf16Offset(o)),
            };
            if start >= end {
                return fail(
                    self,
                    format!("{}: span {start}–{end} is empty or reversed", a.key),
                );
            }
            let (s, e) = match (to_byte(start), to_byte(end)) {
                (Ok(s), Ok(e)) => (s, e),
                (Err(err), _) | (_, Err(err)) => {
                    return fail(self, format!("{}: span {start}–{end}: {err}", a.key));
                }
            };
            for (o, b) in [(start, s), (end, e)] {
                if !is_grapheme_boundary(text, b) {
                    return fail(
                        self,
                        format!(
                            "{}: offset {o} falls inside a character sequence shown as one (a grapheme cluster such as an emoji or an accented letter)",
                            a.key
                        ),
                    );
                }
            }
            fragments.push(Fragment::new(s..e));
        }
        fragments.sort_by_key(|f| f.start);
        if fragments.windows(2).any(|w| w[0].end > w[1].start) {
            return fail(self, format!("{}: its fragments overlap", a.key));
        }
        let Some(quote) = quote_of(text, &fragments) else {
            return fail(self, format!("{}: offsets do not fit the text", a.key));
        };
        if let Some(given) = a.quote.as_deref()
            && !quote_matches(given, text, &fragments)
        {
            return fail(
                self,
                format!(
                    "{}: the text at its offsets is {quote:?}, but the file says {given:?}",
                    a.key
                ),
            );
        }
        let tag = self.tag(&a.label);
        let annotator = self.annotator(a.annotator.as_deref());
        let span_key = (
            doc.clone(),
            tag.clone(),
            fragments.clone(),
            annotator.clone(),
        );
        if let Some(id) = self.spans.get(&span_key) {
            self.report.already_there += 1;
            return Some(id.clone());
        }
        // A mention of an entity without a name is a mention of none.
        let entity = a
            .entity
            .as_ref()
            .filter(|e| !e.name.trim().is_empty())
            .map(|e| self.entity(e));
        let id = AnnotationId(self.fresh("a"));
        self.spans.insert(span_key, id.clone());
        self.new_tags_of.insert(id.clone(), tag.clone());
        self.layers.insert(annotator.clone());
        self.annotations.push(Annotation {
            id: id.clone(),
            doc: doc.clone(),
            tag,
            fragments,
            quote,
            annotator,
            entity,
            note: a.note,
            status: a.status.unwrap_or_default(),
            created: self.options.now,
            modified: self.options.now,
        });
        Some(id)
    }

    fn entity(&mut self, e: &InEntity) -> EntityId {
        let key = e.name.trim().to_lowercase();
        if let Some(id) = self.entities.get(&key) {
            return id.clone();
        }
        let id = EntityId(self.fresh("e"));
        self.new_entities.push(Entity {
            id: id.clone(),
            name: e.name.trim().to_owned(),
            kind: e.kind.unwrap_or_default(),
            aliases: Vec::new(),
            note: String::new(),
        });
        self.report.new_entities.push(e.name.trim().to_owned());
        self.entities.insert(key, id.clone());
        id
    }

    fn relation(&mut self, keys: &HashMap<String, Option<AnnotationId>>, r: InRelation) {
        let end = |key: &str| -> Result<AnnotationId, String> {
            match keys.get(key) {
                Some(Some(id)) => Ok(id.clone()),
                Some(None) => Err(format!(
                    "relation {} refers to {key}, which was not imported or is not unique",
                    r.kind
                )),
                None => Err(format!(
                    "relation {} refers to {key}, which is not an annotation of this document",
                    r.kind
                )),
            }
        };
        let (from, to) = match (end(&r.from), end(&r.to)) {
            (Ok(f), Ok(t)) => (f, t),
            (Err(m), _) | (_, Err(m)) => {
                self.problems.push(ImportProblem::new(r.place, m));
                return;
            }
        };
        if r.kind.trim().is_empty() {
            self.problems
                .push(ImportProblem::new(r.place, "relation without a type"));
            return;
        }
        let kind = self.kind(&r.kind);
        let tag_of = |id: &AnnotationId| {
            self.project
                .annotations
                .get(id)
                .map(|a| a.tag.clone())
                .or_else(|| self.new_tags_of.get(id).cloned())
        };
        if let (Some(ft), Some(tt)) = (tag_of(&from), tag_of(&to)) {
            self.allow(&kind, &ft, &tt);
        }
        let annotator = self.annotator(r.annotator.as_deref());
        let link = (kind.clone(), from.clone(), to.clone(), annotator.clone());
        if !self.links.insert(link) {
            self.report.already_there += 1;
            return;
        }
        let id = RelationId(self.fresh("r"));
        self.layers.insert(annotator.clone());
        self.relations.push(Relation {
            id,
            kind,
            from,
            to,
            annotator,
        });
    }

    fn finish(mut self) -> Result<ImportPlan, ImportFailure> {
        // Reading and checking find problems in two passes; report them in input order.
        self.problems.sort_by(|a, b| a.place.cmp(&b.place));
        if !self.problems.is_empty() {
            if !self.options.skip_invalid {
                return Err(ImportFailure {
                    problems: self.problems,
                });
            }
            self.report.skipped = std::mem::take(&mut self.problems);
        }
        let mut edits = Vec::new();
        if self.schema != self.project.schema {
            edits.push(Edit::Schema {
                before: Box::new(self.project.schema.clone()),
                after: Box::new(self.schema.clone()),
            });
        }
        let first = self.project.documents.len();
        for (i, doc) in self.new_docs.into_iter().enumerate() {
            edits.push(Edit::Document {
                index: first + i,
                before: None,
                after: Some(Box::new(doc)),
            });
        }
        for e in self.new_entities {
            edits.push(Edit::Entity {
                id: e.id.clone(),
                before: None,
                after: Some(e),
            });
        }
        self.report.annotations = self.annotations.len();
        for a in self.annotations {
            edits.push(Edit::Annotation {
                id: a.id.clone(),
                before: None,
                after: Some(Box::new(a)),
            });
        }
        self.report.relations = self.relations.len();
        for r in self.relations {
            edits.push(Edit::Relation {
                id: r.id.clone(),
                before: None,
                after: Some(r),
            });
        }
        let before = project_meta(self.project);
        let mut after = before.clone();
        after.annotators.extend(self.layers.iter().cloned());
        if after != before {
            edits.push(Edit::Project {
                before: Box::new(before),
                after: Box::new(after),
            });
        }
        self.report.layers = self.layers.into_iter().collect();
        Ok(ImportPlan {
            edit: if edits.is_empty() {
                Edit::none()
            } else {
                Edit::Batch(edits)
            },
            report: self.report,
        })
    }
}

/// Whether a quote recorded by another tool matches the text at `fragments`: exactly, or
/// with the fragments joined by nothing or by any white space (tools join discontinuous
/// spans differently), or with runs of white space collapsed (Label Studio collapses them).
fn quote_matches(given: &str, text: &str, fragments: &[Fragment]) -> bool {
    let parts: Vec<&str> = fragments
        .iter()
        .filter_map(|f| text.get(f.bytes()))
        .collect();
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    given == parts.join(" ") || given == parts.concat() || squash(given) == squash(&parts.join(" "))
}

/// A tag or relation id made from a label: lower case, runs of anything but letters and digits
/// as one underscore.
pub(crate) fn slug(label: &str) -> String {
    let mut s = String::new();
    for c in label.trim().chars() {
        if c.is_alphanumeric() {
            s.extend(c.to_lowercase());
        } else if !s.ends_with('_') {
            s.push('_');
        }
    }
    let s = s.trim_matches('_').to_owned();
    if s.is_empty() { "tag".to_owned() } else { s }
}

/// `wanted`, or `wanted_2`, `wanted_3` … whichever is not taken.
fn unique(wanted: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(wanted) {
        return wanted.to_owned();
    }
    (2..)
        .map(|n| format!("{wanted}_{n}"))
        .find(|s| !taken(s))
        .unwrap_or_else(|| wanted.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::fixture;

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
                name: "Location".into(),
                color: Some(Rgb(1, 2, 3)),
            }],
            ..Incoming::default()
        };
        let report = apply(&mut p, incoming, &options());
        assert_eq!(report.new_tags, [TagId("location".into())]);
        let location = p.schema.tag(&TagId("location".into())).expect("added");
        assert_eq!(
            (location.label.as_str(), location.color),
            ("Location", Rgb(1, 2, 3))
        );
        assert_eq!(
            report.new_relation_kinds,
            [
                RelationKindId("said_by".into()),
                RelationKindId("origin".into())
            ]
        );
        let said_by = p
            .schema
            .relation(&RelationKindId("said_by".into()))
            .expect("kept");
        assert!(said_by.allows(&TagId("claim".into()), &TagId("location".into())));
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
        titled.meta.title = "Claim".into();
        let mut nameless = ann("T2", "d1", &[(2, 6)], 2);
        nameless.entity = Some(InEntity {
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
}
