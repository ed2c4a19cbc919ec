//! The analyst's summary as an export: `summary-md` (GitHub-flavoured Markdown) and
//! `summary-html` (one self-contained page). Both render [`crate::summary::Summary`].
//!
//! A summary is a view, not a dataset: every annotation and relation of the selection is
//! counted in it (tag counts, progress), so the report gives the selection's totals and lists
//! nothing as not carried, although notes, offsets and review statuses are not shown. The
//! report has no offset unit: the summary writes none.

use super::{ExportError, Format, OutFile, OutPlace, Report, Selection};
use crate::model::DocId;
use crate::summary::Summary;

/// The codes (names of [`super::report::field`]) this format carries; the others are counted
/// as not carried.
pub(super) const CODES_CARRIED: &[&str] = &[];

/// Writes the summary of `sel` as `format` (`summary-md` or `summary-html`); `step` is told
/// how many documents are done.
pub(crate) fn export(
    sel: &Selection,
    format: Format,
    step: &mut dyn FnMut(usize),
) -> Result<(Vec<OutFile>, Report), ExportError> {
    let docs: Vec<DocId> = sel.docs.iter().map(|d| d.doc.id.clone()).collect();
    let summary = Summary::of(sel.project, &sel.layers, Some(&docs));
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

    fn exported(format: Format) -> (String, Report) {
        let p = fixture::project();
        let mut e = run(&p, format, &ExportOptions::default(), &mut |_, _| {}).expect("export");
        assert_eq!(e.files.len(), 1);
        let file = e.files.remove(0);
        assert_eq!(file.place, OutPlace::Main);
        (file.text, e.report)
    }

    #[test]
    fn summary_md_matches_the_golden_file_and_takes_every_layer() {
        let (text, report) = exported(Format::SummaryMd);
        fixture::golden("summary-md/fixture.md", &text);
        assert_eq!(report.format, "summary-md");
        assert_eq!(report.unit, None);
        assert_eq!(report.layers, ["ana", "ben"]);
        assert_eq!(
            (report.documents, report.annotations, report.relations),
            (2, 12, 4)
        );
        assert!(report.not_carried.is_empty() && report.fields_not_carried.is_empty());
    }

    #[test]
    fn summary_html_matches_the_golden_file_and_refers_to_nothing_outside() {
        let (text, report) = exported(Format::SummaryHtml);
        fixture::golden("summary-html/fixture.html", &text);
        assert_eq!((report.format, report.unit), ("summary-html", None));
        assert_eq!(report.layers, ["ana", "ben"]);
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
}
