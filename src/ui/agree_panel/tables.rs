//! The agreement panel's tables: the overall figures, and per pair, per tag and per document;
//! each figure is a link that focuses the spans behind it.

use super::*;

/// A figure with three decimals, `–` when undefined.
fn num(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_owned(), |x| format!("{x:.3}"))
}

/// A clickable figure. Its accessible name is `label` and its value the figure as shown
/// (numeric value: the figure itself), so screen readers and tests find it by what it means.
fn figure_ui(ui: &mut Ui, value: Option<f64>, label: &str, hover: &str) -> bool {
    let text = num(value);
    let response = ui.link(&text).on_hover_text(hover);
    response.widget_info(|| {
        let mut info = WidgetInfo::labeled(Role::Link, true, label);
        info.current_text_value = Some(text.clone());
        info.value = value;
        info
    });
    response.clicked()
}

/// α and Fleiss' κ over all annotators, and what they count.
pub(super) fn overall_ui(ui: &mut Ui, r: &Agreement) {
    ui.label(format!(
        "{} tokens in {} documents; {} labelled by two or more annotators.",
        r.tokens, r.documents, r.units
    ));
    Grid::new("agreement overall")
        .num_columns(3)
        .show(ui, |ui| {
            ui.label("Krippendorff's α");
            ui.label(RichText::new(num(r.krippendorff_alpha)).strong());
            ui.label(
                r.krippendorff_alpha_ci
                    .map_or_else(String::new, |[lo, hi]| format!("95% CI [{lo:.3}, {hi:.3}]")),
            );
            ui.end_row();
            ui.label("Fleiss' κ");
            ui.label(RichText::new(num(r.fleiss_kappa)).strong())
                .on_hover_text("Needs three or more annotators labelling the same documents");
            ui.label(if r.fleiss_kappa.is_some() {
                format!("over {} tokens all labelled", r.fleiss_units)
            } else {
                String::new()
            });
            ui.end_row();
        });
    ui.label(
        RichText::new(format!(
            "Intervals: {} bootstrap resamples of documents, seed {}.",
            r.resamples, r.seed
        ))
        .color(theme::weak(ui.visuals())),
    );
}

/// One row per pair: κ with its interval, span F1 exact and relaxed, relation F1.
pub(super) fn pairs_ui(ui: &mut Ui, r: &Agreement, clicked: &mut Option<Focus>) {
    ui.add_space(6.0);
    ui.label(RichText::new("Per pair").strong());
    Grid::new("agreement pairs")
        .striped(true)
        .num_columns(8)
        .show(ui, |ui| {
            for h in [
                "pair",
                "docs",
                "tokens",
                "κ",
                "95% CI",
                "exact F1",
                "relaxed F1",
                "relation F1",
            ] {
                ui.label(RichText::new(h).color(theme::weak(ui.visuals())));
            }
            ui.end_row();
            for p in &r.pairs {
                let name = format!("{} / {}", p.a, p.b);
                ui.label(&name);
                ui.label(p.documents.to_string());
                ui.label(p.units.to_string());
                let focus = |matching| Focus {
                    a: p.a.clone(),
                    b: p.b.clone(),
                    tag: None,
                    doc: None,
                    matching,
                };
                if figure_ui(
                    ui,
                    p.cohen_kappa,
                    &format!("Cohen's κ, {name}"),
                    "Cohen's κ over the tokens both labelled; click for the spans",
                ) {
                    *clicked = Some(focus(Matching::Relaxed));
                }
                ui.label(
                    p.cohen_kappa_ci
                        .map_or("–".to_owned(), |[lo, hi]| format!("[{lo:.3}, {hi:.3}]")),
                );
                let prf = |s: &review::agree::Scores| {
                    format!(
                        "precision {}, recall {} ({} of {} matched); click for the spans",
                        num(s.precision),
                        num(s.recall),
                        s.matched,
                        s.reference
                    )
                };
                if figure_ui(
                    ui,
                    p.span_f1_exact,
                    &format!("exact F1, {name}"),
                    &prf(&p.span_exact),
                ) {
                    *clicked = Some(focus(Matching::Exact));
                }
                if figure_ui(
                    ui,
                    p.span_f1_relaxed,
                    &format!("relaxed F1, {name}"),
                    &prf(&p.span_relaxed),
                ) {
                    *clicked = Some(focus(Matching::Relaxed));
                }
                ui.label(num(p.relation_f1)).on_hover_text(format!(
                    "{} of {} relations match (kind and both ends)",
                    p.relations.matched, p.relations.reference
                ));
                ui.end_row();
            }
        });
}

/// Per tag, for one pair: κ (carries the tag or not) and span F1.
pub(super) fn tags_ui(ui: &mut Ui, r: &Agreement, pair: usize, clicked: &mut Option<Focus>) {
    let Some(p) = r.pairs.get(pair) else {
        return;
    };
    let name = format!("{} / {}", p.a, p.b);
    ui.add_space(6.0);
    ui.label(RichText::new(format!("Per tag ({name})")).strong());
    Grid::new("agreement tags")
        .striped(true)
        .num_columns(4)
        .show(ui, |ui| {
            for h in ["tag", "κ", "exact F1", "relaxed F1"] {
                ui.label(RichText::new(h).color(theme::weak(ui.visuals())));
            }
            ui.end_row();
            for t in &p.per_tag {
                ui.label(&t.tag);
                let focus = |matching| Focus {
                    a: p.a.clone(),
                    b: p.b.clone(),
                    tag: Some(t.tag.clone()),
                    doc: None,
                    matching,
                };
                let cells = [
                    ("Cohen's κ", t.cohen_kappa, Matching::Relaxed),
                    ("exact F1", t.span_exact.f1, Matching::Exact),
                    ("relaxed F1", t.span_relaxed.f1, Matching::Relaxed),
                ];
                for (what, value, matching) in cells {
                    let label = format!("{what}, {name}, tag {}", t.tag);
                    if figure_ui(ui, value, &label, "Click for the spans") {
                        *clicked = Some(focus(matching));
                    }
                }
                ui.end_row();
            }
        });
}

/// Per attribute of a tag, for one pair: how often the two gave matched spans the same value,
/// and κ, Gwet's AC1 and α over those spans. A figure focuses the tag's matched spans.
pub(super) fn attributes_ui(ui: &mut Ui, r: &Agreement, pair: usize, clicked: &mut Option<Focus>) {
    let Some(p) = r.pairs.get(pair) else {
        return;
    };
    let rows: Vec<_> = r
        .per_attribute
        .iter()
        .filter(|x| x.a == p.a && x.b == p.b)
        .collect();
    if rows.is_empty() {
        return;
    }
    let name = format!("{} / {}", p.a, p.b);
    ui.add_space(6.0);
    ui.label(RichText::new(format!("Per code ({name})")).strong())
        .on_hover_text(
            "Over the span pairs matched as relaxed F1 matches them, where both gave a value",
        );
    Grid::new("agreement attributes")
        .striped(true)
        .num_columns(5)
        .show(ui, |ui| {
            for h in ["tag · attribute", "same / both coded", "κ", "AC1", "α"] {
                ui.label(RichText::new(h).color(theme::weak(ui.visuals())));
            }
            ui.end_row();
            for x in rows {
                ui.label(format!("{} · {}", x.tag, x.label));
                ui.label(format!(
                    "{} / {} (of {} matched)",
                    x.agree, x.units, x.matched
                ));
                let cells = [
                    ("Cohen's κ", x.cohen_kappa),
                    ("Gwet's AC1", x.gwet_ac1),
                    ("Krippendorff's α", x.krippendorff_alpha),
                ];
                for (what, value) in cells {
                    let label = format!("{what}, {name}, {} {}", x.tag, x.label);
                    if figure_ui(ui, value, &label, "Click for the tag's matched spans") {
                        *clicked = Some(Focus {
                            a: p.a.clone(),
                            b: p.b.clone(),
                            tag: Some(x.tag.clone()),
                            doc: None,
                            matching: Matching::Relaxed,
                        });
                    }
                }
                ui.end_row();
            }
        });
}

/// Per document: α over all annotators, and κ and span F1 for one pair.
pub(super) fn documents_ui(
    ui: &mut Ui,
    project: &Project,
    r: &Agreement,
    pair: usize,
    clicked: &mut Option<Focus>,
) {
    let Some(p) = r.pairs.get(pair) else {
        return;
    };
    let name = format!("{} / {}", p.a, p.b);
    ui.add_space(6.0);
    egui::CollapsingHeader::new(RichText::new(format!("Per document ({name})")).strong())
        .id_salt("agreement documents")
        .default_open(r.per_document.len() <= 30)
        .show(ui, |ui| {
            Grid::new("agreement documents grid")
                .striped(true)
                .num_columns(6)
                .show(ui, |ui| {
                    for h in ["document", "tokens", "α", "κ", "exact F1", "relaxed F1"] {
                        ui.label(RichText::new(h).color(theme::weak(ui.visuals())));
                    }
                    ui.end_row();
                    for d in &r.per_document {
                        let Some(index) = project.document_index(&d.id.as_str().into()) else {
                            continue;
                        };
                        let title = project
                            .documents
                            .get(index)
                            .map_or(d.id.clone(), |doc| doc.meta.title.clone());
                        ui.label(&title).on_hover_text(format!(
                            "{}; counted for {}",
                            d.id,
                            d.annotators.join(", ")
                        ));
                        ui.label(d.tokens.to_string());
                        let focus = |matching| Focus {
                            a: p.a.clone(),
                            b: p.b.clone(),
                            tag: None,
                            doc: Some(d.id.as_str().into()),
                            matching,
                        };
                        let at = |v: &[Option<f64>]| v.get(pair).copied().flatten();
                        let cells = [
                            ("Krippendorff's α", d.krippendorff_alpha, Matching::Relaxed),
                            ("Cohen's κ", at(&d.cohen_kappa), Matching::Relaxed),
                            ("exact F1", at(&d.span_f1_exact), Matching::Exact),
                            ("relaxed F1", at(&d.span_f1_relaxed), Matching::Relaxed),
                        ];
                        for (what, value, matching) in cells {
                            let label = if what.starts_with("Krippendorff") {
                                format!("{what}, document {title}")
                            } else {
                                format!("{what}, {name}, document {title}")
                            };
                            if figure_ui(ui, value, &label, "Click for the spans") {
                                *clicked = Some(focus(matching));
                            }
                        }
                        ui.end_row();
                    }
                });
        });
}
