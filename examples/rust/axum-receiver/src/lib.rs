//! A Sentinel webhook receiver on axum, with hookshield's extractor (feature `axum`).
//!
//! `POST /webhooks/sentinel` takes a [`Delivery`]: the body read within the verifier's
//! `max_body_bytes` (a larger declared `Content-Length` is refused before reading, a
//! chunked body is cut off one byte past the limit), verified, and its event claimed in
//! the [`Receiver`]'s store, so each event is handled once. Everything the handler does
//! not see (a forgery, a stale or oversized delivery, a redelivery of a processed event)
//! is answered by the extractor with the core's status and JSON body.

use axum::routing::post;
use axum::Router;
use hookshield::axum::{Delivery, Receiver, Reply};
use hookshield::{Event, Outcome};

/// The routes: `POST /webhooks/sentinel`, with `receiver` (the verifier and a
/// `MemoryStore`) as the state.
pub fn app(receiver: Receiver) -> Router {
    Router::new()
        .route("/webhooks/sentinel", post(sentinel))
        .with_state(receiver)
}

/// Runs `handle` once per event; logs what was refused or failed.
async fn sentinel(delivery: Result<Delivery, Reply>) -> Reply {
    let reply = match delivery {
        Ok(delivery) => {
            let result = handle(delivery.event());
            delivery.finish(result)
        }
        Err(reply) => reply,
    };
    match reply.outcome() {
        // Error messages never contain the secret or the expected signature.
        Some(Outcome::Rejected(error)) => eprintln!("rejected: {error}"),
        Some(Outcome::HandlerFailed { message, .. }) => eprintln!("handler failed: {message}"),
        None => eprintln!("refused: {}", reply.answer().body),
        _ => {}
    }
    reply
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
