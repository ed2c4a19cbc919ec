//! The headless command line: `new`, `add`, `validate`, `fmt`, `stats`, `export`, `import`,
//! `agree`, `merge`, `network`.
//!
//! Exit codes: 0 success; 1 the input has problems (validation findings, a `--check` that
//! fails, an unreadable input); 2 usage errors (clap reports those itself).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Writes one line to standard error, and carries on when it cannot (a closed pipe, as in
/// `marginalia validate p.ron 2>&1 >/dev/null | true`): `eprintln!` panics there, turning a
/// finished command into exit code 101.
#[macro_export]
macro_rules! say_err {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

use anyhow::bail;
use clap::{Parser, Subcommand};

use crate::formats::{self, ExportOptions, Format, ImportOptions, LayerChoice};
use crate::intake;
use crate::model::{DocId, Project};
use crate::review;
use crate::session;
use crate::stats::Stats;
use crate::store::{self, StoreError};

/// Annotate who says what under which conditions in news articles.
///
/// With no command, opens the window on PROJECT, on the last project, or on the bundled sample.
#[derive(Debug, Parser)]
#[command(name = "marginalia", version, about, long_about = None, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// Project file to open in the window.
    pub project: Option<PathBuf>,
    /// Annotator name for this session of the window (skips the first-start question).
    #[arg(long, global = false)]
    pub annotator: Option<String>,
    /// Blind coding for this session of the window: only your own layer is shown.
    #[arg(long, global = false)]
    pub blind: bool,
    /// The largest project, article or import file read, as bytes or with a unit (500M,
    /// 4G); larger ones are refused before they are read. Default 2G.
    #[arg(long, global = true, value_name = "SIZE", value_parser = parse_size)]
    pub max_size: Option<u64>,
    /// A headless command; none opens the window.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The headless commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create an empty project with the default schema (actor, claim, condition).
    New {
        /// The project file to create (it must not exist yet).
        project: PathBuf,
        /// Project name (default: the file name).
        #[arg(long)]
        name: Option<String>,
    },
    /// Add articles (txt, md, html; a folder adds every article in it), all or nothing.
    Add {
        /// The project file.
        project: PathBuf,
        /// Article files or folders.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Write even though a window or another command has the project open.
        #[arg(long)]
        force: bool,
        /// Wait up to SECONDS for a window or another command to let go of the project,
        /// instead of stopping at once.
        #[arg(long, value_name = "SECONDS")]
        wait: Option<u64>,
    },
    /// Check offsets, quotes, hashes and references; list every problem.
    Validate {
        /// The project file.
        project: PathBuf,
        /// Print the problems as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Rewrite the file canonically (a backup is kept as NAME.ron.bak).
    Fmt {
        /// The project file.
        project: PathBuf,
        /// Only report whether the file is canonical; change nothing.
        #[arg(long)]
        check: bool,
        /// Move annotations whose quote no longer matches a corrected text to the nearest
        /// occurrence of the quote (writes nothing if any annotation cannot be placed).
        #[arg(long, conflicts_with = "check")]
        reanchor: bool,
        /// Turn Windows line endings (CRLF, as git writes with `core.autocrlf`) back into
        /// the LF the file was written with, so the texts match their hashes again.
        #[arg(long, conflicts_with = "check")]
        fix_line_endings: bool,
        /// Write even though a window or another command has the project open.
        #[arg(long)]
        force: bool,
        /// Wait up to SECONDS for a window or another command to let go of the project,
        /// instead of stopping at once.
        #[arg(long, value_name = "SECONDS")]
        wait: Option<u64>,
    },
    /// Count documents, annotations per tag and annotator, relations and entities.
    Stats {
        /// The project file.
        project: PathBuf,
        /// Print the counts as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write a dataset or a summary (every format says what it could not carry).
    #[command(after_help = FORMATS_HELP)]
    Export {
        /// The project file.
        project: PathBuf,
        /// The format to write.
        #[arg(long, short, value_enum)]
        format: Format,
        /// The file (or, for brat, webanno and network-csv, the folder) to write; `-` writes a
        /// one-file format to standard output (the report then goes to standard error). Never
        /// the project itself, its backup, recovery or lock file.
        #[arg(long, short)]
        out: PathBuf,
        /// The annotator layer to export (`reviewed` for the reviewed layer). Without it, csv,
        /// labelstudio and w3c take every layer (each item names its annotator); the other
        /// formats, the network and the summaries included, take the reviewed layer, or the
        /// only layer, or stop and list the layers.
        #[arg(long)]
        annotator: Option<String>,
        /// Export only this document (by id); repeat for several.
        #[arg(long = "document", value_name = "ID")]
        documents: Vec<String>,
        /// Print the report as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Bring annotations in from other tools, all or nothing.
    Import {
        /// The project file.
        project: PathBuf,
        /// The format of the input (only the formats that import are listed).
        #[arg(long, short, value_parser = import_format())]
        format: Format,
        /// Input files or folders.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// doccano only: the member that holds the text, as the doccano project named its
        /// text column (default `text`, or `data`).
        #[arg(long, value_name = "KEY")]
        text_key: Option<String>,
        /// doccano only: the member that holds the spans, as the doccano project named its
        /// label column (default `label`, or `labels`).
        #[arg(long, value_name = "KEY")]
        label_key: Option<String>,
        /// Put every annotation in this layer. Without it, the annotator the input records, or
        /// else the login name.
        #[arg(long)]
        annotator: Option<String>,
        /// Import the valid items and report the others, instead of importing nothing.
        #[arg(long)]
        skip_invalid: bool,
        /// Print the report as JSON on stdout.
        #[arg(long)]
        json: bool,
        /// Write even though a window or another command has the project open.
        #[arg(long)]
        force: bool,
        /// Wait up to SECONDS for a window or another command to let go of the project,
        /// instead of stopping at once.
        #[arg(long, value_name = "SECONDS")]
        wait: Option<u64>,
    },
    /// Measure agreement between annotators: Cohen's kappa and span F1 per pair, Krippendorff's
    /// alpha and Fleiss' kappa over all, on word tokens, with bootstrap confidence intervals.
    Agree {
        /// The project file.
        project: PathBuf,
        /// The annotators to compare (comma-separated). Without it, every layer with
        /// annotations.
        #[arg(long, value_delimiter = ',')]
        annotators: Vec<String>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// Also write the per-token label matrix (documents × tokens × annotators, null where
        /// missing) as JSON to this file, to recompute the numbers elsewhere.
        #[arg(long, value_name = "FILE")]
        units: Option<PathBuf>,
    },
    /// Join a colleague's project into yours: documents matched by text, their layers added or
    /// updated (a layer both have comes from the copy changed last), tags, entities and
    /// decisions united. Nothing is written if anything is wrong.
    Merge {
        /// Your project file.
        mine: PathBuf,
        /// The colleague's project file.
        theirs: PathBuf,
        /// Where to write the result; may be MINE (its previous version is kept as MINE.bak).
        #[arg(long, short)]
        out: PathBuf,
        /// Their layers to bring in (comma-separated). Without it, all of them.
        #[arg(long, value_delimiter = ',')]
        layers: Option<Vec<String>>,
        /// Give their tag THEIRS_TAG your tag MY_TAG (repeat for several; THEIRS_TAG=THEIRS_TAG
        /// adds it as a new tag even when its label matches one of yours).
        #[arg(long = "map", value_name = "THEIRS_TAG=MY_TAG", value_parser = merge::parse_mapping)]
        maps: Vec<(crate::model::TagId, crate::model::TagId)>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// Write OUT even though a window or another command has it open.
        #[arg(long)]
        force: bool,
        /// Wait up to SECONDS for a window or another command to let go of the project,
        /// instead of stopping at once.
        #[arg(long, value_name = "SECONDS")]
        wait: Option<u64>,
    },
    /// Discourse networks from coded statements, as the Discourse Network Analyzer makes
    /// them: actors × concepts, actors × actors or concepts × concepts, with qualifier
    /// aggregation, normalisation, duplicates, filters and moving time windows.
    Network(network::NetworkArgs),
}

const FORMATS_HELP: &str = "Formats:
  jsonl         spaCy/Prodigy JSON lines (code points)      doccano      doccano JSONL (code points)
  conll         CoNLL-2003 BIO                              brat         brat folder (.txt + .ann + conf)
  labelstudio   Label Studio tasks (code points)            webanno      WebAnno TSV 3.3 folder (UTF-16)
  csv           one row per annotation + relations file     w3c          W3C Web Annotation JSON-LD
  graphml       discourse network (Gephi, igraph)           network-csv  network as node and edge CSVs
  summary-md    who claims what, under which conditions     summary-html the same as one HTML page
Import reads brat, doccano, labelstudio, jsonl, conll and w3c.";

/// The formats `import --format` takes, and lists in `--help`: those that import.
fn import_format() -> impl clap::builder::TypedValueParser<Value = Format> {
    use clap::ValueEnum as _;
    use clap::builder::{PossibleValuesParser, TypedValueParser as _};
    // WebAnno TSV's reader is being built (issue 15) beside this list; until it lands,
    // `formats::read` refuses it with a message of its own.
    let takes = |f: &Format| f.importable() || *f == Format::Webanno;
    PossibleValuesParser::new(
        Format::ALL
            .into_iter()
            .filter(takes)
            .filter_map(|f| f.to_possible_value()),
    )
    .try_map(|name: String| Format::from_str(&name, false))
}

/// A size as given to `--max-size`: bytes, or a number with K, M, G or T (powers of 1024,
/// with an optional "B" or "iB": 500M, 4GiB, 1.5G).
fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let digits = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(digits);
    let factor: u64 = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        "G" | "GB" | "GIB" => 1 << 30,
        "T" | "TB" | "TIB" => 1 << 40,
        other => {
            return Err(format!(
                "unknown unit {other:?}: use K, M, G or T (500M, 4G)"
            ));
        }
    };
    let value: f64 = number.parse().map_err(|_| {
        format!("{text:?} is not a size: write bytes or a number with a unit (500M, 4G)")
    })?;
    Ok((value * factor as f64) as u64)
}

/// Prints a line on stdout; a closed pipe (`marginalia stats x | head -1`) is not an error.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

pub mod merge;
pub mod network;
mod progress;

use progress::{Activity, file_label};

/// Runs a headless command; `Err` is an input problem (exit code 1) with its message.
pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::New { project, name } => new(&project, name),
        Command::Add {
            project,
            files,
            force,
            wait,
        } => add(&Rewrite::begin(&project, force, wait)?, &files),
        Command::Validate { project, json } => validate(&project, json),
        Command::Fmt {
            project,
            check,
            reanchor,
            fix_line_endings,
            force,
            wait,
        } => {
            // Checking writes nothing, so it takes no lock.
            let rewrite = if check {
                None
            } else {
                Some(Rewrite::begin(&project, force, wait)?)
            };
            fmt(&project, rewrite.as_ref(), reanchor, fix_line_endings)
        }
        Command::Stats { project, json } => {
            let activity = Activity::start(json);
            activity.step(format!("reading {}", file_label(&project)));
            let loaded = store::load(&project)?;
            let stats = Stats::of(&loaded);
            exit_soon(loaded);
            report_leftovers(&project);
            activity.finish();
            if json {
                say!("{}", serde_json::to_string_pretty(&stats)?);
            } else {
                say!("{}", stats.to_text().trim_end());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Export {
            project,
            format,
            out,
            annotator,
            documents,
            json,
        } => export(&project, format, &out, annotator, documents, json),
        Command::Import {
            project,
            format,
            inputs,
            text_key,
            label_key,
            annotator,
            skip_invalid,
            json,
            force,
            wait,
        } => {
            let columns = formats::Columns {
                text: text_key,
                label: label_key,
            };
            if format != Format::Doccano && columns != formats::Columns::default() {
                // A usage error, found before the project is touched.
                eprintln!("error: {}", formats::ExportError::NoColumns(format));
                return Ok(ExitCode::from(2));
            }
            let rewrite = Rewrite::begin(&project, force, wait)?;
            let how = ImportHow {
                columns,
                annotator,
                skip_invalid,
                json,
            };
            import(&rewrite, format, &inputs, how)
        }
        Command::Agree {
            project,
            annotators,
            json,
            units,
        } => agree(&project, &annotators, json, units.as_deref()),
        Command::Merge {
            mine,
            theirs,
            out,
            layers,
            maps,
            json,
            force,
            wait,
        } => {
            // The result's fingerprint is checked by the merge itself before it writes.
            let _lock = take_lock(&out, force, wait)?;
            merge::run(&mine, &theirs, &out, layers, maps, json)
        }
        Command::Network(args) => network::run(args),
    }
}

/// A command's read, change and write of one project file, safe against other writers:
/// the project's lock (the one the window takes) is held throughout, so a window or another
/// command with the project open is not written over behind its back; and the file's
/// fingerprint is taken before it is read and compared before the new version takes its
/// place, so that a change made meanwhile (by a `--force`d command, or a window that took the
/// lock over) stops the write instead of being lost.
struct Rewrite {
    path: PathBuf,
    _lock: Option<session::Lock>,
    read: Option<session::Fingerprint>,
}

impl Rewrite {
    /// Takes the lock of `path` (waiting up to `wait` for another holder to let go), then
    /// the file's fingerprint. Held by another process, it stops the command before
    /// anything is read, unless `force`: then the command goes on without the lock (the
    /// window sees the change on disk when it next saves). Where no lock file can be made (a
    /// read-only folder), the command goes on without one; writing there then fails on its
    /// own terms.
    fn begin(path: &Path, force: bool, wait: Option<u64>) -> anyhow::Result<Rewrite> {
        let lock = take_lock(path, force, wait)?;
        Ok(Rewrite {
            path: path.to_owned(),
            _lock: lock,
            read: session::Fingerprint::of(path).ok(),
        })
    }

    /// Puts `text` in place of the project (keeping the previous version as `.bak`), if the
    /// file is still the one read.
    fn write(&self, text: &str) -> anyhow::Result<()> {
        self.commit(store::stage(&self.path, text)?)
    }

    /// Puts a version staged beside the project in its place, if the file is still the one
    /// read (a staged version that does not go in is removed when dropped).
    fn commit(&self, staged: store::StagedWrite) -> anyhow::Result<()> {
        // Looked at and renamed as one step for every other save, also a forced one.
        if !staged.commit_if(|| self.unchanged())? {
            bail!(
                "{}: the file changed while this command ran (another command or a window \
                 wrote it), so this command's result was not written over it; run it again. \
                 Nothing was changed.",
                self.path.display()
            );
        }
        Ok(())
    }
}

/// Writes `text` to standard output whole; a reader that stopped (`| head`) is no error: what
/// it wanted it has.
pub(crate) fn write_stdout(text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => bail!("cannot write to standard output: {e}"),
    }
}

impl Rewrite {
    /// Whether the file is still the one read (length and time first; hashed only when the
    /// time differs, so the folder's writers' lock is not held for a hash of a large file).
    fn unchanged(&self) -> bool {
        match &self.read {
            Some(fp) => session::changed_on_disk(&self.path, fp).is_ok_and(|changed| !changed),
            None => !self.path.exists(),
        }
    }
}

/// Says, for a command that only reads the project, what interrupted saves left beside it;
/// the next command that writes the project (which holds its lock) removes them.
/// Lets go of a project a command is done with without taking it apart: the command is about
/// to end, and the operating system takes back its memory at once, where freeing it piece by
/// piece takes 70 ms at corpus scale (180,000 annotations). Only what holds no file or lock.
fn exit_soon(project: Project) {
    std::mem::forget(project);
}

fn report_leftovers(path: &Path) {
    let left = store::leftovers(path);
    if !left.is_empty() {
        say_err!(
            "note: {}: {} temporary file(s) an interrupted save left lie beside it; the next command that writes the project removes them (marginalia fmt {0})",
            path.display(),
            left.len()
        );
    }
}

/// The lock of `path` for a command (see [`Rewrite::begin`]).
fn take_lock(path: &Path, force: bool, wait: Option<u64>) -> anyhow::Result<Option<session::Lock>> {
    let deadline = wait.map(|s| std::time::Instant::now() + std::time::Duration::from_secs(s));
    loop {
        match session::Lock::acquire(path, &session::LockOwner::current()) {
            Ok(lock) => {
                // Holding the lock, no save of this project is under way: what a killed one
                // left beside it can go.
                let removed = store::remove_leftovers(path);
                if !removed.is_empty() {
                    say_err!(
                        "{}: removed {} temporary file(s) an interrupted save had left",
                        path.display(),
                        removed.len()
                    );
                }
                return Ok(Some(lock));
            }
            Err(session::LockError::Held(_))
                if deadline.is_some_and(|d| std::time::Instant::now() < d) =>
            {
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            Err(session::LockError::Held(holder)) if !force => bail!(
                "{}: the project is open elsewhere ({holder}), in a Marginalia window or \
                 another command; close it there first, wait for it (--wait SECONDS), or pass \
                 --force to write anyway (the window then finds the file changed on disk when \
                 it saves). Nothing was changed.",
                path.display()
            ),
            // Forced past another's lock, or no lock file could be made: on without one.
            Err(session::LockError::Held(_) | session::LockError::Io { .. }) => return Ok(None),
        }
    }
}

fn agree(
    path: &Path,
    annotators: &[String],
    json: bool,
    units_out: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let activity = Activity::start(json);
    activity.step(format!("reading {}", file_label(path)));
    let project = store::load(path)?;
    report_leftovers(path);
    let names = review::choose_annotators(&project, annotators)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    activity.step(format!("comparing {} annotators word by word", names.len()));
    let units = review::Units::of(&project, &names);
    if let Some(out) = units_out {
        formats::Protected::project(path)
            .check(out)
            .map_err(|why| anyhow::anyhow!("{why} Nothing was written."))?;
        store::guard::check_target(out)
            .map_err(|e| anyhow::anyhow!("{}: {e}; nothing was written", out.display()))?;
        activity.step(format!("writing {}", out.display()));
        let mut matrix = units.to_json();
        // The values on the matched spans, per pair and attribute, for the checks of the
        // coefficients per attribute.
        matrix["attributes"] = review::values::value_pairs(&project, &units)
            .iter()
            .map(review::values::ValuePairs::to_json)
            .collect();
        let text = serde_json::to_string(&matrix)?;
        // Whole or not at all: a full disk leaves no truncated matrix behind.
        store::write_derived(out, &(text + "\n"))
            .map_err(|e| anyhow::anyhow!("{e} (the units were not written)"))?;
    }
    activity.step("agreement, with bootstrap intervals");
    let report = review::agreement(&project, &units);
    activity.finish();
    if json {
        say!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        say!("{}", report.to_text().trim_end());
    }
    Ok(ExitCode::SUCCESS)
}

fn export(
    path: &Path,
    format: Format,
    out: &Path,
    annotator: Option<String>,
    documents: Vec<String>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let activity = Activity::start(json);
    activity.step(format!("reading {}", file_label(path)));
    let project = store::load(path)?;
    report_leftovers(path);
    let options = ExportOptions {
        layer: annotator.map_or(LayerChoice::Auto, LayerChoice::One),
        documents: (!documents.is_empty()).then(|| documents.into_iter().map(DocId).collect()),
    };
    let mut counting = false;
    let mut progress = |done: usize, of: usize| {
        if !counting {
            activity.count(format!("exporting {format}"), of as u64, "documents");
            counting = true;
        }
        activity.done(done as u64);
    };
    if out == Path::new("-") {
        let export = formats::export(&project, format, &options, &mut progress)
            .map_err(|e| anyhow::anyhow!("{e} (nothing was written)"))?;
        activity.finish();
        return export_to_stdout(format, &export, json);
    }
    // Written into its staged files as it is made (see `formats::export_to`).
    let protected = formats::Protected::project(path);
    let report = formats::export_to(&project, format, &options, out, &protected, &mut progress)
        .map_err(|e| match e {
            // These already say that nothing was written.
            formats::ExportError::Io { .. } | formats::ExportError::Refused(_) => {
                anyhow::Error::new(e)
            }
            e => anyhow::anyhow!("{e} (nothing was written)"),
        })?;
    exit_soon(project);
    activity.finish();
    if json {
        say!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        say!("{}", report.to_text().trim_end());
    }
    Ok(ExitCode::SUCCESS)
}

/// `-o -`: the one file of the export on standard output, and the report (what was not
/// carried) on standard error, so a pipe gets the data alone.
fn export_to_stdout(
    format: Format,
    export: &formats::Export,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let [file] = export.files.as_slice() else {
        bail!(
            "{format} writes {} files, so it cannot go to standard output (-o -): name a {} to \
             write",
            export.files.len(),
            if export
                .files
                .iter()
                .any(|f| matches!(f.place, formats::OutPlace::Inside(_)))
            {
                "folder"
            } else {
                "file (the others go beside it)"
            }
        );
    };
    write_stdout(&file.text)?;
    let report = if json {
        serde_json::to_string_pretty(&export.report)?
    } else {
        export.report.to_text()
    };
    say_err!("{}", report.trim_end());
    Ok(ExitCode::SUCCESS)
}

/// The options of `import` beside its format and inputs.
struct ImportHow {
    columns: formats::Columns,
    annotator: Option<String>,
    skip_invalid: bool,
    json: bool,
}

fn import(
    rewrite: &Rewrite,
    format: Format,
    inputs: &[PathBuf],
    how: ImportHow,
) -> anyhow::Result<ExitCode> {
    let ImportHow {
        columns,
        annotator,
        skip_invalid,
        json,
    } = how;
    let path = rewrite.path.as_path();
    let activity = Activity::start(json);
    activity.step(format!("reading {}", file_label(path)));
    let mut project = store::load(path)?;
    activity.step(match inputs {
        [one] => format!("reading {} as {format}", file_label(one)),
        _ => format!("reading {} inputs as {format}", inputs.len()),
    });
    let incoming = formats::read_into(format, inputs, &columns, &project)?;
    activity.step(format!(
        "checking what comes in against {}",
        file_label(path)
    ));
    let options = ImportOptions {
        annotator,
        fallback_annotator: crate::session::login_name(),
        skip_invalid,
        now: jiff::Timestamp::now(),
    };
    let plan = formats::plan_import(&project, incoming, &options)
        .map_err(|failure| anyhow::anyhow!("{}{}: unchanged", failure, path.display()))?;
    let changed = !plan.edit.is_empty();
    plan.edit
        .apply(&mut project)
        .map_err(|e| anyhow::anyhow!("{}: {e} (nothing was imported)", path.display()))?;
    if changed {
        // The planner checks every item; below, the whole is checked as the next load checks
        // it, so an import does not leave a project that the load refuses.
        activity.step(format!("writing {}", path.display()));
        let file = store::project_to_file(&project);
        let text = store::file_to_string(&file)?;
        let (problems, staged) = store::stage_checked(path, &text, &file);
        if !problems.list.is_empty() {
            bail!(
                "the import would leave the project invalid, so nothing was imported (please report this):\n{problems}\n{}: unchanged",
                path.display()
            );
        }
        rewrite.commit(staged?)?;
    }
    activity.finish();
    if json {
        say!("{}", serde_json::to_string_pretty(&plan.report)?);
    } else {
        say!("{}", plan.report.to_text().trim_end());
        if !changed {
            say!("{}: nothing new, unchanged", path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn new(path: &Path, name: Option<String>) -> anyhow::Result<ExitCode> {
    if path.exists() {
        bail!(
            "{}: already exists; choose another name (nothing was changed)",
            path.display()
        );
    }
    let name = name.unwrap_or_else(|| {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    store::save(&Project::new(name), path)?;
    say!("created {}", path.display());
    Ok(ExitCode::SUCCESS)
}

fn add(rewrite: &Rewrite, files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let path = rewrite.path.as_path();
    let activity = Activity::start(false);
    activity.step(format!("reading {}", file_label(path)));
    let mut project = store::load(path)?;
    activity.step(format!(
        "reading {} article file(s) or folder(s)",
        files.len()
    ));
    let articles =
        intake::read_articles(files).map_err(|e| anyhow::anyhow!("{e}\nnothing was added"))?;
    let (edit, report) = intake::add_articles(&project, articles);
    edit.apply(&mut project)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    if !report.added.is_empty() {
        activity.step(format!("writing {}", path.display()));
        rewrite.write(&store::to_string(&project)?)?;
    }
    activity.finish();
    for added in &report.added {
        say!(
            "added {} as {} ({:?})",
            added.path.display(),
            added.id,
            added.title
        );
    }
    for skipped in &report.skipped {
        say!(
            "skipped {}: the same text is already document {}",
            skipped.path.display(),
            skipped.id
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn validate(path: &Path, json: bool) -> anyhow::Result<ExitCode> {
    let activity = Activity::start(json);
    activity.step(format!("checking {}", file_label(path)));
    let checked = store::validate_path(path);
    activity.finish();
    report_leftovers(path);
    let problems = match checked {
        Ok(problems) => problems,
        Err(e) if json => {
            // A file that cannot be read or parsed is one problem, reported in the same shape.
            let (kind, line, column) = match &e {
                StoreError::Syntax { line, col, .. } => ("Syntax", Some(*line), Some(*col)),
                StoreError::NewerVersion { .. } => ("NewerVersion", None, None),
                _ => ("Unreadable", None, None),
            };
            let problem = serde_json::json!({ "kind": kind, "line": line, "column": column, "message": e.to_string() });
            let out =
                serde_json::json!({ "file": path.display().to_string(), "problems": [problem] });
            say!("{}", serde_json::to_string_pretty(&out)?);
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e.into()),
    };
    if json {
        let list: Vec<_> = problems
            .list
            .iter()
            .map(|p| {
                serde_json::json!({
                    "kind": format!("{:?}", p.kind),
                    "line": p.position.map(|(l, _)| l),
                    "column": p.position.map(|(_, c)| c),
                    "message": p.message,
                })
            })
            .collect();
        let out = serde_json::json!({ "file": path.display().to_string(), "problems": list });
        say!("{}", serde_json::to_string_pretty(&out)?);
    } else if problems.list.is_empty() {
        say!("{}: ok", path.display());
    } else {
        say!("{problems}");
        say_err!("{} problem(s) in {}", problems.list.len(), path.display());
    }
    Ok(if problems.list.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `fmt`; with no `rewrite` (`--check`), only says whether the file is canonical.
fn fmt(
    path: &Path,
    rewrite: Option<&Rewrite>,
    reanchor: bool,
    fix_line_endings: bool,
) -> anyhow::Result<ExitCode> {
    let activity = Activity::start(false);
    activity.step(format!("reading {}", file_label(path)));
    let original = store::read_source(path)?;
    let fixed;
    let source = if fix_line_endings && original.contains("\r\n") {
        fixed = store::without_crlf(&original);
        &fixed
    } else {
        &original
    };
    let canonical = if reanchor {
        let mut file = store::parse(path, source)?;
        let report = store::reanchor(&mut file);
        activity.suspend(|| {
            for m in &report.moved {
                say!("moved {} in {} from {} to {}", m.id, m.doc, m.from, m.to);
            }
            for id in &report.unplaced {
                say!("cannot place {id}: its quote is no longer in the text");
            }
        });
        if !report.unplaced.is_empty() {
            bail!(
                "{}: {} annotation(s) could not be re-anchored; nothing was written",
                path.display(),
                report.unplaced.len()
            );
        }
        // Whatever is still wrong is reported against the file as the user has it.
        let problems = store::check(path, source, &file);
        if !problems.list.is_empty() {
            return Err(StoreError::Invalid(problems).into());
        }
        let text = store::file_to_string(&file)?;
        store::to_string(&store::from_str(path, &text)?)?
    } else {
        store::to_string(&store::from_str(path, source)?)?
    };
    if canonical == *original {
        activity.finish();
        say!("{}: already canonical", path.display());
        return Ok(ExitCode::SUCCESS);
    }
    let Some(rewrite) = rewrite else {
        activity.finish();
        say!(
            "{}: not in canonical form (run `marginalia fmt` to rewrite it)",
            path.display()
        );
        return Ok(ExitCode::from(1));
    };
    activity.step(format!("writing {}", path.display()));
    rewrite.write(&canonical)?;
    activity.finish();
    say!(
        "{}: rewritten (previous version kept as {})",
        path.display(),
        store::backup_path(path).display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Prints an error the way every command reports one: the message chain, on stderr.
pub fn report_error(e: &anyhow::Error) {
    match e.downcast_ref::<StoreError>() {
        Some(StoreError::Invalid(problems)) => {
            say_err!("{problems}");
            say_err!(
                "{}: {} problem(s); run `marginalia validate` for the full list",
                problems.path.display(),
                problems.list.len()
            );
            // The line endings explain the rest: said again last, where a long list leaves
            // the reader.
            if problems.list.len() > 1 {
                for p in problems
                    .list
                    .iter()
                    .filter(|p| p.kind == store::ProblemKind::LineEndings)
                {
                    say_err!("{}: {}", problems.path.display(), p.message);
                }
            }
        }
        _ => say_err!("error: {}", error_text(e)),
    }
}

/// `e` and its causes in one line, each said once: an error that already quotes its cause
/// (most do: "day.ron: cannot read the project file: permission denied") does not get it
/// again.
fn error_text(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    for cause in e.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_changed_between_read_and_write_is_not_written_over() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("day.ron");
        let project = crate::model::Project::new("day");
        store::save(&project, &path).expect("saved");
        let rewrite = Rewrite::begin(&path, false, None).expect("locked");
        // Meanwhile a forced command (or a window that took the lock over) writes the file.
        let theirs = store::to_string(&crate::model::Project::new("theirs")).expect("text");
        std::fs::write(&path, &theirs).expect("written");
        let ours = store::to_string(&crate::model::Project::new("ours")).expect("text");
        let err = rewrite.write(&ours).expect_err("refused").to_string();
        assert!(err.contains("changed while this command ran"), "{err}");
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            theirs,
            "theirs kept"
        );
        // Read again, the write goes through.
        drop(rewrite);
        let rewrite = Rewrite::begin(&path, false, None).expect("locked");
        rewrite.write(&ours).expect("written");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), ours);
    }
}
