//! Edit and history tests: every operation undoes to the exact project it started from.

use jiff::Timestamp;
use proptest::prelude::*;

use super::*;

fn t(secs: i64) -> Timestamp {
    Timestamp::from_second(1_700_000_000 + secs).unwrap()
}

/// A project with one document made from marked text, its marks added as annotations by "ana".
fn project_from(marked: &str) -> (Project, Vec<AnnotationId>) {
    project_from_marked(marked, "ana", t(0)).unwrap()
}

#[test]
fn adding_records_quote_annotator_and_layer() {
    let (project, ids) = project_from("[actor|Macron 👩‍👩‍👧] said [claim|talks could start]");
    let a = &project.annotations[&ids[0]];
    assert_eq!(a.quote, "Macron 👩‍👩‍👧");
    assert_eq!(a.annotator, "ana");
    assert!(project.annotators.contains("ana"));
    assert_eq!(project.annotations[&ids[1]].quote, "talks could start");
}

#[test]
fn a_fragment_splitting_a_grapheme_is_refused() {
    let (project, _) = project_from("e\u{301}t\u{e9}");
    let split = Fragment::new(ByteOffset(0)..ByteOffset(1));
    let err = ops::add_annotation(
        &project,
        &"d".into(),
        &"actor".into(),
        vec![split],
        "ana",
        t(0),
    );
    assert!(matches!(err, Err(EditError::Invalid(_))));
}

#[test]
fn removing_an_annotation_removes_its_relations_and_undo_restores_both() {
    let (mut project, ids) = project_from("[actor|Macron] said [claim|talks could start]");
    let link = ops::add_relation(&project, &"said_by".into(), &ids[1], &ids[0], "ana").unwrap();
    let mut history = History::new();
    history.apply(&mut project, "link", link).unwrap();
    let linked = project.clone();
    let delete = ops::remove_annotation(&project, &ids[0]).unwrap();
    history.apply(&mut project, "delete", delete).unwrap();
    assert!(project.relations.is_empty() && project.annotations.len() == 1);
    assert_eq!(
        history.undo(&mut project).unwrap().as_deref(),
        Some("delete")
    );
    assert_eq!(project, linked);
    history.redo(&mut project).unwrap();
    assert!(project.relations.is_empty());
}

#[test]
fn relations_must_fit_the_schema() {
    let (project, ids) = project_from("[actor|Macron] said [claim|talks could start]");
    let wrong_way = ops::add_relation(&project, &"said_by".into(), &ids[0], &ids[1], "ana");
    assert!(matches!(wrong_way, Err(EditError::Invalid(_))));
}

#[test]
fn a_relation_changes_type_only_to_one_the_schema_allows_and_undoes() {
    let (mut project, ids) =
        project_from("[claim|talks could start] [condition|if Xi agrees] [actor|Macron]");
    let link =
        ops::add_relation(&project, &"conditional_on".into(), &ids[0], &ids[1], "ana").unwrap();
    let mut history = History::new();
    history.apply(&mut project, "link", link).unwrap();
    let rid = project.relations.keys().next().unwrap().clone();
    let before = project.clone();
    // A condition cannot be a claim's speaker.
    let wrong = ops::set_relation_kind(&project, &rid, &"said_by".into());
    assert!(matches!(wrong, Err(EditError::Invalid(_))));
    let same = ops::set_relation_kind(&project, &rid, &"conditional_on".into()).unwrap();
    assert!(same.is_empty());
    // The condition retagged as an actor: now it can be the speaker.
    let retag = ops::retag(&project, &ids[1], &"actor".into(), t(1)).unwrap();
    history.apply(&mut project, "retag", retag).unwrap();
    assert!(
        project.relations.is_empty(),
        "the retag dropped the conditional link"
    );
    history.undo(&mut project).unwrap();
    assert_eq!(project, before);
    let unknown = ops::set_relation_kind(&project, &rid, &"nope".into());
    assert!(matches!(unknown, Err(EditError::Invalid(_))));
    // A second type between claims and conditions: the link can become one.
    project.schema.relations.push(RelationType {
        attributes: Default::default(),
        id: "undermined_by".into(),
        label: "undermined by".into(),
        from: vec!["claim".into()],
        to: vec!["condition".into()],
        definition: String::new(),
    });
    let with_type = project.clone();
    let change = ops::set_relation_kind(&project, &rid, &"undermined_by".into()).unwrap();
    history.apply(&mut project, "change", change).unwrap();
    assert_eq!(project.relations[&rid].kind.as_str(), "undermined_by");
    assert_eq!(
        project.relations.len(),
        1,
        "the same link, not a second one"
    );
    history.undo(&mut project).unwrap();
    assert_eq!(project, with_type);
}

#[test]
fn retagging_drops_links_the_new_tag_cannot_have() {
    let (mut project, ids) = project_from("[actor|Macron] said [claim|talks could start]");
    ops::add_relation(&project, &"said_by".into(), &ids[1], &ids[0], "ana")
        .unwrap()
        .apply(&mut project)
        .unwrap();
    ops::retag(&project, &ids[0], &"condition".into(), t(5))
        .unwrap()
        .apply(&mut project)
        .unwrap();
    assert_eq!(project.annotations[&ids[0]].tag.as_str(), "condition");
    assert_eq!(project.annotations[&ids[0]].modified, t(5));
    assert!(project.relations.is_empty());
}

#[test]
fn renaming_a_tag_migrates_its_annotations_and_relation_types() {
    let (mut project, ids) = project_from("[actor|Macron] said [claim|talks could start]");
    let before = project.clone();
    let mut history = History::new();
    let edit = ops::rename_tag(
        &project,
        &"actor".into(),
        &"speaker".into(),
        "Speaker",
        t(1),
    )
    .unwrap();
    history.apply(&mut project, "rename", edit).unwrap();
    assert_eq!(project.annotations[&ids[0]].tag.as_str(), "speaker");
    assert!(
        project
            .schema
            .relation(&"said_by".into())
            .unwrap()
            .allows(&"claim".into(), &"speaker".into())
    );
    assert!(ops::rename_tag(&project, &"claim".into(), &"speaker".into(), "x", t(1)).is_err());
    history.undo(&mut project).unwrap();
    assert_eq!(project, before);
}

#[test]
fn merging_entities_repoints_mentions_and_keeps_names_as_aliases() {
    let (mut project, ids) = project_from("[actor|Zelensky] met [actor|Zelenskiy]");
    let entity = |id: &str, name: &str| Entity {
        refs: Default::default(),
        id: id.into(),
        name: name.into(),
        kind: EntityKind::Person,
        aliases: vec![],
        note: String::new(),
    };
    for (e, a) in [
        (entity("z1", "Volodymyr Zelensky"), &ids[0]),
        (entity("z2", "Zelenskiy"), &ids[1]),
    ] {
        let id = e.id.clone();
        ops::put_entity(&project, e)
            .unwrap()
            .apply(&mut project)
            .unwrap();
        ops::set_entity(&project, a, Some(&id), t(1))
            .unwrap()
            .apply(&mut project)
            .unwrap();
    }
    let before = project.clone();
    let inverse = ops::merge_entities(&project, &"z1".into(), &"z2".into(), t(2))
        .unwrap()
        .apply(&mut project)
        .unwrap();
    assert_eq!(project.entities.len(), 1);
    assert_eq!(
        project.entities[&EntityId::from("z1")].aliases,
        ["Zelenskiy"]
    );
    assert!(
        project
            .annotations
            .values()
            .all(|a| a.entity.as_ref().map(|e| e.as_str()) == Some("z1"))
    );
    inverse.apply(&mut project).unwrap();
    assert_eq!(project, before);
}

#[test]
fn a_group_is_one_undo_step_and_a_stale_edit_is_refused() {
    let (mut project, ids) = project_from("[claim|talks could start] now");
    let start = project.clone();
    let mut history = History::new();
    history.begin_group("drag edge");
    for end in [18, 19, 20, 21] {
        let edit = ops::resize(
            &project,
            &ids[0],
            vec![Fragment::new(ByteOffset(0)..ByteOffset(end))],
            t(end as i64),
        )
        .unwrap();
        history.apply(&mut project, "resize", edit).unwrap();
    }
    history.end_group();
    assert_eq!(project.annotations[&ids[0]].quote, "talks could start now");
    assert_eq!(history.undo_label(), Some("drag edge"));
    history.undo(&mut project).unwrap();
    assert_eq!(project, start);
    assert_eq!(history.undo(&mut project).unwrap(), None);

    let edit = ops::set_note(&project, &ids[0], "check", t(9)).unwrap();
    ops::set_note(&project, &ids[0], "other", t(9))
        .unwrap()
        .apply(&mut project)
        .unwrap();
    let changed = project.clone();
    assert!(matches!(
        edit.apply(&mut project),
        Err(EditError::Stale { .. })
    ));
    assert_eq!(project, changed);
}

#[test]
fn a_failing_batch_leaves_the_project_untouched() {
    let (mut project, ids) = project_from("[actor|a] [actor|b]");
    let before = project.clone();
    let good = ops::set_note(&project, &ids[0], "n", t(1)).unwrap();
    let stale = ops::set_note(&project, &ids[1], "n", t(1)).unwrap();
    stale.clone().apply(&mut project).unwrap();
    let after_stale = project.clone();
    assert!(Edit::Batch(vec![good, stale]).apply(&mut project).is_err());
    assert_eq!(project, after_stale);
    assert_ne!(project, before);
}

#[test]
fn removing_a_document_takes_its_annotations_and_comes_back_on_undo() {
    let (mut project, _) = project_from("[actor|Macron] said [claim|talks could start]");
    let before = project.clone();
    let mut history = History::new();
    let remove = ops::remove_document(&project, &"d".into()).unwrap();
    history.apply(&mut project, "remove doc", remove).unwrap();
    assert!(project.documents.is_empty() && project.annotations.is_empty());
    history.undo(&mut project).unwrap();
    assert_eq!(project, before);
}

/// One random operation against the current project; `None` when it does not apply.
fn random_op(project: &Project, pick: (u8, usize, usize, usize)) -> Option<Edit> {
    let (op, i, j, k) = pick;
    let doc = project.documents.first()?;
    let text = &doc.text;
    let ids: Vec<AnnotationId> = project.annotations.keys().cloned().collect();
    let id = ids.get(i % ids.len().max(1)).cloned();
    let tags = ["actor", "claim", "condition"];
    let range = |a: usize, b: usize| {
        let r = snap_to_graphemes(
            text,
            ByteOffset(a % (text.len() + 1))..ByteOffset(b % (text.len() + 1)),
        );
        (r.start < r.end).then(|| Fragment::new(r))
    };
    match op % 7 {
        0 | 1 => ops::add_annotation(
            project,
            &doc.id,
            &tags[k % 3].into(),
            vec![range(j, k)?],
            "ana",
            t(0),
        )
        .ok(),
        2 => ops::remove_annotation(project, id.as_ref()?).ok(),
        3 => ops::retag(project, id.as_ref()?, &tags[j % 3].into(), t(1)).ok(),
        4 => ops::resize(project, id.as_ref()?, vec![range(j, k)?], t(2)).ok(),
        5 => ops::set_note(project, id.as_ref()?, &"✍🏽 note".repeat(j % 3), t(3)).ok(),
        _ => ops::add_relation(
            project,
            &"said_by".into(),
            id.as_ref()?,
            ids.get(j % ids.len())?,
            "ana",
        )
        .ok(),
    }
}

proptest! {
    #[test]
    fn any_sequence_of_edits_undoes_and_redoes_exactly(
        picks in prop::collection::vec((any::<u8>(), any::<usize>(), any::<usize>(), any::<usize>()), 1..25)
    ) {
        let (mut project, _) = project_from("[actor|Zelensky 🇺🇦] e\u{301} 中国 [claim|talks 👩‍👩‍👧 start] if\r\n [condition|all goes well]");
        let start = project.clone();
        let mut history = History::new();
        for pick in picks {
            if let Some(edit) = random_op(&project, pick) {
                // Edits built against the current project always apply.
                history.apply(&mut project, "op", edit).unwrap();
            }
        }
        let end = project.clone();
        while history.undo(&mut project).unwrap().is_some() {}
        prop_assert_eq!(&project, &start);
        while history.redo(&mut project).unwrap().is_some() {}
        prop_assert_eq!(&project, &end);
    }
}

#[test]
fn metadata_schema_and_bulk_edits_undo_exactly() {
    let (mut project, ids) = project_from("[actor|Macron] and [actor|Xi] said [claim|talks]");
    let start = project.clone();
    let mut history = History::new();

    let mut meta = project.documents[0].meta.clone();
    meta.title = "Macron and Xi «talk» 🇫🇷🇨🇳".into();
    meta.status.insert("ana".into(), DocStatus::Done);
    let edit = ops::set_document_meta(&project, &"d".into(), meta.clone()).unwrap();
    history.apply(&mut project, "metadata", edit).unwrap();
    assert_eq!(project.documents[0].meta, meta);

    let actors = [ids[0].clone(), ids[1].clone()];
    let edit = ops::retag_all(&project, &actors, &"condition".into(), t(3)).unwrap();
    history.apply(&mut project, "retag both", edit).unwrap();
    assert!(
        actors
            .iter()
            .all(|id| project.annotations[id].tag.as_str() == "condition")
    );

    let mut schema = project.schema.clone();
    schema.tags.retain(|t| t.id.as_str() != "claim");
    assert!(
        matches!(
            ops::set_schema(&project, schema.clone()),
            Err(EditError::Invalid(_))
        ),
        "claim is in use"
    );
    schema = project.schema.clone();
    schema.tags.reverse();
    schema.tags[0].color = Rgb(1, 2, 3);
    let edit = ops::set_schema(&project, schema.clone()).unwrap();
    history.apply(&mut project, "reorder tags", edit).unwrap();
    assert_eq!(project.schema, schema);

    let removed = ops::remove_annotations(&project, &ids).unwrap();
    history.apply(&mut project, "remove all", removed).unwrap();
    assert!(project.annotations.is_empty());

    while history.undo(&mut project).unwrap().is_some() {}
    assert_eq!(project, start);
}

#[test]
fn removing_an_entity_unlinks_its_mentions_but_keeps_them() {
    let (mut project, ids) = project_from("[actor|Macron] spoke");
    let e = Entity {
        refs: Default::default(),
        id: "macron".into(),
        name: "Emmanuel Macron".into(),
        kind: EntityKind::Person,
        aliases: vec![],
        note: String::new(),
    };
    ops::put_entity(&project, e)
        .unwrap()
        .apply(&mut project)
        .unwrap();
    ops::set_entity(&project, &ids[0], Some(&"macron".into()), t(1))
        .unwrap()
        .apply(&mut project)
        .unwrap();
    assert!(ops::set_entity(&project, &ids[0], Some(&"nobody".into()), t(1)).is_err());
    ops::remove_entity(&project, &"macron".into(), t(2))
        .unwrap()
        .apply(&mut project)
        .unwrap();
    assert!(project.entities.is_empty());
    assert_eq!(project.annotations[&ids[0]].entity, None);
}

#[test]
fn a_group_of_thousands_of_edits_undoes_in_one_step() {
    let (mut project, ids) = project_from("[claim|talks could start] now");
    let start = project.clone();
    let mut history = History::new();
    history.begin_group("long drag");
    for i in 0..5000 {
        let end = if i % 2 == 0 { 21 } else { 17 };
        let edit = ops::resize(
            &project,
            &ids[0],
            vec![Fragment::new(ByteOffset(0)..ByteOffset(end))],
            t(i),
        )
        .unwrap();
        history.apply(&mut project, "resize", edit).unwrap();
    }
    history.end_group();
    history.undo(&mut project).unwrap();
    assert_eq!(project, start);
    history.redo(&mut project).unwrap();
    assert_eq!(project.annotations[&ids[0]].quote, "talks could start");
}

#[test]
fn edits_that_would_make_an_invalid_file_are_refused() {
    let (project, ids) = project_from("[claim|talks] by [actor|Xi]");
    let nameless = Entity {
        refs: Default::default(),
        id: "x".into(),
        name: " ".into(),
        kind: EntityKind::Person,
        aliases: vec![],
        note: String::new(),
    };
    assert!(ops::put_entity(&project, nameless).is_err());
    let mut meta = project.documents[0].meta.clone();
    meta.published = Some("April 2023".into());
    assert!(ops::set_document_meta(&project, &"d".into(), meta).is_err());
    let range = Fragment::new(ByteOffset(0)..ByteOffset(5));
    assert!(
        ops::add_annotation(
            &project,
            &"d".into(),
            &"claim".into(),
            vec![range],
            "",
            t(0)
        )
        .is_err()
    );
    let mut schema = project.schema.clone();
    schema.tags.push(schema.tags[0].clone());
    assert!(
        ops::set_schema(&project, schema).is_err(),
        "duplicate tag id"
    );
    let mut project = project;
    ops::add_relation(&project, &"said_by".into(), &ids[0], &ids[1], "ana")
        .unwrap()
        .apply(&mut project)
        .unwrap();
    let mut schema = project.schema.clone();
    schema.relations[0].to = vec!["condition".into()];
    assert!(
        ops::set_schema(&project, schema).is_err(),
        "an existing said_by would no longer fit"
    );
}

#[test]
fn adding_many_annotations_is_one_edit_with_distinct_ids() {
    let (mut project, _) = project_from("Macron and Macron and Macron");
    let before = project.clone();
    let item = |start: usize| ops::NewAnnotation {
        doc: "d".into(),
        tag: "actor".into(),
        fragments: vec![Fragment::new(ByteOffset(start)..ByteOffset(start + 6))],
        entity: None,
    };
    let edit =
        ops::add_annotations(&project, vec![item(0), item(11), item(22)], "bo", t(1)).unwrap();
    let inverse = edit.apply(&mut project).unwrap();
    assert_eq!(project.annotations.len(), 3);
    assert!(project.annotations.values().all(|a| a.quote == "Macron"));
    assert!(project.annotators.contains("bo"));
    inverse.apply(&mut project).unwrap();
    assert_eq!(project, before);

    let mut unknown = item(0);
    unknown.entity = Some("nobody".into());
    let refused = ops::add_annotations(&project, vec![item(11), unknown], "bo", t(1));
    assert!(matches!(refused, Err(EditError::Invalid(_))));
    assert_eq!(
        ops::add_annotations(&project, vec![], "bo", t(1)),
        Ok(Edit::none())
    );
}
