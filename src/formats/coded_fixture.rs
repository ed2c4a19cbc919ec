//! The formats' test project ([`fixture::project`]) with codes of every kind on it: values of
//! a flag, a single and a multiple choice, a scale, free text and codes of a hierarchical
//! codebook on claims, a condition and an actor; a value and a note on a link; article
//! variables of every kind; an entity's knowledge-base reference. Labels are full of accents,
//! CJK and emoji, as the texts are.
//!
//! The actor's `Stance` (free text) shares its label with the claim's `Stance` (a choice), and
//! the condition's `Concept` is the claim's `Concept` (the same attribute): what a format that
//! names attributes by label must tell apart, or must not.

use crate::model::{
    Attribute, AttributeKind, ChoiceValue, Code, ExternalRef, Project, Rgb, Value, Variable,
    VariableKind,
};

use super::fixture;

/// An attribute without a definition.
pub(crate) fn attribute(id: &str, label: &str, kind: AttributeKind) -> Attribute {
    Attribute {
        id: id.into(),
        label: label.into(),
        definition: String::new(),
        kind,
    }
}

fn choice(id: &str, label: &str) -> ChoiceValue {
    ChoiceValue {
        id: id.into(),
        label: label.into(),
        color: Rgb(0x44, 0x55, 0x66),
        key: None,
    }
}

fn variable(id: &str, label: &str, kind: VariableKind) -> Variable {
    Variable {
        id: id.into(),
        label: label.into(),
        definition: String::new(),
        kind,
    }
}

/// A code without colour, definition or aliases.
pub(crate) fn code(id: &str, label: &str, parent: Option<&str>) -> Code {
    Code {
        id: id.into(),
        label: label.into(),
        color: None,
        definition: String::new(),
        parent: parent.map(Into::into),
        aliases: Vec::new(),
    }
}

/// Sets the values of annotation `id` directly (no edit, no check): for building fixtures.
pub(crate) fn set_values(p: &mut Project, id: &str, values: Vec<(&str, Value)>) {
    let a = p
        .annotations
        .get_mut(&crate::model::AnnotationId(id.into()))
        .expect("annotation");
    a.values = values.into_iter().map(|(k, v)| (k.into(), v)).collect();
}

/// The fixture project with codes (see the module docs). Claims: `a-claim` (said by Macron)
/// supports the ceasefire, negated, intensity −2, with a comment and two frames; `a-talks`
/// (said by Xi) opposes it, intensity +1; `a-arabic` (no speaker) is neutral on trade;
/// `b-talks` (ben's, said by "Macron 🇫🇷") supports trade. The condition `a-cond` is about
/// trade; the actor `a-macron` has the free-text stance "pro-EU ✓"; the link `r-said` has
/// certainty 3 and a note.
pub fn project() -> Project {
    let mut p = fixture::project();
    fn tag<'p>(p: &'p mut Project, id: &str) -> &'p mut Vec<Attribute> {
        p.schema
            .tags
            .iter_mut()
            .find(|t| t.id.as_str() == id)
            .map(|t| &mut t.attributes)
            .expect("tag")
    }
    tag(&mut p, "claim").extend([
        attribute("negated", "Negated", AttributeKind::Flag),
        attribute(
            "intensity",
            "Intensity",
            AttributeKind::Scale { min: -2, max: 2 },
        ),
        attribute("comment", "Comment 注", AttributeKind::Text),
        attribute(
            "frames",
            "Frames",
            AttributeKind::Choice {
                values: vec![choice("economy", "économie"), choice("security", "安全")],
                multiple: true,
                default: None,
            },
        ),
    ]);
    tag(&mut p, "actor").push(attribute("stance", "Stance", AttributeKind::Text));
    p.schema
        .relations
        .iter_mut()
        .find(|r| r.id.as_str() == "said_by")
        .expect("said_by")
        .attributes
        .push(attribute(
            "certainty",
            "Certainty",
            AttributeKind::Scale { min: 1, max: 3 },
        ));
    p.schema.variables = vec![
        variable(
            "outlet",
            "Outlet",
            VariableKind::Choice {
                values: vec!["Le Monde".into(), "人民日报".into()],
            },
        ),
        variable("words", "Words", VariableKind::Number),
        variable("seen", "Seen", VariableKind::Date),
        variable("desk", "Desk 🗞️", VariableKind::Text),
    ];
    let concepts = p
        .codebooks
        .get_mut(&crate::model::CodebookId::from(crate::model::CONCEPTS))
        .expect("concepts");
    concepts.codes.extend([
        code("security", "Sécurité", None),
        code("ceasefire", "Waffenstillstand 停火", Some("security")),
        code("trade", "Trade", None),
    ]);

    let stance = |s: &str| Value::Choice(vec![s.to_owned()]);
    let concept = |c: &str| Value::Code(c.into());
    let values: [(&str, Vec<(&str, Value)>); 6] = [
        (
            "a-claim",
            vec![
                ("stance", stance("supports")),
                ("concept", concept("ceasefire")),
                ("negated", Value::Flag),
                ("intensity", Value::Scale(-2)),
                (
                    "comment",
                    Value::Text("« talks », \"quoted\" 北京 👩‍👩‍👧 e\u{301}\nline 2".into()),
                ),
                (
                    "frames",
                    Value::Choice(vec!["economy".into(), "security".into()]),
                ),
            ],
        ),
        (
            "a-talks",
            vec![
                ("stance", stance("opposes")),
                ("concept", concept("ceasefire")),
                ("intensity", Value::Scale(1)),
            ],
        ),
        (
            "a-arabic",
            vec![("stance", stance("neutral")), ("concept", concept("trade"))],
        ),
        (
            "b-talks",
            vec![
                ("stance", stance("supports")),
                ("concept", concept("trade")),
            ],
        ),
        ("a-cond", vec![("concept", concept("trade"))]),
        ("a-macron", vec![("stance", Value::Text("pro-EU ✓".into()))]),
    ];
    for (id, list) in values {
        let a = p
            .annotations
            .get_mut(&crate::model::AnnotationId::from(id))
            .expect("annotation of the fixture");
        for (attr, v) in list {
            a.values.insert(attr.into(), v);
        }
    }
    let said = p
        .relations
        .get_mut(&crate::model::RelationId::from("r-said"))
        .expect("r-said");
    said.values.insert("certainty".into(), Value::Scale(3));
    said.note = "said on TV 📺, \"live\"".into();
    for (doc, vars) in [
        (
            "d1",
            &[
                ("outlet", "人民日报"),
                ("words", "-12.5"),
                ("seen", "2023-04"),
                ("desk", "Außenpolitik, Asien"),
            ][..],
        ),
        ("d2", &[("outlet", "Le Monde")][..]),
    ] {
        let d = p
            .documents
            .iter_mut()
            .find(|d| d.id.as_str() == doc)
            .expect("doc");
        for (var, v) in vars {
            d.meta.variables.insert((*var).into(), (*v).to_owned());
        }
    }
    p.entities
        .get_mut(&crate::model::EntityId::from("e-macron"))
        .expect("e-macron")
        .refs
        .push(ExternalRef {
            kb: "Wikidata".into(),
            id: "Q3052772".into(),
        });
    p
}

#[test]
fn the_coded_fixture_is_a_valid_project() {
    let p = project();
    let text = crate::store::to_string(&p).expect("serialises");
    let back =
        crate::store::from_str(std::path::Path::new("coded.ron"), &text).expect("a valid project");
    assert_eq!(back, p);
}
