//! An event is the same whether its data is typed while the body is read
//! (`verify_within_at`, as a claim needs it) or on first read (`verify_at`): the typed
//! data, the untyped reason and detail, and the idempotency key.
#![allow(missing_docs)]

use std::time::Duration;

use hookshield::{Provider, SecretFormat, SignOptions, Verifier};

const NOW: i64 = 1_767_225_600;

fn secret(provider: Provider) -> &'static str {
    if provider.scheme().secret_format == SecretFormat::WhsecBase64 {
        "whsec_c2VjcmV0LWtleS1mb3ItYmVoYXZpb3VyLXRlc3Rz"
    } else {
        "whsec_typing_secret"
    }
}

fn options(provider: Provider) -> SignOptions {
    let options = SignOptions::at(NOW);
    match provider {
        Provider::GitHub => options
            .event("ping")
            .id("72d3162e-cc78-11e3-81ab-4c9367dc0958"),
        Provider::Shopify => options.event("orders/create"),
        _ => options,
    }
}

/// Verifies `body` both ways and checks the two events agree in everything.
fn both_ways_agree(provider: Provider, body: &str) {
    let verifier = Verifier::builder(provider)
        .secret(secret(provider))
        .build()
        .unwrap();
    let headers = hookshield::sign(
        provider,
        secret(provider),
        body.as_bytes(),
        &options(provider),
    )
    .unwrap();
    let horizon = Some(Duration::from_secs(10 * 365 * 86_400));
    let on_first_read = verifier.verify_at(body.as_bytes(), &headers, NOW);
    let while_reading = verifier.verify_within_at(body.as_bytes(), &headers, NOW, horizon);
    let (Ok(lazy), Ok(eager)) = (on_first_read, while_reading) else {
        panic!("{provider:?} {body}: both should verify");
    };
    // Read in the other order on the lazy one: key first, then the data.
    assert_eq!(
        lazy.idempotency_key(),
        eager.idempotency_key(),
        "{provider:?} {body}"
    );
    assert_eq!(lazy.data(), eager.data(), "{provider:?} {body}");
    assert_eq!(
        lazy.untyped_reason(),
        eager.untyped_reason(),
        "{provider:?} {body}"
    );
    assert_eq!(
        lazy.untyped_detail(),
        eager.untyped_detail(),
        "{provider:?} {body}"
    );
    assert_eq!(lazy, eager, "{provider:?} {body}");
}

#[test]
fn every_sample_is_the_same_event_typed_while_reading_or_on_first_read() {
    for provider in Provider::ALL {
        for event_type in hookshield::sample_types(provider) {
            both_ways_agree(
                provider,
                &hookshield::sample_at(provider, event_type, NOW).unwrap(),
            );
        }
    }
}

#[test]
fn drifted_repeated_and_reordered_bodies_are_the_same_event_both_ways() {
    let t = r#""timestamp":"2026-01-01T00:00:00Z""#;
    for body in [
        // A field of another type: data_mismatch, the first `*_id` in the key.
        format!(r#"{{"event":"document.completed",{t},"data":{{"document_id":"d","pages":"4"}}}}"#),
        // `data` before the type: typed after the read either way.
        format!(r#"{{"data":{{"document_id":"d","pages":4}},"event":"document.completed",{t}}}"#),
        // The type repeated after `data` (the last one counts).
        format!(r#"{{"event":"document.failed","data":{{"document_id":"d","pages":4}},"event":"document.completed",{t}}}"#),
        // `data` repeated (the last one counts).
        format!(r#"{{"event":"document.completed",{t},"data":{{"pages":"x"}},"data":{{"document_id":"d","pages":4}}}}"#),
        // No `data`, an undocumented type, no type.
        format!(r#"{{"event":"document.completed",{t}}}"#),
        format!(r#"{{"event":"document.archived",{t},"data":{{"document_id":"d"}}}}"#),
        format!(r#"{{{t},"data":{{"document_id":"d"}}}}"#),
        // Whitespace between tokens.
        format!("{{ \"event\" : \"document.completed\" , {t} ,\n \"data\" : {{ \"document_id\" : \"d\" , \"pages\" : 4 }} }}"),
    ] {
        both_ways_agree(Provider::Sentinel, &body);
    }
}
