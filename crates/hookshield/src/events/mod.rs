//! Verified events: the common envelope every provider's delivery becomes, and the typed
//! data of every documented event type, one module per provider.

use std::ops::Range;
use std::sync::OnceLock;

use serde_json::Value;
use time::OffsetDateTime;

use crate::Provider;

pub mod docintell;
pub(crate) mod envelope;
mod form;
mod github;
pub(crate) mod json;
pub mod kyc;
#[cfg(feature = "schema")]
pub mod schema;
pub mod sensei;
pub mod sentinel;
pub mod sentrasa;

/// A verified delivery.
///
/// Built only by [`crate::Verifier::verify`], after the signature and the replay window
/// held. `data` is typed for every documented event type; any other type arrives as
/// [`EventData::Other`] with its raw JSON, so a provider adding events never breaks a
/// receiver.
///
/// ```
/// use hookshield::{events::sentinel::SentinelEvent, EventData, Provider, Verifier};
///
/// let body = hookshield::sample(Provider::Sentinel, "document.completed").unwrap();
/// let headers = hookshield::sign(Provider::Sentinel, "whsec_test", body.as_bytes(), &Default::default()).unwrap();
/// let event = Verifier::new(Provider::Sentinel, ["whsec_test"])?.verify(body.as_bytes(), &headers)?;
///
/// assert_eq!(event.event_type(), "document.completed");
/// assert_eq!(event.family(), "document");
/// assert!(event.matches("document.*"));
/// match event.data() {
///     EventData::Sentinel(SentinelEvent::DocumentCompleted(done)) => assert_eq!(done.document_id, "doc_abc123"),
///     other => panic!("unexpected {other:?}"),
/// }
/// # Ok::<(), hookshield::Error>(())
/// ```
#[derive(Clone)]
pub struct Event {
    pub(crate) provider: Provider,
    pub(crate) event_type: String,
    pub(crate) family: std::borrow::Cow<'static, str>,
    pub(crate) id: Option<String>,
    pub(crate) timestamp: Option<OffsetDateTime>,
    /// The typed data, or why it is untyped: worked out on first use (see
    /// [`Event::data`]), so a receiver that reads `data` as JSON never pays for it.
    pub(crate) typed: OnceLock<Box<Typed>>,
    /// The idempotency key, derived on first use (it needs the typed data).
    pub(crate) idempotency_key: OnceLock<String>,
    /// The event time as the envelope wrote it, for the idempotency key.
    pub(crate) event_time_text: Option<String>,
    /// The verified body, from which `raw` is parsed on first use.
    pub(crate) body: String,
    /// The JSON text of the document where it is not the body itself (the decoded
    /// `payload` field of a form-encoded GitHub or Slack delivery, a Slack slash
    /// command's fields).
    pub(crate) decoded: Option<String>,
    /// Where the envelope's `data` lies in the JSON text.
    pub(crate) data_span: Option<Range<usize>>,
    /// Whether the data is the whole document (a sender without a data member).
    pub(crate) data_is_body: bool,
    pub(crate) raw: OnceLock<Box<Value>>,
    pub(crate) raw_data: OnceLock<Box<Value>>,
}

/// An event's typed data, and why it is untyped, where it is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Typed {
    pub(crate) data: EventData,
    pub(crate) untyped: Option<(UntypedReason, String)>,
}

impl Event {
    /// The provider that sent it.
    pub fn provider(&self) -> Provider {
        self.provider
    }

    /// The event type, e.g. `migration.phase.completed`.
    pub fn event_type(&self) -> &str {
        &self.event_type
    }

    /// The documented group of the type, e.g. `migration.phase`, `document`, `session`.
    pub fn family(&self) -> &str {
        &self.family
    }

    /// The provider's event id, where it sends one.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// When the event happened, from the envelope (or the timestamp header). A time that
    /// cannot be read, or lies outside the years 0001 to 9999 (what every binding's date
    /// type holds), is none.
    pub fn timestamp(&self) -> Option<OffsetDateTime> {
        self.timestamp
    }

    /// [`Event::timestamp`] in Unix milliseconds.
    pub fn timestamp_millis(&self) -> Option<i64> {
        self.timestamp
            .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
    }

    /// The typed data, typed on first use (from the verified text of `data`; an
    /// undocumented or mismatched type gives [`EventData::Other`] and
    /// [`Event::untyped_reason`] says why).
    pub fn data(&self) -> &EventData {
        &self.typed().data
    }

    /// The typed data and why it is untyped, worked out once.
    fn typed(&self) -> &Typed {
        self.typed
            .get_or_init(|| Box::new(envelope::type_event(self)))
    }

    /// Why [`Event::data`] is [`EventData::Other`] (`None` when it is typed): an
    /// undocumented type, data that does not match the documented shape, no type member,
    /// or a body that is not a JSON object. An authentic delivery is never refused for
    /// its payload; it arrives untyped instead.
    ///
    /// ```
    /// use hookshield::{Provider, SignOptions, UntypedReason, Verifier};
    /// let body = br#"{"event":"document.completed","timestamp":"2026-05-15T10:05:00Z","data":{"document_id":"d","pages":"4"}}"#;
    /// let signed = hookshield::sign(Provider::Sentinel, "s", body, &SignOptions::at(1_778_839_500))?;
    /// let verifier = Verifier::builder(Provider::Sentinel).secret("s").clock(|| 1_778_839_500).build()?;
    /// let event = verifier.verify(body, &signed)?;
    /// assert_eq!(event.untyped_reason(), Some(UntypedReason::DataMismatch));
    /// assert!(event.untyped_detail().unwrap().contains("pages"));
    /// assert_eq!(event.raw_data()["pages"], "4");
    /// # Ok::<(), hookshield::Error>(())
    /// ```
    pub fn untyped_reason(&self) -> Option<UntypedReason> {
        self.typed().untyped.as_ref().map(|(reason, _)| *reason)
    }

    /// What [`Event::untyped_reason`] found, in words (`None` when typed).
    pub fn untyped_detail(&self) -> Option<&str> {
        self.typed()
            .untyped
            .as_ref()
            .map(|(_, detail)| detail.as_str())
    }

    /// The whole document as JSON, parsed on first use (see [`Event::json_text`]).
    ///
    /// This is `serde_json`'s reading of the text, with one difference: a string holding
    /// an unpaired surrogate escape (`"\ud83d"`, which Rust strings cannot hold) gets
    /// U+FFFD in its place. Data nested deeper than `serde_json`'s 128 levels reads as
    /// `null` here; [`Event::json_text`] always has it.
    pub fn raw(&self) -> &Value {
        self.raw
            .get_or_init(|| Box::new(json::parse_verified(self.json_text())))
    }

    /// The verified body as received.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The JSON text of the delivery: the body, or for a form-encoded delivery the
    /// decoded `payload` (`payload=<url-encoded JSON>`, GitHub and Slack), or a Slack
    /// slash command's fields as an object of strings.
    pub fn json_text(&self) -> &str {
        self.decoded.as_deref().unwrap_or(&self.body)
    }

    /// The JSON text of [`Event::raw_data`], as received: the envelope's `data` (the
    /// whole body for senders without an envelope), or `None` where there is none.
    ///
    /// ```
    /// use hookshield::{Provider, SignOptions, Verifier};
    /// let body = br#"{"id":"e1","type":"error.occurred","data":{"error_id":"x"}}"#;
    /// let signed = hookshield::sign(Provider::Sensei, "s", body, &SignOptions::default())?;
    /// let event = Verifier::new(Provider::Sensei, ["s"])?.verify(body, &signed)?;
    /// assert_eq!(event.data_text(), Some(r#"{"error_id":"x"}"#));
    /// # Ok::<(), hookshield::Error>(())
    /// ```
    pub fn data_text(&self) -> Option<&str> {
        if self.data_is_body() {
            return Some(self.json_text());
        }
        self.data_span.clone().map(|span| &self.json_text()[span])
    }

    /// Where [`Event::data_text`] lies in [`Event::body`], counted in UTF-16 code units:
    /// the indices of a JavaScript string, so a JavaScript binding can hand its engine's
    /// JSON parser just that part of the body text it already holds. `None` where there
    /// is no data, or where it is not part of the body (a form-encoded GitHub delivery:
    /// use [`Event::data_text`]).
    ///
    /// ```
    /// use hookshield::{Provider, SignOptions, Verifier};
    /// let body = r#"{"id":"é1","type":"error.occurred","data":{"error_id":"x"}}"#;
    /// let signed = hookshield::sign(Provider::Sensei, "s", body.as_bytes(), &SignOptions::default())?;
    /// let event = Verifier::new(Provider::Sensei, ["s"])?.verify(body.as_bytes(), &signed)?;
    /// let range = event.data_text_utf16_range().unwrap();
    /// let utf16: Vec<u16> = body.encode_utf16().collect();
    /// assert_eq!(String::from_utf16_lossy(&utf16[range]), r#"{"error_id":"x"}"#);
    /// # Ok::<(), hookshield::Error>(())
    /// ```
    pub fn data_text_utf16_range(&self) -> Option<Range<usize>> {
        if self.decoded.is_some() {
            return None;
        }
        let span = if self.data_is_body() {
            0..self.body.len()
        } else {
            self.data_span.clone()?
        };
        let utf16_len = |text: &str| {
            if text.is_ascii() {
                text.len()
            } else {
                text.chars().map(char::len_utf16).sum()
            }
        };
        let start = utf16_len(&self.body[..span.start]);
        Some(start..start + utf16_len(&self.body[span]))
    }

    /// Whether the sender has no data member, so [`Event::raw_data`] is the whole
    /// document (GitHub, Slack, Shopify: the scheme's [`crate::Envelope::data_field`]).
    ///
    /// ```
    /// use hookshield::{Provider, SignOptions, Verifier};
    /// let signed = hookshield::sign(Provider::GitHub, "s", b"{}", &SignOptions::default().event("ping"))?;
    /// let event = Verifier::new(Provider::GitHub, ["s"])?.verify(b"{}", &signed)?;
    /// assert!(event.data_is_body());
    /// # Ok::<(), hookshield::Error>(())
    /// ```
    pub fn data_is_body(&self) -> bool {
        self.data_is_body
    }

    /// The envelope's `data` member as JSON (the whole body for senders without an
    /// envelope, such as GitHub; `null` where the envelope has none), parsed on first use.
    pub fn raw_data(&self) -> &Value {
        if self.data_is_body() {
            return self.raw();
        }
        // Untyped data already read is the same JSON.
        if let Some(Typed {
            data: EventData::Other(data),
            ..
        }) = self.typed.get().map(|typed| &**typed)
        {
            return data;
        }
        self.raw_data
            .get_or_init(|| Box::new(self.data_text().map_or(Value::Null, json::parse_verified)))
    }

    /// The key that identifies this event across redeliveries; see [`crate::idempotency`].
    /// Derived on first use.
    pub fn idempotency_key(&self) -> &str {
        self.idempotency_key
            .get_or_init(|| envelope::idempotency_key(self))
    }

    /// Whether the type matches a subscription pattern: `*` (everything), `family.*`
    /// (every type that begins with `family.`), `family/*` (every type that begins with
    /// `family/`, as Shopify's topics do) or an exact type.
    ///
    /// ```
    /// assert!(hookshield::events::type_matches("migration.*", "migration.phase.completed"));
    /// assert!(!hookshield::events::type_matches("migration.*", "migrationx.started"));
    /// assert!(hookshield::events::type_matches("orders/*", "orders/create"));
    /// assert!(!hookshield::events::type_matches("orders.*", "orders/create"));
    /// ```
    pub fn matches(&self, pattern: &str) -> bool {
        type_matches(pattern, &self.event_type)
    }

    /// Takes the event apart into its typed data and raw JSON.
    pub fn into_parts(mut self) -> (EventData, Value) {
        self.raw();
        self.typed();
        let data = self.typed.take().map(|typed| typed.data);
        (
            data.unwrap_or(EventData::Other(Value::Null)),
            self.raw.take().map_or(Value::Null, |raw| *raw),
        )
    }
}

/// Every field, the lazily worked out ones included (the JSON caches behind
/// [`Event::raw`] aside).
impl std::fmt::Debug for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Event")
            .field("provider", &self.provider)
            .field("event_type", &self.event_type)
            .field("family", &self.family)
            .field("id", &self.id)
            .field("timestamp", &self.timestamp)
            .field("data", self.data())
            .field("idempotency_key", &self.idempotency_key())
            .field("untyped", &self.typed().untyped)
            .field("body", &self.body)
            .finish_non_exhaustive()
    }
}

/// Events are equal when they came from the same provider with the same body and
/// headers' facts; the JSON caches behind [`Event::raw`] do not count.
impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        self.provider == other.provider
            && self.event_type == other.event_type
            && self.id == other.id
            && self.timestamp == other.timestamp
            && self.body == other.body
            && self.typed() == other.typed()
            && self.idempotency_key() == other.idempotency_key()
    }
}

/// The matching rule behind [`Event::matches`] and [`crate::Router`], as in Sensei's
/// subscriptions: `*`, `family.*`, or an exact type; and `family/*` for types whose
/// segments are separated by `/` (Shopify's topics, `orders/create`). A family pattern
/// matches only types with its own separator after the family.
pub fn type_matches(pattern: &str, event_type: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    for separator in ['.', '/'] {
        if let Some(family) = pattern
            .strip_suffix('*')
            .and_then(|p| p.strip_suffix(separator))
        {
            return event_type
                .strip_prefix(family)
                .and_then(|rest| rest.strip_prefix(separator))
                .is_some_and(|rest| !rest.is_empty());
        }
    }
    pattern == event_type
}

/// Why an authentic event's data arrived untyped ([`Event::untyped_reason`]).
///
/// ```
/// use hookshield::UntypedReason;
/// assert_eq!(UntypedReason::MissingType.as_str(), "missing_type");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UntypedReason {
    /// The type is not one hookshield has a data type for (a new or undocumented event,
    /// or a sender without documented types: GitHub, Standard Webhooks, Stripe, Svix,
    /// Slack, Shopify, Paddle, custom).
    UndocumentedType,
    /// A documented type whose data does not match the documented shape (a field of
    /// another JSON type, a required identifier missing, `data` not an object).
    DataMismatch,
    /// The body is an object that names no type (or not as a non-empty string).
    MissingType,
    /// The body is JSON but not an object.
    NotAnObject,
}

impl UntypedReason {
    /// The stable name, the same in every language: `undocumented_type`,
    /// `data_mismatch`, `missing_type`, `not_an_object`.
    pub const fn as_str(self) -> &'static str {
        match self {
            UntypedReason::UndocumentedType => "undocumented_type",
            UntypedReason::DataMismatch => "data_mismatch",
            UntypedReason::MissingType => "missing_type",
            UntypedReason::NotAnObject => "not_an_object",
        }
    }
}

impl std::fmt::Display for UntypedReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An event's data, typed by provider and event type.
///
/// ```
/// use hookshield::EventData;
/// let other = EventData::Other(serde_json::json!({"zen": "Keep it simple."}));
/// assert!(!other.is_documented());
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum EventData {
    /// One of Sentinel's documented events.
    Sentinel(sentinel::SentinelEvent),
    /// One of DocIntell's documented events.
    DocIntell(docintell::DocIntellEvent),
    /// One of Sentrasa's documented events.
    Sentrasa(sentrasa::SentrasaEvent),
    /// A KYC-Webhooks session or watchlist event.
    Kyc(kyc::KycEvent),
    /// One of Sensei's 22 documented events.
    Sensei(sensei::SenseiEvent),
    /// A type hookshield has no struct for (undocumented; GitHub, Standard Webhooks,
    /// Stripe, Svix, Slack, Shopify, Paddle, custom): its data as JSON.
    Other(Value),
}

impl EventData {
    /// Whether the data was parsed into a documented type.
    pub fn is_documented(&self) -> bool {
        !matches!(self, EventData::Other(_))
    }
}

/// Declares a provider's enum of documented events: one variant per type, each holding
/// its data struct, with the type strings, the family of each type, and the parser.
macro_rules! documented_events {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $type_str:literal in $family:literal => $variant:ident($data:ty), )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant($data), )+
        }

        impl $name {
            /// Every documented type, as the provider spells it.
            pub const TYPES: &'static [&'static str] = &[$($type_str),+];

            /// The type string of this event.
            pub fn event_type(&self) -> &'static str {
                match self {
                    $( $name::$variant(_) => $type_str, )+
                }
            }

            /// The documented family of a documented type.
            pub fn family_of(event_type: &str) -> Option<&'static str> {
                match event_type {
                    $( $type_str => Some($family), )+
                    _ => None,
                }
            }

            /// Parses the JSON value at the start of `text` as the data of the
            /// documented type `event_type`, returning it and its length in bytes, or
            /// why it does not match; `None` for an undocumented type.
            pub(crate) fn parse(event_type: &str, text: &str) -> Option<Result<(Self, usize), String>> {
                match event_type {
                    $( $type_str => Some(super::json::parse_prefix::<$data>(text).map(|(data, length)| ($name::$variant(data), length)).map_err(|_| {
                        format!("`data` of `{}` does not match its documented shape: {}", $type_str, super::json::shape_mismatch::<$data>(text))
                    })), )+
                    _ => None,
                }
            }
        }

        #[cfg(feature = "schema")]
        impl $name {
            /// This enum's name and, for each documented type, the JSON Schema facts
            /// [`super::schema`] writes: its variant, type, family and data.
            pub(crate) fn schema_types(
                generator: &mut schemars::SchemaGenerator,
            ) -> (&'static str, Vec<super::schema::DocumentedType>) {
                (stringify!($name), vec![$(super::schema::DocumentedType {
                    variant: stringify!($variant),
                    event_type: super::schema::EventType::Exact($type_str),
                    family: $family,
                    data: generator.subschema_for::<$data>(),
                }, )+])
            }
        }
    };
}
pub(crate) use documented_events;
