//! Timestamps: the header's Unix seconds, envelope dates, the clock and the replay window.

use std::ops::RangeInclusive;
use std::sync::Arc;

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::error::excerpt;
use crate::Error;

/// Default replay window: five minutes each way, as Sentinel's document advises.
pub const DEFAULT_TOLERANCE_SECONDS: u64 = 300;

/// The Unix seconds an event time may be: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z,
/// the years RFC 3339 writes that every binding's date type holds (Python's `datetime`
/// begins at year 1). An event time outside them is no time, as one that cannot be read.
const EVENT_TIME_RANGE: RangeInclusive<i64> = -62_135_596_800..=253_402_300_799;

/// `time`, where it lies within [`EVENT_TIME_RANGE`].
pub(crate) fn event_time(time: OffsetDateTime) -> Option<OffsetDateTime> {
    EVENT_TIME_RANGE
        .contains(&time.unix_timestamp())
        .then_some(time)
}

/// A source of "now" in Unix seconds; inject one to pin time in tests.
///
/// Any `Fn() -> i64 + Send + Sync` is a clock.
///
/// ```
/// use hookshield::Clock;
/// let fixed = || 1_700_000_000_i64;
/// assert_eq!(fixed.now_unix(), 1_700_000_000);
/// ```
pub trait Clock: Send + Sync {
    /// The current time in whole Unix seconds.
    fn now_unix(&self) -> i64;
}

impl<F: Fn() -> i64 + Send + Sync> Clock for F {
    fn now_unix(&self) -> i64 {
        self()
    }
}

/// A shared clock, as a verifier holds it.
pub type SharedClock = Arc<dyn Clock>;

/// The operating system's clock. Not available on `wasm32-unknown-unknown`, where the
/// host passes the time (`verify_at`).
///
/// ```
/// use hookshield::{Clock, SystemClock};
/// assert!(SystemClock.now_unix() > 1_600_000_000);
/// ```
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
impl Clock for SystemClock {
    fn now_unix(&self) -> i64 {
        match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(elapsed) => elapsed.as_secs() as i64,
            Err(before) => -(before.duration().as_secs() as i64),
        }
    }
}

/// The system clock where there is one.
#[allow(clippy::unnecessary_wraps)] // `None` on wasm32-unknown-unknown
pub(crate) fn system_now() -> Option<i64> {
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    {
        Some(SystemClock.now_unix())
    }
    #[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
    {
        None
    }
}

/// Parses a timestamp header: Unix seconds, ASCII digits only (at most 12 of them).
///
/// ```
/// use hookshield::timestamp::parse_unix_header;
/// assert_eq!(parse_unix_header("X-Sentinel-Timestamp", b"1747303500"), Ok(1747303500));
/// assert!(parse_unix_header("X-Sentinel-Timestamp", b"2026-05-15T10:05:00Z").is_err());
/// ```
pub fn parse_unix_header(header: &str, value: &[u8]) -> Result<i64, Error> {
    let malformed = || Error::MalformedTimestamp {
        header: header.to_owned(),
        found: excerpt(&String::from_utf8_lossy(value), 40),
    };
    if value.is_empty() || value.len() > 12 || !value.iter().all(u8::is_ascii_digit) {
        return Err(malformed());
    }
    value
        .iter()
        .try_fold(0i64, |acc, digit| {
            acc.checked_mul(10)?.checked_add(i64::from(digit - b'0'))
        })
        .ok_or_else(malformed)
}

/// How a timestamp's number counts time: Unix seconds or Unix milliseconds.
///
/// ```
/// use hookshield::timestamp::TimestampUnit;
/// assert_eq!("milliseconds".parse::<TimestampUnit>(), Ok(TimestampUnit::Milliseconds));
/// assert_eq!(TimestampUnit::Milliseconds.write(1_700_000_000), "1700000000000");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TimestampUnit {
    /// Unix seconds (every preset's timestamp header).
    #[default]
    Seconds,
    /// Unix milliseconds.
    Milliseconds,
}

impl TimestampUnit {
    /// The unit as written in configuration: `seconds` or `milliseconds`.
    pub const fn as_str(self) -> &'static str {
        match self {
            TimestampUnit::Seconds => "seconds",
            TimestampUnit::Milliseconds => "milliseconds",
        }
    }

    /// `unix` seconds written in this unit, as a sender writes its timestamp.
    pub fn write(self, unix: i64) -> String {
        match self {
            TimestampUnit::Seconds => unix.to_string(),
            TimestampUnit::Milliseconds => (i128::from(unix) * 1000).to_string(),
        }
    }
}

impl std::str::FromStr for TimestampUnit {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "seconds" => Ok(TimestampUnit::Seconds),
            "milliseconds" => Ok(TimestampUnit::Milliseconds),
            other => Err(Error::config(format!(
                "a timestamp unit is `seconds` or `milliseconds`, found {other:?}"
            ))),
        }
    }
}

/// Parses a timestamp in `unit` (ASCII digits only: at most 12 of them in seconds, 15 in
/// milliseconds) into Unix seconds, rounding milliseconds down.
///
/// ```
/// use hookshield::timestamp::{parse_timestamp, TimestampUnit};
/// assert_eq!(parse_timestamp("X-Ts", b"1747303500999", TimestampUnit::Milliseconds), Ok(1747303500));
/// assert!(parse_timestamp("X-Ts", b"1747303500999", TimestampUnit::Seconds).is_err());
/// // The message names the unit a scheme may set, not only seconds.
/// let err = parse_timestamp("X-Ts", b"1747303500.999", TimestampUnit::Milliseconds).unwrap_err();
/// assert!(err.to_string().contains("milliseconds"), "{err}");
/// ```
pub fn parse_timestamp(header: &str, value: &[u8], unit: TimestampUnit) -> Result<i64, Error> {
    match unit {
        TimestampUnit::Seconds => parse_unix_header(header, value),
        TimestampUnit::Milliseconds => {
            let malformed = || Error::MalformedTimestamp {
                header: header.to_owned(),
                found: excerpt(&String::from_utf8_lossy(value), 40),
            };
            if value.is_empty() || value.len() > 15 || !value.iter().all(u8::is_ascii_digit) {
                return Err(malformed());
            }
            // At most 15 digits: the value fits an i64 many times over.
            let millis = value
                .iter()
                .fold(0i64, |acc, digit| acc * 10 + i64::from(digit - b'0'));
            Ok(millis / 1000)
        }
    }
}

/// Parses an RFC 3339 / ISO 8601 date-time such as `2026-02-02T14:45:30.123Z`.
///
/// ```
/// use hookshield::timestamp::parse_rfc3339;
/// let t = parse_rfc3339("2026-02-02T14:45:30.123Z").unwrap();
/// assert_eq!(t.unix_timestamp(), 1770043530);
/// assert!(parse_rfc3339("yesterday").is_none());
/// ```
pub fn parse_rfc3339(value: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(value, &Rfc3339).ok()
}

/// Formats a Unix time as RFC 3339 in UTC, e.g. `2026-05-15T10:05:00Z`.
///
/// ```
/// assert_eq!(hookshield::timestamp::format_rfc3339(1747303500), "2025-05-15T10:05:00Z");
/// ```
pub fn format_rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| unix.to_string())
}

/// Checks `timestamp` against `now` with a two-sided window: exactly `tolerance`
/// seconds either way passes, one more second fails.
///
/// ```
/// use hookshield::{timestamp::check_window, ErrorCode};
/// assert!(check_window(1000, 1300, 300).is_ok());
/// assert_eq!(check_window(1000, 1301, 300).unwrap_err().code(), ErrorCode::TimestampTooOld);
/// assert_eq!(check_window(1301, 1000, 300).unwrap_err().code(), ErrorCode::TimestampInFuture);
/// ```
pub fn check_window(timestamp: i64, now: i64, tolerance: u64) -> Result<(), Error> {
    // i128 holds every difference of two i64 values, so nothing here can overflow.
    let age = i128::from(now) - i128::from(timestamp);
    let clamp = |seconds: i128| i64::try_from(seconds).unwrap_or(i64::MAX);
    if age > i128::from(tolerance) {
        return Err(Error::TimestampTooOld {
            age_seconds: clamp(age),
            tolerance_seconds: tolerance,
        });
    }
    if -age > i128::from(tolerance) {
        return Err(Error::TimestampInFuture {
            ahead_seconds: clamp(-age),
            tolerance_seconds: tolerance,
        });
    }
    Ok(())
}
