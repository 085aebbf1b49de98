//! Runs every case of every file in `tests/vectors/` (the cross-language vectors every
//! binding runs too) through the core.
#![allow(missing_docs)]

use std::path::{Path, PathBuf};

use hookshield::{Provider, Secret, Verifier};
use serde_json::{json, Value};

fn vector_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/vectors exists")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no vector files in {}", dir.display());
    files
}

fn secret(value: &Value) -> Secret {
    match value {
        Value::String(text) => Secret::from(text.as_str()),
        Value::Object(o) => Secret::from(hex::decode(o["hex"].as_str().unwrap()).unwrap()),
        other => panic!("bad secret {other}"),
    }
}

fn build(case: &Value) -> Result<Verifier, hookshield::Error> {
    let provider: Provider = case["provider"].as_str().unwrap().parse()?;
    let mut builder =
        Verifier::builder(provider).secrets(case["secrets"].as_array().unwrap().iter().map(secret));
    let options = &case["options"];
    if let Some(tolerance) = options["tolerance"].as_u64() {
        builder = builder.tolerance(tolerance);
    }
    if let Some(limit) = options["max_body_bytes"].as_u64() {
        builder = builder.max_body_bytes(limit as usize);
    }
    if let Some(overrides) = options["overrides"].as_object() {
        for (name, value) in overrides {
            builder = builder.set(name, value.as_str().unwrap())?;
        }
    }
    let now = case["now"].as_i64().unwrap();
    builder.clock(move || now).build()
}

fn body(case: &Value) -> Vec<u8> {
    match (&case["body"], &case["body_hex"]) {
        (Value::String(text), _) => text.as_bytes().to_vec(),
        (_, Value::String(hex)) => hex::decode(hex).unwrap(),
        _ => panic!("case without body"),
    }
}

fn headers(case: &Value) -> Vec<(String, String)> {
    case["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| {
            (
                pair[0].as_str().unwrap().to_owned(),
                pair[1].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

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
    for file in vector_files() {
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
    for file in vector_files() {
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
        // headers are text (behaviour.rs covers it).
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
