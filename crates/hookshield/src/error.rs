//! The one error type of verification, with the contract's stable codes.

use std::fmt;

/// Why a delivery was rejected, or why a verifier could not be built.
///
/// Every variant has a stable [`ErrorCode`] (see [`Error::code`]) that is the same in
/// every language hookshield ships in. Messages say what was expected and what was
/// found; they never contain a secret or the expected signature.
///
/// ```
/// use hookshield::{ErrorCode, Provider, Verifier};
///
/// let verifier = Verifier::new(Provider::Sentinel, ["whsec_test"]).unwrap();
/// let err = verifier.verify(b"{}", &[("X-Sentinel-Timestamp", "1")]).unwrap_err();
/// assert_eq!(err.code(), ErrorCode::MissingHeader);
/// assert_eq!(err.to_string(), "missing header `X-Sentinel-Signature`");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A header the provider always sends is absent.
    #[error("missing header `{name}`")]
    MissingHeader {
        /// The header's name, as the provider documents it.
        name: String,
    },
    /// The signature header is present but not in the provider's format.
    #[error("malformed signature header `{header}`: expected {expected}, found {found}")]
    MalformedSignature {
        /// The header's name.
        header: String,
        /// The format the provider uses, e.g. `sha256=<64 hex digits>`.
        expected: String,
        /// A description of what arrived (its shape, never a secret).
        found: String,
    },
    /// No configured secret produced any signature in the header.
    #[error("signature mismatch: none of the {signatures} signature(s) in `{header}` matches any of the {secrets} configured secret(s)")]
    SignatureMismatch {
        /// The header's name.
        header: String,
        /// How many signatures the header carried.
        signatures: usize,
        /// How many secrets were tried.
        secrets: usize,
    },
    /// The provider sends a timestamp (a header, or an entry of the signature header)
    /// and this delivery has none.
    #[error("missing timestamp header `{header}`")]
    MissingTimestamp {
        /// The header's name; for an entry of the signature header, the header's name
        /// then the entry (``Stripe-Signature` entry `t=``).
        header: String,
    },
    /// The timestamp is not a Unix time in the scheme's unit (seconds, or milliseconds
    /// where its `timestamp_unit` says so).
    #[error("malformed timestamp in `{header}`: expected Unix seconds (milliseconds where the scheme's timestamp_unit says so), found {found:?}")]
    MalformedTimestamp {
        /// The header's name (the signature header's, for a timestamp entry in it).
        header: String,
        /// The value that arrived (at most 40 characters of it).
        found: String,
    },
    /// The delivery is older than the replay window allows.
    #[error("timestamp too old: sent {age_seconds} s ago, tolerance is {tolerance_seconds} s")]
    TimestampTooOld {
        /// Seconds between the timestamp and now.
        age_seconds: i64,
        /// The configured tolerance.
        tolerance_seconds: u64,
    },
    /// The event time the body carries, covered by the signature, is older than the
    /// replay horizon (the idempotency store's retention): a replay the store may no
    /// longer remember. Its code is `timestamp_too_old`.
    #[error("event too old: its signed event time is {age_seconds} s ago, past the replay horizon of {horizon_seconds} s (the idempotency retention)")]
    EventTooOld {
        /// Seconds between the event time and now.
        age_seconds: i64,
        /// The replay horizon.
        horizon_seconds: u64,
    },
    /// The delivery claims to come from further in the future than the window allows.
    #[error("timestamp in the future: {ahead_seconds} s ahead of now, tolerance is {tolerance_seconds} s")]
    TimestampInFuture {
        /// Seconds between now and the timestamp.
        ahead_seconds: i64,
        /// The configured tolerance.
        tolerance_seconds: u64,
    },
    /// The body is larger than `max_body_bytes`.
    #[error("body too large: {size} bytes, limit is {limit} bytes")]
    BodyTooLarge {
        /// The body's size.
        size: usize,
        /// The configured limit.
        limit: usize,
    },
    /// The signed body is not JSON.
    #[error("invalid JSON body: {reason}")]
    InvalidJson {
        /// The parser's message, with line and column.
        reason: String,
    },
    /// A header the scheme reads is not text. (A payload that does not match the
    /// provider's envelope is not an error: it arrives untyped.)
    #[error("invalid envelope: {reason}")]
    InvalidEnvelope {
        /// What was expected and what was found.
        reason: String,
    },
    /// A header and the signed body disagree (e.g. `X-DocIntell-Event` and `event`).
    #[error("header `{header}` says {header_value:?} but the body says {body_value:?}")]
    HeaderMismatch {
        /// The header's name.
        header: String,
        /// What the header carried.
        header_value: String,
        /// What the signed body carried.
        body_value: String,
    },
    /// The verifier was given no secret, or an empty one.
    #[error("no secret: {reason}")]
    NoSecret {
        /// What was wrong with the secrets given.
        reason: String,
    },
    /// The verifier's configuration is invalid (unknown provider, a `whsec_` secret
    /// that is not base64, an option out of range).
    #[error("invalid configuration: {reason}")]
    InvalidConfig {
        /// What was wrong.
        reason: String,
    },
}

/// The stable, language-independent code of an [`Error`].
///
/// ```
/// use hookshield::ErrorCode;
/// assert_eq!(ErrorCode::SignatureMismatch.as_str(), "signature_mismatch");
/// assert_eq!("timestamp_too_old".parse::<ErrorCode>(), Ok(ErrorCode::TimestampTooOld));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// `missing_header`
    MissingHeader,
    /// `malformed_signature`
    MalformedSignature,
    /// `signature_mismatch`
    SignatureMismatch,
    /// `missing_timestamp`
    MissingTimestamp,
    /// `malformed_timestamp`
    MalformedTimestamp,
    /// `timestamp_too_old`
    TimestampTooOld,
    /// `timestamp_in_future`
    TimestampInFuture,
    /// `body_too_large`
    BodyTooLarge,
    /// `invalid_json`
    InvalidJson,
    /// `invalid_envelope`
    InvalidEnvelope,
    /// `header_mismatch`
    HeaderMismatch,
    /// `no_secret`
    NoSecret,
    /// `invalid_config`: raised when building a verifier, never by `verify`.
    InvalidConfig,
}

/// Which part of a delivery an error is about; bindings map these onto their
/// exception hierarchies (`SignatureError`, `TimestampError`, `PayloadError`).
///
/// ```
/// use hookshield::{ErrorCode, ErrorKind};
/// assert_eq!(ErrorCode::TimestampTooOld.kind(), ErrorKind::Timestamp);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The signature is missing, malformed or wrong (or a required header is absent).
    Signature,
    /// The timestamp is missing, malformed or outside the window.
    Timestamp,
    /// The body is too large, not JSON, not the envelope, or disagrees with a header.
    Payload,
    /// The verifier itself is misconfigured.
    Config,
}

impl ErrorCode {
    /// Every code, in the contract's order.
    pub const ALL: [ErrorCode; 13] = [
        ErrorCode::MissingHeader,
        ErrorCode::MalformedSignature,
        ErrorCode::SignatureMismatch,
        ErrorCode::MissingTimestamp,
        ErrorCode::MalformedTimestamp,
        ErrorCode::TimestampTooOld,
        ErrorCode::TimestampInFuture,
        ErrorCode::BodyTooLarge,
        ErrorCode::InvalidJson,
        ErrorCode::InvalidEnvelope,
        ErrorCode::HeaderMismatch,
        ErrorCode::NoSecret,
        ErrorCode::InvalidConfig,
    ];

    /// The code as the contract spells it.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::MissingHeader => "missing_header",
            ErrorCode::MalformedSignature => "malformed_signature",
            ErrorCode::SignatureMismatch => "signature_mismatch",
            ErrorCode::MissingTimestamp => "missing_timestamp",
            ErrorCode::MalformedTimestamp => "malformed_timestamp",
            ErrorCode::TimestampTooOld => "timestamp_too_old",
            ErrorCode::TimestampInFuture => "timestamp_in_future",
            ErrorCode::BodyTooLarge => "body_too_large",
            ErrorCode::InvalidJson => "invalid_json",
            ErrorCode::InvalidEnvelope => "invalid_envelope",
            ErrorCode::HeaderMismatch => "header_mismatch",
            ErrorCode::NoSecret => "no_secret",
            ErrorCode::InvalidConfig => "invalid_config",
        }
    }

    /// The family of failure this code belongs to.
    pub const fn kind(self) -> ErrorKind {
        match self {
            ErrorCode::MissingHeader
            | ErrorCode::MalformedSignature
            | ErrorCode::SignatureMismatch => ErrorKind::Signature,
            ErrorCode::MissingTimestamp
            | ErrorCode::MalformedTimestamp
            | ErrorCode::TimestampTooOld
            | ErrorCode::TimestampInFuture => ErrorKind::Timestamp,
            ErrorCode::BodyTooLarge
            | ErrorCode::InvalidJson
            | ErrorCode::InvalidEnvelope
            | ErrorCode::HeaderMismatch => ErrorKind::Payload,
            ErrorCode::NoSecret | ErrorCode::InvalidConfig => ErrorKind::Config,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// The string was not one of the stable codes.
///
/// ```
/// assert!("nope".parse::<hookshield::ErrorCode>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown error code {0:?}")]
pub struct UnknownErrorCode(pub String);

impl std::str::FromStr for ErrorCode {
    type Err = UnknownErrorCode;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ErrorCode::ALL
            .into_iter()
            .find(|code| code.as_str() == s)
            .ok_or_else(|| UnknownErrorCode(s.to_owned()))
    }
}

impl Error {
    /// The stable code of this error.
    ///
    /// ```
    /// use hookshield::{Error, ErrorCode};
    /// let err = Error::BodyTooLarge { size: 10, limit: 5 };
    /// assert_eq!(err.code(), ErrorCode::BodyTooLarge);
    /// ```
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::MissingHeader { .. } => ErrorCode::MissingHeader,
            Error::MalformedSignature { .. } => ErrorCode::MalformedSignature,
            Error::SignatureMismatch { .. } => ErrorCode::SignatureMismatch,
            Error::MissingTimestamp { .. } => ErrorCode::MissingTimestamp,
            Error::MalformedTimestamp { .. } => ErrorCode::MalformedTimestamp,
            Error::TimestampTooOld { .. } | Error::EventTooOld { .. } => ErrorCode::TimestampTooOld,
            Error::TimestampInFuture { .. } => ErrorCode::TimestampInFuture,
            Error::BodyTooLarge { .. } => ErrorCode::BodyTooLarge,
            Error::InvalidJson { .. } => ErrorCode::InvalidJson,
            Error::InvalidEnvelope { .. } => ErrorCode::InvalidEnvelope,
            Error::HeaderMismatch { .. } => ErrorCode::HeaderMismatch,
            Error::NoSecret { .. } => ErrorCode::NoSecret,
            Error::InvalidConfig { .. } => ErrorCode::InvalidConfig,
        }
    }

    /// Shorthand for `self.code().kind()`.
    ///
    /// ```
    /// use hookshield::{Error, ErrorKind};
    /// assert_eq!(Error::InvalidJson { reason: "eof".into() }.kind(), ErrorKind::Payload);
    /// ```
    pub fn kind(&self) -> ErrorKind {
        self.code().kind()
    }

    pub(crate) fn envelope(reason: impl Into<String>) -> Self {
        Error::InvalidEnvelope {
            reason: reason.into(),
        }
    }

    pub(crate) fn config(reason: impl Into<String>) -> Self {
        Error::InvalidConfig {
            reason: reason.into(),
        }
    }
}

/// At most `max` characters of an untrusted value, for use in an error message.
pub(crate) fn excerpt(value: &str, max: usize) -> String {
    match value.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_owned(),
    }
}
