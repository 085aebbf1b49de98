//! Signature headers: their formats, what is signed, and the constant-time check.

use base64::Engine as _;
use hmac::Mac as _;
use subtle::{Choice, ConstantTimeEq as _};

use crate::secret::KeyedSecret;
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

/// What the sender feeds to HMAC-SHA256.
///
/// ```
/// use hookshield::SignedContent;
/// assert_eq!("{timestamp}.{body}".parse::<SignedContent>(), Ok(SignedContent::TimestampBody));
/// assert_eq!(SignedContent::IdTimestampBody.as_str(), "{id}.{timestamp}.{body}");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedContent {
    /// The raw body.
    Body,
    /// The timestamp header's value, `.`, the raw body.
    TimestampBody,
    /// The id header's value, `.`, the timestamp header's value, `.`, the raw body.
    IdTimestampBody,
}

impl SignedContent {
    /// The template as written in configuration: `body`, `{timestamp}.{body}` or
    /// `{id}.{timestamp}.{body}`.
    pub const fn as_str(self) -> &'static str {
        match self {
            SignedContent::Body => "body",
            SignedContent::TimestampBody => "{timestamp}.{body}",
            SignedContent::IdTimestampBody => "{id}.{timestamp}.{body}",
        }
    }

    /// Whether the timestamp is covered by the signature.
    pub const fn signs_timestamp(self) -> bool {
        !matches!(self, SignedContent::Body)
    }
}

impl std::str::FromStr for SignedContent {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "body" | "{body}" => Ok(SignedContent::Body),
            "{timestamp}.{body}" => Ok(SignedContent::TimestampBody),
            "{id}.{timestamp}.{body}" => Ok(SignedContent::IdTimestampBody),
            other => Err(Error::config(format!(
                "signed content must be `body`, `{{timestamp}}.{{body}}` or `{{id}}.{{timestamp}}.{{body}}`, found {other:?}"
            ))),
        }
    }
}

/// The parts of a message that are signed, borrowed from the request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Message<'a> {
    pub(crate) id: &'a [u8],
    pub(crate) timestamp: &'a [u8],
    pub(crate) body: &'a [u8],
}

/// Feeds `message` to `mac` as `content` says, without building a joined buffer.
pub(crate) fn absorb(
    mac: &mut crate::secret::HmacSha256,
    content: SignedContent,
    message: Message<'_>,
) {
    match content {
        SignedContent::Body => {}
        SignedContent::TimestampBody => {
            mac.update(message.timestamp);
            mac.update(b".");
        }
        SignedContent::IdTimestampBody => {
            mac.update(message.id);
            mac.update(b".");
            mac.update(message.timestamp);
            mac.update(b".");
        }
    }
    mac.update(message.body);
}

/// The tag of `message` under `secret`.
pub(crate) fn tag(
    secret: &KeyedSecret,
    content: SignedContent,
    message: Message<'_>,
) -> [u8; TAG_LEN] {
    let mut mac = secret.mac();
    absorb(&mut mac, content, message);
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

/// Parses a signature header: whitespace-separated entries of `prefix` + encoded tag.
///
/// Entries with another prefix (another scheme version, e.g. Standard Webhooks' `v1a,`)
/// are skipped, and so is an entry of this scheme whose tag does not decode to 32 bytes,
/// as the reference libraries do; the header is malformed only when no entry is usable.
/// A trailing `,` on an entry is ignored: proxies and Node.js join a repeated header's
/// values with `, `, and every occurrence's entries are candidates.
pub(crate) fn parse_header(
    header: &str,
    value: &[u8],
    encoding: SignatureEncoding,
    prefix: &str,
) -> Result<Candidates, Error> {
    let malformed = |found: String| Error::MalformedSignature {
        header: header.to_owned(),
        expected: expected_shape(encoding, prefix),
        found,
    };
    let value =
        std::str::from_utf8(value).map_err(|_| malformed("bytes that are not UTF-8".into()))?;
    let mut candidates = Candidates {
        tags: [[0; TAG_LEN]; MAX_SIGNATURES],
        len: 0,
    };
    let mut first_unusable = None;
    for entry in value.split_ascii_whitespace() {
        let entry = entry.strip_suffix(',').unwrap_or(entry);
        let Some(encoded) = strip_prefix_ignore_case(entry, prefix) else {
            continue;
        };
        if candidates.len == MAX_SIGNATURES {
            return Err(malformed(format!("more than {MAX_SIGNATURES} signatures")));
        }
        match decode_into(encoded, encoding, &mut candidates.tags[candidates.len]) {
            Ok(()) => candidates.len += 1,
            Err(found) => {
                first_unusable.get_or_insert(found);
            }
        }
    }
    if candidates.len == 0 {
        return Err(malformed(first_unusable.unwrap_or_else(|| describe(value))));
    }
    Ok(candidates)
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

fn expected_shape(encoding: SignatureEncoding, prefix: &str) -> String {
    match encoding {
        SignatureEncoding::Hex => format!("`{prefix}<64 hex digits>`"),
        SignatureEncoding::Base64 => format!("`{prefix}<base64 of 32 bytes>`"),
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
        let parsed = parse_header(
            "webhook-signature",
            value.as_bytes(),
            SignatureEncoding::Base64,
            "v1,",
        )
        .unwrap();
        assert_eq!(parsed.len(), 2);
        assert!(parsed.contains(&[2u8; 32]));
        assert!(!parsed.contains(&[3u8; 32]));
    }

    #[test]
    fn a_malformed_entry_beside_a_usable_one_is_skipped() {
        let good = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
        let value = format!("v1,bm9wZQ== v1,{good}");
        let parsed = parse_header("h", value.as_bytes(), SignatureEncoding::Base64, "v1,").unwrap();
        assert_eq!(parsed.len(), 1);
        let only_bad = parse_header("h", b"v1,bm9wZQ==", SignatureEncoding::Base64, "v1,");
        assert!(only_bad
            .unwrap_err()
            .to_string()
            .contains("a base64 tag of 4 bytes"));
    }

    #[test]
    fn occurrences_joined_with_a_comma_are_all_read() {
        let (a, b) = ("0a".repeat(32), "0b".repeat(32));
        let value = format!("sha256={a}, sha256={b}");
        let parsed =
            parse_header("h", value.as_bytes(), SignatureEncoding::Hex, "sha256=").unwrap();
        assert_eq!(parsed.len(), 2);
        assert!(parsed.contains(&[0x0b; 32]));
    }

    #[test]
    fn prefix_is_case_insensitive() {
        let value = format!("SHA256={}", "0f".repeat(32));
        assert!(parse_header("h", value.as_bytes(), SignatureEncoding::Hex, "sha256=").is_ok());
    }
}
