//! A worker's steps over the core's inbox: claim the next due delivery (checked again by
//! the core), then finish it with the handler's result or release it, each on libuv's
//! thread pool. The loop and the handler are JavaScript's (`lib/inbox.js`).

// Exported functions take owned arguments: that is how napi converts JavaScript values.
#![allow(clippy::needless_pass_by_value)]

use std::sync::Arc;

use hookshield::inbox::{Finished, Inbox, InboxError, Verifiers, Work, WorkerOptions};
use napi::bindgen_prelude::{AsyncTask, Either};
use napi::{Env, Task};
use napi_derive::napi;

use super::InboxFailure;
use crate::verifier::NativeVerifier;
use crate::{to_js, wire, Result};

/// A worker's settings from JavaScript numbers, each checked by the core.
pub(super) fn options(
    concurrency: Option<f64>,
    max_attempts: Option<f64>,
    lease: Option<f64>,
    backoff: Option<f64>,
    max_backoff: Option<f64>,
    poll_interval: Option<f64>,
) -> std::result::Result<WorkerOptions, hookshield::Error> {
    use hookshield::options;
    let mut settings = WorkerOptions::default();
    if let Some(n) = concurrency {
        settings = settings.concurrency(options::concurrency(n)?);
    }
    if let Some(n) = max_attempts {
        settings = settings.max_attempts(options::max_attempts(n)?);
    }
    if let Some(s) = lease {
        settings = settings.lease(options::lease(s)?);
    }
    if let Some(s) = backoff {
        settings = settings.backoff(options::backoff(s)?);
    }
    if let Some(s) = max_backoff {
        settings = settings.max_backoff(options::backoff(s)?);
    }
    if let Some(s) = poll_interval {
        settings = settings.poll_interval(options::poll_interval(s)?);
    }
    settings.validate()?;
    Ok(settings)
}

/// A worker's settings and verifiers; `next_async` claims the next delivery.
#[napi]
pub struct NativeInboxWorker {
    inbox: Inbox,
    verifiers: Arc<Verifiers>,
    options: WorkerOptions,
}

impl NativeInboxWorker {
    /// A worker over `inbox` with `options` and, until `add_verifier`, no verifiers.
    pub(super) fn new(inbox: Inbox, options: WorkerOptions) -> Self {
        NativeInboxWorker {
            inbox,
            verifiers: Arc::new(Verifiers::new()),
            options,
        }
    }
}

#[napi]
impl NativeInboxWorker {
    /// Adds the verifier for its provider (replacing one for the same provider).
    #[napi]
    pub fn add_verifier(&mut self, verifier: &NativeVerifier) {
        Arc::make_mut(&mut self.verifiers).insert(verifier.core().clone());
    }

    /// How many lanes the JavaScript loop runs.
    #[napi(getter)]
    pub fn concurrency(&self) -> u32 {
        self.options.concurrency as u32
    }

    /// How long an idle lane waits before looking again, in seconds.
    #[napi(getter)]
    pub fn poll_interval(&self) -> f64 {
        self.options.poll_interval.as_secs_f64()
    }

    /// Claims the next due delivery and checks it again, on a worker thread: the work,
    /// `null` when nothing is due, or the error.
    #[napi(ts_return_type = "Promise<NativeWork | InboxFailure | null>")]
    pub fn next_async(&self) -> AsyncTask<NextTask> {
        AsyncTask::new(NextTask {
            inbox: self.inbox.clone(),
            verifiers: Arc::clone(&self.verifiers),
            options: self.options,
        })
    }
}

/// Claiming the next delivery, on a worker thread.
pub struct NextTask {
    inbox: Inbox,
    verifiers: Arc<Verifiers>,
    options: WorkerOptions,
}

impl Task for NextTask {
    type Output = std::result::Result<Option<Work>, InboxError>;
    type JsValue = Option<Either<NativeWork, InboxFailure>>;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(self.inbox.next(&self.verifiers, &self.options))
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        Ok(match output {
            Ok(None) => None,
            Ok(Some(work)) => Some(Either::A(NativeWork::new(work))),
            Err(error) => Some(Either::B(error.into())),
        })
    }
}

/// A claimed delivery whose signature held again: its event for the handler, then
/// `finish_async` (or `release_async`). Collected unfinished, it is released.
#[napi]
pub struct NativeWork {
    work: Option<Work>,
    packed: String,
    body: String,
    provider: String,
    attempt: u32,
    idempotency_key: String,
}

impl NativeWork {
    fn new(work: Work) -> Self {
        let event = work.event();
        NativeWork {
            packed: wire::packed(event),
            body: event.body().to_owned(),
            provider: work.job().delivery.provider.clone(),
            attempt: work.attempt(),
            idempotency_key: work.idempotency_key().to_owned(),
            work: Some(work),
        }
    }

    fn take(&mut self) -> Result<Work> {
        self.work
            .take()
            .ok_or_else(|| to_js(&wire::config("this work was already finished or released")))
    }
}

/// How a [`FinishTask`] left the delivery.
#[napi(object)]
pub struct FinishAnswer {
    /// `done`, `retrying`, `dead` or `released`.
    pub finished: Option<String>,
    /// For `retrying`: the delay before the retry, in seconds.
    pub due_in_seconds: Option<f64>,
    /// The error's code (`lease_lost`: another worker took the delivery over).
    pub error_code: Option<String>,
    /// The error's message.
    pub error_message: Option<String>,
}

/// Finishing (with the handler's result) or releasing a work, on a worker thread.
pub struct FinishTask {
    work: Option<Work>,
    /// `None`: release; `Some(result)`: finish with the handler's result.
    result: Option<std::result::Result<(), String>>,
}

impl Task for FinishTask {
    type Output = FinishAnswer;
    type JsValue = FinishAnswer;

    fn compute(&mut self) -> napi::Result<FinishAnswer> {
        let Some(work) = self.work.take() else {
            return Err(napi::Error::from_reason("the work was already finished"));
        };
        let result = match self.result.take() {
            Some(result) => work.finish(result).map(|finished| match finished {
                Finished::Done => ("done", None),
                Finished::Retrying { due_in } => ("retrying", Some(due_in.as_secs_f64())),
                Finished::Dead => ("dead", None),
            }),
            None => work.release().map(|()| ("released", None)),
        };
        Ok(match result {
            Ok((finished, due_in_seconds)) => FinishAnswer {
                finished: Some(finished.to_owned()),
                due_in_seconds,
                error_code: None,
                error_message: None,
            },
            Err(error) => {
                let failure = InboxFailure::from(error);
                FinishAnswer {
                    finished: None,
                    due_in_seconds: None,
                    error_code: Some(failure.error_code),
                    error_message: Some(failure.error_message),
                }
            }
        })
    }

    fn resolve(&mut self, _env: Env, output: FinishAnswer) -> napi::Result<FinishAnswer> {
        Ok(output)
    }
}

#[napi]
impl NativeWork {
    /// The event's packed fields (`wire::packed`).
    #[napi(getter)]
    pub fn packed(&self) -> String {
        self.packed.clone()
    }

    /// The verified body, as text.
    #[napi(getter)]
    pub fn body(&self) -> String {
        self.body.clone()
    }

    /// The provider's name.
    #[napi(getter)]
    pub fn provider(&self) -> String {
        self.provider.clone()
    }

    /// Which attempt this is: 1 for the first.
    #[napi(getter)]
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The delivery's idempotency key.
    #[napi(getter)]
    pub fn idempotency_key(&self) -> String {
        self.idempotency_key.clone()
    }

    /// Records the handler's result (`error`: its message when it failed), on a worker
    /// thread: done, a retry after backoff, or a dead letter after the last attempt.
    #[napi(ts_return_type = "Promise<FinishAnswer>")]
    pub fn finish_async(&mut self, error: Option<String>) -> Result<AsyncTask<FinishTask>> {
        Ok(AsyncTask::new(FinishTask {
            work: Some(self.take()?),
            result: Some(error.map_or(Ok(()), Err)),
        }))
    }

    /// Gives the delivery back unhandled (a worker stopping), on a worker thread.
    #[napi(ts_return_type = "Promise<FinishAnswer>")]
    pub fn release_async(&mut self) -> Result<AsyncTask<FinishTask>> {
        Ok(AsyncTask::new(FinishTask {
            work: Some(self.take()?),
            result: None,
        }))
    }
}
