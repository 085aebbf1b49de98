//! The native layer's free functions: samples, providers, error codes and statuses, the
//! messages of errors the JavaScript layer raises, and subscription patterns.

// Exported functions take owned arguments: that is how napi converts JavaScript values.
#![allow(clippy::needless_pass_by_value)]

use hookshield::{ErrorCode, Provider};
use napi_derive::napi;

use crate::{to_js, wire, Result};

/// The sample body of `event_type` for `provider`, or `null`, its event time stamped
/// `now` (Unix seconds).
#[napi]
pub fn sample(provider: String, event_type: String, now: f64) -> Result<Option<String>> {
    wire::sample(&provider, &event_type, now).map_err(|e| to_js(&e))
}

/// The event types `provider` has samples for.
#[napi]
pub fn sample_types(provider: String) -> Result<Vec<&'static str>> {
    let provider = wire::provider(&provider).map_err(|e| to_js(&e))?;
    Ok(hookshield::sample_types(provider))
}

/// The provider preset ids.
#[napi]
pub fn providers() -> Vec<&'static str> {
    Provider::ALL.iter().map(|p| p.as_str()).collect()
}

/// Every verification error code, in the contract's order.
#[napi]
pub fn error_codes() -> Vec<&'static str> {
    ErrorCode::ALL.iter().map(|c| c.as_str()).collect()
}

/// The HTTP status for a rejection with `code` (or for `store_unavailable`); `undefined`
/// for a code the core does not know.
#[napi]
pub fn error_status(code: String) -> Option<u32> {
    wire::error_status(&code).map(u32::from)
}

/// The message of the core's `invalid_config` error for `reason`.
#[napi]
pub fn config_message(reason: String) -> String {
    wire::config(reason).to_string()
}

/// The message of the core's `store_unavailable` error for `reason`.
#[napi]
pub fn store_message(reason: String) -> String {
    wire::store_message(reason)
}

/// Whether `event_type` matches the subscription `pattern` (`*`, `family.*` or `family/*`, exact).
#[napi]
pub fn type_matches(pattern: String, event_type: String) -> bool {
    hookshield::events::type_matches(&pattern, &event_type)
}
