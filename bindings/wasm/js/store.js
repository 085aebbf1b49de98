// The in-memory idempotency store of @hookshield/wasm, over the core's (`raw`).
// scripts/build.mjs puts this file beside js/api.js in both builds (strict mode: an ES
// module, or CommonJS under 'use strict'); `bind` calls it.

// eslint-disable-next-line no-unused-vars
function bindStore({ raw, ensureReady, call, configError, describe }) {

  /** Seconds from an option, as whole milliseconds for the core; undefined when absent. */
  function secondsOption(options, name) {
    const value = options?.[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw configError(`\`${name}\` must be a number of seconds of at least 0, found ${describe(value)}`);
    }
    return Math.round(value * 1000);
  }

  /** The bounded in-memory idempotency store (one isolate), timed by `Date.now()`. */
  class MemoryStore {
    #raw;

    constructor(options = {}) {
      ensureReady();
      const capacity = options?.capacity ?? 100_000;
      if (typeof capacity !== 'number') throw configError(`\`capacity\` must be a number, found ${describe(capacity)}`);
      this.#raw = call(() => new raw.RawMemoryStore(capacity));
    }

    /** Claims `key` for `leaseSeconds` (default 30): `'fresh'`, `'in_progress'` or `'done'`. */
    begin(key, options = {}) {
      return call(() => this.#raw.begin(keyOf(key), secondsOption(options, 'leaseSeconds')));
    }

    /** Marks this store's claim on `key` done for `retentionSeconds` (default: the longest provider retry horizon). */
    complete(key, options = {}) {
      call(() => this.#raw.complete(keyOf(key), secondsOption(options, 'retentionSeconds')));
    }

    /** Gives this store's claim on `key` up, so a redelivery is processed. */
    release(key) {
      call(() => this.#raw.release(keyOf(key)));
    }

    /** How many keys it remembers now. */
    get size() {
      return this.#raw.size;
    }

    /** The most keys it keeps. */
    get capacity() {
      return this.#raw.capacity;
    }
  }

  function keyOf(key) {
    if (typeof key !== 'string') throw configError(`an idempotency key must be a string, found ${describe(key)}`);
    return key;
  }

  return { MemoryStore };
}
