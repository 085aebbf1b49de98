//! The Redis store against a real `redis-server` (Debian package `redis-server`),
//! started on a free 127.0.0.1 port with persistence off and stopped at the end.
#![cfg(feature = "redis")]
#![allow(missing_docs)]

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use hookshield::idempotency::RedisStore;
use hookshield::{
    Claim, IdempotencyStore, Outcome, ProcessOptions, Provider, SignOptions, StoreError, Verifier,
};

struct RedisServer {
    child: Child,
    port: u16,
}

impl RedisServer {
    fn start() -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        Self::start_on(port)
    }

    fn start_on(port: u16) -> Self {
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server is installed (apt-get install redis-server; .ci/run does it)");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        RedisServer { child, port }
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    fn store(&self, prefix: &str) -> RedisStore {
        RedisStore::open(&self.url()).unwrap().with_prefix(prefix)
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

const LEASE: Duration = Duration::from_secs(30);
const SECRET: &str = "whsec_redis_tests";

fn fresh(claim: Claim) -> hookshield::Lease {
    match claim {
        Claim::Fresh(lease) => lease,
        other => panic!("expected a fresh claim, got {other:?}"),
    }
}

#[test]
fn two_phases_and_prefixes() {
    let server = RedisServer::start();
    let store = server.store("t1:");
    let lease = fresh(store.begin("evt_1", LEASE).unwrap());
    assert_eq!(store.begin("evt_1", LEASE).unwrap(), Claim::InProgress);
    store.release(&lease).unwrap();
    let lease = fresh(store.begin("evt_1", LEASE).unwrap());
    store.complete(&lease, Duration::from_secs(60)).unwrap();
    assert_eq!(store.begin("evt_1", LEASE).unwrap(), Claim::Done);
    // Another prefix is another namespace.
    assert!(matches!(
        server.store("t1b:").begin("evt_1", LEASE).unwrap(),
        Claim::Fresh(_)
    ));
}

#[test]
fn two_store_instances_share_state() {
    let server = RedisServer::start();
    let (a, b) = (server.store("shared:"), server.store("shared:"));
    let lease = fresh(a.begin("evt_shared", LEASE).unwrap());
    assert_eq!(b.begin("evt_shared", LEASE).unwrap(), Claim::InProgress);
    a.complete(&lease, Duration::from_secs(60)).unwrap();
    assert_eq!(b.begin("evt_shared", LEASE).unwrap(), Claim::Done);
}

#[test]
fn an_expired_lease_cannot_undo_the_next_workers_claim() {
    let server = RedisServer::start();
    let (slow, fast) = (server.store("lease:"), server.store("lease:"));
    let stale = fresh(slow.begin("evt_slow", Duration::from_millis(200)).unwrap());
    std::thread::sleep(Duration::from_millis(350));
    let current = fresh(fast.begin("evt_slow", LEASE).unwrap());
    slow.release(&stale).unwrap();
    slow.complete(&stale, Duration::from_secs(60)).unwrap();
    assert_eq!(
        fast.begin("evt_slow", LEASE).unwrap(),
        Claim::InProgress,
        "the stale worker changed nothing"
    );
    fast.complete(&current, Duration::from_secs(60)).unwrap();
    assert_eq!(slow.begin("evt_slow", LEASE).unwrap(), Claim::Done);
}

/// A body and the headers it was signed with.
type Delivery = (Vec<u8>, Vec<(String, String)>);

/// Signed Sensei deliveries of `count` distinct events, created now.
fn deliveries(count: usize) -> Vec<Delivery> {
    let unix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let created_at = hookshield::timestamp::format_rfc3339(unix as i64);
    (0..count)
        .map(|i| {
            let body = format!(
                r#"{{"id":"evt_load_{i}","type":"migration.started","created_at":"{created_at}","data":{{"migration_id":"mig_{i}"}}}}"#
            )
            .into_bytes();
            let headers = hookshield::sign(Provider::Sensei, SECRET, &body, &SignOptions::default()).unwrap();
            (body, headers)
        })
        .collect()
}

#[test]
fn concurrent_workers_process_each_event_exactly_once_with_failures_mixed_in() {
    let server = RedisServer::start();
    let verifier = Verifier::new(Provider::Sensei, [SECRET]).unwrap();
    let events = deliveries(40);
    let handled: Vec<AtomicUsize> = (0..events.len()).map(|_| AtomicUsize::new(0)).collect();
    let attempts: Vec<AtomicUsize> = (0..events.len()).map(|_| AtomicUsize::new(0)).collect();
    let acknowledged: Vec<AtomicUsize> = (0..events.len()).map(|_| AtomicUsize::new(0)).collect();
    std::thread::scope(|scope| {
        for _ in 0..8 {
            // Each worker is its own process in production: its own store instance.
            let store = server.store("exactly-once:");
            let (verifier, events, handled, attempts, acknowledged) =
                (&verifier, &events, &handled, &attempts, &acknowledged);
            scope.spawn(move || {
                // Every worker receives every event, as redeliveries to several machines do,
                // and keeps redelivering until it is acknowledged.
                for (i, (body, headers)) in events.iter().enumerate() {
                    for _ in 0..200 {
                        let outcome = verifier.process(
                            body,
                            headers,
                            &store,
                            ProcessOptions::default(),
                            |_| {
                                // Every third event fails on its first attempt.
                                if i % 3 == 0 && attempts[i].fetch_add(1, Ordering::SeqCst) == 0 {
                                    return Err("transient failure");
                                }
                                handled[i].fetch_add(1, Ordering::SeqCst);
                                Ok(())
                            },
                        );
                        if outcome.is_acknowledged() {
                            acknowledged[i].fetch_add(1, Ordering::SeqCst);
                            break;
                        }
                        assert!(
                            matches!(
                                outcome,
                                Outcome::HandlerFailed { .. } | Outcome::InProgress(_)
                            ),
                            "{outcome:?}"
                        );
                        std::thread::sleep(Duration::from_millis(2));
                    }
                }
            });
        }
    });
    for i in 0..events.len() {
        assert_eq!(
            handled[i].load(Ordering::SeqCst),
            1,
            "event {i} handled exactly once"
        );
        assert_eq!(
            acknowledged[i].load(Ordering::SeqCst),
            8,
            "event {i} acknowledged to every worker"
        );
    }
}

#[test]
fn a_worker_that_crashes_mid_handler_frees_the_event_when_its_lease_expires() {
    let server = RedisServer::start();
    let verifier = Verifier::new(Provider::Sensei, [SECRET]).unwrap();
    let (body, headers) = deliveries(1).remove(0);
    let lease = Duration::from_millis(300);
    let options = ProcessOptions::default().lease(lease);

    let crashed = server.store("crash:");
    let claimed = verifier
        .claim(&body, &headers, &crashed, options)
        .expect("first worker claims");
    std::mem::forget(claimed); // the process died: neither complete nor release ever runs

    let survivor = server.store("crash:");
    let during = verifier.process(&body, &headers, &survivor, options, |_| Ok::<_, String>(()));
    assert_eq!(during.kind(), "in_progress");
    assert_eq!(during.status(Provider::Sensei), 409, "the provider retries");
    std::thread::sleep(lease + Duration::from_millis(150));
    let after = verifier.process(&body, &headers, &survivor, options, |_| Ok::<_, String>(()));
    assert_eq!(after.kind(), "processed");
}

#[test]
fn redis_stopped_mid_run_gives_a_typed_error_and_no_acknowledgement() {
    let mut server = RedisServer::start();
    let verifier = Verifier::new(Provider::Sensei, [SECRET]).unwrap();
    let store = server
        .store("down:")
        .with_timeout(Duration::from_millis(500));
    let mut events = deliveries(2);
    let (body, headers) = events.remove(0);
    assert_eq!(
        verifier
            .process(
                &body,
                &headers,
                &store,
                ProcessOptions::default(),
                |_| Ok::<_, String>(())
            )
            .kind(),
        "processed"
    );

    server.stop();
    let ran = Mutex::new(false);
    let (body, headers) = events.remove(0);
    let started = Instant::now();
    let outcome = verifier.process(&body, &headers, &store, ProcessOptions::default(), |_| {
        *ran.lock().unwrap() = true;
        Ok::<_, String>(())
    });
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "no hang: {:?}",
        started.elapsed()
    );
    let Outcome::StoreUnavailable { error, .. } = &outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(error.code(), "store_unavailable");
    assert!(!outcome.is_acknowledged());
    assert_eq!(outcome.status(Provider::Sensei), 503);
    assert_eq!(
        outcome.status(Provider::DocIntell),
        503,
        "never a 4xx to DocIntell"
    );
    assert!(
        !*ran.lock().unwrap(),
        "the handler does not run without a claim"
    );
}

#[test]
fn a_redis_restart_costs_no_spurious_error() {
    let mut server = RedisServer::start();
    let store = server.store("restart:");
    let lease = fresh(store.begin("evt_before", LEASE).unwrap());
    store.complete(&lease, Duration::from_secs(60)).unwrap();
    let port = server.port;
    server.stop();
    let _restarted = RedisServer::start_on(port);
    // The pooled connection is dead; the store notices and reconnects within the call.
    assert!(matches!(
        store.begin("evt_after", LEASE).unwrap(),
        Claim::Fresh(_)
    ));
}

#[test]
fn errors_never_show_the_url_or_password() {
    let store = RedisStore::open("redis://:hunter2@127.0.0.1:1/")
        .unwrap()
        .with_timeout(Duration::from_millis(300));
    let err = store.begin("k", LEASE).unwrap_err();
    let StoreError::Unavailable { reason } = &err else {
        panic!()
    };
    assert!(
        !reason.contains("hunter2") && !err.to_string().contains("hunter2"),
        "{err}"
    );
    assert!(!format!("{store:?}").contains("hunter2"));
}
