//! The Export and Import windows driven like an analyst would, through scripted file dialogs;
//! then the files on disk and the project state checked.
#![cfg(feature = "gui")]
#![allow(clippy::unwrap_used)] // a test that cannot set up should stop loudly

mod common;

use egui::{Key, Modifiers, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::model::{Project, TagId};
use marginalia::ui::{MarginaliaApp, Prefs, ScriptedDialogs};

const MARKED: &str = "[claim|[actor|Macron] 🇫🇷 said talks could start] [condition|if [actor|Xi] \
                      agreed].\n\nZoe\u{301} 你好 [actor|Zoe\u{301}] agreed.";

fn app(dialogs: &ScriptedDialogs) -> MarginaliaApp {
    let project =
        marginalia::model::project_from_marked(MARKED, "ana", jiff::Timestamp::UNIX_EPOCH)
            .unwrap()
            .0;
    MarginaliaApp::new(project, None)
        .with_prefs(Prefs {
            annotator: "tester".into(),
            ..Prefs::default()
        })
        .with_dialogs(Box::new(dialogs.clone()))
}

fn harness(app: MarginaliaApp) -> Harness<'static, MarginaliaApp> {
    common::window(app, Vec2::new(1280.0, 800.0))
}

fn key(h: &mut Harness<'static, MarginaliaApp>, modifiers: Modifiers, key: Key) {
    h.key_press_modifiers(modifiers, key);
    h.run();
}

/// Opens a combo box by its label and picks an entry.
fn choose(h: &mut Harness<'static, MarginaliaApp>, combo: &str, entry: &str) {
    h.get_by_label(combo).click();
    h.run();
    h.get_by_label(entry).click();
    h.run();
}

#[test]
fn the_export_window_writes_the_file_and_reports_what_conll_cannot_carry() {
    let dialogs = ScriptedDialogs::new();
    let mut h = harness(app(&dialogs));
    key(&mut h, Modifiers::COMMAND, Key::E);
    choose(&mut h, "Format", "conll");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.conll");
    dialogs.answer(vec![out.clone()]);
    h.get_by_label("Export…").click();
    // The export runs on a worker thread; the window polls it.
    for _ in 0..200 {
        h.step();
        if h.query_by_label_contains("not carried by conll").is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(h.query_by_label_contains("not carried by conll").is_some());
    let conll = std::fs::read_to_string(&out).unwrap();
    assert!(conll.starts_with("-DOCSTART-"), "{conll}");
    assert!(
        conll.contains("Zoe\u{301} "),
        "the combining accent survives: {conll}"
    );
    // The two actors nested in the claim and the condition are listed, by id, with why.
    assert_eq!(h.query_all_by_label_contains("overlaps").count(), 2);
    assert_eq!(dialogs.pending(), 0);
}

#[test]
fn the_import_window_previews_new_tags_and_imports_as_one_undo_step() {
    let dialogs = ScriptedDialogs::new();
    let mut h = harness(app(&dialogs));
    let text = h.state().project().documents[0].text.clone();
    let start = text.find("Zoe\u{301} 你好").unwrap();
    let start_chars = text[..start].chars().count();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("colleague.jsonl");
    let line = serde_json::json!({
        "text": text,
        "spans": [{"start": start_chars, "end": start_chars + 4, "label": "Location"}],
    });
    std::fs::write(&file, format!("{line}\n")).unwrap();
    let before: Project = h.state().project().clone();

    key(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::I);
    choose(&mut h, "Format", "jsonl");
    h.get_by_label("Into layer").click();
    h.run();
    h.get_by_label("Into layer").type_text("ben");
    h.run();
    dialogs.answer(vec![file]);
    h.get_by_label("Choose files…").click();
    h.run();
    assert!(
        h.query_by_label_contains("will be added: Location")
            .is_some(),
        "the window asks before adding a tag type"
    );
    assert_eq!(
        h.state().project(),
        &before,
        "nothing changes before confirming"
    );

    h.get_by_label("Import").click();
    h.run();
    let p = h.state().project();
    let added: Vec<_> = p
        .annotations
        .values()
        .filter(|a| a.annotator == "ben")
        .collect();
    assert_eq!(added.len(), 1);
    assert_eq!(added[0].quote, "Zoe\u{301}");
    assert_eq!(added[0].tag, TagId("Location".into()));
    assert!(p.schema.tag(&TagId("Location".into())).is_some());

    key(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(
        h.state().project(),
        &before,
        "one Ctrl+Z undoes the whole import"
    );
}

#[test]
fn the_import_window_lists_problems_and_imports_the_rest_only_when_asked() {
    let dialogs = ScriptedDialogs::new();
    let mut h = harness(app(&dialogs));
    let text = h.state().project().documents[0].text.clone();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mixed.jsonl");
    let good =
        serde_json::json!({"text": text, "spans": [{"start": 0, "end": 6, "label": "actor"}]});
    std::fs::write(&file, format!("{good}\nthis is not json\n")).unwrap();
    let before: Project = h.state().project().clone();

    key(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::I);
    choose(&mut h, "Format", "jsonl");
    dialogs.answer(vec![file]);
    h.get_by_label("Choose files…").click();
    h.run();
    assert!(
        h.query_by_label_contains("mixed.jsonl:2").is_some(),
        "the problem names file and line"
    );
    assert!(h.query_by_label("Import").is_none());
    assert_eq!(h.state().project(), &before);

    h.get_by_label("Skip invalid items and import the rest")
        .click();
    h.run();
    h.get_by_label("Import").click();
    h.run();
    assert_eq!(
        h.state().project().annotations.len(),
        before.annotations.len() + 1,
        "the valid line came in"
    );
}

#[test]
fn the_summary_panel_shows_who_claims_what_and_clicking_a_claim_selects_it() {
    let marked = "[actor|Macron] said [claim|talks could start] [condition|if [actor|Xi] agreed]. \
                  [claim|Nobody said this].";
    let (mut project, ids) =
        marginalia::model::project_from_marked(marked, "ana", jiff::Timestamp::UNIX_EPOCH).unwrap();
    // ids follow the order the marks open: Macron, talks, condition, Xi, nobody.
    let link = |p: &Project, kind: &str, from: usize, to: usize| {
        marginalia::model::ops::add_relation(
            p,
            &marginalia::model::RelationKindId(kind.into()),
            &ids[from],
            &ids[to],
            "ana",
        )
        .unwrap()
    };
    let e = link(&project, "said_by", 1, 0);
    e.apply(&mut project).unwrap();
    let e = link(&project, "conditional_on", 1, 2);
    e.apply(&mut project).unwrap();
    let app = MarginaliaApp::new(project, None).with_prefs(Prefs {
        annotator: "tester".into(),
        ..Prefs::default()
    });
    let mut h = harness(app);
    key(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::M);
    assert!(h.query_by_label("Summary").is_some());
    assert!(h.query_by_label("“talks could start”").is_some());
    assert!(
        h.query_by_label("“if Xi agreed”").is_some(),
        "the condition under its claim"
    );
    assert!(
        h.query_by_label("(no speaker)").is_some(),
        "the unlinked claim is flagged"
    );
    assert!(
        h.query_by_label_contains("Actor who claims nothing here: Xi")
            .is_some()
    );

    h.get_by_label("“talks could start”").click();
    h.run();
    assert_eq!(h.state().selected(), Some(&ids[1]));
}

#[test]
fn the_import_window_reads_a_webanno_folder_into_a_layer() {
    let dialogs = ScriptedDialogs::new();
    let mut h = harness(app(&dialogs));
    // The project's own layer, exported as INCEpTION would get it …
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tsv");
    let options = marginalia::formats::ExportOptions {
        layer: marginalia::formats::LayerChoice::One("ana".into()),
        documents: None,
    };
    let mut export = marginalia::formats::export(
        h.state().project(),
        marginalia::formats::Format::Webanno,
        &options,
        &mut |_, _| {},
    )
    .unwrap();
    marginalia::formats::write(&out, &mut export, &Default::default()).unwrap();
    let files: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let ana = h
        .state()
        .project()
        .annotations
        .values()
        .filter(|a| a.annotator == "ana")
        .count();

    // … comes back through File › Import annotations… into another layer.
    key(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::I);
    choose(&mut h, "Format", "webanno");
    h.get_by_label("Into layer").click();
    h.run();
    h.get_by_label("Into layer").type_text("ben");
    h.run();
    dialogs.answer(files);
    h.get_by_label("Choose files…").click();
    h.run();
    h.get_by_label("Import").click();
    h.run();
    let p = h.state().project();
    let quotes = |layer: &str| {
        let mut q: Vec<(String, String)> = p
            .annotations
            .values()
            .filter(|a| a.annotator == layer)
            .map(|a| (a.tag.to_string(), a.quote.clone()))
            .collect();
        q.sort();
        q
    };
    assert_eq!(quotes("ben").len(), ana);
    assert_eq!(
        quotes("ben"),
        quotes("ana"),
        "the same spans, emoji and accents included"
    );
    assert_eq!(dialogs.pending(), 0);
}
