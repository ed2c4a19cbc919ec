//! brat's `annotation.conf` and `visual.conf`, read for an import: the types a folder declares
//! (entity and event types as tags; relation types and event roles as relation types, with the
//! types they link), their display labels and their colours.
//!
//! The syntax follows brat's `projectconfig.py`: `[section]` lines; `#` comments; lines of
//! hyphens as separators; `<NAME>=value` macros, replaced in the lines after them; a type's
//! names separated by `|` (the first is the name stored in `.ann` files, a leading `!` marks a
//! type that only groups others); arguments `ROLE:TYPE|TYPE` separated by commas, with `?`,
//! `*`, `+` or `{n}` after the role saying how often it may occur.

use std::collections::HashMap;
use std::path::Path;

use crate::formats::incoming::{InAttribute, InAttributeKind, slug};
use crate::formats::{ImportProblem, InRelationKind, InTag, Place, read_text};
use crate::model::Rgb;

use super::{STATUS, storage_form};

/// What a folder's configuration files declare. Empty when they are missing.
#[derive(Debug, Default)]
pub(super) struct Conf {
    /// Entity types that may annotate, in order.
    entities: Vec<String>,
    /// Event types that may annotate, in order.
    events: Vec<String>,
    /// Relation types with the types of their first and second argument (empty: any).
    relations: Vec<(String, Vec<String>, Vec<String>)>,
    /// Event roles with the event types that have them and the types they point to.
    roles: Vec<(String, Vec<String>, Vec<String>)>,
    /// Attributes (`[attributes]`), in order.
    attributes: Vec<ConfAttribute>,
    /// Type → its first display label (`visual.conf`, `[labels]`).
    labels: HashMap<String, String>,
    /// Type → its box colour (`visual.conf`, `[drawing]`, `bgColor`).
    colors: HashMap<String, Rgb>,
    /// The text of `annotation.conf`, as it was read.
    pub(super) annotation_text: Option<String>,
}

/// An attribute `annotation.conf` declares: `Negation Arg:<EVENT>` (binary) or
/// `Confidence Arg:<EVENT>, Value:High|Neutral|Low` (valued).
#[derive(Debug)]
pub(super) struct ConfAttribute {
    /// The name `.ann` files write.
    pub name: String,
    /// The types it attaches to, as written (`<EVENT>`, `Person` …).
    pub args: Vec<String>,
    /// Its values, in order; `None` for a binary attribute.
    pub values: Option<Vec<String>>,
}

impl ConfAttribute {
    /// The kind it comes in as: binary is a flag; values that are the whole numbers of a
    /// range (`-2|-1|0|1|2`, as the export writes a scale) a scale; other values a choice.
    pub(super) fn kind(&self) -> InAttributeKind {
        let Some(values) = &self.values else {
            return InAttributeKind::Flag;
        };
        match scale_of(values) {
            Some((min, max)) => InAttributeKind::Scale { min, max },
            None => InAttributeKind::Choice {
                values: values.clone(),
                multiple: false,
            },
        }
    }

    /// Whether this is the review status the export writes (values among accepted, rejected
    /// and pending): it sets an annotation's status, not an attribute.
    fn is_status(&self) -> bool {
        self.name == STATUS
            && self.values.as_ref().is_some_and(|v| {
                v.iter().all(|v| {
                    matches!(
                        v.to_ascii_lowercase().as_str(),
                        "accepted" | "rejected" | "pending"
                    )
                })
            })
    }
}

/// The range `values` spell when they are two or more whole numbers, each one more than the
/// one before.
pub(super) fn scale_of(values: &[String]) -> Option<(i32, i32)> {
    let numbers: Vec<i32> = values
        .iter()
        .map(|v| v.parse::<i32>().ok().filter(|n| n.to_string() == *v))
        .collect::<Option<_>>()?;
    let (first, last) = (*numbers.first()?, *numbers.last()?);
    let contiguous = numbers
        .windows(2)
        .all(|w| w[0].checked_add(1) == Some(w[1]));
    (numbers.len() >= 2 && contiguous).then_some((first, last))
}

/// One line of a configuration section.
struct Entry {
    /// 1-based line number.
    line: usize,
    /// The type's name as `.ann` files write it.
    name: String,
    /// Its other names (`[labels]` only).
    labels: Vec<String>,
    /// Marked `!`: it groups other types and annotates nothing.
    unused: bool,
    /// `KEY:VALUE|VALUE` arguments.
    args: Vec<(String, Vec<String>)>,
}

impl Conf {
    /// Reads `annotation.conf` and `visual.conf` in `dir`, those that exist.
    pub(super) fn read(dir: &Path, problems: &mut Vec<ImportProblem>) -> Conf {
        let mut conf = Conf::default();
        let path = dir.join("annotation.conf");
        if path.is_file()
            && let Some(text) = read_text(&path, problems)
        {
            conf.annotation(&text, &path, problems);
            conf.annotation_text = Some(text);
        }
        let path = dir.join("visual.conf");
        if path.is_file()
            && let Some(text) = read_text(&path, problems)
        {
            conf.visual(&text, &path, problems);
        }
        conf
    }

    /// The rules of an `annotation.conf` kept in the project (see `kept`); what does not parse
    /// is left out.
    pub(super) fn kept(text: &str) -> Conf {
        let mut conf = Conf::default();
        conf.annotation(text, Path::new("annotation.conf"), &mut Vec::new());
        conf
    }

    /// The event types declared, as `.ann` files name them.
    pub(super) fn event_types(&self) -> &[String] {
        &self.events
    }

    /// The entity types declared.
    pub(super) fn entity_types(&self) -> &[String] {
        &self.entities
    }

    /// The relation types declared (not the overlap rules).
    pub(super) fn relation_types(&self) -> impl Iterator<Item = &str> {
        self.relations.iter().map(|(n, _, _)| n.as_str())
    }

    /// The event roles declared, without their numbers.
    pub(super) fn role_names(&self) -> impl Iterator<Item = &str> {
        self.roles.iter().map(|(n, _, _)| n.as_str())
    }

    /// Whether event type `event` may have role `role` (without its number) pointing at a
    /// `to` (brat's roles, as this reads them, allow the union of the types given).
    pub(super) fn allows_role(&self, event: &str, role: &str, to: &str) -> bool {
        self.roles.iter().any(|(r, from, types)| {
            r == role
                && from.iter().any(|f| f == event)
                && (types.is_empty() || types.iter().any(|t| t == to))
        })
    }

    /// The attributes declared, by the names `.ann` files write.
    pub(super) fn attribute_names(&self) -> impl Iterator<Item = &str> {
        self.attributes.iter().map(|a| a.name.as_str())
    }

    /// Whether relation type `name` may link a `from` to a `to` (types as `.ann` files name
    /// them).
    pub(super) fn allows_relation(&self, name: &str, from: &str, to: &str) -> bool {
        let fits = |types: &[String], t: &str| types.is_empty() || types.iter().any(|x| x == t);
        self.relations
            .iter()
            .any(|(n, f, t)| n == name && fits(f, from) && fits(t, to))
    }

    fn annotation(&mut self, text: &str, file: &Path, problems: &mut Vec<ImportProblem>) {
        let sections = entries(text, file, problems);
        let section = |name: &'static str| {
            sections
                .iter()
                .filter(move |(s, _)| s == name)
                .flat_map(|(_, e)| e)
        };
        self.entities = section("entities")
            .filter(|e| !e.unused)
            .map(|e| e.name.clone())
            .collect();
        self.events = section("events")
            .filter(|e| !e.unused)
            .map(|e| e.name.clone())
            .collect();
        for e in section("relations") {
            // Which spans may overlap, not a relation type.
            if e.name == "ENTITY-NESTING" || e.name == "<OVERLAP>" {
                continue;
            }
            let mut args = e.args.iter().filter(|(role, _)| !role.starts_with('<'));
            let mut types = || args.next().map(|(_, t)| self.expand(t)).unwrap_or_default();
            let (from, to) = (types(), types());
            self.relations.push((e.name.clone(), from, to));
        }
        for e in section("attributes") {
            let arg = |key: &str| {
                e.args
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, v)| v.iter().filter(|v| !v.is_empty()).cloned().collect())
            };
            self.attributes.push(ConfAttribute {
                name: e.name.clone(),
                args: arg("Arg").unwrap_or_default(),
                values: arg("Value"),
            });
        }
        for e in section("events") {
            for (role, types) in e.args.iter().filter(|(role, _)| !role.starts_with('<')) {
                let role = role_name(role);
                let to = self.expand(types);
                match self.roles.iter_mut().find(|(r, _, _)| *r == role) {
                    Some((_, from, known)) => {
                        push_new(from, [e.name.clone()]);
                        push_new(known, to);
                    }
                    None => self.roles.push((role, vec![e.name.clone()], to)),
                }
            }
        }
    }

    fn visual(&mut self, text: &str, file: &Path, problems: &mut Vec<ImportProblem>) {
        for (section, entries) in entries(text, file, problems) {
            for e in entries {
                match section.as_str() {
                    "labels" => {
                        if let Some(label) = e.labels.into_iter().next() {
                            // brat takes the last definition of a type's labels.
                            self.labels.insert(e.name, label);
                        }
                    }
                    "drawing" => {
                        let Some((_, values)) = e.args.iter().find(|(k, _)| k == "bgColor") else {
                            continue;
                        };
                        let value = values.join("|");
                        match color(&value) {
                            Ok(Some(rgb)) => {
                                self.colors.insert(e.name, rgb);
                            }
                            Ok(None) => {}
                            Err(()) => problems.push(ImportProblem::new(
                                Place::line(file, e.line),
                                format!(
                                    "{}: bgColor {value:?} is not a colour (expected #rrggbb, #rgb or an HTML colour name)",
                                    e.name
                                ),
                            )),
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    /// `types` with `<ENTITY>` and `<EVENT>` replaced by the types declared; empty (any type)
    /// when one of them is `<ANY>`.
    fn expand(&self, types: &[String]) -> Vec<String> {
        let mut out = Vec::new();
        for t in types {
            match t.as_str() {
                "<ANY>" => return Vec::new(),
                "<ENTITY>" => push_new(&mut out, self.entities.iter().cloned()),
                "<EVENT>" => push_new(&mut out, self.events.iter().cloned()),
                other if other.starts_with('<') => {}
                other => push_new(&mut out, [other.trim_start_matches('!').to_owned()]),
            }
        }
        out
    }

    /// The name to import type `name` under: its display label when that label is the same
    /// name written for people (`Merge-org | Merge org`, `said_by | said by`, or a label
    /// whose storage form is the name), so that tags keep their labels through an export and
    /// an import; otherwise `name` itself (`GPE | Geo-political entity` stays `GPE`).
    pub(super) fn display(&self, name: &str) -> String {
        match self.labels.get(name) {
            Some(label) if slug(label) == slug(name) || storage_form(label) == name => {
                label.clone()
            }
            _ => name.to_owned(),
        }
    }

    /// The attribute declared as `name` (the name `.ann` files write), other than the review
    /// status.
    pub(super) fn attribute(&self, name: &str) -> Option<&ConfAttribute> {
        self.attributes
            .iter()
            .find(|a| a.name == name && !a.is_status())
    }

    /// Whether `attribute` attaches to type `name`, an entity or event type when `tag`, a
    /// relation type otherwise (brat's `attributes_for`).
    fn attaches(&self, attribute: &ConfAttribute, name: &str, tag: bool) -> bool {
        attribute.args.iter().any(|t| match t.as_str() {
            "<ANY>" => true,
            "<ENTITY>" => tag && self.entities.iter().any(|e| e == name),
            "<EVENT>" => tag && self.events.iter().any(|e| e == name),
            "<RELATION>" => !tag,
            other => other.trim_start_matches('!') == name,
        })
    }

    /// The attributes declared for type `name`, by the names they are imported under.
    fn attributes_of(&self, name: &str, tag: bool) -> Vec<InAttribute> {
        self.attributes
            .iter()
            .filter(|a| !a.is_status() && self.attaches(a, name, tag))
            .map(|a| InAttribute {
                name: self.display(&a.name),
                kind: a.kind(),
            })
            .collect()
    }

    /// The tag types (entity then event types, with their colours) and relation types
    /// (relations, then event roles) declared, by the names they are imported under, each
    /// with the attributes `[attributes]` gives it.
    pub(super) fn declared(&self) -> (Vec<InTag>, Vec<InRelationKind>) {
        let tags = self
            .entities
            .iter()
            .chain(&self.events)
            .map(|t| InTag {
                attributes: self.attributes_of(t, true),
                name: self.display(t),
                color: self.colors.get(t).copied(),
            })
            .collect();
        let names = |types: &[String]| types.iter().map(|t| self.display(t)).collect();
        let kinds = self
            .relations
            .iter()
            .map(|(name, from, to)| (name, from, to, self.attributes_of(name, false)))
            .chain(
                self.roles
                    .iter()
                    .map(|(name, from, to)| (name, from, to, Vec::new())),
            )
            .map(|(name, from, to, attributes)| InRelationKind {
                attributes,
                name: self.display(name),
                from: names(from),
                to: names(to),
            })
            .collect();
        (tags, kinds)
    }
}

/// An event argument's role without its repetition number (`Org-Arg2` → `Org-Arg`), as brat's
/// `split_role` reads it: repeated arguments are numbered from the second on.
pub(super) fn role_name(role: &str) -> String {
    let role = role.split('{').next().unwrap_or(role);
    let role = role.trim_end_matches(['?', '*', '+']);
    let digits = role.len() - role.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let keep = role.len().saturating_sub(digits).max(1).min(role.len());
    role.get(..keep).unwrap_or(role).to_owned()
}

fn push_new(list: &mut Vec<String>, items: impl IntoIterator<Item = String>) {
    for item in items {
        if !list.contains(&item) {
            list.push(item);
        }
    }
}

/// A brat colour: `#rrggbb`, `#rgb` or an HTML colour name; `Ok(None)` for no colour
/// (`transparent`, `none`).
pub(super) fn color(value: &str) -> Result<Option<Rgb>, ()> {
    let value = value.trim();
    let lower = value.to_ascii_lowercase();
    if matches!(lower.as_str(), "transparent" | "none" | "<none>") {
        return Ok(None);
    }
    if let Some(hex) = value.strip_prefix('#') {
        if hex.len() == 3 && hex.is_ascii() {
            let doubled: String = hex.chars().flat_map(|c| [c, c]).collect();
            return Rgb::parse(&doubled).map(Some).ok_or(());
        }
        return Rgb::parse(hex).map(Some).ok_or(());
    }
    cssparser::color::parse_named_color(&lower).map(|(r, g, b)| Some(Rgb(r, g, b)))
}

/// The entries of every section of a configuration file, in order, by section name.
fn entries(
    text: &str,
    file: &Path,
    problems: &mut Vec<ImportProblem>,
) -> Vec<(String, Vec<Entry>)> {
    let mut sections: Vec<(String, Vec<Entry>)> = Vec::new();
    let mut macros: Vec<(String, String)> = Vec::new();
    let mut section = String::new();
    for (n, raw) in text.lines().enumerate() {
        let line = n + 1;
        let trimmed = raw.trim();
        if let Some(name) = trimmed.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            section = name.trim().to_owned();
            macros.clear();
            continue;
        }
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.chars().all(|c| c == '-') {
            continue;
        }
        if trimmed.starts_with('<')
            && let Some((name, value)) = trimmed.split_once(">=")
        {
            macros.push((format!("{name}>"), value.trim().to_owned()));
            continue;
        }
        let mut expanded = raw.to_owned();
        for (name, value) in &macros {
            expanded = expanded.replace(name.as_str(), value);
        }
        let expanded = expanded.trim();
        let entry = if section == "labels" {
            // Names and labels separated by `|`; labels may hold spaces.
            let head = expanded.split('\t').next().unwrap_or(expanded);
            let mut terms = head.split('|').map(str::trim).filter(|t| !t.is_empty());
            let name = terms.next().unwrap_or_default().to_owned();
            Entry {
                line,
                name,
                labels: terms.map(str::to_owned).collect(),
                unused: false,
                args: Vec::new(),
            }
        } else {
            let (head, rest) = expanded
                .split_once(char::is_whitespace)
                .unwrap_or((expanded, ""));
            let first = head.split('|').next().unwrap_or(head).trim();
            let mut args = Vec::new();
            for arg in rest.split(',').map(str::trim).filter(|a| !a.is_empty()) {
                match arg.split_once(':') {
                    Some((key, types)) => args.push((
                        key.trim().to_owned(),
                        types.split('|').map(|t| t.trim().to_owned()).collect(),
                    )),
                    None => problems.push(ImportProblem::new(
                        Place::line(file, line),
                        format!("[{section}] {first}: expected KEY:VALUE arguments separated by commas, found {arg:?}"),
                    )),
                }
            }
            Entry {
                line,
                name: first.trim_start_matches('!').to_owned(),
                labels: Vec::new(),
                unused: first.starts_with('!'),
                args,
            }
        };
        match sections.last_mut() {
            Some((s, list)) if *s == section => list.push(entry),
            _ => sections.push((section.clone(), vec![entry])),
        }
    }
    sections
}
