//! Node.js binding of hookshield: the native layer under the npm package `hookshield`.
//!
//! This crate only translates. Every rule (order of checks, signature schemes, envelopes,
//! idempotency keys, statuses) lives in the `hookshield` core; the JavaScript wrapper
//! (`hookshield.js`) turns this layer's plain values into the package's public API
//! (`Verifier`, `Event`, `VerificationError`, `MemoryStore`, `Router`, ...).
//!
//! Stores: [`NativeStore`] wraps the core's `MemoryStore` or, for several receivers, its
//! `RedisStore` (feature `redis`). Redis calls do I/O, so they run as napi async work on
//! libuv's thread pool ([`StoreTask`], [`ClaimTask`]) and JavaScript gets promises; the
//! event loop never waits on Redis.
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
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use hookshield::idempotency::DEFAULT_LEASE;
use hookshield::{
    Claimed, Error, ErrorCode, Event, IdempotencyStore, KeyedStore, Outcome, ProcessOptions,
    Provider, SchemeHeaderValues, Secret, SignOptions, UntypedReason, Verifier,
};
use napi::bindgen_prelude::{AsyncTask, Either, Uint8Array};
use napi::{Env, Task};
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
/// ten properties; see bench/):
///
/// `{flags}|{type}|{family}|{id}|{idempotency key}|{untyped reason}|{untyped detail}|{data}|{timestamp ms}[|{json text}]`
///
/// `flags`: bit 0 documented. Each text field is `{len}:{text}`, `len` being its length
/// in UTF-16 code units (JavaScript's `length`), so any text, `|` or `:` included, reads
/// back exactly; or `-` for none. `{data}` says where the text of `data` is: `*` the
/// whole JSON text (GitHub), `{start},{end}` a part of the body text (UTF-16 indices,
/// for `JSON.parse` of just that slice), `={len}:{text}` the text itself where it is not
/// part of the body, `-` none. `{timestamp ms}` is Unix milliseconds or `-`. `{json
/// text}`, to the end, is there only when the JSON text of the delivery is not the body
/// (the decoded `payload` of a form-encoded GitHub delivery).
fn packed(event: &Event) -> String {
    fn push_number(out: &mut String, number: impl std::fmt::Display) {
        use std::fmt::Write as _;
        let _ = write!(out, "{number}");
    }
    fn utf16_len(text: &str) -> usize {
        if text.is_ascii() {
            text.len()
        } else {
            text.encode_utf16().count()
        }
    }
    fn push_text(out: &mut String, text: &str) {
        push_number(out, utf16_len(text));
        out.push(':');
        out.push_str(text);
    }
    let mut out = String::with_capacity(160);
    out.push(char::from(b'0' + u8::from(event.data().is_documented())));
    for field in [
        Some(event.event_type()),
        Some(event.family()),
        event.id(),
        Some(event.idempotency_key()),
        event.untyped_reason().map(UntypedReason::as_str),
        event.untyped_detail(),
    ] {
        out.push('|');
        match field {
            Some(text) => push_text(&mut out, text),
            None => out.push('-'),
        }
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
        push_text(&mut out, text);
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
    inner: Arc<Verifier>,
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
        Ok(NativeVerifier {
            inner: Arc::new(inner),
        })
    }

    /// The headers the scheme reads, lower-cased, in the order `verify` takes their
    /// values: signature, timestamp, id, event (`null` where the scheme has none).
    #[napi(getter)]
    pub fn header_names(&self) -> Vec<Option<String>> {
        self.inner
            .scheme()
            .header_names()
            .iter()
            .map(|name| name.map(str::to_ascii_lowercase))
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

    /// The header values the wrapper found, in the order of `header_names`.
    fn found(
        &self,
        signature: Option<String>,
        timestamp: Option<String>,
        id: Option<String>,
        event: Option<String>,
    ) -> SchemeHeaderValues<'_, String> {
        SchemeHeaderValues::new(self.inner.scheme(), [signature, timestamp, id, event])
    }

    /// Verifies with the replay horizon `horizon` (the verifier's, or the retention of
    /// the store the event is claimed in).
    fn check(
        &self,
        body: &[u8],
        headers: &SchemeHeaderValues<'_, String>,
        now: Option<f64>,
        horizon: Option<Duration>,
    ) -> std::result::Result<Event, Error> {
        match now {
            Some(now) => self
                .inner
                .verify_within_at(body, headers, now as i64, horizon),
            None => self.inner.verify_within(body, headers, horizon),
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
        Ok(
            match self.check(body, &found, now, self.inner.replay_horizon()) {
                Ok(event) => packed(&event),
                Err(error) => packed_error(&error),
            },
        )
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
        let headers = &found;
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
        let event = self
            .check(body, &found, now, self.inner.replay_horizon())
            .map_err(|e| to_js(&e))?;
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
        let store_handle = store.keyed.inner().clone();
        // The retention is the replay horizon: a replay is either remembered or refused.
        let horizon = options.retention.or(self.inner.replay_horizon());
        let state = match self.check(body, &found, now, horizon) {
            Err(error) => ClaimInner::Final(Outcome::Rejected(error)),
            // A store doing I/O is claimed off the JavaScript thread (`begin_async`).
            Ok(event) if store.blocking => ClaimInner::Pending {
                event,
                store: store_handle,
                options,
            },
            Ok(event) => claim_now(&self.inner, event, store_handle, options),
        };
        Ok(NativeClaim {
            provider: self.inner.provider(),
            verifier: Arc::clone(&self.inner),
            state: Arc::new(Mutex::new(Some(state))),
        })
    }
}

fn claim_now(
    verifier: &Verifier,
    event: Event,
    store: SharedStore,
    options: ProcessOptions,
) -> ClaimInner {
    match verifier.claim_event(event, store, options) {
        Ok(claimed) => ClaimInner::Held(claimed),
        Err(outcome) => ClaimInner::Final(outcome),
    }
}

type SharedStore = Arc<dyn IdempotencyStore>;

enum ClaimInner {
    /// Verified; the key is still to be claimed in a store doing I/O.
    Pending {
        event: Event,
        store: SharedStore,
        options: ProcessOptions,
    },
    Held(Claimed<SharedStore>),
    Final(Outcome),
}

type ClaimSlot = Arc<Mutex<Option<ClaimInner>>>;

fn lock(slot: &ClaimSlot) -> std::sync::MutexGuard<'_, Option<ClaimInner>> {
    slot.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What a claim found, and (when fresh) the hold to finish once the handler settled.
#[napi]
pub struct NativeClaim {
    provider: Provider,
    verifier: Arc<Verifier>,
    state: ClaimSlot,
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
    /// The state: `pending` (a store doing I/O: claim with `beginAsync`), `fresh` (run
    /// the handler, then `finish`) or the final outcome.
    #[napi]
    pub fn state(&self) -> OutcomeInfo {
        state_of(lock(&self.state).as_ref(), self.provider)
    }

    /// Claims a pending delivery's key on a worker thread (the store does I/O); resolves
    /// to the new state, as `state` reports it.
    #[napi(ts_return_type = "Promise<OutcomeInfo>")]
    pub fn begin_async(&self) -> AsyncTask<ClaimTask> {
        AsyncTask::new(ClaimTask {
            step: Step::Begin,
            verifier: Arc::clone(&self.verifier),
            provider: self.provider,
            state: Arc::clone(&self.state),
        })
    }

    /// [`NativeClaim::finish`] on a worker thread (the store does I/O).
    #[napi(ts_return_type = "Promise<OutcomeInfo>")]
    pub fn finish_async(&self, failure: Option<String>) -> AsyncTask<ClaimTask> {
        AsyncTask::new(ClaimTask {
            step: Step::Finish(failure),
            verifier: Arc::clone(&self.verifier),
            provider: self.provider,
            state: Arc::clone(&self.state),
        })
    }

    /// Records the handler's result (`undefined` for success, its message for failure):
    /// success completes the claim, failure releases it. Returns the final outcome.
    #[napi]
    pub fn finish(&self, failure: Option<String>) -> Result<OutcomeInfo> {
        finish_claim(&self.state, self.provider, failure)
            .ok_or_else(|| config("claim already finished, or not claimed yet"))
    }
}

fn state_of(state: Option<&ClaimInner>, provider: Provider) -> OutcomeInfo {
    match state {
        Some(ClaimInner::Pending { event, .. }) => OutcomeInfo {
            kind: "pending".to_owned(),
            status: 0,
            event: Some(packed(event)),
            error_code: None,
            error_message: None,
        },
        Some(ClaimInner::Held(claimed)) => OutcomeInfo {
            kind: "fresh".to_owned(),
            status: 0,
            event: Some(packed(claimed.event())),
            error_code: None,
            error_message: None,
        },
        Some(ClaimInner::Final(outcome)) => info(outcome, provider),
        None => OutcomeInfo {
            kind: "finished".to_owned(),
            status: 0,
            event: None,
            error_code: None,
            error_message: None,
        },
    }
}

/// Finishes a held claim (or repeats a final outcome); `None` when there is nothing to
/// finish (still pending, or taken by a task in flight).
fn finish_claim(
    slot: &ClaimSlot,
    provider: Provider,
    failure: Option<String>,
) -> Option<OutcomeInfo> {
    let mut state = lock(slot);
    match state.take() {
        Some(ClaimInner::Held(claimed)) => {
            // The store call runs with the lock held: one claim is finished once.
            let outcome = claimed.finish(failure.map_or(Ok(()), Err));
            let result = info(&outcome, provider);
            *state = Some(ClaimInner::Final(outcome));
            Some(result)
        }
        Some(ClaimInner::Final(outcome)) => {
            let result = info(&outcome, provider);
            *state = Some(ClaimInner::Final(outcome));
            Some(result)
        }
        other => {
            *state = other;
            None
        }
    }
}

/// Which step of a claim a [`ClaimTask`] runs.
#[derive(Debug)]
pub enum Step {
    /// Claim the pending delivery's key.
    Begin,
    /// Record the handler's result (its failure message, or `None` for success).
    Finish(Option<String>),
}

/// A claim's store call, run on libuv's thread pool so the event loop never waits on
/// the store's I/O.
pub struct ClaimTask {
    step: Step,
    verifier: Arc<Verifier>,
    provider: Provider,
    state: ClaimSlot,
}

impl Task for ClaimTask {
    type Output = OutcomeInfo;
    type JsValue = OutcomeInfo;

    fn compute(&mut self) -> napi::Result<OutcomeInfo> {
        match std::mem::replace(&mut self.step, Step::Begin) {
            Step::Begin => {
                let mut state = lock(&self.state);
                if let Some(ClaimInner::Pending {
                    event,
                    store,
                    options,
                }) = state.take()
                {
                    *state = Some(claim_now(&self.verifier, event, store, options));
                }
                Ok(state_of(state.as_ref(), self.provider))
            }
            Step::Finish(failure) => finish_claim(&self.state, self.provider, failure)
                .ok_or_else(|| napi::Error::from_reason("claim not held: nothing to finish")),
        }
    }

    fn resolve(&mut self, _env: Env, output: OutcomeInfo) -> napi::Result<OutcomeInfo> {
        Ok(output)
    }
}

/// An idempotency store behind the key-based API: the core's bounded in-memory store,
/// or its Redis store (whose calls do I/O, so the wrapper makes them with the `*_async`
/// methods, on libuv's thread pool).
#[napi]
pub struct NativeStore {
    keyed: Arc<KeyedStore<SharedStore>>,
    blocking: bool,
    description: String,
}

/// A store call's answer, from a worker thread: `state` (`begin`), or the error.
#[napi(object)]
pub struct StoreAnswer {
    /// `fresh`, `in_progress` or `done`, for `begin`.
    pub state: Option<String>,
    /// The error's code (`store_unavailable`), when the call failed.
    pub error_code: Option<String>,
    /// The error's message (never the URL or a password).
    pub error_message: Option<String>,
}

/// What a [`StoreTask`] does.
#[derive(Debug)]
pub enum StoreCall {
    /// Claim the key for the lease.
    Begin(String, Duration),
    /// Complete this handle's claim, remembered for the retention.
    Complete(String, Duration),
    /// Release this handle's claim.
    Release(String),
}

/// A store call run on libuv's thread pool.
pub struct StoreTask {
    keyed: Arc<KeyedStore<SharedStore>>,
    call: Option<StoreCall>,
}

impl Task for StoreTask {
    type Output = StoreAnswer;
    type JsValue = StoreAnswer;

    fn compute(&mut self) -> napi::Result<StoreAnswer> {
        let result = match self.call.take() {
            Some(StoreCall::Begin(key, lease)) => self
                .keyed
                .begin(&key, lease)
                .map(|state| Some(state.as_str().to_owned())),
            Some(StoreCall::Complete(key, retention)) => {
                self.keyed.complete(&key, retention).map(|()| None)
            }
            Some(StoreCall::Release(key)) => self.keyed.release(&key).map(|()| None),
            None => Ok(None),
        };
        Ok(match result {
            Ok(state) => StoreAnswer {
                state,
                error_code: None,
                error_message: None,
            },
            Err(error) => StoreAnswer {
                state: None,
                error_code: Some(error.code().to_owned()),
                error_message: Some(error.to_string()),
            },
        })
    }

    fn resolve(&mut self, _env: Env, output: StoreAnswer) -> napi::Result<StoreAnswer> {
        Ok(output)
    }
}

fn longest_retention() -> Duration {
    Provider::ALL
        .iter()
        .map(|p| p.default_retention())
        .max()
        .unwrap_or_default()
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
        let memory = hookshield::MemoryStore::new(capacity as usize);
        let description = format!("MemoryStore {{ capacity: {capacity} }}");
        let store: SharedStore = Arc::new(memory);
        Ok(NativeStore {
            keyed: Arc::new(KeyedStore::new(store)),
            blocking: false,
            description,
        })
    }

    /// The core's Redis store at `url` (which may hold a password: it never appears in
    /// an error or in `describe`). Connects lazily: the first call reports an
    /// unreachable server. Throws `store_unavailable` for a URL that cannot be parsed.
    #[napi(factory)]
    pub fn redis(
        url: String,
        prefix: Option<String>,
        timeout_seconds: Option<f64>,
    ) -> Result<Self> {
        let timeout = seconds(
            "timeout",
            timeout_seconds,
            hookshield::idempotency::DEFAULT_TIMEOUT,
        )?;
        let mut redis = hookshield::idempotency::RedisStore::open(&url)
            .map_err(|e| store_error(&e))?
            .with_timeout(timeout);
        if let Some(prefix) = prefix {
            redis = redis.with_prefix(prefix);
        }
        let description = format!("{redis:?}");
        let store: SharedStore = Arc::new(redis);
        Ok(NativeStore {
            keyed: Arc::new(KeyedStore::new(store)),
            blocking: true,
            description,
        })
    }

    /// Whether the store does I/O, so that its calls must go through the `*_async`
    /// methods (the Redis store).
    #[napi(getter)]
    pub fn blocking(&self) -> bool {
        self.blocking
    }

    /// The store's configuration, without the URL's password (the core's `Debug`).
    #[napi]
    pub fn describe(&self) -> String {
        self.description.clone()
    }

    /// [`NativeStore::begin`] on a worker thread.
    #[napi(ts_return_type = "Promise<StoreAnswer>")]
    pub fn begin_async(
        &self,
        key: String,
        lease_seconds: Option<f64>,
    ) -> Result<AsyncTask<StoreTask>> {
        let lease = seconds("leaseSeconds", lease_seconds, DEFAULT_LEASE)?;
        Ok(self.task(StoreCall::Begin(key, lease)))
    }

    /// [`NativeStore::complete`] on a worker thread.
    #[napi(ts_return_type = "Promise<StoreAnswer>")]
    pub fn complete_async(
        &self,
        key: String,
        retention_seconds: Option<f64>,
    ) -> Result<AsyncTask<StoreTask>> {
        let retention = seconds("retentionSeconds", retention_seconds, longest_retention())?;
        Ok(self.task(StoreCall::Complete(key, retention)))
    }

    /// [`NativeStore::release`] on a worker thread.
    #[napi(ts_return_type = "Promise<StoreAnswer>")]
    pub fn release_async(&self, key: String) -> AsyncTask<StoreTask> {
        self.task(StoreCall::Release(key))
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
    /// longest default retention of any provider preset: its retry horizon plus a day).
    #[napi]
    pub fn complete(&self, key: String, retention_seconds: Option<f64>) -> Result<()> {
        let retention = seconds("retentionSeconds", retention_seconds, longest_retention())?;
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

impl NativeStore {
    fn task(&self, call: StoreCall) -> AsyncTask<StoreTask> {
        AsyncTask::new(StoreTask {
            keyed: Arc::clone(&self.keyed),
            call: Some(call),
        })
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

/// The sample body of `event_type` for `provider`, or `null`, its event time stamped
/// `now` (Unix seconds; default: the system clock's now).
#[napi]
pub fn sample(
    provider_name: String,
    event_type: String,
    now: Option<f64>,
) -> Result<Option<String>> {
    let provider = provider(&provider_name)?;
    Ok(match now {
        Some(now) if now.is_finite() => hookshield::sample_at(provider, &event_type, now as i64),
        Some(now) => return Err(config(format!("`now` must be Unix seconds, found {now}"))),
        None => hookshield::sample(provider, &event_type),
    })
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
