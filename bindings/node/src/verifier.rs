//! The core verifier, and one delivery on its way through `process`.
//!
//! Requests cross the boundary as cheaply as the measurements in `bench/` allowed: the
//! JavaScript layer hands over only the values of the headers the scheme reads (see
//! [`NativeVerifier::header_names`]), and a verified event comes back as its scalar
//! fields packed in one string (`wire::packed`), from which JavaScript builds `raw` and
//! `data` with `JSON.parse` of the verified text.

// Exported functions take owned arguments: that is how napi converts JavaScript values.
#![allow(clippy::needless_pass_by_value, clippy::too_many_arguments)]

use hookshield::Verifier;
use napi::bindgen_prelude::{Either, Uint8Array};
use napi_derive::napi;

use crate::{secret, to_js, wire, Result};

/// The core verifier.
#[napi]
pub struct NativeVerifier {
    inner: Verifier,
    names: Vec<String>,
    recent: wire::Recent,
}

#[napi]
impl NativeVerifier {
    /// Builds a verifier: `provider`'s preset with `secrets`, the replay window and body
    /// limit (checked by the core), and scheme overrides as `[name, value, ...]`. Throws
    /// `no_secret` or `invalid_config`.
    #[napi(constructor)]
    pub fn new(
        provider: String,
        secrets: Vec<Either<String, Uint8Array>>,
        tolerance: Option<f64>,
        max_body_bytes: Option<f64>,
        overrides: Vec<String>,
    ) -> Result<Self> {
        let secrets = secrets.into_iter().map(secret);
        let inner = wire::verifier(&provider, secrets, tolerance, max_body_bytes, &overrides)
            .map_err(|e| to_js(&e))?;
        let names = wire::header_names(&inner);
        Ok(NativeVerifier {
            inner,
            names,
            recent: wire::Recent::default(),
        })
    }

    /// The headers the scheme reads, lower-cased, in the order the verify methods take
    /// their values: the signature first, then the timestamp, id, fallback id and event
    /// headers the scheme has ('' after them; the parameters are named for the usual case).
    #[napi(getter)]
    pub fn header_names(&self) -> Vec<String> {
        self.names.clone()
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

    /// Verifies `body` (bytes) given the values of [`NativeVerifier::header_names`]
    /// (`undefined` when absent) at `now` (Unix seconds). Returns the event's packed
    /// fields without the details (see [`NativeVerifier::details`]), or
    /// `!{code}|{message}` when the delivery is rejected.
    #[napi]
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

    /// [`NativeVerifier::verify`] for a body given as text (taken as UTF-8).
    #[napi]
    pub fn verify_text(
        &self,
        body: String,
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

    /// The details of event `number`, which [`NativeVerifier::verify`] returned without
    /// them, given the same arguments: `{flags}|{key}|{untyped reason}|{untyped detail}`
    /// (see `wire::details`).
    #[napi]
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

    /// [`NativeVerifier::details`] for a body given as text (taken as UTF-8).
    #[napi]
    pub fn details_text(
        &self,
        number: u32,
        body: String,
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
    #[napi]
    pub fn verify_signature(
        &self,
        body: &[u8],
        signature: Option<String>,
        timestamp: Option<String>,
        id: Option<String>,
        event: Option<String>,
        now: f64,
    ) -> Result<Vec<String>> {
        wire::verify_signature(&self.inner, body, [signature, timestamp, id, event], now)
            .map_err(|e| to_js(&e))
    }

    /// Starts a delivery through `process`: checks the lease and retention, and verifies
    /// with the retention as the replay horizon.
    #[napi]
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
    ) -> NativeDelivery {
        let values = [signature, timestamp, id, event];
        NativeDelivery {
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

    /// [`NativeVerifier::deliver`] for a body given as text (taken as UTF-8).
    #[napi]
    pub fn deliver_text(
        &self,
        body: String,
        signature: Option<String>,
        timestamp: Option<String>,
        id: Option<String>,
        event: Option<String>,
        now: f64,
        lease_seconds: Option<f64>,
        retention_seconds: Option<f64>,
    ) -> NativeDelivery {
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
    #[napi]
    pub fn too_large(&self, declared: Option<f64>) -> NativeDelivery {
        NativeDelivery {
            inner: wire::Delivery::too_large(&self.inner, declared),
        }
    }

    /// A delivery the receiver could not hand over, refused as `invalid_config`.
    #[napi]
    pub fn misconfigured(&self, reason: String) -> NativeDelivery {
        NativeDelivery {
            inner: wire::Delivery::misconfigured(&self.inner, reason),
        }
    }

    /// The headers this verifier's scheme (overrides included) sends with `body` signed
    /// with the secret given as text or bytes, at `timestamp` (Unix seconds), as
    /// `[name, value, ...]`.
    #[napi]
    pub fn sign(
        &self,
        secret_text: Option<String>,
        secret_bytes: Option<Uint8Array>,
        body: &[u8],
        timestamp: f64,
        id: Option<String>,
        event: Option<String>,
    ) -> Result<Vec<String>> {
        let key = match (secret_text, secret_bytes) {
            (Some(text), _) => secret(Either::A(text)),
            (None, Some(bytes)) => secret(Either::B(bytes)),
            (None, None) => secret(Either::A(String::new())),
        };
        wire::sign(&self.inner, key, body, timestamp, id, event).map_err(|e| to_js(&e))
    }
}

impl NativeVerifier {
    /// The core verifier (the inbox verifies and re-checks deliveries with it).
    pub(crate) fn core(&self) -> &Verifier {
        &self.inner
    }
}

/// One delivery through `process`: verified here, claimed and handled by JavaScript,
/// answered here by the core.
#[napi]
pub struct NativeDelivery {
    inner: wire::Delivery,
}

#[napi]
impl NativeDelivery {
    /// The event's packed fields, or `!{code}|{message}` when it was refused.
    #[napi(getter)]
    pub fn packed(&self) -> String {
        self.inner.packed()
    }

    /// The lease to claim the key for, in seconds.
    #[napi(getter)]
    pub fn lease(&self) -> f64 {
        self.inner.lease()
    }

    /// How long to remember the key once processed, in seconds.
    #[napi(getter)]
    pub fn retention(&self) -> f64 {
        self.inner.retention()
    }

    /// The answer for what became of the delivery (`processed`, `duplicate`,
    /// `in_progress`, `handler_failed`, `store_unavailable`, with the handler's or the
    /// store's message): `{status}|{acknowledged 1/0}|{JSON body}`, from the core.
    #[napi]
    pub fn settle(&mut self, kind: String, message: Option<String>) -> Result<String> {
        self.inner.settle(&kind, message).map_err(|e| to_js(&e))
    }
}
