//! Articles: their text, metadata and per-annotator progress.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::ids::DocId;

/// How far one annotator has got with one document.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum DocStatus {
    /// Not opened for annotation yet.
    #[default]
    NotStarted,
    /// Some annotation done.
    InProgress,
    /// The annotator has finished.
    Done,
    /// A reviewer has checked the annotations.
    Reviewed,
}

impl DocStatus {
    /// Words for the analyst.
    pub fn label(self) -> &'static str {
        match self {
            DocStatus::NotStarted => "not started",
            DocStatus::InProgress => "in progress",
            DocStatus::Done => "done",
            DocStatus::Reviewed => "reviewed",
        }
    }
}

/// How a document's text divides into tokens for the token formats (CoNLL, the jsonl token
/// list).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Tokens {
    /// Words as Unicode finds them (UAX #29), punctuation apart: an article's text.
    #[default]
    Words,
    /// The runs of characters between white space, one sentence per line: the text was
    /// rebuilt from a token-per-line file (CoNLL) by joining its tokens with spaces, and these
    /// are those tokens.
    Spaces,
}

impl Tokens {
    /// Whether this is the default, [`Tokens::Words`].
    pub fn is_words(&self) -> bool {
        *self == Tokens::Words
    }
}

/// Everything about a document except its text: what a metadata edit changes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocumentMeta {
    /// Headline or title.
    pub title: String,
    /// Publication or site.
    pub source: Option<String>,
    /// Author or authors.
    pub author: Option<String>,
    /// Publication date, ISO 8601 or a prefix of it (`2023`, `2023-04`, `2023-04-11`).
    pub published: Option<String>,
    /// Where the article was found.
    pub url: Option<String>,
    /// Progress per annotator.
    pub status: BTreeMap<String, DocStatus>,
    /// Values of the project's article variables (outlet, country …), as text checked
    /// against each variable's kind. (New in format version 6.)
    pub variables: BTreeMap<crate::model::VariableId, String>,
    /// How the text divides into tokens. (New in format version 7.)
    pub tokens: Tokens,
}

/// An article: its exact text and what is known about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// Identifier, unique in the project.
    pub id: DocId,
    /// Title, source, date and progress.
    pub meta: DocumentMeta,
    /// The text annotated: UTF-8 with LF line ends as taken in. Never modified by annotating.
    pub text: String,
}

impl Document {
    /// A document with this id, title and text.
    pub fn new(id: impl Into<DocId>, title: impl Into<String>, text: impl Into<String>) -> Self {
        Document {
            id: id.into(),
            meta: DocumentMeta {
                title: title.into(),
                ..DocumentMeta::default()
            },
            text: text.into(),
        }
    }

    /// The SHA-256 of the text, lower-case hex: what project files record to check themselves.
    pub fn sha256(&self) -> String {
        sha256_hex(&self.text)
    }
}

impl From<String> for DocId {
    fn from(s: String) -> Self {
        DocId(s)
    }
}

/// SHA-256 of `text`'s UTF-8 bytes as 64 lower-case hex digits.
pub fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut hex = String::with_capacity(64);
    for b in digest {
        hex.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
        hex.push(char::from_digit(u32::from(b & 15), 16).unwrap_or('0'));
    }
    hex
}

/// Whether `s` is an ISO 8601 date or a prefix of one: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
pub fn is_partial_iso_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    let num = |p: &str| p.parse::<u32>().unwrap_or(0);
    match parts.as_slice() {
        [y] => digits(y, 4),
        [y, m] => digits(y, 4) && digits(m, 2) && (1..=12).contains(&num(m)),
        [y, m, d] => {
            digits(y, 4)
                && digits(m, 2)
                && digits(d, 2)
                && jiff::civil::Date::new(num(y) as i16, num(m) as i8, num(d) as i8).is_ok()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_the_known_sha256() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn partial_dates() {
        for ok in ["2023", "2023-04", "2024-02-29"] {
            assert!(is_partial_iso_date(ok), "{ok}");
        }
        for bad in ["23", "2023-13", "2023-02-30", "April 2023", "2023-4-1", ""] {
            assert!(!is_partial_iso_date(bad), "{bad}");
        }
    }
}
