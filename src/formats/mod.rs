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

/// Builds an export of `project` in `format`. `progress` is told how many documents are done
/// out of how many, after each one.
pub fn export(
    project: &Project,
    format: Format,
    options: &ExportOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Export, ExportError> {
    let sel = select(
        project,
        &options.layer,
        format.records_annotator(),
        options.documents.as_deref(),
    )?;
    let total = sel.docs.len();
    let mut step = |done: usize| progress(done, total);
    let (files, mut report) = match format {
        // Each writer takes the selection and a callback told how many documents are done.
        Format::Jsonl => jsonl::export(&sel, &mut step)?,
        Format::Doccano => doccano::export(&sel, &mut step)?,
        Format::Conll => conll::export(&sel, &mut step)?,
        Format::Csv => csv::export(&sel, &mut step)?,
        Format::Brat => brat::export(&sel, &mut step)?,
        Format::SummaryMd | Format::SummaryHtml => summary::export(&sel, format, &mut step)?,
        Format::Graphml => network::export_graphml(&sel, &mut step)?,
        Format::NetworkCsv => network::export_csv(&sel, &mut step)?,
        Format::Labelstudio => labelstudio::export(&sel, &mut step)?,
        Format::Webanno => webanno::export(&sel, &mut step)?,
        Format::W3c => w3c::export(&sel, &mut step)?,
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
    Ok(Export { files, report })
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
    let io = |path: &Path, message: String| ExportError::Io {
        path: path.to_owned(),
        message,
    };
    let folder = export
        .files
        .iter()
        .any(|f| matches!(f.place, OutPlace::Inside(_)));
    if folder {
        if out.exists() && !out.is_dir() {
            return Err(io(out, "is a file; this format writes a folder".into()));
        }
    } else if out.is_dir() {
        return Err(io(out, "is a folder; this format writes a file".into()));
    }
    let paths: Vec<PathBuf> = export
        .files
        .iter()
        .map(|f| out_path(out, &f.place))
        .collect();
    // Check every target before writing any.
    for path in &paths {
        protected
            .check(path)
            .map_err(|why| ExportError::Refused(format!("{why} Nothing was written.")))?;
        if path.is_dir() {
            return Err(io(path, "is a folder; nothing was written".into()));
        }
        crate::store::guard::check_target(path)
            .map_err(|e| io(path, format!("{e}; nothing was written")))?;
        if let Some(blocker) = path.ancestors().skip(1).find(|a| a.is_file()) {
            return Err(io(
                blocker,
                "is a file, not a folder; nothing was written".into(),
            ));
        }
    }
    // The folders first (remembering those made, to take them away again on failure).
    let mut made: Vec<PathBuf> = Vec::new();
    let mut folders: Vec<&Path> = paths
        .iter()
        .filter_map(|p| p.parent().filter(|p| !p.as_os_str().is_empty()))
        .collect();
    folders.sort();
    folders.dedup();
    let undo_folders = |made: &[PathBuf]| {
        for dir in made.iter().rev() {
            let _ = std::fs::remove_dir(dir); // only if still empty
        }
    };
    for dir in folders {
        let missing: Vec<PathBuf> = dir
            .ancestors()
            .take_while(|a| !a.as_os_str().is_empty() && !a.exists())
            .map(Path::to_owned)
            .collect();
        if let Err(e) = std::fs::create_dir_all(dir) {
            undo_folders(&made);
            return Err(io(dir, format!("cannot create the folder: {e}")));
        }
        made.extend(missing.into_iter().rev());
    }
    // Every file staged, on all cores (a folder export has hundreds) …
    let jobs: Vec<(&PathBuf, &OutFile)> = paths.iter().zip(&export.files).collect();
    let staged = crate::par::par_map(&jobs, |(path, file)| {
        stage(path, &file.text)
            .map_err(|e| io(path, format!("{}; nothing was written", without_path(&e))))
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
    for file in staged {
        file.commit_derived().map_err(|e| match &e {
            crate::store::StoreError::Io { path, .. } => io(path, without_path(&e)),
            _ => io(out, e.to_string()),
        })?;
    }
    export.report.files = paths;
    // A folder format's own folder is the output asked for; only the folders above it were
    // not asked for by name.
    export.report.folders_made = made.into_iter().filter(|d| !d.starts_with(out)).collect();
    Ok(())
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
