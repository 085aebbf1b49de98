//! Every case of the outcome vectors (`tests/vectors/process/outcomes.json`, run by every
//! binding too) through `hookshield listen` over HTTP on 127.0.0.1: the outcome, status
//! and JSON body it answers; and every case of the inbox's vectors
//! (`process/inbox.json`) through `listen --inbox sqlite:...`.
//!
//! Cases that configure `listen` alike (provider, secrets, options, `now`, store) share
//! one process, and the processes run side by side. Within one, cases go in an order
//! that gives each the store state it asks for (a claimed key first, then a failing
//! handler, both of which leave the key free, then the rest). The handler is an
//! `--exec` script steered by files in the process's own directory: `hold` keeps it
//! running (so its claim stays taken), `fail` makes it fail, and it touches `ran` once
//! it has started.
#![cfg(unix)]

mod common;

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::Value;

use common::{connect, hookshield, read_reply, request, wait_for, Listen};

/// The cases of `tests/vectors/process/<name>`.
fn cases(name: &str) -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/vectors/process")
        .join(name);
    let file: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    file["cases"].as_array().unwrap().clone()
}

/// A port nobody listens on: bound, then let go.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The `listen` arguments a case asks for (the `--name=value` form, so that no value is
/// taken for a flag), but the handler.
fn arguments(case: &Value, closed_port: u16) -> Vec<String> {
    let mut args = common::verifier_arguments(case);
    match case["process"]["store"].as_str().unwrap() {
        "memory" => {}
        "unavailable" => args.push(format!("--store=redis://127.0.0.1:{closed_port}/")),
        other => panic!("unknown store {other:?}"),
    }
    args
}

/// Where a case goes in its process: a claimed key first, a failing handler next (both
/// leave the key free), then deliveries to a fresh key, then those processed before.
fn rank(case: &Value) -> u8 {
    let step = &case["process"];
    match (step["before"].as_str(), step["handler"].as_str()) {
        (Some("claimed"), _) => 0,
        (_, Some("fail")) => 1,
        (None, _) => 2,
        _ => 3,
    }
}

/// A case's delivery sent to `url`: the status, `Content-Type` and JSON body.
fn deliver(url: &str, case: &Value) -> (u16, Option<String>, Value) {
    let body = match (&case["body"], &case["body_hex"]) {
        (Value::String(text), _) => text.as_bytes().to_vec(),
        (_, Value::String(hex)) => (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect(),
        _ => panic!("a case without a body"),
    };
    let headers: Vec<(&str, &[u8])> = case["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| {
            (
                pair[0].as_str().unwrap(),
                pair[1].as_str().unwrap().as_bytes(),
            )
        })
        .collect();
    let mut stream = connect(url);
    // A receiver refusing a declared length may answer and close before taking it all.
    let _ = stream.write_all(&request(&headers, &body));
    let reply = read_reply(&mut stream);
    let answer =
        serde_json::from_str(&reply.body).unwrap_or_else(|_| panic!("not JSON: {:?}", reply.body));
    (reply.status, reply.content_type, answer)
}

/// One `listen` process and the directory that steers its handler.
struct Receiver {
    listen: Listen,
    dir: PathBuf,
}

impl Receiver {
    fn start(args: &[String], index: usize) -> Receiver {
        let dir = std::env::temp_dir().join(format!(
            "hookshield-cli-outcomes-{}-{index}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let quoted = format!("'{}'", dir.display());
        let exec = format!(
            "cat >/dev/null; touch {quoted}/ran; \
             while [ -e {quoted}/hold ]; do sleep 0.01; done; [ ! -e {quoted}/fail ]"
        );
        let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
        args.extend(["--exec", &exec]);
        let listen = Listen::spawn(hookshield(&[]), &args).listen;
        Receiver { listen, dir }
    }

    fn flag(&self, name: &str, on: bool) {
        let path = self.dir.join(name);
        if on {
            std::fs::write(path, b"").unwrap();
        } else {
            let _ = std::fs::remove_file(path);
        }
    }

    /// Sets up what the case says happened before, sends its delivery, and returns
    /// what `listen` answered, as the vectors' `expect`.
    fn run(&self, case: &Value) -> Value {
        let step = &case["process"];
        let url = self.listen.url.clone();
        let mut claimer = None;
        match step["before"].as_str() {
            Some("processed") => {
                let (status, _, answer) = deliver(&url, case);
                assert_eq!(status, 200, "{answer}");
            }
            Some("claimed") => {
                // Another delivery of it claims the key and holds it: its handler runs
                // until `hold` goes, then fails, which frees the key.
                self.flag("ran", false);
                self.flag("hold", true);
                self.flag("fail", true);
                let case = case.clone();
                claimer = Some(std::thread::spawn(move || deliver(&url, &case)));
                wait_for(&self.dir.join("ran"));
            }
            _ => {}
        }
        if claimer.is_none() {
            self.flag("fail", step["handler"] == "fail");
        }
        let (status, content_type, answer) = deliver(&self.listen.url, case);
        if let Some(claimer) = claimer {
            self.flag("hold", false);
            let (status, _, answer) = claimer.join().unwrap();
            assert_eq!(status, 500, "the claimer's own delivery: {answer}");
        }
        self.flag("fail", false);
        as_expected(case, status, content_type.as_deref(), answer)
    }
}

/// What a receiver answered, in the shape of the vectors' `expect`: the outcome, status
/// and JSON body, which must come as `application/json`.
fn as_expected(case: &Value, status: u16, content_type: Option<&str>, mut answer: Value) -> Value {
    assert_eq!(content_type, Some("application/json"));
    let outcome = answer["outcome"].clone();
    // Messages a vector leaves out (the JSON parser's own words) are only checked
    // present.
    let expected = &case["expect"]["answer"]["error"];
    if expected.is_object() && expected.get("message").is_none() {
        let message = answer["error"].as_object_mut().unwrap().remove("message");
        assert!(message.is_some_and(|m| m.as_str().is_some_and(|m| !m.is_empty())));
    }
    serde_json::json!({ "outcome": outcome, "status": status, "answer": answer })
}

/// What `case` expected and what came back, where they differ (the answer's members in
/// another order too).
fn mismatch(case: &Value, got: &Value) -> Option<String> {
    let expected = &case["expect"];
    (got != expected || !same_order(&expected["answer"], &got["answer"]))
        .then(|| format!("{}:\n  expected {expected}\n  got      {got}", case["name"]))
}

/// Fails with every mismatch, `what` saying where; a file of too few cases fails too.
fn assert_all_passed(failures: &[String], cases: usize, what: &str) {
    assert!(cases > 50, "only {cases} cases");
    assert!(
        failures.is_empty(),
        "{} of {cases} {what}:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Whether the answer's members come in the order the expectation has them.
fn same_order(expected: &Value, got: &Value) -> bool {
    let keys = |value: &Value| {
        value
            .as_object()
            .map(|o| o.keys().cloned().collect::<Vec<_>>())
    };
    keys(expected) == keys(got)
}

#[test]
fn every_outcome_vector_passes_through_listen() {
    let started = Instant::now();
    let closed_port = closed_port();
    let mut groups: BTreeMap<Vec<String>, Vec<Value>> = BTreeMap::new();
    let cases = cases("outcomes.json");
    for case in &cases {
        groups
            .entry(arguments(case, closed_port))
            .or_default()
            .push(case.clone());
    }
    let failures: Vec<String> = std::thread::scope(|scope| {
        let runs: Vec<_> = groups
            .iter_mut()
            .enumerate()
            .map(|(index, (args, cases))| {
                cases.sort_by_key(rank);
                scope.spawn(move || {
                    let receiver = Receiver::start(args, index);
                    let mut failures = Vec::new();
                    for case in cases.iter() {
                        failures.extend(mismatch(case, &receiver.run(case)));
                    }
                    let _ = std::fs::remove_dir_all(&receiver.dir);
                    failures
                })
            })
            .collect();
        runs.into_iter()
            .flat_map(|run| run.join().unwrap())
            .collect()
    });
    assert_all_passed(
        &failures,
        cases.len(),
        "outcome vectors failed through listen",
    );
    eprintln!(
        "{} cases through {} listen processes in {:?}",
        cases.len(),
        groups.len(),
        started.elapsed()
    );
}

/// One `listen --inbox` process per verifier (provider, secrets, options, `now`) and
/// earlier history, each over its own SQLite file, so that a `queued` case finds the
/// inbox empty and a `duplicate` case finds its delivery queued once before it.
#[test]
fn every_inbox_vector_passes_through_listen_with_an_inbox() {
    let mut groups: BTreeMap<(Vec<String>, String), Vec<Value>> = BTreeMap::new();
    let cases = cases("inbox.json");
    for case in &cases {
        let before = case["inbox"]["before"].as_str().unwrap_or("").to_owned();
        groups
            .entry((common::verifier_arguments(case), before))
            .or_default()
            .push(case.clone());
    }
    let failures: Vec<String> = std::thread::scope(|scope| {
        let runs: Vec<_> = groups
            .iter()
            .enumerate()
            .map(|(index, ((args, before), cases))| {
                scope.spawn(move || {
                    let (url, dir) = common::inbox::sqlite_inbox(&format!("vectors-{index}"));
                    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
                    args.extend(["--inbox", &url]);
                    let listen = Listen::spawn(hookshield(&[]), &args).listen;
                    let mut failures = Vec::new();
                    for case in cases {
                        if before == "queued" {
                            let (status, _, answer) = deliver(&listen.url, case);
                            assert_eq!((status, &answer["outcome"]), (200, &"queued".into()));
                        }
                        let (status, content_type, answer) = deliver(&listen.url, case);
                        let got = as_expected(case, status, content_type.as_deref(), answer);
                        failures.extend(mismatch(case, &got));
                    }
                    // What was acknowledged is queued, once; what was rejected is not.
                    let accepted = cases.iter().any(|case| case["expect"]["status"] == 200);
                    let stats = common::inbox::stats(&url);
                    assert_eq!(stats["pending"], u64::from(accepted), "{stats}");
                    drop(listen);
                    let _ = std::fs::remove_dir_all(&dir);
                    failures
                })
            })
            .collect();
        runs.into_iter()
            .flat_map(|run| run.join().unwrap())
            .collect()
    });
    assert_all_passed(
        &failures,
        cases.len(),
        "inbox vectors failed through listen --inbox",
    );
}
