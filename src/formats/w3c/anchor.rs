//! Placing a target's selectors on an article's text.
//!
//! The model's text selectors count Unicode code points ("The selection of the text MUST be in
//! terms of unicode code points (the "character number"), not in terms of code units", §4.2.4
//! and §4.2.5), and so does everything this module returns; inside, it works in bytes of the
//! UTF-8 text and converts once, through [`TextIndex`].
//!
//! - `TextQuoteSelector`: every occurrence of `exact` on grapheme boundaries, narrowed by
//!   `prefix` and `suffix` (exactly, else with runs of white space evened out). One left: it.
//!   Several: the one a `TextPositionSelector` of the same list points at, or the nearest to
//!   it; without one, a problem (the model would select all of them; Marginalia will not tag
//!   every occurrence of a word on a guess).
//! - `TextPositionSelector`: `start`–`end` code points from the start of its scope.
//! - `RangeSelector`: from the start of `startSelector` to the start of `endSelector`.
//! - `FragmentSelector` with an RFC 5147 `char=a,b` value: those code points.
//! - `refinedBy`: the refinement inside what its selector selected. A quote refining a
//!   selector that plain text cannot resolve (an HTML fragment, an XPath) is searched in the
//!   whole text, and the report says so; positions refining one cannot be placed.
//!
//! A list of selectors is a list of alternatives: the first that resolves is taken (the report
//! says when it was not the first). A position that does not hold the quote of a quote
//! selector of the same list does not count as resolved: the mismatch is reported and the quote
//! places the span, as annotation clients do with positions gone stale.

use serde_json::Value;

use crate::model::{ByteOffset, CharOffset, TextIndex, is_grapheme_boundary};

/// An article's text, indexed for conversions.
pub(super) struct Text<'a> {
    pub(super) text: &'a str,
    index: TextIndex,
}

impl<'a> Text<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Self {
            text,
            index: TextIndex::new(text),
        }
    }

    fn chars(&self, b: usize) -> usize {
        self.index.byte_to_char(ByteOffset(b)).map_or(0, |c| c.0)
    }

    fn byte(&self, c: usize) -> Option<usize> {
        self.index.char_to_byte(CharOffset(c)).ok().map(|b| b.0)
    }

    /// The text from code point `start` to `end` (empty if they do not fit).
    pub(super) fn slice(&self, start: usize, end: usize) -> &'a str {
        match (self.byte(start), self.byte(end)) {
            (Some(s), Some(e)) => self.text.get(s..e).unwrap_or_default(),
            _ => "",
        }
    }

    fn boundary(&self, b: usize) -> bool {
        is_grapheme_boundary(self.text, ByteOffset(b))
    }
}

/// What a target's selectors came to.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Placed {
    /// A span, in code points, with what the report should say about how it was found.
    Span {
        start: usize,
        end: usize,
        notes: Vec<Adjusted>,
    },
    /// None of the selectors selects text (the types it has, in order).
    NotText(Vec<String>),
    /// Text selectors that count from inside a selector plain text cannot resolve (its type).
    Unresolvable(String),
    /// Text selectors that do not fit the text (why): a problem.
    Failed(String),
}

/// Something the report says about how a span was placed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Adjusted {
    /// Placed by a later selector of the list; the earlier ones could not be resolved.
    LaterSelector(String),
    /// A position did not hold the quote; placed by the quote.
    PositionMismatch,
    /// The quote's context matched only with white space evened out.
    LooseContext,
    /// Several occurrences: the one nearest the position selector was taken.
    NearestToPosition,
    /// A quote refining an unresolvable selector was searched in the whole text.
    WholeText(String),
}

/// Why a selector gave no span.
enum Why {
    /// It does not select text at all (its type).
    NotText(String),
    /// It would select text, but inside a selector plain text cannot resolve (its type).
    Unresolvable(String),
    /// It selects text, but not in this text.
    Failed(String),
}

/// The `type` of a selector (the first, if it lists several).
pub(super) fn kind(s: &Value) -> &str {
    match s.get("type") {
        Some(Value::String(t)) => t,
        Some(Value::Array(list)) => list.iter().find_map(Value::as_str).unwrap_or("?"),
        _ => "a selector without a type",
    }
}

/// Whether a selector, or one refining it, selects text.
pub(super) fn selects_text(s: &Value) -> bool {
    let own = match kind(s) {
        "TextQuoteSelector" | "TextPositionSelector" => true,
        "FragmentSelector" => char_fragment(s).is_some(),
        "RangeSelector" => ["startSelector", "endSelector"]
            .iter()
            .any(|k| s.get(*k).is_some_and(selects_text)),
        _ => false,
    };
    own || s.get("refinedBy").is_some_and(selects_text)
}

/// Places a target's selectors (alternatives, in order) on `text`.
pub(super) fn place(text: &Text<'_>, selectors: &[&Value]) -> Placed {
    if !selectors.iter().any(|s| selects_text(s)) {
        return Placed::NotText(selectors.iter().map(|s| kind(s).to_owned()).collect());
    }
    let whole = 0..text.text.len();
    let exact = selectors
        .iter()
        .find(|s| kind(s) == "TextQuoteSelector")
        .and_then(|s| s.get("exact"))
        .and_then(Value::as_str);
    let hint = selectors
        .iter()
        .find(|s| kind(s) == "TextPositionSelector")
        .and_then(|s| number(s, "start"))
        .and_then(|c| text.byte(c));
    let mut notes = Vec::new();
    let mut failed = Vec::new();
    let mut unresolvable = Vec::new();
    let mut mismatch = false;
    for (i, s) in selectors.iter().enumerate() {
        match one(text, s, whole.clone(), hint, false, &mut notes) {
            Ok(span) => {
                let slice = text.text.get(span.clone()).unwrap_or_default();
                if kind(s) != "TextQuoteSelector"
                    && let Some(exact) = exact
                    && slice != exact
                {
                    mismatch = true;
                    failed.push(format!(
                        "its {} selects {slice:?}, not the quote {exact:?}",
                        kind(s)
                    ));
                    continue;
                }
                if !(text.boundary(span.start) && text.boundary(span.end)) {
                    failed.push(format!(
                        "its {} starts or ends inside a character sequence shown as one (a grapheme cluster such as an emoji or an accented letter)",
                        kind(s)
                    ));
                    continue;
                }
                // A position later in the list is checked against what the quote placed.
                let stale = selectors.iter().skip(i + 1).any(|p| {
                    kind(p) == "TextPositionSelector"
                        && one(text, p, whole.clone(), None, false, &mut Vec::new()).ok()
                            != Some(span.clone())
                });
                if mismatch || stale {
                    notes.push(Adjusted::PositionMismatch);
                } else if i > 0 {
                    notes.push(Adjusted::LaterSelector(
                        selectors
                            .first()
                            .map(|f| kind(f).to_owned())
                            .unwrap_or_default(),
                    ));
                }
                return Placed::Span {
                    start: text.chars(span.start),
                    end: text.chars(span.end),
                    notes,
                };
            }
            Err(Why::Failed(m)) => failed.push(m),
            Err(Why::Unresolvable(m)) => unresolvable.push(m),
            Err(Why::NotText(_)) => {}
        }
    }
    if failed.is_empty() {
        Placed::Unresolvable(unresolvable.first().cloned().unwrap_or_default())
    } else {
        Placed::Failed(failed.join("; "))
    }
}

fn number(s: &Value, key: &str) -> Option<usize> {
    s.get(key)?.as_u64().and_then(|n| usize::try_from(n).ok())
}

/// The code points an RFC 5147 `char=a,b` (or `char=a`) fragment names.
fn char_fragment(s: &Value) -> Option<(usize, usize)> {
    let value = s.get("value")?.as_str()?.trim();
    let range = value.strip_prefix("char=")?;
    let (a, b) = match range.split_once(',') {
        Some((a, b)) => (a.parse().ok()?, b.parse().ok()?),
        None => {
            let a = range.parse().ok()?;
            (a, a)
        }
    };
    Some((a, b))
}

/// One selector inside `scope` (bytes of the text), then its refinements.
fn one(
    text: &Text<'_>,
    s: &Value,
    scope: std::ops::Range<usize>,
    hint: Option<usize>,
    point: bool,
    notes: &mut Vec<Adjusted>,
) -> Result<std::ops::Range<usize>, Why> {
    let own = match kind(s) {
        "TextQuoteSelector" => quote(text, s, scope.clone(), hint, notes),
        "TextPositionSelector" => {
            let (Some(start), Some(end)) = (number(s, "start"), number(s, "end")) else {
                return Err(Why::Failed(
                    "a TextPositionSelector needs whole numbers start and end".into(),
                ));
            };
            positions(
                text,
                scope.clone(),
                start,
                end,
                point,
                "TextPositionSelector",
            )
        }
        "FragmentSelector" => match char_fragment(s) {
            Some((start, end)) => positions(text, scope.clone(), start, end, point, "char="),
            None => Err(Why::NotText("FragmentSelector".into())),
        },
        // Hypothesis' own RangeSelector holds DOM paths (`startContainer` …), not selectors.
        "RangeSelector" if s.get("startSelector").is_none() || s.get("endSelector").is_none() => {
            Err(Why::NotText("RangeSelector of DOM positions".into()))
        }
        "RangeSelector" => {
            let end_of = |key: &str, notes: &mut Vec<Adjusted>| match s.get(key) {
                Some(e) => one(text, e, scope.clone(), hint, true, notes),
                None => Err(Why::Failed(format!("a RangeSelector needs a {key}"))),
            };
            match (end_of("startSelector", notes), end_of("endSelector", notes)) {
                (Ok(a), Ok(b)) if a.start < b.start => Ok(a.start..b.start),
                (Ok(_), Ok(_)) => Err(Why::Failed(
                    "a RangeSelector whose end does not come after its start".into(),
                )),
                (Err(e), _) | (_, Err(e)) => Err(match e {
                    Why::NotText(t) => Why::Unresolvable(t),
                    other => other,
                }),
            }
        }
        other => Err(Why::NotText(other.to_owned())),
    };
    let Some(refined) = s.get("refinedBy") else {
        return own;
    };
    match own {
        Ok(inner) => one(text, refined, inner, hint, point, notes),
        Err(Why::NotText(outer) | Why::Unresolvable(outer))
            if kind(refined) == "TextQuoteSelector" =>
        {
            let found = one(text, refined, scope, hint, point, notes)?;
            notes.push(Adjusted::WholeText(outer));
            Ok(found)
        }
        Err(Why::NotText(outer) | Why::Unresolvable(outer)) if selects_text(refined) => {
            Err(Why::Unresolvable(outer))
        }
        Err(e) => Err(e),
    }
}

/// Code points `start`–`end` counted from the start of `scope`, as bytes.
fn positions(
    text: &Text<'_>,
    scope: std::ops::Range<usize>,
    start: usize,
    end: usize,
    point: bool,
    what: &str,
) -> Result<std::ops::Range<usize>, Why> {
    if end < start || (end == start && !point) {
        return Err(Why::Failed(format!(
            "its {what} {start}–{end} is empty or reversed"
        )));
    }
    let base = text.chars(scope.start);
    let len = text.chars(scope.end) - base;
    let at = |c: usize| base.checked_add(c).and_then(|c| text.byte(c));
    let (Some(s), Some(e)) = (at(start), at(end)) else {
        return Err(Why::Failed(format!(
            "its {what} {start}–{end} goes past the end of the text ({len} characters)"
        )));
    };
    if e > scope.end {
        return Err(Why::Failed(format!(
            "its {what} {start}–{end} goes past the end of what it refines ({len} characters)"
        )));
    }
    Ok(s..e)
}

/// Runs of white space as one space.
fn squash(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out
}

/// The occurrence of a quote selector's `exact` in `scope` (bytes).
fn quote(
    text: &Text<'_>,
    s: &Value,
    scope: std::ops::Range<usize>,
    hint: Option<usize>,
    notes: &mut Vec<Adjusted>,
) -> Result<std::ops::Range<usize>, Why> {
    let field = |k: &str| s.get(k).and_then(Value::as_str).unwrap_or_default();
    let (exact, prefix, suffix) = (field("exact"), field("prefix"), field("suffix"));
    if exact.is_empty() {
        return Err(Why::Failed(
            "a TextQuoteSelector needs a non-empty exact".into(),
        ));
    }
    let t = text.text;
    let hay = t.get(scope.clone()).unwrap_or_default();
    // Every occurrence, overlapping ones too, on grapheme boundaries.
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = hay.get(from..).and_then(|h| h.find(exact)) {
        let at = scope.start + from + i;
        if text.boundary(at) && text.boundary(at + exact.len()) {
            found.push(at);
        }
        from += i + hay[from + i..].chars().next().map_or(1, char::len_utf8);
    }
    if found.is_empty() {
        return Err(Why::Failed(format!(
            "the quote {exact:?} is not in the text"
        )));
    }
    let strict: Vec<usize> = found
        .iter()
        .copied()
        .filter(|&at| {
            t.get(..at).is_some_and(|b| b.ends_with(prefix))
                && t.get(at + exact.len()..)
                    .is_some_and(|a| a.starts_with(suffix))
        })
        .collect();
    let candidates = if strict.is_empty() {
        // Context copied from a rendered page often differs in white space only.
        let (p, x) = (squash(prefix), squash(suffix));
        let loose: Vec<usize> = found
            .iter()
            .copied()
            .filter(|&at| {
                let before = t.get(..at).unwrap_or_default();
                let keep = before
                    .char_indices()
                    .rev()
                    .nth(prefix.chars().count() * 2 + 8)
                    .map_or(0, |(i, _)| i);
                let after = t.get(at + exact.len()..).unwrap_or_default();
                let stop = after
                    .char_indices()
                    .nth(suffix.chars().count() * 2 + 8)
                    .map_or(after.len(), |(i, _)| i);
                squash(&before[keep..]).ends_with(&p) && squash(&after[..stop]).starts_with(&x)
            })
            .collect();
        if loose.is_empty() {
            return Err(Why::Failed(format!(
                "the quote {exact:?} is in the text {} time{}, but never after {prefix:?} and before {suffix:?}",
                found.len(),
                if found.len() == 1 { "" } else { "s" }
            )));
        }
        notes.push(Adjusted::LooseContext);
        loose
    } else {
        strict
    };
    let at = match candidates.as_slice() {
        [one] => *one,
        many => {
            let nearest = hint.and_then(|h| {
                let mut by: Vec<(usize, usize)> =
                    many.iter().map(|&at| (at.abs_diff(h), at)).collect();
                by.sort_unstable();
                match by.as_slice() {
                    [(0, at), ..] => Some((*at, false)),
                    [(d, at), (d2, _), ..] if d < d2 => Some((*at, true)),
                    _ => None,
                }
            });
            match nearest {
                Some((at, moved)) => {
                    if moved {
                        notes.push(Adjusted::NearestToPosition);
                    }
                    at
                }
                None => {
                    let places: Vec<String> =
                        many.iter().map(|&at| text.chars(at).to_string()).collect();
                    return Err(Why::Failed(format!(
                        "the quote {exact:?} is in the text {} times with the same context (at characters {}); a longer prefix or suffix, or a TextPositionSelector, would tell them apart",
                        many.len(),
                        places.join(", ")
                    )));
                }
            }
        }
    };
    Ok(at..at + exact.len())
}
