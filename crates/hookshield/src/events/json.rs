//! Reading JSON without building a tree: the members of an object, borrowed from the
//! body as raw text, so only what is needed gets parsed.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

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

    /// Reads the members of the object `text` in one pass over it.
    ///
    /// `at_data` is offered each `data` member's value (the text from where it starts to
    /// the end of `text`) with the members read before it, and may parse the value itself,
    /// returning what it made and the value's length; a value it declines is skipped.
    /// `None` when `text` is not a well-formed object, or when anything about it is
    /// unusual: `serde_json::from_str::<Members>` then decides, with its error messages.
    pub(crate) fn read_object<T>(
        text: &'a str,
        mut at_data: impl FnMut(&Self, &'a str) -> Option<(T, usize)>,
    ) -> Option<(Self, Option<T>)> {
        let bytes = text.as_bytes();
        let skip_whitespace = |mut at: usize| {
            while matches!(bytes.get(at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                at += 1;
            }
            at
        };
        let mut members = Members(Vec::with_capacity(8));
        let mut parsed = None;
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
                let made = if key.0 == "data" {
                    at_data(&members, rest)
                } else {
                    None
                };
                let length = match made {
                    Some((made, length)) => {
                        parsed = Some(made);
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
        (skip_whitespace(at) == bytes.len()).then_some((members, parsed))
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

/// Checks that text parses as a [`serde_json::Value`] would, numbers included (an
/// exponent past `f64`'s range is refused there, though skipping over it is not), while
/// keeping nothing.
pub(crate) struct Checked;

impl<'de> Deserialize<'de> for Checked {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CheckVisitor;
        impl<'de> Visitor<'de> for CheckVisitor {
            type Value = Checked;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("JSON")
            }

            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Checked, E> {
                Ok(Checked)
            }

            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Checked, E> {
                Ok(Checked)
            }

            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Checked, E> {
                Ok(Checked)
            }

            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Checked, E> {
                Ok(Checked)
            }

            fn visit_str<E: de::Error>(self, _: &str) -> Result<Checked, E> {
                Ok(Checked)
            }

            fn visit_unit<E: de::Error>(self) -> Result<Checked, E> {
                Ok(Checked)
            }

            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Checked, A::Error> {
                while seq.next_element::<Checked>()?.is_some() {}
                Ok(Checked)
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Checked, A::Error> {
                while map.next_key::<IgnoredAny>()?.is_some() {
                    map.next_value::<Checked>()?;
                }
                Ok(Checked)
            }
        }
        deserializer.deserialize_any(CheckVisitor)
    }
}

/// Whether well-formed JSON `text` may hold a number that [`Checked`] refuses: one with an
/// exponent or a long run of digits. Strings are skipped; the answer errs towards `true`.
///
/// Skipping a number (as reading [`Members`] does) checks its syntax but not its range, and
/// a number out of `f64`'s range needs an exponent or hundreds of digits; so when this says
/// `false`, a text that [`Members`] read is one [`Checked`] accepts, and the second pass
/// over the whole body can be left out.
pub(crate) fn may_hold_out_of_range_number(text: &str) -> bool {
    let bytes = text.as_bytes();
    // Most bodies have no digit followed by `e` and no long run of digits anywhere,
    // strings included; one quick look settles those.
    if !has_exponent_or_digit_block(bytes) {
        return false;
    }
    // Where the current stretch outside strings began; `None` inside a string.
    let mut outside_from = Some(0);
    let mut marks = memchr::memchr2_iter(b'"', b'\\', bytes);
    while let Some(at) = marks.next() {
        match (bytes[at], outside_from) {
            (b'"', Some(from)) => {
                if holds_long_number(&bytes[from..at]) {
                    return true;
                }
                outside_from = None;
            }
            (b'"', None) => outside_from = Some(at + 1),
            // A backslash in a string escapes the next byte, which may be a mark itself.
            (_, None) => {
                if matches!(bytes.get(at + 1), Some(b'"' | b'\\')) {
                    marks.next();
                }
            }
            // Not JSON: the full check will say so.
            (_, Some(_)) => return true,
        }
    }
    outside_from.map_or(true, |from| holds_long_number(&bytes[from..]))
}

/// Whether a digit is followed by `e` or `E`, or a block of [`DIGIT_BLOCK`] bytes holds
/// only digits (which a run of more than 300 does), anywhere in `bytes`. Written as
/// branch-free folds so that it compiles to vector instructions.
#[allow(clippy::needless_bitwise_bool)] // `&&` would branch and stop the vectorizing
fn has_exponent_or_digit_block(bytes: &[u8]) -> bool {
    let is_digit = |byte: u8| byte.wrapping_sub(b'0') < 10;
    let exponent = bytes
        .iter()
        .zip(bytes.iter().skip(1))
        .fold(false, |seen, (&before, &after)| {
            seen | (is_digit(before) & (after | 0x20 == b'e'))
        });
    exponent
        || bytes
            .chunks_exact(DIGIT_BLOCK)
            .any(|block| block.iter().all(|&byte| is_digit(byte)))
}

/// See [`has_exponent_or_digit_block`].
const DIGIT_BLOCK: usize = 64;

/// Whether a stretch of JSON outside strings holds a number with an exponent or a long
/// run of digits.
fn holds_long_number(stretch: &[u8]) -> bool {
    let mut digits = 0;
    for &byte in stretch {
        match byte {
            b'0'..=b'9' => {
                digits += 1;
                if digits > MAX_PLAIN_DIGITS {
                    return true;
                }
            }
            b'e' | b'E' if digits > 0 => return true,
            _ => digits = 0,
        }
    }
    false
}

/// Runs of digits longer than this send the body to the full check (`f64` holds 17
/// significant digits; overflowing it takes more than 300).
const MAX_PLAIN_DIGITS: usize = 17;

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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{may_hold_out_of_range_number, Checked, Members};

    #[test]
    fn numbers_that_need_the_full_check_are_flagged() {
        let long = format!(r#"{{"a":[{}]}}"#, "9".repeat(320));
        for text in [
            r#"{"a":1e400}"#,
            r#"{"a":[-1.5E+3]}"#,
            r#"{"id":"x1e","a":12345678901234567890e1}"#,
            r#"{"id":"1e","a":"unterminated"#,
            &long,
        ] {
            assert!(may_hold_out_of_range_number(text), "{text}");
        }
    }

    #[test]
    fn strings_keywords_and_short_numbers_are_not() {
        for text in [
            r#"{"id":"evt_1e400","ok":true,"no":false,"n":null}"#,
            r#"{"esc":"a\"1e9\\","deep":{"x":[1,-2.5,0.94,12500000]}}"#,
            r#"{"quote\\":"\\","e":"\u00e9","9e":"1"}"#,
            r#"{"no digit before e":"sentinel","time":1778839500000}"#,
        ] {
            assert!(!may_hold_out_of_range_number(text), "{text}");
        }
    }

    fn json_number() -> impl Strategy<Value = String> {
        "-?(0|[1-9][0-9]{0,400})(\\.[0-9]{1,40})?([eE][+-]?[0-9]{1,4})?"
    }

    proptest! {
        /// Leaving out the full check never lets through a body it would refuse.
        #[test]
        fn skipping_the_full_check_is_safe(
            numbers in prop::collection::vec(json_number(), 1..4),
            name in "[a-z0-9\"\\\\e]{0,6}",
        ) {
            let name = serde_json::to_string(&name).expect("a string");
            let text = format!(r#"{{{name}:[{}],"s":"1e999"}}"#, numbers.join(","));
            prop_assert!(serde_json::from_str::<Members<'_>>(&text).is_ok());
            let full = serde_json::from_str::<Checked>(&text).is_ok();
            prop_assert_eq!(full, serde_json::from_str::<serde_json::Value>(&text).is_ok());
            if !may_hold_out_of_range_number(&text) {
                prop_assert!(full, "{text}");
            }
        }
    }
}
