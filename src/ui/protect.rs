//! Whose work the analyst may change, and blind coding.
//!
//! An analyst changes their own layer freely, and the reviewed layer while reviewing (the
//! compare view open). Another annotator's layer is read-only: changing it takes an explicit
//! Edit › Edit this annotator's layer…, confirmed, for the rest of the session, and every
//! annotation and link so changed or made records who did it (`changed_by`), so the
//! colleague and any comparison can tell their work from the edit. The interactive changes
//! (retag, resize, delete, note, entity, retyping or removing a link) go through the runner's
//! `change_annotation` and `change_relation` (`run/layers.rs`), a new link through
//! `finish_link`, all stamped by [`stamped`]; merges, imports and rulings, which bring or
//! settle other layers' work by design, do not. The panels ask
//! [`Shared::protected`](super::shared::Shared::protected) before they offer a change.
//!
//! Blind coding shows a coder only their own layer, so double coding stays independent: no
//! colleague's highlights, link targets, comparison or agreement figures until it is turned
//! off. It is kept per project in the preferences, or set for one run (`--blind`).

use std::collections::BTreeSet;

use crate::model::Edit;

/// The session's permissions: the other layers the analyst chose to edit, and whether the
/// blind mode is on.
#[derive(Clone, Debug, Default)]
pub struct Protection {
    /// Layers of other annotators opened for editing, with the confirmation, this session.
    pub editing: BTreeSet<String>,
    /// Blind coding for this run of the window, whatever the preferences say (`--blind`).
    pub blind_run: bool,
}

/// What the analyst is told when a change of `layer` is refused.
pub(super) fn refusal(layer: &str) -> String {
    format!(
        "This is {layer}'s annotation, which only {layer} changes: review it in the compare \
         view (Ctrl+Shift+D), or choose Edit › Edit this annotator's layer… to change it as \
         theirs."
    )
}

/// `edit` with every annotation and link it leaves records its last changer: `me` in one
/// of `layers` (other annotators' layers opened for editing), nobody when `me` changed
/// their own work.
pub(super) fn stamped(edit: Edit, layers: &BTreeSet<String>, me: &str) -> Edit {
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
