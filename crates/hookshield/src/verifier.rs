//! The verifier: a provider's scheme, its keyed secrets, the replay window and the
//! order of checks.

use std::fmt;

use std::time::Duration;

use crate::events::envelope::{build_event, HeaderFacts, Horizon, Typing};
use crate::headers::{self, Headers};
use crate::scheme::Scheme;
use crate::secret::{KeyedSecret, Secret};
use crate::signature;
use crate::signed_content::Message;
use crate::timestamp::{self, SharedClock};
use crate::{Error, Event, Provider, VerifierBuilder};

/// Default body size limit: 1 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;

/// Verifies deliveries from one provider against one or more secrets.
///
/// Build it once and share it: each secret's keyed HMAC state is computed here, so a
/// verification does no key setup. `Debug` shows the configuration, never a secret.
///
/// Checks run in the contract's order, and nothing is parsed before the signature holds:
/// body size; the signature header (and the timestamp and id headers the scheme uses)
/// present and well-formed; the signature, in constant time, against every secret and
/// every signature in the header; the replay window; then JSON and the envelope; then
/// header/body agreement.
///
/// ```
/// use hookshield::{ErrorCode, Provider, SignOptions, Verifier};
///
/// let verifier = Verifier::builder(Provider::Sentinel)
///     .secret("whsec_new")
///     .secret("whsec_old") // rotation: either may sign
///     .tolerance(300)
///     .clock(|| 1_778_839_500)
///     .build()?;
///
/// let body = br#"{"event":"report.generated","timestamp":"2026-05-15T10:15:00Z","data":{"report_id":"rpt_1"}}"#;
/// let signed = hookshield::sign(Provider::Sentinel, "whsec_old", body, &SignOptions::at(1_778_839_500))?;
/// assert_eq!(verifier.verify(body, &signed)?.event_type(), "report.generated");
///
/// let stale = hookshield::sign(Provider::Sentinel, "whsec_old", body, &SignOptions::at(1_778_839_000))?;
/// assert_eq!(verifier.verify(body, &stale).unwrap_err().code(), ErrorCode::TimestampTooOld);
/// assert!(!format!("{verifier:?}").contains("whsec_"));
/// # Ok::<(), hookshield::Error>(())
/// ```
#[derive(Clone)]
pub struct Verifier {
    pub(crate) provider: Provider,
    pub(crate) scheme: Scheme,
    pub(crate) secrets: Vec<KeyedSecret>,
    pub(crate) tolerance: u64,
    pub(crate) replay_horizon: Option<Duration>,
    pub(crate) max_body_bytes: usize,
    pub(crate) clock: Option<SharedClock>,
}

/// What the headers of a delivery whose signature holds say.
///
/// ```
/// use hookshield::{Provider, SignOptions, Verifier};
/// let signed = hookshield::sign(Provider::Standard, "whsec_aGVsbG8=", b"{}", &SignOptions::at(100).id("msg_1"))?;
/// let verifier = Verifier::builder(Provider::Standard).secret("whsec_aGVsbG8=").clock(|| 100).build()?;
/// let checked = verifier.verify_signature(b"{}", &signed)?;
/// assert_eq!((checked.timestamp, checked.id), (Some(100), Some("msg_1")));
/// # Ok::<(), hookshield::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignatureCheck<'h> {
    /// The timestamp header, as Unix seconds, where the scheme has one.
    pub timestamp: Option<i64>,
    /// The id header's value, where the scheme has one.
    pub id: Option<&'h str>,
    /// The event-type header's value, where the scheme has one.
    pub event: Option<&'h str>,
}

impl Verifier {
    /// A verifier for `provider`'s preset with the given secrets and every default.
    ///
    /// ```
    /// use hookshield::{ErrorCode, Provider, Verifier};
    /// assert!(Verifier::new(Provider::Kyc, ["secret"]).is_ok());
    /// let none: [&str; 0] = [];
    /// assert_eq!(Verifier::new(Provider::Kyc, none).unwrap_err().code(), ErrorCode::NoSecret);
    /// ```
    pub fn new<S: Into<Secret>>(
        provider: Provider,
        secrets: impl IntoIterator<Item = S>,
    ) -> Result<Self, Error> {
        Self::builder(provider).secrets(secrets).build()
    }

    /// A builder starting from `provider`'s preset.
    pub fn builder(provider: Provider) -> VerifierBuilder {
        VerifierBuilder::new(provider)
    }

    /// The provider.
    pub fn provider(&self) -> Provider {
        self.provider
    }

    /// The signing scheme in force (the preset with any overrides).
    pub fn scheme(&self) -> &Scheme {
        &self.scheme
    }

    /// The replay window, in seconds each way.
    pub fn tolerance(&self) -> u64 {
        self.tolerance
    }

    /// The body size limit.
    pub fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }

    /// Refuses a body by its size before it is read: `Some(size)` for a declared
    /// `Content-Length`, `None` for a body cut off while read, once past the limit (its
    /// size is then given as the limit plus one, all that is known of it).
    ///
    /// ```
    /// use hookshield::{Provider, Verifier};
    /// let verifier = Verifier::builder(Provider::Sentinel).secret("s").max_body_bytes(10).build()?;
    /// assert!(verifier.check_body_size(Some(10)).is_ok());
    /// assert_eq!(verifier.check_body_size(Some(11)).unwrap_err().to_string(), "body too large: 11 bytes, limit is 10 bytes");
    /// assert_eq!(verifier.check_body_size(None).unwrap_err().to_string(), "body too large: 11 bytes, limit is 10 bytes");
    /// # Ok::<(), hookshield::Error>(())
    /// ```
    pub fn check_body_size(&self, declared: Option<u64>) -> Result<(), Error> {
        let limit = self.max_body_bytes;
        let size = match declared {
            Some(size) => usize::try_from(size).unwrap_or(usize::MAX),
            None => limit.saturating_add(1),
        };
        if size > limit {
            return Err(Error::BodyTooLarge { size, limit });
        }
        Ok(())
    }

    /// The replay horizon: a delivery whose signed event time is older than this is
    /// refused (`timestamp_too_old`), so a captured delivery cannot be replayed once the
    /// idempotency store has forgotten it. Defaults to the provider's
    /// [`Provider::default_retention`]; [`Verifier::process`] and [`Verifier::claim`]
    /// use the retention they are given.
    pub fn replay_horizon(&self) -> Option<Duration> {
        self.replay_horizon
    }

    /// Verifies a delivery and parses it into an [`Event`], taking "now" from the
    /// configured clock (or the system's).
    pub fn verify(&self, body: &[u8], headers: &(impl Headers + ?Sized)) -> Result<Event, Error> {
        self.verify_at(body, headers, self.now()?)
    }

    /// [`Verifier::verify`] with "now" given in Unix seconds (for hosts without a clock,
    /// such as WebAssembly, where the host passes `Date.now()`).
    pub fn verify_at(
        &self,
        body: &[u8],
        headers: &(impl Headers + ?Sized),
        now: i64,
    ) -> Result<Event, Error> {
        self.event_at(body, headers, now, self.replay_horizon, Typing::OnFirstRead)
    }

    /// [`Verifier::verify`] with the replay horizon given (see
    /// [`Verifier::verify_within_at`]), taking "now" from the configured clock.
    pub fn verify_within(
        &self,
        body: &[u8],
        headers: &(impl Headers + ?Sized),
        horizon: Option<Duration>,
    ) -> Result<Event, Error> {
        self.verify_within_at(body, headers, self.now()?, horizon)
    }

    /// [`Verifier::verify_at`] with the replay horizon given: the retention of the store
    /// the event will be claimed in, so that a replay is either remembered or refused
    /// ([`Verifier::claim`] does this with its retention). As the claim needs the
    /// idempotency key, which needs the typed data, the data is typed in the same pass as
    /// the envelope is read, where [`Verifier::verify_at`] leaves it to the first read.
    ///
    /// ```
    /// use std::time::Duration;
    /// use hookshield::{ErrorCode, Provider, SignOptions, Verifier};
    /// let body = br#"{"id":"e1","type":"error.occurred","created_at":"2026-01-01T00:00:00Z","data":{}}"#;
    /// let signed = hookshield::sign(Provider::Sensei, "s", body, &SignOptions::default())?;
    /// let verifier = Verifier::new(Provider::Sensei, ["s"])?;
    /// let now = 1_767_225_600 + 3600; // an hour after the event
    /// assert!(verifier.verify_within_at(body, &signed, now, Some(Duration::from_secs(7200))).is_ok());
    /// let err = verifier.verify_within_at(body, &signed, now, Some(Duration::from_secs(600))).unwrap_err();
    /// assert_eq!(err.code(), ErrorCode::TimestampTooOld);
    /// # Ok::<(), hookshield::Error>(())
    /// ```
    pub fn verify_within_at(
        &self,
        body: &[u8],
        headers: &(impl Headers + ?Sized),
        now: i64,
        horizon: Option<Duration>,
    ) -> Result<Event, Error> {
        self.event_at(body, headers, now, horizon, Typing::WhileReading)
    }

    /// Verifies and builds the event, typing its data as `typing` says.
    fn event_at(
        &self,
        body: &[u8],
        headers: &(impl Headers + ?Sized),
        now: i64,
        horizon: Option<Duration>,
        typing: Typing,
    ) -> Result<Event, Error> {
        let check = self.verify_signature_at(body, headers, now)?;
        let facts = HeaderFacts {
            timestamp: check.timestamp,
            id: check
                .id
                .map(|id| (self.id_header_of(headers).unwrap_or_default(), id)),
            event: check.event.map(|event| {
                (
                    self.scheme.event_header.as_deref().unwrap_or_default(),
                    event,
                )
            }),
        };
        let horizon = horizon.map(|horizon| Horizon {
            now,
            seconds: horizon.as_secs(),
        });
        build_event(
            self.provider,
            &self.scheme.envelope,
            body,
            facts,
            horizon,
            typing,
        )
    }

    /// Checks size, headers, signature and replay window without parsing the body.
    pub fn verify_signature<'h>(
        &self,
        body: &[u8],
        headers: &'h (impl Headers + ?Sized),
    ) -> Result<SignatureCheck<'h>, Error> {
        self.verify_signature_at(body, headers, self.now()?)
    }

    /// [`Verifier::verify_signature`] with "now" given in Unix seconds.
    pub fn verify_signature_at<'h>(
        &self,
        body: &[u8],
        headers: &'h (impl Headers + ?Sized),
        now: i64,
    ) -> Result<SignatureCheck<'h>, Error> {
        if body.len() > self.max_body_bytes {
            return Err(Error::BodyTooLarge {
                size: body.len(),
                limit: self.max_body_bytes,
            });
        }
        let scheme = &self.scheme;
        let header = &scheme.signature_header;
        let signature_value = headers.joined(header).ok_or_else(|| Error::MissingHeader {
            name: header.clone(),
        })?;
        let parsed = signature::parse_header(header, &signature_value, scheme.header_shape())?;

        let timestamp =
            match (&scheme.timestamp_header, &scheme.timestamp_key) {
                (Some(name), _) => {
                    let raw = headers
                        .header(name)
                        .ok_or_else(|| Error::MissingTimestamp {
                            header: name.clone(),
                        })?;
                    Some((
                        raw,
                        timestamp::parse_timestamp(name, raw, scheme.timestamp_unit)?,
                    ))
                }
                (None, Some(key)) => {
                    let raw = parsed.timestamp.map(str::as_bytes).ok_or_else(|| {
                        Error::MissingTimestamp {
                            header: format!("{header}` entry `{key}="),
                        }
                    })?;
                    Some((
                        raw,
                        timestamp::parse_timestamp(header, raw, scheme.timestamp_unit)?,
                    ))
                }
                (None, None) => None,
            };
        let id_header = self.id_header_of(headers);
        let id = required_text(headers, id_header)?;
        let event = required_text(headers, scheme.event_header.as_deref())?;

        let message = Message {
            id: id.unwrap_or_default().as_bytes(),
            timestamp: timestamp.map_or(&[][..], |(raw, _)| raw),
            body,
        };
        let candidates = &parsed.candidates;
        let matched = self.secrets.iter().any(|secret| {
            candidates.contains(&signature::tag(secret, &scheme.signed_content, message))
        });
        if !matched {
            return Err(Error::SignatureMismatch {
                header: header.clone(),
                signatures: candidates.len(),
                secrets: self.secrets.len(),
            });
        }
        if let Some((_, sent)) = timestamp {
            timestamp::check_window(sent, now, self.tolerance)?;
        }
        Ok(SignatureCheck {
            timestamp: timestamp.map(|(_, t)| t),
            id,
            event,
        })
    }

    /// The header the id is read from: the id header, or the fallback id header where
    /// the request has only that one.
    fn id_header_of(&self, headers: &(impl Headers + ?Sized)) -> Option<&str> {
        let primary = self.scheme.id_header.as_deref();
        let fallback = self
            .scheme
            .fallback_id_header
            .as_deref()
            .filter(|fallback| {
                primary.is_some_and(|primary| headers.header(primary).is_none())
                    && headers.header(fallback).is_some()
            });
        fallback.or(primary)
    }

    pub(crate) fn now(&self) -> Result<i64, Error> {
        match &self.clock {
            Some(clock) => Ok(clock.now_unix()),
            None => timestamp::system_now().ok_or_else(|| {
                Error::config("this target has no system clock: pass a clock or call verify_at")
            }),
        }
    }
}

/// A header the scheme names, which must be present and UTF-8.
fn required_text<'h>(
    headers: &'h (impl Headers + ?Sized),
    name: Option<&str>,
) -> Result<Option<&'h str>, Error> {
    let Some(name) = name else { return Ok(None) };
    match headers::text(headers, name) {
        Some(Ok(value)) if !value.is_empty() => Ok(Some(value)),
        Some(Ok(_)) | None => Err(Error::MissingHeader {
            name: name.to_owned(),
        }),
        Some(Err(())) => Err(Error::envelope(format!("header `{name}` is not UTF-8"))),
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("provider", &self.provider)
            .field("scheme", &self.scheme)
            .field(
                "secrets",
                &format_args!("[{} redacted]", self.secrets.len()),
            )
            .field("tolerance", &self.tolerance)
            .field("replay_horizon", &self.replay_horizon)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("clock", &self.clock.as_ref().map_or("system", |_| "custom"))
            .finish()
    }
}
