//! The document list's order: as added, by title, by date, or by an article variable
//! (numbers by value, dates and text by their text), articles without a value last.

use std::cmp::Ordering;

use crate::model::{Project, VariableId, VariableKind};

/// What the document list is sorted by.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum DocSort {
    /// The project's order (as added).
    #[default]
    Added,
    /// Title, ignoring case.
    Title,
    /// The publication date (ISO 8601 or a prefix of it).
    Date,
    /// An article variable.
    Variable(VariableId),
}

impl DocSort {
    /// How the choice is shown.
    pub fn label(&self, project: &Project) -> String {
        match self {
            DocSort::Added => "as added".to_owned(),
            DocSort::Title => "title".to_owned(),
            DocSort::Date => "date".to_owned(),
            DocSort::Variable(id) => project
                .schema
                .variables
                .iter()
                .find(|v| &v.id == id)
                .map_or_else(|| id.to_string(), |v| v.label.clone()),
        }
    }

    /// Every order offered for `project`: the fixed ones, then one per article variable.
    pub fn offered(project: &Project) -> Vec<DocSort> {
        let mut out = vec![DocSort::Added, DocSort::Title, DocSort::Date];
        out.extend(
            project
                .schema
                .variables
                .iter()
                .map(|v| DocSort::Variable(v.id.clone())),
        );
        out
    }
}

/// A sort key: present values before absent ones, numbers by value.
#[derive(PartialEq, PartialOrd)]
enum Key {
    Number(f64),
    Text(String),
    Absent,
}

/// The documents' indices in `by`'s order; ties keep the project's order.
pub fn document_order(project: &Project, by: &DocSort) -> Vec<usize> {
    let docs = &project.documents;
    let number = match by {
        DocSort::Variable(id) => project
            .schema
            .variables
            .iter()
            .any(|v| &v.id == id && v.kind == VariableKind::Number),
        _ => false,
    };
    let text = |s: Option<&String>| {
        s.map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map_or(Key::Absent, |s| Key::Text(s.to_lowercase()))
    };
    let keys: Vec<Key> = docs
        .iter()
        .map(|d| match by {
            DocSort::Added => Key::Absent,
            DocSort::Title => text(Some(&d.meta.title)),
            DocSort::Date => text(d.meta.published.as_ref()),
            DocSort::Variable(id) => {
                let value = d.meta.variables.get(id);
                match value.and_then(|v| v.trim().parse::<f64>().ok()) {
                    Some(n) if number && n.is_finite() => Key::Number(n),
                    _ if number => Key::Absent,
                    _ => text(value),
                }
            }
        })
        .collect();
    let mut order: Vec<usize> = (0..docs.len()).collect();
    // Stable: equal keys keep the project's order.
    order.sort_by(|&a, &b| keys[a].partial_cmp(&keys[b]).unwrap_or(Ordering::Equal));
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Document, Variable};

    fn project() -> Project {
        let mut p = Project::new("sorting");
        p.schema.variables = vec![
            Variable {
                id: "words".into(),
                label: "Words".into(),
                definition: String::new(),
                kind: VariableKind::Number,
            },
            Variable {
                id: "outlet".into(),
                label: "Outlet".into(),
                definition: String::new(),
                kind: VariableKind::Text,
            },
        ];
        for (id, title, date, words, outlet) in [
            (
                "a",
                "Zoe\u{301} in 北京",
                Some("2025-04"),
                Some("900"),
                Some("Le Monde"),
            ),
            ("b", "ceasefire 🕊", None, Some("-12.5"), Some("人民日报")),
            ("c", "Älter", Some("2023"), None, None),
            (
                "d",
                "Beijing",
                Some("2024-11-02"),
                Some("85"),
                Some("le monde"),
            ),
        ] {
            let mut d = Document::new(id, title, format!("{title} text"));
            d.meta.published = date.map(str::to_owned);
            if let Some(w) = words {
                d.meta.variables.insert("words".into(), w.into());
            }
            if let Some(o) = outlet {
                d.meta.variables.insert("outlet".into(), o.into());
            }
            p.documents.push(d);
        }
        p
    }

    #[test]
    fn documents_sort_by_title_date_and_variables_with_absent_values_last() {
        let p = project();
        let ids = |by: DocSort| -> String {
            document_order(&p, &by)
                .into_iter()
                .map(|i| p.documents[i].id.to_string())
                .collect()
        };
        assert_eq!(ids(DocSort::Added), "abcd");
        // Lower case: "beijing" < "ceasefire" < "zoé"; "älter" (ä after z in code points).
        assert_eq!(ids(DocSort::Title), "dbac");
        assert_eq!(ids(DocSort::Date), "cdab", "the undated article last");
        // Numbers by value, not as text ("-12.5" < "85" < "900").
        assert_eq!(ids(DocSort::Variable("words".into())), "bdac");
        // Text ignoring case; equal values keep the project's order.
        assert_eq!(ids(DocSort::Variable("outlet".into())), "adbc");
        assert_eq!(
            DocSort::offered(&p)
                .iter()
                .map(|s| s.label(&p))
                .collect::<Vec<_>>(),
            ["as added", "title", "date", "Words", "Outlet"]
        );
    }
}
