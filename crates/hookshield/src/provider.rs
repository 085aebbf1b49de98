//! Provider presets: how each sender signs, what it sends, and how it retries.
//!
//! Every preset is read from the provider's own webhook document (see the README's
//! provider table). Where a document is silent the preset makes one documented choice,
//! and every field of [`Scheme`] can be overridden through [`crate::VerifierBuilder`].

use std::fmt;
use std::time::Duration;

use crate::secret::SecretFormat;
use crate::signature::{SignatureEncoding, SignedContent};
use crate::Error;

/// A webhook sender hookshield knows.
///
/// ```
/// use hookshield::Provider;
/// assert_eq!("docintell".parse::<Provider>().unwrap(), Provider::DocIntell);
/// assert_eq!(Provider::Kyc.as_str(), "kyc");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Provider {
    /// Sentinel: document intelligence, chat and reports.
    Sentinel,
    /// DocIntell: document processing.
    DocIntell,
    /// Sentrasa: jobs and alerts, per workspace.
    Sentrasa,
    /// KYC-Webhooks: KYC sessions and watchlists.
    Kyc,
    /// Sensei: migrations, phases, approvals, errors, validation.
    Sensei,
    /// GitHub: `X-Hub-Signature-256`.
    GitHub,
    /// Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`).
    Standard,
    /// A sender described entirely by overrides.
    Custom,
}

impl Provider {
    /// Every provider, presets first.
    pub const ALL: [Provider; 8] = [
        Provider::Sentinel,
        Provider::DocIntell,
        Provider::Sentrasa,
        Provider::Kyc,
        Provider::Sensei,
        Provider::GitHub,
        Provider::Standard,
        Provider::Custom,
    ];

    /// Every preset: every provider but `custom`, which has no scheme of its own.
    ///
    /// ```
    /// use hookshield::Provider;
    /// assert_eq!(Provider::PRESETS.len() + 1, Provider::ALL.len());
    /// assert!(!Provider::PRESETS.contains(&Provider::Custom));
    /// ```
    pub const PRESETS: [Provider; 7] = [
        Provider::Sentinel,
        Provider::DocIntell,
        Provider::Sentrasa,
        Provider::Kyc,
        Provider::Sensei,
        Provider::GitHub,
        Provider::Standard,
    ];

    /// The preset id, as used in every binding.
    pub const fn as_str(self) -> &'static str {
        match self {
            Provider::Sentinel => "sentinel",
            Provider::DocIntell => "docintell",
            Provider::Sentrasa => "sentrasa",
            Provider::Kyc => "kyc",
            Provider::Sensei => "sensei",
            Provider::GitHub => "github",
            Provider::Standard => "standard",
            Provider::Custom => "custom",
        }
    }

    /// How this provider signs, as its document says (or as hookshield chose where it
    /// is silent).
    ///
    /// ```
    /// use hookshield::{Provider, SignedContent};
    /// let kyc = Provider::Kyc.scheme();
    /// assert_eq!(kyc.signature_header, "X-Webhook-Signature");
    /// assert_eq!(kyc.signed_content, SignedContent::TimestampBody);
    /// ```
    pub fn scheme(self) -> Scheme {
        let sha256_hex = |header: &str| Scheme {
            signature_header: header.to_owned(),
            encoding: SignatureEncoding::Hex,
            prefix: "sha256=".to_owned(),
            signed_content: SignedContent::Body,
            timestamp_header: None,
            id_header: None,
            event_header: None,
            secret_format: SecretFormat::Utf8,
        };
        match self {
            Provider::Sentinel => Scheme {
                timestamp_header: Some("X-Sentinel-Timestamp".into()),
                ..sha256_hex("X-Sentinel-Signature")
            },
            Provider::DocIntell => Scheme {
                timestamp_header: Some("X-DocIntell-Timestamp".into()),
                event_header: Some("X-DocIntell-Event".into()),
                ..sha256_hex("X-DocIntell-Signature")
            },
            // Sentrasa documents only "a signing secret for payload verification". The
            // preset follows the convention of every sibling document: `sha256=<hex>` of
            // the raw body in `X-Sentrasa-Signature`. Override the header if yours differs.
            Provider::Sentrasa => sha256_hex("X-Sentrasa-Signature"),
            // KYC-Webhooks documents the headers but not the signed content. The preset
            // signs `{timestamp}.{body}`, the choice that binds the timestamp to the
            // signature so a captured delivery cannot be replayed with a fresh timestamp.
            Provider::Kyc => Scheme {
                signed_content: SignedContent::TimestampBody,
                timestamp_header: Some("X-Webhook-Timestamp".into()),
                id_header: Some("X-Webhook-ID".into()),
                ..sha256_hex("X-Webhook-Signature")
            },
            Provider::Sensei => sha256_hex("X-Sensei-Signature"),
            Provider::GitHub => Scheme {
                id_header: Some("X-GitHub-Delivery".into()),
                event_header: Some("X-GitHub-Event".into()),
                ..sha256_hex("X-Hub-Signature-256")
            },
            Provider::Standard => Scheme {
                signature_header: "webhook-signature".into(),
                encoding: SignatureEncoding::Base64,
                prefix: "v1,".into(),
                signed_content: SignedContent::IdTimestampBody,
                timestamp_header: Some("webhook-timestamp".into()),
                id_header: Some("webhook-id".into()),
                event_header: None,
                secret_format: SecretFormat::WhsecBase64,
            },
            Provider::Custom => Scheme {
                timestamp_header: None,
                ..sha256_hex("X-Signature")
            },
        }
    }

    /// How this provider retries, which decides the status a receiver should answer.
    ///
    /// ```
    /// use hookshield::Provider;
    /// assert!(Provider::DocIntell.retry_policy().client_error_ends_retries);
    /// assert!(!Provider::Sentinel.retry_policy().client_error_ends_retries);
    /// ```
    pub const fn retry_policy(self) -> RetryPolicy {
        const HOUR: u64 = 3600;
        let (horizon, client_error_ends_retries) = match self {
            // Immediate, 5 s, 30 s, 5 min, 30 min, then up to 24 h apart; paused after 48 h.
            Provider::Sentinel => (48 * HOUR, false),
            // Immediate, ~1, 2, 4, 8 s; a 4xx sends the delivery to the dead letter queue.
            Provider::DocIntell => (15, true),
            // Immediate, 1 min, 5 min, 30 min, 2 h, 8 h, 24 h: 34 h 36 min in all.
            Provider::Sensei => (34 * HOUR + 36 * 60, false),
            // Not documented (KYC: "retried on non-2xx"); GitHub redelivers by hand and
            // Standard Webhooks senders retry for about a day.
            Provider::Sentrasa
            | Provider::Kyc
            | Provider::GitHub
            | Provider::Standard
            | Provider::Custom => (72 * HOUR, false),
        };
        RetryPolicy {
            horizon: Duration::from_secs(horizon),
            client_error_ends_retries,
        }
    }

    /// How long a processed event's key is remembered by default, which is also the
    /// default replay horizon ([`crate::Verifier::replay_horizon`]): the retry horizon
    /// plus a day. The day covers the provider's own backlog: an event's time can
    /// precede its first send, and a delivery must never be refused as too old while
    /// the provider may still be sending it.
    ///
    /// ```
    /// use std::time::Duration;
    /// use hookshield::Provider;
    /// assert_eq!(Provider::Sentinel.default_retention(), Duration::from_secs(72 * 3600));
    /// assert_eq!(Provider::DocIntell.default_retention(), Duration::from_secs(15 + 24 * 3600));
    /// ```
    pub const fn default_retention(self) -> Duration {
        Duration::from_secs(self.retry_policy().horizon.as_secs() + 24 * 3600)
    }

    /// The longest [`Provider::default_retention`] of all: what a store that does not
    /// know the provider keeps a key for, so that no provider's retry runs twice.
    ///
    /// ```
    /// use hookshield::Provider;
    /// assert!(Provider::ALL.iter().all(|p| p.default_retention() <= Provider::longest_default_retention()));
    /// ```
    pub fn longest_default_retention() -> Duration {
        Provider::ALL
            .iter()
            .map(|provider| provider.default_retention())
            .max()
            .unwrap_or_default()
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl std::str::FromStr for Provider {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Provider::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| {
                let known: Vec<_> = Provider::ALL.iter().map(|p| p.as_str()).collect();
                Error::config(format!(
                    "unknown provider {s:?}; expected one of {}",
                    known.join(", ")
                ))
            })
    }
}

/// How a provider retries failed deliveries.
///
/// ```
/// use hookshield::Provider;
/// assert_eq!(Provider::Sensei.retry_policy().horizon.as_secs(), 34 * 3600 + 36 * 60);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Time from the first attempt to the last retry.
    pub horizon: Duration,
    /// Whether a 4xx answer stops retries (so a receiver must answer 5xx for anything
    /// it wants redelivered).
    pub client_error_ends_retries: bool,
}

/// How a sender signs a delivery: every field can be overridden.
///
/// ```
/// use hookshield::{Provider, SignatureEncoding};
/// let standard = Provider::Standard.scheme();
/// assert_eq!(standard.encoding, SignatureEncoding::Base64);
/// assert_eq!(standard.prefix, "v1,");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheme {
    /// The header carrying the signature(s).
    pub signature_header: String,
    /// How the tag is written.
    pub encoding: SignatureEncoding,
    /// What precedes each tag (`sha256=`, `v1,`, or nothing).
    pub prefix: String,
    /// What is signed.
    pub signed_content: SignedContent,
    /// The header with the delivery's Unix timestamp, checked against the replay window.
    pub timestamp_header: Option<String>,
    /// The header with the event or delivery id.
    pub id_header: Option<String>,
    /// The header with the event type.
    pub event_header: Option<String>,
    /// How secret text becomes key bytes.
    pub secret_format: SecretFormat,
}

impl Scheme {
    /// The headers this scheme reads, in a fixed order: signature, timestamp, id, event
    /// (`None` where the scheme has no such header). Bindings pick these out of a
    /// request's headers before handing them to the core.
    ///
    /// ```
    /// use hookshield::Provider;
    /// let scheme = Provider::Sentinel.scheme();
    /// assert_eq!(
    ///     scheme.header_names(),
    ///     [Some("X-Sentinel-Signature"), Some("X-Sentinel-Timestamp"), None, None]
    /// );
    /// ```
    pub fn header_names(&self) -> [Option<&str>; 4] {
        [
            Some(self.signature_header.as_str()),
            self.timestamp_header.as_deref(),
            self.id_header.as_deref(),
            self.event_header.as_deref(),
        ]
    }
}
