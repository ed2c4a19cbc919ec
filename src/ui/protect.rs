//! Whose work the analyst may change, and blind coding.
//!
//! An analyst changes their own layer freely, and the reviewed layer while reviewing (the
//! compare view open). Another annotator's layer is read-only: changing it takes an explicit
//! Edit › Edit this annotator's layer…, confirmed, for the rest of the session, and every
//! annotation and link so changed or made records who did it (`changed_by`), so the
//! colleague and any comparison can tell their work from the edit. The interactive changes
//! (retag, resize, delete, note, entity, retyping or removing a link) go through
//! [`MarginaliaApp::change_annotation`] and [`MarginaliaApp::change_relation`], a new link
//! through `finish_link`, all stamped by [`MarginaliaApp::stamp`]; merges, imports and
//! rulings, which bring or settle other layers' work by design, do not.
//!
//! Blind coding shows a coder only their own layer, so double coding stays independent: no
//! colleague's highlights, link targets, comparison or agreement figures until it is turned
//! off. It is kept per project in the preferences, or set for one run (`--blind`).

use std::collections::BTreeSet;

use crate::model::{AnnotationId, Edit, EditError, REVIEWED_LAYER, RelationId};

use super::app::MarginaliaApp;
use super::dialogs::Modal;

/// The session's permissions: the other layers the analyst chose to edit, and whether the
/// blind mode is on.
#[derive(Clone, Debug, Default)]
pub struct Protection {
    /// Layers of other annotators opened for editing, with the confirmation, this session.
    pub editing: BTreeSet<String>,
    /// Blind coding for this run of the window, whatever the preferences say (`--blind`).
    pub blind_run: bool,
}

impl MarginaliaApp {
    /// Whether blind coding is on for the project shown.
    pub fn blind(&self) -> bool {
        self.protection.blind_run
            || self
                .ws
                .path()
                .is_some_and(|p| self.prefs.blind_projects.contains(p))
    }

    /// Turns blind coding on for this run, whatever the project (`marginalia --blind`).
    pub fn set_blind_run(&mut self, on: bool) {
        self.protection.blind_run = on;
    }

    /// Turns blind coding on or off for the project shown; remembered for its file.
    pub(super) fn toggle_blind(&mut self) {
        let on = !self.blind();
        if !on && self.protection.blind_run {
            self.protection.blind_run = false;
        }
        match self.ws.path().cloned() {
            Some(p) if on => {
                if !self.prefs.blind_projects.contains(&p) {
                    self.prefs.blind_projects.push(p);
                }
            }
            Some(p) => self.prefs.blind_projects.retain(|x| x != &p),
            // A project never saved: for this run only.
            None => self.protection.blind_run = on,
        }
        if on {
            self.review.compare = None;
            self.prefs.show_agreement = false;
            self.selection.linking = None;
            if self
                .selection
                .annotation
                .as_ref()
                .is_some_and(|id| !self.is_mine(id))
            {
                self.selection.annotation = None;
            }
        }
        self.derived.forget_list();
        self.notify(if on {
            "Blind coding is on: only your own layer is shown."
        } else {
            "Blind coding is off: the layer shown is back."
        });
    }

    /// Whether annotation `id` is in the analyst's own layer.
    fn is_mine(&self, id: &AnnotationId) -> bool {
        self.ws
            .project()
            .annotations
            .get(id)
            .is_some_and(|a| a.annotator == self.prefs.annotator)
    }

    /// Whether the analyst may change work in `layer` now.
    pub(super) fn may_edit_layer(&self, layer: &str) -> bool {
        layer == self.prefs.annotator
            || (layer == REVIEWED_LAYER && self.review.compare.is_some())
            || self.protection.editing.contains(layer)
    }

    /// Why annotation `id` may not be changed now (`None`: it may).
    pub fn protected(&self, id: &AnnotationId) -> Option<String> {
        let a = self.ws.project().annotations.get(id)?;
        (!self.may_edit_layer(&a.annotator)).then(|| refusal(&a.annotator))
    }

    /// Applies an interactive change of annotation `id` as one undo step, if the analyst may
    /// change it; a change in another annotator's layer records who made it. Refused, it
    /// says why and changes nothing.
    pub(super) fn change_annotation(
        &mut self,
        label: &str,
        id: &AnnotationId,
        edit: Result<Edit, EditError>,
    ) -> bool {
        if let Some(why) = self.protected(id) {
            self.error(why);
            return false;
        }
        let edit = edit.map(|e| self.stamp(e));
        self.apply(label, edit)
    }

    /// Applies an interactive change of relation `id` (removing or retyping a link), if the
    /// analyst may change its layer; a change in another annotator's layer records who made
    /// it.
    pub(super) fn change_relation(
        &mut self,
        label: &str,
        id: &RelationId,
        edit: Result<Edit, EditError>,
    ) -> bool {
        if let Some(r) = self.ws.project().relations.get(id)
            && !self.may_edit_layer(&r.annotator)
        {
            self.error(refusal(&r.annotator));
            return false;
        }
        let edit = edit.map(|e| self.stamp(e));
        self.apply(label, edit)
    }

    /// How many of the annotations `touched` picks are outside the analyst's own layer, and
    /// where ("in colleagues' layers (noor 4, the reviewed result 1)"), for the questions
    /// of project-wide changes (a tag deleted, entities merged) that reach every layer;
    /// `None` when all are the analyst's own. Blind, the layers go unnamed.
    pub(super) fn in_other_layers(
        &self,
        touched: impl Fn(&crate::model::Annotation) -> bool,
    ) -> Option<(usize, String)> {
        let mut by_layer = std::collections::BTreeMap::<&str, usize>::new();
        for a in self
            .ws
            .project()
            .annotations
            .values()
            .filter(|a| touched(a))
        {
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

    /// `edit` marked as the analyst's where it changes a colleague's opened layer.
    pub(super) fn stamp(&self, edit: Edit) -> Edit {
        stamped(edit, &self.protection.editing, &self.prefs.annotator)
    }

    /// The layer "Edit this annotator's layer…" is about: the selected annotation's, else
    /// the one the article shows besides the analyst's own.
    fn layer_to_open(&self) -> Option<String> {
        let selected = self
            .selection
            .annotation
            .as_ref()
            .and_then(|id| self.ws.project().annotations.get(id))
            .map(|a| a.annotator.clone());
        selected
            .or_else(|| {
                self.shown_layers()?
                    .into_iter()
                    .find(|l| *l != self.prefs.annotator)
            })
            .filter(|l| !self.may_edit_layer(l))
    }

    /// Edit › Edit this annotator's layer…: asks for the confirmation.
    pub(super) fn ask_edit_layer(&mut self) {
        match self.layer_to_open() {
            Some(layer) => self.asking.modal = Some(Modal::EditLayer(layer)),
            None => self.notify(
                "Select an annotation of a colleague's layer first: your own layer is yours \
                 to change already.",
            ),
        }
    }

    /// The confirmation was given: `layer` may be changed for the rest of the session.
    pub(super) fn open_layer(&mut self, layer: &str) {
        self.protection.editing.insert(layer.to_owned());
        self.notify(format!(
            "You may now change {layer}'s annotations; each one you change records that you did."
        ));
    }
}

/// What the analyst is told when a change of `layer` is refused.
fn refusal(layer: &str) -> String {
    format!(
        "This is {layer}'s annotation, which only {layer} changes: review it in the compare \
         view (Ctrl+Shift+D), or choose Edit › Edit this annotator's layer… to change it as \
         theirs."
    )
}

/// `edit` with every annotation and link it leaves records its last changer: `me` in one
/// of `layers` (other annotators' layers opened for editing), nobody when `me` changed
/// their own work.
fn stamped(edit: Edit, layers: &BTreeSet<String>, me: &str) -> Edit {
    let mark = |annotator: &str| {
        if annotator == me {
            Some(None)
        } else if layers.contains(annotator) {
            Some(Some(me.to_owned()))
        } else {
            None
        }
    };
    match edit {
        Edit::Annotation {
            id,
            before,
            after: Some(mut a),
        } => {
            if let Some(by) = mark(&a.annotator) {
                a.changed_by = by;
            }
            Edit::Annotation {
                id,
                before,
                after: Some(a),
            }
        }
        Edit::Relation {
            id,
            before,
            after: Some(mut r),
        } => {
            if let Some(by) = mark(&r.annotator) {
                r.changed_by = by;
            }
            Edit::Relation {
                id,
                before,
                after: Some(r),
            }
        }
        Edit::Batch(edits) => {
            Edit::Batch(edits.into_iter().map(|e| stamped(e, layers, me)).collect())
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Annotation, Relation};

    fn layers() -> BTreeSet<String> {
        BTreeSet::from(["noor".to_owned()])
    }

    fn relation(annotator: &str, changed_by: Option<&str>) -> Relation {
        let project = crate::formats::fixture::project();
        let mut r = project.relations.values().next().unwrap().clone();
        r.annotator = annotator.into();
        r.changed_by = changed_by.map(str::to_owned);
        r
    }

    fn annotation(annotator: &str, changed_by: Option<&str>) -> Annotation {
        let project = crate::formats::fixture::project();
        let mut a = project.annotations.values().next().unwrap().clone();
        a.annotator = annotator.into();
        a.changed_by = changed_by.map(str::to_owned);
        a
    }

    fn stamp_relation(r: Relation) -> Option<String> {
        let edit = Edit::Relation {
            id: r.id.clone(),
            before: Some(r.clone()),
            after: Some(r),
        };
        match stamped(Edit::Batch(vec![edit]), &layers(), "maya") {
            Edit::Batch(mut e) => match e.pop() {
                Some(Edit::Relation { after: Some(r), .. }) => r.changed_by,
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
    }

    fn stamp_annotation(a: Annotation) -> Option<String> {
        let edit = Edit::Annotation {
            id: a.id.clone(),
            before: Some(Box::new(a.clone())),
            after: Some(Box::new(a)),
        };
        match stamped(edit, &layers(), "maya") {
            Edit::Annotation { after: Some(a), .. } => a.changed_by,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_change_records_its_changer_only_in_an_opened_layer() {
        assert_eq!(
            stamp_relation(relation("noor", None)).as_deref(),
            Some("maya")
        );
        assert_eq!(
            stamp_annotation(annotation("noor", None)).as_deref(),
            Some("maya")
        );
        // The analyst's own change of their own work leaves no mark, and clears an old one.
        assert_eq!(stamp_relation(relation("maya", Some("noor"))), None);
        assert_eq!(stamp_annotation(annotation("maya", Some("noor"))), None);
        // A layer not opened (the reviewed one, during review) keeps what it had.
        assert_eq!(
            stamp_annotation(annotation("reviewed", Some("ben"))).as_deref(),
            Some("ben")
        );
    }
}
