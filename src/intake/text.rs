//! Titles and metadata for plain-text and Markdown articles (first line,
//! file stem, YAML front matter, ATX headings) and the ISO date parser shared
//! with the HTML reader.

use std::path::Path;

use super::Article;

/// Titles longer than this (in characters) are not taken from the first line.
const MAX_LINE_TITLE: usize = 120;

/// The first non-blank line, trimmed, if it is short enough to be a title.
pub(super) fn line_title(text: &str) -> Option<String> {
    let line = text.lines().map(str::trim).find(|line| !line.is_empty())?;
    (line.chars().count() <= MAX_LINE_TITLE).then(|| line.to_owned())
}

/// The file stem with `-` and `_` turned into spaces.
pub(super) fn stem_title(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy())
        .unwrap_or_default();
    stem.replace(['-', '_'], " ").trim().to_owned()
}

/// Takes the YAML front matter out of a Markdown article's text and fills in
/// its metadata; then, unless the front matter named one, titles the article
/// with its first ATX heading.
pub(super) fn read_markdown(article: &mut Article) {
    if let Some((fields, body)) = split_front_matter(&article.text) {
        for (key, value) in fields {
            let slot = match key.to_ascii_lowercase().as_str() {
                "title" => {
                    article.title = value;
                    continue;
                }
                "date" => {
                    article.published = iso_date_prefix(&value);
                    continue;
                }
                "author" => &mut article.author,
                "source" => &mut article.source,
                "url" => &mut article.url,
                _ => continue,
            };
            *slot = Some(value);
        }
        article.text = body;
    }
    if article.title.is_empty() {
        article.title = atx_heading(&article.text).unwrap_or_default();
    }
}

/// Splits a leading `---` … `---` (or `...`) block off `text`: returns its
/// non-empty top-level `key: value` pairs (quotes removed) and the rest of the
/// text with the blank lines right after the block dropped.
fn split_front_matter(text: &str) -> Option<(Vec<(String, String)>, String)> {
    let mut lines = text.split_inclusive('\n');
    if lines.next()?.trim_end() != "---" {
        return None;
    }
    let mut fields = Vec::new();
    for line in lines.by_ref() {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            let body: String = lines.collect();
            return Some((fields, body.trim_start_matches('\n').to_owned()));
        }
        if line.starts_with([' ', '\t', '#', '-']) {
            continue;
        }
        if let Some((key, value)) = trimmed.split_once(':') {
            let value = unquote(value.trim());
            if !value.is_empty() {
                fields.push((key.trim().to_owned(), value.to_owned()));
            }
        }
    }
    None
}

/// Removes one pair of matching single or double quotes.
fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|v| v.strip_suffix(quote))
        {
            return inner.trim();
        }
    }
    value
}

/// The text of the first ATX heading (`# Title`, up to `######`) outside
/// fenced code blocks, with any closing `#`s removed.
fn atx_heading(text: &str) -> Option<String> {
    let mut fence: Option<&str> = None;
    for line in text.lines() {
        let indented = line.len() - line.trim_start_matches(' ').len();
        let line = line.trim_start_matches(' ');
        if indented > 3 {
            continue;
        }
        if let Some(open) = fence {
            if line.starts_with(open) {
                fence = None;
            }
            continue;
        }
        if line.starts_with("```") || line.starts_with("~~~") {
            fence = line.get(..3);
            continue;
        }
        let hashes = line.len() - line.trim_start_matches('#').len();
        let rest = line.trim_start_matches('#');
        if (1..=6).contains(&hashes) && (rest.is_empty() || rest.starts_with([' ', '\t'])) {
            let title = rest.trim().trim_end_matches('#').trim_end();
            if !title.is_empty() {
                return Some(title.to_owned());
            }
        }
    }
    None
}

/// The `YYYY-MM-DD` prefix of `value` (after leading whitespace), if it is a
/// real calendar date not followed by another digit.
pub(super) fn iso_date_prefix(value: &str) -> Option<String> {
    let value = value.trim_start();
    let date = value.get(..10)?;
    let b = date.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = date.get(r)?;
        part.bytes()
            .all(|d| d.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    if value.as_bytes().get(10).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&day).then(|| date.to_owned())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::super::decode::DecodeProblem;
    use super::*;

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn markdown_front_matter_and_heading() {
        let dir = tempfile::tempdir().unwrap();
        let md = "---\ntitle: \"Front title\"\nauthor: Ann Lee\ndate: 2024-03-05T10:00:00Z\n\
                  source: The Daily\nurl: https://example.com/a\ntags:\n  - x\n---\n\n# Heading\n\nBody *text*.\n";
        let article =
            super::super::read_article(&write(dir.path(), "a.md", md.as_bytes())).unwrap();
        assert_eq!(article.title, "Front title");
        assert_eq!(article.author.as_deref(), Some("Ann Lee"));
        assert_eq!(article.published.as_deref(), Some("2024-03-05"));
        assert_eq!(article.source.as_deref(), Some("The Daily"));
        assert_eq!(article.url.as_deref(), Some("https://example.com/a"));
        assert_eq!(article.text, "# Heading\n\nBody *text*.\n");

        let md = "Intro line\n```\n# not a title\n```\n## Real title ##\n";
        let article =
            super::super::read_article(&write(dir.path(), "b.markdown", md.as_bytes())).unwrap();
        assert_eq!(article.title, "Real title");
        assert_eq!(article.text, md);
        let only_front = write(dir.path(), "c.md", b"---\ntitle: x\n---\n\n");
        assert!(matches!(
            super::super::read_article(&only_front),
            Err(super::super::IntakeError::Decode {
                problem: DecodeProblem::Empty,
                ..
            })
        ));
    }

    #[test]
    fn iso_dates() {
        assert_eq!(
            iso_date_prefix("2024-02-29T12:00").as_deref(),
            Some("2024-02-29")
        );
        assert_eq!(
            iso_date_prefix(" 2000-12-31").as_deref(),
            Some("2000-12-31")
        );
        assert_eq!(iso_date_prefix("2023-02-29"), None);
        assert_eq!(iso_date_prefix("2023-13-01"), None);
        assert_eq!(iso_date_prefix("2023-1-01"), None);
        assert_eq!(iso_date_prefix("March 5, 2024"), None);
        assert_eq!(iso_date_prefix("2023-01-011"), None);
    }
}
