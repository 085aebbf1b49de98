//! Processing a delivery exactly once, and the HTTP status each outcome earns.
//!
//! [`Verifier::process`] runs verify -> claim -> handler -> complete (or release on
//! failure). Hosts whose handlers are asynchronous or whose clock is their own (the
//! Python binding) verify first, then drive the same steps with
//! [`Verifier::claim_event`] and [`Claimed::finish`]; hosts whose stores are their own
//! objects (the npm packages) claim in their store and ask [`Outcome::answer`] or
//! [`crate::Answer::of`] what to answer.

use std::fmt;
use std::time::Duration;

use crate::idempotency::{Claim, IdempotencyStore, Lease, DEFAULT_LEASE};
use crate::{Error, ErrorCode, ErrorKind, Event, Headers, Provider, StoreError, Verifier};

/// What happened to a delivery.
///
/// ```
/// use hookshield::{Outcome, Provider};
/// let failed = Outcome::HandlerFailed { event: None, message: "db down".into() };
/// assert_eq!(failed.status(Provider::Sentinel), 500);
/// assert_eq!(failed.kind(), "handler_failed");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Outcome {
    /// Verified, claimed, handled and recorded.
    Processed(Box<Event>),
    /// Verified and appended durably to an inbox (`inbox::Inbox::accept`, with the
    /// `sqlite` or `redis` feature): a worker runs the handler later.
    Queued(Box<Event>),
    /// Verified, and already processed: acknowledged without running the handler.
    Duplicate(Box<Event>),
    /// Verified, and another worker is processing it now: the provider should retry.
    InProgress(Box<Event>),
    /// Not verified.
    Rejected(Error),
    /// The handler failed; the claim was released so the provider's retry is processed.
    HandlerFailed {
        /// The event, when the failure happened after verification.
        event: Option<Box<Event>>,
        /// The handler's error, as text.
        message: String,
    },
    /// The idempotency store failed; nothing was acknowledged.
    StoreUnavailable {
        /// The verified event.
        event: Box<Event>,
        /// What failed.
        error: StoreError,
    },
}

impl Outcome {
    /// A stable name: `processed`, `queued`, `duplicate`, `in_progress`, `rejected`,
    /// `handler_failed`, `store_unavailable`.
    pub fn kind(&self) -> &'static str {
        self.outcome_kind().as_str()
    }

    /// The verified event, if verification succeeded.
    pub fn event(&self) -> Option<&Event> {
        match self {
            Outcome::Processed(event)
            | Outcome::Queued(event)
            | Outcome::Duplicate(event)
            | Outcome::InProgress(event)
            | Outcome::StoreUnavailable { event, .. } => Some(event),
            Outcome::HandlerFailed { event, .. } => event.as_deref(),
            Outcome::Rejected(_) => None,
        }
    }

    /// Whether the provider should consider the delivery received (2xx).
    pub fn is_acknowledged(&self) -> bool {
        matches!(
            self,
            Outcome::Processed(_) | Outcome::Queued(_) | Outcome::Duplicate(_)
        )
    }

    /// The HTTP status `provider` should get, knowing its retry policy.
    ///
    /// Processed, queued or duplicate: 200. A bad signature, missing header or stale timestamp:
    /// 401. A bad payload: 400 (413 when too large). Everything that should be retried
    /// gets a status the provider retries: in progress 409, or 503 for a provider whose
    /// retries end at any 4xx (DocIntell); handler failure or misconfiguration 500; store
    /// failure 503.
    ///
    /// ```
    /// use hookshield::{Error, Outcome, Provider};
    /// let stale = Outcome::Rejected(Error::TimestampTooOld { age_seconds: 400, tolerance_seconds: 300 });
    /// assert_eq!(stale.status(Provider::Sentinel), 401);
    /// ```
    pub fn status(&self, provider: Provider) -> u16 {
        self.outcome_kind().status(provider)
    }

    /// What happened, without the event: all the status depends on.
    pub fn outcome_kind(&self) -> OutcomeKind {
        match self {
            Outcome::Processed(_) => OutcomeKind::Processed,
            Outcome::Queued(_) => OutcomeKind::Queued,
            Outcome::Duplicate(_) => OutcomeKind::Duplicate,
            Outcome::InProgress(_) => OutcomeKind::InProgress,
            Outcome::Rejected(error) => OutcomeKind::Rejected(error.code()),
            Outcome::HandlerFailed { .. } => OutcomeKind::HandlerFailed,
            Outcome::StoreUnavailable { .. } => OutcomeKind::StoreUnavailable,
        }
    }
}

/// What happened to a delivery, without its event or error details: for hosts that
/// keep their own event (the WebAssembly binding) and ask only for the status.
///
/// ```
/// use hookshield::{ErrorCode, OutcomeKind, Provider};
/// let kind = OutcomeKind::parse("rejected", Some("timestamp_too_old")).unwrap();
/// assert_eq!(kind, OutcomeKind::Rejected(ErrorCode::TimestampTooOld));
/// assert_eq!(kind.status(Provider::Sentinel), 401);
/// assert_eq!(OutcomeKind::InProgress.status(Provider::DocIntell), 503);
/// assert_eq!(OutcomeKind::StoreUnavailable.as_str(), "store_unavailable");
/// assert_eq!(OutcomeKind::parse("queued", None)?.status(Provider::DocIntell), 200);
/// # Ok::<(), hookshield::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutcomeKind {
    /// See [`Outcome::Processed`].
    Processed,
    /// See [`Outcome::Queued`].
    Queued,
    /// See [`Outcome::Duplicate`].
    Duplicate,
    /// See [`Outcome::InProgress`].
    InProgress,
    /// See [`Outcome::Rejected`], with the error's code.
    Rejected(ErrorCode),
    /// See [`Outcome::HandlerFailed`].
    HandlerFailed,
    /// See [`Outcome::StoreUnavailable`].
    StoreUnavailable,
}

impl OutcomeKind {
    /// The stable name, as [`Outcome::kind`] spells it.
    pub const fn as_str(self) -> &'static str {
        match self {
            OutcomeKind::Processed => "processed",
            OutcomeKind::Queued => "queued",
            OutcomeKind::Duplicate => "duplicate",
            OutcomeKind::InProgress => "in_progress",
            OutcomeKind::Rejected(_) => "rejected",
            OutcomeKind::HandlerFailed => "handler_failed",
            OutcomeKind::StoreUnavailable => "store_unavailable",
        }
    }

    /// The kind named `name`; `rejected` needs the error's `code`.
    pub fn parse(name: &str, code: Option<&str>) -> Result<Self, Error> {
        Ok(match name {
            "processed" => OutcomeKind::Processed,
            "queued" => OutcomeKind::Queued,
            "duplicate" => OutcomeKind::Duplicate,
            "in_progress" => OutcomeKind::InProgress,
            "handler_failed" => OutcomeKind::HandlerFailed,
            "store_unavailable" => OutcomeKind::StoreUnavailable,
            "rejected" => {
                let code = code.unwrap_or_default();
                OutcomeKind::Rejected(code.parse().map_err(|_| {
                    Error::config(format!("`rejected` needs an error code, found {code:?}"))
                })?)
            }
            other => return Err(Error::config(format!("unknown outcome {other:?}"))),
        })
    }

    /// The HTTP status `provider` should get, knowing its retry policy (see
    /// [`Outcome::status`]).
    pub fn status(self, provider: Provider) -> u16 {
        match self {
            OutcomeKind::Processed | OutcomeKind::Queued | OutcomeKind::Duplicate => 200,
            OutcomeKind::InProgress if provider.retry_policy().client_error_ends_retries => 503,
            OutcomeKind::InProgress => 409,
            OutcomeKind::Rejected(code) => code.http_status(),
            OutcomeKind::HandlerFailed => 500,
            OutcomeKind::StoreUnavailable => 503,
        }
    }
}

/// The status for a delivery that failed verification.
///
/// ```
/// use hookshield::{process::rejection_status, Error};
/// assert_eq!(rejection_status(&Error::InvalidJson { reason: "eof".into() }), 400);
/// ```
pub fn rejection_status(error: &Error) -> u16 {
    error.code().http_status()
}

impl ErrorCode {
    /// The HTTP status for a delivery rejected with this code: 401 for signature and
    /// timestamp failures, 400 for bad payloads (413 when too large), 500 for a
    /// misconfigured receiver (which every provider retries).
    ///
    /// ```
    /// assert_eq!(hookshield::ErrorCode::BodyTooLarge.http_status(), 413);
    /// ```
    pub const fn http_status(self) -> u16 {
        match self.kind() {
            ErrorKind::Signature | ErrorKind::Timestamp => 401,
            ErrorKind::Payload if matches!(self, ErrorCode::BodyTooLarge) => 413,
            ErrorKind::Payload => 400,
            ErrorKind::Config => 500,
        }
    }
}

/// How long claims and records last; defaults from [`DEFAULT_LEASE`] and the
/// provider's [`Provider::default_retention`].
///
/// ```
/// let options = hookshield::ProcessOptions::default().lease(std::time::Duration::from_secs(10));
/// assert_eq!(options.lease, std::time::Duration::from_secs(10));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProcessOptions {
    /// How long a claim holds before a redelivery may take it over.
    pub lease: Duration,
    /// How long a processed key is remembered (default: the provider's retry horizon).
    pub retention: Option<Duration>,
}

impl Default for ProcessOptions {
    fn default() -> Self {
        ProcessOptions {
            lease: DEFAULT_LEASE,
            retention: None,
        }
    }
}

impl ProcessOptions {
    /// Sets the lease.
    #[must_use]
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Sets the retention.
    #[must_use]
    pub fn retention(mut self, retention: Duration) -> Self {
        self.retention = Some(retention);
        self
    }
}

/// A verified delivery whose key this worker holds: run the handler, then
/// [`finish`](Claimed::finish). A claim dropped unfinished (the handler panicked, the
/// task was cancelled) releases the key, so the provider's redelivery is processed.
#[must_use = "a claim must be finished; dropping it releases the key"]
pub struct Claimed<S: IdempotencyStore> {
    event: Event,
    hold: Hold<S>,
}

/// The lease on a claimed key, released when dropped still held.
struct Hold<S: IdempotencyStore> {
    lease: Option<Lease>,
    store: S,
    retention: Duration,
}

impl<S: IdempotencyStore> Drop for Hold<S> {
    fn drop(&mut self) {
        if let Some(lease) = self.lease.take() {
            // If the release fails, the lease still expires and frees the key.
            let _ = self.store.release(&lease);
        }
    }
}

impl<S: IdempotencyStore> fmt::Debug for Claimed<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Claimed")
            .field("event", &self.event)
            .field("lease", &self.hold.lease)
            .finish_non_exhaustive()
    }
}

impl<S: IdempotencyStore> Claimed<S> {
    /// The verified event to hand to the handler.
    pub fn event(&self) -> &Event {
        &self.event
    }

    /// Records the handler's result: success completes the claim, failure releases it.
    pub fn finish(self, handler_result: Result<(), String>) -> Outcome {
        let Claimed { event, mut hold } = self;
        let event = Box::new(event);
        let Some(lease) = hold.lease.take() else {
            unreachable!("a claim holds its lease until it is finished, once")
        };
        match handler_result {
            Ok(()) => match hold.store.complete(&lease, hold.retention) {
                Ok(()) => Outcome::Processed(event),
                Err(error) => Outcome::StoreUnavailable { event, error },
            },
            Err(message) => {
                // If the release fails too, the lease still expires and frees the key.
                let _ = hold.store.release(&lease);
                Outcome::HandlerFailed {
                    event: Some(event),
                    message,
                }
            }
        }
    }
}

impl Verifier {
    /// Verifies a delivery and claims its key: `Ok` means this worker must run the
    /// handler and [`finish`](Claimed::finish); `Err` is the final outcome (rejected,
    /// duplicate, in progress or store unavailable). The replay horizon is the
    /// retention in `options` where it is set, so that every replay is either
    /// remembered by the store or refused.
    ///
    /// `store` is any store handle: `&MemoryStore`, an `Arc<dyn IdempotencyStore>`, ...
    pub fn claim<S: IdempotencyStore>(
        &self,
        body: &[u8],
        headers: &(impl Headers + ?Sized),
        store: S,
        options: ProcessOptions,
    ) -> Result<Claimed<S>, Outcome> {
        let retention = options.retention.or(self.replay_horizon());
        let event = self
            .verify_within(body, headers, retention)
            .map_err(Outcome::Rejected)?;
        self.claim_event(event, store, options)
    }

    /// [`Verifier::claim`] for an event already verified (e.g. with `verify_at`).
    pub fn claim_event<S: IdempotencyStore>(
        &self,
        event: Event,
        store: S,
        options: ProcessOptions,
    ) -> Result<Claimed<S>, Outcome> {
        let retention = options
            .retention
            .or(self.replay_horizon())
            .unwrap_or_else(|| self.provider().default_retention());
        match store.begin(event.idempotency_key(), options.lease) {
            Ok(Claim::Fresh(lease)) => Ok(Claimed {
                event,
                hold: Hold {
                    lease: Some(lease),
                    store,
                    retention,
                },
            }),
            Ok(Claim::InProgress) => Err(Outcome::InProgress(Box::new(event))),
            Ok(Claim::Done) => Err(Outcome::Duplicate(Box::new(event))),
            Err(error) => Err(Outcome::StoreUnavailable {
                event: Box::new(event),
                error,
            }),
        }
    }

    /// Verifies, claims, runs `handler` once per event, and records the result: the
    /// handler's error, or its panic, releases the claim.
    ///
    /// ```
    /// use hookshield::{MemoryStore, Provider, SignOptions, Verifier};
    ///
    /// let verifier = Verifier::new(Provider::Sensei, ["whsec_s"])?;
    /// let store = MemoryStore::new(10_000);
    /// let body = hookshield::sample(Provider::Sensei, "approval.required").unwrap();
    /// let body = body.as_bytes();
    /// let headers = hookshield::sign(Provider::Sensei, "whsec_s", body, &SignOptions::default())?;
    ///
    /// let first = verifier.process(body, &headers, &store, Default::default(), |event| {
    ///     assert_eq!(event.family(), "approval");
    ///     Ok::<(), std::io::Error>(())
    /// });
    /// assert_eq!((first.kind(), first.status(Provider::Sensei)), ("processed", 200));
    /// let again = verifier.process(body, &headers, &store, Default::default(), |_| Ok::<(), std::io::Error>(()));
    /// assert_eq!(again.kind(), "duplicate");
    /// # Ok::<(), hookshield::Error>(())
    /// ```
    pub fn process<S, E>(
        &self,
        body: &[u8],
        headers: &(impl Headers + ?Sized),
        store: &S,
        options: ProcessOptions,
        handler: impl FnOnce(&Event) -> Result<(), E>,
    ) -> Outcome
    where
        S: IdempotencyStore + ?Sized,
        E: fmt::Display,
    {
        match self.claim(body, headers, store, options) {
            Ok(claimed) => {
                let result = handler(claimed.event()).map_err(|e| e.to_string());
                claimed.finish(result)
            }
            Err(outcome) => outcome,
        }
    }
}
