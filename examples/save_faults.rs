//! Fault injection for saves: a writer process saves a project over and over (each save one
//! generation newer, as `store::save` writes for the window and every command) and is killed
//! (SIGKILL) at a random moment, N times. After each kill the project must load, hold the
//! generation before the save or the one it was writing (never anything else), keep a
//! backup once one was made, and, once the next opener has tidied up as the window and the
//! commands do (`store::remove_leftovers`, holding the lock), leave no temp file beside it.
//!
//! ```text
//! cargo run --release --example save_faults -- [--kills 500] [--dir DIR]
//! ```
//!
//! Prints one line of counts; exits 1 if any kill broke a promise.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark that cannot set up should stop

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use marginalia::model::Project;
use marginalia::store;

#[path = "common/generated.rs"]
#[allow(dead_code)]
mod generated;

/// The generation a project holds, as written in its notes.
fn generation(project: &Project) -> u64 {
    project
        .notes
        .rsplit("generation ")
        .next()
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

fn with_generation(mut project: Project, n: u64) -> Project {
    project.notes = format!("Fault injection, generation {n}");
    project
}

/// The writer: saves the project at `path` one generation newer, forever (until killed).
fn writer(path: &Path) -> ! {
    let mut project = store::load(path).expect("the writer reads the project");
    loop {
        let next = generation(&project) + 1;
        project = with_generation(project, next);
        store::save(&project, path).expect("the writer saves");
        println!("{next}");
    }
}

fn temp_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".tmp"))
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--writer") {
        writer(Path::new(&args[i + 1]));
    }
    let mut kills = 500usize;
    let mut dir: Option<PathBuf> = None;
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--kills" => kills = it.next().and_then(|n| n.parse().ok()).expect("--kills N"),
            "--dir" => dir = it.next().map(PathBuf::from),
            other => panic!("unknown argument {other}; use [--kills N] [--dir DIR]"),
        }
    }
    let temp = tempfile::tempdir().unwrap();
    let dir = dir.unwrap_or_else(|| temp.path().to_owned());
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("faults.ron");
    let _ = std::fs::remove_file(store::backup_path(&path));
    let project = with_generation(generated::generate().expect("generated project"), 0);
    store::save(&project, &path).unwrap();
    let size = std::fs::metadata(&path).unwrap().len();

    // How long one save takes, so kills land before, during and after the rename.
    let start = Instant::now();
    store::save(&project, &path).unwrap();
    let save_time = start.elapsed();
    let me = std::env::current_exe().unwrap();
    println!(
        "project {} ({:.1} MB, one save {:.0} ms), {kills} kills",
        path.display(),
        size as f64 / 1e6,
        save_time.as_secs_f64() * 1000.0
    );

    let mut rng = 0x9E37_79B9_7F4A_7C15u64;
    let (mut unloadable, mut wrong, mut no_backup, mut temps_left) = (0, 0, 0, 0);
    let (mut old, mut new, mut temps_seen) = (0, 0, 0);
    for _ in 0..kills {
        let before = generation(&store::load(&path).expect("loads before the kill"));
        let mut child = Command::new(&me)
            .args(["--writer", path.to_str().unwrap()])
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        // Up to three saves' time (the writer also loads first).
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let wait = save_time.mul_f64(3.0 * (rng % 10_000) as f64 / 10_000.0);
        std::thread::sleep(wait + Duration::from_millis(2));
        child.kill().unwrap();
        child.wait().unwrap();

        match store::load(&path) {
            Ok(p) => {
                let g = generation(&p);
                // The writer may have finished several saves: anything from `before` on,
                // and each save either wholly there or not at all (it loads).
                if g < before {
                    wrong += 1;
                } else if g == before {
                    old += 1;
                } else {
                    new += 1;
                }
            }
            Err(e) => {
                eprintln!("unloadable after a kill: {e}");
                unloadable += 1;
            }
        }
        if !store::backup_path(&path).exists() {
            no_backup += 1;
        }
        if !temp_files(&dir).is_empty() {
            temps_seen += 1;
        }
        // The next opener tidies up, as `open` and every command do once they hold the lock.
        store::remove_leftovers(&path);
        if !temp_files(&dir).is_empty() {
            temps_left += 1;
        }
    }
    println!(
        "kills={kills} loadable={} unloadable={unloadable} older_than_before={wrong} \
         unchanged={old} newer={new} backup_missing={no_backup} temps_after_kill={temps_seen} \
         temps_after_next_open={temps_left}",
        kills - unloadable
    );
    if unloadable + wrong + no_backup + temps_left > 0 {
        std::process::exit(1);
    }
}
