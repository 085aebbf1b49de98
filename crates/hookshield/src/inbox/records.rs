//! What the inbox stores and reports: deliveries, claimed jobs, counts, dead letters and
//! errors.

use std::fmt;

/// A verified delivery as the inbox stores it.
///
/// ```
/// let delivery = hookshield::inbox::Delivery {
///     provider: "sensei".into(),
///     idempotency_key: "evt_1".into(),
///     body: br#"{"id":"evt_1"}"#.to_vec(),
///     headers: vec![("X-Sensei-Signature".into(), "sha256=00".into())],
///     received_at: 1_767_225_600_000,
/// };
/// assert_eq!(delivery.provider, "sensei");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The provider's name, as [`crate::Provider::as_str`] spells it (`sentinel`, ...).
    pub provider: String,
    /// The event's [`crate::Event::idempotency_key`].
    pub idempotency_key: String,
    /// The raw body, as signed.
    pub body: Vec<u8>,
    /// The headers the provider's scheme reads (signature, timestamp, id, event), and
    /// only those.
    pub headers: Vec<(String, String)>,
    /// When it was received, in Unix milliseconds: signatures are checked again as at
    /// this time.
    pub received_at: i64,
}

impl fmt::Debug for Delivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Delivery")
            .field("provider", &self.provider)
            .field("idempotency_key", &self.idempotency_key)
            .field("body_bytes", &self.body.len())
            .field("headers", &self.headers)
            .field("received_at", &self.received_at)
            .finish()
    }
}

/// What [`crate::inbox::Inbox::append`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Appended {
    /// Stored durably: a worker will take it.
    Queued,
    /// Its key was already in the inbox (pending, in flight, done or dead): nothing
    /// changed.
    Duplicate,
}

/// A delivery claimed by a worker, which holds its lease until it completes, retries,
/// buries or releases it.
#[derive(Clone, PartialEq, Eq)]
pub struct Job {
    /// The stored delivery.
    pub delivery: Delivery,
    /// Which attempt this is: 1 for the first.
    pub attempt: u32,
    /// The lease token: only its holder may finish the job.
    pub(crate) token: String,
}

impl fmt::Debug for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Job")
            .field("delivery", &self.delivery)
            .field("attempt", &self.attempt)
            .finish_non_exhaustive()
    }
}

/// How many deliveries an inbox holds, by state.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct InboxStats {
    /// Waiting for a worker, including scheduled retries.
    pub pending: u64,
    /// Claimed by a worker (including leases that expired and are not yet taken over).
    pub in_flight: u64,
    /// Handled, and remembered for the retention so that redeliveries are duplicates.
    pub done: u64,
    /// Dead letters.
    pub dead: u64,
    /// The age in seconds of the oldest delivery pending or in flight, by its received
    /// time; `None` when there is none.
    pub oldest_pending_seconds: Option<f64>,
}

/// A delivery that failed every attempt (or could not be verified again).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetter {
    /// Its idempotency key, which [`crate::inbox::Inbox::replay`] takes.
    pub idempotency_key: String,
    /// The provider's name.
    pub provider: String,
    /// How many attempts ran.
    pub attempts: u32,
    /// The last error.
    pub last_error: String,
    /// When it became a dead letter, in Unix milliseconds.
    pub failed_at: i64,
}

/// The inbox failed; nothing was acknowledged or changed by the failed call.
///
/// ```
/// let err = hookshield::inbox::InboxError::LeaseLost { key: "evt_1".into() };
/// assert_eq!(err.code(), "lease_lost");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InboxError {
    /// The storage is down, timed out or failed (code `store_unavailable`).
    #[error("inbox unavailable: {reason}")]
    Unavailable {
        /// What failed (never the URL or a password).
        reason: String,
    },
    /// The URL names no backend this build has or is malformed, or worker options are
    /// out of range (code `invalid_config`).
    #[error("invalid inbox configuration: {reason}")]
    InvalidConfig {
        /// What is wrong (never the URL itself, which may hold a password).
        reason: String,
    },
    /// The job's lease ended and another worker took the delivery over, or it is no
    /// longer in flight: this worker may not finish it (code `lease_lost`).
    #[error("the lease on `{key}` was lost: another worker took the delivery over")]
    LeaseLost {
        /// The delivery's idempotency key.
        key: String,
    },
}

impl InboxError {
    /// The stable code: `store_unavailable`, `invalid_config` or `lease_lost`.
    pub fn code(&self) -> &'static str {
        match self {
            InboxError::Unavailable { .. } => "store_unavailable",
            InboxError::InvalidConfig { .. } => "invalid_config",
            InboxError::LeaseLost { .. } => "lease_lost",
        }
    }
}
