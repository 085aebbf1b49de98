//! The axum extractors (feature `axum`), through a real router with
//! `tower::ServiceExt::oneshot`: what each delivery is answered (status, Content-Type,
//! the core's JSON body) and how often the handler runs. The same extractor over real
//! HTTP is tested by `examples/rust/axum-receiver`.
#![allow(missing_docs)]

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{FromRef, State};
use axum::http::{header, Request};
use axum::routing::post;
use axum::Router;
use hookshield::axum::{Delivery, Receiver, Reply, Verified};
use hookshield::{
    Claim, IdempotencyStore, Lease, Outcome, Provider, SignOptions, StoreError, Verifier,
};
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;

const SECRET: &str = "whsec_axum_extractor_test";

/// The application's state: the receiver is one field of it, reached with `FromRef`.
#[derive(Clone)]
struct App {
    receiver: Receiver,
    runs: Arc<AtomicUsize>,
    fail: bool,
}

impl FromRef<App> for Receiver {
    fn from_ref(app: &App) -> Receiver {
        app.receiver.clone()
    }
}

async fn exactly_once(State(app): State<App>, delivery: Delivery) -> Reply {
    app.runs.fetch_add(1, Ordering::SeqCst);
    // A handler awaits while it holds the delivery (its future must stay `Send`).
    tokio::task::yield_now().await;
    let result = if app.fail {
        Err("database down")
    } else {
        Ok(())
    };
    delivery.finish(result)
}

async fn verified(Verified(event): Verified) -> String {
    format!("{} {}", event.event_type(), event.idempotency_key())
}

fn router(receiver: Receiver, fail: bool) -> (Router, Arc<AtomicUsize>) {
    let runs = Arc::new(AtomicUsize::new(0));
    let app = App {
        receiver,
        runs: Arc::clone(&runs),
        fail,
    };
    let router = Router::new()
        .route("/once", post(exactly_once))
        .route("/verified", post(verified))
        .with_state(app);
    (router, runs)
}

fn receiver() -> Receiver {
    Receiver::new(Verifier::new(Provider::Sentinel, [SECRET]).unwrap())
}

/// A Sentinel delivery to `path`, signed with `secret`.
fn delivery(path: &str, secret: &str) -> Request<Body> {
    let body = hookshield::sample(Provider::Sentinel, "document.completed").unwrap();
    let mut request = Request::post(path).header(header::CONTENT_LENGTH, body.len());
    for (name, value) in hookshield::sign(
        Provider::Sentinel,
        secret,
        body.as_bytes(),
        &SignOptions::default(),
    )
    .unwrap()
    {
        request = request.header(name, value);
    }
    request.body(Body::from(body)).unwrap()
}

fn key() -> String {
    let body = hookshield::sample(Provider::Sentinel, "document.completed").unwrap();
    let headers = hookshield::sign(
        Provider::Sentinel,
        SECRET,
        body.as_bytes(),
        &SignOptions::default(),
    )
    .unwrap();
    let verifier = Verifier::new(Provider::Sentinel, [SECRET]).unwrap();
    verifier
        .verify(body.as_bytes(), &headers)
        .unwrap()
        .idempotency_key()
        .to_owned()
}

/// The status and body of `router`'s answer, checking it is `application/json`.
async fn send(router: &Router, request: Request<Body>) -> (u16, String) {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    assert_eq!(
        response.headers().get(header::CONTENT_TYPE).unwrap(),
        "application/json"
    );
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn each_event_is_processed_once_and_forgeries_never_reach_the_handler() {
    let (router, runs) = router(receiver(), false);
    let key = key();
    let processed = format!(r#"{{"outcome":"processed","idempotency_key":"{key}"}}"#);
    let duplicate = format!(r#"{{"outcome":"duplicate","idempotency_key":"{key}"}}"#);

    assert_eq!(
        send(&router, delivery("/once", SECRET)).await,
        (200, processed)
    );
    // Sentinel's retry, with a fresh timestamp header: acknowledged, not run again.
    assert_eq!(
        send(&router, delivery("/once", SECRET)).await,
        (200, duplicate)
    );
    assert_eq!(
        send(&router, delivery("/once", "whsec_not_the_secret")).await,
        (
            401,
            r#"{"outcome":"rejected","error":{"code":"signature_mismatch","message":"signature mismatch: none of the 1 signature(s) in `X-Sentinel-Signature` matches any of the 1 configured secret(s)"}}"#.to_owned()
        )
    );
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_failed_handler_answers_500_and_releases_the_claim_for_the_retry() {
    let receiver = receiver();
    let (failing, _) = router(receiver.clone(), true);
    let (working, runs) = router(receiver, false);
    let key = key();
    let (status, body) = send(&failing, delivery("/once", SECRET)).await;
    assert_eq!(
        (status, body),
        (
            500,
            format!(
                r#"{{"outcome":"handler_failed","idempotency_key":"{key}","error":{{"code":"handler_failed","message":"the handler failed; the delivery will be retried"}}}}"#
            )
        )
    );
    // The same store: the retry is processed.
    let (status, body) = send(&working, delivery("/once", SECRET)).await;
    assert_eq!(
        (status, body.contains(r#""outcome":"processed""#)),
        (200, true)
    );
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn the_handler_error_is_in_the_outcome_not_the_response() {
    let verifier = Verifier::new(Provider::Sentinel, [SECRET]).unwrap();
    let app = Router::new()
        .route(
            "/",
            post(|delivery: Delivery| async move {
                let reply = delivery.finish(Err("db password rejected"));
                match reply.outcome() {
                    Some(Outcome::HandlerFailed { message, .. }) => {
                        assert_eq!(message, "db password rejected");
                    }
                    other => panic!("{other:?}"),
                }
                assert!(!reply.answer().body.contains("password"));
                reply
            }),
        )
        .with_state(Receiver::new(verifier));
    assert_eq!(send(&app, delivery("/", SECRET)).await.0, 500);
}

#[tokio::test]
async fn verified_hands_over_the_event_without_claiming_it() {
    let (router, _) = router(receiver(), false);
    for _ in 0..2 {
        let response = router
            .clone()
            .oneshot(delivery("/verified", SECRET))
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let body = response.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(body, format!("document.completed {}", key()));
    }
    let stale = {
        let body = hookshield::sample(Provider::Sentinel, "document.completed").unwrap();
        let now = time_now();
        let mut request = Request::post("/verified");
        for (name, value) in hookshield::sign(
            Provider::Sentinel,
            SECRET,
            body.as_bytes(),
            &SignOptions::at(now - 600),
        )
        .unwrap()
        {
            request = request.header(name, value);
        }
        request.body(Body::from(body)).unwrap()
    };
    assert_eq!(
        send(&router, stale).await,
        (
            401,
            r#"{"outcome":"rejected","error":{"code":"timestamp_too_old","message":"timestamp too old: sent 600 s ago, tolerance is 300 s"}}"#.to_owned()
        )
    );
}

fn time_now() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    i64::try_from(now.as_secs()).unwrap()
}

/// A body that arrives in chunks, with no declared length.
fn chunks(chunks: Vec<Result<Bytes, std::io::Error>>) -> Body {
    Body::from_stream(futures_util::stream::iter(chunks))
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused_413_before_or_while_read() {
    let verifier = Verifier::builder(Provider::Sentinel)
        .secret(SECRET)
        .max_body_bytes(1024)
        .build()
        .unwrap();
    let (router, runs) = router(Receiver::new(verifier), false);
    // A declared length over the limit: the body is never polled.
    let never_read = Body::from_stream(futures_util::stream::once(async {
        panic!("the body was read");
        #[allow(unreachable_code)]
        Ok::<Bytes, Infallible>(Bytes::new())
    }));
    let declared = Request::post("/once")
        .header(header::CONTENT_LENGTH, 50 << 20)
        .body(never_read)
        .unwrap();
    assert_eq!(
        send(&router, declared).await,
        (
            413,
            r#"{"outcome":"rejected","error":{"code":"body_too_large","message":"body too large: 52428800 bytes, limit is 1024 bytes"}}"#.to_owned()
        )
    );
    // No declared length: cut off once past the limit.
    let streamed = Request::post("/verified")
        .body(chunks(
            (0..3).map(|_| Ok(Bytes::from(vec![b' '; 1000]))).collect(),
        ))
        .unwrap();
    assert_eq!(
        send(&router, streamed).await,
        (
            413,
            r#"{"outcome":"rejected","error":{"code":"body_too_large","message":"body too large: 1025 bytes, limit is 1024 bytes"}}"#.to_owned()
        )
    );
    assert_eq!(runs.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_body_that_fails_mid_read_is_answered_400() {
    let (router, _) = router(receiver(), false);
    let broken = Request::post("/once")
        .body(chunks(vec![
            Ok(Bytes::from_static(b"{")),
            Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "reset",
            )),
        ]))
        .unwrap();
    let (status, body) = send(&router, broken).await;
    assert_eq!(status, 400);
    assert!(
        body.starts_with(r#"{"outcome":"rejected","error":{"code":"bad_request","message":"the body could not be read: "#),
        "{body}"
    );
}

/// A store whose every call fails, as a Redis store does when Redis is down.
struct Unavailable;

impl IdempotencyStore for Unavailable {
    fn begin(&self, _: &str, _: Duration) -> Result<Claim, StoreError> {
        Err(StoreError::Unavailable {
            reason: "connection refused".into(),
        })
    }

    fn complete(&self, _: &Lease, _: Duration) -> Result<(), StoreError> {
        unreachable!("nothing is claimed")
    }

    fn release(&self, _: &Lease) -> Result<(), StoreError> {
        unreachable!("nothing is claimed")
    }
}

#[tokio::test]
async fn an_unavailable_store_is_answered_503_and_the_handler_does_not_run() {
    let (router, runs) = router(receiver().with_store(Unavailable), false);
    let (status, body) = send(&router, delivery("/once", SECRET)).await;
    assert_eq!(status, 503);
    assert!(body.contains(r#""code":"store_unavailable""#), "{body}");
    assert_eq!(runs.load(Ordering::SeqCst), 0);
}
