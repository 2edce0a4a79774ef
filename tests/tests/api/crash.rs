//! kill -9 in the middle of group commits: every acknowledged visit is on disk exactly once,
//! and devices pushing their unacknowledged tail again end with exactly one copy of each.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use huifang_tests::TestServer;
use huifang_tests::load::{Device, Field};
use tokio::sync::Notify;

/// Enough devices at once that the writer finds several pushes queued behind each commit.
const DEVICES: usize = 40;
const VISITS_PER_DEVICE: usize = 60;
const BATCH: usize = 5;
/// The server is killed once this many pushes were acknowledged: a third of the load.
const KILL_AFTER: usize = DEVICES * VISITS_PER_DEVICE / BATCH / 3;

/// Each device pushes its queue, `BATCH` at a time, until it is acknowledged whole or the
/// server stops answering; `answered` counts acknowledged pushes and wakes `enough` at
/// [`KILL_AFTER`].
async fn push_all(
    devices: Vec<Device>,
    field: Field,
    answered: Arc<AtomicUsize>,
    enough: Arc<Notify>,
) -> Vec<Device> {
    let (client, field) = (reqwest::Client::new(), Arc::new(field));
    let running: Vec<_> = devices
        .into_iter()
        .map(|mut device| {
            let (client, field) = (client.clone(), Arc::clone(&field));
            let (answered, enough) = (Arc::clone(&answered), Arc::clone(&enough));
            tokio::spawn(async move {
                while !device.done() {
                    if device.push_next(&client, &field, BATCH).await.is_err() {
                        break;
                    }
                    if answered.fetch_add(1, Ordering::SeqCst) + 1 == KILL_AFTER {
                        enough.notify_one();
                    }
                }
                device
            })
        })
        .collect();
    let mut devices = Vec::new();
    for device in running {
        devices.push(device.await.expect("a pushing device"));
    }
    devices
}

/// How many rows hold the visit of `device`'s mutation `seq` (by its id, and by its device
/// and seq).
fn copies(db: &rusqlite::Connection, device: &Device, seq: usize) -> (i64, i64) {
    let m = &device.queue[seq - 1];
    let count = |sql: &str, args: [String; 2]| -> i64 {
        db.query_row(sql, args, |r| r.get(0)).expect("count visits")
    };
    (
        count(
            "SELECT COUNT(*) FROM visits WHERE id = ?1 AND device_id = ?2",
            [m.id.to_string(), device.id.to_string()],
        ),
        count(
            "SELECT COUNT(*) FROM visits WHERE device_id = ?1 AND seq = ?2",
            [device.id.to_string(), seq.to_string()],
        ),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_during_group_commits_loses_no_acknowledged_visit_and_a_repush_duplicates_none() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start_in(dir.path());
    let client = reqwest::Client::new();
    let field = Field::login(&client, &server.base).await;
    let devices: Vec<_> = (0..DEVICES)
        .map(|_| Device::new(&field, VISITS_PER_DEVICE))
        .collect();
    let (answered, enough) = (Arc::new(AtomicUsize::new(0)), Arc::new(Notify::new()));
    let load = tokio::spawn(push_all(
        devices,
        field,
        Arc::clone(&answered),
        Arc::clone(&enough),
    ));
    enough.notified().await;
    // SIGKILL, with pushes queued and a group commit likely in flight.
    drop(server);
    let devices = load.await.unwrap();
    let acknowledged: usize = devices.iter().map(|d| d.acked as usize).sum();
    assert!(acknowledged >= KILL_AFTER * BATCH, "{acknowledged}");
    assert!(
        devices.iter().any(|d| !d.done()),
        "the kill came after the load"
    );

    let server = TestServer::start_in(dir.path());
    {
        let db = server.db();
        for device in &devices {
            for seq in 1..=device.acked as usize {
                assert_eq!(copies(&db, device, seq), (1, 1), "acknowledged seq {seq}");
            }
        }
    }

    let field = Field::login(&client, &server.base).await;
    let answered = Arc::new(AtomicUsize::new(0));
    let devices = push_all(devices, field, answered, Arc::new(Notify::new())).await;
    let db = server.db();
    for device in &devices {
        assert!(device.done(), "device {} acknowledged whole", device.id);
        for seq in 1..=VISITS_PER_DEVICE {
            assert_eq!(
                copies(&db, device, seq),
                (1, 1),
                "seq {seq} after the re-push"
            );
        }
        let stored: i64 = db
            .query_row(
                "SELECT COUNT(*) FROM visits WHERE device_id = ?1",
                [device.id.to_string()],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(stored, VISITS_PER_DEVICE as i64);
    }
}
