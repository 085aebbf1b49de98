//! The core's durable inbox (`hookshield::inbox`): appending verified deliveries, and the
//! steps of a worker (claim and check again, then finish). Every call does I/O (a SQLite
//! file, or Redis), so each runs as napi async work on libuv's thread pool and JavaScript
//! gets a promise; only `open` runs on the calling thread (it opens a SQLite file and
//! creates its table; a Redis inbox connects on first use). The worker's loop, and the
//! handler, are JavaScript's (`lib/inbox.js`).
//!
//! Calls answer rather than reject: an answer carries the core's error code and message
//! (`store_unavailable`, `invalid_config`, `lease_lost`) for the JavaScript layer to throw.

// Exported functions take owned arguments: that is how napi converts JavaScript values.
#![allow(clippy::needless_pass_by_value, clippy::too_many_arguments)]

use hookshield::inbox::{Inbox, InboxError};
use hookshield::{Outcome, Verifier};
use napi::bindgen_prelude::AsyncTask;
use napi::{Env, Task};
use napi_derive::napi;

use crate::verifier::NativeVerifier;
use crate::{to_js, wire, Result};

mod worker;

pub use worker::{FinishAnswer, FinishTask, NativeInboxWorker, NativeWork, NextTask};

/// The core's inbox at a URL (`sqlite:PATH`, `redis://…`).
#[napi]
pub struct NativeInbox {
    inbox: Inbox,
}

/// The core's error, as an answer's `error_code` and `error_message`.
#[napi(object)]
pub struct InboxFailure {
    /// `store_unavailable`, `invalid_config` or `lease_lost`.
    pub error_code: String,
    /// The core's message (never the URL or a password).
    pub error_message: String,
}

impl From<InboxError> for InboxFailure {
    fn from(error: InboxError) -> Self {
        InboxFailure {
            error_code: error.code().to_owned(),
            error_message: error.to_string(),
        }
    }
}

/// What became of a delivery given to the inbox: the core's `Outcome`.
#[napi(object)]
pub struct AcceptAnswer {
    /// `queued`, `duplicate`, `rejected` or `store_unavailable`.
    pub kind: String,
    /// `{status}|{1 if acknowledged, else 0}|{JSON body}`, from the core's answer.
    pub settled: String,
    /// The event's packed fields (`wire::packed`), or `!{code}|{message}` when rejected.
    pub packed: String,
    /// The inbox's error message, for `store_unavailable`.
    pub message: Option<String>,
}

/// A delivery on its way into the inbox, verified and appended on a worker thread.
pub struct AcceptTask {
    inbox: Inbox,
    verifier: Verifier,
    body: Vec<u8>,
    values: Option<[Option<String>; 4]>,
    now: f64,
}

impl Task for AcceptTask {
    type Output = AcceptAnswer;
    type JsValue = AcceptAnswer;

    fn compute(&mut self) -> napi::Result<AcceptAnswer> {
        let values = self.values.take().unwrap_or_default();
        let headers = wire::headers(&self.verifier, values);
        let outcome = match wire::unix_seconds(self.now) {
            Ok(now) => self
                .inbox
                .accept_at(&self.verifier, &self.body, &headers, now),
            Err(error) => Outcome::Rejected(error),
        };
        let (packed, message) = match &outcome {
            Outcome::Rejected(error) => (wire::packed_error(error), None),
            Outcome::StoreUnavailable { event, error } => {
                (wire::packed(event), Some(error.to_string()))
            }
            other => (other.event().map(wire::packed).unwrap_or_default(), None),
        };
        Ok(AcceptAnswer {
            kind: outcome.kind().to_owned(),
            settled: wire::answer(&outcome, self.verifier.provider()),
            packed,
            message,
        })
    }

    fn resolve(&mut self, _env: Env, output: AcceptAnswer) -> napi::Result<AcceptAnswer> {
        Ok(output)
    }
}

/// How many deliveries the inbox holds, by state (the core's `InboxStats`).
#[napi(object)]
pub struct InboxCounts {
    /// Waiting for a worker, scheduled retries included.
    pub pending: f64,
    /// Claimed by a worker.
    pub in_flight: f64,
    /// Handled, and remembered for the retention.
    pub done: f64,
    /// Dead letters.
    pub dead: f64,
    /// Age in seconds of the oldest delivery pending or in flight, if any.
    pub oldest_pending_seconds: Option<f64>,
}

/// A dead letter (the core's `DeadLetter`).
#[napi(object)]
pub struct InboxDeadLetter {
    /// The key `replay` takes.
    pub idempotency_key: String,
    /// The provider's name.
    pub provider: String,
    /// How many attempts ran.
    pub attempts: u32,
    /// The last error.
    pub last_error: String,
    /// When it became a dead letter, in Unix milliseconds.
    pub failed_at: f64,
}

/// The answer of a query: one of its fields, or the error.
#[napi(object)]
pub struct QueryAnswer {
    /// For `stats`.
    pub stats: Option<InboxCounts>,
    /// For `deadLetters`.
    pub dead_letters: Option<Vec<InboxDeadLetter>>,
    /// For `replay` and `replayAllDead`: how many became pending again.
    pub count: Option<f64>,
    /// The error's code, when the call failed.
    pub error_code: Option<String>,
    /// The error's message.
    pub error_message: Option<String>,
}

/// What a [`QueryTask`] asks.
#[derive(Debug)]
pub enum Query {
    /// Counts by state.
    Stats,
    /// Up to this many dead letters.
    DeadLetters(usize),
    /// Replay these keys.
    Replay(Vec<String>),
    /// Replay every dead letter.
    ReplayAllDead,
}

/// A query of the inbox, on a worker thread.
pub struct QueryTask {
    inbox: Inbox,
    query: Query,
}

impl Task for QueryTask {
    type Output = QueryAnswer;
    type JsValue = QueryAnswer;

    fn compute(&mut self) -> napi::Result<QueryAnswer> {
        let mut answer = QueryAnswer {
            stats: None,
            dead_letters: None,
            count: None,
            error_code: None,
            error_message: None,
        };
        let result = match &self.query {
            Query::Stats => self.inbox.stats().map(|stats| {
                answer.stats = Some(InboxCounts {
                    pending: stats.pending as f64,
                    in_flight: stats.in_flight as f64,
                    done: stats.done as f64,
                    dead: stats.dead as f64,
                    oldest_pending_seconds: stats.oldest_pending_seconds,
                });
            }),
            Query::DeadLetters(limit) => self.inbox.dead_letters(*limit).map(|letters| {
                let letters = letters.into_iter().map(|letter| InboxDeadLetter {
                    idempotency_key: letter.idempotency_key,
                    provider: letter.provider,
                    attempts: letter.attempts,
                    last_error: letter.last_error,
                    failed_at: letter.failed_at as f64,
                });
                answer.dead_letters = Some(letters.collect());
            }),
            Query::Replay(keys) => {
                let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
                self.inbox
                    .replay(&keys)
                    .map(|count| answer.count = Some(count as f64))
            }
            Query::ReplayAllDead => self
                .inbox
                .replay_all_dead()
                .map(|count| answer.count = Some(count as f64)),
        };
        if let Err(error) = result {
            let failure = InboxFailure::from(error);
            answer.error_code = Some(failure.error_code);
            answer.error_message = Some(failure.error_message);
        }
        Ok(answer)
    }

    fn resolve(&mut self, _env: Env, output: QueryAnswer) -> napi::Result<QueryAnswer> {
        Ok(output)
    }
}

#[napi]
impl NativeInbox {
    /// Opens the inbox at `url` (a SQLite file is created with its table if missing).
    /// Throws `invalid_config` for a URL naming no backend, `store_unavailable` when the
    /// storage cannot be opened; neither shows the URL's password.
    #[napi(factory)]
    pub fn open(url: String) -> Result<Self> {
        let inbox = Inbox::open(&url).map_err(|e| inbox_error(&e))?;
        Ok(NativeInbox { inbox })
    }

    /// Verifies a delivery with `verifier` (given the values of its
    /// `header_names`) at `now` (Unix seconds) and appends it, on a worker thread.
    #[napi(ts_return_type = "Promise<AcceptAnswer>")]
    pub fn accept_async(
        &self,
        verifier: &NativeVerifier,
        body: &[u8],
        signature: Option<String>,
        timestamp: Option<String>,
        id: Option<String>,
        event: Option<String>,
        now: f64,
    ) -> AsyncTask<AcceptTask> {
        AsyncTask::new(AcceptTask {
            inbox: self.inbox.clone(),
            verifier: verifier.core().clone(),
            body: body.to_vec(),
            values: Some([signature, timestamp, id, event]),
            now,
        })
    }

    /// Counts by state, on a worker thread.
    #[napi(ts_return_type = "Promise<QueryAnswer>")]
    pub fn stats_async(&self) -> AsyncTask<QueryTask> {
        self.query(Query::Stats)
    }

    /// Up to `limit` dead letters, the oldest failure first, on a worker thread.
    #[napi(ts_return_type = "Promise<QueryAnswer>")]
    pub fn dead_letters_async(&self, limit: u32) -> AsyncTask<QueryTask> {
        self.query(Query::DeadLetters(limit as usize))
    }

    /// Makes the dead letters with these keys pending again, on a worker thread.
    #[napi(ts_return_type = "Promise<QueryAnswer>")]
    pub fn replay_async(&self, keys: Vec<String>) -> AsyncTask<QueryTask> {
        self.query(Query::Replay(keys))
    }

    /// Makes every dead letter pending again, on a worker thread.
    #[napi(ts_return_type = "Promise<QueryAnswer>")]
    pub fn replay_all_dead_async(&self) -> AsyncTask<QueryTask> {
        self.query(Query::ReplayAllDead)
    }

    /// A worker's settings, checked by the core (`hookshield::options`): `concurrency`
    /// (the JavaScript loop's lanes), `max_attempts`, and `lease`, `backoff`,
    /// `max_backoff`, `poll_interval` in seconds; absent ones are the core's defaults.
    #[napi]
    pub fn worker(
        &self,
        concurrency: Option<f64>,
        max_attempts: Option<f64>,
        lease: Option<f64>,
        backoff: Option<f64>,
        max_backoff: Option<f64>,
        poll_interval: Option<f64>,
    ) -> Result<NativeInboxWorker> {
        let options = worker::options(
            concurrency,
            max_attempts,
            lease,
            backoff,
            max_backoff,
            poll_interval,
        )
        .map_err(|e| to_js(&e))?;
        Ok(NativeInboxWorker::new(self.inbox.clone(), options))
    }

    /// The inbox, as the core describes it (never the URL's password).
    #[napi]
    pub fn describe(&self) -> String {
        format!("{:?}", self.inbox)
    }
}

impl NativeInbox {
    fn query(&self, query: Query) -> AsyncTask<QueryTask> {
        AsyncTask::new(QueryTask {
            inbox: self.inbox.clone(),
            query,
        })
    }
}

/// The inbox's error as a JavaScript error with the core's code.
fn inbox_error(error: &InboxError) -> napi::Error<crate::Code> {
    napi::Error::new(crate::Code(error.code()), error.to_string())
}
