//! What every panel may read, in one borrow: the workspace (the project and its file), the
//! selection, the preferences, the session's permissions and what is derived for this frame.
//! It is the window's read-only context (Rerun's `ViewerContext`): a panel is given a
//! [`Shared`] and its own state, draws, and asks for changes with
//! [`Request`](super::request::Request)s; nothing in it can change the project.

use crate::model::{AnnotationId, Project, REVIEWED_LAYER, Relation, RelationKindId};
use crate::workspace::Workspace;

use super::prefs::Prefs;
use super::protect::{Protection, refusal};
use super::selection::Selection;

/// The window's state as the panels read it.
#[derive(Clone, Copy)]
pub struct Shared<'a> {
    /// The project, its history, file and saved state.
    pub ws: &'a Workspace,
    /// The document shown, the annotation and text selected, a link being made.
    pub selection: &'a Selection,
    /// The analyst's preferences (the annotator's name among them).
    pub prefs: &'a Prefs,
    /// Other layers opened for editing, and blind coding for this run.
    pub protection: &'a Protection,
    /// Whether the compare view is open (the reviewed layer may then be changed).
    pub comparing: bool,
    /// The annotator layers that have annotations (empty where a caller needs none).
    pub layers: &'a [String],
}

impl<'a> Shared<'a> {
    /// The project.
    pub fn project(&self) -> &'a Project {
        self.ws.project()
    }

    /// Whether blind coding is on for the project shown.
    pub fn blind(&self) -> bool {
        self.protection.blind_run
            || self
                .ws
                .path()
                .is_some_and(|p| self.prefs.blind_projects.contains(p))
    }

    /// Whether the analyst may change work in `layer` now.
    pub fn may_edit_layer(&self, layer: &str) -> bool {
        layer == self.prefs.annotator
            || (layer == REVIEWED_LAYER && self.comparing)
            || self.protection.editing.contains(layer)
    }

    /// Why annotation `id` may not be changed now (`None`: it may).
    pub fn protected(&self, id: &AnnotationId) -> Option<String> {
        let a = self.project().annotations.get(id)?;
        (!self.may_edit_layer(&a.annotator)).then(|| refusal(&a.annotator))
    }

    /// Whether annotation `id` is in the analyst's own layer.
    pub fn is_mine(&self, id: &AnnotationId) -> bool {
        self.project()
            .annotations
            .get(id)
            .is_some_and(|a| a.annotator == self.prefs.annotator)
    }

    /// How many of the annotations `touched` picks are outside the analyst's own layer, and
    /// where ("in colleagues' layers (noor 4, the reviewed result 1)"), for the questions
    /// of project-wide changes (a tag deleted, entities merged) that reach every layer;
    /// `None` when all are the analyst's own. Blind, the layers go unnamed.
    pub fn in_other_layers(
        &self,
        touched: impl Fn(&crate::model::Annotation) -> bool,
    ) -> Option<(usize, String)> {
        let mut by_layer = std::collections::BTreeMap::<&str, usize>::new();
        for a in self.project().annotations.values().filter(|a| touched(a)) {
            if a.annotator != self.prefs.annotator {
                *by_layer.entry(a.annotator.as_str()).or_default() += 1;
            }
        }
        let total: usize = by_layer.values().sum();
        if total == 0 {
            return None;
        }
        if self.blind() {
            return Some((total, "in colleagues' layers".to_owned()));
        }
        let layers: Vec<String> = by_layer
            .iter()
            .map(|(layer, n)| match *layer {
                REVIEWED_LAYER => format!("the reviewed result {n}"),
                layer => format!("{layer} {n}"),
            })
            .collect();
        Some((
            total,
            format!("in colleagues' layers ({})", layers.join(", ")),
        ))
    }

    /// The selected annotation, if there is one.
    pub fn selected(&self) -> Option<&'a crate::model::Annotation> {
        self.selection
            .annotation
            .as_ref()
            .and_then(|id| self.project().annotations.get(id))
    }

    /// The relation type that can link `from` to `to`, if the schema allows one.
    pub fn relation_kind(&self, from: &AnnotationId, to: &AnnotationId) -> Option<RelationKindId> {
        let p = self.project();
        let (a, b) = (p.annotations.get(from)?, p.annotations.get(to)?);
        p.schema
            .relations
            .iter()
            .find(|r| r.allows(&a.tag, &b.tag))
            .map(|r| r.id.clone())
    }

    /// A link as seen from annotation `me`: "said by → Macron", "said by ← the claim".
    pub fn link_text(&self, r: &Relation, me: &AnnotationId) -> Option<String> {
        link_text(self.project(), r, me)
    }
}

/// A link as seen from annotation `me`: "said by → Macron", "said by ← the claim".
pub fn link_text(project: &Project, r: &Relation, me: &AnnotationId) -> Option<String> {
    let outgoing = &r.from == me;
    let other = if outgoing { &r.to } else { &r.from };
    let label = project
        .schema
        .relation(&r.kind)
        .map_or(r.kind.as_str(), |k| k.label.as_str());
    let arrow = if outgoing { "→" } else { "←" };
    let quote = &project.annotations.get(other)?.quote;
    Some(match &r.changed_by {
        Some(by) => format!(
            "{label} {arrow} {quote} · {}'s, changed by {by}",
            r.annotator
        ),
        None => format!("{label} {arrow} {quote}"),
    })
}
