//! What a long command is doing, on standard error: a spinner naming the step (reading the
//! project, checking it, writing it …) or a bar where the work is counted (documents
//! exported). Drawn with `indicatif`, and only when standard error is a terminal, the
//! command was not asked for `--json`, and the work has run for half a second; so quick
//! commands, pipes, files and scripts see nothing of it. The line is wiped when the work ends
//! or fails, before the command prints its result or its error.

use std::borrow::Cow;
use std::io::IsTerminal as _;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long work runs before its progress is drawn; `MARGINALIA_PROGRESS_AFTER_MS` sets it
/// (the tests draw at once, in a pseudo-terminal).
fn delay() -> Duration {
    std::env::var("MARGINALIA_PROGRESS_AFTER_MS")
        .ok()
        .and_then(|ms| ms.trim().parse().ok())
        .map_or(Duration::from_millis(500), Duration::from_millis)
}

/// One command's progress line (see the module). Dropping it wipes the line.
pub(super) struct Activity {
    bar: ProgressBar,
    /// Set once the work is over: the thread that would start drawing looks at it under the
    /// same lock, so a line is never drawn after it was wiped.
    over: Arc<Mutex<bool>>,
}

impl Activity {
    /// Starts timing; nothing is drawn for `--json` or where standard error is no terminal.
    pub(super) fn start(json: bool) -> Activity {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(spinner());
        let over = Arc::new(Mutex::new(false));
        if !json && std::io::stderr().is_terminal() {
            let delay = delay();
            let draw = |bar: &ProgressBar| {
                bar.set_draw_target(ProgressDrawTarget::stderr());
                bar.enable_steady_tick(Duration::from_millis(120));
            };
            if delay.is_zero() {
                draw(&bar);
            } else {
                let (bar, over) = (bar.clone(), Arc::clone(&over));
                std::thread::spawn(move || {
                    std::thread::sleep(delay);
                    let over = over.lock().unwrap_or_else(PoisonError::into_inner);
                    if !*over {
                        draw(&bar);
                    }
                });
            }
        }
        Activity { bar, over }
    }

    /// A step whose length is not known: "reading corpus.ron (82 MB)".
    pub(super) fn step(&self, what: impl Into<Cow<'static, str>>) {
        self.bar.set_style(spinner());
        self.bar.set_message(what);
    }

    /// A counted step: `of` units of `what`, advanced with [`Activity::done`].
    pub(super) fn count(&self, what: impl Into<Cow<'static, str>>, of: u64, unit: &str) {
        let template = format!("{{msg}} [{{bar:30}}] {{pos}}/{{len}} {unit} {{eta}}");
        let style = ProgressStyle::with_template(&template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        // The message first: a redraw between these calls never shows the last step's name
        // on the new bar.
        self.bar.set_message(what);
        self.bar.set_length(of);
        self.bar.set_position(0);
        self.bar.set_style(style);
    }

    /// How many units of the counted step are done.
    pub(super) fn done(&self, done: u64) {
        self.bar.set_position(done);
    }

    /// Prints what `print` prints (on either stream) without tearing the progress line.
    pub(super) fn suspend(&self, print: impl FnOnce()) {
        self.bar.suspend(print);
    }

    /// Wipes the line for good (also on drop): call before printing the command's result.
    pub(super) fn finish(&self) {
        let mut over = self.over.lock().unwrap_or_else(PoisonError::into_inner);
        *over = true;
        self.bar.finish_and_clear();
    }
}

impl Drop for Activity {
    fn drop(&mut self) {
        self.finish();
    }
}

fn spinner() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {msg} {elapsed}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
}

/// "corpus.ron (82 MB)": a file as a step names it.
pub(super) fn file_label(path: &std::path::Path) -> String {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => format!("{name} ({})", size(meta.len())),
        _ => name,
    }
}

fn size(bytes: u64) -> String {
    const MB: u64 = 1_000_000;
    if bytes >= 10 * MB {
        format!("{} MB", bytes / MB)
    } else if bytes >= MB {
        format!("{:.1} MB", bytes as f64 / MB as f64)
    } else {
        format!("{} KB", bytes.div_ceil(1000))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_a_person_says_them() {
        assert_eq!(size(82_500_000), "82 MB");
        assert_eq!(size(2_345_678), "2.3 MB");
        assert_eq!(size(999), "1 KB");
        assert_eq!(size(0), "0 KB");
    }

    #[test]
    fn with_json_nothing_is_drawn_whatever_the_steps_and_it_ends_cleanly() {
        let activity = Activity::start(true);
        activity.step("reading");
        activity.count("exporting", 10, "documents");
        activity.done(10);
        activity.finish();
        assert!(activity.bar.is_finished());
        assert!(activity.bar.is_hidden());
    }
}
