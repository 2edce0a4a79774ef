use super::memory::MemoryBackend;
use super::migration::{Meta, Migration};
use super::outbox::{DeviceIdentity, LocalVisit};
use super::quota::QUOTA_UNITS;
use super::*;
use chrono::TimeZone;
use huifang_domain::task::{TaskStatus, VisitTask};
use huifang_domain::{
    Channel, Customer, CustomerClass, Mutation, MutationKind, Outcome, PushResponse, Rejected,
    Role, User, VisitRecord, VisitType,
};
use std::sync::atomic::{AtomicU64, Ordering};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap()
}

fn user(n: u128) -> User {
    User {
        id: Uuid::from_u128(n),
        username: format!("u{n}"),
        display_name: format!("User {n}"),
        role: Role::Field,
        agent_no: "007".into(),
    }
}

fn record() -> VisitRecord {
    VisitRecord::new(
        Uuid::from_u128(99),
        Channel::Phone,
        VisitType::Repair,
        Outcome::NoAnswer,
        now(),
    )
}

/// Distinct from every user and record id the tests use.
fn new_device_id() -> Uuid {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    Uuid::from_u128((0xD << 64) | u128::from(NEXT.fetch_add(1, Ordering::Relaxed)))
}

fn store_with(backend: MemoryBackend) -> LocalStore<MemoryBackend> {
    LocalStore::new(backend, new_device_id, now)
}

fn store() -> LocalStore<MemoryBackend> {
    store_with(MemoryBackend::default())
}

fn save_as(s: &LocalStore<MemoryBackend>, u: &User, n: u128) -> LocalVisit {
    s.save_visit(
        u,
        Uuid::from_u128(n),
        record(),
        "王女士".into(),
        now(),
        None,
    )
    .unwrap()
}

fn save(s: &LocalStore<MemoryBackend>, n: u128) -> LocalVisit {
    save_as(s, &user(1), n)
}

fn seqs(entries: &[OutboxEntry]) -> Vec<u64> {
    entries.iter().map(|e| e.mutation.seq).collect()
}

fn acked(acked_seq: u64, rejected: Vec<Rejected>) -> PushResponse {
    PushResponse {
        acked_seq,
        rejected,
    }
}

fn invalid(seq: u64) -> Rejected {
    Rejected {
        seq,
        code: "invalid".into(),
        message: "bad".into(),
        field: Some("verbatim".into()),
    }
}

#[test]
fn keys_live_under_the_versioned_namespace() {
    let s = store();
    save(&s, 10);
    let keys = s.backend.keys();
    assert!(
        keys.iter().all(|k| k.starts_with("huifang/v1/")),
        "{keys:?}"
    );
    let u1 = Uuid::from_u128(1);
    assert!(keys.contains(&format!("huifang/v1/outbox/{u1}/1")));
    assert!(keys.contains(&format!("huifang/v1/visit/{}", Uuid::from_u128(10))));
    assert!(keys.contains(&format!("huifang/v1/device/{u1}")));
    assert_eq!(keys::outbox(u1, 7), format!("outbox/{u1}/7"));
    assert_eq!(keys::rejected(u1, 7), format!("rejected/{u1}/7"));
    assert_eq!(keys::owner(&keys::outbox(u1, 7), keys::OUTBOX), Some(u1));
    assert_eq!(
        keys::owner(&keys::rejected(u1, 7), keys::REJECTED),
        Some(u1)
    );
    assert_eq!(keys::owner(&keys::rejected(u1, 7), keys::OUTBOX), None);
    assert_eq!(keys::owner(&format!("outbox/{u1}/x"), keys::OUTBOX), None);
    assert_eq!(keys::owner("outbox/7", keys::OUTBOX), None);
}

#[test]
fn the_outbox_is_in_numeric_seq_order() {
    let names = [
        "outbox/u/10",
        "outbox/u/9",
        "outbox/u/100",
        "outbox/v/2",
        "visit/x",
        "outbox/u/nope",
        "outbox/u/1",
    ];
    assert_eq!(keys::seqs(names, "outbox/u/"), vec![1, 9, 10, 100]);

    let s = store();
    for n in 0..12 {
        save(&s, n);
    }
    assert_eq!(seqs(&s.outbox(user(1).id)), (1..=12).collect::<Vec<_>>());
}

#[test]
fn saving_a_visit_writes_a_constant_number_of_keys() {
    let s = store();
    for n in 0..50 {
        save(&s, n);
    }
    // Another user's long queue costs this user nothing either.
    for n in 100..150 {
        save_as(&s, &user(2), n);
    }
    for n in 50..53 {
        let (keys, writes) = (s.backend.keys().len(), s.backend.writes.get());
        save(&s, n);
        // One new outbox key and one new visit key; the device identity is rewritten in
        // place with the next seq.
        assert_eq!(s.backend.keys().len(), keys + 2);
        assert_eq!(s.backend.writes.get(), writes + 3);
    }
    let entry: OutboxEntry = s.get(&keys::outbox(user(1).id, 53)).unwrap();
    assert_eq!(entry.schema, SCHEMA_VERSION);
    assert_eq!(entry.mutation.kind, "visit.record");
    assert_eq!(entry.mutation.id, Uuid::from_u128(52));
}

#[test]
fn queueing_a_ticket_change_writes_two_keys_and_shares_the_visits_seq() {
    let s = store();
    for n in 0..40 {
        save(&s, n);
    }
    let me = user(1);
    for n in 0..3u64 {
        let (keys, writes) = (s.backend.keys().len(), s.backend.writes.get());
        let seq = s
            .queue(
                &me,
                Uuid::from_u128(500),
                MutationKind::TicketUpdate,
                serde_json::json!({"note": "已联系"}),
                now(),
            )
            .unwrap();
        assert_eq!(seq, 41 + n);
        assert_eq!(s.backend.keys().len(), keys + 1);
        assert_eq!(s.backend.writes.get(), writes + 2);
    }
    let queue = s.outbox(me.id);
    assert_eq!(queue.len(), 43);
    assert_eq!(queue[42].mutation.kind, "ticket.update");
}

#[test]
fn a_full_storage_queues_no_ticket_change() {
    let s = store_with(MemoryBackend {
        quota: Some(400),
        ..MemoryBackend::default()
    });
    let me = user(1);
    let before = s.backend.map.borrow().clone();
    let big = serde_json::json!({"note": "很长".repeat(200)});
    let got = s.queue(
        &me,
        Uuid::from_u128(5),
        MutationKind::TicketUpdate,
        big,
        now(),
    );
    assert_eq!(got, Err(StoreError::QuotaExceeded));
    assert_eq!(*s.backend.map.borrow(), before);
}

#[test]
fn cached_tickets_keep_the_newest_version_and_leave_at_logout() {
    let s = store();
    let rules = crate::tickets::logic::TicketRules::default();
    let m = Mutation {
        seq: 1,
        id: Uuid::from_u128(9),
        kind: "ticket.create".into(),
        at: now(),
        data: serde_json::json!({"channel": "hotline", "nature": "service",
            "sub_problem": "attitude", "description": "挂电话", "demand": "emotional"}),
    };
    let mut t = crate::tickets::logic::local_ticket(&rules, &m, &user(1)).unwrap();
    t.version = 5;
    s.put_tickets(std::slice::from_ref(&t)).unwrap();
    let mut old = t.clone();
    old.version = 4;
    old.reports = 9;
    s.put_tickets(&[old]).unwrap();
    assert_eq!(s.ticket(t.id), Some(t.clone()));
    assert_eq!(s.tickets().len(), 1);
    s.forget_user_data();
    assert!(s.tickets().is_empty());
}

#[test]
fn a_full_storage_keeps_everything_already_saved_and_adds_nothing() {
    let s = store_with(MemoryBackend {
        quota: Some(3000),
        ..Default::default()
    });
    let mut saved = 0;
    let err = loop {
        match s.save_visit(
            &user(1),
            Uuid::from_u128(saved),
            record(),
            "x".into(),
            now(),
            None,
        ) {
            Ok(_) => saved += 1,
            Err(e) => break e,
        }
    };
    assert_eq!(err, StoreError::QuotaExceeded);
    assert!(saved > 0);
    assert_eq!(s.outbox(user(1).id).len() as u128, saved);
    assert_eq!(s.visits(user(1).id).len() as u128, saved);
    assert_eq!(s.identity(&user(1)).next_seq, saved as u64 + 1);

    // A user's first save into a full storage leaves not even a device identity behind.
    let before = s.backend.map.borrow().clone();
    let err = s.save_visit(
        &user(2),
        Uuid::from_u128(500),
        record(),
        "x".into(),
        now(),
        None,
    );
    assert_eq!(err, Err(StoreError::QuotaExceeded));
    assert_eq!(*s.backend.map.borrow(), before);
}

#[test]
fn the_device_identity_is_made_once_per_user() {
    let s = store();
    let a = s.device(&user(1)).unwrap();
    assert_eq!(s.device(&user(1)).unwrap(), a);
    assert_eq!((a.next_seq, a.display_name.as_str()), (1, "User 1"));
    let b = s.device(&user(2)).unwrap();
    assert_ne!(a.device_id, b.device_id);

    // Saving keeps the id; a renamed user keeps their id and seq under the new name.
    save(&s, 1);
    let mut renamed = user(1);
    renamed.display_name = "李明".into();
    let c = s.device(&renamed).unwrap();
    assert_eq!((c.device_id, c.next_seq), (a.device_id, 2));
    assert_eq!(s.identity(&user(1)).device_id, a.device_id);
    assert_eq!(
        s.get::<DeviceIdentity>(&keys::device(user(1).id))
            .unwrap()
            .display_name,
        "李明"
    );
}

#[test]
fn two_users_outboxes_are_independent() {
    let s = store();
    for n in 1..=3 {
        save_as(&s, &user(1), n);
    }
    for n in 11..=12 {
        save_as(&s, &user(2), n);
    }
    let (a, b) = (user(1).id, user(2).id);
    // Each user's seqs start at 1 under their own device id: the server sees two
    // contiguous sequences, never one user's gap in the other's.
    assert_eq!(seqs(&s.outbox(a)), vec![1, 2, 3]);
    assert_eq!(seqs(&s.outbox(b)), vec![1, 2]);
    assert_eq!(s.outbox(b)[0].mutation.id, Uuid::from_u128(11));
    assert_ne!(
        s.device(&user(1)).unwrap().device_id,
        s.device(&user(2)).unwrap().device_id
    );
    assert_ne!(keys::outbox(a, 1), keys::outbox(b, 1));
    assert_eq!(s.queue_stats(a).queued, 3);
    assert_eq!(s.queue_stats(b).queued, 2);
    assert_eq!(s.visits(a).len(), 3);
    assert_eq!(s.visits(b).len(), 2);
    assert_eq!(s.queue_stats(user(3).id), QueueStats::default());
}

#[test]
fn a_push_answer_for_one_user_leaves_the_others_entries_alone() {
    let s = store();
    for n in 1..=2 {
        save_as(&s, &user(1), n);
    }
    for n in 11..=12 {
        save_as(&s, &user(2), n);
    }
    let (a, b) = (user(1).id, user(2).id);
    let sent = s.outbox(a);
    s.apply_push(a, &sent, &acked(2, vec![invalid(1)])).unwrap();

    assert!(s.outbox(a).is_empty());
    assert_eq!(s.rejected(a).len(), 1);
    // Same seqs, other user: still queued, not rejected, not synced.
    assert_eq!(seqs(&s.outbox(b)), vec![1, 2]);
    assert!(s.rejected(b).is_empty());
    assert!(s.visits(b).iter().all(|v| v.state == VisitState::Queued),);
    assert_eq!(
        s.visit(Uuid::from_u128(2)).unwrap().state,
        VisitState::Synced
    );

    // Discarding one user's rejected seq 1 does not touch the other's seq 1.
    s.discard_rejected(a, 1);
    assert!(s.visit(Uuid::from_u128(1)).is_none());
    assert!(s.visit(Uuid::from_u128(11)).is_some());
    assert_eq!(seqs(&s.outbox(b)), vec![1, 2]);
}

#[test]
fn other_users_unsynced_records_are_counted_by_name() {
    let s = store();
    for n in 1..=2 {
        save_as(&s, &user(1), n);
    }
    let mut li = user(2);
    li.display_name = "李明".into();
    for n in 11..=13 {
        save_as(&s, &li, n);
    }
    let sent = s.outbox(li.id);
    // One of 李明's synced, one rejected (still unsynced), one still queued.
    s.apply_push(li.id, &sent[..2], &acked(2, vec![invalid(2)]))
        .unwrap();
    // Someone who only logged in here has nothing waiting.
    s.device(&user(3)).unwrap();

    let backlog = |name: &str, owner: Uuid, unsynced| UserBacklog {
        owner,
        display_name: name.into(),
        unsynced,
    };
    assert_eq!(
        s.others_backlog(Some(user(1).id)),
        vec![backlog("李明", li.id, 2)]
    );
    assert_eq!(
        s.others_backlog(Some(li.id)),
        vec![backlog("User 1", user(1).id, 2)]
    );
    assert_eq!(
        s.others_backlog(Some(user(3).id)),
        vec![backlog("User 1", user(1).id, 2), backlog("李明", li.id, 2)]
    );
    assert_eq!(s.others_backlog(None), s.others_backlog(Some(user(3).id)));
    let stats = s.queue_stats(li.id);
    assert_eq!((stats.queued, stats.rejected), (1, 1));
}

#[test]
fn acked_entries_leave_the_outbox_and_rejected_ones_need_attention() {
    let s = store();
    for n in 1..=4 {
        save(&s, n);
    }
    let me = user(1).id;
    let sent = s.outbox(me);
    s.apply_push(me, &sent, &acked(3, vec![invalid(2)]))
        .unwrap();
    assert_eq!(seqs(&s.outbox(me)), vec![4]);
    let stats = s.queue_stats(me);
    assert_eq!((stats.queued, stats.rejected), (1, 1));
    assert_eq!(stats.oldest, Some(now()));
    assert_eq!(
        s.visit(Uuid::from_u128(1)).unwrap().state,
        VisitState::Synced
    );
    assert_eq!(
        s.visit(Uuid::from_u128(4)).unwrap().state,
        VisitState::Queued
    );
    assert_eq!(
        s.visit(Uuid::from_u128(2)).unwrap().state.as_str(),
        "rejected"
    );
    let rejected = s.rejected(me);
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].field.as_deref(), Some("verbatim"));
    assert_eq!(rejected[0].mutation.id, Uuid::from_u128(2));
}

#[test]
fn resending_replaces_the_rejected_entry_with_a_new_seq() {
    let s = store();
    let me = user(1).id;
    save(&s, 1);
    let sent = s.outbox(me);
    let conflict = Rejected {
        seq: 1,
        code: "conflict".into(),
        message: "unknown customer".into(),
        field: None,
    };
    s.apply_push(me, &sent, &acked(1, vec![conflict])).unwrap();
    let v = s
        .save_visit(
            &user(1),
            Uuid::from_u128(1),
            record(),
            "x".into(),
            now(),
            Some(1),
        )
        .unwrap();
    assert_eq!(v.seq, 2);
    assert!(s.rejected(me).is_empty());
    assert_eq!(s.outbox(me).len(), 1);
    assert_eq!(
        s.visit(Uuid::from_u128(1)).unwrap().state,
        VisitState::Queued
    );

    // Discarding removes both the entry and its local copy.
    let sent = s.outbox(me);
    let no = Rejected::new(2, huifang_domain::RejectCode::Invalid, "no");
    s.apply_push(me, &sent, &acked(2, vec![no])).unwrap();
    s.discard_rejected(me, 2);
    assert!(s.rejected(me).is_empty());
    assert!(s.visit(Uuid::from_u128(1)).is_none());
}

#[test]
fn a_lost_answer_is_harmless_because_nothing_is_dropped_before_it() {
    let s = store();
    let me = user(1).id;
    save(&s, 1);
    save(&s, 2);
    // The push went out but its answer never came: the outbox is untouched.
    assert_eq!(s.outbox(me).len(), 2);
    // The retry is answered with the same acked_seq; applying it twice changes nothing.
    let sent = s.outbox(me);
    s.apply_push(me, &sent, &acked(2, vec![])).unwrap();
    s.apply_push(me, &sent, &acked(2, vec![])).unwrap();
    assert!(s.outbox(me).is_empty());
    assert_eq!(s.visits(me).len(), 2);
}

#[test]
fn migration_runs_each_step_once_and_records_the_version() {
    fn to_v2(s: &LocalStore<MemoryBackend>) -> Result<(), StoreError> {
        let n: u32 = s.get("steps").unwrap_or(0);
        s.put("steps", &(n + 1))?;
        s.put("v2_marker", &true)
    }
    fn to_v3(s: &LocalStore<MemoryBackend>) -> Result<(), StoreError> {
        let n: u32 = s.get("steps").unwrap_or(0);
        s.put("steps", &(n + 10))
    }
    let s = store();
    let steps: [Migration<MemoryBackend>; 2] = [to_v2, to_v3];
    assert_eq!(s.migrate_with(&steps, 3).unwrap(), 3);
    assert_eq!(s.get::<u32>("steps"), Some(11));
    assert_eq!(s.get::<bool>("v2_marker"), Some(true));
    // Already current: nothing runs again.
    assert_eq!(s.migrate_with(&steps, 3).unwrap(), 3);
    assert_eq!(s.get::<u32>("steps"), Some(11));
    // Data from a newer app is left alone.
    assert_eq!(s.migrate().unwrap(), 3);
    assert_eq!(SCHEMA_VERSION, 2);
    assert_eq!(s.get::<Meta>(keys::META), Some(Meta { schema: 3 }));
    // A missing step is an error, not a silent skip.
    let fresh = store();
    assert!(fresh.migrate_with(&steps[..1], 3).is_err());
}

#[test]
fn the_single_draft_of_schema_1_becomes_one_of_many() {
    let s = store();
    s.put(
        keys::OLD_DRAFT,
        &serde_json::json!({"customer_id": "x", "verbatim": "半句话"}),
    )
    .unwrap();
    assert_eq!(s.migrate().unwrap(), 2);
    assert_eq!(s.get::<serde_json::Value>(keys::OLD_DRAFT), None);
    let drafts = s.drafts();
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0].verbatim, "半句话");
    assert_eq!(s.draft(drafts[0].id).unwrap().id, drafts[0].id);
    // A fresh device has nothing to move.
    let fresh = store();
    assert_eq!(fresh.migrate().unwrap(), 2);
    assert!(fresh.drafts().is_empty());
}

#[test]
fn drafts_are_one_key_each_newest_first() {
    let s = store();
    let mut a = crate::visits::form::Draft::new(Uuid::from_u128(70), None, now());
    a.verbatim = "a".into();
    let mut b = crate::visits::form::Draft::new(
        Uuid::from_u128(71),
        None,
        now() + chrono::Duration::minutes(1),
    );
    b.verbatim = "b".into();
    let (wa, _) = (s.backend.writes.get(), s.put_draft(&a).unwrap());
    s.put_draft(&b).unwrap();
    assert_eq!(s.backend.writes.get(), wa + 2);
    let ids: Vec<Uuid> = s.drafts().iter().map(|d| d.id).collect();
    assert_eq!(ids, vec![b.id, a.id]);
    s.remove_draft(b.id);
    assert_eq!(s.drafts(), vec![a]);
}

#[test]
fn closed_tasks_leave_the_device_and_a_saved_visit_closes_its_task_at_once() {
    use huifang_domain::task::{Priority, TaskSource};
    let task = |n: u128, status| VisitTask {
        id: Uuid::from_u128(n),
        customer_id: Uuid::from_u128(99),
        assignee: Uuid::from_u128(1),
        visit_type: VisitType::Repair,
        planned_channel: Channel::OnSite,
        priority: Priority::Normal,
        due_from: now(),
        due_until: now() + chrono::Duration::hours(n as i64),
        attempt: 1,
        source: TaskSource::Plan,
        status,
        note: String::new(),
        retry_reason: None,
        version: 1,
    };
    let s = store();
    s.put_tasks(&[task(2, TaskStatus::Open), task(1, TaskStatus::Open)])
        .unwrap();
    assert_eq!(
        s.tasks().iter().map(|t| t.id).collect::<Vec<_>>(),
        vec![Uuid::from_u128(1), Uuid::from_u128(2)]
    );
    s.put_tasks(&[task(2, TaskStatus::Done)]).unwrap();
    assert_eq!(s.tasks().len(), 1);
    s.finish_task(Uuid::from_u128(1)).unwrap();
    assert_eq!(s.tasks()[0].status, TaskStatus::Done);
}

#[test]
fn logging_out_forgets_customers_but_keeps_records() {
    let s = store();
    save(&s, 1);
    let c = Customer {
        id: Uuid::from_u128(3),
        name: "李先生".into(),
        class: CustomerClass::A,
        vip: true,
        contact_masked: "138****5678".into(),
        summary: "空调维修".into(),
        version: 1,
    };
    s.put_customers(std::slice::from_ref(&c)).unwrap();
    s.put(keys::CURSOR, &1u64).unwrap();
    assert_eq!(s.customers(), vec![c]);
    s.forget_user_data();
    assert!(s.customers().is_empty());
    assert_eq!(s.get::<u64>(keys::CURSOR), None);
    assert_eq!(s.outbox(user(1).id).len(), 1);
    assert!(s.get::<DeviceIdentity>(&keys::device(user(1).id)).is_some());
    assert_eq!(s.visits(user(1).id).len(), 1);
    assert!(s.visits(user(2).id).is_empty());
}

/// The usage a full read of the storage gives, as the store measured it before it kept a
/// running total.
fn recount(s: &LocalStore<MemoryBackend>) -> usize {
    s.backend
        .map
        .borrow()
        .iter()
        .filter(|(k, _)| k.starts_with(NAMESPACE))
        .map(|(k, v)| k.encode_utf16().count() + v.encode_utf16().count())
        .sum()
}

fn synced_visit(n: u128, synced_days_ago: i64) -> LocalVisit {
    LocalVisit {
        id: Uuid::from_u128(n),
        owner: user(1).id,
        seq: n as u64,
        customer_name: "王女士".into(),
        record: record(),
        saved_at: now() - chrono::Duration::days(synced_days_ago + 1),
        state: VisitState::Synced,
        synced_at: Some(now() - chrono::Duration::days(synced_days_ago)),
    }
}

#[test]
fn the_running_total_matches_a_full_recount_through_every_kind_of_change() {
    let s = store();
    let me = user(1).id;
    assert_eq!(s.usage(), 0);
    for n in 1..=6 {
        save(&s, n);
        assert_eq!(s.usage(), recount(&s));
    }
    let sent = s.outbox(me);
    s.apply_push(me, &sent[..4], &acked(4, vec![invalid(2)]))
        .unwrap();
    assert_eq!(s.usage(), recount(&s));
    s.discard_rejected(me, 2);
    let mut d = crate::visits::form::Draft::new(Uuid::from_u128(80), None, now());
    d.verbatim = "一半".into();
    s.put_draft(&d).unwrap();
    d.verbatim = "写了更多的字".into();
    s.put_draft(&d).unwrap();
    s.put(keys::LANG, &"en").unwrap();
    assert_eq!(s.usage(), recount(&s));
    s.remove_draft(d.id);
    s.forget_user_data();
    assert_eq!(s.usage(), recount(&s));
    assert!(s.usage() > 0);
}

#[test]
fn a_save_reads_no_other_record_however_many_are_stored() {
    let s = store();
    for n in 1..=200 {
        save(&s, n);
    }
    s.usage();
    let reads = |s: &LocalStore<MemoryBackend>| s.backend.reads.get();
    let before = reads(&s);
    save(&s, 1_000);
    s.usage();
    s.queue_stats(user(1).id);
    s.others_backlog(Some(user(1).id));
    s.newest_visits(user(1).id, 20);
    // The device record, the oldest queued entry and the page of 20: none of the rest.
    assert!(reads(&s) - before <= 22, "{}", reads(&s) - before);
}

#[test]
fn a_write_behind_the_stores_back_is_noticed_and_everything_recounted() {
    let s = store();
    save(&s, 1);
    assert_eq!(s.usage(), recount(&s));
    s.backend
        .set(&format!("{NAMESPACE}lang"), "\"zh-CN\"")
        .unwrap();
    assert_eq!(s.usage(), recount(&s));
    // A visit copied in by hand (by a test, or another tab) is listed too.
    let v = synced_visit(2, 0);
    s.backend
        .set(
            &format!("{NAMESPACE}{}", keys::visit(v.id)),
            &serde_json::to_string(&v).unwrap(),
        )
        .unwrap();
    assert_eq!(s.visits(user(1).id).len(), 2);
    assert_eq!(s.holdings(user(1).id).synced, 1);
}

#[test]
fn pages_of_visits_and_drafts_are_the_newest_in_order() {
    let s = store();
    for n in 1..=30u128 {
        let mut r = record();
        r.contacted_at = now() - chrono::Duration::minutes(n as i64);
        s.save_visit(&user(1), Uuid::from_u128(n), r, "x".into(), now(), None)
            .unwrap();
    }
    save_as(&s, &user(2), 99);
    let page: Vec<u128> = s
        .newest_visits(user(1).id, 5)
        .iter()
        .map(|v| v.id.as_u128())
        .collect();
    assert_eq!(page, vec![1, 2, 3, 4, 5]);
    assert_eq!(s.visits(user(1).id).len(), 30);
    assert_eq!(s.newest_visits(user(1).id, 100).len(), 30);
    for n in 0..4i64 {
        let d = crate::visits::form::Draft::new(
            Uuid::from_u128(200 + n as u128),
            None,
            now() + chrono::Duration::minutes(n),
        );
        s.put_draft(&d).unwrap();
    }
    let ids: Vec<u128> = s.newest_drafts(2).iter().map(|d| d.id.as_u128()).collect();
    assert_eq!(ids, vec![203, 202]);
    assert_eq!(s.draft_count(), 4);
    let me = user(1).id;
    let sent = s.outbox(me);
    s.apply_push(me, &sent, &acked(30, vec![invalid(3), invalid(7)]))
        .unwrap();
    let seqs: Vec<u64> = s.first_rejected(me, 1).iter().map(|r| r.seq).collect();
    assert_eq!(seqs, vec![3]);
    assert_eq!(s.outbox_head(user(2).id, 10).len(), 1);
}

#[test]
fn a_sync_prunes_synced_copies_beyond_the_budget_but_never_unsynced_work() {
    let s = store();
    let me = user(1).id;
    let total = RETENTION.keep_visits as u128 + 20;
    for n in 1..=total {
        s.put(&keys::visit(Uuid::from_u128(n)), &synced_visit(n, 0))
            .unwrap();
    }
    // Older than the retention time, but queued, refused or a draft: all stay.
    let old = now() - chrono::Duration::days(90);
    s.save_visit(
        &user(1),
        Uuid::from_u128(9001),
        record(),
        "x".into(),
        old,
        None,
    )
    .unwrap();
    s.save_visit(
        &user(1),
        Uuid::from_u128(9002),
        record(),
        "x".into(),
        old,
        None,
    )
    .unwrap();
    let sent = s.outbox(me);
    s.apply_push(
        me,
        &sent[..1],
        &acked(sent[0].mutation.seq, vec![invalid(sent[0].mutation.seq)]),
    )
    .unwrap();
    let draft = crate::visits::form::Draft::new(Uuid::from_u128(9003), None, old);
    s.put_draft(&draft).unwrap();
    // And one synced copy past the retention time.
    s.put(&keys::visit(Uuid::from_u128(9004)), &synced_visit(9004, 31))
        .unwrap();
    let before = s.usage();

    assert_eq!(s.prune(), 21);
    let held = s.holdings(me);
    assert_eq!(
        (held.synced, held.queued, held.rejected, held.drafts),
        (RETENTION.keep_visits, 1, 1, 1)
    );
    assert!(s.visit(Uuid::from_u128(9004)).is_none());
    assert!(s.visit(Uuid::from_u128(9001)).is_some());
    assert!(s.visit(Uuid::from_u128(9002)).is_some());
    assert!(s.draft(draft.id).is_some());
    assert_eq!(s.rejected(me).len(), 1);
    assert_eq!(s.outbox(me).len(), 1);
    assert!(s.usage() < before);
    assert_eq!(s.usage(), recount(&s));
    // Nothing more to do until something changes.
    assert_eq!(s.prune(), 0);
}

#[test]
fn acknowledged_visits_remember_when_and_old_copies_without_it_still_load() {
    let s = store();
    let me = user(1).id;
    save(&s, 1);
    let sent = s.outbox(me);
    s.apply_push(me, &sent, &acked(1, vec![])).unwrap();
    assert_eq!(s.visit(Uuid::from_u128(1)).unwrap().synced_at, Some(now()));
    // As stored by the app before retention: no synced_at.
    let mut old = serde_json::to_value(synced_visit(2, 0)).unwrap();
    old.as_object_mut().unwrap().remove("synced_at");
    s.put(&keys::visit(Uuid::from_u128(2)), &old).unwrap();
    let v = s.visit(Uuid::from_u128(2)).unwrap();
    assert_eq!((v.state, v.synced_at), (VisitState::Synced, None));
    assert_eq!(s.holdings(me).synced, 2);
}

#[test]
fn crossing_the_high_mark_prunes_synced_copies_at_once() {
    let s = store();
    for n in 1..=3 {
        s.put(&keys::visit(Uuid::from_u128(n)), &synced_visit(n, 0))
            .unwrap();
    }
    save(&s, 10);
    s.put(keys::TICKET_RULES, &"x".repeat(RETENTION.high_units()))
        .unwrap();
    let held = s.holdings(user(1).id);
    assert_eq!((held.synced, held.queued), (0, 1));
}

#[test]
fn a_full_storage_makes_room_from_synced_copies_before_it_refuses() {
    let s = store_with(MemoryBackend {
        quota: Some(6000),
        ..Default::default()
    });
    let me = user(1).id;
    for n in 1..=3 {
        save(&s, n);
    }
    let sent = s.outbox(me);
    s.apply_push(me, &sent, &acked(3, vec![])).unwrap();
    assert_eq!(s.holdings(me).synced, 3);
    let mut n = 100;
    let err = loop {
        match s.save_visit(
            &user(1),
            Uuid::from_u128(n),
            record(),
            "x".into(),
            now(),
            None,
        ) {
            Ok(_) => n += 1,
            Err(e) => break e,
        }
    };
    assert_eq!(err, StoreError::QuotaExceeded);
    let held = s.holdings(me);
    // The synced copies made room for more saves; every queued one is still there.
    assert_eq!(held.synced, 0);
    assert_eq!(held.queued as u128, n - 100);
    assert_eq!(s.outbox(me).len() as u128, n - 100);
    assert!(n - 100 > 3);
}

#[test]
fn usage_counts_only_this_app_in_utf16_units() {
    let s = store();
    s.backend.set("other-app", &"x".repeat(1000)).unwrap();
    s.put("lang", &"中文").unwrap();
    // key "huifang/v1/lang" (15) + value "\"中文\"" (4 UTF-16 units)
    assert_eq!(s.usage(), 19);
    assert_eq!(usage_percent(QUOTA_UNITS * 7 / 10), 70);
    assert_eq!(usage_percent(0), 0);
}
