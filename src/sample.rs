//! The bundled sample project: two real articles about France, China and the war in Ukraine,
//! annotated by hand. The window opens it when there is no last project.

use std::path::Path;

use crate::model::Project;
use crate::store::{self, StoreError};

/// The sample project file, as shipped in `sample_projects/`.
pub const SAMPLE_PROJECT: &str = include_str!("../sample_projects/macron-china-ukraine.ron");

/// The file name the sample is shown under.
pub const SAMPLE_NAME: &str = "macron-china-ukraine.ron";

/// The sample project, loaded and validated like any other file.
pub fn sample_project() -> Result<Project, StoreError> {
    store::from_str(Path::new(SAMPLE_NAME), SAMPLE_PROJECT)
}
