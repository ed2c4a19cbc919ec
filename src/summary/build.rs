//! Computing a [`Summary`] from a project: the rules of the module docs, applied.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::model::{
    Annotation, AnnotationId, AttributeKind, DocId, DocLayers, DocStatus, Document, Project,
    Relation, TagId, Value,
};
use crate::par::par_map;

use super::{
    ACTOR, Actor, ActorKey, CLAIM, CONCEPT, CONDITION, Claim, Coded, ConceptSummary, Condition,
    DocActor, DocSummary, Mention, OPPOSES, Progress, STANCE, STATUSES, SUPPORTS, Side, Speaker,
    Summary, TagCount, UNKNOWN_TAG_COLOR, spelling,
};

/// A relation between a claim and another annotation, seen from the claim.
struct Link<'p> {
    claim: &'p AnnotationId,
    other: &'p Annotation,
    relation: &'p Relation,
}

/// See [`Summary::of`].
pub(super) fn summarise(project: &Project, layers: &[String], docs: Option<&[DocId]>) -> Summary {
    summarise_parts(project, layers, &project.in_layers(layers, docs))
}

/// See [`Summary::of_parts`]. The documents are independent until the actors are grouped
/// across them, so their actor keys and their summaries are made on every core.
pub(super) fn summarise_parts(
    project: &Project,
    layers: &[String],
    parts: &[DocLayers<'_>],
) -> Summary {
    let chosen: Vec<&Document> = parts.iter().map(|p| p.doc).collect();
    let (speakers, conditions): (Vec<_>, Vec<_>) = parts
        .iter()
        .map(|p| claim_links(project, &p.relations))
        .unzip();
    // Each actor mention's key, made once (folding a quote allocates).
    let keys: Vec<Vec<(&Annotation, ActorKey)>> = par_map(parts, |p| {
        p.annotations
            .iter()
            .filter(|a| a.tag.as_str() == ACTOR)
            .map(|a| (*a, ActorKey::of(a)))
            .collect()
    });

    let actors = group_actors(project, &chosen, &keys, &speakers);
    let actor_index: HashMap<&ActorKey, usize> = actors
        .iter()
        .enumerate()
        .map(|(i, a)| (&a.key, i))
        .collect();

    let numbered: Vec<(usize, &DocLayers)> = parts.iter().enumerate().collect();
    let documents = par_map(&numbered, |&(i, part)| {
        let none: &[Link] = &[];
        summarise_doc(
            project,
            part,
            keys.get(i).map(Vec::as_slice).unwrap_or_default(),
            (
                speakers.get(i).map_or(none, Vec::as_slice),
                conditions.get(i).map_or(none, Vec::as_slice),
            ),
            &actor_index,
        )
    });

    let all: Vec<&Annotation> = parts
        .iter()
        .flat_map(|p| p.annotations.iter().copied())
        .collect();
    let all_relations: Vec<&Relation> = parts
        .iter()
        .flat_map(|p| p.relations.iter().copied())
        .collect();
    let progress = progress(layers, &chosen, &all, &all_relations);
    let mut sorted_layers = layers.to_vec();
    sorted_layers.sort();
    sorted_layers.dedup();

    let concepts = concepts(&documents, &actors);
    let (stands, agreements, conflicts) = super::stands::stands_and_ties(&documents, &concepts);
    Summary {
        project: project.name.clone(),
        layers: sorted_layers,
        concepts,
        stands,
        agreements,
        conflicts,
        actors,
        tags: tag_counts(project, &all),
        progress,
        annotations: all.len(),
        relations: all_relations.len(),
        documents,
    }
}

/// The relations of one document that link a claim to an actor (speakers, first) or to a
/// condition (second), in either direction and of any kind. Both ends of each are taken.
fn claim_links<'p>(
    project: &'p Project,
    relations: &[&'p Relation],
) -> (Vec<Link<'p>>, Vec<Link<'p>>) {
    let (mut speakers, mut conditions) = (Vec::new(), Vec::new());
    for r in relations {
        let (Some(from), Some(to)) = (
            project.annotations.get(&r.from),
            project.annotations.get(&r.to),
        ) else {
            continue;
        };
        let (claim, other) = match (from.tag.as_str(), to.tag.as_str()) {
            (CLAIM, ACTOR | CONDITION) => (from, to),
            (ACTOR | CONDITION, CLAIM) => (to, from),
            _ => continue,
        };
        let link = Link {
            claim: &claim.id,
            other,
            relation: r,
        };
        if other.tag.as_str() == ACTOR {
            speakers.push(link);
        } else {
            conditions.push(link);
        }
    }
    (speakers, conditions)
}

/// One row per layer and per other annotator of a taken relation, sorted by name.
fn progress(
    layers: &[String],
    chosen: &[&Document],
    annotations: &[&Annotation],
    relations: &[&Relation],
) -> Vec<Progress> {
    let mut annotators: BTreeSet<&str> = layers.iter().map(String::as_str).collect();
    annotators.extend(relations.iter().map(|r| r.annotator.as_str()));
    annotators
        .into_iter()
        .map(|annotator| {
            let mut documents: BTreeMap<DocStatus, usize> =
                STATUSES.iter().map(|s| (*s, 0)).collect();
            for d in chosen {
                let status = d.meta.status.get(annotator).copied().unwrap_or_default();
                *documents.entry(status).or_default() += 1;
            }
            Progress {
                annotator: annotator.to_owned(),
                documents,
                annotations: annotations
                    .iter()
                    .filter(|a| a.annotator == annotator)
                    .count(),
                relations: relations
                    .iter()
                    .filter(|r| r.annotator == annotator)
                    .count(),
            }
        })
        .collect()
}

/// The project-wide actors, sorted: most claims, most mentions, then name (ignoring case).
fn group_actors(
    project: &Project,
    chosen: &[&Document],
    keys: &[Vec<(&Annotation, ActorKey)>],
    speakers: &[Vec<Link>],
) -> Vec<Actor> {
    #[derive(Default)]
    struct Acc<'p> {
        mentions: usize,
        spellings: BTreeMap<String, usize>,
        docs: BTreeSet<usize>,
        claims: BTreeSet<&'p AnnotationId>,
    }
    // Hashed, not ordered: the actors are sorted below by an order that ends with the key.
    let mut groups: HashMap<ActorKey, Acc> = HashMap::new();
    for (i, list) in keys.iter().enumerate() {
        for (a, key) in list {
            // A key is cloned only for the first mention of its actor, a spelling only the
            // first time it is seen.
            let acc = match groups.get_mut(key) {
                Some(acc) => acc,
                None => groups.entry(key.clone()).or_default(),
            };
            acc.mentions += 1;
            let shown = plain_spelling(&a.quote);
            match acc.spellings.get_mut(shown.as_ref()) {
                Some(n) => *n += 1,
                None => {
                    acc.spellings.insert(shown.into_owned(), 1);
                }
            }
            acc.docs.insert(i);
        }
    }
    for link in speakers.iter().flatten() {
        if let Some(acc) = groups.get_mut(&ActorKey::of(link.other)) {
            acc.claims.insert(link.claim);
        }
    }
    // Each actor with its name in lower case, folded once rather than in every comparison.
    let mut actors: Vec<(String, Actor)> = groups
        .into_iter()
        .map(|(key, acc)| {
            let entity = match &key {
                ActorKey::Entity(e) => Some(project.entities.get(e)),
                ActorKey::Name(_) => None,
            };
            let most_used = acc
                .spellings
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                .map(|(s, _)| s.clone())
                .unwrap_or_default();
            let name = match (&key, &entity) {
                (_, Some(Some(e))) => e.name.clone(),
                (ActorKey::Entity(id), _) => id.to_string(),
                (ActorKey::Name(_), _) => most_used,
            };
            Actor {
                kind: entity.flatten().map(|e| e.kind),
                name,
                mentions: acc.mentions,
                claims: acc.claims.len(),
                spellings: acc.spellings.into_keys().collect(),
                documents: acc
                    .docs
                    .iter()
                    .filter_map(|&i| chosen.get(i).map(|d| d.id.clone()))
                    .collect(),
                key,
            }
        })
        .map(|actor| (actor.name.to_lowercase(), actor))
        .collect();
    actors.sort_by(|(lower_a, a), (lower_b, b)| {
        b.claims
            .cmp(&a.claims)
            .then(b.mentions.cmp(&a.mentions))
            .then_with(|| lower_a.cmp(lower_b))
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.key.cmp(&b.key))
    });
    actors.into_iter().map(|(_, actor)| actor).collect()
}

/// [`spelling`] of `quote`, borrowed when the quote is already spelled that way (words
/// separated by one space, none at the ends), as most are.
pub(super) fn plain_spelling(quote: &str) -> std::borrow::Cow<'_, str> {
    let mut after_space = true;
    for c in quote.chars() {
        if c.is_whitespace() {
            if c != ' ' || after_space {
                return spelling(quote).into();
            }
            after_space = true;
        } else {
            after_space = false;
        }
    }
    if after_space && !quote.is_empty() {
        return spelling(quote).into();
    }
    quote.into()
}

/// One article's actors, claims and unattached conditions. `keys` are its actor mentions
/// with their keys, in position order; `links` its speaker and condition links.
fn summarise_doc(
    project: &Project,
    part: &DocLayers,
    keys: &[(&Annotation, ActorKey)],
    links: (&[Link], &[Link]),
    actor_index: &HashMap<&ActorKey, usize>,
) -> DocSummary {
    let (doc, annotations) = (part.doc, part.annotations.as_slice());
    let (speakers, conditions) = links;
    // Positions are needed only to order a claim's links.
    let position: HashMap<&AnnotationId, usize> = if speakers.is_empty() && conditions.is_empty() {
        HashMap::new()
    } else {
        annotations
            .iter()
            .enumerate()
            .map(|(i, a)| (&a.id, i))
            .collect()
    };
    let at = |a: &Annotation| position.get(&a.id).copied().unwrap_or(usize::MAX);

    let mut actors: Vec<DocActor> = Vec::new();
    for (_, key) in keys {
        let Some(&actor) = actor_index.get(key) else {
            continue;
        };
        match actors.iter_mut().find(|d| d.actor == actor) {
            Some(d) => d.mentions += 1,
            None => actors.push(DocActor {
                actor,
                mentions: 1,
                claims: 0,
            }),
        }
    }

    let mut claims = Vec::new();
    for a in annotations.iter().filter(|a| a.tag.as_str() == CLAIM) {
        let mut said: Vec<&Link> = speakers.iter().filter(|l| l.claim == &a.id).collect();
        said.sort_by_key(|l| (at(l.other), &l.relation.id));
        let mut cond: Vec<&Link> = conditions.iter().filter(|l| l.claim == &a.id).collect();
        cond.sort_by_key(|l| (at(l.other), &l.relation.id));
        let speakers: Vec<Speaker> = said
            .iter()
            .filter_map(|l| {
                Some(Speaker {
                    actor: *actor_index.get(&ActorKey::of(l.other))?,
                    mention: Mention::of(l.other),
                    relation: l.relation.id.clone(),
                    kind: l.relation.kind.clone(),
                })
            })
            .collect();
        let distinct: BTreeSet<usize> = speakers.iter().map(|s| s.actor).collect();
        for d in actors.iter_mut().filter(|d| distinct.contains(&d.actor)) {
            d.claims += 1;
        }
        claims.push(Claim {
            stance: coded(project, a, STANCE),
            concept: coded(project, a, CONCEPT),
            mention: Mention::of(a),
            speakers,
            conditions: cond
                .iter()
                .map(|l| Condition {
                    mention: Mention::of(l.other),
                    relation: l.relation.id.clone(),
                    kind: l.relation.kind.clone(),
                })
                .collect(),
        });
    }

    let attached: HashSet<&AnnotationId> = conditions.iter().map(|l| &l.other.id).collect();
    DocSummary {
        id: doc.id.clone(),
        title: doc.meta.title.clone(),
        source: doc.meta.source.clone(),
        published: doc.meta.published.clone(),
        actors,
        claims,
        unattached_conditions: annotations
            .iter()
            .filter(|a| a.tag.as_str() == CONDITION && !attached.contains(&a.id))
            .map(|a| Mention::of(a))
            .collect(),
        tags: tag_counts(project, annotations),
        annotations: annotations.len(),
        relations: part.relations.len(),
    }
}

/// Annotations per tag: the schema's tags in schema order (zero included), then tags the
/// schema lacks, by id.
fn tag_counts(project: &Project, annotations: &[&Annotation]) -> Vec<TagCount> {
    let mut counts: BTreeMap<&TagId, usize> = BTreeMap::new();
    for a in annotations {
        *counts.entry(&a.tag).or_default() += 1;
    }
    let mut out: Vec<TagCount> = project
        .schema
        .tags
        .iter()
        .map(|t| TagCount {
            tag: t.id.clone(),
            label: t.label.clone(),
            color: t.color,
            count: counts.remove(&t.id).unwrap_or(0),
        })
        .collect();
    out.extend(counts.into_iter().map(|(tag, count)| TagCount {
        tag: tag.clone(),
        label: tag.to_string(),
        color: UNKNOWN_TAG_COLOR,
        count,
    }));
    out
}

/// The value of attribute `attribute` (an id) of annotation `a`, as the summary shows it: a
/// choice's first value by label, a code by its path, text as it is; a flag or a scale is no
/// stance or concept.
pub(crate) fn coded(project: &Project, a: &Annotation, attribute: &str) -> Option<Coded> {
    let value = a.values.get(&attribute.into())?;
    let kind = project
        .schema
        .tag(&a.tag)
        .and_then(|t| t.attributes.iter().find(|x| x.id.as_str() == attribute))
        .map(|x| &x.kind);
    match (kind, value) {
        (_, Value::Choice(chosen)) => {
            let id = chosen.first()?;
            let label = match kind {
                Some(AttributeKind::Choice { values, .. }) => values
                    .iter()
                    .find(|v| &v.id == id)
                    .map_or_else(|| id.clone(), |v| v.label.clone()),
                _ => id.clone(),
            };
            Some(Coded {
                id: id.clone(),
                label,
            })
        }
        (_, Value::Code(code)) => {
            let path = match kind {
                Some(AttributeKind::Code { codebook }) => project
                    .codebooks
                    .get(codebook)
                    .map(|b| b.path(code).join(" › "))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            Some(Coded {
                id: code.to_string(),
                label: if path.is_empty() {
                    code.to_string()
                } else {
                    path
                },
            })
        }
        (_, Value::Text(t)) if !t.trim().is_empty() => Some(Coded {
            id: t.clone(),
            label: t.clone(),
        }),
        _ => None,
    }
}

/// Each concept claims are coded with, with the actors for, against and neither; see the
/// module docs. Most claims first, then by label ignoring case.
fn concepts(documents: &[DocSummary], actors: &[Actor]) -> Vec<ConceptSummary> {
    #[derive(Default)]
    struct Acc<'s> {
        claims: usize,
        sides: [BTreeMap<usize, usize>; 3],
        concept: Option<&'s Coded>,
    }
    let mut by_id: BTreeMap<&str, Acc> = BTreeMap::new();
    for claim in documents.iter().flat_map(|d| &d.claims) {
        let Some(concept) = &claim.concept else {
            continue;
        };
        let acc = by_id.entry(concept.id.as_str()).or_default();
        acc.concept.get_or_insert(concept);
        acc.claims += 1;
        let side = match claim.stance.as_ref().map(|s| s.id.as_str()) {
            Some(SUPPORTS) => 0,
            Some(OPPOSES) => 1,
            _ => 2,
        };
        let speakers: BTreeSet<usize> = claim.speakers.iter().map(|s| s.actor).collect();
        for actor in speakers {
            if let Some(side) = acc.sides.get_mut(side) {
                *side.entry(actor).or_default() += 1;
            }
        }
    }
    // Names in lower case, folded once, only for the actors who take a side.
    let mut lower: HashMap<usize, String> = HashMap::new();
    for acc in by_id.values() {
        for &actor in acc.sides.iter().flat_map(BTreeMap::keys) {
            lower.entry(actor).or_insert_with(|| {
                actors
                    .get(actor)
                    .map(|a| a.name.to_lowercase())
                    .unwrap_or_default()
            });
        }
    }
    let name = |i: usize| lower.get(&i).map(String::as_str).unwrap_or_default();
    let sorted = |side: &BTreeMap<usize, usize>| {
        let mut list: Vec<Side> = side
            .iter()
            .map(|(&actor, &claims)| Side { actor, claims })
            .collect();
        list.sort_by(|a, b| {
            b.claims
                .cmp(&a.claims)
                .then_with(|| name(a.actor).cmp(name(b.actor)))
                .then(a.actor.cmp(&b.actor))
        });
        list
    };
    let mut out: Vec<ConceptSummary> = by_id
        .into_values()
        .filter_map(|acc| {
            let [supports, opposes, neutral] = &acc.sides;
            Some(ConceptSummary {
                concept: acc.concept?.clone(),
                claims: acc.claims,
                supporters: sorted(supports),
                opponents: sorted(opposes),
                neutral: sorted(neutral),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.claims
            .cmp(&a.claims)
            .then_with(|| {
                a.concept
                    .label
                    .to_lowercase()
                    .cmp(&b.concept.label.to_lowercase())
            })
            .then_with(|| a.concept.cmp(&b.concept))
    });
    out
}
