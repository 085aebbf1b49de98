//! The options every binding takes, checked in one place so that every language gives
//! the same answer for the same value: durations in seconds and sizes as numbers, as
//! the languages pass them.

use std::time::Duration;

use crate::Error;

/// The longest lease or retention accepted: ten years.
const MAX_SECONDS: f64 = 10.0 * 365.0 * 24.0 * 3600.0;

/// A claim's lease (`lease`, `lease_seconds`, `leaseSeconds`): a positive number of
/// seconds. A lease of 0 would expire as it is taken.
///
/// ```
/// use std::time::Duration;
/// assert_eq!(hookshield::options::lease(1.5)?, Duration::from_millis(1500));
/// assert_eq!(hookshield::options::lease(0.0).unwrap_err().code().as_str(), "invalid_config");
/// # Ok::<(), hookshield::Error>(())
/// ```
pub fn lease(seconds: f64) -> Result<Duration, Error> {
    positive_seconds("the lease", seconds)
}

/// How long a processed key is remembered (`retention`, `retention_seconds`,
/// `retentionSeconds`), which is also the replay horizon: a positive number of seconds.
/// A retention of 0 would forget every event at once, so every replay would run.
///
/// ```
/// assert!(hookshield::options::retention(3600.0).is_ok());
/// assert!(hookshield::options::retention(-1.0).is_err());
/// ```
pub fn retention(seconds: f64) -> Result<Duration, Error> {
    positive_seconds("the retention", seconds)
}

/// The replay window each way (`tolerance`): whole seconds, 0 or more.
///
/// ```
/// assert_eq!(hookshield::options::tolerance(0.0)?, 0);
/// assert!(hookshield::options::tolerance(1.5).is_err());
/// # Ok::<(), hookshield::Error>(())
/// ```
pub fn tolerance(seconds: f64) -> Result<u64, Error> {
    whole("the tolerance", seconds, 0.0)
}

/// The body size limit (`max_body_bytes`, `maxBodyBytes`): a whole number of bytes, 1 or
/// more.
///
/// ```
/// assert_eq!(hookshield::options::max_body_bytes(1024.0)?, 1024);
/// assert!(hookshield::options::max_body_bytes(0.0).is_err());
/// # Ok::<(), hookshield::Error>(())
/// ```
pub fn max_body_bytes(bytes: f64) -> Result<usize, Error> {
    whole("max_body_bytes", bytes, 1.0).map(|bytes| bytes as usize)
}

/// A memory store's capacity (`capacity`): a whole number of keys, 1 or more.
///
/// ```
/// assert_eq!(hookshield::options::capacity(10.0)?, 10);
/// assert!(hookshield::options::capacity(0.5).is_err());
/// # Ok::<(), hookshield::Error>(())
/// ```
pub fn capacity(keys: f64) -> Result<usize, Error> {
    whole("the capacity", keys, 1.0).map(|keys| keys as usize)
}

/// An inbox worker's first retry delay (`backoff`): a positive number of seconds.
///
/// ```
/// use std::time::Duration;
/// assert_eq!(hookshield::options::backoff(0.5)?, Duration::from_millis(500));
/// assert!(hookshield::options::backoff(0.0).is_err());
/// # Ok::<(), hookshield::Error>(())
/// ```
pub fn backoff(seconds: f64) -> Result<Duration, Error> {
    positive_seconds("the backoff", seconds)
}

/// How long an idle inbox worker waits before looking again (`poll_interval`): a
/// positive number of seconds.
///
/// ```
/// assert!(hookshield::options::poll_interval(0.2).is_ok());
/// assert!(hookshield::options::poll_interval(-1.0).is_err());
/// ```
pub fn poll_interval(seconds: f64) -> Result<Duration, Error> {
    positive_seconds("the poll interval", seconds)
}

/// How many deliveries an inbox worker handles at once (`concurrency`): a whole number
/// from 1 to 1024.
///
/// ```
/// assert_eq!(hookshield::options::concurrency(8.0)?, 8);
/// assert!(hookshield::options::concurrency(0.0).is_err());
/// assert!(hookshield::options::concurrency(2.5).is_err());
/// # Ok::<(), hookshield::Error>(())
/// ```
pub fn concurrency(threads: f64) -> Result<usize, Error> {
    at_most(
        "the concurrency",
        whole("the concurrency", threads, 1.0)?,
        1024,
    )
    .map(|n| n as usize)
}

/// How many attempts an inbox delivery gets before it becomes a dead letter
/// (`max_attempts`, `maxAttempts`): a whole number from 1 to 1000.
///
/// ```
/// assert_eq!(hookshield::options::max_attempts(10.0)?, 10);
/// assert!(hookshield::options::max_attempts(0.0).is_err());
/// # Ok::<(), hookshield::Error>(())
/// ```
pub fn max_attempts(attempts: f64) -> Result<u32, Error> {
    at_most("max_attempts", whole("max_attempts", attempts, 1.0)?, 1000).map(|n| n as u32)
}

fn at_most(what: &str, value: u64, most: u64) -> Result<u64, Error> {
    if value <= most {
        Ok(value)
    } else {
        Err(Error::config(format!(
            "{what} must be at most {most}, found {value}"
        )))
    }
}

fn positive_seconds(what: &str, seconds: f64) -> Result<Duration, Error> {
    if seconds.is_finite() && seconds > 0.0 && seconds <= MAX_SECONDS {
        Ok(Duration::from_secs_f64(seconds))
    } else {
        Err(Error::config(format!(
            "{what} must be a positive number of seconds (at most ten years), found {seconds}"
        )))
    }
}

fn whole(what: &str, value: f64, least: f64) -> Result<u64, Error> {
    // 2^53: past it an f64 no longer holds every whole number.
    if value.is_finite()
        && value.fract() == 0.0
        && value >= least
        && value <= 9_007_199_254_740_992.0
    {
        Ok(value as u64)
    } else {
        Err(Error::config(format!(
            "{what} must be a whole number of at least {least}, found {value}"
        )))
    }
}
