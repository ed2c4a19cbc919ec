//! When to autosave: a pure timing policy over the project's generation (see
//! [`History::generation`](crate::model::History::generation)), with no threads and no clock
//! of its own (callers pass `now`).

use std::time::{Duration, Instant};

/// How long unsaved work may wait for an autosave by default.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(30);

/// The autosave policy: when the project has changed since the last autosave, write it once
/// `interval` has passed since the last attempt, or at once when the window loses focus.
///
/// The interval runs from the last attempt, so a change made after a quiet spell is saved at
/// once, and a burst of changes at most once per interval: no change stays unsaved longer
/// than `interval` (plus a frame), and the disk sees at most one write per interval. Before
/// any attempt, a change is due at once.
///
/// The window, every frame: if [`Autosave::due`], write the recovery file, then
/// [`Autosave::mark_saved`] (or [`Autosave::mark_failed`] if the write failed, so it is retried
/// an interval later, not every frame). After loading or saving the project, call
/// [`Autosave::mark_saved`] with its generation: the file then holds that work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Autosave {
    /// The longest a change waits for an autosave.
    pub interval: Duration,
    last_saved_generation: u64,
    last_attempt: Option<Instant>,
}

impl Default for Autosave {
    /// Every [`DEFAULT_INTERVAL`].
    fn default() -> Self {
        Autosave::new(DEFAULT_INTERVAL)
    }
}

impl Autosave {
    /// A policy saving every `interval`, with nothing saved yet (generation 0).
    pub fn new(interval: Duration) -> Self {
        Autosave {
            interval,
            last_saved_generation: 0,
            last_attempt: None,
        }
    }

    /// Whether to autosave now: the project's `generation` differs from the one last saved,
    /// and either `interval` has passed since the last attempt (or there was none) or the
    /// window has just lost focus (`focus_lost`, true only on the frame it happens).
    pub fn due(&self, now: Instant, generation: u64, focus_lost: bool) -> bool {
        generation != self.last_saved_generation
            && (focus_lost
                || self
                    .last_attempt
                    .is_none_or(|last| now.saturating_duration_since(last) >= self.interval))
    }

    /// Records that the project at `generation` was written at `now` (an autosave, a save or
    /// a load).
    pub fn mark_saved(&mut self, now: Instant, generation: u64) {
        self.last_saved_generation = generation;
        self.last_attempt = Some(now);
    }

    /// Records that an autosave at `now` failed: it is tried again an interval later.
    pub fn mark_failed(&mut self, now: Instant) {
        self.last_attempt = Some(now);
    }

    /// The generation last written.
    pub fn last_saved_generation(&self) -> u64 {
        self.last_saved_generation
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn nothing_changed_is_never_due() {
        let start = Instant::now();
        let mut autosave = Autosave::default();
        assert_eq!(autosave.interval, secs(30));
        assert!(!autosave.due(start, 0, true));
        autosave.mark_saved(start, 7);
        assert_eq!(autosave.last_saved_generation(), 7);
        assert!(!autosave.due(start + secs(3600), 7, true));
    }

    #[test]
    fn a_change_waits_for_the_interval_since_the_last_autosave() {
        let start = Instant::now();
        let mut autosave = Autosave::default();
        autosave.mark_saved(start, 1);
        assert!(!autosave.due(start + secs(10), 2, false));
        assert!(!autosave.due(start + secs(29), 2, false));
        assert!(autosave.due(start + secs(30), 2, false));
        autosave.mark_saved(start + secs(30), 2);
        assert!(!autosave.due(start + secs(31), 3, false));
        // After a quiet spell, a change is saved at once.
        assert!(autosave.due(start + secs(100), 3, false));
    }

    #[test]
    fn before_any_autosave_a_change_is_due_at_once() {
        let start = Instant::now();
        assert!(Autosave::default().due(start, 1, false));
    }

    #[test]
    fn losing_focus_saves_a_change_at_once() {
        let start = Instant::now();
        let mut autosave = Autosave::default();
        autosave.mark_saved(start, 1);
        assert!(!autosave.due(start + secs(1), 2, false));
        assert!(autosave.due(start + secs(1), 2, true));
    }

    #[test]
    fn a_failed_autosave_is_retried_an_interval_later_not_every_frame() {
        let start = Instant::now();
        let mut autosave = Autosave::new(secs(5));
        autosave.mark_saved(start, 1);
        assert!(autosave.due(start + secs(5), 2, false));
        autosave.mark_failed(start + secs(5));
        assert_eq!(autosave.last_saved_generation(), 1);
        assert!(!autosave.due(start + secs(6), 2, false));
        assert!(autosave.due(start + secs(10), 2, false));
    }

    #[test]
    fn a_clock_read_out_of_order_is_not_due() {
        let start = Instant::now();
        let mut autosave = Autosave::default();
        autosave.mark_saved(start + secs(60), 1);
        assert!(!autosave.due(start, 2, false));
    }
}
