//! The durable inbox: answer the provider as soon as a verified delivery is stored, and
//! run the handler later, in workers (features `sqlite` and `redis`).
//!
//! [`Inbox::accept`] verifies a delivery and appends it (raw body, the headers its scheme
//! reads, provider, idempotency key, received time); the provider gets 200 once the append
//! is durable ([`Outcome::Queued`]), 503 when it is not, and a duplicate of a delivery
//! already in the inbox (pending, in flight, done or dead) is acknowledged without a second
//! append. Workers ([`Inbox::next`] and [`Work::finish`], or the threads of [`Worker`])
//! claim the oldest due delivery with a lease, verify its signature again with the stored
//! headers (at its received time: a delivery may wait for hours), rebuild the typed
//! [`Event`](crate::Event) and run the handler. Success marks it done; failure schedules a retry with
//! exponential backoff and jitter, up to [`WorkerOptions::max_attempts`], then it becomes a
//! dead letter with its last error ([`Inbox::dead_letters`], [`Inbox::replay`]).
//!
//! Delivery to the handler is **at least once**: a worker that stops mid-handler loses
//! its lease and another worker runs the handler again after the lease. Marking done is
//! **exactly once**: every step checks the lease token, so a worker whose lease was taken
//! over cannot complete, retry or bury the delivery. Each handler call gets the attempt
//! number and the idempotency key: use the key to make side effects outside the inbox
//! idempotent.
//!
//! Backends, picked by [`Inbox::open`]'s URL:
//! - `sqlite:PATH` (feature `sqlite`): one file, WAL; every append, completion, retry
//!   and burial commits with `synchronous=FULL`, a claim with `NORMAL` (a claim lost in
//!   a crash only puts the delivery back). Survives a process or machine restart on one
//!   machine, and several processes may share the file.
//! - `redis://…` (feature `redis`): a stream with a consumer group, for receivers on many
//!   machines. Its durability is Redis's own persistence setting: run it with
//!   `appendonly yes` and `appendfsync always` to lose nothing acknowledged.
//!
//! Idempotency keys share one namespace per inbox: providers whose event ids might collide
//! belong in separate inboxes (another SQLite file; another Redis database,
//! `redis://host:port/N`).
//!
//! ```
//! # #[cfg(feature = "sqlite")] {
//! use hookshield::inbox::{Finished, Inbox, Verifiers, WorkerOptions};
//! use hookshield::{Provider, SignOptions, Verifier};
//!
//! let dir = std::env::temp_dir().join(format!("hookshield-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! let inbox = Inbox::open(&format!("sqlite:{}", dir.join("inbox-mod.db").display()))?;
//! let verifier = Verifier::new(Provider::Sensei, ["whsec_s"])?;
//!
//! // The receiver: verify, append, answer.
//! let body = hookshield::sample(Provider::Sensei, "approval.required").unwrap();
//! let headers = hookshield::sign(Provider::Sensei, "whsec_s", body.as_bytes(), &SignOptions::default())?;
//! let outcome = inbox.accept(&verifier, body.as_bytes(), &headers);
//! assert_eq!(outcome.answer(Provider::Sensei).body, r#"{"outcome":"queued","idempotency_key":"evt_sensei010"}"#);
//! assert_eq!(inbox.accept(&verifier, body.as_bytes(), &headers).kind(), "duplicate");
//!
//! // A worker: claim, verify again, handle, finish.
//! let verifiers = Verifiers::from(verifier);
//! let work = inbox.next(&verifiers, &WorkerOptions::default())?.expect("one delivery is due");
//! assert_eq!((work.event().event_type(), work.attempt()), ("approval.required", 1));
//! assert_eq!(work.finish(Ok(()))?, Finished::Done);
//! assert_eq!(inbox.stats()?.done, 1);
//! # std::fs::remove_dir_all(&dir)?;
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::{Headers, Outcome, Provider, StoreError, Verifier};

mod records;
#[cfg(feature = "redis")]
mod redis;
mod runner;
#[cfg(feature = "sqlite")]
mod sqlite;
mod worker;

pub use records::{Appended, DeadLetter, Delivery, InboxError, InboxStats, Job};
pub use runner::{JobEnd, JobInfo, Shutdown, Worker, WorkerSummary};
pub use worker::{Finished, Verifiers, Work, WorkerOptions, DEFAULT_BACKOFF, DEFAULT_MAX_BACKOFF};

/// What each backend does; [`Inbox`] adds the rules that do not depend on the storage.
pub(crate) trait Backend: Send + Sync + fmt::Debug {
    /// Appends `delivery` unless its key is already there.
    fn append(&self, delivery: &Delivery) -> Result<Appended, InboxError>;
    /// Claims the oldest due delivery for `lease`.
    fn claim(&self, lease: Duration) -> Result<Option<Job>, InboxError>;
    /// Marks the job done, remembered for `retention`.
    fn complete(&self, job: &Job, retention: Duration) -> Result<(), InboxError>;
    /// Makes the job pending again, due in `due_in`, with its error.
    fn retry(&self, job: &Job, error: &str, due_in: Duration) -> Result<(), InboxError>;
    /// Makes the job a dead letter with its error.
    fn bury(&self, job: &Job, error: &str) -> Result<(), InboxError>;
    /// Makes the job pending again at once, its attempt not counted.
    fn release(&self, job: &Job) -> Result<(), InboxError>;
    /// Counts by state.
    fn stats(&self) -> Result<InboxStats, InboxError>;
    /// The oldest dead letters first.
    fn dead_letters(&self, limit: usize) -> Result<Vec<DeadLetter>, InboxError>;
    /// Makes the dead letters named (or all, for `None`) pending again.
    fn replay(&self, keys: Option<&[&str]>) -> Result<usize, InboxError>;
}

/// A durable inbox of verified deliveries, shared by receivers and workers.
///
/// Cheap to clone (the clones share one backend and its connections), `Send` and `Sync`.
/// See the [module documentation](self) for the whole flow.
#[derive(Clone)]
pub struct Inbox {
    backend: Arc<dyn Backend>,
    retention: Option<Duration>,
}

impl fmt::Debug for Inbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Inbox")
            .field("backend", &self.backend)
            .field("retention", &self.retention)
            .finish()
    }
}

impl Inbox {
    /// Opens the inbox at `url`: `sqlite:PATH` (the file is created with its table if
    /// missing) or `redis://[user:password@]host:port/db` (connecting lazily: the first
    /// call reports an unreachable server). An error never shows the URL's password.
    ///
    /// ```
    /// use hookshield::inbox::Inbox;
    /// let err = Inbox::open("postgres://localhost/db").unwrap_err();
    /// assert_eq!(err.code(), "invalid_config");
    /// ```
    pub fn open(url: &str) -> Result<Inbox, InboxError> {
        let backend: Arc<dyn Backend> = if let Some(path) = url.strip_prefix("sqlite:") {
            sqlite_backend(path)?
        } else if url.starts_with("redis://") || url.starts_with("rediss://") {
            redis_backend(url)?
        } else {
            return Err(InboxError::InvalidConfig {
                reason: "expected sqlite:PATH or redis://HOST:PORT".to_owned(),
            });
        };
        Ok(Inbox {
            backend,
            retention: None,
        })
    }

    /// Sets how long a done delivery is remembered (so that its redelivery is a
    /// duplicate), which is also the longest replay horizon [`Inbox::accept`] uses.
    /// Default: the provider's [`Provider::default_retention`].
    #[must_use]
    pub fn with_retention(mut self, retention: Duration) -> Self {
        self.retention = Some(retention);
        self
    }

    /// How long a done delivery of `provider` (a [`Provider::as_str`] name) is
    /// remembered.
    pub fn retention(&self, provider: &str) -> Duration {
        self.retention.unwrap_or_else(|| {
            provider.parse::<Provider>().map_or_else(
                |_| Provider::longest_default_retention(),
                Provider::default_retention,
            )
        })
    }

    /// Verifies a delivery and appends it: [`Outcome::Queued`] once it is durable,
    /// [`Outcome::Duplicate`] when its key is already in the inbox,
    /// [`Outcome::StoreUnavailable`] (503, the provider retries) when the append failed,
    /// [`Outcome::Rejected`] as [`Verifier::verify`] says. The replay horizon is the
    /// verifier's, capped at this inbox's retention, so that a replay is either
    /// remembered or refused. "Now" is the verifier's clock.
    pub fn accept(
        &self,
        verifier: &Verifier,
        body: &[u8],
        headers: &(impl Headers + ?Sized),
    ) -> Outcome {
        let now_ms = match verifier.clock {
            Some(_) => match verifier.now() {
                Ok(now) => now.saturating_mul(1000),
                Err(error) => return Outcome::Rejected(error),
            },
            None => now_ms(),
        };
        self.accept_at_ms(verifier, body, headers, now_ms)
    }

    /// [`Inbox::accept`] with "now" given in Unix seconds (the delivery's received time).
    pub fn accept_at(
        &self,
        verifier: &Verifier,
        body: &[u8],
        headers: &(impl Headers + ?Sized),
        now: i64,
    ) -> Outcome {
        self.accept_at_ms(verifier, body, headers, now.saturating_mul(1000))
    }

    fn accept_at_ms(
        &self,
        verifier: &Verifier,
        body: &[u8],
        headers: &(impl Headers + ?Sized),
        received_at: i64,
    ) -> Outcome {
        let provider = verifier.provider().as_str();
        let retention = self.retention(provider);
        let horizon = verifier
            .replay_horizon()
            .map_or(retention, |horizon| horizon.min(retention));
        let event = match verifier.verify_within_at(
            body,
            headers,
            received_at.div_euclid(1000),
            Some(horizon),
        ) {
            Ok(event) => Box::new(event),
            Err(error) => return Outcome::Rejected(error),
        };
        let delivery = Delivery {
            provider: provider.to_owned(),
            idempotency_key: event.idempotency_key().to_owned(),
            body: body.to_vec(),
            headers: scheme_headers(verifier, headers),
            received_at,
        };
        match self.append(&delivery) {
            Ok(Appended::Queued) => Outcome::Queued(event),
            Ok(Appended::Duplicate) => Outcome::Duplicate(event),
            Err(error) => Outcome::StoreUnavailable {
                event,
                error: StoreError::Unavailable {
                    reason: match error {
                        InboxError::Unavailable { reason } => reason,
                        other => other.to_string(),
                    },
                },
            },
        }
    }

    /// Appends a delivery durably, unless its key is already in the inbox (pending, in
    /// flight, done or dead): then [`Appended::Duplicate`] and nothing changes.
    ///
    /// The hosts' own steps, for those that run no [`Worker`]: append, claim with a lease,
    /// then complete, retry, bury (a dead letter) or release.
    ///
    /// ```
    /// # #[cfg(feature = "sqlite")] {
    /// use std::time::Duration;
    /// use hookshield::inbox::{Appended, Delivery, Inbox};
    ///
    /// # let dir = std::env::temp_dir().join(format!("hookshield-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let inbox = Inbox::open(&format!("sqlite:{}", dir.join("append.db").display()))?;
    /// let delivery = Delivery {
    ///     provider: "sensei".into(),
    ///     idempotency_key: "evt_1".into(),
    ///     body: b"{}".to_vec(),
    ///     headers: vec![],
    ///     received_at: 1_767_225_600_000,
    /// };
    /// assert_eq!(inbox.append(&delivery)?, Appended::Queued);
    /// assert_eq!(inbox.append(&delivery)?, Appended::Duplicate);
    ///
    /// let job = inbox.claim(Duration::from_secs(30))?.expect("due");
    /// assert_eq!((job.attempt, job.delivery.idempotency_key.as_str()), (1, "evt_1"));
    /// inbox.retry(&job, "downstream timed out", Duration::ZERO)?;
    /// let job = inbox.claim(Duration::from_secs(30))?.expect("due again");
    /// inbox.bury(&job, "downstream refused it")?;
    ///
    /// let dead = inbox.dead_letters(10)?;
    /// assert_eq!((dead[0].attempts, dead[0].last_error.as_str()), (2, "downstream refused it"));
    /// assert_eq!(inbox.replay(&["evt_1"])?, 1);
    /// assert_eq!(inbox.stats()?.pending, 1);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn append(&self, delivery: &Delivery) -> Result<Appended, InboxError> {
        self.backend.append(delivery)
    }

    /// Claims the oldest due delivery (pending and due, or in flight with an expired
    /// lease) for `lease`, its attempt counted. `None` when nothing is due.
    pub fn claim(&self, lease: Duration) -> Result<Option<Job>, InboxError> {
        self.backend.claim(lease)
    }

    /// Marks a claimed delivery done; it is remembered for [`Inbox::retention`].
    /// [`InboxError::LeaseLost`] when another worker took it over.
    pub fn complete(&self, job: &Job) -> Result<(), InboxError> {
        self.backend
            .complete(job, self.retention(&job.delivery.provider))
    }

    /// Makes a claimed delivery pending again in `due_in`, with the handler's `error`.
    /// [`InboxError::LeaseLost`] when another worker took it over.
    pub fn retry(&self, job: &Job, error: &str, due_in: Duration) -> Result<(), InboxError> {
        self.backend.retry(job, error, due_in)
    }

    /// Makes a claimed delivery a dead letter with its last `error`.
    /// [`InboxError::LeaseLost`] when another worker took it over.
    pub fn bury(&self, job: &Job, error: &str) -> Result<(), InboxError> {
        self.backend.bury(job, error)
    }

    /// Gives a claimed delivery back (graceful shutdown): pending again at once, this
    /// attempt not counted. [`InboxError::LeaseLost`] when another worker took it over.
    pub fn release(&self, job: &Job) -> Result<(), InboxError> {
        self.backend.release(job)
    }

    /// How many deliveries are pending, in flight, done (still remembered) and dead, and
    /// the age of the oldest one not yet done or dead.
    pub fn stats(&self) -> Result<InboxStats, InboxError> {
        self.backend.stats()
    }

    /// Up to `limit` dead letters, the oldest failure first.
    pub fn dead_letters(&self, limit: usize) -> Result<Vec<DeadLetter>, InboxError> {
        self.backend.dead_letters(limit)
    }

    /// Makes the dead letters with these keys pending again, with a fresh count of
    /// attempts; keys that are not dead letters are left alone. Returns how many were.
    pub fn replay(&self, keys: &[&str]) -> Result<usize, InboxError> {
        self.backend.replay(Some(keys))
    }

    /// Makes every dead letter pending again; returns how many there were.
    pub fn replay_all_dead(&self) -> Result<usize, InboxError> {
        self.backend.replay(None)
    }
}

/// The headers `verifier`'s scheme reads, as stored (the signature header's values
/// joined, as it is read). Verification succeeded, so every one of them is text.
fn scheme_headers(verifier: &Verifier, headers: &(impl Headers + ?Sized)) -> Vec<(String, String)> {
    let scheme = verifier.scheme();
    let mut stored = Vec::with_capacity(4);
    for (i, name) in scheme.header_names().into_iter().enumerate() {
        let Some(name) = name else { continue };
        let value = if i == 0 {
            headers.joined(name)
        } else {
            headers.header(name).map(std::borrow::Cow::Borrowed)
        };
        if let Some(value) = value {
            stored.push((
                name.to_owned(),
                String::from_utf8_lossy(&value).into_owned(),
            ));
        }
    }
    stored
}

/// A duration in whole milliseconds, saturated.
pub(crate) fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// Unix milliseconds from the system clock.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| {
            i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
        })
}

/// A random lease token.
pub(crate) fn new_token() -> Result<String, InboxError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| InboxError::Unavailable {
        reason: format!("no randomness for a lease token: {e}"),
    })?;
    Ok(hex::encode(bytes))
}

#[cfg(feature = "sqlite")]
fn sqlite_backend(path: &str) -> Result<Arc<dyn Backend>, InboxError> {
    Ok(Arc::new(sqlite::SqliteInbox::open(path)?))
}

#[cfg(not(feature = "sqlite"))]
fn sqlite_backend(_: &str) -> Result<Arc<dyn Backend>, InboxError> {
    Err(InboxError::InvalidConfig {
        reason: "sqlite: needs hookshield's `sqlite` feature".to_owned(),
    })
}

#[cfg(feature = "redis")]
fn redis_backend(url: &str) -> Result<Arc<dyn Backend>, InboxError> {
    Ok(Arc::new(redis::RedisInbox::open(url)?))
}

#[cfg(not(feature = "redis"))]
fn redis_backend(_: &str) -> Result<Arc<dyn Backend>, InboxError> {
    Err(InboxError::InvalidConfig {
        reason: "redis:// needs hookshield's `redis` feature".to_owned(),
    })
}
