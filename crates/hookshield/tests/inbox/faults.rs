//! Workers that fail, die and restart, over every backend; a Redis server restarted
//! mid-run.

use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use hookshield::inbox::{
    Finished, Inbox, InboxError, InboxStats, JobEnd, Shutdown, Verifiers, Worker, WorkerOptions,
};

use crate::fixture::{accept_many, verifier, Fixture, LEASE};

/// The environment variable that makes [`crate::worker_process`] a worker.
pub(crate) const WORKER_URL: &str = "HOOKSHIELD_TEST_INBOX_WORKER_URL";

/// The environment variable that makes [`crate::receiver_process`] a receiver.
pub(crate) const RECEIVER_URL: &str = "HOOKSHIELD_TEST_INBOX_RECEIVER_URL";

/// How many deliveries each receiver process accepts.
const RECEIVED: usize = 30;

/// Polls `inbox` until `done(stats)`; a hang guard, not a timing assertion.
fn wait_for(inbox: &Inbox, what: &str, done: impl Fn(&InboxStats) -> bool) -> InboxStats {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(stats) = inbox.stats() {
            if done(&stats) {
                return stats;
            }
        }
        assert!(Instant::now() < deadline, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The options of the busy tests: quick retries, quick polls.
fn quick() -> WorkerOptions {
    WorkerOptions::default()
        .max_attempts(3)
        .backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(20))
        .poll_interval(Duration::from_millis(5))
}

pub(crate) fn eight_workers_with_failing_handlers_lose_nothing_and_finish_nothing_twice(
    f: &Fixture,
) {
    const COUNT: usize = 80;
    let keys = accept_many(&f.open(), "evt_busy_", COUNT);
    // Every tenth delivery always fails; every third fails its first attempt.
    let always_fails = |i: usize| i % 10 == 0;
    let index: HashMap<String, usize> = keys.iter().cloned().zip(0..).collect();
    let handled = Mutex::new(HashMap::<String, usize>::new());
    let shutdown = Shutdown::new();
    // Two workers of four threads, each on its own handle, as two processes would be.
    let workers: Vec<_> = (0..2)
        .map(|_| Worker::new(f.open(), verifier().into(), quick().concurrency(4)).unwrap())
        .collect();
    let summaries = std::thread::scope(|scope| {
        let runs: Vec<_> = workers
            .iter()
            .map(|worker| {
                scope.spawn(|| {
                    worker.run(
                        |event, job| {
                            assert_eq!(event.idempotency_key(), job.idempotency_key);
                            let i = index[&job.idempotency_key];
                            if always_fails(i) {
                                return Err(format!("always fails (attempt {})", job.attempt));
                            }
                            if i % 3 == 0 && job.attempt == 1 {
                                return Err("first attempt fails".to_owned());
                            }
                            *handled
                                .lock()
                                .unwrap()
                                .entry(job.idempotency_key.clone())
                                .or_default() += 1;
                            Ok(())
                        },
                        &shutdown,
                    )
                })
            })
            .collect();
        wait_for(&f.open(), "every delivery done or dead", |s| {
            s.done + s.dead == COUNT as u64
        });
        shutdown.stop();
        runs.into_iter()
            .map(|run| run.join().unwrap())
            .collect::<Vec<_>>()
    });

    let handled = handled.into_inner().unwrap();
    let dead: Vec<_> = f.open().dead_letters(COUNT).unwrap();
    for (i, key) in keys.iter().enumerate() {
        if always_fails(i) {
            assert_eq!(handled.get(key), None, "{key} never succeeded");
            let letter = dead
                .iter()
                .find(|d| &d.idempotency_key == key)
                .expect("a dead letter");
            assert_eq!(
                (letter.attempts, letter.last_error.as_str()),
                (3, "always fails (attempt 3)")
            );
        } else {
            assert_eq!(
                handled.get(key),
                Some(&1),
                "{key} handled successfully exactly once"
            );
        }
    }
    let stats = f.open().stats().unwrap();
    assert_eq!(
        (stats.pending, stats.in_flight, stats.done, stats.dead),
        (0, 0, 72, 8)
    );
    let total = |field: fn(&hookshield::inbox::WorkerSummary) -> u64| {
        summaries.iter().map(field).sum::<u64>()
    };
    assert_eq!(
        (
            total(|s| s.done),
            total(|s| s.dead),
            total(|s| s.lease_lost)
        ),
        (72, 8, 0)
    );
    // 8 dead after 2 retries each; 24 more (i % 3 == 0, not i % 10 == 0) retried once.
    assert_eq!(total(|s| s.retried), 8 * 2 + 24);
}

pub(crate) fn a_worker_killed_mid_handler_loses_the_delivery_after_its_lease(f: &Fixture) {
    let inbox = f.open();
    let keys = accept_many(&inbox, "evt_killed_", 1);
    // Another process claims the delivery, and its handler never returns...
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "worker_process",
            "--exact",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env(WORKER_URL, &f.url)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    wait_for(&inbox, "the worker process to claim", |s| s.in_flight == 1);
    // ...until it is killed (SIGKILL: nothing runs on its way out).
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        inbox.stats().unwrap().in_flight,
        1,
        "it died holding the lease"
    );

    let verifiers = Verifiers::from(verifier());
    let deadline = Instant::now() + Duration::from_secs(60);
    let work = loop {
        if let Some(work) = inbox.next(&verifiers, &WorkerOptions::default()).unwrap() {
            break work;
        }
        assert!(Instant::now() < deadline, "the lease never ended");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(
        (work.idempotency_key(), work.attempt()),
        (keys[0].as_str(), 2)
    );
    assert_eq!(work.finish(Ok(())).unwrap(), Finished::Done);
    let stats = inbox.stats().unwrap();
    assert_eq!((stats.pending, stats.in_flight, stats.done), (0, 0, 1));
}

/// The worker process of the test above: claims one delivery with a 1 s lease and hangs
/// in its handler.
pub(crate) fn hang_in_a_handler(url: &str) {
    let inbox = Inbox::open(url).unwrap();
    let options = WorkerOptions::default().lease(Duration::from_secs(1));
    let work = inbox
        .next(&Verifiers::from(verifier()), &options)
        .unwrap()
        .expect("a delivery");
    std::thread::sleep(Duration::from_secs(3600));
    drop(work);
}

pub(crate) fn shutdown_lets_the_handler_in_progress_finish(f: &Fixture) {
    let inbox = f.open();
    accept_many(&inbox, "evt_shutdown_", 3);
    let worker = Worker::new(f.open(), verifier().into(), quick()).unwrap();
    let shutdown = Shutdown::new();
    let (started, handler_started) = std::sync::mpsc::channel();
    let (go, handler_may_return) = std::sync::mpsc::channel::<()>();
    let handler_may_return = Mutex::new(handler_may_return);
    let summary = std::thread::scope(|scope| {
        let run = scope.spawn(|| {
            worker.run(
                |_, job| {
                    started.send(job.idempotency_key.clone()).unwrap();
                    handler_may_return.lock().unwrap().recv().unwrap();
                    Ok::<(), String>(())
                },
                &shutdown,
            )
        });
        let first = handler_started.recv().unwrap();
        shutdown.stop(); // while the handler runs
        go.send(()).unwrap();
        let summary = run.join().unwrap();
        assert_eq!(first, "evt_shutdown_0");
        summary
    });
    assert_eq!(
        (summary.done, summary.retried, summary.inbox_errors),
        (1, 0, 0)
    );
    let stats = inbox.stats().unwrap();
    assert_eq!(
        (stats.pending, stats.in_flight, stats.done),
        (2, 0, 1),
        "nothing else taken"
    );
}

pub(crate) fn receiver_processes_sharing_the_inbox_queue_each_key_once(f: &Fixture) {
    // Three processes receive the same deliveries at once, as redeliveries to several
    // machines do; each prints what it answered.
    let children: Vec<_> = (0..3)
        .map(|_| {
            Command::new(std::env::current_exe().unwrap())
                .args([
                    "receiver_process",
                    "--exact",
                    "--nocapture",
                    "--test-threads",
                    "1",
                ])
                .env(RECEIVER_URL, &f.url)
                .stdout(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut answers = HashMap::<String, Vec<String>>::new();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success());
        // The test harness's own lines may share a line with ours.
        for line in String::from_utf8(output.stdout).unwrap().lines() {
            let Some(start) = line.find("evt_process_") else {
                continue;
            };
            let (key, kind) = line[start..].split_once(' ').unwrap();
            answers
                .entry(key.to_owned())
                .or_default()
                .push(kind.to_owned());
        }
    }
    assert_eq!(answers.len(), RECEIVED);
    for (key, kinds) in &answers {
        assert_eq!(kinds.len(), 3, "{key}: {kinds:?}");
        assert_eq!(
            kinds.iter().filter(|k| *k == "queued").count(),
            1,
            "{key}: {kinds:?}"
        );
        assert!(
            kinds.iter().all(|k| k == "queued" || k == "duplicate"),
            "{key}: {kinds:?}"
        );
    }
    assert_eq!(f.open().stats().unwrap().pending, RECEIVED as u64);
}

/// The receiver process of the test above: accepts `RECEIVED` deliveries and prints
/// `{key} {outcome}` for each.
pub(crate) fn receive_and_print(url: &str) {
    let inbox = Inbox::open(url).unwrap();
    let verifier = verifier();
    for i in 0..RECEIVED {
        let key = format!("evt_process_{i}");
        let (body, headers) = crate::fixture::signed(&key);
        println!("{key} {}", inbox.accept(&verifier, &body, &headers).kind());
    }
}

pub(crate) fn a_reopened_inbox_keeps_what_was_pending(f: &Fixture) {
    let keys = {
        let inbox = f.open();
        let keys = accept_many(&inbox, "evt_reopen_", 5);
        // One is in flight when the process stops.
        let job = inbox.claim(Duration::from_millis(200)).unwrap().unwrap();
        assert_eq!(job.delivery.idempotency_key, keys[0]);
        keys
    };
    let inbox = f.open();
    let stats = inbox.stats().unwrap();
    assert_eq!((stats.pending, stats.in_flight), (4, 1));
    let mut handled = Vec::new();
    let verifiers = Verifiers::from(verifier());
    let options = WorkerOptions::default();
    while handled.len() < keys.len() {
        match inbox.next(&verifiers, &options).unwrap() {
            Some(work) => {
                handled.push(work.idempotency_key().to_owned());
                assert_eq!(work.finish(Ok(())).unwrap(), Finished::Done);
            }
            None => std::thread::sleep(Duration::from_millis(20)), // the lease is running
        }
    }
    handled.sort();
    assert_eq!(handled, keys);
    assert_eq!(inbox.stats().unwrap().done, 5);
}

#[cfg(feature = "redis")]
#[test]
fn a_redis_restarted_mid_run_loses_nothing_acknowledged() {
    const COUNT: usize = 60;
    let mut f = Fixture::redis();
    let receiver = f.open();
    let verifier = verifier();
    let handled = Mutex::new(HashMap::<String, usize>::new());
    let shutdown = Shutdown::new();
    // A completion lost to the restart is taken over after a short lease.
    let options = quick().concurrency(2).lease(Duration::from_secs(2));
    let worker = Worker::new(f.open(), verifier.clone().into(), options).unwrap();
    let mut acknowledged = Vec::new();
    let summary = std::thread::scope(|scope| {
        let run = scope.spawn(|| {
            worker.run(
                |_, job| {
                    *handled
                        .lock()
                        .unwrap()
                        .entry(job.idempotency_key.clone())
                        .or_default() += 1;
                    Ok::<(), String>(())
                },
                &shutdown,
            )
        });
        for i in 0..COUNT {
            if i == COUNT / 2 {
                f.restart_redis();
            }
            let key = format!("evt_restart_{i}");
            let (body, headers) = crate::fixture::signed(&key);
            // The provider sends again until it is acknowledged.
            loop {
                let outcome = receiver.accept(&verifier, &body, &headers);
                if outcome.is_acknowledged() {
                    acknowledged.push(key);
                    break;
                }
                assert_eq!(outcome.kind(), "store_unavailable", "{outcome:?}");
                assert_eq!(outcome.status(hookshield::Provider::Sensei), 503);
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        wait_for(&receiver, "every delivery done", |s| s.done == COUNT as u64);
        shutdown.stop();
        run.join().unwrap()
    });
    let handled = handled.into_inner().unwrap();
    for key in &acknowledged {
        // At least once: a completion whose answer was lost to the restart runs again.
        assert!(
            handled.get(key).is_some_and(|&n| n >= 1),
            "{key} was handled"
        );
    }
    assert_eq!(acknowledged.len(), COUNT);
    let stats = receiver.stats().unwrap();
    assert_eq!(
        (stats.pending, stats.in_flight, stats.done, stats.dead),
        (0, 0, COUNT as u64, 0)
    );
    assert_eq!(summary.dead, 0);
}

pub(crate) fn run_with_reports_how_each_job_ended(f: &Fixture) {
    // A delivery taken over while its handler runs: the handler succeeds, but its lease
    // is lost, and the observer says so (not "done").
    let other = f.open();
    accept_many(&other, "evt_taken_", 1);
    let worker = Worker::new(
        f.open(),
        verifier().into(),
        quick().lease(Duration::from_secs(1)),
    )
    .unwrap();
    let shutdown = Shutdown::new();
    let taken = Mutex::new(None);
    let ends = Mutex::new(Vec::new());
    let record = |end: &JobEnd<'_>| {
        let finished = end
            .finished
            .as_ref()
            .map(|finished| match finished {
                Finished::Done => "done",
                Finished::Retrying { .. } => "retrying",
                Finished::Dead => "dead",
            })
            .map_err(InboxError::code);
        ends.lock().unwrap().push((
            end.job.idempotency_key.clone(),
            end.job.attempt,
            end.error.map(str::to_owned),
            finished,
        ));
    };
    worker.run_with(
        |_, _| {
            let deadline = Instant::now() + Duration::from_secs(60);
            let job = loop {
                if let Some(job) = other.claim(LEASE).unwrap() {
                    break job;
                }
                assert!(
                    Instant::now() < deadline,
                    "gave up waiting for the lease to end"
                );
                std::thread::sleep(Duration::from_millis(50));
            };
            *taken.lock().unwrap() = Some(job);
            Ok::<(), String>(())
        },
        |end| {
            record(end);
            shutdown.stop();
        },
        &shutdown,
    );
    let job = taken.into_inner().unwrap().expect("taken over");
    assert_eq!(
        (job.delivery.idempotency_key.as_str(), job.attempt),
        ("evt_taken_0", 2)
    );
    other.complete(&job).unwrap();

    // Done, a retry, then a dead letter after the last attempt.
    let keys = accept_many(&other, "evt_ends_", 2);
    let shutdown = Shutdown::new();
    let worker = Worker::new(f.open(), verifier().into(), quick().max_attempts(2)).unwrap();
    let summary = worker.run_with(
        |event, _| match event.idempotency_key() {
            "evt_ends_1" => Err("always fails"),
            _ => Ok(()),
        },
        |end| {
            record(end);
            if ends.lock().unwrap().len() == 4 {
                shutdown.stop();
            }
        },
        &shutdown,
    );
    assert_eq!((summary.done, summary.retried, summary.dead), (1, 1, 1));
    let mut ends = ends.into_inner().unwrap();
    ends.sort();
    let fails = Some("always fails".to_owned());
    assert_eq!(
        ends,
        [
            (keys[0].clone(), 1, None, Ok("done")),
            (keys[1].clone(), 1, fails.clone(), Ok("retrying")),
            (keys[1].clone(), 2, fails, Ok("dead")),
            ("evt_taken_0".to_owned(), 1, None, Err("lease_lost")),
        ]
    );
}
