//! A Sentinel webhook receiver on axum.
//!
//! `POST /webhooks/sentinel` takes the raw body as [`Bytes`] and the headers as
//! [`HeaderMap`], verifies them with hookshield, claims the event in a [`MemoryStore`] so
//! each event is handled once (redeliveries are acknowledged without running the
//! handler), and answers the status the outcome earns for Sentinel's retry policy.
//! The body is read within the verifier's `max_body_bytes`: a larger declared
//! `Content-Length` is refused before reading, and a chunked body is cut off one byte
//! past the limit.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use axum::Router;
use hookshield::{Error, Event, MemoryStore, Outcome, ProcessOptions, Verifier};

/// What every request shares: the verifier (keyed once) and the dedup store.
#[derive(Debug)]
pub struct Receiver {
    verifier: Verifier,
    store: MemoryStore,
}

impl Receiver {
    /// A receiver for `verifier`'s provider, remembering up to 100 000 events.
    pub fn new(verifier: Verifier) -> Self {
        Receiver {
            verifier,
            store: MemoryStore::new(100_000),
        }
    }
}

/// The routes: `POST /webhooks/sentinel`.
pub fn app(receiver: Receiver) -> Router {
    Router::new()
        .route("/webhooks/sentinel", post(sentinel))
        .with_state(Arc::new(receiver))
}

async fn sentinel(
    State(receiver): State<Arc<Receiver>>,
    headers: HeaderMap,
    body: Body,
) -> impl IntoResponse {
    let outcome = match read_body(&receiver.verifier, &headers, body).await {
        Ok(body) => receiver.verifier.process(
            &body,
            &headers,
            &receiver.store,
            ProcessOptions::default(),
            handle,
        ),
        Err(too_large) => Outcome::Rejected(too_large),
    };
    let provider = receiver.verifier.provider();
    match &outcome {
        // Error messages never contain the secret or the expected signature.
        Outcome::Rejected(error) => eprintln!("rejected ({provider}): {error}"),
        Outcome::HandlerFailed { message, .. } => eprintln!("handler failed: {message}"),
        _ => {}
    }
    // The status and JSON body every hookshield helper sends.
    let answer = outcome.answer(provider);
    (
        StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        [(header::CONTENT_TYPE, "application/json")],
        answer.body,
    )
}

/// The body, read only while it stays within the verifier's limit.
async fn read_body(
    verifier: &Verifier,
    headers: &HeaderMap,
    body: Body,
) -> Result<axum::body::Bytes, Error> {
    let limit = verifier.max_body_bytes();
    let too_large = |size| Error::BodyTooLarge { size, limit };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<usize>().ok());
    if let Some(size) = declared.filter(|size| *size > limit) {
        return Err(too_large(size));
    }
    axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| too_large(limit + 1))
}

/// The application's handler: runs once per event. Returning an error releases the
/// claim and answers 500, so Sentinel's retry is processed.
#[allow(clippy::unnecessary_wraps)] // a real handler (a database write) can fail
fn handle(event: &Event) -> Result<(), String> {
    println!(
        "processing {} ({}) key={}",
        event.event_type(),
        event.family(),
        event.idempotency_key()
    );
    Ok(())
}
