//! `hookshield.Answer`: the HTTP answer to a delivery, as the core decides it.

use pyo3::prelude::*;

use crate::convert::py_repr;
use crate::event::Event;

/// What a receiver answers the provider: a status its retry policy understands and one
/// JSON body shape, the same from every helper in every language.
#[pyclass(frozen, eq, module = "hookshield", name = "Answer")]
#[derive(PartialEq, Eq)]
pub(crate) struct Answer {
    inner: hookshield::Answer,
}

impl From<hookshield::Answer> for Answer {
    fn from(inner: hookshield::Answer) -> Self {
        Answer { inner }
    }
}

#[pymethods]
impl Answer {
    /// The answer to a delivery processed by the receiver's own code (the endpoint
    /// behind the FastAPI dependency, a handler that keeps the event).
    #[staticmethod]
    fn processed(event: &Bound<'_, Event>) -> Self {
        let event = &event.get().inner;
        hookshield::Answer::of(
            hookshield::OutcomeKind::Processed,
            event.provider(),
            Some(event.idempotency_key()),
            None,
        )
        .into()
    }

    /// The answer to a delivery appended to an inbox (the endpoint behind the FastAPI
    /// dependency given `inbox=`).
    #[staticmethod]
    fn queued(event: &Bound<'_, Event>) -> Self {
        let event = &event.get().inner;
        hookshield::Answer::of(
            hookshield::OutcomeKind::Queued,
            event.provider(),
            Some(event.idempotency_key()),
            None,
        )
        .into()
    }

    /// The HTTP status.
    #[getter]
    pub(crate) fn status(&self) -> u16 {
        self.inner.status
    }

    /// The JSON body, as text (`Content-Type: application/json`).
    #[getter]
    fn body(&self) -> &str {
        &self.inner.body
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Answer(status={}, body={})",
            self.inner.status,
            py_repr(py, &self.inner.body)
        )
    }
}
