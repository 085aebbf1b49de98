//! `hookshield.Router`: handlers by subscription pattern, on the core's `Router`.

use std::sync::{Mutex, PoisonError};

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

use crate::convert::type_name;
use crate::event::Event;

/// Handlers registered by pattern (`*`, `family.*`, exact type), called in
/// registration order. A `Router` is itself a handler: pass it to `process`.
#[pyclass(frozen, module = "hookshield", name = "Router")]
pub(crate) struct Router {
    inner: Mutex<hookshield::Router<Py<PyAny>>>,
}

impl Router {
    fn matching(&self, py: Python<'_>, event_type: &str) -> Vec<Py<PyAny>> {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .handlers_for(event_type)
            .map(|h| h.clone_ref(py))
            .collect()
    }

    fn add(&self, pattern: String, handler: Py<PyAny>) {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .on(pattern, handler);
    }
}

/// The decorator `Router.on(pattern)` returns.
#[pyclass(frozen, module = "hookshield")]
struct Registrar {
    router: Py<Router>,
    pattern: String,
}

#[pymethods]
impl Registrar {
    fn __call__(&self, handler: Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        check_callable(&handler)?;
        self.router
            .get()
            .add(self.pattern.clone(), handler.clone().unbind());
        Ok(handler.unbind())
    }
}

fn check_callable(handler: &Bound<'_, PyAny>) -> PyResult<()> {
    if handler.is_callable() {
        Ok(())
    } else {
        Err(PyTypeError::new_err(format!(
            "a handler must be callable, not {}",
            type_name(handler)
        )))
    }
}

#[pymethods]
impl Router {
    #[new]
    fn new() -> Self {
        Router {
            inner: Mutex::new(hookshield::Router::new()),
        }
    }

    /// Registers `handler` for types matching `pattern`; without a handler, returns a
    /// decorator: `@router.on("migration.*")`.
    #[pyo3(signature = (pattern, handler = None))]
    fn on(
        slf: &Bound<'_, Self>,
        pattern: String,
        handler: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        match handler {
            Some(handler) => {
                check_callable(&handler)?;
                slf.get().add(pattern, handler.clone().unbind());
                Ok(handler.unbind())
            }
            None => Ok(Py::new(
                py,
                Registrar {
                    router: slf.clone().unbind(),
                    pattern,
                },
            )?
            .into_any()),
        }
    }

    /// The handlers whose pattern matches `event_type`, in registration order.
    fn handlers_for(&self, py: Python<'_>, event_type: &str) -> Vec<Py<PyAny>> {
        self.matching(py, event_type)
    }

    /// The registered `(pattern, handler)` pairs.
    #[getter]
    fn routes(&self, py: Python<'_>) -> Vec<(String, Py<PyAny>)> {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .routes()
            .iter()
            .map(|(p, h)| (p.clone(), h.clone_ref(py)))
            .collect()
    }

    fn __len__(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .routes()
            .len()
    }

    /// Calls every matching handler with `event`, in order. When a handler returns an
    /// awaitable, returns a coroutine that awaits it and runs the rest in order (so a
    /// router of async handlers works with `process_async`).
    fn __call__(&self, py: Python<'_>, event: &Bound<'_, Event>) -> PyResult<Py<PyAny>> {
        let handlers = self.matching(py, event.get().inner.event_type());
        for (i, handler) in handlers.iter().enumerate() {
            let result = handler.bind(py).call1((event,))?;
            if result.hasattr(pyo3::intern!(py, "__await__"))? {
                let rest: Vec<Py<PyAny>> =
                    handlers[i + 1..].iter().map(|h| h.clone_ref(py)).collect();
                return Ok(crate::errors::support(py)?
                    .call_method1("await_then_rest", (result, rest, event))?
                    .unbind());
            }
        }
        Ok(py.None())
    }

    fn __repr__(&self) -> String {
        let patterns: Vec<String> = self
            .inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .routes()
            .iter()
            .map(|(p, _)| format!("{p:?}"))
            .collect();
        format!("Router([{}])", patterns.join(", "))
    }
}
