//! Reading the envelope: member order, whitespace and repeated members.

use hookshield::events::sentinel::SentinelEvent;
use hookshield::{Event, EventData, Provider};

use crate::fixture::{options, sample, sign, verifier};

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
