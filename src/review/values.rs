//! Agreement on codes: per attribute (a claim's stance, its concept …) and pair of annotators,
//! over the spans the relaxed span F1 matches (same tag, overlapping, one to one by the
//! largest overlap).
//!
//! Each matched pair of spans is one unit; an annotator's category is the value they gave
//! (a flag is `yes` or `no`; a choice its value ids joined with `+`; a scale its number; a
//! code its id; a text the text). A unit counts where both gave a value: a span left uncoded
//! is missing, not a category, so coding more of the spans does not look like disagreement.
//! Over those units come Cohen's κ, Gwet's AC1 (which skewed values do not drive down the way
//! they drive κ) and Krippendorff's α (nominal; for two coders and no missing values, as the
//! `krippendorff` package computes it over the same units).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use super::coef::{AlphaTable, PairTable};
use super::spans::relaxed_pairs;
use super::units::Units;
use crate::model::{Annotation, AttributeKind, DocId, Project, Value};

/// Agreement on one attribute of one tag between two annotators.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AttributeAgreement {
    /// The first annotator (as in [`super::agree::PairAgreement::a`]).
    pub a: String,
    /// The second annotator.
    pub b: String,
    /// The tag id.
    pub tag: String,
    /// The attribute id.
    pub attribute: String,
    /// The attribute's label ("Stance").
    pub label: String,
    /// Span pairs matched (relaxed) with this tag.
    pub matched: usize,
    /// Matched pairs where both gave a value: the units of the coefficients.
    pub units: usize,
    /// Units with the same value.
    pub agree: usize,
    /// Cohen's κ over the units.
    pub cohen_kappa: Option<f64>,
    /// Gwet's AC1 over the units.
    pub gwet_ac1: Option<f64>,
    /// Krippendorff's α (nominal) over the units.
    pub krippendorff_alpha: Option<f64>,
}

/// The values two annotators gave one attribute on their matched spans: `(theirs, mine)`
/// per matched pair, `None` where one gave none.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ValuePairs {
    /// First annotator.
    pub a: String,
    /// Second annotator.
    pub b: String,
    /// Tag id.
    pub tag: String,
    /// Attribute id.
    pub attribute: String,
    /// The attribute's label.
    pub label: String,
    /// One entry per matched pair of spans, in document order.
    pub values: Vec<CategoryPair>,
}

/// The categories two annotators gave one unit, `None` where one gave none.
pub type CategoryPair = (Option<String>, Option<String>);

/// A value as one category string; `None` when absent (a flag absent is `no`).
fn category(kind: &AttributeKind, value: Option<&Value>) -> Option<String> {
    match (kind, value) {
        (AttributeKind::Flag, v) => Some(if v.is_some() { "yes" } else { "no" }.to_owned()),
        (_, None) => None,
        (_, Some(Value::Flag)) => Some("yes".to_owned()),
        (_, Some(Value::Choice(ids))) => {
            let mut ids = ids.clone();
            ids.sort();
            Some(ids.join("+"))
        }
        (_, Some(Value::Scale(n))) => Some(n.to_string()),
        (_, Some(Value::Text(t))) => Some(t.clone()),
        (_, Some(Value::Code(c))) => Some(c.to_string()),
    }
}

/// For every pair of `units`' annotators and every attribute the schema declares, the values
/// on their matched spans, over the documents that count for both.
pub fn value_pairs(project: &Project, units: &Units) -> Vec<ValuePairs> {
    let names = &units.annotators;
    let mut layers: HashMap<(&DocId, &str), Vec<&Annotation>> = HashMap::new();
    for a in project.annotations.values() {
        if names.contains(&a.annotator) {
            layers.entry((&a.doc, &a.annotator)).or_default().push(a);
        }
    }
    let attributes: Vec<(&str, &crate::model::Attribute)> = project
        .schema
        .tags
        .iter()
        .flat_map(|t| t.attributes.iter().map(move |a| (t.id.as_str(), a)))
        .collect();
    let mut out = Vec::new();
    for i in 0..names.len() {
        for j in i + 1..names.len() {
            let mut per: BTreeMap<usize, Vec<CategoryPair>> = BTreeMap::new();
            for (doc, du) in project.documents.iter().zip(&units.documents) {
                if !(du.counts(i) && du.counts(j)) {
                    continue;
                }
                let empty = Vec::new();
                let mine = layers.get(&(&doc.id, names[i].as_str())).unwrap_or(&empty);
                let theirs = layers.get(&(&doc.id, names[j].as_str())).unwrap_or(&empty);
                for (x, y) in relaxed_pairs(mine, theirs) {
                    let (Some(x), Some(y)) = (mine.get(x), theirs.get(y)) else {
                        continue;
                    };
                    for (k, (tag, attr)) in attributes.iter().enumerate() {
                        if x.tag.as_str() != *tag {
                            continue;
                        }
                        per.entry(k).or_default().push((
                            category(&attr.kind, x.values.get(&attr.id)),
                            category(&attr.kind, y.values.get(&attr.id)),
                        ));
                    }
                }
            }
            for (k, (tag, attr)) in attributes.iter().enumerate() {
                out.push(ValuePairs {
                    a: names[i].clone(),
                    b: names[j].clone(),
                    tag: (*tag).to_owned(),
                    attribute: attr.id.to_string(),
                    label: attr.label.clone(),
                    values: per.remove(&k).unwrap_or_default(),
                });
            }
        }
    }
    out
}

impl ValuePairs {
    /// The coefficients over the pairs where both gave a value.
    pub fn agreement(&self) -> AttributeAgreement {
        let both: Vec<(&str, &str)> = self
            .values
            .iter()
            .filter_map(|(x, y)| Some((x.as_deref()?, y.as_deref()?)))
            .collect();
        let categories: Vec<&str> = both
            .iter()
            .flat_map(|(x, y)| [*x, *y])
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let index = |c: &str| categories.binary_search(&c).unwrap_or(0);
        let mut table = PairTable::new(categories.len());
        let mut alpha = AlphaTable::new(categories.len());
        for (x, y) in &both {
            let (x, y) = (index(x), index(y));
            table.record(x, y);
            alpha.record(&[x, y]);
        }
        AttributeAgreement {
            a: self.a.clone(),
            b: self.b.clone(),
            tag: self.tag.clone(),
            attribute: self.attribute.clone(),
            label: self.label.clone(),
            matched: self.values.len(),
            units: both.len(),
            agree: both.iter().filter(|(x, y)| x == y).count(),
            cohen_kappa: table.kappa(),
            gwet_ac1: table.ac1(),
            krippendorff_alpha: alpha.alpha(),
        }
    }

    /// The pairs as JSON for outside checks: `[a's value, b's value]`, `null` where missing.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "a": self.a,
            "b": self.b,
            "tag": self.tag,
            "attribute": self.attribute,
            "values": self.values,
        })
    }
}

/// Agreement per attribute for every pair of `units`' annotators.
pub fn attribute_agreement(project: &Project, units: &Units) -> Vec<AttributeAgreement> {
    value_pairs(project, units)
        .iter()
        .map(ValuePairs::agreement)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AnnotationId, ops, project_from_marked};
    use crate::review::diff::tests::add_layer;

    fn set(p: &mut Project, id: &AnnotationId, attribute: &str, value: Value) {
        ops::set_value(
            p,
            id,
            &attribute.into(),
            Some(value),
            jiff::Timestamp::UNIX_EPOCH,
        )
        .unwrap()
        .apply(p)
        .unwrap();
    }

    fn claims_of<'p>(p: &'p Project, who: &str) -> Vec<&'p Annotation> {
        let mut list: Vec<&Annotation> = p
            .annotations
            .values()
            .filter(|a| a.annotator == who && a.tag.as_str() == "claim")
            .collect();
        list.sort_by_key(|a| a.start());
        list
    }

    /// Six claims both mark (one shifted by a word), coded with stances: hand-counted
    /// κ, AC1 and α.
    #[test]
    fn stance_agreement_over_matched_claims_equals_the_hand_count() {
        let ana = "[claim|Paix 和平] now. [claim|Talks] soon. [claim|Café e\u{301}lan] here. \
                   [claim|No deal] ever. [claim|Wait] and see. [claim|Go 🇫🇷] ahead.";
        let bo = "[claim|Paix 和平] now. [claim|Talks soon]. [claim|Café e\u{301}lan] here. \
                  [claim|No deal] ever. [claim|Wait] and see. [claim|Go 🇫🇷] ahead.";
        let (mut p, _) = project_from_marked(ana, "ana", jiff::Timestamp::UNIX_EPOCH).unwrap();
        add_layer(&mut p, "bo", bo);
        // ana: + + - - 0 (none); bo: + - - - 0 +
        let stances = [
            (
                "ana",
                [
                    Some("supports"),
                    Some("supports"),
                    Some("opposes"),
                    Some("opposes"),
                    Some("neutral"),
                    None,
                ],
            ),
            (
                "bo",
                [
                    Some("supports"),
                    Some("opposes"),
                    Some("opposes"),
                    Some("opposes"),
                    Some("neutral"),
                    Some("supports"),
                ],
            ),
        ];
        for (who, values) in stances {
            let ids: Vec<AnnotationId> = claims_of(&p, who).iter().map(|a| a.id.clone()).collect();
            for (id, v) in ids.iter().zip(values) {
                if let Some(v) = v {
                    set(&mut p, id, "stance", Value::Choice(vec![v.into()]));
                }
            }
        }
        let units = Units::of(&p, &["ana".to_owned(), "bo".to_owned()]);
        let all = attribute_agreement(&p, &units);
        let stance = all
            .iter()
            .find(|r| r.tag == "claim" && r.attribute == "stance")
            .unwrap();
        assert_eq!((stance.matched, stance.units, stance.agree), (6, 5, 4));
        // Units: (s,s) (s,o) (o,o) (o,o) (n,n). p_o = 4/5.
        // κ: a = s2 o2 n1, b = s1 o3 n1 → p_e = (2·1 + 2·3 + 1·1)/25 = 9/25;
        //    κ = (20/25 − 9/25)/(16/25) = 11/16.
        assert!((stance.cohen_kappa.unwrap() - 11.0 / 16.0).abs() < 1e-12);
        // AC1: π = s 3/10, o 5/10, n 2/10; p_e = (0.21 + 0.25 + 0.16)/2 = 0.31;
        //      AC1 = (0.8 − 0.31)/0.69.
        assert!((stance.gwet_ac1.unwrap() - 0.49 / 0.69).abs() < 1e-12);
        // α: n = 10, n_c = 3, 5, 2; D_o = 2 (one disagreeing unit: (4 − 2)/1);
        //    α = 1 − 9 · 2 / (100 − 38) = 1 − 18/62.
        assert!((stance.krippendorff_alpha.unwrap() - (1.0 - 18.0 / 62.0)).abs() < 1e-12);
        // The concept was coded on none: no units, every coefficient undefined.
        let concept = all
            .iter()
            .find(|r| r.tag == "claim" && r.attribute == "concept")
            .unwrap();
        assert_eq!((concept.matched, concept.units), (6, 0));
        assert_eq!(concept.cohen_kappa, None);
        assert_eq!(concept.gwet_ac1, None);
    }

    #[test]
    fn a_flag_absent_is_no_and_one_category_leaves_kappa_and_ac1_undefined() {
        let text = "[claim|one] [claim|two] [claim|three]";
        let (mut p, _) = project_from_marked(text, "ana", jiff::Timestamp::UNIX_EPOCH).unwrap();
        add_layer(&mut p, "bo", text);
        let mut tag = p
            .schema
            .tags
            .iter()
            .find(|t| t.id.as_str() == "claim")
            .unwrap()
            .clone();
        tag.attributes.push(crate::model::Attribute {
            id: "hedged".into(),
            label: "Hedged".into(),
            definition: String::new(),
            kind: AttributeKind::Flag,
        });
        let mut schema = p.schema.clone();
        let id = tag.id.clone();
        *schema.tags.iter_mut().find(|t| t.id == id).unwrap() = tag;
        ops::set_schema(&p, schema).unwrap().apply(&mut p).unwrap();
        // Both set the flag on every claim: all "yes".
        for who in ["ana", "bo"] {
            let ids: Vec<AnnotationId> = claims_of(&p, who).iter().map(|a| a.id.clone()).collect();
            for id in ids {
                set(&mut p, &id, "hedged", Value::Flag);
            }
        }
        let units = Units::of(&p, &["ana".to_owned(), "bo".to_owned()]);
        let hedged = attribute_agreement(&p, &units)
            .into_iter()
            .find(|r| r.attribute == "hedged")
            .unwrap();
        assert_eq!((hedged.units, hedged.agree), (3, 3));
        assert_eq!(hedged.cohen_kappa, None, "chance agreement is 1");
        assert_eq!(hedged.gwet_ac1, None, "one category: AC1 has no Q − 1");
        // bo clears one: absent is "no", a real category.
        let first = claims_of(&p, "bo")[0].id.clone();
        ops::set_value(
            &p,
            &first,
            &"hedged".into(),
            None,
            jiff::Timestamp::UNIX_EPOCH,
        )
        .unwrap()
        .apply(&mut p)
        .unwrap();
        let hedged = attribute_agreement(&p, &units)
            .into_iter()
            .find(|r| r.attribute == "hedged")
            .unwrap();
        assert_eq!((hedged.units, hedged.agree), (3, 2));
        // κ: a = yes 3, b = yes 2 no 1: p_e = 6/9, p_o = 2/3 → κ = 0.
        assert!(hedged.cohen_kappa.unwrap().abs() < 1e-12);
        // AC1: π yes 5/6, no 1/6; p_e = 2 · 5/36 = 10/36; AC1 = (2/3 − 10/36)/(26/36) = 14/26.
        assert!((hedged.gwet_ac1.unwrap() - 14.0 / 26.0).abs() < 1e-12);
    }
}
