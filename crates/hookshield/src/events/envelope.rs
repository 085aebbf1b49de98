//! Reading a provider's envelope out of a verified body and building the [`Event`].
//!
//! The body is read once into its top-level members, borrowed as raw text, checking that
//! it is JSON. The typed data is deserialized straight from the text of `data`: in the
//! same pass ([`Typing::WhileReading`], for a delivery about to be claimed), or on its
//! first read ([`type_event`]); the idempotency key waits for its first read
//! ([`idempotency_key`]). No JSON tree is built unless someone asks for one
//! ([`Event::raw`]).

use std::borrow::Cow;
use std::ops::Range;
use std::sync::OnceLock;

use serde_json::value::RawValue;
use serde_json::Value;
use time::OffsetDateTime;

use super::github::github_event;
use super::json::parse_verified;
use super::json::{kind_of, DataIds, Members, Text};
use super::{
    docintell::DocIntellEvent, kyc::KycEvent, sensei::SenseiEvent, sentinel::SentinelEvent,
};
use super::{form, sentrasa::SentrasaEvent, Event, EventData, Typed, UntypedReason};
use crate::error::excerpt;
use crate::timestamp::{event_time, parse_rfc3339, TimestampUnit};
use crate::{idempotency, Envelope, Error, FormEncoding, Provider};

/// When a documented type's data is typed: while the body is read, in the same pass (for
/// a delivery about to be claimed, whose key needs it), or on the first read of the
/// typed data or the key (for a receiver that may read `data` as JSON only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Typing {
    WhileReading,
    OnFirstRead,
}

/// Typed data parsed while the body was read, with the type it was parsed as.
struct EarlyData<'a> {
    event_type: Cow<'a, str>,
    typed: EventData,
    data: &'a str,
}

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

/// Where a provider's envelope keeps its members: the scheme's [`Envelope`], and
/// whether the provider's documented types require `data`.
struct Layout<'e> {
    envelope: &'e Envelope,
    data_required: bool,
}

fn layout(provider: Provider, envelope: &Envelope) -> Layout<'_> {
    Layout {
        envelope,
        data_required: matches!(
            provider,
            Provider::Sentinel
                | Provider::DocIntell
                | Provider::Sentrasa
                | Provider::Kyc
                | Provider::Sensei
        ),
    }
}

/// The oldest signed event time a verification accepts: events whose envelope time is
/// older than `horizon` seconds before `now` are refused (see [`crate::Verifier`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Horizon {
    pub(crate) now: i64,
    pub(crate) seconds: u64,
}

impl Horizon {
    fn check(self, event_time: OffsetDateTime) -> Result<(), Error> {
        let age = i128::from(self.now) - i128::from(event_time.unix_timestamp());
        if age > i128::from(self.seconds) {
            return Err(Error::EventTooOld {
                age_seconds: i64::try_from(age).unwrap_or(i64::MAX),
                horizon_seconds: self.seconds,
            });
        }
        Ok(())
    }
}

/// Parses a verified body into an [`Event`]. Only a body that is not JSON, a header that
/// disagrees with the body, or an event time past the replay horizon is an error: what
/// cannot be typed arrives untyped, with the reason.
pub(crate) fn build_event(
    provider: Provider,
    envelope: &Envelope,
    body: &[u8],
    facts: HeaderFacts<'_>,
    horizon: Option<Horizon>,
    typing: Typing,
) -> Result<Event, Error> {
    let text = std::str::from_utf8(body).map_err(|e| Error::InvalidJson {
        reason: format!(
            "the body is not UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        ),
    })?;
    if provider == Provider::GitHub {
        return github_event(text, facts);
    }
    let layout = layout(provider, envelope);
    // A form (where the scheme reads them) stands for the JSON it carries.
    let decoded = match envelope.form {
        FormEncoding::None => None,
        form => match serde_json::from_str::<&RawValue>(text) {
            Ok(_) => None,
            Err(error) => Some(form::decode(text, form, &error)?),
        },
    };
    let json = decoded.as_deref().unwrap_or(text);
    // While reading, a documented type's data is typed as it is read (which checks it),
    // the type being read before it, as every provider's own samples have it.
    let early_member = match (typing, &envelope.data_field) {
        (Typing::WhileReading, Some(field)) if !field.contains('.') => field.as_str(),
        _ => "",
    };
    let read = read_members(json, early_member, |members, value| {
        let Text(event_type) = string_member(members, &envelope.type_fields)?;
        let (typed, length) = parse_typed(provider, &event_type, value)?.ok()?;
        Some((
            EarlyData {
                event_type,
                typed,
                data: &value[..length],
            },
            length,
        ))
    })?;
    let Some((members, early)) = read else {
        return Ok(not_an_object(provider, text, facts));
    };

    let id = string_member(&members, &envelope.id_fields).map(|Text(id)| id);
    let (event_time, event_time_text) =
        read_time(&members, &envelope.time_fields, envelope.time_unit);
    if let (Some(horizon), Some(event_time), true) =
        (horizon, event_time, envelope.time_is_event_time)
    {
        horizon.check(event_time)?;
    }
    let body_type = string_member(&members, &envelope.type_fields).map(|Text(t)| t);
    check_agreement(facts.event, body_type.as_deref())?;
    check_agreement(facts.id, id.as_deref())?;
    // A body that names no type takes the type header's, where the scheme has one.
    let event_type = body_type.or_else(|| facts.event.map(|(_, value)| Cow::Borrowed(value)));

    // The data member, or the whole document where the envelope names none.
    let data_member = match &envelope.data_field {
        Some(field) => member_at(&members, field),
        None => Some(json),
    };
    // Typing a documented type's data waits for the first read ([`type_event`]) unless
    // it was typed while reading (and the object repeats neither the type nor the data:
    // the last one counts); what cannot be typed without reading it is settled here.
    let typed = match (event_type.as_deref(), data_member) {
        (Some(event_type), Some(raw)) => match early {
            Some(early) if early.event_type == event_type && std::ptr::eq(early.data, raw) => {
                OnceLock::from(Box::new(Typed {
                    data: early.typed,
                    untyped: None,
                }))
            }
            _ => OnceLock::new(),
        },
        (event_type, _) => OnceLock::from(Box::new(Typed {
            data: EventData::Other(data_member.map_or(Value::Null, parse_verified)),
            untyped: Some(untyped_without_data(provider, event_type, &layout)),
        })),
    };
    let event_type = event_type.unwrap_or_default();
    let family = family(provider, &event_type);
    let id = id
        .map(Cow::into_owned)
        .or(facts.id.map(|(_, value)| value.to_owned()));
    let timestamp = event_time.or_else(|| header_time(facts));
    Ok(Event {
        provider,
        event_type: event_type.into_owned(),
        family,
        id,
        timestamp,
        typed,
        idempotency_key: OnceLock::new(),
        event_time_text: event_time_text.map(Cow::into_owned),
        data_span: data_member.map(|raw| span(json, raw)),
        data_is_body: envelope.data_field.is_none(),
        body: text.to_owned(),
        decoded,
        raw: OnceLock::new(),
        raw_data: OnceLock::new(),
    })
}

/// The typed data of an envelope event that names a type and has `data`, or why it
/// stays untyped: [`Event::data`] on first use.
pub(crate) fn type_event(event: &Event) -> Typed {
    let data = event.data_text().unwrap_or("null");
    match parse_typed(event.provider, &event.event_type, data) {
        Some(Ok((data, _))) => Typed {
            data,
            untyped: None,
        },
        found => Typed {
            data: EventData::Other(parse_verified(data)),
            untyped: Some(match found {
                Some(Err(detail)) => (UntypedReason::DataMismatch, detail),
                _ => undocumented(&event.event_type),
            }),
        },
    }
}

/// The idempotency key of an envelope event: [`Event::idempotency_key`] on first use.
pub(crate) fn idempotency_key(event: &Event) -> String {
    let typed = event.data();
    idempotency::derive_key(&idempotency::KeyInput {
        provider: event.provider,
        event_type: &event.event_type,
        id: event.id(),
        data: event.data_text().unwrap_or(event.json_text()),
        typed: event.untyped_reason().is_none().then_some(typed),
        event_time: event.event_time_text.as_deref(),
        body: event.body.as_bytes(),
    })
}

/// Why an envelope event that names no type, or has no `data`, is untyped.
fn untyped_without_data(
    provider: Provider,
    event_type: Option<&str>,
    layout: &Layout<'_>,
) -> (UntypedReason, String) {
    match event_type {
        None => (
            UntypedReason::MissingType,
            format!(
                "the body has no `{}` string",
                layout.envelope.type_fields.join("` or `")
            ),
        ),
        Some(event_type)
            if layout.data_required && documented_family(provider, event_type).is_some() =>
        {
            (
                UntypedReason::DataMismatch,
                "the body has no `data` member".to_owned(),
            )
        }
        Some(event_type) => undocumented(event_type),
    }
}

pub(crate) fn undocumented(event_type: &str) -> (UntypedReason, String) {
    (
        UntypedReason::UndocumentedType,
        format!("hookshield has no data type for `{event_type}`"),
    )
}

fn header_time(facts: HeaderFacts<'_>) -> Option<OffsetDateTime> {
    facts
        .timestamp
        .and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok())
        .and_then(event_time)
}

/// An authentic body that is JSON but not an object: an untyped event whose data is the
/// whole body.
fn not_an_object(provider: Provider, text: &str, facts: HeaderFacts<'_>) -> Event {
    let value = text.trim_matches([' ', '\t', '\n', '\r']);
    let event_type = facts.event.map_or("", |(_, value)| value);
    let id = facts.id.map(|(_, value)| value.to_owned());
    let idempotency_key = idempotency::derive_key(&idempotency::KeyInput {
        provider,
        event_type,
        id: id.as_deref(),
        data: value,
        typed: None,
        event_time: None,
        body: text.as_bytes(),
    });
    Event {
        provider,
        event_type: event_type.to_owned(),
        family: family(provider, event_type),
        id,
        timestamp: header_time(facts),
        typed: OnceLock::from(Box::new(Typed {
            data: EventData::Other(parse_verified(value)),
            untyped: Some((
                UntypedReason::NotAnObject,
                format!("the body is {}, not an object", kind_of(value)),
            )),
        })),
        idempotency_key: OnceLock::from(idempotency_key),
        event_time_text: None,
        data_span: Some(span(text, value)),
        data_is_body: false,
        body: text.to_owned(),
        decoded: None,
        raw: OnceLock::new(),
        raw_data: OnceLock::new(),
    }
}

/// The body checked to be JSON, and its top-level members; `None` for JSON that is not
/// an object.
///
/// The check is JSON's grammar, as JavaScript's and Python's parsers read it: a number
/// past an `f64`'s range (`1e400`) is JSON too, read there as infinity.
fn read_members<'a, T>(
    text: &'a str,
    early_member: &str,
    at_member: impl FnMut(&Members<'a>, &'a str) -> Option<(T, usize)>,
) -> Result<Option<(Members<'a>, Option<T>)>, Error> {
    let invalid_json = |e: serde_json::Error| Error::InvalidJson {
        reason: e.to_string(),
    };
    let read = if let Some(read) = Members::read_object_with(text, early_member, at_member) {
        Some(read)
    } else if let Ok(members) = serde_json::from_str::<Members<'_>>(text) {
        Some((members, None))
    } else {
        // Not an object: JSON all the same, or not JSON at all.
        serde_json::from_str::<&RawValue>(text).map_err(invalid_json)?;
        None
    };
    Ok(read)
}

/// Where `raw`, borrowed from `text`, lies in it.
fn span(text: &str, raw: &str) -> Range<usize> {
    let start = raw.as_ptr() as usize - text.as_ptr() as usize;
    start..start + raw.len()
}

/// The documented data of `event_type` from the start of `text`, and its length in bytes,
/// or why it does not match the documented shape; `None` for an undocumented type.
fn parse_typed(
    provider: Provider,
    event_type: &str,
    text: &str,
) -> Option<Result<(EventData, usize), String>> {
    fn wrap<E>(
        parsed: Option<Result<(E, usize), String>>,
        variant: fn(E) -> EventData,
    ) -> Option<Result<(EventData, usize), String>> {
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
        Provider::GitHub
        | Provider::Standard
        | Provider::Stripe
        | Provider::Svix
        | Provider::Slack
        | Provider::Shopify
        | Provider::Paddle
        | Provider::Custom => None,
    }
}

/// The documented family of a documented type.
fn documented_family(provider: Provider, event_type: &str) -> Option<&'static str> {
    match provider {
        Provider::Sentinel => SentinelEvent::family_of(event_type),
        Provider::DocIntell => DocIntellEvent::family_of(event_type),
        Provider::Sentrasa => SentrasaEvent::family_of(event_type),
        Provider::Kyc => KycEvent::family_of(event_type),
        Provider::Sensei => SenseiEvent::family_of(event_type),
        Provider::GitHub
        | Provider::Standard
        | Provider::Stripe
        | Provider::Svix
        | Provider::Slack
        | Provider::Shopify
        | Provider::Paddle
        | Provider::Custom => None,
    }
}

/// The documented family of `event_type`, or else everything before its last `.`.
fn family(provider: Provider, event_type: &str) -> Cow<'static, str> {
    documented_family(provider, event_type).map_or_else(
        || {
            let family = event_type.rsplit_once('.').map_or(event_type, |(f, _)| f);
            Cow::Owned(family.to_owned())
        },
        Cow::Borrowed,
    )
}

/// The raw value at `path`: a member (`type`), or a member of a member (`event.type`).
fn member_at<'a>(members: &Members<'a>, path: &str) -> Option<&'a str> {
    let mut segments = path.split('.');
    let mut raw = members.get(segments.next()?)?;
    for segment in segments {
        raw = serde_json::from_str::<Members<'a>>(raw)
            .ok()?
            .get(segment)?;
    }
    Some(raw)
}

/// The first of `paths` present, if it is a non-empty string.
fn string_member<'a>(members: &Members<'a>, paths: &[String]) -> Option<Text<'a>> {
    let raw = paths.iter().find_map(|path| member_at(members, path))?;
    serde_json::from_str::<Text<'a>>(raw)
        .ok()
        .filter(|Text(value)| !value.is_empty())
}

/// The event time, parsed (where it is an RFC 3339 date-time or a whole number in
/// `unit`) and as sent (the text feeds idempotency keys).
fn read_time<'a>(
    members: &Members<'a>,
    paths: &[String],
    unit: TimestampUnit,
) -> (Option<OffsetDateTime>, Option<Cow<'a, str>>) {
    let Some(raw) = paths
        .iter()
        .find_map(|path| member_at(members, path).filter(|raw| *raw != "null"))
    else {
        return (None, None);
    };
    if let Ok(Text(text)) = serde_json::from_str::<Text<'_>>(raw) {
        return (parse_rfc3339(&text).and_then(event_time), Some(text));
    }
    let parsed = serde_json::from_str::<i64>(raw)
        .ok()
        .and_then(|number| match unit {
            TimestampUnit::Seconds => OffsetDateTime::from_unix_timestamp(number).ok(),
            TimestampUnit::Milliseconds => {
                OffsetDateTime::from_unix_timestamp_nanos(i128::from(number) * 1_000_000).ok()
            }
        })
        .and_then(event_time);
    (parsed, Some(Cow::Borrowed(raw)))
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
