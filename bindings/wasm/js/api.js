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

    /** The HTTP status a delivery rejected this way should get (the core's mapping). */
    get status() {
      return rejectionStatus(this.code);
    }
  }

  function convert(error) {
    if (error instanceof raw.RawError) {
      const converted = new VerificationError(error.code, error.message);
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

  function storeError(error) {
    if (error instanceof VerificationError) return error;
    return new VerificationError('store_unavailable', `idempotency store unavailable: ${String(error?.message ?? error)}`);
  }

  function configError(message) {
    return new VerificationError('invalid_config', message);
  }

  /** Body bytes from a string, Uint8Array/Buffer, ArrayBuffer or any ArrayBufferView. */
  function toBytes(body, what = 'body') {
    if (body instanceof Uint8Array) return body;
    if (typeof body === 'string') return encoder.encode(body);
    if (body instanceof ArrayBuffer) return new Uint8Array(body);
    if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    throw configError(
      `${what} must be the raw bytes as received (a string, Uint8Array, Buffer, ArrayBuffer or ArrayBufferView), found ${describe(body)}`,
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
      throw configError(
        `headers must be a Headers, a Map, an array of [name, value] pairs or an object, found ${describe(headers)}`,
      );
    }
  }

  /** A verified delivery. `raw` and `data` are parsed from the verified body on first use. */
  class Event {
    #body;
    #raw;
    #parsed = false;
    #data;
    #dataParsed = false;
    #dataIsBody;
    #dataRange;

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
      this.#dataRange = meta.dataRange;
      this.#body = body;
    }

    /** When the event happened, or null. */
    get timestamp() {
      return this.timestampMs === null ? null : new Date(this.timestampMs);
    }

    /** The verified body as text, decoded once. */
    #text() {
      if (typeof this.#body !== 'string') this.#body = decoder.decode(this.#body);
      return this.#body;
    }

    /** The whole parsed body. */
    get raw() {
      if (!this.#parsed) {
        this.#raw = JSON.parse(this.#text());
        this.#parsed = true;
      }
      return this.#raw;
    }

    /**
     * The envelope's `data` (the whole body for senders without an envelope, such as
     * GitHub; null where the envelope has none), parsed from just its part of the body.
     */
    get data() {
      if (this.#dataIsBody) return this.raw;
      if (!this.#dataParsed) {
        const range = this.#dataRange;
        this.#data = range === null ? null : JSON.parse(this.#text().slice(range[0], range[1]));
        this.#dataParsed = true;
      }
      return this.#data;
    }

    /** Whether the type matches a subscription pattern: `*`, `family.*` or an exact type. */
    matches(pattern) {
      if (typeof pattern !== 'string') throw configError(`pattern must be a string, found ${describe(pattern)}`);
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
  const OTHER_OPTIONS = new Set(['tolerance', 'maxBodyBytes', 'overrides']);

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

  /** Seconds from an option, as whole milliseconds for the core; undefined when absent. */
  function secondsOption(options, name) {
    const value = options?.[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw configError(`\`${name}\` must be a number of seconds of at least 0, found ${describe(value)}`);
    }
    return Math.round(value * 1000);
  }

  /**
   * Verifies deliveries from one provider. As in the native package:
   * `new Verifier({ provider: 'sentinel', secrets: ['whsec_...'], tolerance: 300 })`;
   * `new Verifier('sentinel', 'whsec_...', { tolerance: 300 })` is the same.
   *
   * `secrets` (or `secret`): one or more, any may match (rotation), each a string or
   * bytes. Overrides: `signatureHeader`, `encoding`, `prefix`, `signedContent`,
   * `timestampHeader`, `idHeader`, `eventHeader` (null removes it), `secretFormat`, or
   * `overrides: { signature_header: ... }`. `clock`: "now" in Unix milliseconds (or a
   * Date), default `Date.now`.
   */
  class Verifier {
    #raw;
    #names;
    #lower;
    #clock;
    #store;

    constructor(providerOrOptions, secrets, options) {
      let settings;
      if (typeof providerOrOptions === 'string') {
        if (options !== undefined && (options === null || typeof options !== 'object')) {
          throw configError(`options must be an object, found ${describe(options)}`);
        }
        settings = { ...options, provider: providerOrOptions, secrets };
      } else if (providerOrOptions !== null && typeof providerOrOptions === 'object' && secrets === undefined) {
        settings = { ...providerOrOptions };
        if (settings.secrets === undefined) settings.secrets = settings.secret;
      } else {
        throw configError(
          `new Verifier(options) takes an object such as { provider: 'sentinel', secrets: ['whsec_...'] }, found ${describe(providerOrOptions)}`,
        );
      }
      const { provider, secrets: list, secret: _secret, clock, ...rest } = settings;
      if (clock !== undefined && typeof clock !== 'function') {
        throw configError(`\`clock\` must be a function returning Unix milliseconds, found ${describe(clock)}`);
      }
      this.#raw = buildRaw(provider, list, rest);
      this.#names = this.#raw.headerNames;
      this.#lower = this.#names.map((n) => n.toLowerCase());
      this.#clock = clock;
      /** The provider's preset id. */
      this.provider = this.#raw.provider;
      /** The replay window, in seconds each way. */
      this.tolerance = this.#raw.tolerance;
      /** The body size limit, in bytes. */
      this.maxBodyBytes = this.#raw.maxBodyBytes;
      /** The lower-cased names of the headers read: signature, timestamp, id, event (null where none). */
      this.headerNames = this.#lower.map((n) => n || null);
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
      const now = options && options.now !== undefined ? options.now : this.#clock ? this.#clock() : Date.now();
      return now instanceof Date ? now.getTime() : now;
    }

    /**
     * Verifies a delivery synchronously: the raw body as received and the request's
     * headers. Returns the typed Event; throws only VerificationError.
     * `options.now`: "now" in Unix milliseconds (or a Date), to pin the clock for a call.
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
     * Verifies a Fetch `Request`: reads its body once (at most `maxBodyBytes` + 1 bytes)
     * and verifies it with its headers. The request's body cannot be read again, so the
     * bytes read are on `event.body` (and on the error's `body` when it fails).
     */
    async verifyRequest(request, options) {
      const body = await readRequest(request, this.maxBodyBytes);
      try {
        const event = this.verify(body.bytes, request.headers, options);
        event.body = body.bytes;
        return event;
      } catch (error) {
        if (error instanceof VerificationError) {
          if (body.truncated && error.code === 'body_too_large') error.message = tooLarge(this.maxBodyBytes);
          error.body = body.bytes;
        }
        throw error;
      }
    }

    /**
     * Verifies, claims the event's idempotency key in `store`, awaits `handler` (a
     * function or a Router) once per event, and records the result. Resolves to the
     * Outcome `{kind, status, acknowledged, event, error}`; never rejects for a delivery.
     * `store`: a MemoryStore, any object with the same `begin`/`complete`/`release`
     * (which may return promises), or null for this verifier's own MemoryStore.
     * Options: `leaseSeconds`, `retentionSeconds` (default: the provider's retry horizon).
     */
    async process(body, headers, store, handler, options = {}) {
      const run = handlerOf(handler);
      const target = store ?? this.#defaultStore();
      const leaseSeconds = options?.leaseSeconds;
      const retentionSeconds =
        options?.retentionSeconds ?? call(() => raw.defaultRetentionMs(this.provider)) / 1000;
      const outcome = (kind, event, error) => ({
        kind,
        status: call(() => raw.outcomeStatus(kind, this.provider, kind === 'rejected' ? error.code : undefined)),
        acknowledged: kind === 'processed' || kind === 'duplicate',
        event,
        error,
      });
      let event;
      try {
        event = this.verify(body, headers, options);
      } catch (error) {
        if (!(error instanceof VerificationError)) throw error;
        return outcome('rejected', null, error);
      }
      const key = event.idempotencyKey;
      let state;
      try {
        state = await target.begin(key, { leaseSeconds });
      } catch (error) {
        return outcome('store_unavailable', event, storeError(error));
      }
      if (state === 'done') return outcome('duplicate', event, null);
      if (state === 'in_progress') return outcome('in_progress', event, null);
      if (state !== 'fresh') {
        const answer = `store.begin answered ${JSON.stringify(state)}; expected fresh, in_progress or done`;
        return outcome('store_unavailable', event, storeError(answer));
      }
      try {
        await run(event);
      } catch (error) {
        try {
          await target.release(key);
        } catch {
          // The lease still expires and frees the key.
        }
        return outcome('handler_failed', event, error instanceof Error ? error : new Error(String(error)));
      }
      try {
        await target.complete(key, { retentionSeconds });
      } catch (error) {
        return outcome('store_unavailable', event, storeError(error));
      }
      return outcome('processed', event, null);
    }

    /**
     * Handles a Fetch `Request` end to end and answers the `Response` the provider
     * should get: 200 when processed or a duplicate, 401 for a bad signature or a stale
     * timestamp, 400/413 for a bad payload, and a status the provider retries when the
     * handler fails or the event is in progress (never a 4xx for DocIntell).
     * Options: `store`, `leaseSeconds`, `retentionSeconds`, `onOutcome(outcome)`.
     */
    async handle(request, handler, options = {}) {
      return fetchHandler({ ...options, verifier: this, handler })(request);
    }

    /** Signs `body` as this verifier's provider (overrides included) would, for tests. */
    sign(secret, body, options = {}) {
      const [text, bytes] = splitSecret(secret);
      return pairsToObject(
        call(() =>
          this.#raw.signWith(text, bytes, toBytes(body), signTime(options?.timestamp, this.#clock), options?.id, options?.event),
        ),
      );
    }

    #defaultStore() {
      this.#store ??= new MemoryStore();
      return this.#store;
    }

    toString() {
      return this.#raw.describe();
    }

    [inspect]() {
      return this.#raw.describe();
    }
  }

  function signTime(timestamp, clock) {
    if (timestamp === undefined || timestamp === null) {
      const now = clock ? clock() : Date.now();
      return Math.floor((now instanceof Date ? now.getTime() : now) / 1000);
    }
    if (timestamp instanceof Date) return Math.floor(timestamp.getTime() / 1000);
    if (typeof timestamp !== 'number') throw configError(`\`timestamp\` must be Unix seconds or a Date, found ${describe(timestamp)}`);
    return timestamp;
  }

  function handlerOf(handler) {
    if (typeof handler === 'function') return handler;
    if (handler instanceof Router) return (event) => handler.dispatch(event);
    throw configError(`handler must be a function or a Router, found ${describe(handler)}`);
  }

  function tooLarge(limit) {
    return `body too large: more than ${limit} bytes, limit is ${limit} bytes`;
  }

  /**
   * Reads a Fetch Request's body, stopping after `limit` + 1 bytes (the core then
   * answers `body_too_large`), so an oversized delivery is never held whole in memory.
   */
  async function readRequest(request, limit) {
    if (!request || typeof request.arrayBuffer !== 'function' || !request.headers) {
      throw configError(`request must be a Fetch Request, found ${describe(request)}`);
    }
    const declared = Number(request.headers.get?.('content-length') ?? NaN);
    if (!request.body || typeof request.body.getReader !== 'function') {
      return { bytes: new Uint8Array(await request.arrayBuffer()), truncated: false };
    }
    if (Number.isFinite(declared) && declared > limit) {
      // Declared too large: read nothing; the core sees limit + 1 bytes and rejects them.
      await request.body.cancel().catch(() => {});
      return { bytes: new Uint8Array(limit + 1), truncated: true };
    }
    const reader = request.body.getReader();
    const chunks = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        break;
      }
    }
    const bytes = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return { bytes: size > limit ? bytes.subarray(0, limit + 1) : bytes, truncated: size > limit };
  }

  /** The default `onOutcome`: says loudly what the receiver (not the sender) must fix. */
  function logProblems(outcome) {
    const { kind, error } = outcome;
    if (kind === 'handler_failed' || kind === 'store_unavailable' || error?.code === 'invalid_config') {
      console.error(`hookshield: ${kind} (${outcome.status}): ${error?.message ?? 'unknown error'}`);
    }
  }

  /** The JSON body answering an outcome. Handler errors stay private; verification errors are safe to show. */
  function responseBody(outcome) {
    const body = { outcome: outcome.kind };
    if (outcome.kind === 'rejected' && outcome.error) {
      body.error = { code: outcome.error.code, message: outcome.error.message };
    }
    return JSON.stringify(body);
  }

  function settings(options) {
    if (options === null || typeof options !== 'object') {
      throw configError(`options must be an object { verifier, handler, store? }, found ${describe(options)}`);
    }
    if (!(options.verifier instanceof Verifier)) {
      throw configError(`options.verifier must be a Verifier, found ${describe(options.verifier)}`);
    }
    handlerOf(options.handler);
    if (options.onOutcome !== undefined && typeof options.onOutcome !== 'function') {
      throw configError(`options.onOutcome must be a function, found ${describe(options.onOutcome)}`);
    }
    return {
      verifier: options.verifier,
      handler: options.handler,
      store: options.store ?? null,
      onOutcome: options.onOutcome ?? logProblems,
      processOptions: { leaseSeconds: options.leaseSeconds, retentionSeconds: options.retentionSeconds },
    };
  }

  async function deliver(config, body, headers) {
    const outcome = await config.verifier.process(body, headers, config.store, config.handler, config.processOptions);
    try {
      await config.onOutcome(outcome);
    } catch (error) {
      console.error('hookshield: onOutcome threw:', error);
    }
    return outcome;
  }

  /**
   * A Fetch handler (Workers, Deno, Vercel Edge, Bun, ...):
   * `export default { fetch: fetchHandler({ verifier, handler, store }) }`. Reads the
   * body once, processes it, answers the status the provider should get with a JSON body
   * `{outcome, error?: {code, message}}`.
   */
  function fetchHandler(options) {
    const config = settings(options);
    return async function hookshieldFetch(request) {
      let body;
      try {
        body = await readRequest(request, config.verifier.maxBodyBytes);
      } catch (error) {
        if (error instanceof VerificationError) throw error;
        const unreadable = new VerificationError('invalid_json', `the request body could not be read: ${error?.message ?? error}`);
        return new Response(responseBody({ kind: 'rejected', error: unreadable }), {
          status: 400,
          headers: { 'content-type': 'application/json' },
        });
      }
      const outcome = await deliver(config, body.bytes, request.headers);
      if (body.truncated && outcome.error?.code === 'body_too_large') {
        outcome.error.message = tooLarge(config.verifier.maxBodyBytes);
      }
      return new Response(responseBody(outcome), {
        status: outcome.status,
        headers: { 'content-type': 'application/json' },
      });
    };
  }

  /** Verifies and processes one delivery with a handler's options; resolves to the outcome. */
  function handleDelivery(options, body, headers) {
    return deliver(settings(options), body, headers);
  }

  /**
   * Handles one Fetch `Request` with `verifier`: `handle(verifier, request, handler, options)`,
   * the same as `verifier.handle(request, handler, options)`.
   */
  function handle(verifier, request, handler, options) {
    if (!(verifier instanceof Verifier)) throw configError(`handle() takes a Verifier first, found ${describe(verifier)}`);
    return verifier.handle(request, handler, options);
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
   * Options: `timestamp` (Unix seconds or a Date, default now), `id`, `event`, and
   * `overrides` (camelCase or the core's names) for a custom scheme.
   */
  function sign(provider, secret, body, options = {}) {
    const { timestamp, id, event, overrides, ...flat } = options ?? {};
    const verifier = new Verifier(provider, [secret], { ...flat, overrides });
    return verifier.sign(secret, body, { timestamp, id, event });
  }

  /** The sample body (JSON text) of a documented event type, or null. */
  function sample(provider, type) {
    ensureReady();
    return call(() => raw.sample(provider, type)) ?? null;
  }

  /** The event types `provider` has samples for. */
  function sampleTypes(provider) {
    ensureReady();
    return call(() => raw.sampleTypes(provider));
  }

  /** The HTTP status a delivery rejected with `code` should get. */
  function rejectionStatus(code) {
    if (code === 'store_unavailable') return call(() => raw.outcomeStatus('store_unavailable', 'custom', undefined));
    return call(() => raw.rejectionStatus(String(code)));
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

  /** Handlers by subscription pattern (`*`, `family.*`, exact type), run in registration order. */
  class Router {
    #routes = [];

    on(pattern, handler) {
      if (typeof pattern !== 'string') throw configError(`pattern must be a string, found ${describe(pattern)}`);
      if (typeof handler !== 'function') throw configError(`handler must be a function, found ${describe(handler)}`);
      this.#routes.push([pattern, handler]);
      return this;
    }

    /** The handlers whose pattern matches `type`, in registration order. */
    handlersFor(type) {
      return this.#routes.filter(([pattern]) => raw.typeMatches(pattern, type)).map(([, handler]) => handler);
    }

    /** Awaits every handler matching `event.type`, in registration order; resolves to how many ran. */
    async dispatch(event) {
      const handlers = this.handlersFor(event.type);
      for (const handler of handlers) await handler(event);
      return handlers.length;
    }
  }

  /** The provider preset ids (tests check them against the core's list). */
  const providers = Object.freeze(['sentinel', 'docintell', 'sentrasa', 'kyc', 'sensei', 'github', 'standard', 'custom']);

  return {
    Verifier,
    Event,
    VerificationError,
    MemoryStore,
    Router,
    sign,
    sample,
    sampleTypes,
    rejectionStatus,
    handle,
    fetchHandler,
    handleDelivery,
    providers,
    errorCodes: () => raw.errorCodes(),
    coreProviders: () => raw.providers(),
  };
}
