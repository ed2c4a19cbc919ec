//! Identifiers: one string newtype per kind of thing, and fresh ids that stay unique across
//! files made independently on different machines (so merging never collides).

use serde::{Deserialize, Serialize};

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
        )]
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

string_id!(
    /// Identifies an attribute declared on a tag or relation type (`stance`, `concept` …).
    AttributeId
);
string_id!(
    /// Identifies a codebook (`concepts` …).
    CodebookId
);
string_id!(
    /// Identifies a code of a codebook.
    CodeId
);
string_id!(
    /// Identifies an article variable of the project (`outlet`, `country` …).
    VariableId
);

/// A fresh random id: `prefix`, a dash and 16 hex digits (64 random bits, so two analysts
/// tagging the same article on two machines never produce the same id).
///
/// The bits come from SplitMix64 over a counter that starts at a random point taken once
/// from the operating system: the outputs of one process never repeat (SplitMix64 is a
/// bijection of the counter), and asking the system for every id (an import of 100,000
/// spans) would spend seconds in system calls.
pub fn fresh(prefix: &str) -> String {
    static STATE: std::sync::OnceLock<std::sync::atomic::AtomicU64> = std::sync::OnceLock::new();
    let state = STATE.get_or_init(|| {
        let mut seed = [0u8; 8];
        // The OS random source does not fail on supported platforms; should it, the clock
        // and the process id make the starting point.
        if getrandom::fill(&mut seed).is_err() {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64);
            seed = (nanos ^ u64::from(std::process::id()).rotate_left(40)).to_be_bytes();
        }
        std::sync::atomic::AtomicU64::new(u64::from_be_bytes(seed))
    });
    const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut z = state
        .fetch_add(GAMMA, std::sync::atomic::Ordering::Relaxed)
        .wrapping_add(GAMMA);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    let mut id = String::with_capacity(prefix.len() + 17);
    id.push_str(prefix);
    id.push('-');
    use std::fmt::Write as _;
    let _ = write!(id, "{z:016x}");
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
        let many: std::collections::HashSet<String> =
            (0..100_000).map(|_| super::fresh("a")).collect();
        assert_eq!(many.len(), 100_000, "no repeats");
        assert!(
            many.iter()
                .all(|id| id.len() == 18 && id[2..].chars().all(|c| c.is_ascii_hexdigit()))
        );
    }
}
