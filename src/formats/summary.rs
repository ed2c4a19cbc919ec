//! The analyst's summary as an export: `summary-md` (GitHub-flavoured Markdown) and
//! `summary-html` (one self-contained page). Both render [`crate::summary::Summary`].
//!
//! A summary is a view, not a dataset: every annotation and relation of the selection is
//! counted in it (tag counts, progress), so the report gives the selection's totals and lists
//! nothing as not carried, although notes, offsets and review statuses are not shown. The
//! report has no offset unit: the summary writes none.
//!
//! Of the codes, the summary shows each claim's stance and concept (see
//! [`crate::summary`]); every other value (of other attributes, on other tags, on links), link
//! notes, article variables and entity references are counted as not shown.

use super::{ExportError, Format, OutFile, OutPlace, Report, Selection, field};
use crate::summary::Summary;

/// The codes (names of [`super::report::field`]) this format carries; the others are counted
/// as not carried.
/// The values shown are the claims' stances and concepts; the writer counts the others.
pub(super) const CODES_CARRIED: &[&str] = &[field::ATTRIBUTE_VALUE];

/// Writes the summary of `sel` as `format` (`summary-md` or `summary-html`); `step` is told
/// how many documents are done.
pub(crate) fn export(
    sel: &Selection,
    format: Format,
    step: &mut dyn FnMut(usize),
) -> Result<(Vec<OutFile>, Report), ExportError> {
    let summary = Summary::of_parts(sel.project, &sel.layers, &sel.docs);
    let text = match format {
        Format::SummaryMd => summary.to_markdown(),
        Format::SummaryHtml => summary.to_html(),
        other => {
            return Err(ExportError::Encode(format!(
                "{other} is not a summary format"
            )));
        }
    };
    let mut report = Report::new(format.name(), None, sel.layers.clone());
    report.documents = sel.docs.len();
    report.annotations = sel.annotation_count();
    report.relations = sel.docs.iter().map(|d| d.relations.len()).sum();
    let values: usize = sel
        .docs
        .iter()
        .flat_map(|d| &d.annotations)
        .map(|a| a.values.len())
        .sum();
    let shown: usize = summary
        .documents
        .iter()
        .flat_map(|d| &d.claims)
        .map(|c| usize::from(c.stance.is_some()) + usize::from(c.concept.is_some()))
        .sum();
    for _ in shown..values {
        report.field(field::ATTRIBUTE_VALUE);
    }
    step(sel.docs.len());
    Ok((
        vec![OutFile {
            place: OutPlace::Main,
            text,
        }],
        report,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::fixture;
    use crate::formats::{ExportOptions, export as run};

    /// The options that take layer `layer`.
    fn layer(layer: &str) -> ExportOptions {
        ExportOptions {
            layer: crate::formats::LayerChoice::One(layer.into()),
            documents: None,
        }
    }

    fn exported(format: Format) -> (String, Report) {
        let p = fixture::project();
        let mut e = run(&p, format, &layer("ana"), &mut |_, _| {}).expect("export");
        assert_eq!(e.files.len(), 1);
        let file = e.files.remove(0);
        assert_eq!(file.place, OutPlace::Main);
        (file.text, e.report)
    }

    #[test]
    fn summary_md_matches_the_golden_file_for_the_layer_asked_for() {
        let (text, report) = exported(Format::SummaryMd);
        fixture::golden("summary-md/fixture.md", &text);
        assert_eq!(report.format, "summary-md");
        assert_eq!(report.unit, None);
        assert_eq!(report.layers, ["ana"]);
        assert_eq!(
            (report.documents, report.annotations, report.relations),
            (2, 10, 3)
        );
        assert!(report.not_carried.is_empty() && report.fields_not_carried.is_empty());
        assert!(!text.contains("add up"), "one layer: nothing adds up");
        assert!(
            !text.contains("talks can resume"),
            "ben's claim is not ana's"
        );
    }

    /// Two analysts' copies of a claim would be listed twice and every mention counted
    /// twice: without a choice, the summaries take layers as the datasets do.
    #[test]
    fn summaries_take_the_reviewed_or_only_layer_or_stop_and_list_the_layers() {
        let mut p = fixture::project();
        for format in [Format::SummaryMd, Format::SummaryHtml] {
            let err = run(&p, format, &ExportOptions::default(), &mut |_, _| {})
                .expect_err("two layers and no choice");
            assert_eq!(
                err,
                crate::formats::ExportError::ChooseLayer {
                    layers: vec!["ana".into(), "ben".into()]
                }
            );
        }
        use crate::model::SharedMapExt as _;
        p.annotations.retain(|_, a| a.annotator == "ben");
        p.relations.retain(|_, r| r.annotator == "ben");
        let e = run(
            &p,
            Format::SummaryMd,
            &ExportOptions::default(),
            &mut |_, _| {},
        )
        .expect("the only layer");
        assert_eq!(e.report.layers, ["ben"]);
        let mut reviewed = p
            .annotations
            .values()
            .find(|a| a.tag.as_str() == "claim")
            .cloned()
            .expect("ben's claim");
        reviewed.id = "r-talks".into();
        reviewed.annotator = crate::model::REVIEWED_LAYER.into();
        p.annotations.insert(reviewed.id.clone(), reviewed);
        let e = run(
            &p,
            Format::SummaryMd,
            &ExportOptions::default(),
            &mut |_, _| {},
        )
        .expect("the reviewed layer");
        assert_eq!(e.report.layers, [crate::model::REVIEWED_LAYER]);
        assert_eq!(e.report.annotations, 1);
    }

    /// Asked for several layers (the window's "every layer"), the summary adds them up and
    /// says so.
    #[test]
    fn a_summary_of_several_layers_says_that_they_add_up() {
        let p = fixture::project();
        let both = Summary::of(&p, &["ana".to_owned(), "ben".to_owned()], None);
        assert!(
            both.to_markdown()
                .contains("Mentions from several layers add up")
        );
        assert!(
            both.to_html()
                .contains("Mentions from several layers add up")
        );
        let one = Summary::of(&p, &["ana".to_owned()], None);
        assert!(!one.to_markdown().contains("add up"));
    }

    #[test]
    fn summary_html_matches_the_golden_file_and_refers_to_nothing_outside() {
        let (text, report) = exported(Format::SummaryHtml);
        fixture::golden("summary-html/fixture.html", &text);
        assert_eq!((report.format, report.unit), ("summary-html", None));
        assert_eq!(report.layers, ["ana"]);
        let lower = text.to_lowercase();
        for outside in [
            "http:", "https:", "src=", "<script", "@import", "url(", "<link", "//",
        ] {
            assert!(!lower.contains(outside), "the page refers to {outside}");
        }
        assert!(text.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
        assert!(text.contains("<meta charset=\"utf-8\">"));
        // Every href is an anchor within the page.
        for (i, _) in text.match_indices("href=\"") {
            assert_eq!(text.get(i + 6..i + 7), Some("#"));
        }
    }

    #[test]
    fn a_chosen_layer_and_document_limit_the_summary() {
        let p = fixture::project();
        let options = ExportOptions {
            layer: crate::formats::LayerChoice::One("ben".into()),
            documents: Some(vec!["d1".into()]),
        };
        let e = run(&p, Format::SummaryMd, &options, &mut |_, _| {}).expect("export");
        assert_eq!(e.report.layers, ["ben"]);
        assert_eq!(
            (e.report.documents, e.report.annotations, e.report.relations),
            (1, 2, 1)
        );
        let text = &e.files[0].text;
        assert!(text.contains("| Macron 🇫🇷 | not linked | 1 | 1 | 1 | Macron 🇫🇷 |"));
        assert!(!text.contains("Putin") && !text.contains("Emmanuel Macron"));
    }

    fn coded(format: Format) -> (String, Report) {
        let p = crate::formats::coded_fixture::project();
        let mut e = run(&p, format, &layer("ana"), &mut |_, _| {}).expect("export");
        (e.files.remove(0).text, e.report)
    }

    /// The lines of `text` from the one equal to `from`, as many as `expected` has.
    fn lines_from<'t>(text: &'t str, from: &str, n: usize) -> Vec<&'t str> {
        let lines: Vec<&str> = text.lines().collect();
        let at = lines
            .iter()
            .position(|l| *l == from)
            .unwrap_or_else(|| panic!("no line {from:?} in\n{text}"));
        lines[at..(at + n).min(lines.len())].to_vec()
    }

    #[test]
    fn claim_tables_show_stance_and_concept_and_concepts_list_their_sides() {
        let (md, report) = coded(Format::SummaryMd);
        let claims = [
            "| # | Claim | Stance | Concept | Said by | Conditions | Layer |",
            "| --- | --- | --- | --- | --- | --- | --- |",
            "| C1 | les pourparlers pourraient commencer | supports | Sécurité › Waffenstillstand 停火 | Emmanuel Macron (“Macron”) | si la Chine aide | ana |",
            "| C2 | talks resume | opposes | Sécurité › Waffenstillstand 停火 | Xi Jinping (“习近平”) |  | ana |",
            "| C3 | المحادثات ستبدأ | neutral or unclear | Trade |  |  | ana |",
            "",
        ];
        assert_eq!(lines_from(&md, claims[0], claims.len()), claims);
        let concepts = [
            "## Concepts",
            "",
            "The speakers of the claims coded with each concept, by the claim's stance: for (supports), against (opposes), neutral or unclear (any other stance, or none). A count follows an actor who makes more than one such claim.",
            "",
            "| Concept | Claims | For | Against | Neutral or unclear |",
            "| --- | ---: | --- | --- | --- |",
            "| Sécurité › Waffenstillstand 停火 | 2 | Emmanuel Macron | Xi Jinping |  |",
            "| Trade | 1 |  |  |  |",
            "",
            "## Actors × concepts",
        ];
        assert_eq!(lines_from(&md, concepts[0], concepts.len()), concepts);
        // Macron supports the ceasefire and Xi opposes it: one pair of claims in conflict.
        let stands = [
            "| Actor | Sécurité › Waffenstillstand 停火 | Trade |",
            "| --- | --- | --- |",
            "| Emmanuel Macron | +1 |  |",
            "| Xi Jinping | −1 |  |",
            "",
            "## Strongest ties",
        ];
        assert_eq!(lines_from(&md, stands[0], stands.len()), stands);
        let ties = [
            "### Agreeing",
            "",
            "None.",
            "",
            "### In conflict",
            "",
            "1. **Emmanuel Macron** and **Xi Jinping**: 1, on Sécurité › Waffenstillstand 停火. “les pourparlers pourraient commencer” (Emmanuel Macron); “talks resume” (Xi Jinping)",
            "",
            "## Left unlinked",
        ];
        assert_eq!(lines_from(&md, ties[0], ties.len()), ties);
        // Shown: ana's three stances and three concepts. Not shown: the claims' other five values,
        // the condition's concept and the actor's stance; the link's value and note, the
        // articles' variables and the entity's reference.
        assert_eq!(
            report.fields_not_carried,
            [
                (field::ARTICLE_VARIABLE, 5),
                (field::ATTRIBUTE_VALUE, 7),
                (field::ENTITY_REFERENCE, 1),
                (field::LINK_VALUE, 1),
                (field::LINK_NOTE, 1),
            ]
            .into()
        );
    }

    #[test]
    fn the_html_summary_shows_the_same_codes_escaped() {
        let mut p = crate::formats::coded_fixture::project();
        let book = p
            .codebooks
            .get_mut(&crate::model::CodebookId::from(crate::model::CONCEPTS))
            .expect("concepts");
        let trade = book
            .codes
            .iter_mut()
            .find(|c| c.id.as_str() == "trade")
            .expect("trade");
        trade.label = "<b>Trade</b> & \"tariffs\"".into();
        let html_of = |who: &str| {
            let mut e = run(&p, Format::SummaryHtml, &layer(who), &mut |_, _| {}).expect("export");
            e.files.remove(0).text
        };
        // ben's one claim supports Trade; ana's claims are for, against and neither.
        let ben = html_of("ben");
        assert!(!ben.contains("<b>Trade"), "the label is escaped");
        let row = "<tr><td><bdi>&lt;b&gt;Trade&lt;/b&gt; &amp; &quot;tariffs&quot;</bdi></td><td class=\"n\">1</td><td><bdi>Macron 🇫🇷</bdi></td><td></td><td></td></tr>";
        assert!(ben.lines().any(|l| l == row), "{ben}");
        let html = &html_of("ana");
        assert!(!html.contains("<b>Trade"), "the label is escaped");
        let head = "<thead><tr><th>Concept</th><th class=\"n\">Claims</th><th>For</th><th>Against</th><th>Neutral or unclear</th></tr></thead>";
        assert!(html.lines().any(|l| l == head), "{html}");
        assert!(
            html.contains(
                "<td><bdi>opposes</bdi></td><td><bdi>Sécurité › Waffenstillstand 停火</bdi></td>"
            ),
            "{html}"
        );
        assert!(
            html.contains("<td><bdi>neutral or unclear</bdi></td><td><bdi>&lt;b&gt;Trade&lt;/b&gt; &amp; &quot;tariffs&quot;</bdi></td><td></td>"),
            "{html}"
        );
    }
}
