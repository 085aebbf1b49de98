//! Every case of the shared vectors (`tests/vectors/*.json`, run by every binding too)
//! through `hookshield verify`, one process per case: the error code it exits with, or
//! the event it prints.

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use common::{run_with_stdin, text};

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

fn hex_decode(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

/// What the CLI cannot be asked: a signature-only check, or a secret given as raw
/// bytes (`--secret` takes text).
fn unsupported(case: &Value) -> bool {
    case["check"] == "signature"
        || case["secrets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| !s.is_string())
}

/// The `verify` arguments for a case (the `--name=value` form, so that no value is
/// taken for a flag).
fn arguments(case: &Value) -> Vec<String> {
    let mut args = vec!["verify".to_owned(), "--compact".to_owned()];
    args.extend(common::verifier_arguments(case));
    for pair in case["headers"].as_array().unwrap() {
        let (name, value) = (pair[0].as_str().unwrap(), pair[1].as_str().unwrap());
        args.push(format!("--header={name}: {value}"));
    }
    args
}

fn body(case: &Value) -> Vec<u8> {
    match (&case["body"], &case["body_hex"]) {
        (Value::String(text), _) => text.as_bytes().to_vec(),
        (_, Value::String(hex)) => hex_decode(hex),
        _ => panic!("case without body"),
    }
}

/// What `verify` did, in the vectors' shape (`timestamp_ms` from the printed RFC 3339
/// time).
fn outcome(case: &Value) -> Value {
    let args = arguments(case);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run_with_stdin(&args, &body(case));
    let stderr = text(&out.stderr);
    if !out.status.success() {
        // `error[CODE]: ...`, or `error: ...` for a usage error (bad arguments).
        let code = stderr
            .strip_prefix("error[")
            .and_then(|rest| rest.split_once(']'))
            .map_or("usage", |(code, _)| code);
        return serde_json::json!({ "error": code, "exit": out.status.code(), "stderr": stderr });
    }
    let mut event: Value = serde_json::from_slice(&out.stdout).unwrap();
    let millis = event["timestamp"].as_str().map(|time| {
        let time = OffsetDateTime::parse(time, &Rfc3339).unwrap();
        (time.unix_timestamp_nanos() / 1_000_000) as i64
    });
    event["timestamp_ms"] = serde_json::json!(millis);
    serde_json::json!({ "event": event })
}

/// Whether `got` matches the expectation: the same error code (exit 2 for a
/// configuration error, 1 for a rejection), or every member the expected event has
/// (but `documented`, which `verify` does not print: `untyped_reason` says it).
fn matches(expect: &Value, got: &Value) -> bool {
    if let Some(code) = expect["error"].as_str() {
        let exit = if matches!(code, "no_secret" | "invalid_config") {
            2
        } else {
            1
        };
        // The CLI refuses an unknown override's name as a usage error, before building.
        let usage = code == "invalid_config" && got["error"] == "usage";
        return (got["error"] == code || usage) && got["exit"] == exit;
    }
    let Some(expected) = expect["event"].as_object() else {
        return false;
    };
    expected
        .iter()
        .filter(|(member, _)| *member != "documented")
        .all(|(member, value)| got["event"].get(member) == Some(value))
}

#[test]
fn every_vector_passes_through_verify() {
    let mut failures = Vec::new();
    let (mut count, mut skipped) = (0, Vec::new());
    for file in vector_files() {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let content: Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        for case in content["cases"].as_array().unwrap() {
            if unsupported(case) {
                skipped.push(format!("{name} / {}", case["name"]));
                continue;
            }
            count += 1;
            let got = outcome(case);
            if !matches(&case["expect"], &got) {
                failures.push(format!(
                    "{name} / {}:\n  expected {}\n  got      {got}",
                    case["name"], case["expect"]
                ));
            }
        }
    }
    assert!(count > 100, "only {count} cases");
    assert!(skipped.len() <= 3, "skipped {skipped:?}");
    assert!(
        failures.is_empty(),
        "{} of {count} vectors failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
