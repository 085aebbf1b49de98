//! The core's idempotency stores, addressed by key (the core's `KeyedStore` keeps each
//! handle's leases): the bounded in-memory store, and the Redis store, whose calls do I/O
//! and so run as napi async work on libuv's thread pool ([`StoreTask`]): the event loop
//! never waits on Redis.

// Exported functions take owned arguments: that is how napi converts JavaScript values.
#![allow(clippy::needless_pass_by_value)]

use std::sync::Arc;

use hookshield::idempotency::{RedisStore, DEFAULT_TIMEOUT};
use hookshield::{options, KeyedStore, MemoryStore, StoreError};
use napi::bindgen_prelude::AsyncTask;
use napi::{Env, Task};
use napi_derive::napi;

use crate::{store_error, to_js, wire, Result};

/// The core's bounded in-memory store.
#[napi]
pub struct NativeMemoryStore {
    keyed: KeyedStore<MemoryStore>,
}

#[napi]
impl NativeMemoryStore {
    /// A store of at most `capacity` keys (checked by the core; absent, the core's
    /// default).
    #[napi(constructor)]
    pub fn new(capacity: Option<f64>) -> Result<Self> {
        let capacity = capacity
            .map_or(Ok(MemoryStore::DEFAULT_CAPACITY), options::capacity)
            .map_err(|e| to_js(&e))?;
        Ok(NativeMemoryStore {
            keyed: KeyedStore::new(MemoryStore::new(capacity)),
        })
    }

    /// Claims `key` for `lease_seconds` (default: the core's lease): `fresh`,
    /// `in_progress` or `done`.
    #[napi]
    pub fn begin(&self, key: String, lease_seconds: Option<f64>) -> Result<&'static str> {
        let lease = wire::store_lease(lease_seconds).map_err(|e| to_js(&e))?;
        self.keyed
            .begin(&key, lease)
            .map(hookshield::ClaimState::as_str)
            .map_err(|e| store_error(&e))
    }

    /// Marks this handle's claim on `key` done for `retention_seconds` (default: the
    /// longest default retention of any provider).
    #[napi]
    pub fn complete(&self, key: String, retention_seconds: Option<f64>) -> Result<()> {
        let retention = wire::store_retention(retention_seconds).map_err(|e| to_js(&e))?;
        self.keyed
            .complete(&key, retention)
            .map_err(|e| store_error(&e))
    }

    /// Releases this handle's claim on `key` so a redelivery is processed.
    #[napi]
    pub fn release(&self, key: String) -> Result<()> {
        self.keyed.release(&key).map_err(|e| store_error(&e))
    }

    /// How many keys it remembers now.
    #[napi(getter)]
    pub fn size(&self) -> f64 {
        self.keyed.inner().len() as f64
    }

    /// The most keys it keeps.
    #[napi(getter)]
    pub fn capacity(&self) -> f64 {
        self.keyed.inner().capacity() as f64
    }

    /// The store, as the core describes it.
    #[napi]
    pub fn describe(&self) -> String {
        format!("{:?}", self.keyed.inner())
    }
}

/// The core's Redis store. Its URL (which may hold a password) never appears in an error
/// or in `describe`.
#[napi]
pub struct NativeRedisStore {
    keyed: Arc<KeyedStore<RedisStore>>,
}

/// A Redis call's answer, from a worker thread: `state` (`begin`), or the error.
#[napi(object)]
pub struct StoreAnswer {
    /// `fresh`, `in_progress` or `done`, for `begin`.
    pub state: Option<String>,
    /// The error's code, when the call failed.
    pub error_code: Option<String>,
    /// The error's message (never the URL or a password).
    pub error_message: Option<String>,
}

/// What a [`StoreTask`] does.
#[derive(Debug)]
pub enum StoreCall {
    /// Claim the key for the lease.
    Begin(String, std::time::Duration),
    /// Complete this handle's claim, remembered for the retention.
    Complete(String, std::time::Duration),
    /// Release this handle's claim.
    Release(String),
}

/// A Redis call run on libuv's thread pool.
pub struct StoreTask {
    keyed: Arc<KeyedStore<RedisStore>>,
    call: Option<StoreCall>,
}

impl Task for StoreTask {
    type Output = StoreAnswer;
    type JsValue = StoreAnswer;

    fn compute(&mut self) -> napi::Result<StoreAnswer> {
        let result: std::result::Result<Option<String>, StoreError> = match self.call.take() {
            Some(StoreCall::Begin(key, lease)) => self
                .keyed
                .begin(&key, lease)
                .map(|state| Some(state.as_str().to_owned())),
            Some(StoreCall::Complete(key, retention)) => {
                self.keyed.complete(&key, retention).map(|()| None)
            }
            Some(StoreCall::Release(key)) => self.keyed.release(&key).map(|()| None),
            None => Ok(None),
        };
        Ok(match result {
            Ok(state) => StoreAnswer {
                state,
                error_code: None,
                error_message: None,
            },
            Err(error) => StoreAnswer {
                state: None,
                error_code: Some(error.code().to_owned()),
                error_message: Some(error.to_string()),
            },
        })
    }

    fn resolve(&mut self, _env: Env, output: StoreAnswer) -> napi::Result<StoreAnswer> {
        Ok(output)
    }
}

#[napi]
impl NativeRedisStore {
    /// The store at `url`, keys under `prefix`, each call within `timeout_seconds`.
    /// Connects lazily: the first call reports an unreachable server. Throws
    /// `store_unavailable` for a URL that cannot be parsed.
    #[napi(factory)]
    pub fn open(url: String, prefix: String, timeout_seconds: Option<f64>) -> Result<Self> {
        let timeout = match timeout_seconds {
            None => DEFAULT_TIMEOUT,
            // A store's timeout is not a core option: the Redis client takes any positive one.
            Some(seconds) => std::time::Duration::try_from_secs_f64(seconds)
                .ok()
                .filter(|timeout| !timeout.is_zero())
                .ok_or_else(|| {
                    to_js(&wire::config(format!(
                        "`timeout` must be a positive number of seconds, found {seconds}"
                    )))
                })?,
        };
        let redis = RedisStore::open(&url)
            .map_err(|e| store_error(&e))?
            .with_timeout(timeout)
            .with_prefix(prefix);
        Ok(NativeRedisStore {
            keyed: Arc::new(KeyedStore::new(redis)),
        })
    }

    /// Claims `key` for `lease_seconds` (default: the core's lease), on a worker thread.
    #[napi(ts_return_type = "Promise<StoreAnswer>")]
    pub fn begin_async(
        &self,
        key: String,
        lease_seconds: Option<f64>,
    ) -> Result<AsyncTask<StoreTask>> {
        let lease = wire::store_lease(lease_seconds).map_err(|e| to_js(&e))?;
        Ok(self.task(StoreCall::Begin(key, lease)))
    }

    /// Completes this handle's claim on `key` for `retention_seconds` (default: the
    /// longest default retention of any provider), on a worker thread.
    #[napi(ts_return_type = "Promise<StoreAnswer>")]
    pub fn complete_async(
        &self,
        key: String,
        retention_seconds: Option<f64>,
    ) -> Result<AsyncTask<StoreTask>> {
        let retention = wire::store_retention(retention_seconds).map_err(|e| to_js(&e))?;
        Ok(self.task(StoreCall::Complete(key, retention)))
    }

    /// Releases this handle's claim on `key`, on a worker thread.
    #[napi(ts_return_type = "Promise<StoreAnswer>")]
    pub fn release_async(&self, key: String) -> AsyncTask<StoreTask> {
        self.task(StoreCall::Release(key))
    }

    /// Address, prefix and timeout, without the URL's password (the core's `Debug`).
    #[napi]
    pub fn describe(&self) -> String {
        format!("{:?}", self.keyed.inner())
    }
}

impl NativeRedisStore {
    fn task(&self, call: StoreCall) -> AsyncTask<StoreTask> {
        AsyncTask::new(StoreTask {
            keyed: Arc::clone(&self.keyed),
            call: Some(call),
        })
    }
}
