//! What the window tests share: the window itself, as kittest runs it.
#![allow(dead_code)] // each test file uses what it needs

use egui::Vec2;
use egui_kittest::Harness;
use marginalia::ui::MarginaliaApp;

/// `app` in a window of `size`, with the app's fonts and without scroll animation (so a
/// widget scrolled to is where the next click lands), run until it settles.
pub fn window(app: MarginaliaApp, size: Vec2) -> Harness<'static, MarginaliaApp> {
    let mut h = Harness::builder()
        .with_size(size)
        .with_context_setup(|ctx| {
            marginalia::ui::install_fonts(ctx);
            ctx.all_styles_mut(|s| s.scroll_animation = egui::style::ScrollAnimation::none());
        })
        .build_ui_state(|ui, app: &mut MarginaliaApp| app.ui(ui), app);
    h.run();
    h
}

/// Runs frames until a file being read for a merge (on a worker thread) is in and the
/// preview, or the error, is up; without asking the window to settle meanwhile.
pub fn wait_loaded(h: &mut Harness<'static, MarginaliaApp>) {
    for _ in 0..400 {
        h.step();
        if !h.state().merge_loading() {
            h.run();
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    panic!("the file to merge was never read");
}

/// The annotations the article shows, as "layer:quote", in its order.
pub fn shown(h: &Harness<'static, MarginaliaApp>) -> Vec<String> {
    h.state()
        .article_view()
        .layers()
        .items()
        .iter()
        .filter_map(|it| h.state().project().annotations.get(&it.id))
        .map(|a| format!("{}:{}", a.annotator, a.quote))
        .collect()
}

/// The quotes of every annotation of the project, in id order.
pub fn quotes(h: &Harness<'static, MarginaliaApp>) -> Vec<String> {
    h.state()
        .project()
        .annotations
        .values()
        .map(|a| a.quote.clone())
        .collect()
}

/// Gives every claim of document `doc` the stance its annotator's entry in `stances` names
/// (one undoable edit each, as the inspector makes it).
pub fn set_stances(project: &mut marginalia::model::Project, doc: &str, stances: &[(&str, &str)]) {
    use marginalia::model::{Value, ops};
    let claims: Vec<(String, marginalia::model::AnnotationId)> = project
        .annotations
        .values()
        .filter(|a| a.tag.as_str() == "claim" && a.doc.as_str() == doc)
        .map(|a| (a.annotator.clone(), a.id.clone()))
        .collect();
    for (who, id) in claims {
        let Some((_, stance)) = stances.iter().find(|(w, _)| *w == who) else {
            continue;
        };
        ops::set_value(
            project,
            &id,
            &"stance".into(),
            Some(Value::Choice(vec![(*stance).into()])),
            jiff::Timestamp::UNIX_EPOCH,
        )
        .expect("a claim has a stance")
        .apply(project)
        .expect("applies");
    }
}
