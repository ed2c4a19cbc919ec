//! The planner: checks incoming items against the project and builds the import's one edit.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::model::{
    Annotation, AnnotationId, CharOffset, Codebook, CodebookId, DocId, DocIdSeries, Document,
    DocumentMeta, Edit, Entity, EntityId, Fragment, PALETTE, Project, Relation, RelationId,
    RelationKindId, RelationType, Rgb, Schema, TagId, TagType, TextIndex, Tokens, Utf16Offset,
    fresh_id, is_grapheme_boundary, project_meta, quote_of, sha256_hex,
};

use super::codes::Owner;
use super::{
    ImportFailure, ImportOptions, ImportPlan, ImportProblem, ImportReport, InAnnotation, InDoc,
    InEntity, InRelation, InRelationKind, InTag, OffsetUnit,
};

/// The state of one import being planned.
pub(super) struct Planner<'p> {
    pub(super) project: &'p Project,
    options: &'p ImportOptions,
    pub(super) schema: Schema,
    /// The project's codebooks, with the codes planned so far.
    pub(super) codebooks: crate::model::SharedMap<CodebookId, Codebook>,
    /// Documents already in the project that gain article variables, with their new metadata.
    pub(super) meta_updates: BTreeMap<DocId, DocumentMeta>,
    /// Entities already in the registry that gain references, as they will be.
    pub(super) entity_updates: BTreeMap<EntityId, Entity>,
    /// Incoming label (lower-cased) → tag id.
    tags: HashMap<String, TagId>,
    /// Incoming relation name (lower-cased) → relation type id.
    kinds: HashMap<String, RelationKindId>,
    /// Document text hash → doc id, for the project and the documents added so far.
    by_hash: HashMap<String, DocId>,
    /// The project's documents by their characters without white space, made when a
    /// document rebuilt from tokens first needs it.
    by_characters: Option<HashMap<String, DocId>>,
    /// The documents of the project and of this import by [`white_space_shape`], made when a
    /// document whose white space may differ first needs it, then kept up to date.
    by_shape: Option<HashMap<String, Vec<DocId>>>,
    /// Every id in the project and planned so far: a project file's tags, relation types,
    /// entities, documents, annotations and relations share one namespace.
    taken: HashSet<String>,
    /// The next number to try for each document id base ("in-2", "in-3" …).
    doc_ids: DocIdSeries,
    /// Entity name or alias (lower-cased) → id, for the registry and new entities.
    entities: HashMap<String, EntityId>,
    /// (doc, tag, fragments, annotator) of every annotation, existing or planned → their
    /// ids (existing ones in id order, then those planned).
    spans: HashMap<SpanKey, Vec<AnnotationId>>,
    /// The links out of each annotation of the project: (kind, to).
    links_out: HashMap<AnnotationId, BTreeSet<(RelationKindId, AnnotationId)>>,
    /// The annotations distinct incoming items of the document being planned have taken (each
    /// at most once).
    distinct_taken: HashSet<AnnotationId>,
    /// Paragraphs to add to the project's notes (see [`super::Incoming::project_notes`]).
    pub(super) project_notes: Vec<String>,
    /// (kind, from, to, annotator) of every relation, existing or planned.
    links: HashSet<(RelationKindId, AnnotationId, AnnotationId, String)>,
    /// Ids of the annotations planned so far, with their tags.
    new_tags_of: HashMap<AnnotationId, TagId>,
    new_docs: Vec<Document>,
    /// Where each new document is in `new_docs`, so 100,000 documents are found in O(1).
    new_doc_at: HashMap<DocId, usize>,
    /// Documents already counted as matched or added, so the report names each once in O(1).
    counted_docs: HashSet<DocId>,
    pub(super) new_entities: Vec<Entity>,
    annotations: Vec<Annotation>,
    relations: Vec<Relation>,
    layers: BTreeSet<String>,
    /// Documents matched by [`Planner::same_but_white_space`].
    white_space_matches: usize,
    pub(super) problems: Vec<ImportProblem>,
    pub(super) report: ImportReport,
}

/// What makes two annotations the same for an import: document, tag, fragments, annotator.
type SpanKey = (DocId, TagId, Vec<Fragment>, String);

impl<'p> Planner<'p> {
    pub(super) fn new(project: &'p Project, options: &'p ImportOptions) -> Self {
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
        let mut spans: HashMap<SpanKey, Vec<AnnotationId>> = HashMap::new();
        for a in project.annotations.values() {
            spans
                .entry((
                    a.doc.clone(),
                    a.tag.clone(),
                    a.fragments.clone(),
                    a.annotator.clone(),
                ))
                .or_default()
                .push(a.id.clone());
        }
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
            codebooks: project.codebooks.clone(),
            meta_updates: BTreeMap::new(),
            entity_updates: BTreeMap::new(),
            tags,
            kinds,
            by_hash: project
                .documents
                .iter()
                .map(|d| (d.sha256(), d.id.clone()))
                .collect(),
            by_characters: None,
            by_shape: None,
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
            doc_ids: DocIdSeries::default(),
            entities,
            spans,
            distinct_taken: HashSet::new(),
            links_out: project.relations.values().fold(HashMap::new(), |mut m, r| {
                m.entry(r.from.clone())
                    .or_default()
                    .insert((r.kind.clone(), r.to.clone()));
                m
            }),
            project_notes: Vec::new(),
            links,
            new_tags_of: HashMap::new(),
            new_docs: Vec::new(),
            new_doc_at: HashMap::new(),
            counted_docs: HashSet::new(),
            new_entities: Vec::new(),
            annotations: Vec::new(),
            relations: Vec::new(),
            layers: BTreeSet::new(),
            white_space_matches: 0,
            problems: Vec::new(),
            report: ImportReport::default(),
        }
    }

    /// Adds the declared tag and relation types the schema lacks.
    pub(super) fn declare(&mut self, tags: &[InTag], kinds: &[InRelationKind]) {
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
            self.declare_attributes(&Owner::Tag(id), &t.attributes);
        }
        for k in kinds {
            let from: Vec<TagId> = k.from.iter().map(|l| self.tag(l)).collect();
            let to: Vec<TagId> = k.to.iter().map(|l| self.tag(l)).collect();
            let id = self.kind(&k.name);
            for (f, t) in from.iter().flat_map(|f| to.iter().map(move |t| (f, t))) {
                self.allow(&id, f, t);
            }
            self.declare_attributes(&Owner::Kind(id), &k.attributes);
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
        let id = TagId(self.claim(&spelled(label)));
        let color = PALETTE
            .get(self.schema.tags.len() % PALETTE.len())
            .copied()
            .unwrap_or(Rgb(128, 128, 128));
        self.schema.tags.push(TagType {
            attributes: Default::default(),
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
        let id = RelationKindId(self.claim(&spelled(name)));
        self.schema.relations.push(RelationType {
            attributes: Default::default(),
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

    pub(super) fn document(&mut self, mut doc: InDoc) {
        // Distinct items match one to one within a document; the same file given twice in
        // one import matches its own events the second time.
        self.distinct_taken.clear();
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
        let mut hash = sha256_hex(&doc.text);
        if doc.meta.tokens == Tokens::Spaces && !self.by_hash.contains_key(&hash) {
            self.respace(&mut doc);
            hash = sha256_hex(&doc.text);
        }
        let known = self
            .by_hash
            .get(&hash)
            .cloned()
            .or_else(|| self.same_but_white_space(&mut doc));
        let id = match known.as_ref() {
            Some(id) => {
                if self.counted_docs.insert(id.clone()) {
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
                let id = self.doc_ids.id(&wanted, |s| self.taken.contains(s));
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
                self.new_doc_at.insert(id.clone(), self.new_docs.len());
                if let Some(index) = &mut self.by_shape {
                    index
                        .entry(white_space_shape(&doc.text))
                        .or_default()
                        .push(id.clone());
                }
                self.counted_docs.insert(id.clone());
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
        let variables = self.variables(std::mem::take(&mut doc.variables), &doc.place);
        match self
            .new_doc_at
            .get(&id)
            .and_then(|&i| self.new_docs.get_mut(i))
        {
            Some(new) => {
                for (var, value) in variables {
                    new.meta.variables.entry(var).or_insert(value);
                }
            }
            None => self.fill_variables(&id, variables),
        }
        let index = TextIndex::new(&doc.text);
        let mut keys: HashMap<String, Option<AnnotationId>> = HashMap::new();
        let place = |this: &mut Self, keys: &mut HashMap<_, _>, a: InAnnotation, links| {
            let key = a.key.clone();
            let placed = this.annotation(&id, &doc.text, &index, doc.unit, a, links);
            if keys.insert(key.clone(), placed).is_some() {
                // Two items with one key: relations to it would be ambiguous.
                keys.insert(key, None);
            }
        };
        // Items of their own (events) last, each once the items its relations point to are
        // placed (a pass per level of nesting), so that it is matched to the annotation
        // already there with the same links.
        let (distinct, plain): (Vec<_>, Vec<_>) =
            doc.annotations.into_iter().partition(|a| a.distinct);
        for a in plain {
            place(self, &mut keys, a, None);
        }
        let mut out: HashMap<&str, Vec<(&str, &str)>> = HashMap::new();
        for r in &doc.relations {
            out.entry(r.from.as_str())
                .or_default()
                .push((r.kind.as_str(), r.to.as_str()));
        }
        let mut pending = distinct;
        while !pending.is_empty() {
            let before = pending.len();
            let mut rest = Vec::new();
            for a in pending {
                let links = out
                    .get(a.key.as_str())
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                if !links
                    .iter()
                    .all(|(_, to)| keys.contains_key(*to) || *to == a.key)
                {
                    rest.push(a);
                    continue;
                }
                let want = links
                    .iter()
                    .filter_map(|(kind, to)| {
                        let kind = self
                            .kinds
                            .get(&kind.trim().to_lowercase())
                            .or_else(|| self.kinds.get(&slug(kind)))?;
                        Some((kind.clone(), keys.get(*to).cloned().flatten()?))
                    })
                    .collect::<BTreeSet<_>>();
                place(self, &mut keys, a, Some(want));
            }
            // A cycle of events: the first goes without links to match on.
            if rest.len() == before && !rest.is_empty() {
                let a = rest.remove(0);
                place(self, &mut keys, a, None);
            }
            pending = rest;
        }
        for r in doc.relations {
            self.relation(&keys, r);
        }
    }

    /// Moves `doc`, whose text was rebuilt from tokens, onto the project's article with the
    /// same characters, if there is one, and notes it.
    fn respace(&mut self, doc: &mut InDoc) {
        let project = self.project;
        let index = self
            .by_characters
            .get_or_insert_with(|| super::respaced::index(project));
        let Some(article) =
            super::respaced::find(index, &doc.text).and_then(|id| project.document(id))
        else {
            return;
        };
        if super::respaced::onto(doc, &article.text) {
            self.report.notes.push(format!(
                "{}: matched to article {} by its characters (its tokens are spaced otherwise); offsets moved onto that text",
                doc.place, article.id
            ));
        }
    }

    /// A document of the project (or of this import) whose text is `doc`'s but for its white
    /// space, when `doc` says its white space may differ; `doc` then takes that text.
    /// Every white-space character is one code point and one UTF-16 unit, so offsets into one
    /// text are offsets into the other.
    fn same_but_white_space(&mut self, doc: &mut InDoc) -> Option<DocId> {
        if !doc.white_space_may_differ {
            return None;
        }
        let (project, new_docs) = (self.project, &self.new_docs);
        let index = self.by_shape.get_or_insert_with(|| {
            let mut index: HashMap<String, Vec<DocId>> = HashMap::new();
            for d in project.documents.iter().chain(new_docs) {
                index
                    .entry(white_space_shape(&d.text))
                    .or_default()
                    .push(d.id.clone());
            }
            index
        });
        let text_of = |id: &DocId| {
            project.document(id).map(|d| d.text.as_str()).or_else(|| {
                self.new_doc_at
                    .get(id)
                    .and_then(|&i| new_docs.get(i))
                    .map(|d| d.text.as_str())
            })
        };
        let (id, text) = index
            .get(&white_space_shape(&doc.text))?
            .iter()
            .find_map(|id| {
                text_of(id)
                    .filter(|t| same_but_white_space(t, &doc.text))
                    .map(|t| (id.clone(), t.to_owned()))
            })?;
        doc.text = text;
        if !self.counted_docs.contains(&id) {
            self.white_space_matches += 1;
        }
        Some(id)
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
        links: Option<BTreeSet<(RelationKindId, AnnotationId)>>,
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
        // An item of its own takes an annotation under its key that no other took: the one
        // with the same links if there is one, else the one sharing most of them (an event
        // that gained an argument since keeps its own annotation, not its neighbour's on the
        // same trigger), the first on a tie; others take the first.
        let known = self
            .spans
            .get(&span_key)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let found = if a.distinct {
            let free: Vec<&AnnotationId> = known
                .iter()
                .filter(|id| !self.distinct_taken.contains(*id))
                .collect();
            let empty = BTreeSet::new();
            let likeness = |id: &AnnotationId| match links.as_ref() {
                Some(want) => {
                    let have = self.links_out.get(id).unwrap_or(&empty);
                    (have == want, want.intersection(have).count())
                }
                None => (false, 0),
            };
            free.iter()
                .enumerate()
                .max_by_key(|&(i, id)| (likeness(id), std::cmp::Reverse(i)))
                .map(|(_, id)| (*id).clone())
        } else {
            known.first().cloned()
        };
        if let Some(id) = found {
            if a.distinct {
                self.distinct_taken.insert(id.clone());
            }
            self.report.already_there += 1;
            return Some(id);
        }
        // A mention of an entity without a name is a mention of none.
        let entity = a
            .entity
            .as_ref()
            .filter(|e| !e.name.trim().is_empty())
            .map(|e| self.entity(e));
        let values = self.values(&Owner::Tag(tag.clone()), a.values, &a.place);
        let id = AnnotationId(self.fresh("a"));
        if a.distinct {
            self.distinct_taken.insert(id.clone());
        }
        self.spans.entry(span_key).or_default().push(id.clone());
        self.new_tags_of.insert(id.clone(), tag.clone());
        self.layers.insert(annotator.clone());
        self.annotations.push(Annotation {
            values,
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
            changed_by: None,
        });
        Some(id)
    }

    fn entity(&mut self, e: &InEntity) -> EntityId {
        let key = e.name.trim().to_lowercase();
        if let Some(id) = self.entities.get(&key).cloned() {
            self.add_refs(&id, &e.refs);
            return id;
        }
        let id = EntityId(self.fresh("e"));
        self.new_entities.push(Entity {
            refs: e.refs.clone(),
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
        let values = self.values(&Owner::Kind(kind.clone()), r.values, &r.place);
        let id = RelationId(self.fresh("r"));
        self.layers.insert(annotator.clone());
        self.relations.push(Relation {
            note: r.note,
            values,
            id,
            kind,
            from,
            to,
            annotator,
            changed_by: None,
        });
    }

    pub(super) fn finish(mut self) -> Result<ImportPlan, ImportFailure> {
        if self.white_space_matches > 0 {
            self.report.notes.push(format!(
                "{} documents matched to articles whose text differs only in white space (the input does not keep it; the article's text is kept)",
                self.white_space_matches
            ));
        }
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
        // Codebooks first: a code attribute of the new schema may name a new codebook.
        for (id, book) in &self.codebooks {
            let before = self.project.codebooks.get(id);
            if before != Some(book) {
                edits.push(Edit::Codebook {
                    id: id.clone(),
                    before: before.cloned().map(Box::new),
                    after: Some(Box::new(book.clone())),
                });
            }
        }
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
        for (id, e) in self.entity_updates {
            edits.push(Edit::Entity {
                id: id.clone(),
                before: self.project.entities.get(&id).cloned(),
                after: Some(e),
            });
        }
        for (doc, meta) in self.meta_updates {
            if let Some(known) = self.project.document(&doc)
                && known.meta != meta
            {
                edits.push(Edit::DocumentMeta {
                    doc,
                    before: Box::new(known.meta.clone()),
                    after: Box::new(meta),
                });
            }
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
        for paragraph in &self.project_notes {
            if !after.notes.contains(paragraph.as_str()) {
                let first = paragraph.lines().next().unwrap_or_default();
                self.report
                    .notes
                    .push(format!("added to the project's notes: {first}"));
                if !after.notes.is_empty() {
                    after.notes.push_str(if after.notes.ends_with('\n') {
                        "\n"
                    } else {
                        "\n\n"
                    });
                }
                after.notes.push_str(paragraph);
            }
        }
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

/// What [`same_but_white_space`] texts share: the SHA-256 of the text with every white-space
/// character a space and none at the end.
fn white_space_shape(text: &str) -> String {
    let spaced: String = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    sha256_hex(spaced.trim_end())
}

/// Whether `a` and `b` are one text but for which white-space character stands where, and
/// for white space at the end.
fn same_but_white_space(a: &str, b: &str) -> bool {
    let (mut x, mut y) = (a.chars(), b.chars());
    loop {
        match (x.next(), y.next()) {
            (Some(c), Some(d)) if c == d || (c.is_whitespace() && d.is_whitespace()) => {}
            (Some(c), None) => return c.is_whitespace() && x.all(char::is_whitespace),
            (None, Some(d)) => return d.is_whitespace() && y.all(char::is_whitespace),
            (None, None) => return true,
            _ => return false,
        }
    }
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

/// A new tag or relation id for a name another tool gave: the name as spelled (trimmed, "tag"
/// when empty), so exports write `Organization`, `B-ORG`'s `ORG` and `foundedAt` back as they
/// came; the label keeps the same spelling.
pub(crate) fn spelled(name: &str) -> String {
    let name = name.trim();
    if name.is_empty() {
        "tag".to_owned()
    } else {
        name.to_owned()
    }
}

/// `wanted`, or `wanted_2`, `wanted_3` … whichever is not taken.
pub(super) fn unique(wanted: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(wanted) {
        return wanted.to_owned();
    }
    (2..)
        .map(|n| format!("{wanted}_{n}"))
        .find(|s| !taken(s))
        .unwrap_or_else(|| wanted.to_owned())
}
