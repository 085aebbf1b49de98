//! A sample payload for every documented event type, taken from the providers'
//! documents (the document's own example where it shows one; otherwise built on the
//! documented envelope), for receivers' tests and the CLI's `send`.

use crate::events::json::Members;
use crate::timestamp::format_rfc3339;
use crate::Provider;

macro_rules! sample {
    ($provider:ident, $dir:literal, $type:literal) => {
        (
            Provider::$provider,
            $type,
            include_str!(concat!("../samples/", $dir, "/", $type, ".json")),
        )
    };
}

/// `(provider, event type, JSON body)` for every sample, in each document's order.
const SAMPLES: &[(Provider, &str, &str)] = &[
    sample!(Sentinel, "sentinel", "document.completed"),
    sample!(Sentinel, "sentinel", "document.failed"),
    sample!(Sentinel, "sentinel", "chat.session.closed"),
    sample!(Sentinel, "sentinel", "report.generated"),
    sample!(DocIntell, "docintell", "document.uploaded"),
    sample!(DocIntell, "docintell", "document.processing.completed"),
    sample!(DocIntell, "docintell", "document.processing.failed"),
    sample!(Sentrasa, "sentrasa", "job.completed"),
    sample!(Sentrasa, "sentrasa", "job.failed"),
    sample!(Sentrasa, "sentrasa", "alert.triggered"),
    sample!(Kyc, "kyc", "kyc.session.created"),
    sample!(Kyc, "kyc", "kyc.session.completed"),
    sample!(Kyc, "kyc", "kyc.session.processed"),
    sample!(Kyc, "kyc", "kyc.session.status_changed"),
    sample!(Kyc, "kyc", "kyc.watchlist.match_found"),
    sample!(Kyc, "kyc", "kyc.watchlist.status_changed"),
    sample!(Sensei, "sensei", "migration.created"),
    sample!(Sensei, "sensei", "migration.started"),
    sample!(Sensei, "sensei", "migration.paused"),
    sample!(Sensei, "sensei", "migration.resumed"),
    sample!(Sensei, "sensei", "migration.completed"),
    sample!(Sensei, "sensei", "migration.failed"),
    sample!(Sensei, "sensei", "migration.cancelled"),
    sample!(Sensei, "sensei", "migration.phase.started"),
    sample!(Sensei, "sensei", "migration.phase.completed"),
    sample!(Sensei, "sensei", "migration.phase.failed"),
    sample!(Sensei, "sensei", "approval.required"),
    sample!(Sensei, "sensei", "approval.granted"),
    sample!(Sensei, "sensei", "approval.denied"),
    sample!(Sensei, "sensei", "approval.timeout"),
    sample!(Sensei, "sensei", "error.occurred"),
    sample!(Sensei, "sensei", "error.recovered"),
    sample!(Sensei, "sensei", "error.escalated"),
    sample!(Sensei, "sensei", "error.resolved"),
    sample!(Sensei, "sensei", "validation.started"),
    sample!(Sensei, "sensei", "validation.completed"),
    sample!(Sensei, "sensei", "validation.failed"),
    sample!(Sensei, "sensei", "certificate.generated"),
    sample!(GitHub, "github", "ping"),
    sample!(GitHub, "github", "issues.opened"),
    sample!(Standard, "standard", "invoice.paid"),
    sample!(Stripe, "stripe", "payment_intent.succeeded"),
    sample!(Svix, "svix", "message.attempt.exhausted"),
    sample!(Slack, "slack", "app_mention"),
    sample!(Shopify, "shopify", "orders/create"),
    sample!(Paddle, "paddle", "transaction.completed"),
];

/// The sample body of `event_type` for `provider`, its event time (where the envelope
/// has one) stamped now, or `None` if there is none.
///
/// A sample keeps the document's example otherwise; the time is stamped so that it
/// verifies within the replay horizon ([`crate::Verifier::replay_horizon`]).
///
/// ```
/// use hookshield::Provider;
/// let body = hookshield::sample(Provider::Sensei, "migration.phase.completed").unwrap();
/// assert!(body.contains("\"records_processed\": 5234891"));
/// assert!(hookshield::sample(Provider::Sensei, "migration.teleported").is_none());
/// ```
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub fn sample(provider: Provider, event_type: &str) -> Option<String> {
    sample_at(provider, event_type, crate::timestamp::system_now()?)
}

/// [`sample`] with its event time stamped at `now` (Unix seconds), for hosts without a
/// system clock.
///
/// ```
/// use hookshield::Provider;
/// let body = hookshield::sample_at(Provider::Sentinel, "report.generated", 1_778_839_500).unwrap();
/// assert!(body.contains(r#""timestamp": "2026-05-15T10:05:00Z""#));
/// let kyc = hookshield::sample_at(Provider::Kyc, "kyc.session.created", 1_767_225_600).unwrap();
/// assert!(kyc.contains(r#""created": 1767225600"#));
/// ```
pub fn sample_at(provider: Provider, event_type: &str, now: i64) -> Option<String> {
    let body = SAMPLES
        .iter()
        .find(|(p, t, _)| *p == provider && *t == event_type)
        .map(|(_, _, body)| *body)?;
    Some(stamp(body, now))
}

/// `body` with the value of its event-time member replaced by `now`, in the same style
/// (RFC 3339, with milliseconds where the sample has them, or Unix seconds).
fn stamp(body: &str, now: i64) -> String {
    let Some(members) = Members::read_object(body) else {
        return body.to_owned();
    };
    let Some(old) = ["timestamp", "created_at", "created"]
        .iter()
        .find_map(|key| members.get(key))
    else {
        return body.to_owned();
    };
    let new = if old.starts_with('"') {
        let time = format_rfc3339(now);
        if old.contains('.') {
            format!("\"{}.000Z\"", time.trim_end_matches('Z'))
        } else {
            format!("\"{time}\"")
        }
    } else {
        now.to_string()
    };
    let start = old.as_ptr() as usize - body.as_ptr() as usize;
    format!("{}{new}{}", &body[..start], &body[start + old.len()..])
}

/// The event types `provider` has samples for, in its document's order.
///
/// ```
/// use hookshield::Provider;
/// assert_eq!(hookshield::sample_types(Provider::Sensei).len(), 22);
/// assert_eq!(hookshield::sample_types(Provider::Custom).len(), 0);
/// ```
pub fn sample_types(provider: Provider) -> Vec<&'static str> {
    SAMPLES
        .iter()
        .filter(|(p, _, _)| *p == provider)
        .map(|(_, t, _)| *t)
        .collect()
}
