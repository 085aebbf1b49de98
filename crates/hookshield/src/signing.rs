//! Signing deliveries exactly as a provider would, so receivers can be tested.

use serde_json::Value;

use crate::scheme::Scheme;
use crate::secret::{KeyedSecret, Secret};
use crate::signature;
use crate::signed_content::Message;
use crate::{timestamp, Error, FormEncoding, Provider};

/// Optional parts of a signed delivery.
///
/// ```
/// use hookshield::SignOptions;
/// let options = SignOptions::at(1_700_000_000).id("evt_1").event("ping");
/// assert_eq!(options.timestamp, Some(1_700_000_000));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignOptions {
    /// Unix seconds to sign at (default: now).
    pub timestamp: Option<i64>,
    /// The event or delivery id (default: the body's `id`, else one derived from the body).
    pub id: Option<String>,
    /// The event type for an event header (default: the first of the scheme's type
    /// fields present in the body, else its `event` or `type`).
    pub event: Option<String>,
}

impl SignOptions {
    /// Options signing at `timestamp`.
    pub fn at(timestamp: i64) -> Self {
        SignOptions {
            timestamp: Some(timestamp),
            ..Self::default()
        }
    }

    /// Sets the id.
    #[must_use]
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Sets the event type.
    #[must_use]
    pub fn event(mut self, event: impl Into<String>) -> Self {
        self.event = Some(event.into());
        self
    }
}

/// The headers `provider` would send with `body`, signed with `secret`: exactly what
/// the sender sends, a combined header (`t=…,v1=…`) included.
///
/// ```
/// use hookshield::{Headers, Provider, SignOptions};
/// let headers = hookshield::sign(Provider::GitHub, "It's a Secret to Everybody", b"Hello, World!",
///     &SignOptions::default().event("ping").id("d1"))?;
/// assert_eq!(
///     headers.header("X-Hub-Signature-256"),
///     Some("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17".as_bytes()),
/// );
/// let stripe = hookshield::sign(Provider::Stripe, "whsec_test_secret", b"{}", &SignOptions::at(1_492_774_577))?;
/// let value = std::str::from_utf8(stripe.header("Stripe-Signature").unwrap()).unwrap();
/// assert!(value.starts_with("t=1492774577,v1=") && value.len() == 16 + 64);
/// # Ok::<(), hookshield::Error>(())
/// ```
pub fn sign(
    provider: Provider,
    secret: impl Into<Secret>,
    body: &[u8],
    options: &SignOptions,
) -> Result<Vec<(String, String)>, Error> {
    sign_with(provider, &provider.scheme(), secret, body, options)
}

/// [`sign`] under an overridden scheme (a custom provider, or a preset with overrides).
///
/// ```
/// use hookshield::{Provider, SignOptions, Verifier};
/// let verifier = Verifier::builder(Provider::Sentrasa).secret("s").signature_header("X-Hub").build()?;
/// let headers = hookshield::sign_with(Provider::Sentrasa, verifier.scheme(), "s", b"{}", &SignOptions::default())?;
/// assert!(verifier.verify_signature(b"{}", &headers).is_ok());
/// # Ok::<(), hookshield::Error>(())
/// ```
pub fn sign_with(
    provider: Provider,
    scheme: &Scheme,
    secret: impl Into<Secret>,
    body: &[u8],
    options: &SignOptions,
) -> Result<Vec<(String, String)>, Error> {
    let key = KeyedSecret::new(&secret.into().key_bytes(scheme.secret_format)?);
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let member = |name: &str| {
        let value = parsed.as_ref()?.get(name)?.as_str()?;
        (!value.is_empty()).then(|| value.to_owned())
    };

    // A body that is not JSON goes as a form, where the scheme reads forms (Slack).
    let content_type = match (&parsed, scheme.envelope.form) {
        (None, FormEncoding::Payload | FormEncoding::Fields) => "application/x-www-form-urlencoded",
        _ => "application/json",
    };
    let mut headers = vec![("Content-Type".to_owned(), content_type.to_owned())];
    let timestamp = if scheme.has_timestamp() {
        let unix = match options.timestamp {
            Some(unix) => unix,
            None => timestamp::system_now().ok_or_else(|| {
                Error::config("this target has no system clock: pass a timestamp")
            })?,
        };
        scheme.timestamp_unit.write(unix)
    } else {
        String::new()
    };
    if let Some(name) = &scheme.timestamp_header {
        headers.push((name.clone(), timestamp.clone()));
    }
    let id = match &scheme.id_header {
        Some(name) => {
            let id = options
                .id
                .clone()
                .or_else(|| member("id"))
                .unwrap_or_else(|| format!("msg_{}", &crate::idempotency::body_key(body)[7..31]));
            headers.push((name.clone(), id.clone()));
            // Where the sender also sends a delivery id (Shopify), the same value.
            if let Some(fallback) = &scheme.fallback_id_header {
                headers.push((fallback.clone(), id.clone()));
            }
            id
        }
        None => String::new(),
    };
    if let Some(name) = &scheme.event_header {
        let typed = |path: &String| {
            let value = parsed
                .as_ref()?
                .pointer(&format!("/{}", path.replace('.', "/")))?;
            value
                .as_str()
                .filter(|value| !value.is_empty())
                .map(str::to_owned)
        };
        let event = options
            .event
            .clone()
            .or_else(|| scheme.envelope.type_fields.iter().find_map(typed))
            .or_else(|| member("event"))
            .or_else(|| member("type"));
        let event = event.ok_or_else(|| {
            Error::config(format!(
                "`{name}` needs an event type: pass one, or sign a body with `event`"
            ))
        })?;
        headers.push((name.clone(), event));
    }
    let tag = signature::tag(
        &key,
        &scheme.signed_content,
        Message {
            id: id.as_bytes(),
            timestamp: timestamp.as_bytes(),
            body,
        },
    );
    let mut value = signature::encode(&tag, scheme.encoding, &scheme.prefix);
    if let Some(key) = &scheme.timestamp_key {
        value = format!("{key}={timestamp}{}{value}", scheme.separator);
    }
    headers.push((scheme.signature_header.clone(), value));
    match provider {
        Provider::Kyc => headers.push(("User-Agent".into(), "KYC-Webhooks/1.0".into())),
        Provider::GitHub => {
            headers.push(("User-Agent".into(), "GitHub-Hookshot/hookshield".into()));
        }
        Provider::Stripe => {
            let agent = "Stripe/1.0 (+https://stripe.com/docs/webhooks)";
            headers.push(("User-Agent".into(), agent.into()));
        }
        Provider::Slack => {
            let agent = "Slackbot 1.0 (+https://api.slack.com/robots)";
            headers.push(("User-Agent".into(), agent.into()));
        }
        Provider::Shopify => headers.push(("User-Agent".into(), "Shopify-Captain-Hook".into())),
        _ => {}
    }
    Ok(headers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Headers as _, Verifier};

    #[test]
    fn an_empty_body_id_is_not_sent_as_an_empty_header() {
        let body =
            br#"{"id":"","type":"kyc.session.created","created":1,"data":{"session_id":"s"}}"#;
        let headers = sign(Provider::Kyc, "k", body, &SignOptions::at(1)).unwrap();
        let id = headers.header("X-Webhook-ID").unwrap();
        assert!(id.starts_with(b"msg_"), "{}", String::from_utf8_lossy(id));
        let verifier = Verifier::builder(Provider::Kyc)
            .secret("k")
            .clock(|| 1)
            .build()
            .unwrap();
        assert!(verifier.verify_signature(body, &headers).is_ok());
    }
}
