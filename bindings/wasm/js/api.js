// The public API of @hookshield/wasm, built on the wasm-bindgen exports (`raw`).
//
// This file is shared by both builds: scripts/build.mjs wraps it into an ES module
// (dist/web) and a CommonJS module (dist/node). It only converts JavaScript values to
// what the Rust core takes and back: every rule (schemes, replay windows, envelopes,
// idempotency keys, statuses) lives in the core.
//
// `now` comes from the JavaScript side: WebAssembly has no clock of its own.

// eslint-disable-next-line no-unused-vars
function bind(raw, isReady) {
  'use strict';

  function ensureReady() {
    if (!isReady()) {
      throw new Error('@hookshield/wasm is not initialised: await init() (or call initSync(module)) first');
    }
  }

  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const inspect = Symbol.for('nodejs.util.inspect.custom');

  /** The one error of verification; `code` is one of the contract's stable codes. */
  class VerificationError extends Error {
    constructor(code, message, kind, status) {
      super(message);
      this.name = 'VerificationError';
      /** e.g. `signature_mismatch`, `timestamp_too_old`, `invalid_config`. */
      this.code = code;
      /** `signature`, `timestamp`, `payload` or `config`. */
      this.kind = kind;
      /** The HTTP status a delivery rejected this way should get. */
      this.status = status;
    }
  }

  /** The idempotency store failed: the delivery must not be acknowledged. */
  class StoreError extends Error {
    constructor(message) {
      super(message);
      this.name = 'StoreError';
      this.code = 'store_unavailable';
    }
  }

  function convert(error) {
    if (error instanceof raw.RawError) {
      const converted =
        error.code === 'store_unavailable'
          ? new StoreError(error.message)
          : new VerificationError(error.code, error.message, error.kind, error.status);
      error.free();
      return converted;
    }
    return error;
  }

  function call(fn) {
    try {
      return fn();
    } catch (error) {
      throw convert(error);
    }
  }

  function configError(message) {
    return new VerificationError('invalid_config', message, 'config', 500);
  }

  /** Body bytes from a string, Uint8Array/Buffer, ArrayBuffer or any ArrayBufferView. */
  function toBytes(body, what = 'body') {
    if (body instanceof Uint8Array) return body;
    if (typeof body === 'string') return encoder.encode(body);
    if (body instanceof ArrayBuffer) return new Uint8Array(body);
    if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    throw new TypeError(
      `${what} must be a string, Uint8Array, Buffer, ArrayBuffer or ArrayBufferView; found ${describe(body)}`,
    );
  }

  function describe(value) {
    if (value === null) return 'null';
    if (Array.isArray(value)) return 'an array';
    return typeof value === 'object' ? `an object (${value.constructor?.name ?? 'Object'})` : typeof value;
  }

  function first(value) {
    if (Array.isArray(value)) value = value[0];
    if (value === undefined || value === null) return undefined;
    return typeof value === 'string' ? value : String(value);
  }

  /**
   * The first value of header `name` (matched case-insensitively) in a Fetch `Headers`,
   * a `Map`, an array of `[name, value]` pairs, or a plain object such as Node's
   * `IncomingHttpHeaders`.
   */
  function headerValue(headers, name, lower) {
    if (!name) return undefined;
    if (typeof Headers !== 'undefined' && headers instanceof Headers) {
      return headers.get(name) ?? undefined;
    }
    if (Array.isArray(headers)) {
      for (const pair of headers) {
        if (pair && typeof pair[0] === 'string' && pair[0].toLowerCase() === lower) return first(pair[1]);
      }
      return undefined;
    }
    if (headers instanceof Map) {
      for (const [key, value] of headers) {
        if (typeof key === 'string' && key.toLowerCase() === lower) return first(value);
      }
      return undefined;
    }
    if (typeof headers.get === 'function' && typeof headers.entries === 'function') {
      // A Headers-like object from another realm or polyfill.
      return first(headers.get(name));
    }
    if (Object.prototype.hasOwnProperty.call(headers, lower)) return first(headers[lower]);
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === lower) return first(headers[key]);
    }
    return undefined;
  }

  function checkHeaders(headers) {
    if (headers === null || typeof headers !== 'object') {
      throw new TypeError(
        `headers must be a Headers, a Map, an array of [name, value] pairs or an object; found ${describe(headers)}`,
      );
    }
  }

  function nowMs(clock) {
    const now = clock ? clock() : Date.now();
    return now instanceof Date ? now.getTime() : now;
  }

  /** A verified delivery. `raw` and `data` are parsed from the verified body on first use. */
  class Event {
    #body;
    #raw;
    #parsed = false;
    #dataIsBody;

    constructor(meta, body) {
      /** The provider that sent it, e.g. `sentinel`. */
      this.provider = meta.provider;
      /** The event type, e.g. `document.completed`. */
      this.type = meta.type;
      /** The documented group of the type, e.g. `document`, `migration.phase`. */
      this.family = meta.family;
      /** The provider's event id, or null. */
      this.id = meta.id;
      /** When the event happened, in Unix milliseconds, or null. */
      this.timestampMs = meta.timestampMs;
      /** The key that identifies the event across redeliveries. */
      this.idempotencyKey = meta.idempotencyKey;
      /** Whether the type is documented (its data has a typed shape). */
      this.documented = meta.documented;
      this.#dataIsBody = meta.dataIsBody;
      this.#body = body;
    }

    /** When the event happened, or null. */
    get timestamp() {
      return this.timestampMs === null ? null : new Date(this.timestampMs);
    }

    /** The whole parsed body. */
    get raw() {
      if (!this.#parsed) {
        const text = typeof this.#body === 'string' ? this.#body : decoder.decode(this.#body);
        this.#raw = JSON.parse(text);
        this.#parsed = true;
      }
      return this.#raw;
    }

    /** The envelope's `data` (the whole body for senders without an envelope, such as GitHub). */
    get data() {
      return this.#dataIsBody ? this.raw : this.raw.data;
    }

    /** Whether the type matches a subscription pattern: `*`, `family.*` or an exact type. */
    matches(pattern) {
      if (typeof pattern !== 'string') throw new TypeError('pattern must be a string');
      return raw.typeMatches(pattern, this.type);
    }

    toJSON() {
      return {
        provider: this.provider,
        type: this.type,
        family: this.family,
        id: this.id,
        timestamp: this.timestamp === null ? null : this.timestamp.toISOString(),
        timestampMs: this.timestampMs,
        idempotencyKey: this.idempotencyKey,
        documented: this.documented,
        data: this.data,
      };
    }

    [inspect]() {
      return `Event ${JSON.stringify(this.toJSON(), null, 2)}`;
    }
  }

  // camelCase option -> the core's override name.
  const OVERRIDE_OPTIONS = {
    signatureHeader: 'signature_header',
    encoding: 'encoding',
    prefix: 'prefix',
    signedContent: 'signed_content',
    timestampHeader: 'timestamp_header',
    idHeader: 'id_header',
    eventHeader: 'event_header',
    secretFormat: 'secret_format',
  };
  const OTHER_OPTIONS = new Set(['tolerance', 'maxBodyBytes', 'clock', 'overrides']);

  function overridesOf(options) {
    const pairs = [];
    for (const [key, value] of Object.entries(options)) {
      if (value === undefined) continue;
      if (key in OVERRIDE_OPTIONS) pairs.push([OVERRIDE_OPTIONS[key], value]);
      else if (!OTHER_OPTIONS.has(key)) {
        const known = [...OTHER_OPTIONS, ...Object.keys(OVERRIDE_OPTIONS)].join(', ');
        throw configError(`unknown option ${JSON.stringify(key)}; expected one of ${known}`);
      }
    }
    if (options.overrides !== undefined) {
      if (options.overrides === null || typeof options.overrides !== 'object') {
        throw configError('`overrides` must be an object of {name: value}');
      }
      // Core names (`signature_header`), as in the test vectors, or camelCase ones.
      for (const [key, value] of Object.entries(options.overrides)) {
        pairs.push([OVERRIDE_OPTIONS[key] ?? key, value]);
      }
    }
    return pairs.map(([name, value]) => {
      // `null` removes an optional header, like the core's empty string.
      if (value === null) return [name, ''];
      if (typeof value !== 'string') {
        throw configError(`option \`${name}\` must be a string, found ${describe(value)}`);
      }
      return [name, value];
    });
  }

  function number(name, value) {
    if (typeof value !== 'number') throw configError(`\`${name}\` must be a number, found ${describe(value)}`);
    return value;
  }

  function buildRaw(provider, secrets, options) {
    ensureReady();
    if (typeof provider !== 'string') {
      throw configError(`provider must be a string such as "sentinel", found ${describe(provider)}`);
    }
    if (options === null || typeof options !== 'object') throw configError('options must be an object');
    const builder = call(() => new raw.RawVerifierBuilder(provider));
    try {
      const list = Array.isArray(secrets) ? secrets : secrets === undefined || secrets === null ? [] : [secrets];
      for (const secret of list) {
        if (typeof secret === 'string') builder.secretText(secret);
        else if (secret instanceof ArrayBuffer || ArrayBuffer.isView(secret)) builder.secretBytes(toBytes(secret));
        else throw configError(`a secret must be a string or bytes, found ${describe(secret)}`);
      }
      if (options.tolerance !== undefined) builder.tolerance(number('tolerance', options.tolerance));
      if (options.maxBodyBytes !== undefined) builder.maxBodyBytes(number('maxBodyBytes', options.maxBodyBytes));
      for (const [name, value] of overridesOf(options)) builder.set(name, value);
    } catch (error) {
      builder.free();
      throw error;
    }
    return call(() => builder.build());
  }

  const defaultStores = new WeakMap();

  /**
   * Verifies deliveries from one provider.
   *
   * `new Verifier('sentinel', 'whsec_...', { tolerance: 300, maxBodyBytes: 1 << 20 })`;
   * `secrets` is a secret or an array of them (rotation: any may match), each a string
   * or bytes. Overrides: `signatureHeader`, `encoding`, `prefix`, `signedContent`,
   * `timestampHeader`, `idHeader`, `eventHeader` (null removes it), `secretFormat`.
   * `clock`: a function returning "now" in Unix milliseconds (default `Date.now`).
   */
  class Verifier {
    #raw;
    #names;
    #lower;
    #clock;

    constructor(provider, secrets, options = {}) {
      this.#raw = buildRaw(provider, secrets, options ?? {});
      this.#names = this.#raw.headerNames;
      this.#lower = this.#names.map((n) => n.toLowerCase());
      if (options?.clock !== undefined && typeof options.clock !== 'function') {
        throw configError('`clock` must be a function returning Unix milliseconds');
      }
      this.#clock = options?.clock;
      /** The provider's id. */
      this.provider = this.#raw.provider;
      /** The replay window, in seconds each way. */
      this.tolerance = this.#raw.tolerance;
      /** The body size limit, in bytes. */
      this.maxBodyBytes = this.#raw.maxBodyBytes;
    }

    #values(headers) {
      checkHeaders(headers);
      const names = this.#names;
      const lower = this.#lower;
      return [
        headerValue(headers, names[0], lower[0]),
        headerValue(headers, names[1], lower[1]),
        headerValue(headers, names[2], lower[2]),
        headerValue(headers, names[3], lower[3]),
      ];
    }

    #now(options) {
      const now = options && options.now !== undefined ? options.now : nowMs(this.#clock);
      return now instanceof Date ? now.getTime() : now;
    }

    /**
     * Verifies a delivery synchronously: the raw body as received and the request's
     * headers. Returns the typed Event or throws a VerificationError.
     * `options.now`: "now" in Unix milliseconds (or a Date), to pin the clock.
     */
    verify(body, headers, options) {
      const bytes = toBytes(body);
      const [signature, timestamp, id, event] = this.#values(headers);
      let meta;
      try {
        meta = this.#raw.verify(bytes, signature, timestamp, id, event, this.#now(options));
      } catch (error) {
        throw convert(error);
      }
      return new Event(JSON.parse(meta), typeof body === 'string' ? body : bytes);
    }

    /** Checks size, headers, signature and the replay window only: `{timestamp, id, event}`. */
    verifySignature(body, headers, options) {
      const bytes = toBytes(body);
      const [signature, timestamp, id, event] = this.#values(headers);
      return JSON.parse(
        call(() => this.#raw.verifySignature(bytes, signature, timestamp, id, event, this.#now(options))),
      );
    }

    /**
     * Verifies a Fetch `Request`: reads its body once and verifies it with its headers.
     * The bytes read are on `event.body` (and on the error's `body` when it fails), since
     * the request's own body can no longer be read.
     */
    async verifyRequest(request, options) {
      const body = await readBody(request);
      try {
        const event = this.verify(body, request.headers, options);
        event.body = body;
        return event;
      } catch (error) {
        if (error instanceof VerificationError) error.body = body;
        throw error;
      }
    }

    /**
     * Verifies, claims the event's idempotency key, runs `handler` (a function or a
     * Router; it may be async) once per event, and records the result. Never throws for
     * a delivery: resolves to an Outcome `{kind, status, acknowledged, event, error}`.
     * Options: `store` (default: one MemoryStore per verifier), `leaseMs`, `retentionMs`.
     */
    async process(body, headers, handler, options = {}) {
      const run = handlerOf(handler);
      const store = options.store ?? defaultStore(this);
      const outcome = (kind, fields) => ({
        kind,
        status: call(() => raw.outcomeStatus(kind, this.provider, fields.error?.code)),
        acknowledged: kind === 'processed' || kind === 'duplicate',
        event: null,
        ...fields,
      });
      let event;
      try {
        event = this.verify(body, headers, options);
      } catch (error) {
        if (!(error instanceof VerificationError)) throw error;
        return outcome('rejected', { error });
      }
      const key = event.idempotencyKey;
      const leaseMs = options.leaseMs ?? raw.defaultLeaseMs();
      const retentionMs = options.retentionMs ?? call(() => raw.defaultRetentionMs(this.provider));
      let state;
      try {
        state = await store.begin(key, leaseMs);
      } catch (error) {
        return outcome('store_unavailable', { event, error: asStoreError(error) });
      }
      if (state === 'done') return outcome('duplicate', { event });
      if (state === 'in_progress') return outcome('in_progress', { event });
      if (state !== 'fresh') {
        return outcome('store_unavailable', {
          event,
          error: new StoreError(`store.begin answered ${JSON.stringify(state)}; expected fresh, in_progress or done`),
        });
      }
      try {
        await run(event);
      } catch (error) {
        try {
          await store.release(key);
        } catch {
          // The lease still expires and frees the key.
        }
        return outcome('handler_failed', { event, error, message: String(error?.message ?? error) });
      }
      try {
        await store.complete(key, retentionMs);
      } catch (error) {
        return outcome('store_unavailable', { event, error: asStoreError(error) });
      }
      return outcome('processed', { event });
    }

    /**
     * Handles a Fetch `Request` end to end and answers the `Response` the provider
     * should get: 200 when processed or a duplicate, 401 for a bad signature or a stale
     * timestamp, 400/413 for a bad payload, and a status the provider retries when the
     * handler fails or the event is in progress (never a 4xx for DocIntell).
     */
    async handle(request, handler, options = {}) {
      let body;
      try {
        body = await readBody(request);
      } catch (error) {
        return json({ outcome: 'rejected', error: 'unreadable_body', message: String(error?.message ?? error) }, 400);
      }
      const result = await this.process(body, request.headers, handler, options);
      const payload = { outcome: result.kind };
      if (result.event) payload.id = result.event.idempotencyKey;
      if (result.kind === 'rejected') {
        payload.error = result.error.code;
        payload.message = result.error.message;
      }
      return json(payload, result.status);
    }

    /** Signs `body` as this verifier's provider (overrides included) would, for tests. */
    sign(secret, body, options = {}) {
      const [text, bytes] = splitSecret(secret);
      const timestamp = options.timestamp ?? Math.floor(nowMs(this.#clock) / 1000);
      return pairsToObject(
        call(() =>
          this.#raw.signWith(text, bytes, toBytes(body), number('timestamp', timestamp), options.id, options.event),
        ),
      );
    }

    toString() {
      return this.#raw.describe();
    }

    [inspect]() {
      return this.#raw.describe();
    }
  }

  function defaultStore(verifier) {
    let store = defaultStores.get(verifier);
    if (!store) {
      store = new MemoryStore();
      defaultStores.set(verifier, store);
    }
    return store;
  }

  function asStoreError(error) {
    return error instanceof StoreError ? error : new StoreError(String(error?.message ?? error));
  }

  function handlerOf(handler) {
    if (typeof handler === 'function') return handler;
    if (handler && typeof handler.dispatch === 'function') return (event) => handler.dispatch(event);
    throw new TypeError('handler must be a function or a Router');
  }

  async function readBody(request) {
    if (!request || typeof request.arrayBuffer !== 'function') {
      throw new TypeError('request must be a Fetch Request');
    }
    return new Uint8Array(await request.arrayBuffer());
  }

  function json(payload, status) {
    return new Response(JSON.stringify(payload), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  }

  function splitSecret(secret) {
    if (typeof secret === 'string') return [secret, undefined];
    if (secret instanceof ArrayBuffer || ArrayBuffer.isView(secret)) return [undefined, toBytes(secret, 'secret')];
    throw configError(`a secret must be a string or bytes, found ${describe(secret)}`);
  }

  function pairsToObject(flat) {
    const headers = {};
    for (let i = 0; i < flat.length; i += 2) headers[flat[i]] = flat[i + 1];
    return headers;
  }

  /**
   * The headers `provider` would send with `body`, signed with `secret`, as an object.
   * Options: `timestamp` (Unix seconds, default now), `id`, `event`, and the verifier's
   * overrides (`signatureHeader`, ... or `overrides: {signature_header: ...}`).
   */
  function sign(provider, secret, body, options = {}) {
    const { timestamp, id, event, ...rest } = options ?? {};
    const verifier = new Verifier(provider, [secret], rest);
    return verifier.sign(secret, body, { timestamp, id, event });
  }

  /** The sample body (JSON text) of a documented event type, or undefined. */
  function sample(provider, type) {
    ensureReady();
    return call(() => raw.sample(provider, type));
  }

  /** The event types `provider` has samples for. */
  function sampleTypes(provider) {
    ensureReady();
    return call(() => raw.sampleTypes(provider));
  }

  /** The in-memory idempotency store: bounded to `capacity` keys, timed by `Date.now()`. */
  class MemoryStore {
    #raw;

    constructor(capacity = 10000) {
      ensureReady();
      this.#raw = call(() => new raw.RawMemoryStore(number('capacity', capacity)));
    }

    /** Claims `key` for `leaseMs`: `'fresh'`, `'in_progress'` or `'done'`. */
    begin(key, leaseMs = raw.defaultLeaseMs()) {
      return call(() => this.#raw.begin(String(key), number('leaseMs', leaseMs)));
    }

    /** Marks this store's claim on `key` done for `retentionMs`. */
    complete(key, retentionMs) {
      call(() => this.#raw.complete(String(key), number('retentionMs', retentionMs)));
    }

    /** Gives this store's claim on `key` up, so a redelivery is processed. */
    release(key) {
      call(() => this.#raw.release(String(key)));
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

  /** Handlers by subscription pattern (`*`, `family.*`, exact type), run in registration order. */
  class Router {
    #routes = [];

    on(pattern, handler) {
      if (typeof pattern !== 'string') throw new TypeError('pattern must be a string');
      if (typeof handler !== 'function') throw new TypeError('handler must be a function');
      this.#routes.push([pattern, handler]);
      return this;
    }

    /** The handlers whose pattern matches `type`, in registration order. */
    handlersFor(type) {
      return this.#routes.filter(([pattern]) => raw.typeMatches(pattern, type)).map(([, handler]) => handler);
    }

    /** Runs every matching handler in turn; resolves to how many ran. */
    async dispatch(event) {
      const handlers = this.handlersFor(event.type);
      for (const handler of handlers) await handler(event);
      return handlers.length;
    }
  }

  /** `verifier.handle(request, handler, options)` as a function. */
  function handle(verifier, request, handler, options) {
    return verifier.handle(request, handler, options);
  }

  return {
    Verifier,
    Event,
    VerificationError,
    StoreError,
    MemoryStore,
    Router,
    sign,
    sample,
    sampleTypes,
    handle,
    providers: () => raw.providers(),
    errorCodes: () => raw.errorCodes(),
  };
}
