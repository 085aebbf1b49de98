//! The durable inbox against each backend: one suite, run against a SQLite file and a
//! real `redis-server` (`cargo test -p hookshield --features sqlite,redis --test inbox`);
//! and the inbox's answer vectors (`tests/vectors/process/inbox.json`) on SQLite.
#![cfg(feature = "sqlite")]
#![allow(missing_docs)]

mod appends;
mod basics;
#[path = "../common/mod.rs"]
mod common;
mod faults;
mod fixture;
mod vectors;

/// Runs each named suite function against the backend `Fixture::$backend` makes.
macro_rules! suite {
    ($backend:ident: $($module:ident::$test:ident),+ $(,)?) => {
        mod $backend {
            $(
                #[test]
                fn $test() {
                    crate::$module::$test(&crate::fixture::Fixture::$backend());
                }
            )+
        }
    };
}

macro_rules! every_backend {
    ($($module:ident::$test:ident),+ $(,)?) => {
        suite!(sqlite: $($module::$test),+);
        #[cfg(feature = "redis")]
        suite!(redis: $($module::$test),+);
    };
}

every_backend!(
    appends::append_collapses_duplicates_in_every_state,
    appends::only_the_scheme_headers_are_stored,
    basics::claims_take_the_oldest_due_delivery_first,
    basics::release_gives_back_without_counting_the_attempt,
    basics::failures_retry_with_backoff_then_become_dead_letters,
    basics::dead_letters_are_replayed,
    basics::a_stale_lease_cannot_finish_what_another_worker_took_over,
    basics::tampered_deliveries_become_dead_letters_unhandled,
    basics::a_delivery_whose_leases_keep_ending_becomes_a_dead_letter,
    appends::concurrent_appends_queue_each_key_once,
    appends::done_keys_are_forgotten_after_the_retention,
    appends::one_inbox_serves_many_providers,
    faults::eight_workers_with_failing_handlers_lose_nothing_and_finish_nothing_twice,
    faults::a_worker_killed_mid_handler_loses_the_delivery_after_its_lease,
    faults::a_reopened_inbox_keeps_what_was_pending,
    faults::shutdown_lets_the_handler_in_progress_finish,
    faults::run_with_reports_how_each_job_ended,
    faults::receiver_processes_sharing_the_inbox_queue_each_key_once,
);

/// Not a test of its own: the worker process that
/// `a_worker_killed_mid_handler_loses_the_delivery_after_its_lease` starts and kills.
#[test]
fn worker_process() {
    if let Ok(url) = std::env::var(faults::WORKER_URL) {
        faults::hang_in_a_handler(&url);
    }
}

/// Not a test of its own: a receiver process that
/// `receiver_processes_sharing_the_inbox_queue_each_key_once` starts.
#[test]
fn receiver_process() {
    if let Ok(url) = std::env::var(faults::RECEIVER_URL) {
        faults::receive_and_print(&url);
    }
}

#[test]
fn urls_name_a_backend() {
    let err = hookshield::inbox::Inbox::open("postgres://db/inbox").unwrap_err();
    assert_eq!(err.code(), "invalid_config");
    let err = hookshield::inbox::Inbox::open("sqlite:").unwrap_err();
    assert_eq!(err.code(), "invalid_config");
}

#[cfg(feature = "redis")]
#[test]
fn redis_errors_never_show_the_url_or_password() {
    let inbox = hookshield::inbox::Inbox::open("redis://:hunter2@127.0.0.1:1/").unwrap();
    let err = inbox.stats().unwrap_err();
    assert_eq!(err.code(), "store_unavailable");
    assert!(!err.to_string().contains("hunter2"), "{err}");
    assert!(!format!("{inbox:?}").contains("hunter2"));
    let verifier = fixture::verifier();
    let (body, headers) = fixture::signed("evt_unreachable");
    let outcome = inbox.accept(&verifier, &body, &headers);
    assert_eq!(
        (outcome.kind(), outcome.status(hookshield::Provider::Sensei)),
        ("store_unavailable", 503)
    );
    assert!(!format!("{outcome:?}").contains("hunter2"));
}

#[test]
fn handles_move_between_threads() {
    fn send_and_sync<T: Send + Sync>() {}
    send_and_sync::<hookshield::inbox::Inbox>();
    send_and_sync::<hookshield::inbox::Work>();
    send_and_sync::<hookshield::inbox::Job>();
    send_and_sync::<hookshield::inbox::Worker>();
}
