// Types of the npm package `hookshield` (hand-written; `index.d.ts` is the generated
// declaration of the native layer underneath, not part of the public API). The API is
// `./api` (the JavaScript layer both npm packages share); this package adds RedisStore
// and the durable Inbox.
import type { ClaimState } from './common.js';
import type { Body, DeliveryInbox, Event, Handler, HeadersInput, IdempotencyStore, Logger, MemoryStore, Outcome, Verifier, VerifyOptions } from './api.js';
import type { ProviderId } from './events.js';

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

/** What a handler is told besides the event. */
export interface InboxJob {
  /** Which attempt this is: 1 for the first. */
  readonly attempt: number;
  /** The delivery's idempotency key: make side effects outside the inbox idempotent with it. */
  readonly idempotencyKey: string;
  /** The provider's name. */
  readonly provider: ProviderId;
}

export interface InboxWorkerOptions {
  /** The verifier each delivery's signature is checked again with (one provider)... */
  verifier?: Verifier<any>;
  /** ...or one per provider the inbox holds. */
  verifiers?: readonly Verifier<any>[];
  /** Deliveries handled at once (default 1). */
  concurrency?: number;
  /** Attempts before a delivery becomes a dead letter (default 10). */
  maxAttempts?: number;
  /** Seconds a claim holds (default 30): longer than the slowest handler. */
  lease?: number;
  /** Seconds before the first retry (default 1), doubling with jitter... */
  backoff?: number;
  /** ...up to this many (default 3600). */
  maxBackoff?: number;
  /** Seconds an idle worker waits before looking again (default 0.2). */
  pollInterval?: number;
  /** Default `console`: a handler's failure (with its stack) and the inbox down. */
  logger?: Logger;
}

/** Runs a handler on an inbox's deliveries; see `Inbox.worker`. */
export interface InboxWorker {
  /** Starts; resolves once `stop()` was called and every delivery held was finished or released. */
  run(): Promise<void>;
  /** Stops taking deliveries; resolves when `run()` does. */
  stop(): Promise<void>;
  readonly running: boolean;
}

export interface InboxStats {
  /** Waiting for a worker, scheduled retries included. */
  pending: number;
  /** Claimed by a worker. */
  inFlight: number;
  /** Handled, remembered for the retention (redeliveries are duplicates). */
  done: number;
  dead: number;
  /** Age of the oldest delivery pending or in flight; null when none. */
  oldestPendingSeconds: number | null;
}

export interface DeadLetter {
  idempotencyKey: string;
  provider: string;
  attempts: number;
  lastError: string;
  failedAt: Date;
}

/**
 * A durable inbox: `new Inbox('sqlite:inbox.db')` or `new Inbox('redis://host:6379/0')`.
 * Helpers given it answer `queued` as soon as a delivery is stored; `worker(handler, { verifier })`
 * handles the deliveries later (at least once each; done exactly once). Every call but
 * the constructor runs off the event loop (`new Inbox('sqlite:…')` opens the file at
 * once; a Redis inbox connects on first use). Throws `invalid_config` for a URL naming
 * no backend.
 */
export class Inbox implements DeliveryInbox {
  constructor(url: string);
  /** Verifies and appends a delivery: `queued`, `duplicate`, `store_unavailable` (503) or `rejected`. */
  accept<P extends ProviderId>(verifier: Verifier<P>, body: Body, headers: HeadersInput, options?: VerifyOptions): Promise<Outcome<Event<P>>>;
  worker<E = Event>(handler: ((event: E, job: InboxJob) => unknown) | Handler<E>, options: InboxWorkerOptions): InboxWorker;
  stats(): Promise<InboxStats>;
  /** The oldest failure first (default limit 100). */
  deadLetters(options?: { limit?: number }): Promise<DeadLetter[]>;
  /** Makes these dead letters pending again; resolves to how many were dead letters. */
  replay(keys: string | readonly string[]): Promise<number>;
  replayAllDead(): Promise<number>;
}
