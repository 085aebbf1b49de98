'use strict';
// The durable inbox (the native package only: a backend with `inbox(url)`): helpers
// answer a delivery as soon as the core has appended it durably, and workers run the
// handler later. Every inbox call does I/O on libuv's thread pool (napi async work), but
// the constructor (a SQLite file is opened at once, on the calling thread); the
// core owns every rule (verify, append, dedup, claim, check again, retries with backoff,
// dead letters), and this module only runs the worker's loop, because handlers are
// JavaScript.

const inspect = Symbol.for('nodejs.util.inspect.custom');
const encoder = new TextEncoder();

const NO_INBOX =
  'this package has no inbox: @hookshield/wasm runs where the platform has its own queues ' +
  '(Cloudflare Queues, Deno KV queues, ...); enqueue the verified event there, or use the native package `hookshield`';

const WORKER_OPTIONS = new Set(['verifier', 'verifiers', 'concurrency', 'maxAttempts', 'lease', 'backoff', 'maxBackoff', 'pollInterval', 'logger']);

module.exports = function inboxes(ctx) {
  const { backend, Verifier, INTERNAL, Event, VerificationError, REASON, call, configError, toError, rejection, describe, bodyOf, refused, handlerOf } = ctx;

  /** What a helper's `inbox` option is: hookshield's Inbox, or (no inbox given) undefined. */
  function inboxOf(inbox) {
    if (inbox === undefined || inbox === null) return undefined;
    if (backend.inbox === undefined) throw configError(`options.inbox: ${NO_INBOX}`);
    if (!(inbox instanceof Inbox)) throw configError(`options.inbox must be a hookshield Inbox, found ${describe(inbox)}`);
    return inbox;
  }

  /** An answer's error, thrown as a VerificationError. */
  function answered(answer) {
    if (typeof answer.errorCode === 'string') throw new VerificationError(answer.errorCode, answer.errorMessage);
    return answer;
  }

  /** `options[name]`: undefined, or a number (the core checks its range). */
  function numberOf(options, name) {
    const value = options[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number') throw configError(`\`${name}\` must be a number, found ${describe(value)}`);
    return value;
  }

  /**
   * A durable inbox of verified deliveries: `new Inbox('sqlite:/var/lib/app/inbox.db')`
   * (one machine; several processes may share the file) or
   * `new Inbox('redis://host:6379/0')` (receivers and workers on many machines). Give it
   * to a helper (`hookshield.express({ verifier, inbox })`): the provider gets 200
   * (`queued`) as soon as the delivery is stored, 503 when it could not be (it retries).
   * Then `inbox.worker(handler, { verifier }).run()` handles them: at least once per
   * delivery (a worker that dies mid-handler loses its lease, and another runs it again),
   * done exactly once.
   */
  class Inbox {
    #native;

    constructor(url) {
      if (backend.inbox === undefined) throw configError(NO_INBOX);
      if (typeof url !== 'string') {
        throw configError(`new Inbox(url): url must be a string such as 'sqlite:inbox.db' or 'redis://127.0.0.1:6379/', found ${describe(url)}`);
      }
      this.#native = call(() => backend.inbox(url));
    }

    /**
     * A worker running `handler(event, job)` (a function, possibly async, or a Router) on
     * each delivery; `job` is `{ attempt, idempotencyKey, provider }`. `options`:
     * `verifier` or `verifiers` (one per provider, to check each delivery's signature
     * again), `concurrency` (default 1), `maxAttempts` (default 10), `lease` (seconds,
     * default 30), `backoff` (seconds before the first retry, default 1, doubling with
     * jitter), `maxBackoff` (default 3600), `pollInterval` (seconds, default 0.2),
     * `logger` (default console).
     */
    worker(handler, options = {}) {
      return new InboxWorker(this.#native, handler, options);
    }

    /** `{ pending, inFlight, done, dead, oldestPendingSeconds }` (null when nothing waits). */
    async stats() {
      const native = this.#native;
      const { stats } = answered(await call(() => native.statsAsync()));
      return {
        pending: stats.pending,
        inFlight: stats.inFlight,
        done: stats.done,
        dead: stats.dead,
        oldestPendingSeconds: stats.oldestPendingSeconds ?? null,
      };
    }

    /** Up to `limit` (default 100) dead letters, the oldest failure first: `{ idempotencyKey, provider, attempts, lastError, failedAt }`. */
    async deadLetters(options = {}) {
      const limit = numberOf(options ?? {}, 'limit') ?? 100;
      if (!Number.isInteger(limit) || limit < 0 || limit > 0xffffffff) throw configError(`\`limit\` must be a whole number, found ${limit}`);
      const native = this.#native;
      const { deadLetters } = answered(await call(() => native.deadLettersAsync(limit)));
      return deadLetters.map((letter) => ({ ...letter, failedAt: new Date(letter.failedAt) }));
    }

    /** Makes the dead letters with these keys pending again (fresh attempts); resolves to how many were dead letters. */
    async replay(keys) {
      const list = typeof keys === 'string' ? [keys] : keys;
      if (!Array.isArray(list) || !list.every((key) => typeof key === 'string')) {
        throw configError(`replay(keys): keys must be a string or an array of strings, found ${describe(keys)}`);
      }
      const native = this.#native;
      return answered(await call(() => native.replayAsync(list))).count;
    }

    /** Makes every dead letter pending again; resolves to how many there were. */
    async replayAllDead() {
      const native = this.#native;
      return answered(await call(() => native.replayAllDeadAsync())).count;
    }

    /**
     * Verifies a delivery with `verifier` and appends it (what the helpers do): resolves
     * to the outcome, whose `status` and `answer` are what the provider should get.
     * `options.now` pins "now" (Unix milliseconds or a Date). Never rejects for a delivery.
     */
    async accept(verifier, body, headers, options) {
      if (!(verifier instanceof Verifier)) throw configError(`inbox.accept needs a Verifier, found ${describe(verifier)}`);
      return acceptDelivery(this.#native, verifier, body, headers, options);
    }

    /** The backend and its settings; never the URL's password. */
    [inspect]() {
      return this.#native.describe();
    }
  }

  /**
   * Verifies (the core's checks, the inbox's retention as the replay horizon) and appends
   * a delivery off the event loop; resolves to the outcome `{ kind, status, acknowledged,
   * event, error, answer }`: `queued` (200) once durable, `duplicate` (200) when its key is
   * already in the inbox, `store_unavailable` (503), `rejected`.
   */
  async function acceptDelivery(native, verifier, body, headers, options) {
    const internal = verifier[INTERNAL];
    let value;
    let read;
    try {
      value = bodyOf(body);
      read = internal.read(headers, options ?? {});
    } catch (thrown) {
      const error = toError(thrown);
      return refused(internal.misconfigured(error[REASON] ?? error.message));
    }
    const bytes = typeof value === 'string' ? encoder.encode(value) : value;
    const [signature, timestamp, id, event] = read.values;
    const answer = await native.acceptAsync(internal.native, bytes, signature, timestamp, id, event, read.now);
    const { kind, settled, packed } = answer;
    const bar = settled.indexOf('|');
    const outcome = {
      kind,
      status: Number(settled.slice(0, bar)),
      acknowledged: settled.charCodeAt(bar + 1) === 49 /* 1 */,
      event: null,
      error: null,
      answer: settled.slice(bar + 3),
    };
    if (packed.charCodeAt(0) === 33 /* ! */) outcome.error = rejection(packed);
    else outcome.event = new Event(verifier.provider, packed, value);
    if (kind === 'store_unavailable') outcome.error = new VerificationError('store_unavailable', answer.message);
    return outcome;
  }

  /** The verifiers of `inbox.worker`'s options: `verifier`, or `verifiers` (a non-empty array). */
  function verifiersOf(options) {
    const list = options.verifiers ?? (options.verifier === undefined ? undefined : [options.verifier]);
    if (options.verifiers !== undefined && options.verifier !== undefined) throw configError('give `verifier` or `verifiers`, not both');
    if (!Array.isArray(list) || list.length === 0) {
      throw configError(`inbox.worker needs \`verifier\` (or \`verifiers\`, one per provider) to check each delivery again, found ${describe(list)}`);
    }
    for (const verifier of list) {
      if (!(verifier instanceof Verifier)) throw configError(`a worker's verifiers must be hookshield Verifiers, found ${describe(verifier)}`);
    }
    return list;
  }

  /**
   * Runs a handler on the inbox's deliveries: `run()` starts `concurrency` lanes, each
   * claiming the oldest due delivery (checked again by the core), awaiting the handler and
   * recording its result (done; a retry after backoff; a dead letter after the last
   * attempt). `run()` resolves once `stop()` was called and every lane has finished the
   * delivery it held (or, claimed after the stop, released it).
   */
  class InboxWorker {
    #native;
    #handler;
    #logger;
    #running = null;
    #stopping = false;
    #failing = false;
    #wakers = new Set();

    constructor(native, handler, options) {
      if (options === null || typeof options !== 'object') throw configError(`inbox.worker options must be an object, found ${describe(options)}`);
      for (const key of Object.keys(options)) {
        if (!WORKER_OPTIONS.has(key)) throw configError(`unknown inbox.worker option ${JSON.stringify(key)}; expected one of ${[...WORKER_OPTIONS].join(', ')}`);
      }
      this.#handler = handlerOf(handler);
      const logger = options.logger ?? console;
      if (logger === null || typeof logger !== 'object' || typeof logger.error !== 'function' || typeof logger.warn !== 'function') {
        throw configError(`options.logger must have error() and warn() methods (like console), found ${describe(logger)}`);
      }
      this.#logger = logger;
      const verifiers = verifiersOf(options);
      const numbers = ['concurrency', 'maxAttempts', 'lease', 'backoff', 'maxBackoff', 'pollInterval'].map((name) => numberOf(options, name));
      this.#native = call(() => native.worker(...numbers));
      for (const verifier of verifiers) this.#native.addVerifier(verifier[INTERNAL].native);
    }

    /** Whether it is running (`run()` was called and has not resolved yet). */
    get running() {
      return this.#running !== null;
    }

    /** Starts the lanes; resolves once `stop()` was called and they have all finished. */
    run() {
      if (this.#running === null) {
        this.#stopping = false;
        const lanes = Array.from({ length: this.#native.concurrency }, () => this.#lane());
        this.#running = Promise.all(lanes).then(() => {
          this.#running = null;
        });
      }
      return this.#running;
    }

    /**
     * Stops taking deliveries: each lane finishes (and records) the handler it is running,
     * and releases one it claimed meanwhile. Resolves when `run()` does.
     */
    stop() {
      this.#stopping = true;
      for (const wake of this.#wakers) wake();
      return this.#running ?? Promise.resolve();
    }

    async #lane() {
      while (!this.#stopping) {
        const work = await this.#native.nextAsync();
        if (work === null) {
          this.#recovered();
          await this.#idle();
        } else if (typeof work.errorCode === 'string') {
          if (!this.#failing) this.#logger.error(`hookshield: the inbox worker cannot claim deliveries (retrying): ${work.errorCode}: ${work.errorMessage}`);
          this.#failing = true;
          await this.#idle();
        } else if (this.#stopping) {
          this.#report(work, await work.releaseAsync(), undefined, undefined);
        } else {
          this.#recovered();
          await this.#handle(work);
        }
      }
    }

    async #handle(work) {
      const event = new Event(work.provider, work.packed, work.body);
      const job = Object.freeze({ attempt: work.attempt, idempotencyKey: work.idempotencyKey, provider: work.provider });
      let failure;
      try {
        await this.#handler(event, job);
      } catch (thrown) {
        failure = thrown instanceof Error ? thrown : new Error(`handler failed: ${String(thrown)}`);
      }
      const finished = await work.finishAsync(failure === undefined ? undefined : failure.message || failure.name);
      this.#report(work, finished, event, failure);
    }

    /** Logs what became of a delivery the handler failed on, or that could not be recorded. */
    #report(work, finished, event, failure) {
      const what = `${[work.provider, event?.type, work.idempotencyKey].filter(Boolean).join(' ')} (attempt ${work.attempt})`;
      if (typeof finished.errorCode === 'string') {
        const line = `hookshield: the inbox could not record ${what}: ${finished.errorCode}: ${finished.errorMessage}`;
        if (finished.errorCode === 'lease_lost') this.#logger.warn(line);
        else this.#logger.error(line);
      } else if (failure !== undefined) {
        const fate = finished.finished === 'dead' ? 'now a dead letter' : `retry in ${finished.dueInSeconds.toFixed(1)} s`;
        this.#logger.error(`hookshield: the inbox handler failed on ${what}; ${fate}:`, failure);
      }
    }

    #recovered() {
      if (this.#failing) this.#logger.warn('hookshield: the inbox worker claims deliveries again');
      this.#failing = false;
    }

    /** Waits the poll interval, or until `stop()`. */
    #idle() {
      return new Promise((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.#wakers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, this.#native.pollInterval * 1000);
        this.#wakers.add(wake);
      });
    }
  }

  return { Inbox, inboxOf };
};
