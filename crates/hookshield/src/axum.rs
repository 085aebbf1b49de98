//! axum extractors (feature `axum`): a handler takes a verified [`Event`], or a
//! [`Delivery`] claimed for exactly-once processing, and everything else is answered
//! with the core's [`Answer`].
//!
//! The router's state holds a [`Receiver`] (the verifier, the idempotency store and the
//! [`ProcessOptions`]), directly or as a field reached through [`FromRef`]. The
//! extractors read the body within the verifier's `max_body_bytes`: a declared
//! `Content-Length` over it is answered 413 before any of the body is read, and a body
//! without one is cut off once past the limit. A delivery that does not verify is
//! answered by the extractor's rejection, a [`Reply`]: the status the provider's retry
//! policy needs and the JSON body every hookshield helper sends.
//!
//! ```
//! use axum::{routing::post, Router};
//! use hookshield::axum::{Delivery, Receiver, Reply};
//! use hookshield::{EventData, Provider, Verifier};
//!
//! /// Runs once per event: a redelivery is answered `200 duplicate` by the extractor,
//! /// a forged or stale delivery `401` (the handler never sees either).
//! async fn sentinel(delivery: Delivery) -> Reply {
//!     if let EventData::Sentinel(event) = delivery.event().data() {
//!         println!("{event:?}");
//!     }
//!     // Ok completes the claim (200 processed); Err releases it (500, retried).
//!     delivery.finish(Ok::<(), std::io::Error>(()))
//! }
//!
//! let verifier = Verifier::new(Provider::Sentinel, ["whsec_current"])?;
//! let app: Router = Router::new()
//!     .route("/webhooks/sentinel", post(sentinel))
//!     .with_state(Receiver::new(verifier));
//!
//! // What Sentinel would send, through the router (no socket needed):
//! let body = hookshield::sample(Provider::Sentinel, "document.completed").unwrap();
//! let mut request = axum::http::Request::post("/webhooks/sentinel");
//! for (name, value) in hookshield::sign(Provider::Sentinel, "whsec_current", body.as_bytes(), &Default::default())? {
//!     request = request.header(name, value);
//! }
//! let request = request.body(axum::body::Body::from(body))?;
//! # let runtime = tokio::runtime::Builder::new_current_thread().build()?;
//! # let response = runtime.block_on(tower::ServiceExt::oneshot(app, request))?;
//! // let response = app.oneshot(request).await?;   (tower::ServiceExt)
//! assert_eq!(response.status(), 200);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Store calls are synchronous: a [`MemoryStore`] call takes a lock for a moment; a
//! `RedisStore` call blocks the task until Redis answers (within the store's timeout).

use std::fmt;
use std::sync::Arc;

use ::axum::body::{Body, Bytes};
use ::axum::extract::{FromRef, FromRequest, Request};
use ::axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use ::axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt as _, LengthLimitError, Limited};
use serde_json::json;

use crate::{
    Answer, Claimed, Error, Event, IdempotencyStore, MemoryStore, Outcome, ProcessOptions,
    Provider, Verifier,
};

/// What the extractors need, kept in the router's state (cheap to clone): the
/// verifier, the idempotency store that makes [`Delivery`] exactly-once, and the
/// lease and retention it claims with.
///
/// ```
/// use std::time::Duration;
/// use hookshield::axum::Receiver;
/// use hookshield::{MemoryStore, ProcessOptions, Provider, Verifier};
///
/// let receiver = Receiver::new(Verifier::new(Provider::Sensei, ["whsec_s"])?)
///     .with_store(MemoryStore::new(10_000))
///     .with_options(ProcessOptions::default().lease(Duration::from_secs(10)));
/// assert_eq!(receiver.verifier().provider(), Provider::Sensei);
/// # Ok::<(), hookshield::Error>(())
/// ```
#[derive(Clone)]
pub struct Receiver {
    verifier: Arc<Verifier>,
    store: Arc<dyn IdempotencyStore>,
    options: ProcessOptions,
}

impl fmt::Debug for Receiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("verifier", &self.verifier)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl Receiver {
    /// A receiver for `verifier`, remembering processed events in a [`MemoryStore`] of
    /// [`MemoryStore::DEFAULT_CAPACITY`] keys, with the default [`ProcessOptions`].
    pub fn new(verifier: Verifier) -> Self {
        Receiver {
            verifier: Arc::new(verifier),
            store: Arc::new(MemoryStore::new(MemoryStore::DEFAULT_CAPACITY)),
            options: ProcessOptions::default(),
        }
    }

    /// Claims events in `store` instead (a `RedisStore` shared by several receivers).
    #[must_use]
    pub fn with_store(mut self, store: impl IdempotencyStore + 'static) -> Self {
        self.store = Arc::new(store);
        self
    }

    /// Claims with `options` (lease and retention) instead of the defaults.
    #[must_use]
    pub fn with_options(mut self, options: ProcessOptions) -> Self {
        self.options = options;
        self
    }

    /// The verifier.
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// Reads the body within the verifier's limit: the headers and the bytes, or the
    /// reply that refuses it.
    async fn read(&self, request: Request) -> Result<(HeaderMap, Bytes), Reply> {
        let verifier = &self.verifier;
        let rejected = |error| Reply::delivery(Outcome::Rejected(error), verifier.provider());
        let (parts, body) = request.into_parts();
        let declared = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
        if declared.is_some() {
            verifier.check_body_size(declared).map_err(rejected)?;
        }
        match Limited::new(body, verifier.max_body_bytes())
            .collect()
            .await
        {
            Ok(collected) => Ok((parts.headers, collected.to_bytes())),
            // Cut off past the limit: at least one byte over it (what `check_body_size`
            // says of a body of unknown size), without a panic path in the request.
            Err(error) if error.is::<LengthLimitError>() => {
                let limit = verifier.max_body_bytes();
                Err(rejected(Error::BodyTooLarge {
                    size: limit.saturating_add(1),
                    limit,
                }))
            }
            Err(error) => Err(Reply::unreadable(&*error)),
        }
    }
}

/// A verified event: `Verified(event)` in a handler's arguments. It does not claim the
/// event in the store (use [`Delivery`] for exactly-once processing); the replay
/// horizon is the verifier's. A delivery that does not verify is answered by the
/// rejection, a [`Reply`].
#[derive(Debug, Clone)]
pub struct Verified(pub Event);

impl<S: Send + Sync> FromRequest<S> for Verified
where
    Receiver: FromRef<S>,
{
    type Rejection = Reply;

    async fn from_request(request: Request, state: &S) -> Result<Self, Reply> {
        let receiver = Receiver::from_ref(state);
        let (headers, body) = receiver.read(request).await?;
        receiver
            .verifier
            .verify(&body, &headers)
            .map(Verified)
            .map_err(|error| {
                Reply::delivery(Outcome::Rejected(error), receiver.verifier.provider())
            })
    }
}

/// A verified delivery whose idempotency key this request holds in the store: run the
/// handler on [`event`](Delivery::event), then [`finish`](Delivery::finish) with its
/// result and answer what `finish` returns. A redelivery of a processed event, one
/// another request is processing, a delivery that does not verify and an unavailable
/// store are answered by the rejection (a [`Reply`]: `200 duplicate`, `409`/`503 in
/// progress`, `401`/`400`/`413 rejected`, `503 store_unavailable`), so the handler
/// runs once per event. A delivery dropped unfinished (the handler panicked, the
/// client went away) releases its key, and the provider's retry is processed.
#[derive(Debug)]
pub struct Delivery {
    claimed: Claimed<Arc<dyn IdempotencyStore>>,
}

impl Delivery {
    /// The verified event.
    pub fn event(&self) -> &Event {
        self.claimed.event()
    }

    /// Records the handler's result (success completes the claim, an error releases
    /// it) and returns the answer: `200 processed`, or `500 handler_failed` (the
    /// handler's error text stays in [`Reply::outcome`], never in the response).
    pub fn finish<E: fmt::Display>(self, result: Result<(), E>) -> Reply {
        let provider = self.event().provider();
        Reply::delivery(
            self.claimed.finish(result.map_err(|e| e.to_string())),
            provider,
        )
    }
}

impl<S: Send + Sync> FromRequest<S> for Delivery
where
    Receiver: FromRef<S>,
{
    type Rejection = Reply;

    async fn from_request(request: Request, state: &S) -> Result<Self, Reply> {
        let receiver = Receiver::from_ref(state);
        let (headers, body) = receiver.read(request).await?;
        let verifier = &receiver.verifier;
        verifier
            .claim(
                &body,
                &headers,
                Arc::clone(&receiver.store),
                receiver.options,
            )
            .map(|claimed| Delivery { claimed })
            .map_err(|outcome| Reply::delivery(outcome, verifier.provider()))
    }
}

/// The answer to a delivery, as a response: the extractors' rejection and what
/// [`Delivery::finish`] returns. Its body is the core's [`Answer`] (`application/json`).
#[derive(Debug)]
pub struct Reply {
    outcome: Option<Outcome>,
    answer: Answer,
}

impl Reply {
    fn delivery(outcome: Outcome, provider: Provider) -> Self {
        Reply {
            answer: outcome.answer(provider),
            outcome: Some(outcome),
        }
    }

    /// The body could not be read (the connection failed mid-body): answered 400 in
    /// the core's shape, with the code `hookshield listen` uses for it.
    fn unreadable(error: &dyn std::error::Error) -> Self {
        let message = format!("the body could not be read: {error}");
        let body =
            json!({"outcome": "rejected", "error": {"code": "bad_request", "message": message}});
        Reply {
            outcome: None,
            answer: Answer {
                status: 400,
                body: body.to_string(),
            },
        }
    }

    /// What happened, for the receiver's log (`None` when the body could not be read).
    /// A rejection's message and a failed handler's error text are here, never a secret.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.outcome.as_ref()
    }

    /// The status and JSON body sent.
    pub fn answer(&self) -> &Answer {
        &self.answer
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        self.answer.into_response()
    }
}

/// The status and the JSON body, as `application/json`.
impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let content_type = HeaderValue::from_static("application/json");
        (
            status,
            [(header::CONTENT_TYPE, content_type)],
            Body::from(self.body),
        )
            .into_response()
    }
}
