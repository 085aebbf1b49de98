//! Pooled Redis connections with timeouts, shared by the Redis idempotency store and the
//! Redis inbox (feature `redis`).

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// Connections kept open between calls.
const MAX_IDLE: usize = 16;

/// A client and its idle connections. Every failure is described without the URL or a
/// password.
pub(crate) struct Pool {
    client: redis::Client,
    timeout: Duration,
    idle: Mutex<Vec<redis::Connection>>,
}

impl Pool {
    /// A pool for `url`; connects lazily. `Err` says why the URL is invalid.
    pub(crate) fn open(url: &str, timeout: Duration) -> Result<Self, String> {
        let client =
            redis::Client::open(url).map_err(|e| format!("invalid Redis URL: {}", e.category()))?;
        Ok(Pool {
            client,
            timeout,
            idle: Mutex::new(Vec::new()),
        })
    }

    /// Sets the connect, read and write timeout.
    pub(crate) fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    pub(crate) fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The server's address, for `Debug` (never the password).
    pub(crate) fn addr(&self) -> String {
        self.client.get_connection_info().addr().to_string()
    }

    /// Runs `call` on a pooled connection; a connection that failed is dropped.
    ///
    /// A pooled connection may have outlived a Redis restart: when it fails with a
    /// connection error, `call` is tried once more on a new connection, so `call` must
    /// be safe to repeat.
    pub(crate) fn with_connection<T>(
        &self,
        call: impl Fn(&mut redis::Connection) -> redis::RedisResult<T>,
    ) -> Result<T, String> {
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
        let value = result.map_err(|e| describe(&e))?;
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < MAX_IDLE {
            idle.push(connection);
        }
        Ok(value)
    }

    fn connect(&self) -> Result<redis::Connection, String> {
        let connection = self
            .client
            .get_connection_with_timeout(self.timeout)
            .map_err(|e| describe(&e))?;
        connection
            .set_read_timeout(Some(self.timeout))
            .map_err(|e| describe(&e))?;
        connection
            .set_write_timeout(Some(self.timeout))
            .map_err(|e| describe(&e))?;
        Ok(connection)
    }
}

/// What went wrong, never with the URL or a password.
fn describe(error: &redis::RedisError) -> String {
    if error.is_timeout() {
        "timed out".to_owned()
    } else if error.is_connection_refusal() {
        "connection refused".to_owned()
    } else if error.is_io_error() || error.is_connection_dropped() {
        format!("connection failed ({})", error.category())
    } else {
        format!("Redis answered {}", error.category())
    }
}

/// Milliseconds, at least 1 (Redis refuses an expiry of 0).
pub(crate) fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}
