//! Group commit: appends that arrive together share one transaction, so one sync to disk.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use rusqlite::{params, Connection, TransactionBehavior};

use super::unavailable;
use crate::inbox::{now_ms, Appended, Delivery, InboxError};

/// Appends wait here for the connection, and whoever holds it next commits every waiting
/// append in one transaction, then leaves each its answer. Lock order: the connection,
/// then this.
#[derive(Default)]
pub(super) struct GroupCommit {
    appends: Mutex<Appends>,
}

#[derive(Default)]
struct Appends {
    next_ticket: u64,
    waiting: Vec<(u64, Row)>,
    answers: HashMap<u64, Result<Appended, InboxError>>,
}

/// A delivery as appended.
struct Row {
    key: String,
    provider: String,
    body: Vec<u8>,
    headers: String,
    received_at: i64,
}

/// Inserts `batch` in one transaction: what each insert did, or why the commit failed.
fn commit_appends(
    connection: &mut Connection,
    batch: &[(u64, Row)],
) -> Result<Vec<Appended>, InboxError> {
    let now = now_ms();
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| unavailable(&e))?;
    let mut answers = Vec::with_capacity(batch.len());
    {
        let mut insert = transaction
            .prepare_cached(
                "INSERT OR IGNORE INTO hookshield_inbox
                 (idempotency_key, provider, body, headers, received_at, state, due_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6)",
            )
            .map_err(|e| unavailable(&e))?;
        for (_, row) in batch {
            let inserted = insert
                .execute(params![
                    row.key,
                    row.provider,
                    row.body,
                    row.headers,
                    row.received_at,
                    now
                ])
                .map_err(|e| unavailable(&e))?;
            answers.push(if inserted == 1 {
                Appended::Queued
            } else {
                Appended::Duplicate
            });
        }
    }
    transaction.commit().map_err(|e| unavailable(&e))?;
    Ok(answers)
}

impl GroupCommit {
    /// Appends `delivery` through `connection`, with whatever else waits for it.
    pub(super) fn append(
        &self,
        connection: &Mutex<Connection>,
        delivery: &Delivery,
    ) -> Result<Appended, InboxError> {
        let row = Row {
            key: delivery.idempotency_key.clone(),
            provider: delivery.provider.clone(),
            body: delivery.body.clone(),
            headers: serde_json::to_string(&delivery.headers).map_err(|e| {
                InboxError::Unavailable {
                    reason: format!("headers not storable: {e}"),
                }
            })?,
            received_at: delivery.received_at,
        };
        let ticket = {
            let mut appends = self.appends();
            let ticket = appends.next_ticket;
            appends.next_ticket += 1;
            appends.waiting.push((ticket, row));
            ticket
        };
        let mut connection = connection.lock().unwrap_or_else(PoisonError::into_inner);
        let batch = {
            let mut appends = self.appends();
            if let Some(answer) = appends.answers.remove(&ticket) {
                return answer; // committed by the holder before us
            }
            std::mem::take(&mut appends.waiting)
        };
        let answers = commit_appends(&mut connection, &batch);
        let mut appends = self.appends();
        let mut own = None;
        for (i, (other, _)) in batch.iter().enumerate() {
            let answer = answers.as_ref().map(|a| a[i]).map_err(Clone::clone);
            if *other == ticket {
                own = Some(answer);
            } else {
                appends.answers.insert(*other, answer);
            }
        }
        own.unwrap_or_else(|| unreachable!("an append waits in the batch until answered"))
    }

    fn appends(&self) -> MutexGuard<'_, Appends> {
        self.appends.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
