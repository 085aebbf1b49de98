//! Idempotency keys, per provider, as the contract orders them.

use std::collections::HashSet;

use hookshield::{Provider, SignOptions};
use sha2::{Digest as _, Sha256};

use crate::fixture::{processed_event, sample_body, sign, verifier, NOW};

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
