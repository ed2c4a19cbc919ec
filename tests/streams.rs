//! The command line's standard streams: a closed pipe on either is not a crash.

#![allow(clippy::unwrap_used)] // a test that cannot set up should stop loudly

use std::process::{Command, Stdio};

#[test]
fn a_closed_standard_error_is_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.ron"), "x").unwrap();
    // The reading end is closed before the command has its message ready, so writing the
    // message fails (as `marginalia validate bad.ron 2>&1 >/dev/null | true` makes it).
    let mut child = Command::new(env!("CARGO_BIN_EXE_marginalia"))
        .current_dir(dir.path())
        .args(["validate", "bad.ron"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    let status = child.wait().unwrap();
    assert_eq!(
        status.code(),
        Some(1),
        "validation fails; it does not panic (101)"
    );
}
