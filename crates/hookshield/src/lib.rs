//! # hookshield
//!
//! Receiver-side webhook verification: constant-time HMAC-SHA256 signature checks,
//! two-sided replay windows, typed envelopes for every documented event of every
//! provider, and exactly-once processing helpers. One core; the Python, Node.js and
//! WebAssembly packages translate it.
//!
//! ```
//! use hookshield::{Provider, SignOptions, Verifier};
//!
//! let verifier = Verifier::new(Provider::DocIntell, ["whsec_abcdefghijklmnopqrstuvwxyz1234567890ABC"])?;
//!
//! // What DocIntell sends (here signed locally, as tests do):
//! let body = hookshield::sample(Provider::DocIntell, "document.processing.failed").unwrap();
//! let body = body.as_bytes();
//! let headers = hookshield::sign(Provider::DocIntell, "whsec_abcdefghijklmnopqrstuvwxyz1234567890ABC", body, &SignOptions::default())?;
//!
//! let event = verifier.verify(body, &headers)?;
//! assert_eq!(event.event_type(), "document.processing.failed");
//! assert_eq!(
//!     event.idempotency_key(),
//!     "document.processing.failed:660e8400-e29b-41d4-a716-446655440001:550e8400-e29b-41d4-a716-446655440000",
//! );
//!
//! // A forged delivery is rejected before its body is parsed:
//! let err = verifier.verify(br#"{"event":"document.uploaded"}"#, &headers).unwrap_err();
//! assert_eq!(err.code().as_str(), "signature_mismatch");
//! # Ok::<(), hookshield::Error>(())
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod answer;
#[cfg(feature = "axum")]
pub mod axum;
mod builder;
mod error;
pub mod events;
mod headers;
pub mod idempotency;
#[cfg(any(feature = "sqlite", feature = "redis"))]
pub mod inbox;
pub mod options;
mod presets;
pub mod process;
mod provider;
#[cfg(feature = "redis")]
mod redis_pool;
mod router;
mod samples;
mod scheme;
mod secret;
mod signature;
mod signed_content;
mod signing;
pub mod timestamp;
mod verifier;

pub use answer::{Answer, HANDLER_FAILED_MESSAGE, STORE_UNAVAILABLE_MESSAGE};
pub use error::{Error, ErrorCode, ErrorKind, UnknownErrorCode};
pub use events::{Event, EventData, UntypedReason};
pub use headers::{Headers, SchemeHeaderValues};
pub use idempotency::{
    Claim, ClaimState, IdempotencyStore, KeyedStore, Lease, MemoryStore, StoreError,
};
pub use process::{Claimed, Outcome, OutcomeKind, ProcessOptions};
pub use provider::{Provider, RetryPolicy};
pub use router::Router;
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub use samples::sample;
pub use samples::{sample_at, sample_types};
pub use scheme::{Envelope, FormEncoding, Scheme};
pub use secret::{Secret, SecretFormat};
pub use signature::SignatureEncoding;
pub use signed_content::SignedContent;
pub use signing::{sign, sign_with, SignOptions};
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub use timestamp::SystemClock;
pub use timestamp::{Clock, SharedClock};
/// The README's Rust examples, compiled and run as doc tests (with `--features redis`).
#[doc = include_str!("../../../README.md")]
#[cfg(all(doctest, feature = "redis"))]
pub struct ReadmeDoctests;

pub use builder::{VerifierBuilder, OVERRIDES};
pub use verifier::{SignatureCheck, Verifier, DEFAULT_MAX_BODY_BYTES};
