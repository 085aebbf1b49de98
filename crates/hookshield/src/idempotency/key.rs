//! Deriving the key that identifies an event across redeliveries.

use serde_json::Value;
use sha2::{Digest as _, Sha256};

use crate::Provider;

/// What a key is derived from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeyInput<'a> {
    pub(crate) provider: Provider,
    pub(crate) event_type: &'a str,
    /// The provider's event (or delivery) id.
    pub(crate) id: Option<&'a str>,
    /// The envelope's `data`.
    pub(crate) data: &'a Value,
    /// The event time as the envelope wrote it.
    pub(crate) event_time: Option<&'a str>,
    pub(crate) body: &'a [u8],
}

/// The idempotency key of an event, as the contract orders the choices:
///
/// 1. the provider's event id where there is one (KYC `id`/`X-Webhook-ID`, Sensei `id`,
///    Standard Webhooks `webhook-id`, GitHub `X-GitHub-Delivery`);
/// 2. for DocIntell, `{event}:{document_id}:{job_id}` as its document advises;
/// 3. otherwise `{type}:{resource id}:{event time}`, the resource id being the first
///    `*_id` member of `data` (Sentinel's `document_id`, `session_id`, `report_id`;
///    Sentrasa's `job_id`, `alert_id`) and the event time the envelope's own, which a
///    redelivery repeats;
/// 4. failing all, `sha256:` and the hex SHA-256 of the body.
pub(crate) fn derive_key(input: &KeyInput<'_>) -> String {
    if let Some(id) = input.id {
        return id.to_owned();
    }
    let member = |name: &str| input.data.get(name).and_then(Value::as_str);
    if input.provider == Provider::DocIntell {
        if let (Some(document), Some(job)) = (member("document_id"), member("job_id")) {
            return format!("{}:{document}:{job}", input.event_type);
        }
    }
    if let (Some(resource), Some(time)) = (resource_id(input.data), input.event_time) {
        return format!("{}:{resource}:{time}", input.event_type);
    }
    body_key(input.body)
}

/// The first string member of `data` whose name ends in `_id`.
fn resource_id(data: &Value) -> Option<&str> {
    data.as_object()?
        .iter()
        .find(|(name, value)| name.ends_with("_id") && value.is_string())
        .and_then(|(_, value)| value.as_str())
}

/// `sha256:<hex>` of the body, the key of last resort.
pub(crate) fn body_key(body: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(body)))
}
