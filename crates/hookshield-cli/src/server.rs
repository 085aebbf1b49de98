//! The HTTP side of `listen` and `demo`: hyper's HTTP/1 server on tokio, one task per
//! connection, with every read bounded in size and time.
//!
//! - The request head (request line and headers) must arrive within `header_timeout` and
//!   fit in `max_header_bytes` (hyper answers 431 otherwise, and closes).
//! - A declared `Content-Length` over the verifier's `max_body_bytes` is answered 413
//!   before any of the body is read; a body without one is read up to the first chunk
//!   that takes it past the limit, then answered 413.
//! - The body must arrive within `body_timeout` (408 otherwise).
//! - Header values are bytes: whatever the sender put there reaches the core, which
//!   answers. Nothing a sender can put in a head drops the connection unanswered.
//!
//! Every answer the receiver writes has the core's body shape ([`Answer`]): a delivery's
//! is the core's own, and a request refused before the core gets one with the same
//! members (`{"outcome":"rejected","error":{"code","message"}}`). Only the answers hyper
//! writes itself, to a head too large (431) or malformed (400), have no body.
//!
//! Verification, the idempotency store or inbox and the handler run on tokio's blocking
//! pool (Redis and SQLite do I/O), so a slow one never stalls other connections.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use hookshield::inbox::Inbox;
use hookshield::{Answer, Error, Event, IdempotencyStore, Outcome, ProcessOptions, Verifier};
use http_body_util::{BodyExt as _, Full};
use hyper::body::{Body as _, Bytes, Incoming};
use hyper::header::{HeaderValue, CONNECTION, CONTENT_TYPE};
use hyper::{Method, Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::{json, Value};

use crate::{Failure, Result};

/// How long and how large a request may be, besides the verifier's `max_body_bytes`.
#[derive(Clone, Copy)]
pub(crate) struct Limits {
    /// Time for the request line and headers to arrive (also how long an idle
    /// keep-alive connection stays open).
    pub(crate) header_timeout: Duration,
    /// Time for the whole body to arrive once the head has.
    pub(crate) body_timeout: Duration,
    /// The largest request head (request line and headers), in bytes.
    pub(crate) max_header_bytes: usize,
}

impl Default for Limits {
    /// What `hookshield listen` uses unless told otherwise.
    fn default() -> Self {
        Limits {
            header_timeout: Duration::from_secs(DEFAULT_TIMEOUT_SECS),
            body_timeout: Duration::from_secs(DEFAULT_TIMEOUT_SECS),
            max_header_bytes: DEFAULT_MAX_HEADER_BYTES,
        }
    }
}

/// The default header and body timeouts, in seconds.
pub(crate) const DEFAULT_TIMEOUT_SECS: u64 = 10;

/// The default limit on a request line and headers: 16 KiB, as Node's `http`.
pub(crate) const DEFAULT_MAX_HEADER_BYTES: usize = 16 * 1024;

/// What runs for each processed event: `Err` is a handler failure (answered 500).
pub(crate) type Handler = dyn Fn(&Event) -> Result<(), String> + Send + Sync;

/// What is told of each request, before it is answered.
pub(crate) type Reporter = dyn Fn(&Handled) + Send + Sync;

/// What a receiver does with a delivery once its body is read.
pub(crate) enum Mode {
    /// Verify, claim, run the handler and record, within the request
    /// (`Verifier::process`).
    Process {
        /// Where processed keys are remembered.
        store: Box<dyn IdempotencyStore>,
        /// The claim's lease and the retention.
        options: ProcessOptions,
        handler: Box<Handler>,
    },
    /// Verify and append durably, answering `queued`; a worker runs the handler later
    /// (`Inbox::accept`).
    Inbox(Inbox),
}

/// A receiver: a verifier, what it does with a delivery, its limits and a reporter.
pub(crate) struct Receiver {
    pub(crate) verifier: Verifier,
    pub(crate) mode: Mode,
    pub(crate) limits: Limits,
    pub(crate) report: Box<Reporter>,
}

/// What happened to one request (or to a connection whose request never came whole).
pub(crate) struct Handled {
    /// The method and the request target; `None` when the head never arrived whole.
    pub(crate) request: Option<(String, String)>,
    /// The status answered; `None` when nothing could be (a head that timed out).
    pub(crate) status: Option<u16>,
    pub(crate) result: Answered,
}

/// How a request ended.
pub(crate) enum Answered {
    /// The core decided (including 413 for a body over the limit, and a handler that
    /// panicked).
    Delivery(Outcome),
    /// Refused before the core saw it: not a POST, a head too large, late or malformed,
    /// a body too slow, a connection that failed mid-body.
    Refused { code: &'static str, message: String },
}

impl Answered {
    /// The `error` member of `--json` lines, if any: what the receiver's log says, which
    /// for a failed handler or store is more than the answer tells the sender.
    pub(crate) fn error(&self) -> Option<Value> {
        match self {
            Answered::Delivery(Outcome::Rejected(error)) => {
                Some(json!({"code": error.code().as_str(), "message": error.to_string()}))
            }
            Answered::Delivery(Outcome::HandlerFailed { message, .. }) => {
                Some(json!({"code": "handler_failed", "message": message}))
            }
            Answered::Delivery(Outcome::StoreUnavailable { error, .. }) => {
                Some(json!({"code": error.code(), "message": error.to_string()}))
            }
            Answered::Refused { code, message } => Some(json!({"code": code, "message": message})),
            Answered::Delivery(_) => None,
        }
    }

    /// `processed`, `duplicate`, `rejected`, ...: the answer's `outcome`.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Answered::Delivery(outcome) => outcome.kind(),
            Answered::Refused { .. } => "rejected",
        }
    }
}

/// Why reading a body stopped.
enum BodyError {
    /// More than the limit arrived: this many bytes so far.
    TooLarge(usize),
    /// The connection failed mid-body.
    Read(hyper::Error),
}

/// Reads a body, keeping at most `limit` bytes: the chunk that would pass the limit
/// stops the read.
async fn read_body(mut body: Incoming, limit: usize) -> Result<Vec<u8>, BodyError> {
    let declared = body.size_hint().exact().map_or(0, |n| n as usize);
    let mut bytes = Vec::with_capacity(declared.min(limit));
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(BodyError::Read)?;
        if let Ok(data) = frame.into_data() {
            let size = bytes.len() + data.len();
            if size > limit {
                return Err(BodyError::TooLarge(size));
            }
            bytes.extend_from_slice(&data);
        }
    }
    Ok(bytes)
}

/// How a request is answered: the status and body, what happened, and whether the
/// connection must close because the body was left unread.
struct Reply {
    answer: Answer,
    answered: Answered,
    close: bool,
}

impl Reply {
    /// A delivery the core decided: the core's answer.
    fn delivery(outcome: Outcome, provider: hookshield::Provider, close: bool) -> Reply {
        Reply {
            answer: outcome.answer(provider),
            answered: Answered::Delivery(outcome),
            close,
        }
    }

    /// A request refused before the core could decide (not a POST, a body late or cut
    /// off), answered in the core's shape with the receiver's own code.
    fn refused(status: u16, code: &'static str, message: String, close: bool) -> Reply {
        let body = json!({"outcome": "rejected", "error": {"code": code, "message": message}});
        Reply {
            answer: Answer {
                status,
                body: body.to_string(),
            },
            answered: Answered::Refused { code, message },
            close,
        }
    }
}

impl Receiver {
    /// Answers one request; the report comes first, so whoever reads it has it by the
    /// time the sender has its answer.
    async fn respond(self: Arc<Self>, request: Request<Incoming>) -> Response<Full<Bytes>> {
        let target = (request.method().to_string(), request.uri().to_string());
        let reply = Arc::clone(&self).reply(request).await;
        let Answer { status, body } = reply.answer;
        (self.report)(&Handled {
            request: Some(target),
            status: Some(status),
            result: reply.answered,
        });
        let mut response = Response::new(Full::new(Bytes::from(body)));
        *response.status_mut() =
            hyper::StatusCode::from_u16(status).expect("the core's statuses are valid");
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if reply.close {
            headers.insert(CONNECTION, HeaderValue::from_static("close"));
        }
        response
    }

    /// Reads and processes one request.
    async fn reply(self: Arc<Self>, request: Request<Incoming>) -> Reply {
        if request.method() != Method::POST {
            let message = "not a delivery: POST webhook deliveries here".to_owned();
            return Reply::refused(405, "method_not_allowed", message, false);
        }
        let provider = self.verifier.provider();
        let limit = self.verifier.max_body_bytes();
        // Header values are bytes, handed over as they came; the core reads every
        // occurrence of the signature header, the first of any other.
        let (head, body) = request.into_parts();
        let headers = head.headers;
        if let Some(size) = body.size_hint().exact() {
            let size = usize::try_from(size).unwrap_or(usize::MAX);
            if size > limit {
                let error = Error::BodyTooLarge { size, limit };
                return Reply::delivery(Outcome::Rejected(error), provider, true);
            }
        }
        let timeout = self.limits.body_timeout;
        let body = match tokio::time::timeout(timeout, read_body(body, limit)).await {
            Ok(Ok(body)) => body,
            Ok(Err(BodyError::TooLarge(size))) => {
                let error = Error::BodyTooLarge { size, limit };
                return Reply::delivery(Outcome::Rejected(error), provider, true);
            }
            Ok(Err(BodyError::Read(error))) => {
                let message = format!("the body could not be read: {error}");
                return Reply::refused(400, "bad_request", message, true);
            }
            Err(_) => {
                let seconds = timeout.as_secs_f64();
                let message = format!("the body did not arrive within {seconds} s");
                return Reply::refused(408, "request_timeout", message, true);
            }
        };
        let receiver = Arc::clone(&self);
        let processed = tokio::task::spawn_blocking(move || match &receiver.mode {
            Mode::Process {
                store,
                options,
                handler,
            } => receiver
                .verifier
                .process(&body, &headers, store, *options, |event| handler(event)),
            Mode::Inbox(inbox) => inbox.accept(&receiver.verifier, &body, &headers),
        })
        .await;
        let outcome = processed.unwrap_or_else(|panic| {
            // The handler (or the store) panicked: the delivery is not acknowledged, and
            // the panic is logged, never sent.
            Outcome::HandlerFailed {
                event: None,
                message: panic.to_string(),
            }
        });
        Reply::delivery(outcome, provider, false)
    }
}

/// What to report of a connection that ended in an error, if anything: a head that was
/// too large, malformed or late. A client that simply went away is not reported, nor an
/// idle keep-alive connection closed after its deliveries.
fn connection_report(error: &hyper::Error, limits: Limits, served: usize) -> Option<Handled> {
    let (status, code, message) = if error.is_parse_too_large() {
        let message = format!(
            "the request head is over {} bytes (or 100 headers)",
            limits.max_header_bytes
        );
        (Some(431), "header_too_large", message)
    } else if error.is_parse() {
        (
            Some(400),
            "bad_request",
            format!("malformed request: {error}"),
        )
    } else if error.is_timeout() && served == 0 {
        let message = format!(
            "no whole request head within {} s; connection closed",
            limits.header_timeout.as_secs_f64()
        );
        (None, "header_timeout", message)
    } else {
        return None;
    };
    Some(Handled {
        request: None,
        status,
        result: Answered::Refused { code, message },
    })
}

/// Binds 127.0.0.1:`port` (0: any free port).
pub(crate) fn bind(port: u16) -> Result<std::net::TcpListener> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| Failure::Usage(format!("cannot listen on 127.0.0.1:{port}: {e}")))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| Failure::Usage(format!("cannot listen on 127.0.0.1:{port}: {e}")))?;
    Ok(listener)
}

/// The runtime `serve` runs on: connections on one worker thread, verification and
/// handlers on its blocking pool.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| Failure::Usage(format!("cannot start the receiver: {e}")))
}

/// Accepts connections on `listener` forever, each served on its own task.
pub(crate) async fn serve(listener: std::net::TcpListener, receiver: Arc<Receiver>) {
    let listener = tokio::net::TcpListener::from_std(listener)
        .expect("a non-blocking listener, inside the runtime");
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(receiver.limits.header_timeout)
        .max_header_size(receiver.limits.max_header_bytes);
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(error) => {
                // Out of file descriptors, usually: wait for some to close.
                eprintln!("hookshield: cannot accept a connection: {error}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        tokio::spawn(serve_connection(
            http.clone(),
            stream,
            Arc::clone(&receiver),
        ));
    }
}

async fn serve_connection(
    http: hyper::server::conn::http1::Builder,
    stream: tokio::net::TcpStream,
    receiver: Arc<Receiver>,
) {
    let served = Arc::new(AtomicUsize::new(0));
    let service = {
        let (receiver, served) = (Arc::clone(&receiver), Arc::clone(&served));
        hyper::service::service_fn(move |request| {
            served.fetch_add(1, Ordering::Relaxed);
            let receiver = Arc::clone(&receiver);
            async move { Ok::<_, Infallible>(receiver.respond(request).await) }
        })
    };
    let connection = http.serve_connection(TokioIo::new(stream), service);
    if let Err(error) = connection.await {
        let served = served.load(Ordering::Relaxed);
        if let Some(handled) = connection_report(&error, receiver.limits, served) {
            (receiver.report)(&handled);
        }
    }
}

/// A receiver's address.
pub(crate) fn address(listener: &std::net::TcpListener) -> SocketAddr {
    listener
        .local_addr()
        .expect("a bound listener has an address")
}
