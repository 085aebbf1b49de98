//! `inbox stats`, `inbox dead` and `inbox replay`: what is in an inbox, and putting dead
//! letters back.

use std::collections::HashSet;

use serde_json::json;

use super::InboxArg;
use crate::output::{outln, Style};
use crate::{Failure, Result};

/// Count the deliveries pending, in flight, done and dead, and the age of the oldest
/// one not yet done or dead.
#[derive(clap::Args)]
pub(crate) struct StatsArgs {
    #[command(flatten)]
    inbox: InboxArg,

    /// Print one JSON object with exactly the keys `pending`, `in_flight`, `done`,
    /// `dead` and `oldest_pending_seconds` (null when nothing is pending or in flight).
    #[arg(long)]
    json: bool,
}

/// List the dead letters (deliveries that failed every attempt, or whose signature no
/// longer verifies), the oldest failure first, with their last error.
#[derive(clap::Args)]
pub(crate) struct DeadArgs {
    #[command(flatten)]
    inbox: InboxArg,

    /// At most this many.
    #[arg(long, value_name = "N", default_value_t = 100)]
    limit: usize,

    /// Print one JSON object per dead letter (JSON lines).
    #[arg(long)]
    json: bool,
}

/// Make dead letters pending again, with their attempts counted from zero, for a worker
/// to take.
#[derive(clap::Args)]
pub(crate) struct ReplayArgs {
    #[command(flatten)]
    inbox: InboxArg,

    /// The idempotency keys of the dead letters to replay (as `inbox dead` lists them).
    #[arg(
        value_name = "KEY",
        required_unless_present = "all_dead",
        conflicts_with = "all_dead"
    )]
    keys: Vec<String>,

    /// Replay every dead letter.
    #[arg(long)]
    all_dead: bool,
}

pub(crate) fn stats(args: &StatsArgs) -> Result<()> {
    let stats = args.inbox.open()?.stats().map_err(unavailable)?;
    if args.json {
        outln!(
            "{}",
            json!({
                "pending": stats.pending,
                "in_flight": stats.in_flight,
                "done": stats.done,
                "dead": stats.dead,
                "oldest_pending_seconds": stats.oldest_pending_seconds,
            })
        );
        return Ok(());
    }
    let oldest = stats
        .oldest_pending_seconds
        .map_or_else(|| "-".to_owned(), |seconds| format!("{seconds:.1}"));
    outln!("pending                 {}", stats.pending);
    outln!("in_flight               {}", stats.in_flight);
    outln!("done                    {}", stats.done);
    outln!("dead                    {}", stats.dead);
    outln!("oldest_pending_seconds  {oldest}");
    Ok(())
}

pub(crate) fn dead(args: &DeadArgs) -> Result<()> {
    let letters = args
        .inbox
        .open()?
        .dead_letters(args.limit)
        .map_err(unavailable)?;
    let style = Style::stdout();
    for letter in &letters {
        let failed_at = crate::output::rfc3339_ms(letter.failed_at);
        if args.json {
            outln!(
                "{}",
                json!({
                    "idempotency_key": letter.idempotency_key,
                    "provider": letter.provider,
                    "attempts": letter.attempts,
                    "failed_at": failed_at,
                    "last_error": letter.last_error,
                })
            );
        } else {
            outln!(
                "{}  {}  {}  attempts={}  {}",
                style.dim(&failed_at),
                letter.provider,
                style.bold(&letter.idempotency_key),
                letter.attempts,
                style.red(&letter.last_error),
            );
        }
    }
    if !args.json {
        eprintln!("{} dead letter(s)", letters.len());
    }
    Ok(())
}

pub(crate) fn replay(args: &ReplayArgs) -> Result<()> {
    let inbox = args.inbox.open()?;
    // Each key once: a key named twice is one dead letter, not one missing.
    let mut seen = HashSet::new();
    let keys: Vec<&str> = args
        .keys
        .iter()
        .map(String::as_str)
        .filter(|key| seen.insert(*key))
        .collect();
    let replayed = if args.all_dead {
        inbox.replay_all_dead()
    } else {
        inbox.replay(&keys)
    }
    .map_err(unavailable)?;
    outln!("{replayed} dead letter(s) made pending again");
    if !args.all_dead && replayed < keys.len() {
        eprintln!(
            "{} key(s) were not dead letters (unknown, pending, in flight or done)",
            keys.len() - replayed
        );
        return Err(Failure::Failed);
    }
    Ok(())
}

/// The inbox could not be read or written: a usage error (exit 2), as an unreachable
/// store is for `listen`.
fn unavailable(error: impl std::fmt::Display) -> Failure {
    Failure::Usage(format!("--inbox: {error}"))
}
