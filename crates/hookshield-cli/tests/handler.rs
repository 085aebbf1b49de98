//! `hookshield listen`'s handler (`--exec`), its store and clock options (`--lease`,
//! `--retention`, `--now`), the core's checks on every number it takes, and the one
//! answer shape of everything it writes, over HTTP on 127.0.0.1.
#![cfg(unix)]

mod common;

use std::io::Write as _;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use hookshield::{Answer, Error, ErrorCode, OutcomeKind, Provider};
use serde_json::Value;

use common::{connect, hookshield, read_reply, request, signed, wait_for, Listen, Reply};

/// A fresh directory for one test's files.
fn directory(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "hookshield-cli-handler-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// POSTs a signed delivery.
fn post(url: &str, delivery: &(Vec<(String, String)>, String)) -> Reply {
    let (headers, body) = delivery;
    let headers: Vec<(&str, &[u8])> = headers
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_bytes()))
        .collect();
    let mut stream = connect(url);
    let _ = stream.write_all(&request(&headers, body.as_bytes()));
    let reply = read_reply(&mut stream);
    assert_eq!(reply.content_type.as_deref(), Some("application/json"));
    reply
}

fn json(reply: &Reply) -> Value {
    serde_json::from_str(&reply.body).unwrap()
}

#[test]
fn the_exec_command_gets_the_event_and_its_failure_is_answered_500_and_retried() {
    let dir = directory("exec");
    let d = dir.display();
    let exec = format!(
        "cat > '{d}/event.json'; \
         printf '%s %s %s' \"$HOOKSHIELD_PROVIDER\" \"$HOOKSHIELD_EVENT_TYPE\" \"$HOOKSHIELD_IDEMPOTENCY_KEY\" > '{d}/env'; \
         echo 'the database is down' >&2; [ -e '{d}/ok' ]"
    );
    let listen = Listen::start("sensei", &["--json", "--exec", &exec]);
    let delivery = signed("sensei", "approval.required", &[]);

    let failed = post(&listen.url, &delivery);
    let event: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("event.json")).unwrap()).unwrap();
    let key = event["idempotency_key"].as_str().unwrap();
    assert_eq!(event["type"], "approval.required");
    let env = std::fs::read_to_string(dir.join("env")).unwrap();
    assert_eq!(env, format!("sensei approval.required {key}"));
    // The core's answer: the handler's own words are for the log only.
    let answer = Answer::of(
        OutcomeKind::HandlerFailed,
        Provider::Sensei,
        Some(key),
        None,
    );
    assert_eq!((failed.status, &failed.body), (500, &answer.body));

    // The key was released: the provider's retry runs the command again.
    std::fs::write(dir.join("ok"), b"").unwrap();
    let retried = post(&listen.url, &delivery);
    assert_eq!(
        (retried.status, json(&retried)),
        (
            200,
            serde_json::json!({"outcome": "processed", "idempotency_key": key})
        )
    );
    std::fs::remove_file(dir.join("event.json")).unwrap();
    let again = post(&listen.url, &delivery);
    assert_eq!(
        (again.status, &json(&again)["outcome"]),
        (200, &"duplicate".into())
    );
    assert!(
        !dir.join("event.json").exists(),
        "a duplicate runs no handler"
    );

    let lines: Vec<Value> = listen
        .stop_after(3)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines[0]["outcome"], "handler_failed");
    let logged = lines[0]["error"]["message"].as_str().unwrap();
    assert!(logged.contains("exit status: 1"), "{logged}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_redelivery_is_in_progress_until_the_lease_ends() {
    let dir = directory("lease");
    let d = dir.display();
    // Only the first run holds: the one that takes the key over runs at once.
    let exec = format!(
        "cat >/dev/null; [ -e '{d}/ran' ] && exit 0; touch '{d}/ran'; \
         while [ -e '{d}/hold' ]; do sleep 0.01; done"
    );
    let listen = Listen::start("kyc", &["--lease", "1.5", "--exec", &exec]);
    let delivery = signed("kyc", "kyc.session.completed", &[]);
    std::fs::write(dir.join("hold"), b"").unwrap();
    let first = {
        let (url, delivery) = (listen.url.clone(), delivery.clone());
        std::thread::spawn(move || post(&url, &delivery))
    };
    wait_for(&dir.join("ran"));
    let started = Instant::now();
    let meanwhile = post(&listen.url, &delivery);
    assert_eq!(
        (meanwhile.status, &json(&meanwhile)["outcome"]),
        (409, &"in_progress".into())
    );
    // The first handler is still stuck; once its lease ends (it was taken before `ran`
    // appeared), a redelivery takes the key over. The first is let go only then, so it
    // cannot finish first however slow the machine is.
    std::thread::sleep(Duration::from_millis(1600).saturating_sub(started.elapsed()));
    let taken_over = post(&listen.url, &delivery);
    std::fs::remove_file(dir.join("hold")).unwrap();
    assert_eq!(
        (taken_over.status, &json(&taken_over)["outcome"]),
        (200, &"processed".into())
    );
    let _ = first.join().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_retention_is_the_replay_horizon_on_the_pinned_clock() {
    // Sensei's event time is the sample's `created_at`: now.
    let delivery = signed("sensei", "approval.required", &[]);
    let two_minutes_on = (std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 120)
        .to_string();
    let short = Listen::start("sensei", &["--now", &two_minutes_on, "--retention", "60"]);
    let refused = post(&short.url, &delivery);
    assert_eq!(refused.status, 401, "{}", refused.body);
    assert_eq!(json(&refused)["error"]["code"], "timestamp_too_old");
    // The default retention (Sensei's retry horizon and a day) remembers it.
    let default = Listen::start("sensei", &["--now", &two_minutes_on]);
    assert_eq!(post(&default.url, &delivery).status, 200);
}

/// Runs the CLI and waits (up to 10 s) for it to exit: its exit code and stderr.
fn exits(args: &[&str]) -> (Option<i32>, String) {
    let mut child = hookshield(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{args:?} was accepted and is still running");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().unwrap();
    (out.status.code(), common::text(&out.stderr))
}

#[test]
fn every_number_is_checked_by_the_core() {
    use hookshield::options;
    let cases: [(&str, &str, Error); 8] = [
        ("--lease", "0", options::lease(0.0).unwrap_err()),
        ("--retention", "-1", options::retention(-1.0).unwrap_err()),
        (
            "--retention",
            "inf",
            options::retention(f64::INFINITY).unwrap_err(),
        ),
        ("--capacity", "0", options::capacity(0.0).unwrap_err()),
        ("--capacity", "2.5", options::capacity(2.5).unwrap_err()),
        ("--tolerance", "1.5", options::tolerance(1.5).unwrap_err()),
        ("--tolerance", "-1", options::tolerance(-1.0).unwrap_err()),
        (
            "--max-body-bytes",
            "0",
            options::max_body_bytes(0.0).unwrap_err(),
        ),
    ];
    for (flag, value, error) in cases {
        let expected = format!("error[invalid_config]: {error}\n");
        let listen = [
            "listen", "-p", "sensei", "-s", "x", "--port", "0", flag, value,
        ];
        assert_eq!(
            exits(&listen),
            (Some(2), expected.clone()),
            "{flag} {value}"
        );
        if matches!(flag, "--tolerance" | "--max-body-bytes") {
            let verify = [
                "verify",
                "-p",
                "sensei",
                "-s",
                "x",
                "--body",
                "/dev/null",
                flag,
                value,
            ];
            assert_eq!(exits(&verify), (Some(2), expected), "verify {flag} {value}");
        }
    }
    // 0 is a tolerance: no replay window beyond the very second.
    let verify = [
        "verify",
        "-p",
        "sensei",
        "-s",
        "x",
        "--body",
        "/dev/null",
        "--tolerance",
        "0",
    ];
    let (code, stderr) = exits(&verify);
    assert_eq!(
        code,
        Some(1),
        "rejected for its body, not its options: {stderr}"
    );
}

#[test]
fn every_answer_has_the_cores_shape() {
    let listen = Listen::start("sentinel", &[]);
    let delivery = signed("sentinel", "document.completed", &[]);
    let processed = post(&listen.url, &delivery);
    let key = json(&processed)["idempotency_key"]
        .as_str()
        .unwrap()
        .to_owned();
    let expected = Answer::of(OutcomeKind::Processed, Provider::Sentinel, Some(&key), None);
    assert_eq!((processed.status, processed.body), (200, expected.body));

    // Refused before the core: a declared length over the limit...
    let mut stream = connect(&listen.url);
    stream
        .write_all(b"POST /hooks HTTP/1.1\r\nHost: x\r\nContent-Length: 52428800\r\n\r\n")
        .unwrap();
    let too_large = read_reply(&mut stream);
    let error = Error::BodyTooLarge {
        size: 52_428_800,
        limit: hookshield::DEFAULT_MAX_BODY_BYTES,
    };
    let kind = OutcomeKind::Rejected(ErrorCode::BodyTooLarge);
    let expected = Answer::of(kind, Provider::Sentinel, None, Some(&error));
    assert_eq!((too_large.status, too_large.body), (413, expected.body));

    // ...and a request that is no delivery.
    let mut stream = connect(&listen.url);
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let get = read_reply(&mut stream);
    assert_eq!(get.status, 405);
    assert_eq!(get.content_type.as_deref(), Some("application/json"));
    let body = json(&get);
    assert_eq!(
        body.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["outcome", "error"]
    );
    assert_eq!(
        (&body["outcome"], &body["error"]["code"]),
        (&"rejected".into(), &"method_not_allowed".into())
    );
}
