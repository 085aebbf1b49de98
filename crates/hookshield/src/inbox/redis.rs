//! The inbox in Redis (feature `redis`), for receivers on many machines.
//!
//! Keys, under the prefix `hookshield:inbox:`:
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

const PREFIX: &str = "hookshield:inbox:";
const GROUP: &str = "workers";

/// `KEYS`: the delivery's hash, stream, live. `ARGV`: key, provider, body, headers,
/// received time.
const APPEND: &str = r"
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local entry = redis.call('XADD', KEYS[2], '*', 'k', ARGV[1])
redis.call('HSET', KEYS[1], 'provider', ARGV[2], 'body', ARGV[3], 'headers', ARGV[4],
  'received_at', ARGV[5], 'state', 'pending', 'attempts', 0, 'entry', entry)
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[1])
return 1";

/// "Now" in Unix milliseconds, by the Redis server's clock: every machine's workers
/// agree on when a lease ends or a retry is due.
macro_rules! now {
    () => {
        r"
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
"
    };
}

/// `KEYS`: stream, retry, leases. `ARGV`: group, consumer, lease ms, token, hash prefix.
/// Returns `{key, attempts, provider, body, headers, received time}` or nil.
const CLAIM: &str = concat!(
    now!(),
    r"
local stream, retry, leases = KEYS[1], KEYS[2], KEYS[3]
local group, consumer, lease, token, hashes = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
redis.pcall('XGROUP', 'CREATE', stream, group, '0', 'MKSTREAM')
for _, key in ipairs(redis.call('ZRANGEBYSCORE', retry, '-inf', now, 'LIMIT', 0, 100)) do
  local entry = redis.call('XADD', stream, '*', 'k', key)
  redis.call('HSET', hashes .. key, 'entry', entry)
  redis.call('ZREM', retry, key)
end
local function grant(key)
  local hash = hashes .. key
  local attempts = redis.call('HINCRBY', hash, 'attempts', 1)
  redis.call('HSET', hash, 'state', 'in_flight', 'token', token)
  redis.call('ZADD', leases, now + lease, key)
  local stored = redis.call('HMGET', hash, 'provider', 'body', 'headers', 'received_at')
  return {key, attempts, stored[1], stored[2], stored[3], stored[4]}
end
-- A delivery whose lease ended: its stream entry passes to this consumer.
for _ = 1, 100 do
  local ended = redis.call('ZRANGEBYSCORE', leases, '-inf', now, 'LIMIT', 0, 1)[1]
  if not ended then break end
  local hash = hashes .. ended
  local entry = redis.call('HGET', hash, 'entry')
  if redis.call('HGET', hash, 'state') == 'in_flight' and entry then
    redis.call('XCLAIM', stream, group, consumer, 0, entry, 'JUSTID')
    return grant(ended)
  end
  redis.call('ZREM', leases, ended)
end
-- Otherwise the next new entry; a stale one (its delivery finished, or moved to a newer
-- entry) is dropped.
for _ = 1, 100 do
  local read = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', 1, 'STREAMS', stream, '>')
  if not read then return nil end
  local entry = read[1][2][1]
  local id, key = entry[1], entry[2][2]
  local hash = hashes .. key
  if redis.call('HGET', hash, 'entry') == id and redis.call('HGET', hash, 'state') == 'pending' then
    return grant(key)
  end
  redis.call('XACK', stream, group, id)
  redis.call('XDEL', stream, id)
end
return nil"
);

/// The start of every finishing script: `KEYS[1]` the hash, `KEYS[2]` the stream,
/// `KEYS[3]` the leases, `ARGV[1]` the lease token, `ARGV[2]` the group, `ARGV[3]` the
/// key. Stops with 0 unless the token still holds the delivery, then acknowledges and
/// deletes its stream entry and ends the lease.
macro_rules! held {
    () => {
        r"
if redis.call('HGET', KEYS[1], 'state') ~= 'in_flight' or redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then
  return 0
end
local entry = redis.call('HGET', KEYS[1], 'entry')
redis.call('XACK', KEYS[2], ARGV[2], entry)
redis.call('XDEL', KEYS[2], entry)
redis.call('HDEL', KEYS[1], 'token')
redis.call('ZREM', KEYS[3], ARGV[3])
"
    };
}

/// `KEYS`: hash, stream, leases, live, done. `ARGV`: token, group, key, retention ms.
const COMPLETE: &str = concat!(
    held!(),
    now!(),
    r"
redis.call('HDEL', KEYS[1], 'body', 'headers')
redis.call('HSET', KEYS[1], 'state', 'done', 'finished_at', now)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('ZREM', KEYS[4], ARGV[3])
redis.call('ZADD', KEYS[5], now + tonumber(ARGV[4]), ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now)
return 1"
);

/// `KEYS`: hash, stream, leases, retry. `ARGV`: token, group, key, delay ms, error.
const RETRY: &str = concat!(
    held!(),
    now!(),
    r"
redis.call('HSET', KEYS[1], 'state', 'pending', 'last_error', ARGV[5])
redis.call('ZADD', KEYS[4], now + tonumber(ARGV[4]), ARGV[3])
return 1"
);

/// `KEYS`: hash, stream, leases, live, dead. `ARGV`: token, group, key, error.
const BURY: &str = concat!(
    held!(),
    now!(),
    r"
redis.call('HSET', KEYS[1], 'state', 'dead', 'last_error', ARGV[4], 'finished_at', now)
redis.call('ZREM', KEYS[4], ARGV[3])
redis.call('ZADD', KEYS[5], now, ARGV[3])
return 1"
);

/// `KEYS`: hash, stream, leases. `ARGV`: token, group, key.
const RELEASE: &str = concat!(
    held!(),
    r"
local next = redis.call('XADD', KEYS[2], '*', 'k', ARGV[3])
redis.call('HSET', KEYS[1], 'state', 'pending', 'entry', next)
redis.call('HINCRBY', KEYS[1], 'attempts', -1)
return 1"
);

/// `KEYS`: leases, live, done, dead.
/// Returns `{in flight, live, done, dead, the oldest's age in ms or -1}`.
const STATS: &str = concat!(
    now!(),
    r"
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')[2]
local age = -1
if oldest then age = math.max(now - tonumber(oldest), 0) end
return {redis.call('ZCARD', KEYS[1]), redis.call('ZCARD', KEYS[2]), redis.call('ZCARD', KEYS[3]),
  redis.call('ZCARD', KEYS[4]), age}"
);

/// `KEYS`: dead. `ARGV`: hash prefix, limit. Returns `{key, provider, attempts, error,
/// failed at}` per dead letter, flattened.
const DEAD_LETTERS: &str = r"
local letters = {}
for _, key in ipairs(redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[2]) - 1)) do
  local d = redis.call('HMGET', ARGV[1] .. key, 'provider', 'attempts', 'last_error', 'finished_at')
  for _, value in ipairs({key, d[1] or '', d[2] or '0', d[3] or '', d[4] or '0'}) do
    table.insert(letters, value)
  end
end
return letters";

/// `KEYS`: stream, live, dead. `ARGV`: hash prefix, `all` or `keys`, the keys...
const REPLAY: &str = r"
local keys = {}
if ARGV[2] == 'all' then keys = redis.call('ZRANGE', KEYS[3], 0, -1) else
  for i = 3, #ARGV do table.insert(keys, ARGV[i]) end
end
local replayed = 0
for _, key in ipairs(keys) do
  if redis.call('ZREM', KEYS[3], key) == 1 then
    local hash = ARGV[1] .. key
    local entry = redis.call('XADD', KEYS[1], '*', 'k', key)
    redis.call('HSET', hash, 'state', 'pending', 'attempts', 0, 'entry', entry)
    redis.call('HDEL', hash, 'finished_at')
    redis.call('ZADD', KEYS[2], redis.call('HGET', hash, 'received_at'), key)
    replayed = replayed + 1
  end
end
return replayed";

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
                append: Script::new(APPEND),
                claim: Script::new(CLAIM),
                complete: Script::new(COMPLETE),
                retry: Script::new(RETRY),
                bury: Script::new(BURY),
                release: Script::new(RELEASE),
                stats: Script::new(STATS),
                dead_letters: Script::new(DEAD_LETTERS),
                replay: Script::new(REPLAY),
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
