//! `hookshield`: verify, sign, send and receive webhook deliveries from the command line.
//!
//! Every rule (signatures, replay windows, envelopes, idempotency, response statuses)
//! comes from the `hookshield` core crate; this binary only reads arguments, moves bytes
//! over HTTP and prints results.
//!
//! Exit codes: 0 success; 1 a delivery failed verification (`verify`) or a check failed
//! (`send`, `demo`, `inbox replay` of a key that is no dead letter); 2 bad usage or
//! configuration (including an unavailable store or inbox).

mod args;
mod delivery;
mod demo;
mod exec;
mod inbox;
mod listen;
mod output;
mod send;
mod server;
mod sign;
mod verify;

use std::process::ExitCode;

use clap::{CommandFactory as _, FromArgMatches as _, Parser, Subcommand};

/// Verify, sign, send and receive webhook deliveries (Sentinel, DocIntell, Sentrasa,
/// KYC-Webhooks, Sensei, GitHub, Standard Webhooks, Stripe, Svix, Slack, Shopify, Paddle,
/// custom).
///
/// Secrets are never printed: not in errors, not in `listen` output. Pass them with
/// `--secret-env NAME` to keep them out of your shell history.
#[derive(Parser)]
#[command(name = "hookshield", version, about, long_about)]
#[command(
    after_help = "Start with `hookshield demo`: every provider, every sample event, \
                         genuine, duplicate, forged and stale deliveries over real HTTP."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Verify one delivery (body and headers) and print the event as JSON.
    Verify(verify::Args),
    /// Print the headers (and sample body) a provider would send, or a curl command.
    Sign(sign::Args),
    /// Deliver signed sample events to a receiver and report the status each got.
    Send(send::Args),
    /// Run a local receiver on 127.0.0.1 that verifies, de-duplicates and prints.
    Listen(listen::Args),
    /// Work off and inspect a durable inbox that `listen --inbox` fills: worker, stats,
    /// dead, replay.
    Inbox(inbox::Args),
    /// Run every provider's sample events against local receivers and check the results.
    Demo(demo::Args),
}

/// Why a command did not succeed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// A hookshield error: a rejected delivery (exit 1) or a configuration error (exit 2).
    Core(hookshield::Error),
    /// Bad usage, an unreadable file, an unavailable feature: exit 2.
    Usage(String),
    /// The command ran and has already reported what went wrong: exit 1.
    Failed,
}

impl From<hookshield::Error> for Failure {
    fn from(error: hookshield::Error) -> Self {
        Failure::Core(error)
    }
}

pub(crate) type Result<T, E = Failure> = std::result::Result<T, E>;

fn main() -> ExitCode {
    // The matches are kept: `inbox worker` reads where each -p and secret came.
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|error| error.exit());
    let result = match cli.command {
        Command::Verify(args) => verify::run(&args),
        Command::Sign(args) => sign::run(&args),
        Command::Send(args) => send::run(&args),
        Command::Listen(args) => listen::run(&args),
        Command::Inbox(args) => {
            let inbox = matches
                .subcommand_matches("inbox")
                .expect("the inbox subcommand");
            inbox::run(&args, inbox)
        }
        Command::Demo(args) => demo::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Core(error)) => {
            eprintln!("error[{}]: {error}", error.code().as_str());
            if error.kind() == hookshield::ErrorKind::Config {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Failed) => ExitCode::from(1),
    }
}
