//! Turning articles read from disk into project documents.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use crate::model::{DocId, DocIdSeries, Document, DocumentMeta, Edit, Project, sha256_hex};

use super::Article;

/// One article added to the project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Added {
    /// The file it came from.
    pub path: PathBuf,
    /// Its document id.
    pub id: DocId,
    /// Its title.
    pub title: String,
}

/// What [`add_articles`] will do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AddReport {
    /// Articles that become new documents.
    pub added: Vec<Added>,
    /// Articles whose exact text is already in the project (or earlier in the same batch).
    pub skipped: Vec<Added>,
}

/// The edit that adds `articles` as documents (one undo step), and a report of it. Articles
/// whose text is already in the project are skipped, not duplicated. Ids come from the file
/// names, made unique.
pub fn add_articles(project: &Project, articles: Vec<Article>) -> (Edit, AddReport) {
    let mut report = AddReport::default();
    let mut hashes: HashMap<String, DocId> = project
        .documents
        .iter()
        .map(|d| (d.sha256(), d.id.clone()))
        .collect();
    let mut taken: HashSet<String> = project.documents.iter().map(|d| d.id.0.clone()).collect();
    let mut ids = DocIdSeries::default();
    let mut edits = Vec::new();
    for article in articles {
        let hash = sha256_hex(&article.text);
        if let Some(id) = hashes.get(&hash) {
            report.skipped.push(Added {
                path: article.path,
                id: id.clone(),
                title: article.title,
            });
            continue;
        }
        let stem = article
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let id = ids.id(&stem, |id| taken.contains(id));
        taken.insert(id.0.clone());
        hashes.insert(hash, id.clone());
        report.added.push(Added {
            path: article.path.clone(),
            id: id.clone(),
            title: article.title.clone(),
        });
        let doc = Document {
            id,
            meta: DocumentMeta {
                variables: Default::default(),
                title: article.title,
                source: article.source,
                author: article.author,
                published: article.published,
                url: article.url,
                status: Default::default(),
                tokens: Default::default(),
            },
            text: article.text,
        };
        edits.push(Edit::Document {
            index: project.documents.len() + edits.len(),
            before: None,
            after: Some(Box::new(doc)),
        });
    }
    (Edit::Batch(edits), report)
}
