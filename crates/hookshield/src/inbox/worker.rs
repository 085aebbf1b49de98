//! The worker's rules, for every host: claim, verify again, rebuild the event, and
//! finish with retries, backoff with jitter and dead letters. Hosts run the handler
//! between [`Inbox::next`] and [`Work::finish`]; [`super::Worker`] does it in threads.

use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

use super::{Inbox, InboxError, Job};
use crate::idempotency::DEFAULT_LEASE;
use crate::{Error, Event, Verifier};

/// The default delay before the first retry.
pub const DEFAULT_BACKOFF: Duration = Duration::from_secs(1);

/// The default longest delay between retries.
pub const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(3600);

/// How workers claim, retry and give up. Check values from outside with
/// [`WorkerOptions::validate`] (the bindings' numbers go through
/// [`crate::options::concurrency`], [`crate::options::max_attempts`] and the duration
/// checks first).
///
/// ```
/// use std::time::Duration;
/// use hookshield::inbox::WorkerOptions;
/// let options = WorkerOptions::default().concurrency(8).max_attempts(5).backoff(Duration::from_millis(500));
/// assert!(options.validate().is_ok());
/// assert_eq!(WorkerOptions::default().max_attempts(0).validate().unwrap_err().code().as_str(), "invalid_config");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct WorkerOptions {
    /// How many deliveries a [`super::Worker`] handles at once (threads). Default 1.
    pub concurrency: usize,
    /// How many attempts a delivery gets before it becomes a dead letter. Default 10.
    pub max_attempts: u32,
    /// How long a claim holds: a worker that stops without finishing loses the delivery
    /// to another after this. Default [`DEFAULT_LEASE`] (30 s); longer than the slowest
    /// handler.
    pub lease: Duration,
    /// The delay before the first retry, doubled for each further one, with equal jitter
    /// (half the delay fixed, half random). Default [`DEFAULT_BACKOFF`] (1 s).
    pub backoff: Duration,
    /// The longest delay between retries. Default [`DEFAULT_MAX_BACKOFF`] (1 h).
    pub max_backoff: Duration,
    /// How long an idle [`super::Worker`] waits before looking again. Default 200 ms.
    pub poll_interval: Duration,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        WorkerOptions {
            concurrency: 1,
            max_attempts: 10,
            lease: DEFAULT_LEASE,
            backoff: DEFAULT_BACKOFF,
            max_backoff: DEFAULT_MAX_BACKOFF,
            poll_interval: Duration::from_millis(200),
        }
    }
}

macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident: $ty:ty),+) => {$(
        $(#[$doc])*
        #[must_use]
        pub fn $name(mut self, $name: $ty) -> Self {
            self.$name = $name;
            self
        }
    )+};
}

impl WorkerOptions {
    setters! {
        /// Sets [`WorkerOptions::concurrency`].
        concurrency: usize,
        /// Sets [`WorkerOptions::max_attempts`].
        max_attempts: u32,
        /// Sets [`WorkerOptions::lease`].
        lease: Duration,
        /// Sets [`WorkerOptions::backoff`].
        backoff: Duration,
        /// Sets [`WorkerOptions::max_backoff`].
        max_backoff: Duration,
        /// Sets [`WorkerOptions::poll_interval`].
        poll_interval: Duration
    }

    /// Checks every value: at least one thread and one attempt, positive durations, and
    /// a longest backoff no shorter than the first (`invalid_config` otherwise).
    pub fn validate(&self) -> Result<(), Error> {
        let problem = if self.concurrency == 0 {
            "the concurrency must be at least 1"
        } else if self.max_attempts == 0 {
            "max_attempts must be at least 1"
        } else if self.lease.is_zero() {
            "the lease must be positive"
        } else if self.backoff.is_zero() {
            "the backoff must be positive"
        } else if self.max_backoff < self.backoff {
            "the longest backoff must be at least the first"
        } else if self.poll_interval.is_zero() {
            "the poll interval must be positive"
        } else {
            return Ok(());
        };
        Err(Error::config(problem))
    }

    /// The delay before the retry that follows failed attempt `attempt` (1-based):
    /// `backoff * 2^(attempt-1)`, capped at `max_backoff`, of which half is fixed and
    /// half random (`random` in `[0, 1)`).
    pub(crate) fn retry_delay(&self, attempt: u32, random: f64) -> Duration {
        let doublings = i32::try_from(attempt.saturating_sub(1).min(62)).unwrap_or(62);
        let delay = self.backoff.as_secs_f64() * 2f64.powi(doublings);
        let delay = delay.min(self.max_backoff.as_secs_f64());
        Duration::try_from_secs_f64(delay / 2.0 + delay / 2.0 * random.clamp(0.0, 1.0))
            .unwrap_or(self.max_backoff)
    }
}

/// The verifiers a worker checks deliveries with, by provider name (a worker may serve
/// several providers).
///
/// ```
/// use hookshield::inbox::Verifiers;
/// use hookshield::{Provider, Verifier};
/// let verifiers: Verifiers = [
///     Verifier::new(Provider::Sentinel, ["whsec_a"])?,
///     Verifier::new(Provider::Kyc, ["whsec_b"])?,
/// ].into_iter().collect();
/// assert!(verifiers.get("kyc").is_some());
/// assert!(verifiers.get("sensei").is_none());
/// # Ok::<(), hookshield::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Verifiers {
    by_provider: HashMap<String, Verifier>,
}

impl Verifiers {
    /// No verifiers.
    pub fn new() -> Self {
        Verifiers::default()
    }

    /// Adds `verifier` for its provider (replacing any other for that provider).
    pub fn insert(&mut self, verifier: Verifier) {
        self.by_provider
            .insert(verifier.provider().as_str().to_owned(), verifier);
    }

    /// Adds `verifier`, by value.
    #[must_use]
    pub fn with(mut self, verifier: Verifier) -> Self {
        self.insert(verifier);
        self
    }

    /// The verifier for the provider named `provider`.
    pub fn get(&self, provider: &str) -> Option<&Verifier> {
        self.by_provider.get(provider)
    }
}

impl From<Verifier> for Verifiers {
    fn from(verifier: Verifier) -> Self {
        Verifiers::new().with(verifier)
    }
}

impl FromIterator<Verifier> for Verifiers {
    fn from_iter<I: IntoIterator<Item = Verifier>>(iter: I) -> Self {
        let mut verifiers = Verifiers::new();
        for verifier in iter {
            verifiers.insert(verifier);
        }
        verifiers
    }
}

/// A claimed delivery whose signature held again: run the handler on
/// [`Work::event`], then [`Work::finish`]. Work dropped unfinished (its host's task was
/// cancelled) is released: pending again, the attempt not counted.
#[must_use = "work must be finished; dropping it releases the delivery"]
pub struct Work {
    event: Event,
    job: Option<Job>,
    inbox: Inbox,
    options: WorkerOptions,
}

impl fmt::Debug for Work {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Work")
            .field("event", &self.event)
            .field("job", &self.job)
            .finish_non_exhaustive()
    }
}

/// How [`Work::finish`] left the delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finished {
    /// Done: remembered for the retention, never handled again.
    Done,
    /// Failed; it will be claimed again after `due_in`.
    Retrying {
        /// The delay before the retry.
        due_in: Duration,
    },
    /// Failed its last attempt: a dead letter with the handler's error.
    Dead,
}

impl Work {
    /// The verified event.
    pub fn event(&self) -> &Event {
        &self.event
    }

    /// Which attempt this is: 1 for the first.
    pub fn attempt(&self) -> u32 {
        self.job().attempt
    }

    /// The delivery's idempotency key.
    pub fn idempotency_key(&self) -> &str {
        &self.job().delivery.idempotency_key
    }

    /// The claimed job.
    pub fn job(&self) -> &Job {
        self.job
            .as_ref()
            .unwrap_or_else(|| unreachable!("work holds its job until finished, once"))
    }

    /// Records the handler's result: success marks the delivery done; failure schedules
    /// a retry with backoff, or makes it a dead letter with `error` after the last
    /// attempt. [`InboxError::LeaseLost`] when the lease ended and another worker took the
    /// delivery over (which then decides its fate).
    pub fn finish(mut self, result: Result<(), String>) -> Result<Finished, InboxError> {
        self.record(result)
    }

    /// [`Work::finish`] keeping the event readable (for [`super::Worker`]'s observer);
    /// the job is gone after it, so dropping the work releases nothing.
    pub(crate) fn record(&mut self, result: Result<(), String>) -> Result<Finished, InboxError> {
        let job = self.take_job();
        match result {
            Ok(()) => self.inbox.complete(&job).map(|()| Finished::Done),
            Err(error) if job.attempt >= self.options.max_attempts => {
                self.inbox.bury(&job, &error).map(|()| Finished::Dead)
            }
            Err(error) => {
                let due_in = self.options.retry_delay(job.attempt, random_unit()?);
                self.inbox
                    .retry(&job, &error, due_in)
                    .map(|()| Finished::Retrying { due_in })
            }
        }
    }

    /// Gives the delivery back unhandled (graceful shutdown): pending again at once, the
    /// attempt not counted.
    pub fn release(mut self) -> Result<(), InboxError> {
        let job = self.take_job();
        self.inbox.release(&job)
    }

    fn take_job(&mut self) -> Job {
        self.job
            .take()
            .unwrap_or_else(|| unreachable!("work holds its job until finished, once"))
    }
}

impl Drop for Work {
    fn drop(&mut self) {
        if let Some(job) = self.job.take() {
            // If the release fails, the lease still ends and frees the delivery.
            let _ = self.inbox.release(&job);
        }
    }
}

impl Inbox {
    /// Claims the next due delivery and checks it again: its signature with the stored
    /// headers as at its received time (not the replay window: it may have waited for
    /// hours), its event rebuilt, its key unchanged. A delivery that fails this check,
    /// whose provider has no verifier, or whose lease expired on its last attempt (the
    /// workers holding it stopped) becomes a dead letter with the reason and is never
    /// handed to a handler. `None` when nothing is due.
    ///
    /// So every worker of an inbox needs a verifier for every provider whose deliveries
    /// the inbox receives (keep providers served by different workers in different
    /// inboxes), and a secret rotated out of the receiver stays in the workers' verifiers
    /// until no delivery signed with it waits in the inbox. (A dead letter can be
    /// replayed.)
    pub fn next(
        &self,
        verifiers: &Verifiers,
        options: &WorkerOptions,
    ) -> Result<Option<Work>, InboxError> {
        options.validate().map_err(|e| InboxError::InvalidConfig {
            reason: e.to_string(),
        })?;
        while let Some(job) = self.claim(options.lease)? {
            match check(&job, verifiers, options) {
                Ok(event) => {
                    return Ok(Some(Work {
                        event,
                        job: Some(job),
                        inbox: self.clone(),
                        options: *options,
                    }))
                }
                Err(reason) => match self.bury(&job, &reason) {
                    Ok(()) | Err(InboxError::LeaseLost { .. }) => {}
                    Err(error) => return Err(error),
                },
            }
        }
        Ok(None)
    }
}

/// The event of a claimed delivery, or why it must go to the dead letters.
fn check(job: &Job, verifiers: &Verifiers, options: &WorkerOptions) -> Result<Event, String> {
    let delivery = &job.delivery;
    if job.attempt > options.max_attempts {
        return Err(format!(
            "gave up: the lease ended without the worker finishing on every attempt, up to \
             max_attempts ({})",
            options.max_attempts
        ));
    }
    let verifier = verifiers
        .get(&delivery.provider)
        .ok_or_else(|| format!("no verifier for provider `{}`", delivery.provider))?;
    let event = verifier
        .verify_within_at(
            &delivery.body,
            &delivery.headers,
            delivery.received_at.div_euclid(1000),
            None,
        )
        .map_err(|e| format!("the stored delivery no longer verifies: {e}"))?;
    if event.idempotency_key() != delivery.idempotency_key {
        return Err("the stored delivery's idempotency key does not match its body".to_owned());
    }
    Ok(event)
}

/// A random number in `[0, 1)`.
fn random_unit() -> Result<f64, InboxError> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| InboxError::Unavailable {
        reason: format!("no randomness for the retry jitter: {e}"),
    })?;
    Ok((u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delays_double_with_equal_jitter_up_to_the_cap() {
        let options = WorkerOptions::default()
            .backoff(Duration::from_secs(1))
            .max_backoff(Duration::from_secs(10));
        let delay = |attempt, random| options.retry_delay(attempt, random);
        assert_eq!(delay(1, 0.0), Duration::from_millis(500));
        assert_eq!(delay(1, 1.0), Duration::from_secs(1));
        assert_eq!(delay(3, 0.0), Duration::from_secs(2));
        assert_eq!(delay(3, 0.5), Duration::from_secs(3));
        assert_eq!(delay(30, 1.0), Duration::from_secs(10), "capped");
        let unbounded = options.max_backoff(Duration::MAX);
        assert_eq!(
            unbounded.retry_delay(u32::MAX, 1.0),
            Duration::from_secs(1 << 62),
            "no overflow"
        );
    }
}
