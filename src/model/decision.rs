//! Adjudication: a reviewer's decision on one difference between annotators' layers, and what
//! it put into the reviewed layer.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::ids::{AnnotationId, DecisionId, DocId};

/// What the reviewer did with a difference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The annotators agreed; taken in the one-step "accept what they agree on".
    Agreed,
    /// One annotator's version taken.
    Accepted,
    /// Every annotator's version taken ("accept both").
    AcceptedAll,
    /// Nothing taken.
    Rejected,
    /// One version taken, then changed by the reviewer.
    Edited,
}

impl Verdict {
    /// Words for the analyst.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Agreed => "agreed",
            Verdict::Accepted => "accepted",
            Verdict::AcceptedAll => "accepted all",
            Verdict::Rejected => "rejected",
            Verdict::Edited => "edited",
        }
    }
}

/// Why the reviewer decided as they did (optional, for the codebook's next revision).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionReason {
    /// The span's extent was drawn differently.
    Boundary,
    /// The tag was chosen differently.
    Label,
    /// An annotator missed the span.
    Missed,
    /// The guidelines do not settle the case.
    GuidelineGap,
}

impl DecisionReason {
    /// Every reason, in the order offered.
    pub const ALL: [DecisionReason; 4] = [
        DecisionReason::Boundary,
        DecisionReason::Label,
        DecisionReason::Missed,
        DecisionReason::GuidelineGap,
    ];

    /// Words for the analyst.
    pub fn label(self) -> &'static str {
        match self {
            DecisionReason::Boundary => "boundary",
            DecisionReason::Label => "label",
            DecisionReason::Missed => "missed",
            DecisionReason::GuidelineGap => "guideline gap",
        }
    }
}

/// A reviewer's decision on one difference: which annotations it settles, what it took into
/// the reviewed layer, who proposed that, who decided, when and why.
///
/// The settled annotations are a record, not a reference: a colleague's later update may
/// remove one, and the decision stays as history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// Unique across independently made files.
    pub id: DecisionId,
    /// The document of the difference.
    pub doc: DocId,
    /// What was done.
    pub verdict: Verdict,
    /// The compared layers' annotations the decision settles.
    pub sources: Vec<AnnotationId>,
    /// What the reviewer saw of each source, in the order of `sources`: a fingerprint of its
    /// tag, span and values ([`fingerprint`]). A source whose tag, span or values differ now
    /// has changed since, and the decision no longer settles it; a new note, entity or review
    /// status does not reopen anything. (New in format version 4; empty in older files: then only the ids
    /// count.)
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seen: Vec<String>,
    /// The annotators whose layers were compared. (New in format version 4; empty in older
    /// files: then the annotators of the sources.)
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compared: Vec<String>,
    /// What went into the reviewed layer: each source taken and its reviewed copy.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub taken: Vec<(AnnotationId, AnnotationId)>,
    /// The annotators whose annotations were taken (for a rejection: whose were rejected).
    pub proposed_by: Vec<String>,
    /// The reviewer.
    pub decided_by: String,
    /// When.
    pub decided: Timestamp,
    /// Why, if the reviewer said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<DecisionReason>,
    /// The reviewer's comment.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub comment: String,
    /// For a *value differs* settled attribute by attribute: whose value each attribute took.
    /// (New in format version 6.)
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub values_from: BTreeMap<crate::model::AttributeId, String>,
}

impl Decision {
    /// Whether the decision settles `annotation` as it is now: it is among the sources and
    /// has not changed since the reviewer saw it.
    pub fn settles(&self, annotation: &crate::model::Annotation) -> bool {
        let Some(k) = self.sources.iter().position(|s| s == &annotation.id) else {
            return false;
        };
        self.seen
            .get(k)
            .is_none_or(|f| *f == fingerprint(annotation))
    }
}

/// What a decision remembers of an annotation: the tag, the byte ranges of its fragments and
/// its values, hashed (64-bit FNV-1a, 16 hex digits; stable across builds and machines).
pub fn fingerprint(annotation: &crate::model::Annotation) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    eat(annotation.tag.as_str().as_bytes());
    for f in &annotation.fragments {
        eat(b"\0");
        eat(&(f.start.0 as u64).to_le_bytes());
        eat(&(f.end.0 as u64).to_le_bytes());
    }
    // Values count since format version 6; an annotation without any hashes as before, so
    // the decisions of older files still settle what they settled.
    for (attribute, value) in &annotation.values {
        eat(b"\x01");
        eat(attribute.as_str().as_bytes());
        eat(b"=");
        match value {
            crate::model::Value::Flag => eat(b"flag"),
            crate::model::Value::Choice(ids) => {
                for id in ids {
                    eat(b"\x02");
                    eat(id.as_bytes());
                }
            }
            crate::model::Value::Scale(n) => eat(&i64::from(*n).to_le_bytes()),
            crate::model::Value::Text(t) => {
                eat(b"\x03");
                eat(t.as_bytes());
            }
            crate::model::Value::Code(c) => {
                eat(b"\x04");
                eat(c.as_str().as_bytes());
            }
        }
    }
    format!("{hash:016x}")
}
