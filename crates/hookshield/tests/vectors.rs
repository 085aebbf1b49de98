//! Runs every case of every file in `tests/vectors/` (the cross-language vectors every
//! binding runs too) through the core.
#![allow(missing_docs)]

mod common;

use common::{body, build, headers, vector_files};
use hookshield::Provider;
use serde_json::{json, Value};

/// What the core produced, in the vectors' shape.
fn run(case: &Value) -> Value {
    let verifier = match build(case) {
        Ok(verifier) => verifier,
        Err(error) => return json!({ "error": error.code().as_str() }),
    };
    let (body, headers) = (body(case), headers(case));
    if case["check"] == "signature" {
        return match verifier.verify_signature(&body, &headers) {
            Ok(_) => json!({ "ok": true }),
            Err(error) => json!({ "error": error.code().as_str() }),
        };
    }
    match verifier.verify(&body, &headers) {
        Ok(event) => json!({ "event": {
            "provider": event.provider().as_str(),
            "type": event.event_type(),
            "family": event.family(),
            "id": event.id(),
            "timestamp_ms": event.timestamp_millis(),
            "idempotency_key": event.idempotency_key(),
            "documented": event.data().is_documented(),
            "untyped_reason": event.untyped_reason().map(hookshield::UntypedReason::as_str),
            "data": event.raw_data(),
        }}),
        Err(error) => json!({ "error": error.code().as_str() }),
    }
}

#[test]
fn every_vector_passes() {
    let mut failures = Vec::new();
    let mut count = 0;
    for file in vector_files("") {
        let content: Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        for case in content["cases"].as_array().unwrap() {
            count += 1;
            let mut got = run(case);
            // Data a vector file cannot hold is left out of the expectation.
            if case["expect"]["event"].is_object() && case["expect"]["event"].get("data").is_none()
            {
                got["event"]
                    .as_object_mut()
                    .map(|event| event.remove("data"));
            }
            if got != case["expect"] {
                failures.push(format!(
                    "{} / {}:\n  expected {}\n  got      {}",
                    file.file_name().unwrap().to_string_lossy(),
                    case["name"],
                    case["expect"],
                    got
                ));
            }
        }
    }
    assert!(count > 100, "only {count} cases");
    assert!(
        failures.is_empty(),
        "{} of {count} vectors failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn vectors_cover_every_error_code_and_every_sample() {
    let mut codes = std::collections::BTreeSet::new();
    let mut typed = std::collections::BTreeSet::new();
    for file in vector_files("") {
        let content: Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        for case in content["cases"].as_array().unwrap() {
            if let Some(code) = case["expect"]["error"].as_str() {
                codes.insert(code.to_owned());
            }
            if let Some(t) = case["expect"]["event"]["type"].as_str() {
                typed.insert((case["provider"].as_str().unwrap().to_owned(), t.to_owned()));
            }
        }
    }
    for code in hookshield::ErrorCode::ALL {
        // Only a header that is not text gives `invalid_envelope`: a vector file's
        // headers are text (tests/behaviour/redaction.rs covers it).
        if code != hookshield::ErrorCode::InvalidEnvelope {
            assert!(codes.contains(code.as_str()), "no vector for {code}");
        }
    }
    for provider in Provider::ALL {
        for event_type in hookshield::sample_types(provider) {
            assert!(
                typed.contains(&(provider.as_str().to_owned(), event_type.to_owned())),
                "no vector for {provider} {event_type}"
            );
        }
    }
}
