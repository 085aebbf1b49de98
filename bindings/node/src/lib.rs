//! Node.js binding of hookshield: the native layer (napi-rs) under the npm package
//! `hookshield`.
//!
//! This crate only translates. Every rule (order of checks, signature schemes, envelopes,
//! idempotency keys, option limits, statuses and answers) lives in the `hookshield` core,
//! and the public API (`Verifier`, `Event`, `VerificationError`, `MemoryStore`,
//! `Router`, the framework helpers) is the JavaScript layer in `lib/`, which the
//! WebAssembly package `@hookshield/wasm` shares over its own backend. What both backends
//! hand that layer, and how they ask the core, is one source: [`wire`].
//!
//! - [`verifier`]: `NativeVerifier` (verify, check signatures, sign) and `NativeDelivery`
//!   (one delivery through `process`, answered by the core's `Outcome`).
//! - [`store`]: the core's `MemoryStore` and `RedisStore` by key. Redis calls do I/O, so
//!   they run as napi async work on libuv's thread pool and JavaScript gets promises.
//! - [`inbox`]: the core's durable inbox (append, and a worker's claim and finish), each
//!   call napi async work on libuv's thread pool.
//! - [`functions`]: samples, providers, error codes and statuses, type patterns.
//!
//! Errors reach JavaScript as `Error`s whose `code` is the core's stable error code;
//! `lib/errors.js` re-throws them as `VerificationError`.

pub mod functions;
pub mod inbox;
pub mod store;
pub mod verifier;
mod wire;

use hookshield::Error;
use napi::bindgen_prelude::{Either, Uint8Array};

/// The `code` a thrown error carries: the core's stable error code.
#[derive(Debug, Clone, Copy)]
pub struct Code(&'static str);

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        self.0
    }
}

/// A result whose error reaches JavaScript with the core's `code`.
pub type Result<T> = napi::Result<T, Code>;

/// The core's error as a JavaScript error with `code` set.
fn to_js(error: &Error) -> napi::Error<Code> {
    napi::Error::new(Code(error.code().as_str()), error.to_string())
}

/// A store's error as a JavaScript error with `code` `store_unavailable`.
fn store_error(error: &hookshield::StoreError) -> napi::Error<Code> {
    napi::Error::new(Code(error.code()), error.to_string())
}

/// A secret given as text or bytes.
fn secret(value: Either<String, Uint8Array>) -> hookshield::Secret {
    match value {
        Either::A(text) => hookshield::Secret::from(text),
        Either::B(bytes) => hookshield::Secret::from(bytes.to_vec()),
    }
}
