use serde_json::json;

use super::*;

fn id() -> Uuid {
    Uuid::from_u128(7)
}

#[test]
fn an_entry_opens_on_its_draft_else_its_published_version() {
    let draft = json!({"title": "草稿", "questions": [{"key": "q1", "text": "?", "kind": {"type": "stars"}}]});
    let published = json!({"id": id(), "version": 2, "title": "已发布", "questions": []});
    let versions = json!([
        {"version": 1, "published_at": "2026-12-01T08:00:00Z", "published_by": {"id": "u", "display_name": "王芳"}},
        {"version": 2, "published_at": "2026-12-02T08:00:00Z", "published_by": "李强"}
    ]);
    let both = read_entry(&json!({"id": id(), "draft": draft, "draft_rev": 4,
        "published": published, "versions": versions, "retired_at": null}))
    .unwrap();
    assert_eq!(both.survey.title, "草稿");
    assert_eq!((both.survey.id, both.survey.version), (id(), 2));
    assert_eq!((both.draft_rev, both.published), (4, Some(2)));
    assert_eq!(
        both.versions
            .iter()
            .map(|v| (v.version, v.published_by.as_str()))
            .collect::<Vec<_>>(),
        [(2, "李强"), (1, "王芳")]
    );
    assert_eq!(both.retired_at, None);

    let published_only = read_entry(&json!({"id": id(), "draft": null, "draft_rev": 0,
        "published": published, "versions": [], "retired_at": "2026-12-02T09:00:00Z"}))
    .unwrap();
    assert_eq!(published_only.survey.title, "已发布");
    assert_eq!(
        published_only.retired_at.as_deref(),
        Some("2026-12-02T09:00:00Z")
    );

    assert_eq!(read_entry(&json!({"draft": draft})), None);
}

#[test]
fn a_conflict_gives_the_other_admins_text_and_what_changed() {
    let body = json!({
        "error": {"code": "edit_conflict", "message": "changed meanwhile"},
        "current": {"draft": {"title": "他们的", "questions": []}, "draft_rev": 5,
                    "saved_by": "王芳", "saved_at": "2026-12-02T08:00:00Z"},
        "changed": ["title", "questions[q2].text"]
    });
    let c = read_conflict(&body, id(), 1).unwrap();
    assert_eq!(c.theirs.title, "他们的");
    assert_eq!(c.theirs.id, id());
    assert_eq!((c.draft_rev, c.saved_by.as_str()), (5, "王芳"));
    assert_eq!(c.changed, ["title", "questions[q2].text"]);
    let nested =
        json!({"error": {"code": "edit_conflict", "current": body["current"], "changed": []}});
    assert_eq!(
        read_conflict(&nested, id(), 1).map(|c| c.draft_rev),
        Some(5)
    );
    assert_eq!(
        read_conflict(&json!({"error": {"code": "edit_conflict"}}), id(), 1),
        None
    );
}

#[test]
fn a_refused_publish_lists_every_problem_the_server_names() {
    let listed = json!({
        "error": {"code": "invalid", "message": "questions[q3].options: …", "field": "questions[q3].options"},
        "problems": [
            {"path": "questions[q3].options", "code": "no_options", "message": "…"},
            {"path": "questions[q4].show_if", "code": "something_new", "message": "a newer rule"}
        ]
    });
    assert_eq!(
        read_problems(&listed),
        [
            Problem {
                field: "questions[q3].options".into(),
                said: Said::Reason(TemplateError::NoOptions)
            },
            Problem {
                field: "questions[q4].show_if".into(),
                said: Said::Message("a newer rule".into())
            },
        ]
    );
    let one = json!({"error": {"code": "invalid", "message": "no options", "field": "questions[q3].options"}});
    assert_eq!(
        read_problems(&one),
        [Problem {
            field: "questions[q3].options".into(),
            said: Said::Message("no options".into())
        }]
    );
    assert_eq!(
        read_problems(&json!({"error": {"code": "invalid", "message": "x"}})),
        []
    );
}
