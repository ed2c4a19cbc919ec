//! The window (feature `gui`). It reads the model and the store; nothing below it knows egui.

mod agree_panel;
mod analysis_view;
mod app;
mod article;
mod article_panel;
mod codebooks;
mod commands;
mod compare;
mod compare_panel;
mod derived;
mod dialogs;
mod doc_sort;
mod fonts;
pub mod graph_canvas;
mod inspector;
mod layer_choice;
mod merge_window;
pub mod network_panel;
mod overlays;
mod panels;
mod prefs;
mod protect;
mod questions;
mod relations_list;
mod request;
mod run;
mod schema_editor;
mod search_ui;
mod selection;
mod shared;
mod sizing;
mod summary_panel;
mod theme;
mod transfer;
mod values;
mod widgets;

pub use app::MarginaliaApp;
pub use article::{ArticleInput, ArticleOutput, ArticleView, Item, Layers, TextSel, ViewSettings};
pub use commands::Command;
pub use compare::CompareState;
pub use dialogs::{After, FileDialogs, Modal, NativeDialogs, ScriptedDialogs};
pub use fonts::install_fonts;
pub use merge_window::MergeDraft;
pub use prefs::{Prefs, ThemeChoice};
pub use request::{Request, Requests};
pub use run::parse_position;
pub use schema_editor::{SchemaDraft, TagRow};
pub use selection::Linking;
pub use transfer::{ExportDraft, ImportDraft};

use std::path::PathBuf;

use crate::model::Project;
use crate::{sample, store};

/// How the window starts.
#[derive(Clone, Debug, Default)]
pub struct Launch {
    /// The project to open; else the last one, else the bundled sample.
    pub project: Option<PathBuf>,
    /// The annotator name, overriding preferences (and not asking on first start).
    pub annotator: Option<String>,
    /// Blind coding for this run, whatever the preferences say.
    pub blind: bool,
}

/// Opens the window. A project named on the command line that cannot be loaded is an error
/// before any window opens.
pub fn run(launch: Launch) -> anyhow::Result<()> {
    let explicit = match launch.project {
        Some(path) => Some((store::load(&path)?, path)),
        None => None,
    };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Marginalia")
            .with_inner_size([1280.0, 800.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "Marginalia",
        options,
        Box::new(move |cc| {
            install_fonts(&cc.egui_ctx);
            let mut prefs = Prefs::load(cc.storage);
            if let Some(name) = launch.annotator {
                prefs.annotator = name;
            }
            let (project, path) = match explicit {
                Some((project, path)) => (project, Some(path)),
                None => last_project(&prefs).unwrap_or_else(|| (bundled_sample(), None)),
            };
            let mut app = MarginaliaApp::new(project, path.clone()).with_prefs(prefs);
            app.set_blind_run(launch.blind);
            app.set_untitled_dir(eframe::storage_dir("Marginalia"));
            app.start(path.as_deref());
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("{e}"))
}

/// The last project opened, if it still loads.
fn last_project(prefs: &Prefs) -> Option<(Project, Option<PathBuf>)> {
    let path = prefs.last_project.clone()?;
    let project = store::load(&path).ok()?;
    Some((project, Some(path)))
}

/// The bundled sample; it validates in the test suite, so the fallback is never used.
fn bundled_sample() -> Project {
    sample::sample_project().unwrap_or_else(|_| Project::new("Marginalia"))
}
