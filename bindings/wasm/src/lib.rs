//! The WebAssembly binding of hookshield (`@hookshield/wasm`).
//!
//! This crate only converts types: every rule (signature schemes, replay windows,
//! envelopes, idempotency keys, statuses) lives in the core crate. The exports here are
//! the low-level layer; the JavaScript wrapper in `js/` builds the public API
//! (`Verifier`, `VerificationError`, `sign`, `MemoryStore`, `Router`, `handle`) on them.
//!
//! WebAssembly in a browser or a Worker has no system clock the core could read, so
//! every entry point that needs "now" takes it from the JavaScript side (`Date.now()`),
//! and nothing here ever reads `SystemTime` or `Instant`.

use std::sync::Arc;
use std::time::Duration;

use hookshield::{
    idempotency::DEFAULT_LEASE, Error, ErrorCode, Event, KeyedStore, MemoryStore, OutcomeKind,
    Provider, SchemeHeaderValues, Secret, SignOptions, UntypedReason, Verifier, VerifierBuilder,
};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The host's wall clock in Unix milliseconds.
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    fn date_now() -> f64;
}

/// A core error as the JavaScript wrapper receives it: it rethrows it as a
/// `VerificationError` carrying the same `code` and message.
#[wasm_bindgen]
#[derive(Debug, Clone)]
pub struct RawError {
    code: &'static str,
    kind: &'static str,
    message: String,
}

#[wasm_bindgen]
impl RawError {
    /// The stable contract code, e.g. `signature_mismatch`.
    #[wasm_bindgen(getter)]
    pub fn code(&self) -> String {
        self.code.to_owned()
    }

    /// `signature`, `timestamp`, `payload` or `config`.
    #[wasm_bindgen(getter)]
    pub fn kind(&self) -> String {
        self.kind.to_owned()
    }

    /// The core's message (never a secret, never an expected signature).
    #[wasm_bindgen(getter)]
    pub fn message(&self) -> String {
        self.message.clone()
    }

    /// The HTTP status a delivery rejected with this error earns.
    #[wasm_bindgen(getter)]
    pub fn status(&self) -> u16 {
        self.code
            .parse::<ErrorCode>()
            .map_or(500, ErrorCode::http_status)
    }
}

impl From<Error> for RawError {
    fn from(error: Error) -> Self {
        RawError {
            code: error.code().as_str(),
            kind: match error.kind() {
                hookshield::ErrorKind::Signature => "signature",
                hookshield::ErrorKind::Timestamp => "timestamp",
                hookshield::ErrorKind::Payload => "payload",
                hookshield::ErrorKind::Config => "config",
            },
            message: error.to_string(),
        }
    }
}

fn config_error(message: impl Into<String>) -> RawError {
    Error::InvalidConfig {
        reason: message.into(),
    }
    .into()
}

fn provider(name: &str) -> Result<Provider, RawError> {
    name.parse::<Provider>().map_err(RawError::from)
}

/// A number of seconds or bytes from JavaScript: finite, whole and not negative.
fn whole(name: &str, value: f64) -> Result<u64, RawError> {
    if value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value <= 9_007_199_254_740_991.0
    {
        Ok(value as u64)
    } else {
        Err(config_error(format!(
            "`{name}` must be a whole number of at least 0, found {value}"
        )))
    }
}

/// Unix milliseconds from `Date.now()` as the Unix seconds the core counts in.
fn unix_seconds(now_ms: f64) -> Result<i64, RawError> {
    if now_ms.is_finite() {
        Ok((now_ms / 1000.0).floor() as i64)
    } else {
        Err(config_error(format!(
            "the current time must be a finite number of Unix milliseconds, found {now_ms}"
        )))
    }
}

/// Collects a verifier's settings from JavaScript, then builds it.
#[wasm_bindgen]
pub struct RawVerifierBuilder {
    builder: Option<VerifierBuilder>,
    error: Option<RawError>,
}

#[wasm_bindgen]
impl RawVerifierBuilder {
    /// Starts from `provider`'s preset.
    #[wasm_bindgen(constructor)]
    pub fn new(provider_name: &str) -> Result<RawVerifierBuilder, RawError> {
        Ok(RawVerifierBuilder {
            builder: Some(Verifier::builder(provider(provider_name)?)),
            error: None,
        })
    }

    fn update(&mut self, step: impl FnOnce(VerifierBuilder) -> Result<VerifierBuilder, RawError>) {
        if self.error.is_some() {
            return;
        }
        if let Some(builder) = self.builder.take() {
            match step(builder) {
                Ok(next) => self.builder = Some(next),
                Err(error) => self.error = Some(error),
            }
        }
    }

    /// Adds a secret given as text.
    #[wasm_bindgen(js_name = secretText)]
    pub fn secret_text(&mut self, secret: String) {
        self.update(|b| Ok(b.secret(secret)));
    }

    /// Adds a secret given as raw key bytes.
    #[wasm_bindgen(js_name = secretBytes)]
    pub fn secret_bytes(&mut self, secret: Vec<u8>) {
        self.update(|b| Ok(b.secret(secret)));
    }

    /// The replay window in seconds each way.
    pub fn tolerance(&mut self, seconds: f64) {
        self.update(|b| Ok(b.tolerance(whole("tolerance", seconds)?)));
    }

    /// The body size limit in bytes.
    #[wasm_bindgen(js_name = maxBodyBytes)]
    pub fn max_body_bytes(&mut self, limit: f64) {
        self.update(|b| {
            let limit = usize::try_from(whole("maxBodyBytes", limit)?)
                .map_err(|_| config_error("`maxBodyBytes` is too large"))?;
            Ok(b.max_body_bytes(limit))
        });
    }

    /// An override by its core name (`signature_header`, `encoding`, ...).
    pub fn set(&mut self, name: &str, value: &str) {
        self.update(|b| b.set(name, value).map_err(RawError::from));
    }

    /// Checks the configuration and keys every secret.
    pub fn build(mut self) -> Result<RawVerifier, RawError> {
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        let builder = self
            .builder
            .take()
            .ok_or_else(|| config_error("this builder was already used"))?;
        let inner = builder.build()?;
        let header_names = inner
            .scheme()
            .header_names()
            .map(|name| name.unwrap_or_default().to_owned())
            .to_vec();
        Ok(RawVerifier {
            inner,
            header_names,
        })
    }
}

/// A built verifier.
#[wasm_bindgen]
pub struct RawVerifier {
    inner: Verifier,
    header_names: Vec<String>,
}

#[wasm_bindgen]
impl RawVerifier {
    /// The provider's id.
    #[wasm_bindgen(getter)]
    pub fn provider(&self) -> String {
        self.inner.provider().as_str().to_owned()
    }

    /// The replay window in seconds.
    #[wasm_bindgen(getter)]
    pub fn tolerance(&self) -> f64 {
        self.inner.tolerance() as f64
    }

    /// The body size limit in bytes.
    #[wasm_bindgen(getter, js_name = maxBodyBytes)]
    pub fn max_body_bytes(&self) -> f64 {
        self.inner.max_body_bytes() as f64
    }

    /// The names of the headers the scheme reads: signature, timestamp, id, event
    /// (an empty string where the scheme has no such header). The wrapper looks these
    /// up in whatever headers object it was given.
    #[wasm_bindgen(getter, js_name = headerNames)]
    pub fn header_names(&self) -> Vec<String> {
        self.header_names.clone()
    }

    /// Verifies a delivery at `now_ms` (Unix milliseconds) and answers the event's
    /// metadata as JSON; the wrapper parses the body itself when `raw`/`data` are read.
    /// `horizon_ms`: the replay horizon (the retention of the store the event will be
    /// claimed in); absent, the verifier's.
    #[allow(clippy::too_many_arguments)]
    pub fn verify(
        &self,
        body: &[u8],
        signature: Option<String>,
        timestamp: Option<String>,
        id: Option<String>,
        event: Option<String>,
        now_ms: f64,
        horizon_ms: Option<f64>,
    ) -> Result<String, RawError> {
        let headers = self.headers([signature, timestamp, id, event]);
        let horizon = match horizon_ms {
            Some(ms) => Some(millis("retentionSeconds", ms)?),
            None => self.inner.replay_horizon(),
        };
        let event = self
            .inner
            .verify_within_at(body, &headers, unix_seconds(now_ms)?, horizon)?;
        Ok(event_meta(&event))
    }

    /// Checks size, headers, signature and the replay window without parsing the body;
    /// answers `{timestamp, id, event}` as JSON.
    #[wasm_bindgen(js_name = verifySignature)]
    pub fn verify_signature(
        &self,
        body: &[u8],
        signature: Option<String>,
        timestamp: Option<String>,
        id: Option<String>,
        event: Option<String>,
        now_ms: f64,
    ) -> Result<String, RawError> {
        let headers = self.headers([signature, timestamp, id, event]);
        let check = self
            .inner
            .verify_signature_at(body, &headers, unix_seconds(now_ms)?)?;
        let check = CheckMeta {
            timestamp: check.timestamp,
            id: check.id,
            event: check.event,
        };
        Ok(serde_json::to_string(&check).unwrap_or_default())
    }

    /// The configuration, without any secret.
    #[wasm_bindgen(js_name = describe)]
    pub fn describe(&self) -> String {
        format!("{:?}", self.inner)
    }

    /// Signs `body` under this verifier's scheme (overrides included) with `secret`.
    #[wasm_bindgen(js_name = signWith)]
    pub fn sign_with(
        &self,
        secret_text: Option<String>,
        secret_bytes: Option<Vec<u8>>,
        body: &[u8],
        timestamp: f64,
        id: Option<String>,
        event: Option<String>,
    ) -> Result<Vec<String>, RawError> {
        sign_under(
            self.inner.provider(),
            self.inner.scheme(),
            secret(secret_text, secret_bytes)?,
            body,
            timestamp,
            id,
            event,
        )
    }

    fn headers(&self, values: [Option<String>; 4]) -> SchemeHeaderValues<'_, String> {
        SchemeHeaderValues::new(self.inner.scheme(), values)
    }
}

/// What a signature check found, serialised as JSON.
#[derive(serde::Serialize)]
struct CheckMeta<'a> {
    timestamp: Option<i64>,
    id: Option<&'a str>,
    event: Option<&'a str>,
}

/// An event's scalar members, serialised as JSON in one crossing of the boundary.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct EventMeta<'a> {
    provider: &'a str,
    #[serde(rename = "type")]
    event_type: &'a str,
    family: &'a str,
    id: Option<&'a str>,
    timestamp_ms: Option<i64>,
    idempotency_key: &'a str,
    documented: bool,
    /// Whether `data` is the whole body (senders without an envelope) or its `data`.
    data_is_body: bool,
    /// Where the text of `data` lies in the body text, as `[start, end]` string indices
    /// (UTF-16), so the wrapper parses just that part; `null` where there is none.
    data_range: Option<[usize; 2]>,
    /// The JSON text of the delivery where it is not the body (a form-encoded GitHub
    /// delivery's decoded `payload`); `null` when it is the body.
    json_text: Option<&'a str>,
    /// Why `data` is untyped (`undocumented_type`, `data_mismatch`, `missing_type`,
    /// `not_an_object`), or `null` when it is typed.
    untyped_reason: Option<&'static str>,
    /// What the core found, in words, or `null` when typed.
    untyped_detail: Option<&'a str>,
}

/// An event's scalar members as JSON (a struct, not a `Value`: no map to build).
fn event_meta(event: &Event) -> String {
    let meta = EventMeta {
        provider: event.provider().as_str(),
        event_type: event.event_type(),
        family: event.family(),
        id: event.id(),
        timestamp_ms: event.timestamp_millis(),
        idempotency_key: event.idempotency_key(),
        documented: event.data().is_documented(),
        data_is_body: event.data_is_body(),
        data_range: event
            .data_text_utf16_range()
            .map(|range| [range.start, range.end]),
        json_text: Some(event.json_text()).filter(|text| !std::ptr::eq(*text, event.body())),
        untyped_reason: event.untyped_reason().map(UntypedReason::as_str),
        untyped_detail: event.untyped_detail(),
    };
    // Serialising borrowed strings, integers and booleans cannot fail.
    serde_json::to_string(&meta).unwrap_or_default()
}

fn secret(text: Option<String>, bytes: Option<Vec<u8>>) -> Result<Secret, RawError> {
    match (text, bytes) {
        (Some(text), None) => Ok(Secret::from(text)),
        (None, Some(bytes)) => Ok(Secret::from(bytes)),
        _ => Err(Error::NoSecret {
            reason: "a secret (a string or bytes) is required".into(),
        }
        .into()),
    }
}

fn sign_under(
    provider: Provider,
    scheme: &hookshield::Scheme,
    secret: Secret,
    body: &[u8],
    timestamp: f64,
    id: Option<String>,
    event: Option<String>,
) -> Result<Vec<String>, RawError> {
    if !timestamp.is_finite() || timestamp.fract() != 0.0 {
        return Err(config_error(format!(
            "`timestamp` must be whole Unix seconds, found {timestamp}"
        )));
    }
    let mut options = SignOptions::at(timestamp as i64);
    if let Some(id) = id {
        options = options.id(id);
    }
    if let Some(event) = event {
        options = options.event(event);
    }
    let headers = hookshield::sign_with(provider, scheme, secret, body, &options)?;
    Ok(headers
        .into_iter()
        .flat_map(|(name, value)| [name, value])
        .collect())
}

/// The headers `provider` would send with `body`, as `[name, value, name, value, ...]`.
#[wasm_bindgen]
pub fn sign(
    provider_name: &str,
    secret_text: Option<String>,
    secret_bytes: Option<Vec<u8>>,
    body: &[u8],
    timestamp: f64,
    id: Option<String>,
    event: Option<String>,
) -> Result<Vec<String>, RawError> {
    let provider = provider(provider_name)?;
    sign_under(
        provider,
        &provider.scheme(),
        secret(secret_text, secret_bytes)?,
        body,
        timestamp,
        id,
        event,
    )
}

/// The sample body of a documented event type with its event time stamped `now_ms`
/// (Unix milliseconds: the core cannot read a clock here), if there is one.
#[wasm_bindgen]
pub fn sample(
    provider_name: &str,
    event_type: &str,
    now_ms: f64,
) -> Result<Option<String>, RawError> {
    Ok(hookshield::sample_at(
        provider(provider_name)?,
        event_type,
        unix_seconds(now_ms)?,
    ))
}

/// The event types `provider` has samples for.
#[wasm_bindgen(js_name = sampleTypes)]
pub fn sample_types(provider_name: &str) -> Result<Vec<String>, RawError> {
    Ok(hookshield::sample_types(provider(provider_name)?)
        .into_iter()
        .map(str::to_owned)
        .collect())
}

/// Every provider id.
#[wasm_bindgen]
pub fn providers() -> Vec<String> {
    Provider::ALL
        .iter()
        .map(|p| p.as_str().to_owned())
        .collect()
}

/// Every error code, in the contract's order.
#[wasm_bindgen(js_name = errorCodes)]
pub fn error_codes() -> Vec<String> {
    ErrorCode::ALL
        .iter()
        .map(|c| c.as_str().to_owned())
        .collect()
}

/// The override names the verifier options accept.
#[wasm_bindgen]
pub fn overrides() -> Vec<String> {
    hookshield::OVERRIDES
        .iter()
        .map(|&name| name.to_owned())
        .collect()
}

/// Whether `event_type` matches a subscription pattern (`*`, `family.*`, exact).
#[wasm_bindgen(js_name = typeMatches)]
pub fn type_matches(pattern: &str, event_type: &str) -> bool {
    hookshield::events::type_matches(pattern, event_type)
}

/// How long a processed key is remembered by default for `provider`, in milliseconds.
#[wasm_bindgen(js_name = defaultRetentionMs)]
pub fn default_retention_ms(provider_name: &str) -> Result<f64, RawError> {
    Ok(provider(provider_name)?.default_retention().as_millis() as f64)
}

/// How long a claim holds by default, in milliseconds.
#[wasm_bindgen(js_name = defaultLeaseMs)]
pub fn default_lease_ms() -> f64 {
    DEFAULT_LEASE.as_millis() as f64
}

/// The HTTP status a delivery rejected with `code` should get.
#[wasm_bindgen(js_name = rejectionStatus)]
pub fn rejection_status_of(code: &str) -> Result<u16, RawError> {
    let code = code
        .parse::<ErrorCode>()
        .map_err(|e| config_error(e.to_string()))?;
    Ok(code.http_status())
}

/// The HTTP status `provider` should get for an outcome: `processed`, `duplicate`,
/// `in_progress`, `handler_failed`, `store_unavailable`, or `rejected` with the error's
/// `code`.
#[wasm_bindgen(js_name = outcomeStatus)]
#[allow(clippy::needless_pass_by_value)] // wasm-bindgen passes strings from JS by value
pub fn outcome_status(
    kind: &str,
    provider_name: &str,
    code: Option<String>,
) -> Result<u16, RawError> {
    let provider = provider(provider_name)?;
    Ok(OutcomeKind::parse(kind, code.as_deref())?.status(provider))
}

/// The in-memory idempotency store, addressed by key, timed by the host's `Date.now()`.
#[wasm_bindgen]
pub struct RawMemoryStore {
    inner: KeyedStore<MemoryStore>,
}

fn millis(name: &str, value: f64) -> Result<Duration, RawError> {
    Ok(Duration::from_millis(whole(name, value)?))
}

#[wasm_bindgen]
impl RawMemoryStore {
    /// A store of at most `capacity` keys.
    #[wasm_bindgen(constructor)]
    pub fn new(capacity: f64) -> Result<RawMemoryStore, RawError> {
        let capacity = usize::try_from(whole("capacity", capacity)?)
            .map_err(|_| config_error("`capacity` is too large"))?;
        let clock = Arc::new(|| {
            let now = date_now();
            if now.is_finite() && now > 0.0 {
                now as u64
            } else {
                0
            }
        });
        Ok(RawMemoryStore {
            inner: KeyedStore::new(MemoryStore::with_clock(capacity, clock)),
        })
    }

    /// Claims `key` for `lease_ms` (default: the core's lease): `fresh`, `in_progress`
    /// or `done`.
    pub fn begin(&self, key: &str, lease_ms: Option<f64>) -> Result<String, RawError> {
        let lease = lease_ms.map_or(Ok(DEFAULT_LEASE), |ms| millis("leaseSeconds", ms))?;
        let state = self.inner.begin(key, lease).map_err(|e| store_error(&e))?;
        Ok(state.as_str().to_owned())
    }

    /// Marks this handle's claim on `key` done for `retention_ms` (default: the longest
    /// retention of any provider preset, so no provider's retry is processed twice).
    pub fn complete(&self, key: &str, retention_ms: Option<f64>) -> Result<(), RawError> {
        let retention = match retention_ms {
            Some(ms) => millis("retentionSeconds", ms)?,
            None => Provider::ALL
                .iter()
                .map(|p| p.default_retention())
                .max()
                .unwrap_or(DEFAULT_LEASE),
        };
        self.inner
            .complete(key, retention)
            .map_err(|e| store_error(&e))
    }

    /// Releases this handle's claim on `key`.
    pub fn release(&self, key: &str) -> Result<(), RawError> {
        self.inner.release(key).map_err(|e| store_error(&e))
    }

    /// How many keys it remembers now.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.inner.inner().len()
    }

    /// The most keys it keeps.
    #[wasm_bindgen(getter)]
    pub fn capacity(&self) -> usize {
        self.inner.inner().capacity()
    }
}

fn store_error(error: &hookshield::StoreError) -> RawError {
    RawError {
        code: error.code(),
        kind: "store",
        message: error.to_string(),
    }
}
