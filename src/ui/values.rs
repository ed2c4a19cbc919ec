//! The selected annotation's codes in the inspector: one widget per attribute its tag
//! declares (a checkbox for a flag, the values of a choice as buttons in their colours with
//! their keys, a scale's points, a text field, a code's type-ahead with "new code"), and the
//! value keys (`+`, `-`, `0` for the default stance) that set a value right after tagging.

use egui::{RichText, Ui};

use crate::model::{Annotation, AttributeId, AttributeKind, Code, CodeId, Value};

use super::request::{Request, Requests};
use super::shared::Shared;
use super::theme;

/// What the analyst is typing into the selected annotation's value fields, one draft per
/// attribute, forgotten when another annotation is selected.
#[derive(Default)]
pub struct ValueDrafts {
    /// The annotation the drafts belong to.
    pub of: Option<crate::model::AnnotationId>,
    /// Each text attribute's text as typed.
    pub text: std::collections::BTreeMap<AttributeId, String>,
    /// Each code attribute's type-ahead.
    pub code: std::collections::BTreeMap<AttributeId, String>,
}

impl ValueDrafts {
    /// One row per attribute of `a`'s tag; nothing when the tag declares none.
    pub(super) fn ui(&mut self, ui: &mut Ui, cx: &Shared, a: &Annotation, out: &mut Requests) {
        let Some(tag) = cx.project().schema.tag(&a.tag) else {
            return;
        };
        if self.of.as_ref() != Some(&a.id) {
            self.of = Some(a.id.clone());
            self.text.clear();
            self.code.clear();
        }
        for attr in &tag.attributes {
            let current = a.values.get(&attr.id);
            let set =
                |value: Option<Value>| Request::SetValue(a.id.clone(), attr.id.clone(), value);
            ui.horizontal_wrapped(|ui| {
                ui.label(format!("{}:", attr.label))
                    .on_hover_text(&attr.definition);
                match &attr.kind {
                    AttributeKind::Flag => {
                        let mut on = current.is_some();
                        if ui
                            .checkbox(&mut on, "")
                            .on_hover_text(format!("{} (a flag)", attr.label))
                            .changed()
                        {
                            out.push(set(on.then_some(Value::Flag)));
                        }
                    }
                    AttributeKind::Choice {
                        values, multiple, ..
                    } => {
                        let chosen: &[String] = match current {
                            Some(Value::Choice(c)) => c,
                            _ => &[],
                        };
                        for v in values {
                            let on = chosen.contains(&v.id);
                            let key = v
                                .key
                                .as_deref()
                                .map(|k| format!(" ({k})"))
                                .unwrap_or_default();
                            let text = RichText::new(format!("{}{key}", v.label));
                            let text = if on {
                                text.strong()
                            } else {
                                text.color(theme::color(v.color))
                            };
                            theme::swatch_ui(ui, v.color);
                            if ui.selectable_label(on, text).clicked() {
                                let mut next: Vec<String> = if *multiple {
                                    chosen.to_vec()
                                } else {
                                    Vec::new()
                                };
                                if on {
                                    next.retain(|c| c != &v.id);
                                } else {
                                    next.push(v.id.clone());
                                }
                                out.push(set((!next.is_empty()).then_some(Value::Choice(next))));
                            }
                        }
                    }
                    AttributeKind::Scale { min, max } => {
                        let at = match current {
                            Some(Value::Scale(n)) => Some(*n),
                            _ => None,
                        };
                        if max - min <= 10 {
                            for n in *min..=*max {
                                let label = if n > 0 && *min < 0 {
                                    format!("+{n}")
                                } else {
                                    n.to_string()
                                };
                                if ui.selectable_label(at == Some(n), label).clicked() {
                                    out.push(set((at != Some(n)).then_some(Value::Scale(n))));
                                }
                            }
                        } else {
                            let mut n = at.unwrap_or(*min);
                            if ui
                                .add(egui::DragValue::new(&mut n).range(*min..=*max))
                                .changed()
                            {
                                out.push(set(Some(Value::Scale(n))));
                            }
                            if at.is_some() && ui.small_button("Clear").clicked() {
                                out.push(set(None));
                            }
                        }
                    }
                    AttributeKind::Text => {
                        let shown = match current {
                            Some(Value::Text(t)) => t.as_str(),
                            _ => "",
                        };
                        let draft = self
                            .text
                            .entry(attr.id.clone())
                            .or_insert_with(|| shown.to_owned());
                        let r = super::widgets::labelled(
                            ui,
                            &attr.label,
                            egui::TextEdit::singleline(draft).desired_width(ui.available_width()),
                        );
                        if (r.lost_focus() || super::widgets::submitted(ui, &r)) && draft != shown {
                            let text = draft.trim().to_owned();
                            out.push(set((!text.is_empty()).then_some(Value::Text(text))));
                        }
                    }
                    AttributeKind::Code { codebook } => {
                        let book = cx.project().codebooks.get(codebook);
                        if let (Some(Value::Code(code)), Some(book)) = (current, book) {
                            let path = book.path(code).join(" › ");
                            let color = book.code(code).and_then(|c| c.color);
                            if let Some(c) = color {
                                theme::swatch_ui(ui, c);
                            }
                            ui.strong(if path.is_empty() {
                                code.as_str().to_owned()
                            } else {
                                path
                            });
                            let name = format!("Clear {}", attr.label);
                            let clear = ui.small_button("Clear").on_hover_text(&name);
                            clear.widget_info(|| {
                                egui::WidgetInfo::labeled(egui::Role::Button, true, &name)
                            });
                            if clear.clicked() {
                                out.push(set(None));
                            }
                        }
                        self.code_ui(ui, a, &attr.id, &attr.label, codebook, book, out);
                    }
                }
            });
        }
    }

    /// A code attribute's type-ahead: the codes whose label or alias holds what is typed, and
    /// "new code" for a name the codebook lacks.
    #[allow(clippy::too_many_arguments)]
    fn code_ui(
        &mut self,
        ui: &mut Ui,
        a: &Annotation,
        attribute: &AttributeId,
        label: &str,
        codebook: &crate::model::CodebookId,
        book: Option<&crate::model::Codebook>,
        out: &mut Requests,
    ) {
        let query = self.code.entry(attribute.clone()).or_default();
        let field = egui::TextEdit::singleline(query)
            .hint_text(format!("Type to find or create a {}", label.to_lowercase()))
            .desired_width(ui.available_width().min(260.0));
        // Beside the attribute's own label: named for screen readers, not written again.
        let name = format!("Find {}", label.to_lowercase());
        let response = ui.add(field);
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, &name));
        let typed = query.trim().to_owned();
        if typed.is_empty() {
            return;
        }
        let needle = typed.to_lowercase();
        let matches: Vec<(CodeId, String)> = book
            .map(|b| {
                b.codes
                    .iter()
                    .filter(|c| {
                        c.label.to_lowercase().contains(&needle)
                            || c.aliases.iter().any(|x| x.to_lowercase().contains(&needle))
                    })
                    .take(8)
                    .map(|c| (c.id.clone(), b.path(&c.id).join(" › ")))
                    .collect()
            })
            .unwrap_or_default();
        let enter = super::widgets::submitted(ui, &response);
        // Enter takes the code named exactly (label or alias), else the first match.
        let exact = book.and_then(|b| b.find(&typed)).map(|c| c.id.clone());
        let mut chosen = exact.clone().filter(|_| enter);
        for (n, (id, path)) in matches.iter().enumerate() {
            if ui.button(format!("→ {path}")).clicked() || (enter && n == 0 && chosen.is_none()) {
                chosen = Some(id.clone());
            }
        }
        let exact = exact.is_some();
        let create = (!exact && ui.button(format!("New code “{typed}”")).clicked())
            || (enter && matches.is_empty());
        if let Some(id) = chosen {
            out.push(Request::SetValue(
                a.id.clone(),
                attribute.clone(),
                Some(Value::Code(id)),
            ));
            query.clear();
        } else if create {
            let code = Code {
                id: CodeId(crate::model::fresh_id("c")),
                label: typed,
                color: None,
                definition: String::new(),
                parent: None,
                aliases: Vec::new(),
            };
            out.push(Request::NewCode(
                a.id.clone(),
                attribute.clone(),
                codebook.clone(),
                Box::new(code),
            ));
            query.clear();
        }
    }
}

/// The value a key typed sets on annotation `a` (a choice value's key, such as `+` for
/// supports): the attribute and the value, toggling the value off when it is set.
pub fn value_of_key(
    cx: &Shared,
    a: &Annotation,
    typed: &str,
) -> Option<(AttributeId, Option<Value>)> {
    let tag = cx.project().schema.tag(&a.tag)?;
    for attr in &tag.attributes {
        if let AttributeKind::Choice {
            values, multiple, ..
        } = &attr.kind
            && let Some(v) = values.iter().find(|v| v.key.as_deref() == Some(typed))
        {
            let chosen: Vec<String> = match a.values.get(&attr.id) {
                Some(Value::Choice(c)) => c.clone(),
                _ => Vec::new(),
            };
            let mut next = if *multiple {
                chosen.clone()
            } else {
                Vec::new()
            };
            if chosen.contains(&v.id) {
                next.retain(|c| c != &v.id);
            } else {
                next.push(v.id.clone());
            }
            return Some((
                attr.id.clone(),
                (!next.is_empty()).then_some(Value::Choice(next)),
            ));
        }
    }
    None
}
