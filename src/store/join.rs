//! Writing a large project file on several cores: the counterpart of [`super::split`].
//!
//! Most of a large file's text is its annotation records. They are serialised in slices on
//! other threads, each slice inside a one-field struct named like the file's field, so every
//! record lands at the depth, and so with the indentation, it has in the file. The rest of the
//! file is serialised with a single marker record in place of the list, and the marker's text
//! is replaced by the slices' texts. The result is the same bytes one serialiser writes (a
//! test checks this); when anything does not fit, the caller serialises the ordinary way.

use serde::Serialize;

use super::file::{AnnotationRecord, ProjectFile};
use crate::model::{AnnotationId, DocId, TagId};

/// Files with fewer annotations than this are written on one thread: splitting would not pay.
const PARALLEL_FROM: usize = 4096;

/// One slice of the annotation list, named as the file names it.
#[derive(Serialize)]
struct Part<'a> {
    annotations: &'a [AnnotationRecord],
}

/// What a serialised [`Part`] looks like around its records, after the extension attributes.
const PART_HEAD: &str = "(\n    annotations: [\n";
const PART_TAIL: &str = "    ],\n)";

/// Bytes a record takes in the file, about: to size the buffers once.
const RECORD_BYTES: usize = 512;

/// The records of `part` as they appear in the file: a text and the range of it they fill,
/// or `None` if the text does not have the expected shape.
fn records_text(
    part: &[AnnotationRecord],
    config: &ron::ser::PrettyConfig,
) -> Option<(String, std::ops::Range<usize>)> {
    let mut text = String::with_capacity(part.len() * RECORD_BYTES + 64);
    ron::ser::to_writer_pretty(&mut text, &Part { annotations: part }, config.clone()).ok()?;
    // Past the extension attributes (`#![enable(implicit_some)]`) the serialiser starts with.
    let head = text.find(PART_HEAD)?;
    if !text.get(..head)?.lines().all(|l| l.starts_with("#![")) || !text.ends_with(PART_TAIL) {
        return None;
    }
    let range = head + PART_HEAD.len()..text.len() - PART_TAIL.len();
    Some((text, range))
}

/// The RON text of `file` (without the header), its annotation records serialised on
/// `threads` threads; `None` means "serialise it the ordinary way".
pub(super) fn to_string_parallel(
    file: &ProjectFile,
    config: &ron::ser::PrettyConfig,
) -> Option<String> {
    let threads = crate::par::threads();
    if threads < 2 || file.annotations.len() < PARALLEL_FROM {
        return None;
    }
    in_slices(file, config, threads)
}

/// [`to_string_parallel`] with the annotation list cut into `threads` slices.
fn in_slices(
    file: &ProjectFile,
    config: &ron::ser::PrettyConfig,
    threads: usize,
) -> Option<String> {
    if file.annotations.is_empty() {
        return None;
    }
    let marker = marker_record();
    // Every field but the annotations (a compile error here is a reminder to add a new one).
    let shell = ProjectFile {
        format_version: file.format_version,
        offset_unit: file.offset_unit.clone(),
        name: file.name.clone(),
        notes: file.notes.clone(),
        schema: file.schema.clone(),
        codebooks: file.codebooks.clone(),
        annotators: file.annotators.clone(),
        entities: file.entities.clone(),
        documents: file.documents.clone(),
        annotations: vec![marker.clone()],
        relations: file.relations.clone(),
        decisions: file.decisions.clone(),
    };
    let chunk = file.annotations.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let parts: Vec<_> = file
            .annotations
            .chunks(chunk)
            .map(|part| scope.spawn(move || records_text(part, config)))
            .collect();
        let shell_text = ron::ser::to_string_pretty(&shell, config.clone()).ok()?;
        let (marker_text, range) = records_text(std::slice::from_ref(&marker), config)?;
        let marker_text = marker_text.get(range)?;
        let at = shell_text.find(marker_text)?;
        if shell_text.get(at + 1..)?.contains(marker_text) {
            return None;
        }
        let mut records = Vec::with_capacity(parts.len());
        for p in parts {
            records.push(p.join().ok()??);
        }
        let size = shell_text.len() + records.iter().map(|(_, r)| r.len()).sum::<usize>();
        let mut out = String::with_capacity(size);
        out.push_str(shell_text.get(..at)?);
        for (text, range) in &records {
            out.push_str(text.get(range.clone())?);
        }
        out.push_str(shell_text.get(at + marker_text.len()..)?);
        Some(out)
    })
}

/// A record no project holds: its id is 128 random bits.
fn marker_record() -> AnnotationRecord {
    let id = format!(
        "{}{}",
        crate::model::fresh_id("marginalia-marker"),
        crate::model::fresh_id("")
    );
    AnnotationRecord {
        id: AnnotationId(id),
        doc: DocId::from("marker"),
        tag: TagId::from("marker"),
        fragments: Vec::new(),
        start: None,
        end: None,
        quote: String::new(),
        annotator: String::new(),
        entity: None,
        note: String::new(),
        status: Default::default(),
        created: jiff::Timestamp::UNIX_EPOCH,
        modified: None,
        changed_by: None,
        values: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Document, Fragment, ops, parse_marked};

    /// Every record on its own or with others, odd strings in notes and quotes, and a note
    /// that looks like the list it sits in: the slices give the ordinary serialiser's bytes.
    #[test]
    fn the_slices_give_the_bytes_one_serialiser_writes() {
        let marked = "[actor|Zelensky 🇺🇦] said [claim|\"talks\" could start] if [condition|the cafe\u{301} reopens]\n[actor|习近平] 说 [claim|谈判 👩‍👩‍👧]";
        let (text, marks) = parse_marked(marked).unwrap();
        let mut project = crate::model::Project::new("p");
        project
            .documents
            .push(Document::new("d", "T", text.clone()));
        for round in 0..7 {
            for (tag, range) in &marks {
                let edit = ops::add_annotation(
                    &project,
                    &"d".into(),
                    tag,
                    vec![Fragment::new(range.clone())],
                    "ann",
                    jiff::Timestamp::UNIX_EPOCH,
                )
                .unwrap();
                edit.apply(&mut project).unwrap();
            }
            let id = project
                .annotations
                .values()
                .find(|a| a.note.is_empty())
                .unwrap()
                .id
                .clone();
            let note = match round {
                0 => "line one\n    annotations: [],\n\t\"quoted\" \\ r#\"raw\"#",
                1 => "    ),\n        (",
                _ => "",
            };
            let at = jiff::Timestamp::from_second(round).unwrap();
            ops::set_note(&project, &id, note, at)
                .unwrap()
                .apply(&mut project)
                .unwrap();
        }
        let file = crate::store::project_to_file(&project);
        let config = ron::ser::PrettyConfig::new()
            .indentor("    ")
            .new_line("\n")
            .escape_strings(false)
            .extensions(ron::extensions::Extensions::IMPLICIT_SOME);
        let ordinary = ron::ser::to_string_pretty(&file, config.clone()).unwrap();
        assert!(
            ordinary.contains("line one\n    annotations: [],\n"),
            "{ordinary}"
        );
        for threads in [1, 2, 3, 8, 1000] {
            assert_eq!(
                in_slices(&file, &config, threads).as_deref(),
                Some(ordinary.as_str()),
                "{threads} slices"
            );
        }
        let empty = ProjectFile {
            annotations: Vec::new(),
            ..file
        };
        assert_eq!(in_slices(&empty, &config, 2), None);
    }
}
