//! Behaviour the contract promises, end to end through the public API: header shapes and
//! case, redaction, header/body agreement, idempotency keys, statuses, exactly-once
//! processing and the replay window's edges
//! (`cargo test -p hookshield --all-features --test behaviour`).
#![allow(missing_docs)]

mod checks;
mod clock;
mod envelope;
mod events;
mod exactly_once;
mod fixture;
mod headers;
mod keys;
mod redaction;
mod statuses;
