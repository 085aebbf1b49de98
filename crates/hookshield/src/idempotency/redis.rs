//! A Redis idempotency store, shared by every receiver process (feature `redis`).

use std::fmt;
use std::time::Duration;

use super::{Claim, IdempotencyStore, Lease, StoreError};
use crate::redis_pool::{millis, Pool};

/// Claims `KEYS[1]` for token `ARGV[1]` for `ARGV[2]` ms, or says who has it.
const BEGIN: &str = r"
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 'fresh' end
if redis.call('GET', KEYS[1]) == 'done' then return 'done' end
return 'in_progress'";

/// Marks `KEYS[1]` done for `ARGV[2]` ms, only while token `ARGV[1]` still holds it.
const COMPLETE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], 'done', 'PX', ARGV[2])
  return 1
end
return 0";

/// Deletes `KEYS[1]`, only while token `ARGV[1]` still holds it.
const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0";

/// Default key prefix.
pub const DEFAULT_PREFIX: &str = "hookshield:";

/// Default connect, read and write timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

/// The two-phase store in Redis, for receivers running on several machines.
///
/// `begin` is `SET key lease:<token> NX PX <lease>`; `complete` and `release` compare the
/// token in a Lua script first, so a slow worker whose lease expired cannot complete or
/// delete another worker's claim. Every call has a timeout: when Redis is down a call
/// fails within it with [`StoreError::Unavailable`] (`store_unavailable`), never hangs,
/// and `process` then answers a status the provider retries.
///
/// ```no_run
/// use std::time::Duration;
/// use hookshield::{idempotency::RedisStore, Claim, IdempotencyStore};
///
/// let store = RedisStore::open("redis://127.0.0.1:6379/")?.with_prefix("billing:");
/// if let Claim::Fresh(lease) = store.begin("evt_1", Duration::from_secs(30))? {
///     store.complete(&lease, Duration::from_secs(48 * 3600))?;
/// }
/// # Ok::<(), hookshield::StoreError>(())
/// ```
pub struct RedisStore {
    pool: Pool,
    prefix: String,
    begin: redis::Script,
    complete: redis::Script,
    release: redis::Script,
}

impl RedisStore {
    /// A store at `url` (`redis://[user:password@]host:port/db`), with the default
    /// prefix and timeout. Connects lazily: the first call reports an unreachable server.
    pub fn open(url: &str) -> Result<Self, StoreError> {
        let pool = Pool::open(url, DEFAULT_TIMEOUT).map_err(unavailable)?;
        Ok(RedisStore {
            pool,
            prefix: DEFAULT_PREFIX.to_owned(),
            begin: redis::Script::new(BEGIN),
            complete: redis::Script::new(COMPLETE),
            release: redis::Script::new(RELEASE),
        })
    }

    /// Sets the prefix of every key (default `hookshield:`).
    #[must_use]
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Sets the connect, read and write timeout (default 2 s).
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.pool.set_timeout(timeout);
        self
    }

    /// The key prefix.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    /// Runs `call` on a pooled connection (see [`Pool::with_connection`]). Each script
    /// is safe to repeat: a repeated `begin` at worst reports this worker's own claim as
    /// in progress, which the provider's retry resolves once the lease ends.
    fn with_connection<T>(
        &self,
        call: impl Fn(&mut redis::Connection) -> redis::RedisResult<T>,
    ) -> Result<T, StoreError> {
        self.pool.with_connection(call).map_err(unavailable)
    }
}

fn unavailable(reason: String) -> StoreError {
    StoreError::Unavailable { reason }
}

fn new_token() -> Result<String, StoreError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Unavailable {
        reason: format!("no randomness for a lease token: {e}"),
    })?;
    Ok(format!("lease:{}", hex::encode(bytes)))
}

impl IdempotencyStore for RedisStore {
    fn begin(&self, key: &str, lease: Duration) -> Result<Claim, StoreError> {
        let token = new_token()?;
        let answer: String = self.with_connection(|connection| {
            self.begin
                .key(self.key(key))
                .arg(&token)
                .arg(millis(lease))
                .invoke(connection)
        })?;
        match answer.as_str() {
            "fresh" => Ok(Claim::Fresh(Lease::new(key, token))),
            "done" => Ok(Claim::Done),
            "in_progress" => Ok(Claim::InProgress),
            other => Err(StoreError::Unavailable {
                reason: format!("unexpected answer {other:?} to begin"),
            }),
        }
    }

    fn complete(&self, lease: &Lease, retention: Duration) -> Result<(), StoreError> {
        self.with_connection(|connection| {
            self.complete
                .key(self.key(lease.key()))
                .arg(lease.token())
                .arg(millis(retention))
                .invoke::<i64>(connection)
        })
        .map(drop)
    }

    fn release(&self, lease: &Lease) -> Result<(), StoreError> {
        self.with_connection(|connection| {
            self.release
                .key(self.key(lease.key()))
                .arg(lease.token())
                .invoke::<i64>(connection)
        })
        .map(drop)
    }
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("addr", &self.pool.addr())
            .field("prefix", &self.prefix)
            .field("timeout", &self.pool.timeout())
            .finish_non_exhaustive()
    }
}
