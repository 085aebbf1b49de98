//! `hookshield.Outcome`: what happened to a delivery, and the answer to send.

use pyo3::prelude::*;

use hookshield::Provider;

use crate::answer::Answer;
use crate::errors;
use crate::event::Event;

/// What happened to a delivery, and the HTTP answer to send.
#[pyclass(frozen, module = "hookshield", name = "Outcome")]
pub(crate) struct Outcome {
    kind: &'static str,
    answer: Py<Answer>,
    acknowledged: bool,
    event: Option<Py<Event>>,
    error: Option<Py<PyAny>>,
    exception: Option<Py<PyAny>>,
    message: Option<String>,
}

impl Outcome {
    pub(crate) fn rejected(
        py: Python<'_>,
        provider: Provider,
        error: &hookshield::Error,
    ) -> PyResult<Self> {
        Self::from_core(
            py,
            provider,
            &hookshield::Outcome::Rejected(error.clone()),
            None,
            None,
        )
    }

    pub(crate) fn from_core(
        py: Python<'_>,
        provider: Provider,
        outcome: &hookshield::Outcome,
        event: Option<Py<Event>>,
        exception: Option<Py<PyAny>>,
    ) -> PyResult<Self> {
        let event = match event {
            Some(event) => Some(event),
            None => outcome
                .event()
                .map(|e| Py::new(py, Event::new(e.clone())))
                .transpose()?,
        };
        let (error, message) = match outcome {
            hookshield::Outcome::Rejected(error) => (
                Some(errors::exception(py, error)?.unbind()),
                Some(error.to_string()),
            ),
            hookshield::Outcome::HandlerFailed { message, .. } => (None, Some(message.clone())),
            hookshield::Outcome::StoreUnavailable { error, .. } => (
                Some(errors::store_error(py, error).into_value(py).into_any()),
                Some(error.to_string()),
            ),
            _ => (None, None),
        };
        Ok(Outcome {
            kind: outcome.kind(),
            answer: Py::new(py, Answer::from(outcome.answer(provider)))?,
            acknowledged: outcome.is_acknowledged(),
            event,
            error,
            exception,
            message,
        })
    }
}

#[pymethods]
impl Outcome {
    /// `processed`, `duplicate`, `in_progress`, `rejected`, `handler_failed` or
    /// `store_unavailable`.
    #[getter]
    fn kind(&self) -> &'static str {
        self.kind
    }

    /// The HTTP status the provider should get (`answer.status`).
    #[getter]
    fn status(&self) -> u16 {
        self.answer.get().status()
    }

    /// The HTTP answer every helper sends for this outcome: its status and JSON body.
    #[getter]
    fn answer(&self, py: Python<'_>) -> Py<Answer> {
        self.answer.clone_ref(py)
    }

    /// Whether the delivery counts as received (processed or duplicate).
    #[getter]
    fn acknowledged(&self) -> bool {
        self.acknowledged
    }

    /// The verified event (None when rejected).
    #[getter]
    fn event(&self, py: Python<'_>) -> Option<Py<Event>> {
        self.event.as_ref().map(|e| e.clone_ref(py))
    }

    /// The `VerificationError` of a rejected delivery, or the `StoreUnavailableError`.
    #[getter]
    fn error(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        self.error.as_ref().map(|e| e.clone_ref(py))
    }

    /// The exception the handler raised.
    #[getter]
    fn exception(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        self.exception.as_ref().map(|e| e.clone_ref(py))
    }

    /// A short description of what went wrong, if anything did.
    #[getter]
    fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let event = self.event.as_ref().map(|e| {
            let e = e.bind(py).get();
            format!(
                ", type={}",
                crate::convert::py_repr(py, e.inner.event_type())
            )
        });
        format!(
            "Outcome(kind='{}', status={}{})",
            self.kind,
            self.status(),
            event.unwrap_or_default()
        )
    }
}
