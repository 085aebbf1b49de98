// Types of the npm package `hookshield` (hand-written; `index.d.ts` is the generated
// declaration of the native layer underneath, not part of the public API). The API is
// `./api` (the JavaScript layer both npm packages share); this package adds RedisStore.
import type { ClaimState } from './common.js';
import type { IdempotencyStore, MemoryStore } from './api.js';

export * from './common.js';
export * from './events.js';
export * from './api.js';

export interface RedisStoreOptions {
  /** Prefix of every key in Redis (default `hookshield:`). */
  prefix?: string;
  /** Connect, read and write timeout in seconds (default 2): Redis down fails within it. */
  timeout?: number;
}

/**
 * The Redis idempotency store, shared by every receiver process and machine. The same
 * methods as MemoryStore, returning promises (Redis calls run off the event loop); they
 * reject with a VerificationError whose code is `store_unavailable` when Redis cannot be
 * reached. The URL (which may hold a password) never appears in errors or inspect output.
 */
export class RedisStore implements IdempotencyStore {
  /** `url`: `redis://[user:password@]host:port/db`. Connects lazily. */
  constructor(url: string, options?: RedisStoreOptions);
  readonly prefix: string;
  begin(key: string, options?: { leaseSeconds?: number }): Promise<ClaimState>;
  complete(key: string, options?: { retentionSeconds?: number }): Promise<void>;
  release(key: string): Promise<void>;
}

/** hookshield's stores. */
export type Store = MemoryStore | RedisStore;
