//! Property tests: signing and verifying agree for every provider, every secret, every
//! body and every timestamp; any single-byte change breaks the signature; rotation and
//! the replay window's edges hold.
#![allow(missing_docs)]

use base64::Engine as _;
use hookshield::{
    ErrorCode, Provider, Secret, SignOptions, SignatureEncoding, SignedContent, Verifier,
};
use proptest::prelude::*;
use proptest::sample::Index;

/// The presets and the custom provider (whose preset is `sha256=<hex>` of the body).
const PROVIDERS: [Provider; 13] = Provider::ALL;

/// Providers whose scheme sends a timestamp (in a header, or in the signature header's
/// `t=`/`ts=` entry), so the replay window applies.
const TIMESTAMPED: [Provider; 8] = [
    Provider::Sentinel,
    Provider::DocIntell,
    Provider::Kyc,
    Provider::Standard,
    Provider::Stripe,
    Provider::Svix,
    Provider::Slack,
    Provider::Paddle,
];

/// A secret valid for `provider`: text as the provider shows it (for Standard Webhooks,
/// `whsec_` and base64) or raw key bytes.
fn secret_for(provider: Provider) -> BoxedStrategy<Secret> {
    let bytes = prop::collection::vec(any::<u8>(), 1..64).prop_map(Secret::Bytes);
    if provider.scheme().secret_format == hookshield::SecretFormat::WhsecBase64 {
        let text = prop::collection::vec(any::<u8>(), 1..64).prop_map(|key| {
            Secret::Text(format!(
                "whsec_{}",
                base64::engine::general_purpose::STANDARD.encode(key)
            ))
        });
        prop_oneof![text, bytes].boxed()
    } else {
        // Any non-empty string is a secret: ASCII as dashboards show them, or any Unicode.
        let text = prop_oneof!["whsec_[A-Za-z0-9]{1,40}", "\\PC{1,24}"].prop_map(Secret::Text);
        prop_oneof![text, bytes].boxed()
    }
}

/// A provider with a valid secret for it.
fn provider_and_secret() -> impl Strategy<Value = (Provider, Secret)> {
    prop::sample::select(PROVIDERS.to_vec())
        .prop_flat_map(|provider| (Just(provider), secret_for(provider)))
}

/// Anything a sender might sign: arbitrary bytes, not necessarily JSON.
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..2048)
}

/// A timestamp header value the parser accepts (Unix seconds, up to 12 digits).
fn unix_time() -> impl Strategy<Value = i64> {
    prop_oneof![1_600_000_000_i64..2_000_000_000, 0_i64..=999_999_999_999]
}

/// Options with an id and an event type, so every scheme can sign any body.
fn options(timestamp: i64, id: &str, event: &str) -> SignOptions {
    SignOptions::at(timestamp).id(id).event(event)
}

fn verifier(provider: Provider, secrets: &[Secret], tolerance: u64) -> Verifier {
    Verifier::builder(provider)
        .secrets(secrets.iter().cloned())
        .tolerance(tolerance)
        .max_body_bytes(1 << 20)
        .build()
        .expect("a valid configuration")
}

/// Signs as `provider` and returns the headers as raw byte values (so tests can change a
/// byte into anything, UTF-8 or not).
fn signed(
    provider: Provider,
    secret: &Secret,
    body: &[u8],
    options: &SignOptions,
) -> Vec<(String, Vec<u8>)> {
    hookshield::sign(provider, secret.clone(), body, options)
        .expect("signing succeeds")
        .into_iter()
        .map(|(name, value)| (name, value.into_bytes()))
        .collect()
}

fn is_signature_failure(code: ErrorCode) -> bool {
    matches!(
        code,
        ErrorCode::SignatureMismatch | ErrorCode::MalformedSignature
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever the provider, secret, body and timestamp, what `sign` produces verifies.
    #[test]
    fn sign_then_verify_signature_always_succeeds(
        (provider, secret) in provider_and_secret(),
        body in body(),
        timestamp in unix_time(),
        id in "[A-Za-z0-9_]{1,32}",
        event in "[a-z]{1,12}(\\.[a-z_]{1,12}){0,2}",
    ) {
        let verifier = verifier(provider, std::slice::from_ref(&secret), 300);
        let headers = signed(provider, &secret, &body, &options(timestamp, &id, &event));
        let check = verifier.verify_signature_at(&body, &headers, timestamp);
        prop_assert!(check.is_ok(), "{provider}: {:?}", check.unwrap_err());
        let check = check.unwrap();
        let scheme = verifier.scheme();
        let timestamped = scheme.timestamp_header.is_some() || scheme.timestamp_key.is_some();
        prop_assert_eq!(check.timestamp, timestamped.then_some(timestamp));
        prop_assert_eq!(check.id, scheme.id_header.as_ref().map(|_| id.as_str()));
        prop_assert_eq!(check.event, scheme.event_header.as_ref().map(|_| event.as_str()));
    }

    /// Every documented sample, signed with any secret at any time, verifies and parses
    /// into its own type.
    #[test]
    fn sign_then_verify_parses_every_sample(
        (provider, secret) in provider_and_secret(),
        pick in any::<Index>(),
        timestamp in unix_time(),
    ) {
        let types = hookshield::sample_types(provider);
        prop_assume!(!types.is_empty());
        let event_type = types[pick.index(types.len())];
        let body = hookshield::sample_at(provider, event_type, timestamp).unwrap();
        let body = body.as_bytes();
        let mut options = SignOptions::at(timestamp);
        if provider == Provider::GitHub {
            // `X-GitHub-Event` carries the family; the payload's `action` completes the type.
            options = options.event(event_type.split('.').next().unwrap()).id("delivery-1");
        }
        if provider == Provider::Shopify {
            // The topic header names the type: the body is the resource itself.
            options = options.event(event_type);
        }
        let headers = signed(provider, &secret, body, &options);
        let event = verifier(provider, std::slice::from_ref(&secret), 300)
            .verify_at(body, &headers, timestamp);
        prop_assert!(event.is_ok(), "{provider} {event_type}: {:?}", event.unwrap_err());
        let event = event.unwrap();
        prop_assert_eq!(event.event_type(), event_type);
        prop_assert_eq!(event.provider(), provider);
        prop_assert!(!event.idempotency_key().is_empty());
    }

    /// A custom scheme of any shape (encoding, prefix, signed content) signs and verifies.
    #[test]
    fn custom_schemes_round_trip(
        secret in secret_for(Provider::Custom),
        encoding in prop::sample::select(vec![SignatureEncoding::Hex, SignatureEncoding::Base64]),
        prefix in prop::sample::select(vec!["", "sha256=", "v1,", "v1="]),
        content in prop::sample::select(vec![
            SignedContent::Body,
            SignedContent::TimestampBody,
            SignedContent::IdTimestampBody,
            "v0:{timestamp}:{body}".parse().unwrap(),
            "{timestamp}:{id}:{body}:end".parse().unwrap(),
        ]),
        body in body(),
        timestamp in unix_time(),
        id in "[A-Za-z0-9_]{1,32}",
    ) {
        let verifier = Verifier::builder(Provider::Custom)
            .secret(secret.clone())
            .signature_header("X-Acme-Signature")
            .encoding(encoding)
            .prefix(prefix)
            .signed_content(content.clone())
            .timestamp_header(content.signs_timestamp().then_some("X-Acme-Timestamp"))
            .id_header(content.signs_id().then_some("X-Acme-Id"))
            .build()
            .unwrap();
        let headers = hookshield::sign_with(
            Provider::Custom,
            verifier.scheme(),
            secret,
            &body,
            &SignOptions::at(timestamp).id(id),
        )
        .unwrap();
        let check = verifier.verify_signature_at(&body, &headers, timestamp);
        prop_assert!(check.is_ok(), "{:?}", check.unwrap_err());
        let mut changed = body.clone();
        changed.push(b' ');
        let err = verifier.verify_signature_at(&changed, &headers, timestamp).unwrap_err();
        prop_assert_eq!(err.code(), ErrorCode::SignatureMismatch);
    }

    /// Changing any one byte of the body breaks the signature.
    #[test]
    fn any_single_byte_change_to_the_body_fails(
        (provider, secret) in provider_and_secret(),
        body in prop::collection::vec(any::<u8>(), 1..2048),
        at in any::<Index>(),
        flip in 1u8..=255,
        timestamp in unix_time(),
    ) {
        let verifier = verifier(provider, std::slice::from_ref(&secret), 300);
        let headers = signed(provider, &secret, &body, &options(timestamp, "evt_1", "ping"));
        let mut changed = body.clone();
        let i = at.index(changed.len());
        changed[i] ^= flip;
        let err = verifier.verify_signature_at(&changed, &headers, timestamp);
        prop_assert!(err.is_err(), "{provider}: byte {i} ^ {flip} still verified");
        prop_assert_eq!(err.unwrap_err().code(), ErrorCode::SignatureMismatch);
    }

    /// Changing any one byte of the signature header fails with `signature_mismatch` or
    /// `malformed_signature`; the only changes that still verify are ASCII case changes
    /// where the format is case-insensitive (the prefix, and hex digits).
    #[test]
    fn any_single_byte_change_to_the_signature_fails(
        (provider, secret) in provider_and_secret(),
        body in body(),
        at in any::<Index>(),
        replacement in any::<u8>(),
        timestamp in unix_time(),
    ) {
        let verifier = verifier(provider, std::slice::from_ref(&secret), 300);
        let mut headers = signed(provider, &secret, &body, &options(timestamp, "evt_1", "ping"));
        let scheme = verifier.scheme().clone();
        let value = &mut headers
            .iter_mut()
            .find(|(name, _)| name.eq_ignore_ascii_case(&scheme.signature_header))
            .unwrap()
            .1;
        let i = at.index(value.len());
        let original = value[i];
        prop_assume!(replacement != original);
        value[i] = replacement;

        let case_change = original.is_ascii_alphabetic() && replacement == original ^ 0x20;
        let same_meaning = case_change
            && (i < scheme.prefix.len() || scheme.encoding == SignatureEncoding::Hex);
        let result = verifier.verify_signature_at(&body, &headers, timestamp);
        if same_meaning {
            prop_assert!(result.is_ok(), "{provider}: a case change at {i} was rejected");
        } else {
            prop_assert!(result.is_err(), "{provider}: byte {i} {original:#x}->{replacement:#x} still verified");
            let code = result.unwrap_err().code();
            // Where the timestamp shares the header (`t=…,v1=…`), a changed timestamp
            // is malformed, missing, or off the window, if the signature still holds.
            let timestamp_failure = scheme.timestamp_key.is_some()
                && matches!(
                    code,
                    ErrorCode::MalformedTimestamp
                        | ErrorCode::MissingTimestamp
                        | ErrorCode::TimestampTooOld
                        | ErrorCode::TimestampInFuture
                );
            prop_assert!(is_signature_failure(code) || timestamp_failure, "{provider}: {code}");
        }
    }

    /// Any one of several configured secrets may have signed a delivery; a secret that is
    /// not configured may not.
    #[test]
    fn rotation_accepts_any_configured_secret(
        provider in prop::sample::select(PROVIDERS.to_vec()),
        keys in prop::collection::hash_set(prop::collection::vec(any::<u8>(), 1..48), 2..6),
        signer in any::<Index>(),
        body in body(),
        timestamp in unix_time(),
    ) {
        let mut keys: Vec<Vec<u8>> = keys.into_iter().collect();
        let outsider = Secret::Bytes(keys.pop().unwrap());
        let secrets: Vec<Secret> = keys.into_iter().map(Secret::Bytes).collect();
        let verifier = verifier(provider, &secrets, 300);
        let signing = &secrets[signer.index(secrets.len())];
        let opts = options(timestamp, "evt_1", "ping");

        let headers = signed(provider, signing, &body, &opts);
        prop_assert!(verifier.verify_signature_at(&body, &headers, timestamp).is_ok());

        let forged = signed(provider, &outsider, &body, &opts);
        let err = verifier.verify_signature_at(&body, &forged, timestamp).unwrap_err();
        prop_assert_eq!(err.code(), ErrorCode::SignatureMismatch);
    }

    /// A header carrying several signatures (Standard Webhooks sends one per active
    /// secret) verifies when any of them is valid, wherever it stands.
    #[test]
    fn several_signatures_in_one_header(
        key in prop::collection::vec(any::<u8>(), 1..48),
        decoys in prop::collection::vec(prop::array::uniform32(any::<u8>()), 0..8),
        position in any::<Index>(),
        body in body(),
        timestamp in unix_time(),
    ) {
        let secret = Secret::Bytes(key);
        let verifier = verifier(Provider::Standard, std::slice::from_ref(&secret), 300);
        let mut headers = signed(Provider::Standard, &secret, &body, &options(timestamp, "msg_1", "x"));
        let (_, value) = headers.iter_mut().find(|(n, _)| n == "webhook-signature").unwrap();
        let mut entries: Vec<String> = decoys
            .iter()
            .map(|tag| format!("v1,{}", base64::engine::general_purpose::STANDARD.encode(tag)))
            .collect();
        let real = String::from_utf8(value.clone()).unwrap();
        entries.insert(position.index(entries.len() + 1), real);
        *value = entries.join(" ").into_bytes();
        prop_assert!(verifier.verify_signature_at(&body, &headers, timestamp).is_ok());
    }

    /// The window is two-sided and inclusive: exactly `tolerance` seconds either way
    /// passes, one second more fails with the matching code.
    #[test]
    fn window_boundaries_are_exact(
        provider in prop::sample::select(TIMESTAMPED.to_vec()),
        secret in prop::collection::vec(any::<u8>(), 1..32).prop_map(Secret::Bytes),
        body in body(),
        timestamp in 1_000_000_i64..100_000_000_000,
        tolerance in 0u64..1_000_000,
    ) {
        let verifier = verifier(provider, std::slice::from_ref(&secret), tolerance);
        let headers = signed(provider, &secret, &body, &options(timestamp, "evt_1", "ping"));
        let tol = i64::try_from(tolerance).unwrap();
        for now in [timestamp, timestamp + tol, timestamp - tol] {
            let check = verifier.verify_signature_at(&body, &headers, now);
            prop_assert!(check.is_ok(), "{provider}: now={now}: {:?}", check.unwrap_err());
        }
        let old = verifier.verify_signature_at(&body, &headers, timestamp + tol + 1).unwrap_err();
        prop_assert_eq!(old.code(), ErrorCode::TimestampTooOld);
        let future = verifier.verify_signature_at(&body, &headers, timestamp - tol - 1).unwrap_err();
        prop_assert_eq!(future.code(), ErrorCode::TimestampInFuture);
    }

    /// Providers without a timestamp header have no window: a valid signature verifies
    /// at any "now".
    #[test]
    fn no_window_without_a_timestamp_header(
        provider in prop::sample::select(vec![Provider::Sentrasa, Provider::Sensei, Provider::GitHub, Provider::Shopify, Provider::Custom]),
        secret in prop::collection::vec(any::<u8>(), 1..32).prop_map(Secret::Bytes),
        body in body(),
        now in any::<i64>(),
    ) {
        let verifier = verifier(provider, std::slice::from_ref(&secret), 0);
        let headers = signed(provider, &secret, &body, &options(1, "evt_1", "ping"));
        prop_assert!(verifier.verify_signature_at(&body, &headers, now).is_ok());
    }

    /// Header names match whatever their case.
    #[test]
    fn header_names_match_in_any_case(
        (provider, secret) in provider_and_secret(),
        body in body(),
        mask in any::<u64>(),
        timestamp in unix_time(),
    ) {
        let verifier = verifier(provider, std::slice::from_ref(&secret), 300);
        let headers: Vec<(String, Vec<u8>)> = signed(provider, &secret, &body, &options(timestamp, "evt_1", "ping"))
            .into_iter()
            .map(|(name, value)| {
                let recased = name
                    .chars()
                    .enumerate()
                    .map(|(i, c)| if mask >> (i % 64) & 1 == 1 { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() })
                    .collect();
                (recased, value)
            })
            .collect();
        prop_assert!(verifier.verify_signature_at(&body, &headers, timestamp).is_ok());
    }

    /// Bodies over the limit are refused by size, before anything else is looked at.
    #[test]
    fn size_limit_is_checked_first(
        provider in prop::sample::select(PROVIDERS.to_vec()),
        limit in 0usize..512,
        extra in 1usize..512,
    ) {
        let verifier = Verifier::builder(provider).secret(b"k".as_slice()).max_body_bytes(limit).build().unwrap();
        let body = vec![b'{'; limit + extra];
        let none: [(&str, &str); 0] = [];
        let err = verifier.verify_signature_at(&body, &none, 0).unwrap_err();
        prop_assert_eq!(err.code(), ErrorCode::BodyTooLarge);
        let at_limit = vec![b'{'; limit];
        let err = verifier.verify_signature_at(&at_limit, &none, 0).unwrap_err();
        prop_assert_eq!(err.code(), ErrorCode::MissingHeader);
    }
}
