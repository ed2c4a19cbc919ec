use super::*;
use crate::model::{
    Annotation, DecisionId, DocId, DocStatus, Document, Entity, EntityKind, Fragment,
    RelationKindId, TagType, Verdict, ops, parse_marked,
};
use jiff::Timestamp;

pub(super) fn t(secs: i64) -> Timestamp {
    Timestamp::from_second(1_700_000_000 + secs).unwrap()
}

/// The texts of the tests: emoji with a flag, combining accents, CJK.
pub(super) const UA: &str =
    "[actor|Zelensky 🇺🇦] said [claim|talks could start] if [condition|the cafe\u{301} reopens]";
const CN: &str = "[actor|习近平] 说 [claim|谈判可以开始] 👩‍👩‍👧 [condition|如果停火]";

/// A project with these documents (id, marked text: only the plain text is used).
pub(super) fn with_docs(docs: &[(&str, &str)]) -> Project {
    let mut p = Project::new("mine");
    for (id, marked) in docs {
        let text = parse_marked(marked).unwrap().0;
        p.documents
            .push(Document::new(*id, format!("Title {id}"), text));
    }
    p
}

/// Adds the marks of `marked` (over document `doc`'s text) to `layer` at `at`; their ids.
pub(super) fn tag(
    p: &mut Project,
    doc: &str,
    marked: &str,
    layer: &str,
    at: Timestamp,
) -> Vec<AnnotationId> {
    let (plain, marks) = parse_marked(marked).unwrap();
    assert_eq!(plain, p.document(&doc.into()).unwrap().text);
    let mut ids = Vec::new();
    for (tag, range) in marks {
        let e = ops::add_annotation(p, &doc.into(), &tag, vec![Fragment::new(range)], layer, at)
            .unwrap();
        ids.push(ops::added_annotation(&e).unwrap().clone());
        e.apply(p).unwrap();
    }
    ids
}

fn link(p: &mut Project, kind: &str, from: &AnnotationId, to: &AnnotationId, layer: &str) {
    ops::add_relation(p, &kind.into(), from, to, layer)
        .unwrap()
        .apply(p)
        .unwrap();
}

pub(super) fn merged(
    mine: &Project,
    theirs: &Project,
    options: &MergeOptions,
) -> (Project, MergeReport) {
    let plan = plan_merge(mine, theirs, options).unwrap();
    let mut out = mine.clone();
    plan.edit.apply(&mut out).unwrap();
    (out, plan.report)
}

fn layer<'r>(report: &'r MergeReport, name: &str) -> &'r LayerReport {
    report.layers.iter().find(|l| l.name == name).unwrap()
}

/// Checks the project as a load would: the merged result must always open.
pub(super) fn assert_valid(p: &Project) {
    let text = crate::store::to_string(p).unwrap();
    if let Err(e) = crate::store::from_str(std::path::Path::new("merged.ron"), &text) {
        panic!("{e}");
    }
}

/// Mine: alice on UA (document `ua`). Theirs: the same text under another id and title, bob's
/// layer with a relation, bob's progress, plus CN which I lack.
fn alice_and_bob() -> (Project, Project) {
    let mut mine = with_docs(&[("ua", UA)]);
    tag(&mut mine, "ua", UA, "alice", t(0));
    let mut theirs = with_docs(&[("kyiv", UA), ("beijing", CN)]);
    theirs.documents[0].meta.title = "Another title".into();
    let ids = tag(&mut theirs, "kyiv", UA, "bob", t(10));
    link(&mut theirs, "said_by", &ids[1], &ids[0], "bob");
    tag(&mut theirs, "beijing", CN, "bob", t(11));
    for d in &mut theirs.documents {
        d.meta.status.insert("bob".into(), DocStatus::Done);
    }
    (mine, theirs)
}

#[test]
fn a_new_layer_comes_in_whole_with_its_ids_on_my_documents() {
    let (mine, theirs) = alice_and_bob();
    let (out, report) = merged(&mine, &theirs, &MergeOptions::default());
    assert_eq!(report.documents_matched, 1);
    assert_eq!(report.documents_added, [DocId::from("beijing")]);
    let bob = layer(&report, "bob");
    assert_eq!(
        (bob.status, bob.added, bob.relations_added),
        (LayerStatus::New, 6, 1)
    );
    assert_eq!(bob.statuses, 2);
    for a in theirs.annotations.values() {
        let got = &out.annotations[&a.id];
        let doc = if a.doc.as_str() == "kyiv" {
            "ua"
        } else {
            "beijing"
        };
        assert_eq!(
            (got.doc.as_str(), &got.quote, &got.fragments),
            (doc, &a.quote, &a.fragments)
        );
    }
    assert_eq!(out.relations.len(), 1);
    assert_eq!(out.documents[0].meta.title, "Title ua", "my title is kept");
    assert_eq!(out.documents[0].meta.status["bob"], DocStatus::Done);
    assert!(out.annotators.contains("bob"));
    assert_eq!(report.conflicts(), 0);
    assert_valid(&out);
}

#[test]
fn merging_the_same_file_twice_changes_nothing_the_second_time() {
    let (mine, theirs) = alice_and_bob();
    let (once, first) = merged(&mine, &theirs, &MergeOptions::default());
    assert!(first.changed);
    let again = plan_merge(&once, &theirs, &MergeOptions::default()).unwrap();
    assert!(again.edit.is_empty());
    assert!(!again.report.changed);
    assert_eq!(layer(&again.report, "bob").status, LayerStatus::Unchanged);
    assert!(again.report.to_text().contains("nothing changed"));
    assert!(again.report.documents_added.is_empty());
}

#[test]
fn the_whole_merge_is_one_edit_whose_inverse_restores_my_project() {
    let (mine, theirs) = alice_and_bob();
    let plan = plan_merge(&mine, &theirs, &MergeOptions::default()).unwrap();
    assert!(matches!(plan.edit, Edit::Batch(_)));
    let mut p = mine.clone();
    let undo = plan.edit.apply(&mut p).unwrap();
    assert_ne!(p, mine);
    undo.apply(&mut p).unwrap();
    assert_eq!(p, mine);
}

#[test]
fn an_updated_file_from_the_same_colleague_updates_their_layer_and_keeps_what_only_i_have() {
    let (mine, theirs) = alice_and_bob();
    let (once, _) = merged(&mine, &theirs, &MergeOptions::default());
    // Bob removes his condition on UA, retags the CJK claim, adds an actor, later.
    let mut updated = theirs.clone();
    let gone = updated
        .annotations
        .values()
        .find(|a| a.annotator == "bob" && a.doc.as_str() == "kyiv" && a.tag.as_str() == "condition")
        .map(|a| a.id.clone())
        .unwrap();
    ops::remove_annotation(&updated, &gone)
        .unwrap()
        .apply(&mut updated)
        .unwrap();
    let claim = updated
        .annotations
        .values()
        .find(|a| a.doc.as_str() == "beijing" && a.tag.as_str() == "claim")
        .map(|a| a.id.clone())
        .unwrap();
    ops::retag(&updated, &claim, &"condition".into(), t(30))
        .unwrap()
        .apply(&mut updated)
        .unwrap();
    let added = tag(
        &mut updated,
        "beijing",
        "习近平 说 谈判可以开始 [actor|👩‍👩‍👧] 如果停火",
        "bob",
        t(31),
    );
    let (twice, report) = merged(&once, &updated, &MergeOptions::default());
    let bob = layer(&report, "bob");
    assert_eq!(bob.status, LayerStatus::Updated);
    assert_eq!((bob.added, bob.changed, bob.removed), (1, 1, 1));
    // Without a common ancestor a removal cannot be told from an addition of mine: kept.
    assert!(twice.annotations.contains_key(&gone));
    assert_eq!(twice.annotations[&claim].tag.as_str(), "condition");
    assert_eq!(twice.annotations[&added[0]].quote, "👩‍👩‍👧");
    let layer_of = |p: &Project, who: &str| -> BTreeMap<AnnotationId, Annotation> {
        p.annotations
            .iter()
            .filter(|(_, a)| a.annotator == who)
            .map(|(k, a)| (k.clone(), a.clone()))
            .collect()
    };
    let mut expected = layer_of(&updated, "bob");
    expected.insert(gone.clone(), once.annotations[&gone].clone());
    for a in expected.values_mut() {
        if a.doc.as_str() == "kyiv" {
            a.doc = "ua".into();
        }
    }
    assert_eq!(
        layer_of(&twice, "bob"),
        expected,
        "their layer, not a duplicate"
    );
    assert_eq!(layer_of(&twice, "alice"), layer_of(&mine, "alice"));
    assert_valid(&twice);
}

#[test]
fn a_stale_copy_of_my_own_layer_does_not_overwrite_my_newer_work() {
    let mut base = with_docs(&[("ua", UA)]);
    tag(
        &mut base,
        "ua",
        "[actor|Zelensky 🇺🇦] said talks could start if the cafe\u{301} reopens",
        "alice",
        t(0),
    );
    // Bob starts from my file of yesterday; I have tagged more since.
    let mut theirs = base.clone();
    tag(&mut theirs, "ua", UA, "bob", t(5));
    let mut mine = base;
    tag(
        &mut mine,
        "ua",
        "Zelensky 🇺🇦 said [claim|talks could start] if the cafe\u{301} reopens",
        "alice",
        t(20),
    );
    let plan = plan_merge(&mine, &theirs, &MergeOptions::default()).unwrap();
    let alice = layer(&plan.report, "alice");
    assert_eq!((alice.status, alice.removed), (LayerStatus::KeptYours, 1));
    assert!(
        plan.report
            .to_text()
            .contains("nothing newer in theirs, yours kept")
    );
    let mut out = mine.clone();
    plan.edit.apply(&mut out).unwrap();
    assert_eq!(
        out.annotations
            .values()
            .filter(|a| a.annotator == "alice")
            .count(),
        2
    );
    assert_eq!(layer(&plan.report, "bob").status, LayerStatus::New);
}

#[test]
fn an_id_my_project_uses_in_another_layer_is_renamed_and_the_same_on_every_merge() {
    let (mine, mut theirs) = alice_and_bob();
    // Give bob's actor on UA the id of alice's actor there, as a hand-made file might.
    let alice_actor = mine
        .annotations
        .values()
        .find(|a| a.tag.as_str() == "actor")
        .unwrap()
        .id
        .clone();
    let bob_actor = theirs
        .annotations
        .values()
        .find(|a| a.doc.as_str() == "kyiv" && a.tag.as_str() == "actor")
        .unwrap()
        .id
        .clone();
    let mut a = theirs.annotations.remove(&bob_actor).unwrap();
    a.id = alice_actor.clone();
    theirs.annotations.insert(a.id.clone(), a);
    use crate::model::SharedMapExt as _;
    theirs.relations.change_each(|_, r| {
        r.to = alice_actor.clone();
    });
    let (out, report) = merged(&mine, &theirs, &MergeOptions::default());
    let new_id = format!("{alice_actor}-bob");
    assert_eq!(report.renamed.len(), 1);
    assert_eq!(
        (
            report.renamed[0].from.as_str(),
            report.renamed[0].to.as_str()
        ),
        (alice_actor.as_str(), new_id.as_str())
    );
    assert_eq!(
        out.annotations[&alice_actor].annotator, "alice",
        "mine is untouched"
    );
    assert_eq!(
        out.annotations[&AnnotationId(new_id.clone())].annotator,
        "bob"
    );
    assert_eq!(
        out.relations.values().next().unwrap().to.as_str(),
        new_id,
        "the link follows"
    );
    assert_valid(&out);
    assert!(
        plan_merge(&out, &theirs, &MergeOptions::default())
            .unwrap()
            .edit
            .is_empty()
    );
}

/// Their schema: `akteur` labelled "ACTOR", `org` labelled "Organisation" (key 1).
fn with_their_tags(theirs: &mut Project) -> AnnotationId {
    let color = crate::model::PALETTE[4];
    let tag = |id: &str, label: &str| TagType {
        attributes: Default::default(),
        id: id.into(),
        label: label.into(),
        color,
        key: Some("1".into()),
        definition: String::new(),
        guideline: String::new(),
    };
    theirs.schema.tags.push(tag("akteur", "ACTOR"));
    theirs.schema.tags.push(tag("org", "Organisation"));
    let ids = tag_on(theirs, "[akteur|习近平] 说 谈判可以开始 👩‍👩‍👧 [org|如果停火]");
    ids[1].clone()
}

fn tag_on(p: &mut Project, marked: &str) -> Vec<AnnotationId> {
    tag(p, "beijing", marked, "bob", t(12))
}

#[test]
fn tags_map_by_id_then_by_label_else_are_added() {
    let (mine, mut theirs) = alice_and_bob();
    let org = with_their_tags(&mut theirs);
    let proposals = tag_proposals(&mine, &theirs);
    let shown: Vec<_> = proposals
        .iter()
        .map(|p| {
            (
                p.tag.as_str(),
                p.default.as_ref().map(TagId::as_str),
                p.uses,
            )
        })
        .collect();
    assert_eq!(shown, [("akteur", Some("actor"), 1), ("org", None, 1)]);

    let (out, report) = merged(&mine, &theirs, &MergeOptions::default());
    assert_eq!(report.tags_added, [TagId::from("org")]);
    assert_eq!(
        report.tags_mapped,
        [TagMapped {
            theirs: "akteur".into(),
            mine: "actor".into()
        }]
    );
    let org_tag = out.schema.tag(&"org".into()).unwrap();
    assert_eq!(org_tag.key, None, "key 1 is my actor's");
    assert!(out.annotations.values().all(|a| a.tag.as_str() != "akteur"));
    assert_valid(&out);

    let map = BTreeMap::from([
        ("org".into(), "condition".into()),
        ("akteur".into(), "akteur".into()),
    ]);
    let options = MergeOptions {
        layers: None,
        tag_map: map,
    };
    let (out, report) = merged(&mine, &theirs, &options);
    assert_eq!(out.annotations[&org].tag.as_str(), "condition");
    assert_eq!(
        report.tags_added,
        [TagId::from("akteur")],
        "mapped to itself: added"
    );
    assert!(plan_merge(&out, &theirs, &options).unwrap().edit.is_empty());
}

#[test]
fn bad_mappings_and_layers_are_refused_with_what_exists() {
    let (mine, theirs) = alice_and_bob();
    let map = |from: &str, to: &str| MergeOptions {
        layers: None,
        tag_map: BTreeMap::from([(from.into(), to.into())]),
    };
    let e = plan_merge(&mine, &theirs, &map("nope", "actor")).unwrap_err();
    assert!(matches!(e, MergeError::UnknownTag { .. }));
    assert!(e.to_string().contains("actor, claim, condition"), "{e}");
    let e = plan_merge(&mine, &theirs, &map("claim", "nope")).unwrap_err();
    assert!(matches!(e, MergeError::UnknownTarget { .. }), "{e}");
    let options = MergeOptions {
        layers: Some(vec!["carol".into()]),
        tag_map: BTreeMap::new(),
    };
    let e = plan_merge(&mine, &theirs, &options).unwrap_err();
    assert_eq!(
        e.to_string(),
        "their project has no layer \"carol\" (its layers: bob)"
    );
}

#[test]
fn a_layer_left_out_stays_out_and_links_into_it_are_reported() {
    let (mine, mut theirs) = alice_and_bob();
    let claim = theirs
        .annotations
        .values()
        .find(|a| a.doc.as_str() == "kyiv" && a.tag.as_str() == "claim")
        .unwrap()
        .id
        .clone();
    let condition = tag(
        &mut theirs,
        "kyiv",
        "Zelensky 🇺🇦 said talks could start if [condition|the cafe\u{301} reopens]",
        "carol",
        t(3),
    );
    // Carol links bob's claim to her condition.
    link(
        &mut theirs,
        "conditional_on",
        &claim,
        &condition[0],
        "carol",
    );
    let only_carol = MergeOptions {
        layers: Some(vec!["carol".into()]),
        tag_map: BTreeMap::new(),
    };
    let (out, report) = merged(&mine, &theirs, &only_carol);
    assert!(!layer(&report, "bob").chosen);
    assert!(out.annotations.values().all(|a| a.annotator != "bob"));
    assert_eq!(report.relations_left_out.len(), 1);
    assert_eq!(
        out.annotations
            .values()
            .filter(|a| a.annotator == "carol")
            .count(),
        1
    );
    assert!(report.to_text().contains("layer bob: not chosen"));
    assert_valid(&out);
}

#[test]
fn my_relation_types_widen_for_their_links_and_theirs_are_added() {
    let (mine, mut theirs) = alice_and_bob();
    with_their_tags(&mut theirs);
    theirs.schema.relations[0].to.push("org".into());
    theirs.schema.relations.push(crate::model::RelationType {
        attributes: Default::default(),
        id: RelationKindId::from("cites"),
        label: "cites".into(),
        from: vec!["akteur".into()],
        to: vec![],
        definition: String::new(),
    });
    let ids: Vec<AnnotationId> = theirs
        .annotations
        .values()
        .filter(|a| a.doc.as_str() == "beijing")
        .map(|a| a.id.clone())
        .collect();
    let by_tag = |tag: &str| {
        ids.iter()
            .find(|id| {
                theirs.annotations[*id].tag.as_str() == tag
                    && theirs.annotations[*id].quote != "习近平"
            })
            .cloned()
    };
    let (claim, org) = (by_tag("claim").unwrap(), by_tag("org").unwrap());
    link(&mut theirs, "said_by", &claim, &org, "bob");
    let (out, report) = merged(&mine, &theirs, &MergeOptions::default());
    assert_eq!(
        report.relation_types_widened,
        [RelationKindId::from("said_by")]
    );
    assert_eq!(report.relation_types_added, [RelationKindId::from("cites")]);
    assert_eq!(
        out.schema.relation(&"cites".into()).unwrap().from,
        [TagId::from("actor")]
    );
    assert_valid(&out);
}

#[test]
fn a_colleagues_removal_never_takes_my_annotations_or_links() {
    let (mine, theirs) = alice_and_bob();
    let (mut once, _) = merged(&mine, &theirs, &MergeOptions::default());
    let bob_actor = theirs
        .annotations
        .values()
        .find(|a| a.doc.as_str() == "kyiv" && a.tag.as_str() == "actor")
        .unwrap()
        .id
        .clone();
    let alice_claim = mine
        .annotations
        .values()
        .find(|a| a.tag.as_str() == "claim")
        .unwrap()
        .id
        .clone();
    link(&mut once, "said_by", &alice_claim, &bob_actor, "alice");
    let mut updated = theirs.clone();
    ops::remove_annotation(&updated, &bob_actor)
        .unwrap()
        .apply(&mut updated)
        .unwrap();
    tag(
        &mut updated,
        "beijing",
        "[actor|习近平 说] 谈判可以开始 👩‍👩‍👧 如果停火",
        "bob",
        t(40),
    );
    let (out, _) = merged(&once, &updated, &MergeOptions::default());
    assert!(out.annotations.contains_key(&bob_actor));
    assert_eq!(out.relations.len(), 2, "bob's link and mine");
    assert_valid(&out);
}

#[test]
fn entities_and_decisions_are_united_by_id_and_mine_win_a_clash() {
    let (mut mine, mut theirs) = alice_and_bob();
    let entity = |id: &str, name: &str| Entity {
        refs: Default::default(),
        id: id.into(),
        name: name.into(),
        kind: EntityKind::Person,
        aliases: vec!["Зеленський".into()],
        note: String::new(),
    };
    mine.entities
        .insert("e1".into(), entity("e1", "Volodymyr Zelensky"));
    theirs
        .entities
        .insert("e1".into(), entity("e1", "Zelenskyy"));
    theirs
        .entities
        .insert("e2".into(), entity("e2", "Xi Jinping"));
    let source = theirs
        .annotations
        .values()
        .find(|a| a.doc.as_str() == "kyiv")
        .unwrap()
        .id
        .clone();
    let decision = crate::model::Decision {
        values_from: Default::default(),
        id: DecisionId::from("dec1"),
        doc: "kyiv".into(),
        verdict: Verdict::Rejected,
        sources: vec![source],
        seen: Vec::new(),
        compared: Vec::new(),
        taken: Vec::new(),
        proposed_by: vec!["bob".into()],
        decided_by: "carol".into(),
        decided: t(50),
        reason: None,
        comment: "😊 ok".into(),
    };
    theirs.decisions.insert(decision.id.clone(), decision);
    let (out, report) = merged(&mine, &theirs, &MergeOptions::default());
    assert_eq!(report.entities_added, [crate::model::EntityId::from("e2")]);
    assert_eq!(report.entities_kept, [crate::model::EntityId::from("e1")]);
    assert_eq!(
        out.entities[&crate::model::EntityId::from("e1")].name,
        "Volodymyr Zelensky"
    );
    assert_eq!(
        out.decisions[&crate::model::DecisionId::from("dec1")]
            .doc
            .as_str(),
        "ua",
        "on my document"
    );
    assert_valid(&out);
    assert!(
        plan_merge(&out, &theirs, &MergeOptions::default())
            .unwrap()
            .edit
            .is_empty()
    );
}

#[test]
fn a_new_document_whose_id_i_use_for_another_text_gets_a_fresh_id() {
    let mine = with_docs(&[("d1", UA)]);
    let mut theirs = with_docs(&[("d1", CN)]);
    let ids = tag(&mut theirs, "d1", CN, "bob", t(1));
    let (out, report) = merged(&mine, &theirs, &MergeOptions::default());
    assert_eq!(report.documents_added, [DocId::from("d1-2")]);
    assert_eq!(out.annotations[&ids[0]].doc.as_str(), "d1-2");
    assert_eq!(out.documents.len(), 2);
    assert_valid(&out);
    assert!(
        plan_merge(&out, &theirs, &MergeOptions::default())
            .unwrap()
            .edit
            .is_empty()
    );
}

/// The reviewer's case: a stale copy of my layer in their file, where one of my annotations
/// was touched later (an entity merge, a review status), must not take my newer work away.
#[test]
fn a_stale_copy_of_my_layer_with_one_newer_annotation_takes_nothing_of_mine() {
    let (mine, _) = alice_and_bob();
    let mut theirs = mine.clone();
    let mut current = mine.clone();
    let mine_new = tag(
        &mut current,
        "ua",
        "Zelensky 🇺🇦 said talks [claim|could start] if the cafe\u{301} reopens",
        "alice",
        t(50),
    );
    let touched = theirs.annotations.keys().next().unwrap().clone();
    ops::set_review_status(
        &theirs,
        &touched,
        crate::model::ReviewStatus::Accepted,
        t(60),
    )
    .unwrap()
    .apply(&mut theirs)
    .unwrap();
    let (out, _) = merged(&current, &theirs, &MergeOptions::default());
    assert!(
        out.annotations.contains_key(&mine_new[0]),
        "my newer annotation stays"
    );
    assert_eq!(
        out.annotations[&touched].status,
        crate::model::ReviewStatus::Accepted,
        "their newer version of one annotation comes in"
    );
    assert_eq!(out.annotations.len(), current.annotations.len());
    assert_valid(&out);
}

/// Their codes come with their annotations: a code my codebook lacks is added, an attribute
/// my schema lacks is added, and a value my own definition of an attribute does not allow
/// is left out and counted, so the result always opens.
#[test]
fn codes_come_in_united_by_id_and_a_value_my_definition_refuses_is_left_out() {
    use crate::model::{Attribute, AttributeKind, Code, Value};
    let (mut mine, mut theirs) = alice_and_bob();
    // Mine: a stance without "neutral".
    let claim = mine
        .schema
        .tags
        .iter_mut()
        .find(|t| t.id.as_str() == "claim")
        .unwrap();
    if let Some(AttributeKind::Choice { values, .. }) = claim
        .attributes
        .iter_mut()
        .find(|a| a.id.as_str() == "stance")
        .map(|a| &mut a.kind)
    {
        values.retain(|v| v.id != "neutral");
    }
    // Theirs: a flag mine lacks, and a code.
    let their_claim = theirs
        .schema
        .tags
        .iter_mut()
        .find(|t| t.id.as_str() == "claim")
        .unwrap();
    their_claim.attributes.push(Attribute {
        id: "hedged".into(),
        label: "Hedged".into(),
        definition: String::new(),
        kind: AttributeKind::Flag,
    });
    let code = Code {
        id: "talks".into(),
        label: "谈判 talks".into(),
        color: None,
        definition: String::new(),
        parent: None,
        aliases: vec!["négociations".into()],
    };
    ops::put_code(&theirs, &"concepts".into(), code)
        .unwrap()
        .apply(&mut theirs)
        .unwrap();
    let claims: Vec<AnnotationId> = theirs
        .annotations
        .values()
        .filter(|a| a.tag.as_str() == "claim")
        .map(|a| a.id.clone())
        .collect();
    let values = [
        ("concept", Value::Code("talks".into())),
        ("hedged", Value::Flag),
        ("stance", Value::Choice(vec!["neutral".into()])),
    ];
    for (attr, v) in values {
        ops::set_values(&theirs, &claims, &attr.into(), Some(v), t(20))
            .unwrap()
            .apply(&mut theirs)
            .unwrap();
    }
    let (out, report) = merged(&mine, &theirs, &MergeOptions::default());
    assert_valid(&out);
    assert_eq!(report.codes_added, 1);
    assert_eq!(report.attributes_added, ["claim.hedged".to_owned()]);
    assert_eq!(report.attributes_kept, ["claim.stance".to_owned()]);
    assert_eq!(report.values_left_out, claims.len(), "each neutral stance");
    for c in &claims {
        let v = &out.annotations[c].values;
        assert_eq!(v.get(&"concept".into()), Some(&Value::Code("talks".into())));
        assert_eq!(v.get(&"hedged".into()), Some(&Value::Flag));
        assert!(!v.contains_key(&"stance".into()));
    }
    let text = report.to_text();
    assert!(text.contains("values left out"), "{text}");
    // A second merge brings nothing new.
    let (_, again) = merged(&out, &theirs, &MergeOptions::default());
    assert_eq!(again.codes_added, 0);
    assert!(again.attributes_added.is_empty());
}

/// Their article variables come with their definitions: on a document both have, their value
/// fills in where mine has none; on a new document it comes as it is.
#[test]
fn article_variables_come_in_with_their_definitions() {
    use crate::model::{Variable, VariableKind};
    let (mine, mut theirs) = alice_and_bob();
    theirs.schema.variables.push(Variable {
        id: "outlet".into(),
        label: "Outlet".into(),
        definition: String::new(),
        kind: VariableKind::Text,
    });
    for d in &mut theirs.documents {
        d.meta
            .variables
            .insert("outlet".into(), format!("人民日报 {}", d.id));
    }
    let (out, report) = merged(&mine, &theirs, &MergeOptions::default());
    assert_valid(&out);
    assert_eq!(
        report.attributes_added,
        ["article variable outlet".to_owned()]
    );
    let ua = out.document(&"ua".into()).unwrap();
    assert_eq!(ua.meta.variables[&"outlet".into()], "人民日报 kyiv");
    let beijing = out.document(&"beijing".into()).unwrap();
    assert_eq!(beijing.meta.variables[&"outlet".into()], "人民日报 beijing");
    assert_eq!(report.values_left_out, 0);
}
