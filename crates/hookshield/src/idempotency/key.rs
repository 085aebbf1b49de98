//! Deriving the key that identifies an event across redeliveries.

use sha2::{Digest as _, Sha256};

use crate::events::EventData;
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
    /// The typed data, whose resource ids spare a scan of `data`.
    pub(crate) typed: Option<&'a EventData>,
    /// The event time as the envelope wrote it.
    pub(crate) event_time: Option<&'a str>,
    pub(crate) body: &'a [u8],
}

/// The idempotency key of an event, as the contract orders the choices:
///
/// 1. the provider's event id where there is one (KYC `id`/`X-Webhook-ID`, Sensei `id`,
///    Standard Webhooks `webhook-id`, GitHub `X-GitHub-Delivery`);
/// 2. for DocIntell, `{event}:{document_id}:{job_id}` as its document advises;
/// 3. otherwise `{type}:{resource id}:{event time}`, the resource id being the one a
///    documented type is about (Sentinel's `document_id`, `session_id` or `report_id`;
///    Sentrasa's `job_id` or `alert_id`), or else the first `*_id` member of `data`, and
///    the event time the envelope's own, which a redelivery repeats;
/// 4. failing all, `sha256:` and the hex SHA-256 of the body.
pub(crate) fn derive_key(input: &KeyInput<'_>) -> String {
    if let Some(id) = input.id {
        return id.to_owned();
    }
    let event_type = input.event_type;
    let typed_resource = match input.typed {
        Some(EventData::DocIntell(event)) => {
            let (document, job) = event.document_and_job();
            return format!("{event_type}:{document}:{job}");
        }
        Some(EventData::Sentinel(event)) => Some(event.resource_id()),
        Some(EventData::Sentrasa(event)) => event.resource_id(),
        _ => None,
    };
    let time = input.event_time;
    if let (Some(resource), Some(time)) = (typed_resource, time) {
        return format!("{event_type}:{resource}:{time}");
    }
    // An undocumented type: read the ids out of `data`.
    let ids = crate::events::envelope::data_ids(input.data);
    if input.provider == Provider::DocIntell {
        if let (Some(document), Some(job)) = (&ids.document_id, &ids.job_id) {
            return format!("{event_type}:{document}:{job}");
        }
    }
    if let (Some(resource), Some(time)) = (&ids.first, time) {
        return format!("{event_type}:{resource}:{time}");
    }
    body_key(input.body)
}

/// `sha256:<hex>` of the body, the key of last resort.
pub(crate) fn body_key(body: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(body)))
}
