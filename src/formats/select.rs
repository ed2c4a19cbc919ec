//! Which annotator layers and documents an export takes.

use std::collections::HashSet;

use crate::model::{DocId, DocLayers, Project, REVIEWED_LAYER};

use super::ExportError;

/// Which annotator layers to export.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum LayerChoice {
    /// The format's default: every layer for formats that record who annotated; otherwise the
    /// reviewed layer when there is one, the only layer when there is one, else an error that
    /// lists the layers.
    #[default]
    Auto,
    /// One named layer (an annotator, or [`REVIEWED_LAYER`]).
    One(String),
}

/// The part of a project an export writes, borrowed from it.
#[derive(Debug)]
pub struct Selection<'p> {
    /// The whole project (for the schema and the entity registry).
    pub project: &'p Project,
    /// The layers taken, sorted.
    pub layers: Vec<String>,
    /// The documents taken, in project order.
    pub docs: Vec<DocPart<'p>>,
}

/// One document with its annotations and relations in the chosen layers.
pub type DocPart<'p> = DocLayers<'p>;

/// Picks the layers and documents. `all_layers` is whether the format records who annotated,
/// so that [`LayerChoice::Auto`] takes every layer; `docs` limits the documents (`None`: all).
pub fn select<'p>(
    project: &'p Project,
    choice: &LayerChoice,
    all_layers: bool,
    docs: Option<&[DocId]>,
) -> Result<Selection<'p>, ExportError> {
    let chosen: Vec<String> = match choice {
        // A known annotator needs no count of every annotation's layer.
        LayerChoice::One(name) if project.annotators.contains(name) => vec![name.clone()],
        LayerChoice::One(name) => {
            let existing = project.layers();
            if !existing.contains(name) {
                return Err(ExportError::NoSuchLayer {
                    name: name.clone(),
                    layers: existing,
                });
            }
            vec![name.clone()]
        }
        LayerChoice::Auto if all_layers => project.layers(),
        LayerChoice::Auto => {
            let existing = project.layers();
            if existing.iter().any(|l| l == REVIEWED_LAYER) {
                vec![REVIEWED_LAYER.to_owned()]
            } else if existing.len() <= 1 {
                existing
            } else {
                return Err(ExportError::ChooseLayer { layers: existing });
            }
        }
    };
    if let Some(wanted) = docs {
        let known: HashSet<&DocId> = project.documents.iter().map(|d| &d.id).collect();
        if let Some(missing) = wanted.iter().find(|d| !known.contains(d)) {
            return Err(ExportError::NoSuchDocument(missing.clone()));
        }
    }
    let parts = project.in_layers(&chosen, docs);
    Ok(Selection {
        project,
        layers: chosen,
        docs: parts,
    })
}

impl Selection<'_> {
    /// How many annotations the selection holds.
    pub fn annotation_count(&self) -> usize {
        self.docs.iter().map(|d| d.annotations.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AnnotationId, project_from_marked};

    fn two_layers() -> Project {
        let (mut p, _) = project_from_marked(
            "[actor|Macron] said [claim|talks could start].",
            "ana",
            jiff::Timestamp::UNIX_EPOCH,
        )
        .expect("marked");
        let (q, _) = project_from_marked(
            "[actor|Macron] said [claim|talks could start].",
            "ben",
            jiff::Timestamp::UNIX_EPOCH,
        )
        .expect("marked");
        for (id, mut a) in q.annotations {
            a.id = AnnotationId(format!("{id}-b"));
            p.annotations.insert(a.id.clone(), a);
        }
        p.annotators.insert("ben".into());
        p
    }

    #[test]
    fn auto_stops_with_the_layers_when_there_are_several() {
        let p = two_layers();
        let err = select(&p, &LayerChoice::Auto, false, None).expect_err("two layers");
        assert_eq!(
            err,
            ExportError::ChooseLayer {
                layers: vec!["ana".into(), "ben".into()]
            }
        );
        assert!(err.to_string().contains("ana, ben"));
    }

    #[test]
    fn formats_that_record_the_annotator_take_every_layer() {
        let p = two_layers();
        let sel = select(&p, &LayerChoice::Auto, true, None).expect("all");
        assert_eq!(sel.layers, ["ana", "ben"]);
        assert_eq!(sel.annotation_count(), 4);
    }

    #[test]
    fn the_reviewed_layer_wins_and_a_named_layer_is_taken_alone() {
        let mut p = two_layers();
        let sel = select(&p, &LayerChoice::One("ben".into()), false, None).expect("ben");
        assert_eq!(sel.annotation_count(), 2);
        assert!(sel.docs[0].annotations.iter().all(|a| a.annotator == "ben"));
        let first = p.annotations.values().next().cloned().expect("one");
        let mut reviewed = first;
        reviewed.id = AnnotationId("a-reviewed".into());
        reviewed.annotator = REVIEWED_LAYER.into();
        p.annotations.insert(reviewed.id.clone(), reviewed);
        let sel = select(&p, &LayerChoice::Auto, false, None).expect("reviewed");
        assert_eq!(sel.layers, [REVIEWED_LAYER]);
        assert_eq!(sel.annotation_count(), 1);
        let err = select(&p, &LayerChoice::One("cleo".into()), false, None).expect_err("no cleo");
        assert!(matches!(err, ExportError::NoSuchLayer { .. }));
    }
}
