//! Translation between the file shape (code points) and the model (bytes).

use std::collections::HashMap;

use crate::model::{
    Annotation, ByteOffset, CharOffset, Document, DocumentMeta, Fragment, Project, TextIndex,
};

use super::file::{AnnotationRecord, DocumentRecord, OFFSET_UNIT, ProjectFile};

/// Builds the project from a file that validated without problems. Offsets that do not convert
/// (which validation would have reported) are an error naming the annotation.
pub fn file_to_project(
    file: ProjectFile,
    indexes: &HashMap<String, TextIndex>,
) -> Result<Project, String> {
    // Converted in the records' own memory (an annotation is smaller than its record, and
    // collecting a list's `into_iter` reuses its allocation), so no second list is made.
    let mut converted = file
        .annotations
        .into_iter()
        .map(|a| {
            let index = indexes
                .get(a.doc.as_str())
                .ok_or_else(|| format!("annotation {}: no document {}", a.id, a.doc))?;
            annotation(a, index)
        })
        .collect::<Result<Vec<Annotation>, String>>()?;
    // In key order, each insert goes down the same rightmost path of the tree, which is in
    // the cache: sorting and inserting take 130 ms at corpus scale, inserting in the file's
    // order (by document and position, not by id) 200 ms.
    converted.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    let mut annotations = crate::model::SharedMap::new();
    for annotation in converted {
        annotations.insert(annotation.id.clone(), annotation);
    }
    let documents = file
        .documents
        .into_iter()
        .map(|d| Document {
            id: d.id,
            meta: DocumentMeta {
                variables: d.variables,
                tokens: d.tokens,
                title: d.title,
                source: d.source,
                author: d.author,
                published: d.published,
                url: d.url,
                status: d.status,
            },
            text: d.text,
        })
        .collect();
    Ok(Project {
        codebooks: file
            .codebooks
            .into_iter()
            .map(|c| (c.id.clone(), c))
            .collect(),
        name: file.name,
        notes: file.notes,
        schema: file.schema,
        annotators: file.annotators.into_iter().collect(),
        documents,
        annotations,
        relations: file
            .relations
            .into_iter()
            .map(|r| (r.id.clone(), r))
            .collect(),
        entities: file
            .entities
            .into_iter()
            .map(|e| (e.id.clone(), e))
            .collect(),
        decisions: file
            .decisions
            .into_iter()
            .map(|d| (d.id.clone(), d))
            .collect(),
    })
}

/// The annotation of a record, its offsets converted with its document's `index`.
fn annotation(a: AnnotationRecord, index: &TextIndex) -> Result<Annotation, String> {
    let mut fragments = Vec::with_capacity(a.fragments.len());
    for &(start, end) in &a.fragments {
        let range = index
            .char_range_to_byte(CharOffset(start)..CharOffset(end))
            .map_err(|e| format!("annotation {}: {e}", a.id))?;
        fragments.push(Fragment::new(range));
    }
    Ok(Annotation {
        values: a.values,
        id: a.id,
        doc: a.doc,
        tag: a.tag,
        fragments,
        quote: a.quote,
        annotator: a.annotator,
        entity: a.entity,
        note: a.note,
        status: a.status,
        created: a.created,
        modified: a.modified.unwrap_or(a.created),
        changed_by: a.changed_by,
    })
}

/// The file shape of `project`, in the canonical order: documents as arranged, annotations by
/// document and position, relations by their source annotation, entities by id.
pub fn project_to_file(project: &Project) -> ProjectFile {
    let doc_order: HashMap<&str, usize> = project
        .documents
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();
    // Each document's offset index and hash, on every core.
    let prepared = crate::par::par_map(&project.documents, |d| {
        (TextIndex::new(&d.text), d.sha256())
    });
    let mut hashes = Vec::with_capacity(prepared.len());
    let mut indexes: HashMap<&str, TextIndex> = HashMap::with_capacity(prepared.len());
    for (d, (index, hash)) in project.documents.iter().zip(prepared) {
        indexes.insert(d.id.as_str(), index);
        hashes.push(hash);
    }

    let mut sorted: Vec<&Annotation> = project.annotations.values().collect();
    sorted.sort_by_cached_key(|a| {
        (
            doc_order.get(a.doc.as_str()).copied().unwrap_or(usize::MAX),
            a.sort_key(),
        )
    });
    let position: HashMap<&str, usize> = sorted
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();

    let to_chars = |index: Option<&TextIndex>, b: ByteOffset| -> usize {
        // Model invariants keep offsets on boundaries; should one not be, the byte offset is
        // written and the next load reports it instead of silently moving the span.
        index
            .and_then(|i| i.byte_to_char(b).ok())
            .map_or(b.0, |c| c.0)
    };
    let annotations = crate::par::par_map(&sorted, |a| {
        let index = indexes.get(a.doc.as_str());
        AnnotationRecord {
            id: a.id.clone(),
            doc: a.doc.clone(),
            tag: a.tag.clone(),
            fragments: a
                .fragments
                .iter()
                .map(|f| (to_chars(index, f.start), to_chars(index, f.end)))
                .collect(),
            start: None,
            end: None,
            quote: a.quote.clone(),
            annotator: a.annotator.clone(),
            entity: a.entity.clone(),
            note: a.note.clone(),
            status: a.status,
            created: a.created,
            modified: (a.modified != a.created).then_some(a.modified),
            changed_by: a.changed_by.clone(),
            values: a.values.clone(),
        }
    });

    let mut relations: Vec<_> = project.relations.values().cloned().collect();
    relations.sort_by_cached_key(|r| {
        (
            position.get(r.from.as_str()).copied(),
            r.kind.clone(),
            position.get(r.to.as_str()).copied(),
            r.id.clone(),
        )
    });

    let mut file = ProjectFile {
        format_version: 0,
        offset_unit: OFFSET_UNIT.to_owned(),
        name: project.name.clone(),
        notes: project.notes.clone(),
        schema: project.schema.clone(),
        annotators: project.annotators.iter().cloned().collect(),
        entities: project.entities.values().cloned().collect(),
        documents: project
            .documents
            .iter()
            .zip(hashes)
            .map(|(d, sha256)| DocumentRecord {
                id: d.id.clone(),
                title: d.meta.title.clone(),
                source: d.meta.source.clone(),
                author: d.meta.author.clone(),
                published: d.meta.published.clone(),
                url: d.meta.url.clone(),
                status: d.meta.status.clone(),
                variables: d.meta.variables.clone(),
                tokens: d.meta.tokens,
                sha256,
                text: d.text.clone(),
            })
            .collect(),
        annotations,
        relations,
        decisions: project.decisions.values().cloned().collect(),
        codebooks: project.codebooks.values().cloned().collect(),
    };
    file.format_version = super::file::version_needed(&file);
    file
}
