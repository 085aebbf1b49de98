//! A bounded, thread-safe, in-process idempotency store.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use super::{Claim, IdempotencyStore, Lease, StoreError};

/// Milliseconds from any fixed origin; only differences matter.
pub type MonotonicMillis = Arc<dyn Fn() -> u64 + Send + Sync>;

/// The default in-memory store: one process, bounded to `capacity` keys.
///
/// When full, the oldest key is forgotten first (in practice one long past its
/// retention). Use a shared store (Redis) when several processes receive deliveries.
///
/// ```
/// use std::time::Duration;
/// use hookshield::{Claim, IdempotencyStore, MemoryStore};
///
/// let store = MemoryStore::new(2);
/// let Claim::Fresh(lease) = store.begin("a", Duration::from_secs(30))? else { unreachable!() };
/// store.release(&lease)?; // the handler failed: a redelivery may try again
/// assert!(matches!(store.begin("a", Duration::from_secs(30))?, Claim::Fresh(_)));
/// # Ok::<(), hookshield::StoreError>(())
/// ```
pub struct MemoryStore {
    inner: Mutex<Inner>,
    now_ms: MonotonicMillis,
    capacity: usize,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<String, Entry>,
    /// Keys in insertion order, with the sequence number of the entry they were for.
    order: VecDeque<(u64, String)>,
    next_seq: u64,
}

struct Entry {
    state: State,
    expires_ms: u64,
    seq: u64,
}

enum State {
    Leased { token: u64 },
    Done,
}

impl MemoryStore {
    /// The capacity every binding gives a memory store it makes without being told one:
    /// 100,000 keys.
    pub const DEFAULT_CAPACITY: usize = 100_000;

    /// A store of at most `capacity` keys (at least one), timed by the system's
    /// monotonic clock.
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    pub fn new(capacity: usize) -> Self {
        let origin = std::time::Instant::now();
        Self::with_clock(
            capacity,
            Arc::new(move || origin.elapsed().as_millis() as u64),
        )
    }

    /// A store timed by `now_ms` (for hosts without a system clock, and for tests).
    ///
    /// ```
    /// use std::sync::{atomic::{AtomicU64, Ordering}, Arc};
    /// use std::time::Duration;
    /// use hookshield::{Claim, IdempotencyStore, MemoryStore};
    ///
    /// let now = Arc::new(AtomicU64::new(0));
    /// let clock = now.clone();
    /// let store = MemoryStore::with_clock(10, Arc::new(move || clock.load(Ordering::SeqCst)));
    /// assert!(matches!(store.begin("k", Duration::from_secs(30))?, Claim::Fresh(_)));
    /// now.store(30_001, Ordering::SeqCst); // the worker died; its lease ran out
    /// assert!(matches!(store.begin("k", Duration::from_secs(30))?, Claim::Fresh(_)));
    /// # Ok::<(), hookshield::StoreError>(())
    /// ```
    pub fn with_clock(capacity: usize, now_ms: MonotonicMillis) -> Self {
        MemoryStore {
            inner: Mutex::new(Inner::default()),
            now_ms,
            capacity: capacity.max(1),
        }
    }

    /// How many keys it remembers now (expired ones included until evicted).
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether it remembers no key.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The most keys it keeps.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // Every critical section leaves `Inner` consistent, so a poisoned lock is usable.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn finish(&self, lease: &Lease, done_for: Option<Duration>) {
        let Ok(token) = lease.token().parse::<u64>() else {
            return;
        };
        let now = (self.now_ms)();
        let mut inner = self.lock();
        let Some(entry) = inner.entries.get_mut(lease.key()) else {
            return;
        };
        if !matches!(entry.state, State::Leased { token: held } if held == token) {
            return;
        }
        match done_for {
            Some(retention) => {
                entry.state = State::Done;
                entry.expires_ms = now.saturating_add(millis(retention));
            }
            None => {
                inner.entries.remove(lease.key());
            }
        }
    }
}

impl Inner {
    fn insert(&mut self, key: &str, entry_state: State, expires_ms: u64, capacity: usize) {
        while self.entries.len() >= capacity {
            let Some((seq, oldest)) = self.order.pop_front() else {
                break;
            };
            if self.entries.get(&oldest).is_some_and(|e| e.seq == seq) {
                self.entries.remove(&oldest);
            }
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.entries.insert(
            key.to_owned(),
            Entry {
                state: entry_state,
                expires_ms,
                seq,
            },
        );
        self.order.push_back((seq, key.to_owned()));
        // Drop queue slots of keys that were since replaced or removed.
        if self.order.len() > 2 * capacity {
            let entries = &self.entries;
            self.order
                .retain(|(seq, key)| entries.get(key).is_some_and(|e| e.seq == *seq));
        }
    }
}

impl IdempotencyStore for MemoryStore {
    fn begin(&self, key: &str, lease: Duration) -> Result<Claim, StoreError> {
        let now = (self.now_ms)();
        let mut inner = self.lock();
        if let Some(entry) = inner.entries.get(key) {
            if entry.expires_ms > now {
                return Ok(match entry.state {
                    State::Leased { .. } => Claim::InProgress,
                    State::Done => Claim::Done,
                });
            }
            inner.entries.remove(key);
        }
        let token = inner.next_seq;
        inner.insert(
            key,
            State::Leased { token },
            now.saturating_add(millis(lease)),
            self.capacity,
        );
        Ok(Claim::Fresh(Lease::new(key, token.to_string())))
    }

    fn complete(&self, lease: &Lease, retention: Duration) -> Result<(), StoreError> {
        self.finish(lease, Some(retention));
        Ok(())
    }

    fn release(&self, lease: &Lease) -> Result<(), StoreError> {
        self.finish(lease, None);
        Ok(())
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore")
            .field("capacity", &self.capacity)
            .field("len", &self.len())
            .finish_non_exhaustive()
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};

    use super::*;

    fn store_at(capacity: usize) -> (MemoryStore, Arc<AtomicU64>) {
        let now = Arc::new(AtomicU64::new(1_000));
        let clock = now.clone();
        (
            MemoryStore::with_clock(capacity, Arc::new(move || clock.load(Ordering::SeqCst))),
            now,
        )
    }

    const LEASE: Duration = Duration::from_secs(30);

    #[test]
    fn done_expires_after_retention() {
        let (store, now) = store_at(10);
        let Claim::Fresh(lease) = store.begin("k", LEASE).unwrap() else {
            panic!()
        };
        store.complete(&lease, Duration::from_secs(60)).unwrap();
        now.fetch_add(59_999, Ordering::SeqCst);
        assert_eq!(store.begin("k", LEASE).unwrap(), Claim::Done);
        now.fetch_add(1, Ordering::SeqCst);
        assert!(matches!(store.begin("k", LEASE).unwrap(), Claim::Fresh(_)));
    }

    #[test]
    fn a_stale_lease_cannot_complete_a_newer_claim() {
        let (store, now) = store_at(10);
        let Claim::Fresh(slow) = store.begin("k", LEASE).unwrap() else {
            panic!()
        };
        now.fetch_add(30_000, Ordering::SeqCst);
        let Claim::Fresh(fast) = store.begin("k", LEASE).unwrap() else {
            panic!()
        };
        store.release(&slow).unwrap();
        store.complete(&slow, Duration::from_secs(60)).unwrap();
        assert_eq!(store.begin("k", LEASE).unwrap(), Claim::InProgress);
        store.complete(&fast, Duration::from_secs(60)).unwrap();
        assert_eq!(store.begin("k", LEASE).unwrap(), Claim::Done);
    }

    #[test]
    fn capacity_bounds_memory_and_evicts_oldest() {
        let (store, _) = store_at(3);
        for key in ["a", "b", "c", "d"] {
            let Claim::Fresh(lease) = store.begin(key, LEASE).unwrap() else {
                panic!()
            };
            store.complete(&lease, Duration::from_secs(60)).unwrap();
        }
        assert_eq!(store.len(), 3);
        assert_eq!(store.begin("d", LEASE).unwrap(), Claim::Done);
        assert!(matches!(store.begin("a", LEASE).unwrap(), Claim::Fresh(_)));
    }

    #[test]
    fn order_queue_stays_bounded_under_churn() {
        let (store, _) = store_at(4);
        for _ in 0..1000 {
            let Claim::Fresh(lease) = store.begin("same", LEASE).unwrap() else {
                panic!()
            };
            store.release(&lease).unwrap();
        }
        assert!(store.lock().order.len() <= 8);
    }

    #[test]
    fn concurrent_begins_hand_out_one_lease() {
        let store = Arc::new(MemoryStore::new(1000));
        let fresh = AtomicU64::new(0);
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    for i in 0..200 {
                        if matches!(
                            store.begin(&format!("k{i}"), LEASE).unwrap(),
                            Claim::Fresh(_)
                        ) {
                            fresh.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                });
            }
        });
        assert_eq!(fresh.load(Ordering::SeqCst), 200);
    }
}
