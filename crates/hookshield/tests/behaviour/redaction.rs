//! Redaction: no error, message or Debug output carries a secret or an expected
//! signature.

use std::collections::HashSet;

use hookshield::{
    Error, ErrorCode, Headers, MemoryStore, ProcessOptions, Provider, Secret, SignOptions, Verifier,
};

use crate::fixture::{
    options, sample_body, secret_for, sign, verifier, with, without, Pairs, NOW, SECRET,
    STANDARD_KEY, STANDARD_SECRET,
};

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
