//! Arbitrary bodies, correctly signed, so they reach the JSON and envelope stage of every
//! scheme.
//!
//! Input: one byte picks the scheme, the rest is the body. The signature and timestamp
//! hold, so an error can only be about the payload (`invalid_json`, `invalid_envelope`,
//! `header_mismatch`), the replay horizon (`timestamp_too_old`, for a signed event time
//! older than the retention), or a `missing_header` when the body's own id or type, which
//! `sign` copies into a header, is empty. Any other JSON body is an event.
#![no_main]

use hookshield::{ErrorCode, Headers, SignOptions};
use hookshield_fuzz::{check_error, verifier, NOW, SECRET};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let Some((&selector, body)) = input.split_first() else {
        return;
    };
    let verifier = verifier(selector);
    let scheme = verifier.scheme();
    let provider = verifier.provider();
    // Let `sign` take the id and type from the body, as a provider would; a body without
    // a type gets one in the header.
    let headers = hookshield::sign_with(provider, scheme, SECRET, body, &SignOptions::at(NOW))
        .or_else(|_| {
            hookshield::sign_with(
                provider,
                scheme,
                SECRET,
                body,
                &SignOptions::at(NOW).event("document.uploaded"),
            )
        })
        .expect("signing succeeds");
    let empty_header = [&scheme.id_header, &scheme.event_header]
        .into_iter()
        .flatten()
        .any(|name| headers.header(name).is_some_and(<[u8]>::is_empty));

    match verifier.verify_at(body, &headers, NOW) {
        Ok(event) => {
            assert_eq!(event.provider(), provider);
            // Only a body that names no type has none.
            let reason = event.untyped_reason().map(|reason| reason.as_str());
            assert!(
                !event.event_type().is_empty()
                    || matches!(reason, Some("missing_type" | "not_an_object"))
            );
            assert!(!event.idempotency_key().is_empty());
            assert!(event.matches("*"));
            assert!(event.matches(event.event_type()));
            let _ = event.timestamp_millis();
            let _ = event.raw_data();
            let _ = event.family();
            // What verified is JSON (grammar, as JavaScript and Python read it).
            assert!(serde_json::from_str::<&serde_json::value::RawValue>(event.json_text()).is_ok());
        }
        Err(error) => {
            check_error(&error, &[], body);
            let code = error.code();
            let payload = matches!(
                code,
                ErrorCode::InvalidJson
                    | ErrorCode::InvalidEnvelope
                    | ErrorCode::HeaderMismatch
                    | ErrorCode::TimestampTooOld
            );
            assert!(
                payload || (code == ErrorCode::MissingHeader && empty_header),
                "a signed, fresh delivery failed with {code}: {error}"
            );
        }
    }
});
