//! Signature headers: their formats, what is signed, and the constant-time check.

use base64::Engine as _;
use hmac::Mac as _;
use subtle::{Choice, ConstantTimeEq as _};

use crate::secret::KeyedSecret;
use crate::signed_content::{Message, SignedContent};
use crate::Error;

/// Length of an HMAC-SHA256 tag in bytes.
pub(crate) const TAG_LEN: usize = 32;

/// How the tag is written in the signature header.
///
/// ```
/// use hookshield::SignatureEncoding;
/// assert_eq!("base64".parse::<SignatureEncoding>(), Ok(SignatureEncoding::Base64));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureEncoding {
    /// Lower- or upper-case hexadecimal, 64 digits.
    Hex,
    /// Standard base64 with padding, 44 characters.
    Base64,
}

impl std::str::FromStr for SignatureEncoding {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "hex" => Ok(SignatureEncoding::Hex),
            "base64" => Ok(SignatureEncoding::Base64),
            other => Err(Error::config(format!(
                "signature encoding must be `hex` or `base64`, found {other:?}"
            ))),
        }
    }
}

/// The tag of `message` under `secret`.
pub(crate) fn tag(
    secret: &KeyedSecret,
    content: &SignedContent,
    message: Message<'_>,
) -> [u8; TAG_LEN] {
    let mut mac = secret.mac();
    content.absorb(&mut mac, message);
    mac.finalize().into_bytes().into()
}

/// Writes `tag` as a header value: `prefix` then the encoded tag.
pub(crate) fn encode(tag: &[u8; TAG_LEN], encoding: SignatureEncoding, prefix: &str) -> String {
    let encoded = match encoding {
        SignatureEncoding::Hex => hex::encode(tag),
        SignatureEncoding::Base64 => base64::engine::general_purpose::STANDARD.encode(tag),
    };
    format!("{prefix}{encoded}")
}

/// At most this many signatures are read from one header.
const MAX_SIGNATURES: usize = 16;

/// The tags found in a signature header (up to [`MAX_SIGNATURES`]).
#[derive(Debug)]
pub(crate) struct Candidates {
    tags: [[u8; TAG_LEN]; MAX_SIGNATURES],
    len: usize,
}

impl Candidates {
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Whether `computed` equals any candidate, comparing every candidate in constant time.
    pub(crate) fn contains(&self, computed: &[u8; TAG_LEN]) -> bool {
        let mut found = Choice::from(0);
        for candidate in &self.tags[..self.len] {
            found |= candidate.ct_eq(computed);
        }
        found.into()
    }
}

/// What a signature header's entries look like.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HeaderShape<'s> {
    pub(crate) encoding: SignatureEncoding,
    /// What precedes each tag: `sha256=`, `v1,`, `v1=` (a tag key), or nothing.
    pub(crate) prefix: &'s str,
    /// The key of the `key=value` entry holding the timestamp (`t`, `ts`), if the header
    /// carries it.
    pub(crate) timestamp_key: Option<&'s str>,
}

/// A parsed signature header: its tags, and the timestamp entry's value where the
/// shape has one and the header holds it.
#[derive(Debug)]
pub(crate) struct Parsed<'v> {
    pub(crate) candidates: Candidates,
    pub(crate) timestamp: Option<&'v str>,
}

/// Whether `byte` separates entries: whitespace, `,` or `;`.
fn is_separator(byte: u8) -> bool {
    byte.is_ascii_whitespace() || byte == b',' || byte == b';'
}

/// Parses a signature header: entries separated by whitespace, `,` or `;`, each
/// `prefix` + encoded tag (`sha256=<hex>`, `v1,<base64>`, Stripe's `v1=<hex>`) or, where
/// the shape has a timestamp key, `key=value` (`t=1492774577`). A prefix may itself hold
/// a separator (`v1,`): it is matched where an entry begins.
///
/// Entries of another kind (another scheme version, e.g. Standard Webhooks' `v1a,` or
/// Stripe's `v0=`) are skipped, and so is an entry of this scheme whose tag does not
/// decode to 32 bytes, as the reference libraries do; the header is malformed only when
/// no entry is usable. Proxies and Node.js join a repeated header's values with `, `
/// (WSGI servers with `,`), and every occurrence's entries are candidates. The first
/// timestamp entry counts.
pub(crate) fn parse_header<'v>(
    header: &str,
    value: &'v [u8],
    shape: HeaderShape<'_>,
) -> Result<Parsed<'v>, Error> {
    let malformed = |found: String| Error::MalformedSignature {
        header: header.to_owned(),
        expected: expected_shape(shape),
        found,
    };
    let value =
        std::str::from_utf8(value).map_err(|_| malformed("bytes that are not UTF-8".into()))?;
    let bytes = value.as_bytes();
    let mut candidates = Candidates {
        tags: [[0; TAG_LEN]; MAX_SIGNATURES],
        len: 0,
    };
    let mut timestamp = None;
    let mut first_unusable = None;
    let mut at = 0;
    loop {
        while at < bytes.len() && is_separator(bytes[at]) {
            at += 1;
        }
        if at == bytes.len() {
            break;
        }
        let entry = &value[at..];
        let key_value = shape
            .timestamp_key
            .and_then(|key| strip_prefix_ignore_case(entry, key)?.strip_prefix('='));
        let (kind, rest) = match (key_value, strip_prefix_ignore_case(entry, shape.prefix)) {
            (Some(rest), _) => (Entry::Timestamp, rest),
            (None, Some(rest)) => (Entry::Tag, rest),
            (None, None) => (Entry::Other, entry),
        };
        let length = rest.bytes().position(is_separator).unwrap_or(rest.len());
        let text = &rest[..length];
        at = bytes.len() - rest.len() + length;
        match kind {
            Entry::Timestamp => {
                timestamp.get_or_insert(text);
            }
            Entry::Tag => {
                if candidates.len == MAX_SIGNATURES {
                    return Err(malformed(format!("more than {MAX_SIGNATURES} signatures")));
                }
                match decode_into(text, shape.encoding, &mut candidates.tags[candidates.len]) {
                    Ok(()) => candidates.len += 1,
                    Err(found) => {
                        first_unusable.get_or_insert(found);
                    }
                }
            }
            Entry::Other => {}
        }
    }
    if candidates.len == 0 {
        return Err(malformed(first_unusable.unwrap_or_else(|| describe(value))));
    }
    Ok(Parsed {
        candidates,
        timestamp,
    })
}

/// What an entry of a signature header is.
enum Entry {
    Timestamp,
    Tag,
    Other,
}

fn strip_prefix_ignore_case<'a>(entry: &'a str, prefix: &str) -> Option<&'a str> {
    let head = entry.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &entry[prefix.len()..])
}

fn decode_into(
    encoded: &str,
    encoding: SignatureEncoding,
    out: &mut [u8; TAG_LEN],
) -> Result<(), String> {
    match encoding {
        SignatureEncoding::Hex => {
            if encoded.len() != TAG_LEN * 2 {
                return Err(format!("{} hex digits", encoded.len()));
            }
            hex::decode_to_slice(encoded, out)
                .map_err(|_| "a tag with non-hex characters".to_owned())
        }
        SignatureEncoding::Base64 => {
            let mut buf = [0u8; TAG_LEN + 3];
            let n = base64::engine::general_purpose::STANDARD
                .decode_slice(encoded, &mut buf)
                .map_err(|_| "a tag that is not base64".to_owned())?;
            if n != TAG_LEN {
                return Err(format!("a base64 tag of {n} bytes"));
            }
            out.copy_from_slice(&buf[..TAG_LEN]);
            Ok(())
        }
    }
}

fn expected_shape(shape: HeaderShape<'_>) -> String {
    let prefix = shape.prefix;
    let tag = match shape.encoding {
        SignatureEncoding::Hex => format!("{prefix}<64 hex digits>"),
        SignatureEncoding::Base64 => format!("{prefix}<base64 of 32 bytes>"),
    };
    match shape.timestamp_key {
        Some(key) => format!("`{key}=<timestamp>` and `{tag}`"),
        None => format!("`{tag}`"),
    }
}

/// The shape of an unusable header value, without echoing a possibly valid tag.
fn describe(value: &str) -> String {
    if value.trim().is_empty() {
        return "an empty value".into();
    }
    let head: String = value
        .chars()
        .take_while(|c| !c.is_ascii_alphanumeric())
        .take(8)
        .collect();
    let scheme: String = value
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(12)
        .collect();
    let sep = value[scheme.len()..].chars().next();
    match sep {
        Some(sep @ ('=' | ',' | ':')) if !scheme.is_empty() => {
            format!(
                "a value starting `{scheme}{sep}` ({} characters)",
                value.len()
            )
        }
        _ if head.is_empty() => format!("{} characters without the expected prefix", value.len()),
        _ => format!("a value starting {head:?} ({} characters)", value.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse<'v>(
        value: &'v str,
        encoding: SignatureEncoding,
        prefix: &str,
    ) -> Result<Parsed<'v>, Error> {
        let shape = HeaderShape {
            encoding,
            prefix,
            timestamp_key: None,
        };
        parse_header("h", value.as_bytes(), shape)
    }

    #[test]
    fn describe_never_echoes_the_tag() {
        let tag = "ab".repeat(32);
        let described = describe(&format!("md5={tag}"));
        assert!(!described.contains(&tag[..8]), "{described}");
        assert!(described.contains("md5="));
    }

    #[test]
    fn skips_other_versions_and_reads_every_signature() {
        let a = base64::engine::general_purpose::STANDARD.encode([1u8; 32]);
        let b = base64::engine::general_purpose::STANDARD.encode([2u8; 32]);
        let value = format!("v1a,xyz v1,{a} v1,{b}");
        let parsed = parse(&value, SignatureEncoding::Base64, "v1,").unwrap();
        assert_eq!(parsed.candidates.len(), 2);
        assert!(parsed.candidates.contains(&[2u8; 32]));
        assert!(!parsed.candidates.contains(&[3u8; 32]));
    }

    #[test]
    fn a_malformed_entry_beside_a_usable_one_is_skipped() {
        let good = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
        let value = format!("v1,bm9wZQ== v1,{good}");
        let parsed = parse(&value, SignatureEncoding::Base64, "v1,").unwrap();
        assert_eq!(parsed.candidates.len(), 1);
        let only_bad = parse("v1,bm9wZQ==", SignatureEncoding::Base64, "v1,");
        assert!(only_bad
            .unwrap_err()
            .to_string()
            .contains("a base64 tag of 4 bytes"));
    }

    #[test]
    fn occurrences_joined_with_a_comma_are_all_read() {
        let (a, b) = ("0a".repeat(32), "0b".repeat(32));
        for value in [
            format!("sha256={a}, sha256={b}"),
            format!("sha256={a},sha256={b}"),
        ] {
            let parsed = parse(&value, SignatureEncoding::Hex, "sha256=").unwrap();
            assert_eq!(parsed.candidates.len(), 2);
            assert!(parsed.candidates.contains(&[0x0b; 32]));
        }
        let (a, b) = (
            base64::engine::general_purpose::STANDARD.encode([1u8; 32]),
            base64::engine::general_purpose::STANDARD.encode([2u8; 32]),
        );
        let value = format!("v1,{a},v1,{b}");
        let parsed = parse(&value, SignatureEncoding::Base64, "v1,").unwrap();
        assert!(parsed.candidates.contains(&[1u8; 32]) && parsed.candidates.contains(&[2u8; 32]));
    }

    #[test]
    fn structured_headers_give_their_timestamp_and_every_tag() {
        let (a, b) = ("0a".repeat(32), "0b".repeat(32));
        for (value, key) in [
            (format!("t=1492774577,v1={a},v0={b},v1={b}"), "t"),
            (format!("ts=1671552777;h1={a};h1={b}"), "ts"),
        ] {
            let prefix = if key == "t" { "v1=" } else { "h1=" };
            let shape = HeaderShape {
                encoding: SignatureEncoding::Hex,
                prefix,
                timestamp_key: Some(key),
            };
            let parsed = parse_header("h", value.as_bytes(), shape).unwrap();
            assert!(parsed
                .timestamp
                .is_some_and(|t| t.starts_with("14") || t.starts_with("16")));
            assert_eq!(parsed.candidates.len(), 2);
            assert!(parsed.candidates.contains(&[0x0b; 32]));
        }
        let shape = HeaderShape {
            encoding: SignatureEncoding::Hex,
            prefix: "v1=",
            timestamp_key: Some("t"),
        };
        let only_v0 = format!("t=1,v0={}", "0a".repeat(32));
        let err = parse_header("Stripe-Signature", only_v0.as_bytes(), shape).unwrap_err();
        assert!(
            err.to_string()
                .contains("`t=<timestamp>` and `v1=<64 hex digits>`"),
            "{err}"
        );
    }

    #[test]
    fn prefix_is_case_insensitive() {
        let value = format!("SHA256={}", "0f".repeat(32));
        assert!(parse(&value, SignatureEncoding::Hex, "sha256=").is_ok());
    }
}
