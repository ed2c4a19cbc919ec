//! `marginalia network`: discourse networks from coded statements (the `analysis` layer),
//! written with the export's own output checks.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, bail};
use clap::{Args, ValueEnum};

use super::progress::{Activity, file_label};
use crate::analysis::{
    self, Aggregation, Duplicates, Filter, Mode, Network, NetworkOptions, Normalization,
    StatementOptions, Statements, WindowSpec, write,
};
use crate::formats::{self, LayerChoice, OutFile, OutPlace};
use crate::model::DocId;
use crate::store;

/// `--mode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    /// Two-mode: actors × concepts.
    ActorConcept,
    /// One-mode: actors tied through shared concepts.
    ActorActor,
    /// One-mode: concepts tied through shared actors.
    ConceptConcept,
}

/// `--aggregation`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum AggregationArg {
    /// The qualifier does not matter.
    Ignore,
    /// One-mode: same stance.
    Congruence,
    /// One-mode: opposite stance.
    Conflict,
    /// Congruence − conflict; two-mode: signed by the qualifier.
    Subtract,
    /// Two-mode: which qualifier values occur (1 positive, 2 negative, 3 both).
    Combine,
}

/// `--normalize`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum NormalizeArg {
    /// Raw weights.
    None,
    /// One-mode: by the mean statement count of the two nodes.
    Average,
    /// One-mode: Jaccard.
    Jaccard,
    /// One-mode: cosine.
    Cosine,
    /// Two-mode: by the actor's statement count.
    Activity,
    /// Two-mode: by the concept's statement count.
    Prominence,
}

/// `--duplicates`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DuplicatesArg {
    /// Every statement counts.
    Statement,
    /// Once per article.
    Document,
    /// Once per calendar week.
    Week,
    /// Once per calendar month.
    Month,
    /// Once per calendar year.
    Year,
}

/// `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum NetFormat {
    /// GraphML (Gephi, networkx, igraph).
    Graphml,
    /// GEXF 1.3; with --window, one dynamic graph that Gephi's timeline plays.
    Gexf,
    /// UCINET DL, full matrix.
    Dl,
    /// The matrix as CSV.
    Csv,
    /// The flat statement list as CSV, one row per statement.
    Statements,
}

impl NetFormat {
    fn extension(self) -> &'static str {
        match self {
            NetFormat::Graphml => "graphml",
            NetFormat::Gexf => "gexf",
            NetFormat::Dl => "dl",
            NetFormat::Csv | NetFormat::Statements => "csv",
        }
    }
}

/// The options of `marginalia network`.
#[derive(Debug, Args)]
pub struct NetworkArgs {
    /// The project file.
    pub project: PathBuf,
    /// The network: actors × concepts (two-mode), actors × actors or concepts × concepts
    /// (one-mode, tied through what both share).
    #[arg(long, value_enum, default_value = "actor-actor")]
    pub mode: ModeArg,
    /// The tag whose annotations are statements.
    #[arg(long, default_value = "claim")]
    pub tag: String,
    /// The attribute holding the concept.
    #[arg(long, default_value = "concept")]
    pub concept: String,
    /// The qualifier attribute (a flag, scale, choice, code or text), or `none`.
    #[arg(long, default_value = "stance")]
    pub qualifier: String,
    /// Read a choice qualifier as an ordered scale, lowest first (every value, comma-separated:
    /// opposes,neutral,supports).
    #[arg(long, value_delimiter = ',', value_name = "VALUES")]
    pub qualifier_order: Option<Vec<String>>,
    /// How qualifiers combine into weights.
    #[arg(long, value_enum, default_value = "ignore")]
    pub aggregation: AggregationArg,
    /// How weights are normalised.
    #[arg(long, value_enum, default_value = "none")]
    pub normalize: NormalizeArg,
    /// Which statements count once: the same actor, concept and qualifier within the same …
    #[arg(long, value_enum, default_value = "statement")]
    pub duplicates: DuplicatesArg,
    /// A moving window, one network per step: UNIT:N, UNIT days, weeks, months, years or
    /// statements (months:6).
    #[arg(long, value_name = "UNIT:N")]
    pub window: Option<String>,
    /// The first day taken (YYYY-MM-DD; YYYY-MM or YYYY as its first day).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// The last day taken; a year or a month means its last day (`--to 2025` takes all of
    /// 2025).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Only articles whose variable NAME has VALUE (repeat: several values of one variable
    /// are any of them, different variables all of them).
    #[arg(long = "variable", value_name = "NAME=VALUE")]
    pub variables: Vec<String>,
    /// Leave out nodes with fewer statements than this.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub min_statements: usize,
    /// The annotator layer (`reviewed` for the reviewed layer). Without it, the reviewed
    /// layer, or the only layer, or stop and list the layers.
    #[arg(long)]
    pub annotator: Option<String>,
    /// Only this document (by id); repeat for several.
    #[arg(long = "document", value_name = "ID")]
    pub documents: Vec<String>,
    /// The format to write with -o.
    #[arg(long, short, value_enum, default_value = "graphml")]
    pub format: NetFormat,
    /// The file to write (`-` standard output); with --window, graphml, dl and csv write a
    /// folder of one file per window. Never the project, its backup, recovery or lock file.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Print the network (nodes, edges with their weights and the annotation ids behind
    /// them, windows) as JSON on standard output.
    #[arg(long)]
    pub json: bool,
}

fn date(flag: &str, s: Option<&str>) -> anyhow::Result<Option<jiff::civil::Date>> {
    s.map(|s| {
        analysis::parse_date(s).ok_or_else(|| {
            anyhow!("{flag} {s:?} is not a date: write YYYY-MM-DD (or YYYY-MM, YYYY)")
        })
    })
    .transpose()
}

/// `--to`: a date, or the last day of the year (`2025`) or month (`2025-03`) it names, so
/// that `--from 2025 --to 2025` is the whole year.
fn last_day(s: Option<&str>) -> anyhow::Result<Option<jiff::civil::Date>> {
    let Some(day) = date("--to", s)? else {
        return Ok(None);
    };
    let parts = s.map_or(0, |s| s.trim().split('-').count());
    let last = match parts {
        1 => jiff::civil::date(day.year(), 12, 31),
        2 => day.last_of_month(),
        _ => day,
    };
    Ok(Some(last))
}

/// Runs `marginalia network`.
pub fn run(a: NetworkArgs) -> anyhow::Result<ExitCode> {
    if a.out.is_none() && !a.json {
        bail!("network: name a file to write with -o (or - for standard output), or pass --json");
    }
    if a.json && a.out.as_deref() == Some(Path::new("-")) {
        bail!("network: --json prints on standard output, so -o - cannot: name a file with -o");
    }
    let spec: Option<WindowSpec> = a.window.as_deref().map(str::parse).transpose()?;
    if spec.is_some() && a.format == NetFormat::Statements && a.out.is_some() {
        bail!(
            "network: the statement list is one list, so --window does not apply to --format statements"
        );
    }
    let mut variables = Vec::new();
    for v in &a.variables {
        let Some((name, value)) = v.split_once('=') else {
            bail!("--variable {v:?}: expected NAME=VALUE (outlet=Le Monde)");
        };
        variables.push((name.trim().to_owned(), value.to_owned()));
    }
    let options = NetworkOptions {
        mode: match a.mode {
            ModeArg::ActorConcept => Mode::ActorConcept,
            ModeArg::ActorActor => Mode::ActorActor,
            ModeArg::ConceptConcept => Mode::ConceptConcept,
        },
        aggregation: match a.aggregation {
            AggregationArg::Ignore => Aggregation::Ignore,
            AggregationArg::Congruence => Aggregation::Congruence,
            AggregationArg::Conflict => Aggregation::Conflict,
            AggregationArg::Subtract => Aggregation::Subtract,
            AggregationArg::Combine => Aggregation::Combine,
        },
        normalization: match a.normalize {
            NormalizeArg::None => Normalization::None,
            NormalizeArg::Average => Normalization::Average,
            NormalizeArg::Jaccard => Normalization::Jaccard,
            NormalizeArg::Cosine => Normalization::Cosine,
            NormalizeArg::Activity => Normalization::Activity,
            NormalizeArg::Prominence => Normalization::Prominence,
        },
        duplicates: match a.duplicates {
            DuplicatesArg::Statement => Duplicates::Statement,
            DuplicatesArg::Document => Duplicates::Document,
            DuplicatesArg::Week => Duplicates::Week,
            DuplicatesArg::Month => Duplicates::Month,
            DuplicatesArg::Year => Duplicates::Year,
        },
        filter: Filter {
            from: date("--from", a.from.as_deref())?,
            to: last_day(a.to.as_deref())?,
            variables,
            min_statements: a.min_statements,
        },
    };

    let path = a.project.as_path();
    let activity = Activity::start(a.json);
    activity.step(format!("reading {}", file_label(path)));
    let project = store::load(path)?;
    super::report_leftovers(path);
    let st_options = StatementOptions {
        tag: a.tag.clone(),
        layer: a
            .annotator
            .clone()
            .map_or(LayerChoice::Auto, LayerChoice::One),
        documents: (!a.documents.is_empty())
            .then(|| a.documents.iter().map(|d| DocId(d.clone())).collect()),
        concept: a.concept.clone(),
        qualifier: (a.qualifier != "none").then(|| a.qualifier.clone()),
        qualifier_order: a.qualifier_order.clone(),
    };
    let statements = Statements::of(&project, &st_options)
        .map_err(|e| anyhow!("{}: {e} (nothing was written)", path.display()))?;
    options
        .check(&statements)
        .map_err(|e| anyhow!("{e} (nothing was written)"))?;
    activity.step(format!(
        "{} network of {} statements",
        options.mode.name(),
        statements.list.len()
    ));

    let ext = a.format.extension();
    // What the windows left out (the date range and variables; undated articles), to say
    // why there is no window.
    let mut left_out = (0, 0);
    let (files, json) = match spec {
        None => {
            let net = Network::compute(&statements, &options);
            let text = match a.format {
                NetFormat::Graphml => write::graphml(&statements, &net),
                NetFormat::Gexf => write::gexf(&statements, &net),
                NetFormat::Dl => write::dl(&statements, &net),
                NetFormat::Csv => write::matrix_csv(&statements, &net),
                NetFormat::Statements => write::statements_csv(&project, &statements),
            };
            let json = a
                .json
                .then(|| write::network_json(&statements, &options, &net));
            (
                vec![OutFile {
                    place: OutPlace::Main,
                    text,
                }],
                json,
            )
        }
        Some(spec) => {
            let w = analysis::windows(&statements, &options, &spec)
                .map_err(|e| anyhow!("{e} (nothing was written)"))?;
            left_out = (w.excluded.filtered, w.excluded.undated);
            let files = if a.format == NetFormat::Gexf {
                vec![OutFile {
                    place: OutPlace::Main,
                    text: write::gexf_windows(&statements, &w, spec.unit),
                }]
            } else {
                let digits = w.windows.len().to_string().len().max(3);
                w.windows
                    .iter()
                    .enumerate()
                    .map(|(i, win)| OutFile {
                        place: OutPlace::Inside(format!(
                            "{:0digits$}-{}-{}.{ext}",
                            i + 1,
                            win.start,
                            win.end
                        )),
                        text: match a.format {
                            NetFormat::Dl => write::dl(&statements, &win.network),
                            NetFormat::Csv => write::matrix_csv(&statements, &win.network),
                            _ => write::graphml(&statements, &win.network),
                        },
                    })
                    .collect()
            };
            let json = a
                .json
                .then(|| write::windows_json(&statements, &options, &w, spec.unit, spec.size));
            (files, json)
        }
    };
    activity.finish();
    let folder = files.iter().any(|f| matches!(f.place, OutPlace::Inside(_)));
    if let Some(out) = &a.out {
        if out == Path::new("-") {
            // A folder of windows, even of one, never goes to standard output: whether it
            // did would depend on the data.
            let ([file], false) = (files.as_slice(), folder) else {
                bail!(
                    "with --window, --format {ext} writes one file per window ({}), so it cannot go to standard output (-o -): name a folder, or use --format gexf",
                    files.len()
                );
            };
            super::write_stdout(&file.text)?;
        } else {
            if files.is_empty() {
                bail!(
                    "no dated statement is taken with these choices ({} left out by the date range or variables, {} of undated articles), so there is no window to write to {}",
                    left_out.0,
                    left_out.1,
                    out.display()
                );
            }
            if folder
                && out.is_dir()
                && std::fs::read_dir(out).is_ok_and(|mut entries| entries.next().is_some())
            {
                bail!(
                    "{} already holds files: a series of windows goes into a new or empty folder, so that it is not mixed with another series (nothing was written)",
                    out.display()
                );
            }
            let mut export = formats::Export {
                files,
                report: formats::Report::default(),
            };
            formats::write(out, &mut export, &formats::Protected::project(path))?;
            if !a.json {
                say!(
                    "wrote {} ({} file{})",
                    out.display(),
                    export.report.files.len(),
                    if export.report.files.len() == 1 {
                        ""
                    } else {
                        "s"
                    }
                );
            }
        }
    }
    if let Some(json) = json {
        say!("{}", serde_json::to_string_pretty(&json)?);
    }
    let skipped = &statements.skipped;
    if !a.json && (skipped.no_speaker > 0 || skipped.no_concept > 0) && a.out.is_some() {
        say_err!(
            "note: {} {} annotation(s) made no statement: {} without a speaker, {} without a concept",
            skipped.no_speaker + skipped.no_concept,
            statements.tag,
            skipped.no_speaker,
            skipped.no_concept
        );
    }
    Ok(ExitCode::SUCCESS)
}
