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
    assert!(r.fields_not_carried.is_empty());
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
            10,
            "{line:?}: 3 + 4 span + 2 relation columns, each tab-ended"
        );
        assert_eq!(cols[9], "");
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
    assert_eq!(si[7], "conditional\\_on");
    assert!(si[8].starts_with("1-7["), "{si:?}");
    let macron: Vec<String> = line("Macron").split('\t').map(str::to_owned).collect();
    assert_eq!(macron[4], "Emmanuel Macron");
    assert_eq!(
        macron[5],
        "French president\\; \"quoted\" twice,\\nsee line 2"
    );
    assert_eq!(macron[7], "said\\_by");
    assert!(macron[8].starts_with("1-7["));
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
