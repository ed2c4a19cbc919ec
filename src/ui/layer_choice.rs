//! Which annotator layer the article shows outside the compare view.
//!
//! A project with several layers (a colleague's merged in, the sample's two analysts) would
//! otherwise draw every span twice where the analysts agree. The article shows one chosen
//! layer plus the analyst's own, so what they tag never disappears from view. By default the
//! chosen layer is the reviewed one if there is one, else the analyst's own if it has work,
//! else the first; a project with one layer shows everything.

use egui::Ui;

use crate::model::REVIEWED_LAYER;

use super::app::MarginaliaApp;

/// The analyst's choice of layer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ShownLayer {
    /// Chosen by the rule above, again whenever the layers change.
    #[default]
    Default,
    /// Every layer.
    All,
    /// This layer (and the analyst's own).
    One(String),
}

/// The layer the default rule picks among `layers` (sorted) for analyst `me`; `None`: all.
pub fn default_layer(layers: &[String], me: &str) -> Option<String> {
    if layers.len() <= 1 {
        return None;
    }
    [REVIEWED_LAYER, me]
        .into_iter()
        .find(|l| layers.iter().any(|x| x == l))
        .map(str::to_owned)
        .or_else(|| layers.first().cloned())
}

impl MarginaliaApp {
    /// Brings the default choice up to date with the project's layers; once per frame, before
    /// anything draws (the layer list is cached per change of the project).
    pub(super) fn resolve_shown_layer(&mut self) {
        let key = (self.version, self.prefs.annotator.clone());
        if self.shown_layer_choice != ShownLayer::Default
            || self.shown_layer_default.0.as_ref() == Some(&key)
        {
            return;
        }
        let layers = self.layers();
        let chosen = default_layer(&layers, &self.prefs.annotator);
        if chosen != self.shown_layer_default.1 {
            self.list_cache = None;
        }
        self.shown_layer_default = (Some(key), chosen);
    }

    /// The layers the article and the annotation list show (`None`: every layer): the
    /// reviewed one in compare mode, else the chosen one and the analyst's own.
    pub(super) fn shown_layers(&self) -> Option<Vec<String>> {
        if self.compare.is_some() {
            return Some(vec![REVIEWED_LAYER.to_owned()]);
        }
        let chosen = match &self.shown_layer_choice {
            ShownLayer::All => None,
            ShownLayer::One(l) => Some(l.clone()),
            ShownLayer::Default => self.shown_layer_default.1.clone(),
        }?;
        Some(vec![chosen, self.prefs.annotator.clone()])
    }

    /// The toolbar's "Layer shown" choice, when the project has more than one layer.
    pub(super) fn layer_choice_ui(&mut self, ui: &mut Ui) {
        let layers = self.layers();
        if layers.len() < 2 || self.compare.is_some() {
            return;
        }
        let current = match &self.shown_layer_choice {
            ShownLayer::All => None,
            ShownLayer::One(l) => Some(l.clone()),
            ShownLayer::Default => self.shown_layer_default.1.clone(),
        };
        let text = current.clone().unwrap_or_else(|| "all layers".to_owned());
        let mut picked = None;
        let caption = ui.label("Layer shown");
        egui::ComboBox::from_id_salt("layer shown")
            .selected_text(text)
            .show_ui(ui, |ui| {
                if ui
                    .selectable_label(current.is_none(), "all layers")
                    .clicked()
                {
                    picked = Some(ShownLayer::All);
                }
                for l in &layers {
                    if ui
                        .selectable_label(current.as_deref() == Some(l.as_str()), l)
                        .clicked()
                    {
                        picked = Some(ShownLayer::One(l.clone()));
                    }
                }
            })
            .response
            .on_hover_text(
                "Whose annotations the article shows, besides your own (the compare view, \
                 Ctrl+Shift+D, shows several side by side)",
            )
            .labelled_by(caption.id);
        if let Some(choice) = picked {
            self.shown_layer_choice = choice;
            self.list_cache = None;
            self.selected = None;
        }
    }

    /// How many annotations the article shows for the document open (for tests).
    pub fn shown_annotations(&self) -> usize {
        self.view.layers().items().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_prefers_the_reviewed_layer_then_ones_own_then_the_first() {
        let l = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(default_layer(&l(&["ana"]), "me"), None);
        assert_eq!(default_layer(&l(&[]), "me"), None);
        assert_eq!(
            default_layer(&l(&["ana", "noor"]), "me").as_deref(),
            Some("ana")
        );
        assert_eq!(
            default_layer(&l(&["ana", "me", "noor"]), "me").as_deref(),
            Some("me")
        );
        assert_eq!(
            default_layer(&l(&["ana", "me", "reviewed"]), "me").as_deref(),
            Some("reviewed")
        );
    }
}
