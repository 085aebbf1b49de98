//! The inbox in one SQLite file (feature `sqlite`): one table, WAL. Every append,
//! completion, retry and burial commits with `synchronous=FULL` (synced to disk before it
//! returns); a claim commits with `NORMAL`: a claim lost in a crash only puts the
//! delivery back, and the next synced commit carries it. Appends that arrive together
//! share one commit.
//!
//! A row's `due_at` is when it may be claimed: the time it was appended or a retry's
//! due time while pending, the end of its lease while in flight, `NULL` once done or
//! dead. Claiming is one `UPDATE … RETURNING` of the row with the smallest `due_at` not
//! after now, inside `BEGIN IMMEDIATE`, so processes sharing the file never claim a row
//! twice. Every change to a claimed row names its lease token.

use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::{
    millis, new_token, now_ms, Appended, Backend, DeadLetter, Delivery, InboxError, InboxStats, Job,
};

mod connect;
mod group_commit;

use group_commit::GroupCommit;

/// How often, at most, done deliveries past their retention are purged.
const PURGE_EVERY_MS: i64 = 60_000;

pub(crate) struct SqliteInbox {
    connection: Mutex<Connection>,
    appends: GroupCommit,
    path: String,
    last_purge: AtomicI64,
}

impl fmt::Debug for SqliteInbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteInbox")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// A SQLite error as an inbox error.
fn unavailable(error: &rusqlite::Error) -> InboxError {
    InboxError::Unavailable {
        reason: format!("SQLite: {error}"),
    }
}

impl SqliteInbox {
    pub(crate) fn open(path: &str) -> Result<Self, InboxError> {
        let path = path.strip_prefix("//").unwrap_or(path);
        if path.is_empty() {
            return Err(InboxError::InvalidConfig {
                reason: "sqlite: needs a file path (sqlite:PATH)".to_owned(),
            });
        }
        let connection = connect::connect(path)?;
        Ok(SqliteInbox {
            connection: Mutex::new(connection),
            appends: GroupCommit::default(),
            path: path.to_owned(),
            last_purge: AtomicI64::new(0),
        })
    }

    fn connection(&self) -> MutexGuard<'_, Connection> {
        self.connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs one statement that changes the claimed row `job`, or reports the lease lost.
    fn change_claimed(
        &self,
        job: &Job,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<(), InboxError> {
        let changed = self
            .connection()
            .prepare_cached(sql)
            .and_then(|mut statement| statement.execute(params))
            .map_err(|e| unavailable(&e))?;
        if changed == 0 {
            return Err(InboxError::LeaseLost {
                key: job.delivery.idempotency_key.clone(),
            });
        }
        Ok(())
    }

    /// Forgets done deliveries past their retention, at most once a minute.
    fn purge(&self, connection: &Connection, now: i64) -> Result<(), InboxError> {
        let last = self.last_purge.load(Ordering::Relaxed);
        if now - last < PURGE_EVERY_MS
            || self
                .last_purge
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            return Ok(());
        }
        connection
            .execute("DELETE FROM hookshield_inbox WHERE expires_at <= ?1", [now])
            .map(drop)
            .map_err(|e| unavailable(&e))
    }
}

/// Sets `PRAGMA synchronous` (`FULL` everywhere but around a claim).
fn set_synchronous(connection: &Connection, level: &str) -> Result<(), InboxError> {
    connection
        .execute_batch(&format!("PRAGMA synchronous={level}"))
        .map_err(|e| unavailable(&e))
}

/// Claims the row with the smallest due time not after `now`, for `token` until `until`.
fn claim_next(
    connection: &mut Connection,
    token: &str,
    until: i64,
    now: i64,
) -> Result<Option<Job>, InboxError> {
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| unavailable(&e))?;
    let job = transaction
        .prepare_cached(
            "UPDATE hookshield_inbox
                 SET state = 'in_flight', attempts = attempts + 1, lease_token = ?1, due_at = ?2
                 WHERE id = (SELECT id FROM hookshield_inbox
                             WHERE due_at IS NOT NULL AND due_at <= ?3
                             ORDER BY due_at, id LIMIT 1)
                 RETURNING idempotency_key, provider, body, headers, received_at, attempts",
        )
        .and_then(|mut statement| {
            statement
                .query_row(params![token, until, now], |row| {
                    let headers: Option<String> = row.get(3)?;
                    Ok(Job {
                        delivery: Delivery {
                            idempotency_key: row.get(0)?,
                            provider: row.get(1)?,
                            body: row.get::<_, Option<Vec<u8>>>(2)?.unwrap_or_default(),
                            // Unreadable headers fail the signature check again, and
                            // the delivery becomes a dead letter.
                            headers: headers
                                .and_then(|h| serde_json::from_str(&h).ok())
                                .unwrap_or_default(),
                            received_at: row.get(4)?,
                        },
                        attempt: row.get(5)?,
                        token: token.to_owned(),
                    })
                })
                .optional()
        })
        .map_err(|e| unavailable(&e))?;
    transaction.commit().map_err(|e| unavailable(&e))?;
    Ok(job)
}

impl Backend for SqliteInbox {
    fn append(&self, delivery: &Delivery) -> Result<Appended, InboxError> {
        self.appends.append(&self.connection, delivery)
    }

    fn claim(&self, lease: Duration) -> Result<Option<Job>, InboxError> {
        let token = new_token()?;
        let now = now_ms();
        let until = now.saturating_add(millis(lease));
        let mut connection = self.connection();
        // A claim need not reach the disk before it is used: lost in a crash, the delivery
        // is where it was (pending, or in flight under a lease that ends), and the next
        // durable commit (an append, a completion) syncs it with everything before it.
        set_synchronous(&connection, "NORMAL")?;
        let job = claim_next(&mut connection, &token, until, now);
        set_synchronous(&connection, "FULL")?;
        let job = job?;
        if job.is_none() {
            self.purge(&connection, now)?;
        }
        Ok(job)
    }

    fn complete(&self, job: &Job, retention: Duration) -> Result<(), InboxError> {
        let now = now_ms();
        self.change_claimed(
            job,
            "UPDATE hookshield_inbox
             SET state = 'done', due_at = NULL, lease_token = NULL, finished_at = ?3,
                 expires_at = ?4, body = NULL, headers = NULL
             WHERE idempotency_key = ?1 AND lease_token = ?2 AND state = 'in_flight'",
            params![
                job.delivery.idempotency_key,
                job.token,
                now,
                now.saturating_add(millis(retention))
            ],
        )
    }

    fn retry(&self, job: &Job, error: &str, due_in: Duration) -> Result<(), InboxError> {
        let due = now_ms().saturating_add(millis(due_in));
        self.change_claimed(
            job,
            "UPDATE hookshield_inbox
             SET state = 'pending', due_at = ?3, lease_token = NULL, last_error = ?4
             WHERE idempotency_key = ?1 AND lease_token = ?2 AND state = 'in_flight'",
            params![job.delivery.idempotency_key, job.token, due, error],
        )
    }

    fn bury(&self, job: &Job, error: &str) -> Result<(), InboxError> {
        self.change_claimed(
            job,
            "UPDATE hookshield_inbox
             SET state = 'dead', due_at = NULL, lease_token = NULL, last_error = ?3,
                 finished_at = ?4
             WHERE idempotency_key = ?1 AND lease_token = ?2 AND state = 'in_flight'",
            params![job.delivery.idempotency_key, job.token, error, now_ms()],
        )
    }

    fn release(&self, job: &Job) -> Result<(), InboxError> {
        self.change_claimed(
            job,
            "UPDATE hookshield_inbox
             SET state = 'pending', due_at = ?3, lease_token = NULL,
                 attempts = max(attempts - 1, 0)
             WHERE idempotency_key = ?1 AND lease_token = ?2 AND state = 'in_flight'",
            params![job.delivery.idempotency_key, job.token, now_ms()],
        )
    }

    fn stats(&self) -> Result<InboxStats, InboxError> {
        let connection = self.connection();
        let mut stats = InboxStats::default();
        let mut statement = connection
            .prepare_cached(
                "SELECT state, count(*) FROM hookshield_inbox
                 WHERE expires_at IS NULL OR expires_at > ?1 GROUP BY state",
            )
            .map_err(|e| unavailable(&e))?;
        let rows = statement
            .query_map([now_ms()], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
            })
            .map_err(|e| unavailable(&e))?;
        for row in rows {
            let (name, count) = row.map_err(|e| unavailable(&e))?;
            let count = u64::try_from(count).unwrap_or_default();
            match name.as_str() {
                "pending" => stats.pending = count,
                "in_flight" => stats.in_flight = count,
                "done" => stats.done = count,
                _ => stats.dead = count,
            }
        }
        let oldest: Option<i64> = connection
            .query_row(
                "SELECT min(received_at) FROM hookshield_inbox WHERE due_at IS NOT NULL",
                [],
                |row| row.get(0),
            )
            .map_err(|e| unavailable(&e))?;
        stats.oldest_pending_seconds =
            oldest.map(|oldest| (now_ms() - oldest).max(0) as f64 / 1000.0);
        Ok(stats)
    }

    fn dead_letters(&self, limit: usize) -> Result<Vec<DeadLetter>, InboxError> {
        let connection = self.connection();
        let mut statement = connection
            .prepare_cached(
                "SELECT idempotency_key, provider, attempts, coalesce(last_error, ''), finished_at
                 FROM hookshield_inbox WHERE state = 'dead' ORDER BY finished_at, id LIMIT ?1",
            )
            .map_err(|e| unavailable(&e))?;
        let letters = statement
            .query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |row| {
                Ok(DeadLetter {
                    idempotency_key: row.get(0)?,
                    provider: row.get(1)?,
                    attempts: row.get(2)?,
                    last_error: row.get(3)?,
                    failed_at: row.get(4)?,
                })
            })
            .and_then(Iterator::collect)
            .map_err(|e| unavailable(&e))?;
        Ok(letters)
    }

    fn replay(&self, keys: Option<&[&str]>) -> Result<usize, InboxError> {
        const REPLAY: &str = "UPDATE hookshield_inbox
            SET state = 'pending', due_at = ?1, attempts = 0, finished_at = NULL
            WHERE state = 'dead'";
        let now = now_ms();
        let mut connection = self.connection();
        let transaction = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| unavailable(&e))?;
        let replayed = match keys {
            None => transaction.execute(REPLAY, [now]),
            Some(keys) => {
                let mut replayed = 0;
                let mut statement = transaction
                    .prepare(&format!("{REPLAY} AND idempotency_key = ?2"))
                    .map_err(|e| unavailable(&e))?;
                for key in keys {
                    replayed += statement
                        .execute(params![now, key])
                        .map_err(|e| unavailable(&e))?;
                }
                Ok(replayed)
            }
        }
        .map_err(|e| unavailable(&e))?;
        transaction.commit().map_err(|e| unavailable(&e))?;
        Ok(replayed)
    }
}
