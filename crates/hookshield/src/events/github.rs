//! GitHub's deliveries, which have no envelope: the type comes from a header and the
//! payload's `action`.

use std::sync::OnceLock;

use serde_json::value::RawValue;
use serde_json::Value;

use super::envelope::{undocumented, HeaderFacts};
use super::form;
use super::json::parse_verified;
use super::{Event, EventData, Typed};
use crate::{idempotency, Error, FormEncoding, Provider};

/// GitHub sends no envelope: the type is `X-GitHub-Event` (plus `.action` when the
/// payload has one, e.g. `issues.opened`) and the id is `X-GitHub-Delivery`. A delivery
/// configured as `application/x-www-form-urlencoded` carries the JSON in its `payload`
/// field.
pub(crate) fn github_event(text: &str, facts: HeaderFacts<'_>) -> Result<Event, Error> {
    let (raw, decoded) = match serde_json::from_str::<&RawValue>(text) {
        Ok(_) => (parse_verified(text), None),
        Err(error) => {
            let payload = form::decode(text, FormEncoding::Payload, &error)?;
            (parse_verified(&payload), Some(payload))
        }
    };
    let family = facts.event.map_or("unknown", |(_, value)| value).to_owned();
    let event_type = match raw.get("action").and_then(Value::as_str) {
        Some(action) => format!("{family}.{action}"),
        None => family.clone(),
    };
    let id = facts.id.map(|(_, value)| value.to_owned());
    let idempotency_key = idempotency::derive_key(&idempotency::KeyInput {
        provider: Provider::GitHub,
        event_type: &event_type,
        id: id.as_deref(),
        data: decoded.as_deref().unwrap_or(text),
        typed: None,
        event_time: None,
        body: text.as_bytes(),
    });
    let untyped = Some(undocumented(&event_type));
    Ok(Event {
        provider: Provider::GitHub,
        event_type,
        family: family.into(),
        id,
        timestamp: None,
        typed: OnceLock::from(Box::new(Typed {
            data: EventData::Other(raw.clone()),
            untyped,
        })),
        idempotency_key: OnceLock::from(idempotency_key),
        event_time_text: None,
        data_span: None,
        data_is_body: true,
        body: text.to_owned(),
        decoded,
        raw: OnceLock::from(Box::new(raw)),
        raw_data: OnceLock::new(),
    })
}
