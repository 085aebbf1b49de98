//! The inbox in Redis (feature `redis`), for receivers on many machines.
//!
//! Keys, under the prefix `hookshield-inbox:` (beside, never inside, the idempotency
//! store's default prefix `hookshield:`, under which any event id may follow):
//! - `d:{key}`: a hash per delivery (provider, body, headers, received time, state,
//!   attempts, lease token, its current stream entry, last error);
//! - `stream`: the deliveries ready to be claimed, read by the consumer group `workers`;
//!   a claim is a read of the group, so a claimed delivery stays in the group's pending
//!   list until it is finished;
//! - `leases`: a sorted set of in-flight deliveries by the end of their lease; a claim
//!   takes a delivery whose lease ended first, `XCLAIM`ing its entry (the holder's lease
//!   decides, whatever lease the claimer asks for);
//! - `retry`: a sorted set of scheduled retries by due time, moved into the stream when
//!   due;
//! - `live` (pending and in flight, by received time), `done` (by expiry) and `dead` (by
//!   failure time): sorted sets for counts, the oldest age and the dead letters.
//!
//! Every step is one Lua script, so it is atomic, and a finishing step first checks the
//! lease token. (The scripts reach keys they name themselves: one Redis server, not a
//! Redis Cluster.) What survives a Redis restart is what Redis's persistence keeps: with
//! `appendonly yes` and `appendfsync always` every acknowledged append does.

use std::fmt;
use std::time::Duration;

use redis::Script;

use super::{
    millis, new_token, Appended, Backend, DeadLetter, Delivery, InboxError, InboxStats, Job,
};
use crate::idempotency::DEFAULT_TIMEOUT;
use crate::redis_pool::Pool;

mod scripts;

const PREFIX: &str = "hookshield-inbox:";
const GROUP: &str = "workers";

pub(crate) struct RedisInbox {
    pool: Pool,
    consumer: String,
    scripts: Scripts,
}

struct Scripts {
    append: Script,
    claim: Script,
    complete: Script,
    retry: Script,
    bury: Script,
    release: Script,
    stats: Script,
    dead_letters: Script,
    replay: Script,
}

impl fmt::Debug for RedisInbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisInbox")
            .field("addr", &self.pool.addr())
            .field("prefix", &PREFIX)
            .finish_non_exhaustive()
    }
}

fn unavailable(reason: String) -> InboxError {
    InboxError::Unavailable { reason }
}

fn key(name: &str) -> String {
    format!("{PREFIX}{name}")
}

fn hash(idempotency_key: &str) -> String {
    format!("{PREFIX}d:{idempotency_key}")
}

/// A claimed delivery as the claim script returns it.
type Claimed = (String, u32, String, Vec<u8>, String, i64);

impl RedisInbox {
    pub(crate) fn open(url: &str) -> Result<Self, InboxError> {
        let pool = Pool::open(url, DEFAULT_TIMEOUT)
            .map_err(|reason| InboxError::InvalidConfig { reason })?;
        Ok(RedisInbox {
            pool,
            consumer: format!("consumer-{}", new_token()?),
            scripts: Scripts {
                append: Script::new(scripts::APPEND),
                claim: Script::new(scripts::CLAIM),
                complete: Script::new(scripts::COMPLETE),
                retry: Script::new(scripts::RETRY),
                bury: Script::new(scripts::BURY),
                release: Script::new(scripts::RELEASE),
                stats: Script::new(scripts::STATS),
                dead_letters: Script::new(scripts::DEAD_LETTERS),
                replay: Script::new(scripts::REPLAY),
            },
        })
    }

    fn run<T: redis::FromRedisValue>(
        &self,
        call: impl Fn(&mut redis::Connection) -> redis::RedisResult<T>,
    ) -> Result<T, InboxError> {
        self.pool.with_connection(call).map_err(unavailable)
    }

    /// Runs a finishing script on `job`, with `KEYS` after the hash, stream and leases and
    /// `ARGV` after the token, group and key.
    fn finish(
        &self,
        script: &Script,
        job: &Job,
        keys: &[&str],
        args: &[&str],
    ) -> Result<(), InboxError> {
        let key = &job.delivery.idempotency_key;
        let held: i64 = self.run(|connection| {
            let mut invocation = script.key(hash(key));
            invocation.key(self::key("stream")).key(self::key("leases"));
            for name in keys {
                invocation.key(self::key(name));
            }
            invocation.arg(&job.token).arg(GROUP).arg(key);
            for arg in args {
                invocation.arg(*arg);
            }
            invocation.invoke(connection)
        })?;
        if held == 0 {
            return Err(InboxError::LeaseLost { key: key.clone() });
        }
        Ok(())
    }
}

impl Backend for RedisInbox {
    fn append(&self, delivery: &Delivery) -> Result<Appended, InboxError> {
        let headers = serde_json::to_string(&delivery.headers)
            .map_err(|e| unavailable(format!("headers not storable: {e}")))?;
        // Safe to repeat after a lost answer: the repeat finds the key and says duplicate.
        let added: i64 = self.run(|connection| {
            self.scripts
                .append
                .key(hash(&delivery.idempotency_key))
                .key(key("stream"))
                .key(key("live"))
                .arg(&delivery.idempotency_key)
                .arg(&delivery.provider)
                .arg(&delivery.body)
                .arg(&headers)
                .arg(delivery.received_at)
                .invoke(connection)
        })?;
        Ok(if added == 1 {
            Appended::Queued
        } else {
            Appended::Duplicate
        })
    }

    fn claim(&self, lease: Duration) -> Result<Option<Job>, InboxError> {
        let token = new_token()?;
        // A repeat after a lost answer leaves the first claim in this consumer's pending
        // list, where it is taken over once its lease ends.
        let claimed: Option<Claimed> = self.run(|connection| {
            self.scripts
                .claim
                .key(key("stream"))
                .key(key("retry"))
                .key(key("leases"))
                .arg(GROUP)
                .arg(&self.consumer)
                .arg(millis(lease).max(1))
                .arg(&token)
                .arg(key("d:"))
                .invoke(connection)
        })?;
        Ok(claimed.map(
            |(idempotency_key, attempt, provider, body, headers, received_at)| Job {
                delivery: Delivery {
                    provider,
                    idempotency_key,
                    body,
                    // Unreadable headers fail the signature check again, and the delivery
                    // becomes a dead letter.
                    headers: serde_json::from_str(&headers).unwrap_or_default(),
                    received_at,
                },
                attempt,
                token: token.clone(),
            },
        ))
    }

    fn complete(&self, job: &Job, retention: Duration) -> Result<(), InboxError> {
        let retention = millis(retention).max(1).to_string();
        self.finish(
            &self.scripts.complete,
            job,
            &["live", "done"],
            &[&retention],
        )
    }

    fn retry(&self, job: &Job, error: &str, due_in: Duration) -> Result<(), InboxError> {
        let delay = millis(due_in).to_string();
        self.finish(&self.scripts.retry, job, &["retry"], &[&delay, error])
    }

    fn bury(&self, job: &Job, error: &str) -> Result<(), InboxError> {
        self.finish(&self.scripts.bury, job, &["live", "dead"], &[error])
    }

    fn release(&self, job: &Job) -> Result<(), InboxError> {
        self.finish(&self.scripts.release, job, &[], &[])
    }

    fn stats(&self) -> Result<InboxStats, InboxError> {
        let (in_flight, live, done, dead, age): (u64, u64, u64, u64, i64) =
            self.run(|connection| {
                self.scripts
                    .stats
                    .key(key("leases"))
                    .key(key("live"))
                    .key(key("done"))
                    .key(key("dead"))
                    .invoke(connection)
            })?;
        Ok(InboxStats {
            pending: live.saturating_sub(in_flight),
            in_flight,
            done,
            dead,
            oldest_pending_seconds: (age >= 0).then(|| age as f64 / 1000.0),
        })
    }

    fn dead_letters(&self, limit: usize) -> Result<Vec<DeadLetter>, InboxError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let flat: Vec<String> = self.run(|connection| {
            self.scripts
                .dead_letters
                .key(key("dead"))
                .arg(key("d:"))
                .arg(limit)
                .invoke(connection)
        })?;
        Ok(flat
            .chunks_exact(5)
            .map(|letter| DeadLetter {
                idempotency_key: letter[0].clone(),
                provider: letter[1].clone(),
                attempts: letter[2].parse().unwrap_or_default(),
                last_error: letter[3].clone(),
                failed_at: letter[4].parse().unwrap_or_default(),
            })
            .collect())
    }

    fn replay(&self, keys: Option<&[&str]>) -> Result<usize, InboxError> {
        self.run(|connection| {
            let mut invocation = self.scripts.replay.key(key("stream"));
            invocation
                .key(key("live"))
                .key(key("dead"))
                .arg(key("d:"))
                .arg(if keys.is_some() { "keys" } else { "all" });
            for key in keys.unwrap_or_default() {
                invocation.arg(*key);
            }
            invocation.invoke(connection)
        })
    }
}
