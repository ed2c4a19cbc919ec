//! Building small projects for the search tests.

use jiff::Timestamp;

use crate::model::{AnnotationId, Document, Fragment, Project, ops, parse_marked};

/// A fixed instant, `secs` seconds into the test.
pub(crate) fn t(secs: i64) -> Timestamp {
    Timestamp::from_second(1_700_000_000 + secs).unwrap()
}

/// Adds document `id` made from marked text, its marks tagged in `annotator`'s layer; returns
/// the annotations' ids in the order the marks open.
pub(crate) fn add_marked_doc(
    project: &mut Project,
    id: &str,
    marked: &str,
    annotator: &str,
) -> Vec<AnnotationId> {
    let (text, marks) = parse_marked(marked).unwrap();
    project.documents.push(Document::new(id, id, text));
    let mut ids = Vec::new();
    for (tag, range) in marks {
        let edit = ops::add_annotation(
            project,
            &id.into(),
            &tag,
            vec![Fragment::new(range)],
            annotator,
            t(0),
        )
        .unwrap();
        ids.push(ops::added_annotation(&edit).unwrap().clone());
        edit.apply(project).unwrap();
    }
    ids
}
