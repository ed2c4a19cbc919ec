//! What a recovered project has that the saved one does not, summed up for the "recover your
//! work?" question.

use std::collections::BTreeMap;

use crate::model::{DocId, Document, Project, SharedMap};

/// How many items of one kind were added, removed and changed (same id, different content).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// In the recovered project only.
    pub added: usize,
    /// In the saved project only.
    pub removed: usize,
    /// In both, different.
    pub changed: usize,
}

impl Counts {
    /// Whether nothing was added, removed or changed.
    pub fn is_empty(&self) -> bool {
        *self == Counts::default()
    }

    /// The counts of two collections keyed by id.
    fn between<K: Ord, V: PartialEq>(saved: &SharedMap<K, V>, recovered: &SharedMap<K, V>) -> Self {
        let mut counts = Counts::default();
        for (id, item) in recovered {
            match saved.get(id) {
                None => counts.added += 1,
                Some(old) if old != item => counts.changed += 1,
                Some(_) => {}
            }
        }
        counts.removed = saved
            .keys()
            .filter(|id| !recovered.contains_key(*id))
            .count();
        counts
    }

    /// The counts in words, the noun with the first number: `"3 annotations added, 1 removed,
    /// 2 changed"`; `None` when empty.
    fn describe(&self, one: &str, many: &str) -> Option<String> {
        let parts: Vec<(usize, &str)> = [
            (self.added, "added"),
            (self.removed, "removed"),
            (self.changed, "changed"),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .collect();
        let ((n, what), rest) = parts.split_first()?;
        let noun = if *n == 1 { one } else { many };
        let mut text = format!("{n} {noun} {what}");
        for (n, what) in rest {
            text.push_str(&format!(", {n} {what}"));
        }
        Some(text)
    }
}

/// What differs in one document present in both projects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentDiff {
    /// The document.
    pub id: DocId,
    /// Its title in the recovered project (its id if the title is empty).
    pub title: String,
    /// Its annotations, every layer together.
    pub annotations: Counts,
    /// Title, source, author, date, address or progress changed.
    pub details_changed: bool,
    /// The text changed.
    pub text_changed: bool,
}

/// What differs between a saved project and one recovered from an autosave.
///
/// Empty exactly when the two projects are equal. Annotations of a document added or removed
/// are not counted: they come and go with their document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProjectDiff {
    /// The project's name changed.
    pub name_changed: bool,
    /// The project's notes changed.
    pub notes_changed: bool,
    /// Tag or relation types changed.
    pub schema_changed: bool,
    /// Annotators known only to the recovered project, sorted.
    pub annotators_added: Vec<String>,
    /// Annotators known only to the saved project, sorted.
    pub annotators_removed: Vec<String>,
    /// Titles of the documents only in the recovered project, in its order.
    pub documents_added: Vec<String>,
    /// Titles of the documents only in the saved project, in its order.
    pub documents_removed: Vec<String>,
    /// The documents in both are in a different order.
    pub documents_reordered: bool,
    /// The documents in both that differ, in the recovered project's order.
    pub documents: Vec<DocumentDiff>,
    /// Relations.
    pub relations: Counts,
    /// Entities of the actor registry.
    pub entities: Counts,
    /// Codebooks (a code added, renamed or merged changes its codebook).
    pub codebooks: Counts,
}

impl ProjectDiff {
    /// What `recovered` has that `saved` does not, and the other way round.
    pub fn between(saved: &Project, recovered: &Project) -> ProjectDiff {
        let in_saved = |d: &Document| saved.document(&d.id).is_some();
        let in_recovered = |d: &Document| recovered.document(&d.id).is_some();
        let annotations = annotation_counts(saved, recovered);
        let documents = recovered
            .documents
            .iter()
            .filter_map(|doc| {
                let old = saved.document(&doc.id)?;
                let diff = DocumentDiff {
                    id: doc.id.clone(),
                    title: title(doc),
                    annotations: annotations.get(&doc.id).copied().unwrap_or_default(),
                    details_changed: old.meta != doc.meta,
                    text_changed: old.text != doc.text,
                };
                let changed =
                    !diff.annotations.is_empty() || diff.details_changed || diff.text_changed;
                changed.then_some(diff)
            })
            .collect();
        let common = |p: &Project, other: &Project| -> Vec<DocId> {
            p.documents
                .iter()
                .filter(|d| other.document(&d.id).is_some())
                .map(|d| d.id.clone())
                .collect()
        };
        ProjectDiff {
            name_changed: saved.name != recovered.name,
            notes_changed: saved.notes != recovered.notes,
            schema_changed: saved.schema != recovered.schema,
            annotators_added: recovered
                .annotators
                .difference(&saved.annotators)
                .cloned()
                .collect(),
            annotators_removed: saved
                .annotators
                .difference(&recovered.annotators)
                .cloned()
                .collect(),
            documents_added: recovered
                .documents
                .iter()
                .filter(|d| !in_saved(d))
                .map(title)
                .collect(),
            documents_removed: saved
                .documents
                .iter()
                .filter(|d| !in_recovered(d))
                .map(title)
                .collect(),
            documents_reordered: common(saved, recovered) != common(recovered, saved),
            documents,
            relations: Counts::between(&saved.relations, &recovered.relations),
            entities: Counts::between(&saved.entities, &recovered.entities),
            codebooks: Counts::between(&saved.codebooks, &recovered.codebooks),
        }
    }

    /// Whether the two projects are the same.
    pub fn is_empty(&self) -> bool {
        *self == ProjectDiff::default()
    }

    /// The differences in words, one per line, always in this order: the project's name and
    /// notes, the schema, annotators, documents added and removed, their order, each changed
    /// document in the recovered project's order, relations, entities. For example
    /// `"Macron in Beijing: 3 annotations added, 1 removed, 2 changed"`, `"2 relations
    /// added"`, `"schema changed"`.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        let mut flag = |on: bool, text: &str| {
            if on {
                lines.push(text.to_owned());
            }
        };
        flag(self.name_changed, "project name changed");
        flag(self.notes_changed, "project notes changed");
        flag(self.schema_changed, "schema changed");
        for (names, what) in [
            (&self.annotators_added, "added"),
            (&self.annotators_removed, "removed"),
        ] {
            match names.as_slice() {
                [] => {}
                [one] => lines.push(format!("annotator {what}: {one}")),
                many => lines.push(format!("annotators {what}: {}", many.join(", "))),
            }
        }
        for title in &self.documents_added {
            lines.push(format!("document added: {title}"));
        }
        for title in &self.documents_removed {
            lines.push(format!("document removed: {title}"));
        }
        if self.documents_reordered {
            lines.push("documents reordered".to_owned());
        }
        for doc in &self.documents {
            let parts: Vec<String> = [
                doc.annotations.describe("annotation", "annotations"),
                doc.details_changed.then(|| "details changed".to_owned()),
                doc.text_changed.then(|| "text changed".to_owned()),
            ]
            .into_iter()
            .flatten()
            .collect();
            lines.push(format!("{}: {}", doc.title, parts.join("; ")));
        }
        lines.extend(self.relations.describe("relation", "relations"));
        lines.extend(self.entities.describe("entity", "entities"));
        lines.extend(self.codebooks.describe("codebook", "codebooks"));
        lines
    }
}

/// A document's title, or its id when the title is empty.
/// What `from` has that `have` lacks or holds otherwise, in words, one per line: what would
/// be lost if `have` were written over `from`. Empty exactly when `have` holds all of
/// `from` (it may hold more): then writing it loses nothing. Each item counts by its id: a
/// document (by its text and details), an annotation, relation, entity or reviewer's
/// decision, the schema, the annotators, and the project's name and notes.
pub fn lacking(have: &Project, from: &Project) -> Vec<String> {
    let mut lines = Vec::new();
    if have.name != from.name {
        lines.push(format!("the project name “{}”", from.name));
    }
    if have.notes != from.notes {
        lines.push("the project notes as written there".to_owned());
    }
    if have.schema != from.schema {
        lines.push("its tags and relation types as they are there".to_owned());
    }
    let annotators: Vec<&str> = from
        .annotators
        .difference(&have.annotators)
        .map(String::as_str)
        .collect();
    if !annotators.is_empty() {
        lines.push(format!("annotators {}", annotators.join(", ")));
    }
    for doc in &from.documents {
        match have.document(&doc.id) {
            None => lines.push(format!("the article “{}”", title(doc))),
            Some(mine) if mine.text != doc.text => {
                lines.push(format!("the text of “{}” as it is there", title(doc)))
            }
            Some(mine) if mine.meta != doc.meta => {
                lines.push(format!("the details of “{}” as they are there", title(doc)))
            }
            Some(_) => {}
        }
    }
    // Missing, or there in another version.
    let count = |missing: usize, other: usize, one: &str, many: &str| -> Option<String> {
        let noun = |n: usize| if n == 1 { one } else { many };
        match (missing, other) {
            (0, 0) => None,
            (m, 0) => Some(format!("{m} {}", noun(m))),
            (0, o) => Some(format!("{o} {} in another version", noun(o))),
            (m, o) => Some(format!("{m} {}, and {o} in another version", noun(m + o))),
        }
    };
    let mut per_doc: BTreeMap<&DocId, (usize, usize)> = BTreeMap::new();
    for (id, a) in &from.annotations {
        match have.annotations.get(id) {
            None => per_doc.entry(&a.doc).or_default().0 += 1,
            Some(mine) if mine != a => per_doc.entry(&a.doc).or_default().1 += 1,
            Some(_) => {}
        }
    }
    for doc in &from.documents {
        if let Some((m, o)) = per_doc.get(&doc.id)
            && let Some(text) = count(*m, *o, "annotation", "annotations")
        {
            lines.push(format!("{}: {text}", title(doc)));
        }
    }
    fn split<K: Ord, V: PartialEq>(
        have: &SharedMap<K, V>,
        from: &SharedMap<K, V>,
    ) -> (usize, usize) {
        from.iter()
            .fold((0, 0), |(m, o), (id, item)| match have.get(id) {
                None => (m + 1, o),
                Some(mine) if mine != item => (m, o + 1),
                Some(_) => (m, o),
            })
    }
    for (missing, other, one, many) in [
        {
            let (m, o) = split(&have.relations, &from.relations);
            (m, o, "relation", "relations")
        },
        {
            let (m, o) = split(&have.entities, &from.entities);
            (m, o, "entity", "entities")
        },
        {
            let (m, o) = split(&have.decisions, &from.decisions);
            (m, o, "reviewer's decision", "reviewer's decisions")
        },
        {
            let (m, o) = split(&have.codebooks, &from.codebooks);
            (m, o, "codebook", "codebooks")
        },
    ] {
        lines.extend(count(missing, other, one, many));
    }
    lines
}

fn title(doc: &Document) -> String {
    if doc.meta.title.trim().is_empty() {
        doc.id.to_string()
    } else {
        doc.meta.title.clone()
    }
}

/// Annotation counts per document, each annotation counted under its document in the
/// recovered project (in the saved one if it was removed).
fn annotation_counts(saved: &Project, recovered: &Project) -> BTreeMap<DocId, Counts> {
    let mut per_doc: BTreeMap<DocId, Counts> = BTreeMap::new();
    for (id, a) in &recovered.annotations {
        let counts = per_doc.entry(a.doc.clone()).or_default();
        match saved.annotations.get(id) {
            None => counts.added += 1,
            Some(old) if old != a => counts.changed += 1,
            Some(_) => {}
        }
    }
    for (id, a) in &saved.annotations {
        if !recovered.annotations.contains_key(id) {
            per_doc.entry(a.doc.clone()).or_default().removed += 1;
        }
    }
    per_doc
}

#[cfg(test)]
mod lacking_tests {
    use super::*;
    use crate::model::{Fragment, ops, project_from_marked};

    #[test]
    fn a_project_holding_all_of_another_lacks_nothing_of_it_and_more_is_not_a_loss() {
        let (base, _) = project_from_marked(
            "[actor|Macron] said talks could start.",
            "ana",
            jiff::Timestamp::UNIX_EPOCH,
        )
        .unwrap();
        assert!(lacking(&base, &base).is_empty());
        let mut more = base.clone();
        let doc = more.documents[0].id.clone();
        ops::add_annotation(
            &more,
            &doc,
            &"claim".into(),
            vec![Fragment::new(
                crate::model::ByteOffset(12)..crate::model::ByteOffset(29),
            )],
            "noor",
            jiff::Timestamp::UNIX_EPOCH,
        )
        .unwrap()
        .apply(&mut more)
        .unwrap();
        // More than the other: nothing of it is lacking.
        assert!(lacking(&more, &base).is_empty());
        // The other way round: noor's claim, and noor.
        assert_eq!(
            lacking(&base, &more),
            ["annotators noor", "test: 1 annotation"]
                .map(|s| s.replace("test", &more.documents[0].meta.title))
        );
        // An annotation held in another version counts too.
        let mut other = base.clone();
        let id = other.annotations.keys().next().unwrap().clone();
        other.annotations.get_mut(&id).unwrap().note = "theirs".into();
        let lines = lacking(&base, &other);
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(
            lines[0].ends_with("1 annotation in another version"),
            "{lines:?}"
        );
    }
}

#[cfg(test)]
mod tests {
    use jiff::Timestamp;

    use super::*;
    use crate::model::{
        AnnotationId, Entity, EntityKind, Fragment, ReviewStatus, TagType, ops, parse_marked,
    };

    fn t(secs: i64) -> Timestamp {
        Timestamp::from_second(1_763_750_000 + secs).unwrap()
    }

    /// Adds a document made from marked text, its marks as annotations by "ana".
    fn add_doc(project: &mut Project, id: &str, title: &str, marked: &str) -> Vec<AnnotationId> {
        let (text, marks) = parse_marked(marked).unwrap();
        project.documents.push(Document::new(id, title, text));
        marks
            .into_iter()
            .map(|(tag, range)| add(project, id, &tag.0, range.start.0, range.end.0))
            .collect()
    }

    fn add(project: &mut Project, doc: &str, tag: &str, start: usize, end: usize) -> AnnotationId {
        let range = crate::model::ByteOffset(start)..crate::model::ByteOffset(end);
        let edit = ops::add_annotation(
            project,
            &doc.into(),
            &tag.into(),
            vec![Fragment::new(range)],
            "ana",
            t(0),
        )
        .unwrap();
        let id = ops::added_annotation(&edit).unwrap().clone();
        edit.apply(project).unwrap();
        id
    }

    fn saved() -> (Project, Vec<AnnotationId>) {
        let mut p = Project::new("day");
        let ids = add_doc(
            &mut p,
            "beijing",
            "Macron in Beijing",
            "[actor|Macron] said [claim|talks could start] [condition|if China helps].",
        );
        add_doc(
            &mut p,
            "kyiv",
            "Zelensky in Kyiv",
            "[actor|Zelensky] spoke.",
        );
        add_doc(&mut p, "paris", "", "Nothing tagged.");
        (p, ids)
    }

    #[test]
    fn equal_projects_differ_in_nothing() {
        let (p, _) = saved();
        let diff = ProjectDiff::between(&p, &p.clone());
        assert!(diff.is_empty());
        assert!(diff.lines().is_empty());
    }

    #[test]
    fn annotation_changes_are_counted_per_document() {
        let (saved, ids) = saved();
        let mut recovered = saved.clone();
        // "Macron said talks could start if China helps.": add three, remove one, change two.
        add(&mut recovered, "beijing", "actor", 33, 38);
        add(&mut recovered, "beijing", "claim", 7, 11);
        add(&mut recovered, "beijing", "condition", 39, 44);
        ops::remove_annotation(&recovered, &ids[2])
            .unwrap()
            .apply(&mut recovered)
            .unwrap();
        ops::set_note(&recovered, &ids[0], "the president", t(1))
            .unwrap()
            .apply(&mut recovered)
            .unwrap();
        ops::set_review_status(&recovered, &ids[1], ReviewStatus::Accepted, t(1))
            .unwrap()
            .apply(&mut recovered)
            .unwrap();
        let diff = ProjectDiff::between(&saved, &recovered);
        assert_eq!(
            diff.lines(),
            ["Macron in Beijing: 3 annotations added, 1 removed, 2 changed"]
        );
        let back = ProjectDiff::between(&recovered, &saved);
        assert_eq!(
            back.lines(),
            ["Macron in Beijing: 1 annotation added, 3 removed, 2 changed"]
        );
    }

    #[test]
    fn every_kind_of_change_has_its_line_in_a_fixed_order() {
        let (saved, ids) = saved();
        let mut recovered = saved.clone();
        recovered.name = "day 2".into();
        recovered.notes = "code claims only".into();
        recovered.schema.tags.push(TagType {
            attributes: Default::default(),
            id: "place".into(),
            label: "Place".into(),
            color: crate::model::PALETTE[0],
            key: None,
            definition: String::new(),
            guideline: String::new(),
        });
        recovered.annotators.insert("bob".into());
        recovered.annotators.insert("carl".into());
        ops::remove_document(&recovered, &"kyiv".into())
            .unwrap()
            .apply(&mut recovered)
            .unwrap();
        add_doc(
            &mut recovered,
            "rome",
            "Meloni in Rome",
            "[actor|Meloni] agreed.",
        );
        recovered.documents.swap(0, 1); // paris before beijing
        for (kind, from, to) in [("said_by", 1, 0), ("conditional_on", 1, 2)] {
            ops::add_relation(&recovered, &kind.into(), &ids[from], &ids[to], "ana")
                .unwrap()
                .apply(&mut recovered)
                .unwrap();
        }
        let macron = Entity {
            refs: Default::default(),
            id: "macron".into(),
            name: "Emmanuel Macron".into(),
            kind: EntityKind::Person,
            aliases: Vec::new(),
            note: String::new(),
        };
        ops::put_entity(&recovered, macron)
            .unwrap()
            .apply(&mut recovered)
            .unwrap();
        let mut meta = recovered.documents[0].meta.clone();
        meta.source = Some("AFP".into());
        ops::set_document_meta(&recovered, &"paris".into(), meta)
            .unwrap()
            .apply(&mut recovered)
            .unwrap();
        let diff = ProjectDiff::between(&saved, &recovered);
        assert_eq!(
            diff.lines(),
            [
                "project name changed",
                "project notes changed",
                "schema changed",
                "annotators added: bob, carl",
                "document added: Meloni in Rome",
                "document removed: Zelensky in Kyiv",
                "documents reordered",
                "paris: details changed",
                "2 relations added",
                "1 entity added",
            ]
        );
        assert!(!diff.is_empty());
    }

    #[test]
    fn a_document_may_change_in_several_ways_at_once() {
        let (mut recovered, ids) = saved();
        let mut old = recovered.clone();
        ops::remove_annotation(&old, &ids[0])
            .unwrap()
            .apply(&mut old)
            .unwrap();
        old.documents[0].meta.title = "Macron in China".into();
        old.documents[0].text.push_str(" More.");
        old.annotators = ["zoe".to_owned()].into();
        let entity = |id: &str, name: &str| Entity {
            refs: Default::default(),
            id: id.into(),
            name: name.into(),
            kind: EntityKind::Other,
            aliases: Vec::new(),
            note: String::new(),
        };
        old.entities.insert("x".into(), entity("x", "X"));
        old.entities.insert("y".into(), entity("y", "Y"));
        recovered.entities.insert("y".into(), entity("y", "Yves"));
        let mut diff = ProjectDiff::between(&old, &recovered);
        assert_eq!(
            diff.lines(),
            [
                "annotator added: ana",
                "annotator removed: zoe",
                "Macron in Beijing: 1 annotation added; details changed; text changed",
                "1 entity removed, 1 changed",
            ]
        );
        diff.documents.clear();
        diff.annotators_added.clear();
        diff.annotators_removed.clear();
        diff.entities = Counts::default();
        assert!(diff.is_empty());
    }
}
