//! Opening the file: WAL mode, synced commits, the table and its indexes.

use std::time::{Duration, Instant};

use rusqlite::Connection;

use super::unavailable;
use crate::inbox::InboxError;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS hookshield_inbox (
    id INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    provider TEXT NOT NULL,
    body BLOB,
    headers TEXT,
    received_at INTEGER NOT NULL,
    state TEXT NOT NULL,
    due_at INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_token TEXT,
    last_error TEXT,
    finished_at INTEGER,
    expires_at INTEGER
);
CREATE INDEX IF NOT EXISTS hookshield_inbox_due ON hookshield_inbox (due_at, id)
    WHERE due_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS hookshield_inbox_state ON hookshield_inbox (state);
CREATE INDEX IF NOT EXISTS hookshield_inbox_expires ON hookshield_inbox (expires_at)
    WHERE expires_at IS NOT NULL;
";

/// How long a call waits for another connection's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A connection to the file at `path`, set up.
pub(super) fn connect(path: &str) -> Result<Connection, InboxError> {
    let connection = Connection::open(path).map_err(|e| unavailable(&e))?;
    connection
        .busy_timeout(BUSY_TIMEOUT)
        .map_err(|e| unavailable(&e))?;
    // Processes opening a new file at once contend for it, and SQLite answers a change of
    // journal mode that meets another connection with "database is locked" without
    // waiting: try again within the busy timeout.
    let deadline = Instant::now() + BUSY_TIMEOUT;
    let mode = loop {
        match set_up(&connection) {
            Err(error) if is_busy(&error) && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10));
            }
            other => break other.map_err(|e| unavailable(&e))?,
        }
    };
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(InboxError::Unavailable {
            reason: format!("SQLite: the file stays in journal mode {mode}, not WAL"),
        });
    }
    Ok(connection)
}

/// Puts the file in WAL mode (which persists in the file), syncs every commit (a claim
/// lowers it to `NORMAL` around its own), and creates the table: the journal mode in
/// force, as SQLite answers it.
fn set_up(connection: &Connection) -> rusqlite::Result<String> {
    let mode = connection.query_row("PRAGMA journal_mode=WAL", [], |row| row.get(0))?;
    connection.execute_batch("PRAGMA synchronous=FULL;")?;
    connection.execute_batch(SCHEMA)?;
    Ok(mode)
}

/// Whether another connection held the lock.
fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}
