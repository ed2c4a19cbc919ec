//! Words both renderers use, as plain text (each renderer escapes them its own way).

use std::collections::BTreeMap;

use super::{Actor, ActorKey, Claim, Condition, Side, Speaker, Summary, spelling};

/// The rules, in one paragraph for the reader (plain text: no markup characters).
pub(super) const RULES: &str = "Actors are grouped by the entity they are linked to, or else \
by name, ignoring case and spacing. A speaker is an actor linked to a claim by a relation \
(said by); a condition is linked to a claim by a relation (conditional on).";

/// Said after [`RULES`] when a summary takes several layers (only when asked to).
pub(super) const SEVERAL_LAYERS: &str = "Mentions from several layers add up: this summary \
counts each layer's copy of a span.";

/// The rules for `s`: [`RULES`], and [`SEVERAL_LAYERS`] when it takes more than one layer.
pub(super) fn rules(s: &Summary) -> String {
    if s.layers.len() > 1 {
        format!("{RULES} {SEVERAL_LAYERS}")
    } else {
        RULES.to_owned()
    }
}

/// The relation kind a speaker link has unless told otherwise.
const SAID_BY: &str = "said_by";
/// The relation kind a condition link has unless told otherwise.
const CONDITIONAL_ON: &str = "conditional_on";

/// `s` with its first letter in upper case.
pub(super) fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// An actor's kind: the entity's kind, `not linked` for actors grouped by name, `unknown
/// entity` for an entity the registry lacks.
pub(super) fn kind(actor: &Actor) -> &'static str {
    match (&actor.key, actor.kind) {
        (_, Some(kind)) => kind.label(),
        (ActorKey::Entity(_), None) => "unknown entity",
        (ActorKey::Name(_), None) => "not linked",
    }
}

/// The name of actor `index` of the summary.
pub(super) fn actor_name(s: &Summary, index: usize) -> String {
    s.actors
        .get(index)
        .map_or_else(|| "?".to_owned(), |a| a.name.clone())
}

/// A speaker: the actor's name, and what to add in parentheses: the mention's words (in
/// typographic quotes) when they differ from the name, and `by KIND` when the relation is not
/// `said_by`.
pub(super) fn speaker(s: &Summary, sp: &Speaker) -> (String, Vec<String>) {
    let name = actor_name(s, sp.actor);
    let mut extra = Vec::new();
    let words = spelling(&sp.mention.quote);
    if words != name {
        extra.push(format!("“{words}”"));
    }
    if sp.kind.as_str() != SAID_BY {
        extra.push(format!("by {}", sp.kind));
    }
    (name, extra)
}

/// A condition: its words, and `by KIND` to add in parentheses when the relation is not
/// `conditional_on`.
pub(super) fn condition(c: &Condition) -> (String, Vec<String>) {
    let mut extra = Vec::new();
    if c.kind.as_str() != CONDITIONAL_ON {
        extra.push(format!("by {}", c.kind));
    }
    (c.mention.quote.clone(), extra)
}

/// `main (extra, extra)`, each piece put through `each` (an escaper); `main` alone when there
/// is nothing extra.
pub(super) fn with_extra((main, extra): (String, Vec<String>), each: fn(&str) -> String) -> String {
    if extra.is_empty() {
        each(&main)
    } else {
        let extra: Vec<String> = extra.iter().map(|e| each(e)).collect();
        format!("{} ({})", each(&main), extra.join(", "))
    }
}

/// What the concepts section shows, in one paragraph (plain text: no markup characters).
pub(super) const CONCEPTS: &str = "The speakers of the claims coded with each concept, by the \
claim's stance: for (supports), against (opposes), neutral or unclear (any other stance, or \
none). A count follows an actor who makes more than one such claim.";

/// The header of the concepts table.
pub(super) const CONCEPT_COLUMNS: [&str; 5] =
    ["Concept", "Claims", "For", "Against", "Neutral or unclear"];

/// The actors of one side of a concept: each name, with its count of claims in parentheses
/// when it is more than one.
pub(super) fn side(s: &Summary, side: &[Side]) -> Vec<String> {
    side.iter()
        .map(|a| {
            let name = actor_name(s, a.actor);
            if a.claims > 1 {
                format!("{name} ({})", a.claims)
            } else {
                name
            }
        })
        .collect()
}

/// A claim's stance and concept as shown in its row (empty when not coded).
pub(super) fn codes(c: &Claim) -> (&str, &str) {
    (
        c.stance.as_ref().map_or("", |x| x.label.as_str()),
        c.concept.as_ref().map_or("", |x| x.label.as_str()),
    )
}

/// The legend of the actors × concepts table.
pub(super) const STANDS: &str = "Each speaking actor's claims on each concept, by stance: + \
supports, − opposes, · another stance or none.";

/// The legend of the strongest ties.
pub(super) const TIES: &str = "Two actors agree on a concept when they take the same stance \
on it and conflict when they take different ones. A tie's weight multiplies the two actors' \
claims (two claims each make four pairs), summed over the concepts, as marginalia network \
--aggregation congruence (or conflict) counts it.";

/// How many of a tie's claims are quoted; the rest are counted.
pub(super) const TIE_QUOTES: usize = 4;

/// A cell of the actors × concepts table: `+2 −1 ·1`, counts of zero left out.
pub(super) fn stand(st: &super::Stand) -> String {
    [("+", st.supports), ("−", st.opposes), ("·", st.other)]
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(sign, n)| format!("{sign}{n}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The actors of the table's rows (those with a stand), in summary order, and the cell of
/// each actor and concept.
pub(super) fn stand_rows(s: &Summary) -> (Vec<usize>, BTreeMap<(usize, usize), String>) {
    let mut rows: Vec<usize> = s.stands.iter().map(|st| st.actor).collect();
    rows.sort_unstable();
    rows.dedup();
    let cells = s
        .stands
        .iter()
        .map(|st| ((st.actor, st.concept), stand(st)))
        .collect();
    (rows, cells)
}

/// A tie's concepts, and its first claims as (quote, speaker names) with how many more.
/// Every claim of the summary by its annotation id, made once for all the ties listed.
pub(super) fn claims_by_id(s: &Summary) -> BTreeMap<&crate::model::AnnotationId, &Claim> {
    s.documents
        .iter()
        .flat_map(|d| &d.claims)
        .map(|c| (&c.mention.id, c))
        .collect()
}

pub(super) fn tie_parts(
    s: &Summary,
    claims: &BTreeMap<&crate::model::AnnotationId, &Claim>,
    tie: &super::Tie,
) -> (Vec<String>, Vec<(String, String)>, usize) {
    let concepts = tie
        .concepts
        .iter()
        .filter_map(|&c| s.concepts.get(c).map(|c| c.concept.label.clone()))
        .collect();
    // One actor's claims, then the other's, taken in turn, so both are quoted.
    let by = |actor: usize| -> Vec<&Claim> {
        tie.claims
            .iter()
            .filter_map(|id| claims.get(id).copied())
            .filter(|c| c.speakers.iter().any(|sp| sp.actor == actor))
            .collect()
    };
    let (of_a, of_b) = (by(tie.a), by(tie.b));
    let mut turns: Vec<&Claim> = Vec::new();
    for i in 0..of_a.len().max(of_b.len()) {
        for list in [&of_a, &of_b] {
            if let Some(c) = list.get(i)
                && !turns.iter().any(|t| t.mention.id == c.mention.id)
            {
                turns.push(c);
            }
        }
    }
    let quoted = turns
        .into_iter()
        .take(TIE_QUOTES)
        .map(|c| {
            let who: Vec<String> = c
                .speakers
                .iter()
                .filter(|sp| sp.actor == tie.a || sp.actor == tie.b)
                .map(|sp| actor_name(s, sp.actor))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            (spelling(&c.mention.quote), who.join(", "))
        })
        .collect();
    (
        concepts,
        quoted,
        tie.claims.len().saturating_sub(TIE_QUOTES),
    )
}

/// What follows a tie's quotes when it rests on more claims than are quoted.
pub(super) fn more_claims(more: usize) -> String {
    match more {
        0 => String::new(),
        1 => "; and 1 more claim".to_owned(),
        n => format!("; and {n} more claims"),
    }
}
