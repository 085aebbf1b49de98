//! `hookshield demo`: every provider's sample events, genuine, duplicate, forged and
//! stale, against local receivers over real HTTP, with a table and a verdict.

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::BuildHasher as _;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use base64::Engine as _;
use hookshield::{Event, MemoryStore, ProcessOptions, Provider, Secret, SecretFormat, Verifier};

use crate::args::{event_header_value, provider_parser, sample_body};
use crate::delivery::{agent, deliver, Delivery, Extras, Kind, Reply, Signer};
use crate::output::outln;
use crate::output::Style;
use crate::server::{address, bind, runtime, serve, Limits, Mode, Receiver};
use crate::{Failure, Result};

mod inbox;
mod report;

use report::{print_json, print_table};

/// Run every provider's sample events against local receivers and check the results.
///
/// Starts a receiver (as `hookshield listen` does) on a free 127.0.0.1 port for every
/// provider, with a fresh random secret, then sends every sample event of every provider
/// over HTTP: the genuine delivery, the same delivery again (a duplicate), a forged one
/// (body altered after signing) and a stale one (signed an hour ago; not applicable to
/// providers that sign no timestamp). Exit 0 only if every genuine delivery was processed
/// exactly once (the handler's runs are counted), every duplicate was acknowledged
/// without running the handler again, and every forged and stale delivery was rejected.
///
/// Then the inbox: the genuine deliveries again, to receivers that queue them in a
/// SQLite inbox (as `listen --inbox` does) and answer `200 queued` at once, worked off
/// afterwards by a worker whose handler takes 100 ms (as `inbox worker` does); each must
/// be acknowledged, done, and handled exactly once.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Only these providers (repeat; default: every preset).
    #[arg(long = "provider", short = 'p', value_name = "PROVIDER", value_parser = provider_parser())]
    providers: Vec<Provider>,

    /// Print one JSON object per delivery, then a summary object, instead of the table.
    #[arg(long)]
    json: bool,
}

/// A random secret in the provider's format (never printed).
fn random_secret(provider: Provider) -> String {
    let state = RandomState::new();
    let bytes: Vec<u8> = (0u8..4)
        .flat_map(|i| state.hash_one((i, std::process::id())).to_le_bytes())
        .collect();
    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
    match provider.scheme().secret_format {
        SecretFormat::WhsecBase64 => format!("whsec_{encoded}"),
        SecretFormat::Utf8 => format!("whsec_demo_{encoded}"),
    }
}

/// One delivery's result.
struct Row {
    provider: Provider,
    event: String,
    kind: Kind,
    /// `None`: not applicable (a stale delivery for a provider without timestamps).
    reply: Option<std::result::Result<Reply, String>>,
    ok: bool,
}

/// The answer the demo's receiver must give each kind of delivery.
fn expected(kind: Kind) -> (u16, &'static str) {
    match kind {
        Kind::Genuine => (200, "processed"),
        Kind::Replay => (200, "duplicate"),
        Kind::Forged => (401, "signature_mismatch"),
        Kind::Stale => (401, "timestamp_too_old"),
    }
}

fn check(kind: Kind, reply: &Reply) -> bool {
    let (status, answer) = expected(kind);
    let said = match kind {
        Kind::Genuine | Kind::Replay => reply.outcome.as_deref(),
        Kind::Forged | Kind::Stale => reply.code.as_deref(),
    };
    reply.status == status && said == Some(answer)
}

/// A running receiver: its URL, its secret and its handler's runs per idempotency key.
struct Listener {
    provider: Provider,
    url: String,
    secret: String,
    runs: Arc<Mutex<HashMap<String, u32>>>,
}

/// Starts a receiver for `provider` on a free port, served on `runtime`.
fn start(provider: Provider, runtime: &tokio::runtime::Runtime) -> Result<Listener> {
    let secret = random_secret(provider);
    let runs = Arc::new(Mutex::new(HashMap::new()));
    let receiver = Receiver {
        verifier: Verifier::new(provider, [secret.as_str()])?,
        mode: Mode::Process {
            store: Box::new(MemoryStore::new(10_000)),
            options: ProcessOptions::default(),
            // The handler: count how many times it runs for each event.
            handler: Box::new({
                let runs = Arc::clone(&runs);
                move |event: &Event| {
                    *runs
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .entry(event.idempotency_key().to_owned())
                        .or_insert(0) += 1;
                    Ok(())
                }
            }),
        },
        limits: Limits::default(),
        report: Box::new(|_| {}),
    };
    let listener = bind(0)?;
    let address = address(&listener);
    runtime.spawn(serve(listener, Arc::new(receiver)));
    Ok(Listener {
        provider,
        url: format!("http://{address}/webhooks/{provider}"),
        secret,
        runs,
    })
}

pub(crate) fn run(args: &Args) -> Result<()> {
    let providers: Vec<Provider> = if args.providers.is_empty() {
        Provider::PRESETS.to_vec()
    } else {
        args.providers.clone()
    };
    if let Some(p) = providers
        .iter()
        .find(|p| hookshield::sample_types(**p).is_empty())
    {
        return Err(Failure::Usage(format!(
            "{p} has no sample events to demonstrate; pick among {}",
            Provider::PRESETS.map(Provider::as_str).join(", ")
        )));
    }
    let started = Instant::now();
    let runtime = runtime()?;
    let listeners = providers
        .iter()
        .map(|p| start(*p, &runtime))
        .collect::<Result<Vec<_>>>()?;
    let agent = agent(Duration::from_secs(10));
    let extras = Extras {
        replay: true,
        forge: true,
        stale: true,
    };

    let mut rows = Vec::new();
    for listener in &listeners {
        let provider = listener.provider;
        let scheme = provider.scheme();
        let secret = Secret::from(listener.secret.as_str());
        let signer = Signer {
            provider,
            scheme: &scheme,
            secret: &secret,
            stale_by: 3600,
        };
        for event in hookshield::sample_types(provider) {
            let body = sample_body(provider, event)?;
            let name = event_header_value(provider, event);
            let deliveries = signer.deliveries(body.as_bytes(), Some(&name), extras)?;
            let kinds = [Kind::Genuine, Kind::Replay, Kind::Forged, Kind::Stale];
            for (kind, delivery) in kinds.into_iter().zip(deliveries) {
                rows.push(send_one(&agent, listener, event, kind, delivery.as_ref()));
            }
        }
    }
    let elapsed = started.elapsed();
    let inbox = inbox::run(&providers, &runtime, &agent)?;

    // Stop the receivers (letting a handler still running finish), then read how often
    // each handler ran.
    runtime.shutdown_timeout(Duration::from_secs(5));
    let mut runs_by_provider: HashMap<Provider, HashMap<String, u32>> = HashMap::new();
    for listener in listeners {
        let runs =
            std::mem::take(&mut *listener.runs.lock().unwrap_or_else(PoisonError::into_inner));
        runs_by_provider.insert(listener.provider, runs);
    }

    let mut once_failures = exactly_once_failures(&providers, &rows, &runs_by_provider);
    once_failures.extend(inbox.problems.iter().cloned());

    let failed = rows.iter().filter(|r| !r.ok).count() + once_failures.len();
    if args.json {
        print_json(
            &rows,
            &runs_by_provider,
            &once_failures,
            elapsed,
            &inbox.json(),
        );
    } else {
        print_table(&rows, &runs_by_provider, providers.len(), elapsed);
        outln!();
        for line in inbox.lines() {
            outln!("{line}");
        }
        let style = Style::stdout();
        for failure in &once_failures {
            outln!("{}", style.red(&format!("✗ {failure}")));
        }
        if failed == 0 {
            outln!(
                "{}",
                style.green("OK: every genuine delivery was processed exactly once (inline, and through the inbox) and every forged or stale one rejected.")
            );
        } else {
            outln!(
                "{}",
                style.red(&format!("FAILED: {failed} check(s) did not hold."))
            );
        }
    }
    if failed == 0 {
        Ok(())
    } else {
        Err(Failure::Failed)
    }
}

/// Exactly once: each genuine event's key ran the handler once, and the handler ran for
/// nothing else. Returns what did not hold.
fn exactly_once_failures(
    providers: &[Provider],
    rows: &[Row],
    runs_by_provider: &HashMap<Provider, HashMap<String, u32>>,
) -> Vec<String> {
    let mut once_failures = Vec::new();
    for provider in providers {
        let runs = &runs_by_provider[provider];
        let genuine: Vec<&Row> = rows
            .iter()
            .filter(|r| r.provider == *provider && r.kind == Kind::Genuine)
            .collect();
        for row in &genuine {
            let key = row
                .reply
                .as_ref()
                .and_then(|r| r.as_ref().ok())
                .and_then(|r| r.key.clone());
            let count = key.as_ref().and_then(|k| runs.get(k)).copied().unwrap_or(0);
            if count != 1 {
                once_failures.push(format!(
                    "{provider} {}: handler ran {count} times",
                    row.event
                ));
            }
        }
        let total: u32 = runs.values().sum();
        if total as usize != genuine.len() {
            once_failures.push(format!(
                "{provider}: handler ran {total} times for {} events",
                genuine.len()
            ));
        }
    }

    once_failures
}

fn send_one(
    agent: &ureq::Agent,
    listener: &Listener,
    event: &str,
    kind: Kind,
    delivery: Option<&Delivery>,
) -> Row {
    let row = |reply, ok| Row {
        provider: listener.provider,
        event: event.to_owned(),
        kind,
        reply,
        ok,
    };
    match delivery {
        // Not applicable: the provider signs no timestamp, so nothing can be stale.
        None => row(None, true),
        Some(delivery) => {
            let reply = deliver(agent, &listener.url, delivery);
            let ok = reply.as_ref().is_ok_and(|r| check(kind, r));
            row(Some(reply), ok)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{check, exactly_once_failures, HashMap, Kind, Provider, Reply, Row};

    fn reply(status: u16, outcome: &str, code: Option<&str>, key: &str) -> Reply {
        Reply {
            status,
            outcome: Some(outcome.into()),
            code: code.map(Into::into),
            key: Some(key.into()),
            summary: String::new(),
        }
    }

    #[test]
    fn each_kind_needs_its_own_answer() {
        assert!(check(Kind::Genuine, &reply(200, "processed", None, "k")));
        assert!(!check(Kind::Genuine, &reply(200, "duplicate", None, "k")));
        assert!(check(Kind::Replay, &reply(200, "duplicate", None, "k")));
        // A replay processed a second time fails, as does a refused one.
        assert!(!check(Kind::Replay, &reply(200, "processed", None, "k")));
        assert!(!check(Kind::Replay, &reply(409, "in_progress", None, "k")));
        let rejected = |code| reply(401, "rejected", Some(code), "k");
        assert!(check(Kind::Forged, &rejected("signature_mismatch")));
        assert!(!check(Kind::Forged, &rejected("timestamp_too_old")));
        assert!(check(Kind::Stale, &rejected("timestamp_too_old")));
        assert!(!check(Kind::Stale, &reply(200, "duplicate", None, "k")));
    }

    #[test]
    fn a_handler_that_ran_twice_or_never_is_reported() {
        let genuine = |event: &str, key: &str| Row {
            provider: Provider::Kyc,
            event: event.into(),
            kind: Kind::Genuine,
            reply: Some(Ok(reply(200, "processed", None, key))),
            ok: true,
        };
        let rows = [genuine("a", "k1"), genuine("b", "k2")];
        let runs = |pairs: &[(&str, u32)]| {
            HashMap::from([(
                Provider::Kyc,
                pairs.iter().map(|(k, n)| ((*k).to_owned(), *n)).collect(),
            )])
        };
        let providers = [Provider::Kyc];
        assert!(
            exactly_once_failures(&providers, &rows, &runs(&[("k1", 1), ("k2", 1)])).is_empty()
        );
        let twice = exactly_once_failures(&providers, &rows, &runs(&[("k1", 2), ("k2", 1)]));
        assert!(
            twice
                .iter()
                .any(|f| f.contains("kyc a: handler ran 2 times")),
            "{twice:?}"
        );
        let never = exactly_once_failures(&providers, &rows, &runs(&[("k1", 1)]));
        assert!(
            never
                .iter()
                .any(|f| f.contains("kyc b: handler ran 0 times")),
            "{never:?}"
        );
        // A run for a key no genuine delivery had is caught by the total.
        let stray =
            exactly_once_failures(&providers, &rows, &runs(&[("k1", 1), ("k2", 1), ("x", 1)]));
        assert!(
            stray
                .iter()
                .any(|f| f.contains("handler ran 3 times for 2 events")),
            "{stray:?}"
        );
    }
}
