//! Adjudication: a reviewer's ruling on a difference between layers, built as one [`Edit`]
//! (one undo step) that copies what the reviewer accepts into [`REVIEWED_LAYER`] and records a
//! [`Decision`].
//!
//! What one ruling does, all in the same batch:
//! - copies the accepted annotations into the reviewed layer: fresh ids, status accepted,
//!   same tag, fragments, quote, entity and note (identical annotations of several annotators,
//!   accepted together, share one copy; a source an earlier decision took keeps its copy);
//! - records the decision: verdict, every annotation of the difference as its sources, what
//!   was taken and its copy, who proposed it, who decided, when, why and the comment;
//! - copies the relations between sources whose two ends now both have reviewed copies (from
//!   this decision or earlier ones), so a claim and its speaker accepted one after the other
//!   stay linked in the reviewed layer;
//! - adds the reviewed layer to the project's annotators;
//! - sets the document's status for the reviewed layer: reviewed once every difference is
//!   settled, in progress before.
//!
//! A settled difference is refused: reopen its decision ([`reopen`]) first. A difference is
//! settled only while its annotations are as the decision saw them (see
//! [`Decision::settles`]): a colleague's later change, merged in, reopens it, and the
//! next ruling on it replaces the reviewed copy the earlier decision made of the changed
//! annotation. The earlier decision stays as history.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use jiff::Timestamp;

use crate::model::{
    Annotation, AnnotationId, AttributeId, Decision, DecisionId, DecisionReason, DocId, DocStatus,
    Edit, EditError, Project, REVIEWED_LAYER, Relation, RelationId, RelationKindId, ReviewStatus,
    Values, Verdict, fingerprint, fresh_id, ops,
};

use super::diff::{Comparison, DiffKind, Difference};

/// What the reviewer does with one difference.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Take the annotation of the annotator at this position of [`Comparison::annotators`].
    Accept(usize),
    /// Take every annotator's annotation ("accept both").
    AcceptAll,
    /// Take nothing.
    Reject,
    /// Take this annotator's annotation to change it in the reviewed layer (verdict edited).
    Edit(usize),
    /// Take the span and tag the annotators share, with each attribute's value from the
    /// annotator at the position given (a *value differs*, settled attribute by attribute).
    /// An attribute left out must have one value among the annotators. The verdict is
    /// accepted when every value comes from one annotator, edited when they mix.
    Values(BTreeMap<AttributeId, usize>),
}

/// Who rules, when and why: what every decision records besides the action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ruling {
    /// The reviewer's name.
    pub reviewer: String,
    /// Why, if the reviewer said.
    pub reason: Option<DecisionReason>,
    /// The reviewer's comment (may be empty).
    pub comment: String,
    /// When the ruling is made.
    pub now: Timestamp,
}

fn invalid(msg: impl Into<String>) -> EditError {
    EditError::Invalid(msg.into())
}

/// The edit that settles difference `index` of `comparison` as `action` says.
pub fn decide(
    project: &Project,
    comparison: &Comparison,
    index: usize,
    action: Action,
    ruling: &Ruling,
) -> Result<Edit, EditError> {
    let diff = comparison
        .differences
        .get(index)
        .ok_or_else(|| invalid(format!("there is no difference {}", index + 1)))?;
    let present: Vec<usize> = (0..diff.sides.len())
        .filter(|&i| matches!(diff.sides.get(i), Some(Some(_))))
        .collect();
    let mut chosen = None;
    let (verdict, take) = match action {
        Action::Accept(side) => (Verdict::Accepted, vec![side]),
        Action::Edit(side) => (Verdict::Edited, vec![side]),
        Action::AcceptAll => (Verdict::AcceptedAll, present),
        Action::Reject => (Verdict::Rejected, Vec::new()),
        Action::Values(from) => {
            let (base, values, by) = values_chosen(project, comparison, diff, &from)?;
            let same = project
                .annotations
                .get(
                    diff.sides[base]
                        .as_ref()
                        .ok_or_else(|| invalid("no annotation"))?,
                )
                .is_some_and(|a| a.values == values);
            chosen = Some((values, by));
            let verdict = if same {
                Verdict::Accepted
            } else {
                Verdict::Edited
            };
            (verdict, vec![base])
        }
    };
    let mut batch = Builder::new(project, ruling, std::slice::from_ref(&comparison.doc));
    batch.settle_as(comparison, diff, verdict, &take, chosen)?;
    let unsettled = comparison
        .differences
        .iter()
        .enumerate()
        .filter(|(i, d)| *i != index && d.settled.is_none())
        .count();
    batch.status(&comparison.doc, unsettled == 0)?;
    batch.finish()
}

/// The edit that settles every unsettled difference on which all compared annotators agree,
/// in every comparison given (verdict agreed), as one step. Nothing to settle gives
/// [`Edit::none`].
pub fn accept_agreed(
    project: &Project,
    comparisons: &[Comparison],
    ruling: &Ruling,
) -> Result<Edit, EditError> {
    let docs: Vec<DocId> = comparisons.iter().map(|c| c.doc.clone()).collect();
    let mut batch = Builder::new(project, ruling, &docs);
    let mut seen = HashSet::new();
    // A document given twice is settled once.
    for c in comparisons.iter().filter(|c| seen.insert(&c.doc)) {
        let mut decided = false;
        let mut unsettled = 0;
        for d in c.differences.iter().filter(|d| d.settled.is_none()) {
            if d.kind == DiffKind::Agree {
                let all: Vec<usize> = (0..d.sides.len()).collect();
                batch.settle(c, d, Verdict::Agreed, &all)?;
                decided = true;
            } else {
                unsettled += 1;
            }
        }
        if decided {
            batch.status(&c.doc, unsettled == 0)?;
        }
    }
    batch.finish()
}

/// The edit that takes back decision `id`: the decision goes, and so do its copies in the
/// reviewed layer (but those another decision also took) and their relations. The document's reviewed status falls back to in
/// progress (or to none when no decision on it is left).
pub fn reopen(project: &Project, id: &DecisionId) -> Result<Edit, EditError> {
    let decision = project
        .decisions
        .get(id)
        .ok_or_else(|| invalid(format!("there is no decision {id}")))?;
    let mut copies: Vec<AnnotationId> = decision
        .taken
        .iter()
        .map(|(_, copy)| copy.clone())
        .filter(|c| {
            // Only ever the reviewed layer: a damaged file must not make this delete a
            // colleague's work.
            project
                .annotations
                .get(c)
                .is_some_and(|a| a.annotator == REVIEWED_LAYER)
        })
        .collect();
    // A copy another decision also took (a source accepted before its group changed) stays.
    copies.retain(|c| {
        !project
            .decisions
            .values()
            .any(|d| &d.id != id && d.taken.iter().any(|(_, other)| other == c))
    });
    copies.sort();
    copies.dedup();
    let mut edits = vec![ops::remove_annotations(project, &copies)?];
    edits.push(Edit::Decision {
        id: id.clone(),
        before: Some(Box::new(decision.clone())),
        after: None,
    });
    if let Some(doc) = project.document(&decision.doc) {
        let others = project
            .decisions
            .values()
            .any(|d| d.doc == decision.doc && &d.id != id);
        let mut meta = doc.meta.clone();
        if others {
            meta.status
                .insert(REVIEWED_LAYER.to_owned(), DocStatus::InProgress);
        } else {
            meta.status.remove(REVIEWED_LAYER);
        }
        edits.push(ops::set_document_meta(project, &decision.doc, meta)?);
    }
    Ok(Edit::Batch(edits))
}

/// The decision an edit made by [`decide`] or [`accept_agreed`] records first (the window
/// selects its copy after "Edit…").
pub fn decision_in(edit: &Edit) -> Option<&Decision> {
    match edit {
        Edit::Decision {
            before: None,
            after: Some(d),
            ..
        } => Some(d),
        Edit::Batch(edits) => edits.iter().find_map(decision_in),
        _ => None,
    }
}

/// A ruling's edits being collected, with the ids they take and the copies they make.
struct Builder<'p> {
    project: &'p Project,
    ruling: &'p Ruling,
    copies_made: Vec<Edit>,
    decisions: Vec<Edit>,
    /// Ids handed out in this batch (annotations, decisions and relations share the set;
    /// their prefixes keep them apart).
    fresh: HashSet<String>,
    /// Source → its reviewed copy, from earlier decisions on these documents (copies still
    /// there) and from this batch.
    copy_of: HashMap<AnnotationId, AnnotationId>,
    /// Sources taken in this batch.
    taken_now: HashSet<AnnotationId>,
    /// Decisions by the annotations they settle, to refuse settling twice.
    settles: HashMap<&'p AnnotationId, Vec<&'p Decision>>,
    /// Status changes per document: whether it ends up fully reviewed.
    statuses: BTreeMap<DocId, bool>,
    /// Source → reviewed copies an earlier decision made of it before it changed.
    outdated: HashMap<AnnotationId, Vec<AnnotationId>>,
    /// Outdated copies this batch removes.
    retired: BTreeSet<AnnotationId>,
}

impl<'p> Builder<'p> {
    fn new(project: &'p Project, ruling: &'p Ruling, docs: &[DocId]) -> Self {
        let docs: HashSet<&DocId> = docs.iter().collect();
        let mut copy_of = HashMap::new();
        let mut settles: HashMap<&AnnotationId, Vec<&Decision>> = HashMap::new();
        let mut outdated: HashMap<AnnotationId, Vec<AnnotationId>> = HashMap::new();
        for d in project.decisions.values().filter(|d| docs.contains(&d.doc)) {
            for s in &d.sources {
                settles.entry(s).or_default().push(d);
            }
            for (source, copy) in &d.taken {
                if !project.annotations.contains_key(copy) {
                    continue;
                }
                // A source changed since the decision: its copy is out of date, and goes
                // when the difference is decided again.
                let changed = project
                    .annotations
                    .get(source)
                    .is_some_and(|s| !d.settles(s));
                if changed {
                    outdated
                        .entry(source.clone())
                        .or_default()
                        .push(copy.clone());
                } else {
                    copy_of.insert(source.clone(), copy.clone());
                }
            }
        }
        Builder {
            project,
            ruling,
            copies_made: Vec::new(),
            decisions: Vec::new(),
            fresh: HashSet::new(),
            copy_of,
            taken_now: HashSet::new(),
            settles,
            statuses: BTreeMap::new(),
            outdated,
            retired: BTreeSet::new(),
        }
    }

    /// A fresh id with `prefix`, unused by the project and by this batch.
    fn fresh_id(&mut self, prefix: &str, used: impl Fn(&str) -> bool) -> String {
        loop {
            let id = fresh_id(prefix);
            if !used(&id) && self.fresh.insert(id.clone()) {
                return id;
            }
        }
    }

    /// Records a decision on `diff`, taking the annotations of the sides at `take`.
    fn settle(
        &mut self,
        comparison: &Comparison,
        diff: &Difference,
        verdict: Verdict,
        take: &[usize],
    ) -> Result<(), EditError> {
        self.settle_as(comparison, diff, verdict, take, None)
    }

    /// [`Self::settle`], the one side taken given `values` (chosen per attribute from the
    /// annotators named) instead of its own when `chosen` says so.
    fn settle_as(
        &mut self,
        comparison: &Comparison,
        diff: &Difference,
        verdict: Verdict,
        take: &[usize],
        chosen: Option<(Values, BTreeMap<AttributeId, String>)>,
    ) -> Result<(), EditError> {
        let project = self.project;
        let mut sources: Vec<&'p Annotation> = Vec::new();
        for (slot, id) in diff.sides.iter().enumerate() {
            let Some(id) = id else { continue };
            let a = project
                .annotations
                .get(id)
                .filter(|a| a.doc == comparison.doc)
                .filter(|a| comparison.annotators.get(slot) == Some(&a.annotator))
                .ok_or_else(|| EditError::Stale {
                    what: format!("annotation {id}"),
                })?;
            sources.push(a);
        }
        let Some(first) = sources.first() else {
            return Err(invalid("the difference holds no annotation"));
        };
        let already = diff.settled.clone().or_else(|| {
            self.settles.get(&first.id).and_then(|ds| {
                ds.iter()
                    .find(|d| sources.iter().all(|a| d.settles(a)))
                    .map(|d| d.id.clone())
            })
        });
        if let Some(d) = already {
            return Err(invalid(format!(
                "this difference is already settled (decision {d}); reopen it to decide again"
            )));
        }
        // Deciding again on a source that changed since an earlier decision replaces the
        // copy that decision made, unless this ruling takes it again (an unchanged twin's
        // copy) or a source outside this difference still holds it.
        let here: HashSet<&AnnotationId> = sources.iter().map(|a| &a.id).collect();
        let mut outdated: Vec<AnnotationId> = Vec::new();
        for a in &sources {
            for copy in self.outdated.remove(&a.id).unwrap_or_default() {
                let held_elsewhere = self
                    .copy_of
                    .iter()
                    .any(|(s, c)| c == &copy && !here.contains(s));
                if !held_elsewhere {
                    outdated.push(copy);
                }
            }
        }
        let mut taken: Vec<(AnnotationId, AnnotationId)> = Vec::new();
        let mut proposed_by: Vec<String> = Vec::new();
        let mut made: Vec<&Annotation> = Vec::new();
        for &slot in take {
            let who = comparison
                .annotators
                .get(slot)
                .ok_or_else(|| invalid(format!("there is no annotator {}", slot + 1)))?;
            let source = diff
                .sides
                .get(slot)
                .and_then(Option::as_ref)
                .and_then(|id| project.annotations.get(id))
                .ok_or_else(|| invalid(format!("{who} has no annotation here to accept")))?;
            // A source an earlier decision already took keeps its live copy; the same span
            // with the same tag from two annotators becomes one copy.
            let earlier = self.copy_of.get(&source.id).cloned();
            let twin = || {
                made.iter()
                    .find(|m| m.tag == source.tag && m.fragments == source.fragments)
                    .and_then(|m| self.copy_of.get(&m.id).cloned())
            };
            let copy = match (&chosen, earlier.or_else(twin)) {
                (None, Some(copy)) => copy,
                (None, None) => self.copy(source, None),
                (Some((values, _)), _) => self.copy(source, Some(values.clone())),
            };
            made.push(source);
            self.copy_of.insert(source.id.clone(), copy.clone());
            self.taken_now.insert(source.id.clone());
            taken.push((source.id.clone(), copy));
            proposed_by.push(who.clone());
        }
        if take.is_empty() {
            proposed_by = sources.iter().map(|a| a.annotator.clone()).collect();
        }
        for copy in outdated {
            if !taken.iter().any(|(_, c)| c == &copy) {
                self.copy_of.retain(|_, c| c != &copy);
                self.retired.insert(copy);
            }
        }
        let id = DecisionId(self.fresh_id("d", |id| {
            project.decisions.contains_key(&DecisionId(id.to_owned()))
        }));
        let decision = Decision {
            id: id.clone(),
            doc: comparison.doc.clone(),
            verdict,
            sources: sources.iter().map(|a| a.id.clone()).collect(),
            seen: sources.iter().map(|a| fingerprint(a)).collect(),
            compared: comparison.annotators.clone(),
            taken,
            proposed_by,
            decided_by: self.ruling.reviewer.clone(),
            decided: self.ruling.now,
            reason: self.ruling.reason,
            comment: self.ruling.comment.clone(),
            values_from: chosen.map(|(_, by)| by).unwrap_or_default(),
        };
        self.decisions.push(Edit::Decision {
            id,
            before: None,
            after: Some(Box::new(decision)),
        });
        Ok(())
    }

    /// A reviewed copy of `source`, with `values` instead of its own if given; returns its id.
    fn copy(&mut self, source: &Annotation, values: Option<Values>) -> AnnotationId {
        let project = self.project;
        let id = AnnotationId(self.fresh_id("a", |id| {
            project
                .annotations
                .contains_key(&AnnotationId(id.to_owned()))
        }));
        let copy = Annotation {
            id: id.clone(),
            annotator: REVIEWED_LAYER.to_owned(),
            status: ReviewStatus::Accepted,
            created: self.ruling.now,
            modified: self.ruling.now,
            values: values.unwrap_or_else(|| source.values.clone()),
            ..source.clone()
        };
        self.copies_made.push(Edit::Annotation {
            id: id.clone(),
            before: None,
            after: Some(Box::new(copy)),
        });
        id
    }

    /// Notes the document's reviewed status after this batch.
    fn status(&mut self, doc: &DocId, all_settled: bool) -> Result<(), EditError> {
        if self.project.document(doc).is_none() {
            return Err(invalid(format!("there is no document {doc}")));
        }
        self.statuses.insert(doc.clone(), all_settled);
        Ok(())
    }

    /// The relations of the compared layers whose two ends now have reviewed copies, one of
    /// them made in this batch, copied between the copies (once each) when the schema allows
    /// the copies' current tags and both are in one document.
    fn relations(&mut self) -> Vec<Edit> {
        let project = self.project;
        if self.taken_now.is_empty() {
            return Vec::new();
        }
        let copies: HashSet<&AnnotationId> = self.copy_of.values().collect();
        let mut seen: HashSet<(RelationKindId, AnnotationId, AnnotationId)> = project
            .relations
            .values()
            .filter(|r| copies.contains(&r.from))
            .map(|r| (r.kind.clone(), r.from.clone(), r.to.clone()))
            .collect();
        let mut wanted = Vec::new();
        for r in project.relations.values() {
            if !(self.taken_now.contains(&r.from) || self.taken_now.contains(&r.to)) {
                continue;
            }
            let (Some(from), Some(to)) = (self.copy_of.get(&r.from), self.copy_of.get(&r.to))
            else {
                continue;
            };
            // A copy may have been retagged since ("Edit…"): link only what the schema allows.
            let fits = match (self.copy_annotation(from), self.copy_annotation(to)) {
                (Some(a), Some(b)) => {
                    a.doc == b.doc
                        && project
                            .schema
                            .relation(&r.kind)
                            .is_some_and(|kind| kind.allows(&a.tag, &b.tag))
                }
                _ => false,
            };
            if fits && seen.insert((r.kind.clone(), from.clone(), to.clone())) {
                wanted.push((r.kind.clone(), from.clone(), to.clone(), r));
            }
        }
        let mut edits = Vec::with_capacity(wanted.len());
        for (kind, from, to, source) in wanted {
            let id = RelationId(self.fresh_id("r", |id| {
                project.relations.contains_key(&RelationId(id.to_owned()))
            }));
            let relation = Relation {
                note: source.note.clone(),
                values: source.values.clone(),
                id: id.clone(),
                kind,
                from,
                to,
                annotator: REVIEWED_LAYER.to_owned(),
                changed_by: None,
            };
            edits.push(Edit::Relation {
                id,
                before: None,
                after: Some(relation),
            });
        }
        edits
    }

    /// Reviewed copy `id` as it stands: in the project, or made in this batch.
    fn copy_annotation(&self, id: &AnnotationId) -> Option<&Annotation> {
        self.project.annotations.get(id).or_else(|| {
            self.copies_made.iter().find_map(|e| match e {
                Edit::Annotation {
                    id: made,
                    after: Some(a),
                    ..
                } if made == id => Some(a.as_ref()),
                _ => None,
            })
        })
    }

    /// The batch: copies, decisions, relations, the annotator list, document statuses.
    fn finish(mut self) -> Result<Edit, EditError> {
        if self.decisions.is_empty() {
            return Ok(Edit::none());
        }
        let relations = self.relations();
        let mut edits = Vec::new();
        if !self.retired.is_empty() {
            let retired: Vec<AnnotationId> = self.retired.iter().cloned().collect();
            edits.push(ops::remove_annotations(self.project, &retired)?);
        }
        edits.append(&mut self.copies_made);
        edits.append(&mut self.decisions);
        edits.extend(relations);
        edits.extend(ops::ensure_annotator(self.project, REVIEWED_LAYER));
        for (doc, all_settled) in &self.statuses {
            let Some(d) = self.project.document(doc) else {
                continue;
            };
            let status = if *all_settled {
                DocStatus::Reviewed
            } else {
                DocStatus::InProgress
            };
            if d.meta.status.get(REVIEWED_LAYER) != Some(&status) {
                let mut after = d.meta.clone();
                after.status.insert(REVIEWED_LAYER.to_owned(), status);
                edits.push(Edit::DocumentMeta {
                    doc: doc.clone(),
                    before: Box::new(d.meta.clone()),
                    after: Box::new(after),
                });
            }
        }
        Ok(Edit::Batch(edits))
    }
}

/// For [`Action::Values`] on `diff`: the side whose annotation is copied (the one most values
/// come from), the values the copy gets, and the annotator each chosen value came from.
fn values_chosen(
    project: &Project,
    comparison: &Comparison,
    diff: &Difference,
    from: &BTreeMap<AttributeId, usize>,
) -> Result<(usize, Values, BTreeMap<AttributeId, String>), EditError> {
    let held: Vec<(usize, &Annotation)> = diff
        .sides
        .iter()
        .enumerate()
        .filter_map(|(slot, id)| Some((slot, project.annotations.get(id.as_ref()?)?)))
        .collect();
    let Some(&(first_slot, first)) = held.first() else {
        return Err(invalid("the difference holds no annotation"));
    };
    if held
        .iter()
        .any(|(_, a)| a.tag != first.tag || a.fragments != first.fragments)
    {
        return Err(invalid(
            "values are chosen one by one only where every annotator marks the same span with the same tag",
        ));
    }
    let mut attributes: BTreeSet<&AttributeId> = BTreeSet::new();
    for (_, a) in &held {
        attributes.extend(a.values.keys());
    }
    let mut values = Values::new();
    let mut by = BTreeMap::new();
    let mut votes: BTreeMap<usize, usize> = BTreeMap::new();
    let label = |id: &AttributeId| {
        project
            .schema
            .tag(&first.tag)
            .and_then(|t| t.attribute(id))
            .map_or_else(|| id.to_string(), |a| a.label.clone())
    };
    for attr in attributes {
        let side = match from.get(attr) {
            Some(&side) => side,
            None => {
                let mut seen = held.iter().map(|(_, a)| a.values.get(attr));
                let one = seen.next().flatten();
                if !seen.all(|v| v == one) {
                    return Err(invalid(format!(
                        "the annotators give {} different values: choose one",
                        label(attr)
                    )));
                }
                first_slot
            }
        };
        let Some((_, a)) = held.iter().find(|(s, _)| *s == side) else {
            return Err(invalid(format!(
                "{} has no annotation here to take {} from",
                comparison
                    .annotators
                    .get(side)
                    .map_or("that annotator", String::as_str),
                label(attr)
            )));
        };
        if let Some(v) = a.values.get(attr) {
            values.insert(attr.clone(), v.clone());
        }
        if from.contains_key(attr) {
            *votes.entry(side).or_default() += 1;
            by.insert(attr.clone(), a.annotator.clone());
        }
    }
    // The copy is made of the annotation most chosen values come from (the first on a tie).
    let base = votes
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map_or(first_slot, |(s, _)| *s);
    Ok((base, values, by))
}

#[cfg(test)]
#[path = "adjudicate_tests.rs"]
mod tests;
