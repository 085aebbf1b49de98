//! Runs the outcome vectors (`tests/vectors/process/outcomes.json`): what `process`
//! answers (outcome, HTTP status, JSON body) for each delivery, store state and handler
//! result. (`process/inbox.json`, what the inbox answers, runs in `tests/inbox/`.)
#![allow(missing_docs)]

mod common;

use std::time::Duration;

use common::{body, build, cases, headers, vector_files};

/// The cases of `process/outcomes.json`.
fn outcome_cases() -> Vec<Value> {
    let files = vector_files("process");
    let file = files
        .iter()
        .find(|path| path.ends_with("outcomes.json"))
        .expect("tests/vectors/process/outcomes.json");
    cases(file)
}
use hookshield::{
    Claim, IdempotencyStore, Lease, MemoryStore, ProcessOptions, Provider, StoreError,
};
use serde_json::Value;

/// A store whose every call fails, as a Redis store does when Redis is down.
struct Unavailable;

impl IdempotencyStore for Unavailable {
    fn begin(&self, _: &str, _: Duration) -> Result<Claim, StoreError> {
        Err(down())
    }

    fn complete(&self, _: &Lease, _: Duration) -> Result<(), StoreError> {
        Err(down())
    }

    fn release(&self, _: &Lease) -> Result<(), StoreError> {
        Err(down())
    }
}

fn down() -> StoreError {
    StoreError::Unavailable {
        reason: "connection refused".into(),
    }
}

/// The outcome, status and answer body the core gives for `case`.
fn run(case: &Value) -> Value {
    let verifier = build(case).unwrap();
    let provider: Provider = case["provider"].as_str().unwrap().parse().unwrap();
    let (body, headers) = (body(case), headers(case));
    let step = &case["process"];
    let memory = MemoryStore::new(100);
    let store: &dyn IdempotencyStore = match step["store"].as_str() {
        Some("unavailable") => &Unavailable,
        _ => &memory,
    };
    let ok = |_: &hookshield::Event| Ok::<(), String>(());
    match step["before"].as_str() {
        Some("processed") => {
            let first = verifier.process(&body, &headers, store, ProcessOptions::default(), ok);
            assert_eq!(first.kind(), "processed");
        }
        Some("claimed") => {
            let event = verifier.verify(&body, &headers).unwrap();
            let claim = store.begin(event.idempotency_key(), Duration::from_secs(30));
            assert!(matches!(claim, Ok(Claim::Fresh(_))));
        }
        _ => {}
    }
    let fails = step["handler"] == "fail";
    let outcome = verifier.process(&body, &headers, store, ProcessOptions::default(), |_| {
        if fails {
            Err("the database is down".to_owned())
        } else {
            Ok(())
        }
    });
    let answer = outcome.answer(provider);
    let mut answered: Value = serde_json::from_str(&answer.body).unwrap();
    // Messages a vector leaves out (the JSON parser's own words) are only checked present.
    if case["expect"]["answer"]["error"].is_object()
        && case["expect"]["answer"]["error"].get("message").is_none()
    {
        let error = answered["error"].as_object_mut().unwrap();
        assert!(error
            .remove("message")
            .unwrap()
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }
    serde_json::json!({
        "outcome": outcome.kind(),
        "status": answer.status,
        "answer": answered,
    })
}

#[test]
fn every_outcome_vector_passes() {
    let mut failures = Vec::new();
    let mut count = 0;
    for case in outcome_cases() {
        count += 1;
        let got = run(&case);
        if got != case["expect"] {
            failures.push(format!(
                "{}:\n  expected {}\n  got      {}",
                case["name"], case["expect"], got
            ));
        }
    }
    assert!(count > 50, "only {count} cases");
    assert!(
        failures.is_empty(),
        "{} of {count} outcome vectors failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn a_handlers_own_error_text_is_never_in_the_answer() {
    for case in outcome_cases() {
        let answer = run(&case)["answer"].to_string();
        assert!(!answer.contains("the database is down"), "{answer}");
    }
}
