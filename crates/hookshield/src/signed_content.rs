//! What a sender feeds to HMAC-SHA256: a template of literal text and the delivery's
//! id, timestamp and body.

use std::borrow::Cow;
use std::fmt;

use hmac::Mac as _;

use crate::Error;

/// What the sender signs: a template of literal text and `{id}`, `{timestamp}` and
/// `{body}` (exactly once), e.g. `{body}`, `{timestamp}.{body}`, `v0:{timestamp}:{body}`,
/// `{id}.{timestamp}.{body}`. `body` alone means `{body}`.
///
/// ```
/// use hookshield::SignedContent;
/// assert_eq!("{timestamp}.{body}".parse::<SignedContent>(), Ok(SignedContent::TimestampBody));
/// assert_eq!(SignedContent::IdTimestampBody.as_str(), "{id}.{timestamp}.{body}");
/// let slack: SignedContent = "v0:{timestamp}:{body}".parse()?;
/// assert!(slack.signs_timestamp() && !slack.signs_id());
/// assert!("{timestamp}".parse::<SignedContent>().is_err()); // the body must be signed
/// # Ok::<(), hookshield::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SignedContent(Cow<'static, str>);

/// One piece of a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece<'t> {
    Literal(&'t str),
    Id,
    Timestamp,
    Body,
}

#[allow(non_upper_case_globals)] // named as the variants they were, so callers keep compiling
impl SignedContent {
    /// The raw body.
    pub const Body: SignedContent = SignedContent(Cow::Borrowed("{body}"));
    /// The timestamp, `.`, the raw body.
    pub const TimestampBody: SignedContent = SignedContent(Cow::Borrowed("{timestamp}.{body}"));
    /// The id, `.`, the timestamp, `.`, the raw body.
    pub const IdTimestampBody: SignedContent =
        SignedContent(Cow::Borrowed("{id}.{timestamp}.{body}"));

    /// A template known to be well formed (a preset's).
    pub(crate) const fn from_static(template: &'static str) -> Self {
        SignedContent(Cow::Borrowed(template))
    }

    /// The template as written in configuration (`{body}` for the body alone).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the timestamp is covered by the signature.
    pub fn signs_timestamp(&self) -> bool {
        self.pieces().any(|piece| piece == Piece::Timestamp)
    }

    /// Whether the id is covered by the signature.
    pub fn signs_id(&self) -> bool {
        self.pieces().any(|piece| piece == Piece::Id)
    }

    /// The template's pieces, in order (the template was checked when parsed).
    fn pieces(&self) -> impl Iterator<Item = Piece<'_>> {
        let mut rest = self.as_str();
        std::iter::from_fn(move || {
            if rest.is_empty() {
                return None;
            }
            let (piece, length) = match rest.find('{') {
                Some(0) => {
                    let end = rest.find('}').map_or(rest.len(), |end| end + 1);
                    let piece = match &rest[..end] {
                        "{id}" => Piece::Id,
                        "{timestamp}" => Piece::Timestamp,
                        _ => Piece::Body,
                    };
                    (piece, end)
                }
                Some(start) => (Piece::Literal(&rest[..start]), start),
                None => (Piece::Literal(rest), rest.len()),
            };
            rest = &rest[length..];
            Some(piece)
        })
    }

    /// Feeds `message` to `mac` as the template says, without building a joined buffer.
    pub(crate) fn absorb(&self, mac: &mut crate::secret::HmacSha256, message: Message<'_>) {
        if self.as_str() == "{body}" {
            mac.update(message.body);
            return;
        }
        for piece in self.pieces() {
            mac.update(match piece {
                Piece::Literal(text) => text.as_bytes(),
                Piece::Id => message.id,
                Piece::Timestamp => message.timestamp,
                Piece::Body => message.body,
            });
        }
    }
}

impl fmt::Display for SignedContent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for SignedContent {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "body" {
            return Ok(SignedContent::Body);
        }
        let invalid = |why: &str| {
            Error::config(format!(
                "signed content {s:?} {why}: write literal text and `{{id}}`, `{{timestamp}}`, `{{body}}` (the body exactly once), e.g. `{{timestamp}}.{{body}}`"
            ))
        };
        let mut bodies = 0;
        let mut rest = s;
        while let Some(start) = rest.find(['{', '}']) {
            if rest[start..].starts_with('}') {
                return Err(invalid("has a `}` outside a placeholder"));
            }
            let end = rest[start..]
                .find('}')
                .ok_or_else(|| invalid("has an unclosed `{`"))?;
            match &rest[start..=start + end] {
                "{body}" => bodies += 1,
                "{id}" | "{timestamp}" => {}
                other => return Err(invalid(&format!("names {other}, which is not a part"))),
            }
            rest = &rest[start + end + 1..];
        }
        if bodies != 1 {
            return Err(invalid("must hold `{body}` exactly once"));
        }
        Ok(SignedContent(Cow::Owned(s.to_owned())))
    }
}

/// The parts of a message that are signed, borrowed from the request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Message<'a> {
    pub(crate) id: &'a [u8],
    pub(crate) timestamp: &'a [u8],
    pub(crate) body: &'a [u8],
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_with_literal_text_parse_into_their_pieces() {
        let slack: SignedContent = "v0:{timestamp}:{body}".parse().unwrap();
        assert_eq!(
            slack.pieces().collect::<Vec<_>>(),
            [
                Piece::Literal("v0:"),
                Piece::Timestamp,
                Piece::Literal(":"),
                Piece::Body
            ]
        );
        for bad in ["{body}{body}", "{ts}.{body}", "{body", "}{body}", "x"] {
            assert!(bad.parse::<SignedContent>().is_err(), "{bad}");
        }
    }
}
