//! Header shapes and case: header maps, pairs of text or bytes, a repeated
//! signature header, a header that is not UTF-8.

use std::collections::{BTreeMap, HashMap};

use hookshield::{ErrorCode, Headers, Provider, SignOptions};

use crate::fixture::{options, sample_body, sign, verifier, NOW};

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
