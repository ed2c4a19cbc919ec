//! Reading news articles from disk: plain text, Markdown and HTML files,
//! in any common text encoding, into [`Article`]s ready to annotate.

pub mod decode;
pub mod html;
mod project;
mod text;

use std::fmt;
use std::path::{Path, PathBuf};

use decode::DecodeProblem;
pub use project::{AddReport, Added, add_articles};
use text::{line_title, read_markdown, stem_title};

/// The file name extensions (lower case) accepted as articles.
pub const ARTICLE_EXTENSIONS: [&str; 5] = ["txt", "md", "markdown", "html", "htm"];

/// An article read from disk, ready to become a project document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// The file it came from.
    pub path: PathBuf,
    /// The article's title (never empty unless the file stem is).
    pub title: String,
    /// Site name or publication (HTML `og:site_name`, front-matter `source`).
    pub source: Option<String>,
    /// The author, when the file says.
    pub author: Option<String>,
    /// ISO date `YYYY-MM-DD` when one can be parsed from the metadata.
    pub published: Option<String>,
    /// The article's address (HTML canonical link, front-matter `url`).
    pub url: Option<String>,
    /// The text to annotate, with LF line ends.
    pub text: String,
    /// Name of the encoding the file was decoded from, e.g. `"UTF-8"`,
    /// `"UTF-16LE"` or `"windows-1252"`.
    pub encoding: &'static str,
}

/// Why one file could not be read as an article. Every message starts with
/// the file's path.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// The file (or folder) could not be read from disk.
    #[error("{}: cannot read it: {reason} (expected a readable file or folder)", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the operating system said.
        reason: std::io::Error,
    },
    /// The file's extension is not one of [`ARTICLE_EXTENSIONS`].
    #[error(
        "{}: unsupported file type (expected a .txt, .md, .markdown, .html or .htm file)",
        path.display()
    )]
    UnsupportedType {
        /// The file.
        path: PathBuf,
    },
    /// The bytes are not usable text: empty, binary or in an unknown encoding.
    #[error("{}: {problem}", path.display())]
    Decode {
        /// The file.
        path: PathBuf,
        /// What is wrong with its bytes.
        problem: DecodeProblem,
    },
    /// An HTML file without any visible text in its body.
    #[error("{}: no visible article text (expected an HTML page with text in its body)", path.display())]
    NoVisibleText {
        /// The file.
        path: PathBuf,
    },
    /// A folder with no article file directly inside it.
    #[error(
        "{}: the folder holds no article (expected .txt, .md, .markdown, .html or .htm files \
         directly inside it; sub-folders are not searched)",
        path.display()
    )]
    EmptyFolder {
        /// The folder.
        path: PathBuf,
    },
}

impl IntakeError {
    /// The file or folder the error is about.
    pub fn path(&self) -> &Path {
        match self {
            Self::Io { path, .. }
            | Self::UnsupportedType { path }
            | Self::EmptyFolder { path }
            | Self::Decode { path, .. }
            | Self::NoVisibleText { path } => path,
        }
    }
}

/// Every failure from [`read_articles`]; displayed one error per line.
#[derive(Debug)]
pub struct IntakeErrors(pub Vec<IntakeError>);

impl fmt::Display for IntakeErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for IntakeErrors {}

/// Whether `path` has an article extension (`.txt`, `.md`, `.markdown`,
/// `.html`, `.htm`, any letter case). Does not look at the disk.
pub fn is_article_path(path: &Path) -> bool {
    extension(path).is_some()
}

/// The lower-cased article extension of `path`, if it has one.
fn extension(path: &Path) -> Option<&'static str> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    ARTICLE_EXTENSIONS.into_iter().find(|known| *known == ext)
}

/// Reads one article file, choosing the format by its extension.
pub fn read_article(path: &Path) -> Result<Article, IntakeError> {
    let Some(ext) = extension(path) else {
        return Err(IntakeError::UnsupportedType { path: path.into() });
    };
    let bytes = crate::store::guard::read_regular(path).map_err(|reason| IntakeError::Io {
        path: path.into(),
        reason,
    })?;
    let decode_error = |problem| IntakeError::Decode {
        path: path.into(),
        problem,
    };
    let mut article = match ext {
        "html" | "htm" => {
            let page = html::read_html(&bytes).map_err(decode_error)?;
            if page.text.is_empty() {
                return Err(IntakeError::NoVisibleText { path: path.into() });
            }
            Article {
                path: path.into(),
                title: page.title.unwrap_or_default(),
                source: page.source,
                author: page.author,
                published: page.published,
                url: page.url,
                text: page.text,
                encoding: page.encoding,
            }
        }
        _ => {
            let (text, encoding) = decode::decode(&bytes).map_err(decode_error)?;
            let mut article = Article {
                path: path.into(),
                title: String::new(),
                source: None,
                author: None,
                published: None,
                url: None,
                text,
                encoding,
            };
            if ext != "txt" {
                read_markdown(&mut article);
                if article.text.trim().is_empty() {
                    return Err(decode_error(DecodeProblem::Empty));
                }
            }
            article
        }
    };
    if article.title.is_empty() {
        article.title = line_title(&article.text).unwrap_or_else(|| stem_title(path));
    }
    Ok(article)
}

/// Reads every path, all or nothing. A folder contributes the article files
/// directly inside it, sorted by file name (sub-folders and other files are
/// skipped); a file is read whatever its extension (so a wrong one is an
/// error). On failure the error lists every file that failed.
pub fn read_articles(paths: &[PathBuf]) -> Result<Vec<Article>, IntakeErrors> {
    let mut articles = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        let files = if path.is_dir() {
            match folder_articles(path) {
                Ok(files) if files.is_empty() => {
                    errors.push(IntakeError::EmptyFolder { path: path.clone() });
                    continue;
                }
                Ok(files) => files,
                Err(reason) => {
                    errors.push(IntakeError::Io {
                        path: path.clone(),
                        reason,
                    });
                    continue;
                }
            }
        } else {
            vec![path.clone()]
        };
        for file in files {
            match read_article(&file) {
                Ok(article) => articles.push(article),
                Err(error) => errors.push(error),
            }
        }
    }
    if errors.is_empty() {
        Ok(articles)
    } else {
        Err(IntakeErrors(errors))
    }
}

/// The article files directly inside `folder` (anything but a folder named like one),
/// sorted by file name.
fn folder_articles(folder: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder)? {
        let path = entry?.path();
        // A FIFO, device or socket named like an article is taken too, so reading it refuses
        // it by name (all or nothing) instead of the folder passing it over in silence.
        if is_article_path(&path) && path.exists() && !path.is_dir() {
            files.push(path);
        }
    }
    files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    Ok(files)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use std::fs;

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let path = dir.join(name);
        fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn txt_title_is_first_line_or_file_stem() {
        let dir = tempfile::tempdir().unwrap();
        let short = write(dir.path(), "a.txt", b"\n\n  Short headline  \r\nBody.\r\n");
        let article = read_article(&short).unwrap();
        assert_eq!(article.title, "Short headline");
        assert_eq!(article.text, "\n\n  Short headline  \nBody.\n");
        assert_eq!((article.author, article.published), (None, None));
        let long = format!("{}\nmore", "word ".repeat(30));
        let path = write(dir.path(), "my-long_story.TXT", long.as_bytes());
        assert_eq!(read_article(&path).unwrap().title, "my long story");
    }

    #[test]
    fn folder_gives_sorted_articles_and_skips_other_files() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "b.html", b"<title>Bee</title><p>Second</p>");
        write(dir.path(), "a.txt", b"First\n");
        write(dir.path(), "c.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
        fs::create_dir(dir.path().join("sub.txt")).unwrap();
        let articles = read_articles(&[dir.path().to_path_buf()]).unwrap();
        let titles: Vec<_> = articles.iter().map(|a| a.title.as_str()).collect();
        assert_eq!(titles, ["First", "Bee"]);
        assert_eq!(articles[1].text, "Second");
        assert_eq!(articles[0].path, dir.path().join("a.txt"));
    }

    #[test]
    fn one_bad_file_fails_everything_and_every_failure_is_listed() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.txt", b"Fine\n");
        let empty = write(dir.path(), "b.md", b"");
        let binary = write(dir.path(), "c.txt", b"\x89PNG\0\0\0");
        let missing = dir.path().join("missing.txt");
        let other = write(dir.path(), "d.pdf", b"%PDF");
        let paths = [dir.path().to_path_buf(), missing.clone(), other.clone()];
        let errors = read_articles(&paths).unwrap_err();
        let failed: Vec<_> = errors.0.iter().map(IntakeError::path).collect();
        assert_eq!(failed, [&empty, &binary, &missing, &other]);
        let shown = errors.to_string();
        assert_eq!(shown.lines().count(), 4);
        assert!(shown.contains(&format!("{}: the file is empty", empty.display())));
        assert!(shown.contains(&format!("{}: the file looks binary", binary.display())));
        assert!(shown.contains(&format!("{}: cannot read it: ", missing.display())));
        assert!(shown.contains(".txt, .md, .markdown, .html or .htm"));
    }

    #[test]
    fn article_paths() {
        assert!(is_article_path(Path::new("x/a.HTM")));
        assert!(is_article_path(Path::new("a.markdown")));
        assert!(!is_article_path(Path::new("a.png")));
        assert!(!is_article_path(Path::new("txt")));
    }
}
