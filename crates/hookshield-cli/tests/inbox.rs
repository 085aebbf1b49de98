//! `listen --inbox` and `inbox worker|stats|dead|replay` as processes, over real HTTP,
//! against a real SQLite file and a real `redis-server` (started here), the same
//! scenarios on both backends. Failures and recoveries are in `inbox_recovery.rs`.
#![allow(missing_docs)]

mod common;

use std::collections::HashSet;

use common::inbox::{
    handler, listen, post, queue, read_when_written, runs, sqlite_inbox as sqlite, stats, test_dir,
    wait_until, Worker,
};
use common::redis::RedisServer;
use common::{hookshield, text};
use serde_json::Value;

/// Deliveries are answered `queued` without running anything; a worker then runs the
/// handler once for each, with the event on stdin and its attempt in the environment.
fn listen_then_a_worker_drains(inbox: &str, dir: &std::path::Path) {
    let receiver = listen(inbox);
    let keys = queue(&receiver.url, "drain", 12);
    let (status, again) = post(&receiver.url, "drain-0").unwrap();
    assert_eq!((status, &again["outcome"]), (200, &"duplicate".into()));
    assert_eq!(again["idempotency_key"], keys[0].as_str());

    // Nothing ran in the request: all twelve are waiting, and `--json` has exactly the
    // documented keys.
    let before = stats(inbox);
    let names: HashSet<&str> = before
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let expected = [
        "pending",
        "in_flight",
        "done",
        "dead",
        "oldest_pending_seconds",
    ];
    assert_eq!(names, HashSet::from(expected));
    assert_eq!(
        (before["pending"].as_u64(), before["done"].as_u64()),
        (Some(12), Some(0))
    );
    assert!(before["oldest_pending_seconds"].as_f64().unwrap() >= 0.0);
    assert!(runs(dir).is_empty());

    let worker = Worker::start(inbox, &handler(dir, "exit 0"), &["--concurrency", "4"]);
    let after = wait_until(inbox, "all done", |s| s["done"] == 12);
    assert_eq!(
        (after["pending"].as_u64(), after["in_flight"].as_u64()),
        (Some(0), Some(0))
    );
    assert_eq!(after["oldest_pending_seconds"], Value::Null);
    let out = worker.stop();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("12 done"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        text(&out.stdout).matches("  done").count(),
        12,
        "{}",
        text(&out.stdout)
    );

    let log = std::fs::read_to_string(dir.join("runs.log")).unwrap();
    assert!(
        log.lines().all(|line| line.ends_with(" 1 invoice.paid")),
        "{log}"
    );
    let runs = runs(dir);
    assert_eq!(runs.len(), 12);
    for key in &keys {
        assert_eq!(runs[key], [1], "{key}");
        let event: Value =
            serde_json::from_str(&read_when_written(&dir.join(format!("events/{key}.json"))))
                .unwrap();
        assert_eq!(
            (event["idempotency_key"].as_str(), event["type"].as_str()),
            (Some(key.as_str()), Some("invoice.paid"))
        );
    }
    // A redelivery of a done delivery is still a duplicate.
    assert_eq!(
        post(&receiver.url, "drain-3").unwrap().1["outcome"],
        "duplicate"
    );
}

#[test]
fn sqlite_listen_then_a_worker_drains() {
    let (inbox, dir) = sqlite("drain");
    listen_then_a_worker_drains(&inbox, &dir);
}

#[test]
fn redis_listen_then_a_worker_drains() {
    let redis = RedisServer::start();
    listen_then_a_worker_drains(&redis.url(), &test_dir("redis-drain"));
}

/// Deliveries whose handler fails every attempt become dead letters with the last error;
/// `inbox dead` lists them, `inbox replay` makes them pending again, by key or all.
fn dead_letters_are_listed_and_replayed(inbox: &str, dir: &std::path::Path) {
    let receiver = listen(inbox);
    let keys = queue(&receiver.url, "dead", 3);
    let fixed = dir.join("fixed");
    let command = handler(dir, &format!("[ -e '{}' ] || exit 3", fixed.display()));
    let options = [
        "--max-attempts",
        "2",
        "--backoff",
        "0.05",
        "--concurrency",
        "2",
    ];
    let worker = Worker::start(inbox, &command, &options);
    wait_until(inbox, "all dead", |s| s["dead"] == 3);
    let out = text(&worker.stop().stdout);
    // Each line says how the inbox recorded the run, as the core's worker reports it.
    assert_eq!(
        (
            out.matches("failed, will retry in ").count(),
            out.matches("dead letter (last attempt): the --exec command failed")
                .count()
        ),
        (3, 3),
        "{out}"
    );
    for key in &keys {
        assert_eq!(runs(dir)[key], [1, 2], "{key}");
    }

    let out = hookshield(&["inbox", "dead", "--inbox", inbox, "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let letters: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let listed: HashSet<&str> = letters
        .iter()
        .map(|l| l["idempotency_key"].as_str().unwrap())
        .collect();
    assert_eq!(listed, keys.iter().map(String::as_str).collect());
    for letter in &letters {
        assert_eq!(
            (letter["provider"].as_str(), letter["attempts"].as_u64()),
            (Some("standard"), Some(2))
        );
        assert!(
            letter["last_error"]
                .as_str()
                .unwrap()
                .contains("exit status: 3"),
            "{letter}"
        );
    }
    let out = hookshield(&["inbox", "dead", "--inbox", inbox])
        .output()
        .unwrap();
    assert!(text(&out.stdout).contains(&keys[0]) && text(&out.stdout).contains("exit status: 3"));

    // One by key (named twice: still one dead letter, exit 0); a key that is no dead
    // letter is reported (exit 1).
    let out = hookshield(&["inbox", "replay", "--inbox", inbox, &keys[0], &keys[0]])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let counts = stats(inbox);
    assert_eq!(
        (counts["pending"].as_u64(), counts["dead"].as_u64()),
        (Some(1), Some(2))
    );
    let out = hookshield(&["inbox", "replay", "--inbox", inbox, "no-such-key"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));

    // The handler fixed, the rest all at once; the worker finishes them.
    std::fs::write(&fixed, "").unwrap();
    let out = hookshield(&["inbox", "replay", "--inbox", inbox, "--all-dead"])
        .output()
        .unwrap();
    assert!(text(&out.stdout).starts_with("2 "), "{}", text(&out.stdout));
    let worker = Worker::start(inbox, &command, &[]);
    let after = wait_until(inbox, "all done", |s| s["done"] == 3);
    assert_eq!(after["dead"], 0);
    worker.stop();
    for key in &keys {
        assert_eq!(
            runs(dir)[key],
            [1, 2, 1],
            "replayed with a fresh count: {key}"
        );
    }
}

#[test]
fn sqlite_dead_letters_are_listed_and_replayed() {
    let (inbox, dir) = sqlite("dead");
    dead_letters_are_listed_and_replayed(&inbox, &dir);
}

#[test]
fn redis_dead_letters_are_listed_and_replayed() {
    let redis = RedisServer::start();
    dead_letters_are_listed_and_replayed(&redis.url(), &test_dir("redis-dead"));
}

/// A bad URL, an unreachable Redis and out-of-range worker options are usage errors
/// (exit 2) that never repeat a password.
#[test]
fn bad_inboxes_and_options_are_refused_without_the_password() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    for url in [
        "postgres://user:hunter2@127.0.0.1/db".to_owned(),
        format!("redis://:hunter2@127.0.0.1:{closed}/"),
    ] {
        let out = hookshield(&["inbox", "stats", "--inbox", &url])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{url}");
        let said = text(&out.stderr) + &text(&out.stdout);
        assert!(
            said.contains("--inbox") && !said.contains("hunter2"),
            "{said}"
        );
    }
    let (inbox, _dir) = sqlite("options");
    for (option, value) in [
        ("--concurrency", "0"),
        ("--max-attempts", "1.5"),
        ("--lease", "0"),
        ("--backoff", "-1"),
    ] {
        let out = hookshield(&[
            "inbox", "worker", "--inbox", &inbox, "-p", "kyc", "-s", "x", "--exec", "true", option,
            value,
        ])
        .output()
        .unwrap();
        assert_eq!(out.status.code(), Some(2), "{option} {value}");
        assert!(
            text(&out.stderr).starts_with("error[invalid_config]"),
            "{}",
            text(&out.stderr)
        );
    }
}

/// One inbox filled by two receivers (Standard Webhooks and KYC): a worker given both
/// providers handles both; a worker given one makes the other's deliveries dead letters
/// without running the handler.
#[test]
fn a_worker_serves_every_provider_it_is_given() {
    let (inbox, dir) = sqlite("providers");
    let standard = listen(&inbox);
    let kyc = common::Listen::start("kyc", &["--inbox", &inbox]);
    let mut keys = queue(&standard.url, "both", 2);
    let out = hookshield(&[
        "send",
        &kyc.url,
        "-p",
        "kyc",
        "-s",
        common::secret_for("kyc"),
        "--event",
        "all",
        "--json",
    ])
    .output()
    .unwrap();
    assert!(out.status.success(), "{}", text(&out.stdout));
    keys.extend(text(&out.stdout).lines().map(|line| {
        let line: Value = serde_json::from_str(line).unwrap();
        assert_eq!(line["outcome"], "queued", "{line}");
        line["idempotency_key"].as_str().unwrap().to_owned()
    }));
    assert_eq!(keys.len(), 8);

    // Only Standard Webhooks: the KYC deliveries cannot be checked, so they are buried.
    let only_one = Worker::start(&inbox, &handler(&dir, "exit 0"), &[]);
    wait_until(&inbox, "sorted", |s| s["done"] == 2 && s["dead"] == 6);
    only_one.stop();
    assert_eq!(runs(&dir).len(), 2);

    // Both: -p kyc takes the secret after it.
    assert!(
        hookshield(&["inbox", "replay", "--inbox", &inbox, "--all-dead"])
            .status()
            .unwrap()
            .success()
    );
    let both = hookshield(&["inbox", "worker", "--inbox", &inbox, "-p", "standard"])
        .args([
            "--secret-env",
            "STANDARD_SECRET",
            "-p",
            "kyc",
            "--secret-env",
            "KYC_SECRET",
        ])
        .args(["--exec", &handler(&dir, "exit 0")])
        .env("STANDARD_SECRET", common::secret_for("standard"))
        .env("KYC_SECRET", common::secret_for("kyc"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let both = Worker::from_child(both);
    wait_until(&inbox, "all done", |s| s["done"] == 8);
    let out = both.stop();
    assert!(
        text(&out.stderr).contains("worker for standard, kyc deliveries"),
        "{}",
        text(&out.stderr)
    );
    let runs = runs(&dir);
    assert!(keys.iter().all(|key| runs[key] == [1]), "{runs:?}");
}
