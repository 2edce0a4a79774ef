//! The customer import's part of the query-plan test's workload (`super::plans`): an upload,
//! its preview and commit, then a second import of the same rows that updates them, by
//! external id and by contact.

use std::time::Duration;

use axum::body::Body;
use chrono::Utc;
use huifang_domain::User;
use huifang_domain::import::ImportState;

use super::Store;
use crate::service::import::Imports;

pub(super) async fn imports(store: &Store, admin: &User) {
    let imports = Imports::default();
    let file =
        "客户编号,姓名,电话,客户等级,标签\nP-1,王,13900001111,A,老客户\n,李,13900002222,B,\n";
    for _ in 0..2 {
        let up = imports
            .upload(store, admin, "plans.csv".into(), None, Body::from(file))
            .await
            .unwrap();
        let preview = imports
            .preview(store, admin, up.id, up.mapping)
            .await
            .unwrap();
        assert_eq!(preview.counts.with_errors, 0, "{:?}", preview.errors);
        imports.commit(store, admin, up.id, Utc::now()).unwrap();
        loop {
            let status = imports.status(admin, up.id).unwrap();
            match status.state {
                ImportState::Committing => tokio::time::sleep(Duration::from_millis(20)).await,
                ImportState::Done => break,
                other => panic!("import {other:?}: {:?}", status.error),
            }
        }
    }
}
