//! The `doccano` format: the JSONL doccano exports from a sequence-labelling project and
//! imports into one, offsets in code points.
//!
//! Without relations in the selection each line is doccano's sequence-labelling shape,
//! `{"id": n, "text": …, "label": [[start, end, "tag"], …]}`; with any, every line takes its
//! relation-extraction shape, `{"id", "text", "entities": [{"id", "label", "start_offset",
//! "end_offset"}], "relations": [{"id", "from_id", "to_id", "type"}]}`. doccano keeps the
//! fields of a line it does not know as the example's metadata, so each line also carries the
//! document's `title` and `doc_id`.
//!
//! doccano has no discontinuous spans, notes, entities, review status, document metadata
//! other than the title, or annotators: a discontinuous annotation is written as one span per
//! fragment (reported as [`LossKind::Split`]), and a relation to or from it attaches to its
//! *first* fragment; the other fields are counted in the report's `fields_not_carried` (a
//! relation's annotator only when it is not its source annotation's, which the reader gives
//! it back). The reader takes both shapes, `label` or `labels`, spans
//! as `[start, end, "tag"]` or `{"start_offset", "end_offset", "label"}`, and lines with
//! entities and no relations.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::model::{AnnotationId, DocumentMeta, TextIndex};

use super::jsonl::{key_of, line_text, list, read_documents, why};
use super::{
    ExportError, ImportProblem, InAnnotation, InDoc, InRelation, Incoming, LossKind, OffsetUnit,
    OutFile, OutPlace, Place, Report, Selection, field, offsets,
};

/// The codes (names of [`super::report::field`]) this format carries; the others are counted
/// as not carried.
pub(super) const CODES_CARRIED: &[&str] = &[];

/// A sequence-labelling line.
#[derive(Serialize)]
struct Labelled<'a> {
    id: usize,
    text: &'a str,
    title: &'a str,
    doc_id: &'a str,
    /// `[start, end, tag]`, sorted as doccano sorts them.
    label: Vec<(usize, usize, &'a str)>,
}

/// A relation-extraction line.
#[derive(Serialize)]
struct Related<'a> {
    id: usize,
    text: &'a str,
    title: &'a str,
    doc_id: &'a str,
    entities: Vec<Entity<'a>>,
    relations: Vec<Relation<'a>>,
}

#[derive(Serialize)]
struct Entity<'a> {
    id: usize,
    label: &'a str,
    start_offset: usize,
    end_offset: usize,
}

#[derive(Serialize)]
struct Relation<'a> {
    id: usize,
    from_id: usize,
    to_id: usize,
    #[serde(rename = "type")]
    kind: &'a str,
}

/// Writes one doccano line per document. Line, entity and relation ids count from 1 across
/// the whole file, as doccano's own database ids do.
pub(crate) fn export(
    sel: &Selection,
    step: &mut dyn FnMut(usize),
) -> Result<(Vec<OutFile>, Report), ExportError> {
    let mut report = Report::new("doccano", Some("code points"), sel.layers.clone());
    let with_relations = sel.docs.iter().any(|d| !d.relations.is_empty());
    let (mut next_entity, mut next_relation) = (1, 1);
    let mut out = String::new();
    let mut mentioned = BTreeSet::new();
    for (i, part) in sel.docs.iter().enumerate() {
        let doc = part.doc;
        let index = TextIndex::new(&doc.text);
        let mut label = Vec::new();
        let mut entities = Vec::new();
        let mut first: HashMap<&AnnotationId, usize> = HashMap::new();
        for a in &part.annotations {
            for f in &a.fragments {
                let (start, end) = offsets(&index, f, OffsetUnit::CodePoints);
                if with_relations {
                    first.entry(&a.id).or_insert(next_entity);
                    entities.push(Entity {
                        id: next_entity,
                        label: a.tag.as_str(),
                        start_offset: start,
                        end_offset: end,
                    });
                    next_entity += 1;
                } else {
                    label.push((start, end, a.tag.as_str()));
                }
            }
            if a.fragments.len() > 1 {
                let fragments = a.fragments.len();
                report.span(a, LossKind::Split { fragments });
            } else {
                report.annotations += 1;
            }
            report.fields_of(a, &[]);
        }
        mentioned.extend(part.annotations.iter().flat_map(|a| &a.entity));
        report.document_fields(doc, &[field::DOCUMENT_TITLE]);
        let mut relations = Vec::new();
        for r in &part.relations {
            let (Some(&from_id), Some(&to_id)) = (first.get(&r.from), first.get(&r.to)) else {
                continue; // the selection only keeps relations whose ends it holds
            };
            relations.push(Relation {
                id: next_relation,
                from_id,
                to_id,
                kind: r.kind.as_str(),
            });
            next_relation += 1;
            report.relations += 1;
            if let Some(source) = sel.project.annotations.get(&r.from) {
                report.relation_annotator(r, source);
            }
        }
        let (id, text, title, doc_id) =
            (i + 1, doc.text.as_str(), &doc.meta.title, doc.id.as_str());
        let json = if with_relations {
            serde_json::to_string(&Related {
                id,
                text,
                title,
                doc_id,
                entities,
                relations,
            })
        } else {
            label.sort();
            serde_json::to_string(&Labelled {
                id,
                text,
                title,
                doc_id,
                label,
            })
        };
        out.push_str(&json.map_err(|e| ExportError::Encode(e.to_string()))?);
        out.push('\n');
        report.documents += 1;
        step(i + 1);
    }
    report.entity_fields(sel.project, mentioned, &[]);
    Ok((
        vec![OutFile {
            place: OutPlace::Main,
            text: out,
        }],
        report,
    ))
}

/// A span of a `label` list: `[start, end, "tag"]` or doccano's dictionary form.
#[derive(Deserialize)]
#[serde(untagged)]
enum LabelItem {
    Tuple(usize, usize, String),
    Object {
        start_offset: usize,
        end_offset: usize,
        label: String,
    },
}

#[derive(Deserialize)]
struct InEntity {
    id: Option<Value>,
    start_offset: usize,
    end_offset: usize,
    label: String,
}

#[derive(Deserialize)]
struct InRel {
    from_id: Value,
    to_id: Value,
    #[serde(rename = "type")]
    kind: String,
}

/// Reads every `.jsonl` file of `inputs`; every line is one document in either shape.
pub(crate) fn read(inputs: &[PathBuf]) -> Incoming {
    read_documents(inputs, document)
}

fn document(
    place: Place,
    obj: &Map<String, Value>,
    problems: &mut Vec<ImportProblem>,
) -> Option<InDoc> {
    let text = line_text(&place, obj, &["text", "data"], problems)?;
    let problem = |message: String| ImportProblem::new(place.clone(), message);
    let span = |key: String, start: usize, end: usize, label: String| InAnnotation {
        key,
        place: place.clone(),
        label,
        fragments: vec![(start, end)],
        ..InAnnotation::default()
    };
    let mut annotations = Vec::new();
    let field = if obj.contains_key("label") {
        "label"
    } else {
        "labels"
    };
    for (i, v) in list(&place, obj, field, problems).iter().enumerate() {
        match LabelItem::deserialize(v) {
            Ok(LabelItem::Tuple(start, end, label))
            | Ok(LabelItem::Object {
                start_offset: start,
                end_offset: end,
                label,
            }) => annotations.push(span(format!("#{}", i + 1), start, end, label)),
            Err(_) => problems.push(problem(format!(
                "{field} {}: expected [start, end, \"label\"] or {{\"start_offset\", \"end_offset\", \"label\"}}, offsets in code points",
                i + 1
            ))),
        }
    }
    for (i, v) in list(&place, obj, "entities", problems).iter().enumerate() {
        match InEntity::deserialize(v) {
            Ok(e) => {
                let key =
                    e.id.as_ref()
                        .and_then(key_of)
                        .unwrap_or_else(|| format!("entity #{}", i + 1));
                annotations.push(span(key, e.start_offset, e.end_offset, e.label));
            }
            Err(e) => problems.push(problem(format!(
                "entity {}: {}; expected {{\"id\", \"label\", \"start_offset\", \"end_offset\"}}",
                i + 1,
                why(&e)
            ))),
        }
    }
    let mut relations = Vec::new();
    for (i, v) in list(&place, obj, "relations", problems).iter().enumerate() {
        let r = InRel::deserialize(v).map_err(|e| why(&e)).and_then(|r| {
            match (key_of(&r.from_id), key_of(&r.to_id)) {
                (Some(from), Some(to)) => Ok((from, to, r.kind)),
                _ => Err("from_id and to_id should be entity ids".to_owned()),
            }
        });
        match r {
            Ok((from, to, kind)) => relations.push(InRelation {
                note: Default::default(),
                values: Default::default(),
                place: place.clone(),
                kind,
                from,
                to,
                annotator: None,
            }),
            Err(why) => problems.push(problem(format!(
                "relation {}: {why}; expected {{\"from_id\", \"to_id\", \"type\"}}",
                i + 1
            ))),
        }
    }
    Some(InDoc {
        variables: Default::default(),
        white_space_may_differ: false,
        meta: DocumentMeta {
            title: obj
                .get("title")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            ..DocumentMeta::default()
        },
        place,
        text,
        sha256: None,
        unit: OffsetUnit::CodePoints,
        annotations,
        relations,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use crate::formats::{
        Export, ExportOptions, Format, ImportOptions, ImportProblem, LayerChoice, Loss, LossKind,
        Place, export, fixture, plan_import, write,
    };
    use crate::model::{DocId, Project};

    fn export_ana(project: &Project, documents: Option<Vec<DocId>>) -> Export {
        let options = ExportOptions {
            layer: LayerChoice::One("ana".into()),
            documents,
        };
        export(project, Format::Doccano, &options, &mut |_, _| {}).expect("exports")
    }

    fn import(path: &Path) -> Result<Project, Vec<ImportProblem>> {
        let incoming = crate::formats::read(Format::Doccano, &[path.to_owned()]).expect("reads");
        let mut project = Project::new("x");
        let options = ImportOptions {
            annotator: Some("ana".into()),
            fallback_annotator: "imported".into(),
            skip_invalid: false,
            now: jiff::Timestamp::UNIX_EPOCH,
        };
        let plan = plan_import(&project, incoming, &options).map_err(|f| f.problems)?;
        plan.edit.apply(&mut project).expect("applies");
        Ok(project)
    }

    fn write_lines(dir: &Path, lines: &[&str]) -> std::path::PathBuf {
        let path = dir.join("doccano.jsonl");
        std::fs::write(&path, lines.join("\n")).expect("written");
        path
    }

    #[test]
    fn the_exports_of_the_fixture_match_the_golden_files() {
        let p = fixture::project();
        // ana's layer has relations: the relation-extraction shape.
        fixture::golden("doccano/ana.jsonl", &export_ana(&p, None).files[0].text);
        // The second document alone has none: the sequence-labelling shape.
        let plain = export_ana(&p, Some(vec!["d2".into()]));
        fixture::golden("doccano/ana-d2.jsonl", &plain.files[0].text);
    }

    #[test]
    fn the_report_lists_the_split_annotation_and_the_fields_doccano_lacks() {
        let report = export_ana(&fixture::project(), None).report;
        assert_eq!(
            (report.format, report.unit),
            ("doccano", Some("code points"))
        );
        assert_eq!(
            (report.documents, report.annotations, report.relations),
            (2, 9, 3)
        );
        assert_eq!(
            report.not_carried,
            [Loss {
                doc: "d1".into(),
                id: "a-talks".into(),
                label: "claim".into(),
                quote: "talks resume".into(),
                kind: LossKind::Split { fragments: 2 },
            }]
        );
        let fields: Vec<(&str, usize)> = report
            .fields_not_carried
            .iter()
            .map(|(k, n)| (*k, *n))
            .collect();
        assert_eq!(
            fields,
            [
                ("entity", 2),
                ("entity kind", 2),
                ("note", 1),
                ("status", 1)
            ]
        );
    }

    #[test]
    fn a_round_trip_keeps_tags_fragments_and_relations() {
        let p = fixture::project();
        let dir = tempfile::tempdir().expect("tempdir");
        for (name, documents) in [("re", None), ("seq", Some(vec!["d2".into()]))] {
            let mut export = export_ana(&p, documents);
            let out = dir.path().join(format!("{name}.jsonl"));
            write(&out, &mut export, &crate::formats::Protected::default()).expect("written");
            let back = import(&out).expect("imports");
            // What doccano carries: each fragment as a span of its own, without note or entity.
            let wanted_docs: BTreeSet<&str> =
                back.documents.iter().map(|d| d.text.as_str()).collect();
            let expected: BTreeSet<_> = fixture::spans(&p, Some("ana"))
                .into_iter()
                .filter(|s| wanted_docs.contains(s.0.as_str()))
                .flat_map(|(text, tag, fragments, _, _)| {
                    fragments
                        .into_iter()
                        .map(move |f| (text.clone(), tag.clone(), vec![f], String::new(), None))
                })
                .collect();
            assert_eq!(fixture::spans(&back, Some("ana")), expected, "{name}");
            let links: BTreeSet<_> = fixture::links(&p, Some("ana"))
                .into_iter()
                .map(|(kind, from, to)| (kind, from.replace("talks resume", "talks"), to))
                .filter(|_| name == "re")
                .collect();
            assert_eq!(fixture::links(&back, Some("ana")), links, "{name}");
        }
    }

    #[test]
    fn both_shapes_label_or_labels_and_entity_only_lines_are_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = write_lines(
            dir.path(),
            &[
                r#"{"id": 7, "text": "EU rejects German call to boycott British lamb.", "label": [[0, 2, "ORG"], [11, 17, "MISC"]]}"#,
                r#"{"text": "Peter Blackburn", "labels": [{"start_offset": 0, "end_offset": 15, "label": "PERSON"}], "title": "PB"}"#,
                r#"{"text": "Google was founded by Larry Page.", "entities": [{"id": 0, "start_offset": 0, "end_offset": 6, "label": "ORG"}, {"id": 1, "start_offset": 22, "end_offset": 32, "label": "PERSON"}], "relations": [{"from_id": 0, "to_id": 1, "type": "foundedBy"}]}"#,
                r#"{"text": "👩‍👩‍👧 Xi", "entities": [{"id": 4, "start_offset": 6, "end_offset": 8, "label": "PERSON"}]}"#,
            ],
        );
        let incoming =
            crate::formats::read(Format::Doccano, std::slice::from_ref(&path)).expect("reads");
        assert_eq!(incoming.problems, []);
        let spans: Vec<Vec<(usize, usize)>> = incoming
            .documents
            .iter()
            .map(|d| {
                d.annotations
                    .iter()
                    .flat_map(|a| a.fragments.clone())
                    .collect()
            })
            .collect();
        assert_eq!(
            spans,
            [
                vec![(0, 2), (11, 17)],
                vec![(0, 15)],
                vec![(0, 6), (22, 32)],
                vec![(6, 8)]
            ]
        );
        assert_eq!(incoming.documents[1].meta.title, "PB");
        assert_eq!(incoming.documents[2].place, Place::line(&path, 3));
        let r = &incoming.documents[2].relations[0];
        assert_eq!(
            (r.kind.as_str(), r.from.as_str(), r.to.as_str()),
            ("foundedBy", "0", "1")
        );

        let project = import(&path).expect("imports");
        assert_eq!(project.annotations.len(), 6);
        let links: Vec<_> = fixture::links(&project, None).into_iter().collect();
        assert_eq!(
            links,
            [(
                "foundedby".to_owned(),
                "Google".to_owned(),
                "Larry Page".to_owned()
            )]
        );
        let xi = project.annotations.values().find(|a| a.quote == "Xi");
        assert!(xi.is_some(), "code points: the family emoji counts 5");
    }

    #[test]
    fn bad_lines_are_reported_by_file_and_line_without_stopping() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = write_lines(
            dir.path(),
            &[
                r#"{"text": "Macron spoke.", "label": [[0, 6, "actor"], ["a", 6, "actor"], ["positive"]]}"#,
                r#"{"text": "broken", "label": [[0, 6,"#,
                r#"{"data": "Putin spoke.", "entities": [{"id": 1, "start_offset": 0, "end_offset": 5}], "relations": [{"from_id": 1, "type": "said_by"}]}"#,
            ],
        );
        let incoming =
            crate::formats::read(Format::Doccano, std::slice::from_ref(&path)).expect("reads");
        assert_eq!(incoming.documents.len(), 2);
        let found: Vec<String> = incoming.problems.iter().map(ToString::to_string).collect();
        let at = |line: usize| format!("{}:{line}: ", path.display());
        let expect = [
            (at(1), "label 2: expected [start, end, \"label\"]"),
            (at(1), "label 3: expected [start, end, \"label\"]"),
            (at(2), "not JSON"),
            (at(3), "entity 1: missing field `label`"),
            (at(3), "relation 1: missing field `to_id`"),
        ];
        assert_eq!(found.len(), expect.len(), "{found:?}");
        for (f, (place, message)) in found.iter().zip(expect) {
            assert!(
                f.starts_with(&place) && f.contains(message),
                "{f:?} lacks {place}{message}"
            );
        }
    }

    #[test]
    fn offsets_past_the_end_and_unknown_relation_ends_refuse_the_import_by_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = write_lines(
            dir.path(),
            &[
                r#"{"text": "Macron spoke.", "label": [[0, 6, "actor"]]}"#,
                r#"{"text": "Putin spoke.", "label": [[6, 99, "claim"]]}"#,
                r#"{"text": "Xi spoke.", "entities": [{"id": 1, "start_offset": 0, "end_offset": 2, "label": "actor"}], "relations": [{"from_id": 1, "to_id": 9, "type": "said_by"}]}"#,
            ],
        );
        let problems = import(&path).expect_err("refused");
        let found: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].starts_with(&format!("{}:2: ", path.display()))
                && found[0].contains("past the end"),
            "{}",
            found[0]
        );
        assert!(
            found[1].starts_with(&format!("{}:3: ", path.display()))
                && found[1].contains("refers to 9"),
            "{}",
            found[1]
        );
    }
}
