//! Identifiers: one string newtype per kind of thing, and fresh ids that stay unique across
//! files made independently on different machines (so merging never collides).

use serde::{Deserialize, Serialize};

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }
    };
}

string_id!(
    /// Identifies a document within a project.
    DocId
);
string_id!(
    /// Identifies an annotation; unique across independently made project files.
    AnnotationId
);
string_id!(
    /// Identifies a relation between two annotations.
    RelationId
);
string_id!(
    /// Identifies an entity of the actor registry.
    EntityId
);
string_id!(
    /// Identifies a reviewer's decision on a difference between layers.
    DecisionId
);
string_id!(
    /// Identifies a tag type of the schema (`actor`, `claim`, `condition` …).
    TagId
);
string_id!(
    /// Identifies a relation type of the schema (`said_by`, `conditional_on` …).
    RelationKindId
);

/// A fresh random id: `prefix`, a dash and 16 hex digits (64 random bits, so two analysts
/// tagging the same article on two machines never produce the same id).
pub fn fresh(prefix: &str) -> String {
    let mut bytes = [0u8; 8];
    // The OS random source does not fail on supported platforms; should it, the clock keeps
    // ids distinct within this process and the counter within this instant.
    if getrandom::fill(&mut bytes).is_err() {
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        bytes = (nanos ^ n.rotate_left(48)).to_be_bytes();
    }
    let mut id = String::with_capacity(prefix.len() + 17);
    id.push_str(prefix);
    id.push('-');
    for b in bytes {
        id.push_str(&format!("{b:02x}"));
    }
    id
}

#[cfg(test)]
mod tests {
    #[test]
    fn fresh_ids_differ_and_have_the_prefix() {
        let a = super::fresh("a");
        let b = super::fresh("a");
        assert_ne!(a, b);
        assert!(a.starts_with("a-") && a.len() == 18);
    }
}
