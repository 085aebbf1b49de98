//! The inbox's failures and recoveries, as processes over real HTTP on a real SQLite
//! file and a real `redis-server` (started here): a worker killed mid-handler, a command
//! that outlived its lease, a receiver restarted over its SQLite file, a Redis server
//! restarted mid-run, a graceful stop, and eight workers with a flaky handler.
#![allow(missing_docs)]

mod common;

use common::inbox::{
    handler, listen, post, queue, read_when_written, runs, sqlite_inbox as sqlite, stats, test_dir,
    wait_until, Worker,
};
use common::redis::RedisServer;
use common::text;

/// A worker killed (SIGKILL) mid-handler holds its delivery until its lease ends; then
/// another worker takes it over, runs the handler again (attempt 2) and marks it done.
fn a_killed_worker_loses_its_delivery_to_another(inbox: &str, dir: &std::path::Path) {
    let receiver = listen(inbox);
    let key = queue(&receiver.url, "killed", 1).remove(0);
    // The first attempt records the handler's pid, then hangs.
    let pid_file = dir.join("pid");
    let hang = format!(
        "if [ \"$HOOKSHIELD_ATTEMPT\" = 1 ]; then echo $$ > '{}'; exec sleep 600; fi",
        pid_file.display()
    );
    let command = handler(dir, &hang);
    let first = Worker::start(inbox, &command, &["--lease", "1"]);
    let pid = read_when_written(&pid_file);
    first.kill();
    // The orphaned handler goes too (the delivery must not wait for it).
    assert!(std::process::Command::new("kill")
        .args(["-9", pid.trim()])
        .status()
        .unwrap()
        .success());
    assert_eq!(stats(inbox)["in_flight"], 1);

    let second = Worker::start(inbox, &command, &["--lease", "1"]);
    let after = wait_until(inbox, "taken over", |s| s["done"] == 1);
    assert_eq!(
        (after["pending"].as_u64(), after["in_flight"].as_u64()),
        (Some(0), Some(0))
    );
    let out = second.stop();
    assert!(
        text(&out.stdout).contains(&format!("key={key} attempt=2")),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(runs(dir)[&key], [1, 2]);
}

#[test]
fn sqlite_a_killed_worker_loses_its_delivery_to_another() {
    let (inbox, dir) = sqlite("killed");
    a_killed_worker_loses_its_delivery_to_another(&inbox, &dir);
}

#[test]
fn redis_a_killed_worker_loses_its_delivery_to_another() {
    let redis = RedisServer::start();
    a_killed_worker_loses_its_delivery_to_another(&redis.url(), &test_dir("redis-killed"));
}

/// The receiver killed and started again over the same SQLite file: every delivery it
/// acknowledged is still there, a redelivery of one is a duplicate, and a worker
/// drains them all.
#[test]
fn a_receiver_restarted_over_its_sqlite_file_loses_nothing() {
    let (inbox, dir) = sqlite("restart");
    let first = listen(&inbox);
    let mut keys = queue(&first.url, "before", 10);
    drop(first); // SIGKILL
    let second = listen(&inbox);
    assert_eq!(
        post(&second.url, "before-7").unwrap().1["outcome"],
        "duplicate"
    );
    keys.extend(queue(&second.url, "after", 10));
    assert_eq!(stats(&inbox)["pending"], 20);

    let worker = Worker::start(&inbox, &handler(&dir, "exit 0"), &["--concurrency", "3"]);
    wait_until(&inbox, "all done", |s| s["done"] == 20);
    worker.stop();
    let runs = runs(&dir);
    assert_eq!(runs.len(), 20);
    assert!(keys.iter().all(|key| runs[key] == [1]));
}

/// `redis-server` (appendonly, fsync always) killed and restarted, before the worker
/// starts and mid-run: nothing acknowledged is lost, and the worker, still running,
/// finishes everything; with Redis down, the receiver answers 503 (the provider
/// retries).
#[test]
fn redis_restarted_mid_run_loses_nothing_acknowledged() {
    let dir = test_dir("redis-restart");
    let mut redis = RedisServer::start_durable(dir.join("redis"));
    let inbox = redis.url();
    let receiver = listen(&inbox);
    let mut keys = queue(&receiver.url, "before", 10);

    redis.restart();
    assert_eq!(
        stats(&inbox)["pending"],
        10,
        "acknowledged deliveries survive"
    );
    // A run whose result could not be recorded while Redis was down stays in flight
    // until its lease ends: a short one, so that another claim takes it soon.
    let worker = Worker::start(
        &inbox,
        &handler(&dir, "sleep 0.05"),
        &["--concurrency", "2", "--lease", "2"],
    );
    wait_until(&inbox, "some done", |s| s["done"].as_u64() >= Some(3));
    redis.restart();
    keys.extend(queue(&receiver.url, "after", 10));
    wait_until(&inbox, "all done", |s| s["done"] == 20);
    let out = worker.stop();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let runs = runs(&dir);
    // At least once: a delivery whose run straddled the restart may have run again.
    assert!(keys.iter().all(|key| runs.contains_key(key)));
    assert_eq!(runs.len(), 20);

    // Down: the receiver does not acknowledge.
    drop(redis);
    let (status, answer) = post(&receiver.url, "while-down").unwrap();
    assert_eq!(
        (status, answer["outcome"].as_str()),
        (503, Some("store_unavailable"))
    );
}

/// A command that outlives its lease: another worker takes the delivery over and marks it
/// done; the first worker's line says its run was not recorded (`lease_lost`), not done.
#[test]
fn a_run_that_outlived_its_lease_is_not_reported_done() {
    let (inbox, dir) = sqlite("outlived");
    let receiver = listen(&inbox);
    let key = queue(&receiver.url, "outlived", 1).remove(0);
    // The first attempt waits for the second (in the other worker) to have run.
    let taken = dir.join("taken");
    let wait_or_mark = format!(
        "if [ \"$HOOKSHIELD_ATTEMPT\" = 1 ]; then while [ ! -e '{taken}' ]; do sleep 0.05; done; \
         else touch '{taken}'; fi",
        taken = taken.display()
    );
    let command = handler(&dir, &wait_or_mark);
    let workers = [1, 2].map(|_| Worker::start(&inbox, &command, &["--lease", "1", "--json"]));
    wait_until(&inbox, "taken over", |s| s["done"] == 1);
    // Stopped gracefully, each records the command it runs (the first, which now ends).
    let mut lines: Vec<(u64, String)> = workers
        .into_iter()
        .flat_map(|worker| {
            let out = worker.stop();
            assert!(out.status.success(), "{}", text(&out.stderr));
            text(&out.stdout)
                .lines()
                .map(|line| {
                    let line: serde_json::Value = serde_json::from_str(line).unwrap();
                    assert_eq!(line["idempotency_key"], key.as_str(), "{line}");
                    let result = line["result"].as_str().unwrap().to_owned();
                    (line["attempt"].as_u64().unwrap(), result)
                })
                .collect::<Vec<_>>()
        })
        .collect();
    lines.sort();
    assert_eq!(
        lines,
        [(1, "lease_lost".to_owned()), (2, "done".to_owned())]
    );
    assert_eq!(runs(&dir)[&key], [1, 2]);
}

/// SIGTERM while the handler runs: the worker lets it finish, records it done, and
/// exits 0 without taking anything more.
#[test]
fn a_stopped_worker_finishes_the_handler_it_runs() {
    let (inbox, dir) = sqlite("graceful");
    let receiver = listen(&inbox);
    let key = queue(&receiver.url, "graceful", 1).remove(0);
    let started = dir.join("started");
    let command = handler(&dir, &format!("echo > '{}'; sleep 1", started.display()));
    let worker = Worker::start(&inbox, &command, &[]);
    read_when_written(&started);
    let out = worker.stop();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("1 done"),
        "{}",
        text(&out.stderr)
    );
    let after = stats(&inbox);
    assert_eq!(
        (after["done"].as_u64(), after["in_flight"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(runs(&dir)[&key], [1]);
}

/// Eight worker processes over one inbox, with a handler that fails some deliveries once
/// and some always: every delivery ends done or dead, none is lost, and none succeeds
/// twice or runs an attempt twice.
fn eight_workers_with_a_flaky_handler(inbox: &str, dir: &std::path::Path) {
    let receiver = listen(inbox);
    let keys = queue(&receiver.url, "flaky", 40);
    let ok = dir.join("ok.log");
    let flaky = format!(
        "case \"$HOOKSHIELD_IDEMPOTENCY_KEY\" in\n\
           *[05]) exit 3 ;;\n\
           *[2468]) [ \"$HOOKSHIELD_ATTEMPT\" -ge 2 ] || exit 1 ;;\n\
         esac\n\
         echo \"$HOOKSHIELD_IDEMPOTENCY_KEY\" >> '{}'",
        ok.display()
    );
    let command = handler(dir, &flaky);
    let options = ["--max-attempts", "2", "--backoff", "0.05"];
    let workers: Vec<Worker> = (0..8)
        .map(|_| Worker::start(inbox, &command, &options))
        .collect();
    let after = wait_until(inbox, "all finished", |s| {
        s["done"].as_u64().zip(s["dead"].as_u64()) == Some((32, 8))
    });
    assert_eq!(
        (after["pending"].as_u64(), after["in_flight"].as_u64()),
        (Some(0), Some(0))
    );
    for worker in workers {
        assert!(worker.stop().status.success());
    }
    let runs = runs(dir);
    let succeeded = std::fs::read_to_string(&ok).unwrap();
    for key in &keys {
        let once = succeeded.lines().filter(|line| line == key).count();
        let (attempts, successes): (&[u32], usize) = match key.as_bytes().last() {
            Some(b'0' | b'5') => (&[1, 2], 0),
            Some(b'2' | b'4' | b'6' | b'8') => (&[1, 2], 1),
            _ => (&[1], 1),
        };
        assert_eq!((runs[key].as_slice(), once), (attempts, successes), "{key}");
    }
}

#[test]
fn sqlite_eight_workers_with_a_flaky_handler() {
    let (inbox, dir) = sqlite("flaky");
    eight_workers_with_a_flaky_handler(&inbox, &dir);
}

#[test]
fn redis_eight_workers_with_a_flaky_handler() {
    let redis = RedisServer::start();
    eight_workers_with_a_flaky_handler(&redis.url(), &test_dir("redis-flaky"));
}
