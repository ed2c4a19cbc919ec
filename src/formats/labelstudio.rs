//! Label Studio JSON tasks, with the labeling config beside them.
//!
//! The export is a JSON array with one task per document: an `id` (its number in the file,
//! from 1; Label Studio's converter needs one), `data.text` (the article), `data.title`, and
//! the document's id and metadata in the task's `meta`. Each annotator layer is one entry of
//! `annotations`, its layer name in `completed_by.email` (the object form of a user that
//! Label Studio's import resolves by e-mail and its converter writes as the annotator; a
//! bare user id would mean nothing outside the Label Studio that made it). Each fragment is a
//! `labels` region whose `value.start`/`value.end` count Unicode code points, as Label Studio
//! does (its editor converts JavaScript string indices with `charsToCodePoints` since
//! label-studio#1559), `value.text` is the exact covered text and `value.labels` holds the tag
//! id. A region's note, entity name and review status are per-region results sharing the
//! region's id: `textarea` results named `note` and `entity`, and a `choices` result named
//! `status`. Relations are `relation` results between the regions (direction `right`:
//! from → to).
//!
//! Codes: each attribute of the schema is a per-region control named by its label (the tags
//! that declare it in `whenLabelValue`): a choice or a code is a `Choices` (the code labels of
//! its codebook), a flag a one-choice checkbox, a scale a `Number` with `min` and `max`, a
//! text a `TextArea`; each value is a `choices`, `number` or `textarea` result with its
//! region's id and offsets, the value's labels as spelled. Every article variable is in the
//! task's `meta.variables` (by label), and a choice variable is also a task-level `Choices`
//! with a result in each annotation. A Label Studio relation has labels only, so a link's note
//! and values are counted, as are an entity's references (the entity text area holds its name).
//!
//! A discontinuous annotation becomes one region per fragment (reported as split); relations
//! attach to its first fragment. A relation whose ends are in another layer than the relation
//! itself is not written: a Label Studio relation links regions of one annotation. A
//! document's progress per annotator and an entity's kind, aliases and note have no place:
//! the report counts them.
//!
//! `labelstudio.config.xml` (the `-o` name with `.config.xml`) is the labeling interface that
//! reads these tasks: the tags with their colours and keys, the relation types, the text, the
//! task-level choices, and the per-region note, entity, status and attribute controls.
//!
//! The reader ([`read`]) takes a JSON array of tasks or one task, in this shape or Label
//! Studio's own export: `labels` regions, `relation`s, per-region and task-level results (see
//! `read`'s module for how they become values and variables, and how a config beside the
//! tasks is used, how the text key is found, how bidirectional relations and our older UTF-16
//! files come in), and the annotator from `completed_by` (a name, an object with an `email`
//! or a name, or a user id), else from `annotator` (our older files). `predictions` (a
//! model's suggestions) are not read. Each problem names the line where its result (or task)
//! starts.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::model::{AnnotationId, Project, ReviewStatus, TextIndex};

use super::{
    ExportError, LossKind, OffsetUnit, OutFile, OutPlace, Report, Selection, field, offsets,
};

mod codes;
mod config;
mod read;

use codes::{ControlKind, Controls, Written};

/// The codes (names of [`super::report::field`]) this format carries; the others are counted
/// as not carried. A span's attribute value without a control (its label taken by another
/// kind or by one of our own controls) is counted by the writer itself. A link has no place
/// for a note or values (a Label Studio relation has labels only), an entity none for its
/// references.
pub(super) const CODES_CARRIED: &[&str] = &[field::ATTRIBUTE_VALUE, field::ARTICLE_VARIABLE];

pub(crate) use read::read;

/// `from_name` of the labels control.
const LABELS: &str = "label";
/// `to_name` of every control: the text object.
const TEXT: &str = "text";
/// `from_name` of the per-region note.
const NOTE: &str = "note";
/// `from_name` of the per-region entity name.
const ENTITY: &str = "entity";
/// `from_name` of the per-region review status.
const STATUS: &str = "status";

#[derive(Serialize)]
struct Task<'a> {
    /// The task's number in the file, from 1: Label Studio's converter needs one.
    id: usize,
    data: TaskData<'a>,
    meta: TaskMeta<'a>,
    annotations: Vec<TaskAnnotation<'a>>,
}

#[derive(Serialize)]
struct TaskData<'a> {
    text: &'a str,
    title: &'a str,
}

#[derive(Serialize)]
struct TaskMeta<'a> {
    doc_id: &'a str,
    /// Every article variable, by its label: what a task keeps beside its data.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    variables: BTreeMap<&'a str, &'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct TaskAnnotation<'a> {
    completed_by: CompletedBy<'a>,
    ground_truth: bool,
    was_cancelled: bool,
    result: Vec<Item<'a>>,
}

/// Who made an annotation, in the shape Label Studio's import and its converter read a user
/// by: an object with an `email`, which holds the layer name as it is.
#[derive(Serialize)]
struct CompletedBy<'a> {
    email: &'a str,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Item<'a> {
    Region(Region<'a>),
    Link(Link<'a>),
}

/// A labels region, a per-region result sharing its id, or a task-level classification.
#[derive(Serialize)]
struct Region<'a> {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    from_name: &'a str,
    to_name: &'static str,
    value: RegionValue<'a>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum RegionValue<'a> {
    Labels {
        start: usize,
        end: usize,
        text: &'a str,
        labels: [&'a str; 1],
    },
    TextArea {
        start: usize,
        end: usize,
        text: [&'a str; 1],
    },
    /// A per-region choice: the region's text beside the choices, as Label Studio writes it
    /// (none for our own `status`).
    Choices {
        start: usize,
        end: usize,
        #[serde(skip_serializing_if = "Option::is_none")]
        text: Option<&'a str>,
        choices: Vec<&'a str>,
    },
    Number {
        start: usize,
        end: usize,
        text: &'a str,
        number: i32,
    },
    /// A task-level choice (an article variable): no region.
    TaskChoices { choices: [&'a str; 1] },
}

#[derive(Serialize)]
struct Link<'a> {
    from_id: String,
    to_id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    direction: &'static str,
    labels: [&'a str; 1],
}

/// Writes the tasks and the labeling config.
pub(crate) fn export(
    sel: &Selection<'_>,
    step: &mut dyn FnMut(usize),
) -> Result<(Vec<OutFile>, Report), ExportError> {
    let project = sel.project;
    let mut report = Report::new("labelstudio", Some("code points"), sel.layers.clone());
    let mut tasks = Vec::with_capacity(sel.docs.len());
    let mut entities = BTreeSet::new();
    let controls = Controls::new(project);
    for (done, part) in sel.docs.iter().enumerate() {
        let doc = part.doc;
        // The task's `data.title` and `meta` hold all but the progress per annotator.
        report.document_fields(
            doc,
            &[
                field::DOCUMENT_TITLE,
                field::DOCUMENT_SOURCE,
                field::DOCUMENT_AUTHOR,
                field::DOCUMENT_DATE,
                field::DOCUMENT_URL,
            ],
        );
        entities.extend(part.annotations.iter().flat_map(|a| &a.entity));
        let index = TextIndex::new(&doc.text);
        let mut layers: BTreeMap<&str, Vec<Item<'_>>> = BTreeMap::new();
        let mut first_region: HashMap<&AnnotationId, String> = HashMap::new();
        for a in &part.annotations {
            let items = layers.entry(a.annotator.as_str()).or_default();
            let entity = a.entity.as_ref().map(|e| project.entities.get(e));
            if let Some(None) = entity {
                report.field("entity");
            }
            let entity = entity.flatten().map(|e| e.name.as_str());
            let many = a.fragments.len() > 1;
            for (k, f) in a.fragments.iter().enumerate() {
                let id = if many {
                    format!("{}_{}", a.id, k + 1)
                } else {
                    a.id.to_string()
                };
                let (start, end) = offsets(&index, f, OffsetUnit::CodePoints);
                let covered = doc.text.get(f.bytes()).unwrap_or_default();
                let region = |kind, from_name, value| {
                    Item::Region(Region {
                        id: id.clone(),
                        kind,
                        from_name,
                        to_name: TEXT,
                        value,
                    })
                };
                items.push(region(
                    "labels",
                    LABELS,
                    RegionValue::Labels {
                        start,
                        end,
                        text: covered,
                        labels: [a.tag.as_str()],
                    },
                ));
                if !a.note.is_empty() {
                    let text = [a.note.as_str()];
                    items.push(region(
                        "textarea",
                        NOTE,
                        RegionValue::TextArea { start, end, text },
                    ));
                }
                if let Some(name) = entity {
                    let text = [name];
                    items.push(region(
                        "textarea",
                        ENTITY,
                        RegionValue::TextArea { start, end, text },
                    ));
                }
                if let Some(status) = status_name(a.status) {
                    items.push(region(
                        "choices",
                        STATUS,
                        RegionValue::Choices {
                            start,
                            end,
                            text: None,
                            choices: vec![status],
                        },
                    ));
                }
                for (attribute, value) in &a.values {
                    let Some((control, written)) =
                        controls.result(project, &a.tag, attribute, value)
                    else {
                        if k == 0 {
                            report.field(field::ATTRIBUTE_VALUE);
                        }
                        continue;
                    };
                    let (kind, value) = match written {
                        Written::Choices(choices) => (
                            "choices",
                            RegionValue::Choices {
                                start,
                                end,
                                text: Some(covered),
                                choices,
                            },
                        ),
                        Written::Number(number) => (
                            "number",
                            RegionValue::Number {
                                start,
                                end,
                                text: covered,
                                number,
                            },
                        ),
                        Written::Text(text) => (
                            "textarea",
                            RegionValue::TextArea {
                                start,
                                end,
                                text: [text],
                            },
                        ),
                    };
                    items.push(region(kind, control.name.as_str(), value));
                }
                if k == 0 {
                    first_region.insert(&a.id, id);
                }
            }
            if many {
                report.span(
                    a,
                    LossKind::Split {
                        fragments: a.fragments.len(),
                    },
                );
            } else {
                report.annotations += 1;
            }
        }
        for r in &part.relations {
            let (Some(from), Some(to)) = (
                project.annotations.get(&r.from),
                project.annotations.get(&r.to),
            ) else {
                continue;
            };
            if from.annotator != r.annotator || to.annotator != r.annotator {
                report.relation(
                    r,
                    from,
                    to,
                    "its ends are in another annotator layer than the relation, and a Label Studio relation links regions of one annotation",
                );
                continue;
            }
            let (Some(from_id), Some(to_id), Some(items)) = (
                first_region.get(&r.from),
                first_region.get(&r.to),
                layers.get_mut(r.annotator.as_str()),
            ) else {
                continue;
            };
            items.push(Item::Link(Link {
                from_id: from_id.clone(),
                to_id: to_id.clone(),
                kind: "relation",
                direction: "right",
                labels: [r.kind.as_str()],
            }));
            report.relations += 1;
        }
        let meta = &doc.meta;
        let variables: BTreeMap<&str, &str> = meta
            .variables
            .iter()
            .map(|(id, value)| {
                let label = project
                    .schema
                    .variable(id)
                    .map_or(id.as_str(), |v| v.label.as_str());
                (label, value.as_str())
            })
            .collect();
        // A choice variable is also the task-level classification of each annotation, as
        // Label Studio shows and exports it.
        for (name, _) in &controls.task {
            let Some(value) = variables.get(name.as_str()) else {
                continue;
            };
            for items in layers.values_mut() {
                items.push(Item::Region(Region {
                    id: format!("{}-{}", doc.id, name),
                    kind: "choices",
                    from_name: name,
                    to_name: TEXT,
                    value: RegionValue::TaskChoices { choices: [value] },
                }));
            }
        }
        tasks.push(Task {
            id: done + 1,
            data: TaskData {
                text: &doc.text,
                title: &meta.title,
            },
            meta: TaskMeta {
                doc_id: doc.id.as_str(),
                variables,
                source: meta.source.as_deref(),
                author: meta.author.as_deref(),
                published: meta.published.as_deref(),
                url: meta.url.as_deref(),
            },
            annotations: layers
                .into_iter()
                .map(|(annotator, result)| TaskAnnotation {
                    completed_by: CompletedBy { email: annotator },
                    ground_truth: false,
                    was_cancelled: false,
                    result,
                })
                .collect(),
        });
        report.documents += 1;
        step(done + 1);
    }
    report.entity_fields(project, entities, &[]);
    // A JSON array with one compact task per line: what Label Studio reads, easy to diff,
    // and half the size (and reading time) of indenting every result.
    // Sized for the texts and a few hundred bytes a region, so that it is not copied as it
    // grows (and never held twice, as lines and their join were).
    let regions: usize = sel.docs.iter().map(|p| p.annotations.len()).sum();
    let texts: usize = sel.docs.iter().map(|p| p.doc.text.len()).sum();
    let mut buf = Vec::with_capacity(texts + texts / 8 + regions * 320 + 64);
    super::json_list(&mut buf, &tasks, "", "")?;
    buf.push(b'\n');
    let json = super::utf8(buf)?;
    Ok((
        vec![
            OutFile {
                place: OutPlace::Main,
                text: json,
            },
            OutFile {
                place: OutPlace::Sibling(".config.xml"),
                text: config(project, sel, &controls),
            },
        ],
        report,
    ))
}

/// The status written for a review decision; nothing for a pending one.
fn status_name(status: ReviewStatus) -> Option<&'static str> {
    match status {
        ReviewStatus::Pending => None,
        ReviewStatus::Accepted => Some("accepted"),
        ReviewStatus::Rejected => Some("rejected"),
    }
}

/// The labeling config: every tag of the schema (and any other tag the selection uses) with
/// its colour and key, every relation type, the text, and the per-region controls.
fn config(project: &Project, sel: &Selection<'_>, controls: &Controls) -> String {
    let schema = &project.schema;
    let mut xml = String::from("<View>\n  <Header value=\"$title\"/>\n");
    xml.push_str(&format!("  <Labels name=\"{LABELS}\" toName=\"{TEXT}\">\n"));
    let used: BTreeSet<&str> = sel
        .docs
        .iter()
        .flat_map(|d| d.annotations.iter().map(|a| a.tag.as_str()))
        .filter(|t| schema.tags.iter().all(|s| s.id.as_str() != *t))
        .collect();
    for t in &schema.tags {
        let key = t
            .key
            .as_deref()
            .map(|k| format!(" hotkey=\"{}\"", attr(k)))
            .unwrap_or_default();
        xml.push_str(&format!(
            "    <Label value=\"{}\" background=\"{}\"{key}/>\n",
            attr(t.id.as_str()),
            t.color.to_hex()
        ));
    }
    for t in used {
        xml.push_str(&format!("    <Label value=\"{}\"/>\n", attr(t)));
    }
    xml.push_str("  </Labels>\n  <Relations>\n");
    let kinds: BTreeSet<&str> = sel
        .docs
        .iter()
        .flat_map(|d| d.relations.iter().map(|r| r.kind.as_str()))
        .filter(|k| schema.relations.iter().all(|s| s.id.as_str() != *k))
        .collect();
    for k in schema.relations.iter().map(|r| r.id.as_str()).chain(kinds) {
        xml.push_str(&format!("    <Relation value=\"{}\"/>\n", attr(k)));
    }
    xml.push_str(&format!(
        "  </Relations>\n  <Text name=\"{TEXT}\" value=\"$text\"/>\n"
    ));
    for (name, values) in &controls.task {
        let name = attr(name);
        xml.push_str(&format!(
            "  <Header value=\"{name}\"/>\n  <Choices name=\"{name}\" toName=\"{TEXT}\" choice=\"single\" showInline=\"true\">\n"
        ));
        for v in values {
            xml.push_str(&format!("    <Choice value=\"{}\"/>\n", attr(v)));
        }
        xml.push_str("  </Choices>\n");
    }
    xml.push_str(&format!(
        "\x20 <View visibleWhen=\"region-selected\">\n\
         \x20   <Header value=\"Note\"/>\n\
         \x20   <TextArea name=\"{NOTE}\" toName=\"{TEXT}\" perRegion=\"true\" editable=\"true\" maxSubmissions=\"1\" rows=\"3\"/>\n\
         \x20   <Header value=\"Entity\"/>\n\
         \x20   <TextArea name=\"{ENTITY}\" toName=\"{TEXT}\" perRegion=\"true\" editable=\"true\" maxSubmissions=\"1\"/>\n\
         \x20   <Choices name=\"{STATUS}\" toName=\"{TEXT}\" perRegion=\"true\" choice=\"single\" showInline=\"true\">\n\
         \x20     <Choice value=\"accepted\"/>\n\
         \x20     <Choice value=\"rejected\"/>\n\
         \x20   </Choices>\n"
    ));
    for c in &controls.per_region {
        per_region_control(&mut xml, c);
    }
    xml.push_str("  </View>\n</View>\n");
    xml
}

/// The config element of a per-region control, for the regions of the tags it names.
fn per_region_control(xml: &mut String, c: &codes::Control) {
    let name = attr(&c.name);
    let common = format!(
        "name=\"{name}\" toName=\"{TEXT}\" perRegion=\"true\" whenLabelValue=\"{}\"",
        attr(&c.tags.join(","))
    );
    let choices = |xml: &mut String, values: &[&str], multiple: bool| {
        let choice = if multiple { "multiple" } else { "single" };
        xml.push_str(&format!(
            "    <Choices {common} choice=\"{choice}\" showInline=\"true\">\n"
        ));
        for v in values {
            xml.push_str(&format!("      <Choice value=\"{}\"/>\n", attr(v)));
        }
        xml.push_str("    </Choices>\n");
    };
    match &c.kind {
        ControlKind::Flag => choices(xml, &[c.name.as_str()], true),
        ControlKind::Choices { values, .. } if values.is_empty() => {}
        ControlKind::Choices { values, multiple } => {
            xml.push_str(&format!("    <Header value=\"{name}\"/>\n"));
            let values: Vec<&str> = values.iter().map(String::as_str).collect();
            choices(xml, &values, *multiple);
        }
        ControlKind::Number { min, max } => xml.push_str(&format!(
            "    <Header value=\"{name}\"/>\n    <Number {common} min=\"{min}\" max=\"{max}\"/>\n"
        )),
        ControlKind::TextArea => xml.push_str(&format!(
            "    <Header value=\"{name}\"/>\n    <TextArea {common} editable=\"true\" maxSubmissions=\"1\"/>\n"
        )),
    }
}

/// `s` escaped for an XML attribute in double quotes.
fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod fidelity_tests;
#[cfg(test)]
pub(super) mod tests;
