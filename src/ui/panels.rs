//! The panels around the article: menu bar, tag toolbar, status bar, document list and the
//! annotation list (the selected annotation's details are [`super::inspector`]).

use egui::{RichText, ScrollArea, Ui};

use crate::model::{AnnotationId, DocStatus, ops};

use super::app::MarginaliaApp;
use super::commands::Command;
use super::theme;

/// Which commands each menu lists.
const MENUS: [(&str, &[Command]); 6] = [
    (
        "File",
        &[
            Command::New,
            Command::Open,
            Command::Save,
            Command::SaveAs,
            Command::AddArticles,
            Command::AddFolder,
            Command::PasteArticle,
            Command::EditMetadata,
            Command::Import,
            Command::ImportColleague,
            Command::Export,
            Command::Quit,
        ],
    ),
    (
        "Edit",
        &[
            Command::Undo,
            Command::Redo,
            Command::Copy,
            Command::Delete,
            Command::StartLink,
            Command::ExtendToSentence,
            Command::ExtendToParagraph,
            Command::MoveStartLeft,
            Command::MoveStartRight,
            Command::MoveEndLeft,
            Command::MoveEndRight,
            Command::MergeEntities,
            Command::EditTheirLayer,
            Command::SchemaEditor,
            Command::Preferences,
        ],
    ),
    (
        "Find",
        &[
            Command::Find,
            Command::FindInProject,
            Command::NextHit,
            Command::PrevHit,
            Command::TagAllMatches,
            Command::Suggest,
        ],
    ),
    (
        "Go",
        &[
            Command::NextAnnotation,
            Command::PrevAnnotation,
            Command::NextDocument,
            Command::PrevDocument,
            Command::GoTo,
        ],
    ),
    (
        "View",
        &[
            Command::ZoomIn,
            Command::ZoomOut,
            Command::ZoomReset,
            Command::ToggleWordSnap,
            Command::ToggleLabels,
            Command::ToggleArcs,
            Command::ToggleDocuments,
            Command::ToggleAnnotations,
            Command::ToggleSummary,
            Command::ToggleAgreement,
            Command::ToggleCompare,
            Command::ToggleBlind,
            Command::Palette,
            Command::CheatSheet,
        ],
    ),
    (
        "Review",
        &[
            Command::ToggleCompare,
            Command::ToggleResult,
            Command::NextDifference,
            Command::PrevDifference,
            Command::AcceptFirst,
            Command::AcceptSecond,
            Command::AcceptBoth,
            Command::RejectDifference,
            Command::EditDifference,
            Command::AcceptAgreed,
            Command::AcceptAgreedEverywhere,
        ],
    ),
];

/// The document list's own state.
#[derive(Default)]
pub struct DocumentList {
    /// Text typed in the filter.
    pub filter: String,
    /// Row heights as last drawn (by document), so rows out of view take their space
    /// without being laid out.
    pub rows: Vec<f32>,
}

impl MarginaliaApp {
    pub(super) fn menu_ui(&mut self, ui: &mut Ui) {
        egui::MenuBar::new().ui(ui, |ui| {
            for (name, list) in MENUS {
                ui.menu_button(name, |ui| {
                    for &c in list {
                        let mut button = egui::Button::new(c.label());
                        if let Some(s) = c.shortcut() {
                            button =
                                button.shortcut_text(super::commands::shortcut_text(ui.ctx(), &s));
                        }
                        let mut response = ui.add(button);
                        if !c.tooltip().is_empty() {
                            response = response.on_hover_text(c.tooltip());
                        }
                        if response.clicked() {
                            self.run(c, ui.ctx());
                            ui.close();
                        }
                    }
                    if name == "File" && !self.prefs.recent.is_empty() {
                        ui.separator();
                        ui.menu_button("Recent projects", |ui| {
                            for p in self.prefs.recent.clone() {
                                if ui.button(p.display().to_string()).clicked() {
                                    self.ask_unsaved(super::dialogs::After::Open(Some(p)));
                                    ui.close();
                                }
                            }
                        });
                    }
                });
            }
        });
    }

    /// One button per tag, in its colour, with its key; the definition as tooltip.
    pub(super) fn toolbar_ui(&mut self, ui: &mut Ui) {
        ui.horizontal_wrapped(|ui| {
            let verb = if self.selection.text.is_empty() && self.selection.annotation.is_some() {
                "Retag as"
            } else {
                "Tag as"
            };
            let tags: Vec<_> = self.ws.project().schema.tags.clone();
            for (i, tag) in tags.iter().enumerate() {
                let key = tag
                    .key
                    .as_deref()
                    .map(|k| format!(" ({k})"))
                    .unwrap_or_default();
                let text =
                    RichText::new(format!("{}{key}", tag.label)).color(theme::color(tag.color));
                let tip = if tag.definition.is_empty() {
                    format!("{verb} {}", tag.label)
                } else {
                    format!("{verb} {}: {}", tag.label, tag.definition)
                };
                theme::swatch_ui(ui, tag.color);
                if ui.button(text).on_hover_text(tip).clicked() {
                    self.tag(i);
                }
            }
            ui.separator();
            if ui
                .button("Link…")
                .on_hover_text("Link the selected claim to its speaker or condition (L)")
                .clicked()
            {
                self.run(Command::StartLink, ui.ctx());
            }
            self.layer_choice_ui(ui);
            let mut snap = self.prefs.view.word_snap;
            if ui
                .checkbox(&mut snap, "Snap to words")
                .on_hover_text("Hold Alt while dragging for character precision (Alt+W)")
                .changed()
            {
                self.prefs.view.word_snap = snap;
            }
        });
    }

    pub(super) fn status_ui(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            ui.label(format!("✎ {}", self.prefs.annotator))
                .on_hover_text("Annotator (Preferences, Ctrl+,)");
            ui.separator();
            let file = self
                .ws
                .path()
                .map_or_else(|| "not saved yet".to_owned(), |p| p.display().to_string());
            let state = self.save_state();
            ui.label(format!("{file} · {state}"));
            ui.separator();
            ui.label(format!(
                "{} documents · {} annotations · {} relations",
                self.ws.project().documents.len(),
                &self.ws.project().annotations.len(),
                self.ws.project().relations.len(),
            ));
            ui.separator();
            ui.label(self.position_text());
            if let Some((message, is_error)) = &self.asking.message {
                ui.separator();
                let color = if *is_error {
                    ui.visuals().error_fg_color
                } else {
                    ui.visuals().warn_fg_color
                };
                ui.colored_label(color, message);
            }
        });
    }

    /// "line 3, column 12 · 14 characters selected", counted again only when the caret,
    /// the document or the project changed (it walks the text up to the caret).
    fn position_text(&mut self) -> String {
        let key = (self.ws.version(), self.selection.doc, self.selection.text);
        if let Some((k, text)) = &self.derived.position
            && *k == key
        {
            return text.clone();
        }
        let text = self.count_position();
        self.derived.position = Some((key, text.clone()));
        text
    }

    fn count_position(&self) -> String {
        let text = self.current_text();
        let head = self.selection.text.head.0.min(text.len());
        let before = text.get(..head).unwrap_or_default();
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let r = self.selection.text.range();
        let chosen = text
            .get(r.start.0..r.end.0)
            .map_or(0, |s| s.chars().count());
        if chosen > 0 {
            format!("line {line}, column {column} · {chosen} characters selected")
        } else {
            format!("line {line}, column {column}")
        }
    }

    pub(super) fn documents_ui(&mut self, ui: &mut Ui) {
        ui.set_max_width(ui.available_width());
        ui.heading("Documents");
        super::widgets::labelled(
            ui,
            "Filter documents",
            egui::TextEdit::singleline(&mut self.doc_list.filter)
                .hint_text("Filter by title, source, date")
                .desired_width(ui.available_width()),
        );
        let list = self.annotation_list();
        let counts = &list.per_doc;
        let filter = self.doc_list.filter.to_lowercase();
        let mut clicked = None;
        // Heights measured at another width are kept as estimates: a row is measured again
        // whenever it is drawn, and forgetting them all would lay out every row of a corpus
        // on each frame of a drag of the panel's edge.
        let rows = &mut self.doc_list.rows;
        rows.resize(self.ws.project().documents.len(), 0.0);
        ScrollArea::vertical().show_viewport(ui, |ui, viewport| {
            let top = ui.min_rect().top();
            let spacing = ui.spacing().item_spacing.y;
            for (i, doc) in self.ws.project().documents.iter().enumerate() {
                let m = &doc.meta;
                if !filter.is_empty() {
                    let haystack = format!(
                        "{} {} {}",
                        m.title,
                        m.source.as_deref().unwrap_or_default(),
                        m.published.as_deref().unwrap_or_default()
                    )
                    .to_lowercase();
                    if !haystack.contains(&filter) {
                        continue;
                    }
                }
                // A row out of view (with a known height) only takes its space: a corpus of
                // thousands of articles is not laid out every frame.
                let y = ui.cursor().top() - top;
                let known = rows.get(i).copied().unwrap_or(0.0);
                if known > 0.0 && (y + known < viewport.min.y || y > viewport.max.y) {
                    ui.allocate_space(egui::vec2(ui.available_width(), known - spacing));
                    continue;
                }
                let row_top = ui.cursor().top();
                let count = counts.get(i).copied().unwrap_or(0);
                // Reviewed once a reviewer settled every difference, whoever looks.
                let reviewed =
                    m.status.get(crate::model::REVIEWED_LAYER) == Some(&DocStatus::Reviewed);
                let status = m
                    .status
                    .get(&self.prefs.annotator)
                    .copied()
                    .filter(|_| !reviewed)
                    .unwrap_or(if reviewed {
                        DocStatus::Reviewed
                    } else if count > 0 {
                        DocStatus::InProgress
                    } else {
                        DocStatus::NotStarted
                    });
                let mut details = Vec::new();
                details.extend(m.source.clone());
                details.extend(m.published.clone());
                details.push(format!("{count} annotations"));
                details.push(status.label().to_owned());
                let response = ui.add(
                    egui::Button::selectable(
                        i == self.selection.doc,
                        RichText::new(&m.title).strong(),
                    )
                    .wrap(),
                );
                ui.add(
                    egui::ProgressBar::new(progress(status))
                        .desired_height(3.0)
                        .desired_width(ui.available_width()),
                );
                ui.label(
                    RichText::new(details.join(" · "))
                        .small()
                        .color(theme::weak(ui.visuals())),
                );
                ui.add_space(6.0);
                if let Some(height) = rows.get_mut(i) {
                    *height = ui.cursor().top() - row_top;
                }
                if response.clicked() {
                    clicked = Some(i);
                }
            }
        });
        if let Some(i) = clicked {
            self.show_document(i);
        }
    }

    /// Title and details of the article above the text, with its status for this annotator.
    pub(super) fn article_header_ui(&mut self, ui: &mut Ui) {
        let Some(doc) = self.ws.project().documents.get(self.selection.doc) else {
            return;
        };
        let meta = doc.meta.clone();
        let id = doc.id.clone();
        ui.heading(&meta.title);
        ui.horizontal_wrapped(|ui| {
            let details: Vec<String> = [&meta.source, &meta.author, &meta.published, &meta.url]
                .into_iter()
                .flatten()
                .cloned()
                .collect();
            if !details.is_empty() {
                ui.label(RichText::new(details.join(" · ")).color(theme::weak(ui.visuals())));
            }
            let current = meta
                .status
                .get(&self.prefs.annotator)
                .copied()
                .unwrap_or_default();
            let done = current == DocStatus::Done || current == DocStatus::Reviewed;
            let mut mark = done;
            if ui
                .checkbox(&mut mark, "Done")
                .on_hover_text("Mark this article as finished for you")
                .changed()
            {
                let mut meta = meta.clone();
                let status = if mark {
                    DocStatus::Done
                } else {
                    DocStatus::InProgress
                };
                meta.status.insert(self.prefs.annotator.clone(), status);
                let edit = ops::set_document_meta(self.ws.project(), &id, meta);
                self.apply("Mark done", edit);
            }
        });
        ui.add_space(4.0);
    }

    pub(super) fn annotations_ui(&mut self, ui: &mut Ui) {
        // Content never widens the panel; only dragging its edge does.
        ui.set_max_width(ui.available_width());
        ui.heading("Annotations");
        self.inspector_ui(ui);
        if self.selection.doc >= self.ws.project().documents.len() {
            return;
        }
        ui.horizontal(|ui| {
            ui.label("List:");
            if ui
                .selectable_label(!self.prefs.list_relations, "Spans")
                .on_hover_text("Every annotation in this article, in text order")
                .clicked()
            {
                self.prefs.list_relations = false;
            }
            if ui
                .selectable_label(self.prefs.list_relations, "Links")
                .on_hover_text("Every relation in this article: from → type → to")
                .clicked()
            {
                self.prefs.list_relations = true;
            }
        });
        if self.prefs.list_relations {
            let links = self.view.links(self.ws.project());
            let input = super::relations_list::RelationsInput {
                project: self.ws.project(),
                links: &links,
                selected: self.selection.annotation.as_ref(),
            };
            let mut out = Vec::new();
            super::relations_list::RelationsList::ui(ui, &input, &mut out);
            for request in out {
                self.act(request);
            }
            return;
        }
        let list = self.annotation_list();
        let total = list.total;
        let mut filter = self.details.tag_filter.clone();
        ui.horizontal_wrapped(|ui| {
            ui.label(
                RichText::new(format!("{total} in this article")).color(theme::weak(ui.visuals())),
            );
            if ui.selectable_label(filter.is_none(), "All").clicked() {
                filter = None;
            }
            for (k, t) in self.ws.project().schema.tags.iter().enumerate() {
                let n = list.per_tag.get(k).copied().unwrap_or(0);
                let on = filter.as_ref() == Some(&t.id);
                if ui
                    .selectable_label(
                        on,
                        RichText::new(format!("{} {n}", t.label)).color(theme::color(t.color)),
                    )
                    .on_hover_text(format!("Show only {}", t.label))
                    .clicked()
                {
                    filter = if on { None } else { Some(t.id.clone()) };
                }
            }
        });
        self.details.tag_filter = filter;
        ui.separator();
        let list = self.annotation_list();
        let mut clicked = None;
        let row_height = ui
            .spacing()
            .interact_size
            .y
            .max(ui.text_style_height(&egui::TextStyle::Body))
            + ui.spacing().item_spacing.y;
        // Only the rows on screen are built: a document with thousands of annotations lists
        // as fast as one with ten.
        ScrollArea::vertical()
            .id_salt("annotation list")
            .auto_shrink(false)
            .show_rows(ui, row_height, list.items.len(), |ui, rows| {
                let items = self.view.layers().items();
                for &n in list.items.get(rows).unwrap_or_default() {
                    let Some(id) = items.get(n).map(|item| &item.id) else {
                        continue;
                    };
                    let Some(a) = &self.ws.project().annotations.get(id) else {
                        continue;
                    };
                    let tag = &self.ws.project().schema.tag(&a.tag);
                    let is_selected = self.selection.annotation.as_ref() == Some(&a.id);
                    let details = self.details_of(a);
                    ui.horizontal(|ui| {
                        if let Some(t) = tag {
                            theme::swatch_ui(ui, t.color).on_hover_text(&t.label);
                        }
                        let mut tip = tag.map_or(String::new(), |t| t.label.clone());
                        for d in &details {
                            tip.push('\n');
                            tip.push_str(d);
                        }
                        // One truncated widget per row, so a long quote never widens the panel.
                        let mut job = egui::text::LayoutJob::default();
                        let body = egui::TextStyle::Body.resolve(ui.style());
                        let small = egui::TextStyle::Small.resolve(ui.style());
                        job.append(
                            &a.quote,
                            0.0,
                            egui::TextFormat::simple(body, ui.visuals().text_color()),
                        );
                        if !details.is_empty() {
                            job.append(
                                &format!("  {}", details.join(" · ")),
                                0.0,
                                egui::TextFormat::simple(small, theme::weak(ui.visuals())),
                            );
                        }
                        let response = ui
                            .add(egui::Button::selectable(is_selected, job).truncate())
                            .on_hover_text(tip);
                        if response.clicked() {
                            clicked = Some(a.id.clone());
                        }
                    });
                }
            });
        if let Some(id) = clicked {
            self.select(Some(id));
        }
    }

    /// The ids listed for the document shown under the tag filter, with the counts the
    /// panels show, cached until the project, the document or the filter changes. The order
    /// is the article view's (already sorted), so nothing is sorted here.
    pub(super) fn annotation_list(&mut self) -> std::sync::Arc<super::derived::AnnotationList> {
        // The list reads the view's layers: make sure they are this version's.
        let shown = self.shown_layers();
        if let Some(doc) = self.ws.project().documents.get(self.selection.doc) {
            self.view
                .sync(self.ws.project(), doc, self.ws.version(), shown.as_deref());
        }
        // Keyed by the layers shown too: the annotator's name or the layer choice may change.
        let key = (
            self.selection.doc,
            self.ws.version(),
            self.details.tag_filter.clone(),
            shown,
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
        let mut list = super::derived::AnnotationList {
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
        for (i, item) in self.view.layers().items().iter().enumerate() {
            if let Some(n) = list.per_tag.get_mut(item.tag) {
                *n += 1;
            }
            if filter.is_none_or(|f| item.tag == f) {
                list.items.push(i);
            }
        }
        list.total = self.view.layers().items().len();
        let list = std::sync::Arc::new(list);
        self.derived.list = Some((key, list.clone()));
        list
    }

    /// A link as seen from annotation `me`: "said by → Macron", "said by ← the claim".
    pub(super) fn link_text(
        &self,
        r: &crate::model::Relation,
        me: &AnnotationId,
    ) -> Option<String> {
        let outgoing = &r.from == me;
        let other = if outgoing { &r.to } else { &r.from };
        let label = self
            .ws
            .project()
            .schema
            .relation(&r.kind)
            .map_or(r.kind.as_str(), |k| k.label.as_str());
        let arrow = if outgoing { "→" } else { "←" };
        let quote = &self.ws.project().annotations.get(other)?.quote;
        Some(match &r.changed_by {
            Some(by) => format!(
                "{label} {arrow} {quote} · {}'s, changed by {by}",
                r.annotator
            ),
            None => format!("{label} {arrow} {quote}"),
        })
    }

    /// Entity, links and note of an annotation, one short line each.
    fn details_of(&self, a: &crate::model::Annotation) -> Vec<String> {
        let mut details = Vec::new();
        if let Some(e) = a
            .entity
            .as_ref()
            .and_then(|e| self.ws.project().entities.get(e))
        {
            details.push(format!("→ {}", e.name));
        }
        details.extend(
            self.ws
                .project()
                .relations_of(&a.id)
                .filter_map(|r| self.link_text(r, &a.id)),
        );
        if !a.note.is_empty() {
            details.push(format!("note: {}", a.note));
        }
        details
    }
}

/// How far along a document is, for its progress bar.
fn progress(status: DocStatus) -> f32 {
    match status {
        DocStatus::NotStarted => 0.0,
        DocStatus::InProgress => 0.5,
        DocStatus::Done => 0.9,
        DocStatus::Reviewed => 1.0,
    }
}
