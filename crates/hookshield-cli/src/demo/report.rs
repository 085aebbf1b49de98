//! What `demo` prints: a table and a verdict, or JSON lines and a summary.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::Duration;

use hookshield::Provider;
use serde_json::json;

use super::Row;
use crate::delivery::Kind;
use crate::output::outln;
use crate::output::Style;

fn cell(row: &Row) -> String {
    match &row.reply {
        None => "n/a (no timestamp)".to_owned(),
        Some(Ok(reply)) => format!("{} {}", reply.status, reply.summary),
        Some(Err(error)) => format!("error: {error}"),
    }
}

pub(super) fn print_table(
    rows: &[Row],
    runs: &HashMap<Provider, HashMap<String, u32>>,
    provider_count: usize,
    elapsed: Duration,
) {
    let style = Style::stdout();
    let event_width = rows.iter().map(|r| r.event.len()).max().unwrap_or(5).max(5);
    let widths = [14, 14, 23, 22];
    outln!(
        "{}",
        style.bold(&format!(
            "{:<9}  {:<event_width$}  {:<14}  {:<14}  {:<23}  {:<22}  {}",
            "provider", "event", "genuine", "duplicate", "forged", "stale", "handler runs"
        ))
    );
    for event_rows in rows.chunks(4) {
        let first = &event_rows[0];
        let mut line = format!(
            "{:<9}  {:<event_width$}",
            first.provider.as_str(),
            first.event
        );
        for (row, width) in event_rows.iter().zip(widths) {
            let text = cell(row);
            let paint = match (&row.reply, row.ok) {
                (None, _) => Style::dim,
                (_, true) => Style::green,
                (_, false) => Style::red,
            };
            line.push_str("  ");
            line.push_str(&style.pad(&text, width, paint));
        }
        let count = first
            .reply
            .as_ref()
            .and_then(|r| r.as_ref().ok())
            .and_then(|r| r.key.as_ref())
            .and_then(|key| runs.get(&first.provider)?.get(key))
            .copied()
            .unwrap_or(0);
        let count_text = count.to_string();
        line.push_str("  ");
        line.push_str(&if count == 1 {
            style.green(&count_text)
        } else {
            style.red(&count_text)
        });
        outln!("{line}");
    }

    let of = |kind: Kind| rows.iter().filter(move |r| r.kind == kind);
    let tally = |kind: Kind| {
        let sent = of(kind).filter(|r| r.reply.is_some()).count();
        let ok = of(kind).filter(|r| r.reply.is_some() && r.ok).count();
        (ok, sent)
    };
    let events = of(Kind::Genuine).count();
    let deliveries = rows.iter().filter(|r| r.reply.is_some()).count();
    let runs_total: u32 = runs.values().flat_map(HashMap::values).sum();
    let mut no_timestamp: Vec<&str> = of(Kind::Stale)
        .filter(|r| r.reply.is_none())
        .map(|r| r.provider.as_str())
        .collect();
    no_timestamp.dedup();
    outln!();
    outln!(
        "{provider_count} {}, {events} events, {deliveries} deliveries over HTTP on 127.0.0.1 in {:.2} s",
        if provider_count == 1 { "provider" } else { "providers" },
        elapsed.as_secs_f64()
    );
    let (ok, sent) = tally(Kind::Genuine);
    outln!("  genuine    {ok}/{sent} processed (200); the handler ran {runs_total} times in all");
    let (ok, sent) = tally(Kind::Replay);
    outln!("  duplicate  {ok}/{sent} acknowledged (200) without running the handler again");
    let (ok, sent) = tally(Kind::Forged);
    outln!("  forged     {ok}/{sent} rejected (401 signature_mismatch)");
    let (ok, sent) = tally(Kind::Stale);
    let skipped = of(Kind::Stale).count() - sent;
    let mut stale_line = format!("  stale      {ok}/{sent} rejected (401 timestamp_too_old)");
    if skipped > 0 {
        let _ = write!(
            stale_line,
            "; {skipped} n/a: {} sign no timestamp (their replays are caught as duplicates)",
            no_timestamp.join(", ")
        );
    }
    outln!("{stale_line}");
}

pub(super) fn print_json(
    rows: &[Row],
    runs: &HashMap<Provider, HashMap<String, u32>>,
    once_failures: &[String],
    elapsed: Duration,
    inbox: &serde_json::Value,
) {
    for row in rows {
        let mut line = json!({
            "provider": row.provider.as_str(),
            "event": row.event,
            "delivery": if row.kind == Kind::Replay { "duplicate" } else { row.kind.as_str() },
            "ok": row.ok,
        });
        match &row.reply {
            None => line["skipped"] = json!("the provider signs no timestamp"),
            Some(Ok(reply)) => {
                line["status"] = json!(reply.status);
                line["outcome"] = json!(reply.outcome);
                line["code"] = json!(reply.code);
                line["idempotency_key"] = json!(reply.key);
                if row.kind == Kind::Genuine {
                    let count = reply
                        .key
                        .as_ref()
                        .and_then(|key| runs.get(&row.provider)?.get(key))
                        .copied()
                        .unwrap_or(0);
                    line["handler_runs"] = json!(count);
                }
            }
            Some(Err(error)) => line["error"] = json!(error),
        }
        outln!("{line}");
    }
    let failed = rows.iter().filter(|r| !r.ok).count() + once_failures.len();
    outln!(
        "{}",
        json!({
            "summary": {
                "deliveries": rows.iter().filter(|r| r.reply.is_some()).count(),
                "events": rows.iter().filter(|r| r.kind == Kind::Genuine).count(),
                "handler_runs": runs.values().flat_map(HashMap::values).sum::<u32>(),
                "failed_checks": failed,
                "problems": once_failures,
                "seconds": elapsed.as_secs_f64(),
                "inbox": inbox,
                "ok": failed == 0,
            }
        })
    );
}
