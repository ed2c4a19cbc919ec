//! The summary as one self-contained HTML page: inline CSS, no scripts, no fonts or images
//! from elsewhere, so it opens offline, mails as one file and prints.
//!
//! Every piece of user text goes through [`text`]: escaped, wrapped in `<bdi>` so that an
//! Arabic quote does not reorder the words around it, line breaks as `<br>`. The project
//! overview is a heat map: a table whose cells are tinted with the schema's claim colour in
//! proportion to the count, with the count written in the cell so it also reads in black
//! and white.

use std::fmt::Write as _;

use super::{ACTOR, CLAIM, CONDITION, DocSummary, STATUSES, Summary, describe};
use crate::model::Rgb;

const STYLE: &str = "\
:root{color-scheme:light}\
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}\
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',sans-serif;\
line-height:1.45;color:#1a1a1a;background:#fff;max-width:62rem;margin:2rem auto;padding:0 1rem}\
h1{font-size:1.7rem;margin-bottom:.3rem}h2{margin-top:2.2rem;border-bottom:1px solid #ccc}\
h3{margin-top:2rem}h4{margin:1.2rem 0 .4rem}\
table{border-collapse:collapse;margin:.4rem 0 1rem}\
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}\
th{background:#f3f3f3}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\
td.c{text-align:center}.sw{display:inline-block;width:.8em;height:.8em;margin-right:.4em;\
border:1px solid #555;vertical-align:baseline}\
.q{border-left-width:4px;border-left-style:solid}\
.meta,.rules,.legend{color:#444}ul{padding-left:1.3rem}\
nav ol{columns:2}.wide{overflow-x:auto}\
@media print{body{margin:0;max-width:none;font-size:10pt}nav{display:none}\
h2,h3,h4{break-after:avoid}tr{break-inside:avoid}a{color:inherit;text-decoration:none}}";

/// `s` escaped for HTML text or a quoted attribute.
pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// User text for the page: escaped, isolated for bidirectional text, line breaks as `<br>`.
pub(super) fn text(s: &str) -> String {
    let escaped = escape(s)
        .replace("\r\n", "\n")
        .replace(['\r', '\u{85}', '\u{2028}', '\u{2029}'], "\n")
        .replace('\n', "<br>");
    format!("<bdi>{escaped}</bdi>")
}

/// [`text`], or nothing for an empty cell.
fn text_or_nothing(s: &str) -> String {
    if s.is_empty() { String::new() } else { text(s) }
}

/// A colour swatch.
fn swatch(color: Rgb) -> String {
    format!(
        "<span class=\"sw\" style=\"background:{}\"></span>",
        color.to_hex()
    )
}

/// `color` mixed with white: `t` = 0 is white, 1 the colour.
pub(super) fn tint(color: Rgb, t: f64) -> Rgb {
    let mix = |c: u8| (255.0 - (255.0 - f64::from(c)) * t.clamp(0.0, 1.0)).round() as u8;
    Rgb(mix(color.0), mix(color.1), mix(color.2))
}

/// Black or white, whichever contrasts more with `bg` (WCAG relative luminance).
pub(super) fn ink(bg: Rgb) -> &'static str {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * lin(bg.0) + 0.7152 * lin(bg.1) + 0.0722 * lin(bg.2);
    // Contrast with black (l + .05)/.05 against white 1.05/(l + .05).
    if (l + 0.05) * (l + 0.05) >= 0.0525 {
        "#000"
    } else {
        "#fff"
    }
}

/// The summary as an HTML page.
pub(super) fn render(s: &Summary) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Summary of {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(&s.project)
    );
    let layers = if s.layers.is_empty() {
        "none".to_owned()
    } else {
        s.layers
            .iter()
            .map(|l| text(l))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(
        out,
        "<header>\n<h1>Summary of {}</h1>\n<p class=\"meta\">Layers: {layers}. {} articles, {} \
         annotations, {} relations.</p>\n<p class=\"rules\">{}</p>\n</header>",
        text(&s.project),
        s.documents.len(),
        s.annotations,
        s.relations,
        escape(&describe::rules(s))
    );
    if !s.documents.is_empty() {
        out.push_str("<nav aria-label=\"Articles\">\n<ol>\n");
        for (n, d) in s.documents.iter().enumerate() {
            let _ = writeln!(
                out,
                "<li><a href=\"#article-{}\">{}</a></li>",
                n + 1,
                text(&d.title)
            );
        }
        out.push_str("</ol>\n</nav>\n");
    }

    out.push_str("<section>\n<h2>Tags</h2>\n<table>\n<thead><tr><th>Tag</th><th class=\"n\">Annotations</th></tr></thead>\n<tbody>\n");
    for t in &s.tags {
        let _ = writeln!(
            out,
            "<tr><td>{}{}</td><td class=\"n\">{}</td></tr>",
            swatch(t.color),
            text(&t.label),
            t.count
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");

    out.push_str("<section>\n<h2>Who</h2>\n");
    if s.actors.is_empty() {
        out.push_str("<p>No actors are tagged.</p>\n");
    } else {
        out.push_str("<table>\n<thead><tr><th>Actor</th><th>Kind</th><th class=\"n\">Mentions</th><th class=\"n\">Claims</th><th class=\"n\">Articles</th><th>Spellings</th></tr></thead>\n<tbody>\n");
        for a in &s.actors {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                text(&a.name),
                describe::kind(a),
                a.mentions,
                a.claims,
                a.documents.len(),
                a.spellings
                    .iter()
                    .map(|x| text(x))
                    .collect::<Vec<_>>()
                    .join("; ")
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</section>\n");

    out.push_str("<section>\n<h2>Who claims in which article</h2>\n");
    heat_map(&mut out, s);
    out.push_str("</section>\n");

    out.push_str("<section>\n<h2>Concepts</h2>\n");
    concepts(&mut out, s);
    out.push_str("</section>\n");

    out.push_str("<section>\n<h2>Actors × concepts</h2>\n");
    stands(&mut out, s);
    out.push_str("</section>\n");
    out.push_str("<section>\n<h2>Strongest ties</h2>\n");
    ties(&mut out, s);
    out.push_str("</section>\n");
    out.push_str("<section>\n<h2>Left unlinked</h2>\n<ul>\n");
    let silent: Vec<String> = s
        .silent_actors()
        .iter()
        .filter_map(|&i| s.actors.get(i).map(|a| text(&a.name)))
        .collect();
    let _ = writeln!(
        out,
        "<li>Claims with no speaker: {}</li>\n<li>Conditions attached to no claim: {}</li>",
        s.claims_without_speaker(),
        s.unattached_conditions()
    );
    let _ = writeln!(
        out,
        "<li>Actors who say nothing: {}{}</li>\n</ul>\n</section>",
        silent.len(),
        if silent.is_empty() {
            String::new()
        } else {
            format!(" ({})", silent.join(", "))
        }
    );

    out.push_str("<section>\n<h2>Progress</h2>\n<table>\n<thead><tr><th>Annotator</th>");
    for status in STATUSES {
        let _ = write!(
            out,
            "<th class=\"n\">{}</th>",
            describe::capitalised(status.label())
        );
    }
    out.push_str(
        "<th class=\"n\">Annotations</th><th class=\"n\">Relations</th></tr></thead>\n<tbody>\n",
    );
    for p in &s.progress {
        let _ = write!(out, "<tr><td>{}</td>", text(&p.annotator));
        for st in STATUSES {
            let _ = write!(
                out,
                "<td class=\"n\">{}</td>",
                p.documents.get(&st).copied().unwrap_or(0)
            );
        }
        let _ = writeln!(
            out,
            "<td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            p.annotations, p.relations
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");

    out.push_str("<section>\n<h2>Articles</h2>\n");
    super::articles(&mut out, s, article);
    out.push_str("</section>\n</body>\n</html>\n");
    out
}

/// Each concept with the actors for and against it.
fn concepts(out: &mut String, s: &Summary) {
    if s.concepts.is_empty() {
        out.push_str("<p>No claim is coded with a concept.</p>\n");
        return;
    }
    let _ = writeln!(
        out,
        "<p class=\"legend\">{}</p>",
        escape(describe::CONCEPTS)
    );
    out.push_str("<table>\n<thead><tr>");
    for (i, h) in describe::CONCEPT_COLUMNS.iter().enumerate() {
        let class = if i == 1 { " class=\"n\"" } else { "" };
        let _ = write!(out, "<th{class}>{h}</th>");
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for c in &s.concepts {
        let side = |list| {
            describe::side(s, list)
                .iter()
                .map(|n| text(n))
                .collect::<Vec<_>>()
                .join("<br>")
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            text(&c.concept.label),
            c.claims,
            side(&c.supporters),
            side(&c.opponents),
            side(&c.neutral)
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

/// The actors × concepts table: each actor's claims on each concept, by stance.
fn stands(out: &mut String, s: &Summary) {
    if s.stands.is_empty() {
        out.push_str("<p>No claim coded with a concept has a speaker.</p>\n");
        return;
    }
    let _ = writeln!(out, "<p class=\"legend\">{}</p>", escape(describe::STANDS));
    let (rows, cells) = describe::stand_rows(s);
    out.push_str("<div class=\"wide\"><table>\n<thead><tr><th>Actor</th>");
    for c in &s.concepts {
        let _ = write!(out, "<th>{}</th>", text(&c.concept.label));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for a in rows {
        let _ = write!(out, "<tr><td>{}</td>", text(&describe::actor_name(s, a)));
        for c in 0..s.concepts.len() {
            let _ = write!(
                out,
                "<td class=\"n\">{}</td>",
                escape(cells.get(&(a, c)).map_or("", String::as_str))
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table></div>\n");
}

/// The strongest agreements and conflicts, each with the claims it rests on.
fn ties(out: &mut String, s: &Summary) {
    if s.stands.is_empty() {
        out.push_str("<p>No claim coded with a concept has a speaker.</p>\n");
        return;
    }
    let _ = writeln!(out, "<p class=\"legend\">{}</p>", escape(describe::TIES));
    let claims = describe::claims_by_id(s);
    for (title, list) in [("Agreeing", &s.agreements), ("In conflict", &s.conflicts)] {
        let _ = writeln!(out, "<h3>{title}</h3>");
        if list.is_empty() {
            out.push_str("<p>None.</p>\n");
            continue;
        }
        out.push_str("<ol>\n");
        for tie in list {
            let (concepts, quoted, more) = describe::tie_parts(s, &claims, tie);
            let quotes: Vec<String> = quoted
                .iter()
                .map(|(q, who)| format!("“{}” ({})", text(q), text(who)))
                .collect();
            let _ = writeln!(
                out,
                "<li><strong>{}</strong> and <strong>{}</strong>: {}, on {}. {}{}</li>",
                text(&describe::actor_name(s, tie.a)),
                text(&describe::actor_name(s, tie.b)),
                tie.weight,
                text(&concepts.join(", ")),
                quotes.join("; "),
                describe::more_claims(more)
            );
        }
        out.push_str("</ol>\n");
    }
}

/// The actors × articles heat map of claim counts (speaking actors only).
fn heat_map(out: &mut String, s: &Summary) {
    let speaking: Vec<usize> = (0..s.actors.len())
        .filter(|&i| s.actors.get(i).is_some_and(|a| a.claims > 0))
        .collect();
    if speaking.is_empty() || s.documents.is_empty() {
        out.push_str("<p>No actor is linked to a claim.</p>\n");
        return;
    }
    let max = s.max_claims_in().max(1);
    let claim = s.color_of(CLAIM);
    let _ = writeln!(
        out,
        "<p class=\"legend\">Claims each actor makes in each article; the darker the cell, the \
         more claims (at most {max}).</p>"
    );
    out.push_str("<table class=\"heat\">\n<thead><tr><th>Actor</th>");
    for (n, d) in s.documents.iter().enumerate() {
        let _ = write!(
            out,
            "<th class=\"n\"><a href=\"#article-{}\">{}</a></th>",
            n + 1,
            text(d.id.as_str())
        );
    }
    out.push_str("<th class=\"n\">All</th></tr></thead>\n<tbody>\n");
    for &i in &speaking {
        let Some(actor) = s.actors.get(i) else {
            continue;
        };
        let _ = write!(out, "<tr><th>{}</th>", text(&actor.name));
        for d in 0..s.documents.len() {
            match s.claims_in(i, d) {
                0 => out.push_str("<td class=\"n\"></td>"),
                n => {
                    let bg = tint(claim, 0.2 + 0.8 * n as f64 / max as f64);
                    let _ = write!(
                        out,
                        "<td class=\"n\" style=\"background:{};color:{}\">{n}</td>",
                        bg.to_hex(),
                        ink(bg)
                    );
                }
            }
        }
        let _ = writeln!(out, "<td class=\"n\">{}</td></tr>", actor.claims);
    }
    out.push_str("</tbody>\n</table>\n");
}

/// One article: facts, who, what is claimed, who says which claim, what is left unlinked.
fn article(out: &mut String, s: &Summary, n: usize, d: &DocSummary) {
    let _ = writeln!(
        out,
        "<article id=\"article-{n}\">\n<h3>{n}. {}</h3>",
        text(&d.title)
    );
    let mut facts = vec![format!("Article {}", text(d.id.as_str()))];
    facts.extend(d.source.iter().map(|x| format!("source: {}", text(x))));
    facts.extend(
        d.published
            .iter()
            .map(|x| format!("published: {}", text(x))),
    );
    let tags: Vec<String> = d
        .tags
        .iter()
        .filter(|t| t.count > 0)
        .map(|t| format!("{}{} {}", swatch(t.color), text(&t.label), t.count))
        .collect();
    let tags = if tags.is_empty() {
        "No annotations.".to_owned()
    } else {
        format!("Tags: {}.", tags.join(", "))
    };
    let _ = writeln!(out, "<p class=\"meta\">{}. {tags}</p>", facts.join("; "));

    let actor_color = s.color_of(ACTOR).to_hex();
    let claim_color = s.color_of(CLAIM);
    let condition_color = s.color_of(CONDITION).to_hex();
    out.push_str("<h4>Who</h4>\n");
    if d.actors.is_empty() {
        out.push_str("<p>No actors are tagged.</p>\n");
    } else {
        out.push_str("<table>\n<thead><tr><th>Actor</th><th class=\"n\">Mentions</th><th class=\"n\">Claims</th></tr></thead>\n<tbody>\n");
        for a in &d.actors {
            let _ = writeln!(
                out,
                "<tr><td class=\"q\" style=\"border-left-color:{actor_color}\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                text(&describe::actor_name(s, a.actor)),
                a.mentions,
                a.claims
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }

    out.push_str("<h4>What is claimed</h4>\n");
    if d.claims.is_empty() {
        out.push_str("<p>No claims are tagged.</p>\n");
    } else {
        out.push_str("<table>\n<thead><tr><th>#</th><th>Claim</th><th>Stance</th><th>Concept</th><th>Said by</th><th>Conditions</th><th>Layer</th></tr></thead>\n<tbody>\n");
        for (i, c) in d.claims.iter().enumerate() {
            let said: Vec<String> = c
                .speakers
                .iter()
                .map(|sp| describe::with_extra(describe::speaker(s, sp), text))
                .collect();
            let cond: Vec<String> = c
                .conditions
                .iter()
                .map(|co| describe::with_extra(describe::condition(co), text))
                .collect();
            let (stance, concept) = describe::codes(c);
            let _ = writeln!(
                out,
                "<tr><td>C{}</td><td class=\"q\" style=\"border-left-color:{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"q\" style=\"border-left-color:{condition_color}\">{}</td><td>{}</td></tr>",
                i + 1,
                claim_color.to_hex(),
                text(&c.mention.quote),
                text_or_nothing(stance),
                text_or_nothing(concept),
                said.join("<br>"),
                cond.join("<br>"),
                text(&c.mention.annotator)
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }

    let speaking: Vec<usize> = d
        .actors
        .iter()
        .filter(|a| a.claims > 0)
        .map(|a| a.actor)
        .collect();
    if !speaking.is_empty() {
        let mark = tint(claim_color, 0.35);
        out.push_str("<h4>Who says which claim</h4>\n<table>\n<thead><tr><th>Actor</th>");
        for c in 1..=d.claims.len() {
            let _ = write!(out, "<th class=\"c\">C{c}</th>");
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for actor in speaking {
            let _ = write!(
                out,
                "<tr><th>{}</th>",
                text(&describe::actor_name(s, actor))
            );
            for c in 0..d.claims.len() {
                if d.says(actor, c) {
                    let _ = write!(
                        out,
                        "<td class=\"c\" style=\"background:{};color:{}\">●</td>",
                        mark.to_hex(),
                        ink(mark)
                    );
                } else {
                    out.push_str("<td class=\"c\"></td>");
                }
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n");
    }

    out.push_str("<h4>Left unlinked</h4>\n");
    let mut items = Vec::new();
    for (i, c) in d.claims.iter().enumerate() {
        if c.speakers.is_empty() {
            items.push(format!(
                "Claim with no speaker: C{} “{}” ({})",
                i + 1,
                text(&c.mention.quote),
                text(&c.mention.annotator)
            ));
        }
    }
    for m in &d.unattached_conditions {
        items.push(format!(
            "Condition attached to no claim: “{}” ({})",
            text(&m.quote),
            text(&m.annotator)
        ));
    }
    let silent: Vec<String> = d
        .silent_actors()
        .map(|a| text(&describe::actor_name(s, a.actor)))
        .collect();
    if !silent.is_empty() {
        items.push(format!("Actors who say nothing: {}", silent.join(", ")));
    }
    if items.is_empty() {
        out.push_str("<p>Nothing is left unlinked.</p>\n");
    } else {
        out.push_str("<ul>\n");
        for item in items {
            let _ = writeln!(out, "<li>{item}</li>");
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</article>\n");
}
