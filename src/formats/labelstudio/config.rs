//! Reading a Label Studio labeling config: the labels, the text object's data key, and the
//! classification controls (per-region ones become attributes, task-level ones article
//! variables).
//!
//! Label Studio reads its config as XML with case-insensitive tag and attribute names
//! (`<Textarea toname=… perregion="true">` is as good as `<TextArea toName=… perRegion=…>`),
//! so this reads start tags and their attributes, lower-cased, and nothing else: a config is
//! a flat list of controls for what is needed here.

use crate::model::{Rgb, VariableKind};

use super::super::incoming::InAttributeKind;
use super::{ENTITY, NOTE, STATUS};

/// What a labeling config declares.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Config {
    /// The data key of the first `<Text value="$key">`: where a task keeps its text.
    pub text_key: Option<String>,
    /// The labels of every `<Labels>` control, with their colour where it is `#rrggbb`.
    pub labels: Vec<(String, Option<Rgb>)>,
    /// The per-region controls, as attributes.
    pub per_region: Vec<PerRegion>,
    /// The task-level controls, as article variables.
    pub task: Vec<(String, VariableKind)>,
}

/// A per-region control read as an attribute declaration.
#[derive(Debug, PartialEq)]
pub(super) struct PerRegion {
    /// The control's `name`, which results name as `from_name`.
    pub name: String,
    /// What its values are.
    pub kind: InAttributeKind,
    /// The labels its `whenLabelValue` names (comma-separated in Label Studio); empty: all.
    pub when: Vec<String>,
}

impl Config {
    /// Whether the per-region control `name` is a one-choice checkbox, read as a flag.
    pub fn is_flag(&self, name: &str) -> bool {
        self.per_region
            .iter()
            .any(|c| c.name == name && c.kind == InAttributeKind::Flag)
    }
}

/// One start (or empty-element) tag: its name and attributes, lower-cased names.
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
    /// `<… />`.
    empty: bool,
    /// `</…>`.
    end: bool,
}

impl Tag {
    fn get(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn is_true(&self, key: &str) -> bool {
        self.get(key)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }
}

/// The tags of `xml` in order, skipping comments, CDATA, declarations and text. A malformed
/// tag ends the list (what came before is kept).
fn tags(xml: &str) -> Vec<Tag> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let skip_to = if rest.starts_with("!--") {
            Some("-->")
        } else if rest.starts_with("![CDATA[") {
            Some("]]>")
        } else if rest.starts_with(['!', '?']) {
            Some(">")
        } else {
            None
        };
        if let Some(marker) = skip_to {
            match rest.find(marker) {
                Some(n) => {
                    rest = &rest[n + marker.len()..];
                    continue;
                }
                None => break,
            }
        }
        let Some((tag, used)) = tag(rest) else {
            break;
        };
        out.push(tag);
        rest = &rest[used..];
    }
    out
}

/// The tag at the start of `s` (just after its `<`) and the bytes it takes.
fn tag(s: &str) -> Option<(Tag, usize)> {
    let end = s.starts_with('/');
    let mut i = usize::from(end);
    let name_len = s[i..]
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(s.len() - i);
    let name = s[i..i + name_len].to_lowercase();
    i += name_len;
    let mut attrs = Vec::new();
    loop {
        let after = s[i..].trim_start();
        i = s.len() - after.len();
        if after.starts_with("/>") {
            return Some((
                Tag {
                    name,
                    attrs,
                    empty: true,
                    end,
                },
                i + 2,
            ));
        }
        if after.starts_with('>') {
            return Some((
                Tag {
                    name,
                    attrs,
                    empty: false,
                    end,
                },
                i + 1,
            ));
        }
        let key_len =
            after.find(|c: char| c == '=' || c.is_whitespace() || c == '>' || c == '/')?;
        if key_len == 0 {
            return None;
        }
        let key = after[..key_len].to_lowercase();
        let after_key = after[key_len..].trim_start();
        let Some(value_part) = after_key.strip_prefix('=') else {
            // An attribute without a value (HTML style): true.
            attrs.push((key, "true".to_owned()));
            i = s.len() - after_key.len();
            continue;
        };
        let value_part = value_part.trim_start();
        let quote = value_part
            .chars()
            .next()
            .filter(|c| *c == '"' || *c == '\'')?;
        let body = &value_part[1..];
        let close = body.find(quote)?;
        attrs.push((key, unescape(&body[..close])));
        i = s.len() - body.len() + close + 1;
    }
}

/// `s` with XML's character and entity references replaced; an unknown one stays as written.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';') else {
            break;
        };
        let entity = &rest[1..semi];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e => e
                .strip_prefix("#x")
                .or_else(|| e.strip_prefix("#X"))
                .map(|h| u32::from_str_radix(h, 16))
                .or_else(|| e.strip_prefix('#').map(str::parse::<u32>))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The controls Marginalia writes for its own fields, read as those fields, not as codes.
fn is_own_field(name: &str) -> bool {
    [NOTE, ENTITY, STATUS].contains(&name)
}

/// Reads a labeling config.
pub(super) fn parse(xml: &str) -> Config {
    let tags = tags(xml);
    let mut config = Config::default();
    let mut i = 0;
    while let Some(t) = tags.get(i) {
        i += 1;
        if t.end {
            continue;
        }
        match t.name.as_str() {
            "text" | "hypertext" if config.text_key.is_none() => {
                config.text_key = t
                    .get("value")
                    .and_then(|v| v.strip_prefix('$'))
                    .map(str::to_owned);
            }
            "label" => {
                if let Some(value) = t.get("value") {
                    let color = t.get("background").and_then(Rgb::parse);
                    if !config.labels.iter().any(|(l, _)| l == value) {
                        config.labels.push((value.to_owned(), color));
                    }
                }
            }
            "choices" => {
                // Its `<Choice>` children, up to its end tag.
                let mut values = Vec::new();
                if !t.empty {
                    while let Some(c) = tags.get(i) {
                        i += 1;
                        if c.end && c.name == "choices" {
                            break;
                        }
                        if !c.end
                            && c.name == "choice"
                            && let Some(v) = c.get("value")
                        {
                            values.push(v.to_owned());
                        }
                    }
                }
                let Some(name) = t.get("name") else { continue };
                let multiple = t.get("choice") == Some("multiple");
                if t.is_true("perregion") {
                    let kind = if values.len() == 1 && multiple {
                        InAttributeKind::Flag
                    } else {
                        InAttributeKind::Choice { values, multiple }
                    };
                    config.per_region(t, name, kind);
                } else {
                    config
                        .task
                        .push((name.to_owned(), VariableKind::Choice { values }));
                }
            }
            "number" => {
                let Some(name) = t.get("name") else { continue };
                if t.is_true("perregion") {
                    let bound = |k| t.get(k).and_then(|v: &str| v.trim().parse::<i32>().ok());
                    // Without both bounds the values say what the range is.
                    if let (Some(min), Some(max)) = (bound("min"), bound("max")) {
                        config.per_region(t, name, InAttributeKind::Scale { min, max });
                    }
                } else {
                    config.task.push((name.to_owned(), VariableKind::Number));
                }
            }
            "textarea" => {
                let Some(name) = t.get("name") else { continue };
                if t.is_true("perregion") {
                    config.per_region(t, name, InAttributeKind::Text);
                } else {
                    config.task.push((name.to_owned(), VariableKind::Text));
                }
            }
            _ => {}
        }
    }
    config
}

impl Config {
    fn per_region(&mut self, t: &Tag, name: &str, kind: InAttributeKind) {
        if is_own_field(name) {
            return;
        }
        let when = t
            .get("whenlabelvalue")
            .map(|w| {
                w.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        self.per_region.push(PerRegion {
            name: name.to_owned(),
            kind,
            when,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_read_whatever_the_case_of_their_names() {
        let xml = r##"<?xml version="1.0"?>
<View>
  <!-- <Choices name="commented" toName="text" perRegion="true"><Choice value="x"/></Choices> -->
  <Labels name="ner" toName="t">
    <Label value="Person" background="#FF0000"/><Label value="Org &amp; co" background="red"></Label>
  </Labels>
  <Text name="t" value="$reviewText"/>
  <Choices name="sentiment" toName="t" choice="single"><Choice value="Positive"/><Choice value='Négatif'/></Choices>
  <Textarea name="description" toname="t" perregion="true" whenLabelValue="Person, Org &amp; co"></Textarea>
  <Choices name="negated" toName="t" perRegion="true" choice="multiple"><Choice value="negated"/></Choices>
  <Choices name="tone" toName="t" perRegion="true" choice="multiple"><Choice value="a"/><Choice value="b"/></Choices>
  <Number name="intensity" toName="t" perRegion="true" min="-2" max="2"/>
  <Number name="words" toName="t"/>
  <TextArea name="note" toName="t" perRegion="true"/>
</View>"##;
        let c = parse(xml);
        assert_eq!(c.text_key.as_deref(), Some("reviewText"));
        assert_eq!(
            c.labels,
            [
                ("Person".to_owned(), Some(Rgb(255, 0, 0))),
                ("Org & co".to_owned(), None)
            ]
        );
        assert_eq!(
            c.task,
            [
                (
                    "sentiment".to_owned(),
                    VariableKind::Choice {
                        values: vec!["Positive".into(), "Négatif".into()]
                    }
                ),
                ("words".to_owned(), VariableKind::Number)
            ]
        );
        let names: Vec<(&str, &InAttributeKind, &[String])> = c
            .per_region
            .iter()
            .map(|p| (p.name.as_str(), &p.kind, p.when.as_slice()))
            .collect();
        assert_eq!(
            names,
            [
                (
                    "description",
                    &InAttributeKind::Text,
                    &["Person".to_owned(), "Org & co".to_owned()][..]
                ),
                ("negated", &InAttributeKind::Flag, &[][..]),
                (
                    "tone",
                    &InAttributeKind::Choice {
                        values: vec!["a".into(), "b".into()],
                        multiple: true
                    },
                    &[][..]
                ),
                (
                    "intensity",
                    &InAttributeKind::Scale { min: -2, max: 2 },
                    &[][..]
                ),
            ]
        );
        assert!(c.is_flag("negated") && !c.is_flag("tone"));
    }

    #[test]
    fn a_broken_config_keeps_what_came_before_the_break() {
        let c = parse(
            "<View><Text name=\"t\" value=\"$text\"/><Labels name=\"l\" toName=\"t\"><Label value=\"A\"/><Label value=\"B",
        );
        assert_eq!(c.text_key.as_deref(), Some("text"));
        assert_eq!(c.labels, [("A".to_owned(), None)]);
        assert_eq!(
            unescape("a &#x1F600; &#233; &bogus; & b"),
            "a 😀 é &bogus; & b"
        );
    }
}
