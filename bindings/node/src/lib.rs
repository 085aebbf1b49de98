//! Node.js binding of hookshield: the native layer under the npm package `hookshield`.
//!
//! This crate only translates. Every rule (order of checks, signature schemes, envelopes,
//! idempotency keys, statuses) lives in the `hookshield` core; the JavaScript wrapper
//! (`hookshield.js`) turns this layer's plain values into the package's public API
//! (`Verifier`, `Event`, `VerificationError`, `MemoryStore`, `Router`, ...).
//!
//! Errors reach JavaScript as `Error`s whose `code` is the core's stable error code
//! (`signature_mismatch`, ...); the wrapper re-throws them as `VerificationError`.
//!
//! Requests cross the boundary as cheaply as the measurements in `bench/` allowed: the
//! wrapper hands over only the values of the headers the scheme reads (see
//! [`NativeVerifier::header_names`]); a verified event comes back as its scalar fields
//! packed in one string (see `packed`); and JavaScript builds `raw`/`data` with
//! `JSON.parse` of the verified text, which measured about twice as fast as building the
//! objects here ([`NativeVerifier::verify_with_data`], kept for that benchmark).

// Exported functions take owned arguments: that is how napi converts JavaScript values.
#![allow(clippy::needless_pass_by_value)]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use hookshield::idempotency::DEFAULT_LEASE;
use hookshield::{
    Claimed, Error, ErrorCode, Event, IdempotencyStore, KeyedStore, Outcome, ProcessOptions,
    Provider, Secret, SignOptions, Verifier,
};
use napi::bindgen_prelude::{Either, Uint8Array};
use napi_derive::napi;

/// The `code` a thrown error carries: the core's stable error code.
#[derive(Debug, Clone, Copy)]
pub struct Code(&'static str);

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        self.0
    }
}

type Result<T> = napi::Result<T, Code>;

/// The core's error as a JavaScript error with `code` set.
fn to_js(error: &Error) -> napi::Error<Code> {
    napi::Error::new(Code(error.code().as_str()), error.to_string())
}

fn config(reason: impl Into<String>) -> napi::Error<Code> {
    to_js(&Error::InvalidConfig {
        reason: reason.into(),
    })
}

fn provider(name: &str) -> Result<Provider> {
    name.parse().map_err(|e| to_js(&e))
}

fn secret(value: Either<String, Uint8Array>) -> Secret {
    match value {
        Either::A(text) => Secret::from(text),
        Either::B(bytes) => Secret::from(bytes.to_vec()),
    }
}

/// A whole number of seconds or bytes given as a JavaScript number.
fn whole(name: &str, value: f64) -> Result<u64> {
    if value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value <= 2f64.powi(53) {
        Ok(value as u64)
    } else {
        Err(config(format!(
            "`{name}` must be a whole number >= 0, found {value}"
        )))
    }
}

fn seconds(name: &str, value: Option<f64>, default: Duration) -> Result<Duration> {
    match value {
        None => Ok(default),
        Some(value) if value.is_finite() && value > 0.0 => Ok(Duration::from_secs_f64(value)),
        Some(value) => Err(config(format!(
            "`{name}` must be a number of seconds > 0, found {value}"
        ))),
    }
}

/// A verified event's scalar fields packed in one string, which crosses into JavaScript
/// faster than an object with one property per field (one string to create instead of
/// eight properties; see bench/):
///
/// `{flags}|{len}:{type}|{len}:{family}|{len}:{id}|{len}:{idempotency key}[|{timestamp ms}]`
///
/// `flags`: bit 0 documented, bit 1 `data` is the whole body. `len` is the field's length
/// in UTF-16 code units (JavaScript's `length`), so any text, `|` or `:` included, reads
/// back exactly; an absent id is `-`; the timestamp (Unix milliseconds) is left out when
/// there is none.
fn packed(event: &Event) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(128);
    let flags = u8::from(event.data().is_documented())
        | (u8::from(std::ptr::eq(event.raw_data(), event.raw())) << 1);
    let _ = write!(out, "{flags}");
    for field in [
        Some(event.event_type()),
        Some(event.family()),
        event.id(),
        Some(event.idempotency_key()),
    ] {
        match field {
            Some(text) => {
                let _ = write!(out, "|{}:{text}", text.encode_utf16().count());
            }
            None => out.push_str("|-"),
        }
    }
    if let Some(ms) = event.timestamp_millis() {
        let _ = write!(out, "|{ms}");
    }
    out
}

/// A rejection, returned rather than thrown by `verify`: `!{code}|{message}`. Creating
/// and throwing an error from native code costs several microseconds more than the
/// wrapper throwing its own `VerificationError`, and forged deliveries should be cheap
/// to turn away.
fn packed_error(error: &Error) -> String {
    format!("!{}|{error}", error.code().as_str())
}

/// A verified event with `raw` and `data` built here as JavaScript objects: the
/// alternative to `JSON.parse` in JavaScript that `bench/` measures.
#[napi(object)]
pub struct EventWithData {
    /// The scalar fields, packed as `verify` returns them.
    pub meta: String,
    /// The whole parsed body.
    pub raw: serde_json::Value,
    /// The envelope's `data` (or the whole body).
    pub data: serde_json::Value,
}

/// The header values the wrapper found, named as the scheme names them.
struct Found<'a> {
    pairs: [(&'a str, String); 4],
    len: usize,
}

/// What the headers of a delivery whose signature holds say.
#[napi(object)]
pub struct SignatureInfo {
    /// The timestamp header, as Unix seconds, where the scheme has one.
    pub timestamp: Option<f64>,
    /// The id header's value, where the scheme has one.
    pub id: Option<String>,
    /// The event-type header's value, where the scheme has one.
    pub event: Option<String>,
}

/// Options of the native verifier; every one is optional.
#[napi(object)]
pub struct VerifierOptions {
    /// Replay window in seconds each way.
    pub tolerance: Option<f64>,
    /// Largest body accepted, in bytes.
    pub max_body_bytes: Option<f64>,
    /// Scheme overrides by name (`signature_header`, `encoding`, ...).
    pub overrides: Option<HashMap<String, String>>,
}

fn build(
    provider_name: &str,
    secrets: Vec<Either<String, Uint8Array>>,
    options: VerifierOptions,
) -> Result<Verifier> {
    let mut builder = Verifier::builder(provider(provider_name)?);
    builder = builder.secrets(secrets.into_iter().map(secret));
    if let Some(tolerance) = options.tolerance {
        builder = builder.tolerance(whole("tolerance", tolerance)?);
    }
    if let Some(limit) = options.max_body_bytes {
        builder = builder.max_body_bytes(whole("maxBodyBytes", limit)? as usize);
    }
    let mut overrides: Vec<_> = options.overrides.unwrap_or_default().into_iter().collect();
    overrides.sort(); // deterministic, whatever the object's key order
    for (name, value) in &overrides {
        builder = builder.set(name, value).map_err(|e| to_js(&e))?;
    }
    builder.build().map_err(|e| to_js(&e))
}

/// The core verifier.
#[napi]
pub struct NativeVerifier {
    inner: Verifier,
    names: [Option<String>; 4],
}

#[napi]
impl NativeVerifier {
    /// Builds a verifier; throws `no_secret` or `invalid_config`.
    #[napi(constructor)]
    pub fn new(
        provider: String,
        secrets: Vec<Either<String, Uint8Array>>,
        options: VerifierOptions,
    ) -> Result<Self> {
        let inner = build(&provider, secrets, options)?;
        let scheme = inner.scheme();
        let names = [
            Some(scheme.signature_header.clone()),
            scheme.timestamp_header.clone(),
            scheme.id_header.clone(),
            scheme.event_header.clone(),
        ];
        Ok(NativeVerifier { inner, names })
    }

    /// The headers the scheme reads, lower-cased, in the order `verify` takes their
    /// values: signature, timestamp, id, event (`null` where the scheme has none).
    #[napi(getter)]
    pub fn header_names(&self) -> Vec<Option<String>> {
        self.names
            .iter()
            .map(|name| name.as_ref().map(|n| n.to_ascii_lowercase()))
            .collect()
    }

    /// The provider's preset id.
    #[napi(getter)]
    pub fn provider(&self) -> &'static str {
        self.inner.provider().as_str()
    }

    /// The body size limit in bytes.
    #[napi(getter)]
    pub fn max_body_bytes(&self) -> f64 {
        self.inner.max_body_bytes() as f64
    }

    /// The replay window in seconds.
    #[napi(getter)]
    pub fn tolerance(&self) -> f64 {
        self.inner.tolerance() as f64
    }

    /// The configuration, secrets redacted (the core's `Debug`).
    #[napi]
    pub fn describe(&self) -> String {
        format!("{:?}", self.inner)
    }

    fn found(
        &self,
        signature: Option<String>,
        timestamp: Option<String>,
        id: Option<String>,
        event: Option<String>,
    ) -> Found<'_> {
        let mut pairs: [(&str, String); 4] = Default::default();
        let mut len = 0;
        for (name, value) in self.names.iter().zip([signature, timestamp, id, event]) {
            if let (Some(name), Some(value)) = (name, value) {
                pairs[len] = (name.as_str(), value);
                len += 1;
            }
        }
        Found { pairs, len }
    }

    fn check(
        &self,
        body: &[u8],
        found: &Found<'_>,
        now: Option<f64>,
    ) -> std::result::Result<Event, Error> {
        let headers = &found.pairs[..found.len];
        match now {
            Some(now) => self.inner.verify_at(body, headers, now as i64),
            None => self.inner.verify(body, headers),
        }
    }

    /// Verifies `body` (bytes) given the values of [`NativeVerifier::header_names`]
    /// (`undefined` when absent) and, when the user set a clock, "now" in Unix seconds.
    /// Returns the event's packed fields, or `!{code}|{message}` when the delivery is
    /// rejected (see `packed_error`).
    #[napi]
    pub fn verify(
        &self,
        body: &[u8],
        signature: Option<String>,
        timestamp: Option<String>,
        id: Option<String>,
        event: Option<String>,
        now: Option<f64>,
    ) -> Result<String> {
        let found = self.found(signature, timestamp, id, event);
        Ok(match self.check(body, &found, now) {
            Ok(event) => packed(&event),
            Err(error) => packed_error(&error),
        })
    }

    /// Checks size, headers, signature and the replay window without parsing the body.
    #[napi]
    pub fn verify_signature(
        &self,
        body: Either<&[u8], String>,
        signature: Option<String>,
        timestamp: Option<String>,
        id: Option<String>,
        event: Option<String>,
        now: Option<f64>,
    ) -> Result<SignatureInfo> {
        let found = self.found(signature, timestamp, id, event);
        let body = match &body {
            Either::A(bytes) => bytes,
            Either::B(text) => text.as_bytes(),
        };
        let headers = &found.pairs[..found.len];
        let checked = match now {
            Some(now) => self.inner.verify_signature_at(body, headers, now as i64),
            None => self.inner.verify_signature(body, headers),
        }
        .map_err(|e| to_js(&e))?;
        Ok(SignatureInfo {
            timestamp: checked.timestamp.map(|t| t as f64),
            id: checked.id.map(str::to_owned),
            event: checked.event.map(str::to_owned),
        })
    }

    /// [`NativeVerifier::verify`] for a body given as text (taken as UTF-8).
    #[napi]
    pub fn verify_text(
        &self,
        body: String,
        signature: Option<String>,
        timestamp: Option<String>,
        id: Option<String>,
        event: Option<String>,
        now: Option<f64>,
    ) -> Result<String> {
        self.verify(body.as_bytes(), signature, timestamp, id, event, now)
    }

    /// [`NativeVerifier::verify`], building `raw` and `data` here as JavaScript objects.
    /// Not used by the package: `bench/` compares it with `JSON.parse` in JavaScript.
    #[napi]
    pub fn verify_with_data(
        &self,
        body: &[u8],
        signature: Option<String>,
        timestamp: Option<String>,
        id: Option<String>,
        event: Option<String>,
        now: Option<f64>,
    ) -> Result<EventWithData> {
        let found = self.found(signature, timestamp, id, event);
        let event = self.check(body, &found, now).map_err(|e| to_js(&e))?;
        let meta = packed(&event);
        let data = event.raw_data().clone();
        let (_, raw) = event.into_parts();
        Ok(EventWithData { meta, raw, data })
    }

    /// Verifies and claims the event's idempotency key in `store`: the first step of
    /// `Verifier.process` with an async handler. The returned claim says what to do.
    #[napi]
    #[allow(clippy::too_many_arguments)]
    pub fn claim(
        &self,
        store: &NativeStore,
        body: Either<&[u8], String>,
        signature: Option<String>,
        timestamp: Option<String>,
        id: Option<String>,
        event: Option<String>,
        now: Option<f64>,
        lease_seconds: Option<f64>,
        retention_seconds: Option<f64>,
    ) -> Result<NativeClaim> {
        let mut options =
            ProcessOptions::default().lease(seconds("leaseSeconds", lease_seconds, DEFAULT_LEASE)?);
        if let Some(retention) = retention_seconds {
            options = options.retention(seconds(
                "retentionSeconds",
                Some(retention),
                Duration::ZERO,
            )?);
        }
        let found = self.found(signature, timestamp, id, event);
        let body = match &body {
            Either::A(bytes) => bytes,
            Either::B(text) => text.as_bytes(),
        };
        let state = match self.check(body, &found, now) {
            Err(error) => ClaimInner::Final(Outcome::Rejected(error)),
            Ok(event) => {
                match self
                    .inner
                    .claim_event(event, store.keyed.inner().clone(), options)
                {
                    Ok(claimed) => ClaimInner::Held(claimed),
                    Err(outcome) => ClaimInner::Final(outcome),
                }
            }
        };
        Ok(NativeClaim {
            provider: self.inner.provider(),
            state: Some(state),
        })
    }
}

type SharedStore = Arc<dyn IdempotencyStore>;

enum ClaimInner {
    Held(Claimed<SharedStore>),
    Final(Outcome),
}

/// What a claim found, and (when fresh) the hold to finish once the handler settled.
#[napi]
pub struct NativeClaim {
    provider: Provider,
    state: Option<ClaimInner>,
}

/// A settled delivery, as the wrapper reports it.
#[napi(object)]
pub struct OutcomeInfo {
    /// `processed`, `duplicate`, `in_progress`, `rejected`, `handler_failed`,
    /// `store_unavailable`, or `fresh` while the handler has yet to run.
    pub kind: String,
    /// The HTTP status the provider should get.
    pub status: u32,
    /// The verified event's fields (packed as `verify` returns them), when
    /// verification succeeded.
    pub event: Option<String>,
    /// The error code (verification error code, or `store_unavailable`).
    pub error_code: Option<String>,
    /// The error's message.
    pub error_message: Option<String>,
}

fn info(outcome: &Outcome, provider: Provider) -> OutcomeInfo {
    let (error_code, error_message) = match outcome {
        Outcome::Rejected(error) => (
            Some(error.code().as_str().to_owned()),
            Some(error.to_string()),
        ),
        Outcome::StoreUnavailable { error, .. } => {
            (Some(error.code().to_owned()), Some(error.to_string()))
        }
        Outcome::HandlerFailed { message, .. } => (None, Some(message.clone())),
        _ => (None, None),
    };
    OutcomeInfo {
        kind: outcome.kind().to_owned(),
        status: u32::from(outcome.status(provider)),
        event: outcome.event().map(packed),
        error_code,
        error_message,
    }
}

#[napi]
impl NativeClaim {
    /// The state: `fresh` (run the handler, then `finish`) or the final outcome.
    #[napi]
    pub fn state(&self) -> OutcomeInfo {
        match &self.state {
            Some(ClaimInner::Held(claimed)) => OutcomeInfo {
                kind: "fresh".to_owned(),
                status: 0,
                event: Some(packed(claimed.event())),
                error_code: None,
                error_message: None,
            },
            Some(ClaimInner::Final(outcome)) => info(outcome, self.provider),
            None => OutcomeInfo {
                kind: "finished".to_owned(),
                status: 0,
                event: None,
                error_code: None,
                error_message: None,
            },
        }
    }

    /// Records the handler's result (`undefined` for success, its message for failure):
    /// success completes the claim, failure releases it. Returns the final outcome.
    #[napi]
    pub fn finish(&mut self, failure: Option<String>) -> Result<OutcomeInfo> {
        match self.state.take() {
            Some(ClaimInner::Held(claimed)) => {
                let outcome = claimed.finish(failure.map_or(Ok(()), Err));
                let result = info(&outcome, self.provider);
                self.state = Some(ClaimInner::Final(outcome));
                Ok(result)
            }
            Some(ClaimInner::Final(outcome)) => {
                let result = info(&outcome, self.provider);
                self.state = Some(ClaimInner::Final(outcome));
                Ok(result)
            }
            None => Err(config("claim already finished")),
        }
    }
}

/// The core's bounded in-memory store behind the key-based API.
#[napi]
pub struct NativeStore {
    keyed: Arc<KeyedStore<SharedStore>>,
}

fn store_error(error: &hookshield::StoreError) -> napi::Error<Code> {
    napi::Error::new(Code(error.code()), error.to_string())
}

#[napi]
impl NativeStore {
    /// A store of at most `capacity` keys.
    #[napi(constructor)]
    pub fn new(capacity: f64) -> Result<Self> {
        let capacity = whole("capacity", capacity)?;
        if capacity == 0 {
            return Err(config("`capacity` must be at least 1"));
        }
        let store: SharedStore = Arc::new(hookshield::MemoryStore::new(capacity as usize));
        Ok(NativeStore {
            keyed: Arc::new(KeyedStore::new(store)),
        })
    }

    /// Claims `key`: `fresh`, `in_progress` or `done`.
    #[napi]
    pub fn begin(&self, key: String, lease_seconds: Option<f64>) -> Result<&'static str> {
        let lease = seconds("leaseSeconds", lease_seconds, DEFAULT_LEASE)?;
        self.keyed
            .begin(&key, lease)
            .map(hookshield::ClaimState::as_str)
            .map_err(|e| store_error(&e))
    }

    /// Marks this handle's claim on `key` done for `retention_seconds` (default: the
    /// longest retry horizon of any provider preset).
    #[napi]
    pub fn complete(&self, key: String, retention_seconds: Option<f64>) -> Result<()> {
        let longest = Provider::ALL
            .iter()
            .map(|p| p.default_retention())
            .max()
            .unwrap_or_default();
        let retention = seconds("retentionSeconds", retention_seconds, longest)?;
        self.keyed
            .complete(&key, retention)
            .map_err(|e| store_error(&e))
    }

    /// Releases this handle's claim on `key` so a redelivery is processed.
    #[napi]
    pub fn release(&self, key: String) -> Result<()> {
        self.keyed.release(&key).map_err(|e| store_error(&e))
    }
}

/// Handlers by subscription pattern (`*`, `family.*`, exact); the wrapper keeps the
/// functions and this keeps their indices.
#[napi]
pub struct NativeRouter {
    inner: hookshield::Router<u32>,
}

#[napi]
impl NativeRouter {
    /// An empty router.
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        NativeRouter {
            inner: hookshield::Router::new(),
        }
    }

    /// Registers handler number `index` for `pattern`.
    #[napi]
    pub fn on(&mut self, pattern: String, index: u32) {
        self.inner.on(pattern, index);
    }

    /// The indices of the handlers matching `event_type`, in registration order.
    #[napi]
    pub fn handlers_for(&self, event_type: String) -> Vec<u32> {
        self.inner.handlers_for(&event_type).copied().collect()
    }
}

/// Whether `event_type` matches the subscription `pattern`.
#[napi]
pub fn type_matches(pattern: String, event_type: String) -> bool {
    hookshield::events::type_matches(&pattern, &event_type)
}

/// Options of [`sign`].
#[napi(object)]
pub struct SignOptionsJs {
    /// Unix seconds to sign at (default: now).
    pub timestamp: Option<f64>,
    /// The event or delivery id.
    pub id: Option<String>,
    /// The event type, for schemes with an event header.
    pub event: Option<String>,
    /// Scheme overrides by name, as for a verifier.
    pub overrides: Option<HashMap<String, String>>,
}

/// The headers `provider` would send with `body`, as `[name, value]` pairs.
#[napi]
pub fn sign(
    provider_name: String,
    secret_value: Either<String, Uint8Array>,
    body: Either<&[u8], String>,
    options: Option<SignOptionsJs>,
) -> Result<Vec<Vec<String>>> {
    let provider = provider(&provider_name)?;
    let options = options.unwrap_or(SignOptionsJs {
        timestamp: None,
        id: None,
        event: None,
        overrides: None,
    });
    let secret = secret(secret_value);
    let mut sign_options = SignOptions::default();
    if let Some(timestamp) = options.timestamp {
        if !timestamp.is_finite() {
            return Err(config(format!(
                "`timestamp` must be Unix seconds, found {timestamp}"
            )));
        }
        sign_options.timestamp = Some(timestamp.floor() as i64);
    }
    sign_options.id = options.id;
    sign_options.event = options.event;
    let body = match &body {
        Either::A(bytes) => *bytes,
        Either::B(text) => text.as_bytes(),
    };
    let headers = match options.overrides.filter(|o| !o.is_empty()) {
        None => hookshield::sign(provider, secret, body, &sign_options),
        Some(overrides) => {
            let mut builder = Verifier::builder(provider).secret(secret.clone());
            let mut overrides: Vec<_> = overrides.into_iter().collect();
            overrides.sort();
            for (name, value) in &overrides {
                builder = builder.set(name, value).map_err(|e| to_js(&e))?;
            }
            let verifier = builder.build().map_err(|e| to_js(&e))?;
            hookshield::sign_with(provider, verifier.scheme(), secret, body, &sign_options)
        }
    }
    .map_err(|e| to_js(&e))?;
    Ok(headers
        .into_iter()
        .map(|(name, value)| vec![name, value])
        .collect())
}

/// The sample body of `event_type` for `provider`, or `null`.
#[napi]
pub fn sample(provider_name: String, event_type: String) -> Result<Option<&'static str>> {
    Ok(hookshield::sample(provider(&provider_name)?, &event_type))
}

/// The event types `provider` has samples for.
#[napi]
pub fn sample_types(provider_name: String) -> Result<Vec<&'static str>> {
    Ok(hookshield::sample_types(provider(&provider_name)?))
}

/// The HTTP status for a verification error with this code (the core's
/// `rejection_status`), for errors the wrapper raises itself (a body that is not bytes).
#[napi]
pub fn rejection_status(code: String) -> Result<u32> {
    let code: ErrorCode = code.parse().map_err(|_| config("unknown error code"))?;
    let text = String::new;
    let error = match code {
        ErrorCode::MissingHeader => Error::MissingHeader { name: text() },
        ErrorCode::MalformedSignature => Error::MalformedSignature {
            header: text(),
            expected: text(),
            found: text(),
        },
        ErrorCode::SignatureMismatch => Error::SignatureMismatch {
            header: text(),
            signatures: 0,
            secrets: 0,
        },
        ErrorCode::MissingTimestamp => Error::MissingTimestamp { header: text() },
        ErrorCode::MalformedTimestamp => Error::MalformedTimestamp {
            header: text(),
            found: text(),
        },
        ErrorCode::TimestampTooOld => Error::TimestampTooOld {
            age_seconds: 0,
            tolerance_seconds: 0,
        },
        ErrorCode::TimestampInFuture => Error::TimestampInFuture {
            ahead_seconds: 0,
            tolerance_seconds: 0,
        },
        ErrorCode::BodyTooLarge => Error::BodyTooLarge { size: 0, limit: 0 },
        ErrorCode::InvalidJson => Error::InvalidJson { reason: text() },
        ErrorCode::InvalidEnvelope => Error::InvalidEnvelope { reason: text() },
        ErrorCode::HeaderMismatch => Error::HeaderMismatch {
            header: text(),
            header_value: text(),
            body_value: text(),
        },
        ErrorCode::NoSecret => Error::NoSecret { reason: text() },
        _ => Error::InvalidConfig { reason: text() },
    };
    Ok(u32::from(hookshield::process::rejection_status(&error)))
}

/// The provider preset ids.
#[napi]
pub fn providers() -> Vec<&'static str> {
    Provider::ALL.iter().map(|p| p.as_str()).collect()
}
