//! One behaviour for every backend: claim, finish, retry, dead letters, replay, leases,
//! verifying again.

use std::time::Duration;

use hookshield::inbox::{Appended, Delivery, Finished, InboxError, Verifiers, WorkerOptions};

use crate::fixture::{accept_many, now_ms, signed, verifier, Fixture, LEASE};

pub(crate) fn claims_take_the_oldest_due_delivery_first(f: &Fixture) {
    let inbox = f.open();
    let keys = accept_many(&inbox, "evt_order_", 5);
    let first = inbox.claim(LEASE).unwrap().unwrap();
    assert_eq!(first.delivery.idempotency_key, keys[0]);
    // A retry due later waits behind the others.
    inbox
        .retry(&first, "not yet", Duration::from_secs(3600))
        .unwrap();
    let mut claimed = Vec::new();
    while let Some(job) = inbox.claim(LEASE).unwrap() {
        claimed.push(job.delivery.idempotency_key.clone());
        inbox.complete(&job).unwrap();
    }
    assert_eq!(claimed, keys[1..]);
    let stats = inbox.stats().unwrap();
    assert_eq!((stats.pending, stats.in_flight, stats.done), (1, 0, 4));
    assert!(stats.oldest_pending_seconds.unwrap() >= 0.0);
}

pub(crate) fn release_gives_back_without_counting_the_attempt(f: &Fixture) {
    let inbox = f.open();
    accept_many(&inbox, "evt_release_", 1);
    let job = inbox.claim(LEASE).unwrap().unwrap();
    assert_eq!(inbox.stats().unwrap().in_flight, 1);
    inbox.release(&job).unwrap();
    let again = inbox.claim(LEASE).unwrap().unwrap();
    assert_eq!(again.attempt, 1);
    assert_eq!(again.delivery, job.delivery);
    // Work dropped unfinished is released too.
    inbox.release(&again).unwrap();
    let options = WorkerOptions::default();
    let work = inbox
        .next(&Verifiers::from(verifier()), &options)
        .unwrap()
        .unwrap();
    drop(work);
    let stats = inbox.stats().unwrap();
    assert_eq!((stats.pending, stats.in_flight), (1, 0));
    assert_eq!(inbox.claim(LEASE).unwrap().unwrap().attempt, 1);
}

pub(crate) fn failures_retry_with_backoff_then_become_dead_letters(f: &Fixture) {
    let inbox = f.open();
    let keys = accept_many(&inbox, "evt_fail_", 1);
    let verifiers = Verifiers::from(verifier());
    let backoff = Duration::from_millis(40);
    let options = WorkerOptions::default().max_attempts(3).backoff(backoff);
    let mut results = Vec::new();
    while results.len() < 3 {
        let Some(work) = inbox.next(&verifiers, &options).unwrap() else {
            assert!(inbox.stats().unwrap().pending == 1, "a retry is scheduled");
            std::thread::sleep(Duration::from_millis(10));
            continue;
        };
        assert_eq!(work.attempt() as usize, results.len() + 1);
        assert_eq!(work.idempotency_key(), keys[0]);
        let error = format!("boom {}", work.attempt());
        results.push(work.finish(Err(error)).unwrap());
    }
    // Equal jitter: at least half the doubled delay, at most all of it.
    for (i, result) in results[..2].iter().enumerate() {
        let Finished::Retrying { due_in } = *result else {
            panic!("{result:?}")
        };
        let delay = backoff * 2u32.pow(i as u32);
        assert!(
            due_in >= delay / 2 && due_in <= delay,
            "{due_in:?} for {delay:?}"
        );
    }
    assert_eq!(results[2], Finished::Dead);
    let stats = inbox.stats().unwrap();
    assert_eq!((stats.pending, stats.in_flight, stats.dead), (0, 0, 1));
    assert_eq!(stats.oldest_pending_seconds, None);
    let dead = inbox.dead_letters(10).unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(
        (dead[0].idempotency_key.as_str(), dead[0].provider.as_str()),
        (keys[0].as_str(), "sensei")
    );
    assert_eq!(
        (dead[0].attempts, dead[0].last_error.as_str()),
        (3, "boom 3")
    );
    assert!(dead[0].failed_at > 0);
}

pub(crate) fn dead_letters_are_replayed(f: &Fixture) {
    let inbox = f.open();
    let keys = accept_many(&inbox, "evt_replay_", 3);
    for _ in 0..3 {
        let job = inbox.claim(LEASE).unwrap().unwrap();
        inbox.bury(&job, "downstream down").unwrap();
    }
    assert_eq!(inbox.dead_letters(2).unwrap().len(), 2, "the limit holds");
    assert_eq!(inbox.replay(&[&keys[1], "evt_unknown"]).unwrap(), 1);
    assert_eq!(inbox.replay(&[&keys[1]]).unwrap(), 0, "no longer dead");
    let stats = inbox.stats().unwrap();
    assert_eq!((stats.pending, stats.dead), (1, 2));
    let options = WorkerOptions::default();
    let work = inbox
        .next(&Verifiers::from(verifier()), &options)
        .unwrap()
        .unwrap();
    assert_eq!(
        (work.idempotency_key(), work.attempt()),
        (keys[1].as_str(), 1)
    );
    assert_eq!(work.finish(Ok(())).unwrap(), Finished::Done);

    assert_eq!(inbox.replay_all_dead().unwrap(), 2);
    let stats = inbox.stats().unwrap();
    assert_eq!((stats.pending, stats.done, stats.dead), (2, 1, 0));
    assert!(inbox.dead_letters(10).unwrap().is_empty());
}

pub(crate) fn a_stale_lease_cannot_finish_what_another_worker_took_over(f: &Fixture) {
    let (slow, fast) = (f.open(), f.open());
    accept_many(&slow, "evt_stale_", 1);
    let lease = Duration::from_secs(1);
    let stale = slow.claim(lease).unwrap().unwrap();
    assert!(fast.claim(LEASE).unwrap().is_none(), "held by its lease");
    std::thread::sleep(lease + Duration::from_millis(200));
    let current = fast.claim(LEASE).unwrap().unwrap();
    assert_eq!(
        (current.delivery.idempotency_key.as_str(), current.attempt),
        ("evt_stale_0", 2)
    );
    for result in [
        slow.complete(&stale),
        slow.retry(&stale, "late", Duration::ZERO),
        slow.bury(&stale, "late"),
        slow.release(&stale),
    ] {
        assert!(
            matches!(result, Err(InboxError::LeaseLost { .. })),
            "{result:?}"
        );
    }
    assert_eq!(slow.stats().unwrap().in_flight, 1);
    fast.complete(&current).unwrap();
    assert!(
        matches!(fast.complete(&current), Err(InboxError::LeaseLost { .. })),
        "done once"
    );
    let stats = fast.stats().unwrap();
    assert_eq!((stats.pending, stats.in_flight, stats.done), (0, 0, 1));
}

pub(crate) fn tampered_deliveries_become_dead_letters_unhandled(f: &Fixture) {
    let inbox = f.open();
    let (body, headers) = signed("evt_tamper_body");
    let honest = Delivery {
        provider: "sensei".into(),
        idempotency_key: "evt_tamper_body".into(),
        body: body.clone(),
        headers: headers.clone(),
        received_at: now_ms(),
    };
    // Whoever can write to the storage, but lacks the secret:
    let mut tampered_body = honest.clone();
    tampered_body.body = String::from_utf8(body)
        .unwrap()
        .replace("mig_", "mig_evil_")
        .into_bytes();
    let mut tampered_headers = honest.clone();
    tampered_headers.idempotency_key = "evt_tamper_headers".into();
    for (name, value) in &mut tampered_headers.headers {
        if name.eq_ignore_ascii_case("x-sensei-signature") {
            *value = format!("sha256={}", "0".repeat(64));
        }
    }
    let mut other_key = honest.clone();
    other_key.idempotency_key = "evt_other_key".into();
    let mut unknown = honest.clone();
    unknown.provider = "kyc".into();
    unknown.idempotency_key = "evt_no_verifier".into();
    for delivery in [&tampered_body, &tampered_headers, &other_key, &unknown] {
        assert_eq!(inbox.append(delivery).unwrap(), Appended::Queued);
    }
    let options = WorkerOptions::default();
    assert!(
        inbox
            .next(&Verifiers::from(verifier()), &options)
            .unwrap()
            .is_none(),
        "nothing reaches a handler"
    );
    let dead = inbox.dead_letters(10).unwrap();
    let reasons: Vec<_> = dead
        .iter()
        .map(|d| (d.idempotency_key.as_str(), d.last_error.as_str()))
        .collect();
    assert_eq!(reasons.len(), 4, "{reasons:?}");
    for (key, reason) in &reasons {
        let expected = match *key {
            "evt_no_verifier" => "no verifier for provider `kyc`",
            "evt_other_key" => "the stored delivery's idempotency key does not match its body",
            _ => "the stored delivery no longer verifies: signature mismatch",
        };
        assert!(reason.starts_with(expected), "{key}: {reason}");
        assert!(!reason.contains(crate::fixture::SECRET));
    }
}

pub(crate) fn a_delivery_whose_leases_keep_ending_becomes_a_dead_letter(f: &Fixture) {
    let inbox = f.open();
    accept_many(&inbox, "evt_poison_", 1);
    let options = WorkerOptions::default()
        .max_attempts(2)
        .lease(Duration::from_millis(100));
    let verifiers = Verifiers::from(verifier());
    // Two workers die holding it: their work is neither finished nor released.
    for attempt in 1..=2 {
        let work = loop {
            if let Some(work) = inbox.next(&verifiers, &options).unwrap() {
                break work;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(work.attempt(), attempt);
        std::mem::forget(work);
    }
    // The next claim finds it past its last attempt, and no handler gets it.
    while inbox.stats().unwrap().dead == 0 {
        assert!(inbox.next(&verifiers, &options).unwrap().is_none());
        std::thread::sleep(Duration::from_millis(20));
    }
    let dead = inbox.dead_letters(1).unwrap();
    assert_eq!(
        dead[0].last_error,
        "gave up: the lease ended without the worker finishing on every attempt, up to max_attempts (2)"
    );
}
