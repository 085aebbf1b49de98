//! `hookshield send` against receivers over HTTP on 127.0.0.1: `listen` with its memory
//! store, two `listen` processes sharing a real Redis, Redis down, a receiver that
//! refuses, and no receiver at all.

mod common;

use serde_json::Value;

use common::redis::RedisServer;
use common::{hookshield, run, sample_types, secret_for, text, Listen, SECRET};

#[test]
fn send_against_listen_over_http() {
    for provider in ["kyc", "sensei"] {
        let listen = Listen::start(provider, &["--json"]);
        let out = hookshield(&[
            "send",
            &listen.url,
            "-p",
            provider,
            "--secret-env",
            "HOOKSHIELD_TEST_SECRET",
            "--event",
            "all",
            "--replay",
            "--forge",
            "--stale",
            "--json",
        ])
        .env("HOOKSHIELD_TEST_SECRET", secret_for(provider))
        .output()
        .unwrap();
        assert!(
            out.status.success(),
            "{}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        let sent: Vec<Value> = text(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let events = sample_types(provider).len();
        let of = |kind: &'static str| sent.iter().filter(move |r| r["delivery"] == kind);
        assert_eq!(of("genuine").count(), events);
        assert!(of("genuine").all(|r| r["status"] == 200 && r["outcome"] == "processed"));
        assert!(of("replay").all(|r| r["status"] == 200 && r["outcome"] == "duplicate"));
        assert!(of("forged").all(|r| r["status"] == 401 && r["code"] == "signature_mismatch"));
        assert_eq!(of("replay").count(), events);
        assert_eq!(of("forged").count(), events);
        if provider == "kyc" {
            assert!(of("stale").all(|r| r["status"] == 401 && r["code"] == "timestamp_too_old"));
        } else {
            // Sensei signs no timestamp: nothing can be stale.
            assert!(of("stale").all(|r| r.get("skipped").is_some()));
        }
        assert_eq!(of("stale").count(), events);

        // What the receiver printed: one JSON line per delivery, each event processed once.
        let printed = listen.stop();
        assert!(!printed.contains(secret_for(provider)));
        let lines: Vec<Value> = printed
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let received = if provider == "kyc" {
            4 * events
        } else {
            3 * events
        };
        assert_eq!(lines.len(), received, "{printed}");
        let outcome = |kind: &str| lines.iter().filter(|l| l["outcome"] == kind).count();
        assert_eq!(outcome("processed"), events);
        assert_eq!(outcome("duplicate"), events);
        assert_eq!(outcome("rejected"), received - 2 * events);
        let mut keys: Vec<&str> = lines
            .iter()
            .filter(|l| l["outcome"] == "processed")
            .map(|l| l["event"]["idempotency_key"].as_str().unwrap())
            .collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(
            keys.len(),
            events,
            "every processed event is a distinct key"
        );
    }
}

#[test]
fn send_reports_a_receiver_that_refuses_genuine_deliveries() {
    let listen = Listen::start("sentinel", &[]);
    // Signed with a secret the receiver does not hold: the genuine delivery is refused.
    let out = run(&[
        "send",
        &listen.url,
        "-p",
        "sentinel",
        "-s",
        "whsec_not_the_receivers",
        "--event",
        "report.generated",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("401"), "{stdout}");
    assert!(stdout.contains("signature_mismatch"), "{stdout}");
    assert!(stdout.contains("unexpected"), "{stdout}");

    // The text output of listen names the rejection and never the secret.
    let printed = listen.stop();
    assert!(printed.contains("rejected"), "{printed}");
    assert!(printed.contains("signature_mismatch"), "{printed}");
    assert!(!printed.contains("whsec_"), "{printed}");
}

#[test]
fn send_to_nothing_fails_cleanly() {
    // Bind and drop a listener to find a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/");
    let out = run(&[
        "send",
        &url,
        "-p",
        "sensei",
        "-s",
        SECRET,
        "--event",
        "approval.required",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("1 delivery: 0 as expected, 1 not"));
    let out = run(&[
        "send", "ftp://x", "-p", "sensei", "-s", SECRET, "--event", "all",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

/// Sends one sample delivery (and, with `replay`, its replay) and returns the answers.
fn send_one(url: &str, provider: &str, replay: bool) -> Vec<Value> {
    let mut args = vec![
        "send",
        url,
        "-p",
        provider,
        "--secret-env",
        "HOOKSHIELD_TEST_SECRET",
    ];
    args.extend_from_slice(&["--event", "migration.started", "--json"]);
    if replay {
        args.push("--replay");
    }
    let out = hookshield(&args)
        .env("HOOKSHIELD_TEST_SECRET", secret_for(provider))
        .output()
        .unwrap();
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn two_listeners_sharing_a_redis_store_process_an_event_once() {
    let redis = RedisServer::start();
    let store = format!("redis://127.0.0.1:{}/", redis.port);
    let first = Listen::start("sensei", &["--json", "--store", &store]);
    let second = Listen::start("sensei", &["--json", "--store", &store]);
    let a = send_one(&first.url, "sensei", false);
    assert_eq!(
        (a[0]["status"].as_u64(), a[0]["outcome"].as_str()),
        (Some(200), Some("processed"))
    );
    // The provider redelivers to the other machine: it knows the event is done.
    let b = send_one(&second.url, "sensei", false);
    assert_eq!(
        (b[0]["status"].as_u64(), b[0]["outcome"].as_str()),
        (Some(200), Some("duplicate"))
    );
}

#[test]
fn listen_with_redis_down_does_not_acknowledge() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let store = format!("redis://:hunter2@127.0.0.1:{closed}/");
    let listen = Listen::start("sensei", &["--json", "--store", &store]);
    let answers = send_one(&listen.url, "sensei", false);
    assert_eq!(answers[0]["status"], 503, "{answers:?}");
    let printed = listen.stop();
    assert!(printed.contains("store_unavailable"), "{printed}");
    assert!(
        !printed.contains("hunter2"),
        "the URL's password is not echoed"
    );
}
