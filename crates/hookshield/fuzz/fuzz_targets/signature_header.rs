//! Arbitrary signature header values, for every scheme, through `verify_signature_at`.
//!
//! Input: one byte picks the scheme, the rest is the header value. Everything else in
//! the delivery is valid, so the only possible outcomes are: the value carries the
//! correct tag (verified), or `malformed_signature` / `signature_mismatch`; for a scheme
//! whose timestamp is a key of the signature header (`t=…,v1=…`, `ts=…;h1=…`), also a
//! missing, malformed or out-of-window timestamp.
#![no_main]

use hookshield::{ErrorCode, Headers, SignOptions, SignatureEncoding};
use hookshield_fuzz::{check_error, verifier, NOW, SECRET};
use libfuzzer_sys::fuzz_target;

const BODY: &[u8] =
    br#"{"event":"document.completed","type":"document.completed","id":"evt_1","data":{}}"#;

fuzz_target!(|input: &[u8]| {
    let Some((&selector, value)) = input.split_first() else {
        return;
    };
    let verifier = verifier(selector);
    let scheme = verifier.scheme();
    let options = SignOptions::at(NOW).id("evt_1").event("document.completed");
    let mut headers: Vec<(String, Vec<u8>)> =
        hookshield::sign_with(verifier.provider(), scheme, SECRET, BODY, &options)
            .expect("signing succeeds")
            .into_iter()
            .map(|(name, value)| (name, value.into_bytes()))
            .collect();
    let real =
        String::from_utf8(headers.header(&scheme.signature_header).unwrap().to_vec()).unwrap();
    // The tag follows the last prefix (`t=…,v1=<tag>` puts the timestamp first).
    let real_tag = match real.rfind(&scheme.prefix) {
        Some(at) if !scheme.prefix.is_empty() => real[at + scheme.prefix.len()..].to_owned(),
        _ => real.clone(),
    };
    for (name, slot) in &mut headers {
        if name.eq_ignore_ascii_case(&scheme.signature_header) {
            *slot = value.to_vec();
        }
    }

    let result = verifier.verify_signature_at(BODY, &headers, NOW);
    match &result {
        Ok(_) => {
            // Only a value carrying the real tag verifies (hex digits in any case).
            let text = std::str::from_utf8(value).expect("a verified header is UTF-8");
            let carries = match scheme.encoding {
                SignatureEncoding::Hex => text.to_ascii_lowercase().contains(&real_tag),
                SignatureEncoding::Base64 => text.contains(&real_tag),
            };
            assert!(carries, "verified without the real tag: {text:?}");
        }
        Err(error) => {
            check_error(error, &[&real_tag, &real_tag.to_ascii_uppercase()], value);
            let timestamp_in_header = scheme.timestamp_key.is_some()
                && matches!(
                    error.code(),
                    ErrorCode::MissingTimestamp
                        | ErrorCode::MalformedTimestamp
                        | ErrorCode::TimestampTooOld
                        | ErrorCode::TimestampInFuture
                );
            assert!(
                timestamp_in_header
                    || matches!(
                        error.code(),
                        ErrorCode::MalformedSignature | ErrorCode::SignatureMismatch
                    ),
                "unexpected {:?}",
                error.code()
            );
        }
    }

    // The same delivery as an `http::HeaderMap` gets the same answer.
    let mut map = http::HeaderMap::new();
    for (name, value) in &headers {
        let Ok(value) = http::HeaderValue::from_bytes(value) else {
            return;
        };
        map.insert(
            http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value,
        );
    }
    let from_map = verifier.verify_signature_at(BODY, &map, NOW);
    assert_eq!(
        from_map
            .as_ref()
            .map(|_| ())
            .map_err(hookshield::Error::code),
        result.as_ref().map(|_| ()).map_err(hookshield::Error::code)
    );
});
