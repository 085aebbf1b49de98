//! Shared pieces of the fuzz targets: the schemes to fuzz and the contract's invariants.

use hookshield::timestamp::TimestampUnit;
use hookshield::{Error, ErrorCode, Provider, SignatureEncoding, SignedContent, Verifier};

/// "Now" for deliveries signed by the targets.
pub const NOW: i64 = 1_700_000_000;

/// The secret every target signs with (valid as text and as Standard Webhooks base64).
pub const SECRET: &str = "whsec_c2VjcmV0LWtleS1ieXRlcw==";

/// The 12 codes `verify` may return.
pub const CONTRACT_CODES: [&str; 12] = [
    "missing_header",
    "malformed_signature",
    "signature_mismatch",
    "missing_timestamp",
    "malformed_timestamp",
    "timestamp_too_old",
    "timestamp_in_future",
    "body_too_large",
    "invalid_json",
    "invalid_envelope",
    "header_mismatch",
    "no_secret",
];

/// Number of schemes [`verifier`] chooses from: the 12 presets, then 5 custom ones.
pub const SCHEMES: u8 = 17;

/// One of the presets, or a custom scheme, picked by `selector`.
///
/// # Panics
/// If a scheme here were an invalid configuration (a bug in this file).
#[must_use]
pub fn verifier(selector: u8) -> Verifier {
    let selector = selector % SCHEMES;
    let builder = if let Some(&provider) = Provider::PRESETS.get(usize::from(selector)) {
        Verifier::builder(provider)
    } else {
        let custom = Verifier::builder(Provider::Custom).signature_header("X-Fuzz-Signature");
        match selector {
            12 => custom.prefix(""),
            13 => custom.prefix("").encoding(SignatureEncoding::Base64),
            14 => custom
                .prefix("v1=")
                .encoding(SignatureEncoding::Base64)
                .signed_content(SignedContent::IdTimestampBody)
                .timestamp_header(Some("X-Fuzz-Timestamp"))
                .id_header(Some("X-Fuzz-Id")),
            // A structured header (`ts=<ms>;s1=<hex>`), a template with literal text,
            // a timestamp in milliseconds, an id header with a fallback.
            15 => custom
                .set("prefix", "s1=")
                .and_then(|b| b.set("separator", ";"))
                .and_then(|b| b.set("timestamp_key", "ts"))
                .and_then(|b| b.set("timestamp_unit", TimestampUnit::Milliseconds.as_str()))
                .and_then(|b| b.set("signed_content", "v2:{id}:{timestamp}:{body}"))
                .and_then(|b| b.set("id_header", "X-Fuzz-Id"))
                .and_then(|b| b.set("fallback_id_header", "X-Fuzz-Delivery"))
                .expect("valid overrides"),
            // Stripe's shape with the timestamp key in upper case and base64 tags.
            _ => custom
                .set("prefix", "v1=")
                .and_then(|b| b.set("separator", ","))
                .and_then(|b| b.set("timestamp_key", "T"))
                .and_then(|b| b.set("encoding", "base64"))
                .and_then(|b| b.set("signed_content", "{timestamp}.{body}"))
                .expect("valid overrides"),
        }
    };
    builder
        .secret(SECRET)
        .build()
        .expect("every fuzzed scheme is a valid configuration")
}

/// The contract's invariants for an error from `verify`: a contract code, and a message
/// that shows neither the secret nor any of `expected` (the expected signatures), unless
/// the sender itself put them in `input` (an excerpt of what was sent may be echoed).
///
/// # Panics
/// When an invariant does not hold: that is the finding.
pub fn check_error(error: &Error, expected: &[&str], input: &[u8]) {
    let code = error.code();
    assert!(
        CONTRACT_CODES.contains(&code.as_str()),
        "`verify` returned a code outside the contract: {code}"
    );
    assert_ne!(code, ErrorCode::InvalidConfig);
    let message = error.to_string();
    let sent = |text: &str| {
        input
            .windows(text.len().max(1))
            .any(|window| window.eq_ignore_ascii_case(text.as_bytes()))
    };
    for secret in std::iter::once(&SECRET).chain(expected) {
        assert!(
            !message.contains(secret) || sent(secret),
            "a secret or an expected signature leaked: {message}"
        );
    }
}
