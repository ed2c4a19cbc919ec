//! Project-file tests: round trips, determinism, validation, damage, migration, re-anchoring.

use std::path::Path;

use jiff::Timestamp;

use super::*;
use crate::model::{
    AnnotationId, Document, Entity, EntityKind, Fragment, Project, ops, parse_marked,
};

const HARD: &str = "[actor|Zelensky 🇺🇦] and [actor|Macron] — e\u{301}té, 中国, «مرحبا», a\u{a0}b 👩‍👩‍👧 👍🏽\n\
\"[claim|talks could start] r#\"raw\"#\" [condition|if all goes well]\r\n😀 end";

fn now() -> Timestamp {
    Timestamp::from_second(1_763_750_000).unwrap()
}

/// A project with the marked text as one document, an entity, a relation and a note.
/// `project` with a schema of before codes (no attributes) and no codebooks: what a project
/// made by an earlier release holds.
fn without_codes(mut project: Project) -> Project {
    for t in &mut project.schema.tags {
        t.attributes.clear();
    }
    project.codebooks.clear();
    project
}

fn sample() -> Project {
    let (text, marks) = parse_marked(HARD).unwrap();
    let mut project = Project::new("Test «project» 🇺🇦");
    project
        .documents
        .push(Document::new("doc-1", "A \"quoted\" title", text));
    let mut ids: Vec<AnnotationId> = Vec::new();
    for (tag, range) in marks {
        let edit = ops::add_annotation(
            &project,
            &"doc-1".into(),
            &tag,
            vec![Fragment::new(range)],
            "ana",
            now(),
        )
        .unwrap();
        ids.push(ops::added_annotation(&edit).unwrap().clone());
        edit.apply(&mut project).unwrap();
    }
    let zelensky = Entity {
        refs: Default::default(),
        id: "zelensky".into(),
        name: "Volodymyr Zelensky".into(),
        kind: EntityKind::Person,
        aliases: vec!["Zelenskiy".into()],
        note: String::new(),
    };
    ops::put_entity(&project, zelensky)
        .unwrap()
        .apply(&mut project)
        .unwrap();
    ops::set_entity(&project, &ids[0], Some(&"zelensky".into()), now())
        .unwrap()
        .apply(&mut project)
        .unwrap();
    ops::add_relation(&project, &"said_by".into(), &ids[2], &ids[0], "ana")
        .unwrap()
        .apply(&mut project)
        .unwrap();
    ops::add_relation(&project, &"conditional_on".into(), &ids[2], &ids[3], "ana")
        .unwrap()
        .apply(&mut project)
        .unwrap();
    ops::set_note(&project, &ids[1], "check \\ backslash", now())
        .unwrap()
        .apply(&mut project)
        .unwrap();
    let decision = crate::model::Decision {
        values_from: Default::default(),
        id: "d-1".into(),
        doc: "doc-1".into(),
        verdict: crate::model::Verdict::Rejected,
        sources: vec![ids[1].clone()],
        seen: vec!["00ff00ff00ff00ff".into()],
        compared: vec!["ana".into(), "bo".into()],
        taken: Vec::new(),
        proposed_by: vec!["ana".into()],
        decided_by: "rev «ü» 🇺🇦".into(),
        decided: now(),
        reason: Some(crate::model::DecisionReason::GuidelineGap),
        comment: "not a \"claim\"\nsee §3".into(),
    };
    project.decisions.insert(decision.id.clone(), decision);
    project
}

fn p() -> &'static Path {
    Path::new("test.ron")
}

#[test]
fn saving_is_deterministic_and_loading_gives_the_same_project() {
    let project = sample();
    let text = to_string(&project).unwrap();
    assert_eq!(text, to_string(&project).unwrap());
    let loaded = from_str(p(), &text).unwrap();
    assert_eq!(loaded, project);
    assert_eq!(to_string(&loaded).unwrap(), text);
}

#[test]
fn the_file_names_its_unit_and_keeps_texts_readable() {
    let text = to_string(&sample()).unwrap();
    assert!(text.starts_with("// Marginalia project file"));
    assert!(text.contains("code points"));
    assert!(text.contains("offset_unit: \"code_points\""));
    // The article text is written as is, over several lines, not escaped onto one.
    assert!(text.contains("😀 end"));
    assert!(text.contains("\"talks could start\""));
    assert!(text.lines().any(|l| l.starts_with("\"talks could start")));
}

#[test]
fn offsets_are_written_in_code_points() {
    let file = project_to_file(&sample());
    let zelensky = file
        .annotations
        .iter()
        .find(|a| a.quote.starts_with("Zelensky"))
        .unwrap();
    assert_eq!(zelensky.fragments, vec![(0, 11)]); // "Zelensky " + two regional indicators
    let macron = file
        .annotations
        .iter()
        .find(|a| a.quote == "Macron")
        .unwrap();
    assert_eq!(macron.fragments, vec![(16, 22)]);
}

#[test]
fn validation_lists_every_problem_with_its_line() {
    let mut file = project_to_file(&sample());
    file.documents[0].text.push('!'); // hash mismatch
    file.annotations[0].quote = "Zelenskiy".into(); // quote mismatch
    file.annotations[1].fragments = vec![(10_000, 10_005)]; // out of range
    file.annotations[2].fragments = vec![(0, 10)]; // splits the flag
    file.annotations[3].tag = "bogus".into(); // unknown tag
    file.annotations[3].entity = Some("nobody".into()); // dangling entity
    file.relations[0].to = AnnotationId("gone".into()); // dangling relation end
    let dup = file.annotations[0].clone();
    file.annotations.push(dup); // duplicate id
    let source = file_to_string(&file).unwrap();
    let problems = check(p(), &source, &parse(p(), &source).unwrap());
    let kinds: Vec<ProblemKind> = problems.list.iter().map(|p| p.kind).collect();
    for kind in [
        ProblemKind::HashMismatch,
        ProblemKind::QuoteMismatch,
        ProblemKind::OffsetOutOfRange,
        ProblemKind::NotOnGraphemeBoundary,
        ProblemKind::UnknownTag,
        ProblemKind::DanglingReference,
        ProblemKind::DuplicateId,
    ] {
        assert!(kinds.contains(&kind), "{kind:?} missing from {problems}");
    }
    assert!(
        problems.list.iter().all(|p| p.position.is_some()),
        "{problems}"
    );
    let shown = problems.to_string();
    assert!(shown.lines().all(|l| l.starts_with("test.ron:")), "{shown}");
    assert!(matches!(
        from_str(p(), &source),
        Err(StoreError::Invalid(_))
    ));
}

#[test]
fn version_two_files_load_without_decisions_and_a_decision_needs_its_document() {
    let mut project = sample();
    project.decisions.clear();
    let v2 = to_string(&project)
        .unwrap()
        .replace("format_version: 4", "format_version: 2");
    assert_eq!(from_str(p(), &v2).unwrap(), project);

    let text = to_string(&sample()).unwrap().replace(
        "doc: \"doc-1\",\n            verdict",
        "doc: \"gone\",\n            verdict",
    );
    let err = from_str(p(), &text).unwrap_err().to_string();
    assert!(
        err.contains("decision d-1: document gone is not in the project"),
        "{err}"
    );

    // A version 3 file's decisions have no fingerprints: they load, and settle by id.
    let mut v3 = sample();
    use crate::model::SharedMapExt as _;
    v3.decisions.change_each(|_, d| {
        d.seen.clear();
        d.compared.clear();
    });
    let text = to_string(&v3)
        .unwrap()
        .replace("format_version: 4", "format_version: 3");
    let loaded = from_str(p(), &text).unwrap();
    assert_eq!(loaded, v3);
    let d = loaded.decisions.values().next().unwrap();
    assert!(d.settles(&loaded.annotations[&d.sources[0]]));

    // Version 4 records what the reviewer saw of each source: one fingerprint per source.
    let written = to_string(&sample()).unwrap();
    assert!(written.contains("seen: ["), "{written}");
    let text = written.replace("seen: [", "seen: [\"0123456789abcdef\", ");
    let err = from_str(p(), &text).unwrap_err().to_string();
    assert!(
        err.contains("decision d-1: 2 fingerprints for 1 sources (expected one per source)"),
        "{err}"
    );
}

#[test]
fn newer_versions_are_refused_and_version_one_is_migrated() {
    let text = to_string(&without_codes(sample())).unwrap();
    let beyond = FORMAT_VERSION + 1;
    let newer = text.replace("format_version: 4", &format!("format_version: {beyond}"));
    let err = from_str(p(), &newer).unwrap_err();
    assert!(
        matches!(err, StoreError::NewerVersion { found, .. } if found == beyond),
        "{err}"
    );
    assert!(err.to_string().contains("newer"));

    let mut v1 = String::from("(\n    format_version: 1,\n    name: \"old\",\n");
    v1.push_str("    documents: [(id: \"d\", title: \"D\", sha256: \"");
    v1.push_str(&crate::model::sha256_hex("Macron spoke"));
    v1.push_str("\", text: \"Macron spoke\")],\n");
    v1.push_str("    annotations: [(id: \"a1\", doc: \"d\", tag: \"actor\", start: 0, end: 6, quote: \"Macron\", annotator: \"ana\", created: \"2023-01-01T00:00:00Z\", modified: \"2023-01-01T00:00:00Z\")],\n)\n");
    let project = from_str(p(), &v1).unwrap();
    let a = project.annotations.values().next().unwrap();
    assert_eq!(a.quote, "Macron");
    assert_eq!(a.fragments.len(), 1);
    assert!(to_string(&project).unwrap().contains("format_version: 4"));
}

#[test]
fn a_cut_or_damaged_file_is_an_error_with_a_position_never_a_panic() {
    let text = to_string(&sample()).unwrap();
    let bytes = text.as_bytes();
    let step = (bytes.len() / 300).max(1);
    for cut in (0..bytes.len()).step_by(step) {
        let source = String::from_utf8_lossy(&bytes[..cut]);
        match from_str(p(), &source) {
            Err(StoreError::Syntax { line, col, .. }) => assert!(line >= 1 && col >= 1),
            Err(StoreError::Invalid(problems)) => assert!(!problems.list.is_empty()),
            other => panic!("cut at {cut}: expected an error, got {other:?}"),
        }
    }
    // Change single bytes: any result but a panic; errors always say where.
    for at in (0..bytes.len()).step_by(step) {
        let mut damaged = bytes.to_vec();
        damaged[at] = damaged[at].wrapping_add(1);
        let source = String::from_utf8_lossy(&damaged);
        if let Err(e) = from_str(p(), &source) {
            assert!(e.to_string().starts_with("test.ron:"), "{e}");
        }
    }
}

#[test]
fn re_anchoring_follows_a_corrected_text_and_reports_what_it_cannot_place() {
    let mut file = project_to_file(&sample());
    let before: Vec<_> = file
        .annotations
        .iter()
        .map(|a| (a.id.clone(), a.quote.clone()))
        .collect();
    // The corrector inserts a word at the start and removes "Macron" entirely.
    file.documents[0].text = format!(
        "Update: {}",
        file.documents[0].text.replace("Macron", "Merkel")
    );
    let report = reanchor(&mut file);
    assert_eq!(report.rehashed, vec!["doc-1".to_owned()]);
    assert_eq!(report.unplaced.len(), 1);
    let macron = &before.iter().find(|(_, q)| q == "Macron").unwrap().0;
    assert_eq!(&report.unplaced[0], macron.as_str());
    assert_eq!(report.moved.len(), before.len() - 1);
    assert!(report.moved.iter().all(|m| m.to == m.from + 8));
    // Every annotation is still there; the placed ones validate.
    assert_eq!(file.annotations.len(), before.len());
    let source = file_to_string(&file).unwrap();
    let problems = check(p(), &source, &file);
    assert_eq!(problems.list.len(), 1, "{problems}");
    assert_eq!(problems.list[0].kind, ProblemKind::QuoteMismatch);
}

#[test]
fn re_anchoring_picks_the_nearest_occurrence() {
    let mut project = Project::new("t");
    project
        .documents
        .push(Document::new("d", "D", "talks here. talks there. talks"));
    let edit = ops::add_annotation(
        &project,
        &"d".into(),
        &"claim".into(),
        vec![Fragment::new(
            crate::model::ByteOffset(12)..crate::model::ByteOffset(17),
        )],
        "ana",
        now(),
    )
    .unwrap();
    edit.apply(&mut project).unwrap();
    let mut file = project_to_file(&project);
    file.documents[0].text = "talks here.  talks there. talks".into();
    let report = reanchor(&mut file);
    assert_eq!(report.moved[0].to, 13);
}

#[test]
fn saving_is_atomic_and_keeps_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.ron");
    let mut project = sample();
    save(&project, &path).unwrap();
    let first = std::fs::read_to_string(&path).unwrap();
    assert!(!backup_path(&path).exists());
    project.name = "renamed".into();
    save(&project, &path).unwrap();
    assert_eq!(std::fs::read_to_string(backup_path(&path)).unwrap(), first);
    assert_eq!(load(&path).unwrap(), project);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert_eq!(leftovers.len(), 2, "{leftovers:?}");
}

#[test]
fn a_backup_exists_at_every_step_of_a_save_and_leftovers_go_at_the_next_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("day.ron");
    let mut project = sample();
    save(&project, &path).unwrap();
    let v1 = std::fs::read(&path).unwrap();
    project.name = "second".into();
    save(&project, &path).unwrap();
    let v2 = std::fs::read(&path).unwrap();
    assert_eq!(std::fs::read(backup_path(&path)).unwrap(), v1);
    // A save killed after linking the new backup and before renaming it into place, and one
    // killed while writing its temporary file: the old backup is still whole.
    let killed_backup = dir
        .path()
        .join(format!("{}bak-4000000000-0.tmp", temp_prefix(&path))); // no such process
    std::fs::hard_link(&path, &killed_backup).unwrap();
    let killed_write = dir.path().join(format!("{}AbC123.tmp", temp_prefix(&path)));
    std::fs::write(&killed_write, &v2[..v2.len() / 2]).unwrap();
    assert_eq!(
        std::fs::read(backup_path(&path)).unwrap(),
        v1,
        "the backup is never missing"
    );
    assert_eq!(load(&path).unwrap(), project);
    // Another project's temporary file and a young one of the unnamed kind stay.
    let other = dir.path().join(".other.ron.marginalia-x.tmp");
    std::fs::write(&other, "x").unwrap();
    let young = dir.path().join(".marginalia-young.tmp");
    std::fs::write(&young, "x").unwrap();
    let removed = remove_leftovers(&path);
    assert_eq!(removed, [killed_write.clone(), killed_backup.clone()]);
    assert!(other.exists() && young.exists());
    // The next save replaces the backup in one step: v2 becomes the backup.
    project.name = "third".into();
    save(&project, &path).unwrap();
    assert_eq!(std::fs::read(backup_path(&path)).unwrap(), v2);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".day.ron"))
        .collect();
    assert!(
        names.is_empty(),
        "no temporary file of the save left: {names:?}"
    );
}

#[cfg(unix)]
#[test]
fn a_read_only_project_is_not_replaced() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("day.ron");
    let project = sample();
    save(&project, &path).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = std::fs::read(&path).unwrap();
    let err = save(&Project::new("other"), &path).unwrap_err().to_string();
    assert!(
        err.contains("day.ron: is read-only, so it was not replaced"),
        "{err}"
    );
    assert!(err.contains("chmod u+w"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert!(
        !backup_path(&path).exists(),
        "nothing touched, not even the backup"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[cfg(unix)]
#[test]
fn a_read_only_backup_is_not_replaced_and_the_save_stops_before_anything_changes() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("day.ron");
    let mut project = sample();
    save(&project, &path).unwrap();
    project.name = "second".into();
    save(&project, &path).unwrap();
    let bak = backup_path(&path);
    std::fs::set_permissions(&bak, std::fs::Permissions::from_mode(0o444)).unwrap();
    let (file_before, bak_before) = (std::fs::read(&path).unwrap(), std::fs::read(&bak).unwrap());
    project.name = "third".into();
    let err = save(&project, &path).unwrap_err().to_string();
    assert!(
        err.contains("day.ron.bak: is read-only, so it was not replaced"),
        "{err}"
    );
    assert!(
        err.contains("nothing was saved") && err.contains("chmod u+w"),
        "{err}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), file_before);
    assert_eq!(std::fs::read(&bak).unwrap(), bak_before);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        2,
        "no temporary file left"
    );
}

#[test]
fn a_save_being_written_is_not_taken_for_a_leftover() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("day.ron");
    save(&sample(), &path).unwrap();
    // A save under way (a command forced past the lock, say): its temporary file is locked.
    let staged = stage(&path, &to_string(&Project::new("under way")).unwrap()).unwrap();
    let mut live = leftovers(&path);
    assert_eq!(live.len(), 1, "listed: {live:?}");
    assert!(remove_leftovers(&path).is_empty(), "but not removed");
    assert!(live[0].exists());
    // A backup link named after a running process (this one) stays too.
    let linking = dir.path().join(format!(
        "{}bak-{}-0.tmp",
        temp_prefix(&path),
        std::process::id()
    ));
    std::fs::hard_link(&path, &linking).unwrap();
    assert!(remove_leftovers(&path).is_empty());
    std::fs::remove_file(&linking).unwrap();
    // Once the save ends (here: it is put in place) nothing of it is left to remove.
    staged.commit().unwrap();
    assert!(!live.pop().unwrap().exists());
    assert!(leftovers(&path).is_empty());
    assert_eq!(load(&path).unwrap().name, "under way");
}

#[test]
fn a_conditional_commit_writes_only_while_the_file_is_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("day.ron");
    save(&sample(), &path).unwrap();
    let before = std::fs::read(&path).unwrap();
    let text = to_string(&Project::new("next")).unwrap();
    assert!(!stage(&path, &text).unwrap().commit_if(|| false).unwrap());
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "changed: not written"
    );
    assert!(!backup_path(&path).exists());
    assert!(leftovers(&path).is_empty(), "its temporary file removed");
    assert!(stage(&path, &text).unwrap().commit_if(|| true).unwrap());
    assert_eq!(load(&path).unwrap().name, "next");
    assert_eq!(std::fs::read(backup_path(&path)).unwrap(), before);
}

#[test]
fn a_staged_write_changes_nothing_until_committed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.ron");
    let (first, second) = (sample(), Project::new("second 📝"));
    save(&first, &path).unwrap();
    let before = std::fs::read(&path).unwrap();
    let staged = stage(&path, &to_string(&second).unwrap()).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), before, "not in place yet");
    drop(staged);
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left"
    );
    stage(&path, &to_string(&second).unwrap())
        .unwrap()
        .commit()
        .unwrap();
    assert_eq!(load(&path).unwrap(), second);
    assert_eq!(std::fs::read(backup_path(&path)).unwrap(), before);
}

#[test]
fn writing_without_backup_replaces_the_file_and_keeps_no_bak() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.ron.recovery");
    let mut project = sample();
    write_without_backup(&path, &to_string(&project).unwrap()).unwrap();
    project.name = "renamed".into();
    write_without_backup(&path, &to_string(&project).unwrap()).unwrap();
    assert_eq!(load(&path).unwrap(), project);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names, [std::ffi::OsString::from("p.ron.recovery")]);
}

#[test]
fn a_missing_file_and_bad_utf8_name_the_file() {
    let err = load(Path::new("/nonexistent/x.ron")).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("/nonexistent/x.ron: cannot read"),
        "{err}"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.ron");
    std::fs::write(&path, b"(\n  name: \"\xff\"").unwrap();
    let err = load(&path).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Syntax {
                line: 2,
                col: 10,
                ..
            }
        ),
        "{err}"
    );
}

proptest::proptest! {
    #[test]
    fn any_unicode_project_survives_a_save_and_load(
        text in crate::model::unicode_text(),
        cuts in proptest::collection::vec((0usize..300, 0usize..300, 0usize..3), 0..8),
        title in crate::model::unicode_text(),
    ) {
        let mut project = Project::new(title.clone());
        let mut doc = Document::new("d", title, text.clone());
        doc.meta.source = Some("r#\"raw\"# source".into());
        project.documents.push(doc);
        for (a, b, t) in cuts {
            let range = crate::model::snap_to_graphemes(&text, crate::model::ByteOffset(a.min(b).min(text.len()))..crate::model::ByteOffset(a.max(b).min(text.len())));
            if range.start == range.end {
                continue;
            }
            let tag = ["actor", "claim", "condition"][t];
            let edit = ops::add_annotation(&project, &"d".into(), &tag.into(), vec![Fragment::new(range)], "ana", now()).unwrap();
            edit.apply(&mut project).unwrap();
        }
        let saved = to_string(&project).unwrap();
        let loaded = from_str(p(), &saved).unwrap();
        proptest::prop_assert_eq!(&loaded, &project);
        proptest::prop_assert_eq!(to_string(&loaded).unwrap(), saved);
    }
}

/// A project over 1 MiB, so that loading it takes the parallel route.
fn large() -> Project {
    let (text, _) = parse_marked(HARD).unwrap();
    let mut project = sample();
    let big = text.repeat(1_200_000 / text.len() + 1);
    let mut doc = Document::new("big", "Big \"one\"", big.clone());
    doc.meta.source = Some("r#\"x\"#".into());
    project.documents.push(doc);
    let mut at = 0;
    for (i, word) in big.split(' ').enumerate().take(3000) {
        let range = crate::model::ByteOffset(at)..crate::model::ByteOffset(at + word.len());
        at += word.len() + 1;
        let range = crate::model::snap_to_graphemes(&big, range);
        if range.start == range.end || i % 2 == 1 {
            continue;
        }
        let edit = ops::add_annotation(
            &project,
            &"big".into(),
            &"claim".into(),
            vec![Fragment::new(range)],
            "bo",
            now(),
        )
        .unwrap();
        edit.apply(&mut project).unwrap();
    }
    project
}

#[test]
fn the_parallel_parse_gives_what_the_ordinary_parse_gives() {
    let project = large();
    let text = to_string(&project).unwrap();
    assert!(text.len() > 1 << 20);
    let parallel = super::split::parse_parallel(&text).expect("the parallel route applies");
    let ordinary: ProjectFile = ron_options().from_str(&text).unwrap();
    assert_eq!(parallel, ordinary);
    assert!(parallel.annotations.len() > 1000);
    assert_eq!(from_str(p(), &text).unwrap(), project);
}

#[test]
fn a_damaged_large_file_still_reports_the_exact_position() {
    let text = to_string(&large()).unwrap();
    // Break a record near the end: the parallel route gives up, the ordinary one says where.
    let at = text.rfind("annotator: \"bo\"").unwrap();
    let broken = format!(
        "{}annotator: \"bo\" oops{}",
        &text[..at],
        &text[at + "annotator: \"bo\"".len()..]
    );
    assert!(super::split::parse_parallel(&broken).is_none());
    let expected = line_col(&broken, at);
    match from_str(p(), &broken) {
        Err(StoreError::Syntax { line, .. }) => assert_eq!(line, expected.0),
        other => panic!("expected a syntax error, got {other:?}"),
    }
    // A cut-off large file, likewise.
    let mut end = text.len() * 2 / 3;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let cut = &text[..end];
    assert!(matches!(from_str(p(), cut), Err(StoreError::Syntax { .. })));
}

#[test]
fn re_anchoring_considers_overlapping_occurrences() {
    let mut project = Project::new("t");
    project.documents.push(Document::new("d", "D", "caaa"));
    let range = crate::model::ByteOffset(2)..crate::model::ByteOffset(4);
    ops::add_annotation(
        &project,
        &"d".into(),
        &"claim".into(),
        vec![Fragment::new(range)],
        "ana",
        now(),
    )
    .unwrap()
    .apply(&mut project)
    .unwrap();
    let mut file = project_to_file(&project);
    file.documents[0].text = "aaa".into();
    let report = reanchor(&mut file);
    assert_eq!(report.moved[0].to, 1, "{report:?}");
}

#[test]
fn a_version_written_oddly_is_refused_not_half_read() {
    let text = to_string(&without_codes(sample()))
        .unwrap()
        .replace("format_version: 4", "format_version: 4_0");
    let err = from_str(p(), &text).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Syntax { .. } | StoreError::NewerVersion { .. }
        ),
        "{err}"
    );
}

#[test]
fn a_misspelt_field_is_refused_with_its_position_not_dropped() {
    let text =
        to_string(&sample())
            .unwrap()
            .replacen("annotator: \"ana\",", "annotater: \"ana\",", 1);
    match from_str(p(), &text) {
        Err(StoreError::Syntax { line, message, .. }) => {
            assert!(message.contains("annotater"), "{message}");
            assert_eq!(
                text.lines().nth(line - 1).map(|l| l.contains("annotater")),
                Some(true)
            );
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

#[cfg(unix)]
#[test]
fn saving_through_a_link_keeps_the_link_and_the_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.ron");
    let link = dir.path().join("link.ron");
    let mut project = sample();
    save(&project, &real).unwrap();
    assert_eq!(
        std::fs::metadata(&real).unwrap().permissions().mode() & 0o777,
        0o644
    );
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o664)).unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    project.name = "through the link".into();
    save(&project, &link).unwrap();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(load(&real).unwrap().name, "through the link");
    assert_eq!(
        std::fs::metadata(&real).unwrap().permissions().mode() & 0o777,
        0o664
    );
    assert!(backup_path(&real).exists());
}

#[test]
fn a_change_in_another_layer_is_kept_and_only_then_needs_version_5() {
    let project = without_codes(sample());
    let text = to_string(&project).unwrap();
    assert!(
        text.contains("format_version: 4"),
        "nothing of version 5: written as 4, for colleagues on the previous release"
    );
    let mut changed = project.clone();
    let first = changed.annotations.keys().next().cloned().unwrap();
    let a = changed.annotations.get_mut(&first).unwrap();
    a.changed_by = Some("noor \"the reviewer\"".into());
    let id = a.id.clone();
    let text = to_string(&changed).unwrap();
    assert!(text.contains("format_version: 5"));
    let line = text.lines().find(|l| l.contains("changed_by")).unwrap();
    // RON writes a string holding quotes as a raw string.
    assert_eq!(line.trim(), r##"changed_by: r#"noor "the reviewer""#,"##);
    let back = from_str(p(), &text).unwrap();
    assert_eq!(back, changed);
    assert_eq!(
        back.annotations[&id].changed_by.as_deref(),
        Some("noor \"the reviewer\"")
    );
}

#[test]
fn a_link_changed_in_another_layer_needs_version_5_and_reads_back() {
    let mut changed = without_codes(sample());
    let first = changed.relations.keys().next().cloned();
    let r = first
        .and_then(|id| changed.relations.get_mut(&id))
        .expect("the sample has links");
    r.changed_by = Some("maya".into());
    let id = r.id.clone();
    let text = to_string(&changed).unwrap();
    assert!(text.contains("format_version: 5"));
    let back = from_str(p(), &text).unwrap();
    assert_eq!(back, changed);
    assert_eq!(back.relations[&id].changed_by.as_deref(), Some("maya"));
}

/// The sample coded with a value of every kind, in a text of emoji, CJK and combining accents:
/// a stance, a concept, a flag, a scale, free text and a multiple choice on the claim, a
/// scale and a note on a link, knowledge-base references on the entity, and article variables
/// of every kind.
fn coded_sample() -> Project {
    use crate::model::{
        Attribute, AttributeKind, ChoiceValue, Code, ExternalRef, Rgb, Value, Variable,
        VariableKind,
    };
    let mut p = sample();
    let claim = p
        .schema
        .tags
        .iter_mut()
        .find(|t| t.id.as_str() == "claim")
        .unwrap();
    let attribute = |id: &str, kind: AttributeKind| Attribute {
        id: id.into(),
        label: id.to_uppercase(),
        definition: String::new(),
        kind,
    };
    claim.attributes.extend([
        attribute("hedged", AttributeKind::Flag),
        attribute("intensity", AttributeKind::Scale { min: -2, max: 2 }),
        attribute("paraphrase", AttributeKind::Text),
        attribute(
            "frames",
            AttributeKind::Choice {
                values: ["économie", "安全"]
                    .map(|v| ChoiceValue {
                        id: v.to_owned(),
                        label: v.to_owned(),
                        color: Rgb(1, 2, 3),
                        key: None,
                    })
                    .to_vec(),
                multiple: true,
                default: None,
            },
        ),
    ]);
    let said_by = p
        .schema
        .relations
        .iter_mut()
        .find(|r| r.id.as_str() == "said_by")
        .unwrap();
    said_by.attributes.push(attribute(
        "certainty",
        AttributeKind::Scale { min: 1, max: 3 },
    ));
    p.schema.variables = vec![
        Variable {
            id: "outlet".into(),
            label: "Outlet".into(),
            definition: String::new(),
            kind: VariableKind::Choice {
                values: vec!["Le Monde".into(), "人民日报".into()],
            },
        },
        Variable {
            id: "words".into(),
            label: "Words".into(),
            definition: String::new(),
            kind: VariableKind::Number,
        },
        Variable {
            id: "seen".into(),
            label: "Seen".into(),
            definition: String::new(),
            kind: VariableKind::Date,
        },
        Variable {
            id: "desk".into(),
            label: "Desk".into(),
            definition: String::new(),
            kind: VariableKind::Text,
        },
    ];
    let code = Code {
        id: "ceasefire".into(),
        label: "Waffenstillstand 停火".into(),
        color: Some(Rgb(0x11, 0x22, 0x33)),
        definition: "e\u{301}té « truce » 🕊️".into(),
        parent: None,
        aliases: vec!["truce".into()],
    };
    ops::put_code(&p, &"concepts".into(), code)
        .unwrap()
        .apply(&mut p)
        .unwrap();
    let claim_id = p
        .annotations
        .values()
        .find(|a| a.tag.as_str() == "claim")
        .unwrap()
        .id
        .clone();
    for (attr, v) in [
        ("stance", Value::Choice(vec!["supports".into()])),
        ("concept", Value::Code("ceasefire".into())),
        ("hedged", Value::Flag),
        ("intensity", Value::Scale(-1)),
        (
            "paraphrase",
            Value::Text("« talks » 北京 👩‍👩‍👧 e\u{301}".into()),
        ),
        (
            "frames",
            Value::Choice(vec!["économie".into(), "安全".into()]),
        ),
    ] {
        ops::set_value(&p, &claim_id, &attr.into(), Some(v), now())
            .unwrap()
            .apply(&mut p)
            .unwrap();
    }
    let link = p
        .relations
        .values()
        .find(|r| r.kind.as_str() == "said_by")
        .unwrap()
        .id
        .clone();
    ops::set_relation_value(&p, &link, &"certainty".into(), Some(Value::Scale(3)))
        .unwrap()
        .apply(&mut p)
        .unwrap();
    ops::set_relation_note(&p, &link, "said on TV 📺")
        .unwrap()
        .apply(&mut p)
        .unwrap();
    let mut zelensky = p.entities.values().next().unwrap().clone();
    zelensky.refs = vec![ExternalRef {
        kb: "Wikidata".into(),
        id: "Q3874799".into(),
    }];
    ops::put_entity(&p, zelensky)
        .unwrap()
        .apply(&mut p)
        .unwrap();
    let doc = p.documents[0].id.clone();
    for (var, v) in [
        ("outlet", "人民日报"),
        ("words", "-12.5"),
        ("seen", "2023-04"),
        ("desk", "Außenpolitik"),
    ] {
        ops::set_variable(&p, &doc, &var.into(), Some(v))
            .unwrap()
            .apply(&mut p)
            .unwrap();
    }
    p
}

#[test]
fn codes_of_every_kind_round_trip_and_need_version_6() {
    let project = coded_sample();
    let text = to_string(&project).unwrap();
    assert!(text.contains("format_version: 6"), "{text}");
    let back = from_str(p(), &text).unwrap();
    assert_eq!(back, project);
    assert_eq!(to_string(&back).unwrap(), text, "the same bytes again");
    // And through the parallel route of large files.
    let mut large = project.clone();
    large
        .documents
        .push(Document::new("big", "Big", "x ".repeat(700_000)));
    let text = to_string(&large).unwrap();
    assert_eq!(from_str(p(), &text).unwrap(), large);
}

#[test]
fn a_version_4_file_reads_unchanged_in_meaning_and_is_written_as_4_again() {
    let old = without_codes(sample());
    let text = to_string(&old).unwrap();
    assert!(text.contains("format_version: 4"));
    assert!(!text.contains("attributes") && !text.contains("codebooks"));
    let back = from_str(p(), &text).unwrap();
    assert_eq!(back, old, "no attribute or codebook appears on the way in");
    assert!(back.schema.tags.iter().all(|t| t.attributes.is_empty()));
    assert_eq!(to_string(&back).unwrap(), text);
}

/// The line (1-based) of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in the file"));
    text[..at].matches('\n').count() + 1
}

#[test]
fn each_coding_problem_is_named_at_the_line_of_its_value() {
    let text = to_string(&coded_sample()).unwrap();
    let cases: [(&str, &str, &str); 7] = [
        (
            "\"stance\": Choice([\n                    \"supports\",",
            "\"stance\": Choice([\n                    \"maybe\",",
            "stance has no value \"maybe\"; expected one of \"supports\", \"opposes\", \"neutral\"",
        ),
        (
            "\"intensity\": Scale(-1)",
            "\"intensity\": Scale(9)",
            "intensity is 9, outside its scale -2 to 2",
        ),
        (
            "\"concept\": Code(\"ceasefire\")",
            "\"concept\": Code(\"peace\")",
            "concept is the code \"peace\", which the codebook \"concepts\" lacks",
        ),
        (
            "\"hedged\": Flag",
            "\"colour\": Flag",
            "a claim has no attribute colour (it has stance, concept, hedged, intensity, paraphrase, frames)",
        ),
        (
            "\"hedged\": Flag",
            "\"hedged\": Scale(1)",
            "hedged is a flag attribute, but the value is a scale",
        ),
        (
            "\"words\": \"-12.5\"",
            "\"words\": \"many\"",
            "variable words: expected a number, found \"many\"",
        ),
        (
            "\"outlet\": \"人民日报\"",
            "\"region\": \"人民日报\"",
            "variable region is not one of the project's article variables",
        ),
    ];
    for (from, to, expected) in cases {
        assert!(text.contains(from), "{from} not in the file");
        let broken = text.replacen(from, to, 1);
        let err = from_str(p(), &broken).unwrap_err();
        let StoreError::Invalid(problems) = &err else {
            panic!("{to}: expected problems, got {err}");
        };
        let problem = problems
            .list
            .iter()
            .find(|p| p.message.contains(expected))
            .unwrap_or_else(|| panic!("{to}: no problem saying {expected:?} in {err}"));
        let (line, _) = problem
            .position
            .unwrap_or_else(|| panic!("{to}: no position"));
        assert_eq!(line, line_of(&broken, to), "{to}: {err}");
        assert_eq!(problems.list.len(), 1, "{to}: one problem only: {err}");
    }
}

#[test]
fn ids_of_different_kinds_may_be_equal_and_positions_stay_right() {
    use crate::model::RelationType;
    let mut project = coded_sample();
    // A relation type called like a stance value, and a variable called like an attribute.
    project.schema.relations.push(RelationType {
        id: "supports".into(),
        label: "supports".into(),
        from: vec!["actor".into()],
        to: vec!["claim".into()],
        definition: String::new(),
        attributes: Vec::new(),
    });
    project.schema.variables[0].id = "concept".into();
    let doc = project.documents[0].id.clone();
    let value = project.documents[0]
        .meta
        .variables
        .remove(&"outlet".into())
        .unwrap();
    project.documents[0]
        .meta
        .variables
        .insert("concept".into(), value);
    let text = to_string(&project).unwrap();
    assert_eq!(from_str(p(), &text).unwrap(), project);
    // A problem after them still points at its own line.
    let broken = text.replacen("\"intensity\": Scale(-1)", "\"intensity\": Scale(7)", 1);
    let StoreError::Invalid(problems) = from_str(p(), &broken).unwrap_err() else {
        panic!("expected problems");
    };
    assert_eq!(problems.list.len(), 1, "{problems}");
    assert_eq!(
        problems.list[0].position.map(|(l, _)| l),
        Some(line_of(&broken, "\"intensity\": Scale(7)"))
    );
    let _ = doc;
}

#[test]
fn a_document_with_space_tokens_round_trips_and_needs_version_7() {
    let mut project = sample();
    let plain = to_string(&project).unwrap();
    assert!(!plain.contains("tokens:"), "{plain}");
    project.documents[0].meta.tokens = crate::model::Tokens::Spaces;
    let text = to_string(&project).unwrap();
    assert!(text.contains("format_version: 7"), "{text}");
    assert!(text.contains("tokens: spaces,"), "{text}");
    let back = from_str(p(), &text).unwrap();
    assert_eq!(back, project);
    assert_eq!(to_string(&back).unwrap(), text, "the same bytes again");
}
