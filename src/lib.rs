//! Marginalia: annotate who says what under which conditions in news articles.
//!
//! The library holds every behaviour; the binary (`src/main.rs`) only parses arguments and
//! hands over. Layers, lowest first: [`model`] (pure data and edits), [`store`] (project
//! files), [`intake`] (reading articles), [`review`] (agreement between annotators), [`summary`] (who claims what, for analysts),
//! [`formats`] (import and export), [`cli`] (the headless commands), and `ui` (the window,
//! behind the `gui` feature). A layer uses only those below it.

pub mod analysis;
pub mod cli;
pub mod formats;
pub mod graph_layout;
pub mod highlight;
pub mod intake;
pub mod matrices;
pub mod model;
mod par;
pub mod review;
pub mod sample;
pub mod search;
pub mod session;
pub mod stats;
pub mod store;
pub mod summary;
#[cfg(feature = "gui")]
pub mod ui;
pub mod workspace;
