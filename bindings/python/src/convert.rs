//! Python values in, Python values out: bodies, headers, secrets and JSON.

use std::borrow::Cow;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::pybacked::{PyBackedBytes, PyBackedStr};
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyMemoryView, PyString, PyTuple};

/// The bytes of a `str`, as UTF-8: borrowed from the string (which holds its UTF-8 from
/// the first time it is asked). A string holding lone surrogates (which cannot be
/// UTF-8) keeps them as their `surrogatepass` bytes instead of raising, so such a body
/// or header simply fails the signature check.
pub(crate) fn str_bytes<'a>(s: &'a Bound<'_, PyString>) -> PyResult<Cow<'a, [u8]>> {
    if let Ok(text) = s.to_str() {
        return Ok(Cow::Borrowed(text.as_bytes()));
    }
    let encoded = s.call_method1(pyo3::intern!(s.py(), "encode"), ("utf-8", "surrogatepass"))?;
    Ok(Cow::Owned(encoded.cast::<PyBytes>()?.as_bytes().to_vec()))
}

/// A request body: `bytes`, `bytearray`, `memoryview` or `str` (taken as UTF-8).
pub(crate) enum Body<'py> {
    Borrowed(Bound<'py, PyBytes>),
    /// A `str`'s UTF-8, held by the string.
    Text(PyBackedStr),
    Owned(Vec<u8>),
}

impl Body<'_> {
    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            Body::Borrowed(bytes) => bytes.as_bytes(),
            Body::Text(text) => text.as_bytes(),
            Body::Owned(bytes) => bytes,
        }
    }
}

pub(crate) fn body<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Body<'py>> {
    if let Ok(bytes) = obj.cast::<PyBytes>() {
        return Ok(Body::Borrowed(bytes.clone()));
    }
    if let Ok(text) = obj.cast::<PyString>() {
        return Ok(match PyBackedStr::try_from(text.clone()) {
            Ok(text) => Body::Text(text),
            Err(_) => Body::Owned(str_bytes(text)?.into_owned()),
        });
    }
    if let Ok(array) = obj.cast::<PyByteArray>() {
        return Ok(Body::Owned(array.to_vec()));
    }
    if obj.is_instance_of::<PyMemoryView>() {
        let copied = obj.py().get_type::<PyBytes>().call1((obj,))?;
        return Ok(Body::Borrowed(copied.cast_into::<PyBytes>()?));
    }
    Err(PyTypeError::new_err(format!(
        "body must be bytes, bytearray, memoryview or str (the raw request body), not {}",
        type_name(obj)
    )))
}

/// The headers a verifier reads ([`hookshield::Scheme::header_names`]), so a request's
/// other headers are passed over unconverted. The first is the signature header, whose
/// entries begin with `prefix`.
pub(crate) struct WantedHeaders {
    names: Vec<String>,
    prefix: String,
}

impl WantedHeaders {
    pub(crate) fn of(scheme: &hookshield::Scheme) -> Self {
        WantedHeaders {
            names: scheme
                .header_names()
                .into_iter()
                .flatten()
                .map(str::to_owned)
                .collect(),
            prefix: scheme.prefix.clone(),
        }
    }

    /// The wanted name that a request's header `name` is (ASCII case-insensitively, as
    /// the core compares); a `TypeError` if the name is neither `str` nor `bytes`. A
    /// `str` name is compared as the UTF-8 it holds, without a copy.
    fn find(&self, name: &Bound<'_, PyAny>) -> PyResult<Option<&str>> {
        let matching = |bytes: &[u8]| {
            self.names
                .iter()
                .find(|wanted| wanted.as_bytes().eq_ignore_ascii_case(bytes))
                .map(String::as_str)
        };
        if let Ok(text) = name.cast::<PyString>() {
            return Ok(matching(&str_bytes(text)?));
        }
        if let Ok(bytes) = name.cast::<PyBytes>() {
            return Ok(matching(bytes.as_bytes()));
        }
        Err(PyTypeError::new_err(format!(
            "header names must be str or bytes, not {}",
            type_name(name)
        )))
    }
}

/// A header's value as bytes: those of the `bytes` object it is or the UTF-8 the `str`
/// holds, without a copy, or bytes of its own.
pub(crate) enum HeaderValue {
    Bytes(PyBackedBytes),
    Text(PyBackedStr),
    Owned(Vec<u8>),
}

impl AsRef<[u8]> for HeaderValue {
    fn as_ref(&self) -> &[u8] {
        match self {
            HeaderValue::Bytes(bytes) => bytes,
            HeaderValue::Text(text) => text.as_bytes(),
            HeaderValue::Owned(bytes) => bytes,
        }
    }
}

/// The headers a verifier reads, from a mapping (`dict`, Flask's and Starlette's
/// `Headers`, anything with `.items()`) or an iterable of `(name, value)` pairs; names
/// and values may be `str` or `bytes`. Each comes back under the name the verifier
/// knows it by, every occurrence in order: the core reads every occurrence of the
/// signature header (joined with `, `) and the first of any other. The values of a
/// request's other headers are never converted.
pub(crate) fn headers<'w>(
    obj: &Bound<'_, PyAny>,
    wanted: &'w WantedHeaders,
) -> PyResult<Vec<(&'w str, HeaderValue)>> {
    let mut out = Vec::with_capacity(wanted.names.len());
    let signature = wanted.names.first().map(String::as_str);
    let mut keep = |name: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>| -> PyResult<()> {
        if let Some(known) = wanted.find(name)? {
            let mut value = header_value(name, value)?;
            if Some(known) == signature {
                value = separate_wsgi_joined(value, wanted.prefix.as_bytes());
            }
            out.push((known, value));
        }
        Ok(())
    };
    if let Ok(dict) = obj.cast::<PyDict>() {
        for (name, value) in dict.iter() {
            keep(&name, &value)?;
        }
        return Ok(out);
    }
    if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyBytes>() {
        return Err(headers_type_error(obj));
    }
    // A list or tuple of pairs (ASGI's `scope["headers"]`) has no `items`: asking for it
    // would make and discard an `AttributeError` on every call.
    let pairs = obj.is_exact_instance_of::<PyList>() || obj.is_exact_instance_of::<PyTuple>();
    let items = if pairs {
        obj.clone()
    } else {
        match obj.getattr(pyo3::intern!(obj.py(), "items")) {
            Ok(items) if items.is_callable() => items.call0()?,
            _ => obj.clone(),
        }
    };
    let iter = items.try_iter().map_err(|_| headers_type_error(obj))?;
    for pair in iter {
        let pair = pair?;
        let (name, value) = if let Ok(tuple) = pair.cast::<PyTuple>() {
            if tuple.len() != 2 {
                return Err(pair_error(&pair));
            }
            (tuple.get_item(0)?, tuple.get_item(1)?)
        } else if let Ok(list) = pair.cast::<PyList>() {
            if list.len() != 2 {
                return Err(pair_error(&pair));
            }
            (list.get_item(0)?, list.get_item(1)?)
        } else {
            return Err(pair_error(&pair));
        };
        keep(&name, &value)?;
    }
    Ok(out)
}

/// A WSGI server joins a repeated header with a bare `,` (werkzeug and gunicorn do:
/// Flask sees `sha256=<a>,sha256=<b>`), which the core would read as one entry. A
/// signature tag (hex or base64) never holds a comma, so a comma that begins another
/// entry (is followed by the scheme's prefix) separates two: it becomes a space.
fn separate_wsgi_joined(value: HeaderValue, prefix: &[u8]) -> HeaderValue {
    let begins_entry = |bytes: &[u8], i: usize| {
        let rest = &bytes[i + 1..];
        bytes[i] == b','
            && rest.len() >= prefix.len()
            && rest[..prefix.len()].eq_ignore_ascii_case(prefix)
    };
    let bytes = value.as_ref();
    if !bytes.contains(&b',') || !(1..bytes.len()).any(|i| begins_entry(bytes, i)) {
        return value;
    }
    let mut bytes = bytes.to_vec();
    for i in 1..bytes.len() {
        if begins_entry(&bytes, i) {
            bytes[i] = b' ';
        }
    }
    HeaderValue::Owned(bytes)
}

fn headers_type_error(obj: &Bound<'_, PyAny>) -> PyErr {
    PyTypeError::new_err(format!(
        "headers must be a mapping or an iterable of (name, value) pairs, not {}",
        type_name(obj)
    ))
}

fn pair_error(pair: &Bound<'_, PyAny>) -> PyErr {
    PyTypeError::new_err(format!(
        "each header must be a (name, value) pair, found {}",
        type_name(pair)
    ))
}

fn header_value(name: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<HeaderValue> {
    if let Ok(text) = value.cast::<PyString>() {
        // A value with lone surrogates is not UTF-8: `str_bytes` keeps them.
        return Ok(match PyBackedStr::try_from(text.clone()) {
            Ok(text) => HeaderValue::Text(text),
            Err(_) => HeaderValue::Owned(str_bytes(text)?.into_owned()),
        });
    }
    if let Ok(bytes) = value.cast::<PyBytes>() {
        return Ok(HeaderValue::Bytes(bytes.clone().into()));
    }
    Err(PyTypeError::new_err(format!(
        "the value of header {} must be str or bytes, not {}",
        name.repr()
            .map_or_else(|_| "?".to_owned(), |r| r.to_string()),
        type_name(value)
    )))
}

/// A secret: `str` is text (`Secret::Text`), `bytes`/`bytearray` raw key bytes.
fn secret(obj: &Bound<'_, PyAny>) -> PyResult<Option<hookshield::Secret>> {
    if let Ok(text) = obj.cast::<PyString>() {
        let bytes = str_bytes(text)?;
        return Ok(Some(match String::from_utf8(bytes.into_owned()) {
            Ok(text) => hookshield::Secret::Text(text),
            Err(e) => hookshield::Secret::Bytes(e.into_bytes()),
        }));
    }
    if let Ok(bytes) = obj.cast::<PyBytes>() {
        return Ok(Some(hookshield::Secret::Bytes(bytes.as_bytes().to_vec())));
    }
    if let Ok(array) = obj.cast::<PyByteArray>() {
        return Ok(Some(hookshield::Secret::Bytes(array.to_vec())));
    }
    Ok(None)
}

/// One secret, or a sequence of them.
pub(crate) fn secrets(obj: &Bound<'_, PyAny>) -> PyResult<Vec<hookshield::Secret>> {
    if let Some(one) = secret(obj)? {
        return Ok(vec![one]);
    }
    let error = || {
        PyTypeError::new_err(format!(
            "secrets must be str, bytes, or a sequence of them, not {}",
            type_name(obj)
        ))
    };
    let iter = obj.try_iter().map_err(|_| error())?;
    let mut out = Vec::new();
    for item in iter {
        let item = item?;
        match secret(&item)? {
            Some(s) => out.push(s),
            None => {
                return Err(PyTypeError::new_err(format!(
                    "each secret must be str or bytes, not {}",
                    type_name(&item)
                )))
            }
        }
    }
    Ok(out)
}

/// One secret (for `sign`).
pub(crate) fn single_secret(obj: &Bound<'_, PyAny>) -> PyResult<hookshield::Secret> {
    secret(obj)?.ok_or_else(|| {
        PyTypeError::new_err(format!(
            "secret must be str or bytes, not {}",
            type_name(obj)
        ))
    })
}

static UTC_EPOCH: PyOnceLock<(Py<PyAny>, Py<PyAny>)> = PyOnceLock::new();

/// An aware UTC `datetime` for Unix seconds plus microseconds.
pub(crate) fn utc_datetime(py: Python<'_>, seconds: i64, micros: u32) -> PyResult<Py<PyAny>> {
    let (epoch, timedelta) = UTC_EPOCH.get_or_try_init(py, || -> PyResult<_> {
        let datetime = py.import("datetime")?;
        let utc = datetime.getattr("timezone")?.getattr("utc")?;
        let epoch = datetime
            .getattr("datetime")?
            .call1((1970, 1, 1, 0, 0, 0, 0, utc))?;
        Ok((epoch.unbind(), datetime.getattr("timedelta")?.unbind()))
    })?;
    let delta = timedelta.bind(py).call1((0, seconds, micros))?;
    Ok(epoch.bind(py).add(delta)?.unbind())
}

/// `type(obj).__name__`, for error messages.
pub(crate) fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map_or_else(|_| "object".to_owned(), |n| n.to_string())
}

/// `repr(text)`: a string as Python writes it, for `__repr__`.
pub(crate) fn py_repr(py: Python<'_>, text: &str) -> String {
    PyString::new(py, text)
        .repr()
        .map_or_else(|_| format!("{text:?}"), |r| r.to_string())
}

/// `repr` of an optional string (`None` when absent).
pub(crate) fn py_repr_opt(py: Python<'_>, text: Option<&str>) -> String {
    text.map_or_else(|| "None".to_owned(), |t| py_repr(py, t))
}
