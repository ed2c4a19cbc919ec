//! Reading an HTML page: its visible article text and its metadata.

use encoding_rs::Encoding;
use scraper::{ElementRef, Html, Node, Selector};

use super::decode::{DecodeProblem, decode_with_declared};
use super::text::iso_date_prefix;

/// Elements whose content is never part of the article text.
const SKIPPED: [&str; 20] = [
    "script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside", "form",
    "button", "iframe", "head", "select", "textarea", "canvas", "video", "audio", "object",
    "dialog",
];

/// Elements that start and end a paragraph.
const BLOCKS: [&str; 31] = [
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "blockquote",
    "pre",
    "section",
    "article",
    "tr",
    "figcaption",
    "dd",
    "dt",
    "table",
    "ul",
    "ol",
    "dl",
    "figure",
    "hr",
    "main",
    "address",
    "details",
    "summary",
    "caption",
    "center",
    "body",
    "html",
];

/// What an HTML page yields: text and metadata, strings trimmed and never
/// empty when present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlPage {
    /// `<title>`, else the first `<h1>`, whitespace-collapsed.
    pub title: Option<String>,
    /// `og:site_name`, else `application-name`.
    pub source: Option<String>,
    /// `meta[name=author]`, else `article:author`.
    pub author: Option<String>,
    /// `YYYY-MM-DD` from `article:published_time`, `meta[name=date]`,
    /// `itemprop=datePublished` or `time[datetime]`, the first that parses.
    pub published: Option<String>,
    /// The canonical link, else `og:url`.
    pub url: Option<String>,
    /// The visible text: paragraphs separated by one blank line; empty if
    /// the page shows no text.
    pub text: String,
    /// Name of the encoding the bytes were decoded from.
    pub encoding: &'static str,
}

/// Decodes an HTML file (honouring a `<meta charset>` when the bytes are not
/// UTF-8) and extracts its text and metadata.
pub fn read_html(bytes: &[u8]) -> Result<HtmlPage, DecodeProblem> {
    let (source, encoding) = decode_with_declared(bytes, declared_charset(bytes))?;
    let depth = nesting_depth(&source, MAX_DEPTH);
    if depth > MAX_DEPTH {
        return Err(DecodeProblem::TooDeep {
            depth,
            limit: MAX_DEPTH,
        });
    }
    Ok(parse_html(&source, encoding))
}

/// The deepest nesting of elements an HTML page may have. Real pages stay under a few
/// hundred; html5ever's tree building slows down with the square of the depth (100,000
/// nested `<div>` take half a minute), and 4,096 take it a few milliseconds.
pub const MAX_DEPTH: usize = 4096;

/// How deep the elements of `html` nest, as far as a scan of its tags can tell without
/// parsing, counting only elements that need an end tag (an unclosed `<p>` or `<li>` ends
/// at the next one, so a long list does not count as deep). Stops counting just past
/// `limit`.
pub fn nesting_depth(html: &str, limit: usize) -> usize {
    /// Elements without content, or whose end tag may be left out.
    const NOT_NESTING: [&str; 37] = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "param", "keygen", "p", "li", "dt", "dd", "tr", "td", "th", "option",
        "optgroup", "thead", "tbody", "tfoot", "colgroup", "caption", "rb", "rt", "rtc", "rp",
        "html", "head", "body", "image",
    ];
    /// Elements whose content is text up to their end tag, not markup.
    const RAW: [&str; 5] = ["script", "style", "textarea", "title", "xmp"];
    let bytes = html.as_bytes();
    let (mut depth, mut deepest, mut at) = (0usize, 0usize, 0usize);
    while let Some(found) = memchr::memchr(b'<', &bytes[at..]) {
        let start = at + found + 1;
        let rest = &bytes[start..];
        if rest.starts_with(b"!--") {
            at = find(&rest[3..], b"-->").map_or(bytes.len(), |e| start + 3 + e + 3);
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_start = start + usize::from(closing);
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
            .count();
        let end =
            memchr::memchr(b'>', &bytes[name_start..]).map_or(bytes.len(), |e| name_start + e);
        at = (end + 1).min(bytes.len());
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            continue; // `<!doctype`, `<?xml`, a lone `<`
        }
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        if NOT_NESTING.contains(&name.as_str()) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
            continue;
        }
        if end > 0 && bytes.get(end - 1) == Some(&b'/') {
            continue; // `<x/>`
        }
        if RAW.contains(&name.as_str()) {
            let close = format!("</{name}");
            let lower_rest = &bytes[at..];
            at = find_ignoring_case(lower_rest, close.as_bytes()).map_or(bytes.len(), |e| at + e);
            continue;
        }
        depth += 1;
        deepest = deepest.max(depth);
        if deepest > limit {
            break;
        }
    }
    deepest
}

/// Where `needle` (lower-case ASCII) first occurs in `haystack`, ignoring ASCII case.
fn find_ignoring_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// Extracts text and metadata from already decoded HTML.
pub fn parse_html(source: &str, encoding: &'static str) -> HtmlPage {
    let doc = Html::parse_document(source);
    let roots = first_visible(&doc, &["article", "main", "body"]);
    let text = roots
        .into_iter()
        .flatten()
        .chain([doc.root_element()])
        .map(visible_text)
        .find(|text| !text.is_empty())
        .unwrap_or_default();
    let title = first_text(&doc, "head title").or_else(|| first_text(&doc, "h1"));
    HtmlPage {
        title,
        source: first_attr(
            &doc,
            &[
                ("meta[property='og:site_name' i]", "content"),
                ("meta[name='application-name' i]", "content"),
            ],
        ),
        author: first_attr(
            &doc,
            &[
                ("meta[name='author' i]", "content"),
                ("meta[property='article:author' i]", "content"),
            ],
        ),
        published: published(&doc),
        url: first_attr(
            &doc,
            &[
                ("link[rel~='canonical' i]", "href"),
                ("meta[property='og:url' i]", "content"),
            ],
        ),
        text,
        encoding,
    }
}

/// The encoding named by a `<meta charset=…>` or `<meta … content="…;
/// charset=…">` tag in the first 4 KB, if encoding_rs knows the label.
pub fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = bytes.get(..4096).unwrap_or(bytes).to_ascii_lowercase();
    let mut rest = head.as_slice();
    while let Some(start) = find(rest, b"<meta") {
        let tag = rest.get(start..)?;
        let end = tag.iter().position(|&b| b == b'>').unwrap_or(tag.len());
        let inside = tag.get(..end)?;
        if let Some(at) = find(inside, b"charset") {
            let value = inside.get(at + 7..).unwrap_or_default().trim_ascii_start();
            let value = value.strip_prefix(b"=").unwrap_or(value).trim_ascii_start();
            let value = value.strip_prefix(b"\"").unwrap_or(value);
            let value = value.strip_prefix(b"'").unwrap_or(value).trim_ascii_start();
            let len = value
                .iter()
                .position(|b| b" \t\r\n\"';>/".contains(b))
                .unwrap_or(value.len());
            if let Some(encoding) = value.get(..len).and_then(Encoding::for_label) {
                return Some(encoding);
            }
        }
        rest = tag.get(end..)?;
    }
    None
}

/// Position of `needle` in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Whether the element itself hides its content.
fn is_skipped(element: &scraper::node::Element) -> bool {
    let style = element
        .attr("style")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let style: String = style.split_whitespace().collect();
    SKIPPED.contains(&element.name())
        || element.attr("hidden").is_some()
        || element
            .attr("aria-hidden")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
        || style.contains("display:none")
        || style.contains("visibility:hidden")
}

/// For each of `names`, the first element (in document order) with that tag name that is
/// not inside skipped content, found in one walk of the tree that does not enter skipped
/// content at all (so 30,000 nested hidden elements cost one step each, not one per
/// ancestor).
fn first_visible<'a, const N: usize>(
    doc: &'a Html,
    names: &[&str; N],
) -> [Option<ElementRef<'a>>; N] {
    let mut found: [Option<ElementRef<'a>>; N] = [None; N];
    let mut stack = vec![*doc.root_element()];
    while let Some(node) = stack.pop() {
        let Some(element) = node.value().as_element() else {
            continue;
        };
        if is_skipped(element) {
            continue;
        }
        if let Some(i) = names.iter().position(|n| *n == element.name())
            && found[i].is_none()
        {
            found[i] = ElementRef::wrap(node);
            if found.iter().all(Option::is_some) {
                break;
            }
        }
        stack.extend(node.children().rev());
    }
    found
}

/// The visible text under `root`, as paragraphs separated by blank lines.
/// Walks the tree with an explicit stack, so deep nesting cannot overflow.
fn visible_text(root: ElementRef<'_>) -> String {
    let mut out = TextBuilder::default();
    let mut stack = vec![(*root, false)];
    while let Some((node, closing)) = stack.pop() {
        match node.value() {
            Node::Element(element) if closing => out.close(element.name()),
            Node::Text(text) => out.push_text(text),
            Node::Element(element) if !is_skipped(element) => {
                out.open(element.name());
                stack.push((node, true));
                stack.extend(node.children().rev().map(|child| (child, false)));
            }
            _ => {}
        }
    }
    out.finish()
}

/// Lays text out as a browser would render it, one paragraph at a time.
#[derive(Default)]
struct TextBuilder {
    paragraphs: Vec<String>,
    current: String,
    pending_space: bool,
    pre_depth: usize,
    current_is_pre: bool,
}

impl TextBuilder {
    fn open(&mut self, name: &str) {
        match name {
            "br" => self.line_break(),
            "td" | "th" => self.pending_space = true,
            "pre" => {
                self.end_paragraph();
                self.pre_depth += 1;
                self.current_is_pre = true;
            }
            _ if BLOCKS.contains(&name) => self.end_paragraph(),
            _ => {}
        }
    }

    fn close(&mut self, name: &str) {
        match name {
            "td" | "th" => self.pending_space = true,
            "pre" => {
                self.end_paragraph();
                self.pre_depth = self.pre_depth.saturating_sub(1);
            }
            _ if BLOCKS.contains(&name) => self.end_paragraph(),
            _ => {}
        }
    }

    /// Appends a text node, collapsing HTML whitespace outside `<pre>`.
    /// U+00A0 is not HTML whitespace, so it is kept.
    fn push_text(&mut self, text: &str) {
        if self.pre_depth > 0 {
            self.current_is_pre = true;
            self.current.push_str(text);
            return;
        }
        for c in text.chars() {
            if matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{C}') {
                self.pending_space = true;
                continue;
            }
            if self.pending_space && !self.current.is_empty() && !self.current.ends_with('\n') {
                self.current.push(' ');
            }
            self.pending_space = false;
            self.current.push(c);
        }
    }

    /// `<br>`: a new line, but never more than one blank line in a row.
    fn line_break(&mut self) {
        self.pending_space = false;
        if self.pre_depth > 0 || !(self.current.is_empty() || self.current.ends_with("\n\n")) {
            self.current.push('\n');
        }
    }

    fn end_paragraph(&mut self) {
        let text = if self.current_is_pre {
            self.current.trim_start_matches('\n').trim_end()
        } else {
            self.current.trim_end_matches([' ', '\n'])
        };
        if !text.chars().all(char::is_whitespace) {
            self.paragraphs.push(text.to_owned());
        }
        self.current.clear();
        self.pending_space = false;
        self.current_is_pre = self.pre_depth > 0;
    }

    fn finish(mut self) -> String {
        self.end_paragraph();
        self.paragraphs.join("\n\n")
    }
}

/// Collapses runs of whitespace to one space and trims; `None` if empty.
fn collapse(text: &str) -> Option<String> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

/// The collapsed text of the first element matching `selector`.
fn first_text(doc: &Html, selector: &str) -> Option<String> {
    let selector = Selector::parse(selector).ok()?;
    doc.select(&selector)
        .find_map(|element| collapse(&element.text().collect::<String>()))
}

/// The first non-empty attribute value among `(selector, attribute)` pairs.
fn first_attr(doc: &Html, candidates: &[(&str, &str)]) -> Option<String> {
    candidates.iter().find_map(|(selector, attr)| {
        let selector = Selector::parse(selector).ok()?;
        doc.select(&selector)
            .find_map(|element| element.attr(attr).and_then(collapse))
    })
}

/// The first publication date in the page's metadata that parses.
fn published(doc: &Html) -> Option<String> {
    [
        ("meta[property='article:published_time' i]", "content"),
        ("meta[name='date' i]", "content"),
        ("[itemprop='datePublished']", "content"),
        ("[itemprop='datePublished']", "datetime"),
        ("time[datetime]", "datetime"),
    ]
    .iter()
    .find_map(|(selector, attr)| {
        let selector = Selector::parse(selector).ok()?;
        doc.select(&selector)
            .find_map(|element| element.attr(attr).and_then(iso_date_prefix))
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    const PAGE: &str = r##"<!DOCTYPE html>
<html><head>
  <meta charset="utf-8">
  <title>  Storm   hits
     coast </title>
  <meta name="Author" content="Jane  Roe">
  <meta property="article:published_time" content="2024-05-06T08:30:00+02:00">
  <meta property="og:site_name" content="Coast News">
  <link rel="canonical" href="https://news.example/storm">
  <meta property="og:url" content="https://other.example/">
  <style>p { color: red }</style>
  <script>var x = "<p>not text</p>";</script>
</head><body>
  <nav><a href="/">Home</a> <a href="/world">World</a></nav>
  <header><p>Site banner</p></header>
  <article>
    <h1>Storm hits   the coast</h1>
    <p>First   paragraph,
       with a line
       break in the source.</p>
    <p>Price:&nbsp;10&nbsp;€ and <em>emphasis</em>, <a href="#">a link</a>.</p>
    <div hidden>Hidden div</div>
    <span aria-hidden="true">icon</span>
    <p style="display: none">Invisible</p>
    <aside>Related stories</aside>
    <form><button>Subscribe</button></form>
    <ul><li>One</li><li>Two<br>lines</li></ul>
    <pre>  code  line
    indented</pre>
    <blockquote><p>Quoted</p></blockquote>
    <script>alert("no")</script>
  </article>
  <footer>Copyright</footer>
</body></html>"##;

    #[test]
    fn article_text_and_metadata() {
        let page = read_html(PAGE.as_bytes()).unwrap();
        assert_eq!(
            page.text,
            "Storm hits the coast\n\n\
             First paragraph, with a line break in the source.\n\n\
             Price:\u{a0}10\u{a0}\u{20ac} and emphasis, a link.\n\n\
             One\n\nTwo\nlines\n\n  code  line\n    indented\n\nQuoted"
        );
        assert_eq!(page.title.as_deref(), Some("Storm hits coast"));
        assert_eq!(page.author.as_deref(), Some("Jane Roe"));
        assert_eq!(page.published.as_deref(), Some("2024-05-06"));
        assert_eq!(page.source.as_deref(), Some("Coast News"));
        assert_eq!(page.url.as_deref(), Some("https://news.example/storm"));
        assert_eq!(page.encoding, "UTF-8");
    }

    #[test]
    fn fallbacks_for_title_root_and_metadata() {
        let html = "<body><div>Lead <b>in</b></div><main><h1>Main\n title</h1>\
                    <table><tr><td>a</td><td>b</td></tr></table>\
                    <time datetime=\"2023-11-02\">Nov 2</time></main>\
                    <meta property=\"og:url\" content=\" https://x.example/a \"></body>";
        let page = parse_html(html, "UTF-8");
        assert_eq!(page.title.as_deref(), Some("Main title"));
        assert_eq!(page.text, "Main title\n\na b\n\nNov 2");
        assert_eq!(page.published.as_deref(), Some("2023-11-02"));
        assert_eq!(page.url.as_deref(), Some("https://x.example/a"));
        assert_eq!((page.author, page.source), (None, None));
        let page = parse_html("<p>Only\tbody</p><p>&nbsp;</p><p>Two</p>", "UTF-8");
        assert_eq!(page.text, "Only body\n\nTwo");
        assert_eq!(page.title, None);
        assert_eq!(parse_html("<script>x</script>", "UTF-8").text, "");
    }

    #[test]
    fn declared_charset_is_used_for_non_utf8_bytes() {
        let bytes = b"<html><head><meta http-equiv='Content-Type' \
                      content='text/html; charset=ISO-8859-1'></head><body><p>Caf\xe9</p></body>";
        assert_eq!(declared_charset(bytes), Some(encoding_rs::WINDOWS_1252));
        let page = read_html(bytes).unwrap();
        assert_eq!(
            (page.text.as_str(), page.encoding),
            ("Caf\u{e9}", "windows-1252")
        );
        let koi = b"<meta charset=\"koi8-r\"><p>\xf0\xd2\xc9\xd7\xc5\xd4</p>";
        let page = read_html(koi).unwrap();
        assert_eq!((page.text.as_str(), page.encoding), ("Привет", "KOI8-R"));
    }

    #[test]
    fn nesting_is_counted_by_the_elements_that_need_an_end_tag() {
        assert_eq!(
            nesting_depth("<div><p>a<p>b<div><b>x</b></div></div>", 99),
            3
        );
        // A long list of unclosed items, void elements, comments and raw text are flat.
        let list = format!("<ul>{}</ul>", "<li>item<br><img src=x>".repeat(5000));
        assert_eq!(nesting_depth(&list, 99), 1);
        let raw = "<script>if (a<b) { document.write('<div><div>') }</script><!-- <div> -->";
        assert_eq!(nesting_depth(raw, 99), 0);
        assert_eq!(nesting_depth("<svg><path d='x'/></svg>", 99), 1);
        // Counting stops just past the limit.
        let deep = "<div>".repeat(100_000);
        assert_eq!(nesting_depth(&deep, 10), 11);
    }

    #[test]
    fn a_page_nested_past_the_limit_is_refused_before_it_is_parsed() {
        let deep = format!("<html><body>{}text", "<div>".repeat(100_000));
        let err = read_html(deep.as_bytes()).unwrap_err();
        assert!(
            matches!(
                err,
                DecodeProblem::TooDeep {
                    limit: MAX_DEPTH,
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("nests its elements"), "{err}");
        // Just under the limit, it reads.
        let ok = format!("<p>{}text", "<div>".repeat(MAX_DEPTH - 1));
        assert_eq!(read_html(ok.as_bytes()).unwrap().text, "text");
    }

    #[test]
    fn the_article_is_the_first_visible_one_however_deep_the_hidden_ones_nest() {
        let hidden = "<article hidden>".repeat(3000);
        let html = format!(
            "<body>{hidden}secret{}<article><p>Shown</p></article></body>",
            "</article>".repeat(3000)
        );
        assert_eq!(parse_html(&html, "UTF-8").text, "Shown");
    }
}
