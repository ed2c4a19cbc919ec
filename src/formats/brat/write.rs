//! The brat export: `.txt` and `.ann` per document, then the configuration files that let
//! brat serve the folder with the project's types, labels, colours and keys.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;

use super::attrs::{Attrs, Owner, Written};

use crate::formats::{
    DocPart, ExportError, LossKind, OffsetUnit, OutFile, OutPlace, Report, Selection, field,
    offsets,
};
use crate::model::{
    Annotation, AnnotationId, ByteOffset, EntityId, Fragment, Project, Relation, RelationKindId,
    ReviewStatus, TagId, TextIndex,
};

use super::conf::role_name;
use super::kept::Kept;
use super::{ENTITY_DB, NOTES, STATUS, is_line_break, storage_form};
use crate::formats::incoming::slug;

/// Builds the brat folder for `sel`; `progress` is told how many documents are done.
pub(crate) fn export(
    sel: &Selection<'_>,
    progress: &mut dyn FnMut(usize),
) -> Result<(Vec<OutFile>, Report), ExportError> {
    let kept = Kept::from_notes(&sel.project.notes);
    let names = Names::new(sel, kept.as_ref());
    let attrs = Attrs::new(sel, &names.tags, &names.kinds);
    let mut report = Report::new("brat", Some("code points"), sel.layers.clone());
    let mut files = Vec::with_capacity(sel.docs.len() * 2 + 4);
    let mut stems = HashSet::new();
    let mut shared = Shared {
        entities: BTreeSet::new(),
        kbs: BTreeSet::new(),
        pairs: BTreeSet::new(),
        overlap: false,
        roles: BTreeSet::new(),
    };
    for (done, part) in sel.docs.iter().enumerate() {
        let stem = file_stem(part.doc.id.as_str(), &mut stems);
        let ann = document(part, sel.project, &names, &attrs, &mut report, &mut shared);
        // The file name is the document's id; a title that is the same is carried by it.
        let title: &[&str] = if part.doc.meta.title == stem {
            &[field::DOCUMENT_TITLE]
        } else {
            &[]
        };
        report.document_fields(part.doc, title);
        files.push(OutFile {
            place: OutPlace::Inside(format!("{stem}.txt")),
            text: part.doc.text.clone(),
        });
        files.push(OutFile {
            place: OutPlace::Inside(format!("{stem}.ann")),
            text: ann,
        });
        report.documents += 1;
        progress(done + 1);
    }
    let entities = std::mem::take(&mut shared.entities);
    report.entity_fields(sel.project, &entities, &[]);
    // The references of entities no annotation written mentions were not written.
    let mentioned: BTreeSet<&EntityId> = sel
        .docs
        .iter()
        .flat_map(|d| d.annotations.iter().filter_map(|a| a.entity.as_ref()))
        .collect();
    for id in mentioned.into_iter().filter(|id| !entities.contains(*id)) {
        for _ in sel.project.entities.get(id).map_or(&[][..], |e| &e.refs) {
            report.field(field::ENTITY_REFERENCE);
        }
    }
    for (name, text) in [
        (
            "annotation.conf",
            match &kept {
                Some(kept) => kept_conf(kept, &names, &attrs, &shared),
                None => annotation_conf(sel.project, &names, &attrs),
            },
        ),
        ("visual.conf", visual_conf(sel.project, &names, &attrs)),
        ("tools.conf", tools_conf(&shared.kbs)),
        ("kb_shortcuts.conf", kb_shortcuts(sel.project, &names)),
    ] {
        files.push(OutFile {
            place: OutPlace::Inside(name.to_owned()),
            text,
        });
    }
    Ok((files, report))
}

/// What the documents written have in common: the entities whose `N` lines were written and
/// the knowledge bases their references name.
struct Shared {
    entities: BTreeSet<EntityId>,
    kbs: BTreeSet<String>,
    /// The `R` lines written, as (type, first argument's type, second's).
    pairs: BTreeSet<(String, String, String)>,
    /// Whether spans that are not events overlap somewhere.
    overlap: bool,
    /// The roles written, as (event type, role without its number, argument's type).
    roles: BTreeSet<(String, String, String)>,
}

/// The numbers of the `A`, `N` and `#` lines of one document written so far.
#[derive(Default)]
struct Counters {
    attributes: usize,
    norms: usize,
    notes: usize,
}

/// Writes the `A` and `#` lines of the values of `owner`'s annotation or relation `target`;
/// counts those that cannot be written under `field` and those written in another spelling.
#[allow(clippy::too_many_arguments)]
fn values(
    out: &mut String,
    n: &mut Counters,
    target: &str,
    owner: &Owner,
    values: &crate::model::Values,
    project: &Project,
    attrs: &Attrs,
    report: &mut Report,
    field: &'static str,
) {
    for (id, value) in values {
        let Some((lines, respelled)) = attrs.lines(project, owner, id, value) else {
            report.field(field);
            continue;
        };
        if respelled {
            report.field("attribute value spelling");
        }
        for line in lines {
            match line {
                Written::Attr(name, value) => {
                    n.attributes += 1;
                    let value = value.map(|v| format!(" {v}")).unwrap_or_default();
                    let _ = writeln!(out, "A{}\t{name} {target}{value}", n.attributes);
                }
                Written::Note(kind, text) => {
                    let (lines, exact) = note_lines(&text);
                    if !exact {
                        report.field("note line ends");
                    }
                    for line in lines {
                        n.notes += 1;
                        let _ = writeln!(out, "#{}\t{kind} {target}\t{line}", n.notes);
                    }
                }
            }
        }
    }
}

/// Writes a note as `AnnotatorNotes` lines on `target`.
fn note(out: &mut String, n: &mut Counters, target: &str, note: &str, report: &mut Report) {
    if note.is_empty() {
        return;
    }
    let (lines, exact) = note_lines(note);
    if !exact {
        report.field("note line ends");
    }
    for line in lines {
        n.notes += 1;
        let _ = writeln!(out, "#{}\t{NOTES} {target}\t{line}", n.notes);
    }
}

/// `kb` and `id` of a reference as an `N` line holds them (`KB:ID`, without white space, the
/// knowledge base without `:`), and whether they had to change.
fn reference(kb: &str, id: &str) -> (String, String, bool) {
    let kb2: String = one_token(kb)
        .chars()
        .map(|c| if c == ':' { '_' } else { c })
        .collect();
    let kb2 = if kb2 == ENTITY_DB {
        format!("{kb2}_")
    } else {
        kb2
    };
    let id2 = one_token(id);
    let changed = kb2 != kb || id2 != id;
    (kb2, id2, changed)
}

/// The `.ann` lines of one document: per annotation its `T` line (an event: its trigger's
/// `T` line, one for the events of one type on one range, then its `E` line with its roles)
/// then its `A`, `N` and `#` lines, then per relation that is not a role its `R` line and its
/// `A` and `#` lines. Counts what was written, and what was not, in `report`.
fn document(
    part: &DocPart<'_>,
    project: &Project,
    names: &Names,
    attrs: &Attrs,
    report: &mut Report,
    shared: &mut Shared,
) -> String {
    let text = &part.doc.text;
    let index = TextIndex::new(text);
    let mut out = String::new();
    // Ids first (an event's role may name an event written after it): `T3` or `E2`.
    let mut refs: HashMap<&AnnotationId, String> = HashMap::new();
    let mut pieces_of: Vec<Vec<Fragment>> = Vec::with_capacity(part.annotations.len());
    // An event's trigger: (type, pieces) → its `T` number.
    let mut triggers: HashMap<(&str, Vec<Fragment>), usize> = HashMap::new();
    let mut trigger_of: HashMap<&AnnotationId, usize> = HashMap::new();
    let (mut t, mut e) = (0, 0);
    for a in &part.annotations {
        let pieces = cut_at_line_breaks(text, &a.fragments);
        if pieces == a.fragments {
            report.annotations += 1;
        } else {
            report.span(
                a,
                LossKind::LineBreak {
                    fragments: pieces.len(),
                },
            );
        }
        if pieces.is_empty() {
            for _ in &a.values {
                report.field(field::ATTRIBUTE_VALUE);
            }
        } else if names.is_event(&a.tag) {
            let key = (names.tag(&a.tag), pieces.clone());
            let trigger = *triggers.entry(key).or_insert_with(|| {
                t += 1;
                t
            });
            trigger_of.insert(&a.id, trigger);
            e += 1;
            refs.insert(&a.id, format!("E{e}"));
        } else {
            t += 1;
            refs.insert(&a.id, format!("T{t}"));
        }
        pieces_of.push(pieces);
    }
    let mut reach = None;
    for (a, pieces) in part.annotations.iter().zip(&pieces_of) {
        if names.is_event(&a.tag) {
            continue;
        }
        let (Some(first), Some(last)) = (pieces.first(), pieces.last()) else {
            continue;
        };
        if reach.is_some_and(|end| first.start < end) {
            shared.overlap = true;
        }
        reach = reach.max(Some(last.end));
    }
    // The relations out of an event are its roles.
    let is_role = |r: &Relation| trigger_of.contains_key(&r.from) && refs.contains_key(&r.to);
    let mut n = Counters::default();
    let mut written_triggers: HashSet<usize> = HashSet::new();
    for (a, pieces) in part.annotations.iter().zip(&pieces_of) {
        let Some(target) = refs.get(&a.id) else {
            continue;
        };
        let spans: Vec<String> = pieces
            .iter()
            .map(|f| {
                let (start, end) = offsets(&index, f, OffsetUnit::CodePoints);
                format!("{start} {end}")
            })
            .collect();
        let quote: Vec<&str> = pieces.iter().filter_map(|f| text.get(f.bytes())).collect();
        let tline = |out: &mut String, number: usize| {
            let _ = writeln!(
                out,
                "T{number}\t{} {}\t{}",
                names.tag(&a.tag),
                spans.join(";"),
                quote.join(" ")
            );
        };
        match trigger_of.get(&a.id) {
            Some(&trigger) => {
                if written_triggers.insert(trigger) {
                    tline(&mut out, trigger);
                }
                let mut line = format!("{target}\t{}:T{trigger}", names.tag(&a.tag));
                for r in part.relations.iter().filter(|r| r.from == a.id) {
                    if let Some(to) = refs.get(&r.to) {
                        let _ = write!(line, " {}:{to}", names.kind(&r.kind));
                        if let Some(arg) = project.annotations.get(&r.to) {
                            shared.roles.insert((
                                names.tag(&a.tag).to_owned(),
                                role_name(names.kind(&r.kind)),
                                names.tag(&arg.tag).to_owned(),
                            ));
                        }
                        report.relations += 1;
                        if let Some(source) = project.annotations.get(&r.from) {
                            report.relation_annotator(r, source);
                        }
                        if !r.note.is_empty() {
                            report.field(field::LINK_NOTE);
                        }
                        for _ in &r.values {
                            report.field(field::LINK_VALUE);
                        }
                    }
                }
                let _ = writeln!(out, "{line}");
            }
            None => {
                let number = target.trim_start_matches('T').parse().unwrap_or(0);
                tline(&mut out, number);
            }
        }
        attachments(&mut out, &mut n, target, a, project, attrs, report, shared);
    }
    let mut written = 0;
    for r in part.relations.iter().filter(|r| !is_role(r)) {
        match (refs.get(&r.from), refs.get(&r.to)) {
            (Some(from), Some(to)) => {
                written += 1;
                let _ = writeln!(
                    out,
                    "R{written}\t{} Arg1:{from} Arg2:{to}",
                    names.kind(&r.kind)
                );
                let type_of = |id: &AnnotationId| {
                    project
                        .annotations
                        .get(id)
                        .map_or_else(String::new, |a| names.tag(&a.tag).to_owned())
                };
                shared.pairs.insert((
                    names.kind(&r.kind).to_owned(),
                    type_of(&r.from),
                    type_of(&r.to),
                ));
                let target = format!("R{written}");
                note(&mut out, &mut n, &target, &r.note, report);
                values(
                    &mut out,
                    &mut n,
                    &target,
                    &Owner::Kind(r.kind.clone()),
                    &r.values,
                    project,
                    attrs,
                    report,
                    field::LINK_VALUE,
                );
                report.relations += 1;
                if let Some(source) = project.annotations.get(&r.from) {
                    report.relation_annotator(r, source);
                }
            }
            _ => {
                if !r.note.is_empty() {
                    report.field(field::LINK_NOTE);
                }
                for _ in &r.values {
                    report.field(field::LINK_VALUE);
                }
                if let (Some(from), Some(to)) = (
                    project.annotations.get(&r.from),
                    project.annotations.get(&r.to),
                ) {
                    report.relation(
                        r,
                        from,
                        to,
                        "an end covers only line breaks and was not written",
                    );
                }
            }
        }
    }
    out
}

/// The `A`, `N` and `#` lines of annotation `a`, written as `target` (`T3`, `E2`).
#[allow(clippy::too_many_arguments)]
fn attachments(
    out: &mut String,
    n: &mut Counters,
    target: &str,
    a: &Annotation,
    project: &Project,
    attrs: &Attrs,
    report: &mut Report,
    shared: &mut Shared,
) {
    if let Some(value) = status_value(a.status) {
        n.attributes += 1;
        let _ = writeln!(out, "A{}\t{STATUS} {target} {value}", n.attributes);
    }
    if let Some(id) = &a.entity {
        match project.entities.get(id) {
            Some(e) => {
                let name = one_line(&e.name);
                if name != e.name {
                    report.field("entity name line breaks");
                }
                n.norms += 1;
                let _ = writeln!(
                    out,
                    "N{}\tReference {target} {ENTITY_DB}:{}\t{name}",
                    n.norms,
                    one_token(id.as_str())
                );
                for r in &e.refs {
                    let (kb, key, changed) = reference(&r.kb, &r.id);
                    if changed {
                        report.field("entity reference spelling");
                    }
                    n.norms += 1;
                    let _ = writeln!(out, "N{}\tReference {target} {kb}:{key}\t{name}", n.norms);
                    shared.kbs.insert(kb);
                }
                shared.entities.insert(id.clone());
            }
            None => report.field("entity"),
        }
    }
    note(out, n, target, &a.note, report);
    values(
        out,
        n,
        target,
        &Owner::Tag(a.tag.clone()),
        &a.values,
        project,
        attrs,
        report,
        field::ATTRIBUTE_VALUE,
    );
}

/// `fragments` with every line break cut out: brat holds no line break inside a `.ann` line.
/// Line breaks are grapheme clusters of their own, so the pieces stay on grapheme boundaries.
pub(super) fn cut_at_line_breaks(text: &str, fragments: &[Fragment]) -> Vec<Fragment> {
    let mut out = Vec::with_capacity(fragments.len());
    for f in fragments {
        let Some(slice) = text.get(f.bytes()) else {
            out.push(*f);
            continue;
        };
        let mut start = f.start.0;
        for (i, c) in slice.char_indices() {
            if is_line_break(c) {
                let at = f.start.0 + i;
                if at > start {
                    out.push(Fragment::new(ByteOffset(start)..ByteOffset(at)));
                }
                start = at + c.len_utf8();
            }
        }
        if f.end.0 > start {
            out.push(Fragment::new(ByteOffset(start)..f.end));
        }
    }
    out
}

/// A note's lines (a CRLF is one line break), and whether every line break was a `\n`, so
/// that joining the lines with `\n` gives the note back exactly.
fn note_lines(note: &str) -> (Vec<String>, bool) {
    let exact = !note.chars().any(|c| is_line_break(c) && c != '\n');
    let lines = note
        .replace("\r\n", "\n")
        .split(is_line_break)
        .map(str::to_owned)
        .collect();
    (lines, exact)
}

/// `s` with line breaks made spaces, for a field that must stay on its line.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if is_line_break(c) { ' ' } else { c })
        .collect()
}

/// `s` as one token without white space, for the id in an `N` line.
fn one_token(s: &str) -> String {
    let t: String = s
        .chars()
        .map(|c| if c.is_whitespace() { '_' } else { c })
        .collect();
    if t.is_empty() { "_".to_owned() } else { t }
}

/// The value of the status attribute, or `None` for pending (not written).
fn status_value(status: ReviewStatus) -> Option<&'static str> {
    match status {
        ReviewStatus::Pending => None,
        ReviewStatus::Accepted => Some("Accepted"),
        ReviewStatus::Rejected => Some("Rejected"),
    }
}

/// A file name for document `id`: characters no file system takes made `_`, and distinct from
/// the names already `taken` (compared without case, for case-insensitive file systems).
fn file_stem(id: &str, taken: &mut HashSet<String>) -> String {
    let cleaned: String = id
        .trim()
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim_start_matches('.');
    let base = if cleaned.is_empty() {
        "document"
    } else {
        cleaned
    };
    let mut stem = base.to_owned();
    let mut n = 1;
    while !taken.insert(stem.to_lowercase()) {
        n += 1;
        stem = format!("{base}-{n}");
    }
    stem
}

/// The brat type name of every tag and relation type: valid storage forms (ASCII letters,
/// digits, `_`, `-`), distinct from each other and from brat's reserved names.
struct Names {
    /// Tag types in schema order, then tags used but missing from the schema.
    tags: Vec<(TagId, String)>,
    /// Relation types likewise.
    kinds: Vec<(RelationKindId, String)>,
    /// The tag types written as events: those the kept `annotation.conf` declares as events.
    events: HashSet<TagId>,
}

impl Names {
    fn new(sel: &Selection<'_>, kept: Option<&Kept>) -> Self {
        let schema = &sel.project.schema;
        let mut taken: HashSet<String> = ["SPAN_DEFAULT", "ARC_DEFAULT", "ENTITY-NESTING", STATUS]
            .iter()
            .map(|s| s.to_lowercase())
            .collect();
        let mut tag_ids: Vec<TagId> = schema.tags.iter().map(|t| t.id.clone()).collect();
        let used: BTreeSet<&TagId> = sel
            .docs
            .iter()
            .flat_map(|d| d.annotations.iter().map(|a| &a.tag))
            .collect();
        tag_ids.extend(
            used.into_iter()
                .filter(|t| schema.tag(t).is_none())
                .cloned(),
        );
        let mut kind_ids: Vec<RelationKindId> =
            schema.relations.iter().map(|r| r.id.clone()).collect();
        let used: BTreeSet<&RelationKindId> = sel
            .docs
            .iter()
            .flat_map(|d| d.relations.iter().map(|r| &r.kind))
            .collect();
        kind_ids.extend(
            used.into_iter()
                .filter(|k| schema.relation(k).is_none())
                .cloned(),
        );
        // A type the kept configuration declares keeps its spelling there; a role keeps its
        // number (`Theme2`, declared as `Theme`).
        let conf = kept.map(|k| &k.conf);
        let declared: Vec<&str> = conf.map_or_else(Vec::new, |c| {
            c.entity_types()
                .iter()
                .chain(c.event_types())
                .map(String::as_str)
                .chain(c.relation_types())
                .collect()
        });
        let roles: Vec<&str> = conf.map_or_else(Vec::new, |c| c.role_names().collect());
        let same = |a: &str, b: &str| slug(a) == slug(b);
        let spelled = |id: &str, label: &str| -> Option<String> {
            [label, id].into_iter().find_map(|name| {
                if let Some(d) = declared.iter().find(|d| same(d, name)) {
                    return Some((*d).to_owned());
                }
                let name = storage_form(name);
                let role = role_name(&name);
                roles
                    .iter()
                    .find(|r| same(r, &role))
                    .map(|r| format!("{r}{}", name.get(role.len()..).unwrap_or_default()))
            })
        };
        for name in declared.iter().chain(&roles) {
            taken.insert(name.to_lowercase());
        }
        // Types the kept configuration does not declare are named by their labels (a brat
        // corpus's own spelling, `Site`), in a project without one by their ids.
        let mut name_of = |id: &str, label: Option<&str>| match label.and_then(|l| spelled(id, l)) {
            Some(name) => name,
            None if kept.is_some() => unique_name(label.unwrap_or(id), &mut taken),
            None => unique_name(id, &mut taken),
        };
        let tags: Vec<(TagId, String)> = tag_ids
            .into_iter()
            .map(|id| {
                let label = schema.tag(&id).map(|t| t.label.as_str());
                let name = name_of(id.as_str(), label.or(Some(id.as_str())));
                (id, name)
            })
            .collect();
        let kinds = kind_ids
            .into_iter()
            .map(|id| {
                let label = schema.relation(&id).map(|r| r.label.as_str());
                let name = name_of(id.as_str(), label.or(Some(id.as_str())));
                (id, name)
            })
            .collect();
        let events = tags
            .iter()
            .filter(|(_, name)| conf.is_some_and(|c| c.event_types().contains(name)))
            .map(|(id, _)| id.clone())
            .collect();
        Names {
            tags,
            kinds,
            events,
        }
    }

    fn is_event(&self, id: &TagId) -> bool {
        self.events.contains(id)
    }

    fn tag(&self, id: &TagId) -> &str {
        self.tags
            .iter()
            .find(|(t, _)| t == id)
            .map_or("type", |(_, name)| name.as_str())
    }

    fn kind(&self, id: &RelationKindId) -> &str {
        self.kinds
            .iter()
            .find(|(k, _)| k == id)
            .map_or("relation", |(_, name)| name.as_str())
    }
}

/// The storage form of `id`, made distinct from the names `taken` with `-2`, `-3` …
fn unique_name(id: &str, taken: &mut HashSet<String>) -> String {
    let base = storage_form(id);
    let base = if base.is_empty() {
        "type".to_owned()
    } else {
        base
    };
    let mut name = base.clone();
    let mut n = 1;
    while !taken.insert(name.to_lowercase()) {
        n += 1;
        name = format!("{base}-{n}");
    }
    name
}

/// A label as brat's `[labels]` section can hold it: no `|`, tab or line break.
fn label(label: &str, name: &str) -> String {
    let cleaned: String = label
        .chars()
        .map(|c| {
            if c == '|' || c == '\t' || is_line_break(c) {
                ' '
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        name.to_owned()
    } else {
        cleaned.to_owned()
    }
}

fn annotation_conf(project: &Project, names: &Names, attrs: &Attrs) -> String {
    let mut s = String::from(
        "# brat annotation configuration written by Marginalia: the project's tag types as\n\
         # entity types, its relation types, and the review status and the attributes of the\n\
         # types as attributes. visual.conf gives their labels and colours.\n\n[entities]\n\n",
    );
    for (_, name) in &names.tags {
        let _ = writeln!(s, "{name}");
    }
    s.push_str("\n[relations]\n\n");
    for (id, name) in &names.kinds {
        let ends = |tags: &[TagId]| {
            let named: Vec<&str> = tags
                .iter()
                .filter(|t| names.tags.iter().any(|(id, _)| id == *t))
                .map(|t| names.tag(t))
                .collect();
            if named.is_empty() {
                "<ANY>".to_owned()
            } else {
                named.join("|")
            }
        };
        let (from, to) = project
            .schema
            .relation(id)
            .map_or((Vec::new(), Vec::new()), |r| (r.from.clone(), r.to.clone()));
        let _ = writeln!(s, "{name}\tArg1:{}, Arg2:{}", ends(&from), ends(&to));
    }
    // Spans of any types may nest and overlap, as they may in Marginalia (brat 1.3 refuses
    // nesting that is not declared).
    s.push_str("<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n");
    let _ = write!(
        s,
        "\n[events]\n\n[attributes]\n\n{STATUS}\tArg:<ENTITY>, Value:Accepted|Rejected\n"
    );
    for d in &attrs.declared {
        let _ = write!(s, "{}\tArg:{}", d.name, d.types.join("|"));
        if let Some(values) = &d.values {
            let spelled: Vec<&str> = values.iter().map(|(_, v)| v.as_str()).collect();
            let _ = write!(s, ", Value:{}", spelled.join("|"));
        }
        s.push('\n');
    }
    if !attrs.notes.is_empty() {
        let _ = writeln!(
            s,
            "\n# Free-text attributes are notes of their own type (#1\\tTYPE T1\\ttext): {}",
            attrs
                .notes
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    s
}

/// `annotation.conf` from the configuration the import kept: its lines, section by section,
/// then what the data written needs and they do not declare: tag types as entities, relation
/// types (or the pairs of types a kept relation type does not allow), an `<OVERLAP>` rule
/// when spans overlap and the kept lines say nothing of overlaps, the review status and the
/// attributes.
fn kept_conf(kept: &Kept, names: &Names, attrs: &Attrs, shared: &Shared) -> String {
    let conf = &kept.conf;
    let mut s = String::from(
        "# brat annotation configuration written by Marginalia: the configuration kept from the\n\
         # import, then the types, relations and attributes the project adds.\n",
    );
    let section = |s: &mut String, name: &str| {
        let _ = write!(s, "\n[{name}]\n\n");
        for line in kept.lines(name) {
            let _ = writeln!(s, "{line}");
        }
    };
    for line in kept.lines("") {
        let _ = writeln!(s, "{line}");
    }
    section(&mut s, "entities");
    for (id, name) in &names.tags {
        let known = conf.entity_types().contains(name) || conf.event_types().contains(name);
        if !known && !names.is_event(id) {
            let _ = writeln!(s, "{name}");
        }
    }
    section(&mut s, "relations");
    let declared: BTreeSet<&str> = conf.relation_types().collect();
    for (kind, from, to) in &shared.pairs {
        if !conf.allows_relation(kind, from, to) {
            let _ = writeln!(s, "{kind}\tArg1:{from}, Arg2:{to}");
        }
    }
    let _ = declared;
    if shared.overlap && !kept.has_overlap_rules() {
        s.push_str("<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n");
    }
    // A kept event type's line gains the roles written that it does not allow (brat reads
    // one line per event type).
    let mut missing: BTreeMap<&str, BTreeMap<&str, Vec<&str>>> = BTreeMap::new();
    for (event, role, to) in &shared.roles {
        if !conf.allows_role(event, role, to) {
            missing
                .entry(event)
                .or_default()
                .entry(role)
                .or_default()
                .push(to);
        }
    }
    s.push_str("\n[events]\n\n");
    for line in kept.lines("events") {
        let head = line.split_whitespace().next().unwrap_or_default();
        let name = head
            .split('|')
            .next()
            .unwrap_or_default()
            .trim_start_matches('!');
        match missing.remove(name) {
            Some(roles) => {
                let roles: Vec<String> = roles
                    .iter()
                    .map(|(r, types)| format!("{r}*:{}", types.join("|")))
                    .collect();
                let sep = if line.contains(':') { ", " } else { "\t" };
                let _ = writeln!(s, "{line}{sep}{}", roles.join(", "));
            }
            None => {
                let _ = writeln!(s, "{line}");
            }
        }
    }
    section(&mut s, "attributes");
    let kept_attributes: BTreeSet<&str> = conf.attribute_names().collect();
    if !kept_attributes.contains(STATUS) {
        let _ = writeln!(s, "{STATUS}\tArg:<ENTITY>|<EVENT>, Value:Accepted|Rejected");
    }
    for d in attrs
        .declared
        .iter()
        .filter(|d| !kept_attributes.contains(d.name.as_str()))
    {
        let _ = write!(s, "{}\tArg:{}", d.name, d.types.join("|"));
        if let Some(values) = &d.values {
            let spelled: Vec<&str> = values.iter().map(|(_, v)| v.as_str()).collect();
            let _ = write!(s, ", Value:{}", spelled.join("|"));
        }
        s.push('\n');
    }
    s
}

fn visual_conf(project: &Project, names: &Names, attrs: &Attrs) -> String {
    let mut s = String::from("# brat visual configuration written by Marginalia.\n\n[labels]\n\n");
    for (id, name) in &names.tags {
        let shown = project.schema.tag(id).map_or(id.as_str(), |t| &t.label);
        let _ = writeln!(s, "{name} | {}", label(shown, name));
    }
    for (id, name) in &names.kinds {
        let shown = project
            .schema
            .relation(id)
            .map_or(id.as_str(), |r| &r.label);
        let _ = writeln!(s, "{name} | {}", label(shown, name));
    }
    let _ = writeln!(s, "{STATUS} | Review status");
    let labelled = attrs.declared.iter().map(|d| (&d.name, &d.label));
    for (name, shown) in labelled.chain(attrs.notes.iter().map(|(n, l)| (n, l))) {
        if shown != name {
            let _ = writeln!(s, "{name} | {}", label(shown, name));
        }
    }
    s.push_str("\n[drawing]\n\n");
    for (id, name) in &names.tags {
        if let Some(color) = project.schema.tag(id).map(|t| t.color) {
            // Text in white on dark colours, as the article view does.
            let luma =
                299 * u32::from(color.0) + 587 * u32::from(color.1) + 114 * u32::from(color.2);
            let fg = if luma < 128_000 { "white" } else { "black" };
            let _ = writeln!(s, "{name}\tbgColor:{}, fgColor:{fg}", color.to_hex());
        }
    }
    let _ = writeln!(s, "{STATUS}\tglyph:✓|✗");
    s
}

/// brat's tools configuration: every section brat expects, and the normalization resources the
/// `N` lines name: the project's registry, which has no database or web page (brat shows the
/// entity name from the line), and the knowledge bases of the references written, `kbs`, with
/// a link to an entry's page for those whose address is known.
fn tools_conf(kbs: &BTreeSet<String>) -> String {
    let mut s = format!(
        "# brat tools configuration written by Marginalia. The normalization resource\n\
         # \"{ENTITY_DB}\" is the project's actor registry: N lines give an entity's id and name.\n\
         # The others are the knowledge bases of the entities' references.\n\n\
         [options]\n\n[search]\n\n[annotators]\n\n[disambiguators]\n\n[normalization]\n\n\
         {ENTITY_DB}\tDB:<NONE>, <URL>:about:blank\n"
    );
    for kb in kbs {
        let urls = match kb.to_ascii_lowercase().as_str() {
            "wikidata" => Some((
                "https://www.wikidata.org",
                "https://www.wikidata.org/wiki/%s",
            )),
            "wikipedia" => Some((
                "http://en.wikipedia.org",
                "http://en.wikipedia.org/?curid=%s",
            )),
            "geonames" => Some(("https://www.geonames.org", "https://www.geonames.org/%s")),
            _ => None,
        };
        match urls {
            Some((url, base)) => {
                let _ = writeln!(s, "{kb}\tDB:<NONE>, <URL>:{url}, <URLBASE>:{base}");
            }
            None => {
                let _ = writeln!(s, "{kb}\tDB:<NONE>, <URL>:about:blank");
            }
        }
    }
    s
}

/// The tag keys that are one letter or digit, as brat's keyboard shortcuts.
fn kb_shortcuts(project: &Project, names: &Names) -> String {
    let mut s = String::from("# Keys that apply the tag types, from the project's schema.\n\n");
    for t in &project.schema.tags {
        if let Some(key) = t.key.as_deref()
            && key.chars().count() == 1
            && key.chars().all(|c| c.is_ascii_alphanumeric())
        {
            let _ = writeln!(s, "{key}\t{}", names.tag(&t.id));
        }
    }
    s
}
