//! [`Worker`]: the worker loop in threads, for Rust hosts (and the CLI).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::{Finished, Inbox, InboxError, Verifiers, WorkerOptions};
use crate::{Error, Event};

/// What a handler is told besides the event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobInfo {
    /// Which attempt this is: 1 for the first.
    pub attempt: u32,
    /// The delivery's idempotency key: make side effects outside the inbox idempotent
    /// with it (a handler may run again after a worker stopped mid-handler).
    pub idempotency_key: String,
}

/// How one job ended, as [`Worker::run_with`] reports it after the handler ran and the
/// inbox recorded its result.
#[derive(Debug)]
#[non_exhaustive]
pub struct JobEnd<'a> {
    /// The verified event the handler was given.
    pub event: &'a Event,
    /// The attempt and idempotency key the handler was given.
    pub job: &'a JobInfo,
    /// The handler's error, or `the handler panicked`; `None` when it succeeded.
    pub error: Option<&'a str>,
    /// How long the handler ran.
    pub elapsed: Duration,
    /// What the inbox made of it: [`Finished::Done`], a retry or a dead letter; or
    /// [`InboxError::LeaseLost`] when another worker took the delivery over first (it
    /// runs the handler again), or another error when the result could not be recorded
    /// (the delivery is taken over after its lease).
    pub finished: &'a Result<Finished, InboxError>,
}

/// Tells a running [`Worker`] to stop; clones share the signal.
///
/// ```
/// let shutdown = hookshield::inbox::Shutdown::new();
/// shutdown.clone().stop();
/// assert!(shutdown.is_stopped());
/// ```
#[derive(Debug, Clone, Default)]
pub struct Shutdown {
    stopped: Arc<(Mutex<bool>, Condvar)>,
}

impl Shutdown {
    /// A signal not yet given.
    pub fn new() -> Self {
        Shutdown::default()
    }

    /// Gives the signal: workers finish the handler they are running and return.
    pub fn stop(&self) {
        let (stopped, wake) = &*self.stopped;
        *stopped.lock().unwrap_or_else(PoisonError::into_inner) = true;
        wake.notify_all();
    }

    /// Whether the signal was given.
    pub fn is_stopped(&self) -> bool {
        *self
            .stopped
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits up to `timeout`, or until the signal; returns whether it was given.
    fn wait(&self, timeout: Duration) -> bool {
        let (stopped, wake) = &*self.stopped;
        let guard = stopped.lock().unwrap_or_else(PoisonError::into_inner);
        let (guard, _) = wake
            .wait_timeout_while(guard, timeout, |stopped| !*stopped)
            .unwrap_or_else(PoisonError::into_inner);
        *guard
    }
}

/// What a [`Worker`] did before it stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WorkerSummary {
    /// Deliveries marked done.
    pub done: u64,
    /// Failed attempts scheduled for a retry.
    pub retried: u64,
    /// Deliveries made dead letters after their last attempt.
    pub dead: u64,
    /// Deliveries whose lease was lost before they were finished (another worker took
    /// them over).
    pub lease_lost: u64,
    /// Calls to the inbox that failed (each retried after the poll interval).
    pub inbox_errors: u64,
}

/// Runs a handler over an inbox in [`WorkerOptions::concurrency`] threads until stopped.
///
/// ```
/// # #[cfg(feature = "sqlite")] {
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use hookshield::inbox::{Inbox, Shutdown, Worker, WorkerOptions};
/// use hookshield::{Provider, SignOptions, Verifier};
///
/// let dir = std::env::temp_dir().join(format!("hookshield-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let inbox = Inbox::open(&format!("sqlite:{}", dir.join("worker.db").display()))?;
/// let verifier = Verifier::new(Provider::Kyc, ["whsec_k"])?;
/// for event_type in hookshield::sample_types(Provider::Kyc) {
///     let body = hookshield::sample(Provider::Kyc, event_type).unwrap();
///     let headers = hookshield::sign(Provider::Kyc, "whsec_k", body.as_bytes(), &SignOptions::default())?;
///     assert_eq!(inbox.accept(&verifier, body.as_bytes(), &headers).kind(), "queued");
/// }
///
/// let worker = Worker::new(inbox.clone(), verifier.into(), WorkerOptions::default().concurrency(4))?;
/// let shutdown = Shutdown::new();
/// let handled = AtomicUsize::new(0);
/// let summary = worker.run(
///     |event, job| {
///         assert_eq!(job.idempotency_key, event.idempotency_key());
///         if handled.fetch_add(1, Ordering::SeqCst) + 1 == hookshield::sample_types(Provider::Kyc).len() {
///             shutdown.stop(); // all in: stop once the handlers running now finish
///         }
///         Ok::<(), String>(())
///     },
///     &shutdown,
/// );
/// assert_eq!(summary.done as usize, hookshield::sample_types(Provider::Kyc).len());
/// assert_eq!(inbox.stats()?.pending, 0);
/// # std::fs::remove_dir_all(&dir)?;
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Worker {
    inbox: Inbox,
    verifiers: Verifiers,
    options: WorkerOptions,
}

#[derive(Default)]
struct Counts {
    done: AtomicU64,
    retried: AtomicU64,
    dead: AtomicU64,
    lease_lost: AtomicU64,
    inbox_errors: AtomicU64,
}

impl Worker {
    /// A worker over `inbox`, checking deliveries with `verifiers`; `options` are
    /// validated here.
    pub fn new(inbox: Inbox, verifiers: Verifiers, options: WorkerOptions) -> Result<Self, Error> {
        options.validate()?;
        Ok(Worker {
            inbox,
            verifiers,
            options,
        })
    }

    /// Runs `handler` once per claimed delivery in `concurrency` threads until
    /// `shutdown` is given; then each thread finishes the handler it is running and
    /// records its result, and returns. A handler's error (or panic) schedules a retry,
    /// or makes the delivery a dead letter after the last attempt. An inbox that fails
    /// (Redis restarting, say) is tried again after the poll interval.
    pub fn run<H, E>(&self, handler: H, shutdown: &Shutdown) -> WorkerSummary
    where
        H: Fn(&Event, &JobInfo) -> Result<(), E> + Sync,
        E: std::fmt::Display,
    {
        self.run_with(handler, |_| {}, shutdown)
    }

    /// [`Worker::run`], calling `on_finish` in the handler's thread once the inbox has
    /// recorded each job's result, with how it ended ([`JobEnd`]): done, a retry, a dead
    /// letter, or not recorded (the lease lost to another worker, an inbox error).
    ///
    /// ```
    /// # #[cfg(feature = "sqlite")] {
    /// use std::sync::Mutex;
    /// use hookshield::inbox::{Finished, Inbox, Shutdown, Worker, WorkerOptions};
    /// use hookshield::{Provider, SignOptions, Verifier};
    ///
    /// let dir = std::env::temp_dir().join(format!("hookshield-doc-with-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// let inbox = Inbox::open(&format!("sqlite:{}", dir.join("run-with.db").display()))?;
    /// let verifier = Verifier::new(Provider::Kyc, ["whsec_k"])?;
    /// let body = hookshield::sample(Provider::Kyc, "kyc.session.created").unwrap();
    /// let headers = hookshield::sign(Provider::Kyc, "whsec_k", body.as_bytes(), &SignOptions::default())?;
    /// assert_eq!(inbox.accept(&verifier, body.as_bytes(), &headers).kind(), "queued");
    ///
    /// let options = WorkerOptions::default().max_attempts(2).backoff(std::time::Duration::from_millis(1));
    /// let worker = Worker::new(inbox.clone(), verifier.into(), options)?;
    /// let shutdown = Shutdown::new();
    /// let ends = Mutex::new(Vec::new());
    /// worker.run_with(
    ///     |_, job| if job.attempt == 1 { Err("not yet") } else { Ok(()) },
    ///     |end| {
    ///         let finished = end.finished.as_ref().map_err(|e| e.code());
    ///         ends.lock().unwrap().push((end.job.attempt, end.error.map(str::to_owned), finished.copied()));
    ///         if matches!(finished, Ok(Finished::Done)) {
    ///             shutdown.stop();
    ///         }
    ///     },
    ///     &shutdown,
    /// );
    /// let ends = ends.into_inner().unwrap();
    /// assert_eq!((ends[0].0, ends[0].1.as_deref()), (1, Some("not yet")));
    /// assert!(matches!(ends[0].2, Ok(Finished::Retrying { .. })));
    /// assert_eq!(ends[1], (2, None, Ok(Finished::Done)));
    /// # std::fs::remove_dir_all(&dir)?;
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn run_with<H, E, O>(&self, handler: H, on_finish: O, shutdown: &Shutdown) -> WorkerSummary
    where
        H: Fn(&Event, &JobInfo) -> Result<(), E> + Sync,
        E: std::fmt::Display,
        O: Fn(&JobEnd<'_>) + Sync,
    {
        let counts = Counts::default();
        std::thread::scope(|scope| {
            for _ in 0..self.options.concurrency {
                scope.spawn(|| self.work(&handler, &on_finish, shutdown, &counts));
            }
        });
        WorkerSummary {
            done: counts.done.into_inner(),
            retried: counts.retried.into_inner(),
            dead: counts.dead.into_inner(),
            lease_lost: counts.lease_lost.into_inner(),
            inbox_errors: counts.inbox_errors.into_inner(),
        }
    }

    fn work<H, E, O>(&self, handler: &H, on_finish: &O, shutdown: &Shutdown, counts: &Counts)
    where
        H: Fn(&Event, &JobInfo) -> Result<(), E> + Sync,
        E: std::fmt::Display,
        O: Fn(&JobEnd<'_>) + Sync,
    {
        while !shutdown.is_stopped() {
            let mut work = match self.inbox.next(&self.verifiers, &self.options) {
                Ok(Some(work)) => work,
                Ok(None) => {
                    shutdown.wait(self.options.poll_interval);
                    continue;
                }
                Err(_) => {
                    counts.inbox_errors.fetch_add(1, Ordering::Relaxed);
                    shutdown.wait(self.options.poll_interval);
                    continue;
                }
            };
            if shutdown.is_stopped() {
                // Claimed as the signal came: give it back unhandled.
                if work.release().is_err() {
                    counts.inbox_errors.fetch_add(1, Ordering::Relaxed);
                }
                break;
            }
            let info = JobInfo {
                attempt: work.attempt(),
                idempotency_key: work.idempotency_key().to_owned(),
            };
            let started = Instant::now();
            let result = match catch_unwind(AssertUnwindSafe(|| handler(work.event(), &info))) {
                Ok(result) => result.map_err(|e| e.to_string()),
                Err(_) => Err("the handler panicked".to_owned()),
            };
            let elapsed = started.elapsed();
            let error = result.as_ref().err().cloned();
            let finished = work.record(result);
            let counter = match &finished {
                Ok(Finished::Done) => &counts.done,
                Ok(Finished::Retrying { .. }) => &counts.retried,
                Ok(Finished::Dead) => &counts.dead,
                Err(InboxError::LeaseLost { .. }) => &counts.lease_lost,
                Err(_) => &counts.inbox_errors,
            };
            counter.fetch_add(1, Ordering::Relaxed);
            // An observer that panics must not end the thread: the next job still runs.
            let _ = catch_unwind(AssertUnwindSafe(|| {
                on_finish(&JobEnd {
                    event: work.event(),
                    job: &info,
                    error: error.as_deref(),
                    elapsed,
                    finished: &finished,
                });
            }));
        }
    }
}
