//! Request headers in the shapes receivers already hold, looked up case-insensitively.

use std::collections::{BTreeMap, HashMap};

/// Read access to a request's headers, by case-insensitive name.
///
/// Implemented for slices, arrays and vectors of `(name, value)` pairs, for
/// `HashMap`/`BTreeMap` of strings and, with the `http` feature, for
/// [`http::HeaderMap`]. A header that occurs more than once yields its first value from
/// [`Headers::header`], and all of them from [`Headers::joined`].
///
/// ```
/// use hookshield::Headers;
/// let pairs = [("x-sentinel-signature", "sha256=00")];
/// assert_eq!(pairs.header("X-Sentinel-Signature"), Some("sha256=00".as_bytes()));
/// assert_eq!(pairs.header("X-Other"), None);
/// ```
pub trait Headers {
    /// The raw bytes of the first value of the header `name`, compared ASCII
    /// case-insensitively.
    fn header(&self, name: &str) -> Option<&[u8]>;

    /// Every value of the header `name`, joined with `, ` as HTTP joins a repeated
    /// header (and as Node.js and Fetch `Headers` hand them over). The signature header
    /// is read this way, so a signature in any occurrence counts.
    ///
    /// ```
    /// use hookshield::Headers;
    /// let pairs = [("X-Sig", "a"), ("x-sig", "b"), ("X-Other", "c")];
    /// assert_eq!(pairs.joined("x-sig").as_deref(), Some(&b"a, b"[..]));
    /// ```
    fn joined(&self, name: &str) -> Option<std::borrow::Cow<'_, [u8]>> {
        self.header(name).map(std::borrow::Cow::Borrowed)
    }
}

impl<H: Headers + ?Sized> Headers for &H {
    fn header(&self, name: &str) -> Option<&[u8]> {
        (**self).header(name)
    }

    fn joined(&self, name: &str) -> Option<std::borrow::Cow<'_, [u8]>> {
        (**self).joined(name)
    }
}

/// `values` joined with `, `, borrowed when there is just one.
fn join_values<'a>(
    mut values: impl Iterator<Item = &'a [u8]>,
) -> Option<std::borrow::Cow<'a, [u8]>> {
    let first = values.next()?;
    let Some(second) = values.next() else {
        return Some(std::borrow::Cow::Borrowed(first));
    };
    let mut joined = first.to_vec();
    for value in std::iter::once(second).chain(values) {
        joined.extend_from_slice(b", ");
        joined.extend_from_slice(value);
    }
    Some(std::borrow::Cow::Owned(joined))
}

impl<K: AsRef<str>, V: AsRef<[u8]>> Headers for [(K, V)] {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.iter()
            .find(|(key, _)| key.as_ref().eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_ref())
    }

    fn joined(&self, name: &str) -> Option<std::borrow::Cow<'_, [u8]>> {
        join_values(
            self.iter()
                .filter(|(key, _)| key.as_ref().eq_ignore_ascii_case(name))
                .map(|(_, value)| value.as_ref()),
        )
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>, const N: usize> Headers for [(K, V); N] {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.as_slice().header(name)
    }

    fn joined(&self, name: &str) -> Option<std::borrow::Cow<'_, [u8]>> {
        self.as_slice().joined(name)
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> Headers for Vec<(K, V)> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.as_slice().header(name)
    }

    fn joined(&self, name: &str) -> Option<std::borrow::Cow<'_, [u8]>> {
        self.as_slice().joined(name)
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>, S> Headers for HashMap<K, V, S> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.iter()
            .find(|(key, _)| key.as_ref().eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_ref())
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> Headers for BTreeMap<K, V> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.iter()
            .find(|(key, _)| key.as_ref().eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_ref())
    }
}

#[cfg(feature = "http")]
impl Headers for http::HeaderMap {
    fn header(&self, name: &str) -> Option<&[u8]> {
        // `HeaderMap` stores names lower-cased and matches `&str` keys case-insensitively.
        http::HeaderMap::get(self, name).map(http::HeaderValue::as_bytes)
    }

    fn joined(&self, name: &str) -> Option<std::borrow::Cow<'_, [u8]>> {
        join_values(self.get_all(name).iter().map(http::HeaderValue::as_bytes))
    }
}

/// The values of the headers a scheme reads, in the order of
/// [`Scheme::header_names`](crate::Scheme::header_names) (signature, timestamp, id,
/// event): what a binding hands over after picking them out of a request's headers.
///
/// ```
/// use hookshield::{Headers, Provider, SchemeHeaderValues};
/// let scheme = Provider::Sentinel.scheme();
/// let values = SchemeHeaderValues::new(&scheme, [Some("sha256=00"), Some("1700000000"), None, None]);
/// assert_eq!(values.header("x-sentinel-signature"), Some("sha256=00".as_bytes()));
/// assert_eq!(values.header("X-Other"), None);
/// ```
#[derive(Debug, Clone)]
pub struct SchemeHeaderValues<'s, V> {
    names: [Option<&'s str>; 4],
    values: [Option<V>; 4],
}

impl<'s, V: AsRef<[u8]>> SchemeHeaderValues<'s, V> {
    /// `values[i]` is the value of `scheme.header_names()[i]`, or `None` where the
    /// request has no such header.
    pub fn new(scheme: &'s crate::Scheme, values: [Option<V>; 4]) -> Self {
        SchemeHeaderValues {
            names: scheme.header_names(),
            values,
        }
    }
}

impl<V: AsRef<[u8]>> Headers for SchemeHeaderValues<'_, V> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.names
            .iter()
            .zip(&self.values)
            .find(|(known, _)| known.is_some_and(|known| known.eq_ignore_ascii_case(name)))
            .and_then(|(_, value)| value.as_ref())
            .map(AsRef::as_ref)
    }
}

/// The header as text, or `None` when absent; non-UTF-8 bytes become `Err(())`.
pub(crate) fn text<'h>(
    headers: &'h (impl Headers + ?Sized),
    name: &str,
) -> Option<Result<&'h str, ()>> {
    headers
        .header(name)
        .map(|bytes| std::str::from_utf8(bytes).map_err(|_| ()))
}
