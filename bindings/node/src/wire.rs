//! What the Rust backends hand the shared JavaScript layer (`bindings/node/lib/`), and
//! how they ask the core: one source compiled into both backends (the napi addon here, and
//! `bindings/wasm/src/lib.rs`, which includes this file by path), so that both npm
//! packages build verifiers, validate options, pack events and answer deliveries the same
//! way. Every rule is the core's; this file only converts.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use hookshield::idempotency::DEFAULT_LEASE;
use hookshield::{
    options, Error, ErrorCode, Event, Outcome, OutcomeKind, Provider, SchemeHeaderValues, Secret,
    SignOptions, StoreError, UntypedReason, Verifier,
};

/// The core's `invalid_config` error with `reason`.
pub(crate) fn config(reason: impl Into<String>) -> Error {
    Error::InvalidConfig {
        reason: reason.into(),
    }
}

/// The message of the core's `store_unavailable` error for `reason`.
pub(crate) fn store_message(reason: String) -> String {
    StoreError::Unavailable { reason }.to_string()
}

/// The provider named `name` (`invalid_config` naming the known ones otherwise).
pub(crate) fn provider(name: &str) -> Result<Provider, Error> {
    name.parse()
}

/// Unix seconds from the JavaScript layer (which always passes "now": WebAssembly has no
/// clock, and one source of time keeps both backends alike).
pub(crate) fn unix_seconds(now: f64) -> Result<i64, Error> {
    if now.is_finite() {
        Ok(now.floor() as i64)
    } else {
        Err(config(format!(
            "now must be finite Unix seconds, found {now}"
        )))
    }
}

/// A verifier: `provider`'s preset, `secrets`, the options the JavaScript layer passes
/// (validated by the core's `options`), and scheme overrides as `[name, value, ...]`.
pub(crate) fn verifier(
    provider_name: &str,
    secrets: impl IntoIterator<Item = Secret>,
    tolerance: Option<f64>,
    max_body_bytes: Option<f64>,
    overrides: &[String],
) -> Result<Verifier, Error> {
    let mut builder = Verifier::builder(provider(provider_name)?).secrets(secrets);
    if let Some(seconds) = tolerance {
        builder = builder.tolerance(options::tolerance(seconds)?);
    }
    if let Some(bytes) = max_body_bytes {
        builder = builder.max_body_bytes(options::max_body_bytes(bytes)?);
    }
    for pair in overrides.chunks(2) {
        if let [name, value] = pair {
            builder = builder.set(name, value)?;
        }
    }
    builder.build()
}

/// The values the JavaScript layer found for the scheme's headers (in the order of
/// `Scheme::header_names`: the signature first), as the core reads them.
pub(crate) fn headers(
    verifier: &Verifier,
    values: [Option<String>; 4],
) -> SchemeHeaderValues<'_, String> {
    SchemeHeaderValues::new(verifier.scheme(), values)
}

/// The names of the headers `verifier` reads, lower-cased, in the order the JavaScript
/// layer passes their values: the signature first, then the timestamp, id, fallback id
/// and event headers the scheme has ('' after them).
pub(crate) fn header_names(verifier: &Verifier) -> Vec<String> {
    verifier
        .scheme()
        .header_names()
        .iter()
        .map(|name| name.unwrap_or_default().to_ascii_lowercase())
        .collect()
}

/// Verifies with the verifier's own replay horizon: the event's packed fields without
/// its details (flags `?{number}`: see [`details`]), or the packed rejection. The event
/// is kept in `recent` under that number.
pub(crate) fn verify(
    verifier: &Verifier,
    recent: &Recent,
    body: &[u8],
    values: [Option<String>; 4],
    now: f64,
) -> String {
    let result =
        unix_seconds(now).and_then(|now| verifier.verify_at(body, &headers(verifier, values), now));
    match result {
        Ok(event) => {
            let number = recent.next.fetch_add(1, Ordering::Relaxed);
            let packed = pack(&event, Some(number));
            *recent.kept.lock().unwrap_or_else(PoisonError::into_inner) = Some((number, event));
            packed
        }
        Err(error) => packed_error(&error),
    }
}

/// The event a verifier's [`verify`] returned last, under its number: a JavaScript
/// `Event` asks for its details, if at all, mostly before the next delivery.
#[derive(Default)]
pub(crate) struct Recent {
    next: AtomicU32,
    kept: Mutex<Option<(u32, Event)>>,
}

/// The details of event `number`, which [`verify`] returned without them, for the
/// JavaScript layer's first read of one (whether `data` is typed, the key, why `data` is
/// untyped): `{flags}|{idempotency key}|{untyped reason}|{untyped detail}`, fields as in
/// [`packed`]. The core works them out from the event kept in `recent`, or, where another
/// has taken its place, from the same inputs verified again (the same "now": the same
/// event), so that `verify` hands JavaScript no native object to collect.
pub(crate) fn details(
    verifier: &Verifier,
    recent: &Recent,
    number: u32,
    body: &[u8],
    values: [Option<String>; 4],
    now: f64,
) -> String {
    let kept = {
        let mut kept = recent.kept.lock().unwrap_or_else(PoisonError::into_inner);
        match kept.take() {
            Some((kept_number, event)) if kept_number == number => Some(event),
            other => {
                *kept = other;
                None
            }
        }
    };
    let event = match kept.map_or_else(
        || {
            unix_seconds(now)
                .and_then(|now| verifier.verify_at(body, &headers(verifier, values), now))
        },
        Ok,
    ) {
        Ok(event) => event,
        Err(error) => return packed_error(&error),
    };
    let mut out = String::with_capacity(96);
    out.push(char::from(b'0' + u8::from(event.data().is_documented())));
    for field in [
        Some(event.idempotency_key()),
        event.untyped_reason().map(UntypedReason::as_str),
        event.untyped_detail(),
    ] {
        out.push('|');
        push_field(&mut out, field);
    }
    out
}

/// Checks size, headers, signature and the replay window only: `[timestamp, id, event]`
/// as text ('' where absent).
pub(crate) fn verify_signature(
    verifier: &Verifier,
    body: &[u8],
    values: [Option<String>; 4],
    now: f64,
) -> Result<Vec<String>, Error> {
    let headers = headers(verifier, values);
    let check = verifier.verify_signature_at(body, &headers, unix_seconds(now)?)?;
    Ok(vec![
        check.timestamp.map(|t| t.to_string()).unwrap_or_default(),
        check.id.unwrap_or_default().to_owned(),
        check.event.unwrap_or_default().to_owned(),
    ])
}

/// A verified event's scalar fields packed in one string, which crosses into JavaScript
/// faster than an object with one property per field (one string to create instead of
/// ten properties; see bindings/node/bench/); `lib/event.js` reads it:
///
/// `{flags}|{type}|{family}|{id}|{idempotency key}|{untyped reason}|{untyped detail}|{data}|{timestamp ms}[|{json text}]`
///
/// `flags`: bit 0 documented; `?{number}` where the details (documented, the key, the
/// untyped reason and detail, then all `-`) are left for [`details`] to work out on
/// first read.
/// Each text field is `{len}:{text}`, `len` being its length in UTF-16 code units
/// (JavaScript's `length`), so any text, `|` or `:` included, reads back exactly; or `-`
/// for none. `{data}` says where the text of `data` is: `*` the whole JSON text
/// (GitHub), `{start},{end}` a part of the body text (UTF-16 indices, for `JSON.parse`
/// of just that slice), `={len}:{text}` the text itself where it is not part of the
/// body, `-` none. `{timestamp ms}` is Unix milliseconds or `-`. `{json text}`, to the
/// end, is there only when the JSON text of the delivery is not the body (the decoded
/// `payload` of a form-encoded GitHub delivery).
pub(crate) fn packed(event: &Event) -> String {
    pack(event, None)
}

/// [`packed`]: with the details (which make the core type `data` and derive the key), or
/// without them, as event `number`.
fn pack(event: &Event, number: Option<u32>) -> String {
    let mut out = String::with_capacity(160);
    let (key, reason, detail) = if let Some(number) = number {
        out.push('?');
        push_number(&mut out, number);
        (None, None, None)
    } else {
        out.push(char::from(b'0' + u8::from(event.data().is_documented())));
        (
            Some(event.idempotency_key()),
            event.untyped_reason().map(UntypedReason::as_str),
            event.untyped_detail(),
        )
    };
    for field in [
        Some(event.event_type()),
        Some(event.family()),
        event.id(),
        key,
        reason,
        detail,
    ] {
        out.push('|');
        push_field(&mut out, field);
    }
    out.push('|');
    if event.data_is_body() {
        out.push('*');
    } else if let Some(range) = event.data_text_utf16_range() {
        push_number(&mut out, range.start);
        out.push(',');
        push_number(&mut out, range.end);
    } else if let Some(text) = event.data_text() {
        out.push('=');
        push_field(&mut out, Some(text));
    } else {
        out.push('-');
    }
    out.push('|');
    match event.timestamp_millis() {
        Some(ms) => push_number(&mut out, ms),
        None => out.push('-'),
    }
    let json = event.json_text();
    if !std::ptr::eq(json, event.body()) {
        out.push('|');
        out.push_str(json);
    }
    out
}

/// `number` in decimal (`itoa`: the packed fields hold up to ten numbers, and
/// `core::fmt` costs several times as much per number).
fn push_number(out: &mut String, number: impl itoa::Integer) {
    out.push_str(itoa::Buffer::new().format(number));
}

/// `{len}:{text}` (`len` in UTF-16 code units), or `-` for none.
fn push_field(out: &mut String, field: Option<&str>) {
    let Some(text) = field else {
        out.push('-');
        return;
    };
    let utf16_len = if text.is_ascii() {
        text.len()
    } else {
        text.encode_utf16().count()
    };
    push_number(out, utf16_len);
    out.push(':');
    out.push_str(text);
}

/// A rejection, returned rather than thrown: `!{code}|{message}`. Throwing from native
/// code costs several microseconds more than the JavaScript layer throwing its own
/// `VerificationError`, and forged deliveries should be cheap to turn away.
pub(crate) fn packed_error(error: &Error) -> String {
    format!("!{}|{error}", error.code().as_str())
}

/// One delivery on its way through `process`: verified (or refused) here, claimed and
/// handled by the JavaScript layer (whose stores and handlers may be asynchronous), then
/// answered here, by the core's `Outcome`.
pub(crate) struct Delivery {
    provider: Provider,
    result: Option<Result<Event, Error>>,
    lease: Duration,
    retention: Duration,
}

impl Delivery {
    /// Validates the lease and retention (defaults: the core's lease and the verifier's
    /// replay horizon), then verifies with the retention as the replay horizon, so that a
    /// replay is either remembered by the store or refused.
    pub(crate) fn verify(
        verifier: &Verifier,
        body: &[u8],
        values: [Option<String>; 4],
        now: f64,
        lease: Option<f64>,
        retention: Option<f64>,
    ) -> Self {
        let provider = verifier.provider();
        let default_retention = verifier
            .replay_horizon()
            .unwrap_or_else(|| provider.default_retention());
        let settings = lease
            .map_or(Ok(DEFAULT_LEASE), options::lease)
            .and_then(|lease| {
                Ok((
                    lease,
                    retention.map_or(Ok(default_retention), options::retention)?,
                ))
            });
        let (lease, retention, result) = match settings {
            Ok((lease, retention)) => {
                let result = unix_seconds(now).and_then(|now| {
                    verifier.verify_within_at(
                        body,
                        &headers(verifier, values),
                        now,
                        Some(retention),
                    )
                });
                (lease, retention, result)
            }
            Err(error) => (DEFAULT_LEASE, default_retention, Err(error)),
        };
        Delivery {
            provider,
            result: Some(result),
            lease,
            retention,
        }
    }

    /// A body over `verifier`'s limit, refused before the core saw it: `declared` is its
    /// declared length; without one it was cut off while read, past the limit, and its
    /// size is given as the limit plus one (what is known of it).
    pub(crate) fn too_large(verifier: &Verifier, declared: Option<f64>) -> Self {
        let limit = verifier.max_body_bytes() as f64;
        let declared = declared
            .filter(|size| size.is_finite() && *size > limit)
            .map(|size| size as u64);
        // A declared length over the limit, or (`None`) a body cut off past it: refused.
        let Err(error) = verifier.check_body_size(declared) else {
            unreachable!("both are over the limit")
        };
        Self::refused(verifier, error)
    }

    /// A delivery the receiver could not hand over (a body that is not bytes, one another
    /// middleware consumed): `invalid_config` for `reason`.
    pub(crate) fn misconfigured(verifier: &Verifier, reason: String) -> Self {
        Self::refused(verifier, config(reason))
    }

    fn refused(verifier: &Verifier, error: Error) -> Self {
        Delivery {
            provider: verifier.provider(),
            result: Some(Err(error)),
            lease: DEFAULT_LEASE,
            retention: verifier
                .replay_horizon()
                .unwrap_or_else(|| verifier.provider().default_retention()),
        }
    }

    /// The event's packed fields, or the packed rejection.
    pub(crate) fn packed(&self) -> String {
        match &self.result {
            Some(Ok(event)) => packed(event),
            Some(Err(error)) => packed_error(error),
            None => packed_error(&config("this delivery was already answered")),
        }
    }

    /// The lease to claim the key for, in seconds.
    pub(crate) fn lease(&self) -> f64 {
        self.lease.as_secs_f64()
    }

    /// How long to remember the key once processed, in seconds.
    pub(crate) fn retention(&self) -> f64 {
        self.retention.as_secs_f64()
    }

    /// The answer for what became of the delivery: `kind` (`processed`, `duplicate`,
    /// `in_progress`, `handler_failed`, `store_unavailable`; a refused delivery is
    /// `rejected` whatever the kind), with the handler's or the store's `message`:
    /// `{status}|{1 if acknowledged, else 0}|{JSON body}`, all from the core's `Outcome`.
    pub(crate) fn settle(&mut self, kind: &str, message: Option<String>) -> Result<String, Error> {
        let event = match self.result.take() {
            Some(Ok(event)) => Box::new(event),
            Some(Err(error)) => return Ok(answer(&Outcome::Rejected(error), self.provider)),
            None => return Err(config("this delivery was already answered")),
        };
        let message = message.unwrap_or_default();
        let outcome = match kind {
            "processed" => Outcome::Processed(event),
            "duplicate" => Outcome::Duplicate(event),
            "in_progress" => Outcome::InProgress(event),
            "handler_failed" => Outcome::HandlerFailed {
                event: Some(event),
                message,
            },
            "store_unavailable" => Outcome::StoreUnavailable {
                event,
                error: StoreError::Unavailable { reason: message },
            },
            other => return Err(config(format!("unknown outcome {other:?}"))),
        };
        Ok(answer(&outcome, self.provider))
    }
}

/// The core's answer for `outcome`: `{status}|{1 if acknowledged, else 0}|{JSON body}`.
pub(crate) fn answer(outcome: &Outcome, provider: Provider) -> String {
    let answer = outcome.answer(provider);
    format!(
        "{}|{}|{}",
        answer.status,
        u8::from(outcome.is_acknowledged()),
        answer.body
    )
}

/// The HTTP status for a rejection with `code` (the core's), or for `store_unavailable`;
/// `None` for a code the core does not know.
pub(crate) fn error_status(code: &str) -> Option<u16> {
    if code == "store_unavailable" {
        // The same for every provider: no provider ends its retries at a 5xx.
        return Some(OutcomeKind::StoreUnavailable.status(Provider::Custom));
    }
    code.parse::<ErrorCode>().ok().map(ErrorCode::http_status)
}

/// The headers `verifier`'s scheme (overrides included) sends with `body` signed with
/// `secret`, as `[name, value, ...]`.
pub(crate) fn sign(
    verifier: &Verifier,
    secret: Secret,
    body: &[u8],
    timestamp: f64,
    id: Option<String>,
    event: Option<String>,
) -> Result<Vec<String>, Error> {
    let mut options = SignOptions::at(unix_seconds(timestamp)?);
    if let Some(id) = id {
        options = options.id(id);
    }
    if let Some(event) = event {
        options = options.event(event);
    }
    let headers = hookshield::sign_with(
        verifier.provider(),
        verifier.scheme(),
        secret,
        body,
        &options,
    )?;
    Ok(headers
        .into_iter()
        .flat_map(|(name, value)| [name, value])
        .collect())
}

/// The sample body of `event_type`, its event time stamped `now` (Unix seconds).
pub(crate) fn sample(
    provider_name: &str,
    event_type: &str,
    now: f64,
) -> Result<Option<String>, Error> {
    Ok(hookshield::sample_at(
        provider(provider_name)?,
        event_type,
        unix_seconds(now)?,
    ))
}

/// A store's lease: the core's check, or its default.
pub(crate) fn store_lease(seconds: Option<f64>) -> Result<Duration, Error> {
    seconds.map_or(Ok(DEFAULT_LEASE), options::lease)
}

/// A store's retention: the core's check, or, as a store does not know the provider,
/// the longest default retention of any.
pub(crate) fn store_retention(seconds: Option<f64>) -> Result<Duration, Error> {
    seconds.map_or_else(
        || Ok(Provider::longest_default_retention()),
        options::retention,
    )
}
