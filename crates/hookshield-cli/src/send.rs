//! `hookshield send`: signed sample deliveries (and replayed, forged and stale ones) to
//! a receiver, with the status each got.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use hookshield::Provider;
use serde_json::{json, Value};

use crate::args::{event_header_value, read_body, sample_body, KeyArgs};
use crate::delivery::{agent, deliver, Extras, Kind, Reply, Signer};
use crate::output::outln;
use crate::output::Style;
use crate::{Failure, Result};

/// Deliver signed sample events to a receiver and report the status each got.
///
/// For each event: the genuine delivery, then on request a replay (the same request
/// again: it must be acknowledged without being processed twice), a forgery (the genuine
/// headers with an altered body: it must be rejected) and a stale delivery (signed
/// --stale-by seconds ago: it must be rejected; skipped for providers that sign no
/// timestamp). Exit 0 if every delivery got what it should, 1 otherwise.
///
/// Samples carry the time they are made as their event time (a receiver refuses
/// deliveries older than its replay horizon); --replay resends the very same request,
/// as a real redelivery would.
#[derive(clap::Args)]
#[allow(clippy::struct_excessive_bools)] // command-line flags
#[command(after_help = "Example:\n  \
    hookshield listen -p sensei --secret-env S --port 8787 &\n  \
    hookshield send http://127.0.0.1:8787/ -p sensei --secret-env S --event all --replay --forge --stale")]
pub(crate) struct Args {
    /// The receiver's URL (http://; https:// needs the `tls` feature).
    #[arg(value_name = "URL")]
    url: String,

    #[command(flatten)]
    key: KeyArgs,

    /// The sample event type to send, or `all` for every sample of the provider (an
    /// unknown type lists the samples).
    #[arg(
        long,
        short = 'e',
        value_name = "TYPE|all",
        required_unless_present = "body"
    )]
    event: Option<String>,

    /// Send this body instead of a sample (a file, or `-` for standard input).
    #[arg(long, short = 'b', value_name = "FILE|-", conflicts_with = "event")]
    body: Option<PathBuf>,

    /// The value of the provider's event-type header when sending --body (default:
    /// the body's `event`/`type`).
    #[arg(long, value_name = "NAME", requires = "body")]
    event_name: Option<String>,

    /// Also send each delivery a second time, unchanged.
    #[arg(long)]
    replay: bool,

    /// Also send each delivery with its body altered after signing.
    #[arg(long)]
    forge: bool,

    /// Also send each delivery signed --stale-by seconds in the past.
    #[arg(long)]
    stale: bool,

    /// How old a stale delivery is, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 3600)]
    stale_by: i64,

    /// Give up on a request after this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    timeout: u64,

    /// Print one JSON object per delivery instead of a table.
    #[arg(long)]
    json: bool,
}

/// Whether a receiver answered a delivery of `kind` as it should: genuine and replayed
/// deliveries acknowledged (2xx), a replay not processed a second time, forged and
/// stale ones refused.
pub(crate) fn as_expected(kind: Kind, reply: &Reply) -> bool {
    let acknowledged = (200..300).contains(&reply.status);
    match kind {
        Kind::Genuine => acknowledged,
        Kind::Replay => acknowledged && reply.outcome.as_deref() != Some("processed"),
        Kind::Forged | Kind::Stale => !acknowledged,
    }
}

pub(crate) fn check_url(url: &str) -> Result<()> {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("https://") && !cfg!(feature = "tls") {
        return Err(Failure::Usage(
            "https:// needs the CLI's `tls` feature (cargo install hookshield-cli --features tls); \
             http:// works as it is"
                .into(),
        ));
    }
    if !lower.starts_with("http://") && !lower.starts_with("https://") {
        return Err(Failure::Usage(format!(
            "the URL must start with http:// (or https://), found {url:?}"
        )));
    }
    Ok(())
}

/// One event to send: its label, its body, and the value of the event-type header.
struct Outgoing {
    event: String,
    body: Vec<u8>,
    event_name: Option<String>,
}

/// The events `--event` or `--body` name.
fn outgoing(args: &Args, provider: Provider) -> Result<Vec<Outgoing>> {
    let sample = |event: &str| -> Result<Outgoing> {
        Ok(Outgoing {
            event: event.to_owned(),
            body: sample_body(provider, event)?.into_bytes(),
            event_name: Some(event_header_value(provider, event)),
        })
    };
    match (&args.event, &args.body) {
        (Some(event), _) if event == "all" => {
            let types = hookshield::sample_types(provider);
            if types.is_empty() {
                return Err(Failure::Usage(format!(
                    "{provider} has no sample events; send your own with --body FILE"
                )));
            }
            types.into_iter().map(sample).collect()
        }
        (Some(event), _) => Ok(vec![sample(event)?]),
        (None, Some(path)) => {
            let body = read_body(path)?;
            let event = serde_json::from_slice::<Value>(&body)
                .ok()
                .and_then(|v| {
                    ["event", "type"]
                        .iter()
                        .find_map(|k| v.get(*k).and_then(Value::as_str).map(str::to_owned))
                })
                .or_else(|| args.event_name.clone())
                .unwrap_or_else(|| path.display().to_string());
            Ok(vec![Outgoing {
                event,
                body,
                event_name: args.event_name.clone(),
            }])
        }
        (None, None) => unreachable!("clap requires --event or --body"),
    }
}

/// Prints `send`'s rows, as a table or JSON lines, and counts them.
struct Report {
    json: bool,
    style: Style,
    width: usize,
    good: usize,
    bad: usize,
    skipped: usize,
}

impl Report {
    fn header(&self) {
        if !self.json {
            let width = self.width;
            outln!(
                "{}",
                self.style.bold(&format!(
                    "{:<8} {:<width$} {:>6}  {:<22} ok",
                    "delivery", "event", "status", "answer"
                ))
            );
        }
    }

    fn skipped(&mut self, provider: Provider, event: &str) {
        self.skipped += 1;
        let width = self.width;
        if self.json {
            outln!(
                "{}",
                json!({"delivery": "stale", "event": event, "skipped": "the provider signs no timestamp"})
            );
        } else {
            let note = format!(
                "skipped: {provider} signs no timestamp (replays are caught as duplicates)"
            );
            outln!(
                "{:<8} {event:<width$} {:>6}  {}",
                "stale",
                "-",
                self.style.dim(&note)
            );
        }
    }

    fn reply(&mut self, kind: Kind, event: &str, reply: &Reply) {
        let ok = as_expected(kind, reply);
        if ok {
            self.good += 1;
        } else {
            self.bad += 1;
        }
        let (kind, width) = (kind.as_str(), self.width);
        if self.json {
            outln!(
                "{}",
                json!({
                    "delivery": kind,
                    "event": event,
                    "status": reply.status,
                    "outcome": reply.outcome,
                    "code": reply.code,
                    "idempotency_key": reply.key,
                    "ok": ok,
                })
            );
        } else {
            let mark = if ok {
                self.style.green("✓")
            } else {
                self.style.red("✗ unexpected")
            };
            outln!(
                "{kind:<8} {event:<width$} {:>6}  {:<22} {mark}",
                reply.status,
                reply.summary
            );
        }
    }

    fn error(&mut self, kind: Kind, event: &str, error: &str) {
        self.bad += 1;
        let (kind, width) = (kind.as_str(), self.width);
        if self.json {
            outln!(
                "{}",
                json!({"delivery": kind, "event": event, "error": error, "ok": false})
            );
        } else {
            outln!(
                "{kind:<8} {event:<width$} {:>6}  {}",
                "-",
                self.style.red(error)
            );
        }
    }

    fn summary(&self) {
        if self.json {
            return;
        }
        let total = self.good + self.bad;
        let noun = if total == 1 { "delivery" } else { "deliveries" };
        let mut summary = format!("{total} {noun}: {} as expected", self.good);
        if self.bad > 0 {
            let _ = write!(summary, ", {} not", self.bad);
        }
        if self.skipped > 0 {
            let _ = write!(summary, ", {} stale skipped", self.skipped);
        }
        outln!("{summary}");
    }
}

pub(crate) fn run(args: &Args) -> Result<()> {
    check_url(&args.url)?;
    let provider = args.key.provider;
    let scheme = args.key.scheme()?;
    let secret = args.key.signing_secret()?;
    let signer = Signer {
        provider,
        scheme: &scheme,
        secret: &secret,
        stale_by: args.stale_by,
    };
    let extras = Extras {
        replay: args.replay,
        forge: args.forge,
        stale: args.stale,
    };
    let events = outgoing(args, provider)?;
    let agent = agent(Duration::from_secs(args.timeout.max(1)));
    let mut report = Report {
        json: args.json,
        style: Style::stdout(),
        width: events
            .iter()
            .map(|e| e.event.len())
            .max()
            .unwrap_or(5)
            .max(5),
        good: 0,
        bad: 0,
        skipped: 0,
    };
    report.header();
    for outgoing in &events {
        let event = &outgoing.event;
        for delivery in signer.deliveries(&outgoing.body, outgoing.event_name.as_deref(), extras)? {
            let Some(delivery) = delivery else {
                report.skipped(provider, event);
                continue;
            };
            match deliver(&agent, &args.url, &delivery) {
                Ok(reply) => report.reply(delivery.kind, event, &reply),
                Err(error) => report.error(delivery.kind, event, &error),
            }
        }
    }
    report.summary();
    if report.bad == 0 {
        Ok(())
    } else {
        Err(Failure::Failed)
    }
}
