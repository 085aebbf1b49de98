//! Timestamp parsing and the replay window: `parse_unix_header`, `parse_rfc3339`,
//! `check_window`, and a Sentinel delivery whose timestamp header is arbitrary.
//!
//! Input: 8 bytes of timestamp, 8 of "now", 8 of tolerance (all little-endian), then the
//! text to parse. The window's oracle is computed in `i128`, where nothing overflows.
#![no_main]

use hookshield::timestamp::{check_window, format_rfc3339, parse_rfc3339, parse_unix_header};
use hookshield::{ErrorCode, Provider, SignOptions, Verifier};
use hookshield_fuzz::{check_error, SECRET};
use libfuzzer_sys::fuzz_target;

const BODY: &[u8] = br#"{"event":"report.generated","timestamp":"2026-05-15T10:15:00Z","data":{"report_id":"rpt_1"}}"#;

fn word(bytes: &[u8]) -> [u8; 8] {
    bytes.try_into().unwrap()
}

/// What the window must answer, computed without overflow.
fn expected_window(timestamp: i64, now: i64, tolerance: u64) -> Option<ErrorCode> {
    let age = i128::from(now) - i128::from(timestamp);
    if age > i128::from(tolerance) {
        Some(ErrorCode::TimestampTooOld)
    } else if -age > i128::from(tolerance) {
        Some(ErrorCode::TimestampInFuture)
    } else {
        None
    }
}

fuzz_target!(|input: &[u8]| {
    if input.len() < 24 {
        return;
    }
    let timestamp = i64::from_le_bytes(word(&input[..8]));
    let now = i64::from_le_bytes(word(&input[8..16]));
    let tolerance = u64::from_le_bytes(word(&input[16..24]));
    let text = &input[24..];

    // The window, against the i128 oracle.
    let window = check_window(timestamp, now, tolerance);
    assert_eq!(
        window.as_ref().err().map(hookshield::Error::code),
        expected_window(timestamp, now, tolerance),
        "check_window({timestamp}, {now}, {tolerance})"
    );

    // Unix-seconds headers: digits only, at most 12, value exact.
    let parsed = parse_unix_header("X-Sentinel-Timestamp", text);
    match &parsed {
        Ok(value) => {
            assert!(!text.is_empty() && text.len() <= 12 && text.iter().all(u8::is_ascii_digit));
            assert_eq!(
                std::str::from_utf8(text).unwrap().parse::<i64>().ok(),
                Some(*value)
            );
        }
        Err(error) => {
            assert_eq!(error.code(), ErrorCode::MalformedTimestamp);
            check_error(error, &[], text);
        }
    }

    // RFC 3339 envelope times: never panic; whatever parses formats back.
    if let Ok(text) = std::str::from_utf8(text) {
        if let Some(time) = parse_rfc3339(text) {
            let formatted = format_rfc3339(time.unix_timestamp());
            assert!(!formatted.is_empty());
        }
    }
    let _ = format_rfc3339(timestamp);

    // A signed Sentinel delivery with this timestamp header, verified at `now`.
    let verifier = Verifier::builder(Provider::Sentinel)
        .secret(SECRET)
        .tolerance(tolerance)
        .build()
        .unwrap();
    let mut headers: Vec<(String, Vec<u8>)> =
        hookshield::sign(Provider::Sentinel, SECRET, BODY, &SignOptions::at(0))
            .unwrap()
            .into_iter()
            .map(|(name, value)| (name, value.into_bytes()))
            .collect();
    for (name, value) in &mut headers {
        if name.eq_ignore_ascii_case("X-Sentinel-Timestamp") {
            *value = text.to_vec();
        }
    }
    let result = verifier.verify_signature_at(BODY, &headers, now);
    let expected = match parsed {
        Ok(sent) => expected_window(sent, now, tolerance),
        Err(_) => Some(ErrorCode::MalformedTimestamp),
    };
    match &result {
        Ok(check) => assert_eq!(check.timestamp, parsed.ok()),
        Err(error) => check_error(error, &[], text),
    }
    assert_eq!(result.as_ref().err().map(hookshield::Error::code), expected);
});
