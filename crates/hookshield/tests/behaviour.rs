//! Behaviour the contract promises, end to end through the public API: header shapes and
//! case, redaction, header/body agreement, idempotency keys, statuses, exactly-once
//! processing and the replay window's edges.
#![allow(missing_docs)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hookshield::events::sentinel::SentinelEvent;
use hookshield::{
    Claim, ClaimState, Error, ErrorCode, ErrorKind, Event, EventData, Headers, IdempotencyStore,
    KeyedStore, MemoryStore, Outcome, OutcomeKind, ProcessOptions, Provider, Router, Secret,
    SignOptions, StoreError, UntypedReason, Verifier,
};
use sha2::{Digest as _, Sha256};

/// A secret that must never show up anywhere.
const SECRET: &str = "whsec_Behaviour_S3cret_value_do_not_leak";
/// The same idea for Standard Webhooks: `whsec_` + base64("secret-key-for-behaviour-tests").
const STANDARD_SECRET: &str = "whsec_c2VjcmV0LWtleS1mb3ItYmVoYXZpb3VyLXRlc3Rz";
const STANDARD_KEY: &str = "secret-key-for-behaviour-tests";
const NOW: i64 = 1_767_225_600;

fn secret_for(provider: Provider) -> &'static str {
    if provider.scheme().secret_format == hookshield::SecretFormat::WhsecBase64 {
        STANDARD_SECRET
    } else {
        SECRET
    }
}

fn verifier(provider: Provider) -> Verifier {
    Verifier::builder(provider)
        .secret(secret_for(provider))
        .clock(|| NOW)
        .build()
        .unwrap()
}

/// A sample body of `provider`, stamped at `NOW` (a small envelope for the custom
/// provider).
fn sample_body(provider: Provider) -> Vec<u8> {
    match hookshield::sample_types(provider).first() {
        Some(event_type) => sample(provider, event_type).into_bytes(),
        None => br#"{"type":"thing.happened","id":"t_1","data":{"thing_id":"th_1"}}"#.to_vec(),
    }
}

/// The sample of `event_type`, stamped at `NOW`.
fn sample(provider: Provider, event_type: &str) -> String {
    hookshield::sample_at(provider, event_type, NOW).unwrap()
}

fn options(provider: Provider) -> SignOptions {
    let options = SignOptions::at(NOW);
    match provider {
        Provider::GitHub => options
            .event("ping")
            .id("72d3162e-cc78-11e3-81ab-4c9367dc0958"),
        // The topic header names the type: the body is the resource itself.
        Provider::Shopify => options.event("orders/create"),
        _ => options,
    }
}

fn sign(provider: Provider, body: &[u8], options: &SignOptions) -> Vec<(String, String)> {
    hookshield::sign(provider, secret_for(provider), body, options).unwrap()
}

fn without(headers: &[(String, String)], name: &str) -> Vec<(String, String)> {
    headers
        .iter()
        .filter(|(n, _)| !n.eq_ignore_ascii_case(name))
        .cloned()
        .collect()
}

fn with(headers: &[(String, String)], name: &str, value: &str) -> Vec<(String, String)> {
    let mut out = without(headers, name);
    out.push((name.to_owned(), value.to_owned()));
    out
}

fn processed_event(provider: Provider, event_type: &str) -> Event {
    let body = sample(provider, event_type);
    let body = body.as_bytes();
    let mut options = SignOptions::at(NOW);
    if provider == Provider::GitHub {
        options = options
            .event(event_type.split('.').next().unwrap())
            .id(format!("delivery-{event_type}"));
    }
    if provider == Provider::Shopify {
        options = options.event(event_type);
    }
    verifier(provider)
        .verify(body, &sign(provider, body, &options))
        .unwrap()
}

// ---------------------------------------------------------------------------------------
// Header shapes and case
// ---------------------------------------------------------------------------------------

#[test]
fn http_header_map_is_accepted_for_every_provider() {
    for provider in Provider::PRESETS {
        let body = sample_body(provider);
        let body = body.as_slice();
        let mut map = http::HeaderMap::new();
        for (name, value) in sign(provider, body, &options(provider)) {
            // Senders write names in any case; `HeaderMap` keeps them lower-cased.
            let name = http::HeaderName::from_bytes(name.to_ascii_uppercase().as_bytes()).unwrap();
            map.insert(name, value.parse().unwrap());
        }
        let event = verifier(provider).verify(body, &map);
        assert!(event.is_ok(), "{provider}: {:?}", event.unwrap_err());
    }
}

#[test]
fn hash_and_btree_maps_match_names_case_insensitively() {
    for provider in Provider::PRESETS {
        let body = sample_body(provider);
        let body = body.as_slice();
        let signed = sign(provider, body, &options(provider));
        let upper: HashMap<String, String> = signed
            .iter()
            .map(|(n, v)| (n.to_ascii_uppercase(), v.clone()))
            .collect();
        let lower: BTreeMap<String, String> = signed
            .iter()
            .map(|(n, v)| (n.to_ascii_lowercase(), v.clone()))
            .collect();
        let verifier = verifier(provider);
        assert!(verifier.verify(body, &upper).is_ok(), "{provider} HashMap");
        assert!(verifier.verify(body, &lower).is_ok(), "{provider} BTreeMap");
    }
}

#[test]
fn pairs_of_str_and_of_bytes_are_accepted() {
    let body = sample_body(Provider::Kyc);
    let body = body.as_slice();
    let signed = sign(Provider::Kyc, body, &SignOptions::at(NOW));
    let strs: Vec<(&str, &str)> = signed
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let bytes: Vec<(String, Vec<u8>)> = signed
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.clone().into_bytes()))
        .collect();
    let verifier = verifier(Provider::Kyc);
    assert!(verifier.verify(body, strs.as_slice()).is_ok());
    assert!(verifier.verify(body, &bytes).is_ok());
}

#[test]
fn every_occurrence_of_the_signature_header_counts() {
    let body = sample_body(Provider::Sensei);
    let body = body.as_slice();
    let signed = sign(Provider::Sensei, body, &SignOptions::default());
    let good = signed.header("X-Sensei-Signature").unwrap().to_vec();
    let bad = format!("sha256={}", "0".repeat(64)).into_bytes();
    let verifier = verifier(Provider::Sensei);

    // Every occurrence of the signature header counts, whichever comes first.
    let first_good = vec![
        ("x-sensei-signature".to_owned(), good.clone()),
        ("X-Sensei-Signature".to_owned(), bad.clone()),
    ];
    assert!(verifier.verify(body, &first_good).is_ok());
    let first_bad = vec![
        ("X-SENSEI-SIGNATURE".to_owned(), bad.clone()),
        ("x-sensei-signature".to_owned(), good),
    ];
    assert!(verifier.verify(body, &first_bad).is_ok());
    let only_bad = vec![("x-sensei-signature".to_owned(), bad)];
    assert_eq!(
        verifier.verify(body, &only_bad).unwrap_err().code(),
        ErrorCode::SignatureMismatch
    );
}

#[test]
fn a_header_that_is_not_utf8_is_a_typed_error() {
    let body = sample_body(Provider::Kyc);
    let body = body.as_slice();
    let mut headers: Vec<(String, Vec<u8>)> = sign(Provider::Kyc, body, &SignOptions::at(NOW))
        .into_iter()
        .map(|(n, v)| (n, v.into_bytes()))
        .collect();
    for (name, value) in &mut headers {
        if name == "X-Webhook-Signature" {
            value.push(0xff);
        }
    }
    let err = verifier(Provider::Kyc).verify(body, &headers).unwrap_err();
    assert_eq!(err.code(), ErrorCode::MalformedSignature);
    assert!(err.to_string().contains("not UTF-8"), "{err}");
}

// ---------------------------------------------------------------------------------------
// Redaction: no error, message or Debug output carries a secret or an expected signature
// ---------------------------------------------------------------------------------------

/// Everything that must never appear in an error or a `Debug` output for `provider`,
/// given the expected signature header value.
fn forbidden(provider: Provider, expected_value: &str, prefix: &str) -> Vec<String> {
    // The tag follows the (last) prefix: `t=…,v1=<tag>` puts the timestamp first.
    let tag = match expected_value.rfind(prefix) {
        Some(at) if !prefix.is_empty() => &expected_value[at + prefix.len()..],
        _ => expected_value,
    };
    let mut out = vec![
        SECRET.to_owned(),
        STANDARD_SECRET.to_owned(),
        STANDARD_KEY.to_owned(),
        tag.to_owned(),
        tag.to_ascii_uppercase(),
        tag[..16].to_owned(),
    ];
    if provider.scheme().secret_format == hookshield::SecretFormat::WhsecBase64 {
        out.push(hex::encode(STANDARD_KEY));
    } else {
        out.push(hex::encode(SECRET));
    }
    out
}

fn assert_clean(context: &str, err: &Error, forbidden: &[String]) {
    for text in [err.to_string(), format!("{err:?}"), format!("{err:#?}")] {
        for secret in forbidden {
            assert!(
                !text.contains(secret.as_str()),
                "{context}: `{err:?}` contains {secret:?}"
            );
        }
    }
}

type Pairs = Vec<(String, String)>;

/// A delivery that must fail: what it is, the body and headers sent, and "now".
struct Case {
    label: &'static str,
    body: Vec<u8>,
    headers: Pairs,
    now: i64,
}

impl Case {
    fn new(label: &'static str, body: &[u8], headers: Pairs, now: i64) -> Self {
        Case {
            label,
            body: body.to_vec(),
            headers,
            now,
        }
    }
}

/// One failing delivery per error path that `provider`'s scheme has.
fn error_cases(provider: Provider, verifier: &Verifier) -> Vec<Case> {
    let scheme = verifier.scheme();
    let body = sample_body(provider);
    let body = body.as_slice();
    let opts = options(provider);
    let signed = sign(provider, body, &opts);
    let sig = scheme.signature_header.as_str();
    let mut cases = vec![
        Case::new("missing signature", body, without(&signed, sig), NOW),
        Case::new(
            "malformed signature",
            body,
            with(&signed, sig, "sha256=nothex"),
            NOW,
        ),
        Case::new(
            "foreign scheme",
            body,
            with(&signed, sig, "md5=abcdef"),
            NOW,
        ),
        Case::new("changed body", &[body, b" "].concat(), signed.clone(), NOW),
    ];
    if let Some(ts) = &scheme.timestamp_header {
        cases.push(Case::new(
            "missing timestamp",
            body,
            without(&signed, ts),
            NOW,
        ));
        cases.push(Case::new(
            "malformed timestamp",
            body,
            with(&signed, ts, "yesterday"),
            NOW,
        ));
        cases.push(Case::new("too old", body, signed.clone(), NOW + 301));
        cases.push(Case::new("in future", body, signed.clone(), NOW - 301));
    }
    // Any authentic JSON is an event: only a body that is not JSON is refused.
    let payload = b"not json at all".as_slice();
    let not_json = opts.clone().event("document.uploaded").id("evt_x");
    cases.push(Case::new(
        "not json",
        payload,
        sign(provider, payload, &not_json),
        NOW,
    ));
    if provider == Provider::DocIntell {
        let headers = sign(provider, body, &opts.clone().event("document.uploaded.x"));
        cases.push(Case::new("event header disagrees", body, headers, NOW));
    }
    if provider == Provider::Kyc {
        let headers = sign(provider, body, &opts.clone().id("evt_other"));
        cases.push(Case::new("id header disagrees", body, headers, NOW));
    }
    cases
}

/// The signature header value that would have been right for `case`'s body and id.
fn right_signature(provider: Provider, verifier: &Verifier, case: &Case) -> String {
    let scheme = verifier.scheme();
    let id = scheme
        .id_header
        .as_deref()
        .and_then(|name| case.headers.header(name))
        .map_or("evt_x".into(), |v| String::from_utf8_lossy(v).into_owned());
    let right = hookshield::sign_with(
        provider,
        scheme,
        secret_for(provider),
        &case.body,
        &SignOptions::at(NOW).id(id).event("e"),
    )
    .unwrap();
    String::from_utf8(right.header(&scheme.signature_header).unwrap().to_vec()).unwrap()
}

#[test]
fn no_error_path_reveals_a_secret_or_the_expected_signature() {
    let mut codes_seen = HashSet::new();
    for provider in Provider::ALL {
        let verifier = verifier(provider);
        let prefix = verifier.scheme().prefix.clone();
        for case in error_cases(provider, &verifier) {
            let right = right_signature(provider, &verifier, &case);
            let err = verifier
                .verify_at(&case.body, &case.headers, case.now)
                .unwrap_err();
            let context = format!("{provider} {}", case.label);
            assert_clean(&context, &err, &forbidden(provider, &right, &prefix));
            codes_seen.insert(err.code());
        }

        let small = Verifier::builder(provider)
            .secret(secret_for(provider))
            .max_body_bytes(8)
            .build()
            .unwrap();
        let body = sample_body(provider);
        let body = body.as_slice();
        let case = Case::new(
            "too large",
            body,
            sign(provider, body, &options(provider)),
            NOW,
        );
        let err = small.verify_at(body, &case.headers, NOW).unwrap_err();
        let right = right_signature(provider, &verifier, &case);
        assert_clean(
            &format!("{provider} too large"),
            &err,
            &forbidden(provider, &right, &prefix),
        );
        codes_seen.insert(err.code());
    }

    // Configuration errors: an empty secret beside a real one, and a Standard secret
    // that is not base64 (its text must not be echoed).
    let err = Verifier::builder(Provider::Sentinel)
        .secrets([SECRET, ""])
        .build()
        .unwrap_err();
    assert_clean("empty secret", &err, &[SECRET.to_owned()]);
    codes_seen.insert(err.code());
    let not_base64 = "whsec_not*base64*Behaviour_S3cret";
    let err = Verifier::new(Provider::Standard, [not_base64]).unwrap_err();
    assert_clean(
        "bad whsec",
        &err,
        &[not_base64.to_owned(), "Behaviour_S3cret".into()],
    );
    codes_seen.insert(err.code());

    // A header the scheme reads that is not text.
    let body = sample_body(Provider::Kyc);
    let headers: Vec<(String, Vec<u8>)> = sign(Provider::Kyc, &body, &SignOptions::at(NOW))
        .into_iter()
        .map(|(name, value)| match name.as_str() {
            "X-Webhook-ID" => (name, vec![0xff]),
            _ => (name, value.into_bytes()),
        })
        .collect();
    let err = verifier(Provider::Kyc).verify(&body, &headers).unwrap_err();
    assert_clean("id header not text", &err, &[SECRET.to_owned()]);
    codes_seen.insert(err.code());

    let missing: Vec<_> = ErrorCode::ALL
        .iter()
        .filter(|code| !codes_seen.contains(code))
        .collect();
    assert!(missing.is_empty(), "error paths not exercised: {missing:?}");
}

#[test]
fn debug_of_verifier_builder_and_secret_redacts() {
    let raw_key = b"raw-key-bytes-Behaviour".as_slice();
    let builder = Verifier::builder(Provider::Sentinel)
        .secret(SECRET)
        .secret(raw_key);
    let builder_debug = format!("{builder:?}");
    let verifier = builder.build().unwrap();
    let secret_debug = [
        format!("{:?}", Secret::from(SECRET)),
        format!("{:?}", Secret::from(raw_key)),
    ];
    for text in [
        format!("{verifier:?}"),
        format!("{verifier:#?}"),
        builder_debug,
        secret_debug[0].clone(),
        secret_debug[1].clone(),
    ] {
        assert!(text.contains("redacted"), "{text}");
        for leak in [
            SECRET,
            "Behaviour",
            &hex::encode(raw_key),
            &format!("{:?}", raw_key.first().unwrap()),
        ] {
            if leak.len() > 3 {
                assert!(!text.contains(leak), "{text} contains {leak}");
            }
        }
    }
    // The configuration is still visible, which is what Debug is for.
    assert!(format!("{verifier:?}").contains("X-Sentinel-Signature"));
    assert!(format!("{verifier:?}").contains("2 redacted"));
}

#[test]
fn outcomes_and_claims_do_not_carry_secrets() {
    let verifier = verifier(Provider::Sentinel);
    let store = MemoryStore::new(16);
    let body = sample_body(Provider::Sentinel);
    let body = body.as_slice();
    let headers = sign(Provider::Sentinel, body, &SignOptions::at(NOW));
    let claimed = verifier
        .claim(body, &headers, &store, ProcessOptions::default())
        .unwrap();
    assert!(!format!("{claimed:?}").contains(SECRET));
    let outcome = claimed.finish(Err("db down".into()));
    assert!(!format!("{outcome:?}").contains(SECRET));
    let forged = verifier.process(
        body,
        &with(&headers, "X-Sentinel-Signature", "sha256=00"),
        &store,
        ProcessOptions::default(),
        |_| Ok::<(), String>(()),
    );
    assert!(!format!("{forged:?}").contains(SECRET));
}

// ---------------------------------------------------------------------------------------
// Order of checks and header/body agreement
// ---------------------------------------------------------------------------------------

#[test]
fn body_size_is_checked_before_anything_else() {
    let verifier = Verifier::builder(Provider::Sentinel)
        .secret(SECRET)
        .max_body_bytes(4)
        .build()
        .unwrap();
    let none: [(&str, &str); 0] = [];
    let err = verifier.verify_at(b"12345", &none, NOW).unwrap_err();
    assert_eq!(err.code(), ErrorCode::BodyTooLarge);
    assert_eq!(err.to_string(), "body too large: 5 bytes, limit is 4 bytes");
    assert_eq!(
        verifier.verify_at(b"1234", &none, NOW).unwrap_err().code(),
        ErrorCode::MissingHeader
    );
}

#[test]
fn nothing_is_parsed_before_the_signature_holds() {
    for provider in Provider::ALL {
        let verifier = verifier(provider);
        let signed = sign(provider, &sample_body(provider), &options(provider));
        // Not JSON, and not what was signed: the signature fails first.
        let err = verifier.verify_at(b"{not json", &signed, NOW).unwrap_err();
        assert_eq!(err.code(), ErrorCode::SignatureMismatch, "{provider}");
    }
}

#[test]
fn signature_is_checked_before_the_window() {
    let verifier = verifier(Provider::Kyc);
    let body = sample_body(Provider::Kyc);
    let body = body.as_slice();
    let stale = sign(Provider::Kyc, body, &SignOptions::at(NOW - 10_000));
    let forged_stale = with(
        &stale,
        "X-Webhook-Signature",
        &format!("sha256={}", "ab".repeat(32)),
    );
    assert_eq!(
        verifier.verify(body, &forged_stale).unwrap_err().code(),
        ErrorCode::SignatureMismatch
    );
    assert_eq!(
        verifier.verify(body, &stale).unwrap_err().code(),
        ErrorCode::TimestampTooOld
    );
}

#[test]
fn docintell_event_header_must_agree_with_the_body() {
    let body = sample(Provider::DocIntell, "document.uploaded");
    let headers = sign(
        Provider::DocIntell,
        body.as_bytes(),
        &SignOptions::at(NOW).event("document.processing.completed"),
    );
    let err = verifier(Provider::DocIntell)
        .verify(body.as_bytes(), &headers)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::HeaderMismatch);
    let message = err.to_string();
    assert!(message.contains("X-DocIntell-Event"), "{message}");
    assert!(
        message.contains("document.processing.completed"),
        "{message}"
    );
    assert!(message.contains("document.uploaded"), "{message}");
}

#[test]
fn docintell_event_header_is_required() {
    let body = sample_body(Provider::DocIntell);
    let body = body.as_slice();
    let headers = without(
        &sign(Provider::DocIntell, body, &SignOptions::at(NOW)),
        "X-DocIntell-Event",
    );
    let err = verifier(Provider::DocIntell)
        .verify(body, &headers)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::MissingHeader);
    assert!(err.to_string().contains("X-DocIntell-Event"));
}

#[test]
fn kyc_id_header_must_agree_with_the_body_id() {
    let body = sample_body(Provider::Kyc);
    let body = body.as_slice();
    let headers = sign(Provider::Kyc, body, &SignOptions::at(NOW).id("evt_forged"));
    let err = verifier(Provider::Kyc).verify(body, &headers).unwrap_err();
    assert_eq!(err.code(), ErrorCode::HeaderMismatch);
    assert!(err.to_string().contains("X-Webhook-ID"), "{err}");
}

#[test]
fn github_type_and_id_come_from_its_headers() {
    let event = processed_event(Provider::GitHub, "issues.opened");
    assert_eq!(event.event_type(), "issues.opened");
    assert_eq!(event.family(), "issues");
    assert_eq!(event.id(), Some("delivery-issues.opened"));
    assert!(event.matches("issues.*"));
    assert_eq!(event.raw_data()["issue"]["number"], 1347);
}

#[test]
fn published_github_example_verifies() {
    // docs.github.com: secret "It's a Secret to Everybody", body "Hello, World!".
    let verifier = Verifier::new(Provider::GitHub, ["It's a Secret to Everybody"]).unwrap();
    let headers = [
        (
            "X-Hub-Signature-256",
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
        ),
        ("X-GitHub-Event", "ping"),
        ("X-GitHub-Delivery", "d-1"),
    ];
    let check = verifier
        .verify_signature(b"Hello, World!", &headers)
        .unwrap();
    assert_eq!(check.event, Some("ping"));
}

#[test]
fn sentinel_and_docintell_timestamps_are_not_signed_but_kyc_and_standard_are() {
    // The security model: Sentinel and DocIntell sign the body only, so the timestamp
    // header can be replaced (the dedup store is what stops a replay); KYC (preset) and
    // Standard Webhooks sign the timestamp, so changing it breaks the signature.
    for (provider, signed_timestamp) in [
        (Provider::Sentinel, false),
        (Provider::DocIntell, false),
        (Provider::Kyc, true),
        (Provider::Standard, true),
    ] {
        let verifier = verifier(provider);
        let body = sample_body(provider);
        let body = body.as_slice();
        let old = sign(provider, body, &SignOptions::at(NOW - 3600));
        let ts = verifier.scheme().timestamp_header.clone().unwrap();
        let refreshed = with(&old, &ts, &NOW.to_string());
        let result = verifier.verify(body, &refreshed);
        if signed_timestamp {
            assert_eq!(
                result.unwrap_err().code(),
                ErrorCode::SignatureMismatch,
                "{provider}"
            );
        } else {
            assert!(result.is_ok(), "{provider}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------

#[test]
fn every_documented_sample_parses_into_typed_data() {
    for provider in [
        Provider::Sentinel,
        Provider::DocIntell,
        Provider::Sentrasa,
        Provider::Kyc,
        Provider::Sensei,
    ] {
        for event_type in hookshield::sample_types(provider) {
            let event = processed_event(provider, event_type);
            assert!(
                event.data().is_documented(),
                "{provider} {event_type}: {:?}",
                event.data()
            );
            assert_eq!(event.event_type(), event_type);
            assert!(!event.family().is_empty());
            assert!(event.matches(event_type) && event.matches("*"));
        }
    }
}

#[test]
fn undocumented_types_arrive_raw_and_unknown_fields_are_kept() {
    let body = br#"{"event":"document.teleported","timestamp":"2026-01-01T00:00:00Z","data":{"document_id":"doc_9","warp":9},"extra":{"kept":true}}"#;
    let headers = sign(Provider::Sentinel, body, &SignOptions::at(NOW));
    let event = verifier(Provider::Sentinel).verify(body, &headers).unwrap();
    assert!(!event.data().is_documented());
    assert_eq!(event.family(), "document");
    assert_eq!(event.raw()["extra"]["kept"], true);
    match event.data() {
        EventData::Other(data) => assert_eq!(data["warp"], 9),
        other => panic!("expected raw data, got {other:?}"),
    }

    // A documented type keeps members the document does not show.
    let body = br#"{"event":"report.generated","timestamp":"2026-01-01T00:00:00Z","data":{"report_id":"rpt_1","report_type":"x","client_id":"c","url":"u","format":"pdf","generated_by":"u1","new_field":[1,2]}}"#;
    let headers = sign(Provider::Sentinel, body, &SignOptions::at(NOW));
    let event = verifier(Provider::Sentinel).verify(body, &headers).unwrap();
    assert!(matches!(
        event.data(),
        EventData::Sentinel(SentinelEvent::ReportGenerated(_))
    ));
    assert_eq!(event.raw_data()["new_field"][1], 2);
}

#[test]
fn a_documented_type_with_another_data_shape_arrives_untyped_with_the_reason() {
    let body = br#"{"event":"document.completed","timestamp":"2026-01-01T00:00:00Z","data":{"document_id":42}}"#;
    let headers = sign(Provider::Sentinel, body, &SignOptions::at(NOW));
    let event = verifier(Provider::Sentinel).verify(body, &headers).unwrap();
    assert_eq!(event.event_type(), "document.completed");
    assert_eq!(event.family(), "document");
    assert_eq!(event.untyped_reason(), Some(UntypedReason::DataMismatch));
    assert!(event
        .untyped_detail()
        .unwrap()
        .contains("document.completed"));
    assert_eq!(event.raw_data()["document_id"], 42);
}

#[test]
fn whole_numbers_type_however_they_are_written() {
    let body = br#"{"event":"document.completed","timestamp":"2026-01-01T00:00:00Z","data":{"document_id":"d","pages":4.0,"processing_time_ms":4.5e4}}"#;
    let headers = sign(Provider::Sentinel, body, &SignOptions::at(NOW));
    let event = verifier(Provider::Sentinel).verify(body, &headers).unwrap();
    let EventData::Sentinel(SentinelEvent::DocumentCompleted(done)) = event.data() else {
        panic!("untyped: {:?}", event.untyped_detail());
    };
    assert_eq!(
        (done.pages, done.processing_time_ms),
        (Some(4), Some(45_000))
    );
    for drifted in [r#""pages":"4""#, r#""pages":4.5"#, r#""pages":-1"#] {
        let body = format!(
            r#"{{"event":"document.completed","timestamp":"2026-01-01T00:00:00Z","data":{{"document_id":"d",{drifted}}}}}"#
        );
        let headers = sign(Provider::Sentinel, body.as_bytes(), &SignOptions::at(NOW));
        let event = verifier(Provider::Sentinel)
            .verify(body.as_bytes(), &headers)
            .unwrap();
        assert_eq!(
            event.untyped_reason(),
            Some(UntypedReason::DataMismatch),
            "{drifted}"
        );
    }
}

#[test]
fn any_authentic_json_becomes_an_event() {
    let cases: [(Provider, &[u8], &str, UntypedReason); 5] = [
        (
            Provider::Standard,
            br#"{"test": 2432232314}"#,
            "",
            UntypedReason::MissingType,
        ),
        (
            Provider::Sentinel,
            b"[1, 2, 3]",
            "",
            UntypedReason::NotAnObject,
        ),
        (
            Provider::Sentinel,
            br#"{"event":"report.generated","timestamp":"2026-01-01T00:00:00Z"}"#,
            "report.generated",
            UntypedReason::DataMismatch,
        ),
        (
            Provider::Sentinel,
            br#"{"event":"chat.message.created","data":"hi"}"#,
            "chat.message.created",
            UntypedReason::UndocumentedType,
        ),
        (
            Provider::Kyc,
            br#"{"id":"evt_1","type":"kyc.session.created","created":1767225600,"data":{}}"#,
            "kyc.session.created",
            UntypedReason::DataMismatch,
        ),
    ];
    for (provider, body, event_type, reason) in cases {
        let options = SignOptions::at(NOW).id("evt_1");
        let event = verifier(provider)
            .verify(body, &sign(provider, body, &options))
            .unwrap_or_else(|e| panic!("{provider} {}: {e}", String::from_utf8_lossy(body)));
        assert_eq!(event.event_type(), event_type);
        if provider == Provider::Kyc {
            // KYC's document shows no data fields: `{}` is its documented shape.
            assert!(event.data().is_documented());
            assert_eq!(event.untyped_reason(), None);
        } else {
            assert_eq!(
                event.untyped_reason(),
                Some(reason),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }
    // Only a body that is not JSON is refused after the signature holds.
    let body = b"not json";
    let err = verifier(Provider::Standard)
        .verify(body, &sign(Provider::Standard, body, &SignOptions::at(NOW)))
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidJson);
}

#[test]
fn unpaired_surrogates_and_deep_nesting_are_authentic_json_too() {
    let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
    for data in [
        r#"{"document_id":"d","note":"\ud83d"}"#.to_owned(),
        format!(r#"{{"document_id":"d","deep":{deep}}}"#),
    ] {
        let body = format!(
            r#"{{"event":"document.completed","timestamp":"2026-01-01T00:00:00Z","data":{data}}}"#
        );
        let headers = sign(Provider::Sentinel, body.as_bytes(), &SignOptions::at(NOW));
        let event = verifier(Provider::Sentinel)
            .verify(body.as_bytes(), &headers)
            .unwrap();
        assert_eq!(event.data_text(), Some(data.as_str()));
    }
    let body = r#"{"event":"document.completed","timestamp":"2026-01-01T00:00:00Z","data":{"document_id":"\ud83d"}}"#;
    let headers = sign(Provider::Sentinel, body.as_bytes(), &SignOptions::at(NOW));
    let event = verifier(Provider::Sentinel)
        .verify(body.as_bytes(), &headers)
        .unwrap();
    assert_eq!(event.untyped_reason(), Some(UntypedReason::DataMismatch));
    assert_eq!(event.raw_data()["document_id"], "\u{fffd}");
}

#[test]
fn the_replay_horizon_refuses_signed_event_times_the_store_has_forgotten() {
    let body = sample_body(Provider::Sensei);
    let body = body.as_slice();
    let signed = sign(Provider::Sensei, body, &SignOptions::at(NOW));
    let retention = Provider::Sensei.default_retention().as_secs() as i64;
    let sensei = verifier(Provider::Sensei);
    assert!(sensei.verify_at(body, &signed, NOW + retention).is_ok());
    let err = sensei
        .verify_at(body, &signed, NOW + retention + 1)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::TimestampTooOld);
    assert!(err.to_string().contains("replay horizon"), "{err}");

    // Only where the provider's document makes it the event's time: a custom sender's
    // `created` may be when something else was created.
    let custom = br#"{"type":"user.updated","id":"u_1","created":1400000000,"data":{}}"#;
    let custom_signed = sign(Provider::Custom, custom, &SignOptions::at(NOW));
    assert!(verifier(Provider::Custom)
        .verify(custom, &custom_signed)
        .is_ok());

    // `process` uses the store's retention as the horizon.
    let store = MemoryStore::new(10);
    let options = ProcessOptions::default().retention(Duration::from_secs(60));
    let later = Verifier::builder(Provider::Sensei)
        .secret(secret_for(Provider::Sensei))
        .clock(|| NOW + 61)
        .build()
        .unwrap();
    let outcome = later.process(body, &signed, &store, options, |_| Ok::<(), String>(()));
    assert_eq!(
        outcome.outcome_kind(),
        OutcomeKind::Rejected(ErrorCode::TimestampTooOld)
    );
}

#[test]
fn a_github_form_encoded_delivery_verifies_and_parses() {
    let json = r#"{"zen":"Design for failure.","hook_id":1}"#;
    let body: String = form_body(json);
    let options = SignOptions::at(NOW).event("ping").id("d-1");
    let event = verifier(Provider::GitHub)
        .verify(
            body.as_bytes(),
            &sign(Provider::GitHub, body.as_bytes(), &options),
        )
        .unwrap();
    assert_eq!(event.event_type(), "ping");
    assert_eq!(event.json_text(), json);
    assert_eq!(event.data_text(), Some(json));
    assert_eq!(event.data_text_utf16_range(), None);
    assert_eq!(event.raw()["zen"], "Design for failure.");
}

/// `payload=<json>` as GitHub url-encodes it.
fn form_body(json: &str) -> String {
    let mut body = "payload=".to_owned();
    for byte in json.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                body.push(byte as char);
            }
            b' ' => body.push('+'),
            _ => write!(body, "%{byte:02X}").unwrap(),
        }
    }
    body
}

#[test]
fn router_dispatches_verified_events_by_pattern() {
    let mut router = Router::new();
    router.on("migration.*", "migrations");
    router.on("migration.phase.*", "phases");
    router.on("approval.required", "pager");
    router.on("*", "audit");
    let phase = processed_event(Provider::Sensei, "migration.phase.completed");
    let hit: Vec<_> = router.handlers_for(phase.event_type()).copied().collect();
    assert_eq!(hit, ["migrations", "phases", "audit"]);
    let approval = processed_event(Provider::Sensei, "approval.required");
    let hit: Vec<_> = router
        .handlers_for(approval.event_type())
        .copied()
        .collect();
    assert_eq!(hit, ["pager", "audit"]);
}

#[test]
fn shopify_topics_match_family_patterns_with_a_slash() {
    let order = processed_event(Provider::Shopify, "orders/create");
    assert_eq!(order.event_type(), "orders/create");
    assert!(order.matches("orders/*") && order.matches("orders/create") && order.matches("*"));
    // The separator is the pattern's own; a prefix of the family's name is no family.
    for pattern in ["orders.*", "order/*", "orders/create/*", "products/*"] {
        assert!(!order.matches(pattern), "{pattern}");
    }
    let mut router = Router::new();
    router.on("orders/*", "orders");
    router.on("orders.*", "dotted");
    router.on("*", "audit");
    let hit: Vec<_> = router.handlers_for(order.event_type()).copied().collect();
    assert_eq!(hit, ["orders", "audit"]);
    // Dotted types are matched as before.
    assert!(hookshield::events::type_matches(
        "migration.*",
        "migration.phase.completed"
    ));
    assert!(!hookshield::events::type_matches(
        "migration/*",
        "migration.phase.completed"
    ));
}

// ---------------------------------------------------------------------------------------
// Idempotency keys, per provider, as the contract orders them
// ---------------------------------------------------------------------------------------

#[test]
fn kyc_and_sensei_keys_are_the_event_id() {
    let kyc = processed_event(Provider::Kyc, "kyc.session.created");
    assert_eq!(kyc.idempotency_key(), "evt_kyc001");
    assert_eq!(kyc.id(), Some("evt_kyc001"));
    let sensei = processed_event(Provider::Sensei, "migration.phase.completed");
    assert_eq!(sensei.idempotency_key(), "evt_abc123def456");
}

#[test]
fn standard_key_is_the_webhook_id_and_github_key_the_delivery() {
    let body = sample_body(Provider::Standard);
    let body = body.as_slice();
    let headers = sign(
        Provider::Standard,
        body,
        &SignOptions::at(NOW).id("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"),
    );
    let event = verifier(Provider::Standard).verify(body, &headers).unwrap();
    assert_eq!(event.idempotency_key(), "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W");

    let event = processed_event(Provider::GitHub, "ping");
    assert_eq!(event.idempotency_key(), "delivery-ping");
}

#[test]
fn docintell_key_is_event_document_and_job() {
    for event_type in hookshield::sample_types(Provider::DocIntell) {
        let event = processed_event(Provider::DocIntell, event_type);
        assert_eq!(
            event.idempotency_key(),
            format!(
                "{event_type}:660e8400-e29b-41d4-a716-446655440001:550e8400-e29b-41d4-a716-446655440000"
            )
        );
    }
}

#[test]
fn sentinel_and_sentrasa_keys_survive_redelivery_at_a_new_time() {
    let time = hookshield::timestamp::format_rfc3339(NOW);
    for (provider, prefix) in [
        (
            Provider::Sentinel,
            format!(
                "document.completed:doc_abc123:{}:",
                time.replace(':', "%3A")
            ),
        ),
        (
            Provider::Sentrasa,
            format!("job.completed:job_7f3e2a:{}:", time.replace(':', "%3A")),
        ),
    ] {
        let body = sample_body(provider);
        let body = body.as_slice();
        let verifier = verifier(provider);
        let first = verifier
            .verify_at(body, &sign(provider, body, &SignOptions::at(NOW)), NOW)
            .unwrap();
        // The provider's retry an hour later carries a new timestamp header.
        let retry = verifier
            .verify_at(
                body,
                &sign(provider, body, &SignOptions::at(NOW + 3600)),
                NOW + 3600,
            )
            .unwrap();
        assert!(
            first.idempotency_key().starts_with(&prefix),
            "{}",
            first.idempotency_key()
        );
        assert_eq!(retry.idempotency_key(), first.idempotency_key());
    }
}

#[test]
fn events_without_an_id_differ_in_key_when_their_data_differs() {
    let key = |body: &str| {
        let headers = sign(Provider::Sentinel, body.as_bytes(), &SignOptions::at(NOW));
        let event = verifier(Provider::Sentinel)
            .verify(body.as_bytes(), &headers)
            .unwrap();
        event.idempotency_key().to_owned()
    };
    // Two messages in one session in the same second.
    let first = key(
        r#"{"event":"chat.message.created","timestamp":"2026-01-01T00:00:00Z","data":{"session_id":"ses_1","text":"hi"}}"#,
    );
    let second = key(
        r#"{"event":"chat.message.created","timestamp":"2026-01-01T00:00:00Z","data":{"session_id":"ses_1","text":"bye"}}"#,
    );
    assert_ne!(first, second);
    assert!(
        first.starts_with("chat.message.created:ses_1:2026-01-01T00%3A00%3A00Z:"),
        "{first}"
    );
    // The same event, indented another way, keeps its key.
    let again = key("{\"event\":\"chat.message.created\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"data\": { \"session_id\": \"ses_1\", \"text\": \"hi\" }}");
    assert_eq!(first, again);
    // DocIntell's ids cannot collide through their joins.
    let docintell = |document: &str, job: &str| {
        let body = format!(
            r#"{{"event":"document.uploaded","timestamp":"2026-01-01T00:00:00Z","data":{{"document_id":"{document}","job_id":"{job}"}}}}"#
        );
        let options = SignOptions::at(NOW).event("document.uploaded");
        let event = verifier(Provider::DocIntell)
            .verify(
                body.as_bytes(),
                &sign(Provider::DocIntell, body.as_bytes(), &options),
            )
            .unwrap();
        event.idempotency_key().to_owned()
    };
    assert_ne!(docintell("doc:a", "b"), docintell("doc", "a:b"));
}

#[test]
fn without_a_type_the_key_is_the_body_hash() {
    let body = br#"{"test": 2432232314}"#;
    let headers = sign(Provider::Sentinel, body, &SignOptions::at(NOW));
    let event = verifier(Provider::Sentinel).verify(body, &headers).unwrap();
    assert_eq!(
        event.idempotency_key(),
        format!("sha256:{}", hex::encode(Sha256::digest(body)))
    );
}

#[test]
fn distinct_events_get_distinct_keys() {
    let mut keys = HashSet::new();
    for provider in Provider::PRESETS {
        for event_type in hookshield::sample_types(provider) {
            let event = processed_event(provider, event_type);
            let key = format!("{provider}/{}", event.idempotency_key());
            assert!(keys.insert(key.clone()), "duplicate key {key}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Statuses
// ---------------------------------------------------------------------------------------

fn retryable_outcomes(event: &Event) -> Vec<Outcome> {
    vec![
        Outcome::InProgress(Box::new(event.clone())),
        Outcome::HandlerFailed {
            event: Some(Box::new(event.clone())),
            message: "db down".into(),
        },
        Outcome::HandlerFailed {
            event: None,
            message: "db down".into(),
        },
        Outcome::StoreUnavailable {
            event: Box::new(event.clone()),
            error: StoreError::Unavailable {
                reason: "redis down".into(),
            },
        },
    ]
}

#[test]
fn docintell_never_gets_a_4xx_for_anything_retryable() {
    let event = processed_event(Provider::DocIntell, "document.uploaded");
    for outcome in retryable_outcomes(&event) {
        let status = outcome.status(Provider::DocIntell);
        assert!(
            (500..600).contains(&status),
            "{} -> {status}",
            outcome.kind()
        );
        assert!(!outcome.is_acknowledged());
    }
}

#[test]
fn retryable_outcomes_are_never_acknowledged_by_any_provider() {
    let event = processed_event(Provider::Sentinel, "document.completed");
    for provider in Provider::ALL {
        for outcome in retryable_outcomes(&event) {
            let status = outcome.status(provider);
            assert!(
                status == 409 || (500..600).contains(&status),
                "{provider} {} -> {status}",
                outcome.kind()
            );
        }
        assert_eq!(
            Outcome::InProgress(Box::new(event.clone())).status(provider),
            if provider.retry_policy().client_error_ends_retries {
                503
            } else {
                409
            }
        );
    }
}

#[test]
fn processed_and_duplicate_are_200_and_rejections_map_by_kind() {
    let event = processed_event(Provider::Sensei, "approval.granted");
    for provider in Provider::ALL {
        assert_eq!(
            Outcome::Processed(Box::new(event.clone())).status(provider),
            200
        );
        assert_eq!(
            Outcome::Duplicate(Box::new(event.clone())).status(provider),
            200
        );
        for (error, status) in [
            (Error::MissingHeader { name: "X".into() }, 401),
            (
                Error::SignatureMismatch {
                    header: "X".into(),
                    signatures: 1,
                    secrets: 1,
                },
                401,
            ),
            (
                Error::TimestampTooOld {
                    age_seconds: 400,
                    tolerance_seconds: 300,
                },
                401,
            ),
            (
                Error::InvalidJson {
                    reason: "eof".into(),
                },
                400,
            ),
            (Error::BodyTooLarge { size: 2, limit: 1 }, 413),
        ] {
            assert_eq!(Outcome::Rejected(error).status(provider), status);
        }
    }
}

#[test]
fn error_kinds_group_the_codes() {
    let kinds: HashMap<ErrorKind, usize> =
        ErrorCode::ALL.iter().fold(HashMap::new(), |mut acc, code| {
            *acc.entry(code.kind()).or_default() += 1;
            acc
        });
    assert_eq!(kinds[&ErrorKind::Signature], 3);
    assert_eq!(kinds[&ErrorKind::Timestamp], 4);
    assert_eq!(kinds[&ErrorKind::Payload], 4);
    assert_eq!(kinds[&ErrorKind::Config], 2);
    for code in ErrorCode::ALL {
        assert_eq!(code.as_str().parse::<ErrorCode>(), Ok(code));
    }
}

#[test]
fn default_retention_covers_each_retry_horizon() {
    for provider in Provider::ALL {
        assert!(provider.default_retention() > provider.retry_policy().horizon);
    }
    assert!(Provider::Sentinel.default_retention() >= Duration::from_secs(48 * 3600));
    assert!(Provider::Sensei.default_retention() >= Duration::from_secs(34 * 3600 + 36 * 60));
    // A day past each retry horizon: the replay horizon never refuses a genuine delivery.
    for provider in Provider::ALL {
        let margin = provider
            .default_retention()
            .saturating_sub(provider.retry_policy().horizon);
        assert!(margin >= Duration::from_secs(24 * 3600), "{provider}");
    }
}

// ---------------------------------------------------------------------------------------
// Exactly-once processing
// ---------------------------------------------------------------------------------------

#[test]
fn a_failing_handler_releases_so_the_redelivery_is_processed() {
    let verifier = verifier(Provider::Sentinel);
    let store = MemoryStore::new(100);
    let body = sample_body(Provider::Sentinel);
    let body = body.as_slice();
    let calls = AtomicUsize::new(0);
    let run = |fail: bool| {
        let headers = sign(Provider::Sentinel, body, &SignOptions::at(NOW));
        verifier.process(body, &headers, &store, ProcessOptions::default(), |event| {
            calls.fetch_add(1, Ordering::SeqCst);
            assert_eq!(event.event_type(), "document.completed");
            if fail {
                Err("database unavailable")
            } else {
                Ok(())
            }
        })
    };
    let first = run(true);
    assert_eq!(first.kind(), "handler_failed");
    assert_eq!(first.status(Provider::Sentinel), 500);
    assert!(
        matches!(&first, Outcome::HandlerFailed { message, .. } if message == "database unavailable")
    );
    assert_eq!(run(false).kind(), "processed");
    assert_eq!(run(false).kind(), "duplicate");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[test]

fn a_panicking_handler_releases_too() {
    let verifier = verifier(Provider::Sensei);
    let store = MemoryStore::new(100);
    let body = sample_body(Provider::Sensei);
    let body = body.as_slice();
    let headers = sign(Provider::Sensei, body, &SignOptions::default());
    let panicked = catch_unwind(AssertUnwindSafe(|| {
        let handler = |_: &Event| -> Result<(), String> { panic!("handler bug") };
        verifier.process(body, &headers, &store, ProcessOptions::default(), handler);
    }));
    assert!(panicked.is_err());
    // `Verifier::process` says: "the handler's error, or its panic, releases the claim".
    let retry = verifier.process(body, &headers, &store, ProcessOptions::default(), |_| {
        Ok::<(), String>(())
    });
    assert_eq!(retry.kind(), "processed");
}

#[test]
fn forged_deliveries_never_reach_the_handler_or_the_store() {
    let verifier = verifier(Provider::Sentinel);
    let store = MemoryStore::new(100);
    let body = sample_body(Provider::Sentinel);
    let body = body.as_slice();
    let headers = with(
        &sign(Provider::Sentinel, body, &SignOptions::at(NOW)),
        "X-Sentinel-Signature",
        &format!("sha256={}", "1".repeat(64)),
    );
    let handler = |_: &Event| -> Result<(), String> { panic!("the handler must not run") };
    let outcome = verifier.process(body, &headers, &store, ProcessOptions::default(), handler);
    assert_eq!(outcome.kind(), "rejected");
    assert_eq!(outcome.status(Provider::Sentinel), 401);
    assert!(outcome.event().is_none());
    assert!(store.is_empty());
}

#[test]
fn an_unfinished_claim_makes_redeliveries_wait_until_its_lease_expires() {
    let now_ms = Arc::new(AtomicU64::new(0));
    let clock = now_ms.clone();
    let store = MemoryStore::with_clock(100, Arc::new(move || clock.load(Ordering::SeqCst)));
    let verifier = verifier(Provider::DocIntell);
    let body = sample_body(Provider::DocIntell);
    let body = body.as_slice();
    let headers = sign(Provider::DocIntell, body, &SignOptions::at(NOW));
    let options = ProcessOptions::default().lease(Duration::from_secs(10));

    let held = verifier.claim(body, &headers, &store, options).unwrap();
    let busy = verifier.claim(body, &headers, &store, options).unwrap_err();
    assert_eq!(busy.kind(), "in_progress");
    assert_eq!(busy.status(Provider::DocIntell), 503);
    // The worker holding the claim died; after the lease, a redelivery takes over.
    drop(held);
    now_ms.store(10_001, Ordering::SeqCst);
    let taken = verifier.claim(body, &headers, &store, options).unwrap();
    assert_eq!(taken.finish(Ok(())).kind(), "processed");
    assert_eq!(
        verifier
            .claim(body, &headers, &store, options)
            .unwrap_err()
            .kind(),
        "duplicate"
    );
}

#[test]
fn processed_keys_are_forgotten_after_their_retention() {
    let now_ms = Arc::new(AtomicU64::new(0));
    let clock = now_ms.clone();
    let store = MemoryStore::with_clock(100, Arc::new(move || clock.load(Ordering::SeqCst)));
    let verifier = verifier(Provider::Kyc);
    let body = sample_body(Provider::Kyc);
    let body = body.as_slice();
    let headers = sign(Provider::Kyc, body, &SignOptions::at(NOW));
    let options = ProcessOptions::default().retention(Duration::from_secs(60));
    let ok = |_: &Event| Ok::<(), String>(());
    assert_eq!(
        verifier.process(body, &headers, &store, options, ok).kind(),
        "processed"
    );
    now_ms.store(59_999, Ordering::SeqCst);
    assert_eq!(
        verifier.process(body, &headers, &store, options, ok).kind(),
        "duplicate"
    );
    now_ms.store(60_000, Ordering::SeqCst);
    assert_eq!(
        verifier.process(body, &headers, &store, options, ok).kind(),
        "processed"
    );
}

#[test]
fn memory_store_processes_each_event_exactly_once_across_threads() {
    const THREADS: usize = 8;
    let verifier = verifier(Provider::Sensei);
    let store = MemoryStore::new(10_000);
    let deliveries: Vec<(Vec<u8>, Pairs)> = (0..50)
        .map(|i| {
            let body = format!(
                r#"{{"id":"evt_{i}","type":"error.occurred","created_at":"2026-02-02T14:00:00.000Z","data":{{"error_id":"e{i}"}}}}"#
            )
            .into_bytes();
            let headers = sign(Provider::Sensei, &body, &SignOptions::default());
            (body, headers)
        })
        .collect();
    let handled: Mutex<HashMap<String, usize>> = Mutex::new(HashMap::new());
    let kinds: Mutex<HashMap<&'static str, usize>> = Mutex::new(HashMap::new());

    std::thread::scope(|scope| {
        for t in 0..THREADS {
            let (verifier, store, deliveries, handled, kinds) =
                (&verifier, &store, &deliveries, &handled, &kinds);
            scope.spawn(move || {
                // Each thread sees every delivery, in its own order; `in_progress`
                // answers are retried, as the provider would.
                for n in 0..deliveries.len() {
                    let (body, headers) = &deliveries[(n * (t + 1) * 7) % deliveries.len()];
                    loop {
                        let outcome = verifier.process(
                            body,
                            headers,
                            store,
                            ProcessOptions::default(),
                            |event| {
                                *handled
                                    .lock()
                                    .unwrap()
                                    .entry(event.idempotency_key().to_owned())
                                    .or_default() += 1;
                                Ok::<(), String>(())
                            },
                        );
                        *kinds.lock().unwrap().entry(outcome.kind()).or_default() += 1;
                        if outcome.kind() != "in_progress" {
                            break;
                        }
                        std::thread::yield_now();
                    }
                }
            });
        }
    });

    let handled = handled.into_inner().unwrap();
    assert_eq!(handled.len(), deliveries.len());
    assert!(handled.values().all(|&n| n == 1), "{handled:?}");
    let kinds = kinds.into_inner().unwrap();
    assert_eq!(kinds["processed"], deliveries.len());
    assert_eq!(kinds["duplicate"], deliveries.len() * (THREADS - 1));
}

#[test]
fn claim_and_finish_drive_async_handlers() {
    let verifier = verifier(Provider::Standard);
    let store: Arc<dyn IdempotencyStore> = Arc::new(MemoryStore::new(10));
    let body = sample_body(Provider::Standard);
    let body = body.as_slice();
    let headers = sign(Provider::Standard, body, &SignOptions::at(NOW).id("msg_1"));

    let claimed = verifier
        .claim(body, &headers, store.clone(), ProcessOptions::default())
        .unwrap();
    assert_eq!(claimed.event().idempotency_key(), "msg_1");
    let failed = claimed.finish(Err("timeout".into()));
    assert_eq!(failed.kind(), "handler_failed");
    assert_eq!(failed.event().unwrap().idempotency_key(), "msg_1");

    let claimed = verifier
        .claim(body, &headers, store.clone(), ProcessOptions::default())
        .unwrap();
    assert_eq!(claimed.finish(Ok(())).kind(), "processed");
    let again = verifier
        .claim(body, &headers, store, ProcessOptions::default())
        .unwrap_err();
    assert_eq!(again.kind(), "duplicate");
    assert_eq!(again.status(Provider::Standard), 200);
}

#[test]
fn keyed_store_acts_only_on_its_own_claims() {
    let shared = Arc::new(MemoryStore::new(10));
    let a = KeyedStore::new(shared.clone());
    let b = KeyedStore::new(shared.clone());
    let lease = Duration::from_secs(30);
    assert_eq!(a.begin("k", lease).unwrap(), ClaimState::Fresh);
    assert_eq!(b.begin("k", lease).unwrap(), ClaimState::InProgress);
    // `b` does not hold `k`: its release and complete leave `a`'s claim alone.
    b.release("k").unwrap();
    b.complete("k", lease).unwrap();
    assert_eq!(b.begin("k", lease).unwrap(), ClaimState::InProgress);
    a.complete("k", Duration::from_secs(60)).unwrap();
    assert_eq!(b.begin("k", lease).unwrap(), ClaimState::Done);
    assert_eq!(shared.begin("k", lease).unwrap(), Claim::Done);
}

// ---------------------------------------------------------------------------------------
// Clock and window edges
// ---------------------------------------------------------------------------------------

#[test]
fn verify_uses_the_injected_clock() {
    let body = sample_body(Provider::Sentinel);
    let body = body.as_slice();
    let headers = sign(Provider::Sentinel, body, &SignOptions::at(NOW));
    let at = |now: i64| {
        Verifier::builder(Provider::Sentinel)
            .secret(SECRET)
            .tolerance(60)
            .clock(move || now)
            .build()
            .unwrap()
            .verify(body, &headers)
            .map(|_| ())
            .map_err(|e| e.code())
    };
    assert_eq!(at(NOW + 60), Ok(()));
    assert_eq!(at(NOW + 61), Err(ErrorCode::TimestampTooOld));
    assert_eq!(at(NOW - 60), Ok(()));
    assert_eq!(at(NOW - 61), Err(ErrorCode::TimestampInFuture));
}

#[test]
fn window_errors_say_how_far_off_the_timestamp_is() {
    let body = sample_body(Provider::Standard);
    let body = body.as_slice();
    let headers = sign(Provider::Standard, body, &SignOptions::at(NOW));
    let err = verifier(Provider::Standard)
        .verify_at(body, &headers, NOW + 301)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "timestamp too old: sent 301 s ago, tolerance is 300 s"
    );
    let err = verifier(Provider::Standard)
        .verify_at(body, &headers, NOW - 400)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "timestamp in the future: 400 s ahead of now, tolerance is 300 s"
    );
}

#[test]

fn window_holds_at_the_ends_of_the_clock() {
    use hookshield::timestamp::check_window;
    // A clock gone wrong (far in the past) must reject, never accept or panic.
    let err = check_window(100, i64::MIN, 300).unwrap_err();
    assert_eq!(err.code(), ErrorCode::TimestampInFuture);
    // A distance beyond i64 is still beyond a tolerance of i64::MAX seconds.
    let err = check_window(-1, i64::MAX, i64::MAX as u64).unwrap_err();
    assert_eq!(err.code(), ErrorCode::TimestampTooOld);

    let body = sample_body(Provider::Kyc);
    let body = body.as_slice();
    let headers = sign(Provider::Kyc, body, &SignOptions::at(NOW));
    let err = verifier(Provider::Kyc)
        .verify_at(body, &headers, i64::MIN)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::TimestampInFuture);
}

// ---------------------------------------------------------------------------------------
// Reading the envelope
// ---------------------------------------------------------------------------------------

/// The same event, whatever the member order and the whitespace: the body is read in one
/// pass when the type comes before `data` (as every sample has it) and in two otherwise.
#[test]
fn member_order_and_whitespace_do_not_change_the_event() {
    for provider in [
        Provider::Sentinel,
        Provider::DocIntell,
        Provider::Sentrasa,
        Provider::Kyc,
        Provider::Sensei,
        Provider::Standard,
    ] {
        for event_type in hookshield::sample_types(provider) {
            let sample = sample(provider, event_type);
            let value: serde_json::Value = serde_json::from_str(&sample).unwrap();
            let object = value.as_object().unwrap();
            // `data` first, then the rest in their order.
            let mut data_first = serde_json::Map::new();
            if let Some(data) = object.get("data") {
                data_first.insert("data".into(), data.clone());
            }
            data_first.extend(object.clone());
            let variants = [
                sample.clone(),
                serde_json::to_string_pretty(&value).unwrap(),
                serde_json::to_string(&data_first).unwrap(),
                format!(
                    " \n{}\t ",
                    serde_json::to_string_pretty(&data_first).unwrap()
                ),
            ];
            let events: Vec<Event> = variants
                .iter()
                .map(|body| {
                    // Standard's `sign` makes up an id from the body unless given one.
                    let options = match provider {
                        Provider::Standard => options(provider).id("msg_1"),
                        _ => options(provider),
                    };
                    let headers = sign(provider, body.as_bytes(), &options);
                    verifier(provider)
                        .verify(body.as_bytes(), &headers)
                        .unwrap_or_else(|e| panic!("{provider} {event_type}: {e}\n{body}"))
                })
                .collect();
            for (event, body) in events.iter().zip(&variants).skip(1) {
                let context = format!("{provider} {event_type}:\n{body}");
                assert_eq!(event.event_type(), events[0].event_type(), "{context}");
                assert_eq!(event.data(), events[0].data(), "{context}");
                assert_eq!(event.raw_data(), events[0].raw_data(), "{context}");
                assert_eq!(
                    serde_json::from_str::<serde_json::Value>(event.data_text().unwrap()).unwrap(),
                    *events[0].raw_data(),
                    "{context}"
                );
                assert_eq!(
                    event.idempotency_key(),
                    events[0].idempotency_key(),
                    "{context}"
                );
            }
        }
    }
}

/// When the object repeats the type or `data`, the last one counts, as in every JSON
/// parser the bindings hand the body to.
#[test]
fn a_repeated_type_or_data_member_counts_its_last_value() {
    let body = br#"{"event":"document.failed","timestamp":"2026-05-15T10:05:00Z","data":{"document_id":"doc_1","error_code":"X"},"event":"document.completed","data":{"document_id":"doc_2","pages":3}}"#;
    let headers = sign(Provider::Sentinel, body, &options(Provider::Sentinel));
    let event = verifier(Provider::Sentinel).verify(body, &headers).unwrap();
    assert_eq!(event.event_type(), "document.completed");
    match event.data() {
        EventData::Sentinel(SentinelEvent::DocumentCompleted(data)) => {
            assert_eq!(data.document_id, "doc_2");
            assert_eq!(data.pages, Some(3));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        event.data_text(),
        Some(r#"{"document_id":"doc_2","pages":3}"#)
    );
}
