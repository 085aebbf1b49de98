//! `hookshield listen`: a local receiver that verifies, de-duplicates and prints.

use std::io::Write as _;
use std::sync::Arc;
use std::time::Duration;

use hookshield::idempotency::{RedisStore, DEFAULT_LEASE};
use hookshield::{options, IdempotencyStore, MemoryStore, Outcome, ProcessOptions, Provider};
use serde_json::{json, Value};

use crate::args::VerifierArgs;
use crate::output::outln;
use crate::output::{event_json, rfc3339, Style};
use crate::server::{
    address, bind, runtime, serve, Answered, Handled, Limits, Mode, Receiver,
    DEFAULT_MAX_HEADER_BYTES, DEFAULT_TIMEOUT_SECS,
};
use crate::{Failure, Result};

/// Run a local receiver on 127.0.0.1 that verifies, de-duplicates and prints each
/// delivery.
///
/// It accepts POSTs on any path and answers each as every hookshield helper does (the
/// core's `Answer`): the status the provider should get (200 processed or duplicate, 401
/// bad signature or stale, 400 bad payload, 413 too large, 500 handler failed, ...) and
/// the JSON body `{"outcome", "idempotency_key", "error": {"code", "message"}}`. Each
/// event is handled once: a redelivery is acknowledged as a duplicate. Connections are
/// served concurrently, and every read is bounded: a stalled or oversized request is
/// answered (408, 413, 431) and logged without holding up the others. Colour on a
/// terminal; --json for JSON lines. The address is printed on stderr.
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
    #[arg(
        long,
        allow_negative_numbers = true,
        value_name = "N",
        default_value_t = 10_000.0
    )]
    capacity: f64,

    /// Seconds a delivery's claim holds while its handler runs; a redelivery meanwhile
    /// is answered in progress (409; 503 for docintell).
    #[arg(long, allow_negative_numbers = true, value_name = "SECS", default_value_t = DEFAULT_LEASE.as_secs_f64())]
    lease: f64,

    /// Seconds a processed key is remembered, which is also the replay horizon (default:
    /// the provider's retry horizon and a day).
    #[arg(long, allow_negative_numbers = true, value_name = "SECS")]
    retention: Option<f64>,

    /// The handler: run this shell command for each new event, with the event as JSON
    /// on its standard input. A non-zero exit is a failure: answered 500 and the key
    /// released, so the provider's retry runs it again. Without it, every event succeeds.
    #[arg(long, value_name = "COMMAND")]
    exec: Option<String>,

    /// Queue each verified delivery in this durable inbox (`sqlite:PATH` or
    /// `redis://...`) and answer `queued` at once, instead of running a handler in the
    /// request; `hookshield inbox worker` runs it later. A delivery already in the inbox
    /// is answered `duplicate`; an inbox that cannot take it, 503 (the provider retries).
    #[arg(long, value_name = "sqlite:PATH|redis://...", conflicts_with_all = ["exec", "store", "capacity", "lease"])]
    inbox: Option<String>,

    /// Seconds for a request's line and headers to arrive (and for an idle
    /// keep-alive connection to stay open).
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_TIMEOUT_SECS, value_parser = clap::value_parser!(u64).range(1..))]
    header_timeout: u64,

    /// Seconds for a request's whole body to arrive once its headers have (408
    /// otherwise).
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_TIMEOUT_SECS, value_parser = clap::value_parser!(u64).range(1..))]
    body_timeout: u64,

    /// The largest request line and headers, in bytes, 1024 to 65536 (431 otherwise).
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_HEADER_BYTES as u64, value_parser = clap::value_parser!(u64).range(1024..=65536))]
    max_header_bytes: u64,

    /// Print one JSON object per request (JSON lines) instead of text.
    #[arg(long)]
    json: bool,
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

/// What the receiver does with each delivery, and how the startup line names it:
/// queue it in `--inbox`, or process it with `--store` and `--exec`.
fn mode(args: &Args) -> Result<(Mode, &'static str)> {
    if let Some(url) = &args.inbox {
        let mut inbox = crate::inbox::open(url)?;
        if let Some(retention) = args.retention {
            inbox = inbox.with_retention(options::retention(retention)?);
        }
        return Ok((Mode::Inbox(inbox), inbox_name(url)));
    }
    let (store, store_name) = store(&args.store, options::capacity(args.capacity)?)?;
    let mut options = ProcessOptions::default().lease(options::lease(args.lease)?);
    if let Some(retention) = args.retention {
        options = options.retention(options::retention(retention)?);
    }
    let exec = args.exec.clone();
    let handler = Box::new(move |event: &hookshield::Event| match &exec {
        Some(command) => crate::exec::run(command, event, None),
        None => Ok(()),
    });
    let mode = Mode::Process {
        store,
        options,
        handler,
    };
    Ok((mode, store_name))
}

pub(crate) fn run(args: &Args) -> Result<()> {
    let (mode, store_name) = mode(args)?;
    let provider = args.verifier.key.provider;
    let verifier = args.verifier.build()?;
    let style = Style::stdout();
    let json = args.json;
    let queued = args.inbox.is_some();
    let receiver = Receiver {
        verifier,
        mode,
        limits: Limits {
            header_timeout: Duration::from_secs(args.header_timeout),
            body_timeout: Duration::from_secs(args.body_timeout),
            max_header_bytes: args.max_header_bytes as usize,
        },
        report: Box::new(move |handled| {
            if json {
                outln!("{}", json_line(provider, handled));
            } else {
                print_pretty(style, handled, queued);
            }
        }),
    };
    let runtime = runtime()?;
    let listener = bind(args.port)?;
    let address = address(&listener);
    eprintln!(
        "hookshield: listening for {provider} deliveries on http://{address}/ (any path; {store_name}; Ctrl-C to stop)"
    );
    let _ = std::io::stderr().flush();
    runtime.block_on(serve(listener, Arc::new(receiver)));
    Ok(())
}

/// How the startup line names an inbox: its backend, never the URL (which may hold a
/// password).
fn inbox_name(url: &str) -> &'static str {
    if url.starts_with("sqlite:") {
        "SQLite inbox: deliveries queued for `hookshield inbox worker`"
    } else {
        "Redis inbox: deliveries queued for `hookshield inbox worker`"
    }
}

fn now_text() -> String {
    rfc3339(time::OffsetDateTime::now_utc())
}

fn json_line(provider: Provider, handled: &Handled) -> Value {
    let (method, path) = handled.request.clone().unzip();
    let mut line = json!({
        "time": now_text(),
        "provider": provider.as_str(),
        "method": method,
        "path": path,
        "status": handled.status,
        "outcome": handled.result.kind(),
    });
    if let Answered::Delivery(outcome) = &handled.result {
        if let Some(event) = outcome.event() {
            line["event"] = event_json(event);
        }
    }
    if let Some(error) = handled.result.error() {
        line["error"] = error;
    }
    line
}

/// One request as text; `queued`: the receiver queues deliveries in an inbox.
fn print_pretty(style: Style, handled: &Handled, queued: bool) {
    let time = now_text();
    let clock = time.get(11..19).unwrap_or(&time);
    let head = match &handled.request {
        Some((method, path)) => format!("{} {method} {path}", style.dim(clock)),
        None => format!("{} (connection)", style.dim(clock)),
    };
    let status = handled
        .status
        .map_or_else(|| "-".to_owned(), |status| status.to_string());
    let outcome = match &handled.result {
        Answered::Refused { code, message } => {
            outln!(
                "{head}  {} {}  {code}: {message}",
                style.red(&status),
                style.red("rejected"),
            );
            return;
        }
        Answered::Delivery(outcome) => outcome,
    };
    match outcome {
        Outcome::Processed(event) => {
            let untyped = event
                .untyped_reason()
                .map(|reason| style.yellow(&format!("  untyped: {}", reason.as_str())))
                .unwrap_or_default();
            outln!(
                "{head}  {} {}  {}  {}{untyped}",
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
        Outcome::Queued(event) => outln!(
            "{head}  {} {}  {}  {}",
            style.green(&status),
            style.green("queued"),
            style.bold(event.event_type()),
            style.dim(&format!("key={}", event.idempotency_key())),
        ),
        Outcome::Duplicate(event) => outln!(
            "{head}  {} {}  {}  {}",
            style.green(&status),
            style.yellow("duplicate"),
            event.event_type(),
            style.dim(if queued {
                "already in the inbox: not queued again"
            } else {
                "already processed: handler not run"
            }),
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
            handled
                .result
                .error()
                .map_or_else(String::new, |error| error["message"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()),
        ),
    }
}
