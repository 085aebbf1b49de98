'use strict';
// The idempotency stores: the core's memory store, and (where the backend has one) its
// Redis store. Leases, retentions and capacities are checked by the core.

const inspect = Symbol.for('nodejs.util.inspect.custom');

module.exports = function stores({ backend, call, configError, VerificationError, describe }) {
  function keyOf(key) {
    if (typeof key !== 'string') throw configError(`an idempotency key must be a string, found ${describe(key)}`);
    return key;
  }

  /** `options[name]`: undefined, or a number (the core checks its range). */
  function seconds(options, name) {
    const value = options?.[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number') throw configError(`\`${name}\` must be a number of seconds, found ${describe(value)}`);
    return value;
  }

  /**
   * The bounded in-memory idempotency store (one process, or one isolate). `begin(key)`
   * answers `'fresh'` (you hold the key: `complete` or `release` it), `'in_progress'`
   * (another worker holds it) or `'done'` (already processed).
   */
  class MemoryStore {
    #native;

    constructor(options = {}) {
      backend.ready();
      // Absent: the core's default (MemoryStore::DEFAULT_CAPACITY).
      const capacity = options?.capacity ?? undefined;
      if (capacity !== undefined && typeof capacity !== 'number') {
        throw configError(`\`capacity\` must be a number, found ${describe(capacity)}`);
      }
      this.#native = call(() => backend.memoryStore(capacity));
    }

    /** Claims `key` for `leaseSeconds` (default 30). */
    begin(key, options = {}) {
      return call(() => this.#native.begin(keyOf(key), seconds(options, 'leaseSeconds')));
    }

    /**
     * Marks this store's claim on `key` done for `retentionSeconds` (default: the longest
     * default retention of any provider, as a store does not know the provider).
     */
    complete(key, options = {}) {
      call(() => this.#native.complete(keyOf(key), seconds(options, 'retentionSeconds')));
    }

    /** Gives this store's claim on `key` up, so a redelivery is processed. */
    release(key) {
      call(() => this.#native.release(keyOf(key)));
    }

    /** How many keys it remembers now. */
    get size() {
      return this.#native.size;
    }

    /** The most keys it keeps. */
    get capacity() {
      return this.#native.capacity;
    }

    [inspect]() {
      return this.#native.describe();
    }
  }

  /** A Redis answer's state, or its error thrown. */
  function answerOf(answer) {
    if (answer.errorCode !== undefined && answer.errorCode !== null) {
      throw new VerificationError(answer.errorCode, answer.errorMessage);
    }
    return answer.state;
  }

  /**
   * The Redis idempotency store, shared by every receiver process and machine:
   * `new RedisStore('redis://[:password@]host:6379/0', { prefix: 'hookshield:', timeout: 2 })`.
   *
   * The same `begin` / `complete` / `release` as `MemoryStore`, but each returns a
   * promise: Redis calls run on libuv's thread pool, never on the event loop. When Redis
   * cannot be reached (within `timeout` seconds, default 2) they reject with a
   * VerificationError whose code is `store_unavailable`; `process` then resolves to the
   * `store_unavailable` outcome (503), which never acknowledges the delivery, so the
   * provider retries it. The URL (which may hold a password) appears in no error,
   * inspect output or log. Connects lazily: the constructor only checks the URL's form.
   */
  class RedisStore {
    #native;

    constructor(url, options = {}) {
      if (typeof url !== 'string') {
        throw configError(`new RedisStore(url): url must be a string such as 'redis://127.0.0.1:6379/', found ${describe(url)}`);
      }
      const opts = options ?? {};
      if (typeof opts !== 'object') throw configError(`RedisStore options must be an object, found ${describe(opts)}`);
      for (const key of Object.keys(opts)) {
        if (key !== 'prefix' && key !== 'timeout') {
          throw configError(`unknown RedisStore option ${JSON.stringify(key)}; expected prefix, timeout`);
        }
      }
      const prefix = opts.prefix ?? 'hookshield:';
      if (typeof prefix !== 'string') throw configError(`\`prefix\` must be a string, found ${describe(prefix)}`);
      const timeout = seconds(opts, 'timeout');
      this.#native = call(() => backend.redisStore(url, prefix, timeout));
      Object.defineProperty(this, 'prefix', { value: prefix, enumerable: true });
    }

    /** Claims `key` for `leaseSeconds` (default 30): resolves to `'fresh'`, `'in_progress'` or `'done'`. */
    async begin(key, options = {}) {
      const native = this.#native;
      return answerOf(await call(() => native.beginAsync(keyOf(key), seconds(options, 'leaseSeconds'))));
    }

    /** Marks this store's claim on `key` done for `retentionSeconds` (default: the longest default retention of any provider). */
    async complete(key, options = {}) {
      const native = this.#native;
      answerOf(await call(() => native.completeAsync(keyOf(key), seconds(options, 'retentionSeconds'))));
    }

    /** Gives this store's claim on `key` up, so a redelivery is processed. */
    async release(key) {
      const native = this.#native;
      answerOf(await call(() => native.releaseAsync(keyOf(key))));
    }

    /** Address, prefix and timeout; never the URL's password. */
    [inspect]() {
      return this.#native.describe();
    }

    toJSON() {
      return { store: 'redis', prefix: this.prefix };
    }
  }

  /**
   * `store` as `process` uses it: one of hookshield's stores or any object with the same
   * `begin`/`complete`/`release` (which may return promises), or `fallback()` for none.
   */
  function storeOf(store, fallback) {
    if (store === undefined || store === null) return fallback();
    if (typeof store.begin !== 'function' || typeof store.complete !== 'function' || typeof store.release !== 'function') {
      throw configError(`the store must be a MemoryStore${backend.redisStore ? ', a RedisStore' : ''} or have begin, complete and release methods, found ${describe(store)}`);
    }
    return store;
  }

  return backend.redisStore ? { MemoryStore, RedisStore, storeOf } : { MemoryStore, storeOf };
};
