//! The inbox's answer vectors (`tests/vectors/process/inbox.json`, run by every binding
//! too): what `Inbox::accept` answers (outcome, HTTP status, JSON body) for a new
//! delivery, one already in the inbox, and the common rejections. Each case gets a fresh
//! SQLite inbox in a temporary directory and the verifier the case describes, its clock
//! pinned to the case's `now` (which `accept` takes as "now").

use hookshield::inbox::Inbox;
use hookshield::Provider;
use serde_json::Value;

use crate::common::{body, build, cases, headers, vector_files};

/// The cases of `process/inbox.json`.
fn inbox_cases() -> Vec<Value> {
    let files = vector_files("process");
    let file = files
        .iter()
        .find(|path| path.ends_with("inbox.json"))
        .expect("tests/vectors/process/inbox.json");
    cases(file)
}

/// The outcome, status and answer body a fresh SQLite inbox gives for `case`.
fn run(case: &Value) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let inbox = Inbox::open(&format!("sqlite:{}", dir.path().join("inbox.db").display())).unwrap();
    let verifier = build(case).unwrap();
    let provider: Provider = case["provider"].as_str().unwrap().parse().unwrap();
    let (body, headers) = (body(case), headers(case));
    match case["inbox"]["before"].as_str() {
        Some("queued") => {
            let first = inbox.accept(&verifier, &body, &headers);
            assert_eq!(first.kind(), "queued", "{}", case["name"]);
        }
        None => {}
        Some(other) => panic!("unknown inbox.before {other:?}"),
    }
    let outcome = inbox.accept(&verifier, &body, &headers);
    let answer = outcome.answer(provider);
    let mut answered: Value = serde_json::from_str(&answer.body).unwrap();
    // Messages a vector leaves out (the JSON parser's own words) are only checked present.
    let expected = &case["expect"]["answer"]["error"];
    if expected.is_object() && expected.get("message").is_none() {
        let message = answered["error"].as_object_mut().unwrap().remove("message");
        assert!(message.is_some_and(|m| m.as_str().is_some_and(|m| !m.is_empty())));
    }
    // Exactly one delivery is in the inbox when one was accepted, none when rejected.
    let queued = u64::from(case["expect"]["status"] == 200);
    assert_eq!(inbox.stats().unwrap().pending, queued, "{}", case["name"]);
    serde_json::json!({
        "outcome": outcome.kind(),
        "status": answer.status,
        "answer": answered,
    })
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
fn every_inbox_vector_passes() {
    let cases = inbox_cases();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            let got = run(case);
            let expected = &case["expect"];
            (got != *expected || !same_order(&expected["answer"], &got["answer"]))
                .then(|| format!("{}:\n  expected {expected}\n  got      {got}", case["name"]))
        })
        .collect();
    assert!(cases.len() > 50, "only {} cases", cases.len());
    assert!(
        failures.is_empty(),
        "{} of {} inbox vectors failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
