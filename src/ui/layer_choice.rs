//! Which annotator layer the article shows outside the compare view.
//!
//! A project with several layers (a colleague's merged in, the sample's two analysts) would
//! otherwise draw every span twice where the analysts agree. The article shows one chosen
//! layer plus the analyst's own, so what they tag never disappears from view. By default the
//! chosen layer is the reviewed one if there is one, else the analyst's own if it has work,
//! else the first; a project with one layer shows everything. Once made, the default stays
//! as long as its layer exists: the view never switches by itself (tagging a first span of
//! one's own in a colleague's project used to hide the colleague's layer). In blind coding
//! the article shows the analyst's own layer only.

use egui::Ui;

use crate::model::REVIEWED_LAYER;

use super::request::{Request, Requests};
use super::shared::Shared;

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

/// The default choice and what it was made for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DefaultLayer {
    /// The project version and annotator name it is up to date with.
    pub(crate) key: Option<(u64, String)>,
    /// The layer chosen (`None`: every layer, for a project of one layer).
    pub chosen: Option<String>,
    /// The project's only layer when it had one: what "every layer" showed.
    pub(crate) sole: Option<String>,
}

/// The default choice now that the project's layers are `layers` (sorted), for analyst `me`,
/// given the one made before: kept while its layer exists; where every layer was shown
/// because there was one, that layer (as it was what showed); else the rule of
/// [`default_layer`].
pub fn next_default(before: &DefaultLayer, layers: &[String], me: &str) -> Option<String> {
    if layers.len() <= 1 {
        return None;
    }
    let exists = |l: &Option<String>| l.as_ref().filter(|l| layers.contains(l)).cloned();
    exists(&before.chosen)
        .or_else(|| {
            before
                .chosen
                .is_none()
                .then(|| exists(&before.sole))
                .flatten()
        })
        .or_else(|| default_layer(layers, me))
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

/// The layer shown and the default it was chosen from.
#[derive(Default)]
pub struct LayerChoice {
    /// The analyst's choice.
    pub choice: ShownLayer,
    /// The default choice and the (version, annotator name) it was made for.
    pub default: DefaultLayer,
}

impl LayerChoice {
    /// The toolbar's "Layer shown" choice, when the project has more than one layer.
    pub(super) fn ui(&self, ui: &mut Ui, cx: &Shared, out: &mut Requests) {
        let layers = cx.layers;
        if layers.len() < 2 || cx.comparing {
            return;
        }
        if cx.blind() {
            ui.label("Blind coding: only your layer").on_hover_text(
                "The other layers are hidden so that your coding stays independent \
                 (View › Blind coding)",
            );
            return;
        }
        let current = match &self.choice {
            ShownLayer::All => None,
            ShownLayer::One(l) => Some(l.clone()),
            ShownLayer::Default => self.default.chosen.clone(),
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
                for l in layers {
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
            out.push(Request::ShowLayer(choice));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_default_stays_while_its_layer_exists() {
        // Viewing noor's layer (the first), then tagging a first span of one's own.
        let before = DefaultLayer {
            key: None,
            chosen: Some("noor".into()),
            sole: None,
        };
        assert_eq!(
            next_default(&before, &names(&["me", "noor"]), "me").as_deref(),
            Some("noor")
        );
        // A reviewed layer arriving does not take over either.
        assert_eq!(
            next_default(&before, &names(&["me", "noor", "reviewed"]), "me").as_deref(),
            Some("noor")
        );
        // Gone: the rule chooses again.
        assert_eq!(
            next_default(&before, &names(&["ana", "me"]), "me").as_deref(),
            Some("me")
        );
    }

    #[test]
    fn a_project_of_one_layer_keeps_showing_it_when_a_second_arrives() {
        // Everything shown: noor's layer alone. The analyst tags: their layer appears.
        let before = DefaultLayer {
            key: None,
            chosen: None,
            sole: Some("noor".into()),
        };
        assert_eq!(
            next_default(&before, &names(&["me", "noor"]), "me").as_deref(),
            Some("noor")
        );
        assert_eq!(next_default(&before, &names(&["noor"]), "me"), None);
    }

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
