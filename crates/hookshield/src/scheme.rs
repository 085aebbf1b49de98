//! The scheme language: how a sender signs a delivery and where its envelope keeps the
//! type, id and time, said declaratively, every field overridable.

use crate::secret::SecretFormat;
use crate::signature::{HeaderShape, SignatureEncoding};
use crate::signed_content::SignedContent;
use crate::timestamp::TimestampUnit;
use crate::Error;

/// How a sender signs a delivery, and how its body is read: every field can be
/// overridden ([`crate::VerifierBuilder::set`] names them).
///
/// The signature header holds entries separated by whitespace, `,` or `;`: each is
/// `prefix` + the encoded tag (`sha256=<hex>`, `v1,<base64>`), or, in a structured
/// header, a `key=value` pair: the tags under the key the prefix names (`v1=`), the
/// timestamp under `timestamp_key` (Stripe's `t=…,v1=…`, Paddle's `ts=…;h1=…`).
///
/// ```
/// use hookshield::{Provider, SignatureEncoding};
/// let standard = Provider::Standard.scheme();
/// assert_eq!(standard.encoding, SignatureEncoding::Base64);
/// assert_eq!(standard.prefix, "v1,");
/// let stripe = Provider::Stripe.scheme();
/// assert_eq!((stripe.prefix.as_str(), stripe.timestamp_key.as_deref()), ("v1=", Some("t")));
/// assert_eq!(stripe.signed_content.as_str(), "{timestamp}.{body}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheme {
    /// The header carrying the signature(s).
    pub signature_header: String,
    /// How the tag is written.
    pub encoding: SignatureEncoding,
    /// What precedes each tag (`sha256=`, `v1,`, a tag key such as `v1=`, or nothing).
    pub prefix: String,
    /// What [`crate::sign`] writes between the entries of the signature header (` `,
    /// `,` or `;`); any of them is read.
    pub separator: String,
    /// What is signed.
    pub signed_content: SignedContent,
    /// The header with the delivery's timestamp, checked against the replay window.
    pub timestamp_header: Option<String>,
    /// The key of the signature header's entry with the timestamp (`t`, `ts`), for
    /// senders that put it there instead of in a header of its own.
    pub timestamp_key: Option<String>,
    /// The unit of the timestamp (header or key).
    pub timestamp_unit: TimestampUnit,
    /// The header with the event or delivery id.
    pub id_header: Option<String>,
    /// The header with the id where `id_header` is absent.
    pub fallback_id_header: Option<String>,
    /// The header with the event type.
    pub event_header: Option<String>,
    /// How secret text becomes key bytes.
    pub secret_format: SecretFormat,
    /// Where the body keeps the type, id, time and data.
    pub envelope: Envelope,
}

/// Where a sender's body keeps its event's type, id, time and data, so that events of
/// any sender get a type, an id, a timestamp and a good idempotency key.
///
/// Fields are named by path: `type`, or `event.type` for a member of a member. The first
/// path present (a non-empty string; for the time, a string or a number) counts.
///
/// ```
/// use hookshield::Provider;
/// let slack = Provider::Slack.scheme().envelope;
/// assert_eq!(slack.type_fields, ["event.type", "type", "command"]);
/// assert_eq!(slack.data_field, None); // the whole body is the data
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// The fields that may hold the event type, in order.
    pub type_fields: Vec<String>,
    /// The fields that may hold the event id, in order.
    pub id_fields: Vec<String>,
    /// The fields that may hold the event time: RFC 3339 text, or a number in `time_unit`.
    pub time_fields: Vec<String>,
    /// The unit of a numeric event time.
    pub time_unit: TimestampUnit,
    /// The member holding the event's data; `None`: the whole body is the data.
    pub data_field: Option<String>,
    /// How a body that is not JSON is read.
    pub form: FormEncoding,
    /// Whether the provider's document makes the time field the event's time, so that
    /// the replay horizon applies to it (a custom sender's `created` may be another
    /// thing's creation; a signed timestamp is bounded by the replay window instead).
    pub time_is_event_time: bool,
}

/// How a body that is not JSON is read.
///
/// ```
/// use hookshield::FormEncoding;
/// assert_eq!("fields".parse::<FormEncoding>(), Ok(FormEncoding::Fields));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FormEncoding {
    /// It is refused as `invalid_json`.
    None,
    /// An `application/x-www-form-urlencoded` body whose `payload` field holds the JSON
    /// (GitHub).
    Payload,
    /// An `application/x-www-form-urlencoded` body: its `payload` field's JSON where it
    /// has one (Slack's interactivity), else its fields as an object of strings (Slack's
    /// slash commands).
    Fields,
}

impl FormEncoding {
    /// The name as written in configuration: `none`, `payload` or `fields`.
    pub const fn as_str(self) -> &'static str {
        match self {
            FormEncoding::None => "none",
            FormEncoding::Payload => "payload",
            FormEncoding::Fields => "fields",
        }
    }
}

impl std::str::FromStr for FormEncoding {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "none" => Ok(FormEncoding::None),
            "payload" => Ok(FormEncoding::Payload),
            "fields" => Ok(FormEncoding::Fields),
            other => Err(Error::config(format!(
                "form must be `none`, `payload` or `fields`, found {other:?}"
            ))),
        }
    }
}

impl Envelope {
    /// An envelope with `data` as the data member, and the given type, id and time
    /// fields (times in seconds).
    pub(crate) fn with_data(
        type_fields: &[&str],
        id_fields: &[&str],
        time_fields: &[&str],
    ) -> Self {
        let owned = |fields: &[&str]| fields.iter().map(|&field| field.to_owned()).collect();
        Envelope {
            type_fields: owned(type_fields),
            id_fields: owned(id_fields),
            time_fields: owned(time_fields),
            time_unit: TimestampUnit::Seconds,
            data_field: Some("data".to_owned()),
            form: FormEncoding::None,
            time_is_event_time: false,
        }
    }
}

impl Scheme {
    /// `sha256=<hex>` of the raw body in `header`, the body read as `envelope` says: the
    /// base every preset starts from.
    pub(crate) fn sha256_hex(header: &str, envelope: Envelope) -> Self {
        Scheme {
            signature_header: header.to_owned(),
            encoding: SignatureEncoding::Hex,
            prefix: "sha256=".to_owned(),
            separator: " ".to_owned(),
            signed_content: SignedContent::Body,
            timestamp_header: None,
            timestamp_key: None,
            timestamp_unit: TimestampUnit::Seconds,
            id_header: None,
            fallback_id_header: None,
            event_header: None,
            secret_format: SecretFormat::Utf8,
            envelope,
        }
    }

    /// The headers this scheme reads, at most four, the signature header first, then
    /// the timestamp, id, fallback id and event headers it has (`None` in the slots
    /// left over). Bindings pick these out of a request's headers before handing them
    /// to the core.
    ///
    /// ```
    /// use hookshield::Provider;
    /// let scheme = Provider::Sentinel.scheme();
    /// assert_eq!(
    ///     scheme.header_names(),
    ///     [Some("X-Sentinel-Signature"), Some("X-Sentinel-Timestamp"), None, None]
    /// );
    /// let shopify = Provider::Shopify.scheme();
    /// assert_eq!(
    ///     shopify.header_names(),
    ///     [Some("X-Shopify-Hmac-Sha256"), Some("X-Shopify-Event-Id"), Some("X-Shopify-Webhook-Id"), Some("X-Shopify-Topic")]
    /// );
    /// ```
    pub fn header_names(&self) -> [Option<&str>; 4] {
        let mut names = [None; 4];
        let others = [
            &self.timestamp_header,
            &self.id_header,
            &self.fallback_id_header,
            &self.event_header,
        ];
        let read = std::iter::once(self.signature_header.as_str())
            .chain(others.into_iter().filter_map(Option::as_deref));
        for (slot, name) in names.iter_mut().zip(read) {
            *slot = Some(name);
        }
        names
    }

    /// Whether deliveries carry a timestamp (a header, or a key of the signature
    /// header), so that the replay window applies.
    ///
    /// ```
    /// use hookshield::Provider;
    /// assert!(Provider::Stripe.scheme().has_timestamp() && Provider::Slack.scheme().has_timestamp());
    /// assert!(!Provider::Shopify.scheme().has_timestamp());
    /// ```
    pub fn has_timestamp(&self) -> bool {
        self.timestamp_header.is_some() || self.timestamp_key.is_some()
    }

    /// What the signature header's entries look like.
    pub(crate) fn header_shape(&self) -> HeaderShape<'_> {
        HeaderShape {
            encoding: self.encoding,
            prefix: &self.prefix,
            timestamp_key: self.timestamp_key.as_deref(),
        }
    }

    /// Checks that the scheme can work: `invalid_config` otherwise (an empty header
    /// name, a signed timestamp or id that nothing carries, a timestamp in two places,
    /// more than four headers to read).
    ///
    /// ```
    /// use hookshield::{ErrorCode, Provider};
    /// assert!(Provider::ALL.iter().all(|p| p.scheme().check().is_ok()));
    /// let mut scheme = Provider::Stripe.scheme();
    /// scheme.timestamp_key = None;
    /// assert_eq!(scheme.check().unwrap_err().code(), ErrorCode::InvalidConfig);
    /// ```
    pub fn check(&self) -> Result<(), Error> {
        let content = self.signed_content.as_str();
        if self.signature_header.trim().is_empty() {
            return Err(Error::config("the signature header name is empty"));
        }
        if self.timestamp_header.is_some() && self.timestamp_key.is_some() {
            return Err(Error::config(
                "the timestamp comes from a header or from a key of the signature header, not both",
            ));
        }
        if self.signed_content.signs_timestamp()
            && self.timestamp_header.is_none()
            && self.timestamp_key.is_none()
        {
            return Err(Error::config(format!(
                "signed content `{content}` needs a timestamp header or key"
            )));
        }
        if self.signed_content.signs_id() && self.id_header.is_none() {
            return Err(Error::config(format!(
                "signed content `{content}` needs an id header"
            )));
        }
        if self.fallback_id_header.is_some() && self.id_header.is_none() {
            return Err(Error::config("a fallback id header needs an id header"));
        }
        if !matches!(self.separator.as_str(), " " | "," | ";") {
            return Err(Error::config(format!(
                "the separator is ` `, `,` or `;`, found {:?}",
                self.separator
            )));
        }
        let headers = [
            &self.timestamp_header,
            &self.id_header,
            &self.fallback_id_header,
            &self.event_header,
        ];
        if headers.iter().all(|header| header.is_some()) {
            return Err(Error::config(
                "a scheme reads at most four headers: the signature and three of timestamp, id, fallback id and event",
            ));
        }
        Ok(())
    }
}
