//! Filtering by codes: the spans that carry a value (a claim that *opposes*, one coded
//! *Ceasefire*, a span with a flag set), for the annotation list's value filter and for a
//! search kept to the text inside such spans.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use crate::model::{
    Annotation, AttributeId, AttributeKind, ByteOffset, CodeId, DocId, Project, TagId, Value,
};

use super::Hit;

/// A value to filter by: an attribute and, for a choice or a code, which of its values or
/// codes (by id); without one, any value of the attribute (a flag set, a scale or text given).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ValueFilter {
    /// The attribute, by id.
    pub attribute: AttributeId,
    /// A choice value's id or a code's id; `None` for any value.
    pub value: Option<String>,
}

impl ValueFilter {
    /// Whether `a` carries this value.
    pub fn matches(&self, a: &Annotation) -> bool {
        let Some(value) = a.values.get(&self.attribute) else {
            return false;
        };
        let Some(wanted) = &self.value else {
            return true;
        };
        match value {
            Value::Choice(ids) => ids.iter().any(|id| id == wanted),
            Value::Code(code) => code.as_str() == wanted,
            Value::Flag | Value::Scale(_) | Value::Text(_) => false,
        }
    }
}

/// The filters the attributes of `tag` (of every tag, without one) offer, with the label shown
/// for each ("Stance: opposes", "Concept: Ceasefire", "Negated"): each value of a choice, each
/// code of a code attribute's codebook that some span of those tags carries (a codebook of
/// hundreds of codes lists only those in use), and "any value" of a flag, scale or text. An
/// attribute two tags share by id is offered once.
pub fn value_filters(project: &Project, tag: Option<&TagId>) -> Vec<(ValueFilter, String)> {
    let tags: Vec<_> = project
        .schema
        .tags
        .iter()
        .filter(|t| tag.is_none_or(|id| &t.id == id))
        .collect();
    // The codes in use, in one pass over the spans.
    let mut used: HashSet<(&AttributeId, &CodeId)> = HashSet::new();
    for a in project.annotations.values() {
        if tags.iter().any(|t| t.id == a.tag) {
            for (attr, value) in &a.values {
                if let Value::Code(code) = value {
                    used.insert((attr, code));
                }
            }
        }
    }
    let mut out: Vec<(ValueFilter, String)> = Vec::new();
    let mut push = |filter: ValueFilter, label: String| {
        if !out.iter().any(|(f, _)| *f == filter) {
            out.push((filter, label));
        }
    };
    for t in &tags {
        for attr in &t.attributes {
            let filter = |value: Option<&str>| ValueFilter {
                attribute: attr.id.clone(),
                value: value.map(str::to_owned),
            };
            match &attr.kind {
                AttributeKind::Choice { values, .. } => {
                    for v in values {
                        push(filter(Some(&v.id)), format!("{}: {}", attr.label, v.label));
                    }
                }
                AttributeKind::Code { codebook } => {
                    let Some(book) = project.codebooks.get(codebook) else {
                        continue;
                    };
                    for code in &book.codes {
                        if used.contains(&(&attr.id, &code.id)) {
                            push(
                                filter(Some(code.id.as_str())),
                                format!("{}: {}", attr.label, code.label),
                            );
                        }
                    }
                }
                AttributeKind::Flag => push(filter(None), attr.label.clone()),
                AttributeKind::Scale { .. } | AttributeKind::Text => {
                    push(filter(None), format!("{}: any value", attr.label));
                }
            }
        }
    }
    out
}

/// The hits that overlap a span carrying `filter`'s value, among the layers `layers` (every
/// layer with `None`): a search kept to claims that oppose, say. Order is kept.
pub fn hits_within(
    project: &Project,
    hits: Vec<Hit>,
    filter: &ValueFilter,
    layers: Option<&[String]>,
) -> Vec<Hit> {
    let mut spans: HashMap<&DocId, Vec<Range<ByteOffset>>> = HashMap::new();
    for a in project.annotations.values() {
        if layers.is_none_or(|l| l.contains(&a.annotator)) && filter.matches(a) {
            spans
                .entry(&a.doc)
                .or_default()
                .extend(a.fragments.iter().map(|f| f.start..f.end));
        }
    }
    hits.into_iter()
        .filter(|h| {
            spans.get(&h.doc).is_some_and(|ranges| {
                ranges
                    .iter()
                    .any(|r| r.start < h.range.end && h.range.start < r.end)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ops, project_from_marked};
    use crate::search::{SearchOptions, search_project};

    fn coded() -> Project {
        let text = "[actor|Macron 🇫🇷] said [claim|talks in 北京 could start]; \
                    [actor|Xi] said [claim|talks are premature] and [claim|Zoe\u{301} talks].";
        let (mut p, _) = project_from_marked(text, "ana", jiff::Timestamp::UNIX_EPOCH).unwrap();
        let mut claims: Vec<&Annotation> = p
            .annotations
            .values()
            .filter(|a| a.tag.as_str() == "claim")
            .collect();
        claims.sort_by_key(|a| a.fragments[0].start);
        let ids: Vec<_> = claims.iter().map(|a| a.id.clone()).collect();
        for (id, stance) in ids.iter().zip(["supports", "opposes"]) {
            ops::set_value(
                &p,
                id,
                &"stance".into(),
                Some(Value::Choice(vec![stance.into()])),
                jiff::Timestamp::UNIX_EPOCH,
            )
            .unwrap()
            .apply(&mut p)
            .unwrap();
        }
        p
    }

    fn stance(v: &str) -> ValueFilter {
        ValueFilter {
            attribute: "stance".into(),
            value: Some(v.into()),
        }
    }

    #[test]
    fn a_search_within_a_value_keeps_the_hits_inside_spans_that_carry_it() {
        let p = coded();
        let hits = search_project(&p, "talks", &SearchOptions::default());
        assert_eq!(hits.len(), 3);
        let text = &p.documents[0].text;
        let words = |hits: &[Hit]| -> Vec<String> {
            hits.iter()
                .map(|h| text[h.range.start.0 + 6..].chars().take(3).collect())
                .collect()
        };
        let opposes = hits_within(&p, hits.clone(), &stance("opposes"), None);
        assert_eq!(words(&opposes), ["are"]);
        let supports = hits_within(&p, hits.clone(), &stance("supports"), None);
        assert_eq!(words(&supports), ["in "]);
        // The third claim has no stance: "any stance" finds the two coded ones.
        let any = ValueFilter {
            attribute: "stance".into(),
            value: None,
        };
        assert_eq!(hits_within(&p, hits.clone(), &any, None).len(), 2);
        // Another layer's spans do not count when only ana's… and bo has none.
        assert!(hits_within(&p, hits, &stance("opposes"), Some(&["bo".to_owned()])).is_empty());
    }

    #[test]
    fn filters_offered_are_each_choice_value_and_the_codes_in_use() {
        let mut p = coded();
        let claim = p
            .annotations
            .values()
            .find(|a| a.tag.as_str() == "claim")
            .unwrap()
            .id
            .clone();
        let concepts = crate::model::CodebookId::from(crate::model::CONCEPTS);
        let code = crate::model::Code {
            id: "ceasefire".into(),
            label: "Waffenstillstand 停火".into(),
            color: None,
            definition: String::new(),
            parent: None,
            aliases: Vec::new(),
        };
        ops::put_code(&p, &concepts, code)
            .unwrap()
            .apply(&mut p)
            .unwrap();
        let code = crate::model::CodeId::from("ceasefire");
        for (_, label) in value_filters(&p, Some(&"claim".into())) {
            assert!(
                !label.contains("停火"),
                "an unused code is not offered: {label}"
            );
        }
        ops::set_value(
            &p,
            &claim,
            &"concept".into(),
            Some(Value::Code(code.clone())),
            jiff::Timestamp::UNIX_EPOCH,
        )
        .unwrap()
        .apply(&mut p)
        .unwrap();
        let offered = value_filters(&p, Some(&"claim".into()));
        let labels: Vec<&str> = offered.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(
            labels,
            [
                "Stance: supports",
                "Stance: opposes",
                "Stance: neutral or unclear",
                "Concept: Waffenstillstand 停火"
            ]
        );
        let (filter, _) = offered.last().unwrap();
        assert!(filter.matches(&p.annotations[&claim]));
        // Every tag: the condition's concept is the same attribute, offered once.
        assert_eq!(value_filters(&p, None).len(), 4);
        // The actor has no attributes.
        assert!(value_filters(&p, Some(&"actor".into())).is_empty());
    }
}
