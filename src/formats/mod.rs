//! Datasets in and out: exports other tools read back, imports from them.
//!
//! An export picks layers and documents ([`select`]), hands the [`Selection`] to the format's
//! writer, which returns the files as text and fills a [`Report`] of everything the format
//! could not carry; [`write`] then puts the files on disk. Nothing touches the disk until the
//! whole export has been built, so a failed export leaves nothing half-written.
//!
//! An import reads the input into the format-neutral [`Incoming`] (with every problem it met,
//! by file and line) and [`plan_import`] turns that into one [`Edit`](crate::model::Edit): all
//! or nothing unless problems may be skipped.

mod brat;
#[cfg(test)]
pub(crate) mod coded_fixture;
mod conll;
mod csv;
mod doccano;
#[cfg(test)]
pub(crate) mod fixture;
mod incoming;
mod jsonl;
mod jsonpos;
mod labelstudio;
mod network;
mod report;
mod select;
mod summary;
pub mod tokens;
mod values;
mod w3c;
mod webanno;

use std::path::{Path, PathBuf};

pub use crate::store::guard::Protected;

pub use doccano::Columns;
pub use incoming::{
    ImportFailure, ImportOptions, ImportPlan, ImportProblem, ImportReport, InAnnotation, InDoc,
    InEntity, InRelation, InRelationKind, InTag, Incoming, OffsetUnit, Place, plan_import,
};
pub(crate) use network::xml_escape;
pub use report::{Loss, LossKind, Report, field};
pub use select::{DocPart, LayerChoice, Selection, select};

use crate::model::{ByteOffset, DocId, Fragment, Project, TextIndex};

/// Every export and import format, by its command-line name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum)]
pub enum Format {
    /// One JSON object per document with text, spans, tokens, relations and entities.
    Jsonl,
    /// doccano's sequence-labelling JSONL, or its relation shape (reads a JSON array too).
    Doccano,
    /// CoNLL-2003 BIO: one token per line.
    Conll,
    /// A brat folder: `.txt` + `.ann` per document, with `annotation.conf` and `visual.conf`.
    Brat,
    /// Label Studio JSON tasks (code points).
    Labelstudio,
    /// WebAnno TSV 3.3 for INCEpTION (UTF-16 offsets), one file per document.
    Webanno,
    /// One CSV row per annotation, plus a relations file.
    Csv,
    /// W3C Web Annotation JSON-LD.
    W3c,
    /// The discourse network as GraphML.
    Graphml,
    /// The discourse network as CSV node and edge lists.
    NetworkCsv,
    /// The analyst's summary in Markdown.
    SummaryMd,
    /// The analyst's summary as one self-contained HTML page.
    SummaryHtml,
}

/// Whether an export is one file or a folder of files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// `-o` names a file (some formats add a sibling file beside it).
    File,
    /// `-o` names a folder, created if needed.
    Folder,
}

impl Format {
    /// Every format, in menu order.
    pub const ALL: [Format; 12] = [
        Format::Jsonl,
        Format::Doccano,
        Format::Conll,
        Format::Brat,
        Format::Labelstudio,
        Format::Webanno,
        Format::Csv,
        Format::W3c,
        Format::Graphml,
        Format::NetworkCsv,
        Format::SummaryMd,
        Format::SummaryHtml,
    ];

    /// The command-line name.
    pub fn name(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Doccano => "doccano",
            Format::Conll => "conll",
            Format::Brat => "brat",
            Format::Labelstudio => "labelstudio",
            Format::Webanno => "webanno",
            Format::Csv => "csv",
            Format::W3c => "w3c",
            Format::Graphml => "graphml",
            Format::NetworkCsv => "network-csv",
            Format::SummaryMd => "summary-md",
            Format::SummaryHtml => "summary-html",
        }
    }

    /// What the format is, for menus and `--help`.
    pub fn describe(self) -> &'static str {
        match self {
            Format::Jsonl => "JSON lines for spaCy and Prodigy (text, spans, tokens, relations)",
            Format::Doccano => "doccano JSONL (sequence labelling, or entities + relations)",
            Format::Conll => "CoNLL-2003 BIO, one token per line",
            Format::Brat => "brat standoff folder (.txt + .ann, annotation.conf, visual.conf)",
            Format::Labelstudio => "Label Studio JSON tasks (code points)",
            Format::Webanno => {
                "WebAnno TSV 3.3 for INCEpTION, one file per document (UTF-16 offsets)"
            }
            Format::Csv => "CSV, one row per annotation, plus a relations file",
            Format::W3c => "W3C Web Annotation JSON-LD",
            Format::Graphml => "discourse network as GraphML (Gephi, igraph, networkx)",
            Format::NetworkCsv => "discourse network as CSV node and edge lists",
            Format::SummaryMd => "summary: who claims what under which conditions (Markdown)",
            Format::SummaryHtml => "summary: who claims what under which conditions (HTML page)",
        }
    }

    /// Whether the format records who annotated each item, so that by default it takes every
    /// layer. The summaries and the network count mentions and claims, which several layers
    /// would count twice, so they take one layer as the datasets do (see [`LayerChoice`]).
    pub fn records_annotator(self) -> bool {
        matches!(self, Format::Csv | Format::Labelstudio | Format::W3c)
    }

    /// Whether `-o` is a file or a folder.
    pub fn output(self) -> Output {
        match self {
            // A WebAnno TSV file holds one document: INCEpTION imports each file as one.
            Format::Brat | Format::NetworkCsv | Format::Webanno => Output::Folder,
            _ => Output::File,
        }
    }

    /// The usual file extension of the output (none for folders).
    pub fn extension(self) -> Option<&'static str> {
        match self {
            Format::Jsonl | Format::Doccano => Some("jsonl"),
            Format::Conll => Some("conll"),
            Format::Labelstudio | Format::W3c => Some("json"),
            Format::Csv => Some("csv"),
            Format::Graphml => Some("graphml"),
            Format::SummaryMd => Some("md"),
            Format::SummaryHtml => Some("html"),
            Format::Brat | Format::NetworkCsv | Format::Webanno => None,
        }
    }

    /// The formats `import` reads.
    pub const IMPORTABLE: [Format; 7] = [
        Format::Brat,
        Format::Doccano,
        Format::Labelstudio,
        Format::Jsonl,
        Format::Conll,
        Format::W3c,
        Format::Webanno,
    ];

    /// Whether `import` reads this format.
    pub fn importable(self) -> bool {
        Self::IMPORTABLE.contains(&self)
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What to export.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// Which layers.
    pub layer: LayerChoice,
    /// Which documents (`None`: every one).
    pub documents: Option<Vec<DocId>>,
}

/// Where one output file goes, relative to the `-o` path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutPlace {
    /// The `-o` file itself.
    Main,
    /// Beside the `-o` file: its name with the extension replaced by this suffix
    /// (`out.csv` + `.relations.csv` → `out.relations.csv`).
    Sibling(&'static str),
    /// Inside the `-o` folder, at this relative path.
    Inside(String),
}

/// One file of an export, built in memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutFile {
    /// Where it goes.
    pub place: OutPlace,
    /// Its contents.
    pub text: String,
}

/// A finished export, not yet on disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Export {
    /// The files.
    pub files: Vec<OutFile>,
    /// What was written and what could not be carried.
    pub report: Report,
}

/// Why an export could not be made. Nothing was written.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    /// Several layers and no choice; the format writes one.
    #[error(
        "the project has several annotator layers ({}) and this format writes one: choose one with --annotator",
        layers.join(", ")
    )]
    ChooseLayer {
        /// The layers to choose from.
        layers: Vec<String>,
    },
    /// The named layer does not exist.
    #[error("there is no annotator layer {name:?}; the layers are: {}", if layers.is_empty() { "none".to_owned() } else { layers.join(", ") })]
    NoSuchLayer {
        /// The name asked for.
        name: String,
        /// The layers there are.
        layers: Vec<String>,
    },
    /// A document asked for is not in the project.
    #[error("there is no document {0} in the project")]
    NoSuchDocument(DocId),
    /// The format cannot be imported.
    #[error(
        "{0} cannot be imported; the import formats are brat, doccano, labelstudio, jsonl, conll, w3c and webanno"
    )]
    NotImportable(Format),
    /// `--text-key` or `--label-key` given for a format whose names are fixed.
    #[error(
        "--text-key and --label-key name doccano's columns; {0} has fixed names, so leave them out"
    )]
    NoColumns(Format),
    /// The data could not be encoded (a bug: report it).
    #[error("cannot encode the export: {0}")]
    Encode(String),
    /// A target may not be written (it is the project exported, its backup …).
    #[error("{0}")]
    Refused(String),
    /// Writing a file failed.
    #[error("{}: {message}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

/// Builds an export of `project` in `format`, in memory. `progress` is told how many
/// documents are done out of how many, after each one.
pub fn export(
    project: &Project,
    format: Format,
    options: &ExportOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Export, ExportError> {
    let mut sink = InMemory::default();
    let report = build(project, format, options, progress, &mut sink)?;
    Ok(Export {
        files: sink.files,
        report,
    })
}

/// Exports `project` in `format` to `out`, all or none, as [`export`] then [`write`] do, but
/// a format whose output is one large file (jsonl, W3C) writes it straight into its staged
/// file as each batch of documents is done: the export is never held whole in memory (at
/// corpus scale, 300 MB). The report says which files were written.
pub fn export_to(
    project: &Project,
    format: Format,
    options: &ExportOptions,
    out: &Path,
    protected: &Protected,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Report, ExportError> {
    export_to_with(
        project,
        format,
        options,
        out,
        protected,
        progress,
        &crate::store::stage_derived_with,
    )
}

/// [`export_to`], a streamed file staged with `stage` (tests make it fail, as a full disk
/// would).
fn export_to_with(
    project: &Project,
    format: Format,
    options: &ExportOptions,
    out: &Path,
    protected: &Protected,
    progress: &mut dyn FnMut(usize, usize),
    stage: &StageWith,
) -> Result<Report, ExportError> {
    if !streams(format) {
        let mut export = export(project, format, options, progress)?;
        write(out, &mut export, protected)?;
        return Ok(export.report);
    }
    if out.is_dir() {
        return Err(ExportError::Io {
            path: out.to_owned(),
            message: "is a folder; this format writes a file".into(),
        });
    }
    let mut sink = Staged {
        out,
        protected,
        stage,
        files: Vec::new(),
        made: Vec::new(),
    };
    let built = build(project, format, options, progress, &mut sink);
    let Staged { files, made, .. } = sink;
    let mut report = match built {
        Ok(report) => report,
        Err(e) => {
            drop(files); // the temporary files go
            undo_folders(&made);
            return Err(e);
        }
    };
    report.files = commit_all(out, files)?;
    report.folders_made = made.into_iter().filter(|d| !d.starts_with(out)).collect();
    Ok(report)
}

/// Whether the format's writer streams its one large file through a [`Sink`].
fn streams(format: Format) -> bool {
    matches!(format, Format::Jsonl | Format::W3c)
}

/// Where a format's writer puts the files it makes: in memory ([`export`]) or straight into
/// temporary files beside their targets ([`export_to`]).
pub(crate) trait Sink {
    /// Makes the file at `place`, its contents written by `fill`. An error writing them is
    /// [`ExportError::Io`] with an empty path, which the sink fills in.
    fn file(
        &mut self,
        place: OutPlace,
        fill: &mut dyn FnMut(&mut dyn std::io::Write) -> Result<(), ExportError>,
    ) -> Result<(), ExportError>;

    /// A file made whole in memory.
    fn put(&mut self, file: OutFile) -> Result<(), ExportError> {
        self.file(file.place, &mut |w| {
            w.write_all(file.text.as_bytes()).map_err(write_error)
        })
    }
}

/// An error writing into a [`Sink`]'s file, for the sink to name the file.
pub(crate) fn write_error(e: std::io::Error) -> ExportError {
    ExportError::Io {
        path: PathBuf::new(),
        message: e.to_string(),
    }
}

/// The files of [`export`], held in memory.
#[derive(Default)]
struct InMemory {
    files: Vec<OutFile>,
}

impl Sink for InMemory {
    fn file(
        &mut self,
        place: OutPlace,
        fill: &mut dyn FnMut(&mut dyn std::io::Write) -> Result<(), ExportError>,
    ) -> Result<(), ExportError> {
        let mut buf = Vec::new();
        fill(&mut buf)?;
        self.files.push(OutFile {
            place,
            text: utf8(buf)?,
        });
        Ok(())
    }
}

/// How [`Staged`] stages a file (tests make it fail, as a full disk would).
type StageWith = dyn Fn(
    &Path,
    &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<crate::store::StagedWrite, crate::store::StoreError>;

/// The files of [`export_to`], each written into a temporary file beside its target as it is
/// made, and put in place only when all are.
struct Staged<'a> {
    out: &'a Path,
    protected: &'a Protected,
    stage: &'a StageWith,
    files: Vec<(PathBuf, crate::store::StagedWrite)>,
    /// The folders made for them, to take away again if the export fails.
    made: Vec<PathBuf>,
}

impl Sink for Staged<'_> {
    fn file(
        &mut self,
        place: OutPlace,
        fill: &mut dyn FnMut(&mut dyn std::io::Write) -> Result<(), ExportError>,
    ) -> Result<(), ExportError> {
        let path = out_path(self.out, &place);
        check_target(&path, self.protected)?;
        self.made
            .extend(make_folders(std::slice::from_ref(&path), &self.made)?);
        // What `fill` fails with, kept whole: the stage sees only that it stopped.
        let mut failed = None;
        let staged = (self.stage)(&path, &mut |w| {
            fill(w).map_err(|e| {
                let message = e.to_string();
                failed = Some(e);
                std::io::Error::other(message)
            })
        });
        match (staged, failed) {
            (Ok(staged), _) => {
                self.files.push((path, staged));
                Ok(())
            }
            (Err(_), Some(ExportError::Io { path: p, message })) if p.as_os_str().is_empty() => {
                Err(io_error(
                    &path,
                    format!("cannot write: {message}; nothing was written"),
                ))
            }
            (Err(_), Some(e)) => Err(e),
            (Err(e), None) => Err(io_error(
                &path,
                format!("{}; nothing was written", without_path(&e)),
            )),
        }
    }
}

/// The report of a writer that made its files in memory, the files put into `sink`.
fn put_all(
    sink: &mut dyn Sink,
    (files, report): (Vec<OutFile>, Report),
) -> Result<Report, ExportError> {
    for file in files {
        sink.put(file)?;
    }
    Ok(report)
}

fn io_error(path: &Path, message: String) -> ExportError {
    ExportError::Io {
        path: path.to_owned(),
        message,
    }
}

/// The report of an export written into `sink`, by the format's writer.
fn build(
    project: &Project,
    format: Format,
    options: &ExportOptions,
    progress: &mut dyn FnMut(usize, usize),
    sink: &mut dyn Sink,
) -> Result<Report, ExportError> {
    let sel = select(
        project,
        &options.layer,
        format.records_annotator(),
        options.documents.as_deref(),
    )?;
    let total = sel.docs.len();
    let mut step = |done: usize| progress(done, total);
    // The streaming writers put their file into the sink as they make it; each other returns
    // its files, made in memory.
    let mut report = match format {
        Format::Jsonl => jsonl::export(&sel, &mut step, sink)?,
        Format::W3c => w3c::export(&sel, &mut step, sink)?,
        Format::Doccano => put_all(sink, doccano::export(&sel, &mut step)?)?,
        Format::Conll => put_all(sink, conll::export(&sel, &mut step)?)?,
        Format::Csv => put_all(sink, csv::export(&sel, &mut step)?)?,
        Format::Brat => put_all(sink, brat::export(&sel, &mut step)?)?,
        Format::SummaryMd | Format::SummaryHtml => {
            put_all(sink, summary::export(&sel, format, &mut step)?)?
        }
        Format::Graphml => put_all(sink, network::export_graphml(&sel, &mut step)?)?,
        Format::NetworkCsv => put_all(sink, network::export_csv(&sel, &mut step)?)?,
        Format::Labelstudio => put_all(sink, labelstudio::export(&sel, &mut step)?)?,
        Format::Webanno => put_all(sink, webanno::export(&sel, &mut step)?)?,
    };
    // Every value, link note, article variable and entity reference exported that the format
    // has no place for is counted as left out, so a report says "everything was carried" only
    // when it was. Each writer names the codes it carries.
    let carried = match format {
        Format::Jsonl => jsonl::CODES_CARRIED,
        Format::Doccano => doccano::CODES_CARRIED,
        Format::Conll => conll::CODES_CARRIED,
        Format::Csv => csv::CODES_CARRIED,
        Format::Brat => brat::CODES_CARRIED,
        Format::SummaryMd | Format::SummaryHtml => summary::CODES_CARRIED,
        Format::Graphml | Format::NetworkCsv => network::CODES_CARRIED,
        Format::Labelstudio => labelstudio::CODES_CARRIED,
        Format::Webanno => webanno::CODES_CARRIED,
        Format::W3c => w3c::CODES_CARRIED,
    };
    report.codes_of(&sel, carried);
    Ok(report)
}

/// Reads `inputs` (files or folders) in `format` into the neutral [`Incoming`] shape. Problems
/// in the input are in [`Incoming::problems`]; only a format that cannot be imported fails.
/// W3C annotations point at texts instead of carrying them: [`read_for`] finds those in the
/// project; here only a text named by its hash can be found (by the planner).
pub fn read(format: Format, inputs: &[PathBuf]) -> Result<Incoming, ExportError> {
    read_against(format, inputs, &[])
}

/// [`read`] for an import into `project`: W3C annotations are placed on its articles (matched
/// by text hash, URL or title) by their quote and position selectors.
pub fn read_for(
    format: Format,
    inputs: &[PathBuf],
    project: &Project,
) -> Result<Incoming, ExportError> {
    read_against(format, inputs, &project.documents)
}

fn read_against(
    format: Format,
    inputs: &[PathBuf],
    articles: &[crate::model::Document],
) -> Result<Incoming, ExportError> {
    match format {
        Format::Jsonl => Ok(jsonl::read(inputs)),
        Format::Doccano => Ok(doccano::read(inputs, &Columns::default())),
        Format::Conll => Ok(conll::read(inputs)),
        Format::Brat => Ok(brat::read(inputs)),
        Format::Labelstudio => Ok(labelstudio::read(inputs)),
        Format::W3c => Ok(w3c::read(inputs, articles)),
        Format::Webanno => Ok(webanno::read(inputs)),
        Format::Csv
        | Format::Graphml
        | Format::NetworkCsv
        | Format::SummaryMd
        | Format::SummaryHtml => Err(ExportError::NotImportable(format)),
    }
}

/// Reads `inputs` as `format` with the column names a project chose ([`Columns`]: doccano
/// lets a project name its text and label columns). Other formats have fixed names: asking
/// them for columns is [`ExportError::NoColumns`].
pub fn read_with(
    format: Format,
    inputs: &[PathBuf],
    columns: &Columns,
) -> Result<Incoming, ExportError> {
    read_columns_against(format, inputs, columns, &[])
}

/// [`read_with`] for an import into `project`, as [`read_for`] is to [`read`]: what the
/// command line and the window's import both call.
pub fn read_into(
    format: Format,
    inputs: &[PathBuf],
    columns: &Columns,
    project: &Project,
) -> Result<Incoming, ExportError> {
    read_columns_against(format, inputs, columns, &project.documents)
}

fn read_columns_against(
    format: Format,
    inputs: &[PathBuf],
    columns: &Columns,
    articles: &[crate::model::Document],
) -> Result<Incoming, ExportError> {
    match format {
        Format::Doccano => Ok(doccano::read(inputs, columns)),
        _ if *columns == Columns::default() => read_against(format, inputs, articles),
        _ => Err(ExportError::NoColumns(format)),
    }
}

/// `f` applied to every document of the selection, spread over the cores in batches, with
/// `step` told after each batch how many documents are done. Results in document order.
pub(crate) fn per_document<'p, R: Send>(
    sel: &Selection<'p>,
    step: &mut dyn FnMut(usize),
    f: impl Fn(&DocPart<'p>) -> R + Sync,
) -> Vec<R> {
    let mut out = Vec::with_capacity(sel.docs.len());
    per_document_each(sel, step, f, |r| out.push(r));
    out
}

/// [`per_document`] handing each result to `take`, in document order, as each batch is done,
/// so a writer can append it to its output and drop it (one export's text in memory, not two).
pub(crate) fn per_document_each<'p, R: Send>(
    sel: &Selection<'p>,
    step: &mut dyn FnMut(usize),
    f: impl Fn(&DocPart<'p>) -> R + Sync,
    mut take: impl FnMut(R),
) {
    // Batches small enough that a progress bar moves, large enough to keep the cores busy.
    const BATCH: usize = 16;
    let mut done = 0;
    for batch in sel.docs.chunks(BATCH) {
        for r in crate::par::par_map(batch, &f) {
            take(r);
        }
        done += batch.len();
        step(done);
    }
}

/// Appends `items` to `buf` as a JSON array with one compact item per line, each line
/// starting with `indent` and the closing bracket with `close_indent`; `[]` when empty.
/// Written straight into the buffer: no line is held apart from it, nothing is joined.
pub(crate) fn json_list<T: serde::Serialize>(
    buf: &mut Vec<u8>,
    items: &[T],
    indent: &str,
    close_indent: &str,
) -> Result<(), ExportError> {
    if items.is_empty() {
        buf.extend_from_slice(b"[]");
        return Ok(());
    }
    buf.extend_from_slice(b"[\n");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            buf.extend_from_slice(b",\n");
        }
        buf.extend_from_slice(indent.as_bytes());
        serde_json::to_writer(&mut *buf, item).map_err(|e| ExportError::Encode(e.to_string()))?;
    }
    buf.push(b'\n');
    buf.extend_from_slice(close_indent.as_bytes());
    buf.push(b']');
    Ok(())
}

/// The text of a buffer written by the JSON writers (serde_json writes only UTF-8).
pub(crate) fn utf8(buf: Vec<u8>) -> Result<String, ExportError> {
    String::from_utf8(buf).map_err(|e| ExportError::Encode(e.to_string()))
}

/// A fragment's `(start, end)` in `unit`, for writers. Fragments of a valid project lie on
/// character boundaries, so the conversion cannot fail; should it, the byte offsets are given.
pub(crate) fn offsets(index: &TextIndex, fragment: &Fragment, unit: OffsetUnit) -> (usize, usize) {
    let convert = |b: ByteOffset| match unit {
        OffsetUnit::CodePoints => index.byte_to_char(b).map(|c| c.0).unwrap_or(b.0),
        OffsetUnit::Utf16 => index.byte_to_utf16(b).map(|u| u.0).unwrap_or(b.0),
    };
    (convert(fragment.start), convert(fragment.end))
}

/// The files named by `inputs`, with each folder replaced by its files (not recursing) whose
/// extension is one of `extensions`, sorted. A path that does not exist is a problem.
pub(crate) fn input_files(
    inputs: &[PathBuf],
    extensions: &[&str],
    problems: &mut Vec<ImportProblem>,
) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let entries = match std::fs::read_dir(input) {
                Ok(entries) => entries,
                Err(e) => {
                    problems.push(ImportProblem::new(
                        Place::file(input),
                        format!("cannot read the folder: {e}"),
                    ));
                    continue;
                }
            };
            let wanted = |p: &Path| {
                p.extension()
                    .and_then(|x| x.to_str())
                    .is_some_and(|x| extensions.iter().any(|e| x.eq_ignore_ascii_case(e)))
            };
            let (mut found, odd): (Vec<PathBuf>, Vec<PathBuf>) = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| wanted(p) && !p.is_dir())
                .partition(|p| p.is_file());
            found.sort();
            // A FIFO, device or socket named like an input is said, not passed over.
            for path in odd {
                if let Ok(meta) = std::fs::metadata(&path) {
                    problems.push(ImportProblem::new(
                        Place::file(&path),
                        format!(
                            "it is {}, not a regular file; nothing was read from it",
                            crate::store::guard::kind_of(&meta)
                        ),
                    ));
                }
            }
            if found.is_empty() {
                problems.push(ImportProblem::new(
                    Place::file(input),
                    format!("the folder has no .{} files", extensions.join(" or .")),
                ));
            }
            files.extend(found);
        } else if input.is_file() {
            files.push(input.clone());
        } else if let Ok(meta) = std::fs::metadata(input) {
            // A FIFO, device or socket: there, but nothing an import reads.
            problems.push(ImportProblem::new(
                Place::file(input),
                format!(
                    "it is {}, not a regular file or folder; nothing was read from it",
                    crate::store::guard::kind_of(&meta)
                ),
            ));
        } else {
            problems.push(ImportProblem::new(
                Place::file(input),
                "no such file or folder",
            ));
        }
    }
    files
}

/// The UTF-8 text of `path` without a leading byte-order mark, or a problem naming the file.
pub(crate) fn read_text(path: &Path, problems: &mut Vec<ImportProblem>) -> Option<String> {
    let bytes = match crate::store::guard::read_regular(path) {
        Ok(b) => b,
        Err(e) => {
            problems.push(ImportProblem::new(
                Place::file(path),
                format!("cannot read: {e}"),
            ));
            return None;
        }
    };
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                s.drain(..3);
            }
            Some(s)
        }
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let (line, col) =
                crate::store::line_col(&String::from_utf8_lossy(&e.as_bytes()[..valid]), valid);
            problems.push(ImportProblem::new(
                Place::line(path, line),
                format!("column {col}: the file is not UTF-8 text"),
            ));
            None
        }
    }
}

/// The path an [`OutPlace`] names for the output `out`.
pub fn out_path(out: &Path, place: &OutPlace) -> PathBuf {
    match place {
        OutPlace::Main => out.to_owned(),
        OutPlace::Sibling(suffix) => {
            let stem = out
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            out.with_file_name(format!("{stem}{suffix}"))
        }
        OutPlace::Inside(rel) => out.join(rel),
    }
}

/// Writes the files of `export` at `out`, all or none: each is written to a temporary file
/// beside its target, and only when every one is complete are they put in place (a full
/// disk, a folder in the way or a file that may not be written leaves the targets as they
/// were, and no folder the export made). None may be a file `protected` names (the project
/// exported, its backup …), by any path, nor anything but a regular file.
pub fn write(out: &Path, export: &mut Export, protected: &Protected) -> Result<(), ExportError> {
    write_with(out, export, protected, &crate::store::stage_derived)
}

/// [`write`], staging each file with `stage` (tests make one fail, as a full disk would).
fn write_with(
    out: &Path,
    export: &mut Export,
    protected: &Protected,
    stage: &(
         dyn Fn(&Path, &str) -> Result<crate::store::StagedWrite, crate::store::StoreError> + Sync
     ),
) -> Result<(), ExportError> {
    let folder = export
        .files
        .iter()
        .any(|f| matches!(f.place, OutPlace::Inside(_)));
    if folder {
        if out.exists() && !out.is_dir() {
            return Err(io_error(
                out,
                "is a file; this format writes a folder".into(),
            ));
        }
    } else if out.is_dir() {
        return Err(io_error(
            out,
            "is a folder; this format writes a file".into(),
        ));
    }
    let paths: Vec<PathBuf> = export
        .files
        .iter()
        .map(|f| out_path(out, &f.place))
        .collect();
    // Check every target before writing any.
    for path in &paths {
        check_target(path, protected)?;
    }
    let made = make_folders(&paths, &[])?;
    // Every file staged, on all cores (a folder export has hundreds) …
    let jobs: Vec<(&PathBuf, &OutFile)> = paths.iter().zip(&export.files).collect();
    let staged = crate::par::par_map(&jobs, |(path, file)| {
        stage(path, &file.text)
            .map(|staged| ((*path).clone(), staged))
            .map_err(|e| io_error(path, format!("{}; nothing was written", without_path(&e))))
    })
    .into_iter()
    .collect::<Result<Vec<_>, ExportError>>();
    // … then put in place, or (dropped) taken away.
    let staged = match staged {
        Ok(staged) => staged,
        Err(e) => {
            undo_folders(&made);
            return Err(e);
        }
    };
    export.report.files = commit_all(out, staged)?;
    // A folder format's own folder is the output asked for; only the folders above it were
    // not asked for by name.
    export.report.folders_made = made.into_iter().filter(|d| !d.starts_with(out)).collect();
    Ok(())
}

/// Refuses a target that may not be written: a file `protected` names, a folder, anything but
/// a regular file, or a path below a file.
fn check_target(path: &Path, protected: &Protected) -> Result<(), ExportError> {
    protected
        .check(path)
        .map_err(|why| ExportError::Refused(format!("{why} Nothing was written.")))?;
    if path.is_dir() {
        return Err(io_error(path, "is a folder; nothing was written".into()));
    }
    crate::store::guard::check_target(path)
        .map_err(|e| io_error(path, format!("{e}; nothing was written")))?;
    if let Some(blocker) = path.ancestors().skip(1).find(|a| a.is_file()) {
        return Err(io_error(
            blocker,
            "is a file, not a folder; nothing was written".into(),
        ));
    }
    Ok(())
}

/// Makes the folders the files at `paths` go into, returning those it made (parents first),
/// to take away again on failure; on its own failure it takes away what it made and those in
/// `made_before`.
fn make_folders(paths: &[PathBuf], made_before: &[PathBuf]) -> Result<Vec<PathBuf>, ExportError> {
    let mut made: Vec<PathBuf> = Vec::new();
    let mut folders: Vec<&Path> = paths
        .iter()
        .filter_map(|p| p.parent().filter(|p| !p.as_os_str().is_empty()))
        .collect();
    folders.sort();
    folders.dedup();
    for dir in folders {
        let missing: Vec<PathBuf> = dir
            .ancestors()
            .take_while(|a| !a.as_os_str().is_empty() && !a.exists())
            .map(Path::to_owned)
            .collect();
        if let Err(e) = std::fs::create_dir_all(dir) {
            undo_folders(&made);
            undo_folders(made_before);
            return Err(io_error(dir, format!("cannot create the folder: {e}")));
        }
        made.extend(missing.into_iter().rev());
    }
    Ok(made)
}

/// Takes away the folders an export made, last first, each only if still empty.
fn undo_folders(made: &[PathBuf]) {
    for dir in made.iter().rev() {
        let _ = std::fs::remove_dir(dir);
    }
}

/// Puts every staged file in place; the paths written.
fn commit_all(
    out: &Path,
    staged: Vec<(PathBuf, crate::store::StagedWrite)>,
) -> Result<Vec<PathBuf>, ExportError> {
    let mut written = Vec::with_capacity(staged.len());
    for (path, file) in staged {
        file.commit_derived().map_err(|e| match &e {
            crate::store::StoreError::Io { path, .. } => io_error(path, without_path(&e)),
            _ => io_error(out, e.to_string()),
        })?;
        written.push(path);
    }
    Ok(written)
}

/// What went wrong with a file, without the file's name (the caller names it once; the
/// operating system's error once, without the temporary file's name the message had).
fn without_path(e: &crate::store::StoreError) -> String {
    match e {
        crate::store::StoreError::Io { action, source, .. } => format!("{action}: {source}"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_layer() -> ExportOptions {
        ExportOptions {
            layer: LayerChoice::One("ana".into()),
            documents: None,
        }
    }

    #[test]
    fn an_export_written_as_it_is_made_is_the_export_made_in_memory() {
        let p = fixture::project();
        let dir = tempfile::tempdir().expect("tempdir");
        // The streamed formats, and one that is made in memory and has a file beside it.
        for (format, name) in [
            (Format::Jsonl, "out.jsonl"),
            (Format::W3c, "out.json"),
            (Format::Csv, "out.csv"),
        ] {
            let options = if format.records_annotator() {
                ExportOptions::default()
            } else {
                one_layer()
            };
            let out = dir.path().join(name);
            let built = export(&p, format, &options, &mut |_, _| {}).expect("built");
            let mut last = (0, 0);
            let report = export_to(
                &p,
                format,
                &options,
                &out,
                &Protected::default(),
                &mut |n, of| last = (n, of),
            )
            .unwrap_or_else(|e| panic!("{format}: {e}"));
            assert_eq!(last, (2, 2), "{format}: progress");
            assert_eq!(report.files.len(), built.files.len(), "{format}");
            for (file, path) in built.files.iter().zip(&report.files) {
                assert_eq!(*path, out_path(&out, &file.place), "{format}");
                let written = std::fs::read_to_string(path).expect("written");
                assert_eq!(written, file.text, "{format}: {}", path.display());
            }
            let mut expected = built.report.clone();
            expected.files = report.files.clone();
            assert_eq!(report.to_text(), expected.to_text(), "{format}: the report")
        }
    }

    /// A writer that takes `room` bytes, then fails as a full disk does.
    struct Filling<'w> {
        inner: &'w mut dyn std::io::Write,
        room: usize,
    }

    impl std::io::Write for Filling<'_> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if buf.len() > self.room {
                return Err(std::io::Error::from_raw_os_error(28)); // ENOSPC
            }
            self.room -= buf.len();
            self.inner.write(buf)
        }

        fn flush(&mut self) -> std::io::Result<()> {
            self.inner.flush()
        }
    }

    #[test]
    fn a_full_disk_midway_through_a_streamed_export_leaves_the_old_file_and_no_temporary_file() {
        let p = fixture::project();
        let dir = tempfile::tempdir().expect("tempdir");
        for format in [Format::Jsonl, Format::W3c] {
            let out = dir.path().join("deep").join("out.jsonl");
            let options = one_layer();
            let whole = export(&p, format, &options, &mut |_, _| {}).expect("built");
            let size = whole.files[0].text.len();
            assert!(size > 1000, "{format}: the fixture writes {size} bytes");
            // The disk fills up halfway through the file.
            let full_halfway = move |path: &Path,
                                     fill: &mut dyn FnMut(
                &mut dyn std::io::Write,
            ) -> std::io::Result<()>| {
                crate::store::stage_derived_with(path, &mut |w| {
                    fill(&mut Filling {
                        inner: w,
                        room: size / 2,
                    })
                })
            };
            let err = export_to_with(
                &p,
                format,
                &options,
                &out,
                &Protected::default(),
                &mut |_, _| {},
                &full_halfway,
            )
            .expect_err("the disk is full");
            let text = err.to_string();
            assert!(text.contains("No space left"), "{format}: {text}");
            assert!(text.contains("nothing was written"), "{format}: {text}");
            assert_eq!(text.matches("out.jsonl").count(), 1, "{format}: {text}");
            let left: Vec<_> = std::fs::read_dir(dir.path())
                .expect("listed")
                .map(|e| e.expect("entry").file_name())
                .collect();
            assert!(
                left.is_empty(),
                "{format}: no folder or file left: {left:?}"
            );
            // An earlier export at the target is kept as it was.
            std::fs::create_dir(dir.path().join("deep")).expect("folder");
            std::fs::write(&out, "the earlier export").expect("written");
            export_to_with(
                &p,
                format,
                &options,
                &out,
                &Protected::default(),
                &mut |_, _| {},
                &full_halfway,
            )
            .expect_err("the disk is full");
            assert_eq!(
                std::fs::read_to_string(&out).expect("kept"),
                "the earlier export"
            );
            let left: Vec<_> = std::fs::read_dir(dir.path().join("deep"))
                .expect("listed")
                .map(|e| e.expect("entry").file_name())
                .collect();
            assert_eq!(left.len(), 1, "{format}: no temporary file: {left:?}");
            std::fs::remove_dir_all(dir.path().join("deep")).expect("cleared");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_streamed_export_refuses_a_folder_and_the_project_before_it_writes() {
        let p = fixture::project();
        let dir = tempfile::tempdir().expect("tempdir");
        let err = export_to(
            &p,
            Format::Jsonl,
            &one_layer(),
            dir.path(),
            &Protected::default(),
            &mut |_, _| {},
        )
        .expect_err("a folder");
        assert!(err.to_string().contains("is a folder"), "{err}");
        let project = dir.path().join("p.ron");
        std::fs::write(&project, "the project").expect("written");
        let link = dir.path().join("link.jsonl");
        std::os::unix::fs::symlink(&project, &link).expect("linked");
        let err = export_to(
            &p,
            Format::W3c,
            &one_layer(),
            &link,
            &Protected::project(&project),
            &mut |_, _| {},
        )
        .expect_err("the project");
        assert!(matches!(err, ExportError::Refused(_)), "{err}");
        assert_eq!(
            std::fs::read_to_string(&project).expect("kept"),
            "the project"
        );
    }

    #[test]
    fn a_target_that_cannot_be_written_stops_the_export_before_any_file_is_written() {
        let p = fixture::project();
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("out.csv");
        std::fs::create_dir(dir.path().join("out.relations.csv")).expect("a folder in the way");
        let mut export =
            export(&p, Format::Csv, &ExportOptions::default(), &mut |_, _| {}).expect("built");
        let err = write(&out, &mut export, &Protected::default()).expect_err("refused");
        assert!(
            err.to_string().contains("out.relations.csv: is a folder"),
            "{err}"
        );
        assert!(!out.exists(), "the main file was not written either");
    }

    #[test]
    fn a_full_disk_midway_leaves_no_file_no_folder_and_no_temporary_file() {
        let p = fixture::project();
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("corpus").join("brat");
        let options = ExportOptions {
            layer: LayerChoice::One("ana".into()),
            documents: None,
        };
        let mut export = export(&p, Format::Brat, &options, &mut |_, _| {}).expect("built");
        assert!(export.files.len() >= 4, "a folder of several files");
        // The disk fills up at the third file.
        let written = std::sync::atomic::AtomicUsize::new(0);
        let full_at_third = |path: &Path, text: &str| {
            if written.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 2 {
                return Err(crate::store::StoreError::Io {
                    path: path.to_owned(),
                    action: "cannot write",
                    source: std::io::Error::from_raw_os_error(28), // ENOSPC
                });
            }
            crate::store::stage_derived(path, text)
        };
        let err = write_with(&out, &mut export, &Protected::default(), &full_at_third)
            .expect_err("the disk is full");
        assert!(err.to_string().contains("nothing was written"), "{err}");
        let named = err.to_string().matches(&*out.to_string_lossy()).count();
        assert_eq!(named, 1, "the file is named once: {err}");
        assert!(err.to_string().contains("No space left"), "{err}");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .expect("listed")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert!(
            left.is_empty(),
            "no folder, file or temporary file left: {left:?}"
        );
        // With room on the disk, the same export is written whole.
        write(&out, &mut export, &Protected::default()).expect("written");
        assert_eq!(export.report.files.len(), export.files.len());
        assert!(export.report.files.iter().all(|f| f.is_file()));
        // The folder above the output was made, and the report says so; the output folder
        // itself was asked for.
        assert_eq!(export.report.folders_made, vec![dir.path().join("corpus")]);
        assert!(
            export.report.to_text().contains(&format!(
                "made the folder {}",
                dir.path().join("corpus").display()
            )),
            "{}",
            export.report.to_text()
        );
    }

    #[test]
    fn every_format_exports_the_fixture_and_progress_reaches_the_end() {
        let p = fixture::project();
        for format in Format::ALL {
            let layer = if format.records_annotator() {
                LayerChoice::Auto
            } else {
                LayerChoice::One("ana".into())
            };
            let options = ExportOptions {
                layer,
                documents: None,
            };
            let mut last = (0, 0);
            let export = export(&p, format, &options, &mut |n, of| last = (n, of))
                .unwrap_or_else(|e| panic!("{format}: {e}"));
            assert_eq!(last, (2, 2), "{format}: progress");
            assert!(!export.files.is_empty(), "{format}: no files");
            assert!(
                export.report.documents == 2,
                "{format}: {:?}",
                export.report
            );
        }
    }
}
