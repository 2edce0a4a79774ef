//! Device health's statements (`store::devices`) for the query-plan test: a push and pulls
//! that report, a pull of a device seen for the first time, and the supervisors' list.

use huifang_domain::devices::DeviceReport;
use huifang_domain::{PushRequest, Role};

use super::{Ctx, now};
use crate::service::devices::DeviceQuery;
use crate::service::new_id;

pub(super) async fn devices(c: &mut Ctx) {
    let s = &c.store;
    let report = DeviceReport {
        app_version: Some("0.1.0".into()),
        queued: Some(2),
    };
    let push = PushRequest {
        device_id: c.field.id,
        mutations: Vec::new(),
    };
    s.apply_push(c.field.clone(), push, report.clone(), now())
        .await
        .unwrap();
    let fresh = new_id();
    for device in [c.field.id, fresh] {
        s.pull(
            c.field.clone(),
            0,
            None,
            Some((device, report.clone())),
            now(),
        )
        .await
        .unwrap();
    }
    s.device_health(DeviceQuery::default(), now())
        .await
        .unwrap();
    let filtered = DeviceQuery {
        silent_days: Some(7),
        role: Some(Role::Field),
        user: Some(c.field.id),
        attention: true,
    };
    s.device_health(filtered, now()).await.unwrap();
}
