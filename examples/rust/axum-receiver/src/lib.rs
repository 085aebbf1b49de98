//! A Sentinel webhook receiver on axum.
//!
//! `POST /webhooks/sentinel` takes the raw body as [`Bytes`] and the headers as
//! [`HeaderMap`], verifies them with hookshield, claims the event in a [`MemoryStore`] so
//! each event is handled once (redeliveries are acknowledged without running the
//! handler), and answers the status the outcome earns for Sentinel's retry policy.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use hookshield::{Event, MemoryStore, Outcome, ProcessOptions, Verifier};

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
    body: Bytes,
) -> (StatusCode, String) {
    let outcome = receiver.verifier.process(
        &body,
        &headers,
        &receiver.store,
        ProcessOptions::default(),
        handle,
    );
    let status = outcome.status(receiver.verifier.provider());
    let detail = match &outcome {
        Outcome::Rejected(error) => {
            // Error messages never contain the secret or the expected signature.
            eprintln!("rejected: {error}");
            format!(r#"{{"outcome":"rejected","code":"{}"}}"#, error.code())
        }
        other => format!(r#"{{"outcome":"{}"}}"#, other.kind()),
    };
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        detail,
    )
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
