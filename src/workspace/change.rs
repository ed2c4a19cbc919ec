//! What an edit touches, read before it is applied, so that what the window derives from the
//! project (the drawn layers, the counts) is patched instead of made afresh.

use crate::model::{AnnotationId, DocId, Edit};

/// What an edit, an undo or a redo touches: the annotations it changes, and their documents
/// and layers before and after; `None` where it changes more than that (the documents
/// themselves), so that views and counts are made afresh. A schema change moves no
/// annotation but changes how each is drawn (its tag's colour and place).
#[derive(Clone, Debug, Default)]
pub struct Change {
    /// The annotations changed (`None`: more than annotations changed).
    pub touched: Option<Vec<AnnotationId>>,
    /// Each changed annotation's document and layer before and after (`None`: documents
    /// themselves changed, so counts must be made afresh).
    pub moves: Option<Vec<AnnotationMove>>,
    /// Whether the schema changed.
    pub restyle: bool,
}

impl Change {
    /// What `edit` will touch, read before it is applied.
    pub fn of(edit: &Edit) -> Self {
        let mut moves = Vec::new();
        Change {
            touched: touched_annotations(edit),
            moves: annotation_moves(edit, &mut moves).then_some(moves),
            restyle: changes_schema(edit),
        }
    }
}

/// An annotation's document and layer before and after an edit (`None`: not there).
pub type AnnotationMove = (Option<(DocId, String)>, Option<(DocId, String)>);

/// What `edit` does to annotations' documents and layers, added to `moves`; `false` when it
/// changes the documents themselves (added, removed, their text), so that counts must be made
/// afresh.
fn annotation_moves(edit: &Edit, moves: &mut Vec<AnnotationMove>) -> bool {
    match edit {
        Edit::Annotation { before, after, .. } => {
            let side = |a: &Option<Box<crate::model::Annotation>>| {
                a.as_deref().map(|a| (a.doc.clone(), a.annotator.clone()))
            };
            moves.push((side(before), side(after)));
            true
        }
        // A schema change alone moves no annotation (renames and deletions that do are
        // annotation edits of their own in the same batch), nor does the project's name,
        // notes or list of annotators (a first tag by a new annotator adds them).
        Edit::Relation { .. }
        | Edit::Entity { .. }
        | Edit::Decision { .. }
        | Edit::DocumentMeta { .. }
        | Edit::Project { .. }
        | Edit::Codebook { .. }
        | Edit::Schema { .. } => true,
        Edit::Batch(edits) => edits.iter().all(|e| annotation_moves(e, moves)),
        _ => false,
    }
}

fn changes_schema(edit: &Edit) -> bool {
    match edit {
        Edit::Schema { .. } => true,
        Edit::Batch(edits) => edits.iter().any(changes_schema),
        _ => false,
    }
}

fn touched_annotations(edit: &Edit) -> Option<Vec<AnnotationId>> {
    match edit {
        Edit::Annotation { id, .. } => Some(vec![id.clone()]),
        Edit::Relation { .. }
        | Edit::Entity { .. }
        | Edit::Decision { .. }
        | Edit::DocumentMeta { .. }
        | Edit::Project { .. }
        | Edit::Codebook { .. }
        | Edit::Schema { .. } => Some(Vec::new()),
        Edit::Batch(edits) => edits.iter().try_fold(Vec::new(), |mut all, e| {
            all.extend(touched_annotations(e)?);
            Some(all)
        }),
        _ => None,
    }
}
