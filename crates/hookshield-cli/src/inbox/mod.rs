//! `hookshield inbox`: work off a durable inbox that `listen --inbox` fills, and look
//! into it (counts, dead letters, replay).

mod admin;
mod worker;

use hookshield::inbox::Inbox;

use crate::{Failure, Result};

/// Work off and inspect a durable inbox (`sqlite:PATH` or `redis://...`) that
/// `hookshield listen --inbox URL` fills.
///
/// `listen --inbox` verifies each delivery, appends it durably and answers at once
/// (`{"outcome":"queued"}`); `inbox worker` runs the handler later, once per delivery,
/// retrying failures with backoff until they succeed or go to the dead letters.
#[derive(clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Command,
}

// Each subcommand's help is its arguments' doc comment.
#[derive(clap::Subcommand)]
enum Command {
    Worker(worker::Args),
    Stats(admin::StatsArgs),
    Dead(admin::DeadArgs),
    Replay(admin::ReplayArgs),
}

/// `--inbox URL`, which every inbox command takes.
#[derive(clap::Args)]
pub(crate) struct InboxArg {
    /// The inbox: `sqlite:PATH` (a file on this machine) or `redis://[:password@]host:port/db`.
    #[arg(long = "inbox", value_name = "sqlite:PATH|redis://...")]
    pub(crate) url: String,
}

impl InboxArg {
    /// Opens the inbox. Its errors never repeat the URL, which may hold a password.
    pub(crate) fn open(&self) -> Result<Inbox> {
        open(&self.url)
    }
}

/// Opens the inbox at `url`, or says why not without repeating the URL.
pub(crate) fn open(url: &str) -> Result<Inbox> {
    Inbox::open(url).map_err(|error| Failure::Usage(format!("--inbox: {error}")))
}

/// Runs an inbox command; `matches` are `inbox`'s own (the worker reads the positions
/// of its arguments from them).
pub(crate) fn run(args: &Args, matches: &clap::ArgMatches) -> Result<()> {
    match &args.command {
        Command::Worker(args) => {
            let empty = clap::ArgMatches::default();
            let worker = matches.subcommand_matches("worker").unwrap_or(&empty);
            worker::run(args, worker)
        }
        Command::Stats(args) => admin::stats(args),
        Command::Dead(args) => admin::dead(args),
        Command::Replay(args) => admin::replay(args),
    }
}
