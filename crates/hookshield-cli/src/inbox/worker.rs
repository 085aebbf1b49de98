//! `hookshield inbox worker`: run a shell command once per queued delivery, with the
//! core's [`Worker`] (claims with a lease, a second signature check, retries with
//! backoff and jitter, dead letters).

use std::fmt::Write as _;
use std::io::Write as _;

use clap::ArgMatches;
use hookshield::inbox::{
    Finished, InboxError, JobEnd, Shutdown, Verifiers, Worker, WorkerOptions, WorkerSummary,
};
use hookshield::{options, Provider};
use serde_json::json;

use super::InboxArg;
use crate::args::{parse_override, provider_parser, KeyArgs};
use crate::output::{event_json, outln, rfc3339, Style};
use crate::{Failure, Result};

/// Run a shell command once per delivery queued by `listen --inbox`, retrying failures.
///
/// Each delivery is claimed with a lease, its signature checked again with the secret
/// (not its age: it may have waited for hours), and COMMAND run through the shell with
/// the event as one JSON line on its standard input and `HOOKSHIELD_PROVIDER`,
/// `HOOKSHIELD_EVENT_TYPE`, `HOOKSHIELD_IDEMPOTENCY_KEY` and `HOOKSHIELD_ATTEMPT` in its
/// environment. Exit 0 marks the delivery done; any other exit schedules a retry after
/// --backoff, doubling each time with jitter, until --max-attempts, when it becomes a
/// dead letter (`hookshield inbox dead`). A delivery whose signature no longer verifies
/// goes to the dead letters without running COMMAND.
///
/// Delivery to COMMAND is at least once (a worker killed mid-command loses its lease,
/// and another runs the command again after it), marking done exactly once: use
/// HOOKSHIELD_IDEMPOTENCY_KEY to make side effects idempotent. SIGINT or SIGTERM stops
/// the worker gracefully: the commands running finish and are recorded; a second
/// signal exits at once (what was in flight is taken over after its lease).
#[derive(clap::Args)]
#[command(after_help = "Example:\n  \
    export KYC_SECRET=whsec_...\n  \
    hookshield listen -p kyc --secret-env KYC_SECRET --inbox sqlite:inbox.db &\n  \
    hookshield inbox worker --inbox sqlite:inbox.db -p kyc --secret-env KYC_SECRET \\\n    \
    --exec 'jq -c .data >> events.jsonl' --concurrency 4")]
pub(crate) struct Args {
    #[command(flatten)]
    inbox: InboxArg,

    /// A sender whose deliveries this worker handles. Repeat for an inbox that several
    /// `listen` processes fill: each --secret, --secret-env and --set belongs to the -p
    /// before it. A delivery of a provider not named here becomes a dead letter.
    #[arg(long, short = 'p', value_name = "PROVIDER", required = true, value_parser = provider_parser())]
    provider: Vec<Provider>,

    /// A signing secret of the -p before it; repeat for rotation (any may match).
    /// Prefer --secret-env.
    #[arg(long, short = 's', value_name = "SECRET")]
    secret: Vec<String>,

    /// Read a signing secret of the -p before it from this environment variable; may be
    /// repeated.
    #[arg(long, value_name = "NAME")]
    secret_env: Vec<String>,

    /// Override a field of the preset of the -p before it, as `listen --set` does (the
    /// worker checks each signature again with the same scheme).
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = parse_override)]
    overrides: Vec<(String, String)>,

    /// The handler: a shell command run once per delivery, the event as JSON on its
    /// standard input, HOOKSHIELD_PROVIDER, HOOKSHIELD_EVENT_TYPE,
    /// HOOKSHIELD_IDEMPOTENCY_KEY and HOOKSHIELD_ATTEMPT in its environment. Exit 0 marks
    /// the delivery done; anything else retries it.
    #[arg(long, value_name = "COMMAND")]
    exec: String,

    /// How many deliveries are handled at once (threads).
    #[arg(long, allow_negative_numbers = true, value_name = "N", default_value_t = WorkerOptions::default().concurrency as f64)]
    concurrency: f64,

    /// Attempts before a delivery becomes a dead letter.
    #[arg(long, allow_negative_numbers = true, value_name = "N", default_value_t = f64::from(WorkerOptions::default().max_attempts))]
    max_attempts: f64,

    /// Seconds a claim holds: longer than the slowest COMMAND. A worker that dies
    /// mid-command loses the delivery to another worker after this.
    #[arg(long, allow_negative_numbers = true, value_name = "SECS", default_value_t = WorkerOptions::default().lease.as_secs_f64())]
    lease: f64,

    /// Seconds before the first retry; each further retry waits twice as long (up to an
    /// hour), half of it random (jitter).
    #[arg(long, allow_negative_numbers = true, value_name = "SECS", default_value_t = WorkerOptions::default().backoff.as_secs_f64())]
    backoff: f64,

    /// Print one JSON object per handled delivery (JSON lines) instead of text.
    #[arg(long)]
    json: bool,
}

impl Args {
    /// The options, each checked by the core (`hookshield::options`) as every
    /// binding's are.
    fn options(&self) -> Result<WorkerOptions> {
        Ok(WorkerOptions::default()
            .concurrency(options::concurrency(self.concurrency)?)
            .max_attempts(options::max_attempts(self.max_attempts)?)
            .lease(options::lease(self.lease)?)
            .backoff(options::backoff(self.backoff)?))
    }

    /// Each -p with the secrets and overrides that follow it on the command line
    /// (`matches`: this subcommand's, for the positions of its arguments).
    fn keys(&self, matches: &ArgMatches) -> Result<Vec<KeyArgs>> {
        let mut keys: Vec<KeyArgs> = Vec::new();
        for provider in &self.provider {
            if keys.iter().any(|key| key.provider == *provider) {
                return Err(Failure::Usage(format!(
                    "-p {provider} is given twice; put all its secrets after one -p"
                )));
            }
            keys.push(KeyArgs::new(*provider));
        }
        let positions = |id: &str| -> Vec<usize> {
            matches
                .indices_of(id)
                .map(Iterator::collect)
                .unwrap_or_default()
        };
        let providers = positions("provider");
        // Whatever comes before the first -p belongs to it.
        let owner = |position: usize| providers.iter().rposition(|&p| p < position).unwrap_or(0);
        for (secret, at) in self.secret.iter().zip(positions("secret")) {
            keys[owner(at)].secret.push(secret.clone());
        }
        for (name, at) in self.secret_env.iter().zip(positions("secret_env")) {
            keys[owner(at)].secret_env.push(name.clone());
        }
        for (pair, at) in self.overrides.iter().zip(positions("overrides")) {
            keys[owner(at)].overrides.push(pair.clone());
        }
        Ok(keys)
    }
}

pub(crate) fn run(args: &Args, matches: &ArgMatches) -> Result<()> {
    let options = args.options()?;
    let mut verifiers = Verifiers::new();
    let mut names = Vec::new();
    for key in args.keys(matches)? {
        verifiers.insert(key.builder()?.build()?);
        names.push(key.provider.as_str());
    }
    let inbox = args.inbox.open()?;
    let worker = Worker::new(inbox, verifiers, options)?;
    let shutdown = Shutdown::new();
    stop_on_signals(&shutdown)?;
    eprintln!(
        "hookshield: worker for {} deliveries ({} handler(s) at once, {} attempts, lease {} s, first retry after {} s; Ctrl-C to stop)",
        names.join(", "),
        options.concurrency,
        options.max_attempts,
        options.lease.as_secs_f64(),
        options.backoff.as_secs_f64(),
    );
    let _ = std::io::stderr().flush();
    let style = Style::stdout();
    let summary = worker.run_with(
        |event, job| crate::exec::run(&args.exec, event, Some(job.attempt)),
        |end| {
            if args.json {
                outln!("{}", json_line(end));
            } else {
                print_pretty(style, end);
            }
        },
        &shutdown,
    );
    eprintln!("hookshield: worker stopped: {}", describe(&summary));
    Ok(())
}

/// SIGINT and SIGTERM (Ctrl-C, Ctrl-Break and closing the console on Windows) stop the
/// worker gracefully; a second one ends the process at once.
fn stop_on_signals(shutdown: &Shutdown) -> Result<()> {
    let shutdown = shutdown.clone();
    ctrlc::set_handler(move || {
        if shutdown.is_stopped() {
            eprintln!(
                "hookshield: stopping now; deliveries in flight are taken over after their lease"
            );
            std::process::exit(130);
        }
        eprintln!(
            "hookshield: stopping: the commands running finish first (signal again to stop now)"
        );
        shutdown.stop();
    })
    .map_err(|error| Failure::Usage(format!("cannot handle signals: {error}")))
}

fn describe(summary: &WorkerSummary) -> String {
    let mut text = format!(
        "{} done, {} failed attempt(s) to retry, {} dead letter(s)",
        summary.done, summary.retried, summary.dead
    );
    if summary.lease_lost > 0 {
        let _ = write!(
            text,
            ", {} taken over by another worker after the lease",
            summary.lease_lost
        );
    }
    if summary.inbox_errors > 0 {
        let _ = write!(text, ", {} inbox error(s) (retried)", summary.inbox_errors);
    }
    text
}

/// How the inbox recorded the run, as the JSON lines say it: `done`, `retry`, `dead`,
/// `lease_lost` (another worker took the delivery over and runs COMMAND again) or
/// `inbox_error` (not recorded: the delivery is taken over after its lease).
fn result_name(finished: &std::result::Result<Finished, InboxError>) -> &'static str {
    match finished {
        Ok(Finished::Done) => "done",
        Ok(Finished::Retrying { .. }) => "retry",
        Ok(Finished::Dead) => "dead",
        Err(InboxError::LeaseLost { .. }) => "lease_lost",
        Err(_) => "inbox_error",
    }
}

fn json_line(end: &JobEnd<'_>) -> serde_json::Value {
    let mut line = json!({
        "time": rfc3339(time::OffsetDateTime::now_utc()),
        "idempotency_key": end.job.idempotency_key,
        "attempt": end.job.attempt,
        "result": result_name(end.finished),
        "seconds": end.elapsed.as_secs_f64(),
        "event": event_json(end.event),
    });
    if let Some(error) = end.error {
        line["error"] = json!(error);
    }
    match end.finished {
        Ok(Finished::Retrying { due_in }) => line["retry_in"] = json!(due_in.as_secs_f64()),
        Err(error) if !matches!(error, InboxError::LeaseLost { .. }) => {
            line["inbox_error"] = json!(error.to_string());
        }
        _ => {}
    }
    line
}

fn print_pretty(style: Style, end: &JobEnd<'_>) {
    let time = rfc3339(time::OffsetDateTime::now_utc());
    let clock = time.get(11..19).unwrap_or(&time);
    let head = format!(
        "{}  {}  {}  {}",
        style.dim(clock),
        end.event.provider().as_str(),
        style.bold(end.event.event_type()),
        style.dim(&format!(
            "key={} attempt={} {:.2} s",
            end.job.idempotency_key,
            end.job.attempt,
            end.elapsed.as_secs_f64()
        )),
    );
    let error = end
        .error
        .map(|error| format!(": {error}"))
        .unwrap_or_default();
    match end.finished {
        Ok(Finished::Done) => outln!("{head}  {}", style.green("done")),
        Ok(Finished::Retrying { due_in }) => outln!(
            "{head}  {}{error}",
            style.yellow(&format!(
                "failed, will retry in {:.2} s",
                due_in.as_secs_f64()
            ))
        ),
        Ok(Finished::Dead) => outln!("{head}  {}{error}", style.red("dead letter (last attempt)")),
        Err(InboxError::LeaseLost { .. }) => outln!(
            "{head}  {}{error}",
            style.yellow("not recorded: the lease ended and another worker took it over")
        ),
        Err(inbox) => outln!(
            "{head}  {}{error}",
            style.red(&format!(
                "not recorded ({inbox}); taken over after the lease"
            ))
        ),
    }
}
