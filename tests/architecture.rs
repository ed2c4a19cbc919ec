//! The structure ARCHITECTURE.md promises, checked on the source: each layer uses only the
//! layers its table row allows, and the window keeps its rooms (only the frame and the
//! command runner implement `MarginaliaApp`, which has at most fifteen fields, and no panel
//! is handed the whole window).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under `dir`.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("the source folder reads") {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// A file's text without its unit tests (test files, and what follows `#[cfg(test)]`): a
/// test may build its fixtures with a higher layer.
fn production_text(path: &Path) -> String {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if name == "tests.rs" || name.ends_with("_tests.rs") {
        return String::new();
    }
    let text = std::fs::read_to_string(path).expect("a source file reads");
    match text.find("#[cfg(test)]") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// The layer table of ARCHITECTURE.md: each layer and the layers it may use.
fn layer_table() -> Vec<(Vec<String>, BTreeSet<String>)> {
    let doc = std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let ticked = |cell: &str| -> Vec<String> {
        cell.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect()
    };
    let mut rows: Vec<(Vec<String>, BTreeSet<String>)> = Vec::new();
    for line in doc
        .lines()
        .skip_while(|l| !l.starts_with("| layer |"))
        .skip(2)
    {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let [_, layer, uses, ..] = cells.as_slice() else {
            break;
        };
        let mut allowed: BTreeSet<String> = ticked(uses).into_iter().collect();
        if uses.starts_with("everything above") {
            allowed.extend(rows.iter().flat_map(|(names, _)| names.iter().cloned()));
        }
        // A layer cell may name a feature besides the layer (`ui` (feature `gui`)).
        let names = ticked(layer)
            .into_iter()
            .filter(|n| {
                let src = root().join("src");
                src.join(n).is_dir() || src.join(format!("{n}.rs")).is_file()
            })
            .collect();
        rows.push((names, allowed));
    }
    assert!(
        rows.len() > 10,
        "the layer table of ARCHITECTURE.md was not found"
    );
    rows
}

/// The top-level modules a text names after `crate::`, `use crate::{a, b::c}` included.
fn used_modules(text: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    for used in text.split("crate::").skip(1) {
        match used.strip_prefix('{') {
            Some(group) => {
                // Top-level items of the group: split at commas outside nested braces.
                let mut depth = 0;
                let mut start = 0;
                for (i, c) in group.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => {
                            out.push(ident(&group[start..i]));
                            break;
                        }
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            out.push(ident(&group[start..i]));
                            start = i + 1;
                        }
                        _ => {}
                    }
                }
            }
            None => out.push(ident(used)),
        }
    }
    out.retain(|m| !m.is_empty());
    out
}

#[test]
fn each_layer_uses_only_what_its_row_of_the_table_allows() {
    let table = layer_table();
    let mut problems = Vec::new();
    let mut seen = BTreeMap::new();
    for (names, allowed) in &table {
        for layer in names {
            let dir = root().join("src").join(layer);
            let files = if dir.is_dir() {
                sources(&dir)
            } else {
                vec![root().join("src").join(format!("{layer}.rs"))]
            };
            for file in files {
                let text = production_text(&file);
                for module in used_modules(&text) {
                    if &module != layer && !allowed.contains(&module) {
                        problems.push(format!(
                            "{} uses crate::{module}, which the `{layer}` row does not allow",
                            file.strip_prefix(root()).unwrap_or(&file).display()
                        ));
                    }
                }
            }
            seen.insert(layer.clone(), ());
        }
    }
    problems.dedup();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Every top-level module has a row.
    for entry in std::fs::read_dir(root().join("src")).expect("src reads") {
        let path = entry.expect("an entry").path();
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        if stem != "lib" && stem != "main" {
            assert!(
                seen.contains_key(stem),
                "src/{stem} has no row in the layer table"
            );
        }
    }
}

#[test]
fn only_the_frame_and_the_runner_implement_the_window() {
    let ui = root().join("src").join("ui");
    let mut outside = Vec::new();
    for file in sources(&ui) {
        let relative = file.strip_prefix(&ui).expect("under src/ui").to_path_buf();
        let allowed = relative == Path::new("app.rs") || relative.starts_with("run");
        let text = std::fs::read_to_string(&file).expect("a source file reads");
        if !allowed && (text.contains("impl MarginaliaApp") || text.contains("&mut MarginaliaApp"))
        {
            outside.push(relative.display().to_string());
        }
    }
    assert!(
        outside.is_empty(),
        "these files of src/ui implement or take the whole window: {outside:?}"
    );
}

#[test]
fn the_window_has_at_most_fifteen_fields() {
    let text = std::fs::read_to_string(root().join("src/ui/app.rs")).expect("app.rs reads");
    let start = text
        .find("pub struct MarginaliaApp {")
        .expect("MarginaliaApp is declared in app.rs");
    let body = &text[start..];
    let body = &body[..body.find("\n}").expect("the struct ends")];
    let fields = body
        .lines()
        .filter(|l| {
            let l = l.trim_start();
            !l.starts_with("//") && l.contains(':') && !l.contains('{')
        })
        .count();
    assert!(fields > 5, "the field count looks wrong: {fields}");
    assert!(fields <= 15, "MarginaliaApp has {fields} fields");
}
