//! Events: documented samples parse into typed data, undocumented types and other
//! data shapes arrive untyped with the reason, any authentic JSON is an event, the
//! replay horizon, GitHub's form-encoded deliveries, routing by pattern.

use std::fmt::Write as _;
use std::time::Duration;

use hookshield::events::sentinel::SentinelEvent;
use hookshield::{
    ErrorCode, EventData, MemoryStore, OutcomeKind, ProcessOptions, Provider, Router, SignOptions,
    UntypedReason, Verifier,
};

use crate::fixture::{processed_event, sample_body, secret_for, sign, verifier, NOW};

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
