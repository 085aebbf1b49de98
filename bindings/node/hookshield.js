'use strict';
// The public API of the npm package `hookshield`, on the napi-rs addon (`index.js`,
// generated). This file only converts JavaScript values to what the Rust core takes and
// back: every rule (schemes, order of checks, replay windows, envelopes, idempotency
// keys, HTTP statuses) lives in the core.

const native = require('./index.js');
const { Event } = require('./event.js');
const { pickHeaders } = require('./headers.js');

const inspect = Symbol.for('nodejs.util.inspect.custom');

const CODES = new Set([
  'missing_header',
  'malformed_signature',
  'signature_mismatch',
  'missing_timestamp',
  'malformed_timestamp',
  'timestamp_too_old',
  'timestamp_in_future',
  'body_too_large',
  'invalid_json',
  'invalid_envelope',
  'header_mismatch',
  'no_secret',
  'invalid_config',
  'store_unavailable',
]);

/**
 * The one error of hookshield. `code` is one of the contract's stable codes
 * (`signature_mismatch`, `timestamp_too_old`, ...), `invalid_config` for a verifier (or
 * a receiver) set up wrongly, or `store_unavailable` when the idempotency store failed.
 * Messages never contain a secret or an expected signature.
 */
class VerificationError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'VerificationError';
    this.code = code;
  }
}

function toError(error) {
  if (error instanceof VerificationError) return error;
  if (error !== null && typeof error === 'object' && CODES.has(error.code)) {
    return new VerificationError(error.code, error.message);
  }
  // Not reachable through the public API; kept so that nothing but a
  // VerificationError ever leaves `verify`.
  const message = error instanceof Error ? error.message : String(error);
  return new VerificationError('invalid_config', `hookshield internal error: ${message}`);
}

function configError(message) {
  return new VerificationError('invalid_config', message);
}

function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    const name = Object.getPrototypeOf(value)?.constructor?.name;
    return name && name !== 'Object' ? `an object (${name})` : 'an object';
  }
  return typeof value;
}

// ---------------------------------------------------------------------------------
// Bodies

const RAW_BODY_HELP =
  'The signature covers the exact bytes that were sent, so pass the raw body: ' +
  "with Express, `express.raw({ type: 'application/json', limit: verifier.maxBodyBytes })` on this route " +
  'instead of `express.json()` (or hookshield.express with no body parser: it reads the body itself); ' +
  'with Fetch or Next.js route handlers, `await req.text()` (or `Buffer.from(await req.arrayBuffer())`); ' +
  "with Fastify, a content-type parser with `parseAs: 'buffer'` (or hookshield's Fastify plugin); " +
  'with node:http, the collected request chunks (or `hookshield.httpHandler`).';

/** Why `body` cannot be verified: a receiver set up wrongly (`invalid_config`, status 500). */
function bodyError(body) {
  if (body === undefined || body === null) {
    return configError(`no body to verify (found ${describe(body)}). ${RAW_BODY_HELP}`);
  }
  if (typeof body === 'object') {
    return configError(
      `the body is ${describe(body)}, already parsed: a parsed body cannot be verified. ${RAW_BODY_HELP}`,
    );
  }
  return configError(`the body must be a Buffer, Uint8Array or string, found ${describe(body)}. ${RAW_BODY_HELP}`);
}

/** The body as a Uint8Array or a string, or throws `bodyError`. */
function bodyOf(body) {
  if (body instanceof Uint8Array || typeof body === 'string') return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  throw bodyError(body);
}

// ---------------------------------------------------------------------------------
// Events (the class is in event.js)

/** The VerificationError for the native layer's `!{code}|{message}`. */
function rejection(packed) {
  const bar = packed.indexOf('|');
  return new VerificationError(packed.slice(1, bar), packed.slice(bar + 1));
}

/** The event for the native layer's packed fields and the verified body. */
function eventOf(provider, packed, body) {
  return new Event(provider, packed, body);
}

// ---------------------------------------------------------------------------------
// Verifier

// camelCase option -> the core's override name (snake_case names are accepted as is).
const OVERRIDES = {
  signatureHeader: 'signature_header',
  encoding: 'encoding',
  prefix: 'prefix',
  signedContent: 'signed_content',
  timestampHeader: 'timestamp_header',
  idHeader: 'id_header',
  eventHeader: 'event_header',
  secretFormat: 'secret_format',
};
const CORE_OVERRIDES = new Set(Object.values(OVERRIDES));
const OPTIONS = new Set(['provider', 'secrets', 'secret', 'tolerance', 'maxBodyBytes', 'clock', 'overrides']);

function overridesOf(options) {
  const overrides = {};
  const add = (key, value) => {
    const name = OVERRIDES[key] ?? (CORE_OVERRIDES.has(key) ? key : undefined);
    if (name === undefined) {
      const known = [...OPTIONS, ...Object.keys(OVERRIDES)].join(', ');
      throw configError(`unknown option ${JSON.stringify(key)}; expected one of ${known}`);
    }
    if (value === undefined) return;
    // null (or '') removes an optional header, as in the core.
    if (value !== null && typeof value !== 'string') {
      throw configError(`option \`${key}\` must be a string, found ${describe(value)}`);
    }
    overrides[name] = value ?? '';
  };
  for (const key of Object.keys(options)) {
    if (!OPTIONS.has(key)) add(key, options[key]);
  }
  if (options.overrides !== undefined) {
    if (options.overrides === null || typeof options.overrides !== 'object') {
      throw configError(`\`overrides\` must be an object of { name: value }, found ${describe(options.overrides)}`);
    }
    for (const key of Object.keys(options.overrides)) add(key, options.overrides[key]);
  }
  return overrides;
}

function secretsOf(options) {
  let secrets = options.secrets !== undefined ? options.secrets : options.secret;
  if (secrets === undefined || secrets === null) secrets = [];
  if (!Array.isArray(secrets)) secrets = [secrets];
  return secrets.map((secret) => {
    if (typeof secret === 'string' || secret instanceof Uint8Array) return secret;
    if (secret instanceof ArrayBuffer) return new Uint8Array(secret);
    if (ArrayBuffer.isView(secret)) return new Uint8Array(secret.buffer, secret.byteOffset, secret.byteLength);
    throw configError(`a secret must be a string, Buffer or Uint8Array, found ${describe(secret)}`);
  });
}

function numberOption(options, name) {
  const value = options[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw configError(`\`${name}\` must be a number, found ${describe(value)}`);
  return value;
}

const processed = (kind) => kind === 'processed' || kind === 'duplicate';

/**
 * Verifies deliveries from one provider.
 *
 * `new Verifier({ provider: 'sentinel', secrets: ['whsec_...'] })`. Options:
 * `tolerance` (seconds each way, default 300), `maxBodyBytes` (default 1 MiB),
 * `clock` (`() => number`: "now" in Unix milliseconds, like `Date.now`; a `Date` also
 * works), and scheme overrides by name: `signatureHeader`, `encoding`, `prefix`,
 * `signedContent`, `timestampHeader`, `idHeader`, `eventHeader` (null removes it),
 * `secretFormat` (or the same in `overrides`, in camelCase or the core's snake_case).
 * Throws a VerificationError (`no_secret`, `invalid_config`) when the options are wrong.
 */
class Verifier {
  #native;
  #names;
  #clock;
  #provider;
  #scratch = [undefined, undefined, undefined, undefined];

  constructor(options) {
    if (options === null || typeof options !== 'object') {
      throw configError(
        `new Verifier(options) takes an object such as { provider: 'sentinel', secrets: ['whsec_...'] }, found ${describe(options)}`,
      );
    }
    if (typeof options.provider !== 'string') {
      throw configError(`\`provider\` must be a string such as "sentinel", found ${describe(options.provider)}`);
    }
    if (options.clock !== undefined && typeof options.clock !== 'function') {
      throw configError(`\`clock\` must be a function returning Unix milliseconds, found ${describe(options.clock)}`);
    }
    const settings = {
      tolerance: numberOption(options, 'tolerance'),
      maxBodyBytes: numberOption(options, 'maxBodyBytes'),
      overrides: overridesOf(options),
    };
    try {
      this.#native = new native.NativeVerifier(options.provider, secretsOf(options), settings);
    } catch (error) {
      throw toError(error);
    }
    this.#names = this.#native.headerNames.map((name) => name ?? null);
    this.#provider = this.#native.provider;
    this.#clock = options.clock;
  }

  /** The provider's preset id. */
  get provider() {
    return this.#provider;
  }

  /** The replay window, in seconds each way. */
  get tolerance() {
    return this.#native.tolerance;
  }

  /** The body size limit, in bytes. */
  get maxBodyBytes() {
    return this.#native.maxBodyBytes;
  }

  /** The configuration, secrets redacted (the core's description). */
  [inspect]() {
    return this.#native.describe();
  }

  /** The lower-cased names of the headers this verifier reads: signature, timestamp, id, event (null where none). */
  get headerNames() {
    return [...this.#names];
  }

  /** "Now" in Unix seconds from the user's clock, or undefined for the system clock. */
  #now() {
    if (this.#clock === undefined) return undefined;
    let now;
    try {
      now = this.#clock();
    } catch (error) {
      throw configError(`the clock threw: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (now instanceof Date) now = now.getTime();
    if (typeof now !== 'number' || !Number.isFinite(now)) {
      throw configError(`the clock must return Unix milliseconds (a finite number) or a Date, found ${describe(now)}`);
    }
    return Math.floor(now / 1000);
  }

  /**
   * Verifies a delivery: `body` is the raw body as received (Buffer, Uint8Array or
   * string), `headers` the request's headers (Node `IncomingHttpHeaders`, a record,
   * Fetch `Headers`, a Map, or pairs). Returns the typed Event; throws only
   * VerificationError.
   */
  verify(body, headers) {
    try {
      const values = this.#scratch;
      pickHeaders(headers, this.#names, values);
      const now = this.#now();
      let packed;
      if (body instanceof Uint8Array) {
        packed = this.#native.verify(body, values[0], values[1], values[2], values[3], now);
      } else if (typeof body === 'string') {
        packed = this.#native.verifyText(body, values[0], values[1], values[2], values[3], now);
      } else {
        body = bodyOf(body);
        packed = this.#native.verify(body, values[0], values[1], values[2], values[3], now);
      }
      if (packed.charCodeAt(0) === 33 /* ! */) throw rejection(packed);
      return eventOf(this.#provider, packed, body);
    } catch (error) {
      throw toError(error);
    }
  }

  /**
   * Checks size, headers, signature and the replay window only, without parsing the
   * body: `{ timestamp, id, event }` (the timestamp header in Unix seconds, the id and
   * event headers; null where the scheme has none). Throws only VerificationError.
   */
  verifySignature(body, headers) {
    try {
      const values = this.#scratch;
      pickHeaders(headers, this.#names, values);
      const now = this.#now();
      const checked = this.#native.verifySignature(bodyOf(body), values[0], values[1], values[2], values[3], now);
      return { timestamp: checked.timestamp ?? null, id: checked.id ?? null, event: checked.event ?? null };
    } catch (error) {
      throw toError(error);
    }
  }

  /**
   * Verifies, claims the event's idempotency key in `store`, awaits `handler(event)`
   * (a function, possibly async, or a Router) once per event, and records the result:
   * success completes the claim, a throw or rejection releases it so the provider's
   * retry is processed. Never rejects for a delivery: resolves to the outcome
   * `{ kind, status, event, error }`, with the HTTP status the provider should get.
   * `options`: `leaseSeconds` (default 30), `retentionSeconds` (default: the provider's
   * retry horizon plus a day), which is also the replay horizon: an event whose signed
   * time is older is refused (`timestamp_too_old`) rather than processed again.
   */
  async process(body, headers, store, handler, options = {}) {
    if (!isStore(store)) {
      throw new TypeError(
        `process(body, headers, store, handler): store must be a MemoryStore or a RedisStore, found ${describe(store)}`,
      );
    }
    const run = handlerOf(handler);
    let claim;
    try {
      const values = this.#scratch;
      pickHeaders(headers, this.#names, values);
      body = bodyOf(body);
      claim = this.#native.claim(
        store[NATIVE],
        body,
        values[0],
        values[1],
        values[2],
        values[3],
        this.#now(),
        numberOption(options ?? {}, 'leaseSeconds'),
        numberOption(options ?? {}, 'retentionSeconds'),
      );
    } catch (thrown) {
      const error = toError(thrown);
      return { kind: 'rejected', status: native.rejectionStatus(error.code), acknowledged: false, event: null, error };
    }
    let state = claim.state();
    // A store doing I/O (Redis): the key is claimed, and later completed or released, on
    // libuv's thread pool, so the event loop never waits on the store.
    const blocking = state.kind === 'pending';
    if (blocking) state = await claim.beginAsync();
    if (state.kind !== 'fresh') return outcomeOf(this.#provider, state, body, null);
    const event = eventOf(this.#provider, state.event, body);
    let failure;
    try {
      await run(event);
    } catch (thrown) {
      failure = thrown instanceof Error ? thrown : new Error(`handler failed: ${String(thrown)}`);
    }
    const message = failure === undefined ? undefined : failure.message || failure.name;
    const done = blocking ? await claim.finishAsync(message) : claim.finish(message);
    return outcomeOf(this.#provider, done, body, event, failure);
  }
}

function outcomeOf(provider, info, body, event, failure) {
  let error = null;
  if (failure !== undefined) error = failure;
  else if (info.errorCode !== undefined) error = new VerificationError(info.errorCode, info.errorMessage);
  if (event === null && info.event !== undefined) event = eventOf(provider, info.event, body);
  return { kind: info.kind, status: info.status, acknowledged: processed(info.kind), event, error };
}

function handlerOf(handler) {
  if (handler instanceof Router) return (event) => handler.dispatch(event);
  if (typeof handler === 'function') return handler;
  throw new TypeError(`handler must be a function or a Router, found ${describe(handler)}`);
}

// ---------------------------------------------------------------------------------
// Idempotency store

const NATIVE = Symbol('hookshield.native');

/**
 * The bounded in-memory idempotency store (one process). `begin(key)` answers
 * `'fresh'` (you hold the key: `complete` or `release` it), `'in_progress'` (another
 * worker holds it) or `'done'` (already processed).
 */
class MemoryStore {
  constructor(options = {}) {
    const capacity = options?.capacity ?? 100_000;
    if (typeof capacity !== 'number') throw configError(`\`capacity\` must be a number, found ${describe(capacity)}`);
    try {
      this[NATIVE] = new native.NativeStore(capacity);
    } catch (error) {
      throw toError(error);
    }
  }

  /** Claims `key` for `leaseSeconds` (default 30). */
  begin(key, options = {}) {
    return storeCall(() => this[NATIVE].begin(keyOf(key), numberOption(options ?? {}, 'leaseSeconds')));
  }

  /** Marks this store's claim on `key` done for `retentionSeconds` (default 72 h, the longest default retention of a provider). */
  complete(key, options = {}) {
    storeCall(() => this[NATIVE].complete(keyOf(key), numberOption(options ?? {}, 'retentionSeconds')));
  }

  /** Gives this store's claim on `key` up, so a redelivery is processed. */
  release(key) {
    storeCall(() => this[NATIVE].release(keyOf(key)));
  }
}

/**
 * The Redis idempotency store, shared by every receiver process and machine:
 * `new RedisStore('redis://[:password@]host:6379/0', { prefix: 'hookshield:', timeout: 2 })`.
 *
 * The same `begin` / `complete` / `release` as `MemoryStore`, but each returns a promise:
 * Redis calls run on libuv's thread pool, never on the event loop. `begin` resolves to
 * `'fresh'`, `'in_progress'` or `'done'`. When Redis cannot be reached (within `timeout`
 * seconds, default 2) they reject with a VerificationError whose code is
 * `store_unavailable`; `process` then resolves to the `store_unavailable` outcome (503),
 * which never acknowledges the delivery, so the provider retries it. The URL (which may
 * hold a password) appears in no error, inspect output or log. Connects lazily: the
 * constructor only checks the URL's form.
 */
class RedisStore {
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
    const timeout = numberOption(opts, 'timeout');
    try {
      Object.defineProperty(this, NATIVE, { value: native.NativeStore.redis(url, prefix, timeout) });
    } catch (error) {
      throw toError(error);
    }
    Object.defineProperty(this, 'prefix', { value: prefix, enumerable: true });
  }

  /** Claims `key` for `leaseSeconds` (default 30): resolves to `'fresh'`, `'in_progress'` or `'done'`. */
  async begin(key, options = {}) {
    const store = this[NATIVE];
    return answerOf(await storeCall(() => store.beginAsync(keyOf(key), numberOption(options ?? {}, 'leaseSeconds'))));
  }

  /** Marks this store's claim on `key` done for `retentionSeconds` (default 72 h, the longest default retention of a provider). */
  async complete(key, options = {}) {
    const store = this[NATIVE];
    answerOf(await storeCall(() => store.completeAsync(keyOf(key), numberOption(options ?? {}, 'retentionSeconds'))));
  }

  /** Gives this store's claim on `key` up, so a redelivery is processed. */
  async release(key) {
    const store = this[NATIVE];
    answerOf(await storeCall(() => store.releaseAsync(keyOf(key))));
  }

  /** Address, prefix and timeout; never the URL's password. */
  [inspect]() {
    return this[NATIVE].describe();
  }

  toJSON() {
    return { store: 'redis', prefix: this.prefix };
  }
}

function answerOf(answer) {
  if (answer.errorCode !== undefined) throw new VerificationError(answer.errorCode, answer.errorMessage);
  return answer.state;
}

/** Whether `store` is one of hookshield's stores (MemoryStore or RedisStore). */
function isStore(store) {
  return store instanceof MemoryStore || store instanceof RedisStore;
}

function keyOf(key) {
  if (typeof key !== 'string') throw configError(`an idempotency key must be a string, found ${describe(key)}`);
  return key;
}

function storeCall(fn) {
  try {
    return fn();
  } catch (error) {
    throw toError(error);
  }
}

// ---------------------------------------------------------------------------------
// Router

/**
 * Handlers by subscription pattern: `*`, `family.*` (every type beginning with
 * `family.`), or an exact type. `router.dispatch(event)` awaits every matching handler
 * in registration order; pass the router as the handler of `process` or an integration.
 */
class Router {
  #native = new native.NativeRouter();
  #handlers = [];

  /** Registers `handler` for event types matching `pattern`; returns the router. */
  on(pattern, handler) {
    if (typeof pattern !== 'string') throw new TypeError(`pattern must be a string, found ${describe(pattern)}`);
    if (typeof handler !== 'function') throw new TypeError(`handler must be a function, found ${describe(handler)}`);
    this.#native.on(pattern, this.#handlers.length);
    this.#handlers.push(handler);
    return this;
  }

  /** The handlers matching `type`, in registration order. */
  handlersFor(type) {
    return this.#native.handlersFor(String(type)).map((index) => this.#handlers[index]);
  }

  /** Awaits every handler matching `event.type`, in order; returns how many ran. */
  async dispatch(event) {
    const handlers = this.handlersFor(event.type);
    for (const handler of handlers) await handler(event);
    return handlers.length;
  }
}

// ---------------------------------------------------------------------------------
// Signing and samples, for receivers' tests

/**
 * The headers `provider` would send with `body` signed with `secret`, as an object.
 * `options`: `timestamp` (Unix seconds, default now), `id`, `event`, and scheme
 * `overrides` (as for a Verifier).
 */
function sign(provider, secret, body, options = {}) {
  try {
    if (typeof provider !== 'string') throw configError(`provider must be a string, found ${describe(provider)}`);
    const [key] = secretsOf({ secrets: [secret] });
    const opts = options ?? {};
    const timestamp = opts.timestamp instanceof Date ? Math.floor(opts.timestamp.getTime() / 1000) : opts.timestamp;
    if (timestamp !== undefined && typeof timestamp !== 'number') {
      throw configError(`\`timestamp\` must be Unix seconds, found ${describe(timestamp)}`);
    }
    const pairs = native.sign(provider, key, bodyOf(body), {
      timestamp,
      id: opts.id,
      event: opts.event,
      overrides: opts.overrides === undefined ? undefined : overridesOf({ overrides: opts.overrides }),
    });
    return Object.fromEntries(pairs);
  } catch (error) {
    throw toError(error);
  }
}

/**
 * The sample body (JSON text, from the provider's document) of `type`, or null. Its event
 * time is stamped `options.now` (Unix milliseconds or a Date; default now), so that it
 * verifies within the replay horizon.
 */
function sample(provider, type, options = {}) {
  try {
    let now = options?.now;
    if (now instanceof Date) now = now.getTime();
    if (now !== undefined && (typeof now !== 'number' || !Number.isFinite(now))) {
      throw configError(`\`now\` must be Unix milliseconds or a Date, found ${describe(now)}`);
    }
    return native.sample(String(provider), String(type), now === undefined ? undefined : Math.floor(now / 1000));
  } catch (error) {
    throw toError(error);
  }
}

/** The event types `provider` has samples for. */
function sampleTypes(provider) {
  try {
    return native.sampleTypes(String(provider));
  } catch (error) {
    throw toError(error);
  }
}

/** The HTTP status a delivery rejected with this error code should get. */
function rejectionStatus(code) {
  return native.rejectionStatus(String(code));
}

module.exports = {
  Verifier,
  Event,
  VerificationError,
  MemoryStore,
  RedisStore,
  Router,
  sign,
  sample,
  sampleTypes,
  rejectionStatus,
  providers: native.providers(),
};
Object.defineProperty(module.exports, 'isStore', { value: isStore }); // for integrations.js

// Integrations (each also importable as `hookshield/<name>`).
const integrations = require('./integrations.js');
module.exports.express = integrations.express;
module.exports.fastify = integrations.fastify;
module.exports.httpHandler = integrations.httpHandler;
module.exports.fetchHandler = integrations.fetchHandler;
module.exports.handleDelivery = integrations.handleDelivery;
