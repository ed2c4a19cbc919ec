//! `marginalia merge`: the real binary, run in a temporary folder on project files made with
//! the library.

#![allow(clippy::unwrap_used)] // a test that cannot set up should stop loudly

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use jiff::Timestamp;
use marginalia::model::{
    AnnotationId, DocStatus, Document, Fragment, Project, TagType, ops, parse_marked,
};
use marginalia::store;

/// Emoji with a flag and a family, combining accents, CJK.
const UA: &str =
    "[actor|Zelensky 🇺🇦] said [claim|talks could start] if [condition|the cafe\u{301} reopens] 👩‍👩‍👧";
const CN: &str = "[actor|习近平] 说 [claim|谈判可以开始] [condition|如果停火]";

fn t(secs: i64) -> Timestamp {
    Timestamp::from_second(1_700_000_000 + secs).unwrap()
}

/// A project with documents `ua` and `cn` and no annotations.
fn base() -> Project {
    let mut p = Project::new("Coding «day» 1");
    for (id, marked) in [("ua", UA), ("cn", CN)] {
        let text = parse_marked(marked).unwrap().0;
        p.documents
            .push(Document::new(id, format!("Title {id}"), text));
    }
    p
}

/// Adds the marks of `marked` on `doc` to `layer` at `at`.
fn tag(p: &mut Project, doc: &str, marked: &str, layer: &str, at: Timestamp) -> Vec<AnnotationId> {
    let (_, marks) = parse_marked(marked).unwrap();
    marks
        .into_iter()
        .map(|(tag, range)| {
            let e =
                ops::add_annotation(p, &doc.into(), &tag, vec![Fragment::new(range)], layer, at)
                    .unwrap();
            let id = ops::added_annotation(&e).unwrap().clone();
            e.apply(p).unwrap();
            id
        })
        .collect()
}

/// Mine: alice coded `ua`. Theirs: bob coded `cn` and marked it done.
fn alice_and_bob() -> (Project, Project) {
    let mut mine = base();
    tag(&mut mine, "ua", UA, "alice", t(0));
    let mut theirs = base();
    tag(&mut theirs, "cn", CN, "bob", t(5));
    theirs.documents[1]
        .meta
        .status
        .insert("bob".into(), DocStatus::Done);
    (mine, theirs)
}

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Self {
        Dir(tempfile::tempdir().unwrap())
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }

    fn save(&self, name: &str, project: &Project) -> PathBuf {
        let path = self.path(name);
        store::save(project, &path).unwrap();
        path
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_marginalia"))
            .current_dir(self.0.path())
            .args(args)
            .output()
            .unwrap()
    }
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn load(path: &Path) -> Project {
    store::load(path).unwrap()
}

fn layer_count(p: &Project, who: &str) -> usize {
    p.annotations
        .values()
        .filter(|a| a.annotator == who)
        .count()
}

#[test]
fn merge_brings_their_layer_in_and_a_second_merge_changes_nothing() {
    let dir = Dir::new();
    let (mine, theirs) = alice_and_bob();
    dir.save("mine.ron", &mine);
    dir.save("theirs.ron", &theirs);
    let out = dir.run(&["merge", "mine.ron", "theirs.ron", "-o", "out.ron"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("documents: 2 matched by text, 0 added"),
        "{text}"
    );
    assert!(text.contains("layer bob: new: 3 annotations"), "{text}");
    assert!(text.contains("wrote out.ron"), "{text}");
    let merged = load(&dir.path("out.ron"));
    assert_eq!(
        (layer_count(&merged, "alice"), layer_count(&merged, "bob")),
        (3, 3)
    );
    assert_eq!(merged.documents[1].meta.status["bob"], DocStatus::Done);
    assert_eq!(merged.name, "Coding «day» 1");

    let before = std::fs::read(dir.path("out.ron")).unwrap();
    let again = dir.run(&["merge", "out.ron", "theirs.ron", "-o", "out.ron"]);
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    assert!(
        stdout(&again).contains("nothing changed"),
        "{}",
        stdout(&again)
    );
    assert!(stdout(&again).contains("out.ron: unchanged"));
    assert_eq!(std::fs::read(dir.path("out.ron")).unwrap(), before);
    assert!(!dir.path("out.ron.bak").exists(), "nothing was written");
}

#[test]
fn merging_an_update_of_their_layer_into_my_file_updates_it_and_keeps_a_backup() {
    let dir = Dir::new();
    let (mine, theirs) = alice_and_bob();
    dir.save("mine.ron", &mine);
    dir.save("theirs.ron", &theirs);
    let first = dir.run(&["merge", "mine.ron", "theirs.ron", "-o", "mine.ron"]);
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    let merged_once = std::fs::read(dir.path("mine.ron")).unwrap();

    // Bob removes his condition and tags the family emoji on `ua`, a day later.
    let mut update = theirs.clone();
    let condition = update
        .annotations
        .values()
        .find(|a| a.tag.as_str() == "condition")
        .unwrap()
        .id
        .clone();
    ops::remove_annotation(&update, &condition)
        .unwrap()
        .apply(&mut update)
        .unwrap();
    let plain = parse_marked(UA).unwrap().0;
    let family = plain.replace("👩‍👩‍👧", "[actor|👩‍👩‍👧]");
    let added = tag(&mut update, "ua", &family, "bob", t(86_400));
    dir.save("theirs.ron", &update);

    let out = dir.run(&["merge", "mine.ron", "theirs.ron", "-o", "mine.ron"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("layer bob: updated: 1 added, 0 newer, 1 only in yours"),
        "{text}"
    );
    let merged = load(&dir.path("mine.ron"));
    assert_eq!(layer_count(&merged, "bob"), 4, "updated, not duplicated");
    // A removal of theirs is not carried over: without a common ancestor it cannot be told
    // from an addition of mine.
    assert!(merged.annotations.contains_key(&condition));
    assert_eq!(merged.annotations[&added[0]].quote, "👩‍👩‍👧");
    assert_eq!(
        std::fs::read(dir.path("mine.ron.bak")).unwrap(),
        merged_once,
        "the previous version is kept"
    );
}

#[test]
fn a_bad_file_is_named_and_nothing_is_written() {
    let dir = Dir::new();
    let (mine, theirs) = alice_and_bob();
    dir.save("mine.ron", &mine);
    let good = store::to_string(&theirs).unwrap();
    std::fs::write(dir.path("theirs.ron"), &good[..good.len() / 2]).unwrap();
    let before = std::fs::read(dir.path("mine.ron")).unwrap();
    let out = dir.run(&["merge", "mine.ron", "theirs.ron", "-o", "mine.ron"]);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("theirs.ron"), "{}", stderr(&out));
    assert_eq!(std::fs::read(dir.path("mine.ron")).unwrap(), before);
    assert!(!dir.path("mine.ron.bak").exists());

    let missing = dir.run(&["merge", "nope.ron", "mine.ron", "-o", "out.ron"]);
    assert_eq!(code(&missing), 1);
    assert!(
        stderr(&missing).contains("nope.ron"),
        "{}",
        stderr(&missing)
    );
    assert!(!dir.path("out.ron").exists());

    let layer = dir.run(&[
        "merge", "mine.ron", "mine.ron", "-o", "out.ron", "--layers", "carol",
    ]);
    assert_eq!(code(&layer), 1);
    assert!(
        stderr(&layer).contains("no layer \"carol\" (its layers: alice)"),
        "{}",
        stderr(&layer)
    );
    assert!(!dir.path("out.ron").exists());

    let usage = dir.run(&["merge", "mine.ron", "mine.ron"]);
    assert_eq!(code(&usage), 2, "-o is required");
}

#[test]
fn their_tags_are_mapped_by_label_or_as_told() {
    let dir = Dir::new();
    let (mine, mut theirs) = alice_and_bob();
    for (id, label) in [("akteur", "ACTOR"), ("forderung", "Forderung")] {
        theirs.schema.tags.push(TagType {
            attributes: Default::default(),
            id: id.into(),
            label: label.into(),
            color: marginalia::model::PALETTE[5],
            key: None,
            definition: String::new(),
            guideline: String::new(),
        });
    }
    tag(
        &mut theirs,
        "ua",
        "[akteur|Zelensky 🇺🇦] said [forderung|talks could start] if the cafe\u{301} reopens 👩‍👩‍👧",
        "bob",
        t(9),
    );
    dir.save("mine.ron", &mine);
    dir.save("theirs.ron", &theirs);

    let out = dir.run(&["merge", "mine.ron", "theirs.ron", "-o", "a.ron"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("tags added: forderung"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("tags mapped: akteur → actor"),
        "{}",
        stdout(&out)
    );

    let out = dir.run(&[
        "merge",
        "mine.ron",
        "theirs.ron",
        "-o",
        "b.ron",
        "--map",
        "forderung=claim",
        "--json",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["changed"], true);
    assert_eq!(report["tags_added"], serde_json::json!([]));
    assert_eq!(report["layers"][0]["name"], "bob");
    assert_eq!(report["layers"][0]["status"], "new");
    let merged = load(&dir.path("b.ron"));
    assert!(merged.schema.tag(&"forderung".into()).is_none());
    let claims = merged
        .annotations
        .values()
        .filter(|a| a.annotator == "bob" && a.tag.as_str() == "claim")
        .count();
    assert_eq!(claims, 2);

    let bad = dir.run(&[
        "merge",
        "mine.ron",
        "theirs.ron",
        "-o",
        "c.ron",
        "--map",
        "forderung=demand",
    ]);
    assert_eq!(code(&bad), 1);
    assert!(
        stderr(&bad).contains("your schema has no tag demand"),
        "{}",
        stderr(&bad)
    );
    assert!(!dir.path("c.ron").exists());
    let usage = dir.run(&[
        "merge",
        "mine.ron",
        "theirs.ron",
        "-o",
        "c.ron",
        "--map",
        "forderung",
    ]);
    assert_eq!(code(&usage), 2, "{}", stderr(&usage));
}

/// A reviewer settled `ua` between alice and bob; bob then narrowed his claim in his copy.
/// Merging his copy reopens the review, says so, and a second merge changes nothing.
#[test]
fn a_colleague_s_change_after_the_review_reopens_it_and_the_report_says_so() {
    let mut reviewed = base();
    tag(&mut reviewed, "ua", UA, "alice", t(0));
    tag(&mut reviewed, "ua", UA, "bob", t(0));
    let who = ["alice".to_owned(), "bob".to_owned()];
    let ruling = marginalia::review::Ruling {
        reviewer: "rev".into(),
        reason: None,
        comment: String::new(),
        now: t(20),
    };
    let comparisons = vec![marginalia::review::compare(&reviewed, &"ua".into(), &who)];
    marginalia::review::accept_agreed(&reviewed, &comparisons, &ruling)
        .unwrap()
        .apply(&mut reviewed)
        .unwrap();
    let status = |p: &Project| p.documents[0].meta.status.get("reviewed").copied();
    assert_eq!(status(&reviewed), Some(DocStatus::Reviewed));

    let mut bobs = reviewed.clone();
    let claim = bobs
        .annotations
        .values()
        .find(|a| a.annotator == "bob" && a.tag.as_str() == "claim")
        .unwrap()
        .clone();
    let narrower = Fragment::new(claim.start()..marginalia::model::ByteOffset(claim.end().0 - 6));
    ops::resize(&bobs, &claim.id, vec![narrower], t(30))
        .unwrap()
        .apply(&mut bobs)
        .unwrap();

    let dir = Dir::new();
    dir.save("mine.ron", &reviewed);
    dir.save("bob.ron", &bobs);
    let out = dir.run(&["merge", "mine.ron", "bob.ron", "-o", "mine.ron", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["reviews_reopened"], serde_json::json!(["ua"]));
    let merged = load(&dir.path("mine.ron"));
    assert_eq!(status(&merged), Some(DocStatus::InProgress));
    let open = marginalia::review::compare(&merged, &"ua".into(), &who);
    assert_eq!(open.differences.len() - open.settled(), 1);

    let again = dir.run(&["merge", "mine.ron", "bob.ron", "-o", "mine.ron"]);
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    assert!(
        stdout(&again).contains("nothing changed"),
        "{}",
        stdout(&again)
    );
}
