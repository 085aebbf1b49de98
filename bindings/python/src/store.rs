//! Exactly-once processing: `MemoryStore`, `RedisStore` and `Claim`.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;

use hookshield::{options, IdempotencyStore, KeyedStore, Provider};

use crate::convert::type_name;
use crate::errors;
use crate::event::Event;
use crate::outcome::Outcome;

/// The store handle the core's `claim_event` takes: any `IdempotencyStore`, so a Redis
/// store can plug in the same way as the memory one.
pub(crate) type StoreHandle = Arc<dyn IdempotencyStore>;

/// A claim's lease, checked by the core (`hookshield::options::lease`).
pub(crate) fn lease(py: Python<'_>, seconds: f64) -> PyResult<Duration> {
    options::lease(seconds).map_err(|e| errors::to_pyerr(py, &e))
}

/// How long a processed key is remembered, checked by the core
/// (`hookshield::options::retention`).
pub(crate) fn retention(py: Python<'_>, seconds: f64) -> PyResult<Duration> {
    options::retention(seconds).map_err(|e| errors::to_pyerr(py, &e))
}

/// A bounded, thread-safe, in-process idempotency store.
#[pyclass(frozen, module = "hookshield", name = "MemoryStore")]
pub(crate) struct MemoryStore {
    keyed: KeyedStore<StoreHandle>,
    capacity: usize,
}

const _: () = assert!(hookshield::MemoryStore::DEFAULT_CAPACITY == 100_000);

#[pymethods]
impl MemoryStore {
    #[new]
    // The core's default, written out so that Python's signature (and the stub) show it.
    #[pyo3(signature = (capacity = 100_000))]
    fn new(py: Python<'_>, capacity: i64) -> PyResult<Self> {
        let capacity = options::capacity(capacity as f64).map_err(|e| errors::to_pyerr(py, &e))?;
        let store: StoreHandle = Arc::new(hookshield::MemoryStore::new(capacity));
        Ok(MemoryStore {
            keyed: KeyedStore::new(store),
            capacity,
        })
    }

    /// The most keys kept.
    #[getter]
    fn capacity(&self) -> usize {
        self.capacity
    }

    /// Claims `key`: `ClaimState.FRESH` (this caller must `complete` or `release` it),
    /// `IN_PROGRESS` (another caller holds it) or `DONE`.
    #[pyo3(signature = (key, lease_seconds = 30.0))]
    fn begin(&self, py: Python<'_>, key: &str, lease_seconds: f64) -> PyResult<Py<PyAny>> {
        keyed_begin(py, &self.keyed, false, key, lease_seconds)
    }

    /// Marks this caller's claim on `key` done for `retention_seconds` (default: the
    /// longest default retention of any provider, 96 hours).
    #[pyo3(signature = (key, retention_seconds = None))]
    fn complete(&self, py: Python<'_>, key: &str, retention_seconds: Option<f64>) -> PyResult<()> {
        keyed_complete(py, &self.keyed, false, key, retention_seconds)
    }

    /// Gives this caller's claim on `key` up, so a redelivery is processed.
    fn release(&self, py: Python<'_>, key: &str) -> PyResult<()> {
        keyed_release(py, &self.keyed, false, key)
    }

    fn __repr__(&self) -> String {
        format!("MemoryStore(capacity={})", self.capacity)
    }
}

/// The idempotency store in Redis, shared by every receiver process and machine.
#[pyclass(frozen, module = "hookshield", name = "RedisStore")]
pub(crate) struct RedisStore {
    keyed: KeyedStore<StoreHandle>,
    /// The URL without user, password or query: what `repr` shows.
    location: String,
    prefix: String,
    timeout: f64,
}

#[pymethods]
impl RedisStore {
    #[new]
    #[pyo3(signature = (url, *, prefix = "hookshield:", timeout = 2.0))]
    fn new(py: Python<'_>, url: &str, prefix: &str, timeout: f64) -> PyResult<Self> {
        // A store's timeout is not a core option: the Redis client takes any positive one.
        let limit = Duration::try_from_secs_f64(timeout)
            .ok()
            .filter(|limit| !limit.is_zero())
            .ok_or_else(|| {
                PyValueError::new_err(format!(
                    "timeout must be a positive number of seconds, found {timeout}"
                ))
            })?;
        let store = hookshield::idempotency::RedisStore::open(url)
            .map_err(|e| {
                let reason = match e {
                    hookshield::StoreError::Unavailable { reason } => reason,
                    other => other.to_string(),
                };
                errors::config_error(py, reason)
            })?
            .with_prefix(prefix)
            .with_timeout(limit);
        let store: StoreHandle = Arc::new(store);
        Ok(RedisStore {
            keyed: KeyedStore::new(store),
            location: redacted_url(url),
            prefix: prefix.to_owned(),
            timeout,
        })
    }

    /// The prefix of every key this store writes.
    #[getter]
    fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The connect, read and write timeout, in seconds.
    #[getter]
    fn timeout(&self) -> f64 {
        self.timeout
    }

    /// Claims `key`: `ClaimState.FRESH` (this caller must `complete` or `release` it),
    /// `IN_PROGRESS` (another caller, on any machine, holds it) or `DONE`. Raises
    /// `StoreUnavailableError` when Redis cannot be reached within `timeout`.
    #[pyo3(signature = (key, lease_seconds = 30.0))]
    fn begin(&self, py: Python<'_>, key: &str, lease_seconds: f64) -> PyResult<Py<PyAny>> {
        keyed_begin(py, &self.keyed, true, key, lease_seconds)
    }

    /// Marks this caller's claim on `key` done for `retention_seconds` (default: the
    /// longest default retention of any provider, 96 hours), if its lease has not
    /// expired.
    #[pyo3(signature = (key, retention_seconds = None))]
    fn complete(&self, py: Python<'_>, key: &str, retention_seconds: Option<f64>) -> PyResult<()> {
        keyed_complete(py, &self.keyed, true, key, retention_seconds)
    }

    /// Gives this caller's claim on `key` up, so a redelivery is processed (if its lease
    /// has not expired and been taken by another worker).
    fn release(&self, py: Python<'_>, key: &str) -> PyResult<()> {
        keyed_release(py, &self.keyed, true, key)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        // Never the user, password or query of the URL.
        format!(
            "RedisStore({}, prefix={}, timeout={:?})",
            crate::convert::py_repr(py, &self.location),
            crate::convert::py_repr(py, &self.prefix),
            self.timeout
        )
    }
}

/// `scheme://host:port/path` of a Redis URL: no user, password, query or fragment.
pub(crate) fn redacted_url(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("redis", url));
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let (authority, path) = match rest.find('/') {
        Some(slash) => rest.split_at(slash),
        None => (rest, ""),
    };
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    format!("{scheme}://{host}{path}")
}

/// Runs a store call with the interpreter released when the store is remote.
fn maybe_detach<T: Send>(py: Python<'_>, detach: bool, call: impl FnOnce() -> T + Send) -> T {
    if detach {
        py.detach(call)
    } else {
        call()
    }
}

fn keyed_begin(
    py: Python<'_>,
    keyed: &KeyedStore<StoreHandle>,
    detach: bool,
    key: &str,
    lease_seconds: f64,
) -> PyResult<Py<PyAny>> {
    let lease = lease(py, lease_seconds)?;
    let state = maybe_detach(py, detach, || keyed.begin(key, lease))
        .map_err(|e| errors::store_error(py, &e))?;
    errors::claim_state(py, state)
}

fn keyed_complete(
    py: Python<'_>,
    keyed: &KeyedStore<StoreHandle>,
    detach: bool,
    key: &str,
    retention_seconds: Option<f64>,
) -> PyResult<()> {
    let retention = match retention_seconds {
        Some(seconds) => retention(py, seconds)?,
        None => Provider::longest_default_retention(),
    };
    maybe_detach(py, detach, || keyed.complete(key, retention))
        .map_err(|e| errors::store_error(py, &e))
}

fn keyed_release(
    py: Python<'_>,
    keyed: &KeyedStore<StoreHandle>,
    detach: bool,
    key: &str,
) -> PyResult<()> {
    maybe_detach(py, detach, || keyed.release(key)).map_err(|e| errors::store_error(py, &e))
}

/// A core store behind a Python store object, and whether its calls leave the process
/// (then they run with the interpreter released).
pub(crate) struct Handle {
    pub(crate) store: StoreHandle,
    pub(crate) remote: bool,
}

/// The core store behind a Python store object.
pub(crate) fn handle(store: &Bound<'_, PyAny>) -> PyResult<Handle> {
    if let Ok(memory) = store.cast::<MemoryStore>() {
        return Ok(Handle {
            store: memory.get().keyed.inner().clone(),
            remote: false,
        });
    }
    if let Ok(redis) = store.cast::<RedisStore>() {
        return Ok(Handle {
            store: redis.get().keyed.inner().clone(),
            remote: true,
        });
    }
    Err(PyTypeError::new_err(format!(
        "store must be a hookshield.MemoryStore or hookshield.RedisStore, not {}",
        type_name(store)
    )))
}

/// A verified event whose key this worker holds: run the handler, then `finish`.
#[pyclass(frozen, module = "hookshield", name = "Claim")]
pub(crate) struct Claim {
    claimed: Mutex<Option<hookshield::Claimed<StoreHandle>>>,
    event: Py<Event>,
    provider: Provider,
    /// Whether finishing talks to a remote store (run with the interpreter released).
    remote: bool,
}

impl Claim {
    pub(crate) fn new(
        py: Python<'_>,
        provider: Provider,
        claimed: hookshield::Claimed<StoreHandle>,
        remote: bool,
    ) -> PyResult<Self> {
        let event = Py::new(py, Event::new(claimed.event().clone()))?;
        Ok(Claim {
            claimed: Mutex::new(Some(claimed)),
            event,
            provider,
            remote,
        })
    }
}

#[pymethods]
impl Claim {
    /// The verified event.
    #[getter]
    fn event(&self, py: Python<'_>) -> Py<Event> {
        self.event.clone_ref(py)
    }

    /// Records the handler's result: `None` completes the claim, an exception releases
    /// it (the provider's retry will be processed). Returns the `Outcome`.
    #[pyo3(signature = (exception = None))]
    fn finish(&self, py: Python<'_>, exception: Option<Bound<'_, PyAny>>) -> PyResult<Outcome> {
        let claimed = self
            .claimed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
            .ok_or_else(|| PyRuntimeError::new_err("this claim is already finished"))?;
        let result = match &exception {
            None => Ok(()),
            Some(exc) => Err(describe(exc)),
        };
        let outcome = maybe_detach(py, self.remote, || claimed.finish(result));
        Outcome::from_core(
            py,
            self.provider,
            &outcome,
            Some(self.event.clone_ref(py)),
            exception.map(Bound::unbind),
        )
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let key = crate::convert::py_repr(py, self.event.get().inner.idempotency_key());
        format!("Claim(idempotency_key={key})")
    }
}

/// `TypeName: message` of an exception.
fn describe(exc: &Bound<'_, PyAny>) -> String {
    let message = exc.str().map_or_else(|_| String::new(), |s| s.to_string());
    if message.is_empty() {
        type_name(exc)
    } else {
        format!("{}: {message}", type_name(exc))
    }
}

/// Runs a synchronous handler on a claim and finishes it.
pub(crate) fn run_sync(
    py: Python<'_>,
    claim: &Py<Claim>,
    handler: &Bound<'_, PyAny>,
) -> PyResult<Py<PyAny>> {
    let claim = claim.bind(py);
    let event = claim.get().event.clone_ref(py);
    match handler.call1((event,)) {
        Ok(result) => {
            if result.hasattr(pyo3::intern!(py, "__await__"))? {
                if result.hasattr(pyo3::intern!(py, "close"))? {
                    result.call_method0(pyo3::intern!(py, "close"))?;
                }
                let err = PyTypeError::new_err(
                    "the handler returned an awaitable: use process_async for async handlers",
                );
                let outcome = claim
                    .get()
                    .finish(py, Some(err.into_value(py).into_bound(py).into_any()))?;
                return Ok(Py::new(py, outcome)?.into_any());
            }
            Ok(Py::new(py, claim.get().finish(py, None)?)?.into_any())
        }
        Err(err) => {
            // `into_value` keeps the traceback on the exception (for logging it).
            let value = err.clone_ref(py).into_value(py).into_bound(py).into_any();
            let outcome = claim.get().finish(py, Some(value))?;
            if err.is_instance_of::<pyo3::exceptions::PyException>(py) {
                Ok(Py::new(py, outcome)?.into_any())
            } else {
                // KeyboardInterrupt, SystemExit: the claim is released, and they go on.
                Err(err)
            }
        }
    }
}
