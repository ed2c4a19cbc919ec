//! The window (feature `gui`). It reads the model and the store; nothing below it knows egui.

mod app;
mod article;
mod fonts;
mod theme;

pub use app::MarginaliaApp;
pub use article::annotations_at;
pub use fonts::install_fonts;

use std::path::PathBuf;

use crate::model::Project;
use crate::{sample, store};

/// Key under which eframe's storage remembers the last project opened.
pub const LAST_PROJECT_KEY: &str = "last_project";

/// Opens the window on `project`, else on the last project, else on the bundled sample.
/// A project named on the command line that cannot be loaded is an error before any window
/// opens.
pub fn run(project: Option<PathBuf>) -> anyhow::Result<()> {
    let explicit = match project {
        Some(path) => Some((store::load(&path)?, path)),
        None => None,
    };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Marginalia")
            .with_inner_size([1280.0, 800.0]),
        ..Default::default()
    };
    eframe::run_native(
        "Marginalia",
        options,
        Box::new(move |cc| {
            install_fonts(&cc.egui_ctx);
            let (project, path) = match explicit {
                Some((project, path)) => (project, Some(path)),
                None => last_project(cc.storage).unwrap_or_else(|| (bundled_sample(), None)),
            };
            Ok(Box::new(MarginaliaApp::new(project, path)))
        }),
    )
    .map_err(|e| anyhow::anyhow!("{e}"))
}

/// The last project opened, if it still loads.
fn last_project(storage: Option<&dyn eframe::Storage>) -> Option<(Project, Option<PathBuf>)> {
    let path = PathBuf::from(storage?.get_string(LAST_PROJECT_KEY)?);
    let project = store::load(&path).ok()?;
    Some((project, Some(path)))
}

/// The bundled sample; it validates in the test suite, so the fallback is never used.
fn bundled_sample() -> Project {
    sample::sample_project().unwrap_or_else(|_| Project::new("Marginalia"))
}
