//! Provider presets: how each sender signs, what it sends, and how it retries.
//!
//! Every preset is read from the provider's own webhook document (see the README's
//! provider table). Where a document is silent the preset makes one documented choice,
//! and every field of [`Scheme`] can be overridden through [`crate::VerifierBuilder`].

use std::fmt;
use std::time::Duration;

use crate::scheme::Scheme;
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
    /// Stripe: `Stripe-Signature: t=…,v1=…`.
    Stripe,
    /// Svix: Standard Webhooks with `svix-` headers.
    Svix,
    /// Slack: `X-Slack-Signature: v0=…` over `v0:{timestamp}:{body}`.
    Slack,
    /// Shopify: `X-Shopify-Hmac-Sha256`, base64 over the body.
    Shopify,
    /// Paddle Billing: `Paddle-Signature: ts=…;h1=…`.
    Paddle,
    /// A sender described entirely by overrides.
    Custom,
}

impl Provider {
    /// Every provider, presets first.
    pub const ALL: [Provider; 13] = [
        Provider::Sentinel,
        Provider::DocIntell,
        Provider::Sentrasa,
        Provider::Kyc,
        Provider::Sensei,
        Provider::GitHub,
        Provider::Standard,
        Provider::Stripe,
        Provider::Svix,
        Provider::Slack,
        Provider::Shopify,
        Provider::Paddle,
        Provider::Custom,
    ];

    /// Every preset: every provider but `custom`, which has no scheme of its own.
    ///
    /// ```
    /// use hookshield::Provider;
    /// assert_eq!(Provider::PRESETS.len() + 1, Provider::ALL.len());
    /// assert!(!Provider::PRESETS.contains(&Provider::Custom));
    /// ```
    pub const PRESETS: [Provider; 12] = [
        Provider::Sentinel,
        Provider::DocIntell,
        Provider::Sentrasa,
        Provider::Kyc,
        Provider::Sensei,
        Provider::GitHub,
        Provider::Standard,
        Provider::Stripe,
        Provider::Svix,
        Provider::Slack,
        Provider::Shopify,
        Provider::Paddle,
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
            Provider::Stripe => "stripe",
            Provider::Svix => "svix",
            Provider::Slack => "slack",
            Provider::Shopify => "shopify",
            Provider::Paddle => "paddle",
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
        crate::presets::scheme(self)
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
            // Immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: 27 h 35 min 5 s.
            Provider::Svix => (27 * HOUR + 35 * 60 + 5, false),
            // Events API: up to three retries, immediately, after 1 min and after 5 min.
            Provider::Slack => (6 * 60, false),
            // "8 times over the next 4 hours".
            Provider::Shopify => (4 * HOUR, false),
            // Stripe, live mode: "up to three days with an exponential back off"; Paddle,
            // live: 60 times within 3 days (sandbox: 3 times within 15 minutes). Not
            // documented (KYC: "retried on non-2xx"); GitHub redelivers by hand and
            // Standard Webhooks senders retry for about a day.
            Provider::Stripe
            | Provider::Paddle
            | Provider::Sentrasa
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
