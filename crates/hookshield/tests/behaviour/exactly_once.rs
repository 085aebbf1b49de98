//! Exactly-once processing: failing or panicking handlers release, forged deliveries
//! reach nothing, leases, retention, threads sharing a store, claim and finish, keyed
//! stores.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hookshield::{
    Claim, ClaimState, Event, IdempotencyStore, KeyedStore, MemoryStore, Outcome, ProcessOptions,
    Provider, SignOptions,
};

use crate::fixture::{sample_body, sign, verifier, with, Pairs, NOW};

#[test]
fn a_failing_handler_releases_so_the_redelivery_is_processed() {
    let verifier = verifier(Provider::Sentinel);
    let store = MemoryStore::new(100);
    let body = sample_body(Provider::Sentinel);
    let body = body.as_slice();
    let calls = AtomicUsize::new(0);
    let run = |fail: bool| {
        let headers = sign(Provider::Sentinel, body, &SignOptions::at(NOW));
        verifier.process(body, &headers, &store, ProcessOptions::default(), |event| {
            calls.fetch_add(1, Ordering::SeqCst);
            assert_eq!(event.event_type(), "document.completed");
            if fail {
                Err("database unavailable")
            } else {
                Ok(())
            }
        })
    };
    let first = run(true);
    assert_eq!(first.kind(), "handler_failed");
    assert_eq!(first.status(Provider::Sentinel), 500);
    assert!(
        matches!(&first, Outcome::HandlerFailed { message, .. } if message == "database unavailable")
    );
    assert_eq!(run(false).kind(), "processed");
    assert_eq!(run(false).kind(), "duplicate");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[test]

fn a_panicking_handler_releases_too() {
    let verifier = verifier(Provider::Sensei);
    let store = MemoryStore::new(100);
    let body = sample_body(Provider::Sensei);
    let body = body.as_slice();
    let headers = sign(Provider::Sensei, body, &SignOptions::default());
    let panicked = catch_unwind(AssertUnwindSafe(|| {
        let handler = |_: &Event| -> Result<(), String> { panic!("handler bug") };
        verifier.process(body, &headers, &store, ProcessOptions::default(), handler);
    }));
    assert!(panicked.is_err());
    // `Verifier::process` says: "the handler's error, or its panic, releases the claim".
    let retry = verifier.process(body, &headers, &store, ProcessOptions::default(), |_| {
        Ok::<(), String>(())
    });
    assert_eq!(retry.kind(), "processed");
}

#[test]
fn forged_deliveries_never_reach_the_handler_or_the_store() {
    let verifier = verifier(Provider::Sentinel);
    let store = MemoryStore::new(100);
    let body = sample_body(Provider::Sentinel);
    let body = body.as_slice();
    let headers = with(
        &sign(Provider::Sentinel, body, &SignOptions::at(NOW)),
        "X-Sentinel-Signature",
        &format!("sha256={}", "1".repeat(64)),
    );
    let handler = |_: &Event| -> Result<(), String> { panic!("the handler must not run") };
    let outcome = verifier.process(body, &headers, &store, ProcessOptions::default(), handler);
    assert_eq!(outcome.kind(), "rejected");
    assert_eq!(outcome.status(Provider::Sentinel), 401);
    assert!(outcome.event().is_none());
    assert!(store.is_empty());
}

#[test]
fn an_unfinished_claim_makes_redeliveries_wait_until_its_lease_expires() {
    let now_ms = Arc::new(AtomicU64::new(0));
    let clock = now_ms.clone();
    let store = MemoryStore::with_clock(100, Arc::new(move || clock.load(Ordering::SeqCst)));
    let verifier = verifier(Provider::DocIntell);
    let body = sample_body(Provider::DocIntell);
    let body = body.as_slice();
    let headers = sign(Provider::DocIntell, body, &SignOptions::at(NOW));
    let options = ProcessOptions::default().lease(Duration::from_secs(10));

    let held = verifier.claim(body, &headers, &store, options).unwrap();
    let busy = verifier.claim(body, &headers, &store, options).unwrap_err();
    assert_eq!(busy.kind(), "in_progress");
    assert_eq!(busy.status(Provider::DocIntell), 503);
    // The worker holding the claim died; after the lease, a redelivery takes over.
    drop(held);
    now_ms.store(10_001, Ordering::SeqCst);
    let taken = verifier.claim(body, &headers, &store, options).unwrap();
    assert_eq!(taken.finish(Ok(())).kind(), "processed");
    assert_eq!(
        verifier
            .claim(body, &headers, &store, options)
            .unwrap_err()
            .kind(),
        "duplicate"
    );
}

#[test]
fn processed_keys_are_forgotten_after_their_retention() {
    let now_ms = Arc::new(AtomicU64::new(0));
    let clock = now_ms.clone();
    let store = MemoryStore::with_clock(100, Arc::new(move || clock.load(Ordering::SeqCst)));
    let verifier = verifier(Provider::Kyc);
    let body = sample_body(Provider::Kyc);
    let body = body.as_slice();
    let headers = sign(Provider::Kyc, body, &SignOptions::at(NOW));
    let options = ProcessOptions::default().retention(Duration::from_secs(60));
    let ok = |_: &Event| Ok::<(), String>(());
    assert_eq!(
        verifier.process(body, &headers, &store, options, ok).kind(),
        "processed"
    );
    now_ms.store(59_999, Ordering::SeqCst);
    assert_eq!(
        verifier.process(body, &headers, &store, options, ok).kind(),
        "duplicate"
    );
    now_ms.store(60_000, Ordering::SeqCst);
    assert_eq!(
        verifier.process(body, &headers, &store, options, ok).kind(),
        "processed"
    );
}

#[test]
fn memory_store_processes_each_event_exactly_once_across_threads() {
    const THREADS: usize = 8;
    let verifier = verifier(Provider::Sensei);
    let store = MemoryStore::new(10_000);
    let deliveries: Vec<(Vec<u8>, Pairs)> = (0..50)
        .map(|i| {
            let body = format!(
                r#"{{"id":"evt_{i}","type":"error.occurred","created_at":"2026-02-02T14:00:00.000Z","data":{{"error_id":"e{i}"}}}}"#
            )
            .into_bytes();
            let headers = sign(Provider::Sensei, &body, &SignOptions::default());
            (body, headers)
        })
        .collect();
    let handled: Mutex<HashMap<String, usize>> = Mutex::new(HashMap::new());
    let kinds: Mutex<HashMap<&'static str, usize>> = Mutex::new(HashMap::new());

    std::thread::scope(|scope| {
        for t in 0..THREADS {
            let (verifier, store, deliveries, handled, kinds) =
                (&verifier, &store, &deliveries, &handled, &kinds);
            scope.spawn(move || {
                // Each thread sees every delivery, in its own order; `in_progress`
                // answers are retried, as the provider would.
                for n in 0..deliveries.len() {
                    let (body, headers) = &deliveries[(n * (t + 1) * 7) % deliveries.len()];
                    loop {
                        let outcome = verifier.process(
                            body,
                            headers,
                            store,
                            ProcessOptions::default(),
                            |event| {
                                *handled
                                    .lock()
                                    .unwrap()
                                    .entry(event.idempotency_key().to_owned())
                                    .or_default() += 1;
                                Ok::<(), String>(())
                            },
                        );
                        *kinds.lock().unwrap().entry(outcome.kind()).or_default() += 1;
                        if outcome.kind() != "in_progress" {
                            break;
                        }
                        std::thread::yield_now();
                    }
                }
            });
        }
    });

    let handled = handled.into_inner().unwrap();
    assert_eq!(handled.len(), deliveries.len());
    assert!(handled.values().all(|&n| n == 1), "{handled:?}");
    let kinds = kinds.into_inner().unwrap();
    assert_eq!(kinds["processed"], deliveries.len());
    assert_eq!(kinds["duplicate"], deliveries.len() * (THREADS - 1));
}

#[test]
fn claim_and_finish_drive_async_handlers() {
    let verifier = verifier(Provider::Standard);
    let store: Arc<dyn IdempotencyStore> = Arc::new(MemoryStore::new(10));
    let body = sample_body(Provider::Standard);
    let body = body.as_slice();
    let headers = sign(Provider::Standard, body, &SignOptions::at(NOW).id("msg_1"));

    let claimed = verifier
        .claim(body, &headers, store.clone(), ProcessOptions::default())
        .unwrap();
    assert_eq!(claimed.event().idempotency_key(), "msg_1");
    let failed = claimed.finish(Err("timeout".into()));
    assert_eq!(failed.kind(), "handler_failed");
    assert_eq!(failed.event().unwrap().idempotency_key(), "msg_1");

    let claimed = verifier
        .claim(body, &headers, store.clone(), ProcessOptions::default())
        .unwrap();
    assert_eq!(claimed.finish(Ok(())).kind(), "processed");
    let again = verifier
        .claim(body, &headers, store, ProcessOptions::default())
        .unwrap_err();
    assert_eq!(again.kind(), "duplicate");
    assert_eq!(again.status(Provider::Standard), 200);
}

#[test]
fn keyed_store_acts_only_on_its_own_claims() {
    let shared = Arc::new(MemoryStore::new(10));
    let a = KeyedStore::new(shared.clone());
    let b = KeyedStore::new(shared.clone());
    let lease = Duration::from_secs(30);
    assert_eq!(a.begin("k", lease).unwrap(), ClaimState::Fresh);
    assert_eq!(b.begin("k", lease).unwrap(), ClaimState::InProgress);
    // `b` does not hold `k`: its release and complete leave `a`'s claim alone.
    b.release("k").unwrap();
    b.complete("k", lease).unwrap();
    assert_eq!(b.begin("k", lease).unwrap(), ClaimState::InProgress);
    a.complete("k", Duration::from_secs(60)).unwrap();
    assert_eq!(b.begin("k", lease).unwrap(), ClaimState::Done);
    assert_eq!(shared.begin("k", lease).unwrap(), Claim::Done);
}
