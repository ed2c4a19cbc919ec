//! The search bar (Ctrl+F in the article, Ctrl+Shift+F across the project), "tag all
//! matches" with its preview, and suggestions of known actors' mentions, accepted or skipped
//! one key at a time. The matching itself is [`crate::search`]; stepping, tagging and the
//! suggestions' answers are the runner's (`run/search.rs`).

use std::ops::Range;

use egui::{RichText, Ui};

use crate::model::{ByteOffset, Document, Project, TagId};
use crate::search::{
    self, Hit, ProposalStatus, SearchOptions, Suggestion, TagAllPreview, ValueFilter,
};

use super::commands::Command;
use super::request::{Request, Requests};
use super::shared::Shared;
use super::theme;

/// What the hits were found for: query, all articles, options, document, value filter.
type SearchKey = (String, bool, SearchOptions, usize, Option<ValueFilter>);

/// The search bar's state.
#[derive(Default)]
pub struct SearchState {
    /// Whether the bar shows.
    pub open: bool,
    /// Search every document, not just the one shown.
    pub project_wide: bool,
    /// What is searched for.
    pub query: String,
    /// Case, whole words, diacritics.
    pub options: SearchOptions,
    /// The hits, in document order then position.
    pub hits: Vec<Hit>,
    /// Index of the current hit.
    pub current: usize,
    /// Keep only hits inside spans that carry this value ("Within: Stance: opposes").
    pub within: Option<ValueFilter>,
    /// How `within` is shown (its label when chosen).
    within_label: String,
    /// The layers whose spans `within` looks at (`None`: every layer; blind coding: mine).
    within_layers: Option<Vec<String>>,
    /// The query, options and value filter the hits were found for.
    searched: Option<SearchKey>,
    /// Tag all matches: the preview, the tag, and which proposals are ticked.
    pub preview: Option<(TagAllPreview, TagId, Vec<bool>)>,
    /// How much around each hit "tag all" tags.
    pub extent: search::Extent,
    /// Suggested mentions of known actors in the document shown.
    pub suggestions: Vec<Suggestion>,
}

impl SearchState {
    /// Finds the hits again (after an edit or a change of document).
    pub fn refresh_hits(&mut self, project: &Project, doc: usize) {
        self.searched = None;
        self.update(project, doc);
    }

    fn update(&mut self, project: &Project, doc: usize) {
        let key = (
            self.query.clone(),
            self.project_wide,
            self.options,
            doc,
            self.within.clone(),
        );
        if self.searched.as_ref() == Some(&key) {
            return;
        }
        self.hits = if self.query.is_empty() {
            Vec::new()
        } else if self.project_wide {
            search::search_project(project, &self.query, &self.options)
        } else {
            project
                .documents
                .get(doc)
                .map(|d| {
                    search::find_all(&d.text, &self.query, &self.options)
                        .into_iter()
                        .map(|range| Hit {
                            doc: d.id.clone(),
                            context: String::new(),
                            context_match: 0..0,
                            range,
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        if let Some(filter) = &self.within {
            let hits = std::mem::take(&mut self.hits);
            self.hits = search::hits_within(project, hits, filter, self.within_layers.as_deref());
        }
        self.current = self.current.min(self.hits.len().saturating_sub(1));
        self.searched = Some(key);
    }

    /// The hits in `doc`, for the article view to draw.
    pub fn hits_in(&self, doc: &Document) -> Vec<Range<ByteOffset>> {
        if !self.open {
            return Vec::new();
        }
        let mut ranges: Vec<Range<ByteOffset>> = self
            .hits
            .iter()
            .filter(|h| h.doc == doc.id)
            .map(|h| h.range.clone())
            .collect();
        ranges.extend(
            self.suggestions
                .first()
                .filter(|s| s.doc == doc.id)
                .map(|s| s.range.clone()),
        );
        // In text order: the view finds those on screen by binary search.
        ranges.sort_by_key(|r| (r.start, r.end));
        ranges
    }

    /// The current hit's range, if it is in `doc`.
    pub fn current_in(&self, doc: &Document) -> Option<Range<ByteOffset>> {
        self.hits
            .get(self.current)
            .filter(|h| h.doc == doc.id)
            .map(|h| h.range.clone())
    }
}

impl SearchState {
    /// The search bar above the article, when open.
    pub(super) fn bar_ui(&mut self, ui: &mut Ui, cx: &Shared, out: &mut Requests) {
        if !self.open {
            return;
        }
        ui.horizontal_wrapped(|ui| {
            let field = egui::TextEdit::singleline(&mut self.query)
                .hint_text("Find…")
                .desired_width(220.0);
            let response = super::widgets::labelled(ui, "Find", field);
            if cx.selection.focus == Some("search") {
                response.request_focus();
                out.push(Request::Focused);
            }
            if super::widgets::submitted(ui, &response) {
                let back = ui.input(|i| i.modifiers.shift);
                out.push(Request::Run(if back {
                    Command::PrevHit
                } else {
                    Command::NextHit
                }));
                response.request_focus();
            }
            ui.checkbox(&mut self.options.case_sensitive, "Match case");
            ui.checkbox(&mut self.options.whole_word, "Whole words");
            ui.checkbox(&mut self.options.ignore_diacritics, "Ignore accents");
            ui.checkbox(&mut self.project_wide, "All articles");
            self.within_ui(ui, cx);
            self.update(cx.project(), cx.selection.doc);
            let n = self.hits.len();
            let at = if n == 0 { 0 } else { self.current + 1 };
            ui.label(format!("{at} of {n}"));
            if ui
                .button("◀")
                .on_hover_text("Previous match (Shift+F3)")
                .clicked()
            {
                out.push(Request::Run(Command::PrevHit));
            }
            if ui.button("▶").on_hover_text("Next match (F3)").clicked() {
                out.push(Request::Run(Command::NextHit));
            }
            if ui
                .button("Tag all…")
                .on_hover_text("Tag every match, after a preview")
                .clicked()
            {
                out.push(Request::Run(Command::TagAllMatches));
            }
            if ui.button("Close").clicked() {
                self.open = false;
            }
        });
        if let Some(s) = self.suggestions.first() {
            let entity = cx
                .project()
                .entities
                .get(&s.entity)
                .map_or(s.entity.as_str(), |e| e.name.as_str());
            let alias = s.alias.clone();
            let line = format!(
                "Suggestion: “{alias}” is {entity}? Y accepts, N skips ({} left)",
                self.suggestions.len()
            );
            ui.horizontal(|ui| {
                ui.label(RichText::new(line).strong());
                if ui.button("Accept (Y)").clicked() {
                    out.push(Request::Run(Command::AcceptSuggestion));
                }
                if ui.button("Skip (N)").clicked() {
                    out.push(Request::Run(Command::SkipSuggestion));
                }
            });
        }
        // Every hit with the words around it (and its article, across the project).
        if !self.hits.is_empty() {
            let project_wide = self.project_wide;
            let mut go = None;
            // Only the rows on screen are built (a common word has thousands of hits).
            let row_height = ui.spacing().interact_size.y + ui.spacing().item_spacing.y;
            egui::ScrollArea::vertical()
                .id_salt("project hits")
                .max_height(140.0)
                .show_rows(ui, row_height, self.hits.len(), |ui, rows| {
                    for (i, hit) in self
                        .hits
                        .iter()
                        .enumerate()
                        .skip(rows.start)
                        .take(rows.len())
                    {
                        let Some(doc) = cx.project().document(&hit.doc) else {
                            continue;
                        };
                        let kwic = search::kwic(&doc.text, hit.range.clone(), 6);
                        let title = project_wide.then_some(doc.meta.title.as_str());
                        let text = kwic_text(ui, &kwic, title);
                        if ui
                            .add(egui::Button::selectable(i == self.current, text).truncate())
                            .clicked()
                        {
                            go = Some(i);
                        }
                    }
                });
            if let Some(i) = go {
                self.current = i;
                out.push(Request::ShowHit);
            }
        }
        ui.separator();
    }

    /// "Within": keep the hits inside spans that carry a value. The filters are listed only
    /// while the menu is open, so a large project pays nothing for them on other frames.
    fn within_ui(&mut self, ui: &mut Ui, cx: &Shared) {
        let layers = cx.blind().then(|| vec![cx.prefs.annotator.clone()]);
        if layers != self.within_layers {
            self.within_layers = layers;
            self.searched = None;
        }
        let shown = if self.within.is_some() {
            self.within_label.as_str()
        } else {
            "anywhere"
        };
        let caption = ui.label("Within");
        egui::ComboBox::from_id_salt("search within")
            .selected_text(shown)
            .show_ui(ui, |ui| {
                if ui
                    .selectable_label(self.within.is_none(), "anywhere")
                    .clicked()
                {
                    self.within = None;
                }
                for (filter, label) in search::value_filters(cx.project(), None) {
                    let label = format!("spans: {label}");
                    let on = self.within.as_ref() == Some(&filter);
                    if ui.selectable_label(on, &label).clicked() {
                        self.within = Some(filter);
                        self.within_label = label;
                    }
                }
            })
            .response
            .on_hover_text("Find only inside spans coded with a value")
            .labelled_by(caption.id);
    }

    /// The "tag all matches" preview window.
    pub(super) fn tag_all_ui(&mut self, ctx: &egui::Context, cx: &Shared, out: &mut Requests) {
        let Some((preview, tag, _)) = &self.preview else {
            return;
        };
        let tag = tag.clone();
        let total = preview.items.len();
        let mut open = true;
        let mut commit = false;
        let mut new_tag = None;
        let mut new_extent = None;
        egui::Window::new("Tag all matches")
            .open(&mut open)
            .default_width(640.0)
            .show(ctx, |ui| {
                ui.horizontal(|ui| {
                    ui.label("Tag as");
                    for t in &cx.project().schema.tags {
                        if ui
                            .selectable_label(t.id == tag, &t.label)
                            .on_hover_text(&t.definition)
                            .clicked()
                        {
                            new_tag = Some(t.id.clone());
                        }
                    }
                });
                ui.horizontal(|ui| {
                    ui.label("Take");
                    for e in search::Extent::ALL {
                        if ui.selectable_label(self.extent == e, e.label()).clicked()
                            && self.extent != e
                        {
                            new_extent = Some(e);
                        }
                    }
                });
                let Some((preview, _, ticked)) = &mut self.preview else {
                    return;
                };
                let items = &preview.items;
                let n = ticked.iter().filter(|t| **t).count();
                ui.label(format!("{n} of {total} matches will be tagged."));
                let row_height = ui.spacing().interact_size.y + ui.spacing().item_spacing.y;
                egui::ScrollArea::vertical().max_height(360.0).show_rows(
                    ui,
                    row_height,
                    items.len(),
                    |ui, rows| {
                        for (i, item) in items.iter().enumerate().skip(rows.start).take(rows.len())
                        {
                            let Some(doc) = cx.project().document(&item.doc) else {
                                continue;
                            };
                            let note = match &item.status {
                                ProposalStatus::New => "",
                                ProposalStatus::AlreadyTagged(_) => " · already tagged: skipped",
                                ProposalStatus::Overlaps(_) => " · overlaps an annotation",
                            };
                            let entity = item
                                .entity
                                .as_ref()
                                .and_then(|e| cx.project().entities.get(e))
                                .map(|e| format!(" → {}", e.name))
                                .unwrap_or_default();
                            // The words around the span (a widened one with its neighbours).
                            let kwic = search::kwic(&doc.text, item.range.clone(), 6);
                            let mut job = kwic_text(ui, &kwic, None);
                            let weak = theme::weak(ui.visuals());
                            job.append(
                                &format!("{entity}{note} · {}", doc.meta.title),
                                0.0,
                                egui::TextFormat::simple(egui::FontId::default(), weak),
                            );
                            if let Some(t) = ticked.get_mut(i) {
                                let enabled =
                                    !matches!(item.status, ProposalStatus::AlreadyTagged(_));
                                ui.add_enabled(enabled, egui::Checkbox::new(t, job));
                            }
                        }
                    },
                );
                ui.horizontal(|ui| {
                    if ui.button(format!("Tag {n} matches")).clicked() {
                        commit = true;
                    }
                    ui.label(
                        RichText::new("One step: Ctrl+Z undoes it all.")
                            .color(theme::weak(ui.visuals())),
                    );
                });
            });
        if let Some(e) = new_extent {
            self.extent = e;
            out.push(Request::PreviewTagAll(tag));
        } else if let Some(t) = new_tag {
            out.push(Request::PreviewTagAll(t));
        } else if commit {
            out.push(Request::CommitTagAll);
        } else if !open {
            self.preview = None;
        }
    }
}

/// A keyword-in-context line: the words before, the span in bold and the words after, then
/// the article's title (`None`: leave it out) where the line may be cut.
fn kwic_text(ui: &Ui, kwic: &search::Kwic, title: Option<&str>) -> egui::text::LayoutJob {
    use egui::text::{LayoutJob, TextFormat};
    let font = egui::FontId::default();
    let (normal, weak, strong) = (
        ui.visuals().text_color(),
        theme::weak(ui.visuals()),
        ui.visuals().strong_text_color(),
    );
    let mut job = LayoutJob::default();
    let before = format!("{}{}", if kwic.cut_before { "… " } else { "" }, kwic.before);
    job.append(&before, 0.0, TextFormat::simple(font.clone(), normal));
    let mut hit = TextFormat::simple(font.clone(), strong);
    hit.underline = egui::Stroke::new(1.0, strong);
    job.append(&kwic.hit, 0.0, hit);
    let after = format!("{}{}", kwic.after, if kwic.cut_after { " …" } else { "" });
    job.append(&after, 0.0, TextFormat::simple(font.clone(), normal));
    if let Some(title) = title {
        job.append(&format!(" · {title}"), 0.0, TextFormat::simple(font, weak));
    }
    job
}
