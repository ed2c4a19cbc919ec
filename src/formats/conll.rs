//! CoNLL-2003 NER: one token per line, a blank line after each sentence, BIO labels.
//!
//! Each line is `token POS chunk label`, separated by one ASCII space, the layout of the
//! CoNLL-2003 files. We have no part-of-speech or chunk tags, so every token line says
//! `-X- O`: `-X-` is CoNLL-2003's own "no tag" (its document lines carry it), and `O` is the
//! chunk tag for "outside any chunk", which Hugging Face's `conll2003` chunk labels include.
//! Hugging Face's loader splits on single spaces and takes four columns; spaCy's
//! `spacy convert --converter ner` (`conll_ner_to_docs`) takes the first column as the word,
//! the second as the tag and the last as the label. Each document starts with the line
//! `-DOCSTART- -X- O O` and a blank line: Hugging Face skips any line that starts with
//! `-DOCSTART-`, and spaCy splits documents only on that exact line (CoNLL-2003's own
//! `-DOCSTART- -X- -X- O` would not split them there).
//!
//! Labels are `B-`/`I-` and the tag's id (`B-actor`; `B-ORG` for a tag read as `ORG`, as
//! imports keep the spelling of the names they read), `O` outside. Tokens are the document's ([`tokens::tokenize_by`]): for
//! an article read from CoNLL, the tokens it came with. The writer is in [`export`], the reader
//! in [`read`].

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::model::{Annotation, ByteOffset, DocumentMeta, Tokens};

use super::tokens::{self, Token};
use super::{
    DocPart, ExportError, ImportProblem, InAnnotation, InDoc, Incoming, LossKind, OffsetUnit,
    OutFile, OutPlace, Place, Report, Selection, input_files, read_text,
};

/// The line that starts every document.
const DOCSTART: &str = "-DOCSTART- -X- O O";
/// The part-of-speech and chunk columns of every token line.
const PLACEHOLDERS: &str = "-X- O";
/// The field counted when a token's characters had to be replaced.
const REPLACED: &str = "space or control character inside a token (written as U+FFFD)";
/// The field counted when a tag's label had to be respelled.
const TAG_RESPELLED: &str = "space or control character in a tag's label (written as _)";
/// The field counted when a token a document came with is cut at a span's edge.
const TOKEN_CUT: &str = "token read from CoNLL cut at a span's edge";

/// The codes (names of [`super::report::field`]) this format carries; the others are counted
/// as not carried.
pub(super) const CODES_CARRIED: &[&str] = &[];

/// Writes the selection as one CoNLL file.
///
/// BIO holds one label per token, so the writer picks which spans to write: in the order
/// earliest start, then the longest, then tag id (then annotation id), each span is written
/// unless it shares a character with one written before it (then it is reported as
/// [`LossKind::Overlap`] with that one). Discontinuous spans are reported as
/// [`LossKind::Discontinuous`], spans of nothing but white space as [`LossKind::NoToken`],
/// spans written without the white space at their edges as [`LossKind::Trimmed`], every
/// relation as not written (CoNLL has none), and notes, entities (with their details), status
/// and the documents' metadata as fields not carried. A sentence boundary that falls inside a
/// written span is not written, so the span stays one.
pub(crate) fn export(
    sel: &Selection<'_>,
    step: &mut dyn FnMut(usize),
) -> Result<(Vec<OutFile>, Report), ExportError> {
    let mut report = Report::new("conll", None, sel.layers.clone());
    // Each document on its own (on all cores), then joined in order.
    let parts = super::per_document(sel, step, |part| {
        let mut out = String::new();
        let mut part_report = Report::default();
        let written = write_document(part, &mut out, &mut part_report);
        let entities: Vec<_> = written.iter().flat_map(|a| a.entity.clone()).collect();
        part_report.document_fields(part.doc, &[]);
        for r in &part.relations {
            let end = |id| sel.project.annotations.get(id);
            if let (Some(from), Some(to)) = (end(&r.from), end(&r.to)) {
                part_report.relation(r, from, to, "CoNLL has no relations");
            }
        }
        (out, part_report, entities)
    });
    let mut out = String::with_capacity(parts.iter().map(|(o, _, _)| o.len()).sum());
    let mut entities = BTreeSet::new();
    for (text, part_report, mentioned) in parts {
        out.push_str(&text);
        report.absorb(part_report);
        entities.extend(mentioned);
    }
    report.entity_fields(sel.project, &entities, &[]);
    report.documents = sel.docs.len();
    Ok((
        vec![OutFile {
            place: OutPlace::Main,
            text: out,
        }],
        report,
    ))
}

/// The spans of `part` that BIO can hold, in text order; every other one goes in the report.
fn choose<'p>(part: &DocPart<'p>, report: &mut Report) -> Vec<&'p Annotation> {
    let text = &part.doc.text;
    let mut candidates = part.annotations.clone();
    candidates.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let mut written: Vec<&Annotation> = Vec::new();
    for a in candidates {
        if a.fragments.len() > 1 {
            report.span(
                a,
                LossKind::Discontinuous {
                    fragments: a.fragments.len(),
                },
            );
            continue;
        }
        let blank = text
            .get(a.start().0..a.end().0)
            .is_none_or(|s| s.chars().all(char::is_whitespace));
        if blank {
            report.span(a, LossKind::NoToken);
            continue;
        }
        if let Some(w) = written
            .iter()
            .find(|w| w.start() < a.end() && a.start() < w.end())
        {
            report.span(
                a,
                LossKind::Overlap {
                    with: w.id.to_string(),
                },
            );
            continue;
        }
        written.push(a);
    }
    written
}

/// One token's label: outside, or the first or a following token of a span of `tag`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Bio<'a> {
    Out,
    Begin(&'a str),
    Inside(&'a str),
}

/// Writes `part` to `out` and returns the spans written (in full or trimmed).
fn write_document<'p>(
    part: &DocPart<'p>,
    out: &mut String,
    report: &mut Report,
) -> Vec<&'p Annotation> {
    let text = &part.doc.text;
    let rule = part.doc.meta.tokens;
    let written = choose(part, report);
    let cuts: Vec<ByteOffset> = written.iter().flat_map(|a| [a.start(), a.end()]).collect();
    let toks = tokens::tokenize_by(rule, text, &cuts);
    if rule == Tokens::Spaces {
        let uncut = tokens::tokenize_by(rule, text, &[]).len();
        for _ in uncut..toks.len() {
            report.field(TOKEN_CUT);
        }
    }
    // The tag's id, as every format writes it: an imported tag's id is the name its file
    // spelled (`ORG`), so `B-ORG` comes back as it came, and a CoNLL file names the tags
    // exactly as the jsonl, brat or CSV export of the same project does.
    let name = |a: &'p Annotation| a.tag.as_str();
    let mut labels = vec![Bio::Out; toks.len()];
    let mut labelled = Vec::with_capacity(written.len());
    for a in written {
        let Some(range) = tokens::covered(&toks, a.start()..a.end()) else {
            report.span(a, LossKind::NoToken);
            continue;
        };
        let exact = toks.get(range.start).is_some_and(|t| t.start == a.start())
            && toks.get(range.end - 1).is_some_and(|t| t.end == a.end());
        if exact {
            report.annotations += 1;
        } else {
            report.span(a, LossKind::Trimmed);
        }
        labelled.push(a);
        for (i, label) in labels
            .iter_mut()
            .enumerate()
            .take(range.end)
            .skip(range.start)
        {
            *label = if i == range.start {
                Bio::Begin(name(a))
            } else {
                Bio::Inside(name(a))
            };
        }
        if name(a).chars().any(unsafe_in_column) {
            report.field(TAG_RESPELLED);
        }
        report.fields_of(a, &[]);
    }
    out.push_str(DOCSTART);
    out.push_str("\n\n");
    let mut previous: Option<&Token> = None;
    for (token, label) in toks.iter().zip(&labels) {
        let new_sentence = previous.is_some_and(|p| p.sentence != token.sentence);
        if new_sentence && !matches!(label, Bio::Inside(_)) {
            out.push('\n');
        }
        let word = text.get(token.bytes()).unwrap_or("\u{fffd}");
        if word.chars().any(unsafe_in_column) {
            report.field(REPLACED);
        }
        out.extend(
            word.chars()
                .map(|c| if unsafe_in_column(c) { '\u{fffd}' } else { c }),
        );
        out.push(' ');
        out.push_str(PLACEHOLDERS);
        out.push(' ');
        let (prefix, tag) = match *label {
            Bio::Out => ("O", ""),
            Bio::Begin(tag) => ("B-", tag),
            Bio::Inside(tag) => ("I-", tag),
        };
        out.push_str(prefix);
        out.extend(
            tag.chars()
                .map(|c| if unsafe_in_column(c) { '_' } else { c }),
        );
        out.push('\n');
        previous = Some(token);
    }
    if previous.is_some() {
        out.push('\n');
    }
    labelled
}

/// Whether `c` could split a column or a line for some reader: Unicode white space (Rust's
/// `split_whitespace`, Python's `str.split()`), and control characters (Python's `split()`
/// also splits at U+001C–U+001F, and its `splitlines()` at U+001C–U+001E).
fn unsafe_in_column(c: char) -> bool {
    c.is_whitespace() || c.is_control()
}

/// Reads CoNLL files (2 or 4 columns, or any number from 2: the first is the token, the last
/// the label) in BIO, IOB1 or IOBES/BILOU.
///
/// CoNLL keeps neither the text nor offsets, so each document's text is rebuilt: its tokens
/// joined by one space, its sentences by a line break; offsets count code points of that
/// text, and the document's tokens are [`Tokens::Spaces`], so an export writes these tokens
/// again. Middle columns (part of speech, chunk) are not kept, and labels in IOB1 or IOBES
/// form are written back in BIO: the import's notes count both. `-DOCSTART-` lines start a new document (a file without them is one document),
/// titled after the file (with a number when it holds several). An `I-` (or `E-`/`L-`)
/// that does not continue a span of its tag starts a new one, as seqeval reads it. A line
/// with one column or a label that is not `O` or a known prefix and a tag is a problem at
/// its file and line; its token is kept as outside any span.
pub(crate) fn read(inputs: &[PathBuf]) -> Incoming {
    let mut incoming = Incoming::default();
    let files = input_files(
        inputs,
        &["conll", "iob", "bio", "txt"],
        &mut incoming.problems,
    );
    for file in files {
        if let Some(text) = read_text(&file, &mut incoming.problems) {
            read_file(&file, &text, &mut incoming);
        }
    }
    incoming
}

/// A label read from the last column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Label<'a> {
    /// `O`.
    Out,
    /// `B-x`: starts a span.
    Begin(&'a str),
    /// `I-x`: continues a span of `x`, or starts one.
    Inside(&'a str),
    /// `E-x` or `L-x`: ends a span of `x` (or is one on its own).
    End(&'a str),
    /// `S-x` or `U-x`: a span of one token.
    Single(&'a str),
}

fn parse_label(label: &str) -> Option<Label<'_>> {
    if label == "O" {
        return Some(Label::Out);
    }
    let (prefix, tag) = label.split_once('-')?;
    if tag.is_empty() {
        return None;
    }
    match prefix {
        "B" => Some(Label::Begin(tag)),
        "I" => Some(Label::Inside(tag)),
        "E" | "L" => Some(Label::End(tag)),
        "S" | "U" => Some(Label::Single(tag)),
        _ => None,
    }
}

/// A span being read: its tag, where it starts (bytes and code points) and its first line.
struct Open {
    tag: String,
    start: (usize, usize),
    line: usize,
}

/// One document being rebuilt from its token lines.
struct Builder {
    place: Place,
    text: String,
    chars: usize,
    /// Whether the next token starts a sentence.
    sentence_start: bool,
    open: Option<Open>,
    annotations: Vec<InAnnotation>,
    /// Labels a CoNLL export writes otherwise (IOB1's `I-` that starts a span, IOBES).
    relabelled: usize,
}

impl Builder {
    fn new(place: Place) -> Self {
        Self {
            place,
            text: String::new(),
            chars: 0,
            sentence_start: true,
            open: None,
            annotations: Vec::new(),
            relabelled: 0,
        }
    }

    /// Ends the open span, if any, at the end of the text so far.
    fn close(&mut self, file: &Path) {
        let Some(open) = self.open.take() else {
            return;
        };
        let quote = self.text.get(open.start.0..).map(str::to_owned);
        self.annotations.push(InAnnotation {
            key: format!("s{}", self.annotations.len() + 1),
            place: Place::line(file, open.line),
            label: open.tag,
            fragments: vec![(open.start.1, self.chars)],
            quote,
            ..InAnnotation::default()
        });
    }

    fn sentence_break(&mut self, file: &Path) {
        self.close(file);
        self.sentence_start = true;
    }

    /// Appends `token` with `label`, read at `line`.
    fn token(&mut self, file: &Path, line: usize, token: &str, label: Label<'_>) {
        let continues = |tag: &str| self.open.as_ref().is_some_and(|o| o.tag == tag);
        // (whether it starts a span, the span's tag, whether it ends it)
        let (start, tag, end) = match label {
            Label::Out => (false, None, true),
            Label::Begin(t) => (true, Some(t), false),
            Label::Inside(t) => (!continues(t), Some(t), false),
            Label::End(t) => (!continues(t), Some(t), true),
            Label::Single(t) => (true, Some(t), true),
        };
        let bio = match label {
            Label::Out | Label::Begin(_) => true,
            Label::Inside(_) => !start,
            Label::End(_) | Label::Single(_) => false,
        };
        if !bio {
            self.relabelled += 1;
        }
        if start || tag.is_none() {
            self.close(file);
        }
        if !self.text.is_empty() {
            self.text.push(if self.sentence_start { '\n' } else { ' ' });
            self.chars += 1;
        }
        self.sentence_start = false;
        if start && let Some(tag) = tag {
            self.open = Some(Open {
                tag: tag.to_owned(),
                start: (self.text.len(), self.chars),
                line,
            });
        }
        self.text.push_str(token);
        self.chars += token.chars().count();
        if end {
            self.close(file);
        }
    }

    /// The document, and how many of its labels a CoNLL export writes otherwise.
    fn finish(mut self, file: &Path) -> (Option<InDoc>, usize) {
        self.close(file);
        let doc = (!self.text.is_empty()).then(|| InDoc {
            place: self.place,
            text: self.text,
            unit: OffsetUnit::CodePoints,
            annotations: self.annotations,
            meta: DocumentMeta {
                tokens: Tokens::Spaces,
                ..DocumentMeta::default()
            },
            ..InDoc::default()
        });
        (doc, self.relabelled)
    }
}

fn read_file(file: &Path, source: &str, incoming: &mut Incoming) {
    let mut docs = Vec::new();
    let mut doc = Builder::new(Place::file(file));
    let mut relabelled = 0;
    let mut middle = 0;
    for (i, raw) in source.split('\n').enumerate() {
        let line = i + 1;
        let columns: Vec<&str> = raw.split_whitespace().collect();
        let Some((&first, rest)) = columns.split_first() else {
            doc.sentence_break(file);
            continue;
        };
        if first == "-DOCSTART-" {
            let next = Builder::new(Place::line(file, line));
            let (done, n) = std::mem::replace(&mut doc, next).finish(file);
            docs.extend(done);
            relabelled += n;
            continue;
        }
        if rest.len() > 1 && rest.get(..rest.len() - 1) != Some(&["-X-", "O"]) {
            middle += 1;
        }
        let Some(&last) = rest.last() else {
            incoming.problems.push(ImportProblem::new(
                Place::line(file, line),
                format!(
                    "expected a token and its label separated by white space, found only {first:?}"
                ),
            ));
            doc.token(file, line, first, Label::Out);
            continue;
        };
        let label = parse_label(last).unwrap_or_else(|| {
            incoming.problems.push(ImportProblem::new(
                Place::line(file, line),
                format!(
                    "expected the label O, or B-, I-, E-, S-, L- or U- and a tag, found {last:?}"
                ),
            ));
            Label::Out
        });
        doc.token(file, line, first, label);
    }
    let (done, n) = doc.finish(file);
    docs.extend(done);
    relabelled += n;
    if middle > 0 {
        incoming.notes.push(format!(
            "{}: the middle columns (part of speech, chunk …) of {middle} token lines are not kept; a CoNLL export writes \"{PLACEHOLDERS}\" there",
            file.display()
        ));
    }
    if relabelled > 0 {
        incoming.notes.push(format!(
            "{}: {relabelled} labels in IOB1 or IOBES form (an I- that starts a span; E-, L-, S-, U-) read as spans; a CoNLL export writes them in BIO (B- first, then I-)",
            file.display()
        ));
    }
    if docs.is_empty() {
        incoming.problems.push(ImportProblem::new(
            Place::file(file),
            "no token lines: expected one token and its label per line",
        ));
    }
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "conll".to_owned());
    let several = docs.len() > 1;
    for (i, mut d) in docs.into_iter().enumerate() {
        d.meta.title = if several {
            format!("{stem} {}", i + 1)
        } else {
            stem.clone()
        };
        incoming.documents.push(d);
    }
}

#[cfg(test)]
#[path = "conll_tests.rs"]
mod tests;
