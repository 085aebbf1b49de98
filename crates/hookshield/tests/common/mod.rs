//! Reading the cross-language vectors in `tests/vectors/`, shared by the test files that
//! run them.
#![allow(dead_code)] // each test file uses its part

use std::path::{Path, PathBuf};

use hookshield::{Provider, Secret, Verifier};
use serde_json::Value;

/// The `*.json` files of `tests/vectors/<sub>` (`""` for the folder itself), sorted.
pub(crate) fn vector_files(sub: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/vectors")
        .join(sub);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/vectors exists")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no vector files in {}", dir.display());
    files
}

/// Every case of `file`.
pub(crate) fn cases(file: &Path) -> Vec<Value> {
    let content: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    content["cases"].as_array().unwrap().clone()
}

/// A case's secret: text, or `{"hex": ...}` key bytes.
pub(crate) fn secret(value: &Value) -> Secret {
    match value {
        Value::String(text) => Secret::from(text.as_str()),
        Value::Object(o) => Secret::from(hex::decode(o["hex"].as_str().unwrap()).unwrap()),
        other => panic!("bad secret {other}"),
    }
}

/// The verifier a case describes, its clock pinned to the case's `now`.
pub(crate) fn build(case: &Value) -> Result<Verifier, hookshield::Error> {
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

/// The case's raw body.
pub(crate) fn body(case: &Value) -> Vec<u8> {
    match (&case["body"], &case["body_hex"]) {
        (Value::String(text), _) => text.as_bytes().to_vec(),
        (_, Value::String(hex)) => hex::decode(hex).unwrap(),
        _ => panic!("case without body"),
    }
}

/// The case's headers, as sent.
pub(crate) fn headers(case: &Value) -> Vec<(String, String)> {
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
