//! Exactly-once processing: idempotency keys, the two-phase store, and its in-memory
//! implementation.
//!
//! A delivery is claimed with [`IdempotencyStore::begin`] before its handler runs. A
//! handler that succeeds [`completes`](IdempotencyStore::complete) the claim, and the key
//! is remembered for the provider's retry horizon; one that fails
//! [`releases`](IdempotencyStore::release) it so the provider's redelivery is processed.
//! A claim whose worker dies expires after its lease, so nothing is lost.
//!
//! The key of an event is [`crate::Event::idempotency_key`]: the provider's event id
//! where there is one; DocIntell's `{event}:{document_id}:{job_id}`; otherwise
//! `{type}:{resource id}:{event time}`; failing all, `sha256:` and the body's SHA-256.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

mod key;
mod memory;
#[cfg(feature = "redis")]
mod redis;

pub(crate) use key::{body_key, derive_key, KeyInput};
pub use memory::{MemoryStore, MonotonicMillis};
#[cfg(feature = "redis")]
pub use redis::{RedisStore, DEFAULT_PREFIX, DEFAULT_TIMEOUT};

/// Default lease: how long a claim holds before a redelivery may take it over.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(30);

/// What [`IdempotencyStore::begin`] found.
///
/// ```
/// use std::time::Duration;
/// use hookshield::{Claim, IdempotencyStore, MemoryStore};
/// let store = MemoryStore::new(100);
/// assert!(matches!(store.begin("evt_1", Duration::from_secs(30))?, Claim::Fresh(_)));
/// assert!(matches!(store.begin("evt_1", Duration::from_secs(30))?, Claim::InProgress));
/// # Ok::<(), hookshield::StoreError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// Nobody has processed it: the caller holds the lease and must complete or release it.
    Fresh(Lease),
    /// Another worker holds an unexpired lease on it.
    InProgress,
    /// It was processed and is within its retention.
    Done,
}

/// The state of a key, as the bindings report it (`"fresh"`, `"in_progress"`, `"done"`).
///
/// ```
/// assert_eq!(hookshield::ClaimState::InProgress.as_str(), "in_progress");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClaimState {
    /// See [`Claim::Fresh`].
    Fresh,
    /// See [`Claim::InProgress`].
    InProgress,
    /// See [`Claim::Done`].
    Done,
}

impl ClaimState {
    /// The state as every binding spells it.
    pub const fn as_str(self) -> &'static str {
        match self {
            ClaimState::Fresh => "fresh",
            ClaimState::InProgress => "in_progress",
            ClaimState::Done => "done",
        }
    }
}

impl Claim {
    /// The state without the lease.
    pub fn state(&self) -> ClaimState {
        match self {
            Claim::Fresh(_) => ClaimState::Fresh,
            Claim::InProgress => ClaimState::InProgress,
            Claim::Done => ClaimState::Done,
        }
    }
}

/// A worker's hold on a key: only the holder of the matching token can complete or
/// release it, so a slow worker whose lease expired cannot undo another's claim.
///
/// ```
/// let lease = hookshield::Lease::new("evt_1", "token-1");
/// assert_eq!(lease.key(), "evt_1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    key: String,
    token: String,
}

impl Lease {
    /// A lease on `key` identified by `token` (stores create these).
    pub fn new(key: impl Into<String>, token: impl Into<String>) -> Self {
        Lease {
            key: key.into(),
            token: token.into(),
        }
    }

    /// The key held.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The holder's token.
    pub fn token(&self) -> &str {
        &self.token
    }
}

/// The store could not be reached or answered wrongly; the delivery must not be
/// acknowledged (code `store_unavailable`).
///
/// ```
/// let err = hookshield::StoreError::Unavailable { reason: "connection refused".into() };
/// assert_eq!(err.code(), "store_unavailable");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The backing service is down, timed out or failed.
    #[error("idempotency store unavailable: {reason}")]
    Unavailable {
        /// What failed.
        reason: String,
    },
}

impl StoreError {
    /// The stable code: `store_unavailable`.
    pub fn code(&self) -> &'static str {
        "store_unavailable"
    }
}

/// A two-phase idempotency store shared by every worker of a receiver.
///
/// ```
/// use std::time::Duration;
/// use hookshield::{Claim, IdempotencyStore, MemoryStore};
///
/// let store = MemoryStore::new(1000);
/// let Claim::Fresh(lease) = store.begin("evt_1", Duration::from_secs(30))? else { unreachable!() };
/// store.complete(&lease, Duration::from_secs(3600))?;
/// assert_eq!(store.begin("evt_1", Duration::from_secs(30))?, Claim::Done);
/// # Ok::<(), hookshield::StoreError>(())
/// ```
pub trait IdempotencyStore: Send + Sync {
    /// Claims `key` for `lease`, unless it is done or another worker holds it.
    fn begin(&self, key: &str, lease: Duration) -> Result<Claim, StoreError>;

    /// Marks the leased key done for `retention`, if the lease is still this worker's.
    fn complete(&self, lease: &Lease, retention: Duration) -> Result<(), StoreError>;

    /// Gives the leased key up so a redelivery is processed, if the lease is still this
    /// worker's.
    fn release(&self, lease: &Lease) -> Result<(), StoreError>;
}

/// Stores behind references and smart pointers are stores.
macro_rules! forward_store {
    ($($pointer:ty),+) => {$(
        impl<S: IdempotencyStore + ?Sized> IdempotencyStore for $pointer {
            fn begin(&self, key: &str, lease: Duration) -> Result<Claim, StoreError> {
                (**self).begin(key, lease)
            }

            fn complete(&self, lease: &Lease, retention: Duration) -> Result<(), StoreError> {
                (**self).complete(lease, retention)
            }

            fn release(&self, lease: &Lease) -> Result<(), StoreError> {
                (**self).release(lease)
            }
        }
    )+};
}
forward_store!(&S, Box<S>, std::sync::Arc<S>);

/// A store addressed by key alone, for APIs that hand out no lease objects (the
/// bindings' `begin(key)` / `complete(key)` / `release(key)`): it remembers the leases
/// it took, so `complete` and `release` still act only on this handle's own claims.
///
/// ```
/// use std::time::Duration;
/// use hookshield::{ClaimState, KeyedStore, MemoryStore};
/// let store = KeyedStore::new(MemoryStore::new(10));
/// assert_eq!(store.begin("k", Duration::from_secs(30))?, ClaimState::Fresh);
/// store.complete("k", Duration::from_secs(60))?;
/// assert_eq!(store.begin("k", Duration::from_secs(30))?, ClaimState::Done);
/// # Ok::<(), hookshield::StoreError>(())
/// ```
pub struct KeyedStore<S> {
    store: S,
    leases: Mutex<HashMap<String, Lease>>,
}

impl<S: IdempotencyStore> KeyedStore<S> {
    /// Wraps `store`.
    pub fn new(store: S) -> Self {
        KeyedStore {
            store,
            leases: Mutex::new(HashMap::new()),
        }
    }

    /// The wrapped store.
    pub fn inner(&self) -> &S {
        &self.store
    }

    /// Claims `key`; see [`IdempotencyStore::begin`].
    pub fn begin(&self, key: &str, lease: Duration) -> Result<ClaimState, StoreError> {
        let claim = self.store.begin(key, lease)?;
        let state = claim.state();
        if let Claim::Fresh(lease) = claim {
            self.leases().insert(key.to_owned(), lease);
        }
        Ok(state)
    }

    /// Completes this handle's claim on `key`; a key it does not hold is left alone.
    pub fn complete(&self, key: &str, retention: Duration) -> Result<(), StoreError> {
        match self.leases().remove(key) {
            Some(lease) => self.store.complete(&lease, retention),
            None => Ok(()),
        }
    }

    /// Releases this handle's claim on `key`; a key it does not hold is left alone.
    pub fn release(&self, key: &str) -> Result<(), StoreError> {
        match self.leases().remove(key) {
            Some(lease) => self.store.release(&lease),
            None => Ok(()),
        }
    }

    fn leases(&self) -> std::sync::MutexGuard<'_, HashMap<String, Lease>> {
        self.leases
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl<S> fmt::Debug for KeyedStore<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyedStore").finish_non_exhaustive()
    }
}
