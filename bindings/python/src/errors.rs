//! Core errors as the Python exceptions of `hookshield._errors`.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

use hookshield::{Error, ErrorKind};

/// The exception classes and the `ClaimState` enum, imported once from the pure-Python
/// part of the package.
struct Classes {
    signature: Py<PyAny>,
    timestamp: Py<PyAny>,
    payload: Py<PyAny>,
    configuration: Py<PyAny>,
    store: Py<PyAny>,
    claim_state: Py<PyAny>,
    support: Py<PyAny>,
}

static CLASSES: PyOnceLock<Classes> = PyOnceLock::new();

fn classes(py: Python<'_>) -> PyResult<&Classes> {
    CLASSES.get_or_try_init(py, || {
        let errors = py.import("hookshield._errors")?;
        let support = py.import("hookshield._support")?;
        Ok(Classes {
            signature: errors.getattr("SignatureError")?.unbind(),
            timestamp: errors.getattr("TimestampError")?.unbind(),
            payload: errors.getattr("PayloadError")?.unbind(),
            configuration: errors.getattr("ConfigurationError")?.unbind(),
            store: errors.getattr("StoreUnavailableError")?.unbind(),
            claim_state: support.getattr("ClaimState")?.unbind(),
            support: support.into_any().unbind(),
        })
    })
}

/// The `ClaimState` member for a core state.
pub(crate) fn claim_state(py: Python<'_>, state: hookshield::ClaimState) -> PyResult<Py<PyAny>> {
    Ok(classes(py)?
        .claim_state
        .bind(py)
        .call1((state.as_str(),))?
        .unbind())
}

/// The `hookshield._support` module (async helpers).
pub(crate) fn support(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    Ok(classes(py)?.support.bind(py).clone())
}

/// The exception instance for a core error: the class is chosen by the error's kind,
/// `.code` is the contract code, `.status` the HTTP status a receiver should answer and
/// `.details` what the error says in fields. Never a secret or an expected signature
/// (the core's errors carry neither).
pub(crate) fn exception<'py>(py: Python<'py>, error: &Error) -> PyResult<Bound<'py, PyAny>> {
    let classes = classes(py)?;
    let class = match error.kind() {
        ErrorKind::Signature => &classes.signature,
        ErrorKind::Timestamp => &classes.timestamp,
        ErrorKind::Payload => &classes.payload,
        ErrorKind::Config => &classes.configuration,
    };
    let details = details(py, error)?;
    class.bind(py).call1((
        error.to_string(),
        error.code().as_str(),
        hookshield::process::rejection_status(error),
        details,
    ))
}

/// A `PyErr` for a core error.
pub(crate) fn to_pyerr(py: Python<'_>, error: &Error) -> PyErr {
    match exception(py, error) {
        Ok(instance) => PyErr::from_value(instance),
        Err(failed) => failed,
    }
}

/// A `PyErr` for a store failure (`StoreUnavailableError`, code `store_unavailable`).
pub(crate) fn store_error(py: Python<'_>, error: &hookshield::StoreError) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let instance = classes(py)?.store.bind(py).call1((
            error.to_string(),
            error.code(),
            503,
            PyDict::new(py),
        ))?;
        Ok(PyErr::from_value(instance))
    };
    build().unwrap_or_else(|failed| failed)
}

/// A `ConfigurationError` with code `invalid_config`.
pub(crate) fn config_error(py: Python<'_>, message: impl Into<String>) -> PyErr {
    to_pyerr(
        py,
        &Error::InvalidConfig {
            reason: message.into(),
        },
    )
}

fn details<'py>(py: Python<'py>, error: &Error) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    match error {
        Error::MissingHeader { name } => d.set_item("header", name)?,
        Error::MalformedSignature {
            header,
            expected,
            found,
        } => {
            d.set_item("header", header)?;
            d.set_item("expected", expected)?;
            d.set_item("found", found)?;
        }
        Error::SignatureMismatch {
            header,
            signatures,
            secrets,
        } => {
            d.set_item("header", header)?;
            d.set_item("signatures", signatures)?;
            d.set_item("secrets", secrets)?;
        }
        Error::MissingTimestamp { header } => d.set_item("header", header)?,
        Error::MalformedTimestamp { header, found } => {
            d.set_item("header", header)?;
            d.set_item("found", found)?;
        }
        Error::TimestampTooOld {
            age_seconds,
            tolerance_seconds,
        } => {
            d.set_item("age_seconds", age_seconds)?;
            d.set_item("tolerance_seconds", tolerance_seconds)?;
        }
        Error::EventTooOld {
            age_seconds,
            horizon_seconds,
        } => {
            d.set_item("age_seconds", age_seconds)?;
            d.set_item("horizon_seconds", horizon_seconds)?;
        }
        Error::TimestampInFuture {
            ahead_seconds,
            tolerance_seconds,
        } => {
            d.set_item("ahead_seconds", ahead_seconds)?;
            d.set_item("tolerance_seconds", tolerance_seconds)?;
        }
        Error::BodyTooLarge { size, limit } => {
            d.set_item("size", size)?;
            d.set_item("limit", limit)?;
        }
        Error::InvalidJson { reason }
        | Error::InvalidEnvelope { reason }
        | Error::NoSecret { reason }
        | Error::InvalidConfig { reason } => d.set_item("reason", reason)?,
        Error::HeaderMismatch {
            header,
            header_value,
            body_value,
        } => {
            d.set_item("header", header)?;
            d.set_item("header_value", header_value)?;
            d.set_item("body_value", body_value)?;
        }
        _ => {}
    }
    Ok(d)
}
