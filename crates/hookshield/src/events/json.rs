//! Reading JSON without building a tree: the members of an object, borrowed from the
//! body as raw text, so only what is needed gets parsed.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

/// A string borrowed from the input where it has no escapes, owned where it has.
#[derive(Debug)]
pub(crate) struct Text<'a>(pub(crate) Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(TextVisitor)
    }
}

/// The members of a JSON object in document order, each value as raw text.
#[derive(Debug)]
pub(crate) struct Members<'a>(Vec<(Text<'a>, &'a str)>);

impl<'a> Members<'a> {
    /// The value of `name` (the last one, if the object repeats it, as parsers do).
    pub(crate) fn get(&self, name: &str) -> Option<&'a str> {
        self.0
            .iter()
            .rev()
            .find(|(key, _)| key.0 == name)
            .map(|(_, value)| *value)
    }

    /// Reads the members of the object `text` in one pass over it, each value checked
    /// to be JSON and kept as its text.
    ///
    /// `None` when `text` is not a well-formed object, or when anything about it is
    /// unusual: `serde_json::from_str::<Members>` then decides, with its error messages.
    pub(crate) fn read_object(text: &'a str) -> Option<Self> {
        Self::read_object_with(text, "", |_, _| None::<((), usize)>).map(|(members, _)| members)
    }

    /// [`Members::read_object`], offering `at_member` each value of the member `name`
    /// (the text from where it starts to the end of `text`) with the members read before
    /// it: it may parse the value itself, which checks it, returning what it made and the
    /// value's length; a value it declines is checked and skipped.
    pub(crate) fn read_object_with<T>(
        text: &'a str,
        name: &str,
        mut at_member: impl FnMut(&Self, &'a str) -> Option<(T, usize)>,
    ) -> Option<(Self, Option<T>)> {
        let bytes = text.as_bytes();
        let skip_whitespace = |mut at: usize| {
            while matches!(bytes.get(at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                at += 1;
            }
            at
        };
        let mut members = Members(Vec::with_capacity(8));
        let mut made = None;
        let mut at = skip_whitespace(0);
        if bytes.get(at) != Some(&b'{') {
            return None;
        }
        at = skip_whitespace(at + 1);
        if bytes.get(at) == Some(&b'}') {
            at += 1;
        } else {
            loop {
                let (key, length) = parse_prefix::<Text<'a>>(&text[at..]).ok()?;
                at = skip_whitespace(at + length);
                if bytes.get(at) != Some(&b':') {
                    return None;
                }
                at = skip_whitespace(at + 1);
                let rest = &text[at..];
                let offered = (!name.is_empty() && key.0 == name)
                    .then(|| at_member(&members, rest))
                    .flatten();
                let length = match offered {
                    Some((value, length)) => {
                        made = Some(value);
                        length
                    }
                    None => parse_prefix::<&RawValue>(rest).ok()?.1,
                };
                members.0.push((key, &rest[..length]));
                at = skip_whitespace(at + length);
                match bytes.get(at) {
                    Some(b',') => at = skip_whitespace(at + 1),
                    Some(b'}') => {
                        at += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        (skip_whitespace(at) == bytes.len()).then_some((members, made))
    }
}

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MembersVisitor;
        impl<'de> Visitor<'de> for MembersVisitor {
            type Value = Members<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut members = Vec::with_capacity(8);
                while let Some(key) = map.next_key::<Text<'de>>()? {
                    members.push((key, map.next_value::<&'de RawValue>()?.get()));
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(MembersVisitor)
    }
}

/// The JSON value at the start of `text` (which must not begin with whitespace), and
/// how many bytes it takes.
pub(crate) fn parse_prefix<'a, T: Deserialize<'a>>(
    text: &'a str,
) -> Result<(T, usize), serde_json::Error> {
    let mut values = serde_json::Deserializer::from_str(text).into_iter::<T>();
    match values.next() {
        Some(value) => value.map(|value| (value, values.byte_offset())),
        None => Err(de::Error::custom("expected a value")),
    }
}

/// Integer fields read as JSON means them: `4`, `4.0` and `4e0` are the same whole
/// number (JSON has one number type), so a sender that serializes through floating
/// point still types. Used with `#[serde(deserialize_with)]`.
pub(crate) mod whole {
    use serde::{Deserialize, Deserializer};
    use serde_json::Number;

    fn whole<T: TryFrom<u64>, E: serde::de::Error>(number: &Number) -> Result<T, E> {
        let value = number.as_u64().or_else(|| {
            let float = number.as_f64()?;
            // `u64::MAX as f64` rounds up to 2^64, which is out of range: hence `<`.
            (float.fract() == 0.0 && float >= 0.0 && float < u64::MAX as f64)
                .then_some(float as u64)
        });
        value
            .and_then(|value| T::try_from(value).ok())
            .ok_or_else(|| E::custom(format!("expected a whole number in range, found {number}")))
    }

    /// A required whole number.
    pub(crate) fn required<'de, D: Deserializer<'de>, T: TryFrom<u64>>(
        d: D,
    ) -> Result<T, D::Error> {
        whole(&Number::deserialize(d)?)
    }

    /// An optional whole number (`null` or absent: `None`).
    pub(crate) fn optional<'de, D: Deserializer<'de>, T: TryFrom<u64>>(
        d: D,
    ) -> Result<Option<T>, D::Error> {
        Option::<Number>::deserialize(d)?
            .map(|number| whole::<T, D::Error>(&number))
            .transpose()
    }
}

/// Why the JSON value at the start of `text` is not a `T`, naming the field (with the
/// `field-paths` feature): for the details of an untyped event, on the error path only,
/// so the reading stays one pass.
pub(crate) fn shape_mismatch<'a, T: Deserialize<'a>>(text: &'a str) -> String {
    #[cfg(feature = "field-paths")]
    let (path, error) = {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
            Ok(_) => return "the value does not match".to_owned(),
            Err(error) => (error.path().to_string(), error.into_inner()),
        }
    };
    #[cfg(not(feature = "field-paths"))]
    let (path, error) = match parse_prefix::<T>(text) {
        Ok(_) => return "the value does not match".to_owned(),
        Err(error) => (".".to_owned(), error),
    };
    let message = error.to_string();
    // Line and column count from the start of `data`, which only confuses.
    let message = message
        .rsplit_once(" at line ")
        .map_or(&*message, |(m, _)| m);
    match path.as_str() {
        "." => message.to_owned(),
        path => format!("`{path}`: {message}"),
    }
}

/// The identifiers in an envelope's `data` that idempotency keys are built from.
#[derive(Debug, Default)]
pub(crate) struct DataIds {
    /// The first string member whose name ends in `_id`.
    pub(crate) first: Option<String>,
    /// `document_id`, if a string.
    pub(crate) document_id: Option<String>,
    /// `job_id`, if a string.
    pub(crate) job_id: Option<String>,
}

impl<'de> Deserialize<'de> for DataIds {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IdsVisitor;
        impl<'de> Visitor<'de> for IdsVisitor {
            type Value = DataIds;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut ids = DataIds::default();
                while let Some(key) = map.next_key::<Text<'de>>()? {
                    if !key.0.ends_with("_id") {
                        map.next_value::<IgnoredAny>()?;
                        continue;
                    }
                    let Some(value) = map.next_value::<StringOrOther>()?.0 else {
                        continue;
                    };
                    match key.0.as_ref() {
                        "document_id" => ids.document_id = Some(value.clone()),
                        "job_id" => ids.job_id = Some(value.clone()),
                        _ => {}
                    }
                    ids.first.get_or_insert(value);
                }
                Ok(ids)
            }
        }
        deserializer.deserialize_map(IdsVisitor)
    }
}

/// A string, or `None` for any other JSON value.
struct StringOrOther(Option<String>);

impl<'de> Deserialize<'de> for StringOrOther {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        Ok(StringOrOther(match value {
            serde_json::Value::String(s) => Some(s),
            _ => None,
        }))
    }
}

/// JSON already validated as part of the body, as a [`Value`]: an unpaired surrogate
/// escape (which a Rust string cannot hold) reads as U+FFFD; nesting past `serde_json`'s
/// limit, or a number past an `f64`'s range, reads as `null`.
pub(crate) fn parse_verified(text: &str) -> Value {
    serde_json::from_str(text)
        .or_else(|_| serde_json::from_str(&replace_lone_surrogates(text)))
        .unwrap_or(Value::Null)
}

/// `text` with every `\\uXXXX` escape of an unpaired surrogate replaced by `\\ufffd`.
fn replace_lone_surrogates(text: &str) -> String {
    let bytes = text.as_bytes();
    let surrogate = |at: usize| -> Option<u16> {
        let hex = text.get(at + 2..at + 6)?;
        (bytes.get(at) == Some(&b'\\') && bytes.get(at + 1) == Some(&b'u'))
            .then(|| u16::from_str_radix(hex, 16).ok())
            .flatten()
            .filter(|unit| (0xD800..0xE000).contains(unit))
    };
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut at = 0;
    while let Some(found) = memchr::memchr(b'\\', &bytes[at..]) {
        at += found;
        if bytes.get(at + 1) != Some(&b'u') {
            at += 2; // an escaped character, possibly a backslash
            continue;
        }
        let lone = match surrogate(at) {
            None => false,
            Some(0xD800..=0xDBFF) => {
                let paired = matches!(surrogate(at + 6), Some(0xDC00..=0xDFFF));
                if paired {
                    at += 6;
                }
                !paired
            }
            // A low surrogate with no high one before it.
            Some(_) => true,
        };
        if lone {
            out.push_str(&text[copied..at]);
            out.push_str("\\ufffd");
            copied = at + 6;
        }
        at += 6;
    }
    out.push_str(&text[copied..]);
    out
}

/// What kind of JSON value a raw value is, for error messages.
pub(crate) fn kind_of(raw: &str) -> &'static str {
    match raw.trim_start().as_bytes().first() {
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}
