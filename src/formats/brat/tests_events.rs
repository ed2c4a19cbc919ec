//! Tests of brat events: each `E` line an event of its own (triggers shared or not), roles
//! as written, events as arguments of events, through an import, an export and an import
//! again; and `N` lines as brat writes and reads them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::formats::{
    Export, ExportOptions, Format, ImportOptions, LayerChoice, export, plan_import, read, write,
};
use crate::model::{Annotation, Project};

fn fixtures(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn options() -> ImportOptions {
    ImportOptions {
        annotator: Some("brat".into()),
        fallback_annotator: "brat".into(),
        skip_invalid: false,
        now: jiff::Timestamp::UNIX_EPOCH,
    }
}

/// Imports `inputs` into `p`, requiring no problems; the import report's text.
fn import_into(p: &mut Project, inputs: &[PathBuf]) -> crate::formats::ImportReport {
    let incoming = read(Format::Brat, inputs).expect("brat reads");
    assert_eq!(incoming.problems, [], "problems reading {inputs:?}");
    let plan = plan_import(p, incoming, &options()).expect("plan");
    plan.edit.apply(p).expect("applies");
    plan.report
}

fn export_to(p: &Project, dir: &Path) -> PathBuf {
    let options = ExportOptions {
        layer: LayerChoice::One("brat".into()),
        documents: None,
    };
    let mut e: Export = export(p, Format::Brat, &options, &mut |_, _| {}).expect("export");
    let out = dir.join("brat");
    write(&out, &mut e, &crate::formats::Protected::default()).expect("written");
    out
}

/// An argument or event as a fact without ids: a `T` by its type, offsets and text; an `E` by
/// its type, its trigger's offsets and text, and its (role, argument) pairs, sorted.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Fact {
    Text(String, String, String),
    Event(String, Box<Fact>, Vec<(String, Fact)>),
    Missing(String),
}

/// The events of every `.ann` file of `dir` as facts, by file stem (lower case, `_` as `-`:
/// the export names files by document id). Parsed by hand, as brat's `annotation.py` splits
/// the lines.
fn event_facts(dir: &Path) -> BTreeMap<String, Vec<Fact>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("folder") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("ann") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("ann");
        let lines: BTreeMap<&str, Vec<&str>> = text
            .lines()
            .filter_map(|l| {
                let mut parts = l.splitn(3, '\t');
                let id = parts.next()?;
                let data = parts.next()?;
                let tail = parts.next().unwrap_or_default();
                let mut fields: Vec<&str> = data.split(' ').collect();
                fields.push(tail);
                Some((id, fields))
            })
            .collect();
        fn fact(lines: &BTreeMap<&str, Vec<&str>>, id: &str, depth: usize) -> Fact {
            let Some(fields) = lines.get(id) else {
                return Fact::Missing(id.into());
            };
            if id.starts_with('T') {
                let n = fields.len();
                return Fact::Text(
                    fields[0].into(),
                    fields[1..n - 1].join(" "),
                    fields[n - 1].into(),
                );
            }
            let (kind, trigger) = fields[0].split_once(':').expect("TYPE:TRIGGER");
            let mut args: Vec<(String, Fact)> = fields[1..]
                .iter()
                .filter(|a| !a.is_empty())
                .map(|a| {
                    let (role, arg) = a.split_once(':').expect("ROLE:ID");
                    let arg = if depth < 5 {
                        fact(lines, arg, depth + 1)
                    } else {
                        Fact::Missing(arg.into())
                    };
                    (role.to_owned(), arg)
                })
                .collect();
            args.sort();
            Fact::Event(kind.into(), Box::new(fact(lines, trigger, depth)), args)
        }
        let mut events: Vec<Fact> = lines
            .keys()
            .filter(|id| id.starts_with('E'))
            .map(|id| fact(&lines, id, 0))
            .collect();
        events.sort();
        let stem = path.file_stem().expect("stem").to_string_lossy();
        out.insert(stem.to_lowercase().replace('_', "-"), events);
    }
    out
}

fn at<'p>(p: &'p Project, doc: &str, quote: &str) -> Vec<&'p Annotation> {
    p.annotations
        .values()
        .filter(|a| a.doc.as_str() == doc && a.quote == quote)
        .collect()
}

/// (role label, argument quote) of the links out of `a`, sorted.
fn roles(p: &Project, a: &Annotation) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = p
        .relations
        .values()
        .filter(|r| r.from == a.id)
        .map(|r| {
            let label = p.schema.relation(&r.kind).map_or("?", |k| k.label.as_str());
            (label.to_owned(), p.annotations[&r.to].quote.clone())
        })
        .collect();
    v.sort();
    v
}

/// The lines of a brat folder of one kind (`E`, `T` …), over all its `.ann` files.
fn count_lines(dir: &Path, kind: char) -> usize {
    std::fs::read_dir(dir)
        .expect("folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("ann"))
        .map(|p| {
            std::fs::read_to_string(p)
                .expect("ann")
                .lines()
                .filter(|l| l.starts_with(kind))
                .count()
        })
        .sum()
}

#[test]
fn every_e_line_of_brats_bio_tutorial_is_an_event_with_its_roles_as_written() {
    let mut p = Project::new("x");
    let report = import_into(&mut p, &[fixtures("brat-bio")]);
    assert_eq!(report.already_there, 0, "{}", report.to_text());
    // 080: E2 Binding:T8 Theme:T2 Theme2:T3 and E3 Binding:T9 Theme:T4 Theme2:T5 Theme3:T6.
    let doc = "080-event-annotation";
    let binds = at(&p, doc, "binds");
    assert_eq!(binds.len(), 1);
    assert_eq!(
        roles(&p, binds[0]),
        [
            ("Theme".into(), "Foxp3".into()),
            ("Theme2".into(), "Tax".into())
        ]
    );
    let bind = at(&p, doc, "bind");
    assert_eq!(
        roles(&p, bind[0]),
        [
            ("Theme".into(), "IL-10".into()),
            ("Theme2".into(), "IL-10R1".into()),
            ("Theme3".into(), "IL-10R2".into())
        ]
    );
    // 090: E2 Positive_regulation:T4 Cause:T1 Theme:E1, E1 Gene_expression:T3 Theme:T2: the
    // theme is the event E1 (with its own theme), not merely the word "expression".
    let doc = "090-event_structures";
    let up = at(&p, doc, "upregulates");
    let theme = p
        .relations
        .values()
        .find(|r| r.from == up[0].id && r.kind.as_str() == "Theme")
        .map(|r| &p.annotations[&r.to])
        .expect("a theme");
    assert_eq!(theme.quote, "expression");
    assert_eq!(roles(&p, theme), [("Theme".into(), "IL-10".into())]);
    // E6 Negative_regulation:T10 Cause:E3 Theme:E5, E5 Positive_regulation:T9 Theme:E4.
    let inhibited = at(&p, doc, "inhibited");
    assert_eq!(
        roles(&p, inhibited[0]),
        [
            ("Cause".into(), "Expression".into()),
            ("Theme".into(), "upregulation".into())
        ]
    );
    // One annotation per E line, none for the triggers they stand on.
    let dir = fixtures("brat-bio");
    let triggers = count_lines(&dir, 'E');
    assert_eq!(
        p.annotations.len(),
        count_lines(&dir, 'T') - distinct_triggers(&dir) + triggers
    );
}

/// The `T` lines that some `E` line names as its trigger, over the folder.
fn distinct_triggers(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .expect("folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("ann"))
        .map(|p| {
            let text = std::fs::read_to_string(p).expect("ann");
            text.lines()
                .filter(|l| l.starts_with('E'))
                .filter_map(|l| l.split('\t').nth(1)?.split(' ').next()?.split(':').nth(1))
                .map(str::to_owned)
                .collect::<BTreeSet<_>>()
                .len()
        })
        .sum()
}

#[test]
fn brats_events_come_back_as_events_after_an_export() {
    for folder in ["brat-bio", "brat-news", "dkpro-brat"] {
        let mut p = Project::new("x");
        import_into(&mut p, &[fixtures(folder)]);
        let dir = tempfile::tempdir().expect("tempdir");
        let out = export_to(&p, dir.path());
        let before = event_facts(&fixtures(folder));
        assert!(before.values().map(Vec::len).sum::<usize>() > 0, "{folder}");
        assert_eq!(event_facts(&out), before, "{folder}");
        // The corpus's rules are all written back, as they were.
        if let Ok(kept) = std::fs::read_to_string(fixtures(folder).join("annotation.conf")) {
            let conf = std::fs::read_to_string(out.join("annotation.conf")).expect("conf");
            let written: BTreeSet<&str> = conf.lines().map(str::trim).collect();
            for rule in kept.lines().map(str::trim) {
                let rule = rule.split(" #").next().unwrap_or(rule);
                assert!(
                    written.contains(rule),
                    "{folder}: {rule:?} missing in\n{conf}"
                );
            }
        }
        // And in again: the same spans and events with the same roles, nothing new.
        let mut q = Project::new("y");
        import_into(&mut q, std::slice::from_ref(&out));
        let facts = |p: &Project| {
            let mut v: Vec<_> = p
                .annotations
                .values()
                .map(|a| {
                    let label = p.schema.tag(&a.tag).map_or("?", |t| t.label.as_str());
                    (
                        label.to_owned(),
                        a.quote.clone(),
                        a.fragments.clone(),
                        roles(p, a),
                    )
                })
                .collect();
            v.sort();
            v
        };
        assert_eq!(facts(&q), facts(&p), "{folder}");
        assert_eq!(q.relations.len(), p.relations.len(), "{folder}");
        let again = import_into(&mut q, &[out]);
        assert_eq!((again.annotations, again.relations), (0, 0), "{folder}");
    }
}

/// The text of brat-bio's `090-event_structures` with distinct events that share a trigger,
/// as the BioNLP GE corpus has them (`E1` and `E2` on `T4`), and the bio tutorial's
/// `annotation.conf`.
fn shared_trigger_folder(text: &str, ann: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("doc.txt"), text).expect("txt");
    std::fs::write(dir.path().join("doc.ann"), ann).expect("ann");
    std::fs::copy(
        fixtures("brat-bio").join("annotation.conf"),
        dir.path().join("annotation.conf"),
    )
    .expect("conf");
    dir
}

#[test]
fn distinct_events_on_one_trigger_keep_all_their_arguments() {
    // GE-style: "inhibited" is the trigger of two regulations, one per theme.
    let text = std::fs::read_to_string(fixtures("brat-bio").join("090-event_structures.txt"))
        .expect("text");
    let ann = "T1\tProtein 469 478\tIkB-alpha\nT2\tProtein 509 515\tVCAM-1\n\
               T3\tNegative_regulation 479 488\tinhibited\n\
               E1\tNegative_regulation:T3 Theme:T1\nE2\tNegative_regulation:T3 Theme:T2\n\
               E3\tNegative_regulation:T3 Theme:T2 Cause:E1\nA1\tNegation E2\n\
               #1\tAnnotatorNotes T3\ton the trigger\n";
    let dir = shared_trigger_folder(&text, ann);
    let mut p = Project::new("x");
    let report = import_into(&mut p, &[dir.path().to_path_buf()]);
    assert_eq!((report.annotations, report.relations), (5, 4));
    assert_eq!(report.already_there, 0, "{}", report.to_text());
    assert!(!report.to_text().contains("already in the project"));
    let events = at(&p, "doc", "inhibited");
    assert_eq!(events.len(), 3);
    let mut seen: Vec<Vec<(String, String)>> = events.iter().map(|a| roles(&p, a)).collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            vec![
                ("Cause".into(), "inhibited".into()),
                ("Theme".into(), "VCAM-1".into())
            ],
            vec![("Theme".into(), "IkB-alpha".into())],
            vec![("Theme".into(), "VCAM-1".into())],
        ]
    );
    // A note on the trigger is on its first event, and the report says so.
    let noted: Vec<Vec<(String, String)>> = events
        .iter()
        .filter(|a| a.note == "on the trigger")
        .map(|a| roles(&p, a))
        .collect();
    assert_eq!(noted, [vec![("Theme".to_owned(), "IkB-alpha".to_owned())]]);
    assert!(
        report
            .to_text()
            .contains("taken as naming its first event: 1"),
        "{}",
        report.to_text()
    );
    // The attribute is on E2's event only.
    let negated: Vec<Vec<(String, String)>> = events
        .iter()
        .filter(|a| !a.values.is_empty())
        .map(|a| roles(&p, a))
        .collect();
    assert_eq!(negated, [vec![("Theme".to_owned(), "VCAM-1".to_owned())]]);
    // A second import matches each event to its own: nothing new.
    let again = import_into(&mut p, &[dir.path().to_path_buf()]);
    assert_eq!((again.annotations, again.relations), (0, 0));
    assert_eq!(again.already_there, 9);
    // The export writes one T line for the trigger and the three E lines on it.
    let out = tempfile::tempdir().expect("tempdir");
    let brat = export_to(&p, out.path());
    let written = std::fs::read_to_string(brat.join("doc.ann")).expect("ann");
    let triggers = written
        .lines()
        .filter(|l| l.contains("\tNegative_regulation 479 488\t"))
        .count();
    assert_eq!(triggers, 1, "{written}");
    assert_eq!(event_facts(&brat), event_facts(dir.path()));
    assert!(written.contains("\tNegation E"), "{written}");
}

#[test]
fn events_on_emoji_cjk_and_combining_text_keep_their_offsets() {
    // Code points: the flag is two, the woman technologist with a skin tone five, "é" is
    // "e" and a combining acute.
    let text = "🇫🇷 Zoe\u{301} 👩🏽‍💻 binds 北京蛋白 and ТАУ\u{301}.\n";
    let char_at = |needle: &str| text[..text.find(needle).expect("in text")].chars().count();
    let span = |needle: &str| {
        let s = char_at(needle);
        format!("{s} {}\t{needle}", s + needle.chars().count())
    };
    let ann = format!(
        "T1\tProtein {}\nT2\tProtein {}\nT3\tBinding {}\nE1\tBinding:T3 Theme:T1 Theme2:T2\n\
         T4\tProtein {}\nE2\tBinding:T3 Theme:T4\n",
        span("北京蛋白"),
        span("ТАУ\u{301}"),
        span("binds"),
        span("Zoe\u{301}"),
    );
    let dir = shared_trigger_folder(text, &ann);
    let mut p = Project::new("x");
    import_into(&mut p, &[dir.path().to_path_buf()]);
    let events = at(&p, "doc", "binds");
    assert_eq!(events.len(), 2);
    assert!(at(&p, "doc", "ТАУ\u{301}").len() == 1 && at(&p, "doc", "Zoe\u{301}").len() == 1);
    let out = tempfile::tempdir().expect("tempdir");
    let brat = export_to(&p, out.path());
    assert_eq!(event_facts(&brat), event_facts(dir.path()));
    let mut q = Project::new("y");
    import_into(&mut q, &[brat]);
    let quotes = |p: &Project| {
        p.annotations
            .values()
            .map(|a| a.quote.clone())
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(quotes(&q), quotes(&p));
    assert_eq!(q.relations.len(), 3);
}

#[test]
fn n_lines_have_one_tab_before_the_name_and_brats_own_two_tabs_read_the_same() {
    // brat's documented form, and what its server writes after an edit: `annotator.py` gives
    // the tail as "\t" + name and `NormalizationAnnotation.__str__` adds a tab before it.
    let p = crate::formats::fixture::project();
    let options = ExportOptions {
        layer: LayerChoice::One("ana".into()),
        documents: None,
    };
    let e = export(&p, Format::Brat, &options, &mut |_, _| {}).expect("export");
    let n_lines: Vec<&str> = e
        .files
        .iter()
        .filter(|f| matches!(&f.place, crate::formats::OutPlace::Inside(n) if n.ends_with(".ann")))
        .flat_map(|f| f.text.lines())
        .filter(|l| l.starts_with('N'))
        .collect();
    assert!(!n_lines.is_empty());
    for line in &n_lines {
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(fields.len(), 3, "{line:?}");
        assert!(!fields[2].is_empty(), "{line:?}");
    }
    let text = "Barack Obama spoke.\n";
    for tabs in ["\t", "\t\t"] {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("d.txt"), text).expect("txt");
        let ann = format!(
            "T1\tPerson 0 12\tBarack Obama\nN1\tReference T1 Wikipedia:534366{tabs}Barack Obama\n"
        );
        std::fs::write(dir.path().join("d.ann"), ann).expect("ann");
        let mut q = Project::new("x");
        import_into(&mut q, &[dir.path().to_path_buf()]);
        let names: Vec<&str> = q.entities.values().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["Barack Obama"], "{tabs:?}");
    }
}

#[test]
fn the_kept_annotation_conf_is_written_back_with_only_what_the_data_adds() {
    // brat-bio's conf gives Negative_regulation a Theme and a Cause; this event has a Site.
    let text = std::fs::read_to_string(fixtures("brat-bio").join("090-event_structures.txt"))
        .expect("text");
    let ann = "T1\tProtein 469 478\tIkB-alpha\nT2\tProtein 509 515\tVCAM-1\n\
               T3\tNegative_regulation 479 488\tinhibited\nE1\tNegative_regulation:T3 Theme:T1 Site:T2\n";
    let dir = shared_trigger_folder(&text, ann);
    let mut p = Project::new("x");
    import_into(&mut p, &[dir.path().to_path_buf()]);
    let out = tempfile::tempdir().expect("tempdir");
    let brat = export_to(&p, out.path());
    let conf = std::fs::read_to_string(brat.join("annotation.conf")).expect("conf");
    let kept = std::fs::read_to_string(dir.path().join("annotation.conf")).expect("conf");
    // Every rule kept (sections in brat's usual order); the event's line gains the role it
    // lacked.
    let rules = |s: &str| -> Vec<String> {
        s.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_owned)
            .collect()
    };
    let written = rules(&conf);
    for rule in rules(&kept) {
        let want = if rule.starts_with("Negative_regulation") {
            format!("{rule}, Site*:Protein")
        } else {
            rule
        };
        assert!(written.contains(&want), "{want:?} missing in\n{conf}");
    }
    // Spans do not overlap here: no overlap rule is added to the kept ones.
    assert!(!conf.contains("<OVERLAP>"), "{conf}");
    assert_eq!(event_facts(&brat), event_facts(dir.path()));
}

#[test]
fn events_that_name_nothing_are_problems_by_file_and_line() {
    let text = std::fs::read_to_string(fixtures("brat-bio").join("090-event_structures.txt"))
        .expect("text");
    let ann = "T1\tProtein 469 478\tIkB-alpha\nT3\tNegative_regulation 479 488\tinhibited\n\
               E1\tNegative_regulation:T9 Theme:T1\nE2\tNegative_regulation:T3 Theme:E7\n\
               E3\tGene_expression:T3 Theme:T1\nE4\tNegative_regulation:T3 Theme:T1 Cause:E3\n";
    let dir = shared_trigger_folder(&text, ann);
    let incoming = read(Format::Brat, &[dir.path().to_path_buf()]).expect("reads");
    let file = dir.path().join("doc.ann");
    let found: Vec<(Option<usize>, bool)> = incoming
        .problems
        .iter()
        .map(|p| (p.place.line, p.place.file == file))
        .collect();
    // E1's trigger, E2's argument, E3's type (not its trigger's), E4's argument E3 (refused).
    assert_eq!(
        found,
        [
            (Some(3), true),
            (Some(4), true),
            (Some(5), true),
            (Some(6), true)
        ],
        "{:?}",
        incoming.problems
    );
    assert!(incoming.problems[0].message.contains("T9"));
    assert!(incoming.problems[1].message.contains("E7"));
    let p = Project::new("x");
    assert!(plan_import(&p, incoming, &options()).is_err());
}
