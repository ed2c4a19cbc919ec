use std::collections::BTreeMap;

use super::{escape_text, escape_value};
use crate::formats::{
    Export, ExportOptions, Format, LayerChoice, LossKind, OutPlace, export, fixture,
};
use crate::model::{AnnotationId, ByteOffset, Fragment, Project, TextIndex, quote_of};

fn export_ana(p: &Project) -> Export {
    export(
        p,
        Format::Webanno,
        &ExportOptions {
            layer: LayerChoice::One("ana".into()),
            documents: None,
        },
        &mut |_, _| {},
    )
    .expect("exports")
}

fn file<'e>(out: &'e Export, name: &str) -> &'e str {
    out.files
        .iter()
        .find(|f| f.place == OutPlace::Inside(name.into()))
        .map(|f| f.text.as_str())
        .unwrap_or_else(|| panic!("no {name}"))
}

#[test]
fn the_fixture_exports_as_one_golden_file_per_document() {
    let out = export_ana(&fixture::project());
    assert_eq!(out.files.len(), 2);
    fixture::golden("webanno/d1.tsv", file(&out, "d1.tsv"));
    fixture::golden("webanno/d2.tsv", file(&out, "d2.tsv"));
    let r = &out.report;
    assert_eq!((r.documents, r.annotations, r.relations), (2, 9, 3));
    assert_eq!(r.not_carried.len(), 1);
    assert_eq!(r.not_carried[0].id, "a-talks");
    assert_eq!(r.not_carried[0].kind, LossKind::Split { fragments: 2 });
    // The articles' metadata and the entities' details have no place in TSV, and are said.
    let left: Vec<(&str, usize)> = r
        .fields_not_carried
        .iter()
        .map(|(f, n)| (&**f, *n))
        .collect();
    assert_eq!(left, [("document title", 2), ("entity kind", 2)]);
}

/// Checks a TSV file against its text without a TSV reader: every token line's offsets are
/// its UTF-16 slice of the text, and each `[n]` id marks one run of consecutive token lines
/// that is exactly one fragment of the layer; every fragment over several tokens has one.
fn check_structure(tsv: &str, text: &str, fragments: &[(usize, usize, String)]) {
    let utf16: Vec<u16> = text.encode_utf16().collect();
    let mut tokens = Vec::new();
    let mut runs: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for line in tsv.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(
            cols.len(),
            13,
            "{line:?}: 3 + 4 span + the default stance and concept + 2 relation + its \
             reference columns, each tab-ended"
        );
        assert_eq!(cols[12], "");
        let (b, e) = cols[1].split_once('-').expect("begin-end");
        let (b, e): (usize, usize) = (b.parse().expect("begin"), e.parse().expect("end"));
        let slice = String::from_utf16(&utf16[b..e]).expect("whole characters");
        assert_eq!(slice, cols[2], "{line:?}");
        for value in cols[3].split('|').filter(|v| v.ends_with(']')) {
            runs.entry(value.to_owned()).or_default().push(tokens.len());
        }
        tokens.push((b, e));
    }
    for (value, lines) in &runs {
        assert!(
            lines.windows(2).all(|w| w[1] == w[0] + 1),
            "{value} is not on consecutive tokens"
        );
        let (start, end) = (tokens[lines[0]].0, tokens[lines[lines.len() - 1]].1);
        let label = value.split('[').next().expect("label");
        let stacked = fragments
            .iter()
            .any(|f| (f.0, f.1, f.2.as_str()) == (start, end, label));
        assert!(
            stacked,
            "{value} covers {start}-{end}, which is no {label} fragment"
        );
    }
    for (start, end, label) in fragments {
        let inside = tokens
            .iter()
            .filter(|t| t.0 >= *start && t.1 <= *end)
            .count();
        if inside > 1 {
            let found = runs.iter().any(|(v, l)| {
                v.starts_with(&format!("{label}["))
                    && (tokens[l[0]].0, tokens[l[l.len() - 1]].1) == (*start, *end)
            });
            assert!(
                found,
                "{label} {start}-{end} spans {inside} tokens without one [n] id"
            );
        }
    }
}

#[test]
fn token_offsets_are_utf16_and_multi_token_spans_share_one_id() {
    let p = fixture::project();
    let out = export_ana(&p);
    for doc in &p.documents {
        let index = TextIndex::new(&doc.text);
        let fragments: Vec<(usize, usize, String)> = p
            .annotations
            .values()
            .filter(|a| a.doc == doc.id && a.annotator == "ana")
            .flat_map(|a| {
                a.fragments.iter().map(|f| {
                    let u = |b| index.byte_to_utf16(b).expect("boundary").0;
                    (u(f.start), u(f.end), a.tag.to_string())
                })
            })
            .collect();
        check_structure(
            file(&out, &format!("{}.tsv", doc.id)),
            &doc.text,
            &fragments,
        );
    }
}

#[test]
fn nested_spans_are_stacked_with_ids_and_relations_name_both_ends() {
    let out = export_ana(&fixture::project());
    let d1 = file(&out, "d1.tsv");
    let line = |token: &str| {
        d1.lines()
            .find(|l| l.split('\t').nth(2) == Some(token))
            .unwrap_or_else(|| panic!("no {token}"))
            .to_owned()
    };
    // "la" carries the condition and, stacked on it, the nested actor.
    let la: Vec<String> = line("la").split('\t').map(str::to_owned).collect();
    assert!(
        la[3].starts_with("condition[") && la[3].contains("|actor["),
        "{la:?}"
    );
    // The claim is said by Macron and conditional on the condition: both relations sit on
    // the target's first token and point back at the claim's first token.
    let si: Vec<String> = line("si").split('\t').map(str::to_owned).collect();
    // Columns: 3 token, 6 span (label, entity, note, status, Stance, Concept), then the
    // link's label and note and its source.
    assert_eq!(si[9], "conditional\\_on");
    assert_eq!(si[10], "*", "no note");
    assert!(si[11].starts_with("1-7["), "{si:?}");
    let macron: Vec<String> = line("Macron").split('\t').map(str::to_owned).collect();
    assert_eq!(macron[4], "Emmanuel Macron");
    assert_eq!(
        macron[5],
        "French president\\; \"quoted\" twice,\\nsee line 2"
    );
    assert_eq!(macron[9], "said\\_by");
    assert!(macron[11].starts_with("1-7["));
}

#[test]
fn edges_in_white_space_and_spans_without_tokens_are_reported() {
    let mut p = fixture::project();
    let putin = p.annotations[&AnnotationId("a-putin".into())].clone();
    let text = p.documents[1].text.clone();
    for (id, range) in [("a-putin-space", 16..22), ("a-space", 21..22)] {
        let mut a = putin.clone();
        a.id = AnnotationId(id.into());
        a.fragments = vec![Fragment::new(
            ByteOffset(range.start)..ByteOffset(range.end),
        )];
        a.quote = quote_of(&text, &a.fragments).expect("fits");
        p.annotations.insert(a.id.clone(), a);
    }
    let out = export_ana(&p);
    let kinds: Vec<(&str, &LossKind)> = out
        .report
        .not_carried
        .iter()
        .map(|l| (l.id.as_str(), &l.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("a-talks", &LossKind::Split { fragments: 2 }),
            ("a-putin-space", &LossKind::Trimmed),
            ("a-space", &LossKind::NoToken),
        ]
    );
    // The trimmed span is stacked on "Putin" with the exact one.
    let putin_line = file(&out, "d2.tsv")
        .lines()
        .find(|l| l.contains("\tPutin\t"))
        .expect("Putin");
    assert!(putin_line.contains("actor[1]|actor[2]"), "{putin_line}");
}

#[test]
fn values_and_text_are_escaped_as_inception_does() {
    assert_eq!(
        escape_value("a_b|c[1]->*;\\\n\t-x"),
        "a\\_b\\|c\\[1\\]\\->\\*\\;\\\\\\n\\t-x"
    );
    assert_eq!(escape_text("a\tb\\c\r\u{1}é"), "a\\tb\\\\c\\r\\\u{1}é");
}

#[test]
fn a_fragment_of_white_space_alone_is_reported_as_left_out_not_as_a_split() {
    let mut p = fixture::project();
    let id = AnnotationId("a-macron".into());
    let text = p.documents[0].text.clone();
    let a = p.annotations.get_mut(&id).expect("in the fixture");
    // "Macron" plus the space after it as a second fragment.
    a.fragments = vec![
        Fragment::new(ByteOffset(0)..ByteOffset(6)),
        Fragment::new(ByteOffset(6)..ByteOffset(7)),
    ];
    a.quote = quote_of(&text, &a.fragments).expect("fits");
    a.note = "line one\r\nline two".into();
    let out = export_ana(&p);
    let loss = out
        .report
        .not_carried
        .iter()
        .find(|l| l.id == "a-macron")
        .expect("reported");
    assert_eq!(loss.kind, LossKind::Trimmed);
    assert_eq!(
        out.report.fields_not_carried.get("note line ends"),
        Some(&1)
    );
}

/// `s` with TSV3's value escapes undone (the reverse of [`escape_value`]).
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// A small TSV3 reader as INCEpTION's reads our files: the features of the span and link
/// layers by header name, and for each token its cells by feature name (stacked values split
/// at `|`, disambiguation ids cut off, values unescaped).
struct Parsed {
    span: Vec<String>,
    link: Vec<String>,
    /// token text → (feature → stacked values).
    tokens: Vec<(String, BTreeMap<String, Vec<String>>)>,
}

fn parse(tsv: &str) -> Parsed {
    let layer = |prefix: &str| -> Vec<String> {
        let line = tsv
            .lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix}"));
        line.split('|').skip(1).map(str::to_owned).collect()
    };
    let span = layer("#T_SP=webanno.custom.Marginalia|");
    let mut link = layer("#T_RL=webanno.custom.MarginaliaLink|");
    assert_eq!(
        link.pop().as_deref(),
        Some("BT_webanno.custom.Marginalia"),
        "the link layer ends with its base type"
    );
    let mut tokens = Vec::new();
    for line in tsv.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 3 + span.len() + link.len() + 1 + 1, "{line:?}");
        let mut cells = BTreeMap::new();
        let names = span
            .iter()
            .map(|n| format!("span:{n}"))
            .chain(link.iter().map(|n| format!("link:{n}")));
        for (name, cell) in names.zip(&cols[3..]) {
            if *cell == "_" {
                continue;
            }
            // Split at `|` not escaped (our test values have no backslash before one).
            let values = cell
                .split('|')
                .map(|v| {
                    unescape(
                        v.rsplit_once('[')
                            .filter(|(_, id)| id.ends_with(']'))
                            .map_or(v, |(v, _)| v),
                    )
                })
                .collect();
            cells.insert(name, values);
        }
        tokens.push((cols[2].to_owned(), cells));
    }
    Parsed { span, link, tokens }
}

#[test]
fn attribute_values_are_feature_columns_named_as_inception_names_them() {
    let p = crate::formats::labelstudio::tests::coded();
    let out = export_ana(&p);
    let d1 = file(&out, "d1.tsv");
    fixture::golden("webanno/coded-d1.tsv", d1);
    let parsed = parse(d1);
    assert_eq!(
        parsed.span,
        [
            "label", "entity", "note", "status", "Stance", "Concept", "Negated", "Intensit",
            "Comment", "Frames"
        ]
    );
    assert_eq!(parsed.link, ["label", "note", "Certain"]);
    let cells = |token: &str| {
        parsed
            .tokens
            .iter()
            .find(|(t, _)| t == token)
            .map(|(_, c)| c.clone())
            .unwrap_or_else(|| panic!("no {token}"))
    };
    let one = |c: &BTreeMap<String, Vec<String>>, name: &str| -> Vec<String> {
        c.get(name)
            .cloned()
            .unwrap_or_else(|| panic!("no {name} in {c:?}"))
    };
    // Every token of the claim carries its values.
    for token in ["les", "pourparlers", "commencer"] {
        let c = cells(token);
        assert_eq!(one(&c, "span:label"), ["claim"]);
        assert_eq!(one(&c, "span:Stance"), ["supports"]);
        assert_eq!(one(&c, "span:Concept"), ["Cessez-le-feu 🕊️"]);
        assert_eq!(one(&c, "span:Negated"), ["true"]);
        assert_eq!(one(&c, "span:Intensit"), ["-2"]);
        assert_eq!(one(&c, "span:Comment"), ["hedged — 慎重,\nZoe\u{301} 🤷🏽‍♀️"]);
        // Two frames at once have no place in one string feature.
        assert_eq!(one(&c, "span:Frames"), ["*"]);
    }
    // The condition has a concept and nothing else; a boolean feature is false when unset.
    let c = cells("si");
    assert_eq!(one(&c, "span:Concept"), ["和谈 talks"]);
    assert_eq!(one(&c, "span:Stance"), ["*"]);
    assert_eq!(one(&c, "span:Negated"), ["false"]);
    // Both fragments of the discontinuous claim carry its stance.
    for token in ["talks", "resume"] {
        let c = cells(token);
        assert_eq!(one(&c, "span:Stance"), ["opposes"], "{token}");
        assert_eq!(one(&c, "span:Intensit"), ["1"], "{token}");
    }
    // Links: the note and the flag sit beside the label on the target's first token.
    let c = cells("Macron");
    assert_eq!(one(&c, "link:label"), ["said_by"]);
    assert_eq!(one(&c, "link:note"), ["reported 🗞️"]);
    assert_eq!(one(&c, "link:Certain"), ["true"]);
    let c = cells("si");
    assert_eq!(one(&c, "link:label"), ["conditional_on"]);
    assert_eq!(one(&c, "link:note"), ["*"]);
    assert_eq!(one(&c, "link:Certain"), ["false"]);
    let r = &out.report;
    assert_eq!(
        r.fields_not_carried.get("attribute value"),
        Some(&1),
        "the two frames"
    );
    assert_eq!(r.fields_not_carried.get("link attribute value"), None);
    assert_eq!(r.fields_not_carried.get("link note"), None);
    assert_eq!(r.fields_not_carried.get("article variable"), Some(&5));
    assert_eq!(r.fields_not_carried.get("entity reference"), Some(&1));
}
