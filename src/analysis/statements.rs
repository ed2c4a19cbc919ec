//! Statements: one per claim (or annotation of the chosen tag) and speaker actor.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use serde::Serialize;

use super::NetworkError;
use crate::formats::{LayerChoice, select};
use crate::model::{Annotation, AnnotationId, AttributeKind, DocId, Project, TagId, Value};
use crate::summary::{ACTOR, ActorKey, CLAIM, CONCEPT, Coded, STANCE, coded, spelling};

/// What [`Statements::of`] reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementOptions {
    /// The tag whose annotations are statements (`claim`).
    pub tag: String,
    /// The layer, by the datasets' rule: the reviewed layer, else the only one, else the
    /// one named.
    pub layer: LayerChoice,
    /// The documents (`None`: all).
    pub documents: Option<Vec<DocId>>,
    /// The attribute that holds the concept, a code or a choice (`concept`).
    pub concept: String,
    /// The qualifier attribute (`stance`); `None` ignores the qualifier.
    pub qualifier: Option<String>,
    /// Reads a choice qualifier as an ordered scale, lowest first (`opposes`, `neutral`,
    /// `supports`); every value of the choice must be named.
    pub qualifier_order: Option<Vec<String>>,
}

impl Default for StatementOptions {
    fn default() -> Self {
        StatementOptions {
            tag: CLAIM.to_owned(),
            layer: LayerChoice::Auto,
            documents: None,
            concept: CONCEPT.to_owned(),
            qualifier: Some(STANCE.to_owned()),
            qualifier_order: None,
        }
    }
}

/// One statement: a claim annotation said by one actor (a claim with two speakers makes
/// two statements, one per distinct actor).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Statement {
    /// The claim annotation (the statement's id; shared by its speakers' statements).
    pub annotation: AnnotationId,
    /// The actor mention the speaker relation links (the first by position for an actor
    /// linked through several mentions).
    pub mention: AnnotationId,
    /// Index into [`Statements::documents`].
    pub doc: u32,
    /// Index into [`Statements::actors`].
    pub actor: u32,
    /// Index into [`Statements::concepts`].
    pub concept: u32,
    /// Index into [`Qualifier::levels`]; `None` when the annotation has no value of the
    /// qualifier (or no qualifier is read).
    pub level: Option<u32>,
    /// The article's date (a partial date is read as its first day), if it has one.
    pub date: Option<Date>,
}

/// An actor: mentions grouped by [`ActorKey`], as the summary groups them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ActorNode {
    /// What groups the mentions.
    pub key: ActorKey,
    /// `entity:ID` or `name:KEY` ([`ActorKey::id`]).
    pub id: String,
    /// The entity's name, or the most frequent spelling.
    pub name: String,
}

/// A concept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConceptNode {
    /// The code's (or choice value's) id; node ids are `concept:ID`.
    pub id: String,
    /// Its label (a code by its path, "Security › Ceasefire").
    pub label: String,
}

/// An article statements come from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DocInfo {
    /// The document.
    pub id: DocId,
    /// Its date as written (`2023`, `2023-04-05`).
    pub published: Option<String>,
    /// The date, a partial one read as its first day.
    pub date: Option<Date>,
    /// Index of the document in the project.
    pub index: usize,
    /// The article variables, by variable id.
    pub variables: BTreeMap<String, String>,
}

/// How the qualifier's values compare, following DNA's rule per qualifier type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QualifierKind {
    /// No qualifier: every statement counts alike.
    None,
    /// A flag: set (1) or not (0); an annotation without the flag has the value 0 (DNA's
    /// boolean qualifier).
    Binary,
    /// A scale, or a choice read in a given order: compared by number (DNA's integer
    /// qualifier).
    Ordered,
    /// A choice, code or text: same value or not (DNA's short-text qualifier).
    Categorical,
}

/// One value of the qualifier that occurs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Level {
    /// The value's id (`supports`, `3`, `yes`).
    pub id: String,
    /// Its label.
    pub label: String,
    /// Its number, for binary and ordered qualifiers: 0/1, the scale's number, or for a
    /// choice read in order its rank centred on zero (three values −1, 0, 1; an even number
    /// of values odd numbers, two values −1 and 1, as a flag's −/+ in DNA's subtract).
    pub value: Option<i64>,
}

/// The qualifier read.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Qualifier {
    /// The attribute, if any.
    pub attribute: Option<String>,
    /// How values compare.
    pub kind: QualifierKind,
    /// The values that occur, in DNA's order: by number (a flag `no` then `yes`) or, for a
    /// categorical qualifier, by id.
    pub levels: Vec<Level>,
}

impl Qualifier {
    /// The similarity of levels `a` and `b`, from 0 to 1: for binary and ordered
    /// qualifiers `1 − |k − k'| / (max − min)` over the levels that occur (1 if only one
    /// does), as `computeOneModeMatrix` has it; for categorical ones 1 if the same, else 0.
    pub fn similarity(&self, a: usize, b: usize) -> f64 {
        match self.kind {
            QualifierKind::None => 1.0,
            QualifierKind::Categorical => f64::from(u8::from(a == b)),
            QualifierKind::Binary | QualifierKind::Ordered => {
                let v = |i: usize| self.levels.get(i).and_then(|l| l.value).unwrap_or(0);
                let min = self
                    .levels
                    .iter()
                    .filter_map(|l| l.value)
                    .min()
                    .unwrap_or(0);
                let max = self
                    .levels
                    .iter()
                    .filter_map(|l| l.value)
                    .max()
                    .unwrap_or(0);
                if max == min {
                    1.0
                } else {
                    1.0 - (v(a) - v(b)).abs() as f64 / (max - min) as f64
                }
            }
        }
    }

    /// What one statement at level `k` adds to a two-mode `subtract` cell, as
    /// `computeTwoModeMatrix` has it: a flag −1 unset, +1 set; an ordered qualifier its
    /// number; a categorical one +1 (DNA: "nothing to subtract").
    pub fn signed(&self, k: usize) -> f64 {
        let v = self.levels.get(k).and_then(|l| l.value).unwrap_or(0);
        match self.kind {
            QualifierKind::Binary => {
                if v == 0 {
                    -1.0
                } else {
                    1.0
                }
            }
            QualifierKind::Ordered => v as f64,
            QualifierKind::None | QualifierKind::Categorical => 1.0,
        }
    }
}

/// Annotations of the tag that made no statement.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// Annotations linked to no actor.
    pub no_speaker: usize,
    /// Annotations with a speaker but no concept.
    pub no_concept: usize,
}

/// The statements of a project, built once; networks are computed from them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Statements {
    /// The statements, in project order of documents, then text order.
    pub list: Vec<Statement>,
    /// The actors speaking, by name (ignoring case), then id.
    pub actors: Vec<ActorNode>,
    /// The concepts, by label (ignoring case), then id.
    pub concepts: Vec<ConceptNode>,
    /// The documents taken, in project order.
    pub documents: Vec<DocInfo>,
    /// The qualifier.
    pub qualifier: Qualifier,
    /// What made no statement.
    pub skipped: Skipped,
    /// The tag read.
    pub tag: String,
    /// The concept attribute read.
    pub concept_attribute: String,
    /// The layers taken.
    pub layers: Vec<String>,
}

/// A published date as a day: `YYYY-MM-DD`, or `YYYY-MM` / `YYYY` as its first day.
pub fn parse_date(s: &str) -> Option<Date> {
    let parts: Vec<&str> = s.trim().split('-').collect();
    let num = |p: &&str| p.parse::<i16>().ok();
    let (y, m, d) = match parts.as_slice() {
        [y] => (num(y)?, 1, 1),
        [y, m] => (num(y)?, num(m)?, 1),
        [y, m, d] => (num(y)?, num(m)?, num(d)?),
        _ => return None,
    };
    Date::new(y, i8::try_from(m).ok()?, i8::try_from(d).ok()?).ok()
}

/// A raw qualifier value of one annotation.
enum Raw {
    Missing,
    Number(i64),
    Id(String),
}

impl Statements {
    /// Reads the statements of `project`: for each annotation of the tag in the chosen layer
    /// and documents, one statement per distinct actor linked to it by a relation (of any
    /// kind, in either direction: `said_by` in the default schema, as the summary finds
    /// speakers) whose other end is an actor mention.
    pub fn of(project: &Project, options: &StatementOptions) -> Result<Self, NetworkError> {
        let tag_id = TagId::from(options.tag.as_str());
        let Some(tag) = project.schema.tag(&tag_id) else {
            return Err(NetworkError::NoSuchTag {
                tag: options.tag.clone(),
                tags: project
                    .schema
                    .tags
                    .iter()
                    .map(|t| t.id.to_string())
                    .collect(),
            });
        };
        let attributes: Vec<String> = tag.attributes.iter().map(|a| a.id.to_string()).collect();
        let attribute = |id: &str| {
            tag.attributes
                .iter()
                .find(|a| a.id.as_str() == id)
                .ok_or_else(|| NetworkError::NoSuchAttribute {
                    tag: options.tag.clone(),
                    attribute: id.to_owned(),
                    attributes: attributes.clone(),
                })
        };
        attribute(&options.concept)?;
        let qualifier_attr = options.qualifier.as_deref().map(attribute).transpose()?;
        let (kind, order) = qualifier_kind(qualifier_attr, options.qualifier_order.as_deref())?;

        let sel = select(project, &options.layer, false, options.documents.as_deref())?;

        let mut skipped = Skipped::default();
        let mut actor_ids: HashMap<ActorKey, u32> = HashMap::new();
        let mut actor_keys: Vec<ActorKey> = Vec::new();
        let mut spellings: Vec<BTreeMap<String, usize>> = Vec::new();
        let mut concept_ids: HashMap<String, u32> = HashMap::new();
        let mut concepts: Vec<Coded> = Vec::new();
        let mut raw_levels: Vec<Raw> = Vec::new();
        let mut list = Vec::new();
        let mut documents = Vec::with_capacity(sel.docs.len());

        for (d, part) in sel.docs.iter().enumerate() {
            let date = part.doc.meta.published.as_deref().and_then(parse_date);
            documents.push(DocInfo {
                id: part.doc.id.clone(),
                published: part.doc.meta.published.clone(),
                date,
                index: project.document_index(&part.doc.id).unwrap_or(d),
                variables: part
                    .doc
                    .meta
                    .variables
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.clone()))
                    .collect(),
            });
            let position: HashMap<&AnnotationId, (usize, &Annotation)> = part
                .annotations
                .iter()
                .enumerate()
                .map(|(i, a)| (&a.id, (i, *a)))
                .collect();
            for a in part.annotations.iter().filter(|a| a.tag.as_str() == ACTOR) {
                let key = ActorKey::of(a);
                let next = actor_keys.len() as u32;
                let i = *actor_ids.entry(key.clone()).or_insert_with(|| {
                    actor_keys.push(key);
                    spellings.push(BTreeMap::new());
                    next
                });
                if let Some(s) = spellings.get_mut(i as usize) {
                    *s.entry(spelling(&a.quote)).or_default() += 1;
                }
            }
            // The speakers of each statement annotation: (mention position, mention).
            let mut said: HashMap<&AnnotationId, Vec<(usize, &Annotation)>> = HashMap::new();
            for r in &part.relations {
                let (Some(&(_, from)), Some(&(_, to))) =
                    (position.get(&r.from), position.get(&r.to))
                else {
                    continue;
                };
                let (claim, actor) = if from.tag == tag_id && to.tag.as_str() == ACTOR {
                    (from, to)
                } else if to.tag == tag_id && from.tag.as_str() == ACTOR {
                    (to, from)
                } else {
                    continue;
                };
                let at = position.get(&actor.id).map_or(usize::MAX, |p| p.0);
                said.entry(&claim.id).or_default().push((at, actor));
            }
            for a in part.annotations.iter().filter(|a| a.tag == tag_id) {
                let Some(mut speakers) = said.remove(&a.id) else {
                    skipped.no_speaker += 1;
                    continue;
                };
                let Some(concept) = coded(project, a, &options.concept) else {
                    skipped.no_concept += 1;
                    continue;
                };
                let next = concepts.len() as u32;
                let c = *concept_ids.entry(concept.id.clone()).or_insert_with(|| {
                    concepts.push(concept);
                    next
                });
                let raw = raw_value(a, options.qualifier.as_deref(), kind, order.as_deref());
                speakers.sort_by_key(|(at, m)| (*at, &m.id));
                let mut seen: Vec<u32> = Vec::new();
                for (_, m) in speakers {
                    let Some(&actor) = actor_ids.get(&ActorKey::of(m)) else {
                        continue;
                    };
                    if seen.contains(&actor) {
                        continue;
                    }
                    seen.push(actor);
                    list.push(Statement {
                        annotation: a.id.clone(),
                        mention: m.id.clone(),
                        doc: d as u32,
                        actor,
                        concept: c,
                        level: None,
                        date,
                    });
                    raw_levels.push(match &raw {
                        Raw::Missing => Raw::Missing,
                        Raw::Number(n) => Raw::Number(*n),
                        Raw::Id(s) => Raw::Id(s.clone()),
                    });
                }
            }
        }

        // Levels in DNA's order, and each statement's level.
        let qualifier = levels(
            options.qualifier.clone(),
            kind,
            qualifier_attr.map(|a| &a.kind),
            order.as_deref(),
            &raw_levels,
        );
        for (s, raw) in list.iter_mut().zip(&raw_levels) {
            s.level = match raw {
                Raw::Missing => None,
                Raw::Number(n) => qualifier
                    .levels
                    .iter()
                    .position(|l| l.value == Some(*n))
                    .map(|p| p as u32),
                Raw::Id(id) => qualifier
                    .levels
                    .iter()
                    .position(|l| &l.id == id)
                    .map(|p| p as u32),
            };
        }

        // Actors and concepts sorted for display; statements renumbered.
        let mut actors: Vec<(u32, ActorNode)> = actor_keys
            .into_iter()
            .zip(spellings)
            .enumerate()
            .map(|(i, (key, spelled))| {
                let name = match &key {
                    ActorKey::Entity(e) => project
                        .entities
                        .get(e)
                        .map_or_else(|| e.to_string(), |x| x.name.clone()),
                    ActorKey::Name(_) => spelled
                        .iter()
                        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                        .map(|(s, _)| s.clone())
                        .unwrap_or_default(),
                };
                let node = ActorNode {
                    id: key.id(),
                    key,
                    name,
                };
                (i as u32, node)
            })
            .collect();
        actors.sort_by(|a, b| {
            (a.1.name.to_lowercase(), &a.1.id).cmp(&(b.1.name.to_lowercase(), &b.1.id))
        });
        let mut actor_map = vec![0u32; actors.len()];
        for (new, (old, _)) in actors.iter().enumerate() {
            if let Some(slot) = actor_map.get_mut(*old as usize) {
                *slot = new as u32;
            }
        }
        let mut concepts: Vec<(u32, Coded)> = concepts
            .into_iter()
            .enumerate()
            .map(|(i, c)| (i as u32, c))
            .collect();
        concepts.sort_by(|a, b| {
            (a.1.label.to_lowercase(), &a.1.id).cmp(&(b.1.label.to_lowercase(), &b.1.id))
        });
        let mut concept_map = vec![0u32; concepts.len()];
        for (new, (old, _)) in concepts.iter().enumerate() {
            if let Some(slot) = concept_map.get_mut(*old as usize) {
                *slot = new as u32;
            }
        }
        for s in &mut list {
            s.actor = actor_map.get(s.actor as usize).copied().unwrap_or(s.actor);
            s.concept = concept_map
                .get(s.concept as usize)
                .copied()
                .unwrap_or(s.concept);
        }
        Ok(Statements {
            list,
            actors: actors.into_iter().map(|(_, a)| a).collect(),
            concepts: concepts
                .into_iter()
                .map(|(_, c)| ConceptNode {
                    id: c.id,
                    label: c.label,
                })
                .collect(),
            documents,
            qualifier,
            skipped,
            tag: options.tag.clone(),
            concept_attribute: options.concept.clone(),
            layers: sel.layers,
        })
    }
}

/// The qualifier's kind, and for a choice read in order each value's id by rank.
fn qualifier_kind(
    attribute: Option<&crate::model::Attribute>,
    order: Option<&[String]>,
) -> Result<(QualifierKind, Option<Vec<String>>), NetworkError> {
    let Some(attribute) = attribute else {
        if order.is_some() {
            return Err(NetworkError::BadOrder(
                "--qualifier-order needs a qualifier (it was `none`)".to_owned(),
            ));
        }
        return Ok((QualifierKind::None, None));
    };
    match (&attribute.kind, order) {
        (AttributeKind::Choice { values, .. }, Some(order)) => {
            for id in order {
                if !values.iter().any(|v| &v.id == id) {
                    return Err(NetworkError::BadOrder(format!(
                        "--qualifier-order names {id:?}, which is not a value of {}; its values are: {}",
                        attribute.id,
                        values
                            .iter()
                            .map(|v| v.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                }
            }
            if let Some(missing) = values.iter().find(|v| !order.contains(&v.id)) {
                return Err(NetworkError::BadOrder(format!(
                    "--qualifier-order leaves out {:?}: name every value of {} in order, lowest first",
                    missing.id, attribute.id
                )));
            }
            Ok((QualifierKind::Ordered, Some(order.to_vec())))
        }
        (kind, Some(_)) => Err(NetworkError::BadOrder(format!(
            "--qualifier-order orders a choice, and {} is a {}",
            attribute.id,
            kind.name()
        ))),
        (AttributeKind::Flag, None) => Ok((QualifierKind::Binary, None)),
        (AttributeKind::Scale { .. }, None) => Ok((QualifierKind::Ordered, None)),
        (_, None) => Ok((QualifierKind::Categorical, None)),
    }
}

/// The rank of the `i`-th of `n` ordered choice values, centred on zero (see [`Level`]).
fn centred(i: usize, n: usize) -> i64 {
    let (i, n) = (i as i64, n as i64);
    if n % 2 == 1 {
        i - (n - 1) / 2
    } else {
        2 * i - (n - 1)
    }
}

fn raw_value(
    a: &Annotation,
    attribute: Option<&str>,
    kind: QualifierKind,
    order: Option<&[String]>,
) -> Raw {
    let Some(attribute) = attribute else {
        return Raw::Missing;
    };
    let value = a.values.get(&attribute.into());
    match (kind, value) {
        (QualifierKind::Binary, v) => Raw::Number(i64::from(matches!(v, Some(Value::Flag)))),
        (QualifierKind::Ordered, Some(Value::Scale(n))) => Raw::Number(i64::from(*n)),
        (QualifierKind::Ordered, Some(Value::Choice(ids))) => {
            let (Some(order), Some(first)) = (order, ids.first()) else {
                return Raw::Missing;
            };
            order
                .iter()
                .position(|o| o == first)
                .map_or(Raw::Missing, |i| Raw::Number(centred(i, order.len())))
        }
        (QualifierKind::Categorical, Some(Value::Choice(ids))) => {
            ids.first().map_or(Raw::Missing, |id| Raw::Id(id.clone()))
        }
        (QualifierKind::Categorical, Some(Value::Code(c))) => Raw::Id(c.to_string()),
        (QualifierKind::Categorical, Some(Value::Text(t))) if !t.trim().is_empty() => {
            Raw::Id(t.clone())
        }
        _ => Raw::Missing,
    }
}

fn levels(
    attribute: Option<String>,
    kind: QualifierKind,
    schema: Option<&AttributeKind>,
    order: Option<&[String]>,
    raw: &[Raw],
) -> Qualifier {
    let choice_label = |id: &str| match schema {
        Some(AttributeKind::Choice { values, .. }) => values
            .iter()
            .find(|v| v.id == id)
            .map_or_else(|| id.to_owned(), |v| v.label.clone()),
        _ => id.to_owned(),
    };
    let levels = match kind {
        QualifierKind::None => Vec::new(),
        QualifierKind::Binary => vec![
            Level {
                id: "no".to_owned(),
                label: "not set".to_owned(),
                value: Some(0),
            },
            Level {
                id: "yes".to_owned(),
                label: "set".to_owned(),
                value: Some(1),
            },
        ],
        QualifierKind::Ordered => {
            let mut numbers: Vec<i64> = raw
                .iter()
                .filter_map(|r| match r {
                    Raw::Number(n) => Some(*n),
                    _ => None,
                })
                .collect();
            numbers.sort_unstable();
            numbers.dedup();
            numbers
                .into_iter()
                .map(|n| {
                    let id = order
                        .and_then(|o| {
                            o.iter()
                                .enumerate()
                                .find(|(i, _)| centred(*i, o.len()) == n)
                        })
                        .map_or_else(|| n.to_string(), |(_, id)| id.clone());
                    Level {
                        label: if order.is_some() {
                            choice_label(&id)
                        } else {
                            id.clone()
                        },
                        id,
                        value: Some(n),
                    }
                })
                .collect()
        }
        QualifierKind::Categorical => {
            let mut ids: Vec<&str> = raw
                .iter()
                .filter_map(|r| match r {
                    Raw::Id(s) => Some(s.as_str()),
                    _ => None,
                })
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids.into_iter()
                .map(|id| Level {
                    id: id.to_owned(),
                    label: choice_label(id),
                    value: None,
                })
                .collect()
        }
    };
    Qualifier {
        attribute,
        kind,
        levels,
    }
}
