//! The Python binding of hookshield: `hookshield._hookshield`, wrapped by the pure-Python
//! package `hookshield` (see `python/hookshield`).
//!
//! The binding only converts types and errors; every rule lives in the core crate.

use pyo3::prelude::*;

mod answer;
mod convert;
mod errors;
mod event;
mod inbox;
mod json;
mod outcome;
mod router;
mod store;
mod verifier;

/// The native module.
#[pymodule]
fn _hookshield(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<verifier::Verifier>()?;
    m.add_class::<event::Event>()?;
    m.add_class::<store::MemoryStore>()?;
    m.add_class::<store::RedisStore>()?;
    m.add_class::<outcome::Outcome>()?;
    m.add_class::<answer::Answer>()?;
    m.add_class::<store::Claim>()?;
    m.add_class::<router::Router>()?;
    m.add_class::<inbox::Inbox>()?;
    m.add_class::<inbox::Job>()?;
    m.add_function(wrap_pyfunction!(verifier::sign, m)?)?;
    m.add_function(wrap_pyfunction!(verifier::sample, m)?)?;
    m.add_function(wrap_pyfunction!(verifier::sample_types, m)?)?;
    let providers: Vec<&str> = hookshield::Provider::ALL
        .iter()
        .map(|p| p.as_str())
        .collect();
    m.add("PROVIDERS", pyo3::types::PyTuple::new(m.py(), providers)?)?;
    m.add(
        "OVERRIDES",
        pyo3::types::PyTuple::new(m.py(), hookshield::OVERRIDES)?,
    )?;
    let codes: Vec<&str> = hookshield::ErrorCode::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    m.add("ERROR_CODES", pyo3::types::PyTuple::new(m.py(), codes)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
