//! An annotation's targets: which article each points at and where in its text.
//!
//! A target is a string (a whole resource), an object with `source` and `selector` (a
//! specific resource; RecogitoJS leaves the source out), an object with an `id` only (a whole
//! resource), or a `Composite`, `List` or `Independents` of such (their `items`). The source is
//! matched to an article of the project by the SHA-256 of its text (`urn:sha256:`, what our
//! export writes), else by URL (the article's `url`, compared without fragment, trailing slash
//! and the difference between `http` and `https`), else by title (the source's `label` or
//! `title`, or a Hypothesis annotation's `document.title`), else, when the project has exactly
//! one article, that article.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::Document;

use super::anchor::{Adjusted, Placed, Text, kind, place, selects_text};

/// A target as read.
pub(super) struct TargetIn<'v> {
    /// The source's IRI, if the target names one.
    pub(super) source: Option<String>,
    /// The source's title, if the file gives one.
    pub(super) title: Option<String>,
    /// The selectors, in order (empty for a whole resource).
    pub(super) selectors: Vec<&'v Value>,
}

impl TargetIn<'_> {
    pub(super) fn selects_text(&self) -> bool {
        self.selectors.iter().any(|s| selects_text(s))
    }
}

/// A value that is one item or a list of them, as a list.
pub(super) fn many(value: Option<&Value>) -> Vec<&Value> {
    match value {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(list)) => list.iter().collect(),
        Some(one) => vec![one],
    }
}

fn iri(value: &Value) -> Option<&str> {
    match value {
        Value::String(s) => Some(s),
        Value::Object(obj) => obj.get("id").and_then(Value::as_str),
        _ => None,
    }
}

/// The targets of an annotation object, with `uri` and `title` (a Hypothesis annotation's) as
/// the source and title of targets that give none.
pub(super) fn targets<'v>(
    target: Option<&'v Value>,
    uri: Option<&str>,
    title: Option<&str>,
) -> Vec<TargetIn<'v>> {
    let mut out = Vec::new();
    for t in many(target) {
        collect(t, &mut out);
    }
    for t in &mut out {
        if t.source.is_none() && !t.selectors.is_empty() {
            t.source = uri.map(str::to_owned);
        }
        if t.title.is_none() {
            t.title = title.map(str::to_owned);
        }
    }
    out
}

fn collect<'v>(t: &'v Value, out: &mut Vec<TargetIn<'v>>) {
    match t {
        Value::Object(obj) => {
            if let Some(Value::Array(items)) = obj.get("items") {
                for item in items {
                    collect(item, out);
                }
                return;
            }
            let source = obj.get("source");
            let title = source
                .and_then(|s| s.get("label").or_else(|| s.get("title")))
                .and_then(Value::as_str)
                .map(str::to_owned);
            out.push(TargetIn {
                source: source.and_then(iri).map(str::to_owned).or_else(|| {
                    // A target without a source and selector is the resource itself.
                    obj.get("selector")
                        .is_none()
                        .then(|| iri(t).map(str::to_owned))
                        .flatten()
                }),
                title,
                selectors: many(obj.get("selector")),
            });
        }
        other => out.push(TargetIn {
            source: iri(other).map(str::to_owned),
            title: None,
            selectors: Vec::new(),
        }),
    }
}

/// The selector types of targets that select no text, for the report.
pub(super) fn kinds(targets: &[TargetIn<'_>]) -> String {
    let mut kinds: Vec<&str> = targets
        .iter()
        .flat_map(|t| &t.selectors)
        .map(|s| {
            if s.is_string() {
                "a selector by reference"
            } else {
                kind(s)
            }
        })
        .collect();
    kinds.dedup();
    kinds.join(", ")
}

/// How a source was matched to an article.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Matched {
    /// By the SHA-256 of the text.
    Hash,
    /// By the article's URL.
    Url,
    /// By the article's title.
    Title,
    /// The project's only article.
    Only,
}

/// The project's articles, indexed for matching and placing.
pub(super) struct Articles<'a> {
    docs: &'a [Document],
    hashes: Vec<String>,
    texts: BTreeMap<usize, Text<'a>>,
}

/// An IRI compared loosely: no fragment, no trailing slash, `https` as `http`, lower-case
/// scheme and host.
fn loose_url(s: &str) -> String {
    let s = s.trim();
    let s = s.split('#').next().unwrap_or(s);
    let s = s.trim_end_matches('/');
    let (scheme, rest) = s.split_once("://").unwrap_or(("", s));
    let scheme = match scheme.to_ascii_lowercase().as_str() {
        "https" => "http".to_owned(),
        other => other.to_owned(),
    };
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    format!("{scheme}://{}/{path}", host.to_ascii_lowercase())
}

fn loose_title(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl<'a> Articles<'a> {
    pub(super) fn new(docs: &'a [Document]) -> Self {
        Self {
            docs,
            hashes: docs.iter().map(Document::sha256).collect(),
            texts: BTreeMap::new(),
        }
    }

    /// The article a source names, if one does.
    pub(super) fn find(
        &self,
        source: Option<&str>,
        title: Option<&str>,
    ) -> Option<(usize, Matched)> {
        let unique = |hits: Vec<usize>| match hits.as_slice() {
            [one] => Some(*one),
            _ => None,
        };
        if let Some(iri) = source {
            if let Some(hash) = hash_of(iri) {
                return self
                    .hashes
                    .iter()
                    .position(|h| *h == hash)
                    .map(|i| (i, Matched::Hash));
            }
            let by = |same: &dyn Fn(&str) -> bool| -> Vec<usize> {
                self.docs
                    .iter()
                    .enumerate()
                    .filter(|(_, d)| d.meta.url.as_deref().is_some_and(same))
                    .map(|(i, _)| i)
                    .collect()
            };
            let found = unique(by(&|u: &str| u.trim() == iri.trim()))
                .or_else(|| unique(by(&|u: &str| loose_url(u) == loose_url(iri))));
            if let Some(i) = found {
                return Some((i, Matched::Url));
            }
        }
        if let Some(title) = title.filter(|t| !t.trim().is_empty()) {
            let hits = self
                .docs
                .iter()
                .enumerate()
                .filter(|(_, d)| loose_title(&d.meta.title) == loose_title(title))
                .map(|(i, _)| i)
                .collect();
            if let Some(i) = unique(hits) {
                return Some((i, Matched::Title));
            }
        }
        (self.docs.len() == 1).then_some((0, Matched::Only))
    }

    /// How many articles there are.
    pub(super) fn len(&self) -> usize {
        self.docs.len()
    }

    /// The SHA-256 of article `i`'s text.
    pub(super) fn hash(&self, i: usize) -> String {
        self.hashes.get(i).cloned().unwrap_or_default()
    }

    /// Places selectors on article `i`'s text; also the text's slice for each span.
    pub(super) fn place(&mut self, i: usize, selectors: &[&Value]) -> (Placed, String) {
        let Some(doc) = self.docs.get(i) else {
            return (Placed::Failed("no such article".into()), String::new());
        };
        let text = self.texts.entry(i).or_insert_with(|| Text::new(&doc.text));
        let placed = place(text, selectors);
        let slice = match &placed {
            Placed::Span { start, end, .. } => text.slice(*start, *end).to_owned(),
            _ => String::new(),
        };
        (placed, slice)
    }
}

/// The lower-case hex of a `urn:sha256:` IRI.
pub(super) fn hash_of(iri: &str) -> Option<String> {
    iri.strip_prefix("urn:sha256:")
        .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_ascii_lowercase)
}

/// What the report says, in words, about an adjustment.
pub(super) fn adjusted_words(a: &Adjusted) -> String {
    match a {
        Adjusted::LaterSelector(first) => format!(
            "placed by a later selector of their list (the first, {first}, cannot be resolved on plain text)"
        ),
        Adjusted::PositionMismatch => {
            "whose TextPositionSelector does not hold their quote, so they were placed by the quote".into()
        }
        Adjusted::LooseContext => {
            "whose quote's prefix or suffix matched only with white space evened out".into()
        }
        Adjusted::NearestToPosition => {
            "whose quote occurs several times with its context, so they were placed at the occurrence nearest their TextPositionSelector".into()
        }
        Adjusted::WholeText(outer) => format!(
            "whose quote refines a {outer}, which plain text cannot resolve, so it was searched in the whole text"
        ),
    }
}

/// An annotation's spans on one article (its index, or the hash of a text the project lacks):
/// fragments in code points and their quotes.
pub(super) type Spans = (Result<usize, String>, Vec<(usize, usize)>, Vec<String>);

/// Adds a span to the annotation's spans on `article`.
pub(super) fn push(
    placed: &mut Vec<Spans>,
    article: Result<usize, String>,
    span: (usize, usize),
    quote: String,
) {
    match placed.iter_mut().find(|(a, _, _)| *a == article) {
        Some((_, fragments, quotes)) => {
            fragments.push(span);
            quotes.push(quote);
        }
        None => placed.push((article, vec![span], vec![quote])),
    }
}

/// The position and quote of a target of ours whose text the project lacks (the planner
/// finds the text by its hash, or says it is missing).
pub(super) fn own_position(t: &TargetIn<'_>) -> Result<((usize, usize), String), String> {
    let num = |s: &Value, k: &str| s.get(k)?.as_u64().and_then(|n| usize::try_from(n).ok());
    let position = t
        .selectors
        .iter()
        .find(|s| kind(s) == "TextPositionSelector")
        .and_then(|s| Some((num(s, "start")?, num(s, "end")?)));
    let Some(position) = position else {
        return Err("a target has no TextPositionSelector with whole-number start and end, and its text is not in the project for a quote to be found in".into());
    };
    let exact = t
        .selectors
        .iter()
        .find(|s| kind(s) == "TextQuoteSelector")
        .and_then(|s| s.get("exact"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    Ok((position, exact.to_owned()))
}
