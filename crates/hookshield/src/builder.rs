//! Building a [`Verifier`]: a provider's preset, its secrets, and any overrides.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::scheme::Scheme;
use crate::secret::{KeyedSecret, Secret};
use crate::signature::SignatureEncoding;
use crate::signed_content::SignedContent;
use crate::timestamp::{SharedClock, DEFAULT_TOLERANCE_SECONDS};
use crate::verifier::DEFAULT_MAX_BODY_BYTES;
use crate::{Clock, Error, Provider, Verifier};

/// The names [`VerifierBuilder::set`] accepts.
pub const OVERRIDES: &[&str] = &[
    "signature_header",
    "encoding",
    "prefix",
    "separator",
    "signed_content",
    "timestamp_header",
    "timestamp_key",
    "timestamp_unit",
    "id_header",
    "fallback_id_header",
    "event_header",
    "secret_format",
    "type_field",
    "id_field",
    "time_field",
    "time_unit",
    "data_field",
    "form",
];

/// Builds a [`Verifier`]: a provider's preset, secrets, and any overrides.
///
/// ```
/// use hookshield::{Provider, SignatureEncoding, SignedContent, Verifier};
/// let verifier = Verifier::builder(Provider::Custom)
///     .secret(b"raw key bytes".as_slice())
///     .signature_header("X-Acme-Signature")
///     .encoding(SignatureEncoding::Base64)
///     .prefix("")
///     .signed_content(SignedContent::TimestampBody)
///     .timestamp_header(Some("X-Acme-Timestamp"))
///     .max_body_bytes(64 * 1024)
///     .build()?;
/// assert_eq!(verifier.scheme().signature_header, "X-Acme-Signature");
/// # Ok::<(), hookshield::Error>(())
/// ```
#[must_use]
pub struct VerifierBuilder {
    provider: Provider,
    scheme: Scheme,
    secrets: Vec<Secret>,
    tolerance: u64,
    replay_horizon: Option<Duration>,
    max_body_bytes: usize,
    clock: Option<SharedClock>,
}

impl VerifierBuilder {
    pub(crate) fn new(provider: Provider) -> Self {
        VerifierBuilder {
            provider,
            scheme: provider.scheme(),
            secrets: Vec::new(),
            tolerance: DEFAULT_TOLERANCE_SECONDS,
            replay_horizon: Some(provider.default_retention()),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            clock: None,
        }
    }

    /// Adds a secret; any configured secret may have signed a delivery.
    pub fn secret(mut self, secret: impl Into<Secret>) -> Self {
        self.secrets.push(secret.into());
        self
    }

    /// Adds several secrets.
    pub fn secrets<S: Into<Secret>>(mut self, secrets: impl IntoIterator<Item = S>) -> Self {
        self.secrets.extend(secrets.into_iter().map(Into::into));
        self
    }

    /// The replay window in seconds each way (default 300).
    pub fn tolerance(mut self, seconds: u64) -> Self {
        self.tolerance = seconds;
        self
    }

    /// The replay horizon (default: the provider's [`Provider::default_retention`]);
    /// `None` turns it off, which lets a captured delivery replay once the idempotency
    /// store has forgotten its key. See [`Verifier::replay_horizon`].
    ///
    /// ```
    /// use std::time::Duration;
    /// use hookshield::{ErrorCode, Provider, SignOptions, Verifier};
    /// let body = br#"{"id":"e1","type":"error.occurred","created_at":"2020-01-01T00:00:00Z","data":{}}"#;
    /// let signed = hookshield::sign(Provider::Sensei, "s", body, &SignOptions::default())?;
    /// let verifier = Verifier::builder(Provider::Sensei).secret("s").build()?;
    /// assert_eq!(verifier.verify(body, &signed).unwrap_err().code(), ErrorCode::TimestampTooOld);
    /// let forever = Verifier::builder(Provider::Sensei).secret("s").replay_horizon(None).build()?;
    /// assert!(forever.verify(body, &signed).is_ok());
    /// # Ok::<(), hookshield::Error>(())
    /// ```
    pub fn replay_horizon(mut self, horizon: Option<Duration>) -> Self {
        self.replay_horizon = horizon;
        self
    }

    /// The largest body accepted (default 1 MiB).
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// The source of "now" (default: the system clock).
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// The source of "now", already shared.
    pub fn shared_clock(mut self, clock: SharedClock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Overrides the signature header.
    pub fn signature_header(mut self, name: impl Into<String>) -> Self {
        self.scheme.signature_header = name.into();
        self
    }

    /// Overrides the tag encoding.
    pub fn encoding(mut self, encoding: SignatureEncoding) -> Self {
        self.scheme.encoding = encoding;
        self
    }

    /// Overrides the prefix before each tag (`sha256=`, `v1,`, or `""`).
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.scheme.prefix = prefix.into();
        self
    }

    /// Overrides what is signed.
    pub fn signed_content(mut self, content: SignedContent) -> Self {
        self.scheme.signed_content = content;
        self
    }

    /// Overrides the timestamp header (`None`: the sender sends none, no window).
    pub fn timestamp_header(mut self, name: Option<impl Into<String>>) -> Self {
        self.scheme.timestamp_header = name.map(Into::into);
        self
    }

    /// Overrides the id header (`None`: none).
    pub fn id_header(mut self, name: Option<impl Into<String>>) -> Self {
        self.scheme.id_header = name.map(Into::into);
        self
    }

    /// Overrides the event-type header (`None`: none).
    pub fn event_header(mut self, name: Option<impl Into<String>>) -> Self {
        self.scheme.event_header = name.map(Into::into);
        self
    }

    /// Overrides how secret text becomes key bytes.
    pub fn secret_format(mut self, format: crate::SecretFormat) -> Self {
        self.scheme.secret_format = format;
        self
    }

    /// Sets an override by its name, as the bindings and the CLI pass them (every field
    /// of [`Scheme`] and its [`crate::Envelope`]):
    ///
    /// - the signature: `signature_header`, `encoding` (`hex`/`base64`), `prefix` (before
    ///   each tag: `sha256=`, `v1,`, a tag key `v1=`), `separator` (what `sign` writes
    ///   between entries: ` `, `,`, `;`), `signed_content` (a template of literal text
    ///   and `{id}`, `{timestamp}`, `{body}`: `v0:{timestamp}:{body}`), `secret_format`
    ///   (`utf8`/`whsec_base64`);
    /// - the headers: `timestamp_header`, `timestamp_key` (the signature header's
    ///   `key=value` entry with the timestamp: `t`), `timestamp_unit`
    ///   (`seconds`/`milliseconds`), `id_header`, `fallback_id_header`, `event_header`;
    /// - the body: `type_field`, `id_field`, `time_field` (paths such as `event.type`,
    ///   several separated by `,`, the first present counting), `time_unit`,
    ///   `data_field`, `form` (`none`, `payload`, `fields`).
    ///
    /// An empty value removes an optional one (a header, key, field or data member: the
    /// whole body is then the data).
    ///
    /// ```
    /// use hookshield::{ErrorCode, Provider, Verifier};
    /// let builder = Verifier::builder(Provider::Sentrasa).secret("s").set("signature_header", "X-Sig")?;
    /// assert_eq!(builder.build()?.scheme().signature_header, "X-Sig");
    /// let acme = Verifier::builder(Provider::Custom)
    ///     .secret("s")
    ///     .set("signature_header", "Acme-Signature")?
    ///     .set("prefix", "v1=")?
    ///     .set("separator", ",")?
    ///     .set("timestamp_key", "t")?
    ///     .set("signed_content", "{timestamp}.{body}")?
    ///     .set("type_field", "event.kind,kind")?
    ///     .build()?;
    /// assert_eq!(acme.scheme().envelope.type_fields, ["event.kind", "kind"]);
    /// let err = Verifier::builder(Provider::Sentrasa).set("colour", "red").unwrap_err();
    /// assert_eq!(err.code(), ErrorCode::InvalidConfig);
    /// # Ok::<(), hookshield::Error>(())
    /// ```
    pub fn set(self, name: &str, value: &str) -> Result<Self, Error> {
        let optional = |value: &str| (!value.is_empty()).then(|| value.to_owned());
        let fields = |value: &str| -> Vec<String> {
            value
                .split(',')
                .map(str::trim)
                .filter(|field| !field.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let mut builder = self;
        let scheme = &mut builder.scheme;
        let envelope = &mut scheme.envelope;
        match name {
            "signature_header" => value.clone_into(&mut scheme.signature_header),
            "encoding" => scheme.encoding = value.parse()?,
            "prefix" => value.clone_into(&mut scheme.prefix),
            "separator" => value.clone_into(&mut scheme.separator),
            "signed_content" => scheme.signed_content = value.parse()?,
            "timestamp_header" => scheme.timestamp_header = optional(value),
            "timestamp_key" => scheme.timestamp_key = optional(value),
            "timestamp_unit" => scheme.timestamp_unit = value.parse()?,
            "id_header" => scheme.id_header = optional(value),
            "fallback_id_header" => scheme.fallback_id_header = optional(value),
            "event_header" => scheme.event_header = optional(value),
            "secret_format" => scheme.secret_format = value.parse()?,
            "type_field" => envelope.type_fields = fields(value),
            "id_field" => envelope.id_fields = fields(value),
            "time_field" => envelope.time_fields = fields(value),
            "time_unit" => envelope.time_unit = value.parse()?,
            "data_field" => envelope.data_field = optional(value),
            "form" => envelope.form = value.parse()?,
            other => {
                return Err(Error::config(format!(
                    "unknown option {other:?}; expected one of {}",
                    OVERRIDES.join(", ")
                )))
            }
        }
        Ok(builder)
    }

    /// Replaces the whole scheme.
    pub fn scheme(mut self, scheme: Scheme) -> Self {
        self.scheme = scheme;
        self
    }

    /// Checks the configuration and keys every secret.
    ///
    /// Fails with `no_secret` when no secret (or an empty one) was given, and with
    /// `invalid_config` when the scheme cannot work ([`Scheme::check`]) or a `whsec_`
    /// secret is malformed.
    pub fn build(self) -> Result<Verifier, Error> {
        let scheme = self.scheme;
        if self.secrets.is_empty() {
            return Err(Error::NoSecret {
                reason: "at least one secret is required".into(),
            });
        }
        scheme.check()?;
        let secrets = self
            .secrets
            .iter()
            .map(|secret| {
                secret
                    .key_bytes(scheme.secret_format)
                    .map(|key| KeyedSecret::new(&key))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Verifier {
            provider: self.provider,
            scheme,
            secrets,
            tolerance: self.tolerance,
            replay_horizon: self.replay_horizon,
            max_body_bytes: self.max_body_bytes,
            clock: self.clock,
        })
    }
}

impl fmt::Debug for VerifierBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifierBuilder")
            .field("provider", &self.provider)
            .field("scheme", &self.scheme)
            .field(
                "secrets",
                &format_args!("[{} redacted]", self.secrets.len()),
            )
            .finish_non_exhaustive()
    }
}
