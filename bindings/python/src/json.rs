//! JSON text to Python objects, as `json.loads` gives them, for `Event.data` and
//! `Event.raw`.

use std::cell::RefCell;
use std::sync::{Mutex, MutexGuard};

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyString};

static JSON_LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// What `json.loads(text)` gives, always: straight from the text where that is exact
/// (no `serde_json::Value` in between), else by `json.loads` itself. The fast path
/// gives up on what it cannot read the way Python does: a number that may be an
/// integer past 64 bits or `-0` (both read as an integral float), and anything
/// `serde_json` refuses (nesting past 128 levels, a lone surrogate escape).
pub(crate) fn json_to_py(py: Python<'_>, text: &str) -> PyResult<Py<PyAny>> {
    if let Some(value) = json_text_to_py(py, text) {
        return Ok(value.unbind());
    }
    let loads = JSON_LOADS.get_or_try_init(py, || {
        Ok::<_, PyErr>(py.import("json")?.getattr("loads")?.unbind())
    })?;
    Ok(loads.bind(py).call1((text,))?.unbind())
}

/// Python objects straight from JSON text, as `json.loads` would give them (objects
/// keep their member order; a repeated member keeps its first place and its last
/// value, as a `dict` does), or `None` where this reading could differ from it.
fn json_text_to_py<'py>(py: Python<'py>, text: &str) -> Option<Bound<'py, PyAny>> {
    // Another thread reading JSON holds the names: this one makes its own. (Never
    // waited for: Python code run meanwhile, a finalizer, may hand that thread the GIL.)
    let names = NAMES.try_lock().ok().map(RefCell::new);
    let seed = PySeed {
        py,
        names: names.as_ref(),
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde::de::DeserializeSeed::deserialize(seed, &mut de).ok()?;
    de.end().ok()?;
    Some(value)
}

/// How many member names [`NAMES`] keeps.
const NAME_SLOTS: usize = 512;

/// Member names longer than this are made anew each time.
const LONGEST_KEPT_NAME: usize = 48;

/// The `str`s of recent member names, by a hash of their text: deliveries of one
/// provider repeat the same names, and a `str` made once is hashed once (a `dict`
/// keeps a `str`'s hash), as `orjson` does.
static NAMES: Mutex<Names> = Mutex::new(Vec::new());

/// The slots of [`NAMES`]: a name's text and its `str`.
type Names = Vec<Option<(Box<str>, Py<PyString>)>>;

/// The `str` for the member name `name`, from `names` where it is there.
fn member_name<'py>(
    py: Python<'py>,
    names: Option<&RefCell<MutexGuard<'static, Names>>>,
    name: &str,
) -> Bound<'py, PyString> {
    let Some(names) = names.filter(|_| name.len() <= LONGEST_KEPT_NAME) else {
        return PyString::new(py, name);
    };
    let mut names = names.borrow_mut();
    if names.is_empty() {
        names.resize_with(NAME_SLOTS, || None);
    }
    // FNV-1a: short names, no need for more.
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    let slot = &mut names[(hash % NAME_SLOTS as u64) as usize];
    match slot {
        Some((kept, string)) if **kept == *name => string.bind(py).clone(),
        _ => {
            let string = PyString::new(py, name);
            *slot = Some((name.into(), string.clone().unbind()));
            string
        }
    }
}

/// Builds the Python object for one JSON value.
#[derive(Clone, Copy)]
struct PySeed<'py, 'n> {
    py: Python<'py>,
    names: Option<&'n RefCell<MutexGuard<'static, Names>>>,
}

/// Builds the `str` for a member name.
struct NameSeed<'py, 'n>(PySeed<'py, 'n>);

impl<'de, 'py> serde::de::DeserializeSeed<'de> for NameSeed<'py, '_> {
    type Value = Bound<'py, PyString>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'py> serde::de::Visitor<'_> for NameSeed<'py, '_> {
    type Value = Bound<'py, PyString>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(member_name(self.0.py, self.0.names, v))
    }
}

fn py_err<E: serde::de::Error>(err: &PyErr) -> E {
    E::custom(err)
}

impl<'de, 'py> serde::de::DeserializeSeed<'de> for PySeed<'py, '_> {
    type Value = Bound<'py, PyAny>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, 'py> serde::de::Visitor<'de> for PySeed<'py, '_> {
    type Value = Bound<'py, PyAny>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JSON")
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(self.py.None().into_bound(self.py))
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(pyo3::types::PyBool::new(self.py, v).to_owned().into_any())
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(match v.into_pyobject(self.py) {
            Ok(obj) => obj.into_any(),
        })
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(match v.into_pyobject(self.py) {
            Ok(obj) => obj.into_any(),
        })
    }

    /// A float with a fraction. An integral one may stand for an integer `serde_json`
    /// cannot hold (`18446744073709551617`), for `-0` (an `int` in Python), or for `4.0`
    /// or `1e2` (a `float`): the text decides, so the caller asks `json.loads`.
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if v.fract() == 0.0 {
            return Err(E::custom("an integral number: json.loads reads it"));
        }
        Ok(match v.into_pyobject(self.py) {
            Ok(obj) => obj.into_any(),
        })
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(PyString::new(self.py, v).into_any())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let list = PyList::empty(self.py);
        while let Some(item) = seq.next_element_seed(self)? {
            list.append(item).map_err(|e| py_err(&e))?;
        }
        Ok(list.into_any())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let dict = PyDict::new(self.py);
        while let Some(key) = map.next_key_seed(NameSeed(self))? {
            let value = map.next_value_seed(self)?;
            dict.set_item(key, value).map_err(|e| py_err(&e))?;
        }
        Ok(dict.into_any())
    }
}
