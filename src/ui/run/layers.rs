//! Whose work the analyst may change (the runner's side of [`crate::ui::protect`]), blind
//! coding, the layer shown, and the annotation list derived for it.

use crate::model::{AnnotationId, Edit, EditError, REVIEWED_LAYER, RelationId};
use crate::ui::app::MarginaliaApp;
use crate::ui::dialogs::Modal;
use crate::ui::layer_choice::{DefaultLayer, ShownLayer, next_default};
use crate::ui::protect::{refusal, stamped};

impl MarginaliaApp {
    /// Whether blind coding is on for the project shown.
    pub fn blind(&self) -> bool {
        self.shared(&[]).blind()
    }

    /// Turns blind coding on for this run, whatever the project (`marginalia --blind`).
    pub fn set_blind_run(&mut self, on: bool) {
        self.protection.blind_run = on;
    }

    /// Turns blind coding on or off for the project shown; remembered for its file.
    pub(crate) fn toggle_blind(&mut self) {
        let on = !self.blind();
        if !on && self.protection.blind_run {
            self.protection.blind_run = false;
        }
        match self.ws.path().cloned() {
            Some(p) if on => {
                if !self.prefs.blind_projects.contains(&p) {
                    self.prefs.blind_projects.push(p);
                }
            }
            Some(p) => self.prefs.blind_projects.retain(|x| x != &p),
            // A project never saved: for this run only.
            None => self.protection.blind_run = on,
        }
        if on {
            self.review.compare = None;
            self.prefs.show_agreement = false;
            self.selection.linking = None;
            if self
                .selection
                .annotation
                .as_ref()
                .is_some_and(|id| !self.is_mine(id))
            {
                self.selection.annotation = None;
            }
        }
        self.derived.forget_list();
        self.notify(if on {
            "Blind coding is on: only your own layer is shown."
        } else {
            "Blind coding is off: the layer shown is back."
        });
    }

    /// Whether annotation `id` is in the analyst's own layer.
    pub(crate) fn is_mine(&self, id: &AnnotationId) -> bool {
        self.shared(&[]).is_mine(id)
    }

    /// Whether the analyst may change work in `layer` now.
    pub(crate) fn may_edit_layer(&self, layer: &str) -> bool {
        self.shared(&[]).may_edit_layer(layer)
    }

    /// Why annotation `id` may not be changed now (`None`: it may).
    pub fn protected(&self, id: &AnnotationId) -> Option<String> {
        self.shared(&[]).protected(id)
    }

    /// Applies an interactive change of annotation `id` as one undo step, if the analyst may
    /// change it; a change in another annotator's layer records who made it. Refused, it
    /// says why and changes nothing.
    pub(crate) fn change_annotation(
        &mut self,
        label: &str,
        id: &AnnotationId,
        edit: Result<Edit, EditError>,
    ) -> bool {
        if let Some(why) = self.protected(id) {
            self.error(why);
            return false;
        }
        let edit = edit.map(|e| self.stamp(e));
        self.apply(label, edit)
    }

    /// Applies an interactive change of relation `id` (removing or retyping a link), if the
    /// analyst may change its layer; a change in another annotator's layer records who made
    /// it.
    pub(crate) fn change_relation(
        &mut self,
        label: &str,
        id: &RelationId,
        edit: Result<Edit, EditError>,
    ) -> bool {
        if let Some(r) = self.ws.project().relations.get(id)
            && !self.may_edit_layer(&r.annotator)
        {
            self.error(refusal(&r.annotator));
            return false;
        }
        let edit = edit.map(|e| self.stamp(e));
        self.apply(label, edit)
    }

    /// `edit` marked as the analyst's where it changes a colleague's opened layer.
    pub(crate) fn stamp(&self, edit: Edit) -> Edit {
        stamped(edit, &self.protection.editing, &self.prefs.annotator)
    }

    /// The layer "Edit this annotator's layer…" is about: the selected annotation's, else
    /// the one the article shows besides the analyst's own.
    pub(crate) fn layer_to_open(&self) -> Option<String> {
        let selected = self
            .selection
            .annotation
            .as_ref()
            .and_then(|id| self.ws.project().annotations.get(id))
            .map(|a| a.annotator.clone());
        selected
            .or_else(|| {
                self.shown_layers()?
                    .into_iter()
                    .find(|l| *l != self.prefs.annotator)
            })
            .filter(|l| !self.may_edit_layer(l))
    }

    /// Edit › Edit this annotator's layer…: asks for the confirmation.
    pub(crate) fn ask_edit_layer(&mut self) {
        match self.layer_to_open() {
            Some(layer) => self.asking.modal = Some(Modal::EditLayer(layer)),
            None => self.notify(
                "Select an annotation of a colleague's layer first: your own layer is yours \
                 to change already.",
            ),
        }
    }

    /// The confirmation was given: `layer` may be changed for the rest of the session.
    pub(crate) fn open_layer(&mut self, layer: &str) {
        self.protection.editing.insert(layer.to_owned());
        self.notify(format!(
            "You may now change {layer}'s annotations; each one you change records that you did."
        ));
    }
}

impl MarginaliaApp {
    /// Brings the default choice up to date with the project's layers; once per frame, before
    /// anything draws (the layer list is cached per change of the project).
    pub(crate) fn resolve_shown_layer(&mut self) {
        let key = (self.ws.version(), self.prefs.annotator.clone());
        if self.shown_layer.choice != ShownLayer::Default
            || self.shown_layer.default.key.as_ref() == Some(&key)
        {
            return;
        }
        let layers = self.layers();
        let chosen = next_default(&self.shown_layer.default, &layers, &self.prefs.annotator);
        if chosen != self.shown_layer.default.chosen {
            self.derived.forget_list();
        }
        self.shown_layer.default = DefaultLayer {
            key: Some(key),
            chosen,
            sole: (layers.len() == 1)
                .then(|| layers.first().cloned())
                .flatten(),
        };
    }

    /// The one layer the article shows besides the analyst's own, as the toolbar's *Layer
    /// shown* names it: what the summary panel follows. `None` where it shows every layer
    /// (the toolbar's "all layers", or the compare view, which shows several side by side).
    pub(crate) fn layer_named_shown(&self) -> Option<String> {
        if self.review.compare.is_some() {
            return None;
        }
        match &self.shown_layer.choice {
            ShownLayer::All => None,
            ShownLayer::One(l) => Some(l.clone()),
            ShownLayer::Default => self.shown_layer.default.chosen.clone(),
        }
    }

    /// The layers the article and the annotation list show (`None`: every layer): the
    /// reviewed one in compare mode, else the chosen one and the analyst's own.
    pub(crate) fn shown_layers(&self) -> Option<Vec<String>> {
        if self.review.compare.is_some() {
            return Some(vec![REVIEWED_LAYER.to_owned()]);
        }
        if self.blind() {
            return Some(vec![self.prefs.annotator.clone()]);
        }
        let chosen = match &self.shown_layer.choice {
            ShownLayer::All => None,
            ShownLayer::One(l) => Some(l.clone()),
            ShownLayer::Default => self.shown_layer.default.chosen.clone(),
        }?;
        Some(vec![chosen, self.prefs.annotator.clone()])
    }
}

impl MarginaliaApp {
    /// The ids listed for the document shown under the tag filter, with the counts the
    /// panels show, cached until the project, the document or the filter changes. The order
    /// is the article view's (already sorted), so nothing is sorted here.
    pub(crate) fn annotation_list(&mut self) -> std::sync::Arc<crate::ui::derived::AnnotationList> {
        // The list reads the view's layers: make sure they are this version's.
        let shown = self.shown_layers();
        if let Some(doc) = self.ws.project().documents.get(self.selection.doc) {
            self.article
                .view
                .sync(self.ws.project(), doc, self.ws.version(), shown.as_deref());
        }
        // Keyed by the layers shown too: the annotator's name or the layer choice may change.
        let key = (
            self.selection.doc,
            self.ws.version(),
            self.details.tag_filter.clone(),
            shown,
            self.details.value_filter.clone(),
        );
        if let Some((k, list)) = &self.derived.list
            && *k == key
        {
            return list.clone();
        }
        // Per-document counts change with the project and the layers shown (the list and
        // the document list count the same annotations), not with the tag filter.
        let per_doc = match &self.derived.per_doc {
            Some((version, layers, counts))
                if *version == self.ws.version() && *layers == key.3 =>
            {
                counts.clone()
            }
            _ => {
                // Ordered map: a few string comparisons per annotation, no hashing.
                let mut by_id: std::collections::BTreeMap<&crate::model::DocId, usize> =
                    std::collections::BTreeMap::new();
                let shown = key.3.as_deref();
                for a in self.ws.project().annotations.values() {
                    if shown.is_none_or(|layers| layers.contains(&a.annotator)) {
                        *by_id.entry(&a.doc).or_default() += 1;
                    }
                }
                self.ws
                    .project()
                    .documents
                    .iter()
                    .map(|d| by_id.get(&d.id).copied().unwrap_or(0))
                    .collect()
            }
        };
        self.derived.per_doc = Some((self.ws.version(), key.3.clone(), per_doc.clone()));
        let mut list = crate::ui::derived::AnnotationList {
            per_doc,
            ..Default::default()
        };
        let tags = &self.ws.project().schema.tags;
        let filter = self
            .details
            .tag_filter
            .as_ref()
            .map(|f| tags.iter().position(|t| &t.id == f).unwrap_or(usize::MAX));
        list.per_tag = vec![0; tags.len()];
        for (i, item) in self.article.view.layers().items().iter().enumerate() {
            if let Some(n) = list.per_tag.get_mut(item.tag) {
                *n += 1;
            }
            let carries = |f: &crate::search::ValueFilter| {
                self.ws
                    .project()
                    .annotations
                    .get(&item.id)
                    .is_some_and(|a| f.matches(a))
            };
            if filter.is_none_or(|f| item.tag == f)
                && self.details.value_filter.as_ref().is_none_or(carries)
            {
                list.items.push(i);
            }
        }
        list.total = self.article.view.layers().items().len();
        let list = std::sync::Arc::new(list);
        self.derived.list = Some((key, list.clone()));
        list
    }
}
