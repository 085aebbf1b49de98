//! A sample payload for every documented event type, taken from the providers'
//! documents (the document's own example where it shows one; otherwise built on the
//! documented envelope), for receivers' tests and the CLI's `send`.

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
];

/// The sample body of `event_type` for `provider`, or `None` if there is none.
///
/// ```
/// use hookshield::Provider;
/// let body = hookshield::sample(Provider::Sensei, "migration.phase.completed").unwrap();
/// assert!(body.contains("\"records_processed\": 5234891"));
/// assert!(hookshield::sample(Provider::Sensei, "migration.teleported").is_none());
/// ```
pub fn sample(provider: Provider, event_type: &str) -> Option<&'static str> {
    SAMPLES
        .iter()
        .find(|(p, t, _)| *p == provider && *t == event_type)
        .map(|(_, _, body)| *body)
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
