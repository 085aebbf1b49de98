//! The WebAssembly binding of hookshield (`@hookshield/wasm`).
//!
//! This crate only converts types: every rule (signature schemes, replay windows,
//! envelopes, idempotency keys, option limits, statuses and answers) lives in the core
//! crate. The exports here are the backend of the JavaScript layer both npm packages
//! share (`bindings/node/lib/`; `js/backend.js` adapts these exports to it), with the
//! same classes and methods as the napi addon's; what both backends hand that layer is
//! one source, `bindings/node/src/wire.rs`, included below.
//!
//! WebAssembly in a browser or a Worker has no system clock the core could read, so
//! every entry point that needs "now" takes it from the JavaScript side (`Date.now()`),
//! and nothing here ever reads `SystemTime` or `Instant`.

// wasm-bindgen passes strings and vectors from JavaScript by value.
#![allow(clippy::needless_pass_by_value)]

use std::sync::Arc;

use hookshield::{Error, ErrorCode, KeyedStore, MemoryStore, Provider, Secret, StoreError};
use wasm_bindgen::prelude::*;

#[path = "../../node/src/wire.rs"]
mod wire;

#[wasm_bindgen]
extern "C" {
    /// The host's wall clock in Unix milliseconds.
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    fn date_now() -> f64;
}

/// A core error as the JavaScript layer receives it: it rethrows it as a
/// `VerificationError` carrying the same `code` and message.
#[wasm_bindgen]
#[derive(Debug, Clone)]
pub struct RawError {
    code: &'static str,
    message: String,
}

#[wasm_bindgen]
impl RawError {
    /// The stable code, e.g. `signature_mismatch`.
    #[wasm_bindgen(getter)]
    pub fn code(&self) -> String {
        self.code.to_owned()
    }

    /// The core's message (never a secret, never an expected signature).
    #[wasm_bindgen(getter)]
    pub fn message(&self) -> String {
        self.message.clone()
    }
}

impl From<Error> for RawError {
    fn from(error: Error) -> Self {
        RawError {
            code: error.code().as_str(),
            message: error.to_string(),
        }
    }
}

impl From<StoreError> for RawError {
    fn from(error: StoreError) -> Self {
        RawError {
            code: error.code(),
            message: error.to_string(),
        }
    }
}

/// Collects a verifier's secrets (text or bytes: one call each), then builds it.
#[wasm_bindgen]
#[derive(Default)]
pub struct RawVerifierBuilder {
    secrets: Vec<Secret>,
}

#[wasm_bindgen]
impl RawVerifierBuilder {
    /// No secrets yet.
    #[wasm_bindgen(constructor)]
    pub fn new() -> RawVerifierBuilder {
        RawVerifierBuilder::default()
    }

    /// Adds a secret given as text.
    #[wasm_bindgen(js_name = secretText)]
    pub fn secret_text(&mut self, secret: String) {
        self.secrets.push(Secret::from(secret));
    }

    /// Adds a secret given as raw key bytes.
    #[wasm_bindgen(js_name = secretBytes)]
    pub fn secret_bytes(&mut self, secret: Vec<u8>) {
        self.secrets.push(Secret::from(secret));
    }

    /// Builds `provider`'s verifier with the secrets, the replay window and body limit
    /// (checked by the core), and scheme overrides as `[name, value, ...]`.
    pub fn build(
        self,
        provider: &str,
        tolerance: Option<f64>,
        max_body_bytes: Option<f64>,
        overrides: Vec<String>,
    ) -> Result<RawVerifier, RawError> {
        let inner = wire::verifier(
            provider,
            self.secrets,
            tolerance,
            max_body_bytes,
            &overrides,
        )?;
        let names = wire::header_names(&inner);
        Ok(RawVerifier {
            inner,
            names,
            recent: wire::Recent::default(),
        })
    }
}

/// A built verifier: the napi addon's `NativeVerifier`, method for method.
#[wasm_bindgen]
pub struct RawVerifier {
    inner: hookshield::Verifier,
    names: Vec<String>,
    recent: wire::Recent,
}

#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
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

    /// The headers the scheme reads, lower-cased: the signature first, then the timestamp,
    /// id, fallback id and event headers the scheme has ('' after them).
    #[wasm_bindgen(getter, js_name = headerNames)]
    pub fn header_names(&self) -> Vec<String> {
        self.names.clone()
    }

    /// The configuration, without any secret.
    pub fn describe(&self) -> String {
        format!("{:?}", self.inner)
    }

    /// Verifies at `now` (Unix seconds): the event's packed fields without the details
    /// (see [`RawVerifier::details`]), or `!{code}|{message}`.
    pub fn verify(
        &self,
        body: &[u8],
        signature: Option<String>,
        timestamp: Option<String>,
        id: Option<String>,
        event: Option<String>,
        now: f64,
    ) -> String {
        wire::verify(
            &self.inner,
            &self.recent,
            body,
            [signature, timestamp, id, event],
            now,
        )
    }

    /// [`RawVerifier::verify`] for a body given as text (taken as UTF-8).
    #[wasm_bindgen(js_name = verifyText)]
    pub fn verify_text(
        &self,
        body: &str,
        signature: Option<String>,
        timestamp: Option<String>,
        id: Option<String>,
        event: Option<String>,
        now: f64,
    ) -> String {
        wire::verify(
            &self.inner,
            &self.recent,
            body.as_bytes(),
            [signature, timestamp, id, event],
            now,
        )
    }

    /// The details of event `number`, which [`RawVerifier::verify`] returned without
    /// them, given the same arguments: `{flags}|{key}|{untyped reason}|{untyped detail}`.
    pub fn details(
        &self,
        number: u32,
        body: &[u8],
        signature: Option<String>,
        timestamp: Option<String>,
        id: Option<String>,
        event: Option<String>,
        now: f64,
    ) -> String {
        let values = [signature, timestamp, id, event];
        wire::details(&self.inner, &self.recent, number, body, values, now)
    }

    /// [`RawVerifier::details`] for a body given as text (taken as UTF-8).
    #[wasm_bindgen(js_name = detailsText)]
    pub fn details_text(
        &self,
        number: u32,
        body: &str,
        signature: Option<String>,
        timestamp: Option<String>,
        id: Option<String>,
        event: Option<String>,
        now: f64,
    ) -> String {
        let values = [signature, timestamp, id, event];
        wire::details(
            &self.inner,
            &self.recent,
            number,
            body.as_bytes(),
            values,
            now,
        )
    }

    /// Checks size, headers, signature and the replay window without parsing the body:
    /// `[timestamp, id, event]` ('' where absent).
    #[wasm_bindgen(js_name = verifySignature)]
    pub fn verify_signature(
        &self,
        body: &[u8],
        signature: Option<String>,
        timestamp: Option<String>,
        id: Option<String>,
        event: Option<String>,
        now: f64,
    ) -> Result<Vec<String>, RawError> {
        Ok(wire::verify_signature(
            &self.inner,
            body,
            [signature, timestamp, id, event],
            now,
        )?)
    }

    /// Starts a delivery through `process` (lease and retention checked, the retention
    /// as the replay horizon).
    pub fn deliver(
        &self,
        body: &[u8],
        signature: Option<String>,
        timestamp: Option<String>,
        id: Option<String>,
        event: Option<String>,
        now: f64,
        lease_seconds: Option<f64>,
        retention_seconds: Option<f64>,
    ) -> RawDelivery {
        let values = [signature, timestamp, id, event];
        RawDelivery {
            inner: wire::Delivery::verify(
                &self.inner,
                body,
                values,
                now,
                lease_seconds,
                retention_seconds,
            ),
        }
    }

    /// [`RawVerifier::deliver`] for a body given as text (taken as UTF-8).
    #[wasm_bindgen(js_name = deliverText)]
    pub fn deliver_text(
        &self,
        body: &str,
        signature: Option<String>,
        timestamp: Option<String>,
        id: Option<String>,
        event: Option<String>,
        now: f64,
        lease_seconds: Option<f64>,
        retention_seconds: Option<f64>,
    ) -> RawDelivery {
        self.deliver(
            body.as_bytes(),
            signature,
            timestamp,
            id,
            event,
            now,
            lease_seconds,
            retention_seconds,
        )
    }

    /// A body over the limit, refused unverified: `declared` is its Content-Length;
    /// without one it was cut off while read.
    #[wasm_bindgen(js_name = tooLarge)]
    pub fn too_large(&self, declared: Option<f64>) -> RawDelivery {
        RawDelivery {
            inner: wire::Delivery::too_large(&self.inner, declared),
        }
    }

    /// A delivery the receiver could not hand over, refused as `invalid_config`.
    pub fn misconfigured(&self, reason: String) -> RawDelivery {
        RawDelivery {
            inner: wire::Delivery::misconfigured(&self.inner, reason),
        }
    }

    /// The headers this verifier's scheme (overrides included) sends with `body` signed
    /// with the secret given as text or bytes, at `timestamp` (Unix seconds).
    pub fn sign(
        &self,
        secret_text: Option<String>,
        secret_bytes: Option<Vec<u8>>,
        body: &[u8],
        timestamp: f64,
        id: Option<String>,
        event: Option<String>,
    ) -> Result<Vec<String>, RawError> {
        let secret = match (secret_text, secret_bytes) {
            (Some(text), _) => Secret::from(text),
            (None, Some(bytes)) => Secret::from(bytes),
            (None, None) => Secret::from(String::new()),
        };
        Ok(wire::sign(&self.inner, secret, body, timestamp, id, event)?)
    }
}

/// One delivery through `process`: the napi addon's `NativeDelivery`.
#[wasm_bindgen]
pub struct RawDelivery {
    inner: wire::Delivery,
}

#[wasm_bindgen]
impl RawDelivery {
    /// The event's packed fields, or `!{code}|{message}` when it was refused.
    #[wasm_bindgen(getter)]
    pub fn packed(&self) -> String {
        self.inner.packed()
    }

    /// The lease to claim the key for, in seconds.
    #[wasm_bindgen(getter)]
    pub fn lease(&self) -> f64 {
        self.inner.lease()
    }

    /// How long to remember the key once processed, in seconds.
    #[wasm_bindgen(getter)]
    pub fn retention(&self) -> f64 {
        self.inner.retention()
    }

    /// The answer for what became of the delivery: `{status}|{acknowledged 1/0}|{JSON body}`.
    pub fn settle(&mut self, kind: &str, message: Option<String>) -> Result<String, RawError> {
        Ok(self.inner.settle(kind, message)?)
    }
}

/// The core's bounded in-memory store by key, timed by the host's `Date.now()`: the napi
/// addon's `NativeMemoryStore`.
#[wasm_bindgen]
pub struct RawMemoryStore {
    keyed: KeyedStore<MemoryStore>,
}

#[wasm_bindgen]
impl RawMemoryStore {
    /// A store of at most `capacity` keys (checked by the core; absent, the core's
    /// default).
    #[wasm_bindgen(constructor)]
    pub fn new(capacity: Option<f64>) -> Result<RawMemoryStore, RawError> {
        let capacity = capacity.map_or(
            Ok(MemoryStore::DEFAULT_CAPACITY),
            hookshield::options::capacity,
        )?;
        let clock = Arc::new(|| {
            let now = date_now();
            if now.is_finite() && now > 0.0 {
                now as u64
            } else {
                0
            }
        });
        Ok(RawMemoryStore {
            keyed: KeyedStore::new(MemoryStore::with_clock(capacity, clock)),
        })
    }

    /// Claims `key` for `lease_seconds` (default: the core's lease): `fresh`,
    /// `in_progress` or `done`.
    pub fn begin(&self, key: &str, lease_seconds: Option<f64>) -> Result<String, RawError> {
        let state = self.keyed.begin(key, wire::store_lease(lease_seconds)?)?;
        Ok(state.as_str().to_owned())
    }

    /// Marks this handle's claim on `key` done for `retention_seconds` (default: the
    /// longest default retention of any provider).
    pub fn complete(&self, key: &str, retention_seconds: Option<f64>) -> Result<(), RawError> {
        Ok(self
            .keyed
            .complete(key, wire::store_retention(retention_seconds)?)?)
    }

    /// Releases this handle's claim on `key`.
    pub fn release(&self, key: &str) -> Result<(), RawError> {
        Ok(self.keyed.release(key)?)
    }

    /// How many keys it remembers now.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> f64 {
        self.keyed.inner().len() as f64
    }

    /// The most keys it keeps.
    #[wasm_bindgen(getter)]
    pub fn capacity(&self) -> f64 {
        self.keyed.inner().capacity() as f64
    }

    /// The store, as the core describes it.
    pub fn describe(&self) -> String {
        format!("{:?}", self.keyed.inner())
    }
}

/// The sample body of `event_type`, its event time stamped `now` (Unix seconds).
#[wasm_bindgen]
pub fn sample(provider: &str, event_type: &str, now: f64) -> Result<Option<String>, RawError> {
    Ok(wire::sample(provider, event_type, now)?)
}

/// The event types `provider` has samples for.
#[wasm_bindgen(js_name = sampleTypes)]
pub fn sample_types(provider: &str) -> Result<Vec<String>, RawError> {
    let provider = wire::provider(provider)?;
    Ok(hookshield::sample_types(provider)
        .into_iter()
        .map(str::to_owned)
        .collect())
}

/// The provider preset ids.
#[wasm_bindgen]
pub fn providers() -> Vec<String> {
    Provider::ALL
        .iter()
        .map(|p| p.as_str().to_owned())
        .collect()
}

/// Every verification error code, in the contract's order.
#[wasm_bindgen(js_name = errorCodes)]
pub fn error_codes() -> Vec<String> {
    ErrorCode::ALL
        .iter()
        .map(|c| c.as_str().to_owned())
        .collect()
}

/// The HTTP status for a rejection with `code` (or for `store_unavailable`); `undefined`
/// for a code the core does not know.
#[wasm_bindgen(js_name = errorStatus)]
pub fn error_status(code: &str) -> Option<u16> {
    wire::error_status(code)
}

/// The message of the core's `invalid_config` error for `reason`.
#[wasm_bindgen(js_name = configMessage)]
pub fn config_message(reason: String) -> String {
    wire::config(reason).to_string()
}

/// The message of the core's `store_unavailable` error for `reason`.
#[wasm_bindgen(js_name = storeMessage)]
pub fn store_message(reason: String) -> String {
    wire::store_message(reason)
}

/// Whether `event_type` matches a subscription pattern (`*`, `family.*` or `family/*`, exact).
#[wasm_bindgen(js_name = typeMatches)]
pub fn type_matches(pattern: &str, event_type: &str) -> bool {
    hookshield::events::type_matches(pattern, event_type)
}
