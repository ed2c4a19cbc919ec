//! The panels around the article: menu bar, tag toolbar, status bar, document list and the
//! annotation list (the selected annotation's details are [`super::inspector`]).

use egui::{RichText, ScrollArea, Ui};

use crate::model::{DocStatus, ops};

use super::article::Item;
use super::commands::Command;
use super::derived::AnnotationList;
use super::inspector::Details;
use super::layer_choice::LayerChoice;
use super::request::{Request, Requests};
use super::shared::Shared;
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
            Command::Codebooks,
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
            Command::Analysis,
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
    /// What the list is sorted by.
    pub sort: super::doc_sort::DocSort,
    /// The order last computed, for the project version and sort it was computed for.
    order: Option<((u64, super::doc_sort::DocSort), Vec<usize>)>,
}

/// The menu bar: every command by menu, with its key, and the recent projects.
pub(super) fn menu_ui(ui: &mut Ui, cx: &Shared, out: &mut Requests) {
    egui::MenuBar::new().ui(ui, |ui| {
        for (name, list) in MENUS {
            ui.menu_button(name, |ui| {
                for &c in list {
                    let mut button = egui::Button::new(c.label());
                    if let Some(s) = c.shortcut() {
                        button = button.shortcut_text(super::commands::shortcut_text(ui.ctx(), &s));
                    }
                    let mut response = ui.add(button);
                    if !c.tooltip().is_empty() {
                        response = response.on_hover_text(c.tooltip());
                    }
                    if response.clicked() {
                        out.push(Request::Run(c));
                        ui.close();
                    }
                }
                if name == "File" && !cx.prefs.recent.is_empty() {
                    ui.separator();
                    ui.menu_button("Recent projects", |ui| {
                        for p in &cx.prefs.recent {
                            if ui.button(p.display().to_string()).clicked() {
                                out.push(Request::OpenRecent(p.clone()));
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
pub(super) fn toolbar_ui(ui: &mut Ui, cx: &Shared, layer: &LayerChoice, out: &mut Requests) {
    ui.horizontal_wrapped(|ui| {
        let verb = if cx.selection.text.is_empty() && cx.selection.annotation.is_some() {
            "Retag as"
        } else {
            "Tag as"
        };
        for (i, tag) in cx.project().schema.tags.iter().enumerate() {
            let key = tag
                .key
                .as_deref()
                .map(|k| format!(" ({k})"))
                .unwrap_or_default();
            let text = RichText::new(format!("{}{key}", tag.label)).color(theme::color(tag.color));
            let tip = if tag.definition.is_empty() {
                format!("{verb} {}", tag.label)
            } else {
                format!("{verb} {}: {}", tag.label, tag.definition)
            };
            theme::swatch_ui(ui, tag.color);
            if ui.button(text).on_hover_text(tip).clicked() {
                out.push(Request::Run(Command::Tag(i)));
            }
        }
        ui.separator();
        if ui
            .button("Link…")
            .on_hover_text("Link the selected claim to its speaker or condition (L)")
            .clicked()
        {
            out.push(Request::Run(Command::StartLink));
        }
        layer.ui(ui, cx, out);
        let mut snap = cx.prefs.view.word_snap;
        if ui
            .checkbox(&mut snap, "Snap to words")
            .on_hover_text("Hold Alt while dragging for character precision (Alt+W)")
            .changed()
        {
            let mut prefs = cx.prefs.clone();
            prefs.view.word_snap = snap;
            out.push(Request::Prefs(Box::new(prefs)));
        }
    });
}

/// The status bar: who annotates, the file and its saved state, the project's size, the
/// caret's position and the last notice.
pub(super) fn status_ui(
    ui: &mut Ui,
    cx: &Shared,
    save_state: &str,
    position: &str,
    message: Option<&(String, bool)>,
) {
    ui.horizontal(|ui| {
        ui.label(format!("✎ {}", cx.prefs.annotator))
            .on_hover_text("Annotator (Preferences, Ctrl+,)");
        ui.separator();
        let file = cx
            .ws
            .path()
            .map_or_else(|| "not saved yet".to_owned(), |p| p.display().to_string());
        ui.label(format!("{file} · {save_state}"));
        ui.separator();
        ui.label(format!(
            "{} documents · {} annotations · {} relations",
            cx.project().documents.len(),
            cx.project().annotations.len(),
            cx.project().relations.len(),
        ));
        ui.separator();
        ui.label(position);
        if let Some((message, is_error)) = message {
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

impl DocumentList {
    /// The document list: a filter, and each article with its details and status.
    pub(super) fn ui(&mut self, ui: &mut Ui, cx: &Shared, per_doc: &[usize], out: &mut Requests) {
        ui.set_max_width(ui.available_width());
        ui.heading("Documents");
        super::widgets::labelled(
            ui,
            "Filter documents",
            egui::TextEdit::singleline(&mut self.filter)
                .hint_text("Filter by title, source, date, variables")
                .desired_width(ui.available_width()),
        );
        ui.horizontal(|ui| {
            let caption = ui.label("Sort by");
            egui::ComboBox::from_id_salt("document sort")
                .selected_text(self.sort.label(cx.project()))
                .show_ui(ui, |ui| {
                    for by in super::doc_sort::DocSort::offered(cx.project()) {
                        let label = by.label(cx.project());
                        ui.selectable_value(&mut self.sort, by, label);
                    }
                })
                .response
                .labelled_by(caption.id);
        });
        let key = (cx.ws.version(), self.sort.clone());
        if self.order.as_ref().is_none_or(|(k, _)| *k != key) {
            let order = super::doc_sort::document_order(cx.project(), &self.sort);
            self.order = Some((key, order));
        }
        let order = self
            .order
            .as_ref()
            .map(|(_, o)| o.as_slice())
            .unwrap_or_default();
        let counts = per_doc;
        let filter = self.filter.to_lowercase();
        let mut clicked = None;
        // Heights measured at another width are kept as estimates: a row is measured again
        // whenever it is drawn, and forgetting them all would lay out every row of a corpus
        // on each frame of a drag of the panel's edge.
        let rows = &mut self.rows;
        rows.resize(cx.project().documents.len(), 0.0);
        ScrollArea::vertical().show_viewport(ui, |ui, viewport| {
            let top = ui.min_rect().top();
            let spacing = ui.spacing().item_spacing.y;
            for &i in order {
                let Some(doc) = cx.project().documents.get(i) else {
                    continue;
                };
                let m = &doc.meta;
                if !filter.is_empty() {
                    let mut haystack = format!(
                        "{} {} {}",
                        m.title,
                        m.source.as_deref().unwrap_or_default(),
                        m.published.as_deref().unwrap_or_default()
                    );
                    // The article variables' values too (an outlet, a country).
                    for v in m.variables.values() {
                        haystack.push(' ');
                        haystack.push_str(v);
                    }
                    let haystack = haystack.to_lowercase();
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
                    .get(&cx.prefs.annotator)
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
                        i == cx.selection.doc,
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
            out.push(Request::ShowDocument(i));
        }
    }
}

/// Title and details of the article above the text, with its status for this annotator.
pub(super) fn article_header_ui(ui: &mut Ui, cx: &Shared, out: &mut Requests) {
    let Some(doc) = cx.project().documents.get(cx.selection.doc) else {
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
            .get(&cx.prefs.annotator)
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
            meta.status.insert(cx.prefs.annotator.clone(), status);
            let edit = ops::set_document_meta(cx.project(), &id, meta);
            out.push(Request::Edit("Mark done".into(), Box::new(edit)));
        }
    });
    ui.add_space(4.0);
}

/// What the annotation list shows of the article: the list and the view's items it indexes,
/// or its links.
pub(super) struct ListInput<'a> {
    /// The list under the tag filter, with its counts.
    pub list: &'a AnnotationList,
    /// The article view's items (the list holds their indices).
    pub items: &'a [Item],
    /// The article's links, when the list shows links.
    pub links: Option<&'a super::article::LinkIndex>,
}

impl Details {
    /// The annotation panel: the selected annotation's details, then every annotation (or
    /// link) of the article.
    pub(super) fn annotations_ui(
        &mut self,
        ui: &mut Ui,
        cx: &Shared,
        input: &ListInput,
        out: &mut Requests,
    ) {
        // Content never widens the panel; only dragging its edge does.
        ui.set_max_width(ui.available_width());
        ui.heading("Annotations");
        self.inspector_ui(ui, cx, out);
        if cx.selection.doc >= cx.project().documents.len() {
            return;
        }
        let mut relations = cx.prefs.list_relations;
        ui.horizontal(|ui| {
            ui.label("List:");
            if ui
                .selectable_label(!relations, "Spans")
                .on_hover_text("Every annotation in this article, in text order")
                .clicked()
            {
                relations = false;
            }
            if ui
                .selectable_label(relations, "Links")
                .on_hover_text("Every relation in this article: from → type → to")
                .clicked()
            {
                relations = true;
            }
        });
        if relations != cx.prefs.list_relations {
            let mut prefs = cx.prefs.clone();
            prefs.list_relations = relations;
            out.push(Request::Prefs(Box::new(prefs)));
        }
        if let Some(links) = input.links.filter(|_| cx.prefs.list_relations) {
            let input = super::relations_list::RelationsInput {
                project: cx.project(),
                links,
                selected: cx.selection.annotation.as_ref(),
            };
            super::relations_list::RelationsList::ui(ui, &input, out);
            return;
        }
        let list = input.list;
        let total = list.total;
        let mut filter = self.tag_filter.clone();
        ui.horizontal_wrapped(|ui| {
            ui.label(
                RichText::new(format!("{total} in this article")).color(theme::weak(ui.visuals())),
            );
            if ui.selectable_label(filter.is_none(), "All").clicked() {
                filter = None;
            }
            for (k, t) in cx.project().schema.tags.iter().enumerate() {
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
        if filter != self.tag_filter {
            // The list is derived before the panels draw: the next frame lists this filter.
            self.tag_filter = filter;
            self.value_filter = None;
            ui.ctx().request_repaint();
        } else {
            self.value_filter_ui(ui, cx);
            bulk_values_ui(ui, cx, self.tag_filter.as_ref(), input, out);
        }
        ui.separator();
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
                let items = input.items;
                for &n in list.items.get(rows).unwrap_or_default() {
                    let Some(id) = items.get(n).map(|item| &item.id) else {
                        continue;
                    };
                    let Some(a) = &cx.project().annotations.get(id) else {
                        continue;
                    };
                    let tag = &cx.project().schema.tag(&a.tag);
                    let is_selected = cx.selection.annotation.as_ref() == Some(&a.id);
                    let details = details_of(cx, a);
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
            out.push(Request::Select(Some(id)));
        }
    }
}

impl Details {
    /// With the list filtered to a tag that has attributes: list only the spans that carry
    /// one of its values ("Stance: opposes", "Concept: Ceasefire", "Negated"). The values
    /// are listed only while the menu is open.
    fn value_filter_ui(&mut self, ui: &mut Ui, cx: &Shared) {
        let Some(tag) = self
            .tag_filter
            .as_ref()
            .and_then(|t| cx.project().schema.tag(t))
        else {
            return;
        };
        if tag.attributes.is_empty() {
            return;
        }
        let before = self.value_filter.clone();
        ui.horizontal(|ui| {
            let caption = ui.label("With");
            let shown = if self.value_filter.is_some() {
                self.value_filter_label.as_str()
            } else {
                "any value"
            };
            egui::ComboBox::from_id_salt("list value filter")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    if ui
                        .selectable_label(self.value_filter.is_none(), "any value")
                        .clicked()
                    {
                        self.value_filter = None;
                    }
                    for (filter, label) in crate::search::value_filters(cx.project(), Some(&tag.id))
                    {
                        let on = self.value_filter.as_ref() == Some(&filter);
                        if ui.selectable_label(on, &label).clicked() {
                            self.value_filter = Some(filter);
                            self.value_filter_label = label;
                        }
                    }
                })
                .response
                .on_hover_text(format!("List only the {} that carry a value", tag.label))
                .labelled_by(caption.id);
        });
        if self.value_filter != before {
            ui.ctx().request_repaint();
        }
    }
}

/// With the list filtered to one tag: each value of that tag's choice attributes as a button
/// that gives it to every annotation listed, one undo step.
fn bulk_values_ui(
    ui: &mut Ui,
    cx: &Shared,
    tag: Option<&crate::model::TagId>,
    input: &ListInput,
    out: &mut Requests,
) {
    let Some(tag) = tag.and_then(|t| cx.project().schema.tag(t)) else {
        return;
    };
    let ids: Vec<crate::model::AnnotationId> = input
        .list
        .items
        .iter()
        .filter_map(|&n| input.items.get(n).map(|item| item.id.clone()))
        .collect();
    if ids.is_empty() {
        return;
    }
    for attr in &tag.attributes {
        let crate::model::AttributeKind::Choice { values, .. } = &attr.kind else {
            continue;
        };
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("{} of all {} listed:", attr.label, ids.len()));
            for v in values {
                let name = format!("Set {} of all listed to {}", attr.label, v.label);
                let b = ui
                    .small_button(RichText::new(&v.label).color(theme::color(v.color)))
                    .on_hover_text(format!("{name} (one undo step)"));
                b.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &name));
                if b.clicked() {
                    out.push(Request::SetValues(
                        ids.clone(),
                        attr.id.clone(),
                        Some(crate::model::Value::Choice(vec![v.id.clone()])),
                    ));
                }
            }
        });
    }
}

/// Entity, links and note of an annotation, one short line each.
fn details_of(cx: &Shared, a: &crate::model::Annotation) -> Vec<String> {
    let mut details = Vec::new();
    if let Some(e) = a.entity.as_ref().and_then(|e| cx.project().entities.get(e)) {
        details.push(format!("→ {}", e.name));
    }
    details.extend(
        cx.project()
            .relations_of(&a.id)
            .filter_map(|r| cx.link_text(r, &a.id)),
    );
    let declared = cx
        .project()
        .schema
        .tag(&a.tag)
        .map_or(&[][..], |t| &t.attributes[..]);
    details.extend(
        crate::model::shown_values(declared, &a.values, &cx.project().codebooks)
            .into_iter()
            .map(|v| format!("{}: {}", v.attribute.to_lowercase(), v.text)),
    );
    if !a.note.is_empty() {
        details.push(format!("note: {}", a.note));
    }
    details
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
