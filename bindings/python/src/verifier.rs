//! `hookshield.Verifier`, `sign`, `sample` and `sample_types`.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyType};

use hookshield::{options, ProcessOptions, Provider, SignOptions};

use crate::convert::{self, type_name};
use crate::errors::{config_error, to_pyerr};
use crate::event::Event;
use crate::outcome::Outcome;
use crate::store;

/// Bodies at least this large are verified with the interpreter released, so other
/// threads run meanwhile; smaller ones take less time than the release costs.
const DETACH_ABOVE_BYTES: usize = 16 * 1024;

pub(crate) fn provider(py: Python<'_>, name: &str) -> PyResult<Provider> {
    name.parse::<Provider>().map_err(|e| to_pyerr(py, &e))
}

/// Verifies deliveries from one provider against one or more secrets.
#[pyclass(frozen, weakref, module = "hookshield", name = "Verifier")]
pub(crate) struct Verifier {
    inner: hookshield::Verifier,
    headers: convert::WantedHeaders,
    clock: Option<Py<PyAny>>,
}

#[pymethods]
impl Verifier {
    #[new]
    #[pyo3(signature = (provider, secrets, *, tolerance = 300, max_body_bytes = 1 << 20, clock = None, **overrides))]
    fn new(
        py: Python<'_>,
        provider: &str,
        secrets: &Bound<'_, PyAny>,
        tolerance: i64,
        max_body_bytes: i64,
        clock: Option<Py<PyAny>>,
        overrides: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let provider = self::provider(py, provider)?;
        let secrets = convert::secrets(secrets)?;
        let tolerance = options::tolerance(tolerance as f64).map_err(|e| to_pyerr(py, &e))?;
        let max_body_bytes =
            options::max_body_bytes(max_body_bytes as f64).map_err(|e| to_pyerr(py, &e))?;
        if let Some(clock) = &clock {
            if !clock.bind(py).is_callable() {
                return Err(PyTypeError::new_err(format!(
                    "clock must be a callable returning Unix seconds, not {}",
                    type_name(clock.bind(py))
                )));
            }
        }
        let mut builder = hookshield::Verifier::builder(provider)
            .secrets(secrets)
            .tolerance(tolerance)
            .max_body_bytes(max_body_bytes);
        if let Some(overrides) = overrides {
            for (name, value) in overrides.iter() {
                let name: String = name.extract()?;
                let value = if value.is_none() {
                    String::new()
                } else if let Ok(text) = value.cast::<PyString>() {
                    text.to_cow()?.into_owned()
                } else {
                    return Err(PyTypeError::new_err(format!(
                        "override {name} must be str or None, not {}",
                        type_name(&value)
                    )));
                };
                builder = builder.set(&name, &value).map_err(|e| to_pyerr(py, &e))?;
            }
        }
        let inner = builder.build().map_err(|e| to_pyerr(py, &e))?;
        let headers = convert::WantedHeaders::of(inner.scheme());
        Ok(Verifier {
            inner,
            headers,
            clock,
        })
    }

    /// `Verifier[SentinelEvent]` in annotations evaluated at run time.
    #[classmethod]
    fn __class_getitem__(cls: &Bound<'_, PyType>, item: &Bound<'_, PyAny>) -> Py<PyType> {
        let _ = item;
        cls.clone().unbind()
    }

    /// The provider id.
    #[getter]
    fn provider(&self) -> &'static str {
        self.inner.provider().as_str()
    }

    /// The replay window in seconds each way.
    #[getter]
    fn tolerance(&self) -> u64 {
        self.inner.tolerance()
    }

    /// The largest body accepted.
    #[getter]
    fn max_body_bytes(&self) -> usize {
        self.inner.max_body_bytes()
    }

    /// Raises the `body_too_large` `PayloadError` that `verify` would for a body of
    /// `size` bytes, if it is over `max_body_bytes`: a receiver checks a declared
    /// `Content-Length`, or what it has read so far, before reading on.
    fn check_body_size(&self, py: Python<'_>, size: u64) -> PyResult<()> {
        match self.oversize(size) {
            Some(error) => Err(to_pyerr(py, &error)),
            None => Ok(()),
        }
    }

    /// The rejected `Outcome` (`body_too_large`, 413) for a body of `size` bytes when it
    /// is over `max_body_bytes`, else None: what a receiver that has not read the body
    /// (or all of it) answers.
    fn refuse_body_size(&self, py: Python<'_>, size: u64) -> PyResult<Option<Outcome>> {
        self.oversize(size)
            .map(|error| Outcome::rejected(py, self.inner.provider(), &error))
            .transpose()
    }

    /// Verifies a delivery and returns its event, or raises a `VerificationError`
    /// subclass. Wrong argument types raise `TypeError`.
    fn verify(
        &self,
        py: Python<'_>,
        body: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
    ) -> PyResult<Event> {
        let event = self.verify_core(py, body, headers, Purpose::Verify)?;
        event.map(Event::new).map_err(|e| to_pyerr(py, &e))
    }

    /// Checks size, headers, signature and replay window without parsing the body;
    /// returns what the headers said (`timestamp`, `id`, `event`).
    fn verify_signature<'py>(
        &self,
        py: Python<'py>,
        body: &Bound<'py, PyAny>,
        headers: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let body = convert::body(body)?;
        let headers = convert::headers(headers, &self.headers)?;
        let now = self.now(py)?;
        let bytes = body.as_bytes();
        let check = match now {
            Some(now) => self.inner.verify_signature_at(bytes, &headers, now),
            None => self.inner.verify_signature(bytes, &headers),
        }
        .map_err(|e| to_pyerr(py, &e))?;
        let dict = PyDict::new(py);
        dict.set_item(intern!(py, "timestamp"), check.timestamp)?;
        dict.set_item(intern!(py, "id"), check.id)?;
        dict.set_item(intern!(py, "event"), check.event)?;
        Ok(dict)
    }

    /// Verifies, claims the event's key in `store`, runs `handler(event)`, and records
    /// the result. Never raises for a delivery: the returned `Outcome` says what
    /// happened and which HTTP status to answer.
    #[pyo3(signature = (body, headers, store, handler, *, lease_seconds = 30.0, retention_seconds = None))]
    #[allow(clippy::too_many_arguments)]
    fn process(
        &self,
        py: Python<'_>,
        body: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
        store: &Bound<'_, PyAny>,
        handler: &Bound<'_, PyAny>,
        lease_seconds: f64,
        retention_seconds: Option<f64>,
    ) -> PyResult<Py<PyAny>> {
        require_callable(handler)?;
        match self.claim(py, body, headers, store, lease_seconds, retention_seconds)? {
            Claimed::Outcome(outcome) => Ok(outcome),
            Claimed::Claim(claim) => store::run_sync(py, &claim, handler),
        }
    }

    /// The async form of `process`: `handler` may be a coroutine function.
    #[pyo3(signature = (body, headers, store, handler, *, lease_seconds = 30.0, retention_seconds = None))]
    #[allow(clippy::too_many_arguments)]
    fn process_async(
        slf: &Bound<'_, Self>,
        body: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
        store: &Bound<'_, PyAny>,
        handler: &Bound<'_, PyAny>,
        lease_seconds: f64,
        retention_seconds: Option<f64>,
    ) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        require_callable(handler)?;
        if store::handle(store)?.remote {
            // A remote store waits for the network: claim and finish off the event loop.
            store::lease(py, lease_seconds)?;
            retention_seconds
                .map(|seconds| store::retention(py, seconds))
                .transpose()?;
            return Ok(crate::errors::support(py)?
                .call_method1(
                    "process_async_remote",
                    (
                        slf,
                        body,
                        headers,
                        store,
                        handler,
                        lease_seconds,
                        retention_seconds,
                    ),
                )?
                .unbind());
        }
        let claimed =
            slf.get()
                .py_claim(py, body, headers, store, lease_seconds, retention_seconds)?;
        Ok(crate::errors::support(py)?
            .call_method1("process_async", (claimed, handler))?
            .unbind())
    }

    /// Verifies and claims: returns a `Claim` whose `finish()` records the handler's
    /// result, or the final `Outcome` (rejected, duplicate, in progress, store down).
    #[pyo3(name = "claim", signature = (body, headers, store, *, lease_seconds = 30.0, retention_seconds = None))]
    fn py_claim(
        &self,
        py: Python<'_>,
        body: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
        store: &Bound<'_, PyAny>,
        lease_seconds: f64,
        retention_seconds: Option<f64>,
    ) -> PyResult<Py<PyAny>> {
        Ok(
            match self.claim(py, body, headers, store, lease_seconds, retention_seconds)? {
                Claimed::Outcome(outcome) => outcome,
                Claimed::Claim(claim) => claim.into_any(),
            },
        )
    }

    fn __repr__(&self) -> String {
        // Configuration only: a secret is never shown.
        format!(
            "Verifier(provider='{}', tolerance={}, max_body_bytes={}, clock={})",
            self.inner.provider().as_str(),
            self.inner.tolerance(),
            self.inner.max_body_bytes(),
            if self.clock.is_some() {
                "custom"
            } else {
                "system"
            }
        )
    }
}

/// What `claim` produced.
enum Claimed {
    Outcome(Py<PyAny>),
    Claim(Py<store::Claim>),
}

impl Verifier {
    /// The core verifier (the inbox appends and checks deliveries with it).
    pub(crate) fn core(&self) -> &hookshield::Verifier {
        &self.inner
    }

    /// The headers this verifier reads, for `convert::headers`.
    pub(crate) fn wanted_headers(&self) -> &convert::WantedHeaders {
        &self.headers
    }

    /// The `body_too_large` error for a body of `size` bytes, if it is over
    /// `max_body_bytes`.
    fn oversize(&self, size: u64) -> Option<hookshield::Error> {
        self.inner.check_body_size(Some(size)).err()
    }

    /// Now, from the user's clock (whose failure is a `ConfigurationError`) or the
    /// system's.
    pub(crate) fn now(&self, py: Python<'_>) -> PyResult<Option<i64>> {
        let Some(clock) = &self.clock else {
            return Ok(None);
        };
        let value = clock.bind(py).call0().map_err(|cause| {
            let err = config_error(py, "the clock raised an exception");
            err.set_cause(py, Some(cause));
            err
        })?;
        if let Ok(seconds) = value.extract::<i64>() {
            return Ok(Some(seconds));
        }
        match value.extract::<f64>() {
            Ok(seconds) if seconds.is_finite() => Ok(Some(seconds.floor() as i64)),
            _ => Err(config_error(
                py,
                format!(
                    "the clock must return Unix seconds as int or float, returned {}",
                    type_name(&value)
                ),
            )),
        }
    }

    /// Verifies for `purpose`; the outer `Err` is a Python error that is not about the
    /// delivery (argument types, a failing clock).
    fn verify_core(
        &self,
        py: Python<'_>,
        body: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
        purpose: Purpose,
    ) -> PyResult<Result<hookshield::Event, hookshield::Error>> {
        let body = convert::body(body)?;
        let headers = convert::headers(headers, &self.headers)?;
        let now = self.now(py)?;
        let bytes = body.as_bytes();
        let run = || match (purpose, now) {
            (Purpose::Verify, Some(now)) => self.inner.verify_at(bytes, &headers, now),
            (Purpose::Verify, None) => self.inner.verify(bytes, &headers),
            (Purpose::Claim(horizon), Some(now)) => {
                self.inner.verify_within_at(bytes, &headers, now, horizon)
            }
            (Purpose::Claim(horizon), None) => self.inner.verify_within(bytes, &headers, horizon),
        };
        Ok(if bytes.len() >= DETACH_ABOVE_BYTES {
            py.detach(run)
        } else {
            run()
        })
    }

    fn claim(
        &self,
        py: Python<'_>,
        body: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
        store: &Bound<'_, PyAny>,
        lease_seconds: f64,
        retention_seconds: Option<f64>,
    ) -> PyResult<Claimed> {
        let handle = store::handle(store)?;
        let mut options = ProcessOptions::default();
        options.lease = store::lease(py, lease_seconds)?;
        options.retention = retention_seconds
            .map(|seconds| store::retention(py, seconds))
            .transpose()?;
        // The retention is the replay horizon: a replay is either remembered or refused.
        let horizon = options.retention.or(self.inner.replay_horizon());
        let event = match self.verify_core(py, body, headers, Purpose::Claim(horizon))? {
            Ok(event) => event,
            Err(error) => {
                let outcome = Outcome::rejected(py, self.inner.provider(), &error)?;
                return Ok(Claimed::Outcome(Py::new(py, outcome)?.into_any()));
            }
        };
        let provider = self.inner.provider();
        let store::Handle { store, remote } = handle;
        let claimed = if remote {
            py.detach(|| self.inner.claim_event(event, store, options))
        } else {
            self.inner.claim_event(event, store, options)
        };
        match claimed {
            Ok(claimed) => Ok(Claimed::Claim(Py::new(
                py,
                store::Claim::new(py, provider, claimed, remote)?,
            )?)),
            Err(outcome) => Ok(Claimed::Outcome(
                Py::new(py, Outcome::from_core(py, provider, &outcome, None, None)?)?.into_any(),
            )),
        }
    }
}

/// The headers `provider` would send with `body` signed by `secret`.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
#[pyo3(signature = (provider, secret, body, *, timestamp = None, id = None, event = None, **overrides))]
pub(crate) fn sign(
    py: Python<'_>,
    provider: &str,
    secret: &Bound<'_, PyAny>,
    body: &Bound<'_, PyAny>,
    timestamp: Option<&Bound<'_, PyAny>>,
    id: Option<String>,
    event: Option<String>,
    overrides: Option<&Bound<'_, PyDict>>,
) -> PyResult<Py<PyDict>> {
    let provider = self::provider(py, provider)?;
    let secret = convert::single_secret(secret)?;
    let body = convert::body(body)?;
    let mut options = SignOptions::default();
    options.timestamp = match timestamp {
        None => None,
        Some(t) if t.is_none() => None,
        Some(t) => Some(unix_seconds(t)?),
    };
    options.id = id;
    options.event = event;
    let mut scheme = provider.scheme();
    if let Some(overrides) = overrides.filter(|o| !o.is_empty()) {
        // Build a throwaway verifier to apply the overrides exactly as `Verifier` does.
        let mut builder = hookshield::Verifier::builder(provider).secret(secret.clone());
        for (name, value) in overrides.iter() {
            let name: String = name.extract()?;
            let value: Option<String> = value.extract()?;
            builder = builder
                .set(&name, value.as_deref().unwrap_or(""))
                .map_err(|e| to_pyerr(py, &e))?;
        }
        scheme = builder
            .build()
            .map_err(|e| to_pyerr(py, &e))?
            .scheme()
            .clone();
    }
    let headers = hookshield::sign_with(provider, &scheme, secret, body.as_bytes(), &options)
        .map_err(|e| to_pyerr(py, &e))?;
    let dict = PyDict::new(py);
    for (name, value) in headers {
        dict.set_item(name, value)?;
    }
    Ok(dict.unbind())
}

/// Unix seconds from an `int`, a `float` or an aware `datetime`.
fn unix_seconds(value: &Bound<'_, PyAny>) -> PyResult<i64> {
    if let Ok(seconds) = value.extract::<i64>() {
        return Ok(seconds);
    }
    if let Ok(seconds) = value.extract::<f64>() {
        return Ok(seconds.floor() as i64);
    }
    if let Ok(stamp) = value.call_method0("timestamp") {
        return Ok(stamp.extract::<f64>()?.floor() as i64);
    }
    Err(PyTypeError::new_err(format!(
        "timestamp must be Unix seconds or a datetime, not {}",
        type_name(value)
    )))
}

/// The sample body of a documented event type, from the provider's document, with its
/// event time stamped `timestamp` (Unix seconds or an aware `datetime`; now by default).
#[pyfunction]
#[pyo3(signature = (provider, event_type, *, timestamp = None))]
pub(crate) fn sample<'py>(
    py: Python<'py>,
    provider: &str,
    event_type: &str,
    timestamp: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, pyo3::types::PyBytes>> {
    let provider = self::provider(py, provider)?;
    let body = match timestamp.filter(|t| !t.is_none()) {
        Some(t) => hookshield::sample_at(provider, event_type, unix_seconds(t)?),
        None => hookshield::sample(provider, event_type),
    };
    match body {
        Some(body) => Ok(pyo3::types::PyBytes::new(py, body.as_bytes())),
        None => Err(PyValueError::new_err(format!(
            "no sample for {event_type:?} from {}; samples: {}",
            provider.as_str(),
            hookshield::sample_types(provider).join(", ")
        ))),
    }
}

/// The event types `provider` has samples for.
#[pyfunction]
pub(crate) fn sample_types(py: Python<'_>, provider: &str) -> PyResult<Vec<&'static str>> {
    Ok(hookshield::sample_types(self::provider(py, provider)?))
}

/// `handler` for `process`: anything callable.
fn require_callable(handler: &Bound<'_, PyAny>) -> PyResult<()> {
    if handler.is_callable() {
        return Ok(());
    }
    Err(PyTypeError::new_err(format!(
        "handler must be callable, not {}",
        type_name(handler)
    )))
}

/// What a verification is for.
#[derive(Clone, Copy)]
enum Purpose {
    /// A plain `verify`: the verifier's replay horizon; the core types `data` on first read.
    Verify,
    /// A delivery about to be claimed, with this replay horizon: typed as it is read, as
    /// the key needs it.
    Claim(Option<std::time::Duration>),
}
