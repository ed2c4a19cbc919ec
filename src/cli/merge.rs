//! `marginalia merge MINE THEIRS -o OUT`: a colleague's project joined into mine, checked as a
//! load would check it, then written atomically (OUT may be MINE; its backup is kept).

use std::path::Path;
use std::process::ExitCode;

use anyhow::bail;

use crate::model::TagId;
use crate::review::{MergeOptions, MergeReport, plan_merge};
use crate::store;

/// What [`merge_files`] did.
#[derive(Debug)]
pub struct MergeOutcome {
    /// What came in.
    pub report: MergeReport,
    /// Whether OUT was written (not when OUT is MINE and nothing changed).
    pub written: bool,
    /// The merge's working data, handed back for the caller to free when it suits.
    pub scrap: Scrap,
}

/// Both projects, the file and its text: hundreds of megabytes for a large project, whose
/// freeing takes tens of milliseconds. The command line exits without freeing them piece by
/// piece ([`Scrap::leave`]); a long-running caller simply drops them.
pub struct Scrap {
    _held: Box<dyn std::any::Any + Send>,
}

impl Scrap {
    /// Leaves the memory to the process's exit, which returns it at once.
    pub fn leave(self) {
        std::mem::forget(self);
    }
}

impl std::fmt::Debug for Scrap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Scrap(..)")
    }
}

/// Loads both projects (on two threads), plans the merge, applies it, validates the result as
/// a load would, and writes it to `out`. On any error nothing is written; the message names
/// the file at fault.
pub fn merge_files(
    mine: &Path,
    theirs: &Path,
    out: &Path,
    options: &MergeOptions,
) -> anyhow::Result<MergeOutcome> {
    // OUT may be MINE (the usual merge), never THEIRS, nor a backup, recovery or lock file.
    let mut protected = store::guard::Protected::default();
    protected.add_project(theirs, "their project");
    protected.add_companions(mine, "your project");
    if !same_file(mine, out) {
        protected.add(mine, "your project");
    }
    protected
        .check(out)
        .map_err(|why| anyhow::anyhow!("{why} Nothing was written."))?;
    store::guard::check_target(out)
        .map_err(|e| anyhow::anyhow!("{}: {e}; nothing was written", out.display()))?;
    // What OUT was before anything is read: a change to it while the merge runs stops the
    // write instead of being lost.
    let out_before = crate::session::Fingerprint::of(out).ok();
    let (my_project, their_project) = std::thread::scope(|scope| {
        let other = scope.spawn(|| store::load(theirs));
        let mine = store::load(mine);
        let theirs = other
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        (mine, theirs)
    });
    let mut project = my_project?;
    let their_project = their_project?;
    let plan = plan_merge(&project, &their_project, options)
        .map_err(|e| anyhow::anyhow!("{}: {e}; nothing was written", theirs.display()))?;
    let changed = !plan.edit.is_empty();
    if !changed && same_file(mine, out) {
        return Ok(MergeOutcome {
            report: plan.report,
            written: false,
            scrap: Scrap {
                _held: Box::new((project, their_project)),
            },
        });
    }
    let inverse = plan
        .edit
        .apply(&mut project)
        .map_err(|e| anyhow::anyhow!("{}: {e}; nothing was written", mine.display()))?;
    let file = store::project_to_file(&project);
    let text = store::file_to_string(&file)?;
    // The text takes OUT's place only if the records it was made from pass a load's checks.
    let (problems, staged) = store::stage_checked(out, &text, &file);
    if !problems.list.is_empty() {
        bail!(
            "the merge would leave the project invalid, so nothing was written (please report this):\n{problems}"
        );
    }
    let staged = staged?;
    // Looked at and renamed as one step for every other save, also a forced one.
    let unchanged = || match &out_before {
        Some(fp) => crate::session::changed_on_disk(out, fp).is_ok_and(|changed| !changed),
        None => !out.exists(),
    };
    if !staged.commit_if(unchanged)? {
        bail!(
            "{}: the file changed while the merge ran (another command or a window wrote it), \
             so the merge was not written over it; run it again. Nothing was written.",
            out.display()
        );
    }
    Ok(MergeOutcome {
        report: plan.report,
        written: true,
        scrap: Scrap {
            _held: Box::new((project, their_project, inverse, file, text)),
        },
    })
}

/// Whether two paths name one file (OUT may be MINE, spelt differently).
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Parses `THEIRS_TAG=MY_TAG` for `--map`.
pub fn parse_mapping(s: &str) -> Result<(TagId, TagId), String> {
    match s.split_once('=') {
        Some((from, to)) if !from.trim().is_empty() && !to.trim().is_empty() => {
            Ok((from.trim().into(), to.trim().into()))
        }
        _ => Err(format!(
            "expected THEIRS_TAG=MY_TAG (e.g. akteur=actor), found {s:?}"
        )),
    }
}

/// Runs `marginalia merge`.
pub(super) fn run(
    mine: &Path,
    theirs: &Path,
    out: &Path,
    layers: Option<Vec<String>>,
    maps: Vec<(TagId, TagId)>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let options = MergeOptions {
        layers,
        tag_map: maps.into_iter().collect(),
    };
    let activity = super::Activity::start(json);
    activity.step(format!(
        "merging {} into {}",
        super::file_label(theirs),
        super::file_label(mine)
    ));
    let outcome = merge_files(mine, theirs, out, &options)?;
    activity.finish();
    if json {
        say!("{}", serde_json::to_string_pretty(&outcome.report)?);
    } else {
        say!("{}", outcome.report.to_text().trim_end());
        if outcome.written {
            say!("wrote {}", out.display());
        } else {
            say!("{}: unchanged", out.display());
        }
    }
    outcome.scrap.leave();
    Ok(ExitCode::SUCCESS)
}
