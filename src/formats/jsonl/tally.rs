//! What a JSON-lines reader skipped or left out, counted, so that the import report names
//! it: Prodigy tasks answered `reject` or `ignore`, spans answered `reject`, and the members
//! of a task or span that have no place in the project.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// Counts, by what was skipped or left out. Every count is of items that carried something
/// (a member that is `null`, an empty list or an empty object carries nothing and is not
/// counted).
#[derive(Debug, Default)]
pub(crate) struct Tally {
    /// Tasks skipped, by their answer (`reject`, `ignore`).
    pub answers: BTreeMap<String, usize>,
    /// Spans of accepted tasks skipped, by their answer.
    pub span_answers: BTreeMap<String, usize>,
    /// Members of a task not kept, by name, with the number of tasks that had them.
    pub task_fields: BTreeMap<String, usize>,
    /// Members of a span not kept, by name, with the number of spans that had them.
    pub span_fields: BTreeMap<String, usize>,
    /// Members of a relation not kept, by name, with the number of relations that had them.
    pub relation_fields: BTreeMap<String, usize>,
    /// Relations skipped because an end is a skipped span.
    pub relations_to_skipped: usize,
    /// Article variables kept as JSON text (a list or an object in `meta`).
    pub json_variables: usize,
}

/// Whether a member carries something worth counting when it is left out.
pub(crate) fn carries(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Array(items) => !items.is_empty(),
        Value::Object(members) => !members.is_empty(),
        _ => true,
    }
}

impl Tally {
    /// Counts every member of `obj` that carries something and is not one of `known`.
    pub fn others(counts: &mut BTreeMap<String, usize>, obj: &Map<String, Value>, known: &[&str]) {
        for (k, v) in obj {
            if !known.contains(&k.as_str()) && carries(v) {
                *counts.entry(k.clone()).or_default() += 1;
            }
        }
    }

    /// The report's lines, one per kind of thing skipped or left out; `task` is what the
    /// format calls one line (`task`, `example`).
    pub fn notes(&self, task: &str) -> Vec<String> {
        let mut notes = Vec::new();
        let tasks = format!("{task}s");
        if let Some(line) = answered(&self.answers, task, "") {
            notes.push(line);
        }
        if let Some(line) = answered(&self.span_answers, "span", " in accepted tasks") {
            notes.push(line);
        }
        if self.relations_to_skipped > 0 {
            let n = self.relations_to_skipped;
            notes.push(format!(
                "{n} {} to a skipped span, skipped",
                plural(n, "relations")
            ));
        }
        for (what, counts, of) in [
            (task, &self.task_fields, tasks.as_str()),
            ("span", &self.span_fields, "spans"),
            ("relation", &self.relation_fields, "relations"),
        ] {
            if !counts.is_empty() {
                let list: Vec<String> = counts
                    .iter()
                    .map(|(name, n)| format!("{name} ({n} {})", plural(*n, of)))
                    .collect();
                notes.push(format!(
                    "{what} fields not kept: {}{}",
                    list.join(", "),
                    if what == task && counts.contains_key("tokens") {
                        " (tokens are made again from the text on export)"
                    } else {
                        ""
                    }
                ));
            }
        }
        if self.json_variables > 0 {
            notes.push(format!(
                "{} meta {} a list or an object, kept as JSON text in an article variable",
                self.json_variables,
                if self.json_variables == 1 {
                    "value is"
                } else {
                    "values are"
                }
            ));
        }
        notes
    }
}

/// `of` for `n` items: `tasks` → `task` for one.
fn plural(n: usize, of: &str) -> &str {
    if n == 1 {
        of.strip_suffix('s').unwrap_or(of)
    } else {
        of
    }
}

/// "3 tasks answered reject, 1 ignore, skipped": `reject` first, then `ignore`, then any
/// other answer.
fn answered(counts: &BTreeMap<String, usize>, what: &str, where_: &str) -> Option<String> {
    let rank = |a: &str| match a {
        "reject" => 0,
        "ignore" => 1,
        _ => 2,
    };
    let mut items: Vec<(&String, &usize)> = counts.iter().collect();
    items.sort_by_key(|(a, _)| rank(a));
    let ((first, n), rest) = items.split_first()?;
    let whats = format!("{what}s");
    let rest: String = rest.iter().map(|(a, n)| format!(", {n} {a}")).collect();
    Some(format!(
        "{n} {}{where_} answered {first}{rest}, skipped",
        plural(**n, &whats)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notes_name_answers_and_fields_with_their_counts() {
        let mut t = Tally::default();
        t.answers.insert("ignore".into(), 1);
        t.answers.insert("reject".into(), 3);
        t.span_answers.insert("reject".into(), 1);
        t.task_fields.insert("_input_hash".into(), 2);
        t.task_fields.insert("tokens".into(), 1);
        t.span_fields.insert("source".into(), 1);
        t.json_variables = 2;
        assert_eq!(
            t.notes("task"),
            [
                "3 tasks answered reject, 1 ignore, skipped",
                "1 span in accepted tasks answered reject, skipped",
                "task fields not kept: _input_hash (2 tasks), tokens (1 task) (tokens are made again from the text on export)",
                "span fields not kept: source (1 span)",
                "2 meta values are a list or an object, kept as JSON text in an article variable",
            ]
        );
        assert!(Tally::default().notes("task").is_empty());
    }
}
