//! The summary as GitHub-flavoured Markdown.
//!
//! Every piece of user text goes through [`inline`] (headings, list items) or [`cell`] (table
//! cells): Markdown's active characters are backslash-escaped, so a quote with `*`, `|`, `<`
//! or `$` shows as written; line breaks become `<br>` in cells and spaces elsewhere.

use std::fmt::Write as _;

use super::{DocSummary, STATUSES, Summary, describe};

/// Characters that GitHub-flavoured Markdown may read as markup anywhere in a line (`$` starts
/// maths on GitHub). Escaping any ASCII punctuation with a backslash is always allowed.
const ACTIVE: &[char] = &[
    '\\', '`', '*', '_', '[', ']', '<', '>', '|', '~', '&', '$', '#', '!',
];

/// `text` escaped for running text: markup characters escaped, line breaks made spaces.
pub(super) fn inline(text: &str) -> String {
    escape(text, " ")
}

/// `text` escaped for a table cell: markup characters (the column bar included) escaped, line
/// breaks made `<br>`.
pub(super) fn cell(text: &str) -> String {
    escape(text, "<br>")
}

fn escape(text: &str, line_break: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str(line_break);
            }
            '\n' | '\u{85}' | '\u{2028}' | '\u{2029}' => out.push_str(line_break),
            c if ACTIVE.contains(&c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// One table row from already escaped cells.
fn row(out: &mut String, cells: &[String]) {
    let _ = writeln!(out, "| {} |", cells.join(" | "));
}

/// The summary as Markdown.
pub(super) fn render(s: &Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Summary of {}\n", inline(&s.project));
    let layers = if s.layers.is_empty() {
        "none".to_owned()
    } else {
        s.layers
            .iter()
            .map(|l| inline(l))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(
        out,
        "Layers: {layers}. {} articles, {} annotations, {} relations.\n",
        s.documents.len(),
        s.annotations,
        s.relations
    );
    let _ = writeln!(out, "{}\n", describe::rules(s));

    out.push_str("## Tags\n\n| Tag | Annotations |\n| --- | ---: |\n");
    for t in &s.tags {
        row(&mut out, &[cell(&t.label), t.count.to_string()]);
    }

    out.push_str("\n## Who\n\n");
    if s.actors.is_empty() {
        out.push_str("No actors are tagged.\n");
    } else {
        out.push_str("| Actor | Kind | Mentions | Claims | Articles | Spellings |\n");
        out.push_str("| --- | --- | ---: | ---: | ---: | --- |\n");
        for a in &s.actors {
            row(
                &mut out,
                &[
                    cell(&a.name),
                    describe::kind(a).to_owned(),
                    a.mentions.to_string(),
                    a.claims.to_string(),
                    a.documents.len().to_string(),
                    cell(&a.spellings.join("; ")),
                ],
            );
        }
    }

    out.push_str("\n## Who claims in which article\n\n");
    overview(&mut out, s);

    out.push_str("\n## Concepts\n\n");
    concepts(&mut out, s);

    out.push_str("\n## Actors × concepts\n\n");
    stands(&mut out, s);

    out.push_str("\n## Strongest ties\n\n");
    ties(&mut out, s);

    out.push_str("\n## Left unlinked\n\n");
    let silent: Vec<String> = s
        .silent_actors()
        .iter()
        .filter_map(|&i| s.actors.get(i).map(|a| inline(&a.name)))
        .collect();
    let _ = writeln!(
        out,
        "- Claims with no speaker: {}",
        s.claims_without_speaker()
    );
    let _ = writeln!(
        out,
        "- Conditions attached to no claim: {}",
        s.unattached_conditions()
    );
    let _ = writeln!(
        out,
        "- Actors who say nothing: {}{}",
        silent.len(),
        if silent.is_empty() {
            String::new()
        } else {
            format!(" ({})", silent.join(", "))
        }
    );

    out.push_str("\n## Progress\n\n| Annotator |");
    for status in STATUSES {
        let _ = write!(out, " {} |", describe::capitalised(status.label()));
    }
    out.push_str(" Annotations | Relations |\n| --- |");
    out.push_str(&" ---: |".repeat(STATUSES.len() + 2));
    out.push('\n');
    for p in &s.progress {
        let mut cells = vec![cell(&p.annotator)];
        cells.extend(
            STATUSES
                .iter()
                .map(|st| p.documents.get(st).copied().unwrap_or(0).to_string()),
        );
        cells.push(p.annotations.to_string());
        cells.push(p.relations.to_string());
        row(&mut out, &cells);
    }

    out.push_str("\n## Articles\n");
    super::articles(&mut out, s, article);
    out
}

/// Each concept with the actors for and against it.
fn concepts(out: &mut String, s: &Summary) {
    if s.concepts.is_empty() {
        out.push_str("No claim is coded with a concept.\n");
        return;
    }
    let _ = writeln!(out, "{}\n", describe::CONCEPTS);
    row(out, &describe::CONCEPT_COLUMNS.map(str::to_owned));
    out.push_str("| --- | ---: | --- | --- | --- |\n");
    for c in &s.concepts {
        let side = |list| {
            describe::side(s, list)
                .iter()
                .map(|n| cell(n))
                .collect::<Vec<_>>()
                .join("; ")
        };
        row(
            out,
            &[
                cell(&c.concept.label),
                c.claims.to_string(),
                side(&c.supporters),
                side(&c.opponents),
                side(&c.neutral),
            ],
        );
    }
}

/// The actors × concepts table: each actor's claims on each concept, by stance.
fn stands(out: &mut String, s: &Summary) {
    if s.stands.is_empty() {
        out.push_str("No claim coded with a concept has a speaker.\n");
        return;
    }
    let _ = writeln!(out, "{}\n", describe::STANDS);
    let (rows, cells) = describe::stand_rows(s);
    let mut head = vec!["Actor".to_owned()];
    head.extend(s.concepts.iter().map(|c| cell(&c.concept.label)));
    row(out, &head);
    out.push_str("| --- |");
    out.push_str(&" --- |".repeat(s.concepts.len()));
    out.push('\n');
    for a in rows {
        let mut line = vec![cell(&describe::actor_name(s, a))];
        line.extend((0..s.concepts.len()).map(|c| cells.get(&(a, c)).cloned().unwrap_or_default()));
        row(out, &line);
    }
}

/// The strongest agreements and conflicts, each with the claims it rests on.
fn ties(out: &mut String, s: &Summary) {
    if s.stands.is_empty() {
        out.push_str("No claim coded with a concept has a speaker.\n");
        return;
    }
    let _ = writeln!(out, "{}\n", describe::TIES);
    let claims = describe::claims_by_id(s);
    for (title, list) in [("Agreeing", &s.agreements), ("In conflict", &s.conflicts)] {
        let _ = writeln!(out, "### {title}\n");
        if list.is_empty() {
            out.push_str("None.\n\n");
            continue;
        }
        for (n, tie) in list.iter().enumerate() {
            let (concepts, quoted, more) = describe::tie_parts(s, &claims, tie);
            let quotes: Vec<String> = quoted
                .iter()
                .map(|(q, who)| format!("“{}” ({})", inline(q), inline(who)))
                .collect();
            let _ = writeln!(
                out,
                "{}. **{}** and **{}**: {}, on {}. {}{}",
                n + 1,
                inline(&describe::actor_name(s, tie.a)),
                inline(&describe::actor_name(s, tie.b)),
                tie.weight,
                inline(&concepts.join(", ")),
                quotes.join("; "),
                describe::more_claims(more)
            );
        }
        out.push('\n');
    }
    // One blank line before the next section, as after every other.
    while out.ends_with("\n\n") {
        out.pop();
    }
}

/// The actors × articles table of claim counts (speaking actors only).
fn overview(out: &mut String, s: &Summary) {
    let speaking: Vec<usize> = (0..s.actors.len())
        .filter(|&i| s.actors.get(i).is_some_and(|a| a.claims > 0))
        .collect();
    if speaking.is_empty() || s.documents.is_empty() {
        out.push_str("No actor is linked to a claim.\n");
        return;
    }
    out.push_str("Claims each actor makes in each article (· for none).\n\n");
    let mut head = vec!["Actor".to_owned()];
    head.extend(s.documents.iter().map(|d| cell(d.id.as_str())));
    head.push("All".to_owned());
    row(out, &head);
    let _ = writeln!(out, "| --- |{}", " ---: |".repeat(s.documents.len() + 1));
    for &i in &speaking {
        let Some(actor) = s.actors.get(i) else {
            continue;
        };
        let mut cells = vec![cell(&actor.name)];
        cells.extend((0..s.documents.len()).map(|d| match s.claims_in(i, d) {
            0 => "·".to_owned(),
            n => n.to_string(),
        }));
        cells.push(actor.claims.to_string());
        row(out, &cells);
    }
}

/// One article: tags, who, what is claimed, who says which claim, what is left unlinked.
fn article(out: &mut String, s: &Summary, n: usize, d: &DocSummary) {
    let _ = writeln!(out, "\n### {n}. {}\n", inline(&d.title));
    let mut facts = vec![format!("Article {}", inline(d.id.as_str()))];
    facts.extend(d.source.iter().map(|x| format!("source: {}", inline(x))));
    facts.extend(
        d.published
            .iter()
            .map(|x| format!("published: {}", inline(x))),
    );
    let tags: Vec<String> = d
        .tags
        .iter()
        .filter(|t| t.count > 0)
        .map(|t| format!("{} {}", inline(&t.label), t.count))
        .collect();
    let tags = if tags.is_empty() {
        "No annotations.".to_owned()
    } else {
        format!("Tags: {}.", tags.join(", "))
    };
    let _ = writeln!(out, "{}. {tags}", facts.join("; "));

    out.push_str("\n#### Who\n\n");
    if d.actors.is_empty() {
        out.push_str("No actors are tagged.\n");
    } else {
        out.push_str("| Actor | Mentions | Claims |\n| --- | ---: | ---: |\n");
        for a in &d.actors {
            row(
                out,
                &[
                    cell(&describe::actor_name(s, a.actor)),
                    a.mentions.to_string(),
                    a.claims.to_string(),
                ],
            );
        }
    }

    out.push_str("\n#### What is claimed\n\n");
    if d.claims.is_empty() {
        out.push_str("No claims are tagged.\n");
    } else {
        out.push_str("| # | Claim | Stance | Concept | Said by | Conditions | Layer |\n");
        out.push_str("| --- | --- | --- | --- | --- | --- | --- |\n");
        for (i, c) in d.claims.iter().enumerate() {
            let said: Vec<String> = c
                .speakers
                .iter()
                .map(|sp| describe::with_extra(describe::speaker(s, sp), cell))
                .collect();
            let cond: Vec<String> = c
                .conditions
                .iter()
                .map(|co| describe::with_extra(describe::condition(co), cell))
                .collect();
            let (stance, concept) = describe::codes(c);
            row(
                out,
                &[
                    format!("C{}", i + 1),
                    cell(&c.mention.quote),
                    cell(stance),
                    cell(concept),
                    said.join("; "),
                    cond.join("; "),
                    cell(&c.mention.annotator),
                ],
            );
        }
    }

    let speaking: Vec<usize> = d
        .actors
        .iter()
        .filter(|a| a.claims > 0)
        .map(|a| a.actor)
        .collect();
    if !speaking.is_empty() {
        out.push_str("\n#### Who says which claim\n\n");
        let mut head = vec!["Actor".to_owned()];
        head.extend((1..=d.claims.len()).map(|i| format!("C{i}")));
        row(out, &head);
        let _ = writeln!(out, "| --- |{}", " :---: |".repeat(d.claims.len()));
        for actor in speaking {
            let mut cells = vec![cell(&describe::actor_name(s, actor))];
            cells.extend((0..d.claims.len()).map(|c| {
                if d.says(actor, c) {
                    "●".to_owned()
                } else {
                    String::new()
                }
            }));
            row(out, &cells);
        }
    }

    out.push_str("\n#### Left unlinked\n\n");
    let mut any = false;
    for (i, c) in d.claims.iter().enumerate() {
        if c.speakers.is_empty() {
            any = true;
            let _ = writeln!(
                out,
                "- Claim with no speaker: C{} “{}” ({})",
                i + 1,
                inline(&c.mention.quote),
                inline(&c.mention.annotator)
            );
        }
    }
    for m in &d.unattached_conditions {
        any = true;
        let _ = writeln!(
            out,
            "- Condition attached to no claim: “{}” ({})",
            inline(&m.quote),
            inline(&m.annotator)
        );
    }
    let silent: Vec<String> = d
        .silent_actors()
        .map(|a| inline(&describe::actor_name(s, a.actor)))
        .collect();
    if !silent.is_empty() {
        any = true;
        let _ = writeln!(out, "- Actors who say nothing: {}", silent.join(", "));
    }
    if !any {
        out.push_str("Nothing is left unlinked.\n");
    }
}
