//! The bundled sample project: valid, complete, and built from the shared articles.

#![allow(clippy::unwrap_used)] // a test that cannot set up should stop loudly

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use marginalia::model::{Project, TagId};
use marginalia::sample::sample_project;

fn by_tag<'p>(project: &'p Project, tag: &str) -> Vec<&'p marginalia::model::Annotation> {
    project
        .annotations
        .values()
        .filter(|a| a.tag == TagId::from(tag))
        .collect()
}

#[test]
fn the_sample_is_annotated_as_the_issue_asks() {
    let project = sample_project().unwrap();
    assert_eq!(project.documents.len(), 2);
    assert!(
        project.annotations.len() >= 60,
        "{}",
        project.annotations.len()
    );
    // Every actor mention is linked to an entity that exists.
    for a in by_tag(&project, "actor") {
        let entity = a
            .entity
            .as_ref()
            .unwrap_or_else(|| panic!("actor {} ({}) has no entity", a.id, a.quote));
        assert!(project.entities.contains_key(entity));
    }
    // Both spellings of the Ukrainian president's name are one actor; "the French president" is Macron.
    let entity_of = |quote_part: &str| -> BTreeSet<String> {
        by_tag(&project, "actor")
            .into_iter()
            .filter(|a| a.quote.contains(quote_part))
            .filter_map(|a| a.entity.as_ref().map(|e| e.0.clone()))
            .collect()
    };
    let zelensky: BTreeSet<String> = entity_of("Zelenskiy")
        .union(&entity_of("Zelensky"))
        .cloned()
        .collect();
    assert_eq!(zelensky.len(), 1, "{zelensky:?}");
    let president = entity_of("the French president");
    let macron = entity_of("Emmanuel Macron");
    assert!(
        !president.is_empty() && president == macron,
        "{president:?} vs {macron:?}"
    );
    // Claims have speakers; conditions are attached to claims.
    let mut links: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for r in project.relations.values() {
        links
            .entry(r.kind.as_str())
            .or_default()
            .insert(r.from.0.clone());
        links
            .entry(r.kind.as_str())
            .or_default()
            .insert(r.to.0.clone());
    }
    let said = links.get("said_by").cloned().unwrap_or_default();
    let conditional = links.get("conditional_on").cloned().unwrap_or_default();
    assert!(
        by_tag(&project, "claim")
            .iter()
            .filter(|c| said.contains(&c.id.0))
            .count()
            >= 20
    );
    let conditions = by_tag(&project, "condition");
    assert!(!conditions.is_empty());
    assert!(conditions.iter().all(|c| conditional.contains(&c.id.0)));
}

#[test]
fn the_sample_texts_are_the_shared_articles_exactly() {
    let project = sample_project().unwrap();
    let articles = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/articles");
    for doc in &project.documents {
        let file = articles.join(format!("{}.txt", doc.id));
        let article = marginalia::intake::read_article(&file).unwrap();
        assert_eq!(article.text, doc.text, "{}", file.display());
        assert!(
            doc.meta
                .published
                .as_deref()
                .is_some_and(|p| doc.id.as_str().starts_with(p))
        );
    }
}
