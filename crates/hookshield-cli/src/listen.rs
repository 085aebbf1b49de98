//! `hookshield listen`: a local receiver that verifies, de-duplicates and prints.

use std::io::{Read as _, Write as _};

use hookshield::idempotency::RedisStore;
use hookshield::{Error, Event, IdempotencyStore, MemoryStore, Outcome, ProcessOptions, Verifier};
use serde_json::{json, Value};
use tiny_http::{Header, Method, Response, Server};

use crate::args::VerifierArgs;
use crate::output::outln;
use crate::output::{event_json, rfc3339, Style};
use crate::{Failure, Result};

/// Run a local receiver on 127.0.0.1 that verifies, de-duplicates and prints each
/// delivery.
///
/// It accepts POSTs on any path and answers each with the status the provider should
/// get (`Outcome::status`: 200 processed or duplicate, 401 bad signature or stale, 400
/// bad payload, ...) and a JSON body saying what happened. Each event is handled once:
/// a redelivery is acknowledged as a duplicate. Colour on a terminal; --json for JSON
/// lines. The address is printed on stderr.
#[derive(clap::Args)]
#[command(after_help = "Example:\n  \
    export SENSEI_SECRET=whsec_...\n  \
    hookshield listen -p sensei --secret-env SENSEI_SECRET --port 8787\n  \
    hookshield send http://127.0.0.1:8787/ -p sensei --secret-env SENSEI_SECRET --event all")]
pub(crate) struct Args {
    #[command(flatten)]
    verifier: VerifierArgs,

    /// The port on 127.0.0.1 (0 picks a free one).
    #[arg(long, value_name = "N", default_value_t = 8787)]
    port: u16,

    /// Where processed keys are remembered: `memory` (this process), or `redis://...`
    /// (shared by every receiver that uses it).
    #[arg(long, value_name = "memory|redis://...", default_value = "memory")]
    store: String,

    /// How many keys the memory store keeps.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    capacity: usize,

    /// Print one JSON object per delivery (JSON lines) instead of text.
    #[arg(long)]
    json: bool,
}

/// A receiver: a verifier and an idempotency store.
pub(crate) struct Receiver {
    verifier: Verifier,
    store: Box<dyn IdempotencyStore>,
}

/// What happened to one request.
pub(crate) struct Handled {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) status: u16,
    /// `None` for a request that was not a delivery (not a POST).
    pub(crate) outcome: Option<Outcome>,
}

impl Receiver {
    pub(crate) fn new(verifier: Verifier, store: Box<dyn IdempotencyStore>) -> Self {
        Receiver { verifier, store }
    }

    /// Verifies, claims and handles one request, reports it, and answers it. The report
    /// comes first, so whoever reads it has it by the time the sender has its answer.
    pub(crate) fn handle(
        &self,
        mut request: tiny_http::Request,
        handler: &mut dyn FnMut(&Event) -> Result<(), String>,
        report: &mut dyn FnMut(&Handled),
    ) {
        let method = request.method().to_string();
        let path = request.url().to_owned();
        let answer_with = |request: tiny_http::Request, status, body: &Value, outcome| {
            report(&Handled {
                method,
                path,
                status,
                outcome,
            });
            let _ = request.respond(json_response(status, body));
        };
        if *request.method() != Method::Post {
            let body =
                json!({"error": "method_not_allowed", "message": "POST webhook deliveries here"});
            return answer_with(request, 405, &body, None);
        }
        let headers: Vec<(String, String)> = request
            .headers()
            .iter()
            .map(|h| {
                (
                    h.field.as_str().as_str().to_owned(),
                    h.value.as_str().to_owned(),
                )
            })
            .collect();
        let limit = self.verifier.max_body_bytes();
        let outcome = match request.body_length() {
            Some(size) if size > limit => Outcome::Rejected(Error::BodyTooLarge { size, limit }),
            _ => {
                let mut body = Vec::new();
                match request
                    .as_reader()
                    .take(limit as u64 + 1)
                    .read_to_end(&mut body)
                {
                    Ok(_) => self.verifier.process(
                        &body,
                        &headers,
                        &self.store,
                        ProcessOptions::default(),
                        |event| handler(event),
                    ),
                    Err(error) => {
                        let body = json!({"error": "bad_request", "message": error.to_string()});
                        return answer_with(request, 400, &body, None);
                    }
                }
            }
        };
        let status = outcome.status(self.verifier.provider());
        let body = answer(&outcome);
        answer_with(request, status, &body, Some(outcome));
    }
}

/// The JSON a receiver answers with.
fn answer(outcome: &Outcome) -> Value {
    let mut answer = json!({"outcome": outcome.kind()});
    if let Some(event) = outcome.event() {
        answer["type"] = json!(event.event_type());
        answer["idempotency_key"] = json!(event.idempotency_key());
    }
    match outcome {
        Outcome::Rejected(error) => {
            answer["error"] = json!({"code": error.code().as_str(), "message": error.to_string()});
        }
        Outcome::HandlerFailed { message, .. } => {
            answer["error"] = json!({"code": "handler_failed", "message": message});
        }
        Outcome::StoreUnavailable { error, .. } => {
            answer["error"] = json!({"code": error.code(), "message": error.to_string()});
        }
        _ => {}
    }
    answer
}

fn json_response(status: u16, body: &Value) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_string(body.to_string())
        .with_status_code(status)
        .with_header(
            Header::from_bytes(&b"Content-Type"[..], &b"application/json"[..])
                .expect("a valid header"),
        )
}

/// Answers requests until the server is unblocked.
pub(crate) fn serve(
    server: &Server,
    receiver: &Receiver,
    handler: &mut dyn FnMut(&Event) -> Result<(), String>,
    report: &mut dyn FnMut(&Handled),
) {
    for request in server.incoming_requests() {
        receiver.handle(request, handler, report);
    }
}

/// Binds 127.0.0.1:`port` (0: any free port).
pub(crate) fn bind(port: u16) -> Result<Server> {
    Server::http(("127.0.0.1", port))
        .map_err(|e| Failure::Usage(format!("cannot listen on 127.0.0.1:{port}: {e}")))
}

/// The store `--store` names.
fn store(spec: &str, capacity: usize) -> Result<(Box<dyn IdempotencyStore>, &'static str)> {
    let lower = spec.to_ascii_lowercase();
    if lower == "memory" {
        Ok((Box::new(MemoryStore::new(capacity)), "memory store"))
    } else if lower.starts_with("redis://") {
        // The URL may hold a password: errors never repeat it.
        let store = RedisStore::open(spec).map_err(|e| Failure::Usage(format!("--store: {e}")))?;
        Ok((Box::new(store), "Redis store"))
    } else {
        Err(Failure::Usage(
            "--store must be `memory` or a redis:// URL".into(),
        ))
    }
}

pub(crate) fn run(args: &Args) -> Result<()> {
    let (store, store_name) = store(&args.store, args.capacity)?;
    let provider = args.verifier.key.provider;
    let verifier = args.verifier.build()?;
    let receiver = Receiver::new(verifier, store);
    let server = bind(args.port)?;
    let address = server
        .server_addr()
        .to_ip()
        .expect("a TCP listener has an IP address");
    eprintln!(
        "hookshield: listening for {provider} deliveries on http://{address}/ (any path; {store_name}; Ctrl-C to stop)"
    );
    let _ = std::io::stderr().flush();

    let style = Style::stdout();
    let mut handler = |_: &Event| Ok(());
    let mut report = |handled: &Handled| {
        if args.json {
            outln!("{}", json_line(handled));
        } else {
            print_pretty(style, handled);
        }
    };
    serve(&server, &receiver, &mut handler, &mut report);
    Ok(())
}

fn now_text() -> String {
    rfc3339(time::OffsetDateTime::now_utc())
}

fn json_line(handled: &Handled) -> Value {
    let mut line = json!({
        "time": now_text(),
        "method": handled.method,
        "path": handled.path,
        "status": handled.status,
    });
    match &handled.outcome {
        Some(outcome) => {
            line["outcome"] = json!(outcome.kind());
            if let Some(event) = outcome.event() {
                line["event"] = event_json(event);
            }
            if let Some(error) = answer(outcome).get("error") {
                line["error"] = error.clone();
            }
        }
        None => line["outcome"] = json!("not_a_delivery"),
    }
    line
}

fn print_pretty(style: Style, handled: &Handled) {
    let time = now_text();
    let clock = time.get(11..19).unwrap_or(&time);
    let head = format!("{} {} {}", style.dim(clock), handled.method, handled.path);
    let status = handled.status.to_string();
    let Some(outcome) = &handled.outcome else {
        outln!(
            "{head}  {}  not a delivery (POST webhooks here)",
            style.yellow(&status)
        );
        return;
    };
    match outcome {
        Outcome::Processed(event) => {
            outln!(
                "{head}  {} {}  {}  {}",
                style.green(&status),
                style.green("processed"),
                style.bold(event.event_type()),
                style.dim(&format!("key={}", event.idempotency_key())),
            );
            let data = serde_json::to_string_pretty(event.raw_data()).expect("JSON serializes");
            for line in data.lines() {
                outln!("    {line}");
            }
        }
        Outcome::Duplicate(event) => outln!(
            "{head}  {} {}  {}  {}",
            style.green(&status),
            style.yellow("duplicate"),
            event.event_type(),
            style.dim("already processed: handler not run"),
        ),
        Outcome::Rejected(error) => outln!(
            "{head}  {} {}  {}: {error}",
            style.red(&status),
            style.red("rejected"),
            error.code().as_str(),
        ),
        other => outln!(
            "{head}  {} {}  {}",
            style.yellow(&status),
            style.yellow(other.kind()),
            answer(other)["error"]["message"]
                .as_str()
                .unwrap_or_default(),
        ),
    }
}
