//! The durable inbox: `hookshield.Inbox`, the `Job` a worker's handler gets, and the
//! claiming half of a worker (`hookshield._worker.Worker` runs the loop in threads or
//! tasks). Every rule (append, lease, verify again, retry, backoff, dead letters) is the
//! core's `hookshield::inbox`; every call that waits for the disk or the network runs
//! with the interpreter released.

use std::sync::{Mutex, PoisonError};

use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use hookshield::inbox::{self, Finished, InboxError, Verifiers, WorkerOptions};
use hookshield::options;

use crate::convert::{self, py_repr, type_name};
use crate::errors;
use crate::event::Event;
use crate::outcome::Outcome;
use crate::verifier::Verifier;

/// The Python exception for an inbox failure: `ConfigurationError` for a bad URL or
/// option, `StoreUnavailableError` when the storage fails, and a `StoreError` with code
/// `lease_lost` when another worker took a delivery over.
fn inbox_error(py: Python<'_>, error: InboxError) -> PyErr {
    match error {
        InboxError::InvalidConfig { reason } => errors::config_error(py, reason),
        InboxError::LeaseLost { .. } => {
            let build = || -> PyResult<PyErr> {
                let class = py.import("hookshield._errors")?.getattr("StoreError")?;
                let instance = class.call1((error.to_string(), error.code(), 409))?;
                Ok(PyErr::from_value(instance))
            };
            build().unwrap_or_else(|failed| failed)
        }
        other => errors::store_error(
            py,
            &hookshield::StoreError::Unavailable {
                reason: other.to_string(),
            },
        ),
    }
}

/// A durable inbox of verified deliveries: `sqlite:PATH` or `redis://…`.
#[pyclass(frozen, module = "hookshield", name = "Inbox")]
pub(crate) struct Inbox {
    inner: inbox::Inbox,
    /// The URL without user, password or query: what `repr` shows.
    location: String,
}

#[pymethods]
impl Inbox {
    #[new]
    fn new(py: Python<'_>, url: &str) -> PyResult<Self> {
        let inner = py
            .detach(|| inbox::Inbox::open(url))
            .map_err(|e| inbox_error(py, e))?;
        let location = if url.starts_with("sqlite:") {
            url.to_owned()
        } else {
            crate::store::redacted_url(url)
        };
        Ok(Inbox { inner, location })
    }

    /// Verifies a delivery and appends it durably: the `Outcome` is `queued` (200) once
    /// it is stored, `duplicate` (200) when its key is already in the inbox,
    /// `store_unavailable` (503: the provider retries) when the append failed, or
    /// `rejected`. Never raises for a delivery.
    fn accept(
        &self,
        py: Python<'_>,
        verifier: &Bound<'_, Verifier>,
        body: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
    ) -> PyResult<Outcome> {
        let verifier = verifier.get();
        let body = convert::body(body)?;
        let headers = convert::headers(headers, verifier.wanted_headers())?;
        let now = verifier.now(py)?;
        let core = verifier.core();
        let bytes = body.as_bytes();
        let outcome = py.detach(|| match now {
            Some(now) => self.inner.accept_at(core, bytes, &headers, now),
            None => self.inner.accept(core, bytes, &headers),
        });
        Outcome::from_core(py, core.provider(), &outcome, None, None)
    }

    /// `{"pending", "in_flight", "done", "dead", "oldest_pending_seconds"}`.
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let stats = py
            .detach(|| self.inner.stats())
            .map_err(|e| inbox_error(py, e))?;
        let dict = PyDict::new(py);
        dict.set_item("pending", stats.pending)?;
        dict.set_item("in_flight", stats.in_flight)?;
        dict.set_item("done", stats.done)?;
        dict.set_item("dead", stats.dead)?;
        dict.set_item("oldest_pending_seconds", stats.oldest_pending_seconds)?;
        Ok(dict)
    }

    /// Up to `limit` dead letters, the oldest failure first: dicts with
    /// `idempotency_key`, `provider`, `attempts`, `last_error` and `failed_at` (Unix
    /// seconds).
    #[pyo3(signature = (limit = 100))]
    fn dead_letters<'py>(
        &self,
        py: Python<'py>,
        limit: usize,
    ) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let letters = py
            .detach(|| self.inner.dead_letters(limit))
            .map_err(|e| inbox_error(py, e))?;
        letters
            .into_iter()
            .map(|letter| {
                let dict = PyDict::new(py);
                dict.set_item("idempotency_key", letter.idempotency_key)?;
                dict.set_item("provider", letter.provider)?;
                dict.set_item("attempts", letter.attempts)?;
                dict.set_item("last_error", letter.last_error)?;
                dict.set_item("failed_at", letter.failed_at as f64 / 1000.0)?;
                Ok(dict)
            })
            .collect()
    }

    /// Makes the dead letters with these keys pending again (a fresh count of
    /// attempts); returns how many were dead letters.
    // pyo3 extracts the list into an owned `Vec` (and refuses a lone `str`).
    #[allow(clippy::needless_pass_by_value)]
    fn replay(&self, py: Python<'_>, keys: Vec<String>) -> PyResult<usize> {
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        py.detach(|| self.inner.replay(&keys))
            .map_err(|e| inbox_error(py, e))
    }

    /// Makes every dead letter pending again; returns how many there were.
    fn replay_all_dead(&self, py: Python<'_>) -> PyResult<usize> {
        py.detach(|| self.inner.replay_all_dead())
            .map_err(|e| inbox_error(py, e))
    }

    /// A worker running `handler(event, job)` on each delivery, `concurrency` at a time:
    /// `.run()` in threads, `await .run_async()` on an event loop. `verifier` (or
    /// `verifiers`, one per provider) checks each stored delivery again before it is
    /// handled.
    #[pyo3(signature = (handler, *, verifier = None, verifiers = None, concurrency = 1, max_attempts = 10, lease = 30.0, backoff = 1.0, max_backoff = 3600.0, poll_interval = 0.2))]
    #[allow(clippy::too_many_arguments)]
    fn worker(
        slf: &Bound<'_, Self>,
        handler: &Bound<'_, PyAny>,
        verifier: Option<&Bound<'_, Verifier>>,
        verifiers: Option<&Bound<'_, PyAny>>,
        concurrency: i64,
        max_attempts: i64,
        lease: f64,
        backoff: f64,
        max_backoff: f64,
        poll_interval: f64,
    ) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        if !handler.is_callable() {
            return Err(PyTypeError::new_err(format!(
                "handler must be callable, not {}",
                type_name(handler)
            )));
        }
        let verifiers = worker_verifiers(verifier, verifiers)?;
        let checked = || -> Result<WorkerOptions, hookshield::Error> {
            Ok(WorkerOptions::default()
                .concurrency(options::concurrency(concurrency as f64)?)
                .max_attempts(options::max_attempts(max_attempts as f64)?)
                .lease(options::lease(lease)?)
                .backoff(options::backoff(backoff)?)
                .max_backoff(options::backoff(max_backoff)?)
                .poll_interval(options::poll_interval(poll_interval)?))
        };
        let options = checked().map_err(|e| errors::to_pyerr(py, &e))?;
        options.validate().map_err(|e| errors::to_pyerr(py, &e))?;
        let claimer = Claimer {
            inbox: slf.get().inner.clone(),
            verifiers,
            options,
        };
        Ok(py
            .import("hookshield._worker")?
            .getattr("Worker")?
            .call1((slf, handler, claimer, options.concurrency, poll_interval))?
            .unbind())
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!("Inbox({})", py_repr(py, &self.location))
    }
}

/// The verifiers of a worker: one `Verifier`, or a list of them (one per provider).
fn worker_verifiers(
    verifier: Option<&Bound<'_, Verifier>>,
    verifiers: Option<&Bound<'_, PyAny>>,
) -> PyResult<Verifiers> {
    let mut out = Verifiers::new();
    match (verifier, verifiers) {
        (Some(one), None) => out.insert(one.get().core().clone()),
        (None, Some(many)) => {
            for item in many.try_iter()? {
                let item = item?;
                let one = item.cast::<Verifier>().map_err(|_| {
                    PyTypeError::new_err(format!(
                        "verifiers must hold hookshield.Verifier objects, not {}",
                        type_name(&item)
                    ))
                })?;
                out.insert(one.get().core().clone());
            }
        }
        _ => {
            return Err(PyTypeError::new_err(
                "give the worker verifier= (one provider) or verifiers=[...] (several)",
            ))
        }
    }
    Ok(out)
}

/// The claiming half of a worker: the inbox, its verifiers and options.
#[pyclass(frozen, module = "hookshield", name = "_Claimer")]
pub(crate) struct Claimer {
    inbox: inbox::Inbox,
    verifiers: Verifiers,
    options: WorkerOptions,
}

#[pymethods]
impl Claimer {
    /// Claims the next due delivery whose signature holds again (others become dead
    /// letters on the way), or None when nothing is due.
    fn next(&self, py: Python<'_>) -> PyResult<Option<Job>> {
        let work = py
            .detach(|| self.inbox.next(&self.verifiers, &self.options))
            .map_err(|e| inbox_error(py, e))?;
        work.map(|work| Job::new(py, work)).transpose()
    }
}

/// A delivery a worker holds: what the handler gets beside the event.
#[pyclass(frozen, module = "hookshield", name = "Job")]
pub(crate) struct Job {
    work: Mutex<Option<inbox::Work>>,
    event: Py<Event>,
    attempt: u32,
    idempotency_key: String,
    provider: String,
    received_at: i64,
}

impl Job {
    fn new(py: Python<'_>, work: inbox::Work) -> PyResult<Self> {
        let delivery = &work.job().delivery;
        Ok(Job {
            event: Py::new(py, Event::new(work.event().clone()))?,
            attempt: work.attempt(),
            idempotency_key: work.idempotency_key().to_owned(),
            provider: delivery.provider.clone(),
            received_at: delivery.received_at,
            work: Mutex::new(Some(work)),
        })
    }

    fn take(&self) -> PyResult<inbox::Work> {
        self.work
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
            .ok_or_else(|| PyRuntimeError::new_err("this job is already finished"))
    }
}

#[pymethods]
impl Job {
    /// The verified event (the handler's first argument).
    #[getter]
    fn event(&self, py: Python<'_>) -> Py<Event> {
        self.event.clone_ref(py)
    }

    /// Which attempt this is: 1 for the first.
    #[getter]
    fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The delivery's idempotency key: make side effects outside the inbox idempotent
    /// with it (the handler runs at least once per delivery).
    #[getter]
    fn idempotency_key(&self) -> &str {
        &self.idempotency_key
    }

    /// The provider's name.
    #[getter]
    fn provider(&self) -> &str {
        &self.provider
    }

    /// When the receiver accepted the delivery, in Unix seconds.
    #[getter]
    fn received_at(&self) -> f64 {
        self.received_at as f64 / 1000.0
    }

    /// Records the handler's result (`error` None for success): `"done"`,
    /// `"retrying"` or `"dead"`. Used by the worker.
    #[pyo3(signature = (error = None))]
    fn _finish(&self, py: Python<'_>, error: Option<String>) -> PyResult<&'static str> {
        let work = self.take()?;
        let result = error.map_or(Ok(()), Err);
        match py.detach(|| work.finish(result)) {
            Ok(Finished::Done) => Ok("done"),
            Ok(Finished::Retrying { .. }) => Ok("retrying"),
            Ok(Finished::Dead) => Ok("dead"),
            Err(e) => Err(inbox_error(py, e)),
        }
    }

    /// Gives the delivery back unhandled (graceful shutdown). Used by the worker.
    fn _release(&self, py: Python<'_>) -> PyResult<()> {
        let work = self.take()?;
        py.detach(|| work.release()).map_err(|e| inbox_error(py, e))
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Job(idempotency_key={}, attempt={})",
            py_repr(py, &self.idempotency_key),
            self.attempt
        )
    }
}
