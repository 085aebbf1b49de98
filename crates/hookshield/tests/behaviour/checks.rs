//! Order of checks and header/body agreement: the body size first, nothing parsed
//! before the signature holds, the signature before the window, event and id headers,
//! GitHub's headers and its published example, which timestamps are signed.

use hookshield::{ErrorCode, Provider, SignOptions, Verifier};

use crate::fixture::{
    options, processed_event, sample, sample_body, sign, verifier, with, without, NOW, SECRET,
};

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
