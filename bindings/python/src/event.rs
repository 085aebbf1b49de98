//! `hookshield.Event`: a verified delivery. Its `data`, `raw` and `timestamp` become
//! Python objects only when read, and once.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

use hookshield::EventData;

use crate::convert::{json_text_to_py, json_to_py, py_repr, py_repr_opt, utc_datetime};

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

    /// The event's data (the envelope's `data`; the whole body for GitHub), typed per
    /// documented event type in the stubs. Built on first read.
    #[getter]
    fn data(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.data
            .get_or_try_init(py, || {
                // Straight from the verified text of `data` where it can (no JSON tree);
                // the core's `raw_data()` otherwise.
                let direct = match self.inner.data() {
                    EventData::Other(_) => None,
                    _ => self
                        .inner
                        .data_text()
                        .and_then(|text| json_text_to_py(py, text)),
                };
                match direct {
                    Some(data) => Ok(data.unbind()),
                    None => json_to_py(py, self.inner.raw_data()).map(Bound::unbind),
                }
            })
            .map(|d| d.clone_ref(py))
    }

    /// The whole parsed body. Built on first read.
    #[getter]
    fn raw(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.raw
            .get_or_try_init(py, || match json_text_to_py(py, self.inner.body()) {
                Some(raw) => Ok(raw.unbind()),
                None => json_to_py(py, self.inner.raw()).map(Bound::unbind),
            })
            .map(|d| d.clone_ref(py))
    }

    /// The key identifying this event across redeliveries.
    #[getter]
    fn idempotency_key(&self) -> &str {
        self.inner.idempotency_key()
    }

    /// Whether the type is documented (its `data` has a documented shape).
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
