//! The analyst's summary: who claims what under which conditions, for each article and for
//! the project, with what is left unlinked and how far each annotator has got.
//!
//! [`Summary::of`] computes plain data (public, so the window can draw it in a panel);
//! [`Summary::to_markdown`] and [`Summary::to_html`] render it. Everything is sorted, so the
//! same project always gives the same summary, byte for byte.
//!
//! The layer depends on `model` only: `formats` calls it (for `summary-md`, `summary-html`
//! and the discourse network) and the window can too, so it takes the layers and document
//! ids a `formats::Selection` names rather than the selection itself, which would make the
//! two layers depend on each other.
//!
//! # Rules
//! - **Roles come from tag ids**: an annotation tagged [`ACTOR`] is an actor mention,
//!   [`CLAIM`] a claim, [`CONDITION`] a condition. Annotations of other tags only count in
//!   the tag counts and the annotator progress.
//! - **Who**: actor mentions are grouped by [`ActorKey`]: a mention linked to an entity counts
//!   for that entity; one without counts for its quote, compared without regard to case or
//!   white space (see [`name_key`]).
//! - **Speakers**: a relation names a speaker when one of its ends is a claim and the other an
//!   actor mention, whatever its kind and in either direction (`said_by` runs claim → actor,
//!   the default schema's only such kind). The kind is kept on each [`Speaker`].
//! - **Conditions**: likewise, a relation between a claim and a condition, of any kind and in
//!   either direction (`conditional_on` by default), attaches the condition to the claim.
//! - **Left unlinked**: a claim with no speaker; a condition attached to no claim; an actor
//!   (grouped as above) who is the speaker of no claim.
//! - **Codes**: a claim's stance and concept are the values of its [`STANCE`] and [`CONCEPT`]
//!   attributes (by id, as roles are), shown by label (a code by its path in the codebook,
//!   "Security › Ceasefire"). An actor is *for* a concept when it is a speaker of a claim coded
//!   with the concept whose stance is `supports`, *against* when it is `opposes`, and listed
//!   as *neutral or unclear* for any other stance or none, so that no coded claim's speaker is
//!   hidden. Claims with no concept are left out of [`Summary::concepts`].
//! - **What is taken**: the annotations of the layers given in the chosen documents, and the
//!   relations whose two ends are both taken (whoever made the relation). Callers give one
//!   layer by the datasets' rule (the reviewed layer, else the only one, else the one asked
//!   for: `formats::select`, and the window's summary panel); given several (only when the
//!   analyst asks for every layer), mentions add up: two annotators tagging the same "Macron"
//!   make two mentions, and the summary says so.

mod build;
mod describe;
mod html;
mod markdown;
pub mod stands;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

pub(crate) use build::coded;

use serde::Serialize;

pub use stands::{Stand, Tie};

use crate::model::{
    Annotation, AnnotationId, DocId, DocLayers, DocStatus, EntityId, EntityKind, Project,
    RelationId, RelationKindId, Rgb, TagId,
};

/// The tag id of actor mentions.
pub const ACTOR: &str = "actor";
/// The tag id of claims.
pub const CLAIM: &str = "claim";
/// The tag id of conditions.
pub const CONDITION: &str = "condition";

/// The attribute id of a claim's stance (a choice: supports, opposes, neutral).
pub const STANCE: &str = "stance";
/// The attribute id of a claim's concept (a code of the concepts codebook).
pub const CONCEPT: &str = "concept";
/// The stance value id of a claim for its concept.
pub const SUPPORTS: &str = "supports";
/// The stance value id of a claim against its concept.
pub const OPPOSES: &str = "opposes";

/// The colour of a tag the schema does not define (a neutral grey).
pub const UNKNOWN_TAG_COLOR: Rgb = Rgb(0x99, 0x99, 0x99);

/// Every document status, in the order the summary lists them.
pub const STATUSES: [DocStatus; 4] = [
    DocStatus::NotStarted,
    DocStatus::InProgress,
    DocStatus::Done,
    DocStatus::Reviewed,
];

/// What makes actor mentions one actor.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "by", content = "value", rename_all = "snake_case")]
pub enum ActorKey {
    /// Mentions linked to this entity of the registry.
    Entity(EntityId),
    /// Mentions with no entity whose quotes have this [`name_key`].
    Name(String),
}

impl ActorKey {
    /// The key of an actor mention: its entity, else its quote's [`name_key`].
    pub fn of(annotation: &Annotation) -> Self {
        match &annotation.entity {
            Some(e) => ActorKey::Entity(e.clone()),
            None => ActorKey::Name(name_key(&annotation.quote)),
        }
    }

    /// A stable textual id: `entity:ID` or `name:KEY` (network node ids use it).
    pub fn id(&self) -> String {
        match self {
            ActorKey::Entity(e) => format!("entity:{e}"),
            ActorKey::Name(n) => format!("name:{n}"),
        }
    }
}

/// Every article of `s` rendered by `article` (given its number from 1), on every core, and
/// appended to `out` in order: the articles are most of a summary's text. They are made a
/// few hundred at a time, so that the rendered articles waiting to be appended are never more
/// than one batch (the whole text twice over would be 80 MB more at corpus scale).
fn articles(
    out: &mut String,
    s: &Summary,
    article: impl Fn(&mut String, &Summary, usize, &DocSummary) + Sync,
) {
    const BATCH: usize = 256;
    let numbered: Vec<(usize, &DocSummary)> = s.documents.iter().enumerate().collect();
    for batch in numbered.chunks(BATCH) {
        let parts = crate::par::par_map(batch, |&(n, d)| {
            let mut one = String::new();
            article(&mut one, s, n + 1, d);
            one
        });
        for part in parts {
            out.push_str(&part);
        }
    }
}

/// A quote folded for grouping: lower case, every run of white space (line breaks and
/// no-break spaces included) made one space, none at the ends. "The  French\nPresident" and
/// "the French president" have the same key.
pub fn name_key(quote: &str) -> String {
    let mut key = String::with_capacity(quote.len());
    for word in quote.split_whitespace() {
        if !key.is_empty() {
            key.push(' ');
        }
        // `str::to_lowercase` knows a word's final sigma; ASCII needs no such care.
        if word.is_ascii() {
            key.extend(word.chars().map(|c| c.to_ascii_lowercase()));
        } else {
            key.push_str(&word.to_lowercase());
        }
    }
    key
}

/// A quote with every run of white space made one space, none at the ends: how a spelling
/// is shown.
pub(crate) fn spelling(quote: &str) -> String {
    let mut shown = String::with_capacity(quote.len());
    for word in quote.split_whitespace() {
        if !shown.is_empty() {
            shown.push(' ');
        }
        shown.push_str(word);
    }
    shown
}

/// One actor of the project: every mention with the same [`ActorKey`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Actor {
    /// What groups the mentions.
    pub key: ActorKey,
    /// The name shown: the entity's canonical name (its id if the registry lacks it), or the
    /// most frequent spelling of the quote (the first in sort order on a tie).
    pub name: String,
    /// The entity's kind, for actors grouped by entity.
    pub kind: Option<EntityKind>,
    /// Mentions in the taken layers and documents.
    pub mentions: usize,
    /// Claims this actor is a speaker of (each claim annotation once).
    pub claims: usize,
    /// The spellings seen (quotes with white space folded), sorted, each once.
    pub spellings: Vec<String>,
    /// The documents that mention the actor, in project order.
    pub documents: Vec<DocId>,
}

/// One annotation as the summary shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Mention {
    /// The annotation.
    pub id: AnnotationId,
    /// Its covered text (fragments joined by one space).
    pub quote: String,
    /// Its layer.
    pub annotator: String,
}

impl Mention {
    fn of(a: &Annotation) -> Self {
        Mention {
            id: a.id.clone(),
            quote: a.quote.clone(),
            annotator: a.annotator.clone(),
        }
    }
}

/// An actor named as a claim's speaker by one relation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Speaker {
    /// Index into [`Summary::actors`].
    pub actor: usize,
    /// The actor mention the relation links.
    pub mention: Mention,
    /// The relation.
    pub relation: RelationId,
    /// Its kind (`said_by` in the default schema).
    pub kind: RelationKindId,
}

/// A condition attached to a claim by one relation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Condition {
    /// The condition.
    pub mention: Mention,
    /// The relation.
    pub relation: RelationId,
    /// Its kind (`conditional_on` in the default schema).
    pub kind: RelationKindId,
}

/// A claim with who says it and what it depends on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Claim {
    /// The claim annotation.
    pub mention: Mention,
    /// Its speakers, by the position of the actor mention in the text, then relation id.
    pub speakers: Vec<Speaker>,
    /// Its conditions, by position in the text, then relation id.
    pub conditions: Vec<Condition>,
    /// Its stance, if coded.
    pub stance: Option<Coded>,
    /// Its concept, if coded.
    pub concept: Option<Coded>,
}

/// A value of a claim's stance or concept.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Coded {
    /// The choice value's or the code's id (free text stands for itself).
    pub id: String,
    /// As the analyst reads it: the value's label, or the code's path ("Security › Ceasefire").
    pub label: String,
}

/// An actor's claims on one side of a concept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Side {
    /// Index into [`Summary::actors`].
    pub actor: usize,
    /// Claims on this side the actor is a speaker of.
    pub claims: usize,
}

/// One concept with the actors for and against it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConceptSummary {
    /// The concept.
    pub concept: Coded,
    /// Claims coded with it.
    pub claims: usize,
    /// Actors speaking claims that support it, most claims first, then by name.
    pub supporters: Vec<Side>,
    /// Actors speaking claims that oppose it, in the same order.
    pub opponents: Vec<Side>,
    /// Actors speaking claims with another stance or none, in the same order.
    pub neutral: Vec<Side>,
}

/// An actor within one article.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DocActor {
    /// Index into [`Summary::actors`].
    pub actor: usize,
    /// Mentions in this article.
    pub mentions: usize,
    /// Claims of this article the actor is a speaker of.
    pub claims: usize,
}

/// How many annotations carry a tag.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TagCount {
    /// The tag id.
    pub tag: TagId,
    /// The schema's label (the id for a tag the schema lacks).
    pub label: String,
    /// The schema's colour ([`UNKNOWN_TAG_COLOR`] for a tag the schema lacks).
    pub color: Rgb,
    /// Annotations with this tag.
    pub count: usize,
}

/// One article's summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DocSummary {
    /// The document.
    pub id: DocId,
    /// Its title.
    pub title: String,
    /// Its source, if known.
    pub source: Option<String>,
    /// Its publication date, if known.
    pub published: Option<String>,
    /// Its actors, in the order of their first mention in the text.
    pub actors: Vec<DocActor>,
    /// Its claims, in text order.
    pub claims: Vec<Claim>,
    /// Conditions attached to no claim, in text order.
    pub unattached_conditions: Vec<Mention>,
    /// Annotations per tag: the schema's tags in schema order (zero included), then others.
    pub tags: Vec<TagCount>,
    /// Annotations taken from this article.
    pub annotations: usize,
    /// Relations taken from this article.
    pub relations: usize,
}

impl DocSummary {
    /// The claims with no speaker.
    pub fn claims_without_speaker(&self) -> impl Iterator<Item = &Claim> {
        self.claims.iter().filter(|c| c.speakers.is_empty())
    }

    /// The actors who are the speaker of no claim in this article.
    pub fn silent_actors(&self) -> impl Iterator<Item = &DocActor> {
        self.actors.iter().filter(|a| a.claims == 0)
    }

    /// Whether `actor` (an index into [`Summary::actors`]) is a speaker of `claim` (an index
    /// into [`DocSummary::claims`]): a cell of the article's actors × claims overview.
    pub fn says(&self, actor: usize, claim: usize) -> bool {
        self.claims
            .get(claim)
            .is_some_and(|c| c.speakers.iter().any(|s| s.actor == actor))
    }
}

/// How far one annotator has got.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// The annotator (layer).
    pub annotator: String,
    /// Taken documents per status (every status of [`STATUSES`] present, zero included); a
    /// document without a status for this annotator counts as not started.
    pub documents: BTreeMap<DocStatus, usize>,
    /// Annotations of this layer taken.
    pub annotations: usize,
    /// Relations this annotator made, among those taken.
    pub relations: usize,
}

/// The summary of a project, or of some of its layers and documents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// The project's name.
    pub project: String,
    /// The layers taken, sorted.
    pub layers: Vec<String>,
    /// The actors, most claims first, then most mentions, then by name.
    pub actors: Vec<Actor>,
    /// The articles taken, in project order.
    pub documents: Vec<DocSummary>,
    /// Annotations per tag over all articles taken (as [`DocSummary::tags`]).
    pub tags: Vec<TagCount>,
    /// One row per taken layer, plus any other annotator of a taken relation, sorted.
    pub progress: Vec<Progress>,
    /// The concepts claims are coded with, most claims first, then by label.
    pub concepts: Vec<ConceptSummary>,
    /// Each speaking actor's claims per concept, by stance (the actors × concepts table), by
    /// actor then concept.
    pub stands: Vec<Stand>,
    /// The pairs of actors who most often take the same stance on a concept, strongest
    /// first ([`stands`] says how they are weighed).
    pub agreements: Vec<Tie>,
    /// The pairs of actors who most often take different stances on a concept.
    pub conflicts: Vec<Tie>,
    /// Annotations taken.
    pub annotations: usize,
    /// Relations taken.
    pub relations: usize,
}

impl Summary {
    /// Summarises the annotations of `layers` in the documents `docs` (`None`: all), in
    /// project order; ids that are not in the project are ignored. See the module docs for
    /// the rules.
    pub fn of(project: &Project, layers: &[String], docs: Option<&[DocId]>) -> Self {
        build::summarise(project, layers, docs)
    }

    /// [`Summary::of`] the documents and annotations already taken from `project` by
    /// [`Project::in_layers`] for `layers` (an export's selection), without taking them again.
    pub fn of_parts(project: &Project, layers: &[String], parts: &[DocLayers<'_>]) -> Self {
        build::summarise_parts(project, layers, parts)
    }

    /// Claims `actor` (an index into [`Summary::actors`]) is a speaker of in the article
    /// `doc` (an index into [`Summary::documents`]): a cell of the project's actors ×
    /// documents overview.
    pub fn claims_in(&self, actor: usize, doc: usize) -> usize {
        self.documents
            .get(doc)
            .and_then(|d| d.actors.iter().find(|a| a.actor == actor))
            .map_or(0, |a| a.claims)
    }

    /// The largest cell of the actors × documents overview (0 when no actor speaks).
    pub fn max_claims_in(&self) -> usize {
        self.documents
            .iter()
            .flat_map(|d| d.actors.iter().map(|a| a.claims))
            .max()
            .unwrap_or(0)
    }

    /// Claims with no speaker, over all articles.
    pub fn claims_without_speaker(&self) -> usize {
        self.documents
            .iter()
            .map(|d| d.claims_without_speaker().count())
            .sum()
    }

    /// Conditions attached to no claim, over all articles.
    pub fn unattached_conditions(&self) -> usize {
        self.documents
            .iter()
            .map(|d| d.unattached_conditions.len())
            .sum()
    }

    /// Indices into [`Summary::actors`] of the actors who are the speaker of no claim.
    pub fn silent_actors(&self) -> Vec<usize> {
        (0..self.actors.len())
            .filter(|&i| self.actors.get(i).is_some_and(|a| a.claims == 0))
            .collect()
    }

    /// The colour of `tag` as the summary shows it.
    pub fn color_of(&self, tag: &str) -> Rgb {
        self.tags
            .iter()
            .find(|t| t.tag.as_str() == tag)
            .map_or(UNKNOWN_TAG_COLOR, |t| t.color)
    }

    /// The summary as GitHub-flavoured Markdown.
    pub fn to_markdown(&self) -> String {
        markdown::render(self)
    }

    /// The summary as one self-contained HTML page (inline CSS, no scripts, nothing fetched).
    pub fn to_html(&self) -> String {
        html::render(self)
    }
}
