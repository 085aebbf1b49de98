//! The demo's inbox part: every provider's genuine samples to receivers that queue them
//! in a SQLite inbox (as `listen --inbox` does), acknowledged at once, then worked off by
//! a worker whose handler is slow (as `inbox worker` does).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use hookshield::inbox::{Inbox, Shutdown, Verifiers, Worker, WorkerOptions};
use hookshield::{Provider, Secret, Verifier};
use serde_json::{json, Value};

use super::random_secret;
use crate::args::{event_header_value, sample_body};
use crate::delivery::{deliver, Extras, Signer};
use crate::server::{address, bind, serve, Limits, Mode, Receiver};
use crate::{Failure, Result};

/// How long the demo's handler takes for each delivery.
const SLOW: Duration = Duration::from_millis(100);

/// How many deliveries the demo's worker handles at once.
const CONCURRENCY: usize = 8;

/// What the inbox part found.
pub(super) struct InboxRun {
    /// Deliveries sent, and those answered `200 queued`.
    sent: usize,
    queued: usize,
    /// The time each `queued` answer took, sorted.
    ack_times: Vec<Duration>,
    /// From the worker's start to the last delivery done.
    worked_off_in: Duration,
    done: u64,
    dead: u64,
    /// Whether the handler ran exactly once for every queued delivery.
    once: bool,
    /// What did not hold.
    pub(super) problems: Vec<String>,
}

/// Queues every genuine sample of `providers` through HTTP receivers on `runtime`, then
/// works them off with a slow handler.
pub(super) fn run(
    providers: &[Provider],
    runtime: &tokio::runtime::Runtime,
    agent: &ureq::Agent,
) -> Result<InboxRun> {
    let dir = std::env::temp_dir().join(format!("hookshield-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir)
        .map_err(|e| Failure::Usage(format!("cannot create {}: {e}", dir.display())))?;
    let result = queue_and_work_off(providers, runtime, agent, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn queue_and_work_off(
    providers: &[Provider],
    runtime: &tokio::runtime::Runtime,
    agent: &ureq::Agent,
    dir: &std::path::Path,
) -> Result<InboxRun> {
    let inbox = crate::inbox::open(&format!("sqlite:{}", dir.join("inbox.db").display()))?;
    let mut verifiers = Verifiers::new();
    let mut run = InboxRun {
        sent: 0,
        queued: 0,
        ack_times: Vec::new(),
        worked_off_in: Duration::ZERO,
        done: 0,
        dead: 0,
        once: false,
        problems: Vec::new(),
    };
    let mut keys = Vec::new();
    for &provider in providers {
        let secret = random_secret(provider);
        let verifier = Verifier::new(provider, [secret.as_str()])?;
        verifiers.insert(verifier.clone());
        let receiver = Receiver {
            verifier,
            mode: Mode::Inbox(inbox.clone()),
            limits: Limits::default(),
            report: Box::new(|_| {}),
        };
        let listener = bind(0)?;
        let url = format!("http://{}/webhooks/{provider}", address(&listener));
        runtime.spawn(serve(listener, Arc::new(receiver)));
        let scheme = provider.scheme();
        let secret = Secret::from(secret.as_str());
        let signer = Signer {
            provider,
            scheme: &scheme,
            secret: &secret,
            stale_by: 0,
        };
        let genuine_only = Extras {
            replay: false,
            forge: false,
            stale: false,
        };
        for event in hookshield::sample_types(provider) {
            let body = sample_body(provider, event)?;
            let name = event_header_value(provider, event);
            let delivery = signer
                .deliveries(body.as_bytes(), Some(&name), genuine_only)?
                .remove(0)
                .expect("the genuine delivery");
            run.sent += 1;
            let started = Instant::now();
            match deliver(agent, &url, &delivery) {
                Ok(reply) if reply.status == 200 && reply.outcome.as_deref() == Some("queued") => {
                    run.ack_times.push(started.elapsed());
                    run.queued += 1;
                    keys.extend(reply.key);
                }
                Ok(reply) => run.problems.push(format!(
                    "inbox: {provider} {event} answered {} {}",
                    reply.status, reply.summary
                )),
                Err(error) => run
                    .problems
                    .push(format!("inbox: {provider} {event}: {error}")),
            }
        }
    }
    run.ack_times.sort_unstable();

    let started = Instant::now();
    let runs = work_off(&inbox, verifiers, run.queued)?;
    run.worked_off_in = started.elapsed();
    let stats = inbox
        .stats()
        .map_err(|e| Failure::Usage(format!("the demo's inbox: {e}")))?;
    (run.done, run.dead) = (stats.done, stats.dead);
    run.once = runs.len() == keys.len() && keys.iter().all(|key| runs.get(key) == Some(&1));
    if !run.once {
        run.problems
            .push("inbox: the handler did not run exactly once per queued delivery".into());
    }
    if stats.done != run.queued as u64 || stats.pending + stats.in_flight + stats.dead > 0 {
        run.problems.push(format!(
            "inbox: {} done, {} pending, {} in flight, {} dead after the worker",
            stats.done, stats.pending, stats.in_flight, stats.dead
        ));
    }
    Ok(run)
}

/// Runs the core's worker with a slow handler until `expected` deliveries were handled
/// (or 30 s passed); the handler's runs per idempotency key.
fn work_off(inbox: &Inbox, verifiers: Verifiers, expected: usize) -> Result<HashMap<String, u32>> {
    let options = WorkerOptions::default()
        .concurrency(CONCURRENCY)
        .poll_interval(Duration::from_millis(10));
    let worker = Worker::new(inbox.clone(), verifiers, options)?;
    let shutdown = Shutdown::new();
    let handled = AtomicUsize::new(0);
    let runs = Mutex::new(HashMap::new());
    std::thread::scope(|scope| {
        // A watchdog, so that a delivery that never comes cannot hold the demo.
        scope.spawn(|| {
            let deadline = Instant::now() + Duration::from_secs(30);
            while !shutdown.is_stopped() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            shutdown.stop();
        });
        if expected == 0 {
            shutdown.stop();
        }
        worker.run(
            |event, _job| {
                std::thread::sleep(SLOW);
                *runs
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .entry(event.idempotency_key().to_owned())
                    .or_insert(0) += 1;
                if handled.fetch_add(1, Ordering::SeqCst) + 1 == expected {
                    shutdown.stop();
                }
                Ok::<(), String>(())
            },
            &shutdown,
        );
    });
    Ok(runs.into_inner().unwrap_or_else(PoisonError::into_inner))
}

impl InboxRun {
    fn ack_ms(&self, quantile: f64) -> f64 {
        let last = self.ack_times.len().saturating_sub(1);
        self.ack_times
            .get((last as f64 * quantile).round() as usize)
            .map_or(0.0, |time| time.as_secs_f64() * 1000.0)
    }

    /// The lines of the table view.
    pub(super) fn lines(&self) -> [String; 3] {
        [
            format!(
                "Inbox: the genuine deliveries again, to receivers that queue them in SQLite (`listen --inbox`), then a worker whose handler takes {} ms (`inbox worker`)",
                SLOW.as_millis()
            ),
            format!(
                "  queued     {}/{} acknowledged (200 queued) in {:.1} ms each (median; slowest {:.1} ms): inline, each answer would wait {} ms for its handler",
                self.queued,
                self.sent,
                self.ack_ms(0.5),
                self.ack_ms(1.0),
                SLOW.as_millis()
            ),
            format!(
                "  worked off {}/{} done in {:.2} s, {CONCURRENCY} at a time; {} dead; the handler ran {}",
                self.done,
                self.queued,
                self.worked_off_in.as_secs_f64(),
                self.dead,
                if self.once { "once for each" } else { "NOT once for each" }
            ),
        ]
    }

    /// The `inbox` member of the JSON summary.
    pub(super) fn json(&self) -> Value {
        json!({
            "sent": self.sent,
            "queued": self.queued,
            "ack_ms_p50": self.ack_ms(0.5),
            "ack_ms_max": self.ack_ms(1.0),
            "handler_ms": SLOW.as_millis() as u64,
            "worked_off_seconds": self.worked_off_in.as_secs_f64(),
            "done": self.done,
            "dead": self.dead,
            "handler_ran_once_each": self.once,
        })
    }
}
