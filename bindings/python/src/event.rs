//! `hookshield.Event`: a verified delivery. Its `data`, `raw` and `timestamp` become
//! Python objects only when read, and once.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

use crate::convert::{py_repr, py_repr_opt, utc_datetime};
use crate::json::json_to_py;

/// A verified webhook delivery.
#[pyclass(frozen, module = "hookshield", name = "Event")]
pub(crate) struct Event {
    pub(crate) inner: hookshield::Event,
    data: PyOnceLock<Py<PyAny>>,
    raw: PyOnceLock<Py<PyAny>>,
}

impl Event {
    pub(crate) fn new(inner: hookshield::Event) -> Self {
        Event {
            inner,
            data: PyOnceLock::new(),
            raw: PyOnceLock::new(),
        }
    }
}

#[pymethods]
impl Event {
    /// The provider that sent it (`"sentinel"`, `"sensei"`, ...).
    #[getter]
    fn provider(&self) -> &'static str {
        self.inner.provider().as_str()
    }

    /// The event type, e.g. `"migration.phase.completed"`.
    #[getter]
    fn r#type(&self) -> &str {
        self.inner.event_type()
    }

    /// The documented group of the type, e.g. `"migration.phase"`.
    #[getter]
    fn family(&self) -> &str {
        self.inner.family()
    }

    /// The provider's event id, or None.
    #[getter]
    fn id(&self) -> Option<&str> {
        self.inner.id()
    }

    /// When the event happened, as an aware UTC `datetime`, or None.
    #[getter]
    fn timestamp(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        self.inner
            .timestamp()
            .map(|t| utc_datetime(py, t.unix_timestamp(), t.nanosecond() / 1000))
            .transpose()
    }

    /// The event's data (the envelope's `data`; the whole body for GitHub; None where the
    /// envelope has none), typed per documented event type in the stubs: what
    /// `json.loads` gives for its text. Built on first read.
    #[getter]
    fn data(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.data
            .get_or_try_init(py, || match self.inner.data_text() {
                Some(text) => json_to_py(py, text),
                None => Ok(py.None()),
            })
            .map(|d| d.clone_ref(py))
    }

    /// The whole document: what `json.loads` gives for the body (for a form-encoded
    /// GitHub delivery, for its decoded `payload`). Built on first read.
    #[getter]
    fn raw(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.raw
            .get_or_try_init(py, || json_to_py(py, self.inner.json_text()))
            .map(|d| d.clone_ref(py))
    }

    /// Why `data` is untyped: `"undocumented_type"`, `"data_mismatch"`,
    /// `"missing_type"` or `"not_an_object"`; None when it is typed.
    #[getter]
    fn untyped_reason(&self) -> Option<&'static str> {
        self.inner
            .untyped_reason()
            .map(hookshield::UntypedReason::as_str)
    }

    /// What made `data` untyped, in words (e.g. which field did not match); None when
    /// it is typed.
    #[getter]
    fn untyped_detail(&self) -> Option<&str> {
        self.inner.untyped_detail()
    }

    /// The key identifying this event across redeliveries.
    #[getter]
    fn idempotency_key(&self) -> &str {
        self.inner.idempotency_key()
    }

    /// Whether `data` was parsed into its documented shape (`untyped_reason` is None).
    #[getter]
    fn documented(&self) -> bool {
        self.inner.data().is_documented()
    }

    /// Whether the type matches `*`, `family.*` or an exact type.
    fn matches(&self, pattern: &str) -> bool {
        self.inner.matches(pattern)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Event(provider={}, type={}, id={}, idempotency_key={})",
            py_repr(py, self.inner.provider().as_str()),
            py_repr(py, self.inner.event_type()),
            py_repr_opt(py, self.inner.id()),
            py_repr(py, self.inner.idempotency_key())
        )
    }
}
