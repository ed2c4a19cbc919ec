use super::*;
use crate::model::{
    ByteOffset, Document, Entity, EntityKind, Fragment, Project, Relation, RelationId, ops,
    project_from_marked,
};

const NOW: jiff::Timestamp = jiff::Timestamp::UNIX_EPOCH;

fn marked(text: &str) -> (Project, Vec<AnnotationId>) {
    let (mut p, ids) = project_from_marked(text, "ana", NOW).expect("marked");
    p.annotators.insert("ana".into());
    (p, ids)
}

/// Adds an annotation of `tag` on the first `needle` in `doc`.
fn add(p: &mut Project, doc: &str, tag: &str, needle: &str, layer: &str) -> AnnotationId {
    let text = &p.document(&doc.into()).expect("doc").text;
    let start = text.find(needle).expect("needle");
    let fragment = Fragment::new(ByteOffset(start)..ByteOffset(start + needle.len()));
    let edit =
        ops::add_annotation(p, &doc.into(), &tag.into(), vec![fragment], layer, NOW).expect("add");
    let id = ops::added_annotation(&edit).expect("added").clone();
    edit.apply(p).expect("applies");
    id
}

fn link(p: &mut Project, kind: &str, from: &AnnotationId, to: &AnnotationId, by: &str) {
    let id = RelationId(format!("r{}", p.relations.len() + 1));
    p.relations.insert(
        id.clone(),
        Relation {
            note: Default::default(),
            values: Default::default(),
            id,
            kind: kind.into(),
            from: from.clone(),
            to: to.clone(),
            annotator: by.into(),
            changed_by: None,
        },
    );
}

fn all(p: &Project) -> Summary {
    let layers: Vec<String> = p.annotators.iter().cloned().collect();
    Summary::of(p, &layers, None)
}

fn names(s: &Summary, actors: &[usize]) -> Vec<String> {
    actors.iter().map(|&i| s.actors[i].name.clone()).collect()
}

#[test]
fn a_speaker_is_an_actor_at_either_end_of_a_relation_with_a_claim() {
    let (mut p, ids) =
        marked("[actor|Macron] and [actor|Xi] said [claim|talks start] and [claim|maybe].");
    link(&mut p, "said_by", &ids[2], &ids[0], "ana");
    link(&mut p, "quoted", &ids[1], &ids[2], "ana"); // actor → claim, another kind
    link(&mut p, "follows", &ids[3], &ids[2], "ana"); // claim → claim: no speaker
    let s = all(&p);
    let d = &s.documents[0];
    assert_eq!(d.claims.len(), 2);
    let talks = &d.claims[0];
    assert_eq!(talks.mention.quote, "talks start");
    let said: Vec<(String, &str, &str)> = talks
        .speakers
        .iter()
        .map(|sp| {
            (
                s.actors[sp.actor].name.clone(),
                sp.mention.quote.as_str(),
                sp.kind.as_str(),
            )
        })
        .collect();
    assert_eq!(
        said,
        [
            ("Macron".to_owned(), "Macron", "said_by"),
            ("Xi".to_owned(), "Xi", "quoted")
        ]
    );
    assert!(
        d.claims[1].speakers.is_empty(),
        "a claim-to-claim link names no speaker"
    );
    assert_eq!(s.claims_without_speaker(), 1);
    let md = s.to_markdown();
    assert!(md.contains("| C1 | talks start |  |  | Macron; Xi (by quoted) |  | ana |"));
    assert!(md.contains("- Claim with no speaker: C2 “maybe” (ana)"));
}

#[test]
fn conditions_attach_to_claims_and_the_others_are_left_unattached() {
    let (mut p, ids) = marked(
        "[actor|Kyiv] wants [claim|talks] [condition|if Russia leaves] or [condition|after May].",
    );
    link(&mut p, "said_by", &ids[1], &ids[0], "ana");
    link(&mut p, "conditional_on", &ids[1], &ids[2], "ana");
    link(&mut p, "about", &ids[3], &ids[0], "ana"); // condition → actor: not attached
    let s = all(&p);
    let d = &s.documents[0];
    let conditions: Vec<&str> = d.claims[0]
        .conditions
        .iter()
        .map(|c| c.mention.quote.as_str())
        .collect();
    assert_eq!(conditions, ["if Russia leaves"]);
    let loose: Vec<&str> = d
        .unattached_conditions
        .iter()
        .map(|m| m.quote.as_str())
        .collect();
    assert_eq!(loose, ["after May"]);
    assert_eq!(s.unattached_conditions(), 1);
    assert_eq!(d.relations, 3);
}

#[test]
fn an_actor_silent_in_one_article_may_speak_in_another() {
    let (mut p, ids) = marked("[actor|Scholz] was there. [actor|Tusk] said [claim|no].");
    link(&mut p, "said_by", &ids[2], &ids[1], "ana");
    p.documents
        .push(Document::new("e", "Two", "Scholz said yes. Orbán agreed."));
    let scholz = add(&mut p, "e", "actor", "Scholz", "ana");
    let yes = add(&mut p, "e", "claim", "yes", "ana");
    add(&mut p, "e", "actor", "Orbán", "ana");
    link(&mut p, "said_by", &yes, &scholz, "ana");
    let s = all(&p);
    let silent_in = |d: usize| -> Vec<String> {
        let actors: Vec<usize> = s.documents[d].silent_actors().map(|a| a.actor).collect();
        names(&s, &actors)
    };
    assert_eq!(silent_in(0), ["Scholz"]);
    assert_eq!(silent_in(1), ["Orbán"]);
    assert_eq!(names(&s, &s.silent_actors()), ["Orbán"]);
    let scholz = s
        .actors
        .iter()
        .position(|a| a.name == "Scholz")
        .expect("Scholz");
    assert_eq!((s.claims_in(scholz, 0), s.claims_in(scholz, 1)), (0, 1));
    assert_eq!(
        s.actors[scholz].documents,
        [DocId::from("d"), DocId::from("e")]
    );
    assert_eq!(s.max_claims_in(), 1);
}

#[test]
fn mentions_group_by_entity_else_by_name_ignoring_case_and_white_space() {
    let (mut p, ids) = marked(
        "[actor|Macron] met [actor|the French president]; [actor|The  French\nPresident] and \
         [actor|the French president] left; [actor|Elysée] and [actor|Paris] spoke.",
    );
    p.entities.insert(
        "e-macron".into(),
        Entity {
            refs: Default::default(),
            id: "e-macron".into(),
            name: "Emmanuel Macron".into(),
            kind: EntityKind::Person,
            aliases: Vec::new(),
            note: String::new(),
        },
    );
    for (i, entity) in [(0, "e-macron"), (4, "e-macron"), (5, "e-gone")] {
        let a = p.annotations.get_mut(&ids[i]).expect("annotation");
        a.entity = Some(entity.into()); // e-gone is not in the registry
    }
    let s = all(&p);
    let groups: Vec<(&ActorKey, &str, usize, Option<EntityKind>)> = s
        .actors
        .iter()
        .map(|a| (&a.key, a.name.as_str(), a.mentions, a.kind))
        .collect();
    assert_eq!(
        groups,
        [
            (
                &ActorKey::Name("the french president".into()),
                "the French president",
                3,
                None
            ),
            (
                &ActorKey::Entity("e-macron".into()),
                "Emmanuel Macron",
                2,
                Some(EntityKind::Person)
            ),
            (&ActorKey::Entity("e-gone".into()), "e-gone", 1, None),
        ]
    );
    assert_eq!(
        s.actors[0].spellings,
        ["The French President", "the French president"]
    );
    assert_eq!(s.actors[1].spellings, ["Elysée", "Macron"]);
    assert_eq!(s.documents[0].actors.len(), 3);
    assert_eq!(
        name_key(" The\u{a0}French \r\n President "),
        "the french president"
    );
    // The same key as lower-casing each word: final sigma, dotted I and CJK included.
    for quote in [
        "ΟΔΥΣΣΕΥΣ  said",
        "İstanbul\u{2003}Belediyesi",
        "東京都 知事",
        "Ça\u{301}  VA ",
    ] {
        let each: Vec<String> = quote.split_whitespace().map(str::to_lowercase).collect();
        assert_eq!(name_key(quote), each.join(" "), "{quote}");
        assert_eq!(
            super::spelling(quote),
            quote.split_whitespace().collect::<Vec<_>>().join(" ")
        );
        assert_eq!(super::build::plain_spelling(quote), super::spelling(quote));
    }
    assert_eq!(name_key("ΟΔΥΣΣΕΥΣ"), "οδυσσευς");
    for quote in [
        "",
        " ",
        "Macron",
        "the French president",
        "a  b",
        "a\u{a0}b",
        " a",
        "a ",
    ] {
        let borrowed = matches!(
            super::build::plain_spelling(quote),
            std::borrow::Cow::Borrowed(_)
        );
        assert_eq!(
            super::build::plain_spelling(quote),
            super::spelling(quote),
            "{quote:?}"
        );
        assert_eq!(borrowed, super::spelling(quote) == quote, "{quote:?}");
    }
    assert_eq!(ActorKey::Entity("e-x".into()).id(), "entity:e-x");
    let md = s.to_markdown();
    assert!(md.contains("| e-gone | unknown entity | 1 | 0 | 1 | Paris |"));
    assert!(md.contains("| the French president | not linked | 3 | 0 | 1 |"));
}

#[test]
fn the_most_used_spelling_names_an_unlinked_actor() {
    let (p, _) = marked("[actor|KYIV] [actor|Kyiv] [actor|Kyiv] [actor|kyiv] [actor|kyiv]");
    let s = all(&p);
    assert_eq!(s.actors.len(), 1);
    assert_eq!(
        s.actors[0].name, "Kyiv",
        "two each: the first in sort order"
    );
}

#[test]
fn progress_counts_documents_by_status_and_work_per_annotator() {
    let (mut p, ids) = marked("[actor|Macron] said [claim|yes].");
    p.documents.push(Document::new("e", "Two", "Xi said no."));
    p.documents.push(Document::new("f", "Three", "Nothing."));
    let xi = add(&mut p, "e", "actor", "Xi", "ben");
    let no = add(&mut p, "e", "claim", "no", "ben");
    link(&mut p, "said_by", &ids[1], &ids[0], "ana");
    link(&mut p, "said_by", &no, &xi, "cleo"); // a reviewer linked ben's spans
    p.annotators.extend(["ben".to_owned(), "cleo".to_owned()]);
    p.documents[0]
        .meta
        .status
        .insert("ana".into(), DocStatus::Done);
    p.documents[1]
        .meta
        .status
        .insert("ana".into(), DocStatus::InProgress);
    p.documents[1]
        .meta
        .status
        .insert("ben".into(), DocStatus::Reviewed);
    let s = Summary::of(&p, &["ben".into(), "ana".into()], None);
    assert_eq!(s.layers, ["ana", "ben"]);
    let rows: Vec<(&str, Vec<usize>, usize, usize)> = s
        .progress
        .iter()
        .map(|r| {
            (
                r.annotator.as_str(),
                STATUSES.iter().map(|st| r.documents[st]).collect(),
                r.annotations,
                r.relations,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("ana", vec![1, 1, 1, 0], 2, 1),
            ("ben", vec![2, 0, 0, 1], 2, 0),
            ("cleo", vec![3, 0, 0, 0], 0, 1),
        ]
    );
    let md = s.to_markdown();
    assert!(md.contains(
        "| Annotator | Not started | In progress | Done | Reviewed | Annotations | Relations |"
    ));
    assert!(md.contains("| ben | 2 | 0 | 0 | 1 | 2 | 0 |"));
}

#[test]
fn layers_and_documents_limit_what_is_taken() {
    let (mut p, ids) = marked("[actor|Macron] said [claim|yes].");
    let ben_claim = add(&mut p, "d", "claim", "said yes", "ben");
    link(&mut p, "said_by", &ben_claim, &ids[0], "ben"); // crosses layers
    p.documents.push(Document::new("e", "Two", "Xi."));
    add(&mut p, "e", "actor", "Xi", "ana");
    let s = Summary::of(&p, &["ana".into()], Some(&["d".into(), "nowhere".into()]));
    assert_eq!(s.documents.len(), 1);
    assert_eq!((s.annotations, s.relations), (2, 0));
    assert!(s.documents[0].claims.iter().all(|c| c.speakers.is_empty()));
    let s = Summary::of(&p, &["ana".into(), "ben".into()], None);
    assert_eq!((s.annotations, s.relations), (4, 1));
    assert_eq!(s.actors[0].claims, 1, "a speaker of ben's claim");
}

#[test]
fn tags_follow_the_schema_then_unknown_tags_in_grey() {
    let (mut p, _) = marked("[actor|A] [actor|A2] [claim|B] [claim|C]");
    let mut odd = p.annotations.values().next().expect("one").clone();
    odd.id = "x-odd".into();
    odd.tag = "emotion".into();
    p.annotations.insert(odd.id.clone(), odd);
    let s = all(&p);
    let tags: Vec<(&str, usize, Rgb)> = s
        .tags
        .iter()
        .map(|t| (t.label.as_str(), t.count, t.color))
        .collect();
    let palette = crate::model::PALETTE;
    assert_eq!(
        tags,
        [
            ("Actor", 2, palette[0]),
            ("Claim", 2, palette[1]),
            ("Condition", 0, palette[2]),
            ("emotion", 1, UNKNOWN_TAG_COLOR),
        ]
    );
    assert_eq!(s.documents[0].tags, s.tags);
    assert_eq!(s.color_of("emotion"), UNKNOWN_TAG_COLOR);
}

#[test]
fn markdown_escapes_table_bars_line_breaks_and_markup() {
    assert_eq!(markdown::cell("a | b\r\nc\nd"), "a \\| b<br>c<br>d");
    assert_eq!(
        markdown::inline("*x* _y_ <b> [l](u) `c` $m$ #1 ~z~ &amp;\nnext"),
        "\\*x\\* \\_y\\_ \\<b\\> \\[l\\](u) \\`c\\` \\$m\\$ \\#1 \\~z\\~ \\&amp; next"
    );
    assert_eq!(markdown::cell("back\\slash"), "back\\\\slash");
    let (mut p, ids) = marked("[actor|A|B] said [claim|x\ny | *z*].");
    link(&mut p, "said_by", &ids[1], &ids[0], "ana");
    let md = all(&p).to_markdown();
    assert!(
        md.contains("| C1 | x<br>y \\| \\*z\\* |  |  | A\\|B | "),
        "{md}"
    );
    assert!(
        md.lines()
            .filter(|l| l.starts_with('|'))
            .all(|l| l.ends_with('|'))
    );
}

#[test]
fn html_escapes_every_piece_of_text_and_isolates_it() {
    assert_eq!(
        html::escape("<a href=\"x\">'&'</a>"),
        "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
    );
    assert_eq!(html::text("a\r\nb\nc"), "<bdi>a<br>b<br>c</bdi>");
    let (mut p, ids) = marked("[actor|<script>alert(1)</script>] said [claim|a & b].");
    p.name = "<i>project</i>".into();
    p.documents[0].meta.title = "\"Title\" <b>".into();
    link(&mut p, "said_by", &ids[1], &ids[0], "ana");
    let page = all(&p).to_html();
    assert!(!page.contains("<script") && !page.contains("<i>") && !page.contains("<b>"));
    assert!(page.contains("<bdi>&lt;script&gt;alert(1)&lt;/script&gt;</bdi>"));
    assert!(page.contains("<title>Summary of &lt;i&gt;project&lt;/i&gt;</title>"));
    assert!(page.contains("<bdi>a &amp; b</bdi>"));
}

#[test]
fn heat_map_cells_are_tinted_by_count_with_readable_ink() {
    assert_eq!(html::tint(Rgb(0, 0, 0), 0.0), Rgb(255, 255, 255));
    assert_eq!(html::tint(Rgb(0, 0x72, 0xB2), 1.0), Rgb(0, 0x72, 0xB2));
    assert_eq!(html::ink(Rgb(255, 255, 255)), "#000");
    assert_eq!(html::ink(Rgb(0, 0x72, 0xB2)), "#fff");
    assert_eq!(html::ink(Rgb(0xE6, 0x9F, 0x00)), "#000");
}

#[test]
fn the_fixture_summary_has_the_expected_shape_and_is_deterministic() {
    let p = crate::formats::fixture::project();
    let s = Summary::of(&p, &["ana".into(), "ben".into()], None);
    assert_eq!(
        s.actors.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
        [
            "Emmanuel Macron",
            "Macron 🇫🇷",
            "Xi Jinping",
            "la Chine",
            "Putin",
            "Zoe\u{301} Ba\u{301}nh",
            "الرئيس"
        ]
    );
    let d1 = &s.documents[0];
    let claims: Vec<(&str, usize, usize)> = d1
        .claims
        .iter()
        .map(|c| {
            (
                c.mention.quote.as_str(),
                c.speakers.len(),
                c.conditions.len(),
            )
        })
        .collect();
    assert_eq!(
        claims,
        [
            ("les pourparlers pourraient commencer", 1, 1),
            ("talks resume", 1, 0),
            ("talks can resume", 1, 0),
            ("المحادثات ستبدأ", 0, 0)
        ]
    );
    assert!(d1.says(0, 0) && d1.says(1, 2) && !d1.says(0, 2));
    assert_eq!(names(&s, &s.silent_actors()).len(), 4);
    assert_eq!(
        s.to_markdown(),
        Summary::of(&p, &s.layers, None).to_markdown()
    );
    assert_eq!(s.to_html(), s.clone().to_html());
}

#[test]
fn concepts_list_each_side_with_counts_and_neutral_apart() {
    use crate::model::{Code, Value};
    let (mut p, ids) = marked(
        "[actor|Macron] said [claim|talks now], [claim|talks later] and [claim|no talks]; \
         [actor|Xi|Li] said [claim|maybe talks] and [claim|talks?]; [claim|unsaid].",
    );
    for (claim, actor) in [(1, 0), (2, 0), (3, 0), (5, 4), (6, 4)] {
        link(&mut p, "said_by", &ids[claim], &ids[actor], "ana");
    }
    let book = p
        .codebooks
        .get_mut(&crate::model::CodebookId::from(crate::model::CONCEPTS))
        .expect("concepts");
    book.codes.push(Code {
        id: "talks".into(),
        label: "Talks | *now*".into(),
        color: None,
        definition: String::new(),
        parent: None,
        aliases: Vec::new(),
    });
    let coded = [
        (1, Some("supports")),
        (2, Some("supports")),
        (3, Some("opposes")),
        (5, Some("neutral")),
        (6, None),
        (7, Some("opposes")),
    ];
    for (i, stance) in coded {
        let a = p.annotations.get_mut(&ids[i]).expect("claim");
        a.values
            .insert("concept".into(), Value::Code("talks".into()));
        if let Some(s) = stance {
            a.values
                .insert("stance".into(), Value::Choice(vec![s.to_owned()]));
        }
    }
    let s = all(&p);
    assert_eq!(s.concepts.len(), 1);
    let c = &s.concepts[0];
    assert_eq!((c.concept.id.as_str(), c.claims), ("talks", 6));
    let side = |list: &[Side]| -> Vec<(String, usize)> {
        list.iter()
            .map(|x| (s.actors[x.actor].name.clone(), x.claims))
            .collect()
    };
    assert_eq!(side(&c.supporters), [("Macron".to_owned(), 2)]);
    assert_eq!(side(&c.opponents), [("Macron".to_owned(), 1)]);
    assert_eq!(side(&c.neutral), [("Xi|Li".to_owned(), 2)]);
    let md = s.to_markdown();
    assert!(
        md.lines()
            .any(|l| l == "| Talks \\| \\*now\\* | 6 | Macron (2) | Macron | Xi\\|Li (2) |"),
        "{md}"
    );
    assert!(
        md.lines()
            .any(|l| l == "| C4 | maybe talks | neutral or unclear | Talks \\| \\*now\\* | Xi\\|Li |  | ana |"),
        "{md}"
    );
    assert!(
        md.lines()
            .any(|l| l == "| C5 | talks? |  | Talks \\| \\*now\\* | Xi\\|Li |  | ana |"),
        "{md}"
    );
}

#[test]
fn a_summary_of_uncoded_claims_says_so() {
    let (p, _) = marked("[actor|Macron] said [claim|talks now].");
    let s = all(&p);
    assert!(s.concepts.is_empty());
    let md = s.to_markdown();
    let at = md.find("## Concepts\n\n").expect("section");
    assert!(
        md[at..].starts_with(
            "## Concepts\n\nNo claim is coded with a concept.\n\n## Actors × concepts\n\n\
             No claim coded with a concept has a speaker.\n\n## Strongest ties\n\n\
             No claim coded with a concept has a speaker.\n\n## Left unlinked"
        ),
        "{}",
        &md[at..]
    );
    assert!(
        s.to_html()
            .contains("<h2>Concepts</h2>\n<p>No claim is coded with a concept.</p>\n</section>")
    );
}
