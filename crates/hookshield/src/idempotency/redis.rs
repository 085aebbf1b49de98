//! A Redis idempotency store, shared by every receiver process (feature `redis`).

use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use super::{Claim, IdempotencyStore, Lease, StoreError};

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
    client: redis::Client,
    prefix: String,
    timeout: Duration,
    idle: Mutex<Vec<redis::Connection>>,
    begin: redis::Script,
    complete: redis::Script,
    release: redis::Script,
}

/// Connections kept open between calls.
const MAX_IDLE: usize = 16;

impl RedisStore {
    /// A store at `url` (`redis://[user:password@]host:port/db`), with the default
    /// prefix and timeout. Connects lazily: the first call reports an unreachable server.
    pub fn open(url: &str) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(|e| StoreError::Unavailable {
            reason: format!("invalid Redis URL: {}", e.category()),
        })?;
        Ok(RedisStore {
            client,
            prefix: DEFAULT_PREFIX.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            idle: Mutex::new(Vec::new()),
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
        self.timeout = timeout;
        self
    }

    /// The key prefix.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    /// Runs `call` on a pooled connection; a connection that failed is dropped.
    ///
    /// A pooled connection may have outlived a Redis restart: when it fails with a
    /// connection error, `call` is tried once more on a new connection. (Each script is
    /// safe to repeat: a repeated `begin` at worst reports this worker's own claim as in
    /// progress, which the provider's retry resolves once the lease ends.)
    fn with_connection<T>(
        &self,
        call: impl Fn(&mut redis::Connection) -> redis::RedisResult<T>,
    ) -> Result<T, StoreError> {
        let pooled = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let was_pooled = pooled.is_some();
        let mut connection = match pooled {
            Some(connection) => connection,
            None => self.connect()?,
        };
        let result = match call(&mut connection) {
            Err(error) if was_pooled && (error.is_io_error() || error.is_connection_dropped()) => {
                connection = self.connect()?;
                call(&mut connection)
            }
            other => other,
        };
        let value = result.map_err(|e| unavailable(&e))?;
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < MAX_IDLE {
            idle.push(connection);
        }
        Ok(value)
    }

    fn connect(&self) -> Result<redis::Connection, StoreError> {
        let connection = self
            .client
            .get_connection_with_timeout(self.timeout)
            .map_err(|e| unavailable(&e))?;
        connection
            .set_read_timeout(Some(self.timeout))
            .map_err(|e| unavailable(&e))?;
        connection
            .set_write_timeout(Some(self.timeout))
            .map_err(|e| unavailable(&e))?;
        Ok(connection)
    }
}

/// A Redis error as a store error; its text never holds the URL or a password.
fn unavailable(error: &redis::RedisError) -> StoreError {
    let reason = if error.is_timeout() {
        "timed out".to_owned()
    } else if error.is_connection_refusal() {
        "connection refused".to_owned()
    } else if error.is_io_error() || error.is_connection_dropped() {
        format!("connection failed ({})", error.category())
    } else {
        format!("Redis answered {}", error.category())
    };
    StoreError::Unavailable { reason }
}

fn new_token() -> Result<String, StoreError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Unavailable {
        reason: format!("no randomness for a lease token: {e}"),
    })?;
    Ok(format!("lease:{}", hex::encode(bytes)))
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
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
        let info = self.client.get_connection_info();
        f.debug_struct("RedisStore")
            .field("addr", &info.addr().to_string())
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}
