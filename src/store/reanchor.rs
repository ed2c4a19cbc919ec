//! Re-anchoring: when a document's text was corrected and an annotation's quote no longer sits
//! at its offsets, find the quote again — the occurrence nearest the old position — and move the
//! annotation there. What cannot be placed is reported, never dropped.

use crate::model::{ByteOffset, CharOffset, TextIndex, is_grapheme_boundary, sha256_hex};

use super::file::{AnnotationRecord, ProjectFile};

/// An annotation that moved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Moved {
    /// The annotation.
    pub id: String,
    /// Its document.
    pub doc: String,
    /// Old first offset (code points).
    pub from: usize,
    /// New first offset (code points).
    pub to: usize,
}

/// What re-anchoring did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReanchorReport {
    /// Annotations moved to their quote's nearest occurrence.
    pub moved: Vec<Moved>,
    /// Annotations whose quote is no longer in the text (left as they were).
    pub unplaced: Vec<String>,
    /// Documents whose recorded hash was updated to their current text.
    pub rehashed: Vec<String>,
}

/// Whether the annotation's quote is exactly what its fragments cover.
fn fits(a: &AnnotationRecord, text: &str, index: &TextIndex, delta: isize) -> bool {
    let mut quote = String::with_capacity(a.quote.len());
    for (i, &(start, end)) in a.fragments.iter().enumerate() {
        let shift = |c: usize| c.checked_add_signed(delta).map(CharOffset);
        let (Some(s), Some(e)) = (shift(start), shift(end)) else {
            return false;
        };
        let (Ok(s), Ok(e)) = (index.char_to_byte(s), index.char_to_byte(e)) else {
            return false;
        };
        if s >= e || !is_grapheme_boundary(text, s) || !is_grapheme_boundary(text, e) {
            return false;
        }
        if i > 0 {
            quote.push(' ');
        }
        quote.push_str(text.get(s.0..e.0).unwrap_or_default());
    }
    quote == a.quote
}

/// Byte offsets of every occurrence of `needle` in `text`, overlapping ones included ("aa"
/// occurs twice in "aaa").
fn occurrences<'t>(text: &'t str, needle: &'t str) -> impl Iterator<Item = usize> + 't {
    let mut from = 0;
    std::iter::from_fn(move || {
        let at = from + text.get(from..)?.find(needle)?;
        from = at + text.get(at..)?.chars().next()?.len_utf8();
        Some(at)
    })
}

/// Moves every annotation whose quote no longer matches to the nearest place where it does
/// (all fragments shifted together), and records the current hash of every document whose
/// text changed. Annotations that fit already are not touched.
pub fn reanchor(file: &mut ProjectFile) -> ReanchorReport {
    let mut report = ReanchorReport::default();
    for doc in &mut file.documents {
        let index = TextIndex::new(&doc.text);
        let text = doc.text.as_str();
        for a in file.annotations.iter_mut().filter(|a| a.doc == doc.id) {
            if a.fragments.is_empty() || fits(a, text, &index, 0) {
                continue;
            }
            let old_start = a.fragments.first().map_or(0, |f| f.0);
            // The first fragment's text is the start of the quote, as long as it was.
            let first_len = a.fragments.first().map_or(0, |f| f.1.saturating_sub(f.0));
            let first: String = a.quote.chars().take(first_len).collect();
            let best = if first.is_empty() {
                None
            } else {
                occurrences(text, &first)
                    .filter_map(|b| index.byte_to_char(ByteOffset(b)).ok())
                    .map(|c| c.0 as isize - old_start as isize)
                    .filter(|&delta| fits(a, text, &index, delta))
                    .min_by_key(|delta| (delta.unsigned_abs(), *delta))
            };
            match best {
                Some(delta) => {
                    for f in &mut a.fragments {
                        f.0 = f.0.saturating_add_signed(delta);
                        f.1 = f.1.saturating_add_signed(delta);
                    }
                    report.moved.push(Moved {
                        id: a.id.0.clone(),
                        doc: doc.id.0.clone(),
                        from: old_start,
                        to: old_start.saturating_add_signed(delta),
                    });
                }
                None => report.unplaced.push(a.id.0.clone()),
            }
        }
        let hash = sha256_hex(text);
        if hash != doc.sha256 {
            doc.sha256 = hash;
            report.rehashed.push(doc.id.0.clone());
        }
    }
    report
}
