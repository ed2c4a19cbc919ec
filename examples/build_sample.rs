//! Builds `sample_projects/macron-china-ukraine.ron` from the two articles in
//! `tests/fixtures/articles/` (copies of the team's `../shared/articles/`) and two analysts' independent hand annotation: the `analyst` layer in
//! `sample_projects/macron-china-ukraine.annotations.json` (which also holds the documents and the
//! entity registry) and the `noor` layer in `sample_projects/macron-china-ukraine.noor.json`, so
//! the sample shows comparison and agreement at once.
//!
//! Run: `cargo run --example build_sample --no-default-features [-- ARTICLES_DIR]`
//!
//! The annotation files name each span by its exact quote and which occurrence of it in the
//! text (1-based, counting every match), so it can be read and reviewed without offsets. Each
//! span may carry `values`, its codes by attribute id: a choice value's id (a claim's `stance`)
//! or a code's id (a claim's or condition's `concept`, from the concepts codebook that the main
//! file's `concepts` list fills).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use jiff::Timestamp;
use marginalia::intake;
use marginalia::model::{
    Annotation, AnnotationId, AttributeKind, ByteOffset, CONCEPTS, Code, CodebookId, DocStatus,
    Document, DocumentMeta, Entity, EntityKind, Fragment, Project, Relation, RelationId,
    ReviewStatus, Value, Values, ops, quote_of, refuse_value,
};
use marginalia::store;
use serde::Deserialize;

#[derive(Deserialize)]
struct Spec {
    documents: Vec<DocSpec>,
    entities: Vec<EntitySpec>,
    /// The codes of the concepts codebook, in the order shown.
    #[serde(default)]
    concepts: Vec<CodeSpec>,
    annotations: Vec<AnnotationSpec>,
    relations: Vec<RelationSpec>,
}

/// A further analyst's layer: their spans and links over the same documents and entities.
#[derive(Deserialize)]
struct LayerSpec {
    annotator: String,
    /// When the layer was made (RFC 3339): every annotation's `created` and `modified`.
    annotated: String,
    annotations: Vec<AnnotationSpec>,
    relations: Vec<RelationSpec>,
}

#[derive(Deserialize)]
struct DocSpec {
    file: String,
    id: String,
    title: String,
    source: Option<String>,
    author: Option<String>,
    published: Option<String>,
    url: Option<String>,
}

#[derive(Deserialize)]
struct EntitySpec {
    id: String,
    name: String,
    kind: EntityKind,
    aliases: Vec<String>,
}

#[derive(Deserialize)]
struct CodeSpec {
    id: String,
    label: String,
    definition: String,
}

#[derive(Deserialize)]
struct AnnotationSpec {
    key: String,
    doc: String,
    tag: String,
    quote: String,
    occurrence: usize,
    entity: Option<String>,
    note: Option<String>,
    /// The span's codes: attribute id → a choice value's id or a code's id.
    #[serde(default)]
    values: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct RelationSpec {
    kind: String,
    from: String,
    to: String,
}

const ANNOTATOR: &str = "analyst";

/// The further layers, in `sample_projects/`; their relation ids start with the annotator's name.
const LAYERS: &[&str] = &["macron-china-ukraine.noor.json"];

/// Byte offset of the `n`th (1-based) match of `quote` in `text`, counting every match.
fn nth_match(text: &str, quote: &str, n: usize) -> Option<usize> {
    let mut from = 0;
    let mut found = None;
    for _ in 0..n {
        let at = from + text.get(from..)?.find(quote)?;
        found = Some(at);
        from = at + text.get(at..)?.chars().next()?.len_utf8();
    }
    found
}

/// The values of a span tagged `tag`, each checked against the attribute the tag declares.
fn values_of(
    project: &Project,
    key: &str,
    tag: &str,
    given: BTreeMap<String, String>,
) -> anyhow::Result<Values> {
    let Some(tag_type) = project.schema.tag(&tag.into()) else {
        bail!("{key}: no tag {tag}")
    };
    let mut values = Values::new();
    for (id, given) in given {
        let Some(attribute) = tag_type.attribute(&id.as_str().into()) else {
            bail!("{key}: the tag {tag} has no attribute {id}")
        };
        let value = match &attribute.kind {
            AttributeKind::Choice { .. } => Value::Choice(vec![given]),
            AttributeKind::Code { .. } => Value::Code(given.as_str().into()),
            AttributeKind::Text => Value::Text(given),
            kind => bail!("{key}: {id} is a {} attribute", kind.name()),
        };
        if let Some(why) = refuse_value(attribute, &value, &project.codebooks) {
            bail!("{key}: {why}")
        }
        values.insert(attribute.id.clone(), value);
    }
    Ok(values)
}

/// Adds one annotator's spans and links, marks both documents done for them, and names the
/// relations `{relation_prefix}r001`, `…r002` in the order given.
fn add_layer(
    project: &mut Project,
    annotator: &str,
    when: Timestamp,
    annotations: Vec<AnnotationSpec>,
    relations: Vec<RelationSpec>,
    relation_prefix: &str,
) -> anyhow::Result<()> {
    project.annotators.insert(annotator.into());
    for doc in &mut project.documents {
        doc.meta
            .status
            .insert(annotator.to_owned(), DocStatus::Done);
    }
    for a in annotations {
        let Some(doc) = project.document(&a.doc.as_str().into()) else {
            bail!("{}: no document {}", a.key, a.doc)
        };
        let Some(start) = nth_match(&doc.text, &a.quote, a.occurrence) else {
            bail!(
                "{}: occurrence {} of {:?} not found",
                a.key,
                a.occurrence,
                a.quote
            )
        };
        let fragments = vec![Fragment::new(
            ByteOffset(start)..ByteOffset(start + a.quote.len()),
        )];
        let quote = quote_of(&doc.text, &fragments).unwrap_or_default();
        let values = values_of(project, &a.key, &a.tag, a.values)?;
        let annotation = Annotation {
            values,
            id: AnnotationId(a.key.clone()),
            doc: doc.id.clone(),
            tag: a.tag.as_str().into(),
            fragments,
            quote,
            annotator: annotator.into(),
            entity: a.entity.map(|e| e.as_str().into()),
            note: a.note.unwrap_or_default(),
            status: ReviewStatus::Pending,
            created: when,
            modified: when,
            changed_by: None,
        };
        if project.annotations.contains_key(&annotation.id) {
            bail!("{}: the key is used twice", a.key)
        }
        project
            .annotations
            .insert(annotation.id.clone(), annotation);
    }
    for (i, r) in relations.into_iter().enumerate() {
        for end in [&r.from, &r.to] {
            let theirs = project
                .annotations
                .get(&AnnotationId(end.clone()))
                .is_some_and(|a| a.annotator == annotator);
            if !theirs {
                bail!(
                    "{} {} → {}: {end} is not in {annotator}'s layer",
                    r.kind,
                    r.from,
                    r.to
                )
            }
        }
        let id = RelationId(format!("{relation_prefix}r{:03}", i + 1));
        project.relations.insert(
            id.clone(),
            Relation {
                note: Default::default(),
                values: Default::default(),
                id,
                kind: r.kind.as_str().into(),
                from: r.from.as_str().into(),
                to: r.to.as_str().into(),
                annotator: annotator.into(),
                changed_by: None,
            },
        );
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let articles = std::env::args()
        .nth(1)
        .map_or_else(|| manifest.join("tests/fixtures/articles"), PathBuf::from);
    let root = manifest.join("sample_projects");
    let spec_path = root.join("macron-china-ukraine.annotations.json");
    let spec: Spec = serde_json::from_str(&std::fs::read_to_string(&spec_path)?)
        .with_context(|| spec_path.display().to_string())?;
    let when: Timestamp = "2026-11-21T12:00:00Z".parse()?;

    let mut project = Project::new("Macron, China and the war in Ukraine (sample)");
    project.notes = "Two news articles (2023, 2025) on French President Emmanuel Macron's attempts to enlist China in ending Russia's war against Ukraine, annotated by hand as an example: every actor mention linked to its entity, every claim to who makes it, every condition to the claim that depends on it; every claim coded with its concept and the speaker's stance toward it, every condition with its concept (the statements of discourse network analysis). Two analysts, analyst and noor, coded both articles independently; they agree on most spans and differ where second coders do (a boundary drawn wider or narrower, an actor missed or added, a claim read as a condition, another concept or stance where the text allows two readings), so Review shows comparison and agreement at once.".into();
    for d in &spec.documents {
        let article = intake::read_article(&articles.join(&d.file))?;
        project.documents.push(Document {
            id: d.id.as_str().into(),
            meta: DocumentMeta {
                tokens: Default::default(),
                variables: Default::default(),
                title: d.title.clone(),
                source: d.source.clone(),
                author: d.author.clone(),
                published: d.published.clone(),
                url: d.url.clone(),
                status: BTreeMap::new(),
            },
            text: article.text,
        });
    }
    let concepts = CodebookId::from(CONCEPTS);
    for c in spec.concepts {
        let code = Code {
            id: c.id.as_str().into(),
            label: c.label,
            color: None,
            definition: c.definition,
            parent: None,
            aliases: Vec::new(),
        };
        ops::put_code(&project, &concepts, code)
            .and_then(|edit| edit.apply(&mut project))
            .with_context(|| format!("concept {}", c.id))?;
    }
    for e in spec.entities {
        project.entities.insert(
            e.id.as_str().into(),
            Entity {
                refs: Default::default(),
                id: e.id.as_str().into(),
                name: e.name,
                kind: e.kind,
                aliases: e.aliases,
                note: String::new(),
            },
        );
    }
    add_layer(
        &mut project,
        ANNOTATOR,
        when,
        spec.annotations,
        spec.relations,
        "",
    )?;
    for file in LAYERS {
        let path = root.join(file);
        let layer: LayerSpec = serde_json::from_str(&std::fs::read_to_string(&path)?)
            .with_context(|| path.display().to_string())?;
        let when: Timestamp = layer.annotated.parse()?;
        let prefix = format!("{}-", layer.annotator);
        add_layer(
            &mut project,
            &layer.annotator,
            when,
            layer.annotations,
            layer.relations,
            &prefix,
        )
        .with_context(|| path.display().to_string())?;
    }
    let out = root.join("macron-china-ukraine.ron");
    let text = store::to_string(&project)?;
    // Check it the way every load does before writing it.
    store::from_str(&out, &text)?;
    store::write_atomically(&out, &text)?;
    let coded = project
        .annotations
        .values()
        .filter(|a| !a.values.is_empty())
        .count();
    println!(
        "wrote {} ({} annotations, {coded} of them coded, {} relations, {} entities, {} concepts)",
        out.display(),
        project.annotations.len(),
        project.relations.len(),
        project.entities.len(),
        project
            .codebooks
            .get(&concepts)
            .map_or(0, |b| b.codes.len())
    );
    Ok(())
}
