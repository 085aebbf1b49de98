//! `hookshield send`: signed sample deliveries (and replayed, forged and stale ones) to
//! a receiver, with the status each got.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use hookshield::{Provider, Scheme, Secret, SignOptions};
use serde_json::{json, Value};

use crate::args::{event_header_value, read_body, sample_body, unix_now, KeyArgs};
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

/// The kinds of delivery `send` and `demo` make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Signed now with the right secret.
    Genuine,
    /// The genuine request, sent again.
    Replay,
    /// The genuine headers with an altered body.
    Forged,
    /// Signed with the right secret, long ago.
    Stale,
}

impl Kind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Kind::Genuine => "genuine",
            Kind::Replay => "replay",
            Kind::Forged => "forged",
            Kind::Stale => "stale",
        }
    }
}

/// One request to make.
pub(crate) struct Delivery {
    pub(crate) kind: Kind,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

/// What to sign with, and how.
pub(crate) struct Signer<'a> {
    pub(crate) provider: Provider,
    pub(crate) scheme: &'a Scheme,
    pub(crate) secret: &'a Secret,
    pub(crate) stale_by: i64,
}

/// Which extra deliveries to make besides the genuine one.
#[derive(Clone, Copy)]
pub(crate) struct Extras {
    pub(crate) replay: bool,
    pub(crate) forge: bool,
    pub(crate) stale: bool,
}

impl Signer<'_> {
    fn sign(
        &self,
        body: &[u8],
        at: i64,
        event_name: Option<&str>,
    ) -> Result<Vec<(String, String)>> {
        let mut options = SignOptions::at(at);
        options.event = event_name.map(str::to_owned);
        Ok(hookshield::sign_with(
            self.provider,
            self.scheme,
            self.secret.clone(),
            body,
            &options,
        )?)
    }

    /// The deliveries for one event: genuine first, then the extras asked for. A stale
    /// delivery is `None` when the scheme signs no timestamp (nothing can be stale).
    pub(crate) fn deliveries(
        &self,
        body: &[u8],
        event_name: Option<&str>,
        extras: Extras,
    ) -> Result<Vec<Option<Delivery>>> {
        let now = unix_now();
        let headers = self.sign(body, now, event_name)?;
        let delivery = |kind, headers, body: Vec<u8>| Delivery {
            kind,
            headers,
            body,
        };
        let mut out = vec![Some(delivery(
            Kind::Genuine,
            headers.clone(),
            body.to_vec(),
        ))];
        if extras.replay {
            out.push(Some(delivery(Kind::Replay, headers.clone(), body.to_vec())));
        }
        if extras.forge {
            out.push(Some(delivery(Kind::Forged, headers, forge(body))));
        }
        if extras.stale {
            out.push(match self.scheme.timestamp_header {
                Some(_) => Some(delivery(
                    Kind::Stale,
                    self.sign(body, now - self.stale_by, event_name)?,
                    body.to_vec(),
                )),
                None => None,
            });
        }
        Ok(out)
    }
}

/// The body an attacker would send: the genuine one with a field added (or, for a body
/// that is not a JSON object, a byte appended).
fn forge(body: &[u8]) -> Vec<u8> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(mut object)) => {
            object.insert("forged".into(), Value::Bool(true));
            serde_json::to_vec(&Value::Object(object)).expect("JSON serializes")
        }
        _ => [body, b" "].concat(),
    }
}

/// What a receiver answered.
pub(crate) struct Reply {
    pub(crate) status: u16,
    /// The JSON body's `outcome`, when the receiver answers as `hookshield listen` does.
    pub(crate) outcome: Option<String>,
    /// The JSON body's `error.code`.
    pub(crate) code: Option<String>,
    /// The JSON body's `idempotency_key`.
    pub(crate) key: Option<String>,
    /// A short description: the code, the outcome, or the start of the body.
    pub(crate) summary: String,
}

/// An HTTP agent that reports every status instead of failing on 4xx/5xx.
pub(crate) fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(timeout))
            .build(),
    )
}

/// POSTs one delivery.
pub(crate) fn deliver(
    agent: &ureq::Agent,
    url: &str,
    delivery: &Delivery,
) -> Result<Reply, String> {
    let mut request = agent.post(url);
    for (name, value) in &delivery.headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let mut response = request
        .send(&delivery.body[..])
        .map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().unwrap_or_default();
    let json: Option<Value> = serde_json::from_str(&text).ok();
    let field = |path: &[&str]| {
        let mut value = json.as_ref()?;
        for part in path {
            value = value.get(part)?;
        }
        value.as_str().map(str::to_owned)
    };
    let outcome = field(&["outcome"]);
    let code = field(&["error", "code"]);
    let key = field(&["idempotency_key"]);
    let summary = match (&code, &outcome) {
        (Some(code), _) => code.clone(),
        (None, Some(outcome)) => outcome.clone(),
        (None, None) => {
            let line = text.lines().next().unwrap_or_default();
            let mut short: String = line.chars().take(40).collect();
            if line.chars().count() > 40 {
                short.push('…');
            }
            short
        }
    };
    Ok(Reply {
        status,
        outcome,
        code,
        key,
        summary,
    })
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
