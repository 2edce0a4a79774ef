//! 设备状态 (`GET /api/devices`, issue 12): what pushes and pulls report about their device
//! (the `Huifang-*` headers), the rejection count, the silent and unsynced flags, who may
//! read it and what it refuses.

use chrono::Duration;
use huifang_domain::devices::{DeviceHealth, DeviceRow};
use huifang_domain::{PushRequest, PushResponse};
use huifang_tests::{Session, TestServer, clock_start, expect_bad_request, expect_error, new_id};
use reqwest::StatusCode;
use uuid::Uuid;

/// Pushes `req` with the device-health headers (`None`: the header left out, as an app
/// from before device health does).
async fn push_reporting(
    s: &Session,
    req: &PushRequest,
    version: Option<&str>,
    queued: Option<u32>,
) -> reqwest::Response {
    let mut b = s.post("/api/sync/push").json(req);
    if let Some(v) = version {
        b = b.header("Huifang-App-Version", v);
    }
    if let Some(q) = queued {
        b = b.header("Huifang-Queued", q.to_string());
    }
    b.send().await.unwrap()
}

async fn health(s: &Session, query: &str) -> DeviceHealth {
    s.get_ok(&format!("/api/devices{query}")).await
}

fn row(h: &DeviceHealth, device: Uuid) -> DeviceRow {
    h.devices
        .iter()
        .find(|d| d.device_id == device)
        .cloned()
        .unwrap_or_else(|| panic!("device {device} listed in {h:?}"))
}

#[tokio::test]
async fn a_push_reports_its_queue_and_version_and_a_rejection_counts() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let sup = server.supervisor().await;
    let customer = field.customers().await[0].id;
    let device = new_id();
    let good = field.visit(1, customer);
    let mut bad = field.visit(2, customer);
    bad.data["satisfaction"] = serde_json::json!(9);
    let req = PushRequest {
        device_id: device,
        mutations: vec![good, bad],
    };
    let res = push_reporting(&field, &req, Some("0.3.1"), Some(3)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let answer: PushResponse = res.json().await.unwrap();
    assert_eq!(answer.rejected.len(), 1);

    let h = health(&sup, "").await;
    let d = row(&h, device);
    assert_eq!(d.display_name, field.user.display_name);
    assert_eq!(d.device_short, device.to_string()[..8]);
    assert_eq!(d.app_version.as_deref(), Some("0.3.1"));
    assert_eq!(d.queued, Some(3));
    assert_eq!(d.queued_at, Some(d.last_contact_at));
    assert_eq!(d.last_push_at, Some(d.last_contact_at));
    assert_eq!(d.rejected, 1);
    assert!(d.flags.unsynced && !d.flags.silent);
    assert!(h.unsynced_people >= 1);
    assert!(h.devices[0].flags.unsynced, "unsynced work comes first");

    // A replay does not count its rejection again; the queue drained is reported.
    let res = push_reporting(&field, &req, Some("0.3.1"), Some(0)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let d = row(&health(&sup, "").await, device);
    assert_eq!((d.rejected, d.queued), (1, Some(0)));
    assert!(!d.flags.unsynced);

    // Another device on a newer app makes this one outdated.
    let newer = PushRequest {
        device_id: new_id(),
        mutations: Vec::new(),
    };
    let agent = server.agent().await;
    push_reporting(&agent, &newer, Some("0.10.0"), Some(0)).await;
    let h = health(&sup, "").await;
    assert_eq!(h.newest_version.as_deref(), Some("0.10.0"));
    assert!(row(&h, device).flags.outdated);
    assert!(!row(&h, newer.device_id).flags.outdated);

    // Filters: by role, by person.
    let only_agents = health(&sup, "?role=agent").await;
    assert!(
        only_agents
            .devices
            .iter()
            .all(|d| d.role.as_str() == "agent")
    );
    assert!(
        only_agents
            .devices
            .iter()
            .any(|d| d.device_id == newer.device_id)
    );
    let mine = health(&sup, &format!("?user={}", field.user.id)).await;
    assert!(mine.devices.iter().all(|d| d.user_id == field.user.id));
}

#[tokio::test]
async fn an_old_app_pushes_and_pulls_without_the_headers() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let customer = field.customers().await[0].id;
    let device = new_id();
    let answer = field
        .push(device, &[field.visit(1, customer)])
        .await
        .expect("a push without the new headers");
    assert_eq!(answer.acked_seq, 1);
    field.pull(0).await;

    let d = row(&health(&server.admin().await, "").await, device);
    assert_eq!((d.app_version, d.queued), (None, None));
    assert!(d.last_push_at.is_some() && d.last_pull_at.is_none());
    assert!(!d.flags.unsynced && !d.flags.outdated);
}

#[tokio::test]
async fn a_pull_naming_its_device_records_the_contact() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let sup = server.supervisor().await;
    let device = new_id();
    let pull = |queued: u32| {
        field
            .get("/api/sync/pull?since=0")
            .header("Huifang-Device", device.to_string())
            .header("Huifang-App-Version", "0.2.0")
            .header("Huifang-Queued", queued.to_string())
    };
    assert_eq!(pull(2).send().await.unwrap().status(), StatusCode::OK);
    let d = row(&health(&sup, "").await, device);
    assert_eq!(d.user_id, field.user.id);
    assert_eq!(d.last_pull_at, Some(d.first_seen));
    assert_eq!((d.queued, d.last_push_at), (Some(2), None));
    assert!(d.flags.unsynced);

    // Within the minute, a pull with news still writes it.
    assert_eq!(pull(0).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(row(&health(&sup, "").await, device).queued, Some(0));

    // Someone else's pull naming this device leaves it alone.
    let agent = server.agent().await;
    let res = agent
        .get("/api/sync/pull?since=0")
        .header("Huifang-Device", device.to_string())
        .header("Huifang-Queued", "7")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let d = row(&health(&sup, "").await, device);
    assert_eq!((d.user_id, d.queued), (field.user.id, Some(0)));
}

#[tokio::test]
async fn a_device_silent_past_the_days_is_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let device = {
        let server = TestServer::start_in(dir.path());
        let field = server.field().await;
        let device = new_id();
        let req = PushRequest {
            device_id: device,
            mutations: Vec::new(),
        };
        let res = push_reporting(&field, &req, Some("0.1.0"), Some(1)).await;
        assert_eq!(res.status(), StatusCode::OK);
        let h = health(&server.supervisor().await, "").await;
        assert!(!row(&h, device).flags.silent);
        device
    };
    let server = TestServer::start_in_at(dir.path(), clock_start() + Duration::days(4));
    let sup = server.supervisor().await;
    let h = health(&sup, "").await;
    assert_eq!(h.silent_days, 3, "the organisation's default");
    let d = row(&h, device);
    assert!(d.flags.silent && d.flags.unsynced);
    assert!(h.silent_devices >= 1);
    // A wider threshold for this reading; only what needs attention.
    assert!(
        !row(&health(&sup, "?silent_days=5").await, device)
            .flags
            .silent
    );
    let attention = health(&sup, "?attention=true").await;
    assert!(
        attention
            .devices
            .iter()
            .all(|d| d.flags.silent || d.flags.unsynced)
    );
    assert!(attention.devices.iter().any(|d| d.device_id == device));
}

#[tokio::test]
async fn the_silent_days_setting_is_checked_and_used() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    let mut read: serde_json::Value = admin.get_ok("/api/settings").await;
    assert_eq!(read["settings"]["device_silent_days"], 3);
    read["settings"]["device_silent_days"] = 91.into();
    let res = admin.put("/api/settings").json(&read).send().await.unwrap();
    let error = expect_error(res, StatusCode::UNPROCESSABLE_ENTITY, "invalid").await;
    assert_eq!(error.error.field.as_deref(), Some("device_silent_days"));
    read["settings"]["device_silent_days"] = 7.into();
    let res = admin.put("/api/settings").json(&read).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(health(&admin, "").await.silent_days, 7);
}

#[tokio::test]
async fn field_and_agent_may_not_read_it_and_bad_filters_are_named() {
    let server = TestServer::in_process();
    for s in [server.field().await, server.agent().await] {
        assert_eq!(s.get_status("/api/devices").await, StatusCode::FORBIDDEN);
    }
    let sup = server.supervisor().await;
    for (query, field) in [
        ("silent_days=0", "silent_days"),
        ("silent_days=91", "silent_days"),
        ("silent_days=three", "silent_days"),
        ("role=boss", "role"),
        ("user=nobody", "user"),
        ("attention=yes", "attention"),
    ] {
        let res = sup
            .get(&format!("/api/devices?{query}"))
            .send()
            .await
            .unwrap();
        expect_bad_request(res, field).await;
    }
    let field = server.field().await;
    let req = PushRequest {
        device_id: new_id(),
        mutations: Vec::new(),
    };
    for (version, queued, header) in [
        (Some("0.1 beta"), None, "huifang-app-version"),
        (None, Some("-2"), "huifang-queued"),
    ] {
        let mut b = field.post("/api/sync/push").json(&req);
        if let Some(v) = version {
            b = b.header("Huifang-App-Version", v);
        }
        if let Some(q) = queued {
            b = b.header("Huifang-Queued", q);
        }
        expect_bad_request(b.send().await.unwrap(), header).await;
    }
    let res = field
        .get("/api/sync/pull?since=0")
        .header("Huifang-Device", "not-a-uuid")
        .send()
        .await
        .unwrap();
    expect_bad_request(res, "huifang-device").await;
}
