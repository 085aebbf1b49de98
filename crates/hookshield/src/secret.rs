//! Signing secrets: how a provider's secret string becomes HMAC key bytes, and the
//! precomputed keyed state a verifier keeps for each one.

use std::fmt;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use hmac::{Hmac, Mac as _};
use sha2::Sha256;

use crate::Error;

pub(crate) type HmacSha256 = Hmac<Sha256>;

/// Standard base64 that reads a secret with or without its `=` padding.
const STANDARD_PADDING_OPTIONAL: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A signing secret as the user holds it: text (as shown in a provider's dashboard)
/// or raw key bytes.
///
/// How text becomes key bytes depends on the provider's [`SecretFormat`]: for every
/// documented provider and GitHub the whole string is the key (`whsec_` included, as
/// the providers' own sample code does `secret.encode()`); for Standard Webhooks the
/// text is `whsec_` followed by the base64 of the key. Bytes are always the key itself.
/// Neither `Debug` nor any error shows the secret.
///
/// ```
/// use hookshield::Secret;
/// let secret = Secret::from("whsec_abc");
/// assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub enum Secret {
    /// A secret as text.
    Text(String),
    /// A secret as raw key bytes.
    Bytes(Vec<u8>),
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::Text(value.to_owned())
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::Text(value)
    }
}

impl From<&String> for Secret {
    fn from(value: &String) -> Self {
        Secret::Text(value.clone())
    }
}

impl From<&[u8]> for Secret {
    fn from(value: &[u8]) -> Self {
        Secret::Bytes(value.to_vec())
    }
}

impl<const N: usize> From<&[u8; N]> for Secret {
    fn from(value: &[u8; N]) -> Self {
        Secret::Bytes(value.to_vec())
    }
}

impl From<Vec<u8>> for Secret {
    fn from(value: Vec<u8>) -> Self {
        Secret::Bytes(value)
    }
}

/// How a provider's secret text maps to HMAC key bytes.
///
/// ```
/// use hookshield::{Provider, SecretFormat};
/// assert_eq!(Provider::Sentinel.scheme().secret_format, SecretFormat::Utf8);
/// assert_eq!(Provider::Standard.scheme().secret_format, SecretFormat::WhsecBase64);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretFormat {
    /// The UTF-8 bytes of the whole string are the key.
    Utf8,
    /// `whsec_` (optional) followed by the standard base64 of the key.
    WhsecBase64,
}

impl std::str::FromStr for SecretFormat {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "utf8" => Ok(SecretFormat::Utf8),
            "whsec_base64" => Ok(SecretFormat::WhsecBase64),
            other => Err(Error::config(format!(
                "secret format must be `utf8` or `whsec_base64`, found {other:?}"
            ))),
        }
    }
}

impl Secret {
    /// The HMAC key bytes this secret stands for under `format`.
    ///
    /// ```
    /// use hookshield::{Secret, SecretFormat};
    /// assert_eq!(Secret::from("whsec_aGk=").key_bytes(SecretFormat::Utf8).unwrap(), b"whsec_aGk=");
    /// assert_eq!(Secret::from("whsec_aGk=").key_bytes(SecretFormat::WhsecBase64).unwrap(), b"hi");
    /// assert_eq!(Secret::from("whsec_aGk").key_bytes(SecretFormat::WhsecBase64).unwrap(), b"hi");
    /// ```
    pub fn key_bytes(&self, format: SecretFormat) -> Result<Vec<u8>, Error> {
        let key = match (self, format) {
            (Secret::Bytes(bytes), _) => bytes.clone(),
            (Secret::Text(text), SecretFormat::Utf8) => text.as_bytes().to_vec(),
            (Secret::Text(text), SecretFormat::WhsecBase64) => {
                let encoded = text.strip_prefix("whsec_").unwrap_or(text);
                // Padded or not: the same key (the reference libraries accept both).
                STANDARD_PADDING_OPTIONAL.decode(encoded).map_err(|_| {
                    Error::config("a Standard Webhooks secret must be `whsec_` followed by base64")
                })?
            }
        };
        if key.is_empty() {
            return Err(Error::NoSecret {
                reason: "a secret is empty".into(),
            });
        }
        Ok(key)
    }
}

/// One secret's HMAC state with the key already absorbed, cloned for every message so a
/// verification does no key setup.
#[derive(Clone)]
pub(crate) struct KeyedSecret(HmacSha256);

impl KeyedSecret {
    pub(crate) fn new(key: &[u8]) -> Self {
        KeyedSecret(HmacSha256::new_from_slice(key).expect("HMAC accepts keys of any length"))
    }

    /// A fresh MAC ready to absorb a message.
    pub(crate) fn mac(&self) -> HmacSha256 {
        self.0.clone()
    }
}

impl fmt::Debug for KeyedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}
