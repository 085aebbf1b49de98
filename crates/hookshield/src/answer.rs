//! The HTTP answer to a delivery: the status and the JSON body every helper in every
//! language, and `hookshield listen`, sends for an [`Outcome`].

use serde_json::{json, Map, Value};

use crate::{Error, Outcome, OutcomeKind, Provider};

/// What a receiver answers the provider: a status its retry policy understands, and a
/// JSON body of one shape for every outcome:
///
/// `{"outcome": KIND, "idempotency_key": KEY, "error": {"code": CODE, "message": MSG}}`
///
/// `idempotency_key` is there whenever the delivery verified; `error` for a rejection (the
/// error's code and message, which never hold a secret), a failed handler and an
/// unavailable store. A handler's own error text is for the receiver's log, never for the
/// sender.
///
/// ```
/// use hookshield::{Answer, Error, Outcome, Provider};
/// let stale = Outcome::Rejected(Error::TimestampTooOld { age_seconds: 400, tolerance_seconds: 300 });
/// let answer = stale.answer(Provider::Sentinel);
/// assert_eq!(answer.status, 401);
/// assert_eq!(
///     answer.body,
///     r#"{"outcome":"rejected","error":{"code":"timestamp_too_old","message":"timestamp too old: sent 400 s ago, tolerance is 300 s"}}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The HTTP status ([`OutcomeKind::status`]).
    pub status: u16,
    /// The JSON body.
    pub body: String,
}

/// The message sent for [`OutcomeKind::HandlerFailed`].
pub const HANDLER_FAILED_MESSAGE: &str = "the handler failed; the delivery will be retried";
/// The message sent for [`OutcomeKind::StoreUnavailable`].
pub const STORE_UNAVAILABLE_MESSAGE: &str =
    "the idempotency store is unavailable; the delivery will be retried";

impl Answer {
    /// The answer for an outcome known by its kind, for hosts that keep the event
    /// themselves: the event's key where it verified, the error where it was rejected.
    ///
    /// ```
    /// use hookshield::{Answer, OutcomeKind, Provider};
    /// let answer = Answer::of(OutcomeKind::InProgress, Provider::DocIntell, Some("k1"), None);
    /// assert_eq!((answer.status, answer.body.as_str()), (503, r#"{"outcome":"in_progress","idempotency_key":"k1"}"#));
    /// ```
    pub fn of(
        kind: OutcomeKind,
        provider: Provider,
        idempotency_key: Option<&str>,
        error: Option<&Error>,
    ) -> Self {
        let mut body = Map::new();
        body.insert("outcome".into(), kind.as_str().into());
        if let Some(key) = idempotency_key {
            body.insert("idempotency_key".into(), key.into());
        }
        let error = match (kind, error) {
            (OutcomeKind::Rejected(_), Some(error)) => {
                Some((error.code().as_str(), error.to_string()))
            }
            (OutcomeKind::Rejected(code), None) => Some((code.as_str(), code.as_str().into())),
            (OutcomeKind::HandlerFailed, _) => {
                Some(("handler_failed", HANDLER_FAILED_MESSAGE.to_owned()))
            }
            (OutcomeKind::StoreUnavailable, _) => {
                Some(("store_unavailable", STORE_UNAVAILABLE_MESSAGE.to_owned()))
            }
            _ => None,
        };
        if let Some((code, message)) = error {
            body.insert("error".into(), json!({ "code": code, "message": message }));
        }
        Answer {
            status: kind.status(provider),
            body: Value::Object(body).to_string(),
        }
    }
}

impl Outcome {
    /// The answer a helper sends for this outcome (see [`Answer`]).
    ///
    /// ```
    /// use hookshield::{MemoryStore, Provider, SignOptions, Verifier};
    /// let verifier = Verifier::new(Provider::Sensei, ["s"])?;
    /// let body = hookshield::sample(Provider::Sensei, "approval.required").unwrap();
    /// let headers = hookshield::sign(Provider::Sensei, "s", body.as_bytes(), &SignOptions::default())?;
    /// let outcome = verifier.process(body.as_bytes(), &headers, &MemoryStore::new(10), Default::default(), |_| Ok::<(), String>(()));
    /// let answer = outcome.answer(Provider::Sensei);
    /// assert_eq!(answer.status, 200);
    /// assert_eq!(answer.body, r#"{"outcome":"processed","idempotency_key":"evt_sensei010"}"#);
    /// # Ok::<(), hookshield::Error>(())
    /// ```
    pub fn answer(&self, provider: Provider) -> Answer {
        let error = match self {
            Outcome::Rejected(error) => Some(error),
            _ => None,
        };
        Answer::of(
            self.outcome_kind(),
            provider,
            self.event().map(crate::Event::idempotency_key),
            error,
        )
    }
}
