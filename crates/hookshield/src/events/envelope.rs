//! Reading a provider's envelope out of a verified body and building the [`Event`].
//!
//! The body is read once into its top-level members, borrowed as raw text; the typed
//! data is deserialized straight from the text of `data`. No JSON tree is built unless
//! someone asks for one ([`Event::raw`]).

use std::borrow::Cow;
use std::ops::Range;

use serde_json::value::RawValue;
use serde_json::Value;
use time::OffsetDateTime;

use super::json::{kind_of, may_hold_out_of_range_number, Checked, DataIds, Members, Text};
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
    time_keys: &'static [&'static str],
    data_required: bool,
}

fn layout(provider: Provider) -> Layout {
    let (type_keys, id_key, id_required, time_keys, data_required): (_, _, _, &[&str], _) =
        match provider {
            Provider::Sentinel | Provider::DocIntell => {
                (&["event"][..], Some("id"), false, &["timestamp"], true)
            }
            Provider::Sentrasa => (
                &["event", "type"][..],
                Some("id"),
                false,
                &["timestamp", "created_at"],
                true,
            ),
            Provider::Kyc => (&["type"][..], Some("id"), true, &["created"], true),
            Provider::Sensei => (&["type"][..], Some("id"), true, &["created_at"], true),
            Provider::Standard => (&["type"][..], None, false, &["timestamp"], false),
            Provider::GitHub | Provider::Custom => (
                &["type", "event"][..],
                Some("id"),
                false,
                &["timestamp", "created_at", "created"],
                false,
            ),
        };
    Layout {
        type_keys,
        id_key,
        id_required,
        time_keys,
        data_required,
    }
}

/// Parses a verified body into an [`Event`].
pub(crate) fn build_event(
    provider: Provider,
    body: &[u8],
    facts: HeaderFacts<'_>,
) -> Result<Event, Error> {
    let text = std::str::from_utf8(body).map_err(|e| Error::InvalidJson {
        reason: format!(
            "the body is not UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        ),
    })?;
    if provider == Provider::GitHub {
        return github_event(text, body, facts);
    }
    let layout = layout(provider);
    // Every provider's own samples name the type before `data`: the typed data is then
    // parsed while the body is read, in the same pass.
    let (members, early) = read_members(text, |members, value| {
        let event_type = required_string(members, layout.type_keys, "the event type").ok()?;
        let (typed, length) = parse_typed(provider, &event_type, value)?.ok()?;
        let data = &value[..length];
        Some((
            EarlyData {
                event_type,
                typed,
                data,
            },
            length,
        ))
    })?;

    let event_type = required_string(&members, layout.type_keys, "the event type")?;
    let id = match layout.id_key {
        Some(key) if layout.id_required => Some(required_string(&members, &[key], "the event id")?),
        Some(key) => optional_string(&members, key),
        None => None,
    };
    let (event_time, event_time_text) = read_time(&members, layout.time_keys)?;
    let data = match members.get("data") {
        Some(raw) if raw.starts_with('{') => Some(raw),
        Some(raw) => {
            return Err(Error::envelope(format!(
                "`data` must be an object, found {}",
                kind_of(raw)
            )))
        }
        None if layout.data_required => return Err(Error::envelope("missing member `data`")),
        None => None,
    };
    let data_text = data.unwrap_or("null");

    check_agreement(facts.event, Some(&event_type))?;
    check_agreement(facts.id, id.as_deref())?;

    let typed = match early {
        // Unless the object repeats the type or `data` (the last one counts).
        Some(early) if early.event_type == event_type && std::ptr::eq(early.data, data_text) => {
            Some(early.typed)
        }
        _ => parse_typed(provider, &event_type, data_text)
            .transpose()?
            .map(|(typed, _)| typed),
    };
    let family = family(provider, &event_type);
    let id = id
        .map(Cow::into_owned)
        .or(facts.id.map(|(_, value)| value.to_owned()));
    let idempotency_key = idempotency::derive_key(&idempotency::KeyInput {
        provider,
        event_type: &event_type,
        id: id.as_deref(),
        data: data_text,
        typed: typed.as_ref(),
        event_time: event_time_text.as_deref(),
        body,
    });
    let typed = typed.unwrap_or_else(|| EventData::Other(parse_verified(data_text)));
    let timestamp = event_time.or_else(|| {
        facts
            .timestamp
            .and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok())
    });
    Ok(Event {
        provider,
        event_type: event_type.into_owned(),
        family,
        id,
        timestamp,
        data: typed,
        idempotency_key,
        data_span: data.map(|raw| span(text, raw)),
        body: text.to_owned(),
        raw: std::sync::OnceLock::new(),
        raw_data: std::sync::OnceLock::new(),
    })
}

/// Typed data parsed while the body was read, with the type it was parsed as.
struct EarlyData<'a> {
    event_type: Cow<'a, str>,
    typed: EventData,
    data: &'a str,
}

/// The body checked to be JSON, its top-level members, and what `at_data` made of the
/// value of `data` (see [`Members::read_object`]).
///
/// Reading members checks the syntax of every value it skips, but not whether its numbers
/// fit an `f64` (an exponent past the range passes a skip); bodies that may hold such a
/// number are also checked to parse as the JSON every binding builds from them will.
fn read_members<'a, T>(
    text: &'a str,
    at_data: impl FnMut(&Members<'a>, &'a str) -> Option<(T, usize)>,
) -> Result<(Members<'a>, Option<T>), Error> {
    let invalid_json = |e: serde_json::Error| Error::InvalidJson {
        reason: e.to_string(),
    };
    let read = if let Some(read) = Members::read_object(text, at_data) {
        read
    } else if let Ok(members) = serde_json::from_str::<Members<'_>>(text) {
        (members, None)
    } else {
        serde_json::from_str::<Checked>(text).map_err(invalid_json)?;
        let found =
            serde_json::from_str::<&RawValue>(text).map_or("JSON", |raw| kind_of(raw.get()));
        return Err(Error::envelope(format!(
            "expected a JSON object, found {found}"
        )));
    };
    if may_hold_out_of_range_number(text) {
        serde_json::from_str::<Checked>(text).map_err(invalid_json)?;
    }
    Ok(read)
}

/// JSON already validated as part of the body.
pub(crate) fn parse_verified(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

/// Where `raw`, borrowed from `text`, lies in it.
fn span(text: &str, raw: &str) -> Range<usize> {
    let start = raw.as_ptr() as usize - text.as_ptr() as usize;
    start..start + raw.len()
}

/// The documented data of `event_type` from the start of `text`, and its length in bytes;
/// `None` for an undocumented type.
fn parse_typed(
    provider: Provider,
    event_type: &str,
    text: &str,
) -> Option<Result<(EventData, usize), Error>> {
    fn wrap<E>(
        parsed: Option<Result<(E, usize), Error>>,
        variant: fn(E) -> EventData,
    ) -> Option<Result<(EventData, usize), Error>> {
        parsed.map(|parsed| parsed.map(|(data, length)| (variant(data), length)))
    }
    match provider {
        Provider::Sentinel => wrap(SentinelEvent::parse(event_type, text), EventData::Sentinel),
        Provider::DocIntell => wrap(
            DocIntellEvent::parse(event_type, text),
            EventData::DocIntell,
        ),
        Provider::Sentrasa => wrap(SentrasaEvent::parse(event_type, text), EventData::Sentrasa),
        Provider::Kyc => wrap(KycEvent::parse(event_type, text), EventData::Kyc),
        Provider::Sensei => wrap(SenseiEvent::parse(event_type, text), EventData::Sensei),
        Provider::GitHub | Provider::Standard | Provider::Custom => None,
    }
}

/// The documented family of `event_type`, or its fallback.
fn family(provider: Provider, event_type: &str) -> Cow<'static, str> {
    let documented = match provider {
        Provider::Sentinel => SentinelEvent::family_of(event_type),
        Provider::DocIntell => DocIntellEvent::family_of(event_type),
        Provider::Sentrasa => SentrasaEvent::family_of(event_type),
        Provider::Kyc => KycEvent::family_of(event_type),
        Provider::Sensei => SenseiEvent::family_of(event_type),
        Provider::GitHub | Provider::Standard | Provider::Custom => None,
    };
    documented.map_or_else(|| Cow::Owned(fallback_family(event_type)), Cow::Borrowed)
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
fn github_event(text: &str, body: &[u8], facts: HeaderFacts<'_>) -> Result<Event, Error> {
    let raw: Value = serde_json::from_str(text).map_err(|e| Error::InvalidJson {
        reason: e.to_string(),
    })?;
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
        data: "null",
        typed: None,
        event_time: None,
        body,
    });
    Ok(Event {
        provider: Provider::GitHub,
        event_type,
        family: family.into(),
        id,
        timestamp: None,
        data: EventData::Other(raw.clone()),
        idempotency_key,
        data_span: None,
        body: text.to_owned(),
        raw: std::sync::OnceLock::from(raw),
        raw_data: std::sync::OnceLock::new(),
    })
}

/// The first of `keys` present, which must be a non-empty string.
fn required_string<'a>(
    members: &Members<'a>,
    keys: &[&str],
    what: &str,
) -> Result<Cow<'a, str>, Error> {
    let Some((key, raw)) = keys.iter().find_map(|key| Some((*key, members.get(key)?))) else {
        return Err(Error::envelope(format!(
            "missing member `{}` ({what})",
            keys.join("` or `")
        )));
    };
    match serde_json::from_str::<Text<'a>>(raw) {
        Ok(Text(value)) if !value.is_empty() => Ok(value),
        Ok(_) => Err(Error::envelope(format!(
            "`{key}` must be a non-empty string, found \"\""
        ))),
        Err(_) => Err(Error::envelope(format!(
            "`{key}` must be a non-empty string, found {}",
            kind_of(raw)
        ))),
    }
}

/// `key`, if present as a non-empty string.
fn optional_string<'a>(members: &Members<'a>, key: &str) -> Option<Cow<'a, str>> {
    match serde_json::from_str::<Text<'a>>(members.get(key)?) {
        Ok(Text(value)) if !value.is_empty() => Some(value),
        _ => None,
    }
}

/// The event time, parsed and as sent (the text feeds idempotency keys).
fn read_time<'a>(
    members: &Members<'a>,
    keys: &[&str],
) -> Result<(Option<OffsetDateTime>, Option<Cow<'a, str>>), Error> {
    for key in keys {
        let Some(raw) = members.get(key) else {
            continue;
        };
        match raw.as_bytes().first() {
            Some(b'n') => {}
            Some(b'"') => {
                let Text(text) = serde_json::from_str::<Text<'_>>(raw)
                    .map_err(|_| Error::envelope(format!("`{key}` must be a date-time")))?;
                let parsed = parse_rfc3339(&text).ok_or_else(|| {
                    Error::envelope(format!(
                        "`{key}` must be an ISO 8601 date-time, found {:?}",
                        excerpt(&text, 40)
                    ))
                })?;
                return Ok((Some(parsed), Some(text)));
            }
            Some(b'-' | b'0'..=b'9') => {
                let parsed = serde_json::from_str::<i64>(raw)
                    .ok()
                    .and_then(|secs| OffsetDateTime::from_unix_timestamp(secs).ok())
                    .ok_or_else(|| {
                        Error::envelope(format!(
                            "`{key}` must be Unix seconds, found {}",
                            excerpt(raw, 40)
                        ))
                    })?;
                return Ok((Some(parsed), Some(Cow::Borrowed(raw))));
            }
            _ => {
                return Err(Error::envelope(format!(
                    "`{key}` must be a date-time, found {}",
                    kind_of(raw)
                )))
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

/// The ids in `data`, for keys of events without an event id.
pub(crate) fn data_ids(data: &str) -> DataIds {
    serde_json::from_str(data).unwrap_or_default()
}
