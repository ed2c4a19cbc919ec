//! An imported corpus's `annotation.conf`, kept in the project's notes so that the export
//! writes the corpus's rules back (its types, which of them are events and with which roles,
//! its overlap and nesting rules, its attributes) and adds only what the data needs.
//!
//! The import adds one paragraph per folder read: a line naming the folder, then the file in
//! a fenced block whose info string is [`FENCE`]. The export reads every such block of the
//! notes (several folders: their sections joined, lines given twice written once). A user who
//! deletes the paragraph gets the export's own configuration, without events.

use super::conf::Conf;

/// The info string of the fenced block that holds a kept `annotation.conf`.
const FENCE: &str = "```brat annotation.conf";

/// The paragraph the import adds to the project's notes for the `annotation.conf` of folder
/// `folder`, with text `text`.
pub(super) fn paragraph(folder: &str, text: &str) -> String {
    format!(
        "brat annotation.conf of {folder}, kept by the import: the brat export writes its rules back.\n{FENCE}\n{}\n```\n",
        text.trim_end_matches(['\n', '\r'])
    )
}

/// The kept configuration: its sections' lines as written, and what they declare.
pub(super) struct Kept {
    /// `(section, lines)` in the order first met; lines before any section under `""`.
    sections: Vec<(String, Vec<String>)>,
    /// What the lines declare.
    pub conf: Conf,
}

impl Kept {
    /// The configuration kept in `notes`, if any block holds one.
    pub(super) fn from_notes(notes: &str) -> Option<Kept> {
        let mut sections: Vec<(String, Vec<String>)> = Vec::new();
        let mut found = false;
        let mut lines = notes.lines();
        while let Some(line) = lines.next() {
            if line.trim_end() != FENCE {
                continue;
            }
            found = true;
            // This block's sections, then joined to those of the blocks before.
            let mut block: Vec<(String, Vec<String>)> = vec![(String::new(), Vec::new())];
            for line in lines.by_ref() {
                if line.trim_end() == "```" {
                    break;
                }
                let trimmed = line.trim();
                match trimmed.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
                    Some(name) => block.push((name.trim().to_owned(), Vec::new())),
                    None => {
                        if let Some((_, list)) = block.last_mut() {
                            list.push(line.to_owned());
                        }
                    }
                }
            }
            let first = sections.is_empty();
            for (name, list) in block {
                let at = match sections.iter().position(|(s, _)| *s == name) {
                    Some(i) => i,
                    None => {
                        sections.push((name, Vec::new()));
                        sections.len() - 1
                    }
                };
                if let Some((_, known)) = sections.get_mut(at) {
                    for line in list {
                        if first || !known.contains(&line) {
                            known.push(line);
                        }
                    }
                }
            }
        }
        if !found {
            return None;
        }
        let text = sections
            .iter()
            .map(|(s, lines)| format!("[{s}]\n{}\n", lines.join("\n")))
            .collect::<String>();
        Some(Kept {
            conf: Conf::kept(&text),
            sections,
        })
    }

    /// The lines of section `name` as kept, without blank lines at either end.
    pub(super) fn lines(&self, name: &str) -> Vec<&str> {
        let Some((_, lines)) = self.sections.iter().find(|(s, _)| s == name) else {
            return Vec::new();
        };
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        let start = lines.iter().position(|l| !l.trim().is_empty());
        let end = lines.iter().rposition(|l| !l.trim().is_empty());
        match (start, end) {
            (Some(s), Some(e)) => lines.get(s..=e).unwrap_or_default().to_vec(),
            _ => Vec::new(),
        }
    }

    /// Whether the kept rules say anything about overlapping spans.
    pub(super) fn has_overlap_rules(&self) -> bool {
        self.lines("relations").iter().any(|l| {
            let l = l.trim_start();
            l.starts_with("<OVERLAP>") || l.starts_with("ENTITY-NESTING")
        })
    }
}
