//! brat standoff: a folder with `<doc>.txt` (the text, byte for byte) and `<doc>.ann` (one
//! annotation per line) per document, plus `annotation.conf`, `visual.conf`, `tools.conf` and
//! `kb_shortcuts.conf`, so that brat itself can serve the folder.
//!
//! Offsets count Unicode code points, as brat (Python) does, with CRLF line ends counted as
//! two. The lines written:
//!
//! - `T3\tclaim 10 15;20 26\ttalks resume`: a span with its fragments; the text field is the
//!   fragments' texts joined by one space, which is what brat checks on load. brat's text field
//!   is one line, so a span that covers a line break is written as fragments cut around the
//!   line breaks (and reported).
//! - `R1\tsaid_by Arg1:T2 Arg2:T1`: a relation from `Arg1` to `Arg2`.
//! - `#1\tAnnotatorNotes T1\tline`: a note, one line per line of the note. brat's own viewer
//!   joins several notes on one annotation with a line break, so this is how brat shows a
//!   multi-line note; unlike an escape (`\n`), it cannot misread a backslash in a note written
//!   by someone else. The import joins the lines of one annotation's notes with `\n`.
//! - `N1\tReference T1 marginalia:e-macron\tEmmanuel Macron`: the actor an annotation mentions,
//!   by the project's entity id and canonical name (`tools.conf` declares the `marginalia`
//!   normalization resource), then `N2\tReference T1 Wikidata:Q3052772\tEmmanuel Macron` for
//!   each of the entity's knowledge-base references (`tools.conf` declares each resource).
//! - `A1\tStatus T1 Accepted`: a review status other than pending.
//! - `A2\tQuoted_directly T1`, `A3\tStance T1 supports`, `#4\tComment T1\ttext`: values of
//!   the annotation's attributes (see `attrs` for how each kind is written), declared in
//!   `annotation.conf`.
//! - After each `R` line, its note as `AnnotatorNotes` lines and its values, on the `R` id.
//!
//! - Events, when the project keeps the `annotation.conf` of the corpus it came from (see
//!   `kept`) and a span's type is one of its `[events]`: `T4\tBinding 298 303\tbinds`, the
//!   trigger, written once for all the events of that type on that text, then per event
//!   `E2\tBinding:T4 Theme:T2 Theme2:T3`, its links as the roles (named as they came, numbers
//!   kept), an argument that is an event by its `E` id. What is attached to the event is on
//!   the `E` id. `annotation.conf` is the kept one, plus what the data needs that it lacks.
//!
//! Events come in as events: each `E` line is a span of the event's type on its trigger's
//! text (a span of its own even when events share a trigger, which the import does not merge:
//! [`crate::formats::InAnnotation::distinct`]), its arguments relations named by their roles
//! (`Theme2` stays `Theme2`) from that span to the argument's span or, for an event, to that
//! event's span. The trigger's `T` line is not imported on its own; what names it (an
//! attribute, a note, a relation) names its first event. The folder's `annotation.conf` is
//! kept in the project's notes (one made from the events, for a folder without one).
//!
//! The import also reads what brat writes and Marginalia does not: equivalences
//! (`*`) become relations of that type between consecutive members. `A` lines, and the older
//! `M` lines (binary), are values of the span's or relation's attributes, checked against the
//! `[attributes]` of `annotation.conf`, which declare them on the types they attach to (valued
//! attributes whose values are a run of whole numbers come in as scales). `N` lines to other
//! resources are references of the span's entity, one named by the line's text (or the span's)
//! when no `marginalia` line names it. A note of a type other than `AnnotatorNotes` is a free
//! text value named by its type. Notes on relations are the relations' notes.

mod ann;
mod attrs;
mod conf;
mod kept;
mod read;

/// The codes (names of [`super::report::field`]) this format carries; the others are counted
/// as not carried. The writer counts the values it cannot write itself (see `attrs`).
pub(super) const CODES_CARRIED: &[&str] = &[
    super::report::field::ATTRIBUTE_VALUE,
    super::report::field::LINK_VALUE,
    super::report::field::LINK_NOTE,
    super::report::field::ENTITY_REFERENCE,
];

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_events;
mod write;

pub(crate) use read::read;
pub(crate) use write::export;

/// The attribute that carries the review status.
const STATUS: &str = "Status";

/// The normalization resource that names the project's entities.
const ENTITY_DB: &str = "marginalia";

/// The note type brat shows as the annotator's notes.
const NOTES: &str = "AnnotatorNotes";

/// Whether brat ends a line at `c`: brat reads `.ann` files line by line with Python's
/// `splitlines`, which breaks at all of these, so none may appear inside a line written.
fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\u{0b}'
            | '\u{0c}'
            | '\u{1c}'
            | '\u{1d}'
            | '\u{1e}'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// brat's storage form of a type name: ASCII letters, digits, `_` and `-` kept, anything else
/// made `_` (what brat's `normalize_to_storage_form` does to a label).
fn storage_form(name: &str) -> String {
    name.trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
