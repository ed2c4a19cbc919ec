//! Coding in the window: a stance by its key right after tagging, a concept by type-ahead
//! (an existing code or a new one, made and given in one step), a value by the inspector's
//! buttons, and each undone with Ctrl+Z.
#![cfg(feature = "gui")]
#![allow(clippy::unwrap_used)] // a test that cannot set up should stop loudly

mod common;

use egui::{Key, Modifiers, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::model::{Annotation, AttributeId, ByteOffset, CodebookId, Project, Value};
use marginalia::ui::{MarginaliaApp, Prefs, TextSel};

/// A text of emoji, CJK and a combining accent.
const TEXT: &str = "Macron 🇫🇷 said that talks in 北京 could start, e\u{301}té permitting.";

fn window(project: Project) -> Harness<'static, MarginaliaApp> {
    let prefs = Prefs {
        annotator: "tester".into(),
        ..Prefs::default()
    };
    let mut h = common::window(
        MarginaliaApp::new(project, None).with_prefs(prefs),
        Vec2::new(1280.0, 800.0),
    );
    h.run();
    h
}

fn marked(text: &str) -> Project {
    marginalia::model::project_from_marked(text, "tester", jiff::Timestamp::UNIX_EPOCH)
        .unwrap()
        .0
}

fn only(h: &Harness<'static, MarginaliaApp>) -> Annotation {
    let all: Vec<_> = h.state().project().annotations.values().cloned().collect();
    assert_eq!(all.len(), 1, "{all:?}");
    all.into_iter().next().unwrap()
}

fn value(a: &Annotation, attribute: &str) -> Option<Value> {
    a.values.get(&AttributeId::from(attribute)).cloned()
}

fn undo(h: &mut Harness<'static, MarginaliaApp>) {
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
}

#[test]
fn a_stance_is_set_by_its_key_right_after_tagging_and_undone_step_by_step() {
    let mut h = window(marked(TEXT));
    let start = TEXT.find("talks").unwrap();
    let end = TEXT.find(" could").unwrap() + " could start".len();
    h.state_mut().set_text_selection(TextSel {
        anchor: ByteOffset(start),
        head: ByteOffset(end),
    });
    h.run();
    h.key_press(Key::Num2);
    h.run();
    assert_eq!(only(&h).tag.as_str(), "claim");
    h.event(egui::Event::Text("+".into()));
    h.run();
    assert_eq!(
        value(&only(&h), "stance"),
        Some(Value::Choice(vec!["supports".into()]))
    );
    h.event(egui::Event::Text("-".into()));
    h.run();
    assert_eq!(
        value(&only(&h), "stance"),
        Some(Value::Choice(vec!["opposes".into()]))
    );
    undo(&mut h);
    assert_eq!(
        value(&only(&h), "stance"),
        Some(Value::Choice(vec!["supports".into()]))
    );
    undo(&mut h);
    assert_eq!(
        value(&only(&h), "stance"),
        None,
        "the tag stays, its stance is undone"
    );
    undo(&mut h);
    assert!(h.state().project().annotations.is_empty());
}

#[test]
fn a_concept_is_coded_by_type_ahead_a_new_code_in_one_step_then_found_again() {
    let mut h = window(marked("Macron said [claim|talks in 北京 could start]."));
    h.get_by_label("talks in 北京 could start").click();
    h.run();
    h.get_by_label("Find concept").click();
    h.run();
    h.get_by_label("Find concept")
        .type_text("Négociations 谈判");
    h.run();
    h.key_press(Key::Enter);
    h.run();
    let book = CodebookId::from("concepts");
    let codes = &h.state().project().codebooks[&book].codes;
    assert_eq!(codes.len(), 1, "a new code");
    assert_eq!(codes[0].label, "Négociations 谈判");
    let code = codes[0].id.clone();
    assert_eq!(value(&only(&h), "concept"), Some(Value::Code(code.clone())));
    // One undo takes both the value and the new code.
    undo(&mut h);
    assert!(h.state().project().codebooks[&book].codes.is_empty());
    assert_eq!(value(&only(&h), "concept"), None);
    // Redo, clear, then find the code by part of its name.
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run();
    assert_eq!(value(&only(&h), "concept"), Some(Value::Code(code.clone())));
    h.get_by_label("Clear Concept").click();
    h.run();
    assert_eq!(value(&only(&h), "concept"), None);
    h.get_by_label("Find concept").click();
    h.run();
    h.get_by_label("Find concept").type_text("谈判");
    h.run();
    h.key_press(Key::Enter);
    h.run();
    assert_eq!(value(&only(&h), "concept"), Some(Value::Code(code)));
    assert_eq!(
        h.state().project().codebooks[&book].codes.len(),
        1,
        "no second code"
    );
}

#[test]
fn the_inspector_sets_a_stance_by_its_button_and_a_second_click_clears_it() {
    let mut h = window(marked("Macron said [claim|talks could start]."));
    h.get_by_label("talks could start").click();
    h.run();
    h.get_by_label("neutral or unclear (0)").click();
    h.run();
    assert_eq!(
        value(&only(&h), "stance"),
        Some(Value::Choice(vec!["neutral".into()]))
    );
    h.get_by_label("neutral or unclear (0)").click();
    h.run();
    assert_eq!(value(&only(&h), "stance"), None);
    // An actor has no stance: its key types nothing into it.
    let mut h = window(marked("[actor|Macron] said it."));
    h.get_by_label("Macron").click();
    h.run();
    h.event(egui::Event::Text("+".into()));
    h.run();
    assert!(only(&h).values.is_empty());
}

#[test]
fn article_variables_are_edited_in_the_details_checked_by_kind_and_filter_the_list() {
    use marginalia::model::{Variable, VariableKind};
    let mut p = marked("Macron said [claim|talks could start].");
    p.schema.variables = vec![
        Variable {
            id: "outlet".into(),
            label: "Outlet".into(),
            definition: String::new(),
            kind: VariableKind::Choice {
                values: vec!["Le Monde".into(), "人民日报".into()],
            },
        },
        Variable {
            id: "words".into(),
            label: "Words".into(),
            definition: String::new(),
            kind: VariableKind::Number,
        },
    ];
    p.documents.push(marginalia::model::Document::new(
        "other",
        "Other",
        "Nothing here.",
    ));
    let mut h = window(p);
    h.key_press_modifiers(Modifiers::COMMAND, Key::I);
    h.run();
    h.get_by_label("Words (a number)").click();
    h.run();
    h.get_by_label("Words (a number)").type_text("many");
    h.run();
    h.get_by_label("Save details").click();
    h.run();
    let message = h.state().message().unwrap_or_default().to_owned();
    assert!(message.contains("expected a number"), "{message}");
    assert!(
        h.state().modal().is_some(),
        "the details stay open to be put right"
    );
    h.get_by_label("Words (a number)").click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("Words (a number)").type_text("1200");
    h.run();
    h.get_by_label("Outlet").click();
    h.run();
    h.get_by_label("人民日报").click();
    h.run();
    h.get_by_label("Save details").click();
    h.run();
    assert!(h.state().modal().is_none());
    let vars = &h.state().project().documents[0].meta.variables;
    assert_eq!(vars[&"words".into()], "1200");
    assert_eq!(vars[&"outlet".into()], "人民日报");
    // The document list finds the article by its outlet.
    assert!(
        h.query_by_label("Other").is_some(),
        "both articles listed at first"
    );
    h.get_by_label("Filter documents").click();
    h.run();
    h.get_by_label("Filter documents").type_text("人民");
    h.run();
    assert!(
        h.query_by_label("Other").is_none(),
        "the other article is filtered out"
    );
}

#[test]
fn every_listed_claim_takes_a_stance_at_once_and_one_undo_takes_it_back() {
    let mut h = window(marked(
        "[actor|Macron] wants [claim|a ceasefire] and [claim|talks in 北京] and [claim|e\u{301}té talks].",
    ));
    h.get_by_label("Claim 3").click();
    h.run();
    h.get_by_label("Set Stance of all listed to opposes")
        .click();
    h.run();
    let stances = |h: &Harness<'static, MarginaliaApp>| -> Vec<Option<Value>> {
        let p = h.state().project();
        p.annotations
            .values()
            .filter(|a| a.tag.as_str() == "claim")
            .map(|a| value(a, "stance"))
            .collect()
    };
    assert_eq!(
        stances(&h),
        vec![Some(Value::Choice(vec!["opposes".into()])); 3]
    );
    assert!(
        h.state()
            .project()
            .annotations
            .values()
            .filter(|a| a.tag.as_str() == "actor")
            .all(|a| a.values.is_empty()),
        "the actor, not listed, is untouched"
    );
    undo(&mut h);
    assert_eq!(stances(&h), vec![None; 3], "one undo step");
}

/// A project with two concepts, each used once.
fn with_codes() -> (Project, Vec<marginalia::model::AnnotationId>) {
    use marginalia::model::{Code, ops};
    let (mut p, ids) = marginalia::model::project_from_marked(
        "Macron wants [claim|a ceasefire] and [claim|talks in 北京].",
        "tester",
        jiff::Timestamp::UNIX_EPOCH,
    )
    .unwrap();
    for (id, label, a) in [
        ("ceasefire", "Ceasefire", &ids[0]),
        ("talks", "Peace talks 和谈", &ids[1]),
    ] {
        let code = Code {
            id: id.into(),
            label: label.into(),
            color: None,
            definition: String::new(),
            parent: None,
            aliases: Vec::new(),
        };
        ops::put_code(&p, &"concepts".into(), code)
            .unwrap()
            .apply(&mut p)
            .unwrap();
        ops::set_value(
            &p,
            a,
            &"concept".into(),
            Some(Value::Code(id.into())),
            jiff::Timestamp::UNIX_EPOCH,
        )
        .unwrap()
        .apply(&mut p)
        .unwrap();
    }
    (p, ids)
}

#[test]
fn the_codebook_window_merges_renames_and_shows_the_spans_of_a_code() {
    let (p, ids) = with_codes();
    let mut h = window(p);
    h.get_by_label("Edit").click();
    h.run();
    h.get_by_label("Codebooks…").click();
    h.run();
    assert_eq!(h.query_all_by_label("1 uses").count(), 2);
    // The spans of a code, one click from their article.
    h.get_by_label("Spans of Peace talks 和谈").click();
    h.run();
    h.get_by_label("“talks in 北京”").click();
    h.run();
    assert_eq!(h.state().selected(), Some(&ids[1]));
    // Merge "Peace talks" into "Ceasefire": both spans are coded Ceasefire, one undo step.
    h.get_by_label("Merge Peace talks 和谈").click();
    h.run();
    h.get_by_label("Code kept").click();
    h.run();
    // The code list's row and the choice in the open combo box: the last is the choice.
    h.query_all_by_label("Ceasefire").last().unwrap().click();
    h.run();
    h.get_by_label("Merge").click();
    h.run();
    let concept = |h: &Harness<'static, MarginaliaApp>, i: usize| {
        value(&h.state().project().annotations[&ids[i]], "concept")
    };
    assert_eq!(concept(&h, 1), Some(Value::Code("ceasefire".into())));
    assert_eq!(
        h.state().project().codebooks[&CodebookId::from("concepts")]
            .codes
            .len(),
        1
    );
    assert!(h.query_by_label("2 uses").is_some());
    undo(&mut h);
    assert_eq!(concept(&h, 1), Some(Value::Code("talks".into())));
    // Rename a code: its uses keep it.
    h.get_by_label("Rename Ceasefire").click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("New name").type_text("Waffenruhe");
    h.run();
    h.key_press(Key::Enter);
    h.run();
    let book = &h.state().project().codebooks[&CodebookId::from("concepts")];
    assert_eq!(book.code(&"ceasefire".into()).unwrap().label, "Waffenruhe");
    assert_eq!(concept(&h, 0), Some(Value::Code("ceasefire".into())));
}

#[test]
fn the_schema_editor_adds_attributes_and_variables_and_refuses_a_choice_without_values() {
    let mut h = window(marked("Macron said [claim|talks could start]."));
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::K);
    h.run();
    h.get_by_label("Add attribute").click();
    h.run();
    h.get_by_label("Name of attribute 1").click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("Name of attribute 1").type_text("Hedged ✋");
    h.run();
    h.get_by_label("Add article variable").click();
    h.run();
    h.get_by_label("Apply").click();
    h.run();
    let schema = h.state().project().schema.clone();
    let actor = schema.tag(&"actor".into()).unwrap();
    assert_eq!(actor.attributes.len(), 1);
    assert_eq!(actor.attributes[0].label, "Hedged ✋");
    assert_eq!(schema.variables.len(), 1);
    // One undo step takes both back.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert!(
        h.state()
            .project()
            .schema
            .tag(&"actor".into())
            .unwrap()
            .attributes
            .is_empty()
    );
    assert!(h.state().project().schema.variables.is_empty());
    // A claim's stance left with no values is refused, and says so in the editor.
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::K);
    h.run();
    h.get_by_label("What is coded on a").click();
    h.run();
    h.query_all_by_label("Claim").last().unwrap().click();
    h.run();
    for n in [3, 2, 1] {
        h.get_by_label(&format!("Delete value {n} of attribute 1"))
            .click();
        h.run();
    }
    let before = h.state().project().schema.clone();
    h.get_by_label("Apply").click();
    h.run();
    assert_eq!(h.state().project().schema, before, "nothing applied");
    assert!(
        h.query_all_by_label_contains("has no values").count() >= 1,
        "the editor says why"
    );
}

#[test]
fn a_code_attribute_added_to_a_project_made_before_codes_brings_its_codebook() {
    use marginalia::model::{Attribute, AttributeKind};
    let mut p = marked("Macron said [claim|talks could start].");
    p.codebooks.clear();
    for t in &mut p.schema.tags {
        t.attributes.clear();
    }
    let mut h = window(p);
    let mut draft = marginalia::ui::SchemaDraft::of(&h.state().project().schema);
    draft.tags[1].attributes.push(Attribute {
        id: "topic".into(),
        label: "Topic".into(),
        definition: String::new(),
        kind: AttributeKind::Code {
            codebook: "concepts".into(),
        },
    });
    assert!(h.state_mut().apply_schema_draft(&draft));
    h.run();
    assert!(
        h.state()
            .project()
            .codebooks
            .contains_key(&CodebookId::from("concepts"))
    );
    assert_eq!(h.state().project().schema.tags[1].attributes.len(), 1);
    // One undo step takes the attribute and the codebook back.
    undo(&mut h);
    assert!(h.state().project().codebooks.is_empty());
}

#[test]
fn the_list_and_the_search_keep_to_the_spans_that_carry_a_value() {
    let mut p = marked(
        "[actor|Macron] wants [claim|talks in 北京] and [claim|talks are premature] and [claim|e\u{301}té talks].",
    );
    let mut claims: Vec<&Annotation> = p
        .annotations
        .values()
        .filter(|a| a.tag.as_str() == "claim")
        .collect();
    claims.sort_by_key(|a| a.fragments[0].start);
    let ids: Vec<_> = claims.iter().map(|a| a.id.clone()).collect();
    for (id, stance) in ids.iter().zip(["supports", "opposes"]) {
        marginalia::model::ops::set_value(
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
    let mut h = window(p);
    // The list, filtered to claims, then to those that oppose: one is listed, and the bulk
    // row acts on that one alone.
    h.get_by_label("Claim 3").click();
    h.run();
    h.get_by_label_contains("Stance of all 3 listed");
    h.get_by_label("With").click();
    h.run();
    h.get_by_label("Stance: opposes").click();
    h.run();
    h.get_by_label_contains("Stance of all 1 listed");
    h.get_by_label("Set Stance of all listed to neutral or unclear")
        .click();
    h.run();
    let p = h.state().project();
    assert_eq!(
        value(&p.annotations[&ids[1]], "stance"),
        Some(Value::Choice(vec!["neutral".into()]))
    );
    assert_eq!(
        value(&p.annotations[&ids[0]], "stance"),
        Some(Value::Choice(vec!["supports".into()])),
        "the claim not listed keeps its stance"
    );
    // The search for "talks" finds three; within spans that support, one.
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run();
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Find")
        .type_text("talks");
    h.run();
    h.get_by_label("1 of 3");
    h.get_by_label("Within").click();
    h.run();
    h.get_by_label("spans: Stance: supports").click();
    h.run();
    h.get_by_label("1 of 1");
    h.key_press(Key::F3);
    h.run();
    let app = h.state();
    let text = &app.project().documents[0].text;
    let sel = app.text_selection().range();
    assert_eq!(&text[sel.start.0..sel.end.0], "talks");
    assert!(sel.start.0 < text.find("premature").unwrap());
}

#[test]
fn the_document_list_sorts_by_an_article_variable() {
    use marginalia::model::{Document, Variable, VariableKind};
    let mut p = Project::new("three articles");
    p.schema.variables = vec![Variable {
        id: "words".into(),
        label: "Words".into(),
        definition: String::new(),
        kind: VariableKind::Number,
    }];
    for (id, title, words) in [
        ("a", "Zoe\u{301} 北京", "900"),
        ("b", "Ceasefire 🕊", "-12.5"),
        ("c", "Beijing", "85"),
    ] {
        let mut d = Document::new(id, title, format!("{title} text."));
        d.meta.variables.insert("words".into(), words.into());
        p.documents.push(d);
    }
    let mut h = window(p);
    let order = |h: &Harness<'static, MarginaliaApp>| -> Vec<&str> {
        let mut titles = vec!["Zoe\u{301} 北京", "Ceasefire 🕊", "Beijing"];
        titles.sort_by(|a, b| {
            // The document list's row is the leftmost node with the title (the article's
            // heading has it too).
            let y = |t: &str| {
                h.query_all_by_label(t)
                    .map(|n| n.rect())
                    .min_by(|a, b| a.min.x.total_cmp(&b.min.x))
                    .unwrap()
                    .min
                    .y
            };
            y(a).total_cmp(&y(b))
        });
        titles
    };
    assert_eq!(order(&h), ["Zoe\u{301} 北京", "Ceasefire 🕊", "Beijing"]);
    h.get_by_label("Sort by").click();
    h.run();
    h.get_by_label("Words").click();
    h.run();
    assert_eq!(order(&h), ["Ceasefire 🕊", "Beijing", "Zoe\u{301} 北京"]);
    h.get_by_label("Sort by").click();
    h.run();
    h.get_by_label("title").click();
    h.run();
    assert_eq!(order(&h), ["Beijing", "Ceasefire 🕊", "Zoe\u{301} 北京"]);
}
