//! The catalog editor's statements (`store::catalog_edit`) for the query-plan test.

use huifang_domain::catalog::{CatalogKind, NewDraft, PublishRequest, SaveDraft};
use huifang_domain::script::Script;
use huifang_domain::survey::Survey;

use super::{Ctx, now};

pub(super) async fn catalog(c: &mut Ctx) {
    let s = &c.store;
    let scripts = s.catalog_list(CatalogKind::Scripts).await.unwrap();
    s.catalog_list(CatalogKind::Surveys).await.unwrap();
    let demo = scripts.items[0].id;
    let mut draft = s
        .catalog_detail::<Script>(demo)
        .await
        .unwrap()
        .published
        .unwrap();
    s.catalog_detail::<Survey>(demo).await.unwrap_err();
    draft.title.push_str(" v2");
    let save = |base_rev| SaveDraft {
        base_rev,
        draft: draft.clone(),
    };
    s.catalog_save(c.admin.clone(), demo, save(0), now())
        .await
        .unwrap();
    s.catalog_save(c.admin.clone(), demo, save(0), now())
        .await
        .unwrap_err();
    s.catalog_publish::<Script>(
        c.admin.clone(),
        demo,
        PublishRequest { draft_rev: 1 },
        now(),
    )
    .await
    .unwrap();
    let mut broken = draft.clone();
    broken.steps.clear();
    let created = s
        .catalog_create(c.admin.clone(), NewDraft { draft: broken }, now())
        .await
        .unwrap();
    s.catalog_publish::<Script>(
        c.admin.clone(),
        created.id,
        PublishRequest { draft_rev: 1 },
        now(),
    )
    .await
    .unwrap_err();
    s.catalog_retire(CatalogKind::Scripts, c.admin.clone(), demo, true, now())
        .await
        .unwrap();
    s.catalog_retire(CatalogKind::Scripts, c.admin.clone(), demo, false, now())
        .await
        .unwrap();
}
