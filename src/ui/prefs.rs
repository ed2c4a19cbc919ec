//! Preferences, kept in eframe's storage as one JSON value: who the analyst is, the theme,
//! the article's type, snapping, the last and recent projects, and which panels show.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::article::ViewSettings;

/// Key under which the preferences are stored.
pub const PREFS_KEY: &str = "preferences";

/// How many recent projects the File menu lists.
pub const RECENT_MAX: usize = 8;

/// Light, dark, or whatever the system uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThemeChoice {
    /// Follow the system.
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl ThemeChoice {
    /// The egui preference for this choice.
    pub fn preference(self) -> egui::ThemePreference {
        match self {
            ThemeChoice::System => egui::ThemePreference::System,
            ThemeChoice::Light => egui::ThemePreference::Light,
            ThemeChoice::Dark => egui::ThemePreference::Dark,
        }
    }
}

/// Everything remembered between sessions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    /// The annotator name new annotations get; empty until the analyst chose one.
    pub annotator: String,
    /// Light, dark or system.
    pub theme: ThemeChoice,
    /// Type size, spacing, word snapping.
    pub view: ViewSettings,
    /// The project open when the window last closed.
    pub last_project: Option<PathBuf>,
    /// Projects opened recently, newest first.
    pub recent: Vec<PathBuf>,
    /// Whether the document list shows.
    pub show_documents: bool,
    /// Whether the annotation list shows.
    pub show_annotations: bool,
    /// Whether the summary panel shows.
    pub show_summary: bool,
    /// Whether the agreement panel shows.
    pub show_agreement: bool,
    /// Projects coded blind: only the analyst's own layer is shown in them.
    pub blind_projects: Vec<PathBuf>,
    /// The panel beside the article lists the relations instead of the annotations.
    pub list_relations: bool,
}

impl Default for Prefs {
    fn default() -> Self {
        Prefs {
            annotator: String::new(),
            theme: ThemeChoice::System,
            view: ViewSettings::default(),
            last_project: None,
            recent: Vec::new(),
            show_documents: true,
            show_annotations: true,
            show_summary: false,
            show_agreement: false,
            blind_projects: Vec::new(),
            list_relations: false,
        }
    }
}

impl Prefs {
    /// Reads the preferences from eframe's storage; defaults for anything missing or
    /// unreadable (an older or damaged entry never stops the window from opening).
    pub fn load(storage: Option<&dyn eframe::Storage>) -> Self {
        storage
            .and_then(|s| s.get_string(PREFS_KEY))
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default()
    }

    /// Writes the preferences to eframe's storage.
    pub fn store(&self, storage: &mut dyn eframe::Storage) {
        if let Ok(json) = serde_json::to_string(self) {
            storage.set_string(PREFS_KEY, json);
        }
    }

    /// Puts `path` first in the recent projects.
    pub fn remember(&mut self, path: &std::path::Path) {
        self.recent.retain(|p| p != path);
        self.recent.insert(0, path.to_path_buf());
        self.recent.truncate(RECENT_MAX);
        self.last_project = Some(path.to_path_buf());
    }
}

pub use crate::session::login_name;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_projects_are_newest_first_without_repeats() {
        let mut p = Prefs::default();
        for name in ["a.ron", "b.ron", "a.ron"] {
            p.remember(std::path::Path::new(name));
        }
        assert_eq!(
            p.recent,
            vec![PathBuf::from("a.ron"), PathBuf::from("b.ron")]
        );
        for i in 0..20 {
            p.remember(std::path::Path::new(&format!("{i}.ron")));
        }
        assert_eq!(p.recent.len(), RECENT_MAX);
    }

    #[test]
    fn damaged_or_partial_preferences_fall_back_to_defaults() {
        let partial: Prefs = serde_json::from_str(r#"{"annotator":"ana"}"#).unwrap();
        assert_eq!(partial.annotator, "ana");
        assert!(partial.show_documents);
        assert!(serde_json::from_str::<Prefs>("{").is_err());
    }
}
