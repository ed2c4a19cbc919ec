//! Counts over a project: what `marginalia stats` prints and the window's status bar shows.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::Project;

/// Counts over one project. Maps are sorted so the output is stable.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Project name.
    pub name: String,
    /// Number of documents.
    pub documents: usize,
    /// Characters (code points) of text in all documents.
    pub characters: usize,
    /// Number of annotations.
    pub annotations: usize,
    /// Annotations per tag id (every schema tag listed, zero included).
    pub annotations_per_tag: BTreeMap<String, usize>,
    /// Annotations per annotator.
    pub annotations_per_annotator: BTreeMap<String, usize>,
    /// Number of relations.
    pub relations: usize,
    /// Relations per relation type.
    pub relations_per_kind: BTreeMap<String, usize>,
    /// Entities in the registry.
    pub entities: usize,
    /// Actor annotations linked to an entity.
    pub linked_mentions: usize,
    /// Documents per annotator and status (`annotator → status → count`).
    pub progress: BTreeMap<String, BTreeMap<String, usize>>,
}

impl Stats {
    /// Counts everything in `project`.
    pub fn of(project: &Project) -> Self {
        let mut s = Stats {
            name: project.name.clone(),
            documents: project.documents.len(),
            characters: project
                .documents
                .iter()
                .map(|d| d.text.chars().count())
                .sum(),
            annotations: project.annotations.len(),
            relations: project.relations.len(),
            entities: project.entities.len(),
            ..Stats::default()
        };
        for t in &project.schema.tags {
            s.annotations_per_tag.insert(t.id.0.clone(), 0);
        }
        for a in project.annotations.values() {
            *s.annotations_per_tag.entry(a.tag.0.clone()).or_default() += 1;
            *s.annotations_per_annotator
                .entry(a.annotator.clone())
                .or_default() += 1;
            s.linked_mentions += usize::from(a.entity.is_some());
        }
        for r in project.relations.values() {
            *s.relations_per_kind.entry(r.kind.0.clone()).or_default() += 1;
        }
        for annotator in &project.annotators {
            let per_status = s.progress.entry(annotator.clone()).or_default();
            for d in &project.documents {
                let status = d.meta.status.get(annotator).copied().unwrap_or_default();
                *per_status.entry(status.label().to_owned()).or_default() += 1;
            }
        }
        s
    }

    /// The counts as an aligned plain-text table.
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let _ = writeln!(out, "project      {}", self.name);
        let _ = writeln!(
            out,
            "documents    {} ({} characters)",
            self.documents, self.characters
        );
        let _ = writeln!(out, "annotations  {}", self.annotations);
        section(&mut out, "by tag", &self.annotations_per_tag);
        section(&mut out, "by annotator", &self.annotations_per_annotator);
        let _ = writeln!(out, "relations    {}", self.relations);
        section(&mut out, "by type", &self.relations_per_kind);
        let _ = writeln!(
            out,
            "entities     {} ({} actor mentions linked)",
            self.entities, self.linked_mentions
        );
        for (annotator, statuses) in &self.progress {
            let parts: Vec<String> = statuses.iter().map(|(k, v)| format!("{v} {k}")).collect();
            let _ = writeln!(out, "progress     {annotator}: {}", parts.join(", "));
        }
        out
    }
}

/// Writes one indented `title key count` block, the title on the first row only.
fn section(out: &mut String, title: &str, map: &BTreeMap<String, usize>) {
    use std::fmt::Write;
    for (i, (k, v)) in map.iter().enumerate() {
        let head = if i == 0 { title } else { "" };
        let _ = writeln!(out, "  {head:<13}{k:<20}{v:>7}");
    }
}
