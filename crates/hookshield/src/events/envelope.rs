//! Reading a provider's envelope out of a verified body and building the [`Event`].

use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::{
    docintell::DocIntellEvent, kyc::KycEvent, sensei::SenseiEvent, sentinel::SentinelEvent,
};
use super::{sentrasa::SentrasaEvent, Event, EventData};
use crate::error::excerpt;
use crate::timestamp::parse_rfc3339;
use crate::{idempotency, Error, Provider};

/// What the verified headers said, for the envelope to agree with.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct HeaderFacts<'a> {
    /// The timestamp header, as Unix seconds.
    pub(crate) timestamp: Option<i64>,
    /// The id header's name and value.
    pub(crate) id: Option<(&'a str, &'a str)>,
    /// The event-type header's name and value.
    pub(crate) event: Option<(&'a str, &'a str)>,
}

/// Where a provider's envelope keeps its members.
struct Layout {
    type_keys: &'static [&'static str],
    id_key: Option<&'static str>,
    id_required: bool,
    time_key: &'static [&'static str],
    data_required: bool,
}

fn layout(provider: Provider) -> Layout {
    match provider {
        Provider::Sentinel | Provider::DocIntell => Layout {
            type_keys: &["event"],
            id_key: Some("id"),
            id_required: false,
            time_key: &["timestamp"],
            data_required: true,
        },
        Provider::Sentrasa => Layout {
            type_keys: &["event", "type"],
            id_key: Some("id"),
            id_required: false,
            time_key: &["timestamp", "created_at"],
            data_required: true,
        },
        Provider::Kyc => Layout {
            type_keys: &["type"],
            id_key: Some("id"),
            id_required: true,
            time_key: &["created"],
            data_required: true,
        },
        Provider::Sensei => Layout {
            type_keys: &["type"],
            id_key: Some("id"),
            id_required: true,
            time_key: &["created_at"],
            data_required: true,
        },
        Provider::Standard => Layout {
            type_keys: &["type"],
            id_key: None,
            id_required: false,
            time_key: &["timestamp"],
            data_required: false,
        },
        Provider::GitHub | Provider::Custom => Layout {
            type_keys: &["type", "event"],
            id_key: Some("id"),
            id_required: false,
            time_key: &["timestamp", "created_at", "created"],
            data_required: false,
        },
    }
}

/// Parses a verified body into an [`Event`].
pub(crate) fn build_event(
    provider: Provider,
    body: &[u8],
    facts: HeaderFacts<'_>,
) -> Result<Event, Error> {
    let raw: Value = serde_json::from_slice(body).map_err(|e| Error::InvalidJson {
        reason: e.to_string(),
    })?;
    if provider == Provider::GitHub {
        return Ok(github_event(raw, body, facts));
    }
    let layout = layout(provider);
    let object = raw.as_object().ok_or_else(|| {
        Error::envelope(format!("expected a JSON object, found {}", kind_of(&raw)))
    })?;

    let event_type = read_type(object, layout.type_keys)?;
    let id = read_id(object, &layout)?;
    let (event_time, event_time_text) = read_time(object, layout.time_key)?;
    let null = Value::Null;
    let data = match object.get("data") {
        Some(data @ Value::Object(_)) => data,
        Some(other) => {
            return Err(Error::envelope(format!(
                "`data` must be an object, found {}",
                kind_of(other)
            )))
        }
        None if layout.data_required => return Err(Error::envelope("missing member `data`")),
        None => &null,
    };

    check_agreement(facts.event, Some(event_type))?;
    check_agreement(facts.id, id)?;

    let (typed, family) = typed_data(provider, event_type, data)?;
    let id = id.or(facts.id.map(|(_, value)| value)).map(str::to_owned);
    let idempotency_key = idempotency::derive_key(&idempotency::KeyInput {
        provider,
        event_type,
        id: id.as_deref(),
        data,
        event_time: event_time_text.as_deref(),
        body,
    });
    let timestamp = event_time.or_else(|| {
        facts
            .timestamp
            .and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok())
    });
    Ok(Event {
        provider,
        event_type: event_type.to_owned(),
        family,
        id,
        timestamp,
        data: typed.unwrap_or_else(|| EventData::Other(data.clone())),
        idempotency_key,
        raw,
    })
}

/// The typed data (or `None` for an undocumented type) and the family.
fn typed_data(
    provider: Provider,
    event_type: &str,
    data: &Value,
) -> Result<(Option<EventData>, String), Error> {
    fn documented<E>(
        parsed: Option<Result<E, Error>>,
        family: Option<&'static str>,
        wrap: fn(E) -> EventData,
    ) -> Result<(Option<EventData>, Option<&'static str>), Error> {
        Ok((parsed.transpose()?.map(wrap), family))
    }
    let (typed, family) = match provider {
        Provider::Sentinel => documented(
            SentinelEvent::parse(event_type, data),
            SentinelEvent::family_of(event_type),
            EventData::Sentinel,
        )?,
        Provider::DocIntell => documented(
            DocIntellEvent::parse(event_type, data),
            DocIntellEvent::family_of(event_type),
            EventData::DocIntell,
        )?,
        Provider::Sentrasa => documented(
            SentrasaEvent::parse(event_type, data),
            SentrasaEvent::family_of(event_type),
            EventData::Sentrasa,
        )?,
        Provider::Kyc => documented(
            KycEvent::parse(event_type, data),
            KycEvent::family_of(event_type),
            EventData::Kyc,
        )?,
        Provider::Sensei => documented(
            SenseiEvent::parse(event_type, data),
            SenseiEvent::family_of(event_type),
            EventData::Sensei,
        )?,
        Provider::GitHub | Provider::Standard | Provider::Custom => (None, None),
    };
    let family = family.map_or_else(|| fallback_family(event_type), str::to_owned);
    Ok((typed, family))
}

/// The family of an undocumented type: everything before its last `.`.
fn fallback_family(event_type: &str) -> String {
    event_type
        .rsplit_once('.')
        .map_or(event_type, |(family, _)| family)
        .to_owned()
}

/// GitHub sends no envelope: the type is `X-GitHub-Event` (plus `.action` when the
/// payload has one, e.g. `issues.opened`) and the id is `X-GitHub-Delivery`.
fn github_event(raw: Value, body: &[u8], facts: HeaderFacts<'_>) -> Event {
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
        data: &Value::Null,
        event_time: None,
        body,
    });
    Event {
        provider: Provider::GitHub,
        event_type,
        family,
        id,
        timestamp: None,
        data: EventData::Other(raw.clone()),
        idempotency_key,
        raw,
    }
}

fn read_type<'a>(object: &'a Map<String, Value>, keys: &[&str]) -> Result<&'a str, Error> {
    for key in keys {
        match object.get(*key) {
            Some(Value::String(s)) if !s.is_empty() => return Ok(s),
            Some(other) => {
                return Err(Error::envelope(format!(
                    "`{key}` must be a non-empty string, found {}",
                    kind_of(other)
                )))
            }
            None => {}
        }
    }
    Err(Error::envelope(format!(
        "missing member `{}` (the event type)",
        keys.join("` or `")
    )))
}

fn read_id<'a>(object: &'a Map<String, Value>, layout: &Layout) -> Result<Option<&'a str>, Error> {
    let Some(key) = layout.id_key else {
        return Ok(None);
    };
    match object.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Ok(Some(s)),
        Some(other) if layout.id_required => Err(Error::envelope(format!(
            "`{key}` must be a non-empty string, found {}",
            kind_of(other)
        ))),
        None if layout.id_required => Err(Error::envelope(format!(
            "missing member `{key}` (the event id)"
        ))),
        _ => Ok(None),
    }
}

/// The event time, parsed and as sent (the text feeds idempotency keys).
fn read_time(
    object: &Map<String, Value>,
    keys: &[&str],
) -> Result<(Option<OffsetDateTime>, Option<String>), Error> {
    for key in keys {
        match object.get(*key) {
            None | Some(Value::Null) => {}
            Some(Value::String(text)) => {
                let parsed = parse_rfc3339(text).ok_or_else(|| {
                    Error::envelope(format!(
                        "`{key}` must be an ISO 8601 date-time, found {:?}",
                        excerpt(text, 40)
                    ))
                })?;
                return Ok((Some(parsed), Some(text.clone())));
            }
            Some(Value::Number(n)) => {
                let parsed = n
                    .as_i64()
                    .and_then(|secs| OffsetDateTime::from_unix_timestamp(secs).ok());
                let parsed = parsed.ok_or_else(|| {
                    Error::envelope(format!("`{key}` must be Unix seconds, found {n}"))
                })?;
                return Ok((Some(parsed), Some(n.to_string())));
            }
            Some(other) => {
                return Err(Error::envelope(format!(
                    "`{key}` must be a date-time, found {}",
                    kind_of(other)
                )));
            }
        }
    }
    Ok((None, None))
}

/// A header and the signed body must agree where both carry a value.
fn check_agreement(header: Option<(&str, &str)>, body: Option<&str>) -> Result<(), Error> {
    match (header, body) {
        (Some((name, header_value)), Some(body_value)) if header_value != body_value => {
            Err(Error::HeaderMismatch {
                header: name.to_owned(),
                header_value: excerpt(header_value, 80),
                body_value: excerpt(body_value, 80),
            })
        }
        _ => Ok(()),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
