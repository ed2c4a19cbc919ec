//! What the W3C import's report says: annotations skipped, and annotations placed otherwise than
//! their first selector says, each counted by reason and named; and the problem of annotations
//! whose source matches no article.

use std::collections::BTreeMap;

/// Annotations skipped or placed otherwise than their first selector says, by reason, with
/// their ids.
#[derive(Default)]
pub(super) struct Tally {
    skipped: BTreeMap<String, Vec<String>>,
    adjusted: BTreeMap<String, Vec<String>>,
}

impl Tally {
    pub(super) fn skip(&mut self, reason: impl Into<String>, id: &str) {
        self.skipped
            .entry(reason.into())
            .or_default()
            .push(id.to_owned());
    }

    pub(super) fn adjust(&mut self, what: impl Into<String>, id: &str) {
        self.adjusted
            .entry(what.into())
            .or_default()
            .push(id.to_owned());
    }

    /// One line per reason: the skipped name every annotation; the others the first ten.
    pub(super) fn lines(&self) -> Vec<String> {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let mut out = Vec::new();
        for (reason, ids) in &self.skipped {
            out.push(format!(
                "skipped {} annotation{} {reason}: {}",
                ids.len(),
                plural(ids.len()),
                ids.join(", ")
            ));
        }
        for (what, ids) in &self.adjusted {
            let shown: Vec<&str> = ids.iter().take(10).map(String::as_str).collect();
            let more = if ids.len() > 10 {
                format!(" and {} more", ids.len() - 10)
            } else {
                String::new()
            };
            out.push(format!(
                "{} annotation{} {what}: {}{more}",
                ids.len(),
                plural(ids.len()),
                shown.join(", ")
            ));
        }
        out
    }
}

/// The problem of annotations whose source matches no article.
pub(super) fn unmatched_message(source: Option<&str>, ids: &[String], articles: usize) -> String {
    let n = ids.len();
    let which = format!(
        "{n} annotation{} ({})",
        if n == 1 { "" } else { "s" },
        ids.join(", ")
    );
    match source {
        Some(source) => format!(
            "{which} {} at {source:?}, which matches no article of the project by URL, title or text hash; give the article that URL (the URL in its details in the window, `url:` in a Markdown file's front matter, or an HTML page's canonical link) and import again",
            if n == 1 { "points" } else { "point" }
        ),
        None => format!(
            "{which} {} no source, and the project has {articles} articles, not one, to put them on; import them into a project with just that article, or give their targets a source that is an article's URL",
            if n == 1 { "names" } else { "name" }
        ),
    }
}
