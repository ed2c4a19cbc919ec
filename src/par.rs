//! Work spread over the machine's cores, with std's scoped threads only.

use std::cell::Cell;

thread_local! {
    /// Cores that work started on this thread leaves to others ([`leaving_cores`]).
    static SPARE: Cell<usize> = const { Cell::new(0) };
}

/// Runs `f` with the parallel work it starts on this thread using `spare` fewer cores (at
/// least one): the window's background save leaves a core to the frame, so that the frame
/// is not kept waiting for one behind the save's threads.
#[cfg_attr(not(feature = "gui"), allow(dead_code))] // only the window saves in the background
pub(crate) fn leaving_cores<R>(spare: usize, f: impl FnOnce() -> R) -> R {
    /// Puts the setting back however `f` ends, a panic included.
    struct Restore(usize);
    impl Drop for Restore {
        fn drop(&mut self) {
            SPARE.set(self.0);
        }
    }
    let _restore = Restore(SPARE.replace(spare));
    f()
}

/// How many threads parallel work started on this thread may use: the cores, less those it
/// leaves to others, at most 8.
pub(crate) fn threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    cores.saturating_sub(SPARE.get()).clamp(1, 8)
}

/// `f` applied to every item, on up to [`threads`] threads, results in item order. With one
/// core or one item it runs on the calling thread.
pub(crate) fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = threads();
    if threads < 2 || items.len() < 2 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(|| part.iter().map(&f).collect::<Vec<R>>()))
            .collect();
        // A worker only panics if `f` does, and then so would the sequential loop.
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_keep_the_order_of_the_items() {
        let items: Vec<usize> = (0..1000).collect();
        assert_eq!(
            super::par_map(&items, |i| i * 2),
            items.iter().map(|i| i * 2).collect::<Vec<_>>()
        );
        assert!(super::par_map(&[] as &[usize], |i| *i).is_empty());
    }

    #[test]
    fn work_that_leaves_every_core_still_runs_on_one_and_the_setting_ends_with_it() {
        let all = super::threads();
        let one = super::leaving_cores(64, || {
            let items: Vec<usize> = (0..100).collect();
            let on: std::collections::HashSet<_> =
                super::par_map(&items, |_| std::thread::current().id())
                    .into_iter()
                    .collect();
            (super::threads(), on.len())
        });
        assert_eq!(one, (1, 1), "one thread, the caller's");
        assert_eq!(super::threads(), all);
    }
}
