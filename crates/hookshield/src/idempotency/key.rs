//! Deriving the key that identifies an event across redeliveries.

use sha2::{Digest as _, Sha256};

use crate::Provider;

/// What a key is derived from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeyInput<'a> {
    pub(crate) provider: Provider,
    pub(crate) event_type: &'a str,
    /// The provider's event (or delivery) id.
    pub(crate) id: Option<&'a str>,
    /// The envelope's `data`, as JSON text.
    pub(crate) data: &'a str,
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
    let ids = crate::events::envelope::data_ids(input.data);
    if input.provider == Provider::DocIntell {
        if let (Some(document), Some(job)) = (&ids.document_id, &ids.job_id) {
            return format!("{}:{document}:{job}", input.event_type);
        }
    }
    if let (Some(resource), Some(time)) = (&ids.first, input.event_time) {
        return format!("{}:{resource}:{time}", input.event_type);
    }
    body_key(input.body)
}

/// `sha256:<hex>` of the body, the key of last resort.
pub(crate) fn body_key(body: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(body)))
}
