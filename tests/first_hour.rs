//! What a newcomer meets in the first hour: the first-start question, single-field dialogs
//! answered with Enter, pasting an article, and a window that is idle once nothing happens.
//! What only the real window shows (winit's X11 input, the system clipboard) is checked by
//! `.ci/window-check` under Xvfb.
#![cfg(feature = "gui")]
#![allow(clippy::unwrap_used)] // a test that cannot set up should stop loudly

mod common;

use egui::{Key, Modifiers, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use marginalia::model::{ByteOffset, Project};
use marginalia::ui::{MarginaliaApp, Modal, Prefs};

const TEXT: &str = "Macron said that talks could start if Xi agreed.\n\nA second paragraph.";

fn project() -> Project {
    marginalia::model::project_from_marked(TEXT, "ana", jiff::Timestamp::UNIX_EPOCH)
        .unwrap()
        .0
}

fn harness_with(app: MarginaliaApp) -> Harness<'static, MarginaliaApp> {
    common::window(app, Vec2::new(1280.0, 800.0))
}

fn named(name: &str) -> Prefs {
    Prefs {
        annotator: name.into(),
        ..Prefs::default()
    }
}

fn key(h: &mut Harness<'static, MarginaliaApp>, modifiers: Modifiers, key: Key) {
    h.key_press_modifiers(modifiers, key);
    h.run();
}

/// Replaces the focused field's text with `text`.
fn retype(h: &mut Harness<'static, MarginaliaApp>, text: &str) {
    key(h, Modifiers::COMMAND, Key::A);
    h.event(egui::Event::Text(text.into()));
    h.run();
}

/// Steps one frame more once settled and says whether it asked the platform to interrupt
/// the input method: on X11 each interruption recreates the input context, so a window that
/// asks every frame repaints nonstop and loses clicks and Enter.
fn interrupts_input_method(h: &mut Harness<'static, MarginaliaApp>) -> bool {
    h.step();
    h.output()
        .platform_output
        .ime
        .is_some_and(|ime| ime.should_interrupt_composition)
}

#[test]
fn first_start_asks_for_a_name_that_enter_keeps() {
    let app = MarginaliaApp::new(project(), None).with_prefs(Prefs::default());
    let mut h = harness_with(app);
    assert!(matches!(h.state().modal(), Some(Modal::Annotator(_))));
    assert!(
        h.get_by_label("Annotator name").is_focused(),
        "the name field has the keyboard at once"
    );
    // Settled: the field keeps the focus without asking for it again every frame.
    assert!(!interrupts_input_method(&mut h));
    h.run();
    retype(&mut h, "Maya");
    key(&mut h, Modifiers::NONE, Key::Enter);
    assert!(h.state().modal().is_none(), "Enter answered the question");
    assert_eq!(h.state().prefs().annotator, "Maya");
}

#[test]
fn first_start_also_takes_a_click_and_refuses_a_blank_name() {
    let app = MarginaliaApp::new(project(), None).with_prefs(Prefs::default());
    let mut h = harness_with(app);
    retype(&mut h, "   ");
    key(&mut h, Modifiers::NONE, Key::Enter);
    assert!(
        matches!(h.state().modal(), Some(Modal::Annotator(_))),
        "a blank name is no answer"
    );
    assert!(
        h.get_by_label("Annotator name").is_focused(),
        "focus is back"
    );
    retype(&mut h, "Noor");
    h.get_by_label("Start annotating").click();
    h.run();
    assert!(h.state().modal().is_none());
    assert_eq!(h.state().prefs().annotator, "Noor");
}

#[test]
fn go_to_answers_enter_and_its_digits_never_reach_the_tag_keys() {
    let mut h = harness_with(MarginaliaApp::new(project(), None).with_prefs(named("ana")));
    key(&mut h, Modifiers::COMMAND, Key::G);
    assert!(matches!(h.state().modal(), Some(Modal::GoTo(_))));
    assert!(!interrupts_input_method(&mut h));
    // The last digit and Enter in one frame, as xdotool's typing on X11 delivers them.
    h.event(egui::Event::Text("#1".into()));
    h.event(egui::Event::Key {
        key: Key::Num2,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers: Modifiers::NONE,
    });
    h.event(egui::Event::Text("2".into()));
    h.key_press(Key::Enter);
    h.run();
    assert!(h.state().modal().is_none(), "Enter went to position #12");
    assert_eq!(h.state().text_selection().head, ByteOffset(12));
    assert!(
        h.state().project().annotations.is_empty(),
        "the 2 typed into the field did not tag anything as a claim"
    );
}

#[test]
fn a_wrong_position_keeps_the_dialog_with_its_field_focused() {
    let mut h = harness_with(MarginaliaApp::new(project(), None).with_prefs(named("ana")));
    key(&mut h, Modifiers::COMMAND, Key::G);
    h.event(egui::Event::Text("line forty".into()));
    key(&mut h, Modifiers::NONE, Key::Enter);
    assert!(matches!(h.state().modal(), Some(Modal::GoTo(_))));
    assert!(
        h.state().message().is_some(),
        "the error says what was wrong"
    );
    assert!(h.get_by_label("Line, line:column or #offset").is_focused());
}

#[test]
fn paste_as_article_asks_for_the_clipboard_and_fills_the_text_with_it() {
    let mut h = harness_with(MarginaliaApp::new(project(), None).with_prefs(named("ana")));
    // Pressed in a step of its own, so the output checked is that step's.
    h.event(egui::Event::Key {
        key: Key::V,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers: Modifiers::COMMAND | Modifiers::SHIFT,
    });
    h.step();
    let asked = h
        .output()
        .viewport_output
        .values()
        .any(|v| v.commands.contains(&egui::ViewportCommand::RequestPaste));
    assert!(asked, "the dialog asks the integration for the clipboard");
    h.run();
    // What eframe answers with: the clipboard's text as a paste event.
    let pasted = "Le président 🇫🇷 a dit\u{301} 你好.\nSecond line.";
    h.event(egui::Event::Paste(pasted.into()));
    h.run();
    match h.state().modal() {
        Some(Modal::Paste { title, text, .. }) => {
            assert_eq!(text, pasted, "the clipboard is the article");
            assert!(
                title.is_empty(),
                "and not the title, though it has the focus"
            );
        }
        other => panic!("expected the paste dialog, got {other:?}"),
    }
    // Enter in the title adds the article, titled by its first line.
    key(&mut h, Modifiers::NONE, Key::Enter);
    assert!(h.state().modal().is_none());
    let doc = h.state().project().documents.last().unwrap();
    assert_eq!(doc.text, pasted);
    assert_eq!(doc.meta.title, "Le président 🇫🇷 a dit\u{301} 你好.");
}

#[test]
fn a_later_paste_goes_where_the_focus_is() {
    let mut h = harness_with(MarginaliaApp::new(project(), None).with_prefs(named("ana")));
    key(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::V);
    h.event(egui::Event::Paste("The article.".into()));
    h.run();
    h.event(egui::Event::Paste("A title".into()));
    h.run();
    match h.state().modal() {
        Some(Modal::Paste { title, text, .. }) => {
            assert_eq!(text, "The article.");
            assert_eq!(title, "A title");
        }
        other => panic!("expected the paste dialog, got {other:?}"),
    }
}

#[test]
fn with_nothing_from_the_clipboard_a_title_typed_first_keeps_its_paste() {
    let mut h = harness_with(MarginaliaApp::new(project(), None).with_prefs(named("ana")));
    key(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::V);
    h.get_by_label("Article title").type_text("Report ");
    h.run();
    h.event(egui::Event::Paste("of 3 May".into()));
    h.run();
    match h.state().modal() {
        Some(Modal::Paste { title, text, .. }) => {
            assert_eq!(title, "Report of 3 May");
            assert!(text.is_empty());
        }
        other => panic!("expected the paste dialog, got {other:?}"),
    }
}

#[test]
fn pasted_line_ends_become_the_articles_own() {
    let mut h = harness_with(MarginaliaApp::new(project(), None).with_prefs(named("ana")));
    key(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::V);
    // A lone CR (old Mac programs, some PDF viewers), CRLF (Windows) and a byte-order mark.
    // It starts with a blank line, as text copied from a web page often does.
    h.event(egui::Event::Paste(
        "\u{FEFF}\r\n  Title line\rSecond\r\nThird".into(),
    ));
    h.run();
    h.get_by_label("Add article").click();
    h.run();
    let doc = h.state().project().documents.last().unwrap();
    assert_eq!(doc.text, "\n  Title line\nSecond\nThird");
    assert_eq!(doc.meta.title, "Title line", "the first line with words");
}

#[test]
fn the_palette_keeps_its_focus_without_interrupting_the_input_method() {
    let mut h = harness_with(MarginaliaApp::new(project(), None).with_prefs(named("ana")));
    key(&mut h, Modifiers::COMMAND, Key::K);
    assert!(h.get_by_label("Command").is_focused());
    assert!(!interrupts_input_method(&mut h));
}

/// A project whose one article is `lines` numbered lines long.
fn long_article(lines: usize) -> Project {
    let text: String = (1..=lines)
        .map(|n| format!("Line {n} of a long report that the analyst reads by keyboard.\n"))
        .collect();
    marginalia::model::project_from_marked(&text, "ana", jiff::Timestamp::UNIX_EPOCH)
        .unwrap()
        .0
}

#[test]
fn page_down_page_up_and_space_scroll_the_article_by_a_page() {
    let mut h = harness_with(MarginaliaApp::new(long_article(400), None).with_prefs(named("ana")));
    let first = h.state().article_view().visible_blocks();
    assert_eq!(first.start, 0);
    let shown = first.end - first.start;
    key(&mut h, Modifiers::NONE, Key::PageDown);
    let paged = h.state().article_view().visible_blocks();
    // A page on, less the one line kept in sight (blocks are lines here).
    assert!(
        paged.start + 3 >= shown && paged.start < shown,
        "a page down from {first:?} shows {paged:?}"
    );
    let caret = h.state().text_selection();
    assert!(
        caret.is_empty(),
        "Page Down moves the caret, selecting nothing"
    );
    let text = h.state().project().documents[0].text.clone();
    let caret_line = text[..caret.head.0].matches('\n').count();
    assert!(
        paged.contains(&caret_line),
        "the caret (line {caret_line}) is on the page shown ({paged:?})"
    );
    key(&mut h, Modifiers::NONE, Key::Space);
    let spaced = h.state().article_view().visible_blocks();
    assert!(spaced.start > paged.start + shown / 2, "Space pages on too");
    key(&mut h, Modifiers::SHIFT, Key::Space);
    key(&mut h, Modifiers::NONE, Key::PageUp);
    assert_eq!(h.state().article_view().visible_blocks().start, 0);
    // Shift+Page Down extends the selection by a page.
    key(&mut h, Modifiers::SHIFT, Key::PageDown);
    let sel = h.state().text_selection();
    assert!(!sel.is_empty());
    assert!(sel.head.0 > sel.anchor.0);
    // A focused checkbox takes Space as its click, and the article stays where it is.
    key(&mut h, Modifiers::NONE, Key::PageUp);
    let before = h.state().article_view().visible_blocks();
    let snap = h.state().prefs().view.word_snap;
    h.get_by_label("Snap to words").focus();
    h.run();
    key(&mut h, Modifiers::NONE, Key::Space);
    assert_eq!(
        h.state().prefs().view.word_snap,
        !snap,
        "the checkbox was ticked"
    );
    assert_eq!(h.state().article_view().visible_blocks(), before, "no page");
    // At the end there is no further to go.
    key(&mut h, Modifiers::COMMAND, Key::End);
    let end = h.state().article_view().visible_blocks();
    key(&mut h, Modifiers::NONE, Key::PageDown);
    assert_eq!(h.state().article_view().visible_blocks(), end);
    assert_eq!(h.state().text_selection().head.0, text.len());
}

#[test]
fn a_theme_switch_leaves_no_layout_pointing_into_the_old_font_atlas() {
    let mut prefs = named("ana");
    prefs.theme = marginalia::ui::ThemeChoice::Dark;
    let mut h = harness_with(MarginaliaApp::new(long_article(60), None).with_prefs(prefs));
    let text = h.state().project().documents[0].text.clone();
    assert!(h.state().article_view().cached_galleys() > 10);
    assert_eq!(h.state().article_view().stale_galleys(&h.ctx, &text), 0);
    key(&mut h, Modifiers::COMMAND, Key::Comma);
    h.get_by_label("Light").click();
    h.run();
    assert_eq!(h.state().prefs().theme, marginalia::ui::ThemeChoice::Light);
    assert!(h.state().article_view().cached_galleys() > 10);
    assert_eq!(
        h.state().article_view().stale_galleys(&h.ctx, &text),
        0,
        "every cached line was laid out again for the new atlas"
    );
    h.get_by_label("Dark").click();
    h.run();
    assert_eq!(h.state().article_view().stale_galleys(&h.ctx, &text), 0);
}

#[test]
fn a_keyboard_selection_is_tagged_without_the_space_before_it() {
    let text = "He tasked his adviser Emmanuel Bonne with it.";
    let p = marginalia::model::project_from_marked(text, "ana", jiff::Timestamp::UNIX_EPOCH)
        .unwrap()
        .0;
    let mut h = harness_with(MarginaliaApp::new(p, None).with_prefs(named("ana")));
    for _ in 0..4 {
        key(&mut h, Modifiers::COMMAND, Key::ArrowRight);
    }
    for _ in 0..2 {
        key(
            &mut h,
            Modifiers::COMMAND | Modifiers::SHIFT,
            Key::ArrowRight,
        );
    }
    let sel = h.state().text_selection().range();
    assert_eq!(&text[sel.start.0..sel.end.0], " Emmanuel Bonne");
    key(&mut h, Modifiers::NONE, Key::Num1);
    assert_eq!(common::quotes(&h), ["Emmanuel Bonne"]);
}

fn sample_at(size: Vec2, prefs: Prefs) -> Harness<'static, MarginaliaApp> {
    let project = marginalia::sample::sample_project().unwrap();
    let mut h = Harness::builder()
        .with_size(size)
        .with_context_setup(|ctx| {
            marginalia::ui::install_fonts(ctx);
            ctx.all_styles_mut(|s| s.scroll_animation = egui::style::ScrollAnimation::none());
        })
        .build_ui_state(
            |ui, app: &mut MarginaliaApp| app.ui(ui),
            MarginaliaApp::new(project, None).with_prefs(prefs),
        );
    h.run();
    h
}

fn on_screen(h: &Harness<'static, MarginaliaApp>, label: &str, width: f32) -> egui::Rect {
    let rect = h.get_by_label(label).rect();
    assert!(
        rect.min.x >= 0.0 && rect.max.x <= width + 0.5,
        "{label} is off screen at {rect:?}"
    );
    rect
}

#[test]
fn agreement_beside_compare_leaves_the_article_its_share_of_the_window() {
    let mut prefs = named("analyst");
    prefs.show_agreement = true;
    let mut h = sample_at(Vec2::new(1280.0, 800.0), prefs);
    key(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::D);
    h.run();
    let article = h.get_by_label_contains("Article text:").rect();
    assert!(
        article.width() >= 0.4 * 1280.0 - 40.0,
        "the article is {} points wide",
        article.width()
    );
    // Every panel is still on screen, none pushed past the edge.
    let agreement = on_screen(&h, "Agreement", 1280.0);
    let compare = on_screen(&h, "Compare annotators", 1280.0);
    on_screen(&h, "Documents", 1280.0);
    assert!(compare.max.x <= agreement.min.x, "side by side");
}

#[test]
fn a_small_window_keeps_the_article_readable_and_a_wide_one_keeps_lines_short() {
    let mut h = sample_at(Vec2::new(700.0, 500.0), named("analyst"));
    let small = h.get_by_label_contains("Article text:").rect();
    assert!(
        small.width() >= 240.0,
        "{} points at 700 × 500",
        small.width()
    );
    on_screen(&h, "Annotations", 700.0);
    // Wide: the text column stops at about 80 average characters (a row of narrow letters
    // holds a few more).
    h.set_size(Vec2::new(1600.0, 1000.0));
    h.run();
    let text = &h.state().project().documents[0].text;
    let first_line = text.lines().next().unwrap();
    let layers = h.state().article_view().layers().items().len();
    assert!(layers > 0);
    let longest = h.state().article_view().longest_row_chars();
    assert!(
        (60..=90).contains(&longest),
        "rows of up to {longest} characters at 1600 points (first line {} long)",
        first_line.chars().count()
    );
    // Back to a smaller window: the panels come back to their widths.
    h.set_size(Vec2::new(1280.0, 800.0));
    h.run();
    let annotations = on_screen(&h, "Annotations", 1280.0);
    assert!(annotations.min.x < 1280.0 - 300.0, "{annotations:?}");
}

#[test]
fn stacked_annotations_are_drawn_under_the_text_never_across_it() {
    // Four deep on "talks": a claim, a condition in it, an actor in that, and one more.
    let marked = "[claim|Macron said [condition|the [actor|[claim|talks]] could start]] if Xi agreed.\n\nPlain.";
    let p = marginalia::model::project_from_marked(marked, "ana", jiff::Timestamp::UNIX_EPOCH)
        .unwrap()
        .0;
    let mut h = harness_with(MarginaliaApp::new(p, None).with_prefs(named("ana")));
    h.step();
    let article = h.get_by_label_contains("Article text:").rect();
    let shapes = &h.output().shapes;
    // Each row's body: from its baseline up to its tallest letters.
    let mut bodies = Vec::new();
    let mut bands = Vec::new();
    fn walk<'s>(shape: &'s egui::Shape, out: &mut Vec<&'s egui::Shape>) {
        match shape {
            egui::Shape::Vec(v) => v.iter().for_each(|s| walk(s, out)),
            s => out.push(s),
        }
    }
    let mut flat = Vec::new();
    for clipped in shapes {
        walk(&clipped.shape, &mut flat);
    }
    for shape in flat {
        match shape {
            egui::Shape::Text(t) if article.contains(t.pos) => {
                for row in &t.galley.rows {
                    let Some(g) = row.row.glyphs.first() else {
                        continue;
                    };
                    let baseline = t.pos.y + row.pos.y + g.pos.y;
                    let x = t.pos.x + row.pos.x..=t.pos.x + row.pos.x + row.row.size.x;
                    bodies.push((x, baseline - 0.6 * g.font_ascent..=baseline));
                }
            }
            egui::Shape::LineSegment { points, stroke }
                if points[0].y == points[1].y
                    && stroke.width >= 2.0
                    && article.contains(points[0]) =>
            {
                bands.push((points[0].x..=points[1].x, points[0].y));
            }
            _ => {}
        }
    }
    assert!(bands.len() >= 3, "the stack is drawn as bands: {bands:?}");
    for (xs, y) in &bands {
        for (row_x, body) in &bodies {
            let beside = xs.start() < row_x.end() && row_x.start() < xs.end();
            assert!(
                !(beside && body.contains(y)),
                "a band at y {y} crosses the letters of a row (body {body:?})"
            );
        }
    }
}

#[test]
fn the_document_list_counts_what_the_annotation_list_shows() {
    let h = sample_at(Vec2::new(1280.0, 800.0), named("analyst"));
    let in_article = h
        .query_all_by_label_contains(" in this article")
        .next()
        .and_then(|n| {
            let node = n.accesskit_node();
            node.label().or_else(|| node.value())
        })
        .unwrap();
    let n: usize = in_article
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    // The sample's two analysts each coded the article: one layer is shown, and counted.
    let listed = format!("· {n} annotations ·");
    assert_eq!(
        h.query_all_by_label_contains(&listed).count(),
        1,
        "the first document's line says {listed}"
    );
    let doc = &h.state().project().documents[0].id;
    let all = h
        .state()
        .project()
        .annotations
        .values()
        .filter(|a| &a.doc == doc)
        .count();
    assert!(all > n, "not every layer's {all}");
}

#[test]
fn the_schema_editor_fields_are_wide_enough_to_read() {
    let mut h = harness_with(MarginaliaApp::new(project(), None).with_prefs(named("ana")));
    key(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::K);
    for (field, min) in [
        ("Name of tag 1", 120.0),
        ("Id of tag 1", 100.0),
        ("Definition of tag 1", 250.0),
    ] {
        let w = h.get_by_label(field).rect().width();
        assert!(w >= min, "{field} is {w} points wide");
    }
}

#[test]
fn the_go_menu_names_the_bracket_keys_by_their_characters() {
    let mut h = harness_with(MarginaliaApp::new(project(), None).with_prefs(named("ana")));
    h.get_by_label("Go").click();
    h.run();
    assert!(h.query_all_by_label_contains("Bracket").next().is_none());
    assert!(h.query_all_by_label_contains("]").next().is_some());
}

/// ana's project of one sentence saved in a folder of its own and opened in the window
/// (locked, watched), with what was saved.
fn opened_from_disk() -> (
    tempfile::TempDir,
    std::path::PathBuf,
    Project,
    Harness<'static, MarginaliaApp>,
) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("day.ron");
    let text = "Macron said talks could start.";
    let base = marginalia::model::project_from_marked(text, "ana", jiff::Timestamp::UNIX_EPOCH)
        .unwrap()
        .0;
    marginalia::store::save(&base, &path).unwrap();
    let mut app = MarginaliaApp::new(marginalia::store::load(&path).unwrap(), Some(path.clone()))
        .with_prefs(named("ana"));
    app.start(Some(&path));
    let h = harness_with(app);
    (dir, path, base, h)
}

/// Tags "Macron" an actor and saves (Ctrl+S).
fn tag_macron_and_save(h: &mut Harness<'static, MarginaliaApp>) {
    h.state_mut()
        .set_text_selection(marginalia::ui::TextSel::over(ByteOffset(0)..ByteOffset(6)));
    key(h, Modifiers::NONE, Key::Num1);
    key(h, Modifiers::COMMAND, Key::S);
}

#[test]
fn a_file_changed_on_disk_can_be_merged_into_the_work_and_saved_with_both() {
    let (_dir, path, base, mut h) = opened_from_disk();
    // A colleague's copy, synced over the file: their claim in their layer.
    let mut theirs = base.clone();
    let doc = theirs.documents[0].id.clone();
    marginalia::model::ops::add_annotation(
        &theirs,
        &doc,
        &"claim".into(),
        vec![marginalia::model::Fragment::new(
            ByteOffset(12)..ByteOffset(29),
        )],
        "noor",
        jiff::Timestamp::UNIX_EPOCH,
    )
    .unwrap()
    .apply(&mut theirs)
    .unwrap();
    marginalia::store::save(&theirs, &path).unwrap();
    // Meanwhile, my actor.
    tag_macron_and_save(&mut h);
    assert!(matches!(h.state().modal(), Some(Modal::ChangedOnDisk)));
    // It says what each way out would drop: their claim (and noor), my actor.
    h.get_by_label_contains("keeping yours drops it");
    h.get_by_label_contains("annotators noor");
    h.get_by_label_contains("reloading drops it");
    assert!(h.query_all_by_label_contains(": 1 annotation").count() >= 1);
    h.get_by_label("Merge theirs into mine…").click();
    // Read on a worker thread: step until it is in, without asking the window to settle.
    common::wait_loaded(&mut h);
    h.get_by_label("Merge").click();
    h.run();
    let layers: Vec<String> = h
        .state()
        .project()
        .annotations
        .values()
        .map(|a| format!("{}:{}", a.annotator, a.quote))
        .collect();
    assert_eq!(layers.len(), 2, "{layers:?}");
    // Saving now writes both, without asking again: the version on disk was taken in.
    key(&mut h, Modifiers::COMMAND, Key::S);
    assert!(h.state().modal().is_none(), "{:?}", h.state().modal());
    let saved = marginalia::store::load(&path).unwrap();
    let mut quotes: Vec<String> = saved
        .annotations
        .values()
        .map(|a| format!("{}:{}", a.annotator, a.quote))
        .collect();
    quotes.sort();
    assert_eq!(quotes, ["ana:Macron", "noor:talks could start"]);
}

/// The texts painted in the article, with their positions.
fn painted_texts(h: &Harness<'static, MarginaliaApp>) -> Vec<(String, egui::Pos2)> {
    let article = h.get_by_label_contains("Article text:").rect();
    fn walk(shape: &egui::Shape, out: &mut Vec<(String, egui::Pos2)>) {
        match shape {
            egui::Shape::Vec(v) => v.iter().for_each(|s| walk(s, out)),
            egui::Shape::Text(t) => out.push((t.galley.text().to_owned(), t.pos)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for clipped in &h.output().shapes {
        walk(&clipped.shape, &mut out);
    }
    out.retain(|(_, pos)| article.expand(30.0).contains(*pos));
    out
}

#[test]
fn tag_names_can_be_written_on_the_spans_so_colour_is_not_the_only_cue() {
    let marked = "[actor|Macron] said that [claim|talks could start] [condition|if Xi agreed].";
    let p = marginalia::model::project_from_marked(marked, "ana", jiff::Timestamp::UNIX_EPOCH)
        .unwrap()
        .0;
    let mut prefs = named("ana");
    let mut h = harness_with(MarginaliaApp::new(p.clone(), None).with_prefs(prefs.clone()));
    h.step();
    let names = |h: &Harness<'static, MarginaliaApp>| -> Vec<String> {
        painted_texts(h)
            .into_iter()
            .map(|(t, _)| t)
            .filter(|t| ["Actor", "Claim", "Condition"].contains(&t.as_str()))
            .collect()
    };
    assert!(names(&h).is_empty(), "off by default");
    prefs.view.show_labels = true;
    let mut h = harness_with(MarginaliaApp::new(p, None).with_prefs(prefs));
    h.step();
    assert_eq!(names(&h), ["Actor", "Claim", "Condition"]);
    // Above the text, not over it.
    let texts = painted_texts(&h);
    let line = texts
        .iter()
        .find(|(t, _)| t.starts_with("Macron said"))
        .unwrap()
        .1;
    for (t, pos) in &texts {
        if t == "Actor" || t == "Claim" {
            assert!(pos.y < line.y, "{t} at {pos:?}, the text at {line:?}");
        }
    }
}

#[test]
fn tag_all_rows_carry_their_context_and_new_actors_their_entity() {
    let marked = "[actor|Emmanuel Macron] arrived. Later Macron said that talks could start.\n\n\
                  The French president left; Macron stayed.";
    let mut p = marginalia::model::project_from_marked(marked, "ana", jiff::Timestamp::UNIX_EPOCH)
        .unwrap()
        .0;
    let first = p.annotations.keys().next().unwrap().clone();
    let entity = marginalia::model::Entity {
        refs: Default::default(),
        id: "e-macron".into(),
        name: "Emmanuel Macron".into(),
        kind: Default::default(),
        aliases: vec!["Macron".into()],
        note: String::new(),
    };
    marginalia::model::ops::put_entity(&p, entity)
        .unwrap()
        .apply(&mut p)
        .unwrap();
    marginalia::model::ops::set_entity(
        &p,
        &first,
        Some(&"e-macron".into()),
        jiff::Timestamp::UNIX_EPOCH,
    )
    .unwrap()
    .apply(&mut p)
    .unwrap();
    let mut h = harness_with(MarginaliaApp::new(p, None).with_prefs(named("ana")));
    key(&mut h, Modifiers::COMMAND, Key::F);
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Find")
        .type_text("Macron");
    h.run();
    // Every hit listed with the words around it, not the title alone.
    h.get_by_label_contains("Later Macron said that talks could");
    h.get_by_label_contains("left; Macron stayed.");
    h.get_by_label("Tag all…").click();
    h.run();
    // The preview's rows: article, context, and the entity each would be linked to.
    h.get_by_label_contains("Later Macron said that talks could start. → Emmanuel Macron");
    h.get_by_label_contains("left; Macron stayed. → Emmanuel Macron");
    h.get_by_label("Tag 2 matches").click();
    h.run();
    let linked: Vec<(String, Option<String>)> = h
        .state()
        .project()
        .annotations
        .values()
        .filter(|a| a.id != first)
        .map(|a| {
            (
                a.quote.clone(),
                a.entity.as_ref().map(|e| e.as_str().to_owned()),
            )
        })
        .collect();
    assert_eq!(
        linked,
        [
            ("Macron".to_owned(), Some("e-macron".to_owned())),
            ("Macron".to_owned(), Some("e-macron".to_owned()))
        ]
    );
    assert!(h.state().message().unwrap_or_default().contains("2 linked"));
}

#[test]
fn tag_all_can_take_each_hits_sentence() {
    let text = "Macron spoke. Xi and Macron met; Macron left.\n\nNothing here.";
    let p = marginalia::model::project_from_marked(text, "ana", jiff::Timestamp::UNIX_EPOCH)
        .unwrap()
        .0;
    let mut h = harness_with(MarginaliaApp::new(p, None).with_prefs(named("ana")));
    key(&mut h, Modifiers::COMMAND, Key::F);
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Find")
        .type_text("Macron");
    h.run();
    h.get_by_label("Tag all…").click();
    h.run();
    h.get_by_label("its sentence").click();
    h.run();
    h.get_by_label("Claim").click();
    h.run();
    h.get_by_label("Tag 2 matches").click();
    h.run();
    let mut quotes: Vec<String> = h
        .state()
        .project()
        .annotations
        .values()
        .map(|a| format!("{}:{}", a.tag.as_str(), a.quote))
        .collect();
    quotes.sort();
    assert_eq!(
        quotes,
        [
            "claim:Macron spoke.",
            "claim:Xi and Macron met; Macron left."
        ]
    );
}

/// A claim with its speaker and a condition, linked; another claim without links.
fn linked_project() -> Project {
    let marked = "[actor|Macron] said that [claim|talks could start] [condition|if Xi agreed]. \
                  [claim|Nothing else] was said.";
    let (mut p, ids) =
        marginalia::model::project_from_marked(marked, "ana", jiff::Timestamp::UNIX_EPOCH).unwrap();
    for (kind, to) in [("said_by", &ids[0]), ("conditional_on", &ids[2])] {
        marginalia::model::ops::add_relation(&p, &kind.into(), &ids[1], to, "ana")
            .unwrap()
            .apply(&mut p)
            .unwrap();
    }
    p
}

#[test]
fn the_relations_list_shows_every_link_and_edits_it() {
    let mut h = harness_with(MarginaliaApp::new(linked_project(), None).with_prefs(named("ana")));
    h.get_by_label("Links").click();
    h.run();
    h.get_by_label("2 links in this article");
    h.get_by_label("Remove the link talks could start → said by → Macron");
    h.get_by_label("Remove the link talks could start → conditional on → if Xi agreed");
    // Either end goes to its span.
    h.get_by_label("“if Xi agreed”").click();
    h.run();
    let condition = h
        .state()
        .project()
        .annotations
        .values()
        .find(|a| a.quote == "if Xi agreed")
        .unwrap()
        .id
        .clone();
    assert_eq!(h.state().selected(), Some(&condition));
    // Removing one is one undo step.
    h.get_by_label("Remove the link talks could start → said by → Macron")
        .click();
    h.run();
    assert_eq!(h.state().project().relations.len(), 1);
    h.get_by_label("1 links in this article");
    key(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(h.state().project().relations.len(), 2);
}

#[test]
fn every_relation_can_be_drawn_as_a_labelled_arc() {
    let count_arcs = |h: &Harness<'static, MarginaliaApp>| {
        fn walk(shape: &egui::Shape, n: &mut usize) {
            match shape {
                egui::Shape::Vec(v) => v.iter().for_each(|s| walk(s, n)),
                egui::Shape::CubicBezier(_) => *n += 1,
                _ => {}
            }
        }
        let mut n = 0;
        for c in &h.output().shapes {
            walk(&c.shape, &mut n);
        }
        n
    };
    let mut prefs = named("ana");
    let mut h = harness_with(MarginaliaApp::new(linked_project(), None).with_prefs(prefs.clone()));
    h.step();
    assert_eq!(count_arcs(&h), 0, "off by default");
    prefs.view.show_relations = true;
    let mut h = harness_with(MarginaliaApp::new(linked_project(), None).with_prefs(prefs));
    h.step();
    assert_eq!(count_arcs(&h), 2);
    let names: Vec<String> = painted_texts(&h)
        .into_iter()
        .map(|(t, _)| t)
        .filter(|t| t == "said by" || t == "conditional on")
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

/// The grey rectangles painted in the article: the text selection.
fn selection_rects(h: &Harness<'static, MarginaliaApp>) -> Vec<egui::Rect> {
    let article = h.get_by_label_contains("Article text:").rect();
    fn walk(shape: &egui::Shape, out: &mut Vec<egui::Rect>) {
        match shape {
            egui::Shape::Vec(v) => v.iter().for_each(|s| walk(s, out)),
            egui::Shape::Rect(r) => {
                let c = r.fill;
                if c.a() > 0 && c.r() == c.g() && c.g() == c.b() {
                    out.push(r.rect);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for c in &h.output().shapes {
        walk(&c.shape, &mut out);
    }
    // Row-high rectangles only: not the panels behind.
    out.retain(|r| article.intersects(*r) && r.width() > 1.0 && r.height() < 40.0);
    out
}

#[test]
fn a_right_to_left_phrase_is_drawn_right_to_left_and_selected_by_logical_offsets() {
    let text = "Macron قال الرئيس said that talks could start.";
    let p = marginalia::model::project_from_marked(text, "ana", jiff::Timestamp::UNIX_EPOCH)
        .unwrap()
        .0;
    let mut h = harness_with(MarginaliaApp::new(p, None).with_prefs(named("ana")));
    let range = |word: &str| {
        let i = text.find(word).unwrap();
        ByteOffset(i)..ByteOffset(i + word.len())
    };
    let painted = |h: &mut Harness<'static, MarginaliaApp>, word: &str| {
        h.state_mut()
            .set_text_selection(marginalia::ui::TextSel::over(range(word)));
        h.step();
        let rects = selection_rects(h);
        assert_eq!(rects.len(), 1, "{word}: {rects:?}");
        rects[0]
    };
    let (macron, first, second, said) = (
        painted(&mut h, "Macron"),
        painted(&mut h, "قال"),
        painted(&mut h, "الرئيس"),
        painted(&mut h, "said"),
    );
    // Read right to left: the phrase's first word on the right of its second, and the
    // phrase between the English words around it.
    assert!(first.min.x > second.max.x - 1.0, "{first:?} {second:?}");
    assert!(macron.max.x < second.min.x && first.max.x < said.min.x);
    // A click on the phrase's first word puts the caret in it, by its logical offsets:
    // near the word's right edge is near its start.
    let word = range("قال");
    for (x, near) in [
        (first.max.x - 2.0, word.start),
        (first.min.x + 2.0, word.end),
    ] {
        let at = egui::pos2(x, first.center().y);
        h.hover_at(at);
        h.drag_at(at);
        h.drop_at(at);
        h.run();
        let head = h.state().text_selection().head;
        assert!(
            word.start <= head && head <= word.end && head.0.abs_diff(near.0) <= 2,
            "clicked at {x}: caret at {head:?}, the word is {word:?}"
        );
    }
}

#[test]
fn a_combining_mark_the_text_font_lacks_is_still_drawn_in_the_article() {
    let text = "Iq\u{306}bal and Ca\u{306}sa.";
    let p = marginalia::model::project_from_marked(text, "ana", jiff::Timestamp::UNIX_EPOCH)
        .unwrap()
        .0;
    let mut h = harness_with(MarginaliaApp::new(p, None).with_prefs(named("ana")));
    h.step();
    // Every character that is not a space has ink, marks included (or, composed with its
    // letter, a glyph of its own).
    fn walk(shape: &egui::Shape, out: &mut Vec<(char, bool)>) {
        match shape {
            egui::Shape::Vec(v) => v.iter().for_each(|s| walk(s, out)),
            egui::Shape::Text(t) => out.extend(
                t.galley
                    .rows
                    .iter()
                    .flat_map(|r| r.row.glyphs.iter())
                    .map(|g| (g.chr, !g.uv_rect.is_nothing())),
            ),
            _ => {}
        }
    }
    let mut glyphs = Vec::new();
    for c in &h.output().shapes {
        walk(&c.shape, &mut glyphs);
    }
    let start = glyphs.iter().position(|(c, _)| *c == 'I').unwrap();
    let line = &glyphs[start..start + text.chars().count()];
    let inked = line.iter().filter(|(_, ink)| *ink).count();
    let visible = text.chars().filter(|c| !c.is_whitespace()).count();
    // q̆ needs two glyphs (no precomposed form); ă may be composed into one.
    assert!(inked >= visible - 1, "{inked} of {visible} inked: {line:?}");
    let q = line.iter().position(|(c, _)| *c == 'q').unwrap();
    assert!(
        line[q].1 && line[q + 1].1,
        "q and its breve: {:?}",
        &line[q..q + 2]
    );
}

#[test]
fn a_file_changed_on_disk_that_the_work_already_holds_is_saved_without_asking() {
    let (_dir, path, base, mut h) = opened_from_disk();
    // The same project written again (a sync touching it, `fmt`): other bytes, same content.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let mut touched = marginalia::store::to_string(&base).unwrap();
    touched.push('\n');
    std::fs::write(&path, touched).unwrap();
    tag_macron_and_save(&mut h);
    assert!(
        h.state().modal().is_none(),
        "nothing of the file would be lost: saved"
    );
    assert_eq!(marginalia::store::load(&path).unwrap().annotations.len(), 1);
    // Undone, the work lacks nothing of the file either; but a colleague's change on disk
    // makes the question come back.
    let mut theirs = marginalia::store::load(&path).unwrap();
    theirs.notes = "A colleague's note.".into();
    marginalia::store::save(&theirs, &path).unwrap();
    key(&mut h, Modifiers::COMMAND, Key::Z);
    key(&mut h, Modifiers::COMMAND, Key::S);
    assert!(matches!(h.state().modal(), Some(Modal::ChangedOnDisk)));
    assert!(
        h.query_all_by_label_contains("the project notes as written there")
            .count()
            >= 1
    );
}

#[test]
fn a_side_panel_can_be_dragged_wider_than_it_starts_and_keeps_that_width() {
    let mut h = sample_at(Vec2::new(1600.0, 1000.0), named("analyst"));
    let heading = h.get_by_label("Annotations").rect();
    let panel_left =
        |h: &Harness<'static, MarginaliaApp>| h.get_by_label("Annotations").rect().min.x;
    let before = panel_left(&h);
    // The panel's left edge is a few points left of its heading.
    let edge = egui::pos2(before - 8.0, heading.center().y + 200.0);
    h.hover_at(edge);
    h.run();
    h.drag_at(edge);
    h.run();
    for dx in [20.0, 60.0, 120.0, 200.0] {
        h.hover_at(edge - egui::vec2(dx, 0.0));
        h.run();
    }
    h.drop_at(edge - egui::vec2(200.0, 0.0));
    h.run();
    let wider = panel_left(&h);
    assert!(
        wider < before - 150.0,
        "dragged 200 points wider than its 340: its left edge went from {before} to {wider}"
    );
    // A smaller window narrows it; a wide one gives the dragged width back.
    h.set_size(Vec2::new(900.0, 700.0));
    h.run();
    h.set_size(Vec2::new(1600.0, 1000.0));
    h.run();
    assert!(
        (panel_left(&h) - wider).abs() < 2.0,
        "{} vs {wider}",
        panel_left(&h)
    );
}
